//! The typed arrays: `%TypedArray%` with its prototype methods and `from`/`of`, the nine
//! element-type constructors, and the integer-indexed exotic object behaviour.
//!
//! A typed array (class TYPED_ARRAY) holds `[buffer, element type, byteOffset, length]` in its
//! class slots; its elements are the bytes of the ArrayBuffer (see `builtins::arraybuffer`).
//! The object internal methods call in here through a class check (`get_own_index`,
//! `define_own`, `delete_own`, `set_hook`, `is_numeric_key`; `own_keys` lists `0..length`):
//! a canonical numeric string key ("1.5", "-0", "-1") is never an own property and is never
//! looked up on the prototype chain.
//!
//! Elements of BigInt64Array and BigUint64Array are BigInt values (converted with ToBigInt,
//! read back as new BigInt cells); the two content types never mix (a TypeError).

use super::arraybuffer::{self as ab, Elem};
use super::{def, NativeDef};
use crate::builtins::numconv;
use crate::interp::access::Args;
use crate::vm::object::{attr, class, flag, Prop, PropDesc, PropKey};
use crate::vm::{JsResult, Value, Vm, A, I};

const S_BUFFER: usize = 0;
const S_KIND: usize = 1;
const S_OFFSET: usize = 2;
const S_LENGTH: usize = 3;

pub const NATIVES: &[NativeDef] = &[
    def("TypedArray", typed_array_abstract, 0),
    def("TypedArray.from", from, 1),
    def("TypedArray.of", of, 0),
    def("get TypedArray[Symbol.species]", species, 0),
    def("get %TypedArray%.prototype.buffer", get_buffer, 0),
    def("get %TypedArray%.prototype.byteLength", get_byte_length, 0),
    def("get %TypedArray%.prototype.byteOffset", get_byte_offset, 0),
    def("get %TypedArray%.prototype.length", get_length, 0),
    def("get %TypedArray%.prototype[Symbol.toStringTag]", get_tag, 0),
    def("%TypedArray%.prototype.at", at, 1),
    def("%TypedArray%.prototype.copyWithin", copy_within, 2),
    def("%TypedArray%.prototype.entries", entries, 0),
    def("%TypedArray%.prototype.every", every, 1),
    def("%TypedArray%.prototype.fill", fill, 1),
    def("%TypedArray%.prototype.filter", filter, 1),
    def("%TypedArray%.prototype.find", find, 1),
    def("%TypedArray%.prototype.findIndex", find_index, 1),
    def("%TypedArray%.prototype.findLast", find_last, 1),
    def("%TypedArray%.prototype.findLastIndex", find_last_index, 1),
    def("%TypedArray%.prototype.forEach", for_each, 1),
    def("%TypedArray%.prototype.includes", includes, 1),
    def("%TypedArray%.prototype.indexOf", index_of, 1),
    def("%TypedArray%.prototype.join", join, 1),
    def("%TypedArray%.prototype.keys", keys, 0),
    def("%TypedArray%.prototype.lastIndexOf", last_index_of, 1),
    def("%TypedArray%.prototype.map", map, 1),
    def("%TypedArray%.prototype.reduce", reduce, 1),
    def("%TypedArray%.prototype.reduceRight", reduce_right, 1),
    def("%TypedArray%.prototype.reverse", reverse, 0),
    def("%TypedArray%.prototype.set", set, 1),
    def("%TypedArray%.prototype.slice", slice, 2),
    def("%TypedArray%.prototype.some", some, 1),
    def("%TypedArray%.prototype.sort", sort, 1),
    def("%TypedArray%.prototype.subarray", subarray, 2),
    def("%TypedArray%.prototype.toLocaleString", to_locale_string, 0),
    def("%TypedArray%.prototype.toReversed", to_reversed, 0),
    def("%TypedArray%.prototype.toSorted", to_sorted, 1),
    def("%TypedArray%.prototype.values", values, 0),
    def("%TypedArray%.prototype.with", with, 2),
    def("Int8Array", ctor_int8, 3),
    def("Uint8Array", ctor_uint8, 3),
    def("Uint8ClampedArray", ctor_uint8c, 3),
    def("Int16Array", ctor_int16, 3),
    def("Uint16Array", ctor_uint16, 3),
    def("Int32Array", ctor_int32, 3),
    def("Uint32Array", ctor_uint32, 3),
    def("Float32Array", ctor_float32, 3),
    def("Float64Array", ctor_float64, 3),
    def("BigInt64Array", ctor_big_int64, 3),
    def("BigUint64Array", ctor_big_uint64, 3),
];

// ----- the object -------------------------------------------------------------------------

pub fn is_typed(vm: &Vm, v: Value) -> bool {
    v.is_obj() && vm.class_of(v) == class::TYPED_ARRAY
}
pub fn elem_of(vm: &Vm, ta: Value) -> Elem {
    Elem::from_index(vm.slot(ta, S_KIND).payload())
}
fn buffer_of(vm: &Vm, ta: Value) -> Value {
    vm.slot(ta, S_BUFFER)
}
fn offset_of(vm: &Vm, ta: Value) -> usize {
    vm.slot(ta, S_OFFSET).as_num() as usize
}
fn detached(vm: &Vm, ta: Value) -> bool {
    ab::is_detached(vm, buffer_of(vm, ta))
}
/// The element count (0 once the buffer is detached).
pub fn length(vm: &Vm, ta: Value) -> u32 {
    if detached(vm, ta) {
        0
    } else {
        vm.slot(ta, S_LENGTH).as_num() as u32
    }
}

/// The raw bytes of the element at `i` (in range).
fn raw_elem(vm: &Vm, ta: Value, i: usize) -> [u8; 8] {
    let t = elem_of(vm, ta);
    ab::read_raw(vm, buffer_of(vm, ta), offset_of(vm, ta) + i * t.size(), t)
}
fn write_raw_elem(vm: &mut Vm, ta: Value, i: usize, b: &[u8; 8]) {
    let t = elem_of(vm, ta);
    let (buf, off) = (buffer_of(vm, ta), offset_of(vm, ta));
    ab::write_raw(vm, buf, off + i * t.size(), t, b)
}
/// The element at `i` (in range) as a value.
fn elem_value(vm: &mut Vm, ta: Value, i: usize) -> JsResult<Value> {
    let b = raw_elem(vm, ta, i);
    elem_of(vm, ta).value(vm, &b)
}

