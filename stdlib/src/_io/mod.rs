//! The `_io` module (CPython's Modules/_io): `open()`, the file objects, `StringIO`,
//! `BytesIO`, the abstract bases, and the standard streams `sys.stdin`,
//! `sys.stdout`, `sys.stderr`. The frozen `io` module re-exports it.
//!
//! - [`core`]: an open file's shared state (buffers, position, locking rule);
//! - [`file`](mod@file): `FileIO`, `Buffered*`, `TextIOWrapper` over that state;
//! - [`memio`]: `StringIO`, `BytesIO`.
//!
//! Writes are buffered (8 KiB; line-buffered for a terminal's stdout and always for
//! stderr; every write goes out at once under `PYTHONUNBUFFERED`, like `python3 -u`)
//! and flushed at `close()`, when the file object dies, and at exit
//! ([`flush_all`]). Every blocking system call runs detached from the thread state.

pub mod core;
pub mod file;
pub mod memio;
pub mod misc;

use std::fs::OpenOptions;
use std::os::fd::FromRawFd;
use std::sync::OnceLock;

use strand_heap::{HeapKind, ObjPtr, ObjectHeader};
use strand_objects::abstract_ as ab;
use strand_objects::args::Args;
use strand_objects::descr::{new_builtin_function, set_builtin_module, GetSetDef, MethodDef};
use strand_objects::exceptions::{self as exc, type_error, value_error};
use strand_objects::typeobj::{Slots, TypeFlags};
use strand_objects::{dict, int, list, module, singletons, str as pystr, PyErr, PyObj, PyResult};

use self::core::{FileCore, Newline};
use self::file::{Enc, TextCfg};

pub use self::core::flush_all;

/// The layout of the abstract bases (a bare object).
#[repr(C)]
pub struct PyIOBase {
    header: ObjectHeader,
}

unsafe fn iobase_dealloc(obj: ObjPtr) {
    // SAFETY: count zero; the layout holds nothing.
    unsafe { strand_objects::heaptype::dealloc_instance_memory(obj) }
}

