//! Numbers as the text formats write them, without a formatter per digit.

/// Appends `n` in decimal.
pub(super) fn write_u64(out: &mut Vec<u8>, mut n: u64) {
    let mut digits = [0u8; 20];
    let mut start = digits.len();
    loop {
        start -= 1;
        #[allow(clippy::cast_possible_truncation)]
        let digit = (n % 10) as u8;
        digits[start] = b'0' + digit;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    out.extend_from_slice(&digits[start..]);
}

/// Appends `n` in decimal.
pub(super) fn write_i64(out: &mut Vec<u8>, n: i64) {
    if n < 0 {
        out.push(b'-');
    }
    write_u64(out, n.unsigned_abs());
}

/// Appends `value` as Go's and Prometheus' parsers read it: integers
/// without a fraction (as `prometheus`' text encoder writes them), the
/// shortest decimal that reads back exactly otherwise, `+Inf`, `-Inf`, `NaN`.
pub(super) fn write_f64(out: &mut Vec<u8>, value: f64) {
    const EXACT_INTEGERS: f64 = 9_007_199_254_740_992.0; // 2^53
    if value.is_nan() {
        out.extend_from_slice(b"NaN");
    } else if value.is_infinite() {
        out.extend_from_slice(if value > 0.0 { b"+Inf" } else { b"-Inf" });
    } else if value.fract() == 0.0 && value.abs() < EXACT_INTEGERS {
        if value.is_sign_negative() && value != 0.0 {
            out.push(b'-');
        }
        #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
        write_u64(out, value.abs() as u64);
    } else {
        use std::io::Write;
        // Writing into a `Vec` cannot fail.
        let _ = write!(out, "{value}");
    }
}

#[cfg(test)]
mod tests {
    use super::{write_f64, write_u64};

    fn f64_text(value: f64) -> String {
        let mut out = Vec::new();
        write_f64(&mut out, value);
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn numbers_read_back_exactly() {
        let mut out = Vec::new();
        write_u64(&mut out, 0);
        out.push(b' ');
        write_u64(&mut out, u64::MAX);
        assert_eq!(out, b"0 18446744073709551615");
        assert_eq!(f64_text(1.0), "1");
        assert_eq!(f64_text(-3.0), "-3");
        assert_eq!(f64_text(0.005), "0.005");
        assert_eq!(f64_text(1e-9), "0.000000001");
        assert_eq!(f64_text(f64::INFINITY), "+Inf");
        assert_eq!(f64_text(f64::NEG_INFINITY), "-Inf");
        assert_eq!(f64_text(f64::NAN), "NaN");
        for value in [0.1, 0.123_456_789, 1e300, 2.5e-7] {
            assert_eq!(f64_text(value).parse::<f64>().unwrap(), value);
        }
    }
}
