//! Cyclic garbage made on many threads at once stays bounded: while several threads
//! make two-node cycles as fast as they can for a few seconds (the reproduction of
//! issue 18, where two Python threads doing `a.o = b; b.o = a` grew to 1 GB in 8 s
//! and three to 6 GB), the live-object count, the QSBR-delayed frees waiting and the
//! resident set stay below fixed bounds, with automatic collections only and with a
//! thread calling `collect()` in a loop besides. Afterwards every node was dropped
//! exactly once.
//!
//! The bounds are generous (ten times what a run needs on a loaded two-core machine,
//! in a debug build): they separate "bounded" from "growing with the run's length".

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering::SeqCst};
use std::sync::mpsc::RecvTimeoutError;
use std::sync::{Arc, Barrier};
use std::time::{Duration, Instant};

use parking_lot::Mutex;
use strand_heap::{HeapKind, HeapObject, ObjPtr, Owned, ThreadState};

const THREADS: usize = 4;
/// How long the threads make garbage, per scenario. The assertions do not depend on
/// it: a longer run must stay within the same bounds.
const RUN: Duration = Duration::from_secs(3);
/// Live objects at any sample, beyond the baseline.
const MAX_LIVE: i64 = 200_000;
/// QSBR-delayed frees waiting at any sample.
const MAX_PENDING: u64 = 200_000;
/// Resident-set growth over the baseline at any sample.
const MAX_RSS_GROWTH_KB: u64 = 256 * 1024;

static MADE: AtomicU64 = AtomicU64::new(0);
static DROPPED: AtomicU64 = AtomicU64::new(0);
const CANARY: u64 = 0x5eed_1e55_c0ff_ee18;

/// A node of a two-node cycle, with a canary that catches a second drop.
struct Link {
    canary: AtomicU64,
    next: Mutex<Option<Owned<Link>>>,
    _payload: [u64; 4],
}

impl Link {
    fn new() -> Owned<Link> {
        MADE.fetch_add(1, SeqCst);
        Owned::new(Link {
            canary: AtomicU64::new(CANARY),
            next: Mutex::new(None),
            _payload: [0; 4],
        })
    }
}

impl Drop for Link {
    fn drop(&mut self) {
        assert_eq!(
            self.canary.swap(0, SeqCst),
            CANARY,
            "a node dropped twice or corrupted"
        );
        DROPPED.fetch_add(1, SeqCst);
    }
}

// SAFETY: `traverse` reports the one counted reference a Link holds; `clear` drops it.
unsafe impl HeapObject for Link {
    const NAME: &'static str = "Link";
    const KIND: HeapKind = HeapKind::Gc;

    fn traverse(&self, visit: &mut dyn FnMut(ObjPtr)) {
        if let Some(n) = &*self.next.lock() {
            visit(Owned::as_obj(n));
        }
    }

    fn clear(&self) {
        let next = self.next.lock().take();
        drop(next);
    }
}

fn rss_kb() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmRSS:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|v| v.parse().ok())
        })
        .unwrap_or(0)
}

#[derive(Debug, Default)]
struct Peaks {
    live: i64,
    pending: u64,
    rss_growth_kb: u64,
    cycles: u64,
    collections: u64,
}

