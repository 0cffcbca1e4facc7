//! Objects: layout, own properties, and the ordinary internal methods
//! ([[GetOwnProperty]], [[DefineOwnProperty]], [[Get]], [[Set]], [[Delete]], [[OwnPropertyKeys]]).
//!
//! An object cell is `[header][proto][props][elems][class slots or inline slots...]`. `props`
//! holds the named properties: nothing yet, a shape whose values are the object's inline
//! slots, a SLOTS vector whose keys are in a shared shape (see `vm::shape`), or, in dictionary
//! mode, a property table cell of its own (entries `key, value, attributes`
//! in insertion order; a volatile hash index for big tables). `elems` is a dense vector of
//! values for array-index keys (holes are EMPTY). An index property with non-default
//! attributes, or far beyond the dense part, lives in the table under an integer key instead
//! (which puts the object in dictionary mode).

use super::cells::{header, kind};
use super::shape::Named;
use super::value::Value;
use super::{JsResult, Vm, VmResult, A, I};
use crate::vm::string::array_index;
use hashbrown::HashMap;

pub mod class {
    pub const ORDINARY: u16 = 0;
    pub const ARRAY: u16 = 1;
    pub const CLOSURE: u16 = 2;
    pub const NATIVE: u16 = 3;
    pub const BOUND: u16 = 4;
    pub const ERROR: u16 = 5;
    pub const BOOLEAN: u16 = 6;
    pub const NUMBER: u16 = 7;
    pub const STRING: u16 = 8;
    pub const SYMBOL: u16 = 9;
    pub const DATE: u16 = 10;
    pub const REGEXP: u16 = 11;
    pub const MAP: u16 = 12;
    pub const SET: u16 = 13;
    pub const WEAKMAP: u16 = 14;
    pub const WEAKSET: u16 = 15;
    pub const ARGUMENTS: u16 = 16;
    /// Built-in iterators (array, string, map, set, for-in): state in class slots.
    pub const ITER: u16 = 17;
    pub const BIGINT: u16 = 18;
    /// Map and Set iterators (state in class slots, see `builtins::collections`).
    pub const MAP_ITER: u16 = 19;
    pub const SET_ITER: u16 = 20;
    /// Generator objects and the state of running async functions (see
    /// `interp::generator`).
    pub const GENERATOR: u16 = 40;
    /// ArrayBuffer, typed arrays and DataView (see `builtins::arraybuffer`, `builtins::typedarray`).
    pub const ARRAY_BUFFER: u16 = 21;
    pub const TYPED_ARRAY: u16 = 22;
    pub const DATA_VIEW: u16 = 23;
    /// A promise: state, result, reactions, handled (see `builtins/promise.rs`).
    pub const PROMISE: u16 = 24;
    /// Proxy exotic objects: slots [target, handler] (see `interp::proxy`).
    pub const PROXY: u16 = 25;
}

pub mod flag {
    pub const EXTENSIBLE: u8 = 1;
    pub const CALLABLE: u8 = 2;
    pub const CONSTRUCTOR: u8 = 4;
    /// Some array-index keys live in the property table.
    pub const INDEX_PROPS: u8 = 8;
    /// Array `length` is not writable.
    pub const LENGTH_RO: u8 = 16;
    pub const CLASS_CTOR: u8 = 32;
    /// A refused [[Set]] throws a TypeError in sloppy code too, as in strict code (records of
    /// ken/model refuse unknown properties loudly; see builtins/module.rs).
    pub const LOUD_SETS: u8 = 64;
    /// The object is (or was) some object's prototype: changes to its keys or prototype
    /// invalidate prototype hits of the inline caches (see `vm::shape`).
    pub const IS_PROTO: u8 = 128;
}

pub mod attr {
    pub const W: u8 = 1;
    pub const E: u8 = 2;
    pub const C: u8 = 4;
    pub const ACCESSOR: u8 = 8;
    pub const WEC: u8 = W | E | C;
    pub const WC: u8 = W | C;
}

pub const PROTO: usize = 1;
pub const PROPS: usize = 2;
pub const ELEMS: usize = 3;
/// First class-specific slot.
pub const SLOT0: usize = 4;
/// Class slots of an arguments object: the function environment its mapped indices alias
/// (undefined when unmapped) and a LIST of environment word numbers per index (an integer
/// while mapped, undefined after the index was unmapped).
pub const ARGS_ENV: usize = 0;
pub const ARGS_MAP: usize = 1;

const INDEX_AT: usize = 12;

#[derive(Clone, Copy, PartialEq, Eq, Debug, Hash)]
pub enum PropKey {
    Index(u32),
    /// An atom (string) or a symbol.
    Key(Value),
}

impl PropKey {
    fn word(self) -> u64 {
        match self {
            PropKey::Index(i) => Value::int(i as u64).0,
            PropKey::Key(v) => v.0,
        }
    }
    fn from_word(w: u64) -> PropKey {
        let v = Value(w);
        if v.is_int() {
            PropKey::Index(v.payload() as u32)
        } else {
            PropKey::Key(v)
        }
    }
    pub fn is_symbol(self) -> bool {
        matches!(self, PropKey::Key(v) if v.is_sym())
    }
}

/// A stored property.
#[derive(Clone, Copy, Debug)]
pub struct Prop {
    pub value: Value,
    pub getter: Value,
    pub setter: Value,
    pub attrs: u8,
}

impl Prop {
    pub fn data(value: Value, attrs: u8) -> Prop {
        Prop { value, getter: Value::UNDEFINED, setter: Value::UNDEFINED, attrs }
    }
    pub fn is_accessor(&self) -> bool {
        self.attrs & attr::ACCESSOR != 0
    }
    pub fn writable(&self) -> bool {
        self.attrs & attr::W != 0
    }
    pub fn enumerable(&self) -> bool {
        self.attrs & attr::E != 0
    }
    pub fn configurable(&self) -> bool {
        self.attrs & attr::C != 0
    }
}

