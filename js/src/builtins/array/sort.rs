//! `Array.prototype.sort` and `toSorted`: SortIndexedProperties with a stable merge sort whose
//! comparator may run JavaScript (and throw).

use super::{array_create, create_i, del_i, get_i, next_present, set_i, this_obj};
use crate::interp::access::Args;
use crate::vm::object::PropKey;
use crate::vm::{JsResult, Value, Vm};

fn check_comparator(vm: &mut Vm, a: &Args) -> JsResult<Value> {
    let cmp = a.get(vm, 0);
    if !cmp.is_undefined() && !vm.is_callable(cmp) {
        return Err(vm.throw_type("The comparison function must be either a function or undefined"));
    }
    Ok(cmp)
}

/// The values at indices `0..len` of `o` (skipping absent ones when `skip_holes`), rooted on
/// the stack.
fn collect(vm: &mut Vm, o: Value, len: f64, skip_holes: bool) -> JsResult<Vec<Value>> {
    let mut items = Vec::new();
    let mut k = 0.0;
    if skip_holes {
        while let Some(i) = next_present(vm, o, k, len)? {
            let v = get_i(vm, o, i)?;
            vm.stack.push(v);
            items.push(v);
            k = i + 1.0;
        }
    } else {
        while k < len {
            let v = get_i(vm, o, k)?;
            vm.stack.push(v);
            items.push(v);
            k += 1.0;
        }
    }
    Ok(items)
}

/// The items sorted by SortCompare: undefined last, the rest by `cmp` or by their strings.
/// Every item must be rooted by the caller.
fn sort_values(vm: &mut Vm, items: Vec<Value>, cmp: Value) -> JsResult<Vec<Value>> {
    let undefs = items.iter().filter(|v| v.is_undefined()).count();
    let mut defined: Vec<Value> = items.into_iter().filter(|v| !v.is_undefined()).collect();
    if cmp.is_undefined() {
        // ToString each value once, then compare code units (stable)
        let mut keyed: Vec<(Value, Value)> = Vec::with_capacity(defined.len());
        if defined.iter().all(|v| v.is_num()) {
            for &v in &defined {
                let s = vm.to_string(v)?;
                vm.stack.push(s);
                keyed.push((s, v));
            }
        } else {
            for &v in &defined {
                let s = if v.is_str() { v } else { vm.to_string(v)? };
                vm.stack.push(s);
                keyed.push((s, v));
            }
        }
        keyed.sort_by(|x, y| vm.units(x.0).cmp(vm.units(y.0)));
        defined = keyed.into_iter().map(|(_, v)| v).collect();
    } else {
        merge_sort(vm, &mut defined, cmp)?;
    }
    defined.extend(std::iter::repeat_n(Value::UNDEFINED, undefs));
    Ok(defined)
}

/// SortCompare(x, y) > 0 with a user comparator.
fn greater(vm: &mut Vm, cmp: Value, x: Value, y: Value) -> JsResult<bool> {
    let r = vm.call(cmp, Value::UNDEFINED, &[x, y])?;
    let n = if r.is_num() { r.as_num() } else { vm.to_number(r)? };
    Ok(n > 0.0)
}

/// Stable bottom-up merge sort (insertion sort on short runs first).
fn merge_sort(vm: &mut Vm, v: &mut Vec<Value>, cmp: Value) -> JsResult<()> {
    let n = v.len();
    const RUN: usize = 8;
    let mut s = 0;
    while s < n {
        let e = (s + RUN).min(n);
        for i in s + 1..e {
            let x = v[i];
            let mut j = i;
            while j > s && greater(vm, cmp, v[j - 1], x)? {
                v[j] = v[j - 1];
                j -= 1;
            }
            v[j] = x;
        }
        s = e;
    }
    let mut src = v.clone();
    let mut dst = v.clone();
    let mut width = RUN;
    while width < n {
        let mut lo = 0;
        while lo < n {
            let mid = (lo + width).min(n);
            let hi = (lo + 2 * width).min(n);
            let (mut i, mut j, mut k) = (lo, mid, lo);
            while i < mid && j < hi {
                if greater(vm, cmp, src[i], src[j])? {
                    dst[k] = src[j];
                    j += 1;
                } else {
                    dst[k] = src[i];
                    i += 1;
                }
                k += 1;
            }
            dst[k..k + (mid - i)].copy_from_slice(&src[i..mid]);
            k += mid - i;
            dst[k..k + (hi - j)].copy_from_slice(&src[j..hi]);
            lo = hi;
        }
        std::mem::swap(&mut src, &mut dst);
        width *= 2;
    }
    *v = src;
    Ok(())
}

pub(super) fn sort(vm: &mut Vm, a: &Args) -> JsResult<Value> {
    let cmp = check_comparator(vm, a)?;
    let o = this_obj(vm, a)?;
    let len = vm.length_of(o)?;
    let items = collect(vm, o, len, true)?;
    let sorted = sort_values(vm, items, cmp)?;
    let count = sorted.len() as f64;
    for (j, v) in sorted.into_iter().enumerate() {
        set_i(vm, o, j as f64, v)?;
    }
    // the holes that were skipped go to the end
    // (a proxy's keys are not looked at: each deletion is an observable trap)
    if len - count > 1024.0 && !vm.is_proxy(o) {
        // deleting an absent property does nothing: only the own integer keys matter
        let mut own: Vec<f64> = vm.own_keys(o).into_iter().filter_map(|k| super::key_index(vm, k)).filter(|&i| i >= count && i < len).collect();
        own.sort_by(|x, y| x.total_cmp(y));
        for i in own {
            del_i(vm, o, i)?;
        }
    } else {
        let mut j = count;
        while j < len {
            if let PropKey::Index(i) = super::ikey(vm, j)? {
                if vm.elem_fast(o, i).is_none() && !vm.is_proxy(o) && !vm.has_own(o, PropKey::Index(i)) {
                    j += 1.0;
                    continue;
                }
            }
            del_i(vm, o, j)?;
            j += 1.0;
        }
    }
    Ok(o)
}

pub(super) fn to_sorted(vm: &mut Vm, a: &Args) -> JsResult<Value> {
    let cmp = check_comparator(vm, a)?;
    let o = this_obj(vm, a)?;
    let len = vm.length_of(o)?;
    let out = array_create(vm, len)?;
    vm.stack.push(out);
    let items = collect(vm, o, len, false)?;
    let sorted = sort_values(vm, items, cmp)?;
    for (j, v) in sorted.into_iter().enumerate() {
        create_i(vm, out, j as f64, v)?;
    }
    Ok(out)
}
