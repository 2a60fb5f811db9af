//! The `resource` module (CPython's Modules/resource.c): `getrlimit`, `setrlimit`,
//! `prlimit`, `getrusage` (the `resource.struct_rusage` struct sequence),
//! `getpagesize`, the `RLIMIT_*`/`RUSAGE_*` constants, `RLIM_INFINITY` (-1, as
//! CPython shows it) and `error` (an alias of `OSError`).

use strand_objects::abstract_ as ab;
use strand_objects::args::Args;
use strand_objects::exceptions::{self as exc, value_error};
use strand_objects::{dict, float, int, module, tuple, PyObj, PyResult};

use crate::modsupport::{add_int, Leaked};
use strand_interp::native_module::add_functions;

fn struct_rusage() -> PyObj {
    static T: Leaked = Leaked::new();
    T.get_or_init(|| {
        strand_objects::structseq::new_type(
            "resource",
            "struct_rusage",
            &[
                "ru_utime",
                "ru_stime",
                "ru_maxrss",
                "ru_ixrss",
                "ru_idrss",
                "ru_isrss",
                "ru_minflt",
                "ru_majflt",
                "ru_nswap",
                "ru_inblock",
                "ru_oublock",
                "ru_msgsnd",
                "ru_msgrcv",
                "ru_nsignals",
                "ru_nvcsw",
                "ru_nivcsw",
            ],
        )
        .expect("struct_rusage has valid field names")
    })
}

const RLIMITS: &[(&str, i64)] = &[
    ("RLIMIT_CPU", libc::RLIMIT_CPU as i64),
    ("RLIMIT_FSIZE", libc::RLIMIT_FSIZE as i64),
    ("RLIMIT_DATA", libc::RLIMIT_DATA as i64),
    ("RLIMIT_STACK", libc::RLIMIT_STACK as i64),
    ("RLIMIT_CORE", libc::RLIMIT_CORE as i64),
    ("RLIMIT_RSS", libc::RLIMIT_RSS as i64),
    ("RLIMIT_NPROC", libc::RLIMIT_NPROC as i64),
    ("RLIMIT_NOFILE", libc::RLIMIT_NOFILE as i64),
    ("RLIMIT_OFILE", libc::RLIMIT_NOFILE as i64),
    ("RLIMIT_MEMLOCK", libc::RLIMIT_MEMLOCK as i64),
    ("RLIMIT_AS", libc::RLIMIT_AS as i64),
    ("RLIMIT_MSGQUEUE", libc::RLIMIT_MSGQUEUE as i64),
    ("RLIMIT_NICE", libc::RLIMIT_NICE as i64),
    ("RLIMIT_RTPRIO", libc::RLIMIT_RTPRIO as i64),
    ("RLIMIT_RTTIME", libc::RLIMIT_RTTIME as i64),
    ("RLIMIT_SIGPENDING", libc::RLIMIT_SIGPENDING as i64),
];

/// Linux's `RLIM_NLIMITS` (`RLIMIT_RTTIME` + 1), which CPython checks against.
const RLIM_NLIMITS: isize = 16;

fn resource_arg(o: &PyObj) -> PyResult<i32> {
    let v = int::to_isize(&ab::index(o)?)?;
    if !(0..RLIM_NLIMITS).contains(&v) {
        return Err(value_error("invalid resource specified"));
    }
    Ok(v as i32)
}

fn limit_to_py(v: libc::rlim_t) -> PyObj {
    if v == libc::RLIM_INFINITY {
        int::from_i64(-1)
    } else {
        int::from_i128(i128::from(v))
    }
}

fn limit_from_py(o: &PyObj) -> PyResult<libc::rlim_t> {
    let i = ab::index(o)?;
    let v = int::to_bigint(&i);
    match i64::try_from(&v) {
        Ok(-1) => Ok(libc::RLIM_INFINITY),
        Ok(x) if x >= 0 => Ok(x as libc::rlim_t),
        Ok(_) => Err(value_error("current limit exceeds maximum limit")),
        Err(_) => u64::try_from(&v)
            .map(|x| x as libc::rlim_t)
            .map_err(|_| exc::overflow_error("Python int too large to convert to C long")),
    }
}

fn limits_from_py(o: &PyObj) -> PyResult<libc::rlimit> {
    let items = ab::collect_iter(o)?;
    if items.len() != 2 {
        return Err(value_error("expected a tuple of 2 integers"));
    }
    Ok(libc::rlimit {
        rlim_cur: limit_from_py(&items[0])?,
        rlim_max: limit_from_py(&items[1])?,
    })
}

fn os_error() -> strand_objects::PyErr {
    exc::from_io_error(&std::io::Error::last_os_error(), None)
}

