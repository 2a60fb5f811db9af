//! References held by interpreter frames (CPython's `_PyStackRef`, PEP 703's
//! "deferred reference counting").
//!
//! Functions, code objects, modules, module dicts and classes are shared by every
//! thread that runs a program, and most references to them live only briefly on some
//! frame's value stack. Counting those references would make every thread write the
//! same reference-count word: atomic increments on one cache line, which is what stops
//! threads from scaling. Such objects are marked *deferred* (strand-heap's
//! `set_deferred`): their count never reaches zero by decrements alone, only the cycle
//! collector frees them. A frame slot may then hold an **uncounted** reference to a
//! deferred (or immortal) object, marked by the low bit of the pointer; the frame is
//! linked into its thread's frame chain ([`crate::frame`]), which the collector scans
//! for those references as roots.
//!
//! The same tag marks *borrowed* references (`LOAD_FAST_BORROW`, CPython 3.14): an
//! uncounted reference to whatever object a local variable of a running frame holds,
//! pushed only where the compiler proved that the local keeps its value until the
//! reference is consumed (strand-compiler's `codegen/borrow.rs`). The local's count keeps the object
//! alive; everything that keeps a slot's object beyond the instruction that consumes
//! it goes through [`StackRef::into_owned`], which adds the missing count.
//!
//! Invariants:
//! - a tagged slot points to a deferred or immortal object, or to an object a local
//!   variable of a running frame owns a count of for as long as the slot exists, and
//!   owns no count;
//! - an untagged, non-null slot owns one count;
//! - a frame with tagged slots is reachable from its thread's frame chain whenever the
//!   collector can run (suspended generator frames hold only counted references: see
//!   [`StackRef::make_counted`]).

use std::mem::ManuallyDrop;
use std::ptr::NonNull;

use strand_heap::{ObFlags, ObjPtr, ObjectHeader};
use strand_objects::PyObj;

/// The bit that marks an uncounted reference.
const UNCOUNTED: usize = 1;

/// One frame slot: null, a counted reference, or an uncounted reference to a deferred
/// or immortal object.
#[repr(transparent)]
pub(crate) struct StackRef(usize);

/// A borrowed view of a slot's object, usable as a `&PyObj` (no count of its own).
#[repr(transparent)]
pub(crate) struct Borrowed(ManuallyDrop<PyObj>);

impl std::ops::Deref for Borrowed {
    type Target = PyObj;
    #[inline(always)]
    fn deref(&self) -> &PyObj {
        &self.0
    }
}

/// Whether references to `obj` may go uncounted: deferred and immortal objects.
#[inline(always)]
fn may_defer(obj: &PyObj) -> bool {
    let p = obj.as_ptr();
    // SAFETY: `obj` is alive; flags and the local count are plain header reads (the
    // deferred flag is set before an object is shared and cleared only by the
    // collector when it frees the object).
    unsafe { p.flags().contains(ObFlags::DEFERRED) || strand_heap::refcount::is_immortal(p) }
}

impl StackRef {
    /// The null slot (`PUSH_NULL`, an unbound local): all bits zero, so zeroed
    /// memory is null slots.
    pub(crate) const NULL: StackRef = StackRef(0);

    /// A slot owning `obj`'s count.
    #[inline(always)]
    pub(crate) fn from_owned(obj: PyObj) -> StackRef {
        StackRef(obj.into_ptr().as_ptr() as usize)
    }

    /// A slot referring to `obj`: uncounted when `obj` is deferred or immortal, else
    /// with a new count.
    #[inline(always)]
    pub(crate) fn new_ref(obj: &PyObj) -> StackRef {
        if may_defer(obj) {
            StackRef(obj.addr() | UNCOUNTED)
        } else {
            StackRef::from_owned(obj.clone())
        }
    }

    /// A slot from a machine word that is null or a counted reference (the form in
    /// which compiled traces hand values back); the count moves into the slot.
    #[inline(always)]
    pub(crate) fn from_word(word: usize) -> StackRef {
        debug_assert_eq!(word & UNCOUNTED, 0, "traces hand back counted references");
        StackRef(word)
    }

    /// A slot from a raw reference: `counted` if the caller hands over a count, else an
    /// uncounted reference to a deferred or immortal object.
    #[inline(always)]
    pub(crate) fn from_raw(obj: ObjPtr, counted: bool) -> StackRef {
        let p = obj.as_ptr() as usize;
        StackRef(if counted { p } else { p | UNCOUNTED })
    }

    /// An uncounted reference to this slot's object (null stays null), valid while
    /// this slot keeps its value: `LOAD_FAST_BORROW`, whose safety the compiler
    /// proves (strand-compiler's `codegen/borrow.rs`).
    #[inline(always)]
    pub(crate) fn borrow(&self) -> StackRef {
        StackRef(self.0 | usize::from(self.0 != 0))
    }

