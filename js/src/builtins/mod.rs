//! Built-in objects, one module per global object.
//!
//! Native functions are referred to from the heap by their index in one table built from every
//! module's `NATIVES` list, in a fixed order. The table's names are hashed into the realm, so
//! a heap from a build with a different table refuses to open (a clear version error) instead
//! of calling the wrong function.

pub mod array;
pub mod arraybuffer;
pub mod bigint;
pub mod collections;
pub mod date;
pub mod date_math;
pub mod error;
pub mod generator;
pub mod global;
pub mod host;
pub mod json;
pub mod math;
pub mod module;
pub mod number;
pub mod numconv;
pub mod object;
pub mod proxy;
pub mod promise;
pub mod reflect;
pub mod regexp;
pub mod string;
pub mod symbol;
pub mod typedarray;
pub mod uri;

use crate::interp::access::NativeFn;
use crate::vm::object::{attr, class, flag, PropKey};
use crate::vm::{JsResult, Value, Vm, A, I};
use hashbrown::HashMap;
use std::sync::OnceLock;

pub struct NativeDef {
    /// Stable name: "Object.keys", "Array.prototype.push", "get Map.prototype.size".
    pub name: &'static str,
    pub f: NativeFn,
    pub len: u32,
}

pub const fn def(name: &'static str, f: NativeFn, len: u32) -> NativeDef {
    NativeDef { name, f, len }
}

struct Table {
    defs: Vec<&'static NativeDef>,
    by_name: HashMap<&'static str, usize>,
    hash: u64,
}

fn table() -> &'static Table {
    static T: OnceLock<Table> = OnceLock::new();
    T.get_or_init(|| {
        let lists: [&'static [NativeDef]; 23] = [
            object::NATIVES,
            global::NATIVES,
            error::NATIVES,
            array::NATIVES,
            string::NATIVES,
            number::NATIVES,
            math::NATIVES,
            symbol::NATIVES,
            json::NATIVES,
            collections::NATIVES,
            date::NATIVES,
            object::FUNCTION_NATIVES,
            regexp::NATIVES,
            reflect::NATIVES,
            uri::NATIVES,
            generator::NATIVES,
            host::NATIVES,
            arraybuffer::NATIVES,
            typedarray::NATIVES,
            bigint::NATIVES,
            promise::NATIVES,
            proxy::NATIVES,
            module::NATIVES,
        ];
        let mut defs = Vec::new();
        let mut by_name = HashMap::new();
        let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
        for l in lists {
            for d in l {
                let prev = by_name.insert(d.name, defs.len());
                assert!(prev.is_none(), "native {} defined twice", d.name);
                defs.push(d);
                for b in d.name.bytes().chain([0u8]) {
                    hash ^= b as u64;
                    hash = hash.wrapping_mul(0x1000_0000_01b3);
                }
            }
        }
        Table { defs, by_name, hash }
    })
}

pub fn natives_hash() -> u64 {
    table().hash & 0xFFFF_FFFF_FFFF
}

/// The table index of native `name`.
pub fn native_id(name: &str) -> usize {
    *table().by_name.get(name).unwrap_or_else(|| panic!("unknown native {name}"))
}

pub fn native(id: usize) -> NativeFn {
    table().defs[id].f
}

/// The property name a native is installed under ("Array.prototype.push" -> "push").
fn short_name(name: &str) -> &str {
    let n = name.strip_prefix("get ").or_else(|| name.strip_prefix("set ")).unwrap_or(name);
    if let Some(i) = n.find('[') {
        return &n[i..];
    }
    n.rsplit('.').next().unwrap_or(n)
}

impl Vm {
    /// A native function object for the table entry `name`.
    pub fn native_function(&mut self, name: &str) -> JsResult<Value> {
        let t = table();
        let id = *t.by_name.get(name).unwrap_or_else(|| panic!("unknown native {name}"));
        let d = t.defs[id];
        let fp = self.i(I::FunctionProto);
        let f = self.new_object_with(class::NATIVE, fp, 2)?;
        self.set_slot(f, 0, Value::int(id as u64));
        self.set_flags(f, flag::EXTENSIBLE | flag::CALLABLE);
        let lk = self.key_atom(A::length);
        self.put(f, lk, Value::num(d.len as f64), attr::C)?;
        let mut display = short_name(name).to_string();
        if let Some(rest) = display.strip_prefix("[Symbol.") {
            display = format!("[Symbol.{}", rest);
        }
        if name.starts_with("get ") {
            display = format!("get {display}");
        } else if name.starts_with("set ") {
            display = format!("set {display}");
        }
        let nv = self.str_from(&display)?;
        let nk = self.key_atom(A::name);
        self.put(f, nk, nv, attr::C)?;
        Ok(f)
    }

    /// Installs native `name` as a method (writable, configurable, not enumerable) of `o`.
    pub fn def_method(&mut self, o: Value, name: &str) -> JsResult<Value> {
        let f = self.native_function(name)?;
        let prop = short_name(name);
        let key = self.prop_key_for(prop)?;
        self.put(o, key, f, attr::WC)?;
        Ok(f)
    }

