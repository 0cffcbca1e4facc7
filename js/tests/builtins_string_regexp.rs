//! String and RegExp through the engine: node's results and messages, the Symbol protocol,
//! UTF-16 behaviour, collection at every safe point, regexps kept across a reopen.


mod common;
use common::*;

#[test]
fn string_basics() {
    check(&[
        ("'abc'.at(-1) + 'abc'.at(0) + 'abc'.charAt(1) + 'abc'.charCodeAt(2)", "cab99"),
        ("String('abc'.at(5)) + 'abc'.charAt(9).length + 'abc'.charCodeAt(9)", "undefined0NaN"),
        ("'\\ud83d\\ude00'.codePointAt(0) + ',' + '\\ud83d\\ude00'.codePointAt(1)", "128512,56832"),
        ("'a'.concat(1, null, [2, 3])", "a1null2,3"),
        ("'hello'.endsWith('lo') + ' ' + 'hello'.endsWith('l', 4) + ' ' + 'hello'.startsWith('ell', 1) + ' ' + 'hello'.includes('ll')", "true true true true"),
        ("'hello'.startsWith(/h/)", "TypeError: First argument to String.prototype.startsWith must not be a regular expression"),
        ("'abcabc'.indexOf('c') + ',' + 'abcabc'.indexOf('c', 3) + ',' + 'abcabc'.lastIndexOf('a') + ',' + 'abcabc'.lastIndexOf('a', 2) + ',' + 'abc'.indexOf('', 9)", "2,5,3,0,3"),
        ("'abc'.padStart(8, '12') + '|' + 'abc'.padEnd(5) + '|' + 'abc'.padEnd(6, '')", "12121abc|abc  |abc"),
        ("'ab'.repeat(3) + '|' + ''.repeat(1e9) + '|' + 'x'.repeat(0)", "ababab||"),
        ("'x'.repeat(-1)", "RangeError: Invalid count value: -1"),
        ("'x'.repeat(Infinity)", "RangeError: Invalid count value: Infinity"),
        ("'xx'.repeat(2 ** 30)", "RangeError: Invalid string length"),
        ("'x'.padStart(2 ** 31)", "RangeError: Invalid string length"),
        ("'abcdef'.slice(1, -1) + '|' + 'abcdef'.slice(-2) + '|' + 'abcdef'.substring(4, 1) + '|' + 'abcdef'.substr(-3, 2)", "bcde|ef|bcd|de"),
        ("'  \\t\\n\\u00a0\\ufeffx\\u2028 '.trim() + '|' + ' x '.trimStart() + '|' + ' x '.trimEnd() + '|'", "x|x | x|"),
        ("String.prototype.trimLeft === String.prototype.trimStart && String.prototype.trimRight === String.prototype.trimEnd", "true"),
        ("'\\u180ex'.trim().length", "2"),
        ("'Straße İ ǅ'.toUpperCase() + '|' + 'ΌΣΟΣ ΣΑ'.toLowerCase() + '|' + 'ABC'.toLocaleLowerCase()", "STRASSE İ Ǆ|όσος σα|abc"),
        ("'\\ud800A'.toLowerCase().charCodeAt(0) + ',' + '\\ud800A'.toLowerCase()[1]", "55296,a"),
        ("'a'.localeCompare('b') + ',' + 'b'.localeCompare('a') + ',' + 'a'.localeCompare('a')", "-1,1,0"),
        ("'o\\u0308'.localeCompare('\\u00f6') + ',' + 'A\\u030a'.localeCompare('\\u212b')", "0,0"),
        ("'abc'.normalize() + 'abc'.normalize('NFKD')", "abcabc"),
        ("['NFC', 'NFD', 'NFKC', 'NFKD'].map(f => '\\u1E9B\\u0323'.normalize(f).length).join()", "2,3,1,3"),
        ("'o\\u0308'.normalize() === '\\u00f6' && '\\u00f6'.normalize('NFD') === 'o\\u0308' && '\\ufb01'.normalize('NFKC') === 'fi'", "true"),
        ("'\\ud800e\\u0301'.normalize().length", "2"),
        ("'abc'.normalize('nfc')", "RangeError: The normalization form should be one of NFC, NFD, NFKC, NFKD."),
        ("String.fromCharCode(72, 105, 65536 + 33) + String.fromCodePoint(128512).length", "Hi!2"),
        ("String.fromCodePoint(-1)", "RangeError: Invalid code point -1"),
        ("String.fromCodePoint(1.5)", "RangeError: Invalid code point 1.5"),
        ("String.raw`a\\n${1}b${2}` + String.raw({ raw: ['x', 'y'] }, 0, 9)", "a\\n1b2x0y"),
        ("'a'.big() + 'a'.anchor('\"x\"') + 'a'.link('u') + 'a'.fontsize(3)", "<big>a</big><a name=\"&quot;x&quot;\">a</a><a href=\"u\">a</a><font size=\"3\">a</font>"),
        ("'\\ud800'.isWellFormed() + ' ' + 'ab'.isWellFormed() + ' ' + 'a\\ud800'.toWellFormed().charCodeAt(1)", "false true 65533"),
        ("String.prototype.charAt.call(null)", "TypeError: String.prototype method called on null or undefined"),
        ("String.prototype.toString.call({})", "TypeError: String.prototype.valueOf requires that 'this' be a String"),
        ("String(Symbol('s')) + ' ' + typeof new String('x') + ' ' + new String('ab').length", "Symbol(s) object 2"),
    ]);
}

