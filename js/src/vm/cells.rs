//! The cell allocator and the mark-sweep collector over the ken heap.
//!
//! Cells of up to 2 KiB live in 64 KiB arenas, one size class per arena; bigger cells are
//! page runs of their own ("large cells"). Every cell starts with a header word
//! (kind, flags, extra, len); the rest of a cell is either raw data (strings, code text) or
//! `Value` words, and the collector follows exactly the words whose tag is a pointer tag.
//!
//! What persists (in the heap, under turn atomicity): the per-class free lists and bump
//! pointers, the list of arenas and the list of large cells (a `GcMeta` block). What is
//! volatile: the page -> arena index and the mark bits, so marking never dirties a page; only
//! the cells the sweep frees are written.

use super::value::Value;
use bytemuck::{Pod, Zeroable};
use hashbrown::{HashMap, HashSet};
use std::collections::BTreeMap;
use ken::{Heap, PPtr};

pub type Result<T> = std::result::Result<T, ken::Error>;

/// Cell kinds (byte 0 of the header).
pub mod kind {
    pub const FREE: u8 = 0;
    pub const STRING: u8 = 1;
    pub const SYMBOL: u8 = 2;
    pub const OBJECT: u8 = 3;
    pub const PROPS: u8 = 4;
    pub const ELEMS: u8 = 5;
    pub const ENV: u8 = 6;
    /// UTF-8 source text of a script (raw bytes after a 3-word header).
    pub const CODE: u8 = 7;
    pub const ACCESSOR: u8 = 8;
    /// A plain vector of values (scope names, bound arguments, map storage, ...).
    pub const LIST: u8 = 9;
    /// A weak table (WeakMap / WeakSet storage): the body is read as word pairs `(key, value)`.
    /// When the key is a pointer the pair is an *ephemeron*: the value is traced only once the
    /// key is found live by other paths, and the key itself is never traced through this cell.
    /// A pair whose key is not a pointer (bookkeeping words, hash index) is traced normally.
    /// Pairs with dead keys are cleared by the owner (`builtins::collections`) before the sweep.
    pub const EPHEMERON: u8 = 10;
    /// A BigInt: magnitude as raw `u64` limbs, sign in the flags (see `vm::bigint`).
    pub const BIGINT: u8 = 11;
    /// The bytes of an ArrayBuffer (raw: `len` bytes after the header, padded to a word).
    pub const BYTES: u8 = 12;
    /// The named property values of a shaped object: `[shape][v0][v1]...` (see `vm::shape`).
    pub const SLOTS: u8 = 13;
    /// A shape: `[transitions][k0][a0][k1][a1]...` (see `vm::shape`).
    pub const SHAPE: u8 = 14;
}

/// Kinds whose body is raw data, not values.
fn is_raw(k: u8) -> bool {
    k == kind::STRING || k == kind::CODE || k == kind::BIGINT || k == kind::BYTES
}

/// Byte size of a cell from its header word.
pub fn cell_size(header: u64) -> u64 {
    let (k, len) = (header as u8, header >> 32);
    match k {
        kind::STRING => 16 + 2 * len,
        kind::CODE => 24 + len,
        kind::BYTES => 8 + len.div_ceil(8) * 8,
        _ => 8 + 8 * len,
    }
}

pub fn header(k: u8, flags: u8, extra: u16, len: u32) -> u64 {
    k as u64 | (flags as u64) << 8 | (extra as u64) << 16 | (len as u64) << 32
}

// word-granular up to 64 bytes, where most cells are (an empty object is 32, a record's slots
// or a two-element vector 24-40)
const CLASSES: [u64; 20] = [16, 24, 32, 40, 48, 56, 64, 80, 96, 128, 160, 192, 256, 320, 384, 512, 768, 1024, 1536, 2048];
const NC: usize = CLASSES.len();
pub const MAX_SMALL: u64 = 2048;
const ARENA: u64 = 64 * 1024;
const PAGE_SHIFT: u32 = 12;
const META_MAGIC: u64 = 0x6B65_6E2D_6A73_6763; // "ken-jsgc"

fn class_of(size: u64) -> usize {
    CLASSES.iter().position(|&c| c >= size).expect("small size")
}

/// The bytes a cell of `size` bytes occupies: its size class, or itself when large.
pub fn footprint(size: u64) -> u64 {
    if size > MAX_SMALL { size } else { CLASSES[class_of(size)] }
}

#[repr(C)]
#[derive(Clone, Copy, Pod, Zeroable)]
struct GcMeta {
    magic: u64,
    free: [u64; NC],
    bump: [u64; NC],
    bump_end: [u64; NC],
    /// A ken block of u64 entries `arena offset | class`.
    arenas: u64,
    arenas_cap: u64,
    arenas_len: u64,
    /// A ken block of u64 large-cell offsets.
    large: u64,
    large_cap: u64,
    large_len: u64,
    /// Live bytes found by the last full collection.
    old_live: u64,
    /// Bytes that survived minor collections since then (old garbage among them is only
    /// found by the next full collection, which this drives).
    promoted: u64,
}

