//! A series' labels as a render writes them: its `kind` and `operation`
//! values, and the same labels as text (`error_kind="",kind="..",operation=".."`),
//! written once, when its label set is first seen. Every line of a series
//! has them: escaping them again for each of its three families at every
//! render was a tenth of a render's time.

use crate::label_text::write_pair;

/// A series' labels on `..._operations_total` before `status`: `error_kind`
/// (empty for the calls without a tag), `kind` and `operation`. The other
/// families have the last two.
pub(super) fn pairs<'a>(kind: &'a str, operation: &'a str) -> [(&'a str, &'a str); 3] {
    [("error_kind", ""), ("kind", kind), ("operation", operation)]
}

/// Where a label set is in a string of label sets: its values, then its
/// [`pairs`] as text.
#[derive(Clone, Copy, Debug)]
pub(super) struct LabelsAt {
    kind: usize,
    operation: usize,
    /// Where the text of each pair starts.
    pair: [usize; 3],
    end: usize,
}

impl LabelsAt {
    /// Appends the label set of `kind` and `operation` to `into`.
    pub(super) fn push(into: &mut String, kind: &str, operation: &str) -> LabelsAt {
        let kind_at = into.len();
        into.push_str(kind);
        let operation_at = into.len();
        into.push_str(operation);
        let mut pair = [0; 3];
        for (index, (name, value)) in pairs(kind, operation).into_iter().enumerate() {
            if index > 0 {
                into.push(',');
            }
            pair[index] = into.len();
            write_pair(into, name, value);
        }
        LabelsAt {
            kind: kind_at,
            operation: operation_at,
            pair,
            end: into.len(),
        }
    }

    /// The kind and the operation, from the string it was pushed to.
    #[inline]
    pub(super) fn values(self, text: &str) -> (&str, &str) {
        (
            &text[self.kind..self.operation],
            &text[self.operation..self.pair[0]],
        )
    }

    /// The text of the pairs from the `first`th on (0: all of them).
    #[inline]
    pub(super) fn text(self, text: &str, first: usize) -> &str {
        &text[self.pair[first]..self.end]
    }
}

#[cfg(test)]
mod tests {
    use super::LabelsAt;

    #[test]
    fn label_sets_keep_their_values_and_their_escaped_text() {
        let mut text = String::from("before");
        let plain = LabelsAt::push(&mut text, "post", "import");
        let quoted = LabelsAt::push(&mut text, "a\"b", "c\\d\n");
        assert_eq!(plain.values(&text), ("post", "import"));
        assert_eq!(
            plain.text(&text, 0),
            r#"error_kind="",kind="post",operation="import""#
        );
        assert_eq!(plain.text(&text, 1), r#"kind="post",operation="import""#);
        assert_eq!(quoted.values(&text), ("a\"b", "c\\d\n"));
        assert_eq!(quoted.text(&text, 1), r#"kind="a\"b",operation="c\\d\n""#);
    }
}
