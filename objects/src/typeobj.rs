//! Type objects: the `type` type, the slot table of protocol functions, the method
//! resolution order (C3), attribute lookup through the MRO with a per-thread method
//! cache, and version tags.
//!
//! Every object's header points at the [`TypeVTable`] embedded in its type object
//! (right after the type's own header), so the heap and the collector see size,
//! traverse, clear, finalize and dealloc, and the object model sees the whole
//! [`PyType`] at a fixed negative offset from the same pointer.
//!
//! Builtin types are immortal `static`s, initialised once by [`crate::init`]; user
//! classes are heap types created by `type(name, bases, dict)` (see `heaptype.rs`).
//! A type's mutable parts (its dict, slots, name) change only with the world stopped,
//! so readers on other threads never see them half-updated, and every change
//! invalidates the type's **version tag** (and its subclasses'), which the method
//! cache and the specializing interpreter guard on (CPython's `tp_version_tag`,
//! Objects/typeobject.c). Bases and MRO change only through `__bases__` assignment
//! (`bases.rs`), with the world stopped too.

use std::cell::UnsafeCell;
use std::sync::atomic::Ordering::{Relaxed, SeqCst};
use std::sync::atomic::{AtomicU32, AtomicU64};

use bitflags::bitflags;
use parking_lot::Mutex;
use strand_heap::{HeapKind, ObjPtr, ObjectHeader, TypeVTable};

use crate::object::PyObj;
use crate::PyResult;

pub use crate::typetype::TYPE_TYPE;

bitflags! {
    /// Type flags (CPython's `Py_TPFLAGS_*`).
    #[derive(Clone, Copy, Debug, PartialEq, Eq)]
    pub struct TypeFlags: u64 {
        /// Created by a class statement or `type(...)`.
        const HEAPTYPE = 1 << 0;
        /// May be subclassed.
        const BASETYPE = 1 << 1;
        /// Attributes cannot be set on the type.
        const IMMUTABLETYPE = 1 << 2;
        /// Instances keep a `__dict__` in the two-word pre-header.
        const MANAGED_DICT = 1 << 3;
        /// Instances can be weakly referenced: their dealloc clears the weak
        /// references to them (`weakref::clear_weakrefs_on_dealloc`).
        const MANAGED_WEAKREF = 1 << 4;
        /// Has abstract methods (cannot be instantiated).
        const IS_ABSTRACT = 1 << 5;
        /// The type defines `__del__`.
        const HAS_DEL = 1 << 6;
        /// Calling an attribute of this type through the instance binds it like a
        /// method (functions, method descriptors): lets `obj.meth(...)` skip creating a
        /// bound method.
        const METHOD_DESCRIPTOR = 1 << 7;
        /// Subclass of int (fast `isinstance` checks, like CPython's subclass flags).
        const LONG_SUBCLASS = 1 << 8;
        /// Subclass of list.
        const LIST_SUBCLASS = 1 << 9;
        /// Subclass of tuple.
        const TUPLE_SUBCLASS = 1 << 10;
        /// Subclass of bytes.
        const BYTES_SUBCLASS = 1 << 11;
        /// Subclass of str.
        const UNICODE_SUBCLASS = 1 << 12;
        /// Subclass of dict.
        const DICT_SUBCLASS = 1 << 13;
        /// Subclass of BaseException.
        const BASE_EXC_SUBCLASS = 1 << 14;
        /// Subclass of type.
        const TYPE_SUBCLASS = 1 << 15;
        /// Initialised.
        const READY = 1 << 16;
        /// Instances are in the pre-header GC heap (managed dict or weakrefs).
        const PREHEADER = 1 << 17;
        /// Has `__slots__` (instances have fixed attribute slots).
        const HAS_SLOTS = 1 << 18;
        /// Instances keep their attributes in the object itself, after the basic
        /// size, laid out by the type's shared keys, until a `__dict__` is needed
        /// (CPython 3.13's `Py_TPFLAGS_INLINE_VALUES`; see `inline_values.rs`).
        /// Implies `MANAGED_DICT` and `PREHEADER`.
        const INLINE_VALUES = 1 << 19;
    }
}

/// Rich comparison operators, in CPython's `Py_LT`.. order.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[repr(u8)]
pub enum CompareOp {
    /// `<`
    Lt = 0,
    /// `<=`
    Le = 1,
    /// `==`
    Eq = 2,
    /// `!=`
    Ne = 3,
    /// `>`
    Gt = 4,
    /// `>=`
    Ge = 5,
}

impl CompareOp {
    /// The operator with its operands swapped (`a < b` is `b > a`).
    pub fn swapped(self) -> CompareOp {
        match self {
            CompareOp::Lt => CompareOp::Gt,
            CompareOp::Le => CompareOp::Ge,
            CompareOp::Eq => CompareOp::Eq,
            CompareOp::Ne => CompareOp::Ne,
            CompareOp::Gt => CompareOp::Lt,
            CompareOp::Ge => CompareOp::Le,
        }
    }

