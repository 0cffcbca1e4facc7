//! The tree-walking evaluator. Code lives in the heap as source text (a CODE cell per script,
//! eval text or `Function` body); this module keeps a volatile cache of parsed scripts and
//! finds a function's syntax tree by the start of its span.

pub mod access;
pub mod annexb;
pub mod env;
pub mod eval;
pub mod function;
pub mod generator;
pub mod ops;
pub mod proxy;

use crate::ast::*;
use crate::parser::ParseOptions;
use crate::vm::cells::{header, kind};
use crate::vm::{JsResult, Value, Vm};
use hashbrown::HashMap;
use ken::PPtr;
use std::cell::RefCell;
use std::rc::Rc;

/// Parse flags kept with a code cell, so the text re-parses exactly as it first did.
pub mod codeflag {
    pub const STRICT: u64 = 1;
    pub const EVAL: u64 = 2;
    pub const NEW_TARGET: u64 = 4;
    pub const SUPER_PROPERTY: u64 = 8;
    pub const SUPER_CALL: u64 = 16;
    pub const FIELD_INIT: u64 = 32;
}

/// A parsed script with its functions and classes indexed by span start.
pub struct CodeInfo {
    pub src: Rc<str>,
    pub program: Program,
    pub funcs: HashMap<u32, Rc<Function>>,
    pub classes: HashMap<u32, Rc<Class>>,
    /// Identifier text -> atom (volatile; cleared after a collection).
    pub atoms: RefCell<HashMap<*const u8, Value>>,
    /// Names LISTs of scopes by (span start, which) (volatile; cleared after a collection).
    pub descs: RefCell<HashMap<(u32, u8), Value>>,
    /// Names LISTs of block-like scopes by (AST node address, site) (volatile, like `descs`).
    pub scopes: RefCell<HashMap<(usize, u8), Value>>,
    /// Blocks: their names LIST (undefined when they declare nothing) and whether they hoist
    /// function declarations, by the address of their statement list.
    pub blocks: RefCell<HashMap<usize, (Value, bool)>>,
    /// Annex B.3.3 block-level functions that are also var-scoped.
    pub annexb: annexb::AnnexB,
    /// Span starts of every function and class (anything that makes a closure over the
    /// current environment), of every call `eval(...)` (a possible direct eval) and of every
    /// `with` statement, ascending: a subtree contains one iff one lies inside its span.
    pub closures: Vec<u32>,
    pub evals: Vec<u32>,
    pub withs: Vec<u32>,
}

pub fn parse_options(flags: u64) -> ParseOptions {
    ParseOptions {
        strict: flags & codeflag::STRICT != 0,
        allow_new_target: flags & codeflag::NEW_TARGET != 0,
        allow_super_property: flags & codeflag::SUPER_PROPERTY != 0,
        allow_super_call: flags & codeflag::SUPER_CALL != 0,
        in_class_field_init: flags & codeflag::FIELD_INIT != 0,
        ..Default::default()
    }
}

impl CodeInfo {
    pub fn new(src: Rc<str>, program: Program) -> CodeInfo {
        let mut ci = CodeInfo { src, program, funcs: HashMap::new(), classes: HashMap::new(), atoms: RefCell::new(HashMap::new()),
            descs: RefCell::new(HashMap::new()),
            scopes: RefCell::new(HashMap::new()),
            blocks: RefCell::new(HashMap::new()),
            annexb: annexb::AnnexB::default(),
            closures: Vec::new(),
            evals: Vec::new(),
            withs: Vec::new(),
        };
        let mut w = Walker { funcs: HashMap::new(), classes: HashMap::new(), evals: Vec::new(), withs: Vec::new() };
        for s in &ci.program.body {
            w.stmt(s);
        }
        ci.closures = w.funcs.keys().chain(w.classes.keys()).copied().collect();
        ci.closures.sort_unstable();
        w.evals.sort_unstable();
        w.withs.sort_unstable();
        ci.evals = w.evals;
        ci.withs = w.withs;
        ci.funcs = w.funcs;
        ci.classes = w.classes;
        ci.annexb = annexb::AnnexB::analyse(&ci.program, &ci.funcs);
        ci
    }
}

