//! Readable printing of values in node's style (`{ a: 1, b: [ 1, 2 ] }`), bounded for huge
//! and cyclic structures. Reads properties without running getters.

use crate::vm::object::{class, PropKey};
use crate::vm::{JsResult, Value, Vm, A};

const MAX_DEPTH: usize = 2;
const MAX_ITEMS: usize = 100;
/// Node's `breakLength`: wider output goes on several lines.
const BREAK_LENGTH: usize = 80;

/// A value as node's REPL shows it; strings quoted.
pub fn inspect(vm: &mut Vm, v: Value) -> JsResult<String> {
    let mut seen = Vec::new();
    fmt(vm, v, 0, &mut seen, false)
}

/// A turn's result as the shell prints it: functions as their source text.
pub fn repl_result(vm: &mut Vm, v: Value) -> JsResult<String> {
    if v.is_obj() && vm.class_of(v) == class::CLOSURE {
        return vm.function_source(v);
    }
    if v.is_str() {
        return Ok(quote(&vm.string_lossy(v)));
    }
    inspect(vm, v)
}

pub fn number(n: f64) -> String {
    if n == 0.0 && n.is_sign_negative() {
        "-0".into()
    } else {
        crate::builtins::numconv::number_to_string(n)
    }
}

fn quote(s: &str) -> String {
    let q = if s.contains('\'') && !s.contains('"') { '"' } else { '\'' };
    let mut out = String::with_capacity(s.len() + 2);
    out.push(q);
    for c in s.chars() {
        match c {
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            '\\' => out.push_str("\\\\"),
            c if c == q => {
                out.push('\\');
                out.push(c);
            }
            c => out.push(c),
        }
    }
    out.push(q);
    out
}

fn key_text(vm: &mut Vm, k: PropKey) -> String {
    match k {
        PropKey::Index(i) => format!("'{i}'"),
        PropKey::Key(v) if v.is_str() => {
            let s = vm.string_lossy(v);
            let ident = !s.is_empty()
                && s.chars().enumerate().all(|(i, c)| c == '_' || c == '$' || c.is_alphabetic() || (i > 0 && c.is_ascii_digit()));
            if ident {
                s
            } else {
                quote(&s)
            }
        }
        k => format!("[{}]", vm.key_display(k)),
    }
}