    /// The operator's symbol.
    pub fn symbol(self) -> &'static str {
        match self {
            CompareOp::Lt => "<",
            CompareOp::Le => "<=",
            CompareOp::Eq => "==",
            CompareOp::Ne => "!=",
            CompareOp::Gt => ">",
            CompareOp::Ge => ">=",
        }
    }

    /// The dunder method name (`__lt__`, ...).
    pub fn dunder(self) -> &'static str {
        match self {
            CompareOp::Lt => "__lt__",
            CompareOp::Le => "__le__",
            CompareOp::Eq => "__eq__",
            CompareOp::Ne => "__ne__",
            CompareOp::Gt => "__gt__",
            CompareOp::Ge => "__ge__",
        }
    }

    /// Applies the operator to an `Ordering`.
    pub fn test(self, ord: std::cmp::Ordering) -> bool {
        use std::cmp::Ordering::*;
        match self {
            CompareOp::Lt => ord == Less,
            CompareOp::Le => ord != Greater,
            CompareOp::Eq => ord == Equal,
            CompareOp::Ne => ord != Equal,
            CompareOp::Gt => ord == Greater,
            CompareOp::Ge => ord != Less,
        }
    }
}

/// `obj -> result`.
pub type UnaryFn = fn(&PyObj) -> PyResult<PyObj>;
/// `(a, b) -> result` (may return `NotImplemented` for numeric slots).
pub type BinaryFn = fn(&PyObj, &PyObj) -> PyResult<PyObj>;
/// `(a, b, c) -> result` (three-argument `pow`).
pub type TernaryFn = fn(&PyObj, &PyObj, &PyObj) -> PyResult<PyObj>;
/// `hash(obj)`.
pub type HashFn = fn(&PyObj) -> PyResult<isize>;
/// Rich comparison; returns `NotImplemented` when unsupported.
pub type RichCmpFn = fn(&PyObj, &PyObj, CompareOp) -> PyResult<PyObj>;
/// `getattr(obj, name)`; `name` is a `str`.
pub type GetattroFn = fn(&PyObj, &PyObj) -> PyResult<PyObj>;
/// `setattr(obj, name, value)`, or `delattr` when `value` is `None`.
pub type SetattroFn = fn(&PyObj, &PyObj, Option<&PyObj>) -> PyResult<()>;
/// Calls `callable(*args[..n], **dict(zip(kwnames, args[n..])))` (vectorcall layout).
pub type CallFn = fn(&PyObj, &[PyObj], Option<&PyObj>) -> PyResult<PyObj>;
/// `next(it)`; `Ok(None)` when exhausted (no `StopIteration` object is made).
pub type IterNextFn = fn(&PyObj) -> PyResult<Option<PyObj>>;
/// `descr.__get__(instance, owner)`.
pub type DescrGetFn = fn(&PyObj, Option<&PyObj>, &PyObj) -> PyResult<PyObj>;
/// `descr.__set__(instance, value)` or `__delete__` when `value` is `None`.
pub type DescrSetFn = fn(&PyObj, &PyObj, Option<&PyObj>) -> PyResult<()>;
/// `obj.__init__(*args, **kwargs)`.
pub type InitFn = fn(&PyObj, &[PyObj], Option<&PyObj>) -> PyResult<()>;
/// `cls.__new__(cls, *args, **kwargs)`; `cls` is the type object.
pub type NewFn = fn(&PyObj, &[PyObj], Option<&PyObj>) -> PyResult<PyObj>;
/// `bool(obj)`.
pub type InquiryFn = fn(&PyObj) -> PyResult<bool>;
/// `len(obj)`.
pub type LenFn = fn(&PyObj) -> PyResult<usize>;
/// `item in obj`.
pub type ContainsFn = fn(&PyObj, &PyObj) -> PyResult<bool>;
/// `obj[key] = value`, or `del obj[key]` when `value` is `None`.
pub type SetItemFn = fn(&PyObj, &PyObj, Option<&PyObj>) -> PyResult<()>;
/// Finalizer (`__del__`); errors are reported, not raised.
pub type FinalizeFn = fn(&PyObj);

