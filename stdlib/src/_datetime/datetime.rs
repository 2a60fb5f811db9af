//! `datetime.datetime`: a date and a time of day with an optional tzinfo and PEP
//! 495's `fold` (CPython's `PyDateTime_DateTime`, a subclass of `date`).
//!
//! Aware values compare and subtract through their UTC offsets; a naive value is
//! local time when a method needs an instant (`timestamp`, `astimezone`), solved
//! with [`localtime::local_to_seconds`]. Alternate constructors and arithmetic keep
//! the class they are called on (CPython's `new_datetime_subclass_fold_ex`).

use strand_heap::HeapKind;
use strand_objects::abstract_ as ab;
use strand_objects::args::Args;
use strand_objects::descr::{GetSetDef, MethodDef};
use strand_objects::exceptions::type_error;
use strand_objects::typeobj::{CompareOp, NumberSlots, PyType, Slots, TypeFlags};
use strand_objects::{bytes, dict, float, int, singletons, str as pystr, tuple, PyObj, PyResult};

use super::localtime::{self, Round, EPOCH};
use super::timedelta::{self, cmp_result, total_us};
use super::tzinfo::{call_dst, call_tzname, call_utcoffset};
use super::{
    check_date, check_time, check_tzinfo, fields, int_arg, is_date, is_datetime, is_delta, is_time,
    py_int, tzinfo_obj, Dt, US_PER_SECOND,
};

/// The arguments of `datetime(...)` and `datetime.replace(...)`, in order.
const ARG_NAMES: [&str; 9] = [
    "year",
    "month",
    "day",
    "hour",
    "minute",
    "second",
    "microsecond",
    "tzinfo",
    "fold",
];

strand_objects::builtin_type! {
    /// `datetime.datetime`.
    pub static DATETIME_TYPE = {
        name: "datetime.datetime",
        layout: super::PyDt,
        itemsize: 0,
        kind: HeapKind::Gc,
        flags: TypeFlags::BASETYPE,
        traverse: Some(super::dt_traverse),
        clear: Some(super::dt_clear),
        dealloc: super::dt_dealloc,
        size: None,
        slots: Slots {
            new: Some(datetime_new),
            repr: Some(datetime_repr),
            str: Some(|o| ab::call_method(o, "isoformat", &[pystr::new(" ")])),
            hash: Some(datetime_hash),
            richcompare: Some(datetime_richcompare),
            number: NumberSlots {
                add: Some(datetime_add),
                sub: Some(datetime_sub),
                ..NumberSlots::EMPTY
            },
            ..Slots::EMPTY
        },
    }
}

/// A new datetime of type `ty` (checked fields and tzinfo).
pub fn new_raw(ty: &PyType, v: Dt, tz: &PyObj) -> PyResult<PyObj> {
    check_date(v.year, v.month, v.day)?;
    check_time(v.hour, v.minute, v.second, v.us, v.fold)?;
    check_tzinfo(tz)?;
    Ok(super::alloc_dt(ty, v, Some(tz.clone())))
}

/// `cls(y, m, d, hh, mm, ss, us, tz[, fold=1])`: built directly for `datetime`,
/// through the subclass's constructor otherwise.
pub fn new_for(cls: &PyObj, v: Dt, tz: &PyObj) -> PyResult<PyObj> {
    if cls.is(&DATETIME_TYPE.to_obj()) {
        return new_raw(&DATETIME_TYPE, v, tz);
    }
    let mut args = vec![
        py_int(v.year),
        py_int(v.month),
        py_int(v.day),
        py_int(v.hour),
        py_int(v.minute),
        py_int(v.second),
        py_int(v.us),
        tz.clone(),
    ];
    if v.fold != 0 {
        args.push(py_int(v.fold));
        return ab::call(
            cls,
            &args,
            Some(&tuple::from_vec(vec![pystr::intern("fold")])),
        );
    }
    ab::call(cls, &args, None)
}

