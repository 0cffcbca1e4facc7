//! Function objects: closures over heap environments, calls, construction, classes.
//!
//! A closure is an object of class CLOSURE with slots `[code, id, env, home, kind, fields]`:
//! `code` is the CODE cell of the script that contains it and `id` the start of its span (or
//! of its class, for a class constructor), which finds its tree in the parsed script.

use super::env::{bind, envk, F_CALLEE, F_NEW_TARGET, F_THIS, FUNC_RESERVED};
use super::eval::{Completion, Ctx};
use super::CodeInfo;
use crate::ast::*;
use crate::vm::object::{attr, class, flag, PropDesc, PropKey, ARGS_ENV, ARGS_MAP};
use crate::vm::{JsResult, Value, Vm, A, I};
use std::rc::Rc;

pub mod fk {
    pub const ARROW: u64 = 1;
    pub const STRICT: u64 = 2;
    pub const CLASS: u64 = 4;
    pub const DERIVED: u64 = 8;
    pub const METHOD: u64 = 16;
    pub const ASYNC_GEN: u64 = 32;
}

pub const S_CODE: usize = 0;
pub const S_ID: usize = 1;
pub const S_ENV: usize = 2;
pub const S_HOME: usize = 3;
pub const S_KIND: usize = 4;
pub const S_FIELDS: usize = 5;
pub const CLOSURE_SLOTS: usize = 6;

/// The number of parameters before the first default or rest (the `length` property).
pub fn expected_args(f: &Function) -> usize {
    f.params.iter().take_while(|p| p.init.is_none()).count()
}

impl Vm {
    /// Creates a closure for `f` (found in the script of `cx`) over the current environment.
    pub fn make_function(&mut self, cx: &Ctx, f: &Rc<Function>, name: Option<Value>, home: Value) -> JsResult<Value> {
        let mut kindbits = 0u64;
        if f.strict {
            kindbits |= fk::STRICT;
        }
        let ctor = matches!(f.kind, FunctionKind::Declaration | FunctionKind::Expression) && !f.is_generator && !f.is_async;
        if f.is_async && f.is_generator {
            kindbits |= fk::ASYNC_GEN;
        }
        match f.kind {
            FunctionKind::Arrow => kindbits |= fk::ARROW,
            FunctionKind::Method | FunctionKind::Getter | FunctionKind::Setter => kindbits |= fk::METHOD,
            _ => {}
        }
        let mut env = self.env;
        // a named function expression sees its own name in a scope of its own
        let own_name = if f.kind == FunctionKind::Expression { f.name.as_ref() } else { None };
        if let Some(n) = own_name {
            let a = self.atom_of(&cx.ci, n)?;
            self.stack.push(env);
            let names = self.new_names(&[(a, bind::SILENT)]);
            let names = names.inspect_err(|_| {
                self.stack.pop();
            })?;
            self.stack.pop();
            env = self.new_env(envk::DECL, env, names, 0)?;
        }
        self.stack.push(env);
        let fo = self.new_closure_object(cx.code, f.span.start, env, home, kindbits, ctor);
        self.stack.pop();
        let fo = fo?;
        self.stack.push(fo);
        let r = (|| {
            let len = Value::num(expected_args(f) as f64);
            let lk = self.key_atom(A::length);
            self.put(fo, lk, len, attr::C)?;
            let nm = match (name, &f.name) {
                (Some(n), _) => n,
                (None, Some(n)) => self.atom_of(&cx.ci, n)?,
                (None, None) => self.a(A::empty),
            };
            let nm = match f.kind {
                FunctionKind::Getter => self.prefixed_name("get ", nm)?,
                FunctionKind::Setter => self.prefixed_name("set ", nm)?,
                _ => nm,
            };
            let nk = self.key_atom(A::name);
            self.put(fo, nk, nm, attr::C)?;
            if ctor {
                let p = self.new_object()?;
                let ck = self.key_atom(A::constructor);
                self.put(p, ck, fo, attr::WC)?;
                let pk = self.key_atom(A::prototype);
                self.put(fo, pk, p, attr::W)?;
            } else if f.is_generator || f.is_async {
                let fproto = self.i(match (f.is_generator, f.is_async) {
                    (true, false) => I::GeneratorFunctionProto,
                    (true, true) => I::AsyncGeneratorFunctionProto,
                    _ => I::AsyncFunctionProto,
                });
                self.set_proto_raw(fo, fproto);
                if f.is_generator {
                    let gp = self.i(if f.is_async { I::AsyncGeneratorProto } else { I::GeneratorProto });
                    let p = self.new_object_with(class::ORDINARY, gp, 0)?;
                    let pk = self.key_atom(A::prototype);
                    self.put(fo, pk, p, attr::W)?;
                }
            }
            if own_name.is_some() {
                self.set_env_slot(env, 0, fo);
            }
            Ok(fo)
        })();
        self.stack.pop();
        r
    }

    /// `get x` / `set x` names; a symbol key becomes "[description]".
    pub fn prefixed_name(&mut self, prefix: &str, nm: Value) -> JsResult<Value> {
        let mut u: Vec<u16> = prefix.encode_utf16().collect();
        u.extend_from_slice(self.units(nm));
        self.new_string(&u)
    }

