//! `Reflect`: the object internal methods as functions.

use super::object::{from_descriptor, list_from_array_like, to_descriptor};
use super::{def, NativeDef};
use crate::interp::access::Args;
use crate::vm::object::{attr, PropKey};
use crate::vm::{JsResult, Value, Vm, I};

pub const NATIVES: &[NativeDef] = &[
    def("Reflect.apply", apply, 3),
    def("Reflect.construct", construct, 2),
    def("Reflect.defineProperty", define_property, 3),
    def("Reflect.deleteProperty", delete_property, 2),
    def("Reflect.get", get, 2),
    def("Reflect.getOwnPropertyDescriptor", get_own_property_descriptor, 2),
    def("Reflect.getPrototypeOf", get_prototype_of, 1),
    def("Reflect.has", has, 2),
    def("Reflect.isExtensible", is_extensible, 1),
    def("Reflect.ownKeys", own_keys, 1),
    def("Reflect.preventExtensions", prevent_extensions, 1),
    def("Reflect.set", set, 3),
    def("Reflect.setPrototypeOf", set_prototype_of, 2),
];

const METHODS: &[&str] = &[
    "Reflect.apply",
    "Reflect.construct",
    "Reflect.defineProperty",
    "Reflect.deleteProperty",
    "Reflect.get",
    "Reflect.getOwnPropertyDescriptor",
    "Reflect.getPrototypeOf",
    "Reflect.has",
    "Reflect.isExtensible",
    "Reflect.ownKeys",
    "Reflect.preventExtensions",
    "Reflect.set",
    "Reflect.setPrototypeOf",
];

pub fn init(vm: &mut Vm) -> JsResult<()> {
    let op = vm.i(I::ObjectProto);
    let r = vm.new_plain(op)?;
    vm.stack.push(r);
    vm.def_methods(r, METHODS)?;
    let tag = vm.str_from("Reflect")?;
    let tk = vm.i(I::SymToStringTag);
    vm.put(r, PropKey::Key(tk), tag, attr::C)?;
    let g = vm.global();
    vm.def_value(g, "Reflect", r, attr::WC)?;
    vm.stack.pop();
    Ok(())
}

/// The target argument, which must be an object.
fn target(vm: &mut Vm, a: &Args, what: &str) -> JsResult<Value> {
    let t = a.get(vm, 0);
    if t.is_obj() {
        Ok(t)
    } else {
        Err(vm.throw_type(&format!("Reflect.{what} called on non-object")))
    }
}

/// The property key argument `i` (ToPropertyKey; may run JavaScript, `a`'s values stay rooted
/// on the stack as arguments).
fn key(vm: &mut Vm, a: &Args, i: usize) -> JsResult<PropKey> {
    vm.to_property_key(a.get(vm, i))
}

/// CreateListFromArrayLike of an argument that must be an object; the items are left rooted
/// on the stack from `base` (the caller truncates).
fn arg_list(vm: &mut Vm, v: Value, what: &str) -> JsResult<Vec<Value>> {
    if !v.is_obj() {
        return Err(vm.throw_type(&format!("Reflect.{what}: argumentsList is not an object")));
    }
    list_from_array_like(vm, v)
}

fn apply(vm: &mut Vm, a: &Args) -> JsResult<Value> {
    let f = a.get(vm, 0);
    if !vm.is_callable(f) {
        return Err(vm.throw_type("Reflect.apply: target is not a function"));
    }
    let args = arg_list(vm, a.get(vm, 2), "apply")?;
    vm.call(f, a.get(vm, 1), &args)
}

fn construct(vm: &mut Vm, a: &Args) -> JsResult<Value> {
    let f = a.get(vm, 0);
    if !vm.is_constructor(f) {
        return Err(vm.throw_type("Reflect.construct: target is not a constructor"));
    }
    let nt = if a.argc > 2 { a.get(vm, 2) } else { f };
    if !vm.is_constructor(nt) {
        return Err(vm.throw_type("Reflect.construct: newTarget is not a constructor"));
    }
    let args = arg_list(vm, a.get(vm, 1), "construct")?;
    vm.construct(f, &args, nt)
}

