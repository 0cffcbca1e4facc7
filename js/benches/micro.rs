//! Micro cases for the speed rebuild (shapes, inline caches, slot-resolved variables): each is
//! a small JS program in `js/benches/micro/<case>.js` that defines `bench()`. The program is
//! parsed and run once in setup (which defines `bench` and checks its result); the measured
//! loop only calls `bench` on an ephemeral runtime, so parsing is outside the measurement.
//!
//! Run: `cargo bench -p js --bench micro` (about a minute). Ratios to `node --jitless` for the
//! same programs: `benches/micro.sh`.

use criterion::{criterion_group, criterion_main, Criterion};
use js::{Runtime, Value};
use std::time::Duration;

/// (case, source, the value `bench()` returns: a checksum so a broken case cannot look fast)
const CASES: &[(&str, &str, f64)] = &[
    ("loop", include_str!("micro/loop.js"), 20_000.0),
    ("prop_get", include_str!("micro/prop_get.js"), 200_000.0),
    ("prop_set", include_str!("micro/prop_set.js"), 39_999.0),
    ("method_call", include_str!("micro/method_call.js"), 20_000.0),
    ("closure_call", include_str!("micro/closure_call.js"), 20_000.0),
    ("array_push", include_str!("micro/array_push.js"), 39_999.0),
    ("env_heavy", include_str!("micro/env_heavy.js"), 75_000_000.0),
    ("string_concat", include_str!("micro/string_concat.js"), 15_057.0),
    ("global_var", include_str!("micro/global_var.js"), 20_000.0),
];

fn call_bench(rt: &mut Runtime, f: Value) -> Value {
    rt.run_body(|vm| vm.call(f, Value::UNDEFINED, &[])).unwrap_or_else(|e| panic!("bench() threw {}: {}", e.name, e.message))
}

fn bench_micro(c: &mut Criterion) {
    let mut g = c.benchmark_group("micro");
    g.sample_size(10);
    g.warm_up_time(Duration::from_millis(500));
    g.measurement_time(Duration::from_secs(2));
    for &(name, src, expected) in CASES {
        let mut rt = Runtime::ephemeral().expect("ephemeral runtime");
        rt.eval_script(src, false).unwrap_or_else(|e| panic!("{name}: {}: {}", e.name, e.message));
        // a global function: reachable from the realm, so it survives collections (non-moving)
        let f = rt.eval_script("bench", false).expect("bench is defined");
        let first = call_bench(&mut rt, f);
        assert!(first.is_num() && first.as_num() == expected, "{name}: bench() returned a wrong result");
        g.bench_function(name, |b| b.iter(|| call_bench(&mut rt, f)));
    }
    g.finish();
}

criterion_group!(benches, bench_micro);
criterion_main!(benches);
