//! `tuple`: an immutable array of references, stored inline after the length. The
//! empty tuple is a shared immortal singleton; small tuples recycle through the heap's
//! per-thread freelists (size classes up to 256 bytes hold tuples of up to 27 items),
//! which is what CPython's per-length tuple freelists do.

use strand_heap::{HeapKind, ObjPtr, ObjectHeader};

use crate::abstract_ as ab;
use crate::object::{PyObj, PyPayload};
use crate::typeobj::{CompareOp, PyType, Slots, TypeFlags};
use crate::PyResult;

/// The layout of a `tuple`.
#[repr(C)]
pub struct PyTuple {
    header: ObjectHeader,
    len: usize,
    items: [PyObj; 0],
}

/// Byte offset of a tuple's length (`usize`) from the object's start; the JIT reads
/// it inline.
pub const LEN_OFFSET: usize = std::mem::offset_of!(PyTuple, len);

/// Byte offset of a tuple's first item (an array of `len` object pointers, each a
/// counted reference the tuple owns); the JIT reads items inline.
pub const ITEMS_OFFSET: usize = std::mem::offset_of!(PyTuple, items);

// SAFETY: repr(C), starts with the header; subclasses extend it.
unsafe impl PyPayload for PyTuple {
    fn type_object() -> &'static PyType {
        &TUPLE_TYPE
    }
}

unsafe fn tuple_traverse(obj: ObjPtr, visit: &mut dyn FnMut(ObjPtr)) {
    // SAFETY: the vtable is installed on tuples only; items are initialised.
    let t = unsafe { &*(obj.as_ptr() as *const PyTuple) };
    for item in t.as_slice() {
        visit(item.as_ptr());
    }
}

unsafe fn tuple_dealloc(obj: ObjPtr) {
    // SAFETY: count zero, exclusive: drop the items in place, then the memory.
    unsafe {
        let t = obj.as_ptr() as *mut PyTuple;
        let items = std::ptr::addr_of_mut!((*t).items) as *mut PyObj;
        // Last item first, as CPython's tupledealloc.
        let n = (*t).len;
        for i in (0..n).rev() {
            std::ptr::drop_in_place(items.add(i));
        }
        if std::ptr::eq(PyType::of_ptr(obj), &TUPLE_TYPE) {
            // An exact tuple holds no type reference (the static type is immortal) and
            // its size is known here: no call through the vtable for it.
            strand_heap::free_object_sized(obj, HeapKind::Gc, exact_size(n));
        } else {
            crate::heaptype::dealloc_instance_memory(obj);
        }
    }
}

/// The allocation size of an exact tuple of `n` items, in bytes.
#[inline(always)]
const fn exact_size(n: usize) -> usize {
    ITEMS_OFFSET + n * std::mem::size_of::<PyObj>()
}

crate::builtin_type! {
    /// The `tuple` type.
    pub static TUPLE_TYPE = {
        name: "tuple",
        layout: PyTuple,
        itemsize: std::mem::size_of::<PyObj>(),
        kind: HeapKind::Gc,
        flags: TypeFlags::BASETYPE.union(TypeFlags::TUPLE_SUBCLASS),
        traverse: Some(tuple_traverse),
        clear: None,
        dealloc: tuple_dealloc,
        size: None,
        slots: Slots {
            repr: Some(tuple_repr),
            hash: Some(tuple_hash),
            richcompare: Some(tuple_richcompare),
            iter: Some(crate::iterators::tuple_iter),
            new: Some(tuple_new),
            len: Some(tuple_len),
            contains: Some(tuple_contains),
            getitem: Some(tuple_getitem),
            number: crate::typeobj::NumberSlots {
                add: Some(tuple_concat),
                mul: Some(tuple_repeat),
                ..crate::typeobj::NumberSlots::EMPTY
            },
            ..Slots::EMPTY
        },
    }
}

impl PyTuple {
    /// The items.
    #[inline(always)]
    pub fn as_slice(&self) -> &[PyObj] {
        // SAFETY: `len` items were written at creation and never change.
        unsafe {
            let p = (self as *const PyTuple as *const u8).add(ITEMS_OFFSET) as *const PyObj;
            std::slice::from_raw_parts(p, self.len)
        }
    }
}

/// The items of a tuple object.
#[inline(always)]
pub fn items(obj: &PyObj) -> &[PyObj] {
    debug_assert!(obj.ty().flags().contains(TypeFlags::TUPLE_SUBCLASS));
    // SAFETY: callers pass tuples (checked in debug builds).
    unsafe { obj.payload_unchecked::<PyTuple>() }.as_slice()
}

