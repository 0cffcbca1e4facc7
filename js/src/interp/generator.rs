//! Generators: bodies that suspend at `yield` and resume later, even after a restart.
//!
//! The evaluator is a tree walker on the native stack, which cannot be kept across a
//! suspension (nor a restart). So a generator body runs through a second, *resumable* walker
//! (`g_stmt` / `g_expr`) used only for the nodes whose span contains one of the body's
//! suspension points (`Function::suspends`); every other subtree goes to the ordinary
//! evaluator, which therefore costs nothing extra for code without generators.
//!
//! Each resumable node keeps its partial state in a *frame*: a heap LIST `[tag, slots...]`
//! (tag = span start and node kind) holding what it has computed so far (evaluated operands,
//! the loop phase, the iterator of a `for-of`, the pending completion of a `finally`, the
//! environment it entered). A `yield` unwinds with `Throw::Suspend`; on the way out every
//! resumable node pushes its frame on `Vm::g_saved`, so the generator object ends up holding
//! the list of frames of the active path, innermost first. Resuming walks the tree again from
//! the body: each node on the path pops its frame from `Vm::g_resume`, restores its state,
//! skips the parts it had finished and descends into the child that was active, until the
//! `yield` itself receives the sent value. Since an operand is cached as soon as it is
//! evaluated, nothing runs twice. Everything is in the heap, so a suspended generator is
//! persisted with the rest of the turn.

use super::eval::{loop_exit, Completion, Ctx, LRef};
use super::function::{fk, S_CODE, S_KIND};
use crate::ast::*;
use crate::vm::object::{class, PropKey};
use crate::vm::{JsResult, Throw, Value, Vm, A, I};

/// Generator states (slot G_STATE).
pub mod gstate {
    pub const START: u64 = 0;
    pub const SUSPENDED: u64 = 1;
    pub const RUNNING: u64 = 2;
    pub const DONE: u64 = 3;
    /// An async generator waiting for the value of a `return()` request.
    pub const AWAITING_RETURN: u64 = 4;
}
/// Generator object slots: state, closure, function environment, saved frames, and for
/// async functions the result promise.
pub const G_STATE: usize = 0;
pub const G_FUNC: usize = 1;
pub const G_ENV: usize = 2;
pub const G_FRAMES: usize = 3;
pub const G_PROMISE: usize = 4;
/// What the state object runs: a generator, an async function or an async generator (gkind).
pub const G_KIND: usize = 5;
/// Async generators: the queue of next/throw/return requests (a JS array of LISTs
/// `[kind, value, promise]`).
pub const G_QUEUE: usize = 6;
pub const GEN_SLOTS: usize = 7;

pub mod gkind {
    pub const GENERATOR: u64 = 0;
    pub const ASYNC: u64 = 1;
    pub const ASYNC_GENERATOR: u64 = 2;
}

/// How a generator is resumed.
pub mod resume {
    pub const NEXT: u8 = 0;
    pub const THROW: u8 = 1;
    pub const RETURN: u8 = 2;
}

/// Node kinds in frame tags (a span start alone is shared by nested nodes).
mod nk {
    pub const STMTS: u64 = 1;
    pub const BLOCK: u64 = 2;
    pub const IF: u64 = 3;
    pub const WHILE: u64 = 4;
    pub const DO: u64 = 5;
    pub const FOR: u64 = 6;
    pub const FORIN: u64 = 7;
    pub const FOROF: u64 = 8;
    pub const TRY: u64 = 9;
    pub const SWITCH: u64 = 10;
    pub const WITH: u64 = 11;
    pub const VAR: u64 = 12;
    pub const YIELD: u64 = 13;
    pub const DELEGATE: u64 = 14;
    pub const SEQ: u64 = 15;
    pub const BIN: u64 = 16;
    pub const LOGIC: u64 = 17;
    pub const COND: u64 = 18;
    pub const UNARY: u64 = 19;
    pub const ASSIGN: u64 = 20;
    pub const CALL: u64 = 21;
    pub const NEW: u64 = 22;
    pub const MEMBER: u64 = 23;
    pub const TEMPLATE: u64 = 24;
    pub const TAGGED: u64 = 25;
    pub const ARRAY: u64 = 26;
    pub const OBJECT: u64 = 27;
    pub const SUPERCALL: u64 = 28;
    pub const UPDATE: u64 = 30;
    pub const AWAIT: u64 = 31;
    pub const PATEXPR: u64 = 32;
    pub const PATOBJ: u64 = 33;
    pub const PATARR: u64 = 34;
    pub const PATELEM: u64 = 35;
    pub const CLASS: u64 = 36;
    pub const RETURN: u64 = 37;
    pub const FORAWAIT: u64 = 38;
}

/// The body being run: its code and its suspension points.
pub struct G<'a> {
    pub cx: &'a Ctx,
    pub sus: &'a [u32],
    /// An async generator body: `yield` and `return` await their operands.
    pub async_gen: bool,
}

impl G<'_> {
    /// Whether a suspension point lies in `s`.
    #[inline]
    fn has(&self, s: Span) -> bool {
        let i = self.sus.partition_point(|&p| p < s.start);
        i < self.sus.len() && self.sus[i] < s.end
    }
    fn has_list(&self, stmts: &[Stmt]) -> bool {
        match (stmts.first(), stmts.last()) {
            (Some(a), Some(b)) => self.has(Span::new(a.span.start, b.span.end)),
            _ => false,
        }
    }
    fn has_pat(&self, p: &Pattern) -> bool {
        self.has(p.span())
    }
}

/// Completion kinds saved in a `finally` frame.
mod ck {
    pub const NORMAL: u64 = 0;
    pub const RETURN: u64 = 1;
    pub const BREAK: u64 = 2;
    pub const CONTINUE: u64 = 3;
    pub const THROW: u64 = 4;
    pub const GEN_RETURN: u64 = 5;
}

impl Vm {
    // ----- frames --------------------------------------------------------------------------

    /// The frame of a resumable node: the saved one when resuming (true), else a new one with
    /// `n` empty slots. It stays on the stack (rooted) until `g_close`.
    fn g_open(&mut self, start: u32, kind: u64, n: usize) -> JsResult<(Value, bool)> {
        let tag = Value::int(((start as u64) << 6) | kind);
        if let Some(fr) = self.g_resume.pop() {
            if self.list_get(fr, 0) != tag {
                return Err(Throw::fatal("generator state does not match its code"));
            }
            self.stack.push(fr);
            return Ok((fr, true));
        }
        let mut items = vec![Value::EMPTY; n + 1];
        items[0] = tag;
        let fr = self.new_list(&items)?;
        self.stack.push(fr);
        Ok((fr, false))
    }

    fn g_close<T>(&mut self, fr: Value, base: usize, r: JsResult<T>) -> JsResult<T> {
        if matches!(r, Err(Throw::Suspend)) {
            self.g_saved.push(fr);
        }
        self.stack.truncate(base);
        r
    }

    #[inline]
    fn fget(&self, fr: Value, i: usize) -> Value {
        self.list_get(fr, i)
    }
    #[inline]
    fn fset(&mut self, fr: Value, i: usize, v: Value) {
        self.list_set(fr, i, v)
    }
    fn fphase(&self, fr: Value, i: usize) -> u64 {
        let v = self.fget(fr, i);
        if v.is_empty() {
            0
        } else {
            v.payload()
        }
    }

    /// The value of `e`, cached in slot `i` of `fr` once computed.
    fn g_val(&mut self, g: &G, fr: Value, i: usize, e: &Expr) -> JsResult<Value> {
        let v = self.fget(fr, i);
        if !v.is_empty() {
            return Ok(v);
        }
        let v = self.g_expr(g, e)?;
        self.fset(fr, i, v);
        Ok(v)
    }

    // ----- statements ----------------------------------------------------------------------

    pub(crate) fn g_stmts(&mut self, g: &G, stmts: &[Stmt]) -> JsResult<Completion> {
        if !g.has_list(stmts) {
            return self.exec_stmts(g.cx, stmts);
        }
        let base = self.stack.len();
        let (fr, _) = self.g_open(stmts[0].span.start, nk::STMTS, 1)?;
        let r = (|| {
            let from = self.fphase(fr, 1) as usize;
            for (i, s) in stmts.iter().enumerate().skip(from) {
                self.fset(fr, 1, Value::int(i as u64));
                match self.g_stmt(g, s, &[])? {
                    Completion::Normal => {}
                    c => return Ok(c),
                }
            }
            Ok(Completion::Normal)
        })();
        self.g_close(fr, base, r)
    }

    fn g_block(&mut self, g: &G, stmts: &[Stmt]) -> JsResult<Completion> {
        if !g.has_list(stmts) {
            return self.exec_block(g.cx, stmts);
        }
        let mut decls = Vec::new();
        lexically_scoped_decls(stmts, false, &mut decls);
        if decls.is_empty() {
            return self.g_stmts(g, stmts);
        }
        let base = self.stack.len();
        let outer = self.env;
        let (fr, resumed) = self.g_open(stmts[0].span.start, nk::BLOCK, 1)?;
        let r = (|| {
            if resumed {
                self.env = self.fget(fr, 1);
            } else {
                let env = self.block_env(g.cx, (stmts.as_ptr() as usize, 7), &decls)?;
                self.fset(fr, 1, env);
                self.env = env;
                self.hoist_functions(g.cx, stmts, env)?;
            }
            self.g_stmts(g, stmts)
        })();
        self.env = outer;
        self.g_close(fr, base, r)
    }

    fn g_stmt(&mut self, g: &G, s: &Stmt, labels: &[Atom]) -> JsResult<Completion> {
        if !g.has(s.span) {
            return self.exec_stmt(g.cx, s, labels);
        }
        let start = s.span.start;
        match &s.kind {
            StmtKind::Expr(e) => {
                let v = self.g_expr(g, e)?;
                self.cv = v;
                Ok(Completion::Normal)
            }
            StmtKind::Var(d) => {
                self.g_var(g, start, d)?;
                Ok(Completion::Normal)
            }
            StmtKind::Block(b, _) => self.g_block(g, b),
            StmtKind::Return(Some(e)) if g.async_gen => {
                // `return x` in an async generator: x is awaited (phase 1)
                let base = self.stack.len();
                let (fr, _) = self.g_open(start, nk::RETURN, 1)?;
                let r = (|| {
                    if self.fphase(fr, 1) == 1 {
                        let (kind, v) = self.g_sent.take().unwrap_or((resume::NEXT, Value::UNDEFINED));
                        if kind == resume::THROW {
                            return Err(self.throw_value(v));
                        }
                        self.ret = v;
                        return Ok(Completion::Return);
                    }
                    let v = self.g_expr(g, e)?;
                    self.g_suspend(fr, 1, v, true)
                })();
                self.g_close(fr, base, r)
            }
            StmtKind::Return(e) => {
                let v = match e {
                    Some(e) => self.g_expr(g, e)?,
                    None => Value::UNDEFINED,
                };
                self.ret = v;
                Ok(Completion::Return)
            }
            StmtKind::Throw(e) => {
                let v = self.g_expr(g, e)?;
                Err(self.throw_value(v))
            }
            StmtKind::Labeled(l, body) => {
                let mut ls: Vec<Atom> = labels.to_vec();
                ls.push(l.clone());
                match self.g_stmt(g, body, &ls)? {
                    Completion::Break(Some(b)) if b == *l => Ok(Completion::Normal),
                    c => Ok(c),
                }
            }
            StmtKind::If(c, a, b) => {
                let base = self.stack.len();
                let (fr, _) = self.g_open(start, nk::IF, 1)?;
                let r = (|| {
                    let t = self.g_val(g, fr, 1, c)?;
                    if self.to_boolean(t) {
                        self.g_stmt(g, a, &[])
                    } else if let Some(b) = b {
                        self.g_stmt(g, b, &[])
                    } else {
                        Ok(Completion::Normal)
                    }
                })();
                self.g_close(fr, base, r)
            }
            StmtKind::While(c, body) => {
                let base = self.stack.len();
                let (fr, _) = self.g_open(start, nk::WHILE, 1)?;
                let r = (|| {
                    let mut phase = self.fphase(fr, 1);
                    loop {
                        if phase == 0 {
                            self.fset(fr, 1, Value::int(0));
                            let t = self.g_expr(g, c)?;
                            if !self.to_boolean(t) {
                                return Ok(Completion::Normal);
                            }
                        }
                        self.fset(fr, 1, Value::int(1));
                        if let Some(done) = self.g_loop_body(g, body, labels)? {
                            return Ok(done);
                        }
                        phase = 0;
                        self.safepoint()?;
                    }
                })();
                self.g_close(fr, base, r)
            }
            StmtKind::DoWhile(body, c) => {
                let base = self.stack.len();
                let (fr, _) = self.g_open(start, nk::DO, 1)?;
                let r = (|| {
                    let mut phase = self.fphase(fr, 1);
                    loop {
                        if phase == 0 {
                            self.fset(fr, 1, Value::int(0));
                            if let Some(done) = self.g_loop_body(g, body, labels)? {
                                return Ok(done);
                            }
                        }
                        self.fset(fr, 1, Value::int(1));
                        let t = self.g_expr(g, c)?;
                        if !self.to_boolean(t) {
                            return Ok(Completion::Normal);
                        }
                        phase = 0;
                        self.safepoint()?;
                    }
                })();
                self.g_close(fr, base, r)
            }
            StmtKind::For { init, test, update, body } => self.g_for(g, start, init, test, update, body, labels),
            StmtKind::ForOf { left, right, body } => self.g_for_of(g, start, left, right, body, labels),
            StmtKind::ForAwait { left, right, body } => self.g_for_await(g, start, left, right, body, labels),
            StmtKind::ForIn { left, right, body } => self.g_for_in(g, start, left, right, body, labels),
            StmtKind::Try { block, handler, finalizer } => self.g_try(g, start, block, handler, finalizer),
            StmtKind::Switch(d, cases) => self.g_switch(g, start, d, cases),
            StmtKind::With(o, body) => {
                let base = self.stack.len();
                let outer = self.env;
                let (fr, _) = self.g_open(start, nk::WITH, 2)?;
                let r = (|| {
                    let mut env = self.fget(fr, 2);
                    if env.is_empty() {
                        let v = self.g_val(g, fr, 1, o)?;
                        let obj = self.to_object(v)?;
                        env = self.new_env(super::env::envk::WITH, outer, Value::UNDEFINED, 1)?;
                        self.set_env_slot(env, 0, obj);
                        self.fset(fr, 2, env);
                    }
                    self.env = env;
                    self.g_stmt(g, body, &[])
                })();
                self.env = outer;
                self.g_close(fr, base, r)
            }
            StmtKind::Class(c) => {
                let f = self.g_class(g, start, c)?;
                let a = self.atom_of(&g.cx.ci, c.name.as_ref().unwrap())?;
                let env = self.env;
                self.init_binding(env, a, f)?;
                Ok(Completion::Normal)
            }
            _ => self.exec_stmt(g.cx, s, labels),
        }
    }

