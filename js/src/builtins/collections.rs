//! `Map`, `Set`, `WeakMap`, `WeakSet` and the Map and Set iterators.
//!
//! A collection object (class MAP, SET, WEAKMAP, WEAKSET) keeps its entries in a hash table
//! cell in its class slot 0 (see `table`); nothing about a collection is volatile, so a Map
//! built in one turn is the same Map after a restart. Weak tables are ephemeron cells: the
//! collector keeps a value alive only while its key is otherwise reachable, and drops the
//! entries of dead keys (`clear_dead_weak_entries`, called between mark and sweep).
//!
//! Iterators (class MAP_ITER, SET_ITER) hold `[table, next index, kind]`; the table they hold
//! may be replaced by a rebuild or a `clear` while they live, which `table::next_live` follows.

mod table;

use super::array::iter_result;
use super::{def, NativeDef};
use crate::interp::access::Args;
use crate::vm::object::{attr, class, PropKey};
use crate::vm::{JsResult, Throw, Value, Vm, A, I};
use std::cell::RefCell;

pub const NATIVES: &[NativeDef] = &[
    def("Map", map_ctor, 0),
    def("get Map[Symbol.species]", species, 0),
    def("Map.prototype.clear", map_clear, 0),
    def("Map.prototype.delete", map_delete, 1),
    def("Map.prototype.entries", map_entries, 0),
    def("Map.prototype.forEach", map_for_each, 1),
    def("Map.prototype.get", map_get, 1),
    def("Map.prototype.has", map_has, 1),
    def("Map.prototype.keys", map_keys, 0),
    def("Map.prototype.set", map_set, 2),
    def("get Map.prototype.size", map_size, 0),
    def("Map.prototype.values", map_values, 0),
    def("%MapIteratorPrototype%.next", map_iter_next, 0),
    def("Set", set_ctor, 0),
    def("get Set[Symbol.species]", species, 0),
    def("Set.prototype.add", set_add, 1),
    def("Set.prototype.clear", set_clear, 0),
    def("Set.prototype.delete", set_delete, 1),
    def("Set.prototype.entries", set_entries, 0),
    def("Set.prototype.forEach", set_for_each, 1),
    def("Set.prototype.has", set_has, 1),
    def("get Set.prototype.size", set_size, 0),
    def("Set.prototype.values", set_values, 0),
    def("%SetIteratorPrototype%.next", set_iter_next, 0),
    def("WeakMap", weakmap_ctor, 0),
    def("WeakMap.prototype.delete", weakmap_delete, 1),
    def("WeakMap.prototype.get", weakmap_get, 1),
    def("WeakMap.prototype.has", weakmap_has, 1),
    def("WeakMap.prototype.set", weakmap_set, 2),
    def("WeakSet", weakset_ctor, 0),
    def("WeakSet.prototype.add", weakset_add, 1),
    def("WeakSet.prototype.delete", weakset_delete, 1),
    def("WeakSet.prototype.has", weakset_has, 1),
];

/// Iterator kinds (slot 2 of an iterator).
const KIND_KEYS: u64 = 0;
const KIND_VALUES: u64 = 1;
const KIND_ENTRIES: u64 = 2;

fn tag(vm: &mut Vm, o: Value, s: &str) -> JsResult<()> {
    let v = vm.str_from(s)?;
    let tk = vm.i(I::SymToStringTag);
    vm.put(o, PropKey::Key(tk), v, attr::C)
}

