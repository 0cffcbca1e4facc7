//! `Number`, `Number.prototype`, and `Boolean`.

use super::{def, numconv, NativeDef};
use crate::interp::access::Args;
use crate::vm::object::class;
use crate::vm::{JsResult, Value, Vm, I};

pub const NATIVES: &[NativeDef] = &[
    def("Number", number_ctor, 1),
    def("Number.prototype.toString", to_string, 1),
    def("Number.prototype.valueOf", value_of, 0),
    def("Number.prototype.toFixed", to_fixed, 1),
    def("Boolean", boolean_ctor, 1),
    def("Boolean.prototype.toString", bool_to_string, 0),
    def("Boolean.prototype.valueOf", bool_value_of, 0),
];

pub fn init(vm: &mut Vm) -> JsResult<()> {
    let op = vm.i(I::ObjectProto);
    let np = vm.new_object_with(class::NUMBER, op, 1)?;
    vm.set_slot(np, 0, Value::num(0.0));
    vm.set_intrinsic(I::NumberProto, np);
    let c = vm.def_ctor("Number", np)?;
    vm.def_methods(np, &["Number.prototype.toString", "Number.prototype.valueOf", "Number.prototype.toFixed"])?;
    for (n, v) in [
        ("MAX_SAFE_INTEGER", 9007199254740991.0),
        ("MIN_SAFE_INTEGER", -9007199254740991.0),
        ("MAX_VALUE", f64::MAX),
        ("MIN_VALUE", 5e-324),
        ("EPSILON", f64::EPSILON),
        ("POSITIVE_INFINITY", f64::INFINITY),
        ("NEGATIVE_INFINITY", f64::NEG_INFINITY),
        ("NaN", f64::NAN),
    ] {
        vm.def_value(c, n, Value::num(v), 0)?;
    }
    let bp = vm.new_object_with(class::BOOLEAN, op, 1)?;
    vm.set_slot(bp, 0, Value::FALSE);
    vm.set_intrinsic(I::BooleanProto, bp);
    vm.def_ctor("Boolean", bp)?;
    vm.def_methods(bp, &["Boolean.prototype.toString", "Boolean.prototype.valueOf"])?;
    Ok(())
}

fn number_ctor(vm: &mut Vm, a: &Args) -> JsResult<Value> {
    let n = if a.argc == 0 { 0.0 } else { vm.to_number(a.get(vm, 0))? };
    if !a.is_construct() {
        return Ok(Value::num(n));
    }
    let p = vm.proto_from_ctor(a.new_target, I::NumberProto)?;
    let o = vm.new_object_with(class::NUMBER, p, 1)?;
    vm.set_slot(o, 0, Value::num(n));
    Ok(o)
}

pub fn this_number(vm: &mut Vm, a: &Args) -> JsResult<f64> {
    let t = a.this(vm);
    if t.is_num() {
        return Ok(t.as_num());
    }
    if t.is_obj() && vm.class_of(t) == class::NUMBER {
        return Ok(vm.slot(t, 0).as_num());
    }
    Err(vm.throw_type("Number.prototype method called on incompatible receiver"))
}

fn to_string(vm: &mut Vm, a: &Args) -> JsResult<Value> {
    let n = this_number(vm, a)?;
    let r = a.get(vm, 0);
    let radix = if r.is_undefined() { 10.0 } else { vm.to_integer(r)? };
    if !(2.0..=36.0).contains(&radix) {
        return Err(vm.throw_range("toString() radix must be between 2 and 36"));
    }
    if radix == 10.0 {
        return vm.number_to_string_value(n);
    }
    let s = numconv::number_to_string_radix(n, radix as u32);
    vm.str_from(&s)
}

fn value_of(vm: &mut Vm, a: &Args) -> JsResult<Value> {
    Ok(Value::num(this_number(vm, a)?))
}

fn to_fixed(vm: &mut Vm, a: &Args) -> JsResult<Value> {
    let n = this_number(vm, a)?;
    let d = vm.to_integer(a.get(vm, 0))?;
    if !(0.0..=100.0).contains(&d) {
        return Err(vm.throw_range("toFixed() digits argument must be between 0 and 100"));
    }
    if !n.is_finite() {
        return vm.number_to_string_value(n);
    }
    let s = numconv::to_fixed(n, d as u32);
    vm.str_from(&s)
}

fn boolean_ctor(vm: &mut Vm, a: &Args) -> JsResult<Value> {
    let b = vm.to_boolean(a.get(vm, 0));
    if !a.is_construct() {
        return Ok(Value::bool(b));
    }
    let p = vm.proto_from_ctor(a.new_target, I::BooleanProto)?;
    let o = vm.new_object_with(class::BOOLEAN, p, 1)?;
    vm.set_slot(o, 0, Value::bool(b));
    Ok(o)
}

fn this_bool(vm: &mut Vm, a: &Args) -> JsResult<bool> {
    let t = a.this(vm);
    if t.is_bool() {
        return Ok(t == Value::TRUE);
    }
    if t.is_obj() && vm.class_of(t) == class::BOOLEAN {
        return Ok(vm.slot(t, 0) == Value::TRUE);
    }
    Err(vm.throw_type("Boolean.prototype method called on incompatible receiver"))
}
fn bool_to_string(vm: &mut Vm, a: &Args) -> JsResult<Value> {
    let b = this_bool(vm, a)?;
    vm.str_from(if b { "true" } else { "false" })
}
fn bool_value_of(vm: &mut Vm, a: &Args) -> JsResult<Value> {
    Ok(Value::bool(this_bool(vm, a)?))
}
