//! The `itertools` module (CPython's Modules/itertoolsmodule.c), all native: `count`
//! (the object model's [`strand_objects::count`], which hands out each value once
//! to any number of threads without a lock), `cycle`, `repeat`, `accumulate`, `chain` (and `chain.from_iterable`),
//! `compress`, `dropwhile`, `filterfalse`, `groupby` (with its `_grouper`),
//! `islice`, `pairwise`, `starmap`, `takewhile`, `tee` (`_tee` over linked
//! `_tee_dataobject` blocks), `zip_longest`, `product`, `permutations`,
//! `combinations` and `combinations_with_replacement`, each a type named
//! `itertools.NAME` as in CPython.
//!
//! Every iterator keeps its state in one `Tool` value. As in the free-threaded
//! build, `next()` runs inside the iterator's critical section, so threads sharing
//! an iterator (a shared `cycle` or `islice`, say) each get distinct items; Python
//! code (the inner iterator, predicates, `+`) runs inside the section but never
//! while the state is borrowed: each step copies what it needs out, calls Python,
//! and writes back, and what it replaces is dropped after the borrow ends.
//!
//! Every type but `pairwise` supports CPython 3.11's pickling protocol
//! (`__reduce__`, and `__setstate__` where there is state beyond the constructor's
//! arguments), which `copy.copy`, `copy.deepcopy` and `pickle` use at any point of
//! the iteration; the reduce values are CPython's, so pickles travel both ways
//! (the protocol is deprecated by CPython 3.12 and gone in 3.14).

use std::cell::UnsafeCell;
use std::sync::atomic::{AtomicU64, Ordering::Relaxed};

use strand_heap::{HeapKind, ObjPtr, ObjectHeader};
use strand_objects::abstract_::{self as ab, BinOp};
use strand_objects::args::Args;
use strand_objects::descr::{MethodDef, NativeFn};
use strand_objects::exceptions::{self as exc, type_error, value_error};
use strand_objects::typeobj::{CompareOp, PyType, Slots, TypeFlags};
use strand_objects::{dict, int, list, module, singletons, str as pystr, tuple, PyObj, PyResult};

use strand_interp::native_module::add_functions;

/// The state of one itertools iterator.
enum Tool {
    Cycle {
        it: Option<PyObj>,
        /// The list of values seen (a `list`, shared with what `__reduce__` hands out,
        /// as in CPython).
        saved: PyObj,
        index: usize,
        /// Set by `__setstate__`: the values still to come from `it` are in `saved`
        /// already, so they are not appended again.
        firstpass: bool,
    },
    Repeat {
        obj: PyObj,
        /// `None`: forever.
        left: Option<usize>,
    },
    Accumulate {
        it: PyObj,
        func: Option<PyObj>,
        total: Option<PyObj>,
        initial: Option<PyObj>,
    },
    Chain {
        source: Option<PyObj>,
        active: Option<PyObj>,
    },
    Compress {
        data: PyObj,
        selectors: PyObj,
    },
    DropWhile {
        func: PyObj,
        it: PyObj,
        dropping: bool,
    },
    TakeWhile {
        func: PyObj,
        it: PyObj,
        done: bool,
    },
    FilterFalse {
        func: Option<PyObj>,
        it: PyObj,
    },
    GroupBy {
        it: PyObj,
        keyfunc: Option<PyObj>,
        tgtkey: Option<PyObj>,
        currkey: Option<PyObj>,
        currvalue: Option<PyObj>,
        /// The generation of the grouper that may still yield.
        current: u64,
    },
    Grouper {
        parent: PyObj,
        tgtkey: PyObj,
        generation: u64,
    },
    ISlice {
        it: Option<PyObj>,
        next: usize,
        stop: Option<usize>,
        step: usize,
        /// Values read from `it` (`__setstate__` may set any `Py_ssize_t`).
        cnt: isize,
    },
    Pairwise {
        it: Option<PyObj>,
        old: Option<PyObj>,
    },
    StarMap {
        func: PyObj,
        it: PyObj,
    },
    Tee {
        data: PyObj,
        index: usize,
    },
    TeeData {
        it: PyObj,
        values: Vec<PyObj>,
        next: Option<PyObj>,
        running: bool,
    },
    ZipLongest {
        its: Vec<Option<PyObj>>,
        active: usize,
        fill: PyObj,
    },
    Combinatoric {
        kind: Combi,
        /// The pools (one per product argument, else one).
        pools: Vec<Vec<PyObj>>,
        r: usize,
        indices: Vec<usize>,
        cycles: Vec<usize>,
        started: bool,
        stopped: bool,
    },
    /// Cleared by the collector.
    Cleared,
}

/// Which combinatoric iterator a [`Tool::Combinatoric`] is.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Combi {
    Product,
    Permutations,
    Combinations,
    WithReplacement,
}

impl Tool {
    fn visit(&self, visit: &mut dyn FnMut(&PyObj)) {
        let opt = |o: &Option<PyObj>, v: &mut dyn FnMut(&PyObj)| {
            if let Some(o) = o {
                v(o);
            }
        };
        match self {
            Tool::Cycle { it, saved, .. } => {
                opt(it, visit);
                visit(saved);
            }
            Tool::Repeat { obj, .. } => visit(obj),
            Tool::Accumulate {
                it,
                func,
                total,
                initial,
            } => {
                visit(it);
                opt(func, visit);
                opt(total, visit);
                opt(initial, visit);
            }
            Tool::Chain { source, active } => {
                opt(source, visit);
                opt(active, visit);
            }
            Tool::Compress { data, selectors } => {
                visit(data);
                visit(selectors);
            }
            Tool::DropWhile { func, it, .. }
            | Tool::TakeWhile { func, it, .. }
            | Tool::StarMap { func, it } => {
                visit(func);
                visit(it);
            }
            Tool::FilterFalse { func, it } => {
                opt(func, visit);
                visit(it);
            }
            Tool::GroupBy {
                it,
                keyfunc,
                tgtkey,
                currkey,
                currvalue,
                ..
            } => {
                visit(it);
                for o in [keyfunc, tgtkey, currkey, currvalue] {
                    opt(o, visit);
                }
            }
            Tool::Grouper { parent, tgtkey, .. } => {
                visit(parent);
                visit(tgtkey);
            }
            Tool::ISlice { it, .. } => opt(it, visit),
            Tool::Pairwise { it, old } => {
                opt(it, visit);
                opt(old, visit);
            }
            Tool::Tee { data, .. } => visit(data),
            Tool::TeeData {
                it, values, next, ..
            } => {
                visit(it);
                values.iter().for_each(&mut *visit);
                opt(next, visit);
            }
            Tool::ZipLongest { its, fill, .. } => {
                its.iter().for_each(|o| opt(o, visit));
                visit(fill);
            }
            Tool::Combinatoric { pools, .. } => {
                pools.iter().flatten().for_each(visit);
            }
            Tool::Cleared => {}
        }
    }
}

/// The layout of every itertools type.
#[repr(C)]
pub struct PyTool {
    header: ObjectHeader,
    state: UnsafeCell<Tool>,
}

unsafe fn tool_traverse(obj: ObjPtr, visit: &mut dyn FnMut(ObjPtr)) {
    // SAFETY: installed on PyTool layouts; the world is stopped and no borrow of a
    // state spans a safe point.
    let t = unsafe { &*(*(obj.as_ptr() as *const PyTool)).state.get() };
    t.visit(&mut |o| visit(o.as_ptr()));
}

unsafe fn tool_clear(obj: ObjPtr) {
    // SAFETY: the collector holds a reference.
    let o = unsafe { PyObj::from_borrowed(obj) };
    let old = locked(&o, || st(&o, |t| std::mem::replace(t, Tool::Cleared)));
    drop(old);
}

unsafe fn tool_dealloc(obj: ObjPtr) {
    // SAFETY: count zero, exclusive; the state was initialised by `new_tool`; weak
    // references (to a `_tee`) are cleared, their callbacks run, before the state goes.
    unsafe {
        strand_objects::weakref::clear_weakrefs_on_dealloc(obj);
        let p = obj.as_ptr() as *mut PyTool;
        std::ptr::drop_in_place(std::ptr::addr_of_mut!((*p).state));
        strand_objects::heaptype::dealloc_instance_memory(obj);
    }
}

