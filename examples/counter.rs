//! The Rust face of the seed's demo: a persistent counter.
//!
//!     cargo run --release --example counter -- DIR [N]
//!
//! Opens (or creates) the heap in DIR and runs N turns (default 1), each incrementing a
//! persistent u64. Each new value is printed only after its turn committed, so a value you
//! saw is never lost, whatever happens to the process.

use ken::{Heap, Options, PPtr};
use std::io::Write;
use std::process::ExitCode;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (dir, n) = match args.as_slice() {
        [dir] => (dir.clone(), 1),
        [dir, n] => match n.parse::<u64>() {
            Ok(n) => (dir.clone(), n),
            Err(_) => return usage(&format!("N must be a whole number, not {n:?}")),
        },
        _ => return usage("expected DIR [N]"),
    };
    match run(&dir, n) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("counter: {e}");
            ExitCode::FAILURE
        }
    }
}

fn usage(why: &str) -> ExitCode {
    eprintln!("counter: {why}\nusage: counter DIR [N]");
    ExitCode::from(2)
}

fn run(dir: &str, n: u64) -> ken::Result<()> {
    let (mut heap, _) = Heap::open(dir, Options::default())?;
    let stdout = std::io::stdout();
    for _ in 0..n {
        let value = heap.turn(|h| -> ken::Result<u64> {
            let mut counter: PPtr<u64> = h.root();
            if counter.is_null() {
                counter = h.alloc_value(0u64)?;
                h.set_root(counter);
            }
            *h.get_mut(counter) += 1;
            Ok(*h.get(counter))
        })?;
        // Output commit: the turn is durable before anyone sees its value.
        let mut out = stdout.lock();
        let _ = writeln!(out, "{value}");
        let _ = out.flush();
    }
    Ok(())
}
