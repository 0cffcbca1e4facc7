//! `Array`, `Array.prototype`, and the array iterator.

use super::{def, NativeDef};
use crate::interp::access::Args;
use crate::vm::object::{attr, class, PropKey};
use crate::vm::{JsResult, Value, Vm, A, I};

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
];

pub fn init(vm: &mut Vm) -> JsResult<()> {
    let op = vm.i(I::ObjectProto);
    let ap = vm.new_object_with(class::ARRAY, op, 1)?;
    vm.set_slot(ap, 0, Value::num(0.0));
    vm.set_intrinsic(I::ArrayProto, ap);
    let c = vm.def_ctor("Array", ap)?;
    vm.set_intrinsic(I::Array, c);
    vm.def_method(c, "Array.isArray")?;
    vm.def_methods(
        ap,
        &[
            "Array.prototype.push", "Array.prototype.pop", "Array.prototype.join", "Array.prototype.toString",
            "Array.prototype.slice", "Array.prototype.indexOf", "Array.prototype.forEach", "Array.prototype.map",
            "Array.prototype.keys", "Array.prototype.entries",
        ],
    )?;
    let values = vm.def_method(ap, "Array.prototype.values")?;
    vm.set_intrinsic(I::ArrayProtoValues, values);
    let ik = vm.i(I::SymIterator);
    vm.put(ap, PropKey::Key(ik), values, attr::WC)?;
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

fn array_ctor(vm: &mut Vm, a: &Args) -> JsResult<Value> {
    let nt = if a.is_construct() { a.new_target } else { a.callee(vm) };
    let proto = vm.proto_from_ctor(nt, I::ArrayProto)?;
    let arr = if a.argc == 1 && a.get(vm, 0).is_num() {
        let n = a.get(vm, 0).as_num();
        if n < 0.0 || n != (n as u32) as f64 {
            return Err(vm.throw_range("Invalid array length"));
        }
        let arr = vm.new_array(&[])?;
        vm.set_slot(arr, 0, Value::num(n));
        arr
    } else {
        let items = a.all(vm);
        vm.new_array(&items)?
    };
    vm.set_proto_raw(arr, proto);
    Ok(arr)
}

fn is_array(vm: &mut Vm, a: &Args) -> JsResult<Value> {
    Ok(Value::bool(vm.is_array(a.get(vm, 0))))
}

fn push(vm: &mut Vm, a: &Args) -> JsResult<Value> {
    let o = vm.to_object(a.this(vm))?;
    let mut n = vm.length_of(o)?;
    for i in 0..a.argc {
        let v = a.get(vm, i);
        let k = vm.to_property_key(Value::num(n))?;
        vm.put_value(o, k, v, true)?;
        n += 1.0;
    }
    let lk = vm.key_atom(A::length);
    vm.put_value(o, lk, Value::num(n), true)?;
    Ok(Value::num(n))
}

fn pop(vm: &mut Vm, a: &Args) -> JsResult<Value> {
    let o = vm.to_object(a.this(vm))?;
    let n = vm.length_of(o)?;
    let lk = vm.key_atom(A::length);
    if n == 0.0 {
        vm.put_value(o, lk, Value::num(0.0), true)?;
        return Ok(Value::UNDEFINED);
    }
    let k = vm.to_property_key(Value::num(n - 1.0))?;
    let v = vm.get(o, k, o)?;
    vm.stack.push(v);
    if !vm.delete_own(o, k) {
        return Err(vm.throw_type("Cannot delete array element"));
    }
    vm.put_value(o, lk, Value::num(n - 1.0), true)?;
    vm.stack.pop();
    Ok(v)
}

fn join(vm: &mut Vm, a: &Args) -> JsResult<Value> {
    let o = vm.to_object(a.this(vm))?;
    let n = vm.length_of(o)?;
    let sep = a.get(vm, 0);
    let sep: Vec<u16> = if sep.is_undefined() { vec![b',' as u16] } else { let s = vm.to_string(sep)?; vm.units(s).to_vec() };
    let mut out: Vec<u16> = Vec::new();
    let mut i = 0.0;
    while i < n {
        if i > 0.0 {
            out.extend_from_slice(&sep);
        }
        let k = vm.to_property_key(Value::num(i))?;
        let v = vm.get(o, k, o)?;
        if !v.is_nullish() {
            let s = vm.to_string(v)?;
            out.extend_from_slice(vm.units(s));
        }
        i += 1.0;
    }
    vm.new_string(&out)
}

fn to_string(vm: &mut Vm, a: &Args) -> JsResult<Value> {
    let o = vm.to_object(a.this(vm))?;
    let jk = vm.key_atom(A::join);
    let f = vm.get(o, jk, o)?;
    if vm.is_callable(f) {
        return vm.call(f, o, &[]);
    }
    let op = vm.i(I::ObjectProto);
    let ts = vm.key_atom(A::toString);
    let f = vm.get(op, ts, op)?;
    vm.call(f, o, &[])
}

fn rel_index(vm: &mut Vm, v: Value, len: f64, default: f64) -> JsResult<f64> {
    if v.is_undefined() {
        return Ok(default);
    }
    let r = vm.to_integer(v)?;
    Ok(if r < 0.0 { (len + r).max(0.0) } else { r.min(len) })
}

fn slice(vm: &mut Vm, a: &Args) -> JsResult<Value> {
    let o = vm.to_object(a.this(vm))?;
    let len = vm.length_of(o)?;
    let start = rel_index(vm, a.get(vm, 0), len, 0.0)?;
    let end = rel_index(vm, a.get(vm, 1), len, len)?;
    let out = vm.new_array(&[])?;
    vm.stack.push(out);
    let mut i = start;
    let mut n = 0u32;
    while i < end {
        let k = vm.to_property_key(Value::num(i))?;
        if vm.has_property(o, k)? {
            let v = vm.get(o, k, o)?;
            vm.create_data_property(out, PropKey::Index(n), v)?;
        }
        i += 1.0;
        n += 1;
    }
    let lk = vm.key_atom(A::length);
    vm.put_value(out, lk, Value::num(n as f64), true)?;
    vm.stack.pop();
    Ok(out)
}

fn index_of(vm: &mut Vm, a: &Args) -> JsResult<Value> {
    let o = vm.to_object(a.this(vm))?;
    let len = vm.length_of(o)?;
    let target = a.get(vm, 0);
    let mut i = rel_index(vm, a.get(vm, 1), len, 0.0)?;
    while i < len {
        let k = vm.to_property_key(Value::num(i))?;
        if vm.has_property(o, k)? {
            let v = vm.get(o, k, o)?;
            if vm.strict_eq(v, target) {
                return Ok(Value::num(i));
            }
        }
        i += 1.0;
    }
    Ok(Value::num(-1.0))
}

fn callback(vm: &mut Vm, a: &Args) -> JsResult<Value> {
    let f = a.get(vm, 0);
    if !vm.is_callable(f) {
        let s = crate::display::inspect(vm, f)?;
        return Err(vm.throw_type(&format!("{s} is not a function")));
    }
    Ok(f)
}

fn for_each(vm: &mut Vm, a: &Args) -> JsResult<Value> {
    let o = vm.to_object(a.this(vm))?;
    vm.stack.push(o);
    let len = vm.length_of(o)?;
    let f = callback(vm, a)?;
    let this = a.get(vm, 1);
    let mut i = 0.0;
    while i < len {
        let k = vm.to_property_key(Value::num(i))?;
        if vm.has_property(o, k)? {
            let v = vm.get(o, k, o)?;
            vm.call(f, this, &[v, Value::num(i), o])?;
        }
        i += 1.0;
    }
    vm.stack.pop();
    Ok(Value::UNDEFINED)
}

fn map(vm: &mut Vm, a: &Args) -> JsResult<Value> {
    let o = vm.to_object(a.this(vm))?;
    vm.stack.push(o);
    let len = vm.length_of(o)?;
    let f = callback(vm, a)?;
    let this = a.get(vm, 1);
    let out = vm.new_array(&[])?;
    vm.stack.push(out);
    vm.set_slot(out, 0, Value::num(len));
    let mut i = 0.0;
    while i < len {
        let k = vm.to_property_key(Value::num(i))?;
        if vm.has_property(o, k)? {
            let v = vm.get(o, k, o)?;
            let r = vm.call(f, this, &[v, Value::num(i), o])?;
            vm.create_data_property(out, k, r)?;
        }
        i += 1.0;
    }
    vm.stack.pop();
    vm.stack.pop();
    Ok(out)
}

// ----- iterators ----------------------------------------------------------------------------

/// Iterator kinds in slot 2 of an array iterator.
const KIND_VALUES: u64 = 0;
const KIND_KEYS: u64 = 1;
const KIND_ENTRIES: u64 = 2;

pub fn new_array_iterator(vm: &mut Vm, target: Value, kind: u64) -> JsResult<Value> {
    let p = vm.i(I::ArrayIteratorProto);
    let it = vm.new_object_with(class::ITER, p, 3)?;
    vm.set_slot(it, 0, target);
    vm.set_slot(it, 1, Value::num(0.0));
    vm.set_slot(it, 2, Value::int(kind));
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
    if !(it.is_obj() && vm.class_of(it) == class::ITER && vm.proto_of(it).is_obj()) {
        return Err(vm.throw_type("next method called on incompatible receiver"));
    }
    let target = vm.slot(it, 0);
    if target.is_undefined() {
        return iter_result(vm, Value::UNDEFINED, true);
    }
    let i = vm.slot(it, 1).as_num();
    let len = vm.length_of(target)?;
    if i >= len {
        vm.set_slot(it, 0, Value::UNDEFINED);
        return iter_result(vm, Value::UNDEFINED, true);
    }
    vm.set_slot(it, 1, Value::num(i + 1.0));
    let kind = vm.slot(it, 2).payload();
    let v = match kind {
        KIND_KEYS => Value::num(i),
        _ => {
            let k = vm.to_property_key(Value::num(i))?;
            let v = vm.get(target, k, target)?;
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
    iter_result(vm, v, false)
}

fn iter_self(vm: &mut Vm, a: &Args) -> JsResult<Value> {
    Ok(a.this(vm))
}
