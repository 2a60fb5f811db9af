//! Critical sections: per-object locking that cannot deadlock by blocking
//! (PEP 703; CPython's Python/critical_section.c and
//! Include/internal/pycore_critical_section.h).
//!
//! Mutable containers (lists, dicts, sets, instance dicts) protect their state with
//! the one-byte mutex in their header, taken through a critical section. A thread can
//! be inside several nested critical sections, but holds the locks of only the
//! innermost ones: whenever it would block — on a contended object lock, by detaching
//! for I/O, a lock wait or a sleep, or by parking for a stop-the-world — every
//! critical section it is in is *suspended* (its locks released), and only the
//! innermost one is *resumed* (re-locked) when the thread continues; an enclosing one
//! is resumed when the sections inside it have ended. So a thread never blocks while
//! holding an object lock, and no lock-ordering deadlock between object locks is
//! possible. The price: code in a critical section must not assume the object is
//! unchanged across anything that may block, just as Python code cannot.
//!
//! Re-entering a critical section on an object the innermost section already holds is
//! a no-op, so a container's method may call another method of the same container.
//! [`CriticalSection::begin2`] locks two objects in address order.
//!
//! # Representation: intrusive, on the caller's stack
//!
//! As in CPython, a section's record ([`CriticalSection`]: the locked object or two
//! and a link to the enclosing section) lives on the stack of the thread that is in
//! it, and a constant-initialised thread-local points at the innermost one. Beginning
//! an uncontended section is one compare-and-swap on the mutex byte and three stores
//! (the object, the link, the thread's innermost pointer); ending it is one
//! compare-and-swap and one store. Everything else — a contended lock, a nested
//! section on an object already held, suspending and resuming — is out of line.
//!
//! The link's low bit (`INACTIVE`) marks the section it points to as suspended. Active
//! sections always form the innermost part of the chain: beginning a section pushes an
//! active one, suspending marks them all, and resuming re-activates only the innermost.
//! The innermost pointer belongs to the attached thread state: detaching saves it in
//! the thread state and attaching restores it, so several thread states may take turns
//! on one OS thread.
//!
//! # Why the record is pinned storage that ends the section when dropped
//!
//! Rust moves values, and a linked record must not move. A guard returned by value
//! from a `begin` function would move (into the caller's variable), and a guard that
//! is leaked (`mem::forget`) would leave the thread pointing into a dead stack frame.
//! So the record is created in place and pinned (`core::pin::pin!`), the section is
//! begun through the pinned reference, and dropping the *record* — not a separate
//! guard — ends it. The [`critical_section!`](crate::critical_section!) macro does
//! this in one statement, like CPython's `Py_BEGIN_CRITICAL_SECTION` declares its
//! `_py_cs` local: the record is a local the caller cannot name, so it can be neither
//! moved nor forgotten, and it ends at the end of the enclosing block, on every exit
//! path (`return`, `?`, a panic). The object to lock is borrowed for the record's whole
//! life ([`ObjRef`], an invariant lifetime), which makes that form safe. A closure
//! API (`with_critical_section(obj, || ...)`) would be as fast, but it cannot `return`
//! from or `?` out of the enclosing function, which most container methods do from
//! inside their sections.

use std::cell::Cell;
use std::marker::{PhantomData, PhantomPinned};
use std::pin::Pin;

use crate::header::{ObjPtr, ObjectHeader};
use crate::thread::{expect_current, ThreadInner};

/// Tag bit of a link (the innermost pointer, or a record's `prev`): the section it
/// points to is suspended and holds no lock. Records are word-aligned, so the bit is
/// free.
const INACTIVE: usize = 1;

thread_local! {
    /// The innermost critical section of the thread state attached on this OS thread,
    /// tagged with [`INACTIVE`] while it is suspended; 0 if it is in none.
    static TOP: Cell<usize> = const { Cell::new(0) };
}

#[inline(always)]
fn top() -> usize {
    TOP.with(Cell::get)
}

