//! Proxy exotic objects (ECMA-262 10.5): the internal methods that call a handler's traps and
//! check the results against the target, and the dispatching forms of the internal methods
//! that the rest of the engine calls where an object may be a proxy.
//!
//! A proxy is an object of class PROXY whose class slots are `[target, handler]`; revoking it
//! sets both to null. Its CALLABLE / CONSTRUCTOR flags are copied from the target when it is
//! made. An absent trap forwards to the target: those forwards are loops, not recursion, so a
//! chain of 100,000 proxies without traps costs no native stack. Trap lookups count against
//! the call depth (a handler may itself be a proxy), so runaway recursion is a RangeError.
//!
//! Values held across a trap call are pushed on `vm.stack`; every entry point truncates the
//! stack back (except `own_property_keys`, which leaves the keys rooted; see there).

use crate::builtins::object::to_descriptor;
use crate::vm::object::{attr, class, flag, same_value, Prop, PropDesc, PropKey};
use crate::vm::{JsResult, Value, Vm, A};
use hashbrown::HashSet;

pub const TARGET: usize = 0;
pub const HANDLER: usize = 1;

/// The prototype word of a proxy cell: neither an object nor null, so the ordinary walks of
/// `Vm::get` / `set` / `has_property` notice a proxy only where a walk would end anyway (a
/// proxy has no own properties in its cell), keeping the class check off the fast path.
/// Its [[GetPrototypeOf]] is `get_prototype_of`; this word never reaches JavaScript.
pub const PROXY_PROTO: Value = Value::EMPTY;

/// How many proxies one prototype-chain walk may cross: a prototype cycle can close through a
/// proxy's target (the ordinary cycle check stops at a proxy), so walks are bounded.
const MAX_WALK: u32 = 1_000_000;

/// One proxy crossed on a prototype-chain walk: interruptible, and a RangeError past
/// `MAX_WALK`.
pub fn walk_step(vm: &mut Vm, steps: &mut u32) -> JsResult<()> {
    *steps += 1;
    if *steps > MAX_WALK {
        return Err(vm.throw_range("Maximum prototype chain length exceeded (a cycle through a proxy)"));
    }
    vm.check_interrupt()
}

/// The target and handler of proxy `p` (pushed on the stack as roots), or the TypeError for a
/// revoked proxy.
fn parts(vm: &mut Vm, p: Value, trap: &str) -> JsResult<(Value, Value)> {
    let h = vm.slot(p, HANDLER);
    if !h.is_obj() {
        return Err(vm.throw_type(&format!("Cannot perform '{trap}' on a proxy that has been revoked")));
    }
    let t = vm.slot(p, TARGET);
    vm.stack.push(t);
    vm.stack.push(h);
    Ok((t, h))
}

/// GetMethod(handler, name), counted against the call depth.
fn trap(vm: &mut Vm, h: Value, name: &str) -> JsResult<Option<Value>> {
    if vm.depth > vm.max_depth {
        return Err(vm.throw_range("Maximum call stack size exceeded"));
    }
    let k = vm.key_from_str(name)?;
    let kv = vm.key_word_value(k);
    vm.stack.push(kv);
    vm.depth += 1;
    let r = vm.get_method(h, k);
    vm.depth -= 1;
    vm.stack.pop();
    r
}

/// The target and handler of proxy `p` (rooted) and its trap `name`, if the handler has one.
fn parts_and_trap(vm: &mut Vm, p: Value, name: &str) -> JsResult<(Value, Value, Option<Value>)> {
    let (t, h) = parts(vm, p, name)?;
    let f = trap(vm, h, name)?;
    Ok((t, h, f))
}

/// Follows `p` through proxies whose handler lacks trap `name` (a loop, so a long chain costs
/// no native stack): the target reached, with the handler and trap when one was found, or the
/// first non-proxy target to forward the operation to.
fn trap_or_target(vm: &mut Vm, mut p: Value, name: &str) -> JsResult<(Value, Option<(Value, Value)>)> {
    loop {
        let (t, h, f) = parts_and_trap(vm, p, name)?;
        match f {
            Some(f) => return Ok((t, Some((h, f)))),
            None if vm.is_proxy(t) => p = t,
            None => return Ok((t, None)),
        }
    }
}

