//! `Array`, `Array.prototype`, and the array iterator (ECMA-262 §23.1).
//!
//! Every method is generic: it works on any object through ToObject, LengthOfArrayLike, [[Get]],
//! [[HasProperty]], [[Set]] and [[Delete]]. Dense elements are read and written directly when
//! that is indistinguishable from the generic path (an element in the dense vector is always an
//! own writable, enumerable, configurable data property). Long runs of holes are skipped by
//! looking at the keys that exist instead of probing each index.

mod sort;

use super::{def, NativeDef};
use crate::interp::access::Args;
use crate::vm::cells::{header, kind};
use crate::vm::object::{attr, class, flag, PropKey, ELEMS};
use crate::vm::{JsResult, Throw, Value, Vm, A, I};

/// 2^53 - 1.
const MAX_SAFE: f64 = 9007199254740991.0;
/// Array indices are below 2^32 - 1.
const MAX_IDX: f64 = 4294967295.0;

pub const NATIVES: &[NativeDef] = &[
    def("Array", array_ctor, 1),
    def("Array.isArray", is_array, 1),
    def("Array.prototype.push", push, 1),
    def("Array.prototype.pop", pop, 0),
    def("Array.prototype.join", join, 1),
    def("Array.prototype.toString", to_string, 0),
    def("Array.prototype.slice", slice, 2),
    def("Array.prototype.indexOf", index_of, 1),
    def("Array.prototype.forEach", for_each, 1),
    def("Array.prototype.map", map, 1),
    def("Array.prototype.values", values, 0),
    def("Array.prototype.keys", keys, 0),
    def("Array.prototype.entries", entries, 0),
    def("%ArrayIteratorPrototype%.next", iter_next, 0),
    def("%IteratorPrototype%[Symbol.iterator]", iter_self, 0),
    def("Array.from", from, 1),
    def("Array.of", of, 0),
    def("get Array[Symbol.species]", species_getter, 0),
    def("Array.prototype.at", at, 1),
    def("Array.prototype.concat", concat, 1),
    def("Array.prototype.copyWithin", copy_within, 2),
    def("Array.prototype.every", every, 1),
    def("Array.prototype.fill", fill, 1),
    def("Array.prototype.filter", filter, 1),
    def("Array.prototype.find", find, 1),
    def("Array.prototype.findIndex", find_index, 1),
    def("Array.prototype.findLast", find_last, 1),
    def("Array.prototype.findLastIndex", find_last_index, 1),
    def("Array.prototype.flat", flat, 0),
    def("Array.prototype.flatMap", flat_map, 1),
    def("Array.prototype.includes", includes, 1),
    def("Array.prototype.lastIndexOf", last_index_of, 1),
    def("Array.prototype.reduce", reduce, 1),
    def("Array.prototype.reduceRight", reduce_right, 1),
    def("Array.prototype.reverse", reverse, 0),
    def("Array.prototype.shift", shift, 0),
    def("Array.prototype.some", some, 1),
    def("Array.prototype.sort", sort::sort, 1),
    def("Array.prototype.splice", splice, 2),
    def("Array.prototype.toLocaleString", to_locale_string, 0),
    def("Array.prototype.unshift", unshift, 1),
    def("Array.prototype.toReversed", to_reversed, 0),
    def("Array.prototype.toSorted", sort::to_sorted, 1),
    def("Array.prototype.toSpliced", to_spliced, 2),
    def("Array.prototype.with", with, 2),
];

pub fn init(vm: &mut Vm) -> JsResult<()> {
    let op = vm.i(I::ObjectProto);
    let ap = vm.new_object_with(class::ARRAY, op, 1)?;
    vm.set_slot(ap, 0, Value::num(0.0));
    vm.set_intrinsic(I::ArrayProto, ap);
    let c = vm.def_ctor("Array", ap)?;
    vm.set_intrinsic(I::Array, c);
    vm.def_methods(c, &["Array.isArray", "Array.from", "Array.of"])?;
    vm.def_getter(c, "get Array[Symbol.species]", None)?;
    vm.def_methods(
        ap,
        &[
            "Array.prototype.at",
            "Array.prototype.concat",
            "Array.prototype.copyWithin",
            "Array.prototype.fill",
            "Array.prototype.find",
            "Array.prototype.findIndex",
            "Array.prototype.findLast",
            "Array.prototype.findLastIndex",
            "Array.prototype.lastIndexOf",
            "Array.prototype.pop",
            "Array.prototype.push",
            "Array.prototype.reverse",
            "Array.prototype.shift",
            "Array.prototype.unshift",
            "Array.prototype.slice",
            "Array.prototype.sort",
            "Array.prototype.splice",
            "Array.prototype.includes",
            "Array.prototype.indexOf",
            "Array.prototype.join",
            "Array.prototype.keys",
            "Array.prototype.entries",
        ],
    )?;
    let values = vm.def_method(ap, "Array.prototype.values")?;
    vm.set_intrinsic(I::ArrayProtoValues, values);
    vm.def_methods(
        ap,
        &[
            "Array.prototype.forEach",
            "Array.prototype.filter",
            "Array.prototype.flat",
            "Array.prototype.flatMap",
            "Array.prototype.map",
            "Array.prototype.every",
            "Array.prototype.some",
            "Array.prototype.reduce",
            "Array.prototype.reduceRight",
            "Array.prototype.toLocaleString",
            "Array.prototype.toString",
            "Array.prototype.toReversed",
            "Array.prototype.toSorted",
            "Array.prototype.toSpliced",
            "Array.prototype.with",
        ],
    )?;
    let ik = vm.i(I::SymIterator);
    vm.put(ap, PropKey::Key(ik), values, attr::WC)?;
    // Array.prototype[Symbol.unscopables]
    let un = vm.new_plain(Value::NULL)?;
    for name in [
        "at", "copyWithin", "entries", "fill", "find", "findIndex", "findLast", "findLastIndex", "flat", "flatMap", "includes", "keys",
        "toReversed", "toSorted", "toSpliced", "values",
    ] {
        vm.put_str(un, name, Value::TRUE, attr::WEC)?;
    }
    let uk = vm.i(I::SymUnscopables);
    vm.put(ap, PropKey::Key(uk), un, attr::C)?;
    // iterators
    let ip = vm.new_plain(op)?;
    vm.set_intrinsic(I::IteratorProto, ip);
    let f = vm.native_function("%IteratorPrototype%[Symbol.iterator]")?;
    vm.put(ip, PropKey::Key(ik), f, attr::WC)?;
    let aip = vm.new_plain(ip)?;
    vm.set_intrinsic(I::ArrayIteratorProto, aip);
    let next = vm.native_function("%ArrayIteratorPrototype%.next")?;
    let nk = vm.key_atom(A::next);
    vm.put(aip, nk, next, attr::WC)?;
    let tag = vm.str_from("Array Iterator")?;
    let tk = vm.i(I::SymToStringTag);
    vm.put(aip, PropKey::Key(tk), tag, attr::C)?;
    Ok(())
}

// ----- generic property helpers --------------------------------------------------------------

/// The property key of integer index `k` (0 <= k < 2^53).
#[inline]
fn ikey(vm: &mut Vm, k: f64) -> JsResult<PropKey> {
    if k < MAX_IDX {
        Ok(PropKey::Index(k as u32))
    } else {
        vm.to_property_key(Value::num(k))
    }
}

/// Get(O, k).
#[inline]
fn get_i(vm: &mut Vm, o: Value, k: f64) -> JsResult<Value> {
    if k < MAX_IDX {
        if let Some(v) = vm.elem_fast(o, k as u32) {
            return Ok(v);
        }
        return vm.get(o, PropKey::Index(k as u32), o);
    }
    let key = ikey(vm, k)?;
    vm.get(o, key, o)
}

