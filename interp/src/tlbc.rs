//! Thread-local bytecode (CPython 3.13t's `co_tlbc`, Python/index_pool.c).
//!
//! The specializing interpreter rewrites instructions and their inline caches as a
//! program runs. With threads running the same code in parallel, one thread's rewrite
//! would race another's execution, so every thread runs and specializes its own copy
//! of each code object's bytecode: a code object keeps one copy per *thread index*,
//! made on first use from the canonical (never specialized) bytecode. A thread gets
//! the smallest free index when it first runs code and gives it back when it exits;
//! a later thread with the same index inherits that index's copies (their
//! specializations are guarded, so they stay correct for anyone).
//!
//! Only the owning thread reads or writes a copy, so its units are `Cell`s. Threads
//! beyond [`MAX_THREADS`] indices run a private copy per frame (correct, slower).

use std::cell::Cell;
use std::sync::atomic::{AtomicPtr, Ordering};
use std::sync::{Mutex, OnceLock};

use strand_compiler::bytecode::Op;

/// Thread indices with their own copies.
pub(crate) const MAX_THREADS: usize = 128;

/// The per-thread copies of one code object's bytecode.
pub(crate) struct ThreadCopies {
    /// Index → a leaked `Box<[Cell<u16>]>` of the canonical length, or null.
    slots: OnceLock<Box<[AtomicPtr<Cell<u16>>]>>,
}

/// Bytecode a frame runs: this thread's copy, or a private one.
pub(crate) enum Bytecode<'a> {
    /// The thread's copy (specializable; lives as long as the code object).
    Shared(&'a [Cell<u16>]),
    /// A private copy for a thread without an index.
    Private(Box<[Cell<u16>]>),
}

impl ThreadCopies {
    pub(crate) const fn new() -> ThreadCopies {
        ThreadCopies {
            slots: OnceLock::new(),
        }
    }

    /// This thread's copy of `canonical`, made on first use.
    #[inline]
    pub(crate) fn for_current_thread(&self, canonical: &[u16]) -> Bytecode<'_> {
        let Some(index) = thread_index() else {
            return Bytecode::Private(copy_of(canonical));
        };
        let slots = self.slots.get_or_init(|| {
            (0..MAX_THREADS)
                .map(|_| AtomicPtr::new(std::ptr::null_mut()))
                .collect()
        });
        let slot = &slots[index];
        let mut p = slot.load(Ordering::Acquire);
        if p.is_null() {
            let b = copy_of(canonical);
            p = Box::into_raw(b) as *mut Cell<u16>;
            // Only the thread holding `index` stores into this slot.
            slot.store(p, Ordering::Release);
        }
        // SAFETY: `p` came from a `Box<[Cell<u16>]>` of `canonical.len()` units that
        // lives until `self` drops; only the thread holding `index` uses it (the index
        // is handed over through the pool's mutex, which orders a previous holder's
        // accesses before ours).
        Bytecode::Shared(unsafe { std::slice::from_raw_parts(p, canonical.len()) })
    }

    /// Frees every copy (the code object is being freed).
    pub(crate) fn free(&mut self, len: usize) {
        if let Some(slots) = self.slots.get_mut() {
            for s in slots.iter_mut() {
                let p = *s.get_mut();
                if !p.is_null() {
                    // SAFETY: made by `Box::into_raw` of a `len`-unit boxed slice; no
                    // frame runs this code any more (the code object is dying).
                    drop(unsafe { Box::from_raw(std::ptr::slice_from_raw_parts_mut(p, len)) });
                    *s.get_mut() = std::ptr::null_mut();
                }
            }
        }
    }
}

/// A copy of `canonical` in which every opcode unit holds a valid [`Op`] (the loop
/// dispatches on that byte without a check): a byte that is no opcode, which the
/// compiler never emits, becomes `CACHE`, which raises `SystemError` when executed.
/// Cache units are copied as they are.
fn copy_of(canonical: &[u16]) -> Box<[Cell<u16>]> {
    let copy: Box<[Cell<u16>]> = canonical.iter().map(|&u| Cell::new(u)).collect();
    let mut i = 0;
    while i < copy.len() {
        let u = copy[i].get();
        match Op::from_u8((u & 0xff) as u8) {
            Some(op) => i += 1 + op.cache_entries(),
            None => {
                copy[i].set(u & 0xff00);
                i += 1;
            }
        }
    }
    copy
}

/// Indices given back by exited threads, and the next never-used one.
static POOL: Mutex<(Vec<usize>, usize)> = Mutex::new((Vec::new(), 0));

/// A thread's index, returned to the pool when the thread exits.
struct IndexGuard(Cell<Option<usize>>);

impl IndexGuard {
    fn set(&self, i: Option<usize>) {
        self.0.set(i);
    }
}

impl Drop for IndexGuard {
    fn drop(&mut self) {
        if let Some(i) = self.0.take() {
            let mut pool = POOL.lock().unwrap_or_else(|e| e.into_inner());
            pool.0.push(i);
        }
    }
}

/// "No index yet" in [`INDEX`].
const UNASSIGNED: usize = usize::MAX;
/// "No index to be had" (all [`MAX_THREADS`] taken) in [`INDEX`].
const NONE_FREE: usize = usize::MAX - 1;

thread_local! {
    /// The thread's index: read on every call, so a plain constant-initialised cell.
    static INDEX: Cell<usize> = const { Cell::new(UNASSIGNED) };
    /// Gives the index back when the thread exits.
    static GUARD: IndexGuard = const { IndexGuard(Cell::new(None)) };
}

/// The calling thread's index, if it has one.
#[inline]
fn thread_index() -> Option<usize> {
    let i = INDEX.with(Cell::get);
    if i < MAX_THREADS {
        return Some(i);
    }
    if i == NONE_FREE {
        return None;
    }
    assign_index()
}

#[cold]
fn assign_index() -> Option<usize> {
    let i = {
        let mut pool = POOL.lock().unwrap_or_else(|e| e.into_inner());
        match pool.0.iter().enumerate().min_by_key(|(_, &i)| i) {
            Some((at, _)) => Some(pool.0.swap_remove(at)),
            None if pool.1 < MAX_THREADS => {
                pool.1 += 1;
                Some(pool.1 - 1)
            }
            None => None,
        }
    };
    // Register the index for return at thread exit; if the thread is already being
    // torn down, run without one (a private copy per frame).
    let registered = GUARD.try_with(|g| g.set(i)).is_ok();
    let i = if registered {
        i
    } else {
        if let Some(i) = i {
            POOL.lock().unwrap_or_else(|e| e.into_inner()).0.push(i);
        }
        None
    };
    INDEX.with(|c| c.set(i.unwrap_or(NONE_FREE)));
    i
}
