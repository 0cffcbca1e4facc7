//! Reflect, the URI functions, escape/unescape and the other global built-ins through the engine.


mod common;
use common::*;

#[test]
fn reflect_basics() {
    check(&[
        ("Object.prototype.toString.call(Reflect) + typeof Reflect + Reflect[Symbol.toStringTag]", "[object Reflect]objectReflect"),
        ("Object.getOwnPropertyNames(Reflect).join()", "apply,construct,defineProperty,deleteProperty,get,getOwnPropertyDescriptor,getPrototypeOf,has,isExtensible,ownKeys,preventExtensions,set,setPrototypeOf"),
        ("[Reflect.apply.length, Reflect.construct.length, Reflect.defineProperty.length, Reflect.get.length, Reflect.set.length, Reflect.set.name].join()", "3,2,3,2,3,set"),
        ("Reflect.apply(Math.max, null, [1, 5, 3]) + Reflect.apply(function() { return this.x }, {x: 7}, [])", "12"),
        ("try { Reflect.apply(function() {}, null) } catch (e) { e.name }", "TypeError"),
        ("try { Reflect.apply(1, null, []) } catch (e) { e.name }", "TypeError"),
        ("class A { constructor(a, b) { this.s = a + b; this.nt = new.target } } var o = Reflect.construct(A, [1, 2]); o.s + ',' + (o.nt === A) + ',' + (o instanceof A)", "3,true,true"),
        ("function F() { this.nt = new.target } function G() {} G.prototype.g = 1; var o = Reflect.construct(F, [], G); (o.nt === G) + ',' + o.g + ',' + (Object.getPrototypeOf(o) === G.prototype)", "true,1,true"),
        ("var d = Reflect.construct(Date, [0], Object); Object.getPrototypeOf(d) === Object.prototype", "true"),
        ("var e = Reflect.construct(Error, ['m'], Array); (Object.getPrototypeOf(e) === Array.prototype) + e.message", "truem"),
        ("try { Reflect.construct(function(){}, [], Math.max) } catch (e) { e.name }", "TypeError"),
        ("try { Reflect.construct(() => 1, []) } catch (e) { e.name }", "TypeError"),
        ("try { Reflect.construct(function(){}, 1) } catch (e) { e.name }", "TypeError"),
        ("function isCtor(f) { try { Reflect.construct(function(){}, [], f); return true } catch (e) { return false } } [Boolean, Error, TypeError, Number, Date, Function, Object, Symbol, Math.max, parseInt, encodeURI].map(isCtor).join()", "true,true,true,true,true,true,true,true,false,false,false"),
        ("var o = {}; [Reflect.defineProperty(o, 'x', {value: 1}), Reflect.defineProperty(o, 'x', {value: 2}), o.x].join()", "true,false,1"),
        ("var o = Object.freeze({a: 1}); [Reflect.defineProperty(o, 'b', {value: 1}), Reflect.deleteProperty(o, 'a'), Reflect.deleteProperty({a: 1}, 'a'), Reflect.deleteProperty({}, 'zz')].join()", "false,false,true,true"),
        ("try { Reflect.defineProperty(1, 'x', {}) } catch (e) { e.name }", "TypeError"),
        ("var o = {get x() { return this.y }, y: 1}; Reflect.get(o, 'x') + ',' + Reflect.get(o, 'x', {y: 2}) + ',' + Reflect.get([5, 6], 1)", "1,2,6"),
        ("try { Reflect.get('str', 'length') } catch (e) { e.name }", "TypeError"),
        ("var d = Reflect.getOwnPropertyDescriptor({a: 1}, 'a'); [d.value, d.writable, d.enumerable, d.configurable, Reflect.getOwnPropertyDescriptor({}, 'a')].join()", "1,true,true,true,"),
        ("[Reflect.getPrototypeOf([]) === Array.prototype, Reflect.has({a: 1}, 'a'), Reflect.has(Object.create({b: 1}), 'b'), Reflect.has({}, 'c')].join()", "true,true,true,false"),
        ("var o = {}; [Reflect.isExtensible(o), Reflect.preventExtensions(o), Reflect.isExtensible(o)].join()", "true,true,false"),
        ("Reflect.ownKeys({b: 1, a: 2, 1: 3, [Symbol('s')]: 4}).map(String).join()", "1,b,a,Symbol(s)"),
        ("Reflect.ownKeys([1, 2]).join() + '|' + Reflect.ownKeys(function f(a) {}).length", "0,1,length|3"),
        ("var o = {}; [Reflect.set(o, 'a', 1), o.a, Reflect.set(Object.freeze({b: 1}), 'b', 2)].join()", "true,1,false"),
        ("var r = {}; var o = {set x(v) { this.v = v }}; Reflect.set(o, 'x', 5, r); [r.v, o.v].join()", "5,"),
        ("var r = {}; Reflect.set({}, 'p', 3, r); r.p + ',' + Reflect.set({}, 'p', 1, 1)", "3,false"),
        ("var r = {}; Object.defineProperty(r, 'p', {value: 1, writable: false, configurable: true}); Reflect.set({}, 'p', 3, r) + ',' + r.p", "false,1"),
        ("var o = {}; [Reflect.setPrototypeOf(o, Array.prototype), Array.isArray(o), o instanceof Array, Reflect.setPrototypeOf(Object.preventExtensions({}), null)].join()", "true,false,true,false"),
        ("var a = {}; var b = Object.create(a); Reflect.setPrototypeOf(a, b)", "false"),
        ("try { Reflect.setPrototypeOf({}, 1) } catch (e) { e.name }", "TypeError"),
        ("[Reflect.setPrototypeOf(Object.prototype, {}), Reflect.setPrototypeOf(Object.prototype, null), Reflect.setPrototypeOf(Object.prototype, Object.create(null))].join()", "false,true,false"),
        ("try { Object.setPrototypeOf(Object.prototype, Object.create(null)) } catch (e) { e.name + Object.getPrototypeOf(Object.prototype) }", "TypeErrornull"),
    ]);
}

