//! `ArrayBuffer`, `DataView`, and the element types they share with the typed arrays.
//!
//! An ArrayBuffer object (class ARRAY_BUFFER) holds `[bytes, byteLength]` in its class slots:
//! `bytes` is a BYTES cell (raw data the collector does not trace), so a buffer's contents are
//! in the heap and survive a restart like any other value; every write goes through
//! `Heap::bytes_mut`. A detached buffer has `null` for `bytes` and length 0.
//!
//! Buffers are at most [`MAX_BYTE_LENGTH`] bytes: a bigger request (or one the heap cannot
//! hold) is a RangeError. Buffers have a fixed length: resizable buffers and `transfer` are
//! outside the engine's feature list (their test262 features are out of scope).
//!
//! A DataView (class DATA_VIEW) holds `[buffer, byteOffset, byteLength]`.

use super::{def, NativeDef};
use crate::interp::access::Args;
use crate::interp::ops::{to_int32, to_uint32};
use crate::vm::cells::{header, kind};
use crate::vm::object::{attr, class, PropKey};
use crate::vm::{JsResult, Value, Vm, A, I};

/// The largest ArrayBuffer, in bytes (1 GiB): bigger lengths throw a RangeError.
pub const MAX_BYTE_LENGTH: f64 = (1u64 << 30) as f64;

pub const NATIVES: &[NativeDef] = &[
    def("ArrayBuffer", ab_ctor, 1),
    def("ArrayBuffer.isView", ab_is_view, 1),
    def("get ArrayBuffer[Symbol.species]", species, 0),
    def("get ArrayBuffer.prototype.byteLength", ab_byte_length, 0),
    def("ArrayBuffer.prototype.slice", ab_slice, 2),
    def("DataView", dv_ctor, 1),
    def("get DataView.prototype.buffer", dv_buffer, 0),
    def("get DataView.prototype.byteLength", dv_byte_length, 0),
    def("get DataView.prototype.byteOffset", dv_byte_offset, 0),
    def("DataView.prototype.getInt8", get_int8, 1),
    def("DataView.prototype.getUint8", get_uint8, 1),
    def("DataView.prototype.getInt16", get_int16, 1),
    def("DataView.prototype.getUint16", get_uint16, 1),
    def("DataView.prototype.getInt32", get_int32, 1),
    def("DataView.prototype.getUint32", get_uint32, 1),
    def("DataView.prototype.getFloat32", get_float32, 1),
    def("DataView.prototype.getFloat64", get_float64, 1),
    def("DataView.prototype.setInt8", set_int8, 2),
    def("DataView.prototype.setUint8", set_uint8, 2),
    def("DataView.prototype.setInt16", set_int16, 2),
    def("DataView.prototype.setUint16", set_uint16, 2),
    def("DataView.prototype.setInt32", set_int32, 2),
    def("DataView.prototype.setUint32", set_uint32, 2),
    def("DataView.prototype.setFloat32", set_float32, 2),
    def("DataView.prototype.setFloat64", set_float64, 2),
    def("DataView.prototype.getBigInt64", get_big_int64, 1),
    def("DataView.prototype.getBigUint64", get_big_uint64, 1),
    def("DataView.prototype.setBigInt64", set_big_int64, 2),
    def("DataView.prototype.setBigUint64", set_big_uint64, 2),
    def("$262.detachArrayBuffer", detach_native, 1),
];

// ----- element types --------------------------------------------------------------------------

/// An element type of typed arrays and DataView accesses (the order of the `I::Int8Array..`
/// intrinsics).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Elem {
    Int8,
    Uint8,
    Uint8C,
    Int16,
    Uint16,
    Int32,
    Uint32,
    Float32,
    Float64,
    BigInt64,
    BigUint64,
}

impl Elem {
    pub const ALL: [Elem; 11] = [
        Elem::Int8,
        Elem::Uint8,
        Elem::Uint8C,
        Elem::Int16,
        Elem::Uint16,
        Elem::Int32,
        Elem::Uint32,
        Elem::Float32,
        Elem::Float64,
        Elem::BigInt64,
        Elem::BigUint64,
    ];

