//! `String`, `String.prototype` and the string iterator. Strings are UTF-16 code units; every
//! method here works on units. The regular-expression protocol methods (`match`, `replace`,
//! `search`, `split`, `matchAll`) dispatch to the argument's `Symbol.*` methods and fall back
//! to `RegExp` (see `regexp.rs`).

use super::{def, NativeDef};
use crate::interp::access::Args;
use crate::vm::object::{attr, class, PropKey};
use crate::vm::string::MAX_STRING_LEN;
use crate::vm::{JsResult, Value, Vm, A, I};

pub const NATIVES: &[NativeDef] = &[
    def("String", string_ctor, 1),
    def("String.fromCharCode", from_char_code, 1),
    def("String.fromCodePoint", from_code_point, 1),
    def("String.raw", raw, 1),
    def("String.prototype.toString", to_string, 0),
    def("String.prototype.valueOf", to_string, 0),
    def("String.prototype.at", at, 1),
    def("String.prototype.charAt", char_at, 1),
    def("String.prototype.charCodeAt", char_code_at, 1),
    def("String.prototype.codePointAt", code_point_at, 1),
    def("String.prototype.concat", concat, 1),
    def("String.prototype.endsWith", ends_with, 1),
    def("String.prototype.includes", includes, 1),
    def("String.prototype.indexOf", index_of, 1),
    def("String.prototype.lastIndexOf", last_index_of, 1),
    def("String.prototype.localeCompare", locale_compare, 1),
    def("String.prototype.match", match_, 1),
    def("String.prototype.matchAll", match_all, 1),
    def("String.prototype.normalize", normalize, 0),
    def("String.prototype.padEnd", pad_end, 1),
    def("String.prototype.padStart", pad_start, 1),
    def("String.prototype.repeat", repeat, 1),
    def("String.prototype.replace", replace, 2),
    def("String.prototype.replaceAll", replace_all, 2),
    def("String.prototype.search", search, 1),
    def("String.prototype.slice", slice, 2),
    def("String.prototype.split", split, 2),
    def("String.prototype.startsWith", starts_with, 1),
    def("String.prototype.substring", substring, 2),
    def("String.prototype.substr", substr, 2),
    def("String.prototype.toLowerCase", to_lower_case, 0),
    def("String.prototype.toUpperCase", to_upper_case, 0),
    def("String.prototype.toLocaleLowerCase", to_lower_case, 0),
    def("String.prototype.toLocaleUpperCase", to_upper_case, 0),
    def("String.prototype.trim", trim, 0),
    def("String.prototype.trimStart", trim_start, 0),
    def("String.prototype.trimEnd", trim_end, 0),
    def("String.prototype.isWellFormed", is_well_formed, 0),
    def("String.prototype.toWellFormed", to_well_formed, 0),
    def("String.prototype[Symbol.iterator]", iterator, 0),
    def("%StringIteratorPrototype%.next", iter_next, 0),
    def("String.prototype.anchor", html_anchor, 1),
    def("String.prototype.big", html_big, 0),
    def("String.prototype.blink", html_blink, 0),
    def("String.prototype.bold", html_bold, 0),
    def("String.prototype.fixed", html_fixed, 0),
    def("String.prototype.fontcolor", html_fontcolor, 1),
    def("String.prototype.fontsize", html_fontsize, 1),
    def("String.prototype.italics", html_italics, 0),
    def("String.prototype.link", html_link, 1),
    def("String.prototype.small", html_small, 0),
    def("String.prototype.strike", html_strike, 0),
    def("String.prototype.sub", html_sub, 0),
    def("String.prototype.sup", html_sup, 0),
];

pub fn init(vm: &mut Vm) -> JsResult<()> {
    let op = vm.i(I::ObjectProto);
    let sp = vm.new_object_with(class::STRING, op, 1)?;
    let e = vm.a(A::empty);
    vm.set_slot(sp, 0, e);
    vm.set_intrinsic(I::StringProto, sp);
    let c = vm.def_ctor("String", sp)?;
    vm.def_methods(c, &["String.fromCharCode", "String.fromCodePoint", "String.raw"])?;
    let names: Vec<&str> = NATIVES
        .iter()
        .map(|d| d.name)
        .filter(|n| n.starts_with("String.prototype.") && !matches!(*n, "String.prototype.trimStart" | "String.prototype.trimEnd"))
        .collect();
    vm.def_methods(sp, &names)?;
    // trimLeft / trimRight are the same function objects as trimStart / trimEnd (Annex B)
    let ts = vm.def_method(sp, "String.prototype.trimStart")?;
    vm.put_str(sp, "trimLeft", ts, attr::WC)?;
    let te = vm.def_method(sp, "String.prototype.trimEnd")?;
    vm.put_str(sp, "trimRight", te, attr::WC)?;
    vm.def_method(sp, "String.prototype[Symbol.iterator]")?;
    // %StringIteratorPrototype%
    let ip = vm.i(I::IteratorProto);
    let sip = vm.new_plain(ip)?;
    vm.set_intrinsic(I::StringIteratorProto, sip);
    vm.def_method(sip, "%StringIteratorPrototype%.next")?;
    let tag = vm.str_from("String Iterator")?;
    let tk = vm.i(I::SymToStringTag);
    vm.put(sip, PropKey::Key(tk), tag, attr::C)?;
    Ok(())
}

// ----- helpers -------------------------------------------------------------------------------

/// A string of one code unit (ASCII ones are shared atoms, so `charAt` loops make no garbage).
pub fn unit_string(vm: &mut Vm, c: u16) -> JsResult<Value> {
    if c < 128 {
        vm.intern(&[c])
    } else {
        vm.new_string(&[c])
    }
}

