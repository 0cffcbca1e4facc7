//! SIGKILL while collections run: a child process keeps running turns that allocate, churn
//! and mutate old records, with collections (minor and full) at every safe point or at their
//! natural rate; it is killed at random instants, and the heap it leaves must hold exactly
//! the committed turns, every record intact.

mod common;
use common::{big_stack, turn, Dir};
use js::Runtime;
use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const SETUP: &str = "if (typeof db === 'undefined') { var db = [], n = 0, sum = 0, wm = new WeakMap(); } n";

fn step(churn: u32) -> String {
    format!(
        "n++; var r = {{ id: n, name: 'item' + n, tags: [n, n + 1] }}; db.push(r); sum += n; wm.set(r, 'w' + n);
         var j = (n * 7919) % db.length; db[j].v = n; db[j].chk = 'c' + n;
         var t = 0; for (var i = 0; i < {churn}; i++) {{ var o = {{ a: i, s: 'x' + i, b: [i] }}; t += o.b.length; }}
         n"
    )
}

const CHECK: &str = "(function () {
    if (db.length !== n) return 'length ' + db.length + ' for n ' + n;
    var s = 0;
    for (var k = 0; k < db.length; k++) {
        var r = db[k];
        if (r.id !== k + 1 || r.name !== 'item' + (k + 1) || r.tags[0] !== r.id || r.tags[1] !== r.id + 1) return 'record ' + k;
        if (wm.get(r) !== 'w' + r.id) return 'weak entry ' + k;
        if (r.v !== undefined && r.chk !== 'c' + r.v) return 'update ' + k;
        s += r.id;
    }
    return s === sum ? 'ok ' + n : 'sum';
})()";

/// The child: run turns until killed, printing `n gc_count gc_ms` after each commit.
#[test]
#[ignore = "the child process of sigkill_during_collections_loses_nothing"]
fn gc_kill_child() {
    let Some(dir) = std::env::var_os("GC_KILL_DIR") else { return };
    let stress = std::env::var_os("GC_KILL_STRESS").is_some();
    big_stack(move || {
        let (mut rt, _) = Runtime::open(&dir).unwrap();
        rt.set_gc_stress(stress);
        turn(&mut rt, SETUP);
        let src = step(if stress { 200 } else { 20_000 });
        loop {
            let n = turn(&mut rt, &src).unwrap();
            let vm = rt.vm();
            println!("{n} {} {}", vm.gc_count, vm.gc_time.as_millis());
        }
    });
}

struct Rng(u64);
impl Rng {
    fn below(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 % n
    }
}

#[test]
fn sigkill_during_collections_loses_nothing() {
    let kills: u64 = std::env::var("KEN_GC_KILLS").ok().and_then(|s| s.parse().ok()).unwrap_or(if cfg!(debug_assertions) { 8 } else { 30 });
    let d = Dir::new("gc-kill");
    let mut rng = Rng(Instant::now().elapsed().as_nanos() as u64 | 0x5DEE_CE66);
    let (mut committed, mut collections, mut gc_ms, mut run_ms) = (0u64, 0u64, 0u64, 0u64);
    for k in 0..kills {
        let stress = k % 2 == 0;
        let mut cmd = Command::new(std::env::current_exe().unwrap());
        cmd.args(["gc_kill_child", "--exact", "--ignored", "--nocapture", "--test-threads=1"]).env("GC_KILL_DIR", &d.0);
        if stress {
            cmd.env("GC_KILL_STRESS", "1");
        }
        let mut child = cmd.stdout(Stdio::piped()).stderr(Stdio::null()).spawn().unwrap();
        let out = child.stdout.take().unwrap();
        let lines = std::thread::spawn(move || BufReader::new(out).lines().map_while(Result::ok).collect::<Vec<String>>());
        let started = Instant::now();
        // a debug build needs longer to open the heap and reach its first turns
        let floor = if cfg!(debug_assertions) { 500 } else { 150 };
        std::thread::sleep(Duration::from_millis(floor + rng.below(500)));
        child.kill().unwrap();
        child.wait().unwrap();
        run_ms += started.elapsed().as_millis() as u64;
        // the last turn the child reported committed (the harness prints other lines too)
        let reports: Vec<(u64, u64, u64)> = lines
            .join()
            .unwrap()
            .iter()
            .filter_map(|l| {
                let w: Vec<u64> = l.split_whitespace().map_while(|x| x.parse().ok()).collect();
                (w.len() == 3).then(|| (w[0], w[1], w[2]))
            })
            .collect();
        if let Some(&(n, c, ms)) = reports.last() {
            assert!(n >= committed, "reported turn {n} after {committed}");
            committed = n;
            collections += c;
            gc_ms += ms;
        }
        let dir = d.0.clone();
        let (n, check) = big_stack(move || {
            let (mut rt, _) = Runtime::open(&dir).unwrap();
            let n: u64 = turn(&mut rt, SETUP).unwrap().parse().unwrap();
            let first = turn(&mut rt, CHECK).unwrap();
            // and after a full collection of the recovered heap
            rt.collect();
            let second = turn(&mut rt, CHECK).unwrap();
            assert_eq!(first, second);
            (n, first)
        });
        assert_eq!(check, format!("'ok {n}'"), "after kill {k}");
        assert!(n == committed || n == committed + 1, "the heap holds turn {n}; the child last reported {committed}");
        committed = n;
    }
    eprintln!("{kills} kills: {committed} turns committed, {collections} collections in the children, {gc_ms} ms of {run_ms} ms collecting");
    assert!(committed >= kills, "the children made progress: {committed} turns");
    assert!(collections > kills * 5, "collections ran in the children: {collections}");
}
