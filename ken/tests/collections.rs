//! Persistent collections: random operation sequences on `PVec`, `PHashMap` and `PStrMap`
//! against std models with commits, rollbacks and reopens in between; string round trips;
//! a large map across reopen; iteration order; freeing. All in verification mode, so a write
//! a collection forgets to mark dirty faults.

#![allow(clippy::collapsible_match)] // the suggested match guards would hide side effects

mod common;
use common::TempDir;
use ken::collections::{PBox, PHashMap, PStrMap, PString, PVec};
use ken::{Heap, Options, PPtr};
use quickcheck::{Arbitrary, Gen, QuickCheck, TestResult};
use std::collections::{BTreeMap, HashMap};

fn opts() -> Options {
    Options { verify: true, ..Options::default() }
}

fn open(d: &TempDir) -> Heap {
    Heap::open(d.path(), opts()).unwrap().0
}

/// Stores `handle` in a fresh block and makes it the main root, committing.
fn set_root_handle<T: bytemuck::Pod>(h: &mut Heap, handle: T) {
    let p = h.alloc_value(handle).unwrap();
    h.set_root(p);
    h.commit().unwrap();
}

fn root_handle<T: bytemuck::Pod>(h: &Heap) -> T {
    h.read(h.root::<T>())
}

// ----- PVec against Vec ---------------------------------------------------------------------

#[derive(Clone, Debug)]
enum VecOp {
    Push(u64),
    Pop,
    Insert(usize, u64),
    Remove(usize),
    SwapRemove(usize),
    Set(usize, u64),
    Swap(usize, usize),
    Truncate(usize),
    Clear,
    Extend(Vec<u64>),
    ExtendMany(u16),
    Shrink,
    Commit,
    Rollback,
    Reopen,
}

impl Arbitrary for VecOp {
    fn arbitrary(g: &mut Gen) -> VecOp {
        match u8::arbitrary(g) % 24 {
            0..=4 => VecOp::Push(u64::arbitrary(g)),
            5 => VecOp::Pop,
            6 | 7 => VecOp::Insert(usize::arbitrary(g), u64::arbitrary(g)),
            8 => VecOp::Remove(usize::arbitrary(g)),
            9 => VecOp::SwapRemove(usize::arbitrary(g)),
            10 | 11 => VecOp::Set(usize::arbitrary(g), u64::arbitrary(g)),
            12 => VecOp::Swap(usize::arbitrary(g), usize::arbitrary(g)),
            13 => VecOp::Truncate(usize::arbitrary(g) % 600),
            14 => VecOp::Clear,
            15 => VecOp::Extend(Vec::arbitrary(g)),
            16 => VecOp::ExtendMany(u16::arbitrary(g) % 1500),
            17 => VecOp::Shrink,
            18 | 19 => VecOp::Commit,
            20 | 21 => VecOp::Rollback,
            _ => VecOp::Reopen,
        }
    }
}