    pub fn from_index(i: u64) -> Elem {
        Elem::ALL[i as usize % Elem::ALL.len()]
    }
    /// Elements are BigInt values (content type BigInt).
    pub fn is_bigint(self) -> bool {
        matches!(self, Elem::BigInt64 | Elem::BigUint64)
    }
    pub fn index(self) -> usize {
        self as usize
    }
    pub fn size(self) -> usize {
        match self {
            Elem::Int8 | Elem::Uint8 | Elem::Uint8C => 1,
            Elem::Int16 | Elem::Uint16 => 2,
            Elem::Int32 | Elem::Uint32 | Elem::Float32 => 4,
            Elem::Float64 | Elem::BigInt64 | Elem::BigUint64 => 8,
        }
    }
    /// The typed array constructor's name.
    pub fn name(self) -> &'static str {
        match self {
            Elem::Int8 => "Int8Array",
            Elem::Uint8 => "Uint8Array",
            Elem::Uint8C => "Uint8ClampedArray",
            Elem::Int16 => "Int16Array",
            Elem::Uint16 => "Uint16Array",
            Elem::Int32 => "Int32Array",
            Elem::Uint32 => "Uint32Array",
            Elem::Float32 => "Float32Array",
            Elem::Float64 => "Float64Array",
            Elem::BigInt64 => "BigInt64Array",
            Elem::BigUint64 => "BigUint64Array",
        }
    }
    /// The value of little-endian bytes `b` (at least `size` of them); a BigInt element type
    /// gives its value as a (possibly inexact) number.
    pub fn decode(self, b: &[u8]) -> f64 {
        match self {
            Elem::Int8 => b[0] as i8 as f64,
            Elem::Uint8 | Elem::Uint8C => b[0] as f64,
            Elem::Int16 => i16::from_le_bytes([b[0], b[1]]) as f64,
            Elem::Uint16 => u16::from_le_bytes([b[0], b[1]]) as f64,
            Elem::Int32 => i32::from_le_bytes([b[0], b[1], b[2], b[3]]) as f64,
            Elem::Uint32 => u32::from_le_bytes([b[0], b[1], b[2], b[3]]) as f64,
            Elem::Float32 => f32::from_le_bytes([b[0], b[1], b[2], b[3]]) as f64,
            Elem::Float64 => f64::from_le_bytes(word(b)),
            Elem::BigInt64 => i64::from_le_bytes(word(b)) as f64,
            Elem::BigUint64 => u64::from_le_bytes(word(b)) as f64,
        }
    }
    /// The little-endian bytes of number `n` converted to this type (the first `size` bytes);
    /// not for the BigInt types, whose values are not numbers (see `to_raw`).
    pub fn encode(self, n: f64) -> [u8; 8] {
        let mut out = [0u8; 8];
        match self {
            Elem::Int8 | Elem::Uint8 => out[0] = to_uint32(n) as u8,
            Elem::Uint8C => out[0] = clamp_u8(n),
            Elem::Int16 | Elem::Uint16 => out[..2].copy_from_slice(&(to_uint32(n) as u16).to_le_bytes()),
            Elem::Int32 => out[..4].copy_from_slice(&to_int32(n).to_le_bytes()),
            Elem::Uint32 => out[..4].copy_from_slice(&to_uint32(n).to_le_bytes()),
            Elem::Float32 => out[..4].copy_from_slice(&(n as f32).to_le_bytes()),
            Elem::Float64 => out.copy_from_slice(&n.to_le_bytes()),
            Elem::BigInt64 | Elem::BigUint64 => out = (n as i64).to_le_bytes(),
        }
        out
    }

    /// The element's JavaScript value from its little-endian bytes (a BigInt allocates).
    pub fn value(self, vm: &mut Vm, b: &[u8]) -> JsResult<Value> {
        match self {
            Elem::BigInt64 => vm.new_bigint_i64(i64::from_le_bytes(word(b))),
            Elem::BigUint64 => vm.new_bigint_u64(u64::from_le_bytes(word(b))),
            _ => Ok(Value::num(self.decode(b))),
        }
    }

    /// ToNumber or ToBigInt of `v` (which may run code), as this type's little-endian bytes.
    pub fn to_raw(self, vm: &mut Vm, v: Value) -> JsResult<[u8; 8]> {
        if self.is_bigint() {
            // ToBigInt64 and ToBigUint64 give the same 64 bits
            return Ok(vm.to_biguint64(v)?.to_le_bytes());
        }
        let n = if v.is_num() { v.as_num() } else { vm.to_number(v)? };
        Ok(self.encode(n))
    }
}

fn word(b: &[u8]) -> [u8; 8] {
    [b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7]]
}

