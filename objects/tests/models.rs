//! Property tests: list and dict operation sequences against Rust std models, and int
//! arithmetic against a `num-bigint` oracle with Python's floor semantics.

mod common;

use common::*;
use num_bigint::BigInt;
use num_integer::Integer;
use proptest::prelude::*;
use strand_objects::abstract_::{self as ab, BinOp};
use strand_objects::{dict, list, PyObj};

#[derive(Clone, Debug)]
enum ListOp {
    Append(i64),
    Insert(isize, i64),
    Pop(isize),
    Set(isize, i64),
    DelSlice(isize, isize),
    Extend(Vec<i64>),
    Reverse,
    Sort,
    Remove(i64),
}

fn list_op() -> impl Strategy<Value = ListOp> {
    prop_oneof![
        4 => any::<i8>().prop_map(|v| ListOp::Append(v as i64)),
        2 => (-20isize..20, any::<i8>()).prop_map(|(i, v)| ListOp::Insert(i, v as i64)),
        2 => (-20isize..20).prop_map(ListOp::Pop),
        2 => (-20isize..20, any::<i8>()).prop_map(|(i, v)| ListOp::Set(i, v as i64)),
        1 => (-10isize..10, -10isize..10).prop_map(|(a, b)| ListOp::DelSlice(a, b)),
        1 => prop::collection::vec(any::<i8>().prop_map(|v| v as i64), 0..5).prop_map(ListOp::Extend),
        1 => Just(ListOp::Reverse),
        1 => Just(ListOp::Sort),
        1 => any::<i8>().prop_map(|v| ListOp::Remove((v % 8) as i64)),
    ]
}

/// Python's index normalisation for `insert`.
fn insert_at(i: isize, n: usize) -> usize {
    let n = n as isize;
    (if i < 0 { (i + n).max(0) } else { i.min(n) }) as usize
}

fn norm(i: isize, n: usize) -> Option<usize> {
    let j = if i < 0 { i + n as isize } else { i };
    (j >= 0 && (j as usize) < n).then_some(j as usize)
}

fn slice_range(a: isize, b: isize, n: usize) -> (usize, usize) {
    let f = |v: isize| -> usize {
        let n = n as isize;
        (if v < 0 { (v + n).max(0) } else { v.min(n) }) as usize
    };
    let (s, e) = (f(a), f(b));
    (s, e.max(s))
}

fn values(l: &PyObj) -> Vec<i64> {
    list::to_vec(l)
        .iter()
        .map(|o| strand_objects::int::as_i64(o).expect("small int"))
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::default() })]

    #[test]
    fn list_matches_vec(ops in prop::collection::vec(list_op(), 0..60)) {
        let _e = env();
        let l = list::new(vec![]);
        let mut m: Vec<i64> = Vec::new();
        for op in ops {
            match op {
                ListOp::Append(v) => {
                    list::append(&l, int(v)).unwrap();
                    m.push(v);
                }
                ListOp::Insert(i, v) => {
                    ab::call_method(&l, "insert", &[int(i as i64), int(v)]).unwrap();
                    m.insert(insert_at(i, m.len()), v);
                }
                ListOp::Pop(i) => {
                    let r = ab::call_method(&l, "pop", &[int(i as i64)]);
                    match norm(i, m.len()) {
                        Some(j) => prop_assert_eq!(strand_objects::int::as_i64(&r.unwrap()), Some(m.remove(j))),
                        None => prop_assert_eq!(r.unwrap_err().display_line(), if m.is_empty() { "IndexError: pop from empty list" } else { "IndexError: pop index out of range" }),
                    }
                }
                ListOp::Set(i, v) => {
                    let r = ab::setitem(&l, &int(i as i64), &int(v));
                    match norm(i, m.len()) {
                        Some(j) => { r.unwrap(); m[j] = v; }
                        None => prop_assert_eq!(r.unwrap_err().display_line(), "IndexError: list assignment index out of range"),
                    }
                }
                ListOp::DelSlice(a, b) => {
                    let sl = strand_objects::slice::new(int(a as i64), int(b as i64), strand_objects::singletons::none());
                    ab::delitem(&l, &sl).unwrap();
                    let (s, e) = slice_range(a, b, m.len());
                    m.drain(s..e);
                }
                ListOp::Extend(vs) => {
                    list::extend(&l, &list::new(vs.iter().map(|&v| int(v)).collect())).unwrap();
                    m.extend(vs);
                }
                ListOp::Reverse => {
                    ab::call_method(&l, "reverse", &[]).unwrap();
                    m.reverse();
                }
                ListOp::Sort => {
                    list::sort(&l, None, false).unwrap();
                    m.sort();
                }
                ListOp::Remove(v) => {
                    let r = ab::call_method(&l, "remove", &[int(v)]);
                    match m.iter().position(|&x| x == v) {
                        Some(j) => { r.unwrap(); m.remove(j); }
                        None => prop_assert_eq!(r.unwrap_err().display_line(), "ValueError: list.remove(x): x not in list"),
                    }
                }
            }
            prop_assert_eq!(values(&l), m.clone());
            prop_assert_eq!(list::len(&l), m.len());
        }
    }
}

#[derive(Clone, Debug)]
enum DictOp {
    Set(u8, i64),
    Del(u8),
    Pop(u8),
    Clear,
    Copy,
}

fn dict_op() -> impl Strategy<Value = DictOp> {
    prop_oneof![
        5 => (0u8..40, any::<i16>()).prop_map(|(k, v)| DictOp::Set(k, v as i64)),
        2 => (0u8..40).prop_map(DictOp::Del),
        2 => (0u8..40).prop_map(DictOp::Pop),
        1 => Just(DictOp::Clear),
        1 => Just(DictOp::Copy),
    ]
}

