//! The `_datetime` module (CPython 3.11's Modules/_datetimemodule.c): the native
//! `date`, `time`, `datetime`, `timedelta`, `tzinfo` and `timezone` types that
//! `datetime.py` imports over its pure-Python classes (`from _datetime import *`).
//!
//! Layout: `date`, `datetime` and `time` share one instance layout, [`PyDt`] (the
//! calendar and clock fields plus an optional `tzinfo` reference), so that
//! `datetime` can derive from `date` as it does in CPython and subclasses of either
//! extend it. `timedelta` holds normalised days, seconds and microseconds
//! ([`timedelta`]); `tzinfo` is an empty base class and `timezone` a fixed offset
//! with an optional name ([`tzinfo`]). All instances are immutable once made.
//!
//! The calendar arithmetic (proleptic Gregorian ordinals, ISO weeks) follows
//! `Lib/datetime.py`'s algorithms; arithmetic on instants works on totals of
//! microseconds in `i128`, range-checked back into fields. Pickles use CPython's
//! forms (`(cls, (bytes_state[, tzinfo]))` for `date`/`time`/`datetime`,
//! `(cls, (days, seconds, microseconds))` for `timedelta`), so they interoperate
//! with CPython's.

pub mod date;
pub mod datetime;
pub mod format;
pub mod localtime;
pub mod time;
pub mod timedelta;
pub mod tzinfo;

use strand_heap::{ObjPtr, ObjectHeader};
use strand_objects::exceptions::{type_error, value_error};
use strand_objects::typeobj::PyType;
use strand_objects::{dict, int, module, singletons, str as pystr, PyObj, PyResult};

use crate::modsupport::Fields;

/// The smallest year (`MINYEAR`).
pub const MINYEAR: i32 = 1;
/// The largest year (`MAXYEAR`).
pub const MAXYEAR: i32 = 9999;
/// The ordinal of 9999-12-31.
pub const MAX_ORDINAL: i64 = 3_652_059;
/// Microseconds in a day.
pub const US_PER_DAY: i128 = 86_400_000_000;
/// Microseconds in a second.
pub const US_PER_SECOND: i128 = 1_000_000;

/// The fields of a `date`, `time` or `datetime` (a `date` leaves the clock fields
/// zero, a `time` the calendar fields). Values are always in range.
#[derive(Clone, Copy, Default, Debug, PartialEq, Eq)]
pub struct Dt {
    /// 1..=9999.
    pub year: i32,
    /// 1..=12.
    pub month: i32,
    /// 1..=days in the month.
    pub day: i32,
    /// 0..=23.
    pub hour: i32,
    /// 0..=59.
    pub minute: i32,
    /// 0..=59.
    pub second: i32,
    /// 0..=999999.
    pub us: i32,
    /// 0 or 1 (PEP 495).
    pub fold: i32,
}

impl Dt {
    /// A date.
    pub fn ymd(year: i32, month: i32, day: i32) -> Dt {
        Dt {
            year,
            month,
            day,
            ..Dt::default()
        }
    }

    /// The fields compared by `==`/`<` (everything but `fold`).
    pub fn key(&self) -> (i32, i32, i32, i32, i32, i32, i32) {
        (
            self.year,
            self.month,
            self.day,
            self.hour,
            self.minute,
            self.second,
            self.us,
        )
    }

    /// Microseconds since 0001-01-01 minus one day (the ordinal's epoch).
    pub fn total_us(&self) -> i128 {
        i128::from(ymd_to_ord(self.year, self.month, self.day)) * US_PER_DAY + self.clock_us()
    }

    /// Microseconds since midnight.
    pub fn clock_us(&self) -> i128 {
        (i128::from(self.hour) * 3600 + i128::from(self.minute) * 60 + i128::from(self.second))
            * US_PER_SECOND
            + i128::from(self.us)
    }

