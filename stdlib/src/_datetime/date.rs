//! `datetime.date`: a proleptic Gregorian date (CPython's `PyDateTime_Date`), and
//! `datetime.IsoCalendarDate`, the struct sequence `isocalendar()` returns.
//!
//! Alternate constructors (`fromordinal`, `fromtimestamp`, `fromisoformat`, ...)
//! build the base types directly and call a subclass's constructor
//! (`cls(year, month, day)`), as CPython's `new_date_subclass_ex`; arithmetic and
//! `replace` keep the operand's type.

use strand_heap::HeapKind;
use strand_objects::abstract_ as ab;
use strand_objects::args::Args;
use strand_objects::descr::{GetSetDef, MethodDef};
use strand_objects::exceptions::{overflow_error, type_error, value_error};
use strand_objects::once_obj::OnceObj;
use strand_objects::typeobj::{CompareOp, NumberSlots, PyType, Slots, TypeFlags};
use strand_objects::{bytes, dict, singletons, str as pystr, tuple, PyObj, PyResult};

use super::localtime::{self, Round};
use super::timedelta::{self, cmp_result};
use super::{
    check_date, datetime, fields, int_arg, is_date, is_datetime, is_delta, ord_to_ymd, py_int,
    weekday, ymd_to_ord, Dt, MAX_ORDINAL,
};

strand_objects::builtin_type! {
    /// `datetime.date`.
    pub static DATE_TYPE = {
        name: "datetime.date",
        layout: super::PyDt,
        itemsize: 0,
        kind: HeapKind::Gc,
        flags: TypeFlags::BASETYPE,
        traverse: Some(super::dt_traverse),
        clear: Some(super::dt_clear),
        dealloc: super::dt_dealloc,
        size: None,
        slots: Slots {
            new: Some(date_new),
            repr: Some(date_repr),
            str: Some(|o| ab::call_method(o, "isoformat", &[])),
            hash: Some(date_hash),
            richcompare: Some(date_richcompare),
            number: NumberSlots {
                add: Some(date_add),
                sub: Some(date_sub),
                ..NumberSlots::EMPTY
            },
            ..Slots::EMPTY
        },
    }
}

/// A new date of type `ty` (checked fields).
pub fn new_date_raw(ty: &PyType, y: i32, m: i32, d: i32) -> PyResult<PyObj> {
    check_date(y, m, d)?;
    Ok(super::alloc_dt(ty, Dt::ymd(y, m, d), None))
}

/// `cls(y, m, d)` for the date classes: built directly for `date` and `datetime`,
/// through the subclass's constructor otherwise (`new_date_subclass_ex`).
pub fn new_date_for(cls: &PyObj, y: i32, m: i32, d: i32) -> PyResult<PyObj> {
    if cls.is(&DATE_TYPE.to_obj()) {
        return new_date_raw(&DATE_TYPE, y, m, d);
    }
    if cls.is(&datetime::DATETIME_TYPE.to_obj()) {
        return new_date_raw(&datetime::DATETIME_TYPE, y, m, d);
    }
    ab::call(cls, &[py_int(y), py_int(m), py_int(d)], None)
}

/// The pickle state of a date: `[year_hi, year_lo, month, day]`.
pub fn date_state(v: &Dt) -> [u8; 4] {
    [
        (v.year >> 8) as u8,
        (v.year & 0xff) as u8,
        v.month as u8,
        v.day as u8,
    ]
}

/// A pickle state argument as bytes (a str is taken as latin-1, for pickles
/// written by Python 2), when it has `len` bytes and its byte `month_at` (masked
/// with 0x7f) passes `ok`.
pub fn state_bytes(
    arg: &PyObj,
    len: usize,
    what: &str,
    ok: impl Fn(&[u8]) -> bool,
) -> PyResult<Option<Vec<u8>>> {
    let data: Vec<u8> = if let Some(b) = bytes::as_bytes_opt(arg) {
        b.to_vec()
    } else if pystr::is_str(arg) {
        let s = pystr::as_str(arg);
        if s.chars().count() != len {
            return Ok(None);
        }
        let mut out = Vec::with_capacity(len);
        for c in s.chars() {
            if (c as u32) > 255 {
                return Err(value_error(format!(
                    "Failed to encode latin1 string when unpickling a {what} object. pickle.load(data, encoding='latin1') is assumed."
                )));
            }
            out.push(c as u32 as u8);
        }
        out
    } else {
        return Ok(None);
    };
    if data.len() != len || !ok(&data) {
        return Ok(None);
    }
    Ok(Some(data))
}

