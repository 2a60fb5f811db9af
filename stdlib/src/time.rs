//! The `time` module (Modules/timemodule.c's behaviour): clocks, `sleep` (which
//! detaches the thread so a stop-the-world never waits for a sleeper, and which SIGINT
//! interrupts on the main thread), and calendar
//! conversions through the C library (`gmtime_r`, `localtime_r`, `mktime`,
//! `strftime`), as CPython does, so that the local time zone and `strftime`'s
//! directives behave the same. `struct_time` is a struct sequence.

use std::sync::OnceLock;

use strand_objects::abstract_ as ab;
use strand_objects::args::Args;
use strand_objects::exceptions::{self as exc, type_error, value_error};
use strand_objects::{float, int, module, singletons, str as pystr, tuple, PyObj, PyResult};

use strand_interp::native_module::add_functions;

fn monotonic() -> std::time::Duration {
    static START: OnceLock<std::time::Instant> = OnceLock::new();
    START.get_or_init(std::time::Instant::now).elapsed()
}

fn wall() -> std::time::Duration {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap_or_default()
}

/// CPU time of the process or of the calling thread.
fn cpu_time(clock: libc::clockid_t) -> f64 {
    let mut ts = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: `ts` is a valid, writable timespec; the clock ids are constants.
    let rc = unsafe { libc::clock_gettime(clock, &mut ts) };
    if rc != 0 {
        return 0.0;
    }
    ts.tv_sec as f64 + ts.tv_nsec as f64 * 1e-9
}

static STRUCT_TIME: OnceLock<usize> = OnceLock::new();

/// The `time.struct_time` class (created once, kept for the process).
fn struct_time_type() -> PyObj {
    let addr = *STRUCT_TIME.get_or_init(|| {
        let ty = strand_objects::structseq::new_type_with_extras(
            "time",
            "struct_time",
            &[
                "tm_year", "tm_mon", "tm_mday", "tm_hour", "tm_min", "tm_sec", "tm_wday",
                "tm_yday", "tm_isdst",
            ],
            &["tm_zone", "tm_gmtoff"],
        )
        .expect("struct_time has valid field names");
        let a = ty.addr();
        std::mem::forget(ty);
        a
    });
    // SAFETY: leaked above; the class lives for the process.
    unsafe {
        PyObj::from_borrowed(
            strand_heap::ObjPtr::from_raw(addr as *mut strand_heap::ObjectHeader)
                .expect("non-null"),
        )
    }
}

fn empty_tm() -> libc::tm {
    // SAFETY: `tm` is plain old data (ints, a long and a nullable pointer); all zero is
    // a valid value.
    unsafe { std::mem::zeroed() }
}

fn tm_to_struct_time(tm: &libc::tm) -> PyResult<PyObj> {
    let v = |x: i64| int::from_i64(x);
    let zone = if tm.tm_zone.is_null() {
        singletons::none()
    } else {
        // SAFETY: the C library sets tm_zone to a NUL-terminated static string.
        let z = unsafe { std::ffi::CStr::from_ptr(tm.tm_zone) };
        pystr::new(&z.to_string_lossy())
    };
    strand_objects::structseq::new_instance_with_extras(
        &struct_time_type(),
        vec![
            v(i64::from(tm.tm_year) + 1900),
            v(i64::from(tm.tm_mon) + 1),
            v(i64::from(tm.tm_mday)),
            v(i64::from(tm.tm_hour)),
            v(i64::from(tm.tm_min)),
            v(i64::from(tm.tm_sec)),
            v((i64::from(tm.tm_wday) + 6) % 7),
            v(i64::from(tm.tm_yday) + 1),
            v(i64::from(tm.tm_isdst)),
        ],
        vec![("tm_zone", zone), ("tm_gmtoff", v(tm.tm_gmtoff))],
    )
}