    /// The fields of the instant `total` microseconds after the ordinal epoch, or
    /// `OverflowError: date value out of range`.
    pub fn from_total_us(total: i128, fold: i32) -> PyResult<Dt> {
        let days = total.div_euclid(US_PER_DAY);
        let rest = total.rem_euclid(US_PER_DAY);
        if days < 1 || days > i128::from(MAX_ORDINAL) {
            return Err(strand_objects::exceptions::overflow_error(
                "date value out of range",
            ));
        }
        let (year, month, day) = ord_to_ymd(days as i64);
        let secs = (rest / US_PER_SECOND) as i32;
        Ok(Dt {
            year,
            month,
            day,
            hour: secs / 3600,
            minute: secs / 60 % 60,
            second: secs % 60,
            us: (rest % US_PER_SECOND) as i32,
            fold,
        })
    }
}

/// The instance layout of `date`, `time` and `datetime` (and their subclasses,
/// which extend it).
#[repr(C)]
pub struct PyDt {
    header: ObjectHeader,
    /// The fields, fixed at creation.
    pub v: Dt,
    /// The `tzinfo` (`None`: none); taken apart only by the collector.
    tz: Fields<Option<PyObj>>,
}

/// The collector's traversal of a [`PyDt`].
///
/// # Safety
/// `obj` has the [`PyDt`] layout and the world is stopped.
pub(crate) unsafe fn dt_traverse(obj: ObjPtr, visit: &mut dyn FnMut(ObjPtr)) {
    // SAFETY: by the contract.
    let d = unsafe { &*(obj.as_ptr() as *const PyDt) };
    if let Some(Some(tz)) = d.tz.get() {
        visit(tz.as_ptr());
    }
}

/// The collector's clear of a [`PyDt`].
///
/// # Safety
/// `obj` has the [`PyDt`] layout and is unreachable.
pub(crate) unsafe fn dt_clear(obj: ObjPtr) {
    // SAFETY: by the contract.
    let d = unsafe { &*(obj.as_ptr() as *const PyDt) };
    // SAFETY: unreachable, so no reference from `get` is alive.
    drop(unsafe { d.tz.take() });
}

/// Frees a [`PyDt`].
///
/// # Safety
/// Count zero, exclusive, fields initialised.
pub(crate) unsafe fn dt_dealloc(obj: ObjPtr) {
    // SAFETY: by the contract.
    unsafe {
        strand_objects::weakref::clear_weakrefs_on_dealloc(obj);
        let p = obj.as_ptr() as *mut PyDt;
        std::ptr::drop_in_place(std::ptr::addr_of_mut!((*p).tz));
        strand_objects::heaptype::dealloc_instance_memory(obj);
    }
}

/// A new instance of `ty` (one of the three types or a subclass) with these fields.
pub fn alloc_dt(ty: &PyType, v: Dt, tz: Option<PyObj>) -> PyObj {
    let obj = strand_objects::alloc::alloc_instance(ty, ty.basicsize());
    // SAFETY: a fresh allocation of a type with the PyDt layout; the fields are
    // written and the subclass's slots zeroed before it is finished.
    unsafe {
        let p = obj.as_ptr().as_ptr() as *mut PyDt;
        std::ptr::addr_of_mut!((*p).v).write(v);
        std::ptr::addr_of_mut!((*p).tz).write(Fields::new(tz.filter(|t| !singletons::is_none(t))));
        strand_objects::heaptype::init_slots_region(ty, &obj);
        strand_objects::alloc::finish_instance(ty, &obj);
    }
    obj
}

/// The [`PyDt`] of `o`, which the caller has checked to be a date, time or
/// datetime.
pub fn dt_payload(o: &PyObj) -> &PyDt {
    debug_assert!(o.is_instance_of(&date::DATE_TYPE) || o.is_instance_of(&time::TIME_TYPE));
    // SAFETY: callers pass instances of the types with the PyDt layout.
    unsafe { o.payload_unchecked::<PyDt>() }
}

