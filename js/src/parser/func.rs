//! Functions, arrows, methods, classes and patterns.

use std::rc::Rc;

use super::{FnCtx, PResult, Parser};
use crate::ast::*;
use crate::lexer::{Kw, T};

/// What kind of function body context to create.
#[derive(Clone, Copy)]
pub(crate) struct FnFlags {
    pub kind: FunctionKind,
    pub super_prop: bool,
    pub super_call: bool,
    pub generator: bool,
    pub is_async: bool,
}

/// Whether a parameter list binds the name `await`.
pub(crate) fn binds_await(params: &[PatElem], rest: &Option<Box<Pattern>>) -> bool {
    let mut names = Vec::new();
    for p in params {
        p.target.bound_names(&mut names);
    }
    if let Some(r) = rest {
        r.bound_names(&mut names);
    }
    names.iter().any(|n| &**n == "await")
}

impl<'a> Parser<'a> {
    // ------------------------------------------------------------ patterns

    /// BindingIdentifier or BindingPattern (no default).
    pub(crate) fn parse_binding_target(&mut self) -> PResult<Pattern> {
        self.enter()?;
        let r = self.parse_binding_target2();
        self.leave();
        r
    }

    fn parse_binding_ident(&mut self) -> PResult<Pattern> {
        if self.tok.kind != T::Name {
            return Err(self.unexpected());
        }
        let start = self.tok.start;
        let name = self.tok_atom();
        self.check_binding_ident(&name, start)?;
        self.next()?;
        Ok(Pattern::ident(name, self.span_from(start)))
    }

    fn parse_binding_target2(&mut self) -> PResult<Pattern> {
        let start = self.tok.start;
        match self.tok.kind {
            T::Name => self.parse_binding_ident(),
            T::LBracket => {
                self.next()?;
                let mut elems = Vec::new();
                let mut rest = None;
                while !self.at(T::RBracket) {
                    if self.at(T::Comma) {
                        self.next()?;
                        elems.push(None);
                        continue;
                    }
                    if self.at(T::Ellipsis) {
                        self.next()?;
                        rest = Some(Box::new(self.parse_binding_target()?));
                        if !self.at(T::RBracket) {
                            return Err(self.err(self.tok.start, "Rest element must be last element"));
                        }
                        break;
                    }
                    elems.push(Some(self.parse_binding_element()?));
                    if !self.at(T::RBracket) {
                        self.expect(T::Comma)?;
                    }
                }
                self.next()?;
                Ok(Pattern::Array { elems, rest, span: self.span_from(start) })
            }
            T::LBrace => {
                self.next()?;
                let mut props = Vec::new();
                let mut rest = None;
                while !self.at(T::RBrace) {
                    if self.at(T::Ellipsis) {
                        self.next()?;
                        rest = Some(Box::new(self.parse_binding_ident()?));
                        if !self.at(T::RBrace) {
                            return Err(self.err(self.tok.start, "Rest element must be last element"));
                        }
                        break;
                    }
                    let t = self.tok;
                    let key = self.parse_property_name()?;
                    if self.eat(T::Colon)? {
                        let value = self.parse_binding_element()?;
                        props.push(PatProp { key, value });
                    } else {
                        let name = match (&key, t.kind) {
                            (PropKey::Ident(n), T::Name) => n.clone(),
                            _ => return Err(self.unexpected()),
                        };
                        self.check_binding_ident(&name, t.start)?;
                        let target = Pattern::ident(name, Span::new(t.start, t.end));
                        let init = if self.eat(T::Assign)? { Some(self.with_in(|p| p.parse_assignment())?) } else { None };
                        props.push(PatProp { key, value: PatElem { target, init } });
                    }
                    if !self.at(T::RBrace) {
                        self.expect(T::Comma)?;
                    }
                }
                self.next()?;
                Ok(Pattern::Object { props, rest, span: self.span_from(start) })
            }
            _ => Err(self.unexpected()),
        }
    }

    pub(crate) fn parse_binding_element(&mut self) -> PResult<PatElem> {
        let target = self.parse_binding_target()?;
        let init = if self.eat(T::Assign)? { Some(self.with_in(|p| p.parse_assignment())?) } else { None };
        Ok(PatElem { target, init })
    }