    /// A function name from a property key (symbols become "[desc]").
    pub fn name_from_key(&mut self, k: PropKey) -> JsResult<Value> {
        match k {
            PropKey::Index(i) => self.str_from(&i.to_string()),
            PropKey::Key(v) if v.is_str() => Ok(v),
            PropKey::Key(v) => {
                let d = self.word(v.off(), 1);
                if d.is_str() {
                    let mut u = vec![b'[' as u16];
                    u.extend_from_slice(self.units(d));
                    u.push(b']' as u16);
                    self.new_string(&u)
                } else {
                    Ok(self.a(A::empty))
                }
            }
        }
    }

    fn new_closure_object(&mut self, code: Value, id: u32, env: Value, home: Value, kindbits: u64, ctor: bool) -> JsResult<Value> {
        let fp = self.i(I::FunctionProto);
        let fo = self.new_object_with(class::CLOSURE, fp, CLOSURE_SLOTS)?;
        self.set_slot(fo, S_CODE, code);
        self.set_slot(fo, S_ID, Value::int(id as u64));
        self.set_slot(fo, S_ENV, env);
        self.set_slot(fo, S_HOME, home);
        self.set_slot(fo, S_KIND, Value::int(kindbits));
        let mut fl = flag::EXTENSIBLE | flag::CALLABLE;
        if ctor {
            fl |= flag::CONSTRUCTOR;
        }
        if kindbits & fk::CLASS != 0 {
            fl |= flag::CONSTRUCTOR | flag::CLASS_CTOR;
        }
        self.set_flags(fo, fl);
        Ok(fo)
    }

    fn closure_kind(&self, f: Value) -> u64 {
        self.slot(f, S_KIND).payload()
    }

    /// The syntax of closure `f`: its script and function node (None: an implicit class
    /// constructor, whose class is returned instead).
    pub fn closure_code(&mut self, f: Value) -> JsResult<(Rc<CodeInfo>, Option<Rc<Function>>, Option<Rc<Class>>)> {
        let code = self.slot(f, S_CODE);
        let id = self.slot(f, S_ID).payload() as u32;
        let h = ((code.off() >> 3) as usize ^ (id as usize).wrapping_mul(0x9E37)) % crate::vm::FN_CACHE_SIZE;
        if let Some(e) = &self.fn_cache[h] {
            if e.code == code.off() && e.id == id {
                return Ok((e.ci.clone(), e.func.clone(), e.class.clone()));
            }
        }
        let r = self.closure_code_slow(f, code, id)?;
        self.fn_cache[h] = Some(crate::vm::FnCacheEntry { code: code.off(), id, ci: r.0.clone(), func: r.1.clone(), class: r.2.clone() });
        Ok(r)
    }

    fn closure_code_slow(&mut self, f: Value, code: Value, id: u32) -> JsResult<(Rc<CodeInfo>, Option<Rc<Function>>, Option<Rc<Class>>)> {
        let ci = self.code_info(code)?;
        if self.closure_kind(f) & fk::CLASS != 0 {
            let c = ci.classes.get(&id).cloned();
            let Some(c) = c else { return Err(self.throw_syntax("class not found in its stored code")) };
            return Ok((ci, c.constructor.clone(), Some(c)));
        }
        let func = ci.funcs.get(&id).cloned();
        match func {
            Some(func) => Ok((ci, Some(func), None)),
            None => Err(self.throw_syntax("function not found in its stored code")),
        }
    }

    pub(crate) fn call_closure(&mut self, base: usize, argc: usize, new_target: Value) -> JsResult<Value> {
        let f = self.stack[base];
        if self.closure_kind(f) & fk::CLASS != 0 {
            let nk = self.key_atom(A::name);
            let n = self.get(f, nk, f)?;
            let n = if n.is_str() { self.string_lossy(n) } else { String::new() };
            return Err(self.throw_type(&format!("Class constructor {n} cannot be invoked without 'new'")));
        }
        let this = self.stack[base + 1];
        let (v, _) = self.invoke(base, argc, new_target, this)?;
        Ok(v)
    }

    pub(crate) fn construct_closure(&mut self, base: usize, argc: usize, new_target: Value) -> JsResult<Value> {
        let f = self.stack[base];
        let kind = self.closure_kind(f);
        if kind & fk::DERIVED != 0 {
            let (v, env) = self.invoke(base, argc, new_target, Value::EMPTY)?;
            if v.is_obj() {
                return Ok(v);
            }
            if !v.is_undefined() {
                return Err(self.throw_type("Derived constructors may only return object or undefined"));
            }
            let t = self.env_slot(env, F_THIS);
            if t.is_empty() {
                return Err(self.throw_ref("Must call super constructor in derived class before accessing 'this' or returning from derived constructor"));
            }
            return Ok(t);
        }
        let proto = self.proto_from_ctor(new_target, I::ObjectProto)?;
        // room in the object itself for as many properties as the last object built with
        // this prototype ended up with
        let hint = if proto.is_obj() { self.ctor_slots.get(&proto.off()).copied().unwrap_or(4) } else { 0 };
        let this = self.new_object_inline(proto, hint as usize)?;
        self.stack[base + 1] = this;
        if kind & fk::CLASS != 0 {
            self.init_fields(f, this)?;
        }
        let (v, _) = self.invoke(base, argc, new_target, this)?;
        if proto.is_obj() {
            if let Some(sh) = self.shape_of(this) {
                let n = self.shape_len(sh).min(crate::vm::shape::MAX_INLINE) as u8;
                let e = self.ctor_slots.entry(proto.off()).or_insert(n);
                *e = (*e).max(n);
            }
        }
        Ok(if v.is_obj() { v } else { this })
    }