#[inline(always)]
fn set_top(link: usize) {
    TOP.with(|t| t.set(link));
}

/// A thread state's critical-section state while it is not on the CPU, and a guard
/// against re-entering the resumption of its innermost section.
#[derive(Default)]
pub(crate) struct Sections {
    /// The innermost section while the thread state is detached (`TOP` while attached).
    saved_top: usize,
    /// Set while re-acquiring the innermost section's locks, so that detaching and
    /// re-attaching inside that (a contended lock parks detached) does not recurse.
    resuming: bool,
}

/// A reference that keeps a heap object alive while it is borrowed: what the safe form
/// of [`CriticalSection::enter`] and the [`critical_section!`](crate::critical_section!)
/// macro lock.
///
/// # Safety
/// For as long as `&self` is borrowed, [`obj_ptr`](ObjRef::obj_ptr) must return the
/// same object, and that object must stay allocated.
pub unsafe trait ObjRef {
    /// The object.
    fn obj_ptr(&self) -> ObjPtr;
}

// SAFETY: while `&&T` is borrowed, so is the `&T` inside, and T's contract holds.
unsafe impl<T: ObjRef + ?Sized> ObjRef for &T {
    #[inline(always)]
    fn obj_ptr(&self) -> ObjPtr {
        (**self).obj_ptr()
    }
}

// SAFETY: an `Owned` holds a counted reference for as long as it exists, and `&Owned`
// does not let anyone replace the object.
unsafe impl<T: crate::HeapObject> ObjRef for crate::Owned<T> {
    #[inline(always)]
    fn obj_ptr(&self) -> ObjPtr {
        crate::Owned::as_obj(self)
    }
}

// SAFETY: a `Borrowed<'b>` guarantees the object for 'b, which outlives any borrow of
// the `Borrowed` itself.
unsafe impl<T: crate::HeapObject> ObjRef for crate::Borrowed<'_, T> {
    #[inline(always)]
    fn obj_ptr(&self) -> ObjPtr {
        self.as_obj()
    }
}

/// One critical section's record, on the stack of the thread that is in it (CPython's
/// `PyCriticalSection` / `PyCriticalSection2`). See the module docs.
///
/// Create it pinned, begin it once, and let it drop to end the section:
///
/// ```ignore
/// let cs = core::pin::pin!(CriticalSection::new());
/// cs.as_ref().enter(&obj);
/// // ... obj's lock is held (or the section is suspended) until `cs` drops.
/// ```
///
/// or, the same in one statement, `strand_heap::critical_section!(&obj);`.
///
/// `'a` is the borrow that keeps the locked object alive (the safe [`enter`]); it is
/// invariant, so the object stays borrowed until the record is dropped. The record is
/// neither `Send` nor `Sync`: it belongs to the thread state that began it.
///
/// [`enter`]: CriticalSection::enter
pub struct CriticalSection<'a> {
    /// The enclosing section, tagged with [`INACTIVE`] if it is suspended; 0 if none.
    prev: Cell<usize>,
    /// The locked object; null before the section begins, after it ends, and for a
    /// nested section on an object the enclosing one holds (which owns no lock).
    a: Cell<*mut ObjectHeader>,
    /// The second locked object of a two-object section (the one with the higher
    /// address); null for a one-object section.
    b: Cell<*mut ObjectHeader>,
    /// The biased-lock slot through which this section holds `a`, when it took the
    /// lock that way on its fast path ([`crate::biased_lock`]); `None` when it holds
    /// its locks through the mutex (or does not know which way, after a resume).
    slot: Cell<Option<crate::biased_lock::Slot>>,
    _pinned: PhantomPinned,
    _marker: PhantomData<Marker<'a>>,
}

/// Makes [`CriticalSection`] invariant in `'a` (the `fn` type) and neither `Send` nor
/// `Sync` (the raw pointer).
type Marker<'a> = (fn(&'a ()) -> &'a (), *const ());

