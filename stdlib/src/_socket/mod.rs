//! The `_socket` module (CPython 3.11's Modules/socketmodule.c) on Linux: the
//! `socket` type that CPython's `socket.py` subclasses, `socketpair`, `dup`,
//! `close`, the name service (`getaddrinfo`, `getnameinfo`, `gethostby*`,
//! `getservby*`, `getprotobyname`; `netdb.rs`), address conversions (`inet_*`,
//! `hton*`/`ntoh*`), the default timeout, the constants (`consts.rs`) and the
//! exceptions `error` (= `OSError`), `herror`, `gaierror` and `timeout`
//! (= `TimeoutError`). Addresses convert in `addr.rs`.
//!
//! Timeouts follow CPython: a socket's timeout is `None` (blocking descriptor),
//! `0.0` (non-blocking) or positive (non-blocking descriptor; each operation first
//! polls for readiness with the time left, then raises `TimeoutError('timed out')`).
//! Every call that may block runs detached from the thread state
//! (`strand_heap::with_detached`), touching only C memory; `EINTR` runs the signal
//! handlers and retries (PEP 475). A blocking socket on the main thread polls in
//! slices (`signals::wait_slice`) so that Ctrl-C interrupts a wait.
//!
//! Not built: `sendmsg`/`recvmsg` (so `socket.send_fds`/`recv_fds`), `sethostname`,
//! `if_nameindex`, the CAN/TIPC/ALG/VSOCK/netlink families and their constants,
//! the `ResourceWarning` for unclosed sockets (a socket collected open is closed
//! silently), and `CAPI`.

mod addr;
mod consts;
mod netdb;

use std::sync::atomic::{AtomicI32, AtomicI64, Ordering::SeqCst};
use std::time::{Duration, Instant};

use strand_heap::{HeapKind, ObjPtr, ObjectHeader};
use strand_objects::abstract_ as ab;
use strand_objects::args::Args;
use strand_objects::descr::{GetSetDef, MethodDef};
use strand_objects::exceptions::{self as exc, overflow_error, type_error, value_error};
use strand_objects::typeobj::{PyType, Slots, TypeFlags};
use strand_objects::{
    bytes, dict, float, int, module, singletons, str as pystr, tuple, PyErr, PyObj, PyResult,
};

use crate::modsupport::{self, Leaked};
use addr::{c_int, errno_error, make_sockaddr, sockaddr_arg, SockAddr};

static HERROR: Leaked = Leaked::new();
static GAIERROR: Leaked = Leaked::new();

/// `socket.herror` (a subclass of `OSError`).
pub fn herror() -> PyObj {
    HERROR.get_or_init(|| {
        modsupport::new_exception_class("socket", "herror", &[exc::OS_ERROR_TYPE.to_obj()])
    })
}

/// `socket.gaierror` (a subclass of `OSError`).
pub fn gaierror() -> PyObj {
    GAIERROR.get_or_init(|| {
        modsupport::new_exception_class("socket", "gaierror", &[exc::OS_ERROR_TYPE.to_obj()])
    })
}

/// `cls(code, msg)` as an error to raise.
fn raise2(cls: &PyObj, code: i64, msg: &str) -> PyErr {
    match ab::call(cls, &[int::from_i64(code), pystr::new(msg)], None) {
        Ok(e) => PyErr::from_value(e),
        Err(e) => e,
    }
}

/// The error of a failed `getaddrinfo`/`getnameinfo` (CPython's `set_gaierror`):
/// `gaierror(code, gai_strerror(code))`, or the `errno` error for `EAI_SYSTEM`.
pub(crate) fn gai_error(code: libc::c_int) -> PyErr {
    if code == libc::EAI_SYSTEM {
        return errno_error(std::io::Error::last_os_error().raw_os_error().unwrap_or(0));
    }
    // SAFETY: gai_strerror returns a static NUL-terminated string.
    let msg = unsafe { std::ffi::CStr::from_ptr(libc::gai_strerror(code)) };
    raise2(&gaierror(), i64::from(code), &msg.to_string_lossy())
}

/// `OSError(msg)` (no errno), as CPython raises for malformed addresses.
pub(crate) fn os_error_msg(msg: impl AsRef<str>) -> PyErr {
    PyErr::new(&exc::OS_ERROR_TYPE, msg)
}

fn timed_out() -> PyErr {
    PyErr::new(&exc::TIMEOUT_ERROR_TYPE, "timed out")
}

fn last_errno() -> i32 {
    std::io::Error::last_os_error().raw_os_error().unwrap_or(0)
}

/// A C call's result with its `errno` read at once (inside the detached closure).
fn cvt(r: isize) -> Result<isize, i32> {
    if r < 0 {
        Err(last_errno())
    } else {
        Ok(r)
    }
}

// ---------------------------------------------------------------------------------
// Timeouts
// ---------------------------------------------------------------------------------

/// The default timeout of new sockets in nanoseconds (-1: none).
static DEFAULT_TIMEOUT: AtomicI64 = AtomicI64::new(-1);

