//! `RegExp`, `RegExp.prototype` (exec, test, the flag getters, `Symbol.match/matchAll/replace/
//! search/split`) and %RegExpStringIteratorPrototype%.
//!
//! A RegExp object (class REGEXP) keeps its pattern source, its flags string and the parsed
//! flag bits in its class slots; `lastIndex` is an ordinary own data property. The compiled
//! `regress::Regex` is a volatile cache keyed by (source, flags), rebuilt on a miss (after a
//! restart). Matching runs on the UTF-16 units directly, so every index is in code units.

use super::string::{code_point_at_units, get_substitution, make_string, substr_of};
use super::{def, NativeDef};
use crate::interp::access::Args;
use crate::vm::object::{attr, class, PropKey};
use crate::vm::string::MAX_STRING_LEN;
use crate::vm::{JsResult, Value, Vm, A, I};
use hashbrown::{Equivalent, HashMap};
use std::cell::RefCell;
use std::rc::Rc;

pub const NATIVES: &[NativeDef] = &[
    def("RegExp", regexp_ctor, 2),
    def("get RegExp[Symbol.species]", species, 0),
    def("RegExp.prototype.exec", exec, 1),
    def("RegExp.prototype.test", test, 1),
    def("RegExp.prototype.toString", to_string, 0),
    def("RegExp.prototype.compile", compile, 2),
    def("get RegExp.prototype.flags", flags_getter, 0),
    def("get RegExp.prototype.hasIndices", get_has_indices, 0),
    def("get RegExp.prototype.global", get_global, 0),
    def("get RegExp.prototype.ignoreCase", get_ignore_case, 0),
    def("get RegExp.prototype.multiline", get_multiline, 0),
    def("get RegExp.prototype.dotAll", get_dot_all, 0),
    def("get RegExp.prototype.unicode", get_unicode, 0),
    def("get RegExp.prototype.unicodeSets", get_unicode_sets, 0),
    def("get RegExp.prototype.sticky", get_sticky, 0),
    def("get RegExp.prototype.source", get_source, 0),
    def("RegExp.prototype[Symbol.match]", sym_match, 1),
    def("RegExp.prototype[Symbol.matchAll]", sym_match_all, 1),
    def("RegExp.prototype[Symbol.replace]", sym_replace, 2),
    def("RegExp.prototype[Symbol.search]", sym_search, 1),
    def("RegExp.prototype[Symbol.split]", sym_split, 2),
    def("%RegExpStringIteratorPrototype%.next", rsi_next, 0),
];

// flag bits (slot 2 of a RegExp object)
pub const F_D: u8 = 1;
pub const F_G: u8 = 2;
pub const F_I: u8 = 4;
pub const F_M: u8 = 8;
pub const F_S: u8 = 16;
pub const F_U: u8 = 32;
pub const F_V: u8 = 64;
pub const F_Y: u8 = 128;
const FLAG_CHARS: [(u8, char); 8] = [(F_D, 'd'), (F_G, 'g'), (F_I, 'i'), (F_M, 'm'), (F_S, 's'), (F_U, 'u'), (F_V, 'v'), (F_Y, 'y')];

const SLOT_SOURCE: usize = 0;
const SLOT_FLAGS: usize = 1;
const SLOT_BITS: usize = 2;

pub fn init(vm: &mut Vm) -> JsResult<()> {
    let op = vm.i(I::ObjectProto);
    let rp = vm.new_plain(op)?;
    vm.set_intrinsic(I::RegExpProto, rp);
    let c = vm.def_ctor("RegExp", rp)?;
    vm.set_intrinsic(I::RegExp, c);
    vm.def_getter(c, "get RegExp[Symbol.species]", None)?;
    let ex = vm.def_method(rp, "RegExp.prototype.exec")?;
    vm.set_intrinsic(I::RegExpProtoExec, ex);
    vm.def_methods(
        rp,
        &[
            "RegExp.prototype.test",
            "RegExp.prototype.toString",
            "RegExp.prototype.compile",
            "RegExp.prototype[Symbol.match]",
            "RegExp.prototype[Symbol.matchAll]",
            "RegExp.prototype[Symbol.replace]",
            "RegExp.prototype[Symbol.search]",
            "RegExp.prototype[Symbol.split]",
        ],
    )?;
    for g in [
        "get RegExp.prototype.dotAll",
        "get RegExp.prototype.flags",
        "get RegExp.prototype.global",
        "get RegExp.prototype.hasIndices",
        "get RegExp.prototype.ignoreCase",
        "get RegExp.prototype.multiline",
        "get RegExp.prototype.source",
        "get RegExp.prototype.sticky",
        "get RegExp.prototype.unicode",
        "get RegExp.prototype.unicodeSets",
    ] {
        vm.def_getter(rp, g, None)?;
    }
    let ip = vm.i(I::IteratorProto);
    let rsip = vm.new_plain(ip)?;
    vm.set_intrinsic(I::RegExpStringIteratorProto, rsip);
    vm.def_method(rsip, "%RegExpStringIteratorPrototype%.next")?;
    let tag = vm.str_from("RegExp String Iterator")?;
    let tk = vm.i(I::SymToStringTag);
    vm.put(rsip, PropKey::Key(tk), tag, attr::C)?;
    Ok(())
}

// ----- the compiled-regex cache --------------------------------------------------------------

#[derive(Hash)]
struct KeyRef<'a>(&'a [u16], u8);

impl Equivalent<(Vec<u16>, u8)> for KeyRef<'_> {
    fn equivalent(&self, k: &(Vec<u16>, u8)) -> bool {
        self.0 == k.0.as_slice() && self.1 == k.1
    }
}

thread_local! {
    static CACHE: RefCell<HashMap<(Vec<u16>, u8), Rc<regress::Regex>>> = RefCell::new(HashMap::new());
}

