//! `ken-shell`: the persistent JavaScript shell (DESIGN.md section 5).
//!
//! ```text
//! ken-shell [--state DIR] ADDR            persistent REPL
//! ken-shell [--state DIR] ADDR FILE.js    run FILE as one turn in that session
//! ken-shell --ephemeral FILE.js           run FILE in a throwaway heap
//! ken-shell --ephemeral -e CODE           evaluate CODE in a throwaway heap
//! ```

use std::collections::HashMap;
use js::builtins::host::now_ms;
use js::{Delivery, Runtime};
use ken_rust::net;
use std::io::{BufRead, Write};
use std::net::{SocketAddr, UdpSocket};
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{mpsc, Arc};
use std::time::{Duration, Instant};

const USAGE: &str = "usage:
  ken-shell [--state DIR] ADDR            persistent REPL (ADDR is the Ken identity IP:PORT)
  ken-shell [--state DIR] ADDR FILE.js    run FILE as one turn in that persistent session
  ken-shell --ephemeral FILE.js           run FILE in a fresh throwaway heap
  ken-shell --ephemeral -e CODE           evaluate CODE in a fresh throwaway heap";

enum Mode {
    Ephemeral { source: String },
    Session { state: PathBuf, file: Option<PathBuf>, addr: String },
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
        [addr] => Ok(Mode::Session { state: state.unwrap_or_else(|| PathBuf::from(addr)), file: None, addr: addr.clone() }),
        [addr, file] => Ok(Mode::Session { state: state.unwrap_or_else(|| PathBuf::from(addr)), file: Some(PathBuf::from(file)), addr: addr.clone() }),
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
            let rt = match Runtime::ephemeral() {
                Ok(rt) => rt,
                Err(e) => {
                    eprintln!("ken-shell: {e}");
                    return ExitCode::from(1);
                }
            };
            let mut host = Host::new(rt, Endpoint::Lazy, true);
            match host.rt.eval_script(&source, false) {
                Ok(_) => host.run_until_idle(),
                Err(e) => {
                    let _ = std::io::stdout().flush();
                    eprintln!("{e}");
                    ExitCode::from(1)
                }
            }
        }
        Mode::Session { state, file, addr } => session(state, file, addr),
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
    let _ = o.flush();
}

enum Line {
    Text(String),
    /// Ctrl+C at the prompt.
    Interrupted,
    /// Ctrl+D or the end of piped input.
    Eof,
}

/// What wakes the event loop: a complete input line, or a datagram that passed its checks.
enum Event {
    Line(Line),
    Frame(net::Frame),
}

/// Where the lines come from. A reader thread hands each line to the event loop, so that
/// timers and messages run while the shell waits for input. In a terminal the thread runs
/// rustyline (editing, history kept in the state directory) only when the loop asks for a
/// line: between prompts the terminal is in its normal mode, so Ctrl+C during a turn is
/// SIGINT. Anything else is read line by line without editing, so the shell can be scripted.
enum Input {
    Terminal { ask: mpsc::Sender<String> },
    Plain,
}