/// Whether a sorted list of positions has one strictly inside `start..end`.
fn any_inside(list: &[u32], start: u32, end: u32) -> bool {
    let i = list.partition_point(|&p| p <= start);
    list.get(i).is_some_and(|&p| p < end)
}

impl CodeInfo {
    /// Whether the code in `span` (a function, a loop) can make a closure, or run a direct
    /// eval (which can make closures and declare variables), anywhere inside it, apart from
    /// a function or class starting exactly at `span.start` (the function itself).
    pub fn may_capture(&self, span: Span) -> bool {
        any_inside(&self.closures, span.start, span.end) || any_inside(&self.evals, span.start.wrapping_sub(1), span.end)
    }

    /// Whether a `with` statement lies in `span`.
    pub fn has_with(&self, span: Span) -> bool {
        any_inside(&self.withs, span.start.wrapping_sub(1), span.end)
    }
}

impl Vm {
    /// Stores `src` as a code cell.
    pub fn new_code(&mut self, src: &str, flags: u64) -> JsResult<Value> {
        let len = src.len();
        let off = self.alloc_cell(24 + len as u64, header(kind::CODE, 0, 0, len as u32))?;
        self.set_word(off, 1, Value::int(flags));
        self.heap.bytes_mut(off + 24, len).copy_from_slice(src.as_bytes());
        Ok(Value::cell(off))
    }

    pub fn code_text(&self, code: Value) -> &str {
        let len = self.cell_len(code.off());
        std::str::from_utf8(self.heap.bytes(code.off() + 24, len)).unwrap_or("")
    }

    /// The parsed form of a code cell (from the cache, or parsed again from its text).
    pub fn code_info(&mut self, code: Value) -> JsResult<Rc<CodeInfo>> {
        if let Some(ci) = self.code_cache.get(&code.off()) {
            return Ok(ci.clone());
        }
        let flags = self.word(code.off(), 1).payload();
        let src: Rc<str> = Rc::from(self.code_text(code));
        let opts = parse_options(flags);
        let program = match crate::parse_with_options(&src, &opts) {
            Ok(p) => p,
            Err(e) => return Err(self.throw_syntax(&format!("stored code no longer parses: {}", e.message))),
        };
        let ci = Rc::new(CodeInfo::new(src, program));
        self.code_cache.insert(code.off(), ci.clone());
        Ok(ci)
    }

    pub fn cache_code(&mut self, code: Value, ci: Rc<CodeInfo>) {
        self.code_cache.insert(code.off(), ci);
    }

    /// The atom for an identifier of `ci`.
    #[inline]
    pub fn atom_of(&mut self, _ci: &CodeInfo, name: &Atom) -> JsResult<Value> {
        let (epoch, bits) = name.cache().get();
        if epoch == self.ic_epoch {
            return Ok(Value(bits));
        }
        let v = self.intern_str(name)?;
        name.cache().set((self.ic_epoch, v.0));
        Ok(v)
    }

    pub fn clear_atom_caches(&mut self) {
        self.ic_epoch = crate::vm::next_epoch();
        for ci in self.code_cache.values() {
            ci.atoms.borrow_mut().clear();
            ci.descs.borrow_mut().clear();
            ci.scopes.borrow_mut().clear();
            ci.blocks.borrow_mut().clear();
        }
    }

    #[allow(dead_code)]
    fn code_flags(&self, code: Value) -> u64 {
        self.heap.read(PPtr::<u64>::from_offset(code.off() + 8)) & 0xFFFF_FFFF
    }
}

