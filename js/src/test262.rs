//! test262 support shared by the parser test and the conformance runner:
//! locating and unpacking the developer archive, reading test front matter, the
//! "in scope" filter of DESIGN.md section 4, and an engine-agnostic runner
//! ([`Engine`], [`run_suite`], [`Report`]) used by the `test262` binary.
//!
//! The runner composes each variant per test262's INTERPRETING.md (`"use strict";` prefix for
//! the strict variant, then `harness/assert.js`, `harness/sta.js`, the `includes:`, the test;
//! a `raw` test alone), runs it in a fresh engine on a worker thread with a 256 MiB stack,
//! interrupts it after the timeout, catches panics, and judges the outcome against the
//! test's `negative:` expectation. Strict and sloppy variants count separately.

use std::path::{Path, PathBuf};

/// The workspace root (this crate's parent directory).
pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap().to_path_buf()
}

/// `<workspace>/../shared/test262/test262-dev.tar.gz`.
pub fn archive_path() -> PathBuf {
    workspace_root().join("..").join("shared").join("test262").join("test262-dev.tar.gz")
}

/// `<workspace>/../shared/test262/in-scope-features.txt`.
pub fn features_path() -> PathBuf {
    workspace_root().join("..").join("shared").join("test262").join("in-scope-features.txt")
}

/// Unpacks the archive once into `<workspace>/target/test262/` (with the system
/// `tar`) and returns the test262 root (the directory holding `test/` and `harness/`).
/// Returns Err with a description when the archive is missing or unpacking fails.
pub fn ensure_unpacked() -> Result<PathBuf, String> {
    let archive = archive_path();
    let dest = workspace_root().join("target").join("test262");
    let root = dest.join("test262");
    let marker = dest.join(".unpacked");
    if marker.exists() && root.join("test").is_dir() {
        return Ok(root);
    }
    if !archive.exists() {
        return Err(format!("test262 archive not found at {}", archive.display()));
    }
    // unpack into a temporary directory, then rename (safe against concurrent runs)
    let tmp = workspace_root().join("target").join(format!("test262.tmp.{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&tmp);
    std::fs::create_dir_all(&tmp).map_err(|e| e.to_string())?;
    let status = std::process::Command::new("tar")
        .arg("xzf")
        .arg(&archive)
        .arg("-C")
        .arg(&tmp)
        .status()
        .map_err(|e| format!("running tar: {}", e))?;
    if !status.success() {
        return Err(format!("tar failed unpacking {}", archive.display()));
    }
    std::fs::write(tmp.join(".unpacked"), b"ok").map_err(|e| e.to_string())?;
    if std::fs::rename(&tmp, &dest).is_err() {
        // someone else won the race (or dest exists): use theirs if complete
        let _ = std::fs::remove_dir_all(&tmp);
        if !(marker.exists() && root.join("test").is_dir()) {
            let _ = std::fs::remove_dir_all(&dest);
            return Err(format!("could not move unpacked archive to {}", dest.display()));
        }
    }
    Ok(root)
}

/// Feature tags the project adds to the shared `in-scope-features.txt` as the engine gains
/// them (issues 14 and 15). `test262 --base-scope` runs without them, so the rate of the
/// original scope stays comparable across sessions.
pub const ADDED_FEATURES: &[&str] = &[
    "generators",
    "async-functions",
    "async-iteration",
    "BigInt",
    "TypedArray",
    "ArrayBuffer",
    "DataView",
    "DataView.prototype.getFloat32",
    "DataView.prototype.getFloat64",
    "DataView.prototype.getInt16",
    "DataView.prototype.getInt32",
    "DataView.prototype.getInt8",
    "DataView.prototype.getUint16",
    "DataView.prototype.getUint32",
    "DataView.prototype.setUint8",
    "TypedArray.prototype.at",
    "align-detached-buffer-semantics-with-web-reality",
    "stable-typedarray-sort",
    "Promise",
    "Promise.prototype.finally",
    "Promise.allSettled",
    "Promise.any",
    "AggregateError",
    "Proxy",
    "Reflect",
    "Reflect.set",
    "Reflect.setPrototypeOf",
    "proxy-missing-checks",
];

/// The feature tags listed as in scope by `in-scope-features.txt` alone.
pub fn base_features() -> Vec<String> {
    let text = std::fs::read_to_string(features_path()).unwrap_or_default();
    text.lines().map(|l| l.trim()).filter(|l| !l.is_empty() && !l.starts_with('#')).map(|l| l.to_string()).collect()
}

/// The feature tags in scope: the shared list plus [`ADDED_FEATURES`].
pub fn in_scope_features() -> Vec<String> {
    let mut f = base_features();
    for a in ADDED_FEATURES {
        if !f.iter().any(|x| x == a) {
            f.push(a.to_string());
        }
    }
    f
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Negative {
    pub phase: String,
    pub error_type: String,
}

/// The front matter of one test (`/*--- ... ---*/`).
#[derive(Clone, Debug, Default)]
pub struct Meta {
    pub features: Vec<String>,
    pub flags: Vec<String>,
    pub includes: Vec<String>,
    pub negative: Option<Negative>,
}

impl Meta {
    pub fn has_flag(&self, f: &str) -> bool {
        self.flags.iter().any(|x| x == f)
    }
    pub fn is_parse_negative(&self) -> bool {
        matches!(&self.negative, Some(n) if n.phase == "parse")
    }
}

fn parse_list_inline(s: &str) -> Vec<String> {
    let s = s.trim();
    let s = s.strip_prefix('[').unwrap_or(s);
    let s = s.split(']').next().unwrap_or(s);
    s.split(',').map(|x| x.trim().trim_matches('"').trim_matches('\'').to_string()).filter(|x| !x.is_empty()).collect()
}

/// Parses the YAML-ish front matter of a test file.
pub fn parse_meta(src: &str) -> Meta {
    let mut m = Meta::default();
    let Some(a) = src.find("/*---") else { return m };
    let Some(b) = src[a..].find("---*/") else { return m };
    let yaml = &src[a + 5..a + b];
    let lines: Vec<&str> = yaml.lines().collect();
    let mut i = 0;
    while i < lines.len() {
        let line = lines[i];
        let t = line.trim_start();
        let indent = line.len() - t.len();
        let key_val = t.split_once(':');
        if indent > 0 || key_val.is_none() {
            i += 1;
            continue;
        }
        let (key, val) = key_val.unwrap();
        let val = val.trim();
        i += 1;
        // collect block (indented) lines
        let mut block = Vec::new();
        while i < lines.len() {
            let l = lines[i];
            let lt = l.trim_start();
            if !lt.is_empty() && l.len() - lt.len() == 0 {
                break;
            }
            block.push(lt);
            i += 1;
        }
        let list = |val: &str, block: &[&str]| -> Vec<String> {
            if val.starts_with('[') {
                parse_list_inline(val)
            } else {
                block.iter().filter_map(|l| l.strip_prefix("- ")).map(|x| x.trim().to_string()).collect()
            }
        };
        match key.trim() {
            "features" => m.features = list(val, &block),
            "flags" => m.flags = list(val, &block),
            "includes" => m.includes = list(val, &block),
            "negative" => {
                let mut n = Negative::default();
                for l in &block {
                    if let Some((k, v)) = l.split_once(':') {
                        match k.trim() {
                            "phase" => n.phase = v.trim().to_string(),
                            "type" => n.error_type = v.trim().to_string(),
                            _ => {}
                        }
                    }
                }
                m.negative = Some(n);
            }
            _ => {}
        }
    }
    if m.flags.iter().any(|f| f == "async") {
        add_implied_async_features(&mut m, &src[a + b..]);
    }
    m
}

/// Some `async` tests use async functions or async iteration without listing their feature
/// tags (generated tests of eval code, optional chaining, ...). They are given the tags their
/// body's syntax implies, so they stay out of scope until those features are.
fn add_implied_async_features(m: &mut Meta, body: &str) {
    let words: Vec<&str> = body.split(|c: char| !(c.is_alphanumeric() || c == '_' || c == '$')).filter(|w| !w.is_empty()).collect();
    let mut implied = Vec::new();
    if words.contains(&"async") {
        implied.push("async-functions");
    }
    let squeezed: String = body.chars().filter(|c| !c.is_whitespace()).collect();
    if squeezed.contains("asyncfunction*") || squeezed.contains("async*") || squeezed.contains("forawait") {
        implied.push("async-iteration");
    }
    for f in implied {
        if !m.features.iter().any(|x| x == f) {
            m.features.push(f.to_string());
        }
    }
}

/// One in-scope test file.
#[derive(Clone, Debug)]
pub struct TestFile {
    pub path: PathBuf,
    /// Path relative to the test262 root, e.g. `test/language/...`.
    pub rel: String,
    pub source: String,
    pub meta: Meta,
}

impl TestFile {
    /// The (strict, source) variants to run, per INTERPRETING.md: onlyStrict -> strict
    /// only; noStrict/raw -> sloppy only; otherwise both. The strict variant is the
    /// source prefixed with `"use strict";\n`.
    pub fn variants(&self) -> Vec<(bool, String)> {
        let m = &self.meta;
        if m.has_flag("onlyStrict") {
            vec![(true, format!("\"use strict\";\n{}", self.source))]
        } else if m.has_flag("noStrict") || m.has_flag("raw") {
            vec![(false, self.source.clone())]
        } else {
            vec![(false, self.source.clone()), (true, format!("\"use strict\";\n{}", self.source))]
        }
    }
}

fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(rd) = std::fs::read_dir(dir) else { return };
    let mut entries: Vec<_> = rd.flatten().map(|e| e.path()).collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            walk(&p, out);
        } else if p.extension().map(|e| e == "js").unwrap_or(false) {
            let name = p.file_name().unwrap().to_string_lossy();
            if !name.contains("_FIXTURE") {
                out.push(p);
            }
        }
    }
}

