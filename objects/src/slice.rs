//! `slice` objects and the index arithmetic every sequence shares: normalising a
//! possibly negative index, resolving a slice against a length
//! (`PySlice_Unpack` + `PySlice_AdjustIndices` in Objects/sliceobject.c), and the
//! `start`/`stop` bounds of `index()` methods.

use num_bigint::BigInt;
use num_traits::{One, Signed, Zero};
use strand_heap::{HeapKind, ObjPtr, ObjectHeader};

use crate::abstract_ as ab;
use crate::exceptions::{type_error, value_error};
use crate::object::{PyObj, PyPayload};
use crate::singletons::{is_none, none};
use crate::typeobj::{CompareOp, PyType, Slots, TypeFlags};
use crate::PyResult;

/// The layout of a `slice`: three arbitrary objects (usually ints or `None`).
#[repr(C)]
pub struct PySlice {
    header: ObjectHeader,
    start: PyObj,
    stop: PyObj,
    step: PyObj,
}

// SAFETY: repr(C), header first; slice is final.
unsafe impl PyPayload for PySlice {
    fn type_object() -> &'static PyType {
        &SLICE_TYPE
    }
}

unsafe fn slice_traverse(obj: ObjPtr, visit: &mut dyn FnMut(ObjPtr)) {
    // SAFETY: installed on slices only.
    let s = unsafe { &*(obj.as_ptr() as *const PySlice) };
    visit(s.start.as_ptr());
    visit(s.stop.as_ptr());
    visit(s.step.as_ptr());
}

unsafe fn slice_dealloc(obj: ObjPtr) {
    // SAFETY: count zero, exclusive access; the fields are initialised.
    unsafe {
        let s = obj.as_ptr() as *mut PySlice;
        std::ptr::drop_in_place(std::ptr::addr_of_mut!((*s).start));
        std::ptr::drop_in_place(std::ptr::addr_of_mut!((*s).stop));
        std::ptr::drop_in_place(std::ptr::addr_of_mut!((*s).step));
        // `slice` is final and static: no type reference, a constant size.
        strand_heap::free_object_sized(obj, HeapKind::Gc, std::mem::size_of::<PySlice>());
    }
}

crate::builtin_type! {
    /// The `slice` type.
    pub static SLICE_TYPE = {
        name: "slice",
        layout: PySlice,
        itemsize: 0,
        kind: HeapKind::Gc,
        flags: TypeFlags::empty(),
        traverse: Some(slice_traverse),
        clear: None,
        dealloc: slice_dealloc,
        size: None,
        slots: Slots {
            repr: Some(slice_repr),
            hash: Some(crate::baseobject::unhashable),
            richcompare: Some(slice_richcompare),
            new: Some(slice_new),
            ..Slots::EMPTY
        },
    }
}

/// A slice resolved against a sequence length: the indices it selects are
/// `start, start + step, ...`, `len` of them, all in `0..length`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SliceIndices {
    /// First index (for `len == 0` with a positive step, where an insertion would go).
    pub start: usize,
    /// The step (never 0).
    pub step: isize,
    /// Number of selected indices.
    pub len: usize,
}

impl SliceIndices {
    /// The selected indices in order.
    pub fn iter(&self) -> impl ExactSizeIterator<Item = usize> + '_ {
        let (start, step) = (self.start as isize, self.step);
        (0..self.len).map(move |k| (start + k as isize * step) as usize)
    }
}

impl PySlice {
    /// `start`, `stop`, `step` as given.
    pub fn parts(&self) -> (&PyObj, &PyObj, &PyObj) {
        (&self.start, &self.stop, &self.step)
    }

    /// Resolves the slice against a sequence of `length` items
    /// (`PySlice_Unpack` + `PySlice_AdjustIndices`).
    ///
    /// # Errors
    /// `ValueError: slice step cannot be zero`; `TypeError` for non-integer bounds.
    pub fn indices(&self, length: usize) -> PyResult<SliceIndices> {
        let (start, stop, step) = self.unpack()?;
        Ok(adjust(start, stop, step, length))
    }

