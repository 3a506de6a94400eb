//! Writing PromQL safely: label values from the catalogue are quoted and,
//! where they go into a regular expression, escaped.

/// `value` as a PromQL string literal, quotes included.
pub(super) fn quoted(value: &str) -> String {
    let mut out = String::with_capacity(value.len() + 2);
    out.push('"');
    for c in value.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
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

/// A bucket bound as the exposition writes it in `le` (`0.25`, `1`).
pub(super) fn bound(seconds: f64) -> String {
    seconds.to_string()
}

#[cfg(test)]
mod tests {
    use super::{any_of, bound, quoted};

    #[test]
    fn values_are_quoted_and_escaped() {
        assert_eq!(quoted(r#"a"b\c"#), r#""a\"b\\c""#);
        assert_eq!(any_of(&["get", "a.b|c"]), r#""get|a\\.b\\|c""#);
        assert_eq!(bound(0.25), "0.25");
        assert_eq!(bound(1.0), "1");
    }
}
