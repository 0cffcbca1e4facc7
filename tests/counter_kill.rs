//! The counter contract under SIGKILL: after a kill at any instant, the heap holds the last
//! value the child printed or one more (a turn that committed but was not yet printed).

use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

fn example(name: &str) -> PathBuf {
    // target/<profile>/deps/<test> -> target/<profile>/examples/<name>
    let exe = std::env::current_exe().unwrap();
    let dir = exe.parent().unwrap().parent().unwrap().join("examples");
    let path = dir.join(name);
    if !path.exists() {
        let profile = if cfg!(debug_assertions) { vec![] } else { vec!["--release"] };
        let st = Command::new(env!("CARGO"))
            .args(["build", "--example", name])
            .args(profile)
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .status()
            .unwrap();
        assert!(st.success());
    }
    path
}

struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
}

fn stored_value(dir: &std::path::Path) -> u64 {
    let (heap, _) = ken::Heap::open(dir, ken::Options::default()).expect("heap must open after a kill");
    let p: ken::PPtr<u64> = heap.root();
    if p.is_null() { 0 } else { *heap.get(p) }
}

#[test]
fn counter_survives_150_sigkills() {
    let kills: usize = std::env::var("KEN_COUNTER_KILLS").ok().and_then(|s| s.parse().ok()).unwrap_or(150);
    let counter = example("counter");
    let dir = std::env::temp_dir().join(format!("ken-counter-kill-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let seed = Instant::now().elapsed().as_nanos() as u64 | 1;
    let mut rng = Rng(seed ^ 0x9E37_79B9_7F4A_7C15);
    let mut last_printed = 0u64;
    let mut max_seen = 0u64;
    for i in 0..kills {
        let mut child = Command::new(&counter)
            .arg(&dir)
            .arg("100000000")
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let out = child.stdout.take().unwrap();
        let reader = std::thread::spawn(move || {
            let mut last = None;
            for line in BufReader::new(out).lines() {
                match line {
                    Ok(l) => last = Some(l.trim().parse::<u64>().expect("counter prints numbers")),
                    Err(_) => break,
                }
            }
            last
        });
        std::thread::sleep(Duration::from_micros(500 + rng.next() % 30_000));
        child.kill().unwrap(); // SIGKILL
        child.wait().unwrap();
        if let Some(v) = reader.join().unwrap() {
            assert!(v > last_printed, "kill {i}: printed {v} after {last_printed} (seed {seed})");
            last_printed = v;
        }
        let stored = stored_value(&dir);
        assert!(
            stored == last_printed || stored == last_printed + 1,
            "kill {i}: last printed {last_printed}, heap holds {stored} (seed {seed})"
        );
        // The next run continues from what is stored.
        last_printed = stored;
        max_seen = max_seen.max(stored);
    }
    assert!(max_seen > kills as u64, "the child should commit turns between kills (reached {max_seen})");
    let _ = std::fs::remove_dir_all(&dir);
}