/// HasProperty(O, k).
#[inline]
fn has_i(vm: &mut Vm, o: Value, k: f64) -> JsResult<bool> {
    if k < MAX_IDX && vm.elem_fast(o, k as u32).is_some() {
        return Ok(true);
    }
    let key = ikey(vm, k)?;
    vm.has_property(o, key)
}

fn chain_clean(vm: &Vm, p: Value) -> bool {
    vm.index_chain_clean(p)
}

#[inline]
fn plain_array(vm: &Vm, o: Value) -> bool {
    vm.is_plain_array(o)
}

/// Set(O, k, v, true).
#[inline]
fn set_i(vm: &mut Vm, o: Value, k: f64, v: Value) -> JsResult<()> {
    if k < MAX_IDX {
        let i = k as u32;
        if vm.elem_fast(o, i).is_some() {
            return vm.put(o, PropKey::Index(i), v, attr::WEC);
        }
        if vm.array_store_new(o, i, v)? {
            return Ok(());
        }
    }
    let key = ikey(vm, k)?;
    vm.put_value(o, key, v, true)
}

/// CreateDataPropertyOrThrow(A, k, v).
#[inline]
fn create_i(vm: &mut Vm, a: Value, k: f64, v: Value) -> JsResult<()> {
    if k < MAX_IDX && plain_array(vm, a) {
        let i = k as u32;
        vm.put(a, PropKey::Index(i), v, attr::WEC)?;
        if i >= vm.array_len(a) {
            vm.set_slot(a, 0, Value::num(i as f64 + 1.0));
        }
        return Ok(());
    }
    let key = ikey(vm, k)?;
    vm.create_data_property_or_throw(a, key, v)
}

/// DeletePropertyOrThrow(O, k).
fn del_i(vm: &mut Vm, o: Value, k: f64) -> JsResult<()> {
    let key = ikey(vm, k)?;
    if !vm.delete_property(o, key)? {
        let kn = vm.key_display(key);
        return Err(vm.throw_type(&format!("Cannot delete property '{kn}' of [object Array]")));
    }
    Ok(())
}

/// Set(O, "length", n, true).
fn set_len(vm: &mut Vm, o: Value, n: f64) -> JsResult<()> {
    if vm.is_array(o) && vm.flags(o) & (flag::INDEX_PROPS | flag::LENGTH_RO) == 0 && n == vm.array_len(o) as f64 {
        return Ok(());
    }
    let lk = vm.key_atom(A::length);
    vm.put_value(o, lk, Value::num(n), true)
}

/// A canonical integer-index string key as a number.
fn key_index(vm: &Vm, k: PropKey) -> Option<f64> {
    match k {
        PropKey::Index(i) => Some(i as f64),
        PropKey::Key(v) if v.is_str() => {
            let u = vm.units(v);
            if u.is_empty() || u.len() > 16 || (u.len() > 1 && u[0] == b'0' as u16) || !u.iter().all(|&c| (b'0' as u16..=b'9' as u16).contains(&c)) {
                return None;
            }
            let mut n = 0.0f64;
            for &c in u {
                n = n * 10.0 + (c - b'0' as u16) as f64;
            }
            (n <= MAX_SAFE).then_some(n)
        }
        _ => None,
    }
}

/// The nearest integer key at or after `k` (at or before, when `down`) that `o` or a prototype
/// has as an own property (`k` itself when a proxy is on the chain: its keys are not skipped).
fn nearest_key(vm: &mut Vm, o: Value, k: f64, down: bool) -> Option<f64> {
    let mut best: Option<f64> = None;
    let mut cur = o;
    while cur.is_obj() {
        if vm.is_proxy(cur) {
            return Some(k);
        }
        for key in vm.own_keys(cur) {
            if let Some(n) = key_index(vm, key) {
                let better = if down { n <= k && best.is_none_or(|b| n > b) } else { n >= k && best.is_none_or(|b| n < b) };
                if better {
                    best = Some(n);
                }
            }
        }
        cur = vm.proto_of(cur);
    }
    best
}

/// How many absent indices in a row are probed one by one before jumping to the next key.
const PROBE: u32 = 32;

/// The first index in `[k, end)` with HasProperty(O, index), if any.
fn next_present(vm: &mut Vm, o: Value, mut k: f64, end: f64) -> JsResult<Option<f64>> {
    let mut misses = 0;
    while k < end {
        if has_i(vm, o, k)? {
            return Ok(Some(k));
        }
        k += 1.0;
        misses += 1;
        if misses >= PROBE && end - k > 1024.0 {
            match nearest_key(vm, o, k, false) {
                Some(n) if n < end => {
                    k = n;
                    misses = 0;
                }
                _ => return Ok(None),
            }
        }
    }
    Ok(None)
}

/// The last index in `[0, k]` with HasProperty(O, index), if any (`k` may be -1).
fn prev_present(vm: &mut Vm, o: Value, mut k: f64) -> JsResult<Option<f64>> {
    let mut misses = 0;
    while k >= 0.0 {
        if has_i(vm, o, k)? {
            return Ok(Some(k));
        }
        k -= 1.0;
        misses += 1;
        if misses >= PROBE && k > 1024.0 {
            match nearest_key(vm, o, k, true) {
                Some(n) => {
                    k = n;
                    misses = 0;
                }
                None => return Ok(None),
            }
        }
    }
    Ok(None)
}

/// ToObject(this), rooted on the stack.
fn this_obj(vm: &mut Vm, a: &Args) -> JsResult<Value> {
    let o = vm.to_object(a.this(vm))?;
    vm.stack.push(o);
    Ok(o)
}

/// `v`, or a TypeError unless it is callable.
fn require_callable(vm: &mut Vm, f: Value) -> JsResult<Value> {
    if !vm.is_callable(f) {
        vm.stack.push(f);
        let s = crate::display::inspect(vm, f)?;
        return Err(vm.throw_type(&format!("{s} is not a function")));
    }
    Ok(f)
}

/// A relative index argument resolved against `len` (for start/end style arguments).
fn rel_index(vm: &mut Vm, v: Value, len: f64, default: f64) -> JsResult<f64> {
    if v.is_undefined() {
        return Ok(default);
    }
    let r = vm.to_integer(v)?;
    Ok(if r < 0.0 { (len + r).max(0.0) } else { r.min(len) })
}

/// ArrayCreate(len) with %Array.prototype%.
fn array_create(vm: &mut Vm, len: f64) -> JsResult<Value> {
    if len > MAX_IDX {
        return Err(vm.throw_range("Invalid array length"));
    }
    let arr = vm.new_array(&[])?;
    vm.set_slot(arr, 0, Value::num(len));
    Ok(arr)
}

/// The constructor ArraySpeciesCreate(O, len) would call: None for the default ArrayCreate.
fn species_ctor(vm: &mut Vm, o: Value) -> JsResult<Option<Value>> {
    if !vm.is_array_op(o)? {
        return Ok(None);
    }
    let ck = vm.key_atom(A::constructor);
    let mut c = vm.get(o, ck, o)?;
    if c.is_obj() {
        let sk = vm.i(I::SymSpecies);
        c = vm.get(c, PropKey::Key(sk), c)?;
        if c.is_null() {
            c = Value::UNDEFINED;
        }
    }
    if c.is_undefined() || c == vm.i(I::Array) {
        return Ok(None);
    }
    if !vm.is_constructor(c) {
        return Err(vm.throw_type("object.constructor[Symbol.species] is not a constructor"));
    }
    Ok(Some(c))
}

/// ArraySpeciesCreate(O, len).
fn species_create(vm: &mut Vm, o: Value, len: f64) -> JsResult<Value> {
    match species_ctor(vm, o)? {
        None => array_create(vm, len),
        Some(c) => vm.construct(c, &[Value::num(len)], c),
    }
}