/// A property descriptor (fields may be absent).
#[derive(Clone, Copy, Debug, Default)]
pub struct PropDesc {
    pub value: Option<Value>,
    pub get: Option<Value>,
    pub set: Option<Value>,
    pub writable: Option<bool>,
    pub enumerable: Option<bool>,
    pub configurable: Option<bool>,
}

impl PropDesc {
    pub fn data(v: Value, attrs: u8) -> PropDesc {
        PropDesc {
            value: Some(v),
            writable: Some(attrs & attr::W != 0),
            enumerable: Some(attrs & attr::E != 0),
            configurable: Some(attrs & attr::C != 0),
            ..Default::default()
        }
    }
    pub fn is_accessor(&self) -> bool {
        self.get.is_some() || self.set.is_some()
    }
    pub fn is_data(&self) -> bool {
        self.value.is_some() || self.writable.is_some()
    }
}

impl Vm {
    // ----- creation and layout ----------------------------------------------------------------

    pub fn new_object_with(&mut self, cls: u16, proto: Value, extra: usize) -> VmResult<Value> {
        let n = 3 + extra;
        self.mark_proto(proto);
        let body = (0..n).map(|i| if i == 0 { proto } else { Value::UNDEFINED });
        let off = self.alloc_cell_with(header(kind::OBJECT, flag::EXTENSIBLE, cls, n as u32), body)?;
        Ok(Value::obj(off))
    }

    pub fn new_object(&mut self) -> VmResult<Value> {
        let p = self.i(I::ObjectProto);
        self.new_object_with(class::ORDINARY, p, 0)
    }

    /// An ordinary object with room for `n` named property values in its own cell (object
    /// literals know their size; constructors guess), so the common small object is one cell.
    pub fn new_object_inline(&mut self, proto: Value, n: usize) -> VmResult<Value> {
        let n = n.min(super::shape::MAX_INLINE);
        if n == 0 {
            return self.new_object_with(class::ORDINARY, proto, 0);
        }
        let o = self.new_object_with(class::ORDINARY, proto, n)?;
        let root = self.root_shape();
        self.set_word(o.off(), PROPS, Value::cell(root));
        Ok(o)
    }

    pub fn new_array(&mut self, items: &[Value]) -> VmResult<Value> {
        let p = self.i(I::ArrayProto);
        let a = self.new_object_with(class::ARRAY, p, 1)?;
        self.set_word(a.off(), SLOT0, Value::num(items.len() as f64));
        if !items.is_empty() {
            let e = self.alloc_elems(items.len().max(4))?;
            for (i, v) in items.iter().enumerate() {
                self.set_word(e.off(), 1 + i, *v);
            }
            self.set_word(a.off(), ELEMS, e);
        }
        Ok(a)
    }

    /// Gives an object without elements room for exactly `n` (array literals know their size).
    pub fn reserve_elems(&mut self, o: Value, n: usize) -> VmResult<()> {
        if n > 0 && self.elems(o).is_none() {
            let e = self.alloc_elems(n)?;
            self.set_word(o.off(), ELEMS, e);
        }
        Ok(())
    }

    fn alloc_elems(&mut self, cap: usize) -> VmResult<Value> {
        let off = self.alloc_cell_with(header(kind::ELEMS, 0, 0, cap as u32), (0..cap).map(|_| Value::EMPTY))?;
        Ok(Value::cell(off))
    }

    #[inline]
    pub fn class_of(&self, o: Value) -> u16 {
        (self.hdr(o.off()) >> 16) as u16
    }
    #[inline]
    pub fn flags(&self, o: Value) -> u8 {
        (self.hdr(o.off()) >> 8) as u8
    }
    pub fn set_flags(&mut self, o: Value, f: u8) {
        let h = self.hdr(o.off());
        let nh = (h & !0xFF00) | (f as u64) << 8;
        if nh != h {
            self.heap.write(ken::PPtr::<u64>::from_offset(o.off()), nh);
        }
    }
    pub fn add_flags(&mut self, o: Value, f: u8) {
        let fl = self.flags(o);
        self.set_flags(o, fl | f);
    }
    #[inline]
    pub fn slot(&self, o: Value, i: usize) -> Value {
        self.word(o.off(), SLOT0 + i)
    }
    #[inline]
    pub fn set_slot(&mut self, o: Value, i: usize, v: Value) {
        self.set_word(o.off(), SLOT0 + i, v)
    }
    #[inline]
    pub fn proto_of(&self, o: Value) -> Value {
        self.word(o.off(), PROTO)
    }
    pub fn set_proto_raw(&mut self, o: Value, p: Value) {
        self.proto_changing(o);
        self.mark_proto(p);
        self.set_word(o.off(), PROTO, p)
    }
    pub fn is_callable(&self, v: Value) -> bool {
        v.is_obj() && self.flags(v) & flag::CALLABLE != 0
    }
    pub fn is_constructor(&self, v: Value) -> bool {
        v.is_obj() && self.flags(v) & flag::CONSTRUCTOR != 0
    }
    pub fn is_array(&self, v: Value) -> bool {
        v.is_obj() && self.class_of(v) == class::ARRAY
    }
    pub fn is_extensible(&self, o: Value) -> bool {
        self.flags(o) & flag::EXTENSIBLE != 0
    }
    pub fn array_len(&self, a: Value) -> u32 {
        self.slot(a, 0).as_num() as u32
    }

    // ----- keys -------------------------------------------------------------------------

