//! Numbers as the text formats write them, without a formatter per digit.

/// Appends `n` in decimal.
#[inline(always)]
pub(super) fn write_u64(out: &mut String, n: u64) {
    if n < 10 {
        // Most counts of a render: a digit, written in place. The longer
        // numbers' buffer stays out of line: with it, every count paid for
        // a call that saved and restored five registers.
        #[allow(clippy::cast_possible_truncation)]
        out.push(char::from(b'0' + n as u8));
    } else {
        write_digits(out, n);
    }
}

/// Appends `n` in decimal, digit by digit from the last.
#[inline(never)]
fn write_digits(out: &mut String, mut n: u64) {
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
    // Only ASCII digits were written: this never falls back.
    out.push_str(std::str::from_utf8(&digits[start..]).unwrap_or_default());
}

/// Appends `n` in decimal.
pub(super) fn write_i64(out: &mut String, n: i64) {
    if n < 0 {
        out.push('-');
    }
    write_u64(out, n.unsigned_abs());
}

/// Appends `value` as Go's and Prometheus' parsers read it: integers
/// without a fraction (as `prometheus`' text encoder writes them), the
/// shortest decimal that reads back exactly otherwise, `+Inf`, `-Inf`, `NaN`.
pub(super) fn write_f64(out: &mut String, value: f64) {
    const EXACT_INTEGERS: f64 = 9_007_199_254_740_992.0; // 2^53
    if value.is_nan() {
        out.push_str("NaN");
    } else if value.is_infinite() {
        out.push_str(if value > 0.0 { "+Inf" } else { "-Inf" });
    } else if value.fract() == 0.0 && value.abs() < EXACT_INTEGERS {
        if value.is_sign_negative() && value != 0.0 {
            out.push('-');
        }
        #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
        write_u64(out, value.abs() as u64);
    } else if let Some(nanos) = whole_nanos(value.abs()) {
        // A bucket bound, someone else's sum of durations: nanoseconds,
        // written without the float formatter (a fifth of a series' text
        // before).
        if value.is_sign_negative() {
            out.push('-');
        }
        write_nanos(out, nanos);
    } else {
        use std::fmt::Write;
        // Writing into a `String` cannot fail.
        let _ = write!(out, "{value}");
    }
}

/// Appends `nanos` nanoseconds in seconds, as [`write_f64`] writes
/// `nanos as f64 / 1e9`, without the float: a histogram's sum of ours.
pub(super) fn write_seconds(out: &mut String, nanos: u64) {
    if nanos < WHOLE_NANOS_LIMIT {
        // Below the limit the double is the nearest to `nanos` / 10^9, so
        // `write_f64` finds these nanoseconds back and writes this text
        // (a whole number of seconds without a fraction, as here).
        write_nanos(out, nanos);
    } else {
        #[allow(clippy::cast_precision_loss)]
        write_f64(out, nanos as f64 / 1e9);
    }
}

/// Appends `nanos` in seconds: the whole seconds, then the fraction
/// without its trailing zeros, if any.
fn write_nanos(out: &mut String, nanos: u64) {
    write_u64(out, nanos / NANOS);
    let mut fraction = nanos % NANOS;
    if fraction == 0 {
        return;
    }
    out.push('.');
    let mut digits = 9;
    while fraction.is_multiple_of(10) {
        fraction /= 10;
        digits -= 1;
    }
    let mut text = [b'0'; 9];
    for digit in text[..digits].iter_mut().rev() {
        #[allow(clippy::cast_possible_truncation)]
        let last = (fraction % 10) as u8;
        *digit = b'0' + last;
        fraction /= 10;
    }
    // Only ASCII digits: this never falls back.
    out.push_str(std::str::from_utf8(&text[..digits]).unwrap_or_default());
}

const NANOS: u64 = 1_000_000_000;

/// Durations below 10^15 nanoseconds (eleven days) have at most fifteen
/// significant digits in seconds: any two such decimals are different
/// doubles.
const WHOLE_NANOS_LIMIT: u64 = 1_000_000_000_000_000;

/// `value` (positive, finite, not whole) in nanoseconds, when it is the
/// double nearest to a whole number of them below 10^15: its shortest
/// decimal is then that number's, fifteen significant digits at most
/// (any two decimals that short are different doubles, so no shorter one
/// reads back as `value`).
fn whole_nanos(value: f64) -> Option<u64> {
    #[allow(clippy::cast_precision_loss)]
    const LIMIT: f64 = WHOLE_NANOS_LIMIT as f64;
    let nanos = (value * 1e9).round();
    #[allow(
        clippy::cast_precision_loss,
        clippy::cast_possible_truncation,
        clippy::cast_sign_loss
    )]
    let whole = (nanos < LIMIT && nanos as u64 as f64 / 1e9 == value).then_some(nanos as u64);
    whole.filter(|nanos| !nanos.is_multiple_of(NANOS))
}

#[cfg(test)]
mod tests {
    use super::{write_f64, write_seconds, write_u64};

    fn f64_text(value: f64) -> String {
        let mut out = String::new();
        write_f64(&mut out, value);
        out
    }

    #[test]
    fn numbers_read_back_exactly() {
        let mut out = String::new();
        for n in [0, 9, 10, 99, 1_234_567, u64::MAX] {
            write_u64(&mut out, n);
            out.push(' ');
        }
        assert_eq!(out, "0 9 10 99 1234567 18446744073709551615 ");
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

    #[test]
    fn seconds_from_nanoseconds_are_written_as_their_float() {
        let nanos = (0..2_000_u64)
            .map(|n| n * n * n * 7_919 + n)
            .chain((0..64).map(|shift| 1_u64 << shift))
            .chain([1_000_000_000, 86_400_000_000_000, 999_999_999_999_999])
            .chain([1_000_000_000_000_000, 1_000_000_000_000_001, u64::MAX]);
        for nanos in nanos {
            let mut seconds = String::new();
            write_seconds(&mut seconds, nanos);
            #[allow(clippy::cast_precision_loss)]
            let float = f64_text(nanos as f64 / 1e9);
            assert_eq!(seconds, float, "{nanos}");
        }
    }

    #[test]
    fn nanoseconds_are_written_as_the_float_formatter_writes_them() {
        #[allow(clippy::cast_precision_loss)]
        let nanos = (0..2_000_u64)
            .map(|n| n * n * n * 7_919 + n + 1)
            .chain([1, 999_999_999, 1_000_000_001, 999_999_999_999_999])
            .chain((0..60).map(|shift| (1_u64 << shift) + 3))
            .map(|n| n as f64 / 1e9);
        for value in nanos.chain([0.005, 2.5, 0.1, 1e-9, 123.456, 0.333_333_333_3]) {
            for value in [value, -value] {
                assert_eq!(f64_text(value), format!("{value}"), "{value:e}");
            }
        }
    }
}
