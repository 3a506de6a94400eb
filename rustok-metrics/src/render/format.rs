//! The exposition formats, and choosing one from an `Accept` header.

/// An exposition format Prometheus reads.
///
/// ```
/// use rustok_metrics::Format;
///
/// // What Prometheus 2.42 sends with `--enable-feature=native-histograms`:
/// let accept = "application/vnd.google.protobuf;proto=io.prometheus.client.MetricFamily;encoding=delimited,\
///     application/openmetrics-text;version=1.0.0;q=0.8,application/openmetrics-text;version=0.0.1;q=0.75,\
///     text/plain;version=0.0.4;q=0.5,*/*;q=0.1";
/// assert_eq!(Format::from_accept(accept), Format::Protobuf);
/// assert_eq!(Format::from_accept("text/html, */*"), Format::Text);
/// assert_eq!(Format::Text.content_type(), "text/plain; version=0.0.4; charset=utf-8");
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Format {
    /// The Prometheus text format 0.0.4: what [`render_metrics`](crate::render_metrics)
    /// returns, what `promtool` and every Prometheus read.
    #[default]
    Text,
    /// OpenMetrics 1.0 text: counter families named without `_total`, `# UNIT`
    /// for the duration histograms, `# EOF` at the end.
    OpenMetrics,
    /// `io.prometheus.client.MetricFamily` protobuf messages, each preceded
    /// by its length as a varint: what Prometheus asks for when native
    /// histograms are enabled.
    Protobuf,
}

impl Format {
    /// The `Content-Type` of a response in this format.
    #[must_use]
    pub const fn content_type(self) -> &'static str {
        match self {
            Format::Text => "text/plain; version=0.0.4; charset=utf-8",
            Format::OpenMetrics => "application/openmetrics-text; version=1.0.0; charset=utf-8",
            Format::Protobuf => {
                "application/vnd.google.protobuf; proto=io.prometheus.client.MetricFamily; encoding=delimited"
            }
        }
    }

    /// The format to answer a request whose `Accept` header is `accept`.
    ///
    /// Of the formats the header offers (with a quality above 0), the one
    /// with the highest quality; on a tie, protobuf before OpenMetrics
    /// before text. So Prometheus gets protobuf when it offers it, else
    /// OpenMetrics, else text. Protobuf is offered by
    /// `application/vnd.google.protobuf` with `proto=io.prometheus.client.MetricFamily`
    /// and `encoding=delimited`; OpenMetrics by `application/openmetrics-text`
    /// with no version, `1.0.0` or `0.0.1` (answered as 1.0.0, which
    /// Prometheus parses the same way). Anything else, an empty header, or
    /// a header that does not parse, gets [`Format::Text`].
    #[must_use]
    pub fn from_accept(accept: &str) -> Format {
        let mut best: Option<(f32, Format)> = None;
        for range in accept.split(',') {
            if range.trim().is_empty() {
                continue;
            }
            let Some((format, quality)) = parse_range(range) else {
                return Format::Text;
            };
            let Some(format) = format else { continue };
            if quality <= 0.0 {
                continue;
            }
            let better = best.is_none_or(|(best_quality, best_format)| {
                quality > best_quality
                    || (quality == best_quality && preference(format) < preference(best_format))
            });
            if better {
                best = Some((quality, format));
            }
        }
        best.map_or(Format::Text, |(_, format)| format)
    }
}

/// Lower is preferred on equal quality.
fn preference(format: Format) -> u8 {
    match format {
        Format::Protobuf => 0,
        Format::OpenMetrics => 1,
        Format::Text => 2,
    }
}

