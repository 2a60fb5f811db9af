//! The `_thread` module (Modules/_threadmodule.c): OS threads running Python
//! functions with no global lock, and the lock primitives `threading` is built on.
//!
//! Each new thread attaches its own `ThreadState` (its own mimalloc theaps, biased
//! reference counts, QSBR slot). Every blocking wait — acquiring a lock, sleeping,
//! joining — detaches the thread first, so a stop-the-world pause (a collection) never
//! waits for a blocked thread.
//!
//! `LockType` is a binary semaphore (any thread may release it, as in CPython);
//! `RLock` is owned by a thread and re-entrant.

use std::sync::{Condvar, Mutex};
use std::time::{Duration, Instant};

use strand_heap::{HeapKind, ObjPtr, ObjectHeader};
use strand_objects::abstract_ as ab;
use strand_objects::args::Args;
use strand_objects::descr::{new_builtin_function, set_builtin_module, MethodDef, NativeFn};
use strand_objects::exceptions::{self as exc, type_error, value_error};
use strand_objects::typeobj::{Slots, TypeFlags};
use strand_objects::{dict, float, int, module, singletons, str as pystr, PyObj, PyResult};

pub mod local;

/// The largest timeout `acquire` accepts, in seconds (CPython's `TIMEOUT_MAX`).
pub const TIMEOUT_MAX: f64 = 9_223_372_036.0;

struct LockState {
    /// For plain locks: held or not. For RLocks: the owner's ident (0 = free).
    owner: u64,
    /// RLock recursion count.
    count: u64,
    locked: bool,
}

/// The layout of `_thread.lock` and `_thread.RLock`.
#[repr(C)]
pub struct PyLock {
    header: ObjectHeader,
    state: Mutex<LockState>,
    cond: Condvar,
}

unsafe fn lock_dealloc(obj: ObjPtr) {
    // SAFETY: count zero, exclusive access; fields initialised; weak references are
    // cleared (their callbacks run) before the fields go.
    unsafe {
        strand_objects::weakref::clear_weakrefs_on_dealloc(obj);
        let p = obj.as_ptr() as *mut PyLock;
        std::ptr::drop_in_place(std::ptr::addr_of_mut!((*p).state));
        std::ptr::drop_in_place(std::ptr::addr_of_mut!((*p).cond));
        strand_objects::heaptype::dealloc_instance_memory(obj);
    }
}

strand_objects::builtin_type! {
    /// `_thread.lock`.
    pub static LOCK_TYPE = {
        name: "lock",
        layout: PyLock,
        itemsize: 0,
        kind: HeapKind::NonGc,
        // Weakly referenceable, as CPython's (`lock_tests` checks it).
        flags: TypeFlags::MANAGED_WEAKREF,
        traverse: None,
        clear: None,
        dealloc: lock_dealloc,
        size: None,
        slots: Slots { repr: Some(lock_repr), ..Slots::EMPTY },
    }
}

strand_objects::builtin_type! {
    /// `_thread.RLock`.
    pub static RLOCK_TYPE = {
        name: "RLock",
        layout: PyLock,
        itemsize: 0,
        kind: HeapKind::NonGc,
        // Weakly referenceable, as CPython's (`lock_tests` checks it).
        flags: TypeFlags::MANAGED_WEAKREF,
        traverse: None,
        clear: None,
        dealloc: lock_dealloc,
        size: None,
        slots: Slots { repr: Some(lock_repr), new: Some(|_, a, k| {
            Args::new(a, k).exact("RLock", 0)?;
            Ok(new_lock(true))
        }), ..Slots::EMPTY },
    }
}

fn new_lock(reentrant: bool) -> PyObj {
    let ty = if reentrant { &RLOCK_TYPE } else { &LOCK_TYPE };
    let obj = strand_objects::alloc::alloc_instance(ty, ty.basicsize());
    // SAFETY: fresh allocation with the lock layout.
    unsafe {
        let p = obj.as_ptr().as_ptr() as *mut PyLock;
        std::ptr::addr_of_mut!((*p).state).write(Mutex::new(LockState {
            owner: 0,
            count: 0,
            locked: false,
        }));
        std::ptr::addr_of_mut!((*p).cond).write(Condvar::new());
        strand_objects::alloc::finish_instance(ty, &obj);
    }
    obj
}

fn payload(o: &PyObj) -> &PyLock {
    // SAFETY: the methods are installed on the two lock types only.
    unsafe { o.payload_unchecked::<PyLock>() }
}