    /// Runs the body of closure `stack[base]`; returns the completion value and its
    /// function environment.
    fn invoke(&mut self, base: usize, argc: usize, new_target: Value, this: Value) -> JsResult<(Value, Value)> {
        if self.depth > self.max_depth {
            return Err(self.throw_range("Maximum call stack size exceeded"));
        }
        self.safepoint()?;
        let f = self.stack[base];
        let (ci, func, cls) = self.closure_code(f)?;
        let kind = self.closure_kind(f);
        let code = self.slot(f, S_CODE);
        let strict = kind & fk::STRICT != 0 || cls.is_some();
        let cx = Ctx { ci, code, strict };
        let arrow = kind & fk::ARROW != 0;
        let this = if arrow || strict || this.is_empty() {
            this
        } else if this.is_nullish() {
            self.global_this()
        } else {
            self.to_object(this)?
        };
        self.stack[base + 1] = this;
        let parent = self.slot(f, S_ENV);

        let Some(func) = func else {
            // implicit class constructor
            let env = self.new_env(envk::FUNC, parent, Value::UNDEFINED, FUNC_RESERVED)?;
            self.set_env_slot(env, F_THIS, this);
            self.set_env_slot(env, F_CALLEE, f);
            self.set_env_slot(env, F_NEW_TARGET, new_target);
            if kind & fk::DERIVED != 0 {
                // constructor(...args) { super(...args); }
                let args: Vec<Value> = self.stack[base + 2..base + 2 + argc].to_vec();
                self.env_stack.push(self.env);
                self.env = env;
                self.depth += 1;
                let r = self.super_call(&args);
                self.depth -= 1;
                self.env = self.env_stack.pop().unwrap();
                r?;
            }
            return Ok((Value::UNDEFINED, env));
        };

        let (names, facts) = self.function_scope(&cx, &func, arrow)?;
        let (ek, reserved) = env_shape(&func, arrow);
        // a derived constructor's caller reads `this` from the environment after the call
        let frame = facts & FACT_FRAME != 0 && kind & fk::DERIVED == 0;
        let saved_cv = self.stack.len();
        let env = if frame {
            self.push_call_frame(ek, parent, names, arrow, [this, f, new_target], base, argc, func.param_names.len(), (facts & 0xFFFF) as usize)
        } else {
            let env = self.new_env(ek, parent, names, reserved)?;
            if !arrow {
                self.set_env_slot(env, F_THIS, this);
                self.set_env_slot(env, F_CALLEE, f);
                self.set_env_slot(env, F_NEW_TARGET, new_target);
            }
            env
        };
        let saved_hint = self.this_hint;
        if !arrow {
            self.this_hint = (env, env, self.ic_epoch);
        }
        self.env_stack.push(self.env);
        self.env = env;
        self.depth += 1;
        self.frames.push((f, code, func.span.start));
        let r = if frame {
            // parameters and vars are in place, and a frame function has no arguments object
            self.run_body(&cx, &func, env, facts & (1 << 17) != 0, base)
        } else if facts & (1 << 16) != 0 {
            self.function_body_simple(&cx, &func, base, argc, env, arrow, facts)
        } else {
            self.function_body(&cx, &func, base, argc, env, facts)
        };
        self.stack.truncate(saved_cv);
        self.this_hint = saved_hint;
        self.frames.pop();
        self.depth -= 1;
        self.env = self.env_stack.pop().unwrap();
        let v = match r {
            // an async function rejects its promise when binding its parameters throws
            Err(crate::vm::Throw::Exception) if func.is_async && !func.is_generator => self.rejected_promise()?,
            r => r?,
        };
        Ok((v, if frame { Value::UNDEFINED } else { env }))
    }

