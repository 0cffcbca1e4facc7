//! Crash and storage-fault torture: a real heap over a fault-injecting storage layer
//! (`ken::fault`), random turn sequences checked against a model, and simulated power cuts
//! at every write and sync of a commit and at random instants. After every cut the heap is
//! reopened from the post-cut image and must equal the model's last committed state — or,
//! only when the cut struck inside a commit that had not returned, the state that commit was
//! making (output commit).
//!
//! Short form: `cargo test -p ken --test torture` (well under a minute in debug).
//! Long form:  `KEN_TORTURE=long cargo test --release -p ken --test torture -- --nocapture`
//! (at least 100,000 power cuts; prints the counts).

mod common;
mod torture_support;

use common::TempDir;
use ken::fault::{FaultControl, Mix, Op, Outcome, Outcomes, Rng};
use ken::{Broken, Error, Heap, Opened, Options, SyncMode, HEAP_FILE, PAGE};
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Instant;
use torture_support::{check, check_any, setup, turn_ops, Model, Shape, SHORT};

fn long() -> bool {
    std::env::var("KEN_TORTURE").is_ok_and(|v| v == "long")
}

fn seed_base() -> u64 {
    std::env::var("KEN_TORTURE_SEED").ok().and_then(|s| s.parse().ok()).unwrap_or(0x5EED_0000)
}

#[derive(Default, Debug)]
struct Tally {
    cuts: u64,
    crash_points: u64,
    outcomes: Outcomes,
    fell_back: u64,
    newer: u64,
    divergences: u64,
    first: Vec<String>,
    /// Coverage: the most pages one commit wrote, and the largest heap.
    max_commit_pages: usize,
    max_heap_bytes: u64,
    /// Turns whose every crash point was tried on a heap just recovered by falling back.
    after_fallback: u64,
}

impl Tally {
    fn diverge(&mut self, what: String) {
        self.divergences += 1;
        if self.first.len() < 5 {
            self.first.push(what);
        }
    }
    fn add(&mut self, o: Tally) {
        self.cuts += o.cuts;
        self.crash_points += o.crash_points;
        self.outcomes.add(&o.outcomes);
        self.fell_back += o.fell_back;
        self.newer += o.newer;
        self.divergences += o.divergences;
        self.max_commit_pages = self.max_commit_pages.max(o.max_commit_pages);
        self.max_heap_bytes = self.max_heap_bytes.max(o.max_heap_bytes);
        self.after_fallback += o.after_fallback;
        for f in o.first {
            if self.first.len() < 5 {
                self.first.push(f);
            }
        }
    }
    fn line(&self, what: &str) -> String {
        let o = &self.outcomes;
        format!(
            "torture {what}: {} power cuts at {} crash points (pending writes: written {}, dropped {}, torn {}, garbage {}), \
             {} recoveries fell back, {} kept the interrupted commit, {} turns crashed right after a fall-back; \
             largest commit {} pages, largest heap {} KiB; {} divergences",
            self.cuts,
            self.crash_points,
            o.written,
            o.dropped,
            o.torn,
            o.garbage,
            self.fell_back,
            self.newer,
            self.after_fallback,
            self.max_commit_pages,
            self.max_heap_bytes >> 10,
            self.divergences
        )
    }
}

struct Rig {
    dir: TempDir,
    sync: SyncMode,
    broken: Broken,
    shape: Shape,
}

impl Rig {
    fn new(tag: &str, sync: SyncMode, broken: Broken) -> Rig {
        Rig { dir: TempDir::new(tag), sync, broken, shape: SHORT }
    }
    fn file(&self) -> PathBuf {
        self.dir.path().join(HEAP_FILE)
    }
    fn opts(&self, ctl: Option<&FaultControl>) -> Options {
        Options {
            verify: false,
            sync: self.sync,
            reserve: 1 << 32,
            wrap_storage: ctl.map(|c| c.wrapper()),
            broken: self.broken,
        }
    }
    fn open(&self, ctl: Option<&FaultControl>) -> ken::Result<(Heap, Opened)> {
        Heap::open(self.dir.path(), self.opts(ctl))
    }
    fn put(&self, img: &[u8]) {
        std::fs::write(self.file(), img).unwrap();
    }
    /// A fresh heap with the directory committed (turn 1); returns its image and model.
    fn fresh(&self) -> (Vec<u8>, Model) {
        let _ = std::fs::remove_file(self.file());
        let (mut h, _) = self.open(None).unwrap();
        let m = setup(&mut h).unwrap();
        drop(h);
        (std::fs::read(self.file()).unwrap(), m)
    }
}