/// The fields of a date, time or datetime (checked by the caller).
pub fn fields(o: &PyObj) -> Dt {
    dt_payload(o).v
}

/// The tzinfo of a time or datetime (`None` when it has none).
pub fn tzinfo_of(o: &PyObj) -> Option<PyObj> {
    dt_payload(o).tz.get().cloned().flatten()
}

/// The tzinfo as a Python object (`None` when it has none).
pub fn tzinfo_obj(o: &PyObj) -> PyObj {
    tzinfo_of(o).unwrap_or_else(singletons::none)
}

/// Whether `o` is a `date` (or a `datetime`, or a subclass).
pub fn is_date(o: &PyObj) -> bool {
    o.is_instance_of(&date::DATE_TYPE)
}

/// Whether `o` is a `datetime` (or a subclass).
pub fn is_datetime(o: &PyObj) -> bool {
    o.is_instance_of(&datetime::DATETIME_TYPE)
}

/// Whether `o` is a `time` (or a subclass).
pub fn is_time(o: &PyObj) -> bool {
    o.is_instance_of(&time::TIME_TYPE)
}

/// Whether `o` is a `timedelta` (or a subclass).
pub fn is_delta(o: &PyObj) -> bool {
    o.is_instance_of(&timedelta::DELTA_TYPE)
}

/// Whether `o` is a `tzinfo` (or a subclass).
pub fn is_tzinfo(o: &PyObj) -> bool {
    o.is_instance_of(&tzinfo::TZINFO_TYPE)
}

// ---------------------------------------------------------------------------------
// Calendar arithmetic (the algorithms of Lib/datetime.py)
// ---------------------------------------------------------------------------------

/// Whether `y` is a leap year in the proleptic Gregorian calendar.
pub fn is_leap(y: i32) -> bool {
    y % 4 == 0 && (y % 100 != 0 || y % 400 == 0)
}

