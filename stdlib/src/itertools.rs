//! The `itertools` module (CPython's Modules/itertoolsmodule.c), all native: `count`,
//! `cycle`, `repeat`, `accumulate`, `chain` (and `chain.from_iterable`),
//! `compress`, `dropwhile`, `filterfalse`, `groupby` (with its `_grouper`),
//! `islice`, `pairwise`, `starmap`, `takewhile`, `tee` (`_tee` over linked
//! `_tee_dataobject` blocks), `zip_longest`, `product`, `permutations`,
//! `combinations` and `combinations_with_replacement`, each a type named
//! `itertools.NAME` as in CPython.
//!
//! Every iterator keeps its state in one `Tool` value. As in the free-threaded
//! build, `next()` runs inside the iterator's critical section, so threads sharing
//! an iterator (a `count()` handing out ids, say) each get distinct items; Python
//! code (the inner iterator, predicates, `+`) runs inside the section but never
//! while the state is borrowed: each step copies what it needs out, calls Python,
//! and writes back, and what it replaces is dropped after the borrow ends.
//!
//! Not supported: pickling the iterators (`__reduce__`/`__setstate__`, deprecated
//! by CPython 3.12), except `count`'s and `repeat`'s `__reduce__`.

use std::cell::UnsafeCell;
use std::sync::atomic::{AtomicU64, Ordering::Relaxed};

use strand_heap::{critical_section, HeapKind, ObjPtr, ObjectHeader};
use strand_objects::abstract_::{self as ab, BinOp};
use strand_objects::args::Args;
use strand_objects::descr::MethodDef;
use strand_objects::exceptions::{self as exc, type_error, value_error};
use strand_objects::typeobj::{CompareOp, PyType, Slots, TypeFlags};
use strand_objects::{
    complex, dict, float, int, module, singletons, str as pystr, tuple, PyObj, PyResult,
};

use strand_interp::native_module::add_functions;

