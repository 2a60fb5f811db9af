//! The struct sequences of the `posix` module (CPython's posixmodule.c):
//! `stat_result`, `statvfs_result`, `terminal_size`, `times_result` and
//! `uname_result`.
//!
//! `stat_result` is CPython's odd one: ten sequence items whose last three are the
//! whole-second times (unnamed fields), and nine attributes outside the sequence,
//! where `st_atime` and friends are float seconds. Its repr names the ten items with
//! the names of the first ten *named* fields, so the integer times show as
//! `st_atime=...` (what CPython prints).

use strand_objects::abstract_ as ab;
use strand_objects::args::Args;
use strand_objects::descr::{new_method_descr, MethodDef};
use strand_objects::structseq;
use strand_objects::{dict, float, int, str as pystr, tuple, PyObj, PyResult};

use crate::modsupport::Leaked;

const STAT_SEQ: &[&str] = &[
    "st_mode", "st_ino", "st_dev", "st_nlink", "st_uid", "st_gid", "st_size",
];
/// The names the repr gives the ten sequence items.
const STAT_REPR: &[&str] = &[
    "st_mode", "st_ino", "st_dev", "st_nlink", "st_uid", "st_gid", "st_size", "st_atime",
    "st_mtime", "st_ctime",
];
const STAT_EXTRA: &[&str] = &[
    "st_atime",
    "st_mtime",
    "st_ctime",
    "st_atime_ns",
    "st_mtime_ns",
    "st_ctime_ns",
    "st_blksize",
    "st_blocks",
    "st_rdev",
];

fn stat_repr(args: &[PyObj], kw: Option<&PyObj>) -> PyResult<PyObj> {
    Args::new(args, kw).exact("__repr__", 1)?;
    let obj = &args[0];
    let mut s = String::from("os.stat_result(");
    for (i, (name, v)) in STAT_REPR.iter().zip(tuple::items(obj)).enumerate() {
        if i > 0 {
            s.push_str(", ");
        }
        s.push_str(name);
        s.push('=');
        s.push_str(&ab::repr_string(v)?);
    }
    s.push(')');
    Ok(pystr::from_string(s))
}

/// `os.stat_result`.
pub fn stat_result_type() -> PyObj {
    static T: Leaked = Leaked::new();
    T.get_or_init(|| {
        // The three integer times are sequence items without names of their own.
        let mut seq: Vec<&'static str> = STAT_SEQ.to_vec();
        seq.extend(["_st_atime_int", "_st_mtime_int", "_st_ctime_int"]);
        let ty = structseq::new_type_with_extras("os", "stat_result", &seq, STAT_EXTRA)
            .expect("stat_result has valid field names");
        let set = |name: &str, v: PyObj| {
            ab::setattr(&ty, &pystr::intern(name), &v).expect("stat_result is a heap class");
        };
        for n in ["_st_atime_int", "_st_mtime_int", "_st_ctime_int"] {
            ab::delattr(&ty, &pystr::intern(n)).expect("defined just above");
        }
        set(
            "__match_args__",
            tuple::from_vec(STAT_SEQ.iter().map(|n| pystr::intern(n)).collect()),
        );
        set("n_unnamed_fields", int::from_i64(3));
        set(
            "__repr__",
            new_method_descr(&tuple::TUPLE_TYPE, &MethodDef::new("__repr__", stat_repr)),
        );
        ty
    })
}

