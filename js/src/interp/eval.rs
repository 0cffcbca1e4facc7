//! Statements and expressions.
//!
//! Rooting rule: a `Value` held in a Rust local across anything that can run JavaScript
//! (evaluation, calls, property access with accessors) is pushed on `vm.stack` first. Pure
//! allocation never collects, so holding values across an allocation is safe.

use super::env::{bind, envk, Ref, F_THIS};
use super::CodeInfo;
use crate::ast::*;
use crate::vm::object::{attr, class, PropDesc, PropKey};
use crate::vm::{JsResult, Throw, Value, Vm, A, I};
use std::rc::Rc;

pub struct Ctx {
    pub ci: Rc<CodeInfo>,
    pub code: Value,
    pub strict: bool,
}

#[derive(Debug)]
pub enum Completion {
    Normal,
    Return,
    Break(Option<Atom>),
    Continue(Option<Atom>),
}

/// A reference produced by evaluating an assignment target or a callee.
#[derive(Clone, Copy)]
pub(crate) enum LRef {
    Binding(Ref),
    Prop(Value, PropKey),
    /// `base[v]` with an object `v` whose ToPropertyKey (observable) waits until GetValue
    /// or PutValue, after ToObject(base).
    PropValue(Value, Value),
    /// `super[k]`: this, the super base (fetched when the reference is made) and the key
    /// (as a key word, or an object whose ToPropertyKey waits like `PropValue`'s).
    Super(Value, Value, Value),
}

impl Vm {
    pub fn take_return(&mut self) -> Value {
        std::mem::replace(&mut self.ret, Value::UNDEFINED)
    }

    // ----- statements --------------------------------------------------------------------

    pub fn exec_stmts(&mut self, cx: &Ctx, stmts: &[Stmt]) -> JsResult<Completion> {
        for s in stmts {
            match self.exec_stmt(cx, s, &[])? {
                Completion::Normal => {}
                c => return Ok(c),
            }
        }
        Ok(Completion::Normal)
    }

    /// A block: a new scope when it declares anything lexically.
    pub fn exec_block(&mut self, cx: &Ctx, stmts: &[Stmt]) -> JsResult<Completion> {
        // most blocks declare nothing: seen from the statement kinds, without a table lookup
        if !crate::ast::block_declares(stmts) {
            return self.exec_stmts(cx, stmts);
        }
        let key = stmts.as_ptr() as usize;
        let cached = cx.ci.blocks.borrow().get(&key).copied();
        let (names, has_funcs) = match cached {
            Some(b) => b,
            None => {
                let mut decls = Vec::new();
                lexically_scoped_decls(stmts, false, &mut decls);
                let names = if decls.is_empty() { Value::UNDEFINED } else { self.names_of(cx, &decls)? };
                let has_funcs = stmts.iter().any(|s| match &s.kind {
                    StmtKind::Function(_) => true,
                    StmtKind::Labeled(_, inner) => matches!(inner.kind, StmtKind::Function(_)),
                    _ => false,
                });
                cx.ci.blocks.borrow_mut().insert(key, (names, has_funcs));
                (names, has_funcs)
            }
        };
        if names.is_undefined() {
            return self.exec_stmts(cx, stmts);
        }
        let saved = self.env;
        if saved.is_frame() {
            // inside a frame function nothing can capture the block's scope either
            let sp = self.stack.len();
            let env = self.push_block_frame(names);
            self.env = env;
            let r = self.exec_stmts(cx, stmts);
            self.env = saved;
            self.pop_block_frame(env, sp);
            return r;
        }
        let env = self.new_env(envk::DECL, self.env, names, 0)?;
        self.env = env;
        let r = (|| {
            if has_funcs {
                self.hoist_functions(cx, stmts, env)?;
            }
            self.exec_stmts(cx, stmts)
        })();
        self.env = saved;
        r
    }

    pub(crate) fn names_of(&mut self, cx: &Ctx, decls: &[(Atom, DeclKind)]) -> JsResult<Value> {
        let mut binds = Vec::with_capacity(decls.len());
        for (n, k) in decls {
            let a = self.atom_of(&cx.ci, n)?;
            binds.push((a, if *k == DeclKind::Const { 0 } else { bind::MUTABLE }));
        }
        self.new_names(&binds)
    }

    /// A declarative environment for `decls`; `key` names the scope (an AST node's address
    /// and a site tag) so that its names LIST is made once per code, not once per entry.
    pub(crate) fn block_env(&mut self, cx: &Ctx, key: (usize, u8), decls: &[(Atom, DeclKind)]) -> JsResult<Value> {
        let names = self.scope_names(cx, key, decls)?;
        self.new_env(envk::DECL, self.env, names, 0)
    }

    /// The names LIST of the scope `key` (made once per code).
    pub(crate) fn scope_names(&mut self, cx: &Ctx, key: (usize, u8), decls: &[(Atom, DeclKind)]) -> JsResult<Value> {
        let cached = cx.ci.scopes.borrow().get(&key).copied();
        Ok(match cached {
            Some(n) => n,
            None => {
                let n = self.names_of(cx, decls)?;
                cx.ci.scopes.borrow_mut().insert(key, n);
                n
            }
        })
    }

    /// The scope of a catch clause's parameter names (marked for B.3.4).
    fn catch_env(&mut self, cx: &Ctx, key: (usize, u8), names: &[Atom]) -> JsResult<Value> {
        let cached = cx.ci.scopes.borrow().get(&key).copied();
        let list = match cached {
            Some(n) => n,
            None => {
                let mut binds = Vec::with_capacity(names.len());
                for n in names {
                    binds.push((self.atom_of(&cx.ci, n)?, bind::MUTABLE | bind::CATCH));
                }
                let l = self.new_names(&binds)?;
                cx.ci.scopes.borrow_mut().insert(key, l);
                l
            }
        };
        self.new_env(envk::DECL, self.env, list, 0)
    }

    pub(crate) fn exec_stmt(&mut self, cx: &Ctx, s: &Stmt, labels: &[Atom]) -> JsResult<Completion> {
        match &s.kind {
            StmtKind::Expr(e) => {
                // the usual statements go to their evaluation directly, not through the
                // dispatcher
                let v = match &e.kind {
                    ExprKind::Assign { op, target, value } => self.eval_assign(cx, *op, target, value)?,
                    ExprKind::Call { callee, args, optional } => {
                        self.note_position(e.span.start);
                        self.eval_call(cx, callee, args, *optional)?
                    }
                    _ => self.eval_expr(cx, e)?,
                };
                self.cv = v;
                Ok(Completion::Normal)
            }
            StmtKind::Var(d) => {
                self.exec_var(cx, d)?;
                Ok(Completion::Normal)
            }
            StmtKind::Function(f) => {
                if cx.ci.annexb.decls.contains(&f.span.start) {
                    self.annexb_copy(cx, f)?;
                }
                Ok(Completion::Normal)
            }
            StmtKind::Empty | StmtKind::Debugger => Ok(Completion::Normal),
            StmtKind::Class(c) => {
                let f = self.eval_class(cx, c, None)?;
                let a = self.atom_of(&cx.ci, c.name.as_ref().unwrap())?;
                let env = self.env;
                self.init_binding(env, a, f)?;
                Ok(Completion::Normal)
            }
            StmtKind::Block(b, false) => self.exec_stmts(cx, b),
            StmtKind::Block(b, true) => self.exec_block(cx, b),
            StmtKind::If(c, a, b) => {
                let t = self.eval_test(cx, c)?;
                self.cv = Value::UNDEFINED;
                let branch = if t { Some(&**a) } else { b.as_deref() };
                match branch {
                    // B.3.4: `if (x) function f() {}` is `if (x) { function f() {} }`
                    Some(s) if matches!(s.kind, StmtKind::Function(_)) => self.exec_block(cx, std::slice::from_ref(s)),
                    Some(s) => self.exec_stmt(cx, s, &[]),
                    None => Ok(Completion::Normal),
                }
            }
            StmtKind::While(c, body) => {
                self.cv = Value::UNDEFINED;
                loop {
                    if !self.eval_test(cx, c)? {
                        return Ok(Completion::Normal);
                    }
                    match self.exec_stmt(cx, body, &[])? {
                        Completion::Normal => {}
                        c => {
                            if let Some(done) = loop_exit(c, labels) {
                                return Ok(done);
                            }
                        }
                    }
                    self.safepoint()?;
                }
            }
            StmtKind::DoWhile(body, c) => {
                self.cv = Value::UNDEFINED;
                loop {
                    match self.exec_stmt(cx, body, &[])? {
                        Completion::Normal => {}
                        c => {
                            if let Some(done) = loop_exit(c, labels) {
                                return Ok(done);
                            }
                        }
                    }
                    if !self.eval_test(cx, c)? {
                        return Ok(Completion::Normal);
                    }
                    self.safepoint()?;
                }
            }
            StmtKind::For { init, test, update, body } => self.exec_for(cx, s.span, init, test, update, body, labels),
            StmtKind::ForIn { left, right, body } => self.exec_for_in(cx, left, right, body, labels),
            StmtKind::ForOf { left, right, body } => self.exec_for_of(cx, left, right, body, labels),
            StmtKind::ForAwait { .. } => Err(self.throw_syntax("for await outside an async body")),
            StmtKind::Continue(l) => Ok(Completion::Continue(l.clone())),
            StmtKind::Break(l) => Ok(Completion::Break(l.clone())),
            StmtKind::Return(e) => {
                let v = match e {
                    Some(e) => self.operand(cx, e)?,
                    None => Value::UNDEFINED,
                };
                self.ret = v;
                Ok(Completion::Return)
            }
            StmtKind::Throw(e) => {
                let v = self.eval_expr(cx, e)?;
                Err(self.throw_value(v))
            }
            StmtKind::Try { block, handler, finalizer } => self.exec_try(cx, block, handler, finalizer),
            StmtKind::Switch(d, cases) => self.exec_switch(cx, d, cases),
            StmtKind::Labeled(l, body) => {
                let mut ls: Vec<Atom> = labels.to_vec();
                ls.push(l.clone());
                match self.exec_stmt(cx, body, &ls)? {
                    Completion::Break(Some(b)) if b == *l => Ok(Completion::Normal),
                    c => Ok(c),
                }
            }
            StmtKind::With(o, body) => {
                let v = self.eval_expr(cx, o)?;
                let obj = self.to_object(v)?;
                let saved = self.env;
                let env = self.new_env(envk::WITH, saved, Value::UNDEFINED, 1)?;
                self.set_env_slot(env, 0, obj);
                self.env = env;
                self.cv = Value::UNDEFINED;
                let r = self.exec_stmt(cx, body, &[]);
                self.env = saved;
                r
            }
        }
    }

    pub(crate) fn exec_var(&mut self, cx: &Ctx, d: &VarDecl) -> JsResult<()> {
        for decl in &d.decls {
            match d.kind {
                VarKind::Var => {
                    if let Some(init) = &decl.init {
                        if let Pattern::Ident(n, _, c) = &decl.target {
                            let r = self.resolve_ident(&cx.ci, n, c)?;
                            self.push_ref(r);
                            let v = self.eval_named(cx, init, &decl.target);
                            self.pop_ref(r);
                            let v = v?;
                            self.put_ref(r, v, cx.strict)?;
                        } else {
                            let v = self.eval_expr(cx, init)?;
                            self.bind_pattern(cx, &decl.target, v, None)?;
                        }
                    }
                }
                _ => {
                    let v = match &decl.init {
                        Some(init) => self.eval_named(cx, init, &decl.target)?,
                        None => Value::UNDEFINED,
                    };
                    let env = self.env;
                    self.bind_pattern(cx, &decl.target, v, Some(env))?;
                }
            }
        }
        Ok(())
    }

    pub(crate) fn push_ref(&mut self, r: Ref) {
        match r {
            Ref::Object { obj, key } => {
                self.stack.push(obj);
                self.stack.push(self.key_word_value(key));
            }
            Ref::GlobalLex { table, key } => {
                self.stack.push(table);
                self.stack.push(self.key_word_value(key));
            }
            Ref::Unresolvable { key } => {
                self.stack.push(Value::UNDEFINED);
                self.stack.push(self.key_word_value(key));
            }
            Ref::Slot { env, .. } => {
                self.stack.push(env);
                self.stack.push(Value::UNDEFINED);
            }
        }
    }
    pub(crate) fn pop_ref(&mut self, _r: Ref) {
        self.stack.pop();
        self.stack.pop();
    }

