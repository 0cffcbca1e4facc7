//! Shapes and property inline caches: every case runs one access site (a function called in
//! a loop) over objects whose layout changes between calls, so a cache that trusted a stale
//! shape, slot or prototype would read or write the wrong value.

mod common;
use common::*;

#[test]
fn own_property_sites_follow_shape_changes() {
    check(&[
        // the same site sees objects of different shapes (polymorphic, then megamorphic)
        (
            "function gx(o) { return o.x } var r = []; \
             var os = [{x: 1}, {y: 0, x: 2}, {a: 0, b: 0, x: 3}, {b: 1, c: 1, d: 1, x: 4}, {e: 1, x: 5}, {x: 6, f: 1}]; \
             for (var k = 0; k < 3; k++) for (var o of os) r.push(gx(o)); r.join()",
            "1,2,3,4,5,6,1,2,3,4,5,6,1,2,3,4,5,6",
        ),
        // deleting a key makes the object a dictionary; the cached slot must not be used
        ("function gx(o) { return o.x } var o = {w: 0, x: 1, y: 2}; gx(o); gx(o); delete o.w; gx(o) + ',' + o.y", "1,2"),
        ("function gy(o) { return o.y } var o = {x: 1, y: 2}; gy(o); delete o.y; String(gy(o))", "undefined"),
        // a writable property made read-only: a cached write must not store
        (
            "'use strict'; function sx(o, v) { o.x = v } var o = {x: 1}; sx(o, 2); sx(o, 3); \
             Object.defineProperty(o, 'x', {writable: false}); var m; try { sx(o, 4) } catch (e) { m = e.constructor.name } m + ',' + o.x",
            "TypeError,3",
        ),
        ("function sx(o, v) { o.x = v } var o = {x: 1}; sx(o, 2); Object.freeze(o); sx(o, 9); o.x", "2"),
        // a data property turned into an accessor
        (
            "function gx(o) { return o.x } var o = {x: 1}; gx(o); gx(o); \
             Object.defineProperty(o, 'x', {get() { return 'got' }}); gx(o)",
            "got",
        ),
        // two objects with the same shape keep their own values; writes go to the right one
        (
            "function sx(o, v) { o.x = v } function gx(o) { return o.x } var a = {x: 0}, b = {x: 0}; \
             for (var i = 0; i < 5; i++) { sx(a, i); sx(b, 10 * i) } gx(a) + ',' + gx(b)",
            "4,40",
        ),
        // compound assignment through the cache
        ("var o = {n: 1}; for (var i = 0; i < 10; i++) o.n += i; o.n", "46"),
        // an array's length is never served from a cache of an ordinary object's 'length'
        ("function len(o) { return o.length } var r = [len({length: 7}), len([1, 2, 3]), len('abcd'), len({length: 8})]; r.join()", "7,3,4,8"),
        // many keys (hashed shape lookup) and more keys than a shape holds (dictionary)
        (
            "var o = {}; for (var i = 0; i < 100; i++) o['k' + i] = i; function g(o) { return o.k5 + o.k50 + o.k99 } \
             g(o) + ',' + Object.keys(o).length + ',' + Object.keys(o)[70]",
            "154,100,k70",
        ),
        // key order survives the shape-to-dictionary change
        ("var o = {b: 1, a: 2, c: 3}; delete o.a; o.a = 4; o[1] = 0; Object.keys(o).join()", "1,b,c,a"),
    ]);
}

