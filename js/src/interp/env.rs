//! Environments: heap cells `[header][parent][names][slots...]`, so closures persist.
//!
//! `names` is a LIST cell `[name atoms..., binding flags...]` shared by every environment of
//! the same scope. A function environment reserves four slots before its names: `this`, the
//! callee, `new.target`, and an object for variables a sloppy direct `eval` adds. A `with`
//! environment holds its object in slot 0; the global environment holds the global lexical
//! declarations (a null-prototype object) in slot 0 and falls back to the global object.

use crate::vm::cells::{header, kind};
use crate::vm::object::{attr, PropDesc, PropKey};
use crate::vm::{JsResult, Value, Vm, A, I};

pub mod envk {
    pub const DECL: u8 = 0;
    pub const FUNC: u8 = 1;
    pub const WITH: u8 = 2;
    pub const GLOBAL: u8 = 3;
}

pub mod bind {
    pub const MUTABLE: u64 = 1;
    /// An immutable binding whose assignment is silently ignored in sloppy code (the name of
    /// a named function expression).
    pub const SILENT: u64 = 2;
}

pub const FUNC_RESERVED: usize = 4;
pub const F_THIS: usize = 0;
pub const F_CALLEE: usize = 1;
pub const F_NEW_TARGET: usize = 2;
pub const F_EVALVARS: usize = 3;

/// Where an identifier resolved.
#[derive(Clone, Copy, Debug)]
pub enum Ref {
    /// Word index `word` of environment cell `env`.
    Slot { env: Value, word: usize, flags: u64 },
    /// A property of an object environment (the global object, a `with` object, eval vars).
    Object { obj: Value, key: PropKey },
    /// A global `let`/`const`/`class`.
    GlobalLex { table: Value, key: PropKey },
    Unresolvable { key: PropKey },
}

impl Vm {
    pub fn env_kind(&self, env: Value) -> u8 {
        (self.hdr(env.off()) >> 8) as u8
    }
    pub fn env_parent(&self, env: Value) -> Value {
        self.word(env.off(), 1)
    }
    pub fn env_slot(&self, env: Value, i: usize) -> Value {
        self.word(env.off(), 3 + i)
    }
    pub fn set_env_slot(&mut self, env: Value, i: usize, v: Value) {
        self.set_word(env.off(), 3 + i, v)
    }

    /// A new environment with `names` (a names LIST or undefined) and `reserved` extra slots
    /// before the named ones; named slots start as EMPTY (uninitialised).
    pub fn new_env(&mut self, k: u8, parent: Value, names: Value, reserved: usize) -> JsResult<Value> {
        let n = if names.is_cell() { self.cell_len(names.off()) / 2 } else { 0 };
        let len = 2 + reserved + n;
        let off = self.alloc_cell(8 + 8 * len as u64, header(kind::ENV, k, 0, len as u32))?;
        self.set_word(off, 1, parent);
        self.set_word(off, 2, names);
        for i in 0..reserved {
            self.set_word(off, 3 + i, Value::UNDEFINED);
        }
        for i in 0..n {
            self.set_word(off, 3 + reserved + i, Value::EMPTY);
        }
        Ok(Value::cell(off))
    }

    /// A names LIST for bindings `(atom, flags)`.
    pub fn new_names(&mut self, binds: &[(Value, u64)]) -> JsResult<Value> {
        let mut items: Vec<Value> = binds.iter().map(|b| b.0).collect();
        items.extend(binds.iter().map(|b| Value::int(b.1)));
        self.new_list(&items)
    }

    fn reserved_of(&self, env: Value) -> usize {
        match self.env_kind(env) {
            envk::FUNC => FUNC_RESERVED,
            envk::DECL => 0,
            _ => 1,
        }
    }

    /// Finds `name` (an atom) in the declarative part of `env`: (word index, flags).
    pub fn find_binding(&self, env: Value, name: Value) -> Option<(usize, u64)> {
        let names = self.word(env.off(), 2);
        if !names.is_cell() {
            return None;
        }
        let l = names.off();
        let n = self.cell_len(l) / 2;
        let words: &[u64] = self.heap.slice(ken::PPtr::from_offset(l + 8), n);
        let i = words.iter().position(|&w| w == name.0)?;
        let flags = self.word(l, 1 + n + i).payload();
        Some((3 + self.reserved_of(env) + i, flags))
    }

