//! The `_locale` module (CPython's Modules/_localemodule.c) over the C library:
//! `setlocale`, `localeconv`, `nl_langinfo`, `strcoll`, `strxfrm`, `getencoding`,
//! the gettext functions (`gettext`, `dgettext`, `dcgettext`, `textdomain`,
//! `bindtextdomain`, `bind_textdomain_codeset`), the `LC_*` and langinfo
//! constants, `CHAR_MAX` and `Error` (`locale.Error`).
//!
//! As CPython's start-up does, the module sets `LC_CTYPE` from the environment
//! when it is first imported. The locale is process state: `setlocale` is as
//! thread-unsafe here as in C.

use std::ffi::{CStr, CString};

use strand_objects::abstract_ as ab;
use strand_objects::args::Args;
use strand_objects::exceptions::{self as exc, type_error, value_error};
use strand_objects::{dict, int, list, module, singletons, str as pystr, PyObj, PyResult};

use crate::modsupport::{self, add_int, Leaked};
use strand_interp::native_module::add_functions;

/// The langinfo keys `nl_langinfo` accepts (glibc's values, as CPython exposes
/// them on Linux).
const LANGINFO: &[(&str, i64)] = &[
    ("ABDAY_1", 131072),
    ("ABDAY_2", 131073),
    ("ABDAY_3", 131074),
    ("ABDAY_4", 131075),
    ("ABDAY_5", 131076),
    ("ABDAY_6", 131077),
    ("ABDAY_7", 131078),
    ("ABMON_1", 131086),
    ("ABMON_2", 131087),
    ("ABMON_3", 131088),
    ("ABMON_4", 131089),
    ("ABMON_5", 131090),
    ("ABMON_6", 131091),
    ("ABMON_7", 131092),
    ("ABMON_8", 131093),
    ("ABMON_9", 131094),
    ("ABMON_10", 131095),
    ("ABMON_11", 131096),
    ("ABMON_12", 131097),
    ("ALT_DIGITS", 131119),
    ("AM_STR", 131110),
    ("CODESET", 14),
    ("CRNCYSTR", 262159),
    ("DAY_1", 131079),
    ("DAY_2", 131080),
    ("DAY_3", 131081),
    ("DAY_4", 131082),
    ("DAY_5", 131083),
    ("DAY_6", 131084),
    ("DAY_7", 131085),
    ("D_FMT", 131113),
    ("D_T_FMT", 131112),
    ("ERA", 131116),
    ("ERA_D_FMT", 131118),
    ("ERA_D_T_FMT", 131120),
    ("ERA_T_FMT", 131121),
    ("MON_1", 131098),
    ("MON_2", 131099),
    ("MON_3", 131100),
    ("MON_4", 131101),
    ("MON_5", 131102),
    ("MON_6", 131103),
    ("MON_7", 131104),
    ("MON_8", 131105),
    ("MON_9", 131106),
    ("MON_10", 131107),
    ("MON_11", 131108),
    ("MON_12", 131109),
    ("NOEXPR", 327681),
    ("PM_STR", 131111),
    ("RADIXCHAR", 65536),
    ("THOUSEP", 65537),
    ("T_FMT", 131114),
    ("T_FMT_AMPM", 131115),
    ("YESEXPR", 327680),
    ("_DATE_FMT", 131180),
];

fn error_class() -> PyObj {
    static E: Leaked = Leaked::new();
    E.get_or_init(|| {
        modsupport::new_exception_class("locale", "Error", &[exc::EXCEPTION_TYPE.to_obj()])
    })
}

fn text(p: *const libc::c_char) -> String {
    if p.is_null() {
        return String::new();
    }
    // SAFETY: the C library returns NUL-terminated strings, valid until the next
    // locale call; copied at once.
    unsafe { CStr::from_ptr(p) }.to_string_lossy().into_owned()
}

fn cstring(s: &str) -> PyResult<CString> {
    CString::new(s).map_err(|_| value_error("embedded null character"))
}

