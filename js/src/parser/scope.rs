//! Declaration bookkeeping and the early errors about names
//! (redeclarations, reserved words, `eval`/`arguments` in strict code).

use std::collections::{HashMap, HashSet};

use super::{PResult, Parser, Scope};
use crate::ast::*;
use crate::lexer::{keyword, Kw};

impl<'a> Parser<'a> {
    pub(crate) fn push_scope(&mut self, is_function: bool) {
        self.scopes.push(Scope {
            is_function,
            lex: HashMap::new(),
            vars: HashSet::new(),
            params: Vec::new(),
            catch_params: Vec::new(),
            catch_is_pattern: false,
            top_lexical: Vec::new(),
            special_fns: Default::default(),
        });
    }

    pub(crate) fn pop_scope(&mut self) -> Scope {
        self.scopes.pop().expect("scope stack underflow")
    }

    fn redeclared(&self, name: &str, at: u32) -> crate::error::SyntaxError {
        self.err(at, format!("Identifier '{}' has already been declared", name))
    }

    /// Declares a var-scoped name (var, or a top-level function declaration).
    pub(crate) fn declare_var(&mut self, name: &Atom, at: u32) -> PResult<()> {
        self.declare_var_kind(name, at, false)
    }

    pub(crate) fn declare_var_kind(&mut self, name: &Atom, at: u32, is_fn: bool) -> PResult<()> {
        let base = self.ctx.scope_base;
        let n = self.scopes.len();
        for i in (base..n).rev() {
            let sc = &self.scopes[i];
            if let Some(k) = sc.lex.get(name) {
                let _ = k;
                return Err(self.redeclared(name, at));
            }
            if !is_fn && sc.catch_is_pattern && sc.catch_params.iter().any(|p| p == name) {
                return Err(self.redeclared(name, at));
            }
        }
        for i in base..n {
            self.scopes[i].vars.insert(name.clone());
        }
        if self.ctx.var_set.insert(name.clone()) {
            self.ctx.var_names.push(name.clone());
        }
        Ok(())
    }

    /// Declares a lexically scoped name in the innermost scope.
    pub(crate) fn declare_lex(&mut self, name: &Atom, kind: DeclKind, at: u32) -> PResult<()> {
        let strict = self.ctx.strict;
        let sc = self.scopes.last().unwrap();
        let special = kind == DeclKind::Function && self.ctx.decl_special;
        if let Some(prev) = sc.lex.get(name) {
            // Annex B.3.3.4: duplicate (plain) function declarations in blocks (sloppy mode)
            let plain = !special && !sc.special_fns.contains(name);
            if !(kind == DeclKind::Function && *prev == DeclKind::Function && !strict && !sc.is_function && plain) {
                return Err(self.redeclared(name, at));
            }
        }
        if sc.vars.contains(name) || sc.params.iter().any(|p| p == name) || sc.catch_params.iter().any(|p| p == name) {
            return Err(self.redeclared(name, at));
        }
        let sc = self.scopes.last_mut().unwrap();
        if special {
            sc.special_fns.insert(name.clone());
        }
        if sc.lex.insert(name.clone(), kind).is_none() && sc.is_function {
            sc.top_lexical.push((name.clone(), kind));
        }
        Ok(())
    }

    /// Checks an identifier used as a reference.
    pub(crate) fn check_ident_ref(&self, name: &str, at: u32) -> PResult<()> {
        let kw = keyword(name);
        self.check_yield_await(kw, at)?;
        if kw.is_reserved() {
            return Err(self.err(at, format!("Unexpected reserved word '{}'", name)));
        }
        if self.ctx.strict && kw.is_strict_reserved() {
            return Err(self.err(at, format!("Unexpected strict mode reserved word '{}'", name)));
        }
        Ok(())
    }

    /// Checks an identifier being bound (declared or a parameter).
    pub(crate) fn check_binding_ident(&self, name: &str, at: u32) -> PResult<()> {
        self.check_binding_ident_strict(name, at, self.ctx.strict)
    }

    /// `yield` in a generator and `await` in an async function are operators, not names.
    fn check_yield_await(&self, kw: Kw, at: u32) -> PResult<()> {
        if kw == Kw::Yield && (self.ctx.generator || (self.ctx.in_params && self.ctx.generator)) {
            return Err(self.err(at, "Unexpected identifier 'yield' in a generator"));
        }
        if kw == Kw::Await && self.ctx.is_async {
            return Err(self.err(at, "Unexpected reserved word 'await' in an async function"));
        }
        Ok(())
    }

    pub(crate) fn check_binding_ident_strict(&self, name: &str, at: u32, strict: bool) -> PResult<()> {
        let kw = keyword(name);
        self.check_yield_await(kw, at)?;
        if kw.is_reserved() {
            return Err(self.err(at, format!("Unexpected reserved word '{}'", name)));
        }
        if strict {
            if kw.is_strict_reserved() {
                return Err(self.err(at, format!("Unexpected strict mode reserved word '{}'", name)));
            }
            if kw == Kw::Eval || kw == Kw::Arguments {
                return Err(self.err(at, format!("Unexpected eval or arguments in strict mode")));
            }
        }
        Ok(())
    }

    /// Checks all names bound by a pattern (used when a function body turns out strict).
    pub(crate) fn check_pattern_strict(&self, p: &Pattern) -> PResult<()> {
        match p {
            Pattern::Ident(n, s, _) => self.check_binding_ident_strict(n, s.start, true),
            Pattern::Expr(e) => Err(self.err(e.span.start, "Invalid destructuring target")),
            Pattern::Object { props, rest, .. } => {
                for pp in props {
                    self.check_pattern_strict(&pp.value.target)?;
                }
                if let Some(r) = rest {
                    self.check_pattern_strict(r)?;
                }
                Ok(())
            }
            Pattern::Array { elems, rest, .. } => {
                for e in elems.iter().flatten() {
                    self.check_pattern_strict(&e.target)?;
                }
                if let Some(r) = rest {
                    self.check_pattern_strict(r)?;
                }
                Ok(())
            }
        }
    }
}
