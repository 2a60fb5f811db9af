//! `os.scandir`, `os.DirEntry` and `os.listdir`'s directory reading (CPython's
//! posixmodule.c `ScandirIterator` and `DirEntry`).
//!
//! The directory is read whole when `scandir` is called (detached, with the C
//! library's `opendir`/`fdopendir` and `readdir`), so the iterator is a list of
//! ready `DirEntry` objects and holds no open directory; CPython reads lazily, which
//! differs only when the directory changes during the iteration. A `DirEntry` keeps
//! the `d_type` and inode `readdir` gave and caches its `stat` and `lstat` results
//! behind a mutex, so entries can be shared between threads.

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Mutex;

use strand_heap::{HeapKind, ObjPtr, ObjectHeader};
use strand_objects::args::Args;
use strand_objects::descr::{GetSetDef, MethodDef};
use strand_objects::exceptions::{self as exc};
use strand_objects::typeobj::{Slots, TypeFlags};
use strand_objects::{int, singletons, str as pystr, PyObj, PyResult};

use super::{bind, bool_arg, name_obj, raw_stat, results, PathOrFd};

/// One entry as `readdir` returned it.
pub(crate) struct RawEntry {
    pub name: Vec<u8>,
    pub d_type: u8,
    pub ino: u64,
}

/// Reads the whole directory `target` (skipping `.` and `..`); returns whether names
/// are `bytes` and the entries. A descriptor is duplicated first, so the caller's
/// stays open, and rewound afterwards, as CPython does.
pub(crate) fn read_dir(target: PathOrFd) -> PyResult<(bool, Vec<RawEntry>)> {
    let (as_bytes, path_obj) = match &target {
        PathOrFd::Path(p) => (p.is_bytes(), Some(p.obj.clone())),
        PathOrFd::Fd(_) => (false, None),
    };
    let r = strand_heap::with_detached(|| -> Result<Vec<RawEntry>, std::io::Error> {
        let dir = match &target {
            // SAFETY: a valid C string.
            PathOrFd::Path(p) => unsafe { libc::opendir(p.c.as_ptr()) },
            PathOrFd::Fd(fd) => {
                // SAFETY: plain descriptor calls; on failure the duplicate is closed.
                unsafe {
                    let dup = libc::fcntl(*fd, libc::F_DUPFD_CLOEXEC, 0);
                    if dup < 0 {
                        return Err(std::io::Error::last_os_error());
                    }
                    let d = libc::fdopendir(dup);
                    if d.is_null() {
                        let e = std::io::Error::last_os_error();
                        libc::close(dup);
                        return Err(e);
                    }
                    d
                }
            }
        };
        if dir.is_null() {
            return Err(std::io::Error::last_os_error());
        }
        let mut out = Vec::new();
        let result = loop {
            // SAFETY: `dir` is an open directory stream owned here; errno is reset
            // first so that the end of the stream and an error can be told apart.
            let ent = unsafe {
                *libc::__errno_location() = 0;
                libc::readdir(dir)
            };
            if ent.is_null() {
                // SAFETY: reading this thread's errno.
                let err = unsafe { *libc::__errno_location() };
                break if err == 0 {
                    Ok(())
                } else {
                    Err(std::io::Error::from_raw_os_error(err))
                };
            }
            // SAFETY: readdir's entry is valid until the next readdir on `dir`;
            // d_name is NUL-terminated.
            let (name, d_type, ino) = unsafe {
                let e = &*ent;
                (
                    std::ffi::CStr::from_ptr(e.d_name.as_ptr())
                        .to_bytes()
                        .to_vec(),
                    e.d_type,
                    e.d_ino,
                )
            };
            if name == b"." || name == b".." {
                continue;
            }
            out.push(RawEntry { name, d_type, ino });
        };
        // SAFETY: the stream is ours; closing it closes the duplicated descriptor.
        unsafe {
            if matches!(target, PathOrFd::Fd(_)) {
                libc::rewinddir(dir);
            }
            libc::closedir(dir);
        }
        result.map(|()| out)
    });
    match r {
        Ok(v) => Ok((as_bytes, v)),
        Err(e) => Err(match &path_obj {
            Some(p) => super::os_err(&e, p, None),
            None => exc::from_io_error(&e, None),
        }),
    }
}

