//! %GeneratorFunction%, %GeneratorFunction.prototype%, %GeneratorPrototype% and
//! %AsyncFunction% (the bodies run in `interp::generator`).

use super::def;
use super::NativeDef;
use crate::interp::access::Args;
use crate::interp::generator::resume;
use crate::vm::object::{attr, class, flag};
use crate::vm::{JsResult, Value, Vm, A, I};

pub const NATIVES: &[NativeDef] = &[
    def("%GeneratorPrototype%.next", gen_next, 1),
    def("%GeneratorPrototype%.return", gen_return, 1),
    def("%GeneratorPrototype%.throw", gen_throw, 1),
    def("GeneratorFunction", generator_function, 1),
    def("AsyncFunction", async_function, 1),
    def("%AsyncFunctionAwaitFulfilled%", await_fulfilled, 1),
    def("%AsyncFunctionAwaitRejected%", await_rejected, 1),
    def("%AsyncGeneratorPrototype%.next", agen_next, 1),
    def("%AsyncGeneratorPrototype%.return", agen_return, 1),
    def("%AsyncGeneratorPrototype%.throw", agen_throw, 1),
    def("%AsyncGeneratorReturnFulfilled%", agen_return_fulfilled, 1),
    def("%AsyncGeneratorReturnRejected%", agen_return_rejected, 1),
    def("AsyncGeneratorFunction", async_generator_function, 1),
    def("%AsyncIteratorPrototype%[Symbol.asyncIterator]", async_iter_self, 0),
];

fn agen_next(vm: &mut Vm, a: &Args) -> JsResult<Value> {
    let (t, v) = (a.this(vm), arg0(vm, a));
    vm.async_generator_enqueue(t, resume::NEXT, v)
}
fn agen_return(vm: &mut Vm, a: &Args) -> JsResult<Value> {
    let (t, v) = (a.this(vm), arg0(vm, a));
    vm.async_generator_enqueue(t, resume::RETURN, v)
}
fn agen_throw(vm: &mut Vm, a: &Args) -> JsResult<Value> {
    let (t, v) = (a.this(vm), arg0(vm, a));
    vm.async_generator_enqueue(t, resume::THROW, v)
}
fn agen_return_fulfilled(vm: &mut Vm, a: &Args) -> JsResult<Value> {
    let g = super::promise::data(vm, a, 0);
    let v = arg0(vm, a);
    vm.async_generator_return_settled(g, true, v)?;
    Ok(Value::UNDEFINED)
}
fn agen_return_rejected(vm: &mut Vm, a: &Args) -> JsResult<Value> {
    let g = super::promise::data(vm, a, 0);
    let v = arg0(vm, a);
    vm.async_generator_return_settled(g, false, v)?;
    Ok(Value::UNDEFINED)
}
fn async_generator_function(vm: &mut Vm, a: &Args) -> JsResult<Value> {
    super::object::create_dynamic_function(vm, a, true, true, I::AsyncGeneratorFunctionProto)
}
fn async_iter_self(vm: &mut Vm, a: &Args) -> JsResult<Value> {
    Ok(a.this(vm))
}

fn await_fulfilled(vm: &mut Vm, a: &Args) -> JsResult<Value> {
    let state = super::promise::data(vm, a, 0);
    let v = arg0(vm, a);
    vm.resume_after_await(state, resume::NEXT, v)?;
    Ok(Value::UNDEFINED)
}
fn await_rejected(vm: &mut Vm, a: &Args) -> JsResult<Value> {
    let state = super::promise::data(vm, a, 0);
    let v = arg0(vm, a);
    vm.resume_after_await(state, resume::THROW, v)?;
    Ok(Value::UNDEFINED)
}

fn arg0(vm: &Vm, a: &Args) -> Value {
    if a.argc > 0 {
        vm.stack[a.base + 2]
    } else {
        Value::UNDEFINED
    }
}

fn this_generator(vm: &mut Vm, a: &Args, what: &str) -> JsResult<Value> {
    let t = a.this(vm);
    if t.is_obj() && vm.class_of(t) == class::GENERATOR && vm.slot(t, crate::interp::generator::G_KIND).payload() == crate::interp::generator::gkind::GENERATOR {
        Ok(t)
    } else {
        Err(vm.throw_type(&format!("{what} called on incompatible receiver")))
    }
}

fn gen_next(vm: &mut Vm, a: &Args) -> JsResult<Value> {
    let g = this_generator(vm, a, "Generator.prototype.next")?;
    let v = arg0(vm, a);
    vm.generator_resume(g, resume::NEXT, v)
}
fn gen_return(vm: &mut Vm, a: &Args) -> JsResult<Value> {
    let g = this_generator(vm, a, "Generator.prototype.return")?;
    let v = arg0(vm, a);
    vm.generator_resume(g, resume::RETURN, v)
}
fn gen_throw(vm: &mut Vm, a: &Args) -> JsResult<Value> {
    let g = this_generator(vm, a, "Generator.prototype.throw")?;
    let v = arg0(vm, a);
    vm.generator_resume(g, resume::THROW, v)
}

