//! `PVec<T>`: a growable array in the heap.

use super::usable_size;
use crate::{Heap, PPtr, Result};
use bytemuck::{Pod, Zeroable};
use std::fmt;
use std::marker::PhantomData;

/// The heap block a `PVec` handle names: where the elements are, how many, how many fit.
#[repr(C)]
#[derive(Clone, Copy, Debug, Pod, Zeroable)]
struct VecHeader {
    /// Offset of the element buffer; 0 while `cap` is 0.
    ptr: u64,
    len: u64,
    cap: u64,
}

/// A growable array of `T` in the heap. The handle is the offset of a `{ptr, len, cap}`
/// header block (8 bytes, `Pod`); the elements are in a separate block that is reallocated
/// (doubling) as the vector grows, the old one being freed.
///
/// Indexing out of bounds panics, as with `Vec`. `T` must not be zero-sized and must be
/// aligned to at most 16 bytes.
#[repr(transparent)]
pub struct PVec<T> {
    hdr: PPtr<VecHeader>,
    _t: PhantomData<fn() -> T>,
}

impl<T: Pod> PVec<T> {
    const SIZE: u64 = std::mem::size_of::<T>() as u64;

    /// An empty vector (allocates only its header).
    pub fn new(heap: &mut Heap) -> Result<PVec<T>> {
        Self::with_capacity(heap, 0)
    }

    /// An empty vector with room for at least `cap` elements.
    pub fn with_capacity(heap: &mut Heap, cap: usize) -> Result<PVec<T>> {
        assert!(Self::SIZE > 0, "PVec of a zero-sized type");
        assert!(std::mem::align_of::<T>() <= 16, "heap blocks are 16-byte aligned");
        let v = PVec { hdr: heap.alloc_value(VecHeader { ptr: 0, len: 0, cap: 0 })?, _t: PhantomData };
        if cap > 0 {
            if let Err(e) = v.realloc(heap, cap as u64) {
                heap.free_value(v.hdr);
                return Err(e);
            }
        }
        Ok(v)
    }

    /// A vector holding a copy of `items`.
    pub fn from_slice(heap: &mut Heap, items: &[T]) -> Result<PVec<T>> {
        let v = Self::with_capacity(heap, items.len())?;
        v.extend_from_slice(heap, items)?;
        Ok(v)
    }

    #[inline]
    fn header(&self, heap: &Heap) -> VecHeader {
        heap.read(self.hdr)
    }

    #[inline]
    fn elem(h: &VecHeader, i: u64) -> PPtr<T> {
        PPtr::from_offset(h.ptr + i * Self::SIZE)
    }

    pub fn len(&self, heap: &Heap) -> usize {
        self.header(heap).len as usize
    }
    pub fn is_empty(&self, heap: &Heap) -> bool {
        self.len(heap) == 0
    }
    pub fn capacity(&self, heap: &Heap) -> usize {
        self.header(heap).cap as usize
    }