fn setlocale(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    Args::new(a, k).expect_fn("setlocale", 1, 2)?;
    let category = int::to_isize(&ab::index(&a[0])?)? as libc::c_int;
    let locale = match a.get(1) {
        None => None,
        Some(l) if singletons::is_none(l) => None,
        Some(l) if pystr::is_str(l) => Some(cstring(pystr::as_str(l))?),
        Some(l) => {
            return Err(type_error(format!(
                "setlocale() argument 2 must be str or None, not {}",
                l.ty().name()
            )))
        }
    };
    let p = match &locale {
        // SAFETY: the locale name is a live C string.
        Some(c) => unsafe { libc::setlocale(category, c.as_ptr()) },
        // SAFETY: a null locale queries.
        None => unsafe { libc::setlocale(category, std::ptr::null()) },
    };
    if p.is_null() {
        return Err(modsupport::raise(
            &error_class(),
            if locale.is_some() {
                "unsupported locale setting"
            } else {
                "locale query failed"
            },
        ));
    }
    Ok(pystr::from_string(text(p)))
}

/// CPython's `copy_grouping`: the group sizes up to and including the terminating 0
/// or `CHAR_MAX`.
fn grouping(p: *const libc::c_char) -> PyObj {
    let mut out = Vec::new();
    if !p.is_null() {
        // SAFETY: the grouping string is NUL-terminated.
        let bytes = unsafe { CStr::from_ptr(p) }.to_bytes_with_nul();
        if bytes[0] != 0 {
            for &b in bytes {
                out.push(int::from_i64(i64::from(b as i8)));
                if b == 0 || b == 127 {
                    break;
                }
            }
        }
    }
    list::new(out)
}

fn localeconv(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    Args::new(a, k).expect_fn("localeconv", 0, 0)?;
    // SAFETY: localeconv returns a pointer to static data, read at once.
    let lc = unsafe { &*libc::localeconv() };
    let d = dict::new();
    let s = |p| pystr::from_string(text(p));
    let n = |c: libc::c_char| int::from_i64(i64::from(c as u8));
    dict::set_item_str(&d, "int_curr_symbol", s(lc.int_curr_symbol));
    dict::set_item_str(&d, "currency_symbol", s(lc.currency_symbol));
    dict::set_item_str(&d, "mon_decimal_point", s(lc.mon_decimal_point));
    dict::set_item_str(&d, "mon_thousands_sep", s(lc.mon_thousands_sep));
    dict::set_item_str(&d, "mon_grouping", grouping(lc.mon_grouping));
    dict::set_item_str(&d, "positive_sign", s(lc.positive_sign));
    dict::set_item_str(&d, "negative_sign", s(lc.negative_sign));
    dict::set_item_str(&d, "int_frac_digits", n(lc.int_frac_digits));
    dict::set_item_str(&d, "frac_digits", n(lc.frac_digits));
    dict::set_item_str(&d, "p_cs_precedes", n(lc.p_cs_precedes));
    dict::set_item_str(&d, "p_sep_by_space", n(lc.p_sep_by_space));
    dict::set_item_str(&d, "n_cs_precedes", n(lc.n_cs_precedes));
    dict::set_item_str(&d, "n_sep_by_space", n(lc.n_sep_by_space));
    dict::set_item_str(&d, "p_sign_posn", n(lc.p_sign_posn));
    dict::set_item_str(&d, "n_sign_posn", n(lc.n_sign_posn));
    dict::set_item_str(&d, "decimal_point", s(lc.decimal_point));
    dict::set_item_str(&d, "thousands_sep", s(lc.thousands_sep));
    dict::set_item_str(&d, "grouping", grouping(lc.grouping));
    Ok(d)
}

fn nl_langinfo(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    Args::new(a, k).expect_fn("nl_langinfo", 1, 1)?;
    let key = int::to_isize(&ab::index(&a[0])?)? as i64;
    if !LANGINFO.iter().any(|&(_, v)| v == key) {
        return Err(value_error("unsupported langinfo constant"));
    }
    // SAFETY: a key glibc defines; the result is copied at once.
    Ok(pystr::from_string(text(unsafe {
        libc::nl_langinfo(key as libc::nl_item)
    })))
}

fn wide(s: &str) -> PyResult<Vec<libc::wchar_t>> {
    if s.contains('\0') {
        return Err(value_error("embedded null character"));
    }
    let mut v: Vec<libc::wchar_t> = s.chars().map(|c| u32::from(c) as libc::wchar_t).collect();
    v.push(0);
    Ok(v)
}

extern "C" {
    fn wcscoll(a: *const libc::wchar_t, b: *const libc::wchar_t) -> libc::c_int;
    fn wcsxfrm(
        dest: *mut libc::wchar_t,
        src: *const libc::wchar_t,
        n: libc::size_t,
    ) -> libc::size_t;
}

