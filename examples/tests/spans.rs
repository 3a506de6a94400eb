//! The example server's span lines: a request's metered calls run in spans
//! of their own under the request's span, as the guide's span tree shows.
//! Loopback only; the server is stopped by the test.

use std::sync::mpsc::Receiver;
use std::time::{Duration, Instant};

use support::{get, post_json, start_server_printing_spans};

mod support;

/// One line of `tracing-subscriber`'s full format, parsed: the level, the
/// spans it is in (outermost first: name and fields), and its message.
#[derive(Debug)]
struct SpanLine {
    level: String,
    spans: Vec<(String, String)>,
    message: String,
}

impl SpanLine {
    /// `<time> <LEVEL> <span>{<fields>}:<span>{<fields>}: <target>: <message>`.
    fn parse(line: &str) -> Option<SpanLine> {
        let mut words = line.split_whitespace();
        let _time = words.next()?;
        let level = words.next()?.to_owned();
        let rest = line.split_once(&format!(" {level} "))?.1.trim_start();
        let (chain, after) = rest.split_once("}: ")?;
        let message = after.split_once(": ")?.1.to_owned();
        let spans = chain
            .split("}:")
            .map(|span| {
                let (name, fields) = span.split_once('{').unwrap_or((span, ""));
                (name.to_owned(), fields.to_owned())
            })
            .collect();
        Some(SpanLine {
            level,
            spans,
            message,
        })
    }

    fn names(&self) -> Vec<&str> {
        self.spans.iter().map(|(name, _)| name.as_str()).collect()
    }

    /// The fields of the innermost span, as `name=value` pairs.
    fn innermost_field(&self, name: &str) -> Option<&str> {
        let (_, fields) = self.spans.last()?;
        fields
            .split(' ')
            .find_map(|field| field.strip_prefix(name)?.strip_prefix('='))
    }
}

/// Reads lines until `wanted` matches one (returned) or a generous deadline
/// passes (`None`), keeping what it read in `seen` for the failure message.
fn until_line(
    lines: &Receiver<String>,
    seen: &mut Vec<String>,
    wanted: impl Fn(&SpanLine) -> bool,
) -> Option<SpanLine> {
    let deadline = Instant::now() + Duration::from_secs(60);
    while let Some(left) = deadline.checked_duration_since(Instant::now()) {
        let line = lines.recv_timeout(left).ok()?;
        seen.push(line.clone());
        if let Some(parsed) = SpanLine::parse(&line).filter(&wanted) {
            return Some(parsed);
        }
    }
    None
}

#[test]
fn a_requests_metered_calls_are_spans_under_its_span() {
    let (server, lines) = start_server_printing_spans(&[], "server=info");
    let mut seen = Vec::new();

    // An error: the call's span and its `err` event, both under the request.
    assert_eq!(
        post_json(server.addr, "/api/nodes", r#"{"kind":"page","title":""}"#),
        422
    );
    let event = until_line(&lines, &mut seen, |line| line.level == "ERROR")
        .unwrap_or_else(|| panic!("no err event in {seen:#?}"));
    assert_eq!(event.names(), ["request", "content.create"], "{seen:#?}");
    let closed = until_line(&lines, &mut seen, |line| {
        line.message.starts_with("close") && line.names().last() == Some(&"content.create")
    })
    .unwrap_or_else(|| panic!("content.create never closed: {seen:#?}"));
    assert_eq!(closed.names(), ["request", "content.create"]);
    assert_eq!(closed.innermost_field("status"), Some("\"error\""));
    assert_eq!(
        closed.innermost_field("error.type"),
        Some("\"empty_title\"")
    );
    assert_eq!(closed.innermost_field("kind"), Some("\"page\""));
    let request = until_line(&lines, &mut seen, |line| {
        line.message.starts_with("close") && line.names() == ["request"]
    })
    .unwrap_or_else(|| panic!("the request span never closed: {seen:#?}"));
    assert_eq!(request.innermost_field("method"), Some("POST"));

    // A sync method, in the next request's span.
    assert_eq!(get(server.addr, "/api/nodes/1", &[]).0, 404);
    let closed = until_line(&lines, &mut seen, |line| {
        line.message.starts_with("close") && line.names().last() == Some(&"content.get")
    })
    .unwrap_or_else(|| panic!("content.get never closed: {seen:#?}"));
    assert_eq!(closed.names(), ["request", "content.get"]);
    assert_eq!(closed.innermost_field("status"), Some("\"error\""));
    assert_eq!(closed.innermost_field("error.type"), Some("\"not_found\""));
}
