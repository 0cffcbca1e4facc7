//! The ECMAScript Date algorithms (ECMA-262 §21.4.1), free of engine types.
//!
//! Times are `f64` milliseconds since the epoch, as in the spec; NaN is the
//! invalid time value. The abstract operations keep the spec's names
//! (`day`, `make_day`, `time_clip`, ...). Local time goes through a
//! [`TimeZone`]: the plain functions (`local_time`, `parse_date`,
//! `to_string`, ...) use the machine's zone ([`SystemTimeZone`], libc
//! `localtime_r` honouring `TZ`), and each has an `_in` twin taking any zone,
//! which is what the tests (and a deterministic embedder) use.

use std::time::{SystemTime, UNIX_EPOCH};

pub const MS_PER_DAY: f64 = 86_400_000.0;
pub const MS_PER_HOUR: f64 = 3_600_000.0;
pub const MS_PER_MINUTE: f64 = 60_000.0;
pub const MS_PER_SECOND: f64 = 1000.0;
/// Largest magnitude of a time value (§21.4.1.1): 100,000,000 days.
pub const MAX_TIME: f64 = 8.64e15;

const WEEKDAYS: [&str; 7] = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];
/// Days before the first of each month in a common year (index 12 = 365).
const MONTH_START: [f64; 13] = [
    0.0, 31.0, 59.0, 90.0, 120.0, 151.0, 181.0, 212.0, 243.0, 273.0, 304.0, 334.0, 365.0,
];

/// Mathematical `a modulo b` (result has the sign of `b`), never -0.
fn modulo(a: f64, b: f64) -> f64 {
    a.rem_euclid(b) + 0.0
}

/// ToIntegerOrInfinity on a Number: NaN -> 0, truncation, -0 -> +0.
fn to_integer(x: f64) -> f64 {
    if x.is_nan() {
        0.0
    } else {
        x.trunc() + 0.0
    }
}

// ---------------------------------------------------------------------------
// §21.4.1 abstract operations
// ---------------------------------------------------------------------------

/// Day(t): the day number containing `t`.
pub fn day(t: f64) -> f64 {
    (t / MS_PER_DAY).floor()
}

/// TimeWithinDay(t), in `[0, msPerDay)`.
pub fn time_within_day(t: f64) -> f64 {
    modulo(t, MS_PER_DAY)
}

/// DaysInYear(y): 365 or 366.
pub fn days_in_year(y: f64) -> f64 {
    if y % 4.0 != 0.0 || (y % 100.0 == 0.0 && y % 400.0 != 0.0) {
        365.0
    } else {
        366.0
    }
}

/// DayFromYear(y): day number of January 1 of year `y`.
pub fn day_from_year(y: f64) -> f64 {
    365.0 * (y - 1970.0) + ((y - 1969.0) / 4.0).floor() - ((y - 1901.0) / 100.0).floor()
        + ((y - 1601.0) / 400.0).floor()
}

/// TimeFromYear(y): time value of the start of year `y`.
pub fn time_from_year(y: f64) -> f64 {
    MS_PER_DAY * day_from_year(y)
}

/// YearFromTime(t): the largest integral `y` with `TimeFromYear(y) <= t`.
///
/// Year starts lie within ±1.52 days of the linear estimate
/// `1970 + day / 365.2425`, so the estimate is off by at most one year.
pub fn year_from_time(t: f64) -> f64 {
    if !t.is_finite() {
        return f64::NAN;
    }
    let y = (day(t) / 365.2425).floor() + 1970.0;
    if time_from_year(y) > t {
        y - 1.0
    } else if time_from_year(y + 1.0) <= t {
        y + 1.0
    } else {
        y
    }
}

/// InLeapYear(t) (the spec's 1𝔽 / +0𝔽 as a bool).
pub fn in_leap_year(t: f64) -> bool {
    days_in_year(year_from_time(t)) == 366.0
}

/// DayWithinYear(t), 0-based.
pub fn day_within_year(t: f64) -> f64 {
    day(t) - day_from_year(year_from_time(t))
}

/// Days before the first of month `m` (0..=12) in a year of the given kind.
fn month_start(m: usize, leap: bool) -> f64 {
    MONTH_START[m] + if leap && m >= 2 { 1.0 } else { 0.0 }
}

/// MonthFromTime(t), 0 (January) to 11.
pub fn month_from_time(t: f64) -> f64 {
    if !t.is_finite() {
        return f64::NAN;
    }
    let (d, leap) = (day_within_year(t), in_leap_year(t));
    (0..12)
        .rev()
        .find(|&m| d >= month_start(m, leap))
        .unwrap_or(0) as f64
}

/// DateFromTime(t), 1 to 31.
pub fn date_from_time(t: f64) -> f64 {
    if !t.is_finite() {
        return f64::NAN;
    }
    let m = month_from_time(t) as usize;
    day_within_year(t) - month_start(m, in_leap_year(t)) + 1.0
}

/// WeekDay(t), 0 (Sunday) to 6.
pub fn week_day(t: f64) -> f64 {
    modulo(day(t) + 4.0, 7.0)
}

/// HourFromTime(t).
pub fn hour_from_time(t: f64) -> f64 {
    modulo((t / MS_PER_HOUR).floor(), 24.0)
}

/// MinFromTime(t).
pub fn min_from_time(t: f64) -> f64 {
    modulo((t / MS_PER_MINUTE).floor(), 60.0)
}

/// SecFromTime(t).
pub fn sec_from_time(t: f64) -> f64 {
    modulo((t / MS_PER_SECOND).floor(), 60.0)
}

/// msFromTime(t).
pub fn ms_from_time(t: f64) -> f64 {
    modulo(t, MS_PER_SECOND)
}

/// MakeTime(hour, min, sec, ms), with IEEE arithmetic in the spec's order.
pub fn make_time(hour: f64, min: f64, sec: f64, ms: f64) -> f64 {
    if !(hour.is_finite() && min.is_finite() && sec.is_finite() && ms.is_finite()) {
        return f64::NAN;
    }
    let (h, m, s, milli) = (
        to_integer(hour),
        to_integer(min),
        to_integer(sec),
        to_integer(ms),
    );
    ((h * MS_PER_HOUR + m * MS_PER_MINUTE) + s * MS_PER_SECOND) + milli
}

/// Years beyond this magnitude have no first-of-month day that a time value
/// (even one later shifted by a time-zone offset) could use: MakeDay is NaN.
/// (V8 uses the same bound.)
const MAKE_DAY_MAX_YEAR: f64 = 1_000_000.0;

/// MakeDay(year, month, date): day number, months overflowing into years.
pub fn make_day(year: f64, month: f64, date: f64) -> f64 {
    if !(year.is_finite() && month.is_finite() && date.is_finite()) {
        return f64::NAN;
    }
    let (y, m, dt) = (to_integer(year), to_integer(month), to_integer(date));
    let ym = y + (m / 12.0).floor();
    if !ym.is_finite() || ym.abs() > MAKE_DAY_MAX_YEAR {
        return f64::NAN;
    }
    let mn = modulo(m, 12.0) as usize;
    let first = day_from_year(ym) + month_start(mn, days_in_year(ym) == 366.0);
    first + dt - 1.0
}

