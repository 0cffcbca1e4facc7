//! The persistent allocator. All of its state is in the heap (the meta page and free blocks
//! themselves), so it commits and rolls back with the turn like any other data.
//!
//! Small requests (up to 2048 bytes) come from single-page slabs of one size class, with a
//! free list per class threaded through freed blocks. Larger requests take whole pages from
//! free page runs kept in lists by size (exact for 1..=16 pages, by powers of two above; a
//! run is split on use), else fresh pages at the end of the heap. When a request fits in the
//! free pages but in no single run, adjacent free runs are merged first.
//! Memory comes back zeroed. `free` takes the size that was asked for, as `dealloc` does.

use crate::error::{Error, Result};
use crate::format::META_PAGE;
use crate::heap::Heap;
use crate::sys::PAGE;
use crate::PPtr;
use bytemuck::{Pod, Zeroable};

const ALLOC_MAGIC: u64 = u64::from_le_bytes(*b"KENALLOC");
/// Block sizes of the small classes; all multiples of 16, so blocks are 16-byte aligned.
pub const CLASSES: [u64; 22] =
    [16, 32, 48, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320, 384, 448, 512, 640, 768, 1024, 1360, 1632, 2048];
pub const MAX_SMALL: u64 = 2048;
const NCLASS: usize = CLASSES.len();
const RUN_BUCKETS: usize = 32;
pub const NAMED_ROOTS: usize = 32;
pub const ROOT_NAME_MAX: usize = 56;

#[repr(C)]
#[derive(Clone, Copy, Pod, Zeroable)]
struct NamedRoot {
    name: [u8; ROOT_NAME_MAX],
    off: u64,
}

#[repr(C)]
#[derive(Clone, Copy, Pod, Zeroable)]
struct AllocMeta {
    magic: u64,
    live_bytes: u64,
    root: u64,
    /// Pages in free runs, and runs freed since the last merge.
    free_pages: u64,
    unmerged_frees: u64,
    /// Free page runs by size bucket (each run's first page holds a `FreeRun`); 0: empty.
    runs: [u64; RUN_BUCKETS],
    free: [u64; NCLASS],
    /// Next unused block of the class's current slab page; 0 or page-aligned: none.
    bump: [u64; NCLASS],
    named: [NamedRoot; NAMED_ROOTS],
}

#[repr(C)]
#[derive(Clone, Copy, Pod, Zeroable)]
struct FreeRun {
    pages: u64,
    next: u64,
}

const META: PPtr<AllocMeta> = PPtr::from_offset(META_PAGE * PAGE as u64);

fn class_of(size: u64) -> usize {
    CLASSES.partition_point(|&c| c < size)
}

/// Runs of 1..=16 pages have a list each; longer ones share a list per power of two.
fn bucket_of(pages: u64) -> usize {
    if pages <= 16 {
        (pages - 1) as usize
    } else {
        (16 + (64 - (pages - 1).leading_zeros() as usize) - 5).min(RUN_BUCKETS - 1)
    }
}

fn run_at(off: u64) -> PPtr<FreeRun> {
    PPtr::from_offset(off)
}

impl Heap {
    /// Sets up the allocator of a new heap; true when it did (the caller commits).
    pub(crate) fn init_allocator_if_needed(&mut self) -> bool {
        if self.get(META).magic == ALLOC_MAGIC {
            return false;
        }
        let m = self.get_mut(META);
        *m = AllocMeta::zeroed();
        m.magic = ALLOC_MAGIC;
        true
    }

