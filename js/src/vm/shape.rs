//! Shapes (hidden classes) and the property inline caches that read them.
//!
//! An object's named properties live in one of three forms, chosen by its `props` word:
//!
//! - `undefined`: no named property yet (the root shape);
//! - a SLOTS cell `[header][shape][v0][v1]...`: the values in a vector, the keys and
//!   attributes in the shared, immutable SHAPE cell `[header][transitions][k0][a0][k1][a1]...`;
//! - a PROPS cell (dictionary mode, see `object.rs`): `key, value, attributes` triples of its
//!   own, for objects that deleted a key, changed an attribute, hold array-index keys in the
//!   table, or outgrew the shape limits.
//!
//! Adding a property to a shaped object follows the *transition* `(key, attributes)` of its
//! shape to a child shape, creating the child the first time; objects built by the same code
//! therefore share their shapes, and an inline cache that saw a shape knows the slot of a key.
//! Shapes are heap data (they persist, and the collector traces them as ordinary value cells);
//! the transition lists keep every shape ever made alive, which the limits below bound.
//!
//! Accessor properties keep an ACCESSOR cell `[getter, setter]` in their slot, exactly as the
//! dictionary table does, so converting a shaped object to a dictionary copies words.

use super::cells::{header, kind};
use super::object::{flag, PropKey};
use super::value::Value;
use super::{Vm, VmResult, I};
use hashbrown::HashMap;
use std::cell::Cell;

/// More properties than this: dictionary mode.
pub const MAX_SHAPE_PROPS: usize = 64;
/// More distinct transitions out of one shape than this: the next object goes to dictionary mode.
const MAX_TRANSITIONS: usize = 4096;
/// Transition lists longer than this get a volatile hash index.
const TRANSITION_INDEX_AT: usize = 8;
/// Shapes in a realm, at most: beyond it new property sequences use dictionary mode, so a
/// program that churns keys cannot grow the transition tree without bound.
const MAX_SHAPES: u64 = 100_000;
/// Shapes with more keys than this get a volatile hash index (as big property tables do).
const SHAPE_INDEX_AT: usize = 8;

/// Where the values of a shaped object are: words `base..base + cap` of `cell`, which is the
/// object itself (inline slots after the header words) or a SLOTS vector.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct SlotStore {
    pub cell: u64,
    pub base: usize,
    pub cap: usize,
    pub inline: bool,
}

/// Inline slots an object is made with, at most.
pub const MAX_INLINE: usize = 8;

/// How the named properties of an object are held (its `props` word decoded).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Named {
    /// No named property: the root shape.
    Empty,
    /// Values in a slot store, keys in a shape (offset).
    Shaped { store: SlotStore, shape: u64 },
    /// A dictionary PROPS table (offset).
    Dict(u64),
}

impl Vm {
    // ----- shapes ------------------------------------------------------------------------

    pub(crate) fn create_root_shape(&mut self) -> VmResult<()> {
        let sh = self.alloc_cell(16, header(kind::SHAPE, 0, 0, 1))?;
        self.set_word(sh, 1, Value::UNDEFINED);
        self.intr[I::RootShape as usize] = Value::cell(sh);
        self.intr[I::ShapeCount as usize] = Value::int(1);
        Ok(())
    }

    #[inline]
    pub fn root_shape(&self) -> u64 {
        self.i(I::RootShape).off()
    }

    #[inline]
    pub(crate) fn named(&self, o: Value) -> Named {
        let w = self.word(o.off(), super::object::PROPS);
        if !w.is_cell() {
            return Named::Empty;
        }
        match self.cell_kind(w) {
            kind::SLOTS => {
                let cap = self.cell_len(w.off()) - 1;
                Named::Shaped { store: SlotStore { cell: w.off(), base: 2, cap, inline: false }, shape: self.word(w.off(), 1).off() }
            }
            kind::SHAPE => {
                // inline slots: only ordinary objects without class slots have them
                let cap = self.cell_len(o.off()) - (super::object::SLOT0 - 1);
                Named::Shaped { store: SlotStore { cell: o.off(), base: super::object::SLOT0, cap, inline: true }, shape: w.off() }
            }
            _ => Named::Dict(w.off()),
        }
    }