/// `dt + timedelta(microseconds=us)`, keeping `dt`'s class and tzinfo
/// (`add_datetime_timedelta`; `OverflowError: date value out of range`).
pub fn add_delta(dt: &PyObj, us: i128) -> PyResult<PyObj> {
    let v = Dt::from_total_us(fields(dt).total_us() + us, 0)?;
    new_for(&dt.ty().to_obj(), v, &tzinfo_obj(dt))
}

/// The pickle state: `[year_hi, year_lo, month(+128 if fold), day, hh, mm, ss,
/// us(3)]`.
fn state(v: &Dt, proto: i64) -> [u8; 10] {
    let mut m = v.month as u8;
    if proto > 3 && v.fold != 0 {
        m += 128;
    }
    [
        (v.year >> 8) as u8,
        (v.year & 0xff) as u8,
        m,
        v.day as u8,
        v.hour as u8,
        v.minute as u8,
        v.second as u8,
        (v.us >> 16) as u8,
        (v.us >> 8) as u8,
        v.us as u8,
    ]
}

fn datetime_new(cls: &PyObj, a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    let ty = super::cls_type(cls)?;
    if (a.len() == 1 || a.len() == 2) && k.is_none() {
        if let Some(b) =
            super::date::state_bytes(&a[0], 10, "datetime", |b| (1..=12).contains(&(b[2] & 0x7f)))?
        {
            let tz = a.get(1).cloned().unwrap_or_else(singletons::none);
            if !singletons::is_none(&tz) && !super::is_tzinfo(&tz) {
                return Err(type_error("bad tzinfo state arg"));
            }
            let v = Dt {
                year: i32::from(b[0]) * 256 + i32::from(b[1]),
                month: i32::from(b[2] & 0x7f),
                day: i32::from(b[3]),
                hour: i32::from(b[4]),
                minute: i32::from(b[5]),
                second: i32::from(b[6]),
                us: (i32::from(b[7]) << 16) | (i32::from(b[8]) << 8) | i32::from(b[9]),
                fold: i32::from(b[2] > 127),
            };
            return Ok(super::alloc_dt(ty, v, Some(tz)));
        }
    }
    let names = ARG_NAMES;
    let v = super::bind_new(a, k, &names, 1)?;
    let g = |i: usize| v[i].map(int_arg).transpose().map(|x| x.unwrap_or(0));
    let d = Dt {
        year: super::required_int(&v, 0, "year")?,
        month: super::required_int(&v, 1, "month")?,
        day: super::required_int(&v, 2, "day")?,
        hour: g(3)?,
        minute: g(4)?,
        second: g(5)?,
        us: g(6)?,
        fold: g(8)?,
    };
    let none = singletons::none();
    new_raw(ty, d, v[7].unwrap_or(&none))
}

fn expect_dt<'a>(o: &'a PyObj, what: &str) -> PyResult<&'a PyObj> {
    if !is_datetime(o) {
        return Err(type_error(format!(
            "descriptor '{what}' for 'datetime.datetime' objects doesn't apply to a '{}' object",
            o.ty().name()
        )));
    }
    Ok(o)
}

fn datetime_repr(o: &PyObj) -> PyResult<PyObj> {
    let v = fields(o);
    Ok(pystr::from_string(format!(
        "{}({}, {}, {}, {}{})",
        super::type_name(o),
        v.year,
        v.month,
        v.day,
        super::time::clock_repr(&v),
        super::time::repr_suffix(&v, &tzinfo_obj(o))?
    )))
}

/// `dt.utcoffset()`, checked.
pub fn utcoffset(o: &PyObj) -> PyResult<Option<PyObj>> {
    call_utcoffset(&tzinfo_obj(o), o)
}

fn with_fold(o: &PyObj, fold: i32) -> PyObj {
    let v = fields(o);
    super::alloc_dt(&DATETIME_TYPE, Dt { fold, ..v }, super::tzinfo_of(o))
}

fn datetime_hash(o: &PyObj) -> PyResult<isize> {
    let v = fields(o);
    let probe = if v.fold != 0 {
        with_fold(o, 0)
    } else {
        o.clone()
    };
    let off = utcoffset(&probe)?.map_or(0, |d| total_us(&d));
    ab::hash(&int::from_i128(v.total_us() - off))
}