struct Arena {
    off: u64,
    class: usize,
}

/// Which collection a mark is for.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Default)]
pub enum Gen {
    /// Only the cells allocated since the last collection (the young ones) are candidates;
    /// every other cell counts as live without being visited.
    Minor,
    /// Every cell is a candidate.
    #[default]
    Major,
}

/// One marking: its bits and its work (volatile).
#[derive(Default)]
struct Marking {
    gen: Gen,
    /// Mark bits per arena (empty: none taken for that arena yet).
    marks: Vec<Vec<u64>>,
    large_marks: HashSet<u64>,
    /// Minor: young bits per arena, and the young large cells.
    young_bits: Vec<Vec<u64>>,
    young_large: HashSet<u64>,
    /// Arenas whose `marks` / `young_bits` this marking filled (to clear after).
    touched: Vec<u32>,
    /// The EPHEMERON cells traced.
    ephemerons: Vec<u64>,
    /// Marked cells not traced yet, and ephemeron values waiting for their key.
    work: Vec<u64>,
    pending: HashMap<u64, Vec<u64>>,
    /// Incremental: every page written since it began (its barrier).
    written: Vec<u64>,
}

/// The volatile side of the allocator.
pub struct Cells {
    meta: PPtr<GcMeta>,
    arenas: Vec<Arena>,
    /// Page number -> arena index + 1 (0: not an arena page).
    page_arena: Vec<u32>,
    /// Large cells: offset -> byte size.
    large: BTreeMap<u64, u64>,
    /// The marking of the running minor or full collection.
    m: Marking,
    /// An incremental full collection's marking, advanced in slices across turns (minor
    /// collections run in between, with `m`).
    inc: Option<Box<Marking>>,
    /// Cells allocated since the last collection, in allocation order (volatile: after an
    /// open or a rollback every cell is old).
    young: Vec<u64>,
    /// Cells that survived one minor collection: still candidates in the next one, old after
    /// it (so what is live at one collection but dies soon after is not promoted).
    survivors: Vec<u64>,
    /// The pages written in the period before the last minor collection: a survivor may be
    /// pointed to by an old cell written then.
    prev_written: Vec<u64>,
    /// Bytes allocated since the last collection (volatile; drives collection).
    pub allocated: u64,
    /// Cells allocated by this process (volatile; paces incremental marking).
    pub allocs: u64,
    /// Cells the last `mark` visited (traced), old cells of the remembered set included: what
    /// a collection's cost follows.
    pub visited: u64,
    /// Live bytes after the last collection: the last full collection's count plus what
    /// minor collections promoted since.
    pub live_after_gc: u64,
}

impl Cells {
    /// Creates the allocator's metadata in a new heap; returns its offset (to be kept in a root).
    pub fn create(heap: &mut Heap) -> Result<u64> {
        let meta = heap.alloc_value(GcMeta::zeroed())?;
        let arenas = heap.alloc(64 * 8)?;
        let large = heap.alloc(64 * 8)?;
        let m = heap.get_mut(meta);
        m.magic = META_MAGIC;
        m.arenas = arenas;
        m.arenas_cap = 64;
        m.large = large;
        m.large_cap = 64;
        Ok(meta.offset())
    }

    /// The volatile side for the metadata at `meta` (rebuilt from the heap).
    pub fn load(heap: &Heap, meta: u64) -> std::result::Result<Cells, String> {
        let mut c = Cells {
            meta: PPtr::from_offset(meta),
            arenas: Vec::new(),
            page_arena: Vec::new(),
            large: BTreeMap::new(),
            m: Marking::default(),
            inc: None,
            young: Vec::new(),
            survivors: Vec::new(),
            prev_written: Vec::new(),
            allocated: 0,
            allocs: 0,
            visited: 0,
            live_after_gc: 0,
        };
        c.reload(heap)?;
        Ok(c)
    }

