//! `Date` and `Date.prototype`: a Date object is of class `DATE` with its time value (a
//! Number, NaN when invalid) in slot 0. The calendar arithmetic is `date_math`'s; local time
//! is the machine's zone.

use super::date_math as dm;
use super::{def, NativeDef};
use crate::interp::access::Args;
use crate::vm::object::{attr, class, PropKey};
use crate::vm::{JsResult, Value, Vm, A, I};

pub const NATIVES: &[NativeDef] = &[
    def("Date", date_ctor, 7),
    def("Date.now", now, 0),
    def("Date.parse", parse, 1),
    def("Date.UTC", utc, 7),
    def("Date.prototype.getDate", get_date, 0),
    def("Date.prototype.getDay", get_day, 0),
    def("Date.prototype.getFullYear", get_full_year, 0),
    def("Date.prototype.getHours", get_hours, 0),
    def("Date.prototype.getMilliseconds", get_milliseconds, 0),
    def("Date.prototype.getMinutes", get_minutes, 0),
    def("Date.prototype.getMonth", get_month, 0),
    def("Date.prototype.getSeconds", get_seconds, 0),
    def("Date.prototype.getTime", get_time, 0),
    def("Date.prototype.getTimezoneOffset", get_timezone_offset, 0),
    def("Date.prototype.getUTCDate", get_utc_date, 0),
    def("Date.prototype.getUTCDay", get_utc_day, 0),
    def("Date.prototype.getUTCFullYear", get_utc_full_year, 0),
    def("Date.prototype.getUTCHours", get_utc_hours, 0),
    def("Date.prototype.getUTCMilliseconds", get_utc_milliseconds, 0),
    def("Date.prototype.getUTCMinutes", get_utc_minutes, 0),
    def("Date.prototype.getUTCMonth", get_utc_month, 0),
    def("Date.prototype.getUTCSeconds", get_utc_seconds, 0),
    def("Date.prototype.getYear", get_year, 0),
    def("Date.prototype.setDate", set_date, 1),
    def("Date.prototype.setFullYear", set_full_year, 3),
    def("Date.prototype.setHours", set_hours, 4),
    def("Date.prototype.setMilliseconds", set_milliseconds, 1),
    def("Date.prototype.setMinutes", set_minutes, 3),
    def("Date.prototype.setMonth", set_month, 2),
    def("Date.prototype.setSeconds", set_seconds, 2),
    def("Date.prototype.setTime", set_time, 1),
    def("Date.prototype.setUTCDate", set_utc_date, 1),
    def("Date.prototype.setUTCFullYear", set_utc_full_year, 3),
    def("Date.prototype.setUTCHours", set_utc_hours, 4),
    def("Date.prototype.setUTCMilliseconds", set_utc_milliseconds, 1),
    def("Date.prototype.setUTCMinutes", set_utc_minutes, 3),
    def("Date.prototype.setUTCMonth", set_utc_month, 2),
    def("Date.prototype.setUTCSeconds", set_utc_seconds, 2),
    def("Date.prototype.setYear", set_year, 1),
    def("Date.prototype.toDateString", to_date_string, 0),
    def("Date.prototype.toISOString", to_iso_string, 0),
    def("Date.prototype.toJSON", to_json, 1),
    def("Date.prototype.toLocaleDateString", to_locale_date_string, 0),
    def("Date.prototype.toLocaleString", to_locale_string, 0),
    def("Date.prototype.toLocaleTimeString", to_locale_time_string, 0),
    def("Date.prototype.toString", to_string, 0),
    def("Date.prototype.toTimeString", to_time_string, 0),
    def("Date.prototype.toUTCString", to_utc_string, 0),
    def("Date.prototype.valueOf", value_of, 0),
    def("Date.prototype[Symbol.toPrimitive]", to_primitive, 1),
];

pub fn init(vm: &mut Vm) -> JsResult<()> {
    let op = vm.i(I::ObjectProto);
    let p = vm.new_plain(op)?;
    vm.set_intrinsic(I::DateProto, p);
    let c = vm.def_ctor("Date", p)?;
    vm.def_methods(c, &["Date.now", "Date.parse", "Date.UTC"])?;
    for d in NATIVES {
        if d.name.starts_with("Date.prototype.") && !d.name.contains('[') {
            vm.def_method(p, d.name)?;
        }
    }
    // Annex B: toGMTString is the same function object as toUTCString
    let uk = vm.key_from_str("toUTCString")?;
    if let Some(f) = vm.get_own(p, uk) {
        vm.def_value(p, "toGMTString", f.value, attr::WC)?;
    }
    let tp = vm.native_function("Date.prototype[Symbol.toPrimitive]")?;
    let tk = vm.i(I::SymToPrimitive);
    vm.put(p, PropKey::Key(tk), tp, attr::C)?;
    // runs after the global object's functions exist (see init_realm)
    super::number::share_global_parsers(vm)?;
    Ok(())
}

