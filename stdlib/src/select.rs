//! The `select` module (CPython's Modules/selectmodule.c) on Linux: `select`,
//! `poll` objects and `epoll` objects, the `POLL*`/`EPOLL*` constants, `PIPE_BUF`
//! and `error` (an alias of `OSError`). Waiting runs detached, so other threads
//! and the collector proceed; an `EINTR` is retried with the remaining timeout
//! (PEP 475).
//!
//! A `poll` object keeps its registrations in insertion order, which is the order
//! results come back in, as CPython's dict of registrations gives them.

use std::sync::atomic::{AtomicBool, AtomicI32, Ordering::SeqCst};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use strand_heap::{HeapKind, ObjPtr, ObjectHeader};
use strand_objects::abstract_ as ab;
use strand_objects::args::Args;
use strand_objects::descr::{GetSetDef, MethodDef};
use strand_objects::exceptions::{self as exc, type_error, value_error};
use strand_objects::typeobj::{PyType, Slots, TypeFlags};
use strand_objects::{dict, float, int, list, module, singletons, tuple, PyObj, PyResult};

use crate::fcntl::fd_of;
use crate::modsupport::{self, add_int};
use strand_interp::native_module::add_functions;

fn os_error() -> strand_objects::PyErr {
    exc::from_io_error(&std::io::Error::last_os_error(), None)
}

fn interrupted() -> bool {
    std::io::Error::last_os_error().raw_os_error() == Some(libc::EINTR)
}

/// A timeout in seconds (`None`: wait forever), with CPython's errors.
fn seconds(o: Option<&PyObj>) -> PyResult<Option<Duration>> {
    let Some(o) = o.filter(|o| !singletons::is_none(o)) else {
        return Ok(None);
    };
    let is_number = int::is_int(o)
        || float::is_float(o)
        || o.ty().slots().number.float.is_some()
        || o.ty().slots().number.index.is_some();
    if !is_number {
        return Err(type_error("timeout must be a float or None"));
    }
    let s = ab::as_f64(o)?;
    if s.is_nan() {
        return Err(value_error("Invalid value NaN (not a number)"));
    }
    if s < 0.0 {
        return Err(value_error("timeout must be non-negative"));
    }
    Ok(Some(Duration::from_secs_f64(s.min(1e9))))
}

/// Milliseconds left until `deadline` for a C call (-1: forever).
fn millis_left(deadline: Option<Instant>) -> libc::c_int {
    match deadline {
        None => -1,
        Some(d) => {
            // Rounded up, as CPython rounds poll timeouts.
            let left = d.saturating_duration_since(Instant::now());
            left.as_nanos().div_ceil(1_000_000).min(i32::MAX as u128) as libc::c_int
        }
    }
}

// ---------------------------------------------------------------------------------
// select()
// ---------------------------------------------------------------------------------

/// The descriptors of one of `select()`'s first three arguments: any iterable (a
/// set, as `selectors.SelectSelector` passes), read as CPython's `PySequence_Fast`
/// does: a non-iterable is "arguments 1-3 must be sequences", an error raised while
/// iterating propagates.
fn fds_of(o: &PyObj) -> PyResult<Vec<(PyObj, libc::c_int)>> {
    let it = ab::iter(o).map_err(|e| {
        if e.is_instance(&strand_objects::exceptions::TYPE_ERROR_TYPE) {
            type_error("arguments 1-3 must be sequences")
        } else {
            e
        }
    })?;
    let items = ab::collect_iter(&it)?;
    items
        .into_iter()
        .map(|x| {
            let fd = fd_of(&x)?;
            if fd >= libc::FD_SETSIZE as libc::c_int {
                return Err(value_error("filedescriptor out of range in select()"));
            }
            Ok((x, fd))
        })
        .collect()
}

