//! Ken for Rust: the facade crate. Re-exports the persistent heap (`ken`) and the JavaScript engine (`js`);
//! `net` is the datagram format of messages between sessions.
pub use js;
pub use ken;
pub mod net;
