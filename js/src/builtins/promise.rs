//! `Promise` and the job queue (HostEnqueuePromiseJob).
//!
//! The Rust API other parts of the engine use (async functions, `await`, host turns):
//!
//! - [`new_promise`]`(vm) -> JsResult<Value>`: a pending promise with %Promise.prototype%.
//! - [`resolve_promise`]`(vm, p, value)`: what a promise's resolve function does (a thenable
//!   is followed through a job; `p` itself is a TypeError rejection).
//! - [`reject_promise`]`(vm, p, reason)` and [`fulfill_promise`]`(vm, p, value)`.
//! - [`promise_resolve`]`(vm, value) -> JsResult<Value>`: PromiseResolve(%Promise%, value).
//! - [`perform_then`]`(vm, p, on_fulfilled, on_rejected)`: PerformPromiseThen without a result
//!   capability (for `await`); a handler that is not callable passes the value through. A
//!   handler that throws there has nowhere to go: the job's exception aborts the turn.
//! - [`Vm::enqueue_call_job`]`(f, arg)`: a job that calls `f(arg)`.
//! - [`run_jobs`]`(vm)`: runs the queue until it is empty (the runtime calls it at the end of
//!   every turn, before the commit).
//! - [`is_promise`]`(vm, v)`.
//!
//! A promise (class PROMISE) keeps in its class slots: its state, its result, its reaction
//! list (a linked list of LIST cells, newest first) and whether a handler was ever attached.
//! The job queue is a linked list of LIST cells hung from the intrinsic `JobQueue` (a LIST
//! `[head, tail]`), so pending jobs are rooted and persist with the heap like everything else.
//! Rejections that no handler took are collected in `Vm::unhandled_rejections` while a turn
//! runs; the runtime reports them when the turn's jobs are done.

use super::{def, NativeDef};
use crate::interp::access::Args;
use crate::vm::object::{attr, class, flag, PropKey};
use crate::vm::{JsResult, Throw, Value, Vm, A, I};

pub const NATIVES: &[NativeDef] = &[
    def("Promise", promise_ctor, 1),
    def("Promise.all", promise_all, 1),
    def("Promise.allSettled", promise_all_settled, 1),
    def("Promise.any", promise_any, 1),
    def("Promise.race", promise_race, 1),
    def("Promise.reject", promise_reject_static, 1),
    def("Promise.resolve", promise_resolve_static, 1),
    def("Promise.withResolvers", promise_with_resolvers, 0),
    def("get Promise[Symbol.species]", species, 0),
    def("Promise.prototype.then", then, 2),
    def("Promise.prototype.catch", catch, 1),
    def("Promise.prototype.finally", finally, 1),
    def("%PromiseResolveFunction%", resolve_function, 1),
    def("%PromiseRejectFunction%", reject_function, 1),
    def("%GetCapabilitiesExecutor%", capabilities_executor, 2),
    def("%PromiseAllResolveElement%", all_resolve_element, 1),
    def("%PromiseAllSettledResolveElement%", all_settled_resolve_element, 1),
    def("%PromiseAllSettledRejectElement%", all_settled_reject_element, 1),
    def("%PromiseAnyRejectElement%", any_reject_element, 1),
    def("%ThenFinally%", then_finally, 1),
    def("%CatchFinally%", catch_finally, 1),
    def("%FinallyValueThunk%", value_thunk, 0),
    def("%FinallyThrower%", thrower, 0),
];

// promise class slots
const S_STATE: usize = 0;
const S_RESULT: usize = 1;
const S_REACTIONS: usize = 2;
const S_HANDLED: usize = 3;
const PROMISE_SLOTS: usize = 4;

const PENDING: u64 = 0;
const FULFILLED: u64 = 1;
const REJECTED: u64 = 2;

// job kinds (word 2 of a job cell)
const JOB_REACTION: u64 = 0;
const JOB_THENABLE: u64 = 1;
const JOB_CALL: u64 = 2;

/// The first class slot of a native closure (slot 0 is its native id, slot 1 is unused).
const DATA: usize = 2;

pub fn init(vm: &mut Vm) -> JsResult<()> {
    let queue = vm.new_list(&[Value::UNDEFINED, Value::UNDEFINED])?;
    vm.set_intrinsic(I::JobQueue, queue);
    let op = vm.i(I::ObjectProto);
    let proto = vm.new_plain(op)?;
    vm.set_intrinsic(I::PromiseProto, proto);
    let c = vm.def_ctor("Promise", proto)?;
    vm.set_intrinsic(I::Promise, c);
    vm.def_methods(c, &["Promise.all", "Promise.allSettled", "Promise.any", "Promise.race", "Promise.reject", "Promise.resolve", "Promise.withResolvers"])?;
    vm.def_getter(c, "get Promise[Symbol.species]", None)?;
    vm.def_methods(proto, &["Promise.prototype.then", "Promise.prototype.catch", "Promise.prototype.finally"])?;
    let tag = vm.str_from("Promise")?;
    let tk = vm.i(I::SymToStringTag);
    vm.put(proto, PropKey::Key(tk), tag, attr::C)?;
    Ok(())
}