const DAYS_IN_MONTH: [i32; 13] = [0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
const DAYS_BEFORE_MONTH: [i32; 13] = [0, 0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334];

/// Days in month `m` (1..=12) of year `y`.
pub fn days_in_month(y: i32, m: i32) -> i32 {
    if m == 2 && is_leap(y) {
        29
    } else {
        DAYS_IN_MONTH[m as usize]
    }
}

/// Days in year `y` before the first of month `m`.
pub fn days_before_month(y: i32, m: i32) -> i32 {
    DAYS_BEFORE_MONTH[m as usize] + i32::from(m > 2 && is_leap(y))
}

/// Days before January 1 of year `y`.
pub fn days_before_year(y: i32) -> i64 {
    let y1 = i64::from(y) - 1;
    y1 * 365 + y1.div_euclid(4) - y1.div_euclid(100) + y1.div_euclid(400)
}

/// The proleptic Gregorian ordinal of a date (0001-01-01 is 1).
pub fn ymd_to_ord(y: i32, m: i32, d: i32) -> i64 {
    days_before_year(y) + i64::from(days_before_month(y, m)) + i64::from(d)
}

/// The date of ordinal `n` (1..=MAX_ORDINAL), by 400-, 100-, 4- and 1-year cycles.
pub fn ord_to_ymd(n: i64) -> (i32, i32, i32) {
    const DI400Y: i64 = 146_097;
    const DI100Y: i64 = 36_524;
    const DI4Y: i64 = 1_461;
    let mut n = n - 1;
    let n400 = n.div_euclid(DI400Y);
    n = n.rem_euclid(DI400Y);
    let mut year = n400 * 400 + 1;
    let n100 = n / DI100Y;
    n %= DI100Y;
    let n4 = n / DI4Y;
    n %= DI4Y;
    let n1 = n / 365;
    n %= 365;
    year += n100 * 100 + n4 * 4 + n1;
    if n1 == 4 || n100 == 4 {
        return ((year - 1) as i32, 12, 31);
    }
    let year = year as i32;
    let mut month = ((n + 50) >> 5) as i32;
    let mut preceding = days_before_month(year, month);
    if i64::from(preceding) > n {
        month -= 1;
        preceding = days_before_month(year, month);
    }
    (year, month, (n - i64::from(preceding) + 1) as i32)
}

/// Monday 0 .. Sunday 6 (also for the year 0 a crafted pickle can hold).
pub fn weekday(y: i32, m: i32, d: i32) -> i32 {
    (ymd_to_ord(y, m, d) + 6).rem_euclid(7) as i32
}

/// The ordinal of the Monday of ISO week 1 of `year`.
pub fn iso_week1_monday(year: i32) -> i64 {
    let first = days_before_year(year) + 1;
    let wd = (first + 6).rem_euclid(7);
    let mut monday = first - wd;
    if wd > 3 {
        monday += 7;
    }
    monday
}

/// `(iso_year, week, weekday)` of a date.
pub fn iso_calendar(y: i32, m: i32, d: i32) -> (i32, i32, i32) {
    let ord = ymd_to_ord(y, m, d);
    let mut year = y;
    let mut week1 = iso_week1_monday(year);
    let mut week = (ord - week1).div_euclid(7);
    let mut day = (ord - week1).rem_euclid(7);
    if week < 0 {
        year -= 1;
        week1 = iso_week1_monday(year);
        week = (ord - week1).div_euclid(7);
        day = (ord - week1).rem_euclid(7);
    } else if week >= 52 && ord >= iso_week1_monday(year + 1) {
        year += 1;
        week = 0;
    }
    (year, week as i32 + 1, day as i32 + 1)
}

/// `(year, month, day)` of ISO week date, with CPython's errors.
pub fn iso_to_ymd(year: i32, week: i32, day: i32) -> PyResult<(i32, i32, i32)> {
    if !(MINYEAR..=MAXYEAR).contains(&year) {
        return Err(value_error(format!("Year is out of range: {year}")));
    }
    if week <= 0 || week >= 53 {
        let mut ok = false;
        if week == 53 {
            // Years starting on a Thursday, or leap years starting on a Wednesday,
            // have 53 weeks.
            let first_wd = (days_before_year(year) + 1 + 6) % 7;
            ok = first_wd == 3 || (first_wd == 2 && is_leap(year));
        }
        if !ok {
            return Err(value_error(format!("Invalid week: {week}")));
        }
    }
    if day <= 0 || day >= 8 {
        return Err(value_error(format!("Invalid day: {day} (range is [1, 7])")));
    }
    let ord = iso_week1_monday(year) + i64::from(week - 1) * 7 + i64::from(day - 1);
    if !(1..=MAX_ORDINAL).contains(&ord) {
        return Err(value_error(format!("Year is out of range: {year}")));
    }
    Ok(ord_to_ymd(ord))
}

// ---------------------------------------------------------------------------------
// Argument checks shared by the constructors
// ---------------------------------------------------------------------------------

/// An argument as a C `int` (CPython's `i` format).
pub fn int_arg(o: &PyObj) -> PyResult<i32> {
    crate::modsupport::c_int(o)
}

/// CPython's `check_date_args`.
pub fn check_date(y: i32, m: i32, d: i32) -> PyResult<()> {
    if !(MINYEAR..=MAXYEAR).contains(&y) {
        return Err(value_error(format!("year {y} is out of range")));
    }
    if !(1..=12).contains(&m) {
        return Err(value_error("month must be in 1..12"));
    }
    if d < 1 || d > days_in_month(y, m) {
        return Err(value_error("day is out of range for month"));
    }
    Ok(())
}

/// CPython's `check_time_args`.
pub fn check_time(h: i32, mi: i32, s: i32, us: i32, fold: i32) -> PyResult<()> {
    if !(0..=23).contains(&h) {
        return Err(value_error("hour must be in 0..23"));
    }
    if !(0..=59).contains(&mi) {
        return Err(value_error("minute must be in 0..59"));
    }
    if !(0..=59).contains(&s) {
        return Err(value_error("second must be in 0..59"));
    }
    if !(0..=999_999).contains(&us) {
        return Err(value_error("microsecond must be in 0..999999"));
    }
    if fold != 0 && fold != 1 {
        return Err(value_error("fold must be either 0 or 1"));
    }
    Ok(())
}

/// CPython's `check_tzinfo_subclass`: `None` or a tzinfo.
pub fn check_tzinfo(o: &PyObj) -> PyResult<()> {
    if singletons::is_none(o) || is_tzinfo(o) {
        return Ok(());
    }
    Err(type_error(format!(
        "tzinfo argument must be None or of a tzinfo subclass, not type '{}'",
        o.ty().name()
    )))
}

/// `TypeError: 'x' is an invalid keyword argument for this function`-style binding
/// of a constructor's arguments (CPython's `PyArg_ParseTupleAndKeywords` without a
/// function name): one slot per name; the last `kwonly` names are keyword-only.
/// Missing required arguments are reported by [`required_int`], as the arguments
/// are converted in order.
pub fn bind_new<'a>(
    a: &'a [PyObj],
    k: Option<&'a PyObj>,
    names: &[&str],
    kwonly: usize,
) -> PyResult<Vec<Option<&'a PyObj>>> {
    let args = strand_objects::args::Args::new(a, k);
    let pos = args.positionals();
    let npos = names.len() - kwonly;
    if pos.len() > npos {
        return Err(type_error(format!(
            "function takes at most {npos} {}argument{} ({} given)",
            if kwonly > 0 { "positional " } else { "" },
            if npos == 1 { "" } else { "s" },
            pos.len() + args.kwnames().len()
        )));
    }
    let mut out: Vec<Option<&PyObj>> = vec![None; names.len()];
    for (slot, v) in out.iter_mut().zip(pos) {
        *slot = Some(v);
    }
    for (key, v) in args.kwargs() {
        match names.iter().position(|n| *n == key) {
            Some(i) if out[i].is_none() => out[i] = Some(v),
            Some(i) => {
                return Err(type_error(format!(
                    "argument for function given by name ('{key}') and position ({})",
                    i + 1
                )))
            }
            None => {
                return Err(type_error(format!(
                    "'{key}' is an invalid keyword argument for this function"
                )))
            }
        }
    }
    Ok(out)
}

