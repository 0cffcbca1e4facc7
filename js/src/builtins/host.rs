//! The host's globals: timers (`setTimeout`, `setInterval`, `clearTimeout`, `clearInterval`)
//! and messages (`send`). Their state lives in the heap, in the `I::Host` object, so that a
//! timer or a queued message survives a crash like everything else:
//!
//! ```text
//! host.session    16 hex digits: this heap's messaging incarnation
//! host.timerNext  the next timer id
//! host.timers     { id: { due (ms since the epoch), period (-1: once), fn, args } }
//! host.out        { "IP:PORT": { head, next, q: { seq: payload } } }   unacknowledged messages
//! host.in         { "IP:PORT": { session, last } }                     last delivered per sender
//! host.inbox      { head, next, q: { n: { from, data } } }             waiting for receive()
//! ```
//!
//! A payload is the message's JSON text, fixed when `send` runs. The runtime side (turns that
//! fire timers, deliver messages, apply acknowledgements) is in `crate::host`.

use super::{def, json, NativeDef};
use crate::interp::access::Args;
use crate::vm::object::{attr, class, PropKey};
use crate::vm::{JsResult, Value, Vm, I};

pub const NATIVES: &[NativeDef] = &[
    def("setTimeout", set_timeout, 1),
    def("setInterval", set_interval, 1),
    def("clearTimeout", clear_timer, 1),
    def("clearInterval", clear_timer, 1),
    def("send", send, 2),
];

/// The largest payload (UTF-8 bytes of the JSON text) one datagram carries.
pub const MAX_PAYLOAD: usize = 60_000;
/// Node's largest delay (2^31 - 1 ms); larger or invalid delays become 1 ms, as in node.
const TIMEOUT_MAX: f64 = 2_147_483_647.0;
/// Nesting deeper than this is refused by `send` (the receiver parses it recursively).
const MAX_DEPTH: usize = 500;

pub fn init(vm: &mut Vm) -> JsResult<()> {
    let host = vm.new_object_with(class::ORDINARY, Value::NULL, 0)?;
    vm.set_intrinsic(I::Host, host);
    let session = format!("{:016x}", new_session_id());
    let s = vm.str_from(&session)?;
    vm.put_str(host, "session", s, attr::WEC)?;
    vm.put_str(host, "timerNext", Value::num(1.0), attr::WEC)?;
    for name in ["timers", "out", "in"] {
        let o = vm.new_object_with(class::ORDINARY, Value::NULL, 0)?;
        vm.put_str(host, name, o, attr::WEC)?;
    }
    let inbox = new_queue(vm)?;
    vm.put_str(host, "inbox", inbox, attr::WEC)?;
    let g = vm.global();
    vm.def_methods(g, &["setTimeout", "setInterval", "clearTimeout", "clearInterval", "send"])
}

/// A session id that grows with the creation time (nanoseconds since the epoch, the low 16
/// bits random): a receiver takes a sender's new incarnation only when its id is larger than
/// the one it knows, so a replayed datagram of an older incarnation is refused.
fn new_session_id() -> u64 {
    use std::hash::{BuildHasher, Hasher};
    let t = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap_or_default();
    let mut h = std::collections::hash_map::RandomState::new().build_hasher();
    h.write_u32(std::process::id());
    (t.as_nanos() as u64 & !0xFFFF) | (h.finish() & 0xFFFF)
}

pub fn now_ms() -> f64 {
    let t = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap_or_default();
    t.as_secs_f64() * 1000.0
}

// ----- small accessors over the host object (data properties only; no user code runs) -----

pub fn get(vm: &mut Vm, o: Value, name: &str) -> Value {
    let Ok(k) = vm.key_from_str(name) else { return Value::UNDEFINED };
    vm.get_own(o, k).filter(|p| !p.is_accessor()).map(|p| p.value).unwrap_or(Value::UNDEFINED)
}

pub fn get_num(vm: &mut Vm, o: Value, name: &str) -> f64 {
    let v = get(vm, o, name);
    if v.is_num() {
        v.as_num()
    } else {
        f64::NAN
    }
}

pub fn host_part(vm: &mut Vm, name: &str) -> Value {
    let h = vm.i(I::Host);
    get(vm, h, name)
}

/// A queue record `{ head, next, q }`: entries `q[head] .. q[next - 1]`.
pub fn new_queue(vm: &mut Vm) -> JsResult<Value> {
    let r = vm.new_object_with(class::ORDINARY, Value::NULL, 0)?;
    vm.stack.push(r);
    let q = vm.new_object_with(class::ORDINARY, Value::NULL, 0);
    vm.stack.pop();
    let q = q?;
    vm.put_str(r, "head", Value::num(1.0), attr::WEC)?;
    vm.put_str(r, "next", Value::num(1.0), attr::WEC)?;
    vm.put_str(r, "q", q, attr::WEC)?;
    Ok(r)
}