    /// Reinterprets an expression as an assignment pattern (`binding == false`) or
    /// a binding pattern (`binding == true`, for arrow parameters).
    pub(crate) fn expr_to_pattern(&mut self, e: Expr, binding: bool) -> PResult<Pattern> {
        let span = e.span;
        match e.kind {
            ExprKind::Ident(n, _) => {
                if binding {
                    self.check_binding_ident(&n, span.start)?;
                } else if self.strict() && (&*n == "eval" || &*n == "arguments") {
                    return Err(self.err(span.start, "Unexpected eval or arguments in strict mode"));
                }
                Ok(Pattern::ident(n, span))
            }
            ExprKind::Member { optional: false, .. } | ExprKind::SuperMember(_) if !binding => Ok(Pattern::Expr(Box::new(e))),
            ExprKind::Paren(inner) if !binding => {
                let mut x = *inner;
                while let ExprKind::Paren(i) = x.kind {
                    x = *i;
                }
                match x.kind {
                    ExprKind::Ident(..) | ExprKind::Member { optional: false, .. } | ExprKind::SuperMember(_) => self.expr_to_pattern(x, false),
                    _ => Err(self.err(span.start, "Invalid destructuring assignment target")),
                }
            }
            ExprKind::Object(props) => {
                let has_spread_comma = self.spread_comma.contains(&span.start);
                let mut out = Vec::new();
                let mut rest = None;
                let n = props.len();
                for (i, p) in props.into_iter().enumerate() {
                    match p {
                        Property::Init(key, value) => {
                            let value = self.expr_to_elem(value, binding)?;
                            out.push(PatProp { key, value });
                        }
                        Property::Proto(value) => {
                            let value = self.expr_to_elem(value, binding)?;
                            out.push(PatProp { key: PropKey::Ident(self.atom("__proto__")), value });
                        }
                        Property::CoverInit(name, s, init) => {
                            if binding {
                                self.check_binding_ident(&name, s.start)?;
                            } else if self.strict() && (&*name == "eval" || &*name == "arguments") {
                                return Err(self.err(s.start, "Unexpected eval or arguments in strict mode"));
                            }
                            out.push(PatProp { key: PropKey::Ident(name.clone()), value: PatElem { target: Pattern::ident(name, s), init: Some(*init) } });
                        }
                        Property::Spread(x) => {
                            if i + 1 != n || has_spread_comma {
                                return Err(self.err(x.span.start, "Rest element must be last element"));
                            }
                            let ok = match &x.kind {
                                ExprKind::Ident(..) => true,
                                ExprKind::Member { .. } | ExprKind::SuperMember(_) | ExprKind::Paren(_) => !binding,
                                _ => false,
                            };
                            if !ok {
                                return Err(self.err(x.span.start, "`...` must be followed by an assignable reference in assignment contexts"));
                            }
                            rest = Some(Box::new(self.expr_to_pattern(x, binding)?));
                        }
                        Property::Method(..) | Property::Getter(..) | Property::Setter(..) => {
                            return Err(self.err(span.start, "Invalid destructuring assignment target"));
                        }
                    }
                }
                Ok(Pattern::Object { props: out, rest, span })
            }
            ExprKind::Array(elems) => {
                let has_spread_comma = self.spread_comma.contains(&span.start);
                let mut out = Vec::new();
                let mut rest = None;
                let n = elems.len();
                for (i, el) in elems.into_iter().enumerate() {
                    match el {
                        None => out.push(None),
                        Some(Expr { kind: ExprKind::Spread(x), span: s }) => {
                            if i + 1 != n || has_spread_comma {
                                return Err(self.err(s.start, "Rest element must be last element"));
                            }
                            if matches!(x.kind, ExprKind::Assign { .. }) {
                                return Err(self.err(s.start, "Rest element may not have a default initializer"));
                            }
                            rest = Some(Box::new(self.expr_to_pattern(*x, binding)?));
                        }
                        Some(x) => out.push(Some(self.expr_to_elem(x, binding)?)),
                    }
                }
                Ok(Pattern::Array { elems: out, rest, span })
            }
            _ => Err(self.err(span.start, if binding { "Invalid destructuring target" } else { "Invalid destructuring assignment target" })),
        }
    }

    fn expr_to_elem(&mut self, e: Expr, binding: bool) -> PResult<PatElem> {
        match e.kind {
            ExprKind::Assign { op: AssignOp::Assign, target, value } => {
                if binding {
                    self.validate_binding(&target)?;
                }
                Ok(PatElem { target: *target, init: Some(*value) })
            }
            _ => Ok(PatElem { target: self.expr_to_pattern(e, binding)?, init: None }),
        }
    }