    #[allow(clippy::too_many_arguments)]
    pub(crate) fn exec_for(&mut self, cx: &Ctx, span: Span, init: &Option<ForInit>, test: &Option<Box<Expr>>, update: &Option<Box<Expr>>, body: &Stmt, labels: &[Atom]) -> JsResult<Completion> {
        let saved = self.env;
        let r = (|| {
            let mut per_iter = false;
            match init {
                Some(ForInit::Var(d)) if d.kind != VarKind::Var => {
                    let mut names = Vec::new();
                    for decl in &d.decls {
                        decl.target.bound_names(&mut names);
                    }
                    let k = if d.kind == VarKind::Const { DeclKind::Const } else { DeclKind::Let };
                    let decls: Vec<(Atom, DeclKind)> = names.into_iter().map(|n| (n, k)).collect();
                    if saved.is_frame() {
                        // the head's scope in a frame function: a block frame (no closure
                        // can see it, so it is never copied per iteration either)
                        let names = self.scope_names(cx, (d as *const _ as usize, 1), &decls)?;
                        self.env = self.push_block_frame(names);
                    } else {
                        self.env = self.block_env(cx, (d as *const _ as usize, 1), &decls)?;
                    }
                    // CreatePerIterationEnvironment copies the scope for closures made in
                    // the loop; when none can be made there (no function, class or direct
                    // eval in the statement) one scope for all iterations behaves the same
                    per_iter = d.kind == VarKind::Let && cx.ci.may_capture(span);
                    self.exec_var(cx, d)?;
                }
                Some(ForInit::Var(d)) => self.exec_var(cx, d)?,
                Some(ForInit::Expr(e)) => {
                    self.eval_expr(cx, e)?;
                }
                None => {}
            }
            self.cv = Value::UNDEFINED;
            if per_iter {
                self.env = self.copy_env(self.env)?;
            }
            loop {
                if let Some(t) = test {
                    if !self.eval_test(cx, t)? {
                        return Ok(Completion::Normal);
                    }
                }
                match self.exec_stmt(cx, body, &[])? {
                    Completion::Normal => {}
                    c => {
                        if let Some(done) = loop_exit(c, labels) {
                            return Ok(done);
                        }
                    }
                }
                if per_iter {
                    self.env = self.copy_env(self.env)?;
                }
                if let Some(u) = update {
                    self.eval_expr(cx, u)?;
                }
                self.safepoint()?;
            }
        })();
        let head = self.env;
        self.env = saved;
        if head.is_frame() && head != saved {
            self.pop_block_frame(head, head.frame_index());
        }
        r
    }

    /// CreatePerIterationEnvironment: a copy of a loop's declarative environment.
    pub(crate) fn copy_env(&mut self, env: Value) -> JsResult<Value> {
        let parent = self.env_parent(env);
        let names = self.env_word(env, 2);
        let n = self.env_kind(env);
        let ne = self.new_env(n, parent, names, 0)?;
        let len = self.env_len(env);
        for i in 3..=len {
            let v = self.env_word(env, i);
            self.set_word(ne.off(), i, v);
        }
        Ok(ne)
    }

    /// Binds the loop variable of a for-in/of head to `v` (in a fresh scope for let/const).
    pub(crate) fn bind_for_head(&mut self, cx: &Ctx, left: &ForHead, v: Value, outer: Value) -> JsResult<()> {
        match left {
            ForHead::Var(d) if d.kind != VarKind::Var => {
                let mut names = Vec::new();
                d.decls[0].target.bound_names(&mut names);
                let k = if d.kind == VarKind::Const { DeclKind::Const } else { DeclKind::Let };
                let decls: Vec<(Atom, DeclKind)> = names.into_iter().map(|n| (n, k)).collect();
                self.env = outer;
                self.stack.push(v);
                let env = self.block_env(cx, (d as *const _ as usize, 2), &decls);
                self.stack.pop();
                self.env = env?;
                let e = self.env;
                self.bind_pattern(cx, &d.decls[0].target, v, Some(e))
            }
            ForHead::Var(d) => self.bind_pattern(cx, &d.decls[0].target, v, None),
            ForHead::Pattern(p) => self.bind_pattern(cx, p, v, None),
        }
    }

    pub(crate) fn for_head_tdz(&mut self, cx: &Ctx, left: &ForHead) -> JsResult<Option<Value>> {
        if let ForHead::Var(d) = left {
            if d.kind != VarKind::Var {
                let mut names = Vec::new();
                d.decls[0].target.bound_names(&mut names);
                let decls: Vec<(Atom, DeclKind)> = names.into_iter().map(|n| (n, DeclKind::Let)).collect();
                return Ok(Some(self.block_env(cx, (d as *const _ as usize, 3), &decls)?));
            }
        }
        Ok(None)
    }

    pub(crate) fn exec_for_in(&mut self, cx: &Ctx, left: &ForHead, right: &Expr, body: &Stmt, labels: &[Atom]) -> JsResult<Completion> {
        let outer = self.env;
        let base = self.stack.len();
        let r = (|| {
            if let ForHead::Var(d) = left {
                if let Some(init) = &d.decls[0].init {
                    let v = self.eval_expr(cx, init)?;
                    self.bind_pattern(cx, &d.decls[0].target, v, None)?;
                }
            }
            if let Some(tdz) = self.for_head_tdz(cx, left)? {
                self.env = tdz;
            }
            let o = self.eval_expr(cx, right)?;
            self.env = outer;
            self.cv = Value::UNDEFINED;
            if o.is_nullish() {
                return Ok(Completion::Normal);
            }
            let obj = self.to_object(o)?;
            self.stack.push(obj);
            let keys = self.for_in_keys(obj)?;
            let karr = self.new_list(&keys)?;
            self.stack.push(karr);
            for (i, _) in keys.iter().enumerate() {
                let k = self.list_get(karr, i);
                // skip keys deleted during the loop
                let pk = self.key_from_string(k)?;
                if !self.has_property(obj, pk)? {
                    continue;
                }
                self.bind_for_head(cx, left, k, outer)?;
                let c = self.exec_stmt(cx, body, &[]);
                self.env = outer;
                match c? {
                    Completion::Normal => {}
                    c => {
                        if let Some(done) = loop_exit(c, labels) {
                            return Ok(done);
                        }
                    }
                }
                self.safepoint()?;
            }
            Ok(Completion::Normal)
        })();
        self.env = outer;
        self.stack.truncate(base);
        r
    }

    /// The enumerable string keys of `o` and its prototypes, shadowed ones once.
    pub fn for_in_keys(&mut self, o: Value) -> JsResult<Vec<Value>> {
        let mut seen: hashbrown::HashSet<PropKey> = hashbrown::HashSet::new();
        let mut out = Vec::new();
        let mut cur = o;
        let mut steps = 0;
        while cur.is_obj() {
            if self.is_proxy(cur) {
                super::proxy::walk_step(self, &mut steps)?;
            }
            // the object on the walk stays rooted while a proxy's traps run
            self.stack.push(cur);
            for k in self.own_property_keys(cur)? {
                if k.is_symbol() {
                    continue;
                }
                if !seen.insert(k) {
                    continue;
                }
                if let Some(p) = self.get_own_property(cur, k)? {
                    if p.enumerable() {
                        let kv = self.key_to_value(k)?;
                        self.stack.push(kv);
                        out.push(kv);
                    }
                }
            }
            cur = self.get_prototype_of(cur)?;
        }
        Ok(out)
    }

    pub(crate) fn exec_for_of(&mut self, cx: &Ctx, left: &ForHead, right: &Expr, body: &Stmt, labels: &[Atom]) -> JsResult<Completion> {
        let outer = self.env;
        let base = self.stack.len();
        let r = (|| {
            if let Some(tdz) = self.for_head_tdz(cx, left)? {
                self.env = tdz;
            }
            let o = self.eval_expr(cx, right)?;
            self.env = outer;
            self.cv = Value::UNDEFINED;
            let (iter, next) = self.get_iterator(o)?;
            self.stack.push(iter);
            self.stack.push(next);
            loop {
                let Some(v) = self.iterator_step(iter, next)? else { return Ok(Completion::Normal) };
                let res = (|| {
                    self.bind_for_head(cx, left, v, outer)?;
                    self.exec_stmt(cx, body, &[])
                })();
                self.env = outer;
                match res {
                    Ok(Completion::Normal) => {}
                    Ok(c) => {
                        if let Some(done) = loop_exit(c, labels) {
                            self.iterator_close(iter)?;
                            return Ok(done);
                        }
                    }
                    Err(Throw::Exception) => {
                        let e = self.exception;
                        self.stack.push(e);
                        let _ = self.iterator_close(iter);
                        self.exception = self.stack.pop().unwrap();
                        return Err(Throw::Exception);
                    }
                    Err(t) => return Err(t),
                }
                self.safepoint()?;
            }
        })();
        self.env = outer;
        self.stack.truncate(base);
        r
    }

    pub(crate) fn exec_try(&mut self, cx: &Ctx, block: &[Stmt], handler: &Option<Box<Catch>>, finalizer: &Option<Vec<Stmt>>) -> JsResult<Completion> {
        let env = self.env;
        let base = self.stack.len();
        let depth = self.depth;
        let env_depth = self.env_stack.len();
        self.cv = Value::UNDEFINED;
        let mut r = self.exec_block(cx, block);
        if let (Err(Throw::Exception), Some(h)) = (&r, handler) {
            self.env = env;
            self.stack.truncate(base);
            self.depth = depth;
            self.env_stack.truncate(env_depth);
            let exc = std::mem::replace(&mut self.exception, Value::UNDEFINED);
            self.cv = Value::UNDEFINED;
            r = (|| {
                if let Some(p) = &h.param {
                    let mut names = Vec::new();
                    p.bound_names(&mut names);
                    self.stack.push(exc);
                    let cenv = self.catch_env(cx, (p as *const _ as usize, 4), &names);
                    self.stack.pop();
                    self.env = cenv?;
                    let e = self.env;
                    self.bind_pattern(cx, p, exc, Some(e))?;
                }
                self.exec_block(cx, &h.body)
            })();
            self.env = env;
        }
        if let Some(f) = finalizer {
            if matches!(r, Err(Throw::Interrupted) | Err(Throw::Fatal)) {
                return r;
            }
            self.env = env;
            self.stack.truncate(base);
            self.depth = depth;
            self.env_stack.truncate(env_depth);
            // keep what the try/catch produced alive while the finally block runs
            let saved_exc = self.exception;
            let saved_ret = self.ret;
            let saved_cv = self.cv;
            self.stack.push(saved_exc);
            self.stack.push(saved_ret);
            self.stack.push(saved_cv);
            // an abrupt finally carries its own completion value (UpdateEmpty(F, undefined))
            self.cv = Value::UNDEFINED;
            let fr = self.exec_block(cx, f);
            self.stack.truncate(base);
            match fr? {
                Completion::Normal => {
                    self.exception = saved_exc;
                    self.ret = saved_ret;
                    self.cv = saved_cv;
                }
                c => return Ok(c),
            }
        }
        r
    }

    pub(crate) fn exec_switch(&mut self, cx: &Ctx, d: &Expr, cases: &[SwitchCase]) -> JsResult<Completion> {
        let v = self.eval_expr(cx, d)?;
        let saved = self.env;
        let base = self.stack.len();
        self.stack.push(v);
        let r = (|| {
            let mut decls = Vec::new();
            for c in cases {
                lexically_scoped_decls(&c.body, false, &mut decls);
            }
            if !decls.is_empty() {
                let env = self.block_env(cx, (cases.as_ptr() as usize, 5), &decls)?;
                self.env = env;
                for c in cases {
                    self.hoist_functions(cx, &c.body, env)?;
                }
            }
            self.cv = Value::UNDEFINED;
            let mut start = None;
            for (i, c) in cases.iter().enumerate() {
                if let Some(t) = &c.test {
                    let tv = self.eval_expr(cx, t)?;
                    if self.strict_eq(v, tv) {
                        start = Some(i);
                        break;
                    }
                }
            }
            let start = match start {
                Some(s) => s,
                None => match cases.iter().position(|c| c.test.is_none()) {
                    Some(s) => s,
                    None => return Ok(Completion::Normal),
                },
            };
            for c in &cases[start..] {
                match self.exec_stmts(cx, &c.body)? {
                    Completion::Normal => {}
                    Completion::Break(None) => return Ok(Completion::Normal),
                    c => return Ok(c),
                }
            }
            Ok(Completion::Normal)
        })();
        self.env = saved;
        self.stack.truncate(base);
        r
    }

    // ----- patterns ------------------------------------------------------------------------

