//! `PHashMap<K, V>` and `PStrMap<V>`: hash maps in the heap.
//!
//! Open addressing with linear probing over one heap block per table, laid out as
//! `hashes: [u64; cap]`, then `keys: [K; cap]`, then `values: [V; cap]` (each part 16-byte
//! aligned). A hash of 0 marks an empty slot (real hashes are never 0), and the full hash is
//! kept, so growing and deleting never rehash a key. Deletion shifts the following entries of
//! the probe run back (no tombstones), so lookups never slow down with churn. The table
//! doubles when it would pass 3/4 full; `cap` is a power of two.

use super::{fmix64, hash_bytes, round16, PBox, PString, PVec};
use crate::{Heap, PPtr, Result};
use bytemuck::{Pod, Zeroable};
use std::fmt;
use std::marker::PhantomData;

/// A hash that is the same in every process, build and run (no random keys), as a key of a
/// persistent map needs. Must agree with `Eq`: equal keys, equal hashes.
///
/// Implemented for the integers, arrays of `PHash` types and `PPtr`. For your own
/// `#[derive(Pod, Eq)]` key type (whose `Eq` compares all bytes), hash its bytes:
///
/// ```
/// use ken::collections::{hash_bytes, PHash};
/// #[derive(Clone, Copy, PartialEq, Eq, bytemuck::Pod, bytemuck::Zeroable)]
/// #[repr(C)]
/// struct Id { hi: u64, lo: u64 }
/// impl PHash for Id {
///     fn phash(&self) -> u64 { hash_bytes(bytemuck::bytes_of(self)) }
/// }
/// assert_eq!(Id { hi: 1, lo: 2 }.phash(), Id { hi: 1, lo: 2 }.phash());
/// ```
pub trait PHash {
    fn phash(&self) -> u64;
}

macro_rules! phash_int {
    ($($t:ty),*) => {$(
        impl PHash for $t {
            #[inline]
            fn phash(&self) -> u64 {
                hash_bytes(&self.to_le_bytes())
            }
        }
    )*};
}
phash_int!(u8, u16, u32, u64, u128, usize, i8, i16, i32, i64, i128, isize);

impl<T: PHash, const N: usize> PHash for [T; N] {
    fn phash(&self) -> u64 {
        const K: u64 = 0x517c_c1b7_2722_0a95;
        let mut h = (N as u64).wrapping_mul(K);
        for x in self {
            h = (h.rotate_left(5) ^ x.phash()).wrapping_mul(K);
        }
        fmix64(h)
    }
}
impl<T> PHash for PPtr<T> {
    fn phash(&self) -> u64 {
        self.offset().phash()
    }
}
/// Identity (the block), like `PBox`'s `Eq`.
impl<T> PHash for PBox<T> {
    fn phash(&self) -> u64 {
        self.as_ptr().offset().phash()
    }
}
/// Identity (the vector's header block), like `PVec`'s `Eq`.
impl<T> PHash for PVec<T> {
    fn phash(&self) -> u64 {
        self.offset().phash()
    }
}

/// A stored hash: never 0, which marks an empty slot.
#[inline]
fn stored(h: u64) -> u64 {
    if h == 0 {
        1
    } else {
        h
    }
}

#[repr(C)]
#[derive(Clone, Copy, Debug, Pod, Zeroable)]
struct MapHeader {
    /// Offset of the table block; 0 while `cap` is 0.
    buf: u64,
    len: u64,
    /// Slots: 0 or a power of two.
    cap: u64,
}

struct Layout {
    keys: u64,
    vals: u64,
    total: u64,
}

/// The untyped-by-key table both maps are built on; callers give the hash and key equality.
#[repr(transparent)]
struct Table<K, V> {
    hdr: PPtr<MapHeader>,
    _t: PhantomData<fn() -> (K, V)>,
}

impl<K, V> Clone for Table<K, V> {
    fn clone(&self) -> Self {
        *self
    }
}
impl<K, V> Copy for Table<K, V> {}