    /// The shape of a shaped (or empty) object; None in dictionary mode.
    #[inline]
    pub fn shape_of(&self, o: Value) -> Option<u64> {
        match self.named(o) {
            Named::Empty => Some(self.root_shape()),
            Named::Shaped { shape, .. } => Some(shape),
            Named::Dict(_) => None,
        }
    }

    #[inline]
    pub fn shape_len(&self, sh: u64) -> usize {
        (self.cell_len(sh) - 1) / 2
    }
    #[inline]
    pub(crate) fn shape_key(&self, sh: u64, i: usize) -> u64 {
        self.word(sh, 2 + 2 * i).0
    }
    #[inline]
    pub(crate) fn shape_attrs(&self, sh: u64, i: usize) -> u8 {
        self.word(sh, 3 + 2 * i).payload() as u8
    }

    /// The index of key word `kw` in shape `sh`.
    pub(crate) fn shape_find(&mut self, sh: u64, kw: u64) -> Option<usize> {
        let n = self.shape_len(sh);
        if n > SHAPE_INDEX_AT {
            if let Some(ix) = self.prop_index.get(&sh) {
                return ix.get(&kw).map(|&i| i as usize);
            }
            let words: &[u64] = self.heap.slice(ken::PPtr::from_offset(sh + 16), 2 * n);
            let ix: HashMap<u64, u32> = (0..n).map(|i| (words[2 * i], i as u32)).collect();
            let r = ix.get(&kw).map(|&i| i as usize);
            self.prop_index.insert(sh, ix);
            return r;
        }
        let words: &[u64] = self.heap.slice(ken::PPtr::from_offset(sh + 16), 2 * n);
        (0..n).find(|&i| words[2 * i] == kw)
    }

    /// The shape reached from `sh` by adding key `kw` with `attrs`, made if needed; None when
    /// a limit says the object should become a dictionary instead.
    pub(crate) fn shape_child(&mut self, sh: u64, kw: u64, attrs: u8) -> VmResult<Option<u64>> {
        let tr = self.word(sh, 1);
        let mut used = 0;
        if tr.is_cell() {
            used = self.word(tr.off(), 1).payload() as usize;
            if used > TRANSITION_INDEX_AT {
                let a = Value::int(attrs as u64).0;
                if !self.transition_index.contains_key(&sh) {
                    let words: &[u64] = self.heap.slice(ken::PPtr::from_offset(tr.off() + 16), 3 * used);
                    let ix: HashMap<(u64, u64), u64> = (0..used).map(|i| ((words[3 * i], words[3 * i + 1]), Value(words[3 * i + 2]).off())).collect();
                    self.transition_index.insert(sh, ix);
                }
                if let Some(&c) = self.transition_index[&sh].get(&(kw, a)) {
                    return Ok(Some(c));
                }
            } else if let Some(c) = self.transition_of(sh, kw, attrs) {
                return Ok(Some(c));
            }
        }
        let n = self.shape_len(sh);
        let count = self.i(I::ShapeCount).payload();
        if n >= MAX_SHAPE_PROPS || used >= MAX_TRANSITIONS || count >= MAX_SHAPES {
            return Ok(None);
        }
        // the child: the parent's pairs and one more
        let len = 1 + 2 * (n + 1);
        let child = self.alloc_cell(8 + 8 * len as u64, header(kind::SHAPE, 0, 0, len as u32))?;
        self.set_word(child, 1, Value::UNDEFINED);
        for j in 0..2 * n {
            let w = self.word(sh, 2 + j);
            self.set_word(child, 2 + j, w);
        }
        self.set_word(child, 2 + 2 * n, Value(kw));
        self.set_word(child, 3 + 2 * n, Value::int(attrs as u64));
        // the parent's transition list: [used][key, attrs, child]...
        let cap = if tr.is_cell() { (self.cell_len(tr.off()) - 1) / 3 } else { 0 };
        let list = if used < cap {
            tr.off()
        } else {
            let ncap = (cap * 2).max(2);
            let l = self.alloc_cell(8 + 8 * (1 + 3 * ncap) as u64, header(kind::LIST, 0, 0, (1 + 3 * ncap) as u32))?;
            for j in 0..3 * ncap {
                let w = if j < 3 * used { self.word(tr.off(), 2 + j) } else { Value::UNDEFINED };
                self.set_word(l, 2 + j, w);
            }
            self.set_word(sh, 1, Value::cell(l));
            l
        };
        self.set_word(list, 2 + 3 * used, Value(kw));
        self.set_word(list, 3 + 3 * used, Value::int(attrs as u64));
        self.set_word(list, 4 + 3 * used, Value::cell(child));
        self.set_word(list, 1, Value::int(used as u64 + 1));
        if let Some(ix) = self.transition_index.get_mut(&sh) {
            ix.insert((kw, Value::int(attrs as u64).0), child);
        }
        self.set_shape_count(count + 1);
        Ok(Some(child))
    }

