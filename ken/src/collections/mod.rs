//! Persistent collections: boxes, vectors, strings and hash maps that live in the heap.
//!
//! `std` and `hashbrown` collections hold raw pointers, so they cannot be stored in a heap
//! that is mapped at a different address in every process. The types here are small `Pod`
//! *handles* — each one the 8-byte offset of a block in the heap — so they can be kept in
//! roots and inside other heap objects (including other collections) and work wherever the
//! heap is mapped. Their contents live in the heap and commit or roll back with the turn.
//!
//! Every operation takes the heap explicitly: `&Heap` to read, `&mut Heap` to change, and
//! returns [`crate::Result`] when it may allocate. All writes go through the heap's marking
//! accessors, so they are tracked for the commit (and checked in `Options::verify` mode).
//!
//! | type | what it is |
//! |------|------------|
//! | [`PBox<T>`] | one `T` in its own block |
//! | [`PVec<T>`] | a growable array (header `{ptr, len, cap}` in the heap) |
//! | [`PString`] | UTF-8 text on a `PVec<u8>` |
//! | [`PHashMap<K, V>`] | open addressing with linear probing and backward-shift deletion |
//! | [`PStrMap<V>`] | a hash map from strings (owned `PString` keys) to `V` |
//!
//! Handles are `Copy`: copying one does not copy the collection, it names the same one (like
//! a pointer). `free` returns a collection's storage; using any copy of the handle after that
//! is a logic error (it reads reused memory or panics on a bounds check, it is never UB).
//! Hashing is deterministic ([`PHash`], no per-process random keys), so a map written by one
//! process is read by another.
//!
//! ```
//! use ken::{Heap, Options, PPtr};
//! use ken::collections::{PHashMap, PString, PStrMap, PVec};
//!
//! #[derive(Clone, Copy, bytemuck::Pod, bytemuck::Zeroable)]
//! #[repr(C)]
//! struct App {
//!     log: PVec<u64>,
//!     title: PString,
//!     scores: PHashMap<u32, u64>,
//!     users: PStrMap<u32>,
//! }
//!
//! let dir = std::env::temp_dir().join(format!("ken-coll-doc-{}", std::process::id()));
//! # let _ = std::fs::remove_dir_all(&dir);
//! let (mut heap, _) = Heap::open(&dir, Options::default())?;
//! heap.turn(|h| -> ken::Result<()> {
//!     let app = App {
//!         log: PVec::new(h)?,
//!         title: PString::from_str(h, "grüße")?,
//!         scores: PHashMap::new(h)?,
//!         users: PStrMap::new(h)?,
//!     };
//!     app.log.extend_from_slice(h, &[1, 2, 3])?;
//!     app.scores.insert(h, 7, 700)?;
//!     app.users.insert(h, "ada", 1)?;
//!     let root = h.alloc_value(app)?;
//!     h.set_root(root);
//!     Ok(())
//! })?;
//! drop(heap);
//!
//! let (mut heap, _) = Heap::open(&dir, Options::default())?;
//! let app: App = heap.read(heap.root::<App>());
//! assert_eq!(app.log.as_slice(&heap), &[1, 2, 3]);
//! assert_eq!(app.title.as_str(&heap), "grüße");
//! assert_eq!(app.scores.get(&heap, &7), Some(&700));
//! assert_eq!(app.users.get(&heap, "ada"), Some(&1));
//! heap.turn(|h| -> ken::Result<()> {
//!     app.log.push(h, 4)?;
//!     app.title.push_str(h, "!")?;
//!     Ok(())
//! })?;
//! assert_eq!(app.log.len(&heap), 4);
//! assert_eq!(app.title.as_str(&heap), "grüße!");
//! # drop(heap);
//! # std::fs::remove_dir_all(&dir).unwrap();
//! # Ok::<(), ken::Error>(())
//! ```

mod pbox;
mod pmap;
mod pstring;
mod pvec;

pub use pbox::PBox;
pub use pmap::{PHash, PHashMap, PStrMap};
pub use pstring::PString;
pub use pvec::PVec;

use crate::{CLASSES, MAX_SMALL, PAGE};

/// The deterministic hash of a byte string used by the persistent maps: an FxHash-style
/// word-at-a-time mix over the little-endian 8-byte words, seeded with the length, and a
/// 64-bit avalanche finish (MurmurHash3's `fmix64`). The same in every process and build.
pub fn hash_bytes(bytes: &[u8]) -> u64 {
    const K: u64 = 0x517c_c1b7_2722_0a95;
    let mut h = (bytes.len() as u64 ^ 0x243f_6a88_85a3_08d3).wrapping_mul(K);
    let mut chunks = bytes.chunks_exact(8);
    for c in &mut chunks {
        let w = u64::from_le_bytes(c.try_into().unwrap());
        h = (h.rotate_left(5) ^ w).wrapping_mul(K);
    }
    let rest = chunks.remainder();
    if !rest.is_empty() {
        let mut last = [0u8; 8];
        last[..rest.len()].copy_from_slice(rest);
        h = (h.rotate_left(5) ^ u64::from_le_bytes(last)).wrapping_mul(K);
    }
    fmix64(h)
}

#[inline]
fn fmix64(mut h: u64) -> u64 {
    h ^= h >> 33;
    h = h.wrapping_mul(0xff51_afd7_ed55_8ccd);
    h ^= h >> 33;
    h = h.wrapping_mul(0xc4ce_b9fe_1a85_ec53);
    h ^ (h >> 33)
}

/// The number of bytes the allocator really hands out for a request of `bytes` (its size
/// class, or whole pages), so collections can use all of a block. Freeing with any size in
/// `(previous class, this]` frees the same block.
pub(crate) fn usable_size(bytes: u64) -> u64 {
    let bytes = bytes.max(1);
    if bytes > MAX_SMALL {
        bytes.div_ceil(PAGE as u64) * PAGE as u64
    } else {
        CLASSES[CLASSES.partition_point(|&c| c < bytes)]
    }
}

/// Rounds up to a multiple of 16 (the heap's block alignment).
pub(crate) const fn round16(n: u64) -> u64 {
    (n + 15) & !15
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::collections::PHash;

    #[test]
    fn hash_is_fixed() {
        // Pinned values: a change here breaks every persistent map on disk.
        assert_eq!(hash_bytes(b""), 0xf529_2e8e_2efa_dafe);
        assert_eq!(hash_bytes(b"abc"), 0xdf86_5d0d_78ca_c576);
        assert_eq!(hash_bytes(b"0123456789abcdef!"), 0xae88_9135_c8ef_9613);
        assert_eq!(42u64.phash(), 0x0c1b_614b_52ec_b9a9);
        assert_eq!([1u32, 2].phash(), 0xd484_171f_c0c3_2e2c);
        assert_eq!(hash_bytes(b"abc"), hash_bytes(b"abc"));
        assert_ne!(hash_bytes(b"abc"), hash_bytes(b"abc\0"));
        assert_ne!(hash_bytes(&1u64.to_le_bytes()), hash_bytes(&2u64.to_le_bytes()));
        for n in [1u64, 15, 16, 17, 2048, 2049, 5000] {
            let u = usable_size(n);
            assert!(u >= n && u & 15 == 0);
        }
    }
}
