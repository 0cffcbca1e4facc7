//! `JSON`: `parse` (with a reviver) and `stringify` (replacer function or property list,
//! indentation, `toJSON`, boxed primitives, cycle detection, well-formed output).
//!
//! Both walk nested structures with explicit stacks, never native recursion, so the nesting
//! depth is bounded by memory and not by the native stack. Values held while JavaScript may
//! run (getters, `toJSON`, replacers, revivers) are kept on `vm.stack`.

use super::{def, numconv, NativeDef};
use crate::interp::access::Args;
use crate::vm::object::{attr, class, PropKey};
use crate::vm::string::MAX_STRING_LEN;
use crate::vm::value::TAG_BIGINT;
use crate::vm::{JsResult, Value, Vm, A, I};
use hashbrown::HashSet;

pub const NATIVES: &[NativeDef] = &[def("JSON.parse", parse, 2), def("JSON.stringify", stringify, 3)];

pub fn init(vm: &mut Vm) -> JsResult<()> {
    let op = vm.i(I::ObjectProto);
    let j = vm.new_plain(op)?;
    let g = vm.global();
    vm.def_value(g, "JSON", j, attr::WC)?;
    vm.def_methods(j, &["JSON.parse", "JSON.stringify"])?;
    let tag = vm.str_from("JSON")?;
    let tk = vm.i(I::SymToStringTag);
    vm.put(j, PropKey::Key(tk), tag, attr::C)?;
    Ok(())
}

/// A property key as a stack word (index keys as internal integers, which are not pointers).
fn key_word(k: PropKey) -> Value {
    match k {
        PropKey::Index(i) => Value::int(i as u64),
        PropKey::Key(v) => v,
    }
}
fn word_key(v: Value) -> PropKey {
    if v.is_int() {
        PropKey::Index(v.payload() as u32)
    } else {
        PropKey::Key(v)
    }
}

/// The enumerable own string-keyed properties of `o`, in [[OwnPropertyKeys]] order.
fn enumerable_own_keys(vm: &mut Vm, o: Value) -> Vec<PropKey> {
    let mut out = Vec::new();
    for k in vm.own_keys(o) {
        if k.is_symbol() {
            continue;
        }
        if vm.get_own(o, k).is_some_and(|p| p.enumerable()) {
            out.push(k);
        }
    }
    out
}

fn is_bigint(v: Value) -> bool {
    v.tag() == TAG_BIGINT
}

// ----- JSON.parse -----------------------------------------------------------------------------

struct Parser<'a> {
    s: &'a [u16],
    pos: usize,
}

/// Where and why a parse failed; turned into node's SyntaxError messages.
struct ParseError(usize);

