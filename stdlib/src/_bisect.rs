//! The `_bisect` module (CPython's Modules/_bisectmodule.c): `bisect_left`,
//! `bisect_right`, `insort_left`, `insort_right`, each `(a, x, lo=0, hi=None, *,
//! key=None)`, over any sequence (`a[i]`, `len(a)`) with Python's `<`; `insort`
//! inserts with `list.insert` for exact lists and `a.insert(i, x)` otherwise.
//! As in CPython, `hi=-1` means "to the end", like `None`.

use strand_objects::abstract_ as ab;
use strand_objects::args::Args;
use strand_objects::exceptions::{type_error, value_error};
use strand_objects::typeobj::CompareOp;
use strand_objects::{int, list, module, singletons, PyObj, PyResult};

use strand_interp::native_module::add_functions;

/// The bound arguments of every function of the module.
struct Bisect<'a> {
    a: &'a PyObj,
    x: &'a PyObj,
    lo: isize,
    hi: Option<isize>,
    key: Option<&'a PyObj>,
}

fn bind<'a>(args: &'a [PyObj], k: Option<&'a PyObj>, fname: &str) -> PyResult<Bisect<'a>> {
    let a = Args::new(args, k);
    if a.nargs() > 4 {
        return Err(type_error(format!(
            "{fname}() takes at most 4 positional arguments ({} given)",
            a.nargs()
        )));
    }
    let b = a.bind(fname, 0, &["a", "x", "lo", "hi", "key"], 2)?;
    let lo = match b[2] {
        Some(v) => int::to_isize(&ab::index(v)?)?,
        None => 0,
    };
    let hi = match b[3] {
        None => None,
        Some(v) if singletons::is_none(v) => None,
        Some(v) => {
            if !int::is_int(v) && v.ty().slots().number.index.is_none() {
                return Err(type_error(format!(
                    "argument should be integer or None, not '{}'",
                    v.ty().name()
                )));
            }
            match int::to_isize(&ab::index(v)?)? {
                -1 => None,
                h => Some(h),
            }
        }
    };
    let key = b[4].filter(|k| !singletons::is_none(k));
    Ok(Bisect {
        a: b[0].expect("required"),
        x: b[1].expect("required"),
        lo,
        hi,
        key,
    })
}

/// The insertion point of `x` (already keyed) in `a[lo:hi]`.
fn search(b: &Bisect, x: &PyObj, right: bool) -> PyResult<isize> {
    if b.lo < 0 {
        return Err(value_error("lo must be non-negative"));
    }
    let (mut lo, mut hi) = (
        b.lo,
        match b.hi {
            Some(h) => h,
            None => ab::len(b.a)? as isize,
        },
    );
    while lo < hi {
        let mid = ((lo as usize + hi as usize) / 2) as isize;
        let mut item = ab::getitem(b.a, &int::from_i64(mid as i64))?;
        if let Some(key) = b.key {
            item = ab::call1(key, item)?;
        }
        let less = if right {
            ab::richcompare_bool(x, &item, CompareOp::Lt)?
        } else {
            !ab::richcompare_bool(&item, x, CompareOp::Lt)?
        };
        if less {
            hi = mid;
        } else {
            lo = mid + 1;
        }
    }
    Ok(lo)
}

fn bisect(a: &[PyObj], k: Option<&PyObj>, fname: &str, right: bool) -> PyResult<PyObj> {
    let b = bind(a, k, fname)?;
    Ok(int::from_i64(search(&b, b.x, right)? as i64))
}

fn insort(a: &[PyObj], k: Option<&PyObj>, fname: &str, right: bool) -> PyResult<PyObj> {
    let b = bind(a, k, fname)?;
    let i = match b.key {
        Some(key) => search(&b, &ab::call1(key, b.x.clone())?, right)?,
        None => search(&b, b.x, right)?,
    };
    if b.a.is_exact(&list::LIST_TYPE) {
        list::insert(b.a, i, b.x.clone())?;
    } else {
        ab::call_method(b.a, "insert", &[int::from_i64(i as i64), b.x.clone()])?;
    }
    Ok(singletons::none())
}

/// The `_bisect` module.
pub fn make_module() -> PyObj {
    let m = module::new_native_module("_bisect");
    add_functions(
        &m,
        "_bisect",
        &[
            ("bisect_right", |a, k| bisect(a, k, "bisect_right", true)),
            ("bisect_left", |a, k| bisect(a, k, "bisect_left", false)),
            ("insort_right", |a, k| insort(a, k, "insort_right", true)),
            ("insort_left", |a, k| insort(a, k, "insort_left", false)),
        ],
    );
    m
}