/// A `stat_result` from the C library's `struct stat`.
pub fn stat_result(st: &libc::stat) -> PyResult<PyObj> {
    let secs = |s: i64| int::from_i64(s);
    let fl = |s: i64, ns: i64| float::from_f64(s as f64 + ns as f64 * 1e-9);
    let ns = |s: i64, ns: i64| int::from_i128(i128::from(s) * 1_000_000_000 + i128::from(ns));
    let values = vec![
        int::from_i64(i64::from(st.st_mode)),
        int::from_i128(i128::from(st.st_ino)),
        int::from_i128(i128::from(st.st_dev)),
        int::from_i128(i128::from(st.st_nlink)),
        int::from_i64(i64::from(st.st_uid)),
        int::from_i64(i64::from(st.st_gid)),
        int::from_i64(st.st_size),
        secs(st.st_atime),
        secs(st.st_mtime),
        secs(st.st_ctime),
    ];
    let extras = vec![
        ("st_atime", fl(st.st_atime, st.st_atime_nsec)),
        ("st_mtime", fl(st.st_mtime, st.st_mtime_nsec)),
        ("st_ctime", fl(st.st_ctime, st.st_ctime_nsec)),
        ("st_atime_ns", ns(st.st_atime, st.st_atime_nsec)),
        ("st_mtime_ns", ns(st.st_mtime, st.st_mtime_nsec)),
        ("st_ctime_ns", ns(st.st_ctime, st.st_ctime_nsec)),
        ("st_blksize", int::from_i64(st.st_blksize)),
        ("st_blocks", int::from_i64(st.st_blocks)),
        ("st_rdev", int::from_i128(i128::from(st.st_rdev))),
    ];
    structseq::new_instance_with_extras(&stat_result_type(), values, extras)
}

fn statvfs_type() -> PyObj {
    static T: Leaked = Leaked::new();
    T.get_or_init(|| {
        structseq::new_type_with_extras(
            "os",
            "statvfs_result",
            &[
                "f_bsize",
                "f_frsize",
                "f_blocks",
                "f_bfree",
                "f_bavail",
                "f_files",
                "f_ffree",
                "f_favail",
                "f_flag",
                "f_namemax",
            ],
            &["f_fsid"],
        )
        .expect("valid field names")
    })
}

/// An `os.statvfs_result` from the C library's `struct statvfs`.
pub fn statvfs_result(st: &libc::statvfs) -> PyResult<PyObj> {
    let u = |v: u64| int::from_i128(i128::from(v));
    let values = vec![
        u(st.f_bsize),
        u(st.f_frsize),
        u(st.f_blocks),
        u(st.f_bfree),
        u(st.f_bavail),
        u(st.f_files),
        u(st.f_ffree),
        u(st.f_favail),
        u(st.f_flag),
        u(st.f_namemax),
    ];
    structseq::new_instance_with_extras(&statvfs_type(), values, vec![("f_fsid", u(st.f_fsid))])
}

fn simple(cell: &'static Leaked, name: &str, fields: &[&'static str]) -> PyObj {
    cell.get_or_init(|| structseq::new_type("os", name, fields).expect("valid field names"))
}

fn terminal_size_type() -> PyObj {
    static T: Leaked = Leaked::new();
    simple(&T, "terminal_size", &["columns", "lines"])
}

fn times_type() -> PyObj {
    static T: Leaked = Leaked::new();
    simple(
        &T,
        "times_result",
        &[
            "user",
            "system",
            "children_user",
            "children_system",
            "elapsed",
        ],
    )
}

fn uname_type() -> PyObj {
    static T: Leaked = Leaked::new();
    simple(
        &T,
        "uname_result",
        &["sysname", "nodename", "release", "version", "machine"],
    )
}

/// An `os.terminal_size(columns, lines)`.
pub fn terminal_size(columns: i64, lines: i64) -> PyResult<PyObj> {
    structseq::new_instance(
        &terminal_size_type(),
        vec![int::from_i64(columns), int::from_i64(lines)],
    )
}

/// An `os.times_result` of five float seconds.
pub fn times_result(values: Vec<PyObj>) -> PyResult<PyObj> {
    structseq::new_instance(&times_type(), values)
}

/// An `os.uname_result` of five strings.
pub fn uname_result(values: Vec<PyObj>) -> PyResult<PyObj> {
    structseq::new_instance(&uname_type(), values)
}

/// Adds the five types to the module dict `d`.
pub fn add_types(d: &PyObj) {
    dict::set_item_str(d, "stat_result", stat_result_type());
    dict::set_item_str(d, "statvfs_result", statvfs_type());
    dict::set_item_str(d, "terminal_size", terminal_size_type());
    dict::set_item_str(d, "times_result", times_type());
    dict::set_item_str(d, "uname_result", uname_type());
}