/// Numeric protocol slots (CPython's `PyNumberMethods`).
#[derive(Clone, Copy, Default)]
#[allow(missing_docs)]
pub struct NumberSlots {
    pub add: Option<BinaryFn>,
    pub sub: Option<BinaryFn>,
    pub mul: Option<BinaryFn>,
    pub truediv: Option<BinaryFn>,
    pub floordiv: Option<BinaryFn>,
    pub rem: Option<BinaryFn>,
    pub divmod: Option<BinaryFn>,
    pub pow: Option<TernaryFn>,
    pub lshift: Option<BinaryFn>,
    pub rshift: Option<BinaryFn>,
    pub and: Option<BinaryFn>,
    pub xor: Option<BinaryFn>,
    pub or: Option<BinaryFn>,
    pub matmul: Option<BinaryFn>,
    pub neg: Option<UnaryFn>,
    pub pos: Option<UnaryFn>,
    pub abs: Option<UnaryFn>,
    pub invert: Option<UnaryFn>,
    pub int: Option<UnaryFn>,
    pub float: Option<UnaryFn>,
    pub index: Option<UnaryFn>,
    pub inplace_add: Option<BinaryFn>,
    pub inplace_sub: Option<BinaryFn>,
    pub inplace_mul: Option<BinaryFn>,
    pub inplace_truediv: Option<BinaryFn>,
    pub inplace_floordiv: Option<BinaryFn>,
    pub inplace_rem: Option<BinaryFn>,
    pub inplace_pow: Option<TernaryFn>,
    pub inplace_lshift: Option<BinaryFn>,
    pub inplace_rshift: Option<BinaryFn>,
    pub inplace_and: Option<BinaryFn>,
    pub inplace_xor: Option<BinaryFn>,
    pub inplace_or: Option<BinaryFn>,
    pub inplace_matmul: Option<BinaryFn>,
}

impl NumberSlots {
    /// All slots empty.
    pub const EMPTY: NumberSlots = NumberSlots {
        add: None,
        sub: None,
        mul: None,
        truediv: None,
        floordiv: None,
        rem: None,
        divmod: None,
        pow: None,
        lshift: None,
        rshift: None,
        and: None,
        xor: None,
        or: None,
        matmul: None,
        neg: None,
        pos: None,
        abs: None,
        invert: None,
        int: None,
        float: None,
        index: None,
        inplace_add: None,
        inplace_sub: None,
        inplace_mul: None,
        inplace_truediv: None,
        inplace_floordiv: None,
        inplace_rem: None,
        inplace_pow: None,
        inplace_lshift: None,
        inplace_rshift: None,
        inplace_and: None,
        inplace_xor: None,
        inplace_or: None,
        inplace_matmul: None,
    };
}

/// The protocol slots of a type (CPython's `tp_*`, `sq_*`, `mp_*` fields). `None`
/// means "not supported here" after inheritance from the base has been applied.
#[derive(Clone, Copy)]
#[allow(missing_docs)]
pub struct Slots {
    pub repr: Option<UnaryFn>,
    pub str: Option<UnaryFn>,
    pub hash: Option<HashFn>,
    pub richcompare: Option<RichCmpFn>,
    pub getattro: Option<GetattroFn>,
    pub setattro: Option<SetattroFn>,
    pub call: Option<CallFn>,
    pub iter: Option<UnaryFn>,
    pub iternext: Option<IterNextFn>,
    pub descr_get: Option<DescrGetFn>,
    pub descr_set: Option<DescrSetFn>,
    pub init: Option<InitFn>,
    pub new: Option<NewFn>,
    pub bool: Option<InquiryFn>,
    pub len: Option<LenFn>,
    pub contains: Option<ContainsFn>,
    pub getitem: Option<BinaryFn>,
    pub setitem: Option<SetItemFn>,
    pub finalize: Option<FinalizeFn>,
    pub number: NumberSlots,
    /// The buffer protocol (`tp_as_buffer`): `None` for types that export no memory.
    pub buffer: Option<&'static crate::buffer::BufferProcs>,
}

impl Slots {
    /// All slots empty.
    pub const EMPTY: Slots = Slots {
        repr: None,
        str: None,
        hash: None,
        richcompare: None,
        getattro: None,
        setattro: None,
        call: None,
        iter: None,
        iternext: None,
        descr_get: None,
        descr_set: None,
        init: None,
        new: None,
        bool: None,
        len: None,
        contains: None,
        getitem: None,
        setitem: None,
        finalize: None,
        number: NumberSlots::EMPTY,
        buffer: None,
    };

    /// Fills every empty slot from `base` (CPython's `inherit_slots`).
    pub fn inherit_from(&mut self, base: &Slots) {
        macro_rules! inherit {
            ($($f:ident),*) => { $( if self.$f.is_none() { self.$f = base.$f; } )* };
        }
        inherit!(
            repr, str, getattro, setattro, call, iter, iternext, descr_get, descr_set, init, new,
            bool, len, contains, getitem, setitem, finalize, buffer
        );
        // `__eq__` and `__hash__` are inherited together, as in CPython: a class that
        // defines only `__eq__` gets `__hash__ = None` (handled by heap types).
        if self.richcompare.is_none() && self.hash.is_none() {
            self.richcompare = base.richcompare;
            self.hash = base.hash;
        }
        macro_rules! inherit_num {
            ($($f:ident),*) => { $( if self.number.$f.is_none() { self.number.$f = base.number.$f; } )* };
        }
        inherit_num!(
            add,
            sub,
            mul,
            truediv,
            floordiv,
            rem,
            divmod,
            pow,
            lshift,
            rshift,
            and,
            xor,
            or,
            matmul,
            neg,
            pos,
            abs,
            invert,
            int,
            float,
            index,
            inplace_add,
            inplace_sub,
            inplace_mul,
            inplace_truediv,
            inplace_floordiv,
            inplace_rem,
            inplace_pow,
            inplace_lshift,
            inplace_rshift,
            inplace_and,
            inplace_xor,
            inplace_or,
            inplace_matmul
        );
    }
}