#[test]
fn prototype_sites_see_prototype_changes() {
    check(&[
        // a method found on the prototype, then shadowed by an own property
        (
            "class C { m() { return 'proto' } } function call(o) { return o.m() } var c = new C(); var r = [call(c), call(c)]; \
             c.m = function () { return 'own' }; r.push(call(c)); r.join()",
            "proto,proto,own",
        ),
        // the prototype's method replaced, or deleted so that a deeper one is found
        (
            "class A { m() { return 'A' } } class B extends A { m() { return 'B' } } function call(o) { return o.m() } \
             var b = new B(); var r = [call(b), call(b)]; B.prototype.m = function () { return 'B2' }; r.push(call(b)); \
             delete B.prototype.m; r.push(call(b)); A.prototype.m = function () { return 'A2' }; r.push(call(b)); r.join()",
            "B,B,B2,A,A2",
        ),
        // a getter added on the prototype chain after the site cached a plain value
        (
            "var p = {v: 1}; var o = Object.create(p); function g(o) { return o.v } var r = [g(o), g(o)]; \
             Object.defineProperty(p, 'v', {get() { return 'getter' }}); r.push(g(o)); r.join()",
            "1,1,getter",
        ),
        // the receiver's prototype changed
        (
            "var p1 = {v: 'p1'}, p2 = {v: 'p2'}; var o = Object.create(p1); function g(o) { return o.v } var r = [g(o), g(o)]; \
             Object.setPrototypeOf(o, p2); r.push(g(o)); r.join()",
            "p1,p1,p2",
        ),
        // an intermediate prototype gains the key
        (
            "var top = {v: 'top'}; var mid = Object.create(top); var o = Object.create(mid); function g(o) { return o.v } \
             var r = [g(o), g(o)]; mid.v = 'mid'; r.push(g(o)); r.join()",
            "top,top,mid",
        ),
        // an inherited setter still runs for a write through a cached site
        (
            "var log = []; var p = {set v(x) { log.push(x) }}; function s(o, x) { o.v = x } var o = Object.create(p); \
             s(o, 1); s(o, 2); log.join() + ',' + Object.keys(o).length",
            "1,2,0",
        ),
        // a read-only inherited property refuses the write
        (
            "var p = Object.defineProperty({}, 'v', {value: 1, writable: false}); function s(o, x) { o.v = x } \
             var o = Object.create(p); s(o, 5); s(o, 6); o.v + ',' + Object.keys(o).length",
            "1,0",
        ),
        // a site that adds a property (cached transition) meets a setter added later on the
        // prototype, a non-extensible receiver, and a read-only inherited property
        (
            "function Q(v) { this.a = 1; this.b = v } var r = []; for (var i = 0; i < 3; i++) r.push(new Q(i).b); \
             Object.defineProperty(Q.prototype, 'b', {set(v) { r.push('set' + v) }, configurable: true}); var q = new Q(9); \
             r.push(Object.keys(q).join('')); delete Q.prototype.b; r.push(new Q(5).b); r.join()",
            "0,1,2,set9,a,5",
        ),
        (
            "'use strict'; function add(o) { o.z = 1 } var r = []; for (var i = 0; i < 3; i++) { var o = {y: 0}; add(o); r.push(o.z) } \
             var f = Object.preventExtensions({y: 0}); try { add(f) } catch (e) { r.push(e.constructor.name) } \
             Object.defineProperty(Object.prototype, 'z', {value: 7, writable: false, configurable: true}); \
             var g = {y: 0}; try { add(g) } catch (e) { r.push(e.constructor.name) } delete Object.prototype.z; \
             r.push(Object.keys(g).join('')); r.join()",
            "1,1,1,TypeError,TypeError,y",
        ),
        // a proxy as prototype
        (
            "var p = new Proxy({}, {get(t, k) { return 'trap:' + String(k) }}); var o = Object.create(p); o.own = 1; \
             function g(o) { return o.v } g(o) + ',' + g(o) + ',' + o.own",
            "trap:v,trap:v,1",
        ),
    ]);
}

#[test]
fn shaped_objects_survive_collections() {
    // under GC stress every safe point collects: caches are invalidated and shapes moved or
    // kept by the collector while sites keep running
    check_with(
        &[
        (
            "function P(x, y) { this.x = x; this.y = y } P.prototype.sum = function () { return this.x + this.y }; \
             var s = 0; for (var i = 0; i < 50; i++) { var p = new P(i, 1); s += p.sum(); if (i % 7 == 0) delete p.y } s",
            "1275",
        ),
        // the key of `o.k = f()` is an atom no other cell holds yet: a collection while the
        // value is computed must not free it (the atom table holds atoms weakly)
        ("function v() { return 1 } var o = {}; o.freshKeyOfAnAssignment = v(); Object.keys(o).join() + o.freshKeyOfAnAssignment", "freshKeyOfAnAssignment1"),
        ],
        true,
    );
}