    /// Binds `pat` to `v`: initialising bindings of `env` (declarations), or assigning
    /// through references when `env` is None (var declarations, assignment patterns).
    pub fn bind_pattern(&mut self, cx: &Ctx, pat: &Pattern, v: Value, env: Option<Value>) -> JsResult<()> {
        match pat {
            Pattern::Ident(n, _, c) => {
                match env {
                    Some(e) => {
                        if e == self.env {
                            // the declaring scope is the current one: the binding was found
                            // there before (the names LIST is the scope's), so no name scan
                            let (list, epoch, meta) = c.0.get();
                            if epoch == self.ic_epoch && meta >> 32 == 0 && self.env_word(e, 2).0 == list {
                                self.set_env_word(e, ((meta >> 16) & 0xFFFF) as usize, v);
                                return Ok(());
                            }
                        }
                        let a = self.atom_of(&cx.ci, n)?;
                        if e == self.env && self.env_kind(e) != envk::GLOBAL {
                            if let Some((word, flags)) = self.find_binding(e, a) {
                                self.set_env_word(e, word, v);
                                if word <= 0xFFFF && flags <= 0xFFFF {
                                    c.0.set((self.env_word(e, 2).0, self.ic_epoch, (word as u64) << 16 | flags));
                                }
                                return Ok(());
                            }
                        }
                        self.init_binding(e, a, v)
                    }
                    None => {
                        self.stack.push(v);
                        let r = self.resolve_ident(&cx.ci, n, c);
                        self.stack.pop();
                        let r = r?;
                        self.put_ref(r, v, cx.strict)
                    }
                }
            }
            Pattern::Expr(e) => {
                self.stack.push(v);
                let lr = self.eval_lref(cx, e);
                self.stack.pop();
                let lr = lr?;
                self.lref_put(cx, lr, v)
            }
            Pattern::Object { props, rest, .. } => {
                if v.is_nullish() {
                    return Err(self.throw_type(&format!("Cannot destructure '{}' as it is {}.", if v.is_null() { "null" } else { "undefined" }, if v.is_null() { "null" } else { "undefined" })));
                }
                let base = self.stack.len();
                self.stack.push(v);
                let r = (|| {
                    let mut used: Vec<Value> = Vec::new();
                    for p in props {
                        let key = self.eval_prop_key(cx, &p.key)?;
                        let kv = self.key_word_value(key);
                        self.stack.push(kv);
                        if rest.is_some() {
                            used.push(kv);
                        }
                        // the target reference is evaluated before the read (assignment patterns)
                        self.bind_elem_fetch(cx, &p.value, env, &mut |vm: &mut Vm| vm.get_v(v, key))?;
                    }
                    if let Some(r) = rest {
                        let o = self.new_object()?;
                        self.stack.push(o);
                        let src = self.to_object(v)?;
                        self.stack.push(src);
                        for k in self.own_property_keys(src)? {
                            if used.contains(&self.key_word_value(k)) {
                                continue;
                            }
                            if let Some(p) = self.get_own_property(src, k)? {
                                if p.enumerable() {
                                    let val = self.get(src, k, src)?;
                                    self.create_data_property(o, k, val)?;
                                }
                            }
                        }
                        self.bind_pattern(cx, r, o, env)?;
                    }
                    Ok(())
                })();
                self.stack.truncate(base);
                r
            }
            Pattern::Array { elems, rest, .. } => {
                let base = self.stack.len();
                let (iter, next) = self.get_iterator(v)?;
                self.stack.push(iter);
                self.stack.push(next);
                let mut done = false;
                let r = (|| {
                    for e in elems {
                        let mut step = |vm: &mut Vm| -> JsResult<Value> {
                            if done {
                                return Ok(Value::UNDEFINED);
                            }
                            match vm.iterator_step(iter, next) {
                                Ok(Some(x)) => Ok(x),
                                Ok(None) => {
                                    done = true;
                                    Ok(Value::UNDEFINED)
                                }
                                Err(t) => {
                                    done = true;
                                    Err(t)
                                }
                            }
                        };
                        match e {
                            Some(e) => self.bind_elem_fetch(cx, e, env, &mut step)?,
                            None => {
                                step(self)?;
                            }
                        }
                    }
                    if let Some(r) = rest {
                        // an assignment target's reference comes before the remaining steps
                        let lref = match (&**r, env) {
                            (Pattern::Expr(te), None) => {
                                let lr = self.eval_lref(cx, te)?;
                                self.push_lref(lr);
                                Some(lr)
                            }
                            _ => None,
                        };
                        let mut items = Vec::new();
                        let arr = self.new_array(&[])?;
                        self.stack.push(arr);
                        while !done {
                            match self.iterator_step(iter, next) {
                                Ok(Some(x)) => {
                                    let i = items.len() as u32;
                                    items.push(x);
                                    self.create_data_property(arr, PropKey::Index(i), x)?;
                                }
                                Ok(None) => done = true,
                                Err(t) => {
                                    done = true;
                                    return Err(t);
                                }
                            }
                        }
                        match lref {
                            Some(lr) => self.lref_put(cx, lr, arr)?,
                            None => self.bind_pattern(cx, r, arr, env)?,
                        }
                    }
                    Ok(())
                })();
                let r = match r {
                    Ok(()) if !done => self.iterator_close(iter),
                    Err(Throw::Exception) if !done => {
                        let e = self.exception;
                        self.stack.push(e);
                        let _ = self.iterator_close(iter);
                        self.exception = e;
                        Err(Throw::Exception)
                    }
                    r => r,
                };
                self.stack.truncate(base);
                r
            }
        }
    }

    /// Binds one pattern element to the value `fetch` produces (a property read or an
    /// iterator step). An assignment target's reference is made before the fetch
    /// (IteratorDestructuring- and KeyedDestructuringAssignmentEvaluation): an identifier is
    /// resolved first (observable through a `with` proxy), `o.p` / `o[k]` evaluated first.
    /// The caller truncates the stack.
    fn bind_elem_fetch(&mut self, cx: &Ctx, e: &PatElem, env: Option<Value>, fetch: &mut dyn FnMut(&mut Vm) -> JsResult<Value>) -> JsResult<()> {
        if let (Pattern::Ident(n, _, c), None) = (&e.target, env) {
            let r = self.resolve_ident(&cx.ci, n, c)?;
            if let Ref::Object { obj, .. } = r {
                self.stack.push(obj);
            }
            let mut v = fetch(self)?;
            if v.is_undefined() {
                if let Some(init) = &e.init {
                    self.stack.push(v);
                    v = self.eval_named(cx, init, &e.target)?;
                }
            }
            return self.put_ref(r, v, cx.strict);
        }
        if let (Pattern::Expr(te), None) = (&e.target, env) {
            let lr = self.eval_lref(cx, te)?;
            let base = self.stack.len();
            self.push_lref(lr);
            let r = (|| {
                let mut v = fetch(self)?;
                if v.is_undefined() {
                    if let Some(init) = &e.init {
                        v = self.eval_expr(cx, init)?;
                    }
                }
                self.stack.push(v);
                self.lref_put(cx, lr, v)
            })();
            self.stack.truncate(base);
            return r;
        }
        let v = fetch(self)?;
        self.bind_elem(cx, e, v, env)
    }

    pub(crate) fn bind_elem(&mut self, cx: &Ctx, e: &PatElem, mut v: Value, env: Option<Value>) -> JsResult<()> {
        if v.is_undefined() {
            if let Some(init) = &e.init {
                v = self.eval_named(cx, init, &e.target)?;
            }
        }
        self.bind_pattern(cx, &e.target, v, env)
    }

    /// Evaluates `e`, naming an anonymous function after the identifier it is bound to.
    #[inline]
    pub fn eval_named(&mut self, cx: &Ctx, e: &Expr, target: &Pattern) -> JsResult<Value> {
        if let Pattern::Ident(n, ..) = target {
            if super::function::is_anonymous_fn(e) {
                let a = self.atom_of(&cx.ci, n)?;
                return self.eval_anonymous(cx, e, a);
            }
        }
        self.operand(cx, e)
    }

    pub(crate) fn eval_anonymous(&mut self, cx: &Ctx, e: &Expr, name: Value) -> JsResult<Value> {
        match &e.kind {
            ExprKind::Function(f) | ExprKind::Arrow(f) => self.make_function(cx, f, Some(name), Value::UNDEFINED),
            ExprKind::Class(c) => self.eval_class(cx, c, Some(name)),
            // NamedEvaluation passes through parentheses: `x = (function () {})`
            ExprKind::Paren(inner) => self.eval_anonymous(cx, inner, name),
            _ => self.eval_expr(cx, e),
        }
    }

    // ----- iteration protocol ----------------------------------------------------------------

    pub fn get_iterator(&mut self, v: Value) -> JsResult<(Value, Value)> {
        let ik = self.i(I::SymIterator);
        let m = self.get_v(v, PropKey::Key(ik))?;
        if !self.is_callable(m) {
            return Err(self.throw_type("object is not iterable (cannot read property Symbol(Symbol.iterator))"));
        }
        let it = self.call(m, v, &[])?;
        if !it.is_obj() {
            return Err(self.throw_type("Result of the Symbol.iterator method is not an object"));
        }
        self.stack.push(it);
        let nk = self.key_atom(A::next);
        let next = self.get(it, nk, it);
        self.stack.pop();
        Ok((it, next?))
    }

    /// IteratorStep + IteratorValue: None when done.
    pub fn iterator_step(&mut self, iter: Value, next: Value) -> JsResult<Option<Value>> {
        // the built-in array iterator: step it without making the result object
        if crate::builtins::array::is_array_iter_next(self, next) {
            if let Some(r) = crate::builtins::array::array_iter_step(self, iter)? {
                return Ok(r);
            }
        }
        if !self.is_callable(next) {
            return Err(self.throw_type("iterator.next is not a function"));
        }
        let r = self.call(next, iter, &[])?;
        if !r.is_obj() {
            return Err(self.throw_type("Iterator result is not an object"));
        }
        self.stack.push(r);
        let dk = self.key_atom(A::done);
        let d = self.get(r, dk, r);
        let res = match d {
            Ok(d) if self.to_boolean(d) => Ok(None),
            Ok(_) => {
                let vk = self.key_atom(A::value);
                self.get(r, vk, r).map(Some)
            }
            Err(t) => Err(t),
        };
        self.stack.pop();
        res
    }

    pub fn iterator_close(&mut self, iter: Value) -> JsResult<()> {
        let rk = self.key_atom(A::return_);
        let m = self.get_v(iter, rk)?;
        if m.is_nullish() {
            return Ok(());
        }
        let r = self.call(m, iter, &[])?;
        if !r.is_obj() {
            return Err(self.throw_type("iterator result is not an object"));
        }
        Ok(())
    }

    /// All values of an iterable (spread).
    pub fn iterate_to_vec(&mut self, v: Value) -> JsResult<Vec<Value>> {
        // fast path: a plain array with the built-in iterator
        let base = self.stack.len();
        if self.is_array(v) && self.array_iteration_is_pristine(v) {
            // a getter on a hole (on Array.prototype) may run a collection: the values read
            // so far stay on the stack until the end, as in the general path
            self.stack.push(v);
            let n = self.array_len(v);
            let mut out = Vec::with_capacity(n as usize);
            let mut r = Ok(());
            for i in 0..n {
                match self.get(v, PropKey::Index(i), v) {
                    Ok(x) => {
                        self.stack.push(x);
                        out.push(x);
                    }
                    Err(t) => {
                        r = Err(t);
                        break;
                    }
                }
            }
            self.stack.truncate(base);
            return r.map(|_| out);
        }
        let (iter, next) = self.get_iterator(v)?;
        self.stack.push(iter);
        self.stack.push(next);
        let mut out = Vec::new();
        let r = loop {
            match self.iterator_step(iter, next) {
                Ok(Some(x)) => {
                    self.stack.push(x);
                    out.push(x);
                }
                Ok(None) => break Ok(()),
                Err(t) => break Err(t),
            }
        };
        self.stack.truncate(base);
        r.map(|_| out)
    }

    /// Records where the innermost running code is (for `Error` stacks).
    #[inline]
    pub(crate) fn note_position(&mut self, pos: u32) {
        if let Some(f) = self.frames.last_mut() {
            f.2 = pos;
        }
    }

    pub(crate) fn array_iteration_is_pristine(&mut self, a: Value) -> bool {
        let ik = self.i(I::SymIterator);
        let ap = self.i(I::ArrayProto);
        if self.proto_of(a) != ap || self.get_own(a, PropKey::Key(ik)).is_some() {
            return false;
        }
        let vals = self.i(I::ArrayProtoValues);
        let cur = self.get_own(ap, PropKey::Key(ik));
        let aip = self.i(I::ArrayIteratorProto);
        let nk = self.key_atom(A::next);
        let next_ok = self.get_own(aip, nk).is_some_and(|p| !p.is_accessor() && crate::builtins::array::is_array_iter_next(self, p.value));
        cur.is_some_and(|p| !p.is_accessor() && p.value == vals) && next_ok
    }

