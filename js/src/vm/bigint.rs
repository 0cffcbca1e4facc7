//! BigInt values: arbitrary-precision integers in raw heap cells.
//!
//! A BigInt cell is `[header: kind BIGINT, flags bit 0 = negative, len = limb count][limbs]`:
//! the magnitude as little-endian `u64` limbs, no leading zero limb (zero has no limbs). The
//! cell is raw (the collector does not read its body). Values are immutable, so a `Value` with
//! tag `TAG_BIGINT` can be copied freely; equality compares contents.
//!
//! Arithmetic uses the `num-bigint` crate on a copy of the magnitude. Every result is checked
//! against `MAX_BIGINT_BITS` — before the work for the operations that can grow a value fast
//! (`*`, `**`, `<<`, parsing) — so no single operation can run for long or exhaust memory:
//! a bigger result is a RangeError "Maximum BigInt size exceeded".
//!
//! The API other modules use (typed arrays, conversions): [`Vm::new_bigint_i64`],
//! [`Vm::new_bigint_u64`], [`Vm::bigint_to_i64_wrapping`], [`Vm::bigint_to_u64_wrapping`],
//! [`Vm::to_bigint`], [`Vm::to_bigint64`], [`Vm::to_biguint64`], [`Vm::bigint_value`],
//! [`Vm::new_bigint`].

use super::cells::{header, kind};
use super::value::{Value, TAG_BIGINT};
use super::{JsResult, Vm};
use crate::ast::BinOp;
use ken::PPtr;
use num_bigint::{BigInt, Sign};
use num_traits::{FromPrimitive, One, Signed, ToPrimitive, Zero};

/// The largest BigInt, in bits of magnitude (2^20 bits: about 315,000 decimal digits). The
/// bound keeps every single operation short: the quadratic parts of the arithmetic crate
/// (division, conversion to and from decimal) take well under a second at this size.
pub const MAX_BIGINT_BITS: u64 = 1 << 20;

const FLAG_NEG: u8 = 1;

/// What parsing a string as a BigInt gave.
pub enum Parsed {
    Ok(BigInt),
    /// Not a StringIntegerLiteral.
    Invalid,
    /// Well formed, but longer than `MAX_BIGINT_BITS` (true: negative).
    TooBig(bool),
}

impl Value {
    #[inline]
    pub fn is_bigint(self) -> bool {
        self.tag() == TAG_BIGINT
    }
    #[inline]
    pub fn bigint(off: u64) -> Value {
        Value::tagged(TAG_BIGINT, off)
    }
}

impl Vm {
    /// A BigInt value (RangeError above `MAX_BIGINT_BITS`).
    pub fn new_bigint(&mut self, n: &BigInt) -> JsResult<Value> {
        if n.bits() > MAX_BIGINT_BITS {
            return Err(self.too_big());
        }
        let (sign, limbs) = n.to_u64_digits();
        let flags = if sign == Sign::Minus { FLAG_NEG } else { 0 };
        let len = limbs.len();
        let off = self.alloc_cell(8 + 8 * len as u64, header(kind::BIGINT, flags, 0, len as u32))?;
        self.heap.slice_mut(PPtr::<u64>::from_offset(off + 8), len).copy_from_slice(&limbs);
        Ok(Value::bigint(off))
    }

    pub fn new_bigint_i64(&mut self, i: i64) -> JsResult<Value> {
        self.new_bigint_i128(i as i128)
    }

    pub fn new_bigint_u64(&mut self, u: u64) -> JsResult<Value> {
        self.new_bigint_i128(u as i128)
    }

    /// A BigInt of at most two limbs, made without the arithmetic crate (the common case).
    pub fn new_bigint_i128(&mut self, n: i128) -> JsResult<Value> {
        let m = n.unsigned_abs();
        let limbs = [m as u64, (m >> 64) as u64];
        let len = if limbs[1] != 0 { 2 } else { (limbs[0] != 0) as usize };
        let flags = if n < 0 { FLAG_NEG } else { 0 };
        let off = self.alloc_cell(8 + 8 * len as u64, header(kind::BIGINT, flags, 0, len as u32))?;
        self.heap.slice_mut(PPtr::<u64>::from_offset(off + 8), len).copy_from_slice(&limbs[..len]);
        Ok(Value::bigint(off))
    }

