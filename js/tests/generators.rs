//! Generators: the resumable walker (every statement and expression form that can hold a
//! `yield`), the generator protocol, delegation, and suspended generators surviving a restart.

use js::Runtime;

mod common;
use common::*;

const CASES: &[(&str, &str)] = &[
    // a yield inside a loop inside try/finally, resumed with values
    (
        "function* g(a) { var x = yield a; try { for (let i = 0; i < 3; i++) { x += yield i * x; } } finally { yield 'fin'; } return x; }
         var it = g(5); [it.next().value, it.next(10).value, it.next(1).value, it.next(2).value, it.next(3).value, it.next().value, it.next().done].join()",
        "5,0,11,26,fin,16,true",
    ),
    // delegation: arrays, generators, the inner return value
    ("function* in2() { yield 'a'; return 'ret'; } function* h() { yield 1; yield* [2, 3]; var r = yield* in2(); yield r; } [...h()].join()", "1,2,3,a,ret"),
    // return() runs finally blocks; a yield in the finally suspends the return
    ("function* f() { try { yield 1; } finally { yield 'cleanup'; } } var i = f(); i.next(); var a = i.return(9); var b = i.next(); [a.value, a.done, b.value, b.done].join()", "cleanup,false,9,true"),
    // throw() is caught at the yield
    ("function* t() { try { yield 1; } catch (e) { yield 'caught ' + e; } } var i = t(); i.next(); i.throw('x').value", "caught x"),
    // throw() into a generator that has not started completes it
    ("function* t() { yield 1; } var i = t(); var r; try { i.throw(new Error('early')); } catch (e) { r = e.message; } r + ':' + i.next().done", "early:true"),
    // throw and return are forwarded through yield*
    (
        "var log = []; var inner = { [Symbol.iterator]() { return this; }, next(v) { log.push('next:' + v); return { value: 'n', done: false }; },
           throw(e) { log.push('throw:' + e); return { value: 't', done: false }; }, return(v) { log.push('return:' + v); return { value: 'r', done: true }; } };
         function* d() { yield* inner; } var i = d(); i.next('a'); i.next('b'); i.throw('c'); var r = i.return('z'); log.join() + '|' + r.value + r.done",
        "next:undefined,next:b,throw:c,return:z|rtrue",
    ),
    // an inner iterator without throw(): closed, then a TypeError
    (
        "var closed = false; var inner = { [Symbol.iterator]() { return this; }, next() { return { value: 1, done: false }; }, return() { closed = true; return {}; } };
         function* d() { yield* inner; } var i = d(); i.next(); var m; try { i.throw(1); } catch (e) { m = e.constructor.name; } m + ':' + closed",
        "TypeError:true",
    ),
    // yield* passes the inner result object through unchanged
    ("var res = { value: 1, done: false, extra: 'x' }; var inner = { [Symbol.iterator]() { return this; }, next() { return res; } }; function* d() { yield* inner; } d().next() === res", "true"),
    // methods, class methods, expressions, the prototype chain
    ("var o = { *m() { yield this === o; } }; o.m().next().value", "true"),
    ("class C { static *s() { yield 42; } *[Symbol.iterator]() { yield 1; yield 2; } } C.s().next().value + [...new C()].length", "44"),
    ("function* g() {} var GF = Object.getPrototypeOf(g); [GF === Object.getPrototypeOf(function* () {}), Object.getPrototypeOf(g.prototype) === GF.prototype, Object.prototype.toString.call(g())].join()", "true,true,[object Generator]"),
    ("function* g() {} var r; try { new g(); } catch (e) { r = e.constructor.name; } r + ':' + g.hasOwnProperty('prototype')", "TypeError:true"),
    ("var GF = Object.getPrototypeOf(function* () {}).constructor; var f = new GF('a', 'yield a; yield a * 2'); [...f(4)].join() + ':' + (GF.prototype === Object.getPrototypeOf(f))", "4,8:true"),
    // a running generator cannot be resumed
    ("var i; function* g() { i.next(); } i = g(); var m; try { i.next(); } catch (e) { m = e.message; } m", "Generator is already running"),
    ("var r; try { ({}).constructor.call(0); Object.getPrototypeOf(function* () {}).prototype.next.call({}); } catch (e) { r = e.constructor.name; } r", "TypeError"),
    // yield in expressions: calls, templates, objects, arrays with spread, operators, assignment
    ("function* c() { return Math.max(1, yield 'a', yield 'b'); } var i = c(); i.next(); i.next(5); i.next(3).value", "5"),
    ("function* t() { return `a${yield 1}b${yield 2}c`; } var i = t(); i.next(); i.next('X'); i.next('Y').value", "aXbYc"),
    ("function* o() { return { a: yield 1, [yield 2]: 3, ...(yield 4) }; } var i = o(); i.next(); i.next('A'); i.next('k'); JSON.stringify(i.next({ z: 9 }).value)", "{\"a\":\"A\",\"k\":3,\"z\":9}"),
    ("function* a() { return [0, yield, ...(yield), 9]; } var i = a(); i.next(); i.next(1); i.next([2, 3]).value.join()", "0,1,2,3,9"),
    ("function* b() { var o = { n: 1 }; o.n += yield; o['m' + (yield)] = (yield) * 2; return o.n + ':' + o.mx; } var i = b(); i.next(); i.next(10); i.next('x'); i.next(4).value", "11:8"),
    ("function* l() { return (yield 1) && (yield 2) || (yield 3); } var i = l(); i.next(); i.next(0); i.next('c').value", "c"),
    ("function* q() { return (yield) ? yield 'y' : 'n'; } var i = q(); i.next(); i.next(true); i.next('Y').value", "Y"),
    ("function* s() { var x = (yield 1, yield 2); return x; } var i = s(); i.next(); i.next(); i.next(7).value", "7"),
    ("function* u() { var a = -(yield), b = typeof (yield), c = !(yield); return [a, b, c].join(); } var i = u(); i.next(); i.next(2); i.next('s'); i.next(0).value", "-2,string,true"),
    ("function* n() { class P { constructor(a, b) { this.s = a + b; } } return new P(yield, yield).s; } var i = n(); i.next(); i.next(2); i.next(3).value", "5"),
    ("function* m() { var o = { f(x) { return this.k + x; }, k: 1 }; return o.f(yield); } var i = m(); i.next(); i.next(41).value", "42"),
    // statements: switch, for-in, for-of, while, do-while, labels, with
    ("function* sw(x) { switch (x) { case 1: yield 'one'; case 2: yield 'two'; break; default: yield 'd'; } } [...sw(1), ...sw(2), ...sw(3)].join()", "one,two,two,d"),
    ("function* fi() { var o = { a: 1, b: 2 }; for (var k in o) yield k; } [...fi()].join()", "a,b"),
    ("function* fo() { for (const x of [1, 2, 3]) yield x * 10; } [...fo()].join()", "10,20,30"),
    ("function* w() { var i = 0; while ((yield i) < 3) i++; do { yield 'd'; } while (false); } var it = w(); [it.next().value, it.next(0).value, it.next(5).value].join()", "0,1,d"),
    ("function* lb() { outer: for (var i = 0; i < 3; i++) { for (var j = 0; j < 3; j++) { if (j == 1) continue outer; if (i == 2) break outer; yield i + '' + j; } } } [...lb()].join()", "00,10"),
    ("function* wi() { with ({ v: 'w' }) { yield v; yield v; } } [...wi()].join()", "w,w"),
    // closures made in a loop keep their per-iteration bindings across yields
    ("function* cl() { var fs = []; for (let i = 0; i < 3; i++) { yield; fs.push(() => i); } return fs.map(f => f()).join(); } var i = cl(); i.next(); i.next(); i.next(); i.next().value", "0,1,2"),
    // breaking out of a for-of in a generator closes the iterator, also on return()
    (
        "var closed = 0; var src = { [Symbol.iterator]() { return { next() { return { value: 1, done: false }; }, return() { closed++; return {}; } }; } };
         function* g() { for (var x of src) { yield x; } } var i = g(); i.next(); i.return(); for (var y of g()) break; closed",
        "2",
    ),
    // yield inside destructuring: defaults, computed keys, nested patterns, for-of heads, catch
    ("function* d() { var [a = yield 'a', { b = yield 'b', [yield 'k']: c } = {}] = []; return [a, b, c].join(); } var i = d(); i.next(); i.next(1); i.next(2); i.next('z').value", "1,2,"),
    ("function* d() { var a, b; [a, b = yield] = [1]; ({ x: a = yield } = {}); return a + b; } var i = d(); i.next(); i.next(2); i.next(40).value", "42"),
    ("function* d() { var out = []; for (const [x, y = yield x] of [[1], [2, 'b']]) out.push(x + y); return out.join(); } var i = d(); i.next(); i.next('a').value", "1a,2b"),
    ("function* d() { try { throw {}; } catch ({ m = yield 'm' }) { return m; } } var i = d(); i.next().value + i.next('M').value", "mM"),
    ("function* d() { var { a, ...rest } = { a: 1, [yield]: 2, c: 3 }; return Object.keys(rest).join(); } var i = d(); i.next(); i.next('b').value", "b,c"),
    // return() during array destructuring closes the iterator
    (
        "var closed = 0; var src = { [Symbol.iterator]() { return { next() { return { value: undefined, done: false }; }, return() { closed++; return {}; } }; } };
         function* d() { var [a = yield] = src; } var i = d(); i.next(); i.return(); closed",
        "1",
    ),
    // yield in a class definition: heritage and computed keys, in order
    ("function* c() { class K extends (yield 'h') { [yield 'k']() { return 'm'; } static [`s${yield 's'}`] = 1; } return new K().m() + K.s1 + (K.prototype instanceof Array); } var i = c(); [i.next().value, i.next(Array).value, i.next('m').value, i.next(1).value].join()", "h,k,s,m1true"),
    // the iterator protocol: spread, destructuring, Array.from
    ("function* r(n) { for (var i = 0; i < n; i++) yield i; } var [a, , c] = r(5); [a, c, Array.from(r(3)).join('')].join()", "0,2,012"),
    // yield is an identifier outside generators in sloppy code
    ("var yield = 5; yield", "5"),
    // early errors
    ("var r; try { eval('function* g() { var yield; }'); } catch (e) { r = e.constructor.name; } r", "SyntaxError"),
    ("var r; try { eval('function* g(a = yield) {}'); } catch (e) { r = e.constructor.name; } r", "SyntaxError"),
    ("var r; try { eval('if (1) function* g() {}'); } catch (e) { r = e.constructor.name; } r", "SyntaxError"),
    // deep recursion of generators is a RangeError, not a crash
    ("function* deep(n) { yield* deep(n + 1); } var r; try { deep(0).next(); } catch (e) { r = e.constructor.name; } r", "RangeError"),
];