fn same_offset(a: &Option<PyObj>, b: &Option<PyObj>) -> bool {
    match (a, b) {
        (None, None) => true,
        (Some(x), Some(y)) => total_us(x) == total_us(y),
        _ => false,
    }
}

/// PEP 495: an aware datetime in a fold or gap never equals one in another zone.
fn pep495_exception(
    a: &PyObj,
    b: &PyObj,
    oa: &Option<PyObj>,
    ob: &Option<PyObj>,
) -> PyResult<bool> {
    let fa = utcoffset(&with_fold(a, 1 - fields(a).fold))?;
    if !same_offset(&fa, oa) {
        return Ok(true);
    }
    let fb = utcoffset(&with_fold(b, 1 - fields(b).fold))?;
    Ok(!same_offset(&fb, ob))
}

fn datetime_richcompare(a: &PyObj, b: &PyObj, op: CompareOp) -> PyResult<PyObj> {
    if !is_datetime(b) {
        if is_date(b) {
            return match op {
                CompareOp::Eq => Ok(singletons::bool_obj(false)),
                CompareOp::Ne => Ok(singletons::bool_obj(true)),
                _ => Err(type_error(format!(
                    "can't compare {} to {}",
                    a.ty().name(),
                    b.ty().name()
                ))),
            };
        }
        return Ok(singletons::not_implemented());
    }
    let (x, y) = (fields(a), fields(b));
    if tzinfo_obj(a).is(&tzinfo_obj(b)) {
        return Ok(cmp_result(x.key().cmp(&y.key()), op));
    }
    let (oa, ob) = (utcoffset(a)?, utcoffset(b)?);
    let eqop = matches!(op, CompareOp::Eq | CompareOp::Ne);
    if same_offset(&oa, &ob) {
        let mut ord = x.key().cmp(&y.key());
        if eqop && ord.is_eq() && pep495_exception(a, b, &oa, &ob)? {
            ord = std::cmp::Ordering::Less;
        }
        return Ok(cmp_result(ord, op));
    }
    if let (Some(p), Some(q)) = (&oa, &ob) {
        let diff = (x.total_us() - total_us(p)) - (y.total_us() - total_us(q));
        let mut ord = diff.cmp(&0);
        if eqop && ord.is_eq() && pep495_exception(a, b, &oa, &ob)? {
            ord = std::cmp::Ordering::Less;
        }
        return Ok(cmp_result(ord, op));
    }
    match op {
        CompareOp::Eq => Ok(singletons::bool_obj(false)),
        CompareOp::Ne => Ok(singletons::bool_obj(true)),
        _ => Err(type_error(
            "can't compare offset-naive and offset-aware datetimes",
        )),
    }
}

fn datetime_add(a: &PyObj, b: &PyObj) -> PyResult<PyObj> {
    if is_datetime(a) && is_delta(b) {
        return add_delta(a, total_us(b));
    }
    if is_delta(a) && is_datetime(b) {
        return add_delta(b, total_us(a));
    }
    Ok(singletons::not_implemented())
}

/// `a - b` for two datetimes (`TypeError` when one is naive, the other aware).
fn subtract(a: &PyObj, b: &PyObj) -> PyResult<i128> {
    let (x, y) = (fields(a), fields(b));
    let mut diff = x.total_us() - y.total_us();
    if !tzinfo_obj(a).is(&tzinfo_obj(b)) {
        let (oa, ob) = (utcoffset(a)?, utcoffset(b)?);
        match (oa, ob) {
            (Some(p), Some(q)) => diff -= total_us(&p) - total_us(&q),
            (None, None) => {}
            _ => {
                return Err(type_error(
                    "can't subtract offset-naive and offset-aware datetimes",
                ))
            }
        }
    }
    Ok(diff)
}

fn datetime_sub(a: &PyObj, b: &PyObj) -> PyResult<PyObj> {
    if !is_datetime(a) {
        return Ok(singletons::not_implemented());
    }
    if is_datetime(b) {
        return timedelta::from_us(subtract(a, b)?);
    }
    if is_delta(b) {
        return add_delta(a, -total_us(b));
    }
    Ok(singletons::not_implemented())
}

