//! The storage of `Map`, `Set`, `WeakMap` and `WeakSet`: an insertion-ordered hash table that
//! lives in one heap cell, so a collection is the same after a restart as before it.
//!
//! Cell layout (every word a `Value`; the words are numbered from 1 after the header):
//!
//! ```text
//! [1] used   entries written so far, deleted ones included (int)
//! [2] live   entries not deleted (int)
//! [3] cap    entry capacity (int, a power of two)
//! [4] nb     hash buckets (int, 2 * cap)
//! [5] fwd    the table that replaced this one (cell) or undefined
//! [6] flags  stride (1 or 2) | ITERATED | CLEARED (int)
//! [7..]      cap entries of `stride` words: key [, value]; a deleted entry's key is EMPTY
//! [..]       nb buckets: 0 (free) or int(entry index); linear probing
//! ```
//!
//! Deletion writes EMPTY over the key and leaves the bucket pointing at the dead entry (so
//! probing continues past it); entries are appended in insertion order, so iteration by index
//! sees entries added during iteration and skips deleted ones, as the spec's List does.
//! When `used` reaches `cap` the live entries are copied, in order, to a new table (growing,
//! or compacting when many are dead). A live iterator may still hold the old table: if one
//! ever did (flag ITERATED), the old table gets `fwd` and keeps, per entry, only whether it
//! was live (TRUE) or dead (EMPTY), so the iterator's index maps to the new table by counting
//! the live entries before it (`clear` sets CLEARED instead: every index maps to 0).
//!
//! Weak tables (stride 2, no iterators) are cells of kind EPHEMERON: the collector traces a
//! value only while its key is otherwise live, and `clear_dead` drops entries whose key died.
//!
//! Keys are compared with SameValueZero: -0 is stored as +0, NaN is one bit pattern, strings
//! compare by contents (their cached content hash is in the string cell), BigInts by
//! contents (hashed from their limbs), everything else by
//! identity (cell offsets; the collector does not move cells, so hashes survive restarts).

use crate::vm::cells::{header, kind};
use crate::vm::{JsResult, Value, Vm};

const USED: usize = 1;
const LIVE: usize = 2;
const CAP: usize = 3;
const NB: usize = 4;
const FWD: usize = 5;
const FLAGS: usize = 6;
/// First word of the entries (pair-aligned for EPHEMERON cells: words (7, 8) are a pair).
const E0: usize = 7;

const STRIDE_MASK: u64 = 3;
const ITERATED: u64 = 4;
const CLEARED: u64 = 8;

const MIN_CAP: usize = 4;

#[inline]
fn int(v: Value) -> usize {
    v.payload() as usize
}

#[inline]
fn mix(mut x: u64) -> u64 {
    x ^= x >> 33;
    x = x.wrapping_mul(0xff51_afd7_ed55_8ccd);
    x ^= x >> 33;
    x = x.wrapping_mul(0xc4ce_b9fe_1a85_ec53);
    x ^ (x >> 33)
}

/// -0 becomes +0 (the key a Map or Set stores for either zero).
#[inline]
pub fn normalize(k: Value) -> Value {
    if k.is_num() && k.as_num() == 0.0 {
        Value::ZERO
    } else {
        k
    }
}

#[inline]
fn hash(vm: &Vm, k: Value) -> u64 {
    if k.is_str() {
        // the content hash every string cell keeps after its header
        mix(vm.word(k.off(), 1).0)
    } else if k.is_bigint() {
        mix(vm.bigint_hash(k))
    } else {
        mix(k.0)
    }
}

/// SameValueZero of a stored key and a normalized key.
#[inline]
fn same(vm: &Vm, stored: Value, k: Value) -> bool {
    stored == k || (stored.is_str() && k.is_str() && vm.str_eq(stored, k)) || (stored.is_bigint() && k.is_bigint() && vm.bigint_eq(stored, k))
}

/// A table cell (as a `Value`): the handle the functions below take.
pub type Table = Value;

pub fn new_table(vm: &mut Vm, stride: usize, weak: bool, cap: usize) -> JsResult<Table> {
    let cap = cap.max(MIN_CAP).next_power_of_two();
    let nb = cap * 2;
    let n = E0 - 1 + cap * stride + nb;
    let k = if weak { kind::EPHEMERON } else { kind::LIST };
    let off = vm.alloc_cell(8 + 8 * n as u64, header(k, 0, 0, n as u32))?;
    // the allocator hands out zeroed cells: buckets are free (0), entries are 0 words, which
    // are never read before they are written (index < used)
    vm.set_word(off, USED, Value::int(0));
    vm.set_word(off, LIVE, Value::int(0));
    vm.set_word(off, CAP, Value::int(cap as u64));
    vm.set_word(off, NB, Value::int(nb as u64));
    vm.set_word(off, FWD, Value::UNDEFINED);
    vm.set_word(off, FLAGS, Value::int(stride as u64));
    Ok(Value::cell(off))
}