    /// The value of a BigInt of at most one limb.
    fn small(&self, v: Value) -> Option<i128> {
        match self.bigint_limbs(v) {
            (_, []) => Some(0),
            (neg, [l]) => Some(if neg { -(*l as i128) } else { *l as i128 }),
            _ => None,
        }
    }

    pub(crate) fn too_big(&mut self) -> super::Throw {
        self.throw_range("Maximum BigInt size exceeded")
    }

    /// The sign (true = negative) and magnitude limbs of a BigInt value.
    pub fn bigint_limbs(&self, v: Value) -> (bool, &[u64]) {
        let h = self.hdr(v.off());
        let len = (h >> 32) as usize;
        ((h >> 8) as u8 & FLAG_NEG != 0, self.heap.slice(PPtr::<u64>::from_offset(v.off() + 8), len))
    }

    /// The integer a BigInt value holds.
    pub fn bigint_value(&self, v: Value) -> BigInt {
        let (neg, limbs) = self.bigint_limbs(v);
        let mut digits = Vec::with_capacity(limbs.len() * 2);
        for &l in limbs {
            digits.push(l as u32);
            digits.push((l >> 32) as u32);
        }
        BigInt::new(if neg { Sign::Minus } else { Sign::Plus }, digits)
    }

    /// The value modulo 2^64 (ToBigUint64).
    pub fn bigint_to_u64_wrapping(&self, v: Value) -> u64 {
        let (neg, limbs) = self.bigint_limbs(v);
        let low = limbs.first().copied().unwrap_or(0);
        if neg {
            low.wrapping_neg()
        } else {
            low
        }
    }

    /// The value modulo 2^64 as a signed integer (ToBigInt64).
    pub fn bigint_to_i64_wrapping(&self, v: Value) -> i64 {
        self.bigint_to_u64_wrapping(v) as i64
    }

    pub fn bigint_is_zero(&self, v: Value) -> bool {
        self.bigint_limbs(v).1.is_empty()
    }

    pub fn bigint_eq(&self, a: Value, b: Value) -> bool {
        a == b || self.bigint_limbs(a) == self.bigint_limbs(b)
    }

    /// A content hash (for Map and Set keys).
    pub fn bigint_hash(&self, v: Value) -> u64 {
        let (neg, limbs) = self.bigint_limbs(v);
        let mut h: u64 = 0xcbf2_9ce4_8422_2325 ^ neg as u64;
        for &l in limbs {
            h = (h ^ l).wrapping_mul(0x1000_0000_01b3);
        }
        h
    }

    /// The BigInt's decimal (or `radix`) digits, with a leading `-` when negative.
    pub fn bigint_to_string(&self, v: Value, radix: u32) -> String {
        self.bigint_value(v).to_str_radix(radix)
    }

    /// ToString of a BigInt as a string value.
    pub fn bigint_to_string_value(&mut self, v: Value, radix: u32) -> JsResult<Value> {
        let s = self.bigint_to_string(v, radix);
        self.str_from(&s)
    }

    /// Number(bigint): the nearest double (ties to even).
    pub fn bigint_to_f64(&self, v: Value) -> f64 {
        self.bigint_value(v).to_f64().unwrap_or(f64::NAN)
    }

    /// NumberToBigInt: an integral Number as a BigInt; RangeError otherwise.
    pub fn number_to_bigint(&mut self, n: f64) -> JsResult<Value> {
        if !n.is_finite() || n.trunc() != n {
            let s = crate::display::number(n);
            return Err(self.throw_range(&format!("The number {s} cannot be converted to a BigInt because it is not an integer")));
        }
        let b = BigInt::from_f64(n).unwrap_or_default();
        self.new_bigint(&b)
    }

