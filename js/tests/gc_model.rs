//! The collector against a model (quickcheck): random allocations, links, unlinks, dropped
//! roots, minor and full collections, commits and rollbacks over the cell allocator on a real
//! heap, and incremental full collections advanced in slices between them. After every
//! collection each cell the model can reach must hold exactly what the model
//! says (so nothing reachable was freed or reused), and a full collection must find exactly the
//! reachable cells' bytes live.

use hashbrown::HashMap;
use js::vm::cells::{footprint, header, kind, Cells, Gen};
use js::vm::value::Value;
use ken::{Heap, Options, PPtr};
use quickcheck::{QuickCheck, TestResult};

#[derive(Clone, Copy, PartialEq, Debug)]
enum Slot {
    Int(u64),
    Ptr(u64),
}

#[derive(Clone, Default)]
struct Model {
    /// id -> (offset, slots after the id word)
    cells: HashMap<u64, (u64, Vec<Slot>)>,
    roots: Vec<u64>,
    next: u64,
}

impl Model {
    fn reachable(&self) -> Vec<u64> {
        let mut seen: hashbrown::HashSet<u64> = hashbrown::HashSet::new();
        let mut stack = self.roots.clone();
        while let Some(id) = stack.pop() {
            if seen.insert(id) {
                for s in &self.cells[&id].1 {
                    if let Slot::Ptr(t) = s {
                        stack.push(*t);
                    }
                }
            }
        }
        seen.into_iter().collect()
    }
    fn pick(&self, n: u8) -> Option<u64> {
        let mut ids: Vec<u64> = self.cells.keys().copied().collect();
        ids.sort_unstable();
        (!ids.is_empty()).then(|| ids[n as usize % ids.len()])
    }
    fn value(&self, s: Slot) -> Value {
        match s {
            Slot::Int(n) => Value::int(n),
            Slot::Ptr(id) => Value::cell(self.cells[&id].0),
        }
    }
}

fn write_slot(heap: &mut Heap, off: u64, i: usize, v: Value) {
    heap.write(PPtr::<u64>::from_offset(off + 16 + 8 * i as u64), v.0);
}

/// Every reachable cell holds what the model says; then the model forgets the rest.
fn check_and_prune(heap: &Heap, m: &mut Model) -> Result<(), String> {
    let live = m.reachable();
    for &id in &live {
        let (off, slots) = &m.cells[&id];
        let hdr = heap.read(PPtr::<u64>::from_offset(*off));
        if hdr as u8 != kind::LIST || (hdr >> 32) as usize != slots.len() + 1 {
            return Err(format!("cell {id} at {off}: header {hdr:#x}"));
        }
        if heap.read(PPtr::<u64>::from_offset(off + 8)) != Value::int(id).0 {
            return Err(format!("cell {id} at {off}: id word changed"));
        }
        for (i, s) in slots.iter().enumerate() {
            let got = heap.read(PPtr::<u64>::from_offset(off + 16 + 8 * i as u64));
            if got != m.value(*s).0 {
                return Err(format!("cell {id} slot {i}: {got:#x}, expected {s:?}"));
            }
        }
    }
    m.cells.retain(|id, _| live.contains(id));
    Ok(())
}