/// The substring `[from, to)` of `s` (the same value when it is the whole string).
pub fn substr_of(vm: &mut Vm, s: Value, from: usize, to: usize) -> JsResult<Value> {
    let n = vm.str_len(s);
    if from == 0 && to >= n {
        return Ok(s);
    }
    if to <= from {
        return Ok(vm.a(A::empty));
    }
    if to - from == 1 {
        let c = vm.units(s)[from];
        return unit_string(vm, c);
    }
    let u = vm.units(s)[from..to].to_vec();
    vm.new_string(&u)
}

/// A new string from units, with the engine's length limit (RangeError "Invalid string length").
pub fn make_string(vm: &mut Vm, u: &[u16]) -> JsResult<Value> {
    if u.is_empty() {
        return Ok(vm.a(A::empty));
    }
    if u.len() == 1 {
        return unit_string(vm, u[0]);
    }
    vm.new_string(u)
}

pub fn this_string(vm: &mut Vm, a: &Args) -> JsResult<Value> {
    let t = a.this(vm);
    if t.is_str() {
        return Ok(t);
    }
    if t.is_obj() && vm.class_of(t) == class::STRING {
        return Ok(vm.slot(t, 0));
    }
    Err(vm.throw_type("String.prototype.valueOf requires that 'this' be a String"))
}

/// RequireObjectCoercible(this) + ToString; the result is pushed on the stack (rooted).
pub fn this_str_coerce(vm: &mut Vm, a: &Args) -> JsResult<Value> {
    let t = a.this(vm);
    if t.is_nullish() {
        return Err(vm.throw_type("String.prototype method called on null or undefined"));
    }
    let s = vm.to_string(t)?;
    vm.stack.push(s);
    Ok(s)
}

fn arg_string(vm: &mut Vm, a: &Args, i: usize) -> JsResult<Value> {
    let v = a.get(vm, i);
    let s = vm.to_string(v)?;
    vm.stack.push(s);
    Ok(s)
}

/// Index of `needle` in `hay` at or after `from`.
pub fn find_units(hay: &[u16], needle: &[u16], from: usize) -> Option<usize> {
    let n = needle.len();
    if n == 0 {
        return if from <= hay.len() { Some(from) } else { None };
    }
    if hay.len() < n || from > hay.len() - n {
        return None;
    }
    let first = needle[0];
    let last_start = hay.len() - n;
    let mut i = from;
    while i <= last_start {
        // scan for the first unit, then compare the rest
        match hay[i..=last_start].iter().position(|&c| c == first) {
            None => return None,
            Some(p) => {
                i += p;
                if &hay[i + 1..i + n] == &needle[1..] {
                    return Some(i);
                }
                i += 1;
            }
        }
    }
    None
}

/// Last index of `needle` in `hay` starting at or before `from`.
fn rfind_units(hay: &[u16], needle: &[u16], from: usize) -> Option<usize> {
    let n = needle.len();
    if hay.len() < n {
        return None;
    }
    let mut i = from.min(hay.len() - n);
    loop {
        if &hay[i..i + n] == needle {
            return Some(i);
        }
        if i == 0 {
            return None;
        }
        i -= 1;
    }
}

pub fn is_js_whitespace(c: u16) -> bool {
    matches!(c, 0x09..=0x0D | 0x20 | 0xA0 | 0x1680 | 0x2000..=0x200A | 0x2028 | 0x2029 | 0x202F | 0x205F | 0x3000 | 0xFEFF)
}

/// The code point at `i` and its length in units (lone surrogates are themselves).
pub fn code_point_at_units(u: &[u16], i: usize) -> (u32, usize) {
    let c = u[i];
    if (0xD800..0xDC00).contains(&c) && i + 1 < u.len() {
        let d = u[i + 1];
        if (0xDC00..0xE000).contains(&d) {
            return (0x10000 + (((c as u32) - 0xD800) << 10) + (d as u32 - 0xDC00), 2);
        }
    }
    (c as u32, 1)
}

/// IsRegExp(v).
pub fn is_regexp(vm: &mut Vm, v: Value) -> JsResult<bool> {
    if !v.is_obj() {
        return Ok(false);
    }
    let mk = vm.i(I::SymMatch);
    let m = vm.get(v, PropKey::Key(mk), v)?;
    if !m.is_undefined() {
        return Ok(vm.to_boolean(m));
    }
    Ok(vm.class_of(v) == class::REGEXP)
}

fn clamp_pos(p: f64, len: usize) -> usize {
    if p <= 0.0 {
        0
    } else if p >= len as f64 {
        len
    } else {
        p as usize
    }
}

// ----- the constructor and static methods ----------------------------------------------------

fn string_ctor(vm: &mut Vm, a: &Args) -> JsResult<Value> {
    let v = a.get(vm, 0);
    let s = if a.argc == 0 {
        vm.a(A::empty)
    } else if v.is_sym() && !a.is_construct() {
        let t = vm.key_display(PropKey::Key(v));
        vm.str_from(&t)?
    } else {
        vm.to_string(v)?
    };
    if !a.is_construct() {
        return Ok(s);
    }
    vm.stack.push(s);
    let p = vm.proto_from_ctor(a.new_target, I::StringProto)?;
    let o = vm.new_object_with(class::STRING, p, 1)?;
    vm.set_slot(o, 0, s);
    vm.stack.pop();
    Ok(o)
}

fn from_char_code(vm: &mut Vm, a: &Args) -> JsResult<Value> {
    let mut out = Vec::with_capacity(a.argc);
    for i in 0..a.argc {
        let v = a.get(vm, i);
        let n = vm.to_number(v)?;
        out.push(crate::interp::ops::to_uint32(n) as u16);
    }
    make_string(vm, &out)
}

