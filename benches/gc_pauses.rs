//! Collection pauses against the size of the live heap (baseline for issue 16). A plain bench
//! binary (no criterion: one run per size takes minutes) that prints a table:
//!
//!     cargo bench --bench gc_pauses                      # 10^5 and 10^6 live objects
//!     GC_SIZES=100000,1000000,10000000 cargo bench --bench gc_pauses
//!
//! For each size N a persistent runtime (`Runtime::open`, on disk under target/bench-heaps)
//! gets N/3 records `{ id, name: "item" + i, tags: [a, b] }` in a global array (3 JavaScript
//! allocations per record: the object, its name string, its tags array), built 100,000 records
//! per turn. Then GC_TURNS (default 200) rounds of: one small update turn (writes one field of
//! one record, timed) and one churn turn (GC_CHURN, default 300,000 short-lived allocations,
//! timed). Collections run where the engine puts them (between turns, after the turn that
//! crosses the threshold, i.e. mostly after churn turns), so both kinds of turn are reported,
//! with how many of them ran a collection (`Vm::gc_count`). Then GC_COLLECTS (default 5)
//! explicit full collections are timed: the pause a turn pays when it is the one that collects.
//! Finally the runtime is dropped and a child process (this binary again) reopens the heap and
//! times `Runtime::open`, its first two update turns and then one churn turn, with its peak RSS
//! (VmHWM) after the first turn and at the end.
//!
//! With GC_REPLACE=N, N more turns each replace 100,000 records (old garbage), so that full
//! collections run; the table shows their turns' collection pauses.
//!
//! Environment: GC_SIZES (comma-separated object counts), GC_TURNS, GC_CHURN, GC_COLLECTS, GC_REPLACE,
//! GC_KEEP=1 keeps the heap directories.

use js::Runtime;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

const OBJECTS_PER_RECORD: u64 = 3;
const RECORDS_PER_BUILD_TURN: u64 = 100_000;

fn env_u64(name: &str, default: u64) -> u64 {
    std::env::var(name).ok().and_then(|s| s.trim().parse().ok()).unwrap_or(default)
}

fn scratch(name: &str) -> PathBuf {
    // under target/, on the disk a real heap would use (not a tmpfs /tmp)
    let d = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/bench-heaps").join(name);
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(d.parent().unwrap()).unwrap();
    d
}

fn turn(rt: &mut Runtime, src: &str) -> Option<String> {
    rt.eval_turn(src).unwrap_or_else(|e| panic!("{src}: {}: {}", e.name, e.message))
}

/// One timed turn: its latency, the part of it that was the commit (durability: write-back
/// and fdatasync), whether it ran a collection, and the time it spent collecting.
fn timed(rt: &mut Runtime, src: &str) -> (Duration, Duration, bool, Duration) {
    let (before, gc_before) = (rt.vm().gc_count, rt.vm().gc_time);
    let t = Instant::now();
    turn(rt, src);
    let d = t.elapsed();
    (d, rt.stats().last_commit_latency, rt.vm().gc_count != before, rt.vm().gc_time - gc_before)
}

/// Latencies of one kind of turn: total, commit, and the rest (running it, collecting).
#[derive(Default)]
struct Turns {
    total: Vec<Duration>,
    commit: Vec<Duration>,
    run: Vec<Duration>,
    /// Time spent collecting in each turn (its collection pause).
    pause: Vec<Duration>,
    gcs: usize,
    /// Whether the turn before this one collected (its sweep dirtied many pages).
    after_gc: Vec<bool>,
}