/// The element at `i` (in range) of a Number typed array.
fn read_elem(vm: &Vm, ta: Value, i: usize) -> f64 {
    let t = elem_of(vm, ta);
    ab::read(vm, buffer_of(vm, ta), offset_of(vm, ta) + i * t.size(), t)
}
fn write_elem(vm: &mut Vm, ta: Value, i: usize, n: f64) {
    let t = elem_of(vm, ta);
    let (buf, off) = (buffer_of(vm, ta), offset_of(vm, ta));
    ab::write(vm, buf, off + i * t.size(), t, n)
}

/// IsValidIntegerIndex.
fn valid_index(vm: &Vm, ta: Value, n: f64) -> bool {
    n.fract() == 0.0 && !(n == 0.0 && n.is_sign_negative()) && n >= 0.0 && n < length(vm, ta) as f64
}

/// TypedArrayGetElement as a value: undefined outside the array.
fn get_elem(vm: &mut Vm, ta: Value, n: f64) -> JsResult<Value> {
    if valid_index(vm, ta, n) {
        elem_value(vm, ta, n as usize)
    } else {
        Ok(Value::UNDEFINED)
    }
}

/// TypedArraySetElement: converts `v` first (ToNumber or ToBigInt, which may run code and
/// detach the buffer), then writes if `n` is still a valid index.
fn set_elem(vm: &mut Vm, ta: Value, n: f64, v: Value) -> JsResult<()> {
    let b = elem_of(vm, ta).to_raw(vm, v)?;
    if valid_index(vm, ta, n) {
        write_raw_elem(vm, ta, n as usize, &b);
    }
    Ok(())
}

/// Whether the two typed arrays hold the same content type (Number or BigInt).
fn same_content(vm: &Vm, a: Value, b: Value) -> bool {
    elem_of(vm, a).is_bigint() == elem_of(vm, b).is_bigint()
}

/// CanonicalNumericIndexString of a string key, when it is one.
fn canonical_numeric(vm: &Vm, s: Value) -> Option<f64> {
    let u = vm.units(s);
    let c = *u.first()?;
    if !(c == b'-' as u16 || c == b'I' as u16 || c == b'N' as u16 || (b'0' as u16..=b'9' as u16).contains(&c)) {
        return None;
    }
    if u == [b'-' as u16, b'0' as u16] {
        return Some(-0.0);
    }
    let n = numconv::string_to_number(u);
    let back = numconv::number_to_string(n);
    if back.encode_utf16().eq(u.iter().copied()) {
        Some(n)
    } else {
        None
    }
}

/// The numeric index a key names, if it is a canonical numeric string (index keys included).
fn numeric(vm: &Vm, k: PropKey) -> Option<f64> {
    match k {
        PropKey::Index(i) => Some(i as f64),
        PropKey::Key(v) if v.is_str() => canonical_numeric(vm, v),
        _ => None,
    }
}

/// Whether `k` is a canonical numeric string (such keys never reach the prototype chain).
pub fn is_numeric_key(vm: &Vm, k: PropKey) -> bool {
    numeric(vm, k).is_some()
}

/// [[GetOwnProperty]] of an index key.
pub fn get_own_index(vm: &mut Vm, ta: Value, i: u32) -> Option<Prop> {
    if i < length(vm, ta) {
        // only a BigInt element allocates; a failed allocation is fatal to the turn anyway
        let v = elem_value(vm, ta, i as usize).unwrap_or(Value::UNDEFINED);
        Some(Prop::data(v, attr::WEC))
    } else {
        None
    }
}

/// [[DefineOwnProperty]] for numeric keys; None for other keys (ordinary).
pub fn define_own(vm: &mut Vm, ta: Value, k: PropKey, d: &PropDesc) -> JsResult<Option<bool>> {
    let Some(n) = numeric(vm, k) else { return Ok(None) };
    if !valid_index(vm, ta, n) {
        return Ok(Some(false));
    }
    if d.configurable == Some(false) || d.enumerable == Some(false) || d.is_accessor() || d.writable == Some(false) {
        return Ok(Some(false));
    }
    if let Some(v) = d.value {
        set_elem(vm, ta, n, v)?;
    }
    Ok(Some(true))
}

/// [[Delete]] for numeric keys; None for other keys.
pub fn delete_own(vm: &Vm, ta: Value, k: PropKey) -> Option<bool> {
    numeric(vm, k).map(|n| !valid_index(vm, ta, n))
}

/// The typed array part of [[Set]] on `ta` (found on the chain of `receiver`): Some(result)
/// when it decides, None to continue with the ordinary algorithm.
pub fn set_hook(vm: &mut Vm, ta: Value, k: PropKey, v: Value, receiver: Value) -> JsResult<Option<bool>> {
    let Some(n) = numeric(vm, k) else { return Ok(None) };
    if ta == receiver {
        set_elem(vm, ta, n, v)?;
        return Ok(Some(true));
    }
    if !valid_index(vm, ta, n) {
        return Ok(Some(true));
    }
    Ok(None)
}

/// ValidateTypedArray: the length of typed array `v`, or a TypeError (also when detached).
pub fn validate(vm: &mut Vm, v: Value) -> JsResult<u32> {
    if !is_typed(vm, v) {
        return Err(vm.throw_type("this is not a typed array"));
    }
    if detached(vm, v) {
        return Err(vm.throw_type("Cannot perform this operation on a detached ArrayBuffer"));
    }
    Ok(length(vm, v))
}

fn this_ta(vm: &mut Vm, a: &Args) -> JsResult<(Value, f64)> {
    let t = a.this(vm);
    let len = validate(vm, t)?;
    Ok((t, len as f64))
}

fn ctor_of(vm: &Vm, t: Elem) -> Value {
    vm.intr[I::Int8Array as usize + t.index()]
}
fn proto_of_elem(vm: &Vm, t: Elem) -> Value {
    vm.intr[I::Int8ArrayProto as usize + t.index()]
}

fn new_view(vm: &mut Vm, proto: Value, t: Elem, buf: Value, offset: f64, len: f64) -> JsResult<Value> {
    let o = vm.new_object_with(class::TYPED_ARRAY, proto, 4)?;
    vm.set_slot(o, S_BUFFER, buf);
    vm.set_slot(o, S_KIND, Value::int(t.index() as u64));
    vm.set_slot(o, S_OFFSET, Value::num(offset));
    vm.set_slot(o, S_LENGTH, Value::num(len));
    Ok(o)
}