/// Keys alternate between strs and ints so both lookup paths are exercised.
fn key(k: u8) -> PyObj {
    if k % 2 == 0 {
        s(&format!("k{k}"))
    } else {
        int(k as i64 * 1000)
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::default() })]

    #[test]
    fn dict_matches_ordered_model(ops in prop::collection::vec(dict_op(), 0..80)) {
        let _e = env();
        let mut d = dict::new();
        // Insertion-ordered model: Vec of (key, value).
        let mut m: Vec<(u8, i64)> = Vec::new();
        for op in ops {
            match op {
                DictOp::Set(k, v) => {
                    dict::set_item(&d, key(k), int(v)).unwrap();
                    match m.iter_mut().find(|(mk, _)| *mk == k) {
                        Some(e) => e.1 = v,
                        None => m.push((k, v)),
                    }
                }
                DictOp::Del(k) => {
                    let r = ab::delitem(&d, &key(k));
                    match m.iter().position(|(mk, _)| *mk == k) {
                        Some(j) => { r.unwrap(); m.remove(j); }
                        None => prop_assert_eq!(r.unwrap_err().display_line(), format!("KeyError: {}", repr(&key(k)))),
                    }
                }
                DictOp::Pop(k) => {
                    let r = dict::pop_item(&d, &key(k)).unwrap();
                    match m.iter().position(|(mk, _)| *mk == k) {
                        Some(j) => prop_assert_eq!(r.and_then(|o| strand_objects::int::as_i64(&o)), Some(m.remove(j).1)),
                        None => prop_assert!(r.is_none()),
                    }
                }
                DictOp::Clear => {
                    dict::clear(&d);
                    m.clear();
                }
                DictOp::Copy => {
                    d = dict::copy(&d);
                }
            }
            let got: Vec<(String, i64)> = dict::items(&d)
                .iter()
                .map(|(k, v)| (repr(k), strand_objects::int::as_i64(v).expect("int")))
                .collect();
            let want: Vec<(String, i64)> = m.iter().map(|(k, v)| (repr(&key(*k)), *v)).collect();
            prop_assert_eq!(got, want);
            for k in 0u8..40 {
                let got = dict::get_item(&d, &key(k)).unwrap().and_then(|o| strand_objects::int::as_i64(&o));
                let want = m.iter().find(|(mk, _)| *mk == k).map(|e| e.1);
                prop_assert_eq!(got, want);
            }
        }
    }
}

fn big_strategy() -> impl Strategy<Value = BigInt> {
    prop_oneof![
        any::<i64>().prop_map(BigInt::from),
        (-1000i64..1000).prop_map(BigInt::from),
        prop::collection::vec(any::<u32>(), 1..5).prop_flat_map(|digits| {
            any::<bool>().prop_map(move |neg| {
                let sign = if neg {
                    num_bigint::Sign::Minus
                } else {
                    num_bigint::Sign::Plus
                };
                BigInt::from_slice(sign, &digits)
            })
        }),
        Just(BigInt::from(i64::MIN)),
        Just(BigInt::from(i64::MAX)),
    ]
}

fn to_obj(b: &BigInt) -> PyObj {
    strand_objects::int::from_bigint(b.clone())
}

fn from_obj(o: &PyObj) -> BigInt {
    strand_objects::int::to_bigint(o)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 1000, ..ProptestConfig::default() })]

    #[test]
    fn int_arithmetic_matches_bigint(a in big_strategy(), b in big_strategy(), sh in 0u32..100) {
        let _e = env();
        let (x, y) = (to_obj(&a), to_obj(&b));
        let op = |o: BinOp| ab::binary_op(&x, &y, o);
        prop_assert_eq!(from_obj(&op(BinOp::Add).unwrap()), &a + &b);
        prop_assert_eq!(from_obj(&op(BinOp::Sub).unwrap()), &a - &b);
        prop_assert_eq!(from_obj(&op(BinOp::Mul).unwrap()), &a * &b);
        prop_assert_eq!(from_obj(&op(BinOp::And).unwrap()), &a & &b);
        prop_assert_eq!(from_obj(&op(BinOp::Or).unwrap()), &a | &b);
        prop_assert_eq!(from_obj(&op(BinOp::Xor).unwrap()), &a ^ &b);
        if b == BigInt::from(0) {
            prop_assert!(op(BinOp::FloorDiv).is_err());
            prop_assert!(op(BinOp::Mod).is_err());
        } else {
            let (q, r) = a.div_mod_floor(&b);
            prop_assert_eq!(from_obj(&op(BinOp::FloorDiv).unwrap()), q);
            prop_assert_eq!(from_obj(&op(BinOp::Mod).unwrap()), r);
        }
        let shifted = ab::binary_op(&x, &int(sh as i64), BinOp::LShift).unwrap();
        prop_assert_eq!(from_obj(&shifted), &a << sh);
        let back = ab::binary_op(&x, &int(sh as i64), BinOp::RShift).unwrap();
        // Python's >> floors (arithmetic shift), like BigInt's for negatives.
        prop_assert_eq!(from_obj(&back), &a >> sh);
        prop_assert_eq!(from_obj(&ab::neg(&x).unwrap()), -&a);
        let ord = a.cmp(&b);
        prop_assert_eq!(
            ab::richcompare_bool(&x, &y, strand_objects::typeobj::CompareOp::Lt).unwrap(),
            ord.is_lt()
        );
        prop_assert_eq!(ab::str_string(&x).unwrap(), a.to_string());
        // Equal values hash equally, whichever representation holds them.
        prop_assert_eq!(ab::hash(&x).unwrap(), strand_objects::hash::hash_bigint(&a));
    }
}