macro_rules! base_type {
    ($(#[$m:meta])* $ident:ident, $name:literal) => {
        strand_objects::builtin_type! {
            $(#[$m])*
            pub static $ident = {
                name: $name,
                layout: PyIOBase,
                itemsize: 0,
                kind: HeapKind::NonGc,
                flags: TypeFlags::BASETYPE,
                traverse: None,
                clear: None,
                dealloc: iobase_dealloc,
                size: None,
                slots: Slots {
                    iter: Some(iobase_iter),
                    iternext: Some(iobase_iternext),
                    ..Slots::EMPTY
                },
            }
        }
    };
}

base_type!(
    /// `_io._IOBase`: the generic stream protocol, written against the methods a
    /// subclass defines (`readline`, `write`, `close`...).
    IOBASE_TYPE,
    "_io._IOBase"
);
base_type!(
    /// `_io._RawIOBase`.
    RAWIOBASE_TYPE,
    "_io._RawIOBase"
);
base_type!(
    /// `_io._BufferedIOBase`.
    BUFFEREDIOBASE_TYPE,
    "_io._BufferedIOBase"
);
base_type!(
    /// `_io._TextIOBase`.
    TEXTIOBASE_TYPE,
    "_io._TextIOBase"
);

fn leak(o: PyObj) -> usize {
    let a = o.addr();
    std::mem::forget(o);
    a
}

fn revive(addr: usize) -> PyObj {
    // SAFETY: the address was leaked by `leak` and stays allocated for the process.
    unsafe {
        PyObj::from_borrowed(
            ObjPtr::from_raw(addr as *mut ObjectHeader).expect("leaked objects are non-null"),
        )
    }
}

/// `io.UnsupportedOperation` (a subclass of `OSError` and `ValueError`).
pub fn unsupported_type() -> PyObj {
    static T: OnceLock<usize> = OnceLock::new();
    revive(*T.get_or_init(|| {
        let ns = dict::new();
        dict::set_item_str(&ns, "__module__", pystr::intern("io"));
        let t = strand_objects::heaptype::new_heap_type(
            &strand_objects::typeobj::TYPE_TYPE.to_obj(),
            &pystr::intern("UnsupportedOperation"),
            &[exc::OS_ERROR_TYPE.to_obj(), exc::VALUE_ERROR_TYPE.to_obj()],
            &ns,
            &[],
        )
        .expect("UnsupportedOperation(OSError, ValueError) is a valid class");
        leak(t)
    }))
}

/// `io.UnsupportedOperation(msg)`.
pub fn unsupported(msg: &str) -> PyErr {
    let t = unsupported_type();
    exc::call_exception_class(&t, &[pystr::new(msg)])
}

// ---------------------------------------------------------------------------------
// _IOBase: the generic protocol
// ---------------------------------------------------------------------------------

const CLOSED_FLAG: &str = "__IOBase_closed";

fn generic_closed(o: &PyObj) -> PyResult<bool> {
    ab::is_true(&ab::getattr_str(o, "closed")?)
}

fn generic_check_open(o: &PyObj) -> PyResult<()> {
    if generic_closed(o)? {
        return Err(value_error("I/O operation on closed file."));
    }
    Ok(())
}

fn iobase_iter(o: &PyObj) -> PyResult<PyObj> {
    generic_check_open(o)?;
    Ok(o.clone())
}

fn iobase_iternext(o: &PyObj) -> PyResult<Option<PyObj>> {
    let line = ab::call_method(o, "readline", &[])?;
    Ok((ab::len(&line)? > 0).then_some(line))
}

/// `_IOBase._checkReadable()` and its kin: `UnsupportedOperation(msg)` unless
/// `self.<what>()` is true (CPython's `_PyIOBase_check_readable`...).
fn iobase_check(o: &PyObj, what: &str, msg: &str) -> PyResult<PyObj> {
    if !ab::is_true(&ab::call_method(o, what, &[])?)? {
        return Err(unsupported(msg));
    }
    Ok(int::bool_obj(true))
}

fn iobase_methods() -> Vec<MethodDef> {
    vec![
        MethodDef::new("_checkClosed", |a, _k| {
            generic_check_open(&a[0])?;
            Ok(singletons::none())
        }),
        MethodDef::new("_checkReadable", |a, _k| {
            iobase_check(&a[0], "readable", "File or stream is not readable.")
        }),
        MethodDef::new("_checkWritable", |a, _k| {
            iobase_check(&a[0], "writable", "File or stream is not writable.")
        }),
        MethodDef::new("_checkSeekable", |a, _k| {
            iobase_check(&a[0], "seekable", "File or stream is not seekable.")
        }),
        MethodDef::new("__enter__", |a, _k| {
            generic_check_open(&a[0])?;
            Ok(a[0].clone())
        }),
        MethodDef::new("__exit__", |a, _k| {
            ab::call_method(&a[0], "close", &[])?;
            Ok(singletons::none())
        }),
        MethodDef::new("close", |a, k| {
            Args::new(a, k).exact("close", 1)?;
            if !generic_closed(&a[0])? {
                let r = ab::call_method(&a[0], "flush", &[]);
                let _ = ab::setattr(&a[0], &pystr::intern(CLOSED_FLAG), &int::bool_obj(true));
                r?;
            }
            Ok(singletons::none())
        }),
        MethodDef::new("flush", |a, k| {
            Args::new(a, k).exact("flush", 1)?;
            generic_check_open(&a[0])?;
            Ok(singletons::none())
        }),
        MethodDef::new("readable", |a, k| {
            Args::new(a, k).exact("readable", 1)?;
            Ok(int::bool_obj(false))
        }),
        MethodDef::new("writable", |a, k| {
            Args::new(a, k).exact("writable", 1)?;
            Ok(int::bool_obj(false))
        }),
        MethodDef::new("seekable", |a, k| {
            Args::new(a, k).exact("seekable", 1)?;
            Ok(int::bool_obj(false))
        }),
        MethodDef::new("isatty", |a, k| {
            Args::new(a, k).exact("isatty", 1)?;
            generic_check_open(&a[0])?;
            Ok(int::bool_obj(false))
        }),
        MethodDef::new("fileno", |a, k| {
            Args::new(a, k).exact("fileno", 1)?;
            Err(unsupported("fileno"))
        }),
        MethodDef::new("seek", |_a, _k| Err(unsupported("seek"))),
        MethodDef::new("truncate", |_a, _k| Err(unsupported("truncate"))),
        MethodDef::new("tell", |a, k| {
            Args::new(a, k).exact("tell", 1)?;
            ab::call_method(&a[0], "seek", &[int::from_i64(0), int::from_i64(1)])
        }),
        MethodDef::new("readline", |a, k| {
            let b = Args::new(a, k).bind("readline", 1, &["size"], 0)?;
            let limit = match b[0] {
                Some(v) if !singletons::is_none(v) => int::to_isize(&ab::index(v)?)?,
                _ => -1,
            };
            // One character (or byte) at a time through `read(1)`.
            let mut parts = Vec::new();
            let mut n = 0isize;
            let mut text = None;
            while limit < 0 || n < limit {
                let c = ab::call_method(&a[0], "read", &[int::from_i64(1)])?;
                if ab::len(&c)? == 0 {
                    break;
                }
                let is_text = pystr::is_str(&c);
                text.get_or_insert(is_text);
                let nl = if is_text {
                    pystr::as_str(&c) == "\n"
                } else {
                    strand_objects::bytes::as_bytes_opt(&c) == Some(b"\n")
                };
                parts.push(c);
                n += 1;
                if nl {
                    break;
                }
            }
            if text == Some(false) {
                let mut v = Vec::new();
                for p in &parts {
                    v.extend_from_slice(strand_objects::bytes::as_bytes_opt(p).unwrap_or(&[]));
                }
                return Ok(strand_objects::bytes::new(&v));
            }
            let mut s = String::new();
            for p in &parts {
                s.push_str(&ab::str_string(p)?);
            }
            Ok(pystr::from_string(s))
        }),
        MethodDef::new("readlines", |a, k| {
            let b = Args::new(a, k).bind("readlines", 1, &["hint"], 0)?;
            let hint = match b[0] {
                Some(v) if !singletons::is_none(v) => int::to_isize(&ab::index(v)?)?,
                _ => -1,
            };
            let it = ab::iter(&a[0])?;
            let mut out = Vec::new();
            let mut total = 0isize;
            while let Some(line) = ab::next(&it)? {
                total += ab::len(&line)? as isize;
                out.push(line);
                if hint > 0 && total >= hint {
                    break;
                }
            }
            Ok(list::new(out))
        }),
        MethodDef::new("writelines", |a, k| {
            Args::new(a, k).exact("writelines", 2)?;
            generic_check_open(&a[0])?;
            let it = ab::iter(&a[1])?;
            while let Some(line) = ab::next(&it)? {
                ab::call_method(&a[0], "write", &[line])?;
            }
            Ok(singletons::none())
        }),
    ]
}

fn iobase_getsets() -> Vec<GetSetDef> {
    vec![GetSetDef::new(
        "closed",
        |o| {
            Ok(int::bool_obj(
                ab::getattr_opt(o, &pystr::intern(CLOSED_FLAG))?.is_some(),
            ))
        },
        None,
    )]
}

/// `_RawIOBase.read(size=-1)` (CPython's `_io__RawIOBase_read_impl`): `readall()`
/// for a negative size, else `readinto` a fresh `bytearray` of `size` bytes, the
/// bytes it filled (`None` if it returned `None`).
fn rawiobase_read(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    Args::new(a, k).expect("read", 1, 2)?;
    let size = match a.get(1).filter(|s| !singletons::is_none(s)) {
        Some(s) => int::to_isize(&ab::index(s)?)?,
        None => -1,
    };
    if size < 0 {
        return ab::call_method(&a[0], "readall", &[]);
    }
    let b = strand_objects::bytearray::new(&vec![0u8; size as usize]);
    let n = ab::call_method(&a[0], "readinto", std::slice::from_ref(&b))?;
    if singletons::is_none(&n) {
        return Ok(n);
    }
    let n = int::to_isize(&ab::index(&n)?)?;
    if n < 0 || n > size {
        return Err(value_error(format!(
            "readinto returned {n} outside buffer size {size}"
        )));
    }
    let data = strand_objects::bytearray::to_vec(&b);
    Ok(strand_objects::bytes::new(&data[..n as usize]))
}

/// `_RawIOBase.readall()`: `read(DEFAULT_BUFFER_SIZE)` until it returns empty
/// bytes (or `None`, which is returned if nothing was read before it).
fn rawiobase_readall(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    Args::new(a, k).exact("readall", 1)?;
    let mut out: Vec<u8> = Vec::new();
    let mut any = false;
    loop {
        let data = ab::call_method(&a[0], "read", &[int::from_usize(core::DEFAULT_BUFFER_SIZE)])?;
        if singletons::is_none(&data) {
            if !any {
                return Ok(data);
            }
            break;
        }
        let Some(d) = strand_objects::bytes::as_bytes_opt(&data) else {
            return Err(type_error("read() should return bytes"));
        };
        if d.is_empty() {
            break;
        }
        any = true;
        out.extend_from_slice(d);
    }
    Ok(strand_objects::bytes::new(&out))
}

/// Readies every `_io` type (idempotent).
pub fn ready() {
    static READY: std::sync::Once = std::sync::Once::new();
    READY.call_once(|| {
        let object = &strand_objects::baseobject::OBJECT_TYPE;
        IOBASE_TYPE.ready_static(Some(object), &iobase_methods(), &iobase_getsets());
        RAWIOBASE_TYPE.ready_static(
            Some(&IOBASE_TYPE),
            &[
                MethodDef::new("read", rawiobase_read),
                MethodDef::new("readall", rawiobase_readall),
            ],
            &[],
        );
        for t in [&BUFFEREDIOBASE_TYPE, &TEXTIOBASE_TYPE] {
            t.ready_static(Some(&IOBASE_TYPE), &[], &[]);
        }
        file::ready_types();
        memio::ready_types();
        misc::ready_types();
    });
}

// ---------------------------------------------------------------------------------
// open()
// ---------------------------------------------------------------------------------

/// The path (or descriptor) `open()` and the `os` functions accept: a str, bytes, or
/// an object with `__fspath__`.
///
/// # Errors
/// `TypeError: expected str, bytes or os.PathLike object, not X`.
pub fn fspath(o: &PyObj) -> PyResult<PyObj> {
    if pystr::is_str(o) || strand_objects::bytes::is_bytes(o) {
        return Ok(o.clone());
    }
    if let Some(f) = o.ty().lookup_str("__fspath__") {
        let r = ab::call_descr(&f, o, &[])?;
        if pystr::is_str(&r) || strand_objects::bytes::is_bytes(&r) {
            return Ok(r);
        }
        return Err(type_error(format!(
            "expected {}.__fspath__() to return str or bytes, not {}",
            o.ty().name(),
            r.ty().name()
        )));
    }
    Err(type_error(format!(
        "expected str, bytes or os.PathLike object, not {}",
        o.ty().name()
    )))
}

/// A path object as an OS path.
pub fn path_of(p: &PyObj) -> std::path::PathBuf {
    use std::os::unix::ffi::OsStrExt;
    if pystr::is_str(p) {
        std::path::PathBuf::from(pystr::as_str(p))
    } else {
        std::path::PathBuf::from(std::ffi::OsStr::from_bytes(
            strand_objects::bytes::as_bytes(p),
        ))
    }
}

struct Mode {
    reading: bool,
    writing: bool,
    appending: bool,
    creating: bool,
    updating: bool,
    text: bool,
    binary: bool,
}

fn parse_mode(mode: &str) -> PyResult<Mode> {
    let mut m = Mode {
        reading: false,
        writing: false,
        appending: false,
        creating: false,
        updating: false,
        text: false,
        binary: false,
    };
    let invalid = || value_error(format!("invalid mode: '{mode}'"));
    for c in mode.chars() {
        let flag = match c {
            'r' => &mut m.reading,
            'w' => &mut m.writing,
            'a' => &mut m.appending,
            'x' => &mut m.creating,
            '+' => &mut m.updating,
            't' => &mut m.text,
            'b' => &mut m.binary,
            _ => return Err(invalid()),
        };
        if *flag {
            return Err(invalid());
        }
        *flag = true;
    }
    if m.text && m.binary {
        return Err(value_error("can't have text and binary mode at once"));
    }
    let n = [m.reading, m.writing, m.appending, m.creating]
        .iter()
        .filter(|&&b| b)
        .count();
    if n > 1 {
        return Err(value_error(
            "must have exactly one of create/read/write/append mode",
        ));
    }
    Ok(m)
}

fn opt_str_arg(v: Option<&PyObj>, what: &str) -> PyResult<Option<PyObj>> {
    match v {
        None => Ok(None),
        Some(v) if singletons::is_none(v) => Ok(None),
        Some(v) if pystr::is_str(v) => Ok(Some(v.clone())),
        Some(v) => Err(type_error(format!(
            "open() argument '{what}' must be str or None, not {}",
            v.ty().name()
        ))),
    }
}

/// The `os.open` flags for a parsed mode, as CPython's FileIO computes them for an
/// `opener`.
fn open_flags(m: &Mode) -> i32 {
    let access =
        if (m.reading || m.updating) && (m.writing || m.appending || m.creating || m.updating) {
            libc::O_RDWR
        } else if m.reading {
            libc::O_RDONLY
        } else {
            libc::O_WRONLY
        };
    let mut flags = access | libc::O_CLOEXEC;
    if m.writing {
        flags |= libc::O_CREAT | libc::O_TRUNC;
    }
    if m.appending {
        flags |= libc::O_APPEND | libc::O_CREAT;
    }
    if m.creating {
        flags |= libc::O_EXCL | libc::O_CREAT;
    }
    flags
}

/// `open(file, mode='r', buffering=-1, encoding=None, errors=None, newline=None,
/// closefd=True, opener=None)`.
///
/// # Errors
/// CPython's `ValueError`s for bad modes and arguments, `OSError` subclasses from the
/// OS (`FileNotFoundError: [Errno 2] No such file or directory: 'x'`), `LookupError`
/// for an unknown encoding.
pub fn open(args: &[PyObj], kw: Option<&PyObj>) -> PyResult<PyObj> {
    ready();
    let a = Args::new(args, kw);
    let b = a.bind(
        "open",
        0,
        &[
            "file",
            "mode",
            "buffering",
            "encoding",
            "errors",
            "newline",
            "closefd",
            "opener",
        ],
        1,
    )?;
    let file = b[0].expect("required");
    let mode_s = match b[1] {
        None => "r".to_string(),
        Some(m) if pystr::is_str(m) => pystr::as_str(m).to_string(),
        Some(m) => {
            return Err(type_error(format!(
                "open() argument 'mode' must be str, not {}",
                m.ty().name()
            )))
        }
    };
    let buffering = match b[2] {
        None => -1,
        Some(v) => int::to_isize(&ab::index(v)?)?,
    };
    let encoding = opt_str_arg(b[3], "encoding")?;
    let errors = opt_str_arg(b[4], "errors")?;
    let newline = opt_str_arg(b[5], "newline")?;
    let closefd = match b[6] {
        None => true,
        Some(v) => ab::is_true(v)?,
    };
    let opener = b[7].filter(|o| !singletons::is_none(o));
    let m = parse_mode(&mode_s)?;
    if m.binary && encoding.is_some() {
        return Err(value_error("binary mode doesn't take an encoding argument"));
    }
    if m.binary && errors.is_some() {
        return Err(value_error("binary mode doesn't take an errors argument"));
    }
    if m.binary && newline.is_some() {
        return Err(value_error("binary mode doesn't take a newline argument"));
    }
    if !m.binary && buffering == 0 {
        return Err(value_error("can't have unbuffered text I/O"));
    }
    if !(m.reading || m.writing || m.appending || m.creating) {
        return Err(value_error(
            "Must have exactly one of create/read/write/append mode and at most one plus",
        ));
    }
    // The raw file.
    let is_fd = int::is_int(file);
    let (os_file, name) = if let Some(opener) = opener.filter(|_| !is_fd) {
        // CPython's FileIO: `opener(file, flags)` returns the descriptor to use.
        if !closefd {
            return Err(value_error("Cannot use closefd=False with file name"));
        }
        let fd_obj = ab::call(
            opener,
            &[file.clone(), int::from_i64(i64::from(open_flags(&m)))],
            None,
        )?;
        if !int::is_int(&fd_obj) {
            return Err(type_error("expected integer from opener"));
        }
        let fd = int::to_isize(&fd_obj)?;
        if fd < 0 {
            return Err(value_error(format!("opener returned {fd}")));
        }
        let fd =
            i32::try_from(fd).map_err(|_| exc::overflow_error("fd is greater than maximum"))?;
        // SAFETY: the opener handed over this open descriptor; the file owns it now
        // (closefd is true).
        let f = unsafe { std::fs::File::from_raw_fd(fd) };
        if f.metadata().is_ok_and(|md| md.is_dir()) {
            return Err(exc::os_error_for(21, "Is a directory", Some(file.clone())));
        }
        if m.appending {
            use std::io::Seek;
            let _ = (&f).seek(std::io::SeekFrom::End(0));
        }
        (f, file.clone())
    } else if is_fd {
        let fd = int::to_isize(file)?;
        if fd < 0 {
            return Err(value_error("negative file descriptor"));
        }
        let fd =
            i32::try_from(fd).map_err(|_| exc::overflow_error("fd is greater than maximum"))?;
        // The descriptor must be open: fstat it through a borrowed handle.
        // SAFETY: the descriptor is only borrowed for the check.
        let borrowed = unsafe { std::os::fd::BorrowedFd::borrow_raw(fd) };
        let dup = borrowed
            .try_clone_to_owned()
            .map_err(|e| exc::from_io_error(&e, None))?;
        // Like FileIO: a directory is refused (EISDIR, the descriptor as filename).
        if std::fs::File::from(dup)
            .metadata()
            .is_ok_and(|md| md.is_dir())
        {
            return Err(exc::os_error_for(21, "Is a directory", Some(file.clone())));
        }
        // SAFETY: the caller handed us this open descriptor; `closefd` decides
        // whether closing the file closes it (FileCore never drops it otherwise).
        (unsafe { std::fs::File::from_raw_fd(fd) }, file.clone())
    } else {
        if !closefd {
            return Err(value_error("Cannot use closefd=False with file name"));
        }
        let p = fspath(file)?;
        let has_nul = if pystr::is_str(&p) {
            pystr::as_str(&p).contains('\0')
        } else {
            strand_objects::bytes::as_bytes(&p).contains(&0)
        };
        if has_nul {
            return Err(value_error("embedded null byte"));
        }
        let path = path_of(&p);
        let mut oo = OpenOptions::new();
        oo.read(m.reading || m.updating);
        oo.write(m.writing || m.appending || m.creating || m.updating);
        if m.writing {
            oo.create(true).truncate(true);
        }
        if m.appending {
            oo.create(true).append(true);
        }
        if m.creating {
            oo.create_new(true);
        }
        let f = core::blocking(|| oo.open(&path))
            .map_err(|e| exc::from_io_error(&e, Some(p.clone())))?;
        if f.metadata().is_ok_and(|md| md.is_dir()) {
            return Err(exc::os_error_for(21, "Is a directory", Some(p)));
        }
        if m.appending {
            // Like FileIO: an appending file starts at its end.
            use std::io::Seek;
            let _ = (&f).seek(std::io::SeekFrom::End(0));
        }
        (f, file.clone())
    };
    let readable = m.reading || m.updating;
    let writable = m.writing || m.appending || m.creating || m.updating;
    let core = FileCore::new(os_file, readable, writable, m.appending, closefd);
    let raw_mode = if m.creating {
        if m.updating {
            "xb+"
        } else {
            "xb"
        }
    } else if m.appending {
        if m.updating {
            "ab+"
        } else {
            "ab"
        }
    } else if readable && writable {
        "rb+"
    } else if readable {
        "rb"
    } else {
        "wb"
    };
    let raw = file::new_file(
        &file::FILEIO_TYPE,
        core.clone(),
        name.clone(),
        raw_mode,
        None,
        None,
    );
    if buffering == 0 {
        return Ok(raw);
    }
    {
        let mut st = core.lock();
        if buffering > 1 {
            st.buf_size = buffering as usize;
        }
        if buffering == 1 && !m.binary {
            st.line_buffering = true;
        }
    }
    let bty = if m.updating {
        &file::BUFFERED_RANDOM_TYPE
    } else if readable {
        &file::BUFFERED_READER_TYPE
    } else {
        &file::BUFFERED_WRITER_TYPE
    };
    let buffered = file::new_file(bty, core.clone(), name.clone(), raw_mode, Some(raw), None);
    if m.binary {
        return Ok(buffered);
    }
    let native = encoding
        .as_ref()
        .is_none_or(|e| pystr::as_str(e) == "locale" || Enc::lookup(pystr::as_str(e)).is_some());
    if !native {
        // Any other codec (UTF-16, cp1252, ...): `TextIOWrapper(buffer, ...)`, which
        // decodes through the codec registry; as CPython's `open`, the file is closed
        // again when that fails (`LookupError: unknown encoding: X`), and the text
        // file's `mode` is the mode given.
        let line_buffering = core.lock().line_buffering;
        let none = singletons::none;
        let text = ab::call(
            &file::TEXTIO_TYPE.to_obj(),
            &[
                buffered.clone(),
                encoding.unwrap_or_else(none),
                errors.unwrap_or_else(none),
                newline.unwrap_or_else(none),
                int::bool_obj(line_buffering),
            ],
            None,
        )
        .and_then(|t| {
            ab::setattr(&t, &pystr::intern("mode"), &pystr::new(&mode_s))?;
            Ok(t)
        });
        if text.is_err() {
            let _ = ab::call_method(&buffered, "close", &[]);
        }
        return text;
    }
    let cfg = text_config(encoding, errors, newline, "UTF-8", "strict")?;
    Ok(file::new_file(
        &file::TEXTIO_TYPE,
        core,
        name,
        &mode_s,
        Some(buffered),
        Some(cfg),
    ))
}

pub(crate) fn text_config(
    encoding: Option<PyObj>,
    errors: Option<PyObj>,
    newline: Option<PyObj>,
    default_encoding: &str,
    default_errors: &str,
) -> PyResult<TextCfg> {
    // "locale" (PEP 597) is the locale's encoding, UTF-8 for strand.
    let encoding = encoding
        .filter(|e| pystr::as_str(e) != "locale")
        .unwrap_or_else(|| pystr::new(default_encoding));
    let enc = Enc::lookup(pystr::as_str(&encoding)).ok_or_else(|| {
        exc::lookup_error(format!("unknown encoding: {}", pystr::as_str(&encoding)))
    })?;
    let errors = errors.unwrap_or_else(|| pystr::new(default_errors));
    let newline = match newline {
        None => Newline::Universal,
        Some(n) => match pystr::as_str(&n) {
            "" => Newline::UniversalRaw,
            "\n" => Newline::Lf,
            "\r" => Newline::Cr,
            "\r\n" => Newline::CrLf,
            other => return Err(value_error(format!("illegal newline value: {other}"))),
        },
    };
    Ok(TextCfg {
        enc,
        encoding,
        errors,
        newline,
    })
}

// ---------------------------------------------------------------------------------
// The standard streams
// ---------------------------------------------------------------------------------

struct StdStreams {
    stdin: usize,
    stdout: usize,
    stderr: usize,
}

static STD: OnceLock<StdStreams> = OnceLock::new();

/// `-u`: the standard streams are made unbuffered (see [`force_unbuffered_stdio`]).
static FORCE_UNBUFFERED: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// Makes `sys.stdout` and `sys.stderr` unbuffered (the command line's `-u`, as
/// `PYTHONUNBUFFERED`); call before [`install`] makes the streams.
pub fn force_unbuffered_stdio() {
    FORCE_UNBUFFERED.store(true, std::sync::atomic::Ordering::Relaxed);
}

fn std_stream(fd: i32, name: &str, writable: bool, errors: &str) -> PyObj {
    use std::io::IsTerminal;
    // SAFETY: descriptors 0, 1 and 2 belong to the process for its whole life; the
    // core is created with closefd=false, so it never closes them.
    let f = unsafe { std::fs::File::from_raw_fd(fd) };
    let tty = f.is_terminal();
    let core = FileCore::new(f, !writable, writable, false, false);
    let unbuffered = FORCE_UNBUFFERED.load(std::sync::atomic::Ordering::Relaxed)
        || std::env::var_os("PYTHONUNBUFFERED").is_some_and(|v| !v.is_empty());
    {
        let mut st = core.lock();
        st.line_buffering = writable && (tty || fd == 2) && !unbuffered;
        st.write_through = writable && unbuffered;
    }
    let n = pystr::new(name);
    let raw_mode = if writable { "wb" } else { "rb" };
    let raw = file::new_file(
        &file::FILEIO_TYPE,
        core.clone(),
        n.clone(),
        raw_mode,
        None,
        None,
    );
    let bty = if writable {
        &file::BUFFERED_WRITER_TYPE
    } else {
        &file::BUFFERED_READER_TYPE
    };
    let buffered = file::new_file(bty, core.clone(), n.clone(), raw_mode, Some(raw), None);
    let cfg = text_config(None, Some(pystr::new(errors)), None, "utf-8", errors)
        .expect("utf-8 is a known encoding");
    file::new_file(
        &file::TEXTIO_TYPE,
        core,
        n,
        if writable { "w" } else { "r" },
        Some(buffered),
        Some(cfg),
    )
}

/// The error handler of `sys.stdin` and `sys.stdout`, chosen as CPython's start-up
/// does (`config_get_stdio_errors`): the `:errors` part of `PYTHONIOENCODING` if
/// given, else `surrogateescape` in UTF-8 mode and under the C and POSIX locales
/// and the UTF-8 locales CPython coerces them to, else `strict`. So undecodable
/// input bytes read as lone surrogates and are written back unchanged.
fn stdio_errors() -> String {
    let env = |name: &str| std::env::var(name).ok().filter(|v| !v.is_empty());
    if let Some(errors) = env("PYTHONIOENCODING").and_then(|v| {
        v.split_once(':')
            .map(|(_, e)| e.to_string())
            .filter(|e| !e.is_empty())
    }) {
        return errors;
    }
    let locale = env("LC_ALL")
        .or_else(|| env("LC_CTYPE"))
        .or_else(|| env("LANG"))
        .unwrap_or_else(|| "C".to_string());
    let utf8_mode = env("PYTHONUTF8").is_some_and(|v| v == "1");
    if utf8_mode
        || matches!(
            locale.as_str(),
            "C" | "POSIX" | "C.UTF-8" | "C.utf8" | "UTF-8"
        )
    {
        "surrogateescape".to_string()
    } else {
        "strict".to_string()
    }
}

fn std_streams() -> &'static StdStreams {
    STD.get_or_init(|| {
        ready();
        let errors = stdio_errors();
        StdStreams {
            stdin: leak(std_stream(0, "<stdin>", false, &errors)),
            stdout: leak(std_stream(1, "<stdout>", true, &errors)),
            stderr: leak(std_stream(2, "<stderr>", true, "backslashreplace")),
        }
    })
}

/// The original `sys.stdin`, `sys.stdout` and `sys.stderr`.
pub fn std_files() -> (PyObj, PyObj, PyObj) {
    let s = std_streams();
    (revive(s.stdin), revive(s.stdout), revive(s.stderr))
}

/// Connects the interpreter to this io implementation, as CPython's start-up does
/// (`init_sys_streams`, `init_set_builtins_open`): `sys.stdin`/`stdout`/`stderr`
/// (and their `__std*__` originals), `builtins.open`, and the interpreter's fast
/// paths for writing to these file objects ([`strand_interp::stdio`]).
pub fn install() {
    let (stdin, stdout, stderr) = std_files();
    strand_interp::sys::set_std_streams(&stdin, &stdout, &stderr);
    dict::set_item_str(
        &strand_interp::state::builtins_dict(),
        "open",
        open_function(),
    );
    strand_interp::stdio::set_hooks(strand_interp::stdio::StdioHooks {
        is_native_text,
        write_native: write_native_text,
        flush_native,
        readline_native,
        write_stderr: write_stderr_text,
    });
}

/// Writes text to the original standard error (for tracebacks and warnings printed
/// by the runtime), in order with what Python code wrote to it.
fn write_stderr_text(s: &str) {
    let (_, _, err) = std_files();
    if file::text_write_utf8(&err, s).is_err() {
        let _ = std::io::Write::write_all(&mut std::io::stderr(), s.as_bytes());
    }
    let _ = file::flush_file(&err);
}

/// `true` if `f` is a native text stream whose `write` may be bypassed.
fn is_native_text(f: &PyObj) -> bool {
    native_textio(f) || f.is_exact(&memio::STRINGIO_TYPE)
}

/// `true` for an exact `TextIOWrapper` set up over strand's own files.
fn native_textio(f: &PyObj) -> bool {
    f.is_exact(&file::TEXTIO_TYPE) && matches!(file::state_of(f), file::State::Native(_))
}

/// Writes `s` to a native text stream (`is_native_text(f)`).
fn write_native_text(f: &PyObj, s: &str) -> PyResult<()> {
    if native_textio(f) {
        file::text_write_utf8(f, s)
    } else {
        memio::stringio_write_str(f, s)
    }
}

/// `f.flush()` for the native file types.
fn flush_native(f: &PyObj) -> Option<PyResult<()>> {
    if native_textio(f) {
        return Some(file::flush_file(f));
    }
    f.is_exact(&memio::STRINGIO_TYPE).then_some(Ok(()))
}

/// `f.readline()` for native text files.
fn readline_native(f: &PyObj) -> Option<PyResult<PyObj>> {
    native_textio(f).then(|| file::text_readline(f, None))
}

/// The `_io` module.
pub fn make_module() -> PyObj {
    ready();
    let m = module::new_native_module("_io");
    let d = module::module_dict(&m);
    for t in [
        &IOBASE_TYPE,
        &RAWIOBASE_TYPE,
        &BUFFEREDIOBASE_TYPE,
        &TEXTIOBASE_TYPE,
        &file::FILEIO_TYPE,
        &file::BUFFERED_READER_TYPE,
        &file::BUFFERED_WRITER_TYPE,
        &file::BUFFERED_RANDOM_TYPE,
        &file::TEXTIO_TYPE,
        &memio::STRINGIO_TYPE,
        &memio::BYTESIO_TYPE,
        &misc::NEWLINE_DECODER_TYPE,
        &misc::RWPAIR_TYPE,
    ] {
        let short = t.name().rsplit_once('.').map_or(t.name(), |(_, s)| s);
        dict::set_item_str(&d, short, t.to_obj());
    }
    dict::set_item_str(&d, "UnsupportedOperation", unsupported_type());
    dict::set_item_str(
        &d,
        "DEFAULT_BUFFER_SIZE",
        int::from_usize(core::DEFAULT_BUFFER_SIZE),
    );
    let open = open_function();
    // `open.__self__` is the `_io` module, as in CPython.
    strand_objects::descr::set_builtin_self_module(&open, &m);
    dict::set_item_str(&d, "open", open);
    dict::set_item_str(&d, "BlockingIOError", exc::BLOCKING_IO_ERROR_TYPE.to_obj());
    strand_interp::native_module::add_functions(
        &m,
        "_io",
        &[("open_code", open_code), ("text_encoding", text_encoding)],
    );
    m
}

/// `open_code(path)`: `open(path, 'rb')` (CPython's hook for opening code; strand
/// has no `PyFile_SetOpenCodeHook`).
fn open_code(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    let b = Args::new(a, k).bind("open_code", 0, &["path"], 1)?;
    let path = b[0].expect("required");
    if !pystr::is_str(path) {
        return Err(type_error(format!(
            "open_code() argument 'path' must be str, not {}",
            path.ty().name()
        )));
    }
    ab::call(&open_function(), &[path.clone(), pystr::new("rb")], None)
}

/// `text_encoding(encoding, stacklevel=2)`: `encoding`, or `"locale"` for `None`
/// (`"utf-8"` in UTF-8 mode), as CPython 3.11. `-X warn_default_encoding` is not
/// implemented, so no `EncodingWarning` is issued.
fn text_encoding(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    let b = Args::new(a, k).bind("text_encoding", 0, &["encoding", "stacklevel"], 1)?;
    let enc = b[0].expect("required");
    if !singletons::is_none(enc) {
        return Ok(enc.clone());
    }
    let sys = strand_interp::state::sys_module();
    let utf8_mode = ab::getattr_str(&sys, "flags")
        .and_then(|f| ab::getattr_str(&f, "utf8_mode"))
        .and_then(|m| ab::is_true(&m))
        .unwrap_or(false);
    Ok(pystr::new(if utf8_mode { "utf-8" } else { "locale" }))
}

/// The one `open` function object (`builtins.open is io.open`).
pub fn open_function() -> PyObj {
    static OPEN: OnceLock<usize> = OnceLock::new();
    revive(*OPEN.get_or_init(|| {
        let o = new_builtin_function("open", open, None);
        set_builtin_module(&o, pystr::intern("io"));
        leak(o)
    }))
}
