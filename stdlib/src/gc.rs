//! The `gc` module (Modules/gcmodule.c) over strand's collector (`strand-gc`):
//! `collect`, `enable`/`disable`, thresholds and counts, statistics, `is_tracked`,
//! and `gc.callbacks`, called before and after every collection.
//!
//! strand's collector is not generational: every collection is a full one, reported
//! as generation 2; the generation arguments are checked and otherwise ignored
//! (`get_objects(generation=0)` lists every tracked object, as generation 2 does).
//!
//! Debug flags (`set_debug`): `DEBUG_SAVEALL` keeps every unreachable object in
//! `gc.garbage` instead of freeing it (weak references to it are still cleared and its
//! finalizer still runs, as in CPython); `DEBUG_STATS` writes CPython's "gc:
//! collecting generation 2..." and "gc: done, N unreachable, M uncollectable, Ts
//! elapsed" lines to standard error. `DEBUG_COLLECTABLE` and `DEBUG_UNCOLLECTABLE`
//! are accepted and kept by `get_debug` but print nothing: strand's collector does not
//! report its objects one by one.

use strand_interp::native_module::add_functions;
use strand_objects::abstract_ as ab;
use strand_objects::args::Args;
use strand_objects::exceptions::{type_error, value_error};
use strand_objects::{
    dict, int, list, module, singletons, str as pystr, tuple, OnceObj, PyObj, PyResult,
};

use std::sync::atomic::{AtomicI64, Ordering};

/// The `gc.callbacks` list (lives for the process), read by the collector's callback.
static CALLBACKS: OnceObj = OnceObj::new();

/// The `gc.garbage` list (lives for the process): the collector's uncollectable
/// objects, and with `DEBUG_SAVEALL` every unreachable one, are appended to it.
static GARBAGE: OnceObj = OnceObj::new();

/// The flags of `gc.set_debug` (Modules/gcmodule.c's values).
static DEBUG: AtomicI64 = AtomicI64::new(0);
const DEBUG_STATS: i64 = 1;
const DEBUG_COLLECTABLE: i64 = 2;
const DEBUG_UNCOLLECTABLE: i64 = 4;
const DEBUG_SAVEALL: i64 = 32;
const DEBUG_LEAK: i64 = DEBUG_COLLECTABLE | DEBUG_UNCOLLECTABLE | DEBUG_SAVEALL;

fn gc_info(phase: strand_gc::Phase, stats: &strand_gc::CollectionStats) {
    let debug = DEBUG.load(Ordering::Relaxed);
    if phase == strand_gc::Phase::Start && debug & DEBUG_STATS != 0 {
        eprintln!("gc: collecting generation 2...");
    }
    if phase == strand_gc::Phase::Stop {
        if let Some(garbage) = GARBAGE.get() {
            for p in strand_gc::take_object_garbage() {
                // SAFETY: take_object_garbage hands over the collector's reference.
                let o = unsafe { PyObj::from_owned(p) };
                if let Err(e) = list::append(&garbage, o) {
                    strand_objects::unraisable::write_unraisable(&e, &garbage);
                }
            }
        }
        if debug & DEBUG_STATS != 0 {
            eprintln!(
                "gc: done, {} unreachable, {} uncollectable, {:.4}s elapsed",
                stats.unreachable.saturating_sub(stats.hidden),
                stats.uncollectable,
                stats.total.as_secs_f64()
            );
        }
    }
    let Some(callbacks) = CALLBACKS.get() else {
        return;
    };
    if list::len(&callbacks) == 0 {
        return;
    }
    let phase = pystr::new(match phase {
        strand_gc::Phase::Start => "start",
        strand_gc::Phase::Stop => "stop",
    });
    let info = dict::new();
    dict::set_item_str(&info, "generation", int::from_i64(2));
    dict::set_item_str(
        &info,
        "collected",
        int::from_usize(
            stats
                .collected
                .saturating_sub(stats.hidden.saturating_sub(stats.resurrected_hidden)),
        ),
    );
    dict::set_item_str(&info, "uncollectable", int::from_usize(stats.uncollectable));
    for cb in list::to_vec(&callbacks) {
        if let Err(e) = ab::call(&cb, &[phase.clone(), info.clone()], None) {
            // CPython 3.11's gcmodule.c reports it against the callback.
            strand_objects::unraisable::write_unraisable(&e, &cb);
        }
    }
}