const MIN_CAP: u64 = 8;

/// Slots needed for `n` entries within the 3/4 load limit.
fn cap_for(n: u64) -> u64 {
    if n == 0 {
        return 0;
    }
    (n + n / 3 + 1).next_power_of_two().max(MIN_CAP)
}

impl<K: Pod, V: Pod> Table<K, V> {
    fn layout(cap: u64) -> Layout {
        let keys = round16(cap * 8);
        let vals = keys + round16(cap * std::mem::size_of::<K>() as u64);
        Layout { keys, vals, total: vals + cap * std::mem::size_of::<V>() as u64 }
    }

    fn new(heap: &mut Heap, entries: usize) -> Result<Self> {
        assert!(std::mem::size_of::<K>() > 0 && std::mem::size_of::<V>() > 0, "map keys and values must not be zero-sized");
        assert!(std::mem::align_of::<K>() <= 16 && std::mem::align_of::<V>() <= 16, "heap blocks are 16-byte aligned");
        let t = Table { hdr: heap.alloc_value(MapHeader { buf: 0, len: 0, cap: 0 })?, _t: PhantomData };
        let cap = cap_for(entries as u64);
        if cap > 0 {
            if let Err(e) = t.resize(heap, cap) {
                heap.free_value(t.hdr);
                return Err(e);
            }
        }
        Ok(t)
    }

    #[inline]
    fn header(&self, heap: &Heap) -> MapHeader {
        heap.read(self.hdr)
    }

    fn len(&self, heap: &Heap) -> usize {
        self.header(heap).len as usize
    }

    fn capacity(&self, heap: &Heap) -> usize {
        let cap = self.header(heap).cap;
        (cap - cap / 4) as usize
    }

    #[inline]
    fn ptrs(h: &MapHeader, i: usize) -> (PPtr<u64>, PPtr<K>, PPtr<V>) {
        let l = Self::layout(h.cap);
        let i = i as u64;
        (
            PPtr::from_offset(h.buf + 8 * i),
            PPtr::from_offset(h.buf + l.keys + i * std::mem::size_of::<K>() as u64),
            PPtr::from_offset(h.buf + l.vals + i * std::mem::size_of::<V>() as u64),
        )
    }

