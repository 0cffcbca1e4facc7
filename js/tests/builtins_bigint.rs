//! BigInt: literals, operators, comparisons, conversions, the BigInt object, wrappers,
//! collections, errors, hostile sizes and persistence.

use js::Runtime;
use std::time::{Duration, Instant};

mod common;
use common::*;

const BEHAVIOUR: &[(&str, &str)] = &[
    // literals
    ("[0x1fn, 0o17n, 0b101n, 1_000_000n, 0n, 0XFFn, 0B1n, 0O7n].join()", "31,15,5,1000000,0,255,1,7"),
    ("typeof 1n + typeof Object(1n) + typeof BigInt", "bigintobjectfunction"),
    ("123456789012345678901234567890n", "123456789012345678901234567890n"),
    ("[-5n, -0n, 2n ** 64n]", "[ -5n, 0n, 18446744073709551616n ]"),
    ("({ 999999999999999999n: 1, 0x10n: 2 })", "{ '16': 2, '999999999999999999': 1 }"),
    // arithmetic
    ("[7n + 3n, 7n - 10n, 6n * -7n, 7n / 2n, -7n / 2n, 7n % -2n, -7n % 2n].join()", "10,-3,-42,3,-3,1,-1"),
    ("[2n ** 100n, (-2n) ** 3n, 0n ** 0n, 1n ** 1000000000000n, (-1n) ** 1000000000001n].join()", "1267650600228229401496703205376,-8,1,1,-1"),
    ("[-(5n), - -5n, ~5n, ~-1n].join()", "-5,5,-6,0"),
    ("[5n & 3n, 5n | 3n, 5n ^ 3n, -1n & 0xffn, -256n | 15n, -6n ^ 3n].join()", "1,7,6,255,-241,-7"),
    ("[1n << 70n, -5n >> 1n, 5n >> 100n, -5n >> 100n, 8n << -2n, 8n >> -2n, -1n >> 1000000000000n].join()", "1180591620717411303424,-3,0,-1,2,32,-1"),
    // one-limb operands near the edges of the fast path (results of two limbs, overflow to the crate)
    ("let u = 2n ** 64n - 1n; [u * u, -u - u, u * -u, u + 1n, (u * u) / u === u, -u % 10n, u & -u, u ^ -1n].join()", "340282366920938463426481119284349108225,-36893488147419103230,-340282366920938463426481119284349108225,18446744073709551616,true,-5,1,-18446744073709551616"),
    ("let a = 5n; a++; ++a; a--; a += 10n; a *= 2n; a **= 2n; a >>= 1n; a", "512n"),
    ("let b = 1n; [b++, b, --b].join()", "1,2,1"),
    ("let c = Object(2n); c * 3n", "6n"),
    ("1n + 'x' + 2n", "1x2"),
    // comparison
    ("[1n == 1, 1n === 1, 1n == '1', 1n == ' 1 ', 1n == '1.0', 0n == '', 1n == true, 2n == true, 1n == 1.5, 1n != 1].join()", "true,false,true,true,false,true,true,false,false,false"),
    ("[2n ** 64n == 18446744073709551616, 2n ** 53n + 1n == 2 ** 53, 1n == NaN, 1n == Infinity].join()", "true,false,false,false"),
    ("[1n < 2, 2n > 1.5, 1n < 1.5, 2n <= 2, -1n < -0.5, 1n < Infinity, 1n > -Infinity, 1n < NaN, 1n >= NaN].join()", "true,true,true,true,true,true,true,false,false"),
    ("[1n < '2', '10' > 9n, 1n < 'x', 1n >= 'x', 'x' < 1n, 10n > '0x9'].join()", "true,true,false,false,false,true"),
    ("[3n > 2n, -3n < -2n, 2n ** 70n > 2n ** 69n, 1n <= 1n].join()", "true,true,true,true"),
    ("[Object(1n) == 1n, Object(1n) === Object(1n), 1n == Object(1n), Symbol() == 1n].join()", "true,false,true,false"),
    ("[Object.is(10n, 10n), Object.is(0n, -0n), [2n ** 65n].includes(2n ** 65n), [5n].indexOf(5n)].join()", "true,true,true,0"),
    ("switch (3n) { case 3: 'number'; break; case 3n: 'bigint' }", "bigint"),
    // conversions
    ("[String(10n), `${-3n}`, (255n).toString(16), (-255n).toString(2), (2n ** 64n).toString(36), 10n + ''].join()", "10,-3,ff,-11111111,3w5e11264sgsg,10"),
    ("[!!0n, !!1n, !!-1n, 0n ? 1 : 2, 0n || 'x'].join()", "false,true,true,2,x"),
    ("[Number(2n ** 64n), Number(-7n), Number(2n ** 53n + 1n), Number(2n ** 2000n), Number(0n)].join()", "18446744073709552000,-7,9007199254740992,Infinity,0"),
    ("Number(9007199254740993n) + ',' + Number(9007199254740995n)", "9007199254740992,9007199254740996"),
    ("let o = {}; o[1n] = 'a'; o[2n ** 64n] = 'b'; [Object.keys(o).join(), [10, 20][1n]].join('|')", "1,18446744073709551616|20"),
    ("'ab'.charAt !== undefined && (5n).constructor === BigInt", "true"),
    ("Object.prototype.toString.call(1n) + Object.prototype.toString.call(Object(1n))", "[object BigInt][object BigInt]"),
    // BigInt()
    ("[BigInt(42), BigInt(-0), BigInt(1e21), BigInt(true), BigInt(false), BigInt(''), BigInt('  0x1F  '), BigInt('-12'), BigInt('+7'), BigInt('0b11'), BigInt('0o17')].join()", "42,0,1000000000000000000000,1,0,0,31,-12,7,3,15"),
    ("BigInt({ valueOf() { return 5n } }) + BigInt({ valueOf() { return 6 } }) + BigInt({ toString() { return '7' } })", "18n"),
    ("BigInt(Number.MAX_SAFE_INTEGER) + 2n", "9007199254740993n"),
    ("[BigInt.length, BigInt.name, BigInt.prototype.constructor === BigInt, Object.getPrototypeOf(1n) === BigInt.prototype].join()", "1,BigInt,true,true"),
    // asIntN / asUintN
    ("[BigInt.asIntN(8, 255n), BigInt.asIntN(8, 128n), BigInt.asIntN(8, -129n), BigInt.asIntN(0, 5n), BigInt.asIntN(64, 2n ** 63n)].join()", "-1,-128,127,0,-9223372036854775808"),
    ("[BigInt.asUintN(8, -1n), BigInt.asUintN(64, -1n), BigInt.asUintN(3, 25n), BigInt.asUintN(0, -1n), BigInt.asUintN(2 ** 53 - 1, 5n)].join()", "255,18446744073709551615,1,0,5"),
    ("[BigInt.asIntN(2 ** 53 - 1, -5n), BigInt.asIntN('3', '9'), BigInt.asIntN(1, -1n)].join()", "-5,1,-1"),
    // prototype methods
    ("[(10n).valueOf() === 10n, Object(10n).valueOf() === 10n, BigInt.prototype.toString.call(Object(-9n), 3), (1234567n).toLocaleString(), (-1234n).toLocaleString()].join()", "true,true,-100,1,234,567,-1,234"),
    // collections
    ("let m = new Map([[10n, 'a']]); m.set(2n ** 70n, 'b'); [m.get(10n), m.get(2n ** 70n), m.has(10), new Set([1n, 1n, 2n, 1]).size].join()", "a,b,false,3"),
    ("[[3n, 1n, 2n].sort().join(), [10n, 9n].sort((x, y) => (x < y ? -1 : 1)).join()].join('|')", "1,2,3|9,10"),
    // display
    ("[Object(1n), { a: -2n }]", "[ [BigInt: 1n], { a: -2n } ]"),
];