impl Turns {
    fn add(&mut self, (d, c, gc, p): (Duration, Duration, bool, Duration), after_gc: bool) {
        self.after_gc.push(after_gc);
        self.pause.push(p);
        self.total.push(d);
        self.commit.push(c);
        self.run.push(d.saturating_sub(c));
        self.gcs += gc as usize;
    }
    fn show(&self, what: &str) {
        let (t, c, r) = (dist(self.total.clone()), dist(self.commit.clone()), dist(self.run.clone()));
        println!(
            "  {what:<7} turns: total p50 {:7.2} p99 {:7.2} max {:7.2} ms | commit p50 {:6.2} p99 {:6.2} | run+gc p50 {:7.2} p99 {:7.2} max {:7.2} | {} of {} collected",
            t.p50, t.p99, t.max, c.p50, c.p99, r.p50, r.p99, r.max, self.gcs, self.total.len()
        );
        let p = dist(self.pause.clone());
        println!("          collection pause in the turn: p50 {:.2} p99 {:.2} max {:.2} ms", p.p50, p.p99, p.max);
        let split = |after: bool| {
            let v: Vec<Duration> = self.total.iter().zip(&self.after_gc).filter(|(_, &a)| a == after).map(|(&d, _)| d).collect();
            if v.is_empty() { "-".to_string() } else { let d = dist(v.clone()); format!("{} turns, p50 {:.2} max {:.2} ms", v.len(), d.p50, d.max) }
        };
        println!("          right after a turn that collected: {}; otherwise: {}", split(true), split(false));
    }
}

fn peak_rss_kib() -> u64 {
    let s = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    s.lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or(0)
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}

struct Dist {
    p50: f64,
    p99: f64,
    max: f64,
}

fn dist(mut v: Vec<Duration>) -> Dist {
    v.sort();
    let at = |q: f64| ms(v[((v.len() - 1) as f64 * q).round() as usize]);
    Dist { p50: at(0.50), p99: at(0.99), max: ms(*v.last().unwrap()) }
}

const UPDATE: &str = "upd++; db[(upd * 7919) % db.length].name = 'item-' + upd;";

fn churn_src(churn: u64) -> String {
    // three short-lived allocations per iteration: an object, a string, an array
    let iters = (churn / 3).max(1);
    format!("(function () {{ var t = 0; for (var i = 0; i < {iters}; i++) {{ var o = {{ a: i, s: 'x' + i, b: [i, i] }}; t += o.b.length; }} return t; }})(); undefined")
}

struct Row {
    objects: u64,
    records: u64,
    build: Duration,
    live_bytes: u64,
    file_bytes: u64,
    update: Turns,
    churn: Turns,
    collect: Dist,
    minor: Dist,
    replace: Turns,
    full_collections: u64,
    incremental: u64,
    reopen: String,
    first_turn: f64,
}

fn dir_bytes(d: &Path) -> u64 {
    std::fs::read_dir(d).map(|r| r.flatten().filter_map(|e| e.metadata().ok()).map(|m| m.len()).sum()).unwrap_or(0)
}