fn from_code_point(vm: &mut Vm, a: &Args) -> JsResult<Value> {
    let mut out = Vec::with_capacity(a.argc);
    for i in 0..a.argc {
        let v = a.get(vm, i);
        let n = vm.to_number(v)?;
        if n.is_nan() || n < 0.0 || n > 1114111.0 || n.trunc() != n {
            let t = crate::display::number(n);
            return Err(vm.throw_range(&format!("Invalid code point {t}")));
        }
        push_code_point(&mut out, n as u32);
    }
    make_string(vm, &out)
}

pub fn push_code_point(out: &mut Vec<u16>, cp: u32) {
    if cp < 0x10000 {
        out.push(cp as u16);
    } else {
        let c = cp - 0x10000;
        out.push(0xD800 + (c >> 10) as u16);
        out.push(0xDC00 + (c & 0x3FF) as u16);
    }
}

fn raw(vm: &mut Vm, a: &Args) -> JsResult<Value> {
    let base = vm.stack.len();
    let cooked = vm.to_object(a.get(vm, 0))?;
    vm.stack.push(cooked);
    let rk = vm.key_atom(A::raw);
    let r = vm.get(cooked, rk, cooked)?;
    let r = vm.to_object(r)?;
    vm.stack.push(r);
    let n = vm.length_of(r)?;
    let mut out: Vec<u16> = Vec::new();
    let mut i = 0.0;
    while i < n {
        let k = vm.to_property_key(Value::num(i))?;
        let seg = vm.get(r, k, r)?;
        let seg = vm.to_string(seg)?;
        out.extend_from_slice(vm.units(seg));
        if out.len() > MAX_STRING_LEN {
            return Err(vm.throw_range("Invalid string length"));
        }
        if i + 1.0 >= n {
            break;
        }
        let si = i as usize + 1;
        if si < a.argc {
            let sub = a.get(vm, si);
            let sub = vm.to_string(sub)?;
            out.extend_from_slice(vm.units(sub));
        }
        i += 1.0;
    }
    vm.stack.truncate(base);
    make_string(vm, &out)
}

// ----- simple accessors --------------------------------------------------------------------------

fn to_string(vm: &mut Vm, a: &Args) -> JsResult<Value> {
    this_string(vm, a)
}

fn at(vm: &mut Vm, a: &Args) -> JsResult<Value> {
    let s = this_str_coerce(vm, a)?;
    let rel = vm.to_integer(a.get(vm, 0))?;
    let n = vm.str_len(s) as f64;
    let k = if rel >= 0.0 { rel } else { n + rel };
    if k < 0.0 || k >= n {
        return Ok(Value::UNDEFINED);
    }
    let c = vm.units(s)[k as usize];
    unit_string(vm, c)
}

fn char_code_at(vm: &mut Vm, a: &Args) -> JsResult<Value> {
    let s = this_str_coerce(vm, a)?;
    let v = a.get(vm, 0);
    let i = if v.is_num() { crate::interp::ops::to_integer_or_infinity(v.as_num()) } else { vm.to_integer(v)? };
    let u = vm.units(s);
    if i < 0.0 || i >= u.len() as f64 {
        return Ok(Value::NAN);
    }
    Ok(Value::num(u[i as usize] as f64))
}

fn char_at(vm: &mut Vm, a: &Args) -> JsResult<Value> {
    let s = this_str_coerce(vm, a)?;
    let v = a.get(vm, 0);
    let i = if v.is_num() { crate::interp::ops::to_integer_or_infinity(v.as_num()) } else { vm.to_integer(v)? };
    let n = vm.str_len(s);
    if i < 0.0 || i >= n as f64 {
        return Ok(vm.a(A::empty));
    }
    let c = vm.units(s)[i as usize];
    unit_string(vm, c)
}

fn code_point_at(vm: &mut Vm, a: &Args) -> JsResult<Value> {
    let s = this_str_coerce(vm, a)?;
    let i = vm.to_integer(a.get(vm, 0))?;
    let u = vm.units(s);
    if i < 0.0 || i >= u.len() as f64 {
        return Ok(Value::UNDEFINED);
    }
    Ok(Value::num(code_point_at_units(u, i as usize).0 as f64))
}

fn concat(vm: &mut Vm, a: &Args) -> JsResult<Value> {
    let s = this_str_coerce(vm, a)?;
    if a.argc == 1 {
        let t = arg_string(vm, a, 0)?;
        return vm.concat(s, t);
    }
    let mut out = vm.units(s).to_vec();
    for i in 0..a.argc {
        let t = arg_string(vm, a, i)?;
        out.extend_from_slice(vm.units(t));
        if out.len() > MAX_STRING_LEN {
            return Err(vm.throw_range("Invalid string length"));
        }
    }
    make_string(vm, &out)
}

/// The search string of startsWith / endsWith / includes (a RegExp is a TypeError).
fn search_string_arg(vm: &mut Vm, a: &Args, what: &str) -> JsResult<Value> {
    let v = a.get(vm, 0);
    if is_regexp(vm, v)? {
        return Err(vm.throw_type(&format!("First argument to String.prototype.{what} must not be a regular expression")));
    }
    arg_string(vm, a, 0)
}

fn ends_with(vm: &mut Vm, a: &Args) -> JsResult<Value> {
    let s = this_str_coerce(vm, a)?;
    let t = search_string_arg(vm, a, "endsWith")?;
    let len = vm.str_len(s);
    let end = if a.get(vm, 1).is_undefined() { len } else { clamp_pos(vm.to_integer(a.get(vm, 1))?, len) };
    let (su, tu) = (vm.units(s), vm.units(t));
    if tu.len() > end {
        return Ok(Value::FALSE);
    }
    Ok(Value::bool(&su[end - tu.len()..end] == tu))
}

