//! Recursive-descent parser. `mod.rs` holds the parser state, entry points and
//! statements; `expr.rs` expressions; `func.rs` functions, classes and patterns;
//! `scope.rs` declaration bookkeeping and early errors about names.

mod expr;
mod entry;
mod func;
mod scope;

use std::collections::HashSet;

use crate::ast::*;
use crate::error::SyntaxError;
use crate::lexer::{Kw, Lexer, Token, T};

pub(crate) type PResult<T> = Result<T, SyntaxError>;

/// Options for the entry points. `Default` gives sloppy global script code.
#[derive(Clone, Debug)]
pub struct ParseOptions {
    /// Start in strict mode (e.g. eval code called from strict code).
    pub strict: bool,
    /// `new.target` is allowed (eval code inside a non-arrow function).
    pub allow_new_target: bool,
    /// `super.x` is allowed (eval code inside a method).
    pub allow_super_property: bool,
    /// `super()` is allowed (eval code inside a derived constructor).
    pub allow_super_call: bool,
    /// Inside a class field initializer: `arguments` is an early error.
    pub in_class_field_init: bool,
    /// Maximum nesting depth of the recursive descent (counted per recursion step).
    pub max_depth: u32,
    /// Maximum bytes of native stack the parser may use before failing with
    /// "too much nesting". On Linux the parser also stops 256 KB before the end of
    /// the current thread's actual stack, so the default is generous.
    pub stack_budget: usize,
}

impl Default for ParseOptions {
    fn default() -> Self {
        ParseOptions {
            strict: false,
            allow_new_target: false,
            allow_super_property: false,
            allow_super_call: false,
            in_class_field_init: false,
            max_depth: 3000,
            stack_budget: if cfg!(all(target_os = "linux", target_env = "gnu")) { 256 << 20 } else { 1 << 20 },
        }
    }
}

#[derive(Default)]
pub(crate) struct Label {
    name: Option<Atom>,
    is_loop: bool,
}

/// Per-function parsing context.
#[derive(Default)]
pub(crate) struct FnCtx {
    strict: bool,
    in_function: bool,
    allow_new_target: bool,
    allow_super_prop: bool,
    allow_super_call: bool,
    in_field_init: bool,
    /// In a generator body (`yield` is an operator) / an async body (`await` is one).
    pub(crate) generator: bool,
    pub(crate) is_async: bool,
    /// The function declaration being declared is a generator or async function.
    pub(crate) decl_special: bool,
    /// Parsing formal parameters (yield/await expressions are errors there).
    pub(crate) in_params: bool,
    /// Span starts of this body's yield/await expressions.
    pub(crate) suspends: Vec<u32>,
    /// Span starts of arrow functions parsed in this context whose parameters bind `await`
    /// (an error once they turn out to sit in an async arrow's parameters).
    pub(crate) await_param_arrows: Vec<u32>,
    labels: Vec<Label>,
    pending_labels: usize,
    loop_depth: u32,
    breakable_depth: u32,
    uses_arguments: bool,
    has_direct_eval: bool,
    uses_this: bool,
    uses_super_prop: bool,
    var_names: Vec<Atom>,
    var_set: HashSet<Atom>,
    scope_base: usize,
}

pub(crate) struct Scope {
    is_function: bool,
    lex: std::collections::HashMap<Atom, DeclKind>,
    vars: HashSet<Atom>,
    params: Vec<Atom>,
    catch_params: Vec<Atom>,
    catch_is_pattern: bool,
    top_lexical: Vec<(Atom, DeclKind)>,
    /// Generator and async function declarations of a block (never Annex B duplicates).
    special_fns: HashSet<Atom>,
}

pub struct Parser<'a> {
    pub(crate) src: &'a str,
    pub(crate) lex: Lexer<'a>,
    pub(crate) tok: Token,
    pub(crate) prev_end: u32,
    atoms: HashSet<Atom>,
    pub(crate) depth: u32,
    pub(crate) max_depth: u32,
    /// The parser fails with "too much nesting" when the stack pointer goes below this.
    stack_limit: usize,
    pub(crate) ctx: FnCtx,
    pub(crate) scopes: Vec<Scope>,
    /// Pending error from a cover grammar (`{a = 1}` or duplicate `__proto__`) that
    /// is cleared if the enclosing literal becomes a pattern.
    pub(crate) cover_err: Option<(u32, &'static str)>,
    /// Array literals (by start offset) whose spread element is followed by a comma.
    pub(crate) spread_comma: Vec<u32>,
    pub(crate) no_in: bool,
    pub(crate) assign_start: u32,
    /// The statement being parsed is a StatementListItem (labelled functions allowed).
    pub(crate) stmt_is_item: bool,
    /// Where the latest direct `eval(` call starts (an arrow's parameters may hold one).
    pub(crate) last_eval_at: Option<u32>,
}