fn run_vec(ops: Vec<VecOp>) -> Result<(), String> {
    let d = TempDir::new("pvec");
    let mut h = open(&d);
    let base_live = h.stats().live_bytes;
    let v = PVec::<u64>::new(&mut h).unwrap();
    set_root_handle(&mut h, v);
    let mut model: Vec<u64> = Vec::new();
    let mut committed: Vec<u64> = Vec::new();
    for (n, op) in ops.into_iter().enumerate() {
        let v: PVec<u64> = root_handle(&h);
        let len = model.len();
        match op.clone() {
            VecOp::Push(x) => {
                v.push(&mut h, x).unwrap();
                model.push(x);
            }
            VecOp::Pop => {
                if v.pop(&mut h) != model.pop() {
                    return Err(format!("op {n}: pop differs"));
                }
            }
            VecOp::Insert(i, x) => {
                let i = i % (len + 1);
                v.insert(&mut h, i, x).unwrap();
                model.insert(i, x);
            }
            VecOp::Remove(i) if len > 0 => {
                if v.remove(&mut h, i % len) != model.remove(i % len) {
                    return Err(format!("op {n}: remove differs"));
                }
            }
            VecOp::SwapRemove(i) if len > 0 => {
                if v.swap_remove(&mut h, i % len) != model.swap_remove(i % len) {
                    return Err(format!("op {n}: swap_remove differs"));
                }
            }
            VecOp::Set(i, x) if len > 0 => {
                if i % 2 == 0 {
                    v.set(&mut h, i % len, x);
                } else {
                    *v.get_mut(&mut h, i % len).unwrap() = x;
                }
                model[i % len] = x;
            }
            VecOp::Swap(a, b) if len > 0 => {
                v.swap(&mut h, a % len, b % len);
                model.swap(a % len, b % len);
            }
            VecOp::Truncate(k) => {
                v.truncate(&mut h, k);
                model.truncate(k);
            }
            VecOp::Clear => {
                v.clear(&mut h);
                model.clear();
            }
            VecOp::Extend(xs) => {
                v.extend_from_slice(&mut h, &xs).unwrap();
                model.extend_from_slice(&xs);
            }
            VecOp::ExtendMany(k) => {
                let xs: Vec<u64> = (0..k as u64).map(|i| i * 7 + n as u64).collect();
                v.extend_from_slice(&mut h, &xs).unwrap();
                model.extend_from_slice(&xs);
            }
            VecOp::Shrink => {
                v.shrink_to_fit(&mut h).unwrap();
                if v.capacity(&h) < model.len() {
                    return Err(format!("op {n}: shrink below len"));
                }
            }
            VecOp::Commit => {
                h.commit().map_err(|e| e.to_string())?;
                committed = model.clone();
            }
            VecOp::Rollback => {
                h.rollback().map_err(|e| e.to_string())?;
                model = committed.clone();
            }
            VecOp::Reopen => {
                drop(h);
                h = open(&d);
                model = committed.clone();
            }
            _ => {}
        }
        let v: PVec<u64> = root_handle(&h);
        if v.as_slice(&h) != &model[..] || v.len(&h) != model.len() || v.is_empty(&h) != model.is_empty() {
            return Err(format!("op {n} ({op:?}): vector differs from the model"));
        }
        if v.capacity(&h) < v.len(&h) {
            return Err(format!("op {n}: capacity below len"));
        }
        if let Some(last) = model.last() {
            if v.get(&h, model.len() - 1) != Some(last) || v.get(&h, model.len()).is_some() {
                return Err(format!("op {n}: get differs"));
            }
        }
    }
    drop(h);
    let mut h = open(&d);
    let v: PVec<u64> = root_handle(&h);
    if v.to_vec(&h) != committed {
        return Err("after the final reopen the vector is not the last committed state".into());
    }
    v.free(&mut h);
    let root = h.root::<PVec<u64>>();
    h.free_value(root);
    if h.stats().live_bytes != base_live {
        return Err(format!("live_bytes {} after freeing, {base_live} before", h.stats().live_bytes));
    }
    Ok(())
}

#[test]
fn pvec_matches_model() {
    fn prop(ops: Vec<VecOp>) -> TestResult {
        match run_vec(ops) {
            Ok(()) => TestResult::passed(),
            Err(e) => TestResult::error(e),
        }
    }
    QuickCheck::new().tests(100).quickcheck(prop as fn(Vec<VecOp>) -> TestResult);
}

// ----- PHashMap against HashMap -------------------------------------------------------------

#[derive(Clone, Debug)]
enum MapOp {
    Insert(u32, u64),
    Remove(u32),
    Modify(u32, u64),
    InsertMany(u32, u16),
    RemoveRange(u32, u16),
    Clear,
    Commit,
    Rollback,
    Reopen,
}

/// Keys from a small range, so inserts hit existing keys and removes hit present ones.
fn small_key(g: &mut Gen) -> u32 {
    u32::arbitrary(g) % 300
}

impl Arbitrary for MapOp {
    fn arbitrary(g: &mut Gen) -> MapOp {
        match u8::arbitrary(g) % 22 {
            0..=6 => MapOp::Insert(small_key(g), u64::arbitrary(g)),
            7..=10 => MapOp::Remove(small_key(g)),
            11 | 12 => MapOp::Modify(small_key(g), u64::arbitrary(g)),
            13 => MapOp::InsertMany(small_key(g), u16::arbitrary(g) % 700),
            14 => MapOp::RemoveRange(small_key(g), u16::arbitrary(g) % 400),
            15 => MapOp::Clear,
            16 | 17 => MapOp::Commit,
            18 | 19 => MapOp::Rollback,
            _ => MapOp::Reopen,
        }
    }
}

