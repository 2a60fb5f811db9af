//! The `pwd` module (CPython's Modules/pwdmodule.c): the password database through
//! the C library's reentrant lookups, `getpwuid`, `getpwnam`, `getpwall` and the
//! `pwd.struct_passwd` struct sequence. Lookups may reach name services, so they
//! run detached; `getpwall` walks the database under one process-wide lock, as the
//! C library's `getpwent` is not reentrant.

use std::ffi::{CStr, CString};

use strand_objects::abstract_ as ab;
use strand_objects::args::Args;
use strand_objects::exceptions::{self as exc, overflow_error, type_error};
use strand_objects::{dict, int, list, module, str as pystr, PyObj, PyResult};

use crate::modsupport::Leaked;
use strand_interp::native_module::add_functions;

fn struct_passwd() -> PyObj {
    static T: Leaked = Leaked::new();
    T.get_or_init(|| {
        strand_objects::structseq::new_type(
            "pwd",
            "struct_passwd",
            &[
                "pw_name",
                "pw_passwd",
                "pw_uid",
                "pw_gid",
                "pw_gecos",
                "pw_dir",
                "pw_shell",
            ],
        )
        .expect("struct_passwd has valid field names")
    })
}

/// One entry, copied out of the C library's buffers.
struct Entry {
    name: String,
    passwd: String,
    uid: u32,
    gid: u32,
    gecos: String,
    dir: String,
    shell: String,
}

fn text(p: *const libc::c_char) -> String {
    if p.is_null() {
        return String::new();
    }
    // SAFETY: the C library's passwd fields are NUL-terminated strings that live as
    // long as the buffer they were copied from, which the caller still holds.
    unsafe { CStr::from_ptr(p) }.to_string_lossy().into_owned()
}

fn entry_of(p: &libc::passwd) -> Entry {
    Entry {
        name: text(p.pw_name),
        passwd: text(p.pw_passwd),
        uid: p.pw_uid,
        gid: p.pw_gid,
        gecos: text(p.pw_gecos),
        dir: text(p.pw_dir),
        shell: text(p.pw_shell),
    }
}

fn to_py(e: Entry) -> PyResult<PyObj> {
    strand_objects::structseq::new_instance(
        &struct_passwd(),
        vec![
            pystr::from_string(e.name),
            pystr::from_string(e.passwd),
            int::from_i64(i64::from(e.uid)),
            int::from_i64(i64::from(e.gid)),
            pystr::from_string(e.gecos),
            pystr::from_string(e.dir),
            pystr::from_string(e.shell),
        ],
    )
}

/// An id argument (CPython's `_Py_Uid_Converter`/`_Py_Gid_Converter`), with its
/// quirks: -1 means `(uid_t)-1`, any other negative value or a value that fits a
/// C long but not 32 bits is "less than minimum", a larger one "greater than
/// maximum". Returns the id and the value to show in messages.
pub fn id_arg(o: &PyObj, what: &str) -> PyResult<(u32, i64)> {
    if !int::is_int(o) && o.ty().slots().number.index.is_none() {
        return Err(type_error(format!(
            "{what} should be integer, not {}",
            o.ty().name()
        )));
    }
    let i = ab::index(o)?;
    let v = int::to_bigint(&i);
    match i64::try_from(&v) {
        Ok(-1) => Ok((u32::MAX, -1)),
        Ok(x) if (0..=i64::from(u32::MAX)).contains(&x) => Ok((x as u32, x)),
        Ok(_) => Err(overflow_error(format!("{what} is less than minimum"))),
        Err(_) if v.sign() == num_bigint::Sign::Minus => {
            Err(overflow_error(format!("{what} is less than minimum")))
        }
        Err(_) => Err(overflow_error(format!("{what} is greater than maximum"))),
    }
}

fn getpwuid(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    Args::new(a, k).no_kwargs("pwd.getpwuid")?;
    if a.len() != 1 {
        return Err(type_error(format!(
            "pwd.getpwuid() takes exactly one argument ({} given)",
            a.len()
        )));
    }
    let (uid, shown) = id_arg(&a[0], "uid").map_err(|e| {
        if e.is_instance(&exc::OVERFLOW_ERROR_TYPE) {
            exc::key_error(pystr::new("getpwuid(): uid not found"))
        } else {
            e
        }
    })?;
    // SAFETY: the buffers are live for the call; the C library writes within them.
    let e = crate::userdb::lookup(
        |pw, buf, res| unsafe { libc::getpwuid_r(uid, pw, buf.as_mut_ptr(), buf.len(), res) },
        entry_of,
    );
    match e {
        Some(e) => to_py(e),
        None => Err(exc::key_error(pystr::from_string(format!(
            "getpwuid(): uid not found: {shown}"
        )))),
    }
}

fn getpwnam(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    Args::new(a, k).no_kwargs("pwd.getpwnam")?;
    if a.len() != 1 {
        return Err(type_error(format!(
            "pwd.getpwnam() takes exactly one argument ({} given)",
            a.len()
        )));
    }
    if !pystr::is_str(&a[0]) {
        return Err(type_error(format!(
            "getpwnam() argument must be str, not {}",
            a[0].ty().name()
        )));
    }
    let name = pystr::as_str(&a[0]);
    let not_found = || {
        Err(exc::key_error(pystr::from_string(format!(
            "getpwnam(): name not found: {}",
            ab::repr_string(&a[0]).unwrap_or_default()
        ))))
    };
    let Ok(c) = CString::new(name) else {
        return Err(exc::value_error("embedded null character"));
    };
    // SAFETY: the name and buffers are live for the call.
    let e = crate::userdb::lookup(
        |pw, buf, res| unsafe {
            libc::getpwnam_r(c.as_ptr(), pw, buf.as_mut_ptr(), buf.len(), res)
        },
        entry_of,
    );
    match e {
        Some(e) => to_py(e),
        None => not_found(),
    }
}

fn getpwall(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    Args::new(a, k).expect_fn("getpwall", 0, 0)?;
    let entries = crate::userdb::walk(libc::setpwent, libc::getpwent, libc::endpwent, entry_of);
    let items = entries
        .into_iter()
        .map(to_py)
        .collect::<PyResult<Vec<_>>>()?;
    Ok(list::new(items))
}

/// The `pwd` module.
pub fn make_module() -> PyObj {
    let m = module::new_native_module("pwd");
    add_functions(
        &m,
        "pwd",
        &[
            ("getpwuid", getpwuid),
            ("getpwnam", getpwnam),
            ("getpwall", getpwall),
        ],
    );
    dict::set_item_str(&module::module_dict(&m), "struct_passwd", struct_passwd());
    m
}