/// A timeout argument in nanoseconds, -1 for `None` (CPython's
/// `socket_parse_timeout`: seconds rounded up to the nanosecond).
fn parse_timeout(o: &PyObj) -> PyResult<i64> {
    if singletons::is_none(o) {
        return Ok(-1);
    }
    let ns = if float::is_float(o) {
        let s = float::value(o);
        if s.is_nan() {
            return Err(value_error("Invalid value NaN (not a number)"));
        }
        let ns = (s * 1e9).ceil();
        if !(-9.2e18..9.2e18).contains(&ns) {
            return Err(overflow_error("timestamp out of range for platform time_t"));
        }
        ns as i64
    } else {
        let v = int::to_bigint(&ab::index(o)?);
        let ns = v * num_bigint::BigInt::from(1_000_000_000i64);
        i64::try_from(&ns)
            .map_err(|_| overflow_error("timestamp too large to convert to C _PyTime_t"))?
    };
    if ns < 0 {
        return Err(value_error("Timeout value out of range"));
    }
    Ok(ns)
}

fn timeout_obj(ns: i64) -> PyObj {
    if ns < 0 {
        singletons::none()
    } else {
        float::from_f64(ns as f64 / 1e9)
    }
}

// ---------------------------------------------------------------------------------
// The socket type
// ---------------------------------------------------------------------------------

/// The layout of `_socket.socket`: the descriptor (-1 once closed or detached),
/// family, type and protocol as given to (or found by) `__init__`, and the
/// timeout in nanoseconds (-1: blocking, 0: non-blocking).
#[repr(C)]
pub struct PySocket {
    header: ObjectHeader,
    fd: AtomicI32,
    family: AtomicI32,
    ty: AtomicI32,
    proto: AtomicI32,
    timeout: AtomicI64,
}

impl PySocket {
    fn fd(&self) -> libc::c_int {
        self.fd.load(SeqCst)
    }

    fn timeout(&self) -> i64 {
        self.timeout.load(SeqCst)
    }
}

unsafe fn socket_dealloc(obj: ObjPtr) {
    // SAFETY: count zero, exclusive; the descriptor (if still open) is ours.
    unsafe {
        let p = &*(obj.as_ptr() as *const PySocket);
        let fd = p.fd.swap(-1, SeqCst);
        if fd >= 0 {
            libc::close(fd);
        }
        strand_objects::heaptype::dealloc_instance_memory(obj);
    }
}

strand_objects::builtin_type! {
    /// `_socket.socket` (also `SocketType`).
    pub static SOCKET_TYPE = {
        name: "_socket.socket",
        layout: PySocket,
        itemsize: 0,
        kind: HeapKind::Gc,
        flags: TypeFlags::BASETYPE,
        traverse: Some(|_, _| {}),
        clear: None,
        dealloc: socket_dealloc,
        size: None,
        slots: Slots {
            new: Some(socket_new),
            init: Some(socket_init),
            repr: Some(socket_repr),
            ..Slots::EMPTY
        },
    }
}

fn alloc_socket(ty: &PyType) -> PyObj {
    let obj = strand_objects::alloc::alloc_instance(ty, ty.basicsize());
    // SAFETY: a fresh allocation of a (sub)type of socket; the base layout is
    // written and the subclass's slots initialised before it is finished.
    unsafe {
        let p = obj.as_ptr().as_ptr() as *mut PySocket;
        std::ptr::addr_of_mut!((*p).fd).write(AtomicI32::new(-1));
        std::ptr::addr_of_mut!((*p).family).write(AtomicI32::new(libc::AF_INET));
        std::ptr::addr_of_mut!((*p).ty).write(AtomicI32::new(libc::SOCK_STREAM));
        std::ptr::addr_of_mut!((*p).proto).write(AtomicI32::new(0));
        std::ptr::addr_of_mut!((*p).timeout).write(AtomicI64::new(-1));
        strand_objects::heaptype::init_slots_region(ty, &obj);
        strand_objects::alloc::finish_instance(ty, &obj);
    }
    obj
}

fn socket_new(cls: &PyObj, _a: &[PyObj], _k: Option<&PyObj>) -> PyResult<PyObj> {
    let ty = strand_objects::typeobj::expect_type(cls, "socket.__new__(X)")?;
    Ok(alloc_socket(ty))
}

fn sock(o: &PyObj) -> PyResult<&PySocket> {
    if !o.is_instance_of(&SOCKET_TYPE) {
        return Err(type_error(format!(
            "descriptor requires a '_socket.socket' object but received a '{}'",
            o.ty().name()
        )));
    }
    // SAFETY: checked to be a socket (or a subclass, extending the layout).
    Ok(unsafe { o.payload_unchecked::<PySocket>() })
}

/// Sets `O_NONBLOCK` on `fd` or clears it (CPython's `internal_setblocking`).
fn set_blocking_fd(fd: libc::c_int, block: bool) -> PyResult<()> {
    // SAFETY: plain descriptor calls; failures are reported through errno.
    unsafe {
        let flags = libc::fcntl(fd, libc::F_GETFL);
        if flags < 0 {
            return Err(errno_error(last_errno()));
        }
        let new = if block {
            flags & !libc::O_NONBLOCK
        } else {
            flags | libc::O_NONBLOCK
        };
        if new != flags && libc::fcntl(fd, libc::F_SETFL, new) < 0 {
            return Err(errno_error(last_errno()));
        }
    }
    Ok(())
}

