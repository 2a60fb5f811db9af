//! `datetime.time`: a time of day with an optional tzinfo and PEP 495's `fold`
//! (CPython's `PyDateTime_Time`). A time's tzinfo methods are called with `None`
//! (there is no date to ask about).

use strand_heap::HeapKind;
use strand_objects::abstract_ as ab;
use strand_objects::args::Args;
use strand_objects::descr::{GetSetDef, MethodDef};
use strand_objects::exceptions::type_error;
use strand_objects::typeobj::{CompareOp, PyType, Slots, TypeFlags};
use strand_objects::{bytes, dict, singletons, str as pystr, tuple, PyObj, PyResult};

use super::timedelta::{self, cmp_result, total_us};
use super::tzinfo::{call_dst, call_tzname, call_utcoffset};
use super::{check_time, check_tzinfo, fields, int_arg, is_time, py_int, tzinfo_obj, Dt};

/// The arguments of `time(...)` and `time.replace(...)`, in order.
const ARG_NAMES: [&str; 6] = ["hour", "minute", "second", "microsecond", "tzinfo", "fold"];

strand_objects::builtin_type! {
    /// `datetime.time`.
    pub static TIME_TYPE = {
        name: "datetime.time",
        layout: super::PyDt,
        itemsize: 0,
        kind: HeapKind::Gc,
        flags: TypeFlags::BASETYPE,
        traverse: Some(super::dt_traverse),
        clear: Some(super::dt_clear),
        dealloc: super::dt_dealloc,
        size: None,
        slots: Slots {
            new: Some(time_new),
            repr: Some(time_repr),
            str: Some(|o| ab::call_method(o, "isoformat", &[])),
            hash: Some(time_hash),
            richcompare: Some(time_richcompare),
            ..Slots::EMPTY
        },
    }
}

fn clock(h: i32, m: i32, s: i32, us: i32, fold: i32) -> Dt {
    Dt {
        hour: h,
        minute: m,
        second: s,
        us,
        fold,
        ..Dt::default()
    }
}

/// A new time of type `ty` (checked fields).
pub fn new_time_raw(ty: &PyType, v: Dt, tz: &PyObj) -> PyResult<PyObj> {
    check_time(v.hour, v.minute, v.second, v.us, v.fold)?;
    check_tzinfo(tz)?;
    Ok(super::alloc_dt(
        ty,
        clock(v.hour, v.minute, v.second, v.us, v.fold),
        Some(tz.clone()),
    ))
}

/// The pickle state of a time: `[hour(+128 if fold), minute, second, us(3)]`.
pub fn time_state(v: &Dt, proto: i64) -> [u8; 6] {
    let mut h = v.hour as u8;
    if proto > 3 && v.fold != 0 {
        h += 128;
    }
    [
        h,
        v.minute as u8,
        v.second as u8,
        (v.us >> 16) as u8,
        (v.us >> 8) as u8,
        v.us as u8,
    ]
}

fn time_new(cls: &PyObj, a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    let ty = super::cls_type(cls)?;
    if (a.len() == 1 || a.len() == 2) && k.is_none() {
        if let Some(b) = super::date::state_bytes(&a[0], 6, "time", |b| (b[0] & 0x7f) < 24)? {
            let tz = a.get(1).cloned().unwrap_or_else(singletons::none);
            if !singletons::is_none(&tz) && !super::is_tzinfo(&tz) {
                return Err(type_error("bad tzinfo state arg"));
            }
            let fold = i32::from(b[0] > 127);
            let v = clock(
                i32::from(b[0] & 0x7f),
                i32::from(b[1]),
                i32::from(b[2]),
                (i32::from(b[3]) << 16) | (i32::from(b[4]) << 8) | i32::from(b[5]),
                fold,
            );
            return Ok(super::alloc_dt(ty, v, Some(tz)));
        }
    }
    let names = ARG_NAMES;
    let v = super::bind_new(a, k, &names, 1)?;
    let g = |i: usize| v[i].map(int_arg).transpose().map(|x| x.unwrap_or(0));
    let d = clock(g(0)?, g(1)?, g(2)?, g(3)?, g(5)?);
    let none = singletons::none();
    new_time_raw(ty, d, v[4].unwrap_or(&none))
}

/// Checks that `o` is a time for a method descriptor.
fn expect_time<'a>(o: &'a PyObj, what: &str) -> PyResult<&'a PyObj> {
    if !is_time(o) {
        return Err(type_error(format!(
            "descriptor '{what}' for 'datetime.time' objects doesn't apply to a '{}' object",
            o.ty().name()
        )));
    }
    Ok(o)
}

/// `, fold=1)` and `, tzinfo=...)` appended to a repr body (fold first, as
/// CPython's `append_keyword_fold`/`append_keyword_tzinfo` do).
pub fn repr_suffix(v: &Dt, tz: &PyObj) -> PyResult<String> {
    let mut s = String::new();
    if v.fold != 0 {
        s.push_str(&format!(", fold={}", v.fold));
    }
    if !singletons::is_none(tz) {
        s.push_str(&format!(", tzinfo={}", ab::repr_string(tz)?));
    }
    Ok(s)
}

