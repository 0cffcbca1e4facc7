//! The persistent heap: opening and recovery, the private mapping, dirty tracking, and the
//! shadow-paged commit. `docs/commit-protocol.md` explains the protocol this code follows.
//!
//! Pages live at their *home* location (file offset == heap offset, so a `PPtr` is a file
//! offset) or, right after a turn that changed them, in an *overflow* slot. A commit never
//! writes a location the last committed state uses: a dirty page whose committed copy is at
//! home goes to a free overflow slot; a page whose committed copy is in overflow goes home.
//! Pages left in overflow by the previous commit go home in this one, so the overflow set is
//! always just the last commit's pages and opening reads only those.

use crate::error::{Error, Result};
use crate::format::{self, Entry, Extent, Header, HeaderError, Root, SlotError};
use crate::storage::{FileStorage, Storage};
use crate::sys::{self, Mapping, PAGE};
use bytemuck::Pod;
use hashbrown::{HashMap, HashSet};
use std::fs::{self, File};
use std::io::{Read, Write};
use std::os::unix::fs::{DirBuilderExt, FileExt, OpenOptionsExt};
use std::panic::{self, AssertUnwindSafe};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

pub const HEAP_FILE: &str = "heap.ken";
pub const LOCK_FILE: &str = "lock";

/// How many `fdatasync` calls a commit makes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum SyncMode {
    /// One sync: pages, commit record and root slot are written, then synced together. Recovery
    /// checks the checksums of every page the newest root names and falls back to the older
    /// root if any is torn ("1PC+C").
    #[default]
    OnePhase,
    /// Two syncs: pages and record first, then the root slot.
    TwoPhase,
}

/// Deliberately wrong commit behaviours, for proving that the crash tests can fail.
/// Never set outside tests.
#[doc(hidden)]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Broken {
    #[default]
    No,
    /// Write every dirty page over its committed home copy (no shadowing).
    OverwriteInPlace,
    /// Trust the newest root at recovery without checking its pages.
    NoRecoveryCheck,
}

pub type StorageWrapper = Box<dyn FnOnce(FileStorage) -> Box<dyn Storage>>;

pub struct Options {
    /// Write-protect committed pages, so a write without `mark_dirty` faults at once
    /// (SIGSEGV) instead of being silently lost. For tests; it costs a `mprotect` per page.
    pub verify: bool,
    pub sync: SyncMode,
    /// Address space reserved for the heap's mapping: the heap's maximum size.
    pub reserve: usize,
    /// Puts a layer (for example fault injection) between the heap and its file.
    pub wrap_storage: Option<StorageWrapper>,
    #[doc(hidden)]
    pub broken: Broken,
}

impl Default for Options {
    fn default() -> Self {
        Options { verify: false, sync: SyncMode::OnePhase, reserve: 1 << 40, wrap_storage: None, broken: Broken::No }
    }
}

/// What `Heap::open` found.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Opened {
    /// There was no heap: a new, empty one was created.
    Created,
    /// An existing heap was opened at its last committed turn. `fell_back` is true when the
    /// newest root belonged to a commit that did not complete (a crash mid-commit), so the
    /// state before it was restored.
    Recovered { fell_back: bool },
}

#[derive(Clone, Debug, Default)]
pub struct Stats {
    /// Bytes of heap address space in use (the file's logical size).
    pub heap_bytes: u64,
    /// Bytes handed out by the allocator and not freed.
    pub live_bytes: u64,
    /// Turns committed over the heap's whole life.
    pub turns_committed: u64,
    pub last_commit_latency: Duration,
    pub last_commit_pages: usize,
}

struct Committed {
    seq: u64,
    top: u64,
    extents: Vec<Extent>,
    /// Pages whose committed copy is in an overflow slot: page -> slot.
    overflow: HashMap<u64, u64>,
    /// Overflow slots holding the committed commit record.
    record_locs: Vec<u64>,
}