fn f_select(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    Args::new(a, k).expect_fn("select", 3, 4)?;
    let timeout = seconds(a.get(3))?;
    let sets = [fds_of(&a[0])?, fds_of(&a[1])?, fds_of(&a[2])?];
    let deadline = timeout.map(|t| Instant::now() + t);
    let max = sets.iter().flatten().map(|&(_, fd)| fd).max().unwrap_or(-1);
    loop {
        // SAFETY: fd_set is plain old data; FD_ZERO/FD_SET take fds checked to be
        // below FD_SETSIZE.
        let mut fdsets: [libc::fd_set; 3] = unsafe { std::mem::zeroed() };
        for (set, fds) in fdsets.iter_mut().zip(&sets) {
            // SAFETY: as above.
            unsafe { libc::FD_ZERO(set) };
            for &(_, fd) in fds {
                // SAFETY: as above.
                unsafe { libc::FD_SET(fd, set) };
            }
        }
        let left = deadline.map(|d| d.saturating_duration_since(Instant::now()));
        let mut tv = left.map(|l| libc::timeval {
            tv_sec: l.as_secs() as libc::time_t,
            tv_usec: l.subsec_micros() as libc::suseconds_t,
        });
        let tvp = tv
            .as_mut()
            .map_or(std::ptr::null_mut(), |t| t as *mut libc::timeval);
        let [r, w, x] = &mut fdsets;
        let (rp, wp, xp, tp) = (
            r as *mut _ as usize,
            w as *mut _ as usize,
            x as *mut _ as usize,
            tvp as usize,
        );
        let n = strand_heap::with_detached(|| {
            // SAFETY: the sets and timeval live across the call; nfds bounds them.
            unsafe {
                libc::select(
                    max + 1,
                    rp as *mut libc::fd_set,
                    wp as *mut libc::fd_set,
                    xp as *mut libc::fd_set,
                    tp as *mut libc::timeval,
                )
            }
        });
        if n < 0 {
            if interrupted() {
                continue;
            }
            return Err(os_error());
        }
        let ready = |i: usize| -> PyObj {
            list::new(
                sets[i]
                    .iter()
                    // SAFETY: fd_set filled by select for these fds.
                    .filter(|&&(_, fd)| unsafe { libc::FD_ISSET(fd, &fdsets[i]) })
                    .map(|(o, _)| o.clone())
                    .collect(),
            )
        };
        return Ok(tuple::from_vec(vec![ready(0), ready(1), ready(2)]));
    }
}

// ---------------------------------------------------------------------------------
// poll
// ---------------------------------------------------------------------------------

/// The layout of `select.poll`.
#[repr(C)]
pub struct PyPoll {
    header: ObjectHeader,
    fds: Mutex<Vec<(libc::c_int, libc::c_short)>>,
    polling: AtomicBool,
}

unsafe fn poll_dealloc(obj: ObjPtr) {
    // SAFETY: count zero, exclusive; initialised by `f_poll`.
    unsafe {
        let p = obj.as_ptr() as *mut PyPoll;
        std::ptr::drop_in_place(std::ptr::addr_of_mut!((*p).fds));
        strand_objects::heaptype::dealloc_instance_memory(obj);
    }
}

strand_objects::builtin_type! {
    /// `select.poll`.
    pub static POLL_TYPE = {
        name: "select.poll",
        layout: PyPoll,
        itemsize: 0,
        kind: HeapKind::NonGc,
        flags: TypeFlags::empty(),
        traverse: None,
        clear: None,
        dealloc: poll_dealloc,
        size: None,
        slots: Slots {
            new: Some(|_, _, _| Err(type_error("cannot create 'select.poll' instances"))),
            ..Slots::EMPTY
        },
    }
}

fn poll_of(o: &PyObj) -> &PyPoll {
    // SAFETY: the methods are installed on POLL_TYPE only (not subclassable).
    unsafe { o.payload_unchecked::<PyPoll>() }
}

fn f_poll(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    Args::new(a, k).expect_fn("poll", 0, 0)?;
    let ty: &PyType = &POLL_TYPE;
    let obj = strand_objects::alloc::alloc_instance(ty, ty.basicsize());
    // SAFETY: a fresh allocation with the PyPoll layout, written before it is
    // finished.
    unsafe {
        let p = obj.as_ptr().as_ptr() as *mut PyPoll;
        std::ptr::addr_of_mut!((*p).fds).write(Mutex::new(Vec::new()));
        std::ptr::addr_of_mut!((*p).polling).write(AtomicBool::new(false));
        strand_objects::alloc::finish_instance(ty, &obj);
    }
    Ok(obj)
}

