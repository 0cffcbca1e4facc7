//! Expressions.

use std::rc::Rc;

use super::{PResult, Parser};
use crate::ast::*;
use crate::lexer::{Kw, T};

fn binop(t: T, kw: Kw, escaped: bool, no_in: bool) -> Option<(u8, Result<BinOp, LogicalOp>)> {
    use BinOp::*;
    Some(match t {
        T::QQ => (1, Err(LogicalOp::Coalesce)),
        T::OrOr => (2, Err(LogicalOp::Or)),
        T::AndAnd => (3, Err(LogicalOp::And)),
        T::Pipe => (4, Ok(BitOr)),
        T::Caret => (5, Ok(BitXor)),
        T::Amp => (6, Ok(BitAnd)),
        T::EqEq => (7, Ok(Eq)),
        T::NotEq => (7, Ok(NotEq)),
        T::EqEqEq => (7, Ok(StrictEq)),
        T::NotEqEq => (7, Ok(StrictNotEq)),
        T::Lt => (8, Ok(Lt)),
        T::Gt => (8, Ok(Gt)),
        T::Le => (8, Ok(Le)),
        T::Ge => (8, Ok(Ge)),
        T::Name if kw == Kw::Instanceof && !escaped => (8, Ok(InstanceOf)),
        T::Name if kw == Kw::In && !escaped && !no_in => (8, Ok(In)),
        T::Shl => (9, Ok(Shl)),
        T::Shr => (9, Ok(Shr)),
        T::UShr => (9, Ok(UShr)),
        T::Plus => (10, Ok(Add)),
        T::Minus => (10, Ok(Sub)),
        T::Star => (11, Ok(Mul)),
        T::Slash => (11, Ok(Div)),
        T::Percent => (11, Ok(Mod)),
        T::StarStar => (12, Ok(Exp)),
        _ => return None,
    })
}

fn assign_op(t: T) -> Option<AssignOp> {
    use BinOp::*;
    Some(match t {
        T::Assign => AssignOp::Assign,
        T::PlusEq => AssignOp::Bin(Add),
        T::MinusEq => AssignOp::Bin(Sub),
        T::StarEq => AssignOp::Bin(Mul),
        T::SlashEq => AssignOp::Bin(Div),
        T::PercentEq => AssignOp::Bin(Mod),
        T::StarStarEq => AssignOp::Bin(Exp),
        T::ShlEq => AssignOp::Bin(Shl),
        T::ShrEq => AssignOp::Bin(Shr),
        T::UShrEq => AssignOp::Bin(UShr),
        T::AmpEq => AssignOp::Bin(BitAnd),
        T::PipeEq => AssignOp::Bin(BitOr),
        T::CaretEq => AssignOp::Bin(BitXor),
        T::AndAndEq => AssignOp::Logical(LogicalOp::And),
        T::OrOrEq => AssignOp::Logical(LogicalOp::Or),
        T::QQEq => AssignOp::Logical(LogicalOp::Coalesce),
        _ => return None,
    })
}

fn is_raw_arrow(e: &Expr) -> bool {
    matches!(e.kind, ExprKind::Arrow(_))
}

impl<'a> Parser<'a> {
    /// Expression (comma-separated), `in` allowed per `self.no_in`.
    pub(crate) fn parse_expression(&mut self) -> PResult<Expr> {
        let saved = self.cover_err.take();
        let e = self.parse_expression_cover()?;
        if let Some((at, m)) = self.cover_err.take() {
            return Err(self.err(at, m));
        }
        self.cover_err = saved;
        Ok(e)
    }

    /// Expression that may leave a pending cover error (the caller checks).
    pub(crate) fn parse_expression_cover(&mut self) -> PResult<Expr> {
        let start = self.tok.start;
        let first = self.parse_assign_inner()?;
        if !self.at(T::Comma) {
            return Ok(first);
        }
        let mut items = vec![first];
        while self.eat(T::Comma)? {
            items.push(self.parse_assignment()?);
        }
        // a sequence can never be a pattern
        if let Some((at, m)) = self.cover_err.take() {
            return Err(self.err(at, m));
        }
        Ok(Expr { span: self.span_from(start), kind: ExprKind::Seq(items) })
    }

    pub(crate) fn with_in<R>(&mut self, f: impl FnOnce(&mut Self) -> PResult<R>) -> PResult<R> {
        let saved = std::mem::replace(&mut self.no_in, false);
        let r = f(self);
        self.no_in = saved;
        r
    }

    /// AssignmentExpression; raises any pending cover-grammar error.
    pub(crate) fn parse_assignment(&mut self) -> PResult<Expr> {
        let saved = self.cover_err.take();
        let e = self.parse_assign_inner()?;
        if let Some((at, m)) = self.cover_err.take() {
            return Err(self.err(at, m));
        }
        self.cover_err = saved;
        Ok(e)
    }

    /// AssignmentExpression that may leave a pending cover error when the result
    /// is an object or array literal (it may still become a pattern).
    pub(crate) fn parse_assign_inner(&mut self) -> PResult<Expr> {
        self.enter()?;
        let r = self.parse_assign_inner2();
        self.leave();
        r
    }