fn check_map(h: &Heap, m: PHashMap<u32, u64>, model: &HashMap<u32, u64>) -> Result<(), String> {
    if m.len(h) != model.len() || m.is_empty(h) != model.is_empty() {
        return Err(format!("len {} != model {}", m.len(h), model.len()));
    }
    for (k, v) in model {
        if m.get(h, k) != Some(v) || !m.contains_key(h, k) {
            return Err(format!("key {k}: {:?} != model {v}", m.get(h, k)));
        }
    }
    for k in [300u32, 1_000_000, u32::MAX] {
        if m.get(h, &k).is_some() != model.contains_key(&k) {
            return Err(format!("key {k} presence differs"));
        }
    }
    let seen: HashMap<u32, u64> = m.iter(h).map(|(k, v)| (*k, *v)).collect();
    if &seen != model || m.iter(h).count() != model.len() {
        return Err("iteration differs from the model".into());
    }
    let sum = |it: &mut dyn Iterator<Item = u64>| it.fold(0u64, |a, b| a.wrapping_add(b));
    if m.keys(h).count() != model.len() || sum(&mut m.values(h).copied()) != sum(&mut model.values().copied()) {
        return Err("keys/values differ".into());
    }
    Ok(())
}

fn run_map(ops: Vec<MapOp>) -> Result<(), String> {
    let d = TempDir::new("pmap");
    let mut h = open(&d);
    let base_live = h.stats().live_bytes;
    let m = PHashMap::<u32, u64>::new(&mut h).unwrap();
    set_root_handle(&mut h, m);
    let mut model: HashMap<u32, u64> = HashMap::new();
    let mut committed = model.clone();
    for (n, op) in ops.into_iter().enumerate() {
        let m: PHashMap<u32, u64> = root_handle(&h);
        match op.clone() {
            MapOp::Insert(k, v) => {
                if m.insert(&mut h, k, v).unwrap() != model.insert(k, v) {
                    return Err(format!("op {n}: insert returned a different old value"));
                }
            }
            MapOp::Remove(k) => {
                if m.remove(&mut h, &k) != model.remove(&k) {
                    return Err(format!("op {n}: remove differs"));
                }
            }
            MapOp::Modify(k, v) => {
                let got = m.get_mut(&mut h, &k).map(|x| {
                    *x = v;
                });
                if got.is_some() != model.contains_key(&k) {
                    return Err(format!("op {n}: get_mut presence differs"));
                }
                if let Some(x) = model.get_mut(&k) {
                    *x = v;
                }
            }
            MapOp::InsertMany(start, count) => {
                for k in start..start + count as u32 {
                    let v = k as u64 * 3 + n as u64;
                    m.insert(&mut h, k, v).unwrap();
                    model.insert(k, v);
                }
            }
            MapOp::RemoveRange(start, count) => {
                for k in start..start + count as u32 {
                    if m.remove(&mut h, &k) != model.remove(&k) {
                        return Err(format!("op {n}: remove of {k} differs"));
                    }
                }
            }
            MapOp::Clear => {
                m.clear(&mut h);
                model.clear();
            }
            MapOp::Commit => {
                h.commit().map_err(|e| e.to_string())?;
                committed = model.clone();
            }
            MapOp::Rollback => {
                h.rollback().map_err(|e| e.to_string())?;
                model = committed.clone();
            }
            MapOp::Reopen => {
                drop(h);
                h = open(&d);
                model = committed.clone();
            }
        }
        check_map(&h, root_handle(&h), &model).map_err(|e| format!("op {n} ({op:?}): {e}"))?;
    }
    drop(h);
    let mut h = open(&d);
    let m: PHashMap<u32, u64> = root_handle(&h);
    check_map(&h, m, &committed).map_err(|e| format!("after the final reopen: {e}"))?;
    m.free(&mut h);
    let root = h.root::<PHashMap<u32, u64>>();
    h.free_value(root);
    if h.stats().live_bytes != base_live {
        return Err(format!("live_bytes {} after freeing, {base_live} before", h.stats().live_bytes));
    }
    Ok(())
}

#[test]
fn phashmap_matches_model() {
    fn prop(ops: Vec<MapOp>) -> TestResult {
        match run_map(ops) {
            Ok(()) => TestResult::passed(),
            Err(e) => TestResult::error(e),
        }
    }
    QuickCheck::new().tests(100).quickcheck(prop as fn(Vec<MapOp>) -> TestResult);
}

