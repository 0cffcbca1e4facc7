//! Map, Set, WeakMap and WeakSet through the engine: behaviour, printing, collection at every
//! safe point, weak semantics (ephemerons) and persistence across reopen.

use js::Runtime;

mod common;
use common::*;

const BEHAVIOUR: &[(&str, &str)] = &[
    // basics and SameValueZero
    ("var m = new Map(); m.set('a', 1).set('b', 2); [m.size, m.get('a'), m.get('b'), m.get('c'), m.has('a'), m.has('c')].join()", "2,1,2,,true,false"),
    ("var m = new Map([[NaN, 'nan'], [-0, 'zero']]); [m.get(NaN), m.get(0), m.get(-0), m.has(+0)].join()", "nan,zero,zero,true"),
    ("var m = new Map([[-0, 1]]); Object.is([...m.keys()][0], 0)", "true"),
    ("var s = new Set([-0]); Object.is([...s][0], 0) && s.has(-0) && s.has(0)", "true"),
    ("var m = new Map(); var a = 'a'; m.set(a + 'b', 1); m.set('ab', 2); [m.size, m.get('ab'), m.get(a + 'b')].join()", "1,2,2"),
    ("var m = new Map(); m.set(1, 'n'); m.set('1', 's'); m.set(true, 't'); m.set(null, 'l'); m.set(undefined, 'u'); [m.size, m.get(1), m.get('1'), m.get(true), m.get(null), m.get(undefined)].join()", "5,n,s,t,l,u"),
    ("var o = {}, p = {}; var m = new Map([[o, 1]]); [m.get(o), m.get(p), m.get({})].join()", "1,,"),
    ("var sy = Symbol('k'); var m = new Map([[sy, 3]]); m.get(sy)", "3"),
    ("var m = new Map([[1, 'a']]); m.set(1, 'b'); [m.size, m.get(1)].join()", "1,b"),
    // insertion order, deletion, re-insertion
    ("var m = new Map([['x', 1], ['y', 2], ['z', 3]]); m.delete('y'); m.set('y', 4); m.set('x', 5); JSON.stringify([...m])", "[[\"x\",5],[\"z\",3],[\"y\",4]]"),
    ("var m = new Map([[1, 1]]); [m.delete(1), m.delete(1), m.size].join()", "true,false,0"),
    ("var s = new Set(['h', 'e', 'l', 'l', 'o']); [...s].join('')", "helo"),
    ("var s = new Set([3, 1, 3, 2, 1]); [s.size, ...s.keys(), ...s.values()].join()", "3,3,1,2,3,1,2"),
    ("JSON.stringify([...new Set(['a', 'b']).entries()])", "[[\"a\",\"a\"],[\"b\",\"b\"]]"),
    ("var m = new Map([[1, 'a'], [2, 'b']]); m.clear(); [m.size, m.has(1), [...m].length].join()", "0,false,0"),
    // growth and compaction (bigger cases in LARGE)
    ("var m = new Map(); for (var i = 0; i < 300; i++) m.set({ i: i }, 'v' + i); var n = 0; m.forEach(function (v, k) { if (v === 'v' + k.i) n++; if (k.i % 2) m.delete(k); }); [n, m.size].join()", "300,150"),
    // iteration while mutating
    ("var m = new Map(); for (var i = 0; i < 1000; i++) m.set(i, i); var seen = []; for (var [k] of m) { seen.push(k); if (k === 0) for (var j = 0; j < 991; j++) m.delete(j); } seen.join()", "0,991,992,993,994,995,996,997,998,999"),
    ("var s = new Set(); for (var i = 0; i < 1000; i++) s.add(i); var seen = []; s.forEach(function (v) { seen.push(v); if (v === 5) { for (var j = 0; j < 995; j++) s.delete(j); for (var j = 0; j < 3; j++) s.add('n' + j); } }); seen.join()", "0,1,2,3,4,5,995,996,997,998,999,n0,n1,n2"),
    ("var m = new Map([[1, 1], [2, 2], [3, 3]]); var seen = []; for (var [k] of m) { seen.push(k); if (k === 1) { m.delete(2); m.set(4, 4); } } seen.join()", "1,3,4"),
    ("var s = new Set([1, 2, 3]); var seen = []; s.forEach(function (v) { seen.push(v); if (seen.length === 1) { s.delete(1); s.add(1); } if (seen.length > 10) throw 0; }); seen.join()", "1,2,3,1"),
    ("var s = new Set([1, 2]); var seen = []; for (var v of s) { seen.push(v); if (v === 1) { s.clear(); s.add(5); s.add(6); } } seen.join()", "1,5,6"),
    ("var s = new Set([0]); var seen = []; for (var v of s) { seen.push(v); if (v < 200) s.add(v + 1); s.delete(v); } [seen.length, seen[200], s.size].join()", "201,200,0"),
    ("var m = new Map([['a', 1]]); var it = m.values(); for (var i = 0; i < 100; i++) m.set(i, i); m.delete('a'); var n = 0; for (var x of it) n++; n", "100"),
    ("var m = new Map([['a', 1]]); var it = m.keys(); m.clear(); m.set('b', 2); for (var i = 0; i < 50; i++) m.set(i, i); it.next().value", "b"),
    ("var s = new Set([1]); var it = s.values(); it.next(); it.next(); s.add(2); JSON.stringify(it.next())", "{\"done\":true}"),
    ("var m = new Map([[1, 'a']]); var it = m[Symbol.iterator](); JSON.stringify([it.next(), it.next()])", "[{\"value\":[1,\"a\"],\"done\":false},{\"done\":true}]"),
    ("var m = new Map([[1, 'a'], [2, 'b']]); var r = []; m.forEach(function (v, k, mm) { r.push(k + v + (mm === m) + this.t); }, { t: '!' }); r.join()", "1atrue!,2btrue!"),
    // the API's shape
    ("Map.prototype[Symbol.iterator] === Map.prototype.entries && Set.prototype.keys === Set.prototype.values && Set.prototype[Symbol.iterator] === Set.prototype.values", "true"),
    ("Map[Symbol.species] === Map && Object.getOwnPropertyDescriptor(Map.prototype, 'size').get.name", "get size"),
    ("Object.prototype.toString.call(new Map()) + Object.prototype.toString.call(new Set().values()) + Object.prototype.toString.call(new WeakSet())", "[object Map][object Set Iterator][object WeakSet]"),
    ("Object.getPrototypeOf(Object.getPrototypeOf(new Map().keys())) === Object.getPrototypeOf(Object.getPrototypeOf([][Symbol.iterator]()))", "true"),
    ("[Map.length, Set.length, WeakMap.length, WeakSet.length, Map.prototype.set.length, Set.prototype.add.length].join()", "0,0,0,0,2,1"),
    // constructors
    ("Map()", "TypeError: Constructor Map requires 'new'"),
    ("new Map([1])", "TypeError: Iterator value 1 is not an entry object"),
    ("Map.prototype.get.call(new Set(), 1)", "TypeError: Method Map.prototype.get called on incompatible receiver #<Set>"),
    ("Map.prototype.has.call({}, 1)", "TypeError: Method Map.prototype.has called on incompatible receiver #<Object>"),
    ("new Set().forEach(1)", "TypeError: 1 is not a function"),
    ("var calls = []; class M extends Map { set(k, v) { calls.push(k); return super.set(k, v * 10); } } var m = new M([[1, 2], [3, 4]]); [m instanceof M, m instanceof Map, m.get(3), calls.join('')].join()", "true,true,40,13"),
    ("var closed = 0; var it = { [Symbol.iterator]() { return { next() { return { value: 1, done: false }; }, return() { closed++; return {}; } }; } }; try { new Map(it); } catch (e) { closed + e.constructor.name }", "1TypeError"),
    ("var closed = 0; var it = { [Symbol.iterator]() { return { next() { return { value: 1, done: false }; }, return() { closed++; throw 'no'; } }; } }; var add = Set.prototype.add; Set.prototype.add = function () { throw 'add'; }; var r; try { new Set(it); } catch (e) { r = closed + e; } Set.prototype.add = add; r", "1add"),
    ("var add = Set.prototype.add; delete Set.prototype.add; var r; try { new Set([1]); } catch (e) { r = e.message; } Set.prototype.add = add; r", "'undefined' returned for property 'add' of object '#<Set>' is not a function"),
    ("var wm = new WeakMap(); var k = {}; wm.set(k, 1); [wm.get(k), wm.has(k), wm.has({}), wm.get(1), wm.delete(k), wm.has(k), wm.delete(1)].join()", "1,true,false,,true,false,false"),
    ("new WeakMap().set(1, 1)", "TypeError: Invalid value used as weak map key"),
    ("new WeakSet().add('s')", "TypeError: Invalid value used in weak set"),
    ("var a = {}, b = function () {}; var ws = new WeakSet([a, b]); [ws.has(a), ws.has(b), ws.has({}), ws.delete(a), ws.has(a)].join()", "true,true,false,true,false"),
    ("new WeakMap([[1, 2]])", "TypeError: Invalid value used as weak map key"),
    ("var sy = Symbol('weak'); var wm = new WeakMap([[sy, 1]]); [wm.get(sy), wm.has(Symbol('weak')), new WeakSet([Symbol.iterator]).has(Symbol.iterator)].join()", "1,false,true"),
    ("new WeakMap().set(Symbol.for('registered'), 1)", "TypeError: Invalid value used as weak map key"),
    ("[new WeakMap().has(Symbol.for('registered')), new WeakSet().delete(Symbol.for('registered'))].join()", "false,false"),
    // printing, as node does
    ("new Map([['a', 1], ['b', { x: 1 }]])", "Map(2) { 'a' => 1, 'b' => { x: 1 } }"),
    ("new Set([1, 2, 3])", "Set(3) { 1, 2, 3 }"),
    ("new Map()", "Map(0) {}"),
    ("new Set()", "Set(0) {}"),
    ("new WeakMap()", "WeakMap { <items unknown> }"),
    ("new WeakSet([{}])", "WeakSet { <items unknown> }"),
    ("class M2 extends Map {}; new M2([[1, 2]])", "M2(1) [Map] { 1 => 2 }"),
    ("var m = new Map([['a', 1]]); m.set('self', m); m", "Map(2) { 'a' => 1, 'self' => [Circular *1] }"),
    ("({ m: new Map([[1, 2]]), s: new Set(['x']) })", "{ m: Map(1) { 1 => 2 }, s: Set(1) { 'x' } }"),
    ("new Map([['a', 1]]).entries()", "[Map Entries] { [ 'a', 1 ] }"),
    ("new Map([['a', 1]]).keys()", "[Map Iterator] { 'a' }"),
    ("new Set([1]).entries()", "[Set Entries] { [ 1, 1 ] }"),
    ("new Set([1]).values()", "[Set Iterator] { 1 }"),
    ("new Map([['aaaaaaaaaaaaaaaaaaaa', 1], ['bbbbbbbbbbbbbbbbbbbbbbbbb', 2], ['cccccccccccccccccccccc', 3]])", "Map(3) {\n  'aaaaaaaaaaaaaaaaaaaa' => 1,\n  'bbbbbbbbbbbbbbbbbbbbbbbbb' => 2,\n  'cccccccccccccccccccccc' => 3\n}"),
    ("Object.setPrototypeOf(new Map([[1, 2]]), null)", "[Map(1): null prototype] { 1 => 2 }"),
];