    pub fn as_slice<'h>(&self, heap: &'h Heap) -> &'h [T] {
        let h = self.header(heap);
        if h.len == 0 {
            return &[];
        }
        heap.slice(Self::elem(&h, 0), h.len as usize)
    }

    /// The elements for writing. Marks every page of the elements dirty: to change a few
    /// elements of a large vector, `set` or `get_mut` are cheaper at commit.
    pub fn as_mut_slice<'h>(&self, heap: &'h mut Heap) -> &'h mut [T] {
        let h = self.header(heap);
        if h.len == 0 {
            return &mut [];
        }
        heap.slice_mut(Self::elem(&h, 0), h.len as usize)
    }

    pub fn iter<'h>(&self, heap: &'h Heap) -> std::slice::Iter<'h, T> {
        self.as_slice(heap).iter()
    }

    /// The elements copied out into a `Vec`.
    pub fn to_vec(&self, heap: &Heap) -> Vec<T> {
        self.as_slice(heap).to_vec()
    }

    pub fn get<'h>(&self, heap: &'h Heap, i: usize) -> Option<&'h T> {
        self.as_slice(heap).get(i)
    }

    pub fn get_mut<'h>(&self, heap: &'h mut Heap, i: usize) -> Option<&'h mut T> {
        let h = self.header(heap);
        if (i as u64) < h.len {
            Some(heap.get_mut(Self::elem(&h, i as u64)))
        } else {
            None
        }
    }

    /// Replaces element `i`; panics if `i >= len`.
    pub fn set(&self, heap: &mut Heap, i: usize, value: T) {
        let h = self.header(heap);
        assert!((i as u64) < h.len, "PVec::set index {i} out of bounds (len {})", h.len);
        heap.write(Self::elem(&h, i as u64), value);
    }

    /// Makes room for at least `additional` more elements.
    pub fn reserve(&self, heap: &mut Heap, additional: usize) -> Result<()> {
        let h = self.header(heap);
        let need = h.len.checked_add(additional as u64).expect("PVec capacity overflow");
        if need > h.cap {
            let min = (16 / Self::SIZE).max(1);
            self.realloc(heap, need.max(h.cap * 2).max(min))?;
        }
        Ok(())
    }

    /// Moves the elements to a new buffer for at least `cap` (>= len) elements, using all of
    /// the block the allocator hands out, and frees the old buffer.
    fn realloc(&self, heap: &mut Heap, cap: u64) -> Result<()> {
        let h = self.header(heap);
        debug_assert!(cap >= h.len);
        let bytes = cap.checked_mul(Self::SIZE).expect("PVec capacity overflow");
        let cap = usable_size(bytes) / Self::SIZE;
        let ptr = heap.alloc(cap * Self::SIZE)?;
        if h.len > 0 {
            let n = (h.len * Self::SIZE) as usize;
            let old = heap.bytes(h.ptr, n).to_vec();
            heap.bytes_mut(ptr, n).copy_from_slice(&old);
        }
        if h.cap > 0 {
            heap.free(h.ptr, h.cap * Self::SIZE);
        }
        heap.write(self.hdr, VecHeader { ptr, len: h.len, cap });
        Ok(())
    }

    /// Frees unused capacity (all of the buffer when the vector is empty).
    pub fn shrink_to_fit(&self, heap: &mut Heap) -> Result<()> {
        let h = self.header(heap);
        if h.len == 0 {
            if h.cap > 0 {
                heap.free(h.ptr, h.cap * Self::SIZE);
                heap.write(self.hdr, VecHeader { ptr: 0, len: 0, cap: 0 });
            }
            return Ok(());
        }
        if usable_size(h.len * Self::SIZE) < usable_size(h.cap * Self::SIZE) {
            self.realloc(heap, h.len)?;
        }
        Ok(())
    }

    pub fn push(&self, heap: &mut Heap, value: T) -> Result<()> {
        self.reserve(heap, 1)?;
        let h = self.header(heap);
        heap.write(Self::elem(&h, h.len), value);
        heap.get_mut(self.hdr).len = h.len + 1;
        Ok(())
    }

    pub fn pop(&self, heap: &mut Heap) -> Option<T> {
        let h = self.header(heap);
        if h.len == 0 {
            return None;
        }
        let v = heap.read(Self::elem(&h, h.len - 1));
        heap.get_mut(self.hdr).len = h.len - 1;
        Some(v)
    }

    /// Inserts `value` at `i`, shifting the rest up; panics if `i > len`.
    pub fn insert(&self, heap: &mut Heap, i: usize, value: T) -> Result<()> {
        let len = self.len(heap);
        assert!(i <= len, "PVec::insert index {i} out of bounds (len {len})");
        self.reserve(heap, 1)?;
        let h = self.header(heap);
        let s = Self::SIZE as usize;
        let tail = (len - i) * s;
        heap.bytes_mut(Self::elem(&h, i as u64).offset(), tail + s).copy_within(0..tail, s);
        heap.write(Self::elem(&h, i as u64), value);
        heap.get_mut(self.hdr).len = h.len + 1;
        Ok(())
    }

    /// Removes and returns element `i`, shifting the rest down; panics if `i >= len`.
    pub fn remove(&self, heap: &mut Heap, i: usize) -> T {
        let h = self.header(heap);
        assert!((i as u64) < h.len, "PVec::remove index {i} out of bounds (len {})", h.len);
        let v = heap.read(Self::elem(&h, i as u64));
        let s = Self::SIZE as usize;
        let tail = (h.len as usize - i) * s;
        heap.bytes_mut(Self::elem(&h, i as u64).offset(), tail).copy_within(s.., 0);
        heap.get_mut(self.hdr).len = h.len - 1;
        v
    }

    /// Removes element `i`, moving the last element into its place; panics if `i >= len`.
    pub fn swap_remove(&self, heap: &mut Heap, i: usize) -> T {
        let h = self.header(heap);
        assert!((i as u64) < h.len, "PVec::swap_remove index {i} out of bounds (len {})", h.len);
        let v = heap.read(Self::elem(&h, i as u64));
        let last = h.len - 1;
        if i as u64 != last {
            let l = heap.read(Self::elem(&h, last));
            heap.write(Self::elem(&h, i as u64), l);
        }
        heap.get_mut(self.hdr).len = last;
        v
    }

    pub fn swap(&self, heap: &mut Heap, a: usize, b: usize) {
        let len = self.len(heap);
        assert!(a < len && b < len, "PVec::swap indices {a}, {b} out of bounds (len {len})");
        if a != b {
            let h = self.header(heap);
            let (x, y) = (heap.read(Self::elem(&h, a as u64)), heap.read(Self::elem(&h, b as u64)));
            heap.write(Self::elem(&h, a as u64), y);
            heap.write(Self::elem(&h, b as u64), x);
        }
    }

    /// Keeps the first `len` elements (nothing happens if there are not more). Keeps the
    /// capacity.
    pub fn truncate(&self, heap: &mut Heap, len: usize) {
        if (len as u64) < self.header(heap).len {
            heap.get_mut(self.hdr).len = len as u64;
        }
    }

    /// Removes every element; keeps the capacity.
    pub fn clear(&self, heap: &mut Heap) {
        self.truncate(heap, 0)
    }

    pub fn extend_from_slice(&self, heap: &mut Heap, items: &[T]) -> Result<()> {
        if items.is_empty() {
            return Ok(());
        }
        self.reserve(heap, items.len())?;
        let h = self.header(heap);
        heap.slice_mut(Self::elem(&h, h.len), items.len()).copy_from_slice(items);
        heap.get_mut(self.hdr).len = h.len + items.len() as u64;
        Ok(())
    }

    /// Returns the buffer and the header to the allocator. The handle (and its copies) must
    /// not be used afterwards.
    pub fn free(self, heap: &mut Heap) {
        let h = self.header(heap);
        if h.cap > 0 {
            heap.free(h.ptr, h.cap * Self::SIZE);
        }
        heap.free_value(self.hdr);
    }
}

