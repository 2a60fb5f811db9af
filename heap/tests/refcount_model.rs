//! proptest: random sequences of reference-counting operations over several logical
//! threads, checked step by step against a model of the true counts
//! (`strand_heap::testing`).

mod common;

use common::serial;
use proptest::prelude::*;
use strand_heap::testing::{Model, Op};
use strand_heap::HeapKind;

fn kind() -> impl Strategy<Value = HeapKind> {
    prop_oneof![
        Just(HeapKind::Gc),
        Just(HeapKind::GcPreheader),
        Just(HeapKind::NonGc),
    ]
}

fn op() -> impl Strategy<Value = Op> {
    let t = 0u8..4;
    prop_oneof![
        4 => (t.clone(), kind()).prop_map(|(thread, kind)| Op::Alloc { thread, kind }),
        4 => (t.clone(), any::<u16>()).prop_map(|(thread, r)| Op::Incref { thread, r }),
        5 => (t.clone(), any::<u16>()).prop_map(|(thread, r)| Op::Decref { thread, r }),
        6 => (t.clone(), t.clone(), any::<u16>()).prop_map(|(from, to, r)| Op::Handoff { from, to, r }),
        1 => (t.clone(), any::<u16>()).prop_map(|(thread, r)| Op::MarkShared { thread, r }),
        1 => (t.clone(), any::<u16>()).prop_map(|(thread, obj)| Op::TryIncref { thread, obj }),
        1 => t.clone().prop_map(|thread| Op::Detach { thread }),
        1 => t.clone().prop_map(|thread| Op::Attach { thread }),
        2 => t.clone().prop_map(|thread| Op::Safepoint { thread }),
        1 => t.clone().prop_map(|thread| Op::Exit { thread }),
        1 => t.clone().prop_map(|thread| Op::Spawn { thread }),
        1 => (t, any::<bool>()).prop_map(|(thread, merge_all)| Op::StopTheWorld { thread, merge_all }),
    ]
}

/// The owner drops its last local reference while another thread's decrement is still
/// queued to it: the counts must be merged (the queue entry still holds a reference),
/// not the object freed.
#[test]
fn owner_reaching_zero_while_a_merge_is_queued_merges_instead_of_freeing() {
    use Op::*;
    let (o, a) = (0, 1);
    let ops = [
        Alloc {
            thread: o,
            kind: HeapKind::Gc,
        },
        Incref { thread: o, r: 0 },
        Handoff {
            from: o,
            to: a,
            r: 0,
        },
        Decref { thread: a, r: 0 }, // shared count 0: queued to the owner
        Handoff {
            from: o,
            to: a,
            r: 0,
        },
        Incref { thread: a, r: 0 }, // shared count 1
        Handoff {
            from: a,
            to: o,
            r: 0,
        },
        Decref { thread: o, r: 0 }, // local 2 -> 1
        Handoff {
            from: a,
            to: o,
            r: 0,
        },
        Decref { thread: o, r: 0 }, // local 1 -> 0 while queued: merge, don't free
        Safepoint { thread: o },    // the queued decrement frees it now
    ];
    let _s = serial();
    std::thread::spawn(move || Model::run(&ops)).join().unwrap();
}

proptest! {
    #![proptest_config(ProptestConfig { cases: cases(), ..ProptestConfig::default() })]

    #[test]
    fn reference_counts_match_the_model(ops in prop::collection::vec(op(), 1..200)) {
        let _s = serial();
        // Each case runs on a fresh OS thread so that no thread state is attached.
        std::thread::spawn(move || Model::run(&ops)).join().map_err(|e| {
            let msg = e.downcast_ref::<String>().cloned()
                .or_else(|| e.downcast_ref::<&str>().map(|s| s.to_string()))
                .unwrap_or_default();
            TestCaseError::fail(msg)
        })?;
    }
}

/// 256 cases unless `PROPTEST_CASES` says otherwise.
fn cases() -> u32 {
    std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(256)
}