pub fn init(vm: &mut Vm) -> JsResult<()> {
    let op = vm.i(I::ObjectProto);
    let ik = PropKey::Key(vm.i(I::SymIterator));

    // Map
    let mp = vm.new_plain(op)?;
    vm.set_intrinsic(I::MapProto, mp);
    let c = vm.def_ctor("Map", mp)?;
    vm.def_getter(c, "get Map[Symbol.species]", None)?;
    vm.def_methods(
        mp,
        &["Map.prototype.clear", "Map.prototype.delete", "Map.prototype.forEach", "Map.prototype.get", "Map.prototype.has", "Map.prototype.keys", "Map.prototype.set"],
    )?;
    let entries = vm.def_method(mp, "Map.prototype.entries")?;
    vm.def_getter(mp, "get Map.prototype.size", None)?;
    vm.def_method(mp, "Map.prototype.values")?;
    vm.put(mp, ik, entries, attr::WC)?;
    tag(vm, mp, "Map")?;

    // Set
    let sp = vm.new_plain(op)?;
    vm.set_intrinsic(I::SetProto, sp);
    let c = vm.def_ctor("Set", sp)?;
    vm.def_getter(c, "get Set[Symbol.species]", None)?;
    vm.def_methods(sp, &["Set.prototype.add", "Set.prototype.clear", "Set.prototype.delete", "Set.prototype.entries", "Set.prototype.forEach", "Set.prototype.has"])?;
    vm.def_getter(sp, "get Set.prototype.size", None)?;
    let values = vm.def_method(sp, "Set.prototype.values")?;
    vm.def_value(sp, "keys", values, attr::WC)?;
    vm.put(sp, ik, values, attr::WC)?;
    tag(vm, sp, "Set")?;

    // WeakMap, WeakSet
    let wmp = vm.new_plain(op)?;
    vm.set_intrinsic(I::WeakMapProto, wmp);
    vm.def_ctor("WeakMap", wmp)?;
    vm.def_methods(wmp, &["WeakMap.prototype.delete", "WeakMap.prototype.get", "WeakMap.prototype.has", "WeakMap.prototype.set"])?;
    tag(vm, wmp, "WeakMap")?;
    let wsp = vm.new_plain(op)?;
    vm.set_intrinsic(I::WeakSetProto, wsp);
    vm.def_ctor("WeakSet", wsp)?;
    vm.def_methods(wsp, &["WeakSet.prototype.add", "WeakSet.prototype.delete", "WeakSet.prototype.has"])?;
    tag(vm, wsp, "WeakSet")?;

    // iterators
    let ip = vm.i(I::IteratorProto);
    let mip = vm.new_plain(ip)?;
    vm.set_intrinsic(I::MapIteratorProto, mip);
    vm.def_method(mip, "%MapIteratorPrototype%.next")?;
    tag(vm, mip, "Map Iterator")?;
    let sip = vm.new_plain(ip)?;
    vm.set_intrinsic(I::SetIteratorProto, sip);
    vm.def_method(sip, "%SetIteratorPrototype%.next")?;
    tag(vm, sip, "Set Iterator")?;
    Ok(())
}

/// Called by the collector between mark and sweep for every live weak table.
pub fn clear_dead_weak_entries(vm: &mut Vm, table_off: u64) {
    table::clear_dead(vm, table_off)
}

/// The number of live entries of a Map, Set, WeakMap or WeakSet (for tests and statistics:
/// a weak collection's count drops once the collector has cleared entries of dead keys).
pub fn entry_count(vm: &Vm, v: Value) -> Option<usize> {
    if v.is_obj() && matches!(vm.class_of(v), class::MAP | class::SET | class::WEAKMAP | class::WEAKSET) {
        Some(table::live(vm, vm.slot(v, 0)))
    } else {
        None
    }
}

// ----- shared helpers ---------------------------------------------------------------------------

/// How a receiver looks in a TypeError message (`#<Set>`, `undefined`, `1`).
fn describe(vm: &mut Vm, v: Value) -> String {
    if !v.is_obj() {
        return crate::display::inspect(vm, v).unwrap_or_default();
    }
    let p = vm.proto_of(v);
    let mut name = String::from("Object");
    if p.is_obj() {
        let ck = vm.key_atom(A::constructor);
        if let Some(c) = vm.get_own(p, ck) {
            if c.value.is_obj() && !c.is_accessor() {
                let nk = vm.key_atom(A::name);
                if let Some(n) = vm.get_own(c.value, nk) {
                    if n.value.is_str() && !n.is_accessor() {
                        name = vm.string_lossy(n.value);
                    }
                }
            }
        }
    }
    format!("#<{name}>")
}