// ----- promises -------------------------------------------------------------------------------

pub fn is_promise(vm: &Vm, v: Value) -> bool {
    v.is_obj() && vm.class_of(v) == class::PROMISE
}

fn new_promise_with(vm: &mut Vm, proto: Value) -> JsResult<Value> {
    let p = vm.new_object_with(class::PROMISE, proto, PROMISE_SLOTS)?;
    vm.set_slot(p, S_STATE, Value::int(PENDING));
    vm.set_slot(p, S_HANDLED, Value::FALSE);
    Ok(p)
}

/// A new pending promise with %Promise.prototype%.
pub fn new_promise(vm: &mut Vm) -> JsResult<Value> {
    let proto = vm.i(I::PromiseProto);
    new_promise_with(vm, proto)
}

fn state(vm: &Vm, p: Value) -> u64 {
    vm.slot(p, S_STATE).payload()
}

/// The state of a promise for display: None while pending, else (fulfilled?, result).
pub fn promise_state(vm: &Vm, p: Value) -> Option<(bool, Value)> {
    match state(vm, p) {
        PENDING => None,
        s => Some((s == FULFILLED, vm.slot(p, S_RESULT))),
    }
}

/// Settles `p` and queues a job per reaction, oldest first.
fn settle(vm: &mut Vm, p: Value, st: u64, v: Value) -> JsResult<()> {
    let mut r = vm.slot(p, S_REACTIONS);
    vm.set_slot(p, S_STATE, Value::int(st));
    vm.set_slot(p, S_RESULT, v);
    vm.set_slot(p, S_REACTIONS, Value::UNDEFINED);
    let mut reactions = Vec::new();
    while r.is_cell() {
        reactions.push(r);
        r = vm.list_get(r, 0);
    }
    for &r in reactions.iter().rev() {
        vm.enqueue_job(JOB_REACTION, r, v, Value::int(st))?;
    }
    Ok(())
}

/// FulfillPromise (no-op unless `p` is pending).
pub fn fulfill_promise(vm: &mut Vm, p: Value, v: Value) -> JsResult<()> {
    if state(vm, p) != PENDING {
        return Ok(());
    }
    settle(vm, p, FULFILLED, v)
}

/// RejectPromise (no-op unless `p` is pending); tracks the rejection while no handler has it.
pub fn reject_promise(vm: &mut Vm, p: Value, reason: Value) -> JsResult<()> {
    if state(vm, p) != PENDING {
        return Ok(());
    }
    if vm.slot(p, S_HANDLED) != Value::TRUE {
        vm.unhandled_rejections.push(p);
    }
    settle(vm, p, REJECTED, reason)
}

/// The steps of a promise resolve function after its already-resolved check.
pub fn resolve_promise(vm: &mut Vm, p: Value, resolution: Value) -> JsResult<()> {
    if resolution == p {
        let e = vm.make_error(I::TypeErrorProto, "Chaining cycle detected for promise #<Promise>")?;
        return reject_promise(vm, p, e);
    }
    if !resolution.is_obj() {
        return fulfill_promise(vm, p, resolution);
    }
    let base = vm.stack.len();
    vm.stack.push(p);
    vm.stack.push(resolution);
    let tk = vm.key_atom(A::then);
    let then = vm.get(resolution, tk, resolution);
    let r = match then {
        Err(Throw::Exception) => {
            let e = vm.exception;
            reject_promise(vm, p, e)
        }
        Err(t) => Err(t),
        Ok(then) if vm.is_callable(then) => vm.enqueue_job(JOB_THENABLE, p, resolution, then),
        Ok(_) => fulfill_promise(vm, p, resolution),
    };
    vm.stack.truncate(base);
    r
}

/// A built-in function object running native `name` with `data` in its class slots.
pub(crate) fn native_closure(vm: &mut Vm, name: &str, len: u32, data: &[Value]) -> JsResult<Value> {
    let id = super::native_id(name);
    let fp = vm.i(I::FunctionProto);
    let f = vm.new_object_with(class::NATIVE, fp, DATA + data.len())?;
    vm.set_slot(f, 0, Value::int(id as u64));
    for (i, v) in data.iter().enumerate() {
        vm.set_slot(f, DATA + i, *v);
    }
    vm.set_flags(f, flag::EXTENSIBLE | flag::CALLABLE);
    let lk = vm.key_atom(A::length);
    vm.put(f, lk, Value::num(len as f64), attr::C)?;
    let nk = vm.key_atom(A::name);
    let e = vm.a(A::empty);
    vm.put(f, nk, e, attr::C)?;
    Ok(f)
}

pub(crate) fn data(vm: &Vm, a: &Args, i: usize) -> Value {
    let f = a.callee(vm);
    vm.slot(f, DATA + i)
}