// ---------------------------------------------------------------------------------
// Class methods
// ---------------------------------------------------------------------------------

/// A datetime of class `cls` from a Unix time (`datetime_from_timet_and_us`): local
/// time (with its fold) when `local`, else UTC.
fn from_timet(cls: &PyObj, local: bool, t: i64, us: i32, tz: &PyObj) -> PyResult<PyObj> {
    let tm = localtime::broken_down(t, local)?;
    let f = localtime::tm_fields(&tm);
    let (y, m, d, hh, mm, ss) = f;
    let fold = if local && singletons::is_none(tz) {
        localtime::fold_at(t, f)?
    } else {
        0
    };
    let v = Dt {
        year: y,
        month: m,
        day: d,
        hour: hh,
        minute: mm,
        second: ss,
        us,
        fold,
    };
    new_for(cls, v, tz)
}

fn now(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    let v = super::bind_method(a, k, "now", &["tz"], 0)?;
    let none = singletons::none();
    let tz = v[0].unwrap_or(&none);
    check_tzinfo(tz)?;
    let (t, us) = localtime::now();
    let r = from_timet(&a[0], singletons::is_none(tz), t, us, tz)?;
    if singletons::is_none(tz) {
        return Ok(r);
    }
    ab::call_method(tz, "fromutc", &[r])
}

fn utcnow(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    Args::new(a, k).exact("utcnow", 1)?;
    let (t, us) = localtime::now();
    from_timet(&a[0], false, t, us, &singletons::none())
}

fn fromtimestamp(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    let v = super::bind_method(a, k, "fromtimestamp", &["timestamp", "tz"], 1)?;
    let none = singletons::none();
    let tz = v[1].unwrap_or(&none);
    check_tzinfo(tz)?;
    let (t, us) = localtime::timestamp_parts(v[0].expect("required"), Round::HalfEven)?;
    let r = from_timet(&a[0], singletons::is_none(tz), t, us, tz)?;
    if singletons::is_none(tz) {
        return Ok(r);
    }
    ab::call_method(tz, "fromutc", &[r])
}

fn utcfromtimestamp(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    Args::new(a, k).exact("utcfromtimestamp", 2)?;
    let (t, us) = localtime::timestamp_parts(&a[1], Round::HalfEven)?;
    from_timet(&a[0], false, t, us, &singletons::none())
}

fn strptime(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    Args::new(a, k).exact("strptime", 3)?;
    for (i, x) in a[1..].iter().enumerate() {
        if !pystr::is_str(x) {
            return Err(type_error(format!(
                "strptime() argument {} must be str, not {}",
                i + 1,
                x.ty().name()
            )));
        }
    }
    let m = super::import("_strptime")?;
    ab::call_method(
        &m,
        "_strptime_datetime",
        &[a[0].clone(), a[1].clone(), a[2].clone()],
    )
}

fn combine(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    let v = super::bind_method(a, k, "combine", &["date", "time", "tzinfo"], 2)?;
    let (d, t) = (v[0].expect("required"), v[1].expect("required"));
    if !is_date(d) {
        return Err(type_error(format!(
            "combine() argument 1 must be datetime.date, not {}",
            d.ty().name()
        )));
    }
    if !is_time(t) {
        return Err(type_error(format!(
            "combine() argument 2 must be datetime.time, not {}",
            t.ty().name()
        )));
    }
    let tz = v[2].cloned().unwrap_or_else(|| tzinfo_obj(t));
    let (dv, tv) = (fields(d), fields(t));
    let r = Dt {
        year: dv.year,
        month: dv.month,
        day: dv.day,
        ..tv
    };
    new_for(&a[0], r, &tz)
}

