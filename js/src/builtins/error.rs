//! `Error` and the native error types.

use super::{def, NativeDef};
use crate::interp::access::Args;
use crate::vm::object::{attr, class};
use crate::vm::{JsResult, Value, Vm, A, I};

pub const NATIVES: &[NativeDef] = &[
    def("Error", error_ctor, 1),
    def("TypeError", error_ctor, 1),
    def("RangeError", error_ctor, 1),
    def("SyntaxError", error_ctor, 1),
    def("ReferenceError", error_ctor, 1),
    def("EvalError", error_ctor, 1),
    def("URIError", error_ctor, 1),
    def("Error.prototype.toString", to_string, 0),
    def("AggregateError", aggregate_error_ctor, 2),
];

const KINDS: [(&str, I); 7] = [
    ("Error", I::ErrorProto),
    ("TypeError", I::TypeErrorProto),
    ("RangeError", I::RangeErrorProto),
    ("SyntaxError", I::SyntaxErrorProto),
    ("ReferenceError", I::ReferenceErrorProto),
    ("EvalError", I::EvalErrorProto),
    ("URIError", I::URIErrorProto),
];

pub fn init(vm: &mut Vm) -> JsResult<()> {
    let op = vm.i(I::ObjectProto);
    let mut base_ctor = Value::UNDEFINED;
    for (name, pi) in KINDS {
        let parent = if name == "Error" { op } else { vm.i(I::ErrorProto) };
        let p = vm.new_plain(parent)?;
        vm.set_intrinsic(pi, p);
        let c = vm.def_ctor(name, p)?;
        if name == "Error" {
            base_ctor = c;
            vm.def_method(p, "Error.prototype.toString")?;
            let e = vm.a(A::empty);
            vm.def_value(p, "message", e, attr::WC)?;
        } else {
            vm.set_proto_raw(c, base_ctor);
            let e = vm.a(A::empty);
            vm.def_value(p, "message", e, attr::WC)?;
        }
        let n = vm.str_from(name)?;
        vm.def_value(p, "name", n, attr::WC)?;
    }
    let ep = vm.i(I::ErrorProto);
    let p = vm.new_plain(ep)?;
    vm.set_intrinsic(I::AggregateErrorProto, p);
    let c = vm.def_ctor("AggregateError", p)?;
    vm.set_proto_raw(c, base_ctor);
    let e = vm.a(A::empty);
    vm.def_value(p, "message", e, attr::WC)?;
    let n = vm.str_from("AggregateError")?;
    vm.def_value(p, "name", n, attr::WC)?;
    Ok(())
}

/// `AggregateError(errors, message, options)`: the error, its cause, then `errors` as an
/// array of the iterable's values.
fn aggregate_error_ctor(vm: &mut Vm, a: &Args) -> JsResult<Value> {
    let callee = a.callee(vm);
    let nt = if a.is_construct() { a.new_target } else { callee };
    let p = vm.proto_from_ctor(nt, I::AggregateErrorProto)?;
    let e = vm.new_object_with(class::ERROR, p, 0)?;
    let base = vm.stack.len();
    vm.stack.push(e);
    let r = (|| {
        let m = a.get(vm, 1);
        if !m.is_undefined() {
            let s = vm.to_string(m)?;
            let mk = vm.key_atom(A::message);
            vm.put(e, mk, s, attr::WC)?;
        }
        let opts = a.get(vm, 2);
        if opts.is_obj() {
            let ck = vm.key_atom(A::cause);
            if vm.has_property(opts, ck)? {
                let c = vm.get(opts, ck, opts)?;
                vm.put(e, ck, c, attr::WC)?;
            }
        }
        let errors = a.get(vm, 0);
        let items = vm.iterate_to_vec(errors)?;
        let list = vm.new_array(&items)?;
        let ek = vm.key_atom(A::errors);
        vm.put(e, ek, list, attr::WC)?;
        vm.add_stack_property(e)
    })();
    vm.stack.truncate(base);
    r.map(|_| e)
}

fn error_ctor(vm: &mut Vm, a: &Args) -> JsResult<Value> {
    let callee = a.callee(vm);
    let nk = vm.key_atom(A::name);
    let n = vm.get(callee, nk, callee)?;
    let name = vm.string_lossy(n);
    let pi = KINDS.iter().find(|k| k.0 == name).map(|k| k.1).unwrap_or(I::ErrorProto);
    let nt = if a.is_construct() { a.new_target } else { callee };
    let p = vm.proto_from_ctor(nt, pi)?;
    let e = vm.new_object_with(class::ERROR, p, 0)?;
    vm.stack.push(e);
    let m = a.get(vm, 0);
    if !m.is_undefined() {
        let s = vm.to_string(m)?;
        let mk = vm.key_atom(A::message);
        vm.put(e, mk, s, attr::WC)?;
    }
    let opts = a.get(vm, 1);
    if opts.is_obj() {
        let ck = vm.key_atom(A::cause);
        if vm.has_property(opts, ck)? {
            let c = vm.get(opts, ck, opts)?;
            vm.put(e, ck, c, attr::WC)?;
        }
    }
    vm.add_stack_property(e)?;
    vm.stack.pop();
    Ok(e)
}

