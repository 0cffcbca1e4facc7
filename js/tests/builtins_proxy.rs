//! Proxy: every trap and its invariant checks, revocation, the engine's operations seen
//! through a proxy, runaway recursion (a RangeError, never a native overflow), deep chains of
//! proxies, and a proxy surviving a restart.

use js::Runtime;

mod common;
use common::*;

const TRAPS: &[(&str, &str)] = &[
    // every trap is called with the target and the key; its result is what the operation sees
    ("var log = []; var t = { a: 1 }; var p = new Proxy(t, { get(tt, k, r) { log.push(String(k)); return tt === t && r === p ? 'got ' + String(k) : 'bad'; } }); p.a + '|' + p[0] + '|' + log", "got a|got 0|a,0"),
    ("var t = {}; var p = new Proxy(t, { set(tt, k, v, r) { tt[k] = v * 2; return true; } }); p.x = 21; t.x", "42"),
    ("var p = new Proxy({}, { set() { return false; } }); (function () { 'use strict'; try { p.x = 1; return 'no'; } catch (e) { return e.constructor.name; } })() + ' ' + (function () { p.x = 1; return 'sloppy ok'; })()", "TypeError sloppy ok"),
    ("var p = new Proxy({}, { has(t, k) { return k === 'yes'; } }); ('yes' in p) + ' ' + ('no' in p) + ' ' + Reflect.has(p, 'yes')", "true false true"),
    ("var t = { a: 1, b: 2 }; var p = new Proxy(t, { deleteProperty(tt, k) { if (k === 'a') { delete tt[k]; return true; } return false; } }); [delete p.a, delete p.b, 'a' in t, 'b' in t].join()", "true,false,false,true"),
    ("var p = new Proxy({}, { deleteProperty() { return false; } }); (function () { 'use strict'; try { delete p.x; } catch (e) { return e.constructor.name; } })()", "TypeError"),
    ("var p = new Proxy({}, { ownKeys() { return ['b', 'a', Symbol.iterator]; }, getOwnPropertyDescriptor(t, k) { return { value: 1, enumerable: k !== 'a', configurable: true }; } }); Reflect.ownKeys(p).length + ' ' + Object.keys(p) + ' ' + Object.getOwnPropertyNames(p)", "3 b b,a"),
    ("var p = new Proxy({}, { getOwnPropertyDescriptor(t, k) { return { value: k + '!', configurable: true, enumerable: true }; } }); var d = Object.getOwnPropertyDescriptor(p, 'x'); d.value + ' ' + d.writable + ' ' + d.enumerable + ' ' + p.hasOwnProperty('y') + ' ' + Object.hasOwn(p, 'z')", "x! false true true true"),
    ("var seen; var t = {}; var p = new Proxy(t, { defineProperty(tt, k, d) { seen = Object.keys(d).join(); return Reflect.defineProperty(tt, k, d); } }); Object.defineProperty(p, 'x', { value: 3, configurable: true }); seen + ' ' + t.x + ' ' + Reflect.defineProperty(p, 'y', { get() {} }) + ' ' + seen", "value,configurable 3 true get"),
    ("var proto = { hi: 'proto' }; var p = new Proxy({}, { getPrototypeOf() { return proto; } }); (Object.getPrototypeOf(p) === proto) + ' ' + (p instanceof Object) + ' ' + proto.isPrototypeOf(p) + ' ' + Object.prototype.isPrototypeOf(p)", "true true true true"),
    ("var p = new Proxy({}, { getPrototypeOf() { return Array.prototype; } }); p instanceof Array", "true"),
    ("var got; var p = new Proxy({}, { setPrototypeOf(t, v) { got = v; return false; } }); Reflect.setPrototypeOf(p, Array.prototype) + ' ' + (got === Array.prototype) + ' ' + (() => { try { Object.setPrototypeOf(p, null); } catch (e) { return e.constructor.name; } })()", "false true TypeError"),
    ("var p = new Proxy({}, { isExtensible(t) { return true; } }); Object.isExtensible(p) + ' ' + Object.isFrozen(p)", "true false"),
    ("var t = {}; var p = new Proxy(t, { preventExtensions(tt) { Object.preventExtensions(tt); return true; } }); Reflect.preventExtensions(p) + ' ' + Object.isExtensible(t) + ' ' + (Object.freeze(p) === p) + ' ' + Object.isFrozen(p)", "true false true true"),
    ("var p = new Proxy({}, { preventExtensions() { return false; } }); Reflect.preventExtensions(p) + ' ' + (() => { try { Object.preventExtensions(p); } catch (e) { return e.constructor.name; } })()", "false TypeError"),
    ("var p = new Proxy(function (a, b) { return a + b; }, { apply(t, self, args) { return t.apply(self, args) * 10 + (self === undefined ? 0 : 1); } }); p(1, 2) + ' ' + p.call({}, 1, 2) + ' ' + Reflect.apply(p, null, [2, 2])", "30 31 41"),
    ("function C(x) { this.x = x; } var p = new Proxy(C, { construct(t, args, nt) { return { made: args[0], nt: nt === p }; } }); var o = new p(7); o.made + ' ' + o.nt", "7 true"),
    ("var p = new Proxy(function () {}, { construct() { return 1; } }); (() => { try { new p(); } catch (e) { return e.constructor.name; } })()", "TypeError"),
    // absent traps forward to the target, with the proxy as receiver and new.target
    ("var t = { get me() { return this; } }; var p = new Proxy(t, {}); (p.me === p) + ' ' + ('me' in p) + ' ' + Object.keys(p)", "true true me"),
    ("class A { constructor() { this.nt = new.target; } } var P = new Proxy(A, {}); var a = new P(); (a.nt === P) + ' ' + (a instanceof A)", "true true"),
    ("var p = new Proxy({}, {}); p.x = 1; p.x + ' ' + delete p.x + ' ' + ('x' in p)", "1 true false"),
    // a proxy on the prototype chain
    ("var o = Object.create(new Proxy({}, { get(t, k, r) { return k === 'v' ? 'from proxy' : undefined; }, has(t, k) { return k === 'v'; } })); o.v + ' ' + ('v' in o) + ' ' + ('w' in o)", "from proxy true false"),
    ("var log = []; var o = Object.create(new Proxy({}, { set(t, k, v, r) { log.push(k); return Reflect.set(t, k, v, r); } })); o.x = 5; log + ' ' + Object.keys(o) + ' ' + o.x", "x x 5"),
];