    /// Checks that an (assignment-converted) pattern is a valid binding pattern.
    fn validate_binding(&self, p: &Pattern) -> PResult<()> {
        match p {
            Pattern::Ident(n, s, _) => self.check_binding_ident(n, s.start),
            Pattern::Expr(e) => Err(self.err(e.span.start, "Invalid destructuring target")),
            Pattern::Object { props, rest, .. } => {
                for pp in props {
                    self.validate_binding(&pp.value.target)?;
                }
                if let Some(r) = rest {
                    self.validate_binding(r)?;
                }
                Ok(())
            }
            Pattern::Array { elems, rest, .. } => {
                for e in elems.iter().flatten() {
                    self.validate_binding(&e.target)?;
                }
                if let Some(r) = rest {
                    self.validate_binding(r)?;
                }
                Ok(())
            }
        }
    }

    pub(crate) fn expr_to_param(&mut self, e: Expr) -> PResult<PatElem> {
        self.expr_to_elem(e, true)
    }

    // ------------------------------------------------------------ functions

    fn new_ctx(&self, flags: FnFlags) -> FnCtx {
        let arrow = flags.kind == FunctionKind::Arrow;
        FnCtx {
            strict: self.ctx.strict,
            in_function: true,
            allow_new_target: if arrow { self.ctx.allow_new_target } else { true },
            allow_super_prop: if arrow { self.ctx.allow_super_prop } else { flags.super_prop },
            allow_super_call: if arrow { self.ctx.allow_super_call } else { flags.super_call },
            in_field_init: if arrow { self.ctx.in_field_init } else { false },
            generator: flags.generator && !arrow,
            is_async: flags.is_async,
            scope_base: self.scopes.len(),
            ..Default::default()
        }
    }

    /// Parses `(params) { body }` and builds the function. `start` is where the
    /// function's source text begins.
    pub(crate) fn parse_function_rest(&mut self, start: u32, name: Option<(Atom, u32)>, flags: FnFlags) -> PResult<Rc<Function>> {
        self.enter()?;
        let new_ctx = self.new_ctx(flags);
        let outer = std::mem::replace(&mut self.ctx, new_ctx);
        let saved_in = std::mem::replace(&mut self.no_in, false);
        let saved_cover = self.cover_err.take();
        self.push_scope(true);
        let r = self.parse_function_inner(start, name.clone(), flags);
        let sc = self.pop_scope();
        self.no_in = saved_in;
        self.cover_err = saved_cover;
        let inner = std::mem::replace(&mut self.ctx, outer);
        self.leave();
        let (params, rest, body, simple) = r?;
        let mut f = self.finish_function(start, None, flags.kind, params, rest, FunctionBody::Block(body), simple, inner, name_atom(&name));
        f.scope.lexical_names = sc.top_lexical;
        Ok(Rc::new(f))
    }

    #[allow(clippy::type_complexity)]
    fn parse_function_inner(&mut self, start: u32, name: Option<(Atom, u32)>, flags: FnFlags) -> PResult<(Vec<PatElem>, Option<Box<Pattern>>, Vec<Stmt>, bool)> {
        let _ = start;
        self.expect(T::LParen)?;
        let mut params = Vec::new();
        let mut rest = None;
        self.ctx.in_params = true;
        let r = self.parse_formal_list(&mut params, &mut rest);
        self.ctx.in_params = false;
        r?;
        self.finish_params(start, name, flags, params, rest)
    }

    fn parse_formal_list(&mut self, params: &mut Vec<PatElem>, rest: &mut Option<Box<Pattern>>) -> PResult<()> {
        while !self.at(T::RParen) {
            if self.at(T::Ellipsis) {
                self.next()?;
                *rest = Some(Box::new(self.parse_binding_target()?));
                if !self.at(T::RParen) {
                    return Err(self.err(self.tok.start, "Rest parameter must be last formal parameter"));
                }
                break;
            }
            params.push(self.parse_binding_element()?);
            if !self.at(T::RParen) {
                self.expect(T::Comma)?;
            }
        }
        self.next()
    }