fn measure(objects: u64, turns: u64, churn: u64, collects: u64, replace_turns: u64) -> Row {
    let records = objects / OBJECTS_PER_RECORD;
    let dir = scratch(&format!("gc-pauses-{objects}"));
    let (mut rt, _) = Runtime::open(&dir).unwrap();
    let t = Instant::now();
    turn(&mut rt, "var db = []; var upd = 0;");
    let mut built = 0;
    while built < records {
        let n = RECORDS_PER_BUILD_TURN.min(records - built);
        turn(
            &mut rt,
            &format!("for (var i = {built}; i < {}; i++) db.push({{ id: i, name: 'item' + i, tags: ['a', 'b'] }});", built + n),
        );
        built += n;
    }
    let build = t.elapsed();
    assert_eq!(turn(&mut rt, "db.length").as_deref(), Some(records.to_string().as_str()));
    rt.collect();
    let live_bytes = rt.stats().live_bytes;
    eprintln!("  built {records} records in {:.1} s, live {} MiB", build.as_secs_f64(), live_bytes >> 20);

    let churn_src = churn_src(churn);
    let (mut update, mut churns) = (Turns::default(), Turns::default());
    let mut last_gc = false;
    for _ in 0..turns {
        let u = timed(&mut rt, UPDATE);
        update.add(u, last_gc);
        let c = timed(&mut rt, &churn_src);
        churns.add(c, u.2);
        last_gc = c.2;
    }
    // old garbage: turns that replace records, so the old generation turns over and full
    // collections (incremental above 32 MiB) run while the program goes on
    let (full_before, inc_before) = (rt.vm().gc_count - rt.vm().gc_minor_count, rt.vm().gc_incremental_count);
    let mut replace = Turns::default();
    let per = RECORDS_PER_BUILD_TURN.min(records);
    for r in 0..replace_turns {
        let src = format!(
            "for (var i = 0; i < {per}; i++) {{ var k = ({r} * {per} + i) % db.length; db[k] = {{ id: k, name: 'item' + k, tags: ['a', 'b'] }}; }}"
        );
        replace.add(timed(&mut rt, &src), false);
    }
    let full_collections = rt.vm().gc_count - rt.vm().gc_minor_count - full_before;
    let incremental = rt.vm().gc_incremental_count - inc_before;
    let mut minors = Vec::new();
    for _ in 0..collects.max(1) {
        turn(&mut rt, UPDATE);
        let t = Instant::now();
        rt.collect_minor();
        minors.push(t.elapsed());
    }
    let mut pauses = Vec::new();
    for _ in 0..collects.max(1) {
        let t = Instant::now();
        rt.collect();
        pauses.push(t.elapsed());
    }
    drop(rt);
    let file_bytes = dir_bytes(&dir);

    // the reopen in a fresh process, so its peak RSS is its own
    let out = Command::new(std::env::current_exe().unwrap()).env("GC_BENCH_REOPEN", &dir).output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout).to_string();
    let reopen = text.lines().filter(|l| !l.starts_with("first_ms=")).collect::<Vec<_>>().join("\n    ");
    assert!(out.status.success(), "reopen child failed: {text} {}", String::from_utf8_lossy(&out.stderr));
    let first_turn = text.split_whitespace().find_map(|w| w.strip_prefix("first_ms=")).and_then(|v| v.parse().ok()).unwrap_or(f64::NAN);
    if std::env::var_os("GC_KEEP").is_none() {
        let _ = std::fs::remove_dir_all(&dir);
    }
    Row { objects, records, build, live_bytes, file_bytes, update, churn: churns, collect: dist(pauses), minor: dist(minors), replace, full_collections, incremental, reopen, first_turn }
}

/// The child: reopen the heap in `dir`; time the open, the first two small update turns and
/// then one churn turn (the first turn that allocates enough to collect); peak RSS after each.
fn reopen(dir: &str, churn: u64) {
    let t = Instant::now();
    let (mut rt, _) = Runtime::open(dir).unwrap();
    let open = t.elapsed();
    let (first, first_commit, gc, _) = timed(&mut rt, UPDATE);
    let rss_first = peak_rss_kib();
    let (second, second_commit, _, _) = timed(&mut rt, UPDATE);
    let (ch, ch_commit, ch_gc, ch_pause) = timed(&mut rt, &churn_src(churn));
    println!(
        "open {:.1} ms; first update turn {:.1} ms (commit {:.1}, collected: {gc}), peak RSS {:.0} MiB; second {:.1} ms (commit {:.1}); then a churn turn {:.1} ms (commit {:.1}, collected: {ch_gc}, pause {:.1} ms), peak RSS {:.0} MiB",
        ms(open),
        ms(first),
        ms(first_commit),
        rss_first as f64 / 1024.0,
        ms(second),
        ms(second_commit),
        ms(ch),
        ms(ch_commit),
        ms(ch_pause),
        peak_rss_kib() as f64 / 1024.0
    );
    // a full collection of the reopened heap: the pages it reads plus its volatile mark data
    let rss_before = peak_rss_kib();
    let t = Instant::now();
    rt.collect();
    println!(
        "then a full collection {:.1} ms, peak RSS {:.0} -> {:.0} MiB (heap file {:.0} MiB)",
        ms(t.elapsed()),
        rss_before as f64 / 1024.0,
        peak_rss_kib() as f64 / 1024.0,
        dir_bytes(Path::new(dir)) as f64 / (1 << 20) as f64
    );
    println!("first_ms={:.3}", ms(first));
}

