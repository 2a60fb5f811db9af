//! The cycle collector on Python objects: cycles through lists, dicts, instances of
//! classes (with `__dict__` and with `__slots__`), classes themselves, functions and
//! closures are freed; weak reference callbacks run once and the references read
//! `None` afterwards; reachable objects survive.

mod common;

use std::sync::atomic::{AtomicUsize, Ordering::SeqCst};

use common::*;
use strand_objects::abstract_ as ab;
use strand_objects::{dict, function, list, tuple, weakref, PyObj, PyResult};

fn live() -> i64 {
    strand_heap::stats().live_objects()
}

/// Runs `make` twice (the first run warms caches: interned names, method caches),
/// then checks that after dropping what it built and collecting, the live count is
/// back where it started.
fn collected<F: Fn() -> Vec<PyObj>>(make: F) {
    drop(make());
    strand_gc::collect();
    let base = live();
    let garbage = make();
    assert!(live() > base, "the workload allocated");
    drop(garbage);
    assert!(live() > base, "cycles survive reference counting");
    let stats = strand_gc::collect();
    assert!(stats.collected > 0, "{stats:?}");
    strand_heap::check_live_objects(base).expect("cycles collected");
}

fn class(name: &str, ns: Vec<(&str, PyObj)>) -> PyObj {
    let d = dict::new();
    for (k, v) in ns {
        dict::set_item(&d, s(k), v).unwrap();
    }
    ab::call(
        &strand_objects::typeobj::TYPE_TYPE.to_obj(),
        &[s(name), tuple::empty(), d],
        None,
    )
    .unwrap()
}

#[test]
fn list_and_dict_cycles() {
    let _e = env_serial();
    collected(|| {
        let a = list::new(vec![int(1000)]);
        list::append(&a, a.clone()).unwrap();
        let d = dict::new();
        dict::set_item(&d, s("self"), d.clone()).unwrap();
        dict::set_item(&d, s("list"), a.clone()).unwrap();
        let b = list::new(vec![d.clone()]);
        list::append(&a, b).unwrap();
        vec![a, d]
    });
}

#[test]
fn instance_cycles_and_classes() {
    let _e = env_serial();
    collected(|| {
        let node = class("Node", vec![]);
        let x = ab::call0(&node).unwrap();
        let y = ab::call0(&node).unwrap();
        ab::setattr(&x, &s("next"), &y).unwrap();
        ab::setattr(&y, &s("next"), &x).unwrap();
        let slotted = class(
            "Slotted",
            vec![("__slots__", tuple::from_vec(vec![s("other")]))],
        );
        let z = ab::call0(&slotted).unwrap();
        ab::setattr(&z, &s("other"), &z).unwrap();
        ab::setattr(&x, &s("z"), &z).unwrap();
        vec![x, node, slotted]
    });
}

fn dummy_code(name: &str, freevars: Vec<PyObj>) -> PyObj {
    function::new_code(function::CodeInit {
        argcount: 0,
        posonlyargcount: 0,
        kwonlyargcount: 0,
        flags: 0,
        firstlineno: 1,
        consts: tuple::from_vec(vec![strand_objects::singletons::none()]),
        names: tuple::empty(),
        varnames: tuple::empty(),
        cellvars: tuple::empty(),
        freevars: tuple::from_vec(freevars),
        filename: s("<test>"),
        name: s(name),
        qualname: s(name),
        data: Box::new(()),
    })
}

#[test]
fn function_and_closure_cycles() {
    let _e = env_serial();
    collected(|| {
        // A module-level function: f.__globals__['f'] is f.
        let globals = dict::new();
        let builtins = dict::new();
        let f = function::new_function(dummy_code("f", vec![]), globals.clone(), builtins);
        dict::set_item(&globals, s("f"), f.clone()).unwrap();
        // A recursive closure: g's closure cell holds g.
        let cell = function::new_cell(None);
        let g = function::new_function(dummy_code("g", vec![s("g")]), globals.clone(), dict::new());
        // SAFETY: g is private to this test until published.
        unsafe {
            function::init_function_extras(
                &g,
                None,
                None,
                Some(tuple::from_vec(vec![cell.clone()])),
                None,
            )
        };
        function::cell_set(&cell, Some(g.clone())).unwrap();
        vec![f, g, globals]
    });
}

static CALLBACKS: AtomicUsize = AtomicUsize::new(0);

fn on_dead(args: &[PyObj], _kw: Option<&PyObj>) -> PyResult<PyObj> {
    // The callback receives the (now dead) weak reference.
    assert!(weakref::get_target(&args[0]).is_none());
    CALLBACKS.fetch_add(1, SeqCst);
    Ok(strand_objects::singletons::none())
}

#[test]
fn weakref_callbacks_run_for_collected_targets() {
    let _e = env_serial();
    let cb = strand_objects::descr::new_builtin_function("on_dead", on_dead, None);
    let node = class("W", vec![]);
    let a = ab::call0(&node).unwrap();
    let b = ab::call0(&node).unwrap();
    ab::setattr(&a, &s("peer"), &b).unwrap();
    ab::setattr(&b, &s("peer"), &a).unwrap();
    let kept = ab::call0(&node).unwrap();
    let wa = weakref::new_weakref(&weakref::WEAKREF_TYPE, &a, Some(cb.clone())).unwrap();
    let wb = weakref::new_weakref(&weakref::WEAKREF_TYPE, &b, None).unwrap();
    let wk = weakref::new_weakref(&weakref::WEAKREF_TYPE, &kept, Some(cb.clone())).unwrap();
    assert!(weakref::get_target(&wa).unwrap().is(&a));
    CALLBACKS.store(0, SeqCst);
    drop((a, b));
    strand_gc::collect();
    assert_eq!(
        CALLBACKS.load(SeqCst),
        1,
        "one callback for the one ref that has one"
    );
    assert!(weakref::get_target(&wa).is_none());
    assert!(weakref::get_target(&wb).is_none());
    assert!(
        weakref::get_target(&wk).unwrap().is(&kept),
        "reachable target kept"
    );
    // Reference counting also clears and calls back.
    drop(kept);
    assert_eq!(CALLBACKS.load(SeqCst), 2);
    assert!(weakref::get_target(&wk).is_none());
    assert_eq!(repr(&ab::call0(&wk).unwrap()), "None");
}

#[test]
fn reachable_objects_survive() {
    let _e = env_serial();
    let root = list::new(vec![]);
    let inner = list::new(vec![root.clone()]);
    list::append(&root, inner).unwrap();
    let d = dict::new();
    dict::set_item(&d, s("root"), root.clone()).unwrap();
    strand_gc::collect();
    strand_gc::collect();
    let inner = list::get(&root, 0).unwrap();
    assert!(list::get(&inner, 0).unwrap().is(&root));
    assert_eq!(repr(&d), "{'root': [[[...]]]}");
}
