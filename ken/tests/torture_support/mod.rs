//! The workload and model shared by the crash torture tests (`torture.rs`, `kill.rs`).
//!
//! The heap holds a *directory* reachable from the root: `[magic, turn, count, cap, table]`
//! (five u64), where `table` is an array of `cap` entries `(offset, size)` of which the first
//! `count` are the live objects. Every committed turn writes its number into the directory,
//! so after a crash the recovered heap says which turn it is, and the test compares it —
//! the directory, the table (in order), every object's bytes and the allocator's
//! `live_bytes` — with the model of that turn.
#![allow(dead_code)]

use ken::fault::Rng;
use ken::{Heap, CLASSES, MAX_SMALL, PAGE};
use std::collections::HashMap;

pub const DIR_MAGIC: u64 = u64::from_le_bytes(*b"TORTURE1");
const DIR_BYTES: u64 = 40;
const ENT: u64 = 16;

/// One state of the heap as the test believes it: the last committed turn, or a turn in
/// progress.
#[derive(Clone, Debug, Default)]
pub struct Model {
    pub turn: u64,
    pub dir: u64,
    pub table: u64,
    pub cap: u64,
    /// Object offsets in table order.
    pub list: Vec<u64>,
    pub objs: HashMap<u64, Vec<u8>>,
}

/// Bytes the allocator accounts for a request of `size`.
pub fn rounded(size: u64) -> u64 {
    let size = size.max(1);
    if size > MAX_SMALL {
        size.div_ceil(PAGE as u64) * PAGE as u64
    } else {
        *CLASSES.iter().find(|&&c| c >= size).unwrap()
    }
}

impl Model {
    pub fn live_bytes(&self) -> u64 {
        rounded(DIR_BYTES) + rounded(self.cap * ENT) + self.objs.values().map(|v| rounded(v.len() as u64)).sum::<u64>()
    }
    pub fn data_bytes(&self) -> u64 {
        self.objs.values().map(|v| v.len() as u64).sum()
    }
    /// An order-independent digest of the whole state (for the kill test's output commit).
    pub fn digest(&self) -> u64 {
        let mut h = self.turn.wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ self.dir ^ self.table.rotate_left(17) ^ self.cap;
        for (i, off) in self.list.iter().enumerate() {
            let d = ken::format::checksum(&self.objs[off]);
            h = (h ^ d ^ (*off).rotate_left(7) ^ (i as u64).rotate_left(40)).wrapping_mul(0xFF51_AFD7_ED55_8CCD).rotate_left(31);
        }
        h
    }
}

fn put_u64(h: &mut Heap, off: u64, v: u64) {
    h.bytes_mut(off, 8).copy_from_slice(&v.to_le_bytes());
}

/// Bytes of the heap, or an error instead of a panic when `[off, off+len)` is not inside it
/// (a corrupt heap must be reported, not crash the checker).
fn rd(h: &Heap, off: u64, len: u64) -> Result<&[u8], String> {
    let top = h.stats().heap_bytes;
    if off < 3 * PAGE as u64 || off.checked_add(len).map_or(true, |e| e > top) {
        return Err(format!("range [{off}, +{len}) lies outside the heap (top {top})"));
    }
    Ok(h.bytes(off, len as usize))
}

fn rd_u64(h: &Heap, off: u64) -> Result<u64, String> {
    Ok(u64::from_le_bytes(rd(h, off, 8)?.try_into().unwrap()))
}

/// Creates the directory and commits it as turn 1.
pub fn setup(h: &mut Heap) -> ken::Result<Model> {
    let mut m = Model { turn: 1, cap: 8, ..Model::default() };
    m.dir = h.alloc(DIR_BYTES)?;
    m.table = h.alloc(m.cap * ENT)?;
    for (i, v) in [DIR_MAGIC, 1, 0, m.cap, m.table].into_iter().enumerate() {
        put_u64(h, m.dir + 8 * i as u64, v);
    }
    h.set_root(ken::PPtr::<u8>::from_offset(m.dir));
    h.commit()?;
    Ok(m)
}

/// Reads the turn number the heap is at.
pub fn heap_turn(h: &Heap) -> Result<u64, String> {
    let dir = h.root::<u8>().offset();
    if dir == 0 {
        return Err("the root is null".into());
    }
    if rd_u64(h, dir)? != DIR_MAGIC {
        return Err(format!("the root {dir} does not point at the directory"));
    }
    rd_u64(h, dir + 8)
}

