//! The framework benchmark: runs `benches/framework.js` (100,000 records: create, indexed
//! point lookup, indexed range query, full scan with a filter, update) on our engine and prints
//! its figures, including the ratio of an indexed lookup to a scan of the same query, all
//! measured in the same run. It fails if that ratio is below 100x.
//! Run: `cargo bench --bench framework`.

fn main() {
    let src = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/benches/framework.js")).unwrap();
    let ok = std::thread::Builder::new()
        .stack_size(256 << 20)
        .spawn(move || {
            let mut rt = js::Runtime::ephemeral().unwrap();
            let r = rt.eval_script(&src, false);
            for l in rt.take_output() {
                println!("{l}");
            }
            match r {
                Ok(_) => true,
                Err(e) => {
                    eprintln!("framework benchmark failed: {}: {}", e.name, e.message);
                    false
                }
            }
        })
        .unwrap()
        .join()
        .unwrap();
    if !ok {
        std::process::exit(1);
    }
}
