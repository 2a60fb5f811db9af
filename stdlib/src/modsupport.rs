//! Helpers the native modules share (CPython's Python/modsupport.c and
//! `PyErr_NewException`): module-level exception classes made once per process,
//! constants added to module dicts, and a Rust mutex taken so that a contended wait
//! is detached (stdlib.md's rule for modules with internal state).

use std::sync::{Mutex, MutexGuard, OnceLock, TryLockError};

use strand_heap::{ObjPtr, ObjectHeader};
use strand_objects::{dict, int, str as pystr, PyErr, PyObj};

/// An object made once and kept for the life of the process (a module's exception
/// class, a type made at run time): the first [`Leaked::get_or_init`] leaks one
/// reference to it, later calls hand out new references.
pub struct Leaked(OnceLock<usize>);

impl Leaked {
    /// Not yet made.
    pub const fn new() -> Leaked {
        Leaked(OnceLock::new())
    }

    /// The object, made by `make` on first use.
    pub fn get_or_init(&self, make: impl FnOnce() -> PyObj) -> PyObj {
        let addr = *self.0.get_or_init(|| make().into_ptr().addr());
        let ptr = ObjPtr::from_raw(addr as *mut ObjectHeader).expect("leaked objects are non-null");
        // SAFETY: the reference leaked above keeps the object alive for the process.
        unsafe { PyObj::from_borrowed(ptr) }
    }
}

impl Default for Leaked {
    fn default() -> Self {
        Leaked::new()
    }
}

/// A new exception class `module.name` deriving from `bases` (CPython's
/// `PyErr_NewException("module.name", base, NULL)`).
///
/// # Panics
/// If the bases cannot make a class (callers pass exception classes).
pub fn new_exception_class(module: &str, name: &str, bases: &[PyObj]) -> PyObj {
    let ns = dict::new();
    dict::set_item_str(&ns, "__module__", pystr::intern(module));
    strand_objects::heaptype::new_heap_type(
        &strand_objects::typeobj::TYPE_TYPE.to_obj(),
        &pystr::intern(name),
        bases,
        &ns,
        &[],
    )
    .expect("exception bases make a valid class")
}

/// `cls(msg)` as an error to raise (or the error its constructor raised).
pub fn raise(cls: &PyObj, msg: impl AsRef<str>) -> PyErr {
    strand_objects::exceptions::call_exception_class(cls, &[pystr::new(msg.as_ref())])
}

/// An int argument as a C `int` (CPython's `i` argument format): `__index__`,
/// then `OverflowError: signed integer is greater than maximum` (or `less than
/// minimum`) outside the C range.
pub fn c_int(o: &PyObj) -> strand_objects::PyResult<libc::c_int> {
    let v = int::to_bigint(&strand_objects::abstract_::index(o)?);
    libc::c_int::try_from(&v).map_err(|_| {
        strand_objects::exceptions::overflow_error(if v.sign() == num_bigint::Sign::Minus {
            "signed integer is less than minimum"
        } else {
            "signed integer is greater than maximum"
        })
    })
}

/// Sets `d[name] = int(value)`.
pub fn add_int(d: &PyObj, name: &str, value: i64) {
    dict::set_item_str(d, name, int::from_i64(value));
}

/// Sets `d[name] = str(value)`.
pub fn add_str(d: &PyObj, name: &str, value: &str) {
    dict::set_item_str(d, name, pystr::new(value));
}

/// Locks `m`, waiting detached if another thread holds it (a poisoned lock is taken
/// as it is: the state it guards is plain data kept consistent by each user).
pub fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    match m.try_lock() {
        Ok(g) => g,
        Err(TryLockError::Poisoned(p)) => p.into_inner(),
        Err(TryLockError::WouldBlock) => {
            strand_heap::with_detached(|| m.lock().unwrap_or_else(|p| p.into_inner()))
        }
    }
}

/// The references a native object takes when it is made and keeps unchanged until
/// the collector's `clear` takes them apart (CPython's objects simply NULL their
/// fields there). Reads need no lock: only [`Fields::take`] writes, and the
/// collector calls it only on objects no thread can reach any more.
pub struct Fields<T>(std::cell::UnsafeCell<Option<T>>);

// SAFETY: shared access only reads; the one write (`take`) has exclusive access by
// its contract.
unsafe impl<T: Send + Sync> Sync for Fields<T> {}

impl<T> Fields<T> {
    /// Fields holding `v`.
    pub fn new(v: T) -> Fields<T> {
        Fields(std::cell::UnsafeCell::new(Some(v)))
    }

    /// The fields (`None` once cleared, which only a finalizer running during a
    /// collection can observe).
    pub fn get(&self) -> Option<&T> {
        // SAFETY: see the type's doc: no write races with this read.
        unsafe { (*self.0.get()).as_ref() }
    }