    /// Re-reads the arena and large-cell lists (after open or a rollback). Every cell is old
    /// afterwards: the young list may name cells of a rolled-back turn.
    pub fn reload(&mut self, heap: &Heap) -> std::result::Result<(), String> {
        let m = *heap.get(self.meta);
        if m.magic != META_MAGIC {
            return Err("the JavaScript allocator metadata is damaged (bad magic)".into());
        }
        self.arenas.clear();
        self.page_arena.clear();
        self.m = Marking::default();
        // an incremental marking may have traced cells of the rolled-back turn
        self.inc = None;
        self.large.clear();
        self.young.clear();
        self.survivors.clear();
        self.prev_written.clear();
        self.allocated = 0;
        for &e in heap.slice(PPtr::<u64>::from_offset(m.arenas), m.arenas_len as usize) {
            self.index_arena(e & !0xFFF, (e & 0xFFF) as usize);
        }
        for &e in heap.slice(PPtr::<u64>::from_offset(m.large), m.large_len as usize) {
            self.large.insert(e, cell_size(heap.read(PPtr::<u64>::from_offset(e))));
        }
        self.live_after_gc = m.old_live + m.promoted;
        Ok(())
    }

    fn index_arena(&mut self, off: u64, class: usize) {
        let i = self.arenas.len() as u32;
        self.arenas.push(Arena { off, class });
        self.m.marks.push(Vec::new());
        self.m.young_bits.push(Vec::new());
        if let Some(inc) = &mut self.inc {
            inc.marks.push(Vec::new());
            inc.young_bits.push(Vec::new());
        }
        let first = (off >> PAGE_SHIFT) as usize;
        let n = (ARENA >> PAGE_SHIFT) as usize;
        if self.page_arena.len() < first + n {
            self.page_arena.resize(first + n, 0);
        }
        self.page_arena[first..first + n].fill(i + 1);
    }

    #[inline]
    fn arena_of(&self, off: u64) -> Option<usize> {
        match self.page_arena.get((off >> PAGE_SHIFT) as usize) {
            Some(&i) if i != 0 => Some(i as usize - 1),
            _ => None,
        }
    }

    /// Allocates a zeroed cell of `size` bytes and writes its header.
    pub fn alloc(&mut self, heap: &mut Heap, size: u64, hdr: u64) -> Result<u64> {
        self.alloc_maybe_zeroed(heap, size, hdr, true)
    }

    /// Allocates a cell whose body the caller writes in full before the next safe point (a
    /// reused cell still holds its old words, which the collector must never see).
    pub fn alloc_unzeroed(&mut self, heap: &mut Heap, size: u64, hdr: u64) -> Result<u64> {
        self.alloc_maybe_zeroed(heap, size, hdr, false)
    }

    fn alloc_maybe_zeroed(&mut self, heap: &mut Heap, size: u64, hdr: u64, zero: bool) -> Result<u64> {
        debug_assert_eq!(cell_size(hdr), size);
        self.allocated += size;
        self.allocs += 1;
        let off = if size > MAX_SMALL {
            let off = heap.alloc(size)?;
            self.push_list(heap, true, off)?;
            self.large.insert(off, size);
            off
        } else {
            let c = class_of(size);
            let csz = CLASSES[c];
            // read the three words this class needs, not the whole meta record
            let m = heap.get(self.meta);
            let (free, bump, bump_end) = (m.free[c], m.bump[c], m.bump_end[c]);
            if free != 0 {
                let off = free;
                let next = heap.read(PPtr::<u64>::from_offset(off + 8));
                heap.get_mut(self.meta).free[c] = Value(next).payload();
                if zero {
                    heap.bytes_mut(off, csz as usize).fill(0);
                }
                off
            } else if bump != 0 && bump + csz <= bump_end {
                heap.get_mut(self.meta).bump[c] = bump + csz;
                bump
            } else {
                let arena = heap.alloc(ARENA)?;
                self.push_list(heap, false, arena | c as u64)?;
                self.index_arena(arena, c);
                let mm = heap.get_mut(self.meta);
                mm.bump[c] = arena + csz;
                mm.bump_end[c] = arena + (ARENA / csz) * csz;
                arena
            }
        };
        heap.write(PPtr::<u64>::from_offset(off), hdr);
        self.young.push(off);
        Ok(off)
    }

    fn push_list(&mut self, heap: &mut Heap, large: bool, entry: u64) -> Result<()> {
        let m = *heap.get(self.meta);
        let (list, cap, len) = if large { (m.large, m.large_cap, m.large_len) } else { (m.arenas, m.arenas_cap, m.arenas_len) };
        let (list, cap) = if len == cap {
            let ncap = cap * 2;
            let nl = heap.alloc(ncap * 8)?;
            let old: Vec<u64> = heap.slice(PPtr::<u64>::from_offset(list), len as usize).to_vec();
            heap.slice_mut(PPtr::<u64>::from_offset(nl), len as usize).copy_from_slice(&old);
            heap.free(list, cap * 8);
            (nl, ncap)
        } else {
            (list, cap)
        };
        heap.write(PPtr::<u64>::from_offset(list + len * 8), entry);
        let mm = heap.get_mut(self.meta);
        if large {
            (mm.large, mm.large_cap, mm.large_len) = (list, cap, len + 1);
        } else {
            (mm.arenas, mm.arenas_cap, mm.arenas_len) = (list, cap, len + 1);
        }
        Ok(())
    }