fn date_new(cls: &PyObj, a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    let ty = super::cls_type(cls)?;
    if a.len() == 1 && k.is_none() {
        if let Some(b) = state_bytes(&a[0], 4, "date", |b| (1..=12).contains(&b[2]))? {
            let y = i32::from(b[0]) * 256 + i32::from(b[1]);
            return Ok(super::alloc_dt(
                ty,
                Dt::ymd(y, i32::from(b[2]), i32::from(b[3])),
                None,
            ));
        }
    }
    let v = super::bind_new(a, k, &["year", "month", "day"], 0)?;
    let y = super::required_int(&v, 0, "year")?;
    let m = super::required_int(&v, 1, "month")?;
    let d = super::required_int(&v, 2, "day")?;
    new_date_raw(ty, y, m, d)
}

/// Checks that `o` is a date for a method descriptor.
pub fn expect_date<'a>(o: &'a PyObj, what: &str) -> PyResult<&'a PyObj> {
    if !is_date(o) {
        return Err(type_error(format!(
            "descriptor '{what}' for 'datetime.date' objects doesn't apply to a '{}' object",
            o.ty().name()
        )));
    }
    Ok(o)
}

fn date_repr(o: &PyObj) -> PyResult<PyObj> {
    let v = fields(o);
    Ok(pystr::from_string(format!(
        "{}({}, {}, {})",
        super::type_name(o),
        v.year,
        v.month,
        v.day
    )))
}

fn date_hash(o: &PyObj) -> PyResult<isize> {
    let v = fields(o);
    ab::hash(&tuple::from_vec(vec![
        py_int(v.year),
        py_int(v.month),
        py_int(v.day),
    ]))
}

fn date_richcompare(a: &PyObj, b: &PyObj, op: CompareOp) -> PyResult<PyObj> {
    if !is_date(b) {
        return Ok(singletons::not_implemented());
    }
    let (x, y) = (fields(a), fields(b));
    Ok(cmp_result(
        (x.year, x.month, x.day).cmp(&(y.year, y.month, y.day)),
        op,
    ))
}

/// `date + days` keeping the date's type (`add_date_timedelta`).
fn add_days(date: &PyObj, days: i64) -> PyResult<PyObj> {
    let v = fields(date);
    let ord = ymd_to_ord(v.year, v.month, v.day) + days;
    if !(1..=MAX_ORDINAL).contains(&ord) {
        return Err(overflow_error("date value out of range"));
    }
    let (y, m, d) = ord_to_ymd(ord);
    new_date_for(&date.ty().to_obj(), y, m, d)
}

fn date_add(a: &PyObj, b: &PyObj) -> PyResult<PyObj> {
    if is_datetime(a) || is_datetime(b) {
        return Ok(singletons::not_implemented());
    }
    if is_date(a) && is_delta(b) {
        return add_days(a, i64::from(timedelta::parts(b).0));
    }
    if is_delta(a) && is_date(b) {
        return add_days(b, i64::from(timedelta::parts(a).0));
    }
    Ok(singletons::not_implemented())
}

fn date_sub(a: &PyObj, b: &PyObj) -> PyResult<PyObj> {
    if is_datetime(a) || is_datetime(b) || !is_date(a) {
        return Ok(singletons::not_implemented());
    }
    if is_date(b) {
        let (x, y) = (fields(a), fields(b));
        let days = ymd_to_ord(x.year, x.month, x.day) - ymd_to_ord(y.year, y.month, y.day);
        return timedelta::from_parts(days, 0, 0);
    }
    if is_delta(b) {
        return add_days(a, -i64::from(timedelta::parts(b).0));
    }
    Ok(singletons::not_implemented())
}

// ---------------------------------------------------------------------------------
// Class methods
// ---------------------------------------------------------------------------------

fn today(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    Args::new(a, k).exact("today", 1)?;
    let time = super::import("time")?;
    let now = ab::call_method(&time, "time", &[])?;
    ab::call_method(&a[0], "fromtimestamp", &[now])
}

fn fromtimestamp(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    Args::new(a, k).exact("fromtimestamp", 2)?;
    let (t, _) = localtime::timestamp_parts(&a[1], Round::Floor)?;
    let tm = localtime::broken_down(t, true)?;
    let (y, m, d, ..) = localtime::tm_fields(&tm);
    new_date_for(&a[0], y, m, d)
}

fn fromordinal(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    Args::new(a, k).exact("fromordinal", 2)?;
    let n = int_arg(&a[1])?;
    if n < 1 {
        return Err(value_error("ordinal must be >= 1"));
    }
    if i64::from(n) > MAX_ORDINAL {
        return Err(value_error("year 10000 is out of range"));
    }
    let (y, m, d) = ord_to_ymd(i64::from(n));
    new_date_for(&a[0], y, m, d)
}