impl Default for CriticalSection<'_> {
    fn default() -> Self {
        Self::new()
    }
}

impl std::fmt::Debug for CriticalSection<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CriticalSection")
            .field("a", &self.a.get())
            .field("b", &self.b.get())
            .finish()
    }
}

impl<'a> CriticalSection<'a> {
    /// A record for a section that has not begun. Pin it before beginning it.
    #[inline(always)]
    pub const fn new() -> Self {
        CriticalSection {
            prev: Cell::new(0),
            a: Cell::new(std::ptr::null_mut()),
            b: Cell::new(std::ptr::null_mut()),
            slot: Cell::new(None),
            _pinned: PhantomPinned,
            _marker: PhantomData,
        }
    }

    /// Enters a critical section on `obj`, which stays borrowed until the record is
    /// dropped.
    ///
    /// # Panics
    /// If this record was begun already, or (when the lock is contended or already
    /// held) no thread state is attached.
    #[inline(always)]
    pub fn enter<T: ObjRef + ?Sized>(self: Pin<&Self>, obj: &'a T) {
        // SAFETY: `obj` is borrowed for 'a, which (being invariant, and the record
        // having a destructor) lasts until the record is dropped, so the object stays
        // allocated until the section ends (ObjRef's contract).
        unsafe { self.begin(obj.obj_ptr()) }
    }

    /// Enters a critical section on two objects at once (for operations such as
    /// `list.extend(other)` or `a == b` on two sets), locking them in address order.
    ///
    /// # Panics
    /// As [`enter`](CriticalSection::enter).
    #[inline(always)]
    pub fn enter2<T: ObjRef + ?Sized, U: ObjRef + ?Sized>(self: Pin<&Self>, a: &'a T, b: &'a U) {
        // SAFETY: as in `enter`, for both objects.
        unsafe { self.begin2(a.obj_ptr(), b.obj_ptr()) }
    }

    /// Enters a critical section on `obj` (CPython's `PyCriticalSection_Begin`): locks
    /// its mutex if it is free; otherwise, unless the innermost section already holds
    /// it, suspends every enclosing section and waits for it (detached).
    ///
    /// # Safety
    /// `obj` must stay allocated until this record is dropped (or [`end`]ed); the
    /// thread state attached now must be the attached one whenever the section ends;
    /// and sections must end in the reverse order of their beginning (records declared
    /// in nested blocks or by [`critical_section!`](crate::critical_section!) do).
    ///
    /// # Panics
    /// As [`enter`](CriticalSection::enter).
    ///
    /// [`end`]: CriticalSection::end
    #[inline(always)]
    pub unsafe fn begin(self: Pin<&Self>, obj: ObjPtr) {
        let this = self.get_ref();
        assert!(this.a.get().is_null(), "critical section begun twice");
        debug_assert!(
            crate::thread::is_attached(),
            "critical section while detached"
        );
        // SAFETY: `obj` is allocated (the caller's contract).
        match unsafe { crate::mutex::lock_fast_hold(obj) } {
            Some(hold) => {
                this.a.set(obj.as_ptr());
                if let crate::mutex::Hold::Slot(slot) = hold {
                    this.slot.set(Some(slot));
                }
                this.push();
            }
            // SAFETY: forwarded.
            None => unsafe { begin_slow(this, obj, None) },
        }
    }

    /// Enters a critical section on two objects (CPython's
    /// `PyCriticalSection2_Begin`), locking them in address order; the same object
    /// twice is a one-object section.
    ///
    /// # Safety
    /// As [`begin`](CriticalSection::begin), for both objects.
    #[inline(always)]
    pub unsafe fn begin2(self: Pin<&Self>, a: ObjPtr, b: ObjPtr) {
        if a == b {
            // SAFETY: forwarded.
            return unsafe { self.begin(a) };
        }
        let this = self.get_ref();
        assert!(this.a.get().is_null(), "critical section begun twice");
        debug_assert!(
            crate::thread::is_attached(),
            "critical section while detached"
        );
        let (lo, hi) = if a.addr() < b.addr() { (a, b) } else { (b, a) };
        // SAFETY: both objects are allocated (the caller's contract).
        unsafe {
            if crate::mutex::lock_fast(lo) {
                if crate::mutex::lock_fast(hi) {
                    this.a.set(lo.as_ptr());
                    this.b.set(hi.as_ptr());
                    this.push();
                    return;
                }
                crate::mutex::unlock(lo);
            }
            begin_slow(this, lo, Some(hi));
        }
    }

