//! `datetime.tzinfo` (the abstract base of time zones: its `utcoffset`, `dst` and
//! `tzname` raise `NotImplementedError`, its `fromutc` is the generic algorithm of
//! CPython's `tzinfo_fromutc`) and `datetime.timezone` (a fixed offset strictly
//! inside ±24 hours with an optional name; `timezone.utc` is a singleton that
//! `timezone(timedelta(0))` returns).
//!
//! Also the checked calls of a tzinfo's methods that `time` and `datetime` make
//! (CPython's `call_utcoffset`, `call_dst`, `call_tzname`): results must be `None`
//! or a timedelta strictly inside ±24 hours (a str for `tzname`).

use strand_heap::{HeapKind, ObjPtr, ObjectHeader};
use strand_objects::abstract_ as ab;
use strand_objects::args::Args;
use strand_objects::descr::MethodDef;
use strand_objects::exceptions::{not_implemented_error, type_error, value_error};
use strand_objects::once_obj::OnceObj;
use strand_objects::typeobj::{CompareOp, Slots, TypeFlags};
use strand_objects::{dict, singletons, str as pystr, tuple, PyObj, PyResult};

use super::timedelta::{self, parts, total_us};
use super::{is_datetime, is_delta};
use crate::modsupport::Fields;

/// The layout of `datetime.tzinfo` (its subclasses extend it).
#[repr(C)]
pub struct PyTzInfo {
    header: ObjectHeader,
}

unsafe fn tzinfo_dealloc(obj: ObjPtr) {
    // SAFETY: count zero, exclusive; no fields.
    unsafe {
        strand_objects::weakref::clear_weakrefs_on_dealloc(obj);
        strand_objects::heaptype::dealloc_instance_memory(obj);
    }
}

strand_objects::builtin_type! {
    /// `datetime.tzinfo`.
    pub static TZINFO_TYPE = {
        name: "datetime.tzinfo",
        layout: PyTzInfo,
        itemsize: 0,
        kind: HeapKind::Gc,
        flags: TypeFlags::BASETYPE,
        traverse: Some(|_, _| {}),
        clear: None,
        dealloc: tzinfo_dealloc,
        size: None,
        slots: Slots {
            new: Some(tzinfo_new),
            ..Slots::EMPTY
        },
    }
}

fn tzinfo_new(cls: &PyObj, _a: &[PyObj], _k: Option<&PyObj>) -> PyResult<PyObj> {
    let ty = super::cls_type(cls)?;
    let obj = strand_objects::alloc::alloc_instance(ty, ty.basicsize());
    // SAFETY: a fresh allocation; the base layout has no fields, the subclass's
    // slots are zeroed before it is finished.
    unsafe {
        strand_objects::heaptype::init_slots_region(ty, &obj);
        strand_objects::alloc::finish_instance(ty, &obj);
    }
    Ok(obj)
}

fn abstract_method(name: &'static str) -> impl Fn(&[PyObj], Option<&PyObj>) -> PyResult<PyObj> {
    move |a, k| {
        Args::new(a, k).exact(name, 2)?;
        Err(not_implemented_error(format!(
            "a tzinfo subclass must implement {name}()"
        )))
    }
}

/// The generic `tzinfo.fromutc(dt)` (CPython's `tzinfo_fromutc`).
fn tzinfo_fromutc(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    Args::new(a, k).exact("fromutc", 2)?;
    let (this, dt) = (&a[0], &a[1]);
    if !is_datetime(dt) {
        return Err(type_error("fromutc: argument must be a datetime"));
    }
    if !super::tzinfo_obj(dt).is(this) {
        return Err(value_error("fromutc: dt.tzinfo is not self"));
    }
    let off = call_utcoffset(this, dt)?;
    let Some(off) = off else {
        return Err(value_error("fromutc: non-None utcoffset() result required"));
    };
    let Some(dst) = call_dst(this, dt)? else {
        return Err(value_error("fromutc: non-None dst() result required"));
    };
    let result = super::datetime::add_delta(dt, total_us(&off) - total_us(&dst))?;
    let Some(dst) = call_dst(this, &result)? else {
        return Err(value_error(
            "fromutc: tz.dst() gave inconsistent results; cannot convert",
        ));
    };
    let d = total_us(&dst);
    if d != 0 {
        return super::datetime::add_delta(&result, d);
    }
    Ok(result)
}