/// A typed array of `len` zeros over a new buffer.
fn allocate(vm: &mut Vm, proto: Value, t: Elem, len: f64) -> JsResult<Value> {
    let bytes = len * t.size() as f64;
    if bytes > ab::MAX_BYTE_LENGTH {
        return Err(vm.throw_range(&format!("Invalid typed array length: {len} (at most {} bytes)", ab::MAX_BYTE_LENGTH)));
    }
    let abp = vm.i(I::ArrayBufferProto);
    let buf = ab::allocate(vm, abp, bytes)?;
    new_view(vm, proto, t, buf, 0.0, len)
}

/// TypedArrayCreateSameType with a length.
fn create_same_type(vm: &mut Vm, exemplar: Value, len: f64) -> JsResult<Value> {
    let t = elem_of(vm, exemplar);
    let p = proto_of_elem(vm, t);
    allocate(vm, p, t, len)
}

/// TypedArrayCreateFromConstructor.
fn create_from_ctor(vm: &mut Vm, c: Value, args: &[Value]) -> JsResult<Value> {
    let o = vm.construct(c, args, c)?;
    let len = validate(vm, o)?;
    if args.len() == 1 && args[0].is_num() && (len as f64) < args[0].as_num() {
        return Err(vm.throw_type("The typed array made by the constructor is too short"));
    }
    Ok(o)
}

/// TypedArraySpeciesCreate.
fn species_create(vm: &mut Vm, exemplar: Value, args: &[Value]) -> JsResult<Value> {
    let default = ctor_of(vm, elem_of(vm, exemplar));
    let c = ab::species_constructor(vm, exemplar, default)?;
    if c == default {
        // the intrinsic constructor: no observable steps remain but the allocation
        if args.len() == 1 && args[0].is_num() {
            let t = elem_of(vm, exemplar);
            let p = proto_of_elem(vm, t);
            return allocate(vm, p, t, args[0].as_num());
        }
    }
    let r = create_from_ctor(vm, c, args)?;
    if !same_content(vm, r, exemplar) {
        return Err(vm.throw_type("The species constructor made a typed array of another content type"));
    }
    Ok(r)
}

// ----- constructors -----------------------------------------------------------------------

fn typed_array_abstract(vm: &mut Vm, _a: &Args) -> JsResult<Value> {
    Err(vm.throw_type("Abstract class TypedArray not directly constructable"))
}

fn proto_from_new_target(vm: &mut Vm, nt: Value, t: Elem) -> JsResult<Value> {
    let pk = vm.key_atom(A::prototype);
    let p = vm.get(nt, pk, nt)?;
    Ok(if p.is_obj() { p } else { proto_of_elem(vm, t) })
}

/// The values of iterable `o` through its iterator method `m` (left on the stack as roots).
fn iterate_with(vm: &mut Vm, o: Value, m: Value) -> JsResult<Vec<Value>> {
    let it = vm.call(m, o, &[])?;
    if !it.is_obj() {
        return Err(vm.throw_type("Result of the Symbol.iterator method is not an object"));
    }
    vm.stack.push(it);
    let nk = vm.key_atom(A::next);
    let next = vm.get(it, nk, it)?;
    vm.stack.push(next);
    let mut out = Vec::new();
    while let Some(v) = vm.iterator_step(it, next)? {
        vm.stack.push(v);
        out.push(v);
    }
    Ok(out)
}

fn construct(vm: &mut Vm, a: &Args, t: Elem) -> JsResult<Value> {
    if !a.is_construct() {
        return Err(vm.throw_type(&format!("Constructor {} requires 'new'", t.name())));
    }
    let first = a.get(vm, 0);
    if !first.is_obj() {
        let len = ab::to_index(vm, first, "typed array length")?;
        let proto = proto_from_new_target(vm, a.new_target, t)?;
        return allocate(vm, proto, t, len);
    }
    let proto = proto_from_new_target(vm, a.new_target, t)?;
    vm.stack.push(proto);
    match vm.class_of(first) {
        class::TYPED_ARRAY => {
            let len = validate(vm, first)?;
            let st = elem_of(vm, first);
            if st.is_bigint() != t.is_bigint() {
                return Err(vm.throw_type(&format!("Cannot make a {} from a {}", t.name(), st.name())));
            }
            let o = allocate(vm, proto, t, len as f64)?;
            if st.size() == t.size() && (st == t || t.is_bigint()) {
                let n = len as usize * t.size();
                let (sb, so) = (buffer_of(vm, first), offset_of(vm, first));
                let data = ab::bytes(vm, sb, so, n).to_vec();
                let ob = buffer_of(vm, o);
                ab::bytes_mut(vm, ob, 0, n).copy_from_slice(&data);
            } else {
                for i in 0..len as usize {
                    let x = read_elem(vm, first, i);
                    write_elem(vm, o, i, x);
                }
            }
            Ok(o)
        }
        class::ARRAY_BUFFER => {
            let size = t.size() as f64;
            let offset = ab::to_index(vm, a.get(vm, 1), "typed array offset")?;
            if offset % size != 0.0 {
                return Err(vm.throw_range(&format!("start offset of {} should be a multiple of {size}", t.name())));
            }
            let len_arg = a.get(vm, 2);
            let new_len = if len_arg.is_undefined() { None } else { Some(ab::to_index(vm, len_arg, "typed array length")?) };
            if ab::is_detached(vm, first) {
                return Err(vm.throw_type("Cannot construct a typed array on a detached ArrayBuffer"));
            }
            let buf_len = ab::byte_len(vm, first) as f64;
            let byte_len = match new_len {
                None => {
                    if buf_len % size != 0.0 {
                        return Err(vm.throw_range(&format!("byte length of {} should be a multiple of {size}", t.name())));
                    }
                    if offset > buf_len {
                        return Err(vm.throw_range(&format!("Start offset {offset} is outside the bounds of the buffer")));
                    }
                    buf_len - offset
                }
                Some(l) => {
                    if offset + l * size > buf_len {
                        return Err(vm.throw_range(&format!("Invalid typed array length: {l}")));
                    }
                    l * size
                }
            };
            new_view(vm, proto, t, first, offset, byte_len / size)
        }
        _ => {
            let ik = PropKey::Key(vm.i(I::SymIterator));
            if let Some(m) = vm.get_method(first, ik)? {
                let items = iterate_with(vm, first, m)?;
                let o = allocate(vm, proto, t, items.len() as f64)?;
                vm.stack.push(o);
                for (i, v) in items.into_iter().enumerate() {
                    set_elem(vm, o, i as f64, v)?;
                }
                return Ok(o);
            }
            let len = vm.length_of(first)?;
            let o = allocate(vm, proto, t, len)?;
            vm.stack.push(o);
            for i in 0..len as usize {
                let v = vm.get(first, PropKey::Index(i as u32), first)?;
                set_elem(vm, o, i as f64, v)?;
            }
            Ok(o)
        }
    }
}