fn fail(vm: &mut Vm, trap: &str, k: Option<PropKey>, why: &str) -> crate::vm::Throw {
    let msg = match k {
        Some(k) => {
            let kn = vm.key_display(k);
            format!("'{trap}' on proxy: {why} (property '{kn}')")
        }
        None => format!("'{trap}' on proxy: {why}"),
    };
    vm.throw_type(&msg)
}

/// A trap may report property `k` absent (`claim`: "trap returned undefined", ...) only if the
/// target's own property `td` is configurable and the target is extensible.
fn check_may_be_absent(vm: &mut Vm, trap: &str, t: Value, k: PropKey, td: Option<Prop>, claim: &str) -> JsResult<()> {
    let Some(td) = td else { return Ok(()) };
    if !td.configurable() {
        return Err(fail(vm, trap, Some(k), &format!("{claim} for a non-configurable property of the target")));
    }
    if !vm.is_extensible_op(t)? {
        return Err(fail(vm, trap, Some(k), &format!("{claim} for a property of a non-extensible target")));
    }
    Ok(())
}

/// A trap may report prototype `v` for a non-extensible target only if it is the target's own.
fn check_fixed_prototype(vm: &mut Vm, trap: &str, t: Value, v: Value, why: &str) -> JsResult<()> {
    if vm.is_extensible_op(t)? {
        return Ok(());
    }
    let tp = vm.get_prototype_of(t)?;
    if v != tp {
        return Err(fail(vm, trap, None, why));
    }
    Ok(())
}

/// The key as a trap argument, rooted on the stack.
fn key_arg(vm: &mut Vm, k: PropKey) -> JsResult<Value> {
    let kv = vm.key_to_value(k)?;
    vm.stack.push(kv);
    Ok(kv)
}

/// CompletePropertyDescriptor.
fn complete(d: &PropDesc) -> Prop {
    let mut a = 0;
    if d.enumerable == Some(true) {
        a |= attr::E;
    }
    if d.configurable == Some(true) {
        a |= attr::C;
    }
    if d.is_accessor() {
        Prop { value: Value::UNDEFINED, getter: d.get.unwrap_or(Value::UNDEFINED), setter: d.set.unwrap_or(Value::UNDEFINED), attrs: a | attr::ACCESSOR }
    } else {
        if d.writable == Some(true) {
            a |= attr::W;
        }
        Prop::data(d.value.unwrap_or(Value::UNDEFINED), a)
    }
}

/// IsCompatiblePropertyDescriptor: whether ValidateAndApplyPropertyDescriptor would accept
/// `d` on a property that is `cur` on an object that is (or is not) `extensible`.
fn is_compatible(vm: &Vm, extensible: bool, d: &PropDesc, cur: Option<Prop>) -> bool {
    let Some(c) = cur else { return extensible };
    if c.configurable() {
        return true;
    }
    if d.configurable == Some(true) || d.enumerable.is_some_and(|e| e != c.enumerable()) {
        return false;
    }
    let generic = !d.is_accessor() && !d.is_data();
    if !generic && d.is_accessor() != c.is_accessor() {
        return false;
    }
    if c.is_accessor() {
        !(d.get.is_some_and(|g| !same_value(vm, g, c.getter)) || d.set.is_some_and(|s| !same_value(vm, s, c.setter)))
    } else if !c.writable() {
        d.writable != Some(true) && !d.value.is_some_and(|v| !same_value(vm, v, c.value))
    } else {
        true
    }
}

/// FromPropertyDescriptor of a possibly partial descriptor.
fn from_partial_descriptor(vm: &mut Vm, d: &PropDesc) -> JsResult<Value> {
    let o = vm.new_object()?;
    vm.stack.push(o);
    let fields = [
        (A::value, d.value),
        (A::writable, d.writable.map(Value::bool)),
        (A::get, d.get),
        (A::set, d.set),
        (A::enumerable, d.enumerable.map(Value::bool)),
        (A::configurable, d.configurable.map(Value::bool)),
    ];
    for (a, v) in fields {
        if let Some(v) = v {
            let k = vm.key_atom(a);
            vm.create_data_property(o, k, v)?;
        }
    }
    vm.stack.pop();
    Ok(o)
}