/// `tzinfo.__reduce__`: `(type(self), self.__getinitargs__() or (), state)`.
fn tzinfo_reduce(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    Args::new(a, k).exact("__reduce__", 1)?;
    let o = &a[0];
    let args = match ab::getattr_opt(o, &pystr::intern("__getinitargs__"))? {
        Some(f) => ab::call0(&f)?,
        None => tuple::empty(),
    };
    let state = ab::call_method(o, "__getstate__", &[])?;
    Ok(tuple::from_vec(vec![o.ty().to_obj(), args, state]))
}

// ---------------------------------------------------------------------------------
// Checked calls of a tzinfo's methods
// ---------------------------------------------------------------------------------

/// Whether a timedelta offset lies strictly inside ±24 hours.
fn offset_in_range(o: &PyObj) -> bool {
    let (d, s, us) = parts(o);
    !((d == -1 && s == 0 && us < 1) || !(-1..1).contains(&d))
}

fn call_offset_method(tz: &PyObj, name: &str, arg: &PyObj) -> PyResult<Option<PyObj>> {
    if singletons::is_none(tz) {
        return Ok(None);
    }
    let r = ab::call_method(tz, name, std::slice::from_ref(arg))?;
    if singletons::is_none(&r) {
        return Ok(None);
    }
    if !is_delta(&r) {
        return Err(type_error(format!(
            "tzinfo.{name}() must return None or timedelta, not '{}'",
            r.ty().name()
        )));
    }
    if !offset_in_range(&r) {
        return Err(value_error(
            "offset must be a timedelta strictly between -timedelta(hours=24) and timedelta(hours=24).",
        ));
    }
    Ok(Some(r))
}

/// `tz.utcoffset(arg)`, checked (`None` for a `None` tz).
pub fn call_utcoffset(tz: &PyObj, arg: &PyObj) -> PyResult<Option<PyObj>> {
    call_offset_method(tz, "utcoffset", arg)
}

/// `tz.dst(arg)`, checked (`None` for a `None` tz).
pub fn call_dst(tz: &PyObj, arg: &PyObj) -> PyResult<Option<PyObj>> {
    call_offset_method(tz, "dst", arg)
}

/// `tz.tzname(arg)`, checked to be `None` or a str.
pub fn call_tzname(tz: &PyObj, arg: &PyObj) -> PyResult<PyObj> {
    if singletons::is_none(tz) {
        return Ok(singletons::none());
    }
    let r = ab::call_method(tz, "tzname", std::slice::from_ref(arg))?;
    if !singletons::is_none(&r) && !pystr::is_str(&r) {
        return Err(type_error(format!(
            "tzinfo.tzname() must return None or a string, not '{}'",
            r.ty().name()
        )));
    }
    Ok(r)
}

// ---------------------------------------------------------------------------------
// timezone
// ---------------------------------------------------------------------------------

/// What a timezone holds: its offset (a timedelta) and optional name (a str).
struct TzFields {
    offset: PyObj,
    name: Option<PyObj>,
}

/// The layout of `datetime.timezone` (extends [`PyTzInfo`]).
#[repr(C)]
pub struct PyTimezone {
    base: PyTzInfo,
    fields: Fields<TzFields>,
}

unsafe fn tz_traverse(obj: ObjPtr, visit: &mut dyn FnMut(ObjPtr)) {
    // SAFETY: installed on PyTimezone; the world is stopped.
    let t = unsafe { &*(obj.as_ptr() as *const PyTimezone) };
    if let Some(f) = t.fields.get() {
        visit(f.offset.as_ptr());
        if let Some(n) = &f.name {
            visit(n.as_ptr());
        }
    }
}

unsafe fn tz_clear(obj: ObjPtr) {
    // SAFETY: installed on PyTimezone; unreachable when cleared.
    let t = unsafe { &*(obj.as_ptr() as *const PyTimezone) };
    // SAFETY: as above.
    drop(unsafe { t.fields.take() });
}

unsafe fn tz_dealloc(obj: ObjPtr) {
    // SAFETY: count zero, exclusive; fields initialised by `new_timezone_raw`.
    unsafe {
        strand_objects::weakref::clear_weakrefs_on_dealloc(obj);
        let p = obj.as_ptr() as *mut PyTimezone;
        std::ptr::drop_in_place(std::ptr::addr_of_mut!((*p).fields));
        strand_objects::heaptype::dealloc_instance_memory(obj);
    }
}

strand_objects::builtin_type! {
    /// `datetime.timezone`.
    pub static TIMEZONE_TYPE = {
        name: "datetime.timezone",
        layout: PyTimezone,
        itemsize: 0,
        kind: HeapKind::Gc,
        flags: TypeFlags::empty(),
        traverse: Some(tz_traverse),
        clear: Some(tz_clear),
        dealloc: tz_dealloc,
        size: None,
        slots: Slots {
            new: Some(timezone_new),
            repr: Some(timezone_repr),
            str: Some(timezone_name),
            hash: Some(|o| ab::hash(&tzf(o)?.offset)),
            richcompare: Some(timezone_richcompare),
            ..Slots::EMPTY
        },
    }
}

