//! Comparing label values where a call looks its series up.

/// Whether a kept label value is `value`: lengths first, then a short
/// value (as kinds and methods are) as two overlapping words, first and
/// last, inline. The library's byte comparison, a call, cost more than the
/// rest of a computed kind's lookup (2 ns a call on AMD EPYC under KVM).
#[inline(always)]
pub(crate) fn same_text(known: &str, value: &str) -> bool {
    let (known, value) = (known.as_bytes(), value.as_bytes());
    if known.len() != value.len() {
        return false;
    }
    match known.len() {
        4..=7 => {
            known.first_chunk::<4>() == value.first_chunk::<4>()
                && known.last_chunk::<4>() == value.last_chunk::<4>()
        }
        8..=16 => {
            known.first_chunk::<8>() == value.first_chunk::<8>()
                && known.last_chunk::<8>() == value.last_chunk::<8>()
        }
        _ => known == value,
    }
}

#[cfg(test)]
mod tests {
    use super::same_text;

    #[test]
    fn texts_are_the_same_exactly_when_their_bytes_are() {
        let texts = [
            "",
            "a",
            "ab",
            "abc",
            "post",
            "page",
            "media",
            "comment",
            "postpost",
            "postpast",
            "comments",
            "product_variant",
            "product_variance",
            "a_kind_past_sixteen_bytes",
            "a_kind_past_sixteen_bytez",
        ];
        for known in texts {
            for value in texts {
                // A copy: the same text at another address.
                let copy = String::from(value);
                assert_eq!(same_text(known, &copy), known == value, "{known} {value}");
            }
        }
    }
}
