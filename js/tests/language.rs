//! Language regressions found outside test262 (by the benchmarks and by users).

mod common;
use common::shown;


#[test]
fn arrow_bodies_have_their_own_lexical_declarations() {
    // found by the AWFY CD and Havlak benchmarks: `let`/`const`/class in an arrow body
    assert_eq!(shown("var f = (x) => { let v = x; const w = v + 1; class C {}; return [v, w, typeof C] }; f(1)"), "[ 1, 2, 'function' ]");
    assert_eq!(shown("var out = []; [1, 2].forEach((x) => { const v = x * 10; let o; if (!o) { o = v } out.push(o) }); out"), "[ 10, 20 ]");
    // each call gets fresh bindings, closures keep theirs
    assert_eq!(shown("var fs = [1, 2, 3].map((x) => { let v = x; return () => v }); fs.map((g) => g())"), "[ 1, 2, 3 ]");
    // TDZ inside the arrow body
    assert_eq!(shown("var f = () => { try { v; return 'no tdz' } catch (e) { return e.name } let v = 1 }; f()"), "'ReferenceError'");
}

#[test]
fn spreading_an_array_keeps_its_values_alive_across_getters_that_collect() {
    // a getter for a hole runs JavaScript (and, under stress, a collection) in the middle of
    // the spread's fast path; the objects read before it must survive
    common::check_with(
        &[(
            "var src = [{ a: 1 }, , { b: 2 }];
             Object.defineProperty(Array.prototype, 1, { get() { src[0] = null; var t = {}; for (var i = 0; i < 50; i++) t['k' + i] = { i }; return 'g' }, configurable: true });
             var r = [...src]; delete Array.prototype[1]; JSON.stringify(r)",
            "[{\"a\":1},\"g\",{\"b\":2}]",
        )],
        true,
    );
}

#[test]
fn error_stacks_name_the_running_functions_with_line_and_column() {
    common::check(&[
        (
            "function inner() { return new Error('deep') }\nfunction outer() {\n  return inner();\n}\nouter().stack",
            "Error: deep\n    at inner (1:27)\n    at outer (3:10)\n    at 5:1",
        ),
        // errors the engine throws point at the failing access
        ("var o = null;\nfunction g() {\n  return o.x;\n}\ntry { g() } catch (t) { t.stack }", "TypeError: Cannot read properties of null (reading 'x')\n    at g (3:10)\n    at 5:7"),
        ("var f = () => new RangeError('r'); f().stack", "RangeError: r\n    at f (1:15)\n    at 1:36"),
        ("(() => new Error('a'))().stack", "Error: a\n    at <anonymous> (1:8)\n    at 1:1"),
        // own, non-enumerable, writable
        ("var e = new TypeError('t'); [Object.keys(e).length, e.hasOwnProperty('stack'), (e.stack = 's', e.stack)].join()", "0,true,s"),
        // at most 10 frames
        ("function r(n) { return n ? r(n - 1) : new Error('x') } r(30).stack.split('\\n').length", "11"),
    ]);
}