/// Writes a post-cut image, reopens it and checks it against the candidates. With `follow`,
/// also runs one more turn on the recovered heap, commits, and checks it and a reopen of it.
/// Returns the matching candidate's index and whether the recovery fell back.
fn verify_cut(rig: &Rig, img: &[u8], cands: &[&Model], t: &mut Tally, follow: Option<&mut Rng>) -> Option<(usize, bool)> {
    t.cuts += 1;
    rig.put(img);
    let (mut h, opened) = match rig.open(None) {
        Ok(x) => x,
        Err(e) => {
            t.diverge(format!("reopen after the cut failed: {e}"));
            return None;
        }
    };
    let fell_back = opened == (Opened::Recovered { fell_back: true });
    if fell_back {
        t.fell_back += 1;
    }
    let i = match check_any(&h, cands) {
        Ok(i) => i,
        Err(e) => {
            t.diverge(e);
            return None;
        }
    };
    if cands.len() == 2 && i == 1 {
        t.newer += 1;
    }
    if let Some(rng) = follow {
        let mut m = cands[i].clone();
        if let Err(e) = turn_ops(&mut h, &mut m, rng, rig.shape).and_then(|_| h.commit()) {
            t.diverge(format!("a turn after recovery failed: {e}"));
            return None;
        }
        if let Err(e) = check(&h, &m) {
            t.diverge(format!("after a turn following recovery: {e}"));
            return None;
        }
        drop(h);
        match rig.open(None) {
            Ok((h, _)) => {
                if let Err(e) = check(&h, &m) {
                    t.diverge(format!("reopen after the turn following recovery: {e}"));
                    return None;
                }
            }
            Err(e) => {
                t.diverge(format!("reopen after the turn following recovery failed: {e}"));
                return None;
            }
        }
    }
    Some((i, fell_back))
}

const MIXES: [Mix; 4] = [Mix::Random, Mix::AllWritten, Mix::WrittenOrDropped, Mix::AllDropped];

/// Crashes one turn (ops + commit, from `seed`) on the heap `base_img` at every mutating
/// operation in turn — each write, sync and file growth — and once after the commit
/// returned; draws `draws` power cuts from each. Returns the image and model after the turn
/// completed (committed, or the base again if the turn was an abort), and one post-cut image
/// whose recovery fell back, with its state, if there was one.
type State = (Vec<u8>, Model);
fn enumerate_turn(
    rig: &Rig,
    base_img: &[u8],
    base: &Model,
    seed: u64,
    draws: u64,
    t: &mut Tally,
    cut_rng: &mut Rng,
) -> (State, Option<State>) {
    let mut fallen: Option<State> = None;
    let abort = Rng::new(seed ^ 0xAB).chance(1, 6);
    for k in 0.. {
        rig.put(base_img);
        let ctl = FaultControl::new();
        ctl.crash_at(k);
        let (mut h, _) = rig.open(Some(&ctl)).expect("opening the base image");
        let mut work = base.clone();
        let mut rng = Rng::new(seed);
        let (in_commit, ok) = match turn_ops(&mut h, &mut work, &mut rng, rig.shape) {
            Err(_) => (false, false),
            Ok(()) if abort => {
                h.rollback().unwrap();
                (false, false)
            }
            Ok(()) => match h.commit() {
                Ok(()) => {
                    t.max_commit_pages = t.max_commit_pages.max(h.stats().last_commit_pages);
                    t.max_heap_bytes = t.max_heap_bytes.max(h.stats().heap_bytes);
                    (true, true)
                }
                Err(e) => {
                    assert!(ctl.crashed(), "commit failed without a fault: {e}");
                    (true, false)
                }
            },
        };
        drop(h);
        let crashed = ctl.crashed();
        t.crash_points += 1;
        let cands: Vec<&Model> = if ok {
            vec![&work]
        } else if in_commit {
            vec![base, &work]
        } else {
            vec![base]
        };
        for d in 0..draws {
            let mix = if d == 0 { Mix::Random } else { MIXES[cut_rng.below(4) as usize] };
            let img = ctl.power_cut(cut_rng, mix, &mut t.outcomes);
            let follow = d == 0 && cut_rng.chance(1, 3);
            let mut frng = Rng::new(cut_rng.next_u64());
            let r = verify_cut(rig, &img, &cands, t, if follow { Some(&mut frng) } else { None });
            if let Some((i, true)) = r {
                if fallen.is_none() || cut_rng.chance(1, 4) {
                    fallen = Some((img, cands[i].clone()));
                }
            }
        }
        if !crashed {
            let img = ctl.power_cut(cut_rng, Mix::AllWritten, &mut Outcomes::default());
            return ((img, if ok { work } else { base.clone() }), fallen);
        }
    }
    unreachable!()
}