#[test]
fn generator_forms() {
    check(CASES);
}

#[test]
fn generator_forms_collecting_at_every_safe_point() {
    check_with(CASES, true);
}

#[test]
fn a_suspended_generator_survives_a_restart() {
    big_stack(|| {
        let d = Dir::new("generator-persist");
        {
            let (mut rt, _) = Runtime::open(&d.0).unwrap();
            turn(&mut rt, "var log = []; function* g(n) { try { for (let i = 0; i < n; i++) { let sq = i * i; log.push('got ' + (yield sq)); } } finally { log.push('finally'); } return 'end'; }");
            turn(&mut rt, "var it = g(4); it.next(); it.next('a');");
            assert_eq!(turn(&mut rt, "it.next('b').value").as_deref(), Some("4"));
        }
        let (mut rt, _) = Runtime::open(&d.0).unwrap();
        assert_eq!(turn(&mut rt, "it.next('c').value").as_deref(), Some("9"));
        assert_eq!(turn(&mut rt, "var r = it.next('d'); r.value + ':' + r.done").as_deref(), Some("'end:true'"));
        assert_eq!(turn(&mut rt, "log.join()").as_deref(), Some("'got a,got b,got c,got d,finally'"));
    });
}

#[test]
fn a_generator_suspended_in_a_rolled_back_turn_is_restored() {
    big_stack(|| {
        let d = Dir::new("generator-rollback");
        let (mut rt, _) = Runtime::open(&d.0).unwrap();
        turn(&mut rt, "function* g() { var i = 0; while (true) yield i++; } var it = g(); it.next();");
        assert!(rt.eval_turn("it.next(); it.next(); null.x").is_err());
        assert_eq!(turn(&mut rt, "it.next().value").as_deref(), Some("1"));
    });
}

