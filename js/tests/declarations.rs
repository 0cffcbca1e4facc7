//! The arguments object, declaration instantiation of scripts, functions and eval code, and
//! Annex B's sloppy-mode extras (block-level functions, `if (x) function f() {}`).

mod common;
use common::{check, check_with};

#[test]
fn mapped_arguments_alias_parameters_both_ways() {
    check(&[
        ("function f(a, b) { a = 10; return arguments[0] + ',' + arguments[1] } f(1, 2)", "10,2"),
        ("function f(a) { arguments[0] = 7; return a } f(1)", "7"),
        // only the passed arguments are mapped
        ("function f(a, b) { b = 5; return arguments[1] + ',' + arguments.length } f(1)", "undefined,1"),
        ("function f(a, b) { arguments[1] = 5; return b } f(1)", "undefined"),
        // a later duplicate parameter name wins the mapping
        ("function f(a, a) { a = 9; return arguments[0] + ',' + arguments[1] } f(1, 2)", "1,9"),
        // delete unmaps; a new property is not mapped again
        ("function f(a) { delete arguments[0]; arguments[0] = 3; return a } f(1)", "1"),
        ("function f(a) { delete arguments[0]; a = 4; return arguments[0] } f(1)", "undefined"),
        // defineProperty: a value updates the parameter, writable:false freezes the mapping
        ("function f(a) { Object.defineProperty(arguments, '0', { value: 2 }); return a } f(1)", "2"),
        ("function f(a) { a = 3; Object.defineProperty(arguments, '0', { writable: false }); a = 4; return arguments[0] } f(1)", "3"),
        ("function f(a) { Object.defineProperty(arguments, '0', { get() { return 'g' } }); a = 5; return arguments[0] } f(1)", "g"),
        // the descriptor reads the live parameter
        ("function f(a) { a = 'x'; return Object.getOwnPropertyDescriptor(arguments, '0').value } f(1)", "x"),
        ("function f(a) { a = 'frozen'; Object.freeze(arguments); a = 'later'; return arguments[0] } f(1)", "frozen"),
        // Reflect.set with another receiver does not write the parameter
        ("function f(a) { var o = {}; Reflect.set(arguments, '0', 8, o); return a + ',' + o[0] } f(1)", "1,8"),
        ("function f(a) { return Object.keys(arguments).join() + '|' + [...arguments].join() } f(1, 2, 3)", "0,1,2|1,2,3"),
        ("function f(a) { return Object.prototype.toString.call(arguments) } f()", "[object Arguments]"),
    ]);
}

#[test]
fn unmapped_arguments_in_strict_code_and_with_non_simple_parameters() {
    check(&[
        ("function f(a) { 'use strict'; a = 2; return arguments[0] } f(1)", "1"),
        ("function f(a = 0) { a = 2; return arguments[0] } f(1)", "1"),
        ("function f(a, ...r) { arguments[0] = 9; return a } f(1)", "1"),
        ("function f() { 'use strict'; try { arguments.callee } catch (e) { return e.name } } f()", "TypeError"),
        (
            "function f() { 'use strict'; var d = Object.getOwnPropertyDescriptor(arguments, 'callee'); return d.get === d.set && !d.enumerable && !d.configurable } f()",
            "true",
        ),
        ("function f() { return arguments.callee === f } f()", "true"),
        ("function f() { return arguments[Symbol.iterator] === Array.prototype.values } f()", "true"),
        // a body declaring `arguments` gets no arguments object
        ("function f() { function arguments() {} return typeof arguments } f()", "function"),
        ("function f() { let arguments = 3; return arguments } f()", "3"),
    ]);
}

#[test]
fn mapped_arguments_survive_collections_and_outlive_the_call() {
    check_with(
        &[(
            "function f(a, b) { var junk = []; for (var i = 0; i < 200; i++) junk.push({ i }); return [arguments, function () { return a }] }
             var r = f(1, 2); r[0][0] = 'set later'; var g = []; for (var i = 0; i < 200; i++) g.push([i]); r[1]() + ',' + r[0][0] + ',' + r[0][1]",
            "set later,set later,2",
        )],
        true,
    );
}