fn is_rlock(o: &PyObj) -> bool {
    o.is_exact(&RLOCK_TYPE)
}

pub use strand_interp::thread_ident::{get_ident, is_live};

fn lock_repr(o: &PyObj) -> PyResult<PyObj> {
    let st = payload(o).state.lock().unwrap_or_else(|e| e.into_inner());
    let s = if is_rlock(o) {
        format!(
            "<{} _thread.RLock object owner={} count={} at {:#x}>",
            if st.count > 0 { "locked" } else { "unlocked" },
            st.owner,
            st.count,
            o.addr()
        )
    } else {
        format!(
            "<{} _thread.lock object at {:#x}>",
            if st.locked { "locked" } else { "unlocked" },
            o.addr()
        )
    };
    Ok(pystr::from_string(s))
}

/// `acquire(blocking=True, timeout=-1)`: `true` if acquired.
fn acquire(o: &PyObj, blocking: bool, timeout: Option<f64>) -> PyResult<bool> {
    let l = payload(o);
    let me = get_ident();
    let rlock = is_rlock(o);
    let deadline = timeout.map(|t| Instant::now() + Duration::from_secs_f64(t));
    // Fast path without detaching.
    {
        let mut st = l.state.lock().unwrap_or_else(|e| e.into_inner());
        if rlock {
            if st.count == 0 || st.owner == me {
                st.owner = me;
                st.count += 1;
                return Ok(true);
            }
        } else if !st.locked {
            st.locked = true;
            return Ok(true);
        }
        if !blocking {
            return Ok(false);
        }
    }
    // Block detached: stop-the-world does not wait for this thread. The main thread
    // wakes now and then to let SIGINT interrupt the wait.
    let slice = strand_interp::signals::wait_slice();
    loop {
        let got = strand_heap::with_detached(|| {
            let mut st = l.state.lock().unwrap_or_else(|e| e.into_inner());
            loop {
                let free = if rlock { st.count == 0 } else { !st.locked };
                if free {
                    if rlock {
                        st.owner = me;
                        st.count = 1;
                    } else {
                        st.locked = true;
                    }
                    return Some(true);
                }
                st = match crate::modsupport::wait_once(&l.cond, st, deadline, slice) {
                    Ok(g) => g,
                    Err(crate::modsupport::WaitStop::TimedOut) => return Some(false),
                    Err(crate::modsupport::WaitStop::Interrupted) => return None,
                };
            }
        });
        match got {
            Some(acquired) => return Ok(acquired),
            None => strand_interp::signals::check_interrupt()?,
        }
    }
}

fn release(o: &PyObj) -> PyResult<()> {
    let l = payload(o);
    let mut st = l.state.lock().unwrap_or_else(|e| e.into_inner());
    if is_rlock(o) {
        if st.count == 0 || st.owner != get_ident() {
            return Err(exc::runtime_error("cannot release un-acquired lock"));
        }
        st.count -= 1;
        if st.count == 0 {
            st.owner = 0;
            l.cond.notify_one();
        }
    } else {
        if !st.locked {
            return Err(exc::runtime_error("release unlocked lock"));
        }
        st.locked = false;
        l.cond.notify_one();
    }
    Ok(())
}

fn acquire_args(args: &[PyObj], kw: Option<&PyObj>) -> PyResult<(bool, Option<f64>)> {
    let a = Args::new(args, kw);
    let b = a.bind("acquire", 1, &["blocking", "timeout"], 0)?;
    let blocking = match b[0] {
        Some(v) => ab::is_true(v)?,
        None => true,
    };
    let timeout = match b[1] {
        Some(t) => ab::as_f64(t)?,
        None => -1.0,
    };
    if !blocking && timeout != -1.0 {
        return Err(value_error(
            "can't specify a timeout for a non-blocking call",
        ));
    }
    if timeout < 0.0 && timeout != -1.0 {
        return Err(value_error("timeout value must be positive"));
    }
    if timeout > TIMEOUT_MAX {
        return Err(exc::overflow_error("timeout value is too large"));
    }
    Ok((blocking, if timeout < 0.0 { None } else { Some(timeout) }))
}

fn locked(o: &PyObj) -> bool {
    let st = payload(o).state.lock().unwrap_or_else(|e| e.into_inner());
    if is_rlock(o) {
        st.count > 0
    } else {
        st.locked
    }
}