// ----- PStrMap against HashMap<String, _> ---------------------------------------------------

#[derive(Clone, Debug)]
enum StrOp {
    Insert(u8, u32),
    Remove(u8),
    Clear,
    Commit,
    Rollback,
    Reopen,
}

impl Arbitrary for StrOp {
    fn arbitrary(g: &mut Gen) -> StrOp {
        match u8::arbitrary(g) % 14 {
            0..=5 => StrOp::Insert(u8::arbitrary(g), u32::arbitrary(g)),
            6..=8 => StrOp::Remove(u8::arbitrary(g)),
            9 => StrOp::Clear,
            10 => StrOp::Commit,
            11 => StrOp::Rollback,
            _ => StrOp::Reopen,
        }
    }
}

/// 80 distinct keys of assorted lengths and scripts (empty, ASCII, accents, CJK, emoji, long).
fn str_key(i: u8) -> String {
    let i = i % 80;
    match i % 6 {
        0 => format!("k{i}"),
        1 => format!("grüße-{i}"),
        2 => format!("日本語{i}"),
        3 => format!("{i}🦀"),
        4 => format!("{}{i}", "long-".repeat(i as usize)),
        _ if i == 5 => String::new(),
        _ => format!("ключ {i}"),
    }
}

fn check_strmap(h: &Heap, m: PStrMap<u32>, model: &HashMap<String, u32>) -> Result<(), String> {
    if m.len(h) != model.len() {
        return Err(format!("len {} != model {}", m.len(h), model.len()));
    }
    for (k, v) in model {
        if m.get(h, k) != Some(v) {
            return Err(format!("key {k:?}: {:?} != model {v}", m.get(h, k)));
        }
    }
    let seen: HashMap<String, u32> = m.iter(h).map(|(k, v)| (k.to_owned(), *v)).collect();
    if &seen != model {
        return Err("iteration differs from the model".into());
    }
    Ok(())
}

fn run_strmap(ops: Vec<StrOp>) -> Result<(), String> {
    let d = TempDir::new("pstrmap");
    let mut h = open(&d);
    let base_live = h.stats().live_bytes;
    let m = PStrMap::<u32>::new(&mut h).unwrap();
    set_root_handle(&mut h, m);
    let mut model: HashMap<String, u32> = HashMap::new();
    let mut committed = model.clone();
    for (n, op) in ops.into_iter().enumerate() {
        let m: PStrMap<u32> = root_handle(&h);
        match op.clone() {
            StrOp::Insert(k, v) => {
                if m.insert(&mut h, &str_key(k), v).unwrap() != model.insert(str_key(k), v) {
                    return Err(format!("op {n}: insert returned a different old value"));
                }
            }
            StrOp::Remove(k) => {
                if m.remove(&mut h, &str_key(k)) != model.remove(&str_key(k)) {
                    return Err(format!("op {n}: remove differs"));
                }
            }
            StrOp::Clear => {
                m.clear(&mut h);
                model.clear();
            }
            StrOp::Commit => {
                h.commit().map_err(|e| e.to_string())?;
                committed = model.clone();
            }
            StrOp::Rollback => {
                h.rollback().map_err(|e| e.to_string())?;
                model = committed.clone();
            }
            StrOp::Reopen => {
                drop(h);
                h = open(&d);
                model = committed.clone();
            }
        }
        check_strmap(&h, root_handle(&h), &model).map_err(|e| format!("op {n} ({op:?}): {e}"))?;
    }
    drop(h);
    let mut h = open(&d);
    let m: PStrMap<u32> = root_handle(&h);
    check_strmap(&h, m, &committed)?;
    m.free(&mut h);
    let root = h.root::<PStrMap<u32>>();
    h.free_value(root);
    if h.stats().live_bytes != base_live {
        return Err(format!("live_bytes {} after freeing (keys leaked?), {base_live} before", h.stats().live_bytes));
    }
    Ok(())
}

#[test]
fn pstrmap_matches_model() {
    fn prop(ops: Vec<StrOp>) -> TestResult {
        match run_strmap(ops) {
            Ok(()) => TestResult::passed(),
            Err(e) => TestResult::error(e),
        }
    }
    QuickCheck::new().tests(60).quickcheck(prop as fn(Vec<StrOp>) -> TestResult);
}

// ----- strings ------------------------------------------------------------------------------