// ----- dense bulk access ----------------------------------------------------------------------

/// The elements `start..end` of `o` when every one sits in its dense vector (so each is an own
/// data property and reading them runs no code).
fn dense_range(vm: &Vm, o: Value, start: f64, end: f64) -> Option<Vec<Value>> {
    if !(start <= end && end < MAX_IDX) {
        return None;
    }
    let (s, e) = (start as usize, end as usize);
    if s == e {
        return Some(Vec::new());
    }
    let el = vm.word(o.off(), ELEMS);
    if !el.is_cell() || vm.cell_len(el.off()) < e {
        return None;
    }
    let words: &[u64] = vm.heap.slice(ken::PPtr::from_offset(el.off() + 8 + 8 * s as u64), e - s);
    if words.contains(&Value::EMPTY.0) {
        return None;
    }
    Some(words.iter().map(|&w| Value(w)).collect())
}

/// A fresh dense vector cell holding `vals`, with room for `cap` elements.
fn new_elems(vm: &mut Vm, vals: &[Value], cap: usize) -> JsResult<Value> {
    let cap = cap.max(vals.len()).max(4);
    let off = vm.alloc_cell(8 + 8 * cap as u64, header(kind::ELEMS, 0, 0, cap as u32))?;
    let words = vm.heap.slice_mut(ken::PPtr::<u64>::from_offset(off + 8), cap);
    for (i, d) in words.iter_mut().enumerate() {
        *d = if i < vals.len() { vals[i].0 } else { Value::EMPTY.0 };
    }
    Ok(Value::cell(off))
}

/// A new array with %Array.prototype% holding `vals` densely.
fn dense_array(vm: &mut Vm, vals: &[Value]) -> JsResult<Value> {
    let arr = vm.new_array(&[])?;
    if !vals.is_empty() {
        let e = new_elems(vm, vals, vals.len())?;
        vm.set_word(arr.off(), ELEMS, e);
        vm.set_slot(arr, 0, Value::num(vals.len() as f64));
    }
    Ok(arr)
}

/// Replaces all elements of the plain array `o` (see `plain_array`, every index property
/// dense) by `vals`, and sets its length to `vals.len()`.
fn replace_dense(vm: &mut Vm, o: Value, vals: &[Value]) -> JsResult<()> {
    debug_assert!(plain_array(vm, o));
    let el = vm.word(o.off(), ELEMS);
    let cap = if el.is_cell() { vm.cell_len(el.off()) } else { 0 };
    if cap == 0 && vals.is_empty() {
        // nothing stored, nothing to store
    } else if vals.len() <= cap {
        let words = vm.heap.slice_mut(ken::PPtr::<u64>::from_offset(el.off() + 8), cap);
        for (i, d) in words.iter_mut().enumerate() {
            *d = if i < vals.len() { vals[i].0 } else { Value::EMPTY.0 };
        }
    } else {
        let e = new_elems(vm, vals, vals.len() + vals.len() / 2)?;
        vm.set_word(o.off(), ELEMS, e);
    }
    vm.set_slot(o, 0, Value::num(vals.len() as f64));
    Ok(())
}

/// An abrupt completion inside iteration: closes the iterator (errors from closing are
/// ignored) and rethrows the original.
fn close_after(vm: &mut Vm, iter: Value, t: Throw) -> Throw {
    if !matches!(t, Throw::Exception) {
        return t;
    }
    let saved = vm.exception;
    vm.stack.push(saved);
    let _ = vm.iterator_close(iter);
    vm.stack.pop();
    vm.exception = saved;
    t
}

// ----- the constructor ------------------------------------------------------------------------

fn array_ctor(vm: &mut Vm, a: &Args) -> JsResult<Value> {
    let nt = if a.is_construct() { a.new_target } else { a.callee(vm) };
    let proto = vm.proto_from_ctor(nt, I::ArrayProto)?;
    vm.stack.push(proto);
    let arr = if a.argc == 1 && a.get(vm, 0).is_num() {
        let n = a.get(vm, 0).as_num();
        if n < 0.0 || n != (n as u32) as f64 {
            return Err(vm.throw_range("Invalid array length"));
        }
        array_create(vm, n)?
    } else {
        let items = a.all(vm);
        vm.new_array(&items)?
    };
    vm.set_proto_raw(arr, proto);
    Ok(arr)
}

fn is_array(vm: &mut Vm, a: &Args) -> JsResult<Value> {
    Ok(Value::bool(vm.is_array_op(a.get(vm, 0))?))
}

fn species_getter(vm: &mut Vm, a: &Args) -> JsResult<Value> {
    Ok(a.this(vm))
}

fn from(vm: &mut Vm, a: &Args) -> JsResult<Value> {
    let c = a.this(vm);
    let items = a.get(vm, 0);
    let mapfn = a.get(vm, 1);
    let this_arg = a.get(vm, 2);
    let mapping = !mapfn.is_undefined();
    if mapping {
        require_callable(vm, mapfn)?;
    }
    let ik = vm.i(I::SymIterator);
    let using = vm.get_method(items, PropKey::Key(ik))?;
    if let Some(m) = using {
        vm.stack.push(m);
        // fast path: a plain array into a plain array
        if !mapping && c == vm.i(I::Array) && m == vm.i(I::ArrayProtoValues) && vm.is_array(items) {
            let vals = vm.iterate_to_vec(items)?;
            return vm.new_array(&vals);
        }
        let arr = if vm.is_constructor(c) { vm.construct(c, &[], c)? } else { array_create(vm, 0.0)? };
        vm.stack.push(arr);
        let iter = vm.call(m, items, &[])?;
        if !iter.is_obj() {
            return Err(vm.throw_type("Result of the Symbol.iterator method is not an object"));
        }
        vm.stack.push(iter);
        let nk = vm.key_atom(A::next);
        let next = vm.get(iter, nk, iter)?;
        vm.stack.push(next);
        let base = vm.stack.len();
        let mut k = 0.0;
        loop {
            let Some(v) = vm.iterator_step(iter, next)? else {
                set_len(vm, arr, k)?;
                return Ok(arr);
            };
            vm.stack.push(v);
            let v = if mapping {
                match vm.call(mapfn, this_arg, &[v, Value::num(k)]) {
                    Ok(r) => r,
                    Err(t) => return Err(close_after(vm, iter, t)),
                }
            } else {
                v
            };
            vm.stack.push(v);
            if let Err(t) = create_i(vm, arr, k, v) {
                return Err(close_after(vm, iter, t));
            }
            vm.stack.truncate(base);
            k += 1.0;
        }
    }
    let src = vm.to_object(items)?;
    vm.stack.push(src);
    let len = vm.length_of(src)?;
    let arr = if vm.is_constructor(c) { vm.construct(c, &[Value::num(len)], c)? } else { array_create(vm, len)? };
    vm.stack.push(arr);
    let base = vm.stack.len();
    let mut k = 0.0;
    while k < len {
        let v = get_i(vm, src, k)?;
        let v = if mapping {
            vm.stack.push(v);
            vm.call(mapfn, this_arg, &[v, Value::num(k)])?
        } else {
            v
        };
        vm.stack.push(v);
        create_i(vm, arr, k, v)?;
        vm.stack.truncate(base);
        k += 1.0;
    }
    set_len(vm, arr, len)?;
    Ok(arr)
}

fn of(vm: &mut Vm, a: &Args) -> JsResult<Value> {
    let c = a.this(vm);
    let len = a.argc as f64;
    let arr = if vm.is_constructor(c) { vm.construct(c, &[Value::num(len)], c)? } else { array_create(vm, len)? };
    vm.stack.push(arr);
    for i in 0..a.argc {
        let v = a.get(vm, i);
        create_i(vm, arr, i as f64, v)?;
    }
    set_len(vm, arr, len)?;
    Ok(arr)
}