    /// Takes the fields out (the collector's `clear`).
    ///
    /// # Safety
    /// No other thread may be able to reach the owning object, and no reference
    /// from [`Fields::get`] may be alive.
    pub unsafe fn take(&self) -> Option<T> {
        // SAFETY: exclusive by the caller's contract.
        unsafe { (*self.0.get()).take() }
    }
}

/// The objects a [`FieldsObject`]'s fields hold references to, for the collector.
pub trait FieldRefs {
    /// Calls `visit` on every object the fields reference.
    fn visit_refs(&self, visit: &mut dyn FnMut(ObjPtr));
}

/// The layout of a native object that is its header and one [`Fields`] (the
/// `_json` scanner and encoder): [`fields_traverse`], [`fields_clear`] and
/// [`fields_dealloc`] are its type's collector functions.
#[repr(C)]
pub struct FieldsObject<T> {
    header: ObjectHeader,
    /// The object's fields.
    pub fields: Fields<T>,
}

impl<T> FieldsObject<T> {
    /// A new instance of `ty` (whose layout is `FieldsObject<T>`) holding `fields`.
    pub fn new_instance(ty: &strand_objects::typeobj::PyType, fields: T) -> PyObj {
        let obj = strand_objects::alloc::alloc_instance(ty, ty.basicsize());
        // SAFETY: a fresh allocation with this layout (the caller's type), written
        // before it is finished.
        unsafe {
            let p = obj.as_ptr().as_ptr() as *mut FieldsObject<T>;
            std::ptr::addr_of_mut!((*p).fields).write(Fields::new(fields));
            strand_objects::alloc::finish_instance(ty, &obj);
        }
        obj
    }
}

/// `tp_traverse` of a [`FieldsObject<T>`] type.
///
/// # Safety
/// `obj` has the `FieldsObject<T>` layout; the world is stopped.
pub unsafe fn fields_traverse<T: FieldRefs>(obj: ObjPtr, visit: &mut dyn FnMut(ObjPtr)) {
    // SAFETY: the layout by the caller's contract.
    let o = unsafe { &*(obj.as_ptr() as *const FieldsObject<T>) };
    if let Some(f) = o.fields.get() {
        f.visit_refs(visit);
    }
}

/// `tp_clear` of a [`FieldsObject<T>`] type.
///
/// # Safety
/// `obj` has the `FieldsObject<T>` layout and no thread can reach it any more
/// (the collector clears only unreachable objects).
pub unsafe fn fields_clear<T>(obj: ObjPtr) {
    // SAFETY: the layout by the caller's contract.
    let o = unsafe { &*(obj.as_ptr() as *const FieldsObject<T>) };
    // SAFETY: unreachable, so exclusive (the caller's contract).
    drop(unsafe { o.fields.take() });
}

/// `tp_dealloc` of a [`FieldsObject<T>`] type.
///
/// # Safety
/// `obj` has the `FieldsObject<T>` layout, written by
/// [`FieldsObject::new_instance`]; its count is zero and access exclusive.
pub unsafe fn fields_dealloc<T>(obj: ObjPtr) {
    // SAFETY: the layout and exclusivity by the caller's contract.
    unsafe {
        let p = obj.as_ptr() as *mut FieldsObject<T>;
        std::ptr::drop_in_place(std::ptr::addr_of_mut!((*p).fields));
        strand_objects::heaptype::dealloc_instance_memory(obj);
    }
}

/// Why [`wait_once`] did not return a guard after a wakeup.
pub enum WaitStop {
    /// The deadline passed.
    TimedOut,
    /// A signal is pending (the caller re-attaches and runs its handlers).
    Interrupted,
}

/// One wait of a detached blocking loop on `cond` (a lock acquire, a queue `get`):
/// stops if `deadline` has passed or a signal is pending, else waits until woken,
/// until the deadline, or for at most `slice` (the main thread's wakeup interval for
/// SIGINT, `signals::wait_slice`), and returns the guard to recheck the condition.
pub fn wait_once<'a, T>(
    cond: &std::sync::Condvar,
    guard: MutexGuard<'a, T>,
    deadline: Option<std::time::Instant>,
    slice: Option<std::time::Duration>,
) -> Result<MutexGuard<'a, T>, WaitStop> {
    if strand_interp::signals::interrupt_pending() {
        return Err(WaitStop::Interrupted);
    }
    let now = std::time::Instant::now();
    let wait = match (deadline, slice) {
        (Some(d), _) if now >= d => return Err(WaitStop::TimedOut),
        (Some(d), Some(s)) => Some((d - now).min(s)),
        (Some(d), None) => Some(d - now),
        (None, s) => s,
    };
    Ok(match wait {
        None => cond.wait(guard).unwrap_or_else(|e| e.into_inner()),
        Some(w) => {
            cond.wait_timeout(guard, w)
                .unwrap_or_else(|e| e.into_inner())
                .0
        }
    })
}