/// The C `int` in slot `i` of a [`bind_new`] binding, or `function missing
/// required argument 'name' (pos i+1)`.
pub fn required_int(v: &[Option<&PyObj>], i: usize, name: &str) -> PyResult<i32> {
    match v[i] {
        Some(o) => int_arg(o),
        None => Err(type_error(format!(
            "function missing required argument '{name}' (pos {})",
            i + 1
        ))),
    }
}

/// Binds a method's arguments (after `self`) the way Argument Clinic and
/// `PyArg_ParseTupleAndKeywords("...:name")` report errors.
pub fn bind_method<'a>(
    a: &'a [PyObj],
    k: Option<&'a PyObj>,
    fname: &str,
    names: &[&str],
    required: usize,
) -> PyResult<Vec<Option<&'a PyObj>>> {
    strand_objects::args::Args::new(a, k).bind(fname, 1, names, required)
}

/// `int(v)` for small values.
pub fn py_int(v: impl Into<i64>) -> PyObj {
    int::from_i64(v.into())
}

/// `cls` as a type (the first argument of a class method).
pub fn cls_type(cls: &PyObj) -> PyResult<&PyType> {
    strand_objects::typeobj::expect_type(cls, "cls")
}

/// The name CPython's reprs use for `o`'s type (`tp_name`: `datetime.date` for
/// the static types, the bare class name for subclasses).
pub fn type_name(o: &PyObj) -> String {
    o.ty().name().to_string()
}

