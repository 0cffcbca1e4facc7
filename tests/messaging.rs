//! Messages and timers between real `ken-shell` processes: exactly-once delivery in order
//! while the test SIGKILLs either side, hostile datagrams, timers across a SIGKILL, the
//! inbox for messages that arrive before `receive` exists, and `send`'s refusals.
//!
//! The SIGKILL exchange sends 10,000 messages under 50 kills (about 15 s, debug or release).

use ken_rust::net;
use std::io::{BufRead, BufReader, Write};
use std::net::{SocketAddr, UdpSocket};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

const SHELL: &str = env!("CARGO_BIN_EXE_ken-shell");

fn tempdir(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("ken-msg-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

/// A free loopback UDP address (the kernel's pick, released for the shell to bind).
fn free_addr() -> String {
    let s = UdpSocket::bind("127.0.0.1:0").unwrap();
    s.local_addr().unwrap().to_string()
}

/// xorshift64*: reproducible randomness without a dependency (the seed is printed).
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

fn seed() -> u64 {
    let s = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_nanos() as u64 | 1;
    println!("seed {s}");
    s
}

/// A persistent shell driven through pipes; its output lines arrive on a channel.
struct Shell {
    child: Child,
    stdin: ChildStdin,
    lines: mpsc::Receiver<String>,
}

impl Shell {
    fn start(dir: &Path, addr: &str) -> Shell {
        let mut child = Command::new(SHELL)
            .args(["--state", "state", addr])
            .current_dir(dir)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .unwrap();
        let stdin = child.stdin.take().unwrap();
        let out = BufReader::new(child.stdout.take().unwrap());
        let (tx, lines) = mpsc::channel();
        std::thread::spawn(move || {
            for l in out.lines() {
                let Ok(l) = l else { return };
                let mut l = l.as_str();
                while let Some(r) = l.strip_prefix("> ").or_else(|| l.strip_prefix("... ")) {
                    l = r;
                }
                if tx.send(l.to_string()).is_err() {
                    return;
                }
            }
        });
        Shell { child, stdin, lines }
    }

    fn send_line(&mut self, l: &str) {
        // a killed shell's pipe is closed: the line is lost, as a typed line would be
        let _ = writeln!(self.stdin, "{l}");
        let _ = self.stdin.flush();
    }

    /// Sends `l` and returns the first output line for which `pick` says yes.
    fn ask(&mut self, l: &str, pick: impl Fn(&str) -> bool) -> String {
        self.send_line(l);
        let end = Instant::now() + Duration::from_secs(60);
        loop {
            let left = end.saturating_duration_since(Instant::now());
            match self.lines.recv_timeout(left) {
                Ok(got) if pick(&got) => return got,
                Ok(_) => {}
                Err(_) => panic!("no answer to {l:?}"),
            }
        }
    }

    /// The text of `expr`'s value (tagged with a fresh marker, so that an earlier answer is
    /// never taken for this one).
    fn query(&mut self, expr: &str) -> String {
        static N: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
        let tag = format!("'q{} ", N.fetch_add(1, std::sync::atomic::Ordering::Relaxed));
        let got = self.ask(&format!("{tag}' + ({expr})"), |l| l.starts_with(&tag));
        got[tag.len()..got.len() - 1].to_string()
    }

    fn number(&mut self, expr: &str) -> u64 {
        let t = self.query(expr);
        t.parse().unwrap_or_else(|_| panic!("{expr} = {t}"))
    }

    fn status(&mut self) -> String {
        self.ask(".status", |l| l.starts_with("heap "))
    }

    fn kill(mut self) {
        self.child.kill().unwrap(); // SIGKILL on Unix
        let _ = self.child.wait();
    }
}

/// The number before `what` in a `.status` line ("... 12 turns committed ...").
fn status_figure(status: &str, what: &str) -> u64 {
    let before = &status[..status.find(what).unwrap_or_else(|| panic!("{what:?} not in {status}"))];
    before.trim_end().rsplit([' ', ',']).next().unwrap().parse().unwrap()
}

#[test]
fn exactly_once_in_order_while_either_side_is_sigkilled() {
    let (total, kills): (u64, u32) = (10_000, 50);
    let mut rng = Rng(seed());
    let dir = tempdir("exchange");
    let (da, db) = (dir.join("a"), dir.join("b"));
    std::fs::create_dir_all(&da).unwrap();
    std::fs::create_dir_all(&db).unwrap();
    let (pa, pb) = (free_addr(), free_addr());
    let started = Instant::now();

    let mut b = Shell::start(&db, &pb);
    b.ask(&format!("var log = [], strangers = 0; function receive(from, v) {{ if (from !== '{pa}') strangers++; log.push(v) }}; 'n 0'"), |l| l == "'n 0'");
    let mut a = Shell::start(&da, &pa);
    a.ask(
        &format!("var sent = 0; function batch(n) {{ var stop = Math.min(sent + n, {total}); while (sent < stop) send('{pb}', sent++); return sent }}; 'n 0'"),
        |l| l == "'n 0'",
    );

    let (mut a, mut b) = (Some(a), Some(b));
    for k in 0..kills {
        // a few batches go in, then one side dies at a random instant
        if let Some(s) = a.as_mut() {
            for _ in 0..3 {
                s.send_line(&format!("batch({})", 20 + rng.below(200)));
            }
        }
        std::thread::sleep(Duration::from_millis(30 + rng.below(400)));
        if rng.below(2) == 0 {
            a.take().unwrap().kill();
            std::thread::sleep(Duration::from_millis(rng.below(100)));
            a = Some(Shell::start(&da, &pa));
        } else {
            b.take().unwrap().kill();
            std::thread::sleep(Duration::from_millis(rng.below(100)));
            b = Some(Shell::start(&db, &pb));
        }
        if k % 10 == 9 {
            println!("{} kills after {:?}", k + 1, started.elapsed());
        }
    }
    let (mut a, mut b) = (a.unwrap(), b.unwrap());
    // the sender finishes its committed plan, then everything must arrive
    let mut sent = a.number("sent");
    while sent < total {
        sent = a.number("batch(1000)");
    }
    let end = Instant::now() + Duration::from_secs(120);
    loop {
        let got = b.number("log.length");
        if got >= sent || Instant::now() > end {
            break;
        }
        std::thread::sleep(Duration::from_millis(200));
    }
    let check = b.query("log.length + ' ' + strangers + ' ' + log.every(function (v, i) { return v === i })");
    assert_eq!(check, format!("{sent} 0 true"), "every message once, in order, from the right sender");
    // and the sender's queue drains once the acknowledgements are in
    let end = Instant::now() + Duration::from_secs(20);
    let mut st = a.status();
    while status_figure(&st, "messages queued") != 0 && Instant::now() < end {
        std::thread::sleep(Duration::from_millis(100));
        st = a.status();
    }
    assert_eq!(status_figure(&st, "messages queued"), 0, "{st}");
    println!("{sent} messages under {kills} SIGKILLs in {:?}", started.elapsed());
    a.kill();
    b.kill();
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn hostile_datagrams_run_no_turn() {
    let mut rng = Rng(seed());
    let dir = tempdir("hostile");
    let addr = free_addr();
    let target: SocketAddr = addr.parse().unwrap();
    let mut sh = Shell::start(&dir, &addr);
    sh.ask("var got = []; function receive(from, v) { got.push(v) }; 'n 0'", |l| l == "'n 0'");
    let before = status_figure(&sh.status(), "turns committed");

    let sock = UdpSocket::bind("127.0.0.1:0").unwrap();
    let me = sock.local_addr().unwrap();
    let other: SocketAddr = "127.0.0.1:1".parse().unwrap();
    let valid = |sender: SocketAddr, seq: u64, payload: &[u8]| net::encode(&net::Frame { kind: net::Kind::Data, sender, session: 7, seq, payload: payload.to_vec() });
    let genuine = valid(me, 1, b"{\"hello\":1}");
    let n = 100_000;
    for i in 0..n {
        let d: Vec<u8> = match i % 5 {
            // now and then an oversized one: random bytes up to UDP's limit, or a genuine
            // header that claims a payload bigger than a message may be
            0 if i % 1000 == 0 => (0..65_000 + rng.below(507)).map(|_| rng.next() as u8).collect(),
            0 if i % 1000 == 500 => {
                let mut m = genuine.clone();
                m[24..28].copy_from_slice(&(u32::MAX).to_le_bytes());
                m.resize(65_000, 0);
                m
            }
            // random bytes of a random length
            0 => (0..rng.below(1500)).map(|_| rng.next() as u8).collect(),
            // a genuine message cut short
            1 => genuine[..rng.below(genuine.len() as u64) as usize].to_vec(),
            // a genuine message with one byte changed
            2 => {
                let mut m = genuine.clone();
                let at = rng.below(m.len() as u64) as usize;
                m[at] ^= 1 << rng.below(8);
                m
            }
            // a well-formed message that claims to come from another address (spoofed)
            3 => valid(other, 1, b"1"),
            // well-formed but not JSON, or out of sequence
            _ => {
                if rng.below(2) == 0 {
                    valid(me, 1, b"function () {}")
                } else {
                    valid(me, 2 + rng.below(1000), b"2")
                }
            }
        };
        sock.send_to(&d, target).unwrap();
        if i % 200 == 199 {
            // let the receiver keep up, so the datagrams reach its checks rather than the kernel's floor
            std::thread::sleep(Duration::from_millis(2));
        }
    }
    std::thread::sleep(Duration::from_millis(300));
    let st = sh.status();
    assert_eq!(status_figure(&st, "turns committed"), before, "a hostile datagram ran a turn: {st}");
    let dropped = status_figure(&st, "datagrams dropped");
    assert!(dropped >= n / 2, "only {dropped} of {n} datagrams reached the checks: {st}");
    println!("{dropped} of {n} hostile datagrams reached the checks and were dropped; no turn ran");
    assert_eq!(sh.number("got.length"), 0);
    let before = status_figure(&sh.status(), "turns committed");

    // the genuine message runs one turn and is acknowledged after it; replays run none
    sock.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
    sock.send_to(&genuine, target).unwrap();
    let mut buf = [0u8; 2048];
    let (len, from) = sock.recv_from(&mut buf).unwrap();
    assert_eq!(from, target);
    let ack = net::decode(&buf[..len]).unwrap();
    assert_eq!((ack.kind, ack.seq, ack.session, ack.sender), (net::Kind::Ack, 1, 7, target));
    // replays: the same message again, and a message of an older incarnation of the sender
    let older = net::encode(&net::Frame { kind: net::Kind::Data, sender: me, session: 6, seq: 1, payload: b"\"old\"".to_vec() });
    for _ in 0..1000 {
        sock.send_to(&genuine, target).unwrap();
        sock.send_to(&older, target).unwrap();
    }
    std::thread::sleep(Duration::from_millis(300));
    let st = sh.status();
    assert_eq!(status_figure(&st, "turns committed"), before + 1, "{st}");
    assert_eq!(sh.query("JSON.stringify(got)"), "[{\"hello\":1}]");
    sh.kill();
    let _ = std::fs::remove_dir_all(&dir);
}

/// Output lines of a shell run on `input` until `want` lines matched `pick` (or 20 s).
fn collect(sh: &mut Shell, pick: impl Fn(&str) -> bool, want: usize, within: Duration) -> Vec<String> {
    let end = Instant::now() + within;
    let mut out = Vec::new();
    while out.len() < want {
        match sh.lines.recv_timeout(end.saturating_duration_since(Instant::now())) {
            Ok(l) if pick(&l) => out.push(l),
            Ok(_) => {}
            Err(_) => break,
        }
    }
    out
}

#[test]
fn timers_fire_once_after_sigkill_and_intervals_keep_their_period() {
    let dir = tempdir("timers");
    let addr = free_addr();
    let mut sh = Shell::start(&dir, &addr);
    // a timeout due in 1.5 s, an overdue-after-restart one, and an interval of 300 ms that
    // logs its firing times in the heap
    sh.ask(
        "var fired = {}; var ticks = []; \
         setTimeout(function (tag, n) { fired[tag] = (fired[tag] || 0) + n; print('fired ' + tag) }, 1500, 'late', 1); \
         setTimeout(function (tag, n) { fired[tag] = (fired[tag] || 0) + n; print('fired ' + tag) }, 400, 'soon', 1); \
         var iv = setInterval(function () { ticks.push(Date.now()) }, 300); 'n ' + iv",
        |l| l.starts_with("'n "),
    );
    let set_at = std::time::SystemTime::now();
    sh.kill();
    // down for longer than the short timeout: it is overdue at the restart and fires at once
    std::thread::sleep(Duration::from_millis(700));
    let mut sh = Shell::start(&dir, &addr);
    let soon = collect(&mut sh, |l| l.starts_with("fired"), 1, Duration::from_secs(5));
    assert_eq!(soon, ["fired soon"]);
    let late = collect(&mut sh, |l| l.starts_with("fired"), 1, Duration::from_secs(5));
    assert_eq!(late, ["fired late"]);
    assert!(set_at.elapsed().unwrap() >= Duration::from_millis(1450), "the 1.5 s timeout fired early");
    std::thread::sleep(Duration::from_millis(1300));
    sh.kill();
    let mut sh = Shell::start(&dir, &addr);
    assert!(collect(&mut sh, |l| l.starts_with("fired"), 1, Duration::from_millis(800)).is_empty(), "a timeout fired twice");
    std::thread::sleep(Duration::from_millis(1000));
    assert_eq!(sh.query("JSON.stringify(fired)"), "{\"soon\":1,\"late\":1}");
    // the interval's firings (across two SIGKILLs): after the first one after a restart, they
    // are 300 ms apart, never bunched up to catch up
    let gaps = sh.query("ticks.slice(1).map(function (t, i) { return t - ticks[i] }).join(',')");
    let gaps: Vec<i64> = gaps.split(',').map(|g| g.parse().unwrap()).collect();
    assert!(gaps.len() >= 6, "{gaps:?}");
    assert!(gaps.iter().all(|&g| g >= 200), "an interval fired early: {gaps:?}");
    let steady = gaps.iter().filter(|&&g| g <= 450).count();
    assert!(steady * 10 >= gaps.len() * 6, "the interval lost its period: {gaps:?}");
    // clearInterval stops it for good, across a restart too
    sh.ask("clearInterval(iv); 'n ' + ticks.length", |l| l.starts_with("'n "));
    let n = sh.number("ticks.length");
    sh.kill();
    let mut sh = Shell::start(&dir, &addr);
    std::thread::sleep(Duration::from_millis(700));
    assert_eq!(sh.number("ticks.length"), n);
    assert!(sh.status().contains(" 0 timers pending"));
    sh.kill();
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn messages_wait_in_the_inbox_until_receive_is_defined() {
    let dir = tempdir("inbox");
    let (da, db) = (dir.join("a"), dir.join("b"));
    std::fs::create_dir_all(&da).unwrap();
    std::fs::create_dir_all(&db).unwrap();
    let (pa, pb) = (free_addr(), free_addr());
    let mut b = Shell::start(&db, &pb);
    b.ask("'n 0'", |l| l == "'n 0'");
    // FILE mode runs until its messages are acknowledged, then exits 0
    std::fs::write(da.join("send.js"), format!("send('{pb}', {{ a: [1, 'two', null, true] }}); send('{pb}', 'second'); send('{pb}');\n")).unwrap();
    let out = Command::new(SHELL).args(["--state", "state", &pa, "send.js"]).current_dir(&da).output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let st = b.status();
    assert_eq!(status_figure(&st, "messages waiting for receive()"), 3, "{st}");
    b.kill();
    let mut b = Shell::start(&db, &pb);
    b.send_line(&format!("function receive(from, v) {{ print('got', from === '{pa}', JSON.stringify(v)) }}"));
    let got = collect(&mut b, |l| l.starts_with("got"), 3, Duration::from_secs(10));
    assert_eq!(got, ["got true {\"a\":[1,\"two\",null,true]}", "got true \"second\"", "got true undefined"]);
    assert_eq!(status_figure(&b.status(), "messages waiting for receive()"), 0);
    b.kill();
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn send_refuses_what_is_not_data() {
    let cases = [
        ("send('127.0.0.1:9', function () {})", "TypeError: send: a function is not data"),
        ("send('127.0.0.1:9', { f: () => 1 })", "TypeError: send: a function is not data"),
        ("var a = [1]; a.push({ a: a }); send('127.0.0.1:9', a)", "TypeError: send: the value contains a cycle"),
        ("send('127.0.0.1:9', [Symbol('s')])", "TypeError: send: a symbol is not data"),
        ("send('127.0.0.1:9', new Map())", "TypeError: send: only arrays and plain objects are data"),
        ("send('127.0.0.1:9', { get x() { return 1 } })", "TypeError: send: property x is an accessor"),
        ("send('not an address', 1)", "TypeError: send: \"not an address\" is not an address"),
        ("send(6666, 1)", "TypeError: send: the address must be a string"),
        ("send('127.0.0.1:9', 'x'.repeat(70000))", "RangeError: send: the message is 70002 bytes"),
        ("setTimeout('code', 1)", "TypeError: setTimeout: the callback must be a function"),
    ];
    for (code, want) in cases {
        let out = Command::new(SHELL).args(["--ephemeral", "-e", &format!("try {{ {code} }} catch (e) {{ print(String(e)) }}")]).output().unwrap();
        let got = String::from_utf8_lossy(&out.stdout);
        assert!(got.starts_with(want), "{code}: {got}");
        assert!(out.status.success(), "{code}");
    }
    // a refused send queues nothing: the process has nothing to wait for
    let out = Command::new(SHELL).args(["--ephemeral", "-e", "try { send('127.0.0.1:9', [() => 1]) } catch (e) {} print('done')"]).output().unwrap();
    assert_eq!(String::from_utf8_lossy(&out.stdout), "done\n");
}

#[test]
fn ephemeral_runs_until_its_timers_are_done_and_stops_on_an_uncaught_error() {
    let out = Command::new(SHELL)
        .args(["--ephemeral", "-e", "var n = 0; var i = setInterval(function (s) { print(s + ++n); if (n === 3) clearInterval(i) }, 10, 'i'); setTimeout(print, 250, 'last'); print('first')"])
        .output()
        .unwrap();
    assert!(out.status.success());
    assert_eq!(String::from_utf8_lossy(&out.stdout), "first\ni1\ni2\ni3\nlast\n");
    let out = Command::new(SHELL).args(["--ephemeral", "-e", "setTimeout(function () { throw new TypeError('in a timer') }, 5); setTimeout(print, 200, 'never')"]).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(String::from_utf8_lossy(&out.stderr).trim(), "Uncaught TypeError: in a timer");
    assert_eq!(String::from_utf8_lossy(&out.stdout), "");
}

#[test]
fn the_endpoint_is_exactly_addr_and_the_state_is_private() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempdir("endpoint");
    let addr = free_addr();
    let port = addr.rsplit(':').next().unwrap();
    let mut sh = Shell::start(&dir, &addr);
    let st = sh.status();
    assert!(st.contains(&format!("endpoint {addr},")), "{st}");
    // nothing wider than ADDR is bound: the same port on another loopback address is free
    // (it would not be if the shell had bound 0.0.0.0)
    let other = UdpSocket::bind(format!("127.0.0.2:{port}"));
    assert!(other.is_ok(), "port {port} is taken beyond {addr}: {other:?}");
    let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    let state = dir.join("state");
    assert_eq!(mode(&state), 0o700);
    for e in std::fs::read_dir(&state).unwrap() {
        let p = e.unwrap().path();
        assert_eq!(mode(&p), 0o600, "{}", p.display());
    }
    sh.kill();
    let _ = std::fs::remove_dir_all(&dir);
}
