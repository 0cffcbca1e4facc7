//! Array, Array.prototype and the array iterator through the engine.


mod common;
use common::*;

#[test]
fn constructor_and_statics() {
    check(&[
        ("Array(3).length + ',' + new Array(1, 2).join('-') + ',' + Array('3').length", "3,1-2,1"),
        ("try { new Array(-1) } catch (e) { e.constructor.name + ': ' + e.message }", "RangeError: Invalid array length"),
        ("try { Array(1.5) } catch (e) { e.constructor.name }", "RangeError"),
        ("Array.isArray([]) + ',' + Array.isArray({length: 0}) + ',' + Array.isArray(Array.prototype)", "true,false,true"),
        ("Array.of(7, 8, 9).join()", "7,8,9"),
        ("Array.from('abc').join()", "a,b,c"),
        ("Array.from({length: 3, 0: 'x', 2: 'z'}).join('|')", "x||z"),
        ("var it = {[Symbol.iterator]() { var n = 0; return {next() { n++; return {value: n, done: n > 3} }} }}; Array.from(it, (x, i) => x * 10 + i).join()", "10,21,32"),
        ("function C() {} var c = Array.from.call(C, [1, 2]); (c instanceof C) + ',' + c.length + ',' + c[1]", "true,2,2"),
        ("var o = Array.of.call(Object, 1, 2); Array.isArray(o) + ',' + o.length", "false,2"),
        ("Array[Symbol.species] === Array", "true"),
        (
            "var closed = 0; var it = { [Symbol.iterator]() { return { next() { return {value: 1, done: false} }, return() { closed++; return {} } } } }; \
             try { Array.from(it, () => { throw new Error('boom') }) } catch (e) { e.message + ',' + closed }",
            "boom,1",
        ),
        ("try { Array.from([1], 5) } catch (e) { e.constructor.name }", "TypeError"),
    ]);
}

#[test]
fn mutators() {
    check(&[
        ("var a = [1, 2]; a.push(3, 4) + ':' + a.join()", "4:1,2,3,4"),
        ("var a = [1, 2, 3]; a.pop() + ':' + a.join() + ':' + [].pop()", "3:1,2:undefined"),
        ("var a = [1, 2, 3]; a.shift() + ':' + a.join() + ':' + a.length", "1:2,3:2"),
        ("var a = [3, 4]; a.unshift(1, 2) + ':' + a.join()", "4:1,2,3,4"),
        ("var a = [1, 2, 3, 4, 5]; var r = a.splice(1, 2, 'x', 'y', 'z'); r.join() + ':' + a.join()", "2,3:1,x,y,z,4,5"),
        ("var a = [1, 2, 3]; a.splice(-1).join() + ':' + a.join() + ':' + a.splice(0, 0).length", "3:1,2:0"),
        ("[1, 2, 3, 4, 5].copyWithin(0, 3).join()", "4,5,3,4,5"),
        ("[1, 2, 3, 4, 5].copyWithin(1, 0, 3).join()", "1,1,2,3,5"),
        ("[1, 2, 3].fill(0, 1).join() + ':' + Array(3).fill('a').join()", "1,0,0:a,a,a"),
        ("var a = [1, , 3]; a.reverse(); a.join() + ':' + (1 in a)", "3,,1:false"),
        ("var o = {length: 2, 0: 'a'}; Array.prototype.push.call(o, 'b'); o.length + o[2]", "3b"),
        ("var o = {length: 9007199254740991}; try { Array.prototype.push.call(o, 1) } catch (e) { e.constructor.name }", "TypeError"),
        ("var a = Object.freeze([1, 2]); try { a.push(3) } catch (e) { e.constructor.name + ':' + a.length }", "TypeError:2"),
        ("var a = [1, 2, 3]; Object.defineProperty(a, 'length', {writable: false}); try { a.pop() } catch (e) { e.constructor.name + ':' + a.join() }", "TypeError:1,2,"),
        ("var a = [1, 2, 3, 4]; a.length = 2; a.join() + ':' + (3 in a)", "1,2:false"),
    ]);
}

#[test]
fn dense_fast_paths_match_the_generic_ones() {
    check(&[
        ("var a = []; a.splice(0, 0).length + ',' + a.length + ',' + [].concat([]).length", "0,0,0"),
        ("var a = [1, 2, 3]; a.splice(1, 0, 'a', 'b', 'c', 'd', 'e', 'f'); a.join() + ':' + a.length", "1,a,b,c,d,e,f,2,3:9"),
        ("var a = [1, 2, 3]; a.unshift(...Array.from({length: 200}, (_, i) => i)); a.length + ',' + a[0] + ',' + a[199] + ',' + a[202]", "203,0,199,3"),
        ("var a = [1, , 3]; [0].concat(a, [4, 5], 6).map(String).join() + ':' + (2 in [0].concat(a))", "0,1,,3,4,5,6:false"),
        ("Array.prototype[1] = 'P'; var r = [0].concat([1, , 3]).join() + '|' + [1, , 3].slice(0).join(); delete Array.prototype[1]; r", "0,1,P,3|1,P,3"),
        ("[1.5, -0, 1e21, NaN, -Infinity, 123456789012].join(' ')", "1.5 0 1e+21 NaN -Infinity 123456789012"),
        ("var a = [1, 2, 3]; Object.defineProperty(a, 1, {get() { return 'g' }}); a.slice(0).join() + ',' + a.splice(0, 2).join()", "1,g,3,1,g"),
    ]);
}