    /// Ends the section now instead of when the record is dropped (dropping it
    /// afterwards does nothing). Ending a section that never began, or a nested one
    /// that holds no lock, does nothing.
    #[inline(always)]
    pub fn end(self: Pin<&Self>) {
        self.get_ref().end_impl();
    }

    /// `true` while this record's section holds or waits to retake a lock (begun, not
    /// nested in one holding the same objects, not ended).
    pub fn is_active(&self) -> bool {
        !self.a.get().is_null()
    }

    /// Releases the locks of this active section, whose first object is `a`.
    ///
    /// # Safety
    /// The section holds its locks.
    #[inline(always)]
    unsafe fn release(&self, a: *mut ObjectHeader) {
        match self.slot.take() {
            Some(slot) => crate::biased_lock::release_slot(slot),
            // SAFETY: forwarded.
            None => unsafe { unlock_pair(a, self.b.get()) },
        }
    }

    /// Links this (locked) record as the innermost section.
    #[inline(always)]
    fn push(&self) {
        self.prev.set(top());
        set_top(self.addr());
    }

    #[inline(always)]
    fn addr(&self) -> usize {
        self as *const Self as usize
    }

    /// CPython's `_PyCriticalSection_End` and `_PyCriticalSection_Pop`.
    #[inline(always)]
    fn end_impl(&self) {
        let a = self.a.get();
        if a.is_null() {
            return;
        }
        self.a.set(std::ptr::null_mut());
        let top = top();
        if top & !INACTIVE != self.addr() {
            return self.end_not_innermost(a);
        }
        if top & INACTIVE == 0 {
            // SAFETY: an active section holds its locks; the objects are allocated
            // until now (begin's contract).
            unsafe { self.release(a) };
        }
        let prev = self.prev.get();
        set_top(prev);
        if prev & INACTIVE != 0 {
            resume_after_end();
        }
    }