/// Runs `f` and truncates the stack back to where it was.
fn rooted<T>(vm: &mut Vm, f: impl FnOnce(&mut Vm) -> JsResult<T>) -> JsResult<T> {
    let base = vm.stack.len();
    let r = f(vm);
    vm.stack.truncate(base);
    r
}

impl Vm {
    #[inline]
    pub fn is_proxy(&self, v: Value) -> bool {
        v.is_obj() && self.class_of(v) == class::PROXY
    }

    /// ProxyCreate (the arguments are checked by the caller).
    pub fn new_proxy(&mut self, target: Value, handler: Value) -> JsResult<Value> {
        let p = self.new_object_with(class::PROXY, PROXY_PROTO, 2)?;
        self.set_slot(p, TARGET, target);
        self.set_slot(p, HANDLER, handler);
        let mut f = 0;
        if self.is_callable(target) {
            f |= flag::CALLABLE;
        }
        if self.is_constructor(target) {
            f |= flag::CONSTRUCTOR;
        }
        self.set_flags(p, f);
        Ok(p)
    }

    pub fn revoke_proxy(&mut self, p: Value) {
        self.set_slot(p, TARGET, Value::NULL);
        self.set_slot(p, HANDLER, Value::NULL);
    }

    /// IsArray: sees through proxies (a revoked one is a TypeError).
    pub fn is_array_op(&mut self, v: Value) -> JsResult<bool> {
        let mut cur = v;
        while self.is_proxy(cur) {
            if !self.slot(cur, HANDLER).is_obj() {
                return Err(self.throw_type("Cannot perform 'IsArray' on a proxy that has been revoked"));
            }
            cur = self.slot(cur, TARGET);
        }
        Ok(self.is_array(cur))
    }

    /// [[GetOwnProperty]].
    pub fn get_own_property(&mut self, o: Value, k: PropKey) -> JsResult<Option<Prop>> {
        if self.class_of(o) != class::PROXY {
            return Ok(self.get_own(o, k));
        }
        rooted(self, |vm| proxy_get_own(vm, o, k))
    }

    /// [[OwnPropertyKeys]]. The keys of a proxy are left pushed on `vm.stack` (their atoms
    /// may be referenced from nowhere else); callers that run JavaScript while holding them
    /// truncate the stack afterwards, as every native call does on return.
    pub fn own_property_keys(&mut self, o: Value) -> JsResult<Vec<PropKey>> {
        if self.class_of(o) != class::PROXY {
            return Ok(self.own_keys(o));
        }
        let keys = rooted(self, |vm| proxy_own_keys(vm, o))?;
        for &k in &keys {
            let kv = self.key_word_value(k);
            self.stack.push(kv);
        }
        Ok(keys)
    }

    /// [[Delete]]: Ok(false) when refused.
    pub fn delete_property(&mut self, o: Value, k: PropKey) -> JsResult<bool> {
        if self.class_of(o) != class::PROXY {
            return Ok(self.delete_own(o, k));
        }
        rooted(self, |vm| proxy_delete(vm, o, k))
    }

    /// [[GetPrototypeOf]].
    pub fn get_prototype_of(&mut self, o: Value) -> JsResult<Value> {
        if self.class_of(o) != class::PROXY {
            return Ok(self.proto_of(o));
        }
        rooted(self, |vm| proxy_get_prototype_of(vm, o))
    }

    /// [[SetPrototypeOf]]: Ok(false) when refused.
    pub fn set_prototype_of(&mut self, o: Value, v: Value) -> JsResult<bool> {
        if self.class_of(o) != class::PROXY {
            return Ok(ordinary_set_prototype_of(self, o, v));
        }
        rooted(self, |vm| proxy_set_prototype_of(vm, o, v))
    }

    /// [[IsExtensible]].
    pub fn is_extensible_op(&mut self, o: Value) -> JsResult<bool> {
        if self.class_of(o) != class::PROXY {
            return Ok(self.is_extensible(o));
        }
        rooted(self, |vm| proxy_is_extensible(vm, o))
    }

