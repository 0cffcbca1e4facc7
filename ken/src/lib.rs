//! # ken — a persistent heap for Rust
//!
//! A heap in a file, mapped into the process, whose every change is made in a *turn*: when the
//! turn commits, all it changed is durable at once; if it fails, panics or the process dies,
//! none of it happened. Objects refer to each other through [`PPtr`], an 8-byte typed offset,
//! so a heap works wherever it is mapped.
//!
//! ```
//! use ken::{Heap, Options, PPtr};
//! let dir = std::env::temp_dir().join(format!("ken-doc-{}", std::process::id()));
//! # let _ = std::fs::remove_dir_all(&dir);
//! let (mut heap, _opened) = Heap::open(&dir, Options::default())?;
//! heap.turn(|h| -> ken::Result<()> {
//!     let counter: PPtr<u64> = if h.root::<u64>().is_null() {
//!         let p = h.alloc_value(0u64)?;
//!         h.set_root(p);
//!         p
//!     } else {
//!         h.root()
//!     };
//!     *h.get_mut(counter) += 1;
//!     Ok(())
//! })?;
//! drop(heap);
//! let (heap, _) = Heap::open(&dir, Options::default())?;
//! assert_eq!(*heap.get(heap.root::<u64>()), 1);
//! # std::fs::remove_dir_all(&dir).unwrap();
//! # Ok::<(), ken::Error>(())
//! ```

mod alloc;
pub mod collections;
mod error;
pub mod fault;
pub mod format;
mod heap;
mod pptr;
pub mod storage;
mod sys;

pub use collections::{PBox, PHash, PHashMap, PStrMap, PString, PVec};
pub use alloc::{CLASSES, MAX_SMALL, NAMED_ROOTS, ROOT_NAME_MAX};
pub use error::{Error, Result};
pub use heap::{Broken, Heap, Opened, Options, Stats, StorageWrapper, SyncMode, HEAP_FILE, LOCK_FILE};
pub use pptr::PPtr;
pub use sys::PAGE;