fn starts_with(vm: &mut Vm, a: &Args) -> JsResult<Value> {
    let s = this_str_coerce(vm, a)?;
    let t = search_string_arg(vm, a, "startsWith")?;
    let len = vm.str_len(s);
    let start = clamp_pos(vm.to_integer(a.get(vm, 1))?, len);
    let (su, tu) = (vm.units(s), vm.units(t));
    if start + tu.len() > len {
        return Ok(Value::FALSE);
    }
    Ok(Value::bool(&su[start..start + tu.len()] == tu))
}

fn includes(vm: &mut Vm, a: &Args) -> JsResult<Value> {
    let s = this_str_coerce(vm, a)?;
    let t = search_string_arg(vm, a, "includes")?;
    let len = vm.str_len(s);
    let start = clamp_pos(vm.to_integer(a.get(vm, 1))?, len);
    Ok(Value::bool(find_units(vm.units(s), vm.units(t), start).is_some()))
}

fn index_of(vm: &mut Vm, a: &Args) -> JsResult<Value> {
    let s = this_str_coerce(vm, a)?;
    let t = arg_string(vm, a, 0)?;
    let len = vm.str_len(s);
    let p = a.get(vm, 1);
    let start = if p.is_undefined() { 0 } else { clamp_pos(vm.to_integer(p)?, len) };
    Ok(Value::num(match find_units(vm.units(s), vm.units(t), start) {
        Some(i) => i as f64,
        None => -1.0,
    }))
}

fn last_index_of(vm: &mut Vm, a: &Args) -> JsResult<Value> {
    let s = this_str_coerce(vm, a)?;
    let t = arg_string(vm, a, 0)?;
    let n = vm.to_number(a.get(vm, 1))?;
    let len = vm.str_len(s);
    let pos = if n.is_nan() { f64::INFINITY } else { crate::interp::ops::to_integer_or_infinity(n) };
    let start = clamp_pos(pos, len);
    Ok(Value::num(match rfind_units(vm.units(s), vm.units(t), start) {
        Some(i) => i as f64,
        None => -1.0,
    }))
}

fn locale_compare(vm: &mut Vm, a: &Args) -> JsResult<Value> {
    let s = this_str_coerce(vm, a)?;
    let t = arg_string(vm, a, 0)?;
    // canonically equivalent strings compare equal (both in NFD), then code point order
    let prep = |u: &[u16]| -> Vec<u32> {
        let n;
        let u = if u.iter().all(|&c| c < 0xC0) {
            u
        } else {
            n = normalize_units(u, 1);
            &n[..]
        };
        char::decode_utf16(u.iter().copied()).map(|r| r.map(|c| c as u32).unwrap_or_else(|e| e.unpaired_surrogate() as u32)).collect()
    };
    let xs = prep(vm.units(s));
    let ys = prep(vm.units(t));
    Ok(Value::num(match xs.cmp(&ys) {
        std::cmp::Ordering::Less => -1.0,
        std::cmp::Ordering::Equal => 0.0,
        std::cmp::Ordering::Greater => 1.0,
    }))
}

fn normalize(vm: &mut Vm, a: &Args) -> JsResult<Value> {
    let s = this_str_coerce(vm, a)?;
    let f = a.get(vm, 0);
    let form = if f.is_undefined() {
        "NFC".to_string()
    } else {
        let f = vm.to_string(f)?;
        vm.string_lossy(f)
    };
    let form = match form.as_str() {
        "NFC" => 0,
        "NFD" => 1,
        "NFKC" => 2,
        "NFKD" => 3,
        _ => return Err(vm.throw_range("The normalization form should be one of NFC, NFD, NFKC, NFKD.")),
    };
    let u = vm.units(s);
    // text below these code points is already in the form (no decompositions, no combining marks)
    let limit = [0x300, 0xC0, 0xA0, 0xA0][form];
    if u.iter().all(|&c| c < limit) {
        return Ok(s);
    }
    let out = normalize_units(u, form);
    if out.as_slice() == vm.units(s) {
        return Ok(s);
    }
    make_string(vm, &out)
}

/// Unicode normalization of UTF-16 units (0 NFC, 1 NFD, 2 NFKC, 3 NFKD); lone surrogates
/// stay where they are and split the text into independently normalized runs.
fn normalize_units(u: &[u16], form: usize) -> Vec<u16> {
    use unicode_normalization::UnicodeNormalization;
    let mut out = Vec::with_capacity(u.len());
    let mut seg = String::new();
    let flush = |seg: &mut String, out: &mut Vec<u16>| {
        if seg.is_empty() {
            return;
        }
        let n: String = match form {
            0 => seg.nfc().collect(),
            1 => seg.nfd().collect(),
            2 => seg.nfkc().collect(),
            _ => seg.nfkd().collect(),
        };
        out.extend(n.encode_utf16());
        seg.clear();
    };
    for r in char::decode_utf16(u.iter().copied()) {
        match r {
            Ok(c) => seg.push(c),
            Err(e) => {
                flush(&mut seg, &mut out);
                out.push(e.unpaired_surrogate());
            }
        }
    }
    flush(&mut seg, &mut out);
    out
}