fn event_mask(o: Option<&PyObj>, default: i64) -> PyResult<i64> {
    match o {
        None => Ok(default),
        Some(v) => {
            let m = int::to_bigint(&ab::index(v)?);
            i64::try_from(&m).map_err(|_| {
                exc::overflow_error("Python int too large to convert to C unsigned short")
            })
        }
    }
}

fn poll_register(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    Args::new(a, k).expect("register", 2, 3)?;
    let fd = fd_of(&a[1])?;
    let mask = event_mask(
        a.get(2),
        i64::from(libc::POLLIN | libc::POLLPRI | libc::POLLOUT),
    )?;
    if mask < 0 {
        return Err(value_error("value must be positive"));
    }
    if mask > 0xffff {
        return Err(exc::overflow_error(
            "Python int too large for C unsigned short",
        ));
    }
    let mut fds = modsupport::lock(&poll_of(&a[0]).fds);
    match fds.iter_mut().find(|(f, _)| *f == fd) {
        Some(e) => e.1 = mask as libc::c_short,
        None => fds.push((fd, mask as libc::c_short)),
    }
    Ok(singletons::none())
}

fn poll_modify(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    Args::new(a, k).expect("modify", 3, 3)?;
    let fd = fd_of(&a[1])?;
    let mask = event_mask(a.get(2), 0)?;
    let mut fds = modsupport::lock(&poll_of(&a[0]).fds);
    match fds.iter_mut().find(|(f, _)| *f == fd) {
        Some(e) => {
            e.1 = mask as libc::c_short;
            Ok(singletons::none())
        }
        None => Err(exc::os_error_for(
            i64::from(libc::ENOENT),
            "No such file or directory",
            None,
        )),
    }
}

fn poll_unregister(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    Args::new(a, k).exact("unregister", 2)?;
    let fd = fd_of(&a[1])?;
    let mut fds = modsupport::lock(&poll_of(&a[0]).fds);
    match fds.iter().position(|(f, _)| *f == fd) {
        Some(i) => {
            fds.remove(i);
            Ok(singletons::none())
        }
        None => Err(exc::key_error(int::from_i64(i64::from(fd)))),
    }
}

/// A poll timeout in milliseconds (`None` or negative: forever).
fn poll_millis(o: Option<&PyObj>) -> PyResult<Option<Duration>> {
    let Some(o) = o.filter(|o| !singletons::is_none(o)) else {
        return Ok(None);
    };
    if !int::is_int(o) && !float::is_float(o) && o.ty().slots().number.index.is_none() {
        return Err(type_error("timeout must be an integer or None"));
    }
    let ms = ab::as_f64(o)?;
    if ms < 0.0 {
        return Ok(None);
    }
    Ok(Some(Duration::from_secs_f64((ms / 1000.0).min(1e9))))
}

fn poll_poll(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    Args::new(a, k).expect("poll", 1, 2)?;
    let p = poll_of(&a[0]);
    let timeout = poll_millis(a.get(1))?;
    if p.polling.swap(true, SeqCst) {
        return Err(exc::runtime_error("concurrent poll() invocation"));
    }
    let mut ufds: Vec<libc::pollfd> = modsupport::lock(&p.fds)
        .iter()
        .map(|&(fd, events)| libc::pollfd {
            fd,
            events,
            revents: 0,
        })
        .collect();
    let deadline = timeout.map(|t| Instant::now() + t);
    let r = loop {
        let ms = millis_left(deadline);
        let (ptr, n) = (ufds.as_mut_ptr() as usize, ufds.len());
        // SAFETY: `ufds` holds n pollfds and lives across the call.
        let r = strand_heap::with_detached(|| unsafe {
            libc::poll(ptr as *mut libc::pollfd, n as libc::nfds_t, ms)
        });
        if r < 0 && interrupted() {
            continue;
        }
        break r;
    };
    p.polling.store(false, SeqCst);
    if r < 0 {
        return Err(os_error());
    }
    Ok(list::new(
        ufds.iter()
            .filter(|u| u.revents != 0)
            .map(|u| {
                tuple::pair(
                    int::from_i64(i64::from(u.fd)),
                    int::from_i64(i64::from(u.revents as u16)),
                )
            })
            .collect(),
    ))
}