impl Parser<'_> {
    fn skip_ws(&mut self) {
        while let Some(&c) = self.s.get(self.pos) {
            if c == 0x20 || c == 0x09 || c == 0x0A || c == 0x0D {
                self.pos += 1;
            } else {
                break;
            }
        }
    }
    fn peek(&self) -> Option<u16> {
        self.s.get(self.pos).copied()
    }
    fn err<T>(&self) -> Result<T, ParseError> {
        Err(ParseError(self.pos))
    }

    /// A string literal at `pos` (which is a quote); returns its code units.
    fn string(&mut self) -> Result<Vec<u16>, ParseError> {
        self.pos += 1;
        let mut out = Vec::new();
        loop {
            let Some(c) = self.peek() else { return self.err() };
            match c {
                0x22 => {
                    self.pos += 1;
                    return Ok(out);
                }
                0x5C => {
                    self.pos += 1;
                    let Some(e) = self.peek() else { return self.err() };
                    let u = match e {
                        0x22 => 0x22,
                        0x5C => 0x5C,
                        0x2F => 0x2F,
                        0x62 => 0x08,
                        0x66 => 0x0C,
                        0x6E => 0x0A,
                        0x72 => 0x0D,
                        0x74 => 0x09,
                        0x75 => {
                            let mut v: u16 = 0;
                            for _ in 0..4 {
                                self.pos += 1;
                                let Some(h) = self.peek() else { return self.err() };
                                let d = match h {
                                    0x30..=0x39 => h - 0x30,
                                    0x41..=0x46 => h - 0x41 + 10,
                                    0x61..=0x66 => h - 0x61 + 10,
                                    _ => return self.err(),
                                };
                                v = v * 16 + d;
                            }
                            v
                        }
                        _ => return self.err(),
                    };
                    out.push(u);
                    self.pos += 1;
                }
                c if c < 0x20 => return self.err(),
                c => {
                    out.push(c);
                    self.pos += 1;
                }
            }
        }
    }

    /// A number at `pos` (a digit or '-').
    fn number(&mut self) -> Result<f64, ParseError> {
        let start = self.pos;
        let digit = |c: Option<u16>| matches!(c, Some(0x30..=0x39));
        if self.peek() == Some(0x2D) {
            self.pos += 1;
        }
        match self.peek() {
            Some(0x30) => self.pos += 1,
            Some(0x31..=0x39) => {
                while digit(self.peek()) {
                    self.pos += 1;
                }
            }
            _ => return self.err(),
        }
        if self.peek() == Some(0x2E) {
            self.pos += 1;
            if !digit(self.peek()) {
                return self.err();
            }
            while digit(self.peek()) {
                self.pos += 1;
            }
        }
        if matches!(self.peek(), Some(0x45 | 0x65)) {
            self.pos += 1;
            if matches!(self.peek(), Some(0x2B | 0x2D)) {
                self.pos += 1;
            }
            if !digit(self.peek()) {
                return self.err();
            }
            while digit(self.peek()) {
                self.pos += 1;
            }
        }
        Ok(numconv::string_to_number(&self.s[start..self.pos]))
    }

    fn literal(&mut self, word: &str) -> Result<(), ParseError> {
        for b in word.bytes() {
            if self.peek() != Some(b as u16) {
                return self.err();
            }
            self.pos += 1;
        }
        Ok(())
    }
}

/// node's message for an unexpected character at `pos` of `s`.
fn parse_error_message(s: &[u16], pos: usize) -> String {
    match s.get(pos) {
        None => "Unexpected end of JSON input".to_string(),
        Some(0x22) => format!("Unexpected string in JSON at position {pos}"),
        Some(c) if (0x30..=0x39).contains(c) || *c == 0x2D => format!("Unexpected number in JSON at position {pos}"),
        Some(&c) => {
            let ch = char::decode_utf16([c]).next().and_then(|r| r.ok()).unwrap_or('\u{FFFD}');
            format!("Unexpected token {ch} in JSON at position {pos}")
        }
    }
}

enum Open {
    /// Elements from `base` on `vm.stack`.
    Array(usize),
    /// Key and value words from `base` on `vm.stack`.
    Object(usize),
}

/// Parses the whole text into a value. Containers under construction keep their members on
/// `vm.stack` and are built when they close.
pub(crate) fn parse_text(vm: &mut Vm, s: &[u16]) -> JsResult<Value> {
    let base = vm.stack.len();
    let r = parse_inner(vm, s);
    vm.stack.truncate(base);
    match r {
        Ok(r) => r,
        Err(ParseError(pos)) => Err(vm.throw_syntax(&parse_error_message(s, pos))),
    }
}

