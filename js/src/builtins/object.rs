//! `Object`, `Object.prototype`, `Function` and `Function.prototype`.

use super::{def, NativeDef};
use crate::interp::access::Args;
use crate::vm::object::{attr, class, flag, Integrity, PropDesc, PropKey};
use crate::vm::{JsResult, Throw, Value, Vm, A, I};

pub const NATIVES: &[NativeDef] = &[
    def("Object", object_ctor, 1),
    def("Object.keys", keys, 1),
    def("Object.values", values, 1),
    def("Object.entries", entries, 1),
    def("Object.getPrototypeOf", get_prototype_of, 1),
    def("Object.setPrototypeOf", set_prototype_of, 2),
    def("Object.create", create, 2),
    def("Object.defineProperty", define_property, 3),
    def("Object.defineProperties", define_properties, 2),
    def("Object.getOwnPropertyNames", get_own_property_names, 1),
    def("Object.getOwnPropertySymbols", get_own_property_symbols, 1),
    def("Object.getOwnPropertyDescriptor", get_own_property_descriptor, 2),
    def("Object.getOwnPropertyDescriptors", get_own_property_descriptors, 1),
    def("Object.assign", assign, 2),
    def("Object.freeze", freeze, 1),
    def("Object.seal", seal, 1),
    def("Object.preventExtensions", prevent_extensions, 1),
    def("Object.isFrozen", is_frozen, 1),
    def("Object.isSealed", is_sealed, 1),
    def("Object.isExtensible", is_extensible, 1),
    def("Object.is", is, 2),
    def("Object.fromEntries", from_entries, 1),
    def("Object.hasOwn", has_own, 2),
    def("Object.prototype.hasOwnProperty", has_own_property, 1),
    def("Object.prototype.isPrototypeOf", is_prototype_of, 1),
    def("Object.prototype.propertyIsEnumerable", property_is_enumerable, 1),
    def("Object.prototype.toString", to_string, 0),
    def("Object.prototype.toLocaleString", to_locale_string, 0),
    def("Object.prototype.valueOf", value_of, 0),
    def("get Object.prototype.__proto__", get_proto, 0),
    def("set Object.prototype.__proto__", set_proto, 1),
    def("Object.prototype.__defineGetter__", define_getter, 2),
    def("Object.prototype.__defineSetter__", define_setter, 2),
    def("Object.prototype.__lookupGetter__", lookup_getter, 1),
    def("Object.prototype.__lookupSetter__", lookup_setter, 1),
];

pub const FUNCTION_NATIVES: &[NativeDef] = &[
    def("Function", function_ctor, 1),
    def("Function.prototype", function_proto_call, 0),
    def("Function.prototype.call", call, 1),
    def("Function.prototype.apply", apply, 2),
    def("Function.prototype.bind", bind, 1),
    def("Function.prototype.toString", fn_to_string, 0),
    def("Function.prototype[Symbol.hasInstance]", has_instance, 1),
    def("%ThrowTypeError%", throw_type_error, 0),
];

