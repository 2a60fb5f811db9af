//! What the collector needs from the object model beyond the type vtable: weak
//! references.
//!
//! strand-gc never names a language type (like mmtk-core's VM binding traits). The
//! vtable in every object header gives it traverse, clear, finalize and dealloc; the
//! object model installs a [`GcBinding`] for the rest.

use std::sync::RwLock;

use strand_heap::ObjPtr;

/// Hooks the object model provides to the collector.
pub trait GcBinding: Send + Sync {
    /// Clears every weak reference to `obj`, an object this collection found
    /// unreachable, so that no weak reference can reach it once finalizers start. For
    /// each cleared weak reference whose callback must run, pushes the weak reference
    /// onto `callbacks` *with a new counted reference*; the collector calls
    /// [`GcBinding::call_weakref_callback`] on it after the world restarts and then
    /// drops that reference. Like CPython, bindings skip callbacks of weak references
    /// that are themselves unreachable ([`crate::is_unreachable`]).
    ///
    /// Runs with the world stopped: it must not run user code, block, or allocate GC
    /// objects.
    ///
    /// # Safety
    /// `obj` is alive (the collector holds a reference) and the world is stopped.
    unsafe fn clear_weakrefs(&self, obj: ObjPtr, callbacks: &mut Vec<ObjPtr>) {
        let _ = (obj, callbacks);
    }

    /// Runs a weak reference's callback (user code), with the world running.
    ///
    /// # Safety
    /// `weakref` is alive (the collector holds the reference pushed by
    /// `clear_weakrefs`).
    unsafe fn call_weakref_callback(&self, weakref: ObjPtr) {
        let _ = weakref;
    }

    /// Whether the language shows `obj` to programs as an object of its own, for the
    /// counts collections report ([`crate::CollectionStats::hidden`]). A binding
    /// returns `false` for storage that its reference implementation keeps inside
    /// another object (an instance's attribute table, say). Called with the world
    /// stopped, on each unreachable object: it must not allocate or block.
    ///
    /// # Safety
    /// `obj` is alive and the world is stopped.
    unsafe fn counts_as_object(&self, obj: ObjPtr) -> bool {
        let _ = obj;
        true
    }
}

static BINDING: RwLock<Option<&'static dyn GcBinding>> = RwLock::new(None);

/// Installs the object model's binding (replacing any previous one).
pub fn set_binding(binding: &'static dyn GcBinding) {
    *BINDING.write().unwrap_or_else(|e| e.into_inner()) = Some(binding);
}

pub(crate) fn binding() -> Option<&'static dyn GcBinding> {
    *BINDING.read().unwrap_or_else(|e| e.into_inner())
}