/// The state of one itertools iterator.
enum Tool {
    Count {
        cur: PyObj,
        step: PyObj,
        /// `step` is the int 1 (it is left out of the repr).
        unit: bool,
    },
    Cycle {
        it: Option<PyObj>,
        saved: Vec<PyObj>,
        index: usize,
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
        cnt: usize,
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
            Tool::Count { cur, step, .. } => {
                visit(cur);
                visit(step);
            }
            Tool::Cycle { it, saved, .. } => {
                opt(it, visit);
                saved.iter().for_each(&mut *visit);
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
    // SAFETY: count zero, exclusive; the state was initialised by `new_tool`.
    unsafe {
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
    /// `itertools.count`.
    COUNT_TYPE = "itertools.count", BASE, { new: Some(count_new), repr: Some(count_repr) };
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
    GROUPER_TYPE = "itertools._grouper", NONE, {};
    /// `itertools.islice`.
    ISLICE_TYPE = "itertools.islice", BASE, { new: Some(islice_new) };
    /// `itertools.pairwise`.
    PAIRWISE_TYPE = "itertools.pairwise", BASE, { new: Some(pairwise_new) };
    /// `itertools.starmap`.
    STARMAP_TYPE = "itertools.starmap", BASE, { new: Some(starmap_new) };
    /// `itertools._tee`.
    TEE_TYPE = "itertools._tee", NONE, { new: Some(tee_type_new) };
    /// `itertools._tee_dataobject`.
    TEEDATA_TYPE = "itertools._tee_dataobject", NONE, {};
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
    // SAFETY: `o` is alive for the section.
    let _cs = unsafe { critical_section::begin(o.as_ptr()) };
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
        Count,
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
        Tool::Count { .. } => Kind::Count,
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
        Kind::Count => count_next(o),
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

/// CPython's `_PyArg_NoKeywords` for `type(...)` calls: only the exact type refuses
/// keywords (subclasses may take their own in `__init__`).
fn no_kw(cls: &PyObj, base: &PyType, a: &Args, name: &str) -> PyResult<()> {
    if a.has_kwargs() && std::ptr::eq(type_of(cls, name)?, base) {
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
// count, cycle, repeat
// ---------------------------------------------------------------------------------

/// CPython's `PyNumber_Check`.
fn is_number(o: &PyObj) -> bool {
    let n = &o.ty().slots().number;
    n.index.is_some()
        || n.int.is_some()
        || n.float.is_some()
        || int::is_int(o)
        || float::is_float(o)
        || o.is_instance_of(&complex::COMPLEX_TYPE)
}

fn count_new(cls: &PyObj, a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    let b = Args::new(a, k).bind("count", 0, &["start", "step"], 0)?;
    let start = b[0].cloned().unwrap_or_else(|| int::from_i64(0));
    let step = b[1].cloned().unwrap_or_else(|| int::from_i64(1));
    if !is_number(&start) || !is_number(&step) {
        return Err(type_error("a number is required"));
    }
    let unit = int::is_int(&step) && int::as_i64(&step) == Some(1);
    // With a unit step an int start counts as a plain int (count(True) counts 1, 2, ...).
    let start = if unit && int::is_int(&start) && !start.is_exact(&int::INT_TYPE) {
        int::from_bigint(int::to_bigint(&start))
    } else {
        start
    };
    Ok(new_tool(
        type_of(cls, "count")?,
        Tool::Count {
            cur: start,
            step,
            unit,
        },
    ))
}

fn count_next(o: &PyObj) -> PyResult<Option<PyObj>> {
    let (cur, step) = st(o, |t| match t {
        Tool::Count { cur, step, .. } => (cur.clone(), step.clone()),
        _ => unreachable!("count state"),
    });
    let next = ab::binary_op(&cur, &step, BinOp::Add)?;
    let old = st(o, |t| match t {
        Tool::Count { cur, .. } => std::mem::replace(cur, next),
        _ => unreachable!("count state"),
    });
    drop(old);
    Ok(Some(cur))
}

fn count_parts(o: &PyObj) -> PyResult<(PyObj, PyObj, bool)> {
    locked(o, || {
        st(o, |t| match t {
            Tool::Count { cur, step, unit } => Some((cur.clone(), step.clone(), *unit)),
            _ => None,
        })
    })
    .ok_or_else(|| type_error("count object was cleared"))
}

fn count_repr(o: &PyObj) -> PyResult<PyObj> {
    let (cur, step, unit) = count_parts(o)?;
    let name = o.ty().short_name().to_string();
    Ok(pystr::from_string(if unit {
        format!("{name}({})", ab::repr_string(&cur)?)
    } else {
        format!(
            "{name}({}, {})",
            ab::repr_string(&cur)?,
            ab::repr_string(&step)?
        )
    }))
}

fn count_reduce(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    Args::new(a, k).exact("__reduce__", 1)?;
    let (cur, step, unit) = count_parts(&a[0])?;
    let args = if unit {
        tuple::from_vec(vec![cur])
    } else {
        tuple::pair(cur, step)
    };
    Ok(tuple::pair(a[0].ty().to_obj(), args))
}

fn cycle_new(cls: &PyObj, a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    let pos = positional(cls, &CYCLE_TYPE, a, k, "cycle", 1, 1)?;
    let it = ab::iter(&pos[0])?;
    Ok(new_tool(
        type_of(cls, "cycle")?,
        Tool::Cycle {
            it: Some(it),
            saved: Vec::new(),
            index: 0,
        },
    ))
}

fn cycle_next(o: &PyObj) -> PyResult<Option<PyObj>> {
    let it = st(o, |t| match t {
        Tool::Cycle { it, .. } => it.clone(),
        _ => unreachable!("cycle state"),
    });
    if let Some(it) = it {
        if let Some(x) = next_of(&it)? {
            st(o, |t| {
                if let Tool::Cycle { saved, .. } = t {
                    saved.push(x.clone());
                }
            });
            return Ok(Some(x));
        }
        let old = st(o, |t| match t {
            Tool::Cycle { it, .. } => it.take(),
            _ => None,
        });
        drop(old);
    }
    Ok(st(o, |t| match t {
        Tool::Cycle { saved, index, .. } if !saved.is_empty() => {
            let x = saved[*index % saved.len()].clone();
            *index = (*index + 1) % saved.len();
            Some(x)
        }
        _ => None,
    }))
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
    Args::new(a, k).exact("__length_hint__", 1)?;
    match repeat_parts(&a[0])?.1 {
        None => Err(type_error("len() of unsized object")),
        Some(n) => Ok(int::from_usize(n)),
    }
}

fn repeat_reduce(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    Args::new(a, k).exact("__reduce__", 1)?;
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
    let (it, old) = st(o, |t| match t {
        Tool::Pairwise { it, old } => (it.clone(), old.clone()),
        _ => unreachable!("pairwise state"),
    });
    let Some(it) = it else {
        return Ok(None);
    };
    let finish = |o: &PyObj| {
        let gone = st(o, |t| match t {
            Tool::Pairwise { it, old } => (it.take(), old.take()),
            _ => (None, None),
        });
        drop(gone);
    };
    let old = match old {
        Some(x) => x,
        None => match next_of(&it)? {
            Some(x) => x,
            None => {
                finish(o);
                return Ok(None);
            }
        },
    };
    let Some(new) = next_of(&it)? else {
        finish(o);
        return Ok(None);
    };
    let prev = st(o, |t| match t {
        Tool::Pairwise { old, .. } => old.replace(new.clone()),
        _ => None,
    });
    drop(prev);
    Ok(Some(tuple::pair(old, new)))
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
    let generation = GROUPER_GENERATION.fetch_add(1, Relaxed);
    let (key, old) = st(o, |t| match t {
        Tool::GroupBy {
            tgtkey,
            currkey,
            current,
            ..
        } => {
            *current = generation;
            let k = currkey.clone().expect("a current key after a step");
            (k.clone(), tgtkey.replace(k))
        }
        _ => unreachable!("groupby state"),
    });
    drop(old);
    let grouper = new_tool(
        &GROUPER_TYPE,
        Tool::Grouper {
            parent: o.clone(),
            tgtkey: key.clone(),
            generation,
        },
    );
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
    let (it, next, stop, step, mut cnt) = st(o, |t| match t {
        Tool::ISlice {
            it,
            next,
            stop,
            step,
            cnt,
        } => (it.clone(), *next, *stop, *step, *cnt),
        _ => unreachable!("islice state"),
    });
    let Some(it) = it else {
        return Ok(None);
    };
    let empty = |o: &PyObj| {
        let gone = st(o, |t| match t {
            Tool::ISlice { it, .. } => it.take(),
            _ => None,
        });
        drop(gone);
        Ok(None)
    };
    while cnt < next {
        let x = next_of(&it);
        let x = match x {
            Ok(x) => x,
            Err(e) => {
                st(o, |t| {
                    if let Tool::ISlice { cnt: c, .. } = t {
                        *c = cnt;
                    }
                });
                return Err(e);
            }
        };
        if x.is_none() {
            return empty(o);
        }
        cnt += 1;
    }
    if stop.is_some_and(|s| cnt >= s) {
        return empty(o);
    }
    let x = next_of(&it);
    st(o, |t| {
        if let Tool::ISlice { cnt: c, .. } = t {
            *c = cnt;
        }
    });
    let Some(x) = x? else {
        return empty(o);
    };
    st(o, |t| {
        if let Tool::ISlice {
            next: n, cnt: c, ..
        } = t
        {
            *c = cnt + 1;
            let mut nn = next.saturating_add(step);
            if let Some(s) = stop {
                if nn > s {
                    nn = s;
                }
            }
            *n = nn;
        }
    });
    Ok(Some(x))
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
    Args::new(a, k).exact("__copy__", 1)?;
    let (data, index) = locked(&a[0], || {
        st(&a[0], |t| match t {
            Tool::Tee { data, index } => Some((data.clone(), *index)),
            _ => None,
        })
    })
    .ok_or_else(|| type_error("tee object was cleared"))?;
    Ok(new_tee(data, index))
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
    let mut active = active;
    for (i, it) in its.iter().enumerate() {
        let x = match it {
            None => fill.clone(),
            Some(it) => match next_of(it)? {
                Some(x) => x,
                None => {
                    active -= 1;
                    let gone = st(o, |t| match t {
                        Tool::ZipLongest { its, active: a, .. } => {
                            *a = active;
                            its[i].take()
                        }
                        _ => None,
                    });
                    drop(gone);
                    if active == 0 {
                        return Ok(None);
                    }
                    fill.clone()
                }
            },
        };
        out.push(x);
    }
    Ok(Some(tuple::from_vec(out)))
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
        Combi::Permutations => ((0..n).collect(), (0..r).map(|i| n - i).collect()),
        Combi::Combinations => ((0..r).collect(), Vec::new()),
        Combi::WithReplacement => (vec![0; r], Vec::new()),
    };
    let stopped = match kind {
        Combi::Product => pools.iter().any(Vec::is_empty),
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
        COUNT_TYPE.ready_static(
            Some(object),
            &[MethodDef::new("__reduce__", count_reduce)],
            &[],
        );
        REPEAT_TYPE.ready_static(
            Some(object),
            &[
                MethodDef::new("__length_hint__", repeat_length_hint),
                MethodDef::new("__reduce__", repeat_reduce),
            ],
            &[],
        );
        CHAIN_TYPE.ready_static(
            Some(object),
            &[
                MethodDef::class("from_iterable", chain_from_iterable),
                class_getitem(),
            ],
            &[],
        );
        TEE_TYPE.ready_static(Some(object), &[MethodDef::new("__copy__", tee_copy)], &[]);
        for ty in [
            &CYCLE_TYPE,
            &ACCUMULATE_TYPE,
            &COMPRESS_TYPE,
            &DROPWHILE_TYPE,
            &TAKEWHILE_TYPE,
            &FILTERFALSE_TYPE,
            &GROUPBY_TYPE,
            &GROUPER_TYPE,
            &ISLICE_TYPE,
            &PAIRWISE_TYPE,
            &STARMAP_TYPE,
            &TEEDATA_TYPE,
            &ZIPLONGEST_TYPE,
            &PRODUCT_TYPE,
            &PERMUTATIONS_TYPE,
            &COMBINATIONS_TYPE,
            &CWR_TYPE,
        ] {
            ty.ready_static(Some(object), &[], &[]);
        }
    });
    let m = module::new_module("itertools");
    add_functions(&m, "itertools", &[("tee", tee)]);
    let d = module::module_dict(&m);
    for (name, ty) in [
        ("count", &COUNT_TYPE),
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