/// CreateResolvingFunctions: (resolve, reject) sharing one already-resolved flag.
fn resolving_functions(vm: &mut Vm, p: Value) -> JsResult<(Value, Value)> {
    let base = vm.stack.len();
    let flag = vm.new_list(&[Value::FALSE])?;
    vm.stack.push(flag);
    let res = native_closure(vm, "%PromiseResolveFunction%", 1, &[p, flag]);
    let res = match res {
        Ok(r) => r,
        Err(t) => {
            vm.stack.truncate(base);
            return Err(t);
        }
    };
    vm.stack.push(res);
    let rej = native_closure(vm, "%PromiseRejectFunction%", 1, &[p, flag]);
    vm.stack.truncate(base);
    Ok((res, rej?))
}

/// Takes the shared already-resolved flag of a resolving function: false when it was set.
fn take_resolution(vm: &mut Vm, a: &Args) -> bool {
    let flag = data(vm, a, 1);
    if vm.list_get(flag, 0) == Value::TRUE {
        return false;
    }
    vm.list_set(flag, 0, Value::TRUE);
    true
}

fn resolve_function(vm: &mut Vm, a: &Args) -> JsResult<Value> {
    if take_resolution(vm, a) {
        let p = data(vm, a, 0);
        let v = a.get(vm, 0);
        resolve_promise(vm, p, v)?;
    }
    Ok(Value::UNDEFINED)
}

fn reject_function(vm: &mut Vm, a: &Args) -> JsResult<Value> {
    if take_resolution(vm, a) {
        let p = data(vm, a, 0);
        let v = a.get(vm, 0);
        reject_promise(vm, p, v)?;
    }
    Ok(Value::UNDEFINED)
}

fn promise_ctor(vm: &mut Vm, a: &Args) -> JsResult<Value> {
    if !a.is_construct() {
        return Err(vm.throw_type("Promise constructor cannot be invoked without 'new'"));
    }
    let executor = a.get(vm, 0);
    if !vm.is_callable(executor) {
        let s = crate::display::inspect(vm, executor)?;
        return Err(vm.throw_type(&format!("Promise resolver {s} is not a function")));
    }
    let proto = vm.proto_from_ctor(a.new_target, I::PromiseProto)?;
    let p = new_promise_with(vm, proto)?;
    let base = vm.stack.len();
    vm.stack.push(p);
    let r = (|| {
        let (res, rej) = resolving_functions(vm, p)?;
        vm.stack.push(rej);
        match vm.call(executor, Value::UNDEFINED, &[res, rej]) {
            Err(Throw::Exception) => {
                let e = vm.exception;
                vm.call(rej, Value::UNDEFINED, &[e])?;
                Ok(())
            }
            Err(t) => Err(t),
            Ok(_) => Ok(()),
        }
    })();
    vm.stack.truncate(base);
    r.map(|_| p)
}

// ----- capabilities ---------------------------------------------------------------------------

/// A PromiseCapability record: a LIST `[promise, resolve, reject]`. For a capability made
/// for %Promise% by `then`, resolve and reject are undefined: the reaction job that is its
/// only user settles the promise directly.
fn cap_promise(vm: &Vm, cap: Value) -> Value {
    vm.list_get(cap, 0)
}

/// NewPromiseCapability(c).
fn new_capability(vm: &mut Vm, c: Value) -> JsResult<Value> {
    if !vm.is_constructor(c) {
        return Err(vm.throw_type("Promise resolve or reject function is not callable"));
    }
    let base = vm.stack.len();
    let r = (|| {
        if c == vm.i(I::Promise) {
            let p = new_promise(vm)?;
            vm.stack.push(p);
            let (res, rej) = resolving_functions(vm, p)?;
            return vm.new_list(&[p, res, rej]);
        }
        let cap = vm.new_list(&[Value::UNDEFINED, Value::UNDEFINED, Value::UNDEFINED])?;
        vm.stack.push(cap);
        let executor = native_closure(vm, "%GetCapabilitiesExecutor%", 2, &[cap])?;
        let p = vm.construct(c, &[executor], c)?;
        if !vm.is_callable(vm.list_get(cap, 1)) {
            return Err(vm.throw_type("Promise resolve or reject function is not callable"));
        }
        if !vm.is_callable(vm.list_get(cap, 2)) {
            return Err(vm.throw_type("Promise resolve or reject function is not callable"));
        }
        vm.list_set(cap, 0, p);
        Ok(cap)
    })();
    vm.stack.truncate(base);
    r
}

fn capabilities_executor(vm: &mut Vm, a: &Args) -> JsResult<Value> {
    let cap = data(vm, a, 0);
    if !vm.list_get(cap, 1).is_undefined() {
        return Err(vm.throw_type("Promise executor has already been invoked with non-undefined arguments"));
    }
    if !vm.list_get(cap, 2).is_undefined() {
        return Err(vm.throw_type("Promise executor has already been invoked with non-undefined arguments"));
    }
    let (res, rej) = (a.get(vm, 0), a.get(vm, 1));
    vm.list_set(cap, 1, res);
    vm.list_set(cap, 2, rej);
    Ok(Value::UNDEFINED)
}