    /// `slice.indices(length)` for any length: `(start, stop, step)` clamped to
    /// `length`, such that `range(start, stop, step)` selects the same indices, in
    /// arbitrary precision (CPython's `_PySlice_GetLongIndices`), so that huge lengths
    /// and bounds (`range(2**100)[::2**80]`) resolve exactly. `stop` may be `-1` for a
    /// negative step.
    ///
    /// # Errors
    /// `ValueError: slice step cannot be zero`; `TypeError` for non-integer bounds.
    /// `length` must not be negative (callers check).
    pub fn long_bounds(&self, length: &BigInt) -> PyResult<(BigInt, BigInt, BigInt)> {
        let step = if is_none(&self.step) {
            BigInt::one()
        } else {
            let s = long_index(&self.step)?;
            if s.is_zero() {
                return Err(value_error("slice step cannot be zero"));
            }
            s
        };
        let (lower, upper) = if step.is_negative() {
            (BigInt::from(-1), length - 1)
        } else {
            (BigInt::zero(), length.clone())
        };
        let clamp = |bound: &PyObj, default: &BigInt| -> PyResult<BigInt> {
            if is_none(bound) {
                return Ok(default.clone());
            }
            let mut v = long_index(bound)?;
            if v.is_negative() {
                v += length;
                Ok(v.max(lower.clone()))
            } else {
                Ok(v.min(upper.clone()))
            }
        };
        let (start_default, stop_default) = if step.is_negative() {
            (&upper, &lower)
        } else {
            (&lower, &upper)
        };
        let start = clamp(&self.start, start_default)?;
        let stop = clamp(&self.stop, stop_default)?;
        Ok((start, stop, step))
    }

    /// The bounds with their `__index__` calls done (`PySlice_Unpack`), to be
    /// resolved against a length later, where no Python code may run (under a
    /// container's lock).
    ///
    /// # Errors
    /// As [`PySlice::indices`].
    pub fn unpacked(&self) -> PyResult<UnpackedSlice> {
        let (start, stop, step) = self.unpack()?;
        Ok(UnpackedSlice { start, stop, step })
    }

    fn unpack(&self) -> PyResult<(Option<isize>, Option<isize>, isize)> {
        let step = if is_none(&self.step) {
            1
        } else {
            let s = clamped_index(&self.step)?;
            if s == 0 {
                return Err(value_error("slice step cannot be zero"));
            }
            // -isize::MAX keeps `-step` representable (CPython does the same).
            s.max(-isize::MAX)
        };
        let start = if is_none(&self.start) {
            None
        } else {
            Some(clamped_index(&self.start)?)
        };
        let stop = if is_none(&self.stop) {
            None
        } else {
            Some(clamped_index(&self.stop)?)
        };
        Ok((start, stop, step))
    }
}

/// A slice's bounds as ints (`None` for an omitted bound), see [`PySlice::unpacked`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct UnpackedSlice {
    start: Option<isize>,
    stop: Option<isize>,
    step: isize,
}

impl UnpackedSlice {
    /// The indices the slice selects in a sequence of `length` items
    /// (`PySlice_AdjustIndices`).
    pub fn resolve(&self, length: usize) -> SliceIndices {
        adjust(self.start, self.stop, self.step, length)
    }
}

/// A slice bound's exact value (`__index__`), with slicing's error for other types.
fn long_index(obj: &PyObj) -> PyResult<BigInt> {
    check_index_type(obj)?;
    Ok(crate::int::to_bigint(&ab::index(obj)?))
}

/// `TypeError` unless `obj` is an int or has `__index__` (slicing's message).
fn check_index_type(obj: &PyObj) -> PyResult<()> {
    if !crate::int::is_int(obj) && obj.ty().slots().number.index.is_none() {
        return Err(type_error(
            "slice indices must be integers or None or have an __index__ method",
        ));
    }
    Ok(())
}

/// An index for slicing: the value of an int-like, clamped to the `isize` range.
fn clamped_index(obj: &PyObj) -> PyResult<isize> {
    if crate::int::is_int(obj) {
        if let Some(v) = crate::int::as_i64(obj) {
            // An int (or subclass) is its own index, as in `_PyNumber_Index`.
            return Ok(v.clamp(isize::MIN as i64, isize::MAX as i64) as isize);
        }
    }
    check_index_type(obj)?;
    let i = ab::index(obj)?;
    Ok(match crate::int::as_i64(&i) {
        Some(v) => v.clamp(isize::MIN as i64, isize::MAX as i64) as isize,
        None if crate::int::value(&i).is_negative() => isize::MIN,
        None => isize::MAX,
    })
}

