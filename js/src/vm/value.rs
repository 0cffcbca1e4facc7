//! `Value`: a NaN-boxed 64-bit word, stored as is in heap cells.
//!
//! A double that is not NaN is itself; NaN is always the canonical quiet NaN. Other NaN bit
//! patterns carry a 16-bit tag and a 48-bit payload. Pointer tags hold the heap offset of a cell;
//! the collector traces exactly the words whose tag is a pointer tag.

use bytemuck::{Pod, Zeroable};

#[derive(Clone, Copy, PartialEq, Eq, Hash, Pod, Zeroable, Default)]
#[repr(transparent)]
pub struct Value(pub u64);

const SHIFT: u32 = 48;
const PAYLOAD: u64 = (1 << SHIFT) - 1;
const CANON_NAN: u64 = 0x7FF8_0000_0000_0000;

pub const TAG_SPECIAL: u64 = 0xFFF9;
/// A reference to an internal cell (property table, elements, environment, code, ...).
pub const TAG_CELL: u64 = 0xFFFA;
pub const TAG_STR: u64 = 0xFFFB;
pub const TAG_SYM: u64 = 0xFFFC;
pub const TAG_OBJ: u64 = 0xFFFD;
pub const TAG_BIGINT: u64 = 0xFFFE;
/// A 48-bit unsigned integer (internal: attributes, counts, array-index keys).
pub const TAG_INT: u64 = 0xFFFF;
/// The payload bit of a special value that is a volatile frame: an environment kept on
/// `Vm::stack` (its word 0 at the stack index in the low 32 bits), never stored in a cell
/// that outlives the call. Not a pointer tag, so the collector never follows it.
const FRAME_BIT: u64 = 1 << 40;

impl Value {
    pub const UNDEFINED: Value = Value(TAG_SPECIAL << SHIFT);
    pub const NULL: Value = Value(TAG_SPECIAL << SHIFT | 1);
    pub const FALSE: Value = Value(TAG_SPECIAL << SHIFT | 2);
    pub const TRUE: Value = Value(TAG_SPECIAL << SHIFT | 3);
    /// An uninitialised binding (TDZ), an array hole, an absent slot. Never visible to programs.
    pub const EMPTY: Value = Value(TAG_SPECIAL << SHIFT | 4);
    pub const NAN: Value = Value(CANON_NAN);
    pub const ZERO: Value = Value(0);

    #[inline]
    pub fn num(f: f64) -> Value {
        if f.is_nan() {
            Value(CANON_NAN)
        } else {
            Value(f.to_bits())
        }
    }
    #[inline]
    pub fn bool(b: bool) -> Value {
        if b {
            Value::TRUE
        } else {
            Value::FALSE
        }
    }
    #[inline]
    pub fn tagged(tag: u64, payload: u64) -> Value {
        debug_assert!(payload <= PAYLOAD);
        Value(tag << SHIFT | payload)
    }
    #[inline]
    pub fn obj(off: u64) -> Value {
        Value::tagged(TAG_OBJ, off)
    }
    #[inline]
    pub fn string(off: u64) -> Value {
        Value::tagged(TAG_STR, off)
    }
    #[inline]
    pub fn symbol(off: u64) -> Value {
        Value::tagged(TAG_SYM, off)
    }
    #[inline]
    pub fn cell(off: u64) -> Value {
        Value::tagged(TAG_CELL, off)
    }
    #[inline]
    pub fn int(n: u64) -> Value {
        Value::tagged(TAG_INT, n)
    }
    /// A volatile frame whose words start at `Vm::stack[index]`.
    #[inline]
    pub fn frame(index: usize) -> Value {
        debug_assert!(index < 1 << 32);
        Value(TAG_SPECIAL << SHIFT | FRAME_BIT | index as u64)
    }
    #[inline]
    pub fn is_frame(self) -> bool {
        self.0 >> 32 == (TAG_SPECIAL << SHIFT | FRAME_BIT) >> 32
    }
    /// The stack index of a frame's first word.
    #[inline]
    pub fn frame_index(self) -> usize {
        (self.0 & 0xFFFF_FFFF) as usize
    }