pub struct Heap {
    path: PathBuf,
    storage: Box<dyn Storage>,
    _lock: File,
    map: Mapping,
    verify: bool,
    sync: SyncMode,
    broken: Broken,
    heap_id: u64,
    committed: Committed,
    /// Working (uncommitted) end of the heap, in pages.
    top: u64,
    extents: Vec<Extent>,
    file_len: u64,
    dirty: Vec<u64>,
    dirty_bits: Vec<u64>,
    /// Pages written since the last `take_written_pages` (volatile), whatever the turns
    /// did: the JavaScript collector's remembered set.
    written: Vec<u64>,
    written_bits: Vec<u64>,
    /// The write fast path's bit: the page is in both `dirty` and `written`. Cleared for the
    /// `dirty` pages at a commit or rollback, and for the `written` ones when they are taken.
    armed_bits: Vec<u64>,
    poisoned: Option<String>,
    /// A root slot holding an incomplete (rejected) commit, cleared by the next commit.
    stale_slot: Option<u64>,
    stats: Stats,
}

impl Heap {
    /// Opens the heap in `dir`, creating the directory and a new heap if there is none.
    pub fn open(dir: impl AsRef<Path>, mut opts: Options) -> Result<(Heap, Opened)> {
        let dir = dir.as_ref();
        let path = dir.join(HEAP_FILE);
        // private to its owner: the heap holds everything the program ever stored
        fs::DirBuilder::new()
            .recursive(true)
            .mode(0o700)
            .create(dir)
            .map_err(|e| Error::io(dir, "creating the state directory", e))?;
        let lock = take_lock(dir)?;
        let created = !path.exists();
        if created {
            create_heap_file(dir, &path)?;
        }
        let file = File::options()
            .read(true)
            .write(true)
            .open(&path)
            .map_err(|e| Error::io(&path, "opening the heap file", e))?;
        let plain = FileStorage::new(file);
        let storage: Box<dyn Storage> = match opts.wrap_storage.take() {
            Some(wrap) => wrap(plain),
            None => Box::new(plain),
        };
        let (mut heap, fell_back) = Heap::recover(path, storage, lock, &opts)?;
        if heap.init_allocator_if_needed() {
            heap.commit()?;
        }
        let opened = if created { Opened::Created } else { Opened::Recovered { fell_back } };
        Ok((heap, opened))
    }