    // ----- expressions -----------------------------------------------------------------------

    pub fn eval_prop_key(&mut self, cx: &Ctx, k: &crate::ast::PropKey) -> JsResult<PropKey> {
        match k {
            crate::ast::PropKey::Ident(n) => {
                let a = self.atom_of(&cx.ci, n)?;
                if let Some(i) = crate::vm::string::array_index(self.units(a)) {
                    return Ok(PropKey::Index(i));
                }
                Ok(PropKey::Key(a))
            }
            crate::ast::PropKey::Str(s) => Ok(self.key_from_units(s)?),
            crate::ast::PropKey::Num(n) => {
                let v = Value::num(*n);
                self.to_property_key(v)
            }
            crate::ast::PropKey::Computed(e) => {
                let v = self.eval_expr(cx, e)?;
                self.to_property_key(v)
            }
        }
    }

    /// The callee `o[k]` of a call `o.k(...)` and its `this` (`o`); an optional `o?.k` whose
    /// `o` is nullish short-circuits.
    fn method_and_this(&mut self, cx: &Ctx, object: &Expr, prop: &MemberProp, optional: bool) -> JsResult<(Value, Value)> {
        let o = self.operand(cx, object)?;
        if optional && o.is_nullish() {
            return Err(Throw::ShortCircuit);
        }
        if let MemberProp::Name(_, ic) = prop {
            if o.is_obj() {
                if let Some(f) = self.ic_get(o, ic) {
                    return Ok((f, o));
                }
            }
        }
        self.stack.push(o);
        let k = self.member_key(cx, prop)?;
        let f = match prop {
            MemberProp::Name(_, ic) => self.get_ic(o, k, ic)?,
            MemberProp::Computed(_) => self.get_v(o, k)?,
        };
        self.stack.pop();
        Ok((f, o))
    }

    pub(crate) fn member_key(&mut self, cx: &Ctx, p: &MemberProp) -> JsResult<PropKey> {
        match p {
            MemberProp::Name(n, _) => {
                let a = self.atom_of(&cx.ci, n)?;
                Ok(PropKey::Key(a))
            }
            MemberProp::Computed(e) => {
                let v = self.operand(cx, e)?;
                if v.is_num() {
                    let n = v.as_num();
                    if n >= 0.0 && n < 4294967295.0 && n.fract() == 0.0 {
                        return Ok(PropKey::Index(n as u32));
                    }
                }
                self.to_property_key(v)
            }
        }
    }

    pub(crate) fn eval_lref(&mut self, cx: &Ctx, e: &Expr) -> JsResult<LRef> {
        match &e.kind {
            ExprKind::Ident(n, c) => Ok(LRef::Binding(self.resolve_ident(&cx.ci, n, c)?)),
            ExprKind::Member { object, prop, .. } => {
                // a null or undefined base fails in GetValue/PutValue, after the right side
                let o = self.operand(cx, object)?;
                if let MemberProp::Computed(pe) = prop {
                    let v = match self.leaf(pe) {
                        Some(v) => v,
                        None => {
                            self.stack.push(o);
                            let v = self.eval_expr(cx, pe);
                            self.stack.pop();
                            v?
                        }
                    };
                    if v.is_obj() {
                        return Ok(LRef::PropValue(o, v));
                    }
                    if v.is_num() {
                        let n = v.as_num();
                        if n >= 0.0 && n < 4294967295.0 && n.fract() == 0.0 {
                            return Ok(LRef::Prop(o, PropKey::Index(n as u32)));
                        }
                    }
                    let k = self.to_property_key(v)?;
                    return Ok(LRef::Prop(o, k));
                }
                let k = self.member_key(cx, prop)?;
                Ok(LRef::Prop(o, k))
            }
            ExprKind::SuperMember(p) => {
                let (this, base, kv) = self.super_reference(cx, p)?;
                Ok(LRef::Super(this, base, kv))
            }
            ExprKind::Paren(inner) => self.eval_lref(cx, inner),
            _ => {
                // e.g. `f() = 1` in sloppy code: evaluate, then fail
                self.eval_expr(cx, e)?;
                Err(self.throw_ref("Invalid left-hand side in assignment"))
            }
        }
    }

    /// `++`/`--` on a resolved reference: ToNumeric of the old value, the new one written
    /// back; the result is the new value (prefix) or the old numeric one (postfix). The caller
    /// truncates the stack.
    pub(crate) fn update_lref(&mut self, cx: &Ctx, r: LRef, op: UpdateOp, prefix: bool) -> JsResult<Value> {
        self.push_lref(r);
        let old = self.lref_get(r)?;
        let n = self.to_numeric(old)?;
        let delta = if op == UpdateOp::Inc { 1 } else { -1 };
        let nv = if n.is_bigint() {
            self.stack.push(n);
            self.bigint_add_small(n, delta)?
        } else {
            Value::num(n.as_num() + delta as f64)
        };
        self.stack.push(nv);
        self.lref_put(cx, r, nv)?;
        Ok(if prefix { nv } else { n })
    }

    /// `...v` in an array literal: appends v's iterated values to `arr` from index `*i` on.
    pub(crate) fn spread_into(&mut self, arr: Value, i: &mut u32, v: Value) -> JsResult<()> {
        self.stack.push(v);
        let vals = self.iterate_to_vec(v)?;
        for x in vals {
            self.create_data_property(arr, PropKey::Index(*i), x)?;
            *i += 1;
        }
        self.stack.pop();
        Ok(())
    }

    pub(crate) fn push_lref(&mut self, r: LRef) {
        match r {
            LRef::Binding(b) => self.push_ref(b),
            LRef::Prop(o, k) => {
                self.stack.push(o);
                self.stack.push(self.key_word_value(k));
            }
            LRef::Super(this, base, kv) => {
                self.stack.push(this);
                self.stack.push(base);
                self.stack.push(kv);
            }
            LRef::PropValue(o, v) => {
                self.stack.push(o);
                self.stack.push(v);
            }
        }
    }

    /// Completes a deferred `base[v]` reference: ToObject(base) is checked first, then the
    /// key converted (once, so a compound assignment reuses it).
    fn lref_resolve_key(&mut self, r: LRef, setting: bool) -> JsResult<LRef> {
        match r {
            LRef::PropValue(o, v) => {
                if o.is_nullish() {
                    let what = if o.is_null() { "null" } else { "undefined" };
                    let doing = if setting { "set" } else { "read" };
                    return Err(self.throw_type(&format!("Cannot {doing} properties of {what}")));
                }
                let k = self.to_property_key(v)?;
                Ok(LRef::Prop(o, k))
            }
            LRef::Super(this, base, kv) if kv.is_obj() => {
                self.require_super_base(base)?;
                let k = self.to_property_key(kv)?;
                Ok(LRef::Super(this, base, self.key_word_value(k)))
            }
            r => Ok(r),
        }
    }

    /// MakeSuperPropertyReference for `super.x` / `super[e]`: (this, the home object's
    /// prototype, the key word or an unconverted object key).
    fn super_reference(&mut self, cx: &Ctx, p: &MemberProp) -> JsResult<(Value, Value, Value)> {
        let this = self.this_value()?;
        self.stack.push(this);
        let kv = match p {
            MemberProp::Name(n, _) => self.atom_of(&cx.ci, n),
            MemberProp::Computed(e) => match self.eval_expr(cx, e) {
                Ok(v) if v.is_obj() => Ok(v),
                Ok(v) => self.to_property_key(v).map(|k| self.key_word_value(k)),
                Err(t) => Err(t),
            },
        };
        let r = kv.and_then(|kv| {
            self.stack.push(kv);
            let b = self.super_base();
            self.stack.pop();
            b.map(|b| (this, b, kv))
        });
        self.stack.pop();
        r
    }

    /// GetValue/PutValue's ToObject of a super reference's base.
    fn require_super_base(&mut self, base: Value) -> JsResult<()> {
        if base.is_nullish() {
            let what = if base.is_null() { "null" } else { "undefined" };
            return Err(self.throw_type(&format!("Cannot access properties of super: its base is {what}")));
        }
        Ok(())
    }

    /// [[Get]] through a super reference.
    fn super_get(&mut self, this: Value, base: Value, kv: Value) -> JsResult<Value> {
        self.require_super_base(base)?;
        let k = if kv.is_obj() { self.to_property_key(kv)? } else { self.key_from_word_value(kv) };
        let o = self.to_object(base)?;
        self.get(o, k, this)
    }

    pub(crate) fn lref_get(&mut self, r: LRef) -> JsResult<Value> {
        match r {
            LRef::Binding(b) => self.get_ref(b),
            LRef::Prop(o, k) => match k {
                PropKey::Index(i) if o.is_obj() => match self.elem_fast(o, i) {
                    Some(v) => Ok(v),
                    None => self.get_v(o, k),
                },
                _ => self.get_v(o, k),
            },
            LRef::PropValue(..) => {
                let r = self.lref_resolve_key(r, false)?;
                self.lref_get(r)
            }
            LRef::Super(this, base, kv) => self.super_get(this, base, kv),
        }
    }

    pub(crate) fn lref_put(&mut self, cx: &Ctx, r: LRef, v: Value) -> JsResult<()> {
        match r {
            LRef::Binding(b) => self.put_ref(b, v, cx.strict),
            LRef::Prop(o, k @ PropKey::Index(i)) if o.is_obj() => {
                if self.elem_set_fast(o, i, v) || self.array_store_new(o, i, v)? {
                    return Ok(());
                }
                self.put_value(o, k, v, cx.strict)
            }
            LRef::Prop(o, k) => self.put_value(o, k, v, cx.strict),
            LRef::PropValue(..) => {
                let r = self.lref_resolve_key(r, true)?;
                self.lref_put(cx, r, v)
            }
            LRef::Super(this, base, kv) => {
                let kv = if kv.is_obj() {
                    self.require_super_base(base)?;
                    let k = self.to_property_key(kv)?;
                    self.key_word_value(k)
                } else {
                    kv
                };
                self.require_super_base(base)?;
                let k = self.key_from_word_value(kv);
                let o = self.to_object(base)?;
                let ok = self.set(o, k, v, this)?;
                if !ok && cx.strict {
                    return Err(self.throw_type("Cannot assign to read only property of super"));
                }
                Ok(())
            }
        }
    }

    /// The value of a leaf that evaluates without running code or allocating (a number
    /// literal, an identifier whose cached binding is initialised), else `None`.
    #[inline(always)]
    pub(crate) fn leaf(&self, e: &Expr) -> Option<Value> {
        match &e.kind {
            ExprKind::Num(n) => Some(Value::num(*n)),
            ExprKind::Ident(_, c) => self.ident_fast(c),
            _ => None,
        }
    }

    /// `eval_expr`, with the leaves read in place (most operands are leaves: this saves a
    /// call of the big dispatcher for each).
    #[inline(always)]
    pub(crate) fn operand(&mut self, cx: &Ctx, e: &Expr) -> JsResult<Value> {
        match self.leaf(e) {
            Some(v) => Ok(v),
            None => self.eval_expr(cx, e),
        }
    }

    /// A test (`if`, loops, `?:`, `!`, `&&`/`||` operands) as a boolean: comparisons of two
    /// numbers and `===`/`!==` without conversions give their answer without a boolean value
    /// and `to_boolean`.
    #[inline]
    pub(crate) fn eval_test(&mut self, cx: &Ctx, e: &Expr) -> JsResult<bool> {
        if let ExprKind::Binary(op, a, b) = &e.kind {
            if matches!(op, BinOp::Lt | BinOp::Gt | BinOp::Le | BinOp::Ge | BinOp::StrictEq | BinOp::StrictNotEq) {
                let l = self.operand(cx, a)?;
                let r = match self.leaf(b) {
                    Some(r) => r,
                    None => {
                        self.stack.push(l);
                        let r = self.eval_expr(cx, b);
                        self.stack.pop();
                        r?
                    }
                };
                if let Some(v) = binary_fast(*op, l, r) {
                    return Ok(v == Value::TRUE);
                }
                self.stack.push(l);
                self.stack.push(r);
                let res = self.binary(*op, l, r);
                self.stack.pop();
                self.stack.pop();
                return Ok(res? == Value::TRUE);
            }
        }
        let v = self.operand(cx, e)?;
        Ok(self.to_boolean(v))
    }