/// The seconds argument of `gmtime`/`localtime`/`ctime` (`None` or absent: now).
fn seconds_arg(a: &[PyObj], k: Option<&PyObj>, name: &str) -> PyResult<libc::time_t> {
    Args::new(a, k).expect_fn(name, 0, 1)?;
    match a.first().filter(|x| !singletons::is_none(x)) {
        None => Ok(wall().as_secs() as libc::time_t),
        Some(x) => {
            let f = if int::is_int(x) {
                return int::to_isize(x).map(|v| v as libc::time_t).map_err(|_| {
                    exc::overflow_error("timestamp out of range for platform time_t")
                });
            } else {
                ab::as_f64(x).map_err(|_| {
                    type_error(format!(
                        "'{}' object cannot be interpreted as an integer",
                        x.ty().name()
                    ))
                })?
            };
            if f.is_nan() {
                return Err(value_error("Invalid value NaN (not a number)"));
            }
            let t = f.trunc();
            if !(-9.2e18..9.2e18).contains(&t) {
                return Err(exc::overflow_error(
                    "timestamp out of range for platform time_t",
                ));
            }
            Ok(t as libc::time_t)
        }
    }
}

fn convert(t: libc::time_t, local: bool) -> PyResult<libc::tm> {
    let mut tm = empty_tm();
    // SAFETY: both pointers are valid for the call; the _r variants are thread-safe.
    let r = unsafe {
        if local {
            libc::localtime_r(&t, &mut tm)
        } else {
            libc::gmtime_r(&t, &mut tm)
        }
    };
    if r.is_null() {
        return Err(exc::overflow_error(
            "timestamp out of range for platform time_t",
        ));
    }
    Ok(tm)
}

/// A `struct_time` or 9-tuple as a C `tm` (CPython's `gettmarg` + `checktm`).
fn tm_arg(x: &PyObj, name: &str) -> PyResult<libc::tm> {
    if !tuple::is_tuple(x) {
        return Err(type_error("Tuple or struct_time argument required"));
    }
    let items = tuple::items(x);
    if items.len() != 9 {
        return Err(type_error(format!("{name}(): illegal time tuple argument")));
    }
    let mut v = [0i64; 9];
    for (slot, item) in v.iter_mut().zip(items) {
        if !int::is_int(item) {
            return Err(type_error(format!(
                "'{}' object cannot be interpreted as an integer",
                item.ty().name()
            )));
        }
        *slot = int::to_isize(item)? as i64;
    }
    let mut tm = empty_tm();
    tm.tm_year = (v[0] - 1900) as i32;
    tm.tm_mon = (v[1] - 1) as i32;
    tm.tm_mday = v[2] as i32;
    tm.tm_hour = v[3] as i32;
    tm.tm_min = v[4] as i32;
    tm.tm_sec = v[5] as i32;
    tm.tm_wday = ((v[6] + 1) % 7) as i32;
    tm.tm_yday = (v[7] - 1) as i32;
    tm.tm_isdst = v[8] as i32;
    Ok(tm)
}

/// `strftime`/`asctime` range checks (CPython's `checktm`, with its normalisation of
/// zero month/day/yday for strftime).
fn check_tm(tm: &mut libc::tm, for_strftime: bool) -> PyResult<()> {
    if for_strftime {
        if tm.tm_mon == -1 {
            tm.tm_mon = 0;
        }
        if tm.tm_mday == 0 {
            tm.tm_mday = 1;
        }
        if tm.tm_yday == -1 {
            tm.tm_yday = 0;
        }
    }
    if !(0..=11).contains(&tm.tm_mon) {
        return Err(value_error("month out of range"));
    }
    if !(1..=31).contains(&tm.tm_mday) {
        return Err(value_error("day of month out of range"));
    }
    if !(0..=23).contains(&tm.tm_hour) {
        return Err(value_error("hour out of range"));
    }
    if !(0..=59).contains(&tm.tm_min) {
        return Err(value_error("minute out of range"));
    }
    if !(0..=61).contains(&tm.tm_sec) {
        return Err(value_error("seconds out of range"));
    }
    if tm.tm_wday < 0 {
        return Err(value_error("day of week out of range"));
    }
    if !(0..=365).contains(&tm.tm_yday) {
        return Err(value_error("day of year out of range"));
    }
    Ok(())
}