    fn recover(path: PathBuf, storage: Box<dyn Storage>, lock: File, opts: &Options) -> Result<(Heap, bool)> {
        let io = |during, e| Error::io(&path, during, e);
        let file_len = storage.len().map_err(|e| io("reading the heap file's size", e))?;
        let min = 4 * PAGE as u64;
        if file_len < min {
            return Err(Error::Truncated { path, needed: min, actual: file_len });
        }
        let mut page = vec![0u8; PAGE];
        storage.read_at(&mut page, 0).map_err(|e| io("reading the header", e))?;
        let header = match Header::decode(&page) {
            Ok(h) => h,
            Err(HeaderError::Foreign) => return Err(Error::Foreign { path }),
            Err(HeaderError::Checksum) => {
                return Err(Error::Corrupt { path, what: "header checksum mismatch".into(), offset: 0 })
            }
            Err(HeaderError::Version(v)) => {
                return Err(Error::Version { path, found: v, expected: format::FORMAT_VERSION })
            }
            Err(HeaderError::PageSize(p)) => {
                return Err(Error::Corrupt { path, what: format!("unsupported page size {p}"), offset: 0 })
            }
        };

        let mut roots = Vec::new();
        let mut problems = Vec::new();
        let mut damaged_slot = false;
        let mut blank = [false; 2];
        for (i, slot) in format::SLOT_PAGES.into_iter().enumerate() {
            storage.read_at(&mut page, slot * PAGE as u64).map_err(|e| io("reading a root slot", e))?;
            blank[i] = page.iter().all(|&b| b == 0);
            match Root::decode(&page) {
                Ok(r) if r.heap_id != header.heap_id => {
                    problems.push(format!("root slot {slot} belongs to another heap"))
                }
                Ok(r) => roots.push((slot, r)),
                Err(SlotError::Magic) => problems.push(format!("root slot {slot} is empty or has a bad magic number")),
                Err(SlotError::Checksum) => {
                    damaged_slot = true;
                    problems.push(format!("root slot {slot} checksum mismatch"))
                }
                Err(SlotError::Structure(s)) => {
                    damaged_slot = true;
                    problems.push(format!("root slot {slot}: {s}"))
                }
            }
        }
        roots.sort_by(|a, b| b.1.seq.cmp(&a.1.seq));
        let older: Vec<(u64, u64)> = roots.iter().map(|(s, r)| (*s, r.seq)).collect();
        let newest_seq = roots.first().map(|r| r.1.seq);
        let mut truncated_need = None;
        for (slot, root) in roots {
            let need = root.top * PAGE as u64;
            if need > file_len {
                truncated_need = Some(need);
                problems.push(format!("root slot {slot} needs {need} bytes, the file has {file_len}"));
                continue;
            }
            match load_state(&*storage, &root, opts.broken == Broken::NoRecoveryCheck) {
                Ok((entries, record_locs, preload)) => {
                    let mut map = Mapping::reserve(opts.reserve).map_err(|e| io("reserving address space", e))?;
                    map.extend(storage.file(), need as usize).map_err(|e| io("mapping the heap", e))?;
                    let mut overflow = HashMap::new();
                    for (e, data) in entries.iter().filter(|e| e.loc != e.page).zip(preload) {
                        map.bytes_mut(e.page as usize * PAGE, PAGE).copy_from_slice(&data);
                        overflow.insert(e.page, e.loc);
                    }
                    let fell_back = Some(root.seq) != newest_seq || damaged_slot;
                    let mut heap = Heap {
                        path,
                        storage,
                        _lock: lock,
                        map,
                        verify: opts.verify,
                        sync: opts.sync,
                        broken: opts.broken,
                        heap_id: header.heap_id,
                        top: root.top,
                        extents: root.extents.clone(),
                        committed: Committed {
                            seq: root.seq,
                            top: root.top,
                            extents: root.extents,
                            overflow,
                            record_locs,
                        },
                        file_len,
                        dirty: Vec::new(),
                        dirty_bits: Vec::new(),
                        written: Vec::new(),
                        written_bits: Vec::new(),
                        armed_bits: Vec::new(),
                        poisoned: None,
                        stale_slot: None,
                        stats: Stats { turns_committed: root.seq, ..Stats::default() },
                    };
                    // A slot other than an older, valid root holds a commit that did not
                    // complete (or damage). The next commit clears it before writing anything:
                    // it may rewrite the very locations that root names, and a crash then
                    // could make the stale root verify again and resurrect a rolled-back turn.
                    let other = format::SLOT_PAGES.iter().position(|&s| s != slot).unwrap();
                    let older_valid = older.iter().any(|&(s, q)| s == format::SLOT_PAGES[other] && q < root.seq);
                    if !older_valid && !blank[other] {
                        heap.stale_slot = Some(format::SLOT_PAGES[other]);
                    }
                    if heap.verify {
                        heap.map.set_read_only_new(true);
                        let len = heap.map.mapped();
                        heap.map.protect(0, len, false).map_err(|e| Error::io(&heap.path, "protecting pages", e))?;
                    }
                    return Ok((heap, fell_back));
                }
                Err(why) => problems.push(format!("root slot {slot} (sequence {}): {why}", root.seq)),
            }
        }
        if let (Some(needed), true) = (truncated_need, problems.iter().all(|p| !p.contains("checksum"))) {
            return Err(Error::Truncated { path, needed, actual: file_len });
        }
        Err(Error::Corrupt {
            path,
            what: format!("no valid root: {}", problems.join("; ")),
            offset: format::SLOT_PAGES[0] * PAGE as u64,
        })
    }

    // ----- access -----------------------------------------------------------------------

    /// Bytes `[off, off+len)` of the heap.
    #[inline]
    pub fn bytes(&self, off: u64, len: usize) -> &[u8] {
        self.check(off, len);
        self.map.bytes(off as usize, len)
    }

    /// Bytes `[off, off+len)` for writing; their pages are marked dirty.
    #[inline]
    pub fn bytes_mut(&mut self, off: u64, len: usize) -> &mut [u8] {
        self.check(off, len);
        self.mark_dirty(off, len);
        self.map.bytes_mut(off as usize, len)
    }

