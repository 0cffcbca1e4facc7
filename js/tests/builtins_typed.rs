//! ArrayBuffer, the typed arrays and DataView through the engine: behaviour (element
//! conversions, the integer-indexed exotic object, methods), hostile sizes, detached buffers,
//! collection at every safe point, and persistence of the bytes across reopen.

use js::Runtime;

mod common;
use common::*;

const BEHAVIOUR: &[(&str, &str)] = &[
    // element conversions on write
    ("var a = new Int8Array(4); a[0] = 127; a[1] = 128; a[2] = -129; a[3] = 1.9; a.join()", "127,-128,127,1"),
    ("var a = new Uint8Array(3); a[0] = 256; a[1] = -1; a[2] = 'x'; a.join()", "0,255,0"),
    ("var a = new Uint8ClampedArray(6); a[0] = 300; a[1] = -5; a[2] = 1.5; a[3] = 2.5; a[4] = 0.5; a[5] = NaN; a.join()", "255,0,2,2,0,0"),
    ("var a = new Int16Array([32768, -32769, 65535]); a.join()", "-32768,32767,-1"),
    ("var a = new Uint16Array([-1, 65536, 70000]); a.join()", "65535,0,4464"),
    ("var a = new Int32Array([2147483648, -2147483649, 4294967295]); a.join()", "-2147483648,2147483647,-1"),
    ("var a = new Uint32Array([-1, 4294967296, 1e10]); a.join()", "4294967295,0,1410065408"),
    ("var a = new Float32Array([1.1, 16777217, Infinity]); [a[0] === Math.fround(1.1), a[1], a[2]].join()", "true,16777216,Infinity"),
    ("var a = new Float64Array([0.1, -0, NaN]); [a[0], Object.is(a[1], -0), isNaN(a[2])].join()", "0.1,true,true"),
    // views share one buffer, little-endian
    ("var b = new ArrayBuffer(8); var u8 = new Uint8Array(b); var u32 = new Uint32Array(b, 4, 1); u32[0] = 0x01020304; [u8.join(), u32.byteOffset, u32.length, b.byteLength].join(';')", "0,0,0,0,4,3,2,1;4;1;8"),
    ("var f = new Float64Array([1]); new Uint8Array(f.buffer).join()", "0,0,0,0,0,0,240,63"),
    ("new Int32Array(new ArrayBuffer(8), 3)", "RangeError: start offset of Int32Array should be a multiple of 4"),
    ("new Int32Array(new ArrayBuffer(7))", "RangeError: byte length of Int32Array should be a multiple of 4"),
    ("new Uint8Array(new ArrayBuffer(4), 2, 3)", "RangeError: Invalid typed array length: 3"),
    // the integer-indexed exotic object
    ("var a = new Uint8Array(2); a[5] = 1; a['-0'] = 1; a['1.5'] = 1; a.foo = 2; [a[5], a['-0'], a['1.5'], a.foo, 5 in a, '-0' in a, '1' in a, Object.keys(a).join()].join()", ",,,2,false,false,true,0,1,foo"),
    ("Object.prototype['-1'] = 'p'; Object.prototype[7] = 'q'; var a = new Int8Array(1); var r = [a['-1'], a[7], a[0]].join(); delete Object.prototype['-1']; delete Object.prototype[7]; r", ",,0"),
    ("var a = new Int8Array(2); [delete a[0], delete a[2], delete a['-0'], Reflect.defineProperty(a, 0, { value: 5 }), a[0], Reflect.defineProperty(a, 0, { value: 1, writable: false }), Reflect.defineProperty(a, 3, { value: 1 }), Reflect.defineProperty(a, 0, { get() {} })].join()", "false,true,true,true,5,false,false,false"),
    ("JSON.stringify(Object.getOwnPropertyDescriptor(new Float64Array([2.5]), 0))", "{\"value\":2.5,\"writable\":true,\"enumerable\":true,\"configurable\":true}"),
    ("var a = new Int8Array(2); var o = Object.create(a); o[0] = 9; o[5] = 9; [a[0], o.hasOwnProperty(0), o.hasOwnProperty(5)].join()", "0,true,false"),
    ("'use strict'; var a = new Int8Array(1); a[3] = 1; a[3]", "undefined"),
    ("Object.freeze(new Uint8Array(1))", "TypeError: Cannot redefine property: 0"),
    ("Object.isFrozen(Object.freeze(new Uint8Array(0)))", "true"),
    ("var a = new Uint8Array([1, 2]); var seen = []; for (var k in a) seen.push(k); seen.join()", "0,1"),
    ("var a = new Int16Array([5, 6]); [...a].join() + '|' + [...a.entries()].join(';') + '|' + [...a.keys()].join()", "5,6|0,5;1,6|0,1"),
    // constructors
    ("var a = new Uint8Array({ length: 3, 0: 7, 2: '9' }); a.join()", "7,0,9"),
    ("var a = new Float32Array(new Int8Array([-1, 2])); a.join()", "-1,2"),
    ("var a = new Uint8Array(new Set([3, 4])); a.join()", "3,4"),
    ("Uint8Array(1)", "TypeError: Constructor Uint8Array requires 'new'"),
    ("new (Object.getPrototypeOf(Int8Array))()", "TypeError: Abstract class TypedArray not directly constructable"),
    ("[Int8Array.BYTES_PER_ELEMENT, Float64Array.prototype.BYTES_PER_ELEMENT, Int8Array.length, Int8Array.name, Object.getPrototypeOf(Int8Array.prototype) === Object.getPrototypeOf(Float32Array.prototype)].join()", "1,8,3,Int8Array,true"),
    ("Object.prototype.toString.call(new Uint8ClampedArray(1)) + Object.prototype.toString.call(new ArrayBuffer(1)) + Object.prototype.toString.call(new DataView(new ArrayBuffer(1)))", "[object Uint8ClampedArray][object ArrayBuffer][object DataView]"),
    ("class B extends Uint8Array { sum() { return this.reduce((x, y) => x + y, 0); } } var b = new B([1, 2, 3]); [b.sum(), b instanceof Uint8Array, b.map(x => x * 2) instanceof B].join()", "6,true,true"),
    // methods
    ("var a = Int16Array.from([3, 1, 2], x => x * 10); [a.join(), Int16Array.of(1, 2).join()].join(';')", "30,10,20;1,2"),
    ("new Float64Array([3, NaN, -0, 0, -Infinity, 1]).sort().join()", "-Infinity,0,0,1,3,NaN"),
    ("Object.is(new Float64Array([0, -0]).sort()[0], -0)", "true"),
    ("new Int8Array([1, 2, 3, 4]).sort((a, b) => b - a).join()", "4,3,2,1"),
    ("var a = new Uint8Array([1, 2, 3, 4, 5]); a.copyWithin(0, 3); a.join()", "4,5,3,4,5"),
    ("var a = new Uint8Array([1, 2, 3, 4, 5]); a.copyWithin(2, 0); a.join()", "1,2,1,2,3"),
    ("var a = new Uint8Array(5); a.fill(7, 1, -1); a.join()", "0,7,7,7,0"),
    ("var a = new Int8Array([1, 2, 3, 4]); var s = a.subarray(1, 3); s[0] = 9; [a.join(), s.length, s.byteOffset].join(';')", "1,9,3,4;2;1"),
    ("var a = new Int8Array([1, 2, 3, 4]); var s = a.slice(1, 3); s[0] = 9; [a.join(), s.join(), s.buffer === a.buffer].join(';')", "1,2,3,4;9,3;false"),
    ("var a = new Uint8Array(6); a.set([1, 2], 1); a.set(new Float32Array([7.9, 8]), 4); a.join()", "0,1,2,0,7,8"),
    ("var a = new Uint8Array([1, 2, 3, 4]); a.set(a.subarray(0, 3), 1); a.join()", "1,1,2,3"),
    ("new Uint8Array(2).set([1, 2, 3])", "RangeError: offset is out of bounds"),
    ("var a = new Int8Array([1, 2, 3, 2]); [a.indexOf(2), a.lastIndexOf(2), a.includes(3), a.includes(5), a.at(-1), a.find(x => x > 1), a.findLastIndex(x => x === 2)].join()", "1,3,true,false,2,2,3"),
    ("var a = new Int8Array([1, 2, 3]); [a.every(x => x > 0), a.some(x => x > 2), a.filter(x => x & 1).join('-'), a.reduceRight((s, x) => s + x, ''), a.toReversed().join(''), a.with(0, 9).join(''), a.toSorted((x, y) => y - x).join('')].join()", "true,true,1-3,321,321,923,321"),
    ("new Float64Array([1.5, -2]).toLocaleString()", "1.5,-2"),
    ("new Uint8Array([1, 2]).toString === Array.prototype.toString && new Uint8Array([1, 2]) + ''", "1,2"),
    ("new Int8Array(0).reduce((a, b) => a)", "TypeError: Reduce of empty array with no initial value"),
    ("new Int8Array(1).with(1, 0)", "RangeError: Invalid typed array index"),
    // ArrayBuffer
    ("var b = new ArrayBuffer(6); new Uint8Array(b).set([1, 2, 3, 4, 5, 6]); var s = b.slice(1, -2); [s.byteLength, new Uint8Array(s).join(), ArrayBuffer.isView(new DataView(b)), ArrayBuffer.isView(b), ArrayBuffer.isView(new Int8Array(1))].join(';')", "3;2,3,4;true;false;true"),
    ("ArrayBuffer(1)", "TypeError: Constructor ArrayBuffer requires 'new'"),
    ("new ArrayBuffer(-1)", "RangeError: Invalid array buffer length"),
    ("new ArrayBuffer(1.9).byteLength + new ArrayBuffer().byteLength", "1"),
    // DataView
    ("var d = new DataView(new ArrayBuffer(8)); d.setUint16(0, 0x1234); d.setUint16(2, 0x1234, true); [d.getUint8(0), d.getUint8(1), d.getUint8(2), d.getUint8(3), d.getUint16(0), d.getUint16(2, true), d.getInt16(0, true)].join()", "18,52,52,18,4660,4660,13330"),
    ("var d = new DataView(new ArrayBuffer(8)); d.setFloat64(0, Math.PI); var le = new DataView(new ArrayBuffer(8)); le.setFloat64(0, Math.PI, true); [d.getFloat64(0), le.getFloat64(0, true), d.getUint8(0), le.getUint8(7)].join()", "3.141592653589793,3.141592653589793,64,64"),
    ("var d = new DataView(new ArrayBuffer(4)); d.setInt32(0, -2); [d.getInt32(0), d.getUint32(0), d.getInt8(0), d.getUint8(3)].join()", "-2,4294967294,-1,254"),
    ("var d = new DataView(new ArrayBuffer(4)); d.setFloat32(0, 1.5); [d.getFloat32(0), d.getUint8(0), d.getUint8(1)].join()", "1.5,63,192"),
    ("var d = new DataView(new ArrayBuffer(4), 1, 2); [d.byteOffset, d.byteLength, d.buffer.byteLength].join()", "1,2,4"),
    ("new DataView(new ArrayBuffer(4), 1).getUint32(0)", "RangeError: Offset is outside the bounds of the DataView"),
    ("new DataView(new ArrayBuffer(4)).getInt8(-1)", "RangeError: Invalid DataView index"),
    ("new DataView(new ArrayBuffer(4), 5)", "RangeError: Start offset 5 is outside the bounds of the buffer"),
    ("new DataView({})", "TypeError: First argument to DataView constructor must be an ArrayBuffer"),
    // BigInt elements
    ("var a = new BigInt64Array([1n, -1n, 2n ** 63n, 2n ** 64n + 5n]); a.join()", "1,-1,-9223372036854775808,5"),
    ("var a = new BigUint64Array([-1n, 2n ** 64n]); a.join() + ' ' + typeof a[0]", "18446744073709551615,0 bigint"),
    ("var a = new BigInt64Array(2); a[0] = '12'; a[1] = true; [a[0] === 12n, a[1] === 1n].join()", "true,true"),
    ("new BigInt64Array(1)[0] = 1", "TypeError: Cannot convert 1 to a BigInt"),
    ("new BigInt64Array([1])", "TypeError: Cannot convert 1 to a BigInt"),
    ("new BigInt64Array(new Int8Array(1))", "TypeError: Cannot make a BigInt64Array from a Int8Array"),
    ("new Int8Array(2).set(new BigInt64Array(1))", "TypeError: Cannot mix BigInt and other types in a typed array"),
    ("var a = new BigUint64Array(new BigInt64Array([-2n])); a[0]", "18446744073709551614n"),
    ("var a = new BigInt64Array([3n, -5n, 2n ** 62n, 0n]); a.sort(); [a.join(), a.indexOf(0n), a.includes(3n), a.indexOf(3)].join(';')", "-5,0,3,4611686018427387904;1;true;-1"),
    ("new BigInt64Array([1n, 2n, 3n]).map(x => x * 10n).toSorted((x, y) => (x < y) - (x > y)).join()", "30,20,10"),
    ("var a = new BigInt64Array(3); a.fill(7n, 1); a.with(0, -1n).join()", "-1,7,7"),
    ("var d = new DataView(new ArrayBuffer(8)); d.setBigInt64(0, -2n); [d.getBigInt64(0), d.getBigUint64(0), d.getBigInt64(0, true), d.getUint8(7)].join()", "-2,18446744073709551614,-72057594037927937,254"),
    ("new DataView(new ArrayBuffer(8)).setBigUint64(0, 1)", "TypeError: Cannot convert 1 to a BigInt"),
    ("new BigInt64Array([1n, -2n])", "BigInt64Array(2) [ 1n, -2n ]"),
    // printing
    ("new Uint8Array([1, 2, 300])", "Uint8Array(3) [ 1, 2, 44 ]"),
    ("new Float32Array(0)", "Float32Array(0) []"),
];

