//! `ken-shell`: the persistent JavaScript shell (DESIGN.md section 5).
//!
//! ```text
//! ken-shell [--state DIR] ADDR            persistent REPL
//! ken-shell [--state DIR] ADDR FILE.js    run FILE as one turn in that session
//! ken-shell --ephemeral FILE.js           run FILE in a throwaway heap
//! ken-shell --ephemeral -e CODE           evaluate CODE in a throwaway heap
//! ```

use js::Runtime;
use std::io::{BufRead, Write};
use std::path::PathBuf;
use std::process::ExitCode;

const USAGE: &str = "usage:
  ken-shell [--state DIR] ADDR            persistent REPL (ADDR is the Ken identity IP:PORT)
  ken-shell [--state DIR] ADDR FILE.js    run FILE as one turn in that persistent session
  ken-shell --ephemeral FILE.js           run FILE in a fresh throwaway heap
  ken-shell --ephemeral -e CODE           evaluate CODE in a fresh throwaway heap";

enum Mode {
    Ephemeral { source: String, name: String },
    Session { state: PathBuf, file: Option<PathBuf> },
}

fn parse_args() -> Result<Mode, String> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let mut state: Option<PathBuf> = None;
    let mut ephemeral = false;
    let mut rest = Vec::new();
    let mut i = 0;
    while i < args.len() {
        match args[i].as_str() {
            "--ephemeral" => ephemeral = true,
            "--state" => {
                i += 1;
                state = Some(PathBuf::from(args.get(i).ok_or("--state needs a directory")?));
            }
            "-h" | "--help" => return Err(String::new()),
            _ => rest.push(args[i].clone()),
        }
        i += 1;
    }
    if ephemeral {
        return match rest.as_slice() {
            [e, code] if e == "-e" => Ok(Mode::Ephemeral { source: code.clone(), name: "-e".into() }),
            [file] => {
                let source = std::fs::read(file).map_err(|e| format!("cannot read {file}: {e}"))?;
                let source = String::from_utf8(source).map_err(|_| format!("{file}: the file is not valid UTF-8"))?;
                Ok(Mode::Ephemeral { source, name: file.clone() })
            }
            _ => Err("--ephemeral takes FILE.js or -e CODE".into()),
        };
    }
    match rest.as_slice() {
        [addr] => Ok(Mode::Session { state: state.unwrap_or_else(|| PathBuf::from(addr)), file: None }),
        [addr, file] => Ok(Mode::Session { state: state.unwrap_or_else(|| PathBuf::from(addr)), file: Some(PathBuf::from(file)) }),
        _ => Err("expected ADDR [FILE.js] or --ephemeral".into()),
    }
}

fn main() -> ExitCode {
    let mode = match parse_args() {
        Ok(m) => m,
        Err(e) if e.starts_with("cannot read") || e.contains("not valid UTF-8") => {
            eprintln!("ken-shell: {e}");
            return ExitCode::from(1);
        }
        Err(e) => {
            if !e.is_empty() {
                eprintln!("ken-shell: {e}");
            }
            eprintln!("{USAGE}");
            return ExitCode::from(2);
        }
    };
    // the interpreter recurses; run it on a thread with a large stack
    let h = std::thread::Builder::new().stack_size(1 << 30).spawn(move || run(mode)).expect("spawning the interpreter thread");
    h.join().unwrap_or(ExitCode::from(70))
}

fn run(mode: Mode) -> ExitCode {
    match mode {
        Mode::Ephemeral { source, .. } => {
            let mut rt = match Runtime::ephemeral() {
                Ok(rt) => rt,
                Err(e) => {
                    eprintln!("ken-shell: {e}");
                    return ExitCode::from(1);
                }
            };
            match rt.eval_script(&source, false) {
                Ok(_) => ExitCode::SUCCESS,
                Err(e) => {
                    let _ = std::io::stdout().flush();
                    eprintln!("{e}");
                    ExitCode::from(1)
                }
            }
        }
        Mode::Session { state, file } => session(state, file),
    }
}

fn open(state: &PathBuf) -> Result<(Runtime, ken::Opened), ExitCode> {
    match Runtime::open(state) {
        Ok(r) => Ok(r),
        Err(e) => {
            eprintln!("ken-shell: cannot open the session in {}: {e}", state.display());
            Err(ExitCode::from(1))
        }
    }
}

fn flush_output(rt: &mut Runtime) {
    let mut o = std::io::stdout().lock();
    for l in rt.take_output() {
        let _ = writeln!(o, "{l}");
    }
}

fn session(state: PathBuf, file: Option<PathBuf>) -> ExitCode {
    let (mut rt, opened) = match open(&state) {
        Ok(r) => r,
        Err(c) => return c,
    };
    if let Some(f) = file {
        let src = match std::fs::read_to_string(&f) {
            Ok(s) => s,
            Err(e) => {
                eprintln!("ken-shell: cannot read {}: {e}", f.display());
                return ExitCode::from(1);
            }
        };
        return match rt.eval_turn(&src) {
            Ok(_) => {
                flush_output(&mut rt);
                ExitCode::SUCCESS
            }
            Err(e) => {
                eprintln!("{e}");
                ExitCode::from(1)
            }
        };
    }
    println!("{}", if opened == ken::Opened::Created { "Initialized session" } else { "Restored session" });
    let stdin = std::io::stdin();
    let mut pending = String::new();
    loop {
        print!("{}", if pending.is_empty() { "> " } else { "... " });
        let _ = std::io::stdout().flush();
        let mut line = String::new();
        match stdin.lock().read_line(&mut line) {
            Ok(0) | Err(_) => {
                println!();
                return ExitCode::SUCCESS;
            }
            Ok(_) => {}
        }
        let trimmed = line.trim_end_matches(['\n', '\r']);
        if pending.is_empty() {
            match trimmed.trim() {
                "" => continue,
                ".exit" => return ExitCode::SUCCESS,
                ".help" => {
                    println!(".exit   leave the shell (the session is saved after every input)\n.help   this text\n.status heap size, live bytes, turns committed, last commit latency");
                    continue;
                }
                ".status" => {
                    let s = rt.stats();
                    println!(
                        "heap {} bytes, live {} bytes, {} turns committed, last commit {:?}",
                        s.heap_bytes, s.live_bytes, s.turns_committed, s.last_commit_latency
                    );
                    continue;
                }
                _ => {}
            }
        }
        pending.push_str(trimmed);
        pending.push('\n');
        if incomplete(&pending) {
            continue;
        }
        let src = std::mem::take(&mut pending);
        match rt.eval_turn(&src) {
            Ok(shown) => {
                flush_output(&mut rt);
                if let Some(s) = shown {
                    println!("{s}");
                }
            }
            Err(e) => println!("{e}"),
        }
    }
}

/// Whether the input so far is an unfinished statement (open brackets, strings, templates).
fn incomplete(src: &str) -> bool {
    match js::parse_script(src, false) {
        Ok(_) => false,
        Err(e) => {
            // an error at the very end of the input means more input could complete it
            let end = src.trim_end().len() as u32;
            e.offset >= end && (e.message.contains("end of input") || e.message.contains("Unexpected end") || e.message.contains("unterminated") || e.message.contains("Unterminated"))
        }
    }
}