fn fromisoformat(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    Args::new(a, k).exact("fromisoformat", 2)?;
    let s = &a[1];
    if !pystr::is_str(s) {
        return Err(type_error("fromisoformat: argument must be str"));
    }
    let text = pystr::as_str(s);
    let invalid = || -> PyResult<strand_objects::PyErr> {
        Ok(value_error(format!(
            "Invalid isoformat string: {}",
            ab::repr_string(s)?
        )))
    };
    let n = text.chars().count();
    if !matches!(n, 7 | 8 | 10) {
        return Err(invalid()?);
    }
    match super::format::parse_iso_date(text) {
        Ok((y, m, d)) => new_date_for(&a[0], y, m, d),
        Err(super::format::IsoError::Invalid) => Err(invalid()?),
        Err(super::format::IsoError::Raise(e)) => Err(e),
    }
}

fn fromisocalendar(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    let v = super::bind_method(a, k, "fromisocalendar", &["year", "week", "day"], 3)?;
    let component = |o: &PyObj| {
        int_arg(o).map_err(|e| {
            if e.is_instance(&strand_objects::exceptions::OVERFLOW_ERROR_TYPE) {
                value_error("ISO calendar component out of range")
            } else {
                e
            }
        })
    };
    let y = component(v[0].expect("required"))?;
    let w = component(v[1].expect("required"))?;
    let d = component(v[2].expect("required"))?;
    let (y, m, d) = super::iso_to_ymd(y, w, d)?;
    new_date_for(&a[0], y, m, d)
}

// ---------------------------------------------------------------------------------
// Instance methods
// ---------------------------------------------------------------------------------

const DAY_NAMES: [&str; 7] = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];
const MONTH_NAMES: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

/// `ctime()` text of a date and time (CPython's `format_ctime`).
pub fn ctime_text(v: &Dt) -> String {
    format!(
        "{} {} {:2} {:02}:{:02}:{:02} {:04}",
        DAY_NAMES[weekday(v.year, v.month, v.day) as usize],
        MONTH_NAMES[(v.month - 1) as usize],
        v.day,
        v.hour,
        v.minute,
        v.second,
        v.year
    )
}

/// `time.struct_time` of a date and time with the given DST flag
/// (`build_struct_time`).
pub fn struct_time(v: &Dt, dst: i32) -> PyResult<PyObj> {
    let yday = ymd_to_ord(v.year, v.month, v.day) - ymd_to_ord(v.year, 1, 1) + 1;
    let time = super::import("time")?;
    let st = ab::getattr_str(&time, "struct_time")?;
    let t = tuple::from_vec(vec![
        py_int(v.year),
        py_int(v.month),
        py_int(v.day),
        py_int(v.hour),
        py_int(v.minute),
        py_int(v.second),
        py_int(weekday(v.year, v.month, v.day)),
        py_int(yday),
        py_int(dst),
    ]);
    ab::call1(&st, t)
}

static ISO_CALENDAR_TYPE: OnceObj = OnceObj::new();

fn iso_reduce(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    Args::new(a, k).exact("__reduce__", 1)?;
    let items = tuple::from_vec(tuple::items(&a[0]).to_vec());
    Ok(tuple::pair(
        strand_objects::tuple::TUPLE_TYPE.to_obj(),
        tuple::from_vec(vec![items]),
    ))
}

/// `datetime.IsoCalendarDate`.
pub fn iso_calendar_type() -> PyObj {
    ISO_CALENDAR_TYPE.get_or_init(|| {
        let t = strand_objects::structseq::new_type(
            "datetime",
            "IsoCalendarDate",
            &["year", "week", "weekday"],
        )
        .expect("valid struct sequence fields");
        // Pickles as a plain tuple, as CPython's `iso_calendar_date_reduce`.
        let m = strand_objects::descr::new_method_descr(
            &strand_objects::tuple::TUPLE_TYPE,
            &MethodDef::new("__reduce__", iso_reduce),
        );
        ab::setattr(&t, &pystr::intern("__reduce__"), &m)
            .expect("a new heap type takes attributes");
        t
    })
}

fn isocalendar(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    Args::new(a, k).exact("isocalendar", 1)?;
    let v = fields(expect_date(&a[0], "isocalendar")?);
    let (y, w, d) = super::iso_calendar(v.year, v.month, v.day);
    strand_objects::structseq::new_instance(
        &iso_calendar_type(),
        vec![py_int(y), py_int(w), py_int(d)],
    )
}

