//! The interpreter on a real heap: persistence across reopen, rollback of failed turns,
//! collection (steady state, a turn bigger than memory would allow without it), the
//! collector's root discipline under collection at every safe point, version checks.

use js::Runtime;

mod common;
use common::*;

#[test]
fn objects_closures_classes_and_cycles_survive_reopen() {
    big_stack(|| {
        let d = Dir::new("persist");
        {
            let (mut rt, _) = Runtime::open(&d.0).unwrap();
            turn(&mut rt, "var counter = (function () { var n = 0; return function () { return ++n; }; })();");
            turn(&mut rt, "class P { constructor(x) { this.x = x } twice() { return this.x * 2 } }");
            turn(&mut rt, "var o = { list: [1, 2, 3], p: new P(21) }; o.self = o; counter(); counter();");
            turn(&mut rt, "var s = 'persist' + 'ent';");
        }
        let (mut rt, opened) = Runtime::open(&d.0).unwrap();
        assert_eq!(opened, ken::Opened::Recovered { fell_back: false });
        assert_eq!(turn(&mut rt, "counter()").as_deref(), Some("3"));
        assert_eq!(turn(&mut rt, "o.p.twice() + o.list.length").as_deref(), Some("45"));
        assert_eq!(turn(&mut rt, "o.self === o && o.self.self.list[2] === 3").as_deref(), Some("true"));
        assert_eq!(turn(&mut rt, "s").as_deref(), Some("'persistent'"));
        assert_eq!(turn(&mut rt, "new P(1) instanceof P").as_deref(), Some("true"));
        // the source text of a function is kept exactly
        assert_eq!(turn(&mut rt, "P.prototype.twice.toString()").as_deref(), Some("'twice() { return this.x * 2 }'"));
    });
}

#[test]
fn an_uncaught_exception_rolls_the_turn_back() {
    big_stack(|| {
        let d = Dir::new("rollback");
        let (mut rt, _) = Runtime::open(&d.0).unwrap();
        turn(&mut rt, "var a = [1]; var k = 0;");
        let e = rt.eval_turn("a.push(2); k = 5; print('lost'); null.f();").unwrap_err();
        assert_eq!(e.name, "TypeError");
        assert!(e.message.contains("Cannot read properties of null"), "{}", e.message);
        assert!(rt.take_output().is_empty(), "output of a rolled-back turn must not be released");
        assert_eq!(turn(&mut rt, "a.length + ',' + k").as_deref(), Some("'1,0'"));
        drop(rt);
        let (mut rt, _) = Runtime::open(&d.0).unwrap();
        assert_eq!(turn(&mut rt, "a.length + ',' + k").as_deref(), Some("'1,0'"));
    });
}

#[test]
fn an_interrupted_turn_is_rolled_back() {
    big_stack(|| {
        let d = Dir::new("interrupt");
        let (mut rt, _) = Runtime::open(&d.0).unwrap();
        turn(&mut rt, "var x = 1;");
        let h = rt.interrupt_handle();
        let t = std::thread::spawn(move || {
            std::thread::sleep(std::time::Duration::from_millis(200));
            h.interrupt();
        });
        let e = rt.eval_turn("x = 2; while (true) {}").unwrap_err();
        t.join().unwrap();
        assert!(e.message.contains("interrupted"), "{e}");
        assert_eq!(turn(&mut rt, "x").as_deref(), Some("1"));
    });
}

#[test]
fn deep_recursion_is_a_range_error() {
    big_stack(|| {
        let mut rt = Runtime::ephemeral().unwrap();
        let e = rt.eval_script("function f(n) { return f(n + 1) + 1; } f(0);", false).unwrap_err();
        assert_eq!(e.name, "RangeError", "{e}");
        // and the runtime still works afterwards
        rt.eval_script("var ok = 1 + 1;", false).unwrap();
    });
}