    fn set_shape_count(&mut self, n: u64) {
        let v = Value::int(n);
        self.intr[I::ShapeCount as usize] = v;
        let il = self.realm_ref().intrinsics;
        if il.is_cell() {
            self.list_set(il, I::ShapeCount as usize, v);
        }
    }

    /// A SLOTS cell with room for `cap` values, all undefined.
    pub(crate) fn alloc_slots(&mut self, shape: u64, cap: usize) -> VmResult<u64> {
        let body = (0..1 + cap).map(|i| if i == 0 { Value::cell(shape) } else { Value::UNDEFINED });
        self.alloc_cell_with(header(kind::SLOTS, 0, 0, (1 + cap) as u32), body)
    }


    /// Records that `o` is some object's prototype: from now on a change to its keys or its
    /// own prototype invalidates the prototype-chain inline caches.
    #[inline]
    pub fn mark_proto(&mut self, p: Value) {
        if p.is_obj() && self.flags(p) & flag::IS_PROTO == 0 {
            self.add_flags(p, flag::IS_PROTO);
        }
    }

    /// `o`'s keys or prototype are about to change: if it is a prototype, prototype hits of
    /// the inline caches may be stale.
    #[inline]
    pub(crate) fn proto_changing(&mut self, o: Value) {
        if self.flags(o) & flag::IS_PROTO != 0 {
            self.proto_epoch = super::next_epoch();
        }
    }

    // ----- inline caches -----------------------------------------------------------------

    /// The shape of `o`, where its slot 0 is (cell, word index) and its prototype word; None
    /// in dictionary mode. (Two bounds-checked reads of two words each: this is the hot path
    /// of every cache hit.)
    #[inline(always)]
    fn shape_and_base(&self, o: u64) -> Option<(u64, u64, usize, u64)> {
        let proto = self.heap.read_u64(o + 8 * super::object::PROTO as u64);
        let props = Value(self.heap.read_u64(o + 8 * (super::object::PROTO as u64 + 1)));
        if !props.is_cell() {
            return Some((self.root_shape(), o, 0, proto));
        }
        match self.heap.read_u64(props.off()) as u8 {
            kind::SHAPE => Some((props.off(), o, super::object::SLOT0, proto)),
            kind::SLOTS => Some((Value(self.heap.read_u64(props.off() + 8)).off(), props.off(), 2, proto)),
            _ => None,
        }
    }

    /// An inline-cache hit for reading `kw` from `o`.
    #[inline]
    pub fn ic_get(&self, o: Value, ic: &PropIc) -> Option<Value> {
        let (shape, cell, base, proto) = self.shape_and_base(o.off())?;
        for e in ic.0.iter() {
            let e = e.get();
            if e.shape != shape || e.epoch != self.ic_epoch {
                continue;
            }
            if e.kind <= OWN_RW {
                return Some(self.word(cell, base + e.index as usize));
            }
            if e.kind != PROTO_HIT || e.pepoch != self.proto_epoch || proto != e.proto {
                continue;
            }
            return Some(match self.shape_and_base(e.holder) {
                Some((_, hc, hb, _)) => self.word(hc, hb + e.index as usize),
                // a dictionary holder: the value word of table entry `index`
                None => self.word(self.word(e.holder, super::object::PROPS).off(), 3 + 3 * e.index as usize),
            });
        }
        None
    }

