//! Iterators shared between threads: several threads call `next` on one iterator at
//! once, and every item is handed out exactly once and none past the end (issue 18:
//! four threads draining one `iter(range(100000))` got up to 100,606 items, values
//! past the end among them; list, tuple and dict iterators handed items out up to 2.5
//! times each).

mod common;

use std::collections::HashMap;
use std::sync::mpsc::RecvTimeoutError;
use std::sync::{Arc, Barrier};
use std::time::Duration;

use common::*;
use strand_heap::ThreadState;
use strand_objects::abstract_ as ab;
use strand_objects::{dict, list, set, tuple, PyObj};

const THREADS: usize = 4;
const N: i64 = 20_000;

struct Handoff(PyObj);
// SAFETY: used only by threads with an attached thread state; the iterators under test
// are the thread-safe part.
unsafe impl Send for Handoff {}
// SAFETY: as above.
unsafe impl Sync for Handoff {}

/// Drains `it` from `THREADS` threads at once and returns each item's `repr` with the
/// number of times it was produced.
fn drain(it: PyObj) -> HashMap<String, usize> {
    let it = Arc::new(Handoff(it));
    let start = Arc::new(Barrier::new(THREADS));
    let handles: Vec<_> = (0..THREADS)
        .map(|_| {
            let (it, start) = (it.clone(), start.clone());
            std::thread::spawn(move || {
                let _ts = ThreadState::attach_new();
                strand_heap::with_detached(|| start.wait());
                let mut got = Vec::new();
                while let Some(x) = ab::next(&it.0).unwrap() {
                    got.push(repr(&x));
                    if got.len() % 256 == 0 {
                        strand_heap::safepoint();
                    }
                }
                got
            })
        })
        .collect();
    let mut counts = HashMap::new();
    for h in handles {
        for r in strand_heap::with_detached(|| h.join()).unwrap() {
            *counts.entry(r).or_insert(0) += 1;
        }
    }
    counts
}

/// Asserts that draining `it` from several threads produced exactly `expect`, each
/// once.
fn assert_each_once(what: &str, it: PyObj, expect: &[PyObj]) {
    let counts = drain(it);
    let dup: Vec<_> = counts.iter().filter(|(_, &n)| n > 1).take(5).collect();
    assert!(dup.is_empty(), "{what}: items handed out twice: {dup:?}");
    for x in expect {
        assert!(
            counts.contains_key(&repr(x)),
            "{what}: {} never handed out",
            repr(x)
        );
    }
    assert_eq!(counts.len(), expect.len(), "{what}: items past the end");
}

fn ints(range: std::ops::Range<i64>) -> Vec<PyObj> {
    range.map(int).collect()
}

fn bounded(f: impl FnOnce() + Send + 'static) {
    let (tx, rx) = std::sync::mpsc::channel();
    let h = std::thread::spawn(move || {
        let _ts = ThreadState::attach_new();
        strand_objects::init();
        f();
        tx.send(()).unwrap();
    });
    // Detached while waiting, so that this thread never holds up a stop-the-world.
    match strand_heap::with_detached(|| rx.recv_timeout(Duration::from_secs(180))) {
        // Finished, or panicked (the sender dropped): join reports the panic.
        Ok(()) | Err(RecvTimeoutError::Disconnected) => h.join().unwrap(),
        Err(RecvTimeoutError::Timeout) => panic!("the workload did not finish in time (deadlock?)"),
    }
}

#[test]
fn sequence_iterators_hand_out_each_item_once() {
    bounded(|| {
        let items = ints(0..N);
        let l = list::new(items.clone());
        assert_each_once("iter(list)", ab::iter(&l).unwrap(), &items);
        let t = tuple::from_vec(items.clone());
        assert_each_once("iter(tuple)", ab::iter(&t).unwrap(), &items);
        let r = ab::call(&strand_objects::range::RANGE_TYPE.to_obj(), &[int(N)], None).unwrap();
        assert_each_once("iter(range)", ab::iter(&r).unwrap(), &items);
        let rev = strand_objects::iterators::list_reverse_iter(&l);
        assert_each_once("reversed(list)", rev, &items);
        let text: String = (0..N).map(|i| char::from(b'a' + (i % 26) as u8)).collect();
        let en = ab::call(
            &strand_objects::iterators::ENUMERATE_TYPE.to_obj(),
            &[s(&text)],
            None,
        )
        .unwrap();
        let pairs: Vec<PyObj> = text
            .chars()
            .enumerate()
            .map(|(i, c)| tuple::pair(int(i as i64), s(&c.to_string())))
            .collect();
        assert_each_once("enumerate(str)", en, &pairs);
    });
}

#[test]
fn dict_and_set_iterators_hand_out_each_entry_once() {
    bounded(|| {
        let items = ints(0..N);
        let d = dict::new();
        for x in &items {
            dict::set_item(&d, x.clone(), x.clone()).unwrap();
        }
        assert_each_once("iter(dict)", ab::iter(&d).unwrap(), &items);
        let values = ab::call_method(&d, "values", &[]).unwrap();
        assert_each_once("iter(dict.values())", ab::iter(&values).unwrap(), &items);
        let st = set::new_set_from(&list::new(items.clone())).unwrap();
        assert_each_once("iter(set)", ab::iter(&st).unwrap(), &items);
    });
}

/// Takes `per_thread` items from `it` on each of `THREADS` threads at once.
fn take(it: &PyObj, per_thread: usize) -> Vec<PyObj> {
    let it = Arc::new(Handoff(it.clone()));
    let handles: Vec<_> = (0..THREADS)
        .map(|_| {
            let it = it.clone();
            std::thread::spawn(move || {
                let _ts = ThreadState::attach_new();
                let got: Vec<_> = (0..per_thread)
                    .map(|_| ab::next(&it.0).unwrap().unwrap())
                    .collect();
                Handoff(list::new(got))
            })
        })
        .collect();
    handles
        .into_iter()
        .flat_map(|h| list::to_vec(&strand_heap::with_detached(|| h.join()).unwrap().0))
        .collect()
}

#[test]
fn itertools_count_hands_out_unique_values_past_the_word_size() {
    bounded(|| {
        let ty = &strand_objects::count::COUNT_TYPE;
        let c = strand_objects::count::new_count(ty, int(0), int(1));
        let mut all: Vec<i64> = take(&c, N as usize)
            .iter()
            .map(|v| strand_objects::int::as_i64(v).unwrap())
            .collect();
        all.sort_unstable();
        let want: Vec<i64> = (0..THREADS as i64 * N).collect();
        assert!(all == want, "each value once, none skipped");

        // Across the end of the machine word: the switch to big integers loses and
        // repeats nothing.
        let per = 1000;
        let start = i64::MAX - (THREADS * per / 2) as i64;
        let c = strand_objects::count::new_count(ty, int(start), int(1));
        let mut all: Vec<i128> = take(&c, per)
            .iter()
            .map(|v| repr(v).parse::<i128>().unwrap())
            .collect();
        all.sort_unstable();
        let want: Vec<i128> = (0..(THREADS * per) as i128)
            .map(|i| start as i128 + i)
            .collect();
        assert!(all == want, "each value once across i64::MAX");
    });
}
