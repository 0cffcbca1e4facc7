//! JSON, Math, Number and Date through the engine.

mod common;
use common::*;

#[test]
fn json_stringify() {
    check(&[
        (r#"JSON.stringify({a:[1,"x"]})"#, r#"{"a":[1,"x"]}"#),
        (r#"JSON.stringify({a:1,b:undefined,c:function(){},d:Symbol(),e:null})"#, r#"{"a":1,"e":null}"#),
        (r#"JSON.stringify([undefined, function(){}, Symbol(), NaN, -0, Infinity, -Infinity, null, true, false])"#, "[null,null,null,null,0,null,null,null,true,false]"),
        (r#"JSON.stringify(undefined) === undefined && JSON.stringify(function(){}) === undefined && JSON.stringify(Symbol()) === undefined"#, "true"),
        (r#"JSON.stringify("a\"b\\c\n\r\t\b\f\u0001\u001f")"#, r#""a\"b\\c\n\r\t\b\f\u0001\u001f""#),
        (r#"JSON.stringify("\ud800") + JSON.stringify("\udc00x") + JSON.stringify("\ud83d\ude00")"#, "\"\\ud800\"\"\\udc00x\"\"\u{1F600}\""),
        (r#"JSON.stringify(1e21) + JSON.stringify(0.1) + JSON.stringify(-5)"#, "1e+210.1-5"),
        (r#"JSON.stringify({b:1,a:2,1:3,0:4})"#, r#"{"0":4,"1":3,"b":1,"a":2}"#),
        (r#"JSON.stringify({a:{b:[1,{}],c:[]}}, null, 2)"#, "{\n  \"a\": {\n    \"b\": [\n      1,\n      {}\n    ],\n    \"c\": []\n  }\n}"),
        (r#"JSON.stringify([1,[2]], null, '--')"#, "[\n--1,\n--[\n----2\n--]\n]"),
        (r#"JSON.stringify({a:1}, null, 20) === JSON.stringify({a:1}, null, 10)"#, "true"),
        (r#"JSON.stringify({a:1}, null, '12345678901234')"#, "{\n1234567890\"a\": 1\n}"),
        (r#"JSON.stringify({a:1}, null, new Number(1)) + JSON.stringify({a:1}, null, new String('x'))"#, "{\n \"a\": 1\n}{\nx\"a\": 1\n}"),
        (r#"JSON.stringify({a:1}, null, 0) + JSON.stringify({a:1}, null, '') + JSON.stringify({a:1}, null, true)"#, r#"{"a":1}{"a":1}{"a":1}"#),
        (r#"JSON.stringify({a:1,b:2,c:{a:3,z:4},1:5}, ['a','c',1,'a',new String('b')])"#, r#"{"a":1,"c":{"a":3},"1":5,"b":2}"#),
        (r#"JSON.stringify({a:1,b:'x',c:[1]}, function(k, v) { return typeof v === 'number' ? v * 10 : v })"#, r#"{"a":10,"b":"x","c":[10]}"#),
        (r#"var seen = []; JSON.stringify({a:[5]}, function(k, v) { seen.push(k === '' ? '<root>' : k, this === undefined); return v }); seen.join()"#, "<root>,false,a,false,0,false"),
        (r#"JSON.stringify({a:1}, function(k, v) { return k === '' ? v : undefined })"#, "{}"),
        (r#"JSON.stringify([1], function(k, v) { return k === '' ? v : undefined })"#, "[null]"),
        (r#"JSON.stringify({toJSON(k) { return 'key=' + k }})"#, r#""key=""#),
        (r#"JSON.stringify({x: {toJSON(k) { return 'key=' + k }}, y: [{toJSON(k) { return typeof k + k }}]})"#, r#"{"x":"key=x","y":["string0"]}"#),
        (r#"JSON.stringify([new Number(3), new String('s'), new Boolean(false), Object(Symbol())])"#, r#"[3,"s",false,{}]"#),
        (r#"var n = new Number(3); n.valueOf = function() { return 7 }; JSON.stringify(n)"#, "7"),
        (r#"var s = new String('a'); s.toString = function() { return 'b' }; JSON.stringify([s])"#, r#"["b"]"#),
        (r#"var o = {}; o.o = o; try { JSON.stringify(o) } catch (e) { e.name + ': ' + e.message }"#, "TypeError: Converting circular structure to JSON"),
        (r#"var a = []; a.push({x: a}); try { JSON.stringify(a) } catch (e) { e.name }"#, "TypeError"),
        (r#"var shared = {v: 1}; JSON.stringify({a: shared, b: shared, c: [shared, shared]})"#, r#"{"a":{"v":1},"b":{"v":1},"c":[{"v":1},{"v":1}]}"#),
        (r#"JSON.stringify(Object.create({inherited: 1}, {own: {value: 2, enumerable: true}, hidden: {value: 3}}))"#, r#"{"own":2}"#),
        (r#"var o = {}; o[Symbol('s')] = 1; o.a = 2; JSON.stringify(o)"#, r#"{"a":2}"#),
        (r#"JSON.stringify({get a() { return 5 }, b: 1})"#, r#"{"a":5,"b":1}"#),
        (r#"var o = {a: 1, b: 2}; JSON.stringify(o, function(k, v) { if (k === 'a') delete this.b; return v })"#, r#"{"a":1}"#),
        (r#"var a = [1, 2, 3]; a.length = 5; JSON.stringify(a)"#, "[1,2,3,null,null]"),
        (r#"JSON.stringify(new Date(Date.UTC(2020, 0, 2, 3, 4, 5, 6)))"#, r#""2020-01-02T03:04:05.006Z""#),
        (r#"JSON.stringify({d: new Date(NaN)})"#, r#"{"d":null}"#),
        (r#"JSON.stringify({a: 1}, 'not a replacer') + JSON.stringify([1], {})"#, r#"{"a":1}[1]"#),
        (r#"try { JSON.stringify({toJSON() { throw new RangeError('boom') }}) } catch (e) { e.name + e.message }"#, "RangeErrorboom"),
        (r#"JSON.stringify.length + ',' + JSON.parse.length + ',' + Object.prototype.toString.call(JSON) + ',' + JSON[Symbol.toStringTag]"#, "3,2,[object JSON],JSON"),
    ]);
}

#[test]
fn json_parse() {
    check(&[
        (r#"JSON.stringify(JSON.parse('{"a":[1,2,{"b":null}],"c":"\\u0041\\n\\/","d":-0.5e2,"e":true,"f":false}'))"#, r#"{"a":[1,2,{"b":null}],"c":"A\n/","d":-50,"e":true,"f":false}"#),
        (r#"JSON.parse(' \t\n\r 42 \n')"#, "42"),
        (r#"Object.is(JSON.parse('-0'), -0)"#, "true"),
        (r#"JSON.parse('1E3') + JSON.parse('1e-2') + JSON.parse('2.5E+1')"#, "1025.01"),
        (r#"JSON.parse('"\\ud800"').charCodeAt(0)"#, "55296"),
        (r#"var o = JSON.parse('{"__proto__": 1, "a": 1, "a": 2}'); Object.keys(o).join() + ',' + o.a + ',' + (Object.getPrototypeOf(o) === Object.prototype)"#, "__proto__,a,2,true"),
        (r#"var o = JSON.parse('{"1":1,"b":2,"0":3}'); Object.keys(o).join()"#, "0,1,b"),
        (r#"JSON.parse('[]').length + JSON.parse('[[],{}]').length"#, "2"),
        (r#"JSON.parse(new String('[1]'))[0]"#, "1"),
        (r#"JSON.parse({toString() { return '"x"' }})"#, "x"),
        (r#"JSON.parse('null') === null"#, "true"),
    ]);
}

#[test]
fn json_parse_errors_like_node() {
    check(&[
        (r#"try { JSON.parse('') } catch (e) { e.name + ': ' + e.message }"#, "SyntaxError: Unexpected end of JSON input"),
        (r#"try { JSON.parse('{') } catch (e) { e.message }"#, "Unexpected end of JSON input"),
        (r#"try { JSON.parse('{"a":1,}') } catch (e) { e.message }"#, "Unexpected token } in JSON at position 7"),
        (r#"try { JSON.parse('[1,]') } catch (e) { e.message }"#, "Unexpected token ] in JSON at position 3"),
        (r#"try { JSON.parse('01') } catch (e) { e.message }"#, "Unexpected number in JSON at position 1"),
        (r#"try { JSON.parse('{"a" 1}') } catch (e) { e.message }"#, "Unexpected number in JSON at position 5"),
        (r#"try { JSON.parse('"a" "b"') } catch (e) { e.message }"#, "Unexpected string in JSON at position 4"),
        (r#"try { JSON.parse('{a:1}') } catch (e) { e.message }"#, "Unexpected token a in JSON at position 1"),
        (r#"try { JSON.parse('"\\x"') } catch (e) { e.message }"#, "Unexpected token x in JSON at position 2"),
        (r#"try { JSON.parse('[1 2]') } catch (e) { e.message }"#, "Unexpected number in JSON at position 3"),
        (r#"try { JSON.parse("'a'") } catch (e) { e.message }"#, "Unexpected token ' in JSON at position 0"),
        (r#"try { JSON.parse('"abc') } catch (e) { e.message }"#, "Unexpected end of JSON input"),
        (r#"try { JSON.parse('nul') } catch (e) { e.message }"#, "Unexpected end of JSON input"),
        (r#"try { JSON.parse('nulL') } catch (e) { e.message }"#, "Unexpected token L in JSON at position 3"),
        (r#"try { JSON.parse('1.') } catch (e) { e.message }"#, "Unexpected end of JSON input"),
        (r#"try { JSON.parse('+1') } catch (e) { e.message }"#, "Unexpected token + in JSON at position 0"),
        (r#"try { JSON.parse('"\\u12g4"') } catch (e) { e.message }"#, "Unexpected token g in JSON at position 5"),
        (r#"try { JSON.parse('[1]x') } catch (e) { e.message }"#, "Unexpected token x in JSON at position 3"),
        (r#"try { JSON.parse(undefined) } catch (e) { e.message }"#, "Unexpected token u in JSON at position 0"),
    ]);
}

#[test]
fn json_reviver() {
    check(&[
        (r#"JSON.stringify(JSON.parse('{"a":{"b":1,"c":[1,2]}}', function(k, v) { return typeof v === 'number' ? v + 1 : v }))"#, r#"{"a":{"b":2,"c":[2,3]}}"#),
        (r#"var a = JSON.parse('[1,2,3]', function(k, v) { return v === 2 ? undefined : v }); a.length + ',' + (1 in a)"#, "3,false"),
        (r#"var order = []; JSON.parse('{"a":[1,{"b":2}],"c":3}', function(k, v) { order.push(k); return v }); order.join('|')"#, "0|b|1|a|c|"),
        (r#"JSON.parse('1', function(k, v) { return [typeof k, k, v, this[''], Object.keys(this).length] }).join()"#, "string,,1,1,1"),
        (r#"JSON.stringify(JSON.parse('{"a":1,"b":2}', function(k, v) { if (k === 'a') { this.b = 9 } return v }))"#, r#"{"a":1,"b":9}"#),
        (r#"JSON.parse('{"a":1}', function(k, v) { return k === '' ? v : undefined }).hasOwnProperty('a')"#, "false"),
    ]);
}

#[test]
fn json_deep_nesting_does_not_overflow() {
    check(&[
        ("var d = []; for (var i = 0; i < 200000; i++) d = [d]; JSON.stringify(d).length", "400002"),
        ("var d = {}; for (var i = 0; i < 100000; i++) d = {a: d}; JSON.stringify(d).length", "600002"),
        ("var a = '[', b = ']'; for (var i = 0; i < 17; i++) { a += a; b += b } var p = JSON.parse(a + b); var n = 0; while (p.length) { p = p[0]; n++ } n", "131071"),
        ("var a = '{\"a\":', b = '}'; for (var i = 0; i < 16; i++) { a += a; b += b } var p = JSON.parse(a + '1' + b); var n = 0; while (typeof p === 'object') { p = p.a; n++ } n", "65536"),
        ("var a = '[', b = ']'; for (var i = 0; i < 16; i++) { a += a; b += b } var n = 0; JSON.parse(a + b, function(k, v) { n++; return v }); n", "65536"),
        ("var d = []; for (var i = 0; i < 100000; i++) d = [d]; JSON.stringify(JSON.parse(JSON.stringify(d))) === JSON.stringify(d)", "true"),
    ]);
}

#[test]
fn json_roots_what_it_holds_under_gc_stress() {
    check_with(
        &[
            (r#"JSON.stringify({a: {toJSON() { var junk = []; for (var i = 0; i < 50; i++) junk.push({i}); return 'x' + junk.length }}, b: [1, {c: 'str' + 1}]}, function(k, v) { return typeof v === 'string' ? v + '!' : v }, 1)"#, "{\n \"a\": \"x50!\",\n \"b\": [\n  1,\n  {\n   \"c\": \"str1!\"\n  }\n ]\n}"),
            (r#"JSON.stringify(JSON.parse('{"a":[1,"two",{"b":[3]}],"c":"d"}', function(k, v) { return typeof v === 'number' ? {n: v, s: 'n' + v} : v }))"#, r#"{"a":[{"n":1,"s":"n1"},"two",{"b":[{"n":3,"s":"n3"}]}],"c":"d"}"#),
            (r#"var o = {}; for (var i = 0; i < 20; i++) o['k' + i] = {get v() { return [i, 'x' + i] }}; JSON.stringify(o).length"#, "451"),
        ],
        true,
    );
}

#[test]
fn math_functions() {
    check(&[
        ("[Math.abs(-2), Math.abs(-0), Math.floor(-1.5), Math.ceil(-0.5), Math.trunc(-1.7), Math.trunc(2.9)].map(x => Object.is(x, -0) ? '-0' : String(x)).join()", "2,0,-2,-0,-1,2"),
        ("[Math.round(2.5), Math.round(-2.5), Math.round(-0.5), Math.round(0.49999999999999994), Math.round(-0.2), Math.round(4503599627370495.5), Math.round(NaN)].map(x => Object.is(x, -0) ? '-0' : String(x)).join()", "3,-2,-0,0,-0,4503599627370496,NaN"),
        ("[Math.sign(-3), Math.sign(4), Math.sign(-0), Math.sign(NaN), Math.sign('5')].map(x => Object.is(x, -0) ? '-0' : String(x)).join()", "-1,1,-0,NaN,1"),
        ("[Math.max(), Math.min(), Math.max(1, NaN, 3), Math.max(-0, 0), Math.min(0, -0)].map(x => Object.is(x, -0) ? '-0' : String(x)).join()", "-Infinity,Infinity,NaN,0,-0"),
        ("var n = 0; Math.max(NaN, {valueOf() { n++; return 1 }}); n", "1"),
        ("[Math.hypot(), Math.hypot(3, 4), Math.hypot(NaN, Infinity), Math.hypot(NaN, 1), Math.hypot(-3), Math.hypot(1, 2, 2), Math.hypot(-0, -0)].map(x => Object.is(x, -0) ? '-0' : String(x)).join()", "0,5,Infinity,NaN,3,3,0"),
        ("[Math.clz32(0), Math.clz32(1), Math.clz32(-1), Math.clz32(0.5), Math.clz32(2 ** 32)].join()", "32,31,0,32,32"),
        ("[Math.imul(3, 4), Math.imul(0xffffffff, 5), Math.imul(0x7fffffff, 2), Math.imul(-5, 12)].join()", "12,-5,-2,-60"),
        ("[Math.fround(5.5), Math.fround(5.05), Math.fround(2 ** 128), Math.fround(1e-50), Object.is(Math.fround(-0), -0)].join()", "5.5,5.050000190734863,Infinity,0,true"),
        ("[Math.cbrt(27), Math.cbrt(-8), Math.log2(8), Math.log10(1000), Math.log1p(-1), Math.log1p(-2), Math.expm1(0), Math.exp(0), Math.log(-1)].join()", "3,-2,3,3,-Infinity,NaN,0,1,NaN"),
        ("[Math.acosh(1), Math.acosh(0.5), Math.asinh(0), Math.atanh(1), Math.atanh(-1), Math.atanh(2), Math.sinh(0), Math.cosh(0), Math.tanh(Infinity), Math.tanh(-Infinity)].join()", "0,NaN,0,Infinity,-Infinity,NaN,0,1,1,-1"),
        ("[Math.asinh(-0), Math.atanh(-0), Math.sinh(-0), Math.tanh(-0), Math.expm1(-0), Math.log1p(-0), Math.cbrt(-0), Math.sin(-0), Math.atan(-0), Math.asin(-0), Math.tan(-0), Math.sqrt(-0)].map(x => Object.is(x, -0)).join()", "true,true,true,true,true,true,true,true,true,true,true,true"),
        ("[Math.atan2(0, -0), Math.atan2(-0, 0), Math.atan2(1, 0), Math.atan2(Infinity, Infinity)].map(x => Object.is(x, -0) ? '-0' : x.toFixed(6)).join()", "3.141593,-0,1.570796,0.785398"),
        ("[Math.pow(2, 10), Math.pow(NaN, 0), Math.pow(1, Infinity), Math.pow(-8, 1/3)].join()", "1024,1,NaN,NaN"),
        ("[Math.sin(0), Math.cos(0), Math.tan(0), Math.acos(1), Math.asin(1).toFixed(6), Math.atan(Infinity).toFixed(6), Math.sqrt(16), Math.sqrt(-1)].join()", "0,1,0,0,1.570796,1.570796,4,NaN"),
        ("var r = Math.random(); r >= 0 && r < 1 && Math.random() !== Math.random()", "true"),
        ("['abs','acos','acosh','asin','asinh','atan','atanh','atan2','cbrt','ceil','clz32','cos','cosh','exp','expm1','floor','fround','hypot','imul','log','log1p','log10','log2','max','min','pow','random','round','sign','sin','sinh','sqrt','tan','tanh','trunc'].map(n => typeof Math[n]).join().length", "314"),
        ("[Math.max.length, Math.hypot.length, Math.atan2.length, Math.imul.length, Math.random.length, Math.floor.name].join()", "2,2,2,2,0,floor"),
        ("Object.prototype.toString.call(Math) + Math.PI.toFixed(5) + Object.getOwnPropertyDescriptor(Math, 'PI').writable", "[object Math]3.14159false"),
    ]);
}

#[test]
fn number_functions() {
    check(&[
        ("[Number.isInteger(5), Number.isInteger(5.5), Number.isInteger('5'), Number.isInteger(Infinity), Number.isInteger(-0)].join()", "true,false,false,false,true"),
        ("[Number.isSafeInteger(2 ** 53 - 1), Number.isSafeInteger(2 ** 53), Number.isSafeInteger(-(2 ** 53 - 1)), Number.isSafeInteger(1.5)].join()", "true,false,true,false"),
        ("[Number.isFinite(1), Number.isFinite('1'), Number.isFinite(Infinity), Number.isNaN(NaN), Number.isNaN('x'), isNaN('x')].join()", "true,false,false,true,false,true"),
        ("Number.parseInt === parseInt && Number.parseFloat === parseFloat", "true"),
        ("[Number.parseInt('0x1f'), Number.parseInt('12px', 10), Number.parseFloat('3.5e2x'), Number.parseFloat('.5')].join()", "31,12,350,0.5"),
        ("[(123.456).toPrecision(4), (0.00001).toPrecision(1), (1234.5).toPrecision(2), (0).toPrecision(3), (25).toPrecision(), (-1.5).toPrecision(1), (1e21).toPrecision(3)].join()", "123.5,0.00001,1.2e+3,0.00,25,-2,1.00e+21"),
        ("try { (1).toPrecision(0) } catch (e) { e.name + ': ' + e.message }", "RangeError: toPrecision() argument must be between 1 and 100"),
        ("[(NaN).toPrecision(200), (Infinity).toExponential(-1)].join()", "NaN,Infinity"),
        ("[(123456).toExponential(2), (1.5).toExponential(), (0).toExponential(), (0).toExponential(2), (-12.34).toExponential(1), (1e-7).toExponential(3)].join()", "1.23e+5,1.5e+0,0e+0,0.00e+0,-1.2e+1,1.000e-7"),
        ("try { (1).toExponential(101) } catch (e) { e.name + ': ' + e.message }", "RangeError: toExponential() argument must be between 0 and 100"),
        ("[(1234567.891).toLocaleString(), (0).toLocaleString(), (-1234.5).toLocaleString(), (1e21).toLocaleString(), (NaN).toLocaleString(), (0.0001).toLocaleString(), (999.9999).toLocaleString()].join('|')", "1,234,567.891|0|-1,234.5|1,000,000,000,000,000,000,000|NaN|0|1,000"),
        ("try { Number.prototype.toPrecision.call('1', 2) } catch (e) { e.name }", "TypeError"),
        ("[(12.345).toFixed(1), (1e21).toFixed(2), (-0.0001).toFixed(2)].join()", "12.3,1e+21,-0.00"),
    ]);
}

#[test]
fn date_construction_and_parsing() {
    check(&[
        ("new Date(0).toISOString()", "1970-01-01T00:00:00.000Z"),
        ("new Date(Date.UTC(2020, 1, 29, 12, 30, 15, 250)).toISOString()", "2020-02-29T12:30:15.250Z"),
        ("[Date.UTC(2020), Date.UTC(2020, 0), Date.UTC(99, 0), Date.UTC(), Date.UTC(2020, NaN)].join()", "1577836800000,1577836800000,915148800000,NaN,NaN"),
        ("[Date.parse('2020-01-02T03:04:05Z'), Date.parse('2020-01-02'), Date.parse('2020-01-02T03:04:05.678+01:00'), Date.parse('nonsense')].join()", "1577934245000,1577923200000,1577930645678,NaN"),
        ("new Date('2020-01-02T03:04:05Z').getTime() === Date.parse('2020-01-02T03:04:05Z')", "true"),
        ("var d = new Date(5); new Date(d).getTime() + new Date(true).getTime() + new Date({valueOf() { return 10 }}).getTime()", "16"),
        ("[new Date(8.64e15).getTime(), new Date(8.64e15 + 1).getTime(), new Date(-8.64e15).getTime(), new Date(NaN).getTime(), new Date(1.7).getTime()].join()", "8640000000000000,NaN,-8640000000000000,NaN,1"),
        ("typeof Date() + ',' + typeof Date(0) + ',' + (Date().length > 20)", "string,string,true"),
        ("var t = Date.now(); typeof t === 'number' && t > 1.6e12 && t === Math.floor(t)", "true"),
        ("var d = new Date(2020, 0, 31, 13, 4, 5, 6); [d.getFullYear(), d.getMonth(), d.getDate(), d.getHours(), d.getMinutes(), d.getSeconds(), d.getMilliseconds(), d.getDay()].join()", "2020,0,31,13,4,5,6,5"),
        ("new Date(99, 0).getFullYear() + ',' + new Date(2019, 12).getFullYear() + ',' + new Date(2020, 0, 0).getDate()", "1999,2020,31"),
        ("class D extends Date { y() { return this.getUTCFullYear() } } var d = new D(0); d.y() + ',' + (d instanceof Date) + ',' + (Object.getPrototypeOf(d) === D.prototype)", "1970,true,true"),
        ("[Date.length, Date.UTC.length, Date.parse.length, Date.prototype.setHours.length, Date.prototype.setUTCFullYear.length, Date.prototype.toJSON.length].join()", "7,7,1,4,3,1"),
        ("Object.prototype.toString.call(new Date(0)) + Object.prototype.toString.call(Date.prototype)", "[object Date][object Object]"),
    ]);
}

#[test]
fn date_getters_setters() {
    check(&[
        ("var d = new Date(Date.UTC(2020, 0, 31, 13, 4, 5, 6)); [d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate(), d.getUTCHours(), d.getUTCMinutes(), d.getUTCSeconds(), d.getUTCMilliseconds(), d.getUTCDay()].join()", "2020,0,31,13,4,5,6,5"),
        ("var d = new Date(Date.UTC(2020, 0, 31)); d.setUTCMonth(1); d.toISOString()", "2020-03-02T00:00:00.000Z"),
        ("var d = new Date(0); [d.setUTCFullYear(2001, 5, 6), d.toISOString()].join()", "991785600000,2001-06-06T00:00:00.000Z"),
        ("var d = new Date(0); d.setUTCHours(25, 61, 61, 1001); d.toISOString()", "1970-01-02T02:02:02.001Z"),
        ("var d = new Date(0); d.setUTCMinutes(1, 2, 3); d.setUTCSeconds(4); d.setUTCMilliseconds(5); d.setUTCDate(10); d.toISOString()", "1970-01-10T00:01:04.005Z"),
        ("var d = new Date(0); d.setUTCHours(); d.getTime()", "NaN"),
        ("var d = new Date(NaN); [d.setUTCHours(1), d.setMonth(1), d.setUTCFullYear(2000), d.toISOString()].join()", "NaN,NaN,946684800000,2000-01-01T00:00:00.000Z"),
        ("var d = new Date(NaN); d.setFullYear(2000); [d.getFullYear(), d.getMonth(), d.getDate(), d.getHours()].join()", "2000,0,1,0"),
        ("var d = new Date(0); [d.setTime(5), d.getTime(), d.setTime('x'), d.setTime(9e15)].join()", "5,5,NaN,NaN"),
        ("var d = new Date(2000, 0, 1); d.setFullYear(2001, 5, 6); d.setHours(7, 8, 9, 10); [d.getFullYear(), d.getMonth(), d.getDate(), d.getHours(), d.getMinutes(), d.getSeconds(), d.getMilliseconds()].join()", "2001,5,6,7,8,9,10"),
        ("var d = new Date(2000, 5, 15); d.setMonth(0, 31); d.setDate(0); [d.getMonth(), d.getDate()].join()", "11,31"),
        ("var d = new Date(2000, 0, 1); d.setMinutes(90); d.setSeconds(-1); d.setMilliseconds(1500); [d.getHours(), d.getMinutes(), d.getSeconds(), d.getMilliseconds()].join()", "1,30,0,500"),
        ("var d = new Date(2016, 1, 29); var y = d.getYear(); d.setYear(99); [y, d.getFullYear(), d.getMonth(), d.getDate()].join()", "116,1999,2,1"),
        ("var d = new Date(0); d.setYear(NaN); d.getTime()", "NaN"),
        ("var d = new Date(); var o = d.getTimezoneOffset(); var l = new Date(d.getTime() - o * 60000); [l.getUTCHours() === d.getHours(), l.getUTCDate() === d.getDate(), l.getUTCMinutes() === d.getMinutes()].join()", "true,true,true"),
        ("new Date(NaN).getTimezoneOffset() + ',' + new Date(NaN).getDay() + ',' + new Date(NaN).getUTCFullYear()", "NaN,NaN,NaN"),
        ("try { Date.prototype.getTime.call({}) } catch (e) { e.name + ': ' + e.message }", "TypeError: this is not a Date object."),
        ("try { Date.prototype.setHours.call(Date.prototype, 1) } catch (e) { e.name }", "TypeError"),
        ("var log = []; var d = new Date(0); d.setUTCHours({valueOf() { log.push('h'); return 1 }}, {valueOf() { log.push('m'); return 2 }}); log.join() + d.getUTCMinutes()", "h,m2"),
    ]);
}

#[test]
fn date_strings_and_conversions() {
    check(&[
        ("new Date(Date.UTC(2026, 10, 24, 9, 0, 0)).toUTCString()", "Tue, 24 Nov 2026 09:00:00 GMT"),
        ("Date.prototype.toGMTString === Date.prototype.toUTCString", "true"),
        ("var d = new Date(NaN); [String(d), d.toDateString(), d.toTimeString(), d.toUTCString(), d.toLocaleString(), d.toLocaleDateString(), d.toLocaleTimeString()].join('|')", "Invalid Date|Invalid Date|Invalid Date|Invalid Date|Invalid Date|Invalid Date|Invalid Date"),
        ("try { new Date(NaN).toISOString() } catch (e) { e.name + ': ' + e.message }", "RangeError: Invalid time value"),
        ("[new Date(Date.UTC(-1, 0)).toISOString(), new Date(Date.UTC(10000, 0)).toISOString(), new Date(8.64e15).toISOString()].join()", "-000001-01-01T00:00:00.000Z,+010000-01-01T00:00:00.000Z,+275760-09-13T00:00:00.000Z"),
        ("var d = new Date(2020, 0, 2, 15, 4, 5); [d.toLocaleDateString(), d.toLocaleTimeString(), d.toLocaleString()].join('|')", "1/2/2020|3:04:05 PM|1/2/2020, 3:04:05 PM"),
        ("var d = new Date(2020, 0, 2, 0, 4, 5); d.toLocaleTimeString()", "12:04:05 AM"),
        ("var d = new Date(2020, 0, 2, 15, 4, 5); function pre(s, n) { var r = ''; for (var i = 0; i < n; i++) r += s.charAt(i); return r } pre(d.toString(), 24) + '|' + d.toDateString() + '|' + pre(d.toTimeString(), 12)", "Thu Jan 02 2020 15:04:05|Thu Jan 02 2020|15:04:05 GMT"),
        ("var d = new Date(2020, 0, 2); (d + 1) === d.toString() + '1'", "true"),
        ("var d = new Date(5); [d - 1, +d, d * 2, `${d}` === d.toString(), d == d.toString(), d.valueOf()].join()", "4,5,10,true,true,5"),
        ("var d = new Date(5); [d[Symbol.toPrimitive]('number'), d[Symbol.toPrimitive]('default') === d.toString(), d[Symbol.toPrimitive]('string') === d.toString()].join()", "5,true,true"),
        ("try { new Date(0)[Symbol.toPrimitive]('bogus') } catch (e) { e.name }", "TypeError"),
        ("try { Date.prototype[Symbol.toPrimitive].call(1, 'number') } catch (e) { e.name }", "TypeError"),
        ("var p = Object.getOwnPropertyDescriptor(Date.prototype, Symbol.toPrimitive); [p.writable, p.enumerable, p.configurable, p.value.name].join()", "false,false,true,[Symbol.toPrimitive]"),
        ("new Date(0).toJSON() + ',' + new Date(NaN).toJSON()", "1970-01-01T00:00:00.000Z,null"),
        ("Date.prototype.toJSON.call({toISOString() { return 'iso' }})", "iso"),
        ("Date.prototype.toJSON.call({valueOf() { return Infinity }, toISOString() { return 'iso' }})", "null"),
        ("try { Date.prototype.toJSON.call({}) } catch (e) { e.name }", "TypeError"),
        ("Date.parse(new Date(Date.UTC(2020, 5, 6, 7, 8, 9)).toString()) + ',' + Date.parse(new Date(Date.UTC(2020, 5, 6, 7, 8, 9)).toUTCString())", "1591427289000,1591427289000"),
    ]);
}