pub fn init(vm: &mut Vm) -> JsResult<()> {
    let op = vm.i(I::ObjectProto);
    let fp = vm.i(I::FunctionProto);
    // Function.prototype is itself a (native, do-nothing) function
    let id = super::table().by_name["Function.prototype"];
    vm.set_slot(fp, 0, Value::int(id as u64));
    vm.set_flags(fp, flag::EXTENSIBLE | flag::CALLABLE);
    let lk = vm.key_atom(A::length);
    vm.put(fp, lk, Value::num(0.0), attr::C)?;
    let nk = vm.key_atom(A::name);
    let e = vm.a(A::empty);
    vm.put(fp, nk, e, attr::C)?;

    let o = vm.def_ctor("Object", op)?;
    vm.set_intrinsic(I::Object, o);
    vm.def_methods(
        o,
        &[
            "Object.keys", "Object.values", "Object.entries", "Object.getPrototypeOf", "Object.setPrototypeOf", "Object.create",
            "Object.defineProperty", "Object.defineProperties", "Object.getOwnPropertyNames", "Object.getOwnPropertySymbols",
            "Object.getOwnPropertyDescriptor", "Object.getOwnPropertyDescriptors", "Object.assign", "Object.freeze", "Object.seal",
            "Object.preventExtensions", "Object.isFrozen", "Object.isSealed", "Object.isExtensible", "Object.is", "Object.fromEntries",
            "Object.hasOwn",
        ],
    )?;
    vm.def_methods(
        op,
        &[
            "Object.prototype.hasOwnProperty", "Object.prototype.isPrototypeOf", "Object.prototype.propertyIsEnumerable",
            "Object.prototype.toString", "Object.prototype.toLocaleString", "Object.prototype.valueOf",
            "Object.prototype.__defineGetter__", "Object.prototype.__defineSetter__", "Object.prototype.__lookupGetter__",
            "Object.prototype.__lookupSetter__",
        ],
    )?;
    vm.def_getter(op, "get Object.prototype.__proto__", Some("set Object.prototype.__proto__"))?;

    let f = vm.def_ctor("Function", fp)?;
    vm.set_intrinsic(I::Function, f);
    vm.def_methods(fp, &["Function.prototype.call", "Function.prototype.apply", "Function.prototype.bind", "Function.prototype.toString"])?;
    let hi = vm.native_function("Function.prototype[Symbol.hasInstance]")?;
    let hik = vm.i(I::SymHasInstance);
    vm.put(fp, PropKey::Key(hik), hi, 0)?;
    let tte = vm.native_function("%ThrowTypeError%")?;
    let e = vm.a(A::empty);
    vm.put(tte, nk, e, attr::C)?;
    vm.set_integrity(tte, Integrity::Frozen)?;
    vm.set_intrinsic(I::ThrowTypeError, tte);
    let ck = vm.key_atom(A::caller);
    let ak = vm.key_atom(A::arguments);
    vm.put_accessor(fp, ck, tte, tte, attr::C)?;
    vm.put_accessor(fp, ak, tte, tte, attr::C)?;
    Ok(())
}

fn arg(vm: &Vm, a: &Args, i: usize) -> Value {
    a.get(vm, i)
}

fn object_ctor(vm: &mut Vm, a: &Args) -> JsResult<Value> {
    let v = arg(vm, a, 0);
    if a.is_construct() && a.new_target != a.callee(vm) {
        let p = vm.proto_from_ctor(a.new_target, I::ObjectProto)?;
        return vm.new_plain(p);
    }
    if v.is_nullish() {
        return vm.new_object();
    }
    vm.to_object(v)
}

fn key_list(vm: &mut Vm, o: Value, kind: u8) -> JsResult<Value> {
    let base = vm.stack.len();
    let r = key_list_rooted(vm, o, kind);
    vm.stack.truncate(base);
    r
}

fn key_list_rooted(vm: &mut Vm, o: Value, kind: u8) -> JsResult<Value> {
    let obj = vm.to_object(o)?;
    vm.stack.push(obj);
    let arr = vm.new_array(&[])?;
    vm.stack.push(arr);
    let mut n = 0u32;
    for k in vm.own_property_keys(obj)? {
        if k.is_symbol() {
            continue;
        }
        let Some(p) = vm.get_own_property(obj, k)? else { continue };
        if !p.enumerable() {
            continue;
        }
        let item = match kind {
            0 => vm.key_to_value(k)?,
            1 => vm.get(obj, k, obj)?,
            _ => {
                let kv = vm.key_to_value(k)?;
                vm.stack.push(kv);
                let v = vm.get(obj, k, obj)?;
                vm.stack.pop();
                vm.new_array(&[kv, v])?
            }
        };
        vm.create_data_property(arr, PropKey::Index(n), item)?;
        n += 1;
    }
    Ok(arr)
}

fn keys(vm: &mut Vm, a: &Args) -> JsResult<Value> {
    key_list(vm, arg(vm, a, 0), 0)
}
fn values(vm: &mut Vm, a: &Args) -> JsResult<Value> {
    key_list(vm, arg(vm, a, 0), 1)
}
fn entries(vm: &mut Vm, a: &Args) -> JsResult<Value> {
    key_list(vm, arg(vm, a, 0), 2)
}

fn get_prototype_of(vm: &mut Vm, a: &Args) -> JsResult<Value> {
    let o = vm.to_object(arg(vm, a, 0))?;
    vm.get_prototype_of(o)
}

