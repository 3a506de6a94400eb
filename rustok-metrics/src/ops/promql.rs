//! Writing PromQL safely: label values from the catalogue are quoted and,
//! where they go into a regular expression, escaped.

use std::fmt::Write;

/// `value` as a PromQL string literal, quotes included.
pub(super) fn quoted(value: &str) -> String {
    let mut out = String::with_capacity(value.len() + 2);
    out.push('"');
    for c in value.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            // Control characters and the line separators YAML breaks lines
            // at: escaped, so the value stays on its line of the rules file.
            c if c.is_control() || matches!(c, '\u{2028}' | '\u{2029}') => {
                let _ = write!(out, "\\u{:04x}", u32::from(c));
            }
            other => out.push(other),
        }
    }
    out.push('"');
    out
}

/// A regular expression (RE2, fully anchored by PromQL) that matches
/// exactly the given values, as a quoted PromQL string.
pub(super) fn any_of(values: &[&str]) -> String {
    let alternatives: Vec<String> = values
        .iter()
        .map(|value| {
            let mut escaped = String::with_capacity(value.len());
            for c in value.chars() {
                if "\\.+*?()|[]{}^$".contains(c) {
                    escaped.push('\\');
                }
                escaped.push(c);
            }
            escaped
        })
        .collect();
    quoted(&alternatives.join("|"))
}

/// A matcher for the `le` label of a bucket bound: `le="0.25"`; for a
/// whole number of seconds `le=~"1|1\\.0"`, since we write `1` but
/// Prometheus stores `1.0` when it normalises bounds (3.x, and 2.x for a
/// protobuf scrape).
pub(super) fn le_matcher(seconds: f64) -> String {
    let written = seconds.to_string();
    if written.contains('.') {
        format!("le={}", quoted(&written))
    } else {
        format!("le=~{}", quoted(&format!("{written}|{written}\\.0")))
    }
}

#[cfg(test)]
mod tests {
    use super::{any_of, le_matcher, quoted};

    #[test]
    fn values_are_quoted_and_escaped() {
        assert_eq!(quoted(r#"a"b\c"#), r#""a\"b\\c""#);
        assert_eq!(any_of(&["get", "a.b|c"]), r#""get|a\\.b\\|c""#);
        assert_eq!(quoted("a\rb\u{2028}"), r#""a\u000db\u2028""#);
        assert_eq!(le_matcher(0.25), r#"le="0.25""#);
        assert_eq!(le_matcher(1.0), r#"le=~"1|1\\.0""#);
    }
}