impl Input {
    fn start(state: &std::path::Path, events: mpsc::SyncSender<Event>) -> Input {
        use std::io::IsTerminal;
        if std::io::stdin().is_terminal() && std::io::stdout().is_terminal() {
            if let Ok(mut editor) = rustyline::DefaultEditor::new() {
                let history = state.join(HISTORY_FILE);
                // a missing history file is normal for a new session
                let _ = editor.load_history(&history);
                let (ask, prompts) = mpsc::channel::<String>();
                std::thread::spawn(move || {
                    for prompt in prompts {
                        let line = match editor.readline(&prompt) {
                            Ok(l) => {
                                if !l.trim().is_empty() {
                                    let _ = editor.add_history_entry(l.as_str());
                                    if let Err(e) = editor.save_history(&history) {
                                        eprintln!("ken-shell: cannot save the history in {}: {e}", history.display());
                                    }
                                    private(&history);
                                }
                                Line::Text(l)
                            }
                            Err(rustyline::error::ReadlineError::Interrupted) => Line::Interrupted,
                            Err(rustyline::error::ReadlineError::Eof) => Line::Eof,
                            Err(e) => {
                                eprintln!("ken-shell: reading the terminal: {e}");
                                Line::Eof
                            }
                        };
                        if events.send(Event::Line(line)).is_err() {
                            return;
                        }
                    }
                });
                return Input::Terminal { ask };
            }
        }
        std::thread::spawn(move || {
            let stdin = std::io::stdin();
            loop {
                let mut line = String::new();
                let l = match stdin.lock().read_line(&mut line) {
                    Ok(0) | Err(_) => Line::Eof,
                    Ok(_) => Line::Text(line.trim_end_matches(['\n', '\r']).to_string()),
                };
                let end = matches!(l, Line::Eof);
                if events.send(Event::Line(l)).is_err() || end {
                    return;
                }
            }
        });
        Input::Plain
    }

    /// Shows the prompt (and, in a terminal, asks the reader thread for the next line).
    fn prompt(&mut self, prompt: &str) {
        match self {
            Input::Terminal { ask } => {
                let _ = ask.send(prompt.to_string());
            }
            Input::Plain => {
                print!("{prompt}");
                let _ = std::io::stdout().flush();
            }
        }
    }
}

/// The history file is the session's: private like the heap.
fn private(p: &std::path::Path) {
    use std::os::unix::fs::PermissionsExt;
    let _ = std::fs::set_permissions(p, std::fs::Permissions::from_mode(0o600));
}

/// The history file inside the state directory (the session's lines, across restarts).
const HISTORY_FILE: &str = "shell_history";

const HELP: &str = ".exit        leave the shell (every input is already committed)
.help        this text
.load FILE   run FILE as one turn
.status      heap size, live bytes, turns committed, last commit latency, queued messages,
             pending timers
Ctrl+C       at the prompt: exit; while a turn runs: stop it (the turn is rolled back)
Ctrl+D       exit (timers and unacknowledged messages wait in the heap for the next start)";