/// `time.strptime(string, format="%a %b %d %H:%M:%S %Y")`: as in CPython, the
/// parsing is the pure-Python `_strptime` module's (`_strptime._strptime_time`);
/// this only checks the arguments and hands them over.
fn strptime(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    Args::new(a, k).expect_fn("strptime", 1, 2)?;
    let m = strand_interp::import::import(
        &pystr::new("_strptime"),
        &strand_objects::dict::new(),
        &strand_objects::tuple::empty(),
        &int::from_i64(0),
    )?;
    let f = strand_objects::abstract_::getattr_str(&m, "_strptime_time")?;
    strand_objects::abstract_::call(&f, a, None)
}

fn strftime(fmt: &str, tm: &libc::tm) -> PyResult<String> {
    if fmt.contains('\0') {
        return Err(value_error("embedded null character"));
    }
    let cfmt = std::ffi::CString::new(fmt).map_err(|_| value_error("embedded null character"))?;
    let mut cap = 256usize.max(fmt.len() * 4);
    loop {
        let mut buf = vec![0u8; cap];
        // SAFETY: `buf` has `cap` writable bytes, `cfmt` is NUL-terminated, `tm` valid.
        let n = unsafe { libc::strftime(buf.as_mut_ptr().cast(), cap, cfmt.as_ptr(), tm) };
        if n > 0 || fmt.is_empty() || cap > 256 * fmt.len() + 4096 {
            buf.truncate(n);
            return Ok(String::from_utf8_lossy(&buf).into_owned());
        }
        cap *= 4;
    }
}

fn asctime(tm: &libc::tm) -> String {
    const DAYS: [&str; 7] = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    format!(
        "{} {} {:2} {:02}:{:02}:{:02} {}",
        DAYS[tm.tm_wday.rem_euclid(7) as usize],
        MONTHS[tm.tm_mon.rem_euclid(12) as usize],
        tm.tm_mday,
        tm.tm_hour,
        tm.tm_min,
        tm.tm_sec,
        1900 + i64::from(tm.tm_year)
    )
}

/// `time.get_clock_info(name)`: a namespace of the clock's `implementation`,
/// `monotonic`, `adjustable` and `resolution` (from `clock_getres`), as CPython
/// reports the `clock_gettime` clocks it uses on Linux.
fn get_clock_info(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    Args::new(a, k).exact("get_clock_info", 1)?;
    if !strand_objects::str::is_str(&a[0]) {
        return Err(strand_objects::exceptions::type_error(format!(
            "get_clock_info() argument 1 must be str, not {}",
            a[0].ty().name()
        )));
    }
    let (clock, cname, monotonic, adjustable) = match strand_objects::str::as_str(&a[0]) {
        "time" => (libc::CLOCK_REALTIME, "CLOCK_REALTIME", false, true),
        "monotonic" | "perf_counter" => (libc::CLOCK_MONOTONIC, "CLOCK_MONOTONIC", true, false),
        "process_time" => (
            libc::CLOCK_PROCESS_CPUTIME_ID,
            "CLOCK_PROCESS_CPUTIME_ID",
            true,
            false,
        ),
        "thread_time" => (
            libc::CLOCK_THREAD_CPUTIME_ID,
            "CLOCK_THREAD_CPUTIME_ID",
            true,
            false,
        ),
        _ => return Err(strand_objects::exceptions::value_error("unknown clock")),
    };
    let mut ts = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: a timespec for the call to fill.
    let resolution = if unsafe { libc::clock_getres(clock, &mut ts) } == 0 {
        ts.tv_sec as f64 + ts.tv_nsec as f64 * 1e-9
    } else {
        1e-9
    };
    Ok(strand_objects::namespace::new(&[
        (
            "implementation",
            strand_objects::str::from_string(format!("clock_gettime({cname})")),
        ),
        ("monotonic", int::bool_obj(monotonic)),
        ("adjustable", int::bool_obj(adjustable)),
        ("resolution", float::from_f64(resolution)),
    ]))
}

extern "C" {
    /// POSIX `tzset(3)`: rereads `TZ` into the C library's time-zone state (not
    /// declared by the `libc` crate on Unix).
    fn tzset();
}

/// The `time` module object, kept so that `time.tzset()` can reset its attributes.
static MODULE: strand_objects::OnceObj = strand_objects::OnceObj::new();