#[test]
fn uri_functions() {
    check(&[
        ("encodeURIComponent('a b&c/d?e=f#g') + ' ' + encodeURI('a b&c/d?e=f#g')", "a%20b%26c%2Fd%3Fe%3Df%23g a%20b&c/d?e=f#g"),
        ("encodeURIComponent(\"-_.!~*'()\") + encodeURIComponent(';/?:@&=+$,')", "-_.!~*'()%3B%2F%3F%3A%40%26%3D%2B%24%2C"),
        ("encodeURI('\\u00e9\\u20ac\\ud83d\\ude00')", "%C3%A9%E2%82%AC%F0%9F%98%80"),
        ("try { encodeURI('\\ud800') } catch (e) { e.name + ': ' + e.message + ' ' + (e instanceof URIError) }", "URIError: URI malformed true"),
        ("try { encodeURIComponent('\\udc00a') } catch (e) { e.name }", "URIError"),
        ("try { encodeURIComponent('\\ud800\\ud800') } catch (e) { e.name }", "URIError"),
        ("decodeURIComponent('%C3%A9%e2%82%ac%F0%9F%98%80') === '\\u00e9\\u20ac\\ud83d\\ude00'", "true"),
        ("decodeURI('%3B%2F%3f%23%20a%41') + '|' + decodeURIComponent('%3B%2F%3f%23%20a%41')", "%3B%2F%3f%23 aA|;/?# aA"),
        ("['%', '%4', '%G0', '%C3', '%C3%', '%C3%2', '%C3%41', '%80', '%FF%80', '%C0%80', '%ED%A0%80', '%F4%90%80%80', '%E2%82'].map(s => { try { decodeURIComponent(s); return 'ok' } catch (e) { return e.name[0] } }).join('')", "UUUUUUUUUUUUU"),
        ("decodeURI(encodeURI('x\\u0100\\uffff\\ud800\\udc00')) === 'x\\u0100\\uffff\\ud800\\udc00'", "true"),
        ("[encodeURI.length, decodeURIComponent.length, encodeURI.name, typeof globalThis.decodeURI].join()", "1,1,encodeURI,function"),
        ("try { new encodeURI('') } catch (e) { e.name }", "TypeError"),
        ("encodeURI({toString() { return 'a b' }}) + decodeURI(undefined)", "a%20bundefined"),
    ]);
}

