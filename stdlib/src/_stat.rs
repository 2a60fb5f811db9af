//! The `_stat` module (CPython's Modules/_stat.c): the `S_IS*` tests, `S_IMODE`,
//! `S_IFMT`, `filemode` and the file-mode, flag and `ST_*` index constants that
//! `stat.py` imports. Door, event port and whiteout files do not exist on Linux:
//! their type bits are 0 and their tests always false, as in CPython.

use strand_objects::abstract_ as ab;
use strand_objects::args::Args;
use strand_objects::exceptions::{overflow_error, type_error};
use strand_objects::{int, module, str as pystr, PyObj, PyResult};

use crate::modsupport::add_int;
use strand_interp::native_module::add_functions;

const S_IFMT: u32 = 0o170000;
const S_IFDIR: u32 = 0o040000;
const S_IFCHR: u32 = 0o020000;
const S_IFBLK: u32 = 0o060000;
const S_IFREG: u32 = 0o100000;
const S_IFIFO: u32 = 0o010000;
const S_IFLNK: u32 = 0o120000;
const S_IFSOCK: u32 = 0o140000;

/// A mode argument (CPython's `_PyLong_AsMode_t`).
fn mode_arg(a: &[PyObj], k: Option<&PyObj>, fname: &str) -> PyResult<u32> {
    Args::new(a, k).no_kwargs(&format!("_stat.{fname}"))?;
    if a.len() != 1 {
        return Err(type_error(format!(
            "_stat.{fname}() takes exactly one argument ({} given)",
            a.len()
        )));
    }
    let o = &a[0];
    if !int::is_int(o) && o.ty().slots().number.index.is_none() {
        return Err(type_error("an integer is required"));
    }
    let i = ab::index(o)?;
    match int::value(&i) {
        int::Int::Small(v) if v < 0 => Err(overflow_error(
            "can't convert negative value to unsigned int",
        )),
        int::Int::Small(v) => u32::try_from(v).map_err(|_| overflow_error("mode out of range")),
        int::Int::Big(b) if b.sign() == num_bigint::Sign::Minus => Err(overflow_error(
            "can't convert negative value to unsigned int",
        )),
        int::Int::Big(_) => Err(overflow_error("mode out of range")),
    }
}

macro_rules! type_test {
    ($($fname:ident => $name:literal, $bits:expr;)*) => {$(
        fn $fname(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
            let m = mode_arg(a, k, $name)?;
            let bits: u32 = $bits;
            Ok(int::bool_obj(bits != 0 && m & S_IFMT == bits))
        }
    )*};
}

type_test! {
    s_isdir => "S_ISDIR", S_IFDIR;
    s_ischr => "S_ISCHR", S_IFCHR;
    s_isblk => "S_ISBLK", S_IFBLK;
    s_isreg => "S_ISREG", S_IFREG;
    s_isfifo => "S_ISFIFO", S_IFIFO;
    s_islnk => "S_ISLNK", S_IFLNK;
    s_issock => "S_ISSOCK", S_IFSOCK;
    s_isdoor => "S_ISDOOR", 0;
    s_isport => "S_ISPORT", 0;
    s_iswht => "S_ISWHT", 0;
}

fn s_imode(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    Ok(int::from_i64(i64::from(
        mode_arg(a, k, "S_IMODE")? & 0o7777,
    )))
}

fn s_ifmt(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    Ok(int::from_i64(i64::from(mode_arg(a, k, "S_IFMT")? & S_IFMT)))
}