fn define_property(vm: &mut Vm, a: &Args) -> JsResult<Value> {
    let o = target(vm, a, "defineProperty")?;
    let k = key(vm, a, 1)?;
    let kv = vm.key_word_value(k);
    vm.stack.push(kv);
    let d = to_descriptor(vm, a.get(vm, 2));
    vm.stack.pop();
    let d = d?;
    Ok(Value::bool(vm.define_own(o, k, d)?))
}

fn delete_property(vm: &mut Vm, a: &Args) -> JsResult<Value> {
    let o = target(vm, a, "deleteProperty")?;
    let k = key(vm, a, 1)?;
    Ok(Value::bool(vm.delete_property(o, k)?))
}

fn get(vm: &mut Vm, a: &Args) -> JsResult<Value> {
    let o = target(vm, a, "get")?;
    let k = key(vm, a, 1)?;
    let kv = vm.key_word_value(k);
    vm.stack.push(kv);
    let receiver = if a.argc > 2 { a.get(vm, 2) } else { o };
    let r = vm.get(o, k, receiver);
    vm.stack.pop();
    r
}

fn get_own_property_descriptor(vm: &mut Vm, a: &Args) -> JsResult<Value> {
    let o = target(vm, a, "getOwnPropertyDescriptor")?;
    let k = key(vm, a, 1)?;
    match vm.get_own_property(o, k)? {
        Some(p) => from_descriptor(vm, p),
        None => Ok(Value::UNDEFINED),
    }
}

fn get_prototype_of(vm: &mut Vm, a: &Args) -> JsResult<Value> {
    let o = target(vm, a, "getPrototypeOf")?;
    vm.get_prototype_of(o)
}

fn has(vm: &mut Vm, a: &Args) -> JsResult<Value> {
    let o = target(vm, a, "has")?;
    let k = key(vm, a, 1)?;
    Ok(Value::bool(vm.has_property(o, k)?))
}

fn is_extensible(vm: &mut Vm, a: &Args) -> JsResult<Value> {
    let o = target(vm, a, "isExtensible")?;
    Ok(Value::bool(vm.is_extensible_op(o)?))
}

fn own_keys(vm: &mut Vm, a: &Args) -> JsResult<Value> {
    let o = target(vm, a, "ownKeys")?;
    let base = vm.stack.len();
    let mut items = Vec::new();
    for k in vm.own_property_keys(o)? {
        let v = vm.key_to_value(k)?;
        vm.stack.push(v);
        items.push(v);
    }
    let r = vm.new_array(&items);
    vm.stack.truncate(base);
    Ok(r?)
}

fn prevent_extensions(vm: &mut Vm, a: &Args) -> JsResult<Value> {
    let o = target(vm, a, "preventExtensions")?;
    Ok(Value::bool(vm.prevent_extensions(o)?))
}

fn set(vm: &mut Vm, a: &Args) -> JsResult<Value> {
    let o = target(vm, a, "set")?;
    let k = key(vm, a, 1)?;
    let kv = vm.key_word_value(k);
    vm.stack.push(kv);
    let receiver = if a.argc > 3 { a.get(vm, 3) } else { o };
    let r = vm.set(o, k, a.get(vm, 2), receiver);
    vm.stack.pop();
    Ok(Value::bool(r?))
}

fn set_prototype_of(vm: &mut Vm, a: &Args) -> JsResult<Value> {
    let o = target(vm, a, "setPrototypeOf")?;
    let p = a.get(vm, 1);
    if !p.is_obj() && !p.is_null() {
        return Err(vm.throw_type("Object prototype may only be an Object or null"));
    }
    Ok(Value::bool(vm.set_prototype_of(o, p)?))
}