/// True when a test is in scope (DESIGN.md section 4).
pub fn is_in_scope(rel: &str, meta: &Meta, features: &[String]) -> bool {
    (rel.starts_with("test/language/") || rel.starts_with("test/built-ins/"))
        && !meta.has_flag("module")
        && meta.features.iter().all(|f| features.iter().any(|x| x == f))
}

/// All in-scope tests under `root` (sorted by path).
pub fn in_scope_tests(root: &Path) -> Vec<TestFile> {
    in_scope_tests_with(root, &in_scope_features())
}

/// `in_scope_tests` with an explicit feature list (instead of `in-scope-features.txt`).
pub fn in_scope_tests_with(root: &Path, features: &[String]) -> Vec<TestFile> {
    let mut paths = Vec::new();
    walk(&root.join("test").join("language"), &mut paths);
    walk(&root.join("test").join("built-ins"), &mut paths);
    let mut out = Vec::new();
    for p in paths {
        let Ok(source) = std::fs::read_to_string(&p) else { continue };
        let rel = p.strip_prefix(root).unwrap().to_string_lossy().replace('\\', "/");
        let meta = parse_meta(&source);
        if is_in_scope(&rel, &meta, features) {
            out.push(TestFile { path: p, rel, source, meta });
        }
    }
    out
}

// ---------------------------------------------------------------------------------------
// The conformance runner
// ---------------------------------------------------------------------------------------

use std::collections::{BTreeMap, HashMap};
use std::io::Write;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Mutex, Once};
use std::time::{Duration, Instant};

/// A JavaScript engine under test. A fresh one is made for every test variant (on the
/// worker thread that runs it, so it need not be `Send`).
pub trait Engine {
    /// Runs `source` as a script (strict: the test's strict variant; the source already
    /// contains the harness and the `"use strict";` prefix).
    /// Ok(()) on normal completion; Err((error constructor name, message)) for an uncaught
    /// exception, a SyntaxError at parse time included (name "SyntaxError"). After the
    /// runner's interrupt closure has been called the engine should return
    /// Err(("Interrupted", ..)) soon.
    fn run(&mut self, source: &str, strict: bool) -> Result<(), (String, String)>;
    /// The lines the last `run` printed with `print` (judged for `async` tests: see
    /// INTERPRETING.md). Engines that cannot capture output return none.
    fn printed(&mut self) -> Vec<String> {
        Vec::new()
    }
}