fn str_args<'a>(a: &'a [PyObj], fname: &str) -> PyResult<Vec<&'a str>> {
    a.iter()
        .enumerate()
        .map(|(i, o)| {
            if pystr::is_str(o) {
                Ok(pystr::as_str(o))
            } else {
                Err(type_error(format!(
                    "{fname}() argument {} must be str, not {}",
                    i + 1,
                    o.ty().name()
                )))
            }
        })
        .collect()
}

fn strcoll(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    Args::new(a, k).expect_fn("strcoll", 2, 2)?;
    let s = str_args(a, "strcoll")?;
    let (x, y) = (wide(s[0])?, wide(s[1])?);
    // SAFETY: both are NUL-terminated wide strings.
    let r = unsafe { wcscoll(x.as_ptr(), y.as_ptr()) };
    Ok(int::from_i64(i64::from(r)))
}

fn strxfrm(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    Args::new(a, k).no_kwargs("_locale.strxfrm")?;
    if a.len() != 1 {
        return Err(type_error(format!(
            "strxfrm expected 1 argument, got {}",
            a.len()
        )));
    }
    if !pystr::is_str(&a[0]) {
        return Err(type_error(format!(
            "strxfrm() argument must be str, not {}",
            a[0].ty().name()
        )));
    }
    let src = wide(pystr::as_str(&a[0]))?;
    // SAFETY: a null destination with size 0 asks for the length.
    let n = unsafe { wcsxfrm(std::ptr::null_mut(), src.as_ptr(), 0) };
    let mut buf: Vec<libc::wchar_t> = vec![0; n + 1];
    // SAFETY: `buf` holds n + 1 wide characters.
    unsafe { wcsxfrm(buf.as_mut_ptr(), src.as_ptr(), n + 1) };
    let out: String = buf[..n]
        .iter()
        .map(|&w| char::from_u32(w as u32).unwrap_or('\u{fffd}'))
        .collect();
    Ok(pystr::from_string(out))
}

fn getencoding(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    Args::new(a, k).expect_fn("getencoding", 0, 0)?;
    // SAFETY: CODESET is a valid key; copied at once.
    let e = text(unsafe { libc::nl_langinfo(libc::CODESET) });
    Ok(pystr::from_string(if e.is_empty() {
        "utf-8".into()
    } else {
        e
    }))
}

extern "C" {
    fn gettext(msgid: *const libc::c_char) -> *mut libc::c_char;
    fn dgettext(domain: *const libc::c_char, msgid: *const libc::c_char) -> *mut libc::c_char;
    fn dcgettext(
        domain: *const libc::c_char,
        msgid: *const libc::c_char,
        category: libc::c_int,
    ) -> *mut libc::c_char;
    fn textdomain(domain: *const libc::c_char) -> *mut libc::c_char;
    fn bindtextdomain(domain: *const libc::c_char, dir: *const libc::c_char) -> *mut libc::c_char;
    fn bind_textdomain_codeset(
        domain: *const libc::c_char,
        codeset: *const libc::c_char,
    ) -> *mut libc::c_char;
}

/// An optional str argument as a C string (`None` → null).
fn opt_cstr(o: Option<&PyObj>, fname: &str, n: usize) -> PyResult<Option<CString>> {
    match o {
        None => Ok(None),
        Some(x) if singletons::is_none(x) => Ok(None),
        Some(x) if pystr::is_str(x) => Ok(Some(cstring(pystr::as_str(x))?)),
        Some(x) => Err(type_error(format!(
            "{fname}() argument {n} must be str or None, not {}",
            x.ty().name()
        ))),
    }
}

fn req_cstr(o: &PyObj, fname: &str, n: usize) -> PyResult<CString> {
    if !pystr::is_str(o) {
        return Err(type_error(format!(
            "{fname}() argument {n} must be str, not {}",
            o.ty().name()
        )));
    }
    cstring(pystr::as_str(o))
}

fn ptr(c: &Option<CString>) -> *const libc::c_char {
    c.as_ref().map_or(std::ptr::null(), |c| c.as_ptr())
}

fn l_gettext(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    Args::new(a, k).expect_fn("gettext", 1, 1)?;
    let msg = req_cstr(&a[0], "gettext", 1)?;
    // SAFETY: a live C string; the result is copied at once.
    Ok(pystr::from_string(text(unsafe { gettext(msg.as_ptr()) })))
}

