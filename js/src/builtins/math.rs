//! `Math`.

use super::{def, NativeDef};
use crate::interp::access::Args;
use crate::vm::object::{attr, PropKey};
use crate::vm::{JsResult, Value, Vm, I};

pub const NATIVES: &[NativeDef] = &[
    def("Math.abs", abs, 1),
    def("Math.floor", floor, 1),
    def("Math.ceil", ceil, 1),
    def("Math.round", round, 1),
    def("Math.sqrt", sqrt, 1),
    def("Math.max", max, 2),
    def("Math.min", min, 2),
    def("Math.random", random, 0),
    def("Math.pow", pow, 2),
];

pub fn init(vm: &mut Vm) -> JsResult<()> {
    let op = vm.i(I::ObjectProto);
    let m = vm.new_plain(op)?;
    let g = vm.global();
    vm.def_value(g, "Math", m, attr::WC)?;
    vm.def_methods(m, &["Math.abs", "Math.floor", "Math.ceil", "Math.round", "Math.sqrt", "Math.max", "Math.min", "Math.random", "Math.pow"])?;
    for (n, v) in [
        ("PI", std::f64::consts::PI),
        ("E", std::f64::consts::E),
        ("LN2", std::f64::consts::LN_2),
        ("LN10", std::f64::consts::LN_10),
        ("LOG2E", std::f64::consts::LOG2_E),
        ("LOG10E", std::f64::consts::LOG10_E),
        ("SQRT2", std::f64::consts::SQRT_2),
        ("SQRT1_2", std::f64::consts::FRAC_1_SQRT_2),
    ] {
        vm.def_value(m, n, Value::num(v), 0)?;
    }
    let tag = vm.str_from("Math")?;
    let tk = vm.i(I::SymToStringTag);
    vm.put(m, PropKey::Key(tk), tag, attr::C)?;
    Ok(())
}

fn num(vm: &mut Vm, a: &Args, i: usize) -> JsResult<f64> {
    vm.to_number(a.get(vm, i))
}
fn abs(vm: &mut Vm, a: &Args) -> JsResult<Value> {
    Ok(Value::num(num(vm, a, 0)?.abs()))
}
fn floor(vm: &mut Vm, a: &Args) -> JsResult<Value> {
    Ok(Value::num(num(vm, a, 0)?.floor()))
}
fn ceil(vm: &mut Vm, a: &Args) -> JsResult<Value> {
    Ok(Value::num(num(vm, a, 0)?.ceil()))
}
fn round(vm: &mut Vm, a: &Args) -> JsResult<Value> {
    let x = num(vm, a, 0)?;
    if !x.is_finite() || x == 0.0 {
        return Ok(Value::num(x));
    }
    if x > 0.0 && x < 0.5 {
        return Ok(Value::num(0.0));
    }
    if x < 0.0 && x >= -0.5 {
        return Ok(Value::num(-0.0));
    }
    Ok(Value::num((x + 0.5).floor()))
}
fn sqrt(vm: &mut Vm, a: &Args) -> JsResult<Value> {
    Ok(Value::num(num(vm, a, 0)?.sqrt()))
}
fn pow(vm: &mut Vm, a: &Args) -> JsResult<Value> {
    let x = num(vm, a, 0)?;
    let y = num(vm, a, 1)?;
    Ok(Value::num(crate::interp::eval::js_pow(x, y)))
}
fn max(vm: &mut Vm, a: &Args) -> JsResult<Value> {
    let mut r = f64::NEG_INFINITY;
    let mut nan = false;
    for i in 0..a.argc {
        let x = num(vm, a, i)?;
        if x.is_nan() {
            nan = true;
        } else if x > r || (x == 0.0 && r == 0.0 && !x.is_sign_negative()) {
            r = x;
        }
    }
    Ok(Value::num(if nan { f64::NAN } else { r }))
}
fn min(vm: &mut Vm, a: &Args) -> JsResult<Value> {
    let mut r = f64::INFINITY;
    let mut nan = false;
    for i in 0..a.argc {
        let x = num(vm, a, i)?;
        if x.is_nan() {
            nan = true;
        } else if x < r || (x == 0.0 && r == 0.0 && x.is_sign_negative()) {
            r = x;
        }
    }
    Ok(Value::num(if nan { f64::NAN } else { r }))
}
fn random(_vm: &mut Vm, _a: &Args) -> JsResult<Value> {
    use std::cell::Cell;
    thread_local!(static STATE: Cell<u64> = Cell::new(0));
    let x = STATE.with(|s| {
        let mut x = s.get();
        if x == 0 {
            x = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_nanos() as u64).unwrap_or(1) | 1;
        }
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        s.set(x);
        x
    });
    Ok(Value::num((x >> 11) as f64 / (1u64 << 53) as f64))
}
