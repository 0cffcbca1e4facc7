//! The generational collector: minor collections free young garbage, keep everything old
//! cells point to (through the written-pages remembered set, across turns and commits), and
//! cost what is young, not what is old.

mod common;
use common::{big_stack, turn, Dir};
use js::Runtime;

/// A program that keeps mutating a graph of old and new objects over many turns: new nodes
/// hang from old ones, old links are dropped, weak maps key on both, closures capture nodes.
/// Each turn returns a checksum over everything reachable.
const GRAPH_SETUP: &str = r#"
    var seed = 7, nodes = [], weak = new WeakMap(), strong = new Map(), fns = [];
    function rnd(n) { seed = (seed * 1103515245 + 12345) % 2147483648; return seed % n; }
    function Node(v) { this.v = v; this.kids = []; this.tag = 'n' + v; }
    for (var i = 0; i < 200; i++) nodes.push(new Node(i));
    function step(t) {
        for (var k = 0; k < 300; k++) {
            var op = rnd(7), a = nodes[rnd(nodes.length)];
            if (op === 0) { var n = new Node(t * 1000 + k); a.kids.push(n); if (rnd(3) === 0) nodes.push(n); }
            else if (op === 1) { a.kids.length = a.kids.length >> 1; }
            else if (op === 2) { var o = { x: a, s: 'w' + k }; weak.set(rnd(2) ? a : o, o.s); }
            else if (op === 3) { strong.set(k % 50, [a.tag, { deep: { deeper: 'd' + t } }]); }
            else if (op === 4) { var c = a; fns[k % 30] = function () { return c.v; }; }
            else if (op === 5) { a.other = nodes[rnd(nodes.length)]; }
            else { nodes[rnd(nodes.length)] = new Node(-k); }
        }
    }
    function sum() {
        var s = 0, seen = new Set(), stack = nodes.slice();
        while (stack.length) {
            var n = stack.pop();
            if (seen.has(n)) continue;
            seen.add(n);
            s = (s * 31 + n.v + n.tag.length + (weak.has(n) ? weak.get(n).length : 0)) % 1000000007;
            for (var j = 0; j < n.kids.length; j++) stack.push(n.kids[j]);
            if (n.other) stack.push(n.other);
        }
        strong.forEach(function (v, k) { s = (s + k + v[0].length + v[1].deep.deeper.length) % 1000000007; });
        fns.forEach(function (f) { s = (s + f()) % 1000000007; });
        return s + ':' + seen.size;
    }
"#;

fn graph_run(rt: &mut Runtime, turns: usize) -> Vec<String> {
    turn(rt, GRAPH_SETUP);
    (0..turns).map(|t| turn(rt, &format!("step({t}); sum()")).unwrap()).collect()
}

#[test]
fn collecting_at_every_safe_point_across_committed_turns_changes_nothing() {
    big_stack(|| {
        let turns = if cfg!(debug_assertions) { 6 } else { 25 };
        let d = Dir::new("gc-graph-plain");
        let (mut plain, _) = Runtime::open(&d.0).unwrap();
        let expect = graph_run(&mut plain, turns);
        let d2 = Dir::new("gc-graph-stress");
        let (mut stressed, _) = Runtime::open(&d2.0).unwrap();
        stressed.set_gc_stress(true);
        let got = graph_run(&mut stressed, turns);
        assert_eq!(got, expect);
        let vm = stressed.vm();
        assert!(vm.gc_minor_count > 100 && vm.gc_count > vm.gc_minor_count + vm.gc_incremental_count);
        assert!(vm.gc_incremental_count > 10, "incremental full collections finished: {}", vm.gc_incremental_count);
        // and what was committed reads back the same in a new process's view of the heap
        drop(stressed);
        let (mut again, _) = Runtime::open(&d2.0).unwrap();
        assert_eq!(turn(&mut again, "sum()").as_ref(), expect.last());
    });
}

