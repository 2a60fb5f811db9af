//! Helpers shared by the integration tests.
#![allow(dead_code)]

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, LazyLock, Mutex, MutexGuard};

use strand_heap::{HeapKind, HeapObject, ObjPtr, Owned};

/// Tests in one binary share the process-wide heap counters and stop-the-world, so
/// those that check global state run one at a time.
pub fn serial() -> MutexGuard<'static, ()> {
    static LOCK: Mutex<()> = Mutex::new(());
    LOCK.lock().unwrap_or_else(|e| e.into_inner())
}

/// How many times each probe id has been deallocated.
pub static FREED: LazyLock<Mutex<HashMap<u64, u32>>> = LazyLock::new(Default::default);
static NEXT_ID: AtomicU64 = AtomicU64::new(1);

pub fn times_freed(id: u64) -> u32 {
    FREED.lock().unwrap().get(&id).copied().unwrap_or(0)
}

/// A heap object that records its deallocation, and may hold references to others.
pub struct Probe {
    pub id: u64,
    pub canary: u64,
    pub children: Mutex<Vec<Owned<Probe>>>,
}

pub const CANARY: u64 = 0x5eed_cafe_f00d_d00d;

impl Probe {
    pub fn new() -> Owned<Probe> {
        Owned::new(Probe {
            id: NEXT_ID.fetch_add(1, Ordering::Relaxed),
            canary: CANARY,
            children: Mutex::new(Vec::new()),
        })
    }
}

impl Drop for Probe {
    fn drop(&mut self) {
        assert_eq!(
            self.canary, CANARY,
            "probe {} dropped with a bad canary",
            self.id
        );
        self.canary = 0;
        *FREED.lock().unwrap().entry(self.id).or_insert(0) += 1;
    }
}

// SAFETY: traverse reports each child Owned exactly once.
unsafe impl HeapObject for Probe {
    const NAME: &'static str = "Probe";
    const KIND: HeapKind = HeapKind::Gc;

    fn traverse(&self, visit: &mut dyn FnMut(ObjPtr)) {
        for c in self.children.lock().unwrap().iter() {
            visit(Owned::as_obj(c));
        }
    }

    fn clear(&self) {
        let taken = std::mem::take(&mut *self.children.lock().unwrap());
        drop(taken);
    }
}

/// A plain non-GC object.
pub struct Leaf(pub u64);

// SAFETY: holds no heap references.
unsafe impl HeapObject for Leaf {
    const NAME: &'static str = "Leaf";
}

pub fn live_now() -> i64 {
    strand_heap::stats().live_objects()
}

pub type Shared<T> = Arc<T>;

/// Runs `f` on a new thread and fails the test if it does not finish within `secs`
/// (so that a deadlock is reported as a failure instead of hanging CI).
pub fn within<F: FnOnce() + Send + 'static>(secs: u64, f: F) {
    let (tx, rx) = std::sync::mpsc::channel();
    let handle = std::thread::spawn(move || {
        let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(f));
        let _ = tx.send(());
        if let Err(e) = result {
            std::panic::resume_unwind(e);
        }
    });
    match rx.recv_timeout(std::time::Duration::from_secs(secs)) {
        Ok(()) => handle.join().unwrap(),
        Err(std::sync::mpsc::RecvTimeoutError::Disconnected) => handle.join().unwrap(),
        Err(std::sync::mpsc::RecvTimeoutError::Timeout) => {
            panic!("did not finish within {secs} s (deadlock?)")
        }
    }
}