static UTC: OnceObj = OnceObj::new();

fn new_timezone_raw(offset: PyObj, name: Option<PyObj>) -> PyObj {
    let ty = &TIMEZONE_TYPE;
    let obj = strand_objects::alloc::alloc_instance(ty, ty.basicsize());
    // SAFETY: a fresh allocation with the PyTimezone layout, written before it is
    // finished.
    unsafe {
        let p = obj.as_ptr().as_ptr() as *mut PyTimezone;
        std::ptr::addr_of_mut!((*p).fields).write(Fields::new(TzFields { offset, name }));
        strand_objects::alloc::finish_instance(ty, &obj);
    }
    obj
}

/// `timezone.utc`.
pub fn utc() -> PyObj {
    UTC.get_or_init(|| new_timezone_raw(timedelta::from_us(0).expect("zero is in range"), None))
}

/// `timezone(offset, name)` (CPython's `new_timezone`): the UTC singleton for a
/// zero offset without a name; `ValueError` for an offset outside ±24 hours.
pub fn new_timezone(offset: &PyObj, name: Option<PyObj>) -> PyResult<PyObj> {
    if name.is_none() && total_us(offset) == 0 {
        return Ok(utc());
    }
    if !offset_in_range(offset) {
        return Err(value_error(format!(
            "offset must be a timedelta strictly between -timedelta(hours=24) and timedelta(hours=24), not {}.",
            ab::repr_string(offset)?
        )));
    }
    let offset = if offset.is_exact(&timedelta::DELTA_TYPE) {
        offset.clone()
    } else {
        timedelta::from_us(total_us(offset))?
    };
    Ok(new_timezone_raw(offset, name))
}

fn timezone_new(_cls: &PyObj, a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    let v = Args::new(a, k).bind("timezone", 0, &["offset", "name"], 1)?;
    let offset = v[0].expect("required");
    if !is_delta(offset) {
        return Err(type_error(format!(
            "timezone() argument 1 must be datetime.timedelta, not {}",
            offset.ty().name()
        )));
    }
    let name = match v[1] {
        Some(n) if pystr::is_str(n) => Some(n.clone()),
        Some(n) => {
            return Err(type_error(format!(
                "timezone() argument 2 must be str, not {}",
                n.ty().name()
            )))
        }
        None => None,
    };
    new_timezone(offset, name)
}

fn tzf(o: &PyObj) -> PyResult<&TzFields> {
    if !o.is_instance_of(&TIMEZONE_TYPE) {
        return Err(type_error(format!(
            "descriptor for 'datetime.timezone' objects doesn't apply to a '{}' object",
            o.ty().name()
        )));
    }
    // SAFETY: checked to be a timezone (not subclassable).
    let t = unsafe { o.payload_unchecked::<PyTimezone>() };
    t.fields.get().ok_or_else(|| {
        strand_objects::exceptions::runtime_error("timezone used after it was cleared")
    })
}

/// `UTC±HH:MM[:SS[.ffffff]]` for an offset of `total` microseconds ("UTC" for 0).
fn utc_name(total: i128) -> String {
    if total == 0 {
        return "UTC".to_string();
    }
    format!("UTC{}", format_offset(total, ":"))
}

/// `±HH<sep>MM[<sep>SS[.ffffff]]` of an offset in microseconds.
pub fn format_offset(total: i128, sep: &str) -> String {
    let sign = if total < 0 { '-' } else { '+' };
    let t = total.abs();
    let us = t % 1_000_000;
    let secs = t / 1_000_000;
    let (h, m, s) = (secs / 3600, secs / 60 % 60, secs % 60);
    let mut out = format!("{sign}{h:02}{sep}{m:02}");
    if us != 0 {
        out.push_str(&format!("{sep}{s:02}.{us:06}"));
    } else if s != 0 {
        out.push_str(&format!("{sep}{s:02}"));
    }
    out
}

fn timezone_name(o: &PyObj) -> PyResult<PyObj> {
    let f = tzf(o)?;
    if let Some(n) = &f.name {
        return Ok(n.clone());
    }
    Ok(pystr::from_string(utc_name(total_us(&f.offset))))
}