/// ToUint8Clamp: clamped to 0..=255, ties to even.
fn clamp_u8(n: f64) -> u8 {
    if n.is_nan() || n <= 0.0 {
        return 0;
    }
    if n >= 255.0 {
        return 255;
    }
    let f = n.floor();
    let r = if n - f > 0.5 {
        f + 1.0
    } else if n - f < 0.5 {
        f
    } else if f % 2.0 == 0.0 {
        f
    } else {
        f + 1.0
    };
    r as u8
}

// ----- buffers ------------------------------------------------------------------------------

/// ToIndex: an integer in 0..=2^53-1 (undefined is 0), else a RangeError.
pub fn to_index(vm: &mut Vm, v: Value, what: &str) -> JsResult<f64> {
    if v.is_undefined() {
        return Ok(0.0);
    }
    let n = vm.to_integer(v)?;
    if !(0.0..=9007199254740991.0).contains(&n) {
        return Err(vm.throw_range(&format!("Invalid {what}")));
    }
    Ok(n)
}

/// A new buffer of `len` zero bytes with prototype `proto`; a RangeError above the maximum or
/// when the heap cannot hold it.
pub fn allocate(vm: &mut Vm, proto: Value, len: f64) -> JsResult<Value> {
    if len > MAX_BYTE_LENGTH {
        return Err(vm.throw_range(&format!("Array buffer allocation failed: {len} bytes is more than the maximum of {MAX_BYTE_LENGTH} bytes")));
    }
    let n = len as u64;
    let bytes = match vm.alloc_cell(8 + n.div_ceil(8) * 8, header(kind::BYTES, 0, 0, n as u32)) {
        Ok(off) => off,
        Err(_) => return Err(vm.throw_range(&format!("Array buffer allocation failed: the heap cannot hold {n} more bytes"))),
    };
    let b = vm.new_object_with(class::ARRAY_BUFFER, proto, 2)?;
    vm.set_slot(b, 0, Value::cell(bytes));
    vm.set_slot(b, 1, Value::num(len));
    Ok(b)
}

pub fn is_buffer(vm: &Vm, v: Value) -> bool {
    v.is_obj() && vm.class_of(v) == class::ARRAY_BUFFER
}
pub fn is_detached(vm: &Vm, buf: Value) -> bool {
    !vm.slot(buf, 0).is_cell()
}
/// The byte length (0 when detached).
pub fn byte_len(vm: &Vm, buf: Value) -> usize {
    vm.slot(buf, 1).as_num() as usize
}
/// Bytes `[at, at + n)` of a buffer that is not detached; the caller checked the range.
pub fn bytes(vm: &Vm, buf: Value, at: usize, n: usize) -> &[u8] {
    let off = vm.slot(buf, 0).off() + 8;
    vm.heap.bytes(off + at as u64, n)
}
pub fn bytes_mut(vm: &mut Vm, buf: Value, at: usize, n: usize) -> &mut [u8] {
    let off = vm.slot(buf, 0).off() + 8;
    vm.heap.bytes_mut(off + at as u64, n)
}
/// The element of type `t` at byte `at` (little-endian), in range.
pub fn read(vm: &Vm, buf: Value, at: usize, t: Elem) -> f64 {
    t.decode(bytes(vm, buf, at, t.size()))
}
pub fn write(vm: &mut Vm, buf: Value, at: usize, t: Elem, n: f64) {
    let b = t.encode(n);
    write_raw(vm, buf, at, t, &b);
}
/// The raw little-endian bytes of the element of type `t` at byte `at` (in range).
pub fn read_raw(vm: &Vm, buf: Value, at: usize, t: Elem) -> [u8; 8] {
    let mut b = [0u8; 8];
    b[..t.size()].copy_from_slice(bytes(vm, buf, at, t.size()));
    b
}
pub fn write_raw(vm: &mut Vm, buf: Value, at: usize, t: Elem, b: &[u8; 8]) {
    bytes_mut(vm, buf, at, t.size()).copy_from_slice(&b[..t.size()]);
}

/// DetachArrayBuffer: the contents are dropped (the cell is collected) and the length is 0.
pub fn detach(vm: &mut Vm, buf: Value) {
    vm.set_slot(buf, 0, Value::NULL);
    vm.set_slot(buf, 1, Value::num(0.0));
}