/// [[SetPrototypeOf]] with the cycle and extensibility checks (ordinary objects).
pub fn set_proto_checked(vm: &mut Vm, o: Value, p: Value) -> bool {
    crate::interp::proxy::ordinary_set_prototype_of(vm, o, p)
}

fn set_prototype_of(vm: &mut Vm, a: &Args) -> JsResult<Value> {
    let o = arg(vm, a, 0);
    let p = arg(vm, a, 1);
    if o.is_nullish() {
        return Err(vm.throw_type("Object.setPrototypeOf called on null or undefined"));
    }
    if !p.is_obj() && !p.is_null() {
        return Err(vm.throw_type("Object prototype may only be an Object or null"));
    }
    if !o.is_obj() {
        return Ok(o);
    }
    if !vm.set_prototype_of(o, p)? {
        return Err(vm.throw_type("Cyclic __proto__ value or non-extensible object"));
    }
    Ok(o)
}

fn create(vm: &mut Vm, a: &Args) -> JsResult<Value> {
    let p = arg(vm, a, 0);
    if !p.is_obj() && !p.is_null() {
        return Err(vm.throw_type("Object prototype may only be an Object or null"));
    }
    let o = vm.new_plain(p)?;
    let props = arg(vm, a, 1);
    if !props.is_undefined() {
        vm.stack.push(o);
        let r = define_props(vm, o, props);
        vm.stack.pop();
        r?;
    }
    Ok(o)
}

/// ToPropertyDescriptor.
pub fn to_descriptor(vm: &mut Vm, d: Value) -> JsResult<PropDesc> {
    if !d.is_obj() {
        return Err(vm.throw_type("Property description must be an object"));
    }
    let mut out = PropDesc::default();
    let field = |vm: &mut Vm, a: A| -> JsResult<Option<Value>> {
        let k = vm.key_atom(a);
        if vm.has_property(d, k)? {
            Ok(Some(vm.get(d, k, d)?))
        } else {
            Ok(None)
        }
    };
    if let Some(v) = field(vm, A::enumerable)? {
        out.enumerable = Some(vm.to_boolean(v));
    }
    if let Some(v) = field(vm, A::configurable)? {
        out.configurable = Some(vm.to_boolean(v));
    }
    if let Some(v) = field(vm, A::value)? {
        out.value = Some(v);
    }
    if let Some(v) = field(vm, A::writable)? {
        out.writable = Some(vm.to_boolean(v));
    }
    if let Some(v) = field(vm, A::get)? {
        if !v.is_undefined() && !vm.is_callable(v) {
            return Err(vm.throw_type("Getter must be a function"));
        }
        out.get = Some(v);
    }
    if let Some(v) = field(vm, A::set)? {
        if !v.is_undefined() && !vm.is_callable(v) {
            return Err(vm.throw_type("Setter must be a function"));
        }
        out.set = Some(v);
    }
    if (out.get.is_some() || out.set.is_some()) && (out.value.is_some() || out.writable.is_some()) {
        return Err(vm.throw_type("Invalid property descriptor. Cannot both specify accessors and a value or writable attribute"));
    }
    Ok(out)
}

/// FromPropertyDescriptor for an existing property.
pub fn from_descriptor(vm: &mut Vm, p: crate::vm::object::Prop) -> JsResult<Value> {
    let o = vm.new_object()?;
    vm.stack.push(o);
    if p.is_accessor() {
        let k = vm.key_atom(A::get);
        vm.create_data_property(o, k, p.getter)?;
        let k = vm.key_atom(A::set);
        vm.create_data_property(o, k, p.setter)?;
    } else {
        let k = vm.key_atom(A::value);
        vm.create_data_property(o, k, p.value)?;
        let k = vm.key_atom(A::writable);
        vm.create_data_property(o, k, Value::bool(p.writable()))?;
    }
    let k = vm.key_atom(A::enumerable);
    vm.create_data_property(o, k, Value::bool(p.enumerable()))?;
    let k = vm.key_atom(A::configurable);
    vm.create_data_property(o, k, Value::bool(p.configurable()))?;
    vm.stack.pop();
    Ok(o)
}