    /// Bytes promoted since the last full collection, and that collection's live bytes: the
    /// collector runs a full collection when the first outgrows the second.
    pub fn old_growth(&self, heap: &Heap) -> (u64, u64) {
        let m = heap.get(self.meta);
        (m.promoted, m.old_live)
    }

    /// Candidates of the next minor collection: cells allocated since the last collection,
    /// and the survivors of the one before.
    pub fn young_count(&self) -> (usize, usize) {
        (self.young.len(), self.survivors.len())
    }

    // ----- collection ------------------------------------------------------------------

    fn mark_words(&self, a: usize) -> usize {
        (ARENA / CLASSES[self.arenas[a].class]) as usize / 64 + 1
    }

    /// Forgets the mark and young bits of the last collection (keeping their capacity).
    fn clear_scratch(&mut self) {
        for &i in &self.m.touched {
            self.m.marks[i as usize].clear();
            self.m.young_bits[i as usize].clear();
        }
        self.m.touched.clear();
        self.m.large_marks.clear();
        self.m.young_large.clear();
    }

    /// Marks everything reachable from `roots`. Afterwards `is_marked` answers for every cell,
    /// and `take_ephemerons` lists the live weak tables.
    ///
    /// `Gen::Minor` traces the candidates only (the cells allocated since the last
    /// collection, and the survivors of the one before): an old cell counts as marked and is
    /// not visited, except the old cells on the pages written in the last two periods
    /// (`written`: since the last collection, and the period before it), which are the
    /// remembered set: an old cell can only point to a candidate if it was written after that
    /// candidate was allocated, which was in one of those two periods.
    ///
    /// Ephemerons in one pass: when a weak table is traced, a pair whose key is already marked
    /// gets its value marked; otherwise the value waits in `pending` under its key and is
    /// marked when the key's cell is traced, if it ever is (so chains through weak tables cost
    /// no rescans). Values still pending at the end belong to dead keys.
    pub fn mark(&mut self, heap: &Heap, roots: impl IntoIterator<Item = Value>, gen: Gen, written: Vec<u64>) {
        self.clear_scratch();
        self.m.ephemerons.clear();
        self.m.gen = gen;
        self.visited = 0;
        match gen {
            Gen::Major => {
                for i in 0..self.arenas.len() {
                    let n = self.mark_words(i);
                    self.m.marks[i].resize(n, 0);
                    self.m.touched.push(i as u32);
                }
            }
            Gen::Minor => {
                for k in 0..self.young.len() + self.survivors.len() {
                    let off = if k < self.young.len() { self.young[k] } else { self.survivors[k - self.young.len()] };
                    match self.arena_of(off) {
                        Some(i) => {
                            if self.m.young_bits[i].is_empty() {
                                let n = self.mark_words(i);
                                self.m.young_bits[i].resize(n, 0);
                                self.m.marks[i].resize(n, 0);
                                self.m.touched.push(i as u32);
                            }
                            let a = &self.arenas[i];
                            let idx = ((off - a.off) / CLASSES[a.class]) as usize;
                            self.m.young_bits[i][idx / 64] |= 1 << (idx % 64);
                        }
                        None => {
                            self.m.young_large.insert(off);
                        }
                    }
                }
            }
        }
        let mut pending: HashMap<u64, Vec<u64>> = HashMap::new();
        let mut work: Vec<u64> = Vec::new();
        for r in roots {
            if r.is_pointer() && self.set_mark(r.off()) {
                work.push(r.off());
            }
        }
        match gen {
            Gen::Minor => {
                // a running incremental marking needs every page written since it began
                if let Some(inc) = &mut self.inc {
                    inc.written.extend_from_slice(&written);
                }
                let mut pages = std::mem::replace(&mut self.prev_written, written);
                pages.extend_from_slice(&self.prev_written);
                pages.sort_unstable();
                pages.dedup();
                self.scan_remembered(heap, &pages, &mut work, &mut pending);
            }
            // no candidates after a full collection, so nothing written before it matters
            Gen::Major => {
                self.inc = None;
                self.prev_written.clear();
            }
        }
        self.drain(heap, &mut work, &mut pending, usize::MAX);
    }