/// Parses the flags string; None when it has an unknown or repeated flag (or both u and v).
pub fn parse_flags(u: &[u16]) -> Option<u8> {
    let mut bits = 0u8;
    for &c in u {
        let b = FLAG_CHARS.iter().find(|(_, ch)| *ch as u16 == c)?.0;
        if bits & b != 0 {
            return None;
        }
        bits |= b;
    }
    if bits & F_U != 0 && bits & F_V != 0 {
        return None;
    }
    Some(bits)
}

/// The canonical flags text ("dgimsuvy" order) of the bits.
pub fn flags_text(bits: u8) -> String {
    FLAG_CHARS.iter().filter(|(b, _)| bits & b != 0).map(|(_, c)| *c).collect()
}

/// The compiled form of (source, flags); Err(message) on a syntax error.
pub fn compile_pattern(src: &[u16], bits: u8) -> Result<Rc<regress::Regex>, String> {
    if let Some(r) = CACHE.with(|c| c.borrow().get(&KeyRef(src, bits)).cloned()) {
        return Ok(r);
    }
    let unicode = bits & (F_U | F_V) != 0;
    // the early-error check shared with regex literals (Annex B rules without u)
    if !src.iter().any(|c| (0xD800..0xE000).contains(c)) {
        let text = String::from_utf16_lossy(src);
        if let Err((_, m)) = crate::regexp::validate(&text, &flags_text(bits)) {
            // node's capitalisation ("Unterminated group")
            let mut c = m.chars();
            return Err(c.next().map(|f| f.to_uppercase().collect::<String>() + c.as_str()).unwrap_or_default());
        }
    }
    let cps: Vec<u32> = if unicode {
        char::decode_utf16(src.iter().copied()).map(|r| r.map(|c| c as u32).unwrap_or_else(|e| e.unpaired_surrogate() as u32)).collect()
    } else {
        // code units, except that group names (`(?<name>`, `\k<name>`) may hold surrogate pairs
        let mut out = Vec::with_capacity(src.len());
        let mut i = 0;
        let mut in_name = false;
        while i < src.len() {
            let c = src[i];
            if in_name {
                if c == b'>' as u16 {
                    in_name = false;
                } else if (0xD800..0xDC00).contains(&c) && i + 1 < src.len() && (0xDC00..0xE000).contains(&src[i + 1]) {
                    out.push(0x10000 + (((c as u32) - 0xD800) << 10) + (src[i + 1] as u32 - 0xDC00));
                    i += 2;
                    continue;
                }
            } else if c == b'<' as u16 && i >= 1 && i + 1 < src.len() {
                let prev = src[i - 1];
                let next = src[i + 1];
                if (prev == b'?' as u16 && i >= 2 && src[i - 2] == b'(' as u16 && next != b'=' as u16 && next != b'!' as u16)
                    || (prev == b'k' as u16 && i >= 2 && src[i - 2] == b'\\' as u16)
                {
                    in_name = true;
                }
            }
            out.push(c as u32);
            i += 1;
        }
        out
    };
    let flags = regress::Flags {
        icase: bits & F_I != 0,
        multiline: bits & F_M != 0,
        dot_all: bits & F_S != 0,
        no_opt: false,
        unicode: bits & F_U != 0,
        unicode_sets: bits & F_V != 0,
    };
    let re = regress::Regex::from_unicode(cps.into_iter(), flags).map_err(|e| e.text)?;
    let re = Rc::new(re);
    CACHE.with(|c| {
        let mut c = c.borrow_mut();
        if c.len() > 1000 {
            c.clear();
        }
        c.insert((src.to_vec(), bits), re.clone());
    });
    Ok(re)
}

fn regex_of(vm: &mut Vm, r: Value) -> JsResult<Rc<regress::Regex>> {
    let src = vm.slot(r, SLOT_SOURCE);
    let bits = vm.slot(r, SLOT_BITS);
    if !src.is_str() || !bits.is_int() {
        return Err(vm.throw_type("RegExp object is not initialized"));
    }
    let bits = bits.payload() as u8;
    match compile_pattern(vm.units(src), bits) {
        Ok(re) => Ok(re),
        Err(m) => Err(vm.throw_syntax(&format!("Invalid regular expression: {m}"))),
    }
}

fn bits_of(vm: &Vm, r: Value) -> u8 {
    let b = vm.slot(r, SLOT_BITS);
    if b.is_int() {
        b.payload() as u8
    } else {
        0
    }
}

fn is_regexp_obj(vm: &Vm, v: Value) -> bool {
    v.is_obj() && vm.class_of(v) == class::REGEXP
}

// ----- creation ---------------------------------------------------------------------------------

/// RegExpAlloc: a RegExp object with the prototype from `new_target` and its `lastIndex`.
fn regexp_alloc(vm: &mut Vm, new_target: Value) -> JsResult<Value> {
    let p = vm.proto_from_ctor(new_target, I::RegExpProto)?;
    let o = vm.new_object_with(class::REGEXP, p, 3)?;
    let lk = vm.key_atom(A::lastIndex);
    vm.put(o, lk, Value::num(0.0), attr::W)?;
    Ok(o)
}

/// RegExpInitialize.
fn regexp_initialize(vm: &mut Vm, o: Value, pattern: Value, flags: Value) -> JsResult<Value> {
    let base = vm.stack.len();
    vm.stack.push(o);
    let p = if pattern.is_undefined() { vm.a(A::empty) } else { vm.to_string(pattern)? };
    vm.stack.push(p);
    let f = if flags.is_undefined() { vm.a(A::empty) } else { vm.to_string(flags)? };
    vm.stack.push(f);
    let Some(bits) = parse_flags(vm.units(f)) else {
        let ft = vm.string_lossy(f);
        return Err(vm.throw_syntax(&format!("Invalid flags supplied to RegExp constructor '{ft}'")));
    };
    if let Err(m) = compile_pattern(vm.units(p), bits) {
        let pt = vm.string_lossy(p);
        let ft = vm.string_lossy(f);
        return Err(vm.throw_syntax(&format!("Invalid regular expression: /{pt}/{ft}: {m}")));
    }
    vm.set_slot(o, SLOT_SOURCE, p);
    vm.set_slot(o, SLOT_FLAGS, f);
    vm.set_slot(o, SLOT_BITS, Value::int(bits as u64));
    set_last_index(vm, o, 0.0)?;
    vm.stack.truncate(base);
    Ok(o)
}