fn define_property(vm: &mut Vm, a: &Args) -> JsResult<Value> {
    let o = arg(vm, a, 0);
    if !o.is_obj() {
        return Err(vm.throw_type("Object.defineProperty called on non-object"));
    }
    let k = vm.to_property_key(arg(vm, a, 1))?;
    let kv = vm.key_word_value(k);
    vm.stack.push(kv);
    let d = to_descriptor(vm, arg(vm, a, 2));
    vm.stack.pop();
    vm.define_or_throw(o, k, d?)?;
    Ok(o)
}

fn define_props(vm: &mut Vm, o: Value, props: Value) -> JsResult<()> {
    let p = vm.to_object(props)?;
    vm.stack.push(p);
    let mut descs = Vec::new();
    for k in vm.own_property_keys(p)? {
        if let Some(pr) = vm.get_own_property(p, k)? {
            if pr.enumerable() {
                let dv = vm.get(p, k, p)?;
                vm.stack.push(dv);
                descs.push((k, to_descriptor(vm, dv)?));
            }
        }
    }
    for (k, d) in descs {
        vm.define_or_throw(o, k, d)?;
    }
    Ok(())
}

fn define_properties(vm: &mut Vm, a: &Args) -> JsResult<Value> {
    let o = arg(vm, a, 0);
    if !o.is_obj() {
        return Err(vm.throw_type("Object.defineProperties called on non-object"));
    }
    let base = vm.stack.len();
    let r = define_props(vm, o, arg(vm, a, 1));
    vm.stack.truncate(base);
    r?;
    Ok(o)
}

fn own_names(vm: &mut Vm, a: &Args, symbols: bool) -> JsResult<Value> {
    let o = vm.to_object(arg(vm, a, 0))?;
    vm.stack.push(o);
    let mut items = Vec::new();
    for k in vm.own_property_keys(o)? {
        if k.is_symbol() == symbols {
            items.push(vm.key_to_value(k)?);
            vm.stack.push(*items.last().unwrap());
        }
    }
    vm.new_array(&items)
}

fn get_own_property_names(vm: &mut Vm, a: &Args) -> JsResult<Value> {
    own_names(vm, a, false)
}
fn get_own_property_symbols(vm: &mut Vm, a: &Args) -> JsResult<Value> {
    own_names(vm, a, true)
}

fn get_own_property_descriptor(vm: &mut Vm, a: &Args) -> JsResult<Value> {
    let o = vm.to_object(arg(vm, a, 0))?;
    vm.stack.push(o);
    let k = vm.to_property_key(arg(vm, a, 1));
    vm.stack.pop();
    let k = k?;
    vm.stack.push(o);
    let p = vm.get_own_property(o, k);
    vm.stack.pop();
    match p? {
        Some(p) => from_descriptor(vm, p),
        None => Ok(Value::UNDEFINED),
    }
}

fn get_own_property_descriptors(vm: &mut Vm, a: &Args) -> JsResult<Value> {
    let o = vm.to_object(arg(vm, a, 0))?;
    vm.stack.push(o);
    let out = vm.new_object()?;
    vm.stack.push(out);
    for k in vm.own_property_keys(o)? {
        if let Some(p) = vm.get_own_property(o, k)? {
            let d = from_descriptor(vm, p)?;
            vm.create_data_property(out, k, d)?;
        }
    }
    Ok(out)
}

fn assign(vm: &mut Vm, a: &Args) -> JsResult<Value> {
    let t = vm.to_object(arg(vm, a, 0))?;
    vm.stack.push(t);
    for i in 1..a.argc {
        let s = arg(vm, a, i);
        if s.is_nullish() {
            continue;
        }
        let so = vm.to_object(s)?;
        vm.stack.push(so);
        for k in vm.own_property_keys(so)? {
            if let Some(p) = vm.get_own_property(so, k)? {
                if p.enumerable() {
                    let v = vm.get(so, k, so)?;
                    vm.put_value(t, k, v, true)?;
                }
            }
        }
    }
    Ok(t)
}

fn integrity(vm: &mut Vm, a: &Args, level: Integrity) -> JsResult<Value> {
    let o = arg(vm, a, 0);
    if o.is_obj() && !vm.set_integrity(o, level)? {
        return Err(vm.throw_type("Cannot prevent extensions"));
    }
    Ok(o)
}
fn freeze(vm: &mut Vm, a: &Args) -> JsResult<Value> {
    integrity(vm, a, Integrity::Frozen)
}
fn seal(vm: &mut Vm, a: &Args) -> JsResult<Value> {
    integrity(vm, a, Integrity::Sealed)
}
fn prevent_extensions(vm: &mut Vm, a: &Args) -> JsResult<Value> {
    integrity(vm, a, Integrity::PreventExtensions)
}

