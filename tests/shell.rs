//! ken-shell as a user drives it: the seed transcript with a SIGKILL between its halves, and
//! the `--ephemeral` contract (exit status, `Uncaught <Name>: <message>` on stderr).

use std::io::{BufRead, BufReader, Write};
use std::process::{Command, Stdio};

const SHELL: &str = env!("CARGO_BIN_EXE_ken-shell");

fn tempdir(name: &str) -> std::path::PathBuf {
    let d = std::env::temp_dir().join(format!("ken-shell-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

/// Output lines with the prompts removed.
fn lines(out: &str) -> Vec<String> {
    out.lines()
        .map(|l| {
            let mut l = l;
            while let Some(r) = l.strip_prefix("> ").or_else(|| l.strip_prefix("... ")) {
                l = r;
            }
            l.to_string()
        })
        .filter(|l| !l.is_empty() && l != ">")
        .collect()
}

#[test]
fn seed_transcript_survives_sigkill() {
    let dir = tempdir("seed");
    let first = [
        "var create_counter = function() { var counter = 0; return function() { return counter++; }; };",
        "var a = create_counter();",
        "a();",
        "a();",
        "a();",
        "var b = create_counter();",
        "b();",
        "b();",
        "a();",
    ];
    let mut child = Command::new(SHELL)
        .arg("127.0.0.1:6666")
        .current_dir(&dir)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    for l in first {
        writeln!(stdin, "{l}").unwrap();
    }
    stdin.flush().unwrap();
    // read until the last result, then kill without a clean exit
    let mut out = BufReader::new(child.stdout.take().unwrap());
    let mut seen = Vec::new();
    let mut buf = String::new();
    while out.read_line(&mut buf).unwrap() > 0 {
        seen.extend(lines(&buf));
        buf.clear();
        if seen.len() >= 7 {
            break;
        }
    }
    // Child::kill sends SIGKILL on Unix: no clean exit
    child.kill().unwrap();
    let _ = child.wait();
    assert_eq!(seen, ["Initialized session", "0", "1", "2", "0", "1", "3"]);

    let second = "create_counter\na();\na();\nb();\n";
    let mut child = Command::new(SHELL)
        .arg("127.0.0.1:6666")
        .current_dir(&dir)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(second.as_bytes()).unwrap();
    let out = child.wait_with_output().unwrap();
    let got = lines(&String::from_utf8_lossy(&out.stdout));
    assert_eq!(
        got,
        [
            "Restored session",
            "function() { var counter = 0; return function() { return counter++; }; }",
            "4",
            "5",
            "2"
        ]
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn ephemeral_exit_status_and_uncaught_errors() {
    let ok = Command::new(SHELL).args(["--ephemeral", "-e", "print(1 + 1); console.log('x', [1, 2])"]).output().unwrap();
    assert!(ok.status.success());
    assert_eq!(String::from_utf8_lossy(&ok.stdout), "2\nx [ 1, 2 ]\n");

    let bad = Command::new(SHELL).args(["--ephemeral", "-e", "print('before'); undefinedThing()"]).output().unwrap();
    assert_eq!(bad.status.code(), Some(1));
    assert_eq!(String::from_utf8_lossy(&bad.stdout), "before\n");
    assert_eq!(String::from_utf8_lossy(&bad.stderr).trim(), "Uncaught ReferenceError: undefinedThing is not defined");

    let syntax = Command::new(SHELL).args(["--ephemeral", "-e", "var = ;"]).output().unwrap();
    assert_eq!(syntax.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&syntax.stderr).starts_with("Uncaught SyntaxError: "));

    let thrown = Command::new(SHELL).args(["--ephemeral", "-e", "throw new RangeError('too far')"]).output().unwrap();
    assert_eq!(String::from_utf8_lossy(&thrown.stderr).trim(), "Uncaught RangeError: too far");

    let dir = tempdir("file");
    let f = dir.join("t.js");
    std::fs::write(&f, "function sq(x) { return x * x }\nprint(sq(12));\n").unwrap();
    let out = Command::new(SHELL).arg("--ephemeral").arg(&f).output().unwrap();
    assert!(out.status.success());
    assert_eq!(String::from_utf8_lossy(&out.stdout), "144\n");
    let missing = Command::new(SHELL).args(["--ephemeral", "/nonexistent/x.js"]).output().unwrap();
    assert_eq!(missing.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&missing.stderr).contains("cannot read"));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_second_shell_on_the_same_state_is_refused() {
    let dir = tempdir("lock");
    let mut first = Command::new(SHELL).arg("s").current_dir(&dir).stdin(Stdio::piped()).stdout(Stdio::piped()).spawn().unwrap();
    let mut out = BufReader::new(first.stdout.take().unwrap());
    let mut l = String::new();
    out.read_line(&mut l).unwrap();
    assert_eq!(l.trim(), "Initialized session");
    let second = Command::new(SHELL).arg("s").current_dir(&dir).stdin(Stdio::null()).output().unwrap();
    assert_eq!(second.status.code(), Some(1));
    let err = String::from_utf8_lossy(&second.stderr);
    assert!(err.contains("locked") || err.contains("in use") || err.contains("another"), "{err}");
    drop(first.stdin.take());
    let _ = first.wait();
    let _ = std::fs::remove_dir_all(&dir);
}

/// Feeds `setup` (whose last line evaluates to 'ready') to the persistent shell on `dir/s`,
/// waits for 'ready', then kills the shell with SIGKILL: no clean exit.
fn setup_then_sigkill(dir: &std::path::Path, setup: &[&str]) {
    let mut child = Command::new(SHELL).arg("s").current_dir(dir).stdin(Stdio::piped()).stdout(Stdio::piped()).spawn().unwrap();
    let mut stdin = child.stdin.take().unwrap();
    for l in setup {
        writeln!(stdin, "{l}").unwrap();
    }
    stdin.flush().unwrap();
    let mut out = BufReader::new(child.stdout.take().unwrap());
    let mut buf = String::new();
    while out.read_line(&mut buf).unwrap() > 0 {
        if buf.contains("'ready'") {
            break;
        }
    }
    assert!(buf.contains("'ready'"), "the setup did not finish: {buf}");
    child.kill().unwrap(); // Child::kill is SIGKILL on Unix
    let _ = child.wait();
}

#[test]
fn objects_arrays_classes_and_cycles_survive_sigkill() {
    let dir = tempdir("structures");
    let setup = [
        "class Point { constructor(x, y) { this.x = x; this.y = y } norm2() { return this.x * this.x + this.y * this.y } }",
        "var ring = { name: 'a' }; ring.next = { name: 'b', next: ring };",
        "var pts = [new Point(3, 4), new Point(1, 1)]; pts.push(pts);",
        "var add = (function (k) { return function (v) { return v + k } })(10);",
        "'ready'",
    ];
    setup_then_sigkill(&dir, &setup);

    let checks = "pts[0].norm2() + add(pts[1].x)\nring.next.next === ring && ring.next.next.next.name\npts[2] === pts && pts[2][0] instanceof Point\nObject.getPrototypeOf(pts[1]) === Point.prototype\n";
    let mut child = Command::new(SHELL).arg("s").current_dir(&dir).stdin(Stdio::piped()).stdout(Stdio::piped()).spawn().unwrap();
    child.stdin.take().unwrap().write_all(checks.as_bytes()).unwrap();
    let got = lines(&String::from_utf8_lossy(&child.wait_with_output().unwrap().stdout));
    assert_eq!(got, ["Restored session", "36", "'b'", "true", "true"]);
    let _ = std::fs::remove_dir_all(&dir);
}

/// Runs the persistent shell on `dir/s` with `input` piped in; returns (stdout lines, stderr, status).
fn piped(dir: &std::path::Path, args: &[&str], input: &str) -> (Vec<String>, String, Option<i32>) {
    let mut child = Command::new(SHELL)
        .args(args)
        .current_dir(dir)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(input.as_bytes()).unwrap();
    let out = child.wait_with_output().unwrap();
    (lines(&String::from_utf8_lossy(&out.stdout)), String::from_utf8_lossy(&out.stderr).to_string(), out.status.code())
}

/// Restarts the shell on `dir/s`, feeds it each check's input and asserts `Restored session`
/// then each expected output line; removes `dir`.
fn check_after_restart(dir: &std::path::Path, checks: &[(&str, &str)]) {
    let input: String = checks.iter().map(|(c, _)| format!("{c}\n")).collect();
    let (got, _, _) = piped(dir, &["s"], &input);
    assert_eq!(got[0], "Restored session");
    for (i, (c, want)) in checks.iter().enumerate() {
        assert_eq!(got.get(i + 1).map(String::as_str), Some(*want), "{c}");
    }
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn dot_commands_load_status_and_errors_that_roll_back() {
    let dir = tempdir("commands");
    std::fs::write(dir.join("lib.js"), "var total = 0;\nfunction add(n) {\n  total += n;\n  return total;\n}\n'loaded'\n").unwrap();
    let input = ".load lib.js\nadd(5)\n.load missing.js\n.status\ntotal = 100; null.x\ntotal\n.bogus\n.load\nvar o = {\n  a: [1,\n  2]\n}\no\n.help\n.exit\nadd(1000)\n";
    let (out, _, code) = piped(&dir, &["s"], input);
    assert_eq!(code, Some(0));
    assert_eq!(out[0], "Initialized session");
    assert_eq!(out[1], "'loaded'");
    assert_eq!(out[2], "5");
    assert!(out[3].starts_with("cannot read missing.js"), "{}", out[3]);
    assert!(out[4].starts_with("heap ") && out[4].contains("turns committed") && out[4].contains("last commit"), "{}", out[4]);
    assert_eq!(out[5], "Uncaught TypeError: Cannot read properties of null (reading 'x')");
    assert_eq!(out[6], "5", "the failed turn's assignment was rolled back");
    assert!(out[7].starts_with("unknown command .bogus"), "{}", out[7]);
    assert_eq!(out[8], "usage: .load FILE");
    assert_eq!(out[9], "{ a: [ 1, 2 ] }");
    assert!(out[10].starts_with(".exit"), "{}", out[10]);
    assert!(out.iter().any(|l| l.starts_with(".load FILE")));
    assert!(!out.iter().any(|l| l == "1005"), ".exit ends the session before the last line");

    // FILE mode runs one turn in the same session; an error in it rolls it back (exit 1)
    std::fs::write(dir.join("more.js"), "add(10);\nprint('from file', total);\n").unwrap();
    let run = Command::new(SHELL).args(["s", "more.js"]).current_dir(&dir).output().unwrap();
    assert_eq!(run.status.code(), Some(0));
    assert_eq!(String::from_utf8_lossy(&run.stdout), "from file 15\n");
    std::fs::write(dir.join("bad.js"), "add(1000);\nthrow new Error('nope');\n").unwrap();
    let run = Command::new(SHELL).args(["s", "bad.js"]).current_dir(&dir).output().unwrap();
    assert_eq!(run.status.code(), Some(1));
    assert_eq!(String::from_utf8_lossy(&run.stderr).trim(), "Uncaught Error: nope");
    let (out, _, _) = piped(&dir, &["s"], "total\n");
    assert_eq!(out, ["Restored session", "15"]);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_damaged_state_directory_is_reported_and_left_alone() {
    let dir = tempdir("damaged");
    let (out, _, _) = piped(&dir, &["s"], "var keep = [1, 2, 3]\n");
    assert_eq!(out, ["Initialized session"]);
    // overwrite the whole heap file with garbage of the same length
    let heap = std::fs::read_dir(dir.join("s")).unwrap().map(|e| e.unwrap().path()).find(|p| p.extension().is_some_and(|e| e == "ken")).expect("a heap file");
    let len = std::fs::metadata(&heap).unwrap().len() as usize;
    let garbage: Vec<u8> = (0..len).map(|i| (i * 7 + 3) as u8).collect();
    std::fs::write(&heap, &garbage).unwrap();
    let (out, err, code) = piped(&dir, &["s"], "keep\n");
    assert_eq!(code, Some(1), "stdout: {out:?}");
    assert!(out.is_empty(), "no session may start on a damaged heap: {out:?}");
    assert!(err.contains("cannot open the session"), "{err}");
    assert_eq!(std::fs::read(&heap).unwrap(), garbage, "the damaged file was not replaced");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn sigint_with_piped_input_interrupts_the_turn_then_exits_at_the_prompt() {
    let dir = tempdir("sigint-pipe");
    let mut child = Command::new(SHELL).arg("s").current_dir(&dir).stdin(Stdio::piped()).stdout(Stdio::piped()).spawn().unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let mut out = BufReader::new(child.stdout.take().unwrap());
    writeln!(stdin, "var n = 1; 'set'").unwrap();
    let mut l = String::new();
    while !l.contains("'set'") {
        assert!(out.read_line(&mut l).unwrap() > 0, "the shell ended early: {l}");
    }
    writeln!(stdin, "n = 2; for (;;) {{}}").unwrap();
    stdin.flush().unwrap();
    std::thread::sleep(std::time::Duration::from_millis(300));
    // SAFETY: kill(2) on our own child's pid.
    assert_eq!(unsafe { libc::kill(child.id() as i32, libc::SIGINT) }, 0);
    let mut l = String::new();
    out.read_line(&mut l).unwrap();
    assert!(l.contains("Uncaught Error: Script execution interrupted."), "{l}");
    writeln!(stdin, "n").unwrap();
    let mut l = String::new();
    out.read_line(&mut l).unwrap();
    assert_eq!(lines(&l), ["1"], "the interrupted turn was rolled back");
    // at the prompt, SIGINT ends the shell at once
    std::thread::sleep(std::time::Duration::from_millis(100));
    // SAFETY: as above.
    assert_eq!(unsafe { libc::kill(child.id() as i32, libc::SIGINT) }, 0);
    assert_eq!(child.wait().unwrap().code(), Some(0));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn built_in_state_survives_sigkill() {
    let dir = tempdir("builtins");
    let setup = [
        "var m = new Map([['a', 1], [{ k: 1 }, 'obj']]); m.set(NaN, 'nan'); m.delete('a'); m.set('z', [1, 2]);",
        "var s = new Set([3, 1, 2]); s.delete(1); s.add(1);",
        "var d = new Date(Date.UTC(2024, 1, 29, 12, 30, 15, 250));",
        "var re = /o(\\w)/g; re.exec('foo bot'); var seenLast = re.lastIndex;",
        "function greet(greeting, name) { return greeting + ', ' + name + ' (' + this.tag + ')'; }",
        "var hi = greet.bind({ tag: 'bound' }, 'hi');",
        "var wm = new WeakMap(); var key = {}; wm.set(key, 'weak value');",
        "'ready'",
    ];
    setup_then_sigkill(&dir, &setup);

    let checks = [
        ("JSON.stringify([...m.entries()].map(([k, v]) => [typeof k === 'object' ? k.k : String(k), v]))", "'[[1,\"obj\"],[\"NaN\",\"nan\"],[\"z\",[1,2]]]'"),
        ("m.get(NaN) + ' ' + m.size + ' ' + m.has('a')", "'nan 3 false'"),
        ("[...s].join(',')", "'3,2,1'"),
        ("d.toISOString() + ' ' + d.getUTCDay() + ' ' + d.getTime()", "'2024-02-29T12:30:15.250Z 4 1709209815250'"),
        ("[seenLast, re.lastIndex, re.exec('foo bot')[1], re.lastIndex, re.exec('foo bot'), re.lastIndex].join('|')", "'3|3|t|7||0'"),
        ("re.source + ' ' + re.flags + ' ' + (re instanceof RegExp)", "'o(\\\\w) g true'"),
        ("hi('Ada')", "'hi, Ada (bound)'"),
        ("hi.name + ' ' + hi.length", "'bound greet 1'"),
        ("wm.get(key) + ' ' + wm.has({})", "'weak value false'"),
        ("m", "Map(3) { { k: 1 } => 'obj', NaN => 'nan', 'z' => [ 1, 2 ] }"),
    ];
    check_after_restart(&dir, &checks);
}

#[test]
fn typed_arrays_and_bigints_survive_sigkill() {
    let dir = tempdir("binary");
    let setup = [
        "var buf = new ArrayBuffer(16); var f64 = new Float64Array(buf); f64[0] = Math.PI; f64[1] = -0.5;",
        "var bytes = new Uint8Array(buf, 8, 8); var view = new DataView(buf); view.setUint16(0, 0xBEEF, true);",
        "var big = 2n ** 100n + 7n; var bigs = new BigInt64Array([-(2n ** 63n), 42n]);",
        "var wallet = { total: 10n ** 30n }; wallet.total -= 1n;",
        "'ready'",
    ];
    setup_then_sigkill(&dir, &setup);

    let checks = [
        // the bytes written through one view read back through the others
        ("[f64.length, f64[1], bytes[7], view.getUint16(0, true).toString(16), bytes.buffer === buf].join(' ')", "'2 -0.5 191 beef true'"),
        ("f64[0] === Math.PI", "false"), // the DataView write changed f64[0]'s low bytes
        ("big % 1000n", "383n"),
        ("typeof big + ' ' + (big > 2 ** 100) + ' ' + String(big * big).length", "'bigint true 61'"),
        ("bigs[0] + ' ' + bigs[1] + ' ' + (bigs[0] - 1n)", "'-9223372036854775808 42 -9223372036854775809'"),
        ("wallet.total.toString().length + ' ' + wallet.total % 10n", "'30 9'"),
        ("f64.map(x => x * 2)[1]", "-1"),
    ];
    check_after_restart(&dir, &checks);
}

#[test]
fn proxies_survive_sigkill() {
    let dir = tempdir("proxies");
    let setup = [
        "var log = []; var target = { a: 1 }; var p = new Proxy(target, { get(t, k) { log.push(String(k)); return k in t ? t[k] : 'none'; }, has(t, k) { return k !== 'hidden'; } });",
        "var fp = new Proxy(function (x) { return x * 2; }, { apply(t, self, args) { return 'applied ' + t(...args); } });",
        "var r = Proxy.revocable({ b: 2 }, {}); p.a;",
        "'ready'",
    ];
    setup_then_sigkill(&dir, &setup);

    let checks = [
        ("p.a + ' ' + p.zz + ' ' + log.join()", "'1 none a,a,zz'"),
        ("('hidden' in p) + ' ' + ('other' in p)", "'false true'"),
        ("fp(21) + ' ' + typeof fp", "'applied 42 function'"),
        ("r.proxy.b", "2"),
        ("r.revoke(); try { r.proxy.b } catch (e) { e.constructor.name }", "'TypeError'"),
    ];
    check_after_restart(&dir, &checks);
}

#[test]
fn a_suspended_generator_and_an_async_function_awaiting_a_timer_survive_sigkill() {
    let dir = tempdir("resumable");
    let setup = [
        "var log = [];",
        "function* counter() { let i = 0; try { while (true) { i++; yield i * 10; } } finally { log.push('closed at ' + i); } }",
        "var g = counter(); g.next(); g.next();",
        "async function later() { log.push('start'); const v = await new Promise(r => setTimeout(r, 1500, 'timer')); log.push('after ' + v); return v + '!'; }",
        "var settled = later().then(v => log.push('then ' + v));",
        "'ready'",
    ];
    // killed well before the 1.5 s timer is due: the awaiting function is in the heap only
    setup_then_sigkill(&dir, &setup);

    let mut child = Command::new(SHELL).arg("s").current_dir(&dir).stdin(Stdio::piped()).stdout(Stdio::piped()).spawn().unwrap();
    let mut stdin = child.stdin.take().unwrap();
    writeln!(stdin, "JSON.stringify(g.next())").unwrap();
    stdin.flush().unwrap();
    // the restarted event loop fires the timer, which resumes `later` and its `then`
    std::thread::sleep(std::time::Duration::from_millis(2500));
    writeln!(stdin, "JSON.stringify(g.return(7))").unwrap();
    writeln!(stdin, "log.join('|')").unwrap();
    drop(stdin);
    let got = lines(&String::from_utf8_lossy(&child.wait_with_output().unwrap().stdout));
    assert_eq!(
        got,
        [
            "Restored session",
            "'{\"value\":30,\"done\":false}'",
            "'{\"value\":7,\"done\":true}'",
            "'start|after timer|then timer!|closed at 3'",
        ]
    );
    let _ = std::fs::remove_dir_all(&dir);
}