/// Checks that the heap holds exactly the state `m`.
pub fn check(h: &Heap, m: &Model) -> Result<(), String> {
    let dir = h.root::<u8>().offset();
    if dir != m.dir {
        return Err(format!("root is {dir}, the model's directory is at {}", m.dir));
    }
    let d: Vec<u64> = (0..5).map(|i| rd_u64(h, dir + 8 * i)).collect::<Result<_, _>>()?;
    let want = [DIR_MAGIC, m.turn, m.list.len() as u64, m.cap, m.table];
    if d != want {
        return Err(format!("directory [magic, turn, count, cap, table] is {d:?}, the model says {want:?}"));
    }
    let table = rd(h, m.table, m.cap * ENT)?;
    for (i, off) in m.list.iter().enumerate() {
        let e = &table[i * 16..i * 16 + 16];
        let (o, s) = (u64::from_le_bytes(e[..8].try_into().unwrap()), u64::from_le_bytes(e[8..].try_into().unwrap()));
        let data = &m.objs[off];
        if (o, s) != (*off, data.len() as u64) {
            return Err(format!("table entry {i} is ({o}, {s}), the model says ({off}, {})", data.len()));
        }
        if rd(h, o, s)? != &data[..] {
            return Err(format!("object {i} at {o} (size {s}) differs from the model in turn {}", m.turn));
        }
    }
    let live = h.stats().live_bytes;
    if live != m.live_bytes() {
        return Err(format!("live_bytes is {live}, the model accounts for {}", m.live_bytes()));
    }
    Ok(())
}

/// Checks the heap against whichever candidate has its turn number; returns that candidate's
/// index.
pub fn check_any(h: &Heap, cands: &[&Model]) -> Result<usize, String> {
    let t = heap_turn(h)?;
    let Some(i) = cands.iter().position(|m| m.turn == t) else {
        let allowed: Vec<u64> = cands.iter().map(|m| m.turn).collect();
        return Err(format!("recovered turn {t}, allowed turns {allowed:?}"));
    };
    check(h, cands[i]).map_err(|e| format!("recovered turn {t}: {e}"))?;
    Ok(i)
}

/// Workload shape.
#[derive(Clone, Copy, Debug)]
pub struct Shape {
    /// Bytes of object data above which the workload frees rather than allocates.
    pub max_data: u64,
    /// Operations per turn: 1..=max_ops.
    pub max_ops: u64,
    /// One turn in `sweep_every` writes a few bytes on every page of every large object (a
    /// commit of hundreds of pages, with a chained commit record).
    pub sweep_every: u64,
    /// One turn in `bulk_every` allocates dozens of large objects at once (heap growth, a
    /// commit needing more overflow slots than there are, a new overflow extent).
    pub bulk_every: u64,
}

pub const SHORT: Shape = Shape { max_data: 1_500_000, max_ops: 12, sweep_every: 10, bulk_every: 15 };

fn size(rng: &mut Rng, bulk: bool) -> u64 {
    if bulk {
        return rng.range(MAX_SMALL + 1, 64 * 1024);
    }
    match rng.below(20) {
        0..=12 => rng.range(1, 300),
        13..=15 => rng.range(301, MAX_SMALL),
        _ => rng.range(MAX_SMALL + 1, 40_000),
    }
}

fn write_obj(h: &mut Heap, m: &mut Model, off: u64, at: u64, bytes: &[u8]) {
    h.bytes_mut(off + at, bytes.len()).copy_from_slice(bytes);
    m.objs.get_mut(&off).unwrap()[at as usize..at as usize + bytes.len()].copy_from_slice(bytes);
}

fn alloc_obj(h: &mut Heap, m: &mut Model, rng: &mut Rng, bulk: bool) -> ken::Result<()> {
    let s = size(rng, bulk);
    let off = h.alloc(s)?;
    if h.bytes(off, s as usize).iter().any(|&b| b != 0) {
        panic!("alloc({s}) returned non-zeroed memory at {off}");
    }
    for (&o, v) in &m.objs {
        assert!(off + s <= o || o + v.len() as u64 <= off, "alloc({s}) = {off} overlaps the live object at {o}");
    }
    assert!(off + s <= m.dir || m.dir + DIR_BYTES <= off, "alloc overlaps the directory");
    assert!(off + s <= m.table || m.table + m.cap * ENT <= off, "alloc overlaps the table");
    let mut data = vec![0u8; s as usize];
    rng.fill(&mut data);
    h.bytes_mut(off, s as usize).copy_from_slice(&data);
    m.objs.insert(off, data);
    if m.list.len() as u64 == m.cap {
        let cap = m.cap * 2;
        let t = h.alloc(cap * ENT)?;
        let old = h.bytes(m.table, (m.cap * ENT) as usize).to_vec();
        h.bytes_mut(t, old.len()).copy_from_slice(&old);
        h.free(m.table, m.cap * ENT);
        m.table = t;
        m.cap = cap;
        put_u64(h, m.dir + 24, cap);
        put_u64(h, m.dir + 32, t);
    }
    let i = m.list.len() as u64;
    put_u64(h, m.table + i * ENT, off);
    put_u64(h, m.table + i * ENT + 8, s);
    m.list.push(off);
    put_u64(h, m.dir + 16, m.list.len() as u64);
    Ok(())
}