    #[allow(clippy::type_complexity)]
    fn finish_params(&mut self, start: u32, name: Option<(Atom, u32)>, flags: FnFlags, params: Vec<PatElem>, rest: Option<Box<Pattern>>) -> PResult<(Vec<PatElem>, Option<Box<Pattern>>, Vec<Stmt>, bool)> {
        match flags.kind {
            FunctionKind::Getter if !params.is_empty() || rest.is_some() => {
                return Err(self.err(start, "Getter must not have any formal parameters."));
            }
            FunctionKind::Setter if params.len() != 1 || rest.is_some() => {
                return Err(self.err(start, "Setter must have exactly one formal parameter."));
            }
            _ => {}
        }
        let simple = rest.is_none() && params.iter().all(|p| p.init.is_none() && matches!(p.target, Pattern::Ident(..)));
        let unique_required = !simple || !matches!(flags.kind, FunctionKind::Declaration | FunctionKind::Expression);
        self.declare_params(&params, &rest, unique_required)?;
        self.expect_body_open()?;
        let was_strict = self.ctx.strict;
        let mut check = |p: &mut Self, at: u32| -> PResult<()> {
            if !simple {
                return Err(p.err(at, "Illegal 'use strict' directive in function with non-simple parameter list"));
            }
            Ok(())
        };
        let body = self.parse_body(T::RBrace, Some(&mut check))?;
        if self.ctx.strict && !was_strict {
            // retroactively apply strict-mode rules to the name and parameters
            if let Some((n, at)) = &name {
                self.check_binding_ident_strict(n, *at, true)?;
            }
            for p in &params {
                self.check_pattern_strict(&p.target)?;
            }
            if let Some(r) = &rest {
                self.check_pattern_strict(r)?;
            }
            self.declare_params_check_dups(&params, &rest)?;
        }
        self.next()?; // `}`
        Ok((params, rest, body, simple))
    }

    fn expect_body_open(&mut self) -> PResult<()> {
        if !self.at(T::LBrace) {
            return Err(self.unexpected());
        }
        self.next()
    }

    fn declare_params(&mut self, params: &[PatElem], rest: &Option<Box<Pattern>>, unique: bool) -> PResult<()> {
        let mut names = Vec::new();
        for p in params {
            p.target.bound_names(&mut names);
        }
        if let Some(r) = rest {
            r.bound_names(&mut names);
        }
        if unique || self.ctx.strict {
            for (i, n) in names.iter().enumerate() {
                if names[..i].contains(n) {
                    return Err(self.err(self.prev_end, format!("Duplicate parameter name '{}' not allowed in this context", n)));
                }
            }
        }
        self.scopes.last_mut().unwrap().params = names;
        Ok(())
    }

    fn declare_params_check_dups(&mut self, _params: &[PatElem], _rest: &Option<Box<Pattern>>) -> PResult<()> {
        let names = &self.scopes.last().unwrap().params;
        for (i, n) in names.iter().enumerate() {
            if names[..i].contains(n) {
                return Err(self.err(self.prev_end, format!("Duplicate parameter name '{}' not allowed in this context", n)));
            }
        }
        Ok(())
    }

    #[allow(clippy::too_many_arguments)]
    fn finish_function(
        &mut self,
        start: u32,
        end: Option<u32>,
        kind: FunctionKind,
        params: Vec<PatElem>,
        rest: Option<Box<Pattern>>,
        body: FunctionBody,
        simple: bool,
        inner: FnCtx,
        name: Option<Atom>,
    ) -> Function {
        let scope = self.scopes.len();
        let _ = scope;
        let mut param_names = Vec::new();
        for p in &params {
            p.target.bound_names(&mut param_names);
        }
        if let Some(r) = &rest {
            r.bound_names(&mut param_names);
        }
        if kind == FunctionKind::Arrow {
            // arrows see the enclosing function's arguments/this/super/eval
            self.ctx.uses_arguments |= inner.uses_arguments;
            self.ctx.has_direct_eval |= inner.has_direct_eval;
            self.ctx.uses_this |= inner.uses_this;
            self.ctx.uses_super_prop |= inner.uses_super_prop;
        }
        if inner.has_direct_eval {
            // eval may reference anything from enclosing scopes
            self.ctx.has_direct_eval |= false;
        }
        let mut suspends = inner.suspends;
        suspends.sort_unstable();
        Function {
            name,
            kind,
            is_generator: inner.generator,
            is_async: inner.is_async,
            suspends,
            params,
            rest,
            body,
            span: Span::new(start, end.unwrap_or(self.prev_end)),
            strict: inner.strict,
            simple_params: simple,
            param_names,
            has_home_object: inner.allow_super_prop && kind != FunctionKind::Arrow,
            uses_super_property: inner.uses_super_prop,
            scope: ScopeInfo {
                var_names: inner.var_names,
                lexical_names: Vec::new(),
                uses_arguments: inner.uses_arguments,
                has_direct_eval: inner.has_direct_eval,
                uses_this: inner.uses_this,
            },
            entry: IdCache::default(),
        }
    }