    /// Traces marked cells from `work` until it is empty (true) or `budget` cells were
    /// traced (false). Every marked cell passes through `work` exactly once.
    fn drain(&mut self, heap: &Heap, work: &mut Vec<u64>, pending: &mut HashMap<u64, Vec<u64>>, budget: usize) -> bool {
        let mut n = 0;
        while let Some(off) = work.pop() {
            // an incremental marking's work may name a cell a minor collection freed since
            // (its memory possibly reused by the heap for something else)
            if !self.is_cell(heap, off) {
                continue;
            }
            if !pending.is_empty() {
                if let Some(vals) = pending.remove(&off) {
                    for v in vals {
                        if self.is_cell(heap, v) && self.set_mark(v) {
                            work.push(v);
                        }
                    }
                }
            }
            let hdr = heap.read(PPtr::<u64>::from_offset(off));
            self.trace(heap, off, hdr, work, pending);
            n += 1;
            if n >= budget {
                return work.is_empty();
            }
        }
        true
    }

    /// Whether `off` is the start of an allocated cell.
    fn is_cell(&self, heap: &Heap, off: u64) -> bool {
        match self.arena_of(off) {
            Some(i) => {
                let a = &self.arenas[i];
                let csz = CLASSES[a.class];
                (off - a.off) % csz == 0 && off - a.off < (ARENA / csz) * csz && heap.read(PPtr::<u64>::from_offset(off)) as u8 != kind::FREE
            }
            None => self.large.contains_key(&off),
        }
    }

    // ----- incremental full collections ---------------------------------------------------
    //
    // A full collection's mark can run in slices across turns, with minor collections and the
    // program in between (incremental update): cells are marked from the roots taken at the
    // start; a cell the program changes afterwards is on a written page, so the finish
    // re-traces the marked cells on every page written since the start, and the roots as
    // they are then, and only then sweeps. A cell reachable at the finish is reached: either
    // its path existed when the marking began and was traced, or an edge of it was written
    // since, from a cell that is traced (unmarked) or re-traced (marked) at the finish.
    // Cells allocated meanwhile are ordinary unmarked cells: one is kept when reached like
    // that. A cell a minor collection frees meanwhile may keep its mark and be reused: the
    // new cell is then kept and, being written since the start, re-traced (it may hold
    // anything). Rollback and open drop the marking (`reload`).

    /// Whether an incremental full collection is under way.
    pub fn incremental_active(&self) -> bool {
        self.inc.is_some()
    }

    /// Runs `f` with the incremental marking as `m` (the minor one put aside).
    fn with_incremental<R>(&mut self, f: impl FnOnce(&mut Self) -> R) -> R {
        let mut inc = self.inc.take().expect("an incremental marking");
        std::mem::swap(&mut self.m, &mut inc);
        let r = f(self);
        std::mem::swap(&mut self.m, &mut inc);
        self.inc = Some(inc);
        r
    }

    /// Begins an incremental full collection from `roots` (marks them; no tracing yet).
    pub fn start_incremental(&mut self, roots: impl IntoIterator<Item = Value>) {
        let n = self.arenas.len();
        let mut inc = Marking { gen: Gen::Major, ..Marking::default() };
        inc.marks = (0..n).map(|i| vec![0u64; self.mark_words(i)]).collect();
        inc.young_bits = vec![Vec::new(); n];
        inc.touched = (0..n as u32).collect();
        self.inc = Some(Box::new(inc));
        self.with_incremental(|c| {
            let mut work = Vec::new();
            for r in roots {
                if r.is_pointer() && c.set_mark(r.off()) {
                    work.push(r.off());
                }
            }
            c.m.work = work;
        });
    }

    /// Traces up to `budget` cells of the incremental marking; true when nothing is left to
    /// trace (time to `finish_incremental`).
    pub fn incremental_step(&mut self, heap: &Heap, budget: usize) -> bool {
        self.visited = 0;
        self.with_incremental(|c| {
            let (mut work, mut pending) = (std::mem::take(&mut c.m.work), std::mem::take(&mut c.m.pending));
            let done = c.drain(heap, &mut work, &mut pending, budget);
            (c.m.work, c.m.pending) = (work, pending);
            done
        })
    }

    /// Completes the incremental marking: the roots as they are now and the marked cells on
    /// every page written since it began are traced again, then everything they reach.
    /// Afterwards it is the current marking (`is_marked`, `take_ephemerons`, then `sweep`).
    pub fn finish_incremental(&mut self, heap: &Heap, roots: impl IntoIterator<Item = Value>, written: Vec<u64>) {
        let inc = self.inc.take().expect("an incremental marking");
        self.m = *inc;
        self.m.written.extend_from_slice(&written);
        self.prev_written.clear();
        let (mut work, mut pending) = (std::mem::take(&mut self.m.work), std::mem::take(&mut self.m.pending));
        for r in roots {
            if r.is_pointer() && self.set_mark(r.off()) {
                work.push(r.off());
            }
        }
        let mut pages = std::mem::take(&mut self.m.written);
        pages.sort_unstable();
        pages.dedup();
        self.scan_remembered(heap, &pages, &mut work, &mut pending);
        self.drain(heap, &mut work, &mut pending, usize::MAX);
    }