/// Appends `v` to the queue record `r`; returns its sequence number.
pub fn queue_push(vm: &mut Vm, r: Value, v: Value) -> JsResult<u64> {
    let next = get_num(vm, r, "next") as u64;
    if next >= u32::MAX as u64 {
        return Err(vm.throw_range("send: this peer's message sequence numbers are exhausted"));
    }
    let q = get(vm, r, "q");
    vm.put(q, PropKey::Index(next as u32), v, attr::WEC)?;
    vm.put_str(r, "next", Value::num((next + 1) as f64), attr::WEC)?;
    Ok(next)
}

/// Removes the entries up to and including `upto`; an emptied queue gets a fresh table, so
/// that the sequence numbers of the past do not keep storage alive.
pub fn queue_drop_through(vm: &mut Vm, r: Value, upto: u64) -> JsResult<()> {
    let head = get_num(vm, r, "head") as u64;
    let next = get_num(vm, r, "next") as u64;
    if upto < head || upto >= next {
        return Ok(());
    }
    if upto + 1 == next {
        let q = vm.new_object_with(class::ORDINARY, Value::NULL, 0)?;
        vm.put_str(r, "q", q, attr::WEC)?;
    } else {
        let q = get(vm, r, "q");
        for s in head..=upto {
            vm.delete_own(q, PropKey::Index(s as u32));
        }
    }
    vm.put_str(r, "head", Value::num((upto + 1) as f64), attr::WEC)
}

pub fn queue_get(vm: &mut Vm, r: Value, seq: u64) -> Value {
    let q = get(vm, r, "q");
    if !q.is_obj() || seq >= u32::MAX as u64 {
        return Value::UNDEFINED;
    }
    vm.get_own(q, PropKey::Index(seq as u32)).map(|p| p.value).unwrap_or(Value::UNDEFINED)
}

// ----- timers ------------------------------------------------------------------------------

fn add_timer(vm: &mut Vm, a: &Args, repeat: bool) -> JsResult<Value> {
    let f = a.get(vm, 0);
    if !vm.is_callable(f) {
        let what = if repeat { "setInterval" } else { "setTimeout" };
        return Err(vm.throw_type(&format!("{what}: the callback must be a function")));
    }
    let d = vm.to_number(a.get(vm, 1))?;
    let delay = if d >= 1.0 && d <= TIMEOUT_MAX { d.trunc() } else { 1.0 };
    let extra: Vec<Value> = (2..a.argc).map(|i| a.get(vm, i)).collect();
    let args = vm.new_array(&extra)?;
    vm.stack.push(args);
    let rec = vm.new_object_with(class::ORDINARY, Value::NULL, 0);
    vm.stack.pop();
    let rec = rec?;
    vm.put_str(rec, "args", args, attr::WEC)?;
    vm.put_str(rec, "fn", f, attr::WEC)?;
    vm.put_str(rec, "due", Value::num(now_ms() + delay), attr::WEC)?;
    vm.put_str(rec, "period", Value::num(if repeat { delay } else { -1.0 }), attr::WEC)?;
    let h = vm.i(I::Host);
    let id = get_num(vm, h, "timerNext");
    if id >= u32::MAX as f64 {
        return Err(vm.throw_range("timer ids are exhausted"));
    }
    vm.put_str(h, "timerNext", Value::num(id + 1.0), attr::WEC)?;
    let timers = get(vm, h, "timers");
    vm.put(timers, PropKey::Index(id as u32), rec, attr::WEC)?;
    Ok(Value::num(id))
}

fn set_timeout(vm: &mut Vm, a: &Args) -> JsResult<Value> {
    add_timer(vm, a, false)
}
fn set_interval(vm: &mut Vm, a: &Args) -> JsResult<Value> {
    add_timer(vm, a, true)
}

fn clear_timer(vm: &mut Vm, a: &Args) -> JsResult<Value> {
    let id = a.get(vm, 0);
    if id.is_num() {
        let n = id.as_num();
        if n >= 1.0 && n < u32::MAX as f64 && n.fract() == 0.0 {
            let timers = host_part(vm, "timers");
            vm.delete_own(timers, PropKey::Index(n as u32));
        }
    }
    // like node: anything else (undefined, a stale id) is ignored
    Ok(Value::UNDEFINED)
}

// ----- messages ----------------------------------------------------------------------------

/// `send(addr, value)`: queues the message in the heap; the host transmits it after the turn
/// commits and until the receiver acknowledges it.
fn send(vm: &mut Vm, a: &Args) -> JsResult<Value> {
    let addr = a.get(vm, 0);
    if !addr.is_str() {
        return Err(vm.throw_type("send: the address must be a string \"IP:PORT\""));
    }
    let text = vm.string_lossy(addr);
    let Ok(sa) = text.parse::<std::net::SocketAddr>() else {
        return Err(vm.throw_type(&format!("send: {text:?} is not an address \"IP:PORT\"")));
    };
    if sa.port() == 0 || sa.ip().is_unspecified() {
        return Err(vm.throw_type(&format!("send: {text:?} is not an address one can send to")));
    }
    let value = a.get(vm, 1);
    let mut out = Vec::new();
    if !value.is_undefined() {
        let mut open = Vec::new();
        encode(vm, value, &mut out, &mut open)?;
    }
    let bytes = utf8_len(&out);
    if bytes > MAX_PAYLOAD {
        return Err(vm.throw_range(&format!("send: the message is {bytes} bytes as JSON; one message carries at most {MAX_PAYLOAD}")));
    }
    let payload = vm.new_string(&out)?;
    vm.stack.push(payload);
    let r = queue_for(vm, &sa.to_string()).and_then(|q| queue_push(vm, q, payload));
    vm.stack.pop();
    r?;
    Ok(Value::UNDEFINED)
}