/// The parts of a type that are fixed after creation except under stop-the-world.
pub(crate) struct TypeInner {
    pub(crate) name: &'static str,
    /// `__name__` as a str object (interned).
    pub(crate) name_obj: Option<PyObj>,
    pub(crate) qualname: Option<PyObj>,
    pub(crate) base: *const PyType,
    pub(crate) bases: Option<PyObj>,
    pub(crate) mro: Option<PyObj>,
    pub(crate) dict: Option<PyObj>,
    /// Names of `__slots__` members, in slot order.
    pub(crate) slot_names: Vec<PyObj>,
    /// Offset of the first `__slots__` member from the start of the object.
    pub(crate) slots_offset: usize,
    /// Shared keys for split instance dicts (heap types with managed dicts).
    pub(crate) cached_keys: *mut crate::dict::DictKeys,
    /// A heap type's doc as it was when the type was created (CPython's `tp_doc`,
    /// which `type_new_set_doc` copies from a str `__doc__` of the namespace):
    /// `__text_signature__` reads it, so assigning `__doc__` later does not change
    /// the signature. `None` for builtin types (their docs are in [`crate::docs`]).
    pub(crate) doc: Option<PyObj>,
}

/// A type object. See the module docs.
#[repr(C)]
pub struct PyType {
    pub(crate) header: ObjectHeader,
    /// What the heap sees; instances' `ob_type` points here.
    pub vtable: TypeVTable,
    slots: UnsafeCell<Slots>,
    inner: UnsafeCell<TypeInner>,
    flags: AtomicU64,
    basicsize: UnsafeCell<usize>,
    itemsize: UnsafeCell<usize>,
    version: AtomicU32,
    subclasses: Mutex<Vec<usize>>,
}

// SAFETY: mutable parts are atomics, a mutex, or UnsafeCells written only while the
// type is private to its creator or with the world stopped (see the module docs).
unsafe impl Sync for PyType {}
// SAFETY: as above.
unsafe impl Send for PyType {}

/// Byte offset of the vtable inside a type object (instances' `ob_type` points there).
pub const VTABLE_OFFSET: usize = std::mem::offset_of!(PyType, vtable);

/// Byte offset of the version tag (`u32`, [`PyType::current_version`]) inside a type
/// object; the JIT reads it inline through an instance's `ob_type`.
pub const VERSION_OFFSET: usize = std::mem::offset_of!(PyType, version);

/// The heap-facing functions of a builtin type.
pub struct StaticVTable {
    /// Reports outgoing references.
    pub traverse: Option<strand_heap::TraverseFn>,
    /// Breaks cycles.
    pub clear: Option<unsafe fn(ObjPtr)>,
    /// Releases contents and memory.
    pub dealloc: unsafe fn(ObjPtr),
    /// Instance size, when it is not `basicsize + itemsize * ob_size`.
    pub size: Option<unsafe fn(ObjPtr) -> usize>,
    /// Runs once before an unreachable instance is freed (`tp_finalize`); its dealloc
    /// runs it for instances freed by reference counting.
    pub finalize: Option<unsafe fn(ObjPtr)>,
}

/// Allocation size of an instance: `basicsize + itemsize * ob_size`, where var-sized
/// types keep `ob_size` (a `usize`) right after the header.
///
/// # Safety
/// `obj` is a live object of a type whose vtable uses this function.
pub unsafe fn generic_size(obj: ObjPtr) -> usize {
    // SAFETY: forwarded.
    let ty = unsafe { PyType::of_ptr(obj) };
    let itemsize = ty.itemsize();
    if itemsize == 0 {
        ty.basicsize()
    } else {
        // SAFETY: var-sized layouts store their length right after the header.
        let n = unsafe { *(obj.body() as *const usize) };
        ty.basicsize() + itemsize * n
    }
}

/// Builds the header of a static object whose type is `vtable`.
pub const fn static_header(vtable: &'static TypeVTable, kind: HeapKind) -> ObjectHeader {
    ObjectHeader::new_static(vtable as *const TypeVTable, kind)
}

