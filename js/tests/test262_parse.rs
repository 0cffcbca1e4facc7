//! Parses every in-scope test262 test (both strict and sloppy variants where
//! applicable): positive tests must parse, `negative: phase: parse` tests must be
//! rejected. Prints both rates and the first failures, and asserts >= 99% / >= 95%.
//!
//! Run: `cargo test -p js --release --test test262_parse -- --nocapture`

use js::test262;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;

#[test]
fn test262_parse_rates() {
    let root = match test262::ensure_unpacked() {
        Ok(r) => r,
        Err(e) => {
            println!("{}; skipping", e);
            return;
        }
    };
    let tests = test262::in_scope_tests(&root);
    assert!(!tests.is_empty(), "no in-scope tests found under {}", root.display());
    let pos_total = AtomicUsize::new(0);
    let pos_ok = AtomicUsize::new(0);
    let neg_total = AtomicUsize::new(0);
    let neg_ok = AtomicUsize::new(0);
    let pos_fail = Mutex::new(Vec::<String>::new());
    let neg_fail = Mutex::new(Vec::<String>::new());
    let next = AtomicUsize::new(0);
    let threads = 2;
    std::thread::scope(|s| {
        for _ in 0..threads {
            std::thread::Builder::new()
                .stack_size(512 << 20)
                .spawn_scoped(s, || {
                    let opts_base = js::ParseOptions { stack_budget: 256 << 20, ..Default::default() };
                    loop {
                        let i = next.fetch_add(1, Ordering::Relaxed);
                        if i >= tests.len() {
                            break;
                        }
                        let t = &tests[i];
                        let negative = t.meta.is_parse_negative();
                        for (strict, src) in t.variants() {
                            let opts = js::ParseOptions { strict: false, ..opts_base.clone() };
                            let r = js::parse_with_options(&src, &opts);
                            let tag = if strict { "strict" } else { "sloppy" };
                            if negative {
                                neg_total.fetch_add(1, Ordering::Relaxed);
                                if r.is_err() {
                                    neg_ok.fetch_add(1, Ordering::Relaxed);
                                } else {
                                    neg_fail.lock().unwrap().push(format!("{} [{}]", t.rel, tag));
                                }
                            } else {
                                pos_total.fetch_add(1, Ordering::Relaxed);
                                match r {
                                    Ok(_) => {
                                        pos_ok.fetch_add(1, Ordering::Relaxed);
                                    }
                                    Err(e) => pos_fail.lock().unwrap().push(format!("{} [{}]: {}", t.rel, tag, e)),
                                }
                            }
                        }
                    }
                })
                .unwrap();
        }
    });
    let (pt, po, nt, no) = (
        pos_total.load(Ordering::Relaxed),
        pos_ok.load(Ordering::Relaxed),
        neg_total.load(Ordering::Relaxed),
        neg_ok.load(Ordering::Relaxed),
    );
    let mut pf = pos_fail.into_inner().unwrap();
    let mut nf = neg_fail.into_inner().unwrap();
    pf.sort();
    nf.sort();
    let show = std::env::var("T262_SHOW").ok().and_then(|v| v.parse().ok()).unwrap_or(20usize);
    println!("in-scope test files: {}", tests.len());
    println!("first positive failures ({} total):", pf.len());
    for f in pf.iter().take(show) {
        println!("  {}", f);
    }
    println!("first negative failures (parsed but should not) ({} total):", nf.len());
    for f in nf.iter().take(show) {
        println!("  {}", f);
    }
    let pr = 100.0 * po as f64 / pt.max(1) as f64;
    let nr = 100.0 * no as f64 / nt.max(1) as f64;
    println!("positive tests parsed:        {}/{} = {:.2}%", po, pt, pr);
    println!("parse-negative tests rejected: {}/{} = {:.2}%", no, nt, nr);
    assert!(pr >= 99.0, "positive parse rate {:.2}% < 99%", pr);
    assert!(nr >= 95.0, "negative rejection rate {:.2}% < 95%", nr);
}