macro_rules! tool_type {
    ($($(#[$m:meta])* $ident:ident = $name:literal, $flags:expr, { $($slot:ident : $val:expr),* $(,)? };)*) => {$(
        strand_objects::builtin_type! {
            $(#[$m])*
            pub static $ident = {
                name: $name,
                layout: PyTool,
                itemsize: 0,
                kind: HeapKind::Gc,
                flags: $flags,
                traverse: Some(tool_traverse),
                clear: Some(tool_clear),
                dealloc: tool_dealloc,
                size: None,
                slots: Slots {
                    iter: Some(|o| Ok(o.clone())),
                    iternext: Some(tool_next),
                    $($slot: $val,)*
                    ..Slots::EMPTY
                },
            }
        }
    )*};
}

const BASE: TypeFlags = TypeFlags::BASETYPE;
const NONE: TypeFlags = TypeFlags::empty();

tool_type! {
    /// `itertools.cycle`.
    CYCLE_TYPE = "itertools.cycle", BASE, { new: Some(cycle_new) };
    /// `itertools.repeat`.
    REPEAT_TYPE = "itertools.repeat", BASE, { new: Some(repeat_new), repr: Some(repeat_repr) };
    /// `itertools.accumulate`.
    ACCUMULATE_TYPE = "itertools.accumulate", BASE, { new: Some(accumulate_new) };
    /// `itertools.chain`.
    CHAIN_TYPE = "itertools.chain", BASE, { new: Some(chain_new) };
    /// `itertools.compress`.
    COMPRESS_TYPE = "itertools.compress", BASE, { new: Some(compress_new) };
    /// `itertools.dropwhile`.
    DROPWHILE_TYPE = "itertools.dropwhile", BASE, { new: Some(dropwhile_new) };
    /// `itertools.takewhile`.
    TAKEWHILE_TYPE = "itertools.takewhile", BASE, { new: Some(takewhile_new) };
    /// `itertools.filterfalse`.
    FILTERFALSE_TYPE = "itertools.filterfalse", BASE, { new: Some(filterfalse_new) };
    /// `itertools.groupby`.
    GROUPBY_TYPE = "itertools.groupby", BASE, { new: Some(groupby_new) };
    /// `itertools._grouper`.
    GROUPER_TYPE = "itertools._grouper", NONE, { new: Some(grouper_type_new) };
    /// `itertools.islice`.
    ISLICE_TYPE = "itertools.islice", BASE, { new: Some(islice_new) };
    /// `itertools.pairwise`.
    PAIRWISE_TYPE = "itertools.pairwise", BASE, { new: Some(pairwise_new) };
    /// `itertools.starmap`.
    STARMAP_TYPE = "itertools.starmap", BASE, { new: Some(starmap_new) };
    /// `itertools._tee`.
    TEE_TYPE = "itertools._tee", TypeFlags::MANAGED_WEAKREF, { new: Some(tee_type_new) };
    /// `itertools._tee_dataobject`.
    TEEDATA_TYPE = "itertools._tee_dataobject", NONE, { new: Some(teedata_type_new) };
    /// `itertools.zip_longest`.
    ZIPLONGEST_TYPE = "itertools.zip_longest", BASE, { new: Some(zip_longest_new) };
    /// `itertools.product`.
    PRODUCT_TYPE = "itertools.product", BASE, { new: Some(product_new) };
    /// `itertools.permutations`.
    PERMUTATIONS_TYPE = "itertools.permutations", BASE, { new: Some(permutations_new) };
    /// `itertools.combinations`.
    COMBINATIONS_TYPE = "itertools.combinations", BASE, { new: Some(combinations_new) };
    /// `itertools.combinations_with_replacement`.
    CWR_TYPE = "itertools.combinations_with_replacement", BASE, { new: Some(cwr_new) };
}

fn new_tool(ty: &PyType, t: Tool) -> PyObj {
    let obj = strand_objects::alloc::alloc_instance(ty, ty.basicsize());
    // SAFETY: a fresh allocation with the PyTool layout; the state is written and the
    // slots region zeroed before the object is finished (and tracked).
    unsafe {
        let p = obj.as_ptr().as_ptr() as *mut PyTool;
        std::ptr::addr_of_mut!((*p).state).write(UnsafeCell::new(t));
        strand_objects::heaptype::init_slots_region(ty, &obj);
        strand_objects::alloc::finish_instance(ty, &obj);
    }
    obj
}

/// Runs `f` inside `o`'s critical section (which stays held while Python code runs
/// in `f`, and is suspended only if the thread blocks).
fn locked<R>(o: &PyObj, f: impl FnOnce() -> R) -> R {
    strand_heap::critical_section!(o);
    f()
}

/// Borrows `o`'s state for `f`, which must run no Python code and drop nothing
/// (return replaced objects instead). Callers hold `o`'s critical section.
fn st<R>(o: &PyObj, f: impl FnOnce(&mut Tool) -> R) -> R {
    // SAFETY: only PyTool layouts reach here (their slots and methods); the critical
    // section excludes other threads and `f` cannot re-enter.
    let t = unsafe { &mut *o.payload_unchecked::<PyTool>().state.get() };
    f(t)
}

fn tool_next(o: &PyObj) -> PyResult<Option<PyObj>> {
    locked(o, || next_locked(o))
}

/// `next(it)`, `None` at the end.
fn next_of(it: &PyObj) -> PyResult<Option<PyObj>> {
    ab::next(it)
}

fn next_locked(o: &PyObj) -> PyResult<Option<PyObj>> {
    enum Kind {
        Cycle,
        Repeat,
        Accumulate,
        Chain,
        Compress,
        DropWhile,
        TakeWhile,
        FilterFalse,
        GroupBy,
        Grouper,
        ISlice,
        Pairwise,
        StarMap,
        Tee,
        ZipLongest,
        Combinatoric,
        Done,
    }
    let kind = st(o, |t| match t {
        Tool::Cycle { .. } => Kind::Cycle,
        Tool::Repeat { .. } => Kind::Repeat,
        Tool::Accumulate { .. } => Kind::Accumulate,
        Tool::Chain { .. } => Kind::Chain,
        Tool::Compress { .. } => Kind::Compress,
        Tool::DropWhile { .. } => Kind::DropWhile,
        Tool::TakeWhile { .. } => Kind::TakeWhile,
        Tool::FilterFalse { .. } => Kind::FilterFalse,
        Tool::GroupBy { .. } => Kind::GroupBy,
        Tool::Grouper { .. } => Kind::Grouper,
        Tool::ISlice { .. } => Kind::ISlice,
        Tool::Pairwise { .. } => Kind::Pairwise,
        Tool::StarMap { .. } => Kind::StarMap,
        Tool::Tee { .. } => Kind::Tee,
        Tool::ZipLongest { .. } => Kind::ZipLongest,
        Tool::Combinatoric { .. } => Kind::Combinatoric,
        Tool::TeeData { .. } | Tool::Cleared => Kind::Done,
    });
    match kind {
        Kind::Cycle => cycle_next(o),
        Kind::Repeat => repeat_next(o),
        Kind::Accumulate => accumulate_next(o),
        Kind::Chain => chain_next(o),
        Kind::Compress => compress_next(o),
        Kind::DropWhile => dropwhile_next(o),
        Kind::TakeWhile => takewhile_next(o),
        Kind::FilterFalse => filterfalse_next(o),
        Kind::GroupBy => groupby_next(o),
        Kind::Grouper => grouper_next(o),
        Kind::ISlice => islice_next(o),
        Kind::Pairwise => pairwise_next(o),
        Kind::StarMap => starmap_next(o),
        Kind::Tee => tee_next(o),
        Kind::ZipLongest => zip_longest_next(o),
        Kind::Combinatoric => combinatoric_next(o),
        Kind::Done => Ok(None),
    }
}

fn type_of(cls: &PyObj, what: &str) -> PyResult<&'static PyType> {
    let ty = strand_objects::typeobj::expect_type(cls, what)?;
    // SAFETY: types outlive their instances; the reference is used only to allocate
    // one (which then holds its type).
    Ok(unsafe { &*(ty as *const PyType) })
}

/// CPython's `_PyArg_NoKeywords` for `type(...)` calls: the type and subclasses
/// without their own `__init__` refuse keywords (an `__init__` may take them).
fn no_kw(cls: &PyObj, base: &PyType, a: &Args, name: &str) -> PyResult<()> {
    if a.has_kwargs() && type_of(cls, name)?.refuses_keywords_of(base) {
        return Err(type_error(format!("{name}() takes no keyword arguments")));
    }
    Ok(())
}

fn positional<'a>(
    cls: &PyObj,
    base: &PyType,
    a: &'a [PyObj],
    k: Option<&'a PyObj>,
    name: &str,
    min: usize,
    max: usize,
) -> PyResult<&'a [PyObj]> {
    let args = Args::new(a, k);
    no_kw(cls, base, &args, name)?;
    let pos = args.positionals();
    if pos.len() < min || pos.len() > max {
        Args::new(pos, None).expect_fn(name, min, max)?;
    }
    Ok(pos)
}

fn none() -> PyObj {
    singletons::none()
}

// ---------------------------------------------------------------------------------
// Pickling support (CPython 3.11's `__reduce__`/`__setstate__` protocol, which
// `copy.copy`, `copy.deepcopy` and `pickle` use)
// ---------------------------------------------------------------------------------

/// Runs `f` on `o`'s state inside its critical section (`f` runs no Python code);
/// `None` from `f` (a cleared object) is a `TypeError`.
fn with_state<R>(o: &PyObj, f: impl FnOnce(&mut Tool) -> Option<R>) -> PyResult<R> {
    locked(o, || st(o, f)).ok_or_else(|| {
        type_error(format!(
            "'{}' object was cleared by the garbage collector",
            o.ty().name()
        ))
    })
}

/// Checks the arguments of a method that takes `n` arguments besides `self`, with
/// CPython's messages, which name the method after the itertools type defining it
/// (`accumulate.__setstate__() takes exactly one argument (0 given)`).
fn method_args(a: &[PyObj], k: Option<&PyObj>, method: &str, n: usize) -> PyResult<()> {
    let args = Args::new(a, k);
    if args.exact(method, n + 1).is_ok() {
        return Ok(());
    }
    let mut ty = a.first().map(|o| o.ty());
    while let Some(t) = ty.filter(|t| t.is_heap_type()) {
        ty = t.base();
    }
    let owner = ty.map_or("", |t| t.short_name());
    args.exact(&format!("{owner}.{method}"), n + 1)
}

/// A `__reduce__` value: `(type(o), tuple(args))`, plus `state` when there is one.
fn reduce_value(o: &PyObj, args: Vec<PyObj>, state: Option<PyObj>) -> PyObj {
    let mut v = vec![o.ty().to_obj(), tuple::from_vec(args)];
    v.extend(state);
    tuple::from_vec(v)
}

/// The items of a `__setstate__` tuple of `min..=max` items, with the messages of
/// CPython's `PyArg_ParseTuple`.
fn state_tuple(state: &PyObj, min: usize, max: usize) -> PyResult<&[PyObj]> {
    if !tuple::is_tuple(state) {
        return Err(type_error("state is not a tuple"));
    }
    let items = tuple::items(state);
    let n = items.len();
    if n < min || n > max {
        let (word, bound) = if min == max {
            ("exactly", min)
        } else if n < min {
            ("at least", min)
        } else {
            ("at most", max)
        };
        return Err(type_error(format!(
            "function takes {word} {bound} argument{} ({n} given)",
            if bound == 1 { "" } else { "s" }
        )));
    }
    Ok(items)
}

/// A C `int` argument (`PyArg_ParseTuple`'s `i`): anything with `__index__`.
fn c_int(o: &PyObj) -> PyResult<i64> {
    if !int::is_int(o) && o.ty().slots().number.index.is_none() {
        return Err(type_error(format!(
            "'{}' object cannot be interpreted as an integer",
            o.ty().name()
        )));
    }
    let v = int::to_isize(&ab::index(o)?)? as i64;
    if v > i64::from(i32::MAX) {
        return Err(exc::overflow_error(
            "signed integer is greater than maximum",
        ));
    }
    if v < i64::from(i32::MIN) {
        return Err(exc::overflow_error("signed integer is less than minimum"));
    }
    Ok(v)
}

/// A `Py_ssize_t` read with `PyLong_AsSsize_t`: an `int` (no `__index__`).
fn ssize_arg(o: &PyObj) -> PyResult<isize> {
    if !int::is_int(o) {
        return Err(type_error("an integer is required"));
    }
    int::to_isize(o)
}