// ----- mutators -------------------------------------------------------------------------------

fn push(vm: &mut Vm, a: &Args) -> JsResult<Value> {
    let this = a.this(vm);
    // fast path: appending to a plain dense array
    if plain_array(vm, this) && chain_clean(vm, vm.proto_of(this)) {
        let len = vm.array_len(this) as usize;
        if len + a.argc < MAX_IDX as usize {
            for i in 0..a.argc {
                let v = a.get(vm, i);
                vm.put(this, PropKey::Index((len + i) as u32), v, attr::WEC)?;
            }
            let n = (len + a.argc) as f64;
            vm.set_slot(this, 0, Value::num(n));
            return Ok(Value::num(n));
        }
    }
    let o = this_obj(vm, a)?;
    let mut n = vm.length_of(o)?;
    if n + a.argc as f64 > MAX_SAFE {
        return Err(vm.throw_type("Pushing elements past 2^53-1 length"));
    }
    for i in 0..a.argc {
        let v = a.get(vm, i);
        set_i(vm, o, n, v)?;
        n += 1.0;
    }
    let lk = vm.key_atom(A::length);
    vm.put_value(o, lk, Value::num(n), true)?;
    Ok(Value::num(n))
}

fn pop(vm: &mut Vm, a: &Args) -> JsResult<Value> {
    let this = a.this(vm);
    if plain_array(vm, this) {
        let len = vm.array_len(this);
        if len > 0 {
            if let Some(v) = vm.elem_fast(this, len - 1) {
                vm.delete_own(this, PropKey::Index(len - 1));
                vm.set_slot(this, 0, Value::num((len - 1) as f64));
                return Ok(v);
            }
        }
    }
    let o = this_obj(vm, a)?;
    let n = vm.length_of(o)?;
    let lk = vm.key_atom(A::length);
    if n == 0.0 {
        vm.put_value(o, lk, Value::num(0.0), true)?;
        return Ok(Value::UNDEFINED);
    }
    let v = get_i(vm, o, n - 1.0)?;
    vm.stack.push(v);
    del_i(vm, o, n - 1.0)?;
    vm.put_value(o, lk, Value::num(n - 1.0), true)?;
    Ok(v)
}

/// Whether elements 0..len of `o` are all present in its dense vector (and nothing else is
/// index-keyed), so they can be moved around as raw words.
fn dense_full(vm: &Vm, o: Value, len: f64) -> bool {
    if !plain_array(vm, o) || len >= MAX_IDX {
        return false;
    }
    let e = vm.word(o.off(), ELEMS);
    if !e.is_cell() {
        return len == 0.0;
    }
    let len = len as usize;
    if vm.cell_len(e.off()) < len {
        return false;
    }
    (0..len).all(|i| vm.word(e.off(), 1 + i) != Value::EMPTY)
}

fn shift(vm: &mut Vm, a: &Args) -> JsResult<Value> {
    let o = this_obj(vm, a)?;
    let len = vm.length_of(o)?;
    if len == 0.0 {
        set_len(vm, o, 0.0)?;
        return Ok(Value::UNDEFINED);
    }
    if dense_full(vm, o, len) {
        let e = vm.word(o.off(), ELEMS).off();
        let n = len as usize;
        let first = vm.word(e, 1);
        for i in 1..n {
            let v = vm.word(e, 1 + i);
            vm.set_word(e, i, v);
        }
        vm.set_word(e, n, Value::EMPTY);
        vm.set_slot(o, 0, Value::num(len - 1.0));
        return Ok(first);
    }
    let first = get_i(vm, o, 0.0)?;
    vm.stack.push(first);
    move_range(vm, o, 1.0, 0.0, len - 1.0)?;
    del_i(vm, o, len - 1.0)?;
    set_len(vm, o, len - 1.0)?;
    Ok(first)
}

/// Moves `count` elements from `from..` to `to..` (holes become deletions), in the order the
/// spec's loops use: ascending when moving down, descending when moving up.
fn move_range(vm: &mut Vm, o: Value, from: f64, to: f64, count: f64) -> JsResult<()> {
    move_dir(vm, o, from, to, count, to < from)
}

fn move_dir(vm: &mut Vm, o: Value, from: f64, to: f64, count: f64, ascending: bool) -> JsResult<()> {
    let base = vm.stack.len();
    if ascending {
        let mut k = 0.0;
        while k < count {
            let f = from + k;
            let t = to + k;
            if has_i(vm, o, f)? {
                let v = get_i(vm, o, f)?;
                vm.stack.push(v);
                set_i(vm, o, t, v)?;
                vm.stack.truncate(base);
            } else {
                del_i(vm, o, t)?;
            }
            k += 1.0;
        }
    } else {
        let mut k = count;
        while k > 0.0 {
            let f = from + k - 1.0;
            let t = to + k - 1.0;
            if has_i(vm, o, f)? {
                let v = get_i(vm, o, f)?;
                vm.stack.push(v);
                set_i(vm, o, t, v)?;
                vm.stack.truncate(base);
            } else {
                del_i(vm, o, t)?;
            }
            k -= 1.0;
        }
    }
    Ok(())
}

fn unshift(vm: &mut Vm, a: &Args) -> JsResult<Value> {
    let o = this_obj(vm, a)?;
    let len = vm.length_of(o)?;
    let argc = a.argc as f64;
    if a.argc > 0 {
        if len + argc > MAX_SAFE {
            return Err(vm.throw_type("Unshift past 2^53-1 length"));
        }
        if dense_full(vm, o, len) && chain_clean(vm, vm.proto_of(o)) && len + argc < MAX_IDX {
            // every write is a plain data write
            let mut vals: Vec<Value> = a.all(vm);
            vals.extend(dense_range(vm, o, 0.0, len).unwrap_or_default());
            replace_dense(vm, o, &vals)?;
            vm.set_slot(o, 0, Value::num(len + argc));
            return Ok(Value::num(len + argc));
        }
        move_range(vm, o, 0.0, argc, len)?;
        for j in 0..a.argc {
            let v = a.get(vm, j);
            set_i(vm, o, j as f64, v)?;
        }
    }
    let lk = vm.key_atom(A::length);
    vm.put_value(o, lk, Value::num(len + argc), true)?;
    Ok(Value::num(len + argc))
}

/// The arguments of `splice` and `toSpliced`: (this object, its length, the start, how many
/// items are inserted, how many removed).
fn splice_args(vm: &mut Vm, a: &Args) -> JsResult<(Value, f64, f64, usize, f64)> {
    let o = this_obj(vm, a)?;
    let len = vm.length_of(o)?;
    let start = rel_index(vm, a.get(vm, 0), len, 0.0)?;
    let insert = a.argc.saturating_sub(2);
    let remove = if a.argc == 0 {
        0.0
    } else if a.argc == 1 {
        len - start
    } else {
        let dc = vm.to_integer(a.get(vm, 1))?;
        dc.max(0.0).min(len - start)
    };
    Ok((o, len, start, insert, remove))
}