fn adjust(start: Option<isize>, stop: Option<isize>, step: isize, length: usize) -> SliceIndices {
    let n = length as isize;
    let clamp = |v: isize, lo: isize, hi: isize| -> isize {
        if v < 0 {
            let v = v.saturating_add(n);
            if v < 0 {
                lo
            } else {
                v
            }
        } else if v >= n {
            hi
        } else {
            v
        }
    };
    let (start, stop) = if step > 0 {
        (
            start.map_or(0, |s| clamp(s, 0, n)),
            stop.map_or(n, |s| clamp(s, 0, n)),
        )
    } else {
        (
            start.map_or(n - 1, |s| clamp(s, -1, n - 1)),
            stop.map_or(-1, |s| clamp(s, -1, n - 1)),
        )
    };
    let len = if step > 0 {
        if stop > start {
            ((stop - start - 1) / step + 1) as usize
        } else {
            0
        }
    } else if start > stop {
        ((start - stop - 1) / (-step) + 1) as usize
    } else {
        0
    };
    SliceIndices {
        start: if len == 0 && step < 0 {
            0
        } else {
            start.max(0) as usize
        },
        step,
        len,
    }
}

/// A new slice object.
pub fn new(start: PyObj, stop: PyObj, step: PyObj) -> PyObj {
    let obj =
        crate::alloc::alloc_static_sized(&SLICE_TYPE, HeapKind::Gc, std::mem::size_of::<PySlice>());
    // SAFETY: fresh allocation with the slice layout; every field is written before
    // the collector may see it (tracked last); a static type takes no reference.
    unsafe {
        let p = obj.as_ptr() as *mut PySlice;
        std::ptr::addr_of_mut!((*p).start).write(start);
        std::ptr::addr_of_mut!((*p).stop).write(stop);
        std::ptr::addr_of_mut!((*p).step).write(step);
        obj.track();
        PyObj::from_owned(obj)
    }
}

/// `seq[i]` index normalisation: negative indices count from the end; `None` when out
/// of range.
#[inline]
pub fn normalize_index(i: isize, len: usize) -> Option<usize> {
    let j = if i < 0 {
        i.checked_add(len as isize)?
    } else {
        i
    };
    if j >= 0 && (j as usize) < len {
        Some(j as usize)
    } else {
        None
    }
}

/// The `start`/`stop` arguments of `list.index`, `tuple.index`, `str.find`...: optional
/// int-likes (or `None`), adjusted like slice bounds to `0..=len`.
pub fn search_bounds(
    start: Option<&PyObj>,
    stop: Option<&PyObj>,
    len: usize,
) -> PyResult<(usize, usize)> {
    let n = len as isize;
    let fix = |o: Option<&PyObj>, default: isize| -> PyResult<isize> {
        match o {
            None => Ok(default),
            Some(o) if is_none(o) => Ok(default),
            Some(o) => {
                let v = clamped_index(o)?;
                Ok(if v < 0 {
                    v.saturating_add(n).max(0)
                } else {
                    v.min(n)
                })
            }
        }
    };
    let start = fix(start, 0)?;
    let stop = fix(stop, n)?;
    Ok((start as usize, (stop.max(start)) as usize))
}

/// The `start`/`end` arguments of `str.find`-like searches, normalised like a slice
/// but without clamping start to end: `None` when the range is empty in a way that
/// even an empty needle cannot match (start past the end of the text, or past
/// `end`), as CPython's search functions decide before searching.
pub fn search_range(
    start: Option<&PyObj>,
    stop: Option<&PyObj>,
    len: usize,
) -> PyResult<Option<(usize, usize)>> {
    let n = len as isize;
    let fix = |o: Option<&PyObj>, default: isize| -> PyResult<isize> {
        match o {
            None => Ok(default),
            Some(o) if is_none(o) => Ok(default),
            Some(o) => {
                let v = clamped_index(o)?;
                Ok(if v < 0 { v.saturating_add(n).max(0) } else { v })
            }
        }
    };
    let start = fix(start, 0)?;
    let stop = fix(stop, n)?.min(n);
    if start > n || start > stop {
        return Ok(None);
    }
    Ok(Some((start as usize, stop as usize)))
}

fn payload(obj: &PyObj) -> &PySlice {
    // SAFETY: the slot functions below are installed on slices only.
    unsafe { obj.payload_unchecked::<PySlice>() }
}

fn slice_repr(obj: &PyObj) -> PyResult<PyObj> {
    let s = payload(obj);
    Ok(crate::str::from_string(format!(
        "slice({}, {}, {})",
        ab::repr_string(&s.start)?,
        ab::repr_string(&s.stop)?,
        ab::repr_string(&s.step)?
    )))
}