macro_rules! ctors {
    ($($f:ident => $t:expr),* $(,)?) => {
        $(fn $f(vm: &mut Vm, a: &Args) -> JsResult<Value> {
            construct(vm, a, $t)
        })*
    };
}

ctors! {
    ctor_int8 => Elem::Int8, ctor_uint8 => Elem::Uint8, ctor_uint8c => Elem::Uint8C,
    ctor_int16 => Elem::Int16, ctor_uint16 => Elem::Uint16, ctor_int32 => Elem::Int32,
    ctor_uint32 => Elem::Uint32, ctor_float32 => Elem::Float32, ctor_float64 => Elem::Float64,
    ctor_big_int64 => Elem::BigInt64, ctor_big_uint64 => Elem::BigUint64,
}

fn species(vm: &mut Vm, a: &Args) -> JsResult<Value> {
    Ok(a.this(vm))
}

fn from(vm: &mut Vm, a: &Args) -> JsResult<Value> {
    let c = a.this(vm);
    if !vm.is_constructor(c) {
        return Err(vm.throw_type("TypedArray.from: this is not a constructor"));
    }
    let (source, mapfn, this_arg) = (a.get(vm, 0), a.get(vm, 1), a.get(vm, 2));
    let mapping = !mapfn.is_undefined();
    if mapping && !vm.is_callable(mapfn) {
        return Err(vm.throw_type("TypedArray.from: the map function is not callable"));
    }
    let ik = PropKey::Key(vm.i(I::SymIterator));
    let using = vm.get_method(source, ik)?;
    let (items, array_like) = match using {
        Some(m) => (Some(iterate_with(vm, source, m)?), Value::UNDEFINED),
        None => (None, vm.to_object(source)?),
    };
    vm.stack.push(array_like);
    let len = match &items {
        Some(v) => v.len() as f64,
        None => vm.length_of(array_like)?,
    };
    let target = create_from_ctor(vm, c, &[Value::num(len)])?;
    vm.stack.push(target);
    for k in 0..len as usize {
        let v = match &items {
            Some(v) => v[k],
            None => vm.get(array_like, PropKey::Index(k as u32), array_like)?,
        };
        let v = if mapping { vm.call(mapfn, this_arg, &[v, Value::num(k as f64)])? } else { v };
        vm.put_value(target, PropKey::Index(k as u32), v, true)?;
    }
    Ok(target)
}

fn of(vm: &mut Vm, a: &Args) -> JsResult<Value> {
    let c = a.this(vm);
    if !vm.is_constructor(c) {
        return Err(vm.throw_type("TypedArray.of: this is not a constructor"));
    }
    let items = a.all(vm);
    let o = create_from_ctor(vm, c, &[Value::num(items.len() as f64)])?;
    vm.stack.push(o);
    for (k, v) in items.into_iter().enumerate() {
        vm.put_value(o, PropKey::Index(k as u32), v, true)?;
    }
    Ok(o)
}

// ----- accessors ----------------------------------------------------------------------------

fn this_typed(vm: &mut Vm, a: &Args, what: &str) -> JsResult<Value> {
    let t = a.this(vm);
    if is_typed(vm, t) {
        Ok(t)
    } else {
        Err(vm.throw_type(&format!("%TypedArray%.prototype.{what} called on incompatible receiver")))
    }
}

fn get_buffer(vm: &mut Vm, a: &Args) -> JsResult<Value> {
    let t = this_typed(vm, a, "buffer")?;
    Ok(buffer_of(vm, t))
}
fn get_byte_length(vm: &mut Vm, a: &Args) -> JsResult<Value> {
    let t = this_typed(vm, a, "byteLength")?;
    Ok(Value::num((length(vm, t) as usize * elem_of(vm, t).size()) as f64))
}
fn get_byte_offset(vm: &mut Vm, a: &Args) -> JsResult<Value> {
    let t = this_typed(vm, a, "byteOffset")?;
    Ok(Value::num(if detached(vm, t) { 0.0 } else { offset_of(vm, t) as f64 }))
}
fn get_length(vm: &mut Vm, a: &Args) -> JsResult<Value> {
    let t = this_typed(vm, a, "length")?;
    Ok(Value::num(length(vm, t) as f64))
}
fn get_tag(vm: &mut Vm, a: &Args) -> JsResult<Value> {
    let t = a.this(vm);
    if !is_typed(vm, t) {
        return Ok(Value::UNDEFINED);
    }
    let name = elem_of(vm, t).name();
    Ok(vm.intern_str(name)?)
}

// ----- iteration methods --------------------------------------------------------------------

fn callback(vm: &mut Vm, a: &Args) -> JsResult<Value> {
    let f = a.get(vm, 0);
    if !vm.is_callable(f) {
        return Err(vm.throw_type("The callback is not a function"));
    }
    Ok(f)
}

/// Calls `f(element, index, o)` for k in `0..len` (or reversed) until `stop` says so; returns
/// the index and element where it stopped.
fn scan(vm: &mut Vm, a: &Args, reverse: bool, stop: fn(&Vm, Value) -> bool) -> JsResult<Option<(f64, Value)>> {
    let (o, len) = this_ta(vm, a)?;
    let f = callback(vm, a)?;
    let this_arg = a.get(vm, 1);
    for i in 0..len as usize {
        let k = if reverse { len as usize - 1 - i } else { i } as f64;
        let v = get_elem(vm, o, k)?;
        let r = vm.call(f, this_arg, &[v, Value::num(k), o])?;
        if stop(vm, r) {
            return Ok(Some((k, v)));
        }
    }
    Ok(None)
}

fn truthy(vm: &Vm, v: Value) -> bool {
    vm.to_boolean(v)
}
fn never(_: &Vm, _: Value) -> bool {
    false
}