/// Fills a socket object for `fd` (CPython's `init_sockobject`): the
/// `SOCK_NONBLOCK`/`SOCK_CLOEXEC` bits leave the type; the timeout is 0 for a
/// `SOCK_NONBLOCK` type, else the default timeout (making the descriptor
/// non-blocking when there is one).
fn init_socket(s: &PySocket, fd: libc::c_int, family: i32, ty: i32, proto: i32) -> PyResult<()> {
    s.fd.store(fd, SeqCst);
    s.family.store(family, SeqCst);
    s.ty.store(ty & !(libc::SOCK_NONBLOCK | libc::SOCK_CLOEXEC), SeqCst);
    s.proto.store(proto, SeqCst);
    if ty & libc::SOCK_NONBLOCK != 0 {
        s.timeout.store(0, SeqCst);
    } else {
        let t = DEFAULT_TIMEOUT.load(SeqCst);
        s.timeout.store(t, SeqCst);
        if t >= 0 {
            set_blocking_fd(fd, false)?;
        }
    }
    Ok(())
}

fn sockopt_int(fd: libc::c_int, opt: libc::c_int) -> Result<i32, i32> {
    let mut v: libc::c_int = 0;
    let mut len = std::mem::size_of::<libc::c_int>() as libc::socklen_t;
    // SAFETY: an int-sized buffer and its length.
    let r = unsafe {
        libc::getsockopt(
            fd,
            libc::SOL_SOCKET,
            opt,
            (&mut v as *mut libc::c_int).cast(),
            &mut len,
        )
    };
    if r < 0 {
        Err(last_errno())
    } else {
        Ok(v)
    }
}

/// `socket(family=-1, type=-1, proto=-1, fileno=None)`: a new socket, or an
/// existing descriptor whose family, type and protocol are read from the kernel
/// where given as -1.
fn socket_init(o: &PyObj, a: &[PyObj], k: Option<&PyObj>) -> PyResult<()> {
    let b = Args::new(a, k).bind("socket", 0, &["family", "type", "proto", "fileno"], 0)?;
    let s = sock(o)?;
    let mut family = b[0].map_or(Ok(-1), c_int)?;
    let mut ty = b[1].map_or(Ok(-1), c_int)?;
    let mut proto = b[2].map_or(Ok(-1), c_int)?;
    let fd = match b[3].filter(|f| !singletons::is_none(f)) {
        Some(f) => {
            if float::is_float(f) {
                return Err(type_error(
                    "'float' object cannot be interpreted as an integer",
                ));
            }
            let fd = int::to_bigint(&ab::index(f)?);
            let fd = i32::try_from(&fd)
                .map_err(|_| overflow_error("Python int too large to convert to C long"))?;
            if fd < 0 {
                return Err(value_error("negative file descriptor"));
            }
            let mut a = SockAddr::empty();
            // SAFETY: a buffer of the length passed.
            if unsafe { libc::getsockname(fd, a.as_mut_ptr(), &mut a.len) } == 0 {
                if family == -1 {
                    family = i32::from(a.storage.ss_family);
                }
            } else {
                let e = last_errno();
                if e == libc::EBADF || e == libc::ENOTSOCK {
                    return Err(errno_error(e));
                }
            }
            if ty == -1 {
                ty = sockopt_int(fd, libc::SO_TYPE).map_err(errno_error)?;
            }
            if proto == -1 {
                proto = sockopt_int(fd, libc::SO_PROTOCOL).map_err(errno_error)?;
            }
            fd
        }
        None => {
            if family == -1 {
                family = libc::AF_INET;
            }
            if ty == -1 {
                ty = libc::SOCK_STREAM;
            }
            if proto == -1 {
                proto = 0;
            }
            // SAFETY: a plain system call.
            let fd = unsafe { libc::socket(family, ty | libc::SOCK_CLOEXEC, proto) };
            if fd < 0 {
                return Err(errno_error(last_errno()));
            }
            fd
        }
    };
    init_socket(s, fd, family, ty, proto)
}

fn socket_repr(o: &PyObj) -> PyResult<PyObj> {
    let s = sock(o)?;
    Ok(pystr::from_string(format!(
        "<socket object, fd={}, family={}, type={}, proto={}>",
        s.fd(),
        s.family.load(SeqCst),
        s.ty.load(SeqCst),
        s.proto.load(SeqCst)
    )))
}

/// What an operation waits for before it is tried.
#[derive(Clone, Copy)]
enum Ready {
    Read,
    Write,
}

/// Why a socket operation failed.
enum CallErr {
    /// The C call failed with this errno.
    Os(i32),
    /// The timeout passed.
    Timeout,
    /// A signal handler raised.
    Py(PyErr),
}

impl CallErr {
    fn into_py(self) -> PyErr {
        match self {
            CallErr::Os(e) => errno_error(e),
            CallErr::Timeout => timed_out(),
            CallErr::Py(e) => e,
        }
    }
}