/// Huge and hostile lengths: RangeErrors, never an abort.
const HOSTILE: &[(&str, &str)] = &[
    ("new ArrayBuffer(2 ** 40)", "RangeError: Array buffer allocation failed: 1099511627776 bytes is more than the maximum of 1073741824 bytes"),
    ("new ArrayBuffer(2 ** 53)", "RangeError: Invalid array buffer length"),
    ("new ArrayBuffer(Infinity)", "RangeError: Invalid array buffer length"),
    ("new Float64Array(2 ** 28)", "RangeError: Invalid typed array length: 268435456 (at most 1073741824 bytes)"),
    ("new Uint8Array(2 ** 32)", "RangeError: Invalid typed array length: 4294967296 (at most 1073741824 bytes)"),
    ("new Uint8Array({ length: 2 ** 31 })", "RangeError: Invalid typed array length: 2147483648 (at most 1073741824 bytes)"),
    ("new Int8Array(-1)", "RangeError: Invalid typed array length"),
    ("Int8Array.from({ length: 2 ** 40 })", "RangeError: Invalid typed array length: 1099511627776 (at most 1073741824 bytes)"),
    ("new Uint8Array(4).subarray(0, 2 ** 40).length", "4"),
    ("new DataView(new ArrayBuffer(1), 0, 2 ** 40)", "RangeError: Invalid DataView length 1099511627776"),
    ("new DataView(new ArrayBuffer(8)).getFloat64(2 ** 53)", "RangeError: Invalid DataView index"),
    ("var a = new Uint8Array(1); a[2 ** 32 + 1] = 1; a[4294967295] = 1; [a[2 ** 32 + 1], a[4294967295], a.length].join()", ",,1"),
    ("var a = new Uint8Array(8); a.set([1], 2 ** 53)", "RangeError: offset is out of bounds"),
    // a 16 MiB buffer works and is zeroed
    ("var big = new Uint8Array(1 << 24); big[big.length - 1] = 5; [big.length, big[0], big[big.length - 1]].join()", "16777216,0,5"),
];