    /// Drops an incremental marking under way (a full collection replaces it).
    pub fn abandon_incremental(&mut self) {
        self.inc = None;
    }

    /// Marks the children of the cell at `off` (pushing the newly marked ones on `work`).
    fn trace(&mut self, heap: &Heap, off: u64, hdr: u64, work: &mut Vec<u64>, pending: &mut HashMap<u64, Vec<u64>>) {
        self.visited += 1;
        if is_raw(hdr as u8) || hdr as u8 == kind::FREE {
            return;
        }
        let len = (hdr >> 32) as usize;
        let words: &[u64] = heap.slice(PPtr::from_offset(off + 8), len);
        if hdr as u8 == kind::EPHEMERON {
            self.m.ephemerons.push(off);
            for pair in words.chunks(2) {
                let k = Value(pair[0]);
                let v = pair.get(1).map(|&w| Value(w)).unwrap_or(Value::UNDEFINED);
                if !v.is_pointer() {
                    continue;
                }
                if !k.is_pointer() || self.is_marked(k.off()) {
                    if self.set_mark(v.off()) {
                        work.push(v.off());
                    }
                } else {
                    pending.entry(k.off()).or_default().push(v.off());
                }
            }
            return;
        }
        for &w in words {
            let v = Value(w);
            if v.is_pointer() && self.set_mark(v.off()) {
                work.push(v.off());
            }
        }
    }

    /// Traces cells on the `pages` (sorted): in a minor collection the old ones (its
    /// remembered set), at the finish of an incremental one the marked ones.
    fn scan_remembered(&mut self, heap: &Heap, pages: &[u64], work: &mut Vec<u64>, pending: &mut HashMap<u64, Vec<u64>>) {
        let m = *heap.get(self.meta);
        // a cell across a page boundary is met on both pages; pages are sorted, so it is the
        // previous cell scanned
        let mut last = u64::MAX;
        for &p in pages {
            let (lo, hi) = (p << PAGE_SHIFT, (p + 1) << PAGE_SHIFT);
            if let Some(i) = self.arena_of(lo) {
                let (aoff, class) = (self.arenas[i].off, self.arenas[i].class);
                let csz = CLASSES[class];
                // cells past the bump pointer of the arena a class allocates in were never
                // written by the allocator
                let full = aoff + (ARENA / csz) * csz;
                let end = if m.bump[class] >= aoff && m.bump[class] <= full && m.bump_end[class] > aoff { m.bump[class] } else { full };
                let first = lo.saturating_sub(aoff) / csz;
                let mut off = aoff + first * csz;
                while off < hi.min(end) {
                    let idx = ((off - aoff) / csz) as usize;
                    let skip = match self.m.gen {
                        Gen::Minor => self.young_bit(i, idx),
                        Gen::Major => !self.m.marks[i].get(idx / 64).is_some_and(|w| w & (1 << (idx % 64)) != 0),
                    };
                    if !skip && off != last {
                        last = off;
                        let hdr = heap.read(PPtr::<u64>::from_offset(off));
                        self.trace(heap, off, hdr, work, pending);
                    }
                    off += csz;
                }
            } else if let Some((&off, &size)) = self.large.range(..hi).next_back() {
                let skip = match self.m.gen {
                    Gen::Minor => self.m.young_large.contains(&off),
                    Gen::Major => !self.m.large_marks.contains(&off),
                };
                if off + size <= lo || skip {
                    continue;
                }
                let hdr = heap.read(PPtr::<u64>::from_offset(off));
                if hdr as u8 == kind::EPHEMERON || is_raw(hdr as u8) {
                    if off != last {
                        last = off;
                        self.trace(heap, off, hdr, work, pending);
                    }
                    continue;
                }
                // only the words on this page can have changed
                let from = lo.max(off + 8);
                let to = hi.min(off + size);
                for &w in heap.slice::<u64>(PPtr::from_offset(from), ((to - from) / 8) as usize) {
                    let v = Value(w);
                    if v.is_pointer() && self.set_mark(v.off()) {
                        work.push(v.off());
                    }
                }
            }
        }
    }

    /// The weak tables the last `mark` traced (their dead pairs are still to clear); after an
    /// incremental marking, those still weak tables (a minor collection may have freed one).
    pub fn take_ephemerons(&mut self, heap: &Heap) -> Vec<u64> {
        let mut e = std::mem::take(&mut self.m.ephemerons);
        e.sort_unstable();
        e.dedup();
        e.retain(|&t| self.is_cell(heap, t) && heap.read(PPtr::<u64>::from_offset(t)) as u8 == kind::EPHEMERON);
        e
    }