const ERRORS: &[(&str, &str)] = &[
    ("1n + 1", "TypeError: Cannot mix BigInt and other types, use explicit conversions"),
    ("1 * 1n", "TypeError: Cannot mix BigInt and other types, use explicit conversions"),
    ("let z = 1n; z += 1; z", "TypeError: Cannot mix BigInt and other types, use explicit conversions"),
    ("1n < Symbol()", "TypeError: Cannot convert a Symbol value to a number"),
    ("1n >>> 0n", "TypeError: BigInts have no unsigned right shift, use >> instead"),
    ("+1n", "TypeError: Cannot convert a BigInt value to a number"),
    ("Math.abs(1n)", "TypeError: Cannot convert a BigInt value to a number"),
    ("Math.max(1, 2n)", "TypeError: Cannot convert a BigInt value to a number"),
    ("isNaN(1n)", "TypeError: Cannot convert a BigInt value to a number"),
    ("JSON.stringify({ a: 1n })", "TypeError: Do not know how to serialize a BigInt"),
    ("1n / 0n", "RangeError: Division by zero"),
    ("1n % 0n", "RangeError: Division by zero"),
    ("2n ** -1n", "RangeError: Exponent must be non-negative"),
    ("new BigInt(1)", "TypeError: BigInt is not a constructor"),
    ("BigInt(1.5)", "RangeError: The number 1.5 cannot be converted to a BigInt because it is not an integer"),
    ("BigInt(NaN)", "RangeError: The number NaN cannot be converted to a BigInt because it is not an integer"),
    ("BigInt(Infinity)", "RangeError: The number Infinity cannot be converted to a BigInt because it is not an integer"),
    ("BigInt('1.5')", "SyntaxError: Cannot convert 1.5 to a BigInt"),
    ("BigInt('1n')", "SyntaxError: Cannot convert 1n to a BigInt"),
    ("BigInt('-0x1')", "SyntaxError: Cannot convert -0x1 to a BigInt"),
    ("BigInt('1_0')", "SyntaxError: Cannot convert 1_0 to a BigInt"),
    ("BigInt(undefined)", "TypeError: Cannot convert undefined to a BigInt"),
    ("BigInt(null)", "TypeError: Cannot convert null to a BigInt"),
    ("BigInt(Symbol())", "TypeError: Cannot convert a Symbol value to a BigInt"),
    ("BigInt.asIntN(8, 1)", "TypeError: Cannot convert 1 to a BigInt"),
    ("BigInt.asUintN(-1, 1n)", "RangeError: Invalid value: not (convertible to) a safe integer"),
    ("BigInt.asUintN(2 ** 53, 1n)", "RangeError: Invalid value: not (convertible to) a safe integer"),
    ("BigInt.prototype.valueOf.call(1)", "TypeError: BigInt.prototype.valueOf requires that 'this' be a BigInt"),
    ("BigInt.prototype.toString.call({})", "TypeError: BigInt.prototype.toString requires that 'this' be a BigInt"),
    ("(1n).toString(37)", "RangeError: toString() radix must be between 2 and 36"),
    ("(1n).toString(1)", "RangeError: toString() radix must be between 2 and 36"),
    ("new WeakSet().add(1n)", "TypeError: Invalid value used in weak set"),
    ("eval('01n')", "SyntaxError: Invalid BigInt literal"),
    ("eval('1.5n')", "SyntaxError: Invalid BigInt literal"),
];

