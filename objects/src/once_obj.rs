//! [`OnceObj`]: an object made once and kept for the whole process, the way CPython
//! keeps its interpreter-wide singletons (the `sys` and `builtins` modules,
//! `sys.modules`, a native module's shared objects) in static storage.
//!
//! The cell holds one reference that is never released, so the object stays
//! allocated until the process ends and any thread may read it without
//! synchronizing beyond the `OnceLock`'s acquire load.

use std::sync::OnceLock;

use strand_heap::{ObjPtr, ObjectHeader};

use crate::object::PyObj;

/// A process-lifetime object slot, set at most once.
#[derive(Debug, Default)]
pub struct OnceObj(OnceLock<usize>);

impl OnceObj {
    /// An empty slot.
    pub const fn new() -> OnceObj {
        OnceObj(OnceLock::new())
    }

    /// The object, made by `init` on first use (once, whichever thread gets there
    /// first; the others wait).
    pub fn get_or_init(&self, init: impl FnOnce() -> PyObj) -> PyObj {
        revive(*self.0.get_or_init(|| keep(init())))
    }

    /// The object, if it was set.
    pub fn get(&self) -> Option<PyObj> {
        self.0.get().map(|&a| revive(a))
    }

    /// Sets the object; if the slot was already set, gives `o` back.
    ///
    /// # Errors
    /// `Err(o)` when the slot holds an object already.
    pub fn set(&self, o: PyObj) -> Result<(), PyObj> {
        match self.0.set(o.addr()) {
            Ok(()) => {
                // The slot now owns the reference `o` held.
                std::mem::forget(o);
                Ok(())
            }
            Err(_) => Err(o),
        }
    }
}

/// Gives up `o`'s reference to the slot: the object stays allocated for the process.
fn keep(o: PyObj) -> usize {
    let addr = o.addr();
    std::mem::forget(o);
    addr
}

fn revive(addr: usize) -> PyObj {
    // SAFETY: `addr` came from `keep`/`set`, which gave up a reference that is never
    // released, so the object is still allocated; from_borrowed adds the reference
    // the returned PyObj owns.
    unsafe {
        PyObj::from_borrowed(
            ObjPtr::from_raw(addr as *mut ObjectHeader).expect("kept objects are non-null"),
        )
    }
}