fn every(vm: &mut Vm, a: &Args) -> JsResult<Value> {
    Ok(Value::bool(scan(vm, a, false, |vm, r| !vm.to_boolean(r))?.is_none()))
}
fn some(vm: &mut Vm, a: &Args) -> JsResult<Value> {
    Ok(Value::bool(scan(vm, a, false, truthy)?.is_some()))
}
fn for_each(vm: &mut Vm, a: &Args) -> JsResult<Value> {
    scan(vm, a, false, never)?;
    Ok(Value::UNDEFINED)
}
fn find(vm: &mut Vm, a: &Args) -> JsResult<Value> {
    Ok(scan(vm, a, false, truthy)?.map(|r| r.1).unwrap_or(Value::UNDEFINED))
}
fn find_index(vm: &mut Vm, a: &Args) -> JsResult<Value> {
    Ok(Value::num(scan(vm, a, false, truthy)?.map(|r| r.0).unwrap_or(-1.0)))
}
fn find_last(vm: &mut Vm, a: &Args) -> JsResult<Value> {
    Ok(scan(vm, a, true, truthy)?.map(|r| r.1).unwrap_or(Value::UNDEFINED))
}
fn find_last_index(vm: &mut Vm, a: &Args) -> JsResult<Value> {
    Ok(Value::num(scan(vm, a, true, truthy)?.map(|r| r.0).unwrap_or(-1.0)))
}

fn map(vm: &mut Vm, a: &Args) -> JsResult<Value> {
    let (o, len) = this_ta(vm, a)?;
    let f = callback(vm, a)?;
    let this_arg = a.get(vm, 1);
    let r = species_create(vm, o, &[Value::num(len)])?;
    vm.stack.push(r);
    for k in 0..len as usize {
        let v = get_elem(vm, o, k as f64)?;
        let m = vm.call(f, this_arg, &[v, Value::num(k as f64), o])?;
        vm.put_value(r, PropKey::Index(k as u32), m, true)?;
    }
    Ok(r)
}

fn filter(vm: &mut Vm, a: &Args) -> JsResult<Value> {
    let (o, len) = this_ta(vm, a)?;
    let f = callback(vm, a)?;
    let this_arg = a.get(vm, 1);
    let mut kept = Vec::new();
    for k in 0..len as usize {
        let v = get_elem(vm, o, k as f64)?;
        vm.stack.push(v);
        let r = vm.call(f, this_arg, &[v, Value::num(k as f64), o])?;
        if vm.to_boolean(r) {
            kept.push(v);
        }
    }
    let r = species_create(vm, o, &[Value::num(kept.len() as f64)])?;
    vm.stack.push(r);
    for (k, v) in kept.into_iter().enumerate() {
        vm.put_value(r, PropKey::Index(k as u32), v, true)?;
    }
    Ok(r)
}

fn reduce_impl(vm: &mut Vm, a: &Args, right: bool) -> JsResult<Value> {
    let (o, len) = this_ta(vm, a)?;
    let f = callback(vm, a)?;
    let n = len as usize;
    let mut order: Box<dyn Iterator<Item = usize>> = if right { Box::new((0..n).rev()) } else { Box::new(0..n) };
    let mut acc = if a.argc >= 2 {
        a.get(vm, 1)
    } else {
        match order.next() {
            Some(k) => get_elem(vm, o, k as f64)?,
            None => return Err(vm.throw_type("Reduce of empty array with no initial value")),
        }
    };
    let base = vm.stack.len();
    for k in order {
        vm.stack.truncate(base);
        vm.stack.push(acc);
        let v = get_elem(vm, o, k as f64)?;
        acc = vm.call(f, Value::UNDEFINED, &[acc, v, Value::num(k as f64), o])?;
    }
    Ok(acc)
}
fn reduce(vm: &mut Vm, a: &Args) -> JsResult<Value> {
    reduce_impl(vm, a, false)
}
fn reduce_right(vm: &mut Vm, a: &Args) -> JsResult<Value> {
    reduce_impl(vm, a, true)
}

fn make_iter(vm: &mut Vm, a: &Args, kind: u64) -> JsResult<Value> {
    let (o, _) = this_ta(vm, a)?;
    super::array::new_array_iterator(vm, o, kind)
}
fn values(vm: &mut Vm, a: &Args) -> JsResult<Value> {
    make_iter(vm, a, super::array::KIND_VALUES)
}
fn keys(vm: &mut Vm, a: &Args) -> JsResult<Value> {
    make_iter(vm, a, super::array::KIND_KEYS)
}
fn entries(vm: &mut Vm, a: &Args) -> JsResult<Value> {
    make_iter(vm, a, super::array::KIND_ENTRIES)
}

// ----- searching ----------------------------------------------------------------------------

fn at(vm: &mut Vm, a: &Args) -> JsResult<Value> {
    let (o, len) = this_ta(vm, a)?;
    let r = vm.to_integer(a.get(vm, 0))?;
    let k = if r >= 0.0 { r } else { len + r };
    if k < 0.0 || k >= len {
        return Ok(Value::UNDEFINED);
    }
    get_elem(vm, o, k)
}

/// The start index of a forward search from argument 1 (None: nothing to search).
fn search_start(vm: &mut Vm, a: &Args, len: f64) -> JsResult<Option<f64>> {
    if len == 0.0 {
        return Ok(None);
    }
    let n = vm.to_integer(a.get(vm, 1))?;
    if n == f64::INFINITY {
        return Ok(None);
    }
    Ok(Some(if n >= 0.0 { n } else { (len + n).max(0.0) }))
}

fn includes(vm: &mut Vm, a: &Args) -> JsResult<Value> {
    let (o, len) = this_ta(vm, a)?;
    let Some(mut k) = search_start(vm, a, len)? else { return Ok(Value::FALSE) };
    let s = a.get(vm, 0);
    while k < len {
        let e = get_elem(vm, o, k)?;
        if vm.same_value_zero(s, e) {
            return Ok(Value::TRUE);
        }
        k += 1.0;
    }
    Ok(Value::FALSE)
}