/// `GC_BENCH_BYTES=N` (benches/gc_bytes.sh): the program as one turn with N records on
/// a fresh heap; live bytes after a full collection, before and after, and the heap's files.
fn bytes_per_record(records: u64) {
    let dir = scratch("gc-bytes");
    let (mut rt, _) = Runtime::open(&dir).unwrap();
    rt.collect();
    let before = rt.stats().live_bytes;
    let t = Instant::now();
    turn(&mut rt, &format!("var db = []; for (var i = 0; i < {records}; i++) db.push({{ id: i, name: 'item' + i, tags: ['a', 'b'] }});"));
    let build = t.elapsed();
    let gcs = rt.vm().gc_count;
    rt.collect();
    let after = rt.stats().live_bytes;
    let rss = peak_rss_kib();
    drop(rt);
    let files = dir_bytes(&dir);
    let _ = std::fs::remove_dir_all(&dir);
    println!(
        "ken_live_delta={} ken_files={} ken_turn_ms={:.0} ken_collections_in_turn={gcs} ken_peak_rss_kib={rss}",
        after - before,
        files,
        ms(build)
    );
}

fn main() {
    if let Ok(n) = std::env::var("GC_BENCH_BYTES") {
        let n: u64 = n.parse().expect("GC_BENCH_BYTES is a record count");
        return std::thread::Builder::new().stack_size(256 << 20).spawn(move || bytes_per_record(n)).unwrap().join().unwrap();
    }
    if let Ok(dir) = std::env::var("GC_BENCH_REOPEN") {
        return reopen(&dir, env_u64("GC_CHURN", 300_000));
    }
    // (the `--bench` flag cargo passes is ignored)
    let sizes: Vec<u64> = std::env::var("GC_SIZES")
        .unwrap_or_else(|_| "100000,1000000".into())
        .split(',')
        .filter_map(|s| s.trim().parse().ok())
        .collect();
    let turns = env_u64("GC_TURNS", 200);
    let churn = env_u64("GC_CHURN", 300_000);
    let collects = env_u64("GC_COLLECTS", 5);
    let replace_turns = env_u64("GC_REPLACE", 0);
    println!("gc_pauses: {turns} small update turns, each followed by a churn turn of {churn} short-lived allocations");
    let mut rows = Vec::new();
    for &n in &sizes {
        eprintln!("N = {n} live objects");
        // the interpreter recurses on the native stack
        let r = std::thread::Builder::new().stack_size(256 << 20).spawn(move || measure(n, turns, churn, collects, replace_turns)).unwrap().join().unwrap();
        println!(
            "N = {} live objects ({} records): built in {:.1} s, live {:.1} MiB ({:.0} B/record), heap files {:.1} MiB",
            r.objects,
            r.records,
            r.build.as_secs_f64(),
            r.live_bytes as f64 / (1 << 20) as f64,
            r.live_bytes as f64 / r.records as f64,
            r.file_bytes as f64 / (1 << 20) as f64
        );
        r.update.show("update");
        r.churn.show("churn");
        if !r.replace.total.is_empty() {
            r.replace.show("replace");
            println!("          ({} full collections in the replace turns, {} of them incremental)", r.full_collections, r.incremental);
        }
        println!("  full collection (explicit, between turns): p50 {:.1} ms, max {:.1} ms", r.collect.p50, r.collect.max);
        println!("  minor collection (explicit, after one update turn): p50 {:.2} ms, max {:.2} ms", r.minor.p50, r.minor.max);
        println!("  reopen (child process): {}", r.reopen);
        rows.push(r);
    }
    if let (Some(a), Some(b)) = (rows.first(), rows.last()) {
        if rows.len() > 1 {
            let p99 = |t: &Turns| dist(t.run.clone()).p99;
            let pause99 = |t: &Turns| dist(t.pause.clone()).p99;
            println!(
                "largest / smallest ({} / {} objects): churn-turn collection pause p99 {:.2}x ({:.2} / {:.2} ms), update-turn pause p99 {:.2} / {:.2} ms, minor collection {:.2}x, full collection {:.1}x, churn turn run+gc p99 {:.1}x, update turn run+gc p99 {:.1}x, first turn after reopen {:.1}x",
                b.objects,
                a.objects,
                pause99(&b.churn) / pause99(&a.churn),
                pause99(&b.churn),
                pause99(&a.churn),
                pause99(&b.update),
                pause99(&a.update),
                b.minor.p50 / a.minor.p50,
                b.collect.p50 / a.collect.p50,
                p99(&b.churn) / p99(&a.churn),
                p99(&b.update) / p99(&a.update),
                b.first_turn / a.first_turn
            );
        }
    }
}