/// `this` as a collection of class `cls`, or V8's TypeError.
fn this_of(vm: &mut Vm, a: &Args, cls: u16, method: &str) -> JsResult<Value> {
    let t = a.this(vm);
    if t.is_obj() && vm.class_of(t) == cls {
        return Ok(t);
    }
    let d = describe(vm, t);
    Err(vm.throw_type(&format!("Method {method} called on incompatible receiver {d}")))
}

fn species(vm: &mut Vm, a: &Args) -> JsResult<Value> {
    Ok(a.this(vm))
}

/// A new, empty collection object for `new C(...)`.
fn create(vm: &mut Vm, a: &Args, name: &str, proto: I, cls: u16, stride: usize, weak: bool) -> JsResult<Value> {
    if !a.is_construct() {
        return Err(vm.throw_type(&format!("Constructor {name} requires 'new'")));
    }
    let p = vm.proto_from_ctor(a.new_target, proto)?;
    vm.stack.push(p);
    let t = table::new_table(vm, stride, weak, 0);
    vm.stack.pop();
    let t = t?;
    let o = vm.new_object_with(cls, p, 1)?;
    vm.set_slot(o, 0, t);
    Ok(o)
}

/// IteratorClose after an abrupt completion: calls `return` (its errors are ignored) and
/// gives back the original exception.
fn close_after(vm: &mut Vm, iter: Value, err: Throw) -> Throw {
    if !matches!(err, Throw::Exception) {
        return err;
    }
    let exc = vm.exception;
    let base = vm.stack.len();
    vm.stack.push(exc);
    let rk = vm.key_atom(A::return_);
    let r = match vm.get_v(iter, rk) {
        Ok(m) if vm.is_callable(m) => vm.call(m, iter, &[]).map(|_| ()),
        Ok(_) => Ok(()),
        Err(t) => Err(t),
    };
    vm.stack.truncate(base);
    match r {
        Err(t @ (Throw::Interrupted | Throw::Fatal)) => t,
        _ => {
            vm.exception = exc;
            Throw::Exception
        }
    }
}

/// AddEntriesFromIterable (`pairs`) or the Set/WeakSet constructor loop: calls
/// `target[adder](...)` for each item of `iterable`.
fn fill(vm: &mut Vm, target: Value, iterable: Value, adder_name: A, pairs: bool) -> JsResult<()> {
    let base = vm.stack.len();
    let r = fill_inner(vm, target, iterable, adder_name, pairs);
    vm.stack.truncate(base);
    r
}

fn fill_inner(vm: &mut Vm, target: Value, iterable: Value, adder_name: A, pairs: bool) -> JsResult<()> {
    vm.stack.push(target);
    vm.stack.push(iterable);
    let ak = vm.key_atom(adder_name);
    let adder = vm.get(target, ak, target)?;
    if !vm.is_callable(adder) {
        let s = crate::display::inspect(vm, adder)?;
        let n = vm.string_lossy(vm.a(adder_name));
        let d = describe(vm, target);
        return Err(vm.throw_type(&format!("'{s}' returned for property '{n}' of object '{d}' is not a function")));
    }
    vm.stack.push(adder);
    let (iter, next) = vm.get_iterator(iterable)?;
    vm.stack.push(iter);
    vm.stack.push(next);
    loop {
        let Some(item) = vm.iterator_step(iter, next)? else { return Ok(()) };
        let mark = vm.stack.len();
        vm.stack.push(item);
        let r = if pairs {
            if !item.is_obj() {
                let s = crate::display::inspect(vm, item)?;
                let e = vm.throw_type(&format!("Iterator value {s} is not an entry object"));
                return Err(close_after(vm, iter, e));
            }
            (|| {
                let k = vm.get(item, PropKey::Index(0), item)?;
                vm.stack.push(k);
                let v = vm.get(item, PropKey::Index(1), item)?;
                vm.call(adder, target, &[k, v])
            })()
        } else {
            vm.call(adder, target, &[item])
        };
        vm.stack.truncate(mark);
        if let Err(e) = r {
            return Err(close_after(vm, iter, e));
        }
    }
}