    /// Whether the cell at `off` is young in the running minor collection.
    #[inline]
    fn young_bit(&self, i: usize, idx: usize) -> bool {
        self.m.young_bits[i].get(idx / 64).is_some_and(|w| w & (1 << (idx % 64)) != 0)
    }

    /// Sets the mark of the cell at `off`; false if it was already set, is old in a minor
    /// collection, or is not a cell.
    fn set_mark(&mut self, off: u64) -> bool {
        if let Some(i) = self.arena_of(off) {
            let a = &self.arenas[i];
            let idx = ((off - a.off) / CLASSES[a.class]) as usize;
            if self.m.gen == Gen::Minor && !self.young_bit(i, idx) {
                return false;
            }
            let (w, b) = (idx / 64, 1u64 << (idx % 64));
            if self.m.marks[i].is_empty() {
                // an arena made after an incremental marking began
                let n = self.mark_words(i);
                self.m.marks[i].resize(n, 0);
                self.m.touched.push(i as u32);
            }
            let m = &mut self.m.marks[i];
            if m[w] & b != 0 {
                return false;
            }
            m[w] |= b;
            true
        } else if self.large.contains_key(&off) {
            if self.m.gen == Gen::Minor && !self.m.young_large.contains(&off) {
                return false;
            }
            self.m.large_marks.insert(off)
        } else {
            debug_assert!(false, "pointer to a non-cell at {off}");
            false
        }
    }

    /// Whether the last `mark` found the cell at `off` live (an old cell always is, in a
    /// minor collection).
    pub fn is_marked(&self, off: u64) -> bool {
        if let Some(i) = self.arena_of(off) {
            let a = &self.arenas[i];
            let idx = ((off - a.off) / CLASSES[a.class]) as usize;
            if self.m.gen == Gen::Minor && !self.young_bit(i, idx) {
                return true;
            }
            self.m.marks[i].get(idx / 64).is_some_and(|w| w & (1 << (idx % 64)) != 0)
        } else if self.m.gen == Gen::Minor && !self.m.young_large.contains(&off) {
            true
        } else {
            self.m.large_marks.contains(&off)
        }
    }

    /// After a minor `mark`: frees the candidates it did not reach; reached young cells become
    /// survivors, reached survivors old. Costs the number of candidates. Returns (cells
    /// freed, live bytes).
    pub fn sweep_minor(&mut self, heap: &mut Heap) -> (u64, u64) {
        debug_assert_eq!(self.m.gen, Gen::Minor);
        let m = *heap.get(self.meta);
        let mut free = m.free;
        let (mut freed, mut promoted) = (0u64, 0u64);
        let mut dead_large = Vec::new();
        let young = std::mem::take(&mut self.young);
        let survivors = std::mem::take(&mut self.survivors);
        let mut next = Vec::new();
        for (k, &off) in young.iter().chain(&survivors).enumerate() {
            let survivor = k >= young.len();
            if let Some(i) = self.arena_of(off) {
                let a = &self.arenas[i];
                let csz = CLASSES[a.class];
                let idx = ((off - a.off) / csz) as usize;
                if self.m.marks[i][idx / 64] & (1 << (idx % 64)) != 0 {
                    if survivor {
                        promoted += csz;
                    } else {
                        next.push(off);
                    }
                } else {
                    let c = heap.slice_mut(PPtr::<u64>::from_offset(off), 2);
                    c[0] = header(kind::FREE, 0, 0, 1);
                    c[1] = Value::int(free[a.class]).0;
                    free[a.class] = off;
                    freed += 1;
                }
            } else if self.m.large_marks.contains(&off) {
                if survivor {
                    promoted += self.large[&off];
                } else {
                    next.push(off);
                }
            } else {
                dead_large.push(off);
            }
        }
        // keep the young list's capacity for the next period
        self.young = young;
        self.young.clear();
        self.survivors = next;
        if free != m.free {
            heap.get_mut(self.meta).free = free;
        }
        self.free_large(heap, &dead_large);
        freed += dead_large.len() as u64;
        let mm = heap.get_mut(self.meta);
        mm.promoted += promoted;
        self.live_after_gc = mm.old_live + mm.promoted;
        self.allocated = 0;
        self.clear_scratch();
        (freed, self.live_after_gc)
    }

    /// Frees large cells and drops them from the persistent list.
    fn free_large(&mut self, heap: &mut Heap, dead: &[u64]) {
        if dead.is_empty() {
            return;
        }
        for &o in dead {
            let size = self.large.remove(&o).expect("a large cell");
            heap.free(o, size);
        }
        let m = *heap.get(self.meta);
        let keep: Vec<u64> = heap
            .slice(PPtr::<u64>::from_offset(m.large), m.large_len as usize)
            .iter()
            .copied()
            .filter(|o| self.large.contains_key(o))
            .collect();
        heap.slice_mut(PPtr::<u64>::from_offset(m.large), keep.len()).copy_from_slice(&keep);
        heap.get_mut(self.meta).large_len = keep.len() as u64;
    }