/// Collects every function and class of a tree.
struct Walker {
    funcs: HashMap<u32, Rc<Function>>,
    classes: HashMap<u32, Rc<Class>>,
    evals: Vec<u32>,
    withs: Vec<u32>,
}

impl Walker {
    fn func(&mut self, f: &Rc<Function>) {
        self.funcs.insert(f.span.start, f.clone());
        for p in &f.params {
            self.elem(p);
        }
        if let Some(r) = &f.rest {
            self.pat(r);
        }
        match &f.body {
            FunctionBody::Block(b) => self.stmts(b),
            FunctionBody::Expr(e) => self.expr(e),
        }
    }
    fn class(&mut self, c: &Rc<Class>) {
        self.classes.insert(c.span.start, c.clone());
        if let Some(h) = &c.heritage {
            self.expr(h);
        }
        if let Some(k) = &c.constructor {
            self.func(k);
        }
        for m in &c.members {
            self.key(&m.key);
            match &m.kind {
                ClassMemberKind::Method(f) | ClassMemberKind::Getter(f) | ClassMemberKind::Setter(f) => self.func(f),
                ClassMemberKind::Field(Some(e)) => self.expr(e),
                ClassMemberKind::Field(None) => {}
            }
        }
    }
    fn stmts(&mut self, ss: &[Stmt]) {
        for s in ss {
            self.stmt(s);
        }
    }
    fn vardecl(&mut self, v: &VarDecl) {
        for d in &v.decls {
            self.pat(&d.target);
            if let Some(e) = &d.init {
                self.expr(e);
            }
        }
    }
    fn stmt(&mut self, s: &Stmt) {
        match &s.kind {
            StmtKind::Expr(e) | StmtKind::Throw(e) => self.expr(e),
            StmtKind::Var(v) => self.vardecl(v),
            StmtKind::Function(f) => self.func(f),
            StmtKind::Class(c) => self.class(c),
            StmtKind::Block(b, _) => self.stmts(b),
            StmtKind::Empty | StmtKind::Debugger | StmtKind::Continue(_) | StmtKind::Break(_) => {}
            StmtKind::If(c, a, b) => {
                self.expr(c);
                self.stmt(a);
                if let Some(b) = b {
                    self.stmt(b);
                }
            }
            StmtKind::For { init, test, update, body } => {
                match init {
                    Some(ForInit::Var(v)) => self.vardecl(v),
                    Some(ForInit::Expr(e)) => self.expr(e),
                    None => {}
                }
                if let Some(e) = test {
                    self.expr(e);
                }
                if let Some(e) = update {
                    self.expr(e);
                }
                self.stmt(body);
            }
            StmtKind::ForIn { left, right, body } | StmtKind::ForOf { left, right, body } | StmtKind::ForAwait { left, right, body } => {
                match left {
                    ForHead::Var(v) => self.vardecl(v),
                    ForHead::Pattern(p) => self.pat(p),
                }
                self.expr(right);
                self.stmt(body);
            }
            StmtKind::While(e, b) | StmtKind::DoWhile(b, e) => {
                self.expr(e);
                self.stmt(b);
            }
            StmtKind::With(e, b) => {
                self.withs.push(s.span.start);
                self.expr(e);
                self.stmt(b);
            }
            StmtKind::Return(e) => {
                if let Some(e) = e {
                    self.expr(e);
                }
            }
            StmtKind::Try { block, handler, finalizer } => {
                self.stmts(block);
                if let Some(h) = handler {
                    if let Some(p) = &h.param {
                        self.pat(p);
                    }
                    self.stmts(&h.body);
                }
                if let Some(f) = finalizer {
                    self.stmts(f);
                }
            }
            StmtKind::Switch(e, cases) => {
                self.expr(e);
                for c in cases {
                    if let Some(t) = &c.test {
                        self.expr(t);
                    }
                    self.stmts(&c.body);
                }
            }
            StmtKind::Labeled(_, b) => self.stmt(b),
        }
    }
    fn key(&mut self, k: &PropKey) {
        if let PropKey::Computed(e) = k {
            self.expr(e);
        }
    }
    fn elem(&mut self, e: &PatElem) {
        self.pat(&e.target);
        if let Some(i) = &e.init {
            self.expr(i);
        }
    }
    fn pat(&mut self, p: &Pattern) {
        match p {
            Pattern::Ident(..) => {}
            Pattern::Expr(e) => self.expr(e),
            Pattern::Object { props, rest, .. } => {
                for pp in props {
                    self.key(&pp.key);
                    self.elem(&pp.value);
                }
                if let Some(r) = rest {
                    self.pat(r);
                }
            }
            Pattern::Array { elems, rest, .. } => {
                for e in elems.iter().flatten() {
                    self.elem(e);
                }
                if let Some(r) = rest {
                    self.pat(r);
                }
            }
        }
    }
    fn template(&mut self, t: &Template) {
        for e in &t.exprs {
            self.expr(e);
        }
    }
    fn expr(&mut self, e: &Expr) {
        match &e.kind {
            ExprKind::Num(_) | ExprKind::BigInt(_) | ExprKind::Str(_) | ExprKind::Regex { .. } | ExprKind::Null | ExprKind::Bool(_) => {}
            ExprKind::Ident(..) | ExprKind::This | ExprKind::NewTarget => {}
            ExprKind::Template(t) => self.template(t),
            ExprKind::TaggedTemplate(f, t) => {
                self.expr(f);
                self.template(t);
            }
            ExprKind::Array(items) => {
                for i in items.iter().flatten() {
                    self.expr(i);
                }
            }
            ExprKind::Object(props) => {
                for p in props {
                    match p {
                        Property::Init(k, v) => {
                            self.key(k);
                            self.expr(v);
                        }
                        Property::Proto(v) | Property::Spread(v) => self.expr(v),
                        Property::Method(k, f) | Property::Getter(k, f) | Property::Setter(k, f) => {
                            self.key(k);
                            self.func(f);
                        }
                        Property::CoverInit(_, _, v) => self.expr(v),
                    }
                }
            }
            ExprKind::Function(f) | ExprKind::Arrow(f) => self.func(f),
            ExprKind::Class(c) => self.class(c),
            ExprKind::Unary(_, a) | ExprKind::Spread(a) | ExprKind::OptionalChain(a) | ExprKind::Paren(a) | ExprKind::Await(a) => self.expr(a),
            ExprKind::Yield { arg, .. } => {
                if let Some(a) = arg {
                    self.expr(a);
                }
            }
            ExprKind::Update { target, .. } => self.expr(target),
            ExprKind::Binary(_, a, b) | ExprKind::Logical(_, a, b) => {
                self.expr(a);
                self.expr(b);
            }
            ExprKind::Assign { target, value, .. } => {
                self.pat(target);
                self.expr(value);
            }
            ExprKind::Cond(a, b, c) => {
                self.expr(a);
                self.expr(b);
                self.expr(c);
            }
            ExprKind::Call { callee, args, .. } | ExprKind::New { callee, args } => {
                if matches!(&callee.kind, ExprKind::Ident(n, _) if &**n == "eval") {
                    self.evals.push(e.span.start);
                }
                self.expr(callee);
                for a in args {
                    self.expr(a);
                }
            }
            ExprKind::Member { object, prop, .. } => {
                self.expr(object);
                if let MemberProp::Computed(p) = prop {
                    self.expr(p);
                }
            }
            ExprKind::SuperMember(p) => {
                if let MemberProp::Computed(p) = p {
                    self.expr(p);
                }
            }
            ExprKind::SuperCall(args) => {
                for a in args {
                    self.expr(a);
                }
            }
            ExprKind::Seq(es) => {
                for e in es {
                    self.expr(e);
                }
            }
        }
    }
}