/// Runs `turns` consecutive turns, each crashed at every operation.
fn enumerate(rig: &Rig, turns: u64, draws: u64, seed: u64, t: &mut Tally) {
    let mut cut_rng = Rng::new(seed ^ 0xC0FFEE);
    let (mut img, mut m) = rig.fresh();
    for i in 0..turns {
        let (done, fallen) = enumerate_turn(rig, &img, &m, seed.wrapping_mul(1000).wrapping_add(i), draws, t, &mut cut_rng);
        // Half the time, go on from a heap that has just fallen back from a torn commit, so
        // the next turn's commit is crashed at every step right after a recovery.
        match fallen {
            Some(f) if cut_rng.chance(1, 2) => {
                t.after_fallback += 1;
                (img, m) = f;
            }
            _ => (img, m) = done,
        }
    }
}

/// A long life of the heap with power cuts at random instants: each round opens the heap
/// over the fault layer, runs a few turns (some aborted) with a crash scheduled at a random
/// operation (possibly none, possibly during recovery), cuts the power, and continues from
/// whatever state the recovery produced.
fn chain(rig: &Rig, rounds: u64, seed: u64, t: &mut Tally) {
    let mut rng = Rng::new(seed);
    let (_, mut m) = rig.fresh();
    let mut ops_per_turn = 8u64;
    for _ in 0..rounds {
        let ctl = FaultControl::new();
        let turns = rng.range(1, 4);
        let scheduled = rng.chance(7, 8);
        if scheduled {
            ctl.crash_at(rng.below(ops_per_turn * turns + 1));
        }
        let mut cands = vec![m.clone()];
        let (mut h, _) = match rig.open(Some(&ctl)) {
            Ok(x) => x,
            Err(_) if ctl.crashed() => {
                // The crash struck during recovery itself (should recovery ever write).
                t.crash_points += 1;
                let img = ctl.power_cut(&mut rng, Mix::Random, &mut t.outcomes);
                if verify_cut(rig, &img, &[&m], t, None).is_none() {
                    m = rig.fresh().1;
                }
                continue;
            }
            Err(e) => {
                t.diverge(format!("reopen failed: {e}"));
                m = rig.fresh().1;
                continue;
            }
        };
        for _ in 0..turns {
            let before = ctl.counts().0;
            let mut work = m.clone();
            if turn_ops(&mut h, &mut work, &mut rng, rig.shape).is_err() {
                assert!(ctl.crashed());
                break;
            }
            if rng.chance(1, 6) {
                h.rollback().unwrap();
                continue;
            }
            match h.commit() {
                Ok(()) => {
                    m = work;
                    cands = vec![m.clone()];
                    ops_per_turn = (ops_per_turn * 7 + (ctl.counts().0 - before)) / 8 + 1;
                }
                Err(e) => {
                    assert!(ctl.crashed(), "commit failed without a fault: {e}");
                    cands = vec![m.clone(), work];
                    break;
                }
            }
        }
        drop(h);
        t.crash_points += 1;
        let mix = if rng.chance(3, 4) { Mix::Random } else { MIXES[rng.below(4) as usize] };
        let img = ctl.power_cut(&mut rng, mix, &mut t.outcomes);
        let refs: Vec<&Model> = cands.iter().collect();
        match verify_cut(rig, &img, &refs, t, None) {
            Some((i, _)) => m = cands[i].clone(),
            None => {
                // The heap diverged; continue from a fresh heap so the count stays meaningful.
                let (_, fresh) = rig.fresh();
                m = fresh;
            }
        }
    }
}