fn ctor(vm: &mut Vm, a: &Args, name: &str, proto: I, cls: u16, stride: usize, weak: bool, adder: A, pairs: bool) -> JsResult<Value> {
    let o = create(vm, a, name, proto, cls, stride, weak)?;
    let iterable = a.get(vm, 0);
    if !iterable.is_nullish() {
        fill(vm, o, iterable, adder, pairs)?;
    }
    Ok(o)
}

fn callback(vm: &mut Vm, a: &Args) -> JsResult<Value> {
    let f = a.get(vm, 0);
    if !vm.is_callable(f) {
        let s = crate::display::inspect(vm, f)?;
        return Err(vm.throw_type(&format!("{s} is not a function")));
    }
    Ok(f)
}

/// Map/Set forEach: calls `f(value, key, collection)` per live entry, seeing entries added
/// during the walk and skipping deleted ones.
fn for_each(vm: &mut Vm, a: &Args, cls: u16, method: &str) -> JsResult<Value> {
    let m = this_of(vm, a, cls, method)?;
    let f = callback(vm, a)?;
    let this_arg = a.get(vm, 1);
    let base = vm.stack.len();
    // the table being walked is rooted in this stack slot (the collection may replace it)
    let t0 = vm.slot(m, 0);
    vm.stack.push(t0);
    let mut i = 0;
    let r = loop {
        let t = vm.stack[base];
        let Some((t, e)) = table::next_live(vm, t, i) else { break Ok(Value::UNDEFINED) };
        vm.stack[base] = t;
        i = e + 1;
        let (k, v) = (table::key_at(vm, t, e), table::value_at(vm, t, e));
        if let Err(x) = vm.call(f, this_arg, &[v, k, m]) {
            break Err(x);
        }
    };
    vm.stack.truncate(base);
    r
}

fn new_iter(vm: &mut Vm, a: &Args, cls: u16, method: &str, kind: u64) -> JsResult<Value> {
    let m = this_of(vm, a, cls, method)?;
    let (iter_cls, proto) = if cls == class::MAP { (class::MAP_ITER, I::MapIteratorProto) } else { (class::SET_ITER, I::SetIteratorProto) };
    let p = vm.i(proto);
    let it = vm.new_object_with(iter_cls, p, 3)?;
    let t = vm.slot(m, 0);
    table::mark_iterated(vm, t);
    vm.set_slot(it, 0, t);
    vm.set_slot(it, 1, Value::int(0));
    vm.set_slot(it, 2, Value::int(kind));
    Ok(it)
}

fn iter_next(vm: &mut Vm, a: &Args, cls: u16, what: &str) -> JsResult<Value> {
    let it = a.this(vm);
    if !(it.is_obj() && vm.class_of(it) == cls) {
        let d = describe(vm, it);
        return Err(vm.throw_type(&format!("Method {what}.prototype.next called on incompatible receiver {d}")));
    }
    let t = vm.slot(it, 0);
    if !t.is_cell() {
        return iter_result(vm, Value::UNDEFINED, true);
    }
    let i = vm.slot(it, 1).payload() as usize;
    let Some((t, e)) = table::next_live(vm, t, i) else {
        vm.set_slot(it, 0, Value::UNDEFINED);
        return iter_result(vm, Value::UNDEFINED, true);
    };
    vm.set_slot(it, 0, t);
    vm.set_slot(it, 1, Value::int(e as u64 + 1));
    let (k, v) = (table::key_at(vm, t, e), table::value_at(vm, t, e));
    let r = match vm.slot(it, 2).payload() {
        KIND_KEYS => k,
        KIND_VALUES => v,
        _ => vm.new_array(&[k, v])?,
    };
    iter_result(vm, r, false)
}

// ----- Map ------------------------------------------------------------------------------------

fn map_ctor(vm: &mut Vm, a: &Args) -> JsResult<Value> {
    ctor(vm, a, "Map", I::MapProto, class::MAP, 2, false, A::set, true)
}

