//! What a module may be called: `[a-z][a-z0-9_]*`, the part between
//! `rustok_` and `_operations_total`.

use crate::TelemetryError;

/// Whether `name` is `[a-z][a-z0-9_]*`. `const`, so a call site's static
/// initialiser can check it at compile time.
pub(crate) const fn is_metric_name_segment(name: &str) -> bool {
    let bytes = name.as_bytes();
    if bytes.is_empty() || !bytes[0].is_ascii_lowercase() {
        return false;
    }
    let mut i = 1;
    while i < bytes.len() {
        let b = bytes[i];
        if !(b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_') {
            return false;
        }
        i += 1;
    }
    true
}

/// `module`, or [`TelemetryError::InvalidModule`] when it is not a valid name.
pub(crate) fn checked(module: &str) -> Result<&str, TelemetryError> {
    if is_metric_name_segment(module) {
        Ok(module)
    } else {
        Err(TelemetryError::InvalidModule {
            module: module.to_owned(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::is_metric_name_segment;

    #[test]
    fn metric_name_segments() {
        for good in ["content", "a", "http2", "order_items"] {
            assert!(is_metric_name_segment(good), "{good}");
        }
        for bad in ["", "Content", "2fa", "_x", "a-b", "a b", "é"] {
            assert!(!is_metric_name_segment(bad), "{bad}");
        }
    }
}