/// One media range: the format it names (`None`: one we do not write) and
/// its quality; `None` when it does not parse.
fn parse_range(range: &str) -> Option<(Option<Format>, f32)> {
    let mut parts = range.split(';').map(str::trim);
    let media_type = parts.next()?;
    let (kind, subtype) = media_type.split_once('/')?;
    if kind.is_empty() || subtype.is_empty() || !is_token(kind) || !is_token(subtype) {
        return None;
    }
    let mut quality = 1.0;
    let (mut proto, mut encoding, mut version) = (None, None, None);
    for parameter in parts {
        let (name, value) = parameter.split_once('=')?;
        let (name, value) = (name.trim(), value.trim().trim_matches('"'));
        if !is_token(name) {
            return None;
        }
        if name.eq_ignore_ascii_case("q") {
            quality = value
                .parse::<f32>()
                .ok()
                .filter(|q| (0.0..=1.0).contains(q))?;
        } else if name.eq_ignore_ascii_case("proto") {
            proto = Some(value);
        } else if name.eq_ignore_ascii_case("encoding") {
            encoding = Some(value);
        } else if name.eq_ignore_ascii_case("version") {
            version = Some(value);
        }
    }
    let media_type = media_type.to_ascii_lowercase();
    let format = match media_type.as_str() {
        "application/vnd.google.protobuf"
            if proto == Some("io.prometheus.client.MetricFamily")
                && encoding == Some("delimited") =>
        {
            Some(Format::Protobuf)
        }
        "application/openmetrics-text" if matches!(version, None | Some("1.0.0" | "0.0.1")) => {
            Some(Format::OpenMetrics)
        }
        "text/plain" if matches!(version, None | Some("0.0.4")) => Some(Format::Text),
        "*/*" | "text/*" => Some(Format::Text),
        _ => None,
    };
    Some((format, quality))
}

/// An RFC 9110 token: what a media type, subtype or parameter name is.
fn is_token(text: &str) -> bool {
    !text.is_empty()
        && text
            .bytes()
            .all(|byte| byte.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&byte))
}

#[cfg(test)]
mod tests {
    use super::Format;

    const PROMETHEUS_2_42: &str = "application/openmetrics-text;version=1.0.0,application/openmetrics-text;version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1";
    const PROMETHEUS_2_42_NATIVE: &str = "application/vnd.google.protobuf;proto=io.prometheus.client.MetricFamily;encoding=delimited,application/openmetrics-text;version=1.0.0;q=0.8,application/openmetrics-text;version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1";

    #[test]
    fn what_prometheus_sends() {
        assert_eq!(
            Format::from_accept(PROMETHEUS_2_42_NATIVE),
            Format::Protobuf
        );
        assert_eq!(Format::from_accept(PROMETHEUS_2_42), Format::OpenMetrics);
        assert_eq!(
            Format::from_accept("text/plain;version=0.0.4"),
            Format::Text
        );
        assert_eq!(Format::from_accept(""), Format::Text);
        assert_eq!(Format::from_accept("*/*"), Format::Text);
    }

    #[test]
    fn qualities_decide_and_zero_refuses() {
        let text_first = "application/openmetrics-text;version=1.0.0;q=0.2,text/plain;q=0.9";
        assert_eq!(Format::from_accept(text_first), Format::Text);
        let refused = "application/vnd.google.protobuf;proto=io.prometheus.client.MetricFamily;encoding=delimited;q=0,application/openmetrics-text";
        assert_eq!(Format::from_accept(refused), Format::OpenMetrics);
        // Protobuf other than delimited MetricFamily is not ours to write.
        let compact =
            "application/vnd.google.protobuf;proto=io.prometheus.client.MetricFamily;encoding=text";
        assert_eq!(Format::from_accept(compact), Format::Text);
        assert_eq!(
            Format::from_accept("application/openmetrics-text; version=2.0.0"),
            Format::Text
        );
    }

    #[test]
    fn malformed_headers_get_text() {
        for accept in [
            "application/openmetrics-text;q=high",
            "application/openmetrics-text;q=2",
            "application/openmetrics-text;version",
            "openmetrics",
            "application/openmetrics-text,/,",
            "application/openmetrics-text;;q=1",
            "\u{e9}/\u{e9}",
            "application/openmetrics-text;q=0.5;q",
        ] {
            assert_eq!(Format::from_accept(accept), Format::Text, "{accept:?}");
        }
    }
}