/// `ls -l`'s rendering of a mode: `-rwxr-xr-x`.
pub fn filemode_string(m: u32) -> String {
    let mut s = String::with_capacity(10);
    s.push(match m & S_IFMT {
        S_IFLNK => 'l',
        S_IFSOCK => 's',
        S_IFREG => '-',
        S_IFIFO => 'p',
        S_IFBLK => 'b',
        S_IFDIR => 'd',
        S_IFCHR => 'c',
        _ => '?',
    });
    let triple = |s: &mut String, shift: u32, special: u32, set: char, unset: char| {
        let bits = (m >> shift) & 7;
        s.push(if bits & 4 != 0 { 'r' } else { '-' });
        s.push(if bits & 2 != 0 { 'w' } else { '-' });
        s.push(match (bits & 1 != 0, m & special != 0) {
            (true, true) => set,
            (false, true) => unset,
            (true, false) => 'x',
            (false, false) => '-',
        });
    };
    triple(&mut s, 6, 0o4000, 's', 'S');
    triple(&mut s, 3, 0o2000, 's', 'S');
    triple(&mut s, 0, 0o1000, 't', 'T');
    s
}

fn filemode(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    Ok(pystr::from_string(filemode_string(mode_arg(
        a, k, "filemode",
    )?)))
}

/// The `_stat` module.
pub fn make_module() -> PyObj {
    let m = module::new_native_module("_stat");
    add_functions(
        &m,
        "_stat",
        &[
            ("S_ISDIR", s_isdir),
            ("S_ISCHR", s_ischr),
            ("S_ISBLK", s_isblk),
            ("S_ISREG", s_isreg),
            ("S_ISFIFO", s_isfifo),
            ("S_ISLNK", s_islnk),
            ("S_ISSOCK", s_issock),
            ("S_ISDOOR", s_isdoor),
            ("S_ISPORT", s_isport),
            ("S_ISWHT", s_iswht),
            ("S_IMODE", s_imode),
            ("S_IFMT", s_ifmt),
            ("filemode", filemode),
        ],
    );
    let d = module::module_dict(&m);
    for (name, v) in [
        ("S_IFDIR", S_IFDIR),
        ("S_IFCHR", S_IFCHR),
        ("S_IFBLK", S_IFBLK),
        ("S_IFREG", S_IFREG),
        ("S_IFIFO", S_IFIFO),
        ("S_IFLNK", S_IFLNK),
        ("S_IFSOCK", S_IFSOCK),
        ("S_IFDOOR", 0),
        ("S_IFPORT", 0),
        ("S_IFWHT", 0),
        ("S_ISUID", 0o4000),
        ("S_ISGID", 0o2000),
        ("S_ISVTX", 0o1000),
        ("S_ENFMT", 0o2000),
        ("S_IREAD", 0o400),
        ("S_IWRITE", 0o200),
        ("S_IEXEC", 0o100),
        ("S_IRWXU", 0o700),
        ("S_IRUSR", 0o400),
        ("S_IWUSR", 0o200),
        ("S_IXUSR", 0o100),
        ("S_IRWXG", 0o070),
        ("S_IRGRP", 0o040),
        ("S_IWGRP", 0o020),
        ("S_IXGRP", 0o010),
        ("S_IRWXO", 0o007),
        ("S_IROTH", 0o004),
        ("S_IWOTH", 0o002),
        ("S_IXOTH", 0o001),
        ("UF_NODUMP", 0x1),
        ("UF_IMMUTABLE", 0x2),
        ("UF_APPEND", 0x4),
        ("UF_OPAQUE", 0x8),
        ("UF_NOUNLINK", 0x10),
        ("UF_COMPRESSED", 0x20),
        ("UF_HIDDEN", 0x8000),
        ("SF_ARCHIVED", 0x1_0000),
        ("SF_IMMUTABLE", 0x2_0000),
        ("SF_APPEND", 0x4_0000),
        ("SF_NOUNLINK", 0x10_0000),
        ("SF_SNAPSHOT", 0x20_0000),
        ("ST_MODE", 0),
        ("ST_INO", 1),
        ("ST_DEV", 2),
        ("ST_NLINK", 3),
        ("ST_UID", 4),
        ("ST_GID", 5),
        ("ST_SIZE", 6),
        ("ST_ATIME", 7),
        ("ST_MTIME", 8),
        ("ST_CTIME", 9),
    ] {
        add_int(&d, name, i64::from(v));
    }
    m
}
