//! Hostile input: deep nesting, huge literals, invalid UTF-8, random bytes and
//! random token soup must end in a tree or a clean SyntaxError, never a crash.

use quickcheck::{QuickCheck, TestResult};

/// Runs `f` on a thread with a known 8 MB stack (the parser's default stack
/// budget is 1 MB, so deep nesting must fail cleanly well before overflow).
fn on_thread<F: FnOnce() + Send + 'static>(f: F) {
    std::thread::Builder::new().stack_size(8 << 20).spawn(f).unwrap().join().unwrap();
}

fn nested(open: &str, close: &str, middle: &str, n: usize) -> String {
    let mut s = String::with_capacity((open.len() + close.len()) * n + middle.len());
    for _ in 0..n {
        s.push_str(open);
    }
    s.push_str(middle);
    for _ in 0..n {
        s.push_str(close);
    }
    s
}

fn expect_clean(src: String) {
    match js::parse_script(&src, false) {
        Ok(_) => {}
        Err(e) => {
            assert!(e.to_string().starts_with("SyntaxError: "), "{}", e);
        }
    }
}

fn expect_nesting_error(src: String) {
    let e = js::parse_script(&src, false).expect_err("100,000 levels should exceed the nesting limit");
    assert!(e.message.contains("too much nesting"), "unexpected error: {}", e);
}

#[test]
fn deep_parens() {
    on_thread(|| expect_nesting_error(nested("(", ")", "1", 100_000)));
}

#[test]
fn deep_arrays() {
    on_thread(|| expect_nesting_error(nested("[", "]", "", 100_000)));
}

#[test]
fn deep_objects() {
    on_thread(|| expect_nesting_error(nested("({a:", "})", "1", 100_000)));
}

#[test]
fn deep_blocks() {
    on_thread(|| expect_nesting_error(nested("{", "}", "", 100_000)));
}

#[test]
fn deep_functions() {
    on_thread(|| expect_nesting_error(nested("function f(){", "}", "", 100_000)));
    on_thread(|| expect_nesting_error(nested("(function(){", "})", "", 100_000)));
    on_thread(|| expect_nesting_error(nested("x=>", "", "1", 100_000)));
}

#[test]
fn deep_misc() {
    on_thread(|| expect_nesting_error(nested("-", "", "1", 100_000)));
    on_thread(|| expect_nesting_error(nested("!", "", "1", 100_000)));
    on_thread(|| expect_nesting_error(nested("a=", "", "1", 100_000)));
    on_thread(|| expect_nesting_error(nested("a?b:", "", "1", 100_000)));
    on_thread(|| expect_nesting_error(nested("new ", "", "a", 100_000)));
    on_thread(|| expect_nesting_error(nested("if(1)", "", ";", 100_000)));
    on_thread(|| expect_nesting_error(nested("`${", "}`", "1", 100_000)));
    on_thread(|| expect_nesting_error(nested("a**", "", "1", 100_000)));
    on_thread(|| expect_nesting_error(nested("[a", "]=[]", "", 100_000)));
    on_thread(|| expect_nesting_error(format!("var {} = 1;", nested("[", "]", "a", 100_000))));
    on_thread(|| expect_nesting_error(nested("class A extends (", ") {}", "B", 100_000)));
    // unclosed nesting is also a clean error
    on_thread(|| expect_clean("(".repeat(100_000)));
    on_thread(|| expect_clean("[".repeat(100_000)));
    on_thread(|| expect_clean("{".repeat(100_000)));
}

#[test]
fn moderate_nesting_parses() {
    on_thread(|| {
        js::parse_script(&nested("(", ")", "1", 100), false).unwrap();
        js::parse_script(&nested("[", "]", "", 100), false).unwrap();
        js::parse_script(&nested("{", "}", "", 100), false).unwrap();
        js::parse_script(&nested("function f(){", "}", "", 100), false).unwrap();
    });
}

#[test]
fn long_flat_inputs_parse() {
    on_thread(|| {
        // long left-nested chains: a tree up to the nesting limit, then a clean error
        // (the tree's depth is bounded so dropping or walking it cannot overflow)
        js::parse_script(&format!("a{};", ".b".repeat(1000)), false).unwrap();
        js::parse_script(&format!("1{};", "+1".repeat(1000)), false).unwrap();
        expect_nesting_error(format!("a{};", ".b".repeat(100_000)));
        expect_nesting_error(format!("1{};", "+1".repeat(100_000)));
        expect_nesting_error(format!("f{};", "()".repeat(100_000)));
        let stmts = "x = 1;\n".repeat(100_000);
        js::parse_script(&stmts, false).unwrap();
        let arr = format!("[{}];", "1,".repeat(100_000));
        js::parse_script(&arr, false).unwrap();
    });
}

#[test]
fn huge_string_literal() {
    on_thread(|| {
        let n = 20 << 20;
        let mut src = String::with_capacity(n + 16);
        src.push_str("var s = \"");
        src.extend(std::iter::repeat('a').take(n));
        src.push_str("\";");
        let p = js::parse_script(&src, false).unwrap();
        match &p.body[0].kind {
            js::ast::StmtKind::Var(v) => match &v.decls[0].init.as_ref().unwrap().kind {
                js::ast::ExprKind::Str(s) => assert_eq!(s.len(), n),
                k => panic!("{:?}", std::mem::discriminant(k)),
            },
            _ => panic!(),
        }
        // unterminated huge string: clean error
        let bad = &src[..src.len() - 2];
        assert!(js::parse_script(bad, false).is_err());
    });
}