    pub fn eval_expr(&mut self, cx: &Ctx, e: &Expr) -> JsResult<Value> {
        match &e.kind {
            ExprKind::Num(n) => Ok(Value::num(*n)),
            ExprKind::Str(s) => self.string_literal(cx, s),
            ExprKind::Bool(b) => Ok(Value::bool(*b)),
            ExprKind::Null => Ok(Value::NULL),
            ExprKind::Ident(n, c) => {
                if let Some(v) = self.ident_fast(c) {
                    return Ok(v);
                }
                let r = self.resolve_ident(&cx.ci, n, c)?;
                if let Ref::Slot { env, word, .. } = r {
                    let v = self.env_word(env, word);
                    if !v.is_empty() {
                        return Ok(v);
                    }
                }
                self.get_ref(r)
            }
            ExprKind::This => self.this_value(),
            ExprKind::Paren(inner) => self.eval_expr(cx, inner),
            ExprKind::Template(t) => self.eval_template(cx, t),
            ExprKind::TaggedTemplate(tag, t) => self.eval_tagged(cx, tag, t),
            ExprKind::Regex { pattern, flags } => crate::builtins::regexp_create_literal(self, pattern, flags),
            ExprKind::BigInt(text) => self.bigint_literal(text),
            ExprKind::Array(items) => self.eval_array(cx, items),
            ExprKind::Object(props) => self.eval_object(cx, props),
            ExprKind::Function(f) | ExprKind::Arrow(f) => self.make_function(cx, f, None, Value::UNDEFINED),
            ExprKind::Class(c) => self.eval_class(cx, c, None),
            ExprKind::Unary(op, a) => self.eval_unary(cx, *op, a),
            ExprKind::Update { op, prefix, target } => {
                let r = if let ExprKind::Ident(n, c) = &target.kind {
                    // resolved once (a `with` object's @@unscopables is asked once)
                    let b = self.resolve_ident(&cx.ci, n, c)?;
                    if let Ref::Slot { env, word, flags } = b {
                        // a number in a mutable declarative binding: no conversion runs code
                        let old = self.env_word(env, word);
                        if old.is_num() && flags & bind::MUTABLE != 0 {
                            let nv = Value::num(old.as_num() + if *op == UpdateOp::Inc { 1.0 } else { -1.0 });
                            self.set_env_word(env, word, nv);
                            return Ok(if *prefix { nv } else { old });
                        }
                    }
                    LRef::Binding(b)
                } else {
                    self.eval_lref(cx, target)?
                };
                let base = self.stack.len();
                self.push_lref(r);
                let res = (|| {
                    let r = self.lref_resolve_key(r, false)?;
                    self.update_lref(cx, r, *op, *prefix)
                })();
                self.stack.truncate(base);
                res
            }
            ExprKind::Binary(op, a, b) => {
                let l = self.operand(cx, a)?;
                let r = match self.leaf(b) {
                    Some(r) => r,
                    None => {
                        self.stack.push(l);
                        let r = self.eval_expr(cx, b);
                        self.stack.pop();
                        r?
                    }
                };
                if let Some(v) = binary_fast(*op, l, r) {
                    return Ok(v);
                }
                self.stack.push(l);
                self.stack.push(r);
                let res = self.binary(*op, l, r);
                self.stack.pop();
                self.stack.pop();
                res
            }
            ExprKind::Logical(op, a, b) => {
                let l = self.operand(cx, a)?;
                let short = match op {
                    LogicalOp::And => !self.to_boolean(l),
                    LogicalOp::Or => self.to_boolean(l),
                    LogicalOp::Coalesce => !l.is_nullish(),
                };
                if short {
                    Ok(l)
                } else {
                    self.eval_expr(cx, b)
                }
            }
            ExprKind::Assign { op, target, value } => self.eval_assign(cx, *op, target, value),
            ExprKind::Cond(c, a, b) => {
                if self.eval_test(cx, c)? {
                    self.eval_expr(cx, a)
                } else {
                    self.eval_expr(cx, b)
                }
            }
            ExprKind::Call { callee, args, optional } => {
                self.note_position(e.span.start);
                self.eval_call(cx, callee, args, *optional)
            }
            ExprKind::New { callee, args } => {
                self.note_position(e.span.start);
                let f = self.eval_expr(cx, callee)?;
                let base = self.stack.len();
                self.stack.push(f);
                self.stack.push(Value::UNDEFINED);
                let r = (|| {
                    let argc = self.eval_args(cx, args)?;
                    if !self.is_constructor(f) {
                        let what = callee_text(cx, callee);
                        return Err(self.throw_type(&format!("{what} is not a constructor")));
                    }
                    self.construct_at(base, argc, f)
                })();
                self.stack.truncate(base);
                r
            }
            ExprKind::Member { object, prop, optional } => {
                let o = self.operand(cx, object)?;
                self.note_position(e.span.start);
                if *optional && o.is_nullish() {
                    return Err(Throw::ShortCircuit);
                }
                if let MemberProp::Name(n, ic) = prop {
                    if o.is_obj() {
                        if let Some(v) = self.ic_get(o, ic) {
                            return Ok(v);
                        }
                    }
                    self.stack.push(o);
                    let r = match self.atom_of(&cx.ci, n) {
                        Ok(a) => self.get_ic(o, PropKey::Key(a), ic),
                        Err(t) => Err(t),
                    };
                    self.stack.pop();
                    return r;
                }
                if let MemberProp::Computed(pe) = prop {
                    // `a[i]` of a dense element: no key conversion, no [[Get]]
                    if let Some(k) = self.leaf(pe) {
                        if o.is_obj() && k.is_num() {
                            let n = k.as_num();
                            if n >= 0.0 && n < 4294967295.0 && n.fract() == 0.0 {
                                if let Some(v) = self.elem_fast(o, n as u32) {
                                    return Ok(v);
                                }
                            }
                        }
                    }
                }
                self.stack.push(o);
                let k = self.member_key(cx, prop);
                let r = match k {
                    Ok(k) => self.get_v(o, k),
                    Err(t) => Err(t),
                };
                self.stack.pop();
                r
            }
            ExprKind::SuperMember(p) => {
                let base = self.stack.len();
                let r = (|| {
                    let (this, sb, kv) = self.super_reference(cx, p)?;
                    self.stack.push(this);
                    self.stack.push(sb);
                    self.stack.push(kv);
                    self.super_get(this, sb, kv)
                })();
                self.stack.truncate(base);
                r
            }
            ExprKind::SuperCall(args) => {
                let base = self.stack.len();
                let r = (|| {
                    self.stack.push(Value::UNDEFINED);
                    self.stack.push(Value::UNDEFINED);
                    let argc = self.eval_args(cx, args)?;
                    let a: Vec<Value> = self.stack[base + 2..base + 2 + argc].to_vec();
                    self.super_call(&a)
                })();
                self.stack.truncate(base);
                r
            }
            ExprKind::Seq(es) => {
                let mut v = Value::UNDEFINED;
                for e in es {
                    v = self.eval_expr(cx, e)?;
                }
                Ok(v)
            }
            ExprKind::Spread(_) => Err(self.throw_syntax("unexpected spread")),
            ExprKind::Yield { .. } | ExprKind::Await(_) => Err(self.throw_syntax("yield/await in this position is not supported yet")),
            ExprKind::NewTarget => Ok(self.new_target_value()),
            ExprKind::OptionalChain(inner) => {
                let base = self.stack.len();
                match self.eval_expr(cx, inner) {
                    Err(Throw::ShortCircuit) => {
                        self.stack.truncate(base);
                        Ok(Value::UNDEFINED)
                    }
                    r => r,
                }
            }
        }
    }

    pub(crate) fn string_literal(&mut self, cx: &Ctx, s: &JsStr) -> JsResult<Value> {
        let key = s.as_ptr() as *const u8;
        if let Some(v) = cx.ci.atoms.borrow().get(&key) {
            return Ok(*v);
        }
        let v = self.intern(s)?;
        cx.ci.atoms.borrow_mut().insert(key, v);
        Ok(v)
    }

    pub fn binary(&mut self, op: BinOp, l: Value, r: Value) -> JsResult<Value> {
        use super::ops::{to_int32, to_uint32};
        if l.is_num() && r.is_num() {
            let (x, y) = (l.as_num(), r.as_num());
            let v = match op {
                BinOp::Add => x + y,
                BinOp::Sub => x - y,
                BinOp::Mul => x * y,
                BinOp::Div => x / y,
                BinOp::Mod => js_rem(x, y),
                BinOp::Lt => return Ok(Value::bool(x < y)),
                BinOp::Gt => return Ok(Value::bool(x > y)),
                BinOp::Le => return Ok(Value::bool(x <= y)),
                BinOp::Ge => return Ok(Value::bool(x >= y)),
                BinOp::StrictEq | BinOp::Eq => return Ok(Value::bool(x == y)),
                BinOp::StrictNotEq | BinOp::NotEq => return Ok(Value::bool(x != y)),
                BinOp::BitAnd => (to_int32(x) & to_int32(y)) as f64,
                BinOp::BitOr => (to_int32(x) | to_int32(y)) as f64,
                BinOp::BitXor => (to_int32(x) ^ to_int32(y)) as f64,
                BinOp::Shl => to_int32(x).wrapping_shl(to_uint32(y) & 31) as f64,
                BinOp::Shr => (to_int32(x) >> (to_uint32(y) & 31)) as f64,
                BinOp::UShr => (to_uint32(x) >> (to_uint32(y) & 31)) as f64,
                BinOp::Exp => js_pow(x, y),
                _ => return self.binary_slow(op, l, r),
            };
            return Ok(Value::num(v));
        }
        match op {
            // `x === null`, object identity: no conversion, so no call out of line
            BinOp::StrictEq => Ok(Value::bool(self.strict_eq(l, r))),
            BinOp::StrictNotEq => Ok(Value::bool(!self.strict_eq(l, r))),
            _ => self.binary_slow(op, l, r),
        }
    }

    fn binary_slow(&mut self, op: BinOp, l: Value, r: Value) -> JsResult<Value> {
        Ok(match op {
            BinOp::Add => return self.add(l, r),
            BinOp::StrictEq => Value::bool(self.strict_eq(l, r)),
            BinOp::StrictNotEq => Value::bool(!self.strict_eq(l, r)),
            BinOp::Eq => Value::bool(self.loose_eq(l, r)?),
            BinOp::NotEq => Value::bool(!self.loose_eq(l, r)?),
            BinOp::Lt => Value::bool(self.less_than(l, r, true)? == Some(true)),
            BinOp::Gt => Value::bool(self.less_than(r, l, false)? == Some(true)),
            BinOp::Le => Value::bool(self.less_than(r, l, false)? == Some(false)),
            BinOp::Ge => Value::bool(self.less_than(l, r, true)? == Some(false)),
            BinOp::In => {
                if !r.is_obj() {
                    return Err(self.throw_type("Cannot use 'in' operator to search for a key in a non-object"));
                }
                let k = self.to_property_key(l)?;
                Value::bool(self.has_property(r, k)?)
            }
            BinOp::InstanceOf => Value::bool(self.instance_of(l, r)?),
            _ => {
                self.stack.push(r);
                let x = self.to_numeric(l);
                self.stack.pop();
                let x = x?;
                self.stack.push(x);
                let y = self.to_numeric(r);
                self.stack.pop();
                return self.numeric_binary(op, x, y?);
            }
        })
    }

    pub(crate) fn eval_unary(&mut self, cx: &Ctx, op: UnaryOp, a: &Expr) -> JsResult<Value> {
        match op {
            UnaryOp::TypeOf => {
                let mut a = a;
                while let ExprKind::Paren(inner) = &a.kind {
                    a = inner;
                }
                if let ExprKind::Ident(n, c) = &a.kind {
                    let r = self.resolve_ident(&cx.ci, n, c)?;
                    match r {
                        Ref::Unresolvable { .. } => return Ok(self.a(A::undefined)),
                        // a cached global property deleted since is unresolvable now
                        Ref::Object { obj, key } if obj == self.global() && !self.has_property(obj, key)? => return Ok(self.a(A::undefined)),
                        _ => {}
                    }
                    let v = self.get_ref(r)?;
                    return Ok(self.a(self.type_of(v)));
                }
                let v = self.eval_expr(cx, a)?;
                Ok(self.a(self.type_of(v)))
            }
            UnaryOp::Delete => self.eval_delete(cx, a),
            UnaryOp::Void => {
                self.eval_expr(cx, a)?;
                Ok(Value::UNDEFINED)
            }
            UnaryOp::Not => Ok(Value::bool(!self.eval_test(cx, a)?)),
            UnaryOp::Neg => {
                let v = self.eval_expr(cx, a)?;
                let n = self.to_numeric(v)?;
                if n.is_bigint() {
                    return self.bigint_neg(n);
                }
                Ok(Value::num(-n.as_num()))
            }
            UnaryOp::Plus => {
                let v = self.eval_expr(cx, a)?;
                Ok(Value::num(self.to_number(v)?))
            }
            UnaryOp::BitNot => {
                let v = self.eval_expr(cx, a)?;
                let n = self.to_numeric(v)?;
                if n.is_bigint() {
                    return self.bigint_not(n);
                }
                Ok(Value::num(!super::ops::to_int32(n.as_num()) as f64))
            }
        }
    }