fn index_of(vm: &mut Vm, a: &Args) -> JsResult<Value> {
    let (o, len) = this_ta(vm, a)?;
    let Some(mut k) = search_start(vm, a, len)? else { return Ok(Value::num(-1.0)) };
    let s = a.get(vm, 0);
    let big = elem_of(vm, o).is_bigint();
    if s.is_num() && !big || s.is_bigint() && big {
        while k < len {
            if valid_index(vm, o, k) && elem_equals(vm, o, k as usize, s)? {
                return Ok(Value::num(k));
            }
            k += 1.0;
        }
    }
    Ok(Value::num(-1.0))
}

/// IsStrictlyEqual(element i, s) for an `s` of the array's content type.
fn elem_equals(vm: &mut Vm, o: Value, i: usize, s: Value) -> JsResult<bool> {
    if s.is_num() {
        return Ok(read_elem(vm, o, i) == s.as_num());
    }
    let e = elem_value(vm, o, i)?;
    Ok(vm.strict_eq(e, s))
}

fn last_index_of(vm: &mut Vm, a: &Args) -> JsResult<Value> {
    let (o, len) = this_ta(vm, a)?;
    if len == 0.0 {
        return Ok(Value::num(-1.0));
    }
    let n = if a.argc > 1 { vm.to_integer(a.get(vm, 1))? } else { len - 1.0 };
    if n == f64::NEG_INFINITY {
        return Ok(Value::num(-1.0));
    }
    let mut k = if n >= 0.0 { n.min(len - 1.0) } else { len + n };
    let s = a.get(vm, 0);
    let big = elem_of(vm, o).is_bigint();
    if s.is_num() && !big || s.is_bigint() && big {
        while k >= 0.0 {
            if valid_index(vm, o, k) && elem_equals(vm, o, k as usize, s)? {
                return Ok(Value::num(k));
            }
            k -= 1.0;
        }
    }
    Ok(Value::num(-1.0))
}

// ----- strings ------------------------------------------------------------------------------

fn join(vm: &mut Vm, a: &Args) -> JsResult<Value> {
    let (o, len) = this_ta(vm, a)?;
    let sep_arg = a.get(vm, 0);
    let sep: Vec<u16> = if sep_arg.is_undefined() {
        vec![b',' as u16]
    } else {
        let s = vm.to_string(sep_arg)?;
        vm.units(s).to_vec()
    };
    let mut out: Vec<u16> = Vec::new();
    for k in 0..len as usize {
        if k > 0 {
            out.extend_from_slice(&sep);
        }
        if valid_index(vm, o, k as f64) {
            out.extend(elem_text(vm, o, k).encode_utf16());
        }
    }
    Ok(vm.new_string(&out)?)
}

/// ToString of element i (in range).
fn elem_text(vm: &Vm, o: Value, i: usize) -> String {
    let b = raw_elem(vm, o, i);
    match elem_of(vm, o) {
        Elem::BigInt64 => i64::from_le_bytes(b).to_string(),
        Elem::BigUint64 => u64::from_le_bytes(b).to_string(),
        _ => numconv::number_to_string(read_elem(vm, o, i)),
    }
}

fn to_locale_string(vm: &mut Vm, a: &Args) -> JsResult<Value> {
    let (o, len) = this_ta(vm, a)?;
    let mut out: Vec<u16> = Vec::new();
    let key = vm.key_from_str("toLocaleString")?;
    for k in 0..len as usize {
        if k > 0 {
            out.push(b',' as u16);
        }
        let e = get_elem(vm, o, k as f64)?;
        if !e.is_undefined() {
            let f = vm.get_v(e, key)?;
            if !vm.is_callable(f) {
                return Err(vm.throw_type("toLocaleString is not a function"));
            }
            let r = vm.call(f, e, &[])?;
            let s = vm.to_string(r)?;
            out.extend_from_slice(vm.units(s));
        }
    }
    Ok(vm.new_string(&out)?)
}

// ----- changing the contents ----------------------------------------------------------------

fn fill(vm: &mut Vm, a: &Args) -> JsResult<Value> {
    let (o, len) = this_ta(vm, a)?;
    let x = elem_of(vm, o).to_raw(vm, a.get(vm, 0))?;
    let start = ab::relative(vm, a.get(vm, 1), len, 0.0)?;
    let end = ab::relative(vm, a.get(vm, 2), len, len)?;
    let len = validate(vm, o)? as f64;
    let end = end.min(len);
    let mut k = start;
    while k < end {
        write_raw_elem(vm, o, k as usize, &x);
        k += 1.0;
    }
    Ok(o)
}

fn copy_within(vm: &mut Vm, a: &Args) -> JsResult<Value> {
    let (o, len) = this_ta(vm, a)?;
    let to = ab::relative(vm, a.get(vm, 0), len, 0.0)?;
    let from = ab::relative(vm, a.get(vm, 1), len, 0.0)?;
    let fin = ab::relative(vm, a.get(vm, 2), len, len)?;
    let count = (fin - from).min(len - to);
    if count > 0.0 {
        let len = validate(vm, o)? as usize;
        let size = elem_of(vm, o).size();
        let (buf, off) = (buffer_of(vm, o), offset_of(vm, o));
        let (to, from) = (to as usize, from as usize);
        // the array cannot shrink here except by detaching, but clip to be safe
        let count = (count as usize).min(len.saturating_sub(to.max(from)));
        let region = ab::bytes_mut(vm, buf, off, len * size);
        region.copy_within(from * size..(from + count) * size, to * size);
    }
    Ok(o)
}

fn reverse(vm: &mut Vm, a: &Args) -> JsResult<Value> {
    let (o, len) = this_ta(vm, a)?;
    let n = len as usize;
    for i in 0..n / 2 {
        let (x, y) = (raw_elem(vm, o, i), raw_elem(vm, o, n - 1 - i));
        write_raw_elem(vm, o, i, &y);
        write_raw_elem(vm, o, n - 1 - i, &x);
    }
    Ok(o)
}