fn to_string(vm: &mut Vm, a: &Args) -> JsResult<Value> {
    let o = a.this(vm);
    if !o.is_obj() {
        return Err(vm.throw_type("Error.prototype.toString called on non-object"));
    }
    let nk = vm.key_atom(A::name);
    let n = vm.get(o, nk, o)?;
    let n = if n.is_undefined() { vm.str_from("Error")? } else { vm.to_string(n)? };
    vm.stack.push(n);
    let mk = vm.key_atom(A::message);
    let m = vm.get(o, mk, o);
    let m = match m {
        Ok(m) if m.is_undefined() => Ok(vm.a(A::empty)),
        Ok(m) => vm.to_string(m),
        Err(t) => Err(t),
    };
    vm.stack.pop();
    let m = m?;
    // UTF-16 throughout, so lone surrogates survive
    let (nu, mu) = (vm.units(n), vm.units(m));
    if nu.is_empty() {
        return Ok(m);
    }
    if mu.is_empty() {
        return Ok(n);
    }
    let mut out = Vec::with_capacity(nu.len() + 2 + mu.len());
    out.extend_from_slice(nu);
    out.extend_from_slice(&[b':' as u16, b' ' as u16]);
    out.extend_from_slice(mu);
    Ok(vm.new_string(&out)?)
}

impl Vm {
    /// Gives a new error object its `stack` string ("Name: message\n    at ...").
    /// Gives a new error its `stack`, as node writes it: "Name: message", then one line per
    /// running call, innermost first (at most 10), with the function's name and the line and
    /// column of the call or `new` it was evaluating (for errors the engine throws: of the
    /// last one it evaluated). An own, writable, configurable, non-enumerable data property.
    pub fn add_stack_property(&mut self, e: Value) -> JsResult<()> {
        let (name, message) = self.describe_exception(e);
        let mut text = if message.is_empty() { name } else { format!("{name}: {message}") };
        let frames: Vec<(Value, Value, u32)> = self.frames.iter().rev().take(STACK_LIMIT).copied().collect();
        for (f, code, pos) in frames {
            let (line, col) = line_column(self.code_text(code), pos as usize);
            let fname = if f.is_obj() {
                let nk = self.key_atom(A::name);
                match self.get_own(f, nk) {
                    Some(p) if p.value.is_str() && self.str_len(p.value) > 0 => Some(self.string_lossy(p.value)),
                    _ => Some("<anonymous>".to_string()),
                }
            } else {
                None
            };
            match fname {
                Some(n) => text.push_str(&format!("\n    at {n} ({line}:{col})")),
                None => text.push_str(&format!("\n    at {line}:{col}")),
            }
        }
        let s = self.str_from(&text)?;
        let sk = self.key_atom(A::stack);
        self.put(e, sk, s, attr::WC)?;
        Ok(())
    }

    /// "Name: message" of a thrown value, for reports of uncaught exceptions.
    pub fn describe_exception(&mut self, v: Value) -> (String, String) {
        if v.is_obj() {
            let nk = self.key_atom(A::name);
            let mk = self.key_atom(A::message);
            self.stack.push(v);
            let mut n = self.get(v, nk, v).ok().filter(|n| n.is_str()).map(|n| self.string_lossy(n));
            let m = self.get(v, mk, v).ok().filter(|m| m.is_str()).map(|m| self.string_lossy(m));
            if n.is_none() && m.is_some() {
                // an error-like object without a name (the test harness's Test262Error): its
                // constructor's name
                let ck = self.key_atom(A::constructor);
                let c = self.get(v, ck, v).ok().filter(|c| c.is_obj());
                n = c.and_then(|c| self.get(c, nk, c).ok()).filter(|n| n.is_str() && self.str_len(*n) > 0).map(|n| self.string_lossy(n));
            }
            self.stack.pop();
            if self.class_of(v) == class::ERROR || n.is_some() && m.is_some() {
                return (n.unwrap_or_else(|| "Error".into()), m.unwrap_or_default());
            }
        }
        let s = crate::display::inspect(self, v).unwrap_or_else(|_| "exception".into());
        (String::new(), s)
    }
}

/// Node's `Error.stackTraceLimit`.
const STACK_LIMIT: usize = 10;

/// 1-based line and column (in characters) of byte offset `pos` of `src`.
fn line_column(src: &str, pos: usize) -> (usize, usize) {
    let pos = pos.min(src.len());
    let before = src.get(..pos).unwrap_or(src);
    let line = before.matches('\n').count() + 1;
    let col = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, col)
}