#[test]
fn string_round_trips() {
    let d = TempDir::new("pstring");
    let samples: Vec<String> = vec![
        String::new(),
        "a".into(),
        "hello, world".into(),
        "grüße, Zoë — naïve café".into(),
        "日本語のテキスト".into(),
        "🦀🚀 emoji \u{1F600}".into(),
        "mixed: aé日🦀\u{0}nul".into(),
        "x".repeat(5000) + "ü",
    ];
    let mut h = open(&d);
    let v = PVec::<PString>::new(&mut h).unwrap();
    for s in &samples {
        let p = PString::from_str(&mut h, s).unwrap();
        assert_eq!(p.as_str(&h), s);
        assert_eq!(p.len(&h), s.len());
        assert_eq!(p.is_empty(&h), s.is_empty());
        v.push(&mut h, p).unwrap();
    }
    // Built up piece by piece.
    let built = PString::new(&mut h).unwrap();
    let mut model = String::new();
    for (i, c) in "añ日🦀".chars().cycle().take(700).enumerate() {
        if i % 3 == 0 {
            built.push(&mut h, c).unwrap();
            model.push(c);
        } else {
            let s = format!("{c}{i}");
            built.push_str(&mut h, &s).unwrap();
            model.push_str(&s);
        }
    }
    assert_eq!(built.as_str(&h), model);
    v.push(&mut h, built).unwrap();
    set_root_handle(&mut h, v);
    drop(h);

    let mut h = open(&d);
    let v: PVec<PString> = root_handle(&h);
    let got: Vec<String> = v.iter(&h).map(|s| s.as_str(&h).to_owned()).collect();
    let mut want = samples.clone();
    want.push(model.clone());
    assert_eq!(got, want);
    assert!(v.get(&h, 3).unwrap().eq_str(&h, "grüße, Zoë — naïve café"));

    // Editing after reopen: truncate on a char boundary, set, clear.
    let s = *v.get(&h, 4).unwrap(); // "日本語のテキスト"
    s.truncate(&mut h, "日本語".len());
    assert_eq!(s.as_str(&h), "日本語");
    s.push_str(&mut h, "!").unwrap();
    let t = *v.get(&h, 1).unwrap();
    t.set(&mut h, "ersetzt: ß").unwrap();
    let c = *v.get(&h, 2).unwrap();
    c.clear(&mut h);
    h.commit().unwrap();
    drop(h);
    let h = open(&d);
    let v: PVec<PString> = root_handle(&h);
    assert_eq!(v.get(&h, 4).unwrap().as_str(&h), "日本語!");
    assert_eq!(v.get(&h, 1).unwrap().as_str(&h), "ersetzt: ß");
    assert_eq!(v.get(&h, 2).unwrap().as_str(&h), "");
}

#[test]
#[should_panic(expected = "char boundary")]
fn string_truncate_inside_a_char_panics() {
    let d = TempDir::new("pstring-trunc");
    let mut h = open(&d);
    let s = PString::from_str(&mut h, "日本").unwrap();
    s.truncate(&mut h, 1);
}

#[test]
fn invalid_utf8_is_an_error_not_ub() {
    let d = TempDir::new("pstring-bad");
    let mut h = open(&d);
    // A PVec<u8> with invalid UTF-8, seen through a PString handle.
    let raw = PVec::<u8>::from_slice(&mut h, &[b'o', b'k', 0xff, 0xfe]).unwrap();
    let s = PString::from_offset(raw.offset());
    assert!(s.try_as_str(&h).is_err());
    assert_eq!(s.as_bytes(&h), &[b'o', b'k', 0xff, 0xfe]);
    assert!(std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| s.as_str(&h).len())).is_err());
}

// ----- large map, order, relocation, nesting ------------------------------------------------