    pub fn key_from_str(&mut self, s: &str) -> VmResult<PropKey> {
        let u: Vec<u16> = s.encode_utf16().collect();
        self.key_from_units(&u)
    }
    pub fn key_from_units(&mut self, u: &[u16]) -> VmResult<PropKey> {
        if let Some(i) = array_index(u) {
            return Ok(PropKey::Index(i));
        }
        Ok(PropKey::Key(self.intern(u)?))
    }
    /// Key for a string value (interned unless it is an index).
    pub fn key_from_string(&mut self, s: Value) -> VmResult<PropKey> {
        if self.is_atom(s) {
            // an atom may still spell an array index ("0" from a string literal)
            let u = self.units(s);
            if u.first().is_some_and(|&c| (b'0' as u16..=b'9' as u16).contains(&c)) {
                if let Some(i) = array_index(u) {
                    return Ok(PropKey::Index(i));
                }
            }
            return Ok(PropKey::Key(s));
        }
        let u = self.units(s).to_vec();
        self.key_from_units(&u)
    }
    pub fn key_atom(&self, a: A) -> PropKey {
        PropKey::Key(self.a(a))
    }
    /// The key as a JavaScript value (a string or a symbol).
    pub fn key_to_value(&mut self, k: PropKey) -> VmResult<Value> {
        match k {
            PropKey::Key(v) => Ok(v),
            PropKey::Index(i) => self.str_from(&i.to_string()),
        }
    }

    // ----- property table -------------------------------------------------------------------

    /// The dictionary table of `o`, if it is in dictionary mode.
    fn table(&self, o: Value) -> Option<u64> {
        match self.named(o) {
            Named::Dict(t) => Some(t),
            _ => None,
        }
    }

    /// Puts `o` in dictionary mode (a table holding its shaped properties); returns the table.
    fn to_dict(&mut self, o: Value) -> VmResult<Option<u64>> {
        match self.named(o) {
            Named::Dict(t) => Ok(Some(t)),
            Named::Empty => Ok(None),
            Named::Shaped { store, shape } => {
                self.proto_changing(o);
                let n = self.shape_len(shape);
                let cap = (n * 2).max(4);
                let len = 1 + 3 * cap;
                let t = self.alloc_cell(8 + 8 * len as u64, header(kind::PROPS, 0, 0, len as u32))?;
                for i in 0..n {
                    let k = self.word(shape, 2 + 2 * i);
                    let a = self.word(shape, 3 + 2 * i);
                    let v = self.word(store.cell, store.base + i);
                    if store.inline {
                        self.set_word(store.cell, store.base + i, Value::UNDEFINED);
                    }
                    self.set_word(t, 2 + 3 * i, k);
                    self.set_word(t, 3 + 3 * i, v);
                    self.set_word(t, 4 + 3 * i, a);
                }
                self.set_word(t, 1, Value::int(n as u64));
                self.set_word(o.off(), PROPS, Value::cell(t));
                Ok(Some(t))
            }
        }
    }

    /// Where `o` holds named key word `kw`: its index in the shape or the table, and its
    /// attributes (for the inline caches).
    pub(crate) fn named_find(&mut self, o: Value, kw: u64) -> Option<(usize, u8)> {
        match self.named(o) {
            Named::Empty => None,
            Named::Shaped { shape, .. } => self.shape_find(shape, kw).map(|i| (i, self.shape_attrs(shape, i))),
            Named::Dict(t) => self.table_find(t, kw).map(|i| (i, self.word(t, 4 + 3 * i).payload() as u8)),
        }
    }

    /// A property read from its value word and attributes (an accessor's word is its
    /// ACCESSOR cell).
    fn decode(&self, v: Value, a: u8) -> Prop {
        if a & attr::ACCESSOR != 0 {
            Prop { value: Value::UNDEFINED, getter: self.word(v.off(), 1), setter: self.word(v.off(), 2), attrs: a }
        } else {
            Prop::data(v, a)
        }
    }

    /// The value word to store for `p`, reusing `cur` when it is already an ACCESSOR cell.
    fn encode(&mut self, cur: Value, cur_attrs: u8, p: &Prop) -> VmResult<Value> {
        if !p.is_accessor() {
            return Ok(p.value);
        }
        let acc = if cur_attrs & attr::ACCESSOR != 0 && cur.is_cell() {
            cur
        } else {
            Value::cell(self.alloc_cell(24, header(kind::ACCESSOR, 0, 0, 2))?)
        };
        self.set_word(acc.off(), 1, p.getter);
        self.set_word(acc.off(), 2, p.setter);
        Ok(acc)
    }

    /// Own named (table or shape) property `kw` of `o`.
    fn named_get(&mut self, o: Value, kw: u64) -> Option<Prop> {
        match self.named(o) {
            Named::Empty => None,
            Named::Shaped { store, shape } => {
                let i = self.shape_find(shape, kw)?;
                let a = self.shape_attrs(shape, i);
                Some(self.decode(self.word(store.cell, store.base + i), a))
            }
            Named::Dict(t) => {
                let i = self.table_find(t, kw)?;
                Some(self.entry(t, i))
            }
        }
    }