    /// Runs a loop body: Some(completion) when the loop is left.
    fn g_loop_body(&mut self, g: &G, body: &Stmt, labels: &[Atom]) -> JsResult<Option<Completion>> {
        match self.g_stmt(g, body, &[])? {
            Completion::Normal => Ok(None),
            c => Ok(loop_exit(c, labels)),
        }
    }

    fn g_var(&mut self, g: &G, start: u32, d: &VarDecl) -> JsResult<()> {
        let base = self.stack.len();
        let (fr, _) = self.g_open(start, nk::VAR, 2)?;
        let r = (|| {
            let from = self.fphase(fr, 1) as usize;
            for (i, decl) in d.decls.iter().enumerate().skip(from) {
                self.fset(fr, 1, Value::int(i as u64));
                let Some(init) = &decl.init else {
                    if d.kind != VarKind::Var {
                        let env = self.env;
                        self.bind_pattern(g.cx, &decl.target, Value::UNDEFINED, Some(env))?;
                    }
                    continue;
                };
                let v = if self.fget(fr, 2).is_empty() {
                    let v = if g.has(init.span) { self.g_expr(g, init)? } else { self.eval_named(g.cx, init, &decl.target)? };
                    self.fset(fr, 2, v);
                    v
                } else {
                    self.fget(fr, 2)
                };
                let env = if d.kind == VarKind::Var { None } else { Some(self.env) };
                self.g_bind(g, &decl.target, v, env)?;
                self.fset(fr, 2, Value::EMPTY);
            }
            Ok(())
        })();
        self.g_close(fr, base, r)
    }

    /// Binds a pattern (see `bind_pattern`); a pattern with a suspension point (a `yield`
    /// in a default or a computed key) keeps its progress in frames. On resumption the
    /// caller passes the same `v` (it caches it).
    fn g_bind(&mut self, g: &G, p: &Pattern, v: Value, env: Option<Value>) -> JsResult<()> {
        if !g.has_pat(p) {
            self.stack.push(v);
            let r = self.bind_pattern(g.cx, p, v, env);
            self.stack.pop();
            return r;
        }
        let base = self.stack.len();
        self.stack.push(v);
        let r = match p {
            Pattern::Ident(..) => self.bind_pattern(g.cx, p, v, env),
            Pattern::Expr(e) => {
                let (fr, _) = self.g_open(e.span.start, nk::PATEXPR, 2)?;
                let r = (|| {
                    let lr = self.g_lref(g, fr, 1, e)?;
                    self.lref_put(g.cx, lr, v)
                })();
                self.g_close(fr, base + 1, r)
            }
            Pattern::Object { props, rest, span } => {
                if v.is_nullish() {
                    let what = if v.is_null() { "null" } else { "undefined" };
                    return Err(self.throw_type(&format!("Cannot destructure '{what}' as it is {what}.")));
                }
                // slots: 1 next property, 2 its key, 3 its value, 4 the keys used (for the rest)
                let (fr, resumed) = self.g_open(span.start, nk::PATOBJ, 4)?;
                let r = (|| {
                    if !resumed {
                        let used = self.new_array(&[])?;
                        self.fset(fr, 4, used);
                    }
                    let used = self.fget(fr, 4);
                    let from = self.fphase(fr, 1) as usize;
                    for (i, pp) in props.iter().enumerate().skip(from) {
                        self.fset(fr, 1, Value::int(i as u64));
                        let kv = self.fget(fr, 2);
                        let key = if kv.is_empty() {
                            let key = match &pp.key {
                                crate::ast::PropKey::Computed(e) if g.has(e.span) => {
                                    let kv = self.g_expr(g, e)?;
                                    self.to_property_key(kv)?
                                }
                                k => self.eval_prop_key(g.cx, k)?,
                            };
                            let kv = self.key_word_value(key);
                            self.fset(fr, 2, kv);
                            let n = self.array_len(used);
                            self.create_data_property(used, PropKey::Index(n), kv)?;
                            key
                        } else {
                            self.key_from_word_value(kv)
                        };
                        let mut sub = self.fget(fr, 3);
                        if sub.is_empty() {
                            sub = self.get_v(v, key)?;
                            self.fset(fr, 3, sub);
                        }
                        self.g_bind_elem(g, &pp.value, sub, env)?;
                        self.fset(fr, 2, Value::EMPTY);
                        self.fset(fr, 3, Value::EMPTY);
                    }
                    if let Some(r) = rest {
                        let n = self.array_len(used);
                        let mut excluded = Vec::new();
                        for j in 0..n {
                            let kv = self.get(used, PropKey::Index(j), used)?;
                            excluded.push(self.key_from_word_value(kv));
                        }
                        let o = self.new_object()?;
                        self.stack.push(o);
                        self.copy_data_properties(o, v, &excluded)?;
                        self.g_bind(g, r, o, env)?;
                    }
                    Ok(())
                })();
                self.g_close(fr, base + 1, r)
            }
            Pattern::Array { elems, rest, span } => {
                // slots: 1 next element, 2 iterator, 3 next method, 4 done, 5 the item, 6 rest
                // array, 7-8 object and key of a member target (evaluated before the step),
                // 9 the value after the default
                let (fr, resumed) = self.g_open(span.start, nk::PATARR, 9)?;
                let r = (|| {
                    if !resumed {
                        let (iter, next) = self.get_iterator(v)?;
                        self.fset(fr, 2, iter);
                        self.fset(fr, 3, next);
                        self.fset(fr, 4, Value::FALSE);
                    }
                    let iter = self.fget(fr, 2);
                    let next = self.fget(fr, 3);
                    let r = (|| {
                        let from = self.fphase(fr, 1) as usize;
                        for (i, el) in elems.iter().enumerate().skip(from) {
                            self.fset(fr, 1, Value::int(i as u64));
                            // a member target that suspends is evaluated before the step
                            let target_ref = match el {
                                Some(PatElem { target: Pattern::Expr(te), .. }) if g.has(te.span) => Some(self.g_lref(g, fr, 7, te)?),
                                _ => None,
                            };
                            let mut item = self.fget(fr, 5);
                            if item.is_empty() {
                                item = Value::UNDEFINED;
                                if self.fget(fr, 4) == Value::FALSE {
                                    match self.iterator_step(iter, next) {
                                        Ok(Some(x)) => item = x,
                                        Ok(None) => self.fset(fr, 4, Value::TRUE),
                                        Err(t) => {
                                            self.fset(fr, 4, Value::TRUE);
                                            return Err(t);
                                        }
                                    }
                                }
                                self.fset(fr, 5, item);
                            }
                            match (el, target_ref) {
                                (Some(el), Some(lr)) => {
                                    let mut x = self.fget(fr, 9);
                                    if x.is_empty() {
                                        x = item;
                                        if let (true, Some(init)) = (item.is_undefined(), &el.init) {
                                            x = self.g_expr(g, init)?;
                                        }
                                        self.fset(fr, 9, x);
                                    }
                                    self.lref_put(g.cx, lr, x)?;
                                }
                                (Some(el), None) => self.g_bind_elem(g, el, item, env)?,
                                _ => {}
                            }
                            for k in [5, 7, 8, 9] {
                                self.fset(fr, k, Value::EMPTY);
                            }
                        }
                        self.fset(fr, 1, Value::int(elems.len() as u64));
                        if let Some(r) = rest {
                            let target_ref = match &**r {
                                Pattern::Expr(te) if g.has(te.span) => Some(self.g_lref(g, fr, 7, te)?),
                                _ => None,
                            };
                            let mut arr = self.fget(fr, 6);
                            if arr.is_empty() {
                                arr = self.new_array(&[])?;
                                self.fset(fr, 6, arr);
                                let mut n = 0;
                                while self.fget(fr, 4) == Value::FALSE {
                                    match self.iterator_step(iter, next) {
                                        Ok(Some(x)) => {
                                            self.create_data_property(arr, PropKey::Index(n), x)?;
                                            n += 1;
                                        }
                                        Ok(None) => self.fset(fr, 4, Value::TRUE),
                                        Err(t) => {
                                            self.fset(fr, 4, Value::TRUE);
                                            return Err(t);
                                        }
                                    }
                                }
                            }
                            match target_ref {
                                Some(lr) => self.lref_put(g.cx, lr, arr)?,
                                None => self.g_bind(g, r, arr, env)?,
                            }
                        }
                        Ok(())
                    })();
                    let done = self.fget(fr, 4) == Value::TRUE;
                    match r {
                        Ok(()) if !done => self.iterator_close(iter),
                        Err(Throw::Exception) if !done => {
                            let e = self.exception;
                            self.stack.push(e);
                            let _ = self.iterator_close(iter);
                            self.exception = e;
                            Err(Throw::Exception)
                        }
                        Err(Throw::GenReturn) if !done => {
                            let rv = self.ret;
                            self.stack.push(rv);
                            let c = self.iterator_close(iter);
                            self.ret = rv;
                            c?;
                            Err(Throw::GenReturn)
                        }
                        r => r,
                    }
                })();
                self.g_close(fr, base + 1, r)
            }
        };
        self.stack.truncate(base);
        r
    }

    /// A pattern element: its default (which may suspend) when the value is undefined.
    fn g_bind_elem(&mut self, g: &G, e: &PatElem, v: Value, env: Option<Value>) -> JsResult<()> {
        let Some(init) = &e.init else { return self.g_bind(g, &e.target, v, env) };
        if !g.has(init.span) && !g.has_pat(&e.target) {
            return self.bind_elem(g.cx, e, v, env);
        }
        let base = self.stack.len();
        // slot 1: the value after the default
        let (fr, _) = self.g_open(e.target.span().start, nk::PATELEM, 1)?;
        let r = (|| {
            let mut x = self.fget(fr, 1);
            if x.is_empty() {
                x = v;
                if v.is_undefined() {
                    x = if g.has(init.span) { self.g_expr(g, init)? } else { self.eval_named(g.cx, init, &e.target)? };
                }
                self.fset(fr, 1, x);
            }
            self.g_bind(g, &e.target, x, env)
        })();
        self.g_close(fr, base, r)
    }