// ---------------------------------------------------------------------------------
// DirEntry
// ---------------------------------------------------------------------------------

/// The layout of `posix.DirEntry`.
#[repr(C)]
pub struct PyDirEntry {
    header: ObjectHeader,
    name: PyObj,
    path: PyObj,
    d_type: u8,
    ino: u64,
    /// The directory descriptor `scandir` was given, or -1 (`path` is then a path).
    dir_fd: i32,
    stat: Mutex<Option<PyObj>>,
    lstat: Mutex<Option<PyObj>>,
}

unsafe fn dir_entry_dealloc(obj: ObjPtr) {
    // SAFETY: count zero, exclusive access; fields initialised by `new_entry`.
    unsafe {
        let p = obj.as_ptr() as *mut PyDirEntry;
        std::ptr::drop_in_place(std::ptr::addr_of_mut!((*p).name));
        std::ptr::drop_in_place(std::ptr::addr_of_mut!((*p).path));
        std::ptr::drop_in_place(std::ptr::addr_of_mut!((*p).stat));
        std::ptr::drop_in_place(std::ptr::addr_of_mut!((*p).lstat));
        strand_objects::heaptype::dealloc_instance_memory(obj);
    }
}

strand_objects::builtin_type! {
    /// `posix.DirEntry`.
    pub static DIR_ENTRY_TYPE = {
        name: "posix.DirEntry",
        layout: PyDirEntry,
        itemsize: 0,
        kind: HeapKind::NonGc,
        flags: TypeFlags::empty(),
        traverse: None,
        clear: None,
        dealloc: dir_entry_dealloc,
        size: None,
        slots: Slots { repr: Some(entry_repr), ..Slots::EMPTY },
    }
}

fn entry(o: &PyObj) -> PyResult<&PyDirEntry> {
    if !o.is_instance_of(&DIR_ENTRY_TYPE) {
        return Err(exc::type_error(format!(
            "descriptor requires a 'posix.DirEntry' object but received a '{}'",
            o.ty().name()
        )));
    }
    // SAFETY: checked to be a DirEntry just above.
    Ok(unsafe { o.payload_unchecked::<PyDirEntry>() })
}

fn new_entry(raw: RawEntry, dir: &[u8], as_bytes: bool, dir_fd: i32) -> PyObj {
    let ty = &DIR_ENTRY_TYPE;
    let name = name_obj(&raw.name, as_bytes);
    let path = if dir_fd >= 0 {
        name.clone()
    } else {
        let mut full = dir.to_vec();
        if !full.is_empty() && !full.ends_with(b"/") {
            full.push(b'/');
        }
        full.extend_from_slice(&raw.name);
        name_obj(&full, as_bytes)
    };
    let obj = strand_objects::alloc::alloc_instance(ty, ty.basicsize());
    // SAFETY: fresh allocation with the DirEntry layout; every field written once.
    unsafe {
        let p = obj.as_ptr().as_ptr() as *mut PyDirEntry;
        std::ptr::addr_of_mut!((*p).name).write(name);
        std::ptr::addr_of_mut!((*p).path).write(path);
        std::ptr::addr_of_mut!((*p).d_type).write(raw.d_type);
        std::ptr::addr_of_mut!((*p).ino).write(raw.ino);
        std::ptr::addr_of_mut!((*p).dir_fd).write(dir_fd);
        std::ptr::addr_of_mut!((*p).stat).write(Mutex::new(None));
        std::ptr::addr_of_mut!((*p).lstat).write(Mutex::new(None));
        strand_objects::alloc::finish_instance(ty, &obj);
    }
    obj
}

fn entry_repr(o: &PyObj) -> PyResult<PyObj> {
    let e = entry(o)?;
    Ok(pystr::from_string(format!(
        "<DirEntry {}>",
        strand_objects::abstract_::repr_string(&e.name)?
    )))
}