/// The outgoing queue record for `addr` (created on first use).
fn queue_for(vm: &mut Vm, addr: &str) -> JsResult<Value> {
    let out = host_part(vm, "out");
    let q = get(vm, out, addr);
    if q.is_obj() {
        return Ok(q);
    }
    let q = new_queue(vm)?;
    vm.put_str(out, addr, q, attr::WEC)?;
    Ok(q)
}

fn utf8_len(units: &[u16]) -> usize {
    char::decode_utf16(units.iter().copied()).map(|c| c.map(|c| c.len_utf8()).unwrap_or(3)).sum()
}

/// The JSON text of a data value. Functions, symbols, BigInts, cycles and objects other
/// than arrays and plain objects are refused with a TypeError (a message is data, never code).
fn encode(vm: &mut Vm, v: Value, out: &mut Vec<u16>, open: &mut Vec<Value>) -> JsResult<()> {
    if !v.is_obj() {
        if v.is_sym() {
            return Err(vm.throw_type("send: a symbol is not data (messages carry numbers, strings, booleans, null, arrays and plain objects)"));
        }
        if v.is_null() || v.is_bool() || v.is_num() || v.is_str() || v.is_undefined() {
            json::write_prim(vm, out, if v.is_undefined() { Value::NULL } else { v });
            return Ok(());
        }
        return Err(vm.throw_type("send: a BigInt is not data (messages carry numbers, strings, booleans, null, arrays and plain objects)"));
    }
    if vm.is_callable(v) {
        return Err(vm.throw_type("send: a function is not data (messages carry values, never code)"));
    }
    if open.contains(&v) {
        return Err(vm.throw_type("send: the value contains a cycle (a message must be a tree of data)"));
    }
    if open.len() >= MAX_DEPTH {
        return Err(vm.throw_range(&format!("send: the value is nested more than {MAX_DEPTH} levels deep")));
    }
    let cls = vm.class_of(v);
    open.push(v);
    let r = match cls {
        class::ARRAY => encode_array(vm, v, out, open),
        class::ORDINARY => encode_object(vm, v, out, open),
        _ => Err(vm.throw_type("send: only arrays and plain objects are data (this object is of another kind: a Date, Map, Error, boxed value ...)")),
    };
    open.pop();
    r
}

fn encode_array(vm: &mut Vm, v: Value, out: &mut Vec<u16>, open: &mut Vec<Value>) -> JsResult<()> {
    out.push(b'[' as u16);
    let n = vm.array_len(v);
    for i in 0..n {
        if i > 0 {
            out.push(b',' as u16);
        }
        let e = match vm.get_own(v, PropKey::Index(i)) {
            None => Value::UNDEFINED,
            Some(p) if p.is_accessor() => return Err(vm.throw_type(&format!("send: element {i} is an accessor (messages carry data properties only)"))),
            Some(p) => p.value,
        };
        encode(vm, e, out, open)?;
    }
    out.push(b']' as u16);
    Ok(())
}

fn encode_object(vm: &mut Vm, v: Value, out: &mut Vec<u16>, open: &mut Vec<Value>) -> JsResult<()> {
    out.push(b'{' as u16);
    let mut first = true;
    for k in vm.own_keys(v) {
        if k.is_symbol() {
            continue;
        }
        let Some(p) = vm.get_own(v, k) else { continue };
        if !p.enumerable() {
            continue;
        }
        if p.is_accessor() {
            let name = vm.key_display(k);
            return Err(vm.throw_type(&format!("send: property {name} is an accessor (messages carry data properties only)")));
        }
        // as JSON: a property whose value is undefined is left out
        if p.value.is_undefined() {
            continue;
        }
        if !first {
            out.push(b',' as u16);
        }
        first = false;
        json::write_key(vm, out, k);
        out.push(b':' as u16);
        encode(vm, p.value, out, open)?;
    }
    out.push(b'}' as u16);
    Ok(())
}

/// The value of a received payload (its JSON text; empty for `undefined`). None when the text
/// is not JSON (a datagram that passed its checksum but was not made by `send`).
pub fn decode(vm: &mut Vm, units: &[u16]) -> Option<JsResult<Value>> {
    if units.is_empty() {
        return Some(Ok(Value::UNDEFINED));
    }
    match json::parse_text(vm, units) {
        Ok(v) => Some(Ok(v)),
        Err(crate::vm::Throw::Exception) => None,
        Err(t) => Some(Err(t)),
    }
}
