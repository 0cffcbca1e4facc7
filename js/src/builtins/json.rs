//! `JSON`.

use super::NativeDef;
use crate::vm::{JsResult, Vm};

pub const NATIVES: &[NativeDef] = &[];

pub fn init(_vm: &mut Vm) -> JsResult<()> {
    Ok(())
}