/// `fstatat` of the entry (cached per `follow`).
fn entry_stat(o: &PyObj, follow: bool) -> PyResult<PyObj> {
    let e = entry(o)?;
    let follow = follow && is_symlink(o)?;
    let cell = if follow { &e.stat } else { &e.lstat };
    if let Some(s) = crate::modsupport::lock(cell).clone() {
        return Ok(s);
    }
    let p = super::path_arg(&e.path, "stat", "path")?;
    let (target, dfd) = if e.dir_fd >= 0 {
        (PathOrFd::Path(p), e.dir_fd)
    } else {
        (PathOrFd::Path(p), libc::AT_FDCWD)
    };
    let st = results::stat_result(&raw_stat(&target, dfd, follow)?)?;
    let mut slot = crate::modsupport::lock(cell);
    Ok(slot.get_or_insert(st).clone())
}

fn mode_of(stat: &PyObj) -> PyResult<u32> {
    let m = strand_objects::tuple::items(stat)[0].clone();
    Ok(int::to_isize(&m)? as u32)
}

fn is_symlink(o: &PyObj) -> PyResult<bool> {
    let e = entry(o)?;
    if e.d_type != libc::DT_UNKNOWN {
        return Ok(e.d_type == libc::DT_LNK);
    }
    test_mode(o, false, libc::S_IFLNK)
}

/// Whether the entry's (l)stat mode has file type `kind`; a vanished file is not.
fn test_mode(o: &PyObj, follow: bool, kind: u32) -> PyResult<bool> {
    match entry_stat(o, follow) {
        Ok(st) => Ok(mode_of(&st)? & libc::S_IFMT == kind),
        Err(err) if err.is_instance(&exc::FILE_NOT_FOUND_ERROR_TYPE) => Ok(false),
        Err(err) => Err(err),
    }
}

fn test_type(a: &[PyObj], k: Option<&PyObj>, name: &str, dt: u8, kind: u32) -> PyResult<PyObj> {
    let b = bind(&a[1..], k, name, &["follow_symlinks"], 0, 0)?;
    let follow = bool_arg(b[0], true)?;
    let e = entry(&a[0])?;
    let r = if e.d_type != libc::DT_UNKNOWN && !(follow && e.d_type == libc::DT_LNK) {
        e.d_type == dt
    } else {
        test_mode(&a[0], follow, kind)?
    };
    Ok(int::bool_obj(r))
}

fn entry_methods() -> Vec<MethodDef> {
    vec![
        MethodDef::new("inode", |a, k| {
            Args::new(a, k).exact("inode", 1)?;
            Ok(int::from_i128(i128::from(entry(&a[0])?.ino)))
        }),
        MethodDef::new("is_dir", |a, k| {
            test_type(a, k, "is_dir", libc::DT_DIR, libc::S_IFDIR)
        }),
        MethodDef::new("is_file", |a, k| {
            test_type(a, k, "is_file", libc::DT_REG, libc::S_IFREG)
        }),
        MethodDef::new("is_symlink", |a, k| {
            Args::new(a, k).exact("is_symlink", 1)?;
            Ok(int::bool_obj(is_symlink(&a[0])?))
        }),
        MethodDef::new("stat", |a, k| {
            let b = bind(&a[1..], k, "stat", &["follow_symlinks"], 0, 0)?;
            entry_stat(&a[0], bool_arg(b[0], true)?)
        }),
        MethodDef::new("__fspath__", |a, k| {
            Args::new(a, k).exact("__fspath__", 1)?;
            Ok(entry(&a[0])?.path.clone())
        }),
    ]
}

fn entry_getsets() -> Vec<GetSetDef> {
    vec![
        GetSetDef::new("name", |o| Ok(entry(o)?.name.clone()), None),
        GetSetDef::new("path", |o| Ok(entry(o)?.path.clone()), None),
    ]
}

/// `posix.DirEntry` (ready for use).
pub fn dir_entry_type() -> PyObj {
    ready();
    DIR_ENTRY_TYPE.to_obj()
}

// ---------------------------------------------------------------------------------
// ScandirIterator
// ---------------------------------------------------------------------------------

/// The layout of `posix.ScandirIterator`: the entries, read when it was made.
#[repr(C)]
pub struct PyScandirIter {
    header: ObjectHeader,
    entries: Vec<PyObj>,
    pos: AtomicUsize,
    closed: AtomicBool,
}