    /// Allocates `size` zeroed bytes and returns their offset (16-byte aligned; page aligned
    /// above 2048 bytes).
    pub fn alloc(&mut self, size: u64) -> Result<u64> {
        let size = size.max(1);
        if size > MAX_SMALL {
            let pages = size.div_ceil(PAGE as u64);
            let off = self.alloc_pages(pages)?;
            self.bytes_mut(off, (pages * PAGE as u64) as usize).fill(0);
            self.get_mut(META).live_bytes += pages * PAGE as u64;
            return Ok(off);
        }
        let c = class_of(size);
        let csize = CLASSES[c];
        let meta = *self.get(META);
        let off = if meta.free[c] != 0 {
            let off = meta.free[c];
            let next = self.read(PPtr::<u64>::from_offset(off));
            self.get_mut(META).free[c] = next;
            off
        } else if meta.bump[c] % PAGE as u64 != 0 && meta.bump[c] % PAGE as u64 + csize <= PAGE as u64 {
            self.get_mut(META).bump[c] = meta.bump[c] + csize;
            meta.bump[c]
        } else {
            let page = self.alloc_pages(1)?;
            self.get_mut(META).bump[c] = page + csize;
            page
        };
        self.bytes_mut(off, csize as usize).fill(0);
        self.get_mut(META).live_bytes += csize;
        Ok(off)
    }

    /// Returns a block from `alloc(size)` (the same `size`) for reuse.
    pub fn free(&mut self, off: u64, size: u64) {
        let size = size.max(1);
        if size > MAX_SMALL {
            assert!(off % PAGE as u64 == 0, "free of a large block at unaligned offset {off}");
            let pages = size.div_ceil(PAGE as u64);
            self.push_run(off, pages);
            let m = self.get_mut(META);
            m.unmerged_frees += 1;
            m.live_bytes -= pages * PAGE as u64;
            return;
        }
        assert!(off % 16 == 0, "free of a small block at unaligned offset {off}");
        let c = class_of(size);
        let head = self.get(META).free[c];
        self.write(PPtr::<u64>::from_offset(off), head);
        let m = self.get_mut(META);
        m.free[c] = off;
        m.live_bytes -= CLASSES[c];
    }

    fn push_run(&mut self, off: u64, pages: u64) {
        let b = bucket_of(pages);
        let head = self.get(META).runs[b];
        self.write(run_at(off), FreeRun { pages, next: head });
        let m = self.get_mut(META);
        m.runs[b] = off;
        m.free_pages += pages;
    }

    /// `pages` consecutive pages: a free run of that size, else the remainder of a larger
    /// one, else (after merging neighbours, if that can help) new pages at the end.
    fn alloc_pages(&mut self, pages: u64) -> Result<u64> {
        if let Some(off) = self.take_run(pages) {
            return Ok(off);
        }
        let m = self.get(META);
        if m.free_pages >= pages && m.unmerged_frees > 0 {
            self.merge_runs();
            if let Some(off) = self.take_run(pages) {
                return Ok(off);
            }
        }
        Ok(self.grow(pages)? * PAGE as u64)
    }

    fn take_run(&mut self, pages: u64) -> Option<u64> {
        let want = bucket_of(pages);
        for b in want..RUN_BUCKETS {
            // Every run in a list above the request's own holds more pages than asked for,
            // and so does every run of an exact list; only a shared list needs a search.
            let mut prev: Option<u64> = None;
            let mut cur = self.get(META).runs[b];
            while cur != 0 {
                let run = self.read(run_at(cur));
                if run.pages >= pages {
                    match prev {
                        None => self.get_mut(META).runs[b] = run.next,
                        Some(p) => self.get_mut(run_at(p)).next = run.next,
                    }
                    self.get_mut(META).free_pages -= run.pages;
                    if run.pages > pages {
                        self.push_run(cur + pages * PAGE as u64, run.pages - pages);
                    }
                    return Some(cur);
                }
                prev = Some(cur);
                cur = run.next;
            }
        }
        None
    }

