//! Per-module import locks (what CPython's `importlib._bootstrap._ModuleLock` and
//! `_ModuleLockManager` guarantee): while one thread runs a module's code, another
//! thread importing the same module waits for it to finish instead of seeing the
//! partly initialised module in `sys.modules` (or running the module a second time);
//! the thread that is importing it sees the partial module, as circular imports need.
//! A wait that would deadlock (thread A imports `x` which imports `y`, while B imports
//! `y` which imports `x`) does not wait: it gets the partial module, as in CPython.
//!
//! The locks are a table from module name to the importing thread, plus what each
//! waiting thread waits for (to find deadlocks), behind one mutex with one condition
//! variable. Waiting is done detached, so a stop-the-world does not wait for it. A
//! counter of imports in progress lets the common case (no import running anywhere)
//! skip the table.

use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering::SeqCst};
use std::sync::{Condvar, Mutex, MutexGuard};

#[derive(Default)]
struct Table {
    /// Module name → ident of the thread running its code.
    owner: HashMap<String, u64>,
    /// Thread ident → the module it waits for.
    waiting: HashMap<u64, String>,
}

static TABLE: Mutex<Option<Table>> = Mutex::new(None);
static RELEASED: Condvar = Condvar::new();
/// How many module locks are held (0: nothing to wait for).
static HELD: AtomicUsize = AtomicUsize::new(0);

fn table() -> MutexGuard<'static, Option<Table>> {
    TABLE.lock().unwrap_or_else(|e| e.into_inner())
}

/// Holds the lock of one module (or nothing, for a re-entrant or deadlock-breaking
/// acquisition); dropping it releases the lock and wakes the waiters.
pub(crate) struct ModuleLock {
    name: Option<String>,
}

impl Drop for ModuleLock {
    fn drop(&mut self) {
        if let Some(name) = self.name.take() {
            let mut t = table();
            if let Some(t) = t.as_mut() {
                t.owner.remove(&name);
            }
            HELD.fetch_sub(1, SeqCst);
            RELEASED.notify_all();
        }
    }
}

/// Whether `me` waiting for `name` would close a cycle of waiting threads.
fn would_deadlock(t: &Table, me: u64, name: &str) -> bool {
    let mut module = name;
    for _ in 0..=t.waiting.len() {
        let Some(&holder) = t.owner.get(module) else {
            return false;
        };
        if holder == me {
            return true;
        }
        match t.waiting.get(&holder) {
            Some(next) => module = next,
            None => return false,
        }
    }
    false
}

/// Takes the lock of module `name` for the calling thread, waiting while another
/// thread holds it (unless that would deadlock).
pub(crate) fn acquire(name: &str) -> ModuleLock {
    let me = crate::thread_ident::get_ident();
    let mut guard = table();
    let t = guard.get_or_insert_with(Table::default);
    match t.owner.get(name) {
        None => {
            t.owner.insert(name.to_string(), me);
            HELD.fetch_add(1, SeqCst);
            return ModuleLock {
                name: Some(name.to_string()),
            };
        }
        Some(&holder) if holder == me => return ModuleLock { name: None },
        Some(_) if would_deadlock(t, me, name) => return ModuleLock { name: None },
        Some(_) => {}
    }
    t.waiting.insert(me, name.to_string());
    drop(guard);
    strand_heap::with_detached(|| {
        let mut guard = table();
        loop {
            let t = guard.as_mut().expect("made above");
            if !t.owner.contains_key(name) {
                t.waiting.remove(&me);
                t.owner.insert(name.to_string(), me);
                HELD.fetch_add(1, SeqCst);
                return;
            }
            guard = RELEASED.wait(guard).unwrap_or_else(|e| e.into_inner());
        }
    });
    ModuleLock {
        name: Some(name.to_string()),
    }
}

/// Waits until no other thread is running module `name`'s code (for an import that
/// found it in `sys.modules`): cheap when no module lock is held anywhere.
pub(crate) fn wait_until_initialized(name: &str) {
    if HELD.load(SeqCst) != 0 {
        drop(acquire(name));
    }
}
