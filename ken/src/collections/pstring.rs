//! `PString`: UTF-8 text in the heap.

use super::PVec;
use crate::{Heap, Result};
use bytemuck::{Pod, Zeroable};
use std::fmt;

/// UTF-8 text in the heap, on a [`PVec<u8>`]. The handle is 8 bytes and `Pod`.
///
/// Every way of changing a `PString` keeps it valid UTF-8. Because a handle is plain data
/// (it could be made from any offset), reading re-checks the bytes: [`PString::try_as_str`]
/// returns the error, [`PString::as_str`] panics on it; neither is ever undefined behaviour.
#[repr(transparent)]
pub struct PString {
    v: PVec<u8>,
}

impl PString {
    /// An empty string (allocates only its header).
    pub fn new(heap: &mut Heap) -> Result<PString> {
        Ok(PString { v: PVec::new(heap)? })
    }

    /// A string holding a copy of `s`.
    #[allow(clippy::should_implement_trait)]
    pub fn from_str(heap: &mut Heap, s: &str) -> Result<PString> {
        Ok(PString { v: PVec::from_slice(heap, s.as_bytes())? })
    }

    pub fn push_str(&self, heap: &mut Heap, s: &str) -> Result<()> {
        self.v.extend_from_slice(heap, s.as_bytes())
    }

    pub fn push(&self, heap: &mut Heap, c: char) -> Result<()> {
        self.push_str(heap, c.encode_utf8(&mut [0; 4]))
    }

    /// Replaces the contents with `s`.
    pub fn set(&self, heap: &mut Heap, s: &str) -> Result<()> {
        self.v.clear(heap);
        self.push_str(heap, s)
    }

    /// The text. Panics if the bytes are not UTF-8, which only a handle that does not name a
    /// `PString` (or a freed one) can cause; see [`PString::try_as_str`].
    pub fn as_str<'h>(&self, heap: &'h Heap) -> &'h str {
        match self.try_as_str(heap) {
            Ok(s) => s,
            Err(e) => panic!("PString at {:#x} does not hold UTF-8: {e}", self.v.offset()),
        }
    }

    /// The text, or the UTF-8 error if the bytes are not UTF-8.
    pub fn try_as_str<'h>(&self, heap: &'h Heap) -> std::result::Result<&'h str, std::str::Utf8Error> {
        std::str::from_utf8(self.v.as_slice(heap))
    }

    pub fn as_bytes<'h>(&self, heap: &'h Heap) -> &'h [u8] {
        self.v.as_slice(heap)
    }

    /// Whether the text equals `s` (compares bytes, without a UTF-8 check).
    pub fn eq_str(&self, heap: &Heap, s: &str) -> bool {
        self.as_bytes(heap) == s.as_bytes()
    }

    /// Length in bytes.
    pub fn len(&self, heap: &Heap) -> usize {
        self.v.len(heap)
    }
    pub fn is_empty(&self, heap: &Heap) -> bool {
        self.v.is_empty(heap)
    }
    pub fn capacity(&self, heap: &Heap) -> usize {
        self.v.capacity(heap)
    }

    /// Shortens the text to `len` bytes; panics if `len` is not on a character boundary.
    pub fn truncate(&self, heap: &mut Heap, len: usize) {
        if len < self.len(heap) {
            assert!(self.as_str(heap).is_char_boundary(len), "PString::truncate: {len} is not a char boundary");
            self.v.truncate(heap, len);
        }
    }

    /// Removes the text; keeps the capacity.
    pub fn clear(&self, heap: &mut Heap) {
        self.v.clear(heap)
    }

    /// Returns the string's storage to the allocator.
    pub fn free(self, heap: &mut Heap) {
        self.v.free(heap)
    }

    pub const NULL: PString = PString { v: PVec::NULL };
    pub const fn is_null(&self) -> bool {
        self.v.is_null()
    }
    /// The heap offset of the string's header block (what the handle stores).
    pub const fn offset(&self) -> u64 {
        self.v.offset()
    }
    /// The handle whose header block is at `off` (from [`PString::offset`]).
    pub const fn from_offset(off: u64) -> PString {
        PString { v: PVec::from_offset(off) }
    }
}

impl Clone for PString {
    fn clone(&self) -> Self {
        *self
    }
}
impl Copy for PString {}
/// Identity: two handles are equal when they name the same string (compare contents with
/// [`PString::as_str`] or [`PString::eq_str`]).
impl PartialEq for PString {
    fn eq(&self, o: &Self) -> bool {
        self.v == o.v
    }
}
impl Eq for PString {}
impl Default for PString {
    fn default() -> Self {
        Self::NULL
    }
}
impl fmt::Debug for PString {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "PString({:#x})", self.v.offset())
    }
}
// SAFETY: a transparent wrapper of `PVec<u8>`, itself one u64.
unsafe impl Zeroable for PString {}
// SAFETY: as above.
unsafe impl Pod for PString {}