    /// ResolveBinding of an identifier reference, through its cache: a declarative binding
    /// found before is found again by walking the same number of environments, provided none
    /// of them can have gained bindings since (`with` objects, sloppy-eval vars) and the
    /// target still has the same names LIST. Environment chains are lexical, so for one
    /// reference in one piece of code the walk is the same every time.
    #[inline]
    pub fn resolve_ident(&mut self, ci: &super::CodeInfo, name: &crate::ast::Atom, c: &crate::ast::IdCache) -> JsResult<Ref> {
        let (list, epoch, meta) = c.0.get();
        if epoch == self.ic_epoch {
            let hops = (meta >> 32) & 0xFF;
            let mut env = self.env;
            let mut ok = true;
            for _ in 0..hops {
                if !env.is_cell() {
                    ok = false;
                    break;
                }
                match self.env_kind(env) {
                    envk::DECL => {}
                    envk::FUNC if !self.env_slot(env, F_EVALVARS).is_obj() => {}
                    _ => {
                        ok = false;
                        break;
                    }
                }
                env = self.env_parent(env);
            }
            if ok && env.is_cell() && self.word(env.off(), 2).0 == list {
                return Ok(Ref::Slot { env, word: ((meta >> 16) & 0xFFFF) as usize, flags: meta & 0xFFFF });
            }
        }
        let a = self.atom_of(ci, name)?;
        let (r, hops, clean) = self.resolve_walk(a)?;
        if let Ref::Slot { env, word, flags } = r {
            if clean && hops <= 0xFF && word <= 0xFFFF && flags <= 0xFFFF {
                let meta = (hops as u64) << 32 | (word as u64) << 16 | flags;
                c.0.set((self.word(env.off(), 2).0, self.ic_epoch, meta));
            }
        }
        Ok(r)
    }

    /// ResolveBinding from the current environment.
    pub fn resolve(&mut self, name: Value) -> JsResult<Ref> {
        Ok(self.resolve_walk(name)?.0)
    }

    /// ResolveBinding, also telling how many environments were passed and whether all of
    /// them were static (declarative, or function scopes without sloppy-eval vars).
    fn resolve_walk(&mut self, name: Value) -> JsResult<(Ref, u32, bool)> {
        let mut env = self.env;
        let key = PropKey::Key(name);
        let mut hops = 0u32;
        let mut clean = true;
        while env.is_cell() {
            match self.env_kind(env) {
                envk::DECL => {
                    if let Some((word, flags)) = self.find_binding(env, name) {
                        return Ok((Ref::Slot { env, word, flags }, hops, clean));
                    }
                }
                envk::FUNC => {
                    if let Some((word, flags)) = self.find_binding(env, name) {
                        return Ok((Ref::Slot { env, word, flags }, hops, clean));
                    }
                    let ev = self.env_slot(env, F_EVALVARS);
                    if ev.is_obj() {
                        clean = false;
                        if self.has_own(ev, key) {
                            return Ok((Ref::Object { obj: ev, key }, hops, false));
                        }
                    }
                }
                envk::WITH => {
                    clean = false;
                    let obj = self.env_slot(env, 0);
                    if self.has_property(obj, key)? {
                        let us = self.i(I::SymUnscopables);
                        let u = self.get(obj, PropKey::Key(us), obj)?;
                        let blocked = if u.is_obj() {
                            let b = self.get(u, key, u)?;
                            self.to_boolean(b)
                        } else {
                            false
                        };
                        if !blocked {
                            return Ok((Ref::Object { obj, key }, hops, false));
                        }
                    }
                }
                _ => {
                    let table = self.env_slot(env, 0);
                    if self.has_own(table, key) {
                        return Ok((Ref::GlobalLex { table, key }, hops, false));
                    }
                    let g = self.global();
                    if self.has_property(g, key)? {
                        return Ok((Ref::Object { obj: g, key }, hops, false));
                    }
                    return Ok((Ref::Unresolvable { key }, hops, false));
                }
            }
            env = self.env_parent(env);
            hops += 1;
        }
        Ok((Ref::Unresolvable { key }, hops, false))
    }

    pub fn get_ref(&mut self, r: Ref) -> JsResult<Value> {
        match r {
            Ref::Slot { env, word, .. } => {
                let v = self.word(env.off(), word);
                if v.is_empty() {
                    return Err(self.tdz_error(env, word));
                }
                Ok(v)
            }
            Ref::Object { obj, key } => {
                if obj == self.global() {
                    // a binding deleted between resolution and reading
                    if !self.has_property(obj, key)? {
                        let n = self.key_display(key);
                        return Err(self.throw_ref(&format!("{n} is not defined")));
                    }
                } else if self.is_proxy(obj) && !self.has_property(obj, key)? {
                    // GetBindingValue asks a `with` object again (only a proxy can tell)
                    return Ok(Value::UNDEFINED);
                }
                self.get(obj, key, obj)
            }
            Ref::GlobalLex { table, key } => {
                let p = self.get_own(table, key).map(|p| p.value).unwrap_or(Value::EMPTY);
                if p.is_empty() {
                    let n = self.key_display(key);
                    return Err(self.throw_ref(&format!("Cannot access '{n}' before initialization")));
                }
                Ok(p)
            }
            Ref::Unresolvable { key } => {
                let n = self.key_display(key);
                Err(self.throw_ref(&format!("{n} is not defined")))
            }
        }
    }

    fn tdz_error(&mut self, env: Value, word: usize) -> crate::vm::Throw {
        let names = self.word(env.off(), 2);
        let i = word - 3 - self.reserved_of(env);
        let n = self.list_get(names, i);
        let s = if n.is_str() { self.string_lossy(n) } else { "?".into() };
        self.throw_ref(&format!("Cannot access '{s}' before initialization"))
    }

