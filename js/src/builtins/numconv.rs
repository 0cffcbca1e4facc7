//! ECMAScript number <-> string conversions, engine-independent.
//!
//! * [`number_to_string`] — Number::toString (shortest round-trip digits).
//! * [`number_to_string_radix`] — `toString(radix)`, V8's algorithm.
//! * [`to_fixed`], [`to_exponential`], [`to_precision`] — exact decimal
//!   rounding of the double's true value, half away from zero.
//! * [`string_to_number`], [`parse_int`], [`parse_float`] — over UTF-16.
//! * [`is_js_whitespace`] — WhiteSpace or LineTerminator.
//!
//! Range checks of digit/radix arguments are the caller's job (RangeError);
//! out-of-range values here are clamped or treated leniently, never panic.

const DIGIT_CHARS: &[u8; 36] = b"0123456789abcdefghijklmnopqrstuvwxyz";

// ---------------------------------------------------------------------------
// Number -> String
// ---------------------------------------------------------------------------

/// Splits Rust's `{:e}` output `d.ddde-5` into (`dddd` without trailing
/// zeros, -5), i.e. x = d.ddd × 10^exp.
fn split_exp(s: &str) -> (String, i32) {
    let (mant, exp) = s.split_once('e').unwrap_or((s, "0"));
    let mut digits: String = mant.chars().filter(char::is_ascii_digit).collect();
    while digits.len() > 1 && digits.ends_with('0') {
        digits.pop();
    }
    (digits, exp.parse().unwrap_or(0))
}

/// Shortest round-trip digits of finite x > 0 and exponent e, x ≈ d.ddd × 10^e.
/// Rust's `{:e}` prints the shortest digits that read back as x, picking the
/// closest candidate, as ECMA-262 Number::toString requires — except that
/// when x lies exactly halfway between two candidates Rust rounds up while
/// the spec (and V8) pick the even one, so that case is fixed up here.
fn shortest_digits(x: f64) -> (String, i32) {
    let (digits, e) = split_exp(&format!("{x:e}"));
    let k = digits.len() as i32;
    let q = e - (k - 1); // x ≈ D × 10^q with D the digits as an integer
    if digits.as_bytes()[digits.len() - 1] & 1 == 0 || !(-27..0).contains(&q) {
        return (digits, e);
    }
    // x = m × 2^be with m odd. x / 10^q = m × 2^(be-q) × 5^-q is a
    // half-integer (a tie) exactly when be = q - 1; ties with q >= 0 cannot
    // round-trip, and q < -27 would need more than 17 digits.
    let bits = x.to_bits();
    let (frac, biased) = (bits & ((1 << 52) - 1), (bits >> 52) as i32);
    let (mut m, mut be) = if biased == 0 {
        (frac, -1074)
    } else {
        (frac | 1 << 52, biased - 1075)
    };
    be += m.trailing_zeros() as i32;
    m >>= m.trailing_zeros();
    if be != q - 1 {
        return (digits, e);
    }
    let twice = m as u128 * 5u128.pow((-q) as u32); // 2 × x / 10^q, odd
    let d: u128 = digits.parse().unwrap_or(0);
    // The other candidate is on the other side of x, and is even.
    let other = if 2 * d > twice { d - 1 } else { d + 1 };
    let other = other.to_string();
    let e = e + other.len() as i32 - k; // 99.9 + 1 carries into a new digit
    (other.trim_end_matches('0').to_string(), e)
}

/// The first `want` digits of the exact decimal expansion of finite x > 0
/// (truncated, or fewer when the expansion is shorter) and e, with
/// x = d.ddd... × 10^e.
fn exact_digits(x: f64, want: usize) -> (String, i32) {
    // Rust's exact formatting rounds correctly at the precision asked for.
    // With 8 guard digits the first `want` agree with the truncation unless
    // a carry ran through every guard digit (leaving them all zero), or the
    // whole expansion fits and the output is exact anyway.
    let (d, e) = split_exp(&format!("{x:.p$e}", p = want + 8));
    let bits = x.to_bits();
    let (frac, biased) = (bits & ((1 << 52) - 1), (bits >> 52) as i32);
    let be = if biased == 0 { -1074 } else { biased - 1075 } + frac.trailing_zeros().min(52) as i32;
    // x = m × 2^be: when be < 0 the expansion ends -be places after the point.
    let max_len = e + 1 - be.min(0);
    let (mut d, e) = if d.len() > want || max_len <= (want + 9) as i32 {
        (d, e)
    } else {
        // A double has at most 767 significant digits; Rust only computes the
        // digits that exist, so this is exact.
        split_exp(&format!("{x:.800e}"))
    };
    d.truncate(want);
    (d, e)
}

/// Keeps the first `keep` digits of an exact digit string (zero-padded when
/// short; empty when `keep <= 0`) and rounds half up on the dropped part.
/// Returns the digits and whether rounding carried into a new leading digit
/// (the result then has one digit more).
fn round_digits(digits: &str, keep: i32) -> (String, bool) {
    let d = digits.as_bytes();
    let keep_n = keep.max(0) as usize;
    let mut out: Vec<u8> = (0..keep_n).map(|i| *d.get(i).unwrap_or(&b'0')).collect();
    // The first dropped digit decides (half up); when keep < 0 it is an
    // implicit leading zero, so the value rounds to zero.
    let round_up = keep >= 0 && d.get(keep_n).is_some_and(|&c| c >= b'5');
    let mut carry = false;
    if round_up {
        let mut i = out.len();
        loop {
            if i == 0 {
                out.insert(0, b'1');
                carry = true;
                break;
            }
            i -= 1;
            if out[i] == b'9' {
                out[i] = b'0';
            } else {
                out[i] += 1;
                break;
            }
        }
    }
    (String::from_utf8(out).unwrap_or_default(), carry)
}

/// Appends `e+N` / `e-N`.
fn push_exponent(out: &mut String, e: i32) {
    out.push('e');
    out.push(if e < 0 { '-' } else { '+' });
    out.push_str(&e.unsigned_abs().to_string());
}

/// Appends `d[.ddd]eN`, the exponential form shared by all formatters.
fn push_exponential(out: &mut String, digits: &str, e: i32) {
    out.push_str(&digits[..1]);
    if digits.len() > 1 {
        out.push('.');
        out.push_str(&digits[1..]);
    }
    push_exponent(out, e);
}

/// NaN / ±Infinity / ±0 spellings for the formatters that share them.
fn non_finite(x: f64) -> Option<String> {
    if x.is_nan() {
        Some("NaN".into())
    } else if x.is_infinite() {
        Some(if x > 0.0 { "Infinity" } else { "-Infinity" }.into())
    } else {
        None
    }
}

