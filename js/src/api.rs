//! Public entry points of the parser.

use std::rc::Rc;

use crate::ast::*;
use crate::error::SyntaxError;
use crate::parser::{ParseOptions, Parser};

/// Parses a script. `strict` starts in strict mode (as if it began with "use strict").
pub fn parse_script(source: &str, strict: bool) -> Result<Program, SyntaxError> {
    let opts = ParseOptions { strict, ..Default::default() };
    parse_with_options(source, &opts)
}

/// Parses script or eval code with explicit options (eval flags, nesting limits).
pub fn parse_with_options(source: &str, opts: &ParseOptions) -> Result<Program, SyntaxError> {
    let mut p = Parser::new(source, opts);
    p.parse_program()
}

/// Parses eval code. For direct eval inside a function pass `allow_new_target`,
/// inside methods `allow_super_property`, etc.; `strict` when the caller is strict.
pub fn parse_eval(source: &str, opts: &ParseOptions) -> Result<Program, SyntaxError> {
    parse_with_options(source, opts)
}

/// Parses UTF-8 bytes; invalid UTF-8 is reported as a SyntaxError at the first bad byte.
pub fn parse_bytes(bytes: &[u8], strict: bool) -> Result<Program, SyntaxError> {
    match std::str::from_utf8(bytes) {
        Ok(s) => parse_script(s, strict),
        Err(e) => {
            let off = e.valid_up_to();
            let prefix = std::str::from_utf8(&bytes[..off]).unwrap_or("");
            let mut err = SyntaxError::at(prefix, off as u32, format!("invalid UTF-8 in source at byte offset {}", off));
            err.offset = off as u32;
            Err(err)
        }
    }
}

/// What a persisted function source text is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FunctionTextKind {
    /// `function f(...) {...}` (declaration or expression text).
    Function,
    /// `(a, b) => ...` or `a => ...`.
    Arrow,
    /// A method, getter or setter text: `m(a) {...}`, `get x() {...}`, `set x(v) {...}`,
    /// `[expr](a) {...}`, `"str"() {...}`.
    Method,
}

/// Re-parses the exact source text of ONE function (as stored from `&src[f.span]`).
/// `opts` gives the context the function was defined in: `strict` if the enclosing
/// code was strict; for arrows `allow_new_target`/`allow_super_*` of the enclosing
/// function; for methods, `allow_super_call` when it is a derived-class constructor.
pub fn reparse_function(text: &str, kind: FunctionTextKind, opts: &ParseOptions) -> Result<Rc<Function>, SyntaxError> {
    let mut p = Parser::new(text, opts);
    let f = p.parse_single_function(kind)?;
    Ok(f)
}

/// Re-parses the source text of a class (`class A extends B {...}`).
pub fn reparse_class(text: &str, opts: &ParseOptions) -> Result<Box<Class>, SyntaxError> {
    let mut p = Parser::new(text, opts);
    p.parse_single_class()
}

/// `new Function(p1, ..., pn, body)`: checks the parameter text and the body
/// separately (so neither can close the other early), then parses the assembled
/// source `function anonymous(<params>\n) {\n<body>\n}`. Returns the source text
/// (the function's `toString`) and the parsed function.
pub fn parse_function_constructor(params: &str, body: &str) -> Result<(String, Rc<Function>), SyntaxError> {
    parse_function_constructor_kind(params, body, false, false)
}

/// `new Function` / `GeneratorFunction` / `AsyncFunction`: as above, with the body parsed as a
/// generator and/or async body.
pub fn parse_function_constructor_kind(params: &str, body: &str, generator: bool, is_async: bool) -> Result<(String, Rc<Function>), SyntaxError> {
    let opts = ParseOptions::default();
    // the parameters must form a complete FormalParameters list
    {
        let wrapped = format!("({}\n)", params);
        let mut p = Parser::new(&wrapped, &opts);
        p.ctx.generator = generator;
        p.ctx.is_async = is_async;
        p.ctx.in_params = true;
        p.check_formal_parameters_text()?;
    }
    {
        let mut p = Parser::new(body, &opts);
        p.ctx.generator = generator;
        p.ctx.is_async = is_async;
        p.check_function_body_text()?;
    }
    let text = format!("{}function{} anonymous({}\n) {{\n{}\n}}", if is_async { "async " } else { "" }, if generator { "*" } else { "" }, params, body);
    let f = reparse_function(&text, FunctionTextKind::Function, &opts)?;
    Ok((text, f))
}