// ---------------------------------------------------------------------------------
// epoll
// ---------------------------------------------------------------------------------

/// The layout of `select.epoll`.
#[repr(C)]
pub struct PyEpoll {
    header: ObjectHeader,
    epfd: AtomicI32,
}

unsafe fn epoll_dealloc(obj: ObjPtr) {
    // SAFETY: count zero, exclusive; the descriptor is ours to close.
    unsafe {
        let p = &*(obj.as_ptr() as *const PyEpoll);
        let fd = p.epfd.swap(-1, SeqCst);
        if fd >= 0 {
            libc::close(fd);
        }
        strand_objects::heaptype::dealloc_instance_memory(obj);
    }
}

strand_objects::builtin_type! {
    /// `select.epoll`.
    pub static EPOLL_TYPE = {
        name: "select.epoll",
        layout: PyEpoll,
        itemsize: 0,
        kind: HeapKind::NonGc,
        flags: TypeFlags::BASETYPE,
        traverse: None,
        clear: None,
        dealloc: epoll_dealloc,
        size: None,
        slots: Slots {
            new: Some(epoll_new),
            ..Slots::EMPTY
        },
    }
}

fn new_epoll(ty: &PyType, fd: libc::c_int) -> PyObj {
    let obj = strand_objects::alloc::alloc_instance(ty, ty.basicsize());
    // SAFETY: a fresh allocation with the PyEpoll layout, written before it is
    // finished.
    unsafe {
        let p = obj.as_ptr().as_ptr() as *mut PyEpoll;
        std::ptr::addr_of_mut!((*p).epfd).write(AtomicI32::new(fd));
        strand_objects::heaptype::init_slots_region(ty, &obj);
        strand_objects::alloc::finish_instance(ty, &obj);
    }
    obj
}

fn epoll_new(cls: &PyObj, a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    let ty = strand_objects::typeobj::expect_type(cls, "epoll.__new__(X)")?;
    let b = Args::new(a, k).bind("epoll", 0, &["sizehint", "flags"], 0)?;
    let sizehint = match b[0] {
        Some(v) => int::to_isize(&ab::index(v)?)?,
        None => -1,
    };
    if sizehint == 0 || sizehint < -1 {
        return Err(value_error("negative sizehint"));
    }
    if let Some(f) = b[1] {
        let flags = int::to_isize(&ab::index(f)?)?;
        if flags != 0 && flags != libc::EPOLL_CLOEXEC as isize {
            return Err(exc::os_error_for(
                i64::from(libc::EINVAL),
                "Invalid argument",
                None,
            ));
        }
    }
    // SAFETY: epoll_create1 takes flags only.
    let fd = unsafe { libc::epoll_create1(libc::EPOLL_CLOEXEC) };
    if fd < 0 {
        return Err(os_error());
    }
    Ok(new_epoll(ty, fd))
}

fn epfd(o: &PyObj) -> PyResult<libc::c_int> {
    if !o.is_instance_of(&EPOLL_TYPE) {
        return Err(type_error("descriptor requires a 'select.epoll' object"));
    }
    // SAFETY: checked to be an epoll object (or a subclass, extending the layout).
    let fd = unsafe { o.payload_unchecked::<PyEpoll>() }
        .epfd
        .load(SeqCst);
    if fd < 0 {
        return Err(value_error("I/O operation on closed epoll object"));
    }
    Ok(fd)
}

fn epoll_ctl(a: &[PyObj], op: libc::c_int, mask: Option<i64>) -> PyResult<PyObj> {
    let ep = epfd(&a[0])?;
    let fd = fd_of(&a[1])?;
    let mut ev = libc::epoll_event {
        events: mask.unwrap_or(0) as u32,
        u64: fd as u64,
    };
    // SAFETY: `ev` is a valid event for the call.
    if unsafe { libc::epoll_ctl(ep, op, fd, &mut ev) } < 0 {
        return Err(os_error());
    }
    Ok(singletons::none())
}

