//! Heap benchmarks (criterion). Each figure has its reference measured in the same run:
//!
//! - `commit/1-page` next to `commit/bare-pwrite-fdatasync` (a 4 KiB pwrite + fdatasync loop
//!   on a file in the same directory): the cost of a turn over the raw cost of durability;
//! - `commit-vs-size/{1MiB,256MiB}`: the same 1-page dirty set on a small and a large heap;
//! - `open/{1MiB,256MiB}`: opening (and closing) a committed heap of each size;
//! - `alloc-free/{ken,system}`: 1000 64-byte allocations and frees.
//!
//! After criterion's report the ratios are printed from its estimates:
//!     cargo bench --bench heap

use criterion::{criterion_group, Criterion};
use ken::{Heap, Options, PPtr};
use std::fs::File;
use std::hint::black_box;
use std::os::unix::fs::FileExt;
use std::path::{Path, PathBuf};
use std::time::Duration;

fn scratch(name: &str) -> PathBuf {
    // Under target/, i.e. on the disk a real heap would use (not a tmpfs /tmp).
    let d = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/bench-heaps").join(name);
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

/// A committed heap holding `bytes` of data, with one small object as its root.
fn heap_of_size(name: &str, bytes: u64) -> (Heap, PathBuf) {
    let dir = scratch(name);
    let (mut h, _) = Heap::open(&dir, Options::default()).unwrap();
    let chunk = 1 << 20;
    let mut filled = 0;
    while filled + chunk <= bytes {
        let off = h.alloc(chunk).unwrap();
        h.bytes_mut(off, chunk as usize).fill(0xA5);
        filled += chunk;
        h.commit().unwrap();
    }
    let p = h.alloc_value(0u64).unwrap();
    h.set_root(p);
    h.commit().unwrap();
    (h, dir)
}

fn bump(h: &mut Heap) {
    let p: PPtr<u64> = h.root();
    *h.get_mut(p) += 1;
    h.commit().unwrap();
}

fn commit(c: &mut Criterion) {
    let mut g = c.benchmark_group("commit");
    g.measurement_time(Duration::from_secs(4));
    let (mut h, dir) = heap_of_size("commit", 0);
    g.bench_function("1-page", |b| b.iter(|| bump(&mut h)));
    let f = File::options().read(true).write(true).create(true).truncate(true).open(dir.join("bare")).unwrap();
    f.set_len(1 << 20).unwrap();
    let page = vec![0x5Au8; 4096];
    let mut i = 0u64;
    g.bench_function("bare-pwrite-fdatasync", |b| {
        b.iter(|| {
            i = (i + 1) % 256;
            f.write_all_at(&page, i * 4096).unwrap();
            f.sync_data().unwrap();
        })
    });
    g.finish();
}

fn commit_vs_size(c: &mut Criterion) {
    let mut g = c.benchmark_group("commit-vs-size");
    g.measurement_time(Duration::from_secs(4));
    for (label, size) in [("1MiB", 1u64 << 20), ("256MiB", 256 << 20)] {
        let (mut h, _) = heap_of_size(&format!("size-{label}"), size);
        g.bench_function(label, |b| b.iter(|| bump(&mut h)));
    }
    g.finish();
}

fn open(c: &mut Criterion) {
    let mut g = c.benchmark_group("open");
    for (label, size) in [("1MiB", 1u64 << 20), ("256MiB", 256 << 20)] {
        let (mut h, dir) = heap_of_size(&format!("open-{label}"), size);
        bump(&mut h);
        drop(h);
        g.bench_function(label, |b| {
            b.iter(|| {
                let (h, _) = Heap::open(&dir, Options::default()).unwrap();
                black_box(h.stats().heap_bytes);
            })
        });
    }
    g.finish();
}

fn alloc_free(c: &mut Criterion) {
    let mut g = c.benchmark_group("alloc-free");
    let (mut h, _) = heap_of_size("alloc", 0);
    let mut offs = Vec::with_capacity(1000);
    g.bench_function("ken", |b| {
        b.iter(|| {
            for _ in 0..1000 {
                offs.push(h.alloc(64).unwrap());
            }
            for o in offs.drain(..) {
                h.free(o, 64);
            }
        })
    });
    let mut boxes: Vec<Box<[u8; 64]>> = Vec::with_capacity(1000);
    g.bench_function("system", |b| {
        b.iter(|| {
            for _ in 0..1000 {
                boxes.push(black_box(Box::new([0u8; 64])));
            }
            boxes.clear();
        })
    });
    g.finish();
}

criterion_group!(benches, commit, commit_vs_size, open, alloc_free);

/// Criterion's mean estimate for `group/bench`, in nanoseconds.
fn mean_ns(group: &str, bench: &str) -> Option<f64> {
    let p = Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("target/criterion/{group}/{bench}/new/estimates.json"));
    let s = std::fs::read_to_string(p).ok()?;
    let at = s.find("\"mean\"")?;
    let rest = &s[at..];
    let pe = rest.find("\"point_estimate\":")? + "\"point_estimate\":".len();
    let end = rest[pe..].find([',', '}'])?;
    rest[pe..pe + end].trim().parse().ok()
}

fn print_ratios() {
    let ratio = |name: &str, a: (&str, &str), b: (&str, &str), limit: f64| {
        if let (Some(x), Some(y)) = (mean_ns(a.0, a.1), mean_ns(b.0, b.1)) {
            let r = x / y;
            let verdict = if r <= limit { "ok" } else { "OVER" };
            println!("ratio {name}: {r:.2} ({:.1} us / {:.1} us; limit {limit}) {verdict}", x / 1e3, y / 1e3);
        }
    };
    println!("\n== ken heap ratios (same run) ==");
    ratio("1-page commit / bare pwrite+fdatasync", ("commit", "1-page"), ("commit", "bare-pwrite-fdatasync"), 2.0);
    ratio("commit at 256 MiB / at 1 MiB", ("commit-vs-size", "256MiB"), ("commit-vs-size", "1MiB"), 1.3);
    ratio("open at 256 MiB / at 1 MiB", ("open", "256MiB"), ("open", "1MiB"), 2.0);
    ratio("alloc+free ken / system", ("alloc-free", "ken"), ("alloc-free", "system"), f64::INFINITY);
}

fn main() {
    benches();
    Criterion::default().configure_from_args().final_summary();
    print_ratios();
}