#[test]
fn sorting() {
    check(&[
        ("[3, 1, 10, 2].sort().join()", "1,10,2,3"),
        ("[3, 1, 10, 2].sort((a, b) => a - b).join()", "1,2,3,10"),
        ("var a = [3, undefined, , 1]; a.sort(); a.length + ':' + a[0] + ',' + a[1] + ',' + a[2] + ':' + (3 in a)", "4:1,3,undefined:false"),
        // stability
        (
            "var a = []; for (var i = 0; i < 100; i++) a.push({k: i % 3, i}); a.sort((x, y) => x.k - y.k); \
             a.every((x, j) => j == 0 || a[j-1].k < x.k || (a[j-1].k == x.k && a[j-1].i < x.i))",
            "true",
        ),
        ("try { [2, 1].sort((a, b) => { throw new Error('cmp') }) } catch (e) { e.message }", "cmp"),
        ("try { [].sort(1) } catch (e) { e.constructor.name }", "TypeError"),
        ("var a = [3, 2, 1]; var b = a.toSorted(); a.join() + ':' + b.join()", "3,2,1:1,2,3"),
        ("[1, , 2].toSorted().length + ',' + ([1, , 3].toSorted()[2] === undefined)", "3,true"),
        ("var o = {length: 3, 0: 'c', 1: 'a', 2: 'b'}; Array.prototype.sort.call(o); o[0] + o[1] + o[2]", "abc"),
    ]);
}

#[test]
fn iteration_methods() {
    check(&[
        ("[1, 2, 3].map(x => x * 2).join()", "2,4,6"),
        ("[1, 2, 3, 4].filter(x => x % 2).join()", "1,3"),
        ("var s = ''; [1, , 3].forEach((x, i) => s += i + '=' + x + ';'); s", "0=1;2=3;"),
        ("[1, 2, 3].every(x => x > 0) + ',' + [1, 2, 3].some(x => x > 2) + ',' + [].some(x => true)", "true,true,false"),
        ("[1, 2, 3].reduce((a, b) => a + b) + ',' + ['a', 'b', 'c'].reduceRight((a, b) => a + b, '>')", "6,>cba"),
        ("try { [].reduce((a, b) => a) } catch (e) { e.constructor.name }", "TypeError"),
        ("[5, 12, 8, 130].find(x => x > 10) + ',' + [5, 12, 8, 130].findIndex(x => x > 10) + ',' + [5, 12, 8, 130].findLast(x => x > 10) + ',' + [5, 12].findLastIndex(x => x > 100)", "12,1,130,-1"),
        ("[1, [2, [3, [4]]]].flat().length + ',' + [1, [2, [3, [4]]]].flat(Infinity).join()", "3,1,2,3,4"),
        ("[1, 2].flatMap(x => [x, [x * 2]]).length", "4"),
        ("var o = {length: 2, 0: 'a', 1: 'b'}; Array.prototype.map.call(o, x => x + x).join()", "aa,bb"),
        ("try { [1].map(5) } catch (e) { e.constructor.name + ': ' + e.message }", "TypeError: 5 is not a function"),
        // species
        ("class MyArr extends Array {} var m = MyArr.from([1, 2, 3]).map(x => x); (m instanceof MyArr) + ',' + m.length", "true,3"),
        ("var a = [1, 2]; a.constructor = {[Symbol.species]: null}; Array.isArray(a.filter(x => 1))", "true"),
        ("var a = [1]; a.constructor = {[Symbol.species]: function(n) { return {length: 0, n} }}; a.slice(0).n", "1"),
        ("var a = [1]; a.constructor = {[Symbol.species]: 5}; try { a.map(x => x) } catch (e) { e.constructor.name }", "TypeError"),
    ]);
}