    /// ToBigInt (ECMA-262 §7.1.13).
    pub fn to_bigint(&mut self, v: Value) -> JsResult<Value> {
        let p = self.to_primitive(v, crate::interp::ops::Hint::Number)?;
        if p.is_bigint() {
            return Ok(p);
        }
        if p == Value::TRUE {
            return self.new_bigint_i64(1);
        }
        if p == Value::FALSE {
            return self.new_bigint_i64(0);
        }
        if p.is_str() {
            return match parse_string(self.units(p)) {
                Parsed::Ok(n) => self.new_bigint(&n),
                Parsed::TooBig(_) => Err(self.too_big()),
                Parsed::Invalid => {
                    let s = self.string_lossy(p);
                    Err(self.throw_syntax(&format!("Cannot convert {s} to a BigInt")))
                }
            };
        }
        if p.is_num() {
            let s = crate::display::number(p.as_num());
            return Err(self.throw_type(&format!("Cannot convert {s} to a BigInt")));
        }
        if p.is_sym() {
            return Err(self.throw_type("Cannot convert a Symbol value to a BigInt"));
        }
        let what = if p.is_null() { "null" } else { "undefined" };
        Err(self.throw_type(&format!("Cannot convert {what} to a BigInt")))
    }

    /// ToBigInt64: ToBigInt, then the value modulo 2^64 as a signed integer.
    pub fn to_bigint64(&mut self, v: Value) -> JsResult<i64> {
        let b = self.to_bigint(v)?;
        Ok(self.bigint_to_i64_wrapping(b))
    }

    /// ToBigUint64: ToBigInt, then the value modulo 2^64.
    pub fn to_biguint64(&mut self, v: Value) -> JsResult<u64> {
        let b = self.to_bigint(v)?;
        Ok(self.bigint_to_u64_wrapping(b))
    }

    /// A BigInt literal's text (digits with any radix prefix, separators removed).
    pub fn bigint_literal(&mut self, text: &str) -> JsResult<Value> {
        let (radix, digits) = radix_prefix(text.as_bytes());
        if let Some(u) = std::str::from_utf8(digits).ok().and_then(|d| u64::from_str_radix(d, radix).ok()) {
            return self.new_bigint_u64(u);
        }
        match parse_literal(text) {
            Parsed::Ok(n) => self.new_bigint(&n),
            Parsed::TooBig(_) => Err(self.too_big()),
            Parsed::Invalid => Err(self.throw_syntax("Invalid BigInt literal")),
        }
    }

    /// Compares a BigInt with the StringToBigInt of a string: None when the string is not an
    /// integer. A well-formed integer above the size limit is beyond every BigInt.
    pub fn bigint_cmp_string(&self, a: Value, s: Value) -> Option<std::cmp::Ordering> {
        use std::cmp::Ordering;
        match parse_string(self.units(s)) {
            Parsed::Ok(n) => Some(self.bigint_value(a).cmp(&n)),
            Parsed::TooBig(neg) => Some(if neg { Ordering::Greater } else { Ordering::Less }),
            Parsed::Invalid => None,
        }
    }

    /// Compares a BigInt with a Number: None when the number is NaN.
    pub fn bigint_cmp_number(&self, a: Value, n: f64) -> Option<std::cmp::Ordering> {
        use std::cmp::Ordering;
        if n.is_nan() {
            return None;
        }
        if n.is_infinite() {
            return Some(if n > 0.0 { Ordering::Less } else { Ordering::Greater });
        }
        let x = self.bigint_value(a);
        let f = n.floor();
        let fb = BigInt::from_f64(f).unwrap_or_default();
        Some(match x.cmp(&fb) {
            // x > floor(n) means x >= floor(n) + 1 > n
            Ordering::Equal if f != n => Ordering::Less,
            o => o,
        })
    }

