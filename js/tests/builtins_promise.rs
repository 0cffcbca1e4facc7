//! Promise and the job queue: reaction order (checked against node), unhandled rejections,
//! promises that outlive a restart, runaway and deep job chains, the Rust API.

use js::builtins::promise;
use js::{Runtime, Value};

mod common;
use common::*;

/// Interleaved chains, thenables, the constructor, catch/finally and the combinators. The
/// expected line is what `node` (v22) prints for this program.
const ORDER: &str = r#"
var log = [];
var p = Promise.resolve();
p.then(() => log.push("a1")).then(() => log.push("a2")).then(() => log.push("a3"));
p.then(() => log.push("b1")).then(() => log.push("b2"));
Promise.resolve().then(() => { log.push("c1"); return Promise.resolve("x"); }).then(v => log.push("c2" + v));
var thenable = { then(r) { log.push("thenable"); r(1); } };
Promise.resolve(thenable).then(v => log.push("t" + v));
new Promise(r => { log.push("exec"); r(); }).then(() => log.push("n1"));
Promise.reject(1).catch(e => log.push("catch" + e)).finally(() => log.push("fin"));
Promise.all([1, Promise.resolve(2), thenable]).then(v => log.push("all" + v));
Promise.race([Promise.resolve("r1"), "r2"]).then(v => log.push("race" + v));
Promise.allSettled([Promise.reject(3), 4]).then(v => log.push("settled" + JSON.stringify(v)));
Promise.any([Promise.reject(5), Promise.reject(6)]).catch(e => log.push("any" + e.constructor.name + e.errors));
log.push("sync");
log
"#;
const ORDER_NODE: &str = "exec sync a1 b1 c1 thenable n1 catch1 thenable a2 b2 t1 fin racer1 \
settled[{\"status\":\"rejected\",\"reason\":3},{\"status\":\"fulfilled\",\"value\":4}] anyAggregateError5,6 a3 all1,2,1 c2x";

fn order_text(stress: bool) -> String {
    big_stack(move || {
        let mut rt = Runtime::ephemeral().unwrap();
        rt.set_gc_stress(stress);
        ev(&mut rt, ORDER);
        ev(&mut rt, "log.join(' ')")
    })
}

#[test]
fn reactions_run_in_nodes_order() {
    assert_eq!(order_text(false), ORDER_NODE);
}

#[test]
fn reactions_keep_their_order_under_gc_stress() {
    assert_eq!(order_text(true), ORDER_NODE);
}

#[test]
fn semantics() {
    check(SEMANTICS);
}

#[test]
fn semantics_under_gc_stress() {
    check_with(SEMANTICS, true);
}

const SEMANTICS: &[(&str, &str)] = &[
        // the job queue runs after the script, before the turn ends
        ("var r = []; Promise.resolve(1).then(v => r.push(v)); r.push(0); r.join()", "0"),
        ("r.join()", "0,1"),
        ("var out; new Promise((res, rej) => { res(1); rej(2); res(3); }).then(v => out = v); 0", "0"),
        ("out", "1"),
        // an executor that throws rejects; after resolving, its throw is ignored
        ("var e1; new Promise(() => { throw new RangeError('x') }).catch(e => e1 = e.name); 0", "0"),
        ("e1", "RangeError"),
        ("var e2 = 'none'; new Promise(res => { res(5); throw 1 }).then(v => e2 = v, () => e2 = 'rejected'); 0", "0"),
        ("e2", "5"),
        // self-resolution is a TypeError
        ("var self; var sp = new Promise(r => self = r); self(sp); var se; sp.catch(e => se = e.constructor.name + ': ' + e.message); 0", "0"),
        ("se", "TypeError: Chaining cycle detected for promise #<Promise>"),
        // a thenable whose then getter throws rejects with that error
        ("var tg; Promise.resolve({ get then() { throw 'boom' } }).catch(e => tg = e); 0", "0"),
        ("tg", "boom"),
        // non-callable handlers pass values and reasons through
        ("var pt; Promise.resolve(7).then(1, 2).then(v => pt = v); Promise.reject(8).then(v => 0).catch(e => pt += e); 0", "0"),
        ("pt", "15"),
        // finally keeps the value, and a throwing onFinally replaces it
        ("var f1, f2; Promise.resolve(1).finally(() => 99).then(v => f1 = v); Promise.resolve(1).finally(() => { throw 'f' }).catch(e => f2 = e); 0", "0"),
        ("f1 + f2", "1f"),
        // statics
        ("var pr = Promise.resolve(1); Promise.resolve(pr) === pr", "true"),
        ("Promise.all([]) instanceof Promise", "true"),
        ("var pa; Promise.all([Promise.resolve(1), 2, { then(r) { r(3) } }]).then(v => pa = v); 0", "0"),
        ("pa", "[ 1, 2, 3 ]"),
        ("var pe; Promise.all([1, Promise.reject('no'), 3]).catch(e => pe = e); 0", "0"),
        ("pe", "no"),
        ("var an; Promise.any([]).catch(e => an = [e instanceof AggregateError, e.errors.length, e.message]); 0", "0"),
        ("an", "[ true, 0, 'All promises were rejected' ]"),
        ("var rc; Promise.race([new Promise(() => {}), Promise.resolve('fast')]).then(v => rc = v); 0", "0"),
        ("rc", "fast"),
        ("var wr = Promise.withResolvers(); wr.resolve(4); var wv; wr.promise.then(v => wv = v); 0", "0"),
        ("wv", "4"),
        // an iterator is closed when a step after it fails
        ("var closed = false; var it = { [Symbol.iterator]() { return { next() { return { value: 1, done: false } }, return() { closed = true; return {} } } } };\
          var bad = function (ex) { ex(() => {}, () => {}) }; bad.resolve = function () { throw new Error('r') };\
          Promise.all.call(bad, it); closed", "true"),
        // species: then builds the result with the constructor's Symbol.species
        ("class MyP extends Promise {} var mp = MyP.resolve(1).then(x => x); [mp instanceof MyP, Promise[Symbol.species] === Promise]", "[ true, true ]"),
        // AggregateError
        ("var ae = new AggregateError(new Set([1, 2]), 'msg', { cause: 0 }); [ae.errors, ae.message, ae.cause, ae.name, Object.getPrototypeOf(AggregateError) === Error]", "[ [ 1, 2 ], 'msg', 0, 'AggregateError', true ]"),
        ("Object.prototype.toString.call(Promise.resolve())", "[object Promise]"),
        // display: node's form
        ("Promise.resolve(1)", "Promise { 1 }"),
        ("new Promise(() => {})", "Promise { <pending> }"),
        ("var rj = Promise.reject(2); rj.catch(() => {}); rj", "Promise { <rejected> 2 }"),
];