    /// `Some(view)` unless null.
    #[inline(always)]
    pub(crate) fn get(&self) -> Option<Borrowed> {
        (self.0 != 0).then(|| self.view())
    }

    /// The object of a non-null slot.
    ///
    /// # Panics
    /// In debug builds, on a null slot (a compiler bug: the stack effects are
    /// verified).
    #[inline(always)]
    pub(crate) fn view(&self) -> Borrowed {
        debug_assert!(self.0 != 0, "null stack slot");
        let p = (self.0 & !UNCOUNTED) as *mut ObjectHeader;
        // SAFETY: a non-null slot points to a live object: counted slots own a count,
        // uncounted ones point to deferred objects kept alive by the frame chain. The
        // view is ManuallyDrop, so it never gives up a count it does not own.
        Borrowed(ManuallyDrop::new(unsafe {
            PyObj::from_owned(ObjPtr::new(NonNull::new_unchecked(p)))
        }))
    }

    /// `true` for a slot that owns a count (non-null and untagged): dropping it
    /// does something.
    #[inline(always)]
    pub(crate) fn owns_count(&self) -> bool {
        self.0 != 0 && self.0 & UNCOUNTED == 0
    }

    /// `true` for the null slot.
    #[inline(always)]
    pub(crate) fn is_null(&self) -> bool {
        self.0 == 0
    }

    /// The slot's object as a counted reference, giving up the slot (a count is added
    /// only for an uncounted slot).
    #[inline(always)]
    pub(crate) fn into_owned(self) -> Option<PyObj> {
        let me = ManuallyDrop::new(self);
        if me.0 == 0 {
            return None;
        }
        if me.0 & UNCOUNTED != 0 {
            return Some((*me.view()).clone());
        }
        // SAFETY: an untagged non-null slot owns one count, handed over here.
        Some(unsafe {
            PyObj::from_owned(ObjPtr::new(NonNull::new_unchecked(
                me.0 as *mut ObjectHeader,
            )))
        })
    }

    /// Makes the slot own a count (for frames that leave the frame chain while they
    /// still hold references: suspended generators).
    #[inline(always)]
    pub(crate) fn make_counted(&mut self) {
        if self.0 & UNCOUNTED != 0 {
            let owned = (*self.view()).clone();
            self.0 = owned.into_ptr().as_ptr() as usize;
        }
    }

    /// The object of an uncounted slot, for the collector's root scan.
    #[inline]
    pub(crate) fn uncounted_ptr(&self) -> Option<ObjPtr> {
        if self.0 & UNCOUNTED == 0 {
            return None;
        }
        let p = (self.0 & !UNCOUNTED) as *mut ObjectHeader;
        // SAFETY: tagged slots are non-null (the tag is only set on live objects).
        Some(ObjPtr::new(unsafe { NonNull::new_unchecked(p) }))
    }

    /// The object of a counted slot, for the collector's traversal of suspended frames.
    #[inline]
    pub(crate) fn counted_ptr(&self) -> Option<ObjPtr> {
        if self.0 == 0 || self.0 & UNCOUNTED != 0 {
            return None;
        }
        // SAFETY: non-null.
        Some(ObjPtr::new(unsafe {
            NonNull::new_unchecked(self.0 as *mut ObjectHeader)
        }))
    }
}

impl Clone for StackRef {
    #[inline(always)]
    fn clone(&self) -> StackRef {
        if self.0 == 0 || self.0 & UNCOUNTED != 0 {
            StackRef(self.0)
        } else {
            StackRef::from_owned((*self.view()).clone())
        }
    }
}

impl Drop for StackRef {
    #[inline(always)]
    fn drop(&mut self) {
        if self.0 != 0 && self.0 & UNCOUNTED == 0 {
            // SAFETY: an untagged non-null slot owns one count.
            drop(unsafe {
                PyObj::from_owned(ObjPtr::new(NonNull::new_unchecked(
                    self.0 as *mut ObjectHeader,
                )))
            });
        }
    }
}

impl Default for StackRef {
    fn default() -> Self {
        StackRef::NULL
    }
}

/// Views of non-null slots as a `&[PyObj]`-compatible buffer, for native calls.
///
/// The views own nothing; `slots` must stay alive and unchanged while they are used.
pub(crate) fn views(slots: &[StackRef]) -> smallvec::SmallVec<[Borrowed; 8]> {
    slots.iter().map(StackRef::view).collect()
}

/// A `&[PyObj]` over views (`Borrowed` is a transparent wrapper of `PyObj`).
#[inline(always)]
pub(crate) fn as_objs(views: &[Borrowed]) -> &[PyObj] {
    // SAFETY: Borrowed is repr(transparent) over ManuallyDrop<PyObj>, itself
    // repr(transparent) over PyObj; the slice layout is the same.
    unsafe { std::slice::from_raw_parts(views.as_ptr().cast::<PyObj>(), views.len()) }
}
