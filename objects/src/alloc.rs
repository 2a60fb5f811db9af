//! Allocating instances of Python types on the strand heap.

use strand_heap::refcount;

use crate::object::PyObj;
use crate::typeobj::{PyType, TypeFlags};

/// Allocates `size` bytes (header included, pre-header excluded) for an instance of
/// `ty`, with the header initialised (owned by this thread, count 1, untracked). The
/// body is uninitialised: fill it, then call [`finish_instance`].
#[inline]
pub fn alloc_instance(ty: &PyType, size: usize) -> PyObj {
    let obj = strand_heap::alloc_object(ty_vtable(ty), size);
    // SAFETY: a fresh object with one reference, ours.
    unsafe { PyObj::from_owned(obj) }
}

#[inline(always)]
fn ty_vtable(ty: &PyType) -> &'static strand_heap::TypeVTable {
    // SAFETY: instances keep their type alive (heap types are referenced by each
    // instance, static types are immortal), so the vtable outlives every object that
    // points at it; the heap API wants 'static for that reason.
    unsafe { &*(&ty.vtable as *const strand_heap::TypeVTable) }
}

/// Allocates an object of a static type whose heap kind and size the caller knows at
/// compile time (exact ints, floats, tuples, slices): the size-class arithmetic folds
/// away. The caller initialises it (and tracks a GC object) before it is seen; a
/// static type takes no reference from its instances.
#[inline(always)]
pub fn alloc_static_sized(
    ty: &'static PyType,
    kind: strand_heap::HeapKind,
    size: usize,
) -> strand_heap::ObjPtr {
    debug_assert!(!ty.is_heap_type() && ty.vtable.kind == kind);
    strand_heap::alloc_object_sized(ty_vtable(ty), kind, size)
}

/// Completes an instance: heap types gain a reference from it (dropped when it is
/// freed), and GC objects become visible to the collector.
///
/// # Safety
/// Every field `traverse` reads must be initialised.
#[inline]
pub unsafe fn finish_instance(ty: &PyType, obj: &PyObj) {
    if ty.flags().contains(TypeFlags::HEAPTYPE) {
        std::mem::forget(ty.to_obj());
    }
    if ty.vtable.kind.is_gc() {
        // SAFETY: the caller initialised the object.
        unsafe { obj.as_ptr().track() };
    }
}

/// [`alloc_instance`], or `MemoryError` when memory is exhausted (for objects whose
/// size the program chooses: long strings and bytes).
pub fn try_alloc_instance(ty: &PyType, size: usize) -> crate::PyResult<PyObj> {
    check_bytes(size)?;
    let obj = strand_heap::try_alloc_object(ty_vtable(ty), size)
        .ok_or_else(crate::exceptions::memory_error)?;
    // SAFETY: a fresh object with one reference, ours.
    Ok(unsafe { PyObj::from_owned(obj) })
}

/// The most memory one allocation may ask for: the machine's memory and swap (and at
/// most `isize::MAX` bytes). A larger request is a `MemoryError` at once, as it is
/// under CPython's `malloc`; strand's allocator reserves address space lazily, so
/// without this bound an impossible size would be granted and then fill memory.
pub fn memory_limit() -> usize {
    static LIMIT: std::sync::LazyLock<usize> = std::sync::LazyLock::new(|| {
        // SAFETY: `sysinfo` fills the struct it is given; zeroed is a valid start.
        let mut info: libc::sysinfo = unsafe { std::mem::zeroed() };
        // SAFETY: a valid pointer to a sysinfo struct.
        let total = if unsafe { libc::sysinfo(&mut info) } == 0 {
            let unit = u64::from(info.mem_unit.max(1));
            (info.totalram as u64)
                .saturating_add(info.totalswap as u64)
                .saturating_mul(unit)
        } else {
            u64::MAX
        };
        usize::try_from(total)
            .unwrap_or(usize::MAX)
            .min(isize::MAX as usize)
    });
    *LIMIT
}

/// `MemoryError` if `bytes` exceeds [`memory_limit`].
#[inline]
pub fn check_bytes(bytes: usize) -> crate::PyResult<()> {
    if bytes > memory_limit() {
        return Err(crate::exceptions::memory_error());
    }
    Ok(())
}

/// The byte size of `count` items of `item_size` bytes, or `MemoryError` if it
/// overflows or exceeds [`memory_limit`].
#[inline]
pub fn check_size(count: usize, item_size: usize) -> crate::PyResult<usize> {
    let bytes = count
        .checked_mul(item_size)
        .ok_or_else(crate::exceptions::memory_error)?;
    check_bytes(bytes)?;
    Ok(bytes)
}

/// An empty vector with room for `n` items, or `MemoryError`.
pub fn try_vec<T>(n: usize) -> crate::PyResult<Vec<T>> {
    check_size(n, std::mem::size_of::<T>())?;
    let mut v = Vec::new();
    v.try_reserve_exact(n)
        .map_err(|_| crate::exceptions::memory_error())?;
    Ok(v)
}

/// An empty string with room for `n` bytes, or `MemoryError`.
pub fn try_string(n: usize) -> crate::PyResult<String> {
    check_bytes(n)?;
    let mut s = String::new();
    s.try_reserve_exact(n)
        .map_err(|_| crate::exceptions::memory_error())?;
    Ok(s)
}

/// `true` if the current thread owns `obj`'s local count.
#[inline(always)]
pub fn owned_by_current_thread(obj: &PyObj) -> bool {
    // SAFETY: obj is alive.
    unsafe { strand_heap::is_owned_by_current_thread(obj.as_ptr()) }
}

/// Makes a fresh object immortal (singletons, interned strings, constants).
///
/// # Safety
/// `obj` must not yet be visible to other threads.
pub unsafe fn make_immortal(obj: &PyObj) {
    // SAFETY: forwarded.
    unsafe { refcount::set_immortal(obj.as_ptr()) };
}