    /// [[PreventExtensions]]: Ok(false) when refused.
    pub fn prevent_extensions(&mut self, o: Value) -> JsResult<bool> {
        if self.class_of(o) != class::PROXY {
            let f = self.flags(o) & !flag::EXTENSIBLE;
            self.set_flags(o, f);
            return Ok(true);
        }
        rooted(self, |vm| proxy_prevent_extensions(vm, o))
    }
}

/// OrdinarySetPrototypeOf (a proxy in the new chain ends the cycle check).
pub fn ordinary_set_prototype_of(vm: &mut Vm, o: Value, p: Value) -> bool {
    if vm.proto_of(o) == p {
        return true;
    }
    // Object.prototype is an immutable prototype exotic object
    if o == vm.i(crate::vm::I::ObjectProto) || !vm.is_extensible(o) {
        return false;
    }
    let mut q = p;
    while q.is_obj() {
        if q == o {
            return false;
        }
        if vm.is_proxy(q) {
            break;
        }
        q = vm.proto_of(q);
    }
    vm.set_proto_raw(o, p);
    true
}

fn proxy_get_own(vm: &mut Vm, p: Value, k: PropKey) -> JsResult<Option<Prop>> {
    const T: &str = "getOwnPropertyDescriptor";
    let (t, found) = trap_or_target(vm, p, T)?;
    let Some((h, f)) = found else { return Ok(vm.get_own(t, k)) };
    let kv = key_arg(vm, k)?;
    let r = vm.call(f, h, &[t, kv])?;
    if !r.is_obj() && !r.is_undefined() {
        return Err(fail(vm, T, Some(k), "trap returned neither object nor undefined"));
    }
    vm.stack.push(r);
    let target_desc = vm.get_own_property(t, k)?;
    if r.is_undefined() {
        check_may_be_absent(vm, T, t, k, target_desc, "trap returned undefined")?;
        return Ok(None);
    }
    let extensible = vm.is_extensible_op(t)?;
    let d = to_descriptor(vm, r)?;
    let result = complete(&d);
    if !is_compatible(vm, extensible, &d, target_desc) {
        return Err(fail(vm, T, Some(k), "trap returned a descriptor incompatible with the target's property"));
    }
    if !result.configurable() {
        match target_desc {
            Some(td) if !td.configurable() => {
                if !result.is_accessor() && !result.writable() && td.writable() {
                    return Err(fail(vm, T, Some(k), "trap reported non-writable for a writable property of the target"));
                }
            }
            _ => return Err(fail(vm, T, Some(k), "trap reported non-configurable for a property that is configurable or missing on the target")),
        }
    }
    Ok(Some(result))
}

/// [[DefineOwnProperty]] of a proxy (called from `Vm::define_own`).
#[cold]
#[inline(never)]
pub fn define(vm: &mut Vm, p: Value, k: PropKey, d: PropDesc) -> JsResult<bool> {
    rooted(vm, |vm| proxy_define(vm, p, k, d))
}

fn proxy_define(vm: &mut Vm, p: Value, k: PropKey, d: PropDesc) -> JsResult<bool> {
    const T: &str = "defineProperty";
    let (t, found) = trap_or_target(vm, p, T)?;
    let Some((h, f)) = found else { return vm.define_own(t, k, d) };
    let kv = key_arg(vm, k)?;
    let dobj = from_partial_descriptor(vm, &d)?;
    vm.stack.push(dobj);
    let r = vm.call(f, h, &[t, kv, dobj])?;
    if !vm.to_boolean(r) {
        return Ok(false);
    }
    let target_desc = vm.get_own_property(t, k)?;
    let extensible = vm.is_extensible_op(t)?;
    let setting_config_false = d.configurable == Some(false);
    match target_desc {
        None => {
            if !extensible {
                return Err(fail(vm, T, Some(k), "trap returned truish for adding a property to a non-extensible target"));
            }
            if setting_config_false {
                return Err(fail(vm, T, Some(k), "trap returned truish for defining a non-configurable property that does not exist on the target"));
            }
        }
        Some(td) => {
            if !is_compatible(vm, extensible, &d, Some(td)) {
                return Err(fail(vm, T, Some(k), "trap returned truish for a descriptor incompatible with the target's property"));
            }
            if setting_config_false && td.configurable() {
                return Err(fail(vm, T, Some(k), "trap returned truish for defining a non-configurable property that is configurable on the target"));
            }
            if !td.is_accessor() && !td.configurable() && td.writable() && d.writable == Some(false) {
                return Err(fail(vm, T, Some(k), "trap returned truish for making a non-configurable writable property non-writable"));
            }
        }
    }
    Ok(true)
}