impl PyType {
    /// A builtin type for a `static` (initialised further by [`PyType::ready_static`]).
    #[allow(clippy::too_many_arguments)]
    pub const fn new_static(
        header: ObjectHeader,
        name: &'static str,
        basicsize: usize,
        itemsize: usize,
        kind: HeapKind,
        flags: TypeFlags,
        vt: StaticVTable,
        slots: Slots,
    ) -> PyType {
        PyType {
            header,
            vtable: TypeVTable {
                name,
                kind,
                size: match vt.size {
                    Some(f) => f,
                    None => generic_size,
                },
                traverse: vt.traverse,
                clear: vt.clear,
                finalize: vt.finalize,
                dealloc: vt.dealloc,
            },
            slots: UnsafeCell::new(slots),
            inner: UnsafeCell::new(TypeInner {
                name,
                name_obj: None,
                qualname: None,
                base: std::ptr::null(),
                bases: None,
                mro: None,
                dict: None,
                slot_names: Vec::new(),
                slots_offset: 0,
                cached_keys: std::ptr::null_mut(),
                doc: None,
            }),
            flags: AtomicU64::new(flags.bits() | TypeFlags::IMMUTABLETYPE.bits()),
            basicsize: UnsafeCell::new(basicsize),
            itemsize: UnsafeCell::new(itemsize),
            version: AtomicU32::new(0),
            subclasses: Mutex::new(Vec::new()),
        }
    }

    /// The type of the object at `ptr`.
    ///
    /// # Safety
    /// `ptr` is a live Python object.
    #[inline(always)]
    pub unsafe fn of_ptr<'a>(ptr: ObjPtr) -> &'a PyType {
        // SAFETY: ob_type points at the vtable embedded VTABLE_OFFSET bytes into the
        // type object, which outlives its instances.
        unsafe {
            let vt = ptr.vtable() as *const strand_heap::TypeVTable as *const u8;
            &*(vt.sub(VTABLE_OFFSET) as *const PyType)
        }
    }

    /// The type of the object at `ptr`, or `None` if it was deallocated (a lock-free
    /// reader's view of an object whose memory QSBR keeps).
    ///
    /// # Safety
    /// `ptr`'s memory is allocated.
    #[inline]
    pub unsafe fn of_ptr_if_live<'a>(ptr: ObjPtr) -> Option<&'a PyType> {
        // SAFETY: as in `of_ptr`, for a non-null ob_type.
        unsafe {
            let vt = ptr.vtable_if_live()? as *const strand_heap::TypeVTable as *const u8;
            Some(&*(vt.sub(VTABLE_OFFSET) as *const PyType))
        }
    }

    /// This type as an object pointer.
    #[inline(always)]
    pub fn as_ptr(&self) -> ObjPtr {
        ObjPtr::new(std::ptr::NonNull::from(&self.header))
    }

    /// A new reference to this type as an object.
    #[inline]
    pub fn to_obj(&self) -> PyObj {
        // SAFETY: a type is alive while borrowed.
        unsafe { PyObj::from_borrowed(self.as_ptr()) }
    }

    /// The type of `obj` viewed as a type object (caller checked it is one).
    ///
    /// # Safety
    /// `obj` must be a type object.
    #[inline(always)]
    pub unsafe fn from_obj(obj: &PyObj) -> &PyType {
        // SAFETY: forwarded.
        unsafe { obj.payload_unchecked::<PyType>() }
    }

    #[inline(always)]
    pub(crate) fn inner(&self) -> &TypeInner {
        // SAFETY: written only while private or under stop-the-world.
        unsafe { &*self.inner.get() }
    }

    /// Mutable access to the fixed parts.
    ///
    /// # Safety
    /// The type must be private to the caller (being created) or the world stopped.
    #[allow(clippy::mut_from_ref)]
    pub(crate) unsafe fn inner_mut(&self) -> &mut TypeInner {
        // SAFETY: forwarded.
        unsafe { &mut *self.inner.get() }
    }

    /// The slot table.
    #[inline(always)]
    pub fn slots(&self) -> &Slots {
        // SAFETY: written only while private or under stop-the-world.
        unsafe { &*self.slots.get() }
    }

    /// Whether a call of this type must refuse keyword arguments that `base`'s
    /// constructor does not take: this is `base` itself, or a subclass that does not
    /// define its own `__init__` (which could take them). CPython's test in the
    /// `tp_new` of `filter`, `map` and the itertools types
    /// (`type == base || type->tp_init == base->tp_init`).
    pub fn refuses_keywords_of(&self, base: &PyType) -> bool {
        let init = |t: &PyType| t.slots().init.map(|f| f as usize);
        std::ptr::eq(self, base) || init(self) == init(base)
    }

    /// Mutable access to the slot table.
    ///
    /// # Safety
    /// As [`PyType::inner_mut`].
    #[allow(clippy::mut_from_ref)]
    pub(crate) unsafe fn slots_mut(&self) -> &mut Slots {
        // SAFETY: forwarded.
        unsafe { &mut *self.slots.get() }
    }

    /// The type's flags.
    #[inline(always)]
    pub fn flags(&self) -> TypeFlags {
        TypeFlags::from_bits_retain(self.flags.load(Relaxed))
    }

