//! The `grp` module (CPython's Modules/grpmodule.c): the group database through the
//! C library's reentrant lookups, `getgrgid`, `getgrnam`, `getgrall` and the
//! `grp.struct_group` struct sequence (`gr_mem` a list of member names). Lookups
//! run detached; `getgrall` walks the database under one process-wide lock.

use std::ffi::{CStr, CString};

use strand_objects::abstract_ as ab;
use strand_objects::args::Args;
use strand_objects::exceptions::{self as exc, type_error};
use strand_objects::{dict, int, list, module, str as pystr, PyObj, PyResult};

use crate::modsupport::Leaked;
use strand_interp::native_module::add_functions;

fn struct_group() -> PyObj {
    static T: Leaked = Leaked::new();
    T.get_or_init(|| {
        strand_objects::structseq::new_type(
            "grp",
            "struct_group",
            &["gr_name", "gr_passwd", "gr_gid", "gr_mem"],
        )
        .expect("struct_group has valid field names")
    })
}

struct Entry {
    name: String,
    passwd: String,
    gid: u32,
    members: Vec<String>,
}

fn text(p: *const libc::c_char) -> String {
    if p.is_null() {
        return String::new();
    }
    // SAFETY: group fields are NUL-terminated strings in the buffer the caller holds.
    unsafe { CStr::from_ptr(p) }.to_string_lossy().into_owned()
}

fn entry_of(g: &libc::group) -> Entry {
    let mut members = Vec::new();
    let mut p = g.gr_mem;
    if !p.is_null() {
        // SAFETY: gr_mem is a NULL-terminated array of strings in the same buffer.
        unsafe {
            while !(*p).is_null() {
                members.push(text(*p));
                p = p.add(1);
            }
        }
    }
    Entry {
        name: text(g.gr_name),
        passwd: text(g.gr_passwd),
        gid: g.gr_gid,
        members,
    }
}

fn to_py(e: Entry) -> PyResult<PyObj> {
    strand_objects::structseq::new_instance(
        &struct_group(),
        vec![
            pystr::from_string(e.name),
            pystr::from_string(e.passwd),
            int::from_i64(i64::from(e.gid)),
            list::new(e.members.into_iter().map(pystr::from_string).collect()),
        ],
    )
}

fn one<'a>(a: &'a [PyObj], k: Option<&'a PyObj>, fname: &str) -> PyResult<&'a PyObj> {
    let b = Args::new(a, k).bind(
        fname,
        0,
        &[if fname == "getgrgid" { "id" } else { "name" }],
        1,
    )?;
    Ok(b[0].expect("required"))
}

fn getgrgid(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    let (gid, shown) = crate::pwd::id_arg(one(a, k, "getgrgid")?, "gid")?;
    // SAFETY: the buffers are live for the call.
    let e = crate::userdb::lookup(
        |g, buf, res| unsafe { libc::getgrgid_r(gid, g, buf.as_mut_ptr(), buf.len(), res) },
        entry_of,
    );
    match e {
        Some(e) => to_py(e),
        None => Err(exc::key_error(pystr::from_string(format!(
            "getgrgid(): gid not found: {shown}"
        )))),
    }
}

fn getgrnam(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    let o = one(a, k, "getgrnam")?;
    if !pystr::is_str(o) {
        return Err(type_error(format!(
            "getgrnam() argument 'name' must be str, not {}",
            o.ty().name()
        )));
    }
    let Ok(c) = CString::new(pystr::as_str(o)) else {
        return Err(exc::value_error("embedded null character"));
    };
    // SAFETY: the name and buffers are live for the call.
    let e = crate::userdb::lookup(
        |g, buf, res| unsafe { libc::getgrnam_r(c.as_ptr(), g, buf.as_mut_ptr(), buf.len(), res) },
        entry_of,
    );
    match e {
        Some(e) => to_py(e),
        None => Err(exc::key_error(pystr::from_string(format!(
            "getgrnam(): name not found: {}",
            ab::repr_string(o)?
        )))),
    }
}

fn getgrall(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    Args::new(a, k).expect_fn("getgrall", 0, 0)?;
    let entries = crate::userdb::walk(libc::setgrent, libc::getgrent, libc::endgrent, entry_of);
    let items = entries
        .into_iter()
        .map(to_py)
        .collect::<PyResult<Vec<_>>>()?;
    Ok(list::new(items))
}

/// The `grp` module.
pub fn make_module() -> PyObj {
    let m = module::new_native_module("grp");
    add_functions(
        &m,
        "grp",
        &[
            ("getgrgid", getgrgid),
            ("getgrnam", getgrnam),
            ("getgrall", getgrall),
        ],
    );
    dict::set_item_str(&module::module_dict(&m), "struct_group", struct_group());
    m
}