fn is_frozen(vm: &mut Vm, a: &Args) -> JsResult<Value> {
    let o = arg(vm, a, 0);
    Ok(Value::bool(!o.is_obj() || vm.test_integrity(o, true)?))
}
fn is_sealed(vm: &mut Vm, a: &Args) -> JsResult<Value> {
    let o = arg(vm, a, 0);
    Ok(Value::bool(!o.is_obj() || vm.test_integrity(o, false)?))
}
fn is_extensible(vm: &mut Vm, a: &Args) -> JsResult<Value> {
    let o = arg(vm, a, 0);
    Ok(Value::bool(o.is_obj() && vm.is_extensible_op(o)?))
}
fn is(vm: &mut Vm, a: &Args) -> JsResult<Value> {
    Ok(Value::bool(crate::vm::object::same_value(vm, arg(vm, a, 0), arg(vm, a, 1))))
}

fn from_entries(vm: &mut Vm, a: &Args) -> JsResult<Value> {
    let it = arg(vm, a, 0);
    if it.is_nullish() {
        return Err(vm.throw_type("Object.fromEntries requires an iterable"));
    }
    let base = vm.stack.len();
    let o = vm.new_object()?;
    vm.stack.push(o);
    let r = from_entries_into(vm, o, it);
    vm.stack.truncate(base);
    r.map(|_| o)
}

/// The loop of Object.fromEntries (values rooted on the stack; the caller truncates).
fn from_entries_into(vm: &mut Vm, o: Value, it: Value) -> JsResult<()> {
    let (iter, next) = vm.get_iterator(it)?;
    vm.stack.push(iter);
    vm.stack.push(next);
    let mark = vm.stack.len();
    loop {
        let Some(e) = vm.iterator_step(iter, next)? else { return Ok(()) };
        vm.stack.push(e);
        let r = (|| -> JsResult<()> {
            if !e.is_obj() {
                return Err(vm.throw_type("Iterator value is not an entry object"));
            }
            let k = vm.get(e, PropKey::Index(0), e)?;
            vm.stack.push(k);
            let v = vm.get(e, PropKey::Index(1), e)?;
            vm.stack.push(v);
            let pk = vm.to_property_key(k)?;
            vm.create_data_property(o, pk, v)?;
            Ok(())
        })();
        match r {
            Ok(()) => vm.stack.truncate(mark),
            Err(Throw::Exception) => {
                // IfAbruptCloseIterator: the original exception wins over one from `return`
                let ex = vm.exception;
                vm.stack.push(ex);
                let _ = vm.iterator_close(iter);
                vm.exception = vm.stack.pop().unwrap();
                return Err(Throw::Exception);
            }
            Err(t) => return Err(t),
        }
    }
}

fn has_own(vm: &mut Vm, a: &Args) -> JsResult<Value> {
    let o = vm.to_object(arg(vm, a, 0))?;
    vm.stack.push(o);
    let k = vm.to_property_key(arg(vm, a, 1));
    let k = k?;
    vm.stack.push(o);
    let r = vm.has_own_property(o, k);
    vm.stack.pop();
    Ok(Value::bool(r?))
}

fn has_own_property(vm: &mut Vm, a: &Args) -> JsResult<Value> {
    let k = vm.to_property_key(arg(vm, a, 0))?;
    let o = vm.to_object(a.this(vm))?;
    Ok(Value::bool(vm.has_own_property(o, k)?))
}

fn is_prototype_of(vm: &mut Vm, a: &Args) -> JsResult<Value> {
    let v = arg(vm, a, 0);
    if !v.is_obj() {
        return Ok(Value::FALSE);
    }
    let o = vm.to_object(a.this(vm))?;
    vm.stack.push(o);
    let mut p = vm.get_prototype_of(v)?;
    let mut steps = 0;
    while p.is_obj() {
        if p == o {
            return Ok(Value::TRUE);
        }
        if vm.is_proxy(p) {
            crate::interp::proxy::walk_step(vm, &mut steps)?;
        }
        vm.stack.push(p);
        p = vm.get_prototype_of(p)?;
    }
    Ok(Value::FALSE)
}

