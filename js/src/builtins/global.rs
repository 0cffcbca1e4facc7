//! The global object's own functions and values: `print`, `console`, `eval`, `parseInt`, ...

use super::{def, numconv, NativeDef};
use crate::interp::access::Args;
use crate::vm::object::{attr, PropKey};
use crate::vm::{JsResult, Output, Value, Vm, I};

pub const NATIVES: &[NativeDef] = &[
    def("print", print, 0),
    def("console.log", print, 0),
    def("console.error", console_error, 0),
    def("eval", eval, 1),
    def("isNaN", is_nan, 1),
    def("isFinite", is_finite, 1),
    def("parseInt", parse_int, 2),
    def("parseFloat", parse_float, 1),
    def("$262.evalScript", eval_script, 1),
];

/// The global object's `$262` (made if absent): every test262 host hook hangs from it.
pub fn test262_host_object(vm: &mut Vm) -> JsResult<Value> {
    let g = vm.global();
    let k = vm.key_from_str("$262")?;
    if let Some(p) = vm.get_own(g, k) {
        if p.value.is_obj() {
            return Ok(p.value);
        }
    }
    let op = vm.i(I::ObjectProto);
    let h = vm.new_plain(op)?;
    vm.put(g, k, h, attr::WC)?;
    Ok(h)
}

/// Installs the test262 host object `$262` (`global`, `evalScript`) on the global object.
/// Only the conformance runner asks for it; it is not part of the realm.
pub fn install_test262_host(vm: &mut Vm) -> JsResult<()> {
    let g = vm.global();
    let host = test262_host_object(vm)?;
    vm.def_methods(host, &["$262.evalScript"])?;
    vm.def_value(host, "global", g, attr::WC)
}

/// `$262.evalScript(source)`: runs `source` as a new script (ScriptEvaluation) in the
/// global environment and returns its completion value.
fn eval_script(vm: &mut Vm, a: &Args) -> JsResult<Value> {
    let src = a.get(vm, 0);
    let text = vm.to_string(src)?;
    let text = vm.string_lossy(text);
    let program = match crate::parse_script(&text, false) {
        Ok(p) => p,
        Err(e) => return Err(vm.throw_syntax(&e.message)),
    };
    let saved = vm.env;
    let saved_cv = vm.cv;
    vm.stack.push(saved_cv);
    let r = vm.run_script(&text, program);
    vm.stack.pop();
    vm.env = saved;
    vm.cv = saved_cv;
    r
}

pub fn init(vm: &mut Vm) -> JsResult<()> {
    let g = vm.global();
    vm.def_methods(g, &["print", "isNaN", "isFinite", "parseInt", "parseFloat"])?;
    let e = vm.def_method(g, "eval")?;
    vm.set_intrinsic(I::Eval, e);
    let op = vm.i(I::ObjectProto);
    let console = vm.new_plain(op)?;
    vm.def_methods(console, &["console.log", "console.error"])?;
    vm.def_value(g, "console", console, attr::WC)?;
    vm.def_value(g, "globalThis", g, attr::WC)?;
    vm.def_value(g, "NaN", Value::NAN, 0)?;
    vm.def_value(g, "Infinity", Value::num(f64::INFINITY), 0)?;
    vm.def_value(g, "undefined", Value::UNDEFINED, 0)?;
    Ok(())
}

/// The text `print` writes for its arguments (strings as they are, others inspected).
fn line(vm: &mut Vm, a: &Args) -> JsResult<String> {
    let mut parts = Vec::new();
    for i in 0..a.argc {
        let v = a.get(vm, i);
        parts.push(if v.is_str() { vm.string_lossy(v) } else { crate::display::inspect(vm, v)? });
    }
    Ok(parts.join(" "))
}

pub fn emit(vm: &mut Vm, s: String, err: bool) {
    match &mut vm.output {
        Output::Immediate => {
            use std::io::Write;
            if err {
                let _ = writeln!(std::io::stderr(), "{s}");
            } else {
                let mut o = std::io::stdout().lock();
                let _ = writeln!(o, "{s}");
            }
        }
        Output::Buffered(b) => b.push(s),
    }
}

fn print(vm: &mut Vm, a: &Args) -> JsResult<Value> {
    let s = line(vm, a)?;
    emit(vm, s, false);
    Ok(Value::UNDEFINED)
}

fn console_error(vm: &mut Vm, a: &Args) -> JsResult<Value> {
    let s = line(vm, a)?;
    emit(vm, s, true);
    Ok(Value::UNDEFINED)
}

fn eval(vm: &mut Vm, a: &Args) -> JsResult<Value> {
    let src = a.get(vm, 0);
    if !src.is_str() {
        return Ok(src);
    }
    let text = vm.string_lossy(src);
    let saved = vm.env;
    let r = vm.eval_code(&text, crate::interp::codeflag::EVAL, true);
    vm.env = saved;
    r
}

fn is_nan(vm: &mut Vm, a: &Args) -> JsResult<Value> {
    Ok(Value::bool(vm.to_number(a.get(vm, 0))?.is_nan()))
}
fn is_finite(vm: &mut Vm, a: &Args) -> JsResult<Value> {
    Ok(Value::bool(vm.to_number(a.get(vm, 0))?.is_finite()))
}
fn parse_int(vm: &mut Vm, a: &Args) -> JsResult<Value> {
    let s = vm.to_string(a.get(vm, 0))?;
    vm.stack.push(s);
    let r = vm.to_int32(a.get(vm, 1));
    vm.stack.pop();
    let r = r?;
    Ok(Value::num(numconv::parse_int(vm.units(s), r)))
}
fn parse_float(vm: &mut Vm, a: &Args) -> JsResult<Value> {
    let s = vm.to_string(a.get(vm, 0))?;
    Ok(Value::num(numconv::parse_float(vm.units(s))))
}

#[allow(dead_code)]
fn key(vm: &mut Vm, s: &str) -> JsResult<PropKey> {
    vm.key_from_str(s)
}
