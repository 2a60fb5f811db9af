//! Critical sections: per-object locking that cannot deadlock by blocking
//! (PEP 703; CPython's Python/critical_section.c).
//!
//! Mutable containers (lists, dicts, sets, instance dicts) protect their state with
//! the one-byte mutex in their header, taken through a critical section. A thread can
//! be inside several nested critical sections, but holds the locks of only the
//! innermost one (or two, for [`begin2`]): whenever it would block — on a contended
//! object lock, or by detaching for I/O, a lock wait or a sleep — every critical
//! section it is in is *suspended* (its locks released), and the innermost one is
//! *resumed* (re-locked) when the thread continues. So a thread never blocks while
//! holding an object lock, and no lock-ordering deadlock between object locks is
//! possible. The price: code in a critical section must not assume the object is
//! unchanged across anything that may block, just as Python code cannot.
//!
//! Re-entering a critical section on an object the innermost section already holds is
//! a no-op, so a container's method may call another method of the same container.

use std::marker::PhantomData;

use crate::header::ObjPtr;
use crate::thread::{expect_current, ThreadInner};

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum State {
    /// Holding its lock(s).
    Active,
    /// Locks released while the thread blocked; re-acquired when it becomes innermost.
    Suspended,
    /// Nested on an object an enclosing section already holds: owns no lock.
    Nested,
}

#[derive(Clone, Copy, Debug)]
pub(crate) struct Entry {
    a: ObjPtr,
    b: Option<ObjPtr>,
    state: State,
}

/// One thread's stack of critical sections.
#[derive(Default)]
pub(crate) struct Stack {
    entries: Vec<Entry>,
    /// Set while re-acquiring the innermost section, so that blocking inside that does
    /// not recurse into another resume.
    resuming: bool,
}

fn lock_pair(a: ObjPtr, b: Option<ObjPtr>) {
    // SAFETY: callers keep both objects alive while the section exists (begin's
    // contract).
    unsafe {
        match b {
            None => crate::mutex::lock(a),
            Some(b) => {
                // A fixed order (by address) between the two locks.
                let (first, second) = if a.addr() <= b.addr() { (a, b) } else { (b, a) };
                crate::mutex::lock(first);
                if second != first {
                    crate::mutex::lock(second);
                }
            }
        }
    }
}

fn try_lock_pair(a: ObjPtr, b: Option<ObjPtr>) -> bool {
    // SAFETY: as in lock_pair.
    unsafe {
        match b {
            None => crate::mutex::try_lock(a),
            Some(b) => {
                if !crate::mutex::try_lock(a) {
                    return false;
                }
                if b != a && !crate::mutex::try_lock(b) {
                    crate::mutex::unlock(a);
                    return false;
                }
                true
            }
        }
    }
}

fn unlock_pair(a: ObjPtr, b: Option<ObjPtr>) {
    // SAFETY: this thread holds the locks (the entry is Active).
    unsafe {
        crate::mutex::unlock(a);
        if let Some(b) = b {
            if b != a {
                crate::mutex::unlock(b);
            }
        }
    }
}

#[allow(clippy::mut_from_ref)] // see ThreadInner::local
fn stack(inner: &ThreadInner) -> &mut Stack {
    // SAFETY: owning OS thread; callers keep the borrow short and do not hold it across
    // calls that may re-enter (lock/unlock below take copies of entries first).
    &mut unsafe { inner.local() }.critical_sections
}

/// Releases every active section's locks (the thread is about to block).
pub(crate) fn suspend_all(inner: &ThreadInner) {
    let st = stack(inner);
    for e in st.entries.iter_mut() {
        if e.state == State::Active {
            unlock_pair(e.a, e.b);
            e.state = State::Suspended;
        }
    }
}

/// Re-acquires the innermost section's locks if they were released.
pub(crate) fn resume_top(inner: &ThreadInner) {
    let st = stack(inner);
    if st.resuming {
        return;
    }
    let Some(top) = st.entries.last().copied() else {
        return;
    };
    if top.state != State::Suspended {
        return;
    }
    st.resuming = true;
    lock_pair(top.a, top.b);
    let st = stack(inner);
    st.resuming = false;
    if let Some(e) = st.entries.last_mut() {
        e.state = State::Active;
    }
}

/// An active critical section; dropping it ends the section. Not `Send`.
#[must_use = "the critical section ends when the guard is dropped"]
pub struct CriticalSection {
    _not_send: PhantomData<*const ()>,
}

/// Enters a critical section on `obj` (locks its mutex, suspending enclosing sections
/// if it has to wait).
///
/// # Safety
/// `obj` must stay alive until the returned guard is dropped, and guards must be
/// dropped in reverse order of creation (scoped use).
///
/// # Panics
/// If no thread state is attached.
pub unsafe fn begin(obj: ObjPtr) -> CriticalSection {
    // SAFETY: forwarded.
    unsafe { begin_impl(obj, None) }
}

/// Enters a critical section on two objects at once (for operations such as
/// `list.extend(other)` or `a == b` on two dicts), locking them in a fixed order.
///
/// # Safety
/// As [`begin`], for both objects.
pub unsafe fn begin2(a: ObjPtr, b: ObjPtr) -> CriticalSection {
    // SAFETY: forwarded.
    unsafe { begin_impl(a, Some(b)) }
}

unsafe fn begin_impl(a: ObjPtr, b: Option<ObjPtr>) -> CriticalSection {
    let inner = expect_current("critical_section::begin");
    let st = stack(inner);
    let held_by_top = st
        .entries
        .iter()
        .rev()
        .find(|e| e.state != State::Nested)
        .is_some_and(|e| {
            e.state == State::Active
                && (e.a == a || e.b == Some(a))
                && b.is_none_or(|b| e.a == b || e.b == Some(b))
        });
    if held_by_top {
        st.entries.push(Entry {
            a,
            b,
            state: State::Nested,
        });
    } else if try_lock_pair(a, b) {
        st.entries.push(Entry {
            a,
            b,
            state: State::Active,
        });
    } else {
        // We must wait: release everything we hold first.
        suspend_all(inner);
        stack(inner).entries.push(Entry {
            a,
            b,
            state: State::Suspended,
        });
        // Acquire as a resume, so that detaching while parked does not recurse.
        resume_top(inner);
    }
    CriticalSection {
        _not_send: PhantomData,
    }
}

impl Drop for CriticalSection {
    fn drop(&mut self) {
        let inner = expect_current("critical_section::end");
        let st = stack(inner);
        let e = st.entries.pop().expect("critical section stack underflow");
        match e.state {
            State::Active => unlock_pair(e.a, e.b),
            State::Suspended => {}
            State::Nested => return,
        }
        resume_top(inner);
    }
}

/// Number of critical sections the current thread is in (for tests).
pub fn depth() -> usize {
    stack(expect_current("critical_section::depth"))
        .entries
        .len()
}