/// Runs `f` on the items of `t` for it to overwrite, if `t` is an exact tuple of `n`
/// items and the caller's reference is the only one (`PyObj::is_uniquely_referenced`);
/// `None` otherwise. This is the result-tuple reuse of CPython's `enum_next` and
/// `zip_next`, which return the tuple they returned last time when its consumer has
/// dropped it.
///
/// # Safety
/// `f` must leave every item initialised and must not let the tuple be seen (hand out
/// a reference, reach a safe point, run Python code, drop an item it took out). No
/// other thread can see it: it would need a reference.
#[inline]
pub unsafe fn with_unique_items<R>(
    t: &PyObj,
    n: usize,
    f: impl FnOnce(&mut [PyObj]) -> R,
) -> Option<R> {
    if !t.is_exact(&TUPLE_TYPE) || !t.is_uniquely_referenced() {
        return None;
    }
    // SAFETY: an exact tuple; the caller holds the only reference (above) and the
    // caller's contract keeps everyone else away while `f` runs.
    unsafe {
        let p = t.as_ptr().as_ptr() as *mut PyTuple;
        if (*p).len != n {
            return None;
        }
        let items = std::ptr::addr_of_mut!((*p).items) as *mut PyObj;
        Some(f(std::slice::from_raw_parts_mut(items, n)))
    }
}

/// `true` if `obj` is a tuple or subclass.
#[inline(always)]
pub fn is_tuple(obj: &PyObj) -> bool {
    obj.ty().flags().contains(TypeFlags::TUPLE_SUBCLASS)
}

/// Allocates a tuple of type `ty` from `items`.
pub(crate) fn from_vec_of_type(ty: &PyType, items: Vec<PyObj>) -> PyObj {
    let n = items.len();
    let obj = crate::alloc::alloc_instance(ty, ty.basicsize() + n * std::mem::size_of::<PyObj>());
    // SAFETY: fresh allocation large enough for `n` items.
    unsafe {
        let t = obj.as_ptr().as_ptr() as *mut PyTuple;
        std::ptr::addr_of_mut!((*t).len).write(n);
        let dst = std::ptr::addr_of_mut!((*t).items) as *mut PyObj;
        let mut items = std::mem::ManuallyDrop::new(items);
        std::ptr::copy_nonoverlapping(items.as_ptr(), dst, n);
        items.set_len(0);
        std::mem::ManuallyDrop::drop(&mut items);
        crate::alloc::finish_instance(ty, &obj);
    }
    obj
}

/// A tuple of `items` (the empty one is shared).
pub fn from_vec(items: Vec<PyObj>) -> PyObj {
    if items.is_empty() {
        return empty();
    }
    from_vec_of_type(&TUPLE_TYPE, items)
}

/// A tuple copied from a slice.
pub fn from_slice(items: &[PyObj]) -> PyObj {
    from_vec(items.to_vec())
}

/// The empty tuple.
pub fn empty() -> PyObj {
    static EMPTY: std::sync::OnceLock<usize> = std::sync::OnceLock::new();
    let addr = *EMPTY.get_or_init(|| {
        let t = from_vec_of_type(&TUPLE_TYPE, Vec::new());
        // SAFETY: fresh, private.
        unsafe { crate::alloc::make_immortal(&t) };
        t.into_ptr().addr()
    });
    // SAFETY: immortal.
    unsafe { PyObj::from_borrowed(ObjPtr::from_raw(addr as *mut ObjectHeader).expect("non-null")) }
}

/// `(a, b)`.
#[inline]
pub fn pair(a: PyObj, b: PyObj) -> PyObj {
    from_array([a, b])
}

/// An exact tuple of the `N` items of an array (`N` > 0), written straight into the
/// new object: no intermediate vector, and the size class is a constant.
#[inline]
pub fn from_array<const N: usize>(items: [PyObj; N]) -> PyObj {
    if N == 0 {
        return empty();
    }
    let obj = crate::alloc::alloc_static_sized(&TUPLE_TYPE, HeapKind::Gc, exact_size(N));
    // SAFETY: a fresh allocation of `exact_size(N)` bytes: the length and the `N`
    // items are written before the tuple is tracked; an exact tuple holds no type
    // reference.
    unsafe {
        let t = obj.as_ptr() as *mut PyTuple;
        std::ptr::addr_of_mut!((*t).len).write(N);
        let dst = std::ptr::addr_of_mut!((*t).items) as *mut [PyObj; N];
        dst.write(items);
        obj.track();
        PyObj::from_owned(obj)
    }
}

