//! The shell's printed form of values, checked against what node's REPL prints.

mod common;
use common::shown;


#[test]
fn primitives_and_small_structures() {
    assert_eq!(shown("0.1 + 0.2"), "0.30000000000000004");
    assert_eq!(shown("'it\\'s'"), "\"it's\"");
    assert_eq!(shown("[1, 'a', null, undefined, -0, true]"), "[ 1, 'a', null, undefined, -0, true ]");
    assert_eq!(shown("({ a: 1, b: [1, 2], 'x-y': {} })"), "{ a: 1, b: [ 1, 2 ], 'x-y': {} }");
    assert_eq!(shown("[1, , 3, , , ]"), "[ 1, <1 empty item>, 3, <2 empty items> ]");
    assert_eq!(shown("var o = { n: 1 }; o.self = o; o"), "{ n: 1, self: [Circular *1] }");
    assert_eq!(shown("({ a: { b: { c: { d: 1 } } } })"), "{ a: { b: { c: [Object] } } }");
    assert_eq!(shown("class P { constructor() { this.x = 1 } }; new P"), "P { x: 1 }");
    assert_eq!(shown("Object.create(null)"), "[Object: null prototype] {}");
    assert_eq!(shown("(function f() {})"), "function f() {}");
    assert_eq!(shown("[function f() {}, class A {}]"), "[ [Function: f], [class A] ]");
}

#[test]
fn long_arrays_are_grouped_in_columns_and_bounded() {
    // node 20: `[1,2,3,4,5,6,7,8,9,10]`
    assert_eq!(shown("[1,2,3,4,5,6,7,8,9,10]"), "[\n  1, 2, 3, 4,  5,\n  6, 7, 8, 9, 10\n]");
    let big = shown("var a = []; for (var i = 0; i < 1000; i++) a.push(i); a");
    assert!(big.ends_with("  ... 900 more items\n]"), "{big}");
    assert!(big.starts_with("[\n   0,  1,  2,  3,"), "{big}");
    assert!(big.lines().count() < 20, "{big}");
    // long strings are not grouped; they fit on one line when short enough
    assert_eq!(
        shown("['apple', 'banana', 'cherry', 'date', 'elderberry', 'fig', 'grape']"),
        "[ 'apple', 'banana', 'cherry', 'date', 'elderberry', 'fig', 'grape' ]"
    );
    // wide objects break onto one property per line
    assert_eq!(
        shown("({ a: 'a long string value here', b: 'another long string value', c: [1, 2, 3] })"),
        "{\n  a: 'a long string value here',\n  b: 'another long string value',\n  c: [ 1, 2, 3 ]\n}"
    );
    let many = shown("var o = {}; for (var i = 0; i < 150; i++) o['k' + i] = i; o");
    assert!(many.ends_with("  ... 50 more properties\n}"), "{many}");
}

#[test]
fn a_calls_statements_are_not_the_turns_completion_value() {
    // node shows nothing for these: the var statement has no value of its own
    assert_eq!(shown("var z = (function () { 7; return 1; })();"), "");
    assert_eq!(shown("var w = [1].map(function (x) { x + 40; return x; });"), "");
    assert_eq!(shown("var e = eval('5');"), "");
    assert_eq!(shown("var r = require('ken/model');"), "");
    // while the values of the turn's own statements still are
    assert_eq!(shown("3; var q = (function () { 7; })();"), "3");
    assert_eq!(shown("(function () { 7; return 1; })()"), "1");
    assert_eq!(shown("eval('5; 6')"), "6");
    assert_eq!(shown("if (true) { 'a'; } var v = (() => { 'b'; })();"), "'a'");
}