/// `gc.is_tracked(o)` as CPython answers it: GC objects are tracked, except dicts
/// holding only atomic keys and values (CPython untracks those until a container goes
/// in). `top` is false for a dict's contents, where tuples of atomic values count as
/// atomic too.
fn may_be_tracked(o: &PyObj, top: bool) -> bool {
    if !o.ty().vtable.kind.is_gc() {
        return false;
    }
    if o.is_exact(&dict::DICT_TYPE) {
        return dict::items(o)
            .iter()
            .any(|(k, v)| may_be_tracked(k, false) || may_be_tracked(v, false));
    }
    if !top && o.is_exact(&tuple::TUPLE_TYPE) {
        return tuple::items(o).iter().any(|x| may_be_tracked(x, false));
    }
    true
}

/// Checks a `generation` argument (`None` or 0..=2), with CPython's messages.
fn check_generation(g: Option<&PyObj>) -> PyResult<()> {
    let Some(g) = g.filter(|g| !singletons::is_none(g)) else {
        return Ok(());
    };
    if !int::is_int(g) && g.ty().slots().number.index.is_none() {
        return Err(type_error(format!(
            "argument should be integer or None, not '{}'",
            g.ty().name()
        )));
    }
    let g = int::to_isize(&ab::index(g)?)?;
    if g >= 3 {
        return Err(value_error(
            "generation parameter must be less than the number of available generations (3)",
        ));
    }
    if g < -1 {
        return Err(value_error("generation parameter cannot be negative"));
    }
    Ok(())
}

/// CPython's `METH_NOARGS`/`METH_O` argument checks of a module function, with its
/// messages (`gc.get_debug() takes no arguments (1 given)`).
fn fixed_args(a: &[PyObj], k: Option<&PyObj>, name: &str, n: usize) -> PyResult<()> {
    Args::new(a, k).no_kwargs(name)?;
    if a.len() != n {
        return Err(type_error(match n {
            0 => format!("gc.{name}() takes no arguments ({} given)", a.len()),
            _ => format!("gc.{name}() takes exactly one argument ({} given)", a.len()),
        }));
    }
    Ok(())
}

/// Wraps pointers that carry a new reference each.
fn owned_list(ptrs: Vec<strand_heap::ObjPtr>) -> PyObj {
    list::new(
        ptrs.into_iter()
            // SAFETY: each pointer carries a new reference for the caller.
            .map(|p| unsafe { PyObj::from_owned(p) })
            .collect(),
    )
}