#[test]
fn minor_collections_between_turns_keep_what_old_objects_point_to() {
    big_stack(|| {
        let d = Dir::new("gc-minor-turns");
        let (mut rt, _) = Runtime::open(&d.0).unwrap();
        turn(&mut rt, "var old = { a: null, b: null }; var wm = new WeakMap();");
        rt.collect();
        // an old object gets a young child; the minor collection keeps it (remembered set)
        turn(&mut rt, "old.a = { v: 'first' }; var tmp = []; for (var i = 0; i < 1000; i++) tmp.push({ i }); tmp = null;");
        let (freed, _) = rt.collect_minor();
        assert!(freed >= 1000, "the young garbage is freed: {freed}");
        // a turn that writes nothing: the child is a survivor now, still pointed to only by
        // an old cell whose page was written before the last collection
        turn(&mut rt, "1");
        rt.collect_minor();
        turn(&mut rt, "2");
        rt.collect_minor();
        assert_eq!(turn(&mut rt, "old.a.v").as_deref(), Some("'first'"));
        // young keys of an old weak map: a dead key's entry goes, a live one's stays
        turn(&mut rt, "old.b = {}; wm.set(old.b, 'kept'); wm.set({}, 'dropped'); var k2 = {}; wm.set(k2, 'kept too');");
        rt.collect_minor();
        rt.collect_minor();
        assert_eq!(turn(&mut rt, "[wm.get(old.b), wm.get(k2)].join()").as_deref(), Some("'kept,kept too'"));
        // allocate over the freed cells: the kept objects are intact
        turn(&mut rt, "var junk = []; for (var i = 0; i < 5000; i++) junk.push({ s: 'x' + i });");
        rt.collect_minor();
        rt.collect();
        assert_eq!(turn(&mut rt, "old.a.v + old.b.constructor.name + junk[4999].s").as_deref(), Some("'firstObjectx4999'"));
        drop(rt);
        let (mut rt, _) = Runtime::open(&d.0).unwrap();
        assert_eq!(turn(&mut rt, "old.a.v + wm.get(k2) + junk.length").as_deref(), Some("'firstkept too5000'"));
    });
}

/// Builds `n` old records, then runs one small turn (one write into an old record, 4,000
/// short-lived cells) and a minor collection; returns the cells the full collection and the
/// minor one visited.
fn visits(n: usize) -> (u64, u64) {
    let d = Dir::new(&format!("gc-minor-cost-{n}"));
    let (mut rt, _) = Runtime::open(&d.0).unwrap();
    turn(&mut rt, &format!("var db = []; for (var i = 0; i < {n}; i++) db.push({{ id: i, name: 'item' + i, tags: ['a', 'b'] }});"));
    rt.collect();
    let full = rt.vm().cells.visited;
    turn(&mut rt, "db[77].name = 'changed' + 1; var t = 0; for (var i = 0; i < 2000; i++) t += [i, { i }].length;");
    let (freed, _) = rt.collect_minor();
    let minor = rt.vm().cells.visited;
    assert!(freed >= 4000, "the turn's garbage is freed: {freed}");
    assert_eq!(turn(&mut rt, "db[77].name + db[76].name").as_deref(), Some("'changed1item76'"));
    (full, minor)
}

#[test]
fn a_minor_collection_costs_the_young_cells_not_the_old_ones() {
    big_stack(|| {
        let n = 40_000;
        let (full_small, minor_small) = visits(n);
        let (full_big, minor_big) = visits(5 * n);
        eprintln!("visited: full {full_small} -> {full_big}, minor {minor_small} -> {minor_big}");
        assert!(full_small as usize >= 3 * n && full_big > 4 * full_small, "a full collection visits every live cell");
        assert!(minor_big < 2 * minor_small + 1_000, "a minor collection visited {minor_small} cells at {n} records, {minor_big} at five times as many");
        assert!(minor_big < full_big / 10);
    });
}

#[test]
fn survivors_are_promoted_and_a_full_collection_frees_old_garbage() {
    big_stack(|| {
        let d = Dir::new("gc-promote");
        let (mut rt, _) = Runtime::open(&d.0).unwrap();
        turn(&mut rt, "var keep = []; for (var i = 0; i < 3000; i++) keep.push({ i });");
        rt.collect_minor();
        rt.collect_minor();
        // promoted now: dropping them leaves old garbage that minor collections do not see
        turn(&mut rt, "keep = null;");
        let (freed, _) = rt.collect_minor();
        assert!(freed < 100, "minor freed {freed}");
        let (freed, _) = rt.collect();
        assert!(freed >= 3000, "full freed {freed}");
    });
}