    /// The word at `off`: `read::<u64>` with one bounds test of the heap and one of the
    /// mapping (the read of every cell word goes through here).
    #[inline(always)]
    pub fn read_u64(&self, off: u64) -> u64 {
        const LO: u64 = format::META_PAGE * PAGE as u64;
        if off.wrapping_sub(LO) > (self.top * PAGE as u64).wrapping_sub(LO + 8) {
            self.check(off, 8);
        }
        self.map.read_u64(off as usize)
    }

    #[inline]
    fn check(&self, off: u64, len: usize) {
        let end = off.checked_add(len as u64);
        assert!(
            off >= format::META_PAGE * PAGE as u64 && end.is_some_and(|e| e <= self.top * PAGE as u64),
            "heap access [{off}, +{len}) outside the heap (null or dangling PPtr?)"
        );
    }

    #[inline]
    pub fn get<T: Pod>(&self, p: crate::PPtr<T>) -> &T {
        bytemuck::from_bytes(self.bytes(p.offset(), std::mem::size_of::<T>()))
    }
    #[inline]
    pub fn get_mut<T: Pod>(&mut self, p: crate::PPtr<T>) -> &mut T {
        bytemuck::from_bytes_mut(self.bytes_mut(p.offset(), std::mem::size_of::<T>()))
    }
    #[inline]
    pub fn read<T: Pod>(&self, p: crate::PPtr<T>) -> T {
        bytemuck::pod_read_unaligned(self.bytes(p.offset(), std::mem::size_of::<T>()))
    }
    #[inline]
    pub fn write<T: Pod>(&mut self, p: crate::PPtr<T>, v: T) {
        self.bytes_mut(p.offset(), std::mem::size_of::<T>()).copy_from_slice(bytemuck::bytes_of(&v));
    }
    #[inline]
    pub fn slice<T: Pod>(&self, p: crate::PPtr<T>, n: usize) -> &[T] {
        bytemuck::cast_slice(self.bytes(p.offset(), n * std::mem::size_of::<T>()))
    }
    #[inline]
    pub fn slice_mut<T: Pod>(&mut self, p: crate::PPtr<T>, n: usize) -> &mut [T] {
        bytemuck::cast_slice_mut(self.bytes_mut(p.offset(), n * std::mem::size_of::<T>()))
    }

    /// Records that `[off, off+len)` is about to change in this turn. Every write to the heap
    /// must be preceded by this (the safe accessors do it); in verification mode a write to an
    /// unmarked page faults.
    #[inline]
    pub fn mark_dirty(&mut self, off: u64, len: usize) {
        // fast path: a write inside one page that is already dirty in this turn (and written
        // since the last `take_written_pages`)
        let p = off / PAGE as u64;
        if len != 0 && (off + len as u64 - 1) / PAGE as u64 == p {
            if let Some(w) = self.armed_bits.get((p / 64) as usize) {
                if w & (1u64 << (p % 64)) != 0 {
                    return;
                }
            }
        }
        self.mark_dirty_slow(off, len)
    }

    #[cold]
    fn mark_dirty_slow(&mut self, off: u64, len: usize) {
        if len == 0 {
            return;
        }
        let first = off / PAGE as u64;
        let last = (off + len as u64 - 1) / PAGE as u64;
        for p in first..=last {
            let (w, b) = ((p / 64) as usize, 1u64 << (p % 64));
            if w >= self.dirty_bits.len() {
                let n = w + 1 + w / 2;
                self.dirty_bits.resize(n, 0);
                self.written_bits.resize(n, 0);
                self.armed_bits.resize(n, 0);
            }
            self.armed_bits[w] |= b;
            if self.written_bits[w] & b == 0 {
                self.written_bits[w] |= b;
                self.written.push(p);
            }
            if self.dirty_bits[w] & b == 0 {
                self.dirty_bits[w] |= b;
                self.dirty.push(p);
                if self.verify {
                    self.map
                        .protect(p as usize * PAGE, PAGE, true)
                        .expect("mprotect failed in verification mode");
                }
            }
        }
    }