/// How much to do per sync mode: blocks of `enum_turns` turns crashed at every step (each
/// on a fresh heap) alternate with `chain_rounds` rounds of random-instant crashes, until
/// `cuts` power cuts have been made.
#[derive(Clone, Copy)]
struct Plan {
    enum_turns: u64,
    draws: u64,
    chain_rounds: u64,
    cuts: u64,
}

fn plan() -> Plan {
    if long() {
        // Per sync mode; two sync modes.
        Plan { enum_turns: 40, draws: 3, chain_rounds: 400, cuts: 51_000 }
    } else {
        Plan { enum_turns: 30, draws: 2, chain_rounds: 300, cuts: 1_000 }
    }
}

fn run_mode(sync: SyncMode, broken: Broken, p: &Plan, seed: u64) -> Tally {
    let mut t = Tally::default();
    let rig = Rig::new("torture", sync, broken);
    let mut block = 0u64;
    while t.cuts < p.cuts {
        let s = seed.wrapping_add(block.wrapping_mul(0x9E37_79B9));
        enumerate(&rig, p.enum_turns, p.draws, s, &mut t);
        chain(&rig, p.chain_rounds, s ^ 0x1234_5678, &mut t);
        block += 1;
    }
    t
}

#[test]
fn power_cuts_match_the_model() {
    let started = Instant::now();
    let p = plan();
    let seed = seed_base();
    let threads: Vec<_> = [SyncMode::OnePhase, SyncMode::TwoPhase]
        .into_iter()
        .enumerate()
        .map(|(i, sync)| {
            std::thread::spawn(move || (sync, run_mode(sync, Broken::No, &p, seed + i as u64)))
        })
        .collect();
    let mut total = Tally::default();
    for th in threads {
        let (sync, t) = th.join().unwrap();
        println!("{}", t.line(&format!("{sync:?}")));
        total.add(t);
    }
    println!("{} ({:.1} s)", total.line("total"), started.elapsed().as_secs_f64());
    assert_eq!(total.divergences, 0, "divergences from the model: {:#?}", total.first);
    let o = total.outcomes;
    assert!(o.written > 0 && o.dropped > 0 && o.torn > 0 && o.garbage > 0, "every outcome must occur: {o:?}");
    assert!(total.fell_back > 0 && total.newer > 0, "cuts must land both before and after the commit point");
    if long() {
        assert!(total.cuts >= 100_000, "the long form must make at least 100,000 power cuts");
    }
}


/// The checker is not vacuous: a commit that overwrites committed pages in place is caught
/// in both sync modes, and a recovery that trusts the newest root without checking its pages
/// is caught with the one-sync commit (which relies on that check). With two syncs the pages
/// are durable before the root is written, so the same recovery is correct there, and the
/// suite agrees.
#[test]
fn broken_commit_and_recovery_are_caught() {
    for (broken, sync, must_fail) in [
        (Broken::OverwriteInPlace, SyncMode::OnePhase, true),
        (Broken::OverwriteInPlace, SyncMode::TwoPhase, true),
        (Broken::NoRecoveryCheck, SyncMode::OnePhase, true),
        (Broken::NoRecoveryCheck, SyncMode::TwoPhase, false),
    ] {
        let p = Plan { enum_turns: 8, draws: 2, chain_rounds: 40, cuts: 1 };
        let t = run_mode(sync, broken, &p, seed_base() ^ 0xBAD);
        println!("{}", t.line(&format!("{broken:?} {sync:?}")));
        if must_fail {
            assert!(t.divergences > 0, "{broken:?} with {sync:?} was not caught: {}", t.line("broken"));
        } else {
            assert_eq!(t.divergences, 0, "{broken:?} with {sync:?}: {:#?}", t.first);
        }
    }
}