/// The lowest usable address of the current thread's stack (Linux), if known.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
fn thread_stack_low() -> Option<usize> {
    extern "C" {
        fn pthread_self() -> usize;
        fn pthread_getattr_np(thread: usize, attr: *mut u8) -> i32;
        fn pthread_attr_getstack(attr: *const u8, addr: *mut *mut u8, size: *mut usize) -> i32;
        fn pthread_attr_destroy(attr: *mut u8) -> i32;
    }
    // pthread_attr_t is 56 bytes on 64-bit glibc; over-allocate and align.
    let mut attr = [0u64; 32];
    let ap = attr.as_mut_ptr() as *mut u8;
    unsafe {
        if pthread_getattr_np(pthread_self(), ap) != 0 {
            return None;
        }
        let mut addr: *mut u8 = std::ptr::null_mut();
        let mut size = 0usize;
        let r = pthread_attr_getstack(ap, &mut addr, &mut size);
        pthread_attr_destroy(ap);
        if r != 0 || addr.is_null() {
            return None;
        }
        Some(addr as usize)
    }
}

#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
fn thread_stack_low() -> Option<usize> {
    None
}

/// Safety margin kept free below the parser's deepest allowed frame.
const STACK_MARGIN: usize = 256 << 10;

fn stack_addr() -> usize {
    let x = 0u8;
    std::hint::black_box(&x) as *const u8 as usize
}