/// Makes the lock free again without an owner check (`_at_fork_reinit`, and the
/// thread-exit release of a `_set_sentinel` lock).
fn force_release(o: &PyObj) {
    let l = payload(o);
    let mut st = l.state.lock().unwrap_or_else(|e| e.into_inner());
    st.locked = false;
    st.count = 0;
    st.owner = 0;
    l.cond.notify_all();
}

/// The methods both lock types share.
fn common_methods() -> Vec<MethodDef> {
    vec![
        MethodDef::new("acquire", |a, k| {
            let (blocking, timeout) = acquire_args(a, k)?;
            Ok(int::bool_obj(acquire(&a[0], blocking, timeout)?))
        }),
        MethodDef::new("__enter__", |a, k| {
            let (blocking, timeout) = acquire_args(a, k)?;
            Ok(int::bool_obj(acquire(&a[0], blocking, timeout)?))
        }),
        MethodDef::new("release", |a, k| {
            Args::new(a, k).exact("release", 1)?;
            release(&a[0])?;
            Ok(singletons::none())
        }),
        MethodDef::new("__exit__", |a, _k| {
            release(&a[0])?;
            Ok(singletons::none())
        }),
        MethodDef::new("_at_fork_reinit", |a, k| {
            Args::new(a, k).exact("_at_fork_reinit", 1)?;
            force_release(&a[0]);
            Ok(singletons::none())
        }),
    ]
}

/// `_thread.lock`'s methods: the shared ones, `locked` and the old `*_lock` names.
fn lock_methods() -> Vec<MethodDef> {
    let mut m = common_methods();
    m.extend([
        MethodDef::new("acquire_lock", |a, k| {
            let (blocking, timeout) = acquire_args(a, k)?;
            Ok(int::bool_obj(acquire(&a[0], blocking, timeout)?))
        }),
        MethodDef::new("release_lock", |a, k| {
            Args::new(a, k).exact("release_lock", 1)?;
            release(&a[0])?;
            Ok(singletons::none())
        }),
        MethodDef::new("locked", |a, k| {
            Args::new(a, k).exact("locked", 1)?;
            Ok(int::bool_obj(locked(&a[0])))
        }),
        MethodDef::new("locked_lock", |a, k| {
            Args::new(a, k).exact("locked_lock", 1)?;
            Ok(int::bool_obj(locked(&a[0])))
        }),
    ]);
    m
}

/// `_thread.RLock`'s methods: the shared ones and what `threading.Condition` uses
/// (`_is_owned`, `_release_save`, `_acquire_restore`).
fn rlock_methods() -> Vec<MethodDef> {
    let mut m = common_methods();
    m.extend([
        MethodDef::new("_is_owned", |a, k| {
            Args::new(a, k).exact("_is_owned", 1)?;
            let st = payload(&a[0])
                .state
                .lock()
                .unwrap_or_else(|e| e.into_inner());
            Ok(int::bool_obj(st.count > 0 && st.owner == get_ident()))
        }),
        MethodDef::new("_release_save", |a, k| {
            Args::new(a, k).exact("_release_save", 1)?;
            let l = payload(&a[0]);
            let mut st = l.state.lock().unwrap_or_else(|e| e.into_inner());
            if st.count == 0 {
                return Err(exc::runtime_error("cannot release un-acquired lock"));
            }
            let saved = (st.count, st.owner);
            st.count = 0;
            st.owner = 0;
            l.cond.notify_one();
            drop(st);
            Ok(strand_objects::tuple::from_vec(vec![
                int::from_i128(i128::from(saved.0)),
                int::from_i128(i128::from(saved.1)),
            ]))
        }),
        MethodDef::new("_acquire_restore", |a, k| {
            Args::new(a, k).exact("_acquire_restore", 2)?;
            let state = &a[1];
            let items = if strand_objects::tuple::is_tuple(state) {
                strand_objects::tuple::items(state).to_vec()
            } else {
                Vec::new()
            };
            if items.len() != 2 {
                return Err(type_error(
                    "_acquire_restore() argument 1 must be tuple of 2",
                ));
            }
            let count = u64::try_from(int::to_bigint(&ab::index(&items[0])?))
                .map_err(|_| exc::overflow_error("count out of range"))?;
            let owner = u64::try_from(int::to_bigint(&ab::index(&items[1])?))
                .map_err(|_| exc::overflow_error("owner out of range"))?;
            acquire(&a[0], true, None)?;
            let mut st = payload(&a[0])
                .state
                .lock()
                .unwrap_or_else(|e| e.into_inner());
            st.count = count;
            st.owner = owner;
            Ok(singletons::none())
        }),
        MethodDef::new("_recursion_count", |a, k| {
            Args::new(a, k).exact("_recursion_count", 1)?;
            let st = payload(&a[0])
                .state
                .lock()
                .unwrap_or_else(|e| e.into_inner());
            let n = if st.owner == get_ident() { st.count } else { 0 };
            Ok(int::from_i128(i128::from(n)))
        }),
    ]);
    m
}