fn map_clear(vm: &mut Vm, a: &Args) -> JsResult<Value> {
    let m = this_of(vm, a, class::MAP, "Map.prototype.clear")?;
    table::clear(vm, m, 0)?;
    Ok(Value::UNDEFINED)
}

fn map_delete(vm: &mut Vm, a: &Args) -> JsResult<Value> {
    let m = this_of(vm, a, class::MAP, "Map.prototype.delete")?;
    let k = table::normalize(a.get(vm, 0));
    Ok(Value::bool(table::delete(vm, m, 0, k)?))
}

fn map_entries(vm: &mut Vm, a: &Args) -> JsResult<Value> {
    new_iter(vm, a, class::MAP, "Map.prototype.entries", KIND_ENTRIES)
}
fn map_keys(vm: &mut Vm, a: &Args) -> JsResult<Value> {
    new_iter(vm, a, class::MAP, "Map.prototype.keys", KIND_KEYS)
}
fn map_values(vm: &mut Vm, a: &Args) -> JsResult<Value> {
    new_iter(vm, a, class::MAP, "Map.prototype.values", KIND_VALUES)
}

fn map_for_each(vm: &mut Vm, a: &Args) -> JsResult<Value> {
    for_each(vm, a, class::MAP, "Map.prototype.forEach")
}

fn map_get(vm: &mut Vm, a: &Args) -> JsResult<Value> {
    let m = this_of(vm, a, class::MAP, "Map.prototype.get")?;
    let k = table::normalize(a.get(vm, 0));
    let t = vm.slot(m, 0);
    Ok(match table::find(vm, t, k) {
        Some(e) => table::value_at(vm, t, e),
        None => Value::UNDEFINED,
    })
}

fn map_has(vm: &mut Vm, a: &Args) -> JsResult<Value> {
    let m = this_of(vm, a, class::MAP, "Map.prototype.has")?;
    let k = table::normalize(a.get(vm, 0));
    let t = vm.slot(m, 0);
    Ok(Value::bool(table::find(vm, t, k).is_some()))
}

fn map_set(vm: &mut Vm, a: &Args) -> JsResult<Value> {
    let m = this_of(vm, a, class::MAP, "Map.prototype.set")?;
    let k = table::normalize(a.get(vm, 0));
    let v = a.get(vm, 1);
    table::set(vm, m, 0, k, v)?;
    Ok(m)
}

fn map_size(vm: &mut Vm, a: &Args) -> JsResult<Value> {
    let m = this_of(vm, a, class::MAP, "get Map.prototype.size")?;
    let t = vm.slot(m, 0);
    Ok(Value::num(table::live(vm, t) as f64))
}

fn map_iter_next(vm: &mut Vm, a: &Args) -> JsResult<Value> {
    iter_next(vm, a, class::MAP_ITER, "Map Iterator")
}

// ----- Set ------------------------------------------------------------------------------------

fn set_ctor(vm: &mut Vm, a: &Args) -> JsResult<Value> {
    ctor(vm, a, "Set", I::SetProto, class::SET, 1, false, A::add, false)
}

fn set_add(vm: &mut Vm, a: &Args) -> JsResult<Value> {
    let s = this_of(vm, a, class::SET, "Set.prototype.add")?;
    let k = table::normalize(a.get(vm, 0));
    table::set(vm, s, 0, k, k)?;
    Ok(s)
}

fn set_clear(vm: &mut Vm, a: &Args) -> JsResult<Value> {
    let s = this_of(vm, a, class::SET, "Set.prototype.clear")?;
    table::clear(vm, s, 0)?;
    Ok(Value::UNDEFINED)
}

fn set_delete(vm: &mut Vm, a: &Args) -> JsResult<Value> {
    let s = this_of(vm, a, class::SET, "Set.prototype.delete")?;
    let k = table::normalize(a.get(vm, 0));
    Ok(Value::bool(table::delete(vm, s, 0, k)?))
}

fn set_entries(vm: &mut Vm, a: &Args) -> JsResult<Value> {
    new_iter(vm, a, class::SET, "Set.prototype.entries", KIND_ENTRIES)
}
fn set_values(vm: &mut Vm, a: &Args) -> JsResult<Value> {
    new_iter(vm, a, class::SET, "Set.prototype.values", KIND_VALUES)
}