fn splice(vm: &mut Vm, a: &Args) -> JsResult<Value> {
    let (o, len, start, item_count, del_count) = splice_args(vm, a)?;
    let ic = item_count as f64;
    if len + ic - del_count > MAX_SAFE {
        return Err(vm.throw_type("Splice past 2^53-1 length"));
    }
    let ctor = species_ctor(vm, o)?;
    if ctor.is_none() && dense_full(vm, o, len) && chain_clean(vm, vm.proto_of(o)) && len + ic - del_count < MAX_IDX {
        // every step is a plain data write: build the result in one go
        let all = dense_range(vm, o, 0.0, len).unwrap_or_default();
        let (s0, d) = (start as usize, del_count as usize);
        let removed = dense_array(vm, &all[s0..s0 + d])?;
        vm.stack.push(removed);
        let mut vals = Vec::with_capacity(all.len() - d + item_count);
        vals.extend_from_slice(&all[..s0]);
        vals.extend((0..item_count).map(|j| a.get(vm, 2 + j)));
        vals.extend_from_slice(&all[s0 + d..]);
        replace_dense(vm, o, &vals)?;
        return Ok(removed);
    }
    let out = match ctor {
        None => array_create(vm, del_count)?,
        Some(c) => vm.construct(c, &[Value::num(del_count)], c)?,
    };
    vm.stack.push(out);
    let base = vm.stack.len();
    let mut k = 0.0;
    while let Some(i) = next_present(vm, o, start + k, start + del_count)? {
        k = i - start;
        let v = get_i(vm, o, i)?;
        vm.stack.push(v);
        create_i(vm, out, k, v)?;
        vm.stack.truncate(base);
        k += 1.0;
    }
    set_len_throw(vm, out, del_count)?;
    if ic < del_count {
        move_range(vm, o, start + del_count, start + ic, len - del_count - start)?;
        let mut k = len;
        while k > len - del_count + ic {
            del_i(vm, o, k - 1.0)?;
            k -= 1.0;
        }
    } else if ic > del_count {
        move_range(vm, o, start + del_count, start + ic, len - del_count - start)?;
    }
    for j in 0..item_count {
        let v = a.get(vm, 2 + j);
        set_i(vm, o, start + j as f64, v)?;
    }
    let lk = vm.key_atom(A::length);
    vm.put_value(o, lk, Value::num(len - del_count + ic), true)?;
    Ok(out)
}

/// Set(A, "length", n, true), always performed.
fn set_len_throw(vm: &mut Vm, o: Value, n: f64) -> JsResult<()> {
    let lk = vm.key_atom(A::length);
    vm.put_value(o, lk, Value::num(n), true)
}

fn reverse(vm: &mut Vm, a: &Args) -> JsResult<Value> {
    let o = this_obj(vm, a)?;
    let len = vm.length_of(o)?;
    if dense_full(vm, o, len) {
        let e = vm.word(o.off(), ELEMS).off();
        let n = len as usize;
        for i in 0..n / 2 {
            let x = vm.word(e, 1 + i);
            let y = vm.word(e, n - i);
            vm.set_word(e, 1 + i, y);
            vm.set_word(e, n - i, x);
        }
        return Ok(o);
    }
    let middle = (len / 2.0).floor();
    let base = vm.stack.len();
    let mut lower = 0.0;
    while lower != middle {
        let upper = len - lower - 1.0;
        let lower_exists = has_i(vm, o, lower)?;
        let lower_v = if lower_exists { get_i(vm, o, lower)? } else { Value::UNDEFINED };
        vm.stack.push(lower_v);
        let upper_exists = has_i(vm, o, upper)?;
        let upper_v = if upper_exists { get_i(vm, o, upper)? } else { Value::UNDEFINED };
        vm.stack.push(upper_v);
        match (lower_exists, upper_exists) {
            (true, true) => {
                set_i(vm, o, lower, upper_v)?;
                set_i(vm, o, upper, lower_v)?;
            }
            (false, true) => {
                set_i(vm, o, lower, upper_v)?;
                del_i(vm, o, upper)?;
            }
            (true, false) => {
                del_i(vm, o, lower)?;
                set_i(vm, o, upper, lower_v)?;
            }
            (false, false) => {
                // skip a run of holes on both sides at once
                if len > 1048576.0 {
                    let nl = nearest_key(vm, o, lower + 1.0, false).unwrap_or(f64::INFINITY);
                    let nu = nearest_key(vm, o, upper - 1.0, true).map(|u| len - u - 1.0).unwrap_or(f64::INFINITY);
                    let next = nl.min(nu).min(middle);
                    if next > lower + 1.0 {
                        lower = next;
                        vm.stack.truncate(base);
                        continue;
                    }
                }
            }
        }
        vm.stack.truncate(base);
        lower += 1.0;
    }
    Ok(o)
}

fn copy_within(vm: &mut Vm, a: &Args) -> JsResult<Value> {
    let o = this_obj(vm, a)?;
    let len = vm.length_of(o)?;
    let to = rel_index(vm, a.get(vm, 0), len, 0.0)?;
    let from = rel_index(vm, a.get(vm, 1), len, 0.0)?;
    let fin = rel_index(vm, a.get(vm, 2), len, len)?;
    let count = (fin - from).min(len - to);
    if count > 0.0 {
        move_dir(vm, o, from, to, count, !(from < to && to < from + count))?;
    }
    Ok(o)
}

fn fill(vm: &mut Vm, a: &Args) -> JsResult<Value> {
    let o = this_obj(vm, a)?;
    let len = vm.length_of(o)?;
    let v = a.get(vm, 0);
    let mut k = rel_index(vm, a.get(vm, 1), len, 0.0)?;
    let fin = rel_index(vm, a.get(vm, 2), len, len)?;
    while k < fin {
        set_i(vm, o, k, v)?;
        k += 1.0;
    }
    Ok(o)
}

// ----- accessors ------------------------------------------------------------------------------

fn at(vm: &mut Vm, a: &Args) -> JsResult<Value> {
    let o = this_obj(vm, a)?;
    let len = vm.length_of(o)?;
    let rel = vm.to_integer(a.get(vm, 0))?;
    let k = if rel >= 0.0 { rel } else { len + rel };
    if k < 0.0 || k >= len {
        return Ok(Value::UNDEFINED);
    }
    get_i(vm, o, k)
}

/// IsConcatSpreadable.
fn spreadable(vm: &mut Vm, v: Value) -> JsResult<bool> {
    if !v.is_obj() {
        return Ok(false);
    }
    let sk = vm.i(I::SymIsConcatSpreadable);
    let s = vm.get(v, PropKey::Key(sk), v)?;
    if !s.is_undefined() {
        return Ok(vm.to_boolean(s));
    }
    vm.is_array_op(v)
}

fn concat(vm: &mut Vm, a: &Args) -> JsResult<Value> {
    let o = this_obj(vm, a)?;
    let ctor = species_ctor(vm, o)?;
    // with the default constructor, dense parts are gathered (rooted) and the result made at
    // the end, or as soon as a part needs the generic path
    let mut acc: Option<Vec<Value>> = if ctor.is_none() { Some(Vec::new()) } else { None };
    let mut out = Value::UNDEFINED;
    if let Some(c) = ctor {
        out = vm.construct(c, &[Value::num(0.0)], c)?;
        vm.stack.push(out);
    }
    let mut n = 0.0;
    for idx in 0..=a.argc {
        let e = if idx == 0 { o } else { a.get(vm, idx - 1) };
        let spread = spreadable(vm, e)?;
        if let Some(vals) = acc.as_mut() {
            if !spread {
                vm.stack.push(e);
                vals.push(e);
                n += 1.0;
                continue;
            }
            if vm.is_array(e) {
                let len = vm.array_len(e) as f64;
                if let Some(part) = dense_range(vm, e, 0.0, len) {
                    vm.stack.extend_from_slice(&part);
                    vals.extend_from_slice(&part);
                    n += len;
                    continue;
                }
            }
            out = dense_array(vm, vals)?;
            vm.stack.push(out);
            acc = None;
        }
        if spread {
            let len = vm.length_of(e)?;
            if n + len > MAX_SAFE {
                return Err(vm.throw_type("Concatenating past 2^53-1 length"));
            }
            let base = vm.stack.len();
            let mut k = 0.0;
            while let Some(i) = next_present(vm, e, k, len)? {
                let v = get_i(vm, e, i)?;
                vm.stack.push(v);
                create_i(vm, out, n + i, v)?;
                vm.stack.truncate(base);
                k = i + 1.0;
            }
            n += len;
        } else {
            if n >= MAX_SAFE {
                return Err(vm.throw_type("Concatenating past 2^53-1 length"));
            }
            create_i(vm, out, n, e)?;
            n += 1.0;
        }
    }
    if let Some(vals) = acc {
        return dense_array(vm, &vals);
    }
    set_len_throw(vm, out, n)?;
    Ok(out)
}