    /// Joins free runs that touch. Costs the number of free runs; done only when a request
    /// could be met by the free pages but by no single run, and something was freed since.
    fn merge_runs(&mut self) {
        let mut runs = Vec::new();
        for b in 0..RUN_BUCKETS {
            let mut cur = self.get(META).runs[b];
            while cur != 0 {
                let run = self.read(run_at(cur));
                runs.push((cur, run.pages));
                cur = run.next;
            }
        }
        runs.sort_unstable();
        let m = self.get_mut(META);
        m.runs = [0; RUN_BUCKETS];
        m.free_pages = 0;
        m.unmerged_frees = 0;
        let mut merged: Vec<(u64, u64)> = Vec::with_capacity(runs.len());
        for (off, pages) in runs {
            match merged.last_mut() {
                Some((o, p)) if *o + *p * PAGE as u64 == off => *p += pages,
                _ => merged.push((off, pages)),
            }
        }
        for (off, pages) in merged.into_iter().rev() {
            self.push_run(off, pages);
        }
    }

    /// A `T` allocated in the heap and set to `value`.
    pub fn alloc_value<T: Pod>(&mut self, value: T) -> Result<PPtr<T>> {
        assert!(std::mem::align_of::<T>() <= 16, "heap blocks are 16-byte aligned");
        let p = PPtr::from_offset(self.alloc(std::mem::size_of::<T>() as u64)?);
        self.write(p, value);
        Ok(p)
    }

    pub fn free_value<T: Pod>(&mut self, p: PPtr<T>) {
        self.free(p.offset(), std::mem::size_of::<T>() as u64);
    }

    pub(crate) fn live_bytes(&self) -> u64 {
        self.get(META).live_bytes
    }

    /// The heap's main root (null in a new heap).
    pub fn root<T>(&self) -> PPtr<T> {
        PPtr::from_offset(self.get(META).root)
    }

    pub fn set_root<T>(&mut self, p: PPtr<T>) {
        self.get_mut(META).root = p.offset();
    }

    /// A root by name, if set.
    pub fn named_root<T>(&self, name: &str) -> Option<PPtr<T>> {
        let key = root_key(name).ok()?;
        self.get(META).named.iter().find(|r| r.off != 0 && r.name == key).map(|r| PPtr::from_offset(r.off))
    }

    /// Sets (or, with a null `p`, removes) a named root. Names are at most 56 bytes; a heap
    /// holds 32 of them (keep a persistent map under one of them for more).
    pub fn set_named_root<T>(&mut self, name: &str, p: PPtr<T>) -> Result<()> {
        let key = root_key(name)?;
        let named = &self.get(META).named;
        let slot = named
            .iter()
            .position(|r| r.off != 0 && r.name == key)
            .or_else(|| if p.is_null() { None } else { named.iter().position(|r| r.off == 0) });
        match slot {
            Some(i) => {
                self.get_mut(META).named[i] = NamedRoot { name: key, off: p.offset() };
                Ok(())
            }
            None if p.is_null() => Ok(()),
            None => Err(Error::Invalid(format!("all {NAMED_ROOTS} named roots are in use"))),
        }
    }
}

fn root_key(name: &str) -> Result<[u8; ROOT_NAME_MAX]> {
    if name.is_empty() || name.len() > ROOT_NAME_MAX {
        return Err(Error::Invalid(format!("a root name must be 1 to {ROOT_NAME_MAX} bytes, not {:?}", name)));
    }
    let mut key = [0u8; ROOT_NAME_MAX];
    key[..name.len()].copy_from_slice(name.as_bytes());
    Ok(key)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classes_cover_every_small_size() {
        for size in 1..=MAX_SMALL {
            let c = class_of(size);
            assert!(CLASSES[c] >= size);
            assert!(c == 0 || CLASSES[c - 1] < size);
        }
        assert!(std::mem::size_of::<AllocMeta>() <= PAGE);
    }

    #[test]
    fn run_buckets_are_monotonic() {
        let mut last = 0;
        for pages in 1..100_000u64 {
            let b = bucket_of(pages);
            assert!(b >= last && b < RUN_BUCKETS);
            if pages <= 16 {
                assert_eq!(b, pages as usize - 1);
            }
            last = b;
        }
    }
}