/// [[HasProperty]] from `o`, a proxy met on a prototype chain walk (called from
/// `Vm::has_property`): continues the walk through ordinary objects and proxies alike.
#[cold]
#[inline(never)]
pub fn has(vm: &mut Vm, o: Value, k: PropKey) -> JsResult<bool> {
    rooted(vm, |vm| has_walk(vm, o, k))
}

fn has_walk(vm: &mut Vm, o: Value, k: PropKey) -> JsResult<bool> {
    const T: &str = "has";
    let mut cur = o;
    let mut steps = 0;
    loop {
        if !vm.is_proxy(cur) {
            if vm.get_own(cur, k).is_some() {
                return Ok(true);
            }
            if vm.class_of(cur) == class::TYPED_ARRAY && crate::builtins::typedarray::is_numeric_key(vm, k) {
                return Ok(false);
            }
            cur = vm.proto_of(cur);
            if !cur.is_obj() {
                return Ok(false);
            }
            continue;
        }
        walk_step(vm, &mut steps)?;
        let (t, h, f) = parts_and_trap(vm, cur, T)?;
        let Some(f) = f else {
            cur = t;
            continue;
        };
        let kv = key_arg(vm, k)?;
        let r = vm.call(f, h, &[t, kv])?;
        let b = vm.to_boolean(r);
        if !b {
            let td = vm.get_own_property(t, k)?;
            check_may_be_absent(vm, T, t, k, td, "trap returned falsish")?;
        }
        return Ok(b);
    }
}

/// [[Get]] from `o`, a proxy met on a prototype chain walk (called from `Vm::get`).
#[cold]
#[inline(never)]
pub fn get(vm: &mut Vm, o: Value, k: PropKey, receiver: Value) -> JsResult<Value> {
    rooted(vm, |vm| get_walk(vm, o, k, receiver))
}

fn get_walk(vm: &mut Vm, o: Value, k: PropKey, receiver: Value) -> JsResult<Value> {
    const T: &str = "get";
    let mut cur = o;
    let mut steps = 0;
    loop {
        if !vm.is_proxy(cur) {
            if let Some(p) = vm.get_own(cur, k) {
                if !p.is_accessor() {
                    return Ok(p.value);
                }
                if p.getter.is_undefined() {
                    return Ok(Value::UNDEFINED);
                }
                return vm.call(p.getter, receiver, &[]);
            }
            if vm.class_of(cur) == class::TYPED_ARRAY && crate::builtins::typedarray::is_numeric_key(vm, k) {
                return Ok(Value::UNDEFINED);
            }
            cur = vm.proto_of(cur);
            if !cur.is_obj() {
                return Ok(Value::UNDEFINED);
            }
            continue;
        }
        walk_step(vm, &mut steps)?;
        let (t, h, f) = parts_and_trap(vm, cur, T)?;
        let Some(f) = f else {
            cur = t;
            continue;
        };
        let kv = key_arg(vm, k)?;
        let r = vm.call(f, h, &[t, kv, receiver])?;
        vm.stack.push(r);
        if let Some(td) = vm.get_own_property(t, k)? {
            if !td.configurable() {
                if !td.is_accessor() && !td.writable() && !same_value(vm, r, td.value) {
                    return Err(fail(vm, T, Some(k), "trap returned a value different from the non-writable, non-configurable property of the target"));
                }
                if td.is_accessor() && td.getter.is_undefined() && !r.is_undefined() {
                    return Err(fail(vm, T, Some(k), "trap returned a value for a non-configurable accessor without a getter"));
                }
            }
        }
        return Ok(r);
    }
}

/// [[Set]] from `o`, a proxy met on a prototype chain walk (called from `Vm::set`).
#[cold]
#[inline(never)]
pub fn set(vm: &mut Vm, o: Value, k: PropKey, v: Value, receiver: Value) -> JsResult<bool> {
    rooted(vm, |vm| {
        vm.stack.push(v);
        vm.stack.push(receiver);
        set_walk(vm, o, k, v, receiver)
    })
}

