//! ken-shell in a terminal, as a person uses it: the prompt, line editing, history kept with
//! the session, Ctrl+C stopping a runaway turn (rolled back) and Ctrl+C / Ctrl+D at the prompt.
//!
//! Each test runs the shell on the slave side of a pseudo-terminal it owns (a new session with
//! the pty as controlling terminal, so a typed Ctrl+C becomes SIGINT as it does in a real
//! terminal) and reads the master side.

use std::fs::File;
use std::io::{Read, Write};
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const SHELL: &str = env!("CARGO_BIN_EXE_ken-shell");

fn tempdir(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("ken-pty-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

struct Pty {
    master: File,
    child: Child,
    /// Everything read so far, with terminal escape sequences removed.
    seen: String,
    /// How much of `seen` earlier `expect` calls consumed.
    pos: usize,
}

impl Pty {
    fn spawn(dir: &Path, args: &[&str]) -> Pty {
        let (mut m, mut s) = (-1, -1);
        let ws = libc::winsize { ws_row: 24, ws_col: 100, ws_xpixel: 0, ws_ypixel: 0 };
        // SAFETY: openpty writes two descriptors into the out-parameters; name and termios
        // may be null, the window size is a valid struct.
        let r = unsafe { libc::openpty(&mut m, &mut s, std::ptr::null_mut(), std::ptr::null(), &ws) };
        assert_eq!(r, 0, "openpty failed");
        // SAFETY: openpty returned two fresh descriptors that nothing else owns.
        let (master, slave) = unsafe { (OwnedFd::from_raw_fd(m), OwnedFd::from_raw_fd(s)) };
        let mut cmd = Command::new(SHELL);
        cmd.args(args)
            .current_dir(dir)
            .env("TERM", "xterm")
            .stdin(Stdio::from(slave.try_clone().unwrap()))
            .stdout(Stdio::from(slave.try_clone().unwrap()))
            .stderr(Stdio::from(slave));
        // SAFETY: between fork and exec the closure calls only async-signal-safe functions:
        // a new session, then the pty (already on fd 0) as its controlling terminal.
        unsafe {
            cmd.pre_exec(|| {
                if libc::setsid() < 0 || libc::ioctl(0, libc::TIOCSCTTY as _, 0) < 0 {
                    return Err(std::io::Error::last_os_error());
                }
                Ok(())
            });
        }
        let child = cmd.spawn().expect("spawning ken-shell on a pty");
        let master = File::from(master);
        // SAFETY: fcntl on a descriptor we own, setting only O_NONBLOCK.
        unsafe {
            let fl = libc::fcntl(master.as_raw_fd(), libc::F_GETFL);
            libc::fcntl(master.as_raw_fd(), libc::F_SETFL, fl | libc::O_NONBLOCK);
        }
        Pty { master, child, seen: String::new(), pos: 0 }
    }

    fn send(&mut self, s: &str) {
        self.master.write_all(s.as_bytes()).unwrap();
        self.master.flush().unwrap();
    }

    /// Reads what is available within `wait`; answers rustyline's cursor-position queries.
    fn pump(&mut self, wait: Duration) {
        let mut pfd = libc::pollfd { fd: self.master.as_raw_fd(), events: libc::POLLIN, revents: 0 };
        // SAFETY: one valid pollfd for the duration of the call.
        let n = unsafe { libc::poll(&mut pfd, 1, wait.as_millis() as i32) };
        if n <= 0 {
            return;
        }
        let mut buf = [0u8; 4096];
        match self.master.read(&mut buf) {
            Ok(n) if n > 0 => {
                let raw = String::from_utf8_lossy(&buf[..n]).to_string();
                if raw.contains("\x1b[6n") {
                    self.send("\x1b[1;1R");
                }
                self.seen.push_str(&strip_escapes(&raw));
            }
            _ => {}
        }
    }

    /// Waits until `needle` appears after what earlier calls consumed; returns the text up to
    /// and including it.
    fn expect(&mut self, needle: &str, timeout: Duration) -> String {
        let end = Instant::now() + timeout;
        loop {
            if let Some(i) = self.seen[self.pos..].find(needle) {
                let upto = self.pos + i + needle.len();
                let got = self.seen[self.pos..upto].to_string();
                self.pos = upto;
                return got;
            }
            let now = Instant::now();
            if now >= end {
                panic!("timed out waiting for {needle:?}; the terminal shows after the last match:\n{}", &self.seen[self.pos..]);
            }
            self.pump((end - now).min(Duration::from_millis(50)));
        }
    }

    /// Types a line once the prompt is shown (rustyline drops keys typed before it reads).
    fn line(&mut self, text: &str) {
        self.expect("> ", Duration::from_secs(10));
        self.send(text);
        self.send("\r");
    }

    fn wait_exit(&mut self, timeout: Duration) -> Option<i32> {
        let end = Instant::now() + timeout;
        while Instant::now() < end {
            if let Some(st) = self.child.try_wait().unwrap() {
                return Some(st.code().unwrap_or(-1));
            }
            self.pump(Duration::from_millis(20));
        }
        None
    }
}

impl Drop for Pty {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Removes CSI sequences (`ESC [ ... letter`), other two-byte escapes and carriage returns.
fn strip_escapes(s: &str) -> String {
    let mut out = String::new();
    let mut it = s.chars().peekable();
    while let Some(c) = it.next() {
        match c {
            '\x1b' => match it.next() {
                Some('[') => {
                    for d in it.by_ref() {
                        if d.is_ascii_alphabetic() || d == '~' {
                            break;
                        }
                    }
                }
                _ => {}
            },
            '\r' => {}
            _ => out.push(c),
        }
    }
    out
}

const SEC: Duration = Duration::from_secs(10);

#[test]
fn ctrl_c_stops_a_runaway_turn_and_rolls_it_back() {
    let dir = tempdir("interrupt");
    let mut t = Pty::spawn(&dir, &["127.0.0.1:6666"]);
    t.expect("Initialized session", SEC);
    t.line("var a = { n: 1 }; var log = [];");
    t.line("a.n = 2; log.push('lost'); while (true) {}");
    // let the loop run, then press Ctrl+C
    std::thread::sleep(Duration::from_millis(300));
    t.pump(Duration::from_millis(10));
    let pressed = Instant::now();
    t.send("\x03");
    t.expect("Uncaught Error: Script execution interrupted.", SEC);
    t.expect("> ", SEC);
    let latency = pressed.elapsed();
    eprintln!("Ctrl+C during a turn: the prompt came back after {latency:?}");
    assert!(latency < Duration::from_secs(1), "the prompt came back after {latency:?}");
    // the interrupted turn left nothing behind
    t.send("JSON.stringify([a, log])\r");
    t.expect("'[{\"n\":1},[]]'", SEC);
    // and the session goes on
    t.line("a.n += 10");
    t.expect("11", SEC);
}

#[test]
fn ctrl_c_at_the_prompt_exits_at_once_and_keeps_the_committed_state() {
    let dir = tempdir("ctrlc-prompt");
    {
        let mut t = Pty::spawn(&dir, &["127.0.0.1:6666"]);
        t.expect("Initialized session", SEC);
        t.line("var kept = 'yes'");
        t.expect("> ", SEC);
        t.send("\x03");
        assert_eq!(t.wait_exit(Duration::from_secs(5)), Some(0), "Ctrl+C at the prompt exits with status 0");
    }
    let mut t = Pty::spawn(&dir, &["127.0.0.1:6666"]);
    t.expect("Restored session", SEC);
    t.line("kept");
    t.expect("'yes'", SEC);
    t.expect("> ", SEC);
    t.send("\x04"); // Ctrl+D
    assert_eq!(t.wait_exit(Duration::from_secs(5)), Some(0), "Ctrl+D exits with status 0");
}

#[test]
fn line_editing_and_history_kept_with_the_session() {
    let dir = tempdir("editing");
    {
        let mut t = Pty::spawn(&dir, &["127.0.0.1:6666"]);
        t.expect("Initialized session", SEC);
        t.line("var x = 20");
        // type "x+1", move left three times, insert "2*": the line run is "2*x+1"
        t.expect("> ", SEC);
        t.send("x+1\x1b[D\x1b[D\x1b[D2*\r");
        t.expect("41", SEC);
        // Ctrl+A / Ctrl+E / backspace
        t.expect("> ", SEC);
        t.send("+5\x01x\x05\x7f7\r"); // "x+5" -> "x+7"
        t.expect("27", SEC);
        // Up recalls the previous input
        t.expect("> ", SEC);
        t.send("\x1b[A\r");
        t.expect("27", SEC);
        t.expect("> ", SEC);
        t.send(".exit\r");
        assert_eq!(t.wait_exit(Duration::from_secs(5)), Some(0));
    }
    // the history survives a restart of the session
    let mut t = Pty::spawn(&dir, &["127.0.0.1:6666"]);
    t.expect("Restored session", SEC);
    t.expect("> ", SEC);
    t.send("\x1b[A\x1b[A\r"); // .exit is the last entry, "x+7" the one before
    t.expect("27", SEC);
}

#[test]
fn multi_line_input_continues_on_the_dots_prompt() {
    let dir = tempdir("multiline");
    let mut t = Pty::spawn(&dir, &["127.0.0.1:6666"]);
    t.expect("Initialized session", SEC);
    t.line("function sq(n) {");
    t.expect("... ", SEC);
    t.send("  return n * n;\r");
    t.expect("... ", SEC);
    t.send("}\r");
    t.line("sq(12)");
    t.expect("144", SEC);
}
