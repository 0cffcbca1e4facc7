//! The URI handling functions (`encodeURI`, `encodeURIComponent`, `decodeURI`,
//! `decodeURIComponent`) and Annex B's `escape` / `unescape`.

use super::{def, NativeDef};
use crate::interp::access::Args;
use crate::vm::{JsResult, Value, Vm, I};

pub const NATIVES: &[NativeDef] = &[
    def("encodeURI", encode_uri, 1),
    def("encodeURIComponent", encode_uri_component, 1),
    def("decodeURI", decode_uri, 1),
    def("decodeURIComponent", decode_uri_component, 1),
    def("escape", escape, 1),
    def("unescape", unescape, 1),
];

pub fn init(vm: &mut Vm) -> JsResult<()> {
    let g = vm.global();
    vm.def_methods(g, &["encodeURI", "encodeURIComponent", "decodeURI", "decodeURIComponent", "escape", "unescape"])
}

/// uriReserved: `;/?:@&=+$,`
fn is_reserved(c: u16) -> bool {
    matches!(c, 0x3B | 0x2F | 0x3F | 0x3A | 0x40 | 0x26 | 0x3D | 0x2B | 0x24 | 0x2C)
}

/// uriUnescaped: ASCII letters, digits and `-_.!~*'()`
fn is_unescaped(c: u16) -> bool {
    c < 0x80 && {
        let b = c as u8;
        b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'!' | b'~' | b'*' | b'\'' | b'(' | b')')
    }
}

fn hex_digit(c: u16) -> Option<u8> {
    match c {
        0x30..=0x39 => Some((c - 0x30) as u8),
        0x41..=0x46 => Some((c - 0x41 + 10) as u8),
        0x61..=0x66 => Some((c - 0x61 + 10) as u8),
        _ => None,
    }
}

const HEX: &[u8; 16] = b"0123456789ABCDEF";

fn push_pct(out: &mut Vec<u16>, b: u8) {
    out.push(b'%' as u16);
    out.push(HEX[(b >> 4) as usize] as u16);
    out.push(HEX[(b & 15) as usize] as u16);
}

fn uri_error(vm: &mut Vm) -> crate::vm::Throw {
    vm.throw_error(I::URIErrorProto, "URI malformed")
}

/// Encode (ECMA-262 19.2.6.5): `keep(c)` says which ASCII units stay as they are.
fn encode(vm: &mut Vm, a: &Args, keep: fn(u16) -> bool) -> JsResult<Value> {
    let s = vm.to_string(a.get(vm, 0))?;
    let units = vm.units(s).to_vec();
    let mut out = Vec::with_capacity(units.len());
    let mut k = 0;
    while k < units.len() {
        let c = units[k];
        if keep(c) {
            out.push(c);
            k += 1;
            continue;
        }
        let cp: u32 = if (0xDC00..=0xDFFF).contains(&c) {
            return Err(uri_error(vm));
        } else if (0xD800..=0xDBFF).contains(&c) {
            match units.get(k + 1) {
                Some(&d) if (0xDC00..=0xDFFF).contains(&d) => {
                    k += 1;
                    0x10000 + (((c as u32) - 0xD800) << 10) + ((d as u32) - 0xDC00)
                }
                _ => return Err(uri_error(vm)),
            }
        } else {
            c as u32
        };
        let ch = char::from_u32(cp).expect("valid scalar value");
        let mut buf = [0u8; 4];
        for &b in ch.encode_utf8(&mut buf).as_bytes() {
            push_pct(&mut out, b);
        }
        k += 1;
    }
    Ok(vm.new_string(&out)?)
}

fn encode_uri(vm: &mut Vm, a: &Args) -> JsResult<Value> {
    encode(vm, a, |c| is_unescaped(c) || is_reserved(c) || c == b'#' as u16)
}

fn encode_uri_component(vm: &mut Vm, a: &Args) -> JsResult<Value> {
    encode(vm, a, is_unescaped)
}

/// The byte of `%XY` at `units[k..k + 3]`, if well formed.
fn pct_byte(units: &[u16], k: usize) -> Option<u8> {
    if k + 2 >= units.len() || units[k] != b'%' as u16 {
        return None;
    }
    Some(hex_digit(units[k + 1])? << 4 | hex_digit(units[k + 2])?)
}

