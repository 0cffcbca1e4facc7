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
