//! How both text formats write a label pair, `name="value"`, and escape
//! text: `\`, newline and, in label values, `"`.
//!
//! One place for the grammar, as two writers use it: the text encoder, for
//! every sample, and a module's series index, which writes each label set
//! once when it first sees it rather than at every line of every render.

/// Appends `name="value"`, `value` escaped.
pub(crate) fn write_pair(out: &mut String, name: &str, value: &str) {
    out.push_str(name);
    out.push_str("=\"");
    escape(out, value, true);
    out.push('"');
}

/// Appends `text` with `\` and newline escaped, and `"` when `quotes`.
#[inline(always)]
pub(crate) fn escape(out: &mut String, text: &str, quotes: bool) {
    if needs_escaping(text.as_bytes(), quotes) {
        escape_slowly(out, text, quotes);
    } else {
        out.push_str(text);
    }
}

/// [`escape`] for text that has something to escape: rare, out of line.
#[cold]
#[inline(never)]
fn escape_slowly(out: &mut String, text: &str, quotes: bool) {
    let mut rest = text;
    // Every special character is ASCII, so each split is on a character
    // boundary.
    while let Some(at) = rest
        .as_bytes()
        .iter()
        .position(|&byte| special(byte, quotes))
    {
        out.push_str(&rest[..at]);
        out.push_str(match rest.as_bytes()[at] {
            b'\n' => "\\n",
            b'"' => "\\\"",
            _ => "\\\\",
        });
        rest = &rest[at + 1..];
    }
    out.push_str(rest);
}

/// Whether `bytes` has a `\` or a newline, or a `"` when `quotes`: eight
/// bytes at a time, since nearly every label value has none (a render asks
/// tens of thousands of times). Each word is loaded straight from `bytes`,
/// the last one overlapping the one before, and a value of four to seven
/// bytes as two overlapping halves: copying a short tail into a zeroed word
/// made the load wait for the copy (a store forwarding stall), and a loop
/// over the tail's bytes mispredicts as lengths vary; both were most of a
/// render's escaping time on AMD EPYC.
#[inline(always)]
fn needs_escaping(bytes: &[u8], quotes: bool) -> bool {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGHS: u64 = 0x8080_8080_8080_8080;
    // Whether a byte of `word` is `byte`.
    let has = |word: u64, byte: u8| {
        let matches = word ^ (ONES * u64::from(byte));
        matches.wrapping_sub(ONES) & !matches & HIGHS != 0
    };
    let special_in =
        |word: u64| has(word, b'\\') || has(word, b'\n') || (quotes && has(word, b'"'));
    let word_at = |at: usize| u64::from_le_bytes(bytes[at..at + 8].try_into().unwrap_or_default());
    let half_at = |at: usize| {
        u64::from(u32::from_le_bytes(
            bytes[at..at + 4].try_into().unwrap_or_default(),
        ))
    };
    match bytes.len() {
        0..4 => bytes.iter().any(|&byte| special(byte, quotes)),
        length @ 4..8 => special_in(half_at(0) | half_at(length - 4) << 32),
        length => {
            (0..length - 8).step_by(8).any(|at| special_in(word_at(at)))
                || special_in(word_at(length - 8))
        }
    }
}

/// Whether `byte` is escaped: `\`, newline, and `"` when `quotes`.
#[inline]
fn special(byte: u8, quotes: bool) -> bool {
    byte == b'\\' || byte == b'\n' || (quotes && byte == b'"')
}

#[cfg(test)]
mod tests {
    use super::escape;

    #[test]
    fn escapes_backslashes_newlines_and_quotes_when_asked() {
        let mut out = String::new();
        escape(&mut out, "a\\b\n\"c\"é", true);
        assert_eq!(out, r#"a\\b\n\"c\"é"#);
        out.clear();
        escape(&mut out, "a\"b\n", false);
        assert_eq!(out, "a\"b\\n");
        out.clear();
        escape(&mut out, "plain", true);
        assert_eq!(out, "plain");
        // Every length up to three words, with a special character at each
        // place (and none), among bytes that differ from one by a bit.
        let plain = "abcdefgh]ijklmnopqrstuvwxyz";
        for length in 0..25 {
            out.clear();
            escape(&mut out, &plain[..length], true);
            assert_eq!(out, plain[..length]);
            for at in 0..length {
                for special in ['\\', '\n', '"'] {
                    let mut text: Vec<char> = plain[..length].chars().collect();
                    text[at] = special;
                    let text: String = text.into_iter().collect();
                    out.clear();
                    escape(&mut out, &text, true);
                    assert_eq!(out.len(), text.len() + 1, "{text:?}");
                }
            }
        }
        out.clear();
        escape(&mut out, "]\u{b}#\u{dc}\u{a2}\u{8a}", true);
        assert_eq!(out, "]\u{b}#\u{dc}\u{a2}\u{8a}");
    }
}