    fn parse_yield(&mut self) -> PResult<Expr> {
        let start = self.tok.start;
        if self.ctx.in_params {
            return Err(self.err(start, "Yield expression not allowed in formal parameter"));
        }
        self.next()?;
        let mut delegate = false;
        let mut arg = None;
        if !self.tok.nl_before {
            let t = self.tok;
            let ends = matches!(t.kind, T::RParen | T::RBracket | T::RBrace | T::Comma | T::Semi | T::Colon | T::Eof | T::Question)
                || (t.kind == T::Name && !t.escaped && matches!(t.kw, Kw::In | Kw::Of | Kw::Instanceof));
            if self.at(T::Star) {
                self.next()?;
                delegate = true;
                arg = Some(Box::new(self.parse_assignment()?));
            } else if !ends {
                arg = Some(Box::new(self.parse_assignment()?));
            }
        }
        self.ctx.suspends.push(start);
        Ok(Expr { span: self.span_from(start), kind: ExprKind::Yield { arg, delegate } })
    }

    fn parse_assign_inner2(&mut self) -> PResult<Expr> {
        if self.ctx.generator && self.tok.kind == T::Name && self.tok.kw == Kw::Yield && !self.tok.escaped {
            return self.parse_yield();
        }
        let saved = self.cover_err.take();
        let start = self.tok.start;
        self.assign_start = start;
        let lhs = self.parse_conditional()?;
        if is_raw_arrow(&lhs) {
            if assign_op(self.tok.kind).is_some() {
                return Err(self.unexpected());
            }
            self.cover_err = saved;
            return Ok(lhs);
        }
        if let Some(op) = assign_op(self.tok.kind) {
            let target = if op == AssignOp::Assign && matches!(lhs.kind, ExprKind::Object(_) | ExprKind::Array(_)) {
                self.cover_err = None;
                self.expr_to_pattern(lhs, false)?
            } else {
                if let Some((at, m)) = self.cover_err.take() {
                    return Err(self.err(at, m));
                }
                self.simple_target(lhs, op != AssignOp::Assign)?
            };
            self.next()?;
            let value = self.parse_assignment()?;
            self.cover_err = saved;
            return Ok(Expr {
                span: self.span_from(start),
                kind: ExprKind::Assign { op, target: Box::new(target), value: Box::new(value) },
            });
        }
        if self.cover_err.is_some() && !matches!(lhs.kind, ExprKind::Object(_) | ExprKind::Array(_)) {
            let (at, m) = self.cover_err.unwrap();
            return Err(self.err(at, m));
        }
        if saved.is_some() {
            self.cover_err = saved;
        }
        Ok(lhs)
    }

    /// Converts an expression used as a simple assignment / update target.
    pub(crate) fn simple_target(&mut self, e: Expr, compound: bool) -> PResult<Pattern> {
        let _ = compound;
        let mut inner = &e;
        while let ExprKind::Paren(x) = &inner.kind {
            inner = x;
        }
        match &inner.kind {
            ExprKind::Ident(n, _) => {
                if self.strict() && (&**n == "eval" || &**n == "arguments") {
                    return Err(self.err(inner.span.start, "Unexpected eval or arguments in strict mode"));
                }
                if matches!(e.kind, ExprKind::Paren(_)) {
                    // `(f) = function () {}` is no NamedEvaluation: keep the parentheses
                    return Ok(Pattern::Expr(Box::new(e)));
                }
                Ok(Pattern::ident(n.clone(), inner.span))
            }
            ExprKind::Member { optional: false, .. } | ExprKind::SuperMember(_) => {
                let mut e = e;
                while let ExprKind::Paren(x) = e.kind {
                    e = *x;
                }
                Ok(Pattern::Expr(Box::new(e)))
            }
            ExprKind::Call { .. } if !self.strict() && false => Ok(Pattern::Expr(Box::new(e))),
            _ => Err(self.err(e.span.start, "Invalid left-hand side in assignment")),
        }
    }

    fn parse_conditional(&mut self) -> PResult<Expr> {
        let start = self.tok.start;
        let test = self.parse_binary(0)?;
        if is_raw_arrow(&test) || !self.at(T::Question) {
            return Ok(test);
        }
        self.next()?;
        let cons = self.with_in(|p| p.parse_assignment())?;
        self.expect(T::Colon)?;
        let alt = self.parse_assignment()?;
        Ok(Expr { span: self.span_from(start), kind: ExprKind::Cond(Box::new(test), Box::new(cons), Box::new(alt)) })
    }

    fn parse_binary(&mut self, min_prec: u8) -> PResult<Expr> {
        self.enter()?;
        let r = self.parse_binary2(min_prec);
        self.leave();
        r
    }