fn fromisoformat(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    Args::new(a, k).exact("fromisoformat", 2)?;
    let s = &a[1];
    if !pystr::is_str(s) {
        return Err(type_error("fromisoformat: argument must be str"));
    }
    let Some(((y, m, d), (t, off))) = super::format::parse_iso_datetime(pystr::as_str(s)) else {
        return Err(strand_objects::exceptions::value_error(format!(
            "Invalid isoformat string: {}",
            ab::repr_string(s)?
        )));
    };
    let tz = super::format::tzinfo_for(off)?;
    let v = Dt {
        year: y,
        month: m,
        day: d,
        hour: t[0],
        minute: t[1],
        second: t[2],
        us: t[3],
        fold: 0,
    };
    new_for(&a[0], v, &tz)
}

// ---------------------------------------------------------------------------------
// Instance methods
// ---------------------------------------------------------------------------------

fn timetuple(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    Args::new(a, k).exact("timetuple", 1)?;
    let o = expect_dt(&a[0], "timetuple")?;
    let dst = match call_dst(&tzinfo_obj(o), o)? {
        None => -1,
        Some(d) => i32::from(total_us(&d) != 0),
    };
    super::date::struct_time(&fields(o), dst)
}

fn utctimetuple(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    Args::new(a, k).exact("utctimetuple", 1)?;
    let o = expect_dt(&a[0], "utctimetuple")?;
    let mut v = fields(o);
    if let Some(off) = utcoffset(o)? {
        v = Dt::from_total_us(v.total_us() - total_us(&off), 0)?;
    }
    super::date::struct_time(&v, 0)
}

/// Seconds from the ordinal epoch of a naive datetime read as local time.
fn local_seconds(v: &Dt) -> PyResult<i64> {
    localtime::local_to_seconds(v.year, v.month, v.day, v.hour, v.minute, v.second, v.fold)
}

fn timestamp(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    Args::new(a, k).exact("timestamp", 1)?;
    let o = expect_dt(&a[0], "timestamp")?;
    let v = fields(o);
    if super::tzinfo_of(o).is_some() {
        let epoch = super::alloc_dt(
            &DATETIME_TYPE,
            Dt::ymd(1970, 1, 1),
            Some(super::tzinfo::utc()),
        );
        let us = subtract(o, &epoch)?;
        return ab::binary_op(
            &int::from_i128(us),
            &int::from_i64(1_000_000),
            ab::BinOp::TrueDiv,
        );
    }
    let secs = local_seconds(&v)?;
    Ok(float::from_f64(
        (secs - EPOCH) as f64 + f64::from(v.us) / 1e6,
    ))
}

fn isoformat(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    let o = expect_dt(&a[0], "isoformat")?;
    let v = super::bind_method(a, k, "isoformat", &["sep", "timespec"], 0)?;
    let sep = match v[0] {
        None => 'T',
        Some(s) => {
            let ok = pystr::is_str(s) && pystr::as_str(s).chars().count() == 1;
            if !ok {
                return Err(type_error(format!(
                    "isoformat() argument 1 must be a unicode character, not {}",
                    s.ty().name()
                )));
            }
            pystr::as_str(s).chars().next().unwrap_or('T')
        }
    };
    let spec = match v[1] {
        None => "auto".to_string(),
        Some(s) if pystr::is_str(s) => pystr::as_str(s).to_string(),
        Some(s) => {
            return Err(type_error(format!(
                "isoformat() argument 2 must be str, not {}",
                s.ty().name()
            )))
        }
    };
    let f = fields(o);
    let mut out = format!("{:04}-{:02}-{:02}{sep}", f.year, f.month, f.day);
    out.push_str(&super::format::clock_text(
        f.hour, f.minute, f.second, f.us, &spec,
    )?);
    out.push_str(&super::format::utcoffset_text(&tzinfo_obj(o), o, ":")?);
    Ok(pystr::from_string(out))
}

fn replace(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    let o = expect_dt(&a[0], "replace")?;
    let names = ARG_NAMES;
    if Args::new(a, k).nargs() > 9 {
        return Err(type_error(format!(
            "replace() takes at most 8 positional arguments ({} given)",
            Args::new(a, k).nargs() - 1
        )));
    }
    let v = super::bind_method(a, k, "replace", &names, 0)?;
    let mut f = fields(o);
    {
        let slots: [(usize, &mut i32); 8] = [
            (0, &mut f.year),
            (1, &mut f.month),
            (2, &mut f.day),
            (3, &mut f.hour),
            (4, &mut f.minute),
            (5, &mut f.second),
            (6, &mut f.us),
            (8, &mut f.fold),
        ];
        for (i, dst) in slots {
            if let Some(x) = v[i] {
                *dst = int_arg(x)?;
            }
        }
    }
    let tz = v[7].cloned().unwrap_or_else(|| tzinfo_obj(o));
    new_raw(o.ty(), f, &tz)
}

