//! proptest: random graphs with references held by several logical threads, objects
//! owned by threads that exited and counts waiting in merge queues; after every
//! collection exactly the unreachable objects are gone, reachable ones are intact with
//! unchanged counts, and a second collection frees nothing
//! (`strand_gc::testing::GraphModel`).

use std::sync::Mutex;

use proptest::prelude::*;
use strand_gc::testing::{GraphModel, GraphOp};

fn op() -> impl Strategy<Value = GraphOp> {
    let t = 0u8..3;
    let i = any::<u16>();
    prop_oneof![
        4 => t.clone().prop_map(|thread| GraphOp::Alloc { thread }),
        6 => (t.clone(), i, i).prop_map(|(thread, from, to)| GraphOp::Link { thread, from, to }),
        2 => (t.clone(), i, i).prop_map(|(thread, node, edge)| GraphOp::Unlink { thread, node, edge }),
        2 => (t.clone(), i).prop_map(|(thread, node)| GraphOp::Hold { thread, node }),
        5 => (t.clone(), i).prop_map(|(thread, r)| GraphOp::Release { thread, r }),
        3 => (t.clone(), t.clone(), i).prop_map(|(from, to, r)| GraphOp::Handoff { from, to, r }),
        1 => t.clone().prop_map(|thread| GraphOp::Safepoint { thread }),
        1 => t.clone().prop_map(|thread| GraphOp::Exit { thread }),
        1 => t.clone().prop_map(|thread| GraphOp::Spawn { thread }),
        2 => t.prop_map(|thread| GraphOp::Collect { thread }),
    ]
}

static SERIAL: Mutex<()> = Mutex::new(());

proptest! {
    #![proptest_config(ProptestConfig { cases: cases(), ..ProptestConfig::default() })]

    #[test]
    fn collections_free_exactly_the_unreachable_objects(ops in prop::collection::vec(op(), 1..150)) {
        let _s = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
        std::thread::spawn(move || {
            strand_gc::testing::install_test_binding();
            strand_gc::disable();
            GraphModel::run(&ops)
        })
        .join()
        .map_err(|e| {
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