    fn parse_binary2(&mut self, min_prec: u8) -> PResult<Expr> {
        let start = self.tok.start;
        let mut left = self.parse_unary()?;
        if is_raw_arrow(&left) {
            return Ok(left);
        }
        let mut chain = 0u32;
        loop {
            chain += 1;
            if self.depth + chain > self.max_depth {
                return Err(self.err(self.tok.start, "too much nesting"));
            }
            let Some((prec, op)) = binop(self.tok.kind, self.tok.kw, self.tok.escaped, self.no_in) else { break };
            if prec <= min_prec && !(prec == 12 && min_prec == 12) {
                break;
            }
            if prec == 12 {
                if let ExprKind::Unary(..) = left.kind {
                    return Err(self.err(self.tok.start, "Unary operator used immediately before exponentiation expression. Parenthesis must be used to disambiguate operator precedence"));
                }
            }
            self.next()?;
            // ** is right-associative
            let right = if prec == 12 { self.parse_binary(11)? } else { self.parse_binary(prec)? };
            let span = self.span_from(start);
            left = match op {
                Ok(b) => Expr { span, kind: ExprKind::Binary(b, Box::new(left), Box::new(right)) },
                Err(l) => {
                    let bad_mix = |e: &Expr, want_coalesce: bool| match &e.kind {
                        ExprKind::Logical(LogicalOp::Coalesce, ..) => !want_coalesce,
                        ExprKind::Logical(..) => want_coalesce,
                        _ => false,
                    };
                    let is_c = l == LogicalOp::Coalesce;
                    if bad_mix(&left, is_c) || bad_mix(&right, is_c) {
                        return Err(self.err(span.start, "Cannot mix ?? with || or && without parentheses"));
                    }
                    Expr { span, kind: ExprKind::Logical(l, Box::new(left), Box::new(right)) }
                }
            };
        }
        Ok(left)
    }

    fn parse_unary(&mut self) -> PResult<Expr> {
        let start = self.tok.start;
        if self.ctx.is_async && self.tok.kind == T::Name && self.tok.kw == Kw::Await && !self.tok.escaped {
            if self.ctx.in_params {
                return Err(self.err(start, "Illegal await-expression in formal parameters of async function"));
            }
            self.next()?;
            self.enter()?;
            let arg = self.parse_unary();
            self.leave();
            let arg = arg?;
            self.ctx.suspends.push(start);
            return Ok(Expr { span: self.span_from(start), kind: ExprKind::Await(Box::new(arg)) });
        }
        let op = match self.tok.kind {
            T::Minus => Some(UnaryOp::Neg),
            T::Plus => Some(UnaryOp::Plus),
            T::Bang => Some(UnaryOp::Not),
            T::Tilde => Some(UnaryOp::BitNot),
            T::Name if !self.tok.escaped => match self.tok.kw {
                Kw::Typeof => Some(UnaryOp::TypeOf),
                Kw::Void => Some(UnaryOp::Void),
                Kw::Delete => Some(UnaryOp::Delete),
                _ => None,
            },
            T::PlusPlus | T::MinusMinus => {
                let op = if self.at(T::PlusPlus) { UpdateOp::Inc } else { UpdateOp::Dec };
                self.next()?;
                self.enter()?;
                let arg = self.parse_unary();
                self.leave();
                let arg = arg?;
                let t = self.update_target(arg)?;
                return Ok(Expr { span: self.span_from(start), kind: ExprKind::Update { op, prefix: true, target: t } });
            }
            _ => None,
        };
        if let Some(op) = op {
            self.next()?;
            self.enter()?;
            let arg = self.parse_unary();
            self.leave();
            let arg = arg?;
            if op == UnaryOp::Delete && self.strict() {
                let mut inner = &arg;
                while let ExprKind::Paren(x) = &inner.kind {
                    inner = x;
                }
                if matches!(inner.kind, ExprKind::Ident(..)) {
                    return Err(self.err(start, "Delete of an unqualified identifier in strict mode."));
                }
            }
            return Ok(Expr { span: self.span_from(start), kind: ExprKind::Unary(op, Box::new(arg)) });
        }
        let e = self.parse_lhs()?;
        if is_raw_arrow(&e) {
            return Ok(e);
        }
        if (self.at(T::PlusPlus) || self.at(T::MinusMinus)) && !self.tok.nl_before {
            let op = if self.at(T::PlusPlus) { UpdateOp::Inc } else { UpdateOp::Dec };
            let t = self.update_target(e)?;
            self.next()?;
            return Ok(Expr { span: self.span_from(start), kind: ExprKind::Update { op, prefix: false, target: t } });
        }
        Ok(e)
    }

    fn update_target(&mut self, e: Expr) -> PResult<Box<Expr>> {
        let mut inner = &e;
        while let ExprKind::Paren(x) = &inner.kind {
            inner = x;
        }
        match &inner.kind {
            ExprKind::Ident(n, _) => {
                if self.strict() && (&**n == "eval" || &**n == "arguments") {
                    return Err(self.err(inner.span.start, "Unexpected eval or arguments in strict mode"));
                }
            }
            ExprKind::Member { optional: false, .. } | ExprKind::SuperMember(_) => {}
            _ => return Err(self.err(e.span.start, "Invalid left-hand side expression in update operation")),
        }
        let mut e = e;
        while let ExprKind::Paren(x) = e.kind {
            e = *x;
        }
        Ok(Box::new(e))
    }