/// Options of [`run_suite`].
#[derive(Clone, Debug)]
pub struct RunOptions {
    /// Path prefixes under `test/` (e.g. `built-ins/Array`, `language/expressions/add`),
    /// matched on whole path components (`built-ins/Array` does not select
    /// `built-ins/ArrayBuffer`). A leading `test/` is accepted. Empty: every in-scope test.
    pub filter: Vec<String>,
    /// Worker threads (each with a 256 MiB stack). 0 means 1.
    pub threads: usize,
    /// Per variant; on expiry the engine's interrupt closure is called.
    pub timeout: Duration,
    /// How many failures [`Report::print`] lists.
    pub verbose_failures: usize,
    /// Only the shared `in-scope-features.txt` scope, without [`ADDED_FEATURES`].
    pub base_scope: bool,
}

impl Default for RunOptions {
    fn default() -> Self {
        RunOptions { filter: Vec::new(), threads: 2, timeout: Duration::from_secs(10), verbose_failures: 20, base_scope: false }
    }
}

/// The stack size of the worker threads (the interpreter recurses).
pub const WORKER_STACK: usize = 256 << 20;

/// The outcome of one test variant.
#[derive(Clone, Debug)]
pub struct TestResult {
    /// Path relative to the test262 root, e.g. `test/language/...`.
    pub rel: String,
    pub strict: bool,
    pub passed: bool,
    /// Empty when passed; otherwise `timeout`, `panic: ...`, `uncaught Name: message`,
    /// `expected X (phase), ...` or `missing include ...`.
    pub reason: String,
    pub duration: Duration,
}

impl TestResult {
    /// `language/expressions` for `test/language/expressions/...`.
    pub fn directory(&self) -> String {
        directory_of(&self.rel)
    }
}

/// Two levels under `test/`: `test/built-ins/Array/x.js` -> `built-ins/Array`.
pub fn directory_of(rel: &str) -> String {
    let under = rel.strip_prefix("test/").unwrap_or(rel);
    let parts: Vec<&str> = under.split('/').collect();
    if parts.len() >= 3 {
        format!("{}/{}", parts[0], parts[1])
    } else {
        parts[0].to_string()
    }
}

/// Per-directory counts.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DirRow {
    pub directory: String,
    pub passed: usize,
    pub total: usize,
}

/// The results of a run, sorted by path (the sloppy variant before the strict one).
#[derive(Clone, Debug, Default)]
pub struct Report {
    pub results: Vec<TestResult>,
    /// Set when the run could not start (archive missing...); `results` is then empty.
    pub setup_error: Option<String>,
    pub elapsed: Duration,
    /// How many failures [`Report::print`] lists (from [`RunOptions::verbose_failures`]).
    pub verbose_failures: usize,
}

fn percent(p: usize, t: usize) -> f64 {
    if t == 0 {
        0.0
    } else {
        100.0 * p as f64 / t as f64
    }
}

impl Report {
    pub fn total(&self) -> usize {
        self.results.len()
    }
    pub fn passed(&self) -> usize {
        self.results.iter().filter(|r| r.passed).count()
    }
    /// Overall pass rate in percent (0 for an empty run).
    pub fn percent(&self) -> f64 {
        percent(self.passed(), self.total())
    }
    pub fn failures(&self) -> impl Iterator<Item = &TestResult> {
        self.results.iter().filter(|r| !r.passed)
    }
    /// Counts per failure reason class (`timeout`, `panic`, `uncaught TypeError`, ...).
    pub fn failure_kinds(&self) -> Vec<(String, usize)> {
        let mut m: BTreeMap<String, usize> = BTreeMap::new();
        for r in self.failures() {
            let kind = if r.reason.starts_with("uncaught ") {
                r.reason.split(':').next().unwrap_or(&r.reason).to_string()
            } else if r.reason.starts_with("panic") {
                "panic".to_string()
            } else if r.reason.starts_with("expected ") {
                "wrong negative outcome".to_string()
            } else {
                r.reason.split(':').next().unwrap_or(&r.reason).to_string()
            };
            *m.entry(kind).or_default() += 1;
        }
        let mut v: Vec<_> = m.into_iter().collect();
        v.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        v
    }
    /// Rows for `language/<dir>` and `built-ins/<Dir>`, sorted by name.
    pub fn by_directory(&self) -> Vec<DirRow> {
        let mut m: BTreeMap<String, (usize, usize)> = BTreeMap::new();
        for r in &self.results {
            let e = m.entry(r.directory()).or_default();
            e.1 += 1;
            if r.passed {
                e.0 += 1;
            }
        }
        m.into_iter().map(|(directory, (passed, total))| DirRow { directory, passed, total }).collect()
    }
    /// The per-directory table.
    pub fn write_table(&self, w: &mut dyn Write) -> std::io::Result<()> {
        let rows = self.by_directory();
        let width = rows.iter().map(|r| r.directory.len()).max().unwrap_or(9).max(9);
        writeln!(w, "{:<width$}  {:>7}  {:>7}  {:>7}", "directory", "passed", "total", "%", width = width)?;
        for r in &rows {
            writeln!(
                w,
                "{:<width$}  {:>7}  {:>7}  {:>7.2}",
                r.directory,
                r.passed,
                r.total,
                percent(r.passed, r.total),
                width = width
            )?;
        }
        Ok(())
    }
    /// `overall: P/T = X.XX%`.
    pub fn overall_line(&self) -> String {
        format!("overall: {}/{} = {:.2}%", self.passed(), self.total(), self.percent())
    }
    /// The first `n` failures (by path) with their reason, one per line.
    pub fn write_failures(&self, w: &mut dyn Write, n: usize) -> std::io::Result<()> {
        let total = self.total() - self.passed();
        if n == 0 || total == 0 {
            return Ok(());
        }
        writeln!(w, "first {} of {} failures:", n.min(total), total)?;
        for r in self.failures().take(n) {
            writeln!(w, "  {} [{}]: {}", r.rel, if r.strict { "strict" } else { "sloppy" }, one_line(&r.reason, 300))?;
        }
        Ok(())
    }
    /// Every variant, one per line: `PASS|FAIL <path> [strict|sloppy] <reason>` (for diffs).
    pub fn write_results(&self, w: &mut dyn Write) -> std::io::Result<()> {
        for r in &self.results {
            writeln!(
                w,
                "{} {} [{}] {}",
                if r.passed { "PASS" } else { "FAIL" },
                r.rel,
                if r.strict { "strict" } else { "sloppy" },
                one_line(&r.reason, 300)
            )?;
        }
        Ok(())
    }
    /// Table, failure kinds, the first `verbose_failures` failures, then the overall line.
    pub fn write_all(&self, w: &mut dyn Write) -> std::io::Result<()> {
        if let Some(e) = &self.setup_error {
            writeln!(w, "test262: {}", e)?;
        }
        self.write_table(w)?;
        let kinds = self.failure_kinds();
        if !kinds.is_empty() {
            let s: Vec<String> = kinds.iter().map(|(k, n)| format!("{} {}", k, n)).collect();
            writeln!(w, "failures by kind: {}", s.join(", "))?;
        }
        self.write_failures(w, self.verbose_failures)?;
        writeln!(w, "elapsed: {:.1}s", self.elapsed.as_secs_f64())?;
        writeln!(w, "{}", self.overall_line())
    }
    /// [`Report::write_all`] to stdout.
    pub fn print(&self) {
        let out = std::io::stdout();
        let mut l = out.lock();
        let _ = self.write_all(&mut l);
    }
}