fn set(vm: &mut Vm, a: &Args) -> JsResult<Value> {
    let target = a.this(vm);
    if !is_typed(vm, target) {
        return Err(vm.throw_type("%TypedArray%.prototype.set called on incompatible receiver"));
    }
    let offset = vm.to_integer(a.get(vm, 1))?;
    if offset < 0.0 {
        return Err(vm.throw_range("offset is out of bounds"));
    }
    let source = a.get(vm, 0);
    if is_typed(vm, source) {
        if detached(vm, target) {
            return Err(vm.throw_type("Cannot set into a typed array on a detached ArrayBuffer"));
        }
        let target_len = length(vm, target) as f64;
        if detached(vm, source) {
            return Err(vm.throw_type("Cannot set from a typed array on a detached ArrayBuffer"));
        }
        let src_len = length(vm, source) as usize;
        if src_len as f64 + offset > target_len {
            return Err(vm.throw_range("offset is out of bounds"));
        }
        if !same_content(vm, source, target) {
            return Err(vm.throw_type("Cannot mix BigInt and other types in a typed array"));
        }
        let st = elem_of(vm, source);
        let tt = elem_of(vm, target);
        if st == tt || st.is_bigint() {
            let (sb, so) = (buffer_of(vm, source), offset_of(vm, source));
            let data = ab::bytes(vm, sb, so, src_len * st.size()).to_vec();
            let (tb, to) = (buffer_of(vm, target), offset_of(vm, target));
            ab::bytes_mut(vm, tb, to + offset as usize * st.size(), data.len()).copy_from_slice(&data);
        } else {
            // read every source value before writing (the two may share a buffer)
            let vals: Vec<f64> = (0..src_len).map(|i| read_elem(vm, source, i)).collect();
            for (i, x) in vals.into_iter().enumerate() {
                write_elem(vm, target, offset as usize + i, x);
            }
        }
        return Ok(Value::UNDEFINED);
    }
    if detached(vm, target) {
        return Err(vm.throw_type("Cannot set into a typed array on a detached ArrayBuffer"));
    }
    let target_len = length(vm, target) as f64;
    let src = vm.to_object(source)?;
    vm.stack.push(src);
    let src_len = vm.length_of(src)?;
    if src_len + offset > target_len {
        return Err(vm.throw_range("offset is out of bounds"));
    }
    for k in 0..src_len as usize {
        let v = vm.get(src, PropKey::Index(k as u32), src)?;
        set_elem(vm, target, offset + k as f64, v)?;
    }
    Ok(Value::UNDEFINED)
}

fn slice(vm: &mut Vm, a: &Args) -> JsResult<Value> {
    let (o, len) = this_ta(vm, a)?;
    let start = ab::relative(vm, a.get(vm, 0), len, 0.0)?;
    let fin = ab::relative(vm, a.get(vm, 1), len, len)?;
    let count = (fin - start).max(0.0);
    let r = species_create(vm, o, &[Value::num(count)])?;
    vm.stack.push(r);
    if count > 0.0 {
        let len = validate(vm, o)? as f64;
        let fin = fin.min(len);
        let (t, rt) = (elem_of(vm, o), elem_of(vm, r));
        if t == rt {
            let size = t.size();
            let n = ((fin - start).max(0.0) as usize * size).min(length(vm, r) as usize * size);
            let (sb, so) = (buffer_of(vm, o), offset_of(vm, o) + start as usize * size);
            let (rb, ro) = (buffer_of(vm, r), offset_of(vm, r));
            // byte by byte, forward: a species constructor may return a view on the same
            // buffer, and the overlap then repeats bytes exactly as the specification copies
            if sb == rb {
                for i in 0..n {
                    let b = ab::bytes(vm, sb, so + i, 1)[0];
                    ab::bytes_mut(vm, rb, ro + i, 1)[0] = b;
                }
            } else {
                let data = ab::bytes(vm, sb, so, n).to_vec();
                ab::bytes_mut(vm, rb, ro, n).copy_from_slice(&data);
            }
        } else {
            let mut n = 0u32;
            let mut k = start;
            while k < fin {
                let v = get_elem(vm, o, k)?;
                vm.put_value(r, PropKey::Index(n), v, true)?;
                k += 1.0;
                n += 1;
            }
        }
    }
    Ok(r)
}

fn subarray(vm: &mut Vm, a: &Args) -> JsResult<Value> {
    let o = this_typed(vm, a, "subarray")?;
    let buf = buffer_of(vm, o);
    let len = length(vm, o) as f64;
    let start = ab::relative(vm, a.get(vm, 0), len, 0.0)?;
    let fin = ab::relative(vm, a.get(vm, 1), len, len)?;
    let t = elem_of(vm, o);
    let new_len = (fin - start).max(0.0);
    let begin = offset_of(vm, o) as f64 + start * t.size() as f64;
    species_create(vm, o, &[buf, Value::num(begin), Value::num(new_len)])
}

// ----- sorting ------------------------------------------------------------------------------

fn comparator(vm: &mut Vm, a: &Args) -> JsResult<Value> {
    let c = a.get(vm, 0);
    if !c.is_undefined() && !vm.is_callable(c) {
        return Err(vm.throw_type("The comparison function must be either a function or undefined"));
    }
    Ok(c)
}

/// The default order of elements of type `t`: numeric, -0 before +0, NaN last.
fn default_order(t: Elem, x: &[u8; 8], y: &[u8; 8]) -> std::cmp::Ordering {
    use std::cmp::Ordering;
    match t {
        Elem::BigInt64 => i64::from_le_bytes(*x).cmp(&i64::from_le_bytes(*y)),
        Elem::BigUint64 => u64::from_le_bytes(*x).cmp(&u64::from_le_bytes(*y)),
        _ => {
            let (x, y) = (t.decode(x), t.decode(y));
            match (x.is_nan(), y.is_nan()) {
                (true, true) => Ordering::Equal,
                (true, false) => Ordering::Greater,
                (false, true) => Ordering::Less,
                _ => x.total_cmp(&y),
            }
        }
    }
}

/// x > y by the user comparator.
fn greater(vm: &mut Vm, t: Elem, cmp: Value, x: &[u8; 8], y: &[u8; 8]) -> JsResult<bool> {
    let xv = t.value(vm, x)?;
    let yv = t.value(vm, y)?;
    let r = vm.call(cmp, Value::UNDEFINED, &[xv, yv])?;
    let n = vm.to_number(r)?;
    Ok(n > 0.0)
}

/// A stable merge sort whose comparator may run JavaScript.
fn merge_sort(vm: &mut Vm, t: Elem, v: &mut [[u8; 8]], cmp: Value) -> JsResult<()> {
    let n = v.len();
    if n < 2 {
        return Ok(());
    }
    let mid = n / 2;
    merge_sort(vm, t, &mut v[..mid], cmp)?;
    merge_sort(vm, t, &mut v[mid..], cmp)?;
    let left = v[..mid].to_vec();
    let right = v[mid..].to_vec();
    let (mut i, mut j, mut k) = (0, 0, 0);
    while i < left.len() && j < right.len() {
        if greater(vm, t, cmp, &left[i], &right[j])? {
            v[k] = right[j];
            j += 1;
        } else {
            v[k] = left[i];
            i += 1;
        }
        k += 1;
    }
    v[k..k + left.len() - i].copy_from_slice(&left[i..]);
    k += left.len() - i;
    v[k..].copy_from_slice(&right[j..]);
    Ok(())
}

