//! `require(name)`: the built-in modules compiled into the binary (today only "ken/model", the
//! framework in `framework/model.js`). A module is evaluated once per heap; its exports are
//! cached in `require.cache`, an ordinary heap object, so a restarted session finds them
//! without loading anything again.

use super::{def, NativeDef};
use crate::interp::access::Args;
use crate::vm::object::attr;
use crate::vm::{JsResult, Value, Vm, I};

pub const NATIVES: &[NativeDef] = &[def("require", require, 1), def("kenModule.loudSets", loud_sets, 1)];

/// (name, source) of every built-in module.
const MODULES: &[(&str, &str)] = &[("ken/model", include_str!("../../../framework/model.js"))];

pub fn init(vm: &mut Vm) -> JsResult<()> {
    let g = vm.global();
    let req = vm.def_method(g, "require")?;
    vm.stack.push(req);
    let cache = vm.new_object_with(crate::vm::object::class::ORDINARY, Value::NULL, 0);
    let r = cache.and_then(|c| vm.def_value(req, "cache", c, attr::WC));
    vm.stack.pop();
    r
}

fn require(vm: &mut Vm, a: &Args) -> JsResult<Value> {
    let name_v = a.get(vm, 0);
    if !name_v.is_str() {
        return Err(vm.throw_type("require: the module name must be a string, e.g. require(\"ken/model\")"));
    }
    let name = vm.string_lossy(name_v);
    let Some(&(_, src)) = MODULES.iter().find(|(n, _)| *n == name) else {
        let known: Vec<&str> = MODULES.iter().map(|(n, _)| *n).collect();
        let msg = format!("Cannot find module '{name}' (built-in modules: {})", known.join(", "));
        return Err(vm.throw_error(I::ErrorProto, &msg));
    };
    let req = a.callee(vm);
    let cache = vm.get_str(req, "cache")?;
    if !cache.is_obj() {
        return Err(vm.throw_type("require.cache is not an object"));
    }
    let hit = vm.get_str(cache, &name)?;
    if !hit.is_undefined() {
        return Ok(hit);
    }
    let base = vm.stack.len();
    let r = (|| {
        vm.stack.push(cache);
        // `ken` holds the engine hooks the built-in modules need
        let wrapper = format!("(function (module, exports, require, ken) {{{src}\n}})");
        let saved = vm.env;
        let f = vm.eval_code(&wrapper, crate::interp::codeflag::EVAL, true);
        vm.env = saved;
        let f = f?;
        vm.stack.push(f);
        let op = vm.i(I::ObjectProto);
        let module = vm.new_plain(op)?;
        vm.stack.push(module);
        let exports = vm.new_plain(op)?;
        vm.stack.push(exports);
        vm.def_value(module, "exports", exports, attr::WEC)?;
        let ken = vm.new_plain(op)?;
        vm.stack.push(ken);
        vm.def_methods(ken, &["kenModule.loudSets"])?;
        vm.call(f, Value::UNDEFINED, &[module, exports, req, ken])?;
        let out = vm.get_str(module, "exports")?;
        vm.stack.push(out);
        vm.set_str(cache, &name, out)?;
        Ok(out)
    })();
    vm.stack.truncate(base);
    r
}

/// `ken.loudSets(o)`: a refused write to `o` throws a TypeError in sloppy code too (the
/// framework's records refuse unknown properties this way, having no Proxy to trap them).
fn loud_sets(vm: &mut Vm, a: &Args) -> JsResult<Value> {
    let o = a.get(vm, 0);
    if !o.is_obj() {
        return Err(vm.throw_type("loudSets: expects an object"));
    }
    let f = vm.flags(o) | crate::vm::object::flag::LOUD_SETS;
    vm.set_flags(o, f);
    Ok(o)
}