fn tuple_len(obj: &PyObj) -> PyResult<usize> {
    Ok(items(obj).len())
}

fn tuple_repr(obj: &PyObj) -> PyResult<PyObj> {
    let items = items(obj);
    if items.is_empty() {
        return Ok(crate::str::new("()"));
    }
    let Some(_guard) = ab::ReprGuard::enter(obj) else {
        return Ok(crate::str::new("(...)"));
    };
    let mut s = String::from("(");
    for (i, item) in items.iter().enumerate() {
        if i > 0 {
            s.push_str(", ");
        }
        s.push_str(&ab::repr_string(item)?);
    }
    if items.len() == 1 {
        s.push(',');
    }
    s.push(')');
    Ok(crate::str::from_string(s))
}

fn tuple_hash(obj: &PyObj) -> PyResult<isize> {
    let items = items(obj);
    let mut hashes = Vec::with_capacity(items.len());
    for item in items {
        hashes.push(ab::hash(item)?);
    }
    Ok(crate::hash::hash_tuple(hashes.into_iter()))
}

/// Lexicographic comparison of two sequences read through `get` (the item at an
/// index, `None` past the end) and `len`, re-read after every item comparison:
/// comparisons run Python code that may shrink or grow a mutable sequence, and
/// CPython's list_richcompare looks at the live sizes (`[X()] == [Y()]` is true when
/// the items' `__eq__` empty both lists).
pub(crate) fn sequence_richcompare_live<A, B>(
    a: (impl Fn() -> usize, impl Fn(usize) -> Option<A>),
    b: (impl Fn() -> usize, impl Fn(usize) -> Option<B>),
    op: CompareOp,
) -> PyResult<PyObj>
where
    A: std::borrow::Borrow<PyObj>,
    B: std::borrow::Borrow<PyObj>,
{
    let ((len_a, get_a), (len_b, get_b)) = (a, b);
    if (op == CompareOp::Eq || op == CompareOp::Ne) && len_a() != len_b() {
        return Ok(crate::singletons::bool_obj(op == CompareOp::Ne));
    }
    let mut i = 0;
    while let (Some(x), Some(y)) = (get_a(i), get_b(i)) {
        let (x, y) = (x.borrow(), y.borrow());
        if !ab::richcompare_bool(x, y, CompareOp::Eq)? {
            // The first differing items decide, if both are still there.
            if i < len_a() && i < len_b() {
                return match op {
                    CompareOp::Eq => Ok(crate::singletons::bool_obj(false)),
                    CompareOp::Ne => Ok(crate::singletons::bool_obj(true)),
                    _ => ab::richcompare(x, y, op),
                };
            }
            break;
        }
        i += 1;
    }
    Ok(crate::singletons::bool_obj(op.test(len_a().cmp(&len_b()))))
}

/// [`sequence_richcompare_live`] for sequences that cannot change (tuples): the
/// items are borrowed, not counted.
pub(crate) fn sequence_richcompare(a: &[PyObj], b: &[PyObj], op: CompareOp) -> PyResult<PyObj> {
    sequence_richcompare_live((|| a.len(), |i| a.get(i)), (|| b.len(), |i| b.get(i)), op)
}

fn tuple_richcompare(a: &PyObj, b: &PyObj, op: CompareOp) -> PyResult<PyObj> {
    if !is_tuple(b) {
        return Ok(crate::singletons::not_implemented());
    }
    sequence_richcompare(items(a), items(b), op)
}

fn tuple_contains(obj: &PyObj, item: &PyObj) -> PyResult<bool> {
    for x in items(obj) {
        if ab::richcompare_bool(x, item, CompareOp::Eq)? {
            return Ok(true);
        }
    }
    Ok(false)
}

fn tuple_getitem(obj: &PyObj, key: &PyObj) -> PyResult<PyObj> {
    let items = items(obj);
    if let Some(slice) = key.downcast::<crate::slice::PySlice>() {
        let idx = slice.indices(items.len())?;
        if idx.step == 1 && idx.start == 0 && idx.len == items.len() && obj.is_exact(&TUPLE_TYPE) {
            return Ok(obj.clone());
        }
        return Ok(from_vec(idx.iter().map(|i| items[i].clone()).collect()));
    }
    let i = ab::index_for(key, "tuple")?;
    match crate::slice::normalize_index(i, items.len()) {
        Some(i) => Ok(items[i].clone()),
        None => Err(crate::exceptions::index_error("tuple index out of range")),
    }
}