/// A tuple of Python ints.
fn int_tuple(v: impl IntoIterator<Item = usize>) -> PyObj {
    tuple::from_vec(v.into_iter().map(int::from_usize).collect())
}

// ---------------------------------------------------------------------------------
// cycle, repeat
// ---------------------------------------------------------------------------------

fn cycle_new(cls: &PyObj, a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    let pos = positional(cls, &CYCLE_TYPE, a, k, "cycle", 1, 1)?;
    let it = ab::iter(&pos[0])?;
    Ok(new_tool(
        type_of(cls, "cycle")?,
        Tool::Cycle {
            it: Some(it),
            saved: list::new(Vec::new()),
            index: 0,
            firstpass: false,
        },
    ))
}

fn cycle_next(o: &PyObj) -> PyResult<Option<PyObj>> {
    let (it, saved, firstpass) = st(o, |t| match t {
        Tool::Cycle {
            it,
            saved,
            firstpass,
            ..
        } => (it.clone(), saved.clone(), *firstpass),
        _ => unreachable!("cycle state"),
    });
    if let Some(it) = it {
        if let Some(x) = next_of(&it)? {
            if !firstpass {
                list::append(&saved, x.clone())?;
            }
            return Ok(Some(x));
        }
        let old = st(o, |t| match t {
            Tool::Cycle { it, .. } => it.take(),
            _ => None,
        });
        drop(old);
    }
    let n = list::len(&saved);
    if n == 0 {
        return Ok(None);
    }
    // The list may have been changed through `__setstate__`'s argument; an index
    // past its end starts over.
    let i = st(o, |t| match t {
        Tool::Cycle { index, .. } => {
            let i = if *index < n { *index } else { 0 };
            *index = if i + 1 >= n { 0 } else { i + 1 };
            i
        }
        _ => 0,
    });
    Ok(list::get(&saved, i))
}

/// `cycle.__reduce__()`: `(type, (it,), (saved, firstpass))`; once the input is
/// exhausted, `it` is an iterator over `saved` positioned at the next value and
/// `firstpass` is true (CPython's `cycle_reduce`).
fn cycle_reduce(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    method_args(a, k, "__reduce__", 0)?;
    let (it, saved, index, firstpass) = with_state(&a[0], |t| match t {
        Tool::Cycle {
            it,
            saved,
            index,
            firstpass,
        } => Some((it.clone(), saved.clone(), *index, *firstpass)),
        _ => None,
    })?;
    let (it, firstpass) = match it {
        Some(it) => (it, firstpass),
        None => {
            let it = ab::iter(&saved)?;
            if index != 0 {
                ab::call_method(&it, "__setstate__", &[int::from_usize(index)])?;
            }
            (it, true)
        }
    };
    Ok(reduce_value(
        &a[0],
        vec![it],
        Some(tuple::pair(saved, singletons::bool_obj(firstpass))),
    ))
}

/// `cycle.__setstate__((saved, firstpass))`: `saved` a list, `firstpass` an int.
fn cycle_setstate(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    method_args(a, k, "__setstate__", 1)?;
    let items = state_tuple(&a[1], 2, 2)?;
    if !list::is_list(&items[0]) {
        return Err(type_error(format!(
            "argument 1 must be list, not {}",
            items[0].ty().name()
        )));
    }
    let firstpass = c_int(&items[1])? != 0;
    let saved = items[0].clone();
    let old = with_state(&a[0], |t| match t {
        Tool::Cycle {
            saved: s,
            index,
            firstpass: f,
            ..
        } => {
            *index = 0;
            *f = firstpass;
            Some(std::mem::replace(s, saved))
        }
        _ => None,
    })?;
    drop(old);
    Ok(none())
}

fn repeat_new(cls: &PyObj, a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    let b = Args::new(a, k).bind("repeat", 0, &["object", "times"], 1)?;
    let left = match b[1] {
        None => None,
        Some(n) => {
            if !int::is_int(n) && n.ty().slots().number.index.is_none() {
                return Err(type_error(format!(
                    "'{}' object cannot be interpreted as an integer",
                    n.ty().name()
                )));
            }
            Some(int::to_isize(&ab::index(n)?)?.max(0) as usize)
        }
    };
    Ok(new_tool(
        type_of(cls, "repeat")?,
        Tool::Repeat {
            obj: b[0].expect("required").clone(),
            left,
        },
    ))
}

fn repeat_next(o: &PyObj) -> PyResult<Option<PyObj>> {
    Ok(st(o, |t| match t {
        Tool::Repeat { obj, left } => match left {
            None => Some(obj.clone()),
            Some(0) => None,
            Some(n) => {
                *n -= 1;
                Some(obj.clone())
            }
        },
        _ => None,
    }))
}

fn repeat_parts(o: &PyObj) -> PyResult<(PyObj, Option<usize>)> {
    locked(o, || {
        st(o, |t| match t {
            Tool::Repeat { obj, left } => Some((obj.clone(), *left)),
            _ => None,
        })
    })
    .ok_or_else(|| type_error("repeat object was cleared"))
}

fn repeat_repr(o: &PyObj) -> PyResult<PyObj> {
    let (obj, left) = repeat_parts(o)?;
    let name = o.ty().short_name().to_string();
    let r = match ab::ReprGuard::enter(o) {
        None => "...".to_string(),
        Some(_g) => ab::repr_string(&obj)?,
    };
    Ok(pystr::from_string(match left {
        None => format!("{name}({r})"),
        Some(n) => format!("{name}({r}, {n})"),
    }))
}

fn repeat_length_hint(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    method_args(a, k, "__length_hint__", 0)?;
    match repeat_parts(&a[0])?.1 {
        None => Err(type_error("len() of unsized object")),
        Some(n) => Ok(int::from_usize(n)),
    }
}

fn repeat_reduce(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    method_args(a, k, "__reduce__", 0)?;
    let (obj, left) = repeat_parts(&a[0])?;
    let args = match left {
        None => tuple::from_vec(vec![obj]),
        Some(n) => tuple::pair(obj, int::from_usize(n)),
    };
    Ok(tuple::pair(a[0].ty().to_obj(), args))
}

// ---------------------------------------------------------------------------------
// accumulate, chain, compress, dropwhile, takewhile, filterfalse, starmap, pairwise
// ---------------------------------------------------------------------------------

fn accumulate_new(cls: &PyObj, a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    let b = Args::new(a, k).bind("accumulate", 0, &["iterable", "func", "initial"], 1)?;
    if Args::new(a, k).nargs() > 2 {
        return Err(type_error(format!(
            "accumulate() takes at most 2 positional arguments ({} given)",
            Args::new(a, k).nargs()
        )));
    }
    let it = ab::iter(b[0].expect("required"))?;
    let func = b[1].filter(|f| !singletons::is_none(f)).cloned();
    let initial = b[2].filter(|f| !singletons::is_none(f)).cloned();
    Ok(new_tool(
        type_of(cls, "accumulate")?,
        Tool::Accumulate {
            it,
            func,
            total: None,
            initial,
        },
    ))
}

fn accumulate_next(o: &PyObj) -> PyResult<Option<PyObj>> {
    let (it, func, total, initial) = st(o, |t| match t {
        Tool::Accumulate {
            it,
            func,
            total,
            initial,
        } => (it.clone(), func.clone(), total.clone(), initial.take()),
        _ => unreachable!("accumulate state"),
    });
    if let Some(init) = initial {
        let old = st(o, |t| match t {
            Tool::Accumulate { total, .. } => total.replace(init.clone()),
            _ => None,
        });
        drop(old);
        return Ok(Some(init));
    }
    let Some(x) = next_of(&it)? else {
        return Ok(None);
    };
    let new = match total {
        None => x,
        Some(tot) => match &func {
            None => ab::binary_op(&tot, &x, BinOp::Add)?,
            Some(f) => ab::call(f, &[tot, x], None)?,
        },
    };
    let old = st(o, |t| match t {
        Tool::Accumulate { total, .. } => total.replace(new.clone()),
        _ => None,
    });
    drop(old);
    Ok(Some(new))
}

fn chain_new(cls: &PyObj, a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    let args = Args::new(a, k);
    no_kw(cls, &CHAIN_TYPE, &args, "chain")?;
    let source = ab::iter(&tuple::from_slice(args.positionals()))?;
    Ok(new_tool(
        type_of(cls, "chain")?,
        Tool::Chain {
            source: Some(source),
            active: None,
        },
    ))
}

fn chain_from_iterable(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    Args::new(a, k).exact("from_iterable", 2)?;
    let source = ab::iter(&a[1])?;
    Ok(new_tool(
        type_of(&a[0], "chain")?,
        Tool::Chain {
            source: Some(source),
            active: None,
        },
    ))
}

fn chain_next(o: &PyObj) -> PyResult<Option<PyObj>> {
    loop {
        let (source, active) = st(o, |t| match t {
            Tool::Chain { source, active } => (source.clone(), active.clone()),
            _ => unreachable!("chain state"),
        });
        if let Some(active) = active {
            if let Some(x) = next_of(&active)? {
                return Ok(Some(x));
            }
            let old = st(o, |t| match t {
                Tool::Chain { active, .. } => active.take(),
                _ => None,
            });
            drop(old);
        }
        let Some(source) = source else {
            return Ok(None);
        };
        match next_of(&source)? {
            Some(iterable) => {
                let it = ab::iter(&iterable)?;
                let old = st(o, |t| match t {
                    Tool::Chain { active, .. } => active.replace(it),
                    _ => None,
                });
                drop(old);
            }
            None => {
                let old = st(o, |t| match t {
                    Tool::Chain { source, .. } => source.take(),
                    _ => None,
                });
                drop(old);
                return Ok(None);
            }
        }
    }
}

fn compress_new(cls: &PyObj, a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    let b = Args::new(a, k).bind("compress", 0, &["data", "selectors"], 2)?;
    let data = ab::iter(b[0].expect("required"))?;
    let selectors = ab::iter(b[1].expect("required"))?;
    Ok(new_tool(
        type_of(cls, "compress")?,
        Tool::Compress { data, selectors },
    ))
}