fn slice(vm: &mut Vm, a: &Args) -> JsResult<Value> {
    let o = this_obj(vm, a)?;
    let len = vm.length_of(o)?;
    let start = rel_index(vm, a.get(vm, 0), len, 0.0)?;
    let end = rel_index(vm, a.get(vm, 1), len, len)?;
    let count = (end - start).max(0.0);
    let ctor = species_ctor(vm, o)?;
    if ctor.is_none() {
        if let Some(vals) = dense_range(vm, o, start, end.max(start)) {
            return dense_array(vm, &vals);
        }
    }
    let out = match ctor {
        None => array_create(vm, count)?,
        Some(c) => vm.construct(c, &[Value::num(count)], c)?,
    };
    vm.stack.push(out);
    let base = vm.stack.len();
    let mut k = start;
    while let Some(i) = next_present(vm, o, k, end)? {
        let v = get_i(vm, o, i)?;
        vm.stack.push(v);
        create_i(vm, out, i - start, v)?;
        vm.stack.truncate(base);
        k = i + 1.0;
    }
    set_len_throw(vm, out, count)?;
    Ok(out)
}

fn join_impl(vm: &mut Vm, o: Value, len: f64, sep: &[u16], locale: bool) -> JsResult<Value> {
    let mut out: Vec<u16> = Vec::new();
    let mut i = 0.0;
    while i < len {
        if i > 0.0 {
            out.extend_from_slice(sep);
            if out.len() > (1 << 29) {
                return Err(vm.throw_range("Invalid string length"));
            }
        }
        let v = get_i(vm, o, i)?;
        if !v.is_nullish() {
            let s = if locale {
                vm.stack.push(v);
                let k = vm.key_from_str("toLocaleString")?;
                let f = vm.get_v(v, k)?;
                if !vm.is_callable(f) {
                    return Err(vm.throw_type("toLocaleString is not a function"));
                }
                let r = vm.call(f, v, &[])?;
                vm.stack.pop();
                vm.to_string(r)?
            } else if v.is_str() {
                v
            } else if v.is_num() {
                let n = v.as_num();
                if n.fract() == 0.0 && n.abs() < 1e15 {
                    out.extend((n as i64).to_string().bytes().map(|b| b as u16));
                } else {
                    out.extend(super::numconv::number_to_string(n).bytes().map(|b| b as u16));
                }
                i += 1.0;
                continue;
            } else {
                vm.to_string(v)?
            };
            out.extend_from_slice(vm.units(s));
        }
        i += 1.0;
    }
    vm.new_string(&out)
}

fn join(vm: &mut Vm, a: &Args) -> JsResult<Value> {
    let o = this_obj(vm, a)?;
    let len = vm.length_of(o)?;
    let sep = a.get(vm, 0);
    let sep: Vec<u16> = if sep.is_undefined() {
        vec![b',' as u16]
    } else {
        let s = vm.to_string(sep)?;
        vm.units(s).to_vec()
    };
    join_impl(vm, o, len, &sep, false)
}

fn to_locale_string(vm: &mut Vm, a: &Args) -> JsResult<Value> {
    let o = this_obj(vm, a)?;
    let len = vm.length_of(o)?;
    join_impl(vm, o, len, &[b',' as u16], true)
}

fn to_string(vm: &mut Vm, a: &Args) -> JsResult<Value> {
    let o = this_obj(vm, a)?;
    let jk = vm.key_atom(A::join);
    let f = vm.get(o, jk, o)?;
    if vm.is_callable(f) {
        return vm.call(f, o, &[]);
    }
    let f = vm.native_function("Object.prototype.toString")?;
    vm.call(f, o, &[])
}

// ----- searching ------------------------------------------------------------------------------

fn index_of(vm: &mut Vm, a: &Args) -> JsResult<Value> {
    let o = this_obj(vm, a)?;
    let len = vm.length_of(o)?;
    if len == 0.0 {
        return Ok(Value::num(-1.0));
    }
    let target = a.get(vm, 0);
    let n = vm.to_integer(a.get(vm, 1))?;
    if n == f64::INFINITY {
        return Ok(Value::num(-1.0));
    }
    let mut k = if n >= 0.0 { n } else { (len + n).max(0.0) };
    while let Some(i) = next_present(vm, o, k, len)? {
        let v = get_i(vm, o, i)?;
        if vm.strict_eq(v, target) {
            return Ok(Value::num(i));
        }
        k = i + 1.0;
    }
    Ok(Value::num(-1.0))
}

fn last_index_of(vm: &mut Vm, a: &Args) -> JsResult<Value> {
    let o = this_obj(vm, a)?;
    let len = vm.length_of(o)?;
    if len == 0.0 {
        return Ok(Value::num(-1.0));
    }
    let target = a.get(vm, 0);
    let n = if a.argc > 1 { vm.to_integer(a.get(vm, 1))? } else { len - 1.0 };
    if n == f64::NEG_INFINITY {
        return Ok(Value::num(-1.0));
    }
    let mut k = if n >= 0.0 { n.min(len - 1.0) } else { len + n };
    while let Some(i) = prev_present(vm, o, k)? {
        let v = get_i(vm, o, i)?;
        if vm.strict_eq(v, target) {
            return Ok(Value::num(i));
        }
        k = i - 1.0;
    }
    Ok(Value::num(-1.0))
}

fn includes(vm: &mut Vm, a: &Args) -> JsResult<Value> {
    let o = this_obj(vm, a)?;
    let len = vm.length_of(o)?;
    if len == 0.0 {
        return Ok(Value::FALSE);
    }
    let target = a.get(vm, 0);
    let n = vm.to_integer(a.get(vm, 1))?;
    if n == f64::INFINITY {
        return Ok(Value::FALSE);
    }
    let mut k = if n >= 0.0 { n } else { (len + n).max(0.0) };
    let mut misses = 0;
    while k < len {
        let v = get_i(vm, o, k)?;
        if vm.same_value_zero(v, target) {
            return Ok(Value::TRUE);
        }
        k += 1.0;
        // a long absent stretch reads as undefined throughout: jump over it unless looking
        // for undefined
        if v.is_undefined() && !target.is_undefined() {
            misses += 1;
            if misses >= PROBE && len - k > 1024.0 && !has_i(vm, o, k)? {
                k = nearest_key(vm, o, k, false).unwrap_or(len);
                misses = 0;
            }
        } else {
            misses = 0;
        }
    }
    Ok(Value::FALSE)
}

/// find, findIndex, findLast, findLastIndex.
fn find_impl(vm: &mut Vm, a: &Args, last: bool, want_index: bool) -> JsResult<Value> {
    let o = this_obj(vm, a)?;
    let len = vm.length_of(o)?;
    let f = require_callable(vm, a.get(vm, 0))?;
    let this_arg = a.get(vm, 1);
    let base = vm.stack.len();
    let mut i = 0.0;
    while i < len {
        let k = if last { len - 1.0 - i } else { i };
        let v = get_i(vm, o, k)?;
        vm.stack.push(v);
        let r = vm.call(f, this_arg, &[v, Value::num(k), o])?;
        if vm.to_boolean(r) {
            return Ok(if want_index { Value::num(k) } else { v });
        }
        vm.stack.truncate(base);
        i += 1.0;
    }
    Ok(if want_index { Value::num(-1.0) } else { Value::UNDEFINED })
}