    /// LeftHandSideExpression: member accesses, calls, `new`, optional chains.
    pub(crate) fn parse_lhs(&mut self) -> PResult<Expr> {
        let start = self.tok.start;
        let e = if self.is_kw(Kw::New) {
            self.parse_new()?
        } else if self.is_kw(Kw::Super) {
            self.parse_super()?
        } else {
            self.parse_primary()?
        };
        if is_raw_arrow(&e) {
            return Ok(e);
        }
        self.parse_call_tail(start, e, true)
    }

    fn parse_super(&mut self) -> PResult<Expr> {
        let start = self.tok.start;
        self.next()?;
        match self.tok.kind {
            T::LParen => {
                if !self.ctx.allow_super_call {
                    return Err(self.err(start, "'super' keyword unexpected here"));
                }
                let args = self.parse_arguments()?;
                self.ctx.uses_this = true;
                Ok(Expr { span: self.span_from(start), kind: ExprKind::SuperCall(args) })
            }
            T::Dot | T::LBracket => {
                if !self.ctx.allow_super_prop {
                    return Err(self.err(start, "'super' keyword unexpected here"));
                }
                self.ctx.uses_super_prop = true;
                self.ctx.uses_this = true;
                let prop = if self.eat(T::Dot)? {
                    if self.tok.kind != T::Name {
                        return Err(self.unexpected());
                    }
                    let a = self.tok_atom();
                    self.next()?;
                    MemberProp::Name(a, Default::default())
                } else {
                    self.next()?;
                    let e = self.with_in(|p| p.parse_expression())?;
                    self.expect(T::RBracket)?;
                    MemberProp::Computed(Box::new(e))
                };
                Ok(Expr { span: self.span_from(start), kind: ExprKind::SuperMember(prop) })
            }
            _ => Err(self.err(start, "'super' keyword unexpected here")),
        }
    }

    fn parse_new(&mut self) -> PResult<Expr> {
        let start = self.tok.start;
        self.next()?;
        if self.at(T::Dot) {
            self.next()?;
            if self.is_name("target") {
                if !self.ctx.allow_new_target {
                    return Err(self.err(start, "new.target expression is not allowed here"));
                }
                self.next()?;
                return Ok(Expr { span: self.span_from(start), kind: ExprKind::NewTarget });
            }
            return Err(self.unexpected());
        }
        self.enter()?;
        let cstart = self.tok.start;
        let callee = if self.is_kw(Kw::New) {
            self.parse_new()
        } else if self.is_kw(Kw::Super) {
            self.parse_super()
        } else {
            self.parse_primary()
        };
        self.leave();
        let callee = callee?;
        if is_raw_arrow(&callee) {
            return Err(self.err(cstart, "Invalid use of arrow function after new"));
        }
        let callee = self.parse_call_tail(cstart, callee, false)?;
        let args = if self.at(T::LParen) { self.parse_arguments()? } else { Vec::new() };
        Ok(Expr { span: self.span_from(start), kind: ExprKind::New { callee: Box::new(callee), args } })
    }

    fn parse_call_tail(&mut self, start: u32, mut e: Expr, allow_call: bool) -> PResult<Expr> {
        let mut in_chain = false;
        let mut chain = 0u32;
        loop {
            chain += 1;
            if self.depth + chain > self.max_depth {
                return Err(self.err(self.tok.start, "too much nesting"));
            }
            match self.tok.kind {
                T::Dot => {
                    self.next()?;
                    let prop = self.parse_member_name()?;
                    e = Expr { span: self.span_from(start), kind: ExprKind::Member { object: Box::new(e), prop, optional: false } };
                }
                T::QuestionDot => {
                    if !allow_call {
                        return Err(self.err(self.tok.start, "Invalid optional chain from new expression"));
                    }
                    in_chain = true;
                    self.next()?;
                    match self.tok.kind {
                        T::LParen => {
                            let args = self.parse_arguments()?;
                            e = Expr { span: self.span_from(start), kind: ExprKind::Call { callee: Box::new(e), args, optional: true } };
                        }
                        T::LBracket => {
                            self.next()?;
                            let p = self.with_in(|p| p.parse_expression())?;
                            self.expect(T::RBracket)?;
                            e = Expr { span: self.span_from(start), kind: ExprKind::Member { object: Box::new(e), prop: MemberProp::Computed(Box::new(p)), optional: true } };
                        }
                        T::Template => return Err(self.err(self.tok.start, "Invalid tagged template on optional chain")),
                        _ => {
                            let prop = self.parse_member_name()?;
                            e = Expr { span: self.span_from(start), kind: ExprKind::Member { object: Box::new(e), prop, optional: true } };
                        }
                    }
                }
                T::LBracket => {
                    self.next()?;
                    let p = self.with_in(|p| p.parse_expression())?;
                    self.expect(T::RBracket)?;
                    e = Expr { span: self.span_from(start), kind: ExprKind::Member { object: Box::new(e), prop: MemberProp::Computed(Box::new(p)), optional: false } };
                }
                T::LParen if allow_call => {
                    if let ExprKind::Ident(n, _) = &e.kind {
                        if &**n == "eval" {
                            self.ctx.has_direct_eval = true;
                            self.last_eval_at = Some(start);
                        }
                    }
                    let args = self.parse_arguments()?;
                    e = Expr { span: self.span_from(start), kind: ExprKind::Call { callee: Box::new(e), args, optional: false } };
                }
                T::Template => {
                    if in_chain {
                        return Err(self.err(self.tok.start, "Invalid tagged template on optional chain"));
                    }
                    let t = self.parse_template(true)?;
                    e = Expr { span: self.span_from(start), kind: ExprKind::TaggedTemplate(Box::new(e), Box::new(t)) };
                }
                _ => break,
            }
        }
        if in_chain {
            e = Expr { span: self.span_from(start), kind: ExprKind::OptionalChain(Box::new(e)) };
        }
        Ok(e)
    }