/// thisTimeValue: the time value of a Date `this`, or a TypeError.
fn this_time(vm: &mut Vm, a: &Args) -> JsResult<f64> {
    let t = a.this(vm);
    if t.is_obj() && vm.class_of(t) == class::DATE {
        return Ok(vm.slot(t, 0).as_num());
    }
    Err(vm.throw_type("this is not a Date object."))
}

fn set_this_time(vm: &mut Vm, a: &Args, v: f64) -> Value {
    let t = a.this(vm);
    vm.set_slot(t, 0, Value::num(v));
    Value::num(v)
}

/// The year as the constructor and Date.UTC read it: 0..=99 means 1900..=1999.
fn full_year(y: f64) -> f64 {
    if y.is_nan() {
        return y;
    }
    let yi = crate::interp::ops::to_integer_or_infinity(y);
    if (0.0..=99.0).contains(&yi) {
        1900.0 + yi
    } else {
        y
    }
}

/// The time value from constructor-style components (year, month[, date, h, m, s, ms]).
fn from_components(vm: &mut Vm, a: &Args, month_default: f64) -> JsResult<f64> {
    let mut f = [f64::NAN, month_default, 1.0, 0.0, 0.0, 0.0, 0.0];
    for (i, slot) in f.iter_mut().enumerate() {
        if i < a.argc {
            *slot = vm.to_number(a.get(vm, i))?;
        }
    }
    let y = full_year(f[0]);
    Ok(dm::make_date(dm::make_day(y, f[1], f[2]), dm::make_time(f[3], f[4], f[5], f[6])))
}

fn date_ctor(vm: &mut Vm, a: &Args) -> JsResult<Value> {
    if !a.is_construct() {
        let s = dm::to_string(dm::now_ms());
        return vm.str_from(&s);
    }
    let tv = match a.argc {
        0 => dm::now_ms(),
        1 => {
            let v = a.get(vm, 0);
            if v.is_obj() && vm.class_of(v) == class::DATE {
                vm.slot(v, 0).as_num()
            } else {
                let p = vm.to_primitive(v, crate::interp::ops::Hint::Default)?;
                if p.is_str() {
                    let s = vm.string_lossy(p);
                    dm::parse_date(&s)
                } else {
                    vm.to_number(p)?
                }
            }
        }
        _ => {
            let t = from_components(vm, a, 0.0)?;
            dm::utc(t)
        }
    };
    let tv = dm::time_clip(tv);
    let p = vm.proto_from_ctor(a.new_target, I::DateProto)?;
    let o = vm.new_object_with(class::DATE, p, 1)?;
    vm.set_slot(o, 0, Value::num(tv));
    Ok(o)
}

fn now(_vm: &mut Vm, _a: &Args) -> JsResult<Value> {
    Ok(Value::num(dm::now_ms()))
}

fn parse(vm: &mut Vm, a: &Args) -> JsResult<Value> {
    let s = vm.to_string(a.get(vm, 0))?;
    let s = vm.string_lossy(s);
    Ok(Value::num(dm::parse_date(&s)))
}

fn utc(vm: &mut Vm, a: &Args) -> JsResult<Value> {
    let t = from_components(vm, a, 0.0)?;
    Ok(Value::num(dm::time_clip(t)))
}

// ----- getters ------------------------------------------------------------------------------

macro_rules! getters {
    ($($name:ident => $local:expr, $f:expr;)*) => {
        $(fn $name(vm: &mut Vm, a: &Args) -> JsResult<Value> {
            let t = this_time(vm, a)?;
            if t.is_nan() {
                return Ok(Value::NAN);
            }
            let t = if $local { dm::local_time(t) } else { t };
            let f: fn(f64) -> f64 = $f;
            Ok(Value::num(f(t)))
        })*
    };
}