/// Number::toString(x) (radix 10), ECMA-262 6.1.6.1.20.
pub fn number_to_string(x: f64) -> String {
    if let Some(s) = non_finite(x) {
        return s;
    }
    if x == 0.0 {
        return "0".into(); // both +0 and -0
    }
    if x.fract() == 0.0 && x.abs() < 9007199254740992.0 {
        return (x as i64).to_string(); // common case; exact below 2^53
    }
    let mut out = String::new();
    if x < 0.0 {
        out.push('-');
    }
    let (digits, e) = shortest_digits(x.abs());
    let k = digits.len() as i32;
    let n = e + 1; // the spec's n: x = 0.digits × 10^n
    if k <= n && n <= 21 {
        out.push_str(&digits);
        out.push_str(&"0".repeat((n - k) as usize));
    } else if 0 < n && n <= 21 {
        out.push_str(&digits[..n as usize]);
        out.push('.');
        out.push_str(&digits[n as usize..]);
    } else if -6 < n && n <= 0 {
        out.push_str("0.");
        out.push_str(&"0".repeat((-n) as usize));
        out.push_str(&digits);
    } else {
        push_exponential(&mut out, &digits, e);
    }
    out
}

/// Number.prototype.toString(radix) for radix 2..=36, digit for digit like V8
/// (`DoubleToRadixCString`): fraction digits are produced only up to the
/// double's precision, rounding the last one to even.
pub fn number_to_string_radix(x: f64, radix: u32) -> String {
    if radix == 10 || !(2..=36).contains(&radix) {
        return number_to_string(x);
    }
    if let Some(s) = non_finite(x) {
        return s;
    }
    let negative = x < 0.0;
    let value = x.abs(); // also turns -0 into +0
    let r = radix as f64;
    let mut integer = value.floor();
    let mut fraction = value - integer;
    // Half the gap to the next double: digits below that are noise.
    let next_up = f64::from_bits(value.to_bits() + 1);
    let mut delta = (0.5 * (next_up - value)).max(f64::from_bits(1));
    let mut frac_digits: Vec<u8> = Vec::new();
    if fraction >= delta {
        loop {
            fraction *= r;
            delta *= r;
            let digit = fraction as u8;
            frac_digits.push(digit);
            fraction -= digit as f64;
            if (fraction > 0.5 || (fraction == 0.5 && digit & 1 == 1)) && fraction + delta > 1.0 {
                // Round up, propagating the carry through written digits.
                loop {
                    match frac_digits.pop() {
                        None => {
                            integer += 1.0;
                            break;
                        }
                        Some(d) if (d as u32) + 1 < radix => {
                            frac_digits.push(d + 1);
                            break;
                        }
                        Some(_) => {}
                    }
                }
                break;
            }
            if fraction < delta {
                break;
            }
        }
    }
    // Integer digits, least significant first. Digits below the double's
    // precision (integer >= 2^53 · radix) are written as zeros.
    let mut int_digits: Vec<u8> = Vec::new();
    while integer / r >= 9007199254740992.0 {
        integer /= r;
        int_digits.push(b'0');
    }
    loop {
        let rem = integer % r;
        int_digits.push(DIGIT_CHARS[rem as usize]);
        integer = (integer - rem) / r;
        if integer <= 0.0 {
            break;
        }
    }
    let mut out = String::with_capacity(int_digits.len() + frac_digits.len() + 2);
    if negative {
        out.push('-');
    }
    out.extend(int_digits.iter().rev().map(|&c| c as char));
    if !frac_digits.is_empty() {
        out.push('.');
        out.extend(frac_digits.iter().map(|&d| DIGIT_CHARS[d as usize] as char));
    }
    out
}

/// Number.prototype.toFixed(digits), digits in 0..=100.
pub fn to_fixed(x: f64, digits: u32) -> String {
    if !x.is_finite() {
        return number_to_string(x);
    }
    if x.abs() >= 1e21 {
        return number_to_string(x);
    }
    let f = digits.min(1000) as i32;
    let mut out = String::new();
    if x < 0.0 {
        out.push('-'); // -0 is not < 0: (-0).toFixed(2) is "0.00"
    }
    // n = round(|x| × 10^f): keep the digits of the exact value down to 10^-f.
    // Upper bound of the decimal exponent: x < 10^(e_max + 1).
    let e_max = x.abs().log10().floor() as i32 + 1;
    let mut n = if x == 0.0 || e_max + 1 + f < 0 {
        String::new() // |x| < 10^-(f+1) rounds to 0
    } else {
        let (d, e) = exact_digits(x.abs(), (e_max + 2 + f) as usize);
        round_digits(&d, e + 1 + f).0
    };
    if n.is_empty() {
        n.push('0');
    }
    if f == 0 {
        out.push_str(&n);
        return out;
    }
    let f = f as usize;
    if n.len() <= f {
        n.insert_str(0, &"0".repeat(f + 1 - n.len()));
    }
    let split = n.len() - f;
    out.push_str(&n[..split]);
    out.push('.');
    out.push_str(&n[split..]);
    out
}

/// Number.prototype.toExponential(digits); `None` means as many digits as
/// needed to represent x uniquely.
pub fn to_exponential(x: f64, digits: Option<u32>) -> String {
    if let Some(s) = non_finite(x) {
        return s;
    }
    let mut out = String::new();
    if x < 0.0 {
        out.push('-');
    }
    let (m, e) = match digits {
        _ if x == 0.0 => ("0".repeat(digits.unwrap_or(0) as usize + 1), 0),
        None => shortest_digits(x.abs()),
        Some(f) => {
            let f = f.min(1000) as usize;
            let (d, e) = exact_digits(x.abs(), f + 2);
            rounded_significant(&d, e, f as i32 + 1)
        }
    };
    push_exponential(&mut out, &m, e);
    out
}

/// Rounds exact digits `d` (x = d.ddd × 10^e) to `p` significant digits.
fn rounded_significant(d: &str, e: i32, p: i32) -> (String, i32) {
    let (mut m, carry) = round_digits(d, p);
    if carry {
        m.truncate(p as usize); // 99.9 -> 100: drop the extra zero, bump e
        (m, e + 1)
    } else {
        (m, e)
    }
}