fn is_weak(vm: &Vm, t: Table) -> bool {
    vm.cell_kind(t) == kind::EPHEMERON
}
fn flags(vm: &Vm, t: Table) -> u64 {
    vm.word(t.off(), FLAGS).payload()
}
fn stride(vm: &Vm, t: Table) -> usize {
    (flags(vm, t) & STRIDE_MASK) as usize
}
pub fn used(vm: &Vm, t: Table) -> usize {
    int(vm.word(t.off(), USED))
}
pub fn live(vm: &Vm, t: Table) -> usize {
    int(vm.word(t.off(), LIVE))
}
fn cap(vm: &Vm, t: Table) -> usize {
    int(vm.word(t.off(), CAP))
}

/// The key of entry `i` (EMPTY when deleted).
#[inline]
pub fn key_at(vm: &Vm, t: Table, i: usize) -> Value {
    vm.word(t.off(), E0 + i * stride(vm, t))
}
/// The value of entry `i` (the key for a table without values).
#[inline]
pub fn value_at(vm: &Vm, t: Table, i: usize) -> Value {
    let s = stride(vm, t);
    vm.word(t.off(), E0 + i * s + s - 1)
}

/// The entry index holding `k` (normalized), if any.
pub fn find(vm: &Vm, t: Table, k: Value) -> Option<usize> {
    let off = t.off();
    let s = stride(vm, t);
    let nb = int(vm.word(off, NB));
    let buckets = E0 + cap(vm, t) * s;
    let mask = nb - 1;
    let mut b = hash(vm, k) as usize & mask;
    loop {
        let w = vm.word(off, buckets + b);
        if w.0 == 0 {
            return None;
        }
        let e = int(w);
        if same(vm, vm.word(off, E0 + e * s), k) {
            return Some(e);
        }
        b = (b + 1) & mask;
    }
}

/// Appends an entry (the key must be absent and normalized). The table must have room.
fn append_raw(vm: &mut Vm, t: Table, k: Value, v: Value) {
    let off = t.off();
    let s = stride(vm, t);
    let e = used(vm, t);
    debug_assert!(e < cap(vm, t));
    vm.set_word(off, E0 + e * s, k);
    if s == 2 {
        vm.set_word(off, E0 + e * s + 1, v);
    }
    let nb = int(vm.word(off, NB));
    let buckets = E0 + cap(vm, t) * s;
    let mask = nb - 1;
    let mut b = hash(vm, k) as usize & mask;
    while vm.word(off, buckets + b).0 != 0 {
        b = (b + 1) & mask;
    }
    vm.set_word(off, buckets + b, Value::int(e as u64));
    vm.set_word(off, USED, Value::int(e as u64 + 1));
    let l = live(vm, t);
    vm.set_word(off, LIVE, Value::int(l as u64 + 1));
}

/// Copies the live entries of `t` into a new table with room for `need` entries; the caller
/// stores the result in the collection. Leaves forwarding information in `t` if an iterator
/// may hold it.
fn rebuild(vm: &mut Vm, t: Table, need: usize) -> JsResult<Table> {
    let s = stride(vm, t);
    let weak = is_weak(vm, t);
    let ncap = (need + need / 2).max(MIN_CAP).next_power_of_two();
    let nt = new_table(vm, s, weak, ncap)?;
    inherit_iterated(vm, t, nt);
    let n = used(vm, t);
    for i in 0..n {
        let k = key_at(vm, t, i);
        if k != Value::EMPTY {
            let v = value_at(vm, t, i);
            append_raw(vm, nt, k, v);
        }
    }
    if flags(vm, t) & ITERATED != 0 {
        // keep only liveness per entry (for index remapping) and release keys and values
        for i in 0..n {
            let k = key_at(vm, t, i);
            let live_mark = if k == Value::EMPTY { Value::EMPTY } else { Value::TRUE };
            vm.set_word(t.off(), E0 + i * s, live_mark);
            if s == 2 {
                vm.set_word(t.off(), E0 + i * s + 1, Value::UNDEFINED);
            }
        }
        vm.set_word(t.off(), FWD, nt);
    }
    Ok(nt)
}

/// An iterator that still holds `old` will follow `old -> new` and must then be able to follow
/// `new` to its own replacement: a table replacing an iterated one counts as iterated.
fn inherit_iterated(vm: &mut Vm, old: Table, new: Table) {
    if flags(vm, old) & ITERATED != 0 {
        mark_iterated(vm, new);
    }
}