    pub(crate) fn add_flags(&self, f: TypeFlags) {
        self.flags.fetch_or(f.bits(), Relaxed);
    }

    pub(crate) fn clear_flags(&self, f: TypeFlags) {
        self.flags.fetch_and(!f.bits(), Relaxed);
    }

    /// Initialises a freshly allocated heap type object (header already written).
    ///
    /// # Safety
    /// `p` points to a fresh allocation of at least `size_of::<PyType>()` bytes.
    pub(crate) unsafe fn init_heap(
        p: *mut PyType,
        vtable: TypeVTable,
        flags: TypeFlags,
        basicsize: usize,
        itemsize: usize,
        inner: TypeInner,
    ) {
        // SAFETY: forwarded; each field is written once.
        unsafe {
            std::ptr::addr_of_mut!((*p).vtable).write(vtable);
            std::ptr::addr_of_mut!((*p).slots).write(UnsafeCell::new(Slots::EMPTY));
            std::ptr::addr_of_mut!((*p).inner).write(UnsafeCell::new(inner));
            std::ptr::addr_of_mut!((*p).flags).write(AtomicU64::new(flags.bits()));
            std::ptr::addr_of_mut!((*p).basicsize).write(UnsafeCell::new(basicsize));
            std::ptr::addr_of_mut!((*p).itemsize).write(UnsafeCell::new(itemsize));
            std::ptr::addr_of_mut!((*p).version).write(AtomicU32::new(0));
            std::ptr::addr_of_mut!((*p).subclasses).write(Mutex::new(Vec::new()));
        }
    }

    /// Instance size without items.
    #[inline(always)]
    pub fn basicsize(&self) -> usize {
        // SAFETY: written only while private.
        unsafe { *self.basicsize.get() }
    }

    /// Size per item of var-sized instances.
    #[inline(always)]
    pub fn itemsize(&self) -> usize {
        // SAFETY: written only while private.
        unsafe { *self.itemsize.get() }
    }

    /// `__name__`.
    pub fn name(&self) -> &str {
        match &self.inner().name_obj {
            Some(n) => crate::str::as_str(n),
            None => self.inner().name,
        }
    }

    /// `__qualname__` (falls back to `__name__`).
    pub fn qualname(&self) -> PyObj {
        let inner = self.inner();
        if let Some(q) = &inner.qualname {
            return q.clone();
        }
        match &inner.name_obj {
            Some(n) if self.is_heap_type() || !inner.name.contains('.') => n.clone(),
            _ => crate::str::new(short_name(inner.name)),
        }
    }

    /// `__name__`: for builtin types named `module.name` (CPython's dotted
    /// `tp_name`, e.g. `_thread._local`), the part after the last dot.
    pub fn short_name(&self) -> &str {
        if self.is_heap_type() {
            self.name()
        } else {
            short_name(self.name())
        }
    }

    /// `tp_base`: the base whose layout instances extend (None for `object`).
    #[inline]
    pub fn base(&self) -> Option<&PyType> {
        // SAFETY: base types outlive subtypes (the subtype's bases tuple holds them).
        unsafe { self.inner().base.as_ref() }
    }

    /// `__bases__` (a tuple).
    pub fn bases(&self) -> PyObj {
        self.inner()
            .bases
            .clone()
            .unwrap_or_else(crate::tuple::empty)
    }

    /// `__mro__` (a tuple of types).
    pub fn mro(&self) -> PyObj {
        self.inner().mro.clone().unwrap_or_else(crate::tuple::empty)
    }

    /// The type's `__dict__` (a dict; exposed read-only as a mappingproxy).
    pub fn dict(&self) -> &PyObj {
        self.inner()
            .dict
            .as_ref()
            .expect("type used before it was readied")
    }

    /// `true` for user classes.
    #[inline]
    pub fn is_heap_type(&self) -> bool {
        self.flags().contains(TypeFlags::HEAPTYPE)
    }

    /// `true` if `self` is `other` or a subclass of it (walks the MRO).
    pub fn is_subtype(&self, other: &PyType) -> bool {
        if std::ptr::eq(self, other) {
            return true;
        }
        match &self.inner().mro {
            Some(mro) => crate::tuple::items(mro)
                .iter()
                .any(|t| std::ptr::eq(t.as_ptr().as_ptr(), other.as_ptr().as_ptr())),
            None => {
                // Not readied yet: walk tp_base.
                let mut t = self.base();
                while let Some(b) = t {
                    if std::ptr::eq(b, other) {
                        return true;
                    }
                    t = b.base();
                }
                false
            }
        }
    }

    /// Looks `name` (a str) up in the MRO's dicts without binding (CPython's
    /// `_PyType_Lookup`), using the per-thread method cache.
    pub fn lookup(&self, name: &PyObj) -> Option<PyObj> {
        crate::method_cache::lookup(self, name)
    }

    /// Looks up by a Rust string (interns it first).
    pub fn lookup_str(&self, name: &str) -> Option<PyObj> {
        self.lookup(&crate::str::intern(name))
    }