/// Waits detached until `fd` is ready for `ready`, until `deadline` (then
/// `Timeout`), or forever; on the main thread in slices, running the signal
/// handlers between them.
fn wait_ready(fd: libc::c_int, ready: Ready, deadline: Option<Instant>) -> Result<(), CallErr> {
    let slice = strand_interp::signals::wait_slice();
    let events = match ready {
        Ready::Read => libc::POLLIN,
        Ready::Write => libc::POLLOUT,
    };
    loop {
        strand_interp::signals::check_interrupt().map_err(CallErr::Py)?;
        let left = match deadline {
            Some(d) => {
                let left = d.saturating_duration_since(Instant::now());
                if left.is_zero() {
                    return Err(CallErr::Timeout);
                }
                Some(left)
            }
            None => None,
        };
        let wait = match (left, slice) {
            (Some(l), Some(s)) => Some(l.min(s)),
            (l, s) => l.or(s),
        };
        let ms = wait.map_or(-1, |w| {
            w.as_nanos().div_ceil(1_000_000).min(i32::MAX as u128) as libc::c_int
        });
        let mut p = libc::pollfd {
            fd,
            events,
            revents: 0,
        };
        // SAFETY: one pollfd, alive across the call.
        let r = strand_heap::with_detached(|| cvt(unsafe { libc::poll(&mut p, 1, ms) } as isize));
        match r {
            Err(libc::EINTR) | Ok(0) => continue,
            Err(e) => return Err(CallErr::Os(e)),
            Ok(_) => return Ok(()),
        }
    }
}

/// Runs a socket operation as CPython's `sock_call_ex` does: with a timeout
/// (`timeout_ns` > 0), or `poll_first`, it first waits for readiness; the
/// operation runs detached; `EINTR` runs the signal handlers and retries;
/// `EWOULDBLOCK` under a timeout waits again. A blocking socket on the main thread
/// also waits first, in slices, so that signals are seen.
fn sock_call(
    s: &PySocket,
    ready: Ready,
    timeout_ns: i64,
    poll_first: bool,
    op: &mut dyn FnMut(libc::c_int) -> Result<isize, i32>,
) -> Result<isize, CallErr> {
    let deadline =
        (timeout_ns > 0).then(|| Instant::now() + Duration::from_nanos(timeout_ns as u64));
    let slice_wait = timeout_ns < 0 && strand_interp::signals::wait_slice().is_some();
    let mut first = true;
    loop {
        let fd = s.fd();
        if fd >= 0 && (timeout_ns > 0 || slice_wait || (first && poll_first)) {
            wait_ready(fd, ready, deadline)?;
        }
        first = false;
        match strand_heap::with_detached(|| op(fd)) {
            Ok(n) => return Ok(n),
            Err(libc::EINTR) => {
                strand_interp::signals::check_interrupt().map_err(CallErr::Py)?;
            }
            Err(e) if timeout_ns > 0 && (e == libc::EWOULDBLOCK || e == libc::EAGAIN) => {}
            Err(e) => return Err(CallErr::Os(e)),
        }
    }
}

/// [`sock_call`] with the socket's own timeout, errors raised.
fn call(
    s: &PySocket,
    ready: Ready,
    op: &mut dyn FnMut(libc::c_int) -> Result<isize, i32>,
) -> PyResult<isize> {
    sock_call(s, ready, s.timeout(), false, op).map_err(CallErr::into_py)
}

fn none() -> PyObj {
    singletons::none()
}

fn m_fileno(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    Args::new(a, k).exact("fileno", 1)?;
    Ok(int::from_i64(i64::from(sock(&a[0])?.fd())))
}

fn m_detach(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    Args::new(a, k).exact("detach", 1)?;
    Ok(int::from_i64(i64::from(sock(&a[0])?.fd.swap(-1, SeqCst))))
}

fn m_close(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    Args::new(a, k).exact("close", 1)?;
    let fd = sock(&a[0])?.fd.swap(-1, SeqCst);
    if fd >= 0 {
        // SAFETY: the descriptor was this socket's.
        let r = strand_heap::with_detached(|| unsafe { libc::close(fd) });
        // Like CPython, ECONNRESET from close is not an error (bpo-30319).
        if r < 0 {
            let e = last_errno();
            if e != libc::ECONNRESET {
                return Err(errno_error(e));
            }
        }
    }
    Ok(none())
}

fn m_dup(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    Args::new(a, k).exact("dup", 1)?;
    let s = sock(&a[0])?;
    // SAFETY: a plain descriptor call.
    let fd = unsafe { libc::fcntl(s.fd(), libc::F_DUPFD_CLOEXEC, 0) };
    if fd < 0 {
        return Err(errno_error(last_errno()));
    }
    let o = alloc_socket(&SOCKET_TYPE);
    let r = init_socket(
        sock(&o)?,
        fd,
        s.family.load(SeqCst),
        s.ty.load(SeqCst),
        s.proto.load(SeqCst),
    );
    r.map(|_| o)
}

fn m_bind(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    Args::new(a, k).exact("bind", 2)?;
    let s = sock(&a[0])?;
    let addr = sockaddr_arg(s.family.load(SeqCst), &a[1], "bind")?;
    // SAFETY: a valid address of `len` bytes.
    let r = unsafe { libc::bind(s.fd(), addr.as_ptr(), addr.len) };
    if r < 0 {
        return Err(errno_error(last_errno()));
    }
    Ok(none())
}

fn m_listen(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    Args::new(a, k).range("listen", 1, 2)?;
    let s = sock(&a[0])?;
    let backlog = match a.get(1) {
        Some(b) => c_int(b)?.max(0),
        None => libc::SOMAXCONN.min(128),
    };
    // SAFETY: a plain system call.
    if unsafe { libc::listen(s.fd(), backlog) } < 0 {
        return Err(errno_error(last_errno()));
    }
    Ok(none())
}