fn session(state: PathBuf, file: Option<PathBuf>, addr: String) -> ExitCode {
    let (rt, opened) = match open(&state) {
        Ok(r) => r,
        Err(c) => return c,
    };
    let endpoint = match addr.parse::<SocketAddr>() {
        // a session named by something else than IP:PORT has no endpoint: its messages wait
        Err(_) => Endpoint::None,
        Ok(a) if a.ip().is_unspecified() || a.port() == 0 => {
            eprintln!("ken-shell: {addr} is not a specific address; messaging is off (messages wait in the heap)");
            Endpoint::None
        }
        Ok(a) => match UdpSocket::bind(a) {
            Ok(s) => Endpoint::Bound(s),
            Err(e) => {
                eprintln!("ken-shell: cannot bind {addr}: {e}; messaging is off (messages wait in the heap)");
                Endpoint::None
            }
        },
    };
    if let Some(f) = file {
        let src = match read_source(&f) {
            Ok(s) => s,
            Err(e) => {
                eprintln!("ken-shell: {e}");
                return ExitCode::from(1);
            }
        };
        let mut host = Host::new(rt, endpoint, true);
        return match host.rt.eval_turn(&src) {
            Ok(_) => {
                flush_output(&mut host.rt);
                host.run_until_idle()
            }
            Err(e) => {
                eprintln!("{e}");
                ExitCode::from(1)
            }
        };
    }
    let mut host = Host::new(rt, endpoint, false);
    println!("{}", if opened == ken::Opened::Created { "Initialized session" } else { "Restored session" });
    let mut input = Input::start(&state, host.events_tx.clone());
    // after the editor: rustyline puts its own SIGINT handler in place when it is created
    sigint::install(host.rt.interrupt_handle());
    let mut pending = String::new();
    loop {
        input.prompt(if pending.is_empty() { "> " } else { "... " });
        let line = match host.wait_line() {
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
                    let s = host.rt.stats();
                    let (queued, peers) = {
                        let q = host.rt.outgoing();
                        (q.iter().map(|q| q.next - q.head).sum::<u64>(), q.len())
                    };
                    println!(
                        "heap {} bytes, live {} bytes, {} turns committed, last commit {:?}; {} messages queued for {} peers, {} timers pending, {} messages waiting for receive(), endpoint {}, {} datagrams dropped",
                        s.heap_bytes,
                        s.live_bytes,
                        s.turns_committed,
                        s.last_commit_latency,
                        queued,
                        peers,
                        host.rt.pending_timers(),
                        host.rt.inbox_len(),
                        host.me.map(|a| a.to_string()).unwrap_or_else(|| "none".into()),
                        host.dropped.load(Ordering::Relaxed),
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
                        Ok(src) => turn(&mut host.rt, &src),
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
        turn(&mut host.rt, &src);
    }
}

/// One turn of the REPL: evaluate, commit, print (output first, then the result).
fn turn(rt: &mut Runtime, src: &str) {
    sigint::TURN_RUNNING.store(true, Ordering::SeqCst);
    let r = rt.eval_turn(src);
    sigint::TURN_RUNNING.store(false, Ordering::SeqCst);
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

enum Endpoint {
    None,
    Bound(UdpSocket),
    /// Bound to an ephemeral loopback port when the first message is to leave (--ephemeral).
    Lazy,
}

/// Retransmission: the first timeout, its cap (doubling in between), and how many messages
/// per peer may be in flight.
const RTO_MIN: Duration = Duration::from_millis(100);
const RTO_MAX: Duration = Duration::from_millis(800);
const WINDOW: u64 = 64;

/// What the sender knows of one peer (volatile: after a restart it starts from the heap's
/// queue again, and the receiver's duplicate check absorbs what is sent twice).
struct Peer {
    head: u64,
    /// The highest sequence number transmitted in the current round.
    sent: u64,
    deadline: Instant,
    rto: Duration,
}

/// The event loop: input lines, datagrams and timers, each handled as its own turn.
struct Host {
    rt: Runtime,
    socket: Option<UdpSocket>,
    lazy: bool,
    me: Option<SocketAddr>,
    session: u64,
    events_tx: mpsc::SyncSender<Event>,
    events: mpsc::Receiver<Event>,
    /// A line that arrived while frames were being drained.
    stashed: Option<Line>,
    peers: HashMap<String, Peer>,
    acks: Vec<(String, u64)>,
    dropped: Arc<AtomicU64>,
    /// FILE and --ephemeral: an uncaught exception in a timer or receive() ends the process
    /// with status 1 (as in node); in the REPL it is printed and the loop goes on.
    strict: bool,
    failed: bool,
}

impl Host {
    fn new(mut rt: Runtime, endpoint: Endpoint, strict: bool) -> Host {
        let (events_tx, events) = mpsc::sync_channel(1024);
        let session = rt.session_id();
        let mut h = Host {
            rt,
            socket: None,
            lazy: matches!(endpoint, Endpoint::Lazy),
            me: None,
            session,
            events_tx,
            events,
            stashed: None,
            peers: HashMap::new(),
            acks: Vec::new(),
            dropped: Arc::new(AtomicU64::new(0)),
            strict,
            failed: false,
        };
        if let Endpoint::Bound(s) = endpoint {
            h.attach(s);
        }
        h
    }

    /// Starts the receiving thread on `socket`: it checks every datagram (format, checksum,
    /// the claimed sender against the source address) and passes on only those that pass.
    fn attach(&mut self, socket: UdpSocket) {
        self.me = socket.local_addr().ok();
        if let Ok(rx) = socket.try_clone() {
            let tx = self.events_tx.clone();
            let dropped = self.dropped.clone();
            std::thread::spawn(move || {
                let mut buf = vec![0u8; 65536];
                loop {
                    match rx.recv_from(&mut buf) {
                        Ok((n, src)) => match net::decode(&buf[..n]) {
                            Ok(f) if f.sender == src => {
                                if tx.send(Event::Frame(f)).is_err() {
                                    return;
                                }
                            }
                            _ => {
                                dropped.fetch_add(1, Ordering::Relaxed);
                            }
                        },
                        Err(_) => std::thread::sleep(Duration::from_millis(1)),
                    }
                }
            });
        }
        self.socket = Some(socket);
    }

    /// Runs timers, messages and retransmissions until an input line arrives.
    fn wait_line(&mut self) -> Line {
        loop {
            if let Some(l) = self.stashed.take() {
                return l;
            }
            self.work();
            let ev = match self.wakeup() {
                None => self.events.recv().map_err(|_| mpsc::RecvTimeoutError::Disconnected),
                Some(t) => self.events.recv_timeout(t),
            };
            match ev {
                Ok(Event::Line(l)) => return l,
                Ok(Event::Frame(f)) => self.on_frames(f),
                Err(mpsc::RecvTimeoutError::Timeout) => {}
                Err(mpsc::RecvTimeoutError::Disconnected) => return Line::Eof,
            }
        }
    }

    /// FILE and --ephemeral: runs until no timer and no unacknowledged message remains.
    fn run_until_idle(&mut self) -> ExitCode {
        loop {
            self.work();
            if self.failed {
                return ExitCode::from(1);
            }
            let waiting_messages = (self.socket.is_some() || self.lazy) && self.rt.outgoing_count() > 0;
            if self.rt.pending_timers() == 0 && !waiting_messages && self.acks.is_empty() {
                return ExitCode::SUCCESS;
            }
            let ev = match self.wakeup() {
                None => self.events.recv().map_err(|_| mpsc::RecvTimeoutError::Disconnected),
                Some(t) => self.events.recv_timeout(t),
            };
            match ev {
                Ok(Event::Frame(f)) => self.on_frames(f),
                Ok(Event::Line(_)) | Err(mpsc::RecvTimeoutError::Timeout) => {}
                Err(mpsc::RecvTimeoutError::Disconnected) => return ExitCode::SUCCESS,
            }
        }
    }

    /// How long the loop may sleep: until the next timer or retransmission is due.
    fn wakeup(&mut self) -> Option<Duration> {
        let now = Instant::now();
        // clamped: no due time makes the conversion panic (a day is as good as forever here)
        let mut t: Option<Duration> = self.rt.next_timer_due().map(|due| Duration::from_secs_f64(((due - now_ms()) / 1000.0).clamp(0.0, 86_400.0)));
        for p in self.peers.values() {
            let d = p.deadline.saturating_duration_since(now);
            t = Some(t.map_or(d, |x| x.min(d)));
        }
        t
    }

    /// Handles `first` and the frames already waiting behind it (a line among them is kept for
    /// the REPL), so that a burst of acknowledgements costs one turn.
    fn on_frames(&mut self, first: net::Frame) {
        self.on_frame(first);
        for _ in 0..256 {
            match self.events.try_recv() {
                Ok(Event::Frame(f)) => self.on_frame(f),
                Ok(Event::Line(l)) => {
                    self.stashed = Some(l);
                    break;
                }
                Err(_) => break,
            }
        }
    }

    fn on_frame(&mut self, f: net::Frame) {
        match f.kind {
            net::Kind::Ack => {
                if f.session == self.session {
                    self.acks.push((f.sender.to_string(), f.seq));
                }
            }
            net::Kind::Data => {
                let from = f.sender.to_string();
                sigint::TURN_RUNNING.store(true, Ordering::SeqCst);
                let d = self.rt.deliver(&from, f.session, f.seq, &f.payload);
                sigint::TURN_RUNNING.store(false, Ordering::SeqCst);
                let ack = match d {
                    Delivery::Dropped(_) => {
                        self.dropped.fetch_add(1, Ordering::Relaxed);
                        None
                    }
                    Delivery::Duplicate { ack } => Some(ack),
                    Delivery::Delivered { ack, result } => {
                        self.report(result);
                        Some(ack)
                    }
                };
                // only now: the delivering turn has committed
                if let (Some(seq), Some(s), Some(me)) = (ack, &self.socket, self.me) {
                    let d = net::encode(&net::Frame { kind: net::Kind::Ack, sender: me, session: f.session, seq, payload: Vec::new() });
                    let _ = s.send_to(&d, f.sender);
                }
            }
        }
    }

    /// The output of a host turn (after its commit), or its uncaught exception.
    fn report(&mut self, r: Result<(), js::Uncaught>) {
        flush_output(&mut self.rt);
        if let Err(e) = r {
            if self.strict {
                eprintln!("{e}");
                self.failed = true;
            } else {
                println!("{e}");
            }
        }
    }

    /// Due timers, the inbox (once `receive` is defined), acknowledgements, transmissions.
    fn work(&mut self) {
        // a bounded batch, so that an interval of 1 ms cannot starve input and messages
        for _ in 0..64 {
            if self.failed {
                return;
            }
            sigint::TURN_RUNNING.store(true, Ordering::SeqCst);
            let r = self.rt.fire_due_timer(now_ms()).or_else(|| self.rt.deliver_inbox());
            sigint::TURN_RUNNING.store(false, Ordering::SeqCst);
            match r {
                Some(r) => self.report(r),
                None => break,
            }
        }
        if !self.acks.is_empty() {
            let acks = std::mem::take(&mut self.acks);
            if let Err(e) = self.rt.apply_acks(&acks) {
                // not applied: the peer acknowledges again when the message is retransmitted
                eprintln!("ken-shell: recording acknowledgements: {e}");
            }
        }
        self.transmit();
    }

    /// Sends what the window allows: new messages, or the whole window again after a timeout.
    fn transmit(&mut self) {
        let queues = self.rt.outgoing();
        self.peers.retain(|a, _| queues.iter().any(|q| &q.addr == a));
        if queues.is_empty() {
            return;
        }
        if self.socket.is_none() && self.lazy {
            let v6 = queues[0].addr.starts_with('[');
            let local: SocketAddr = if v6 { "[::1]:0".parse().unwrap() } else { "127.0.0.1:0".parse().unwrap() };
            match UdpSocket::bind(local) {
                Ok(s) => self.attach(s),
                Err(e) => {
                    eprintln!("ken-shell: cannot open a socket for messages: {e}");
                    self.lazy = false;
                }
            }
        }
        let (Some(socket), Some(me)) = (&self.socket, self.me) else { return };
        let now = Instant::now();
        for q in queues {
            let Ok(dest) = q.addr.parse::<SocketAddr>() else { continue };
            let p = self.peers.entry(q.addr.clone()).or_insert(Peer { head: q.head, sent: q.head - 1, deadline: now + RTO_MIN, rto: RTO_MIN });
            if q.head > p.head {
                // progress: the timeout starts over
                p.head = q.head;
                p.rto = RTO_MIN;
                p.deadline = now + p.rto;
                p.sent = p.sent.max(q.head - 1);
            } else if now >= p.deadline {
                // nothing acknowledged for a while: send the window again, and wait longer
                p.sent = q.head - 1;
                p.rto = (p.rto * 2).min(RTO_MAX);
                p.deadline = now + p.rto;
            }
            let last = (q.next - 1).min(q.head + WINDOW - 1);
            while p.sent < last {
                let seq = p.sent + 1;
                let Some(payload) = self.rt.outgoing_payload(&q.addr, seq) else { break };
                let d = net::encode(&net::Frame { kind: net::Kind::Data, sender: me, session: self.session, seq, payload });
                let _ = socket.send_to(&d, dest);
                p.sent = seq;
            }
        }
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