    pub fn def_methods(&mut self, o: Value, names: &[&str]) -> JsResult<()> {
        for n in names {
            self.def_method(o, n)?;
        }
        Ok(())
    }

    /// Installs a getter (and optional setter) native.
    pub fn def_getter(&mut self, o: Value, getter: &str, setter: Option<&str>) -> JsResult<()> {
        let g = self.native_function(getter)?;
        let s = match setter {
            Some(s) => self.native_function(s)?,
            None => Value::UNDEFINED,
        };
        let key = self.prop_key_for(short_name(getter))?;
        self.put_accessor(o, key, g, s, attr::C)
    }

    /// "[Symbol.iterator]" -> the well-known symbol; other names -> atoms.
    fn prop_key_for(&mut self, prop: &str) -> JsResult<PropKey> {
        if let Some(s) = prop.strip_prefix("[Symbol.").and_then(|r| r.strip_suffix(']')) {
            let sym = match s {
                "iterator" => I::SymIterator,
                "asyncIterator" => I::SymAsyncIterator,
                "hasInstance" => I::SymHasInstance,
                "toPrimitive" => I::SymToPrimitive,
                "toStringTag" => I::SymToStringTag,
                "species" => I::SymSpecies,
                "isConcatSpreadable" => I::SymIsConcatSpreadable,
                "unscopables" => I::SymUnscopables,
                "match" => I::SymMatch,
                "matchAll" => I::SymMatchAll,
                "replace" => I::SymReplace,
                "search" => I::SymSearch,
                "split" => I::SymSplit,
                _ => panic!("unknown well-known symbol {s}"),
            };
            return Ok(PropKey::Key(self.i(sym)));
        }
        self.key_from_str(prop)
    }

    /// A constructor native with its prototype object wired both ways; installed on the global.
    pub fn def_ctor(&mut self, name: &str, proto: Value) -> JsResult<Value> {
        let c = self.native_function(name)?;
        self.add_flags(c, flag::CONSTRUCTOR);
        let pk = self.key_atom(A::prototype);
        self.put(c, pk, proto, 0)?;
        let ck = self.key_atom(A::constructor);
        self.put(proto, ck, c, attr::WC)?;
        let g = self.global();
        let key = self.key_from_str(short_name(name))?;
        self.put(g, key, c, attr::WC)?;
        Ok(c)
    }

    /// A plain object with `proto`.
    pub fn new_plain(&mut self, proto: Value) -> JsResult<Value> {
        self.new_object_with(class::ORDINARY, proto, 0)
    }

    pub fn def_value(&mut self, o: Value, name: &str, v: Value, attrs: u8) -> JsResult<()> {
        let k = self.prop_key_for(name)?;
        self.put(o, k, v, attrs)
    }

    /// `this` as an object of class `cls`, or a TypeError naming `what`.
    pub fn this_class(&mut self, args: &crate::interp::access::Args, cls: u16, what: &str) -> JsResult<Value> {
        let t = args.this(self);
        if t.is_obj() && self.class_of(t) == cls {
            Ok(t)
        } else {
            Err(self.throw_type(&format!("{what} called on incompatible receiver")))
        }
    }
}

/// Creates the intrinsics and the global object of a new realm.
pub fn init_realm(vm: &mut Vm) -> JsResult<()> {
    // the prototypes every other object needs first
    let op = vm.new_object_with(class::ORDINARY, Value::NULL, 0)?;
    vm.set_intrinsic(I::ObjectProto, op);
    let fp = vm.new_object_with(class::NATIVE, op, 2)?;
    vm.set_intrinsic(I::FunctionProto, fp);
    let g = vm.new_object_with(class::ORDINARY, op, 0)?;
    vm.set_intrinsic(I::Global, g);
    // the global environment
    let table = vm.new_object_with(class::ORDINARY, Value::NULL, 0)?;
    let genv = vm.new_env(crate::interp::env::envk::GLOBAL, Value::UNDEFINED, Value::UNDEFINED, 1)?;
    vm.set_env_slot(genv, 0, table);
    vm.realm_mut().global_env = genv;
    let reg = vm.new_object_with(class::ORDINARY, Value::NULL, 0)?;
    vm.realm_mut().symbol_registry = reg;

    symbol::init_well_known(vm)?;
    object::init(vm)?;
    error::init(vm)?;
    array::init(vm)?;
    string::init(vm)?;
    regexp::init(vm)?;
    number::init(vm)?;
    math::init(vm)?;
    symbol::init(vm)?;
    json::init(vm)?;
    collections::init(vm)?;
    global::init(vm)?;
    date::init(vm)?;
    reflect::init(vm)?;
    uri::init(vm)?;
    generator::init(vm)?;
    host::init(vm)?;
    arraybuffer::init(vm)?;
    typedarray::init(vm)?;
    bigint::init(vm)?;
    promise::init(vm)?;
    proxy::init(vm)?;
    module::init(vm)?;
    Ok(())
}

/// A regular-expression literal.
pub fn regexp_create_literal(vm: &mut Vm, pattern: &str, flags: &str) -> JsResult<Value> {
    regexp::regexp_create_literal(vm, pattern, flags)
}