    pub(crate) fn eval_delete(&mut self, cx: &Ctx, a: &Expr) -> JsResult<Value> {
        match &a.kind {
            ExprKind::Paren(inner) => self.eval_delete(cx, inner),
            ExprKind::Member { object, prop, optional } => {
                let o = self.eval_expr(cx, object)?;
                if *optional && o.is_nullish() {
                    return Err(Throw::ShortCircuit);
                }
                self.stack.push(o);
                let k = self.member_key(cx, prop);
                self.stack.pop();
                let k = k?;
                let obj = self.to_object(o)?;
                let ok = self.delete_property(obj, k)?;
                if !ok && cx.strict {
                    let kn = self.key_display(k);
                    return Err(self.throw_type(&format!("Cannot delete property '{kn}' of object")));
                }
                Ok(Value::bool(ok))
            }
            ExprKind::SuperMember(_) => {
                self.this_value()?;
                Err(self.throw_ref("Unsupported reference to 'super'"))
            }
            ExprKind::Ident(n, _) => {
                let at = self.atom_of(&cx.ci, n)?;
                match self.resolve(at)? {
                    Ref::Unresolvable { .. } => Ok(Value::TRUE),
                    Ref::Object { obj, key } => Ok(Value::bool(self.delete_property(obj, key)?)),
                    _ => Ok(Value::FALSE),
                }
            }
            _ => {
                self.eval_expr(cx, a)?;
                Ok(Value::TRUE)
            }
        }
    }

    pub(crate) fn eval_assign(&mut self, cx: &Ctx, op: AssignOp, target: &Pattern, value: &Expr) -> JsResult<Value> {
        if let AssignOp::Assign = op {
            match target {
                Pattern::Object { .. } | Pattern::Array { .. } => {
                    let v = self.eval_expr(cx, value)?;
                    self.stack.push(v);
                    let r = self.bind_pattern(cx, target, v, None);
                    self.stack.pop();
                    r?;
                    return Ok(v);
                }
                _ => {}
            }
        }
        let texpr = match target {
            Pattern::Expr(e) => {
                if let ExprKind::Member { object, prop: MemberProp::Name(n, ic), optional: false } = &e.kind {
                    if matches!(op, AssignOp::Assign | AssignOp::Bin(_)) {
                        return self.assign_named(cx, op, object, n, ic, value);
                    }
                }
                &**e
            }
            Pattern::Ident(n, span, c) => {
                // identifiers arrive as patterns
                let r = self.resolve_ident(&cx.ci, n, c)?;
                if let (AssignOp::Bin(b), Ref::Slot { env, word, flags }) = (op, r) {
                    // `x op= v` on an initialised mutable declarative binding: the slot is
                    // read and written directly (a binding never returns to its TDZ, and its
                    // flags are fixed)
                    let old = self.env_word(env, word);
                    if !old.is_empty() && flags & bind::MUTABLE != 0 {
                        let base = self.stack.len();
                        self.stack.push(env);
                        self.stack.push(old);
                        let v = (|| {
                            let rv = self.operand(cx, value)?;
                            self.stack.push(rv);
                            self.binary(b, old, rv)
                        })();
                        self.stack.truncate(base);
                        let v = v?;
                        self.set_env_word(env, word, v);
                        return Ok(v);
                    }
                }
                if let (AssignOp::Assign, Ref::Slot { env, word, flags }) = (op, r) {
                    // `x = v` to a mutable declarative binding: the slot is written directly
                    // once `v` is known (still initialised then: else PutValue's error)
                    if flags & bind::MUTABLE != 0 {
                        let base = self.stack.len();
                        self.stack.push(env);
                        let v = self.eval_named(cx, value, target);
                        self.stack.truncate(base);
                        let v = v?;
                        if self.env_word(env, word).is_empty() {
                            self.stack.push(v);
                            let res = self.put_ref(r, v, cx.strict);
                            self.stack.truncate(base);
                            res?;
                        } else {
                            self.set_env_word(env, word, v);
                        }
                        return Ok(v);
                    }
                }
                return self.assign_to(cx, op, LRef::Binding(r), value, Some(target), *span);
            }
            _ => return Err(self.throw_syntax("Invalid assignment target")),
        };
        let r = self.eval_lref(cx, texpr)?;
        self.assign_to(cx, op, r, value, None, texpr.span)
    }

    /// `o.name = v` and `o.name op= v` through the node's inline cache.
    fn assign_named(&mut self, cx: &Ctx, op: AssignOp, object: &Expr, n: &crate::ast::Atom, ic: &crate::vm::shape::PropIc, value: &Expr) -> JsResult<Value> {
        let o = self.operand(cx, object)?;
        let base = self.stack.len();
        self.stack.push(o);
        let r = (|| {
            let atom = self.atom_of(&cx.ci, n)?;
            // the atom may be the only reference to the key (the first store of a new name):
            // the right-hand side can collect
            self.stack.push(atom);
            let k = PropKey::Key(atom);
            let v = match op {
                AssignOp::Bin(b) => {
                    let old = self.get_ic(o, k, ic)?;
                    self.stack.push(old);
                    let rv = self.eval_expr(cx, value)?;
                    self.stack.push(rv);
                    self.binary(b, old, rv)?
                }
                _ => self.eval_expr(cx, value)?,
            };
            self.stack.push(v);
            self.put_ic(o, k, v, cx.strict, ic)?;
            Ok(v)
        })();
        self.stack.truncate(base);
        r
    }

    pub(crate) fn assign_to(&mut self, cx: &Ctx, op: AssignOp, r: LRef, value: &Expr, named: Option<&Pattern>, _span: Span) -> JsResult<Value> {
        let base = self.stack.len();
        self.push_lref(r);
        let res = (|| match op {
            AssignOp::Assign => {
                let v = match named {
                    Some(p) => self.eval_named(cx, value, p)?,
                    None => self.eval_expr(cx, value)?,
                };
                self.stack.push(v);
                self.lref_put(cx, r, v)?;
                Ok(v)
            }
            AssignOp::Bin(b) => {
                let r = self.lref_resolve_key(r, false)?;
                self.push_lref(r);
                let old = self.lref_get(r)?;
                self.stack.push(old);
                let rv = self.eval_expr(cx, value)?;
                self.stack.push(rv);
                let v = self.binary(b, old, rv)?;
                self.stack.push(v);
                self.lref_put(cx, r, v)?;
                Ok(v)
            }
            AssignOp::Logical(l) => {
                let r = self.lref_resolve_key(r, false)?;
                self.push_lref(r);
                let old = self.lref_get(r)?;
                let short = match l {
                    LogicalOp::And => !self.to_boolean(old),
                    LogicalOp::Or => self.to_boolean(old),
                    LogicalOp::Coalesce => !old.is_nullish(),
                };
                if short {
                    return Ok(old);
                }
                let v = match named {
                    Some(p) => self.eval_named(cx, value, p)?,
                    None => self.eval_expr(cx, value)?,
                };
                self.stack.push(v);
                self.lref_put(cx, r, v)?;
                Ok(v)
            }
        })();
        self.stack.truncate(base);
        res
    }

    /// Evaluates arguments (with spread) onto the stack; returns their count.
    pub(crate) fn eval_args(&mut self, cx: &Ctx, args: &[Expr]) -> JsResult<usize> {
        let start = self.stack.len();
        for a in args {
            if let ExprKind::Spread(inner) = &a.kind {
                let v = self.eval_expr(cx, inner)?;
                self.stack.push(v);
                let items = self.iterate_to_vec(v)?;
                self.stack.pop();
                self.stack.extend_from_slice(&items);
            } else {
                let v = self.operand(cx, a)?;
                self.stack.push(v);
            }
        }
        Ok(self.stack.len() - start)
    }

    pub(crate) fn eval_call(&mut self, cx: &Ctx, callee: &Expr, args: &[Expr], optional: bool) -> JsResult<Value> {
        let base = self.stack.len();
        // parentheses keep the reference: `(o.m)()` passes `this`, `(eval)(s)` is direct
        let mut callee = callee;
        while let ExprKind::Paren(inner) = &callee.kind {
            callee = inner;
        }
        let r = (|| {
            // the callee and its `this`
            let (f, this) = match &callee.kind {
                ExprKind::Member { object, prop, optional: opt_m } => self.method_and_this(cx, object, prop, *opt_m)?,
                // `(a?.b)()`: a short-circuited chain gives undefined, otherwise a's `this`
                ExprKind::OptionalChain(chain) if matches!(chain.kind, ExprKind::Member { .. }) => {
                    let r = (|| {
                        let ExprKind::Member { object, prop, optional: opt_m } = &chain.kind else { return Ok((self.eval_expr(cx, chain)?, Value::UNDEFINED)) };
                        self.method_and_this(cx, object, prop, *opt_m)
                    })();
                    match r {
                        Err(Throw::ShortCircuit) => (Value::UNDEFINED, Value::UNDEFINED),
                        r => r?,
                    }
                }
                ExprKind::SuperMember(p) => {
                    let (this, sb, kv) = self.super_reference(cx, p)?;
                    self.stack.push(this);
                    self.stack.push(sb);
                    self.stack.push(kv);
                    let f = self.super_get(this, sb, kv);
                    self.stack.truncate(self.stack.len() - 3);
                    (f?, this)
                }
                ExprKind::Ident(n, c) => {
                    let r = self.resolve_ident(&cx.ci, n, c)?;
                    let f = self.get_ref(r)?;
                    let this = match r {
                        Ref::Object { obj, .. } if obj != self.global() && self.class_of(obj) != class::ORDINARY || matches!(r, Ref::Object { obj, .. } if self.is_with_object(obj)) => obj,
                        _ => Value::UNDEFINED,
                    };
                    // direct eval
                    if &**n == "eval" && !optional && f == self.i(I::Eval) {
                        self.stack.push(f);
                        let argc = self.eval_args(cx, args)?;
                        let first = if argc > 0 { self.stack[base + 1] } else { Value::UNDEFINED };
                        return self.direct_eval(cx, first);
                    }
                    (f, this)
                }
                _ => (self.eval_expr(cx, callee)?, Value::UNDEFINED),
            };
            if optional && f.is_nullish() {
                return Err(Throw::ShortCircuit);
            }
            self.stack.push(f);
            self.stack.push(this);
            let argc = self.eval_args(cx, args)?;
            if !self.is_callable(f) {
                let what = callee_text(cx, callee);
                return Err(self.throw_type(&format!("{what} is not a function")));
            }
            let fb = self.stack.len() - argc - 2;
            self.call_at(fb, argc, Value::UNDEFINED)
        })();
        self.stack.truncate(base);
        r
    }

    pub(crate) fn is_with_object(&self, obj: Value) -> bool {
        let mut env = self.env;
        while Vm::is_env(env) {
            if self.env_kind(env) == envk::WITH && self.env_slot(env, 0) == obj {
                return true;
            }
            env = self.env_parent(env);
        }
        false
    }

    pub(crate) fn eval_array(&mut self, cx: &Ctx, items: &[Option<Expr>]) -> JsResult<Value> {
        let arr = self.new_array(&[])?;
        let base = self.stack.len();
        self.stack.push(arr);
        let r = (|| {
            if items.iter().all(|it| !matches!(it, Some(Expr { kind: ExprKind::Spread(_), .. }))) {
                self.reserve_elems(arr, items.len())?;
            }
            let mut i: u32 = 0;
            for it in items {
                match it {
                    None => i += 1,
                    Some(Expr { kind: ExprKind::Spread(inner), .. }) => {
                        let v = self.eval_expr(cx, inner)?;
                        self.spread_into(arr, &mut i, v)?;
                    }
                    Some(e) => {
                        let v = self.eval_expr(cx, e)?;
                        self.create_data_property(arr, PropKey::Index(i), v)?;
                        i += 1;
                    }
                }
            }
            self.set_slot(arr, 0, Value::num(i as f64));
            Ok(arr)
        })();
        self.stack.truncate(base);
        r
    }