/// Resolves (`which` 1) or rejects (2) a capability's promise.
fn cap_settle(vm: &mut Vm, cap: Value, which: usize, v: Value) -> JsResult<()> {
    let f = vm.list_get(cap, which);
    if f.is_undefined() {
        let p = cap_promise(vm, cap);
        return if which == 1 { resolve_promise(vm, p, v) } else { reject_promise(vm, p, v) };
    }
    vm.call(f, Value::UNDEFINED, &[v])?;
    Ok(())
}

/// IfAbruptRejectPromise: a thrown exception rejects the capability's promise, which is
/// returned; other abrupt ends (interrupt, heap failure) propagate.
fn reject_abrupt(vm: &mut Vm, cap: Value, t: Throw) -> JsResult<Value> {
    match t {
        Throw::Exception => {
            let e = vm.exception;
            vm.stack.push(cap);
            let r = cap_settle(vm, cap, 2, e);
            vm.stack.pop();
            r?;
            Ok(cap_promise(vm, cap))
        }
        t => Err(t),
    }
}

// ----- then -------------------------------------------------------------------------------------

/// PerformPromiseThen(p, on_fulfilled, on_rejected, cap) (cap undefined: no result promise).
fn perform_then_cap(vm: &mut Vm, p: Value, on_fulfilled: Value, on_rejected: Value, cap: Value) -> JsResult<()> {
    let f = if vm.is_callable(on_fulfilled) { on_fulfilled } else { Value::UNDEFINED };
    let r = if vm.is_callable(on_rejected) { on_rejected } else { Value::UNDEFINED };
    match state(vm, p) {
        PENDING => {
            let head = vm.slot(p, S_REACTIONS);
            let reaction = vm.new_list(&[head, cap, f, r])?;
            vm.set_slot(p, S_REACTIONS, reaction);
        }
        st => {
            if st == REJECTED && vm.slot(p, S_HANDLED) != Value::TRUE {
                if let Some(i) = vm.unhandled_rejections.iter().rposition(|&x| x == p) {
                    vm.unhandled_rejections.remove(i);
                }
            }
            let reaction = vm.new_list(&[Value::UNDEFINED, cap, f, r])?;
            let v = vm.slot(p, S_RESULT);
            vm.enqueue_job(JOB_REACTION, reaction, v, Value::int(st))?;
        }
    }
    vm.set_slot(p, S_HANDLED, Value::TRUE);
    Ok(())
}

/// PerformPromiseThen without a result capability (for `await`).
pub fn perform_then(vm: &mut Vm, p: Value, on_fulfilled: Value, on_rejected: Value) -> JsResult<()> {
    perform_then_cap(vm, p, on_fulfilled, on_rejected, Value::UNDEFINED)
}

fn this_promise(vm: &mut Vm, a: &Args, method: &str) -> JsResult<Value> {
    let t = a.this(vm);
    if is_promise(vm, t) {
        return Ok(t);
    }
    let s = crate::display::inspect(vm, t)?;
    Err(vm.throw_type(&format!("Method Promise.prototype.{method} called on incompatible receiver {s}")))
}

fn then(vm: &mut Vm, a: &Args) -> JsResult<Value> {
    let p = this_promise(vm, a, "then")?;
    let c = super::regexp::species_constructor(vm, p, I::Promise)?;
    let cap = if c == vm.i(I::Promise) {
        let np = new_promise(vm)?;
        vm.stack.push(np);
        let cap = vm.new_list(&[np, Value::UNDEFINED, Value::UNDEFINED]);
        vm.stack.pop();
        cap?
    } else {
        vm.stack.push(c);
        let cap = new_capability(vm, c);
        vm.stack.pop();
        cap?
    };
    let (f, r) = (a.get(vm, 0), a.get(vm, 1));
    perform_then_cap(vm, p, f, r, cap)?;
    Ok(cap_promise(vm, cap))
}

/// Invoke(v, "then", args).
fn invoke_then(vm: &mut Vm, v: Value, args: &[Value]) -> JsResult<Value> {
    let tk = vm.key_atom(A::then);
    let f = vm.get_v(v, tk)?;
    if !vm.is_callable(f) {
        return Err(vm.throw_type("then is not a function"));
    }
    vm.call(f, v, args)
}

fn catch(vm: &mut Vm, a: &Args) -> JsResult<Value> {
    let t = a.this(vm);
    let r = a.get(vm, 0);
    invoke_then(vm, t, &[Value::UNDEFINED, r])
}