    /// Writes named property `k` (new or existing) in `o`'s shape or table.
    fn named_store(&mut self, o: Value, k: PropKey, p: Prop) -> VmResult<()> {
        let kw = k.word();
        let shaped = match self.named(o) {
            Named::Dict(_) => None,
            Named::Empty => Some((None, self.root_shape())),
            Named::Shaped { store, shape } => Some((Some(store), shape)),
        };
        if let Some((store, shape)) = shaped {
            if matches!(k, PropKey::Index(_)) {
                self.to_dict(o)?;
            } else if let Some(i) = store.and_then(|_| self.shape_find(shape, kw)) {
                let st = store.unwrap();
                let a = self.shape_attrs(shape, i);
                if a == p.attrs {
                    let cur = self.word(st.cell, st.base + i);
                    let v = self.encode(cur, a, &p)?;
                    self.set_word(st.cell, st.base + i, v);
                    return Ok(());
                }
                self.to_dict(o)?;
            } else {
                // a new key: follow (or make) the transition
                if let Some(child) = self.shape_child(shape, kw, p.attrs)? {
                    self.proto_changing(o);
                    let i = self.shape_len(shape);
                    let st = match store {
                        Some(st) if i < st.cap => {
                            if st.inline {
                                self.set_word(o.off(), PROPS, Value::cell(child));
                            } else {
                                self.set_word(st.cell, 1, Value::cell(child));
                            }
                            st
                        }
                        old => {
                            // out of room: the values move to a (bigger) SLOTS vector
                            let cap = old.map(|s| s.cap).unwrap_or(0);
                            let ncap = (cap * 2).max(i + 1).max(3);
                            let ns = self.alloc_slots(child, ncap)?;
                            if let Some(old) = old {
                                for j in 0..i {
                                    let w = self.word(old.cell, old.base + j);
                                    self.set_word(ns, 2 + j, w);
                                    if old.inline {
                                        self.set_word(old.cell, old.base + j, Value::UNDEFINED);
                                    }
                                }
                            }
                            self.set_word(o.off(), PROPS, Value::cell(ns));
                            super::shape::SlotStore { cell: ns, base: 2, cap: ncap, inline: false }
                        }
                    };
                    let v = self.encode(Value::UNDEFINED, 0, &p)?;
                    self.set_word(st.cell, st.base + i, v);
                    return Ok(());
                }
                self.to_dict(o)?;
            }
        }
        if let Some(t) = self.table(o) {
            if let Some(idx) = self.table_find(t, kw) {
                if self.word(t, 4 + 3 * idx).payload() as u8 != p.attrs {
                    self.proto_changing(o);
                }
                return self.write_entry(t, idx, p);
            }
        }
        self.proto_changing(o);
        self.table_add(o, k, p)
    }
    fn table_used(&self, t: u64) -> usize {
        self.word(t, 1).payload() as usize
    }
    fn table_cap(&self, t: u64) -> usize {
        (self.cell_len(t) - 1) / 3
    }

    fn table_find(&mut self, t: u64, kw: u64) -> Option<usize> {
        let used = self.table_used(t);
        if used > INDEX_AT {
            if let Some(ix) = self.prop_index.get(&t) {
                return ix.get(&kw).map(|&i| i as usize);
            }
            let mut ix = HashMap::with_capacity(used);
            let words: &[u64] = self.heap.slice(ken::PPtr::from_offset(t + 16), used * 3);
            for i in 0..used {
                if words[i * 3] != Value::EMPTY.0 {
                    ix.insert(words[i * 3], i as u32);
                }
            }
            let r = ix.get(&kw).map(|&i| i as usize);
            self.prop_index.insert(t, ix);
            return r;
        }
        let words: &[u64] = self.heap.slice(ken::PPtr::from_offset(t + 16), used * 3);
        (0..used).find(|&i| words[i * 3] == kw)
    }

    fn entry(&self, t: u64, i: usize) -> Prop {
        let base = 2 + 3 * i;
        let v = self.word(t, base + 1);
        let a = self.word(t, base + 2).payload() as u8;
        self.decode(v, a)
    }

    fn write_entry(&mut self, t: u64, i: usize, p: Prop) -> VmResult<()> {
        let base = 2 + 3 * i;
        let cur = self.word(t, base + 1);
        let old_a = self.word(t, base + 2).payload() as u8;
        let v = self.encode(cur, old_a, &p)?;
        self.set_word(t, base + 1, v);
        self.set_word(t, base + 2, Value::int(p.attrs as u64));
        Ok(())
    }

    fn table_add(&mut self, o: Value, k: PropKey, p: Prop) -> VmResult<()> {
        self.to_dict(o)?;
        let t = match self.table(o) {
            Some(t) if self.table_used(t) < self.table_cap(t) => t,
            old => self.grow_table(o, old)?,
        };
        let i = self.table_used(t);
        self.set_word(t, 2 + 3 * i, Value(k.word()));
        self.set_word(t, 2 + 3 * i + 2, Value::int(0));
        self.write_entry(t, i, p)?;
        self.set_word(t, 1, Value::int(i as u64 + 1));
        if let Some(ix) = self.prop_index.get_mut(&t) {
            ix.insert(k.word(), i as u32);
        }
        Ok(())
    }

    /// A bigger table (without deleted entries) for `o`.
    fn grow_table(&mut self, o: Value, old: Option<u64>) -> VmResult<u64> {
        let mut live: Vec<[u64; 3]> = Vec::new();
        if let Some(t) = old {
            let used = self.table_used(t);
            for i in 0..used {
                let b = 2 + 3 * i;
                let k = self.word(t, b);
                if k != Value::EMPTY {
                    live.push([k.0, self.word(t, b + 1).0, self.word(t, b + 2).0]);
                }
            }
            self.prop_index.remove(&t);
        }
        let cap = (live.len() * 2).max(4);
        let n = 1 + 3 * cap;
        let off = self.alloc_cell(8 + 8 * n as u64, header(kind::PROPS, 0, 0, n as u32))?;
        for (i, e) in live.iter().enumerate() {
            for j in 0..3 {
                self.set_word(off, 2 + 3 * i + j, Value(e[j]));
            }
        }
        self.set_word(off, 1, Value::int(live.len() as u64));
        self.set_word(o.off(), PROPS, Value::cell(off));
        Ok(off)
    }

    fn table_remove(&mut self, t: u64, i: usize) {
        let kw = self.word(t, 2 + 3 * i).0;
        self.set_word(t, 2 + 3 * i, Value::EMPTY);
        self.set_word(t, 2 + 3 * i + 1, Value::UNDEFINED);
        if let Some(ix) = self.prop_index.get_mut(&t) {
            ix.remove(&kw);
        }
    }