    /// After a major `mark`: frees every unmarked cell. Returns (cells freed, live bytes).
    pub fn sweep(&mut self, heap: &mut Heap) -> (u64, u64) {
        debug_assert_eq!(self.m.gen, Gen::Major);
        debug_assert!(self.inc.is_none());
        // arenas no mark touched (made after an incremental marking began) get their zeros
        for i in 0..self.arenas.len() {
            if self.m.marks[i].is_empty() {
                let n = self.mark_words(i);
                self.m.marks[i].resize(n, 0);
                self.m.touched.push(i as u32);
            }
        }
        let m = *heap.get(self.meta);
        let in_bump = |a: &Arena| m.bump[a.class] >= a.off && m.bump[a.class] <= a.off + ARENA && m.bump_end[a.class] > a.off;
        // arenas where nothing survives go back to the heap (except the one each class bumps
        // in); then the free lists are rebuilt, since they may thread through those arenas
        let empty: Vec<bool> = self.arenas.iter().enumerate().map(|(i, a)| !in_bump(a) && self.m.marks[i].iter().all(|&w| w == 0)).collect();
        let release = empty.iter().any(|&e| e);
        let mut free = if release { [0u64; NC] } else { m.free };
        let (mut freed, mut live) = (0u64, 0u64);
        for (i, a) in self.arenas.iter().enumerate() {
            if empty[i] {
                continue;
            }
            let csz = CLASSES[a.class];
            let end = if in_bump(a) { m.bump[a.class] } else { a.off + (ARENA / csz) * csz };
            let marks = &self.m.marks[i];
            let n = ((end - a.off) / csz) as usize;
            // a marked cell is live without reading it: only the unmarked ones (dead or
            // already free) are read, so the sweep follows what is not live, not the heap
            for (w, &word) in marks.iter().enumerate() {
                let base = w * 64;
                if base >= n {
                    break;
                }
                let valid = if n - base >= 64 { !0u64 } else { (1u64 << (n - base)) - 1 };
                live += (word & valid).count_ones() as u64 * csz;
                let mut unmarked = !word & valid;
                while unmarked != 0 {
                    let idx = base + unmarked.trailing_zeros() as usize;
                    unmarked &= unmarked - 1;
                    let off = a.off + idx as u64 * csz;
                    let hdr = heap.read(PPtr::<u64>::from_offset(off));
                    if hdr as u8 != kind::FREE {
                        let c = heap.slice_mut(PPtr::<u64>::from_offset(off), 2);
                        c[0] = header(kind::FREE, 0, 0, 1);
                        c[1] = Value::int(free[a.class]).0;
                        free[a.class] = off;
                        freed += 1;
                    } else if release {
                        heap.write(PPtr::<u64>::from_offset(off + 8), Value::int(free[a.class]).0);
                        free[a.class] = off;
                    }
                }
            }
        }
        if free != m.free {
            heap.get_mut(self.meta).free = free;
        }
        if release {
            let old = std::mem::take(&mut self.arenas);
            self.page_arena.clear();
            self.m.marks.clear();
            self.m.young_bits.clear();
            self.m.touched.clear();
            let mut kept = Vec::new();
            for (i, a) in old.into_iter().enumerate() {
                if empty[i] {
                    let csz = CLASSES[a.class];
                    freed += (0..ARENA / csz).filter(|j| heap.read(PPtr::<u64>::from_offset(a.off + j * csz)) as u8 != kind::FREE).count() as u64;
                    heap.free(a.off, ARENA);
                } else {
                    kept.push(a.off | a.class as u64);
                    self.index_arena(a.off, a.class);
                }
            }
            heap.slice_mut(PPtr::<u64>::from_offset(m.arenas), kept.len()).copy_from_slice(&kept);
            heap.get_mut(self.meta).arenas_len = kept.len() as u64;
        }
        // large cells
        let dead: Vec<u64> = self.large.keys().copied().filter(|o| !self.m.large_marks.contains(o)).collect();
        self.free_large(heap, &dead);
        freed += dead.len() as u64;
        live += self.large.values().sum::<u64>();
        self.clear_scratch();
        self.young.clear();
        self.survivors.clear();
        self.allocated = 0;
        self.live_after_gc = live;
        let mm = heap.get_mut(self.meta);
        mm.old_live = live;
        mm.promoted = 0;
        (freed, live)
    }

    /// Number of live-or-free cell slots in use (arenas) and large cells: for statistics.
    pub fn arena_count(&self) -> usize {
        self.arenas.len()
    }
}
