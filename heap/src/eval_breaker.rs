//! The eval breaker: a per-thread word of request bits that other threads set and the
//! thread itself handles at its next safe point (CPython's `eval_breaker`).
//!
//! [`safepoint`] is the one place a thread polls it. The heap handles its own bits
//! (stop-the-world, merge queue, QSBR flush); higher layers either register a handler
//! for their bits with [`set_pending_handler`] (the collector does, for
//! [`EvalBreaker::GC_SCHEDULED`]) or read the bits `safepoint` returns and clear them
//! with [`clear_pending`].

use std::sync::atomic::AtomicPtr;
use std::sync::atomic::Ordering::{Relaxed, SeqCst};

use bitflags::bitflags;

use crate::thread::{current_inner, ThreadInner};

bitflags! {
    /// Request bits in a thread's eval-breaker word.
    #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
    pub struct EvalBreaker: usize {
        /// Park for a stop-the-world.
        const STOP_THE_WORLD = 1 << 0;
        /// Objects were queued to this thread's merge queue (or to the orphan queue).
        const EXPLICIT_MERGE = 1 << 1;
        /// Enough QSBR retirements have accumulated to be worth a flush (or a forced
        /// quiescence point asks every thread to announce one and reclaim).
        const QSBR_FLUSH = 1 << 2;
        /// A cycle collection is due (set by strand-gc's scheduler).
        const GC_SCHEDULED = 1 << 3;
        /// An asynchronous exception was set for this thread (interpreter).
        const ASYNC_EXCEPTION = 1 << 4;
        /// A signal handler is pending (interpreter).
        const SIGNALS = 1 << 5;
        /// Free for higher layers.
        const USER_0 = 1 << 8;
        /// Free for higher layers.
        const USER_1 = 1 << 9;
        /// Free for higher layers.
        const USER_2 = 1 << 10;
        /// Free for higher layers.
        const USER_3 = 1 << 11;
    }
}

const HEAP_BITS: EvalBreaker = EvalBreaker::STOP_THE_WORLD
    .union(EvalBreaker::EXPLICIT_MERGE)
    .union(EvalBreaker::QSBR_FLUSH);

const NBITS: usize = usize::BITS as usize;

/// Handlers for non-heap bits, indexed by bit number; each is an `fn()` or null.
static HANDLERS: [AtomicPtr<()>; NBITS] = [const { AtomicPtr::new(std::ptr::null_mut()) }; NBITS];

/// Registers (or with `None` removes) the function run at a safe point when `bit` is
/// set on the current thread. The bit is cleared before the handler runs; the handler
/// runs with the thread attached and may do anything an attached thread may do,
/// including stopping the world.
///
/// # Panics
/// If `bit` is not exactly one bit, or is one of the heap's own bits.
pub fn set_pending_handler(bit: EvalBreaker, handler: Option<fn()>) {
    assert!(
        bit.bits().count_ones() == 1 && !HEAP_BITS.intersects(bit),
        "set_pending_handler takes one non-heap bit, got {bit:?}"
    );
    let idx = bit.bits().trailing_zeros() as usize;
    let ptr = handler.map_or(std::ptr::null_mut(), |f| f as *mut ());
    HANDLERS[idx].store(ptr, SeqCst);
}

/// A safe point: where the current thread honours stop-the-world requests, merges
/// objects queued to it, runs registered handlers and may announce a QSBR quiescent
/// state (the caller holds no pointer obtained by a lock-free read before this call;
/// the announcement itself happens at one safe point in 32, which only delays
/// reclamation a little; a pending QSBR flush announces at once).
///
/// Interpreters call it on backward jumps and calls; long-running Rust code that keeps
/// a thread attached should call it too. Cheap when no request is pending: one relaxed
/// load and a counter increment. A no-op on a thread with no attached thread state.
///
/// Returns the request bits that are still set and have no handler, for the caller to
/// act on and clear with [`clear_pending`].
#[inline]
pub fn safepoint() -> EvalBreaker {
    let Some(inner) = current_inner() else {
        return EvalBreaker::empty();
    };
    let bits = inner.shared.eval_breaker.load(Relaxed);
    let rest = if bits != 0 {
        handle_pending(inner)
    } else {
        EvalBreaker::empty()
    };
    // SAFETY: owning OS thread; no other borrow of `local` is alive here.
    if let Some(q) = unsafe { inner.local() }.qsbr.as_mut() {
        q.quiescent_sometimes();
    }
    rest
}

