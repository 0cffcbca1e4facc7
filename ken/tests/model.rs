//! Property test: random sequences of alloc / free / write / commit / abort / reopen against a
//! simple in-memory model. After every operation the heap shows the model's working state;
//! after every reopen, the model's last committed state. Runs in verification mode, so a
//! write the heap forgot to mark dirty faults instead of passing unnoticed.

mod common;
use common::TempDir;
use ken::{Heap, Options};
use quickcheck::{Arbitrary, Gen, QuickCheck};
use std::collections::BTreeMap;

#[derive(Clone, Debug)]
enum Op {
    Alloc(u64),
    Free(usize),
    Write { obj: usize, at: usize, len: usize, byte: u8 },
    Commit,
    Abort,
    Reopen,
}

impl Arbitrary for Op {
    fn arbitrary(g: &mut Gen) -> Op {
        let size = |g: &mut Gen| -> u64 {
            match u8::arbitrary(g) % 10 {
                0 => 2049 + u64::arbitrary(g) % 20_000, // large, page granular
                1 => 1 + u64::arbitrary(g) % 2048,
                _ => 1 + u64::arbitrary(g) % 200,
            }
        };
        match u8::arbitrary(g) % 20 {
            0..=5 => Op::Alloc(size(g)),
            6..=8 => Op::Free(usize::arbitrary(g)),
            9..=14 => Op::Write {
                obj: usize::arbitrary(g),
                at: usize::arbitrary(g),
                len: 1 + usize::arbitrary(g) % 64,
                byte: u8::arbitrary(g),
            },
            15 | 16 => Op::Commit,
            17 | 18 => Op::Abort,
            _ => Op::Reopen,
        }
    }
}

type Model = BTreeMap<u64, Vec<u8>>;

fn check_matches(h: &Heap, m: &Model) -> Result<(), String> {
    for (&off, data) in m {
        if h.bytes(off, data.len()) != &data[..] {
            return Err(format!("object at {off} differs from the model"));
        }
    }
    Ok(())
}

fn run(ops: Vec<Op>) -> Result<(), String> {
    let d = TempDir::new("model");
    let opts = || Options { verify: true, ..Options::default() };
    let (mut h, _) = Heap::open(d.path(), opts()).map_err(|e| e.to_string())?;
    let mut working: Model = BTreeMap::new();
    let mut committed: Model = BTreeMap::new();
    for op in ops {
        match op {
            Op::Alloc(size) => {
                let off = h.alloc(size).map_err(|e| e.to_string())?;
                if h.bytes(off, size as usize).iter().any(|&b| b != 0) {
                    return Err(format!("alloc({size}) at {off} is not zeroed"));
                }
                let end = off + size;
                if let Some((&o, d)) = working.range(..end).next_back() {
                    if o + d.len() as u64 > off {
                        return Err(format!("alloc({size}) at {off} overlaps live object at {o}"));
                    }
                }
                working.insert(off, vec![0; size as usize]);
            }
            Op::Free(i) if !working.is_empty() => {
                let off = *working.keys().nth(i % working.len()).unwrap();
                let data = working.remove(&off).unwrap();
                h.free(off, data.len() as u64);
            }
            Op::Write { obj, at, len, byte } if !working.is_empty() => {
                let n = working.len();
                let (&off, data) = working.iter_mut().nth(obj % n).unwrap();
                let at = at % data.len();
                let len = len.min(data.len() - at);
                data[at..at + len].fill(byte);
                h.bytes_mut(off + at as u64, len).fill(byte);
            }
            Op::Commit => {
                h.commit().map_err(|e| e.to_string())?;
                committed = working.clone();
            }
            Op::Abort => {
                h.rollback().map_err(|e| e.to_string())?;
                working = committed.clone();
            }
            Op::Reopen => {
                drop(h);
                h = Heap::open(d.path(), opts()).map_err(|e| e.to_string())?.0;
                working = committed.clone();
            }
            _ => {}
        }
        check_matches(&h, &working)?;
    }
    let live: u64 = committed.values().map(|d| d.len() as u64).sum();
    drop(h);
    let (h, _) = Heap::open(d.path(), opts()).map_err(|e| e.to_string())?;
    check_matches(&h, &committed)?;
    if h.stats().live_bytes < live {
        return Err(format!("live_bytes {} below the model's {live}", h.stats().live_bytes));
    }
    Ok(())
}

#[test]
fn heap_matches_model() {
    fn prop(ops: Vec<Op>) -> quickcheck::TestResult {
        match run(ops) {
            Ok(()) => quickcheck::TestResult::passed(),
            Err(e) => quickcheck::TestResult::error(e),
        }
    }
    QuickCheck::new().tests(150).quickcheck(prop as fn(Vec<Op>) -> quickcheck::TestResult);
}

#[test]
fn freed_space_is_reused() {
    let d = TempDir::new("reuse");
    let (mut h, _) = Heap::open(d.path(), Options::default()).unwrap();
    let a = h.alloc(100).unwrap();
    h.free(a, 100);
    assert_eq!(h.alloc(100).unwrap(), a, "a freed small block is reused");
    let big = h.alloc(50_000).unwrap();
    h.free(big, 50_000);
    assert_eq!(h.alloc(50_000).unwrap(), big, "a freed page run is reused");
    let x = h.alloc(3000).unwrap();
    h.free(x, 3000);
    let top = h.stats().heap_bytes;
    for _ in 0..1000 {
        let x = h.alloc(3000).unwrap();
        h.free(x, 3000);
    }
    assert_eq!(h.stats().heap_bytes, top, "alloc/free churn does not grow the heap");
    h.commit().unwrap();
}

#[test]
fn adjacent_free_runs_merge_before_the_heap_grows() {
    let d = TempDir::new("merge");
    let (mut h, _) = Heap::open(d.path(), Options::default()).unwrap();
    // 64 one-page objects side by side, all freed: no single run of 8 pages exists.
    let offs: Vec<u64> = (0..64).map(|_| h.alloc(4000).unwrap()).collect();
    for w in offs.windows(2) {
        assert_eq!(w[1], w[0] + 4096, "fresh pages are consecutive");
    }
    for &o in &offs {
        h.free(o, 4000);
    }
    let top = h.stats().heap_bytes;
    for _ in 0..8 {
        let o = h.alloc(8 * 4096).unwrap();
        assert!(o >= offs[0] && o < offs[63] + 4096, "the 8-page object reuses freed pages");
    }
    assert_eq!(h.stats().heap_bytes, top, "no growth: the freed pages were merged");
    h.commit().unwrap();
}