/// RegExpCreate(P, F) with %RegExp%.
pub fn regexp_create(vm: &mut Vm, pattern: Value, flags: Value) -> JsResult<Value> {
    let base = vm.stack.len();
    vm.stack.push(pattern);
    vm.stack.push(flags);
    let c = vm.i(I::RegExp);
    let o = regexp_alloc(vm, c)?;
    let r = regexp_initialize(vm, o, pattern, flags);
    vm.stack.truncate(base);
    r
}

/// A regular-expression literal.
pub fn regexp_create_literal(vm: &mut Vm, pattern: &str, flags: &str) -> JsResult<Value> {
    let base = vm.stack.len();
    let p = vm.str_from(pattern)?;
    vm.stack.push(p);
    let f = vm.str_from(flags)?;
    vm.stack.push(f);
    let r = regexp_create(vm, p, f);
    vm.stack.truncate(base);
    r
}

fn regexp_ctor(vm: &mut Vm, a: &Args) -> JsResult<Value> {
    let pattern = a.get(vm, 0);
    let flags = a.get(vm, 1);
    let base = vm.stack.len();
    let pattern_is_regexp = super::string::is_regexp(vm, pattern)?;
    let new_target = if a.is_construct() {
        a.new_target
    } else {
        let nt = a.callee(vm);
        if pattern_is_regexp && flags.is_undefined() {
            let ck = vm.key_atom(A::constructor);
            let pc = vm.get(pattern, ck, pattern)?;
            if pc == nt {
                return Ok(pattern);
            }
        }
        nt
    };
    let (p, f) = if is_regexp_obj(vm, pattern) {
        let src = vm.slot(pattern, SLOT_SOURCE);
        let f = if flags.is_undefined() { vm.slot(pattern, SLOT_FLAGS) } else { flags };
        (src, f)
    } else if pattern_is_regexp {
        let sk = vm.key_atom(A::source);
        let src = vm.get(pattern, sk, pattern)?;
        vm.stack.push(src);
        let f = if flags.is_undefined() {
            let fk = vm.key_atom(A::flags);
            vm.get(pattern, fk, pattern)?
        } else {
            flags
        };
        (src, f)
    } else {
        (pattern, flags)
    };
    vm.stack.push(p);
    vm.stack.push(f);
    let o = regexp_alloc(vm, new_target)?;
    let r = regexp_initialize(vm, o, p, f)?;
    vm.stack.truncate(base);
    Ok(r)
}

fn species(vm: &mut Vm, a: &Args) -> JsResult<Value> {
    Ok(a.this(vm))
}

/// Annex B `RegExp.prototype.compile`.
fn compile(vm: &mut Vm, a: &Args) -> JsResult<Value> {
    let o = a.this(vm);
    if !is_regexp_obj(vm, o) {
        return Err(vm.throw_type("RegExp.prototype.compile called on incompatible receiver"));
    }
    let pattern = a.get(vm, 0);
    let flags = a.get(vm, 1);
    let (p, f) = if is_regexp_obj(vm, pattern) {
        if !flags.is_undefined() {
            return Err(vm.throw_type("Cannot supply flags when constructing one RegExp from another"));
        }
        (vm.slot(pattern, SLOT_SOURCE), vm.slot(pattern, SLOT_FLAGS))
    } else {
        (pattern, flags)
    };
    vm.stack.push(p);
    vm.stack.push(f);
    regexp_initialize(vm, o, p, f)
}

// ----- lastIndex, exec ------------------------------------------------------------------------------

fn set_last_index(vm: &mut Vm, r: Value, v: f64) -> JsResult<()> {
    let lk = vm.key_atom(A::lastIndex);
    vm.put_value(r, lk, Value::num(v), true)
}

fn get_last_index(vm: &mut Vm, r: Value) -> JsResult<f64> {
    let lk = vm.key_atom(A::lastIndex);
    let v = vm.get(r, lk, r)?;
    if v.is_num() {
        let n = crate::interp::ops::to_integer_or_infinity(v.as_num());
        return Ok(n.clamp(0.0, 9007199254740991.0));
    }
    vm.to_length(v)
}

/// AdvanceStringIndex.
fn advance(u: &[u16], index: f64, unicode: bool) -> f64 {
    if !unicode || index + 1.0 >= u.len() as f64 {
        return index + 1.0;
    }
    index + code_point_at_units(u, index as usize).1 as f64
}

/// The first match of `re` in `u` at or after `start` (exactly at `start` when `sticky`).
fn find_at(re: &regress::Regex, u: &[u16], start: usize, unicode: bool, sticky: bool) -> Option<regress::Match> {
    let m = if unicode { re.find_from_utf16(u, start).next() } else { re.find_from_ucs2(u, start).next() };
    match m {
        Some(m) if !sticky || m.start() == start => Some(m),
        _ => None,
    }
}

/// RegExpBuiltinExec up to the match: reads and updates `lastIndex`; the match's ranges are in
/// code units of `s`. `r` must be a RegExp object; `r` and `s` must be rooted.
fn builtin_match(vm: &mut Vm, r: Value, s: Value) -> JsResult<Option<regress::Match>> {
    let li = get_last_index(vm, r)?;
    let bits = bits_of(vm, r);
    let global = bits & F_G != 0;
    let sticky = bits & F_Y != 0;
    let li = if !global && !sticky { 0.0 } else { li };
    let len = vm.str_len(s);
    if li > len as f64 {
        if global || sticky {
            set_last_index(vm, r, 0.0)?;
        }
        return Ok(None);
    }
    let re = regex_of(vm, r)?;
    let unicode = bits & (F_U | F_V) != 0;
    let m = find_at(&re, vm.units(s), li as usize, unicode, sticky);
    match m {
        None => {
            if global || sticky {
                set_last_index(vm, r, 0.0)?;
            }
            Ok(None)
        }
        Some(m) => {
            if global || sticky {
                set_last_index(vm, r, m.end() as f64)?;
            }
            Ok(Some(m))
        }
    }
}

