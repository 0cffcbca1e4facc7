//! A fault-injecting [`Storage`] layer for crash and storage-fault tests, in the manner of
//! SQLite's crash-simulating VFS and CrashMonkey.
//!
//! [`FaultStorage`] sits between a real heap and its file. It passes every write through to
//! the file (the heap reads its pages through a private mapping of that file) and keeps, on
//! the side, the *durable image*: the file as it was at the last successful sync, plus the
//! list of writes (and length changes) issued since, which a power cut may or may not have
//! reached the platter. Through a shared [`FaultControl`] a test can
//!
//! - schedule a crash at the k-th mutating operation (write, sync or set_len, counted from
//!   when the layer was put in place): that operation and every later one fail, as if the
//!   process had died there;
//! - fail the n-th write, sync or set_len with an errno (`EIO`, `ENOSPC`), once;
//! - after the heap is dropped, build the post-power-cut image: the durable image plus, for
//!   each pending write, one outcome — written, dropped, torn (a random subset of its
//!   512-byte sectors reached the disk) or garbage (random bytes) — drawn from a seeded
//!   [`Rng`].
//!
//! The layer never calls `fdatasync` on the real file: durability is what it simulates.

use crate::storage::{FileStorage, Storage};
use crate::StorageWrapper;
use std::fs::File;
use std::io;
use std::os::unix::fs::FileExt;
use std::sync::{Arc, Mutex, MutexGuard};

/// The sector size a torn write is made of.
pub const SECTOR: usize = 512;

/// A small, seeded xorshift64* generator (tests need reproducible randomness and no
/// dependencies).
#[derive(Clone, Debug)]
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        // splitmix the seed so that nearby seeds give unrelated streams, and never zero.
        let mut z = seed.wrapping_add(0x9E37_79B9_7F4A_7C15);
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        Rng((z ^ (z >> 31)) | 1)
    }
    pub fn next_u64(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    /// Uniform in `0..n` (`n > 0`).
    pub fn below(&mut self, n: u64) -> u64 {
        ((self.next_u64() as u128 * n as u128) >> 64) as u64
    }
    /// Uniform in `lo..=hi`.
    pub fn range(&mut self, lo: u64, hi: u64) -> u64 {
        lo + self.below(hi - lo + 1)
    }
    /// True with probability `num / den`.
    pub fn chance(&mut self, num: u64, den: u64) -> bool {
        self.below(den) < num
    }
    pub fn fill(&mut self, buf: &mut [u8]) {
        for c in buf.chunks_mut(8) {
            let w = self.next_u64().to_le_bytes();
            c.copy_from_slice(&w[..c.len()]);
        }
    }
}

/// The kinds of mutating operation the layer counts and can fail.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Op {
    Write,
    Sync,
    SetLen,
}

/// What a power cut did to one pending write.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    Written,
    Dropped,
    Torn,
    Garbage,
}

/// How a power cut picks outcomes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mix {
    /// Each pending write independently: written, dropped, torn or garbage (equally likely);
    /// each pending length change applied or not.
    Random,
    /// Everything issued reached the disk (what a killed process leaves behind).
    AllWritten,
    /// Nothing since the last sync reached the disk.
    AllDropped,
    /// Each pending write either fully written or dropped.
    WrittenOrDropped,
}

/// Tally of power-cut outcomes over pending writes.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Outcomes {
    pub written: u64,
    pub dropped: u64,
    pub torn: u64,
    pub garbage: u64,
}

impl Outcomes {
    pub fn add(&mut self, o: &Outcomes) {
        self.written += o.written;
        self.dropped += o.dropped;
        self.torn += o.torn;
        self.garbage += o.garbage;
    }
    pub fn total(&self) -> u64 {
        self.written + self.dropped + self.torn + self.garbage
    }
    fn count(&mut self, o: Outcome) {
        match o {
            Outcome::Written => self.written += 1,
            Outcome::Dropped => self.dropped += 1,
            Outcome::Torn => self.torn += 1,
            Outcome::Garbage => self.garbage += 1,
        }
    }
}