getters! {
    get_date => true, dm::date_from_time;
    get_day => true, dm::week_day;
    get_full_year => true, dm::year_from_time;
    get_hours => true, dm::hour_from_time;
    get_milliseconds => true, dm::ms_from_time;
    get_minutes => true, dm::min_from_time;
    get_month => true, dm::month_from_time;
    get_seconds => true, dm::sec_from_time;
    get_year => true, |t| dm::year_from_time(t) - 1900.0;
    get_utc_date => false, dm::date_from_time;
    get_utc_day => false, dm::week_day;
    get_utc_full_year => false, dm::year_from_time;
    get_utc_hours => false, dm::hour_from_time;
    get_utc_milliseconds => false, dm::ms_from_time;
    get_utc_minutes => false, dm::min_from_time;
    get_utc_month => false, dm::month_from_time;
    get_utc_seconds => false, dm::sec_from_time;
}

fn get_time(vm: &mut Vm, a: &Args) -> JsResult<Value> {
    Ok(Value::num(this_time(vm, a)?))
}
fn value_of(vm: &mut Vm, a: &Args) -> JsResult<Value> {
    Ok(Value::num(this_time(vm, a)?))
}

fn get_timezone_offset(vm: &mut Vm, a: &Args) -> JsResult<Value> {
    let t = this_time(vm, a)?;
    if t.is_nan() {
        return Ok(Value::NAN);
    }
    Ok(Value::num((t - dm::local_time(t)) / dm::MS_PER_MINUTE))
}

// ----- setters ------------------------------------------------------------------------------

/// The field a setter starts at, in [year, month, date, hours, minutes, seconds, ms].
const YEAR: usize = 0;
const MONTH: usize = 1;
const DATE: usize = 2;
const HOURS: usize = 3;
const MINUTES: usize = 4;
const SECONDS: usize = 5;
const MS: usize = 6;

/// The set{UTC}{FullYear,Month,Date,Hours,Minutes,Seconds,Milliseconds} family: replaces
/// up to `max` fields from `first` on with the (present) arguments.
fn set_fields(vm: &mut Vm, a: &Args, local: bool, first: usize, max: usize) -> JsResult<Value> {
    let t = this_time(vm, a)?;
    let mut args = [f64::NAN; 4];
    let n = a.argc.clamp(1, max);
    for (i, slot) in args.iter_mut().enumerate().take(n) {
        *slot = vm.to_number(a.get(vm, i))?;
    }
    let t = if t.is_nan() {
        if first != YEAR {
            return Ok(Value::NAN);
        }
        0.0
    } else if local {
        dm::local_time(t)
    } else {
        t
    };
    let mut f = [
        dm::year_from_time(t),
        dm::month_from_time(t),
        dm::date_from_time(t),
        dm::hour_from_time(t),
        dm::min_from_time(t),
        dm::sec_from_time(t),
        dm::ms_from_time(t),
    ];
    f[first..first + n].copy_from_slice(&args[..n]);
    let d = dm::make_date(dm::make_day(f[0], f[1], f[2]), dm::make_time(f[3], f[4], f[5], f[6]));
    let u = dm::time_clip(if local { dm::utc(d) } else { d });
    Ok(set_this_time(vm, a, u))
}

macro_rules! setters {
    ($($name:ident => $local:expr, $first:expr, $max:expr;)*) => {
        $(fn $name(vm: &mut Vm, a: &Args) -> JsResult<Value> {
            set_fields(vm, a, $local, $first, $max)
        })*
    };
}

setters! {
    set_full_year => true, YEAR, 3;
    set_month => true, MONTH, 2;
    set_date => true, DATE, 1;
    set_hours => true, HOURS, 4;
    set_minutes => true, MINUTES, 3;
    set_seconds => true, SECONDS, 2;
    set_milliseconds => true, MS, 1;
    set_utc_full_year => false, YEAR, 3;
    set_utc_month => false, MONTH, 2;
    set_utc_date => false, DATE, 1;
    set_utc_hours => false, HOURS, 4;
    set_utc_minutes => false, MINUTES, 3;
    set_utc_seconds => false, SECONDS, 2;
    set_utc_milliseconds => false, MS, 1;
}

fn set_time(vm: &mut Vm, a: &Args) -> JsResult<Value> {
    this_time(vm, a)?;
    let t = vm.to_number(a.get(vm, 0))?;
    Ok(set_this_time(vm, a, dm::time_clip(t)))
}

