//! `Number`, `Number.prototype`, and `Boolean`.

use super::{def, numconv, NativeDef};
use crate::interp::access::Args;
use crate::vm::object::{attr, class};
use crate::vm::{JsResult, Value, Vm, I};

pub const NATIVES: &[NativeDef] = &[
    def("Number", number_ctor, 1),
    def("Number.prototype.toString", to_string, 1),
    def("Number.prototype.valueOf", value_of, 0),
    def("Number.prototype.toFixed", to_fixed, 1),
    def("Number.prototype.toPrecision", to_precision, 1),
    def("Number.prototype.toExponential", to_exponential, 1),
    def("Number.prototype.toLocaleString", to_locale_string, 0),
    def("Number.isInteger", is_integer, 1),
    def("Number.isSafeInteger", is_safe_integer, 1),
    def("Number.isFinite", is_finite, 1),
    def("Number.isNaN", is_nan, 1),
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
    vm.def_methods(
        np,
        &[
            "Number.prototype.toString", "Number.prototype.valueOf", "Number.prototype.toFixed", "Number.prototype.toPrecision",
            "Number.prototype.toExponential", "Number.prototype.toLocaleString",
        ],
    )?;
    vm.def_methods(c, &["Number.isInteger", "Number.isSafeInteger", "Number.isFinite", "Number.isNaN"])?;
    // Number.parseInt/parseFloat are the global functions (see `share_global_parsers`); until
    // the global object's own are installed they are functions of the same natives.
    vm.def_methods(c, &["parseInt", "parseFloat"])?;
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
    // ToNumeric, then a BigInt becomes its nearest Number
    let n = if a.argc == 0 {
        0.0
    } else {
        let v = vm.to_numeric(a.get(vm, 0))?;
        if v.is_bigint() {
            vm.bigint_to_f64(v)
        } else {
            v.as_num()
        }
    };
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

fn to_precision(vm: &mut Vm, a: &Args) -> JsResult<Value> {
    let n = this_number(vm, a)?;
    let p = a.get(vm, 0);
    if p.is_undefined() {
        return vm.number_to_string_value(n);
    }
    let p = vm.to_integer(p)?;
    if !n.is_finite() {
        return vm.number_to_string_value(n);
    }
    if !(1.0..=100.0).contains(&p) {
        return Err(vm.throw_range("toPrecision() argument must be between 1 and 100"));
    }
    let s = numconv::to_precision(n, p as u32);
    vm.str_from(&s)
}

fn to_exponential(vm: &mut Vm, a: &Args) -> JsResult<Value> {
    let n = this_number(vm, a)?;
    let fv = a.get(vm, 0);
    let f = vm.to_integer(fv)?;
    if !n.is_finite() {
        return vm.number_to_string_value(n);
    }
    if !(0.0..=100.0).contains(&f) {
        return Err(vm.throw_range("toExponential() argument must be between 0 and 100"));
    }
    let s = numconv::to_exponential(n, if fv.is_undefined() { None } else { Some(f as u32) });
    vm.str_from(&s)
}

/// en-US formatting as node prints it without ICU options: grouped integer digits and at
/// most three fraction digits ("1,234.568"), "∞" for infinities.
pub fn locale_format(n: f64) -> String {
    if n.is_nan() {
        return "NaN".into();
    }
    if n.is_infinite() {
        return if n > 0.0 { "∞".into() } else { "-∞".into() };
    }
    let neg = n < 0.0 || (n == 0.0 && n.is_sign_negative());
    let fixed = if n.abs() >= 1e21 {
        // exact integer digits of big values
        let s = numconv::to_precision(n.abs(), 21);
        let (m, e) = s.split_once('e').unwrap_or((&s, "+0"));
        let e: usize = e.trim_start_matches('+').parse().unwrap_or(0);
        let digits: String = m.chars().filter(|c| c.is_ascii_digit()).collect();
        let mut d = digits;
        while d.len() < e + 1 {
            d.push('0');
        }
        d.truncate(e + 1);
        d
    } else {
        numconv::to_fixed(n.abs(), 3)
    };
    let (int, frac) = match fixed.split_once('.') {
        Some((i, f)) => (i.to_string(), f.trim_end_matches('0').to_string()),
        None => (fixed.clone(), String::new()),
    };
    let mut out = String::new();
    if neg {
        out.push('-');
    }
    let b = int.as_bytes();
    for (i, &c) in b.iter().enumerate() {
        if i > 0 && (b.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c as char);
    }
    if !frac.is_empty() {
        out.push('.');
        out.push_str(&frac);
    }
    out
}

fn to_locale_string(vm: &mut Vm, a: &Args) -> JsResult<Value> {
    let n = this_number(vm, a)?;
    let s = locale_format(n);
    vm.str_from(&s)
}

fn is_integral(v: Value) -> bool {
    v.is_num() && v.as_num().is_finite() && v.as_num().trunc() == v.as_num()
}
fn is_integer(vm: &mut Vm, a: &Args) -> JsResult<Value> {
    Ok(Value::bool(is_integral(a.get(vm, 0))))
}
fn is_safe_integer(vm: &mut Vm, a: &Args) -> JsResult<Value> {
    let v = a.get(vm, 0);
    Ok(Value::bool(is_integral(v) && v.as_num().abs() <= 9007199254740991.0))
}
fn is_finite(vm: &mut Vm, a: &Args) -> JsResult<Value> {
    let v = a.get(vm, 0);
    Ok(Value::bool(v.is_num() && v.as_num().is_finite()))
}
fn is_nan(vm: &mut Vm, a: &Args) -> JsResult<Value> {
    let v = a.get(vm, 0);
    Ok(Value::bool(v.is_num() && v.as_num().is_nan()))
}

/// Makes `Number.parseInt`/`Number.parseFloat` the very function objects of the global
/// `parseInt`/`parseFloat` (ES2015 20.1.2.12-13). Runs after the global object's functions
/// are installed.
pub fn share_global_parsers(vm: &mut Vm) -> JsResult<()> {
    let g = vm.global();
    let ck = vm.key_from_str("Number")?;
    let Some(c) = vm.get_own(g, ck).map(|p| p.value).filter(|v| v.is_obj()) else { return Ok(()) };
    for name in ["parseInt", "parseFloat"] {
        let k = vm.key_from_str(name)?;
        if let Some(p) = vm.get_own(g, k) {
            if !p.is_accessor() && vm.is_callable(p.value) {
                vm.put(c, k, p.value, attr::WC)?;
            }
        }
    }
    Ok(())
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