fn tuple_concat(a: &PyObj, b: &PyObj) -> PyResult<PyObj> {
    if !is_tuple(a) {
        return Ok(crate::singletons::not_implemented());
    }
    if !is_tuple(b) {
        return Err(crate::exceptions::type_error(format!(
            "can only concatenate tuple (not \"{}\") to tuple",
            b.ty().name()
        )));
    }
    let mut v = items(a).to_vec();
    v.extend_from_slice(items(b));
    Ok(from_vec(v))
}

fn tuple_repeat(a: &PyObj, n: &PyObj) -> PyResult<PyObj> {
    let (seq, count) = if is_tuple(a) { (a, n) } else { (n, a) };
    let Some(count) = ab::repeat_count(count)? else {
        return Ok(crate::singletons::not_implemented());
    };
    let items = items(seq);
    if count == 1 && seq.is_exact(&TUPLE_TYPE) {
        return Ok(seq.clone());
    }
    let total = items
        .len()
        .checked_mul(count)
        .ok_or_else(crate::exceptions::memory_error)?;
    let mut v = crate::alloc::try_vec(total)?;
    // An empty sequence repeats to nothing however large the count.
    if total > 0 {
        for _ in 0..count {
            v.extend_from_slice(items);
        }
    }
    Ok(from_vec(v))
}

fn tuple_new(cls: &PyObj, args: &[PyObj], kwnames: Option<&PyObj>) -> PyResult<PyObj> {
    let a = crate::args::Args::new(args, kwnames);
    // SAFETY: `cls` is the type being instantiated (checked by type_call).
    let ty = unsafe { PyType::from_obj(cls) };
    // As CPython's tuple_new: keywords are refused unless a subclass overrides
    // `__init__` (which may take them; they reach `__new__` too).
    if a.has_kwargs() && !crate::typeobj::overrides(ty, &TUPLE_TYPE, "__init__") {
        a.no_kwargs("tuple")?;
    }
    a.max_positional("tuple", 1)?;
    let items = match a.positional(0) {
        None => Vec::new(),
        Some(it) => {
            if it.is_exact(&TUPLE_TYPE) && std::ptr::eq(ty, &TUPLE_TYPE) {
                return Ok(it.clone());
            }
            ab::collect_iter(it)?
        }
    };
    if std::ptr::eq(ty, &TUPLE_TYPE) {
        Ok(from_vec(items))
    } else {
        Ok(from_vec_of_type(ty, items))
    }
}

/// Methods of `tuple`.
pub(crate) fn methods() -> Vec<crate::descr::MethodDef> {
    use crate::descr::MethodDef;
    vec![
        MethodDef::new("index", tuple_index),
        MethodDef::new("count", tuple_count),
        // `(tuple(self),)`: what rebuilds a tuple (or subclass instance) through
        // `copyreg.__newobj__` (CPython's `tuple___getnewargs___impl`).
        MethodDef::new("__getnewargs__", |args, kw| {
            crate::args::Args::new(args, kw).exact("tuple.__getnewargs__", 1)?;
            Ok(from_vec(vec![from_slice(items(&args[0]))]))
        }),
    ]
}

fn tuple_index(args: &[PyObj], kwnames: Option<&PyObj>) -> PyResult<PyObj> {
    let a = crate::args::Args::new(args, kwnames);
    a.expect("tuple.index", 2, 4)?;
    let (this, value) = (a.required(0, "index")?, a.required(1, "index")?);
    let items = items(this);
    let (start, stop) = crate::slice::search_bounds(a.positional(2), a.positional(3), items.len())?;
    for (i, x) in items.iter().enumerate().take(stop).skip(start) {
        if ab::richcompare_bool(x, value, CompareOp::Eq)? {
            return Ok(crate::int::from_usize(i));
        }
    }
    Err(crate::exceptions::value_error(
        "tuple.index(x): x not in tuple",
    ))
}

fn tuple_count(args: &[PyObj], kwnames: Option<&PyObj>) -> PyResult<PyObj> {
    let a = crate::args::Args::new(args, kwnames);
    a.exact("tuple.count", 2)?;
    let (this, value) = (a.required(0, "count")?, a.required(1, "count")?);
    let mut n = 0usize;
    for x in items(this) {
        if ab::richcompare_bool(x, value, CompareOp::Eq)? {
            n += 1;
        }
    }
    Ok(crate::int::from_usize(n))
}