fn compress_next(o: &PyObj) -> PyResult<Option<PyObj>> {
    let (data, sel) = st(o, |t| match t {
        Tool::Compress { data, selectors } => (data.clone(), selectors.clone()),
        _ => unreachable!("compress state"),
    });
    loop {
        let Some(x) = next_of(&data)? else {
            return Ok(None);
        };
        let Some(s) = next_of(&sel)? else {
            return Ok(None);
        };
        if ab::is_true(&s)? {
            return Ok(Some(x));
        }
    }
}

fn pred_new(
    cls: &PyObj,
    base: &PyType,
    a: &[PyObj],
    k: Option<&PyObj>,
    name: &str,
) -> PyResult<(PyObj, PyObj)> {
    let pos = positional(cls, base, a, k, name, 2, 2)?;
    Ok((pos[0].clone(), ab::iter(&pos[1])?))
}

fn dropwhile_new(cls: &PyObj, a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    let (func, it) = pred_new(cls, &DROPWHILE_TYPE, a, k, "dropwhile")?;
    Ok(new_tool(
        type_of(cls, "dropwhile")?,
        Tool::DropWhile {
            func,
            it,
            dropping: true,
        },
    ))
}

fn dropwhile_next(o: &PyObj) -> PyResult<Option<PyObj>> {
    let (func, it, dropping) = st(o, |t| match t {
        Tool::DropWhile { func, it, dropping } => (func.clone(), it.clone(), *dropping),
        _ => unreachable!("dropwhile state"),
    });
    loop {
        let Some(x) = next_of(&it)? else {
            return Ok(None);
        };
        if !dropping {
            return Ok(Some(x));
        }
        let r = ab::call(&func, std::slice::from_ref(&x), None)?;
        if !ab::is_true(&r)? {
            st(o, |t| {
                if let Tool::DropWhile { dropping, .. } = t {
                    *dropping = false;
                }
            });
            return Ok(Some(x));
        }
    }
}

fn takewhile_new(cls: &PyObj, a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    let (func, it) = pred_new(cls, &TAKEWHILE_TYPE, a, k, "takewhile")?;
    Ok(new_tool(
        type_of(cls, "takewhile")?,
        Tool::TakeWhile {
            func,
            it,
            done: false,
        },
    ))
}

fn takewhile_next(o: &PyObj) -> PyResult<Option<PyObj>> {
    let (func, it, done) = st(o, |t| match t {
        Tool::TakeWhile { func, it, done } => (func.clone(), it.clone(), *done),
        _ => unreachable!("takewhile state"),
    });
    if done {
        return Ok(None);
    }
    let Some(x) = next_of(&it)? else {
        return Ok(None);
    };
    let r = ab::call(&func, std::slice::from_ref(&x), None)?;
    if ab::is_true(&r)? {
        return Ok(Some(x));
    }
    st(o, |t| {
        if let Tool::TakeWhile { done, .. } = t {
            *done = true;
        }
    });
    Ok(None)
}

fn filterfalse_new(cls: &PyObj, a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    let (func, it) = pred_new(cls, &FILTERFALSE_TYPE, a, k, "filterfalse")?;
    let func = (!singletons::is_none(&func)).then_some(func);
    Ok(new_tool(
        type_of(cls, "filterfalse")?,
        Tool::FilterFalse { func, it },
    ))
}

fn filterfalse_next(o: &PyObj) -> PyResult<Option<PyObj>> {
    let (func, it) = st(o, |t| match t {
        Tool::FilterFalse { func, it } => (func.clone(), it.clone()),
        _ => unreachable!("filterfalse state"),
    });
    loop {
        let Some(x) = next_of(&it)? else {
            return Ok(None);
        };
        let keep = match &func {
            None => !ab::is_true(&x)?,
            Some(f) => !ab::is_true(&ab::call(f, std::slice::from_ref(&x), None)?)?,
        };
        if keep {
            return Ok(Some(x));
        }
    }
}

fn starmap_new(cls: &PyObj, a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    let (func, it) = pred_new(cls, &STARMAP_TYPE, a, k, "starmap")?;
    Ok(new_tool(
        type_of(cls, "starmap")?,
        Tool::StarMap { func, it },
    ))
}

fn starmap_next(o: &PyObj) -> PyResult<Option<PyObj>> {
    let (func, it) = st(o, |t| match t {
        Tool::StarMap { func, it } => (func.clone(), it.clone()),
        _ => unreachable!("starmap state"),
    });
    let Some(args) = next_of(&it)? else {
        return Ok(None);
    };
    let args = if args.is_exact(&tuple::TUPLE_TYPE) {
        args
    } else {
        tuple::from_vec(ab::collect_iter(&args)?)
    };
    Ok(Some(ab::call(&func, tuple::items(&args), None)?))
}

fn pairwise_new(cls: &PyObj, a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    let pos = positional(cls, &PAIRWISE_TYPE, a, k, "pairwise", 1, 1)?;
    let it = ab::iter(&pos[0])?;
    Ok(new_tool(
        type_of(cls, "pairwise")?,
        Tool::Pairwise {
            it: Some(it),
            old: None,
        },
    ))
}

fn pairwise_next(o: &PyObj) -> PyResult<Option<PyObj>> {
    // As CPython 3.11.7: the first value is stored before the second is read, so an
    // input that re-enters the iterator sees it (test_pairwise_reenter).
    let finish = |o: &PyObj| {
        let gone = st(o, |t| match t {
            Tool::Pairwise { it, old } => (it.take(), old.take()),
            _ => (None, None),
        });
        drop(gone);
    };
    let (it, old) = st(o, |t| match t {
        Tool::Pairwise { it, old } => (it.clone(), old.clone()),
        _ => unreachable!("pairwise state"),
    });
    let Some(mut it) = it else {
        return Ok(None);
    };
    let old = match old {
        Some(x) => x,
        None => {
            let first = next_of(&it);
            let x = match &first {
                Ok(Some(x)) => Some(x.clone()),
                _ => None,
            };
            let prev = st(o, |t| match t {
                Tool::Pairwise { old, .. } => std::mem::replace(old, x),
                _ => None,
            });
            drop(prev);
            let x = match first {
                Ok(Some(x)) => x,
                r => {
                    finish(o);
                    return r.map(|_| None);
                }
            };
            // A re-entrant call may have exhausted the input meanwhile.
            let now = st(o, |t| match t {
                Tool::Pairwise { it, .. } => it.clone(),
                _ => None,
            });
            match now {
                Some(now) => it = now,
                None => {
                    finish(o);
                    return Ok(None);
                }
            }
            x
        }
    };
    let new = match next_of(&it) {
        Ok(Some(x)) => x,
        r => {
            finish(o);
            return r.map(|_| None);
        }
    };
    let prev = st(o, |t| match t {
        Tool::Pairwise { old, .. } => old.replace(new.clone()),
        _ => None,
    });
    drop(prev);
    Ok(Some(tuple::pair(old, new)))
}

/// `accumulate.__reduce__()`. A pending `initial` is put back in front of the input
/// (`chain((initial,), it)`); a running total of `None` cannot travel as state (a
/// `None` state is skipped), so it is replayed through
/// `islice(accumulate(chain((None,), it), func), 1, None)`; otherwise
/// `(type, (it, func), total)` (CPython's `accumulate_reduce`).
fn accumulate_reduce(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    method_args(a, k, "__reduce__", 0)?;
    let o = &a[0];
    let (it, func, total, initial) = with_state(o, |t| match t {
        Tool::Accumulate {
            it,
            func,
            total,
            initial,
        } => Some((it.clone(), func.clone(), total.clone(), initial.clone())),
        _ => None,
    })?;
    let func = func.unwrap_or_else(none);
    if let Some(init) = initial {
        let chained = ab::call(
            &CHAIN_TYPE.to_obj(),
            &[tuple::from_vec(vec![init]), it],
            None,
        )?;
        return Ok(reduce_value(o, vec![chained, func], Some(none())));
    }
    match total {
        Some(t) if singletons::is_none(&t) => {
            let chained = ab::call(&CHAIN_TYPE.to_obj(), &[tuple::from_vec(vec![t]), it], None)?;
            let acc = ab::call(&o.ty().to_obj(), &[chained, func], None)?;
            Ok(tuple::pair(
                ISLICE_TYPE.to_obj(),
                tuple::from_vec(vec![acc, int::from_usize(1), none()]),
            ))
        }
        total => Ok(reduce_value(
            o,
            vec![it, func],
            Some(total.unwrap_or_else(none)),
        )),
    }
}

/// `accumulate.__setstate__(total)`.
fn accumulate_setstate(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    method_args(a, k, "__setstate__", 1)?;
    let old = with_state(&a[0], |t| match t {
        Tool::Accumulate { total, .. } => Some(total.replace(a[1].clone())),
        _ => None,
    })?;
    drop(old);
    Ok(none())
}

/// `chain.__reduce__()`: `(type, (), (source, active))`, `(type, (), (source,))`
/// or, exhausted, `(type, ())`.
fn chain_reduce(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    method_args(a, k, "__reduce__", 0)?;
    let (source, active) = with_state(&a[0], |t| match t {
        Tool::Chain { source, active } => Some((source.clone(), active.clone())),
        _ => None,
    })?;
    Ok(match source {
        None => reduce_value(&a[0], Vec::new(), None),
        Some(s) => {
            let state = match active {
                Some(act) => tuple::pair(s, act),
                None => tuple::from_vec(vec![s]),
            };
            reduce_value(&a[0], Vec::new(), Some(state))
        }
    })
}

/// `chain.__setstate__((source[, active]))`: both iterators.
fn chain_setstate(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    method_args(a, k, "__setstate__", 1)?;
    let items = state_tuple(&a[1], 1, 2)?;
    if items.iter().any(|x| x.ty().slots().iternext.is_none()) {
        return Err(type_error("Arguments must be iterators."));
    }
    let (source, active) = (items[0].clone(), items.get(1).cloned());
    let old = with_state(&a[0], |t| match t {
        Tool::Chain {
            source: s,
            active: act,
        } => Some((s.replace(source), std::mem::replace(act, active))),
        _ => None,
    })?;
    drop(old);
    Ok(none())
}