fn find(vm: &mut Vm, a: &Args) -> JsResult<Value> {
    find_impl(vm, a, false, false)
}
fn find_index(vm: &mut Vm, a: &Args) -> JsResult<Value> {
    find_impl(vm, a, false, true)
}
fn find_last(vm: &mut Vm, a: &Args) -> JsResult<Value> {
    find_impl(vm, a, true, false)
}
fn find_last_index(vm: &mut Vm, a: &Args) -> JsResult<Value> {
    find_impl(vm, a, true, true)
}

// ----- iteration with callbacks ---------------------------------------------------------------

#[derive(Clone, Copy, PartialEq, Eq)]
enum Each {
    ForEach,
    Every,
    Some,
}

fn each_impl(vm: &mut Vm, a: &Args, mode: Each) -> JsResult<Value> {
    let o = this_obj(vm, a)?;
    let len = vm.length_of(o)?;
    let f = require_callable(vm, a.get(vm, 0))?;
    let this_arg = a.get(vm, 1);
    let base = vm.stack.len();
    let mut k = 0.0;
    while let Some(i) = next_present(vm, o, k, len)? {
        let v = get_i(vm, o, i)?;
        vm.stack.push(v);
        let r = vm.call(f, this_arg, &[v, Value::num(i), o])?;
        match mode {
            Each::ForEach => {}
            Each::Every => {
                if !vm.to_boolean(r) {
                    return Ok(Value::FALSE);
                }
            }
            Each::Some => {
                if vm.to_boolean(r) {
                    return Ok(Value::TRUE);
                }
            }
        }
        vm.stack.truncate(base);
        k = i + 1.0;
    }
    Ok(match mode {
        Each::ForEach => Value::UNDEFINED,
        Each::Every => Value::TRUE,
        Each::Some => Value::FALSE,
    })
}

fn for_each(vm: &mut Vm, a: &Args) -> JsResult<Value> {
    each_impl(vm, a, Each::ForEach)
}
fn every(vm: &mut Vm, a: &Args) -> JsResult<Value> {
    each_impl(vm, a, Each::Every)
}
fn some(vm: &mut Vm, a: &Args) -> JsResult<Value> {
    each_impl(vm, a, Each::Some)
}

fn map(vm: &mut Vm, a: &Args) -> JsResult<Value> {
    let o = this_obj(vm, a)?;
    let len = vm.length_of(o)?;
    let f = require_callable(vm, a.get(vm, 0))?;
    let this_arg = a.get(vm, 1);
    let out = species_create(vm, o, len)?;
    vm.stack.push(out);
    let base = vm.stack.len();
    let mut k = 0.0;
    while let Some(i) = next_present(vm, o, k, len)? {
        let v = get_i(vm, o, i)?;
        vm.stack.push(v);
        let r = vm.call(f, this_arg, &[v, Value::num(i), o])?;
        vm.stack.push(r);
        create_i(vm, out, i, r)?;
        vm.stack.truncate(base);
        k = i + 1.0;
    }
    Ok(out)
}

fn filter(vm: &mut Vm, a: &Args) -> JsResult<Value> {
    let o = this_obj(vm, a)?;
    let len = vm.length_of(o)?;
    let f = require_callable(vm, a.get(vm, 0))?;
    let this_arg = a.get(vm, 1);
    let out = species_create(vm, o, 0.0)?;
    vm.stack.push(out);
    let base = vm.stack.len();
    let mut to = 0.0;
    let mut k = 0.0;
    while let Some(i) = next_present(vm, o, k, len)? {
        let v = get_i(vm, o, i)?;
        vm.stack.push(v);
        let r = vm.call(f, this_arg, &[v, Value::num(i), o])?;
        if vm.to_boolean(r) {
            create_i(vm, out, to, v)?;
            to += 1.0;
        }
        vm.stack.truncate(base);
        k = i + 1.0;
    }
    Ok(out)
}

fn reduce_impl(vm: &mut Vm, a: &Args, right: bool) -> JsResult<Value> {
    let o = this_obj(vm, a)?;
    let len = vm.length_of(o)?;
    let f = require_callable(vm, a.get(vm, 0))?;
    let base = vm.stack.len();
    // the next index to visit, in visiting order
    let step = |vm: &mut Vm, k: f64| -> JsResult<Option<f64>> {
        if right {
            prev_present(vm, o, k)
        } else {
            next_present(vm, o, k, len)
        }
    };
    let mut k = if right { len - 1.0 } else { 0.0 };
    let mut acc = if a.argc >= 2 {
        a.get(vm, 1)
    } else {
        match step(vm, k)? {
            Some(i) => {
                k = if right { i - 1.0 } else { i + 1.0 };
                get_i(vm, o, i)?
            }
            None => return Err(vm.throw_type("Reduce of empty array with no initial value")),
        }
    };
    vm.stack.push(acc);
    let base2 = vm.stack.len();
    while let Some(i) = step(vm, k)? {
        let v = get_i(vm, o, i)?;
        vm.stack.push(v);
        acc = vm.call(f, Value::UNDEFINED, &[acc, v, Value::num(i), o])?;
        vm.stack.truncate(base);
        vm.stack.push(acc);
        debug_assert_eq!(vm.stack.len(), base2);
        k = if right { i - 1.0 } else { i + 1.0 };
    }
    Ok(acc)
}

fn reduce(vm: &mut Vm, a: &Args) -> JsResult<Value> {
    reduce_impl(vm, a, false)
}
fn reduce_right(vm: &mut Vm, a: &Args) -> JsResult<Value> {
    reduce_impl(vm, a, true)
}

/// FlattenIntoArray; returns the next target index.
#[allow(clippy::too_many_arguments)]
fn flatten_into(vm: &mut Vm, target: Value, source: Value, source_len: f64, start: f64, depth: f64, mapper: Option<(Value, Value)>) -> JsResult<f64> {
    if vm.depth > vm.max_depth {
        return Err(vm.throw_range("Maximum call stack size exceeded"));
    }
    vm.depth += 1;
    let r = flatten_inner(vm, target, source, source_len, start, depth, mapper);
    vm.depth -= 1;
    r
}

fn flatten_inner(vm: &mut Vm, target: Value, source: Value, source_len: f64, start: f64, depth: f64, mapper: Option<(Value, Value)>) -> JsResult<f64> {
    let base = vm.stack.len();
    let mut t = start;
    let mut k = 0.0;
    while let Some(i) = next_present(vm, source, k, source_len)? {
        let mut el = get_i(vm, source, i)?;
        vm.stack.push(el);
        if let Some((f, this_arg)) = mapper {
            el = vm.call(f, this_arg, &[el, Value::num(i), source])?;
            vm.stack.push(el);
        }
        if depth > 0.0 && vm.is_array_op(el)? {
            let el_len = vm.length_of(el)?;
            t = flatten_into(vm, target, el, el_len, t, depth - 1.0, None)?;
        } else {
            if t >= MAX_SAFE {
                return Err(vm.throw_type("Flattening past 2^53-1 length"));
            }
            create_i(vm, target, t, el)?;
            t += 1.0;
        }
        vm.stack.truncate(base);
        k = i + 1.0;
    }
    Ok(t)
}

fn flat(vm: &mut Vm, a: &Args) -> JsResult<Value> {
    let o = this_obj(vm, a)?;
    let len = vm.length_of(o)?;
    let d = a.get(vm, 0);
    let depth = if d.is_undefined() { 1.0 } else { vm.to_integer(d)?.max(0.0) };
    let out = species_create(vm, o, 0.0)?;
    vm.stack.push(out);
    flatten_into(vm, out, o, len, 0.0, depth, None)?;
    Ok(out)
}