fn free_obj(h: &mut Heap, m: &mut Model, rng: &mut Rng) {
    if m.list.is_empty() {
        return;
    }
    let i = rng.below(m.list.len() as u64) as usize;
    let off = m.list.swap_remove(i);
    let data = m.objs.remove(&off).unwrap();
    h.free(off, data.len() as u64);
    if i < m.list.len() {
        let moved = m.list[i];
        put_u64(h, m.table + i as u64 * ENT, moved);
        put_u64(h, m.table + i as u64 * ENT + 8, m.objs[&moved].len() as u64);
    }
    put_u64(h, m.dir + 16, m.list.len() as u64);
}

/// One turn's operations, applied to the heap and to `m` (which becomes the turn's working
/// state, numbered `m.turn + 1`). Does not commit. An `Err` is a failed allocation (the
/// storage refused to grow the file): the turn must then be abandoned.
pub fn turn_ops(h: &mut Heap, m: &mut Model, rng: &mut Rng, shape: Shape) -> ken::Result<()> {
    m.turn += 1;
    put_u64(h, m.dir + 8, m.turn);
    if rng.chance(1, shape.sweep_every) {
        // Touch every page of every object larger than a page.
        let big: Vec<u64> = m.list.iter().copied().filter(|o| m.objs[o].len() > PAGE).collect();
        for off in big {
            let len = m.objs[&off].len() as u64;
            let mut at = 0;
            while at < len {
                let n = 8.min(len - at);
                let mut b = [0u8; 8];
                rng.fill(&mut b);
                write_obj(h, m, off, at, &b[..n as usize]);
                at += PAGE as u64;
            }
        }
    }
    if rng.chance(1, shape.bulk_every) {
        // Make room first if needed, then allocate a lot.
        while m.data_bytes() > shape.max_data / 3 {
            free_obj(h, m, rng);
        }
        for _ in 0..rng.range(10, 40) {
            alloc_obj(h, m, rng, true)?;
        }
    }
    let n = rng.range(1, shape.max_ops);
    for _ in 0..n {
        let full = m.data_bytes() > shape.max_data;
        match rng.below(10) {
            0..=3 if !full => alloc_obj(h, m, rng, false)?,
            0..=3 | 4 | 5 => free_obj(h, m, rng),
            _ => {
                if m.list.is_empty() {
                    continue;
                }
                let off = m.list[rng.below(m.list.len() as u64) as usize];
                let len = m.objs[&off].len() as u64;
                let (at, n) = if rng.chance(1, 8) {
                    (0, len)
                } else {
                    let at = rng.below(len);
                    (at, rng.range(1, 64).min(len - at))
                };
                let mut b = vec![0u8; n as usize];
                rng.fill(&mut b);
                write_obj(h, m, off, at, &b);
            }
        }
    }
    Ok(())
}

/// Rebuilds the model from the heap itself (the kill test's child continues from whatever
/// state it finds; the parent compares digests). Checks the result against the heap.
pub fn load_model(h: &Heap) -> Result<Model, String> {
    let turn = heap_turn(h)?;
    let dir = h.root::<u8>().offset();
    let count = rd_u64(h, dir + 16)?;
    let cap = rd_u64(h, dir + 24)?;
    let table = rd_u64(h, dir + 32)?;
    if count > cap {
        return Err(format!("directory count {count} exceeds its capacity {cap}"));
    }
    let mut m = Model { turn, dir, table, cap, ..Model::default() };
    for i in 0..count {
        let off = rd_u64(h, table + i * ENT)?;
        let size = rd_u64(h, table + i * ENT + 8)?;
        m.objs.insert(off, rd(h, off, size)?.to_vec());
        m.list.push(off);
    }
    check(h, &m)?;
    Ok(m)
}