fn range_value(vm: &mut Vm, s: Value, r: &Option<regress::Range>) -> JsResult<Value> {
    match r {
        Some(r) => substr_of(vm, s, r.start, r.end),
        None => Ok(Value::UNDEFINED),
    }
}

/// The groups object of a match (null-prototype), or undefined without named groups.
fn groups_object(vm: &mut Vm, s: Value, m: &regress::Match) -> JsResult<Value> {
    let mut named = m.named_groups().peekable();
    if named.peek().is_none() {
        return Ok(Value::UNDEFINED);
    }
    let g = vm.new_object_with(class::ORDINARY, Value::NULL, 0)?;
    for (name, r) in m.named_groups() {
        let v = range_value(vm, s, &r)?;
        let k = vm.key_from_str(name)?;
        vm.put(g, k, v, attr::WEC)?;
    }
    Ok(g)
}

/// The result array of a match (RegExpBuiltinExec's steps after matching).
fn match_array(vm: &mut Vm, s: Value, m: &regress::Match, has_indices: bool) -> JsResult<Value> {
    let mut items = Vec::with_capacity(1 + m.captures.len());
    items.push(substr_of(vm, s, m.start(), m.end())?);
    for c in &m.captures {
        items.push(range_value(vm, s, c)?);
    }
    let arr = vm.new_array(&items)?;
    let ik = vm.key_atom(A::index);
    vm.put(arr, ik, Value::num(m.start() as f64), attr::WEC)?;
    let ink = vm.key_atom(A::input);
    vm.put(arr, ink, s, attr::WEC)?;
    let groups = groups_object(vm, s, m)?;
    let gk = vm.key_atom(A::groups);
    vm.put(arr, gk, groups, attr::WEC)?;
    if has_indices {
        let pair = |vm: &mut Vm, r: &Option<regress::Range>| -> JsResult<Value> {
            match r {
                Some(r) => vm.new_array(&[Value::num(r.start as f64), Value::num(r.end as f64)]),
                None => Ok(Value::UNDEFINED),
            }
        };
        let mut ind = vec![pair(vm, &Some(m.range()))?];
        for c in &m.captures {
            ind.push(pair(vm, c)?);
        }
        let indices = vm.new_array(&ind)?;
        let ig = if groups.is_undefined() {
            Value::UNDEFINED
        } else {
            let g = vm.new_object_with(class::ORDINARY, Value::NULL, 0)?;
            for (name, r) in m.named_groups() {
                let v = pair(vm, &r)?;
                let k = vm.key_from_str(name)?;
                vm.put(g, k, v, attr::WEC)?;
            }
            g
        };
        vm.put(indices, gk, ig, attr::WEC)?;
        vm.put_str(arr, "indices", indices, attr::WEC)?;
    }
    Ok(arr)
}

/// RegExpBuiltinExec: the match array or null.
fn builtin_exec(vm: &mut Vm, r: Value, s: Value) -> JsResult<Value> {
    match builtin_match(vm, r, s)? {
        None => Ok(Value::NULL),
        Some(m) => {
            let d = bits_of(vm, r) & F_D != 0;
            match_array(vm, s, &m, d)
        }
    }
}

/// Whether `r`'s `exec` is the built-in one (looked up without running code).
fn exec_is_builtin(vm: &mut Vm, r: Value) -> bool {
    if !is_regexp_obj(vm, r) {
        return false;
    }
    let ek = vm.key_atom(A::exec);
    if vm.get_own(r, ek).is_some() {
        return false;
    }
    let p = vm.proto_of(r);
    if p != vm.i(I::RegExpProto) {
        return false;
    }
    let builtin = vm.i(I::RegExpProtoExec);
    matches!(vm.get_own(p, ek), Some(pr) if !pr.is_accessor() && pr.value == builtin)
}

/// RegExpExec(R, S): a user `exec` if there is one, else the built-in. `r`, `s` rooted.
pub fn regexp_exec(vm: &mut Vm, r: Value, s: Value) -> JsResult<Value> {
    let ek = vm.key_atom(A::exec);
    let f = vm.get(r, ek, r)?;
    if f == vm.i(I::RegExpProtoExec) && is_regexp_obj(vm, r) {
        return builtin_exec(vm, r, s);
    }
    if vm.is_callable(f) {
        let res = vm.call(f, r, &[s])?;
        if !res.is_obj() && !res.is_null() {
            return Err(vm.throw_type("exec result must be an object or null"));
        }
        return Ok(res);
    }
    if !is_regexp_obj(vm, r) {
        return Err(vm.throw_type("RegExp.prototype.exec called on incompatible receiver"));
    }
    builtin_exec(vm, r, s)
}

fn this_regexp(vm: &mut Vm, a: &Args, what: &str) -> JsResult<Value> {
    let r = a.this(vm);
    if !is_regexp_obj(vm, r) {
        return Err(vm.throw_type(&format!("{what} called on incompatible receiver")));
    }
    Ok(r)
}

fn this_object(vm: &mut Vm, a: &Args, what: &str) -> JsResult<Value> {
    let r = a.this(vm);
    if !r.is_obj() {
        return Err(vm.throw_type(&format!("{what} called on a non-object")));
    }
    Ok(r)
}

fn arg_str(vm: &mut Vm, a: &Args, i: usize) -> JsResult<Value> {
    let s = vm.to_string(a.get(vm, i))?;
    vm.stack.push(s);
    Ok(s)
}