fn m_accept(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    Args::new(a, k).exact("_accept", 1)?;
    let s = sock(&a[0])?;
    let mut addr = SockAddr::empty();
    let (p, lp) = (addr.as_mut_ptr(), &mut addr.len as *mut libc::socklen_t);
    let fd = call(s, Ready::Read, &mut |fd| {
        // SAFETY: `lp` holds the size of the storage `p` points to; both outlive the
        // call.
        unsafe { *lp = std::mem::size_of::<libc::sockaddr_storage>() as libc::socklen_t };
        // SAFETY: as above.
        cvt(unsafe { libc::accept4(fd, p, lp, libc::SOCK_CLOEXEC) } as isize)
    })?;
    let addr_obj = make_sockaddr(&addr);
    let addr_obj = match addr_obj {
        Ok(v) => v,
        Err(e) => {
            // SAFETY: the new descriptor is ours to close on failure.
            unsafe { libc::close(fd as libc::c_int) };
            return Err(e);
        }
    };
    Ok(tuple::pair(int::from_i64(fd as i64), addr_obj))
}

/// CPython's `internal_connect`: `Ok(())`, or the errno (`EWOULDBLOCK` after a
/// timeout when `raise_timeout` is false) as `Err(CallErr::Os)`.
fn connect(s: &PySocket, addr: &SockAddr) -> Result<(), CallErr> {
    let fd = s.fd();
    let (p, len) = (addr.as_ptr(), addr.len);
    // SAFETY: a valid address of `len` bytes.
    let r = strand_heap::with_detached(|| cvt(unsafe { libc::connect(fd, p, len) } as isize));
    let err = match r {
        Ok(_) => return Ok(()),
        Err(e) => e,
    };
    let timeout = s.timeout();
    let wait = if err == libc::EINTR {
        strand_interp::signals::check_interrupt().map_err(CallErr::Py)?;
        timeout != 0
    } else {
        timeout > 0 && err == libc::EINPROGRESS
    };
    if !wait {
        return Err(CallErr::Os(err));
    }
    sock_call(
        s,
        Ready::Write,
        timeout,
        true,
        &mut |fd| match sockopt_int(fd, libc::SO_ERROR) {
            Err(e) => Err(e),
            Ok(0) | Ok(libc::EISCONN) => Ok(0),
            Ok(e) => Err(e),
        },
    )
    .map(|_| ())
}

fn m_connect(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    Args::new(a, k).exact("connect", 2)?;
    let s = sock(&a[0])?;
    let addr = sockaddr_arg(s.family.load(SeqCst), &a[1], "connect")?;
    connect(s, &addr).map_err(CallErr::into_py)?;
    Ok(none())
}

fn m_connect_ex(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    Args::new(a, k).exact("connect_ex", 2)?;
    let s = sock(&a[0])?;
    let addr = sockaddr_arg(s.family.load(SeqCst), &a[1], "connect_ex")?;
    let code = match connect(s, &addr) {
        Ok(()) => 0,
        Err(CallErr::Os(e)) => e,
        Err(CallErr::Timeout) => libc::EWOULDBLOCK,
        Err(CallErr::Py(e)) => return Err(e),
    };
    Ok(int::from_i64(i64::from(code)))
}

fn flags_arg(o: Option<&PyObj>) -> PyResult<libc::c_int> {
    o.map_or(Ok(0), c_int)
}

fn send_impl(
    s: &PySocket,
    data: &[u8],
    flags: libc::c_int,
    timeout: i64,
) -> Result<isize, CallErr> {
    let (p, n) = (data.as_ptr(), data.len());
    sock_call(s, Ready::Write, timeout, false, &mut |fd| {
        // SAFETY: `n` readable bytes at `p`, alive across the call.
        cvt(unsafe { libc::send(fd, p.cast(), n, flags) })
    })
}

fn m_send(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    Args::new(a, k).range("send", 2, 3)?;
    let s = sock(&a[0])?;
    let data = crate::buffer::bytes_like(&a[1])?;
    let flags = flags_arg(a.get(2))?;
    let n = send_impl(s, &data, flags, s.timeout()).map_err(CallErr::into_py)?;
    Ok(int::from_i64(n as i64))
}

/// `sendall(data[, flags])`: sends until done; under a timeout the whole call
/// shares one deadline, as in CPython 3.5+.
fn m_sendall(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    Args::new(a, k).range("sendall", 2, 3)?;
    let s = sock(&a[0])?;
    let data = crate::buffer::bytes_like(&a[1])?;
    let flags = flags_arg(a.get(2))?;
    let timeout = s.timeout();
    let deadline = (timeout > 0).then(|| Instant::now() + Duration::from_nanos(timeout as u64));
    let mut off = 0;
    loop {
        let t = match deadline {
            Some(d) => {
                let left = d.saturating_duration_since(Instant::now());
                if left.is_zero() {
                    return Err(timed_out());
                }
                left.as_nanos().max(1) as i64
            }
            None => timeout,
        };
        let n = send_impl(s, &data[off..], flags, t).map_err(CallErr::into_py)?;
        off += n as usize;
        strand_interp::signals::check_interrupt()?;
        if off >= data.len() {
            return Ok(none());
        }
    }
}