    /// The names LIST of a function's top scope and its entry facts (cached per script):
    /// bits 0-15 how many leading names are parameters, `arguments` and vars (they start
    /// undefined), bit 16 set when the parameters are simple and distinct (parameter i is
    /// name i), bit 17 set when the body declares functions to hoist, bit 18 set when the
    /// body is a var scope of its own ([`splits_var_scope`]; its names LIST is cached under
    /// (span start, 2)), bit 19 set when the call makes an arguments object, [`FACT_FRAME`]
    /// when the call's environment can be a volatile frame.
    fn function_scope(&mut self, cx: &Ctx, func: &Rc<Function>, arrow: bool) -> JsResult<(Value, u64)> {
        let (names, epoch, facts) = func.entry.0.get();
        if epoch == self.ic_epoch {
            return Ok((Value(names), facts));
        }
        let key = (func.span.start, 0u8);
        if let Some(v) = cx.ci.descs.borrow().get(&key) {
            let facts = cx.ci.descs.borrow().get(&(func.span.start, 1u8)).map(|f| f.payload()).unwrap_or(0);
            func.entry.0.set((v.0, self.ic_epoch, facts));
            return Ok((*v, facts));
        }
        let split = splits_var_scope(func);
        let mut binds: Vec<(Value, u64)> = Vec::new();
        let push = |vm: &mut Vm, n: &Atom, fl: u64, binds: &mut Vec<(Value, u64)>| -> JsResult<()> {
            let a = vm.atom_of(&cx.ci, n)?;
            if !binds.iter().any(|b| b.0 == a) {
                binds.push((a, fl));
            }
            Ok(())
        };
        // parameters (and `arguments`) of a split function are lexical to an eval in them
        let pflag = if split { bind::MUTABLE | bind::LEXICAL } else { bind::MUTABLE };
        for p in &func.param_names {
            push(self, p, pflag, &mut binds)?;
        }
        let distinct = binds.len() == func.param_names.len();
        let args_object = !arrow && arguments_object_needed(func, split);
        if args_object {
            let a = self.a(A::arguments);
            if !binds.iter().any(|b| b.0 == a) {
                binds.push((a, pflag));
            }
        }
        let leading;
        if split {
            leading = binds.len() as u64;
            let mut body: Vec<(Value, u64)> = Vec::new();
            for v in func.scope.var_names.iter().chain(cx.ci.annexb.vars.get(&func.span.start).into_iter().flatten()) {
                push(self, v, bind::MUTABLE, &mut body)?;
            }
            for (n, k) in &func.scope.lexical_names {
                push(self, n, if *k == DeclKind::Const { bind::LEXICAL } else { bind::MUTABLE | bind::LEXICAL }, &mut body)?;
            }
            let bl = self.new_names(&body)?;
            cx.ci.descs.borrow_mut().insert((func.span.start, 2u8), bl);
        } else {
            for v in func.scope.var_names.iter().chain(cx.ci.annexb.vars.get(&func.span.start).into_iter().flatten()) {
                push(self, v, bind::MUTABLE, &mut binds)?;
            }
            leading = binds.len() as u64;
            for (n, k) in &func.scope.lexical_names {
                push(self, n, if *k == DeclKind::Const { bind::LEXICAL } else { bind::MUTABLE | bind::LEXICAL }, &mut binds)?;
            }
        }
        let l = self.new_names(&binds)?;
        let has_funcs = match &func.body {
            FunctionBody::Block(stmts) => stmts.iter().any(|s| match &s.kind {
                StmtKind::Function(_) => true,
                StmtKind::Labeled(_, inner) => matches!(inner.kind, StmtKind::Function(_)),
                _ => false,
            }),
            FunctionBody::Expr(_) => false,
        };
        let facts = if leading <= 0xFFFF { leading } else { 0 }
            | if distinct && func.simple_params && func.rest.is_none() && leading <= 0xFFFF { 1 << 16 } else { 0 }
            | if has_funcs { 1 << 17 } else { 0 }
            | if split { 1 << 18 } else { 0 }
            | if args_object { 1 << 19 } else { 0 };
        let simple = facts & (1 << 16) != 0;
        let frame = simple && !args_object && frameable(&cx.ci, func);
        let facts = facts | if frame { FACT_FRAME } else { 0 };
        cx.ci.descs.borrow_mut().insert(key, l);
        cx.ci.descs.borrow_mut().insert((func.span.start, 1u8), Value::int(facts));
        func.entry.0.set((l.0, self.ic_epoch, facts));
        Ok((l, facts))
    }

    /// Function entry when the parameters are simple and distinct: parameters, `arguments`
    /// and vars are the leading names of the scope, so they are filled by position.
    #[allow(clippy::too_many_arguments)]
    fn function_body_simple(&mut self, cx: &Ctx, func: &Rc<Function>, base: usize, argc: usize, env: Value, arrow: bool, facts: u64) -> JsResult<Value> {
        let first = 3 + env_shape(func, arrow).1;
        let leading = (facts & 0xFFFF) as usize;
        let nparams = func.param_names.len();
        for i in 0..leading {
            let v = if i < nparams && i < argc { self.stack[base + 2 + i] } else { Value::UNDEFINED };
            self.set_env_word(env, first + i, v);
        }
        if facts & (1 << 19) != 0 {
            self.bind_arguments_object(cx, func, base, argc, env)?;
        }
        self.run_body(cx, func, env, facts & (1 << 17) != 0, base)
    }

    /// The `arguments` object of a call, bound in its function environment.
    fn bind_arguments_object(&mut self, cx: &Ctx, func: &Rc<Function>, base: usize, argc: usize, env: Value) -> JsResult<()> {
        let args: Vec<Value> = self.stack[base + 2..base + 2 + argc].to_vec();
        let callee = self.stack[base];
        let mapped = !func.strict && func.simple_params && func.rest.is_none();
        let words = if mapped && argc > 0 && !func.param_names.is_empty() { self.argument_map(cx, func, argc, env)? } else { Vec::new() };
        let ao = self.create_arguments(&args, callee, !mapped, &words, env)?;
        let a = self.a(A::arguments);
        self.init_binding(env, a, ao)
    }

    /// Hoists the body's function declarations (when it has any) and runs it.
    fn run_body(&mut self, cx: &Ctx, func: &Rc<Function>, env: Value, hoist: bool, base: usize) -> JsResult<Value> {
        if func.is_generator || func.is_async {
            if hoist {
                if let FunctionBody::Block(stmts) = &func.body {
                    self.hoist_functions(cx, stmts, env)?;
                }
            }
            let f = self.stack[base];
            return self.start_suspendable(func, f, env);
        }
        match &func.body {
            FunctionBody::Expr(e) => self.eval_expr(cx, e),
            FunctionBody::Block(stmts) => {
                if hoist {
                    self.hoist_functions(cx, stmts, env)?;
                }
                // the body's expression statements are not the caller's completion value
                // (`var x = f()` in the shell shows nothing); rooted while the body runs
                let base = self.stack.len();
                let saved_cv = self.cv;
                self.stack.push(saved_cv);
                let r = self.exec_stmts(cx, stmts);
                self.stack.truncate(base);
                self.cv = saved_cv;
                match r? {
                    Completion::Return => Ok(self.take_return()),
                    _ => Ok(Value::UNDEFINED),
                }
            }
        }
    }