fn this_buffer(vm: &mut Vm, a: &Args, what: &str) -> JsResult<Value> {
    let t = a.this(vm);
    if is_buffer(vm, t) {
        Ok(t)
    } else {
        Err(vm.throw_type(&format!("ArrayBuffer.prototype.{what} called on incompatible receiver")))
    }
}

fn ab_ctor(vm: &mut Vm, a: &Args) -> JsResult<Value> {
    if !a.is_construct() {
        return Err(vm.throw_type("Constructor ArrayBuffer requires 'new'"));
    }
    let len = to_index(vm, a.get(vm, 0), "array buffer length")?;
    let proto = vm.proto_from_ctor(a.new_target, I::ArrayBufferProto)?;
    allocate(vm, proto, len)
}

fn ab_is_view(vm: &mut Vm, a: &Args) -> JsResult<Value> {
    let v = a.get(vm, 0);
    Ok(Value::bool(v.is_obj() && matches!(vm.class_of(v), class::TYPED_ARRAY | class::DATA_VIEW)))
}

fn species(vm: &mut Vm, a: &Args) -> JsResult<Value> {
    Ok(a.this(vm))
}

fn ab_byte_length(vm: &mut Vm, a: &Args) -> JsResult<Value> {
    let b = this_buffer(vm, a, "byteLength")?;
    Ok(Value::num(byte_len(vm, b) as f64))
}

/// A relative index argument (negative from the end) clamped to `0..=len`.
pub fn relative(vm: &mut Vm, v: Value, len: f64, default: f64) -> JsResult<f64> {
    if v.is_undefined() {
        return Ok(default);
    }
    let r = vm.to_integer(v)?;
    Ok(if r < 0.0 { (len + r).max(0.0) } else { r.min(len) })
}

fn ab_slice(vm: &mut Vm, a: &Args) -> JsResult<Value> {
    let o = this_buffer(vm, a, "slice")?;
    if is_detached(vm, o) {
        return Err(vm.throw_type("Cannot slice a detached ArrayBuffer"));
    }
    let len = byte_len(vm, o) as f64;
    let first = relative(vm, a.get(vm, 0), len, 0.0)?;
    let fin = relative(vm, a.get(vm, 1), len, len)?;
    let new_len = (fin - first).max(0.0);
    let ctor = species_constructor(vm, o, vm.i(I::ArrayBuffer))?;
    let new = vm.construct(ctor, &[Value::num(new_len)], ctor)?;
    if !is_buffer(vm, new) {
        return Err(vm.throw_type("The ArrayBuffer species constructor did not return an ArrayBuffer"));
    }
    if is_detached(vm, new) {
        return Err(vm.throw_type("The ArrayBuffer species constructor returned a detached ArrayBuffer"));
    }
    if new == o {
        return Err(vm.throw_type("The ArrayBuffer species constructor returned the same ArrayBuffer"));
    }
    if (byte_len(vm, new) as f64) < new_len {
        return Err(vm.throw_type("The ArrayBuffer species constructor returned a too small ArrayBuffer"));
    }
    if is_detached(vm, o) {
        return Err(vm.throw_type("The ArrayBuffer was detached while slicing"));
    }
    let cur = byte_len(vm, o);
    let (first, n) = (first as usize, new_len as usize);
    if first < cur {
        let n = n.min(cur - first);
        let data = bytes(vm, o, first, n).to_vec();
        bytes_mut(vm, new, 0, n).copy_from_slice(&data);
    }
    Ok(new)
}

/// SpeciesConstructor(o, default) with the default as a value.
pub fn species_constructor(vm: &mut Vm, o: Value, default: Value) -> JsResult<Value> {
    let ck = vm.key_atom(A::constructor);
    let c = vm.get(o, ck, o)?;
    if c.is_undefined() {
        return Ok(default);
    }
    if !c.is_obj() {
        return Err(vm.throw_type("object.constructor is not an object"));
    }
    let sk = vm.i(I::SymSpecies);
    let s = vm.get(c, PropKey::Key(sk), c)?;
    if s.is_nullish() {
        return Ok(default);
    }
    if vm.is_constructor(s) {
        return Ok(s);
    }
    Err(vm.throw_type("object.constructor[Symbol.species] is not a constructor"))
}

// ----- DataView -----------------------------------------------------------------------------