/// A Python object handed to a new OS thread.
struct SendObj(PyObj);

// SAFETY: the object model is free-threaded; the receiving thread attaches its own
// thread state before using (or dropping) the reference it takes over.
unsafe impl Send for SendObj {}

static RUNNING: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);

/// `start_new_thread(function, args, kwargs=None)`: runs `function(*args, **kwargs)`
/// on a new OS thread; returns its ident.
fn start_new_thread(args: &[PyObj], kw: Option<&PyObj>) -> PyResult<PyObj> {
    Args::new(args, kw).range("start_new_thread", 2, 3)?;
    let func = args[0].clone();
    if func.ty().slots().call.is_none() {
        return Err(type_error("first arg must be callable"));
    }
    if !strand_objects::tuple::is_tuple(&args[1]) {
        return Err(type_error("2nd arg must be a tuple"));
    }
    let kwargs = args.get(2).filter(|k| !singletons::is_none(k)).cloned();
    if let Some(k) = &kwargs {
        if !dict::is_dict(k) {
            return Err(type_error("optional 3rd arg must be a dictionary"));
        }
    }
    let payload = (SendObj(func), SendObj(args[1].clone()), kwargs.map(SendObj));
    let (tx, rx) = std::sync::mpsc::channel::<u64>();
    RUNNING.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
    // The job moves into whichever spawn succeeds: a large stack is only address
    // space, but under `ulimit -v` smaller ones are tried (the interpreter's stack
    // check works from the actual bounds).
    let job = std::sync::Arc::new(std::sync::Mutex::new(Some((payload, tx))));
    let mut started = false;
    let chosen = STACK_SIZE.load(std::sync::atomic::Ordering::Relaxed);
    let sizes: &[usize] = if chosen != 0 {
        &[chosen]
    } else {
        &[256 << 20, 64 << 20, 16 << 20, 4 << 20]
    };
    for &size in sizes {
        let shared = job.clone();
        let spawned = std::thread::Builder::new().stack_size(size).spawn(move || {
            if let Some((payload, tx)) = shared.lock().ok().and_then(|mut j| j.take()) {
                drop(shared);
                thread_body(payload, tx);
            }
        });
        if spawned.is_ok() {
            started = true;
            break;
        }
    }
    if !started {
        RUNNING.fetch_sub(1, std::sync::atomic::Ordering::SeqCst);
        drop(job.lock().ok().and_then(|mut j| j.take()));
        return Err(exc::runtime_error("can't start new thread"));
    }
    let ident = strand_heap::with_detached(|| rx.recv()).unwrap_or(0);
    Ok(int::from_i128(i128::from(ident)))
}

/// The stack size of new threads (`_thread.stack_size`); 0: strand's default, a
/// large stack (256 MiB of address space, smaller where that is not available).
static STACK_SIZE: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);

/// What a thread started by `start_new_thread` needs: the function, its arguments
/// and keyword arguments.
type ThreadPayload = (SendObj, SendObj, Option<SendObj>);

/// The body of a thread started by `start_new_thread`: attach, report the ident,
/// call the function, report what it raised (unless `SystemExit`), detach.
fn thread_body(payload: ThreadPayload, tx: std::sync::mpsc::Sender<u64>) {
    let ts = strand_heap::ThreadState::attach_new();
    let _ = tx.send(get_ident());
    let (SendObj(func), SendObj(targs), kwargs) = payload;
    let items = strand_objects::tuple::items(&targs).to_vec();
    let r = ab::call_with_dict(&func, &items, kwargs.as_ref().map(|k| &k.0));
    if let Err(e) = r {
        if !e.is_instance(&exc::SYSTEM_EXIT_TYPE) {
            // Through `sys.unraisablehook`, as CPython's `thread_run`.
            strand_objects::unraisable::report(
                &e,
                Some("Exception ignored in thread started by"),
                Some(&func),
            );
        }
    }
    drop((func, targs, kwargs));
    // The thread's per-thread state goes first, so that `join()` returning means it
    // is gone (CPython releases the sentinel lock when the thread state is cleared).
    strand_interp::thread_exit::run();
    // No longer counted by `_count()` before `join()` can return (CPython's
    // t_bootstrap decrements the count before clearing the thread state, which
    // releases the sentinel).
    RUNNING.fetch_sub(1, std::sync::atomic::Ordering::SeqCst);
    if let Some(lock) = take_sentinel() {
        force_release(&lock);
    }
    drop(ts);
}