fn parse_inner(vm: &mut Vm, s: &[u16]) -> Result<JsResult<Value>, ParseError> {
    macro_rules! js {
        ($e:expr) => {
            match $e {
                Ok(v) => v,
                Err(t) => return Ok(Err(t)),
            }
        };
    }
    let mut p = Parser { s, pos: 0 };
    let mut open: Vec<Open> = Vec::new();
    let mut count = 0u32;
    p.skip_ws();
    'value: loop {
        count = count.wrapping_add(1);
        if count % 4096 == 0 {
            js!(vm.check_interrupt());
        }
        // a value starts at p.pos
        let mut v = match p.peek() {
            Some(0x7B) => {
                p.pos += 1;
                p.skip_ws();
                if p.peek() == Some(0x7D) {
                    p.pos += 1;
                    js!(vm.new_object())
                } else {
                    open.push(Open::Object(vm.stack.len()));
                    js!(object_key(vm, &mut p)?);
                    continue 'value;
                }
            }
            Some(0x5B) => {
                p.pos += 1;
                p.skip_ws();
                if p.peek() == Some(0x5D) {
                    p.pos += 1;
                    js!(vm.new_array(&[]))
                } else {
                    open.push(Open::Array(vm.stack.len()));
                    continue 'value;
                }
            }
            Some(0x22) => {
                let u = p.string()?;
                js!(vm.new_string(&u))
            }
            Some(0x2D | 0x30..=0x39) => Value::num(p.number()?),
            Some(0x74) => {
                p.literal("true")?;
                Value::TRUE
            }
            Some(0x66) => {
                p.literal("false")?;
                Value::FALSE
            }
            Some(0x6E) => {
                p.literal("null")?;
                Value::NULL
            }
            _ => return p.err(),
        };
        // attach the finished value to the open containers, closing those that end here
        loop {
            let Some(top) = open.last() else {
                p.skip_ws();
                if p.pos < s.len() {
                    return p.err();
                }
                return Ok(Ok(v));
            };
            vm.stack.push(v);
            p.skip_ws();
            match (top, p.peek()) {
                (_, Some(0x2C)) => {
                    p.pos += 1;
                    p.skip_ws();
                    if let Open::Object(_) = top {
                        js!(object_key(vm, &mut p)?);
                    }
                    continue 'value;
                }
                (&Open::Array(b), Some(0x5D)) => {
                    p.pos += 1;
                    let items = vm.stack[b..].to_vec();
                    v = js!(vm.new_array(&items));
                    vm.stack.truncate(b);
                    open.pop();
                }
                (&Open::Object(b), Some(0x7D)) => {
                    p.pos += 1;
                    let o = js!(vm.new_object());
                    let mut i = b;
                    while i + 1 < vm.stack.len() {
                        let (k, val) = (word_key(vm.stack[i]), vm.stack[i + 1]);
                        js!(vm.create_data_property(o, k, val));
                        i += 2;
                    }
                    vm.stack.truncate(b);
                    open.pop();
                    v = o;
                }
                _ => return p.err(),
            }
        }
    }
}

/// A member name and its colon; the key word is pushed on `vm.stack`.
fn object_key(vm: &mut Vm, p: &mut Parser) -> Result<JsResult<()>, ParseError> {
    if p.peek() != Some(0x22) {
        return p.err();
    }
    let u = p.string()?;
    p.skip_ws();
    if p.peek() != Some(0x3A) {
        return p.err();
    }
    p.pos += 1;
    p.skip_ws();
    match vm.key_from_units(&u) {
        Ok(k) => {
            vm.stack.push(key_word(k));
            Ok(Ok(()))
        }
        Err(t) => Ok(Err(t)),
    }
}

fn parse(vm: &mut Vm, a: &Args) -> JsResult<Value> {
    let text = vm.to_string(a.get(vm, 0))?;
    let units = vm.units(text).to_vec();
    let v = parse_text(vm, &units)?;
    let reviver = a.get(vm, 1);
    if !vm.is_callable(reviver) {
        return Ok(v);
    }
    let base = vm.stack.len();
    vm.stack.push(v);
    let r = (|| {
        let root = vm.new_object()?;
        vm.stack.push(root);
        let ek = vm.key_atom(A::empty);
        vm.create_data_property(root, ek, v)?;
        internalize(vm, root, reviver)
    })();
    vm.stack.truncate(base);
    r
}

/// The keys of a value being revived: all indices below a length, or a list.
enum Keys {
    Indices(u32),
    List(Vec<PropKey>),
}
impl Keys {
    fn len(&self) -> usize {
        match self {
            Keys::Indices(n) => *n as usize,
            Keys::List(l) => l.len(),
        }
    }
    fn at(&self, i: usize) -> PropKey {
        match self {
            Keys::Indices(_) => PropKey::Index(i as u32),
            Keys::List(l) => l[i],
        }
    }
}

struct ReviveFrame {
    holder: Value,
    name: PropKey,
    /// Index of this frame's value on `vm.stack`; the frame's words start one below (the name).
    slot: usize,
    keys: Option<Keys>,
    idx: usize,
}

