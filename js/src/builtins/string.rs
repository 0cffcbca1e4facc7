//! `String`, `String.prototype`, and regular expressions.

use super::{def, NativeDef};
use crate::interp::access::Args;
use crate::vm::object::class;
use crate::vm::{JsResult, Value, Vm, I};

pub const NATIVES: &[NativeDef] = &[
    def("String", string_ctor, 1),
    def("String.prototype.toString", to_string, 0),
    def("String.prototype.valueOf", to_string, 0),
    def("String.prototype.charCodeAt", char_code_at, 1),
    def("String.prototype.charAt", char_at, 1),
];

pub fn init(vm: &mut Vm) -> JsResult<()> {
    let op = vm.i(I::ObjectProto);
    let sp = vm.new_object_with(class::STRING, op, 1)?;
    let e = vm.a(crate::vm::A::empty);
    vm.set_slot(sp, 0, e);
    vm.set_intrinsic(I::StringProto, sp);
    vm.def_ctor("String", sp)?;
    vm.def_methods(sp, &["String.prototype.toString", "String.prototype.valueOf", "String.prototype.charCodeAt", "String.prototype.charAt"])?;
    Ok(())
}

fn string_ctor(vm: &mut Vm, a: &Args) -> JsResult<Value> {
    let v = a.get(vm, 0);
    let s = if a.argc == 0 {
        vm.a(crate::vm::A::empty)
    } else if v.is_sym() && !a.is_construct() {
        let t = vm.key_display(crate::vm::object::PropKey::Key(v));
        vm.str_from(&t)?
    } else {
        vm.to_string(v)?
    };
    if !a.is_construct() {
        return Ok(s);
    }
    vm.stack.push(s);
    let p = vm.proto_from_ctor(a.new_target, I::StringProto)?;
    let o = vm.new_object_with(class::STRING, p, 1)?;
    vm.set_slot(o, 0, s);
    vm.stack.pop();
    Ok(o)
}

pub fn this_string(vm: &mut Vm, a: &Args) -> JsResult<Value> {
    let t = a.this(vm);
    if t.is_str() {
        return Ok(t);
    }
    if t.is_obj() && vm.class_of(t) == class::STRING {
        return Ok(vm.slot(t, 0));
    }
    Err(vm.throw_type("String.prototype method called on incompatible receiver"))
}

/// RequireObjectCoercible(this) + ToString.
pub fn this_str_coerce(vm: &mut Vm, a: &Args) -> JsResult<Value> {
    let t = a.this(vm);
    if t.is_nullish() {
        return Err(vm.throw_type("String.prototype method called on null or undefined"));
    }
    vm.to_string(t)
}

fn to_string(vm: &mut Vm, a: &Args) -> JsResult<Value> {
    this_string(vm, a)
}

fn char_code_at(vm: &mut Vm, a: &Args) -> JsResult<Value> {
    let s = this_str_coerce(vm, a)?;
    vm.stack.push(s);
    let i = vm.to_integer(a.get(vm, 0));
    vm.stack.pop();
    let i = i?;
    let u = vm.units(s);
    if i < 0.0 || i >= u.len() as f64 {
        return Ok(Value::NAN);
    }
    Ok(Value::num(u[i as usize] as f64))
}

fn char_at(vm: &mut Vm, a: &Args) -> JsResult<Value> {
    let s = this_str_coerce(vm, a)?;
    vm.stack.push(s);
    let i = vm.to_integer(a.get(vm, 0));
    vm.stack.pop();
    let i = i?;
    let n = vm.str_len(s);
    if i < 0.0 || i >= n as f64 {
        return Ok(vm.a(crate::vm::A::empty));
    }
    let c = vm.units(s)[i as usize];
    vm.new_string(&[c])
}

/// A RegExp object for a literal or `new RegExp` (not yet supported).
pub fn regexp_create(vm: &mut Vm, _pattern: &str, _flags: &str) -> JsResult<Value> {
    Err(vm.throw_syntax("regular expressions are not supported yet"))
}
