//! Ken for Rust: the facade crate. Re-exports the persistent heap (`ken`) and the JavaScript engine (`js`).
pub use js;
pub use ken;