const INVARIANTS: &[(&str, &str)] = &[
    // each trap's result is checked against the target (10.5)
    ("var t = {}; Object.defineProperty(t, 'c', { value: 1 }); var p = new Proxy(t, { get() { return 2; } }); (() => { try { p.c; } catch (e) { return e.constructor.name; } })()", "TypeError"),
    ("var t = {}; Object.defineProperty(t, 'c', { set(v) {} }); var p = new Proxy(t, { get() { return 2; } }); (() => { try { p.c; } catch (e) { return e.constructor.name; } })()", "TypeError"),
    ("var t = {}; Object.defineProperty(t, 'c', { value: 1 }); var p = new Proxy(t, { set() { return true; } }); (() => { try { p.c = 2; } catch (e) { return e.constructor.name; } })() + ' ' + (p.c = 1)", "TypeError 1"),
    ("var t = {}; Object.defineProperty(t, 'c', { value: 1 }); var p = new Proxy(t, { has() { return false; } }); (() => { try { 'c' in p; } catch (e) { return e.constructor.name; } })()", "TypeError"),
    ("var t = { a: 1 }; Object.preventExtensions(t); var p = new Proxy(t, { has() { return false; } }); (() => { try { 'a' in p; } catch (e) { return e.constructor.name; } })()", "TypeError"),
    ("var t = {}; Object.defineProperty(t, 'c', { value: 1 }); var p = new Proxy(t, { deleteProperty() { return true; } }); (() => { try { delete p.c; } catch (e) { return e.constructor.name; } })()", "TypeError"),
    ("var p = new Proxy({}, { ownKeys() { return ['a', 'a']; } }); (() => { try { Reflect.ownKeys(p); } catch (e) { return e.constructor.name; } })()", "TypeError"),
    ("var p = new Proxy({}, { ownKeys() { return [1]; } }); (() => { try { Object.keys(p); } catch (e) { return e.constructor.name; } })()", "TypeError"),
    ("var t = {}; Object.defineProperty(t, 'fixed', { value: 1 }); var p = new Proxy(t, { ownKeys() { return []; } }); (() => { try { Reflect.ownKeys(p); } catch (e) { return e.constructor.name; } })()", "TypeError"),
    ("var t = { a: 1 }; Object.preventExtensions(t); var p = new Proxy(t, { ownKeys() { return ['a', 'extra']; } }); (() => { try { Reflect.ownKeys(p); } catch (e) { return e.constructor.name; } })()", "TypeError"),
    ("var t = { a: 1 }; Object.preventExtensions(t); var p = new Proxy(t, { ownKeys() { return ['a']; } }); Reflect.ownKeys(p).join()", "a"),
    ("var p = new Proxy({}, { getOwnPropertyDescriptor() { return { value: 1, configurable: false }; } }); (() => { try { Object.getOwnPropertyDescriptor(p, 'x'); } catch (e) { return e.constructor.name; } })()", "TypeError"),
    ("var t = {}; Object.defineProperty(t, 'c', { value: 1 }); var p = new Proxy(t, { getOwnPropertyDescriptor() { return undefined; } }); (() => { try { Object.getOwnPropertyDescriptor(p, 'c'); } catch (e) { return e.constructor.name; } })()", "TypeError"),
    ("var p = new Proxy({}, { getOwnPropertyDescriptor() { return 1; } }); (() => { try { Object.getOwnPropertyDescriptor(p, 'x'); } catch (e) { return e.constructor.name; } })()", "TypeError"),
    ("var p = new Proxy(Object.preventExtensions({}), { defineProperty() { return true; } }); (() => { try { Object.defineProperty(p, 'x', { value: 1 }); } catch (e) { return e.constructor.name; } })()", "TypeError"),
    ("var p = new Proxy({}, { defineProperty() { return true; } }); (() => { try { Object.defineProperty(p, 'x', { value: 1, configurable: false }); } catch (e) { return e.constructor.name; } })()", "TypeError"),
    ("var p = new Proxy({}, { defineProperty() { return false; } }); Reflect.defineProperty(p, 'x', { value: 1 }) + ' ' + (() => { try { Object.defineProperty(p, 'x', { value: 1 }); } catch (e) { return e.constructor.name; } })()", "false TypeError"),
    ("var p = new Proxy(Object.preventExtensions({}), { getPrototypeOf() { return Array.prototype; } }); (() => { try { Object.getPrototypeOf(p); } catch (e) { return e.constructor.name; } })()", "TypeError"),
    ("var p = new Proxy({}, { getPrototypeOf() { return 1; } }); (() => { try { Object.getPrototypeOf(p); } catch (e) { return e.constructor.name; } })()", "TypeError"),
    ("var p = new Proxy(Object.preventExtensions({}), { setPrototypeOf() { return true; } }); (() => { try { Reflect.setPrototypeOf(p, Array.prototype); } catch (e) { return e.constructor.name; } })()", "TypeError"),
    ("var p = new Proxy({}, { isExtensible() { return false; } }); (() => { try { Object.isExtensible(p); } catch (e) { return e.constructor.name; } })()", "TypeError"),
    ("var p = new Proxy({}, { preventExtensions() { return true; } }); (() => { try { Reflect.preventExtensions(p); } catch (e) { return e.constructor.name; } })()", "TypeError"),
    // a trap that is not callable
    ("var p = new Proxy({}, { get: 1 }); (() => { try { p.x; } catch (e) { return e.constructor.name; } })()", "TypeError"),
];

