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
    /// A declarative scope that is a var scope of its own: the body of a function whose
    /// parameters have expressions, an arrow function containing a direct eval. Slot 0
    /// holds the object of variables a sloppy direct `eval` adds.
    pub const VAR: u8 = 4;
}

pub mod bind {
    pub const MUTABLE: u64 = 1;
    /// An immutable binding whose assignment is silently ignored in sloppy code (the name of
    /// a named function expression).
    pub const SILENT: u64 = 2;
    /// A binding of a var scope that a direct eval's `var` must not redeclare (SyntaxError):
    /// the top-level lexical declarations of a function body, and the parameters (and
    /// `arguments`) of a function whose parameters have expressions while they run.
    pub const LEXICAL: u64 = 4;
    /// A catch clause parameter (B.3.4: a direct eval's `var` may redeclare it).
    pub const CATCH: u64 = 8;
}

pub const FUNC_RESERVED: usize = 4;
/// Header bit (the cell header's spare field) of a class field initializer's environment.
const FIELD_INIT_ENV: u64 = 1 << 16;
pub const F_THIS: usize = 0;
pub const F_CALLEE: usize = 1;
pub const F_NEW_TARGET: usize = 2;
pub const F_EVALVARS: usize = 3;

/// Kinds of a cached identifier resolution (`ast::IdCache`, the top two bits of its meta
/// word): 0 is a declarative binding.
const ID_GLOBAL_OBJ: u64 = 1;
const ID_GLOBAL_LEX: u64 = 2;

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
    /// Word `i` of environment `env` (0 the header, 1 the parent, 2 the names LIST, then
    /// the slots), a heap cell or a volatile frame on the stack.
    #[inline(always)]
    pub fn env_word(&self, env: Value, i: usize) -> Value {
        if env.is_cell() {
            self.word(env.off(), i)
        } else {
            self.stack[env.frame_index() + i]
        }
    }
    #[inline(always)]
    pub fn set_env_word(&mut self, env: Value, i: usize, v: Value) {
        if env.is_cell() {
            self.set_word(env.off(), i, v)
        } else {
            self.stack[env.frame_index() + i] = v
        }
    }
    /// Whether `v` is an environment (a cell or a frame), the end test of chain walks.
    #[inline(always)]
    pub fn is_env(v: Value) -> bool {
        v.is_cell() || v.is_frame()
    }
    #[inline]
    fn env_hdr(&self, env: Value) -> u64 {
        self.env_word(env, 0).0
    }
    /// The number of words after the header.
    #[inline]
    pub fn env_len(&self, env: Value) -> usize {
        (self.env_hdr(env) >> 32) as usize
    }
    #[inline]
    pub fn env_kind(&self, env: Value) -> u8 {
        (self.env_hdr(env) >> 8) as u8
    }
    #[inline]
    pub fn env_parent(&self, env: Value) -> Value {
        self.env_word(env, 1)
    }
    #[inline]
    pub fn env_slot(&self, env: Value, i: usize) -> Value {
        self.env_word(env, 3 + i)
    }
    #[inline]
    pub fn set_env_slot(&mut self, env: Value, i: usize, v: Value) {
        self.set_env_word(env, 3 + i, v)
    }

    /// A volatile frame: an environment like [`Vm::new_env`]'s whose words are pushed on
    /// `stack` instead of allocated in the heap. The caller must truncate the stack back to
    /// the frame's index when the scope ends, and must make it only for code that cannot keep
    /// a reference to it past then (no closure, class, direct eval or arguments object can
    /// be made in it, no generator or async body): a heap cell may name a frame (a block
    /// scope's parent) only while the frame lives. The frame's words are roots, as all of
    /// `stack` is; its value is not a pointer, so cells naming it are never traced into it.
    ///
    /// The frame of a call with simple parameters: `this`, the callee and `new.target` in
    /// the reserved slots (none for an arrow), then the `leading` parameters and vars, from
    /// the arguments at `stack[base + 2..]` or undefined, then the lexical names (EMPTY).
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn push_call_frame(&mut self, k: u8, parent: Value, names: Value, arrow: bool, fixed: [Value; 3], base: usize, argc: usize, nparams: usize, leading: usize) -> Value {
        let n = if names.is_cell() { self.cell_len(names.off()) / 2 } else { 0 };
        let reserved = if arrow { 0 } else { FUNC_RESERVED };
        let len = 2 + reserved + n;
        let at = self.stack.len();
        self.stack.reserve(len + 1);
        self.stack.push(Value(header(kind::ENV, k, 0, len as u32)));
        self.stack.push(parent);
        self.stack.push(names);
        if !arrow {
            self.stack.extend_from_slice(&fixed);
            self.stack.push(Value::UNDEFINED);
        }
        let given = argc.min(nparams).min(leading);
        self.stack.extend_from_within(base + 2..base + 2 + given);
        for _ in given..leading {
            self.stack.push(Value::UNDEFINED);
        }
        for _ in leading..n {
            self.stack.push(Value::EMPTY);
        }
        Value::frame(at)
    }

    /// A block scope of a frame function as a frame over the current one (a frame): its
    /// names start EMPTY. [`Vm::pop_block_frame`] ends it.
    pub(crate) fn push_block_frame(&mut self, names: Value) -> Value {
        debug_assert!(self.env.is_frame());
        let n = if names.is_cell() { self.cell_len(names.off()) / 2 } else { 0 };
        let at = self.stack.len();
        self.stack.reserve(3 + n);
        self.stack.push(Value(header(kind::ENV, envk::DECL, 0, (2 + n) as u32)));
        self.stack.push(self.env);
        self.stack.push(names);
        for _ in 0..n {
            self.stack.push(Value::EMPTY);
        }
        Value::frame(at)
    }

    /// Drops block frame `env` (the stack back to `sp`, its index or below what was pushed
    /// in it). A `this` hint naming it is forgotten, since the index will name other scopes.
    pub(crate) fn pop_block_frame(&mut self, env: Value, sp: usize) {
        debug_assert!(sp <= env.frame_index());
        self.stack.truncate(sp);
        if self.this_hint.0 == env {
            self.this_hint.2 = 0;
        }
    }

    /// A new environment with `names` (a names LIST or undefined) and `reserved` extra slots
    /// before the named ones; named slots start as EMPTY (uninitialised).
    pub fn new_env(&mut self, k: u8, parent: Value, names: Value, reserved: usize) -> JsResult<Value> {
        let n = if names.is_cell() { self.cell_len(names.off()) / 2 } else { 0 };
        let len = 2 + reserved + n;
        let body = (0..len).map(|i| match i {
            0 => parent,
            1 => names,
            i if i < 2 + reserved => Value::UNDEFINED,
            _ => Value::EMPTY,
        });
        let off = self.alloc_cell_with(header(kind::ENV, k, 0, len as u32), body)?;
        Ok(Value::cell(off))
    }

    /// A names LIST for bindings `(atom, flags)`.
    pub fn new_names(&mut self, binds: &[(Value, u64)]) -> JsResult<Value> {
        let mut items: Vec<Value> = binds.iter().map(|b| b.0).collect();
        items.extend(binds.iter().map(|b| Value::int(b.1)));
        self.new_list(&items)
    }

    /// Marks a function environment made for a class field initializer (a direct eval in it
    /// must not mention `arguments`), in its header's spare bits.
    pub fn mark_field_init_env(&mut self, env: Value) {
        let h = self.hdr(env.off());
        self.heap.write(ken::PPtr::<u64>::from_offset(env.off()), h | FIELD_INIT_ENV);
    }

    pub fn is_field_init_env(&self, env: Value) -> bool {
        self.env_hdr(env) & FIELD_INIT_ENV != 0
    }

    /// The slot of `env` holding the object of sloppy-eval variables, if it is a var scope
    /// that can have one.
    #[inline]
    pub fn eval_vars_slot(&self, env: Value) -> Option<usize> {
        match self.env_kind(env) {
            envk::FUNC => Some(F_EVALVARS),
            envk::VAR => Some(0),
            _ => None,
        }
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
        let names = self.env_word(env, 2);
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

    /// ResolveBinding of an identifier reference, through its cache. Environment chains are
    /// lexical, so for one reference in one piece of code the walk passes the same scopes
    /// every time; a binding found before is found again by following the same number of
    /// parent links, provided no scope on the way can have gained a binding since. Only `with`
    /// objects (never cached past) and sloppy-eval variables can add bindings to a scope after
    /// it is made, and a new eval variable bumps `ic_epoch` (`note_new_eval_binding`), as does
    /// a script's global lexical declaration (which can shadow a global object property). A
    /// declarative binding is checked by its environment's names LIST; a global (object
    /// property or global lexical) by the global environment's identity. A cached global
    /// object property is still looked up on each use (it can be deleted or redefined).
    #[inline(always)]
    pub fn resolve_ident(&mut self, ci: &super::CodeInfo, name: &crate::ast::Atom, c: &crate::ast::IdCache) -> JsResult<Ref> {
        let (list, epoch, meta) = c.0.get();
        if epoch == self.ic_epoch {
            let mut env = self.env;
            let mut ok = true;
            for _ in 0..(meta >> 32) & 0xFF {
                if !Vm::is_env(env) {
                    ok = false;
                    break;
                }
                env = self.env_parent(env);
            }
            if ok {
                match meta >> 62 {
                    0 => {
                        if Vm::is_env(env) && self.env_word(env, 2).0 == list {
                            return Ok(Ref::Slot { env, word: ((meta >> 16) & 0xFFFF) as usize, flags: meta & 0xFFFF });
                        }
                    }
                    k => {
                        if env.0 == list {
                            let key = PropKey::Key(self.atom_of(ci, name)?);
                            return Ok(if k == ID_GLOBAL_OBJ { Ref::Object { obj: self.global(), key } } else { Ref::GlobalLex { table: self.env_slot(env, 0), key } });
                        }
                    }
                }
            }
        }
        self.resolve_ident_slow(ci, name, c)
    }

    /// The value of a cached declarative binding, read without building a `Ref`: `None` on
    /// any doubt (stale cache, a global, a binding in its TDZ), and the caller takes the full
    /// path. This is the read of nearly every identifier, so it is kept short.
    #[inline(always)]
    pub fn ident_fast(&self, c: &crate::ast::IdCache) -> Option<Value> {
        let (list, epoch, meta) = c.0.get();
        if epoch != self.ic_epoch || meta >> 62 != 0 {
            return None;
        }
        let mut env = self.env;
        for _ in 0..(meta >> 32) & 0xFF {
            env = if env.is_frame() {
                *self.stack.get(env.frame_index() + 1)?
            } else if env.is_cell() {
                self.word(env.off(), 1)
            } else {
                return None;
            };
        }
        let word = ((meta >> 16) & 0xFFFF) as usize;
        let v = if env.is_frame() {
            let f = self.stack.get(env.frame_index()..)?;
            if f.get(2)?.0 != list {
                return None;
            }
            *f.get(word)?
        } else if env.is_cell() {
            if self.word(env.off(), 2).0 != list {
                return None;
            }
            self.word(env.off(), word)
        } else {
            return None;
        };
        if v.is_empty() {
            None
        } else {
            Some(v)
        }
    }

    /// A cache miss: the full walk, filling the cache when the result can be cached.
    #[inline(never)]
    fn resolve_ident_slow(&mut self, ci: &super::CodeInfo, name: &crate::ast::Atom, c: &crate::ast::IdCache) -> JsResult<Ref> {
        let a = self.atom_of(ci, name)?;
        let (r, hops, clean) = self.resolve_walk(a)?;
        if clean && hops <= 0xFF {
            match r {
                Ref::Slot { env, word, flags } if word <= 0xFFFF && flags <= 0xFFFF => {
                    let meta = (hops as u64) << 32 | (word as u64) << 16 | flags;
                    c.0.set((self.env_word(env, 2).0, self.ic_epoch, meta));
                }
                Ref::Object { obj, .. } | Ref::GlobalLex { table: obj, .. } => {
                    // found in the global environment (the walk's last step)
                    let genv = self.walk_up(hops);
                    if genv.is_cell() && self.env_kind(genv) == envk::GLOBAL {
                        let k = if obj == self.global() { ID_GLOBAL_OBJ } else { ID_GLOBAL_LEX };
                        if k == ID_GLOBAL_OBJ || obj == self.env_slot(genv, 0) {
                            c.0.set((genv.0, self.ic_epoch, k << 62 | (hops as u64) << 32));
                        }
                    }
                }
                _ => {}
            }
        }
        Ok(r)
    }

    /// The environment `hops` parent links out from the current one.
    fn walk_up(&self, hops: u32) -> Value {
        let mut env = self.env;
        for _ in 0..hops {
            if !Vm::is_env(env) {
                break;
            }
            env = self.env_parent(env);
        }
        env
    }

    /// A binding was added to a scope after the scope was made (a sloppy eval's `var`, a
    /// script's global lexical declaration): identifier caches that skip that scope are stale.
    pub fn note_new_binding(&mut self) {
        self.ic_epoch = crate::vm::next_epoch();
    }

    /// ResolveBinding from the current environment.
    pub fn resolve(&mut self, name: Value) -> JsResult<Ref> {
        Ok(self.resolve_walk(name)?.0)
    }

    /// ResolveBinding, also telling how many environments were passed and whether all of
    /// them were static (declarative, or function scopes without sloppy-eval vars); the
    /// global environment counts as static (see `resolve_ident`), an unresolvable name not.
    fn resolve_walk(&mut self, name: Value) -> JsResult<(Ref, u32, bool)> {
        let mut env = self.env;
        let key = PropKey::Key(name);
        let mut hops = 0u32;
        let mut clean = true;
        while Vm::is_env(env) {
            match self.env_kind(env) {
                envk::DECL => {
                    if let Some((word, flags)) = self.find_binding(env, name) {
                        return Ok((Ref::Slot { env, word, flags }, hops, clean));
                    }
                }
                k @ (envk::FUNC | envk::VAR) => {
                    if let Some((word, flags)) = self.find_binding(env, name) {
                        return Ok((Ref::Slot { env, word, flags }, hops, clean));
                    }
                    let ev = self.env_slot(env, if k == envk::FUNC { F_EVALVARS } else { 0 });
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
                        return Ok((Ref::GlobalLex { table, key }, hops, clean));
                    }
                    let g = self.global();
                    if self.has_property(g, key)? {
                        return Ok((Ref::Object { obj: g, key }, hops, clean));
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
                let v = self.env_word(env, word);
                if v.is_empty() {
                    return Err(self.tdz_error(env, word));
                }
                Ok(v)
            }
            Ref::Object { obj, key } => {
                if obj == self.global() {
                    // the common case, an own data property (the global object is ordinary)
                    if let Some(p) = self.get_own(obj, key) {
                        if !p.is_accessor() {
                            return Ok(p.value);
                        }
                    }
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
        let names = self.env_word(env, 2);
        let i = word - 3 - self.reserved_of(env);
        let n = self.list_get(names, i);
        let s = if n.is_str() { self.string_lossy(n) } else { "?".into() };
        self.throw_ref(&format!("Cannot access '{s}' before initialization"))
    }

    /// PutValue to a resolved reference.
    pub fn put_ref(&mut self, r: Ref, v: Value, strict: bool) -> JsResult<()> {
        match r {
            Ref::Slot { env, word, flags } => {
                let cur = self.env_word(env, word);
                if cur.is_empty() {
                    return Err(self.tdz_error(env, word));
                }
                if flags & bind::MUTABLE == 0 {
                    if flags & bind::SILENT != 0 && !strict {
                        return Ok(());
                    }
                    return Err(self.throw_type("Assignment to constant variable."));
                }
                self.set_env_word(env, word, v);
                Ok(())
            }
            Ref::Object { obj, key } => {
                // SetMutableBinding asks the object again: a binding deleted since it was
                // resolved is a ReferenceError in strict code (and a `with` proxy can tell)
                let recheck = strict || self.is_proxy(obj);
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
                self.set_env_word(env, word, v);
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
                    self.set_env_word(env, word, v);
                    return Ok(());
                }
                if let Some(slot) = self.eval_vars_slot(env) {
                    let ev = self.env_slot(env, slot);
                    if ev.is_obj() {
                        if !self.has_own(ev, PropKey::Key(name)) {
                            self.note_new_binding();
                        }
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
        while Vm::is_env(env) {
            if self.env_kind(env) == envk::FUNC {
                return Some(env);
            }
            env = self.env_parent(env);
        }
        None
    }

    /// [`Vm::function_env`] through a one-entry cache, `this_hint`: (E, F, epoch) says the
    /// walk from environment E ends at F. Parent links never change, so the answer holds as
    /// long as E names the same environment: a heap cell is reused only after a collection
    /// (which moves `ic_epoch`), and a frame only after its call returns, where `invoke`
    /// puts back the hint it found on entry (which named an environment live before the
    /// call, so still live after it). `invoke` sets the hint of a function environment it
    /// makes.
    #[inline]
    pub fn this_env(&mut self) -> Option<Value> {
        let (e, f, epoch) = self.this_hint;
        if e == self.env && epoch == self.ic_epoch {
            return if f.is_undefined() { None } else { Some(f) };
        }
        let r = self.function_env();
        self.this_hint = (self.env, r.unwrap_or(Value::UNDEFINED), self.ic_epoch);
        r
    }

    /// ResolveThisBinding.
    pub fn this_value(&mut self) -> JsResult<Value> {
        match self.this_env() {
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