/// Imports a module by name.
pub fn import(name: &str) -> PyResult<PyObj> {
    strand_interp::import::import(
        &pystr::new(name),
        &dict::new(),
        &strand_objects::tuple::from_vec(vec![pystr::new("*")]),
        &int::from_i64(0),
    )
}

fn ready() {
    static READY: std::sync::Once = std::sync::Once::new();
    READY.call_once(|| {
        timedelta::ready();
        tzinfo::ready();
        date::ready();
        datetime::ready();
        time::ready();
        tzinfo::ready_constants();
    });
}

/// The `_datetime` module.
pub fn make_module() -> PyObj {
    ready();
    let m = module::new_native_module("_datetime");
    let d = module::module_dict(&m);
    dict::set_item_str(&d, "date", date::DATE_TYPE.to_obj());
    dict::set_item_str(&d, "datetime", datetime::DATETIME_TYPE.to_obj());
    dict::set_item_str(&d, "time", time::TIME_TYPE.to_obj());
    dict::set_item_str(&d, "timedelta", timedelta::DELTA_TYPE.to_obj());
    dict::set_item_str(&d, "tzinfo", tzinfo::TZINFO_TYPE.to_obj());
    dict::set_item_str(&d, "timezone", tzinfo::TIMEZONE_TYPE.to_obj());
    dict::set_item_str(&d, "UTC", tzinfo::utc());
    dict::set_item_str(&d, "MINYEAR", py_int(MINYEAR));
    dict::set_item_str(&d, "MAXYEAR", py_int(MAXYEAR));
    dict::set_item_str(
        &d,
        "__doc__",
        pystr::new("Fast implementation of the datetime type."),
    );
    m
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ordinals_round_trip_over_the_whole_range() {
        let mut expect = (1, 1, 1);
        for n in 1..=MAX_ORDINAL {
            assert_eq!(ord_to_ymd(n), expect, "ordinal {n}");
            assert_eq!(ymd_to_ord(expect.0, expect.1, expect.2), n);
            let (y, m, d) = expect;
            expect = if d < days_in_month(y, m) {
                (y, m, d + 1)
            } else if m < 12 {
                (y, m + 1, 1)
            } else {
                (y + 1, 1, 1)
            };
        }
        assert_eq!(ord_to_ymd(MAX_ORDINAL), (9999, 12, 31));
    }

    #[test]
    fn weekdays_and_iso_weeks() {
        // 2000-01-01 was a Saturday, in ISO week 52 of 1999.
        assert_eq!(weekday(2000, 1, 1), 5);
        assert_eq!(iso_calendar(2000, 1, 1), (1999, 52, 6));
        assert_eq!(iso_calendar(2004, 1, 1), (2004, 1, 4));
        assert_eq!(iso_calendar(2020, 12, 31), (2020, 53, 4));
        assert_eq!(iso_calendar(2008, 12, 29), (2009, 1, 1));
        assert_eq!(iso_to_ymd(2020, 53, 7).ok(), Some((2021, 1, 3)));
        assert_eq!(iso_to_ymd(2009, 1, 1).ok(), Some((2008, 12, 29)));
    }

    #[test]
    fn instants_split_into_fields() {
        let v = Dt {
            year: 2024,
            month: 2,
            day: 29,
            hour: 23,
            minute: 59,
            second: 58,
            us: 999_999,
            fold: 0,
        };
        assert_eq!(Dt::from_total_us(v.total_us(), 0).ok(), Some(v));
        let next = Dt::from_total_us(v.total_us() + 1_000_001, 0).ok();
        assert_eq!(
            next.map(|d| (d.month, d.day, d.hour, d.us)),
            Some((3, 1, 0, 0))
        );
    }
}