const CREATION_AND_REVOCATION: &[(&str, &str)] = &[
    ("[() => Proxy({}, {}), () => new Proxy(1, {}), () => new Proxy({}, null)].map(f => { try { f(); return 'no'; } catch (e) { return e.constructor.name; } }).join()", "TypeError,TypeError,TypeError"),
    ("Proxy.length + ' ' + Proxy.name + ' ' + ('prototype' in Proxy) + ' ' + typeof Proxy.revocable", "2 Proxy false function"),
    ("var r = Proxy.revocable({ a: 1 }, {}); var before = r.proxy.a; r.revoke(); r.revoke(); before + ' ' + r.revoke.name.length + ' ' + r.revoke.length", "1 0 0"),
    ("var r = Proxy.revocable({}, {}); r.revoke(); ['get', 'set', 'has', 'delete', 'keys', 'proto', 'define', 'isArray', 'new Proxy'].map(w => { try { ({ get: () => r.proxy.x, set: () => { r.proxy.x = 1; }, has: () => 'x' in r.proxy, delete: () => delete r.proxy.x, keys: () => Object.keys(r.proxy), proto: () => Object.getPrototypeOf(r.proxy), define: () => Object.defineProperty(r.proxy, 'x', {}), isArray: () => Array.isArray(r.proxy), 'new Proxy': () => new Proxy(r.proxy, {}).x })[w](); return w + ':no'; } catch (e) { return e.constructor.name; } }).join()", "TypeError,TypeError,TypeError,TypeError,TypeError,TypeError,TypeError,TypeError,TypeError"),
    ("var r = Proxy.revocable(function () { return 1; }, {}); var f = r.proxy; r.revoke(); typeof f + ' ' + (() => { try { f(); } catch (e) { return e.constructor.name; } })() + ' ' + (() => { try { new f(); } catch (e) { return e.constructor.name; } })()", "function TypeError TypeError"),
];

