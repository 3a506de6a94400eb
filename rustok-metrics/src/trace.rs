//! Which trace a call belongs to, for exemplars: the trace context a call
//! ends in, where it comes from (OpenTelemetry with the `opentelemetry`
//! feature, or a source the application sets), and the exemplar a recorder
//! keeps from it.

use std::sync::OnceLock;

use crate::TelemetryError;

/// The trace and span a call ran in: what an exemplar links a sample to.
///
/// ```
/// use rustok_metrics::settings::TraceContext;
///
/// let context = TraceContext::new([0xab; 16], [0x01; 8]).unwrap();
/// assert_eq!(context.trace_id_hex(), "abababababababababababababababab");
/// assert_eq!(context.span_id_hex(), "0101010101010101");
/// // All-zero ids are invalid in W3C trace context: no exemplar.
/// assert!(TraceContext::new([0; 16], [1; 8]).is_none());
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TraceContext {
    trace_id: [u8; 16],
    span_id: [u8; 8],
}

impl TraceContext {
    /// A context from W3C trace-context ids, or `None` when either is all
    /// zeros (invalid).
    #[must_use]
    pub const fn new(trace_id: [u8; 16], span_id: [u8; 8]) -> Option<Self> {
        if u128::from_be_bytes(trace_id) == 0 || u64::from_be_bytes(span_id) == 0 {
            return None;
        }
        Some(TraceContext { trace_id, span_id })
    }

    /// The trace id.
    #[must_use]
    pub const fn trace_id(&self) -> [u8; 16] {
        self.trace_id
    }

    /// The span id.
    #[must_use]
    pub const fn span_id(&self) -> [u8; 8] {
        self.span_id
    }

    /// The trace id as 32 lowercase hex digits, as exemplars carry it.
    #[must_use]
    pub fn trace_id_hex(&self) -> String {
        String::from_utf8_lossy(hex(&self.trace_id, &mut [0; 32])).into_owned()
    }

    /// The span id as 16 lowercase hex digits.
    #[must_use]
    pub fn span_id_hex(&self) -> String {
        String::from_utf8_lossy(hex(&self.span_id, &mut [0; 16])).into_owned()
    }
}

/// Writes `bytes` as lowercase hex into `out` (twice as long) and returns it.
pub(crate) fn hex<'o>(bytes: &[u8], out: &'o mut [u8]) -> &'o [u8] {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    for (pair, byte) in out.chunks_exact_mut(2).zip(bytes) {
        pair[0] = DIGITS[usize::from(byte >> 4)];
        pair[1] = DIGITS[usize::from(byte & 0xf)];
    }
    out
}

/// Where trace contexts come from: a plain function, called at the end of
/// every metered call and HTTP request, so it must be cheap and must not
/// block.
///
/// ```
/// use rustok_metrics::settings::{TraceContext, TraceSource};
///
/// let none: TraceSource = || None;
/// let fixed: TraceSource = || TraceContext::new([1; 16], [2; 8]);
/// assert!(none().is_none() && fixed().is_some());
/// ```
pub type TraceSource = fn() -> Option<TraceContext>;

static SOURCE: OnceLock<TraceSource> = OnceLock::new();

/// Sets where exemplars get their trace context, for tracing systems other
/// than OpenTelemetry (with the `opentelemetry` feature, the current
/// OpenTelemetry context is used unless a source is set). Call it once, at
/// start-up.
///
/// ```
/// use rustok_metrics::settings::TraceContext;
///
/// thread_local! {
///     static REQUEST_TRACE: std::cell::Cell<Option<TraceContext>> = const { std::cell::Cell::new(None) };
/// }
/// rustok_metrics::settings::set_trace_source(|| REQUEST_TRACE.get())?;
/// assert!(rustok_metrics::settings::set_trace_source(|| None).is_err());
/// # Ok::<(), rustok_metrics::TelemetryError>(())
/// ```
///
/// # Errors
/// [`TelemetryError::TraceSourceSet`] when a source was set before.
pub fn set_trace_source(source: TraceSource) -> Result<(), TelemetryError> {
    SOURCE
        .set(source)
        .map_err(|_| TelemetryError::TraceSourceSet)
}

/// Whether a call may end inside a trace: a source was set, or the
/// `opentelemetry` feature looks up the current context. Without either,
/// one load tells a call it has no exemplar to leave.
#[inline(always)]
pub(crate) fn may_be_traced() -> bool {
    cfg!(feature = "opentelemetry") || SOURCE.get().is_some()
}

/// The trace context the current call ends in, if any.
#[inline]
pub(crate) fn current() -> Option<TraceContext> {
    match SOURCE.get() {
        Some(source) => source(),
        None => default_source(),
    }
}

#[cfg(not(feature = "opentelemetry"))]
#[inline]
fn default_source() -> Option<TraceContext> {
    None
}

/// The span of the current OpenTelemetry context, when it is sampled (so its
/// trace reaches the tracing backend). A `tracing` span entered through
/// `tracing-opentelemetry` activates its context too. Borrowed, not cloned.
#[cfg(feature = "opentelemetry")]
#[inline]
fn default_source() -> Option<TraceContext> {
    use opentelemetry::trace::TraceContextExt;
    opentelemetry::Context::map_current(|context| {
        let span = context.span();
        let span = span.span_context();
        if !span.is_sampled() {
            return None;
        }
        TraceContext::new(span.trace_id().to_bytes(), span.span_id().to_bytes())
    })
}

/// The latest call of a sample that ran in a trace.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Exemplar {
    pub(crate) trace: TraceContext,
    /// The call's duration.
    pub(crate) nanos: u64,
    /// When it ended, in nanoseconds since the Unix epoch.
    pub(crate) unix_nanos: u64,
}

impl Exemplar {
    /// The later of two exemplars.
    pub(crate) fn latest(a: Option<Exemplar>, b: Option<Exemplar>) -> Option<Exemplar> {
        match (a, b) {
            (Some(a), Some(b)) => Some(if b.unix_nanos > a.unix_nanos { b } else { a }),
            (a, b) => a.or(b),
        }
    }

    /// The duration in seconds.
    #[allow(clippy::cast_precision_loss)]
    pub(crate) fn seconds(&self) -> f64 {
        self.nanos as f64 / 1e9
    }
}

#[cfg(test)]
mod tests {
    use super::{Exemplar, TraceContext, hex};

    #[test]
    fn hex_is_lowercase_and_full_width() {
        assert_eq!(hex(&[0x00, 0x0f, 0xa0, 0xff], &mut [0; 8]), b"000fa0ff");
        let mut trace_id = [0; 16];
        trace_id[15] = 1;
        let context = TraceContext::new(trace_id, [2; 8]).unwrap();
        assert_eq!(context.trace_id_hex(), format!("{}01", "0".repeat(30)));
    }

    #[test]
    fn the_latest_exemplar_wins() {
        let trace = TraceContext::new([1; 16], [1; 8]).unwrap();
        let at = |unix_nanos| {
            Some(Exemplar {
                trace,
                nanos: 1,
                unix_nanos,
            })
        };
        assert_eq!(Exemplar::latest(at(1), at(2)), at(2));
        assert_eq!(Exemplar::latest(at(3), at(2)), at(3));
        assert_eq!(Exemplar::latest(None, at(2)), at(2));
        assert_eq!(Exemplar::latest(None, None), None);
    }
}