#[test]
fn bigint_behaviour() {
    check(BEHAVIOUR);
}

#[test]
fn bigint_behaviour_under_gc_stress() {
    check_with(BEHAVIOUR, true);
}

#[test]
fn bigint_errors() {
    check(ERRORS);
}

#[test]
fn the_value_api_for_typed_arrays() {
    big_stack(|| {
        let mut rt = Runtime::ephemeral().unwrap();
        let vm = rt.vm();
        let a = vm.new_bigint_i64(-2).unwrap();
        assert_eq!(vm.bigint_to_i64_wrapping(a), -2);
        assert_eq!(vm.bigint_to_u64_wrapping(a), u64::MAX - 1);
        let b = vm.new_bigint_u64(u64::MAX).unwrap();
        assert_eq!(vm.bigint_to_i64_wrapping(b), -1);
        assert_eq!(vm.bigint_to_string(b, 10), "18446744073709551615");
        // ToBigInt of a string value, and wrapping of a value wider than 64 bits
        let s = vm.str_from("0x1_0000_0000_0000_0005".replace('_', "").as_str()).unwrap();
        let c = vm.to_bigint(s).unwrap();
        assert_eq!(vm.bigint_to_u64_wrapping(c), 5);
        let neg = vm.str_from("-18446744073709551617").unwrap();
        let d = vm.to_bigint(neg).unwrap();
        assert_eq!(vm.bigint_to_i64_wrapping(d), -1);
        assert!(vm.to_bigint(js::vm::Value::num(1.0)).is_err(), "ToBigInt of a Number is a TypeError");
        let t = vm.str_from("18446744073709551615").unwrap();
        assert_eq!(vm.to_bigint64(t).unwrap(), -1);
        assert_eq!(vm.to_biguint64(js::vm::Value::TRUE).unwrap(), 1);
        assert!(vm.to_biguint64(js::vm::Value::UNDEFINED).is_err());
    });
}

/// Runs `src` and returns its text and how long it took.
fn timed(rt: &mut Runtime, src: &str) -> (String, Duration) {
    let t = Instant::now();
    let r = ev(rt, src);
    (r, t.elapsed())
}