#[test]
fn accessors_and_search() {
    check(&[
        ("[1, 2, 3].at(-1) + ',' + [1, 2, 3].at(5)", "3,undefined"),
        ("[1, 2].concat([3, [4]], 5).length + ',' + [].concat.call(1, 2).length", "5,2"),
        ("var o = {length: 2, 0: 'x', 1: 'y', [Symbol.isConcatSpreadable]: true}; [0].concat(o).join()", "0,x,y"),
        ("var a = [1, 2]; a[Symbol.isConcatSpreadable] = false; [0].concat(a).length", "2"),
        ("[1, 2, 3, 4].slice(1, -1).join() + ':' + [1, 2, 3].slice(-2).join()", "2,3:2,3"),
        ("[1, 2, NaN, 2].indexOf(2) + ',' + [1, 2, NaN, 2].lastIndexOf(2) + ',' + [NaN].indexOf(NaN) + ',' + [NaN].includes(NaN)", "1,3,-1,true"),
        ("[1, 2, 3].indexOf(3, -1) + ',' + [1, 2, 3].lastIndexOf(1, -3) + ',' + [1, 2, 3].includes(1, 1)", "2,0,false"),
        ("[1, [2, 3], null, undefined, 'x'].join('-') + '|' + [1, 2].toString()", "1-2,3---x|1,2"),
        ("Array.prototype.toString.call({join: () => 'J'}) + ',' + Array.prototype.toString.call({})", "J,[object Object]"),
        ("[1, 'a', {toLocaleString() { return 'L' }}].toLocaleString()", "1,a,L"),
        ("[1, 2, 3].toReversed().join() + ':' + [1, 2, 3].with(-1, 9).join() + ':' + [1, 2, 3, 4].toSpliced(1, 2, 'x').join()", "3,2,1:1,2,9:1,x,4"),
        ("try { [1].with(3, 0) } catch (e) { e.constructor.name }", "RangeError"),
        ("var u = Array.prototype[Symbol.unscopables]; Object.getPrototypeOf(u) + ',' + u.flat + ',' + u.map + ',' + Object.keys(u).length", "null,true,undefined,16"),
        ("Array.prototype[Symbol.iterator] === Array.prototype.values", "true"),
    ]);
}

#[test]
fn sparse_and_huge_lengths() {
    check(&[
        // the hole skipping must not walk billions of indices
        ("var a = []; a[4294967294] = 'last'; a[0] = 'first'; var n = 0; a.forEach(() => n++); n + ',' + a.indexOf('last') + ',' + a.lastIndexOf('first')", "2,4294967294,0"),
        ("var o = {length: 9007199254740991, 9007199254740990: 'z'}; Array.prototype.lastIndexOf.call(o, 'z') + ',' + Array.prototype.includes.call(o, 'y', 9007199254740980)", "9007199254740990,false"),
        ("var a = []; a[1e9] = 1; a.slice(999999999).length + ',' + a.reduce((x, y) => x + y)", "2,1"),
        ("var o = {length: 2**53 - 1}; try { [].concat.call(1, {length: 2**53 - 1, [Symbol.isConcatSpreadable]: true}) } catch (e) { e.constructor.name }", "TypeError"),
        ("var x = []; var k = 1; for (var i = 0; i < 32; i++) { k *= 2; x[k - 2] = k } x.length + ',' + x[4294967294]", "4294967295,4294967296"),
    ]);
}

#[test]
fn iterators() {
    check(&[
        ("var r = []; for (var [i, v] of ['a', 'b'].entries()) r.push(i + v); r.join()", "0a,1b"),
        ("[...['a', 'b'].keys()].join() + ',' + [...['x', 'y'].values()].join()", "0,1,x,y"),
        ("var it = Array.prototype.values.call({length: 2, 0: 'p', 1: 'q'}); it.next().value + it.next().value + it.next().done", "pqtrue"),
        ("var a = [1]; var it = a[Symbol.iterator](); it.next(); it.next(); a.push(2); it.next().done", "true"),
        ("Object.prototype.toString.call([].values())", "[object Array Iterator]"),
        ("try { [].values().next.call({}) } catch (e) { e.constructor.name }", "TypeError"),
    ]);
}

#[test]
fn array_methods_root_what_they_hold_under_gc_stress() {
    check_with(
        &[
            ("[3, 1, 2].map(x => ({v: 'n' + x})).sort((a, b) => { var junk = []; for (var i = 0; i < 20; i++) junk.push({i}); return a.v < b.v ? -1 : 1 }).map(o => o.v).join()", "n1,n2,n3"),
            ("Array.from({length: 5}, (_, i) => [i, 'x' + i]).flat().filter(x => typeof x == 'string').concat(['y']).join()", "x0,x1,x2,x3,x4,y"),
            ("['b', 'a', 'c'].map(s => s + s).toSorted().reduce((acc, s) => acc + s, '')", "aabbcc"),
            ("var o = {length: 3, get 0() { return {a: 'zero'} }, get 1() { var j = []; for (var i = 0; i < 30; i++) j.push([i]); return 'one' + j.length }, 2: 2}; Array.from(o).concat(Array.prototype.slice.call(o)).map(x => typeof x == 'object' ? x.a : x).join()", "zero,one30,2,zero,one30,2"),
            ("var a = [5, 4, 3, 2, 1].map(n => 'v' + n); a.splice(1, 2, {x: 'new'}, 'k' + 1); a.reverse(); a.map(x => typeof x == 'object' ? x.x : x).join()", "v1,v2,k1,new,v5"),
        ],
        true,
    );
}