/// The local time zone at UTC instant `utc_us` (ordinal-epoch microseconds): a
/// fixed `timezone` with the platform's offset and abbreviation there.
fn local_timezone_at(unix_seconds: i64) -> PyResult<PyObj> {
    let tm = localtime::broken_down(unix_seconds, true)?;
    let delta = timedelta::from_parts(0, tm.tm_gmtoff, 0)?;
    let name = if tm.tm_zone.is_null() {
        None
    } else {
        // SAFETY: tm_zone points at a NUL-terminated abbreviation owned by libc.
        let cstr = unsafe { std::ffi::CStr::from_ptr(tm.tm_zone) };
        Some(pystr::from_string(cstr.to_string_lossy().into_owned()))
    };
    super::tzinfo::new_timezone(&delta, name)
}

fn astimezone(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    let o = expect_dt(&a[0], "astimezone")?;
    let v = super::bind_method(a, k, "astimezone", &["tz"], 0)?;
    let none = singletons::none();
    let tz = v[0].unwrap_or(&none).clone();
    check_tzinfo(&tz)?;
    let f = fields(o);
    let local_tz = || -> PyResult<PyObj> { local_timezone_at(local_seconds(&f)? - EPOCH) };
    let mut self_tz = match super::tzinfo_of(o) {
        None => local_tz()?,
        Some(t) => t,
    };
    if self_tz.is(&tz) {
        return Ok(o.clone());
    }
    let offset = match call_utcoffset(&self_tz, o)? {
        Some(off) => off,
        None => {
            self_tz = local_tz()?;
            if self_tz.is(&tz) {
                return Ok(o.clone());
            }
            call_utcoffset(&self_tz, o)?.unwrap_or(timedelta::from_us(0)?)
        }
    };
    let utc_v = Dt::from_total_us(f.total_us() - total_us(&offset), 0)?;
    let target = if singletons::is_none(&tz) {
        let unix_us = utc_v.total_us() - i128::from(EPOCH) * US_PER_SECOND;
        local_timezone_at(unix_us.div_euclid(US_PER_SECOND) as i64)?
    } else {
        tz
    };
    let result = super::alloc_dt(o.ty(), utc_v, Some(target.clone()));
    ab::call_method(&target, "fromutc", &[result])
}

fn reduce_ex(o: &PyObj, proto: i64) -> PyObj {
    let st = bytes::new(&state(&fields(o), proto));
    let args = match super::tzinfo_of(o) {
        None => tuple::from_vec(vec![st]),
        Some(tz) => tuple::pair(st, tz),
    };
    tuple::pair(o.ty().to_obj(), args)
}

fn tz_method(a: &[PyObj], k: Option<&PyObj>, name: &str) -> PyResult<PyObj> {
    Args::new(a, k).exact(name, 1)?;
    let o = expect_dt(&a[0], name)?;
    let tz = tzinfo_obj(o);
    Ok(match name {
        "utcoffset" => call_utcoffset(&tz, o)?.unwrap_or_else(singletons::none),
        "dst" => call_dst(&tz, o)?.unwrap_or_else(singletons::none),
        _ => call_tzname(&tz, o)?,
    })
}

fn getter(o: &PyObj, which: usize) -> PyResult<PyObj> {
    let names = ["hour", "minute", "second", "microsecond", "fold"];
    let v = fields(expect_dt(o, names[which])?);
    Ok(py_int([v.hour, v.minute, v.second, v.us, v.fold][which]))
}