    fn parse_member_name(&mut self) -> PResult<MemberProp> {
        if self.tok.kind != T::Name {
            if self.at(T::Hash) {
                return Err(self.err(self.tok.start, "Private names are not supported"));
            }
            return Err(self.unexpected());
        }
        let a = self.tok_atom();
        self.next()?;
        Ok(MemberProp::Name(a, Default::default()))
    }

    pub(crate) fn parse_arguments(&mut self) -> PResult<Vec<Expr>> {
        self.expect(T::LParen)?;
        let saved = std::mem::replace(&mut self.no_in, false);
        let mut args = Vec::new();
        while !self.at(T::RParen) {
            if self.at(T::Ellipsis) {
                let s = self.tok.start;
                self.next()?;
                let e = self.parse_assignment()?;
                args.push(Expr { span: self.span_from(s), kind: ExprKind::Spread(Box::new(e)) });
            } else {
                args.push(self.parse_assignment()?);
            }
            if !self.at(T::RParen) {
                self.expect(T::Comma)?;
            }
        }
        self.no_in = saved;
        self.next()?;
        Ok(args)
    }

    pub(crate) fn parse_template(&mut self, tagged: bool) -> PResult<Template> {
        let mut quasis = Vec::new();
        let mut exprs = Vec::new();
        loop {
            let t = self.tok;
            if !self.lex.cooked_ok && !tagged {
                let (at, m) = self.lex.template_err.unwrap_or((t.start as usize, "invalid escape"));
                return Err(self.err(at as u32, m));
            }
            let cooked = if self.lex.cooked_ok { Some(JsStr::from(&self.lex.str_buf[..])) } else { None };
            let raw = JsStr::from(&self.lex.raw_buf[..]);
            quasis.push(TemplateElem { cooked, raw, span: Span::new(t.start, t.end) });
            if t.tail {
                self.next()?;
                break;
            }
            self.next()?;
            let e = self.with_in(|p| p.parse_expression())?;
            exprs.push(e);
            if !self.at(T::RBrace) {
                return Err(self.unexpected());
            }
            self.tok = self.lex.rescan_template(self.tok.start as usize, self.tok.nl_before)?;
        }
        Ok(Template { quasis, exprs })
    }

