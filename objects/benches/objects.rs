//! The dynamic object model against the nearest Rust std equivalents, so that its cost
//! is visible:
//!
//! * `dict_lookup`: `d[key]` with a str key in a 1000-entry dict (lock-free probe,
//!   `try_incref` of the value) vs `HashMap<String, Box<i64>>::get(&str)`.
//! * `list_append_index`: append 1000 new ints (> 256, so each is allocated), then read
//!   all 1000 back by index and sum them, vs `Vec<Box<i64>>` push + index.
//! * `attr_load`: `obj.x` where `x` is a class attribute of a user class, found through
//!   the type's method cache after missing the instance dict, vs one
//!   `HashMap<String, Box<i64>>::get`.
//! * `float_add`: `a + b` on floats, allocating each result (per-thread freelist) and
//!   dropping the previous one, vs `Box::new(a + b)`.
//!
//! `cargo bench -p strand-objects --bench objects`
#![allow(missing_docs)] // criterion_group! generates undocumented public functions

use std::collections::HashMap;
use std::hint::black_box;

use criterion::{criterion_group, criterion_main, Criterion};
use strand_heap::ThreadState;
use strand_objects::abstract_::{self as ab, BinOp};
use strand_objects::{dict, float, int, list, str as pystr};

fn setup() -> ThreadState {
    let ts = ThreadState::attach_new();
    strand_objects::init();
    strand_gc::disable();
    ts
}

fn dict_lookup(c: &mut Criterion) {
    let _ts = setup();
    let mut g = c.benchmark_group("dict_lookup");
    let d = dict::new();
    let mut m: HashMap<String, Box<i64>> = HashMap::new();
    for i in 0..1000i64 {
        let k = format!("key{i}");
        dict::set_item(&d, pystr::new(&k), int::from_i64(i + 1000)).unwrap();
        m.insert(k, Box::new(i + 1000));
    }
    let key = pystr::new("key567");
    ab::hash(&key).unwrap();
    g.bench_function("strand", |b| {
        b.iter(|| black_box(dict::get_item(black_box(&d), black_box(&key)).unwrap()))
    });
    g.bench_function("hashmap_string", |b| {
        b.iter(|| black_box(m.get(black_box("key567")).map(|v| **v)))
    });
    g.finish();
}

fn list_append_index(c: &mut Criterion) {
    let _ts = setup();
    let mut g = c.benchmark_group("list_append_index");
    g.bench_function("strand", |b| {
        b.iter(|| {
            let l = list::new(Vec::new());
            for i in 0..1000i64 {
                list::append(&l, int::from_i64(i + 1000)).unwrap();
            }
            let mut sum = 0i64;
            for i in 0..1000usize {
                sum += int::as_i64(&list::get(&l, i).unwrap()).unwrap();
            }
            black_box(sum)
        })
    });
    g.bench_function("vec_box", |b| {
        b.iter(|| {
            let mut v: Vec<Box<i64>> = Vec::new();
            for i in 0..1000i64 {
                v.push(Box::new(black_box(i + 1000)));
            }
            let mut sum = 0i64;
            for i in 0..1000usize {
                sum += *black_box(&v)[i];
            }
            black_box(sum)
        })
    });
    g.finish();
}

fn attr_load(c: &mut Criterion) {
    let _ts = setup();
    let mut g = c.benchmark_group("attr_load");
    let ns = dict::new();
    dict::set_item(&ns, pystr::new("x"), int::from_i64(12345)).unwrap();
    let cls = ab::call(
        &strand_objects::typeobj::TYPE_TYPE.to_obj(),
        &[pystr::new("C"), strand_objects::tuple::empty(), ns],
        None,
    )
    .unwrap();
    let obj = ab::call0(&cls).unwrap();
    ab::setattr(&obj, &pystr::intern("y"), &int::from_i64(1)).unwrap();
    let name = pystr::intern("x");
    let mut m: HashMap<String, Box<i64>> = HashMap::new();
    m.insert("x".into(), Box::new(12345));
    m.insert("y".into(), Box::new(1));
    g.bench_function("strand", |b| {
        b.iter(|| black_box(ab::getattr(black_box(&obj), black_box(&name)).unwrap()))
    });
    g.bench_function("hashmap_string", |b| {
        b.iter(|| black_box(m.get(black_box("x")).map(|v| **v)))
    });
    g.finish();
}

fn float_add(c: &mut Criterion) {
    let _ts = setup();
    let mut g = c.benchmark_group("float_add");
    let a = float::from_f64(1.5);
    let bv = float::from_f64(2.25);
    g.bench_function("strand", |b| {
        let mut acc = float::from_f64(0.0);
        b.iter(|| {
            acc = ab::binary_op(black_box(&a), black_box(&bv), BinOp::Add).unwrap();
            black_box(&acc);
        })
    });
    g.bench_function("box_f64", |b| {
        let mut acc = Box::new(0.0f64);
        let (x, y) = (Box::new(1.5f64), Box::new(2.25f64));
        // A fresh allocation per result, like the float objects (the point of the peer).
        #[allow(clippy::replace_box)]
        b.iter(|| {
            acc = Box::new(**black_box(&x) + **black_box(&y));
            black_box(&acc);
        })
    });
    g.finish();
}

criterion_group!(
    benches,
    dict_lookup,
    list_append_index,
    attr_load,
    float_add
);
criterion_main!(benches);