/// MakeDate(day, time).
pub fn make_date(day: f64, time: f64) -> f64 {
    if !(day.is_finite() && time.is_finite()) {
        return f64::NAN;
    }
    let tv = day * MS_PER_DAY + time;
    if tv.is_finite() {
        tv
    } else {
        f64::NAN
    }
}

/// TimeClip(time): NaN outside ±8.64e15, otherwise an integral Number (+0 for -0).
pub fn time_clip(time: f64) -> f64 {
    if !time.is_finite() || time.abs() > MAX_TIME {
        return f64::NAN;
    }
    to_integer(time)
}

/// The current time value (milliseconds since the epoch, integral).
pub fn now_ms() -> f64 {
    match SystemTime::now().duration_since(UNIX_EPOCH) {
        Ok(d) => d.as_millis() as f64,
        Err(e) => -(e.duration().as_millis() as f64),
    }
}

// ---------------------------------------------------------------------------
// Time zones and local time (§21.4.1.20-26)
// ---------------------------------------------------------------------------

/// A time zone as the Date algorithms need it.
pub trait TimeZone {
    /// Offset from UTC in milliseconds at the (finite) UTC instant `t`.
    fn offset_at(&self, t: f64) -> f64;
    /// Display name at the UTC instant `t` (e.g. "CET"); may be empty.
    fn name_at(&self, t: f64) -> String;
}

/// A zone with a constant offset in milliseconds and a display name.
#[derive(Clone, Copy, Debug)]
pub struct FixedZone(pub f64, pub &'static str);

impl TimeZone for FixedZone {
    fn offset_at(&self, _t: f64) -> f64 {
        self.0
    }
    fn name_at(&self, _t: f64) -> String {
        self.1.to_string()
    }
}

/// The machine's local time zone, from the TZ database through libc
/// `localtime_r`/`tm_gmtoff` (honouring `TZ`). Offsets are 0 where libc
/// cannot convert (and on non-Unix targets).
#[derive(Clone, Copy, Debug, Default)]
pub struct SystemTimeZone;

#[cfg(unix)]
mod sys {
    use std::ffi::CStr;
    use std::sync::Once;

    extern "C" {
        fn tzset();
    }

    static INIT: Once = Once::new();

    /// Re-read `TZ` (glibc's `localtime_r` only does so once).
    pub fn reset() {
        // SAFETY: tzset has no preconditions.
        unsafe { tzset() }
    }

    /// (offset in ms, zone abbreviation) at the UTC instant `t`.
    pub fn local(t: f64) -> Option<(f64, String)> {
        if !t.is_finite() {
            return None;
        }
        INIT.call_once(reset);
        let secs = (t / 1000.0).floor() as libc::time_t;
        // SAFETY: `tm` is plain data; localtime_r writes it and returns
        // either null or a pointer to it; `tm_zone` is null or a C string
        // owned by libc that lives for the rest of the process.
        unsafe {
            let mut tm: libc::tm = std::mem::zeroed();
            if libc::localtime_r(&secs, &mut tm).is_null() {
                return None;
            }
            let name = if tm.tm_zone.is_null() {
                String::new()
            } else {
                CStr::from_ptr(tm.tm_zone).to_string_lossy().into_owned()
            };
            Some((tm.tm_gmtoff as f64 * 1000.0, name))
        }
    }
}

#[cfg(not(unix))]
mod sys {
    pub fn reset() {}
    pub fn local(_t: f64) -> Option<(f64, String)> {
        Some((0.0, "UTC".to_string()))
    }
}

/// Make later conversions pick up a changed `TZ` environment variable.
pub fn reset_system_time_zone() {
    sys::reset()
}

impl TimeZone for SystemTimeZone {
    fn offset_at(&self, t: f64) -> f64 {
        sys::local(t).map_or(0.0, |(off, _)| off)
    }
    fn name_at(&self, t: f64) -> String {
        sys::local(t).map_or_else(String::new, |(_, name)| name)
    }
}

/// LocalTZA(t, isUTC) in `zone`. With `is_utc`, the offset at the instant
/// `t`; otherwise `t` is a local time and the offset is the one that maps it
/// back to UTC, where a repeated local time takes the earlier instant and a
/// skipped one the offset from before the transition (§21.4.1.26 UTC(t)).
pub fn local_tza_in(zone: &dyn TimeZone, t: f64, is_utc: bool) -> f64 {
    if !t.is_finite() {
        return 0.0;
    }
    if is_utc {
        return zone.offset_at(t);
    }
    // Every offset that could apply near `t`: the real instant is within a
    // day of `t` read as UTC.
    let candidates = [
        zone.offset_at(t - MS_PER_DAY),
        zone.offset_at(t),
        zone.offset_at(t + MS_PER_DAY),
    ];
    let max = candidates.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    // Offsets consistent with their own instant; the largest is the earliest.
    let best = candidates
        .iter()
        .copied()
        .filter(|&o| zone.offset_at(t - o) == o)
        .fold(f64::NEG_INFINITY, f64::max);
    if best.is_finite() {
        best
    } else {
        // In a gap: the instant `t - max` lies before the transition.
        zone.offset_at(t - max)
    }
}

/// LocalTZA(t, isUTC) in the system time zone.
pub fn local_tza(t: f64, is_utc: bool) -> f64 {
    local_tza_in(&SystemTimeZone, t, is_utc)
}

/// LocalTime(t) in `zone`.
pub fn local_time_in(zone: &dyn TimeZone, t: f64) -> f64 {
    t + local_tza_in(zone, t, true)
}

/// LocalTime(t) in the system time zone.
pub fn local_time(t: f64) -> f64 {
    local_time_in(&SystemTimeZone, t)
}

/// UTC(t) in `zone`: the time value of the local time `t`.
pub fn utc_in(zone: &dyn TimeZone, t: f64) -> f64 {
    if !t.is_finite() {
        return f64::NAN;
    }
    t - local_tza_in(zone, t, false)
}

/// UTC(t) in the system time zone.
pub fn utc(t: f64) -> f64 {
    utc_in(&SystemTimeZone, t)
}

// ---------------------------------------------------------------------------
// Formatting (§21.4.4.35, §21.4.4.41), for finite time values
// ---------------------------------------------------------------------------

/// Year as "-" (if negative) followed by at least four digits.
fn year_string(y: f64) -> String {
    format!("{}{:04}", if y < 0.0 { "-" } else { "" }, y.abs())
}

/// "HH:mm:ss".
fn hms(t: f64) -> String {
    format!(
        "{:02}:{:02}:{:02}",
        hour_from_time(t),
        min_from_time(t),
        sec_from_time(t)
    )
}

fn weekday_name(t: f64) -> &'static str {
    WEEKDAYS[week_day(t) as usize]
}

fn month_name(t: f64) -> &'static str {
    MONTHS[month_from_time(t) as usize]
}

/// DateString(tv): "Tue Nov 24 2026".
fn date_string(tv: f64) -> String {
    format!(
        "{} {} {:02} {}",
        weekday_name(tv),
        month_name(tv),
        date_from_time(tv),
        year_string(year_from_time(tv))
    )
}