    /// The lookup itself, without the cache.
    pub(crate) fn lookup_uncached(&self, name: &PyObj) -> Option<PyObj> {
        // A counted reference: a key's `__eq__` may reach a safe point, at which
        // `__bases__` assignment may replace (and release) the MRO.
        let mro = self.inner().mro.clone();
        match mro.as_ref() {
            Some(mro) => {
                for t in crate::tuple::items(mro) {
                    // SAFETY: MRO entries are types.
                    let t = unsafe { PyType::from_obj(t) };
                    if let Some(d) = &t.inner().dict {
                        if let Ok(Some(v)) = crate::dict::get_item(d, name) {
                            return Some(v);
                        }
                    }
                }
                None
            }
            None => self
                .inner()
                .dict
                .as_ref()
                .and_then(|d| crate::dict::get_item(d, name).ok().flatten()),
        }
    }

    /// The version tag, assigning one if the type has none (0 never is a valid tag).
    #[inline]
    pub fn version_tag(&self) -> u32 {
        let v = self.version.load(Relaxed);
        if v != 0 {
            return v;
        }
        self.assign_version()
    }

    #[cold]
    fn assign_version(&self) -> u32 {
        static NEXT: AtomicU32 = AtomicU32::new(1);
        let v = NEXT.fetch_add(1, Relaxed);
        if v == 0 {
            // Wrapped around: stop caching for this type rather than reuse tags.
            return 0;
        }
        match self.version.compare_exchange(0, v, SeqCst, Relaxed) {
            Ok(_) => v,
            Err(existing) => existing,
        }
    }

    /// The current tag without assigning one (0 if none).
    #[inline]
    pub fn current_version(&self) -> u32 {
        self.version.load(Relaxed)
    }

    /// Invalidates the version tags of this type and all its subclasses (CPython's
    /// `PyType_Modified`). Call with the world stopped, after changing the type.
    pub fn modified(&self) {
        self.version.store(0, SeqCst);
        let subs: Vec<usize> = self.subclasses.lock().clone();
        for s in subs {
            // SAFETY: subclasses unregister themselves before they are freed.
            unsafe { &*(s as *const PyType) }.modified();
        }
    }

    pub(crate) fn add_subclass(&self, sub: &PyType) {
        self.subclasses.lock().push(sub as *const PyType as usize);
    }

    pub(crate) fn remove_subclass(&self, sub: &PyType) {
        let addr = sub as *const PyType as usize;
        self.subclasses.lock().retain(|&s| s != addr);
    }

    /// Direct subclasses (for `__subclasses__()`).
    pub fn subclasses(&self) -> Vec<PyObj> {
        self.subclasses
            .lock()
            .iter()
            // SAFETY: registered subclasses are alive (they unregister when freed).
            .map(|&s| unsafe { &*(s as *const PyType) }.to_obj())
            .collect()
    }

    /// Readies a builtin type: names, base, bases, MRO, dict with its methods, and slot
    /// inheritance. Called once per type, bases first: by [`crate::init`] for this
    /// crate's types, and by higher layers for the static types they define (the
    /// interpreter's generator type).
    ///
    /// Must not be called twice for a type, nor concurrently with its use.
    pub fn ready_static(
        &'static self,
        base: Option<&'static PyType>,
        methods: &[crate::descr::MethodDef],
        getsets: &[crate::descr::GetSetDef],
    ) {
        // SAFETY: init runs once, before the type is used by anyone else.
        let inner = unsafe { self.inner_mut() };
        inner.name_obj = Some(crate::str::intern(inner.name));
        // A dotted static name (`_io.TextIOWrapper`, CPython's tp_name) names the module
        // before the last dot; `__name__`/`__qualname__` are what follows it.
        if let Some((_, short)) = inner.name.rsplit_once('.') {
            inner.qualname = Some(crate::str::intern(short));
        }
        inner.base = base.map_or(std::ptr::null(), |b| b as *const PyType);
        let bases: Vec<PyObj> = base.iter().map(|b| b.to_obj()).collect();
        inner.bases = Some(crate::tuple::from_vec(bases));
        let mut mro = vec![self.to_obj()];
        if let Some(b) = base {
            mro.extend(crate::tuple::items(&b.mro()).iter().cloned());
            // A static type directly under `object` without a `__new__` of its own is
            // not instantiable from Python (CPython's DISALLOW_INSTANTIATION rule):
            // object's allocator knows nothing of its layout.
            let own_new = self.slots().new.is_some();
            let under_object = std::ptr::eq(b, &crate::baseobject::OBJECT_TYPE);
            // SAFETY: as above.
            unsafe { self.slots_mut() }.inherit_from(b.slots());
            if under_object && !own_new {
                // SAFETY: as above.
                unsafe { self.slots_mut() }.new = None;
            }
            self.add_flags(
                b.flags()
                    & (TypeFlags::LONG_SUBCLASS
                        | TypeFlags::LIST_SUBCLASS
                        | TypeFlags::TUPLE_SUBCLASS
                        | TypeFlags::BYTES_SUBCLASS
                        | TypeFlags::UNICODE_SUBCLASS
                        | TypeFlags::DICT_SUBCLASS
                        | TypeFlags::BASE_EXC_SUBCLASS
                        | TypeFlags::TYPE_SUBCLASS
                        | TypeFlags::PREHEADER
                        | TypeFlags::MANAGED_DICT),
            );
            b.add_subclass(self);
        }
        inner.mro = Some(crate::tuple::from_vec(mro));
        let dict = crate::dict::new();
        for m in methods {
            let descr = crate::descr::new_method_descr(self, m);
            crate::dict::set_item_str(&dict, m.name, descr);
        }
        for g in getsets {
            let descr = crate::descr::new_getset_descr(self, g);
            crate::dict::set_item_str(&dict, g.name, descr);
        }
        // Every type has `__doc__` in its own dict (CPython's `type_ready` puts the
        // body of `tp_doc` there, None when it has none), so instances answer
        // `__doc__` too.
        if crate::dict::get_item_str(&dict, "__doc__").is_none() {
            let doc = crate::docs::doc_object(inner.name, crate::docs::type_doc(inner.name));
            crate::dict::set_item_str(&dict, "__doc__", doc);
        }
        inner.dict = Some(dict);
        crate::slotdefs::add_slot_wrappers(self);
        self.add_flags(TypeFlags::READY);
    }
}