    #[allow(clippy::too_many_arguments)]
    fn g_for(&mut self, g: &G, start: u32, init: &Option<ForInit>, test: &Option<Box<Expr>>, update: &Option<Box<Expr>>, body: &Stmt, labels: &[Atom]) -> JsResult<Completion> {
        let base = self.stack.len();
        let outer = self.env;
        // slots: 1 phase (0 init, 1 test, 2 body, 3 update), 2 loop environment
        let (fr, resumed) = self.g_open(start, nk::FOR, 2)?;
        let r = (|| {
            let per_iter = matches!(init, Some(ForInit::Var(d)) if d.kind == VarKind::Let);
            if resumed && !self.fget(fr, 2).is_empty() {
                self.env = self.fget(fr, 2);
            }
            let mut phase = self.fphase(fr, 1);
            if phase == 0 {
                match init {
                    Some(ForInit::Var(d)) if d.kind != VarKind::Var => {
                        if !resumed {
                            let mut names = Vec::new();
                            for decl in &d.decls {
                                decl.target.bound_names(&mut names);
                            }
                            let k = if d.kind == VarKind::Const { DeclKind::Const } else { DeclKind::Let };
                            let decls: Vec<(Atom, DeclKind)> = names.into_iter().map(|n| (n, k)).collect();
                            let env = self.block_env(g.cx, (&**d as *const _ as usize, 1), &decls)?;
                            self.fset(fr, 2, env);
                            self.env = env;
                        }
                        self.g_var(g, start, d)?;
                    }
                    Some(ForInit::Var(d)) => self.g_var(g, start, d)?,
                    Some(ForInit::Expr(e)) => {
                        self.g_expr(g, e)?;
                    }
                    None => {}
                }
                if per_iter {
                    let e = self.copy_env(self.env)?;
                    self.env = e;
                    self.fset(fr, 2, e);
                }
                phase = 1;
            }
            loop {
                if phase == 1 {
                    self.fset(fr, 1, Value::int(1));
                    if let Some(t) = test {
                        let v = self.g_expr(g, t)?;
                        if !self.to_boolean(v) {
                            return Ok(Completion::Normal);
                        }
                    }
                    phase = 2;
                }
                if phase == 2 {
                    self.fset(fr, 1, Value::int(2));
                    if let Some(done) = self.g_loop_body(g, body, labels)? {
                        return Ok(done);
                    }
                    if per_iter {
                        let e = self.copy_env(self.env)?;
                        self.env = e;
                        self.fset(fr, 2, e);
                    }
                }
                self.fset(fr, 1, Value::int(3));
                if let Some(u) = update {
                    self.g_expr(g, u)?;
                }
                phase = 1;
                self.safepoint()?;
            }
        })();
        self.env = outer;
        self.g_close(fr, base, r)
    }

    #[allow(clippy::too_many_arguments)]
    fn g_for_of(&mut self, g: &G, start: u32, left: &ForHead, right: &Expr, body: &Stmt, labels: &[Atom]) -> JsResult<Completion> {
        let base = self.stack.len();
        let outer = self.env;
        // slots: 1 phase (0 right side, 1 step, 2 head, 3 body), 2 iterator, 3 next,
        // 4 environment, 5 the value
        let (fr, _) = self.g_open(start, nk::FOROF, 5)?;
        let r = (|| {
            if self.fphase(fr, 1) == 0 {
                let o = self.g_for_right(g, fr, 4, left, right, outer)?;
                let (iter, next) = self.get_iterator(o)?;
                self.fset(fr, 2, iter);
                self.fset(fr, 3, next);
                self.fset(fr, 4, Value::EMPTY);
                self.fset(fr, 1, Value::int(1));
            }
            let iter = self.fget(fr, 2);
            let next = self.fget(fr, 3);
            loop {
                let phase = self.fphase(fr, 1);
                let res = if phase == 3 {
                    self.env = self.fget(fr, 4);
                    self.g_loop_body(g, body, labels)
                } else {
                    if phase == 1 {
                        let Some(v) = self.iterator_step(iter, next)? else { return Ok(Completion::Normal) };
                        self.fset(fr, 5, v);
                        self.fset(fr, 1, Value::int(2));
                    }
                    let v = self.fget(fr, 5);
                    self.g_head_body(g, fr, 4, left, v, outer, body, labels)
                };
                self.env = outer;
                match res {
                    Ok(None) => {}
                    Ok(Some(done)) => {
                        self.iterator_close(iter)?;
                        return Ok(done);
                    }
                    Err(Throw::Exception) => {
                        let e = self.exception;
                        self.stack.push(e);
                        let _ = self.iterator_close(iter);
                        self.exception = self.stack.pop().unwrap();
                        return Err(Throw::Exception);
                    }
                    Err(Throw::GenReturn) => {
                        let rv = self.ret;
                        self.stack.push(rv);
                        let c = self.iterator_close(iter);
                        self.ret = self.stack.pop().unwrap();
                        c?;
                        return Err(Throw::GenReturn);
                    }
                    Err(t) => return Err(t),
                }
                self.fset(fr, 1, Value::int(1));
                self.fset(fr, 4, Value::EMPTY);
                self.fset(fr, 5, Value::EMPTY);
                self.safepoint()?;
            }
        })();
        self.env = outer;
        self.g_close(fr, base, r)
    }

    /// Evaluates the right side of a for-in/of/await loop in the head's TDZ environment
    /// (kept in slot `slot` so that a suspension inside it resumes there); back in `outer` after.
    #[allow(clippy::too_many_arguments)]
    fn g_for_right(&mut self, g: &G, fr: Value, slot: usize, left: &ForHead, right: &Expr, outer: Value) -> JsResult<Value> {
        let env = self.fget(fr, slot);
        if !env.is_empty() {
            self.env = env;
        } else if let Some(tdz) = self.for_head_tdz(g.cx, left)? {
            self.fset(fr, slot, tdz);
            self.env = tdz;
        }
        let o = self.g_expr(g, right)?;
        self.env = outer;
        Ok(o)
    }

    /// Binds the head (`g_head`), records its environment in slot `slot`, enters phase 3
    /// and runs the body.
    #[allow(clippy::too_many_arguments)]
    fn g_head_body(
        &mut self,
        g: &G,
        fr: Value,
        slot: usize,
        left: &ForHead,
        v: Value,
        outer: Value,
        body: &Stmt,
        labels: &[Atom],
    ) -> JsResult<Option<Completion>> {
        self.g_head(g, fr, slot, left, v, outer)?;
        let env = self.env;
        self.fset(fr, slot, env);
        self.fset(fr, 1, Value::int(3));
        self.g_loop_body(g, body, labels)
    }

    /// IteratorComplete + IteratorValue of an iterator result `x` (left on the stack):
    /// None when done.
    fn g_result_value(&mut self, x: Value) -> JsResult<Option<Value>> {
        if !x.is_obj() {
            return Err(self.throw_type("Iterator result is not an object"));
        }
        self.stack.push(x);
        let dk = self.key_atom(A::done);
        let d = self.get(x, dk, x)?;
        if self.to_boolean(d) {
            return Ok(None);
        }
        let vk = self.key_atom(A::value);
        Ok(Some(self.get(x, vk, x)?))
    }

