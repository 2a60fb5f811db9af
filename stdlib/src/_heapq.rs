//! The `_heapq` module (CPython's Modules/_heapqmodule.c): `heappush`, `heappop`,
//! `heapify`, `heapreplace`, `heappushpop` and the max-heap helpers
//! `_heappop_max`, `_heapify_max`, `_heapreplace_max`, over lists with Python's
//! `<`, with CPython's sift order (so comparisons happen in the same order) and
//! its check that a comparison did not resize the list.

use strand_objects::abstract_ as ab;
use strand_objects::args::Args;
use strand_objects::exceptions::{index_error, runtime_error, type_error};
use strand_objects::typeobj::CompareOp;
use strand_objects::{list, module, str as pystr, PyObj, PyResult};

use strand_interp::native_module::add_functions;

fn item(heap: &PyObj, i: usize) -> PyResult<PyObj> {
    list::get(heap, i).ok_or_else(|| runtime_error("list changed size during iteration"))
}

fn swap(heap: &PyObj, i: usize, j: usize) -> PyResult<()> {
    let (a, b) = (item(heap, i)?, item(heap, j)?);
    list::set(heap, i, b);
    list::set(heap, j, a);
    Ok(())
}

/// `a < b` for a min-heap, `b < a` for a max-heap.
fn less(a: &PyObj, b: &PyObj, max: bool) -> PyResult<bool> {
    if max {
        ab::richcompare_bool(b, a, CompareOp::Lt)
    } else {
        ab::richcompare_bool(a, b, CompareOp::Lt)
    }
}

fn check_size(heap: &PyObj, size: usize) -> PyResult<()> {
    if list::len(heap) != size {
        return Err(runtime_error("list changed size during iteration"));
    }
    Ok(())
}

/// Moves the item at `pos` towards the root while it is smaller than its parent.
fn siftdown(heap: &PyObj, start: usize, mut pos: usize, max: bool) -> PyResult<()> {
    let size = list::len(heap);
    if pos >= size {
        return Err(index_error("list index out of range"));
    }
    while pos > start {
        let parent = (pos - 1) >> 1;
        let cmp = less(&item(heap, pos)?, &item(heap, parent)?, max)?;
        check_size(heap, size)?;
        if !cmp {
            break;
        }
        swap(heap, parent, pos)?;
        pos = parent;
    }
    Ok(())
}

/// Moves the smaller child up until `pos` is a leaf, then sifts down.
fn siftup(heap: &PyObj, mut pos: usize, max: bool) -> PyResult<()> {
    let end = list::len(heap);
    let start = pos;
    let limit = end >> 1;
    while pos < limit {
        let mut child = 2 * pos + 1;
        if child + 1 < end {
            let cmp = less(&item(heap, child)?, &item(heap, child + 1)?, max)?;
            if !cmp {
                child += 1;
            }
            check_size(heap, end)?;
        }
        swap(heap, child, pos)?;
        pos = child;
    }
    siftdown(heap, start, pos, max)
}

fn list_arg<'a>(a: &'a [PyObj], fname: &str, nargs: usize) -> PyResult<&'a PyObj> {
    let heap = &a[0];
    if !list::is_list(heap) {
        return Err(type_error(if nargs == 1 {
            format!("{fname}() argument must be list, not {}", heap.ty().name())
        } else {
            format!(
                "{fname}() argument 1 must be list, not {}",
                heap.ty().name()
            )
        }));
    }
    Ok(heap)
}

fn one<'a>(a: &'a [PyObj], k: Option<&PyObj>, fname: &str) -> PyResult<&'a PyObj> {
    Args::new(a, k).no_kwargs(&format!("_heapq.{fname}"))?;
    if a.len() != 1 {
        return Err(type_error(format!(
            "_heapq.{fname}() takes exactly one argument ({} given)",
            a.len()
        )));
    }
    list_arg(a, fname, 1)
}

fn two<'a>(a: &'a [PyObj], k: Option<&PyObj>, fname: &str) -> PyResult<(&'a PyObj, &'a PyObj)> {
    Args::new(a, k).expect_fn(fname, 2, 2)?;
    Ok((list_arg(a, fname, 2)?, &a[1]))
}

fn heappush(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    let (heap, x) = two(a, k, "heappush")?;
    list::append(heap, x.clone())?;
    siftdown(heap, 0, list::len(heap) - 1, false)?;
    Ok(strand_objects::singletons::none())
}

fn pop(heap: &PyObj, max: bool) -> PyResult<PyObj> {
    let n = list::len(heap);
    if n == 0 {
        return Err(index_error("index out of range"));
    }
    let last = list::pop(heap, -1)?;
    if n == 1 {
        return Ok(last);
    }
    let top = item(heap, 0)?;
    list::set(heap, 0, last);
    siftup(heap, 0, max)?;
    Ok(top)
}

fn replace(heap: &PyObj, x: &PyObj, max: bool) -> PyResult<PyObj> {
    if list::len(heap) == 0 {
        return Err(index_error("index out of range"));
    }
    let top = item(heap, 0)?;
    list::set(heap, 0, x.clone());
    siftup(heap, 0, max)?;
    Ok(top)
}

fn heapify(heap: &PyObj, max: bool) -> PyResult<PyObj> {
    let n = list::len(heap);
    for i in (0..n / 2).rev() {
        siftup(heap, i, max)?;
    }
    Ok(strand_objects::singletons::none())
}

fn heappushpop(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    let (heap, x) = two(a, k, "heappushpop")?;
    if list::len(heap) == 0 {
        return Ok(x.clone());
    }
    let top = item(heap, 0)?;
    if !ab::richcompare_bool(&top, x, CompareOp::Lt)? {
        return Ok(x.clone());
    }
    if list::len(heap) == 0 {
        return Err(index_error("index out of range"));
    }
    let top = item(heap, 0)?;
    list::set(heap, 0, x.clone());
    siftup(heap, 0, false)?;
    Ok(top)
}

/// The `_heapq` module.
pub fn make_module() -> PyObj {
    let m = module::new_native_module("_heapq");
    add_functions(
        &m,
        "_heapq",
        &[
            ("heappush", heappush),
            ("heappushpop", heappushpop),
            ("heappop", |a, k| pop(one(a, k, "heappop")?, false)),
            ("heapreplace", |a, k| {
                let (h, x) = two(a, k, "heapreplace")?;
                replace(h, x, false)
            }),
            ("heapify", |a, k| heapify(one(a, k, "heapify")?, false)),
            ("_heappop_max", |a, k| pop(one(a, k, "_heappop_max")?, true)),
            ("_heapreplace_max", |a, k| {
                let (h, x) = two(a, k, "_heapreplace_max")?;
                replace(h, x, true)
            }),
            ("_heapify_max", |a, k| {
                heapify(one(a, k, "_heapify_max")?, true)
            }),
        ],
    );
    strand_objects::dict::set_item_str(&module::module_dict(&m), "__about__", pystr::new(ABOUT));
    m
}

/// `_heapq.__about__` (CPython keeps an essay on heaps here; `heapq.py` has its own).
const ABOUT: &str = "Heap queues: lists kept so that a[k] <= a[2*k+1] and a[k] <= a[2*k+2] \
for every k, which makes a[0] the smallest item.";