fn getrlimit(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    Args::new(a, k).expect_fn("getrlimit", 1, 1)?;
    let r = resource_arg(&a[0])?;
    let mut lim = libc::rlimit {
        rlim_cur: 0,
        rlim_max: 0,
    };
    // SAFETY: `lim` is a valid out-parameter.
    if unsafe { libc::getrlimit(r as _, &mut lim) } != 0 {
        return Err(os_error());
    }
    Ok(tuple::pair(
        limit_to_py(lim.rlim_cur),
        limit_to_py(lim.rlim_max),
    ))
}

fn set_error() -> strand_objects::PyErr {
    let e = std::io::Error::last_os_error();
    match e.raw_os_error() {
        Some(libc::EINVAL) => value_error("current limit exceeds maximum limit"),
        Some(libc::EPERM) => value_error("not allowed to raise maximum limit"),
        _ => exc::from_io_error(&e, None),
    }
}

fn setrlimit(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    Args::new(a, k).expect_fn("setrlimit", 2, 2)?;
    let r = resource_arg(&a[0])?;
    let lim = limits_from_py(&a[1])?;
    // SAFETY: `lim` is a valid rlimit.
    if unsafe { libc::setrlimit(r as _, &lim) } != 0 {
        return Err(set_error());
    }
    Ok(strand_objects::singletons::none())
}

fn prlimit(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    Args::new(a, k).expect_fn("prlimit", 2, 3)?;
    let pid = int::to_isize(&ab::index(&a[0])?)? as libc::pid_t;
    let r = resource_arg(&a[1])?;
    let new = a.get(2).map(limits_from_py).transpose()?;
    let mut old = libc::rlimit {
        rlim_cur: 0,
        rlim_max: 0,
    };
    let newp = new
        .as_ref()
        .map_or(std::ptr::null(), |n| n as *const libc::rlimit);
    // SAFETY: `newp` is null or a valid rlimit; `old` a valid out-parameter.
    if unsafe { libc::prlimit(pid, r as _, newp, &mut old) } != 0 {
        return Err(if new.is_some() {
            set_error()
        } else {
            os_error()
        });
    }
    Ok(tuple::pair(
        limit_to_py(old.rlim_cur),
        limit_to_py(old.rlim_max),
    ))
}

fn getrusage(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    Args::new(a, k).expect_fn("getrusage", 1, 1)?;
    let who = int::to_isize(&ab::index(&a[0])?)?;
    // SAFETY: `rusage` is plain old data; all zero is valid before the call.
    let mut ru: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: `ru` is a valid out-parameter.
    if unsafe { libc::getrusage(who as _, &mut ru) } != 0 {
        return Err(value_error("invalid who parameter"));
    }
    let t = |tv: libc::timeval| float::from_f64(tv.tv_sec as f64 + tv.tv_usec as f64 * 1e-6);
    let i = |v: libc::c_long| int::from_i64(v);
    strand_objects::structseq::new_instance(
        &struct_rusage(),
        vec![
            t(ru.ru_utime),
            t(ru.ru_stime),
            i(ru.ru_maxrss),
            i(ru.ru_ixrss),
            i(ru.ru_idrss),
            i(ru.ru_isrss),
            i(ru.ru_minflt),
            i(ru.ru_majflt),
            i(ru.ru_nswap),
            i(ru.ru_inblock),
            i(ru.ru_oublock),
            i(ru.ru_msgsnd),
            i(ru.ru_msgrcv),
            i(ru.ru_nsignals),
            i(ru.ru_nvcsw),
            i(ru.ru_nivcsw),
        ],
    )
}

fn getpagesize(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    Args::new(a, k).expect_fn("getpagesize", 0, 0)?;
    // SAFETY: sysconf has no preconditions.
    Ok(int::from_i64(i64::from(
        unsafe { libc::sysconf(libc::_SC_PAGESIZE) } as i32,
    )))
}

/// The `resource` module.
pub fn make_module() -> PyObj {
    let m = module::new_native_module("resource");
    add_functions(
        &m,
        "resource",
        &[
            ("getrlimit", getrlimit),
            ("setrlimit", setrlimit),
            ("prlimit", prlimit),
            ("getrusage", getrusage),
            ("getpagesize", getpagesize),
        ],
    );
    let d = module::module_dict(&m);
    for &(name, v) in RLIMITS {
        add_int(&d, name, v);
    }
    add_int(&d, "RUSAGE_SELF", i64::from(libc::RUSAGE_SELF));
    add_int(&d, "RUSAGE_CHILDREN", i64::from(libc::RUSAGE_CHILDREN));
    add_int(&d, "RUSAGE_THREAD", i64::from(libc::RUSAGE_THREAD));
    add_int(&d, "RLIM_INFINITY", -1);
    dict::set_item_str(&d, "error", exc::OS_ERROR_TYPE.to_obj());
    dict::set_item_str(&d, "struct_rusage", struct_rusage());
    m
}