fn finally(vm: &mut Vm, a: &Args) -> JsResult<Value> {
    let p = a.this(vm);
    if !p.is_obj() {
        let s = crate::display::inspect(vm, p)?;
        return Err(vm.throw_type(&format!("Method Promise.prototype.finally called on incompatible receiver {s}")));
    }
    let c = super::regexp::species_constructor(vm, p, I::Promise)?;
    let on_finally = a.get(vm, 0);
    let base = vm.stack.len();
    vm.stack.push(c);
    let r = (|| {
        let (tf, cf) = if vm.is_callable(on_finally) {
            let tf = native_closure(vm, "%ThenFinally%", 1, &[on_finally, c])?;
            vm.stack.push(tf);
            let cf = native_closure(vm, "%CatchFinally%", 1, &[on_finally, c])?;
            vm.stack.push(cf);
            (tf, cf)
        } else {
            (on_finally, on_finally)
        };
        invoke_then(vm, p, &[tf, cf])
    })();
    vm.stack.truncate(base);
    r
}

/// The common part of thenFinally and catchFinally: calls onFinally, then returns
/// `PromiseResolve(C, result).then(<native closure over the value>)`.
fn finally_step(vm: &mut Vm, a: &Args, next: &str) -> JsResult<Value> {
    let (on_finally, c) = (data(vm, a, 0), data(vm, a, 1));
    let v = a.get(vm, 0);
    let result = vm.call(on_finally, Value::UNDEFINED, &[])?;
    let base = vm.stack.len();
    vm.stack.push(result);
    let r = (|| {
        let p = promise_resolve_with(vm, c, result)?;
        vm.stack.push(p);
        let f = native_closure(vm, next, 0, &[v])?;
        vm.stack.push(f);
        invoke_then(vm, p, &[f])
    })();
    vm.stack.truncate(base);
    r
}

fn then_finally(vm: &mut Vm, a: &Args) -> JsResult<Value> {
    finally_step(vm, a, "%FinallyValueThunk%")
}

fn catch_finally(vm: &mut Vm, a: &Args) -> JsResult<Value> {
    finally_step(vm, a, "%FinallyThrower%")
}

fn value_thunk(vm: &mut Vm, a: &Args) -> JsResult<Value> {
    Ok(data(vm, a, 0))
}

fn thrower(vm: &mut Vm, a: &Args) -> JsResult<Value> {
    let v = data(vm, a, 0);
    Err(vm.throw_value(v))
}

// ----- statics ----------------------------------------------------------------------------------

fn species(vm: &mut Vm, a: &Args) -> JsResult<Value> {
    Ok(a.this(vm))
}

/// PromiseResolve(c, x).
fn promise_resolve_with(vm: &mut Vm, c: Value, x: Value) -> JsResult<Value> {
    if is_promise(vm, x) {
        let ck = vm.key_atom(A::constructor);
        let xc = vm.get(x, ck, x)?;
        if xc == c {
            return Ok(x);
        }
    }
    let base = vm.stack.len();
    vm.stack.push(x);
    let r = (|| {
        let cap = new_capability(vm, c)?;
        vm.stack.push(cap);
        cap_settle(vm, cap, 1, x)?;
        Ok(cap_promise(vm, cap))
    })();
    vm.stack.truncate(base);
    r
}

/// PromiseResolve(%Promise%, value): `value` itself when it is a %Promise%, else a new
/// promise resolved with it.
pub fn promise_resolve(vm: &mut Vm, value: Value) -> JsResult<Value> {
    let c = vm.i(I::Promise);
    promise_resolve_with(vm, c, value)
}

fn this_object(vm: &mut Vm, a: &Args, method: &str) -> JsResult<Value> {
    let c = a.this(vm);
    if c.is_obj() {
        return Ok(c);
    }
    Err(vm.throw_type(&format!("{method} called on non-object")))
}

fn promise_resolve_static(vm: &mut Vm, a: &Args) -> JsResult<Value> {
    let c = this_object(vm, a, "PromiseResolve")?;
    let x = a.get(vm, 0);
    promise_resolve_with(vm, c, x)
}

fn promise_reject_static(vm: &mut Vm, a: &Args) -> JsResult<Value> {
    let c = this_object(vm, a, "PromiseReject")?;
    let r = a.get(vm, 0);
    let cap = new_capability(vm, c)?;
    vm.stack.push(cap);
    let res = cap_settle(vm, cap, 2, r);
    vm.stack.pop();
    res?;
    Ok(cap_promise(vm, cap))
}

fn promise_with_resolvers(vm: &mut Vm, a: &Args) -> JsResult<Value> {
    let c = a.this(vm);
    let cap = new_capability(vm, c)?;
    vm.stack.push(cap);
    let r = (|| {
        let o = vm.new_object()?;
        vm.stack.push(o);
        for (i, name) in ["promise", "resolve", "reject"].iter().enumerate() {
            let k = vm.key_from_str(name)?;
            let v = vm.list_get(cap, i);
            vm.create_data_property_or_throw(o, k, v)?;
        }
        Ok(o)
    })();
    vm.stack.pop();
    r
}

// ----- combinators ------------------------------------------------------------------------------

#[derive(Clone, Copy, PartialEq)]
enum Combinator {
    All,
    AllSettled,
    Any,
    Race,
}