    fn function_body(&mut self, cx: &Ctx, func: &Rc<Function>, base: usize, argc: usize, env: Value, facts: u64) -> JsResult<Value> {
        if facts & (1 << 19) != 0 {
            self.bind_arguments_object(cx, func, base, argc, env)?;
        }
        // parameters
        if func.simple_params {
            for (i, p) in func.param_names.iter().enumerate() {
                let v = if i < argc { self.stack[base + 2 + i] } else { Value::UNDEFINED };
                let a = self.atom_of(&cx.ci, p)?;
                self.init_binding(env, a, v)?;
            }
        } else {
            for (i, p) in func.params.iter().enumerate() {
                let mut v = if i < argc { self.stack[base + 2 + i] } else { Value::UNDEFINED };
                if v.is_undefined() {
                    if let Some(init) = &p.init {
                        v = self.eval_named(cx, init, &p.target)?;
                    }
                }
                self.bind_pattern(cx, &p.target, v, Some(env))?;
            }
            if let Some(r) = &func.rest {
                let rest: Vec<Value> = if argc > func.params.len() { self.stack[base + 2 + func.params.len()..base + 2 + argc].to_vec() } else { vec![] };
                let arr = self.new_array(&rest)?;
                self.bind_pattern(cx, r, arr, Some(env))?;
            }
        }
        if func.simple_params {
            if let Some(r) = &func.rest {
                let rest: Vec<Value> = if argc > func.params.len() { self.stack[base + 2 + func.params.len()..base + 2 + argc].to_vec() } else { vec![] };
                let arr = self.new_array(&rest)?;
                self.bind_pattern(cx, r, arr, Some(env))?;
            }
        }
        if facts & (1 << 18) != 0 {
            // the body's var scope: a var named like a parameter starts with its value
            let names = cx.ci.descs.borrow().get(&(func.span.start, 2u8)).copied().unwrap_or(Value::UNDEFINED);
            let venv = self.new_env(envk::VAR, env, names, 1)?;
            for v in func.scope.var_names.iter().chain(cx.ci.annexb.vars.get(&func.span.start).into_iter().flatten()) {
                let a = self.atom_of(&cx.ci, v)?;
                let pv = match self.find_binding(env, a) {
                    Some((word, _)) => self.env_word(env, word),
                    None => Value::UNDEFINED,
                };
                let pv = if pv.is_empty() { Value::UNDEFINED } else { pv };
                if let Some((word, _)) = self.find_binding(venv, a) {
                    self.set_env_word(venv, word, pv);
                }
            }
            self.env = venv;
            return self.run_body(cx, func, venv, true, base);
        }
        // vars start undefined (unless they are also parameters)
        for v in func.scope.var_names.iter().chain(cx.ci.annexb.vars.get(&func.span.start).into_iter().flatten()) {
            let a = self.atom_of(&cx.ci, v)?;
            if let Some((word, _)) = self.find_binding(env, a) {
                if self.env_word(env, word).is_empty() {
                    self.set_env_word(env, word, Value::UNDEFINED);
                }
            }
        }
        self.run_body(cx, func, env, true, base)
    }

    /// Instantiates the function declarations directly in `stmts` into `env`.
    pub fn hoist_functions(&mut self, cx: &Ctx, stmts: &[Stmt], env: Value) -> JsResult<()> {
        for s in stmts {
            let f = match &s.kind {
                StmtKind::Function(f) => f,
                StmtKind::Labeled(_, inner) => match &inner.kind {
                    StmtKind::Function(f) => f,
                    _ => continue,
                },
                _ => continue,
            };
            let fo = self.make_function(cx, f, None, Value::UNDEFINED)?;
            let a = self.atom_of(&cx.ci, f.name.as_ref().unwrap())?;
            self.init_binding(env, a, fo)?;
        }
        Ok(())
    }

    /// The environment words the first min(argc, parameters) indices of a sloppy function's
    /// arguments object alias (CreateMappedArgumentsObject): a later duplicate name wins.
    fn argument_map(&mut self, cx: &Ctx, func: &Rc<Function>, argc: usize, env: Value) -> JsResult<Vec<Value>> {
        let n = argc.min(func.param_names.len());
        let mut words = vec![Value::UNDEFINED; n];
        let mut seen: Vec<Value> = Vec::new();
        for i in (0..func.param_names.len()).rev() {
            let a = self.atom_of(&cx.ci, &func.param_names[i])?;
            if seen.contains(&a) {
                continue;
            }
            seen.push(a);
            if i < n {
                if let Some((word, _)) = self.find_binding(env, a) {
                    words[i] = Value::int(word as u64);
                }
            }
        }
        Ok(words)
    }

    /// An arguments object; `map` holds the environment word each leading index aliases
    /// (an integer) or undefined (empty: an unmapped object).
    fn create_arguments(&mut self, args: &[Value], callee: Value, strict: bool, map: &[Value], env: Value) -> JsResult<Value> {
        let op = self.i(I::ObjectProto);
        let ao = self.new_object_with(class::ARGUMENTS, op, 2)?;
        self.stack.push(ao);
        for (i, v) in args.iter().enumerate() {
            if map.get(i).is_some_and(|w| w.is_int()) {
                self.put_mapped_arg(ao, i as u32, *v)?;
            } else {
                self.put(ao, PropKey::Index(i as u32), *v, attr::WEC)?;
            }
        }
        if !map.is_empty() {
            let l = self.new_list(map)?;
            self.set_slot(ao, ARGS_ENV, env);
            self.set_slot(ao, ARGS_MAP, l);
        }
        let lk = self.key_atom(A::length);
        self.put(ao, lk, Value::num(args.len() as f64), attr::WC)?;
        let it = self.i(I::ArrayProtoValues);
        let ik = self.i(I::SymIterator);
        self.put(ao, PropKey::Key(ik), it, attr::WC)?;
        let ck = self.key_atom(A::callee);
        if strict {
            let te = self.i(I::ThrowTypeError);
            self.put_accessor(ao, ck, te, te, 0)?;
        } else {
            self.put(ao, ck, callee, attr::WC)?;
        }
        self.stack.pop();
        Ok(ao)
    }