#[test]
fn map_with_100k_entries_survives_reopen() {
    const N: u64 = 100_000;
    let key = |i: u64| i.wrapping_mul(0x9E37_79B9_7F4A_7C15);
    let d = TempDir::new("pmap-100k");
    let mut h = open(&d);
    let m = PHashMap::<u64, u64>::new(&mut h).unwrap();
    for i in 0..N {
        assert_eq!(m.insert(&mut h, key(i), i).unwrap(), None);
    }
    assert_eq!(m.len(&h), N as usize);
    set_root_handle(&mut h, m);
    drop(h);

    let mut h = open(&d);
    let m: PHashMap<u64, u64> = root_handle(&h);
    assert_eq!(m.len(&h), N as usize);
    for i in 0..N {
        assert_eq!(m.get(&h, &key(i)), Some(&i), "entry {i}");
    }
    assert_eq!(m.iter(&h).count(), N as usize);
    assert_eq!(m.values(&h).sum::<u64>(), N * (N - 1) / 2);
    // Remove every other entry, update the rest, and reopen again.
    for i in (0..N).step_by(2) {
        assert_eq!(m.remove(&mut h, &key(i)), Some(i));
    }
    for i in (1..N).step_by(2) {
        *m.get_mut(&mut h, &key(i)).unwrap() += 1;
    }
    h.commit().unwrap();
    drop(h);
    let h = open(&d);
    let m: PHashMap<u64, u64> = root_handle(&h);
    assert_eq!(m.len(&h), (N / 2) as usize);
    for i in 0..N {
        let want = if i % 2 == 0 { None } else { Some(i + 1) };
        assert_eq!(m.get(&h, &key(i)).copied(), want, "entry {i}");
    }
}

#[test]
fn iteration_order_does_not_matter() {
    // The same entries inserted in different orders give maps with the same contents; the
    // iteration order of one map is stable across reopen (it depends only on the heap).
    let d = TempDir::new("pmap-order");
    let mut h = open(&d);
    let keys: Vec<u64> = (0..2000u64).map(|i| i * 31 + 7).collect();
    let mut shuffled = keys.clone();
    let mut x = 12345u64;
    for i in (1..shuffled.len()).rev() {
        x = x.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        shuffled.swap(i, (x >> 33) as usize % (i + 1));
    }
    let orders = [keys.clone(), keys.iter().rev().copied().collect::<Vec<_>>(), shuffled];
    let maps: Vec<PHashMap<u64, u64>> = orders
        .iter()
        .map(|order| {
            let m = PHashMap::new(&mut h).unwrap();
            for &k in order {
                m.insert(&mut h, k, k * 2).unwrap();
            }
            // Churn: remove and re-add a third, so the layouts differ even more.
            for &k in order.iter().step_by(3) {
                m.remove(&mut h, &k).unwrap();
            }
            for &k in order.iter().step_by(3) {
                m.insert(&mut h, k, k * 2).unwrap();
            }
            m
        })
        .collect();
    let want: BTreeMap<u64, u64> = keys.iter().map(|&k| (k, k * 2)).collect();
    let mut before = Vec::new();
    for &m in &maps {
        let got: BTreeMap<u64, u64> = m.iter(&h).map(|(k, v)| (*k, *v)).collect();
        assert_eq!(got, want);
        assert_eq!(m.len(&h), want.len());
        before.push(m.iter(&h).map(|(k, _)| *k).collect::<Vec<_>>());
    }
    let store = PVec::from_slice(&mut h, &maps).unwrap();
    set_root_handle(&mut h, store);
    drop(h);
    let h = open(&d);
    let store: PVec<PHashMap<u64, u64>> = root_handle(&h);
    for (i, m) in store.iter(&h).enumerate() {
        let after: Vec<u64> = m.iter(&h).map(|(k, _)| *k).collect();
        assert_eq!(after, before[i], "iteration order of map {i} changed across reopen");
    }
}

#[test]
fn collections_work_in_a_copy_mapped_elsewhere() {
    // Two heaps open at once (the original and a byte copy) are mapped at different
    // addresses; the copy must read the same collections.
    let d = TempDir::new("coll-reloc");
    let d2 = TempDir::new("coll-reloc-copy");
    {
        let mut h = open(&d);
        let m = PStrMap::<PVec<u32>>::new(&mut h).unwrap();
        for name in ["alpha", "βeta", "γάμμα", "δ"] {
            let v = PVec::from_slice(&mut h, &[name.len() as u32; 5]).unwrap();
            m.insert(&mut h, name, v).unwrap();
        }
        h.set_named_root("names", PPtr::<u8>::from_offset(m.offset())).unwrap();
        h.commit().unwrap();
    }
    std::fs::copy(d.path().join(ken::HEAP_FILE), d2.path().join(ken::HEAP_FILE)).unwrap();
    let a = open(&d);
    let b = open(&d2);
    assert_ne!(a.base_address(), b.base_address());
    for h in [&a, &b] {
        let m = PStrMap::<PVec<u32>>::from_offset(h.named_root::<u8>("names").unwrap().offset());
        assert_eq!(m.len(h), 4);
        for name in ["alpha", "βeta", "γάμμα", "δ"] {
            let v = m.get(h, name).unwrap();
            assert_eq!(v.as_slice(h), &[name.len() as u32; 5]);
        }
    }
}