fn epoll_register(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    let b = Args::new(a, k).bind("register", 1, &["fd", "eventmask"], 1)?;
    let all = [a[0].clone(), b[0].expect("required").clone()];
    let default = i64::from(libc::EPOLLIN | libc::EPOLLPRI | libc::EPOLLOUT);
    let mask = event_mask(b[1], default)?;
    epoll_ctl(&all, libc::EPOLL_CTL_ADD, Some(mask))
}

fn epoll_modify(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    let b = Args::new(a, k).bind("modify", 1, &["fd", "eventmask"], 2)?;
    let all = [a[0].clone(), b[0].expect("required").clone()];
    let mask = event_mask(b[1], 0)?;
    epoll_ctl(&all, libc::EPOLL_CTL_MOD, Some(mask))
}

fn epoll_unregister(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    let b = Args::new(a, k).bind("unregister", 1, &["fd"], 1)?;
    let all = [a[0].clone(), b[0].expect("required").clone()];
    epoll_ctl(&all, libc::EPOLL_CTL_DEL, None)
}

fn epoll_poll(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    let b = Args::new(a, k).bind("poll", 1, &["timeout", "maxevents"], 0)?;
    let ep = epfd(&a[0])?;
    let timeout = seconds(b[0]).or_else(|e| {
        if e.is_instance(&exc::VALUE_ERROR_TYPE) {
            Ok(None)
        } else {
            Err(e)
        }
    })?;
    let maxevents = match b[1] {
        Some(m) => int::to_isize(&ab::index(m)?)?,
        None => -1,
    };
    let maxevents = if maxevents == -1 {
        (libc::FD_SETSIZE - 1) as isize
    } else if maxevents < 1 {
        return Err(value_error(format!(
            "maxevents must be greater than 0, got {maxevents}"
        )));
    } else {
        maxevents
    };
    let mut evs = vec![libc::epoll_event { events: 0, u64: 0 }; maxevents as usize];
    let deadline = timeout.map(|t| Instant::now() + t);
    let n = loop {
        let ms = millis_left(deadline);
        let (ptr, len) = (evs.as_mut_ptr() as usize, evs.len());
        // SAFETY: `evs` holds len events and lives across the call.
        let n = strand_heap::with_detached(|| unsafe {
            libc::epoll_wait(ep, ptr as *mut libc::epoll_event, len as libc::c_int, ms)
        });
        if n < 0 && interrupted() {
            continue;
        }
        break n;
    };
    if n < 0 {
        return Err(os_error());
    }
    Ok(list::new(
        evs[..n as usize]
            .iter()
            .map(|e| {
                let (fd, events) = (e.u64, e.events);
                tuple::pair(int::from_i64(fd as i64), int::from_i64(i64::from(events)))
            })
            .collect(),
    ))
}

fn epoll_close(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    Args::new(a, k).exact("close", 1)?;
    if a[0].is_instance_of(&EPOLL_TYPE) {
        // SAFETY: checked to be an epoll object (or a subclass, extending the layout).
        let p = unsafe { a[0].payload_unchecked::<PyEpoll>() };
        let fd = p.epfd.swap(-1, SeqCst);
        if fd >= 0 {
            // SAFETY: the descriptor was ours.
            unsafe { libc::close(fd) };
        }
    }
    Ok(singletons::none())
}

fn epoll_fromfd(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    Args::new(a, k).exact("fromfd", 2)?;
    let ty = strand_objects::typeobj::expect_type(&a[0], "epoll.fromfd")?;
    let fd = int::to_isize(&ab::index(&a[1])?)? as libc::c_int;
    Ok(new_epoll(ty, fd))
}