fn slice_richcompare(a: &PyObj, b: &PyObj, op: CompareOp) -> PyResult<PyObj> {
    let Some(sb) = b.downcast::<PySlice>() else {
        return Ok(crate::singletons::not_implemented());
    };
    let sa = payload(a);
    let ta = [sa.start.clone(), sa.stop.clone(), sa.step.clone()];
    let tb = [sb.start.clone(), sb.stop.clone(), sb.step.clone()];
    crate::tuple::sequence_richcompare(&ta, &tb, op)
}

fn slice_new(_cls: &PyObj, args: &[PyObj], kwnames: Option<&PyObj>) -> PyResult<PyObj> {
    let a = crate::args::Args::new(args, kwnames);
    a.no_kwargs("slice")?;
    a.range("slice", 1, 3)?;
    let p = a.positionals();
    Ok(match p.len() {
        1 => new(none(), p[0].clone(), none()),
        2 => new(p[0].clone(), p[1].clone(), none()),
        _ => new(p[0].clone(), p[1].clone(), p[2].clone()),
    })
}

fn slice_indices_method(args: &[PyObj], kwnames: Option<&PyObj>) -> PyResult<PyObj> {
    let a = crate::args::Args::new(args, kwnames);
    a.no_kwargs("indices")?;
    a.exact("indices", 2)?;
    let this = payload(&args[0]);
    let length = crate::int::to_bigint(&ab::index(&args[1])?);
    if length.is_negative() {
        return Err(value_error("length should not be negative"));
    }
    let (start, stop, step) = this.long_bounds(&length)?;
    Ok(crate::tuple::from_vec(vec![
        crate::int::from_bigint(start),
        crate::int::from_bigint(stop),
        crate::int::from_bigint(step),
    ]))
}

/// Methods of `slice`.
pub(crate) fn methods() -> Vec<crate::descr::MethodDef> {
    vec![
        crate::descr::MethodDef::new("indices", slice_indices_method),
        // CPython's `slice_reduce`: `(slice, (start, stop, step))`.
        crate::descr::MethodDef::new("__reduce__", |args, kw| {
            crate::args::Args::new(args, kw).exact("slice.__reduce__", 1)?;
            let s = payload(&args[0]);
            Ok(crate::tuple::pair(
                args[0].ty().to_obj(),
                crate::tuple::from_vec(vec![s.start.clone(), s.stop.clone(), s.step.clone()]),
            ))
        }),
    ]
}

/// Attributes of `slice`.
pub(crate) fn getsets() -> Vec<crate::descr::GetSetDef> {
    use crate::descr::GetSetDef;
    vec![
        GetSetDef::new("start", |o| Ok(payload(o).start.clone()), None),
        GetSetDef::new("stop", |o| Ok(payload(o).stop.clone()), None),
        GetSetDef::new("step", |o| Ok(payload(o).step.clone()), None),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn adjust_matches_python() {
        // list(range(10))[a:b:c] for a few cases, checked against CPython by hand.
        let sel = |s: Option<isize>, e: Option<isize>, st: isize, n: usize| -> Vec<usize> {
            adjust(s, e, st, n).iter().collect()
        };
        assert_eq!(sel(None, None, 1, 5), vec![0, 1, 2, 3, 4]);
        assert_eq!(sel(None, None, -1, 5), vec![4, 3, 2, 1, 0]);
        assert_eq!(sel(Some(1), Some(-1), 2, 6), vec![1, 3]);
        assert_eq!(sel(Some(-100), Some(100), 3, 7), vec![0, 3, 6]);
        assert_eq!(sel(Some(3), Some(3), 1, 7), Vec::<usize>::new());
        assert_eq!(sel(Some(5), Some(1), -2, 7), vec![5, 3]);
        assert_eq!(sel(None, None, -3, 0), Vec::<usize>::new());
        assert_eq!(sel(Some(10), None, -1, 4), vec![3, 2, 1, 0]);
        assert_eq!(adjust(Some(9), None, 1, 4).start, 4);
    }

    #[test]
    fn normalize() {
        assert_eq!(normalize_index(-1, 3), Some(2));
        assert_eq!(normalize_index(-4, 3), None);
        assert_eq!(normalize_index(3, 3), None);
        assert_eq!(normalize_index(isize::MIN, 3), None);
    }
}