fn fmt(vm: &mut Vm, v: Value, depth: usize, seen: &mut Vec<Value>, nested: bool) -> JsResult<String> {
    if v.is_num() {
        return Ok(number(v.as_num()));
    }
    if v.is_str() {
        let s = vm.string_lossy(v);
        return Ok(if nested { quote(&s) } else { quote(&s) });
    }
    if v.is_undefined() {
        return Ok("undefined".into());
    }
    if v.is_null() {
        return Ok("null".into());
    }
    if v.is_bool() {
        return Ok(if v == Value::TRUE { "true" } else { "false" }.into());
    }
    if v.is_sym() {
        return Ok(vm.key_display(PropKey::Key(v)));
    }
    if v.is_bigint() {
        return Ok(format!("{}n", vm.bigint_to_string(v, 10)));
    }
    if !v.is_obj() {
        return Ok(format!("{v:?}"));
    }
    if seen.contains(&v) {
        return Ok("[Circular *1]".into());
    }
    let cls = vm.class_of(v);
    let name_of = |vm: &mut Vm, f: Value| -> String {
        let nk = vm.key_atom(A::name);
        match vm.get_own(f, nk) {
            Some(p) if p.value.is_str() => vm.string_lossy(p.value),
            _ => String::new(),
        }
    };
    match cls {
        class::CLOSURE | class::NATIVE | class::BOUND => {
            let n = name_of(vm, v);
            let kind = if vm.is_class_ctor(v) { "class" } else { "Function" };
            return Ok(if n.is_empty() {
                format!("[{kind} (anonymous)]")
            } else if kind == "class" {
                format!("[class {n}]")
            } else {
                format!("[Function: {n}]")
            });
        }
        class::ERROR => {
            let sk = vm.key_atom(A::stack);
            if let Some(p) = vm.get_own(v, sk) {
                if p.value.is_str() {
                    return Ok(vm.string_lossy(p.value));
                }
            }
            let mk = vm.key_atom(A::message);
            let m = vm.get(v, mk, v)?;
            let nk = vm.key_atom(A::name);
            let n = vm.get(v, nk, v)?;
            let n = if n.is_str() { vm.string_lossy(n) } else { "Error".into() };
            let m = if m.is_str() { vm.string_lossy(m) } else { String::new() };
            return Ok(if m.is_empty() { n } else { format!("{n}: {m}") });
        }
        class::NUMBER | class::STRING | class::BOOLEAN | class::BIGINT => {
            let inner = vm.slot(v, 0);
            let t = match cls {
                class::NUMBER => "Number",
                class::STRING => "String",
                class::BIGINT => "BigInt",
                _ => "Boolean",
            };
            let s = fmt(vm, inner, depth, seen, true)?;
            return Ok(format!("[{t}: {s}]"));
        }
        class::DATE => {
            let t = vm.slot(v, 0);
            let t = if t.is_num() { t.as_num() } else { f64::NAN };
            return Ok(if t.is_finite() { crate::builtins::date_math::to_iso_string(t) } else { "Invalid Date".into() });
        }
        class::REGEXP => return Ok(crate::builtins::regexp::display(vm, v)),
        class::TYPED_ARRAY => return Ok(crate::builtins::typedarray::display(vm, v)),
        class::PROMISE => {
            // node: Promise { <pending> }, Promise { 1 }, Promise { <rejected> 1 }
            let inner = match crate::builtins::promise::promise_state(vm, v) {
                None => "<pending>".to_string(),
                Some((fulfilled, r)) => {
                    seen.push(v);
                    let s = fmt(vm, r, depth + 1, seen, true);
                    seen.pop();
                    if fulfilled {
                        s?
                    } else {
                        format!("<rejected> {}", s?)
                    }
                }
            };
            return Ok(format!("Promise {{ {inner} }}"));
        }
        class::SYMBOL => {
            let inner = vm.slot(v, 0);
            let s = fmt(vm, inner, depth, seen, true)?;
            return Ok(format!("[Symbol: {s}]"));
        }
        _ => {}
    }
    if let Some(s) = crate::builtins::collections::inspect_special(vm, v)? {
        return Ok(s);
    }
    let is_arr = cls == class::ARRAY;
    if depth > MAX_DEPTH {
        return Ok(if is_arr { "[Array]".into() } else { "[Object]".into() });
    }
    seen.push(v);
    let mut parts = Vec::new();
    let keys = vm.own_keys(v);
    let total_keys = keys.len();
    let mut next_index = 0u32;
    // array entries shown (items and hole runs), and whether every shown item is a number
    let mut entries = 0usize;
    let mut all_numbers = true;
    let mut truncated = None;
    for (n, k) in keys.into_iter().enumerate() {
        if is_arr && k == vm.key_atom(A::length) {
            continue;
        }
        if entries >= MAX_ITEMS || parts.len() >= MAX_ITEMS {
            truncated = Some(n);
            break;
        }
        let Some(p) = vm.get_own(v, k) else { continue };
        if !p.enumerable() {
            continue;
        }
        let val = if p.is_accessor() {
            if p.setter.is_undefined() {
                "[Getter]".to_string()
            } else if p.getter.is_undefined() {
                "[Setter]".to_string()
            } else {
                "[Getter/Setter]".to_string()
            }
        } else {
            if !p.value.is_num() {
                all_numbers = false;
            }
            fmt(vm, p.value, depth + 1, seen, true)?
        };
        match k {
            PropKey::Index(i) if is_arr => {
                if i > next_index {
                    let h = i - next_index;
                    parts.push(format!("<{h} empty item{}>", if h == 1 { "" } else { "s" }));
                    entries += 1;
                    all_numbers = false;
                }
                next_index = i + 1;
                parts.push(val);
                entries += 1;
            }
            _ => {
                let kt = key_text(vm, k);
                parts.push(format!("{kt}: {val}"));
            }
        }
    }
    let mut more = None;
    if is_arr {
        let len = vm.array_len(v);
        if truncated.is_some() {
            let rest = len.saturating_sub(next_index) as usize;
            if rest > 0 {
                more = Some(format!("... {rest} more item{}", if rest == 1 { "" } else { "s" }));
            }
        } else if len > next_index {
            let h = len - next_index;
            parts.push(format!("<{h} empty item{}>", if h == 1 { "" } else { "s" }));
            entries += 1;
        }
    } else if let Some(n) = truncated {
        let rest = total_keys - n;
        more = Some(format!("... {rest} more propert{}", if rest == 1 { "y" } else { "ies" }));
    }
    let grouped = if is_arr && entries > 6 { group_array_items(&parts, depth * 2, all_numbers) } else { None };
    if let Some(m) = more {
        parts.push(m);
    }
    seen.pop();
    let prefix = if !is_arr {
        let p = vm.proto_of(v);
        if p.is_null() {
            "[Object: null prototype] ".to_string()
        } else {
            let ck = vm.key_atom(A::constructor);
            match vm.get_own(p, ck) {
                Some(c) if c.value.is_obj() && !c.is_accessor() => {
                    let n = name_of(vm, c.value);
                    if n.is_empty() || n == "Object" {
                        String::new()
                    } else {
                        format!("{n} ")
                    }
                }
                _ => String::new(),
            }
        }
    } else {
        String::new()
    };
    let (open, close) = if is_arr { ("[", "]") } else { ("{", "}") };
    if parts.is_empty() {
        return Ok(format!("{prefix}{open}{close}"));
    }
    let indent = "  ".repeat(depth + 1);
    if let Some(mut rows) = grouped {
        if parts.len() > entries {
            rows.push(parts[parts.len() - 1].clone());
        }
        let inner: Vec<String> = rows.iter().map(|r| format!("{indent}{r}")).collect();
        return Ok(format!("{prefix}{open}\n{}\n{}{close}", inner.join(",\n"), "  ".repeat(depth)));
    }
    // node's rule: on one line when the items, their separators, the indentation, the
    // constructor name and 10 columns of slack fit in the break length
    let width: usize =
        parts.iter().map(|p| p.chars().count()).sum::<usize>() + parts.len() * 2 + depth * 2 + 1 + prefix.trim_end().len() + 10;
    if width <= BREAK_LENGTH && !parts.iter().any(|p| p.contains('\n')) {
        return Ok(format!("{prefix}{open} {} {close}", parts.join(", ")));
    }
    let inner: Vec<String> = parts.iter().map(|p| format!("{indent}{}", p.replace('\n', &format!("\n{indent}")))).collect();
    Ok(format!("{prefix}{open}\n{}\n{}{close}", inner.join(",\n"), "  ".repeat(depth)))
}