/// `__reduce__` of the iterators whose state is their arguments: `compress`,
/// `filterfalse`, `starmap`, plus the flag of `dropwhile` and `takewhile`.
fn plain_reduce(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    method_args(a, k, "__reduce__", 0)?;
    let (args, state) = with_state(&a[0], |t| match t {
        Tool::Compress { data, selectors } => Some((vec![data.clone(), selectors.clone()], None)),
        Tool::FilterFalse { func, it } => {
            Some((vec![func.clone().unwrap_or_else(none), it.clone()], None))
        }
        Tool::StarMap { func, it } => Some((vec![func.clone(), it.clone()], None)),
        Tool::DropWhile { func, it, dropping } => Some((
            vec![func.clone(), it.clone()],
            Some(int::from_usize(usize::from(!*dropping))),
        )),
        Tool::TakeWhile { func, it, done } => Some((
            vec![func.clone(), it.clone()],
            Some(int::from_usize(usize::from(*done))),
        )),
        _ => None,
    })?;
    Ok(reduce_value(&a[0], args, state))
}

/// `dropwhile.__setstate__(started)` and `takewhile.__setstate__(stopped)`: the
/// truth of the state.
fn flag_setstate(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    method_args(a, k, "__setstate__", 1)?;
    let flag = ab::is_true(&a[1])?;
    with_state(&a[0], |t| match t {
        Tool::DropWhile { dropping, .. } => {
            *dropping = !flag;
            Some(())
        }
        Tool::TakeWhile { done, .. } => {
            *done = flag;
            Some(())
        }
        _ => None,
    })?;
    Ok(none())
}

// ---------------------------------------------------------------------------------
// groupby
// ---------------------------------------------------------------------------------

static GROUPER_GENERATION: AtomicU64 = AtomicU64::new(1);

fn groupby_new(cls: &PyObj, a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    let b = Args::new(a, k).bind("groupby", 0, &["iterable", "key"], 1)?;
    let it = ab::iter(b[0].expect("required"))?;
    let keyfunc = b[1].filter(|f| !singletons::is_none(f)).cloned();
    Ok(new_tool(
        type_of(cls, "groupby")?,
        Tool::GroupBy {
            it,
            keyfunc,
            tgtkey: None,
            currkey: None,
            currvalue: None,
            current: 0,
        },
    ))
}

/// Reads the next value and its key into the groupby state; `false` at the end.
fn groupby_step(g: &PyObj) -> PyResult<bool> {
    let (it, keyfunc) = st(g, |t| match t {
        Tool::GroupBy { it, keyfunc, .. } => (it.clone(), keyfunc.clone()),
        _ => unreachable!("groupby state"),
    });
    let Some(value) = next_of(&it)? else {
        return Ok(false);
    };
    let key = match &keyfunc {
        None => value.clone(),
        Some(f) => ab::call(f, std::slice::from_ref(&value), None)?,
    };
    let old = st(g, |t| match t {
        Tool::GroupBy {
            currkey, currvalue, ..
        } => (currkey.replace(key), currvalue.replace(value)),
        _ => (None, None),
    });
    drop(old);
    Ok(true)
}

fn groupby_next(o: &PyObj) -> PyResult<Option<PyObj>> {
    st(o, |t| {
        if let Tool::GroupBy { current, .. } = t {
            *current = 0;
        }
    });
    loop {
        let (tgt, cur) = st(o, |t| match t {
            Tool::GroupBy {
                tgtkey, currkey, ..
            } => (tgtkey.clone(), currkey.clone()),
            _ => unreachable!("groupby state"),
        });
        match (cur, tgt) {
            (None, _) => {}
            (Some(_), None) => break,
            (Some(c), Some(t)) => {
                if !ab::richcompare_bool(&t, &c, CompareOp::Eq)? {
                    break;
                }
            }
        }
        if !groupby_step(o)? {
            return Ok(None);
        }
    }
    let (key, old) = st(o, |t| match t {
        Tool::GroupBy {
            tgtkey, currkey, ..
        } => {
            let k = currkey.clone().expect("a current key after a step");
            (k.clone(), tgtkey.replace(k))
        }
        _ => unreachable!("groupby state"),
    });
    drop(old);
    let grouper = new_grouper(o, key.clone());
    Ok(Some(tuple::pair(key, grouper)))
}

fn grouper_next(o: &PyObj) -> PyResult<Option<PyObj>> {
    let (parent, tgtkey, generation) = st(o, |t| match t {
        Tool::Grouper {
            parent,
            tgtkey,
            generation,
        } => (parent.clone(), tgtkey.clone(), *generation),
        _ => unreachable!("grouper state"),
    });
    locked(&parent, || {
        let (current, has_value) = st(&parent, |t| match t {
            Tool::GroupBy {
                current, currvalue, ..
            } => (*current, currvalue.is_some()),
            _ => (0, false),
        });
        if current != generation {
            return Ok(None);
        }
        if !has_value && !groupby_step(&parent)? {
            return Ok(None);
        }
        let Some(currkey) = st(&parent, |t| match t {
            Tool::GroupBy { currkey, .. } => currkey.clone(),
            _ => None,
        }) else {
            return Ok(None);
        };
        if !ab::richcompare_bool(&tgtkey, &currkey, CompareOp::Eq)? {
            return Ok(None);
        }
        let (value, key) = st(&parent, |t| match t {
            Tool::GroupBy {
                currvalue, currkey, ..
            } => (currvalue.take(), currkey.take()),
            _ => (None, None),
        });
        drop(key);
        Ok(value)
    })
}

/// `groupby.__reduce__()`: `(type, (it, keyfunc))`, with the state
/// `(currkey, currvalue, tgtkey)` once all three are set.
fn groupby_reduce(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    method_args(a, k, "__reduce__", 0)?;
    let (it, keyfunc, state) = with_state(&a[0], |t| match t {
        Tool::GroupBy {
            it,
            keyfunc,
            tgtkey,
            currkey,
            currvalue,
            ..
        } => {
            let state = match (currkey, currvalue, tgtkey) {
                (Some(c), Some(v), Some(g)) => {
                    Some(tuple::from_vec(vec![c.clone(), v.clone(), g.clone()]))
                }
                _ => None,
            };
            Some((it.clone(), keyfunc.clone(), state))
        }
        _ => None,
    })?;
    Ok(reduce_value(
        &a[0],
        vec![it, keyfunc.unwrap_or_else(none)],
        state,
    ))
}

/// `groupby.__setstate__((currkey, currvalue, tgtkey))`.
fn groupby_setstate(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    method_args(a, k, "__setstate__", 1)?;
    let items = state_tuple(&a[1], 3, 3)?;
    let old = with_state(&a[0], |t| match t {
        Tool::GroupBy {
            currkey,
            currvalue,
            tgtkey,
            ..
        } => Some((
            currkey.replace(items[0].clone()),
            currvalue.replace(items[1].clone()),
            tgtkey.replace(items[2].clone()),
        )),
        _ => None,
    })?;
    drop(old);
    Ok(none())
}

/// A `_grouper` over `parent` (a groupby) that becomes its current group.
fn new_grouper(parent: &PyObj, tgtkey: PyObj) -> PyObj {
    let generation = GROUPER_GENERATION.fetch_add(1, Relaxed);
    locked(parent, || {
        st(parent, |t| {
            if let Tool::GroupBy { current, .. } = t {
                *current = generation;
            }
        })
    });
    new_tool(
        &GROUPER_TYPE,
        Tool::Grouper {
            parent: parent.clone(),
            tgtkey,
            generation,
        },
    )
}

/// `_grouper(parent, tgtkey)`, which unpickling calls: a group of `parent` (a
/// groupby) that becomes its current one.
fn grouper_type_new(_cls: &PyObj, a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    Args::new(a, k).no_kwargs("_grouper")?;
    Args::new(a, k).expect_fn("_grouper", 2, 2)?;
    if !a[0].is_instance_of(&GROUPBY_TYPE) {
        return Err(type_error(format!(
            "_grouper() argument 1 must be itertools.groupby, not {}",
            a[0].ty().name()
        )));
    }
    Ok(new_grouper(&a[0], a[1].clone()))
}

/// `_grouper.__reduce__()`: `(type, (parent, tgtkey))` while it is its parent's
/// current group, else an empty iterator (`iter(())`), as CPython.
fn grouper_reduce(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    method_args(a, k, "__reduce__", 0)?;
    let (parent, tgtkey, generation) = with_state(&a[0], |t| match t {
        Tool::Grouper {
            parent,
            tgtkey,
            generation,
        } => Some((parent.clone(), tgtkey.clone(), *generation)),
        _ => None,
    })?;
    let current = locked(&parent, || {
        st(&parent, |t| match t {
            Tool::GroupBy { current, .. } => *current,
            _ => 0,
        })
    });
    if current != generation {
        return Ok(tuple::pair(
            strand_objects::function::get_builtin("iter")?,
            tuple::from_vec(vec![tuple::empty()]),
        ));
    }
    Ok(reduce_value(&a[0], vec![parent, tgtkey], None))
}

// ---------------------------------------------------------------------------------
// islice
// ---------------------------------------------------------------------------------

/// An islice index: `None`, or an int in `0..=sys.maxsize`.
fn islice_index(o: &PyObj, msg: &str) -> PyResult<Option<usize>> {
    if singletons::is_none(o) {
        return Ok(None);
    }
    if !int::is_int(o) && o.ty().slots().number.index.is_none() {
        return Err(value_error(msg));
    }
    let i = ab::index(o)?;
    match int::as_i64(&i) {
        Some(v) if v >= 0 => Ok(Some(v as usize)),
        _ => Err(value_error(msg)),
    }
}

fn islice_new(cls: &PyObj, a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    let pos = positional(cls, &ISLICE_TYPE, a, k, "islice", 2, 4)?;
    let stop_msg = "Stop argument for islice() must be None or an integer: 0 <= x <= sys.maxsize.";
    let idx_msg = "Indices for islice() must be None or an integer: 0 <= x <= sys.maxsize.";
    let (start, stop, step) = if pos.len() == 2 {
        (0, islice_index(&pos[1], stop_msg)?, 1)
    } else {
        let start = islice_index(&pos[1], idx_msg)?.unwrap_or(0);
        let stop = islice_index(&pos[2], stop_msg)?;
        let step = match pos.get(3) {
            None => 1,
            Some(s) if singletons::is_none(s) => 1,
            Some(s) => {
                let v = if int::is_int(s) || s.ty().slots().number.index.is_some() {
                    int::as_i64(&ab::index(s)?).unwrap_or(-1)
                } else {
                    -1
                };
                if v <= 0 {
                    return Err(value_error(
                        "Step for islice() must be a positive integer or None.",
                    ));
                }
                v as usize
            }
        };
        (start, stop, step)
    };
    let it = ab::iter(&pos[0])?;
    Ok(new_tool(
        type_of(cls, "islice")?,
        Tool::ISlice {
            it: Some(it),
            next: start,
            stop,
            step,
            cnt: 0,
        },
    ))
}