/// InternalizeJSONProperty over the whole structure, iteratively.
fn internalize(vm: &mut Vm, root: Value, reviver: Value) -> JsResult<Value> {
    let ek = vm.key_atom(A::empty);
    vm.stack.push(key_word(ek));
    vm.stack.push(Value::UNDEFINED);
    let mut frames = vec![ReviveFrame { holder: root, name: ek, slot: vm.stack.len() - 1, keys: None, idx: 0 }];
    loop {
        let f = frames.last_mut().unwrap();
        if f.keys.is_none() {
            let (holder, name, slot) = (f.holder, f.name, f.slot);
            let val = vm.get(holder, name, holder)?;
            vm.stack[slot] = val;
            let keys = if !val.is_obj() {
                Keys::List(Vec::new())
            } else if vm.is_array(val) {
                Keys::Indices(vm.array_len(val))
            } else {
                let ks = enumerable_own_keys(vm, val);
                for &k in &ks {
                    vm.stack.push(key_word(k));
                }
                Keys::List(ks)
            };
            frames.last_mut().unwrap().keys = Some(keys);
            continue;
        }
        let keys = f.keys.as_ref().unwrap();
        if f.idx < keys.len() {
            let k = keys.at(f.idx);
            let holder = vm.stack[f.slot];
            vm.stack.push(key_word(k));
            vm.stack.push(Value::UNDEFINED);
            let slot = vm.stack.len() - 1;
            frames.push(ReviveFrame { holder, name: k, slot, keys: None, idx: 0 });
            continue;
        }
        // every member revived: call the reviver on this one
        let (holder, name, slot) = (f.holder, f.name, f.slot);
        let nv = vm.key_to_value(name)?;
        let val = vm.stack[slot];
        let r = vm.call(reviver, holder, &[nv, val])?;
        frames.pop();
        vm.stack.truncate(slot - 1);
        let Some(parent) = frames.last_mut() else { return Ok(r) };
        let k = parent.keys.as_ref().unwrap().at(parent.idx);
        parent.idx += 1;
        let pv = vm.stack[parent.slot];
        if r.is_undefined() {
            vm.delete_own(pv, k);
        } else {
            vm.create_data_property(pv, k, r)?;
        }
    }
}

// ----- JSON.stringify -------------------------------------------------------------------------

struct Ser {
    out: Vec<u16>,
    gap: Vec<u16>,
    indent: Vec<u16>,
    replacer: Option<Value>,
    props: Option<Vec<PropKey>>,
    seen: HashSet<Value>,
}

/// What a property serializes to.
enum Item {
    /// Nothing (undefined, a function, a symbol): skipped in objects, `null` in arrays.
    Skip,
    /// null, a boolean, a number or a string (written at once, before anything allocates).
    Prim(Value),
    /// An object to serialize as an array or an object.
    Obj(Value),
}

fn push_str(out: &mut Vec<u16>, s: &str) {
    out.extend(s.encode_utf16());
}

/// QuoteJSONString, well-formed: lone surrogates as `\udxxx`.
fn quote(out: &mut Vec<u16>, s: &[u16]) {
    out.push(0x22);
    let mut i = 0;
    while i < s.len() {
        let c = s[i];
        match c {
            0x08 => push_str(out, "\\b"),
            0x09 => push_str(out, "\\t"),
            0x0A => push_str(out, "\\n"),
            0x0C => push_str(out, "\\f"),
            0x0D => push_str(out, "\\r"),
            0x22 => push_str(out, "\\\""),
            0x5C => push_str(out, "\\\\"),
            c if c < 0x20 => push_str(out, &format!("\\u{c:04x}")),
            0xD800..=0xDBFF if matches!(s.get(i + 1), Some(0xDC00..=0xDFFF)) => {
                out.push(c);
                out.push(s[i + 1]);
                i += 1;
            }
            0xD800..=0xDFFF => push_str(out, &format!("\\u{c:04x}")),
            c => out.push(c),
        }
        i += 1;
    }
    out.push(0x22);
}