#[test]
fn hostile_sizes_are_bounded() {
    big_stack(|| {
        let mut rt = Runtime::ephemeral().unwrap();
        // bounded, not fast: a debug build on a loaded machine is many times slower
        let limit = Duration::from_secs(if cfg!(debug_assertions) { 60 } else { 5 });
        for (src, want) in [
            // ten million digits are far above the limit: refused before any parsing work
            ("BigInt('9'.repeat(1e7))", "RangeError: Maximum BigInt size exceeded"),
            ("eval('0x' + 'f'.repeat(300000) + 'n')", "RangeError: Maximum BigInt size exceeded"),
            ("2n ** 2000000n", "RangeError: Maximum BigInt size exceeded"),
            ("2n ** (2n ** 64n)", "RangeError: Maximum BigInt size exceeded"),
            ("1n << 2000000n", "RangeError: Maximum BigInt size exceeded"),
            ("1n << (2n ** 70n)", "RangeError: Maximum BigInt size exceeded"),
            // the largest values work; squaring them is refused before multiplying
            ("var big = 2n ** 1048575n; big.toString(2).length", "1048576"),
            ("big * big", "RangeError: Maximum BigInt size exceeded"),
            ("big + big", "RangeError: Maximum BigInt size exceeded"),
            ("BigInt.asUintN(2 ** 40, -1n)", "RangeError: Maximum BigInt size exceeded"),
            ("BigInt.asUintN(2 ** 40, big) === big", "true"),
            ("var nines = 10n ** 315000n - 1n; var text = nines.toString(); text.length + ',' + text.slice(-3)", "315000,999"),
            ("BigInt(text) === nines", "true"),
            ("var huge = '9'.repeat(1e7); [1n < huge, 1n > '-' + huge, nines == huge, 1n < huge + 'x'].join()", "true,true,false,false"),
            ("[(nines / (nines >> 1000n)).toString(2).length, nines % 1000n, (nines >> 600000n) * (nines >> 600000n) > 0n].join()", "1001,999,true"),
        ] {
            let (got, took) = timed(&mut rt, src);
            assert_eq!(got, want, "{src}");
            assert!(took < limit, "{src} took {took:?}");
        }
    });
}

#[test]
fn a_loop_of_big_operations_can_be_interrupted() {
    big_stack(|| {
        let d = Dir::new("bigint-interrupt");
        let (mut rt, _) = Runtime::open(&d.0).unwrap();
        turn(&mut rt, "var keep = 5n;");
        let h = rt.interrupt_handle();
        let t = std::thread::spawn(move || {
            std::thread::sleep(Duration::from_millis(300));
            h.interrupt();
        });
        let start = Instant::now();
        let e = rt.eval_turn("keep = 6n; var x = 3n ** 300000n; while (true) { x.toString(); x * x; }").unwrap_err();
        t.join().unwrap();
        assert!(e.message.contains("interrupted"), "{e}");
        assert!(start.elapsed() < Duration::from_secs(5), "took {:?}", start.elapsed());
        assert_eq!(turn(&mut rt, "keep").as_deref(), Some("5n"));
    });
}

#[test]
fn bigints_survive_reopen() {
    big_stack(|| {
        let d = Dir::new("bigint-persist");
        {
            let (mut rt, _) = Runtime::open(&d.0).unwrap();
            turn(&mut rt, "var g = 2n ** 200n + 7n; var neg = -(2n ** 64n); var w = Object(-3n);");
            turn(&mut rt, "var m = new Map([[2n ** 80n, 'eighty']]); var o = { list: [1n, 0n, g] };");
            // garbage BigInts are collected; the live ones stay
            turn(&mut rt, "for (let i = 0n; i < 20000n; i++) { let t = i * 2n ** 100n; }");
            rt.vm().collect();
        }
        let (mut rt, _) = Runtime::open(&d.0).unwrap();
        assert_eq!(turn(&mut rt, "g").as_deref(), Some("1606938044258990275541962092341162602522202993782792835301383n"));
        assert_eq!(turn(&mut rt, "neg + 1n").as_deref(), Some("-18446744073709551615n"));
        assert_eq!(turn(&mut rt, "w").as_deref(), Some("[BigInt: -3n]"));
        assert_eq!(turn(&mut rt, "m.get(2n ** 80n)").as_deref(), Some("'eighty'"));
        assert_eq!(turn(&mut rt, "o.list[2] === g && o.list[1] === 0n").as_deref(), Some("true"));
        assert_eq!(turn(&mut rt, "typeof g + (g % 1000n)").as_deref(), Some("'bigint383'"));
    });
}