fn promise_all(vm: &mut Vm, a: &Args) -> JsResult<Value> {
    combinator(vm, a, Combinator::All)
}
fn promise_all_settled(vm: &mut Vm, a: &Args) -> JsResult<Value> {
    combinator(vm, a, Combinator::AllSettled)
}
fn promise_any(vm: &mut Vm, a: &Args) -> JsResult<Value> {
    combinator(vm, a, Combinator::Any)
}
fn promise_race(vm: &mut Vm, a: &Args) -> JsResult<Value> {
    combinator(vm, a, Combinator::Race)
}

/// Promise.all / allSettled / any / race.
fn combinator(vm: &mut Vm, a: &Args, kind: Combinator) -> JsResult<Value> {
    let c = a.this(vm);
    let iterable = a.get(vm, 0);
    let cap = new_capability(vm, c)?;
    let base = vm.stack.len();
    vm.stack.push(cap);
    let r = (|| {
        let rk = vm.key_from_str("resolve")?;
        let pr = match vm.get_v(c, rk) {
            Ok(f) if vm.is_callable(f) => f,
            Ok(_) => {
                let t = vm.throw_type("Promise resolve or reject function is not callable");
                return reject_abrupt(vm, cap, t);
            }
            Err(t) => return reject_abrupt(vm, cap, t),
        };
        vm.stack.push(pr);
        let (iter, next) = match vm.get_iterator(iterable) {
            Ok(x) => x,
            Err(t) => return reject_abrupt(vm, cap, t),
        };
        vm.stack.push(iter);
        vm.stack.push(next);
        match perform_combinator(vm, kind, c, cap, pr, iter, next) {
            Ok(v) => Ok(v),
            Err((t, done)) => {
                let t = if done { t } else { close_after(vm, iter, t) };
                reject_abrupt(vm, cap, t)
            }
        }
    })();
    vm.stack.truncate(base);
    r
}

/// IteratorClose after an abrupt completion: calls `return` (its own errors are dropped)
/// and gives back the original one.
fn close_after(vm: &mut Vm, iter: Value, err: Throw) -> Throw {
    if !matches!(err, Throw::Exception) {
        return err;
    }
    let exc = vm.exception;
    vm.stack.push(exc);
    let rk = vm.key_atom(A::return_);
    let r = match vm.get_v(iter, rk) {
        Ok(m) if m.is_nullish() => Ok(()),
        Ok(m) => vm.call(m, iter, &[]).map(|_| ()),
        Err(t) => Err(t),
    };
    vm.stack.pop();
    match r {
        Err(t @ (Throw::Interrupted | Throw::Fatal)) => t,
        _ => {
            vm.exception = exc;
            Throw::Exception
        }
    }
}

/// The loop of PerformPromiseAll/AllSettled/Any/Race. Err carries whether the iterator is
/// done (an error of the iterator itself) or must be closed.
fn perform_combinator(vm: &mut Vm, kind: Combinator, c: Value, cap: Value, pr: Value, iter: Value, next: Value) -> Result<Value, (Throw, bool)> {
    let values = vm.new_array(&[]).map_err(|t| (t, false))?;
    vm.stack.push(values);
    // remaining elements: a LIST [count] shared with the element functions
    let remaining = vm.new_list(&[Value::num(1.0)]).map_err(|t| (t, false))?;
    vm.stack.push(remaining);
    let mut index: u32 = 0;
    loop {
        let item = match vm.iterator_step(iter, next) {
            Ok(Some(v)) => v,
            Ok(None) => {
                if kind == Combinator::Race {
                    return Ok(cap_promise(vm, cap));
                }
                if count_down(vm, remaining) {
                    if kind == Combinator::Any {
                        let e = aggregate_error(vm, values).map_err(|t| (t, true))?;
                        return Err((vm.throw_value(e), true));
                    }
                    cap_settle(vm, cap, 1, values).map_err(|t| (t, true))?;
                }
                return Ok(cap_promise(vm, cap));
            }
            Err(t) => return Err((t, true)),
        };
        let mark = vm.stack.len();
        vm.stack.push(item);
        let r = (|| {
            if kind != Combinator::Race {
                vm.create_data_property_or_throw(values, PropKey::Index(index), Value::UNDEFINED)?;
            }
            let np = vm.call(pr, c, &[item])?;
            vm.stack.push(np);
            let (res, rej) = (vm.list_get(cap, 1), vm.list_get(cap, 2));
            let data = |vm: &mut Vm| -> JsResult<Value> {
                let called = vm.new_list(&[Value::FALSE])?;
                vm.stack.push(called);
                Ok(called)
            };
            let (on_f, on_r) = match kind {
                Combinator::Race => (res, rej),
                Combinator::All => {
                    let called = data(vm)?;
                    let f = native_closure(vm, "%PromiseAllResolveElement%", 1, &[Value::num(index as f64), values, cap, remaining, called])?;
                    (f, rej)
                }
                Combinator::AllSettled => {
                    let called = data(vm)?;
                    let d = [Value::num(index as f64), values, cap, remaining, called];
                    let f = native_closure(vm, "%PromiseAllSettledResolveElement%", 1, &d)?;
                    vm.stack.push(f);
                    let r = native_closure(vm, "%PromiseAllSettledRejectElement%", 1, &d)?;
                    (f, r)
                }
                Combinator::Any => {
                    let called = data(vm)?;
                    let r = native_closure(vm, "%PromiseAnyRejectElement%", 1, &[Value::num(index as f64), values, cap, remaining, called])?;
                    (res, r)
                }
            };
            vm.stack.push(on_f);
            vm.stack.push(on_r);
            if kind != Combinator::Race {
                let n = vm.list_get(remaining, 0).as_num();
                vm.list_set(remaining, 0, Value::num(n + 1.0));
            }
            invoke_then(vm, np, &[on_f, on_r])
        })();
        vm.stack.truncate(mark);
        r.map_err(|t| (t, false))?;
        index += 1;
    }
}