/// The `select` module.
pub fn make_module() -> PyObj {
    static READY: std::sync::Once = std::sync::Once::new();
    READY.call_once(|| {
        let object = &strand_objects::baseobject::OBJECT_TYPE;
        POLL_TYPE.ready_static(
            Some(object),
            &[
                MethodDef::new("register", poll_register),
                MethodDef::new("modify", poll_modify),
                MethodDef::new("unregister", poll_unregister),
                MethodDef::new("poll", poll_poll),
            ],
            &[],
        );
        EPOLL_TYPE.ready_static(
            Some(object),
            &[
                MethodDef::new("register", epoll_register),
                MethodDef::new("modify", epoll_modify),
                MethodDef::new("unregister", epoll_unregister),
                MethodDef::new("poll", epoll_poll),
                MethodDef::new("close", epoll_close),
                MethodDef::new("fileno", |a, k| {
                    Args::new(a, k).exact("fileno", 1)?;
                    Ok(int::from_i64(i64::from(epfd(&a[0])?)))
                }),
                MethodDef::class("fromfd", epoll_fromfd),
                MethodDef::new("__enter__", |a, _| {
                    epfd(&a[0])?;
                    Ok(a[0].clone())
                }),
                MethodDef::new("__exit__", |a, _| epoll_close(&a[..1], None)),
            ],
            &[GetSetDef::new(
                "closed",
                |o| {
                    Ok(int::bool_obj(
                        matches!(epfd(o), Err(e) if e.is_instance(&exc::VALUE_ERROR_TYPE)),
                    ))
                },
                None,
            )],
        );
    });
    let m = module::new_native_module("select");
    add_functions(&m, "select", &[("select", f_select), ("poll", f_poll)]);
    let d = module::module_dict(&m);
    dict::set_item_str(&d, "epoll", EPOLL_TYPE.to_obj());
    dict::set_item_str(&d, "error", exc::OS_ERROR_TYPE.to_obj());
    let consts: &[(&str, i64)] = &[
        ("POLLIN", i64::from(libc::POLLIN)),
        ("POLLPRI", i64::from(libc::POLLPRI)),
        ("POLLOUT", i64::from(libc::POLLOUT)),
        ("POLLERR", i64::from(libc::POLLERR)),
        ("POLLHUP", i64::from(libc::POLLHUP)),
        ("POLLNVAL", i64::from(libc::POLLNVAL)),
        ("POLLRDNORM", i64::from(libc::POLLRDNORM)),
        ("POLLRDBAND", i64::from(libc::POLLRDBAND)),
        ("POLLWRNORM", i64::from(libc::POLLWRNORM)),
        ("POLLWRBAND", i64::from(libc::POLLWRBAND)),
        ("POLLMSG", 1024),
        ("POLLRDHUP", i64::from(libc::POLLRDHUP)),
        ("EPOLLIN", i64::from(libc::EPOLLIN)),
        ("EPOLLOUT", i64::from(libc::EPOLLOUT)),
        ("EPOLLPRI", i64::from(libc::EPOLLPRI)),
        ("EPOLLERR", i64::from(libc::EPOLLERR)),
        ("EPOLLHUP", i64::from(libc::EPOLLHUP)),
        ("EPOLLET", i64::from(libc::EPOLLET as u32)),
        ("EPOLLONESHOT", i64::from(libc::EPOLLONESHOT)),
        ("EPOLLEXCLUSIVE", i64::from(libc::EPOLLEXCLUSIVE)),
        ("EPOLLRDHUP", i64::from(libc::EPOLLRDHUP)),
        ("EPOLLRDNORM", i64::from(libc::EPOLLRDNORM)),
        ("EPOLLRDBAND", i64::from(libc::EPOLLRDBAND)),
        ("EPOLLWRNORM", i64::from(libc::EPOLLWRNORM)),
        ("EPOLLWRBAND", i64::from(libc::EPOLLWRBAND)),
        ("EPOLLMSG", i64::from(libc::EPOLLMSG)),
        ("EPOLL_CLOEXEC", i64::from(libc::EPOLL_CLOEXEC)),
        ("PIPE_BUF", libc::PIPE_BUF as i64),
    ];
    for &(name, v) in consts {
        add_int(&d, name, v);
    }
    m
}
