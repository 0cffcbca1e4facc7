//! `BigInt` and `BigInt.prototype` (the values and their arithmetic are in `vm::bigint`).

use super::{def, NativeDef};
use crate::interp::access::Args;
use crate::interp::ops::Hint;
use crate::vm::object::{attr, class, PropKey};
use crate::vm::{JsResult, Value, Vm, I};

pub const NATIVES: &[NativeDef] = &[
    def("BigInt", bigint_ctor, 1),
    def("BigInt.asIntN", as_int_n, 2),
    def("BigInt.asUintN", as_uint_n, 2),
    def("BigInt.prototype.toString", to_string, 0),
    def("BigInt.prototype.toLocaleString", to_locale_string, 0),
    def("BigInt.prototype.valueOf", value_of, 0),
];

pub fn init(vm: &mut Vm) -> JsResult<()> {
    let op = vm.i(I::ObjectProto);
    let bp = vm.new_plain(op)?;
    vm.set_intrinsic(I::BigIntProto, bp);
    let c = vm.def_ctor("BigInt", bp)?;
    vm.def_methods(c, &["BigInt.asIntN", "BigInt.asUintN"])?;
    vm.def_methods(bp, &["BigInt.prototype.toString", "BigInt.prototype.toLocaleString", "BigInt.prototype.valueOf"])?;
    let tag = vm.str_from("BigInt")?;
    let tk = vm.i(I::SymToStringTag);
    vm.put(bp, PropKey::Key(tk), tag, attr::C)?;
    Ok(())
}

/// `BigInt(value)`: a conversion, not a constructor.
fn bigint_ctor(vm: &mut Vm, a: &Args) -> JsResult<Value> {
    if a.is_construct() {
        return Err(vm.throw_type("BigInt is not a constructor"));
    }
    let v = a.get(vm, 0);
    let p = vm.to_primitive(v, Hint::Number)?;
    if p.is_num() {
        return vm.number_to_bigint(p.as_num());
    }
    vm.to_bigint(p)
}

/// ToIndex (ECMA-262 §7.1.22).
fn to_index(vm: &mut Vm, v: Value) -> JsResult<u64> {
    let n = vm.to_integer(v)?;
    if !(0.0..=9007199254740991.0).contains(&n) {
        return Err(vm.throw_range("Invalid value: not (convertible to) a safe integer"));
    }
    Ok(n as u64)
}

fn as_n(vm: &mut Vm, a: &Args, signed: bool) -> JsResult<Value> {
    let bits = to_index(vm, a.get(vm, 0))?;
    let b = vm.to_bigint(a.get(vm, 1))?;
    vm.bigint_as_n(bits, b, signed)
}

fn as_int_n(vm: &mut Vm, a: &Args) -> JsResult<Value> {
    as_n(vm, a, true)
}

fn as_uint_n(vm: &mut Vm, a: &Args) -> JsResult<Value> {
    as_n(vm, a, false)
}

/// thisBigIntValue: a BigInt primitive or the BigInt inside a wrapper object.
fn this_bigint(vm: &mut Vm, a: &Args, what: &str) -> JsResult<Value> {
    let t = a.this(vm);
    if t.is_bigint() {
        return Ok(t);
    }
    if t.is_obj() && vm.class_of(t) == class::BIGINT {
        return Ok(vm.slot(t, 0));
    }
    Err(vm.throw_type(&format!("BigInt.prototype.{what} requires that 'this' be a BigInt")))
}

fn to_string(vm: &mut Vm, a: &Args) -> JsResult<Value> {
    let b = this_bigint(vm, a, "toString")?;
    let r = a.get(vm, 0);
    let radix = if r.is_undefined() { 10.0 } else { vm.to_integer(r)? };
    if !(2.0..=36.0).contains(&radix) {
        return Err(vm.throw_range("toString() radix must be between 2 and 36"));
    }
    vm.bigint_to_string_value(b, radix as u32)
}

/// Decimal digits grouped by threes, as the default (en-US) locale writes them.
fn to_locale_string(vm: &mut Vm, a: &Args) -> JsResult<Value> {
    let b = this_bigint(vm, a, "toLocaleString")?;
    let s = vm.bigint_to_string(b, 10);
    let (sign, digits) = match s.strip_prefix('-') {
        Some(d) => ("-", d),
        None => ("", s.as_str()),
    };
    let mut out = String::with_capacity(s.len() + s.len() / 3);
    out.push_str(sign);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    vm.str_from(&out)
}

fn value_of(vm: &mut Vm, a: &Args) -> JsResult<Value> {
    this_bigint(vm, a, "valueOf")
}