/// A buffer detached through the host hook.
const DETACHED: &[(&str, &str)] = &[
    ("var b = new ArrayBuffer(8); var a = new Uint8Array(b); a[0] = 1; $262.detachArrayBuffer(b); [b.byteLength, a.length, a.byteLength, a.byteOffset, a[0], 0 in a, Object.keys(a).length].join()", "0,0,0,0,,false,0"),
    ("var b = new ArrayBuffer(8); var a = new Uint8Array(b); $262.detachArrayBuffer(b); a.fill(1)", "TypeError: Cannot perform this operation on a detached ArrayBuffer"),
    ("var b = new ArrayBuffer(8); var d = new DataView(b); $262.detachArrayBuffer(b); d.getInt8(0)", "TypeError: Cannot access a DataView on a detached ArrayBuffer"),
    ("var b = new ArrayBuffer(8); $262.detachArrayBuffer(b); new Uint8Array(b)", "TypeError: Cannot construct a typed array on a detached ArrayBuffer"),
    ("var b = new ArrayBuffer(8); $262.detachArrayBuffer(b); b.slice()", "TypeError: Cannot slice a detached ArrayBuffer"),
    // detached by a conversion in the middle of a write: the write is dropped
    ("var b = new ArrayBuffer(8); var a = new Uint8Array(b); a[0] = { valueOf() { $262.detachArrayBuffer(b); return 1; } }; a.length", "0"),
    ("var b = new ArrayBuffer(4); var a = new Uint8Array(b); var r = a.map(function (x, i) { if (i === 1) $262.detachArrayBuffer(b); return x + 7; }); [r.join(), a.length].join(';')", "7,7,0,0;0"),
];