/// Makes the `gc` module.
pub fn make_module() -> PyObj {
    let m = module::new_native_module("gc");
    let d = module::module_dict(&m);
    let callbacks = CALLBACKS.get_or_init(|| {
        strand_gc::add_callback(std::sync::Arc::new(gc_info));
        list::new(Vec::new())
    });
    dict::set_item_str(&d, "callbacks", callbacks);
    dict::set_item_str(&d, "garbage", GARBAGE.get_or_init(|| list::new(Vec::new())));
    for (name, v) in [
        ("DEBUG_STATS", DEBUG_STATS),
        ("DEBUG_COLLECTABLE", DEBUG_COLLECTABLE),
        ("DEBUG_UNCOLLECTABLE", DEBUG_UNCOLLECTABLE),
        ("DEBUG_SAVEALL", DEBUG_SAVEALL),
        ("DEBUG_LEAK", DEBUG_LEAK),
    ] {
        dict::set_item_str(&d, name, int::from_i64(v));
    }
    add_functions(
        &m,
        "gc",
        &[
            ("collect", |a, k| {
                let b = Args::new(a, k).bind("collect", 0, &["generation"], 0)?;
                if let Some(g) = b[0] {
                    let g = int::to_isize(&ab::index(g)?)?;
                    if !(0..=2).contains(&g) {
                        return Err(value_error("invalid generation"));
                    }
                }
                // Not generational: every collection is a full one.
                let s = strand_gc::collect();
                // CPython counts what it freed or found uncollectable: objects a
                // finalizer resurrected are not in the count.
                let kept = s.resurrected.saturating_sub(s.resurrected_hidden);
                Ok(int::from_usize(
                    s.unreachable.saturating_sub(s.hidden).saturating_sub(kept),
                ))
            }),
            ("enable", |a, k| {
                Args::new(a, k).exact("enable", 0)?;
                strand_gc::enable();
                Ok(singletons::none())
            }),
            ("disable", |a, k| {
                Args::new(a, k).exact("disable", 0)?;
                strand_gc::disable();
                Ok(singletons::none())
            }),
            ("isenabled", |a, k| {
                Args::new(a, k).exact("isenabled", 0)?;
                Ok(int::bool_obj(strand_gc::is_enabled()))
            }),
            ("get_threshold", |a, k| {
                Args::new(a, k).exact("get_threshold", 0)?;
                Ok(tuple::from_vec(vec![
                    int::from_usize(strand_gc::threshold()),
                    int::from_i64(10),
                    int::from_i64(10),
                ]))
            }),
            ("set_threshold", |a, k| {
                Args::new(a, k).range("set_threshold", 1, 3)?;
                let t = int::to_isize(&ab::index(&a[0])?)?;
                strand_gc::set_threshold(t.max(0) as usize);
                if t == 0 {
                    strand_gc::disable();
                }
                Ok(singletons::none())
            }),
            ("get_count", |a, k| {
                Args::new(a, k).exact("get_count", 0)?;
                Ok(tuple::from_vec(vec![
                    int::from_i64(strand_gc::count().max(0) as i64),
                    int::from_i64(0),
                    int::from_i64(0),
                ]))
            }),
            ("get_stats", |a, k| {
                Args::new(a, k).exact("get_stats", 0)?;
                let s = strand_gc::stats();
                let mk = |c: u64, col: u64, unc: u64| {
                    let d = dict::new();
                    dict::set_item_str(&d, "collections", int::from_i128(i128::from(c)));
                    dict::set_item_str(&d, "collected", int::from_i128(i128::from(col)));
                    dict::set_item_str(&d, "uncollectable", int::from_i128(i128::from(unc)));
                    d
                };
                // strand's collector is not generational: every collection is full.
                Ok(list::new(vec![
                    mk(0, 0, 0),
                    mk(0, 0, 0),
                    mk(
                        s.collections,
                        s.collected
                            .saturating_sub(s.hidden.saturating_sub(s.hidden_resurrected)),
                        s.uncollectable,
                    ),
                ]))
            }),
            ("get_debug", |a, k| {
                fixed_args(a, k, "get_debug", 0)?;
                Ok(int::from_i64(DEBUG.load(Ordering::Relaxed)))
            }),
            ("set_debug", |a, k| {
                fixed_args(a, k, "set_debug", 1)?;
                if !int::is_int(&a[0]) {
                    return Err(type_error(format!(
                        "'{}' object cannot be interpreted as an integer",
                        a[0].ty().name()
                    )));
                }
                let flags = int::to_isize(&a[0]).map_err(|_| {
                    strand_objects::exceptions::overflow_error(
                        "Python int too large to convert to C int",
                    )
                })? as i64;
                if i32::try_from(flags).is_err() {
                    return Err(strand_objects::exceptions::overflow_error(
                        "Python int too large to convert to C int",
                    ));
                }
                DEBUG.store(flags, Ordering::Relaxed);
                strand_gc::set_save_all(flags & DEBUG_SAVEALL != 0);
                Ok(singletons::none())
            }),
            ("get_objects", |a, k| {
                let b = Args::new(a, k).bind("get_objects", 0, &["generation"], 0)?;
                check_generation(b[0])?;
                Ok(owned_list(strand_gc::objects()))
            }),
            ("get_referrers", |a, k| {
                Args::new(a, k).no_kwargs("get_referrers")?;
                let targets: Vec<_> = a.iter().map(PyObj::as_ptr).collect();
                let found = strand_gc::referrers(&targets);
                Ok(owned_list(found))
            }),
            ("get_referents", |a, k| {
                Args::new(a, k).no_kwargs("get_referents")?;
                let mut out = Vec::new();
                for o in a {
                    if o.ty().vtable.kind.is_gc() {
                        // SAFETY: `o` is alive for the call.
                        out.extend(unsafe { strand_gc::referents(o.as_ptr()) });
                    }
                }
                Ok(owned_list(out))
            }),
            ("is_finalized", |a, k| {
                fixed_args(a, k, "is_finalized", 1)?;
                let o = &a[0];
                // SAFETY: a GC object's header has collector bits, and `o` is alive.
                let done = o.ty().vtable.kind.is_gc()
                    && unsafe { o.as_ptr().gc_bits() }.contains(strand_heap::GcBits::FINALIZED);
                Ok(int::bool_obj(done))
            }),
            ("freeze", |a, k| {
                fixed_args(a, k, "freeze", 0)?;
                strand_gc::freeze();
                Ok(singletons::none())
            }),
            ("unfreeze", |a, k| {
                fixed_args(a, k, "unfreeze", 0)?;
                strand_gc::unfreeze();
                Ok(singletons::none())
            }),
            ("get_freeze_count", |a, k| {
                fixed_args(a, k, "get_freeze_count", 0)?;
                Ok(int::from_usize(strand_gc::freeze_count()))
            }),
            ("is_tracked", |a, k| {
                Args::new(a, k).exact("is_tracked", 1)?;
                Ok(int::bool_obj(may_be_tracked(&a[0], true)))
            }),
        ],
    );
    m
}
