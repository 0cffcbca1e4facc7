//! The test262 conformance runner over `js::Runtime`.
//!
//! ```text
//! test262 [--threads N] [--timeout-ms N] [--floor PERCENT] [--failures N] [--results FILE] [PATH-PREFIX...]
//! ```
//!
//! Runs the in-scope tests (DESIGN.md section 4) of `../shared/test262/test262-dev.tar.gz`
//! (unpacked under `target/test262/` on first use), each variant in a fresh ephemeral
//! runtime, and prints the pass rate per directory (`language/<dir>`, `built-ins/<Dir>`),
//! the first failures and `overall: P/T = X.XX%`. PATH-PREFIX selects tests under `test/`
//! on whole path components (`built-ins/Array`, `language/expressions/addition`).
//! `--base-scope` leaves out the feature tags the project added (`test262::ADDED_FEATURES`).
//! With `--floor F` the exit status is 1 when the overall percentage is below F (the CI
//! ratchet); 2 on a usage error or when the archive is missing.
//!
//! Example: `cargo run --release -p js --bin test262 -- built-ins/Array language/expressions`

use js::test262::{self, Engine, RunOptions};
use std::time::Duration;

/// The adapter from `js::Runtime` to the runner's engine trait.
struct RuntimeEngine {
    rt: js::Runtime,
}

impl Engine for RuntimeEngine {
    fn run(&mut self, source: &str, strict: bool) -> Result<(), (String, String)> {
        match self.rt.eval_script(source, strict) {
            Ok(_) => Ok(()),
            Err(u) => Err((u.name, u.message)),
        }
    }
    fn printed(&mut self) -> Vec<String> {
        self.rt.take_output()
    }
}

fn make_engine() -> (RuntimeEngine, Box<dyn Fn() + Send + Sync>) {
    let mut rt = match js::Runtime::ephemeral() {
        Ok(rt) => rt,
        Err(_) => panic!("js::Runtime::ephemeral failed"),
    };

    // output is captured (async tests are judged by what they print), and a test may leave
    // a rejected promise unhandled on purpose
    rt.vm().output = js::vm::Output::Buffered(Vec::new());
    rt.set_report_unhandled_rejections(false);
    // the host-defined `$262.detachArrayBuffer`
    if js::builtins::arraybuffer::install_test262_host(rt.vm()).is_err() {
        panic!("installing the test262 host hooks failed");
    }
    let stop = rt.interrupt_handle();
    (RuntimeEngine { rt }, Box::new(move || stop.interrupt()))
}

const USAGE: &str = "usage: test262 [--threads N] [--timeout-ms N] [--floor PERCENT] [--failures N] [--results FILE] [--base-scope] [PATH-PREFIX...]";

struct Args {
    opts: RunOptions,
    floor: Option<f64>,
    results: Option<String>,
}

fn parse_args(args: &[String]) -> Result<Args, String> {
    let default_threads = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1);
    let mut opts = RunOptions { filter: Vec::new(), threads: default_threads, timeout: Duration::from_secs(10), verbose_failures: 20, base_scope: false };
    let mut floor = None;
    let mut results = None;
    let mut i = 0;
    while i < args.len() {
        let a = args[i].as_str();
        // accept both `--opt VALUE` and `--opt=VALUE`
        let (flag, inline) = match a.split_once('=') {
            Some((f, v)) if f.starts_with("--") => (f, Some(v.to_string())),
            _ => (a, None),
        };
        let mut value = |what: &str| -> Result<String, String> {
            if let Some(v) = inline.clone() {
                return Ok(v);
            }
            i += 1;
            args.get(i).cloned().ok_or_else(|| format!("{} needs {}", flag, what))
        };
        match flag {
            "-h" | "--help" => return Err(String::new()),
            "--threads" | "-j" => {
                opts.threads = value("a number")?.parse().map_err(|_| "--threads needs a number".to_string())?;
            }
            "--timeout-ms" => {
                let ms: u64 = value("milliseconds")?.parse().map_err(|_| "--timeout-ms needs a number".to_string())?;
                opts.timeout = Duration::from_millis(ms);
            }
            "--floor" => {
                let f: f64 = value("a percentage")?.parse().map_err(|_| "--floor needs a number".to_string())?;
                floor = Some(f);
            }
            "--failures" => {
                opts.verbose_failures = value("a number")?.parse().map_err(|_| "--failures needs a number".to_string())?;
            }
            "--results" => results = Some(value("a file name")?),
            "--base-scope" => opts.base_scope = true,
            "--" => {
                opts.filter.extend(args[i + 1..].iter().cloned());
                break;
            }
            _ if a.starts_with('-') => return Err(format!("unknown option {}", a)),
            _ => opts.filter.push(a.to_string()),
        }
        i += 1;
    }
    Ok(Args { opts, floor, results })
}

fn main() {
    let argv: Vec<String> = std::env::args().skip(1).collect();
    let args = match parse_args(&argv) {
        Ok(a) => a,
        Err(e) => {
            if e.is_empty() {
                println!("{}", USAGE);
                std::process::exit(0);
            }
            eprintln!("test262: {}\n{}", e, USAGE);
            std::process::exit(2);
        }
    };
    let report = test262::run_suite(&make_engine, &args.opts);
    if let Some(e) = &report.setup_error {
        eprintln!("test262: {}", e);
        std::process::exit(2);
    }
    if report.total() == 0 {
        eprintln!("test262: no in-scope test matches {:?}", args.opts.filter);
    }
    report.print();
    if let Some(path) = &args.results {
        let written = std::fs::File::create(path).and_then(|f| {
            let mut w = std::io::BufWriter::new(f);
            report.write_results(&mut w)?;
            std::io::Write::flush(&mut w)
        });
        if let Err(e) = written {
            eprintln!("test262: writing {}: {}", path, e);
        }
    }
    if let Some(floor) = args.floor {
        let p = report.percent();
        if p < floor {
            eprintln!("test262: overall {:.2}% is below the floor {:.2}%", p, floor);
            std::process::exit(1);
        }
        println!("floor {:.2}% held", floor);
    }
}