    fn parse_primary(&mut self) -> PResult<Expr> {
        let start = self.tok.start;
        let t = self.tok;
        match t.kind {
            T::Num => {
                if t.octal && self.strict() {
                    return Err(self.err(start, "Octal literals are not allowed in strict mode"));
                }
                let v = self.lex.num;
                self.next()?;
                Ok(Expr { span: self.span_from(start), kind: ExprKind::Num(v) })
            }
            T::BigInt => {
                let v: Rc<str> = Rc::from(self.lex.bigint.as_str());
                self.next()?;
                Ok(Expr { span: self.span_from(start), kind: ExprKind::BigInt(v) })
            }
            T::Str => {
                if t.octal && self.strict() {
                    return Err(self.err(start, "Octal escape sequences are not allowed in strict mode"));
                }
                let s = JsStr::from(&self.lex.str_buf[..]);
                self.next()?;
                Ok(Expr { span: self.span_from(start), kind: ExprKind::Str(s) })
            }
            T::Template => {
                let tpl = self.parse_template(false)?;
                Ok(Expr { span: self.span_from(start), kind: ExprKind::Template(Box::new(tpl)) })
            }
            T::Slash | T::SlashEq => {
                self.tok = self.lex.rescan_regex(start as usize, t.nl_before)?;
                let flags_at = self.lex.regex_flags_at;
                let pattern: Rc<str> = Rc::from(&self.src[start as usize + 1..flags_at - 1]);
                let flags: Rc<str> = Rc::from(&self.src[flags_at..self.tok.end as usize]);
                let mut seen = [false; 128];
                for c in flags.chars() {
                    let ok = matches!(c, 'd' | 'g' | 'i' | 'm' | 's' | 'u' | 'y' | 'v');
                    if !ok || seen[c as usize] {
                        return Err(self.err(flags_at as u32, format!("Invalid regular expression flags '{}'", flags)));
                    }
                    seen[c as usize] = true;
                }
                if seen['u' as usize] && seen['v' as usize] {
                    return Err(self.err(flags_at as u32, "Invalid regular expression flags"));
                }
                if let Err((off, m)) = crate::regexp::validate(&pattern, &flags) {
                    return Err(self.err(start + 1 + off as u32, format!("Invalid regular expression: /{}/: {}", pattern, m)));
                }
                self.next()?;
                Ok(Expr { span: self.span_from(start), kind: ExprKind::Regex { pattern, flags } })
            }
            T::LParen => self.parse_paren(),
            T::LBracket => self.parse_array_literal(),
            T::LBrace => self.parse_object_literal(),
            T::Hash => Err(self.err(start, "Private names are not supported")),
            T::Name => {
                if !t.escaped {
                    match t.kw {
                        Kw::This => {
                            self.next()?;
                            self.ctx.uses_this = true;
                            return Ok(Expr { span: self.span_from(start), kind: ExprKind::This });
                        }
                        Kw::Null => {
                            self.next()?;
                            return Ok(Expr { span: self.span_from(start), kind: ExprKind::Null });
                        }
                        Kw::True | Kw::False => {
                            self.next()?;
                            return Ok(Expr { span: self.span_from(start), kind: ExprKind::Bool(t.kw == Kw::True) });
                        }
                        Kw::Function => {
                            let f = self.parse_function_expression(start, false)?;
                            return Ok(Expr { span: f.span, kind: ExprKind::Function(f) });
                        }
                        Kw::Class => {
                            let c = self.parse_class(false)?;
                            return Ok(Expr { span: c.span, kind: ExprKind::Class(Rc::new(c)) });
                        }
                        Kw::Async => {
                            let p = self.peek()?;
                            if !p.nl_before && p.kind == T::Name && p.kw == Kw::Function && !p.escaped {
                                self.next()?;
                                let f = self.parse_function_expression(start, true)?;
                                return Ok(Expr { span: f.span, kind: ExprKind::Function(f) });
                            }
                            if !p.nl_before && p.kind == T::Name && self.assign_start == start {
                                // `async x => ...`
                                self.next()?;
                                let pstart = self.tok.start;
                                let name = self.tok_atom();
                                self.check_binding_ident(&name, pstart)?;
                                if &*name == "await" {
                                    return Err(self.err(pstart, "'await' is not a valid parameter name in an async function"));
                                }
                                self.next()?;
                                if !self.at(T::Arrow) || self.tok.nl_before {
                                    return Err(self.unexpected());
                                }
                                let span = Span::new(pstart, self.prev_end);
                                let params = vec![PatElem { target: Pattern::ident(name, span), init: None }];
                                let f = self.parse_arrow_rest_ext(start, params, None, true)?;
                                return Ok(Expr { span: f.span, kind: ExprKind::Arrow(f) });
                            }
                            if !p.nl_before && p.kind == T::LParen && self.assign_start == start {
                                return self.parse_async_call_or_arrow(start);
                            }
                        }
                        _ => {}
                    }
                }
                let can_arrow = self.assign_start == start;
                let name = self.tok_atom();
                self.check_ident_ref(&name, start)?;
                if &*name == "arguments" {
                    if self.ctx.in_field_init {
                        return Err(self.err(start, "'arguments' is not allowed in class field initializer"));
                    }
                    self.ctx.uses_arguments = true;
                }
                self.next()?;
                if self.at(T::Arrow) {
                    if !can_arrow || self.tok.nl_before {
                        return Err(self.unexpected());
                    }
                    let span = Span::new(start, self.prev_end);
                    let params = vec![PatElem { target: Pattern::ident(name, span), init: None }];
                    let f = self.parse_arrow_rest(start, params, None)?;
                    return Ok(Expr { span: f.span, kind: ExprKind::Arrow(f) });
                }
                Ok(Expr { span: self.span_from(start), kind: ExprKind::Ident(name, Default::default()) })
            }
            _ => Err(self.unexpected()),
        }
    }

    /// `async(...)`: a call of a function named async, or the head of an async arrow.
    fn parse_async_call_or_arrow(&mut self, start: u32) -> PResult<Expr> {
        let name = self.tok_atom();
        let id_span = Span::new(self.tok.start, self.tok.end);
        self.next()?; // async
        let saved_cover = self.cover_err.take();
        let args = self.parse_arguments()?;
        if self.at(T::Arrow) && !self.tok.nl_before {
            self.cover_err = None;
            let mut params = Vec::new();
            let mut rest = None;
            let n = args.len();
            for (i, a) in args.into_iter().enumerate() {
                if let ExprKind::Spread(x) = a.kind {
                    if i + 1 != n {
                        return Err(self.err(a.span.start, "Rest parameter must be last formal parameter"));
                    }
                    rest = Some(Box::new(self.expr_to_pattern(*x, true)?));
                } else {
                    params.push(self.expr_to_param(a)?);
                }
            }
            if super::func::binds_await(&params, &rest) {
                return Err(self.err(start, "'await' is not a valid parameter name in an async function"));
            }
            // an arrow in the parameters is parsed with [+Await] too: `async (a = (await) => {}) => {}`
            if let Some(&at) = self.ctx.await_param_arrows.iter().find(|&&p| p >= start) {
                return Err(self.err(at, "'await' is not a valid parameter name in an async function"));
            }
            self.cover_err = saved_cover;
            let f = self.parse_arrow_rest_ext(start, params, rest, true)?;
            return Ok(Expr { span: f.span, kind: ExprKind::Arrow(f) });
        }
        if let Some((at, m)) = self.cover_err.take() {
            return Err(self.err(at, m));
        }
        self.cover_err = saved_cover;
        let callee = Expr { span: id_span, kind: ExprKind::Ident(name, Default::default()) };
        let e = Expr { span: self.span_from(start), kind: ExprKind::Call { callee: Box::new(callee), args, optional: false } };
        Ok(e)
    }