fn one_line(s: &str, max: usize) -> String {
    let mut t: String = s.chars().map(|c| if c == '\n' || c == '\r' { ' ' } else { c }).collect();
    if t.chars().count() > max {
        t = t.chars().take(max).collect::<String>() + "...";
    }
    t
}

/// True when `rel` (`test/...`) is selected by `filter` (empty: everything).
pub fn matches_filter(rel: &str, filter: &[String]) -> bool {
    if filter.is_empty() {
        return true;
    }
    let under = rel.strip_prefix("test/").unwrap_or(rel);
    filter.iter().any(|f| {
        let f = f.trim_start_matches("./");
        let f = f.strip_prefix("test/").unwrap_or(f).trim_end_matches('/');
        f.is_empty() || under == f || (under.starts_with(f) && under[f.len()..].starts_with('/'))
    })
}

/// The harness files of a test262 tree (`harness/*.js`), read once.
pub struct Harness {
    files: HashMap<String, String>,
}

impl Harness {
    pub fn load(root: &Path) -> Harness {
        let mut files = HashMap::new();
        if let Ok(rd) = std::fs::read_dir(root.join("harness")) {
            for e in rd.flatten() {
                let p = e.path();
                if p.is_file() {
                    if let Ok(s) = std::fs::read_to_string(&p) {
                        files.insert(e.file_name().to_string_lossy().into_owned(), s);
                    }
                }
            }
        }
        Harness { files }
    }
    pub fn get(&self, name: &str) -> Option<&str> {
        self.files.get(name).map(|s| s.as_str())
    }
}

impl TestFile {
    /// The complete script of one variant: `"use strict";\n` (strict variant), then
    /// `assert.js`, `sta.js`, the `includes:` files and the test; a `raw` test alone.
    /// Err names a missing harness file.
    pub fn full_source(&self, strict: bool, harness: &Harness) -> Result<String, String> {
        if self.meta.has_flag("raw") {
            return Ok(self.source.clone());
        }
        let mut s = String::new();
        if strict {
            s.push_str("\"use strict\";\n");
        }
        let mut names: Vec<&str> = vec!["assert.js", "sta.js"];
        if self.meta.has_flag("async") {
            names.push("doneprintHandle.js");
        }
        for i in &self.meta.includes {
            if !names.contains(&i.as_str()) {
                names.push(i);
            }
        }
        for n in names {
            let text = harness.get(n).ok_or_else(|| format!("missing include {}", n))?;
            s.push_str(text);
            if !text.ends_with('\n') {
                s.push('\n');
            }
        }
        s.push_str(&self.source);
        Ok(s)
    }

    /// The strict flags of the variants to run (see [`TestFile::variants`]).
    pub fn variant_modes(&self) -> Vec<bool> {
        let m = &self.meta;
        if m.has_flag("onlyStrict") {
            vec![true]
        } else if m.has_flag("noStrict") || m.has_flag("raw") {
            vec![false]
        } else {
            vec![false, true]
        }
    }
}

/// Judges an engine's outcome against the test's expectation. None: passed.
pub fn judge(meta: &Meta, outcome: &Result<(), (String, String)>) -> Option<String> {
    if let Err((name, _)) = outcome {
        if name == "Interrupted" {
            return Some("timeout".to_string());
        }
    }
    match (&meta.negative, outcome) {
        (None, Ok(())) => None,
        (None, Err((name, msg))) => Some(format!("uncaught {}: {}", name, msg)),
        (Some(n), Ok(())) => Some(format!("expected {} ({}), completed normally", n.error_type, n.phase)),
        (Some(n), Err((name, msg))) => {
            if *name == n.error_type {
                None
            } else {
                Some(format!("expected {} ({}), got {}: {}", n.error_type, n.phase, name, msg))
            }
        }
    }
}

/// Judges an `async` test: after a normal completion (its jobs run), it passed when it
/// printed `Test262:AsyncTestComplete` and failed on `Test262:AsyncTestFailure:...` or when
/// it printed neither.
pub fn judge_async(meta: &Meta, outcome: &Result<(), (String, String)>, printed: &[String]) -> Option<String> {
    if outcome.is_err() || meta.negative.is_some() {
        return judge(meta, outcome);
    }
    for l in printed {
        if l.starts_with("Test262:AsyncTestComplete") {
            return None;
        }
        if l.starts_with("Test262:AsyncTestFailure:") {
            return Some(l.clone());
        }
    }
    Some("async test did not print Test262:AsyncTestComplete".to_string())
}

thread_local! {
    static IN_RUNNER: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Installs (once) a panic hook that stays silent on runner worker threads and defers to
/// the previous hook everywhere else.
fn install_quiet_panic_hook() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        let prev = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if !IN_RUNNER.with(|f| f.get()) {
                prev(info);
            }
        }));
    });
}