#[test]
fn hostile_input_gets_type_errors() {
    check(&[
        ("Promise(() => {})", "TypeError: Promise constructor cannot be invoked without 'new'"),
        ("new Promise(1)", "TypeError: Promise resolver 1 is not a function"),
        ("Promise.prototype.then.call({}, () => {})", "TypeError: Method Promise.prototype.then called on incompatible receiver {}"),
        ("Promise.resolve.call(1, 2)", "TypeError: PromiseResolve called on non-object"),
        ("Promise.prototype.finally.call(3)", "TypeError: Method Promise.prototype.finally called on incompatible receiver 3"),
        ("Promise.all.call(function () {}, [])", "TypeError: Promise resolve or reject function is not callable"),
        ("new Promise(r => r()).then.call(Promise.resolve(), null).constructor === Promise", "true"),
        // a non-iterable rejects the result instead of throwing
        ("var ni; Promise.all(5).catch(e => ni = e.constructor.name); 0", "0"),
        ("ni", "TypeError"),
        // a long chain runs from the queue, not on the native stack
        ("var chain = Promise.resolve(0); for (var i = 0; i < 100000; i++) chain = chain.then(x => x + 1); var cv; chain.then(v => cv = v); 0", "0"),
        ("cv", "100000"),
        // a thenable that resolves with another thenable, 10000 deep
        ("function deep(n) { return { then(r) { r(n ? deep(n - 1) : 'bottom') } } } var dv; Promise.resolve(deep(10000)).then(v => dv = v); 0", "0"),
        ("dv", "bottom"),
    ]);
}

#[test]
fn an_unhandled_rejection_fails_the_turn_and_rolls_it_back() {
    big_stack(|| {
        let d = Dir::new("promise-unhandled");
        let (mut rt, _) = Runtime::open(&d.0).unwrap();
        turn(&mut rt, "var kept = 1;");
        let e = rt.eval_turn("kept = 2; print('lost'); Promise.reject(new RangeError('boom'));").unwrap_err();
        assert_eq!((e.name.as_str(), e.message.as_str()), ("RangeError", "boom"));
        assert_eq!(e.to_string(), "Uncaught RangeError: boom");
        assert!(rt.take_output().is_empty());
        assert_eq!(turn(&mut rt, "kept").as_deref(), Some("1"));
        // a throw inside a reaction with no catch is the same
        let e = rt.eval_turn("Promise.resolve().then(() => { throw new TypeError('in a job') })").unwrap_err();
        assert_eq!(e.to_string(), "Uncaught TypeError: in a job");
        // a non-error reason
        let e = rt.eval_turn("Promise.reject(42)").unwrap_err();
        assert_eq!(e.to_string(), "Uncaught 42");
        // handled by a later job of the same turn: fine (node checks after the microtasks)
        assert_eq!(turn(&mut rt, "var late = Promise.reject(3); Promise.resolve().then(() => late.catch(() => {})); 'ok'").as_deref(), Some("'ok'"));
        // an ephemeral runtime drops the jobs of a script that failed, as a rollback would
        let mut eph = Runtime::ephemeral().unwrap();
        assert!(eph.eval_script("var ran = 0; Promise.resolve().then(() => ran = 1); throw 0", false).is_err());
        ev(&mut eph, "0"); // jobs left queued would run at the end of this script
        assert_eq!(ev(&mut eph, "ran"), "0");
        // reported only when asked to
        rt.set_report_unhandled_rejections(false);
        assert!(rt.eval_turn("Promise.reject(4); kept = 5").is_ok());
        assert_eq!(turn(&mut rt, "kept").as_deref(), Some("5"));
    });
}