/// The zone name (at most 9 bytes, as CPython's `get_zone` buffer keeps) and the
/// offset west of UTC in seconds of the local time at `t`.
fn zone_at(t: libc::time_t) -> PyResult<(String, i64)> {
    let tm = convert(t, true)?;
    let name = if tm.tm_zone.is_null() {
        String::new()
    } else {
        // SAFETY: the C library sets tm_zone to a NUL-terminated string that lives as
        // long as its time-zone state.
        let z = unsafe { std::ffi::CStr::from_ptr(tm.tm_zone) }.to_bytes();
        String::from_utf8_lossy(&z[..z.len().min(9)]).into_owned()
    };
    Ok((name, -tm.tm_gmtoff))
}

/// Sets `timezone`, `altzone`, `daylight` and `tzname` in the module's namespace from
/// the local time of (about) January 1st and July 1st of the current year, as
/// Modules/timemodule.c's `init_timezone` does on glibc: the zone with the larger
/// offset west is the standard one (so the southern hemisphere's summer in January
/// counts as daylight saving time). Calls `tzset(3)` first, so a changed `TZ` takes
/// effect. An offset beyond 48 hours raises `RuntimeError("invalid GMT offset")`.
fn init_timezone(d: &PyObj) -> PyResult<()> {
    const YEAR: libc::time_t = (365 * 24 + 6) * 3600;
    // SAFETY: tzset only rereads the environment into the C library's zone state.
    unsafe { tzset() };
    let jan_t = (wall().as_secs() as libc::time_t / YEAR) * YEAR;
    let (jan_name, jan) = zone_at(jan_t)?;
    let (jul_name, jul) = zone_at(jan_t + YEAR / 2)?;
    const MAX: i64 = 48 * 3600;
    if !(-MAX..=MAX).contains(&jan) || !(-MAX..=MAX).contains(&jul) {
        return Err(exc::runtime_error("invalid GMT offset"));
    }
    let (std_off, dst_off, std_name, dst_name) = if jan < jul {
        (jul, jan, jul_name, jan_name)
    } else {
        (jan, jul, jan_name, jul_name)
    };
    strand_objects::dict::set_item_str(d, "timezone", int::from_i64(std_off));
    strand_objects::dict::set_item_str(d, "altzone", int::from_i64(dst_off));
    strand_objects::dict::set_item_str(d, "daylight", int::from_i64(i64::from(jan != jul)));
    strand_objects::dict::set_item_str(
        d,
        "tzname",
        tuple::from_vec(vec![
            pystr::from_string(std_name),
            pystr::from_string(dst_name),
        ]),
    );
    Ok(())
}

/// `time.tzset()`: rereads `TZ` and recomputes the module's time-zone attributes.
fn tzset_fn(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    Args::new(a, k).no_kwargs("tzset")?;
    if !a.is_empty() {
        return Err(type_error(format!(
            "time.tzset() takes no arguments ({} given)",
            a.len()
        )));
    }
    if let Some(m) = MODULE.get() {
        init_timezone(&module::module_dict(&m))?;
    } else {
        // SAFETY: as in init_timezone.
        unsafe { tzset() };
    }
    Ok(singletons::none())
}