/// remaining -= 1; true when it reached 0.
fn count_down(vm: &mut Vm, remaining: Value) -> bool {
    let n = vm.list_get(remaining, 0).as_num() - 1.0;
    vm.list_set(remaining, 0, Value::num(n));
    n == 0.0
}

/// An AggregateError "All promises were rejected" holding a copy of `errors`.
fn aggregate_error(vm: &mut Vm, errors: Value) -> JsResult<Value> {
    let e = vm.make_error(I::AggregateErrorProto, "All promises were rejected")?;
    vm.stack.push(e);
    let n = vm.array_len(errors);
    let items: Vec<Value> = (0..n).map(|i| vm.elem_fast(errors, i).unwrap_or(Value::UNDEFINED)).collect();
    let list = vm.new_array(&items);
    vm.stack.pop();
    let ek = vm.key_atom(A::errors);
    vm.put(e, ek, list?, attr::WC)?;
    Ok(e)
}

/// The shared part of the element functions: Some((index, values, cap, remaining)) the
/// first time one of the element's functions is called.
fn element_call(vm: &mut Vm, a: &Args) -> Option<(u32, Value, Value, Value)> {
    let called = data(vm, a, 4);
    if vm.list_get(called, 0) == Value::TRUE {
        return None;
    }
    vm.list_set(called, 0, Value::TRUE);
    Some((data(vm, a, 0).as_num() as u32, data(vm, a, 1), data(vm, a, 2), data(vm, a, 3)))
}

/// Stores `v` at `index` of `values`; when it was the last element, settles the capability
/// with a copy of the list (resolve with the array, or reject with an AggregateError).
fn element_done(vm: &mut Vm, index: u32, values: Value, cap: Value, remaining: Value, v: Value, aggregate: bool) -> JsResult<Value> {
    vm.create_data_property_or_throw(values, PropKey::Index(index), v)?;
    if count_down(vm, remaining) {
        let n = vm.array_len(values);
        let items: Vec<Value> = (0..n).map(|i| vm.elem_fast(values, i).unwrap_or(Value::UNDEFINED)).collect();
        if aggregate {
            let e = aggregate_error(vm, values)?;
            vm.stack.push(e);
            let r = cap_settle(vm, cap, 2, e);
            vm.stack.pop();
            r?;
        } else {
            let arr = vm.new_array(&items)?;
            vm.stack.push(arr);
            let r = cap_settle(vm, cap, 1, arr);
            vm.stack.pop();
            r?;
        }
    }
    Ok(Value::UNDEFINED)
}

fn all_resolve_element(vm: &mut Vm, a: &Args) -> JsResult<Value> {
    let Some((i, values, cap, remaining)) = element_call(vm, a) else { return Ok(Value::UNDEFINED) };
    let v = a.get(vm, 0);
    element_done(vm, i, values, cap, remaining, v, false)
}

fn settled_record(vm: &mut Vm, fulfilled: bool, v: Value) -> JsResult<Value> {
    let o = vm.new_object()?;
    vm.stack.push(o);
    let r = (|| {
        let sk = vm.key_from_str("status")?;
        let s = vm.str_from(if fulfilled { "fulfilled" } else { "rejected" })?;
        vm.create_data_property_or_throw(o, sk, s)?;
        let k = if fulfilled { vm.key_atom(A::value) } else { vm.key_from_str("reason")? };
        vm.create_data_property_or_throw(o, k, v)
    })();
    vm.stack.pop();
    r.map(|_| o)
}

fn all_settled_element(vm: &mut Vm, a: &Args, fulfilled: bool) -> JsResult<Value> {
    let Some((i, values, cap, remaining)) = element_call(vm, a) else { return Ok(Value::UNDEFINED) };
    let v = a.get(vm, 0);
    let o = settled_record(vm, fulfilled, v)?;
    vm.stack.push(o);
    let r = element_done(vm, i, values, cap, remaining, o, false);
    vm.stack.pop();
    r
}