/// `THREADS` threads make two-node cycles for [`RUN`] (half of the nodes published
/// for lock-free readers, so that their frees go through QSBR) while this thread
/// samples the heap; with `collector`, one more thread calls `collect()` in a loop.
fn make_garbage(collector: bool) -> Peaks {
    let _ts = ThreadState::attach_new();
    strand_gc::collect();
    let base_live = strand_heap::stats().live_objects();
    let base_rss = rss_kb();
    let collections = strand_gc::collections();
    let stop = Arc::new(AtomicBool::new(false));
    let cycles = Arc::new(AtomicU64::new(0));
    let start = Arc::new(Barrier::new(THREADS + usize::from(collector) + 1));
    let mut handles: Vec<_> = (0..THREADS)
        .map(|t| {
            let (stop, cycles, start) = (stop.clone(), cycles.clone(), start.clone());
            std::thread::spawn(move || {
                let _ts = ThreadState::attach_new();
                strand_heap::with_detached(|| start.wait());
                let mut n = 0u64;
                while !stop.load(SeqCst) {
                    let a = Link::new();
                    let b = Link::new();
                    if (n + t as u64) % 2 == 0 {
                        // SAFETY: alive, and we hold references.
                        unsafe {
                            strand_heap::refcount::mark_shared(Owned::as_obj(&a));
                            strand_heap::refcount::mark_shared(Owned::as_obj(&b));
                        }
                    }
                    *a.next.lock() = Some(b.clone());
                    *b.next.lock() = Some(a);
                    drop(b);
                    n += 1;
                    // An interpreter reaches a safe point at every loop iteration.
                    strand_heap::safepoint();
                }
                cycles.fetch_add(n, SeqCst);
            })
        })
        .collect();
    if collector {
        let (stop, start) = (stop.clone(), start.clone());
        handles.push(std::thread::spawn(move || {
            let _ts = ThreadState::attach_new();
            strand_heap::with_detached(|| start.wait());
            while !stop.load(SeqCst) {
                strand_gc::collect();
                strand_heap::safepoint();
            }
        }));
    }
    strand_heap::with_detached(|| start.wait());
    let began = Instant::now();
    let mut peaks = Peaks::default();
    while began.elapsed() < RUN {
        strand_heap::with_detached(|| std::thread::sleep(Duration::from_millis(20)));
        let h = strand_heap::stats();
        peaks.live = peaks.live.max(h.live_objects() - base_live);
        peaks.pending = peaks.pending.max(h.delayed_frees_pending);
        peaks.rss_growth_kb = peaks.rss_growth_kb.max(rss_kb().saturating_sub(base_rss));
    }
    stop.store(true, SeqCst);
    for h in handles {
        strand_heap::with_detached(|| h.join()).unwrap();
    }
    peaks.cycles = cycles.load(SeqCst);
    peaks.collections = strand_gc::collections() - collections;
    // Everything made is garbage: after a collection the heap is back to its baseline.
    strand_gc::collect();
    for _ in 0..64 {
        strand_heap::qsbr_flush();
        strand_heap::safepoint();
    }
    strand_heap::check_live_objects(base_live).expect("every cycle collected");
    peaks
}

fn check(what: &str, p: &Peaks) {
    eprintln!("{what}: {p:?}");
    assert!(p.cycles > 1000, "{what}: the threads made garbage");
    assert!(
        p.live <= MAX_LIVE,
        "{what}: {} live objects at once: collections do not keep pace",
        p.live
    );
    assert!(
        p.pending <= MAX_PENDING,
        "{what}: {} delayed frees waiting at once: QSBR does not reclaim under load",
        p.pending
    );
    assert!(
        p.rss_growth_kb <= MAX_RSS_GROWTH_KB,
        "{what}: the resident set grew by {} KiB",
        p.rss_growth_kb
    );
    assert_eq!(
        MADE.load(SeqCst),
        DROPPED.load(SeqCst),
        "{what}: every node dropped exactly once"
    );
}

#[test]
fn cyclic_garbage_from_many_threads_stays_bounded() {
    let (tx, rx) = std::sync::mpsc::channel();
    let h = std::thread::spawn(move || {
        strand_gc::install();
        strand_gc::enable();
        let auto = make_garbage(false);
        check("automatic collections", &auto);
        let looping = make_garbage(true);
        check("with a thread collecting in a loop", &looping);
        tx.send(()).unwrap();
    });
    match rx.recv_timeout(Duration::from_secs(300)) {
        Ok(()) | Err(RecvTimeoutError::Disconnected) => h.join().unwrap(),
        Err(RecvTimeoutError::Timeout) => panic!("the workload did not finish (deadlock?)"),
    }
}