/// The eval-breaker word of the thread state attached on the calling OS thread, for
/// generated code that polls it instead of calling [`safepoint`] (a nonzero word means
/// the code must reach a safe point). The reference is valid while that thread state
/// stays attached to this thread; `None` if none is.
pub fn eval_breaker_word() -> Option<&'static std::sync::atomic::AtomicUsize> {
    current_inner().map(|inner| &inner.shared.eval_breaker)
}

#[cold]
fn handle_pending(inner: &ThreadInner) -> EvalBreaker {
    let shared = &inner.shared;
    let bits = EvalBreaker::from_bits_retain(shared.eval_breaker.load(SeqCst));
    if bits.contains(EvalBreaker::STOP_THE_WORLD) {
        crate::stw::park_at_safepoint(inner);
    }
    if bits.contains(EvalBreaker::EXPLICIT_MERGE) {
        shared
            .eval_breaker
            .fetch_and(!EvalBreaker::EXPLICIT_MERGE.bits(), SeqCst);
        crate::brc::drain_own_queue(inner);
        crate::brc::drain_orphans();
    }
    if bits.contains(EvalBreaker::QSBR_FLUSH) {
        shared
            .eval_breaker
            .fetch_and(!EvalBreaker::QSBR_FLUSH.bits(), SeqCst);
        // SAFETY: owning OS thread; the borrow ends with this statement.
        if let Some(q) = unsafe { inner.local() }.qsbr.as_mut() {
            // Announce first, so that this thread does not hold the epoch back, then
            // reclaim; if rounds are still freeing memory, go on at the next safe point.
            q.quiescent();
            if q.flush() {
                shared.request(EvalBreaker::QSBR_FLUSH);
            }
        }
    }
    let mut rest = EvalBreaker::empty();
    for bit in (bits - HEAP_BITS).iter() {
        let idx = bit.bits().trailing_zeros() as usize;
        let handler = HANDLERS[idx].load(SeqCst);
        if handler.is_null() {
            rest |= bit;
            continue;
        }
        shared.eval_breaker.fetch_and(!bit.bits(), SeqCst);
        // SAFETY: HANDLERS only ever holds null or a `fn()` cast to a pointer by
        // set_pending_handler.
        let f: fn() = unsafe { std::mem::transmute::<*mut (), fn()>(handler) };
        f();
    }
    rest
}

/// Clears `bits` in the current thread's eval breaker (after handling them).
pub fn clear_pending(bits: EvalBreaker) {
    if let Some(inner) = current_inner() {
        inner.shared.eval_breaker.fetch_and(!bits.bits(), SeqCst);
    }
}

/// Sets `bits` in the current thread's eval breaker.
pub fn request_pending(bits: EvalBreaker) {
    if let Some(inner) = current_inner() {
        inner.shared.request(bits);
    }
}

/// Sets `bits` in every registered thread's eval breaker (for example, to ask every
/// thread to handle an asynchronous event at its next safe point).
pub fn request_pending_all(bits: EvalBreaker) {
    crate::thread::with_registry(|threads| {
        for t in threads {
            t.request(bits);
        }
    });
}

/// The bits currently set in the calling thread's eval breaker.
pub fn pending() -> EvalBreaker {
    current_inner().map_or(EvalBreaker::empty(), |inner| {
        EvalBreaker::from_bits_retain(inner.shared.eval_breaker.load(Relaxed))
    })
}
