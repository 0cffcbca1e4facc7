//! Entry points for single functions/classes and `new Function` pieces.

use std::rc::Rc;

use super::func::FnFlags;
use super::{PResult, Parser};
use crate::api::FunctionTextKind;
use crate::ast::*;
use crate::lexer::{Kw, T};

impl<'a> Parser<'a> {
    fn expect_eof(&self) -> PResult<()> {
        if self.at(T::Eof) {
            Ok(())
        } else {
            Err(self.unexpected())
        }
    }

    /// Parses a whole text that is exactly one function of the given kind.
    pub fn parse_single_function(&mut self, kind: FunctionTextKind) -> PResult<Rc<Function>> {
        self.next()?;
        self.push_scope(true);
        let f = match kind {
            FunctionTextKind::Function => {
                let start = self.tok.start;
                let is_async = self.is_name("async");
                if is_async {
                    self.next()?;
                }
                if !self.is_kw(Kw::Function) {
                    return Err(self.unexpected());
                }
                self.parse_function_expression(start, is_async)?
            }
            FunctionTextKind::Arrow => {
                let e = self.parse_assignment()?;
                match e.kind {
                    ExprKind::Arrow(f) => f,
                    _ => return Err(self.err(0, "not an arrow function")),
                }
            }
            FunctionTextKind::Method => {
                let start = self.tok.start;
                let mut accessor = None;
                if self.is_name("get") || self.is_name("set") {
                    let p = self.peek()?;
                    if p.kind != T::LParen {
                        accessor = Some(self.is_name("get"));
                        self.next()?;
                    }
                }
                let key = self.parse_property_name()?;
                let kind = match accessor {
                    Some(true) => FunctionKind::Getter,
                    Some(false) => FunctionKind::Setter,
                    None => FunctionKind::Method,
                };
                let _ = FnFlags { kind, super_prop: true, super_call: false, generator: false, is_async: false };
                let derived = self.ctx.allow_super_call;
                let kind = if derived && kind == FunctionKind::Method { FunctionKind::ClassConstructor { derived: true } } else { kind };
                self.parse_method(start, kind, derived, super::expr::key_name(&key))?
            }
        };
        self.expect_eof()?;
        Ok(f)
    }

    pub fn parse_single_class(&mut self) -> PResult<Box<Class>> {
        self.next()?;
        self.push_scope(true);
        if !self.is_kw(Kw::Class) {
            return Err(self.unexpected());
        }
        let c = self.parse_class(false)?;
        self.expect_eof()?;
        Ok(Box::new(c))
    }

    /// Checks that the text `(params\n)` is exactly a parenthesized FormalParameters.
    pub fn check_formal_parameters_text(&mut self) -> PResult<()> {
        self.next()?;
        self.push_scope(true);
        self.expect(T::LParen)?;
        while !self.at(T::RParen) {
            if self.at(T::Ellipsis) {
                self.next()?;
                self.parse_binding_target()?;
                break;
            }
            self.parse_binding_element()?;
            if !self.at(T::RParen) {
                self.expect(T::Comma)?;
            }
        }
        self.expect(T::RParen)?;
        self.expect_eof()
    }

    /// Checks that the text is a FunctionBody.
    pub fn check_function_body_text(&mut self) -> PResult<()> {
        self.next()?;
        self.push_scope(true);
        self.ctx.in_function = true;
        self.ctx.allow_new_target = true;
        self.parse_body(T::Eof, None)?;
        Ok(())
    }
}