    /// Every page written since the previous call (or since open), as page numbers (byte
    /// offset / `PAGE`), and starts a new period. Pages of rolled-back turns are included (a
    /// superset is harmless to the caller, a collector's remembered set). Costs what was
    /// written, not the heap's size.
    pub fn take_written_pages(&mut self) -> Vec<u64> {
        let out = std::mem::take(&mut self.written);
        for &p in &out {
            let (w, b) = ((p / 64) as usize, !(1u64 << (p % 64)));
            self.written_bits[w] &= b;
            // the next write to the page takes the slow path again, which records it
            self.armed_bits[w] &= b;
        }
        out
    }

    /// Pages changed in the current turn so far.
    pub fn dirty_pages(&self) -> usize {
        self.dirty.len()
    }

    /// Appends `pages` fresh pages to the heap (for the allocator) and returns the first.
    pub(crate) fn grow(&mut self, pages: u64) -> Result<u64> {
        let start = self.top;
        let new_top = start + pages;
        let bytes = new_top * PAGE as u64;
        if bytes > self.map.reserved() as u64 {
            return Err(Error::HeapFull { requested: bytes, limit: self.map.reserved() as u64 });
        }
        if bytes > self.file_len {
            // Grow the (sparse) file in steps of an eighth, so growth is not a syscall per page.
            let target = bytes.max(self.file_len + self.file_len / 8).min(self.map.reserved() as u64);
            self.storage.set_len(target).map_err(|e| Error::io(&self.path, "growing the heap file", e))?;
            self.file_len = target;
        }
        self.map.extend(self.storage.file(), bytes as usize).map_err(|e| Error::io(&self.path, "mapping new pages", e))?;
        self.top = new_top;
        Ok(start)
    }

    // ----- turns ------------------------------------------------------------------------

    /// Runs `f` as one turn: commits if it returns `Ok`, rolls back if it returns `Err` or
    /// panics (the panic then continues). A failed commit rolls back and returns its error.
    pub fn turn<R, E: From<Error>>(&mut self, f: impl FnOnce(&mut Heap) -> std::result::Result<R, E>) -> std::result::Result<R, E> {
        match panic::catch_unwind(AssertUnwindSafe(|| f(self))) {
            Ok(Ok(r)) => {
                self.commit()?;
                Ok(r)
            }
            Ok(Err(e)) => {
                self.rollback()?;
                Err(e)
            }
            Err(p) => {
                let _ = self.rollback();
                panic::resume_unwind(p)
            }
        }
    }

    /// Makes every change since the last commit durable, atomically. When this returns `Ok`
    /// the turn survives any crash; when it returns `Err` the turn has been rolled back.
    pub fn commit(&mut self) -> Result<()> {
        if let Some(r) = &self.poisoned {
            return Err(Error::Poisoned { reason: r.clone() });
        }
        if self.dirty.is_empty() && self.top == self.committed.top {
            return Ok(());
        }
        let started = Instant::now();
        match self.write_commit() {
            Ok(()) => {
                self.stats.last_commit_latency = started.elapsed();
                self.stats.turns_committed = self.committed.seq;
                Ok(())
            }
            Err(e) => {
                let _ = self.rollback();
                Err(e)
            }
        }
    }