    // ----- classes -----------------------------------------------------------------------

    /// ClassDefinitionEvaluation. Returns the constructor.
    pub fn eval_class(&mut self, cx: &Ctx, c: &Rc<Class>, name: Option<Value>) -> JsResult<Value> {
        let outer = self.env;
        let base_len = self.stack.len();
        let r = self.eval_class_inner(cx, c, name, Value::UNDEFINED);
        self.env = outer;
        self.stack.truncate(base_len);
        r
    }

    /// ClassDefinitionEvaluation with the heritage and the computed keys already evaluated
    /// (by a generator body that may suspend in them): `pre` is a LIST whose item 2 is the
    /// heritage value and item 3 + i the key (word value) of member i, EMPTY if not computed.
    pub(crate) fn eval_class_pre(&mut self, cx: &Ctx, c: &Rc<Class>, name: Option<Value>, pre: Value) -> JsResult<Value> {
        let outer = self.env;
        let base_len = self.stack.len();
        let r = self.eval_class_inner(cx, c, name, pre);
        self.env = outer;
        self.stack.truncate(base_len);
        r
    }

    fn eval_class_inner(&mut self, cx: &Ctx, c: &Rc<Class>, name: Option<Value>, pre: Value) -> JsResult<Value> {
        let ccx = Ctx { ci: cx.ci.clone(), code: cx.code, strict: true };
        let cx = &ccx;
        // the class scope binds the class name (immutable) for the body
        let binding = match &c.name {
            Some(n) => Some(self.atom_of(&cx.ci, n)?),
            None => None,
        };
        if let Some(b) = binding {
            let names = self.new_names(&[(b, 0)])?;
            self.env = self.new_env(envk::DECL, self.env, names, 0)?;
        }
        let (proto_parent, ctor_parent) = match &c.heritage {
            None => (self.i(I::ObjectProto), self.i(I::FunctionProto)),
            Some(h) => {
                let sc = if pre.is_cell() { self.list_get(pre, 2) } else { self.eval_expr(cx, h)? };
                if sc.is_null() {
                    (Value::NULL, self.i(I::FunctionProto))
                } else {
                    if !self.is_constructor(sc) {
                        return Err(self.throw_type("Class extends value is not a constructor or null"));
                    }
                    self.stack.push(sc);
                    let pk = self.key_atom(A::prototype);
                    let pp = self.get(sc, pk, sc)?;
                    if !pp.is_obj() && !pp.is_null() {
                        return Err(self.throw_type("Class extends value does not have valid prototype property"));
                    }
                    (pp, sc)
                }
            }
        };
        let proto = self.new_object_with(class::ORDINARY, proto_parent, 0)?;
        self.stack.push(proto);
        let mut kind = fk::CLASS | fk::STRICT;
        if c.heritage.is_some() {
            kind |= fk::DERIVED;
        }
        let f = self.new_closure_object(cx.code, c.span.start, self.env, proto, kind, true)?;
        self.stack.push(f);
        self.set_proto_raw(f, ctor_parent);
        let len = c.constructor.as_ref().map(|k| expected_args(k)).unwrap_or(0);
        let lk = self.key_atom(A::length);
        self.put(f, lk, Value::num(len as f64), attr::C)?;
        // SetFunctionName before the members, so a static `name` member replaces it
        let nm = match (name, binding) {
            (Some(n), _) => n,
            (None, Some(b)) => b,
            _ => self.a(A::empty),
        };
        let nk = self.key_atom(A::name);
        self.put(f, nk, nm, attr::C)?;
        let pk = self.key_atom(A::prototype);
        self.put(f, pk, proto, 0)?;
        let ck = self.key_atom(A::constructor);
        self.put(proto, ck, f, attr::WC)?;
        // methods, accessors, and field keys in order
        let mut field_keys: Vec<Value> = Vec::new();
        let mut static_fields: Vec<(Value, usize)> = Vec::new();
        for (mi, m) in c.members.iter().enumerate() {
            let target = if m.is_static { f } else { proto };
            let key = match pre.is_cell() && !self.list_get(pre, 3 + mi).is_empty() {
                true => self.key_from_word_value(self.list_get(pre, 3 + mi)),
                false => self.eval_prop_key(cx, &m.key)?,
            };
            let kv = self.key_word_value(key);
            self.stack.push(kv);
            match &m.kind {
                ClassMemberKind::Method(func) => {
                    let n = self.name_from_key(key)?;
                    let fo = self.make_function(cx, func, Some(n), target)?;
                    self.define_or_throw(target, key, PropDesc::data(fo, attr::WC))?;
                }
                ClassMemberKind::Getter(func) | ClassMemberKind::Setter(func) => {
                    let n = self.name_from_key(key)?;
                    let fo = self.make_function(cx, func, Some(n), target)?;
                    let d = if matches!(m.kind, ClassMemberKind::Getter(_)) {
                        PropDesc { get: Some(fo), enumerable: Some(false), configurable: Some(true), ..Default::default() }
                    } else {
                        PropDesc { set: Some(fo), enumerable: Some(false), configurable: Some(true), ..Default::default() }
                    };
                    self.define_or_throw(target, key, d)?;
                }
                ClassMemberKind::Field(_) => {
                    if m.is_static {
                        static_fields.push((kv, mi));
                    } else {
                        field_keys.push(kv);
                        field_keys.push(Value::int(mi as u64));
                    }
                }
            }
        }
        if !field_keys.is_empty() {
            let l = self.new_list(&field_keys)?;
            self.set_slot(f, S_FIELDS, l);
        }
        if let Some(b) = binding {
            let env = self.env;
            self.init_binding(env, b, f)?;
        }
        // static fields, with this = the class
        for (kv, mi) in static_fields {
            let ClassMemberKind::Field(init) = &c.members[mi].kind else { continue };
            let v = match init {
                Some(e) => self.eval_field_init(cx, e, f, f, proto_parent_for_static(f))?,
                None => Value::UNDEFINED,
            };
            let key = self.key_from_word_value(kv);
            let v = self.maybe_name_anonymous(init.as_deref(), v, key)?;
            self.define_or_throw(f, key, PropDesc::data(v, attr::WEC))?;
        }
        Ok(f)
    }