#[test]
fn invalid_utf8() {
    let e = js::parse_bytes(b"var x = 1;\nvar y = \"\xff\xfe\";", false).unwrap_err();
    assert!(e.message.contains("invalid UTF-8"), "{}", e);
    assert_eq!(e.line, 2);
    assert_eq!(e.offset, 20);
    assert!(js::parse_bytes(b"var x = 1;", false).is_ok());
}

fn parse_any_bytes(bytes: &[u8]) {
    let _ = js::parse_bytes(bytes, false);
    let _ = js::parse_bytes(bytes, true);
    let s = String::from_utf8_lossy(bytes);
    let _ = js::parse_script(&s, false);
}

#[test]
fn quickcheck_random_bytes_never_panic() {
    fn prop(bytes: Vec<u8>) -> TestResult {
        parse_any_bytes(&bytes);
        TestResult::passed()
    }
    on_thread(|| QuickCheck::new().tests(2000).quickcheck(prop as fn(Vec<u8>) -> TestResult));
}

const TOKENS: &[&str] = &[
    "(", ")", "[", "]", "{", "}", ";", ",", ".", "...", "?.", "?", "??", ":", "=", "=>", "+", "-", "*", "**", "/", "%",
    "/=", "++", "--", "<", ">", "<<", ">>>", "&&", "||", "??=", "&&=", "!", "~", "`", "${", "`a${", "}`", "'s'", "\"d\"",
    "1", "0x1F", "010", "1_000", ".5e3", "1n", "/re/g", "a", "b", "x", "let", "const", "var", "function", "class",
    "extends", "super", "new", "target", "this", "return", "if", "else", "for", "of", "in", "while", "do", "break",
    "continue", "switch", "case", "default", "try", "catch", "finally", "throw", "with", "delete", "typeof", "void",
    "get", "set", "static", "yield", "await", "async", "eval", "arguments", "\"use strict\"", "\n", " ", "/*", "*/",
    "//", "\\u0061", "#", "@", "\u{2028}", "l:", "<!--", "-->",
];

#[test]
fn quickcheck_token_soup_never_panics() {
    fn prop(picks: Vec<u8>) -> TestResult {
        let mut s = String::new();
        for p in picks {
            s.push_str(TOKENS[p as usize % TOKENS.len()]);
            s.push(' ');
        }
        let _ = js::parse_script(&s, false);
        let _ = js::parse_script(&s, true);
        TestResult::passed()
    }
    on_thread(|| QuickCheck::new().tests(3000).quickcheck(prop as fn(Vec<u8>) -> TestResult));
}

#[test]
fn token_soup_from_valid_programs_never_panics() {
    // deterministic mutations of a valid program: truncations and byte flips
    let base = "class A extends B { static x = 1; get y() { return super.y ?? 0; } constructor(a, ...r) { super(a); this.z = `t${a}`; } }\n\
                function f({a = 1, b: [c, ...d]}, e = /re+/gi) { 'use strict'; for (const [k, v] of m) { if (k) continue; } return a?.b?.[c] ** 2; }\n\
                let o = {x, [y]: 1, ...z, m() {}, get g() { return 1 }}; label: for (var i = 0; i < 10; i++) { break label; }";
    on_thread(move || {
        let bytes = base.as_bytes();
        for cut in 0..bytes.len() {
            let _ = js::parse_bytes(&bytes[..cut], false);
        }
        let mut seed = 12345u64;
        for _ in 0..3000 {
            let mut v = bytes.to_vec();
            for _ in 0..3 {
                seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
                let pos = (seed >> 33) as usize % v.len();
                let b = (seed >> 20) as u8;
                v[pos] = b;
            }
            let _ = js::parse_bytes(&v, false);
        }
    });
}

#[test]
fn deep_nesting_on_default_test_thread() {
    // the harness thread has a 2 MB stack; the parser reads the real stack bounds
    expect_nesting_error(nested("(", ")", "1", 100_000));
    expect_nesting_error(nested("[", "]", "", 100_000));
    expect_nesting_error(nested("{", "}", "", 100_000));
    expect_nesting_error(nested("function f(){", "}", "", 100_000));
}

#[test]
fn deep_nesting_on_small_thread() {
    std::thread::Builder::new()
        .stack_size(512 << 10)
        .spawn(|| {
            expect_nesting_error(nested("(", ")", "1", 100_000));
            expect_nesting_error(nested("{", "}", "", 100_000));
        })
        .unwrap()
        .join()
        .unwrap();
}

/// A template ending in a backslash (found by the random-bytes test): a clean SyntaxError.
#[test]
fn template_ending_in_a_backslash() {
    for src in ["`\\", "`\\u{", "`a${1}\\", "x`\\"] {
        assert!(js::parse_script(src, false).is_err(), "{src:?} must be rejected");
    }
}