fn islice_next(o: &PyObj) -> PyResult<Option<PyObj>> {
    let Some(it) = st(o, |t| match t {
        Tool::ISlice { it, .. } => it.clone(),
        _ => unreachable!("islice state"),
    }) else {
        return Ok(None);
    };
    // As CPython: the end of the input, or an error from it, ends the islice.
    let empty = |o: &PyObj, r: PyResult<Option<PyObj>>| {
        let gone = st(o, |t| match t {
            Tool::ISlice { it, .. } => it.take(),
            _ => None,
        });
        drop(gone);
        r.map(|_| None)
    };
    // The counters are read and written around each call of the input, which may
    // re-enter this islice.
    let counts = |o: &PyObj| {
        st(o, |t| match t {
            Tool::ISlice {
                next, stop, cnt, ..
            } => (*next, *stop, *cnt),
            _ => (0, None, 0),
        })
    };
    let bump = |o: &PyObj| {
        st(o, |t| {
            if let Tool::ISlice { cnt, .. } = t {
                *cnt = cnt.saturating_add(1);
            }
        })
    };
    loop {
        let (next, _, cnt) = counts(o);
        if cnt >= 0 && cnt as usize >= next {
            break;
        }
        match next_of(&it) {
            Ok(Some(_)) => bump(o),
            r => return empty(o, r),
        }
    }
    let (_, stop, cnt) = counts(o);
    if stop.is_some_and(|s| cnt >= 0 && cnt as usize >= s) {
        return empty(o, Ok(None));
    }
    let x = match next_of(&it) {
        Ok(Some(x)) => x,
        r => return empty(o, r),
    };
    st(o, |t| {
        if let Tool::ISlice {
            next,
            stop,
            step,
            cnt,
            ..
        } = t
        {
            *cnt = cnt.saturating_add(1);
            let mut nn = next.saturating_add(*step);
            if let Some(s) = *stop {
                nn = nn.min(s);
            }
            *next = nn;
        }
    });
    Ok(Some(x))
}

/// `islice.__reduce__()`: `(type, (it, next, stop, step), cnt)`, or for an ended
/// islice `(type, (iter([]), 0), 0)`.
fn islice_reduce(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    method_args(a, k, "__reduce__", 0)?;
    let (it, next, stop, step, cnt) = with_state(&a[0], |t| match t {
        Tool::ISlice {
            it,
            next,
            stop,
            step,
            cnt,
        } => Some((it.clone(), *next, *stop, *step, *cnt)),
        _ => None,
    })?;
    let zero = || int::from_usize(0);
    Ok(match it {
        None => reduce_value(
            &a[0],
            vec![ab::iter(&list::new(Vec::new()))?, zero()],
            Some(zero()),
        ),
        Some(it) => reduce_value(
            &a[0],
            vec![
                it,
                int::from_usize(next),
                stop.map_or_else(none, int::from_usize),
                int::from_usize(step),
            ],
            Some(int::from_i64(cnt as i64)),
        ),
    })
}

/// `islice.__setstate__(cnt)`: how many values were read from the input.
fn islice_setstate(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    method_args(a, k, "__setstate__", 1)?;
    let n = ssize_arg(&a[1])?;
    with_state(&a[0], |t| match t {
        Tool::ISlice { cnt, .. } => {
            *cnt = n;
            Some(())
        }
        _ => None,
    })?;
    Ok(none())
}

// ---------------------------------------------------------------------------------
// tee
// ---------------------------------------------------------------------------------

/// Values per `_tee_dataobject` block (CPython's `LINKCELLS`).
const LINKCELLS: usize = 57;

fn new_teedata(it: PyObj) -> PyObj {
    new_tool(
        &TEEDATA_TYPE,
        Tool::TeeData {
            it,
            values: Vec::new(),
            next: None,
            running: false,
        },
    )
}

/// The value at `i` of a data block, reading it from the source when it is the next
/// one; `None` at the end of the source.
fn teedata_get(d: &PyObj, i: usize) -> PyResult<Option<PyObj>> {
    locked(d, || {
        let (have, it, running) = st(d, |t| match t {
            Tool::TeeData {
                values,
                it,
                running,
                ..
            } => (values.get(i).cloned(), it.clone(), *running),
            _ => (None, none(), false),
        });
        if let Some(x) = have {
            return Ok(Some(x));
        }
        if running {
            return Err(exc::runtime_error("cannot re-enter the tee iterator"));
        }
        st(d, |t| {
            if let Tool::TeeData { running, .. } = t {
                *running = true;
            }
        });
        let r = next_of(&it);
        st(d, |t| {
            if let Tool::TeeData {
                running, values, ..
            } = t
            {
                *running = false;
                if let Ok(Some(x)) = &r {
                    values.push(x.clone());
                }
            }
        });
        r
    })
}

fn teedata_next_block(d: &PyObj) -> PyObj {
    locked(d, || {
        let (next, it) = st(d, |t| match t {
            Tool::TeeData { next, it, .. } => (next.clone(), it.clone()),
            _ => (None, none()),
        });
        match next {
            Some(n) => n,
            None => {
                let n = new_teedata(it);
                st(d, |t| {
                    if let Tool::TeeData { next, .. } = t {
                        *next = Some(n.clone());
                    }
                });
                n
            }
        }
    })
}

fn new_tee(data: PyObj, index: usize) -> PyObj {
    new_tool(&TEE_TYPE, Tool::Tee { data, index })
}

fn tee_next(o: &PyObj) -> PyResult<Option<PyObj>> {
    let (mut data, mut index) = st(o, |t| match t {
        Tool::Tee { data, index } => (data.clone(), *index),
        _ => unreachable!("tee state"),
    });
    if index >= LINKCELLS {
        data = teedata_next_block(&data);
        index = 0;
        let old = st(o, |t| match t {
            Tool::Tee { data: d, index: i } => {
                *i = 0;
                Some(std::mem::replace(d, data.clone()))
            }
            _ => None,
        });
        drop(old);
    }
    let x = teedata_get(&data, index)?;
    if x.is_some() {
        st(o, |t| {
            if let Tool::Tee { index: i, .. } = t {
                *i = index + 1;
            }
        });
    }
    Ok(x)
}

fn tee_copy(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    method_args(a, k, "__copy__", 0)?;
    let (data, index) = locked(&a[0], || {
        st(&a[0], |t| match t {
            Tool::Tee { data, index } => Some((data.clone(), *index)),
            _ => None,
        })
    })
    .ok_or_else(|| type_error("tee object was cleared"))?;
    Ok(new_tee(data, index))
}

/// `_tee.__reduce__()`: `(type, ((),), (dataobject, index))`.
fn tee_reduce(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    method_args(a, k, "__reduce__", 0)?;
    let (data, index) = with_state(&a[0], |t| match t {
        Tool::Tee { data, index } => Some((data.clone(), *index)),
        _ => None,
    })?;
    Ok(reduce_value(
        &a[0],
        vec![tuple::empty()],
        Some(tuple::pair(data, int::from_usize(index))),
    ))
}

/// `_tee.__setstate__((dataobject, index))`, `0 <= index <= LINKCELLS`.
fn tee_setstate(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    method_args(a, k, "__setstate__", 1)?;
    let items = state_tuple(&a[1], 2, 2)?;
    if !items[0].is_exact(&TEEDATA_TYPE) {
        return Err(type_error(format!(
            "argument 1 must be itertools._tee_dataobject, not {}",
            items[0].ty().name()
        )));
    }
    let index = c_int(&items[1])?;
    if !(0..=LINKCELLS as i64).contains(&index) {
        return Err(value_error("Index out of range"));
    }
    let data = items[0].clone();
    let old = with_state(&a[0], |t| match t {
        Tool::Tee { data: d, index: i } => {
            *i = index as usize;
            Some(std::mem::replace(d, data))
        }
        _ => None,
    })?;
    drop(old);
    Ok(none())
}

/// `_tee_dataobject(it, values, next)`, which unpickling calls: a block holding
/// `values` (a list of at most `LINKCELLS`) read from `it`, linked to `next` (a
/// data object, or `None`; only a full block has one).
fn teedata_type_new(_cls: &PyObj, a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    Args::new(a, k).no_kwargs("teedataobject")?;
    Args::new(a, k).expect_fn("teedataobject", 3, 3)?;
    if !list::is_list(&a[1]) {
        return Err(type_error(format!(
            "teedataobject() argument 2 must be list, not {}",
            a[1].ty().name()
        )));
    }
    let values = list::to_vec(&a[1]);
    let invalid = || value_error("Invalid arguments");
    let next = if singletons::is_none(&a[2]) {
        None
    } else if values.len() == LINKCELLS && a[2].is_exact(&TEEDATA_TYPE) {
        Some(a[2].clone())
    } else {
        return Err(invalid());
    };
    if values.len() > LINKCELLS {
        return Err(invalid());
    }
    Ok(new_tool(
        &TEEDATA_TYPE,
        Tool::TeeData {
            it: a[0].clone(),
            values,
            next,
            running: false,
        },
    ))
}

/// `_tee_dataobject.__reduce__()`: `(type, (it, values, next))`.
fn teedata_reduce(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    method_args(a, k, "__reduce__", 0)?;
    let (it, values, next) = with_state(&a[0], |t| match t {
        Tool::TeeData {
            it, values, next, ..
        } => Some((it.clone(), values.clone(), next.clone())),
        _ => None,
    })?;
    Ok(reduce_value(
        &a[0],
        vec![it, list::new(values), next.unwrap_or_else(none)],
        None,
    ))
}

/// A `_tee` over `iterable` (copied if it is one already, as CPython does).
fn tee_from(iterable: &PyObj) -> PyResult<PyObj> {
    let it = ab::iter(iterable)?;
    if it.is_exact(&TEE_TYPE) {
        return tee_copy(&[it], None);
    }
    Ok(new_tee(new_teedata(it), 0))
}

fn tee_type_new(_cls: &PyObj, a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    Args::new(a, k).no_kwargs("_tee")?;
    Args::new(a, k).expect_fn("_tee", 1, 1)?;
    tee_from(&a[0])
}