    /// A BigInt-with-BigInt operator (both operands are BigInts).
    pub fn bigint_binary(&mut self, op: BinOp, a: Value, b: Value) -> JsResult<Value> {
        if let (Some(x), Some(y)) = (self.small(a), self.small(b)) {
            let r = match op {
                BinOp::Add => x.checked_add(y),
                BinOp::Sub => x.checked_sub(y),
                BinOp::Mul => x.checked_mul(y),
                BinOp::Div if y != 0 => Some(x / y),
                BinOp::Mod if y != 0 => Some(x % y),
                BinOp::BitAnd => Some(x & y),
                BinOp::BitOr => Some(x | y),
                BinOp::BitXor => Some(x ^ y),
                _ => None,
            };
            if let Some(r) = r {
                return self.new_bigint_i128(r);
            }
        }
        let x = self.bigint_value(a);
        let y = self.bigint_value(b);
        let r = match op {
            BinOp::Add => x + y,
            BinOp::Sub => x - y,
            BinOp::Mul => {
                if x.bits() + y.bits() > MAX_BIGINT_BITS + 1 {
                    return Err(self.too_big());
                }
                x * y
            }
            BinOp::Div | BinOp::Mod => {
                if y.is_zero() {
                    return Err(self.throw_range("Division by zero"));
                }
                if op == BinOp::Div {
                    x / y
                } else {
                    x % y
                }
            }
            BinOp::Exp => self.bigint_pow(&x, &y)?,
            BinOp::BitAnd => x & y,
            BinOp::BitOr => x | y,
            BinOp::BitXor => x ^ y,
            BinOp::Shl => self.bigint_shift(x, &y, false)?,
            BinOp::Shr => self.bigint_shift(x, &y, true)?,
            BinOp::UShr => return Err(self.throw_type("BigInts have no unsigned right shift, use >> instead")),
            _ => unreachable!("not an arithmetic operator"),
        };
        self.new_bigint(&r)
    }

    fn bigint_pow(&mut self, x: &BigInt, y: &BigInt) -> JsResult<BigInt> {
        if y.is_negative() {
            return Err(self.throw_range("Exponent must be non-negative"));
        }
        if y.is_zero() {
            return Ok(BigInt::one());
        }
        if x.is_zero() || x.magnitude().is_one() {
            return Ok(if x.is_negative() && y.bit(0) { -BigInt::one() } else if x.is_zero() { BigInt::zero() } else { BigInt::one() });
        }
        // |x| >= 2: the result has at least (bits(x) - 1) * y + 1 bits
        let e = match y.to_u64() {
            Some(e) if e <= MAX_BIGINT_BITS => e,
            _ => return Err(self.too_big()),
        };
        if (x.bits() - 1) * e + 1 > MAX_BIGINT_BITS {
            return Err(self.too_big());
        }
        Ok(x.pow(e as u32))
    }

    /// `x << y` (or `x >> y` when `right`); a negative count shifts the other way.
    fn bigint_shift(&mut self, x: BigInt, y: &BigInt, right: bool) -> JsResult<BigInt> {
        let left = y.is_negative() == right;
        if x.is_zero() {
            return Ok(x);
        }
        let count = y.magnitude().to_u64();
        if left {
            match count {
                Some(c) if c <= MAX_BIGINT_BITS && x.bits() + c <= MAX_BIGINT_BITS => Ok(x << c),
                _ => Err(self.too_big()),
            }
        } else {
            match count {
                // arithmetic shift: rounds toward negative infinity
                Some(c) if c < x.bits() => Ok(x >> c),
                _ => Ok(if x.is_negative() { -BigInt::one() } else { BigInt::zero() }),
            }
        }
    }

    /// Unary minus of a BigInt.
    pub fn bigint_neg(&mut self, v: Value) -> JsResult<Value> {
        let x = self.bigint_value(v);
        self.new_bigint(&-x)
    }

    /// `~x` of a BigInt: -x - 1.
    pub fn bigint_not(&mut self, v: Value) -> JsResult<Value> {
        let x = self.bigint_value(v);
        self.new_bigint(&(-x - 1))
    }

    /// `x + delta` (for `++` and `--`).
    pub fn bigint_add_small(&mut self, v: Value, delta: i64) -> JsResult<Value> {
        if let Some(x) = self.small(v) {
            return self.new_bigint_i128(x + delta as i128);
        }
        let x = self.bigint_value(v);
        self.new_bigint(&(x + delta))
    }