fn timezone_repr(o: &PyObj) -> PyResult<PyObj> {
    if o.is(&utc()) {
        return Ok(pystr::new("datetime.timezone.utc"));
    }
    let f = tzf(o)?;
    let off = ab::repr_string(&f.offset)?;
    Ok(pystr::from_string(match &f.name {
        None => format!("{}({off})", super::type_name(o)),
        Some(n) => format!("{}({off}, {})", super::type_name(o), ab::repr_string(n)?),
    }))
}

fn timezone_richcompare(a: &PyObj, b: &PyObj, op: CompareOp) -> PyResult<PyObj> {
    if !matches!(op, CompareOp::Eq | CompareOp::Ne) || !b.is_instance_of(&TIMEZONE_TYPE) {
        return Ok(singletons::not_implemented());
    }
    let same = total_us(&tzf(a)?.offset) == total_us(&tzf(b)?.offset);
    Ok(singletons::bool_obj(same == matches!(op, CompareOp::Eq)))
}

/// CPython's `_timezone_check_argument`: `dt` must be a datetime or None.
fn check_dt_arg(dt: &PyObj, meth: &str) -> PyResult<()> {
    if singletons::is_none(dt) || is_datetime(dt) {
        return Ok(());
    }
    Err(type_error(format!(
        "{meth}(dt) argument must be a datetime instance or None, not {}",
        dt.ty().name()
    )))
}

fn tz_tzname(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    Args::new(a, k).exact("tzname", 2)?;
    check_dt_arg(&a[1], "tzname")?;
    timezone_name(&a[0])
}

fn tz_utcoffset(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    Args::new(a, k).exact("utcoffset", 2)?;
    check_dt_arg(&a[1], "utcoffset")?;
    Ok(tzf(&a[0])?.offset.clone())
}

fn tz_dst(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    Args::new(a, k).exact("dst", 2)?;
    check_dt_arg(&a[1], "dst")?;
    tzf(&a[0])?;
    Ok(singletons::none())
}

fn tz_fromutc(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    Args::new(a, k).exact("fromutc", 2)?;
    let f = tzf(&a[0])?;
    let dt = &a[1];
    if !is_datetime(dt) {
        return Err(type_error("fromutc: argument must be a datetime"));
    }
    if !super::tzinfo_obj(dt).is(&a[0]) {
        return Err(value_error("fromutc: dt.tzinfo is not self"));
    }
    super::datetime::add_delta(dt, total_us(&f.offset))
}

fn tz_getinitargs(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    Args::new(a, k).exact("__getinitargs__", 1)?;
    let f = tzf(&a[0])?;
    Ok(match &f.name {
        None => tuple::from_vec(vec![f.offset.clone()]),
        Some(n) => tuple::pair(f.offset.clone(), n.clone()),
    })
}

pub(super) fn ready() {
    TZINFO_TYPE.ready_static(
        Some(&strand_objects::baseobject::OBJECT_TYPE),
        &[
            MethodDef::new("tzname", |a, k| abstract_method("tzname")(a, k)),
            MethodDef::new("utcoffset", |a, k| abstract_method("utcoffset")(a, k)),
            MethodDef::new("dst", |a, k| abstract_method("dst")(a, k)),
            MethodDef::new("fromutc", tzinfo_fromutc),
            MethodDef::new("__reduce__", tzinfo_reduce),
        ],
        &[],
    );
    dict::set_item_str(
        TZINFO_TYPE.dict(),
        "__doc__",
        pystr::new("Abstract base class for time zone info objects."),
    );
    TIMEZONE_TYPE.ready_static(
        Some(&TZINFO_TYPE),
        &[
            MethodDef::new("tzname", tz_tzname),
            MethodDef::new("utcoffset", tz_utcoffset),
            MethodDef::new("dst", tz_dst),
            MethodDef::new("fromutc", tz_fromutc),
            MethodDef::new("__getinitargs__", tz_getinitargs),
        ],
        &[],
    );
    dict::set_item_str(
        TIMEZONE_TYPE.dict(),
        "__doc__",
        pystr::new("Fixed offset from UTC implementation of tzinfo."),
    );
}

/// Sets `timezone.utc`, `timezone.min` and `timezone.max` (after `timedelta` is
/// ready).
pub(super) fn ready_constants() {
    let d = TIMEZONE_TYPE.dict();
    dict::set_item_str(d, "utc", utc());
    let span = (23 * 3600 + 59 * 60) * 1_000_000i128;
    let min = new_timezone_raw(timedelta::from_us(-span).expect("in range"), None);
    let max = new_timezone_raw(timedelta::from_us(span).expect("in range"), None);
    dict::set_item_str(d, "min", min);
    dict::set_item_str(d, "max", max);
}