fn exec(vm: &mut Vm, a: &Args) -> JsResult<Value> {
    let r = this_regexp(vm, a, "RegExp.prototype.exec")?;
    let s = arg_str(vm, a, 0)?;
    builtin_exec(vm, r, s)
}

fn test(vm: &mut Vm, a: &Args) -> JsResult<Value> {
    let r = this_object(vm, a, "RegExp.prototype.test")?;
    let s = arg_str(vm, a, 0)?;
    let ek = vm.key_atom(A::exec);
    let f = vm.get(r, ek, r)?;
    if f == vm.i(I::RegExpProtoExec) && is_regexp_obj(vm, r) {
        return Ok(Value::bool(builtin_match(vm, r, s)?.is_some()));
    }
    let res = regexp_exec(vm, r, s)?;
    Ok(Value::bool(!res.is_null()))
}

// ----- getters, toString --------------------------------------------------------------------------

fn flag_getter(vm: &mut Vm, a: &Args, bit: u8, name: &str) -> JsResult<Value> {
    let r = a.this(vm);
    if !r.is_obj() {
        return Err(vm.throw_type(&format!("RegExp.prototype.{name} getter called on non-object")));
    }
    if !is_regexp_obj(vm, r) {
        if r == vm.i(I::RegExpProto) {
            return Ok(Value::UNDEFINED);
        }
        return Err(vm.throw_type(&format!("RegExp.prototype.{name} getter called on non-RegExp object")));
    }
    Ok(Value::bool(bits_of(vm, r) & bit != 0))
}

fn get_has_indices(vm: &mut Vm, a: &Args) -> JsResult<Value> {
    flag_getter(vm, a, F_D, "hasIndices")
}
fn get_global(vm: &mut Vm, a: &Args) -> JsResult<Value> {
    flag_getter(vm, a, F_G, "global")
}
fn get_ignore_case(vm: &mut Vm, a: &Args) -> JsResult<Value> {
    flag_getter(vm, a, F_I, "ignoreCase")
}
fn get_multiline(vm: &mut Vm, a: &Args) -> JsResult<Value> {
    flag_getter(vm, a, F_M, "multiline")
}
fn get_dot_all(vm: &mut Vm, a: &Args) -> JsResult<Value> {
    flag_getter(vm, a, F_S, "dotAll")
}
fn get_unicode(vm: &mut Vm, a: &Args) -> JsResult<Value> {
    flag_getter(vm, a, F_U, "unicode")
}
fn get_unicode_sets(vm: &mut Vm, a: &Args) -> JsResult<Value> {
    flag_getter(vm, a, F_V, "unicodeSets")
}
fn get_sticky(vm: &mut Vm, a: &Args) -> JsResult<Value> {
    flag_getter(vm, a, F_Y, "sticky")
}

fn flags_getter(vm: &mut Vm, a: &Args) -> JsResult<Value> {
    let r = a.this(vm);
    if !r.is_obj() {
        return Err(vm.throw_type("RegExp.prototype.flags getter called on non-object"));
    }
    let mut out = String::new();
    for (name, ch) in [
        ("hasIndices", 'd'),
        ("global", 'g'),
        ("ignoreCase", 'i'),
        ("multiline", 'm'),
        ("dotAll", 's'),
        ("unicode", 'u'),
        ("unicodeSets", 'v'),
        ("sticky", 'y'),
    ] {
        let k = vm.key_from_str(name)?;
        let v = vm.get(r, k, r)?;
        if vm.to_boolean(v) {
            out.push(ch);
        }
    }
    vm.str_from(&out)
}

/// EscapeRegExpPattern: the source text as it may appear between slashes.
pub fn escape_source(u: &[u16]) -> Vec<u16> {
    if u.is_empty() {
        return "(?:)".encode_utf16().collect();
    }
    let mut out = Vec::with_capacity(u.len() + 2);
    let mut in_class = false;
    let mut i = 0;
    let esc_lt = |c: u16, out: &mut Vec<u16>| -> bool {
        let t = match c {
            0x0A => "n",
            0x0D => "r",
            0x2028 => "u2028",
            0x2029 => "u2029",
            _ => return false,
        };
        out.extend(t.encode_utf16());
        true
    };
    while i < u.len() {
        let c = u[i];
        if c == b'\\' as u16 {
            out.push(c);
            if i + 1 < u.len() {
                let n = u[i + 1];
                if !esc_lt(n, &mut out) {
                    out.push(n);
                }
            }
            i += 2;
            continue;
        }
        if c == b'/' as u16 && !in_class {
            out.push(b'\\' as u16);
            out.push(c);
        } else if c == b'[' as u16 {
            in_class = true;
            out.push(c);
        } else if c == b']' as u16 {
            in_class = false;
            out.push(c);
        } else if esc_lt(c, &mut Vec::new()) {
            out.push(b'\\' as u16);
            esc_lt(c, &mut out);
        } else {
            out.push(c);
        }
        i += 1;
    }
    out
}

fn get_source(vm: &mut Vm, a: &Args) -> JsResult<Value> {
    let r = a.this(vm);
    if !r.is_obj() {
        return Err(vm.throw_type("RegExp.prototype.source getter called on non-object"));
    }
    if !is_regexp_obj(vm, r) {
        if r == vm.i(I::RegExpProto) {
            return vm.str_from("(?:)");
        }
        return Err(vm.throw_type("RegExp.prototype.source getter called on non-RegExp object"));
    }
    let src = vm.slot(r, SLOT_SOURCE);
    let e = escape_source(vm.units(src));
    make_string(vm, &e)
}