#[test]
fn nested_collections_and_boxes() {
    #[derive(Clone, Copy, bytemuck::Pod, bytemuck::Zeroable)]
    #[repr(C)]
    struct Account {
        owner: PString,
        history: PVec<i64>,
        balance: i64,
    }
    let d = TempDir::new("coll-nested");
    let mut h = open(&d);
    h.turn(|h| -> ken::Result<()> {
        let accounts = PHashMap::<u64, PBox<Account>>::new(h)?;
        for id in 0..50u64 {
            let acc = Account {
                owner: PString::from_str(h, &format!("owner {id} — ü"))?,
                history: PVec::new(h)?,
                balance: 0,
            };
            let b = PBox::new(h, acc)?;
            accounts.insert(h, id, b)?;
        }
        for id in 0..50u64 {
            let b = *accounts.get(h, &id).unwrap();
            for t in 0..id as i64 {
                let acc = b.read(h);
                acc.history.push(h, t)?;
                b.get_mut(h).balance += t;
            }
        }
        h.set_named_root("accounts", PPtr::<u8>::from_offset(accounts.offset()))?;
        Ok(())
    })
    .unwrap();
    // A failed turn changes nothing.
    let r: ken::Result<()> = h.turn(|h| {
        let accounts = PHashMap::<u64, PBox<Account>>::from_offset(h.named_root::<u8>("accounts").unwrap().offset());
        let b = *accounts.get(h, &3).unwrap();
        b.read(h).history.push(h, 1000).unwrap();
        accounts.remove(h, &4);
        Err(ken::Error::Invalid("abort".into()))
    });
    assert!(r.is_err());
    drop(h);
    let mut h = open(&d);
    let accounts = PHashMap::<u64, PBox<Account>>::from_offset(h.named_root::<u8>("accounts").unwrap().offset());
    assert_eq!(accounts.len(&h), 50);
    for id in 0..50u64 {
        let acc = accounts.get(&h, &id).unwrap().read(&h);
        assert_eq!(acc.owner.as_str(&h), format!("owner {id} — ü"));
        assert_eq!(acc.history.to_vec(&h), (0..id as i64).collect::<Vec<_>>());
        assert_eq!(acc.balance, (0..id as i64).sum::<i64>());
    }
    let b = *accounts.get(&h, &7).unwrap();
    let acc = b.read(&h);
    b.set(&mut h, Account { balance: -1, ..acc });
    assert_eq!(b.get(&h).balance, -1);
}

// ----- freeing ------------------------------------------------------------------------------

#[test]
fn frees_return_space() {
    let d = TempDir::new("coll-free");
    let mut h = open(&d);
    let base = h.stats().live_bytes;

    let v = PVec::<u64>::new(&mut h).unwrap();
    for i in 0..10_000 {
        v.push(&mut h, i).unwrap();
    }
    let m = PHashMap::<u64, [u8; 24]>::new(&mut h).unwrap();
    for i in 0..5_000u64 {
        m.insert(&mut h, i, [i as u8; 24]).unwrap();
    }
    let sm = PStrMap::<u64>::new(&mut h).unwrap();
    for i in 0..1_000u64 {
        sm.insert(&mut h, &format!("name-{i}-ß"), i).unwrap();
    }
    let s = PString::from_str(&mut h, &"text ".repeat(1000)).unwrap();
    let b = PBox::new(&mut h, [7u64; 9]).unwrap();
    let grown = h.stats().live_bytes;
    // Buffers hold at most about twice the data, headers aside.
    assert!(grown - base >= 10_000 * 8 + 5_000 * 32 + 5_000);
    assert!(grown - base < 4 * (10_000 * 8 + 8 * 5_000 * 32 + 1_000 * 64 + 5_000), "{}", grown - base);
    h.commit().unwrap();
    drop(h);

    let mut h = open(&d);
    // Removing from a map returns the key strings' space.
    for i in 0..500u64 {
        assert_eq!(sm.remove(&mut h, &format!("name-{i}-ß")), Some(i));
    }
    let after_remove = h.stats().live_bytes;
    assert!(after_remove < grown);
    v.free(&mut h);
    m.free(&mut h);
    sm.free(&mut h);
    s.free(&mut h);
    b.free(&mut h);
    assert_eq!(h.stats().live_bytes, base);
    h.commit().unwrap();

    // Grow-and-free cycles reuse space instead of growing the heap.
    let top = {
        let v = PVec::<u64>::from_slice(&mut h, &[1; 3000]).unwrap();
        v.free(&mut h);
        h.stats().heap_bytes
    };
    for round in 0..20 {
        let v = PVec::<u64>::new(&mut h).unwrap();
        let m = PHashMap::<u32, u32>::new(&mut h).unwrap();
        for i in 0..3000 {
            v.push(&mut h, i).unwrap();
            m.insert(&mut h, i as u32, round).unwrap();
        }
        v.free(&mut h);
        m.free(&mut h);
    }
    assert_eq!(h.stats().live_bytes, base);
    assert!(h.stats().heap_bytes <= top + 2 * 1024 * 1024, "heap grew from {top} to {}", h.stats().heap_bytes);
    h.commit().unwrap();
}