    /// BigInt.asIntN / asUintN: `x` modulo 2^bits, as a signed or unsigned `bits`-bit integer.
    pub fn bigint_as_n(&mut self, bits: u64, v: Value, signed: bool) -> JsResult<Value> {
        let x = self.bigint_value(v);
        if bits == 0 {
            return self.new_bigint(&BigInt::zero());
        }
        // values that already fit come back unchanged (also for huge `bits`)
        let fits = if signed { x.bits() < bits || is_min_of(&x, bits) } else { !x.is_negative() && x.bits() <= bits };
        if fits {
            return Ok(v);
        }
        if bits > MAX_BIGINT_BITS {
            // only a negative value with unsigned wrapping can get here with bits > x.bits()
            return Err(self.too_big());
        }
        let modulus = BigInt::one() << bits;
        let mut r = x & (&modulus - 1u32);
        if signed && r.bit(bits - 1) {
            r -= modulus;
        }
        self.new_bigint(&r)
    }
}

/// A BigInt literal's text (digits with any radix prefix, separators removed).
pub fn parse_literal(text: &str) -> Parsed {
    let (radix, digits) = radix_prefix(text.as_bytes());
    parse_digits(digits, radix)
}

/// x == -2^(bits-1): the smallest signed `bits`-bit integer.
fn is_min_of(x: &BigInt, bits: u64) -> bool {
    x.is_negative() && x.bits() == bits && x.magnitude().trailing_zeros() == Some(bits - 1)
}

fn radix_prefix(s: &[u8]) -> (u32, &[u8]) {
    if s.len() >= 2 && s[0] == b'0' {
        match s[1] {
            b'x' | b'X' => return (16, &s[2..]),
            b'o' | b'O' => return (8, &s[2..]),
            b'b' | b'B' => return (2, &s[2..]),
            _ => {}
        }
    }
    (10, s)
}

/// Digits (no sign, no prefix) in `radix`, with the size bound checked before the work.
fn parse_digits(digits: &[u8], radix: u32) -> Parsed {
    if digits.is_empty() || !digits.iter().all(|&c| (c as char).to_digit(radix).is_some()) {
        return Parsed::Invalid;
    }
    let start = digits.iter().position(|&c| c != b'0').unwrap_or(digits.len());
    let significant = &digits[start..];
    if significant.is_empty() {
        return Parsed::Ok(BigInt::zero());
    }
    // bits needed are at least (digits - 1) * log2(radix)
    let lower_bits = (significant.len() as f64 - 1.0) * (radix as f64).log2();
    if lower_bits >= MAX_BIGINT_BITS as f64 {
        return Parsed::TooBig(false);
    }
    match BigInt::parse_bytes(significant, radix) {
        Some(n) if n.bits() <= MAX_BIGINT_BITS => Parsed::Ok(n),
        Some(_) => Parsed::TooBig(false),
        None => Parsed::Invalid,
    }
}

/// StringToBigInt (ECMA-262 §7.1.14): whitespace-trimmed; empty is 0n; a decimal integer with
/// an optional sign, or a 0x/0o/0b integer without one.
pub fn parse_string(units: &[u16]) -> Parsed {
    let ws = crate::builtins::numconv::is_js_whitespace;
    let start = units.iter().position(|&c| !ws(c)).unwrap_or(units.len());
    let end = units.iter().rposition(|&c| !ws(c)).map_or(start, |e| e + 1);
    let t = &units[start..end];
    if t.is_empty() {
        return Parsed::Ok(BigInt::zero());
    }
    if t.iter().any(|&c| c > 0x7F) {
        return Parsed::Invalid;
    }
    let bytes: Vec<u8> = t.iter().map(|&c| c as u8).collect();
    let (radix, rest) = radix_prefix(&bytes);
    if radix != 10 {
        return parse_digits(rest, radix);
    }
    let (neg, digits) = match bytes[0] {
        b'-' => (true, &bytes[1..]),
        b'+' => (false, &bytes[1..]),
        _ => (false, &bytes[..]),
    };
    match parse_digits(digits, 10) {
        Parsed::Ok(n) if neg => Parsed::Ok(-n),
        Parsed::TooBig(_) => Parsed::TooBig(neg),
        p => p,
    }
}