static FAULTS: AtomicU64 = AtomicU64::new(0);
static GROWTH_FAULTS: AtomicU64 = AtomicU64::new(0);

/// EIO and ENOSPC at every write and every sync of a commit, and when the file grows: the
/// turn fails with a clear error (`DiskFull` for ENOSPC), the heap in memory is back at the
/// last committed state, the next turn commits, and both the reopened heap and a power cut
/// right after the failure show the right state.
#[test]
fn faults_at_the_door() {
    let mut cut_rng = Rng::new(77);
    let mut tally = Outcomes::default();
    for sync in [SyncMode::OnePhase, SyncMode::TwoPhase] {
        let rig = Rig::new("door", sync, Broken::No);
        let (_, mut m) = rig.fresh();
        let mut seed = 1000u64;
        for round in 0..10u64 {
            // Every fifth round's turn allocates a lot, so its commit must grow the file.
            let shape = if round % 5 == 0 { Shape { bulk_every: 1, ..SHORT } } else { SHORT };
            // A dry run to count the commit's writes and syncs.
            let img = std::fs::read(rig.file()).unwrap();
            let ctl = FaultControl::new();
            let (mut h, _) = rig.open(Some(&ctl)).unwrap();
            let mut work = m.clone();
            turn_ops(&mut h, &mut work, &mut Rng::new(seed), shape).unwrap();
            let (_, w0, s0, l0) = ctl.counts();
            h.commit().unwrap();
            let (_, w1, s1, l1) = ctl.counts();
            drop(h);
            rig.put(&img);
            // Every write and sync of the commit, and the file growth when it needs new
            // overflow slots.
            // (Of a commit with many writes: the first and last few, and a sample between.)
            let writes: Vec<u64> = (0..w1 - w0).filter(|&i| i < 3 || i + 3 >= w1 - w0 || cut_rng.chance(1, 8)).collect();
            let targets: Vec<(Op, u64)> = writes
                .into_iter()
                .map(|i| (Op::Write, i))
                .chain((0..s1 - s0).map(|i| (Op::Sync, i)))
                .chain((0..l1 - l0).map(|i| (Op::SetLen, i)))
                .collect();
            for (op, n) in targets {
                for errno in [libc::EIO, libc::ENOSPC] {
                    rig.put(&img);
                    let ctl = FaultControl::new();
                    let (mut h, _) = rig.open(Some(&ctl)).unwrap();
                    let mut work = m.clone();
                    turn_ops(&mut h, &mut work, &mut Rng::new(seed), shape).unwrap();
                    ctl.fail_next(op, n, errno);
                    let err = h.commit().expect_err("an injected fault must fail the commit");
                    assert_eq!(ctl.faults_fired(), 1);
                    FAULTS.fetch_add(1, Ordering::Relaxed);
                    if op == Op::SetLen {
                        GROWTH_FAULTS.fetch_add(1, Ordering::Relaxed);
                    }
                    match (&err, errno) {
                        (Error::DiskFull { .. }, libc::ENOSPC) => {}
                        (Error::Io { source, .. }, libc::EIO) if source.raw_os_error() == Some(libc::EIO) => {}
                        _ => panic!("{op:?} #{n} failing with errno {errno} gave {err:?}"),
                    }
                    assert!(!err.to_string().is_empty());
                    // The in-memory heap is back at the last committed state...
                    check(&h, &m).unwrap_or_else(|e| panic!("after a failed commit ({op:?} #{n}, {errno}): {e}"));
                    // ...a power cut now recovers it...
                    let cut = ctl.power_cut(&mut cut_rng, Mix::Random, &mut tally);
                    // ...and the process can go on: the next turn commits.
                    let mut next = m.clone();
                    turn_ops(&mut h, &mut next, &mut Rng::new(seed + 1), shape).unwrap();
                    h.commit().unwrap_or_else(|e| panic!("the turn after a failed commit ({op:?} #{n}, {errno}): {e}"));
                    check(&h, &next).unwrap();
                    drop(h);
                    let (h, _) = rig.open(None).unwrap();
                    check(&h, &next).unwrap_or_else(|e| panic!("reopen after recovery from {op:?} #{n}, {errno}: {e}"));
                    drop(h);
                    rig.put(&cut);
                    let (h, _) = rig.open(None).unwrap();
                    check(&h, &m).unwrap_or_else(|e| panic!("power cut after a failed commit ({op:?} #{n}, {errno}): {e}"));
                    drop(h);
                }
            }
            // ENOSPC when the file must grow: the allocation fails with DiskFull, the turn is
            // rolled back, the heap goes on.
            rig.put(&img);
            let ctl = FaultControl::new();
            let (mut h, _) = rig.open(Some(&ctl)).unwrap();
            ctl.fail_next(Op::SetLen, 0, libc::ENOSPC);
            let r = h.turn(|h| -> ken::Result<()> {
                for _ in 0..64 {
                    h.alloc(1 << 20)?;
                }
                Ok(())
            });
            assert_eq!(ctl.faults_fired(), 1, "the heap file never grew");
            assert!(matches!(r, Err(Error::DiskFull { .. })), "growth failing with ENOSPC gave {r:?}");
            FAULTS.fetch_add(1, Ordering::Relaxed);
            check(&h, &m).unwrap();
            // Advance the committed state for the next round (the real turn, no fault).
            let mut next = m.clone();
            turn_ops(&mut h, &mut next, &mut Rng::new(seed), shape).unwrap();
            h.commit().unwrap();
            drop(h);
            m = next;
            let (h, _) = rig.open(None).unwrap();
            check(&h, &m).unwrap();
            drop(h);
            seed += 17 + round;
        }
    }
    let growth = GROWTH_FAULTS.load(Ordering::Relaxed);
    println!("torture faults: {} injected EIO/ENOSPC faults ({growth} on file growth in a commit), all handled", FAULTS.load(Ordering::Relaxed));
    assert!(growth > 0, "no commit grew the file");
}