    fn fn_name(&mut self, required: bool) -> PResult<Option<(Atom, u32)>> {
        if self.tok.kind == T::Name {
            let at = self.tok.start;
            let n = self.tok_atom();
            self.check_binding_ident(&n, at)?;
            self.next()?;
            Ok(Some((n, at)))
        } else if required {
            Err(self.unexpected())
        } else {
            Ok(None)
        }
    }

    pub(crate) fn parse_function_declaration(&mut self, annex_b: bool) -> PResult<Stmt> {
        self.parse_function_declaration_at(self.tok.start, false, annex_b)
    }

    /// `[async] function [*] name (...) {...}`; the current token is `function`.
    pub(crate) fn parse_function_declaration_at(&mut self, start: u32, is_async: bool, annex_b: bool) -> PResult<Stmt> {
        self.next()?; // function
        let generator = self.eat(T::Star)?;
        if (generator || is_async) && annex_b {
            return Err(self.err(start, "Generators and async functions can only be declared at top level or inside a block"));
        }
        let name = self.fn_name(true)?;
        let (n, at) = name.clone().unwrap();
        // top level of a function/script: var-scoped; in blocks: lexical
        let at_top = self.scopes.last().map(|s| s.is_function).unwrap_or(true);
        if at_top && !annex_b {
            self.declare_var_kind(&n, at, true)?;
        } else {
            self.ctx.decl_special = generator || is_async;
            let r = self.declare_lex(&n, DeclKind::Function, at);
            self.ctx.decl_special = false;
            r?;
        }
        let f = self.parse_function_rest(start, name, FnFlags { kind: FunctionKind::Declaration, super_prop: false, super_call: false, generator, is_async })?;
        let mut f = f;
        if let Some(fm) = Rc::get_mut(&mut f) {
            fm.scope.lexical_names = std::mem::take(&mut fm.scope.lexical_names);
        }
        Ok(Stmt { span: f.span, kind: StmtKind::Function(f) })
    }

    pub(crate) fn parse_function_expression(&mut self, start: u32, is_async: bool) -> PResult<Rc<Function>> {
        self.next()?;
        let generator = self.eat(T::Star)?;
        // the name of a function expression is bound inside it: its own yield/await rules apply
        let (sg, sa) = (self.ctx.generator, self.ctx.is_async);
        self.ctx.generator = generator;
        self.ctx.is_async = is_async;
        let name = self.fn_name(false);
        self.ctx.generator = sg;
        self.ctx.is_async = sa;
        let name = name?;
        self.parse_function_rest(start, name, FnFlags { kind: FunctionKind::Expression, super_prop: false, super_call: false, generator, is_async })
    }

    /// Method / getter / setter / constructor: at `(`.
    pub(crate) fn parse_method(&mut self, start: u32, kind: FunctionKind, derived_ctor: bool, name: Option<Atom>) -> PResult<Rc<Function>> {
        self.parse_method_ext(start, kind, derived_ctor, name, false, false)
    }

    pub(crate) fn parse_method_ext(&mut self, start: u32, kind: FunctionKind, derived_ctor: bool, name: Option<Atom>, generator: bool, is_async: bool) -> PResult<Rc<Function>> {
        let flags = FnFlags { kind, super_prop: true, super_call: derived_ctor, generator, is_async };
        let mut f = self.parse_function_rest(start, None, flags)?;
        if let Some(fm) = Rc::get_mut(&mut f) {
            fm.name = name;
        }
        Ok(f)
    }

    /// Arrow function after the parameters; the current token is `=>`.
    pub(crate) fn parse_arrow_rest(&mut self, start: u32, params: Vec<PatElem>, rest: Option<Box<Pattern>>) -> PResult<Rc<Function>> {
        self.parse_arrow_rest_ext(start, params, rest, false)
    }