fn tee(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    Args::new(a, k).expect_fn("tee", 1, 2)?;
    let n = match a.get(1) {
        Some(v) => int::to_isize(&ab::index(v)?)?,
        None => 2,
    };
    if n < 0 {
        return Err(value_error("n must be >= 0"));
    }
    if n == 0 {
        return Ok(tuple::empty());
    }
    let it = ab::iter(&a[0])?;
    let copyable = ab::getattr_opt(&it, &pystr::intern("__copy__"))?;
    // An iterator that can copy itself (a `_tee`) is used as it is.
    let first = match copyable {
        Some(_) => it.clone(),
        None => tee_from(&it)?,
    };
    let mut out = vec![first.clone()];
    for _ in 1..n {
        out.push(ab::call_method(&first, "__copy__", &[])?);
    }
    Ok(tuple::from_vec(out))
}

// ---------------------------------------------------------------------------------
// zip_longest
// ---------------------------------------------------------------------------------

fn zip_longest_new(cls: &PyObj, a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    let args = Args::new(a, k);
    let mut fill = none();
    for (name, v) in args.kwargs() {
        if name != "fillvalue" {
            return Err(type_error(
                "zip_longest() got an unexpected keyword argument",
            ));
        }
        fill = v.clone();
    }
    let its = args
        .positionals()
        .iter()
        .map(|x| ab::iter(x).map(Some))
        .collect::<PyResult<Vec<_>>>()?;
    let active = its.len();
    Ok(new_tool(
        type_of(cls, "zip_longest")?,
        Tool::ZipLongest { its, active, fill },
    ))
}

fn zip_longest_next(o: &PyObj) -> PyResult<Option<PyObj>> {
    let (its, active, fill) = st(o, |t| match t {
        Tool::ZipLongest { its, active, fill } => (its.clone(), *active, fill.clone()),
        _ => unreachable!("zip_longest state"),
    });
    if its.is_empty() || active == 0 {
        return Ok(None);
    }
    let mut out = Vec::with_capacity(its.len());
    for (i, it) in its.iter().enumerate() {
        let x = match it {
            None => fill.clone(),
            Some(it) => match next_of(it) {
                Ok(Some(x)) => x,
                r => {
                    // As CPython: an error, or the end of the last active input, ends
                    // the iterator for good (the input stays in place); another input
                    // that ends is replaced by the fill value.
                    let gone = st(o, |t| match t {
                        Tool::ZipLongest { its, active, .. } => {
                            *active = active.saturating_sub(1);
                            if *active == 0 || r.is_err() {
                                *active = 0;
                                None
                            } else {
                                its[i].take()
                            }
                        }
                        _ => None,
                    });
                    let ended = gone.is_none();
                    drop(gone);
                    if ended {
                        return r.map(|_| None);
                    }
                    fill.clone()
                }
            },
        };
        out.push(x);
    }
    Ok(Some(tuple::from_vec(out)))
}

/// `zip_longest.__reduce__()`: `(type, inputs, fillvalue)`, an ended input as `()`.
fn zip_longest_reduce(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    method_args(a, k, "__reduce__", 0)?;
    let (its, fill) = with_state(&a[0], |t| match t {
        Tool::ZipLongest { its, fill, .. } => Some((its.clone(), fill.clone())),
        _ => None,
    })?;
    let args = its
        .into_iter()
        .map(|it| it.unwrap_or_else(tuple::empty))
        .collect();
    Ok(tuple::from_vec(vec![
        a[0].ty().to_obj(),
        tuple::from_vec(args),
        fill,
    ]))
}

/// `zip_longest.__setstate__(fillvalue)`.
fn zip_longest_setstate(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    method_args(a, k, "__setstate__", 1)?;
    let old = with_state(&a[0], |t| match t {
        Tool::ZipLongest { fill, .. } => Some(std::mem::replace(fill, a[1].clone())),
        _ => None,
    })?;
    drop(old);
    Ok(none())
}

// ---------------------------------------------------------------------------------
// product, permutations, combinations, combinations_with_replacement
// ---------------------------------------------------------------------------------

fn r_arg(v: Option<&PyObj>) -> PyResult<Option<usize>> {
    match v {
        None => Ok(None),
        Some(r) if singletons::is_none(r) => Ok(None),
        Some(r) => {
            let n = int::to_isize(&ab::index(r)?)?;
            if n < 0 {
                return Err(value_error("r must be non-negative"));
            }
            Ok(Some(n as usize))
        }
    }
}

fn combinatoric(ty: &PyType, kind: Combi, pools: Vec<Vec<PyObj>>, r: usize) -> PyObj {
    let n = pools.first().map_or(0, Vec::len);
    let (indices, cycles) = match kind {
        Combi::Product => (vec![0; pools.len()], Vec::new()),
        // With `r > n` the iterator starts stopped and the cycles are never used.
        Combi::Permutations => (
            (0..n).collect(),
            (0..r).map(|i| n.saturating_sub(i)).collect(),
        ),
        Combi::Combinations => ((0..r).collect(), Vec::new()),
        Combi::WithReplacement => (vec![0; r], Vec::new()),
    };
    // (A product with an empty pool stops at its first `next`, as CPython's.)
    let stopped = match kind {
        Combi::Product => false,
        Combi::Permutations | Combi::Combinations => r > n,
        Combi::WithReplacement => n == 0 && r > 0,
    };
    new_tool(
        ty,
        Tool::Combinatoric {
            kind,
            pools,
            r,
            indices,
            cycles,
            started: false,
            stopped,
        },
    )
}

fn product_new(cls: &PyObj, a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    let args = Args::new(a, k);
    let mut repeat = 1usize;
    for (name, v) in args.kwargs() {
        if name != "repeat" {
            return Err(type_error(format!(
                "'{name}' is an invalid keyword argument for product()"
            )));
        }
        let n = int::to_isize(&ab::index(v)?)?;
        if n < 0 {
            return Err(value_error("repeat argument cannot be negative"));
        }
        repeat = n as usize;
    }
    let base = args
        .positionals()
        .iter()
        .map(ab::collect_iter)
        .collect::<PyResult<Vec<_>>>()?;
    let mut pools = Vec::with_capacity(base.len() * repeat);
    for _ in 0..repeat {
        pools.extend(base.iter().cloned());
    }
    Ok(combinatoric(
        type_of(cls, "product")?,
        Combi::Product,
        pools,
        0,
    ))
}

fn permutations_new(cls: &PyObj, a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    let b = Args::new(a, k).bind("permutations", 0, &["iterable", "r"], 1)?;
    let pool = ab::collect_iter(b[0].expect("required"))?;
    if b[1].is_some_and(|r| !singletons::is_none(r) && !int::is_int(r)) {
        return Err(type_error("Expected int as r"));
    }
    let r = r_arg(b[1])?.unwrap_or(pool.len());
    Ok(combinatoric(
        type_of(cls, "permutations")?,
        Combi::Permutations,
        vec![pool],
        r,
    ))
}

fn combinations_new(cls: &PyObj, a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    let b = Args::new(a, k).bind("combinations", 0, &["iterable", "r"], 2)?;
    let pool = ab::collect_iter(b[0].expect("required"))?;
    let r = r_arg(b[1])?.unwrap_or(0);
    Ok(combinatoric(
        type_of(cls, "combinations")?,
        Combi::Combinations,
        vec![pool],
        r,
    ))
}

fn cwr_new(cls: &PyObj, a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    let b = Args::new(a, k).bind("combinations_with_replacement", 0, &["iterable", "r"], 2)?;
    let pool = ab::collect_iter(b[0].expect("required"))?;
    let r = r_arg(b[1])?.unwrap_or(0);
    Ok(combinatoric(
        type_of(cls, "combinations_with_replacement")?,
        Combi::WithReplacement,
        vec![pool],
        r,
    ))
}

/// Advances the indices to the next arrangement; `false` when there is none.
fn advance(
    kind: Combi,
    pools: &[Vec<PyObj>],
    r: usize,
    indices: &mut [usize],
    cycles: &mut [usize],
) -> bool {
    let n = pools.first().map_or(0, Vec::len);
    match kind {
        Combi::Product => {
            for i in (0..indices.len()).rev() {
                indices[i] += 1;
                if indices[i] < pools[i].len() {
                    return true;
                }
                indices[i] = 0;
            }
            false
        }
        Combi::Permutations => {
            for i in (0..r).rev() {
                cycles[i] -= 1;
                if cycles[i] == 0 {
                    indices[i..].rotate_left(1);
                    cycles[i] = n - i;
                } else {
                    let j = cycles[i];
                    indices.swap(i, n - j);
                    return true;
                }
            }
            false
        }
        Combi::Combinations => {
            let Some(i) = (0..r).rev().find(|&i| indices[i] != i + n - r) else {
                return false;
            };
            indices[i] += 1;
            for j in i + 1..r {
                indices[j] = indices[j - 1] + 1;
            }
            true
        }
        Combi::WithReplacement => {
            let Some(i) = (0..r).rev().find(|&i| indices[i] != n - 1) else {
                return false;
            };
            let v = indices[i] + 1;
            for x in &mut indices[i..] {
                *x = v;
            }
            true
        }
    }
}

fn combinatoric_next(o: &PyObj) -> PyResult<Option<PyObj>> {
    Ok(st(o, |t| {
        let Tool::Combinatoric {
            kind,
            pools,
            r,
            indices,
            cycles,
            started,
            stopped,
        } = t
        else {
            return None;
        };
        if *stopped {
            return None;
        }
        if *started && !advance(*kind, pools, *r, indices, cycles) {
            *stopped = true;
            return None;
        }
        *started = true;
        if *kind == Combi::Product && pools.iter().any(Vec::is_empty) {
            *stopped = true;
            return None;
        }
        let items: Vec<PyObj> = match kind {
            Combi::Product => indices
                .iter()
                .zip(pools.iter())
                .map(|(&i, p)| p[i].clone())
                .collect(),
            _ => indices[..*r].iter().map(|&i| pools[0][i].clone()).collect(),
        };
        Some(items)
    })
    .map(tuple::from_vec))
}

/// A snapshot of a combinatoric iterator's state.
struct CombiState {
    kind: Combi,
    pools: Vec<Vec<PyObj>>,
    r: usize,
    indices: Vec<usize>,
    cycles: Vec<usize>,
    started: bool,
    stopped: bool,
}