/// Node's layout of long arrays of short items: rows of aligned columns (numbers padded on
/// the left, other items on the right), about square on screen, at most 15 columns and
/// never wider than the break length. None when the items are too long or too uneven.
fn group_array_items(items: &[String], indentation: usize, all_numbers: bool) -> Option<Vec<String>> {
    const SEPARATOR: usize = 2;
    let lens: Vec<usize> = items.iter().map(|s| s.chars().count()).collect();
    let total: usize = lens.iter().map(|l| l + SEPARATOR).sum();
    let max_len = *lens.iter().max()?;
    let actual_max = max_len + SEPARATOR;
    if actual_max * 3 + indentation >= BREAK_LENGTH || !(total as f64 / actual_max as f64 > 5.0 || max_len <= 6) {
        return None;
    }
    let average_bias = (actual_max as f64 - total as f64 / items.len() as f64).sqrt();
    let biased_max = (actual_max as f64 - 3.0 - average_bias).max(1.0);
    let columns = ((2.5 * biased_max * items.len() as f64).sqrt() / biased_max)
        .round()
        .min(((BREAK_LENGTH - indentation) / actual_max) as f64)
        .min(12.0)
        .min(15.0) as usize;
    if columns <= 1 {
        return None;
    }
    let col_width: Vec<usize> =
        (0..columns).map(|c| lens.iter().skip(c).step_by(columns).max().copied().unwrap_or(0) + SEPARATOR).collect();
    let mut rows = Vec::new();
    for start in (0..items.len()).step_by(columns) {
        let end = (start + columns).min(items.len());
        let mut row = String::new();
        for j in start..end {
            let w = col_width[j - start];
            let last = j == end - 1;
            let cell = if last { items[j].clone() } else { format!("{}, ", items[j]) };
            let pad = (if last && all_numbers { w - SEPARATOR } else { w }).saturating_sub(cell.chars().count());
            if all_numbers {
                row.push_str(&" ".repeat(pad));
                row.push_str(&cell);
            } else if last {
                row.push_str(&cell);
            } else {
                row.push_str(&cell);
                row.push_str(&" ".repeat(pad));
            }
        }
        rows.push(row);
    }
    Some(rows)
}