    // ----- elements ---------------------------------------------------------------------

    fn elems(&self, o: Value) -> Option<(u64, usize)> {
        let e = self.word(o.off(), ELEMS);
        if e.is_cell() {
            Some((e.off(), self.cell_len(e.off())))
        } else {
            None
        }
    }

    /// Overwrites an existing dense element (dense elements are always plain writable data,
    /// so [[Set]] on one is this store); false when `i` is not one.
    #[inline]
    pub fn elem_set_fast(&mut self, o: Value, i: u32, v: Value) -> bool {
        let Some((e, cap)) = self.elems(o) else { return false };
        if (i as usize) < cap && self.word(e, 1 + i as usize) != Value::EMPTY {
            self.set_word(e, 1 + i as usize, v);
            return true;
        }
        false
    }

    /// Whether no object on the chain starting at `p` has an integer-keyed property (so a
    /// [[Set]] of an index that the receiver lacks is a plain definition on it).
    pub fn index_chain_clean(&self, mut p: Value) -> bool {
        while p.is_obj() {
            if self.flags(p) & flag::INDEX_PROPS != 0 || self.word(p.off(), ELEMS).is_cell() || matches!(self.class_of(p), class::STRING | class::PROXY | class::TYPED_ARRAY) {
                return false;
            }
            p = self.proto_of(p);
        }
        true
    }

    /// An array whose index properties are all dense, with a writable length, extensible.
    #[inline]
    pub fn is_plain_array(&self, o: Value) -> bool {
        self.is_array(o) && self.flags(o) & (flag::INDEX_PROPS | flag::LENGTH_RO | flag::EXTENSIBLE) == flag::EXTENSIBLE
    }

    /// `o[i] = v` where a plain array lacks index `i` (a hole, or past the end) and nothing on
    /// its chain has index properties: the [[Set]] is a definition and, past the end, a new
    /// length. False (and nothing done) for any other case.
    pub fn array_store_new(&mut self, o: Value, i: u32, v: Value) -> VmResult<bool> {
        if i == u32::MAX || !self.is_plain_array(o) || !self.index_chain_clean(self.proto_of(o)) {
            return Ok(false);
        }
        self.put(o, PropKey::Index(i), v, attr::WEC)?;
        if i >= self.array_len(o) {
            self.set_slot(o, 0, Value::num(i as f64 + 1.0));
        }
        Ok(true)
    }

    #[inline]
    pub fn elem_fast(&self, o: Value, i: u32) -> Option<Value> {
        let (e, cap) = self.elems(o)?;
        if (i as usize) < cap {
            let v = self.word(e, 1 + i as usize);
            if v != Value::EMPTY {
                return Some(v);
            }
        }
        None
    }

    fn ensure_elems(&mut self, o: Value, need: usize) -> VmResult<u64> {
        match self.elems(o) {
            Some((e, cap)) if need <= cap => Ok(e),
            cur => {
                let cap = cur.map(|c| c.1).unwrap_or(0);
                let ncap = need.max(cap + cap / 2).max(4);
                let ne = self.alloc_elems(ncap)?;
                if let Some((e, cap)) = cur {
                    for i in 0..cap {
                        let v = self.word(e, 1 + i);
                        self.set_word(ne.off(), 1 + i, v);
                    }
                }
                self.set_word(o.off(), ELEMS, ne);
                Ok(ne.off())
            }
        }
    }

    /// Whether index `i` may be stored densely.
    fn dense_ok(&self, o: Value, i: u32) -> bool {
        let cap = self.elems(o).map(|c| c.1).unwrap_or(0);
        // growth by at most a quarter at a time, so a few far-apart indices (2, 6, 14, ...,
        // 2^31) stay in the table instead of allocating a vector of gigabytes
        (i as usize) < cap || (i as usize) < cap + (cap / 4).max(64)
    }

    // ----- [[GetOwnProperty]] ---------------------------------------------------------------

    pub fn get_own(&mut self, o: Value, k: PropKey) -> Option<Prop> {
        if let PropKey::Index(i) = k {
            if let Some(v) = self.elem_fast(o, i) {
                return Some(Prop::data(v, attr::WEC));
            }
            if self.class_of(o) == class::TYPED_ARRAY {
                return crate::builtins::typedarray::get_own_index(self, o, i);
            }
            if self.class_of(o) == class::STRING {
                let s = self.slot(o, 0);
                if (i as usize) < self.str_len(s) {
                    // a one-unit string; allocation failure here is practically impossible
                    let c = self.units(s)[i as usize];
                    let v = self.new_string(&[c]).unwrap_or(Value::UNDEFINED);
                    return Some(Prop::data(v, attr::E));
                }
            }
            if self.flags(o) & flag::INDEX_PROPS == 0 {
                return None;
            }
        } else if k == self.key_atom(A::length) {
            match self.class_of(o) {
                class::ARRAY => {
                    let ro = self.flags(o) & flag::LENGTH_RO != 0;
                    return Some(Prop::data(self.slot(o, 0), if ro { 0 } else { attr::W }));
                }
                class::STRING => {
                    let s = self.slot(o, 0);
                    return Some(Prop::data(Value::num(self.str_len(s) as f64), 0));
                }
                _ => {}
            }
        }
        let mut p = self.named_get(o, k.word())?;
        if let PropKey::Index(ix) = k {
            // a mapped index of an arguments object reads its parameter (10.4.4.1)
            if self.class_of(o) == class::ARGUMENTS {
                if let Some(word) = self.mapped_arg(o, ix) {
                    p.value = self.word(self.slot(o, ARGS_ENV).off(), word);
                }
            }
        }
        Some(p)
    }