    fn write_commit(&mut self) -> Result<()> {
        if let Some(slot) = self.stale_slot {
            self.storage
                .write_at(&[0u8; PAGE], slot * PAGE as u64)
                .and_then(|_| self.storage.sync())
                .map_err(|e| Error::io(&self.path, "clearing the root of an incomplete commit", e))?;
            self.stale_slot = None;
        }
        self.dirty.sort_unstable();
        let is_dirty = |bits: &[u64], p: u64| bits.get((p / 64) as usize).is_some_and(|w| w & (1 << (p % 64)) != 0);
        let in_place = self.broken == Broken::OverwriteInPlace;

        // Plan where every page goes. Committed overflow pages that stayed clean go home too.
        let mut plan: Vec<(u64, u64)> = Vec::with_capacity(self.dirty.len() + self.committed.overflow.len());
        let mut fresh = 0;
        for &p in &self.dirty {
            match self.committed.overflow.get(&p) {
                Some(_) => plan.push((p, p)),
                None if in_place => plan.push((p, p)),
                None => {
                    plan.push((p, u64::MAX));
                    fresh += 1;
                }
            }
        }
        for &p in self.committed.overflow.keys() {
            if !is_dirty(&self.dirty_bits, p) {
                plan.push((p, p));
            }
        }
        let record_pages = format::record_pages(plan.len() * format::ENTRY_BYTES);
        let mut slots = self.free_slots(fresh + record_pages)?.into_iter();
        for t in plan.iter_mut().filter(|t| t.1 == u64::MAX) {
            t.1 = slots.next().unwrap();
        }
        let record_locs: Vec<u64> = slots.collect();

        // Write the pages, coalescing runs that are contiguous both in memory and in the file.
        plan.sort_unstable_by_key(|t| t.1);
        let mut entries = Vec::with_capacity(plan.len());
        let mut i = 0;
        while i < plan.len() {
            let mut j = i + 1;
            while j < plan.len() && plan[j].0 == plan[j - 1].0 + 1 && plan[j].1 == plan[j - 1].1 + 1 {
                j += 1;
            }
            let (page, loc) = plan[i];
            let data = self.map.bytes(page as usize * PAGE, (j - i) * PAGE);
            self.storage.write_at(data, loc * PAGE as u64).map_err(|e| Error::io(&self.path, "writing pages", e))?;
            for (k, chunk) in data.chunks_exact(PAGE).enumerate() {
                entries.push(Entry { page: page + k as u64, loc: loc + k as u64, sum: format::checksum(chunk) });
            }
            i = j;
        }
        entries.sort_unstable_by_key(|e| e.page);

        // The commit record: inline in the root slot when small, else chained overflow pages.
        let record = format::encode_entries(&entries);
        let mut root = Root {
            seq: self.committed.seq + 1,
            heap_id: self.heap_id,
            top: self.top,
            extents: self.extents.clone(),
            record_len: record.len() as u64,
            record_checksum: format::checksum(&record),
            record_first: record_locs.first().copied().unwrap_or(0),
            inline_record: Vec::new(),
        };
        if record_locs.is_empty() {
            root.inline_record = record;
        } else {
            for (page, loc) in format::encode_record_pages(&record, &record_locs).iter().zip(&record_locs) {
                self.storage.write_at(page, loc * PAGE as u64).map_err(|e| Error::io(&self.path, "writing the commit record", e))?;
            }
        }
        if self.sync == SyncMode::TwoPhase {
            self.storage.sync().map_err(|e| Error::io(&self.path, "syncing pages", e))?;
        }
        let slot = format::SLOT_PAGES[(root.seq % 2) as usize] * PAGE as u64;
        if let Err(e) = self.storage.write_at(&root.encode(), slot) {
            self.unwrite_root(slot);
            return Err(Error::io(&self.path, "writing the root slot", e));
        }
        if let Err(e) = self.storage.sync() {
            self.unwrite_root(slot);
            return Err(Error::io(&self.path, "syncing the commit", e));
        }

        // Durable. The new state becomes the committed one.
        let dirty = std::mem::take(&mut self.dirty);
        for &p in &dirty {
            self.dirty_bits[(p / 64) as usize] &= !(1 << (p % 64));
            self.armed_bits[(p / 64) as usize] &= !(1 << (p % 64));
        }
        if self.verify {
            for &p in &dirty {
                self.map.protect(p as usize * PAGE, PAGE, false).expect("mprotect failed in verification mode");
            }
        }
        self.stats.last_commit_pages = entries.len();
        self.committed = Committed {
            seq: root.seq,
            top: self.top,
            extents: self.extents.clone(),
            overflow: entries.iter().filter(|e| e.loc != e.page).map(|e| (e.page, e.loc)).collect(),
            record_locs,
        };
        self.dirty = dirty;
        self.dirty.clear();
        Ok(())
    }