fn combi_state(o: &PyObj) -> PyResult<CombiState> {
    with_state(o, |t| match t {
        Tool::Combinatoric {
            kind,
            pools,
            r,
            indices,
            cycles,
            started,
            stopped,
        } => Some(CombiState {
            kind: *kind,
            pools: pools.clone(),
            r: *r,
            indices: indices.clone(),
            cycles: cycles.clone(),
            started: *started,
            stopped: *stopped,
        }),
        _ => None,
    })
}

/// `__reduce__` of `product`, `permutations`, `combinations` and
/// `combinations_with_replacement` (CPython's `product_reduce` and friends): the
/// pools (and `r`) as arguments; once started, the indices (and the permutation
/// cycles) as state; once stopped, empty pools.
fn combi_reduce(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    method_args(a, k, "__reduce__", 0)?;
    let o = &a[0];
    let c = combi_state(o)?;
    let pool_tuple = |p: &Vec<PyObj>| tuple::from_slice(p);
    if c.kind == Combi::Product {
        if c.stopped {
            return Ok(reduce_value(o, vec![tuple::empty()], None));
        }
        let pools = c.pools.iter().map(pool_tuple).collect();
        let state = c.started.then(|| int_tuple(c.indices.iter().copied()));
        let mut v = vec![o.ty().to_obj(), tuple::from_vec(pools)];
        v.extend(state);
        return Ok(tuple::from_vec(v));
    }
    let r = int::from_usize(c.r);
    if !c.started {
        return Ok(reduce_value(o, vec![pool_tuple(&c.pools[0]), r], None));
    }
    if c.stopped {
        return Ok(reduce_value(o, vec![tuple::empty(), r], None));
    }
    let state = match c.kind {
        Combi::Permutations => tuple::pair(
            int_tuple(c.indices.iter().copied()),
            int_tuple(c.cycles.iter().copied()),
        ),
        _ => int_tuple(c.indices.iter().copied()),
    };
    Ok(reduce_value(
        o,
        vec![pool_tuple(&c.pools[0]), r],
        Some(state),
    ))
}

/// The indices of a combinatoric `__setstate__`: a tuple of `n` ints, each clamped
/// to `lo(i)..=hi(i)` (CPython clamps rather than rejects).
fn clamped_indices(
    state: &PyObj,
    n: usize,
    lo: impl Fn(usize) -> isize,
    hi: impl Fn(usize) -> isize,
) -> PyResult<Vec<usize>> {
    if !tuple::is_tuple(state) || tuple::items(state).len() != n {
        return Err(value_error("invalid arguments"));
    }
    tuple::items(state)
        .iter()
        .enumerate()
        .map(|(i, x)| {
            let v = ssize_arg(x)?;
            // The upper bound first: a negative one ends at the lower.
            Ok(v.min(hi(i)).max(lo(i)).max(0) as usize)
        })
        .collect()
}

/// `__setstate__` of the combinatoric iterators: the indices (for `permutations`,
/// `(indices, cycles)`) of the arrangement last returned; the iterator counts as
/// started.
fn combi_setstate(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    method_args(a, k, "__setstate__", 1)?;
    let o = &a[0];
    let c = combi_state(o)?;
    let n = c.pools.first().map_or(0, Vec::len) as isize;
    let r = c.r;
    let ri = r as isize;
    let (indices, cycles, stop) = match c.kind {
        Combi::Product => {
            let npools = c.pools.len();
            if !tuple::is_tuple(&a[1]) || tuple::items(&a[1]).len() != npools {
                return Err(value_error("invalid arguments"));
            }
            // CPython reads the indices in order and stops at the first empty pool.
            let mut idx = c.indices.clone();
            let mut stop = false;
            for (i, x) in tuple::items(&a[1]).iter().enumerate() {
                let v = ssize_arg(x)?;
                let size = c.pools[i].len() as isize;
                if size == 0 {
                    stop = true;
                    break;
                }
                idx[i] = v.clamp(0, size - 1) as usize;
            }
            (idx, None, stop)
        }
        Combi::Combinations => (
            clamped_indices(&a[1], r, |_| 0, |i| i as isize + n - ri)?,
            None,
            false,
        ),
        Combi::WithReplacement => (clamped_indices(&a[1], r, |_| 0, |_| n - 1)?, None, false),
        Combi::Permutations => {
            let items = state_tuple(&a[1], 2, 2)?;
            for (i, x) in items.iter().enumerate() {
                if !tuple::is_tuple(x) {
                    return Err(type_error(format!(
                        "argument {} must be tuple, not {}",
                        i + 1,
                        x.ty().name()
                    )));
                }
            }
            let nu = n as usize;
            if tuple::items(&items[0]).len() != nu || tuple::items(&items[1]).len() != r {
                return Err(value_error("invalid arguments"));
            }
            let idx = clamped_indices(&items[0], nu, |_| 0, |_| n - 1)?;
            let cyc = clamped_indices(&items[1], r, |_| 1, |i| n - i as isize)?;
            (idx, Some(cyc), false)
        }
    };
    with_state(o, |t| match t {
        Tool::Combinatoric {
            indices: ix,
            cycles: cy,
            started,
            stopped,
            ..
        } => {
            if stop {
                *stopped = true;
                return Some(());
            }
            *ix = indices;
            if let Some(cyc) = cycles {
                *cy = cyc;
            }
            *started = true;
            Some(())
        }
        _ => None,
    })?;
    Ok(none())
}

/// `__sizeof__` of the combinatoric iterators: the object plus its index arrays, as
/// CPython counts them.
fn combi_sizeof(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    method_args(a, k, "__sizeof__", 0)?;
    let c = combi_state(&a[0])?;
    let words = match c.kind {
        Combi::Product => c.pools.len(),
        Combi::Permutations => c.indices.len() + c.r,
        Combi::Combinations | Combi::WithReplacement => c.r,
    };
    Ok(int::from_usize(
        a[0].ty().basicsize() + words * std::mem::size_of::<usize>(),
    ))
}

// ---------------------------------------------------------------------------------
// The module
// ---------------------------------------------------------------------------------

fn class_getitem() -> MethodDef {
    MethodDef::class("__class_getitem__", |a, k| {
        Args::new(a, k).exact("__class_getitem__", 2)?;
        Ok(strand_objects::genericalias::new_generic_alias(
            a[0].clone(),
            a[1].clone(),
        ))
    })
}

/// The `itertools` module.
pub fn make_module() -> PyObj {
    static READY: std::sync::Once = std::sync::Once::new();
    READY.call_once(|| {
        let object = &strand_objects::baseobject::OBJECT_TYPE;
        let reduce = |f| MethodDef::new("__reduce__", f);
        let setstate = |f| MethodDef::new("__setstate__", f);
        REPEAT_TYPE.ready_static(
            Some(object),
            &[
                MethodDef::new("__length_hint__", repeat_length_hint),
                reduce(repeat_reduce),
            ],
            &[],
        );
        CHAIN_TYPE.ready_static(
            Some(object),
            &[
                MethodDef::class("from_iterable", chain_from_iterable),
                class_getitem(),
                reduce(chain_reduce),
                setstate(chain_setstate),
            ],
            &[],
        );
        TEE_TYPE.ready_static(
            Some(object),
            &[
                MethodDef::new("__copy__", tee_copy),
                reduce(tee_reduce),
                setstate(tee_setstate),
            ],
            &[],
        );
        let with_state = [
            (
                &CYCLE_TYPE,
                cycle_reduce as NativeFn,
                Some(cycle_setstate as NativeFn),
            ),
            (
                &ACCUMULATE_TYPE,
                accumulate_reduce,
                Some(accumulate_setstate),
            ),
            (&COMPRESS_TYPE, plain_reduce, None),
            (&DROPWHILE_TYPE, plain_reduce, Some(flag_setstate)),
            (&TAKEWHILE_TYPE, plain_reduce, Some(flag_setstate)),
            (&FILTERFALSE_TYPE, plain_reduce, None),
            (&STARMAP_TYPE, plain_reduce, None),
            (&GROUPBY_TYPE, groupby_reduce, Some(groupby_setstate)),
            (&GROUPER_TYPE, grouper_reduce, None),
            (&ISLICE_TYPE, islice_reduce, Some(islice_setstate)),
            (&TEEDATA_TYPE, teedata_reduce, None),
            (
                &ZIPLONGEST_TYPE,
                zip_longest_reduce,
                Some(zip_longest_setstate),
            ),
        ];
        for (ty, r, s) in with_state {
            let mut methods = vec![reduce(r)];
            methods.extend(s.map(setstate));
            ty.ready_static(Some(object), &methods, &[]);
        }
        for ty in [
            &PRODUCT_TYPE,
            &PERMUTATIONS_TYPE,
            &COMBINATIONS_TYPE,
            &CWR_TYPE,
        ] {
            ty.ready_static(
                Some(object),
                &[
                    reduce(combi_reduce),
                    setstate(combi_setstate),
                    MethodDef::new("__sizeof__", combi_sizeof),
                ],
                &[],
            );
        }
        // `pairwise` has no pickling support in CPython 3.11 either.
        PAIRWISE_TYPE.ready_static(Some(object), &[], &[]);
    });
    let m = module::new_native_module("itertools");
    add_functions(&m, "itertools", &[("tee", tee)]);
    let d = module::module_dict(&m);
    for (name, ty) in [
        ("count", &strand_objects::count::COUNT_TYPE),
        ("cycle", &CYCLE_TYPE),
        ("repeat", &REPEAT_TYPE),
        ("accumulate", &ACCUMULATE_TYPE),
        ("chain", &CHAIN_TYPE),
        ("compress", &COMPRESS_TYPE),
        ("dropwhile", &DROPWHILE_TYPE),
        ("takewhile", &TAKEWHILE_TYPE),
        ("filterfalse", &FILTERFALSE_TYPE),
        ("groupby", &GROUPBY_TYPE),
        ("_grouper", &GROUPER_TYPE),
        ("islice", &ISLICE_TYPE),
        ("pairwise", &PAIRWISE_TYPE),
        ("starmap", &STARMAP_TYPE),
        ("_tee", &TEE_TYPE),
        ("_tee_dataobject", &TEEDATA_TYPE),
        ("zip_longest", &ZIPLONGEST_TYPE),
        ("product", &PRODUCT_TYPE),
        ("permutations", &PERMUTATIONS_TYPE),
        ("combinations", &COMBINATIONS_TYPE),
        ("combinations_with_replacement", &CWR_TYPE),
    ] {
        dict::set_item_str(&d, name, ty.to_obj());
    }
    m
}