    // ----- the arguments exotic object (10.4.4) -------------------------------------------------

    /// The environment word a mapped arguments index aliases, if it is still mapped.
    /// Mapped indices live in the property table (never the dense elements), so the fast
    /// element paths never see them.
    pub fn mapped_arg(&self, o: Value, ix: u32) -> Option<usize> {
        let map = self.slot(o, ARGS_MAP);
        if !map.is_cell() || ix as usize >= self.cell_len(map.off()) {
            return None;
        }
        let w = self.list_get(map, ix as usize);
        if w.is_int() {
            Some(w.payload() as usize)
        } else {
            None
        }
    }

    fn unmap_arg(&mut self, o: Value, ix: u32) {
        let map = self.slot(o, ARGS_MAP);
        self.list_set(map, ix as usize, Value::UNDEFINED);
    }

    /// A mapped index of a new arguments object: a table entry aliasing environment `word`.
    pub fn put_mapped_arg(&mut self, o: Value, ix: u32, v: Value) -> VmResult<()> {
        self.add_flags(o, flag::INDEX_PROPS);
        self.table_add(o, PropKey::Index(ix), Prop::data(v, attr::WEC))
    }

    /// [[DefineOwnProperty]] of a mapped index (10.4.4.2).
    fn define_mapped_arg(&mut self, o: Value, ix: u32, word: usize, d: PropDesc) -> JsResult<bool> {
        let env = self.slot(o, ARGS_ENV);
        let mut nd = d;
        if d.is_data() && d.value.is_none() && d.writable == Some(false) {
            nd.value = Some(self.word(env.off(), word));
        }
        if !self.ordinary_define(o, PropKey::Index(ix), nd)? {
            return Ok(false);
        }
        if d.is_accessor() {
            self.unmap_arg(o, ix);
        } else {
            if let Some(v) = d.value {
                self.set_word(env.off(), word, v);
            }
            if d.writable == Some(false) {
                self.unmap_arg(o, ix);
            }
        }
        Ok(true)
    }

    // ----- [[DefineOwnProperty]] ------------------------------------------------------------

    /// ValidateAndApplyPropertyDescriptor on `o`'s own property `k`. Ok(false) when refused.
    pub fn define_own(&mut self, o: Value, k: PropKey, d: PropDesc) -> JsResult<bool> {
        let cls = self.class_of(o);
        if cls == class::PROXY {
            return crate::interp::proxy::define(self, o, k, d);
        }
        if cls == class::ARGUMENTS {
            if let PropKey::Index(i) = k {
                if let Some(word) = self.mapped_arg(o, i) {
                    return self.define_mapped_arg(o, i, word, d);
                }
            }
        }
        if cls == class::TYPED_ARRAY {
            if let Some(r) = crate::builtins::typedarray::define_own(self, o, k, &d)? {
                return Ok(r);
            }
        }
        if cls == class::ARRAY {
            if k == self.key_atom(A::length) {
                return self.array_set_length(o, d);
            }
            if let PropKey::Index(i) = k {
                let len = self.array_len(o);
                if i >= len && self.flags(o) & flag::LENGTH_RO != 0 {
                    return Ok(false);
                }
                if !self.ordinary_define(o, k, d)? {
                    return Ok(false);
                }
                if i >= len {
                    self.set_slot(o, 0, Value::num(i as f64 + 1.0));
                }
                return Ok(true);
            }
        }
        if cls == class::STRING {
            if let PropKey::Index(i) = k {
                let s = self.slot(o, 0);
                if (i as usize) < self.str_len(s) {
                    let cur = self.get_own(o, k).unwrap();
                    return Ok(self.compatible(&cur, &d));
                }
            }
        }
        self.ordinary_define(o, k, d)
    }

    /// Whether applying `d` to the non-configurable, non-writable `cur` changes nothing.
    fn compatible(&self, cur: &Prop, d: &PropDesc) -> bool {
        if d.configurable == Some(true) || d.enumerable.is_some_and(|e| e != cur.enumerable()) {
            return false;
        }
        if d.is_accessor() || d.writable == Some(true) {
            return false;
        }
        match d.value {
            Some(v) => same_value(self, v, cur.value),
            None => true,
        }
    }

    pub fn ordinary_define(&mut self, o: Value, k: PropKey, d: PropDesc) -> JsResult<bool> {
        let cur = self.get_own(o, k);
        let Some(cur) = cur else {
            if !self.is_extensible(o) {
                return Ok(false);
            }
            let mut a = 0;
            if d.enumerable == Some(true) {
                a |= attr::E;
            }
            if d.configurable == Some(true) {
                a |= attr::C;
            }
            let p = if d.is_accessor() {
                Prop { value: Value::UNDEFINED, getter: d.get.unwrap_or(Value::UNDEFINED), setter: d.set.unwrap_or(Value::UNDEFINED), attrs: a | attr::ACCESSOR }
            } else {
                if d.writable == Some(true) {
                    a |= attr::W;
                }
                Prop::data(d.value.unwrap_or(Value::UNDEFINED), a)
            };
            self.store(o, k, p, None)?;
            return Ok(true);
        };
        if !cur.configurable() {
            if d.configurable == Some(true) || d.enumerable.is_some_and(|e| e != cur.enumerable()) {
                return Ok(false);
            }
            if d.is_accessor() || d.is_data() {
                if cur.is_accessor() != d.is_accessor() && (d.is_accessor() || d.is_data()) {
                    return Ok(false);
                }
                if cur.is_accessor() {
                    if d.get.is_some_and(|g| g != cur.getter) || d.set.is_some_and(|s| s != cur.setter) {
                        return Ok(false);
                    }
                } else if !cur.writable() {
                    if d.writable == Some(true) {
                        return Ok(false);
                    }
                    if let Some(v) = d.value {
                        if !same_value(self, v, cur.value) {
                            return Ok(false);
                        }
                    }
                    return Ok(true);
                }
            }
        }
        let mut p = cur;
        if d.is_accessor() && !cur.is_accessor() {
            p = Prop { value: Value::UNDEFINED, getter: Value::UNDEFINED, setter: Value::UNDEFINED, attrs: (cur.attrs & (attr::E | attr::C)) | attr::ACCESSOR };
        } else if d.is_data() && cur.is_accessor() {
            p = Prop::data(Value::UNDEFINED, cur.attrs & (attr::E | attr::C));
        }
        if let Some(v) = d.value {
            p.value = v;
        }
        if let Some(g) = d.get {
            p.getter = g;
        }
        if let Some(s) = d.set {
            p.setter = s;
        }
        let setb = |a: &mut u8, b: u8, on: Option<bool>| {
            if let Some(on) = on {
                if on {
                    *a |= b
                } else {
                    *a &= !b
                }
            }
        };
        if !p.is_accessor() {
            setb(&mut p.attrs, attr::W, d.writable);
        }
        setb(&mut p.attrs, attr::E, d.enumerable);
        setb(&mut p.attrs, attr::C, d.configurable);
        self.store(o, k, p, Some(cur))?;
        Ok(true)
    }