/// Many entries: growth, compaction, shrinking (too slow for collection at every safe point).
const LARGE: &[(&str, &str)] = &[
    ("var m = new Map(); for (var i = 0; i < 5000; i++) m.set('k' + i, i); for (var i = 0; i < 5000; i += 2) m.delete('k' + i); var ok = m.size === 2500; for (var i = 0; i < 5000; i++) if (m.has('k' + i) !== (i % 2 === 1) || (i % 2 && m.get('k' + i) !== i)) ok = false; ok", "true"),
    ("var s = new Set(); for (var i = 0; i < 3000; i++) s.add(i); for (var i = 0; i < 2990; i++) s.delete(i); [s.size, ...s].join()", "10,2990,2991,2992,2993,2994,2995,2996,2997,2998,2999"),
    ("var s = new Set(); for (var r = 0; r < 50; r++) { for (var i = 0; i < 100; i++) s.add(i); for (var i = 0; i < 100; i++) s.delete(i); } s.add('last'); [s.size, ...s].join()", "1,last"),
];

#[test]
fn behaviour() {
    check_with(BEHAVIOUR, false);
    check_with(LARGE, false);
}

#[test]
fn behaviour_with_collection_at_every_safe_point() {
    check_with(BEHAVIOUR, true);
}

/// Weak semantics: entries of unreachable keys go away; values reachable only through a live
/// key stay; a key reachable only from its own value (or from another dead key's value) dies.
#[test]
fn weak_maps_do_not_keep_their_keys_alive() {
    big_stack(|| {
        let mut rt = Runtime::ephemeral().unwrap();
        let count = |rt: &mut Runtime, expr: &str| -> usize {
            let v = rt.eval_script(expr, false).unwrap();
            js::builtins::collections::entry_count(rt.vm(), v).expect("a collection")
        };
        let r = ev(
            &mut rt,
            "var wm = new WeakMap(), ws = new WeakSet(), kept = [];
             (function () {
               for (var i = 0; i < 2000; i++) {
                 var k = { i: i };
                 // the value refers to its own key: still collectable (ephemeron)
                 wm.set(k, { key: k, payload: [i, i + 1, i + 2, i + 3, i + 4, i + 5, i + 6, i + 7] });
                 ws.add(k);
                 if (i % 100 === 0) kept.push(k);
               }
             })();
             // a chain: k2 is reachable only through the value of k1
             var k1 = {}; (function () { var k2 = {}; wm.set(k1, k2); wm.set(k2, 'second'); })();
             // a dead chain
             (function () { var d1 = {}, d2 = {}; wm.set(d1, d2); wm.set(d2, d1); })();",
        );
        assert_eq!(r, "undefined");
        assert_eq!(count(&mut rt, "wm"), 2004);
        assert_eq!(count(&mut rt, "ws"), 2000);
        let (_, live_before) = rt.collect();
        assert_eq!(count(&mut rt, "wm"), 20 + 2, "only the kept keys and the k1 -> k2 chain stay");
        assert_eq!(count(&mut rt, "ws"), 20);
        assert_eq!(ev(&mut rt, "(function () { var ok = kept.length === 20; for (var k of kept) ok = ok && wm.get(k).key === k && wm.get(k).payload[7] === k.i + 7 && ws.has(k); return ok; })()"), "true");
        assert_eq!(ev(&mut rt, "wm.get(wm.get(k1))"), "second");
        // dropping the last strong references frees the rest
        ev(&mut rt, "kept = null; k1 = null;");
        let (_, live_after) = rt.collect();
        assert_eq!(count(&mut rt, "wm"), 0);
        assert_eq!(count(&mut rt, "ws"), 0);
        assert!(live_after < live_before, "live bytes {live_before} -> {live_after}");
        // a WeakMap keeps working after its entries were cleared (dead entries are compacted)
        assert_eq!(ev(&mut rt, "var o = {}; for (var i = 0; i < 100; i++) wm.set({}, i); wm.set(o, 'o'); wm.get(o)"), "o");
        rt.collect();
        assert_eq!(count(&mut rt, "wm"), 1);
        // a long chain through one WeakMap, links inserted tail first (each link is found
        // live only after the previous one): marking stays linear
        let r = ev(
            &mut rt,
            "var nodes = []; for (var i = 0; i < 20000; i++) nodes.push({ i: i });
             var chain = new WeakMap(); for (var i = 19998; i >= 0; i--) chain.set(nodes[i], nodes[i + 1]);
             var head = nodes[0]; nodes = null;",
        );
        assert_eq!(r, "null");
        rt.collect();
        assert_eq!(count(&mut rt, "chain"), 19999);
        assert_eq!(ev(&mut rt, "var n = 0; for (var c = head; chain.has(c); c = chain.get(c)) n++; n + ',' + c.i"), "19999,19999");
        ev(&mut rt, "head = null; c = null;");
        rt.collect();
        assert_eq!(count(&mut rt, "chain"), 0);
        // unregistered symbols are weak keys too
        ev(&mut rt, "var sw = new WeakMap(), keep = Symbol('keep'); sw.set(keep, 1); (function () { for (var i = 0; i < 10; i++) sw.set(Symbol(), {}); })();");
        assert_eq!(count(&mut rt, "sw"), 11);
        rt.collect();
        assert_eq!(count(&mut rt, "sw"), 1);
        // a Map, by contrast, keeps its keys
        ev(&mut rt, "var sm = new Map(); (function () { for (var i = 0; i < 50; i++) sm.set({}, i); })();");
        rt.collect();
        assert_eq!(count(&mut rt, "sm"), 50);
    });
}