fn pad(vm: &mut Vm, a: &Args, at_start: bool) -> JsResult<Value> {
    let s = this_str_coerce(vm, a)?;
    let max = vm.to_length(a.get(vm, 0))?;
    let len = vm.str_len(s);
    if max <= len as f64 {
        return Ok(s);
    }
    let fill: Vec<u16> = if a.get(vm, 1).is_undefined() {
        vec![b' ' as u16]
    } else {
        let f = arg_string(vm, a, 1)?;
        vm.units(f).to_vec()
    };
    if fill.is_empty() {
        return Ok(s);
    }
    if max > MAX_STRING_LEN as f64 {
        return Err(vm.throw_range("Invalid string length"));
    }
    let fill_len = max as usize - len;
    let mut padding: Vec<u16> = Vec::with_capacity(max as usize);
    while padding.len() < fill_len {
        let take = (fill_len - padding.len()).min(fill.len());
        padding.extend_from_slice(&fill[..take]);
    }
    let su = vm.units(s);
    let out = if at_start {
        padding.extend_from_slice(su);
        padding
    } else {
        let mut o = su.to_vec();
        o.extend_from_slice(&padding);
        o
    };
    make_string(vm, &out)
}

fn pad_end(vm: &mut Vm, a: &Args) -> JsResult<Value> {
    pad(vm, a, false)
}
fn pad_start(vm: &mut Vm, a: &Args) -> JsResult<Value> {
    pad(vm, a, true)
}

fn repeat(vm: &mut Vm, a: &Args) -> JsResult<Value> {
    let s = this_str_coerce(vm, a)?;
    let n = vm.to_integer(a.get(vm, 0))?;
    if n < 0.0 || n.is_infinite() {
        let t = crate::display::number(n);
        return Err(vm.throw_range(&format!("Invalid count value: {t}")));
    }
    let len = vm.str_len(s);
    if n == 0.0 || len == 0 {
        return Ok(vm.a(A::empty));
    }
    if n * len as f64 > MAX_STRING_LEN as f64 {
        return Err(vm.throw_range("Invalid string length"));
    }
    let u = vm.units(s).repeat(n as usize);
    make_string(vm, &u)
}

fn slice(vm: &mut Vm, a: &Args) -> JsResult<Value> {
    let s = this_str_coerce(vm, a)?;
    let len = vm.str_len(s) as f64;
    let rel = |r: f64| if r < 0.0 { (len + r).max(0.0) } else { r.min(len) };
    let start = rel(vm.to_integer(a.get(vm, 0))?);
    let e = a.get(vm, 1);
    let end = if e.is_undefined() { len } else { rel(vm.to_integer(e)?) };
    if start >= end {
        return Ok(vm.a(A::empty));
    }
    substr_of(vm, s, start as usize, end as usize)
}

fn substring(vm: &mut Vm, a: &Args) -> JsResult<Value> {
    let s = this_str_coerce(vm, a)?;
    let len = vm.str_len(s);
    let v0 = a.get(vm, 0);
    let start = if v0.is_num() { crate::interp::ops::to_integer_or_infinity(v0.as_num()) } else { vm.to_integer(v0)? };
    let e = a.get(vm, 1);
    let end = if e.is_undefined() { len as f64 } else if e.is_num() { crate::interp::ops::to_integer_or_infinity(e.as_num()) } else { vm.to_integer(e)? };
    let (fs, fe) = (clamp_pos(start, len), clamp_pos(end, len));
    let (from, to) = if fs <= fe { (fs, fe) } else { (fe, fs) };
    substr_of(vm, s, from, to)
}

fn substr(vm: &mut Vm, a: &Args) -> JsResult<Value> {
    let s = this_str_coerce(vm, a)?;
    let size = vm.str_len(s) as f64;
    let mut start = vm.to_integer(a.get(vm, 0))?;
    if start == f64::NEG_INFINITY {
        start = 0.0;
    } else if start < 0.0 {
        start = (size + start).max(0.0);
    } else {
        start = start.min(size);
    }
    let l = a.get(vm, 1);
    let length = if l.is_undefined() { size } else { vm.to_integer(l)? };
    let end = (start + length).min(size);
    if start >= end {
        return Ok(vm.a(A::empty));
    }
    substr_of(vm, s, start as usize, end as usize)
}

// ----- case conversion and trimming -------------------------------------------------------------

pub fn convert_case(units: &[u16], upper: bool) -> Vec<u16> {
    if units.iter().all(|&c| c < 128) {
        return units
            .iter()
            .map(|&c| {
                let b = c as u8;
                (if upper { b.to_ascii_uppercase() } else { b.to_ascii_lowercase() }) as u16
            })
            .collect();
    }
    let mut out = Vec::with_capacity(units.len());
    let mut seg = String::new();
    let flush = |seg: &mut String, out: &mut Vec<u16>| {
        if !seg.is_empty() {
            let c = if upper { seg.to_uppercase() } else { seg.to_lowercase() };
            out.extend(c.encode_utf16());
            seg.clear();
        }
    };
    for r in char::decode_utf16(units.iter().copied()) {
        match r {
            Ok(ch) => seg.push(ch),
            Err(e) => {
                flush(&mut seg, &mut out);
                out.push(e.unpaired_surrogate());
            }
        }
    }
    flush(&mut seg, &mut out);
    out
}

fn case(vm: &mut Vm, a: &Args, upper: bool) -> JsResult<Value> {
    let s = this_str_coerce(vm, a)?;
    let u = convert_case(vm.units(s), upper);
    if u.as_slice() == vm.units(s) {
        return Ok(s);
    }
    make_string(vm, &u)
}

fn to_lower_case(vm: &mut Vm, a: &Args) -> JsResult<Value> {
    case(vm, a, false)
}
fn to_upper_case(vm: &mut Vm, a: &Args) -> JsResult<Value> {
    case(vm, a, true)
}

fn trim_impl(vm: &mut Vm, a: &Args, start: bool, end: bool) -> JsResult<Value> {
    let s = this_str_coerce(vm, a)?;
    let u = vm.units(s);
    let mut from = 0;
    let mut to = u.len();
    if start {
        while from < to && is_js_whitespace(u[from]) {
            from += 1;
        }
    }
    if end {
        while to > from && is_js_whitespace(u[to - 1]) {
            to -= 1;
        }
    }
    substr_of(vm, s, from, to)
}