    /// After a cache miss: where [[Get]] of `k` on `o` found a plain data property, if an
    /// inline cache can say so next time; fills `ic`.
    pub fn ic_fill_get(&mut self, o: Value, k: PropKey, ic: &PropIc) {
        let PropKey::Key(key) = k else { return };
        if !self.ic_cacheable(o, key) {
            return;
        }
        let Some(shape) = self.shape_of(o) else { return };
        let kw = key.0;
        let entry = if let Some(i) = self.shape_find(shape, kw) {
            if self.shape_attrs(shape, i) & super::object::attr::ACCESSOR != 0 {
                return;
            }
            let kind = if self.shape_attrs(shape, i) & super::object::attr::W != 0 { OWN_RW } else { OWN_RO };
            IcEntry { epoch: self.ic_epoch, pepoch: 0, shape, proto: 0, holder: 0, index: i as u32, kind }
        } else {
            // the prototype walk, a few levels deep
            let proto = self.proto_of(o);
            let mut cur = proto;
            let mut found = None;
            for _ in 0..6 {
                if !cur.is_obj() || !self.ic_class_ok(cur) {
                    return;
                }
                if let Some((i, a)) = self.named_find(cur, kw) {
                    found = Some((cur, i, a));
                    break;
                }
                cur = self.proto_of(cur);
            }
            let Some((holder, i, a)) = found else { return };
            if a & super::object::attr::ACCESSOR != 0 {
                return;
            }
            IcEntry { epoch: self.ic_epoch, pepoch: self.proto_epoch, shape, proto: proto.0, holder: holder.off(), index: i as u32, kind: PROTO_HIT }
        };
        ic.insert(entry, self.ic_epoch);
    }

    /// An inline-cache hit for a write: an existing own writable data property, or a new
    /// one added by a cached transition (the receiver extensible, not a prototype, with room
    /// for the slot; nothing on its prototype chain changed since). True when stored.
    #[inline]
    pub fn ic_set(&mut self, o: Value, v: Value, ic: &PropIc) -> bool {
        let Some((shape, cell, base, proto)) = self.shape_and_base(o.off()) else { return false };
        for e in ic.0.iter() {
            let e = e.get();
            if e.shape != shape || e.epoch != self.ic_epoch {
                continue;
            }
            if e.kind == OWN_RW {
                self.set_word(cell, base + e.index as usize, v);
                return true;
            }
            if e.kind == ADD && e.pepoch == self.proto_epoch && proto == e.proto && base != 0 {
                let cap = self.cell_len(cell) - (base - 1);
                if (e.index as usize) < cap && self.flags(o) & (flag::EXTENSIBLE | flag::IS_PROTO) == flag::EXTENSIBLE {
                    self.set_word(cell, base + e.index as usize, v);
                    if base == super::object::SLOT0 {
                        self.set_word(o.off(), super::object::PROPS, Value::cell(e.holder));
                    } else {
                        self.set_word(cell, 1, Value::cell(e.holder));
                    }
                    return true;
                }
            }
        }
        false
    }

    /// The shape a write may start from, for `ic_fill_set` (shaped objects with storage).
    #[inline]
    pub fn shape_before_set(&self, o: Value) -> Option<u64> {
        match self.named(o) {
            Named::Shaped { shape, .. } => Some(shape),
            _ => None,
        }
    }

    /// The existing transition from `sh` by `(kw, attrs)`, if any (read only).
    fn transition_of(&self, sh: u64, kw: u64, attrs: u8) -> Option<u64> {
        let tr = self.word(sh, 1);
        if !tr.is_cell() {
            return None;
        }
        let used = self.word(tr.off(), 1).payload() as usize;
        let a = Value::int(attrs as u64).0;
        let words: &[u64] = self.heap.slice(ken::PPtr::from_offset(tr.off() + 16), 3 * used);
        (0..used).find(|&i| words[3 * i] == kw && words[3 * i + 1] == a).map(|i| Value(words[3 * i + 2]).off())
    }