    /// PutValue to a resolved reference.
    pub fn put_ref(&mut self, r: Ref, v: Value, strict: bool) -> JsResult<()> {
        match r {
            Ref::Slot { env, word, flags } => {
                let cur = self.word(env.off(), word);
                if cur.is_empty() {
                    return Err(self.tdz_error(env, word));
                }
                if flags & bind::MUTABLE == 0 {
                    if flags & bind::SILENT != 0 && !strict {
                        return Ok(());
                    }
                    return Err(self.throw_type("Assignment to constant variable."));
                }
                self.set_word(env.off(), word, v);
                Ok(())
            }
            Ref::Object { obj, key } => {
                // SetMutableBinding asks the object again (the global only in strict code, where
                // a missing binding is an error; a `with` proxy can tell)
                let recheck = (strict && obj == self.global()) || self.is_proxy(obj);
                if recheck && !self.has_property(obj, key)? && strict {
                    let n = self.key_display(key);
                    return Err(self.throw_ref(&format!("{n} is not defined")));
                }
                self.put_value(obj, key, v, strict)
            }
            Ref::GlobalLex { table, key } => {
                let p = self.get_own(table, key).unwrap();
                if p.value.is_empty() {
                    let n = self.key_display(key);
                    return Err(self.throw_ref(&format!("Cannot access '{n}' before initialization")));
                }
                if !p.writable() {
                    return Err(self.throw_type("Assignment to constant variable."));
                }
                self.put(table, key, v, p.attrs)?;
                Ok(())
            }
            Ref::Unresolvable { key } => {
                if strict {
                    let n = self.key_display(key);
                    return Err(self.throw_ref(&format!("{n} is not defined")));
                }
                let g = self.global();
                self.put_value(g, key, v, false)
            }
        }
    }

    /// Initialises a binding (let/const/class/param/function), ignoring TDZ and mutability.
    pub fn init_ref(&mut self, r: Ref, v: Value) -> JsResult<()> {
        match r {
            Ref::Slot { env, word, .. } => {
                self.set_word(env.off(), word, v);
                Ok(())
            }
            Ref::GlobalLex { table, key } => {
                let a = self.get_own(table, key).map(|p| p.attrs).unwrap_or(attr::W | attr::E);
                self.put(table, key, v, a)?;
                Ok(())
            }
            Ref::Object { obj, key } => {
                self.set(obj, key, v, obj)?;
                Ok(())
            }
            Ref::Unresolvable { key } => {
                let g = self.global();
                self.set(g, key, v, g)?;
                Ok(())
            }
        }
    }

    /// Initialises `name` in exactly `env` (the innermost declaring scope).
    pub fn init_binding(&mut self, env: Value, name: Value, v: Value) -> JsResult<()> {
        match self.env_kind(env) {
            envk::GLOBAL => {
                let table = self.env_slot(env, 0);
                let key = PropKey::Key(name);
                if let Some(p) = self.get_own(table, key) {
                    self.put(table, key, v, p.attrs)?;
                } else {
                    let g = self.global();
                    self.set(g, key, v, g)?;
                }
                Ok(())
            }
            _ => {
                if let Some((word, _)) = self.find_binding(env, name) {
                    self.set_word(env.off(), word, v);
                    return Ok(());
                }
                if self.env_kind(env) == envk::FUNC {
                    let ev = self.env_slot(env, F_EVALVARS);
                    if ev.is_obj() {
                        self.set(ev, PropKey::Key(name), v, ev)?;
                    }
                }
                Ok(())
            }
        }
    }

    /// The nearest function environment (for `this`, `new.target`, `super`), if any.
    pub fn function_env(&self) -> Option<Value> {
        let mut env = self.env;
        while env.is_cell() {
            if self.env_kind(env) == envk::FUNC {
                return Some(env);
            }
            env = self.env_parent(env);
        }
        None
    }

    /// ResolveThisBinding.
    pub fn this_value(&mut self) -> JsResult<Value> {
        match self.function_env() {
            Some(fe) => {
                let t = self.env_slot(fe, F_THIS);
                if t.is_empty() {
                    return Err(self.throw_ref("Must call super constructor in derived class before accessing 'this' or returning from derived constructor"));
                }
                Ok(t)
            }
            None => Ok(self.global_this()),
        }
    }

    pub fn global_this(&self) -> Value {
        self.global()
    }

    /// Declares a global `var`/function name (CanDeclareGlobalVar + CreateGlobalVarBinding).
    pub fn declare_global_var(&mut self, name: Value, deletable: bool) -> JsResult<()> {
        let g = self.global();
        let k = PropKey::Key(name);
        if !self.has_own(g, k) && self.is_extensible(g) {
            let a = if deletable { attr::WEC } else { attr::W | attr::E };
            self.define_own(g, k, PropDesc::data(Value::UNDEFINED, a))?;
        }
        Ok(())
    }

    /// The global environment cell.
    pub fn global_env(&self) -> Value {
        self.realm_ref().global_env
    }

    pub fn this_atom(&self) -> Value {
        self.a(A::this_)
    }
}