/// Records that an iterator (or a running forEach) holds `t`.
pub fn mark_iterated(vm: &mut Vm, t: Table) {
    let f = flags(vm, t);
    if f & ITERATED == 0 {
        vm.set_word(t.off(), FLAGS, Value::int(f | ITERATED));
    }
}

/// Inserts or updates `k` (normalized) in the table in `slot` of `holder`.
pub fn set(vm: &mut Vm, holder: Value, slot: usize, k: Value, v: Value) -> JsResult<()> {
    let mut t = vm.slot(holder, slot);
    if let Some(e) = find(vm, t, k) {
        let s = stride(vm, t);
        if s == 2 {
            vm.set_word(t.off(), E0 + e * 2 + 1, v);
        }
        return Ok(());
    }
    if used(vm, t) == cap(vm, t) {
        let need = live(vm, t) + 1;
        t = rebuild(vm, t, need)?;
        vm.set_slot(holder, slot, t);
    }
    append_raw(vm, t, k, v);
    Ok(())
}

/// Deletes `k` (normalized); false if absent.
pub fn delete(vm: &mut Vm, holder: Value, slot: usize, k: Value) -> JsResult<bool> {
    let t = vm.slot(holder, slot);
    let Some(e) = find(vm, t, k) else { return Ok(false) };
    kill(vm, t, e);
    let (l, c) = (live(vm, t), cap(vm, t));
    if c > 64 && l * 8 < c {
        let nt = rebuild(vm, t, l)?;
        vm.set_slot(holder, slot, nt);
    }
    Ok(true)
}

fn kill(vm: &mut Vm, t: Table, e: usize) {
    let s = stride(vm, t);
    vm.set_word(t.off(), E0 + e * s, Value::EMPTY);
    if s == 2 {
        vm.set_word(t.off(), E0 + e * s + 1, Value::UNDEFINED);
    }
    let l = live(vm, t);
    vm.set_word(t.off(), LIVE, Value::int(l as u64 - 1));
}

/// Removes every entry: the collection gets a new empty table.
pub fn clear(vm: &mut Vm, holder: Value, slot: usize) -> JsResult<()> {
    let t = vm.slot(holder, slot);
    if live(vm, t) == 0 && used(vm, t) == 0 {
        return Ok(());
    }
    let s = stride(vm, t);
    let nt = new_table(vm, s, is_weak(vm, t), MIN_CAP)?;
    inherit_iterated(vm, t, nt);
    let f = flags(vm, t);
    if f & ITERATED != 0 {
        // iterators restart at the new table's first entry; release the old contents
        let n = used(vm, t);
        for i in 0..n * s {
            vm.set_word(t.off(), E0 + i, Value::EMPTY);
        }
        vm.set_word(t.off(), FLAGS, Value::int(f | CLEARED));
        vm.set_word(t.off(), FWD, nt);
    }
    vm.set_slot(holder, slot, nt);
    Ok(())
}

/// The first live entry at index `i` or after, following replaced tables: (table, index).
/// Marks the table as iterated (so a rebuild leaves forwarding information).
pub fn next_live(vm: &mut Vm, mut t: Table, mut i: usize) -> Option<(Table, usize)> {
    loop {
        let fwd = vm.word(t.off(), FWD);
        if !fwd.is_cell() {
            break;
        }
        i = if flags(vm, t) & CLEARED != 0 {
            0
        } else {
            let s = stride(vm, t);
            (0..i.min(used(vm, t))).filter(|&j| vm.word(t.off(), E0 + j * s) != Value::EMPTY).count()
        };
        t = fwd;
    }
    mark_iterated(vm, t);
    let n = used(vm, t);
    while i < n {
        if key_at(vm, t, i) != Value::EMPTY {
            return Some((t, i));
        }
        i += 1;
    }
    None
}

/// The live entries of a table, in order: (key, value) (value = key without values).
pub fn entries(vm: &Vm, t: Table, limit: usize) -> Vec<(Value, Value)> {
    let mut out = Vec::new();
    for i in 0..used(vm, t) {
        if out.len() >= limit {
            break;
        }
        let k = key_at(vm, t, i);
        if k != Value::EMPTY {
            out.push((k, value_at(vm, t, i)));
        }
    }
    out
}

/// After marking: drops the entries of the weak table at `off` whose keys were not marked.
pub fn clear_dead(vm: &mut Vm, off: u64) {
    let t = Value::cell(off);
    let n = used(vm, t);
    for i in 0..n {
        let k = key_at(vm, t, i);
        if k.is_pointer() && !vm.cells.is_marked(k.off()) {
            kill(vm, t, i);
        }
    }
}
