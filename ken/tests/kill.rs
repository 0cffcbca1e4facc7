//! Real process crashes: a child process (this test binary, re-executed) runs turns on a
//! heap for ever, printing `committing N <digest>` before each commit and `committed N
//! <digest>` only after the commit returned. The parent SIGKILLs it at random instants,
//! reopens the heap and checks that it holds exactly the last state the child reported as
//! committed, or the one it was committing when it died (output commit).
//!
//! Short form: `cargo test -p ken --test kill` (about 30 kills).
//! Long form:  `KEN_TORTURE=long cargo test --release -p ken --test kill -- --nocapture`
//! (at least 1,000 kills; prints the counts).

mod common;
mod torture_support;

use common::TempDir;
use ken::fault::Rng;
use ken::{Heap, Options, SyncMode};
use std::io::{BufRead, BufReader, Write};
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};
use torture_support::{load_model, setup, turn_ops, SHORT};

const CHILD_DIR: &str = "KEN_KILL_CHILD_DIR";
const CHILD_SYNC: &str = "KEN_KILL_CHILD_SYNC";
const CHILD_SEED: &str = "KEN_KILL_CHILD_SEED";

fn long() -> bool {
    std::env::var("KEN_TORTURE").is_ok_and(|v| v == "long")
}

fn opts(sync: SyncMode) -> Options {
    Options { sync, reserve: 1 << 32, ..Options::default() }
}

/// The child's workload. A no-op unless the parent started this binary with `CHILD_DIR` set.
#[test]
fn kill_child_workload() {
    let Ok(dir) = std::env::var(CHILD_DIR) else { return };
    let sync = if std::env::var(CHILD_SYNC).is_ok_and(|s| s == "two") { SyncMode::TwoPhase } else { SyncMode::OnePhase };
    let seed: u64 = std::env::var(CHILD_SEED).ok().and_then(|s| s.parse().ok()).unwrap_or(1);
    let (mut h, _) = Heap::open(&dir, opts(sync)).expect("child: opening the heap");
    let mut out = std::io::stdout();
    writeln!(out).unwrap();
    let mut m = if h.root::<u8>().is_null() {
        let m = setup(&mut h).expect("child: setting up");
        writeln!(out, "committed {} {}", m.turn, m.digest()).unwrap();
        m
    } else {
        load_model(&h).expect("child: the heap it was given is inconsistent")
    };
    writeln!(out, "ready {} {}", m.turn, m.digest()).unwrap();
    out.flush().unwrap();
    let mut rng = Rng::new(seed);
    loop {
        let mut work = m.clone();
        turn_ops(&mut h, &mut work, &mut rng, SHORT).expect("child: a turn failed");
        if rng.chance(1, 8) {
            h.rollback().expect("child: rollback");
            continue;
        }
        writeln!(out, "committing {} {}", work.turn, work.digest()).unwrap();
        out.flush().unwrap();
        h.commit().expect("child: commit");
        writeln!(out, "committed {} {}", work.turn, work.digest()).unwrap();
        out.flush().unwrap();
        m = work;
    }
}

#[derive(Default)]
struct Seen {
    committed: Option<(u64, u64)>,
    committing: Option<(u64, u64)>,
    ready: bool,
}

fn parse(line: &str, seen: &mut Seen) {
    // libtest may prefix the first line with "test kill_child_workload ... ".
    let w: Vec<&str> = line.split_whitespace().collect();
    let Some(at) = w.iter().position(|k| matches!(*k, "ready" | "committed" | "committing")) else { return };
    let (Some(kind), Some(t), Some(d)) = (w.get(at), w.get(at + 1), w.get(at + 2)) else { return };
    let (Ok(t), Ok(d)) = (t.parse::<u64>(), d.parse::<u64>()) else { return };
    match *kind {
        "ready" => {
            seen.ready = true;
            seen.committed = Some((t, d));
        }
        "committed" => seen.committed = Some((t, d)),
        "committing" => seen.committing = Some((t, d)),
        _ => {}
    }
}

#[test]
fn sigkill_at_random_instants() {
    let kills: u64 = if long() { 1_000 } else { 50 };
    let started = Instant::now();
    let d = TempDir::new("kill");
    let exe = std::env::current_exe().unwrap();
    let mut rng = Rng::new(std::env::var("KEN_TORTURE_SEED").ok().and_then(|s| s.parse().ok()).unwrap_or(0xC1D));
    // The state the heap must hold: (turn, digest), as verified after the last kill.
    let mut known: Option<(u64, u64)> = None;
    let (mut in_flight, mut kept_in_flight, mut during_start) = (0u64, 0u64, 0u64);
    for i in 0..kills {
        let sync = if i % 2 == 0 { "one" } else { "two" };
        let mut child = Command::new(&exe)
            .args(["--exact", "kill_child_workload", "--nocapture", "--test-threads=1"])
            .env(CHILD_DIR, d.path())
            .env(CHILD_SYNC, sync)
            .env(CHILD_SEED, rng.next_u64().to_string())
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .spawn()
            .expect("spawning the child");
        let (tx, rx) = mpsc::channel::<String>();
        let stdout = child.stdout.take().unwrap();
        let reader = std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines() {
                let Ok(line) = line else { break };
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        let mut seen = Seen::default();
        // Mostly kill while the workload runs; sometimes during start-up and recovery.
        let early = rng.chance(1, 10);
        if !early {
            let deadline = Instant::now() + Duration::from_secs(60);
            while !seen.ready {
                let line = rx
                    .recv_timeout(deadline.saturating_duration_since(Instant::now()))
                    .unwrap_or_else(|_| panic!("kill {i}: the child never became ready (status {:?})", child.try_wait()));
                parse(&line, &mut seen);
            }
        }
        std::thread::sleep(Duration::from_micros(rng.range(1_000, 100_000)));
        if let Ok(Some(status)) = child.try_wait() {
            panic!("kill {i}: the child exited by itself ({status}); see its stderr above");
        }
        child.kill().unwrap(); // SIGKILL
        let status = child.wait().unwrap();
        assert_eq!(std::os::unix::process::ExitStatusExt::signal(&status), Some(libc::SIGKILL), "kill {i}: {status}");
        reader.join().unwrap();
        for line in rx.try_iter() {
            parse(&line, &mut seen);
        }
        if !seen.ready {
            during_start += 1;
        }
        let last = seen.committed.or(known);
        let flying = seen.committing.filter(|c| last.is_none_or(|l| c.0 == l.0 + 1));
        if flying.is_some() {
            in_flight += 1;
        }

        let (h, _) = Heap::open(d.path(), opts(SyncMode::OnePhase))
            .unwrap_or_else(|e| panic!("kill {i}: reopening after SIGKILL failed: {e}"));
        let got = if h.root::<u8>().is_null() {
            None
        } else {
            let m = load_model(&h).unwrap_or_else(|e| panic!("kill {i}: the recovered heap is inconsistent: {e}"));
            Some((m.turn, m.digest()))
        };
        drop(h);
        if got == last {
            known = got;
        } else if got.is_some() && got == flying {
            kept_in_flight += 1;
            known = got;
        } else {
            panic!("kill {i}: recovered {got:?}; the child reported {last:?} committed and was committing {flying:?}");
        }
    }
    println!(
        "torture: {kills} real SIGKILLs ({in_flight} with a commit in flight, {kept_in_flight} of them recovered that turn, \
         {during_start} during start-up/recovery), last turn {:?}, 0 divergences ({:.1} s)",
        known.map(|k| k.0),
        started.elapsed().as_secs_f64()
    );
}