const ENGINE_SEES_PROXIES: &[(&str, &str)] = &[
    ("typeof new Proxy(function () {}, {}) + ' ' + typeof new Proxy({}, {}) + ' ' + typeof new Proxy(class {}, {})", "function object function"),
    ("Function.prototype.toString.call(new Proxy(function f() { return 1; }, {}))", "function () { [native code] }"),
    ("(() => { try { Function.prototype.toString.call(new Proxy({}, {})); } catch (e) { return e.constructor.name; } })()", "TypeError"),
    ("Array.isArray(new Proxy([], {})) + ' ' + Array.isArray(new Proxy(new Proxy([], {}), {})) + ' ' + Array.isArray(new Proxy({}, {})) + ' ' + Object.prototype.toString.call(new Proxy([], {})) + ' ' + Object.prototype.toString.call(new Proxy(function () {}, {}))", "true true false [object Array] [object Function]"),
    ("JSON.stringify(new Proxy([1, { a: 2 }], {})) + ' ' + JSON.stringify(new Proxy({ b: [3] }, { get(t, k) { return k === 'b' ? 'B' : t[k]; } }))", "[1,{\"a\":2}] {\"b\":\"B\"}"),
    ("JSON.stringify({ x: 1 }, new Proxy(['x'], {}))", "{\"x\":1}"),
    ("var p = new Proxy({ a: 1, b: 2 }, { ownKeys() { return ['b', 'a']; } }); var out = []; for (var k in p) out.push(k); out.join() + ' ' + Object.entries(p).join(';') + ' ' + JSON.stringify(Object.assign({}, p)) + ' ' + JSON.stringify({ ...p })", "b,a b,2;a,1 {\"b\":2,\"a\":1} {\"b\":2,\"a\":1}"),
    ("var { a, ...rest } = new Proxy({ a: 1, b: 2, c: 3 }, {}); a + ' ' + JSON.stringify(rest)", "1 {\"b\":2,\"c\":3}"),
    ("var ds = Object.getOwnPropertyDescriptors(new Proxy({ a: 1 }, {})); ds.a.value + ' ' + ds.a.writable", "1 true"),
    ("[...new Proxy([1, 2, 3], {})].join() + ' ' + Math.max(...new Proxy([4, 5], {})) + ' ' + [0].concat(new Proxy([1, 2], {})).length", "1,2,3 5 3"),
    ("Array.prototype.map.call(new Proxy([1, 2], {}), x => x * 2).join() + ' ' + Array.from(new Proxy({ length: 2, 0: 'a', 1: 'b' }, {})).join()", "2,4 a,b"),
    ("var log = []; var p = new Proxy({ x: 1 }, { has(t, k) { log.push('has ' + String(k)); return k in t; }, get(t, k) { log.push('get ' + String(k)); return t[k]; } }); with (p) { x; } log.join()", "has x,get Symbol(Symbol.unscopables),has x,get x"),
    ("var p = new Proxy({}, { has() { return false; } }); var x = 'outer'; with (p) { x; }", "outer"),
    ("var t = {}; Object.freeze(new Proxy(t, {})); Object.isFrozen(t) + ' ' + Object.isSealed(new Proxy(t, {}))", "true true"),
    ("var o = {}; var p = new Proxy({}, {}); Object.setPrototypeOf(o, p); (Object.getPrototypeOf(o) === p) + ' ' + (() => { try { Object.setPrototypeOf(p, o); return 'proxy ends the cycle check'; } catch (e) { return e.constructor.name; } })()", "true proxy ends the cycle check"),
    // walks around that cycle are bounded
    ("['get', 'for-in', 'instanceof'].map(w => { try { ({ get: () => o.missing, 'for-in': () => { for (var k in o); }, instanceof: () => o instanceof Array })[w](); return w + ':no'; } catch (e) { return e.constructor.name; } }).join()", "RangeError,RangeError,RangeError"),
    ("var f = new Proxy(function () { return this; }, {}); var b = f.bind(1); typeof b() + ' ' + b.name", "object bound "),
    ("new Proxy({ a: [1] }, {})", "{ a: [ 1 ] }"),
    // a typed array behind a proxy keeps its integer-indexed behaviour
    ("var ta = new Uint8Array([1, 2]); var pt = new Proxy(ta, {}); pt[1] = 300; pt[1] + ' ' + pt[5] + ' ' + (5 in pt) + ' ' + ta[1] + ' ' + Object.keys(pt)", "44 undefined false 44 0,1"),
    ("var o2 = Object.create(new Proxy(new Uint8Array(1), {})); o2[3] = 1; o2[3] + ' ' + Object.keys(o2).length", "undefined 0"),
];