#[test]
fn a_pending_promise_survives_a_restart_and_settles_in_a_later_turn() {
    big_stack(|| {
        let d = Dir::new("promise-persist");
        {
            let (mut rt, _) = Runtime::open(&d.0).unwrap();
            turn(&mut rt, "var resolveLater; var log = []; var p = new Promise(r => resolveLater = r);");
            turn(&mut rt, "p.then(v => log.push('first ' + v)).then(() => log.push('second'));");
            assert_eq!(turn(&mut rt, "p").as_deref(), Some("Promise { <pending> }"));
        }
        let (mut rt, _) = Runtime::open(&d.0).unwrap();
        assert_eq!(turn(&mut rt, "log.length").as_deref(), Some("0"));
        // the reactions run in the turn that resolves, before it commits
        assert_eq!(turn(&mut rt, "resolveLater(5); log.length").as_deref(), Some("0"));
        assert_eq!(turn(&mut rt, "log.join()").as_deref(), Some("'first 5,second'"));
        drop(rt);
        let (mut rt, _) = Runtime::open(&d.0).unwrap();
        assert_eq!(turn(&mut rt, "p").as_deref(), Some("Promise { 5 }"));
        assert_eq!(turn(&mut rt, "log.join()").as_deref(), Some("'first 5,second'"));
        // a resolution in a turn that fails is rolled back with it
        turn(&mut rt, "var again; var q = new Promise(r => again = r); q.then(v => log.push('q ' + v));");
        assert!(rt.eval_turn("again(1); throw new Error('abort')").is_err());
        assert_eq!(turn(&mut rt, "log.length").as_deref(), Some("2"));
        assert_eq!(turn(&mut rt, "again(2); 0").as_deref(), Some("0"));
        assert_eq!(turn(&mut rt, "log[2]").as_deref(), Some("'q 2'"));
    });
}

#[test]
fn a_runaway_job_loop_can_be_interrupted() {
    big_stack(|| {
        let d = Dir::new("promise-interrupt");
        let (mut rt, _) = Runtime::open(&d.0).unwrap();
        turn(&mut rt, "var n = 0;");
        let h = rt.interrupt_handle();
        let t = std::thread::spawn(move || {
            std::thread::sleep(std::time::Duration::from_millis(200));
            h.interrupt();
        });
        let e = rt.eval_turn("function spin() { n++; Promise.resolve().then(spin) } spin();").unwrap_err();
        t.join().unwrap();
        assert!(e.message.contains("interrupted"), "{e}");
        // rolled back, and the queue is empty again
        assert_eq!(turn(&mut rt, "n").as_deref(), Some("0"));
        assert_eq!(turn(&mut rt, "var m = 0; Promise.resolve().then(() => m = 1); 0").as_deref(), Some("0"));
        assert_eq!(turn(&mut rt, "m").as_deref(), Some("1"));
    });
}

#[test]
fn the_rust_api_for_await_and_host_jobs() {
    big_stack(|| {
        let mut rt = Runtime::ephemeral().unwrap();
        ev(&mut rt, "var got = []; function take(v) { got.push(v) } function bad() { throw new Error('no handler') }");
        // perform_then without a capability, on a promise resolved through the API
        rt.run_body(|vm| {
            let p = promise::new_promise(vm)?;
            vm.stack.push(p);
            let take = vm.get_str(vm.global(), "take")?;
            promise::perform_then(vm, p, take, Value::UNDEFINED)?;
            promise::resolve_promise(vm, p, Value::num(1.0))?;
            let q = promise::promise_resolve(vm, p)?;
            assert_eq!(q, p, "PromiseResolve gives back a %Promise%");
            let r = promise::promise_resolve(vm, Value::num(2.0))?;
            vm.stack.push(r);
            promise::perform_then(vm, r, take, Value::UNDEFINED)?;
            vm.enqueue_call_job(take, Value::num(3.0))?;
            Ok(Value::UNDEFINED)
        })
        .unwrap();
        assert_eq!(ev(&mut rt, "got.join()"), "1,2,3");
        // a handler without a capability that throws: the turn's error, not silence
        let e = rt
            .run_body(|vm| {
                let bad = vm.get_str(vm.global(), "bad")?;
                let p = promise::promise_resolve(vm, Value::num(1.0))?;
                promise::perform_then(vm, p, bad, Value::UNDEFINED)?;
                Ok(Value::UNDEFINED)
            })
            .unwrap_err();
        assert_eq!(e.to_string(), "Uncaught Error: no handler");
        // a rejected promise through the API is tracked like any other
        let e = rt
            .run_body(|vm| {
                let p = promise::new_promise(vm)?;
                let s = vm.str_from("api")?;
                promise::reject_promise(vm, p, s)?;
                Ok(Value::UNDEFINED)
            })
            .unwrap_err();
        assert_eq!(e.to_string(), "Uncaught 'api'");
    });
}
