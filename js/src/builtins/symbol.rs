//! `Symbol` and the well-known symbols.

use super::{def, NativeDef};
use crate::interp::access::Args;
use crate::vm::cells::{header, kind};
use crate::vm::object::{attr, class, PropKey};
use crate::vm::{JsResult, Value, Vm, I};

pub const NATIVES: &[NativeDef] = &[
    def("Symbol", symbol_ctor, 0),
    def("Symbol.for", symbol_for, 1),
    def("Symbol.keyFor", key_for, 1),
    def("Symbol.prototype.toString", to_string, 0),
    def("Symbol.prototype.valueOf", value_of, 0),
    def("get Symbol.prototype.description", description, 0),
    def("Symbol.prototype[Symbol.toPrimitive]", value_of, 1),
];

const WELL_KNOWN: [(&str, I); 13] = [
    ("iterator", I::SymIterator),
    ("asyncIterator", I::SymAsyncIterator),
    ("hasInstance", I::SymHasInstance),
    ("toPrimitive", I::SymToPrimitive),
    ("toStringTag", I::SymToStringTag),
    ("species", I::SymSpecies),
    ("isConcatSpreadable", I::SymIsConcatSpreadable),
    ("unscopables", I::SymUnscopables),
    ("match", I::SymMatch),
    ("matchAll", I::SymMatchAll),
    ("replace", I::SymReplace),
    ("search", I::SymSearch),
    ("split", I::SymSplit),
];

impl Vm {
    /// A new symbol with `description` (a string or undefined).
    pub fn new_symbol(&mut self, description: Value) -> JsResult<Value> {
        let off = self.alloc_cell(16, header(kind::SYMBOL, 0, 0, 1))?;
        self.set_word(off, 1, description);
        Ok(Value::symbol(off))
    }
}

pub fn init_well_known(vm: &mut Vm) -> JsResult<()> {
    for (n, i) in WELL_KNOWN {
        let d = vm.str_from(&format!("Symbol.{n}"))?;
        let s = vm.new_symbol(d)?;
        vm.set_intrinsic(i, s);
    }
    Ok(())
}

pub fn init(vm: &mut Vm) -> JsResult<()> {
    let op = vm.i(I::ObjectProto);
    let p = vm.new_plain(op)?;
    vm.set_intrinsic(I::SymbolProto, p);
    let c = vm.def_ctor("Symbol", p)?;
    vm.def_methods(c, &["Symbol.for", "Symbol.keyFor"])?;
    for (n, i) in WELL_KNOWN {
        let s = vm.i(i);
        vm.def_value(c, n, s, 0)?;
    }
    vm.def_methods(p, &["Symbol.prototype.toString", "Symbol.prototype.valueOf"])?;
    vm.def_getter(p, "get Symbol.prototype.description", None)?;
    let tp = vm.native_function("Symbol.prototype[Symbol.toPrimitive]")?;
    let k = vm.i(I::SymToPrimitive);
    vm.put(p, PropKey::Key(k), tp, attr::C)?;
    let tag = vm.str_from("Symbol")?;
    let tk = vm.i(I::SymToStringTag);
    vm.put(p, PropKey::Key(tk), tag, attr::C)?;
    Ok(())
}

fn symbol_ctor(vm: &mut Vm, a: &Args) -> JsResult<Value> {
    if a.is_construct() {
        return Err(vm.throw_type("Symbol is not a constructor"));
    }
    let d = a.get(vm, 0);
    let d = if d.is_undefined() { d } else { vm.to_string(d)? };
    vm.new_symbol(d)
}

fn this_symbol(vm: &mut Vm, a: &Args) -> JsResult<Value> {
    let t = a.this(vm);
    if t.is_sym() {
        return Ok(t);
    }
    if t.is_obj() && vm.class_of(t) == class::SYMBOL {
        return Ok(vm.slot(t, 0));
    }
    Err(vm.throw_type("Symbol.prototype method called on incompatible receiver"))
}

fn to_string(vm: &mut Vm, a: &Args) -> JsResult<Value> {
    let s = this_symbol(vm, a)?;
    let t = vm.key_display(PropKey::Key(s));
    vm.str_from(&t)
}
fn value_of(vm: &mut Vm, a: &Args) -> JsResult<Value> {
    this_symbol(vm, a)
}
fn description(vm: &mut Vm, a: &Args) -> JsResult<Value> {
    let s = this_symbol(vm, a)?;
    Ok(vm.word(s.off(), 1))
}

fn symbol_for(vm: &mut Vm, a: &Args) -> JsResult<Value> {
    let k = vm.to_string(a.get(vm, 0))?;
    vm.stack.push(k);
    let reg = vm.realm().symbol_registry;
    let key = vm.key_from_string(k)?;
    if let Some(p) = vm.get_own(reg, key) {
        vm.stack.pop();
        return Ok(p.value);
    }
    let s = vm.new_symbol(k)?;
    vm.put(reg, key, s, attr::WEC)?;
    vm.stack.pop();
    Ok(s)
}

fn key_for(vm: &mut Vm, a: &Args) -> JsResult<Value> {
    let s = a.get(vm, 0);
    if !s.is_sym() {
        return Err(vm.throw_type("Symbol.keyFor: argument is not a symbol"));
    }
    let d = vm.word(s.off(), 1);
    if d.is_str() {
        let reg = vm.realm().symbol_registry;
        let key = vm.key_from_string(d)?;
        if let Some(p) = vm.get_own(reg, key) {
            if p.value == s {
                return Ok(d);
            }
        }
    }
    Ok(Value::UNDEFINED)
}