/// Annex B setYear.
fn set_year(vm: &mut Vm, a: &Args) -> JsResult<Value> {
    let t = this_time(vm, a)?;
    let y = vm.to_number(a.get(vm, 0))?;
    if y.is_nan() {
        return Ok(set_this_time(vm, a, f64::NAN));
    }
    let t = if t.is_nan() { 0.0 } else { dm::local_time(t) };
    let yyyy = full_year(y);
    let d = dm::make_day(yyyy, dm::month_from_time(t), dm::date_from_time(t));
    let u = dm::time_clip(dm::utc(dm::make_date(d, dm::time_within_day(t))));
    Ok(set_this_time(vm, a, u))
}

// ----- strings ------------------------------------------------------------------------------

fn string_of(vm: &mut Vm, a: &Args, f: fn(f64) -> String) -> JsResult<Value> {
    let t = this_time(vm, a)?;
    if t.is_nan() {
        return vm.str_from("Invalid Date");
    }
    let s = f(t);
    vm.str_from(&s)
}

fn to_string(vm: &mut Vm, a: &Args) -> JsResult<Value> {
    string_of(vm, a, dm::to_string)
}
fn to_date_string(vm: &mut Vm, a: &Args) -> JsResult<Value> {
    string_of(vm, a, dm::to_date_string)
}
fn to_time_string(vm: &mut Vm, a: &Args) -> JsResult<Value> {
    string_of(vm, a, dm::to_time_string)
}
fn to_utc_string(vm: &mut Vm, a: &Args) -> JsResult<Value> {
    string_of(vm, a, dm::to_utc_string)
}

/// en-US "1/2/2020".
fn locale_date(t: f64) -> String {
    let l = dm::local_time(t);
    format!("{}/{}/{}", dm::month_from_time(l) + 1.0, dm::date_from_time(l), dm::year_from_time(l))
}
/// en-US "3:04:05 PM".
fn locale_time(t: f64) -> String {
    let l = dm::local_time(t);
    let h = dm::hour_from_time(l);
    let h12 = if h % 12.0 == 0.0 { 12.0 } else { h % 12.0 };
    format!("{}:{:02}:{:02} {}", h12, dm::min_from_time(l), dm::sec_from_time(l), if h < 12.0 { "AM" } else { "PM" })
}
fn to_locale_string(vm: &mut Vm, a: &Args) -> JsResult<Value> {
    string_of(vm, a, |t| format!("{}, {}", locale_date(t), locale_time(t)))
}
fn to_locale_date_string(vm: &mut Vm, a: &Args) -> JsResult<Value> {
    string_of(vm, a, locale_date)
}
fn to_locale_time_string(vm: &mut Vm, a: &Args) -> JsResult<Value> {
    string_of(vm, a, locale_time)
}

fn to_iso_string(vm: &mut Vm, a: &Args) -> JsResult<Value> {
    let t = this_time(vm, a)?;
    if !t.is_finite() {
        return Err(vm.throw_range("Invalid time value"));
    }
    let s = dm::to_iso_string(t);
    vm.str_from(&s)
}

fn to_json(vm: &mut Vm, a: &Args) -> JsResult<Value> {
    let o = vm.to_object(a.this(vm))?;
    vm.stack.push(o);
    let r = (|| {
        let tv = vm.to_primitive(o, crate::interp::ops::Hint::Number)?;
        if tv.is_num() && !tv.as_num().is_finite() {
            return Ok(Value::NULL);
        }
        let k = vm.key_atom(A::toISOString);
        let f = vm.get(o, k, o)?;
        if !vm.is_callable(f) {
            return Err(vm.throw_type("toISOString is not a function"));
        }
        vm.call(f, o, &[])
    })();
    vm.stack.pop();
    r
}

/// Date.prototype[@@toPrimitive](hint): OrdinaryToPrimitive, "default" meaning "string".
fn to_primitive(vm: &mut Vm, a: &Args) -> JsResult<Value> {
    let o = a.this(vm);
    if !o.is_obj() {
        return Err(vm.throw_type("Date.prototype [ @@toPrimitive ] called on non-object"));
    }
    let h = a.get(vm, 0);
    let hs = if h.is_str() { vm.string_lossy(h) } else { String::new() };
    let order = match hs.as_str() {
        "string" | "default" => [A::toString, A::valueOf],
        "number" => [A::valueOf, A::toString],
        _ => return Err(vm.throw_type(&format!("Invalid hint: {hs}"))),
    };
    for which in order {
        let k = vm.key_atom(which);
        let f = vm.get(o, k, o)?;
        if vm.is_callable(f) {
            let r = vm.call(f, o, &[])?;
            if !r.is_obj() {
                return Ok(r);
            }
        }
    }
    Err(vm.throw_type("Cannot convert object to primitive value"))
}
