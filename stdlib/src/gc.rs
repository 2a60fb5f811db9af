//! The `gc` module (Modules/gcmodule.c) over strand's collector (`strand-gc`):
//! `collect`, `enable`/`disable`, thresholds and counts, statistics, `is_tracked`,
//! and `gc.callbacks`, called before and after every collection.
//!
//! strand's collector is not generational: every collection is a full one, reported
//! as generation 2; the generation arguments are checked and otherwise ignored.

use strand_interp::native_module::add_functions;
use strand_objects::abstract_ as ab;
use strand_objects::args::Args;
use strand_objects::exceptions::value_error;
use strand_objects::{dict, int, list, module, singletons, str as pystr, tuple, OnceObj, PyObj};

/// The `gc.callbacks` list (lives for the process), read by the collector's callback.
static CALLBACKS: OnceObj = OnceObj::new();

fn gc_info(phase: strand_gc::Phase, stats: &strand_gc::CollectionStats) {
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
        int::from_usize(stats.collected.saturating_sub(stats.hidden)),
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

/// Makes the `gc` module.
pub fn make_module() -> PyObj {
    let m = module::new_module("gc");
    let d = module::module_dict(&m);
    let callbacks = CALLBACKS.get_or_init(|| {
        strand_gc::add_callback(std::sync::Arc::new(gc_info));
        list::new(Vec::new())
    });
    dict::set_item_str(&d, "callbacks", callbacks);
    dict::set_item_str(&d, "DEBUG_STATS", int::from_i64(1));
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
                Ok(int::from_usize(s.unreachable - s.hidden))
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
                        s.collected.saturating_sub(s.hidden),
                        s.uncollectable,
                    ),
                ]))
            }),
            ("is_tracked", |a, k| {
                Args::new(a, k).exact("is_tracked", 1)?;
                Ok(int::bool_obj(may_be_tracked(&a[0], true)))
            }),
        ],
    );
    m
}