#[test]
fn escape_unescape() {
    check(&[
        ("escape('abc ABZ 019 @*_+-./,:;\\u00e9\\u0100\\uffff')", "abc%20ABZ%20019%20@*_+-./%2C%3A%3B%E9%u0100%uFFFF"),
        ("unescape('%41%u0042%u00e9x%4%u12%zz%') === 'AB\\u00e9x%4%u12%zz%'", "true"),
        ("unescape(escape('\\ud800x\\u1234 \\u00ff')) === '\\ud800x\\u1234 \\u00ff'", "true"),
        ("[escape.length, unescape.length, escape.name, Object.getOwnPropertyDescriptor(globalThis, 'escape').enumerable].join()", "1,1,escape,false"),
    ]);
}

#[test]
fn errors_and_small_fixes() {
    check(&[
        ("var e = new Error('\\ud800x'); e.name = 'N\\udc00'; e.toString() === 'N\\udc00: \\ud800x'", "true"),
        ("[String(new TypeError('m')), String(new RangeError()), Error.prototype.toString.call({name: '', message: 'q'}), Error.prototype.toString.call({message: 1})].join('|')", "TypeError: m|RangeError|q|Error: 1"),
        ("try { Error.prototype.toString.call(1) } catch (e) { e.name }", "TypeError"),
        ("function T(m) { this.message = m } throw new T('x')", "T: x"),
        ("var tte = Object.getOwnPropertyDescriptor(function() { 'use strict'; return arguments }(), 'callee').get; var d = Object.getOwnPropertyDescriptor(tte, 'name'); JSON.stringify([d.value, d.writable, d.configurable, Object.isFrozen(tte)])", "[\"\",false,false,true]"),
        ("var closed = 0; var it = {[Symbol.iterator]() { return {next() { return {done: false, value: 'ab'} }, return() { closed++; return {} }} }}; try { Object.fromEntries(it) } catch (e) { e.name + closed }", "TypeError1"),
        ("var closed = 0; var it = {[Symbol.iterator]() { return {next() { return {done: false, value: {get 0() { throw new RangeError('k') }}} }, return() { closed++; throw new Error('ignored') }} }}; try { Object.fromEntries(it) } catch (e) { e.name + closed }", "RangeError1"),
        ("JSON.stringify(Object.fromEntries([['a', 1], ['b', 2]].values())) + JSON.stringify(Object.fromEntries(new Map([[1, 'x']])))", "{\"a\":1,\"b\":2}{\"1\":\"x\"}"),
    ]);
}

#[test]
fn globals_roots_what_they_hold_under_gc_stress() {
    check_with(
        &[
            ("var a = {length: 30}; for (var i = 0; i < 30; i++) Object.defineProperty(a, i, {get: function() { var junk = []; for (var j = 0; j < 20; j++) junk.push({j}); return 'v' + junk.length }}); Reflect.apply(function() { return Array.prototype.join.call(arguments, '') }, null, a).length", "90"),
            ("function F(a, b) { this.s = a + b } var o = Reflect.construct(F, {length: 2, get 0() { return 'x' + [1, 2].join() }, get 1() { return {}.toString() }}); o.s", "x1,2[object Object]"),
            ("var k = {toString() { var junk = []; for (var j = 0; j < 20; j++) junk.push('s' + j); return 'key' + junk.length }}; var o = {}; Reflect.set(o, k, 1); Reflect.get(o, k) + Reflect.ownKeys(o).join()", "1key20"),
            ("var n = 0; var it = {[Symbol.iterator]() { return {next() { n++; var junk = []; for (var j = 0; j < 20; j++) junk.push({j}); return n > 10 ? {done: true} : {done: false, value: ['k' + n, {v: 'x' + junk.length}]} }} }}; var o = Object.fromEntries(it); Object.keys(o).length + o.k10.v", "10x20"),
            ("var s = {toString() { var junk = []; for (var j = 0; j < 20; j++) junk.push('s' + j); return junk.join('\\u00e9') }}; decodeURIComponent(encodeURIComponent(s)).length + unescape(escape(s)).length", "138"),
        ],
        true,
    );
}