#[test]
fn weak_maps_under_collection_at_every_safe_point() {
    big_stack(|| {
        let mut rt = Runtime::ephemeral().unwrap();
        rt.set_gc_stress(true);
        let r = ev(
            &mut rt,
            "var wm = new WeakMap(), keys = [];
             for (var i = 0; i < 300; i++) { var k = {}; if (i % 3 === 0) keys.push(k); wm.set(k, [i, { k: k }]); }
             var ok = true; for (var j = 0; j < keys.length; j++) ok = ok && wm.get(keys[j])[0] === j * 3 && wm.get(keys[j])[1].k === keys[j];
             var chain = {}; var c = chain; for (var i = 0; i < 50; i++) { var n = {}; wm.set(c, n); c = n; }
             var len = 0; for (c = chain; wm.has(c); c = wm.get(c)) len++;
             ok + ',' + len",
        );
        assert_eq!(r, "true,50");
    });
}

#[test]
fn collections_survive_reopen() {
    big_stack(|| {
        let d = Dir::new("persist");
        {
            let (mut rt, _) = Runtime::open(&d.0).unwrap();
            turn(&mut rt, "var m = new Map([['one', 1], ['two', 2], ['three', 3]]); var key = { id: 7 }; m.set(key, 'object key');");
            turn(&mut rt, "m.delete('two'); m.set('four', 4); m.set(NaN, 'nan');");
            turn(&mut rt, "var s = new Set(); for (var i = 0; i < 1000; i++) s.add('v' + i); for (var i = 0; i < 1000; i++) if (i % 3) s.delete('v' + i);");
            turn(&mut rt, "var it = m.keys(); it.next();");
            turn(&mut rt, "var wk = {}; var wm = new WeakMap([[wk, 'weak value']]); var ws = new WeakSet([wk]);");
            // a failed turn leaves no trace in a collection
            assert!(rt.eval_turn("m.set('lost', 1); s.clear(); throw new Error('x')").is_err());
        }
        let (mut rt, _) = Runtime::open(&d.0).unwrap();
        assert_eq!(turn(&mut rt, "m").as_deref(), Some("Map(5) {\n  'one' => 1,\n  'three' => 3,\n  { id: 7 } => 'object key',\n  'four' => 4,\n  NaN => 'nan'\n}"));
        assert_eq!(turn(&mut rt, "[m.get(key), m.get(NaN), m.has('two'), m.has('lost'), m.size].join()").as_deref(), Some("'object key,nan,false,false,5'"));
        assert_eq!(turn(&mut rt, "[s.size, [...s].slice(0, 3).join(' '), s.has('v999'), s.has('v998')].join()").as_deref(), Some("'334,v0 v3 v6,true,false'"));
        // an iterator created before the restart continues where it was
        assert_eq!(turn(&mut rt, "it.next().value").as_deref(), Some("'three'"));
        assert_eq!(turn(&mut rt, "[wm.get(wk), ws.has(wk)].join()").as_deref(), Some("'weak value,true'"));
        // keep working on the restored collections, and collect
        turn(&mut rt, "for (var i = 0; i < 100; i++) m.set(i, i); m.delete('one');");
        rt.collect();
        assert_eq!(turn(&mut rt, "[m.size, m.get(99), it.next().value, it.next().value].join()").as_deref(), Some("'104,99,[object Object],four'"));
        drop(rt);
        let (mut rt, _) = Runtime::open(&d.0).unwrap();
        assert_eq!(turn(&mut rt, "[m.size, [...m.keys()].slice(0, 4).join()].join(';')").as_deref(), Some("'104;three,[object Object],four,NaN'"));
        assert_eq!(turn(&mut rt, "wk = null; 1").as_deref(), Some("1"));
        rt.collect();
        let v = rt.eval_script("wm", false).unwrap();
        assert_eq!(js::builtins::collections::entry_count(rt.vm(), v), Some(0));
    });
}