fn panic_message(p: &(dyn std::any::Any + Send)) -> String {
    if let Some(s) = p.downcast_ref::<&str>() {
        s.to_string()
    } else if let Some(s) = p.downcast_ref::<String>() {
        s.clone()
    } else {
        "(non-string payload)".to_string()
    }
}

type Interrupt = Box<dyn Fn() + Send + Sync>;

/// What the watchdog knows about one worker.
#[derive(Default)]
struct Slot {
    started: Option<Instant>,
    interrupt: Option<Interrupt>,
    /// When the interrupt was last called for the current test.
    fired: Option<Instant>,
    warned: bool,
    test: String,
}

/// Runs the in-scope tests of the developer archive (unpacked on first use).
pub fn run_suite<E: Engine>(make_engine: &(dyn Fn() -> (E, Box<dyn Fn() + Send + Sync>) + Sync), opts: &RunOptions) -> Report {
    match ensure_unpacked() {
        Ok(root) => run_suite_in(&root, make_engine, opts),
        Err(e) => Report { setup_error: Some(e), verbose_failures: opts.verbose_failures, ..Default::default() },
    }
}

/// [`run_suite`] over the test262 tree at `root` (holding `test/` and `harness/`).
pub fn run_suite_in<E: Engine>(
    root: &Path,
    make_engine: &(dyn Fn() -> (E, Box<dyn Fn() + Send + Sync>) + Sync),
    opts: &RunOptions,
) -> Report {
    let features = if opts.base_scope { base_features() } else { in_scope_features() };
    let tests: Vec<TestFile> =
        in_scope_tests_with(root, &features).into_iter().filter(|t| matches_filter(&t.rel, &opts.filter)).collect();
    let harness = Harness::load(root);
    run_tests(&tests, &harness, make_engine, opts)
}