    /// After a [[Set]] that missed the cache: if `o` now holds `k` as an own writable data
    /// property in a shape, remember its slot; if the write added it by the plain transition
    /// from `before`, and no object on the prototype chain has the key (no setter, nothing
    /// read-only, no proxy), remember the transition.
    pub fn ic_fill_set(&mut self, o: Value, k: PropKey, ic: &PropIc, before: Option<u64>) {
        let PropKey::Key(key) = k else { return };
        if !o.is_obj() || !self.ic_cacheable(o, key) {
            return;
        }
        let Named::Shaped { shape, .. } = self.named(o) else { return };
        let Some(i) = self.shape_find(shape, key.0) else { return };
        let a = self.shape_attrs(shape, i);
        if a & super::object::attr::ACCESSOR != 0 || a & super::object::attr::W == 0 {
            return;
        }
        let added = before.filter(|&b| b != shape && self.transition_of(b, key.0, a) == Some(shape) && a == super::object::attr::WEC);
        let Some(b) = added else {
            ic.insert(IcEntry { epoch: self.ic_epoch, pepoch: 0, shape, proto: 0, holder: 0, index: i as u32, kind: OWN_RW }, self.ic_epoch);
            return;
        };
        let proto = self.proto_of(o);
        let mut cur = proto;
        for _ in 0..16 {
            if cur.is_null() {
                let e = IcEntry { epoch: self.ic_epoch, pepoch: self.proto_epoch, shape: b, proto: proto.0, holder: shape, index: i as u32, kind: ADD };
                ic.insert(e, self.ic_epoch);
                return;
            }
            if !cur.is_obj() || !self.ic_class_ok(cur) {
                return;
            }
            if self.named_find(cur, key.0).is_some() {
                return;
            }
            cur = self.proto_of(cur);
        }
    }

    /// Keys and receivers an inline cache may describe: not `length` (virtual on arrays and
    /// strings), not a canonical numeric string (typed arrays answer those themselves), and
    /// only objects whose named properties are all in their shape or table.
    fn ic_cacheable(&mut self, o: Value, key: Value) -> bool {
        if !key.is_str() || key == self.a(super::A::length) || !self.ic_class_ok(o) {
            return false;
        }
        let u = self.units(key);
        let numeric_like = u.first().is_some_and(|&c| c == b'-' as u16 || (b'0' as u16..=b'9' as u16).contains(&c))
            || u.iter().copied().eq("NaN".encode_utf16())
            || u.iter().copied().eq("Infinity".encode_utf16());
        !numeric_like
    }

    fn ic_class_ok(&self, o: Value) -> bool {
        use super::object::class;
        !matches!(self.class_of(o), class::PROXY | class::TYPED_ARRAY | class::STRING | class::ARGUMENTS)
    }
}

/// One remembered lookup: in objects of `shape` (and, for a prototype hit, with prototype
/// `proto` and no prototype changed since `pepoch`), the property is slot `index` of the
/// receiver (`holder` 0) or of the `holder` object. Only data properties are cached.
#[derive(Clone, Copy, Default, Debug)]
pub struct IcEntry {
    epoch: u64,
    pepoch: u64,
    shape: u64,
    proto: u64,
    /// For an ADD entry: the shape after the transition.
    holder: u64,
    index: u32,
    kind: u8,
}

/// Entry kinds: an own data property (read-only, or writable: serves writes too), a
/// prototype-chain hit, a transition that adds the key (writes only).
const OWN_RO: u8 = 0;
const OWN_RW: u8 = 1;
const PROTO_HIT: u8 = 2;
const ADD: u8 = 3;

/// A small polymorphic inline cache of a property access node (volatile: it lives in the
/// syntax tree, never in the heap, and every entry is validated by shape and epochs).
#[derive(Default, Debug)]
pub struct PropIc([Cell<IcEntry>; IC_WAYS]);

const IC_WAYS: usize = 4;

impl PropIc {
    fn insert(&self, e: IcEntry, epoch: u64) {
        let es = &self.0;
        // replace a stale entry or the one for the same shape; else shift (the oldest goes)
        let slot = es.iter().position(|x| {
            let x = x.get();
            x.epoch != epoch || (x.shape == e.shape && x.proto == e.proto && (x.kind == ADD) == (e.kind == ADD))
        });
        let slot = slot.unwrap_or_else(|| {
            for i in (1..IC_WAYS).rev() {
                es[i].set(es[i - 1].get());
            }
            0
        });
        es[slot].set(e);
    }
}