#[test]
fn global_declaration_instantiation_checks_before_binding() {
    check(&[
        ("let lx = 1; 'ok'", "ok"),
        // a var or function may not redeclare a global lexical binding: SyntaxError, nothing bound
        ("var before1; var lx;", "SyntaxError: Identifier 'lx' has already been declared"),
        ("typeof before1", "undefined"),
        ("function lx() {}", "SyntaxError: Identifier 'lx' has already been declared"),
        // a lexical declaration may not shadow a non-configurable global
        ("let NaN;", "SyntaxError: Identifier 'NaN' has already been declared"),
        // but may shadow a configurable one (a var from eval)
        ("eval('var fromEval = 1'); 'ok'", "ok"),
        ("let fromEval = 2; fromEval", "2"),
        // CanDeclareGlobalFunction / CanDeclareGlobalVar on a non-extensible global
        ("Object.defineProperty(globalThis, 'ro', { value: 1, writable: false, enumerable: false, configurable: false }); 'ok'", "ok"),
        ("var ran = false; ran = true; function ro() {}", "TypeError: Cannot declare global function 'ro'"),
        ("typeof ran", "undefined"),
        ("Object.preventExtensions(globalThis); 'ok'", "ok"),
        ("var neverDeclared;", "TypeError: Cannot declare global variable 'neverDeclared'"),
        ("var ro; ro", "1"),
    ]);
}

#[test]
fn script_functions_are_non_deletable_and_eval_functions_deletable() {
    check(&[
        ("function sf() {} var d = Object.getOwnPropertyDescriptor(globalThis, 'sf'); [d.writable, d.enumerable, d.configurable].join()", "true,true,false"),
        ("eval('function ef() { return 1 }'); var d = Object.getOwnPropertyDescriptor(globalThis, 'ef'); [d.writable, d.enumerable, d.configurable].join()", "true,true,true"),
        ("delete ef", "true"),
        ("typeof ef", "undefined"),
        // an eval function over an existing configurable global redefines it fully
        ("Object.defineProperty(globalThis, 'cfg', { value: 0, writable: false, enumerable: false, configurable: true }); (0, eval)('function cfg() {}'); var d = Object.getOwnPropertyDescriptor(globalThis, 'cfg'); [typeof d.value, d.writable, d.enumerable, d.configurable].join()", "function,true,true,true"),
    ]);
}

#[test]
fn sloppy_direct_eval_declares_into_the_callers_var_scope() {
    check(&[
        ("function f() { eval('var x = 1'); return x } f()", "1"),
        ("typeof x", "undefined"),
        // deletable, and a deleted binding is gone for references cached before
        ("function f() { eval('var x = 1'); var r = [x]; function g() { return typeof x } r.push(g()); delete x; r.push(g()); return r.join() } f()", "1,number,undefined"),
        // an eval var shadowing an outer binding is seen by closures made before it
        ("function f() { var x = 'outer'; return function () { var g = function () { return x }; var a = g(); eval('var x = \"inner\"'); return a + ',' + g() } } f()()", "outer,inner"),
        // strict eval keeps its vars
        ("function f() { eval('\"use strict\"; var y = 1'); return typeof y } f()", "undefined"),
        ("function f() { 'use strict'; eval('var y = 1'); return typeof y } f()", "undefined"),
        // functions declared by eval see the eval's lexical declarations
        ("function f() { eval('let hidden = 5; function g() { return hidden }'); return g() } f()", "5"),
        // an arrow is a var scope of its own
        ("var h = () => { eval('var inArrow = 1'); return inArrow }; h() + ',' + typeof inArrow", "1,undefined"),
    ]);
}

#[test]
fn eval_var_conflicting_with_a_lexical_binding_is_a_syntax_error() {
    check(&[
        ("function f() { let x; { eval('var x') } } try { f() } catch (e) { e.name }", "SyntaxError"),
        ("function f() { let x; eval('var x') } try { f() } catch (e) { e.name }", "SyntaxError"),
        ("function f() { { let x; eval('function x() {}') } } try { f() } catch (e) { e.name }", "SyntaxError"),
        ("let gl = 1; try { eval('var gl') } catch (e) { e.name }", "SyntaxError"),
        // nothing was declared by the failed eval
        ("function f() { let x; try { eval('var ok1; var x') } catch (e) {} return typeof ok1 } f()", "undefined"),
        // B.3.4: a catch parameter may be redeclared
        ("function f() { try { throw 1 } catch (e) { eval('var e = 2'); return e } } f()", "2"),
        // a var of the function itself is fine
        ("function f(a) { var v; eval('var a = 3; var v = 4'); return a + v } f(1)", "7"),
        // in parameter expressions: parameters and `arguments` are lexical to the eval
        ("function f(a = eval('var a = 1')) {} try { f() } catch (e) { e.name }", "SyntaxError"),
        ("function f(p = eval('var arguments')) {} try { f() } catch (e) { e.name }", "SyntaxError"),
        ("var g = (p = eval('var arguments = \"param\"')) => arguments; g() + ',' + typeof arguments", "param,undefined"),
        ("function f(a = eval('function a() {}')) {} try { f() } catch (e) { e.name }", "SyntaxError"),
        // functions an eval declares in a function are deletable too
        ("function f() { eval('function evalFn() {}'); var t = typeof evalFn; return t + ',' + delete evalFn + ',' + typeof evalFn } f()", "function,true,undefined"),
        // an eval var declared inside `with` goes to the function, not the object
        ("function f() { var o = {}; with (o) { eval('var w = 1') } return 'w' in o ? 'object' : typeof w } f()", "number"),
    ]);
}