#[test]
fn a_return_forced_through_a_restart_runs_the_finally_block() {
    big_stack(|| {
        let d = Dir::new("generator-return");
        {
            let (mut rt, _) = Runtime::open(&d.0).unwrap();
            turn(&mut rt, "var done = []; function* g() { try { while (true) { try { yield 1; } finally { done.push('inner'); } } } finally { done.push('outer'); } } var it = g(); it.next();");
        }
        let (mut rt, _) = Runtime::open(&d.0).unwrap();
        assert_eq!(turn(&mut rt, "var r = it.return(5); r.value + ':' + r.done + ':' + done.join()").as_deref(), Some("'5:true:inner,outer'"));
    });
}

const ASYNC_CASES: &[(&str, &str)] = &[
    ("var log = []; async function f(x) { log.push('start'); var y = await x; log.push('got ' + y); try { await Promise.reject('boom'); } catch (e) { log.push('caught ' + e); } return y * 2; } f(21).then(v => log.push('result ' + v)); log.push('sync'); 0", "0"),
    ("log.join()", "start,sync,got 21,caught boom,result 42"),
    ("var r = []; (async () => { throw new Error('bad'); })().catch(e => r.push(e.message)); var o = { async m() { return this === o; } }; o.m().then(v => r.push(v)); 0", "0"),
    ("r.join()", "bad,true"),
    ("var s = ''; class K { async k() { for (var i = 0; i < 3; i++) { s += await i; } return s; } } new K().k().then(v => s += '!'); 0", "0"),
    ("s", "012!"),
    // a parameter default that throws rejects the promise instead of throwing
    ("var e = ''; var p = (async function (a = null.x) {})(); p.catch(x => e = x.constructor.name); p instanceof Promise", "true"),
    ("e", "TypeError"),
    ("async function f() {} [Object.prototype.toString.call(f), typeof f.prototype, Object.getPrototypeOf(f) === Object.getPrototypeOf(async () => {})].join()", "[object AsyncFunction],undefined,true"),
    ("var r; try { new (async function () {})(); } catch (x) { r = x.constructor.name; } r", "TypeError"),
    ("var AF = Object.getPrototypeOf(async function () {}).constructor; var out; new AF('a', 'return await a + 1')(1).then(v => out = v); 0", "0"),
    ("out", "2"),
    ("var r; try { eval('async function f() { var await; }'); } catch (x) { r = x.constructor.name; } r", "SyntaxError"),
    ("var await = 3; await", "3"),
    // an arrow nested in an async arrow's parameters cannot bind `await`; as a call it can
    ("var r; try { eval('async (a = (await) => {}) => {}'); } catch (x) { r = x.constructor.name; } r", "SyntaxError"),
    ("var r; try { eval('async (a = (...await) => {}) => {}'); } catch (x) { r = x.constructor.name; } r", "SyntaxError"),
    ("function async(f) { return typeof f } async(a = (await) => {}) + async(await => 1)", "functionfunction"),
];