    /// The three parts of the table as slices (empty when there is no table).
    fn parts<'h>(&self, heap: &'h Heap) -> (&'h [u64], &'h [K], &'h [V]) {
        let h = self.header(heap);
        if h.cap == 0 {
            return (&[], &[], &[]);
        }
        let l = Self::layout(h.cap);
        let n = h.cap as usize;
        (
            heap.slice(PPtr::from_offset(h.buf), n),
            heap.slice(PPtr::from_offset(h.buf + l.keys), n),
            heap.slice(PPtr::from_offset(h.buf + l.vals), n),
        )
    }

    /// The slot of the key with `hash` for which `eq` holds.
    fn find(&self, heap: &Heap, hash: u64, mut eq: impl FnMut(&K) -> bool) -> Option<usize> {
        let (hashes, keys, _) = self.parts(heap);
        if hashes.is_empty() {
            return None;
        }
        let hash = stored(hash);
        let mask = hashes.len() - 1;
        let mut i = hash as usize & mask;
        // At most `cap` probes, so even a damaged table (no empty slot) cannot loop forever.
        for _ in 0..hashes.len() {
            let s = hashes[i];
            if s == 0 {
                return None;
            }
            if s == hash && eq(&keys[i]) {
                return Some(i);
            }
            i = (i + 1) & mask;
        }
        None
    }

    fn value_ptr(&self, heap: &Heap, slot: usize) -> PPtr<V> {
        Self::ptrs(&self.header(heap), slot).2
    }

    /// Puts an entry into the first free slot of its probe run (the key must be absent and
    /// there must be room).
    fn place(heap: &mut Heap, h: &MapHeader, hash: u64, key: K, value: V) {
        let mask = h.cap as usize - 1;
        let mut i = hash as usize & mask;
        while heap.read(Self::ptrs(h, i).0) != 0 {
            i = (i + 1) & mask;
        }
        let (hp, kp, vp) = Self::ptrs(h, i);
        heap.write(hp, hash);
        heap.write(kp, key);
        heap.write(vp, value);
    }

    /// Moves every entry to a new table of `cap` slots and frees the old one.
    fn resize(&self, heap: &mut Heap, cap: u64) -> Result<()> {
        let h = self.header(heap);
        debug_assert!(cap.is_power_of_two() && cap * 3 / 4 >= h.len);
        let buf = heap.alloc(Self::layout(cap).total)?; // zeroed: every slot empty
        let new = MapHeader { buf, len: h.len, cap };
        if h.cap > 0 {
            let (hashes, keys, vals) = self.parts(heap);
            let live: Vec<(u64, K, V)> = (0..hashes.len())
                .filter(|&i| hashes[i] != 0)
                .map(|i| (hashes[i], keys[i], vals[i]))
                .collect();
            for (hash, k, v) in live {
                Self::place(heap, &new, hash, k, v);
            }
            heap.free(h.buf, Self::layout(h.cap).total);
        }
        heap.write(self.hdr, new);
        Ok(())
    }

    fn reserve(&self, heap: &mut Heap, additional: usize) -> Result<()> {
        let h = self.header(heap);
        let need = h.len + additional as u64;
        if need * 4 > h.cap * 3 {
            self.resize(heap, cap_for(need).max(h.cap * 2))?;
        }
        Ok(())
    }

    /// Adds an entry whose key is known to be absent.
    fn insert_absent(&self, heap: &mut Heap, hash: u64, key: K, value: V) -> Result<()> {
        self.reserve(heap, 1)?;
        let h = self.header(heap);
        Self::place(heap, &h, stored(hash), key, value);
        heap.get_mut(self.hdr).len = h.len + 1;
        Ok(())
    }

    /// Removes the entry in `slot`, shifting later entries of its probe run back.
    fn remove_at(&self, heap: &mut Heap, slot: usize) -> (K, V) {
        let h = self.header(heap);
        let mask = h.cap as usize - 1;
        let (hp, kp, vp) = Self::ptrs(&h, slot);
        let out = (heap.read(kp), heap.read(vp));
        heap.write(hp, 0);
        let mut hole = slot;
        let mut j = slot;
        loop {
            j = (j + 1) & mask;
            let (jh, jk, jv) = Self::ptrs(&h, j);
            let hash = heap.read(jh);
            if hash == 0 {
                break;
            }
            let ideal = hash as usize & mask;
            // The entry at j may fill the hole if the hole lies in its probe run [ideal, j).
            if (j.wrapping_sub(ideal) & mask) >= (j.wrapping_sub(hole) & mask) {
                let (hh, hk, hv) = Self::ptrs(&h, hole);
                let (k, v) = (heap.read(jk), heap.read(jv));
                heap.write(hh, hash);
                heap.write(hk, k);
                heap.write(hv, v);
                heap.write(jh, 0);
                hole = j;
            }
        }
        heap.get_mut(self.hdr).len = h.len - 1;
        out
    }

    fn iter<'h>(&self, heap: &'h Heap) -> impl Iterator<Item = (&'h K, &'h V)> + 'h {
        let (hashes, keys, vals) = self.parts(heap);
        hashes.iter().zip(keys.iter().zip(vals)).filter(|(h, _)| **h != 0).map(|(_, kv)| kv)
    }

    fn clear(&self, heap: &mut Heap) {
        let h = self.header(heap);
        if h.len > 0 {
            heap.slice_mut(PPtr::<u64>::from_offset(h.buf), h.cap as usize).fill(0);
            heap.get_mut(self.hdr).len = 0;
        }
    }

    fn free(self, heap: &mut Heap) {
        let h = self.header(heap);
        if h.cap > 0 {
            heap.free(h.buf, Self::layout(h.cap).total);
        }
        heap.free_value(self.hdr);
    }
}