fn all_settled_resolve_element(vm: &mut Vm, a: &Args) -> JsResult<Value> {
    all_settled_element(vm, a, true)
}

fn all_settled_reject_element(vm: &mut Vm, a: &Args) -> JsResult<Value> {
    all_settled_element(vm, a, false)
}

fn any_reject_element(vm: &mut Vm, a: &Args) -> JsResult<Value> {
    let Some((i, errors, cap, remaining)) = element_call(vm, a) else { return Ok(Value::UNDEFINED) };
    let v = a.get(vm, 0);
    element_done(vm, i, errors, cap, remaining, v, true)
}

// ----- the job queue ----------------------------------------------------------------------------

impl Vm {
    /// Appends a job `[next, kind, a, b, c]` to the queue.
    fn enqueue_job(&mut self, kind: u64, a: Value, b: Value, c: Value) -> JsResult<()> {
        let job = self.new_list(&[Value::UNDEFINED, Value::int(kind), a, b, c])?;
        let q = self.i(I::JobQueue);
        let tail = self.list_get(q, 1);
        if tail.is_cell() {
            self.list_set(tail, 0, job);
        } else {
            self.list_set(q, 0, job);
        }
        self.list_set(q, 1, job);
        Ok(())
    }

    /// Queues a job that calls `f(arg)` (with `this` undefined). An exception it throws
    /// aborts the turn that runs it.
    pub fn enqueue_call_job(&mut self, f: Value, arg: Value) -> JsResult<()> {
        self.enqueue_job(JOB_CALL, f, arg, Value::UNDEFINED)
    }

    /// True when the job queue holds a job.
    pub fn has_jobs(&self) -> bool {
        self.list_get(self.i(I::JobQueue), 0).is_cell()
    }

    /// Drops every queued job (a failed turn's jobs do not run).
    pub fn clear_jobs(&mut self) {
        let q = self.i(I::JobQueue);
        self.list_set(q, 0, Value::UNDEFINED);
        self.list_set(q, 1, Value::UNDEFINED);
    }

    fn dequeue_job(&mut self) -> Option<Value> {
        let q = self.i(I::JobQueue);
        let job = self.list_get(q, 0);
        if !job.is_cell() {
            return None;
        }
        let next = self.list_get(job, 0);
        self.list_set(q, 0, next);
        if !next.is_cell() {
            self.list_set(q, 1, Value::UNDEFINED);
        }
        Some(job)
    }
}

/// Runs queued jobs, oldest first, until the queue is empty (jobs may queue more). An
/// exception no promise takes (a job of [`Vm::enqueue_call_job`], a handler of
/// [`perform_then`]), an interrupt or a heap failure stops it with that error; the rest of the
/// queue stays queued (the runtime rolls the turn back).
pub fn run_jobs(vm: &mut Vm) -> JsResult<()> {
    while let Some(job) = vm.dequeue_job() {
        let base = vm.stack.len();
        vm.stack.push(job);
        let r = vm.safepoint().and_then(|_| run_job(vm, job));
        vm.stack.truncate(base);
        r?;
    }
    Ok(())
}

fn run_job(vm: &mut Vm, job: Value) -> JsResult<()> {
    let kind = vm.list_get(job, 1).payload();
    let (a, b, c) = (vm.list_get(job, 2), vm.list_get(job, 3), vm.list_get(job, 4));
    match kind {
        JOB_REACTION => {
            // a: reaction [next, cap, on_fulfilled, on_rejected]; b: argument; c: state
            let cap = vm.list_get(a, 1);
            let fulfilled = c.payload() == FULFILLED;
            let handler = vm.list_get(a, if fulfilled { 2 } else { 3 });
            let result = if handler.is_undefined() {
                if fulfilled {
                    Ok(b)
                } else {
                    Err(vm.throw_value(b))
                }
            } else {
                vm.call(handler, Value::UNDEFINED, &[b])
            };
            if cap.is_undefined() {
                return result.map(|_| ());
            }
            match result {
                Ok(v) => {
                    vm.stack.push(v);
                    cap_settle(vm, cap, 1, v)
                }
                Err(Throw::Exception) => {
                    let e = vm.exception;
                    vm.stack.push(e);
                    cap_settle(vm, cap, 2, e)
                }
                Err(t) => Err(t),
            }
        }
        JOB_THENABLE => {
            // a: promise to resolve; b: thenable; c: its then
            let (res, rej) = resolving_functions(vm, a)?;
            vm.stack.push(res);
            vm.stack.push(rej);
            match vm.call(c, b, &[res, rej]) {
                Ok(_) => Ok(()),
                Err(Throw::Exception) => {
                    let e = vm.exception;
                    vm.call(rej, Value::UNDEFINED, &[e]).map(|_| ())
                }
                Err(t) => Err(t),
            }
        }
        _ => vm.call(a, Value::UNDEFINED, &[b]).map(|_| ()),
    }
}
