//! Runs the framework's JavaScript tests (`framework/tests/*.js`) on our engine. Each file runs
//! in its own persistent runtime: the harness and the file are one turn, then every
//! `test(name, fn)` it registered runs as its own turn; each is reported by name, and any
//! failure fails the Rust test with the names and messages.

use js::Runtime;
use std::path::{Path, PathBuf};

const FILES: &[&str] = &["schema", "query", "index", "assoc", "hooks", "transaction", "migrate"];

fn tests_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("framework/tests")
}

fn run_file(name: &'static str) {
    let result = std::thread::Builder::new()
        .stack_size(256 << 20)
        .spawn(move || run_file_on_thread(name))
        .unwrap()
        .join()
        .unwrap();
    if let Err(failures) = result {
        panic!("{} failing test(s) in framework/tests/{name}.js:\n{}", failures.len(), failures.join("\n"));
    }
}

fn run_file_on_thread(name: &str) -> Result<(), Vec<String>> {
    let dir = std::env::temp_dir().join(format!("ken-framework-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let harness = std::fs::read_to_string(tests_dir().join("harness.js")).unwrap();
    let source = std::fs::read_to_string(tests_dir().join(format!("{name}.js"))).unwrap();
    let (mut rt, _) = Runtime::open(&dir).unwrap();
    rt.eval_turn(&harness).unwrap_or_else(|e| panic!("harness.js: {}: {}", e.name, e.message));
    if let Err(e) = rt.eval_turn(&source) {
        panic!("{name}.js did not load: {}: {}", e.name, e.message);
    }
    rt.take_output();
    let count = rt.eval_script("__tests.length", false).unwrap().as_num() as usize;
    assert!(count > 0, "{name}.js registered no tests");
    let mut failures = Vec::new();
    for i in 0..count {
        let outcome = rt.eval_turn(&format!("var __result = __runTest({i});"));
        rt.take_output();
        let text = match outcome {
            Ok(_) => {
                let v = rt.eval_script("__result", false).unwrap();
                rt.vm().string_lossy(v)
            }
            Err(e) => format!("{{\"name\":\"#{i}\",\"ok\":false,\"message\":\"turn failed: {}\"}}", e.message),
        };
        let ok = text.contains("\"ok\":true");
        let test_name = field(&text, "name");
        println!("framework/tests/{name}.js :: {test_name} ... {}", if ok { "ok" } else { "FAILED" });
        if !ok {
            failures.push(format!("  {test_name}: {}", field(&text, "message")));
        }
    }
    drop(rt);
    let _ = std::fs::remove_dir_all(&dir);
    if failures.is_empty() {
        Ok(())
    } else {
        Err(failures)
    }
}

/// A string field of the harness's JSON result (the names and messages we write have no
/// escaped quotes that matter for display).
fn field(json: &str, key: &str) -> String {
    let pat = format!("\"{key}\":\"");
    match json.find(&pat) {
        Some(i) => {
            let rest = &json[i + pat.len()..];
            let mut out = String::new();
            let mut chars = rest.chars();
            while let Some(c) = chars.next() {
                match c {
                    '\\' => out.extend(chars.next()),
                    '"' => break,
                    c => out.push(c),
                }
            }
            out
        }
        None => String::new(),
    }
}

#[test]
fn every_test_file_is_run() {
    let mut found: Vec<String> = std::fs::read_dir(tests_dir())
        .unwrap()
        .filter_map(|e| e.ok()?.file_name().into_string().ok())
        .filter_map(|n| n.strip_suffix(".js").map(str::to_string))
        .filter(|n| n != "harness")
        .collect();
    found.sort();
    let mut listed: Vec<String> = FILES.iter().map(|s| s.to_string()).collect();
    listed.sort();
    assert_eq!(found, listed, "every framework/tests/*.js file has a #[test] below");
}

#[test]
fn schema() {
    run_file("schema");
}
#[test]
fn query() {
    run_file("query");
}
#[test]
fn index() {
    run_file("index");
}
#[test]
fn assoc() {
    run_file("assoc");
}
#[test]
fn hooks() {
    run_file("hooks");
}
#[test]
fn transaction() {
    run_file("transaction");
}
#[test]
fn migrate() {
    run_file("migrate");
}