fn date_replace(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    let o = expect_date(&a[0], "replace")?;
    let v = super::bind_method(a, k, "replace", &["year", "month", "day"], 0)?;
    let mut f = fields(o);
    if let Some(x) = v[0] {
        f.year = int_arg(x)?;
    }
    if let Some(x) = v[1] {
        f.month = int_arg(x)?;
    }
    if let Some(x) = v[2] {
        f.day = int_arg(x)?;
    }
    new_date_raw(o.ty(), f.year, f.month, f.day)
}

fn date_reduce(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    Args::new(a, k).exact("__reduce__", 1)?;
    let o = expect_date(&a[0], "__reduce__")?;
    Ok(tuple::pair(
        o.ty().to_obj(),
        tuple::from_vec(vec![bytes::new(&date_state(&fields(o)))]),
    ))
}

/// `__format__(fmt)`: `str(self)` for an empty format, else `self.strftime(fmt)`.
pub fn dunder_format(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    Args::new(a, k).exact("__format__", 2)?;
    if !pystr::is_str(&a[1]) {
        return Err(type_error(format!(
            "__format__() argument 1 must be str, not {}",
            a[1].ty().name()
        )));
    }
    if pystr::as_str(&a[1]).is_empty() {
        return ab::str_(&a[0]);
    }
    ab::call_method(&a[0], "strftime", &[a[1].clone()])
}

fn date_strftime(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    let o = expect_date(&a[0], "strftime")?;
    let v = super::bind_method(a, k, "strftime", &["format"], 1)?;
    let fmt = v[0].expect("required");
    let tt = ab::call_method(o, "timetuple", &[])?;
    super::format::wrap_strftime(o, fmt, &tt, o)
}

fn simple(a: &[PyObj], k: Option<&PyObj>, name: &str) -> PyResult<Dt> {
    Args::new(a, k).exact(name, 1)?;
    Ok(fields(expect_date(&a[0], name)?))
}

fn getter(o: &PyObj, which: usize) -> PyResult<PyObj> {
    let v = fields(expect_date(o, ["year", "month", "day"][which])?);
    Ok(py_int([v.year, v.month, v.day][which]))
}

pub(super) fn ready() {
    DATE_TYPE.ready_static(
        Some(&strand_objects::baseobject::OBJECT_TYPE),
        &[
            MethodDef::class("fromtimestamp", fromtimestamp),
            MethodDef::class("fromordinal", fromordinal),
            MethodDef::class("fromisoformat", fromisoformat),
            MethodDef::class("fromisocalendar", fromisocalendar),
            MethodDef::class("today", today),
            MethodDef::new("ctime", |a, k| {
                Ok(pystr::from_string(ctime_text(&simple(a, k, "ctime")?)))
            }),
            MethodDef::new("strftime", date_strftime),
            MethodDef::new("__format__", dunder_format),
            MethodDef::new("timetuple", |a, k| {
                struct_time(&simple(a, k, "timetuple")?, -1)
            }),
            MethodDef::new("isocalendar", isocalendar),
            MethodDef::new("isoformat", |a, k| {
                let v = simple(a, k, "isoformat")?;
                Ok(pystr::from_string(format!(
                    "{:04}-{:02}-{:02}",
                    v.year, v.month, v.day
                )))
            }),
            MethodDef::new("isoweekday", |a, k| {
                let v = simple(a, k, "isoweekday")?;
                Ok(py_int(weekday(v.year, v.month, v.day) + 1))
            }),
            MethodDef::new("toordinal", |a, k| {
                let v = simple(a, k, "toordinal")?;
                Ok(py_int(ymd_to_ord(v.year, v.month, v.day)))
            }),
            MethodDef::new("weekday", |a, k| {
                let v = simple(a, k, "weekday")?;
                Ok(py_int(weekday(v.year, v.month, v.day)))
            }),
            MethodDef::new("replace", date_replace),
            MethodDef::new("__reduce__", date_reduce),
        ],
        &[
            GetSetDef::new("year", |o| getter(o, 0), None),
            GetSetDef::new("month", |o| getter(o, 1), None),
            GetSetDef::new("day", |o| getter(o, 2), None),
        ],
    );
    let d = DATE_TYPE.dict();
    dict::set_item_str(
        d,
        "__doc__",
        pystr::new("date(year, month, day) --> date object"),
    );
    dict::set_item_str(
        d,
        "min",
        super::alloc_dt(&DATE_TYPE, Dt::ymd(1, 1, 1), None),
    );
    dict::set_item_str(
        d,
        "max",
        super::alloc_dt(&DATE_TYPE, Dt::ymd(9999, 12, 31), None),
    );
    dict::set_item_str(
        d,
        "resolution",
        timedelta::from_us(super::US_PER_DAY).expect("in range"),
    );
}