/// Runs the given tests (already selected; `opts.filter` is not applied again).
pub fn run_tests<E: Engine>(
    tests: &[TestFile],
    harness: &Harness,
    make_engine: &(dyn Fn() -> (E, Box<dyn Fn() + Send + Sync>) + Sync),
    opts: &RunOptions,
) -> Report {
    install_quiet_panic_hook();
    let start = Instant::now();
    let jobs: Vec<(usize, bool)> = tests.iter().enumerate().flat_map(|(i, t)| t.variant_modes().into_iter().map(move |s| (i, s))).collect();
    let threads = opts.threads.max(1).min(jobs.len().max(1));
    let timeout = opts.timeout.max(Duration::from_millis(1));
    let next = AtomicUsize::new(0);
    let done = AtomicBool::new(false);
    let slots: Vec<Mutex<Slot>> = (0..threads).map(|_| Mutex::new(Slot::default())).collect();
    let results: Mutex<Vec<(usize, TestResult)>> = Mutex::new(Vec::with_capacity(jobs.len()));

    std::thread::scope(|s| {
        // the watchdog
        let watchdog = {
            let (slots, done) = (&slots, &done);
            std::thread::Builder::new()
                .name("test262-watchdog".into())
                .spawn_scoped(s, move || {
                    let tick = (timeout / 10).clamp(Duration::from_millis(1), Duration::from_millis(50));
                    let refire = timeout.max(Duration::from_millis(500));
                    let warn_after = timeout.max(Duration::from_secs(60));
                    while !done.load(Ordering::Acquire) {
                        std::thread::sleep(tick);
                        for slot in slots {
                            let mut sl = slot.lock().unwrap_or_else(|e| e.into_inner());
                            let Some(t0) = sl.started else { continue };
                            if t0.elapsed() < timeout {
                                continue;
                            }
                            let due = match sl.fired {
                                None => true,
                                Some(f) => f.elapsed() >= refire,
                            };
                            if due {
                                if let Some(stop) = &sl.interrupt {
                                    let _ = catch_unwind(AssertUnwindSafe(stop));
                                }
                                sl.fired = Some(Instant::now());
                            }
                            if !sl.warned && t0.elapsed() >= timeout + warn_after {
                                sl.warned = true;
                                eprintln!("test262: {} still running {:.0}s after its interrupt", sl.test, (t0.elapsed() - timeout).as_secs_f64());
                            }
                        }
                    }
                })
                .expect("spawning the watchdog")
        };
        let mut workers = Vec::new();
        for w in 0..threads {
            let (slots, next, results, jobs) = (&slots, &next, &results, &jobs);
            let h = std::thread::Builder::new()
                .name(format!("test262-{}", w))
                .stack_size(WORKER_STACK)
                .spawn_scoped(s, move || {
                    IN_RUNNER.with(|f| f.set(true));
                    loop {
                        let j = next.fetch_add(1, Ordering::Relaxed);
                        if j >= jobs.len() {
                            break;
                        }
                        let (ti, strict) = jobs[j];
                        let t = &tests[ti];
                        let t0 = Instant::now();
                        let reason = match t.full_source(strict, harness) {
                            Err(e) => Some(e),
                            Ok(src) => {
                                let r = catch_unwind(AssertUnwindSafe(|| {
                                    let (mut engine, stop) = make_engine();
                                    {
                                        let mut sl = slots[w].lock().unwrap_or_else(|e| e.into_inner());
                                        *sl = Slot {
                                            started: Some(Instant::now()),
                                            interrupt: Some(stop),
                                            fired: None,
                                            warned: false,
                                            test: t.rel.clone(),
                                        };
                                    }
                                    let out = engine.run(&src, strict);
                                    let printed = if t.meta.has_flag("async") { Some(engine.printed()) } else { None };
                                    let stop = std::mem::take(&mut *slots[w].lock().unwrap_or_else(|e| e.into_inner()));
                                    drop(engine);
                                    drop(stop);
                                    (out, printed)
                                }));
                                // a panic may leave the slot armed
                                *slots[w].lock().unwrap_or_else(|e| e.into_inner()) = Slot::default();
                                match r {
                                    Ok((out, None)) => judge(&t.meta, &out),
                                    Ok((out, Some(printed))) => judge_async(&t.meta, &out, &printed),
                                    Err(p) => Some(format!("panic: {}", panic_message(&*p))),
                                }
                            }
                        };
                        let res = TestResult {
                            rel: t.rel.clone(),
                            strict,
                            passed: reason.is_none(),
                            reason: reason.unwrap_or_default(),
                            duration: t0.elapsed(),
                        };
                        results.lock().unwrap_or_else(|e| e.into_inner()).push((j, res));
                    }
                    IN_RUNNER.with(|f| f.set(false));
                })
                .expect("spawning a test262 worker");
            workers.push(h);
        }
        for h in workers {
            let _ = h.join();
        }
        done.store(true, Ordering::Release);
        let _ = watchdog.join();
    });

    let mut results: Vec<TestResult> = results.into_inner().unwrap_or_else(|e| e.into_inner()).into_iter().map(|(_, r)| r).collect();
    results.sort_by(|a, b| a.rel.cmp(&b.rel).then(a.strict.cmp(&b.strict)));
    Report {
        results,
        setup_error: None,
        elapsed: start.elapsed(),
        verbose_failures: opts.verbose_failures,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::AtomicU32;
    use std::sync::Arc;

    /// Parses with the crate's parser; parse success is a pass. Markers in the source
    /// drive the other outcomes: `/*THROW:Name*/` throws Name, `/*LOOP*/` spins until
    /// interrupted, `/*PANIC*/` panics, `/*NOHARNESS*/` fails when the harness was
    /// prepended, `/*NEEDS:COMPARE*/` fails unless compareArray.js was included.
    struct FakeEngine {
        stop: Arc<AtomicBool>,
        printed: Vec<String>,
    }

    impl Engine for FakeEngine {
        fn printed(&mut self) -> Vec<String> {
            std::mem::take(&mut self.printed)
        }
        fn run(&mut self, source: &str, strict: bool) -> Result<(), (String, String)> {
            if let Some(i) = source.find("/*PRINT:") {
                let rest = &source[i + 8..];
                self.printed.push(rest[..rest.find("*/").unwrap()].to_string());
            }
            if source.contains("flags: [async]") && !source.contains("DONE-MARKER") {
                return Err(("Bad".into(), "doneprintHandle.js missing".into()));
            }
            let raw = source.contains("/*NOHARNESS*/");
            if !raw && strict != source.starts_with("\"use strict\";\n") {
                return Err(("Bad".into(), "strict prefix does not match the strict flag".into()));
            }
            if let Err(e) = crate::parse_script(source, strict) {
                return Err(("SyntaxError".into(), e.to_string()));
            }
            if raw && source.contains("ASSERT-MARKER") {
                return Err(("Bad".into(), "harness in a raw test".into()));
            }
            let has_harness = source.contains("ASSERT-MARKER") && source.contains("STA-MARKER");
            if !raw && !has_harness {
                return Err(("Bad".into(), "harness missing".into()));
            }
            if source.contains("/*NEEDS:COMPARE*/") && !source.contains("COMPARE-MARKER") {
                return Err(("Bad".into(), "include missing".into()));
            }
            if source.contains("/*PANIC*/") {
                panic!("fake engine panics");
            }
            if source.contains("/*LOOP*/") {
                while !self.stop.load(Ordering::Relaxed) {
                    std::thread::sleep(Duration::from_millis(1));
                }
                return Err(("Interrupted".into(), "interrupted".into()));
            }
            if let Some(i) = source.find("/*THROW:") {
                let rest = &source[i + 8..];
                let name = &rest[..rest.find("*/").unwrap()];
                return Err((name.to_string(), "thrown".into()));
            }
            Ok(())
        }
    }

    fn make_fake() -> (FakeEngine, Box<dyn Fn() + Send + Sync>) {
        let stop = Arc::new(AtomicBool::new(false));
        let s2 = stop.clone();
        (FakeEngine { stop, printed: Vec::new() }, Box::new(move || s2.store(true, Ordering::Relaxed)))
    }

    struct TempTree(PathBuf);
    impl Drop for TempTree {
        fn drop(&mut self) {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }

    fn meta(front: &str) -> String {
        format!("// Copyright\n/*---\ndescription: synthetic\n{}---*/\n", front)
    }

    /// A synthetic test262 tree.
    fn tree() -> TempTree {
        static N: AtomicU32 = AtomicU32::new(0);
        let root = std::env::temp_dir().join(format!("ken-t262-{}-{}", std::process::id(), N.fetch_add(1, Ordering::Relaxed)));
        let _ = std::fs::remove_dir_all(&root);
        let files: Vec<(&str, String)> = vec![
            ("harness/assert.js", "// ASSERT-MARKER\nvar assert = function () {};\n".into()),
            ("harness/sta.js", "// STA-MARKER\nfunction Test262Error(m) { this.message = m; }".into()),
            ("harness/compareArray.js", "// COMPARE-MARKER\nvar compareArray = 1;\n".into()),
            ("harness/doneprintHandle.js", "// DONE-MARKER\nfunction $DONE() {}\n".into()),
            // language/foo: 2 + 2 + 1 + 1 + 2 variants
            ("test/language/foo/pass.js", meta("") + "var x = 1;\n"),
            ("test/language/foo/parse-neg.js", meta("negative:\n  phase: parse\n  type: SyntaxError\n") + "$DONOTEVALUATE();\nvar = ;\n"),
            ("test/language/foo/wrong-neg.js", meta("negative:\n  phase: parse\n  type: SyntaxError\n") + "var ok = 1;\n"),
            ("test/language/foo/strict-only.js", meta("flags: [onlyStrict]\n") + "var s = 1;\n"),
            ("test/language/foo/sloppy-only.js", meta("flags: [noStrict]\n") + "with ({}) {}\n"),
            ("test/language/foo/with-strict.js", meta("") + "with ({}) {}\n"), // strict variant: SyntaxError
            // out of scope / not tests
            ("test/language/foo/module.js", meta("flags: [module]\n") + "export var m;\n"),
            ("test/language/foo/feat.js", meta("features: [no-such-feature-xyz]\n") + "var f;\n"),
            ("test/language/foo/thing_FIXTURE.js", "var fixture;\n".into()),
            ("test/annexB/x/y.js", meta("") + "var annex;\n"),
            ("test/harness/h.js", meta("") + "var h;\n"),
            // built-ins/Bar: 2 + 2 + 2 + 2 + 1 + 2 + 2 variants
            ("test/built-ins/Bar/runtime-neg.js", meta("negative:\n  phase: runtime\n  type: TypeError\n") + "/*THROW:TypeError*/\n"),
            ("test/built-ins/Bar/runtime-wrong.js", meta("negative:\n  phase: runtime\n  type: TypeError\n") + "/*THROW:RangeError*/\n"),
            ("test/built-ins/Bar/throws.js", meta("") + "/*THROW:Test262Error*/\n"),
            ("test/built-ins/Bar/incl.js", meta("includes: [compareArray.js]\n") + "/*NEEDS:COMPARE*/\n"),
            ("test/built-ins/Bar/raw.js", meta("flags: [raw]\n") + "/*NOHARNESS*/ var r;\n"),
            ("test/built-ins/Bar/missing.js", meta("includes:\n  - nowhere.js\n") + "var m;\n"),
            ("test/built-ins/Bar/panic.js", meta("") + "/*PANIC*/\n"),
            ("test/built-ins/Bar/sub/deep.js", meta("") + "var deep;\n"),
            // async tests: judged by what they print
            ("test/built-ins/Qux/done.js", meta("flags: [async]\n") + "/*PRINT:Test262:AsyncTestComplete*/\n"),
            ("test/built-ins/Qux/fails.js", meta("flags: [async]\n") + "/*PRINT:Test262:AsyncTestFailure:Test262Error: no*/\n"),
            ("test/built-ins/Qux/silent.js", meta("flags: [async]\n") + "var a;\n"),
            // untagged async syntax: implies a feature tag (out of scope here)
            ("test/built-ins/Qux/untagged.js", meta("flags: [async]\n") + "async function f() {}\n"),
            ("test/built-ins/Barn/loop.js", meta("flags: [noStrict]\n") + "/*LOOP*/\n"),
        ];
        for (rel, text) in files {
            let p = root.join(rel);
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            std::fs::write(p, text).unwrap();
        }
        TempTree(root)
    }

    fn opts(filter: &[&str]) -> RunOptions {
        RunOptions {
            filter: filter.iter().map(|s| s.to_string()).collect(),
            threads: 2,
            timeout: Duration::from_millis(200),
            verbose_failures: 50,
            // the fake tree's counts do not depend on the project's added feature tags
            base_scope: true,
        }
    }

    fn result<'a>(r: &'a Report, name: &str, strict: bool) -> &'a TestResult {
        r.results.iter().find(|t| t.rel.ends_with(name) && t.strict == strict).unwrap_or_else(|| panic!("no result for {} {}", name, strict))
    }

    #[test]
    fn selection_and_variants() {
        let t = tree();
        let tests = in_scope_tests_with(&t.0, &[]);
        let names: Vec<&str> = tests.iter().map(|t| t.rel.as_str()).collect();
        assert_eq!(tests.len(), 18, "{:?}", names);
        assert!(names.iter().all(|n| !n.contains("module") && !n.contains("feat") && !n.contains("FIXTURE")));
        assert!(names.iter().all(|n| n.starts_with("test/language/") || n.starts_with("test/built-ins/")));
        let with_feat = in_scope_tests_with(&t.0, &["no-such-feature-xyz".to_string()]);
        assert_eq!(with_feat.len(), 19);
        let with_async = in_scope_tests_with(&t.0, &["async-functions".to_string()]);
        assert_eq!(with_async.len(), 19);
        let jobs: usize = tests.iter().map(|t| t.variant_modes().len()).sum();
        assert_eq!(jobs, 32);
        for t in &tests {
            let v = t.variants();
            assert_eq!(v.iter().map(|x| x.0).collect::<Vec<_>>(), t.variant_modes());
        }
    }

    #[test]
    fn full_source_layout() {
        let t = tree();
        let h = Harness::load(&t.0);
        let tests = in_scope_tests_with(&t.0, &[]);
        let incl = tests.iter().find(|x| x.rel.ends_with("incl.js")).unwrap();
        let s = incl.full_source(true, &h).unwrap();
        assert!(s.starts_with("\"use strict\";\n// ASSERT-MARKER"));
        let (a, b, c, d) = (s.find("ASSERT-MARKER").unwrap(), s.find("STA-MARKER").unwrap(), s.find("COMPARE-MARKER").unwrap(), s.find("NEEDS:COMPARE").unwrap());
        assert!(a < b && b < c && c < d);
        assert!(s.contains("this.message = m; }\n"), "newline after a harness file without one");
        let sl = incl.full_source(false, &h).unwrap();
        assert!(sl.starts_with("// ASSERT-MARKER"));
        let raw = tests.iter().find(|x| x.rel.ends_with("raw.js")).unwrap();
        assert_eq!(raw.full_source(false, &h).unwrap(), raw.source);
        let missing = tests.iter().find(|x| x.rel.ends_with("missing.js")).unwrap();
        assert_eq!(missing.full_source(false, &h).unwrap_err(), "missing include nowhere.js");
    }

    #[test]
    fn runs_and_judges() {
        let t = tree();
        let r = run_suite_in(&t.0, &make_fake, &opts(&[]));
        assert!(r.setup_error.is_none());
        assert_eq!(r.total(), 32);
        let pass = |n: &str, s: bool| assert!(result(&r, n, s).passed, "{} {}: {}", n, s, result(&r, n, s).reason);
        let fail = |n: &str, s: bool, why: &str| {
            let x = result(&r, n, s);
            assert!(!x.passed && x.reason.starts_with(why), "{} {}: {:?} (want {:?})", n, s, x.reason, why);
        };
        for s in [false, true] {
            pass("foo/pass.js", s);
            pass("foo/parse-neg.js", s);
            fail("foo/wrong-neg.js", s, "expected SyntaxError (parse), completed normally");
            pass("Bar/runtime-neg.js", s);
            fail("Bar/runtime-wrong.js", s, "expected TypeError (runtime), got RangeError");
            fail("Bar/throws.js", s, "uncaught Test262Error: thrown");
            pass("Bar/incl.js", s);
            fail("Bar/missing.js", s, "missing include nowhere.js");
            fail("Bar/panic.js", s, "panic: fake engine panics");
            pass("Bar/sub/deep.js", s);
            pass("Qux/done.js", s);
            fail("Qux/fails.js", s, "Test262:AsyncTestFailure:Test262Error: no");
            fail("Qux/silent.js", s, "async test did not print Test262:AsyncTestComplete");
        }
        pass("foo/strict-only.js", true);
        pass("foo/sloppy-only.js", false);
        pass("foo/with-strict.js", false);
        fail("foo/with-strict.js", true, "uncaught SyntaxError");
        pass("Bar/raw.js", false);
        fail("Barn/loop.js", false, "timeout");
        assert!(!r.results.iter().any(|x| x.rel.ends_with("strict-only.js") && !x.strict));
        assert!(!r.results.iter().any(|x| x.rel.ends_with("sloppy-only.js") && x.strict));
        // sorted by path, sloppy before strict
        let keys: Vec<(String, bool)> = r.results.iter().map(|x| (x.rel.clone(), x.strict)).collect();
        let mut sorted = keys.clone();
        sorted.sort();
        assert_eq!(keys, sorted);

        assert_eq!(r.passed(), 16);
        assert_eq!(
            r.by_directory(),
            vec![
                DirRow { directory: "built-ins/Bar".into(), passed: 7, total: 15 },
                DirRow { directory: "built-ins/Barn".into(), passed: 0, total: 1 },
                DirRow { directory: "built-ins/Qux".into(), passed: 2, total: 6 },
                DirRow { directory: "language/foo".into(), passed: 7, total: 10 },
            ]
        );
        let mut out = Vec::new();
        r.write_all(&mut out).unwrap();
        let out = String::from_utf8(out).unwrap();
        assert!(out.contains("built-ins/Bar         7       15    46.67\n"), "{}", out);
        assert!(out.contains("language/foo          7       10    70.00\n"), "{}", out);
        assert!(out.ends_with("overall: 16/32 = 50.00%\n"), "{}", out);
        assert!(out.contains("first 16 of 16 failures:\n  test/built-ins/Bar/missing.js [sloppy]: missing include nowhere.js\n"), "{}", out);
        assert!(out.contains("timeout 1"), "{}", out);
        assert!(out.contains("panic 2"), "{}", out);
        let mut few = Vec::new();
        r.write_failures(&mut few, 3).unwrap();
        assert_eq!(String::from_utf8(few).unwrap().lines().count(), 4);
        let mut all = Vec::new();
        r.write_results(&mut all).unwrap();
        let all = String::from_utf8(all).unwrap();
        assert_eq!(all.lines().count(), 32);
        assert!(all.contains("PASS test/language/foo/pass.js [strict] \n"), "{}", all);
    }

    #[test]
    fn filters() {
        let t = tree();
        let r = run_suite_in(&t.0, &make_fake, &opts(&["language"]));
        assert_eq!(r.total(), 10);
        assert!(r.results.iter().all(|x| x.rel.starts_with("test/language/")));
        let r = run_suite_in(&t.0, &make_fake, &opts(&["test/built-ins/Bar/", "language/foo/pass.js"]));
        assert_eq!(r.total(), 17);
        let r = run_suite_in(&t.0, &make_fake, &opts(&["built-ins/Ba"]));
        assert_eq!(r.total(), 0);
        assert_eq!(r.overall_line(), "overall: 0/0 = 0.00%");
        assert!(matches_filter("test/built-ins/Array/x.js", &[]));
        assert!(matches_filter("test/built-ins/Array/x.js", &["built-ins/Array".into()]));
        assert!(!matches_filter("test/built-ins/ArrayBuffer/x.js", &["built-ins/Array".into()]));
        assert_eq!(directory_of("test/built-ins/Array/prototype/map/x.js"), "built-ins/Array");
        assert_eq!(directory_of("test/language/x.js"), "language");
    }

    #[test]
    fn a_single_thread_and_a_missing_tree() {
        let t = tree();
        let mut o = opts(&["built-ins/Bar/sub"]);
        o.threads = 0;
        let r = run_suite_in(&t.0, &make_fake, &o);
        assert_eq!((r.passed(), r.total()), (2, 2));
        let r = run_suite_in(&t.0.join("nowhere"), &make_fake, &o);
        assert_eq!(r.total(), 0);
    }

    #[test]
    fn async_syntax_implies_its_feature_tags() {
        let m = parse_meta(&(meta("flags: [async]\nfeatures: [Promise]\n") + "async function* g() {}\n"));
        assert_eq!(m.features, vec!["Promise", "async-functions", "async-iteration"]);
        let m = parse_meta(&(meta("flags: [async]\n") + "var notasync = 1; x.then($DONE, $DONE);\n"));
        assert!(m.features.is_empty());
        // only async tests: others are tagged by their authors
        let m = parse_meta(&(meta("") + "async function f() {}\n"));
        assert!(m.features.is_empty());
        let printed = |l: &str| vec![l.to_string()];
        let am = Meta { flags: vec!["async".into()], ..Default::default() };
        assert_eq!(judge_async(&am, &Ok(()), &printed("Test262:AsyncTestComplete")), None);
        assert_eq!(judge_async(&am, &Ok(()), &printed("Test262:AsyncTestFailure:x")).as_deref(), Some("Test262:AsyncTestFailure:x"));
        assert!(judge_async(&am, &Err(("TypeError".into(), "m".into())), &printed("Test262:AsyncTestComplete")).is_some());
    }

    #[test]
    fn judging() {
        let neg = |phase: &str| Meta { negative: Some(Negative { phase: phase.into(), error_type: "SyntaxError".into() }), ..Default::default() };
        let err = |n: &str| Err((n.to_string(), "m".to_string()));
        assert_eq!(judge(&Meta::default(), &Ok(())), None);
        assert_eq!(judge(&Meta::default(), &err("Interrupted")).as_deref(), Some("timeout"));
        assert_eq!(judge(&neg("parse"), &err("SyntaxError")), None);
        assert_eq!(judge(&neg("resolution"), &err("SyntaxError")), None);
        assert_eq!(judge(&neg("runtime"), &err("SyntaxError")), None);
        assert_eq!(judge(&neg("parse"), &err("Interrupted")).as_deref(), Some("timeout"));
        assert_eq!(judge(&neg("parse"), &err("TypeError")).as_deref(), Some("expected SyntaxError (parse), got TypeError: m"));
    }
}