    /// Evaluates a field initializer as if it were a method body of `home` with `this`.
    fn eval_field_init(&mut self, cx: &Ctx, e: &Expr, this: Value, callee: Value, _home: Value) -> JsResult<Value> {
        let env = self.new_env(envk::FUNC, self.env, Value::UNDEFINED, FUNC_RESERVED)?;
        self.mark_field_init_env(env);
        self.set_env_slot(env, F_THIS, this);
        self.set_env_slot(env, F_CALLEE, callee);
        self.set_env_slot(env, F_NEW_TARGET, Value::UNDEFINED);
        self.env_stack.push(self.env);
        self.env = env;
        let r = self.eval_expr(cx, e);
        self.env = self.env_stack.pop().unwrap();
        r
    }

    /// Defines the instance fields of class constructor `ctor` on `this`.
    pub fn init_fields(&mut self, ctor: Value, this: Value) -> JsResult<()> {
        let fl = self.slot(ctor, S_FIELDS);
        if !fl.is_cell() {
            return Ok(());
        }
        let (ci, _, cls) = self.closure_code(ctor)?;
        let Some(cls) = cls else { return Ok(()) };
        let code = self.slot(ctor, S_CODE);
        let cx = Ctx { ci, code, strict: true };
        let items = self.list_items(fl);
        let class_env = self.slot(ctor, S_ENV);
        let saved = self.env;
        self.env = class_env;
        let home = self.slot(ctor, S_HOME);
        let mut r = Ok(());
        for pair in items.chunks(2) {
            let key = self.key_from_word_value(pair[0]);
            let mi = pair[1].payload() as usize;
            let ClassMemberKind::Field(init) = &cls.members[mi].kind else { continue };
            let v = match init {
                Some(e) => match self.eval_field_init_method(&cx, e, this, ctor, home) {
                    Ok(v) => v,
                    Err(t) => {
                        r = Err(t);
                        break;
                    }
                },
                None => Value::UNDEFINED,
            };
            let v = match self.maybe_name_anonymous(init.as_deref(), v, key) {
                Ok(v) => v,
                Err(t) => {
                    r = Err(t);
                    break;
                }
            };
            if let Err(t) = self.define_or_throw(this, key, PropDesc::data(v, attr::WEC)) {
                r = Err(t);
                break;
            }
        }
        self.env = saved;
        r
    }

    fn eval_field_init_method(&mut self, cx: &Ctx, e: &Expr, this: Value, ctor: Value, home: Value) -> JsResult<Value> {
        self.eval_field_init(cx, e, this, ctor, home)
    }

    /// Anonymous functions and classes assigned to a field get the field's name.
    fn maybe_name_anonymous(&mut self, init: Option<&Expr>, v: Value, key: PropKey) -> JsResult<Value> {
        if let Some(e) = init {
            if is_anonymous_fn(e) && v.is_obj() {
                let n = self.name_from_key(key)?;
                self.set_fn_name(v, n)?;
            }
        }
        Ok(v)
    }

    /// SetFunctionName on a freshly made anonymous function.
    pub fn set_fn_name(&mut self, f: Value, n: Value) -> JsResult<()> {
        let nk = self.key_atom(A::name);
        let cur = self.get_own(f, nk);
        let anonymous = match cur {
            None => true,
            Some(p) => p.value.is_str() && self.str_len(p.value) == 0 && !p.is_accessor(),
        };
        if anonymous {
            self.define_own(f, nk, PropDesc::data(n, attr::C))?;
        }
        Ok(())
    }

    /// `super(...args)` in a derived constructor.
    pub fn super_call(&mut self, args: &[Value]) -> JsResult<Value> {
        let Some(fe) = self.function_env() else { return Err(self.throw_syntax("'super' keyword unexpected here")) };
        let callee = self.env_slot(fe, F_CALLEE);
        let nt = self.env_slot(fe, F_NEW_TARGET);
        let parent = self.proto_of(callee);
        if !self.is_constructor(parent) {
            return Err(self.throw_type("Super constructor is not a constructor"));
        }
        let r = self.construct(parent, args, nt)?;
        if !self.env_slot(fe, F_THIS).is_empty() {
            return Err(self.throw_ref("Super constructor may only be called once"));
        }
        self.set_env_slot(fe, F_THIS, r);
        self.stack.push(r);
        let res = self.init_fields(callee, r);
        self.stack.pop();
        res?;
        Ok(r)
    }