/// A commit whose final sync fails, and whose clean-up (overwriting the new root) fails too:
/// the heap must refuse further turns (`Poisoned`) rather than build on an uncertain disk,
/// and a reopen must find either the last committed state or the failed turn — nothing else.
/// (The failed commit itself returns the sync's `Io` error; its turn may still surface after
/// the reopen, since the new root could not be taken back.)
#[test]
fn double_fault_poisons_and_reopens_cleanly() {
    for sync in [SyncMode::OnePhase, SyncMode::TwoPhase] {
        let rig = Rig::new("double", sync, Broken::No);
        let (_, m) = rig.fresh();
        for (cut, seed) in [(false, 5u64), (true, 6)] {
            let img = std::fs::read(rig.file()).unwrap();
            let ctl = FaultControl::new();
            let (mut h, _) = rig.open(Some(&ctl)).unwrap();
            let mut work = m.clone();
            turn_ops(&mut h, &mut work, &mut Rng::new(seed), rig.shape).unwrap();
            // The commit's last sync fails, and so does everything after it (the clean-up).
            let last_sync = if sync == SyncMode::TwoPhase { 1 } else { 0 };
            ctl.fail_from(Op::Sync, last_sync, libc::EIO);
            match h.commit() {
                Err(Error::Io { source, .. }) if source.raw_os_error() == Some(libc::EIO) => {}
                other => panic!("a failing sync must fail the commit with EIO, got {other:?}"),
            }
            check(&h, &m).unwrap();
            assert!(ctl.faults_fired() >= 2, "the clean-up must have been attempted");
            let mut next = m.clone();
            turn_ops(&mut h, &mut next, &mut Rng::new(seed + 1), rig.shape).unwrap();
            assert!(matches!(h.commit(), Err(Error::Poisoned { .. })), "{sync:?}: a heap whose clean-up failed must refuse turns");
            drop(h);
            if cut {
                let img = ctl.power_cut(&mut Rng::new(seed), Mix::Random, &mut Outcomes::default());
                rig.put(&img);
            }
            let (h, _) = rig.open(None).unwrap();
            check_any(&h, &[&m, &work]).unwrap_or_else(|e| panic!("{sync:?} cut {cut}: {e}"));
            drop(h);
            rig.put(&img);
        }
    }
}