fn to_string(vm: &mut Vm, a: &Args) -> JsResult<Value> {
    let r = this_object(vm, a, "RegExp.prototype.toString")?;
    let sk = vm.key_atom(A::source);
    let src = vm.get(r, sk, r)?;
    let src = vm.to_string(src)?;
    vm.stack.push(src);
    let fk = vm.key_atom(A::flags);
    let f = vm.get(r, fk, r)?;
    let f = vm.to_string(f)?;
    let mut out = vec![b'/' as u16];
    out.extend_from_slice(vm.units(src));
    out.push(b'/' as u16);
    out.extend_from_slice(vm.units(f));
    make_string(vm, &out)
}

/// `/source/flags` as node prints a RegExp object.
pub fn display(vm: &Vm, r: Value) -> String {
    let src = vm.slot(r, SLOT_SOURCE);
    if !src.is_str() {
        return "/(?:)/".into();
    }
    let e = escape_source(vm.units(src));
    format!("/{}/{}", String::from_utf16_lossy(&e), flags_text(bits_of(vm, r)))
}

// ----- the Symbol methods -----------------------------------------------------------------------

/// ToString(Get(rx, "flags")) as units.
fn get_flags(vm: &mut Vm, rx: Value) -> JsResult<Vec<u16>> {
    let fk = vm.key_atom(A::flags);
    let f = vm.get(rx, fk, rx)?;
    let f = vm.to_string(f)?;
    Ok(vm.units(f).to_vec())
}

fn has_flag(f: &[u16], c: char) -> bool {
    f.contains(&(c as u16))
}

fn sym_match(vm: &mut Vm, a: &Args) -> JsResult<Value> {
    let rx = this_object(vm, a, "RegExp.prototype[Symbol.match]")?;
    let s = arg_str(vm, a, 0)?;
    let flags = get_flags(vm, rx)?;
    if !has_flag(&flags, 'g') {
        return regexp_exec(vm, rx, s);
    }
    let full_unicode = has_flag(&flags, 'u') || has_flag(&flags, 'v');
    set_last_index(vm, rx, 0.0)?;
    if exec_is_builtin(vm, rx) {
        let mut items = Vec::new();
        loop {
            let Some(m) = builtin_match(vm, rx, s)? else { break };
            // the strings made here are rooted by `items` only after the array exists: no code runs
            // between, except lastIndex writes on a data property
            items.push(substr_of(vm, s, m.start(), m.end())?);
            if m.start() == m.end() {
                let next = advance(vm.units(s), m.end() as f64, full_unicode);
                set_last_index(vm, rx, next)?;
            }
        }
        if items.is_empty() {
            return Ok(Value::NULL);
        }
        return vm.new_array(&items);
    }
    let arr = vm.new_array(&[])?;
    vm.stack.push(arr);
    let mut n = 0u32;
    loop {
        let result = regexp_exec(vm, rx, s)?;
        if result.is_null() {
            return Ok(if n == 0 { Value::NULL } else { arr });
        }
        vm.stack.push(result);
        let m = vm.get(result, PropKey::Index(0), result)?;
        let ms = vm.to_string(m)?;
        vm.stack.pop();
        vm.create_data_property_or_throw(arr, PropKey::Index(n), ms)?;
        if vm.str_len(ms) == 0 {
            let this_index = get_last_index(vm, rx)?;
            let next = advance(vm.units(s), this_index, full_unicode);
            set_last_index(vm, rx, next)?;
        }
        n += 1;
    }
}

fn sym_search(vm: &mut Vm, a: &Args) -> JsResult<Value> {
    let rx = this_object(vm, a, "RegExp.prototype[Symbol.search]")?;
    let s = arg_str(vm, a, 0)?;
    let lk = vm.key_atom(A::lastIndex);
    let prev = vm.get(rx, lk, rx)?;
    vm.stack.push(prev);
    if !crate::vm::object::same_value(vm, prev, Value::num(0.0)) {
        set_last_index(vm, rx, 0.0)?;
    }
    let result = regexp_exec(vm, rx, s)?;
    vm.stack.push(result);
    let cur = vm.get(rx, lk, rx)?;
    if !crate::vm::object::same_value(vm, cur, prev) {
        vm.put_value(rx, lk, prev, true)?;
    }
    if result.is_null() {
        return Ok(Value::num(-1.0));
    }
    let ik = vm.key_atom(A::index);
    vm.get(result, ik, result)
}