#[test]
fn traps() {
    check(TRAPS);
}

#[test]
fn invariant_checks() {
    check(INVARIANTS);
}

#[test]
fn creation_and_revocation() {
    check(CREATION_AND_REVOCATION);
}

#[test]
fn engine_operations_see_proxies() {
    check(ENGINE_SEES_PROXIES);
}

#[test]
fn proxies_under_collection_at_every_safe_point() {
    check_with(TRAPS, true);
    check_with(ENGINE_SEES_PROXIES, true);
    check_with(INVARIANTS, true);
    check_with(CREATION_AND_REVOCATION, true);
}

const DEEP: &[(&str, &str)] = &[
    // 100,000 proxies without traps forward in a loop: no native stack is used per level
    ("var deep = { x: 1 }; for (var i = 0; i < 100000; i++) deep = new Proxy(deep, {}); deep.x", "1"),
    ("deep.y = 2; deep.y + ' ' + ('y' in deep) + ' ' + ('z' in deep)", "2 true false"),
    ("Object.keys(deep).join() + ' ' + Reflect.ownKeys(deep).length + ' ' + JSON.stringify(deep)", "x,y 2 {\"x\":1,\"y\":2}"),
    ("delete deep.y; Object.getOwnPropertyDescriptor(deep, 'x').value + ' ' + ('y' in deep)", "1 false"),
    ("(Object.getPrototypeOf(deep) === Object.prototype) + ' ' + Object.isExtensible(deep)", "true true"),
    ("var deepF = function (a) { return a + 1; }; for (var i = 0; i < 100000; i++) deepF = new Proxy(deepF, {}); deepF(1) + ' ' + typeof deepF + ' ' + Array.isArray(deepF)", "2 function false"),
    // an object whose prototype chain alternates ordinary objects and proxies
    ("var alt = { z: 'bottom' }; for (var i = 0; i < 100000; i++) alt = Object.create(new Proxy(alt, {})); alt.z + ' ' + ('z' in alt)", "bottom true"),
    ("alt.w = 1; alt.w + ' ' + Object.keys(alt)", "1 w"),
    // traps that recurse forever end in a RangeError
    ("var p1 = new Proxy({}, { get(t, k, r) { return r[k]; } }); (() => { try { p1.x; } catch (e) { return e.constructor.name; } })()", "RangeError"),
    ("var p2 = new Proxy({}, { set(t, k, v, r) { r[k] = v; return true; } }); (() => { try { p2.x = 1; } catch (e) { return e.constructor.name; } })()", "RangeError"),
    ("var p3 = new Proxy({}, { has(t, k) { return k in p3; } }); (() => { try { 'x' in p3; } catch (e) { return e.constructor.name; } })()", "RangeError"),
    ("var p4 = new Proxy({}, { ownKeys(t) { return Reflect.ownKeys(p4); } }); (() => { try { Object.keys(p4); } catch (e) { return e.constructor.name; } })()", "RangeError"),
    ("var p5 = new Proxy({}, { getOwnPropertyDescriptor: Reflect.getOwnPropertyDescriptor }); var p6 = new Proxy(p5, {}); Object.getOwnPropertyDescriptor(p6, 'x') === undefined", "true"),
    ("var p7 = new Proxy(function () {}, { apply(t, s, a) { return p7(); } }); (() => { try { p7(); } catch (e) { return e.constructor.name; } })()", "RangeError"),
    // a handler that is itself a proxy, 100,000 deep: every trap lookup goes through the
    // chain, which is bounded by the call depth
    ("var h = {}; for (var i = 0; i < 100000; i++) h = new Proxy({}, h); var ph = new Proxy({ v: 1 }, h); (() => { try { return ph.v; } catch (e) { return e.constructor.name; } })()", "RangeError"),
    ("var h2 = {}; for (var i = 0; i < 500; i++) h2 = new Proxy({}, h2); new Proxy({ v: 1 }, h2).v", "1"),
];