#[test]
fn functions_with_parameter_expressions_have_a_separate_var_scope() {
    check(&[
        ("var x = 'outside'; function f(p = () => x) { var x = 'inside'; return p() + ',' + x } f()", "outside,inside"),
        // a var named like a parameter starts with the parameter's value
        ("function f(a, b = 1) { var a; return a } f(5)", "5"),
        ("function f(a, b = () => a) { var a = 2; return b() + ',' + a } f(1)", "1,2"),
        ("function f(a = 1) { var arguments; return typeof arguments } f()", "object"),
        ("function f(a = 1) { function g() { return 'g' } return g() } f()", "g"),
        // body-level eval vars live in the body's scope, not the parameters'
        ("function f(p = () => typeof q) { eval('var q = 1'); return p() + ',' + q } f()", "undefined,1"),
    ]);
}

#[test]
fn annex_b_block_functions_are_var_scoped_in_sloppy_code() {
    check(&[
        ("function f() { var before = typeof g; { function g() { return 1 } } return before + ',' + g() } f()", "undefined,1"),
        // the var gets the value when the declaration is evaluated
        ("function f() { { g = 0; function g() {} } return typeof g } f()", "number"),
        ("function f() { var r = []; { r.push(typeof g); function g() {} } return r.join() } f()", "function"),
        // not when a `var` would conflict with a lexical binding around it
        ("function f() { let g = 'lex'; { function g() {} } return g } f()", "lex"),
        ("function f() { { let g = 'outer'; { function g() {} } return typeof g } } f()", "string"),
        ("function f(g) { { function g() {} } return g } f(1)", "1"),
        // strict code keeps block functions in the block
        ("function f() { 'use strict'; { function g() {} } return typeof g } f()", "undefined"),
        // switch cases and if branches
        ("function f(k) { switch (k) { case 1: function g() { return 'sw' } } return g() } f(1)", "sw"),
        ("function f() { if (true) function g() { return 'if' }; return g() } f()", "if"),
        ("function f() { if (false) function g() {}; return typeof g } f()", "undefined"),
        // scripts (B.3.3.2) and eval code (B.3.3.3)
        ("{ function blockGlobal() { return 'bg' } } blockGlobal() + ',' + Object.getOwnPropertyDescriptor(globalThis, 'blockGlobal').configurable", "bg,false"),
        ("let lexG = 1; { function lexG() {} } lexG", "1"),
        ("function f() { eval('{ function inEval() { return 2 } }'); return inEval() } f()", "2"),
        ("eval('{ function globalFromEval() {} }'); delete globalFromEval", "true"),
        // B.3.5: var in a catch block assigns the catch parameter
        ("function f() { try { throw 1 } catch (e) { var e = 2; var seen = e } return [e, seen].join() } f()", ",2"),
    ]);
}

#[test]
fn assignment_evaluates_references_in_order() {
    check(&[
        // the right side runs before a null base fails
        ("var log = []; try { null[log.push('key'), 'k'] = log.push('rhs') } catch (e) { log.push(e.name) } log.join()", "key,rhs,TypeError"),
        // computed keys convert after the right side (simple assignment) ...
        ("var log = []; var o = {}; o[{ toString() { log.push('key'); return 'k' } }] = log.push('rhs'); log.join()", "rhs,key"),
        // ... but before it in a compound assignment, and only once
        ("var log = []; var o = { k: 1 }; o[{ toString() { log.push('key'); return 'k' } }] += log.push('rhs'); log.join() + ':' + o.k", "key,rhs:3"),
        ("var n = 0; var o = { k: 1 }; var key = { toString() { n++; return 'k' } }; o[key]++; o[key] **= 2; n + ':' + o.k", "2:4"),
        // destructuring assignment: target reference, then the value
        ("var log = []; var t = {}; ({ a: t[log.push('target'), 'x'] } = { get a() { log.push('get'); return 1 } }); log.join() + ':' + t.x", "target,get:1"),
        // an abrupt target reference closes the iterator
        ("var closed = 0; var it = { [Symbol.iterator]() { return { next() { return { done: false, value: 1 } }, return() { closed++; return {} } } } }; try { [{}[(() => { throw 1 })()]] = it } catch (e) {} closed", "1"),
        // super references take the home object's prototype first
        ("var p1 = { x: 'p1' }, p2 = { x: 'p2' }; var o = { __proto__: p1, m() { return super[k] } }; var k = { toString() { Object.setPrototypeOf(o, p2); return 'x' } }; o.m()", "p1"),
        ("var o = { m() { return super.x } }; Object.setPrototypeOf(o, null); try { o.m() } catch (e) { e.name }", "TypeError"),
        // NamedEvaluation through parentheses
        ("var cover = (function () {}); var arrow = (() => 1); cover.name + ',' + arrow.name", "cover,arrow"),
        ("typeof (undeclaredName)", "undefined"),
    ]);
}