#[derive(Clone, Debug)]
enum Pending {
    Write { off: u64, data: Vec<u8> },
    SetLen(u64),
}

#[derive(Default)]
struct State {
    /// The file as of the last successful sync.
    durable: Vec<u8>,
    pending: Vec<Pending>,
    /// Mutating operations seen since the layer was put in place: all, and per kind.
    ops: u64,
    writes: u64,
    syncs: u64,
    set_lens: u64,
    crash_at: Option<u64>,
    crashed: bool,
    /// One-shot failures: (kind, index of that kind, errno).
    faults: Vec<(Op, u64, i32)>,
    faults_fired: u64,
    /// A lasting failure: from the given operation on, every mutating operation fails.
    sticky: Option<(Op, u64, i32)>,
    failing: Option<i32>,
    /// The kind of each mutating operation, in order (for enumerating crash points).
    log: Vec<Op>,
}

/// The shared handle through which a test steers a [`FaultStorage`] and inspects it after the
/// heap is gone. Cloning it shares the same state.
#[derive(Clone, Default)]
pub struct FaultControl(Arc<Mutex<State>>);

impl FaultControl {
    pub fn new() -> FaultControl {
        FaultControl::default()
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        self.0.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// An `Options::wrap_storage` value that puts a [`FaultStorage`] steered by this handle
    /// under the heap. Counters, pending writes and the durable image are reset at wrap time;
    /// scheduled crashes and faults are kept (their indices count from the wrap).
    pub fn wrapper(&self) -> StorageWrapper {
        let ctl = self.clone();
        Box::new(move |fs: FileStorage| Box::new(FaultStorage::new(fs, ctl)) as Box<dyn Storage>)
    }

    /// The process "dies" at mutating operation `k` (0-based, counted from the wrap): that
    /// operation and all later ones fail without effect.
    pub fn crash_at(&self, k: u64) {
        self.lock().crash_at = Some(k);
    }

    /// Crash at the next mutating operation.
    pub fn crash_now(&self) {
        let mut s = self.lock();
        s.crash_at = Some(s.ops);
    }

    /// Fails the `n`-th operation of kind `op` counted from now (0 = the next one) with
    /// `errno`, once. The failed operation has no effect.
    pub fn fail_next(&self, op: Op, n: u64, errno: i32) {
        let mut s = self.lock();
        let base = match op {
            Op::Write => s.writes,
            Op::Sync => s.syncs,
            Op::SetLen => s.set_lens,
        };
        s.faults.push((op, base + n, errno));
    }

    /// Fails the `n`-th operation of kind `op` counted from now, and every mutating operation
    /// after it, with `errno` (a disk that has gone bad for good).
    pub fn fail_from(&self, op: Op, n: u64, errno: i32) {
        let mut s = self.lock();
        let base = match op {
            Op::Write => s.writes,
            Op::Sync => s.syncs,
            Op::SetLen => s.set_lens,
        };
        s.sticky = Some((op, base + n, errno));
    }

    pub fn clear_faults(&self) {
        let mut s = self.lock();
        s.faults.clear();
        s.sticky = None;
        s.failing = None;
    }

    /// Whether a scheduled crash has struck.
    pub fn crashed(&self) -> bool {
        self.lock().crashed
    }

    /// How many injected errno faults have fired.
    pub fn faults_fired(&self) -> u64 {
        self.lock().faults_fired
    }

    /// Mutating operations so far: (all, writes, syncs, set_lens).
    pub fn counts(&self) -> (u64, u64, u64, u64) {
        let s = self.lock();
        (s.ops, s.writes, s.syncs, s.set_lens)
    }

    /// The kinds of the mutating operations so far, in order.
    pub fn log(&self) -> Vec<Op> {
        self.lock().log.clone()
    }

    /// Writes and length changes issued since the last successful sync.
    pub fn pending_writes(&self) -> usize {
        self.lock().pending.iter().filter(|p| matches!(p, Pending::Write { .. })).count()
    }

    /// The durable image (the file as of the last successful sync).
    pub fn durable(&self) -> Vec<u8> {
        self.lock().durable.clone()
    }

    /// The file as the disk would hold it after a power cut now: the durable image plus each
    /// pending write resolved according to `mix`, in issue order. Adds the outcomes to
    /// `tally`. Does not change the layer's state, so several cuts can be drawn from one run.
    pub fn power_cut(&self, rng: &mut Rng, mix: Mix, tally: &mut Outcomes) -> Vec<u8> {
        let s = self.lock();
        let mut img = s.durable.clone();
        for p in &s.pending {
            match p {
                Pending::SetLen(len) => {
                    let apply = match mix {
                        Mix::AllWritten => true,
                        Mix::AllDropped => false,
                        Mix::Random | Mix::WrittenOrDropped => rng.chance(1, 2),
                    };
                    if apply {
                        img.resize(*len as usize, 0);
                    }
                }
                Pending::Write { off, data } => {
                    let off = *off as usize;
                    let nsec = data.len().div_ceil(SECTOR);
                    let outcome = match mix {
                        Mix::AllWritten => Outcome::Written,
                        Mix::AllDropped => Outcome::Dropped,
                        Mix::WrittenOrDropped => {
                            if rng.chance(1, 2) {
                                Outcome::Written
                            } else {
                                Outcome::Dropped
                            }
                        }
                        Mix::Random => match rng.below(4) {
                            0 => Outcome::Written,
                            1 => Outcome::Dropped,
                            2 if nsec >= 2 => Outcome::Torn,
                            2 => Outcome::Garbage,
                            _ => Outcome::Garbage,
                        },
                    };
                    tally.count(outcome);
                    let put = |img: &mut Vec<u8>, at: usize, bytes: &[u8]| {
                        if img.len() < at + bytes.len() {
                            img.resize(at + bytes.len(), 0);
                        }
                        img[at..at + bytes.len()].copy_from_slice(bytes);
                    };
                    match outcome {
                        Outcome::Written => put(&mut img, off, data),
                        Outcome::Dropped => {}
                        Outcome::Garbage => {
                            let mut g = vec![0u8; data.len()];
                            rng.fill(&mut g);
                            put(&mut img, off, &g);
                        }
                        Outcome::Torn => {
                            // A proper subset: at least one sector written and one not.
                            let mut mask: Vec<bool> = (0..nsec).map(|_| rng.chance(1, 2)).collect();
                            let i = rng.below(nsec as u64) as usize;
                            let mut j = rng.below(nsec as u64 - 1) as usize;
                            if j >= i {
                                j += 1;
                            }
                            mask[i] = true;
                            mask[j] = false;
                            for (k, w) in mask.iter().enumerate() {
                                if *w {
                                    let a = k * SECTOR;
                                    let b = (a + SECTOR).min(data.len());
                                    put(&mut img, off + a, &data[a..b]);
                                }
                            }
                        }
                    }
                }
            }
        }
        img
    }
}

impl FaultControl {
    /// The offsets and lengths of the pending writes, in issue order.
    pub fn pending(&self) -> Vec<(u64, usize)> {
        self.lock()
            .pending
            .iter()
            .filter_map(|p| match p {
                Pending::Write { off, data } => Some((*off, data.len())),
                Pending::SetLen(_) => None,
            })
            .collect()
    }