fn sym_replace(vm: &mut Vm, a: &Args) -> JsResult<Value> {
    let rx = this_object(vm, a, "RegExp.prototype[Symbol.replace]")?;
    let s = arg_str(vm, a, 0)?;
    let mut rv = a.get(vm, 1);
    let functional = vm.is_callable(rv);
    if !functional {
        rv = vm.to_string(rv)?;
        vm.stack.push(rv);
    }
    let flags = get_flags(vm, rx)?;
    let global = has_flag(&flags, 'g');
    let full_unicode = has_flag(&flags, 'u') || has_flag(&flags, 'v');
    if global {
        set_last_index(vm, rx, 0.0)?;
    }
    let su: Vec<u16> = vm.units(s).to_vec();
    let len_s = su.len();
    let template: Vec<u16> = if functional { Vec::new() } else { vm.units(rv).to_vec() };
    let mut out: Vec<u16> = Vec::new();
    let mut next_pos = 0usize;

    if exec_is_builtin(vm, rx) {
        // the built-in exec: no result arrays, the same observable steps
        let mut found: Vec<regress::Match> = Vec::new();
        loop {
            let Some(m) = builtin_match(vm, rx, s)? else { break };
            let (st, en) = (m.start(), m.end());
            found.push(m);
            if !global {
                break;
            }
            if st == en {
                let next = advance(&su, en as f64, full_unicode);
                set_last_index(vm, rx, next)?;
            }
        }
        let simple_template = !functional && !template.contains(&(b'$' as u16));
        for m in &found {
            let pos = m.start();
            let base = vm.stack.len();
            let repl: Vec<u16> = if simple_template {
                template.clone()
            } else {
                let matched = substr_of(vm, s, m.start(), m.end())?;
                vm.stack.push(matched);
                for c in &m.captures {
                    let v = range_value(vm, s, c)?;
                    vm.stack.push(v);
                }
                let groups = groups_object(vm, s, m)?;
                if functional {
                    vm.stack.push(Value::num(pos as f64));
                    vm.stack.push(s);
                    if !groups.is_undefined() {
                        vm.stack.push(groups);
                    }
                    let args = vm.stack[base..].to_vec();
                    let r = vm.call(rv, Value::UNDEFINED, &args)?;
                    let r = vm.to_string(r)?;
                    vm.units(r).to_vec()
                } else {
                    vm.stack.push(groups);
                    let caps: Vec<Value> = vm.stack[base + 1..base + 1 + m.captures.len()].to_vec();
                    let mut o = Vec::new();
                    get_substitution(vm, &su[m.start()..m.end()], &su, pos, &caps, groups, &template, &mut o)?;
                    o
                }
            };
            vm.stack.truncate(base);
            if pos >= next_pos {
                out.extend_from_slice(&su[next_pos..pos]);
                out.extend_from_slice(&repl);
                next_pos = m.end();
            }
            if out.len() > MAX_STRING_LEN {
                return Err(vm.throw_range("Invalid string length"));
            }
        }
    } else {
        let results_base = vm.stack.len();
        loop {
            let result = regexp_exec(vm, rx, s)?;
            if result.is_null() {
                break;
            }
            vm.stack.push(result);
            if !global {
                break;
            }
            let m = vm.get(result, PropKey::Index(0), result)?;
            let ms = vm.to_string(m)?;
            if vm.str_len(ms) == 0 {
                let this_index = get_last_index(vm, rx)?;
                let next = advance(&su, this_index, full_unicode);
                set_last_index(vm, rx, next)?;
            }
        }
        let results: Vec<Value> = vm.stack[results_base..].to_vec();
        for result in results {
            let base = vm.stack.len();
            let n = vm.length_of(result)?;
            let n_caps = if n >= 1.0 { (n - 1.0) as usize } else { 0 };
            let m = vm.get(result, PropKey::Index(0), result)?;
            let matched = vm.to_string(m)?;
            vm.stack.push(matched);
            let match_len = vm.str_len(matched);
            let ik = vm.key_atom(A::index);
            let p = vm.get(result, ik, result)?;
            let p = vm.to_integer(p)?;
            let pos = p.clamp(0.0, len_s as f64) as usize;
            for i in 1..=n_caps {
                let k = vm.to_property_key(Value::num(i as f64))?;
                let c = vm.get(result, k, result)?;
                let c = if c.is_undefined() { c } else { vm.to_string(c)? };
                vm.stack.push(c);
            }
            let gk = vm.key_atom(A::groups);
            let named = vm.get(result, gk, result)?;
            let repl: Vec<u16> = if functional {
                vm.stack.push(Value::num(pos as f64));
                vm.stack.push(s);
                if !named.is_undefined() {
                    vm.stack.push(named);
                }
                let args = vm.stack[base..].to_vec();
                let r = vm.call(rv, Value::UNDEFINED, &args)?;
                let r = vm.to_string(r)?;
                vm.units(r).to_vec()
            } else {
                let named = if named.is_undefined() { named } else { vm.to_object(named)? };
                vm.stack.push(named);
                let caps: Vec<Value> = vm.stack[base + 1..base + 1 + n_caps].to_vec();
                let mu = vm.units(matched).to_vec();
                let mut o = Vec::new();
                get_substitution(vm, &mu, &su, pos, &caps, named, &template, &mut o)?;
                o
            };
            vm.stack.truncate(base);
            if pos >= next_pos {
                out.extend_from_slice(&su[next_pos..pos]);
                out.extend_from_slice(&repl);
                next_pos = pos + match_len;
            }
            if out.len() > MAX_STRING_LEN {
                return Err(vm.throw_range("Invalid string length"));
            }
        }
    }
    if next_pos < len_s {
        out.extend_from_slice(&su[next_pos..]);
    }
    make_string(vm, &out)
}

/// SpeciesConstructor(o, default).
pub fn species_constructor(vm: &mut Vm, o: Value, default: I) -> JsResult<Value> {
    let ck = vm.key_atom(A::constructor);
    let c = vm.get(o, ck, o)?;
    if c.is_undefined() {
        return Ok(vm.i(default));
    }
    if !c.is_obj() {
        return Err(vm.throw_type("object.constructor is not an object"));
    }
    let sk = vm.i(I::SymSpecies);
    let s = vm.get(c, PropKey::Key(sk), c)?;
    if s.is_nullish() {
        return Ok(vm.i(default));
    }
    if vm.is_constructor(s) {
        return Ok(s);
    }
    Err(vm.throw_type("object.constructor[Symbol.species] is not a constructor"))
}