fn set_walk(vm: &mut Vm, o: Value, k: PropKey, v: Value, receiver: Value) -> JsResult<bool> {
    const T: &str = "set";
    let mut cur = o;
    let mut steps = 0;
    loop {
        if !vm.is_proxy(cur) {
            if vm.class_of(cur) == class::TYPED_ARRAY {
                if let Some(r) = crate::builtins::typedarray::set_hook(vm, cur, k, v, receiver)? {
                    return Ok(r);
                }
            }
            if let Some(p) = vm.get_own(cur, k) {
                return vm.set_with_own(cur, Some(p), k, v, receiver);
            }
            let next = vm.proto_of(cur);
            if !next.is_obj() {
                return vm.set_with_own(cur, None, k, v, receiver);
            }
            cur = next;
            continue;
        }
        walk_step(vm, &mut steps)?;
        let (t, h, f) = parts_and_trap(vm, cur, T)?;
        let Some(f) = f else {
            cur = t;
            continue;
        };
        let kv = key_arg(vm, k)?;
        let r = vm.call(f, h, &[t, kv, v, receiver])?;
        if !vm.to_boolean(r) {
            return Ok(false);
        }
        if let Some(td) = vm.get_own_property(t, k)? {
            if !td.configurable() {
                if !td.is_accessor() && !td.writable() && !same_value(vm, v, td.value) {
                    return Err(fail(vm, T, Some(k), "trap returned truish for changing a non-writable, non-configurable property of the target"));
                }
                if td.is_accessor() && td.setter.is_undefined() {
                    return Err(fail(vm, T, Some(k), "trap returned truish for a non-configurable accessor without a setter"));
                }
            }
        }
        return Ok(true);
    }
}

fn proxy_delete(vm: &mut Vm, p: Value, k: PropKey) -> JsResult<bool> {
    const T: &str = "deleteProperty";
    let (t, found) = trap_or_target(vm, p, T)?;
    let Some((h, f)) = found else { return Ok(vm.delete_own(t, k)) };
    let kv = key_arg(vm, k)?;
    let r = vm.call(f, h, &[t, kv])?;
    if !vm.to_boolean(r) {
        return Ok(false);
    }
    let td = vm.get_own_property(t, k)?;
    check_may_be_absent(vm, T, t, k, td, "trap returned truish")?;
    Ok(true)
}

fn proxy_own_keys(vm: &mut Vm, p: Value) -> JsResult<Vec<PropKey>> {
    const T: &str = "ownKeys";
    let (t, found) = trap_or_target(vm, p, T)?;
    let Some((h, f)) = found else { return Ok(vm.own_keys(t)) };
    let r = vm.call(f, h, &[t])?;
    if !r.is_obj() {
        return Err(fail(vm, T, None, "trap result is not an object"));
    }
    vm.stack.push(r);
    let n = vm.length_of(r)?;
    if n > (u32::MAX - 1) as f64 {
        return Err(vm.throw_range("'ownKeys' on proxy: trap result is too long"));
    }
    let mut keys = Vec::new();
    let mut seen = HashSet::new();
    for i in 0..n as u32 {
        let e = vm.get(r, PropKey::Index(i), r)?;
        let k = if e.is_str() {
            vm.key_from_string(e)?
        } else if e.is_sym() {
            PropKey::Key(e)
        } else {
            return Err(fail(vm, T, None, "trap result contains a value that is neither a string nor a symbol"));
        };
        let kw = vm.key_word_value(k);
        vm.stack.push(kw);
        if !seen.insert(k) {
            return Err(fail(vm, T, Some(k), "trap result contains a duplicate"));
        }
        keys.push(k);
    }
    let extensible = vm.is_extensible_op(t)?;
    let target_keys = vm.own_property_keys(t)?;
    let mut configurable = Vec::new();
    let mut fixed = Vec::new();
    for tk in target_keys {
        match vm.get_own_property(t, tk)? {
            Some(d) if !d.configurable() => fixed.push(tk),
            _ => configurable.push(tk),
        }
    }
    if extensible && fixed.is_empty() {
        return Ok(keys);
    }
    for k in fixed {
        if !seen.remove(&k) {
            return Err(fail(vm, T, Some(k), "trap result does not include a non-configurable key of the target"));
        }
    }
    if extensible {
        return Ok(keys);
    }
    for k in configurable {
        if !seen.remove(&k) {
            return Err(fail(vm, T, Some(k), "trap result does not include a key of the non-extensible target"));
        }
    }
    if let Some(&k) = seen.iter().next() {
        return Err(fail(vm, T, Some(k), "trap result includes a key the non-extensible target does not have"));
    }
    Ok(keys)
}