/// TimeZoneString(tv): "+0100 (CET)" (the offset's seconds are dropped).
fn time_zone_string(zone: &dyn TimeZone, tv: f64) -> String {
    let offset = zone.offset_at(tv);
    let abs = offset.abs();
    let name = zone.name_at(tv);
    format!(
        "{}{:02}{:02}{}",
        if offset >= 0.0 { '+' } else { '-' },
        hour_from_time(abs),
        min_from_time(abs),
        if name.is_empty() {
            String::new()
        } else {
            format!(" ({name})")
        }
    )
}

/// Date.prototype.toISOString: "2026-11-24T09:00:00.000Z", years outside
/// 0..=9999 as "+275760" / "-000001".
pub fn to_iso_string(t: f64) -> String {
    let y = year_from_time(t);
    let year = if (0.0..=9999.0).contains(&y) {
        format!("{y:04}")
    } else {
        format!("{}{:06}", if y < 0.0 { '-' } else { '+' }, y.abs())
    };
    format!(
        "{year}-{:02}-{:02}T{}.{:03}Z",
        month_from_time(t) + 1.0,
        date_from_time(t),
        hms(t),
        ms_from_time(t)
    )
}

/// Date.prototype.toUTCString: "Tue, 24 Nov 2026 09:00:00 GMT".
pub fn to_utc_string(t: f64) -> String {
    format!(
        "{}, {:02} {} {} {} GMT",
        weekday_name(t),
        date_from_time(t),
        month_name(t),
        year_string(year_from_time(t)),
        hms(t)
    )
}

/// Date.prototype.toDateString in `zone`: "Tue Nov 24 2026".
pub fn to_date_string_in(zone: &dyn TimeZone, t: f64) -> String {
    date_string(local_time_in(zone, t))
}

/// Date.prototype.toTimeString in `zone`: "10:00:00 GMT+0100 (CET)".
pub fn to_time_string_in(zone: &dyn TimeZone, t: f64) -> String {
    format!(
        "{} GMT{}",
        hms(local_time_in(zone, t)),
        time_zone_string(zone, t)
    )
}

/// Date.prototype.toString in `zone`: "Tue Nov 24 2026 10:00:00 GMT+0100 (CET)".
pub fn to_string_in(zone: &dyn TimeZone, t: f64) -> String {
    format!(
        "{} {}",
        to_date_string_in(zone, t),
        to_time_string_in(zone, t)
    )
}

/// Date.prototype.toDateString in the system time zone.
pub fn to_date_string(t: f64) -> String {
    to_date_string_in(&SystemTimeZone, t)
}

/// Date.prototype.toTimeString in the system time zone.
pub fn to_time_string(t: f64) -> String {
    to_time_string_in(&SystemTimeZone, t)
}

/// Date.prototype.toString in the system time zone.
pub fn to_string(t: f64) -> String {
    to_string_in(&SystemTimeZone, t)
}

// ---------------------------------------------------------------------------
// Parsing (§21.4.3.2 Date.parse)
// ---------------------------------------------------------------------------

/// Date.parse in the system time zone.
pub fn parse_date(s: &str) -> f64 {
    parse_date_in(&SystemTimeZone, s)
}

/// Date.parse in `zone`: the Date Time String Format (§21.4.1.32) exactly,
/// else the toString / toUTCString forms and common legacy forms
/// ("Nov 24 2026", "2026/11/24 10:00", "November 24, 2026 10:00:00 UTC").
/// Returns a clipped time value or NaN.
pub fn parse_date_in(zone: &dyn TimeZone, s: &str) -> f64 {
    let s = s.as_bytes();
    match parse_iso(zone, s) {
        Some(t) => t,
        None => parse_legacy(zone, s).map_or(f64::NAN, time_clip),
    }
}

/// Exactly `n` ASCII digits at `s[*i..]`.
fn digits(s: &[u8], i: &mut usize, n: usize) -> Option<f64> {
    let d = s.get(*i..*i + n)?;
    if !d.iter().all(u8::is_ascii_digit) {
        return None;
    }
    *i += n;
    Some(d.iter().fold(0.0, |v, &c| v * 10.0 + f64::from(c - b'0')))
}

fn eat(s: &[u8], i: &mut usize, c: u8) -> bool {
    let hit = s.get(*i) == Some(&c);
    *i += hit as usize;
    hit
}

fn days_in_month(year: f64, month: f64) -> f64 {
    let m = month as usize; // 1..=12
    let leap = days_in_year(year) == 366.0;
    month_start(m, leap) - month_start(m - 1, leap)
}

/// The Date Time String Format. `None` when the syntax does not match (try
/// the legacy forms), `Some(NaN)` when it matches with illegal values.
fn parse_iso(zone: &dyn TimeZone, s: &[u8]) -> Option<f64> {
    let i = &mut 0;
    let year = match s.first()? {
        c @ (b'+' | b'-') => {
            *i += 1;
            let y = digits(s, i, 6)?;
            if *c == b'-' {
                -y
            } else {
                y
            }
        }
        _ => digits(s, i, 4)?,
    };
    let (mut month, mut date) = (1.0, 1.0);
    if eat(s, i, b'-') {
        month = digits(s, i, 2)?;
        if eat(s, i, b'-') {
            date = digits(s, i, 2)?;
        }
    }
    let (mut h, mut m, mut sec, mut ms, mut offset) = (0.0, 0.0, 0.0, 0.0, None);
    let has_time = eat(s, i, b'T');
    if has_time {
        h = digits(s, i, 2)?;
        if !eat(s, i, b':') {
            return None;
        }
        m = digits(s, i, 2)?;
        if eat(s, i, b':') {
            sec = digits(s, i, 2)?;
            if eat(s, i, b'.') {
                ms = digits(s, i, 3)?;
            }
        }
        if eat(s, i, b'Z') {
            offset = Some(0.0);
        } else if let Some(&c @ (b'+' | b'-')) = s.get(*i) {
            *i += 1;
            let oh = digits(s, i, 2)?;
            if !eat(s, i, b':') {
                return None;
            }
            let om = digits(s, i, 2)?;
            if oh > 23.0 || om > 59.0 {
                return Some(f64::NAN);
            }
            let sign = if c == b'-' { -1.0 } else { 1.0 };
            offset = Some(sign * (oh * MS_PER_HOUR + om * MS_PER_MINUTE));
        }
    }
    if *i != s.len() {
        return None;
    }
    let valid = !(year == 0.0 && s[0] == b'-')
        && (1.0..=12.0).contains(&month)
        && date >= 1.0
        && date <= days_in_month(year, month)
        && (h < 24.0 || (h == 24.0 && m == 0.0 && sec == 0.0 && ms == 0.0))
        && m <= 59.0
        && sec <= 59.0;
    if !valid {
        return Some(f64::NAN);
    }
    let t = make_date(make_day(year, month - 1.0, date), make_time(h, m, sec, ms));
    let t = match offset {
        Some(o) => t - o,
        None if has_time => utc_in(zone, t),
        None => t,
    };
    Some(time_clip(t))
}