// ----- PHashMap -----------------------------------------------------------------------------

/// A hash map in the heap from `K` to `V`. The handle is the offset of a `{buf, len, cap}`
/// header block (8 bytes, `Pod`), so it can be stored in roots and other heap objects.
///
/// Iteration order is the table's slot order: it depends on the hashes and the history of
/// insertions, not on the process, and is the same after reopening.
#[repr(transparent)]
pub struct PHashMap<K, V> {
    t: Table<K, V>,
}

impl<K: Pod + Eq + PHash, V: Pod> PHashMap<K, V> {
    /// An empty map (allocates only its header; the table comes with the first insert).
    pub fn new(heap: &mut Heap) -> Result<Self> {
        Self::with_capacity(heap, 0)
    }

    /// An empty map with room for `n` entries before it grows.
    pub fn with_capacity(heap: &mut Heap, n: usize) -> Result<Self> {
        Ok(PHashMap { t: Table::new(heap, n)? })
    }

    pub fn len(&self, heap: &Heap) -> usize {
        self.t.len(heap)
    }
    pub fn is_empty(&self, heap: &Heap) -> bool {
        self.len(heap) == 0
    }
    /// Entries the map holds before it next grows.
    pub fn capacity(&self, heap: &Heap) -> usize {
        self.t.capacity(heap)
    }

    /// Makes room for `additional` more entries.
    pub fn reserve(&self, heap: &mut Heap, additional: usize) -> Result<()> {
        self.t.reserve(heap, additional)
    }

    /// Sets `key` to `value`, returning the value it had.
    pub fn insert(&self, heap: &mut Heap, key: K, value: V) -> Result<Option<V>> {
        let hash = key.phash();
        match self.t.find(heap, hash, |k| *k == key) {
            Some(slot) => {
                let p = self.t.value_ptr(heap, slot);
                let old = heap.read(p);
                heap.write(p, value);
                Ok(Some(old))
            }
            None => {
                self.t.insert_absent(heap, hash, key, value)?;
                Ok(None)
            }
        }
    }

    pub fn get<'h>(&self, heap: &'h Heap, key: &K) -> Option<&'h V> {
        let slot = self.t.find(heap, key.phash(), |k| k == key)?;
        Some(heap.get(self.t.value_ptr(heap, slot)))
    }

    pub fn get_mut<'h>(&self, heap: &'h mut Heap, key: &K) -> Option<&'h mut V> {
        let slot = self.t.find(heap, key.phash(), |k| k == key)?;
        let p = self.t.value_ptr(heap, slot);
        Some(heap.get_mut(p))
    }

    /// The value of `key`, inserting `make()` first if there is none.
    pub fn get_or_insert_with<'h>(&self, heap: &'h mut Heap, key: K, make: impl FnOnce() -> V) -> Result<&'h mut V> {
        let hash = key.phash();
        let slot = match self.t.find(heap, hash, |k| *k == key) {
            Some(slot) => slot,
            None => {
                self.t.insert_absent(heap, hash, key, make())?;
                self.t.find(heap, hash, |k| *k == key).expect("entry just inserted")
            }
        };
        let p = self.t.value_ptr(heap, slot);
        Ok(heap.get_mut(p))
    }

    pub fn contains_key(&self, heap: &Heap, key: &K) -> bool {
        self.t.find(heap, key.phash(), |k| k == key).is_some()
    }

    /// Removes `key`, returning its value.
    pub fn remove(&self, heap: &mut Heap, key: &K) -> Option<V> {
        let slot = self.t.find(heap, key.phash(), |k| k == key)?;
        Some(self.t.remove_at(heap, slot).1)
    }

    /// The entries, in slot order.
    pub fn iter<'h>(&self, heap: &'h Heap) -> impl Iterator<Item = (&'h K, &'h V)> + 'h {
        self.t.iter(heap)
    }
    pub fn keys<'h>(&self, heap: &'h Heap) -> impl Iterator<Item = &'h K> + 'h {
        self.t.iter(heap).map(|(k, _)| k)
    }
    pub fn values<'h>(&self, heap: &'h Heap) -> impl Iterator<Item = &'h V> + 'h {
        self.t.iter(heap).map(|(_, v)| v)
    }

    /// Removes every entry; keeps the table.
    pub fn clear(&self, heap: &mut Heap) {
        self.t.clear(heap)
    }

    /// Returns the table and the header to the allocator.
    pub fn free(self, heap: &mut Heap) {
        self.t.free(heap)
    }
}