fn set_for_each(vm: &mut Vm, a: &Args) -> JsResult<Value> {
    for_each(vm, a, class::SET, "Set.prototype.forEach")
}

fn set_has(vm: &mut Vm, a: &Args) -> JsResult<Value> {
    let s = this_of(vm, a, class::SET, "Set.prototype.has")?;
    let k = table::normalize(a.get(vm, 0));
    let t = vm.slot(s, 0);
    Ok(Value::bool(table::find(vm, t, k).is_some()))
}

fn set_size(vm: &mut Vm, a: &Args) -> JsResult<Value> {
    let s = this_of(vm, a, class::SET, "get Set.prototype.size")?;
    let t = vm.slot(s, 0);
    Ok(Value::num(table::live(vm, t) as f64))
}

fn set_iter_next(vm: &mut Vm, a: &Args) -> JsResult<Value> {
    iter_next(vm, a, class::SET_ITER, "Set Iterator")
}

// ----- WeakMap, WeakSet ---------------------------------------------------------------------------

/// CanBeHeldWeakly: an object, or a symbol not in the `Symbol.for` registry (as node does;
/// a registered symbol lives as long as the realm, so it could never be collected).
fn weak_key(vm: &mut Vm, v: Value) -> bool {
    if v.is_obj() {
        return true;
    }
    if !v.is_sym() {
        return false;
    }
    let d = vm.word(v.off(), 1);
    if !d.is_str() {
        return true;
    }
    let units = vm.units(d).to_vec();
    let key = match crate::vm::string::array_index(&units) {
        Some(i) => PropKey::Index(i),
        None => match vm.find_atom(&units) {
            Some(a) => PropKey::Key(a),
            None => return true,
        },
    };
    let reg = vm.realm().symbol_registry;
    !vm.get_own(reg, key).is_some_and(|p| p.value == v)
}

fn weakmap_ctor(vm: &mut Vm, a: &Args) -> JsResult<Value> {
    ctor(vm, a, "WeakMap", I::WeakMapProto, class::WEAKMAP, 2, true, A::set, true)
}

fn weakmap_delete(vm: &mut Vm, a: &Args) -> JsResult<Value> {
    let m = this_of(vm, a, class::WEAKMAP, "WeakMap.prototype.delete")?;
    let k = a.get(vm, 0);
    if !weak_key(vm, k) {
        return Ok(Value::FALSE);
    }
    Ok(Value::bool(table::delete(vm, m, 0, k)?))
}

fn weakmap_get(vm: &mut Vm, a: &Args) -> JsResult<Value> {
    let m = this_of(vm, a, class::WEAKMAP, "WeakMap.prototype.get")?;
    let k = a.get(vm, 0);
    if !weak_key(vm, k) {
        return Ok(Value::UNDEFINED);
    }
    let t = vm.slot(m, 0);
    Ok(match table::find(vm, t, k) {
        Some(e) => table::value_at(vm, t, e),
        None => Value::UNDEFINED,
    })
}

fn weakmap_has(vm: &mut Vm, a: &Args) -> JsResult<Value> {
    let m = this_of(vm, a, class::WEAKMAP, "WeakMap.prototype.has")?;
    let k = a.get(vm, 0);
    if !weak_key(vm, k) {
        return Ok(Value::FALSE);
    }
    let t = vm.slot(m, 0);
    Ok(Value::bool(table::find(vm, t, k).is_some()))
}

fn weakmap_set(vm: &mut Vm, a: &Args) -> JsResult<Value> {
    let m = this_of(vm, a, class::WEAKMAP, "WeakMap.prototype.set")?;
    let k = a.get(vm, 0);
    if !weak_key(vm, k) {
        return Err(vm.throw_type("Invalid value used as weak map key"));
    }
    let v = a.get(vm, 1);
    table::set(vm, m, 0, k, v)?;
    Ok(m)
}

