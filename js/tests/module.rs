//! `require`: the built-in module "ken/model" is evaluated once per heap and its exports are
//! cached in the heap, so a reopened heap gets the same object without loading it again.

use js::Runtime;

mod common;
use common::*;

#[test]
fn require_knows_ken_model_and_refuses_other_names() {
    check(&[
        ("typeof require", "function"),
        ("typeof require('ken/model').model", "function"),
        ("require('ken/model') === require('ken/model')", "true"),
        ("require.cache['ken/model'] === require('ken/model')", "true"),
        ("require('fs')", "Error: Cannot find module 'fs' (built-in modules: ken/model)"),
        ("require('./ken/model')", "Error: Cannot find module './ken/model' (built-in modules: ken/model)"),
        ("require()", "TypeError: require: the module name must be a string, e.g. require(\"ken/model\")"),
        ("require(42)", "TypeError: require: the module name must be a string, e.g. require(\"ken/model\")"),
    ]);
}

#[test]
fn records_refuse_unknown_properties_loudly_even_in_sloppy_code() {
    check_with(
        &[
            ("var db = require('ken/model'); var R = db.model('R', { a: 'integer' }); var r = R.create({ a: 1 }); r.a", "1"),
            ("r.b = 2", "TypeError: Cannot add property 'b', object is not extensible"),
            ("r['c'] = 2", "TypeError: Cannot add property 'c', object is not extensible"),
            ("r.id = 5", "TypeError: Cannot assign to read only property 'id' of object"),
            ("r.a = 7; r.a", "7"),
            ("Object.keys(r).join()", "id"),
            // ordinary objects keep the sloppy rule: a refused write is ignored
            ("var o = Object.preventExtensions({}); o.x = 1; o.x", "undefined"),
            ("(function () { 'use strict'; o.x = 1; })()", "TypeError: Cannot add property 'x', object is not extensible"),
            ("(function () { 'use strict'; Object.freeze({ y: 1 }).y = 2; })()", "TypeError: Cannot assign to read only property 'y' of object"),
        ],
        true,
    );
}

#[test]
fn a_deleted_cache_entry_loads_a_fresh_copy() {
    check(&[
        ("var a = require('ken/model'); delete require.cache['ken/model']; a === require('ken/model')", "false"),
        ("require.cache = 5; require('ken/model')", "TypeError: require.cache is not an object"),
    ]);
}

#[test]
fn the_module_is_loaded_once_per_heap_and_survives_reopen() {
    big_stack(|| {
        let d = Dir::new("require");
        {
            let (mut rt, _) = Runtime::open(&d.0).unwrap();
            turn(&mut rt, "var db = require('ken/model'); db.marker = 'first load';");
            turn(&mut rt, "var T = db.model('T', { n: { type: 'integer', index: true } }); T.create({ n: 7 });");
        }
        let (mut rt, _) = Runtime::open(&d.0).unwrap();
        // the cached exports object, not a new evaluation
        assert_eq!(turn(&mut rt, "require('ken/model').marker").as_deref(), Some("'first load'"));
        assert_eq!(turn(&mut rt, "require('ken/model') === db").as_deref(), Some("true"));
        assert_eq!(turn(&mut rt, "T.where({ n: 7 }).count()").as_deref(), Some("1"));
        // a turn that throws while loading leaves nothing cached
        assert_eq!(turn(&mut rt, "delete require.cache['ken/model']").as_deref(), Some("true"));
        assert!(rt.eval_turn("require('ken/model'); throw new Error('x')").is_err());
        assert_eq!(turn(&mut rt, "'ken/model' in require.cache").as_deref(), Some("false"));
    });
}