    /// Writes property `k` of `o` (existing or new), choosing elements or the table.
    fn store(&mut self, o: Value, k: PropKey, p: Prop, _cur: Option<Prop>) -> VmResult<()> {
        if let PropKey::Index(i) = k {
            let in_table = self.flags(o) & flag::INDEX_PROPS != 0 && {
                let t = self.table(o);
                t.is_some_and(|t| self.table_find(t, k.word()).is_some())
            };
            if !in_table && !p.is_accessor() && p.attrs == attr::WEC && self.dense_ok(o, i) {
                let e = self.ensure_elems(o, i as usize + 1)?;
                self.set_word(e, 1 + i as usize, p.value);
                return Ok(());
            }
            if let Some((e, cap)) = self.elems(o) {
                if (i as usize) < cap {
                    self.set_word(e, 1 + i as usize, Value::EMPTY);
                }
            }
            self.add_flags(o, flag::INDEX_PROPS);
        }
        self.named_store(o, k, p)
    }

    /// A plain data property write for object creation (no checks).
    pub fn put(&mut self, o: Value, k: PropKey, v: Value, attrs: u8) -> VmResult<()> {
        self.store(o, k, Prop::data(v, attrs), None)
    }
    pub fn put_str(&mut self, o: Value, name: &str, v: Value, attrs: u8) -> VmResult<()> {
        let k = self.key_from_str(name)?;
        self.put(o, k, v, attrs)
    }
    pub fn put_accessor(&mut self, o: Value, k: PropKey, getter: Value, setter: Value, attrs: u8) -> VmResult<()> {
        self.store(o, k, Prop { value: Value::UNDEFINED, getter, setter, attrs: attrs | attr::ACCESSOR }, None)
    }

    fn array_set_length(&mut self, a: Value, d: PropDesc) -> JsResult<bool> {
        let Some(v) = d.value else {
            // only attributes
            if d.configurable == Some(true) || d.enumerable == Some(true) || d.is_accessor() {
                return Ok(false);
            }
            if d.writable == Some(true) && self.flags(a) & flag::LENGTH_RO != 0 {
                return Ok(false);
            }
            if d.writable == Some(false) {
                self.add_flags(a, flag::LENGTH_RO);
            }
            return Ok(true);
        };
        let new_len = self.to_array_length(v)?;
        if d.configurable == Some(true) || d.enumerable == Some(true) || d.is_accessor() {
            return Ok(false);
        }
        let old = self.array_len(a);
        let ro = self.flags(a) & flag::LENGTH_RO != 0;
        if new_len == old {
            if d.writable == Some(true) && ro {
                return Ok(false);
            }
            if d.writable == Some(false) {
                self.add_flags(a, flag::LENGTH_RO);
            }
            return Ok(true);
        }
        if ro {
            return Ok(false);
        }
        let ok = self.truncate_array(a, old, new_len)?;
        if d.writable == Some(false) {
            self.add_flags(a, flag::LENGTH_RO);
        }
        Ok(ok)
    }

    /// Deletes elements from `new_len` up; stops at a non-configurable one. Sets the length.
    fn truncate_array(&mut self, a: Value, old: u32, new_len: u32) -> JsResult<bool> {
        let mut final_len = new_len;
        let mut ok = true;
        if new_len < old {
            if self.flags(a) & flag::INDEX_PROPS != 0 {
                // table-held indices, highest first
                let mut idx: Vec<u32> =
                    self.own_keys(a).into_iter().filter_map(|k| if let PropKey::Index(i) = k { Some(i) } else { None }).filter(|&i| i >= new_len).collect();
                idx.sort_unstable_by(|x, y| y.cmp(x));
                for i in idx {
                    if !self.delete_own(a, PropKey::Index(i)) {
                        final_len = i + 1;
                        ok = false;
                        break;
                    }
                }
            }
            if let Some((e, cap)) = self.elems(a) {
                let from = final_len as usize;
                let to = (old as usize).min(cap);
                for i in from..to {
                    self.set_word(e, 1 + i, Value::EMPTY);
                }
            }
        }
        self.set_slot(a, 0, Value::num(final_len as f64));
        Ok(ok)
    }

    // ----- delete, keys ---------------------------------------------------------------------