fn sym_split(vm: &mut Vm, a: &Args) -> JsResult<Value> {
    let rx = this_object(vm, a, "RegExp.prototype[Symbol.split]")?;
    let s = arg_str(vm, a, 0)?;
    let c = species_constructor(vm, rx, I::RegExp)?;
    vm.stack.push(c);
    let mut flags = get_flags(vm, rx)?;
    let unicode = has_flag(&flags, 'u') || has_flag(&flags, 'v');
    if !has_flag(&flags, 'y') {
        flags.push(b'y' as u16);
    }
    let nf = vm.new_string(&flags)?;
    vm.stack.push(nf);
    let splitter = vm.construct(c, &[rx, nf], c)?;
    vm.stack.push(splitter);
    let limit = a.get(vm, 1);
    let lim = if limit.is_undefined() { u32::MAX } else { vm.to_uint32(limit)? };
    let arr = vm.new_array(&[])?;
    vm.stack.push(arr);
    if lim == 0 {
        return Ok(arr);
    }
    let size = vm.str_len(s);
    if size == 0 {
        let z = regexp_exec(vm, splitter, s)?;
        if !z.is_null() {
            return Ok(arr);
        }
        vm.create_data_property_or_throw(arr, PropKey::Index(0), s)?;
        return Ok(arr);
    }
    let lim = lim as usize;
    if exec_is_builtin(vm, splitter) && c == vm.i(I::RegExp) {
        // a fresh built-in splitter: search forward instead of a sticky match at every index
        let re = regex_of(vm, splitter)?;
        let bits = bits_of(vm, splitter);
        let uni = bits & (F_U | F_V) != 0;
        let su: Vec<u16> = vm.units(s).to_vec();
        let mut parts: Vec<Value> = Vec::new();
        let (mut p, mut q) = (0usize, 0usize);
        while q < size {
            let Some(m) = find_at(&re, &su, q, uni, false) else { break };
            if m.start() >= size {
                break;
            }
            q = m.start();
            let e = m.end().min(size);
            if e == p {
                q = advance(&su, q as f64, unicode) as usize;
                continue;
            }
            parts.push(make_string(vm, &su[p..q])?);
            if parts.len() == lim {
                return vm.new_array(&parts);
            }
            p = e;
            for cap in &m.captures {
                parts.push(range_value(vm, s, cap)?);
                if parts.len() == lim {
                    return vm.new_array(&parts);
                }
            }
            q = p;
        }
        parts.push(make_string(vm, &su[p..size])?);
        return vm.new_array(&parts);
    }
    let mut n = 0u32;
    let (mut p, mut q) = (0usize, 0usize);
    while q < size {
        set_last_index(vm, splitter, q as f64)?;
        let z = regexp_exec(vm, splitter, s)?;
        if z.is_null() {
            q = advance(vm.units(s), q as f64, unicode) as usize;
            continue;
        }
        vm.stack.push(z);
        let e = get_last_index(vm, splitter)?;
        let e = (e as usize).min(size);
        if e == p {
            q = advance(vm.units(s), q as f64, unicode) as usize;
            vm.stack.pop();
            continue;
        }
        let t = substr_of(vm, s, p, q)?;
        vm.create_data_property_or_throw(arr, PropKey::Index(n), t)?;
        n += 1;
        if n as usize == lim {
            return Ok(arr);
        }
        p = e;
        let nc = vm.length_of(z)?;
        let nc = if nc >= 1.0 { (nc - 1.0) as usize } else { 0 };
        for i in 1..=nc {
            let k = vm.to_property_key(Value::num(i as f64))?;
            let cap = vm.get(z, k, z)?;
            vm.create_data_property_or_throw(arr, PropKey::Index(n), cap)?;
            n += 1;
            if n as usize == lim {
                return Ok(arr);
            }
        }
        vm.stack.pop();
        q = p;
    }
    let t = substr_of(vm, s, p, size)?;
    vm.create_data_property_or_throw(arr, PropKey::Index(n), t)?;
    Ok(arr)
}

// ----- matchAll and the RegExp string iterator -------------------------------------------------

const RSI_TAG: u64 = 0x5253_4954;
const RSI_GLOBAL: u64 = 1;
const RSI_UNICODE: u64 = 2;
const RSI_DONE: u64 = 4;

fn sym_match_all(vm: &mut Vm, a: &Args) -> JsResult<Value> {
    let r = this_object(vm, a, "RegExp.prototype[Symbol.matchAll]")?;
    let s = arg_str(vm, a, 0)?;
    let c = species_constructor(vm, r, I::RegExp)?;
    vm.stack.push(c);
    let flags = get_flags(vm, r)?;
    let fv = vm.new_string(&flags)?;
    vm.stack.push(fv);
    let matcher = vm.construct(c, &[r, fv], c)?;
    vm.stack.push(matcher);
    let li = get_last_index(vm, r)?;
    set_last_index(vm, matcher, li)?;
    let mut bits = 0;
    if has_flag(&flags, 'g') {
        bits |= RSI_GLOBAL;
    }
    if has_flag(&flags, 'u') || has_flag(&flags, 'v') {
        bits |= RSI_UNICODE;
    }
    let p = vm.i(I::RegExpStringIteratorProto);
    let it = vm.new_object_with(class::ITER, p, 4)?;
    vm.set_slot(it, 0, matcher);
    vm.set_slot(it, 1, s);
    vm.set_slot(it, 2, Value::int(RSI_TAG));
    vm.set_slot(it, 3, Value::int(bits));
    Ok(it)
}

fn rsi_next(vm: &mut Vm, a: &Args) -> JsResult<Value> {
    let it = a.this(vm);
    if !(it.is_obj() && vm.class_of(it) == class::ITER && vm.slot(it, 2) == Value::int(RSI_TAG)) {
        return Err(vm.throw_type("%RegExpStringIterator%.next requires that 'this' be a RegExp String Iterator"));
    }
    let bits = vm.slot(it, 3).payload();
    if bits & RSI_DONE != 0 {
        return super::array::iter_result(vm, Value::UNDEFINED, true);
    }
    let r = vm.slot(it, 0);
    let s = vm.slot(it, 1);
    vm.stack.push(r);
    vm.stack.push(s);
    let m = regexp_exec(vm, r, s)?;
    if m.is_null() {
        vm.set_slot(it, 3, Value::int(bits | RSI_DONE));
        return super::array::iter_result(vm, Value::UNDEFINED, true);
    }
    vm.stack.push(m);
    if bits & RSI_GLOBAL == 0 {
        vm.set_slot(it, 3, Value::int(bits | RSI_DONE));
        return super::array::iter_result(vm, m, false);
    }
    let v = vm.get(m, PropKey::Index(0), m)?;
    let ms = vm.to_string(v)?;
    if vm.str_len(ms) == 0 {
        let this_index = get_last_index(vm, r)?;
        let next = advance(vm.units(s), this_index, bits & RSI_UNICODE != 0);
        set_last_index(vm, r, next)?;
    }
    super::array::iter_result(vm, m, false)
}