#[test]
fn async_function_forms() {
    check(ASYNC_CASES);
}

#[test]
fn async_function_forms_collecting_at_every_safe_point() {
    check_with(ASYNC_CASES, true);
}

#[test]
fn a_pending_async_function_survives_a_restart() {
    big_stack(|| {
        let d = Dir::new("async-persist");
        {
            let (mut rt, _) = Runtime::open(&d.0).unwrap();
            turn(&mut rt, "var resolveLater; var log = []; async function job() { let total = 0; for (const k of ['a', 'b']) { try { total += await new Promise(r => { resolveLater = r; }); log.push(k); } finally { log.push('f' + k); } } return total; }");
            turn(&mut rt, "var result; job().then(v => { result = v; });");
            turn(&mut rt, "resolveLater(1);");
            assert_eq!(turn(&mut rt, "log.join()").as_deref(), Some("'a,fa'"));
        }
        let (mut rt, _) = Runtime::open(&d.0).unwrap();
        assert_eq!(turn(&mut rt, "typeof result").as_deref(), Some("'undefined'"));
        turn(&mut rt, "resolveLater(41);");
        assert_eq!(turn(&mut rt, "result + ':' + log.join()").as_deref(), Some("'42:a,fa,b,fb'"));
    });
}

const ASYNC_ITER_CASES: &[(&str, &str)] = &[
    (
        "var log = []; async function* ag(x) { var a = yield x; var b = await Promise.resolve(a * 2); yield b; try { yield 'in try'; } finally { log.push('fin'); } return 'done'; }
         var it = ag(1); it.next().then(r => log.push(r.value)); it.next(5).then(r => log.push(r.value)); it.next().then(r => log.push(r.value)); it.return('R').then(r => log.push(r.value + r.done)); 0",
        "0",
    ),
    ("log.join()", "1,10,in try,fin,Rtrue"),
    // yield awaits its operand; return awaits its value; throw() is caught at the yield
    ("var r = []; async function* y() { yield Promise.resolve('u'); try { yield 1; } catch (e) { yield 'caught ' + e; } return Promise.resolve('ret'); } var i = y(); i.next().then(x => r.push(x.value)); i.next(); i.throw('E').then(x => r.push(x.value)); i.next().then(x => r.push(x.value + x.done)); 0", "0"),
    ("r.join()", "u,caught E,rettrue"),
    // for await over async and sync iterables; break closes the iterator
    (
        "var out = []; var closed = false; async function* src() { yield 1; yield 2; }
         var it = { [Symbol.asyncIterator]() { return { next() { return Promise.resolve({ value: 'v', done: false }); }, return() { closed = true; return Promise.resolve({}); } }; } };
         (async () => { for await (const x of src()) out.push(x); for await (var y of [Promise.resolve('a'), 'b']) out.push(y); for await (const z of it) { out.push(z); break; } out.push(closed); })(); 0",
        "0",
    ),
    ("out.join()", "1,2,a,b,v,true"),
    // yield* in an async generator over async and sync iterables
    ("var o2 = []; async function* inner() { yield 'i1'; return 'iret'; } async function* outer() { var r = yield* inner(); yield r; yield* ['s1', Promise.resolve('s2')]; } (async () => { for await (const v of outer()) o2.push(v); })(); 0", "0"),
    ("o2.join()", "i1,iret,s1,s2"),
    ("async function* a() {} [Object.prototype.toString.call(a()), typeof a.prototype, Object.getPrototypeOf(a.prototype) === Object.getPrototypeOf(a).prototype].join()", "[object AsyncGenerator],object,true"),
    ("var e; (async function* () {}).prototype.next.call({}).catch(x => e = x.constructor.name); 0", "0"),
    ("e", "TypeError"),
    ("var r; try { eval('function f() { for await (x of y); }'); } catch (x) { r = x.constructor.name; } r", "SyntaxError"),
];