fn m_sendto(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    let args = Args::new(a, k);
    args.no_kwargs("sendto")?;
    let (flags, addr_obj) = match args.nargs() {
        3 => (0, &a[2]),
        4 => (c_int(&a[2])?, &a[3]),
        n => {
            return Err(type_error(format!(
                "sendto() takes 2 or 3 arguments ({} given)",
                n.saturating_sub(1)
            )))
        }
    };
    let s = sock(&a[0])?;
    let data = crate::buffer::bytes_like(&a[1])?;
    let addr = sockaddr_arg(s.family.load(SeqCst), addr_obj, "sendto")?;
    let (p, n, ap, al) = (data.as_ptr(), data.len(), addr.as_ptr(), addr.len);
    let r = call(s, Ready::Write, &mut |fd| {
        // SAFETY: `n` readable bytes at `p` and a valid address, alive across the
        // call.
        cvt(unsafe { libc::sendto(fd, p.cast(), n, flags, ap, al) })
    })?;
    Ok(int::from_i64(r as i64))
}

/// Receives up to `n` bytes (with the sender's address when `from`).
fn recv_impl(
    s: &PySocket,
    n: usize,
    flags: libc::c_int,
    from: bool,
) -> PyResult<(Vec<u8>, Option<SockAddr>)> {
    let mut buf = Vec::new();
    buf.try_reserve_exact(n).map_err(|_| exc::memory_error())?;
    buf.resize(n, 0u8);
    let mut addr = SockAddr::empty();
    let (p, ap, lp) = (
        buf.as_mut_ptr(),
        addr.as_mut_ptr(),
        &mut addr.len as *mut libc::socklen_t,
    );
    let got = call(s, Ready::Read, &mut |fd| {
        if from {
            // SAFETY: `lp` holds the size of the storage at `ap`; all outlive the call.
            unsafe { *lp = std::mem::size_of::<libc::sockaddr_storage>() as libc::socklen_t };
            // SAFETY: `n` writable bytes at `p`, the address buffer as above.
            cvt(unsafe { libc::recvfrom(fd, p.cast(), n, flags, ap, lp) })
        } else {
            // SAFETY: `n` writable bytes at `p`, alive across the call.
            cvt(unsafe { libc::recv(fd, p.cast(), n, flags) })
        }
    })?;
    buf.truncate(got as usize);
    Ok((buf, from.then_some(addr)))
}

fn size_arg(o: &PyObj, what: &str) -> PyResult<usize> {
    let n = int::to_isize(&ab::index(o)?)?;
    usize::try_from(n).map_err(|_| value_error(format!("negative buffersize in {what}")))
}

fn m_recv(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    Args::new(a, k).range("recv", 2, 3)?;
    let s = sock(&a[0])?;
    let n = size_arg(&a[1], "recv")?;
    let flags = flags_arg(a.get(2))?;
    let (data, _) = recv_impl(s, n, flags, false)?;
    Ok(bytes::new(&data))
}

fn m_recvfrom(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    Args::new(a, k).range("recvfrom", 2, 3)?;
    let s = sock(&a[0])?;
    let n = size_arg(&a[1], "recvfrom")?;
    let flags = flags_arg(a.get(2))?;
    let (data, addr) = recv_impl(s, n, flags, true)?;
    let addr = make_sockaddr(&addr.expect("asked for the address"))?;
    Ok(tuple::pair(bytes::new(&data), addr))
}

/// `recv_into(buffer[, nbytes[, flags]])` and `recvfrom_into`: receives into a
/// writable buffer (through a temporary, copied in after the call).
fn recv_into(a: &[PyObj], k: Option<&PyObj>, name: &'static str, from: bool) -> PyResult<PyObj> {
    let b = Args::new(a, k).bind(name, 1, &["buffer", "nbytes", "flags"], 1)?;
    let s = sock(&a[0])?;
    let target = b[0].expect("required");
    let dest = crate::buffer::writable_buffer(target, None).map_err(|_| {
        type_error(format!(
            "{name}() argument 1 must be read-write bytes-like object, not {}",
            target.ty().name()
        ))
    })?;
    let nbytes = match b[1] {
        Some(n) => int::to_isize(&ab::index(n)?)?,
        None => 0,
    };
    let flags = flags_arg(b[2])?;
    if nbytes < 0 {
        return Err(value_error(format!("negative buffersize in {name}")));
    }
    let len = dest.len();
    let n = if nbytes == 0 { len } else { nbytes as usize };
    if n > len {
        return Err(value_error(if from {
            "nbytes is greater than the length of the buffer"
        } else {
            "buffer too small for requested bytes"
        }));
    }
    let (data, addr) = recv_impl(s, n, flags, from)?;
    dest.with_bytes_mut(|d| d[..data.len()].copy_from_slice(&data));
    let count = int::from_usize(data.len());
    match addr {
        Some(addr) => Ok(tuple::pair(count, make_sockaddr(&addr)?)),
        None => Ok(count),
    }
}

fn m_shutdown(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    Args::new(a, k).exact("shutdown", 2)?;
    let s = sock(&a[0])?;
    let how = c_int(&a[1])?;
    // SAFETY: a plain system call.
    if strand_heap::with_detached(|| unsafe { libc::shutdown(s.fd(), how) }) < 0 {
        return Err(errno_error(last_errno()));
    }
    Ok(none())
}