    /// A power cut with chosen outcomes: `choose(i, offset, len)` decides pending write `i`
    /// (written or dropped; torn and garbage use `rng`). Pending length changes are applied.
    pub fn power_cut_with(&self, mut choose: impl FnMut(usize, u64, usize) -> Outcome, rng: &mut Rng) -> Vec<u8> {
        let s = self.lock();
        let mut img = s.durable.clone();
        let mut i = 0;
        for p in &s.pending {
            match p {
                Pending::SetLen(len) => img.resize(*len as usize, 0),
                Pending::Write { off, data } => {
                    let off = *off as usize;
                    let o = choose(i, off as u64, data.len());
                    i += 1;
                    let mut bytes = data.clone();
                    match o {
                        Outcome::Dropped => continue,
                        Outcome::Written => {}
                        Outcome::Garbage => rng.fill(&mut bytes),
                        Outcome::Torn => {
                            // First half of the sectors only.
                            let keep = (data.len().div_ceil(SECTOR) / 2).max(1) * SECTOR;
                            bytes.truncate(keep.min(data.len()));
                        }
                    }
                    if img.len() < off + bytes.len() {
                        img.resize(off + bytes.len(), 0);
                    }
                    img[off..off + bytes.len()].copy_from_slice(&bytes);
                }
            }
        }
        img
    }
}

/// The fault-injecting layer. See the module documentation.
pub struct FaultStorage {
    inner: FileStorage,
    ctl: FaultControl,
}

impl FaultStorage {
    /// Wraps `inner`, taking the file's current content as the durable image.
    pub fn new(inner: FileStorage, ctl: FaultControl) -> FaultStorage {
        {
            let mut s = ctl.lock();
            let len = inner.file().metadata().map(|m| m.len()).unwrap_or(0) as usize;
            let mut durable = vec![0u8; len];
            inner.file().read_exact_at(&mut durable, 0).expect("FaultStorage: reading the heap file");
            s.durable = durable;
            s.pending.clear();
            s.log.clear();
            s.ops = 0;
            s.writes = 0;
            s.syncs = 0;
            s.set_lens = 0;
            s.crashed = false;
            s.faults_fired = 0;
        }
        FaultStorage { inner, ctl }
    }