/// Builds the `time` module.
pub fn make_module() -> PyObj {
    let m = module::new_native_module("time");
    let d = module::module_dict(&m);
    let _ = MODULE.set(m.clone());
    if let Err(e) = init_timezone(&d) {
        // Only an absurd zone offset fails; the attributes are then left out.
        drop(e);
    }
    strand_objects::dict::set_item_str(&d, "struct_time", struct_time_type());
    // The number of fields of a struct_time, sequence and named (`_strptime` reads it).
    crate::modsupport::add_int(&d, "_STRUCT_TM_ITEMS", 11);
    add_functions(
        &m,
        "time",
        &[
            ("get_clock_info", get_clock_info),
            ("time", |a, k| {
                Args::new(a, k).exact("time", 0)?;
                Ok(float::from_f64(wall().as_secs_f64()))
            }),
            ("time_ns", |a, k| {
                Args::new(a, k).exact("time_ns", 0)?;
                Ok(int::from_i128(wall().as_nanos() as i128))
            }),
            ("perf_counter", |a, k| {
                Args::new(a, k).exact("perf_counter", 0)?;
                Ok(float::from_f64(monotonic().as_secs_f64()))
            }),
            ("perf_counter_ns", |a, k| {
                Args::new(a, k).exact("perf_counter_ns", 0)?;
                Ok(int::from_i128(monotonic().as_nanos() as i128))
            }),
            ("monotonic", |a, k| {
                Args::new(a, k).exact("monotonic", 0)?;
                Ok(float::from_f64(monotonic().as_secs_f64()))
            }),
            ("monotonic_ns", |a, k| {
                Args::new(a, k).exact("monotonic_ns", 0)?;
                Ok(int::from_i128(monotonic().as_nanos() as i128))
            }),
            ("process_time", |a, k| {
                Args::new(a, k).exact("process_time", 0)?;
                Ok(float::from_f64(cpu_time(libc::CLOCK_PROCESS_CPUTIME_ID)))
            }),
            ("thread_time", |a, k| {
                Args::new(a, k).exact("thread_time", 0)?;
                Ok(float::from_f64(cpu_time(libc::CLOCK_THREAD_CPUTIME_ID)))
            }),
            ("sleep", |a, k| {
                Args::new(a, k).exact("sleep", 1)?;
                let x = &a[0];
                if !int::is_int(x) && !x.is_instance_of(&float::FLOAT_TYPE) {
                    return Err(type_error(format!(
                        "'{}' object cannot be interpreted as an integer",
                        x.ty().name()
                    )));
                }
                let s = ab::as_f64(x)?;
                if s.is_nan() {
                    return Err(value_error("Invalid value NaN (not a number)"));
                }
                if s < 0.0 {
                    return Err(value_error("sleep length must be non-negative"));
                }
                if !s.is_finite() || s > 1e15 {
                    return Err(exc::overflow_error(
                        "timestamp too large to convert to C _PyTime_t",
                    ));
                }
                // Detached while asleep; the main thread wakes for SIGINT.
                strand_interp::signals::sleep(std::time::Duration::from_secs_f64(s))?;
                Ok(singletons::none())
            }),
            ("gmtime", |a, k| {
                let t = seconds_arg(a, k, "gmtime")?;
                tm_to_struct_time(&convert(t, false)?)
            }),
            ("localtime", |a, k| {
                let t = seconds_arg(a, k, "localtime")?;
                tm_to_struct_time(&convert(t, true)?)
            }),
            ("mktime", |a, k| {
                Args::new(a, k).exact("mktime", 1)?;
                let mut tm = tm_arg(&a[0], "mktime")?;
                tm.tm_wday = -1;
                // SAFETY: `tm` is a valid, writable tm.
                let t = unsafe { libc::mktime(&mut tm) };
                if t == -1 && tm.tm_wday == -1 {
                    return Err(exc::overflow_error("mktime argument out of range"));
                }
                Ok(float::from_f64(t as f64))
            }),
            ("strftime", |a, k| {
                Args::new(a, k).expect_fn("strftime", 1, 2)?;
                if !pystr::is_str(&a[0]) {
                    return Err(type_error(format!(
                        "strftime() argument 1 must be str, not {}",
                        a[0].ty().name()
                    )));
                }
                let mut tm = match a.get(1) {
                    Some(t) => tm_arg(t, "strftime")?,
                    None => convert(wall().as_secs() as libc::time_t, true)?,
                };
                check_tm(&mut tm, true)?;
                Ok(pystr::from_string(strftime(pystr::as_str(&a[0]), &tm)?))
            }),
            ("asctime", |a, k| {
                Args::new(a, k).expect_fn("asctime", 0, 1)?;
                let mut tm = match a.first() {
                    Some(t) => tm_arg(t, "asctime")?,
                    None => convert(wall().as_secs() as libc::time_t, true)?,
                };
                check_tm(&mut tm, false)?;
                Ok(pystr::from_string(asctime(&tm)))
            }),
            ("ctime", |a, k| {
                let t = seconds_arg(a, k, "ctime")?;
                Ok(pystr::from_string(asctime(&convert(t, true)?)))
            }),
            ("strptime", strptime),
            ("tzset", tzset_fn),
        ],
    );
    m
}