    /// The home object's prototype, for `super.x`.
    pub fn super_base(&mut self) -> JsResult<Value> {
        let Some(fe) = self.function_env() else { return Err(self.throw_syntax("'super' keyword unexpected here")) };
        let callee = self.env_slot(fe, F_CALLEE);
        let home = if callee.is_obj() && self.class_of(callee) == class::CLOSURE { self.slot(callee, S_HOME) } else { Value::UNDEFINED };
        if !home.is_obj() {
            return Err(self.throw_syntax("'super' keyword unexpected here"));
        }
        Ok(self.proto_of(home))
    }

    pub fn key_word_value(&self, k: PropKey) -> Value {
        match k {
            PropKey::Index(i) => Value::int(i as u64),
            PropKey::Key(v) => v,
        }
    }
    pub fn key_from_word_value(&self, v: Value) -> PropKey {
        if v.is_int() {
            PropKey::Index(v.payload() as u32)
        } else {
            PropKey::Key(v)
        }
    }

    /// `Function.prototype.toString` of a closure: its exact source text.
    pub fn function_source(&mut self, f: Value) -> JsResult<String> {
        let (ci, func, cls) = self.closure_code(f)?;
        let span = match (&cls, &func) {
            (Some(c), _) => c.span,
            (None, Some(func)) => func.span,
            _ => return Ok("function () { [native code] }".into()),
        };
        Ok(span.text(&ci.src).to_string())
    }

    pub fn new_target_value(&self) -> Value {
        match self.function_env() {
            Some(fe) => self.env_slot(fe, F_NEW_TARGET),
            None => Value::UNDEFINED,
        }
    }
}

fn proto_parent_for_static(f: Value) -> Value {
    f
}

/// Entry fact: the function environment of a call is a volatile frame on the stack
/// ([`Vm::push_call_frame`]), not a heap cell.
const FACT_FRAME: u64 = 1 << 20;

/// Whether nothing in a call of `f` can keep a reference to its environment once the call
/// returns, so that the environment can be a volatile frame: no function, class or direct
/// eval inside it (no closure can capture the scope), no `with` (kept simple), not a
/// generator or async body (their environments outlive a suspension). The caller checks the
/// arguments object (it names the environment) and the entry path (simple parameters).
fn frameable(ci: &CodeInfo, f: &Function) -> bool {
    !f.is_generator && !f.is_async && !f.scope.has_direct_eval && !ci.may_capture(f.span) && !ci.has_with(f.span)
}

pub fn needs_arguments(f: &Function) -> bool {
    f.scope.uses_arguments || f.scope.has_direct_eval
}

/// Whether a (non-arrow) call binds an arguments object (FunctionDeclarationInstantiation
/// steps 15-18): the code may refer to it, no parameter is named `arguments`, and, unless
/// the body is a var scope of its own, no top-level function or lexical declaration is.
fn arguments_object_needed(f: &Function, split: bool) -> bool {
    if !needs_arguments(f) || f.param_names.iter().any(|p| &**p == "arguments") {
        return false;
    }
    if split {
        return true;
    }
    if f.scope.lexical_names.iter().any(|(n, _)| &**n == "arguments") {
        return false;
    }
    match &f.body {
        FunctionBody::Block(stmts) => !stmts.iter().any(|s| match &s.kind {
            StmtKind::Function(d) => d.name.as_deref() == Some("arguments"),
            StmtKind::Labeled(_, inner) => matches!(&inner.kind, StmtKind::Function(d) if d.name.as_deref() == Some("arguments")),
            _ => false,
        }),
        FunctionBody::Expr(_) => true,
    }
}

/// Whether a function's body gets a var scope of its own, apart from its parameters
/// (FunctionDeclarationInstantiation step 28): when the parameters are not simple (so they
/// may hold closures or a direct eval) and the body declares anything or calls eval.
pub fn splits_var_scope(f: &Function) -> bool {
    !f.simple_params && (!f.scope.var_names.is_empty() || !f.scope.lexical_names.is_empty() || f.scope.has_direct_eval || has_top_level_functions(f))
}

fn has_top_level_functions(f: &Function) -> bool {
    match &f.body {
        FunctionBody::Block(stmts) => stmts.iter().any(|s| matches!(s.kind, StmtKind::Function(_) | StmtKind::Labeled(..))),
        FunctionBody::Expr(_) => false,
    }
}

/// The kind and reserved slots of a call's environment: a function environment, or for an
/// arrow a plain scope (a var scope of its own when it contains a direct eval).
fn env_shape(f: &Function, arrow: bool) -> (u8, usize) {
    if !arrow {
        (envk::FUNC, FUNC_RESERVED)
    } else if f.scope.has_direct_eval {
        (envk::VAR, 1)
    } else {
        (envk::DECL, 0)
    }
}

/// IsAnonymousFunctionDefinition.
#[inline]
pub fn is_anonymous_fn(e: &Expr) -> bool {
    match &e.kind {
        ExprKind::Function(f) => f.name.is_none(),
        ExprKind::Arrow(_) => true,
        ExprKind::Class(c) => c.name.is_none(),
        ExprKind::Paren(inner) => is_anonymous_fn(inner),
        _ => false,
    }
}