#[test]
fn identifier_caches_see_bindings_added_later() {
    // each reference runs at least twice before the change, so its cache is filled
    check(&[
        // a global lexical declaration of a later script shadows a cached global property
        ("globalThis.sh = 'obj'; function rsh() { return sh } function wsh(v) { sh = v } function csh() { return shf() } globalThis.shf = () => 'objf'; [rsh(), rsh(), csh(), csh()].join()", "obj,obj,objf,objf"),
        ("let sh = 'lex'; let shf = () => 'lexf'; wsh('set'); wsh('set'); [rsh(), sh, globalThis.sh, csh()].join()", "set,set,obj,lexf"),
        // a deleted or redefined global property is looked up again
        ("globalThis.dg = 1; function rdg() { return dg } function sdg() { 'use strict'; dg = 3 } [rdg(), rdg()].join()", "1,1"),
        ("delete globalThis.dg; var r = []; try { rdg() } catch (e) { r.push(e.name) } try { sdg() } catch (e) { r.push(e.name) } r.join()", "ReferenceError,ReferenceError"),
        ("Object.defineProperty(globalThis, 'dg', { get() { return 'getter' }, configurable: true }); rdg()", "getter"),
        ("typeof rdg; function tdg() { return typeof later } [tdg(), tdg(), (globalThis.later = 1, tdg()), tdg(), (delete globalThis.later, tdg())].join()", "undefined,undefined,number,number,undefined"),
        // a sloppy eval's var shadows a binding that assignments, calls and var
        // initialisers found before, in the same function and in closures over it
        ("var ev = 'outer'; function evf() { return 'outerf' } function f(code) { var r = []; function rd() { return ev + evf() } for (var i = 0; i < 3; i++) { var t = ev; r.push(t, rd()); ev = ev; if (i == 1) eval(code) } return r.join() } f('var ev = \"inner\"; function evf() { return \"innerf\" }')", "outer,outerouterf,outer,outerouterf,inner,innerinnerf"),
        ("ev", "outer"),
        // an indirect eval's `let` stays in the eval's own scope
        ("var ie = 1; function rie() { return ie } rie(); (0, eval)('let ie = 2'); rie()", "1"),
    ]);
}

#[test]
fn updates_and_compound_assignments_of_declarative_bindings() {
    check(&[
        ("function f() { var r = []; for (let i = 0; i < 3; i++) { let s = 'a'; s += i; r.push(s) } return r.join() } f()", "a0,a1,a2"),
        ("function f() { let x = '5'; let y = x++; let z = 10n; z--; return [typeof x, x, typeof y, y, z].join() } f()", "number,6,number,5,9"),
        ("function f() { let o = { valueOf() { return 41 } }; o++; return o } f()", "42"),
        // TDZ and constants still throw on the fast paths
        ("function f() { x += 1; let x = 0 } try { f() } catch (e) { e.name }", "ReferenceError"),
        ("function f() { x++; let x = 0 } try { f() } catch (e) { e.name }", "ReferenceError"),
        ("function f() { const c = 1; c += 1 } try { f() } catch (e) { e.name }", "TypeError"),
        ("function f() { const c = 1; c++ } try { f() } catch (e) { e.name }", "TypeError"),
        ("function f() { const c = 1; try { c++ } catch (e) { return [e.name, c].join() } } f()", "TypeError,1"),
        // a named function expression's own name: ignored in sloppy code, TypeError in strict
        ("var r = (function g() { g++; g += 1; return typeof g })(); r", "function"),
        ("(function g() { 'use strict'; try { g += 1 } catch (e) { return e.name } })()", "TypeError"),
        // the right side runs before the write and sees the old value
        ("function f() { let x = 1; x += (x = 10, x); return x } f()", "11"),
        // a `with` object's @@unscopables is asked once per `x++` / `x += v`
        ("var n = 0; var o = { x: 1, get [Symbol.unscopables]() { n++; return {} } }; with (o) { x++; x += 1 } [n, o.x].join()", "2,3"),
    ]);
}