fn l_dgettext(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    Args::new(a, k).expect_fn("dgettext", 2, 2)?;
    let dom = opt_cstr(a.first(), "dgettext", 1)?;
    let msg = req_cstr(&a[1], "dgettext", 2)?;
    // SAFETY: live C strings (or null for the domain).
    Ok(pystr::from_string(text(unsafe {
        dgettext(ptr(&dom), msg.as_ptr())
    })))
}

fn l_dcgettext(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    Args::new(a, k).expect_fn("dcgettext", 3, 3)?;
    let dom = opt_cstr(a.first(), "dcgettext", 1)?;
    let msg = req_cstr(&a[1], "dcgettext", 2)?;
    let cat = int::to_isize(&ab::index(&a[2])?)? as libc::c_int;
    // SAFETY: live C strings (or null for the domain).
    Ok(pystr::from_string(text(unsafe {
        dcgettext(ptr(&dom), msg.as_ptr(), cat)
    })))
}

fn l_textdomain(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    Args::new(a, k).expect_fn("textdomain", 1, 1)?;
    let dom = opt_cstr(a.first(), "textdomain", 1)?;
    // SAFETY: a live C string or null (a query).
    let r = unsafe { textdomain(ptr(&dom)) };
    if r.is_null() {
        return Err(exc::from_io_error(&std::io::Error::last_os_error(), None));
    }
    Ok(pystr::from_string(text(r)))
}

fn l_bindtextdomain(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    Args::new(a, k).expect_fn("bindtextdomain", 2, 2)?;
    let dom = req_cstr(&a[0], "bindtextdomain", 1)?;
    if dom.as_bytes().is_empty() {
        return Err(value_error("empty string"));
    }
    let dir = opt_cstr(a.get(1), "bindtextdomain", 2)?;
    // SAFETY: live C strings (or null for the directory: a query).
    let r = unsafe { bindtextdomain(dom.as_ptr(), ptr(&dir)) };
    if r.is_null() {
        return Err(exc::from_io_error(&std::io::Error::last_os_error(), None));
    }
    Ok(pystr::from_string(text(r)))
}

fn l_bind_codeset(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    Args::new(a, k).expect_fn("bind_textdomain_codeset", 2, 2)?;
    let dom = req_cstr(&a[0], "bind_textdomain_codeset", 1)?;
    let cs = opt_cstr(a.get(1), "bind_textdomain_codeset", 2)?;
    // SAFETY: live C strings (or null for the codeset: a query).
    let r = unsafe { bind_textdomain_codeset(dom.as_ptr(), ptr(&cs)) };
    Ok(if r.is_null() {
        singletons::none()
    } else {
        pystr::from_string(text(r))
    })
}

/// The `_locale` module.
pub fn make_module() -> PyObj {
    static START: std::sync::Once = std::sync::Once::new();
    START.call_once(|| {
        // SAFETY: an empty locale name selects the environment's, as CPython's
        // start-up does for LC_CTYPE.
        unsafe { libc::setlocale(libc::LC_CTYPE, c"".as_ptr()) };
    });
    let m = module::new_native_module("_locale");
    add_functions(
        &m,
        "_locale",
        &[
            ("setlocale", setlocale),
            ("localeconv", localeconv),
            ("nl_langinfo", nl_langinfo),
            ("strcoll", strcoll),
            ("strxfrm", strxfrm),
            ("getencoding", getencoding),
            ("gettext", l_gettext),
            ("dgettext", l_dgettext),
            ("dcgettext", l_dcgettext),
            ("textdomain", l_textdomain),
            ("bindtextdomain", l_bindtextdomain),
            ("bind_textdomain_codeset", l_bind_codeset),
        ],
    );
    let d = module::module_dict(&m);
    for (name, v) in [
        ("LC_CTYPE", libc::LC_CTYPE),
        ("LC_NUMERIC", libc::LC_NUMERIC),
        ("LC_TIME", libc::LC_TIME),
        ("LC_COLLATE", libc::LC_COLLATE),
        ("LC_MONETARY", libc::LC_MONETARY),
        ("LC_MESSAGES", libc::LC_MESSAGES),
        ("LC_ALL", libc::LC_ALL),
    ] {
        add_int(&d, name, i64::from(v));
    }
    for &(name, v) in LANGINFO {
        add_int(&d, name, v);
    }
    add_int(&d, "CHAR_MAX", 127);
    dict::set_item_str(&d, "Error", error_class());
    m
}
