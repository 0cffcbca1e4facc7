//! Parsing throughput on the concatenated Are We Fast Yet sources, repeated to a
//! few MB (falls back to a synthetic source when ../shared is missing).
//!
//! Run: `cargo bench -p js --bench parse` (criterion prints MiB/s).

use criterion::{criterion_group, criterion_main, Criterion, Throughput};

fn corpus() -> String {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/bench/awfy");
    let mut one = String::new();
    if let Ok(rd) = std::fs::read_dir(&dir) {
        let mut files: Vec<_> = rd.flatten().map(|e| e.path()).filter(|p| p.extension().map(|e| e == "js").unwrap_or(false)).collect();
        files.sort();
        for f in files {
            if let Ok(s) = std::fs::read_to_string(&f) {
                // each file is wrapped in a function so repeated top-level
                // let/const/class declarations do not collide
                one.push_str("(function () {\n");
                one.push_str(&s);
                one.push_str("\n});\n");
            }
        }
    }
    if one.is_empty() {
        one = synthetic();
    }
    let mut out = String::new();
    while out.len() < 4 << 20 {
        out.push_str(&one);
    }
    out
}

fn synthetic() -> String {
    let mut s = String::new();
    for i in 0..200 {
        s.push_str(&format!(
            "class C{i} extends Base {{\n  constructor(a, b = {i}) {{ super(a); this.x = a + b * 2; }}\n  \
             get value() {{ return this.x ?? 0; }}\n  run(list) {{\n    let sum = 0;\n    for (const [k, v] of list) {{ if (k % 2 === 0) sum += v; else continue; }}\n    \
             return `sum ${{sum}} of ${{list.length}}`;\n  }}\n}}\nfunction f{i}(o, ...rest) {{ var {{a, b: [c, d] = []}} = o; return /a+b/g.test(a) ? c?.d : rest.map(x => x ** 2); }}\n"
        ));
    }
    s
}

fn bench_parse(c: &mut Criterion) {
    let src = corpus();
    // sanity: the corpus must parse
    js::parse_script(&src, false).expect("benchmark corpus must parse");
    let mut g = c.benchmark_group("parse");
    g.throughput(Throughput::Bytes(src.len() as u64));
    g.sample_size(20);
    g.bench_function("awfy_x_n", |b| b.iter(|| js::parse_script(std::hint::black_box(&src), false).unwrap()));
    g.finish();
}

criterion_group!(benches, bench_parse);
criterion_main!(benches);
