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
    def("Math.acos", acos, 1),
    def("Math.acosh", acosh, 1),
    def("Math.asin", asin, 1),
    def("Math.asinh", asinh, 1),
    def("Math.atan", atan, 1),
    def("Math.atanh", atanh, 1),
    def("Math.atan2", atan2, 2),
    def("Math.cbrt", cbrt, 1),
    def("Math.clz32", clz32, 1),
    def("Math.cos", cos, 1),
    def("Math.cosh", cosh, 1),
    def("Math.exp", exp, 1),
    def("Math.expm1", expm1, 1),
    def("Math.fround", fround, 1),
    def("Math.hypot", hypot, 2),
    def("Math.imul", imul, 2),
    def("Math.log", log, 1),
    def("Math.log1p", log1p, 1),
    def("Math.log10", log10, 1),
    def("Math.log2", log2, 1),
    def("Math.sign", sign, 1),
    def("Math.sin", sin, 1),
    def("Math.sinh", sinh, 1),
    def("Math.tan", tan, 1),
    def("Math.tanh", tanh, 1),
    def("Math.trunc", trunc, 1),
];

pub fn init(vm: &mut Vm) -> JsResult<()> {
    let op = vm.i(I::ObjectProto);
    let m = vm.new_plain(op)?;
    let g = vm.global();
    vm.def_value(g, "Math", m, attr::WC)?;
    for d in NATIVES {
        vm.def_method(m, d.name)?;
    }
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

/// A one-argument Math function: ToNumber, then `f`.
macro_rules! unary {
    ($($name:ident => $f:expr;)*) => {
        $(fn $name(vm: &mut Vm, a: &Args) -> JsResult<Value> {
            let x = num(vm, a, 0)?;
            let f: fn(f64) -> f64 = $f;
            Ok(Value::num(f(x)))
        })*
    };
}

unary! {
    abs => f64::abs;
    floor => f64::floor;
    ceil => f64::ceil;
    sqrt => f64::sqrt;
    trunc => f64::trunc;
    acos => f64::acos;
    asin => f64::asin;
    atan => f64::atan;
    cos => f64::cos;
    sin => f64::sin;
    tan => f64::tan;
    cosh => f64::cosh;
    sinh => |x| if x == 0.0 { x } else { x.sinh() };
    tanh => |x| if x == 0.0 { x } else { x.tanh() };
    exp => f64::exp;
    expm1 => |x| if x == 0.0 { x } else { x.exp_m1() };
    log => f64::ln;
    log1p => |x| if x == 0.0 { x } else if x < -1.0 { f64::NAN } else { x.ln_1p() };
    log10 => f64::log10;
    log2 => f64::log2;
    cbrt => f64::cbrt;
    fround => |x| x as f32 as f64;
    acosh => |x| if x < 1.0 { f64::NAN } else { x.acosh() };
    asinh => |x| if x == 0.0 || !x.is_finite() { x } else { x.asinh() };
    atanh => |x| if x == 0.0 { x } else if x.abs() > 1.0 { f64::NAN } else { x.atanh() };
    sign => |x| if x.is_nan() || x == 0.0 { x } else if x > 0.0 { 1.0 } else { -1.0 };
    round => round_f;
}

/// Math.round: the nearest integer, halves toward +Infinity, -0 kept for -0.5 <= x < 0.
pub fn round_f(x: f64) -> f64 {
    if !x.is_finite() || x.fract() == 0.0 {
        return x;
    }
    let f = x.floor();
    let r = if x - f >= 0.5 { f + 1.0 } else { f };
    if r == 0.0 && x < 0.0 {
        -0.0
    } else {
        r
    }
}

fn pow(vm: &mut Vm, a: &Args) -> JsResult<Value> {
    let x = num(vm, a, 0)?;
    let y = num(vm, a, 1)?;
    Ok(Value::num(crate::interp::eval::js_pow(x, y)))
}
fn atan2(vm: &mut Vm, a: &Args) -> JsResult<Value> {
    let y = num(vm, a, 0)?;
    let x = num(vm, a, 1)?;
    Ok(Value::num(y.atan2(x)))
}
fn clz32(vm: &mut Vm, a: &Args) -> JsResult<Value> {
    let n = vm.to_uint32(a.get(vm, 0))?;
    Ok(Value::num(n.leading_zeros() as f64))
}
fn imul(vm: &mut Vm, a: &Args) -> JsResult<Value> {
    let x = vm.to_int32(a.get(vm, 0))?;
    let y = vm.to_int32(a.get(vm, 1))?;
    Ok(Value::num(x.wrapping_mul(y) as f64))
}
fn hypot(vm: &mut Vm, a: &Args) -> JsResult<Value> {
    // every argument is coerced before any result is decided
    let mut xs = Vec::with_capacity(a.argc);
    for i in 0..a.argc {
        xs.push(num(vm, a, i)?);
    }
    if xs.iter().any(|x| x.is_infinite()) {
        return Ok(Value::num(f64::INFINITY));
    }
    if xs.iter().any(|x| x.is_nan()) {
        return Ok(Value::NAN);
    }
    let m = xs.iter().fold(0.0f64, |m, x| m.max(x.abs()));
    if m == 0.0 {
        return Ok(Value::num(0.0));
    }
    if xs.len() == 2 {
        return Ok(Value::num(xs[0].hypot(xs[1])));
    }
    // scaled, with Kahan summation
    let (mut sum, mut comp) = (0.0f64, 0.0f64);
    for x in xs {
        let r = x / m;
        let y = r * r - comp;
        let t = sum + y;
        comp = (t - sum) - y;
        sum = t;
    }
    Ok(Value::num(sum.sqrt() * m))
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
    thread_local!(static STATE: Cell<u64> = const { Cell::new(0) });
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