fn flat_map(vm: &mut Vm, a: &Args) -> JsResult<Value> {
    let o = this_obj(vm, a)?;
    let len = vm.length_of(o)?;
    let f = require_callable(vm, a.get(vm, 0))?;
    let this_arg = a.get(vm, 1);
    let out = species_create(vm, o, 0.0)?;
    vm.stack.push(out);
    flatten_into(vm, out, o, len, 0.0, 1.0, Some((f, this_arg)))?;
    Ok(out)
}

// ----- change array by copy -------------------------------------------------------------------

fn to_reversed(vm: &mut Vm, a: &Args) -> JsResult<Value> {
    let o = this_obj(vm, a)?;
    let len = vm.length_of(o)?;
    let out = array_create(vm, len)?;
    vm.stack.push(out);
    let base = vm.stack.len();
    let mut k = 0.0;
    while k < len {
        let v = get_i(vm, o, len - k - 1.0)?;
        vm.stack.push(v);
        create_i(vm, out, k, v)?;
        vm.stack.truncate(base);
        k += 1.0;
    }
    Ok(out)
}

fn to_spliced(vm: &mut Vm, a: &Args) -> JsResult<Value> {
    let (o, len, start, insert, skip) = splice_args(vm, a)?;
    let new_len = len + insert as f64 - skip;
    if new_len > MAX_SAFE {
        return Err(vm.throw_type("Splice past 2^53-1 length"));
    }
    let out = array_create(vm, new_len)?;
    vm.stack.push(out);
    let base = vm.stack.len();
    let mut i = 0.0;
    while i < start {
        let v = get_i(vm, o, i)?;
        vm.stack.push(v);
        create_i(vm, out, i, v)?;
        vm.stack.truncate(base);
        i += 1.0;
    }
    for j in 0..insert {
        let v = a.get(vm, 2 + j);
        create_i(vm, out, i, v)?;
        i += 1.0;
    }
    let mut r = start + skip;
    while i < new_len {
        let v = get_i(vm, o, r)?;
        vm.stack.push(v);
        create_i(vm, out, i, v)?;
        vm.stack.truncate(base);
        i += 1.0;
        r += 1.0;
    }
    Ok(out)
}

fn with(vm: &mut Vm, a: &Args) -> JsResult<Value> {
    let o = this_obj(vm, a)?;
    let len = vm.length_of(o)?;
    let rel = vm.to_integer(a.get(vm, 0))?;
    let idx = if rel >= 0.0 { rel } else { len + rel };
    if idx >= len || idx < 0.0 {
        return Err(vm.throw_range("Invalid index"));
    }
    let value = a.get(vm, 1);
    let out = array_create(vm, len)?;
    vm.stack.push(out);
    let base = vm.stack.len();
    let mut k = 0.0;
    while k < len {
        let v = if k == idx { value } else { get_i(vm, o, k)? };
        vm.stack.push(v);
        create_i(vm, out, k, v)?;
        vm.stack.truncate(base);
        k += 1.0;
    }
    Ok(out)
}

// ----- iterators ----------------------------------------------------------------------------

/// Iterator kinds in slot 2 of an array iterator (tagged so other iterators are told apart).
const ITER_TAG: u64 = 0x4152_0000;
pub const KIND_VALUES: u64 = 0;
pub const KIND_KEYS: u64 = 1;
pub const KIND_ENTRIES: u64 = 2;

pub fn new_array_iterator(vm: &mut Vm, target: Value, kind: u64) -> JsResult<Value> {
    let p = vm.i(I::ArrayIteratorProto);
    vm.stack.push(target);
    let it = vm.new_object_with(class::ITER, p, 3)?;
    vm.stack.pop();
    vm.set_slot(it, 0, target);
    vm.set_slot(it, 1, Value::num(0.0));
    vm.set_slot(it, 2, Value::int(ITER_TAG + kind));
    Ok(it)
}

fn make_iter(vm: &mut Vm, a: &Args, kind: u64) -> JsResult<Value> {
    let o = vm.to_object(a.this(vm))?;
    new_array_iterator(vm, o, kind)
}
fn values(vm: &mut Vm, a: &Args) -> JsResult<Value> {
    make_iter(vm, a, KIND_VALUES)
}
fn keys(vm: &mut Vm, a: &Args) -> JsResult<Value> {
    make_iter(vm, a, KIND_KEYS)
}
fn entries(vm: &mut Vm, a: &Args) -> JsResult<Value> {
    make_iter(vm, a, KIND_ENTRIES)
}

/// `{ value, done }`.
pub fn iter_result(vm: &mut Vm, value: Value, done: bool) -> JsResult<Value> {
    vm.stack.push(value);
    let o = vm.new_object()?;
    let vk = vm.key_atom(A::value);
    let dk = vm.key_atom(A::done);
    vm.put(o, vk, value, attr::WEC)?;
    vm.put(o, dk, Value::bool(done), attr::WEC)?;
    vm.stack.pop();
    Ok(o)
}

fn iter_next(vm: &mut Vm, a: &Args) -> JsResult<Value> {
    let it = a.this(vm);
    match array_iter_step(vm, it)? {
        None => Err(vm.throw_type("next method called on incompatible receiver")),
        Some(None) => iter_result(vm, Value::UNDEFINED, true),
        Some(Some(v)) => iter_result(vm, v, false),
    }
}

/// One step of an array iterator without its result object: None when `it` is not an array
/// iterator, Some(None) when it is done, Some(Some(v)) for the next value. `for-of` uses this
/// directly when the iterator's `next` is the built-in one (the result object would be
/// unobservable).
pub fn array_iter_step(vm: &mut Vm, it: Value) -> JsResult<Option<Option<Value>>> {
    let tag = if it.is_obj() && vm.class_of(it) == class::ITER { vm.slot(it, 2) } else { Value::UNDEFINED };
    if !(tag.is_int() && (ITER_TAG..=ITER_TAG + KIND_ENTRIES).contains(&tag.payload())) {
        return Ok(None);
    }
    let kind = tag.payload() - ITER_TAG;
    let target = vm.slot(it, 0);
    if target.is_undefined() {
        return Ok(Some(None));
    }
    let i = vm.slot(it, 1).as_num();
    let len = if vm.class_of(target) == class::TYPED_ARRAY {
        super::typedarray::validate(vm, target)? as f64
    } else {
        vm.length_of(target)?
    };
    if i >= len {
        vm.set_slot(it, 0, Value::UNDEFINED);
        return Ok(Some(None));
    }
    vm.set_slot(it, 1, Value::num(i + 1.0));
    let v = match kind {
        KIND_KEYS => Value::num(i),
        _ => {
            let v = get_i(vm, target, i)?;
            if kind == KIND_ENTRIES {
                vm.stack.push(v);
                let e = vm.new_array(&[Value::num(i), v]);
                vm.stack.pop();
                e?
            } else {
                v
            }
        }
    };
    Ok(Some(Some(v)))
}

/// Whether `f` is the built-in `%ArrayIteratorPrototype%.next`.
pub fn is_array_iter_next(vm: &Vm, f: Value) -> bool {
    static ID: std::sync::OnceLock<u64> = std::sync::OnceLock::new();
    let id = *ID.get_or_init(|| super::native_id("%ArrayIteratorPrototype%.next") as u64);
    f.is_obj() && vm.class_of(f) == class::NATIVE && vm.slot(f, 0).payload() == id
}

fn iter_self(vm: &mut Vm, a: &Args) -> JsResult<Value> {
    Ok(a.this(vm))
}