thread_local! {
    /// The lock `_set_sentinel` made in this thread (one leaked reference, as an
    /// address: a thread-local with no destructor, so nothing touches the heap after
    /// the thread state is gone), released when a thread started by
    /// `start_new_thread` finishes.
    static SENTINEL: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
}

/// Takes this thread's sentinel lock (the reference `_set_sentinel` leaked).
fn take_sentinel() -> Option<PyObj> {
    let addr = SENTINEL.with(|s| s.replace(0));
    let ptr = ObjPtr::from_raw(addr as *mut ObjectHeader)?;
    // SAFETY: `_set_sentinel` leaked exactly one reference to this object and stored
    // its address here; taking the address out (replaced by 0) takes that reference.
    Some(unsafe { PyObj::from_owned(ptr) })
}

/// `_set_sentinel()`: a new lock that is released when this thread finishes (what
/// `threading.Thread.join` waits on). A second call replaces the first lock.
fn set_sentinel(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    Args::new(a, k).exact("_set_sentinel", 0)?;
    let lock = new_lock(false);
    drop(take_sentinel());
    let addr = lock.clone().into_ptr().addr();
    SENTINEL.with(|s| s.set(addr));
    Ok(lock)
}

/// `_thread._ExceptHookArgs`, the struct sequence `threading.excepthook` receives.
fn except_hook_args_type() -> PyObj {
    static T: crate::modsupport::Leaked = crate::modsupport::Leaked::new();
    T.get_or_init(|| {
        strand_objects::structseq::new_type(
            "_thread",
            "_ExceptHookArgs",
            &["exc_type", "exc_value", "exc_traceback", "thread"],
        )
        .expect("valid field names")
    })
}

/// `_excepthook(args)` (CPython's `thread_excepthook`): writes "Exception in thread
/// NAME:" and the traceback of `args.exc_value` to `sys.stderr` (or the thread's
/// `_stderr` when `sys.stderr` is None); `SystemExit` is ignored silently.
fn excepthook(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    Args::new(a, k).exact("_excepthook", 1)?;
    let args = &a[0];
    if !ab::isinstance(args, &except_hook_args_type())? {
        return Err(type_error(
            "_thread._excepthook argument type must be ExceptHookArgs",
        ));
    }
    let items = strand_objects::tuple::items(args).to_vec();
    let (exc_type, exc_value, exc_tb, thread) = (&items[0], &items[1], &items[2], &items[3]);
    if strand_objects::typeobj::is_type(exc_type)
        && ab::issubclass(exc_type, &exc::SYSTEM_EXIT_TYPE.to_obj())?
    {
        return Ok(singletons::none());
    }
    let sys = strand_interp::state::sys_module();
    let mut file = ab::getattr_str(&sys, "stderr")
        .ok()
        .filter(|f| !singletons::is_none(f));
    if file.is_none() && !singletons::is_none(thread) {
        file = ab::getattr_str(thread, "_stderr")
            .ok()
            .filter(|f| !singletons::is_none(f));
    }
    let Some(file) = file else {
        return Ok(singletons::none());
    };
    let name = if singletons::is_none(thread) {
        None
    } else {
        ab::getattr_str(thread, "name").ok()
    };
    let head = match name {
        Some(n) => format!("Exception in thread {}:\n", ab::str_string(&n)?),
        None => format!("Exception in thread {}:\n", get_ident()),
    };
    ab::call_method(&file, "write", &[pystr::from_string(head)])?;
    ab::call_method(&file, "flush", &[])?;
    // CPython displays the value as it is (`_PyErr_Display`): a None or other
    // non-exception value prints as such.
    let value = exc_value.clone();
    if !singletons::is_none(exc_tb) && strand_objects::exceptions::is_exception_instance(&value) {
        ab::setattr(&value, &pystr::intern("__traceback__"), exc_tb)?;
    }
    let text = strand_interp::format_exception_value(&value);
    ab::call_method(&file, "write", &[pystr::from_string(text)])?;
    ab::call_method(&file, "flush", &[])?;
    Ok(singletons::none())
}

