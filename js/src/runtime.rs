//! The embedder API: a runtime on a state directory, one turn per evaluation.
//!
//! ```no_run
//! let (mut rt, _) = js::Runtime::open("state").unwrap();
//! match rt.eval_turn("var n = (globalThis.n || 0) + 1; n") {
//!     Ok(shown) => println!("{}", shown.unwrap_or_default()),
//!     Err(e) => eprintln!("{e}"),
//! }
//! ```

use crate::vm::{JsResult, Output, Throw, Value, Vm};
use ken::{Heap, Opened, Options};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;

/// An exception no handler caught (or a stopped turn). Displays as node does:
/// `Uncaught TypeError: x is not a function`.
#[derive(Debug, Clone)]
pub struct Uncaught {
    pub name: String,
    pub message: String,
}

impl std::fmt::Display for Uncaught {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match (self.name.is_empty(), self.message.is_empty()) {
            (true, _) => write!(f, "Uncaught {}", self.message),
            (false, true) => write!(f, "Uncaught {}", self.name),
            (false, false) => write!(f, "Uncaught {}: {}", self.name, self.message),
        }
    }
}

/// Stops the running turn from another thread; the turn is rolled back.
#[derive(Clone)]
pub struct InterruptHandle(Arc<AtomicBool>);

impl InterruptHandle {
    pub fn interrupt(&self) {
        self.0.store(true, Ordering::SeqCst);
    }
}

pub struct Runtime {
    pub(crate) vm: Vm,
    /// A throwaway state directory, removed on drop.
    scratch: Option<PathBuf>,
    /// Whether an unhandled promise rejection fails its turn.
    report_unhandled: bool,
}

impl Drop for Runtime {
    fn drop(&mut self) {
        if let Some(d) = &self.scratch {
            let _ = std::fs::remove_dir_all(d);
        }
    }
}

impl Runtime {
    /// Opens the runtime whose heap is in `dir` (created if there is none).
    pub fn open(dir: impl AsRef<Path>) -> Result<(Runtime, Opened), String> {
        let (heap, opened) = Heap::open(dir.as_ref(), Options::default()).map_err(|e| e.to_string())?;
        let mut rt = Self::with_heap(heap)?;
        rt.vm.output = Output::Buffered(Vec::new());
        if opened == Opened::Created {
            // the realm's creation is the first turn
            rt.vm.heap.commit().map_err(|e| e.to_string())?;
        }
        Ok((rt, opened))
    }

    /// A runtime on a fresh throwaway heap (removed when dropped); output is written at once.
    pub fn ephemeral() -> Result<Runtime, String> {
        static N: AtomicU64 = AtomicU64::new(0);
        let dir = std::env::temp_dir().join(format!("ken-ephemeral-{}-{}", std::process::id(), N.fetch_add(1, Ordering::Relaxed)));
        let _ = std::fs::remove_dir_all(&dir);
        // a bounded reservation: a runaway program fails with a heap error, not the OOM killer
        let opts = Options { reserve: 8 << 30, ..Options::default() };
        let (heap, _) = Heap::open(&dir, opts).map_err(|e| e.to_string())?;
        let mut rt = Self::with_heap(heap)?;
        rt.scratch = Some(dir);
        Ok(rt)
    }

    fn with_heap(heap: Heap) -> Result<Runtime, String> {
        let (vm, _) = Vm::new(heap)?;
        Ok(Runtime { vm, scratch: None, report_unhandled: true })
    }

    pub fn interrupt_handle(&self) -> InterruptHandle {
        InterruptHandle(self.vm.interrupt.clone())
    }

    pub fn vm(&mut self) -> &mut Vm {
        &mut self.vm
    }

    /// Collect at every safe point (tests: proves the evaluator roots what it holds).
    pub fn set_gc_stress(&mut self, on: bool) {
        self.vm.gc_stress = on;
    }

    fn uncaught(&mut self, t: Throw) -> Uncaught {
        match t {
            Throw::Exception => {
                let v = self.vm.exception;
                let (name, message) = self.vm.describe_exception(v);
                Uncaught { name, message }
            }
            Throw::Interrupted => Uncaught { name: "Error".into(), message: "Script execution interrupted.".into() },
            Throw::ShortCircuit => Uncaught { name: "Error".into(), message: "internal: stray optional-chain short circuit".into() },
            Throw::Fatal => Uncaught { name: "Error".into(), message: format!("heap failure: {}", crate::vm::take_fatal_message()) },
            Throw::Suspend | Throw::GenReturn => Uncaught { name: "Error".into(), message: "internal: stray generator suspension".into() },
        }
    }