fn property_is_enumerable(vm: &mut Vm, a: &Args) -> JsResult<Value> {
    let k = vm.to_property_key(arg(vm, a, 0))?;
    let o = vm.to_object(a.this(vm))?;
    Ok(Value::bool(vm.get_own_property(o, k)?.is_some_and(|p| p.enumerable())))
}

fn to_string(vm: &mut Vm, a: &Args) -> JsResult<Value> {
    let t = a.this(vm);
    let s = if t.is_undefined() {
        "[object Undefined]".to_string()
    } else if t.is_null() {
        "[object Null]".to_string()
    } else {
        let o = vm.to_object(t)?;
        let builtin = match vm.class_of(o) {
            class::ARRAY => "Array",
            class::PROXY if vm.is_array_op(o)? => "Array",
            class::PROXY if vm.is_callable(o) => "Function",
            class::CLOSURE | class::NATIVE | class::BOUND => "Function",
            class::ERROR => "Error",
            class::BOOLEAN => "Boolean",
            class::NUMBER => "Number",
            class::STRING => "String",
            class::DATE => "Date",
            class::REGEXP => "RegExp",
            class::ARGUMENTS => "Arguments",
            _ => "Object",
        };
        vm.stack.push(o);
        let tk = vm.i(I::SymToStringTag);
        let tag = vm.get(o, PropKey::Key(tk), o);
        vm.stack.pop();
        let tag = tag?;
        if tag.is_str() {
            format!("[object {}]", vm.string_lossy(tag))
        } else {
            format!("[object {builtin}]")
        }
    };
    vm.str_from(&s)
}

fn to_locale_string(vm: &mut Vm, a: &Args) -> JsResult<Value> {
    let t = a.this(vm);
    let k = vm.key_atom(A::toString);
    let f = vm.get_v(t, k)?;
    if !vm.is_callable(f) {
        return Err(vm.throw_type("toString is not a function"));
    }
    vm.call(f, t, &[])
}

fn value_of(vm: &mut Vm, a: &Args) -> JsResult<Value> {
    vm.to_object(a.this(vm))
}

fn get_proto(vm: &mut Vm, a: &Args) -> JsResult<Value> {
    let o = vm.to_object(a.this(vm))?;
    vm.get_prototype_of(o)
}

fn set_proto(vm: &mut Vm, a: &Args) -> JsResult<Value> {
    let t = a.this(vm);
    if t.is_nullish() {
        return Err(vm.throw_type("Object.prototype.__proto__ called on null or undefined"));
    }
    let p = arg(vm, a, 0);
    if (!p.is_obj() && !p.is_null()) || !t.is_obj() {
        return Ok(Value::UNDEFINED);
    }
    if !vm.set_prototype_of(t, p)? {
        return Err(vm.throw_type("Cyclic __proto__ value"));
    }
    Ok(Value::UNDEFINED)
}

fn define_accessor_legacy(vm: &mut Vm, a: &Args, getter: bool) -> JsResult<Value> {
    let o = vm.to_object(a.this(vm))?;
    let f = arg(vm, a, 1);
    if !vm.is_callable(f) {
        return Err(vm.throw_type("Object.prototype.__defineGetter__: Expecting function"));
    }
    let k = vm.to_property_key(arg(vm, a, 0))?;
    let mut d = PropDesc { enumerable: Some(true), configurable: Some(true), ..Default::default() };
    if getter {
        d.get = Some(f);
    } else {
        d.set = Some(f);
    }
    vm.define_or_throw(o, k, d)?;
    Ok(Value::UNDEFINED)
}
fn define_getter(vm: &mut Vm, a: &Args) -> JsResult<Value> {
    define_accessor_legacy(vm, a, true)
}
fn define_setter(vm: &mut Vm, a: &Args) -> JsResult<Value> {
    define_accessor_legacy(vm, a, false)
}
fn lookup_accessor(vm: &mut Vm, a: &Args, getter: bool) -> JsResult<Value> {
    let mut o = vm.to_object(a.this(vm))?;
    let k = vm.to_property_key(arg(vm, a, 0))?;
    vm.stack.push(o);
    let mut steps = 0;
    while o.is_obj() {
        if vm.is_proxy(o) {
            crate::interp::proxy::walk_step(vm, &mut steps)?;
        }
        if let Some(p) = vm.get_own_property(o, k)? {
            if p.is_accessor() {
                return Ok(if getter { p.getter } else { p.setter });
            }
            return Ok(Value::UNDEFINED);
        }
        o = vm.get_prototype_of(o)?;
        vm.stack.push(o);
    }
    Ok(Value::UNDEFINED)
}
fn lookup_getter(vm: &mut Vm, a: &Args) -> JsResult<Value> {
    lookup_accessor(vm, a, true)
}
fn lookup_setter(vm: &mut Vm, a: &Args) -> JsResult<Value> {
    lookup_accessor(vm, a, false)
}