#[test]
fn string_objects_and_iteration() {
    check(&[
        ("var s = new String('abc'); JSON.stringify(Object.getOwnPropertyDescriptor(s, '1'))", r#"{"value":"b","writable":false,"enumerable":true,"configurable":false}"#),
        ("Object.getOwnPropertyNames(new String('ab')).join()", "0,1,length"),
        ("var s = new String('ab'); s[0] = 'z'; s[5] = 'q'; s[0] + s[5] + Object.keys(s).join()", "aq0,1,5"),
        ("'use strict'; var s = new String('ab'); try { s[0] = 'z'; 'no' } catch (e) { e.constructor.name }", "TypeError"),
        ("[...'a\\ud83d\\ude00b\\ud800'].map(c => c.length).join()", "1,2,1,1"),
        ("var it = 'ab'[Symbol.iterator](); Object.prototype.toString.call(it) + it.next().value + it.next().value + it.next().done", "[object String Iterator]abtrue"),
        ("var o = {}; var k = 'a0'.charAt(1); o[k] = 1; o[0] === 1 && Object.keys(o)[0] === '0'", "true"),
        ("var a = []; a['0'] = 'x'; a.length", "1"),
    ]);
}

#[test]
fn split_replace_search_match_with_strings() {
    check(&[
        ("'a,b,,c'.split(',')", "[ 'a', 'b', '', 'c' ]"),
        ("'abc'.split('')", "[ 'a', 'b', 'c' ]"),
        ("'abc'.split()", "[ 'abc' ]"),
        ("'a,b,c'.split(',', 2)", "[ 'a', 'b' ]"),
        ("''.split(',').length + ''.split('').length", "1"),
        ("'aXbXc'.replace('X', '-') + ' ' + 'aXbXc'.replaceAll('X', '-')", "a-bXc a-b-c"),
        ("'abc'.replace('b', \"[$$|$&|$`|$'|$1]\")", "a[$|b|a|c|$1]c"),
        ("'abc'.replace('b', (m, p, s) => m.toUpperCase() + p + s)", "aB1abcc"),
        ("'abc'.replaceAll('', '-')", "-a-b-c-"),
        ("'aaa'.replaceAll(/a/, 'b')", "TypeError: replaceAll must be called with a global RegExp"),
        ("'x.y.z'.split('.').join('/') + ' ' + 'a+b'.search('+')", "SyntaxError: Invalid regular expression: /+/: Nothing to repeat"),
        ("'a+b'.indexOf('+') + ' ' + 'abc'.search('c') + ' ' + 'abc'.match('b').index", "1 2 1"),
        ("var o = { [Symbol.split](s, l) { return 'custom ' + s + l } }; 'abc'.split(o, 3)", "custom abc3"),
        ("var o = { [Symbol.replace](s, r) { return s + r } }; 'abc'.replace(o, '!')", "abc!"),
        ("Boolean.prototype[Symbol.replace] = () => 'bad'; var r = 'atrueb'.replace(true, 'X'); delete Boolean.prototype[Symbol.replace]; r", "aXb"),
    ]);
}

#[test]
fn regexp_objects() {
    check(&[
        ("/ab+c/gi", "/ab+c/gi"),
        ("new RegExp('a/b', 'yg')", "/a\\/b/gy"),
        ("new RegExp('') + ' ' + new RegExp('\\n').source + ' ' + /[/]/.source", "/(?:)/ \\n [/]"),
        ("var r = /a/gimsuy; [r.flags, r.global, r.ignoreCase, r.multiline, r.dotAll, r.unicode, r.sticky].join()", "gimsuy,true,true,true,true,true,true"),
        ("new RegExp('a', 'gg')", "SyntaxError: Invalid flags supplied to RegExp constructor 'gg'"),
        ("new RegExp('(')", "SyntaxError: Invalid regular expression: /(/: Unterminated group"),
        ("var r = /x/g; RegExp(r) === r && new RegExp(r) !== r && RegExp(r, 'i').flags === 'i'", "true"),
        ("var r = /x/y; r.lastIndex = 3; var d = Object.getOwnPropertyDescriptor(r, 'lastIndex'); [d.value, d.writable, d.enumerable, d.configurable].join()", "3,true,false,false"),
        ("RegExp.prototype.global + ' ' + RegExp.prototype.source + ' ' + RegExp.prototype.flags + ' ' + RegExp.prototype.toString()", "undefined (?:)  /(?:)/"),
        ("Object.getOwnPropertyDescriptor(RegExp.prototype, 'global').get.call({})", "TypeError: RegExp.prototype.global getter called on non-RegExp object"),
        ("RegExp[Symbol.species] === RegExp && Object.prototype.toString.call(/x/)", "[object RegExp]"),
        ("var r = /a/; r.compile('b', 'g'); r.source + r.flags + r.lastIndex", "bg0"),
        ("String(/[a-z]+\\d/.exec('--ab3--'))", "ab3"),
        ("var re = { [Symbol.match]: true, source: 'q+', flags: 'g', constructor: RegExp }; new RegExp(re).toString() + (RegExp(re) === re)", "/q+/gtrue"),
    ]);
}

#[test]
fn regexp_exec_and_protocol() {
    check(&[
        ("/a(b)?c/.exec('xxac')", "[ 'ac', undefined, index: 2, input: 'xxac', groups: undefined ]"),
        ("var m = /(?<y>\\d{4})-(?<m>\\d\\d)/.exec('on 2024-05'); m.groups.y + m.groups.m + Object.getPrototypeOf(m.groups)", "202405null"),
        ("var m = /(?<a>x)|(?<b>y)/.exec('y'); Object.keys(m.groups).join() + String(m.groups.a)", "a,bundefined"),
        ("/(?<=\\$)\\d+/.exec('cost $42')[0] + /(?<!\\$)\\b\\d+/.exec('$4 and 7')[0]", "427"),
        ("/a.c/s.test('a\\nc') + ' ' + /a.c/.test('a\\nc') + ' ' + /^b/m.test('a\\nb') + ' ' + /^b/.test('a\\nb')", "true false true false"),
        ("/\\u{1F600}/u.test('\\ud83d\\ude00') + ' ' + /^.$/u.test('\\ud83d\\ude00') + ' ' + /^.$/.test('\\ud83d\\ude00')", "true true false"),
        ("/[Ä]/i.test('ä') + ' ' + /ſ/iu.test('s')", "true true"),
        ("var r = /o/g; var a = []; while (r.exec('foo boo')) a.push(r.lastIndex); a.join()", "2,3,6,7"),
        ("var r = /o/y; r.lastIndex = 1; var x = r.test('foo'); r.lastIndex = 4; [x, r.test('foo bo'), r.lastIndex].join()", "true,false,0"),
        ("var r = /a/; r.lastIndex = 5; r.test('a') + ' ' + r.lastIndex", "true 5"),
        ("'Hello World'.match(/o/g)", "[ 'o', 'o' ]"),
        ("'abc'.match(/x/g) + ' ' + 'abc'.search(/c/) + ' ' + 'abc'.search(/x/)", "null 2 -1"),
        ("'aaa'.replace(/a/g, 'b') + ' ' + 'x-y-z'.replace(/-(.)/g, (m, c) => c.toUpperCase())", "bbb xYZ"),
        ("'2024-05-06'.replace(/(?<y>\\d+)-(?<m>\\d+)-(?<d>\\d+)/, '$<d>.$<m>.$<y>|$2$1$3|$10|$00|$<x>')", "06.05.2024|05202406|20240|$00|"),
        ("'abc'.replace(/(?<l>b)/, (...args) => JSON.stringify(args))", "a[\"b\",\"b\",1,\"abc\",{\"l\":\"b\"}]c"),
        ("'aaaa'.replace(/a*?/g, '-') + ' ' + '\\ud83d\\ude00'.replace(/(?:)/gu, '-') + ' ' + '\\ud83d\\ude00'.replace(/(?:)/g, '-').length", "-a-a-a-a- -\u{1F600}- 5"),
        ("'a1b22c333'.split(/\\d+/)", "[ 'a', 'b', 'c', '' ]"),
        ("'a, b ,c'.split(/\\s*,\\s*/) + '|' + 'abc'.split(/(b)/) + '|' + 'abc'.split(/(?:)/) + '|' + 'abc'.split(/b/, 1)", "a,b,c|a,b,c|a,b,c|a"),
        ("''.split(/x/).length + ''.split(/(?:)/).length", "1"),
        ("'A<B>bold</B>and<CODE>coded</CODE>'.split(/<(\\/)?([^<>]+)>/)", "[\n  'A',    undefined,\n  'B',    'bold',\n  '/',    'B',\n  'and',  undefined,\n  'CODE', 'coded',\n  '/',    'CODE',\n  ''\n]"),
        ("[...'a1b2'.matchAll(/\\d/g)].map(m => m[0] + m.index).join()", "11,23"),
        ("'a'.matchAll(/a/)", "TypeError: String.prototype.matchAll called with a non-global RegExp argument"),
        ("var it = /a/g[Symbol.matchAll]('aa'); Object.prototype.toString.call(it) + it.next().value.index + it.next().value.index + it.next().done", "[object RegExp String Iterator]01true"),
        ("var r = /b/; r.exec = function (s) { return { 0: 'zz', index: 1, length: 1 } }; 'abc'.replace(r, 'X') + ' ' + r.test('q') + ' ' + 'abc'.search(r)", "aX true 1"),
        ("var r = /b/g; r.exec = () => 5; r.test('b')", "TypeError: exec result must be an object or null"),
        ("class R extends RegExp { exec(s) { this.n = (this.n || 0) + 1; return super.exec(s) } }; var r = new R('a', 'g'); 'banana'.replace(r, 'o') + r.n", "bonono4"),
        ("class R2 extends RegExp {}; var r = new R2('-'); var parts = 'a-b'.split(r); parts.join('+') + (r instanceof R2)", "a+btrue"),
        ("/x/d.exec('ax').indices[0].join()", "1,2"),
    ]);
}

#[test]
fn strings_and_regexps_root_what_they_hold_under_gc_stress() {
    check_with(
        &[
            ("var o = { toString() { var junk = []; for (var i = 0; i < 50; i++) junk.push({ i }); return 'b' } }; 'abcabc'.split(o).join('|')", "a|ca|c"),
            ("'x-y-z'.replace(/-(.)/g, (m, c) => { var t = []; for (var i = 0; i < 20; i++) t.push([i]); return c.toUpperCase() + t.length })", "xY20Z20"),
            ("var r = /(\\w)(\\d)?/g; var out = []; var m; while ((m = r.exec('a1bc3')) !== null) out.push(m[0] + (m[2] || '-')); out.join()", "a11,b-,c33"),
            ("'2024-05-06'.replace(/(?<y>\\d+)-(?<m>\\d+)/, { toString() { var j = []; for (var i = 0; i < 10; i++) j.push({}); return '$<m>/$<y>' } })", "05/2024-06"),
            ("[...'ab\\ud83d\\ude00c', ...[...'xy'.matchAll(/./g)].map(m => m[0])].join()", "a,b,\u{1F600},c,x,y"),
            ("'a1b2c3'.split(/\\d/).map(s => s.toUpperCase().padStart(2, '.')).join('')", ".A.B.C.."),
            ("String.raw({ raw: { length: 3, 0: 'a', 1: 'b', 2: 'c' } }, { toString() { var j = []; for (var i = 0; i < 9; i++) j.push({}); return 1 } }, 2)", "a1b2c"),
        ],
        true,
    )
}

#[test]
fn regexps_survive_reopen() {
    big_stack(|| {
        let d = Dir::new("regexp");
        {
            let (mut rt, _) = js::Runtime::open(&d.0).unwrap();
            rt.eval_turn("var re = /(?<word>[a-z]+)(\\d*)/gi; re.lastIndex = 2; var sp = 'a-b'[Symbol.iterator](); sp.next();").unwrap();
        }
        let (mut rt, _) = js::Runtime::open(&d.0).unwrap();
        let out = rt.eval_turn("var m = re.exec('ab12 CD3'); [m[0], m.groups.word, re.lastIndex, sp.next().value, String(re)].join()").unwrap();
        assert_eq!(out.as_deref(), Some("'CD3,CD,8,-,/(?<word>[a-z]+)(\\\\d*)/gi'"));
    });
}
