//! Volatile frames: calls of functions that make no closure (no nested function or class, no
//! direct eval, no `with`, no arguments object, not generators or async) keep their
//! environment on the VM stack instead of the heap. Every case runs plain and with a
//! collection at every safe point, so an object referenced only from a frame slot must
//! survive, and the semantics (TDZ, `this`, `new.target`, `super`, blocks and loops inside
//! the call, `with` scopes around the function) must be those of a heap environment.

mod common;
use common::*;

const CASES: &[(&str, &str)] = &[
    // parameters, vars and lets in a frame; recursion stacks frames
    ("function add(a, b) { var c = a + b; let d = c * 2; return d } var s = 0; for (var i = 0; i < 100; i++) s += add(i, 1); s", "10100"),
    ("function fact(n) { return n <= 1 ? 1 : n * fact(n - 1) } fact(15)", "1307674368000"),
    ("function fib(n) { if (n < 2) return n; var a = fib(n - 1); var b = fib(n - 2); return a + b } fib(15)", "610"),
    // objects held only by frame slots live through collections made by callees
    (
        "function mk(i) { return { i: i, s: 'v' + i } } \
         function hold(n) { var a = mk(n); let b = [mk(n + 1), mk(n + 2)]; var t = 0; \
           for (var k = 0; k < 20; k++) { var junk = mk(k); t += junk.i } return a.s + b[1].s + t } hold(3)",
        "v3v5190",
    ),
    // TDZ of a lexical binding of the frame, and of a block inside it
    ("function tdz() { try { x } catch (e) { return e.constructor.name } let x = 1 } tdz()", "ReferenceError"),
    ("function tdzm() { try { x } catch (e) { return e.message } let x = 1 } tdzm()", "Cannot access 'x' before initialization"),
    ("function tdz2() { { try { y } catch (e) { return e.message } let y = 2 } } tdz2()", "Cannot access 'y' before initialization"),
    ("function c() { const k = 1; try { k = 2 } catch (e) { return e.constructor.name + k } } c()", "TypeError1"),
    // blocks, per-iteration loop scopes and catch scopes inside a frame
    ("function blk(n) { let t = 0; for (let i = 0; i < n; i++) { let z = i * 2; t += z } { const q = 5; t += q } return t } blk(10)", "95"),
    ("function fo(a) { var s = ''; for (const x of a) { s += x } for (let k in { p: 1, q: 2 }) s += k; return s } fo([1, 2, 3])", "123pq"),
    ("function sw(x) { switch (x) { case 1: let y = 'one'; return y; default: return 'other' } } sw(1) + sw(2)", "oneother"),
    ("function ca() { try { throw new Error('boom') } catch ({ message }) { let m = message; return m } } ca()", "boom"),
    // block and for (let ...) scopes of a frame function are frames too: nested, left by
    // break, continue, return and throw, re-entered per iteration, holding the only
    // reference to objects across calls that collect
    (
        "function bf(n) { let out = ''; outer: for (let i = 0; i < n; i++) { const o = { v: i }; { let s = 'x' + o.v;            for (let j = 0; j < 3; j++) { const p = [j, s]; if (j == 1) continue; if (i == 3) break outer; out += p.join('') } } } return out } bf(5)",
        "0x02x00x12x10x22x2",
    ),
    (
        "function bg(n) { let r = 0; for (let i = 0; i < n; i++) { const a = [i]; { let b = { a: a }; try { if (i == 2) throw b; } catch (e) { r += 100 } r += b.a[0] } } return r } bg(5)",
        "110",
    ),
    ("function br(n) { for (let i = 0; i < n; i++) { const q = i * i; { let w = q + 1; if (w > 10) return w } } return -1 } br(10) + ',' + br(2)", "17,-1"),
    ("function bt() { { let z = z0; } } var z0 = 1; function bt2() { { try { let a = b; let b = 1 } catch (e) { return e.message } } } bt2()", "Cannot access 'b' before initialization"),
    ("function bk(n) { let t = 0; while (n--) { let k = n; const m = { k: k }; t += m.k; { let u = t; t = u } } return t } bk(50)", "1225"),
    // a block frame's index is reused by later scopes: `this` there must not come from a
    // scope popped before (the arrow's own `this` is its definer's)
    // (the arrow's frame lands exactly where the inner block's was: a call statement with two
    // arguments at the stack depth of the outer block)
    (
        "var got; var mk2 = function () { return (a, b) => { got = this.tag } }.call({ tag: 'arrow' }); \
         function bthis() { var r = []; { let a = 1; { let c = 2; r.push(this.tag) } } mk2(0, 0); r.push(got); { let b = 2; r.push(this.tag) } return r.join() } \
         bthis.call({ tag: 'fn' })",
        "fn,arrow,fn",
    ),
    // exceptions unwind through frames; the caller's frame is intact afterwards
    (
        "function thr(d) { var x = d; if (d == 0) throw new Error('bottom'); return thr(d - 1) + x } \
         function catcher() { var mine = 'kept'; try { thr(5) } catch (e) { return mine + ':' + e.message } } catcher()",
        "kept:bottom",
    ),
    // this, new.target and super in frames
    ("function sloppyThis() { return typeof this } sloppyThis()", "object"),
    ("function strictThis() { 'use strict'; return typeof this } strictThis()", "undefined"),
    ("function nt() { return new.target === undefined } function C() { this.a = nt(); this.b = new.target === C } var o = new C(); nt() + ',' + o.a + ',' + o.b", "true,true,true"),
    (
        "class P { constructor(x) { this.x = x } twice() { return this.x * 2 } } \
         class Q extends P { constructor(x) { super(x); this.y = 1 } sum() { let t = this.x + this.y; return t + super.twice() } } \
         new Q(5).sum()",
        "16",
    ),
    ("var o = { v: 7, get g() { let w = this.v; return w + 1 }, set s(x) { var y = x; this.v = y } }; o.s = 41; o.g", "42"),
    // `this` through blocks and loops of a frame, and back in a caller after callees and
    // generator resumptions that had other `this` values (the one-entry `this` cache)
    ("function T() { let r = []; { let b = 1; r.push(this.v) } for (let i = 0; i < 2; i++) { r.push(this.v + i) } return r.join() } T.call({ v: 1 }) + ';' + T.call({ v: 5 })", "1,1,2;5,5,6"),
    (
        "var g = { v: 3, *gen() { yield this.v; let x = 1; yield this.v + x } };          function outer2() { var it = g.gen(); var a = it.next().value; var b = this.w; var c = it.next().value; return [a, b, c, this.w].join() } outer2.call({ w: 9 })",
        "3,9,4,9",
    ),
    ("var o1 = { v: 1, f() { try { o2.g() } catch (e) { } return this.v } }; var o2 = { v: 2, g() { let q = this.v; throw q } }; var r1 = o1.f(); try { o2.g.call({ v: 7 }) } catch (e) { r1 += ',' + e } r1", "1,7"),
    ("var o3 = { v: 1, f() { try { o4.g() } catch (e) { return this.v + ':' + e } } }; var o4 = { v: 2, g() { let q = this.v; throw q } }; o3.f()", "1:2"),
    // arrows without closures of their own get frames too; `this` comes from the enclosing function
    ("function outer() { var f = (a) => { let b = a + this.k; return b }; return [1, 2].map(f).join() } outer.call({ k: 10 })", "11,12"),
    // callbacks from native code
    ("[3, 1, 2].sort(function (a, b) { var d = a - b; return d }).map(function (x) { let y = x * x; return y }).join()", "1,4,9"),
    // a `with` scope around a function: names resolve through it past the frame
    ("var ow = { f: 2, g() { return this === ow } }; with (ow) { var wf = function () { var z = 1; return f + z + ',' + g() } } wf()", "3,true"),
    // a frame function called from a generator and from an async function
    ("function sq(x) { let y = x * x; return y } function* gen() { for (let i = 1; i < 4; i++) yield sq(i) } [...gen()].join()", "1,4,9"),
    // functions that must keep heap environments still work next to frame functions
    ("function withClosure(n) { let c = n; return () => c++ } var f = withClosure(5); f(); f()", "6"),
    ("function withArgs() { var s = 0; for (var i = 0; i < arguments.length; i++) s += arguments[i]; return s } withArgs(1, 2, 3)", "6"),
    ("function withEval(a) { var b = 2; return eval('a + b') } withEval(1)", "3"),
    ("function sloppyArgs(a) { arguments[0] = 9; return a } sloppyArgs(1)", "9"),
    // a default parameter or destructuring takes the general entry path (heap environment)
    ("function dflt(a, b = a + 1) { let c = b; return c } dflt(1)", "2"),
    // for (let ...) with closures keeps one scope per iteration; without them one scope
    ("var fs = []; for (let i = 0; i < 3; i++) fs.push(() => i); fs.map(f => f()).join()", "0,1,2"),
    ("var gs = []; for (let i = 0; i < 3; i++) gs.push(eval('(function () { return i })')); gs.map(f => f()).join()", "0,1,2"),
    ("function nocl() { var t = ''; for (let i = 0; i < 3; i++) { t += i; i = i } return t } nocl()", "012"),
    // deep recursion still ends in a RangeError, and the stack is usable afterwards
    ("function deep(n) { var x = n; return deep(n + 1) + x } var m; try { deep(0) } catch (e) { m = e.constructor.name } m + fact(3)", "RangeError6"),
];

#[test]
fn frame_functions_behave_like_heap_environments() {
    check(CASES);
}

#[test]
fn frame_functions_survive_collection_at_every_safe_point() {
    check_with(CASES, true);
}

#[test]
fn calls_of_frame_functions_write_no_heap_pages() {
    big_stack(|| {
        let d = Dir::new("frames_pages");
        let (mut rt, _) = js::Runtime::open(&d.0).unwrap();
        turn(&mut rt, "function sq(x) { let y = x * x; return y } function sum(n) { var s = 0; for (let i = 0; i < n; i++) { s += sq(i) } return s }");
        assert_eq!(turn(&mut rt, "sum(10)"), Some("285".into()));
        let few = rt.stats().last_commit_pages;
        assert_eq!(turn(&mut rt, "sum(20000)"), Some("2666466670000".into()));
        let many = rt.stats().last_commit_pages;
        // 20,000 calls whose environments were heap cells would dirty hundreds of pages
        assert!(many <= few + 2, "a turn of 10 calls wrote {few} pages, one of 20,000 calls {many}");
    });
}