unsafe fn scandir_dealloc(obj: ObjPtr) {
    // SAFETY: count zero, exclusive access; fields initialised by `os_scandir`.
    unsafe {
        let p = obj.as_ptr() as *mut PyScandirIter;
        std::ptr::drop_in_place(std::ptr::addr_of_mut!((*p).entries));
        strand_objects::heaptype::dealloc_instance_memory(obj);
    }
}

strand_objects::builtin_type! {
    /// `posix.ScandirIterator`.
    pub static SCANDIR_ITER_TYPE = {
        name: "posix.ScandirIterator",
        layout: PyScandirIter,
        itemsize: 0,
        kind: HeapKind::NonGc,
        flags: TypeFlags::empty(),
        traverse: None,
        clear: None,
        dealloc: scandir_dealloc,
        size: None,
        slots: Slots {
            iter: Some(|o| Ok(o.clone())),
            iternext: Some(scandir_next),
            ..Slots::EMPTY
        },
    }
}

fn scandir_payload(o: &PyObj) -> &PyScandirIter {
    // SAFETY: the slots and methods are installed on this type only (it cannot be
    // subclassed).
    unsafe { o.payload_unchecked::<PyScandirIter>() }
}

fn scandir_next(o: &PyObj) -> PyResult<Option<PyObj>> {
    let it = scandir_payload(o);
    if it.closed.load(Ordering::Acquire) {
        return Ok(None);
    }
    let i = it.pos.fetch_add(1, Ordering::AcqRel);
    match it.entries.get(i) {
        Some(e) => Ok(Some(e.clone())),
        None => {
            it.pos.store(it.entries.len(), Ordering::Release);
            Ok(None)
        }
    }
}

fn scandir_methods() -> Vec<MethodDef> {
    vec![
        MethodDef::new("close", |a, k| {
            Args::new(a, k).exact("close", 1)?;
            scandir_payload(&a[0]).closed.store(true, Ordering::Release);
            Ok(singletons::none())
        }),
        MethodDef::new("__enter__", |a, k| {
            Args::new(a, k).exact("__enter__", 1)?;
            Ok(a[0].clone())
        }),
        MethodDef::new("__exit__", |a, _k| {
            scandir_payload(&a[0]).closed.store(true, Ordering::Release);
            Ok(singletons::none())
        }),
    ]
}

fn ready() {
    static READY: std::sync::Once = std::sync::Once::new();
    READY.call_once(|| {
        let object = Some(&strand_objects::baseobject::OBJECT_TYPE);
        DIR_ENTRY_TYPE.ready_static(object, &entry_methods(), &entry_getsets());
        strand_objects::genericalias::add_class_getitem(&DIR_ENTRY_TYPE);
        SCANDIR_ITER_TYPE.ready_static(object, &scandir_methods(), &[]);
    });
}

/// `scandir(path='.')`: an iterator of `DirEntry` objects for the directory `path`
/// (a path, or a descriptor open on a directory).
pub fn os_scandir(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    ready();
    let b = bind(a, k, "scandir", &["path"], 1, 0)?;
    let target = super::path_fd_or_none(b[0], "scandir")?;
    let (dir, dir_fd) = match &target {
        PathOrFd::Path(p) => (p.c.as_bytes().to_vec(), -1),
        PathOrFd::Fd(fd) => (Vec::new(), *fd),
    };
    let (as_bytes, raws) = read_dir(target)?;
    let entries: Vec<PyObj> = raws
        .into_iter()
        .map(|r| new_entry(r, &dir, as_bytes, dir_fd))
        .collect();
    let ty = &SCANDIR_ITER_TYPE;
    let obj = strand_objects::alloc::alloc_instance(ty, ty.basicsize());
    // SAFETY: fresh allocation with the iterator's layout; every field written once.
    unsafe {
        let p = obj.as_ptr().as_ptr() as *mut PyScandirIter;
        std::ptr::addr_of_mut!((*p).entries).write(entries);
        std::ptr::addr_of_mut!((*p).pos).write(AtomicUsize::new(0));
        std::ptr::addr_of_mut!((*p).closed).write(AtomicBool::new(false));
        strand_objects::alloc::finish_instance(ty, &obj);
    }
    Ok(obj)
}