/// `true` if `obj` is a type object.
#[inline]
pub fn is_type(obj: &PyObj) -> bool {
    obj.ty().flags().contains(TypeFlags::TYPE_SUBCLASS)
}

/// `obj` as a type, or a `TypeError` naming `what`.
pub fn expect_type<'a>(obj: &'a PyObj, what: &str) -> PyResult<&'a PyType> {
    if is_type(obj) {
        // SAFETY: checked above.
        Ok(unsafe { PyType::from_obj(obj) })
    } else {
        Err(crate::exceptions::type_error(format!(
            "{what} must be a type, not {}",
            obj.ty().name()
        )))
    }
}

/// Declares a builtin type as an immortal `static` (its type is `type`). Fields:
/// `name`, `layout` (the instance struct), `itemsize`, `kind`, `flags`, `traverse`,
/// `clear`, `dealloc`, `size`, optionally `finalize`, then `slots`.
#[macro_export]
macro_rules! builtin_type {
    ($(#[$m:meta])* $vis:vis static $ident:ident = {
        name: $name:expr,
        layout: $layout:ty,
        itemsize: $item:expr,
        kind: $kind:expr,
        flags: $flags:expr,
        traverse: $tr:expr,
        clear: $cl:expr,
        dealloc: $de:expr,
        size: $size:expr,
        slots: $slots:expr $(,)?
    }) => {
        $crate::builtin_type! {
            $(#[$m])* $vis static $ident = {
                name: $name,
                layout: $layout,
                itemsize: $item,
                kind: $kind,
                flags: $flags,
                traverse: $tr,
                clear: $cl,
                dealloc: $de,
                size: $size,
                finalize: None,
                slots: $slots,
            }
        }
    };
    ($(#[$m:meta])* $vis:vis static $ident:ident = {
        name: $name:expr,
        layout: $layout:ty,
        itemsize: $item:expr,
        kind: $kind:expr,
        flags: $flags:expr,
        traverse: $tr:expr,
        clear: $cl:expr,
        dealloc: $de:expr,
        size: $size:expr,
        finalize: $fin:expr,
        slots: $slots:expr $(,)?
    }) => {
        $(#[$m])*
        $vis static $ident: $crate::typeobj::PyType = $crate::typeobj::PyType::new_static(
            $crate::typeobj::static_header(&$crate::typeobj::TYPE_TYPE.vtable, strand_heap::HeapKind::Gc),
            $name,
            ::std::mem::size_of::<$layout>(),
            $item,
            $kind,
            $flags,
            $crate::typeobj::StaticVTable {
                traverse: $tr,
                clear: $cl,
                dealloc: $de,
                size: $size,
                finalize: $fin,
            },
            $slots,
        );
    };
}

/// The part of a dotted builtin type name after its module.
fn short_name(name: &str) -> &str {
    name.rsplit('.').next().unwrap_or(name)
}

/// Whether `ty` (a subtype of `base`) finds a different `name` than `base` does
/// through its MRO: CPython's `type->tp_new != Base.tp_new` tests, asked of the
/// attributes that fill those slots.
pub fn overrides(ty: &PyType, base: &PyType, name: &str) -> bool {
    match (ty.lookup_str(name), base.lookup_str(name)) {
        (Some(a), Some(b)) => !a.is(&b),
        (a, b) => a.is_some() != b.is_some(),
    }
}