/// `h, m[, s[, us]]` as the reprs print them (trailing zero fields dropped).
pub fn clock_repr(v: &Dt) -> String {
    if v.us != 0 {
        format!("{}, {}, {}, {}", v.hour, v.minute, v.second, v.us)
    } else if v.second != 0 {
        format!("{}, {}, {}", v.hour, v.minute, v.second)
    } else {
        format!("{}, {}", v.hour, v.minute)
    }
}

fn time_repr(o: &PyObj) -> PyResult<PyObj> {
    let v = fields(o);
    Ok(pystr::from_string(format!(
        "{}({}{})",
        super::type_name(o),
        clock_repr(&v),
        repr_suffix(&v, &tzinfo_obj(o))?
    )))
}

/// The UTC offset of a time (its tzinfo's `utcoffset(None)`).
fn offset_of(o: &PyObj) -> PyResult<Option<PyObj>> {
    call_utcoffset(&tzinfo_obj(o), &singletons::none())
}

fn time_hash(o: &PyObj) -> PyResult<isize> {
    let v = fields(o);
    let probe = if v.fold != 0 {
        super::alloc_dt(&TIME_TYPE, Dt { fold: 0, ..v }, super::tzinfo_of(o))
    } else {
        o.clone()
    };
    let off = offset_of(&probe)?.map_or(0, |d| total_us(&d));
    let d = timedelta::from_us(v.clock_us() - off)?;
    ab::hash(&d)
}

fn time_richcompare(a: &PyObj, b: &PyObj, op: CompareOp) -> PyResult<PyObj> {
    if !is_time(b) {
        return Ok(singletons::not_implemented());
    }
    let (x, y) = (fields(a), fields(b));
    if tzinfo_obj(a).is(&tzinfo_obj(b)) {
        return Ok(cmp_result(x.clock_us().cmp(&y.clock_us()), op));
    }
    let (o1, o2) = (offset_of(a)?, offset_of(b)?);
    match (o1, o2) {
        (None, None) => Ok(cmp_result(x.clock_us().cmp(&y.clock_us()), op)),
        (Some(p), Some(q)) => Ok(cmp_result(
            (x.clock_us() - total_us(&p)).cmp(&(y.clock_us() - total_us(&q))),
            op,
        )),
        _ => match op {
            CompareOp::Eq => Ok(singletons::bool_obj(false)),
            CompareOp::Ne => Ok(singletons::bool_obj(true)),
            _ => Err(type_error(
                "can't compare offset-naive and offset-aware times",
            )),
        },
    }
}

fn isoformat(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    let o = expect_time(&a[0], "isoformat")?;
    let v = super::bind_method(a, k, "isoformat", &["timespec"], 0)?;
    let spec = match v[0] {
        None => "auto".to_string(),
        Some(s) if pystr::is_str(s) => pystr::as_str(s).to_string(),
        Some(s) => {
            return Err(type_error(format!(
                "isoformat() argument 1 must be str, not {}",
                s.ty().name()
            )))
        }
    };
    let f = fields(o);
    let mut out = super::format::clock_text(f.hour, f.minute, f.second, f.us, &spec)?;
    out.push_str(&super::format::utcoffset_text(
        &tzinfo_obj(o),
        &singletons::none(),
        ":",
    )?);
    Ok(pystr::from_string(out))
}

fn strftime(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    let o = expect_time(&a[0], "strftime")?;
    let v = super::bind_method(a, k, "strftime", &["format"], 1)?;
    let f = fields(o);
    let tt = tuple::from_vec(vec![
        py_int(1900),
        py_int(1),
        py_int(1),
        py_int(f.hour),
        py_int(f.minute),
        py_int(f.second),
        py_int(0),
        py_int(1),
        py_int(-1),
    ]);
    super::format::wrap_strftime(o, v[0].expect("required"), &tt, &singletons::none())
}

fn replace(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    let o = expect_time(&a[0], "replace")?;
    let names = ARG_NAMES;
    if Args::new(a, k).nargs() > 6 {
        return Err(type_error(format!(
            "replace() takes at most 5 positional arguments ({} given)",
            Args::new(a, k).nargs() - 1
        )));
    }
    let v = super::bind_method(a, k, "replace", &names, 0)?;
    let mut f = fields(o);
    let set = |slot: Option<&PyObj>, dst: &mut i32| -> PyResult<()> {
        if let Some(x) = slot {
            *dst = int_arg(x)?;
        }
        Ok(())
    };
    set(v[0], &mut f.hour)?;
    set(v[1], &mut f.minute)?;
    set(v[2], &mut f.second)?;
    set(v[3], &mut f.us)?;
    set(v[5], &mut f.fold)?;
    let tz = v[4].cloned().unwrap_or_else(|| tzinfo_obj(o));
    new_time_raw(o.ty(), f, &tz)
}

