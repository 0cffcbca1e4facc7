//! `PBox<T>`: one `T` in its own heap block.

use crate::{Heap, PPtr, Result};
use bytemuck::{Pod, Zeroable};
use std::fmt;

/// A `T` in its own heap block; the handle is the block's offset (8 bytes, `Pod`).
///
/// Unlike `Box`, the handle is `Copy` and does not free on drop: call [`PBox::free`].
#[repr(transparent)]
pub struct PBox<T> {
    p: PPtr<T>,
}

impl<T: Pod> PBox<T> {
    /// Allocates a block holding `value`.
    pub fn new(heap: &mut Heap, value: T) -> Result<PBox<T>> {
        Ok(PBox { p: heap.alloc_value(value)? })
    }
    pub fn get<'h>(&self, heap: &'h Heap) -> &'h T {
        heap.get(self.p)
    }
    pub fn get_mut<'h>(&self, heap: &'h mut Heap) -> &'h mut T {
        heap.get_mut(self.p)
    }
    /// A copy of the value.
    pub fn read(&self, heap: &Heap) -> T {
        heap.read(self.p)
    }
    pub fn set(&self, heap: &mut Heap, value: T) {
        heap.write(self.p, value)
    }
    /// Returns the block to the allocator.
    pub fn free(self, heap: &mut Heap) {
        heap.free_value(self.p)
    }
}

impl<T> PBox<T> {
    pub const NULL: PBox<T> = PBox { p: PPtr::NULL };
    pub const fn is_null(&self) -> bool {
        self.p.is_null()
    }
    /// The block, as a plain `PPtr`.
    pub const fn as_ptr(&self) -> PPtr<T> {
        self.p
    }
    /// A box owning the block at `p` (which must come from `PBox::new` or `Heap::alloc_value`).
    pub const fn from_ptr(p: PPtr<T>) -> PBox<T> {
        PBox { p }
    }
}

impl<T> Clone for PBox<T> {
    fn clone(&self) -> Self {
        *self
    }
}
impl<T> Copy for PBox<T> {}
impl<T> PartialEq for PBox<T> {
    fn eq(&self, o: &Self) -> bool {
        self.p == o.p
    }
}
impl<T> Eq for PBox<T> {}
impl<T> Default for PBox<T> {
    fn default() -> Self {
        Self::NULL
    }
}
impl<T> fmt::Debug for PBox<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "PBox({:#x})", self.p.offset())
    }
}
// SAFETY: a transparent wrapper of `PPtr<T>`, which is `Pod` for every `T: 'static`.
unsafe impl<T: 'static> Zeroable for PBox<T> {}
// SAFETY: as above.
unsafe impl<T: 'static> Pod for PBox<T> {}
