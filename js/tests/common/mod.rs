//! What the engine's integration tests share: a large stack, a throwaway state directory,
//! evaluating a source to text, and checking a table of (source, expected text) cases.
#![allow(dead_code)] // each test file uses a part

use js::Runtime;
use std::path::PathBuf;

/// Runs `f` on a thread with a stack big enough for the recursive evaluator.
pub fn big_stack<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> T {
    std::thread::Builder::new().stack_size(256 << 20).spawn(f).unwrap().join().unwrap()
}

/// A state directory under the system's temp dir, removed when dropped.
pub struct Dir(pub PathBuf);
impl Dir {
    pub fn new(name: &str) -> Dir {
        let d = std::env::temp_dir().join(format!("js-test-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&d);
        Dir(d)
    }
}
impl Drop for Dir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// One committed turn; panics on an uncaught exception.
pub fn turn(rt: &mut Runtime, src: &str) -> Option<String> {
    rt.eval_turn(src).unwrap_or_else(|e| panic!("{src}: {e}"))
}

/// The result of `src` as text: strings as they are, other values inspected; an uncaught
/// exception as "Name: message".
pub fn ev(rt: &mut Runtime, src: &str) -> String {
    match rt.eval_script(src, false) {
        Ok(v) => {
            let vm = rt.vm();
            if v.is_str() {
                vm.string_lossy(v)
            } else {
                vm.stack.push(v);
                let s = js::display::inspect(vm, v).unwrap_or_else(|_| "<inspect failed>".into());
                vm.stack.clear();
                s
            }
        }
        Err(e) => format!("{}: {}", e.name, e.message),
    }
}

/// Each case is (source, expected text), run in order in one runtime; with `stress` the
/// collector runs at every safe point. All mismatches are reported together.
pub fn check_with(cases: &'static [(&'static str, &'static str)], stress: bool) {
    big_stack(move || {
        let mut rt = Runtime::ephemeral().unwrap();
        rt.set_gc_stress(stress);
        let mut failures = Vec::new();
        for (src, want) in cases {
            let got = ev(&mut rt, src);
            if got != *want {
                failures.push(format!("{src}\n   got: {got}\n  want: {want}"));
            }
        }
        assert!(failures.is_empty(), "{} failure(s):\n{}", failures.len(), failures.join("\n"));
    })
}

pub fn check(cases: &'static [(&'static str, &'static str)]) {
    check_with(cases, false)
}

/// What the shell prints for `src` run as one turn of a throwaway runtime ("" for undefined).
pub fn shown(src: &str) -> String {
    let src = src.to_string();
    big_stack(move || {
        let mut rt = Runtime::ephemeral().unwrap();
        rt.eval_turn(&src).unwrap_or_else(|e| panic!("{src}: {e}")).unwrap_or_default()
    })
}