fn generator_function(vm: &mut Vm, a: &Args) -> JsResult<Value> {
    super::object::create_dynamic_function(vm, a, true, false, I::GeneratorFunctionProto)
}
fn async_function(vm: &mut Vm, a: &Args) -> JsResult<Value> {
    super::object::create_dynamic_function(vm, a, false, true, I::AsyncFunctionProto)
}

/// A constructor that is not a global: `ctor.prototype = proto`, `proto.constructor = ctor`
/// (both non-writable), its [[Prototype]] the `Function` constructor.
fn hidden_ctor(vm: &mut Vm, name: &str, proto: Value) -> JsResult<Value> {
    let c = vm.native_function(name)?;
    vm.add_flags(c, flag::CONSTRUCTOR);
    let fc = vm.i(I::Function);
    vm.set_proto_raw(c, fc);
    let pk = vm.key_atom(A::prototype);
    vm.put(c, pk, proto, 0)?;
    let ck = vm.key_atom(A::constructor);
    vm.put(proto, ck, c, attr::C)?;
    Ok(c)
}

pub fn init(vm: &mut Vm) -> JsResult<()> {
    let fp = vm.i(I::FunctionProto);
    let ip = vm.i(I::IteratorProto);
    // %GeneratorPrototype%
    let gp = vm.new_plain(ip)?;
    vm.set_intrinsic(I::GeneratorProto, gp);
    vm.def_methods(gp, &["%GeneratorPrototype%.next", "%GeneratorPrototype%.return", "%GeneratorPrototype%.throw"])?;
    let tag = vm.str_from("Generator")?;
    vm.def_value(gp, "[Symbol.toStringTag]", tag, attr::C)?;
    // %GeneratorFunction.prototype%
    let gfp = vm.new_plain(fp)?;
    vm.set_intrinsic(I::GeneratorFunctionProto, gfp);
    let pk = vm.key_atom(A::prototype);
    vm.put(gfp, pk, gp, attr::C)?;
    let ck = vm.key_atom(A::constructor);
    vm.put(gp, ck, gfp, attr::C)?;
    let tag = vm.str_from("GeneratorFunction")?;
    vm.def_value(gfp, "[Symbol.toStringTag]", tag, attr::C)?;
    let gf = hidden_ctor(vm, "GeneratorFunction", gfp)?;
    vm.set_intrinsic(I::GeneratorFunction, gf);
    // %AsyncFunction.prototype%
    let afp = vm.new_plain(fp)?;
    vm.set_intrinsic(I::AsyncFunctionProto, afp);
    let tag = vm.str_from("AsyncFunction")?;
    vm.def_value(afp, "[Symbol.toStringTag]", tag, attr::C)?;
    let af = hidden_ctor(vm, "AsyncFunction", afp)?;
    vm.set_intrinsic(I::AsyncFunction, af);
    // %AsyncIteratorPrototype%, %AsyncGeneratorPrototype%, %AsyncGeneratorFunction.prototype%
    let op = vm.i(I::ObjectProto);
    let aip = vm.new_plain(op)?;
    vm.set_intrinsic(I::AsyncIteratorProto, aip);
    vm.def_method(aip, "%AsyncIteratorPrototype%[Symbol.asyncIterator]")?;
    let agp = vm.new_plain(aip)?;
    vm.set_intrinsic(I::AsyncGeneratorProto, agp);
    vm.def_methods(agp, &["%AsyncGeneratorPrototype%.next", "%AsyncGeneratorPrototype%.return", "%AsyncGeneratorPrototype%.throw"])?;
    let tag = vm.str_from("AsyncGenerator")?;
    vm.def_value(agp, "[Symbol.toStringTag]", tag, attr::C)?;
    let agfp = vm.new_plain(fp)?;
    vm.set_intrinsic(I::AsyncGeneratorFunctionProto, agfp);
    let pk = vm.key_atom(A::prototype);
    vm.put(agfp, pk, agp, attr::C)?;
    let ck = vm.key_atom(A::constructor);
    vm.put(agp, ck, agfp, attr::C)?;
    let tag = vm.str_from("AsyncGeneratorFunction")?;
    vm.def_value(agfp, "[Symbol.toStringTag]", tag, attr::C)?;
    let agf = hidden_ctor(vm, "AsyncGeneratorFunction", agfp)?;
    vm.set_intrinsic(I::AsyncGeneratorFunction, agf);
    Ok(())
}