    pub(crate) fn eval_object(&mut self, cx: &Ctx, props: &[Property]) -> JsResult<Value> {
        let n = props.iter().filter(|p| !matches!(p, Property::Proto(_) | Property::Spread(_))).count();
        let o = self.new_object_inline(self.i(crate::vm::I::ObjectProto), n)?;
        let base = self.stack.len();
        self.stack.push(o);
        let r = (|| {
            for p in props {
                match p {
                    Property::Init(k, v) => {
                        let key = self.eval_prop_key(cx, k)?;
                        let kv = self.key_word_value(key);
                        self.stack.push(kv);
                        let val = if super::function::is_anonymous_fn(v) {
                            let n = self.name_from_key(key)?;
                            self.eval_anonymous(cx, v, n)?
                        } else {
                            self.eval_expr(cx, v)?
                        };
                        self.create_data_property(o, key, val)?;
                        self.stack.pop();
                    }
                    Property::Proto(v) => {
                        let val = self.eval_expr(cx, v)?;
                        if val.is_obj() || val.is_null() {
                            self.set_proto_raw(o, val);
                        }
                    }
                    Property::Method(k, f) => {
                        let key = self.eval_prop_key(cx, k)?;
                        let kv = self.key_word_value(key);
                        self.stack.push(kv);
                        let n = self.name_from_key(key)?;
                        let fo = self.make_function(cx, f, Some(n), o)?;
                        self.define_own(o, key, PropDesc::data(fo, attr::WEC))?;
                        self.stack.pop();
                    }
                    Property::Getter(k, f) | Property::Setter(k, f) => {
                        let key = self.eval_prop_key(cx, k)?;
                        let kv = self.key_word_value(key);
                        self.stack.push(kv);
                        let n = self.name_from_key(key)?;
                        let fo = self.make_function(cx, f, Some(n), o)?;
                        let d = if matches!(p, Property::Getter(..)) {
                            PropDesc { get: Some(fo), enumerable: Some(true), configurable: Some(true), ..Default::default() }
                        } else {
                            PropDesc { set: Some(fo), enumerable: Some(true), configurable: Some(true), ..Default::default() }
                        };
                        self.define_own(o, key, d)?;
                        self.stack.pop();
                    }
                    Property::Spread(e) => {
                        let v = self.eval_expr(cx, e)?;
                        self.stack.push(v);
                        self.copy_data_properties(o, v, &[])?;
                        self.stack.pop();
                    }
                    Property::CoverInit(..) => return Err(self.throw_syntax("Invalid shorthand property initializer")),
                }
            }
            Ok(o)
        })();
        self.stack.truncate(base);
        r
    }

    /// CopyDataProperties(target, source, excluded).
    pub fn copy_data_properties(&mut self, target: Value, src: Value, excluded: &[PropKey]) -> JsResult<()> {
        if src.is_nullish() {
            return Ok(());
        }
        let from = self.to_object(src)?;
        let base = self.stack.len();
        self.stack.push(from);
        let r = (|| {
            for k in self.own_property_keys(from)? {
                if excluded.contains(&k) {
                    continue;
                }
                if let Some(p) = self.get_own_property(from, k)? {
                    if p.enumerable() {
                        let v = self.get(from, k, from)?;
                        self.create_data_property(target, k, v)?;
                    }
                }
            }
            Ok(())
        })();
        self.stack.truncate(base);
        r
    }

    pub(crate) fn eval_template(&mut self, cx: &Ctx, t: &Template) -> JsResult<Value> {
        let mut acc: Vec<u16> = Vec::new();
        for (i, q) in t.quasis.iter().enumerate() {
            if let Some(c) = &q.cooked {
                acc.extend_from_slice(c);
            }
            if let Some(e) = t.exprs.get(i) {
                let v = self.eval_expr(cx, e)?;
                let s = self.to_string(v)?;
                acc.extend_from_slice(self.units(s));
            }
        }
        self.new_string(&acc)
    }

    pub(crate) fn eval_tagged(&mut self, cx: &Ctx, tag: &Expr, t: &Template) -> JsResult<Value> {
        let base = self.stack.len();
        let r = (|| {
            let (f, this) = match &tag.kind {
                ExprKind::Member { object, prop, .. } => {
                    let o = self.eval_expr(cx, object)?;
                    self.stack.push(o);
                    let k = self.member_key(cx, prop)?;
                    let f = self.get_v(o, k)?;
                    (f, o)
                }
                _ => (self.eval_expr(cx, tag)?, Value::UNDEFINED),
            };
            self.stack.push(f);
            let mut cooked = Vec::new();
            let mut raw = Vec::new();
            for q in &t.quasis {
                cooked.push(match &q.cooked {
                    Some(c) => self.new_string(c)?,
                    None => Value::UNDEFINED,
                });
                raw.push(self.new_string(&q.raw)?);
            }
            let ca = self.new_array(&cooked)?;
            self.stack.push(ca);
            let ra = self.new_array(&raw)?;
            let rk = self.key_atom(A::raw);
            self.put(ca, rk, ra, 0)?;
            self.set_integrity(ra, crate::vm::object::Integrity::Frozen)?;
            self.set_integrity(ca, crate::vm::object::Integrity::Frozen)?;
            let fb = self.stack.len();
            self.stack.push(f);
            self.stack.push(this);
            self.stack.push(ca);
            for e in &t.exprs {
                let v = self.eval_expr(cx, e)?;
                self.stack.push(v);
            }
            if !self.is_callable(f) {
                return Err(self.throw_type("tag is not a function"));
            }
            self.call_at(fb, 1 + t.exprs.len(), Value::UNDEFINED)
        })();
        self.stack.truncate(base);
        r
    }

    // ----- eval ------------------------------------------------------------------------------

    pub(crate) fn direct_eval(&mut self, cx: &Ctx, src: Value) -> JsResult<Value> {
        if !src.is_str() {
            return Ok(src);
        }
        let text = self.string_lossy(src);
        let fe = self.function_env();
        let mut flags = 0;
        if cx.strict {
            flags |= super::codeflag::STRICT;
        }
        flags |= super::codeflag::EVAL;
        if let Some(fe) = fe {
            let callee = self.env_slot(fe, super::env::F_CALLEE);
            flags |= super::codeflag::NEW_TARGET;
            if callee.is_obj() && self.class_of(callee) == class::CLOSURE && self.slot(callee, super::function::S_HOME).is_obj() {
                flags |= super::codeflag::SUPER_PROPERTY;
            }
            if self.is_field_init_env(fe) {
                flags |= super::codeflag::FIELD_INIT;
            }
        }
        self.eval_code(&text, flags, false)
    }

    /// Evaluates eval code (`direct`: in the current environment; otherwise global).
    pub fn eval_code(&mut self, text: &str, flags: u64, indirect: bool) -> JsResult<Value> {
        let opts = super::parse_options(flags);
        let program = match crate::parse_eval(text, &opts) {
            Ok(p) => p,
            Err(e) => return Err(self.throw_syntax(&e.message)),
        };
        let strict = program.strict;
        let code = self.new_code(text, flags | if strict { super::codeflag::STRICT } else { 0 })?;
        let ci = Rc::new(CodeInfo::new(Rc::from(text), program));
        self.cache_code(code, ci.clone());
        let cx = Ctx { ci: ci.clone(), code, strict };
        let saved = self.env;
        let base = self.stack.len();
        self.stack.push(code);
        // the eval code's statements are not the caller's completion value (rooted meanwhile)
        let saved_cv = self.cv;
        self.stack.push(saved_cv);
        self.frames.push((Value::UNDEFINED, code, 0));
        if indirect {
            self.env = self.global_env();
        }
        let r = (|| {
            let prog = &ci.program;
            // EvalDeclarationInstantiation: strict eval code gets a var scope of its own;
            // sloppy eval code declares into the caller's
            let mut lex = Vec::new();
            lexically_scoped_decls(&prog.body, true, &mut lex);
            let funcs = top_level_functions(&prog.body);
            let mut fn_atoms = Vec::with_capacity(funcs.len());
            for f in &funcs {
                fn_atoms.push(self.atom_of(&ci, f.name.as_ref().unwrap())?);
            }
            let mut var_atoms = Vec::new();
            for v in &prog.scope.var_names {
                let a = self.atom_of(&ci, v)?;
                if !fn_atoms.contains(&a) {
                    var_atoms.push(a);
                }
            }
            if strict {
                let mut binds = Vec::new();
                for v in &prog.scope.var_names {
                    binds.push((self.atom_of(&ci, v)?, bind::MUTABLE));
                }
                let names = self.new_names(&binds)?;
                let env = self.new_env(envk::DECL, self.env, names, 0)?;
                for i in 0..binds.len() {
                    self.set_env_slot(env, i, Value::UNDEFINED);
                }
                self.env = env;
                if !lex.is_empty() {
                    let l = self.block_env(&cx, (prog as *const _ as usize, 6), &lex)?;
                    self.env = l;
                }
                self.hoist_functions(&cx, &prog.body, env)?;
            } else {
                let target = self.var_scope_env();
                let all: Vec<Value> = fn_atoms.iter().chain(var_atoms.iter()).copied().collect();
                self.check_eval_var_conflicts(target, &all)?;
                let global = self.env_kind(target) == envk::GLOBAL;
                if global {
                    for (f, a) in funcs.iter().zip(&fn_atoms) {
                        if !self.can_declare_global_function(*a) {
                            let n = f.name.as_deref().unwrap_or("");
                            return Err(self.throw_type(&format!("Cannot declare global function '{n}'")));
                        }
                    }
                    for a in &var_atoms {
                        if !self.can_declare_global_var(*a) {
                            let n = self.string_lossy(*a);
                            return Err(self.throw_type(&format!("Cannot declare global variable '{n}'")));
                        }
                    }
                }
                // B.3.3.3: block-level functions also get a var, when nothing conflicts
                for n in ci.annexb.vars.get(&super::annexb::PROGRAM).into_iter().flatten() {
                    let a = self.atom_of(&ci, n)?;
                    if fn_atoms.contains(&a) || var_atoms.contains(&a) || self.check_eval_var_conflicts(target, &[a]).is_err() {
                        self.exception = Value::UNDEFINED;
                        continue;
                    }
                    if !global || self.can_declare_global_var(a) {
                        var_atoms.push(a);
                    }
                }
                if !lex.is_empty() {
                    let l = self.block_env(&cx, (prog as *const _ as usize, 6), &lex)?;
                    self.env = l;
                }
                for (f, a) in funcs.iter().zip(&fn_atoms) {
                    let fo = self.make_function(&cx, f, None, Value::UNDEFINED)?;
                    self.stack.push(fo);
                    if global {
                        self.create_global_function_binding(*a, fo, true)?;
                    } else {
                        self.declare_eval_binding(target, *a, Some(fo))?;
                    }
                    self.stack.pop();
                }
                for a in &var_atoms {
                    if global {
                        self.declare_global_var(*a, true)?;
                    } else {
                        self.declare_eval_binding(target, *a, None)?;
                    }
                }
            }
            self.cv = Value::UNDEFINED;
            match self.exec_stmts(&cx, &prog.body)? {
                Completion::Normal => Ok(self.cv),
                _ => Ok(self.cv),
            }
        })();
        self.frames.pop();
        self.env = saved;
        self.cv = saved_cv;
        self.stack.truncate(base);
        r
    }

    /// The environment that receives `var`s of sloppy eval code.
    pub(crate) fn var_scope_env(&self) -> Value {
        let mut env = self.env;
        while Vm::is_env(env) {
            match self.env_kind(env) {
                envk::FUNC | envk::VAR | envk::GLOBAL => return env,
                _ => {}
            }
            env = self.env_parent(env);
        }
        self.global_env()
    }

    /// EvalDeclarationInstantiation step 3: a sloppy eval's `var` (or function) must not
    /// redeclare a lexical binding of a scope between the eval and its var scope, nor of the
    /// var scope itself (B.3.4: catch parameters excepted).
    fn check_eval_var_conflicts(&mut self, target: Value, names: &[Value]) -> JsResult<()> {
        if names.is_empty() {
            return Ok(());
        }
        let mut env = self.env;
        while Vm::is_env(env) {
            let k = self.env_kind(env);
            if k == envk::GLOBAL {
                let table = self.env_slot(env, 0);
                for &a in names {
                    if self.has_own(table, PropKey::Key(a)) {
                        return Err(self.redeclared(a));
                    }
                }
                break;
            }
            if k != envk::WITH {
                for &a in names {
                    if let Some((_, fl)) = self.find_binding(env, a) {
                        let conflict = if env == target { fl & bind::LEXICAL != 0 } else { fl & bind::CATCH == 0 };
                        if conflict {
                            return Err(self.redeclared(a));
                        }
                    }
                }
            }
            if env == target {
                break;
            }
            env = self.env_parent(env);
        }
        Ok(())
    }