// ----- Function -----------------------------------------------------------------------------

fn function_ctor(vm: &mut Vm, a: &Args) -> JsResult<Value> {
    create_dynamic_function(vm, a, false, false, I::FunctionProto)
}

/// CreateDynamicFunction: `Function`, `GeneratorFunction`, `AsyncFunction` (`fallback` is the
/// prototype a subclass constructor without one gets).
pub fn create_dynamic_function(vm: &mut Vm, a: &Args, generator: bool, is_async: bool, fallback: I) -> JsResult<Value> {
    let mut params = Vec::new();
    for i in 0..a.argc.saturating_sub(1) {
        params.push(vm.to_rust_string(arg(vm, a, i))?);
    }
    let body = if a.argc > 0 { vm.to_rust_string(arg(vm, a, a.argc - 1))? } else { String::new() };
    let (text, _) = match crate::api::parse_function_constructor_kind(&params.join(","), &body, generator, is_async) {
        Ok(r) => r,
        Err(e) => return Err(vm.throw_syntax(&e.message)),
    };
    // evaluate `(text)` as a script in the global scope
    let src = format!("({text})");
    let program = match crate::parse_script(&src, false) {
        Ok(p) => p,
        Err(e) => return Err(vm.throw_syntax(&e.message)),
    };
    let saved = vm.env;
    let r = vm.run_function_source(&src, program);
    vm.env = saved;
    let f = r?;
    if a.is_construct() && a.new_target != a.callee(vm) {
        let p = vm.proto_from_ctor(a.new_target, fallback)?;
        vm.set_proto_raw(f, p);
    }
    Ok(f)
}

impl Vm {
    /// Runs a script consisting of one function expression and returns the function.
    fn run_function_source(&mut self, src: &str, program: crate::ast::Program) -> JsResult<Value> {
        use crate::interp::eval::Ctx;
        use std::rc::Rc;
        let code = self.new_code(src, 0)?;
        let ci = Rc::new(crate::interp::CodeInfo::new(Rc::from(src), program));
        self.cache_code(code, ci.clone());
        let cx = Ctx { ci: ci.clone(), code, strict: false };
        self.stack.push(code);
        self.env = self.global_env();
        let r = match &ci.program.body.first().map(|s| &s.kind) {
            Some(crate::ast::StmtKind::Expr(e)) => self.eval_expr(&cx, e),
            _ => Err(self.throw_syntax("bad function source")),
        };
        self.stack.pop();
        let f = r?;
        let anon = self.a(A::anonymous);
        let nk = self.key_atom(A::name);
        self.put(f, nk, anon, attr::C)?;
        Ok(f)
    }
}

fn function_proto_call(_vm: &mut Vm, _a: &Args) -> JsResult<Value> {
    Ok(Value::UNDEFINED)
}

fn call(vm: &mut Vm, a: &Args) -> JsResult<Value> {
    let f = a.this(vm);
    if !vm.is_callable(f) {
        return Err(vm.throw_type("Function.prototype.call called on non-function"));
    }
    // reuse the stack frame: [call, f, thisArg, args...] -> call f with base+1
    let this = arg(vm, a, 0);
    let args: Vec<Value> = if a.argc > 1 { vm.stack[a.base + 3..a.base + 2 + a.argc].to_vec() } else { vec![] };
    vm.call(f, this, &args)
}