    /// Runs one turn's work without committing: `body`, then the job queue until it is empty
    /// (promise reactions; every kind of turn ends this way), then the check for rejected
    /// promises no handler took. The value `body` returns is rooted while the jobs run.
    /// An exception from `body` or from a job, or an unhandled rejection (when reported, see
    /// [`Runtime::set_report_unhandled_rejections`]) is the turn's error.
    pub fn run_body(&mut self, body: impl FnOnce(&mut Vm) -> JsResult<Value>) -> Result<Value, Uncaught> {
        self.vm.interrupt.store(false, Ordering::SeqCst);
        self.vm.unhandled_rejections.clear();
        let r = body(&mut self.vm).and_then(|v| {
            self.vm.stack.clear();
            self.vm.stack.push(v);
            crate::builtins::promise::run_jobs(&mut self.vm)?;
            Ok(v)
        });
        self.vm.stack.clear();
        self.vm.env_stack.clear();
        self.vm.frames.clear();
        self.vm.depth = 0;
        if r.is_err() {
            // the turn failed: its jobs go with it (a persistent turn is rolled back anyway)
            self.vm.clear_jobs();
        }
        let r = r.map_err(|t| self.uncaught(t));
        let rejected = std::mem::take(&mut self.vm.unhandled_rejections);
        match (r, rejected.first()) {
            (Ok(_), Some(&p)) if self.report_unhandled => {
                // node: an unhandled rejection is the program's uncaught error
                let reason = crate::builtins::promise::promise_state(&self.vm, p).map_or(Value::UNDEFINED, |(_, v)| v);
                let (name, message) = self.vm.describe_exception(reason);
                Err(Uncaught { name, message })
            }
            (r, _) => r,
        }
    }

    fn evaluate(&mut self, source: &str, strict: bool) -> Result<Value, Uncaught> {
        let program = match crate::parse_script(source, strict) {
            Ok(p) => p,
            Err(e) => return Err(Uncaught { name: e.kind.to_string(), message: format!("{} ({}:{})", e.message, e.line, e.column) }),
        };
        self.run_body(|vm| vm.run_script(source, program))
    }

    /// Installs test262's host object `$262` (for the conformance runner).
    pub fn install_test262_host(&mut self) -> Result<(), Uncaught> {
        let r = crate::builtins::global::install_test262_host(&mut self.vm);
        self.vm.stack.clear();
        r.map_err(|t| self.uncaught(t))
    }

    /// Whether a promise rejected in a turn and still without a handler when the turn's jobs
    /// are done fails the turn (default: yes, as in node).
    pub fn set_report_unhandled_rejections(&mut self, on: bool) {
        self.report_unhandled = on;
    }

    /// Runs a script and its jobs without committing (ephemeral runs and conformance tests).
    pub fn eval_script(&mut self, source: &str, strict: bool) -> Result<Value, Uncaught> {
        self.evaluate(source, strict)
    }

    /// Runs `source` as one turn: on success the turn is committed and the result returned in
    /// the shell's printed form (None for `undefined`); on an uncaught exception, an unhandled
    /// rejection, an interrupt or a failed commit, the turn is rolled back. The result is
    /// formatted before the turn's jobs run (as node's REPL shows a pending promise).
    pub fn eval_turn(&mut self, source: &str) -> Result<Option<String>, Uncaught> {
        let program = match crate::parse_script(source, false) {
            Ok(p) => p,
            Err(e) => return self.finish_turn(Err(Uncaught { name: e.kind.to_string(), message: format!("{} ({}:{})", e.message, e.line, e.column) })),
        };
        let mut shown = None;
        let r = self.run_body(|vm| {
            let v = vm.run_script(source, program)?;
            if !v.is_undefined() {
                vm.stack.push(v);
                shown = Some(crate::display::repl_result(vm, v)?);
            }
            Ok(v)
        });
        self.finish_turn(r.map(|_| shown))
    }

    /// Runs `f(args...)` as one turn (with its jobs), committed unless it fails.
    pub fn call_turn(&mut self, f: Value, args: &[Value]) -> Result<Value, Uncaught> {
        let r = self.run_body(|vm| vm.call(f, Value::UNDEFINED, args));
        self.finish_turn(r)
    }

    /// The end of every turn: commit a turn that succeeded (rolling it back when the commit
    /// fails), roll back one that failed. Ephemeral runtimes neither commit nor roll back.
    pub fn finish_turn<T>(&mut self, r: Result<T, Uncaught>) -> Result<T, Uncaught> {
        match r {
            Ok(s) => {
                self.vm.maybe_collect_between_turns();
                if self.scratch.is_none() {
                    if let Err(e) = self.vm.heap.commit() {
                        self.vm.after_rollback();
                        self.take_output();
                        return Err(Uncaught { name: "Error".into(), message: format!("the turn could not be committed: {e}") });
                    }
                }
                Ok(s)
            }
            Err(e) => {
                if self.scratch.is_none() {
                    let _ = self.vm.heap.rollback();
                    self.vm.after_rollback();
                    self.take_output();
                }
                Err(e)
            }
        }
    }

    /// Whether turns are committed (false for an ephemeral runtime).
    pub fn is_persistent(&self) -> bool {
        self.scratch.is_none()
    }

    /// Output of `print`/`console.log` held back until the turn committed.
    pub fn take_output(&mut self) -> Vec<String> {
        match &mut self.vm.output {
            Output::Buffered(b) => std::mem::take(b),
            Output::Immediate => Vec::new(),
        }
    }

    pub fn stats(&self) -> ken::Stats {
        self.vm.heap.stats()
    }

    /// Runs a full collection now (between turns). Returns (cells freed, live bytes).
    pub fn collect(&mut self) -> (u64, u64) {
        self.vm.collect()
    }

    /// Runs a minor collection now (between turns): only the cells allocated since the last
    /// collection and the survivors of the one before are candidates.
    pub fn collect_minor(&mut self) -> (u64, u64) {
        self.vm.collect_minor()
    }

    pub fn state_dir(&self) -> &Path {
        self.vm.heap.path()
    }
}