/// `setsockopt(level, opt, value: int | buffer)` or `setsockopt(level, opt, None,
/// optlen)`.
fn m_setsockopt(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    Args::new(a, k).range("setsockopt", 4, 5)?;
    let s = sock(&a[0])?;
    let level = c_int(&a[1])?;
    let opt = c_int(&a[2])?;
    let r = if a.len() == 5 {
        if !singletons::is_none(&a[3]) {
            return Err(type_error(format!(
                "setsockopt() argument 3 must be NoneType, not {}",
                a[3].ty().name()
            )));
        }
        let optlen = int::to_bigint(&ab::index(&a[4])?);
        let optlen = u32::try_from(&optlen)
            .map_err(|_| overflow_error("Python int too large to convert to C unsigned long"))?;
        // SAFETY: a null value with a length is how the call takes "no value".
        unsafe { libc::setsockopt(s.fd(), level, opt, std::ptr::null(), optlen) }
    } else if int::is_int(&a[3]) {
        let v = c_int(&a[3])?;
        // SAFETY: an int and its size.
        unsafe {
            libc::setsockopt(
                s.fd(),
                level,
                opt,
                (&v as *const libc::c_int).cast(),
                std::mem::size_of::<libc::c_int>() as libc::socklen_t,
            )
        }
    } else {
        let buf = crate::buffer::bytes_like(&a[3])?;
        // SAFETY: the buffer and its length.
        unsafe {
            libc::setsockopt(
                s.fd(),
                level,
                opt,
                buf.as_ptr().cast(),
                buf.len() as libc::socklen_t,
            )
        }
    };
    if r < 0 {
        return Err(errno_error(last_errno()));
    }
    Ok(none())
}

/// `getsockopt(level, opt[, buflen])`: an int, or up to `buflen` bytes.
fn m_getsockopt(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    Args::new(a, k).range("getsockopt", 3, 4)?;
    let s = sock(&a[0])?;
    let level = c_int(&a[1])?;
    let opt = c_int(&a[2])?;
    let buflen = a.get(3).map_or(Ok(0), c_int)?;
    if buflen == 0 {
        let mut v: libc::c_int = 0;
        let mut len = std::mem::size_of::<libc::c_int>() as libc::socklen_t;
        // SAFETY: an int-sized buffer and its length.
        let r = unsafe {
            libc::getsockopt(
                s.fd(),
                level,
                opt,
                (&mut v as *mut libc::c_int).cast(),
                &mut len,
            )
        };
        if r < 0 {
            return Err(errno_error(last_errno()));
        }
        return Ok(int::from_i64(i64::from(v)));
    }
    if !(1..=1024).contains(&buflen) {
        return Err(os_error_msg("getsockopt buflen out of range"));
    }
    let mut buf = vec![0u8; buflen as usize];
    let mut len = buflen as libc::socklen_t;
    // SAFETY: a buffer of `len` bytes.
    let r = unsafe { libc::getsockopt(s.fd(), level, opt, buf.as_mut_ptr().cast(), &mut len) };
    if r < 0 {
        return Err(errno_error(last_errno()));
    }
    buf.truncate(len as usize);
    Ok(bytes::new(&buf))
}

fn name_of(a: &[PyObj], k: Option<&PyObj>, name: &str, peer: bool) -> PyResult<PyObj> {
    Args::new(a, k).exact(name, 1)?;
    let s = sock(&a[0])?;
    let mut addr = SockAddr::empty();
    // SAFETY: a buffer of the length passed.
    let r = unsafe {
        if peer {
            libc::getpeername(s.fd(), addr.as_mut_ptr(), &mut addr.len)
        } else {
            libc::getsockname(s.fd(), addr.as_mut_ptr(), &mut addr.len)
        }
    };
    if r < 0 {
        return Err(errno_error(last_errno()));
    }
    make_sockaddr(&addr)
}

fn m_setblocking(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    Args::new(a, k).exact("setblocking", 2)?;
    let s = sock(&a[0])?;
    let block = c_int(&a[1])? != 0;
    s.timeout.store(if block { -1 } else { 0 }, SeqCst);
    set_blocking_fd(s.fd(), block)?;
    Ok(none())
}

fn m_settimeout(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    Args::new(a, k).exact("settimeout", 2)?;
    let s = sock(&a[0])?;
    let t = parse_timeout(&a[1])?;
    s.timeout.store(t, SeqCst);
    set_blocking_fd(s.fd(), t < 0)?;
    Ok(none())
}

fn getter_int(o: &PyObj, f: fn(&PySocket) -> i64) -> PyResult<PyObj> {
    Ok(int::from_i64(f(sock(o)?)))
}

/// `_socket.socketpair(family=AF_UNIX, type=SOCK_STREAM, proto=0)`.
fn f_socketpair(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    Args::new(a, k).check_positional("socketpair", 0, 3)?;
    let family = a.first().map_or(Ok(libc::AF_UNIX), c_int)?;
    let ty = a.get(1).map_or(Ok(libc::SOCK_STREAM), c_int)?;
    let proto = a.get(2).map_or(Ok(0), c_int)?;
    let mut fds = [0 as libc::c_int; 2];
    // SAFETY: the two descriptors the call fills.
    if unsafe { libc::socketpair(family, ty | libc::SOCK_CLOEXEC, proto, fds.as_mut_ptr()) } < 0 {
        return Err(errno_error(last_errno()));
    }
    let x = alloc_socket(&SOCKET_TYPE);
    let y = alloc_socket(&SOCKET_TYPE);
    // Each object owns its descriptor from here: a failure below closes both.
    sock(&x)?.fd.store(fds[0], SeqCst);
    sock(&y)?.fd.store(fds[1], SeqCst);
    init_socket(sock(&x)?, fds[0], family, ty, proto)?;
    init_socket(sock(&y)?, fds[1], family, ty, proto)?;
    Ok(tuple::pair(x, y))
}