fn proxy_get_prototype_of(vm: &mut Vm, p: Value) -> JsResult<Value> {
    const T: &str = "getPrototypeOf";
    let (t, found) = trap_or_target(vm, p, T)?;
    let Some((h, f)) = found else { return Ok(vm.proto_of(t)) };
    let r = vm.call(f, h, &[t])?;
    if !r.is_obj() && !r.is_null() {
        return Err(fail(vm, T, None, "trap returned neither object nor null"));
    }
    vm.stack.push(r);
    check_fixed_prototype(vm, T, t, r, "trap returned a prototype different from the non-extensible target's")?;
    Ok(r)
}

fn proxy_set_prototype_of(vm: &mut Vm, p: Value, v: Value) -> JsResult<bool> {
    const T: &str = "setPrototypeOf";
    vm.stack.push(v);
    let (t, found) = trap_or_target(vm, p, T)?;
    let Some((h, f)) = found else { return Ok(ordinary_set_prototype_of(vm, t, v)) };
    let r = vm.call(f, h, &[t, v])?;
    if !vm.to_boolean(r) {
        return Ok(false);
    }
    check_fixed_prototype(vm, T, t, v, "trap returned truish for changing the prototype of a non-extensible target")?;
    Ok(true)
}

fn proxy_is_extensible(vm: &mut Vm, p: Value) -> JsResult<bool> {
    const T: &str = "isExtensible";
    let (t, found) = trap_or_target(vm, p, T)?;
    let Some((h, f)) = found else { return Ok(vm.is_extensible(t)) };
    let r = vm.call(f, h, &[t])?;
    let b = vm.to_boolean(r);
    if b != vm.is_extensible_op(t)? {
        return Err(fail(vm, T, None, "trap result does not reflect the extensibility of the target"));
    }
    Ok(b)
}

fn proxy_prevent_extensions(vm: &mut Vm, p: Value) -> JsResult<bool> {
    const T: &str = "preventExtensions";
    let (t, found) = trap_or_target(vm, p, T)?;
    let Some((h, f)) = found else { return vm.prevent_extensions(t) };
    let r = vm.call(f, h, &[t])?;
    let b = vm.to_boolean(r);
    if b && vm.is_extensible_op(t)? {
        return Err(fail(vm, T, None, "trap returned truish but the target is extensible"));
    }
    Ok(b)
}

/// [[Call]] and [[Construct]] of the proxy at `stack[base]` (this at `base + 1`, the
/// arguments after it; a construct when `new_target` is not undefined).
#[cold]
#[inline(never)]
pub fn call(vm: &mut Vm, base: usize, argc: usize, new_target: Value) -> JsResult<Value> {
    let construct = !new_target.is_undefined();
    let name = if construct { "construct" } else { "apply" };
    let this = vm.stack[base + 1];
    let args: Vec<Value> = vm.stack[base + 2..base + 2 + argc].to_vec();
    let p = vm.stack[base];
    rooted(vm, |vm| {
        let (t, found) = trap_or_target(vm, p, name)?;
        let Some((h, f)) = found else {
            return if construct { vm.construct(t, &args, new_target) } else { vm.call(t, this, &args) };
        };
        let arr = vm.new_array(&args)?;
        vm.stack.push(arr);
        if !construct {
            return vm.call(f, h, &[t, this, arr]);
        }
        let r = vm.call(f, h, &[t, arr, new_target])?;
        if !r.is_obj() {
            return Err(fail(vm, name, None, "trap returned a non-object"));
        }
        Ok(r)
    })
}