    pub(crate) fn parse_arrow_rest_ext(&mut self, start: u32, params: Vec<PatElem>, rest: Option<Box<Pattern>>, is_async: bool) -> PResult<Rc<Function>> {
        if self.ctx.suspends.iter().any(|&p| p >= start && p < self.tok.start) {
            return Err(self.err(start, "Yield/await expressions are not allowed in arrow function parameters"));
        }
        if !is_async && binds_await(&params, &rest) {
            self.ctx.await_param_arrows.push(start);
        }
        self.next()?; // =>
        self.enter()?;
        let flags = FnFlags { kind: FunctionKind::Arrow, super_prop: false, super_call: false, generator: false, is_async };
        let mut new_ctx = self.new_ctx(flags);
        // a direct eval in the parameters (parsed as the outer code's) is the arrow's too
        new_ctx.has_direct_eval = self.last_eval_at.is_some_and(|at| at >= start);
        let outer = std::mem::replace(&mut self.ctx, new_ctx);
        let saved_cover = self.cover_err.take();
        self.push_scope(true);
        let simple = rest.is_none() && params.iter().all(|p| p.init.is_none() && matches!(p.target, Pattern::Ident(..)));
        let r: PResult<FunctionBody> = (|| {
            self.declare_params(&params, &rest, true)?;
            if self.strict() {
                for p in &params {
                    self.check_pattern_strict(&p.target)?;
                }
            }
            if self.at(T::LBrace) {
                self.next()?;
                let saved_in = std::mem::replace(&mut self.no_in, false);
                let was_strict = self.ctx.strict;
                let mut check = |p: &mut Self, at: u32| -> PResult<()> {
                    if !simple {
                        return Err(p.err(at, "Illegal 'use strict' directive in function with non-simple parameter list"));
                    }
                    Ok(())
                };
                let body = self.parse_body(T::RBrace, Some(&mut check));
                self.no_in = saved_in;
                let body = body?;
                if self.ctx.strict && !was_strict {
                    for p in &params {
                        self.check_pattern_strict(&p.target)?;
                    }
                    if let Some(r) = &rest {
                        self.check_pattern_strict(r)?;
                    }
                }
                self.next()?;
                Ok(FunctionBody::Block(body))
            } else {
                let e = self.parse_assignment()?;
                Ok(FunctionBody::Expr(Box::new(e)))
            }
        })();
        let sc = self.pop_scope();
        self.cover_err = saved_cover;
        let inner = std::mem::replace(&mut self.ctx, outer);
        self.leave();
        let body = r?;
        let mut f = self.finish_function(start, None, FunctionKind::Arrow, params, rest, body, simple, inner, None);
        f.scope.lexical_names = sc.top_lexical;
        Ok(Rc::new(f))
    }

    // ------------------------------------------------------------ classes

    pub(crate) fn parse_class_declaration(&mut self) -> PResult<Stmt> {
        let c = self.parse_class(true)?;
        Ok(Stmt { span: c.span, kind: StmtKind::Class(Rc::new(c)) })
    }

    pub(crate) fn parse_class(&mut self, is_decl: bool) -> PResult<Class> {
        let start = self.tok.start;
        self.next()?; // class
        let saved_strict = self.ctx.strict;
        self.ctx.strict = true;
        let r = self.parse_class_inner(start, is_decl);
        self.ctx.strict = saved_strict;
        r
    }

