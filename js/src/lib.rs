//! JavaScript on the ken heap: lexer, parser, tree-walking interpreter, built-ins, collector.
//!
//! Layout: `parser/` + `ast` (syntax), `vm/` (values, cells, objects, strings, collector on the
//! ken heap), `interp/` (evaluation), `builtins/` (one module per global object), `runtime`
//! (the embedder API: turns), `display` (node-style printing).

pub mod ast;
pub mod builtins;
pub mod display;
pub mod error;
pub mod host;
pub mod interp;
pub mod lexer;
pub mod parser;
pub mod regexp;
pub mod runtime;
pub mod test262;
mod unicode_tables;
pub mod vm;

pub use error::SyntaxError;
pub use parser::{ParseOptions, Parser};
pub use api::*;
pub use host::{Delivery, OutQueue};
pub use runtime::{InterruptHandle, Runtime, Uncaught};
pub use vm::Value;

mod api;