#[test]
fn async_generator_and_for_await_forms() {
    check(ASYNC_ITER_CASES);
}

#[test]
fn async_generator_and_for_await_forms_collecting_at_every_safe_point() {
    check_with(ASYNC_ITER_CASES, true);
}

#[test]
fn a_for_await_loop_waiting_on_a_later_turn_survives_a_restart() {
    big_stack(|| {
        let d = Dir::new("for-await-persist");
        {
            let (mut rt, _) = Runtime::open(&d.0).unwrap();
            turn(&mut rt, "var feed = []; var wake; function arrive(v) { feed.push(v); if (wake) { var w = wake; wake = null; w(); } }");
            turn(&mut rt, "async function* stream() { while (true) { while (feed.length == 0) await new Promise(r => { wake = r; }); var v = feed.shift(); if (v === 'end') return; yield v; } }");
            turn(&mut rt, "var got = []; (async () => { for await (const v of stream()) got.push(v); got.push('closed'); })();");
            turn(&mut rt, "arrive('a');");
            assert_eq!(turn(&mut rt, "got.join()").as_deref(), Some("'a'"));
        }
        let (mut rt, _) = Runtime::open(&d.0).unwrap();
        turn(&mut rt, "arrive('b');");
        turn(&mut rt, "arrive('end');");
        assert_eq!(turn(&mut rt, "got.join()").as_deref(), Some("'a,b,closed'"));
    });
}