fn fromisoformat(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    Args::new(a, k).exact("fromisoformat", 2)?;
    let s = &a[1];
    if !pystr::is_str(s) {
        return Err(type_error("fromisoformat: argument must be str"));
    }
    let text = pystr::as_str(s);
    let body = if text.chars().count() >= 2 && text.starts_with('T') {
        &text[1..]
    } else {
        text
    };
    let Some((t, off)) = super::format::parse_iso_time(body) else {
        return Err(strand_objects::exceptions::value_error(format!(
            "Invalid isoformat string: {}",
            ab::repr_string(s)?
        )));
    };
    let tz = super::format::tzinfo_for(off)?;
    if a[0].is(&TIME_TYPE.to_obj()) {
        return new_time_raw(&TIME_TYPE, clock(t[0], t[1], t[2], t[3], 0), &tz);
    }
    ab::call(
        &a[0],
        &[py_int(t[0]), py_int(t[1]), py_int(t[2]), py_int(t[3]), tz],
        None,
    )
}

fn reduce_ex(o: &PyObj, proto: i64) -> PyObj {
    let f = fields(o);
    let state = bytes::new(&time_state(&f, proto));
    let args = match super::tzinfo_of(o) {
        None => tuple::from_vec(vec![state]),
        Some(tz) => tuple::pair(state, tz),
    };
    tuple::pair(o.ty().to_obj(), args)
}

fn tz_method(a: &[PyObj], k: Option<&PyObj>, name: &str) -> PyResult<PyObj> {
    Args::new(a, k).exact(name, 1)?;
    let o = expect_time(&a[0], name)?;
    let tz = tzinfo_obj(o);
    let none = singletons::none();
    Ok(match name {
        "utcoffset" => call_utcoffset(&tz, &none)?.unwrap_or(none),
        "dst" => call_dst(&tz, &none)?.unwrap_or(none),
        _ => call_tzname(&tz, &none)?,
    })
}

fn getter(o: &PyObj, which: usize) -> PyResult<PyObj> {
    let names = ["hour", "minute", "second", "microsecond", "fold"];
    let v = fields(expect_time(o, names[which])?);
    Ok(py_int([v.hour, v.minute, v.second, v.us, v.fold][which]))
}

pub(super) fn ready() {
    TIME_TYPE.ready_static(
        Some(&strand_objects::baseobject::OBJECT_TYPE),
        &[
            MethodDef::new("isoformat", isoformat),
            MethodDef::new("strftime", strftime),
            MethodDef::new("__format__", super::date::dunder_format),
            MethodDef::new("utcoffset", |a, k| tz_method(a, k, "utcoffset")),
            MethodDef::new("tzname", |a, k| tz_method(a, k, "tzname")),
            MethodDef::new("dst", |a, k| tz_method(a, k, "dst")),
            MethodDef::new("replace", replace),
            MethodDef::class("fromisoformat", fromisoformat),
            MethodDef::new("__reduce_ex__", |a, k| {
                Args::new(a, k).exact("__reduce_ex__", 2)?;
                let o = expect_time(&a[0], "__reduce_ex__")?;
                let proto = i64::from(int_arg(&a[1])?);
                Ok(reduce_ex(o, proto))
            }),
            MethodDef::new("__reduce__", |a, k| {
                Args::new(a, k).exact("__reduce__", 1)?;
                Ok(reduce_ex(expect_time(&a[0], "__reduce__")?, 2))
            }),
        ],
        &[
            GetSetDef::new("hour", |o| getter(o, 0), None),
            GetSetDef::new("minute", |o| getter(o, 1), None),
            GetSetDef::new("second", |o| getter(o, 2), None),
            GetSetDef::new("microsecond", |o| getter(o, 3), None),
            GetSetDef::new("fold", |o| getter(o, 4), None),
            GetSetDef::new(
                "tzinfo",
                |o| Ok(tzinfo_obj(expect_time(o, "tzinfo")?)),
                None,
            ),
        ],
    );
    let d = TIME_TYPE.dict();
    dict::set_item_str(
        d,
        "__doc__",
        pystr::new("time([hour[, minute[, second[, microsecond[, tzinfo]]]]]) --> a time object\n\nAll arguments are optional. tzinfo may be None, or an instance of\na tzinfo subclass. The remaining arguments may be ints.\n"),
    );
    dict::set_item_str(d, "min", super::alloc_dt(&TIME_TYPE, Dt::default(), None));
    dict::set_item_str(
        d,
        "max",
        super::alloc_dt(&TIME_TYPE, clock(23, 59, 59, 999_999, 0), None),
    );
    dict::set_item_str(d, "resolution", timedelta::from_us(1).expect("in range"));
}