#[derive(Clone, Copy, PartialEq, Debug)]
enum Tok<'a> {
    Num(&'a [u8]),
    Word(&'a [u8]),
    Sym(u8),
}

/// Splits into numbers, words and `+-:./`, each flagged with whether it
/// directly follows the previous token. Whitespace and commas separate;
/// parenthesised text (nesting allowed) is skipped. Other bytes: `None`.
fn tokenize(s: &[u8]) -> Option<Vec<(Tok<'_>, bool)>> {
    let mut out = Vec::new();
    let (mut i, mut adjacent) = (0, false);
    while i < s.len() {
        let c = s[i];
        let start = i;
        let run = |i: &mut usize, f: fn(&u8) -> bool| {
            while *i < s.len() && f(&s[*i]) {
                *i += 1;
            }
        };
        let tok = match c {
            b'(' => {
                let mut depth = 0usize;
                while i < s.len() {
                    depth = match s[i] {
                        b'(' => depth + 1,
                        b')' => depth - 1,
                        _ => depth,
                    };
                    i += 1;
                    if depth == 0 {
                        break;
                    }
                }
                adjacent = false;
                continue;
            }
            b' ' | b'\t' | b'\n' | b'\r' | b',' => {
                i += 1;
                adjacent = false;
                continue;
            }
            b'0'..=b'9' => {
                run(&mut i, u8::is_ascii_digit);
                Tok::Num(&s[start..i])
            }
            b'a'..=b'z' | b'A'..=b'Z' => {
                run(&mut i, u8::is_ascii_alphabetic);
                Tok::Word(&s[start..i])
            }
            b'+' | b'-' | b':' | b'.' | b'/' => {
                i += 1;
                Tok::Sym(c)
            }
            _ => return None,
        };
        out.push((tok, adjacent));
        adjacent = true;
    }
    Some(out)
}

/// Value of a run of at most `max` digits.
fn num_value(d: &[u8], max: usize) -> Option<f64> {
    let mut i = 0;
    if d.len() > max {
        return None;
    }
    digits(d, &mut i, d.len())
}

/// A number in the date part: value, digit count, explicitly signed.
#[derive(Clone, Copy)]
struct DateNum {
    value: f64,
    len: usize,
    signed: bool,
}

impl DateNum {
    fn is_year(self) -> bool {
        self.signed || self.len >= 3 || self.value > 31.0
    }
}

/// `word` (lowercase) is a prefix of `full`, at least three letters long.
fn abbrev(word: &str, full: &str) -> bool {
    word.len() >= 3 && full.starts_with(word)
}

/// The toString/toUTCString forms and the legacy forms node accepts.
/// Returns the unclipped time value.
fn parse_legacy(zone: &dyn TimeZone, s: &[u8]) -> Option<f64> {
    const MONTH_NAMES: [&str; 12] = [
        "january",
        "february",
        "march",
        "april",
        "may",
        "june",
        "july",
        "august",
        "september",
        "october",
        "november",
        "december",
    ];
    const DAY_NAMES: [&str; 7] = [
        "sunday",
        "monday",
        "tuesday",
        "wednesday",
        "thursday",
        "friday",
        "saturday",
    ];
    const ZONES: [(&str, f64); 12] = [
        ("z", 0.0),
        ("ut", 0.0),
        ("utc", 0.0),
        ("gmt", 0.0),
        ("est", -5.0),
        ("edt", -4.0),
        ("cst", -6.0),
        ("cdt", -5.0),
        ("mst", -7.0),
        ("mdt", -6.0),
        ("pst", -8.0),
        ("pdt", -7.0),
    ];
    let toks = tokenize(s)?;
    let mut nums: Vec<DateNum> = Vec::new();
    let mut month: Option<f64> = None;
    let mut time: Option<[f64; 4]> = None;
    let mut pm: Option<bool> = None;
    let mut offset: Option<f64> = None;
    let mut k = 0;
    // The token at `k` if it is adjacent to the previous one.
    let next = |k: usize| toks.get(k).filter(|t| t.1).map(|t| t.0);
    // "2026-11-24", "11/24/2026": 1 if a separator between two date numbers follows `k`.
    let date_separator = |k: usize| match (next(k + 1), next(k + 2)) {
        (Some(Tok::Sym(b'-' | b'/')), Some(Tok::Num(_))) => 1,
        _ => 0,
    };
    while k < toks.len() {
        match toks[k].0 {
            Tok::Num(d) if next(k + 1) == Some(Tok::Sym(b':')) => {
                if time.is_some() {
                    return None;
                }
                // "10:00", "10:00:00", "10:00:00.5"; `k` ends on the last token used.
                let mut hms = [num_value(d, 2)?, 0.0, 0.0, 0.0];
                for field in &mut hms[1..3] {
                    let (Some(Tok::Sym(b':')), Some(Tok::Num(d))) = (next(k + 1), next(k + 2))
                    else {
                        break;
                    };
                    *field = num_value(d, 2)?;
                    k += 2;
                }
                if let (Some(Tok::Sym(b'.')), Some(Tok::Num(frac))) = (next(k + 1), next(k + 2)) {
                    let mut i = 0;
                    let three = [frac, b"00"].concat();
                    hms[3] = digits(&three, &mut i, 3)?;
                    k += 2;
                }
                time = Some(hms);
            }
            Tok::Num(d) => {
                nums.push(DateNum {
                    value: num_value(d, 6)?,
                    len: d.len(),
                    signed: false,
                });
                k += date_separator(k);
            }
            Tok::Sym(c @ (b'+' | b'-')) => {
                let Some(Tok::Num(d)) = next(k + 1) else {
                    return None;
                };
                let sign = if c == b'-' { -1.0 } else { 1.0 };
                k += 1;
                if time.is_some() || offset.is_some() {
                    // A UTC offset: "+01", "+1:30", "+0100".
                    let (h, m) = if d.len() <= 2 {
                        let h = num_value(d, 2)?;
                        match (next(k + 1), next(k + 2)) {
                            (Some(Tok::Sym(b':')), Some(Tok::Num(m))) => {
                                k += 2;
                                (h, num_value(m, 2)?)
                            }
                            _ => (h, 0.0),
                        }
                    } else if d.len() == 4 {
                        let v = num_value(d, 4)?;
                        ((v / 100.0).floor(), v % 100.0)
                    } else {
                        return None;
                    };
                    if h > 23.0 || m > 59.0 {
                        return None;
                    }
                    offset = Some(sign * (h * MS_PER_HOUR + m * MS_PER_MINUTE));
                } else {
                    // A signed year: "-0001", "+275760".
                    nums.push(DateNum {
                        value: sign * num_value(d, 6)?,
                        len: d.len(),
                        signed: true,
                    });
                    k += date_separator(k);
                }
            }
            Tok::Word(w) => {
                let w = String::from_utf8_lossy(w).to_ascii_lowercase();
                if let Some(m) = MONTH_NAMES.iter().position(|n| abbrev(&w, n)) {
                    if month.replace(m as f64 + 1.0).is_some() {
                        return None;
                    }
                } else if let Some(&(_, h)) = ZONES.iter().find(|z| z.0 == w) {
                    if offset.replace(h * MS_PER_HOUR).is_some() {
                        return None;
                    }
                } else if w == "am" || w == "pm" {
                    if time.is_none() || pm.replace(w == "pm").is_some() {
                        return None;
                    }
                } else if (w == "t" && matches!(next(k + 1), Some(Tok::Num(_))))
                    || DAY_NAMES.iter().any(|n| abbrev(&w, n))
                {
                    // "2026-11-24t10:00", weekday names: ignored.
                } else if !nums.is_empty() || time.is_some() {
                    return None; // Unknown words only before the date.
                }
            }
            Tok::Sym(_) => return None,
        }
        k += 1;
    }

    let (year, month, date) = match (month, nums.as_slice()) {
        (Some(m), &[a, b]) if a.is_year() && !b.is_year() => (a, m, b.value),
        (Some(m), &[a, b]) if !a.is_year() => (b, m, a.value),
        (Some(m), &[a]) if a.is_year() => (a, m, 1.0),
        (None, &[a, b, c]) if a.is_year() => (a, b.value, c.value),
        (None, &[a, b, c]) if !b.is_year() => (c, a.value, b.value),
        _ => return None,
    };
    let mut y = year.value;
    if !year.signed && year.len <= 2 {
        y += if y < 50.0 { 2000.0 } else { 1900.0 };
    }
    let [mut h, m, sec, ms] = time.unwrap_or([0.0; 4]);
    if let Some(pm) = pm {
        if !(1.0..=12.0).contains(&h) {
            return None;
        }
        h = h % 12.0 + if pm { 12.0 } else { 0.0 };
    }
    let valid = (1.0..=12.0).contains(&month)
        && (1.0..=31.0).contains(&date)
        && (h < 24.0 || (h == 24.0 && m == 0.0 && sec == 0.0 && ms == 0.0))
        && m <= 59.0
        && sec <= 59.0;
    if !valid {
        return None;
    }
    let t = make_date(make_day(y, month - 1.0, date), make_time(h, m, sec, ms));
    Some(match offset {
        Some(o) => t - o,
        None => utc_in(zone, t),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const UTC: FixedZone = FixedZone(0.0, "UTC");
    const CET: FixedZone = FixedZone(3_600_000.0, "CET");

    /// America/New_York around 2026: EST, with EDT from 2026-03-08T07:00Z
    /// to 2026-11-01T06:00Z.
    struct NewYork2026;
    const DST_START: f64 = 1_772_953_200_000.0;
    const DST_END: f64 = 1_793_512_800_000.0;
    impl TimeZone for NewYork2026 {
        fn offset_at(&self, t: f64) -> f64 {
            if (DST_START..DST_END).contains(&t) {
                -4.0 * MS_PER_HOUR
            } else {
                -5.0 * MS_PER_HOUR
            }
        }
        fn name_at(&self, t: f64) -> String {
            if self.offset_at(t) == -4.0 * MS_PER_HOUR {
                "EDT"
            } else {
                "EST"
            }
            .to_string()
        }
    }

    fn utc_ymd(y: f64, m: f64, d: f64) -> f64 {
        make_date(make_day(y, m, d), 0.0)
    }

    /// Small deterministic generator (xorshift64*).
    struct Rng(u64);
    impl Rng {
        fn next(&mut self) -> u64 {
            self.0 ^= self.0 >> 12;
            self.0 ^= self.0 << 25;
            self.0 ^= self.0 >> 27;
            self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
        }
        /// Integral time value in [-8.64e15, 8.64e15].
        fn time(&mut self) -> f64 {
            (self.next() % 17_280_000_000_000_001) as f64 - MAX_TIME
        }
    }

    #[test]
    fn spec_operations() {
        assert_eq!(day(0.0), 0.0);
        assert_eq!(day(-1.0), -1.0);
        assert_eq!(time_within_day(-1.0), MS_PER_DAY - 1.0);
        assert!(time_within_day(-MS_PER_DAY).is_sign_positive());
        assert_eq!(day_from_year(1970.0), 0.0);
        assert_eq!(day_from_year(1971.0), 365.0);
        assert_eq!(day_from_year(1969.0), -365.0);
        assert_eq!(day_from_year(2000.0), 10957.0);
        assert_eq!(time_from_year(2026.0), 1_767_225_600_000.0);
        // Time value of 1970-01-01 is 0; 2026-11-24T09:00Z from node.
        let t = 1_795_510_800_000.0;
        assert_eq!(year_from_time(t), 2026.0);
        assert_eq!(month_from_time(t), 10.0);
        assert_eq!(date_from_time(t), 24.0);
        assert_eq!(week_day(t), 2.0);
        assert_eq!(hour_from_time(t), 9.0);
        assert_eq!(
            (min_from_time(t), sec_from_time(t), ms_from_time(t)),
            (0.0, 0.0, 0.0)
        );
        assert_eq!(week_day(0.0), 4.0); // Thursday
                                        // Negative times count down from the epoch.
        let t = -1.0;
        assert_eq!(
            [
                year_from_time(t),
                month_from_time(t),
                date_from_time(t),
                hour_from_time(t)
            ],
            [1969.0, 11.0, 31.0, 23.0]
        );
        assert_eq!(
            [min_from_time(t), sec_from_time(t), ms_from_time(t)],
            [59.0, 59.0, 999.0]
        );
        assert_eq!(week_day(t), 3.0);
        for f in [
            year_from_time,
            month_from_time,
            date_from_time,
            week_day,
            hour_from_time,
        ] {
            assert!(f(f64::NAN).is_nan());
        }
    }

    #[test]
    fn leap_years() {
        for (y, days) in [
            (1900.0, 365.0),
            (2000.0, 366.0),
            (2024.0, 366.0),
            (2026.0, 365.0),
            (2100.0, 365.0),
            (0.0, 366.0),
            (-1.0, 365.0),
            (-4.0, 366.0),
            (-100.0, 365.0),
            (-400.0, 366.0),
        ] {
            assert_eq!(days_in_year(y), days, "year {y}");
            assert_eq!(in_leap_year(time_from_year(y)), days == 366.0);
            assert_eq!(day_from_year(y + 1.0) - day_from_year(y), days);
        }
        // Feb 29 exists exactly in leap years.
        let feb29 = utc_ymd(2024.0, 1.0, 29.0);
        assert_eq!((month_from_time(feb29), date_from_time(feb29)), (1.0, 29.0));
        let mar1 = utc_ymd(1900.0, 1.0, 29.0);
        assert_eq!((month_from_time(mar1), date_from_time(mar1)), (2.0, 1.0));
        let dec31 = utc_ymd(2000.0, 11.0, 31.0);
        assert_eq!(day_within_year(dec31), 365.0);
    }

    #[test]
    fn year_from_time_agrees_with_definition() {
        // Every year start and the instants just before it, over the whole range.
        let mut y = -271_822.0;
        while y <= 275_761.0 {
            let t = time_from_year(y);
            assert_eq!(year_from_time(t), y);
            assert_eq!(year_from_time(t - 1.0), y - 1.0);
            assert_eq!(year_from_time(t + MS_PER_DAY * 364.0), y);
            y += 1.0;
        }
        // Days round-trip through year/month/date.
        let mut rng = Rng(7);
        for _ in 0..20_000 {
            let t = rng.time();
            let d = make_day(year_from_time(t), month_from_time(t), date_from_time(t));
            assert_eq!(d, day(t));
            let back = make_date(
                d,
                make_time(
                    hour_from_time(t),
                    min_from_time(t),
                    sec_from_time(t),
                    ms_from_time(t),
                ),
            );
            assert_eq!(back, t);
        }
    }

    #[test]
    fn boundaries() {
        assert_eq!(year_from_time(MAX_TIME), 275_760.0);
        assert_eq!(year_from_time(-MAX_TIME), -271_821.0);
        assert_eq!(time_clip(MAX_TIME), MAX_TIME);
        assert_eq!(time_clip(-MAX_TIME), -MAX_TIME);
        assert!(time_clip(MAX_TIME + 1.0).is_nan());
        assert!(time_clip(-MAX_TIME - 1.0).is_nan());
        assert!(time_clip(f64::INFINITY).is_nan());
        assert!(time_clip(f64::NAN).is_nan());
        assert_eq!(time_clip(1.9), 1.0);
        assert_eq!(time_clip(-1.9), -1.0);
        assert!(time_clip(-0.5).is_sign_positive());
        // Date.UTC(275760, 8, 13) and the values node gives near the edge.
        assert_eq!(utc_ymd(275_760.0, 8.0, 13.0), MAX_TIME);
        assert_eq!(utc_ymd(-271_821.0, 3.0, 20.0), -MAX_TIME);
        assert_eq!(
            make_date(make_day(275_760.0, 9.0, -30.0), 0.0),
            8_639_998_876_800_000.0
        );
        assert!(make_day(1e6 + 1.0, 0.0, 1.0).is_nan());
        assert!(make_day(-1e6 - 1.0, 0.0, 1.0).is_nan());
    }

    #[test]
    fn make_functions() {
        // Month overflow: Date.UTC(2026, 12, 1) and Date.UTC(2026, -1, 1) in node.
        assert_eq!(utc_ymd(2026.0, 12.0, 1.0), 1_798_761_600_000.0);
        assert_eq!(utc_ymd(2026.0, -1.0, 1.0), 1_764_547_200_000.0);
        assert_eq!(make_day(2026.0, 12.0, 1.0), make_day(2027.0, 0.0, 1.0));
        assert_eq!(make_day(2026.0, -13.0, 1.0), make_day(2024.0, 11.0, 1.0));
        assert_eq!(make_day(2026.0, 1.0, 29.0), make_day(2026.0, 2.0, 1.0));
        assert_eq!(make_day(2026.0, 0.0, 0.0), make_day(2025.0, 11.0, 31.0));
        assert_eq!(make_day(1970.0, 0.0, 1.0), 0.0);
        // ToIntegerOrInfinity truncates the arguments.
        assert_eq!(make_day(1970.9, 0.9, 1.9), 0.0);
        assert_eq!(make_time(1.5, 1.5, 1.5, 1.5), 3_661_001.0);
        assert_eq!(make_time(-1.0, 0.0, 0.0, 0.0), -MS_PER_HOUR);
        // test262 Date/UTC/fp-evaluation-order.js
        let t = make_date(
            make_day(1970.0, 0.0, 1.0),
            make_time(80_063_993_375.0, 29.0, 1.0, -288_230_376_151_711_740.0),
        );
        assert_eq!(t, 29_312.0);
        for bad in [f64::NAN, f64::INFINITY, f64::NEG_INFINITY] {
            assert!(make_time(bad, 0.0, 0.0, 0.0).is_nan());
            assert!(make_time(0.0, 0.0, 0.0, bad).is_nan());
            assert!(make_day(bad, 0.0, 1.0).is_nan());
            assert!(make_day(2026.0, bad, 1.0).is_nan());
            assert!(make_day(2026.0, 0.0, bad).is_nan());
            assert!(make_date(bad, 0.0).is_nan());
            assert!(make_date(0.0, bad).is_nan());
        }
        assert!(make_day(f64::MAX, f64::MAX, 1.0).is_nan());
        assert!(make_date(f64::MAX, 0.0).is_nan());
        assert!(time_clip(make_date(make_day(2026.0, 0.0, 1e300), 0.0)).is_nan());
    }

    #[test]
    fn formatting() {
        let t = 1_795_510_800_000.0; // 2026-11-24T09:00:00Z
        assert_eq!(to_iso_string(t), "2026-11-24T09:00:00.000Z");
        assert_eq!(to_iso_string(t + 1.0), "2026-11-24T09:00:00.001Z");
        assert_eq!(to_iso_string(0.0), "1970-01-01T00:00:00.000Z");
        assert_eq!(to_iso_string(-1.0), "1969-12-31T23:59:59.999Z");
        assert_eq!(to_iso_string(MAX_TIME), "+275760-09-13T00:00:00.000Z");
        assert_eq!(to_iso_string(-MAX_TIME), "-271821-04-20T00:00:00.000Z");
        assert_eq!(
            to_iso_string(utc_ymd(-1.0, 0.0, 1.0)),
            "-000001-01-01T00:00:00.000Z"
        );
        assert_eq!(
            to_iso_string(utc_ymd(0.0, 0.0, 1.0)),
            "0000-01-01T00:00:00.000Z"
        );
        assert_eq!(
            to_iso_string(utc_ymd(12345.0, 0.0, 1.0)),
            "+012345-01-01T00:00:00.000Z"
        );
        assert_eq!(to_utc_string(t), "Tue, 24 Nov 2026 09:00:00 GMT");
        assert_eq!(
            to_utc_string(utc_ymd(-1.0, 0.0, 1.0)),
            "Fri, 01 Jan -0001 00:00:00 GMT"
        );
        assert_eq!(
            to_utc_string(utc_ymd(5.0, 0.0, 1.0)),
            "Sat, 01 Jan 0005 00:00:00 GMT"
        );
        assert_eq!(
            to_string_in(&CET, t),
            "Tue Nov 24 2026 10:00:00 GMT+0100 (CET)"
        );
        assert_eq!(to_date_string_in(&CET, t), "Tue Nov 24 2026");
        assert_eq!(to_time_string_in(&CET, t), "10:00:00 GMT+0100 (CET)");
        assert_eq!(
            to_string_in(&NewYork2026, t),
            "Tue Nov 24 2026 04:00:00 GMT-0500 (EST)"
        );
        assert_eq!(
            to_string_in(&NewYork2026, 1_784_883_600_000.0), // 2026-07-24T09:00Z
            "Fri Jul 24 2026 05:00:00 GMT-0400 (EDT)"
        );
        assert_eq!(
            to_string_in(&FixedZone(-5_400_000.0, ""), 0.0),
            "Wed Dec 31 1969 22:30:00 GMT-0130"
        );
        // The offset's seconds are dropped (local mean time, e.g. -4:56:02).
        let lmt = FixedZone(-17_762_000.0, "LMT");
        assert_eq!(to_time_string_in(&lmt, 0.0), "19:03:58 GMT-0456 (LMT)");
        assert_eq!(
            to_string_in(&UTC, utc_ymd(-1.0, 0.0, 1.0)),
            "Fri Jan 01 -0001 00:00:00 GMT+0000 (UTC)"
        );
    }

    #[test]
    fn local_time_and_disambiguation() {
        let ny = NewYork2026;
        let h = MS_PER_HOUR;
        assert_eq!(local_tza_in(&ny, DST_START - 1.0, true), -5.0 * h);
        assert_eq!(local_tza_in(&ny, DST_START, true), -4.0 * h);
        assert_eq!(local_time_in(&ny, 0.0), -5.0 * h);
        let local = |mo, d, hh, mi| make_date(make_day(2026.0, mo, d), make_time(hh, mi, 0.0, 0.0));
        // Ordinary times (node, TZ=America/New_York: new Date(2026, 10, 24, 4)).
        assert_eq!(
            utc_in(&ny, local(10.0, 24.0, 4.0, 0.0)),
            1_795_510_800_000.0
        );
        assert_eq!(utc_in(&ny, local(6.0, 24.0, 5.0, 0.0)), 1_784_883_600_000.0);
        // Skipped 02:30 on 2026-03-08: offset from before -> 07:30Z (03:30 EDT).
        assert_eq!(utc_in(&ny, local(2.0, 8.0, 2.0, 30.0)), 1_772_955_000_000.0);
        assert_eq!(
            utc_in(&ny, local(2.0, 8.0, 1.0, 59.0)),
            DST_START - 60_000.0
        );
        assert_eq!(utc_in(&ny, local(2.0, 8.0, 3.0, 0.0)), DST_START);
        // Repeated 01:30 on 2026-11-01: the earlier instant, 05:30Z (EDT).
        assert_eq!(
            utc_in(&ny, local(10.0, 1.0, 1.0, 30.0)),
            1_793_511_000_000.0
        );
        assert_eq!(utc_in(&ny, local(10.0, 1.0, 2.0, 0.0)), DST_END + h);
        assert_eq!(
            utc_in(&ny, local(10.0, 1.0, 0.0, 59.0)),
            DST_END - h - 60_000.0
        );
        assert!(utc_in(&ny, f64::NAN).is_nan());
        assert_eq!(utc_in(&CET, 3_600_000.0), 0.0);
    }

    #[test]
    fn parse_iso() {
        let ny = NewYork2026;
        // Expected values from node v20 with TZ=America/New_York.
        for (s, v) in [
            ("2026", 1_767_225_600_000.0),
            ("2026-11", 1_793_491_200_000.0),
            ("2026-11-24", 1_795_478_400_000.0),
            ("2026-11-24T10:00", 1_795_532_400_000.0),
            ("2026-11-24T10:00Z", 1_795_514_400_000.0),
            ("2026-11-24T10:00:00+01:00", 1_795_510_800_000.0),
            ("2026-11-24T10:00:00.000+01:00", 1_795_510_800_000.0),
            ("2026-11-24T10:00:00.123-05:30", 1_795_534_200_123.0),
            ("2026-11-24T10:00:00.000+23:59", 1_795_428_060_000.0),
            ("2026-02-28", 1_772_236_800_000.0),
            ("2024-02-29", 1_709_164_800_000.0),
            ("2026-11-24T24:00", 1_795_582_800_000.0),
            ("+002026-11-24", 1_795_478_400_000.0),
            ("+000000-01-01", -62_167_219_200_000.0),
            ("-000001-01-01T00:00:00Z", -62_198_755_200_000.0),
            ("+275760-09-13T00:00:00.000Z", MAX_TIME),
            ("-271821-04-20T00:00:00.000Z", -MAX_TIME),
            ("1970", 0.0),
        ] {
            assert_eq!(parse_date_in(&ny, s), v, "{s}");
        }
        // Illegal values make the string invalid (node falls back to a
        // heuristic for "2026-02-30" and "-000000"; the spec format does not).
        for s in [
            "2026-02-30",
            "2026-02-29",
            "2026-13-01",
            "2026-00-01",
            "2026-11-00",
            "2026-11-31",
            "2026-11-24T24:00:00.001",
            "2026-11-24T25:00",
            "2026-11-24T10:60",
            "2026-11-24T10:00:60",
            "-000000-01-01",
            "+275760-09-13T00:00:00.001Z",
            "-271821-04-19T23:59:59.999Z",
            "2026-11-24T10:00:00.000+01:60",
            "2026-11-24T10:00:00.000+24:00",
            "2026-11-24T10Z",
            "2026-11-24T",
            "",
            "foo",
            "0",
            "2026-",
        ] {
            assert!(parse_date_in(&ny, s).is_nan(), "{s:?} should be NaN");
        }
    }

    #[test]
    fn parse_other_forms() {
        let ny = NewYork2026;
        // Expected values from node v20 with TZ=America/New_York.
        for (s, v) in [
            (
                "Tue Nov 24 2026 10:00:00 GMT+0100 (Central European Standard Time)",
                1_795_510_800_000.0,
            ),
            ("Tue, 24 Nov 2026 09:00:00 GMT", 1_795_510_800_000.0),
            ("Nov 24 2026", 1_795_496_400_000.0),
            ("2026/11/24 10:00", 1_795_532_400_000.0),
            ("November 24, 2026 10:00:00 UTC", 1_795_514_400_000.0),
            ("11/24/2026", 1_795_496_400_000.0),
            ("24 Nov 2026", 1_795_496_400_000.0),
            ("2026 Nov 24", 1_795_496_400_000.0),
            ("Nov 2026", 1_793_505_600_000.0),
            ("foo Nov 24 2026", 1_795_496_400_000.0),
            ("Nov 24 2026 10:00 PM", 1_795_575_600_000.0),
            ("Nov 24 2026 12:00 AM UTC", 1_795_478_400_000.0),
            ("Nov 24 2026 10:00 EST", 1_795_532_400_000.0),
            ("Nov 24 2026 10:00:00.5 UTC", 1_795_514_400_500.0),
            (
                "Thu Jan 01 1970 00:00:00 GMT+0000 (Coordinated Universal Time)",
                0.0,
            ),
            ("Jan 1 1970 UTC+1", -3_600_000.0),
            ("Jan 1 1970 GMT+01:00", -3_600_000.0),
            ("Jan 1 49", 2_493_090_000_000.0),
            ("Jan 1 99 UTC", 915_148_800_000.0),
            ("Jan 1 100 UTC", -59_011_459_200_000.0),
            ("2026-1-2", 1_767_330_000_000.0),
            ("2026-11-24 10:00Z", 1_795_514_400_000.0),
            ("2026-11-24t10:00z", 1_795_514_400_000.0),
            ("2026-11-24T10:00:00.1234Z", 1_795_514_400_123.0),
            ("2026-11-24T10:00:00+0100", 1_795_510_800_000.0),
            (" 2026-11-24", 1_795_496_400_000.0),
            ("+2026-11-24", 1_795_496_400_000.0),
            ("Nov 24 26", 1_795_496_400_000.0),
            ("1/2/3", 1_041_483_600_000.0),
            ("Tue Nov 24 10:00:00 2026", 1_795_532_400_000.0),
            ("Nov 24 2026 10:00:00 GMT-0456", 1_795_532_160_000.0),
            ("Sat Sep 13 275760 00:00:00 GMT+0000", MAX_TIME),
            ("Sat, 13 Sep 275760 00:00:00 GMT", MAX_TIME),
            // Negative years, which node's toString emits but cannot read back.
            ("Fri, 01 Jan -0001 00:00:00 GMT", -62_198_755_200_000.0),
            ("Tue Apr 20 -271821 00:00:00 GMT+0000", -MAX_TIME),
        ] {
            assert_eq!(parse_date_in(&ny, s), v, "{s}");
        }
        for s in [
            "Nov 24 2026 foo",
            "Nov 24",
            "Nov 32 2026",
            "13/01/2026",
            "Nov 24 2026 25:00",
            "Nov 24 2026 13:00 PM",
            "Nov Dec 24 2026",
            "Nov 24 2026 10:00 UTC GMT",
            "Nov 24 2026 10:00 +2500",
            "Jan 1 1970 1234567",
            "Sat Sep 13 275760 00:00:01 GMT",
            "Nov 24 2026 PM",
            "Nov 24 2026 10:00 + ",
            "24 Nov 2026 \u{e9}",
            "1/2",
            "Nov 24 2026 :",
        ] {
            assert!(parse_date_in(&ny, s).is_nan(), "{s:?} should be NaN");
        }
    }

    #[test]
    fn round_trips() {
        let zones: [&dyn TimeZone; 5] = [
            &UTC,
            &CET,
            &NewYork2026,
            &FixedZone(-34_200_000.0, "X"), // -09:30
            &FixedZone(20_700_000.0, ""),   // +05:45
        ];
        let mut rng = Rng(0x5eed);
        let mut times: Vec<f64> = (0..20_000).map(|_| rng.time()).collect();
        times.extend([
            0.0,
            -1.0,
            MAX_TIME,
            -MAX_TIME,
            DST_START,
            DST_END,
            DST_END - 1.0,
        ]);
        for (n, &t) in times.iter().enumerate() {
            let zone = zones[n % zones.len()];
            let secs = (t / 1000.0).floor() * 1000.0;
            assert_eq!(
                parse_date_in(zone, &to_iso_string(t)),
                t,
                "{}",
                to_iso_string(t)
            );
            assert_eq!(
                parse_date_in(zone, &to_utc_string(t)),
                secs,
                "{}",
                to_utc_string(t)
            );
            let s = to_string_in(zone, t);
            assert_eq!(parse_date_in(zone, &s), secs, "{s}");
        }
    }

    #[test]
    fn parse_never_panics() {
        let alphabet: &[u8] = b"0123456789+-:./TZ tz,()GMTUTCJanNovMonPMam\xc3\xa9";
        let seeds = [
            "2026-11-24T10:00:00.000+01:00",
            "Tue Nov 24 2026 10:00:00 GMT+0100 (CET)",
            "+275760-09-13T00:00:00.000Z",
            "November 24, 2026 10:00:00 PM UTC",
        ];
        let mut rng = Rng(42);
        for n in 0..50_000 {
            let mut bytes: Vec<u8> = if n % 2 == 0 {
                seeds[n % seeds.len()].as_bytes().to_vec()
            } else {
                Vec::new()
            };
            for _ in 0..rng.next() % 8 {
                let pos = (rng.next() as usize) % (bytes.len() + 1);
                match rng.next() % 3 {
                    0 if pos < bytes.len() => {
                        bytes.remove(pos);
                    }
                    1 if pos < bytes.len() => {
                        bytes[pos] = alphabet[rng.next() as usize % alphabet.len()]
                    }
                    _ => bytes.insert(pos, alphabet[rng.next() as usize % alphabet.len()]),
                }
            }
            let s = String::from_utf8_lossy(&bytes);
            let t = parse_date_in(&NewYork2026, &s);
            assert!(
                t.is_nan() || (t.abs() <= MAX_TIME && t == t.trunc()),
                "{s:?} -> {t}"
            );
        }
        for s in [
            "((((",
            "(",
            ")",
            "9".repeat(400).as_str(),
            "Jan 1 2026 10:00:00.",
            "Jan 1 2026 10:00:00.99999999999999999999999",
            "-",
            "+",
            "T",
            "Z",
        ] {
            let _ = parse_date_in(&NewYork2026, s);
        }
    }

    #[test]
    fn now_is_plausible() {
        let t = now_ms();
        assert!(t > 1.7e12 && t < MAX_TIME && t == t.trunc());
    }

    /// The libc-backed zone, checked in a child process with TZ set so that
    /// no other test sees a changed environment.
    #[test]
    fn system_time_zone() {
        let name = format!(
            "{}::system_time_zone_new_york",
            module_path!()
                .split_once("::")
                .map_or(module_path!(), |p| p.1)
        );
        let out = std::process::Command::new(std::env::current_exe().unwrap())
            .args(["--exact", &name, "--ignored", "--test-threads=1"])
            .env("TZ", "America/New_York")
            .output()
            .unwrap();
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(
            out.status.success() && stdout.contains("1 passed"),
            "{stdout}\n{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }

    #[test]
    #[ignore = "run by system_time_zone with TZ=America/New_York"]
    fn system_time_zone_new_york() {
        if std::env::var("TZ").as_deref() != Ok("America/New_York") {
            return;
        }
        let t = 1_795_510_800_000.0;
        assert_eq!(local_tza(t, true), -5.0 * MS_PER_HOUR);
        assert_eq!(to_string(t), "Tue Nov 24 2026 04:00:00 GMT-0500 (EST)");
        assert_eq!(to_date_string(t), "Tue Nov 24 2026");
        assert_eq!(
            to_time_string(1_784_883_600_000.0),
            "05:00:00 GMT-0400 (EDT)"
        );
        // node: new Date(1800, 0, 1).toString() is "... GMT-0456": local mean time.
        let t1800 = utc(make_date(make_day(1800.0, 0.0, 1.0), 0.0));
        assert_eq!(t1800, -5_364_644_638_000.0);
        assert_eq!(to_string(t1800), "Wed Jan 01 1800 00:00:00 GMT-0456 (LMT)");
        assert_eq!(
            local_time(t1800),
            make_date(make_day(1800.0, 0.0, 1.0), 0.0)
        );
        // The same disambiguation as the rule-based zone.
        let local = |mo, d, hh, mi| make_date(make_day(2026.0, mo, d), make_time(hh, mi, 0.0, 0.0));
        assert_eq!(utc(local(2.0, 8.0, 2.0, 30.0)), 1_772_955_000_000.0);
        assert_eq!(utc(local(10.0, 1.0, 1.0, 30.0)), 1_793_511_000_000.0);
        assert_eq!(parse_date("2026-11-24T10:00"), 1_795_532_400_000.0);
        assert_eq!(parse_date("Nov 24 2026"), 1_795_496_400_000.0);
        // Far outside the tz data the POSIX rule continues.
        assert_eq!(local_tza(8.64e15, true), -4.0 * MS_PER_HOUR);
        // Round trips through toString in the modern era.
        let mut rng = Rng(3);
        for _ in 0..2000 {
            let t = (rng.next() % 8_000_000_000_000) as f64 - 1e12; // ~1938..2221
            let secs = (t / 1000.0).floor() * 1000.0;
            assert_eq!(parse_date(&to_string(t)), secs, "{}", to_string(t));
        }
    }
}