/// Number.prototype.toPrecision(p), p in 1..=100.
pub fn to_precision(x: f64, p: u32) -> String {
    if let Some(s) = non_finite(x) {
        return s;
    }
    let p = p.clamp(1, 1000) as i32;
    let mut out = String::new();
    if x < 0.0 {
        out.push('-');
    }
    let (m, e) = if x == 0.0 {
        ("0".repeat(p as usize), 0)
    } else {
        let (d, e) = exact_digits(x.abs(), p as usize + 1);
        rounded_significant(&d, e, p)
    };
    if e < -6 || e >= p {
        push_exponential(&mut out, &m, e);
    } else if e >= 0 {
        let split = e as usize + 1;
        out.push_str(&m[..split]);
        if split < m.len() {
            out.push('.');
            out.push_str(&m[split..]);
        }
    } else {
        out.push_str("0.");
        out.push_str(&"0".repeat((-(e + 1)) as usize));
        out.push_str(&m);
    }
    out
}

// ---------------------------------------------------------------------------
// String -> Number
// ---------------------------------------------------------------------------

/// WhiteSpace or LineTerminator code unit (ECMA-262 12.2, 12.3): what
/// StringToNumber, parseInt/parseFloat and String.prototype.trim strip.
pub fn is_js_whitespace(c: u16) -> bool {
    matches!(
        c,
        0x09 | 0x0A | 0x0B | 0x0C | 0x0D | 0x20 | 0xA0 | 0x1680 | 0x2000
            ..=0x200A | 0x2028 | 0x2029 | 0x202F | 0x205F | 0x3000 | 0xFEFF
    )
}

fn trim_start(s: &[u16]) -> &[u16] {
    let start = s
        .iter()
        .position(|&c| !is_js_whitespace(c))
        .unwrap_or(s.len());
    &s[start..]
}

fn trim(s: &[u16]) -> &[u16] {
    let s = trim_start(s);
    let end = s
        .iter()
        .rposition(|&c| !is_js_whitespace(c))
        .map_or(0, |i| i + 1);
    &s[..end]
}

fn is_digit(c: u16) -> bool {
    (b'0' as u16..=b'9' as u16).contains(&c)
}

/// Value of an ASCII digit/letter as a digit in radix 36.
fn digit_value(c: u16) -> Option<u32> {
    let c = char::from_u32(c as u32)?;
    c.to_digit(36)
}

fn ascii(s: &[u16]) -> String {
    s.iter().map(|&c| c as u8 as char).collect()
}

fn starts_with_ascii(s: &[u16], prefix: &str) -> bool {
    s.len() >= prefix.len() && s.iter().zip(prefix.bytes()).all(|(&a, b)| a == b as u16)
}

/// Longest prefix of `s` that is a StrDecimalLiteral (sign, `Infinity`,
/// digits, fraction, exponent): its length and value, or None.
fn decimal_prefix(s: &[u16]) -> Option<(usize, f64)> {
    let mut i = 0;
    let negative = s.first() == Some(&(b'-' as u16));
    if negative || s.first() == Some(&(b'+' as u16)) {
        i = 1;
    }
    if starts_with_ascii(&s[i..], "Infinity") {
        return Some((
            i + 8,
            if negative {
                f64::NEG_INFINITY
            } else {
                f64::INFINITY
            },
        ));
    }
    let digits_from = |mut j: usize| {
        while j < s.len() && is_digit(s[j]) {
            j += 1;
        }
        j
    };
    let int_end = digits_from(i);
    let mut end = int_end;
    let mut mantissa_digits = int_end - i;
    if s.get(int_end) == Some(&(b'.' as u16)) {
        let frac_end = digits_from(int_end + 1);
        mantissa_digits += frac_end - int_end - 1;
        end = frac_end; // "1." is fine; "." alone is rejected below
    }
    if mantissa_digits == 0 {
        return None;
    }
    // The exponent only counts when it has at least one digit ("1e" is 1).
    if matches!(s.get(end), Some(&c) if c == b'e' as u16 || c == b'E' as u16) {
        let mut j = end + 1;
        if matches!(s.get(j), Some(&c) if c == b'+' as u16 || c == b'-' as u16) {
            j += 1;
        }
        let exp_end = digits_from(j);
        if exp_end > j {
            end = exp_end;
        }
    }
    // The prefix is validated ASCII, so Rust's correctly rounded parser
    // accepts exactly it (and handles huge exponents and digit counts).
    Some((end, ascii(&s[..end]).parse().unwrap_or(f64::NAN)))
}

/// Correctly rounded value of an integer written in `radix` (valid digits
/// only), by exact big-integer accumulation.
fn radix_value(digits: &[u16], radix: u32) -> f64 {
    if radix == 10 {
        return ascii(digits).parse().unwrap_or(f64::NAN);
    }
    let mut limbs: Vec<u32> = Vec::new(); // little-endian base 2^32
    for &c in digits {
        let mut carry = digit_value(c).unwrap_or(0) as u64;
        for limb in limbs.iter_mut() {
            let v = *limb as u64 * radix as u64 + carry;
            *limb = v as u32;
            carry = v >> 32;
        }
        if carry != 0 {
            limbs.push(carry as u32);
        }
        if limbs.len() > 33 {
            return f64::INFINITY; // >= 2^1024 already, and only grows
        }
    }
    let Some(&top) = limbs.last() else { return 0.0 };
    let bits = limbs.len() * 32 - top.leading_zeros() as usize;
    if bits <= 64 {
        let v = limbs
            .iter()
            .rev()
            .fold(0u64, |acc, &l| (acc << 32) | l as u64);
        return v as f64; // u64 -> f64 rounds to nearest even
    }
    // Top 64 bits, with any lower nonzero bit folded into the lowest one as a
    // sticky bit so the single u64 -> f64 rounding is still correct.
    let shift = bits - 64;
    let (li, bi) = (shift / 32, shift % 32);
    let window = (0..3).rev().fold(0u128, |acc, k| {
        (acc << 32) | *limbs.get(li + k).unwrap_or(&0) as u128
    });
    let mut m = (window >> bi) as u64;
    let sticky = limbs[..li].iter().any(|&l| l != 0) || limbs[li] & ((1u32 << bi) - 1) != 0;
    m |= sticky as u64;
    if shift > 1023 {
        return f64::INFINITY;
    }
    // 2^shift is exact; the product is exact or overflows to Infinity.
    m as f64 * f64::from_bits(((shift as u64) + 1023) << 52)
}

/// StringToNumber (ECMA-262 7.1.4.1.1) on UTF-16 code units.
pub fn string_to_number(s: &[u16]) -> f64 {
    let s = trim(s);
    if s.is_empty() {
        return 0.0;
    }
    // NonDecimalIntegerLiteral: 0x / 0o / 0b, any case, no sign, no separators.
    if s.len() > 2 && s[0] == b'0' as u16 {
        let radix = match s[1] | 0x20 {
            0x78 => 16, // x
            0x6F => 8,  // o
            0x62 => 2,  // b
            _ => 0,
        };
        if radix != 0 {
            let body = &s[2..];
            if body
                .iter()
                .all(|&c| digit_value(c).is_some_and(|d| d < radix))
            {
                return radix_value(body, radix);
            }
            return f64::NAN;
        }
    }
    match decimal_prefix(s) {
        Some((len, v)) if len == s.len() => v,
        _ => f64::NAN,
    }
}

