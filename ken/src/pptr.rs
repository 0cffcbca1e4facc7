//! `PPtr<T>`: a typed, relocatable handle into the heap — a byte offset from the start of the
//! heap file, never an address. Offset 0 (the header page, which never holds an object) is null.

use bytemuck::{Pod, Zeroable};
use std::fmt;
use std::marker::PhantomData;

#[repr(transparent)]
pub struct PPtr<T> {
    off: u64,
    _t: PhantomData<fn() -> T>,
}

impl<T> PPtr<T> {
    pub const NULL: PPtr<T> = PPtr { off: 0, _t: PhantomData };

    pub const fn from_offset(off: u64) -> PPtr<T> {
        PPtr { off, _t: PhantomData }
    }
    pub const fn offset(self) -> u64 {
        self.off
    }
    pub const fn is_null(self) -> bool {
        self.off == 0
    }
    /// The same offset seen as another type (like a pointer cast).
    pub const fn cast<U>(self) -> PPtr<U> {
        PPtr::from_offset(self.off)
    }
    /// The handle `n` elements of `T` further on.
    pub const fn add(self, n: u64) -> PPtr<T> {
        PPtr::from_offset(self.off + n * std::mem::size_of::<T>() as u64)
    }
    /// The handle `bytes` bytes further on, as another type.
    pub const fn byte_add<U>(self, bytes: u64) -> PPtr<U> {
        PPtr::from_offset(self.off + bytes)
    }
}

impl<T> Clone for PPtr<T> {
    fn clone(&self) -> Self {
        *self
    }
}
impl<T> Copy for PPtr<T> {}
impl<T> PartialEq for PPtr<T> {
    fn eq(&self, o: &Self) -> bool {
        self.off == o.off
    }
}
impl<T> Eq for PPtr<T> {}
impl<T> std::hash::Hash for PPtr<T> {
    fn hash<H: std::hash::Hasher>(&self, h: &mut H) {
        self.off.hash(h)
    }
}
impl<T> Default for PPtr<T> {
    fn default() -> Self {
        Self::NULL
    }
}
impl<T> fmt::Debug for PPtr<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.is_null() {
            write!(f, "PPtr(null)")
        } else {
            write!(f, "PPtr({:#x})", self.off)
        }
    }
}

// SAFETY: PPtr<T> is a transparent wrapper of one u64 (PhantomData is zero-sized and its
// type parameter is only a marker), so every bit pattern is valid and all-zero is NULL.
unsafe impl<T: 'static> Zeroable for PPtr<T> {}
// SAFETY: as above; no padding, no pointers, `Copy` for every T.
unsafe impl<T: 'static> Pod for PPtr<T> {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn is_eight_bytes_and_pod() {
        assert_eq!(std::mem::size_of::<PPtr<[u8; 100]>>(), 8);
        let p: PPtr<u32> = PPtr::from_offset(4096);
        let bytes: [u8; 8] = bytemuck::cast(p);
        assert_eq!(u64::from_le_bytes(bytes), 4096);
        assert!(PPtr::<u8>::NULL.is_null());
        assert!(!p.is_null());
        assert_eq!(p.add(3).offset(), 4096 + 12);
        let zero: PPtr<u64> = bytemuck::Zeroable::zeroed();
        assert!(zero.is_null());
    }
}