    fn parse_class_inner(&mut self, start: u32, is_decl: bool) -> PResult<Class> {
        let mut name = None;
        if self.tok.kind == T::Name && !(self.tok.kw == Kw::Extends && !self.tok.escaped) {
            let at = self.tok.start;
            let n = self.tok_atom();
            self.check_binding_ident(&n, at)?;
            if &*n == "let" {
                return Err(self.err(at, "let is disallowed as a lexically bound name"));
            }
            self.next()?;
            if is_decl {
                self.declare_lex(&n, DeclKind::Class, at)?;
            }
            name = Some(n);
        } else if is_decl {
            return Err(self.unexpected());
        }
        let heritage = if self.is_kw(Kw::Extends) {
            self.next()?;
            self.enter()?;
            let h = self.parse_lhs();
            self.leave();
            Some(Box::new(h?))
        } else {
            None
        };
        let derived = heritage.is_some();
        self.expect(T::LBrace)?;
        let mut constructor = None;
        let mut members = Vec::new();
        while !self.at(T::RBrace) {
            if self.eat(T::Semi)? {
                continue;
            }
            let mstart = self.tok.start;
            let mut is_static = false;
            if self.is_name("static") {
                let p = self.peek()?;
                if !matches!(p.kind, T::LParen | T::Assign | T::Semi | T::RBrace) && !(p.nl_before && !matches!(p.kind, T::Name | T::Str | T::Num | T::LBracket | T::Star)) {
                    is_static = true;
                    self.next()?;
                    if self.at(T::LBrace) {
                        return Err(self.err(mstart, "class static blocks are not supported"));
                    }
                }
            }
            let kstart = self.tok.start;
            let mut generator = false;
            let mut is_async = false;
            let mut accessor = None;
            if self.is_name("get") || self.is_name("set") || self.is_name("async") {
                let p = self.peek()?;
                let is_acc = !matches!(p.kind, T::LParen | T::Assign | T::Semi | T::RBrace) && !(p.nl_before && p.kind == T::Star);
                if is_acc {
                    if self.is_name("async") {
                        if !p.nl_before {
                            is_async = true;
                            self.next()?;
                        }
                    } else {
                        accessor = Some(self.is_name("get"));
                        self.next()?;
                    }
                }
            }
            if self.at(T::Star) {
                generator = true;
                self.next()?;
            }
            let key_tok = self.tok;
            let key = self.parse_property_name()?;
            let is_named = |k: &PropKey, s: &str| match k {
                PropKey::Ident(n) => &**n == s,
                PropKey::Str(v) => v.iter().copied().eq(s.encode_utf16()),
                _ => false,
            };
            let _ = key_tok;
            if self.at(T::LParen) {
                let is_ctor = !is_static && is_named(&key, "constructor");
                if is_static && is_named(&key, "prototype") {
                    return Err(self.err(kstart, "Classes may not have a static property named 'prototype'"));
                }
                if let Some(is_get) = accessor {
                    if is_ctor {
                        return Err(self.err(kstart, "Class constructor may not be an accessor"));
                    }
                    let kind = if is_get { FunctionKind::Getter } else { FunctionKind::Setter };
                    let f = self.parse_method(kstart, kind, false, super::expr::key_name(&key))?;
                    let kind = if is_get { ClassMemberKind::Getter(f) } else { ClassMemberKind::Setter(f) };
                    members.push(ClassMember { is_static, key, kind, span: self.span_from(mstart) });
                } else if is_ctor {
                    if generator || is_async {
                        return Err(self.err(kstart, "Class constructor may not be a generator or async method"));
                    }
                    if constructor.is_some() {
                        return Err(self.err(kstart, "A class may only have one constructor"));
                    }
                    let f = self.parse_method(kstart, FunctionKind::ClassConstructor { derived }, derived, name.clone())?;
                    constructor = Some(f);
                } else {
                    let f = self.parse_method_ext(kstart, FunctionKind::Method, false, super::expr::key_name(&key), generator, is_async)?;
                    members.push(ClassMember { is_static, key, kind: ClassMemberKind::Method(f), span: self.span_from(mstart) });
                }
            } else {
                if accessor.is_some() || generator || is_async {
                    return Err(self.unexpected());
                }
                // field
                if is_named(&key, "constructor") || (is_static && is_named(&key, "prototype")) {
                    return Err(self.err(kstart, "Classes may not have a field named 'constructor' (or a static field named 'prototype')"));
                }
                let init = if self.eat(T::Assign)? {
                    let flags = FnFlags { kind: FunctionKind::Method, super_prop: true, super_call: false, generator: false, is_async: false };
                    let mut ctx = self.new_ctx(flags);
                    ctx.in_field_init = true;
                    ctx.in_function = false;
                    let outer = std::mem::replace(&mut self.ctx, ctx);
                    self.push_scope(true);
                    let e = self.with_in(|p| p.parse_assignment());
                    self.pop_scope();
                    self.ctx = outer;
                    Some(Box::new(e?))
                } else {
                    None
                };
                self.semicolon()?;
                members.push(ClassMember { is_static, key, kind: ClassMemberKind::Field(init), span: self.span_from(mstart) });
            }
        }
        self.next()?;
        Ok(Class { name, heritage, constructor, members, span: self.span_from(start) })
    }
}

fn name_atom(n: &Option<(Atom, u32)>) -> Option<Atom> {
    n.as_ref().map(|(a, _)| a.clone())
}