/// `interrupt_main(signum=signal.SIGINT)`: the main thread acts as if `signum`
/// arrived (a signal whose Python handler is the default or ignored does nothing).
fn interrupt_main(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    let b = Args::new(a, k).bind("interrupt_main", 0, &["signum"], 0)?;
    let signum = match b[0] {
        Some(s) => int::to_isize(&ab::index(s)?)?,
        None => libc::SIGINT as isize,
    };
    if !(1..65).contains(&signum) {
        return Err(value_error("signal number out of range"));
    }
    if crate::_signal::prepare_simulated(signum as i32) {
        strand_interp::signals::trip(signum as i32);
        // Called on the main thread, the handler runs before the call returns (CPython
        // handles it at the eval-breaker check that follows the CALL).
        if strand_interp::signals::is_main_thread() {
            strand_interp::signals::check_interrupt()?;
        }
    }
    Ok(singletons::none())
}

/// The `_thread` module.
pub fn make_module() -> PyObj {
    static READY: std::sync::Once = std::sync::Once::new();
    READY.call_once(|| {
        LOCK_TYPE.ready_static(
            Some(&strand_objects::baseobject::OBJECT_TYPE),
            &lock_methods(),
            &[],
        );
        RLOCK_TYPE.ready_static(
            Some(&strand_objects::baseobject::OBJECT_TYPE),
            &rlock_methods(),
            &[],
        );
    });
    let m = module::new_native_module("_thread");
    let d = module::module_dict(&m);
    dict::set_item_str(&d, "LockType", LOCK_TYPE.to_obj());
    dict::set_item_str(&d, "RLock", RLOCK_TYPE.to_obj());
    dict::set_item_str(&d, "TIMEOUT_MAX", float::from_f64(TIMEOUT_MAX));
    dict::set_item_str(&d, "error", exc::RUNTIME_ERROR_TYPE.to_obj());
    dict::set_item_str(&d, "_local", local::local_type());
    dict::set_item_str(&d, "_ExceptHookArgs", except_hook_args_type());
    let funcs: &[(&'static str, NativeFn)] = &[
        ("_set_sentinel", set_sentinel),
        ("_excepthook", excepthook),
        ("interrupt_main", interrupt_main),
        ("get_native_id", |a, k| {
            Args::new(a, k).exact("get_native_id", 0)?;
            // SAFETY: gettid has no preconditions and cannot fail.
            Ok(int::from_i64(i64::from(unsafe { libc::gettid() })))
        }),
        ("exit", |a, k| {
            Args::new(a, k).exact("exit", 0)?;
            Err(strand_objects::PyErr::with_args(
                &exc::SYSTEM_EXIT_TYPE,
                Vec::new(),
            ))
        }),
        ("allocate", |a, k| {
            Args::new(a, k).exact("allocate", 0)?;
            Ok(new_lock(false))
        }),
        ("allocate_lock", |a, k| {
            Args::new(a, k).exact("allocate_lock", 0)?;
            Ok(new_lock(false))
        }),
        ("get_ident", |a, k| {
            Args::new(a, k).exact("get_ident", 0)?;
            Ok(int::from_i128(i128::from(get_ident())))
        }),
        ("_count", |a, k| {
            Args::new(a, k).exact("_count", 0)?;
            Ok(int::from_usize(
                RUNNING.load(std::sync::atomic::Ordering::SeqCst),
            ))
        }),
        ("start_new_thread", start_new_thread),
        ("stack_size", |a, k| {
            let b = Args::new(a, k).bind("stack_size", 0, &["size"], 0)?;
            let old = STACK_SIZE.load(std::sync::atomic::Ordering::Relaxed);
            if let Some(size) = b[0] {
                let n = int::to_isize(&ab::index(size)?)?;
                if n != 0 && n < 32768 {
                    return Err(strand_objects::exceptions::value_error(format!(
                        "size not valid: {n} bytes"
                    )));
                }
                STACK_SIZE.store(n.max(0) as usize, std::sync::atomic::Ordering::Relaxed);
            }
            Ok(int::from_usize(old))
        }),
    ];
    for (name, f) in funcs {
        let o = new_builtin_function(name, *f, None);
        set_builtin_module(&o, pystr::intern("_thread"));
        dict::set_item_str(&d, name, o);
    }
    m
}