fn trim(vm: &mut Vm, a: &Args) -> JsResult<Value> {
    trim_impl(vm, a, true, true)
}
fn trim_start(vm: &mut Vm, a: &Args) -> JsResult<Value> {
    trim_impl(vm, a, true, false)
}
fn trim_end(vm: &mut Vm, a: &Args) -> JsResult<Value> {
    trim_impl(vm, a, false, true)
}

fn is_well_formed(vm: &mut Vm, a: &Args) -> JsResult<Value> {
    let s = this_str_coerce(vm, a)?;
    Ok(Value::bool(char::decode_utf16(vm.units(s).iter().copied()).all(|r| r.is_ok())))
}

fn to_well_formed(vm: &mut Vm, a: &Args) -> JsResult<Value> {
    let s = this_str_coerce(vm, a)?;
    let u = vm.units(s);
    if char::decode_utf16(u.iter().copied()).all(|r| r.is_ok()) {
        return Ok(s);
    }
    let mut out = Vec::with_capacity(u.len());
    for r in char::decode_utf16(u.iter().copied()) {
        match r {
            Ok(c) => push_code_point(&mut out, c as u32),
            Err(_) => out.push(0xFFFD),
        }
    }
    make_string(vm, &out)
}

// ----- the regular-expression protocol ------------------------------------------------------------

/// `O[sym](args)` when the first argument is an object with that method; None otherwise.
fn dispatch(vm: &mut Vm, a: &Args, sym: I, args: &[Value], this: Value) -> JsResult<Option<Value>> {
    let v = a.get(vm, 0);
    if !v.is_obj() {
        return Ok(None);
    }
    let k = vm.i(sym);
    match vm.get_method(v, PropKey::Key(k))? {
        Some(f) => {
            let mut all = vec![this];
            all.extend_from_slice(args);
            Ok(Some(vm.call(f, v, &all)?))
        }
        None => Ok(None),
    }
}

fn require_coercible_this(vm: &mut Vm, a: &Args) -> JsResult<Value> {
    let t = a.this(vm);
    if t.is_nullish() {
        return Err(vm.throw_type("String.prototype method called on null or undefined"));
    }
    Ok(t)
}

/// `rx[sym](s)` for a new RegExp made from the argument (match, search, matchAll).
fn invoke_new_regexp(vm: &mut Vm, pattern: Value, flags: Option<&str>, s: Value, sym: I) -> JsResult<Value> {
    let f = match flags {
        Some(f) => vm.str_from(f)?,
        None => Value::UNDEFINED,
    };
    let rx = super::regexp::regexp_create(vm, pattern, f)?;
    vm.stack.push(rx);
    let k = vm.i(sym);
    let m = vm.get(rx, PropKey::Key(k), rx)?;
    if !vm.is_callable(m) {
        return Err(vm.throw_type("RegExp method is not a function"));
    }
    vm.call(m, rx, &[s])
}

fn match_(vm: &mut Vm, a: &Args) -> JsResult<Value> {
    let t = require_coercible_this(vm, a)?;
    if let Some(r) = dispatch(vm, a, I::SymMatch, &[], t)? {
        return Ok(r);
    }
    let s = vm.to_string(t)?;
    vm.stack.push(s);
    invoke_new_regexp(vm, a.get(vm, 0), None, s, I::SymMatch)
}

fn match_all(vm: &mut Vm, a: &Args) -> JsResult<Value> {
    let t = require_coercible_this(vm, a)?;
    let r = a.get(vm, 0);
    if !r.is_nullish() {
        if is_regexp(vm, r)? {
            let fk = vm.key_atom(A::flags);
            let flags = vm.get_v(r, fk)?;
            if flags.is_nullish() {
                return Err(vm.throw_type("String.prototype.matchAll called with a non-global RegExp argument"));
            }
            let fs = vm.to_string(flags)?;
            if !vm.units(fs).contains(&(b'g' as u16)) {
                return Err(vm.throw_type("String.prototype.matchAll called with a non-global RegExp argument"));
            }
        }
        if r.is_obj() {
            let k = vm.i(I::SymMatchAll);
            if let Some(f) = vm.get_method(r, PropKey::Key(k))? {
                return vm.call(f, r, &[t]);
            }
        }
    }
    let s = vm.to_string(t)?;
    vm.stack.push(s);
    invoke_new_regexp(vm, r, Some("g"), s, I::SymMatchAll)
}

fn search(vm: &mut Vm, a: &Args) -> JsResult<Value> {
    let t = require_coercible_this(vm, a)?;
    if let Some(r) = dispatch(vm, a, I::SymSearch, &[], t)? {
        return Ok(r);
    }
    let s = vm.to_string(t)?;
    vm.stack.push(s);
    invoke_new_regexp(vm, a.get(vm, 0), None, s, I::SymSearch)
}