impl<'a> Parser<'a> {
    pub fn new(src: &'a str, opts: &ParseOptions) -> Parser<'a> {
        let ctx = FnCtx {
            strict: opts.strict,
            allow_new_target: opts.allow_new_target,
            allow_super_prop: opts.allow_super_property,
            allow_super_call: opts.allow_super_call,
            in_field_init: opts.in_class_field_init,
            ..Default::default()
        };
        Parser {
            src,
            lex: Lexer::new(src),
            tok: Token { kind: T::Eof, start: 0, end: 0, nl_before: false, kw: Kw::None, escaped: false, octal: false, tail: false },
            prev_end: 0,
            atoms: HashSet::new(),
            depth: 0,
            max_depth: opts.max_depth,
            stack_limit: {
                let base = stack_addr();
                let by_budget = base.saturating_sub(opts.stack_budget);
                match thread_stack_low() {
                    Some(low) if low < base => by_budget.max(low + STACK_MARGIN),
                    _ => by_budget,
                }
            },
            ctx,
            scopes: Vec::new(),
            cover_err: None,
            spread_comma: Vec::new(),
            no_in: false,
            assign_start: u32::MAX,
            stmt_is_item: false,
            last_eval_at: None,
        }
    }

    // ---------------------------------------------------------------- helpers

    pub(crate) fn err(&self, at: u32, msg: impl Into<String>) -> SyntaxError {
        SyntaxError::at(self.src, at, msg)
    }

    pub(crate) fn unexpected(&self) -> SyntaxError {
        if self.tok.kind == T::Eof {
            self.err(self.tok.start, "Unexpected end of input")
        } else {
            let text = &self.src[self.tok.start as usize..self.tok.end as usize];
            let text: String = text.chars().take(40).collect();
            self.err(self.tok.start, format!("Unexpected token '{}'", text))
        }
    }

    pub(crate) fn next(&mut self) -> PResult<()> {
        self.prev_end = self.tok.end;
        self.tok = self.lex.next_token()?;
        Ok(())
    }

    #[inline]
    pub(crate) fn at(&self, k: T) -> bool {
        self.tok.kind == k
    }

    pub(crate) fn eat(&mut self, k: T) -> PResult<bool> {
        if self.tok.kind == k {
            self.next()?;
            Ok(true)
        } else {
            Ok(false)
        }
    }

    pub(crate) fn expect(&mut self, k: T) -> PResult<()> {
        if self.tok.kind == k {
            self.next()
        } else {
            Err(self.unexpected())
        }
    }

    /// The current token is the (unescaped) keyword `kw`.
    #[inline]
    pub(crate) fn is_kw(&self, kw: Kw) -> bool {
        self.tok.kind == T::Name && self.tok.kw == kw && !self.tok.escaped
    }

    pub(crate) fn is_name(&self, s: &str) -> bool {
        self.tok.kind == T::Name && !self.tok.escaped && &self.src[self.tok.start as usize..self.tok.end as usize] == s
    }

    pub(crate) fn atom(&mut self, s: &str) -> Atom {
        if let Some(a) = self.atoms.get(s) {
            return a.clone();
        }
        let a: Atom = Atom::new(s);
        self.atoms.insert(a.clone());
        a
    }

    pub(crate) fn tok_atom(&mut self) -> Atom {
        let t = self.tok;
        let name = self.lex.ident_name(&t);
        if let Some(a) = self.atoms.get(name) {
            return a.clone();
        }
        let a: Atom = Atom::new(name);
        self.atoms.insert(a.clone());
        a
    }

    pub(crate) fn peek(&self) -> PResult<Token> {
        let mut l = self.lex.fork();
        l.next_token()
    }

    pub(crate) fn enter(&mut self) -> PResult<()> {
        self.depth += 1;
        if self.depth > self.max_depth || stack_addr() < self.stack_limit {
            return Err(self.err(self.tok.start, "too much nesting"));
        }
        Ok(())
    }

    #[inline]
    pub(crate) fn leave(&mut self) {
        self.depth -= 1;
    }

    pub(crate) fn span_from(&self, start: u32) -> Span {
        Span::new(start, self.prev_end.max(start))
    }

    pub(crate) fn strict(&self) -> bool {
        self.ctx.strict
    }

    /// Automatic semicolon insertion.
    pub(crate) fn semicolon(&mut self) -> PResult<()> {
        if self.at(T::Semi) {
            return self.next();
        }
        if self.at(T::RBrace) || self.at(T::Eof) || self.tok.nl_before {
            return Ok(());
        }
        Err(self.unexpected())
    }

    // ---------------------------------------------------------------- programs

    pub fn parse_program(&mut self) -> PResult<Program> {
        self.lex.skip_hashbang();
        self.next()?;
        self.push_scope(true);
        self.ctx.scope_base = 0;
        let body = self.parse_body(T::Eof, None)?;
        let scope = self.pop_scope();
        let ctx = std::mem::take(&mut self.ctx);
        Ok(Program {
            body,
            strict: ctx.strict,
            span: Span::new(0, self.src.len() as u32),
            scope: ScopeInfo {
                var_names: ctx.var_names,
                lexical_names: scope.top_lexical,
                uses_arguments: ctx.uses_arguments,
                has_direct_eval: ctx.has_direct_eval,
                uses_this: ctx.uses_this,
            },
        })
    }

    /// Parses a statement list with a directive prologue until `end`.
    /// `on_strict` is called (as a check) when a "use strict" directive is found.
    pub(crate) fn parse_body(&mut self, end: T, mut on_strict: Option<&mut dyn FnMut(&mut Self, u32) -> PResult<()>>) -> PResult<Vec<Stmt>> {
        let mut body = Vec::new();
        let mut directives = true;
        let mut octal_at: Option<u32> = None;
        while !self.at(end) {
            if directives {
                if self.at(T::Str) {
                    let t = self.tok;
                    let stmt = self.parse_statement_list_item()?;
                    let is_dir = matches!(&stmt.kind, StmtKind::Expr(e) if matches!(e.kind, ExprKind::Str(_)) && e.span.start == t.start && e.span.end == t.end);
                    if is_dir {
                        if t.octal && octal_at.is_none() {
                            octal_at = Some(t.start);
                        }
                        let raw = &self.src[t.start as usize..t.end as usize];
                        if raw == "'use strict'" || raw == "\"use strict\"" {
                            if let Some(f) = on_strict.as_mut() {
                                f(self, t.start)?;
                            }
                            self.ctx.strict = true;
                            if let Some(o) = octal_at {
                                return Err(self.err(o, "Octal escape sequences are not allowed in strict mode"));
                            }
                        }
                        if self.ctx.strict {
                            if let Some(o) = octal_at {
                                return Err(self.err(o, "Octal escape sequences are not allowed in strict mode"));
                            }
                        }
                    } else {
                        directives = false;
                    }
                    body.push(stmt);
                    continue;
                }
                directives = false;
            }
            body.push(self.parse_statement_list_item()?);
        }
        Ok(body)
    }

    // ---------------------------------------------------------------- statements

    pub(crate) fn parse_statement_list_item(&mut self) -> PResult<Stmt> {
        if self.tok.kind == T::Name && !self.tok.escaped {
            match self.tok.kw {
                Kw::Function => return self.parse_function_declaration(false),
                Kw::Async => {
                    let p = self.peek()?;
                    if !p.nl_before && p.kind == T::Name && p.kw == Kw::Function && !p.escaped {
                        let start = self.tok.start;
                        self.next()?;
                        return self.parse_function_declaration_at(start, true, false);
                    }
                }
                Kw::Class => return self.parse_class_declaration(),
                Kw::Const => return self.parse_lexical_statement(VarKind::Const),
                Kw::Let => {
                    let p = self.peek()?;
                    if p.kind == T::LBracket
                        || p.kind == T::LBrace
                        || (p.kind == T::Name && !(p.kw == Kw::In || p.kw == Kw::Instanceof) && !(p.nl_before && p.kw.is_reserved() ))
                    {
                        return self.parse_lexical_statement(VarKind::Let);
                    }
                }
                _ => {}
            }
        }
        self.stmt_is_item = true;
        self.parse_statement()
    }

    fn parse_lexical_statement(&mut self, kind: VarKind) -> PResult<Stmt> {
        let start = self.tok.start;
        self.next()?;
        let decl = self.parse_var_declarations(kind, false)?;
        self.semicolon()?;
        Ok(Stmt { span: self.span_from(start), kind: StmtKind::Var(Box::new(decl)) })
    }

    /// Parses declarators after `var`/`let`/`const`. With `in_for`, initializers are
    /// optional for patterns/const (checked by the caller) and `in` is excluded.
    pub(crate) fn parse_var_declarations(&mut self, kind: VarKind, in_for: bool) -> PResult<VarDecl> {
        let mut decls = Vec::new();
        loop {
            let start = self.tok.start;
            let target = self.parse_binding_target()?;
            let mut names = Vec::new();
            target.bound_names(&mut names);
            for n in &names {
                if kind != VarKind::Var && &**n == "let" {
                    return Err(self.err(start, "let is disallowed as a lexically bound name"));
                }
                match kind {
                    VarKind::Var => self.declare_var(n, start)?,
                    VarKind::Let => self.declare_lex(n, DeclKind::Let, start)?,
                    VarKind::Const => self.declare_lex(n, DeclKind::Const, start)?,
                }
            }
            let init = if self.eat(T::Assign)? {
                Some(self.parse_assignment()?)
            } else {
                if !in_for {
                    if kind == VarKind::Const {
                        return Err(self.err(start, "Missing initializer in const declaration"));
                    }
                    if !matches!(target, Pattern::Ident(..)) {
                        return Err(self.err(start, "Missing initializer in destructuring declaration"));
                    }
                }
                None
            };
            decls.push(Declarator { span: self.span_from(start), target, init });
            if !self.eat(T::Comma)? {
                break;
            }
        }
        Ok(VarDecl { kind, decls })
    }

    pub(crate) fn parse_statement(&mut self) -> PResult<Stmt> {
        self.enter()?;
        let r = self.parse_statement_inner();
        self.leave();
        r
    }

    fn is_loop_start(&self) -> bool {
        self.tok.kind == T::Name && !self.tok.escaped && matches!(self.tok.kw, Kw::For | Kw::While | Kw::Do)
    }

    fn parse_statement_inner(&mut self) -> PResult<Stmt> {
        let start = self.tok.start;
        let is_item = std::mem::replace(&mut self.stmt_is_item, false);
        // label bookkeeping: labels directly before a loop are loop labels
        let pending = self.ctx.pending_labels;
        let is_label_candidate = self.tok.kind == T::Name;
        if self.is_loop_start() {
            for l in &mut self.ctx.labels[pending..] {
                l.is_loop = true;
            }
        }
        if !is_label_candidate {
            self.ctx.pending_labels = self.ctx.labels.len();
        }
        let kind = match self.tok.kind {
            T::LBrace => {
                self.ctx.pending_labels = self.ctx.labels.len();
                let b = self.parse_block()?;
                let declares = crate::ast::block_declares(&b);
                StmtKind::Block(b, declares)
            }
            T::Semi => {
                self.next()?;
                StmtKind::Empty
            }
            T::Name if !self.tok.escaped && self.tok.kw != Kw::None => {
                let kw = self.tok.kw;
                if !matches!(kw, Kw::Let | Kw::Yield | Kw::Await | Kw::Async | Kw::Of | Kw::Get | Kw::Set | Kw::Eval | Kw::Arguments | Kw::Static | Kw::Implements | Kw::Interface | Kw::Package | Kw::Private | Kw::Protected | Kw::Public) {
                    self.ctx.pending_labels = self.ctx.labels.len();
                }
                match kw {
                    Kw::Var => {
                        self.next()?;
                        let d = self.parse_var_declarations(VarKind::Var, false)?;
                        self.semicolon()?;
                        StmtKind::Var(Box::new(d))
                    }
                    Kw::If => self.parse_if()?,
                    Kw::For => self.parse_for(start)?,
                    Kw::While => {
                        self.next()?;
                        self.expect(T::LParen)?;
                        let test = self.parse_expression()?;
                        self.expect(T::RParen)?;
                        let body = self.parse_loop_body()?;
                        StmtKind::While(Box::new(test), Box::new(body))
                    }
                    Kw::Do => {
                        self.next()?;
                        let body = self.parse_loop_body()?;
                        if !self.is_kw(Kw::While) {
                            return Err(self.unexpected());
                        }
                        self.next()?;
                        self.expect(T::LParen)?;
                        let test = self.parse_expression()?;
                        self.expect(T::RParen)?;
                        // ASI after do-while is always allowed
                        self.eat(T::Semi)?;
                        StmtKind::DoWhile(Box::new(body), Box::new(test))
                    }
                    Kw::Continue | Kw::Break => {
                        self.next()?;
                        let mut label = None;
                        if self.tok.kind == T::Name && !self.tok.nl_before && !(self.tok.kw.is_reserved() && !self.tok.escaped) {
                            let name = self.tok_atom();
                            let found = self.ctx.labels.iter().find(|l| l.name.as_deref() == Some(&*name));
                            match found {
                                None => return Err(self.err(self.tok.start, format!("Undefined label '{}'", name))),
                                Some(l) => {
                                    if kw == Kw::Continue && !l.is_loop {
                                        return Err(self.err(self.tok.start, format!("Illegal continue statement: '{}' does not denote an iteration statement", name)));
                                    }
                                }
                            }
                            self.next()?;
                            label = Some(name);
                        } else if kw == Kw::Continue && self.ctx.loop_depth == 0 {
                            return Err(self.err(start, "Illegal continue statement: no surrounding iteration statement"));
                        } else if kw == Kw::Break && self.ctx.breakable_depth == 0 {
                            return Err(self.err(start, "Illegal break statement"));
                        }
                        self.semicolon()?;
                        if kw == Kw::Continue {
                            StmtKind::Continue(label)
                        } else {
                            StmtKind::Break(label)
                        }
                    }
                    Kw::Return => {
                        if !self.ctx.in_function {
                            return Err(self.err(start, "Illegal return statement"));
                        }
                        self.next()?;
                        let arg = if self.at(T::Semi) || self.at(T::RBrace) || self.at(T::Eof) || self.tok.nl_before {
                            None
                        } else {
                            Some(Box::new(self.parse_expression()?))
                        };
                        self.semicolon()?;
                        if arg.is_some() && self.ctx.generator && self.ctx.is_async {
                            // `return x` in an async generator awaits x
                            self.ctx.suspends.push(start);
                        }
                        StmtKind::Return(arg)
                    }
                    Kw::With => {
                        if self.strict() {
                            return Err(self.err(start, "Strict mode code may not include a with statement"));
                        }
                        self.next()?;
                        self.expect(T::LParen)?;
                        let obj = self.parse_expression()?;
                        self.expect(T::RParen)?;
                        let body = self.parse_substatement()?;
                        StmtKind::With(Box::new(obj), Box::new(body))
                    }
                    Kw::Switch => self.parse_switch()?,
                    Kw::Throw => {
                        self.next()?;
                        if self.tok.nl_before {
                            return Err(self.err(self.tok.start, "Illegal newline after throw"));
                        }
                        let e = self.parse_expression()?;
                        self.semicolon()?;
                        StmtKind::Throw(Box::new(e))
                    }
                    Kw::Try => self.parse_try()?,
                    Kw::Debugger => {
                        self.next()?;
                        self.semicolon()?;
                        StmtKind::Debugger
                    }
                    Kw::Function => {
                        return Err(self.err(start, "In this context, function declarations are not allowed"));
                    }
                    Kw::Async if { let p = self.peek()?; !p.nl_before && p.kind == T::Name && p.kw == Kw::Function && !p.escaped } => {
                        return Err(self.err(start, "Async functions can only be declared at the top level or inside a block"));
                    }
                    Kw::Class => return Err(self.err(start, "Unexpected token 'class'")),
                    Kw::Const => return Err(self.err(start, "Lexical declaration cannot appear in a single-statement context")),
                    Kw::Import | Kw::Export => return Err(self.err(start, "Cannot use import/export outside a module")),
                    Kw::Let => {
                        let p = self.peek()?;
                        if p.kind == T::LBracket {
                            return Err(self.err(start, "Lexical declaration cannot appear in a single-statement context"));
                        }
                        return self.parse_expression_statement(start, is_item);
                    }
                    _ => return self.parse_expression_statement(start, is_item),
                }
            }
            _ => return self.parse_expression_statement(start, is_item),
        };
        Ok(Stmt { span: self.span_from(start), kind })
    }

    fn parse_expression_statement(&mut self, start: u32, is_item: bool) -> PResult<Stmt> {
        let t = self.tok;
        let e = self.parse_expression()?;
        if self.at(T::Colon) && t.kind == T::Name && matches!(e.kind, ExprKind::Ident(..)) && e.span.start == t.start && e.span.end == t.end {
            // labelled statement
            let name = match e.kind {
                ExprKind::Ident(n, _) => n,
                _ => unreachable!(),
            };
            if self.ctx.labels.iter().any(|l| l.name.as_deref() == Some(&*name)) {
                return Err(self.err(start, format!("Label '{}' has already been declared", name)));
            }
            self.next()?;
            self.ctx.labels.push(Label { name: Some(name.clone()), is_loop: false });
            let body = if self.is_kw(Kw::Function) {
                if self.strict() || !is_item {
                    return Err(self.err(self.tok.start, "In strict mode code, functions can only be declared at top level or inside a block"));
                }
                self.ctx.pending_labels = self.ctx.labels.len();
                self.parse_function_declaration(true)?
            } else {
                self.stmt_is_item = is_item;
                self.parse_statement()?
            };
            self.ctx.labels.pop();
            if self.ctx.pending_labels > self.ctx.labels.len() {
                self.ctx.pending_labels = self.ctx.labels.len();
            }
            return Ok(Stmt { span: self.span_from(start), kind: StmtKind::Labeled(name, Box::new(body)) });
        }
        self.ctx.pending_labels = self.ctx.labels.len();
        self.semicolon()?;
        Ok(Stmt { span: self.span_from(start), kind: StmtKind::Expr(Box::new(e)) })
    }

    pub(crate) fn parse_block(&mut self) -> PResult<Vec<Stmt>> {
        self.expect(T::LBrace)?;
        self.push_scope(false);
        let mut body = Vec::new();
        while !self.at(T::RBrace) {
            if self.at(T::Eof) {
                return Err(self.unexpected());
            }
            body.push(self.parse_statement_list_item()?);
        }
        self.pop_scope();
        self.next()?;
        Ok(body)
    }

    /// The body of if/with/labelled statements (Annex B allows function declarations
    /// after `if` in sloppy mode).
    fn parse_substatement(&mut self) -> PResult<Stmt> {
        self.parse_statement()
    }

    fn parse_loop_body(&mut self) -> PResult<Stmt> {
        self.ctx.loop_depth += 1;
        self.ctx.breakable_depth += 1;
        let r = self.parse_statement();
        self.ctx.loop_depth -= 1;
        self.ctx.breakable_depth -= 1;
        r
    }

    fn parse_if_branch(&mut self) -> PResult<Stmt> {
        if self.is_kw(Kw::Function) && !self.strict() {
            // Annex B.3.4: FunctionDeclarations in IfStatement clauses
            let start = self.tok.start;
            self.push_scope(false);
            let f = self.parse_function_declaration(true)?;
            self.pop_scope();
            return Ok(Stmt { span: self.span_from(start), kind: StmtKind::Block(vec![f], true) });
        }
        self.parse_statement()
    }

    fn parse_if(&mut self) -> PResult<StmtKind> {
        self.next()?;
        self.expect(T::LParen)?;
        let test = self.parse_expression()?;
        self.expect(T::RParen)?;
        let cons = self.parse_if_branch()?;
        let alt = if self.is_kw(Kw::Else) {
            self.next()?;
            Some(Box::new(self.parse_if_branch()?))
        } else {
            None
        };
        Ok(StmtKind::If(Box::new(test), Box::new(cons), alt))
    }

    fn parse_for(&mut self, start: u32) -> PResult<StmtKind> {
        self.next()?;
        let mut is_await = false;
        if self.is_name("await") {
            if !self.ctx.is_async || self.ctx.in_params {
                return Err(self.err(self.tok.start, "for await is only valid in async functions"));
            }
            is_await = true;
            self.next()?;
        }
        self.expect(T::LParen)?;
        self.push_scope(false);
        let r = self.parse_for_rest();
        self.pop_scope();
        if !is_await {
            return r;
        }
        match r? {
            StmtKind::ForOf { left, right, body } => {
                // every step of the loop awaits
                self.ctx.suspends.push(start);
                Ok(StmtKind::ForAwait { left, right, body })
            }
            _ => Err(self.err(start, "for await requires an of-loop")),
        }
    }

    fn parse_for_rest(&mut self) -> PResult<StmtKind> {
        let init_start = self.tok.start;
        let mut init: Option<ForInit> = None;
        if self.at(T::Semi) {
            // no init
        } else {
            let decl_kind = if self.is_kw(Kw::Var) {
                Some(VarKind::Var)
            } else if self.is_kw(Kw::Const) {
                Some(VarKind::Const)
            } else if self.is_kw(Kw::Let) {
                let p = self.peek()?;
                if p.kind == T::LBracket || p.kind == T::LBrace || (p.kind == T::Name && !(p.kw == Kw::In || p.kw == Kw::Of && !p.escaped && false)) {
                    if p.kind == T::Name && (p.kw == Kw::In || p.kw == Kw::Instanceof) {
                        None
                    } else {
                        Some(VarKind::Let)
                    }
                } else {
                    None
                }
            } else {
                None
            };
            if let Some(kind) = decl_kind {
                self.next()?;
                let saved = std::mem::replace(&mut self.no_in, true);
                let d = self.parse_var_declarations(kind, true);
                self.no_in = saved;
                let d = d?;
                if self.at(T::Name) && !self.tok.escaped && (self.tok.kw == Kw::In || self.tok.kw == Kw::Of) {
                    let is_of = self.tok.kw == Kw::Of;
                    if d.decls.len() != 1 {
                        return Err(self.err(init_start, "Invalid left-hand side in for-in/of loop: must have a single binding"));
                    }
                    if d.decls[0].init.is_some() {
                        let ok = !is_of && !self.strict() && kind == VarKind::Var && matches!(d.decls[0].target, Pattern::Ident(..));
                        if !ok {
                            return Err(self.err(init_start, "for-in/of loop variable declaration may not have an initializer"));
                        }
                    }
                    return self.parse_for_in_of(ForHead::Var(Box::new(d)), is_of);
                }
                for dcl in &d.decls {
                    if dcl.init.is_none() && (kind == VarKind::Const || !matches!(dcl.target, Pattern::Ident(..))) {
                        return Err(self.err(dcl.span.start, "Missing initializer in declaration"));
                    }
                }
                init = Some(ForInit::Var(Box::new(d)));
            } else {
                let starts_with_let = self.is_kw(Kw::Let);
                let t0 = self.tok;
                let saved = std::mem::replace(&mut self.no_in, true);
                let saved_cover = self.cover_err.take();
                self.assign_start = self.tok.start;
                let e = self.parse_expression_cover();
                self.no_in = saved;
                let e = e?;
                if self.at(T::Name) && !self.tok.escaped && (self.tok.kw == Kw::In || self.tok.kw == Kw::Of) {
                    let is_of = self.tok.kw == Kw::Of;
                    if is_of && starts_with_let && matches!(e.kind, ExprKind::Ident(..)) && e.span.end == t0.end {
                        return Err(self.err(init_start, "The left-hand side of a for-of loop may not be 'let'"));
                    }
                    if is_of && t0.kind == T::Name && !t0.escaped && &self.src[t0.start as usize..t0.end as usize] == "async" && e.span.end == t0.end {
                        return Err(self.err(init_start, "The left-hand side of a for-of loop may not be 'async'"));
                    }
                    self.cover_err = None;
                    let pat = self.expr_to_pattern(e, false)?;
                    self.cover_err = saved_cover;
                    return self.parse_for_in_of(ForHead::Pattern(Box::new(pat)), is_of);
                }
                if let Some((at, m)) = self.cover_err.take() {
                    return Err(self.err(at, m));
                }
                self.cover_err = saved_cover;
                init = Some(ForInit::Expr(Box::new(e)));
            }
        }
        self.expect(T::Semi)?;
        let test = if self.at(T::Semi) { None } else { Some(Box::new(self.parse_expression()?)) };
        self.expect(T::Semi)?;
        let update = if self.at(T::RParen) { None } else { Some(Box::new(self.parse_expression()?)) };
        self.expect(T::RParen)?;
        let body = self.parse_loop_body()?;
        Ok(StmtKind::For { init, test, update, body: Box::new(body) })
    }

    fn parse_for_in_of(&mut self, left: ForHead, is_of: bool) -> PResult<StmtKind> {
        self.next()?;
        let right = if is_of { self.parse_assignment()? } else { self.parse_expression()? };
        self.expect(T::RParen)?;
        let body = self.parse_loop_body()?;
        Ok(if is_of {
            StmtKind::ForOf { left, right: Box::new(right), body: Box::new(body) }
        } else {
            StmtKind::ForIn { left, right: Box::new(right), body: Box::new(body) }
        })
    }

    fn parse_switch(&mut self) -> PResult<StmtKind> {
        self.next()?;
        self.expect(T::LParen)?;
        let disc = self.parse_expression()?;
        self.expect(T::RParen)?;
        self.expect(T::LBrace)?;
        self.push_scope(false);
        self.ctx.breakable_depth += 1;
        let mut cases = Vec::new();
        let mut seen_default = false;
        while !self.at(T::RBrace) {
            let cstart = self.tok.start;
            let test = if self.is_kw(Kw::Case) {
                self.next()?;
                Some(self.parse_expression()?)
            } else if self.is_kw(Kw::Default) {
                if seen_default {
                    return Err(self.err(cstart, "More than one default clause in switch statement"));
                }
                seen_default = true;
                self.next()?;
                None
            } else {
                return Err(self.unexpected());
            };
            self.expect(T::Colon)?;
            let mut body = Vec::new();
            while !(self.at(T::RBrace) || self.is_kw(Kw::Case) || self.is_kw(Kw::Default)) {
                if self.at(T::Eof) {
                    return Err(self.unexpected());
                }
                body.push(self.parse_statement_list_item()?);
            }
            cases.push(SwitchCase { span: self.span_from(cstart), test, body });
        }
        self.ctx.breakable_depth -= 1;
        self.pop_scope();
        self.next()?;
        Ok(StmtKind::Switch(Box::new(disc), cases))
    }

    fn parse_try(&mut self) -> PResult<StmtKind> {
        self.next()?;
        let block = self.parse_block()?;
        let mut handler = None;
        let mut finalizer = None;
        if self.is_kw(Kw::Catch) {
            let cstart = self.tok.start;
            self.next()?;
            self.push_scope(false);
            let param = if self.eat(T::LParen)? {
                let p = self.parse_binding_target()?;
                let mut names = Vec::new();
                p.bound_names(&mut names);
                for (i, n) in names.iter().enumerate() {
                    if names[..i].contains(n) {
                        return Err(self.err(cstart, format!("Identifier '{}' has already been declared", n)));
                    }
                }
                let sc = self.scopes.last_mut().unwrap();
                sc.catch_params = names;
                sc.catch_is_pattern = !matches!(p, Pattern::Ident(..));
                self.expect(T::RParen)?;
                Some(p)
            } else {
                None
            };
            self.expect(T::LBrace)?;
            let mut body = Vec::new();
            while !self.at(T::RBrace) {
                if self.at(T::Eof) {
                    return Err(self.unexpected());
                }
                body.push(self.parse_statement_list_item()?);
            }
            self.next()?;
            self.pop_scope();
            handler = Some(Box::new(Catch { param, body, span: self.span_from(cstart) }));
        }
        if self.is_kw(Kw::Finally) {
            self.next()?;
            finalizer = Some(self.parse_block()?);
        }
        if handler.is_none() && finalizer.is_none() {
            return Err(self.err(self.tok.start, "Missing catch or finally after try"));
        }
        Ok(StmtKind::Try { block, handler, finalizer })
    }
}