    fn parse_paren(&mut self) -> PResult<Expr> {
        let start = self.tok.start;
        let can_arrow = self.assign_start == start;
        self.next()?;
        let saved_in = std::mem::replace(&mut self.no_in, false);
        let saved_cover = self.cover_err.take();
        let mut items: Vec<Expr> = Vec::new();
        let mut rest: Option<Pattern> = None;
        let mut trailing = false;
        let r: PResult<()> = (|| {
            if self.at(T::RParen) {
                return Ok(());
            }
            loop {
                if self.at(T::Ellipsis) {
                    self.next()?;
                    rest = Some(self.parse_binding_target()?);
                    if !self.at(T::RParen) {
                        return Err(self.err(self.tok.start, "Rest parameter must be last formal parameter"));
                    }
                    break;
                }
                items.push(self.parse_assign_inner()?);
                if self.at(T::Comma) {
                    self.next()?;
                    if self.at(T::RParen) {
                        trailing = true;
                        break;
                    }
                } else {
                    break;
                }
            }
            Ok(())
        })();
        self.no_in = saved_in;
        r?;
        let close = self.tok.start;
        self.expect(T::RParen)?;
        if self.at(T::Arrow) && can_arrow && !self.tok.nl_before {
            self.cover_err = None;
            let mut params = Vec::new();
            for it in items {
                params.push(self.expr_to_param(it)?);
            }
            self.cover_err = saved_cover;
            let f = self.parse_arrow_rest(start, params, rest.map(Box::new))?;
            return Ok(Expr { span: f.span, kind: ExprKind::Arrow(f) });
        }
        if items.is_empty() || rest.is_some() || trailing {
            return Err(self.err(close, "Unexpected token ')'"));
        }
        if let Some((at, m)) = self.cover_err.take() {
            return Err(self.err(at, m));
        }
        self.cover_err = saved_cover;
        let inner = if items.len() == 1 {
            items.pop().unwrap()
        } else {
            let s = Span::new(items[0].span.start, items.last().unwrap().span.end);
            Expr { span: s, kind: ExprKind::Seq(items) }
        };
        Ok(Expr { span: self.span_from(start), kind: ExprKind::Paren(Box::new(inner)) })
    }

    fn parse_array_literal(&mut self) -> PResult<Expr> {
        let start = self.tok.start;
        self.next()?;
        let saved = std::mem::replace(&mut self.no_in, false);
        let mut elems = Vec::new();
        let r: PResult<()> = (|| {
            while !self.at(T::RBracket) {
                if self.at(T::Comma) {
                    self.next()?;
                    elems.push(None);
                    continue;
                }
                let e = if self.at(T::Ellipsis) {
                    let s = self.tok.start;
                    self.next()?;
                    let x = self.parse_assign_inner()?;
                    let e = Expr { span: self.span_from(s), kind: ExprKind::Spread(Box::new(x)) };
                    if self.at(T::Comma) {
                        self.spread_comma.push(start);
                    }
                    e
                } else {
                    self.parse_assign_inner()?
                };
                elems.push(Some(e));
                if !self.at(T::RBracket) {
                    self.expect(T::Comma)?;
                }
            }
            Ok(())
        })();
        self.no_in = saved;
        r?;
        self.next()?;
        Ok(Expr { span: self.span_from(start), kind: ExprKind::Array(elems) })
    }

    /// PropertyName: identifier name, string, number or `[computed]`.
    pub(crate) fn parse_property_name(&mut self) -> PResult<PropKey> {
        let t = self.tok;
        let k = match t.kind {
            T::Name => PropKey::Ident(self.tok_atom()),
            T::Str => {
                if t.octal && self.strict() {
                    return Err(self.err(t.start, "Octal escape sequences are not allowed in strict mode"));
                }
                PropKey::Str(JsStr::from(&self.lex.str_buf[..]))
            }
            T::Num => {
                if t.octal && self.strict() {
                    return Err(self.err(t.start, "Octal literals are not allowed in strict mode"));
                }
                PropKey::Num(self.lex.num)
            }
            // a BigInt property name is its decimal digits
            T::BigInt => match crate::vm::bigint::parse_literal(&self.lex.bigint) {
                crate::vm::bigint::Parsed::Ok(n) => {
                    let units: Vec<u16> = n.to_string().encode_utf16().collect();
                    PropKey::Str(JsStr::from(&units[..]))
                }
                _ => return Err(self.err(t.start, "Maximum BigInt size exceeded")),
            },
            T::LBracket => {
                self.next()?;
                let e = self.with_in(|p| p.parse_assignment())?;
                if !self.at(T::RBracket) {
                    return Err(self.unexpected());
                }
                PropKey::Computed(Box::new(e))
            }
            T::Hash => return Err(self.err(t.start, "Private names are not supported")),
            _ => return Err(self.unexpected()),
        };
        self.next()?;
        Ok(k)
    }