pub(crate) fn write_key(vm: &Vm, out: &mut Vec<u16>, k: PropKey) {
    match k {
        PropKey::Index(i) => {
            out.push(0x22);
            push_str(out, &i.to_string());
            out.push(0x22);
        }
        PropKey::Key(v) => quote(out, vm.units(v)),
    }
}

pub(crate) fn write_prim(vm: &Vm, out: &mut Vec<u16>, v: Value) {
    if v.is_null() {
        push_str(out, "null");
    } else if v == Value::TRUE {
        push_str(out, "true");
    } else if v == Value::FALSE {
        push_str(out, "false");
    } else if v.is_str() {
        quote(out, vm.units(v));
    } else {
        let n = v.as_num();
        if n.is_finite() {
            push_str(out, &numconv::number_to_string(n));
        } else {
            push_str(out, "null");
        }
    }
}

/// SerializeJSONProperty up to the choice of output: Get, toJSON, the replacer function,
/// unwrapping of boxed primitives. `holder` is rooted by the caller.
fn resolve(vm: &mut Vm, st: &Ser, holder: Value, key: PropKey) -> JsResult<Item> {
    let mut value = vm.get(holder, key, holder)?;
    let slot = vm.stack.len();
    vm.stack.push(value);
    let r = (|| {
        if value.is_obj() || is_bigint(value) {
            let tk = vm.key_atom(A::toJSON);
            let f = vm.get_v(value, tk)?;
            if vm.is_callable(f) {
                let kv = vm.key_to_value(key)?;
                value = vm.call(f, value, &[kv])?;
                vm.stack[slot] = value;
            }
        }
        if let Some(rf) = st.replacer {
            let kv = vm.key_to_value(key)?;
            value = vm.call(rf, holder, &[kv, value])?;
            vm.stack[slot] = value;
        }
        if value.is_obj() {
            match vm.class_of(value) {
                class::NUMBER => value = Value::num(vm.to_number(value)?),
                class::STRING => value = vm.to_string(value)?,
                class::BOOLEAN | class::BIGINT => value = vm.slot(value, 0),
                _ => {}
            }
        }
        if value.is_null() || value.is_bool() || value.is_str() || value.is_num() {
            return Ok(Item::Prim(value));
        }
        if is_bigint(value) {
            return Err(vm.throw_type("Do not know how to serialize a BigInt"));
        }
        if value.is_obj() && !vm.is_callable(value) {
            return Ok(Item::Obj(value));
        }
        Ok(Item::Skip)
    })();
    vm.stack.truncate(slot);
    r
}

struct SerFrame {
    obj: Value,
    keys: Keys,
    idx: usize,
    is_array: bool,
    any: bool,
    /// `vm.stack` length before this frame's words.
    base: usize,
    stepback: usize,
}

fn open_frame(vm: &mut Vm, st: &mut Ser, o: Value) -> JsResult<SerFrame> {
    if !st.seen.insert(o) {
        return Err(vm.throw_type("Converting circular structure to JSON"));
    }
    let base = vm.stack.len();
    vm.stack.push(o);
    let is_array = vm.is_array(o);
    let keys = if is_array {
        Keys::Indices(vm.array_len(o))
    } else if let Some(p) = &st.props {
        Keys::List(p.clone())
    } else {
        let ks = enumerable_own_keys(vm, o);
        for &k in &ks {
            vm.stack.push(key_word(k));
        }
        Keys::List(ks)
    };
    let stepback = st.indent.len();
    let gap = st.gap.clone();
    st.indent.extend_from_slice(&gap);
    st.out.push(if is_array { 0x5B } else { 0x7B });
    Ok(SerFrame { obj: o, keys, idx: 0, is_array, any: false, base, stepback })
}

/// The separator before a member: a comma after the first, a newline and indent with a gap.
fn member_sep(st: &mut Ser, any: bool) {
    if any {
        st.out.push(0x2C);
    }
    if !st.gap.is_empty() {
        st.out.push(0x0A);
        st.out.extend_from_slice(&st.indent);
    }
}