fn part(a: &[PyObj], k: Option<&PyObj>, name: &str) -> PyResult<PyObj> {
    Args::new(a, k).exact(name, 1)?;
    let o = expect_dt(&a[0], name)?;
    let v = fields(o);
    match name {
        "date" => super::date::new_date_raw(&super::date::DATE_TYPE, v.year, v.month, v.day),
        "time" => super::time::new_time_raw(
            &super::time::TIME_TYPE,
            Dt {
                year: 0,
                month: 0,
                day: 0,
                ..v
            },
            &singletons::none(),
        ),
        _ => super::time::new_time_raw(
            &super::time::TIME_TYPE,
            Dt {
                year: 0,
                month: 0,
                day: 0,
                ..v
            },
            &tzinfo_obj(o),
        ),
    }
}

pub(super) fn ready() {
    DATETIME_TYPE.ready_static(
        Some(&super::date::DATE_TYPE),
        &[
            MethodDef::class("now", now),
            MethodDef::class("utcnow", utcnow),
            MethodDef::class("fromtimestamp", fromtimestamp),
            MethodDef::class("utcfromtimestamp", utcfromtimestamp),
            MethodDef::class("strptime", strptime),
            MethodDef::class("combine", combine),
            MethodDef::class("fromisoformat", fromisoformat),
            MethodDef::new("date", |a, k| part(a, k, "date")),
            MethodDef::new("time", |a, k| part(a, k, "time")),
            MethodDef::new("timetz", |a, k| part(a, k, "timetz")),
            MethodDef::new("ctime", |a, k| {
                Args::new(a, k).exact("ctime", 1)?;
                let v = fields(expect_dt(&a[0], "ctime")?);
                Ok(pystr::from_string(super::date::ctime_text(&v)))
            }),
            MethodDef::new("timetuple", timetuple),
            MethodDef::new("timestamp", timestamp),
            MethodDef::new("utctimetuple", utctimetuple),
            MethodDef::new("isoformat", isoformat),
            MethodDef::new("utcoffset", |a, k| tz_method(a, k, "utcoffset")),
            MethodDef::new("tzname", |a, k| tz_method(a, k, "tzname")),
            MethodDef::new("dst", |a, k| tz_method(a, k, "dst")),
            MethodDef::new("replace", replace),
            MethodDef::new("astimezone", astimezone),
            MethodDef::new("__reduce_ex__", |a, k| {
                Args::new(a, k).exact("__reduce_ex__", 2)?;
                let o = expect_dt(&a[0], "__reduce_ex__")?;
                let proto = i64::from(int_arg(&a[1])?);
                Ok(reduce_ex(o, proto))
            }),
            MethodDef::new("__reduce__", |a, k| {
                Args::new(a, k).exact("__reduce__", 1)?;
                Ok(reduce_ex(expect_dt(&a[0], "__reduce__")?, 2))
            }),
        ],
        &[
            GetSetDef::new("hour", |o| getter(o, 0), None),
            GetSetDef::new("minute", |o| getter(o, 1), None),
            GetSetDef::new("second", |o| getter(o, 2), None),
            GetSetDef::new("microsecond", |o| getter(o, 3), None),
            GetSetDef::new("fold", |o| getter(o, 4), None),
            GetSetDef::new("tzinfo", |o| Ok(tzinfo_obj(expect_dt(o, "tzinfo")?)), None),
        ],
    );
    let d = DATETIME_TYPE.dict();
    dict::set_item_str(
        d,
        "__doc__",
        pystr::new("datetime(year, month, day[, hour[, minute[, second[, microsecond[,tzinfo]]]]])\n\nThe year, month and day arguments are required. tzinfo may be None, or an\ninstance of a tzinfo subclass. The remaining arguments may be ints.\n"),
    );
    dict::set_item_str(
        d,
        "min",
        super::alloc_dt(&DATETIME_TYPE, Dt::ymd(1, 1, 1), None),
    );
    let max = Dt {
        hour: 23,
        minute: 59,
        second: 59,
        us: 999_999,
        ..Dt::ymd(9999, 12, 31)
    };
    dict::set_item_str(d, "max", super::alloc_dt(&DATETIME_TYPE, max, None));
    dict::set_item_str(d, "resolution", timedelta::from_us(1).expect("in range"));
}