fn f_dup(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    Args::new(a, k).expect_fn("dup", 1, 1)?;
    let fd = c_int(&a[0])?;
    // SAFETY: a plain descriptor call.
    let new = unsafe { libc::fcntl(fd, libc::F_DUPFD_CLOEXEC, 0) };
    if new < 0 {
        return Err(errno_error(last_errno()));
    }
    Ok(int::from_i64(i64::from(new)))
}

fn f_close(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    Args::new(a, k).expect_fn("close", 1, 1)?;
    let fd = c_int(&a[0])?;
    // SAFETY: closing the descriptor the caller names.
    if unsafe { libc::close(fd) } < 0 {
        let e = last_errno();
        if e != libc::ECONNRESET {
            return Err(errno_error(e));
        }
    }
    Ok(none())
}

fn f_getdefaulttimeout(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    Args::new(a, k).expect_fn("getdefaulttimeout", 0, 0)?;
    Ok(timeout_obj(DEFAULT_TIMEOUT.load(SeqCst)))
}

fn f_setdefaulttimeout(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    Args::new(a, k).expect_fn("setdefaulttimeout", 1, 1)?;
    DEFAULT_TIMEOUT.store(parse_timeout(&a[0])?, SeqCst);
    Ok(none())
}

/// The `_socket` module.
pub fn make_module() -> PyObj {
    static READY: std::sync::Once = std::sync::Once::new();
    READY.call_once(|| {
        SOCKET_TYPE.ready_static(
            Some(&strand_objects::baseobject::OBJECT_TYPE),
            &[
                MethodDef::new("fileno", m_fileno),
                MethodDef::new("detach", m_detach),
                MethodDef::new("close", m_close),
                MethodDef::new("dup", m_dup),
                MethodDef::new("bind", m_bind),
                MethodDef::new("listen", m_listen),
                MethodDef::new("_accept", m_accept),
                MethodDef::new("connect", m_connect),
                MethodDef::new("connect_ex", m_connect_ex),
                MethodDef::new("send", m_send),
                MethodDef::new("sendall", m_sendall),
                MethodDef::new("sendto", m_sendto),
                MethodDef::new("recv", m_recv),
                MethodDef::new("recvfrom", m_recvfrom),
                MethodDef::new("recv_into", |a, k| recv_into(a, k, "recv_into", false)),
                MethodDef::new("recvfrom_into", |a, k| {
                    recv_into(a, k, "recvfrom_into", true)
                }),
                MethodDef::new("shutdown", m_shutdown),
                MethodDef::new("setsockopt", m_setsockopt),
                MethodDef::new("getsockopt", m_getsockopt),
                MethodDef::new("getsockname", |a, k| name_of(a, k, "getsockname", false)),
                MethodDef::new("getpeername", |a, k| name_of(a, k, "getpeername", true)),
                MethodDef::new("setblocking", m_setblocking),
                MethodDef::new("getblocking", |a, k| {
                    Args::new(a, k).exact("getblocking", 1)?;
                    Ok(int::bool_obj(sock(&a[0])?.timeout() != 0))
                }),
                MethodDef::new("settimeout", m_settimeout),
                MethodDef::new("gettimeout", |a, k| {
                    Args::new(a, k).exact("gettimeout", 1)?;
                    Ok(timeout_obj(sock(&a[0])?.timeout()))
                }),
            ],
            &[
                GetSetDef::new(
                    "family",
                    |o| getter_int(o, |s| i64::from(s.family.load(SeqCst))),
                    None,
                ),
                GetSetDef::new(
                    "type",
                    |o| getter_int(o, |s| i64::from(s.ty.load(SeqCst))),
                    None,
                ),
                GetSetDef::new(
                    "proto",
                    |o| getter_int(o, |s| i64::from(s.proto.load(SeqCst))),
                    None,
                ),
                GetSetDef::new("timeout", |o| Ok(timeout_obj(sock(o)?.timeout())), None),
            ],
        );
    });
    let m = module::new_native_module("_socket");
    strand_interp::native_module::add_functions(
        &m,
        "_socket",
        &[
            ("socketpair", f_socketpair),
            ("dup", f_dup),
            ("close", f_close),
            ("getdefaulttimeout", f_getdefaulttimeout),
            ("setdefaulttimeout", f_setdefaulttimeout),
        ],
    );
    netdb::add_functions(&m);
    let d = module::module_dict(&m);
    dict::set_item_str(&d, "socket", SOCKET_TYPE.to_obj());
    dict::set_item_str(&d, "SocketType", SOCKET_TYPE.to_obj());
    dict::set_item_str(&d, "error", exc::OS_ERROR_TYPE.to_obj());
    dict::set_item_str(&d, "timeout", exc::TIMEOUT_ERROR_TYPE.to_obj());
    dict::set_item_str(&d, "herror", herror());
    dict::set_item_str(&d, "gaierror", gaierror());
    dict::set_item_str(&d, "has_ipv6", int::bool_obj(true));
    consts::add(&d);
    m
}