/// GetSubstitution: expands `$$ $& $\` $' $n $nn $<name>` in `template`.
/// `named` is undefined or an object (its properties are read with [[Get]]).
pub fn get_substitution(
    vm: &mut Vm,
    matched: &[u16],
    s: &[u16],
    position: usize,
    captures: &[Value],
    named: Value,
    template: &[u16],
    out: &mut Vec<u16>,
) -> JsResult<()> {
    let t = template;
    let m = captures.len();
    let tail_pos = (position + matched.len()).min(s.len());
    let mut i = 0;
    while i < t.len() {
        let c = t[i];
        if c != b'$' as u16 || i + 1 >= t.len() {
            out.push(c);
            i += 1;
            continue;
        }
        let n = t[i + 1];
        match n {
            0x24 => {
                out.push(b'$' as u16);
                i += 2;
            }
            0x26 => {
                out.extend_from_slice(matched);
                i += 2;
            }
            0x60 => {
                out.extend_from_slice(&s[..position.min(s.len())]);
                i += 2;
            }
            0x27 => {
                out.extend_from_slice(&s[tail_pos..]);
                i += 2;
            }
            0x30..=0x39 => {
                let d1 = (n - 0x30) as usize;
                let two = i + 2 < t.len() && (0x30..=0x39).contains(&t[i + 2]);
                let (mut index, mut digits) = if two { (d1 * 10 + (t[i + 2] - 0x30) as usize, 2) } else { (d1, 1) };
                if index > m && digits == 2 {
                    index = d1;
                    digits = 1;
                }
                if index >= 1 && index <= m {
                    let cap = captures[index - 1];
                    if !cap.is_undefined() {
                        out.extend_from_slice(vm.units(cap));
                    }
                } else {
                    out.extend_from_slice(&t[i..i + 1 + digits]);
                }
                i += 1 + digits;
            }
            0x3C => {
                // $<
                if named.is_undefined() {
                    out.extend_from_slice(&t[i..i + 2]);
                    i += 2;
                    continue;
                }
                let Some(close) = t[i + 2..].iter().position(|&c| c == b'>' as u16) else {
                    out.extend_from_slice(&t[i..i + 2]);
                    i += 2;
                    continue;
                };
                let name = &t[i + 2..i + 2 + close];
                let k = vm.key_from_units(name)?;
                let v = vm.get(named, k, named)?;
                if !v.is_undefined() {
                    let sv = vm.to_string(v)?;
                    out.extend_from_slice(vm.units(sv));
                }
                i += 3 + close;
            }
            _ => {
                out.push(c);
                i += 1;
            }
        }
        if out.len() > MAX_STRING_LEN {
            return Err(vm.throw_range("Invalid string length"));
        }
    }
    Ok(())
}

fn replace_impl(vm: &mut Vm, a: &Args, all: bool) -> JsResult<Value> {
    let t = require_coercible_this(vm, a)?;
    let sv = a.get(vm, 0);
    let rv = a.get(vm, 1);
    if !sv.is_nullish() {
        if all && is_regexp(vm, sv)? {
            let fk = vm.key_atom(A::flags);
            let flags = vm.get_v(sv, fk)?;
            if flags.is_nullish() {
                return Err(vm.throw_type("replaceAll must be called with a global RegExp"));
            }
            let fs = vm.to_string(flags)?;
            if !vm.units(fs).contains(&(b'g' as u16)) {
                return Err(vm.throw_type("replaceAll must be called with a global RegExp"));
            }
        }
        if sv.is_obj() {
            let k = vm.i(I::SymReplace);
            if let Some(f) = vm.get_method(sv, PropKey::Key(k))? {
                return vm.call(f, sv, &[t, rv]);
            }
        }
    }
    let base = vm.stack.len();
    let s = vm.to_string(t)?;
    vm.stack.push(s);
    let search = vm.to_string(sv)?;
    vm.stack.push(search);
    let functional = vm.is_callable(rv);
    let template = if functional {
        Value::UNDEFINED
    } else {
        let r = vm.to_string(rv)?;
        vm.stack.push(r);
        r
    };
    let slen = vm.str_len(search);
    let su = vm.units(s).to_vec();
    let searchu = vm.units(search).to_vec();
    let mut positions = Vec::new();
    let mut p = find_units(&su, &searchu, 0);
    while let Some(pos) = p {
        positions.push(pos);
        if !all {
            break;
        }
        p = find_units(&su, &searchu, pos + slen.max(1));
    }
    if positions.is_empty() {
        vm.stack.truncate(base);
        return Ok(s);
    }
    let mut out: Vec<u16> = Vec::with_capacity(su.len());
    let mut end_of_last = 0;
    let tu = if functional { Vec::new() } else { vm.units(template).to_vec() };
    for pos in positions {
        out.extend_from_slice(&su[end_of_last.min(pos)..pos]);
        if functional {
            let r = vm.call(rv, Value::UNDEFINED, &[search, Value::num(pos as f64), s])?;
            let r = vm.to_string(r)?;
            out.extend_from_slice(vm.units(r));
        } else {
            get_substitution(vm, &searchu, &su, pos, &[], Value::UNDEFINED, &tu, &mut out)?;
        }
        end_of_last = pos + slen;
        if out.len() > MAX_STRING_LEN {
            return Err(vm.throw_range("Invalid string length"));
        }
    }
    if end_of_last < su.len() {
        out.extend_from_slice(&su[end_of_last..]);
    }
    vm.stack.truncate(base);
    make_string(vm, &out)
}

fn replace(vm: &mut Vm, a: &Args) -> JsResult<Value> {
    replace_impl(vm, a, false)
}
fn replace_all(vm: &mut Vm, a: &Args) -> JsResult<Value> {
    replace_impl(vm, a, true)
}