fn dv_ctor(vm: &mut Vm, a: &Args) -> JsResult<Value> {
    if !a.is_construct() {
        return Err(vm.throw_type("Constructor DataView requires 'new'"));
    }
    let buf = a.get(vm, 0);
    if !is_buffer(vm, buf) {
        return Err(vm.throw_type("First argument to DataView constructor must be an ArrayBuffer"));
    }
    let offset = to_index(vm, a.get(vm, 1), "DataView offset")?;
    if is_detached(vm, buf) {
        return Err(vm.throw_type("Cannot construct a DataView on a detached ArrayBuffer"));
    }
    let buf_len = byte_len(vm, buf) as f64;
    if offset > buf_len {
        return Err(vm.throw_range(&format!("Start offset {offset} is outside the bounds of the buffer")));
    }
    let len_arg = a.get(vm, 2);
    let view_len = if len_arg.is_undefined() {
        buf_len - offset
    } else {
        let l = to_index(vm, len_arg, "DataView length")?;
        if offset + l > buf_len {
            return Err(vm.throw_range(&format!("Invalid DataView length {l}")));
        }
        l
    };
    let proto = vm.proto_from_ctor(a.new_target, I::DataViewProto)?;
    if is_detached(vm, buf) {
        return Err(vm.throw_type("The ArrayBuffer was detached while constructing a DataView"));
    }
    let buf_len = byte_len(vm, buf) as f64;
    if offset > buf_len || (!len_arg.is_undefined() && offset + view_len > buf_len) {
        return Err(vm.throw_range("The DataView is outside the bounds of the buffer"));
    }
    let v = vm.new_object_with(class::DATA_VIEW, proto, 3)?;
    vm.set_slot(v, 0, buf);
    vm.set_slot(v, 1, Value::num(offset));
    vm.set_slot(v, 2, Value::num(view_len));
    Ok(v)
}

fn this_view(vm: &mut Vm, a: &Args, what: &str) -> JsResult<Value> {
    let t = a.this(vm);
    if t.is_obj() && vm.class_of(t) == class::DATA_VIEW {
        Ok(t)
    } else {
        Err(vm.throw_type(&format!("DataView.prototype.{what} called on incompatible receiver")))
    }
}

fn dv_buffer(vm: &mut Vm, a: &Args) -> JsResult<Value> {
    let v = this_view(vm, a, "buffer")?;
    Ok(vm.slot(v, 0))
}

fn dv_byte_length(vm: &mut Vm, a: &Args) -> JsResult<Value> {
    let v = this_view(vm, a, "byteLength")?;
    if is_detached(vm, vm.slot(v, 0)) {
        return Err(vm.throw_type("Cannot read byteLength of a DataView on a detached ArrayBuffer"));
    }
    Ok(vm.slot(v, 2))
}

fn dv_byte_offset(vm: &mut Vm, a: &Args) -> JsResult<Value> {
    let v = this_view(vm, a, "byteOffset")?;
    if is_detached(vm, vm.slot(v, 0)) {
        return Err(vm.throw_type("Cannot read byteOffset of a DataView on a detached ArrayBuffer"));
    }
    Ok(vm.slot(v, 1))
}

/// The byte position in the buffer of an access of `t` at `index` of view `v` (checks detached
/// and bounds).
fn view_pos(vm: &mut Vm, v: Value, index: f64, t: Elem) -> JsResult<usize> {
    let buf = vm.slot(v, 0);
    if is_detached(vm, buf) {
        return Err(vm.throw_type("Cannot access a DataView on a detached ArrayBuffer"));
    }
    let size = vm.slot(v, 2).as_num();
    if index + t.size() as f64 > size {
        return Err(vm.throw_range("Offset is outside the bounds of the DataView"));
    }
    Ok((vm.slot(v, 1).as_num() + index) as usize)
}

fn view_get(vm: &mut Vm, a: &Args, t: Elem, what: &str) -> JsResult<Value> {
    let v = this_view(vm, a, what)?;
    let index = to_index(vm, a.get(vm, 0), "DataView index")?;
    let little = vm.to_boolean(a.get(vm, 1));
    let at = view_pos(vm, v, index, t)?;
    let buf = vm.slot(v, 0);
    let mut b = [0u8; 8];
    b[..t.size()].copy_from_slice(bytes(vm, buf, at, t.size()));
    if !little {
        b[..t.size()].reverse();
    }
    t.value(vm, &b)
}

