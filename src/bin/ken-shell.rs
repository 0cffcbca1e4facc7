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
    Ephemeral { source: String },
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
            [e, code] if e == "-e" => Ok(Mode::Ephemeral { source: code.clone() }),
            [file] => {
                let source = std::fs::read(file).map_err(|e| format!("cannot read {file}: {e}"))?;
                let source = String::from_utf8(source).map_err(|_| format!("{file}: the file is not valid UTF-8"))?;
                Ok(Mode::Ephemeral { source })
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
        Mode::Ephemeral { source } => {
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

/// Where the line comes from: a terminal (rustyline editing, history kept in the state
/// directory) or anything else (plain line-by-line reads, so the shell can be scripted).
enum Input {
    Terminal { editor: rustyline::DefaultEditor, history: PathBuf },
    Plain(std::io::Stdin),
}

enum Line {
    Text(String),
    /// Ctrl+C at the prompt.
    Interrupted,
    /// Ctrl+D or the end of piped input.
    Eof,
}

impl Input {
    fn new(state: &std::path::Path) -> Input {
        use std::io::IsTerminal;
        if std::io::stdin().is_terminal() && std::io::stdout().is_terminal() {
            if let Ok(mut editor) = rustyline::DefaultEditor::new() {
                let history = state.join(HISTORY_FILE);
                // a missing history file is normal for a new session
                let _ = editor.load_history(&history);
                return Input::Terminal { editor, history };
            }
        }
        Input::Plain(std::io::stdin())
    }

    fn read(&mut self, prompt: &str) -> Line {
        match self {
            Input::Terminal { editor, history } => match editor.readline(prompt) {
                Ok(l) => {
                    if !l.trim().is_empty() {
                        let _ = editor.add_history_entry(l.as_str());
                        if let Err(e) = editor.save_history(history) {
                            eprintln!("ken-shell: cannot save the history in {}: {e}", history.display());
                        }
                    }
                    Line::Text(l)
                }
                Err(rustyline::error::ReadlineError::Interrupted) => Line::Interrupted,
                Err(rustyline::error::ReadlineError::Eof) => Line::Eof,
                Err(e) => {
                    eprintln!("ken-shell: reading the terminal: {e}");
                    Line::Eof
                }
            },
            Input::Plain(stdin) => {
                print!("{prompt}");
                let _ = std::io::stdout().flush();
                let mut line = String::new();
                match stdin.lock().read_line(&mut line) {
                    Ok(0) | Err(_) => Line::Eof,
                    Ok(_) => Line::Text(line.trim_end_matches(['\n', '\r']).to_string()),
                }
            }
        }
    }
}

/// The history file inside the state directory (the session's lines, across restarts).
const HISTORY_FILE: &str = "shell_history";

const HELP: &str = ".exit        leave the shell (every input is already committed)
.help        this text
.load FILE   run FILE as one turn
.status      heap size, live bytes, turns committed, last commit latency
Ctrl+C       at the prompt: exit; while a turn runs: stop it (the turn is rolled back)
Ctrl+D       exit";

fn session(state: PathBuf, file: Option<PathBuf>) -> ExitCode {
    let (mut rt, opened) = match open(&state) {
        Ok(r) => r,
        Err(c) => return c,
    };
    if let Some(f) = file {
        let src = match read_source(&f) {
            Ok(s) => s,
            Err(e) => {
                eprintln!("ken-shell: {e}");
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
    let mut input = Input::new(&state);
    // after the editor: rustyline puts its own SIGINT handler in place when it is created
    sigint::install(rt.interrupt_handle());
    let mut pending = String::new();
    loop {
        let line = match input.read(if pending.is_empty() { "> " } else { "... " }) {
            Line::Text(l) => l,
            Line::Interrupted => return ExitCode::SUCCESS,
            Line::Eof => {
                println!();
                return ExitCode::SUCCESS;
            }
        };
        if pending.is_empty() {
            let cmd = line.trim();
            match cmd {
                "" => continue,
                ".exit" => return ExitCode::SUCCESS,
                ".help" => {
                    println!("{HELP}");
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
                _ if cmd == ".load" || cmd.starts_with(".load ") => {
                    let name = cmd[".load".len()..].trim();
                    if name.is_empty() {
                        println!("usage: .load FILE");
                        continue;
                    }
                    match read_source(std::path::Path::new(name)) {
                        Ok(src) => turn(&mut rt, &src),
                        Err(e) => println!("{e}"),
                    }
                    continue;
                }
                _ if cmd.starts_with('.') && !cmd.starts_with("..") && cmd[1..].starts_with(|c: char| c.is_ascii_alphabetic()) => {
                    println!("unknown command {cmd} (.help lists the commands)");
                    continue;
                }
                _ => {}
            }
        }
        pending.push_str(&line);
        pending.push('\n');
        if incomplete(&pending) {
            continue;
        }
        let src = std::mem::take(&mut pending);
        turn(&mut rt, &src);
    }
}

/// One turn of the REPL: evaluate, commit, print (output first, then the result).
fn turn(rt: &mut Runtime, src: &str) {
    sigint::TURN_RUNNING.store(true, std::sync::atomic::Ordering::SeqCst);
    let r = rt.eval_turn(src);
    sigint::TURN_RUNNING.store(false, std::sync::atomic::Ordering::SeqCst);
    match r {
        Ok(shown) => {
            flush_output(rt);
            if let Some(s) = shown {
                println!("{s}");
            }
        }
        Err(e) => println!("{e}"),
    }
}

fn read_source(f: &std::path::Path) -> Result<String, String> {
    let bytes = std::fs::read(f).map_err(|e| format!("cannot read {}: {e}", f.display()))?;
    String::from_utf8(bytes).map_err(|_| format!("{}: the file is not valid UTF-8", f.display()))
}

/// Ctrl+C outside line editing (a running turn, or piped input) arrives as SIGINT.
mod sigint {
    use js::InterruptHandle;
    use std::sync::atomic::{AtomicBool, Ordering};
    use std::sync::OnceLock;

    pub static TURN_RUNNING: AtomicBool = AtomicBool::new(false);
    static HANDLE: OnceLock<InterruptHandle> = OnceLock::new();

    extern "C" fn on_sigint(_: libc::c_int) {
        if TURN_RUNNING.load(Ordering::SeqCst) {
            // stop the turn at its next safe point; it is rolled back and the prompt returns
            if let Some(h) = HANDLE.get() {
                h.interrupt();
            }
        } else {
            // at the prompt: every turn is committed, so leaving at once loses nothing.
            // SAFETY: write(2) and _exit(2) are async-signal-safe; the buffer is a static.
            unsafe {
                libc::write(1, b"\n".as_ptr().cast(), 1);
                libc::_exit(0);
            }
        }
    }

    pub fn install(h: InterruptHandle) {
        let _ = HANDLE.set(h);
        // SAFETY: the handler only touches atomics and async-signal-safe calls; the sigaction
        // struct is fully initialised (zeroed, then the handler and an empty mask).
        unsafe {
            let mut sa: libc::sigaction = std::mem::zeroed();
            sa.sa_sigaction = on_sigint as extern "C" fn(libc::c_int) as usize;
            libc::sigemptyset(&mut sa.sa_mask);
            sa.sa_flags = libc::SA_RESTART;
            libc::sigaction(libc::SIGINT, &sa, std::ptr::null_mut());
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