#[test]
fn deep_chains_and_runaway_traps() {
    check(DEEP);
}

#[test]
fn a_proxy_survives_a_restart() {
    big_stack(|| {
        let d = Dir::new("proxy-persist");
        {
            let (mut rt, _) = Runtime::open(&d.0).unwrap();
            turn(&mut rt, "var log = []; var target = { a: 1 }; var p = new Proxy(target, { get(t, k, r) { log.push(String(k)); return k in t ? t[k] : 'none'; }, set(t, k, v) { t[k] = v * 2; return true; } });");
            turn(&mut rt, "var fp = new Proxy(function (x) { return x + 1; }, { apply(t, self, args) { return 'wrapped ' + t(...args); } });");
            turn(&mut rt, "var r = Proxy.revocable({ b: 2 }, {}); var chain = { c: 3 }; for (var i = 0; i < 1000; i++) chain = new Proxy(chain, {});");
            turn(&mut rt, "p.a; p.q = 5;");
        }
        let (mut rt, _) = Runtime::open(&d.0).unwrap();
        assert_eq!(turn(&mut rt, "p.a + p.b + ' ' + target.q + ' ' + log.join()").as_deref(), Some("'1none 10 a,a,b'"));
        assert_eq!(turn(&mut rt, "fp(1) + ' ' + typeof fp").as_deref(), Some("'wrapped 2 function'"));
        assert_eq!(turn(&mut rt, "r.proxy.b + chain.c").as_deref(), Some("5"));
        turn(&mut rt, "r.revoke();");
        drop(rt);
        let (mut rt, _) = Runtime::open(&d.0).unwrap();
        let e = rt.eval_turn("r.proxy.b").unwrap_err();
        assert_eq!(e.name, "TypeError");
        assert!(e.message.contains("revoked"), "{}", e.message);
    });
}