#[test]
fn steady_churn_keeps_the_heap_flat() {
    big_stack(|| {
        let d = Dir::new("churn");
        let (mut rt, _) = Runtime::open(&d.0).unwrap();
        turn(&mut rt, "var keep = [];");
        let churn = "var tmp = []; for (var i = 0; i < 2000; i++) tmp.push({ i: i, s: 'x' + i }); keep[0] = tmp.length;";
        let mut at40 = 0;
        for t in 1..=400 {
            turn(&mut rt, churn);
            if t == 40 {
                at40 = rt.stats().heap_bytes;
            }
        }
        let end = rt.stats().heap_bytes;
        eprintln!("steady churn: heap {at40} bytes at turn 40, {end} at turn 400 ({:.2}x)", end as f64 / at40 as f64);
        assert!(end as f64 <= at40 as f64 * 1.5, "heap grew from {at40} at turn 40 to {end} at turn 400");
    });
}

#[test]
fn a_turn_allocating_far_more_than_it_keeps_completes() {
    big_stack(|| {
        let d = Dir::new("bigturn");
        let (mut rt, _) = Runtime::open(&d.0).unwrap();
        let n = if cfg!(debug_assertions) { 300_000 } else { 3_000_000 };
        let src = format!("var last; for (var i = 0; i < {n}; i++) {{ last = {{ i: i, next: last && last.i }}; }} last.i");
        assert_eq!(turn(&mut rt, &src), Some((n - 1).to_string()));
        let file = std::fs::metadata(d.0.join("heap.ken")).unwrap().len();
        eprintln!("{n} short-lived objects in one turn: state on disk {} MiB, live {} KiB", file >> 20, rt.stats().live_bytes >> 10);
        assert!(file < 1 << 30, "state on disk is {file} bytes");
        // in-turn collection ran: far fewer bytes live than were allocated
        assert!(rt.stats().live_bytes < 200 << 20, "live bytes {}", rt.stats().live_bytes);
    });
}

#[test]
fn collecting_at_every_safe_point_changes_nothing() {
    big_stack(|| {
        let src = r#"
            function Node(v, next) { this.v = v; this.next = next; }
            var list = null;
            for (var i = 0; i < 50; i++) list = new Node(i, list);
            var sum = 0; for (var n = list; n; n = n.next) sum += n.v;
            class A { constructor(x) { this.x = [x, { y: 'k' + x }]; } get y() { return this.x[1].y; } }
            var objs = []; for (var j = 0; j < 20; j++) objs.push(new A(j));
            var s = ''; for (const o of objs) s += o.y;
            var { a, b: [c, ...rest] } = { a: 1, b: [2, 3, 4] };
            var t = `${sum}:${s.length}:${a + c + rest.length}`;
            try { null.x } catch (e) { t += ':' + e.constructor.name; }
            t
        "#;
        let mut plain = Runtime::ephemeral().unwrap();
        let expect = plain.eval_script(src, false).unwrap();
        let expect = js::display::inspect(plain.vm(), expect).unwrap();
        let mut stressed = Runtime::ephemeral().unwrap();
        stressed.set_gc_stress(true);
        let got = stressed.eval_script(src, false).unwrap();
        let got = js::display::inspect(stressed.vm(), got).unwrap();
        assert_eq!(got, expect);
        assert_eq!(expect, "'1225:50:5:TypeError'");
    });
}

#[test]
fn a_heap_from_another_layout_is_refused() {
    big_stack(|| {
        let d = Dir::new("layout");
        {
            let (mut rt, _) = Runtime::open(&d.0).unwrap();
            turn(&mut rt, "var x = 1;");
        }
        // damage the realm's layout number in place, as a different build would have written it
        {
            let (mut heap, _) = ken::Heap::open(&d.0, ken::Options::default()).unwrap();
            let realm: ken::PPtr<js::vm::RealmMeta> = heap.named_root(js::vm::REALM_ROOT).unwrap();
            heap.get_mut(realm).layout += 1;
            heap.commit().unwrap();
        }
        let err = Runtime::open(&d.0).err().expect("must refuse");
        assert!(err.contains("incompatible build"), "{err}");
    });
}
