//! JavaScript on the ken heap: lexer, parser, interpreter (in progress).

pub mod ast;
pub mod error;
pub mod lexer;
pub mod parser;
pub mod regexp;
mod unicode_tables;
pub mod test262;

pub use error::SyntaxError;
pub use parser::{ParseOptions, Parser};
pub use api::*;

mod api;