    /// Binds the head of a for-in/of to `v` (as `bind_for_head`); a let/const head's
    /// environment is kept in slot `slot` so that a suspension inside the head resumes in it.
    fn g_head(&mut self, g: &G, fr: Value, slot: usize, left: &ForHead, v: Value, outer: Value) -> JsResult<()> {
        let pat = match left {
            ForHead::Var(d) => &d.decls[0].target,
            ForHead::Pattern(p) => p,
        };
        match left {
            ForHead::Var(d) if d.kind != VarKind::Var => {
                let mut env = self.fget(fr, slot);
                if env.is_empty() {
                    let mut names = Vec::new();
                    pat.bound_names(&mut names);
                    let k = if d.kind == VarKind::Const { DeclKind::Const } else { DeclKind::Let };
                    let decls: Vec<(Atom, DeclKind)> = names.into_iter().map(|n| (n, k)).collect();
                    self.env = outer;
                    self.stack.push(v);
                    let e = self.block_env(g.cx, (&**d as *const _ as usize, 2), &decls);
                    self.stack.pop();
                    env = e?;
                    self.fset(fr, slot, env);
                }
                self.env = env;
                self.g_bind(g, pat, v, Some(env))
            }
            _ => self.g_bind(g, pat, v, None),
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn g_for_in(&mut self, g: &G, start: u32, left: &ForHead, right: &Expr, body: &Stmt, labels: &[Atom]) -> JsResult<Completion> {
        let base = self.stack.len();
        let outer = self.env;
        // slots: 1 phase (0 right side, 1 step, 2 head, 3 body), 2 object, 3 keys LIST,
        // 4 index, 5 environment
        let (fr, _) = self.g_open(start, nk::FORIN, 5)?;
        let r = (|| {
            if self.fphase(fr, 1) == 0 {
                let o = self.g_for_right(g, fr, 5, left, right, outer)?;
                self.fset(fr, 5, Value::EMPTY);
                if o.is_nullish() {
                    return Ok(Completion::Normal);
                }
                let obj = self.to_object(o)?;
                self.fset(fr, 2, obj);
                let keys = self.for_in_keys(obj)?;
                let karr = self.new_list(&keys)?;
                self.fset(fr, 3, karr);
                self.fset(fr, 4, Value::int(0));
                self.fset(fr, 1, Value::int(1));
            }
            let obj = self.fget(fr, 2);
            let karr = self.fget(fr, 3);
            let n = self.cell_len(karr.off());
            loop {
                let i = self.fget(fr, 4).payload() as usize;
                let phase = self.fphase(fr, 1);
                let res = if phase == 3 {
                    self.env = self.fget(fr, 5);
                    self.g_loop_body(g, body, labels)
                } else {
                    if i >= n {
                        return Ok(Completion::Normal);
                    }
                    let k = self.list_get(karr, i);
                    if phase == 1 {
                        let pk = self.key_from_string(k)?;
                        if !self.has_property(obj, pk)? {
                            self.fset(fr, 4, Value::int(i as u64 + 1));
                            continue;
                        }
                        self.fset(fr, 1, Value::int(2));
                    }
                    self.g_head_body(g, fr, 5, left, k, outer, body, labels)
                };
                self.env = outer;
                if let Some(done) = res? {
                    return Ok(done);
                }
                self.fset(fr, 1, Value::int(1));
                self.fset(fr, 5, Value::EMPTY);
                self.fset(fr, 4, Value::int(i as u64 + 1));
                self.safepoint()?;
            }
        })();
        self.env = outer;
        self.g_close(fr, base, r)
    }

    /// `for await (left of right)`: every step awaits the iterator's result (an async
    /// iterator) or the value (a sync one), and leaving the loop early awaits `return()`.
    #[allow(clippy::too_many_arguments)]
    fn g_for_await(&mut self, g: &G, start: u32, left: &ForHead, right: &Expr, body: &Stmt, labels: &[Atom]) -> JsResult<Completion> {
        let base = self.stack.len();
        let outer = self.env;
        // slots: 1 phase (0 right side, 1 step, 6 awaiting the step, 2 head, 3 body, 7 awaiting
        // return()), 2 iterator, 3 next, 4 environment, 5 the value, 6 sync iterator,
        // 7-8 the completion that leaves the loop
        let (fr, _) = self.g_open(start, nk::FORAWAIT, 8)?;
        let r = (|| {
            if self.fphase(fr, 1) == 0 {
                let o = self.g_for_right(g, fr, 4, left, right, outer)?;
                let (iter, next, sync) = self.g_async_iterator(o)?;
                self.fset(fr, 2, iter);
                self.fset(fr, 3, next);
                self.fset(fr, 6, Value::bool(sync));
                self.fset(fr, 4, Value::EMPTY);
                self.fset(fr, 1, Value::int(1));
            }
            let iter = self.fget(fr, 2);
            let next = self.fget(fr, 3);
            let sync = self.fget(fr, 6) == Value::TRUE;
            loop {
                let phase = self.fphase(fr, 1);
                if phase == 7 {
                    return self.g_await_close_done(fr);
                }
                if phase == 1 {
                    if !self.is_callable(next) {
                        return Err(self.throw_type("iterator.next is not a function"));
                    }
                    let r = self.call(next, iter, &[])?;
                    if sync {
                        let Some(v) = self.g_result_value(r)? else { return Ok(Completion::Normal) };
                        return self.g_suspend(fr, 6, v, true);
                    }
                    return self.g_suspend(fr, 6, r, true);
                }
                if phase == 6 {
                    let (kind, x) = self.g_sent.take().unwrap_or((resume::NEXT, Value::UNDEFINED));
                    if kind == resume::THROW {
                        if sync {
                            // a sync iterator whose value rejects is closed
                            self.stack.push(x);
                            let _ = self.iterator_close(iter);
                        }
                        return Err(self.throw_value(x));
                    }
                    let v = if sync {
                        x
                    } else {
                        let Some(v) = self.g_result_value(x)? else { return Ok(Completion::Normal) };
                        v
                    };
                    self.fset(fr, 5, v);
                    self.fset(fr, 1, Value::int(2));
                }
                let phase = self.fphase(fr, 1);
                let res = if phase == 3 {
                    self.env = self.fget(fr, 4);
                    self.g_loop_body(g, body, labels)
                } else {
                    let v = self.fget(fr, 5);
                    self.g_head_body(g, fr, 4, left, v, outer, body, labels)
                };
                self.env = outer;
                let (k, v) = match res {
                    Ok(None) => {
                        self.fset(fr, 1, Value::int(1));
                        self.fset(fr, 4, Value::EMPTY);
                        self.fset(fr, 5, Value::EMPTY);
                        self.safepoint()?;
                        continue;
                    }
                    Err(Throw::Suspend) => return Err(Throw::Suspend),
                    Err(t @ (Throw::Interrupted | Throw::Fatal | Throw::ShortCircuit)) => return Err(t),
                    Ok(Some(Completion::Normal)) => (ck::NORMAL, Value::UNDEFINED),
                    Ok(Some(Completion::Return)) => (ck::RETURN, self.ret),
                    Ok(Some(Completion::Break(l))) => (ck::BREAK, self.label_value(g, &l)?),
                    Ok(Some(Completion::Continue(l))) => (ck::CONTINUE, self.label_value(g, &l)?),
                    Err(Throw::GenReturn) => (ck::GEN_RETURN, self.ret),
                    Err(_) => (ck::THROW, self.exception),
                };
                // leaving early: AsyncIteratorClose
                self.fset(fr, 7, Value::int(k));
                self.fset(fr, 8, v);
                let rk = self.key_atom(A::return_);
                let m = match self.get_method(iter, rk) {
                    Ok(m) => m,
                    Err(t) if k != ck::THROW => return Err(t),
                    Err(_) => None,
                };
                let Some(m) = m else { return self.g_pending(fr) };
                match self.call(m, iter, &[]) {
                    Ok(inner) => return self.g_suspend(fr, 7, inner, true),
                    Err(t) if k != ck::THROW => return Err(t),
                    Err(_) => return self.g_pending(fr),
                }
            }
        })();
        self.env = outer;
        self.g_close(fr, base, r)
    }

    /// GetIterator(o, async): the iterator, its `next` and whether it is a sync iterator
    /// (no Symbol.asyncIterator method); `o` and the iterator are left on the stack.
    fn g_async_iterator(&mut self, o: Value) -> JsResult<(Value, Value, bool)> {
        self.stack.push(o);
        let ak = self.i(I::SymAsyncIterator);
        match self.get_method(o, PropKey::Key(ak))? {
            Some(m) => {
                let it = self.call(m, o, &[])?;
                if !it.is_obj() {
                    return Err(self.throw_type("Result of the Symbol.asyncIterator method is not an object"));
                }
                self.stack.push(it);
                let nk = self.key_atom(A::next);
                let next = self.get(it, nk, it)?;
                Ok((it, next, false))
            }
            None => {
                let (it, next) = self.get_iterator(o)?;
                Ok((it, next, true))
            }
        }
    }

    /// After the awaited `return()` of a for-await loop: the completion that left the loop.
    fn g_await_close_done(&mut self, fr: Value) -> JsResult<Completion> {
        let (kind, x) = self.g_sent.take().unwrap_or((resume::NEXT, Value::UNDEFINED));
        if self.fget(fr, 7).payload() != ck::THROW {
            if kind == resume::THROW {
                return Err(self.throw_value(x));
            }
            if !x.is_obj() {
                return Err(self.throw_type("iterator result is not an object"));
            }
        }
        self.g_pending(fr)
    }

    /// The completion saved in slots 7-8 of a for-await frame.
    fn g_pending(&mut self, fr: Value) -> JsResult<Completion> {
        self.g_saved_completion(fr, 7, 8)
    }

    /// Resumes the completion whose kind (`ck::*`) is saved in slot `kind_slot` and whose
    /// value (return value, label or exception) is in slot `value_slot`.
    fn g_saved_completion(&mut self, fr: Value, kind_slot: usize, value_slot: usize) -> JsResult<Completion> {
        let v = self.fget(fr, value_slot);
        match self.fget(fr, kind_slot).payload() {
            ck::NORMAL => Ok(Completion::Normal),
            ck::RETURN => {
                self.ret = v;
                Ok(Completion::Return)
            }
            ck::BREAK => Ok(Completion::Break(self.label_atom(v))),
            ck::CONTINUE => Ok(Completion::Continue(self.label_atom(v))),
            ck::GEN_RETURN => {
                self.ret = v;
                Err(Throw::GenReturn)
            }
            _ => {
                self.exception = v;
                Err(Throw::Exception)
            }
        }
    }

    fn g_try(&mut self, g: &G, start: u32, block: &[Stmt], handler: &Option<Box<Catch>>, finalizer: &Option<Vec<Stmt>>) -> JsResult<Completion> {
        let base = self.stack.len();
        let outer = self.env;
        let depth = self.depth;
        let env_depth = self.env_stack.len();
        // slots: 1 phase (0 try, 1 catch parameter, 3 catch body, 2 finally), 2 pending
        // completion kind, 3 its value (or the caught exception), 4 catch environment
        let (fr, _) = self.g_open(start, nk::TRY, 4)?;
        let r = (|| {
            let phase = self.fphase(fr, 1);
            let mut r = Ok(Completion::Normal);
            if phase == 0 {
                self.fset(fr, 1, Value::int(0));
                r = self.g_block(g, block);
                if matches!(r, Err(Throw::Suspend)) {
                    return r;
                }
            }
            let catching = phase == 1 || phase == 3 || (phase == 0 && matches!(r, Err(Throw::Exception)));
            if let (true, Some(h)) = (catching, handler) {
                self.env = outer;
                self.stack.truncate(base + 1);
                self.depth = depth;
                self.env_stack.truncate(env_depth);
                r = Ok(Completion::Normal);
                if phase == 0 {
                    // entering the catch clause: the exception (slot 3) and its scope (slot 4)
                    let exc = std::mem::replace(&mut self.exception, Value::UNDEFINED);
                    self.fset(fr, 3, exc);
                    self.fset(fr, 1, Value::int(1));
                    if let Some(p) = &h.param {
                        let mut names = Vec::new();
                        p.bound_names(&mut names);
                        let decls: Vec<(Atom, DeclKind)> = names.into_iter().map(|n| (n, DeclKind::Let)).collect();
                        let cenv = self.block_env(g.cx, (p as *const _ as usize, 4), &decls)?;
                        self.fset(fr, 4, cenv);
                    }
                }
                let cenv = self.fget(fr, 4);
                if !cenv.is_empty() {
                    self.env = cenv;
                }
                if phase != 3 {
                    if let Some(p) = &h.param {
                        let exc = self.fget(fr, 3);
                        r = self.g_bind(g, p, exc, Some(cenv)).map(|_| Completion::Normal);
                    }
                    if !matches!(r, Err(Throw::Suspend)) {
                        self.fset(fr, 1, Value::int(3));
                        self.fset(fr, 3, Value::EMPTY);
                    }
                }
                if r.is_ok() {
                    r = self.g_block(g, &h.body);
                }
                self.env = outer;
                if matches!(r, Err(Throw::Suspend)) {
                    return r;
                }
            }
            let Some(f) = finalizer else { return r };
            if phase != 2 {
                if matches!(r, Err(Throw::Interrupted) | Err(Throw::Fatal)) {
                    return r;
                }
                let (k, v) = match &r {
                    Ok(Completion::Normal) => (ck::NORMAL, Value::UNDEFINED),
                    Ok(Completion::Return) => (ck::RETURN, self.ret),
                    Ok(Completion::Break(l)) => (ck::BREAK, self.label_value(g, l)?),
                    Ok(Completion::Continue(l)) => (ck::CONTINUE, self.label_value(g, l)?),
                    Err(Throw::GenReturn) => (ck::GEN_RETURN, self.ret),
                    _ => (ck::THROW, self.exception),
                };
                self.fset(fr, 2, Value::int(k));
                self.fset(fr, 3, v);
                self.fset(fr, 1, Value::int(2));
            }
            self.env = outer;
            self.stack.truncate(base + 1);
            self.depth = depth;
            self.env_stack.truncate(env_depth);
            match self.g_block(g, f)? {
                Completion::Normal => {}
                c => return Ok(c),
            }
            self.g_saved_completion(fr, 2, 3)
        })();
        self.env = outer;
        self.g_close(fr, base, r)
    }

    fn label_value(&mut self, g: &G, l: &Option<Atom>) -> JsResult<Value> {
        match l {
            Some(a) => self.atom_of(&g.cx.ci, a),
            None => Ok(Value::UNDEFINED),
        }
    }
    fn label_atom(&self, v: Value) -> Option<Atom> {
        if v.is_str() {
            Some(Atom::new(&self.string_lossy(v)))
        } else {
            None
        }
    }

    fn g_switch(&mut self, g: &G, start: u32, d: &Expr, cases: &[SwitchCase]) -> JsResult<Completion> {
        let base = self.stack.len();
        let outer = self.env;
        // slots: 1 phase (0 discriminant, 1 matching, 2 bodies), 2 discriminant, 3 case index,
        // 4 environment
        let (fr, resumed) = self.g_open(start, nk::SWITCH, 4)?;
        let r = (|| {
            let v = self.g_val(g, fr, 2, d)?;
            let env = self.fget(fr, 4);
            if resumed && !env.is_empty() {
                self.env = env;
            }
            let mut phase = self.fphase(fr, 1);
            if phase == 0 {
                let mut decls = Vec::new();
                for c in cases {
                    lexically_scoped_decls(&c.body, false, &mut decls);
                }
                if !decls.is_empty() {
                    let env = self.block_env(g.cx, (cases.as_ptr() as usize, 5), &decls)?;
                    self.fset(fr, 4, env);
                    self.env = env;
                    for c in cases {
                        self.hoist_functions(g.cx, &c.body, env)?;
                    }
                }
                self.fset(fr, 1, Value::int(1));
                self.fset(fr, 3, Value::int(0));
                phase = 1;
            }
            if phase == 1 {
                let from = self.fget(fr, 3).payload() as usize;
                let mut found = None;
                for (i, c) in cases.iter().enumerate().skip(from) {
                    self.fset(fr, 3, Value::int(i as u64));
                    if let Some(t) = &c.test {
                        let tv = self.g_expr(g, t)?;
                        if self.strict_eq(v, tv) {
                            found = Some(i);
                            break;
                        }
                    }
                }
                let s = match found.or_else(|| cases.iter().position(|c| c.test.is_none())) {
                    Some(s) => s,
                    None => return Ok(Completion::Normal),
                };
                self.fset(fr, 3, Value::int(s as u64));
                self.fset(fr, 1, Value::int(2));
            }
            let from = self.fget(fr, 3).payload() as usize;
            for (i, c) in cases.iter().enumerate().skip(from) {
                self.fset(fr, 3, Value::int(i as u64));
                match self.g_stmts(g, &c.body)? {
                    Completion::Normal => {}
                    Completion::Break(None) => return Ok(Completion::Normal),
                    c => return Ok(c),
                }
            }
            Ok(Completion::Normal)
        })();
        self.env = outer;
        self.g_close(fr, base, r)
    }

    // ----- expressions ---------------------------------------------------------------------

    pub(crate) fn g_expr(&mut self, g: &G, e: &Expr) -> JsResult<Value> {
        if !g.has(e.span) {
            return self.eval_expr(g.cx, e);
        }
        let start = e.span.start;
        match &e.kind {
            ExprKind::Paren(inner) => self.g_expr(g, inner),
            ExprKind::Yield { arg, delegate: false } => self.g_yield(g, start, arg.as_deref(), false),
            ExprKind::Await(arg) => self.g_yield(g, start, Some(arg), true),
            ExprKind::Yield { arg: Some(arg), delegate: true } if g.async_gen => self.g_delegate_async(g, start, arg),
            ExprKind::Yield { arg: Some(arg), delegate: true } => self.g_delegate(g, start, arg),
            ExprKind::Seq(es) => {
                let base = self.stack.len();
                let (fr, _) = self.g_open(start, nk::SEQ, 1)?;
                let r = (|| {
                    let from = self.fphase(fr, 1) as usize;
                    let mut v = Value::UNDEFINED;
                    for (i, x) in es.iter().enumerate().skip(from) {
                        self.fset(fr, 1, Value::int(i as u64));
                        v = self.g_expr(g, x)?;
                    }
                    Ok(v)
                })();
                self.g_close(fr, base, r)
            }
            ExprKind::Binary(op, a, b) => {
                let base = self.stack.len();
                let (fr, _) = self.g_open(start, nk::BIN, 1)?;
                let r = (|| {
                    let l = self.g_val(g, fr, 1, a)?;
                    let r = self.g_expr(g, b)?;
                    self.stack.push(r);
                    self.binary(*op, l, r)
                })();
                self.g_close(fr, base, r)
            }
            ExprKind::Logical(op, a, b) => {
                let base = self.stack.len();
                let (fr, _) = self.g_open(start, nk::LOGIC, 1)?;
                let r = (|| {
                    let l = self.g_val(g, fr, 1, a)?;
                    let short = match op {
                        LogicalOp::And => !self.to_boolean(l),
                        LogicalOp::Or => self.to_boolean(l),
                        LogicalOp::Coalesce => !l.is_nullish(),
                    };
                    if short {
                        Ok(l)
                    } else {
                        self.g_expr(g, b)
                    }
                })();
                self.g_close(fr, base, r)
            }
            ExprKind::Cond(c, a, b) => {
                let base = self.stack.len();
                let (fr, _) = self.g_open(start, nk::COND, 1)?;
                let r = (|| {
                    let t = self.g_val(g, fr, 1, c)?;
                    if self.to_boolean(t) {
                        self.g_expr(g, a)
                    } else {
                        self.g_expr(g, b)
                    }
                })();
                self.g_close(fr, base, r)
            }
            ExprKind::Unary(op, a) => self.g_unary(g, start, *op, a),
            ExprKind::Assign { op, target, value } => self.g_assign(g, start, *op, target, value),
            ExprKind::Call { callee, args, optional } => {
                self.note_position(start);
                self.g_call(g, start, callee, args, *optional)
            }
            ExprKind::New { callee, args } => {
                self.note_position(start);
                let base = self.stack.len();
                // slots: 1 constructor, 2-3 arguments (see g_args)
                let (fr, _) = self.g_open(start, nk::NEW, 3)?;
                let r = (|| {
                    let f = self.g_val(g, fr, 1, callee)?;
                    let args = self.g_args(g, fr, 2, args)?;
                    if !self.is_constructor(f) {
                        let what = super::eval::callee_text(g.cx, callee);
                        return Err(self.throw_type(&format!("{what} is not a constructor")));
                    }
                    let fb = self.stack.len();
                    self.stack.push(f);
                    self.stack.push(Value::UNDEFINED);
                    self.stack.extend_from_slice(&args);
                    self.construct_at(fb, args.len(), f)
                })();
                self.g_close(fr, base, r)
            }
            ExprKind::Member { object, prop, optional } => {
                let base = self.stack.len();
                let (fr, _) = self.g_open(start, nk::MEMBER, 1)?;
                let r = (|| {
                    let o = self.g_val(g, fr, 1, object)?;
                    if *optional && o.is_nullish() {
                        return Err(Throw::ShortCircuit);
                    }
                    let k = self.g_member_key(g, prop)?;
                    self.get_v(o, k)
                })();
                self.g_close(fr, base, r)
            }
            ExprKind::SuperMember(p) => {
                let this = self.this_value()?;
                self.stack.push(this);
                let r = (|| {
                    let k = self.g_member_key(g, p)?;
                    let kv = self.key_word_value(k);
                    self.stack.push(kv);
                    let sb = self.super_base()?;
                    if !sb.is_obj() {
                        return Ok(Value::UNDEFINED);
                    }
                    self.get(sb, k, this)
                })();
                self.stack.pop();
                r
            }
            ExprKind::OptionalChain(inner) => {
                let base = self.stack.len();
                match self.g_expr(g, inner) {
                    Err(Throw::ShortCircuit) => {
                        self.stack.truncate(base);
                        Ok(Value::UNDEFINED)
                    }
                    r => r,
                }
            }
            ExprKind::Template(t) => {
                let base = self.stack.len();
                // slots: 1 index of the next substitution, 2 the text so far
                let (fr, _) = self.g_open(start, nk::TEMPLATE, 2)?;
                let r = (|| {
                    let from = self.fphase(fr, 1) as usize;
                    if from == 0 {
                        let s = self.new_string(t.quasis[0].cooked.as_deref().unwrap_or(&[]))?;
                        self.fset(fr, 2, s);
                    }
                    for i in from..t.exprs.len() {
                        self.fset(fr, 1, Value::int(i as u64));
                        let v = self.g_expr(g, &t.exprs[i])?;
                        let s = self.to_string(v)?;
                        let mut acc: Vec<u16> = self.units(self.fget(fr, 2)).to_vec();
                        acc.extend_from_slice(self.units(s));
                        if let Some(c) = &t.quasis[i + 1].cooked {
                            acc.extend_from_slice(c);
                        }
                        let ns = self.new_string(&acc)?;
                        self.fset(fr, 2, ns);
                    }
                    Ok(self.fget(fr, 2))
                })();
                self.g_close(fr, base, r)
            }
            ExprKind::Array(items) => {
                let base = self.stack.len();
                // slots: 1 the array, 2 next item, 3 next array index
                let (fr, resumed) = self.g_open(start, nk::ARRAY, 3)?;
                let r = (|| {
                    if !resumed {
                        let arr = self.new_array(&[])?;
                        self.fset(fr, 1, arr);
                        self.fset(fr, 2, Value::int(0));
                        self.fset(fr, 3, Value::int(0));
                    }
                    let arr = self.fget(fr, 1);
                    let from = self.fget(fr, 2).payload() as usize;
                    for (n, it) in items.iter().enumerate().skip(from) {
                        self.fset(fr, 2, Value::int(n as u64));
                        let mut i = self.fget(fr, 3).payload() as u32;
                        match it {
                            None => i += 1,
                            Some(Expr { kind: ExprKind::Spread(inner), .. }) => {
                                let v = self.g_expr(g, inner)?;
                                self.spread_into(arr, &mut i, v)?;
                            }
                            Some(x) => {
                                let v = self.g_expr(g, x)?;
                                self.create_data_property(arr, PropKey::Index(i), v)?;
                                i += 1;
                            }
                        }
                        self.fset(fr, 3, Value::int(i as u64));
                    }
                    let len = self.fget(fr, 3).payload();
                    self.set_slot(arr, 0, Value::num(len as f64));
                    Ok(arr)
                })();
                self.g_close(fr, base, r)
            }
            ExprKind::Object(props) => self.g_object(g, start, props),
            ExprKind::TaggedTemplate(tag, t) => self.g_tagged(g, start, tag, t),
            ExprKind::SuperCall(args) => {
                let base = self.stack.len();
                let (fr, _) = self.g_open(start, nk::SUPERCALL, 2)?;
                let r = (|| {
                    let a = self.g_args(g, fr, 1, args)?;
                    self.super_call(&a)
                })();
                self.g_close(fr, base, r)
            }
            ExprKind::Update { op, prefix, target } => {
                let base = self.stack.len();
                let (fr, _) = self.g_open(start, nk::UPDATE, 1)?;
                let r = (|| {
                    let lr = self.g_lref(g, fr, 1, target)?;
                    self.update_lref(g.cx, lr, *op, *prefix)
                })();
                self.g_close(fr, base, r)
            }
            ExprKind::Class(c) => self.g_class(g, start, c),
            _ => self.eval_expr(g.cx, e),
        }
    }

    /// A class whose heritage or computed keys suspend: those are evaluated first, in order
    /// (each key converted at once), then the class is defined with them.
    fn g_class(&mut self, g: &G, start: u32, c: &std::rc::Rc<Class>) -> JsResult<Value> {
        let base = self.stack.len();
        // slots: 1 next part (0 heritage, 1 + i member i), 2 heritage, 3 + i key of member i
        let (fr, _) = self.g_open(start, nk::CLASS, 2 + c.members.len())?;
        let r = (|| {
            let from = self.fphase(fr, 1) as usize;
            if from == 0 {
                if let Some(h) = &c.heritage {
                    let v = self.g_expr(g, h)?;
                    self.fset(fr, 2, v);
                }
            }
            for (i, m) in c.members.iter().enumerate().skip(from.saturating_sub(1)) {
                self.fset(fr, 1, Value::int(i as u64 + 1));
                if let crate::ast::PropKey::Computed(e) = &m.key {
                    let v = self.g_expr(g, e)?;
                    let k = self.to_property_key(v)?;
                    let kv = self.key_word_value(k);
                    self.fset(fr, 3 + i, kv);
                }
            }
            self.eval_class_pre(g.cx, c, None, fr)
        })();
        self.g_close(fr, base, r)
    }

    /// Suspends at phase `phase` of frame `fr`, yielding (or awaiting) `v`.
    fn g_suspend<T>(&mut self, fr: Value, phase: u64, v: Value, is_await: bool) -> JsResult<T> {
        self.g_yielded = v;
        self.g_raw = false;
        self.g_await = is_await;
        self.fset(fr, 1, Value::int(phase));
        Err(Throw::Suspend)
    }

    /// `yield v` / `await v`: suspends, or on resumption delivers what was sent. In an async
    /// generator `yield` awaits its operand first (phase 1 -> 2), and a `return()` request
    /// at the yield awaits its value (phase 3).
    fn g_yield(&mut self, g: &G, start: u32, arg: Option<&Expr>, is_await: bool) -> JsResult<Value> {
        let base = self.stack.len();
        let (fr, _) = self.g_open(start, if is_await { nk::AWAIT } else { nk::YIELD }, 1)?;
        let r = (|| {
            let phase = self.fphase(fr, 1);
            if phase == 0 {
                let v = match arg {
                    Some(a) => self.g_expr(g, a)?,
                    None => Value::UNDEFINED,
                };
                return self.g_suspend(fr, 1, v, is_await || g.async_gen);
            }
            let (kind, v) = self.g_sent.take().unwrap_or((resume::NEXT, Value::UNDEFINED));
            match (kind, phase) {
                (resume::THROW, _) => Err(self.throw_value(v)),
                // the operand of an async generator's yield has been awaited: yield it
                (_, 1) if g.async_gen && !is_await => self.g_suspend(fr, 2, v, false),
                (resume::RETURN, 2) => self.g_suspend(fr, 3, v, true),
                (resume::RETURN, _) if !g.async_gen => {
                    self.ret = v;
                    Err(Throw::GenReturn)
                }
                (_, 3) => {
                    self.ret = v;
                    Err(Throw::GenReturn)
                }
                _ => Ok(v),
            }
        })();
        self.g_close(fr, base, r)
    }

    /// `yield*` in an async generator: the inner iterator is async (or a sync one whose
    /// values are awaited); its results are awaited, their values yielded.
    fn g_delegate_async(&mut self, g: &G, start: u32, arg: &Expr) -> JsResult<Value> {
        // phases: 0 operand, 1 awaiting an inner result, 2 awaiting a sync value, 3 yielded,
        // 4 awaiting a return() value before forwarding it, 5 awaiting return() while closing
        // for a throw without a throw method
        const P_RESULT: u64 = 1;
        const P_SYNC_VALUE: u64 = 2;
        const P_YIELDED: u64 = 3;
        const P_RETURN_VALUE: u64 = 4;
        const P_CLOSING: u64 = 5;
        let base = self.stack.len();
        // slots: 1 phase, 2 iterator, 3 next, 4 sync, 5 the step is a return(), 6 sync done
        let (fr, _) = self.g_open(start, nk::DELEGATE, 6)?;
        let r = (|| {
            let mut received = match self.fphase(fr, 1) {
                0 => {
                    let o = self.g_expr(g, arg)?;
                    let (iter, next, sync) = self.g_async_iterator(o)?;
                    self.fset(fr, 2, iter);
                    self.fset(fr, 3, next);
                    self.fset(fr, 4, Value::bool(sync));
                    None
                }
                _ => Some(self.g_sent.take().unwrap_or((resume::NEXT, Value::UNDEFINED))),
            };
            let iter = self.fget(fr, 2);
            let next = self.fget(fr, 3);
            let sync = self.fget(fr, 4) == Value::TRUE;
            let phase = self.fphase(fr, 1);
            // what to send to the inner iterator: (kind, value)
            let send = match (phase, received.take()) {
                (0, _) => (resume::NEXT, Value::UNDEFINED),
                (P_YIELDED, Some((resume::RETURN, v))) => return self.g_suspend(fr, P_RETURN_VALUE, v, true),
                (P_YIELDED, Some(s)) => s,
                (P_RETURN_VALUE, Some((resume::THROW, v))) => return Err(self.throw_value(v)),
                (P_RETURN_VALUE, Some((_, v))) => (resume::RETURN, v),
                (P_CLOSING, Some((resume::THROW, v))) => return Err(self.throw_value(v)),
                (P_CLOSING, Some((_, x))) => {
                    if !x.is_obj() {
                        return Err(self.throw_type("iterator result is not an object"));
                    }
                    return Err(self.throw_type("The iterator does not provide a 'throw' method"));
                }
                (P_SYNC_VALUE, Some((resume::THROW, v))) => {
                    // a sync iterator whose (not final) value rejects is closed
                    if self.fget(fr, 6) != Value::TRUE {
                        self.stack.push(v);
                        let _ = self.iterator_close(iter);
                    }
                    return Err(self.throw_value(v));
                }
                (P_RESULT, Some((resume::THROW, v))) => return Err(self.throw_value(v)),
                (P_RESULT, Some((_, x))) => return self.g_delegate_result(fr, x, sync),
                (P_SYNC_VALUE, Some((_, v))) => {
                    let is_return = self.fget(fr, 5) == Value::TRUE;
                    if self.fget(fr, 6) == Value::TRUE {
                        if is_return {
                            self.ret = v;
                            return Err(Throw::GenReturn);
                        }
                        return Ok(v);
                    }
                    return self.g_suspend(fr, P_YIELDED, v, false);
                }
                _ => (resume::NEXT, Value::UNDEFINED),
            };
            let (kind, v) = send;
            self.stack.push(v);
            self.fset(fr, 5, Value::bool(kind == resume::RETURN));
            let res = match kind {
                resume::NEXT => {
                    if !self.is_callable(next) {
                        return Err(self.throw_type("iterator.next is not a function"));
                    }
                    self.call(next, iter, &[v])?
                }
                resume::THROW => {
                    let tk = self.key_atom(A::throw_);
                    match self.get_method(iter, tk)? {
                        Some(m) => self.call(m, iter, &[v])?,
                        None => {
                            let rk = self.key_atom(A::return_);
                            if let Some(m) = self.get_method(iter, rk)? {
                                let inner = self.call(m, iter, &[])?;
                                if !sync {
                                    return self.g_suspend(fr, P_CLOSING, inner, true);
                                }
                            }
                            return Err(self.throw_type("The iterator does not provide a 'throw' method"));
                        }
                    }
                }
                _ => {
                    let rk = self.key_atom(A::return_);
                    match self.get_method(iter, rk)? {
                        Some(m) => self.call(m, iter, &[v])?,
                        None => {
                            self.ret = v;
                            return Err(Throw::GenReturn);
                        }
                    }
                }
            };
            if sync {
                return self.g_delegate_result(fr, res, true);
            }
            self.g_suspend(fr, P_RESULT, res, true)
        })();
        self.g_close(fr, base, r)
    }

    /// An inner result of an async `yield*` (awaited, or a sync iterator's): its value is
    /// returned when done, else yielded (a sync iterator's value is awaited first).
    fn g_delegate_result(&mut self, fr: Value, x: Value, sync: bool) -> JsResult<Value> {
        if !x.is_obj() {
            return Err(self.throw_type("Iterator result is not an object"));
        }
        self.stack.push(x);
        let dk = self.key_atom(A::done);
        let d = self.get(x, dk, x)?;
        let done = self.to_boolean(d);
        let vk = self.key_atom(A::value);
        let v = self.get(x, vk, x)?;
        if sync {
            self.fset(fr, 6, Value::bool(done));
            return self.g_suspend(fr, 2, v, true);
        }
        if done {
            if self.fget(fr, 5) == Value::TRUE {
                self.ret = v;
                return Err(Throw::GenReturn);
            }
            return Ok(v);
        }
        self.g_suspend(fr, 3, v, false)
    }

    /// `yield* iterable`: forwards next/throw/return to the inner iterator, yielding its
    /// results as they are.
    fn g_delegate(&mut self, g: &G, start: u32, arg: &Expr) -> JsResult<Value> {
        let base = self.stack.len();
        // slots: 1 phase (1 once delegating), 2 iterator, 3 its next method
        let (fr, _) = self.g_open(start, nk::DELEGATE, 3)?;
        let r = (|| {
            let (kind, v) = if self.fphase(fr, 1) == 0 {
                let o = self.g_expr(g, arg)?;
                let (iter, next) = self.get_iterator(o)?;
                self.fset(fr, 2, iter);
                self.fset(fr, 3, next);
                self.fset(fr, 1, Value::int(1));
                (resume::NEXT, Value::UNDEFINED)
            } else {
                self.g_sent.take().unwrap_or((resume::NEXT, Value::UNDEFINED))
            };
            self.stack.push(v);
            let iter = self.fget(fr, 2);
            let next = self.fget(fr, 3);
            let res = match kind {
                resume::NEXT => {
                    if !self.is_callable(next) {
                        return Err(self.throw_type("iterator.next is not a function"));
                    }
                    self.call(next, iter, &[v])?
                }
                resume::THROW => {
                    let tk = self.key_atom(A::throw_);
                    let m = self.get_method(iter, tk)?;
                    let Some(m) = m else {
                        self.iterator_close(iter)?;
                        return Err(self.throw_type("The iterator does not provide a 'throw' method"));
                    };
                    self.call(m, iter, &[v])?
                }
                _ => {
                    let rk = self.key_atom(A::return_);
                    let m = self.get_method(iter, rk)?;
                    let Some(m) = m else {
                        self.ret = v;
                        return Err(Throw::GenReturn);
                    };
                    self.call(m, iter, &[v])?
                }
            };
            if !res.is_obj() {
                return Err(self.throw_type("Iterator result is not an object"));
            }
            self.stack.push(res);
            let dk = self.key_atom(A::done);
            let done = self.get(res, dk, res)?;
            if self.to_boolean(done) {
                let vk = self.key_atom(A::value);
                let val = self.get(res, vk, res)?;
                if kind == resume::RETURN {
                    self.ret = val;
                    return Err(Throw::GenReturn);
                }
                return Ok(val);
            }
            self.g_yielded = res;
            self.g_raw = true;
            self.g_await = false;
            Err(Throw::Suspend)
        })();
        self.g_close(fr, base, r)
    }

    fn g_member_key(&mut self, g: &G, p: &MemberProp) -> JsResult<PropKey> {
        match p {
            MemberProp::Computed(e) if g.has(e.span) => {
                let v = self.g_expr(g, e)?;
                self.stack.push(v);
                let k = self.to_property_key(v);
                self.stack.pop();
                k
            }
            _ => self.member_key(g.cx, p),
        }
    }

    /// The reference of an assignment target; the object (or `this`) and key are cached in
    /// slots `i` and `i + 1`.
    fn g_lref(&mut self, g: &G, fr: Value, i: usize, e: &Expr) -> JsResult<LRef> {
        if !g.has(e.span) {
            let k = self.fget(fr, i + 1);
            if k.is_empty() {
                let r = self.eval_lref(g.cx, e)?;
                match r {
                    LRef::Prop(o, k) => {
                        self.fset(fr, i, o);
                        let kv = self.key_word_value(k);
                        self.fset(fr, i + 1, kv);
                    }
                    // the key waits for GetValue/PutValue: cache the object and key value
                    LRef::PropValue(o, kv) | LRef::Super(o, _, kv) => {
                        self.fset(fr, i, o);
                        self.fset(fr, i + 1, kv);
                    }
                    LRef::Binding(_) => {}
                }
                return Ok(r);
            }
        }
        match &e.kind {
            ExprKind::Paren(inner) => self.g_lref(g, fr, i, inner),
            ExprKind::Member { object, prop, .. } => {
                let o = self.g_val(g, fr, i, object)?;
                let kv = self.fget(fr, i + 1);
                if kv.is_obj() {
                    return Ok(LRef::PropValue(o, kv));
                }
                let k = if kv.is_empty() {
                    let k = self.g_member_key(g, prop)?;
                    let kv = self.key_word_value(k);
                    self.fset(fr, i + 1, kv);
                    k
                } else {
                    self.key_from_word_value(kv)
                };
                if o.is_nullish() {
                    let kn = self.key_display(k);
                    let what = if o.is_null() { "null" } else { "undefined" };
                    return Err(self.throw_type(&format!("Cannot set properties of {what} (setting '{kn}')")));
                }
                Ok(LRef::Prop(o, k))
            }
            ExprKind::SuperMember(p) => {
                let this = self.this_value()?;
                self.fset(fr, i, this);
                let mut kv = self.fget(fr, i + 1);
                if kv.is_empty() {
                    let k = self.g_member_key(g, p)?;
                    kv = self.key_word_value(k);
                    self.fset(fr, i + 1, kv);
                }
                let base = self.super_base()?;
                Ok(LRef::Super(this, base, kv))
            }
            ExprKind::Ident(n, c) => Ok(LRef::Binding(self.resolve_ident(&g.cx.ci, n, c)?)),
            _ => {
                self.g_expr(g, e)?;
                Err(self.throw_ref("Invalid left-hand side in assignment"))
            }
        }
    }

    fn g_assign(&mut self, g: &G, start: u32, op: AssignOp, target: &Pattern, value: &Expr) -> JsResult<Value> {
        let base = self.stack.len();
        // slots: 1-2 target object and key, 3 old value
        let (fr, _) = self.g_open(start, nk::ASSIGN, 3)?;
        let r = (|| {
            if let (AssignOp::Assign, Pattern::Object { .. } | Pattern::Array { .. }) = (op, target) {
                let v = self.g_expr(g, value)?;
                self.stack.push(v);
                self.g_bind(g, target, v, None)?;
                return Ok(v);
            }
            let lr = match target {
                Pattern::Expr(e) => self.g_lref(g, fr, 1, e)?,
                Pattern::Ident(n, _, c) => LRef::Binding(self.resolve_ident(&g.cx.ci, n, c)?),
                _ => return Err(self.throw_syntax("Invalid assignment target")),
            };
            let named = |vm: &mut Vm, g: &G| -> JsResult<Value> {
                if g.has(value.span) {
                    vm.g_expr(g, value)
                } else {
                    vm.eval_named(g.cx, value, target)
                }
            };
            match op {
                AssignOp::Assign => {
                    let v = named(self, g)?;
                    self.stack.push(v);
                    let lr = self.g_relookup(g, target, lr)?;
                    self.lref_put(g.cx, lr, v)?;
                    Ok(v)
                }
                AssignOp::Bin(b) => {
                    let mut old = self.fget(fr, 3);
                    if old.is_empty() {
                        old = self.lref_get(lr)?;
                        self.fset(fr, 3, old);
                    }
                    let rv = self.g_expr(g, value)?;
                    self.stack.push(rv);
                    let v = self.binary(b, old, rv)?;
                    self.stack.push(v);
                    let lr = self.g_relookup(g, target, lr)?;
                    self.lref_put(g.cx, lr, v)?;
                    Ok(v)
                }
                AssignOp::Logical(l) => {
                    let mut old = self.fget(fr, 3);
                    if old.is_empty() {
                        old = self.lref_get(lr)?;
                        self.fset(fr, 3, old);
                    }
                    let short = match l {
                        LogicalOp::And => !self.to_boolean(old),
                        LogicalOp::Or => self.to_boolean(old),
                        LogicalOp::Coalesce => !old.is_nullish(),
                    };
                    if short {
                        return Ok(old);
                    }
                    let v = named(self, g)?;
                    self.stack.push(v);
                    let lr = self.g_relookup(g, target, lr)?;
                    self.lref_put(g.cx, lr, v)?;
                    Ok(v)
                }
            }
        })();
        self.g_close(fr, base, r)
    }

    /// A binding reference is resolved again after a suspension (an environment reference
    /// is not kept across one; the binding is found the same way).
    fn g_relookup(&mut self, g: &G, target: &Pattern, lr: LRef) -> JsResult<LRef> {
        match (target, lr) {
            (Pattern::Ident(n, _, c), LRef::Binding(_)) => Ok(LRef::Binding(self.resolve_ident(&g.cx.ci, n, c)?)),
            _ => Ok(lr),
        }
    }

    fn g_unary(&mut self, g: &G, start: u32, op: UnaryOp, a: &Expr) -> JsResult<Value> {
        if op == UnaryOp::Delete {
            let mut inner = a;
            while let ExprKind::Paren(x) = &inner.kind {
                inner = x;
            }
            if let ExprKind::Member { object, prop, optional } = &inner.kind {
                let base = self.stack.len();
                let (fr, _) = self.g_open(start, nk::UNARY, 1)?;
                let r = (|| {
                    let o = self.g_val(g, fr, 1, object)?;
                    if *optional && o.is_nullish() {
                        return Err(Throw::ShortCircuit);
                    }
                    let k = self.g_member_key(g, prop)?;
                    let obj = self.to_object(o)?;
                    let ok = self.delete_own(obj, k);
                    if !ok && g.cx.strict {
                        let kn = self.key_display(k);
                        return Err(self.throw_type(&format!("Cannot delete property '{kn}' of object")));
                    }
                    Ok(Value::bool(ok))
                })();
                return self.g_close(fr, base, r);
            }
            self.g_expr(g, a)?;
            return Ok(Value::TRUE);
        }
        let v = self.g_expr(g, a)?;
        match op {
            UnaryOp::TypeOf => Ok(self.a(self.type_of(v))),
            UnaryOp::Void => Ok(Value::UNDEFINED),
            UnaryOp::Not => Ok(Value::bool(!self.to_boolean(v))),
            UnaryOp::Neg => {
                let n = self.to_numeric(v)?;
                if n.is_bigint() {
                    return self.bigint_neg(n);
                }
                Ok(Value::num(-n.as_num()))
            }
            UnaryOp::Plus => Ok(Value::num(self.to_number(v)?)),
            UnaryOp::BitNot => {
                let n = self.to_numeric(v)?;
                if n.is_bigint() {
                    return self.bigint_not(n);
                }
                Ok(Value::num(!super::ops::to_int32(n.as_num()) as f64))
            }
            UnaryOp::Delete => unreachable!(),
        }
    }

    /// Evaluates arguments (with spread) into a JS array kept in slot `i` (the next argument
    /// index in slot `i + 1`); returns them.
    fn g_args(&mut self, g: &G, fr: Value, i: usize, args: &[Expr]) -> JsResult<Vec<Value>> {
        if self.fget(fr, i).is_empty() {
            let arr = self.new_array(&[])?;
            self.fset(fr, i, arr);
            self.fset(fr, i + 1, Value::int(0));
        }
        let arr = self.fget(fr, i);
        let from = self.fget(fr, i + 1).payload() as usize;
        for (n, a) in args.iter().enumerate().skip(from) {
            self.fset(fr, i + 1, Value::int(n as u64));
            let len = self.array_len(arr);
            if let ExprKind::Spread(inner) = &a.kind {
                let v = self.g_expr(g, inner)?;
                self.stack.push(v);
                let items = self.iterate_to_vec(v)?;
                self.stack.pop();
                for (j, x) in items.into_iter().enumerate() {
                    self.create_data_property(arr, PropKey::Index(len + j as u32), x)?;
                }
            } else {
                let v = self.g_expr(g, a)?;
                self.create_data_property(arr, PropKey::Index(len), v)?;
            }
        }
        self.fset(fr, i + 1, Value::int(args.len() as u64));
        let n = self.array_len(arr);
        let mut out = Vec::with_capacity(n as usize);
        for j in 0..n {
            out.push(self.get(arr, PropKey::Index(j), arr)?);
        }
        Ok(out)
    }

    fn g_call(&mut self, g: &G, start: u32, callee: &Expr, args: &[Expr], optional: bool) -> JsResult<Value> {
        let base = self.stack.len();
        // slots: 1 function, 2 this, 3-4 arguments, 5 the object of a member callee
        let (fr, _) = self.g_open(start, nk::CALL, 5)?;
        let r = (|| {
            if self.fget(fr, 1).is_empty() {
                let (f, this) = match &callee.kind {
                    ExprKind::Member { object, prop, optional: opt_m } => {
                        let o = self.g_val(g, fr, 5, object)?;
                        if *opt_m && o.is_nullish() {
                            return Err(Throw::ShortCircuit);
                        }
                        let k = self.g_member_key(g, prop)?;
                        (self.get_v(o, k)?, o)
                    }
                    ExprKind::SuperMember(p) => {
                        let this = self.this_value()?;
                        self.fset(fr, 5, this);
                        let k = self.g_member_key(g, p)?;
                        let sb = self.super_base()?;
                        let f = if sb.is_obj() { self.get(sb, k, this)? } else { Value::UNDEFINED };
                        (f, this)
                    }
                    ExprKind::Ident(n, c) if !g.has(callee.span) => {
                        let r = self.resolve_ident(&g.cx.ci, n, c)?;
                        let f = self.get_ref(r)?;
                        let this = match r {
                            super::env::Ref::Object { obj, .. } if self.is_with_object(obj) => obj,
                            _ => Value::UNDEFINED,
                        };
                        (f, this)
                    }
                    _ => (self.g_expr(g, callee)?, Value::UNDEFINED),
                };
                if optional && f.is_nullish() {
                    return Err(Throw::ShortCircuit);
                }
                self.fset(fr, 1, f);
                self.fset(fr, 2, this);
            }
            let f = self.fget(fr, 1);
            let this = self.fget(fr, 2);
            let argv = self.g_args(g, fr, 3, args)?;
            if let ExprKind::Ident(n, _) = &callee.kind {
                if &**n == "eval" && f == self.i(I::Eval) {
                    let first = argv.first().copied().unwrap_or(Value::UNDEFINED);
                    return self.direct_eval(g.cx, first);
                }
            }
            if !self.is_callable(f) {
                let what = super::eval::callee_text(g.cx, callee);
                return Err(self.throw_type(&format!("{what} is not a function")));
            }
            let fb = self.stack.len();
            self.stack.push(f);
            self.stack.push(this);
            self.stack.extend_from_slice(&argv);
            self.call_at(fb, argv.len(), Value::UNDEFINED)
        })();
        self.g_close(fr, base, r)
    }

    fn g_tagged(&mut self, g: &G, start: u32, tag: &Expr, t: &Template) -> JsResult<Value> {
        let base = self.stack.len();
        // slots: 1 function, 2 this, 3 template object, 4 substitutions array, 5 next index
        let (fr, _) = self.g_open(start, nk::TAGGED, 5)?;
        let r = (|| {
            if self.fget(fr, 1).is_empty() {
                let (f, this) = match &tag.kind {
                    ExprKind::Member { object, prop, .. } => {
                        let o = self.g_val(g, fr, 2, object)?;
                        let k = self.g_member_key(g, prop)?;
                        (self.get_v(o, k)?, o)
                    }
                    _ => (self.g_expr(g, tag)?, Value::UNDEFINED),
                };
                self.fset(fr, 1, f);
                self.fset(fr, 2, this);
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
                self.fset(fr, 3, ca);
                let ra = self.new_array(&raw)?;
                let rk = self.key_atom(A::raw);
                self.put(ca, rk, ra, 0)?;
                self.set_integrity(ra, crate::vm::object::Integrity::Frozen)?;
                self.set_integrity(ca, crate::vm::object::Integrity::Frozen)?;
            }
            let subs = self.g_args(g, fr, 4, &t.exprs)?;
            let f = self.fget(fr, 1);
            let this = self.fget(fr, 2);
            let ca = self.fget(fr, 3);
            if !self.is_callable(f) {
                return Err(self.throw_type("tag is not a function"));
            }
            let fb = self.stack.len();
            self.stack.push(f);
            self.stack.push(this);
            self.stack.push(ca);
            self.stack.extend_from_slice(&subs);
            self.call_at(fb, 1 + subs.len(), Value::UNDEFINED)
        })();
        self.g_close(fr, base, r)
    }

    fn g_object(&mut self, g: &G, start: u32, props: &[Property]) -> JsResult<Value> {
        use crate::vm::object::{attr, PropDesc};
        let base = self.stack.len();
        // slots: 1 the object, 2 next property, 3 its key
        let (fr, resumed) = self.g_open(start, nk::OBJECT, 3)?;
        let r = (|| {
            if !resumed {
                let o = self.new_object()?;
                self.fset(fr, 1, o);
            }
            let o = self.fget(fr, 1);
            let from = self.fphase(fr, 2) as usize;
            for (n, p) in props.iter().enumerate().skip(from) {
                self.fset(fr, 2, Value::int(n as u64));
                let key_of = |vm: &mut Vm, k: &crate::ast::PropKey| -> JsResult<PropKey> {
                    let kv = vm.fget(fr, 3);
                    if !kv.is_empty() {
                        return Ok(vm.key_from_word_value(kv));
                    }
                    let key = match k {
                        crate::ast::PropKey::Computed(e) if g.has(e.span) => {
                            let v = vm.g_expr(g, e)?;
                            vm.to_property_key(v)?
                        }
                        _ => vm.eval_prop_key(g.cx, k)?,
                    };
                    let kv = vm.key_word_value(key);
                    vm.fset(fr, 3, kv);
                    Ok(key)
                };
                match p {
                    Property::Init(k, v) => {
                        let key = key_of(self, k)?;
                        let val = if !g.has(v.span) && super::function::is_anonymous_fn(v) {
                            let nm = self.name_from_key(key)?;
                            self.eval_anonymous(g.cx, v, nm)?
                        } else {
                            self.g_expr(g, v)?
                        };
                        self.create_data_property(o, key, val)?;
                    }
                    Property::Proto(v) => {
                        let val = self.g_expr(g, v)?;
                        if val.is_obj() || val.is_null() {
                            self.set_proto_raw(o, val);
                        }
                    }
                    Property::Method(k, f) => {
                        let key = key_of(self, k)?;
                        let nm = self.name_from_key(key)?;
                        let fo = self.make_function(g.cx, f, Some(nm), o)?;
                        self.define_own(o, key, PropDesc::data(fo, attr::WEC))?;
                    }
                    Property::Getter(k, f) | Property::Setter(k, f) => {
                        let key = key_of(self, k)?;
                        let nm = self.name_from_key(key)?;
                        let fo = self.make_function(g.cx, f, Some(nm), o)?;
                        let d = if matches!(p, Property::Getter(..)) {
                            PropDesc { get: Some(fo), enumerable: Some(true), configurable: Some(true), ..Default::default() }
                        } else {
                            PropDesc { set: Some(fo), enumerable: Some(true), configurable: Some(true), ..Default::default() }
                        };
                        self.define_own(o, key, d)?;
                    }
                    Property::Spread(e) => {
                        let v = self.g_expr(g, e)?;
                        self.stack.push(v);
                        self.copy_data_properties(o, v, &[])?;
                        self.stack.pop();
                    }
                    Property::CoverInit(..) => return Err(self.throw_syntax("Invalid shorthand property initializer")),
                }
                self.fset(fr, 3, Value::EMPTY);
            }
            Ok(o)
        })();
        self.g_close(fr, base, r)
    }

    // ----- generator objects -----------------------------------------------------------------

    /// The end of a generator function call: the parameters are bound; make the generator
    /// object that will run the body.
    pub(crate) fn make_generator(&mut self, f: Value, env: Value) -> JsResult<Value> {
        let pk = self.key_atom(A::prototype);
        let p = self.get(f, pk, f)?;
        let async_gen = self.slot(f, S_KIND).payload() & fk::ASYNC_GEN != 0;
        let proto = if p.is_obj() {
            p
        } else {
            self.i(if async_gen { I::AsyncGeneratorProto } else { I::GeneratorProto })
        };
        let gen = self.new_object_with(class::GENERATOR, proto, GEN_SLOTS)?;
        self.set_slot(gen, G_STATE, Value::int(gstate::START));
        self.set_slot(gen, G_FUNC, f);
        self.set_slot(gen, G_ENV, env);
        self.set_slot(gen, G_KIND, Value::int(gkind::GENERATOR));
        Ok(gen)
    }

    /// Resumes generator `gen` (next / throw / return with `v`); returns the iterator result.
    pub fn generator_resume(&mut self, gen: Value, kind: u8, v: Value) -> JsResult<Value> {
        let state = self.slot(gen, G_STATE).payload();
        if state == gstate::RUNNING {
            return Err(self.throw_type("Generator is already running"));
        }
        if state == gstate::START && kind != resume::NEXT {
            self.set_slot(gen, G_STATE, Value::int(gstate::DONE));
        }
        if state == gstate::DONE || (state == gstate::START && kind != resume::NEXT) {
            return match kind {
                resume::THROW => Err(self.throw_value(v)),
                resume::RETURN => crate::builtins::array::iter_result(self, v, true),
                _ => crate::builtins::array::iter_result(self, Value::UNDEFINED, true),
            };
        }
        let (r, raw) = self.run_suspendable(gen, kind, v);
        match r {
            Ok((true, y)) if raw => Ok(y),
            Ok((true, y)) => crate::builtins::array::iter_result(self, y, false),
            Ok((false, rv)) => crate::builtins::array::iter_result(self, rv, true),
            Err(t) => Err(t),
        }
    }

    /// Runs the body of a generator (or async function) state object until it suspends
    /// (Ok((true, the yielded value)), with whether it is an iterator result to pass on as
    /// it is) or completes (Ok((false, the return value))). The caller's `ret` is kept.
    pub(crate) fn run_suspendable(&mut self, gen: Value, kind: u8, v: Value) -> (JsResult<(bool, Value)>, bool) {
        let f = self.slot(gen, G_FUNC);
        let env = self.slot(gen, G_ENV);
        let frames = self.slot(gen, G_FRAMES);
        let (ci, func) = match self.closure_code(f) {
            Ok((ci, Some(func), _)) => (ci, func),
            Ok(_) => return (Err(Throw::fatal("generator without a body")), false),
            Err(t) => return (Err(t), false),
        };
        let strict = self.slot(f, S_KIND).payload() & fk::STRICT != 0;
        let code = self.slot(f, S_CODE);
        let cx = Ctx { ci, code, strict };
        self.set_slot(gen, G_STATE, Value::int(gstate::RUNNING));
        let saved_resume = std::mem::take(&mut self.g_resume);
        let saved_saved = std::mem::take(&mut self.g_saved);
        let saved_sent = self.g_sent.take();
        if frames.is_cell() {
            let n = self.cell_len(frames.off());
            for i in 0..n {
                let fr = self.list_get(frames, i);
                self.g_resume.push(fr);
            }
            self.g_sent = Some((kind, v));
        }
        let base = self.stack.len();
        // the caller may be unwinding a return of its own (a for-of closing this generator)
        let (saved_ret, saved_cv) = (self.ret, self.cv);
        self.stack.push(saved_ret);
        self.stack.push(saved_cv);
        self.env_stack.push(self.env);
        self.env = env;
        self.depth += 1;
        self.frames.push((f, code, func.span.start));
        let g = G { cx: &cx, sus: &func.suspends, async_gen: func.is_async && func.is_generator };
        let r = if self.depth > self.max_depth {
            Err(self.throw_range("Maximum call stack size exceeded"))
        } else {
            match &func.body {
                FunctionBody::Block(stmts) => self.g_stmts(&g, stmts).map(|c| {
                    if !matches!(c, Completion::Return) {
                        self.ret = Value::UNDEFINED;
                    }
                }),
                FunctionBody::Expr(e) => self.g_expr(&g, e).map(|v| self.ret = v),
            }
        };
        self.frames.pop();
        self.depth -= 1;
        self.env = self.env_stack.pop().unwrap();
        self.stack.truncate(base);
        let out = match r {
            Err(Throw::Suspend) => {
                let saved = std::mem::take(&mut self.g_saved);
                match self.new_list(&saved) {
                    Ok(l) => {
                        self.set_slot(gen, G_FRAMES, l);
                        self.set_slot(gen, G_STATE, Value::int(gstate::SUSPENDED));
                        Ok((true, self.g_yielded))
                    }
                    Err(t) => Err(t),
                }
            }
            Ok(()) | Err(Throw::GenReturn) => Ok((false, self.ret)),
            Err(t) => Err(t),
        };
        if !matches!(out, Ok((true, _))) {
            self.set_slot(gen, G_STATE, Value::int(gstate::DONE));
            self.set_slot(gen, G_FRAMES, Value::UNDEFINED);
        }
        self.ret = saved_ret;
        self.cv = saved_cv;
        let raw = self.g_raw;
        self.g_yielded = Value::UNDEFINED;
        self.g_resume = saved_resume;
        self.g_saved = saved_saved;
        self.g_sent = saved_sent;
        (out, raw)
    }
}

impl Vm {
    /// A generator or async function was called (its parameters are bound in `env`).
    pub(crate) fn start_suspendable(&mut self, func: &Function, f: Value, env: Value) -> JsResult<Value> {
        let state = self.make_generator(f, env)?;
        if !func.is_async {
            return Ok(state);
        }
        if func.is_generator {
            self.stack.push(state);
            let q = self.new_array(&[]);
            self.stack.pop();
            self.set_slot(state, G_QUEUE, q?);
            self.set_slot(state, G_KIND, Value::int(gkind::ASYNC_GENERATOR));
            return Ok(state);
        }
        self.set_slot(state, G_KIND, Value::int(gkind::ASYNC));
        // an async function: its state object holds the result promise and runs at once
        self.stack.push(state);
        let r = (|| {
            let p = crate::builtins::promise::new_promise(self)?;
            self.set_slot(state, G_PROMISE, p);
            self.async_step(state, resume::NEXT, Value::UNDEFINED)?;
            Ok(p)
        })();
        self.stack.pop();
        r
    }

    /// A promise rejected with the pending exception.
    pub(crate) fn rejected_promise(&mut self) -> JsResult<Value> {
        let e = std::mem::replace(&mut self.exception, Value::UNDEFINED);
        self.stack.push(e);
        let p = crate::builtins::promise::new_promise(self);
        let r = p.and_then(|p| crate::builtins::promise::reject_promise(self, p, e).map(|_| p));
        self.stack.pop();
        r
    }

    /// Runs an async function until its next `await` (then waits for the awaited promise
    /// through two native closures holding the state) or its end (then settles its promise).
    pub fn async_step(&mut self, state: Value, kind: u8, v: Value) -> JsResult<()> {
        use crate::builtins::promise::{reject_promise, resolve_promise};
        let p = self.slot(state, G_PROMISE);
        let (r, _) = self.run_suspendable(state, kind, v);
        match r {
            Ok((true, awaited)) => self.await_value(state, awaited),
            Ok((false, rv)) => resolve_promise(self, p, rv),
            Err(Throw::Exception) => {
                let e = std::mem::replace(&mut self.exception, Value::UNDEFINED);
                reject_promise(self, p, e)
            }
            Err(t) => Err(t),
        }
    }
}

// ----- async generators --------------------------------------------------------------------

impl Vm {
    /// `next` / `throw` / `return` of an async generator: queues the request and returns its
    /// promise (rejected at once when `gen` is not an async generator).
    pub fn async_generator_enqueue(&mut self, gen: Value, kind: u8, v: Value) -> JsResult<Value> {
        use crate::builtins::promise::{new_promise, reject_promise};
        let p = new_promise(self)?;
        self.stack.push(p);
        let r = (|| {
            if !(gen.is_obj() && self.class_of(gen) == class::GENERATOR && self.slot(gen, G_KIND).payload() == gkind::ASYNC_GENERATOR) {
                let e = self.make_type_error("AsyncGenerator method called on incompatible receiver")?;
                return reject_promise(self, p, e);
            }
            let q = self.slot(gen, G_QUEUE);
            let req = self.new_list(&[Value::int(kind as u64), v, p])?;
            let n = self.array_len(q);
            self.create_data_property(q, PropKey::Index(n), req)?;
            let st = self.slot(gen, G_STATE).payload();
            if st != gstate::RUNNING && st != gstate::AWAITING_RETURN {
                self.ag_resume_next(gen)?;
            }
            Ok(())
        })();
        self.stack.pop();
        r.map(|_| p)
    }

    /// A TypeError object (not thrown).
    fn make_type_error(&mut self, msg: &str) -> JsResult<Value> {
        let _ = self.throw_type(msg);
        Ok(std::mem::replace(&mut self.exception, Value::UNDEFINED))
    }

    fn ag_front(&mut self, gen: Value) -> JsResult<Option<Value>> {
        let q = self.slot(gen, G_QUEUE);
        if self.array_len(q) == 0 {
            return Ok(None);
        }
        Ok(Some(self.get(q, PropKey::Index(0), q)?))
    }

    /// Settles the oldest request: fulfilled with an iterator result, or rejected.
    fn ag_settle(&mut self, gen: Value, ok: bool, v: Value, done: bool) -> JsResult<()> {
        use crate::builtins::promise::{reject_promise, resolve_promise};
        let q = self.slot(gen, G_QUEUE);
        let Some(req) = self.ag_front(gen)? else { return Ok(()) };
        // shift the queue
        let n = self.array_len(q);
        let mut rest = Vec::with_capacity(n as usize);
        for i in 1..n {
            rest.push(self.get(q, PropKey::Index(i), q)?);
        }
        let nq = self.new_array(&rest)?;
        self.set_slot(gen, G_QUEUE, nq);
        let p = self.list_get(req, 2);
        self.stack.push(p);
        let r = if ok {
            let res = crate::builtins::array::iter_result(self, v, done)?;
            resolve_promise(self, p, res)
        } else {
            reject_promise(self, p, v)
        };
        self.stack.pop();
        r
    }

    /// AsyncGeneratorResumeNext: serves queued requests while the generator is not running.
    fn ag_resume_next(&mut self, gen: Value) -> JsResult<()> {
        use crate::builtins::promise::{native_closure, perform_then, promise_resolve};
        loop {
            let st = self.slot(gen, G_STATE).payload();
            if st == gstate::RUNNING || st == gstate::AWAITING_RETURN {
                return Ok(());
            }
            let Some(req) = self.ag_front(gen)? else { return Ok(()) };
            let kind = self.list_get(req, 0).payload() as u8;
            let v = self.list_get(req, 1);
            if kind != resume::NEXT {
                if st == gstate::START {
                    self.set_slot(gen, G_STATE, Value::int(gstate::DONE));
                }
                if self.slot(gen, G_STATE).payload() == gstate::DONE {
                    if kind == resume::RETURN {
                        self.set_slot(gen, G_STATE, Value::int(gstate::AWAITING_RETURN));
                        let pr = match promise_resolve(self, v) {
                            Ok(pr) => pr,
                            Err(Throw::Exception) => {
                                let e = std::mem::replace(&mut self.exception, Value::UNDEFINED);
                                self.set_slot(gen, G_STATE, Value::int(gstate::DONE));
                                self.ag_settle(gen, false, e, true)?;
                                continue;
                            }
                            Err(t) => return Err(t),
                        };
                        let base = self.stack.len();
                        self.stack.push(pr);
                        let r = (|| {
                            let on_ok = native_closure(self, "%AsyncGeneratorReturnFulfilled%", 1, &[gen])?;
                            self.stack.push(on_ok);
                            let on_err = native_closure(self, "%AsyncGeneratorReturnRejected%", 1, &[gen])?;
                            self.stack.push(on_err);
                            perform_then(self, pr, on_ok, on_err)
                        })();
                        self.stack.truncate(base);
                        return r;
                    }
                    self.ag_settle(gen, false, v, true)?;
                    continue;
                }
            } else if st == gstate::DONE {
                self.ag_settle(gen, true, Value::UNDEFINED, true)?;
                continue;
            }
            return self.ag_run(gen, kind, v);
        }
    }

    /// The settlement of an awaited `return()` value of a completed async generator.
    pub fn async_generator_return_settled(&mut self, gen: Value, ok: bool, v: Value) -> JsResult<()> {
        self.set_slot(gen, G_STATE, Value::int(gstate::DONE));
        self.ag_settle(gen, ok, v, true)?;
        self.ag_resume_next(gen)
    }

    /// Runs an async generator's body until it awaits (it stays running), yields (the oldest
    /// request is fulfilled) or completes (fulfilled with done, or rejected).
    pub fn ag_run(&mut self, gen: Value, kind: u8, v: Value) -> JsResult<()> {
        self.stack.push(gen);
        let (r, _) = self.run_suspendable(gen, kind, v);
        let is_await = self.g_await;
        let r = match r {
            Ok((true, y)) if is_await => {
                self.set_slot(gen, G_STATE, Value::int(gstate::RUNNING));
                self.await_value(gen, y)
            }
            Ok((true, y)) => self.ag_settle(gen, true, y, false).and_then(|_| self.ag_resume_next(gen)),
            Ok((false, rv)) => self.ag_settle(gen, true, rv, true).and_then(|_| self.ag_resume_next(gen)),
            Err(Throw::Exception) => {
                let e = std::mem::replace(&mut self.exception, Value::UNDEFINED);
                self.ag_settle(gen, false, e, true).and_then(|_| self.ag_resume_next(gen))
            }
            Err(t) => Err(t),
        };
        self.stack.pop();
        r
    }

    /// Await inside an async function or async generator `state`: resumes it from a job when
    /// the value (as a promise) settles.
    fn await_value(&mut self, state: Value, awaited: Value) -> JsResult<()> {
        use crate::builtins::promise::{native_closure, perform_then, promise_resolve};
        let base = self.stack.len();
        self.stack.push(awaited);
        let r = (|| {
            let pr = match promise_resolve(self, awaited) {
                Ok(pr) => pr,
                Err(Throw::Exception) => {
                    let e = std::mem::replace(&mut self.exception, Value::UNDEFINED);
                    return self.resume_after_await(state, resume::THROW, e);
                }
                Err(t) => return Err(t),
            };
            self.stack.push(pr);
            let on_ok = native_closure(self, "%AsyncFunctionAwaitFulfilled%", 1, &[state])?;
            self.stack.push(on_ok);
            let on_err = native_closure(self, "%AsyncFunctionAwaitRejected%", 1, &[state])?;
            self.stack.push(on_err);
            perform_then(self, pr, on_ok, on_err)
        })();
        self.stack.truncate(base);
        r
    }

    /// Continues an async function or async generator after an await settled.
    pub fn resume_after_await(&mut self, state: Value, kind: u8, v: Value) -> JsResult<()> {
        if self.slot(state, G_KIND).payload() == gkind::ASYNC_GENERATOR {
            self.ag_run(state, kind, v)
        } else {
            self.async_step(state, kind, v)
        }
    }
}