fn view_set(vm: &mut Vm, a: &Args, t: Elem, what: &str) -> JsResult<Value> {
    let v = this_view(vm, a, what)?;
    let index = to_index(vm, a.get(vm, 0), "DataView index")?;
    let mut b = t.to_raw(vm, a.get(vm, 1))?;
    let little = vm.to_boolean(a.get(vm, 2));
    let at = view_pos(vm, v, index, t)?;
    let buf = vm.slot(v, 0);
    if !little {
        b[..t.size()].reverse();
    }
    bytes_mut(vm, buf, at, t.size()).copy_from_slice(&b[..t.size()]);
    Ok(Value::UNDEFINED)
}

macro_rules! view_accessors {
    ($($get:ident, $set:ident, $t:expr, $gn:expr, $sn:expr;)*) => {
        $(
            fn $get(vm: &mut Vm, a: &Args) -> JsResult<Value> {
                view_get(vm, a, $t, $gn)
            }
            fn $set(vm: &mut Vm, a: &Args) -> JsResult<Value> {
                view_set(vm, a, $t, $sn)
            }
        )*
    };
}

view_accessors! {
    get_int8, set_int8, Elem::Int8, "getInt8", "setInt8";
    get_uint8, set_uint8, Elem::Uint8, "getUint8", "setUint8";
    get_int16, set_int16, Elem::Int16, "getInt16", "setInt16";
    get_uint16, set_uint16, Elem::Uint16, "getUint16", "setUint16";
    get_int32, set_int32, Elem::Int32, "getInt32", "setInt32";
    get_uint32, set_uint32, Elem::Uint32, "getUint32", "setUint32";
    get_float32, set_float32, Elem::Float32, "getFloat32", "setFloat32";
    get_float64, set_float64, Elem::Float64, "getFloat64", "setFloat64";
    get_big_int64, set_big_int64, Elem::BigInt64, "getBigInt64", "setBigInt64";
    get_big_uint64, set_big_uint64, Elem::BigUint64, "getBigUint64", "setBigUint64";
}

// ----- the test262 host hook ----------------------------------------------------------------

fn detach_native(vm: &mut Vm, a: &Args) -> JsResult<Value> {
    let b = a.get(vm, 0);
    if !is_buffer(vm, b) {
        return Err(vm.throw_type("detachArrayBuffer: not an ArrayBuffer"));
    }
    detach(vm, b);
    Ok(Value::NULL)
}

/// Gives the global object a `$262` object (made if absent) with `detachArrayBuffer`, the
/// host hook test262's `detachArrayBuffer.js` needs. Only the conformance runner calls this.
pub fn install_test262_host(vm: &mut Vm) -> JsResult<()> {
    let host = super::global::test262_host_object(vm)?;
    vm.def_method(host, "$262.detachArrayBuffer")?;
    Ok(())
}

fn tag(vm: &mut Vm, o: Value, s: &str) -> JsResult<()> {
    let v = vm.str_from(s)?;
    let tk = vm.i(I::SymToStringTag);
    vm.put(o, PropKey::Key(tk), v, attr::C)
}

pub fn init(vm: &mut Vm) -> JsResult<()> {
    let op = vm.i(I::ObjectProto);
    let abp = vm.new_plain(op)?;
    vm.set_intrinsic(I::ArrayBufferProto, abp);
    let c = vm.def_ctor("ArrayBuffer", abp)?;
    vm.set_intrinsic(I::ArrayBuffer, c);
    vm.def_method(c, "ArrayBuffer.isView")?;
    vm.def_getter(c, "get ArrayBuffer[Symbol.species]", None)?;
    vm.def_getter(abp, "get ArrayBuffer.prototype.byteLength", None)?;
    vm.def_method(abp, "ArrayBuffer.prototype.slice")?;
    tag(vm, abp, "ArrayBuffer")?;

    let dvp = vm.new_plain(op)?;
    vm.set_intrinsic(I::DataViewProto, dvp);
    vm.def_ctor("DataView", dvp)?;
    for g in ["get DataView.prototype.buffer", "get DataView.prototype.byteLength", "get DataView.prototype.byteOffset"] {
        vm.def_getter(dvp, g, None)?;
    }
    for t in ["Int8", "Uint8", "Int16", "Uint16", "Int32", "Uint32", "Float32", "Float64", "BigInt64", "BigUint64"] {
        vm.def_method(dvp, &format!("DataView.prototype.get{t}"))?;
        vm.def_method(dvp, &format!("DataView.prototype.set{t}"))?;
    }
    tag(vm, dvp, "DataView")?;
    Ok(())
}