fn weakset_ctor(vm: &mut Vm, a: &Args) -> JsResult<Value> {
    ctor(vm, a, "WeakSet", I::WeakSetProto, class::WEAKSET, 2, true, A::add, false)
}

fn weakset_add(vm: &mut Vm, a: &Args) -> JsResult<Value> {
    let s = this_of(vm, a, class::WEAKSET, "WeakSet.prototype.add")?;
    let k = a.get(vm, 0);
    if !weak_key(vm, k) {
        return Err(vm.throw_type("Invalid value used in weak set"));
    }
    table::set(vm, s, 0, k, Value::TRUE)?;
    Ok(s)
}

fn weakset_delete(vm: &mut Vm, a: &Args) -> JsResult<Value> {
    let s = this_of(vm, a, class::WEAKSET, "WeakSet.prototype.delete")?;
    let k = a.get(vm, 0);
    if !weak_key(vm, k) {
        return Ok(Value::FALSE);
    }
    Ok(Value::bool(table::delete(vm, s, 0, k)?))
}

fn weakset_has(vm: &mut Vm, a: &Args) -> JsResult<Value> {
    let s = this_of(vm, a, class::WEAKSET, "WeakSet.prototype.has")?;
    let k = a.get(vm, 0);
    if !weak_key(vm, k) {
        return Ok(Value::FALSE);
    }
    let t = vm.slot(s, 0);
    Ok(Value::bool(table::find(vm, t, k).is_some()))
}

// ----- printing -----------------------------------------------------------------------------------

const MAX_ITEMS: usize = 100;
const MAX_NESTING: usize = 2;

thread_local! {
    /// Collections being printed (for cycles and depth; `display` calls back in for nested values).
    static PRINTING: RefCell<Vec<Value>> = const { RefCell::new(Vec::new()) };
}

/// The constructor name node shows for `o` (None for a null prototype).
fn ctor_name(vm: &mut Vm, o: Value) -> Option<String> {
    let p = vm.proto_of(o);
    if !p.is_obj() {
        return None;
    }
    let ck = vm.key_atom(A::constructor);
    let nk = vm.key_atom(A::name);
    let mut cur = p;
    // the nearest prototype with an own `constructor` (node walks the chain the same way)
    for _ in 0..64 {
        if let Some(c) = vm.get_own(cur, ck) {
            if c.value.is_obj() && !c.is_accessor() {
                if let Some(n) = vm.get_own(c.value, nk) {
                    if n.value.is_str() {
                        return Some(vm.string_lossy(n.value));
                    }
                }
            }
            return Some(String::new());
        }
        cur = vm.proto_of(cur);
        if !cur.is_obj() {
            break;
        }
    }
    Some(String::new())
}

/// Node-style printing of collection objects (None: not a collection).
pub fn inspect_special(vm: &mut Vm, v: Value) -> JsResult<Option<String>> {
    if !v.is_obj() {
        return Ok(None);
    }
    let cls = vm.class_of(v);
    let base = match cls {
        class::MAP => "Map",
        class::SET => "Set",
        class::WEAKMAP => "WeakMap",
        class::WEAKSET => "WeakSet",
        class::MAP_ITER | class::SET_ITER => return inspect_iterator(vm, v).map(Some),
        _ => return Ok(None),
    };
    let name = ctor_name(vm, v);
    let weak = matches!(cls, class::WEAKMAP | class::WEAKSET);
    let t = vm.slot(v, 0);
    let size = table::live(vm, t);
    let prefix = match &name {
        None if weak => format!("[{base}: null prototype]"),
        None => format!("[{base}({size}): null prototype]"),
        Some(n) if n == base => if weak { base.to_string() } else { format!("{base}({size})") },
        Some(n) => {
            let n = if n.is_empty() { base } else { n.as_str() };
            if weak {
                format!("{n} [{base}]")
            } else {
                format!("{n}({size}) [{base}]")
            }
        }
    };
    if weak {
        return Ok(Some(format!("{prefix} {{ <items unknown> }}")));
    }
    let depth = PRINTING.with(|p| p.borrow().len());
    if PRINTING.with(|p| p.borrow().contains(&v)) {
        return Ok(Some("[Circular *1]".into()));
    }
    if depth > MAX_NESTING {
        return Ok(Some(format!("[{base}]")));
    }
    let items = table::entries(vm, t, MAX_ITEMS);
    let parts = {
        let base_len = vm.stack.len();
        for (k, x) in &items {
            vm.stack.push(*k);
            vm.stack.push(*x);
        }
        PRINTING.with(|p| p.borrow_mut().push(v));
        let r = (|| -> JsResult<Vec<String>> {
            let mut parts = Vec::new();
            for &(k, x) in &items {
                let ks = crate::display::inspect(vm, k)?;
                parts.push(if cls == class::MAP {
                    let xs = crate::display::inspect(vm, x)?;
                    format!("{ks} => {xs}")
                } else {
                    ks
                });
            }
            Ok(parts)
        })();
        PRINTING.with(|p| p.borrow_mut().pop());
        vm.stack.truncate(base_len);
        r?
    };
    let mut parts = parts;
    if size > items.len() {
        let more = size - items.len();
        parts.push(format!("... {more} more item{}", if more == 1 { "" } else { "s" }));
    }
    Ok(Some(layout(&prefix, parts, depth)))
}