/// Decode (ECMA-262 19.2.6.6): escapes of ASCII units for which `preserve(c)` holds are
/// kept as they are.
fn decode(vm: &mut Vm, a: &Args, preserve: fn(u16) -> bool) -> JsResult<Value> {
    let s = vm.to_string(a.get(vm, 0))?;
    let units = vm.units(s).to_vec();
    let mut out = Vec::with_capacity(units.len());
    let mut k = 0;
    while k < units.len() {
        let c = units[k];
        if c != b'%' as u16 {
            out.push(c);
            k += 1;
            continue;
        }
        let start = k;
        let Some(b) = pct_byte(&units, k) else { return Err(uri_error(vm)) };
        k += 2;
        if b < 0x80 {
            if preserve(b as u16) {
                out.extend_from_slice(&units[start..=k]);
            } else {
                out.push(b as u16);
            }
            k += 1;
            continue;
        }
        let n = b.leading_ones() as usize;
        if n == 1 || n > 4 {
            return Err(uri_error(vm));
        }
        let mut bytes = [b, 0, 0, 0];
        if k + 3 * (n - 1) >= units.len() {
            return Err(uri_error(vm));
        }
        for byte in bytes.iter_mut().take(n).skip(1) {
            k += 1;
            match pct_byte(&units, k) {
                Some(x) if x & 0xC0 == 0x80 => *byte = x,
                _ => return Err(uri_error(vm)),
            }
            k += 2;
        }
        // rejects overlong forms, surrogates and values past U+10FFFF
        let Ok(text) = std::str::from_utf8(&bytes[..n]) else { return Err(uri_error(vm)) };
        let ch = text.chars().next().expect("one character");
        let mut buf = [0u16; 2];
        out.extend_from_slice(ch.encode_utf16(&mut buf));
        k += 1;
    }
    Ok(vm.new_string(&out)?)
}

fn decode_uri(vm: &mut Vm, a: &Args) -> JsResult<Value> {
    decode(vm, a, |c| is_reserved(c) || c == b'#' as u16)
}

fn decode_uri_component(vm: &mut Vm, a: &Args) -> JsResult<Value> {
    decode(vm, a, |_| false)
}

/// Annex B `escape`: all but `A-Z a-z 0-9 @*_+-./` become `%XX` or `%uXXXX`.
fn escape(vm: &mut Vm, a: &Args) -> JsResult<Value> {
    let s = vm.to_string(a.get(vm, 0))?;
    let units = vm.units(s).to_vec();
    let mut out = Vec::with_capacity(units.len());
    for c in units {
        if c < 0x80 && ((c as u8).is_ascii_alphanumeric() || b"@*_+-./".contains(&(c as u8))) {
            out.push(c);
        } else if c < 0x100 {
            push_pct(&mut out, c as u8);
        } else {
            out.push(b'%' as u16);
            out.push(b'u' as u16);
            for sh in [12, 8, 4, 0] {
                out.push(HEX[((c >> sh) & 15) as usize] as u16);
            }
        }
    }
    Ok(vm.new_string(&out)?)
}

/// Annex B `unescape`: `%XX` and `%uXXXX` back to code units; other `%` stay.
fn unescape(vm: &mut Vm, a: &Args) -> JsResult<Value> {
    let s = vm.to_string(a.get(vm, 0))?;
    let units = vm.units(s).to_vec();
    let mut out = Vec::with_capacity(units.len());
    let hex = |from: usize, n: usize| -> Option<u16> {
        let mut v = 0u16;
        for i in from..from + n {
            v = v << 4 | hex_digit(*units.get(i)?)? as u16;
        }
        Some(v)
    };
    let mut k = 0;
    while k < units.len() {
        let c = units[k];
        if c == b'%' as u16 {
            if units.get(k + 1) == Some(&(b'u' as u16)) {
                if let Some(v) = hex(k + 2, 4) {
                    out.push(v);
                    k += 6;
                    continue;
                }
            } else if let Some(v) = hex(k + 1, 2) {
                out.push(v);
                k += 3;
                continue;
            }
        }
        out.push(c);
        k += 1;
    }
    Ok(vm.new_string(&out)?)
}