    /// After a failed root write or sync the slot may hold a valid-looking new root that was
    /// never acknowledged; overwrite it so the kernel cannot make it durable later.
    fn unwrite_root(&mut self, slot: u64) {
        let zero = vec![0u8; PAGE];
        let ok = self.storage.write_at(&zero, slot).is_ok() && self.storage.sync().is_ok();
        if !ok {
            self.poisoned = Some("a failed commit could not be cleaned up".into());
        }
    }

    /// `n` overflow slots that the committed state does not use, adding an extent if needed.
    fn free_slots(&mut self, n: usize) -> Result<Vec<u64>> {
        let mut used: HashSet<u64> = self.committed.overflow.values().copied().collect();
        used.extend(self.committed.record_locs.iter().copied());
        let mut out = Vec::with_capacity(n);
        'scan: for e in &self.extents {
            for s in e.start..e.start + e.pages {
                if out.len() == n {
                    break 'scan;
                }
                if !used.contains(&s) {
                    out.push(s);
                }
            }
        }
        if out.len() < n {
            if self.extents.len() >= format::MAX_EXTENTS {
                return Err(Error::HeapFull { requested: n as u64 * PAGE as u64, limit: 0 });
            }
            let capacity: u64 = self.extents.iter().map(|e| e.pages).sum();
            let pages = ((n - out.len()) as u64).max(capacity);
            let start = self.grow(pages)?;
            self.extents.push(Extent { start, pages });
            out.extend(start..start + (n - out.len()) as u64);
        }
        Ok(out)
    }

    /// Discards every change since the last commit, at a cost proportional to the pages the
    /// turn touched.
    pub fn rollback(&mut self) -> Result<()> {
        let dirty = std::mem::take(&mut self.dirty);
        let mut failed = None;
        for &p in &dirty {
            self.dirty_bits[(p / 64) as usize] &= !(1 << (p % 64));
            self.armed_bits[(p / 64) as usize] &= !(1 << (p % 64));
            let r = match self.committed.overflow.get(&p) {
                Some(&loc) => {
                    let page = self.map.bytes_mut(p as usize * PAGE, PAGE);
                    self.storage.read_at(page, loc * PAGE as u64)
                }
                None => self.map.discard_page(p),
            };
            if let Err(e) = r {
                failed = Some(e);
            }
            if self.verify {
                self.map.protect(p as usize * PAGE, PAGE, false).expect("mprotect failed in verification mode");
            }
        }
        self.dirty = dirty;
        self.dirty.clear();
        self.top = self.committed.top;
        self.extents = self.committed.extents.clone();
        if let Some(e) = failed {
            self.poisoned = Some(format!("rollback could not restore a page: {e}"));
            return Err(Error::io(&self.path, "rolling back", e));
        }
        Ok(())
    }

    pub fn stats(&self) -> Stats {
        let mut s = self.stats.clone();
        s.heap_bytes = self.top * PAGE as u64;
        s.live_bytes = self.live_bytes();
        s
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Where the mapping starts in this process (it differs between processes; nothing in
    /// the heap depends on it). For tests of relocation.
    pub fn base_address(&self) -> usize {
        self.map.base() as usize
    }
}

/// Reads and checks the commit record of `root` and every page it names. Returns the entries,
/// the record's own overflow slots, and the contents of the pages that live in overflow.
fn load_state(storage: &dyn Storage, root: &Root, trust: bool) -> std::result::Result<(Vec<Entry>, Vec<u64>, Vec<Vec<u8>>), String> {
    let in_extent = |loc: u64| root.extents.iter().any(|e| loc >= e.start && loc < e.start + e.pages);
    let mut record_locs = Vec::new();
    let record = if root.record_first == 0 {
        root.inline_record.clone()
    } else {
        let mut rec = Vec::with_capacity(root.record_len as usize);
        let mut loc = root.record_first;
        let mut page = vec![0u8; PAGE];
        while (rec.len() as u64) < root.record_len {
            if !in_extent(loc) || record_locs.len() > format::record_pages(root.record_len as usize) {
                return Err(format!("commit record page {loc} lies outside the overflow extents"));
            }
            storage.read_at(&mut page, loc * PAGE as u64).map_err(|e| format!("reading commit record page {loc}: {e}"))?;
            record_locs.push(loc);
            let take = (root.record_len as usize - rec.len()).min(format::RECORD_PAGE_PAYLOAD);
            rec.extend_from_slice(&page[8..8 + take]);
            loc = format::next_record_page(&page);
        }
        rec
    };
    if format::checksum(&record) != root.record_checksum {
        return Err("commit record checksum mismatch (torn commit)".into());
    }
    let entries = format::decode_entries(&record);
    let mut preload = Vec::new();
    let mut page = vec![0u8; PAGE];
    for e in &entries {
        if e.page < format::META_PAGE || e.page >= root.top || (e.loc != e.page && !in_extent(e.loc)) {
            return Err(format!("commit record names an impossible page {} at {}", e.page, e.loc));
        }
        if trust && e.loc == e.page {
            continue;
        }
        storage.read_at(&mut page, e.loc * PAGE as u64).map_err(|err| format!("reading page {}: {err}", e.loc))?;
        if !trust && format::checksum(&page) != e.sum {
            return Err(format!("page {} (file offset {}) does not match its checksum (torn commit)", e.page, e.loc * PAGE as u64));
        }
        if e.loc != e.page {
            preload.push(page.clone());
        }
    }
    Ok((entries, record_locs, preload))
}

fn take_lock(dir: &Path) -> Result<File> {
    let path = dir.join(LOCK_FILE);
    let mut f = File::options()
        .read(true)
        .write(true)
        .create(true)
        .truncate(false)
        .mode(0o600)
        .open(&path)
        .map_err(|e| Error::io(&path, "opening the lock file", e))?;
    if !sys::try_lock_exclusive(&f).map_err(|e| Error::io(&path, "locking", e))? {
        let mut s = String::new();
        let _ = f.read_to_string(&mut s);
        return Err(Error::Locked { path: dir.to_path_buf(), holder_pid: s.trim().parse().ok() });
    }
    let _ = f.set_len(0);
    let _ = f.write_all(format!("{}\n", std::process::id()).as_bytes());
    Ok(f)
}

/// Creates a new heap file atomically: it is written under a temporary name, synced, and
/// renamed, so a crash leaves either no heap or a complete one.
fn create_heap_file(dir: &Path, path: &Path) -> Result<()> {
    let tmp = dir.join(format!("{HEAP_FILE}.new"));
    let io = |during, e| Error::io(&tmp, during, e);
    let heap_id = {
        let t = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap_or_default();
        format::checksum(&[t.as_nanos().to_le_bytes().as_slice(), &std::process::id().to_le_bytes()].concat())
    };
    let top = format::FIRST_OVERFLOW + format::FIRST_OVERFLOW_PAGES;
    let root = Root {
        seq: 1,
        heap_id,
        top,
        extents: vec![Extent { start: format::FIRST_OVERFLOW, pages: format::FIRST_OVERFLOW_PAGES }],
        record_len: 0,
        record_checksum: format::checksum(&[]),
        record_first: 0,
        inline_record: Vec::new(),
    };
    let mut f = File::options()
        .write(true)
        .create(true)
        .truncate(true)
        .mode(0o600)
        .open(&tmp)
        .map_err(|e| io("creating the heap file", e))?;
    // The root of sequence 1 goes in its own slot (1 mod 2), so the first commit (sequence 2)
    // writes the other one and a crash during it leaves this root intact.
    f.write_all(&Header { version: format::FORMAT_VERSION, page_size: PAGE as u32, heap_id }.encode())
        .and_then(|_| f.write_all_at(&root.encode(), format::SLOT_PAGES[1] * PAGE as u64))
        .and_then(|_| f.set_len(top * PAGE as u64))
        .and_then(|_| f.sync_all())
        .map_err(|e| io("writing the new heap", e))?;
    fs::rename(&tmp, path).map_err(|e| io("renaming the new heap into place", e))?;
    File::open(dir).and_then(|d| d.sync_all()).map_err(|e| Error::io(dir, "syncing the state directory", e))?;
    Ok(())
}