    #[inline]
    pub fn tag(self) -> u64 {
        self.0 >> SHIFT
    }
    #[inline]
    pub fn payload(self) -> u64 {
        self.0 & PAYLOAD
    }
    #[inline]
    pub fn is_num(self) -> bool {
        self.0 >> SHIFT < TAG_SPECIAL || self.0 == CANON_NAN
    }
    #[inline]
    pub fn as_num(self) -> f64 {
        f64::from_bits(self.0)
    }
    #[inline]
    pub fn is_obj(self) -> bool {
        self.tag() == TAG_OBJ
    }
    #[inline]
    pub fn is_str(self) -> bool {
        self.tag() == TAG_STR
    }
    #[inline]
    pub fn is_sym(self) -> bool {
        self.tag() == TAG_SYM
    }
    #[inline]
    pub fn is_cell(self) -> bool {
        self.tag() == TAG_CELL
    }
    #[inline]
    pub fn is_int(self) -> bool {
        self.tag() == TAG_INT
    }
    #[inline]
    pub fn is_bool(self) -> bool {
        self == Value::TRUE || self == Value::FALSE
    }
    #[inline]
    pub fn is_undefined(self) -> bool {
        self == Value::UNDEFINED
    }
    #[inline]
    pub fn is_null(self) -> bool {
        self == Value::NULL
    }
    #[inline]
    pub fn is_nullish(self) -> bool {
        self == Value::UNDEFINED || self == Value::NULL
    }
    #[inline]
    pub fn is_empty(self) -> bool {
        self == Value::EMPTY
    }
    /// A reference the collector must follow.
    #[inline]
    pub fn is_pointer(self) -> bool {
        matches!(self.tag(), TAG_CELL | TAG_STR | TAG_SYM | TAG_OBJ | TAG_BIGINT)
    }
    /// The heap offset of the cell this value refers to.
    #[inline]
    pub fn off(self) -> u64 {
        self.payload()
    }
}

impl std::fmt::Debug for Value {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.tag() {
            _ if self.is_num() => write!(f, "{}", self.as_num()),
            TAG_SPECIAL => f.write_str(match self.payload() {
                0 => "undefined",
                1 => "null",
                2 => "false",
                3 => "true",
                4 => "<empty>",
                _ if self.is_frame() => return write!(f, "frame@{}", self.frame_index()),
                _ => "<special?>",
            }),
            TAG_CELL => write!(f, "cell@{}", self.off()),
            TAG_STR => write!(f, "str@{}", self.off()),
            TAG_SYM => write!(f, "sym@{}", self.off()),
            TAG_OBJ => write!(f, "obj@{}", self.off()),
            TAG_INT => write!(f, "int {}", self.payload()),
            TAG_BIGINT => write!(f, "bigint@{}", self.off()),
            t => write!(f, "tag{t:x}:{}", self.payload()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_round_trip_and_nan_is_canonical() {
        for f in [0.0, -0.0, 1.5, f64::INFINITY, f64::NEG_INFINITY, f64::MIN_POSITIVE, 5e-324, f64::MAX] {
            let v = Value::num(f);
            assert!(v.is_num() && !v.is_pointer());
            assert_eq!(v.as_num().to_bits(), f.to_bits());
        }
        let weird_nan = f64::from_bits(0xFFFD_0000_0000_1234);
        let v = Value::num(weird_nan);
        assert!(v.is_num() && v.as_num().is_nan() && !v.is_obj(), "a NaN must never look like a pointer");
    }

    #[test]
    fn tags_are_distinct() {
        let o = Value::obj(4096);
        assert!(o.is_obj() && o.is_pointer() && !o.is_num() && o.off() == 4096);
        assert!(!Value::int(7).is_pointer() && Value::int(7).payload() == 7);
        for v in [Value::UNDEFINED, Value::NULL, Value::TRUE, Value::FALSE, Value::EMPTY] {
            assert!(!v.is_num() && !v.is_pointer());
        }
        assert!(Value::UNDEFINED.is_nullish() && Value::NULL.is_nullish() && !Value::FALSE.is_nullish());
    }
}
