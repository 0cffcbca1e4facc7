//! `Map`, `Set`, `WeakMap`, `WeakSet`.

use super::NativeDef;
use crate::vm::{JsResult, Value, Vm};

pub const NATIVES: &[NativeDef] = &[];

pub fn init(_vm: &mut Vm) -> JsResult<()> {
    Ok(())
}

/// Node-style printing of collection objects (None: not a collection).
pub fn inspect_special(_vm: &mut Vm, _v: Value) -> JsResult<Option<String>> {
    Ok(None)
}