/// A root left behind by a commit that crashed (and was rightly rejected at recovery because
/// one of its pages was torn) must never come back. Here the turn after the recovery writes
/// part of what the crashed turn wrote — the same bytes to the same overflow slot — and is
/// cut before its own root reaches the disk: the stale root of the crashed commit then finds
/// all its pages intact, and recovery resurrects a turn that was rolled back.
///
/// This was a real heap bug, found by this test: after a fall-back the newer root slot still
/// held the rejected root, and the next commit reused its sequence number, its slot and its
/// overflow slots. The heap now records the rejected slot at recovery and zeroes it (and
/// syncs) before the next commit writes anything.
#[test]
fn ghost_root_of_a_rejected_commit_stays_dead() {
    let d = TempDir::new("ghost");
    let opts = |ctl: Option<&FaultControl>| Options {
        sync: SyncMode::OnePhase,
        reserve: 1 << 32,
        wrap_storage: ctl.map(|c| c.wrapper()),
        ..Options::default()
    };
    let page = PAGE as u64;
    // Turn A: three one-page objects a, c, b (a and b not adjacent); turn B: moves them home.
    let (mut h, _) = Heap::open(d.path(), opts(None)).unwrap();
    let a = h.alloc(page).unwrap();
    let c = h.alloc(page).unwrap();
    let b = h.alloc(page).unwrap();
    h.set_root(ken::PPtr::<u64>::from_offset(a));
    h.commit().unwrap();
    h.bytes_mut(c, 1)[0] = 9;
    h.commit().unwrap();
    drop(h);
    let seen = |d: &TempDir| {
        let (h, o) = Heap::open(d.path(), opts(None)).unwrap();
        (h.bytes(a, 1)[0], h.bytes(b, 1)[0], h.bytes(c, 1)[0], o)
    };
    let (a0, b0, c0, _) = seen(&d);
    assert_eq!((a0, b0, c0), (0, 0, 9));

    // Turn N writes a and b; the power fails at its sync. The root and b reached the disk, a
    // did not: recovery rightly rejects root N and falls back.
    let ctl = FaultControl::new();
    let (mut h, _) = Heap::open(d.path(), opts(Some(&ctl))).unwrap();
    h.bytes_mut(a, 1)[0] = 1;
    h.bytes_mut(b, 1)[0] = 1;
    ctl.crash_at(3); // write a, write b, write the root, then the sync
    assert!(h.commit().is_err() && ctl.crashed());
    drop(h);
    let pend = ctl.pending();
    assert_eq!(pend.len(), 3, "pages a and b and the root: {pend:?}");
    let a_loc = pend[0].0;
    let img = ctl.power_cut_with(|i, _, _| if i == 0 { Outcome::Dropped } else { Outcome::Written }, &mut Rng::new(1));
    std::fs::write(d.path().join(HEAP_FILE), &img).unwrap();
    let (a0, b0, _, o) = seen(&d);
    assert_eq!((a0, b0, o), (0, 0, Opened::Recovered { fell_back: true }));

    // Turn N' (after the recovery) writes only a, with the same byte; the power fails at its
    // sync after page a reached the disk but before the new root did.
    let ctl = FaultControl::new();
    let (mut h, _) = Heap::open(d.path(), opts(Some(&ctl))).unwrap();
    h.bytes_mut(a, 1)[0] = 1;
    // zero the rejected slot, sync, write a, write the root, then the sync
    ctl.crash_at(4);
    assert!(h.commit().is_err() && ctl.crashed());
    drop(h);
    let pend = ctl.pending();
    assert_eq!(pend.len(), 2, "page a and the root: {pend:?}");
    assert_eq!(pend[0].0, a_loc, "the retry reuses the crashed commit's overflow slot");
    let img = ctl.power_cut_with(|i, _, _| if i == 0 { Outcome::Written } else { Outcome::Dropped }, &mut Rng::new(2));
    std::fs::write(d.path().join(HEAP_FILE), &img).unwrap();
    // Allowed: before N' (a = 0, b = 0) or N' (a = 1, b = 0). Never b = 1: no turn that
    // wrote b ever committed.
    let (a1, b1, _, o) = seen(&d);
    assert_eq!(b1, 0, "the rejected turn came back (a = {a1}, b = {b1}, opened {o:?})");
}