impl<T> PVec<T> {
    /// A handle that names no vector (all zeros); only `is_null` may be called on it.
    pub const NULL: PVec<T> = PVec { hdr: PPtr::NULL, _t: PhantomData };
    pub const fn is_null(&self) -> bool {
        self.hdr.is_null()
    }
    /// The heap offset of the vector's header block (what the handle stores).
    pub const fn offset(&self) -> u64 {
        self.hdr.offset()
    }
    /// The handle whose header block is at `off` (from [`PVec::offset`]).
    pub const fn from_offset(off: u64) -> PVec<T> {
        PVec { hdr: PPtr::from_offset(off), _t: PhantomData }
    }
}

impl<T> Clone for PVec<T> {
    fn clone(&self) -> Self {
        *self
    }
}
impl<T> Copy for PVec<T> {}
/// Identity: two handles are equal when they name the same vector.
impl<T> PartialEq for PVec<T> {
    fn eq(&self, o: &Self) -> bool {
        self.hdr == o.hdr
    }
}
impl<T> Eq for PVec<T> {}
impl<T> Default for PVec<T> {
    fn default() -> Self {
        Self::NULL
    }
}
impl<T> fmt::Debug for PVec<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "PVec({:#x})", self.hdr.offset())
    }
}
// SAFETY: a transparent wrapper of one `PPtr` (a u64); the PhantomData is zero-sized.
unsafe impl<T: 'static> Zeroable for PVec<T> {}
// SAFETY: as above.
unsafe impl<T: 'static> Pod for PVec<T> {}