fn split(vm: &mut Vm, a: &Args) -> JsResult<Value> {
    let t = require_coercible_this(vm, a)?;
    let sep = a.get(vm, 0);
    let limit = a.get(vm, 1);
    if sep.is_obj() {
        let k = vm.i(I::SymSplit);
        if let Some(f) = vm.get_method(sep, PropKey::Key(k))? {
            return vm.call(f, sep, &[t, limit]);
        }
    }
    let base = vm.stack.len();
    let s = vm.to_string(t)?;
    vm.stack.push(s);
    let lim = if limit.is_undefined() { u32::MAX } else { vm.to_uint32(limit)? };
    let r = vm.to_string(sep)?;
    vm.stack.push(r);
    if lim == 0 {
        return vm.new_array(&[]);
    }
    if sep.is_undefined() {
        return vm.new_array(&[s]);
    }
    let ru = vm.units(r).to_vec();
    let su = vm.units(s).to_vec();
    let lim = lim as usize;
    let mut parts: Vec<Value> = Vec::new();
    if ru.is_empty() {
        for &c in su.iter().take(lim) {
            parts.push(unit_string(vm, c)?);
        }
        vm.stack.truncate(base);
        return vm.new_array(&parts);
    }
    if su.is_empty() {
        return vm.new_array(&[s]);
    }
    let mut i = 0;
    let mut j = find_units(&su, &ru, 0);
    while let Some(jj) = j {
        let part = make_string(vm, &su[i..jj])?;
        parts.push(part);
        if parts.len() >= lim {
            vm.stack.truncate(base);
            return vm.new_array(&parts);
        }
        i = jj + ru.len();
        j = find_units(&su, &ru, i);
    }
    let part = make_string(vm, &su[i..])?;
    parts.push(part);
    vm.stack.truncate(base);
    vm.new_array(&parts)
}

// ----- the string iterator ----------------------------------------------------------------------

/// Slot 2 of a string iterator (class ITER) marks its kind.
const STRING_ITER_TAG: u64 = 0x5354_5249;

fn iterator(vm: &mut Vm, a: &Args) -> JsResult<Value> {
    let s = this_str_coerce(vm, a)?;
    let p = vm.i(I::StringIteratorProto);
    let it = vm.new_object_with(class::ITER, p, 3)?;
    vm.set_slot(it, 0, s);
    vm.set_slot(it, 1, Value::num(0.0));
    vm.set_slot(it, 2, Value::int(STRING_ITER_TAG));
    Ok(it)
}

fn iter_next(vm: &mut Vm, a: &Args) -> JsResult<Value> {
    let it = a.this(vm);
    if !(it.is_obj() && vm.class_of(it) == class::ITER && vm.slot(it, 2) == Value::int(STRING_ITER_TAG)) {
        return Err(vm.throw_type("%StringIteratorPrototype%.next requires that 'this' be a String Iterator"));
    }
    let s = vm.slot(it, 0);
    if s.is_undefined() {
        return super::array::iter_result(vm, Value::UNDEFINED, true);
    }
    let i = vm.slot(it, 1).as_num() as usize;
    let u = vm.units(s);
    if i >= u.len() {
        vm.set_slot(it, 0, Value::UNDEFINED);
        return super::array::iter_result(vm, Value::UNDEFINED, true);
    }
    let (_, n) = code_point_at_units(u, i);
    vm.set_slot(it, 1, Value::num((i + n) as f64));
    let v = substr_of(vm, s, i, i + n)?;
    super::array::iter_result(vm, v, false)
}

// ----- Annex B HTML methods -------------------------------------------------------------------

fn html(vm: &mut Vm, a: &Args, tag: &str, attr: Option<&str>) -> JsResult<Value> {
    let s = this_str_coerce(vm, a)?;
    let mut out: Vec<u16> = Vec::new();
    out.push(b'<' as u16);
    out.extend(tag.encode_utf16());
    let mut value = Vec::new();
    if let Some(at) = attr {
        let v = arg_string(vm, a, 0)?;
        for &c in vm.units(v) {
            if c == b'"' as u16 {
                value.extend("&quot;".encode_utf16());
            } else {
                value.push(c);
            }
        }
        out.push(b' ' as u16);
        out.extend(at.encode_utf16());
        out.extend("=\"".encode_utf16());
        out.extend_from_slice(&value);
        out.push(b'"' as u16);
    }
    out.push(b'>' as u16);
    out.extend_from_slice(vm.units(s));
    out.extend("</".encode_utf16());
    out.extend(tag.encode_utf16());
    out.push(b'>' as u16);
    make_string(vm, &out)
}

fn html_anchor(vm: &mut Vm, a: &Args) -> JsResult<Value> {
    html(vm, a, "a", Some("name"))
}
fn html_big(vm: &mut Vm, a: &Args) -> JsResult<Value> {
    html(vm, a, "big", None)
}
fn html_blink(vm: &mut Vm, a: &Args) -> JsResult<Value> {
    html(vm, a, "blink", None)
}
fn html_bold(vm: &mut Vm, a: &Args) -> JsResult<Value> {
    html(vm, a, "b", None)
}
fn html_fixed(vm: &mut Vm, a: &Args) -> JsResult<Value> {
    html(vm, a, "tt", None)
}
fn html_fontcolor(vm: &mut Vm, a: &Args) -> JsResult<Value> {
    html(vm, a, "font", Some("color"))
}
fn html_fontsize(vm: &mut Vm, a: &Args) -> JsResult<Value> {
    html(vm, a, "font", Some("size"))
}
fn html_italics(vm: &mut Vm, a: &Args) -> JsResult<Value> {
    html(vm, a, "i", None)
}
fn html_link(vm: &mut Vm, a: &Args) -> JsResult<Value> {
    html(vm, a, "a", Some("href"))
}
fn html_small(vm: &mut Vm, a: &Args) -> JsResult<Value> {
    html(vm, a, "small", None)
}
fn html_strike(vm: &mut Vm, a: &Args) -> JsResult<Value> {
    html(vm, a, "strike", None)
}
fn html_sub(vm: &mut Vm, a: &Args) -> JsResult<Value> {
    html(vm, a, "sub", None)
}
fn html_sup(vm: &mut Vm, a: &Args) -> JsResult<Value> {
    html(vm, a, "sup", None)
}