#[test]
fn behaviour() {
    check_with(BEHAVIOUR, false);
    check_with(HOSTILE, false);
}

#[test]
fn behaviour_with_collection_at_every_safe_point() {
    check_with(BEHAVIOUR, true);
}

#[test]
fn detached_buffers() {
    big_stack(|| {
        let mut rt = Runtime::ephemeral().unwrap();
        js::builtins::arraybuffer::install_test262_host(rt.vm()).unwrap();
        let mut failures = Vec::new();
        for (src, want) in DETACHED {
            let got = ev(&mut rt, src);
            if got != *want {
                failures.push(format!("{src}\n   got: {got}\n  want: {want}"));
            }
        }
        assert!(failures.is_empty(), "{} failure(s):\n{}", failures.len(), failures.join("\n"));
    })
}

#[test]
fn the_host_hook_is_not_in_an_ordinary_realm() {
    big_stack(|| {
        let mut rt = Runtime::ephemeral().unwrap();
        assert_eq!(ev(&mut rt, "typeof $262"), "undefined");
    })
}

/// The bytes are heap cells: they survive a restart, and a rolled-back turn leaves them as
/// they were.
#[test]
fn typed_array_contents_survive_reopen() {
    big_stack(|| {
        let d = Dir::new("typed");
        {
            let (mut rt, _) = Runtime::open(&d.0).unwrap();
            turn(&mut rt, "var f = new Float64Array(1000); for (var i = 0; i < f.length; i++) f[i] = i / 7;");
            turn(&mut rt, "var u = new Uint8Array(5000); for (var i = 0; i < u.length; i++) u[i] = i * 31; var view = new DataView(u.buffer, 10); view.setInt32(0, -123456, true);");
            turn(&mut rt, "var sub = new Int16Array(f.buffer, 16, 4); sub[0] = -1;");
            turn(&mut rt, "var big = new BigInt64Array([-(2n ** 63n), 12345678901234567n]);");
            assert!(rt.eval_turn("u[0] = 99; f[1] = 0; throw new Error('rolled back')").is_err());
        }
        let (mut rt, _) = Runtime::open(&d.0).unwrap();
        let check = |rt: &mut Runtime| {
            assert_eq!(
                turn(rt, "var ok = true; for (var i = 3; i < f.length; i++) ok = ok && f[i] === i / 7; [ok, f[1] === 1 / 7, f.length].join()").as_deref(),
                Some("'true,true,1000'")
            );
            assert_eq!(
                turn(rt, "var ok = true; for (var i = 0; i < u.length; i++) if (i < 10 || i > 13) ok = ok && u[i] === (i * 31) % 256; [ok, u[0], view.getInt32(0, true), view.byteOffset].join()").as_deref(),
                Some("'true,0,-123456,10'")
            );
            assert_eq!(turn(rt, "[sub[0], sub.buffer === f.buffer, new Uint16Array(f.buffer, 16, 1)[0]].join()").as_deref(), Some("'-1,true,65535'"));
            assert_eq!(turn(rt, "big.join()").as_deref(), Some("'-9223372036854775808,12345678901234567'"));
        };
        check(&mut rt);
        // garbage in between, then a collection: the live buffers keep their bytes
        turn(&mut rt, "for (var i = 0; i < 200; i++) new Uint8Array(10000);");
        rt.collect();
        check(&mut rt);
        drop(rt);
        let (mut rt, _) = Runtime::open(&d.0).unwrap();
        check(&mut rt);
    })
}