/// CreateListFromArrayLike.
pub fn list_from_array_like(vm: &mut Vm, v: Value) -> JsResult<Vec<Value>> {
    if v.is_nullish() {
        return Ok(vec![]);
    }
    if !v.is_obj() {
        return Err(vm.throw_type("CreateListFromArrayLike called on non-object"));
    }
    let n = vm.length_of(v)?;
    if n > (u32::MAX - 1) as f64 {
        return Err(vm.throw_range("Too many arguments in function call"));
    }
    let n = n as usize;
    // the items read so far stay rooted on the stack while getters run
    let base = vm.stack.len();
    for i in 0..n {
        match vm.get(v, PropKey::Index(i as u32), v) {
            Ok(x) => vm.stack.push(x),
            Err(e) => {
                vm.stack.truncate(base);
                return Err(e);
            }
        }
    }
    let out = vm.stack[base..].to_vec();
    vm.stack.truncate(base);
    Ok(out)
}

fn apply(vm: &mut Vm, a: &Args) -> JsResult<Value> {
    let f = a.this(vm);
    if !vm.is_callable(f) {
        return Err(vm.throw_type("Function.prototype.apply was called on a non-function"));
    }
    let args = list_from_array_like(vm, arg(vm, a, 1))?;
    vm.call(f, arg(vm, a, 0), &args)
}

fn bind(vm: &mut Vm, a: &Args) -> JsResult<Value> {
    let f = a.this(vm);
    if !vm.is_callable(f) {
        return Err(vm.throw_type("Bind must be called on a function"));
    }
    let bargs: Vec<Value> = if a.argc > 1 { vm.stack[a.base + 3..a.base + 2 + a.argc].to_vec() } else { vec![] };
    let list = vm.new_list(&bargs)?;
    vm.stack.push(list);
    let proto = vm.get_prototype_of(f)?;
    let b = vm.new_object_with(class::BOUND, proto, 3)?;
    vm.set_slot(b, 0, f);
    vm.set_slot(b, 1, arg(vm, a, 0));
    vm.set_slot(b, 2, list);
    let mut fl = flag::EXTENSIBLE | flag::CALLABLE;
    if vm.is_constructor(f) {
        fl |= flag::CONSTRUCTOR;
    }
    vm.set_flags(b, fl);
    vm.stack.push(b);
    let lk = vm.key_atom(A::length);
    let mut len = 0.0;
    if vm.has_own_property(f, lk)? {
        let l = vm.get(f, lk, f)?;
        if l.is_num() {
            let l = l.as_num();
            len = if l == f64::INFINITY {
                f64::INFINITY
            } else if l == f64::NEG_INFINITY {
                0.0
            } else {
                (crate::interp::ops::to_integer_or_infinity(l) - bargs.len() as f64).max(0.0)
            };
        }
    }
    vm.put(b, lk, Value::num(len), attr::C)?;
    let nk = vm.key_atom(A::name);
    let n = vm.get(f, nk, f)?;
    let n = if n.is_str() { n } else { vm.a(A::empty) };
    let bn = vm.prefixed_name("bound ", n)?;
    vm.put(b, nk, bn, attr::C)?;
    vm.stack.pop();
    vm.stack.pop();
    Ok(b)
}

fn fn_to_string(vm: &mut Vm, a: &Args) -> JsResult<Value> {
    let f = a.this(vm);
    if !vm.is_callable(f) {
        return Err(vm.throw_type("Function.prototype.toString requires that 'this' be a Function"));
    }
    let s = if vm.class_of(f) == class::CLOSURE {
        vm.function_source(f)?
    } else if vm.class_of(f) == class::PROXY {
        "function () { [native code] }".to_string()
    } else {
        let nk = vm.key_atom(A::name);
        let n = vm.get(f, nk, f)?;
        let n = if n.is_str() { vm.string_lossy(n) } else { String::new() };
        format!("function {n}() {{ [native code] }}")
    };
    vm.str_from(&s)
}

fn has_instance(vm: &mut Vm, a: &Args) -> JsResult<Value> {
    let f = a.this(vm);
    Ok(Value::bool(vm.ordinary_has_instance(f, arg(vm, a, 0))?))
}

fn throw_type_error(vm: &mut Vm, _a: &Args) -> JsResult<Value> {
    Err(vm.throw_type("'caller', 'callee', and 'arguments' properties may not be accessed on strict mode functions or the arguments objects for calls to them"))
}