impl<K, V> PHashMap<K, V> {
    /// A handle that names no map (all zeros); only `is_null` may be called on it.
    pub const NULL: Self = PHashMap { t: Table { hdr: PPtr::NULL, _t: PhantomData } };
    pub const fn is_null(&self) -> bool {
        self.t.hdr.is_null()
    }
    /// The heap offset of the map's header block (what the handle stores).
    pub const fn offset(&self) -> u64 {
        self.t.hdr.offset()
    }
    /// The handle whose header block is at `off` (from [`PHashMap::offset`]).
    pub const fn from_offset(off: u64) -> Self {
        PHashMap { t: Table { hdr: PPtr::from_offset(off), _t: PhantomData } }
    }
}

// ----- PStrMap ------------------------------------------------------------------------------

/// A hash map in the heap from strings to `V`. The map owns its keys (as [`PString`]s, freed
/// on `remove`, `clear` and `free`); lookups take `&str`. The handle is 8 bytes and `Pod`.
#[repr(transparent)]
pub struct PStrMap<V> {
    t: Table<PString, V>,
}

impl<V: Pod> PStrMap<V> {
    pub fn new(heap: &mut Heap) -> Result<Self> {
        Self::with_capacity(heap, 0)
    }
    pub fn with_capacity(heap: &mut Heap, n: usize) -> Result<Self> {
        Ok(PStrMap { t: Table::new(heap, n)? })
    }

    fn find(&self, heap: &Heap, key: &str) -> Option<usize> {
        self.t.find(heap, hash_bytes(key.as_bytes()), |k| k.eq_str(heap, key))
    }

    pub fn len(&self, heap: &Heap) -> usize {
        self.t.len(heap)
    }
    pub fn is_empty(&self, heap: &Heap) -> bool {
        self.len(heap) == 0
    }
    pub fn capacity(&self, heap: &Heap) -> usize {
        self.t.capacity(heap)
    }
    pub fn reserve(&self, heap: &mut Heap, additional: usize) -> Result<()> {
        self.t.reserve(heap, additional)
    }

    /// Sets `key` to `value`, returning the value it had. A new key is copied into the heap.
    pub fn insert(&self, heap: &mut Heap, key: &str, value: V) -> Result<Option<V>> {
        match self.find(heap, key) {
            Some(slot) => {
                let p = self.t.value_ptr(heap, slot);
                let old = heap.read(p);
                heap.write(p, value);
                Ok(Some(old))
            }
            None => {
                self.t.reserve(heap, 1)?;
                let k = PString::from_str(heap, key)?;
                self.t.insert_absent(heap, hash_bytes(key.as_bytes()), k, value)?;
                Ok(None)
            }
        }
    }