    /// Counts one mutating operation; Err if it must fail (crash or injected fault).
    fn gate(&self, op: Op) -> io::Result<()> {
        let mut s = self.ctl.lock();
        if s.crashed {
            return Err(io::Error::other("simulated power cut: the process is dead"));
        }
        let k = s.ops;
        s.ops += 1;
        let n = match op {
            Op::Write => {
                s.writes += 1;
                s.writes - 1
            }
            Op::Sync => {
                s.syncs += 1;
                s.syncs - 1
            }
            Op::SetLen => {
                s.set_lens += 1;
                s.set_lens - 1
            }
        };
        s.log.push(op);
        if s.crash_at.is_some_and(|c| k >= c) {
            s.crashed = true;
            return Err(io::Error::other("simulated power cut: the process is dead"));
        }
        if s.sticky.is_some_and(|f| f.0 == op && f.1 == n) {
            s.failing = s.sticky.map(|f| f.2);
        }
        if let Some(errno) = s.failing {
            s.faults_fired += 1;
            return Err(io::Error::from_raw_os_error(errno));
        }
        if let Some(i) = s.faults.iter().position(|f| f.0 == op && f.1 == n) {
            let (_, _, errno) = s.faults.remove(i);
            s.faults_fired += 1;
            return Err(io::Error::from_raw_os_error(errno));
        }
        Ok(())
    }
}

impl Storage for FaultStorage {
    fn read_at(&self, buf: &mut [u8], offset: u64) -> io::Result<()> {
        self.inner.read_at(buf, offset)
    }

    fn write_at(&mut self, buf: &[u8], offset: u64) -> io::Result<()> {
        self.gate(Op::Write)?;
        self.inner.write_at(buf, offset)?;
        self.ctl.lock().pending.push(Pending::Write { off: offset, data: buf.to_vec() });
        Ok(())
    }

    fn sync(&mut self) -> io::Result<()> {
        self.gate(Op::Sync)?;
        let mut s = self.ctl.lock();
        let pending = std::mem::take(&mut s.pending);
        for p in pending {
            match p {
                Pending::SetLen(len) => s.durable.resize(len as usize, 0),
                Pending::Write { off, data } => {
                    let (off, end) = (off as usize, off as usize + data.len());
                    if s.durable.len() < end {
                        s.durable.resize(end, 0);
                    }
                    s.durable[off..end].copy_from_slice(&data);
                }
            }
        }
        Ok(())
    }