    /// [[Delete]] of an own property: false when it is non-configurable.
    pub fn delete_own(&mut self, o: Value, k: PropKey) -> bool {
        if self.class_of(o) == class::TYPED_ARRAY {
            if let Some(r) = crate::builtins::typedarray::delete_own(self, o, k) {
                return r;
            }
        }
        if let PropKey::Index(i) = k {
            if let Some((e, cap)) = self.elems(o) {
                if (i as usize) < cap && self.word(e, 1 + i as usize) != Value::EMPTY {
                    self.set_word(e, 1 + i as usize, Value::EMPTY);
                    return true;
                }
            }
            if self.class_of(o) == class::STRING && (i as usize) < self.str_len(self.slot(o, 0)) {
                return false;
            }
        } else if k == self.key_atom(A::length) && matches!(self.class_of(o), class::ARRAY | class::STRING) {
            return false;
        }
        match self.named_get(o, k.word()) {
            None => return true,
            Some(p) if !p.configurable() => return false,
            Some(_) => {}
        }
        // deleting leaves the shape tree: the object becomes a dictionary
        let Ok(Some(t)) = self.to_dict(o) else { return true };
        let Some(i) = self.table_find(t, k.word()) else { return true };
        self.proto_changing(o);
        self.table_remove(t, i);
        if let PropKey::Index(ix) = k {
            if self.class_of(o) == class::ARGUMENTS && self.mapped_arg(o, ix).is_some() {
                self.unmap_arg(o, ix);
            }
        }
        true
    }

    /// [[OwnPropertyKeys]]: indices ascending, then strings and then symbols in creation order.
    pub fn own_keys(&mut self, o: Value) -> Vec<PropKey> {
        let mut idx: Vec<u32> = Vec::new();
        let mut strs = Vec::new();
        let mut syms = Vec::new();
        if self.class_of(o) == class::STRING {
            let n = self.str_len(self.slot(o, 0));
            idx.extend(0..n as u32);
        }
        if self.class_of(o) == class::TYPED_ARRAY {
            idx.extend(0..crate::builtins::typedarray::length(self, o));
        }
        if let Some((e, cap)) = self.elems(o) {
            for i in 0..cap {
                if self.word(e, 1 + i) != Value::EMPTY {
                    idx.push(i as u32);
                }
            }
        }
        match self.class_of(o) {
            class::ARRAY | class::STRING => strs.push(self.key_atom(A::length)),
            _ => {}
        }
        let named: Vec<u64> = match self.named(o) {
            Named::Empty => Vec::new(),
            Named::Shaped { shape, .. } => (0..self.shape_len(shape)).map(|i| self.shape_key(shape, i)).collect(),
            Named::Dict(t) => (0..self.table_used(t)).map(|i| self.word(t, 2 + 3 * i).0).filter(|&w| w != Value::EMPTY.0).collect(),
        };
        {
            for w in named {
                match PropKey::from_word(w) {
                    PropKey::Index(n) => idx.push(n),
                    k if k.is_symbol() => syms.push(k),
                    k => strs.push(k),
                }
            }
        }
        if self.flags(o) & flag::INDEX_PROPS != 0 || self.class_of(o) == class::STRING {
            idx.sort_unstable();
            idx.dedup();
        }
        let mut out: Vec<PropKey> = idx.into_iter().map(PropKey::Index).collect();
        out.extend(strs);
        out.extend(syms);
        out
    }

    // ----- helpers used by the interpreter -------------------------------------------------------

    /// ToLength-like conversion for array lengths: RangeError unless a uint32.
    pub fn to_array_length(&mut self, v: Value) -> JsResult<u32> {
        let n = self.to_number(v)?;
        let u = crate::interp::ops::to_uint32(n);
        let n2 = self.to_number(v)?;
        if u as f64 != n2 {
            return Err(self.throw_range("Invalid array length"));
        }
        Ok(u)
    }

    /// SetIntegrityLevel: Ok(false) when the object refuses to become non-extensible.
    pub fn set_integrity(&mut self, o: Value, level: Integrity) -> JsResult<bool> {
        if !self.prevent_extensions(o)? {
            return Ok(false);
        }
        if level == Integrity::PreventExtensions {
            return Ok(true);
        }
        let base = self.stack.len();
        let r = (|| {
            for k in self.own_property_keys(o)? {
                let mut d = PropDesc { configurable: Some(false), ..Default::default() };
                if level == Integrity::Frozen {
                    let Some(p) = self.get_own_property(o, k)? else { continue };
                    if !p.is_accessor() {
                        d.writable = Some(false);
                    }
                }
                self.define_or_throw(o, k, d)?;
            }
            Ok(true)
        })();
        self.stack.truncate(base);
        r
    }

    /// TestIntegrityLevel (Object.isSealed / isFrozen).
    pub fn test_integrity(&mut self, o: Value, frozen: bool) -> JsResult<bool> {
        if self.is_extensible_op(o)? {
            return Ok(false);
        }
        let base = self.stack.len();
        let r = (|| {
            for k in self.own_property_keys(o)? {
                if let Some(p) = self.get_own_property(o, k)? {
                    if p.configurable() || (frozen && !p.is_accessor() && p.writable()) {
                        return Ok(false);
                    }
                }
            }
            Ok(true)
        })();
        self.stack.truncate(base);
        r
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Integrity {
    PreventExtensions,
    Sealed,
    Frozen,
}

/// SameValue.
pub fn same_value(vm: &Vm, a: Value, b: Value) -> bool {
    if a.is_num() && b.is_num() {
        let (x, y) = (a.as_num(), b.as_num());
        return (x.is_nan() && y.is_nan()) || (x == y && x.to_bits() == y.to_bits()) || (x == y && x != 0.0);
    }
    if a.is_str() && b.is_str() {
        return vm.str_eq(a, b);
    }
    if a.is_bigint() && b.is_bigint() {
        return vm.bigint_eq(a, b);
    }
    a == b
}