    pub fn get<'h>(&self, heap: &'h Heap, key: &str) -> Option<&'h V> {
        let slot = self.find(heap, key)?;
        Some(heap.get(self.t.value_ptr(heap, slot)))
    }

    pub fn get_mut<'h>(&self, heap: &'h mut Heap, key: &str) -> Option<&'h mut V> {
        let slot = self.find(heap, key)?;
        let p = self.t.value_ptr(heap, slot);
        Some(heap.get_mut(p))
    }

    pub fn contains_key(&self, heap: &Heap, key: &str) -> bool {
        self.find(heap, key).is_some()
    }

    /// Removes `key` (freeing the stored key), returning its value.
    pub fn remove(&self, heap: &mut Heap, key: &str) -> Option<V> {
        let slot = self.find(heap, key)?;
        let (k, v) = self.t.remove_at(heap, slot);
        k.free(heap);
        Some(v)
    }

    /// The entries, in slot order. Panics if a stored key is not UTF-8 (see
    /// [`PString::as_str`]); [`PStrMap::iter_bytes`] does not check.
    pub fn iter<'h>(&self, heap: &'h Heap) -> impl Iterator<Item = (&'h str, &'h V)> + 'h {
        self.t.iter(heap).map(move |(k, v)| (k.as_str(heap), v))
    }
    pub fn iter_bytes<'h>(&self, heap: &'h Heap) -> impl Iterator<Item = (&'h [u8], &'h V)> + 'h {
        self.t.iter(heap).map(move |(k, v)| (k.as_bytes(heap), v))
    }
    pub fn keys<'h>(&self, heap: &'h Heap) -> impl Iterator<Item = &'h str> + 'h {
        self.iter(heap).map(|(k, _)| k)
    }
    pub fn values<'h>(&self, heap: &'h Heap) -> impl Iterator<Item = &'h V> + 'h {
        self.t.iter(heap).map(|(_, v)| v)
    }

    /// Removes every entry (freeing the keys); keeps the table.
    pub fn clear(&self, heap: &mut Heap) {
        let keys: Vec<PString> = self.t.iter(heap).map(|(k, _)| *k).collect();
        for k in keys {
            k.free(heap);
        }
        self.t.clear(heap)
    }

    /// Returns the keys, the table and the header to the allocator.
    pub fn free(self, heap: &mut Heap) {
        self.clear(heap);
        self.t.free(heap)
    }
}

impl<V> PStrMap<V> {
    pub const NULL: Self = PStrMap { t: Table { hdr: PPtr::NULL, _t: PhantomData } };
    pub const fn is_null(&self) -> bool {
        self.t.hdr.is_null()
    }
    /// The heap offset of the map's header block (what the handle stores).
    pub const fn offset(&self) -> u64 {
        self.t.hdr.offset()
    }
    /// The handle whose header block is at `off` (from [`PStrMap::offset`]).
    pub const fn from_offset(off: u64) -> Self {
        PStrMap { t: Table { hdr: PPtr::from_offset(off), _t: PhantomData } }
    }
}

macro_rules! handle_traits {
    ($name:ident < $($p:ident),* >) => {
        impl<$($p),*> Clone for $name<$($p),*> {
            fn clone(&self) -> Self {
                *self
            }
        }
        impl<$($p),*> Copy for $name<$($p),*> {}
        /// Identity: two handles are equal when they name the same map.
        impl<$($p),*> PartialEq for $name<$($p),*> {
            fn eq(&self, o: &Self) -> bool {
                self.t.hdr == o.t.hdr
            }
        }
        impl<$($p),*> Eq for $name<$($p),*> {}
        impl<$($p),*> Default for $name<$($p),*> {
            fn default() -> Self {
                Self::NULL
            }
        }
        impl<$($p),*> fmt::Debug for $name<$($p),*> {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, concat!(stringify!($name), "({:#x})"), self.t.hdr.offset())
            }
        }
        // SAFETY: a transparent wrapper of one `PPtr` (a u64); the PhantomData is zero-sized.
        unsafe impl<$($p: 'static),*> Zeroable for $name<$($p),*> {}
        // SAFETY: as above.
        unsafe impl<$($p: 'static),*> Pod for $name<$($p),*> {}
    };
}
handle_traits!(PHashMap<K, V>);
handle_traits!(PStrMap<V>);