    /// Ends a section that is not the innermost: sections were ended out of order.
    /// It is unlinked from the chain (unlocking its objects if it was active), which
    /// keeps the chain sound; code in the sections begun after it no longer has its
    /// objects locked. A record not in the attached thread state's chain at all (ended
    /// under another thread state) cannot be unlinked, and leaving it linked would let
    /// that chain point into a dead stack frame: that aborts.
    #[cold]
    #[inline(never)]
    fn end_not_innermost(&self, a: *mut ObjectHeader) {
        let me = self.addr();
        let mut link = top();
        let mut holder: Option<&CriticalSection<'_>> = None;
        loop {
            let p = link & !INACTIVE;
            if p == 0 {
                eprintln!(
                    "strand-heap: a critical section ended while another thread state was \
                     attached"
                );
                std::process::abort();
            }
            if p == me {
                if link & INACTIVE == 0 {
                    // SAFETY: active, so it holds its locks; the objects are allocated
                    // until now (begin's contract).
                    unsafe { self.release(a) };
                }
                match holder {
                    Some(h) => h.prev.set(self.prev.get()),
                    None => set_top(self.prev.get()),
                }
                return;
            }
            // SAFETY: every record in the chain is alive: records unlink themselves
            // before their storage goes away.
            let rec = unsafe { &*(p as *const CriticalSection<'_>) };
            holder = Some(rec);
            link = rec.prev.get();
        }
    }
}

impl Drop for CriticalSection<'_> {
    #[inline(always)]
    fn drop(&mut self) {
        self.end_impl();
    }
}

/// Enters a critical section on an object (or two, locked in address order) until the
/// end of the enclosing block: `critical_section!(&obj);` or
/// `critical_section!(&a, &b);`, where the objects implement [`ObjRef`] and stay
/// borrowed until the block ends. The record is a hidden local of the caller's block,
/// so it cannot move or be forgotten; it ends on every way out of the block. This is
/// CPython's `Py_BEGIN_CRITICAL_SECTION` with the end implied.
#[macro_export]
macro_rules! critical_section {
    ($obj:expr) => {
        let __strand_cs = ::core::pin::pin!($crate::critical_section::CriticalSection::new());
        __strand_cs.as_ref().enter($obj);
    };
    ($a:expr, $b:expr) => {
        let __strand_cs = ::core::pin::pin!($crate::critical_section::CriticalSection::new());
        __strand_cs.as_ref().enter2($a, $b);
    };
}

/// Locks `a` then `b` (already in address order), blocking as needed.
///
/// # Safety
/// Both are allocated objects (or `b` null).
unsafe fn lock_pair(a: *mut ObjectHeader, b: *mut ObjectHeader) {
    // SAFETY: forwarded.
    unsafe {
        crate::mutex::lock(obj(a));
        if !b.is_null() {
            crate::mutex::lock(obj(b));
        }
    }
}

/// Unlocks `a` and `b` (if not null).
///
/// # Safety
/// The calling thread holds both locks.
#[inline(always)]
unsafe fn unlock_pair(a: *mut ObjectHeader, b: *mut ObjectHeader) {
    // SAFETY: forwarded.
    unsafe {
        crate::mutex::unlock(obj(a));
        if !b.is_null() {
            crate::mutex::unlock(obj(b));
        }
    }
}

#[inline(always)]
fn obj(p: *mut ObjectHeader) -> ObjPtr {
    debug_assert!(!p.is_null());
    // SAFETY: callers pass the non-null objects of a begun record.
    ObjPtr::new(unsafe { std::ptr::NonNull::new_unchecked(p) })
}

/// `true` if the innermost section is active and holds `a` (and `b`).
fn held_by_top(a: ObjPtr, b: Option<ObjPtr>) -> bool {
    let link = top();
    if link == 0 || link & INACTIVE != 0 {
        return false;
    }
    // SAFETY: the innermost record is alive (records unlink themselves before their
    // storage goes away).
    let rec = unsafe { &*(link as *const CriticalSection<'_>) };
    let holds = |x: ObjPtr| rec.a.get() == x.as_ptr() || rec.b.get() == x.as_ptr();
    holds(a) && b.is_none_or(holds)
}

/// The lock was not free at once (CPython's `_PyCriticalSection_BeginSlow` and
/// `_PyCriticalSection2_BeginSlow`): either the innermost section already holds it
/// (then this one is a no-op), or the thread must wait, which it does holding nothing.
///
/// # Safety
/// As [`CriticalSection::begin`]; `a` and `b` in address order.
#[cold]
#[inline(never)]
unsafe fn begin_slow(cs: &CriticalSection<'_>, a: ObjPtr, b: Option<ObjPtr>) {
    let inner = expect_current("critical_section::begin");
    if held_by_top(a, b) {
        // Nested on what the innermost section holds: owns no lock, stays unlinked.
        return;
    }
    // The first lock of an object reserved for the thread that allocated it (biased
    // locking) takes the reservation over; it suspends the enclosing sections only if
    // the owner holds the object right now.
    // SAFETY: `a` is allocated (begin's contract).
    if b.is_none() && unsafe { crate::mutex::take_reservation(a) } {
        cs.a.set(a.as_ptr());
        cs.push();
        return;
    }
    // We must wait: release everything we hold first, then queue for the lock as a
    // suspended innermost section, and acquire it as a resume (so that detaching while
    // parked does not recurse).
    suspend_all();
    cs.a.set(a.as_ptr());
    cs.b.set(b.map_or(std::ptr::null_mut(), ObjPtr::as_ptr));
    cs.prev.set(top());
    set_top(cs.addr() | INACTIVE);
    resume_top(inner);
}

/// The enclosing section of one that just ended is suspended: retake its locks.
#[cold]
#[inline(never)]
fn resume_after_end() {
    resume_top(expect_current("critical_section::end"));
}

/// Releases the locks of every active section (the thread is about to block; CPython's
/// `_PyCriticalSection_SuspendAll`).
pub(crate) fn suspend_all() {
    let mut link = top();
    if link == 0 || link & INACTIVE != 0 {
        return;
    }
    set_top(link | INACTIVE);
    loop {
        // SAFETY: records in the chain are alive (they unlink themselves before their
        // storage goes away), and `link` is untagged: the section is active.
        let rec = unsafe { &*(link as *const CriticalSection<'_>) };
        // SAFETY: an active section holds its locks. (Resumed, it retakes them
        // through the mutex, and releases them the same way.)
        unsafe { rec.release(rec.a.get()) };
        let next = rec.prev.get();
        if next == 0 || next & INACTIVE != 0 {
            // Active sections are the innermost part of the chain: the rest is
            // suspended already.
            return;
        }
        rec.prev.set(next | INACTIVE);
        link = next;
    }
}

/// Re-acquires the innermost section's locks if they were released (CPython's
/// `_PyCriticalSection_Resume`).
pub(crate) fn resume_top(inner: &ThreadInner) {
    let link = top();
    if link & INACTIVE == 0 {
        return; // none, or active
    }
    {
        // SAFETY: owning OS thread; the borrow ends in this block.
        let st = &mut unsafe { inner.local() }.critical_sections;
        if st.resuming {
            return;
        }
        st.resuming = true;
    }
    // SAFETY: the innermost record is alive.
    let rec = unsafe { &*((link & !INACTIVE) as *const CriticalSection<'_>) };
    // SAFETY: a linked record's objects stay allocated while it is linked (begin's
    // contract). Waiting may detach and re-attach this thread state; `resuming` keeps
    // that from re-entering here, and restores `TOP` unchanged.
    unsafe { lock_pair(rec.a.get(), rec.b.get()) };
    // SAFETY: as above.
    unsafe { inner.local() }.critical_sections.resuming = false;
    debug_assert_eq!(top(), link);
    set_top(link & !INACTIVE);
}

/// Detaching: suspends every section and keeps the chain in the thread state.
pub(crate) fn save_on_detach(inner: &ThreadInner) {
    suspend_all();
    // SAFETY: owning OS thread; the borrow ends in this statement.
    unsafe { inner.local() }.critical_sections.saved_top = top();
    set_top(0);
}

/// Attaching: restores the thread state's chain (its innermost section is resumed by
/// [`resume_top`] once the thread is attached).
pub(crate) fn restore_on_attach(inner: &ThreadInner) {
    // SAFETY: owning OS thread; the borrow ends in this block.
    let saved = std::mem::take(&mut unsafe { inner.local() }.critical_sections.saved_top);
    set_top(saved);
}

/// Thread exit: the OS thread's pointer no longer belongs to anyone.
pub(crate) fn clear_on_exit() {
    set_top(0);
}

/// Number of critical sections the current thread is in that hold, or wait to retake,
/// their locks (nested sections on objects an enclosing section holds do not count).
/// For tests.
pub fn depth() -> usize {
    let mut n = 0;
    let mut link = top();
    while link & !INACTIVE != 0 {
        n += 1;
        // SAFETY: records in the chain are alive.
        link = unsafe { &*((link & !INACTIVE) as *const CriticalSection<'_>) }
            .prev
            .get();
    }
    n
}

/// `true` if the current thread's innermost critical section is suspended (for tests:
/// it holds no lock until it is resumed).
pub fn innermost_is_suspended() -> bool {
    top() & INACTIVE != 0
}
