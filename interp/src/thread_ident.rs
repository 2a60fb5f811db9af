//! Thread idents (`threading.get_ident()`, `_thread.get_ident()`): a number per
//! thread, unique for the life of the process (never reused after the thread exits,
//! unlike CPython's `pthread_self` values), and the set of idents alive now. The
//! interpreter keys `sys._current_frames()` by them, `_thread` its locks' owners and
//! `_thread._local` its per-thread dicts.

use std::sync::Mutex;

/// Idents of the threads alive now (registered on a thread's first `get_ident`,
/// removed when the thread exits).
static LIVE: Mutex<Vec<u64>> = Mutex::new(Vec::new());

/// Unregisters a thread's ident when its thread-local storage is torn down.
struct IdentGuard(u64);

impl Drop for IdentGuard {
    fn drop(&mut self) {
        let mut live = LIVE.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(i) = live.iter().position(|&t| t == self.0) {
            live.swap_remove(i);
        }
    }
}

/// The calling thread's ident (`threading.get_ident()`): unique for the life of the
/// process (never reused after the thread exits).
pub fn get_ident() -> u64 {
    thread_local! {
        static IDENT: IdentGuard = {
            static NEXT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);
            let id = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed) + 139_800_000_000_000;
            LIVE.lock().unwrap_or_else(|e| e.into_inner()).push(id);
            IdentGuard(id)
        };
    }
    // During thread teardown the slot may already be gone; 0 is no live thread's.
    IDENT.try_with(|g| g.0).unwrap_or(0)
}

/// `true` while the thread with this ident is running.
pub fn is_live(ident: u64) -> bool {
    LIVE.lock()
        .unwrap_or_else(|e| e.into_inner())
        .contains(&ident)
}