    fn parse_object_literal(&mut self) -> PResult<Expr> {
        let start = self.tok.start;
        self.next()?;
        let saved = std::mem::replace(&mut self.no_in, false);
        let r = self.parse_object_props(start);
        self.no_in = saved;
        let props = r?;
        self.next()?;
        Ok(Expr { span: self.span_from(start), kind: ExprKind::Object(props) })
    }

    fn parse_object_props(&mut self, obj_start: u32) -> PResult<Vec<Property>> {
        let mut props = Vec::new();
        let mut has_proto = false;
        while !self.at(T::RBrace) {
            let pstart = self.tok.start;
            if self.at(T::Ellipsis) {
                self.next()?;
                let e = self.parse_assign_inner()?;
                if self.at(T::Comma) {
                    self.spread_comma.push(obj_start);
                }
                props.push(Property::Spread(e));
            } else if self.at(T::Star) {
                self.next()?;
                let key = self.parse_property_name()?;
                let f = self.parse_method_ext(pstart, FunctionKind::Method, false, key_name(&key), true, false)?;
                props.push(Property::Method(key, f));
            } else {
                let t = self.tok;
                let is_plain_name = t.kind == T::Name;
                let word = if is_plain_name && !t.escaped { &self.src[t.start as usize..t.end as usize] } else { "" };
                let accessor = if word == "get" || word == "set" || word == "async" {
                    let p = self.peek()?;
                    let is_acc = !matches!(p.kind, T::Comma | T::Colon | T::LParen | T::RBrace | T::Assign);
                    if is_acc && word == "async" && !p.nl_before {
                        self.next()?;
                        let generator = self.eat(T::Star)?;
                        let key = self.parse_property_name()?;
                        let f = self.parse_method_ext(pstart, FunctionKind::Method, false, key_name(&key), generator, true)?;
                        props.push(Property::Method(key, f));
                        if !self.at(T::RBrace) {
                            self.expect(T::Comma)?;
                        }
                        continue;
                    }
                    if is_acc && word != "async" {
                        Some(word == "get")
                    } else {
                        None
                    }
                } else {
                    None
                };
                if let Some(is_get) = accessor {
                    self.next()?;
                    let key = self.parse_property_name()?;
                    let kind = if is_get { FunctionKind::Getter } else { FunctionKind::Setter };
                    let f = self.parse_method(pstart, kind, false, key_name(&key))?;
                    props.push(if is_get { Property::Getter(key, f) } else { Property::Setter(key, f) });
                } else {
                    let key = self.parse_property_name()?;
                    match self.tok.kind {
                        T::Colon => {
                            self.next()?;
                            let v = self.parse_assign_inner()?;
                            let is_proto = match &key {
                                PropKey::Ident(n) => &**n == "__proto__",
                                PropKey::Str(s) => s.iter().copied().eq("__proto__".encode_utf16()),
                                _ => false,
                            };
                            if is_proto {
                                if has_proto && self.cover_err.is_none() {
                                    self.cover_err = Some((pstart, "Duplicate __proto__ fields are not allowed in object literals"));
                                }
                                has_proto = true;
                                props.push(Property::Proto(v));
                            } else {
                                props.push(Property::Init(key, v));
                            }
                        }
                        T::LParen => {
                            let f = self.parse_method(pstart, FunctionKind::Method, false, key_name(&key))?;
                            props.push(Property::Method(key, f));
                        }
                        _ if is_plain_name && matches!(key, PropKey::Ident(_)) => {
                            let name = match key {
                                PropKey::Ident(n) => n,
                                _ => unreachable!(),
                            };
                            let span = Span::new(t.start, t.end);
                            self.check_ident_ref(&name, t.start)?;
                            if &*name == "arguments" {
                                if self.ctx.in_field_init {
                                    return Err(self.err(t.start, "'arguments' is not allowed in class field initializer"));
                                }
                                self.ctx.uses_arguments = true;
                            }
                            if self.at(T::Assign) {
                                self.next()?;
                                let init = self.parse_assignment()?;
                                if self.cover_err.is_none() {
                                    self.cover_err = Some((t.start, "Invalid shorthand property initializer"));
                                }
                                props.push(Property::CoverInit(name, span, Box::new(init)));
                            } else {
                                props.push(Property::Init(PropKey::Ident(name.clone()), Expr { span, kind: ExprKind::Ident(name, Default::default()) }));
                            }
                        }
                        _ => return Err(self.unexpected()),
                    }
                }
            }
            if !self.at(T::RBrace) {
                self.expect(T::Comma)?;
            }
        }
        Ok(props)
    }
}

/// The static name of a property key (for function `name` inference is the
/// interpreter's job; this is only used to name methods where obvious).
pub(crate) fn key_name(k: &PropKey) -> Option<Atom> {
    match k {
        PropKey::Ident(a) => Some(a.clone()),
        _ => None,
    }
}