fn serialize(vm: &mut Vm, st: &mut Ser, wrapper: Value) -> JsResult<bool> {
    let ek = vm.key_atom(A::empty);
    let mut frames: Vec<SerFrame> = Vec::new();
    match resolve(vm, st, wrapper, ek)? {
        Item::Skip => return Ok(false),
        Item::Prim(v) => {
            write_prim(vm, &mut st.out, v);
            return Ok(true);
        }
        Item::Obj(o) => frames.push(open_frame(vm, st, o)?),
    }
    while let Some(f) = frames.last_mut() {
        if st.out.len() > MAX_STRING_LEN {
            return Err(vm.throw_range("Invalid string length"));
        }
        if f.idx >= f.keys.len() {
            if f.any && !st.gap.is_empty() {
                st.out.push(0x0A);
                st.out.extend_from_slice(&st.indent[..f.stepback]);
            }
            st.out.push(if f.is_array { 0x5D } else { 0x7D });
            st.indent.truncate(f.stepback);
            st.seen.remove(&f.obj);
            vm.stack.truncate(f.base);
            frames.pop();
            continue;
        }
        let k = f.keys.at(f.idx);
        f.idx += 1;
        let (obj, is_array, any) = (f.obj, f.is_array, f.any);
        let item = resolve(vm, st, obj, k)?;
        let f = frames.last_mut().unwrap();
        if is_array {
            f.any = true;
            member_sep(st, any);
        } else {
            if let Item::Skip = item {
                continue;
            }
            f.any = true;
            member_sep(st, any);
            write_key(vm, &mut st.out, k);
            st.out.push(0x3A);
            if !st.gap.is_empty() {
                st.out.push(0x20);
            }
        }
        match item {
            Item::Skip => push_str(&mut st.out, "null"),
            Item::Prim(v) => write_prim(vm, &mut st.out, v),
            Item::Obj(o) => {
                let nf = open_frame(vm, st, o)?;
                frames.push(nf);
            }
        }
    }
    Ok(true)
}

fn stringify(vm: &mut Vm, a: &Args) -> JsResult<Value> {
    let base = vm.stack.len();
    let r = stringify_inner(vm, a);
    vm.stack.truncate(base);
    r
}

fn stringify_inner(vm: &mut Vm, a: &Args) -> JsResult<Value> {
    let mut st = Ser { out: Vec::new(), gap: Vec::new(), indent: Vec::new(), replacer: None, props: None, seen: HashSet::new() };
    let replacer = a.get(vm, 1);
    if vm.is_callable(replacer) {
        st.replacer = Some(replacer);
    } else if vm.is_array(replacer) {
        let mut list: Vec<PropKey> = Vec::new();
        let len = vm.length_of(replacer)? as u32;
        for i in 0..len {
            let v = vm.get(replacer, PropKey::Index(i), replacer)?;
            let item = if v.is_str() {
                Some(v)
            } else if v.is_num() {
                Some(vm.to_string(v)?)
            } else if v.is_obj() && matches!(vm.class_of(v), class::STRING | class::NUMBER) {
                vm.stack.push(v);
                let s = vm.to_string(v)?;
                vm.stack.pop();
                Some(s)
            } else {
                None
            };
            if let Some(s) = item {
                let k = vm.key_from_string(s)?;
                if !list.contains(&k) {
                    vm.stack.push(key_word(k));
                    list.push(k);
                }
            }
        }
        st.props = Some(list);
    }
    let mut space = a.get(vm, 2);
    if space.is_obj() {
        match vm.class_of(space) {
            class::NUMBER => space = Value::num(vm.to_number(space)?),
            class::STRING => space = vm.to_string(space)?,
            _ => {}
        }
    }
    if space.is_num() {
        let n = crate::interp::ops::to_integer_or_infinity(space.as_num()).min(10.0);
        if n >= 1.0 {
            st.gap = vec![0x20; n as usize];
        }
    } else if space.is_str() {
        let u = vm.units(space);
        st.gap = u[..u.len().min(10)].to_vec();
    }
    let wrapper = vm.new_object()?;
    vm.stack.push(wrapper);
    let ek = vm.key_atom(A::empty);
    vm.create_data_property(wrapper, ek, a.get(vm, 0))?;
    if !serialize(vm, &mut st, wrapper)? {
        return Ok(Value::UNDEFINED);
    }
    Ok(vm.new_string(&st.out)?)
}