#[test]
fn rolled_back_growth_leaves_no_trace() {
    let d = TempDir::new("coll-rollback");
    let mut h = open(&d);
    let m = PHashMap::<u64, u64>::new(&mut h).unwrap();
    let v = PVec::<u32>::new(&mut h).unwrap();
    for i in 0..10 {
        m.insert(&mut h, i, i).unwrap();
        v.push(&mut h, i as u32).unwrap();
    }
    h.commit().unwrap();
    let live = h.stats().live_bytes;
    for i in 10..5000 {
        m.insert(&mut h, i, i).unwrap();
        v.push(&mut h, i as u32).unwrap();
    }
    m.remove(&mut h, &3);
    h.rollback().unwrap();
    assert_eq!(h.stats().live_bytes, live);
    assert_eq!(m.len(&h), 10);
    assert_eq!(v.as_slice(&h), &(0..10).collect::<Vec<u32>>()[..]);
    assert_eq!(m.get(&h, &3), Some(&3));
    assert_eq!(m.get(&h, &4000), None);
    // Still usable after the rollback.
    m.insert(&mut h, 4000, 1).unwrap();
    h.commit().unwrap();
    assert_eq!(m.get(&h, &4000), Some(&1));
}

#[test]
fn odd_sized_elements_and_keys() {
    let d = TempDir::new("coll-odd");
    let mut h = open(&d);
    let v = PVec::<[u16; 3]>::new(&mut h).unwrap();
    let m = PHashMap::<[u8; 5], [u16; 3]>::with_capacity(&mut h, 100).unwrap();
    assert!(m.capacity(&h) >= 100);
    for i in 0..1000u16 {
        v.push(&mut h, [i, i + 1, i + 2]).unwrap();
        m.insert(&mut h, [i as u8, (i >> 8) as u8, 1, 2, 3], [i; 3]).unwrap();
    }
    v.insert(&mut h, 0, [9; 3]).unwrap();
    assert_eq!(v.remove(&mut h, 0), [9; 3]);
    h.commit().unwrap();
    drop(h);
    let mut h = open(&d);
    for i in 0..1000u16 {
        assert_eq!(v.get(&h, i as usize), Some(&[i, i + 1, i + 2]));
        assert_eq!(m.get(&h, &[i as u8, (i >> 8) as u8, 1, 2, 3]), Some(&[i; 3]));
    }
    *m.get_or_insert_with(&mut h, [0; 5], || [5; 3]).unwrap() = [6; 3];
    assert_eq!(m.get(&h, &[0; 5]), Some(&[6; 3]));
    assert_eq!(*m.get_or_insert_with(&mut h, [0; 5], || [5; 3]).unwrap(), [6; 3]);
    assert_eq!(m.len(&h), 1001);
}

#[test]
fn null_handles() {
    assert!(PVec::<u8>::NULL.is_null());
    assert!(PString::default().is_null());
    assert!(PHashMap::<u64, u64>::NULL.is_null());
    assert!(PStrMap::<u64>::NULL.is_null());
    assert!(PBox::<u64>::NULL.is_null());
    let z: PVec<u64> = bytemuck::Zeroable::zeroed();
    assert!(z.is_null());
    assert_eq!(std::mem::size_of::<PStrMap<PVec<u8>>>(), 8);
}