/// Global parseInt(string, radix); `radix` is already ToInt32'd (0 = default).
pub fn parse_int(s: &[u16], radix: i32) -> f64 {
    let mut s = trim_start(s);
    let negative = s.first() == Some(&(b'-' as u16));
    if negative || s.first() == Some(&(b'+' as u16)) {
        s = &s[1..];
    }
    let mut radix = radix;
    let strip_prefix = radix == 0 || radix == 16;
    if radix == 0 {
        radix = 10;
    } else if !(2..=36).contains(&radix) {
        return f64::NAN;
    }
    if strip_prefix && s.len() >= 2 && s[0] == b'0' as u16 && (s[1] | 0x20) == 0x78 {
        s = &s[2..];
        radix = 16;
    }
    let radix = radix as u32;
    let end = s
        .iter()
        .position(|&c| digit_value(c).is_none_or(|d| d >= radix))
        .unwrap_or(s.len());
    if end == 0 {
        return f64::NAN;
    }
    let v = radix_value(&s[..end], radix);
    if negative {
        -v // parseInt("-0") is -0
    } else {
        v
    }
}

/// Global parseFloat(string).
pub fn parse_float(s: &[u16]) -> f64 {
    decimal_prefix(trim_start(s)).map_or(f64::NAN, |(_, v)| v)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn u(s: &str) -> Vec<u16> {
        s.encode_utf16().collect()
    }

    /// Same value, telling -0 from +0 and treating all NaNs as equal.
    fn same(a: f64, b: f64) -> bool {
        a.to_bits() == b.to_bits() || (a.is_nan() && b.is_nan())
    }

    const MAX: f64 = f64::MAX;
    const MIN_SUB: f64 = 5e-324;

    // Expected strings below are node v20 outputs.

    #[test]
    fn to_string_decimal() {
        let cases: &[(f64, &str)] = &[
            (0.1 + 0.2, "0.30000000000000004"),
            (1e21, "1e+21"),
            (123e-20, "1.23e-18"),
            (-0.0, "0"),
            (0.0, "0"),
            (1e-7, "1e-7"),
            (1.5e-7, "1.5e-7"),
            (0.000001, "0.000001"),
            (1e20, "100000000000000000000"),
            (123456789012345680000.0, "123456789012345680000"),
            (MIN_SUB, "5e-324"),
            (MAX, "1.7976931348623157e+308"),
            (-MAX, "-1.7976931348623157e+308"),
            (9007199254740992.0, "9007199254740992"),
            (1152921504606846976.0, "1152921504606847000"),
            (-42.0, "-42"),
            (f64::NAN, "NaN"),
            (f64::INFINITY, "Infinity"),
            (f64::NEG_INFINITY, "-Infinity"),
            (0.5, "0.5"),
            (100.0, "100"),
            (1.2e21, "1.2e+21"),
            (4.35, "4.35"),
            (-1e-7, "-1e-7"),
            (123.456, "123.456"),
            // Exactly halfway between two shortest candidates: the even wins.
            (537856.0 + 137.0 / 2048.0, "537856.0668945312"),
            (3622.0 + 14945.0 / 16384.0, "3622.9121704101562"),
        ];
        for &(x, want) in cases {
            assert_eq!(number_to_string(x), want, "{x:e}");
        }
    }

    #[test]
    fn to_string_radix() {
        let cases: &[(f64, u32, &str)] = &[
            (255.0, 16, "ff"),
            (0.5, 2, "0.1"),
            (-255.0, 36, "-73"),
            (1e21, 36, "5v1j4f4ds7c000"),
            (0.1, 3, "0.0022002200220022002200220022002201"),
            (f64::NAN, 2, "NaN"),
            (f64::NEG_INFINITY, 16, "-Infinity"),
            (-0.0, 2, "0"),
            (3.125159, 8, "3.1000515344746321"),
            (
                0.1,
                2,
                "0.0001100110011001100110011001100110011001100110011001101",
            ),
            (9007199254740994.0, 7, "5350140446150306056"),
            (1.0 / 3.0, 3, "0.1"),
            (35.99999999, 36, "z.zzzzze8cw"),
            (-0.75, 4, "-0.3"),
            (0.1 + 0.2, 10, "0.30000000000000004"),
        ];
        for &(x, radix, want) in cases {
            assert_eq!(
                number_to_string_radix(x, radix),
                want,
                "{x:e} radix {radix}"
            );
        }
        let tiny36 = number_to_string_radix(MIN_SUB, 36);
        assert_eq!(tiny36, format!("0.{}3", "0".repeat(207)));
        let tiny = number_to_string_radix(MIN_SUB, 2);
        assert_eq!(tiny.len(), 1076);
        assert!(tiny.starts_with("0.000") && tiny.ends_with("01"));
        let huge = number_to_string_radix(MAX, 2);
        assert_eq!(huge, "1".repeat(53) + &"0".repeat(971));
        let huge36 = number_to_string_radix(MAX, 36);
        assert_eq!(huge36, "1a1e4vngaiqo".to_string() + &"0".repeat(187));
        // Integers below 2^53 round-trip through parseInt in every radix.
        for radix in 2..=36 {
            for x in [1.0, 35.0, 36.0, 1e15 + 7.0, 9007199254740991.0] {
                let s = number_to_string_radix(-x, radix);
                assert_eq!(parse_int(&u(&s), radix as i32), -x, "{s} radix {radix}");
            }
        }
    }

    #[test]
    fn fixed() {
        let cases: &[(f64, u32, &str)] = &[
            (1.005, 2, "1.00"),
            (1.45, 1, "1.4"),
            (0.000001, 7, "0.0000010"),
            (-1.5, 0, "-2"),
            (2.5, 0, "3"),
            (-2.5, 0, "-3"),
            (0.5, 0, "1"),
            (1e21, 2, "1e+21"),
            (-1e21, 2, "-1e+21"),
            (-0.0, 2, "0.00"),
            (-0.0000001, 2, "-0.00"),
            (f64::NAN, 2, "NaN"),
            (f64::INFINITY, 1, "Infinity"),
            (f64::NEG_INFINITY, 1, "-Infinity"),
            (123.456, 0, "123"),
            (0.0, 0, "0"),
            (999.995, 2, "1000.00"),
            (99.95, 1, "100.0"),
            (0.1, 20, "0.10000000000000000555"),
            (MAX, 2, "1.7976931348623157e+308"),
            (1e20, 2, "100000000000000000000.00"),
            (9.5, 0, "10"),
            (0.05, 1, "0.1"),
        ];
        for &(x, d, want) in cases {
            assert_eq!(to_fixed(x, d), want, "({x:e}).toFixed({d})");
        }
        assert_eq!(to_fixed(MIN_SUB, 100), format!("0.{}", "0".repeat(100)));
    }

    #[test]
    fn exponential() {
        let cases: &[(f64, Option<u32>, &str)] = &[
            (123.456, Some(2), "1.23e+2"),
            (0.0, None, "0e+0"),
            (0.0, Some(2), "0.00e+0"),
            (-0.0, None, "0e+0"),
            (123.456, None, "1.23456e+2"),
            (1e21, None, "1e+21"),
            (-1.5e-7, Some(3), "-1.500e-7"),
            (1.25, Some(1), "1.3e+0"),
            (9.99, Some(1), "1.0e+1"),
            (MIN_SUB, None, "5e-324"),
            (MIN_SUB, Some(3), "4.941e-324"),
            (MAX, Some(20), "1.79769313486231570815e+308"),
            (f64::NAN, Some(2), "NaN"),
            (f64::NEG_INFINITY, None, "-Infinity"),
            (1.0, Some(0), "1e+0"),
            (
                0.000001,
                Some(100),
                "9.99999999999999954748111825886258685613938723690807819366455078125\
                 00000000000000000000000000000000000e-7",
            ),
        ];
        for &(x, d, want) in cases {
            assert_eq!(to_exponential(x, d), want, "({x:e}).toExponential({d:?})");
        }
    }

    #[test]
    fn precision() {
        let cases: &[(f64, u32, &str)] = &[
            (123.456, 4, "123.5"),
            (0.00001, 1, "0.00001"),
            (1e21, 3, "1.00e+21"),
            (0.0, 3, "0.00"),
            (-0.0, 1, "0"),
            (123.456, 2, "1.2e+2"),
            (123.456, 3, "123"),
            (0.000001234, 2, "0.0000012"),
            (0.0000001234, 2, "1.2e-7"),
            (1.25, 2, "1.3"),
            (99.99, 3, "100"),
            (999.99, 3, "1.00e+3"),
            (-1.5, 1, "-2"),
            (MIN_SUB, 3, "4.94e-324"),
            (MAX, 1, "2e+308"),
            (f64::NAN, 1, "NaN"),
            (f64::INFINITY, 5, "Infinity"),
            (
                1.0 / 3.0,
                100,
                "0.3333333333333333148296162562473909929394721984863281250000000000000000000000\
                 000000000000000000000000",
            ),
        ];
        for &(x, p, want) in cases {
            assert_eq!(to_precision(x, p), want, "({x:e}).toPrecision({p})");
        }
    }

    #[test]
    fn string_to_number_cases() {
        let cases: &[(&str, f64)] = &[
            ("", 0.0),
            ("  \u{a}\u{9} ", 0.0),
            ("42", 42.0),
            (" 42 ", 42.0),
            ("+42", 42.0),
            ("-42", -42.0),
            ("-0", -0.0),
            ("0x1F", 31.0),
            ("0X1f", 31.0),
            ("0o17", 15.0),
            ("0O17", 15.0),
            ("0b101", 5.0),
            ("0B101", 5.0),
            ("-0x10", f64::NAN),
            ("+0x10", f64::NAN),
            ("0x", f64::NAN),
            ("0b2", f64::NAN),
            ("0x1g", f64::NAN),
            ("1_000", f64::NAN),
            ("Infinity", f64::INFINITY),
            ("-Infinity", f64::NEG_INFINITY),
            ("+Infinity", f64::INFINITY),
            ("infinity", f64::NAN),
            ("INFINITY", f64::NAN),
            ("NaN", f64::NAN),
            ("1e1000", f64::INFINITY),
            ("-1e1000", f64::NEG_INFINITY),
            ("1e-400", 0.0),
            (".5", 0.5),
            ("5.", 5.0),
            (".", f64::NAN),
            ("+.5", 0.5),
            ("1.e5", 100000.0),
            ("e5", f64::NAN),
            ("1e", f64::NAN),
            ("1e+", f64::NAN),
            ("1.5E-3", 0.0015),
            ("\u{a0}1\u{2028}", 1.0),
            ("\u{feff}12\u{3000}", 12.0),
            ("\u{180e}1", f64::NAN),
            ("1 2", f64::NAN),
            ("0.1e-2", 0.001),
            ("00012", 12.0),
            ("0x1fffffffffffff", 9007199254740991.0),
            ("0x20000000000001", 9007199254740992.0),
            ("0x20000000000003", 9007199254740996.0),
            (
                "0b111111111111111111111111111111111111111111111111111111",
                1.8014398509481984e+16,
            ),
            ("123456789012345678901234567890", 1.2345678901234568e+29),
            ("4.9406564584124654e-324", 5e-324),
            ("2.4703282292062328e-324", 5e-324),
            ("2.4703282292062327e-324", 0.0),
            ("1.7976931348623158e308", 1.7976931348623157e+308),
            ("\u{660}", f64::NAN),
        ];
        for &(s, want) in cases {
            let got = string_to_number(&u(s));
            assert!(same(got, want), "Number({s:?}) = {got:e}, want {want:e}");
        }
        let n = |s: String| string_to_number(&u(&s));
        assert_eq!(n(format!("0x{}", "f".repeat(255))), 1.1235582092889474e307);
        assert_eq!(n(format!("0x{}", "f".repeat(300))), f64::INFINITY);
        assert_eq!(n(format!("1{}", "0".repeat(308))), 1e308);
        assert_eq!(n(format!("{}1", "0".repeat(1000))), 1.0);
        assert_eq!(n(format!("0.{}1e400", "0".repeat(400))), 0.1);
        // 0x1fffffffffffff8 is halfway between doubles: ties to even.
        assert_eq!(
            n(format!("0x{}1fffffffffffff8", "0".repeat(500))),
            144115188075855872.0
        );
        assert_eq!(n("0x1fffffffffffff7".into()), 144115188075855856.0);
        // Lone surrogates and other non-ASCII units are just invalid.
        assert!(string_to_number(&[0xD800]).is_nan());
        assert!(string_to_number(&[b'1' as u16, 0xDC00]).is_nan());
    }

    #[test]
    fn parse_int_cases() {
        let cases: &[(&str, i32, f64)] = &[
            ("123abc", 0, 123.0),
            ("  -0x1F", 0, -31.0),
            ("0x1F", 16, 31.0),
            ("0x1F", 10, 0.0),
            ("-0", 0, -0.0),
            ("  +12.7", 0, 12.0),
            ("", 0, f64::NAN),
            ("-", 0, f64::NAN),
            ("0x", 0, f64::NAN),
            ("zz", 36, 1295.0),
            ("ZZ", 36, 1295.0),
            ("z", 35, f64::NAN),
            ("12", 1, f64::NAN),
            ("12", 37, f64::NAN),
            ("12", -1, f64::NAN),
            ("101", 2, 5.0),
            ("1e3", 0, 1.0),
            ("  \u{a0} 42", 0, 42.0),
            ("11", 10, 11.0),
            ("900719925474099267", 0, 9.007199254740993e+17),
            (
                "111111111111111111111111111111111111111111111111111111111111",
                2,
                1.152921504606847e+18,
            ),
            ("0x1", 8, 0.0),
            ("08", 0, 8.0),
            ("-0x", 16, f64::NAN),
            ("0b11", 0, 0.0),
            ("7", 7, f64::NAN),
            ("Infinity", 36, 1461559270678.0),
        ];
        for &(s, radix, want) in cases {
            let got = parse_int(&u(s), radix);
            assert!(
                same(got, want),
                "parseInt({s:?}, {radix}) = {got:e}, want {want:e}"
            );
        }
        let p = |s: String, r| parse_int(&u(&s), r);
        assert_eq!(p("f".repeat(255), 16), 1.1235582092889474e307);
        assert_eq!(p("f".repeat(300), 16), f64::INFINITY);
        assert_eq!(p("9".repeat(400), 10), f64::INFINITY);
        assert_eq!(p(format!("1{}1", "0".repeat(400)), 10), f64::INFINITY);
        assert_eq!(p(format!("{}1", "0".repeat(1000)), 2), 1.0);
        // Bits below the rounding point still break the tie (sticky bit).
        assert_eq!(p("1fffffffffffff80001".into(), 16), 9.44473296573929e21);
        // Radices other than 2^k and 10 are correctly rounded too (V8
        // approximates these above 2^53, which the spec allows).
        assert_eq!(p("zzzzzzzzzzzzzzzzzzzz".into(), 36), 1.3367494538843734e31);
    }

    #[test]
    fn parse_float_cases() {
        let cases: &[(&str, f64)] = &[
            ("2.5abc", 2.5),
            ("  -0", -0.0),
            ("-.5e1x", -5.0),
            (".e1", f64::NAN),
            ("1e", 1.0),
            ("1e+", 1.0),
            ("-Infinityx", f64::NEG_INFINITY),
            ("Infinit", f64::NAN),
            ("+Infinity", f64::INFINITY),
            ("0x10", 0.0),
            ("1_0", 1.0),
            ("  \u{2029} 7.5", 7.5),
            ("1.2.3", 1.2),
            ("-", f64::NAN),
            ("", f64::NAN),
            ("1e400", f64::INFINITY),
            ("5e-325", 0.0),
            ("00.5", 0.5),
            ("12e-2e3", 0.12),
        ];
        for &(s, want) in cases {
            let got = parse_float(&u(s));
            assert!(
                same(got, want),
                "parseFloat({s:?}) = {got:e}, want {want:e}"
            );
        }
    }

    #[test]
    fn whitespace() {
        let ws = [
            0x09, 0x0A, 0x0B, 0x0C, 0x0D, 0x20, 0xA0, 0x1680, 0x2000, 0x2005, 0x200A, 0x2028,
            0x2029, 0x202F, 0x205F, 0x3000, 0xFEFF,
        ];
        for c in 0..=u16::MAX {
            let want = ws.contains(&c) || (0x2000..=0x200A).contains(&c);
            assert_eq!(is_js_whitespace(c), want, "U+{c:04X}");
        }
    }

    /// Random values checked against node v20, frozen: (function, f64 bits,
    /// argument, expected). Generated by a script calling String(x),
    /// x.toString(r), x.toFixed(d), x.toExponential(d), x.toExponential(),
    /// x.toPrecision(p) on random doubles of several shapes.
    const NODE_FORMAT: &[(&str, u64, u32, &str)] = &[
        ("str", 0x2c74f5c0ee04da06, 0, "1.57004511896756e-94"),
        ("str", 0x40e3e9b058800000, 0, "40781.510803222656"),
        ("str", 0x404e4573eab367a1, 0, "60.5426"),
        ("str", 0x73acc5de8ee38721, 0, "1.6094240196284616e+249"),
        ("str", 0x47d9f35ce8000000, 0, "1.379772495754564e+38"),
        ("str", 0x4695b9bc92000000, 0, "1.1016154285671001e+32"),
        ("str", 0x458b506406400000, 0, "1.0566602103357406e+27"),
        ("str", 0x4043b80000000000, 0, "39.4375"),
        ("str", 0x43c3edc8f6cfe868, 0, "2872049637153362000"),
        ("str", 0x4146aeaeee000000, 0, "2973021.859375"),
        ("str", 0x404b75c28f5c28f6, 0, "54.92"),
        ("str", 0xc5d1e670dd06f286, 0, "-2.215932435100545e+28"),
        ("str", 0x0909b45d935ac977, 0, "3.985876902754302e-265"),
        ("str", 0x4050f23d70a3d70a, 0, "67.785"),
        ("str", 0x3fe0000000000000, 0, "0.5"),
        ("str", 0x3fb999999999999a, 0, "0.1"),
        ("radix", 0x4088540000000000, 8, "1412.4"),
        ("radix", 0x3f238a3f67c00000, 8, "0.000047050773174"),
        ("radix", 0xc0b949ca3d70a3d7, 8, "-14511.62436560507534"),
        ("radix", 0x3e7ad7f29abcaf48, 21, "0.000008c260212j33b5"),
        ("radix", 0x4240e34975800000, 26, "i1fcd936"),
        ("radix", 0x411a482c64400000, 4, "1221020023.012101"),
        ("radix", 0x4340000000000000, 22, "f92hf53a8cc8"),
        ("radix", 0x21c6fb8319085482, 28, "0.00000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000008aach0b84nda"),
        ("radix", 0x3bc2582479dc7f44, 10, "7.769116033857437e-21"),
        ("radix", 0x7fefffffffffffff, 31, "apcg9guhmkk9000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000"),
        ("radix", 0x3ce83b5c746ba1d8, 9, "0.00000000000000048771454707161405"),
        ("radix", 0xc063a56872b020c5, 35, "-4h.5w0ululun"),
        ("radix", 0xdaee1c07d701eeb6, 21, "-2fk9jbka4fga900000000000000000000000000000000000000000000000000000000000000000000000000000000000000"),
        ("radix", 0x3fe0000000000000, 22, "0.b"),
        ("radix", 0x405758e560418937, 8, "135.3071260101422334"),
        ("radix", 0x3fe0000000000000, 9, "0.44444444444444444"),
        ("radix", 0xc5da920c79bad8a8, 6, "-3104453533251033444100000000000000000"),
        ("radix", 0x471519c3e3000000, 18, "39310e84cf5ed600000000000000"),
        ("radix", 0x404eb5c28f5c28f6, 16, "3d.6b851eb851ec"),
        ("radix", 0xc0773e20c49ba5e3, 35, "-al.uvnlulult"),
        ("fixed", 0x4037640000000000, 18, "23.390625000000000000"),
        ("fixed", 0xf1368070d8916ab9, 64, "-2.2894562735912714e+237"),
        ("fixed", 0x3fe0000000000000, 16, "0.5000000000000000"),
        ("fixed", 0x403d7c0000000000, 20, "29.48437500000000000000"),
        ("fixed", 0x3fb999999999999a, 9, "0.100000000"),
        ("fixed", 0xc047780000000000, 15, "-46.937500000000000"),
        ("fixed", 0x405859999999999a, 73, "97.4000000000000056843418860808014869689941406250000000000000000000000000000"),
        ("fixed", 0x3bee1025a6c00000, 18, "0.000000000000000000"),
        ("fixed", 0x4032c930be0ded29, 2, "18.79"),
        ("fixed", 0x3c928bb7fa400000, 7, "0.0000000"),
        ("fixed", 0x8000000000000000, 93, "0.000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000"),
        ("fixed", 0x2633b58a28e6e99c, 8, "0.00000000"),
        ("fixed", 0x3d37701e6e000000, 19, "0.0000000000000832684"),
        ("fixed", 0x36cece8fe588e282, 31, "0.0000000000000000000000000000000"),
        ("fixed", 0xbcb9392dee5e35ef, 29, "-0.00000000000000035004439768100"),
        ("fixed", 0xc3f87ce9acd69008, 4, "-28232673321052831744.0000"),
        ("exp", 0xdaee1c07d701eeb6, 1, "-1.0e+130"),
        ("exp", 0xbf4b35568a368b69, 17, "-8.30333000000000048e-4"),
        ("exp", 0x7fefffffffffffff, 17, "1.79769313486231571e+308"),
        ("exp", 0x3fa85b93969aff5d, 88, "4.7573673376517723598855269528939970768988132476806640625000000000000000000000000000000000e-2"),
        ("exp", 0x3ead836120000000, 14, "8.79561923738947e-7"),
        ("exp", 0x4051103126e978d5, 12, "6.825300000000e+1"),
        ("exp", 0xc48b85b1313338bd, 57, "-1.624626000525264316006400000000000000000000000000000000000e+22"),
        ("exp", 0x3b164ec28274cbdb, 3, "4.613e-24"),
        ("exp", 0x4043d9999999999a, 18, "3.970000000000000284e+1"),
        ("exp", 0x3f948ee1afb2e092, 71, "2.00762999999999983136156345153722213581204414367675781250000000000000000e-2"),
        ("exp", 0x3f740743962cd29c, 19, "4.8897400000000000586e-3"),
        ("exp", 0x4123c1b200000000, 10, "6.4738500000e+5"),
        ("exp", 0x3fe0000000000000, 11, "5.00000000000e-1"),
        ("exp", 0x47495843eb800000, 20, "2.63195309358200612696e+35"),
        ("expu", 0x3ee472e3804d2c56, 0, "9.75074e-6"),
        ("expu", 0x0000000000000001, 0, "5e-324"),
        ("expu", 0xc28a8fae3c58d29f, 0, "-3.6505507294983276e+12"),
        ("expu", 0x9e1075981bfe0666, 0, "-7.145540866082359e-164"),
        ("expu", 0x472676e585905ddb, 0, "5.832101990312386e+34"),
        ("expu", 0x405323d70a3d70a4, 0, "7.656e+1"),
        ("expu", 0x4029940000000000, 0, "1.27890625e+1"),
        ("expu", 0x4018bc5ac471b478, 0, "6.18394e+0"),
        ("expu", 0xba3daf5a7bbbe0cc, 0, "-3.7467705262994323e-28"),
        ("expu", 0x29b70853215c6bca, 0, "9.807153865083642e-108"),
        ("prec", 0x4018000000000000, 19, "6.000000000000000000"),
        ("prec", 0xc020040000000000, 24, "-8.00781250000000000000000"),
        ("prec", 0x05cbc95950c685de, 1, "1e-280"),
        ("prec", 0x4227c28143000000, 13, "51023749504.00"),
        ("prec", 0x444b1ae4d6e2ef50, 11, "1.0000000000e+21"),
        ("prec", 0x4054b33333333333, 9, "82.8000000"),
        ("prec", 0x4054800000000000, 7, "82.00000"),
        ("prec", 0x404ac3f7ced91687, 12, "53.5310000000"),
        ("prec", 0x3fb999999999999a, 19, "0.1000000000000000056"),
        ("prec", 0xc00132378ab0c88a, 46, "-2.149519999999999875228695600526407361030578613"),
        ("prec", 0x40298e5604189375, 2, "13"),
        ("prec", 0xc4c09ab991fbd441, 14, "-1.5682406811785e+23"),
        ("prec", 0xc0ab0ea8f5c28f5c, 3, "-3.46e+3"),
        ("prec", 0x3951189256c16f33, 17, "1.3170266200121849e-32"),
        ("prec", 0x3f67bece0688b03d, 8, "0.0028986000"),
        ("prec", 0x3ec7264b84c00000, 7, "0.000002759646"),
    ];

    /// Random strings over a hostile alphabet, checked against node v20:
    /// (function, input, radix, expected f64 bits).
    const NODE_PARSE: &[(&str, &str, i32, u64)] = &[
        ("num", "0", 0, 0x0000000000000000),
        (
            "num",
            "5999999999999999999999999999999",
            0,
            0x4652eec2eb3869af,
        ),
        ("num", "\u{2028}1e400", 0, 0x7ff0000000000000),
        (
            "num",
            "999999999999999999999999999999",
            0,
            0x46293e5939a08cea,
        ),
        ("num", "\u{a0}", 0, 0x0000000000000000),
        ("num", "59", 0, 0x404d800000000000),
        ("num", "1e400 ", 0, 0x7ff0000000000000),
        ("num", "Infinity\u{9}", 0, 0x7ff0000000000000),
        ("num", " ", 0, 0x0000000000000000),
        ("num", " ", 0, 0x0000000000000000),
        (
            "num",
            "999999999999999999999999999999",
            0,
            0x46293e5939a08cea,
        ),
        ("num", ".71\u{feff}", 0, 0x3fe6b851eb851eb8),
        ("num", "-", 0, 0x7ff8000000000000),
        ("num", "1e400\u{a}0x\u{200b}0", 0, 0x7ff8000000000000),
        ("num", "", 0, 0x0000000000000000),
        ("num", "NaN5e0b", 0, 0x7ff8000000000000),
        ("pint", "1.e\u{a0}", 7, 0x3ff0000000000000),
        ("pint", "0\u{660}E\u{660}b", 0, 0x0000000000000000),
        ("pint", "1e400+", 0, 0x3ff0000000000000),
        (
            "pint",
            "999999999999999999999999999999\u{2028}-",
            0,
            0x46293e5939a08cea,
        ),
        ("pint", "7+", 10, 0x401c000000000000),
        ("pint", "b", 36, 0x4026000000000000),
        ("pint", "5z", 10, 0x4014000000000000),
        ("pint", "f\u{660}", 16, 0x402e000000000000),
        ("pint", "1e400NaN.", 36, 0x423965bc25ef0000),
        ("pint", "1XZ", 3, 0x3ff0000000000000),
        ("pint", "\u{a}\u{a}z9a", 36, 0x40e64fc000000000),
        ("pint", "1x0o\u{3000}b+", 3, 0x3ff0000000000000),
        ("pint", "1e400E9o a", 10, 0x3ff0000000000000),
        ("pint", "f", 16, 0x402e000000000000),
        ("pint", "0x0boNaN", 10, 0x0000000000000000),
        ("pint", "e.Eb59", 16, 0x402c000000000000),
        ("pint", "_Z", 37, 0x7ff8000000000000),
        ("pint", "0b", 36, 0x4026000000000000),
        ("pint", "0b77.Z\u{a}", 16, 0x40a6ee0000000000),
        ("pint", "Z0bInfinity5", 16, 0x7ff8000000000000),
        (
            "pfloat",
            "\u{a}\u{a}\u{feff}999999999999999999999999999999\u{2028}",
            0,
            0x46293e5939a08cea,
        ),
        ("pfloat", "1e400\u{180e}", 0, 0x7ff0000000000000),
        ("pfloat", "\u{a}00b0x", 0, 0x0000000000000000),
        ("pfloat", "0b", 0, 0x0000000000000000),
        ("pfloat", "9\u{660}1e4001e400", 0, 0x4022000000000000),
        ("pfloat", "0ox.f", 0, 0x0000000000000000),
        ("pfloat", "5Z ", 0, 0x4014000000000000),
        ("pfloat", "1\u{a0}X", 0, 0x3ff0000000000000),
        ("pfloat", "0", 0, 0x0000000000000000),
        ("pfloat", "0", 0, 0x0000000000000000),
        ("pfloat", "", 0, 0x7ff8000000000000),
        ("pfloat", "xinfinityo\u{a0}", 0, 0x7ff8000000000000),
        ("pfloat", "\u{660}X", 0, 0x7ff8000000000000),
        ("pfloat", "o1e4009", 0, 0x7ff8000000000000),
    ];

    #[test]
    fn node_random_table() {
        for &(f, bits, arg, want) in NODE_FORMAT {
            let x = f64::from_bits(bits);
            let got = match f {
                "str" => number_to_string(x),
                "radix" => number_to_string_radix(x, arg),
                "fixed" => to_fixed(x, arg),
                "exp" => to_exponential(x, Some(arg)),
                "expu" => to_exponential(x, None),
                "prec" => to_precision(x, arg),
                _ => unreachable!(),
            };
            assert_eq!(got, want, "{f} {x:e} {arg}");
        }
        for &(f, s, radix, want) in NODE_PARSE {
            let s = u(s);
            let got = match f {
                "num" => string_to_number(&s),
                "pint" => parse_int(&s, radix),
                "pfloat" => parse_float(&s),
                _ => unreachable!(),
            };
            assert!(
                same(got, f64::from_bits(want)),
                "{f} {s:?} {radix}: {got:e}"
            );
        }
    }

    /// Deterministic xorshift so the property tests need no crates.
    fn xorshift(state: &mut u64) -> u64 {
        *state ^= *state << 13;
        *state ^= *state >> 7;
        *state ^= *state << 17;
        *state
    }

    #[test]
    fn round_trips() {
        let mut st = 0x9E3779B97F4A7C15;
        for _ in 0..20000 {
            let x = f64::from_bits(xorshift(&mut st));
            if !x.is_finite() {
                continue;
            }
            let s = number_to_string(x);
            assert!(same(string_to_number(&u(&s)), x) || x == 0.0, "{s}");
            assert!(same(parse_float(&u(&s)), x) || x == 0.0, "{s}");
            let e = to_exponential(x, None);
            assert_eq!(string_to_number(&u(&e)), x, "{e}");
            // 17 significant digits always identify a double.
            let p = to_precision(x, 17);
            assert_eq!(string_to_number(&u(&p)), x, "{p}");
        }
    }

    #[test]
    fn no_panics_on_edge_values() {
        let xs = [
            0.0,
            -0.0,
            MIN_SUB,
            -MIN_SUB,
            2.2250738585072014e-308,
            2.225073858507201e-308,
            MAX,
            -MAX,
            f64::NAN,
            f64::INFINITY,
            f64::NEG_INFINITY,
            1e21,
            1e-7,
            0.5,
            9.5,
            1e300,
            1e-300,
            4503599627370495.5,
            9007199254740993.0,
        ];
        for &x in &xs {
            number_to_string(x);
            to_exponential(x, None);
            for radix in 2..=36 {
                let s = number_to_string_radix(x, radix);
                assert!(!s.is_empty());
            }
            for d in 0..=100 {
                to_fixed(x, d);
                to_exponential(x, Some(d));
                if d >= 1 {
                    let s = to_precision(x, d);
                    if x.is_finite() {
                        assert!(!string_to_number(&u(&s)).is_nan(), "{s}");
                    }
                }
            }
        }
        // Out-of-range arguments (the caller's job to reject) stay harmless.
        to_fixed(1.5, u32::MAX);
        to_exponential(1.5, Some(u32::MAX));
        to_precision(1.5, 0);
        to_precision(1.5, u32::MAX);
        number_to_string_radix(1.5, 0);
        number_to_string_radix(1.5, 99);
        parse_int(&u("12"), i32::MIN);
        // Hostile strings.
        for s in [
            "",
            "-",
            "+",
            ".",
            "e",
            "0x",
            "0b",
            "0o",
            "-Infinity",
            "\u{feff}",
            "1e99999999999999999999",
        ] {
            string_to_number(&u(s));
            parse_float(&u(s));
            parse_int(&u(s), 0);
        }
    }
}
