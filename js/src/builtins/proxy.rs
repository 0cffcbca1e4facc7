//! The `Proxy` constructor and `Proxy.revocable` (the internal methods are in
//! `interp::proxy`).

use super::{def, NativeDef};
use crate::interp::access::Args;
use crate::vm::object::{attr, flag};
use crate::vm::{JsResult, Value, Vm, A};

pub const NATIVES: &[NativeDef] = &[
    def("Proxy", proxy_ctor, 2),
    def("Proxy.revocable", revocable, 2),
    def("%ProxyRevoke%", revoke, 0),
];

pub fn init(vm: &mut Vm) -> JsResult<()> {
    let p = vm.native_function("Proxy")?;
    vm.stack.push(p);
    vm.add_flags(p, flag::CONSTRUCTOR);
    vm.def_method(p, "Proxy.revocable")?;
    let g = vm.global();
    vm.def_value(g, "Proxy", p, attr::WC)?;
    vm.stack.pop();
    Ok(())
}

fn create(vm: &mut Vm, a: &Args) -> JsResult<Value> {
    let (t, h) = (a.get(vm, 0), a.get(vm, 1));
    if !t.is_obj() || !h.is_obj() {
        return Err(vm.throw_type("Cannot create proxy with a non-object as target or handler"));
    }
    vm.new_proxy(t, h)
}

fn proxy_ctor(vm: &mut Vm, a: &Args) -> JsResult<Value> {
    if !a.is_construct() {
        return Err(vm.throw_type("Constructor Proxy requires 'new'"));
    }
    create(vm, a)
}

fn revocable(vm: &mut Vm, a: &Args) -> JsResult<Value> {
    let p = create(vm, a)?;
    vm.stack.push(p);
    let f = vm.native_function("%ProxyRevoke%")?;
    vm.stack.push(f);
    // the revoke function holds its proxy in its second slot, and has an empty name
    vm.set_slot(f, 1, p);
    let nk = vm.key_atom(A::name);
    let e = vm.a(A::empty);
    vm.put(f, nk, e, attr::C)?;
    let o = vm.new_object()?;
    vm.stack.push(o);
    let pk = vm.key_from_str("proxy")?;
    vm.create_data_property(o, pk, p)?;
    let rk = vm.key_from_str("revoke")?;
    vm.create_data_property(o, rk, f)?;
    vm.stack.truncate(vm.stack.len() - 3);
    Ok(o)
}

fn revoke(vm: &mut Vm, a: &Args) -> JsResult<Value> {
    let f = a.callee(vm);
    let p = vm.slot(f, 1);
    if p.is_obj() {
        vm.set_slot(f, 1, Value::NULL);
        vm.revoke_proxy(p);
    }
    Ok(Value::UNDEFINED)
}