    /// B.3.3: evaluating a block-level function declaration of sloppy code copies the
    /// block's binding to the var binding of the same name (when that one is not lexical).
    fn annexb_copy(&mut self, cx: &Ctx, f: &Rc<Function>) -> JsResult<()> {
        let a = self.atom_of(&cx.ci, f.name.as_ref().unwrap())?;
        let Some((word, _)) = self.find_binding(self.env, a) else { return Ok(()) };
        let v = self.env_word(self.env, word);
        let target = self.var_scope_env();
        let k = PropKey::Key(a);
        match self.env_kind(target) {
            envk::GLOBAL => {
                let table = self.env_slot(target, 0);
                if !self.has_own(table, k) {
                    let g = self.global();
                    self.put_value(g, k, v, false)?;
                }
            }
            _ => match self.find_binding(target, a) {
                Some((w, fl)) => {
                    if fl & bind::LEXICAL == 0 {
                        self.set_word(target.off(), w, v);
                    }
                }
                None => {
                    if let Some(slot) = self.eval_vars_slot(target) {
                        let ev = self.env_slot(target, slot);
                        if ev.is_obj() && self.has_own(ev, k) {
                            self.set(ev, k, v, ev)?;
                        }
                    }
                }
            },
        }
        Ok(())
    }

    fn redeclared(&mut self, a: Value) -> Throw {
        let n = self.string_lossy(a);
        self.throw_syntax(&format!("Identifier '{n}' has already been declared"))
    }

    /// A sloppy eval's var or function binding in a function's var scope: an existing binding
    /// is reused (a function's value assigned); a new one is a deletable property of the
    /// scope's eval-variables object.
    fn declare_eval_binding(&mut self, target: Value, a: Value, value: Option<Value>) -> JsResult<()> {
        if let Some((word, _)) = self.find_binding(target, a) {
            if let Some(v) = value {
                self.set_word(target.off(), word, v);
            }
            return Ok(());
        }
        let Some(slot) = self.eval_vars_slot(target) else { return Ok(()) };
        let mut ev = self.env_slot(target, slot);
        if !ev.is_obj() {
            ev = self.new_object_with(class::ORDINARY, Value::NULL, 0)?;
            self.set_env_slot(target, slot, ev);
        }
        let k = PropKey::Key(a);
        if !self.has_own(ev, k) {
            self.note_new_binding();
            self.put(ev, k, value.unwrap_or(Value::UNDEFINED), attr::WEC)?;
        } else if let Some(v) = value {
            self.set(ev, k, v, ev)?;
        }
        Ok(())
    }

    /// CanDeclareGlobalFunction.
    fn can_declare_global_function(&mut self, a: Value) -> bool {
        let g = self.global();
        match self.get_own(g, PropKey::Key(a)) {
            None => self.is_extensible(g),
            Some(p) => p.configurable() || (!p.is_accessor() && p.writable() && p.enumerable()),
        }
    }

    /// CanDeclareGlobalVar.
    fn can_declare_global_var(&mut self, a: Value) -> bool {
        let g = self.global();
        self.has_own(g, PropKey::Key(a)) || self.is_extensible(g)
    }

    /// CreateGlobalFunctionBinding.
    fn create_global_function_binding(&mut self, a: Value, fo: Value, deletable: bool) -> JsResult<()> {
        let g = self.global();
        let k = PropKey::Key(a);
        let d = match self.get_own(g, k) {
            Some(p) if !p.configurable() => PropDesc { value: Some(fo), ..Default::default() },
            _ => PropDesc::data(fo, if deletable { attr::WEC } else { attr::W | attr::E }),
        };
        self.define_or_throw(g, k, d)?;
        self.put_value(g, k, fo, false)
    }

    // ----- scripts ---------------------------------------------------------------------------

    /// Runs a parsed script in the global environment; returns its completion value.
    pub fn run_script(&mut self, src: &str, program: Program) -> JsResult<Value> {
        let strict = program.strict;
        let code = self.new_code(src, if strict { super::codeflag::STRICT } else { 0 })?;
        let ci = Rc::new(CodeInfo::new(Rc::from(src), program));
        self.cache_code(code, ci.clone());
        let cx = Ctx { ci: ci.clone(), code, strict };
        let base = self.stack.len();
        self.stack.push(code);
        self.env = self.global_env();
        self.frames.push((Value::UNDEFINED, code, 0));
        let r = (|| {
            let prog = &ci.program;
            let genv = self.global_env();
            let table = self.env_slot(genv, 0);
            let g = self.global();
            // GlobalDeclarationInstantiation: every check before any binding is made
            let mut lex = Vec::new();
            lexically_scoped_decls(&prog.body, true, &mut lex);
            for (n, _) in &lex {
                let a = self.atom_of(&ci, n)?;
                let k = PropKey::Key(a);
                if self.has_own(table, k) {
                    return Err(self.throw_syntax(&format!("Identifier '{n}' has already been declared")));
                }
                if let Some(p) = self.get_own(g, k) {
                    if !p.configurable() {
                        return Err(self.throw_syntax(&format!("Identifier '{n}' has already been declared")));
                    }
                }
            }
            for v in &prog.scope.var_names {
                let a = self.atom_of(&ci, v)?;
                if self.has_own(table, PropKey::Key(a)) {
                    return Err(self.throw_syntax(&format!("Identifier '{v}' has already been declared")));
                }
            }
            let funcs = top_level_functions(&prog.body);
            let mut fn_atoms = Vec::with_capacity(funcs.len());
            for f in &funcs {
                let a = self.atom_of(&ci, f.name.as_ref().unwrap())?;
                if !self.can_declare_global_function(a) {
                    let n = f.name.as_deref().unwrap_or("");
                    return Err(self.throw_type(&format!("Cannot declare global function '{n}'")));
                }
                fn_atoms.push(a);
            }
            let mut var_atoms = Vec::new();
            for v in &prog.scope.var_names {
                let a = self.atom_of(&ci, v)?;
                if fn_atoms.contains(&a) {
                    continue;
                }
                if !self.can_declare_global_var(a) {
                    return Err(self.throw_type(&format!("Cannot declare global variable '{v}'")));
                }
                var_atoms.push(a);
            }
            // B.3.3.2: block-level functions also get a global var, when nothing conflicts
            for n in ci.annexb.vars.get(&super::annexb::PROGRAM).into_iter().flatten() {
                let a = self.atom_of(&ci, n)?;
                if !fn_atoms.contains(&a) && !var_atoms.contains(&a) && !self.has_own(table, PropKey::Key(a)) && self.can_declare_global_var(a) {
                    var_atoms.push(a);
                }
            }
            for (n, k) in &lex {
                let a = self.atom_of(&ci, n)?;
                let at = if *k == DeclKind::Const { attr::E } else { attr::W | attr::E };
                self.put(table, PropKey::Key(a), Value::EMPTY, at)?;
            }
            if !lex.is_empty() {
                // a global lexical binding shadows a global object property of the same name
                self.note_new_binding();
            }
            for (f, a) in funcs.iter().zip(&fn_atoms) {
                let fo = self.make_function(&cx, f, None, Value::UNDEFINED)?;
                self.stack.push(fo);
                self.create_global_function_binding(*a, fo, false)?;
                self.stack.pop();
            }
            for a in &var_atoms {
                self.declare_global_var(*a, false)?;
            }
            self.cv = Value::UNDEFINED;
            match self.exec_stmts(&cx, &prog.body)? {
                Completion::Normal => Ok(self.cv),
                _ => Ok(self.cv),
            }
        })();
        self.frames.pop();
        self.stack.truncate(base);
        r
    }

    /// The `this` of the nearest function (for the shell's global code too).
    pub fn current_this(&mut self) -> JsResult<Value> {
        match self.function_env() {
            Some(fe) => Ok(self.env_slot(fe, F_THIS)),
            None => Ok(self.global()),
        }
    }
}

/// What a completion means for the loop that produced it: Some(result) to leave the loop.
pub(crate) fn loop_exit(c: Completion, labels: &[Atom]) -> Option<Completion> {
    match c {
        Completion::Break(None) => Some(Completion::Normal),
        Completion::Break(Some(l)) => {
            if labels.contains(&l) {
                Some(Completion::Normal)
            } else {
                Some(Completion::Break(Some(l)))
            }
        }
        Completion::Continue(None) => None,
        Completion::Continue(Some(l)) => {
            if labels.contains(&l) {
                None
            } else {
                Some(Completion::Continue(Some(l)))
            }
        }
        c => Some(c),
    }
}

/// The text of a callee for error messages ("o.f is not a function").
pub(crate) fn callee_text(cx: &Ctx, e: &Expr) -> String {
    let t = e.span.text(&cx.ci.src);
    if t.len() > 40 {
        format!("{}...", &t[..t.char_indices().take_while(|(i, _)| *i < 37).last().map(|(i, c)| i + c.len_utf8()).unwrap_or(0)])
    } else {
        t.to_string()
    }
}

/// An arithmetic operator on two Numbers.
pub fn number_binary(op: BinOp, x: f64, y: f64) -> Value {
    use super::ops::{to_int32, to_uint32};
    Value::num(match op {
        BinOp::Add => x + y,
        BinOp::Sub => x - y,
        BinOp::Mul => x * y,
        BinOp::Div => x / y,
        BinOp::Mod => js_rem(x, y),
        BinOp::Exp => js_pow(x, y),
        BinOp::BitAnd => (to_int32(x) & to_int32(y)) as f64,
        BinOp::BitOr => (to_int32(x) | to_int32(y)) as f64,
        BinOp::BitXor => (to_int32(x) ^ to_int32(y)) as f64,
        BinOp::Shl => to_int32(x).wrapping_shl(to_uint32(y) & 31) as f64,
        BinOp::Shr => (to_int32(x) >> (to_uint32(y) & 31)) as f64,
        BinOp::UShr => (to_uint32(x) >> (to_uint32(y) & 31)) as f64,
        _ => unreachable!("not an arithmetic operator"),
    })
}

pub fn js_rem(x: f64, y: f64) -> f64 {
    if y.is_infinite() && x.is_finite() {
        return x;
    }
    let r = x % y;
    if r == 0.0 {
        0.0f64.copysign(x)
    } else {
        r
    }
}

pub fn js_pow(x: f64, y: f64) -> f64 {
    if y.is_nan() {
        return f64::NAN;
    }
    if (x == 1.0 || x == -1.0) && y.is_infinite() {
        return f64::NAN;
    }
    x.powf(y)
}

/// The function declarations a script, function or eval body instantiates: the last one of
/// each name (labelled ones included), in source order.
pub fn top_level_functions(stmts: &[Stmt]) -> Vec<&Rc<Function>> {
    let mut out: Vec<&Rc<Function>> = Vec::new();
    for s in stmts.iter().rev() {
        let f = match &s.kind {
            StmtKind::Function(f) => f,
            StmtKind::Labeled(_, inner) => match &inner.kind {
                StmtKind::Function(f) => f,
                _ => continue,
            },
            _ => continue,
        };
        if !out.iter().any(|g| g.name == f.name) {
            out.push(f);
        }
    }
    out.reverse();
    out
}

/// `l op r` when no conversion can run code: two numbers (arithmetic and comparisons), or
/// `===`/`!==` of values that compare by identity (neither a string nor a BigInt, which
/// compare by content, nor a number, whose NaN and -0 need care).
#[inline(always)]
fn binary_fast(op: BinOp, l: Value, r: Value) -> Option<Value> {
    if l.is_num() && r.is_num() {
        let (x, y) = (l.as_num(), r.as_num());
        return Some(match op {
            BinOp::Add => Value::num(x + y),
            BinOp::Sub => Value::num(x - y),
            BinOp::Mul => Value::num(x * y),
            BinOp::Lt => Value::bool(x < y),
            BinOp::Gt => Value::bool(x > y),
            BinOp::Le => Value::bool(x <= y),
            BinOp::Ge => Value::bool(x >= y),
            BinOp::StrictEq | BinOp::Eq => Value::bool(x == y),
            BinOp::StrictNotEq | BinOp::NotEq => Value::bool(x != y),
            _ => return None,
        });
    }
    match op {
        BinOp::StrictEq | BinOp::StrictNotEq if identity_compared(l) || identity_compared(r) => {
            Some(Value::bool((l == r) == (op == BinOp::StrictEq)))
        }
        _ => None,
    }
}

/// Whether `===` with `v` on one side is value identity: `v` is an object, a boolean,
/// `null` or `undefined` (the other side then equals it only if it is the same value).
#[inline(always)]
fn identity_compared(v: Value) -> bool {
    v.is_obj() || v.is_nullish() || v == Value::TRUE || v == Value::FALSE
}