/// `{ a, b }` on one line when short (node's rule for a break length of 80), else one item per
/// line.
fn layout(prefix: &str, parts: Vec<String>, depth: usize) -> String {
    if parts.is_empty() {
        return format!("{prefix} {{}}");
    }
    let n = parts.len();
    let total = n + 2 * depth + prefix.len() + 2 + 10 + n + parts.iter().map(|p| p.chars().count()).sum::<usize>();
    if total <= 80 && !parts.iter().any(|p| p.contains('\n')) {
        return format!("{prefix} {{ {} }}", parts.join(", "));
    }
    let indent = "  ".repeat(depth + 1);
    let inner: Vec<String> = parts.iter().map(|p| format!("{indent}{}", p.replace('\n', &format!("\n{indent}")))).collect();
    format!("{prefix} {{\n{}\n{}}}", inner.join(",\n"), "  ".repeat(depth))
}

/// `[Map Entries] { [ 'a', 1 ] }`, `[Set Iterator] { 1, 2 }`: what the iterator has left.
fn inspect_iterator(vm: &mut Vm, it: Value) -> JsResult<String> {
    let is_map = vm.class_of(it) == class::MAP_ITER;
    let kind = vm.slot(it, 2).payload();
    let label = match (is_map, kind == KIND_ENTRIES) {
        (true, true) => "[Map Entries]",
        (true, false) => "[Map Iterator]",
        (false, true) => "[Set Entries]",
        (false, false) => "[Set Iterator]",
    };
    let mut items = Vec::new();
    let t = vm.slot(it, 0);
    if t.is_cell() {
        let mut i = vm.slot(it, 1).payload() as usize;
        let mut t = t;
        while items.len() < MAX_ITEMS {
            let Some((nt, e)) = table::next_live(vm, t, i) else { break };
            t = nt;
            i = e + 1;
            items.push((table::key_at(vm, t, e), table::value_at(vm, t, e)));
        }
    }
    let base_len = vm.stack.len();
    for (k, x) in &items {
        vm.stack.push(*k);
        vm.stack.push(*x);
    }
    let r = (|| -> JsResult<Vec<String>> {
        let mut parts = Vec::new();
        for &(k, x) in &items {
            let ks = crate::display::inspect(vm, k)?;
            parts.push(match kind {
                KIND_KEYS => ks,
                KIND_VALUES => crate::display::inspect(vm, x)?,
                _ => format!("[ {ks}, {} ]", crate::display::inspect(vm, x)?),
            });
        }
        Ok(parts)
    })();
    vm.stack.truncate(base_len);
    let parts = r?;
    if parts.is_empty() {
        // node prints an exhausted iterator with two spaces
        return Ok(format!("{label} {{  }}"));
    }
    Ok(layout(label, parts, 0))
}