    fn len(&self) -> io::Result<u64> {
        self.inner.len()
    }

    fn set_len(&mut self, len: u64) -> io::Result<()> {
        self.gate(Op::SetLen)?;
        self.inner.set_len(len)?;
        self.ctl.lock().pending.push(Pending::SetLen(len));
        Ok(())
    }

    fn file(&self) -> &File {
        self.inner.file()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn layer(tag: &str, content: &[u8]) -> (FaultStorage, FaultControl, std::path::PathBuf) {
        let p = std::env::temp_dir().join(format!("ken-fault-unit-{tag}-{}", std::process::id()));
        std::fs::write(&p, content).unwrap();
        let f = File::options().read(true).write(true).open(&p).unwrap();
        let ctl = FaultControl::new();
        (FaultStorage::new(FileStorage::new(f), ctl.clone()), ctl, p)
    }

    #[test]
    fn pending_writes_resolve_per_outcome() {
        let (mut s, ctl, p) = layer("outcomes", &[0u8; 8192]);
        s.write_at(&[1u8; 4096], 0).unwrap();
        s.sync().unwrap();
        s.write_at(&[2u8; 4096], 4096).unwrap();
        s.set_len(16384).unwrap();
        let mut t = Outcomes::default();
        let mut rng = Rng::new(1);
        let all = ctl.power_cut(&mut rng, Mix::AllWritten, &mut t);
        assert_eq!(all.len(), 16384);
        assert!(all[..4096].iter().all(|&b| b == 1) && all[4096..8192].iter().all(|&b| b == 2));
        let none = ctl.power_cut(&mut rng, Mix::AllDropped, &mut t);
        assert_eq!(none.len(), 8192);
        assert!(none[..4096].iter().all(|&b| b == 1) && none[4096..].iter().all(|&b| b == 0));
        // Random mixes produce every outcome, and torn writes are proper sector subsets.
        let mut seen = Outcomes::default();
        for _ in 0..200 {
            let mut one = Outcomes::default();
            let img = ctl.power_cut(&mut rng, Mix::Random, &mut one);
            let page = &img[4096..8192];
            if one.torn == 1 {
                let secs: Vec<bool> = page.chunks(SECTOR).map(|c| c.iter().all(|&b| b == 2)).collect();
                assert!(secs.iter().any(|&w| w) && secs.iter().any(|&w| !w));
                assert!(page.chunks(SECTOR).all(|c| c.iter().all(|&b| b == 2) || c.iter().all(|&b| b == 0)));
            }
            seen.add(&one);
        }
        assert!(seen.written > 0 && seen.dropped > 0 && seen.torn > 0 && seen.garbage > 0, "{seen:?}");
        // Writes pass through to the real file.
        assert_eq!(std::fs::read(&p).unwrap()[4096], 2);
        let _ = std::fs::remove_file(p);
    }

    #[test]
    fn crash_and_errno_faults() {
        let (mut s, ctl, p) = layer("faults", &[0u8; 4096]);
        ctl.fail_next(Op::Write, 1, libc::ENOSPC);
        s.write_at(&[1], 0).unwrap();
        let e = s.write_at(&[1], 1).unwrap_err();
        assert_eq!(e.raw_os_error(), Some(libc::ENOSPC));
        s.write_at(&[1], 2).unwrap();
        ctl.crash_at(4);
        s.sync().unwrap();
        assert!(s.write_at(&[1], 3).is_err());
        assert!(ctl.crashed());
        assert!(s.sync().is_err());
        assert_eq!(ctl.log(), vec![Op::Write, Op::Write, Op::Write, Op::Sync, Op::Write]);
        let img = ctl.power_cut(&mut Rng::new(0), Mix::AllWritten, &mut Outcomes::default());
        assert_eq!(&img[..4], &[1, 0, 1, 0]);
        let _ = std::fs::remove_file(p);
    }
}