/// The elements of `o` sorted (as raw element bytes).
fn sorted_values(vm: &mut Vm, o: Value, len: f64, cmp: Value) -> JsResult<Vec<[u8; 8]>> {
    let t = elem_of(vm, o);
    let mut vals: Vec<[u8; 8]> = (0..len as usize).map(|i| raw_elem(vm, o, i)).collect();
    if cmp.is_undefined() {
        vals.sort_by(|x, y| default_order(t, x, y));
    } else {
        merge_sort(vm, t, &mut vals, cmp)?;
    }
    Ok(vals)
}

fn sort(vm: &mut Vm, a: &Args) -> JsResult<Value> {
    let cmp = comparator(vm, a)?;
    let (o, len) = this_ta(vm, a)?;
    let vals = sorted_values(vm, o, len, cmp)?;
    for (i, x) in vals.into_iter().enumerate() {
        if valid_index(vm, o, i as f64) {
            write_raw_elem(vm, o, i, &x);
        }
    }
    Ok(o)
}

fn to_sorted(vm: &mut Vm, a: &Args) -> JsResult<Value> {
    let cmp = comparator(vm, a)?;
    let (o, len) = this_ta(vm, a)?;
    let r = create_same_type(vm, o, len)?;
    vm.stack.push(r);
    let vals = sorted_values(vm, o, len, cmp)?;
    for (i, x) in vals.into_iter().enumerate() {
        write_raw_elem(vm, r, i, &x);
    }
    Ok(r)
}

fn to_reversed(vm: &mut Vm, a: &Args) -> JsResult<Value> {
    let (o, len) = this_ta(vm, a)?;
    let r = create_same_type(vm, o, len)?;
    let n = len as usize;
    for k in 0..n {
        let x = raw_elem(vm, o, n - 1 - k);
        write_raw_elem(vm, r, k, &x);
    }
    Ok(r)
}

fn with(vm: &mut Vm, a: &Args) -> JsResult<Value> {
    let (o, len) = this_ta(vm, a)?;
    let rel = vm.to_integer(a.get(vm, 0))?;
    let actual = if rel >= 0.0 { rel } else { len + rel };
    let x = elem_of(vm, o).to_raw(vm, a.get(vm, 1))?;
    if !valid_index(vm, o, actual) {
        return Err(vm.throw_range("Invalid typed array index"));
    }
    let r = create_same_type(vm, o, len)?;
    for k in 0..len as usize {
        let v = if k as f64 == actual { x } else { raw_elem(vm, o, k) };
        write_raw_elem(vm, r, k, &v);
    }
    Ok(r)
}

// ----- display ------------------------------------------------------------------------------

/// `Uint8Array(3) [ 1, 2, 3 ]` for the shell (at most 100 elements shown).
pub fn display(vm: &Vm, ta: Value) -> String {
    let t = elem_of(vm, ta);
    let n = length(vm, ta) as usize;
    let suffix = if t.is_bigint() { "n" } else { "" };
    let mut parts: Vec<String> = (0..n.min(100)).map(|i| elem_text(vm, ta, i) + suffix).collect();
    if n > 100 {
        parts.push(format!("... {} more items", n - 100));
    }
    if parts.is_empty() {
        format!("{}(0) []", t.name())
    } else {
        format!("{}({}) [ {} ]", t.name(), n, parts.join(", "))
    }
}

// ----- realm setup --------------------------------------------------------------------------

pub fn init(vm: &mut Vm) -> JsResult<()> {
    let op = vm.i(I::ObjectProto);
    // %TypedArray% and its prototype
    let tap = vm.new_plain(op)?;
    vm.set_intrinsic(I::TypedArrayProto, tap);
    let ta = vm.native_function("TypedArray")?;
    vm.add_flags(ta, flag::CONSTRUCTOR);
    vm.set_intrinsic(I::TypedArray, ta);
    let pk = vm.key_atom(A::prototype);
    vm.put(ta, pk, tap, 0)?;
    let ck = vm.key_atom(A::constructor);
    vm.put(tap, ck, ta, attr::WC)?;
    vm.def_methods(ta, &["TypedArray.from", "TypedArray.of"])?;
    vm.def_getter(ta, "get TypedArray[Symbol.species]", None)?;
    for g in [
        "get %TypedArray%.prototype.buffer",
        "get %TypedArray%.prototype.byteLength",
        "get %TypedArray%.prototype.byteOffset",
        "get %TypedArray%.prototype.length",
        "get %TypedArray%.prototype[Symbol.toStringTag]",
    ] {
        vm.def_getter(tap, g, None)?;
    }
    for m in NATIVES.iter().map(|d| d.name).filter(|n| n.starts_with("%TypedArray%.prototype.")) {
        vm.def_method(tap, m)?;
    }
    // the iterator and toString are shared with other objects
    let vk = vm.key_from_str("values")?;
    let values = vm.get_own(tap, vk).map(|p| p.value).unwrap_or(Value::UNDEFINED);
    let ik = PropKey::Key(vm.i(I::SymIterator));
    vm.put(tap, ik, values, attr::WC)?;
    let ap = vm.i(I::ArrayProto);
    let tsk = vm.key_atom(A::toString);
    let ts = vm.get_own(ap, tsk).map(|p| p.value).unwrap_or(Value::UNDEFINED);
    vm.put(tap, tsk, ts, attr::WC)?;

    // the nine constructors
    let bk = vm.key_from_str("BYTES_PER_ELEMENT")?;
    for t in Elem::ALL {
        let p = vm.new_plain(tap)?;
        vm.intr[I::Int8ArrayProto as usize + t.index()] = p;
        let c = vm.def_ctor(t.name(), p)?;
        vm.intr[I::Int8Array as usize + t.index()] = c;
        vm.set_proto_raw(c, ta);
        let size = Value::num(t.size() as f64);
        vm.put(c, bk, size, 0)?;
        vm.put(p, bk, size, 0)?;
    }
    Ok(())
}