/// Runs `ops`; returns how many incremental full collections finished.
fn run(ops: &[(u8, u8, u8, u8)]) -> Result<usize, String> {
    let dir = std::env::temp_dir().join(format!("js-gc-model-{}-{:?}", std::process::id(), std::thread::current().id()));
    let _ = std::fs::remove_dir_all(&dir);
    let (mut heap, _) = Heap::open(&dir, Options::default()).map_err(|e| e.to_string())?;
    let meta = Cells::create(&mut heap).unwrap();
    heap.commit().unwrap();
    let mut cells = Cells::load(&heap, meta)?;
    let mut m = Model::default();
    let mut committed = m.clone();
    let mut finished = 0;
    let result = (|| {
        for &(op, a, b, c) in ops {
            match op % 12 {
                0..=2 => {
                    // a small cell, now and then a large one (> 2 KiB)
                    let n = if c % 23 == 0 { 300 } else { 1 + b as usize % 6 };
                    let id = m.next;
                    m.next += 1;
                    let size = 16 + 8 * n as u64;
                    let off = cells.alloc(&mut heap, size, header(kind::LIST, 0, 0, n as u32 + 1)).unwrap();
                    heap.write(PPtr::<u64>::from_offset(off + 8), Value::int(id).0);
                    let mut slots = vec![Slot::Int(0); n];
                    // point at an existing cell straight away, sometimes
                    if let (true, Some(t)) = (a % 2 == 0, m.pick(a / 2)) {
                        slots[0] = Slot::Ptr(t);
                    }
                    for (i, s) in slots.iter().enumerate() {
                        write_slot(&mut heap, off, i, m.value(*s));
                    }
                    m.cells.insert(id, (off, slots));
                    m.roots.push(id);
                }
                3 | 4 => {
                    let (Some(x), Some(y)) = (m.pick(a), m.pick(b)) else { continue };
                    let i = c as usize % m.cells[&x].1.len();
                    let v = m.value(Slot::Ptr(y));
                    let off = m.cells[&x].0;
                    write_slot(&mut heap, off, i, v);
                    m.cells.get_mut(&x).unwrap().1[i] = Slot::Ptr(y);
                }
                5 => {
                    let Some(x) = m.pick(a) else { continue };
                    let i = c as usize % m.cells[&x].1.len();
                    let off = m.cells[&x].0;
                    write_slot(&mut heap, off, i, Value::int(b as u64));
                    m.cells.get_mut(&x).unwrap().1[i] = Slot::Int(b as u64);
                }
                6 => {
                    if !m.roots.is_empty() {
                        let i = a as usize % m.roots.len();
                        m.roots.swap_remove(i);
                    }
                }
                7 | 8 => {
                    let gen = if op % 12 == 8 && b % 3 == 0 { Gen::Major } else { Gen::Minor };
                    let roots: Vec<Value> = m.roots.iter().map(|&id| m.value(Slot::Ptr(id))).collect();
                    let written = heap.take_written_pages();
                    cells.mark(&heap, roots, gen, written);
                    let live = match gen {
                        Gen::Minor => cells.sweep_minor(&mut heap).1,
                        Gen::Major => cells.sweep(&mut heap).1,
                    };
                    check_and_prune(&heap, &mut m)?;
                    if gen == Gen::Major {
                        let want: u64 = m.cells.values().map(|(_, s)| footprint(16 + 8 * s.len() as u64)).sum();
                        if live != want {
                            return Err(format!("a full collection found {live} bytes live, the model {want}"));
                        }
                    }
                }
                10 => {
                    if !cells.incremental_active() {
                        let roots: Vec<Value> = m.roots.iter().map(|&id| m.value(Slot::Ptr(id))).collect();
                        cells.start_incremental(roots);
                    }
                }
                11 => {
                    if cells.incremental_active() && cells.incremental_step(&heap, 1 + b as usize % 8) {
                        let roots: Vec<Value> = m.roots.iter().map(|&id| m.value(Slot::Ptr(id))).collect();
                        let written = heap.take_written_pages();
                        cells.finish_incremental(&heap, roots, written);
                        finished += 1;
                        let live = cells.sweep(&mut heap).1;
                        check_and_prune(&heap, &mut m)?;
                        // what died during the marking may be kept until the next one
                        let want: u64 = m.cells.values().map(|(_, s)| footprint(16 + 8 * s.len() as u64)).sum();
                        if live < want {
                            return Err(format!("an incremental full collection found {live} bytes live, the model {want}"));
                        }
                    }
                }
                _ => {
                    if c % 4 == 0 {
                        heap.rollback().unwrap();
                        cells.reload(&heap)?;
                        m = committed.clone();
                    } else {
                        heap.commit().unwrap();
                        committed = m.clone();
                    }
                }
            }
        }
        // a last full collection after everything
        let roots: Vec<Value> = m.roots.iter().map(|&id| m.value(Slot::Ptr(id))).collect();
        let written = heap.take_written_pages();
        cells.mark(&heap, roots, Gen::Major, written);
        cells.sweep(&mut heap);
        check_and_prune(&heap, &mut m).map(|()| finished)
    })();
    drop(heap);
    let _ = std::fs::remove_dir_all(&dir);
    result
}

#[test]
fn quickcheck_collections_keep_exactly_what_the_model_reaches() {
    fn prop(ops: Vec<(u8, u8, u8, u8)>) -> TestResult {
        match run(&ops) {
            Ok(_) => TestResult::passed(),
            Err(e) => TestResult::error(e),
        }
    }
    let tests = if cfg!(debug_assertions) { 150 } else { 600 };
    QuickCheck::new().tests(tests).rng(quickcheck::Gen::new(400)).quickcheck(prop as fn(Vec<(u8, u8, u8, u8)>) -> TestResult);
}

#[test]
fn long_random_runs_keep_exactly_what_the_model_reaches() {
    // longer sequences than quickcheck's sizes: many collection periods with survivors
    let mut x = 0x2545_F491_4F6C_DD1Du64;
    let mut finished = 0;
    let runs = if cfg!(debug_assertions) { 3 } else { 12 };
    for _ in 0..runs {
        let ops: Vec<(u8, u8, u8, u8)> = (0..6000)
            .map(|_| {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                let b = x.to_le_bytes();
                (b[0], b[1], b[2], b[3])
            })
            .collect();
        finished += run(&ops).unwrap();
    }
    assert!(finished >= runs, "incremental collections finished: {finished} in {runs} runs");
}
