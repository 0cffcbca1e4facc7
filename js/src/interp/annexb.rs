//! Annex B.3.3: function declarations in blocks of sloppy code are also var-scoped.
//!
//! A sloppy function, script or eval body gets a `var F` for each function declaration `F`
//! in one of its blocks (or switch cases, or an `if` branch), unless a `var F` there would be
//! an early error: a lexical declaration of `F` in an enclosing block, loop head or the body's
//! top level, or a parameter named `F`. When such a declaration is evaluated, the function
//! object is copied from the block's binding to the var binding (see `Vm::annexb_copy`).
//! The analysis is static and done once per parsed code (volatile, like the parse).

use crate::ast::*;
use hashbrown::{HashMap, HashSet};

/// The key of the script or eval body itself in [`AnnexB::vars`].
pub const PROGRAM: u32 = u32::MAX;

#[derive(Default)]
pub struct AnnexB {
    /// Extra var names per body (a function's span start, or [`PROGRAM`]).
    pub vars: HashMap<u32, Vec<Atom>>,
    /// Span starts of the block-level function declarations that copy themselves out.
    pub decls: HashSet<u32>,
}

impl AnnexB {
    pub fn analyse(program: &Program, funcs: &HashMap<u32, std::rc::Rc<Function>>) -> AnnexB {
        let mut out = AnnexB::default();
        if !program.strict {
            let mut top = Vec::new();
            lexically_scoped_decls(&program.body, true, &mut top);
            let names = out.body(&program.body, &top, &[]);
            if !names.is_empty() {
                out.vars.insert(PROGRAM, names);
            }
        }
        for (start, f) in funcs {
            if f.strict {
                continue;
            }
            if let FunctionBody::Block(stmts) = &f.body {
                let names = out.body(stmts, &f.scope.lexical_names, &f.param_names);
                if !names.is_empty() {
                    out.vars.insert(*start, names);
                }
            }
        }
        out
    }

    fn body(&mut self, stmts: &[Stmt], top: &[(Atom, DeclKind)], params: &[Atom]) -> Vec<Atom> {
        let mut w = Walk { stack: vec![top.iter().map(|d| d.0.clone()).collect()], params, names: Vec::new(), decls: &mut self.decls };
        for s in stmts {
            w.stmt(s);
        }
        w.names
    }
}

struct Walk<'a> {
    /// Lexically declared names of the enclosing scopes, innermost last.
    stack: Vec<Vec<Atom>>,
    params: &'a [Atom],
    names: Vec<Atom>,
    decls: &'a mut HashSet<u32>,
}

impl Walk<'_> {
    /// A loop body, inside the scope of its head's `let`/`const` names (if any).
    fn loop_body(&mut self, decl: Option<&VarDecl>, body: &Stmt) {
        let mut head = Vec::new();
        if let Some(v) = decl.filter(|v| v.kind != VarKind::Var) {
            for d in &v.decls {
                d.target.bound_names(&mut head);
            }
        }
        self.stack.push(head);
        self.stmt(body);
        self.stack.pop();
    }

    fn stmt(&mut self, s: &Stmt) {
        match &s.kind {
            StmtKind::Block(b, _) => self.block(b),
            StmtKind::If(_, a, b) => {
                self.branch(a);
                if let Some(b) = b {
                    self.branch(b);
                }
            }
            StmtKind::For { init, body, .. } => {
                let decl = match init {
                    Some(ForInit::Var(v)) => Some(&**v),
                    _ => None,
                };
                self.loop_body(decl, body);
            }
            StmtKind::ForIn { left, body, .. } | StmtKind::ForOf { left, body, .. } => {
                let decl = match left {
                    ForHead::Var(v) => Some(&**v),
                    _ => None,
                };
                self.loop_body(decl, body);
            }
            StmtKind::While(_, b) | StmtKind::DoWhile(b, _) | StmtKind::With(_, b) | StmtKind::Labeled(_, b) => self.stmt(b),
            StmtKind::Try { block, handler, finalizer } => {
                self.block(block);
                if let Some(h) = handler {
                    // B.3.5: a `var` may redeclare a simple catch parameter, not a pattern's names
                    let mut names = Vec::new();
                    if let Some(p) = &h.param {
                        if !matches!(p, Pattern::Ident(..)) {
                            p.bound_names(&mut names);
                        }
                    }
                    self.stack.push(names);
                    self.block(&h.body);
                    self.stack.pop();
                }
                if let Some(f) = finalizer {
                    self.block(f);
                }
            }
            StmtKind::Switch(_, cases) => {
                let all: Vec<&Stmt> = cases.iter().flat_map(|c| c.body.iter()).collect();
                let mut lex = Vec::new();
                for c in cases {
                    lexically_scoped_decls(&c.body, false, &mut lex);
                }
                for s in &all {
                    self.candidate(s);
                }
                self.stack.push(lex.into_iter().map(|d| d.0).collect());
                for s in all {
                    self.stmt(s);
                }
                self.stack.pop();
            }
            _ => {}
        }
    }

    /// An `if` branch that is a bare function declaration (B.3.4) acts as a block of it.
    fn branch(&mut self, s: &Stmt) {
        if matches!(s.kind, StmtKind::Function(_)) {
            self.block(std::slice::from_ref(s));
        } else {
            self.stmt(s);
        }
    }

    fn block(&mut self, stmts: &[Stmt]) {
        for s in stmts {
            self.candidate(s);
        }
        let mut lex = Vec::new();
        lexically_scoped_decls(stmts, false, &mut lex);
        self.stack.push(lex.into_iter().map(|d| d.0).collect());
        for s in stmts {
            self.stmt(s);
        }
        self.stack.pop();
    }

    /// A function declaration directly in a block: hoisted unless `var F` would conflict.
    fn candidate(&mut self, s: &Stmt) {
        let StmtKind::Function(f) = &s.kind else { return };
        let Some(name) = &f.name else { return };
        if &**name == "arguments" || self.params.contains(name) || self.stack.iter().any(|l| l.contains(name)) {
            return;
        }
        self.decls.insert(f.span.start);
        if !self.names.contains(name) {
            self.names.push(name.clone());
        }
    }
}
