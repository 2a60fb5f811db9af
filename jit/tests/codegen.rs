//! Code generation, end to end: textual traces are optimized, compiled and run on a
//! frame made of real objects; the frame's slots afterwards and the exit taken are
//! what interpreting the loop would give.

use std::sync::atomic::AtomicUsize;

use strand_jit::codegen::{compile, EntryFn, JitContext};
use strand_jit::ir::parse;
use strand_jit::opt::optimize;
use strand_objects::{float, int, PyObj};

/// A frame of `n` slots holding the given objects (counted references).
struct Frame(Vec<usize>);

impl Frame {
    fn new(objs: Vec<Option<PyObj>>, extra: usize) -> Frame {
        let mut slots: Vec<usize> = objs
            .into_iter()
            .map(|o| o.map_or(0, |o| o.into_ptr().as_ptr() as usize))
            .collect();
        slots.extend(std::iter::repeat_n(0, extra));
        Frame(slots)
    }

    fn get(&self, i: usize) -> PyObj {
        let p = self.0[i] & !1;
        // SAFETY: the slot holds a live object (a counted reference we keep).
        unsafe { PyObj::from_borrowed(strand_heap::ObjPtr::from_raw(p as *mut _).expect("set")) }
    }
}

impl Drop for Frame {
    fn drop(&mut self) {
        for &p in &self.0 {
            if p != 0 && p & 1 == 0 {
                // SAFETY: the frame owned this reference.
                drop(unsafe {
                    PyObj::from_owned(strand_heap::ObjPtr::from_raw(p as *mut _).expect("set"))
                });
            }
        }
    }
}

fn run(text: &str, frame: &mut Frame, breaker: &AtomicUsize) -> u32 {
    run_with_buffer(text, frame, breaker, std::ptr::null_mut())
}

/// As [`run`], with `buf` as the thread's exit buffer.
fn run_with_buffer(text: &str, frame: &mut Frame, breaker: &AtomicUsize, buf: *mut usize) -> u32 {
    let mut t = parse(text).expect("parses");
    optimize(&mut t);
    let code = compile(&t).unwrap_or_else(|e| panic!("{e}\n{t}"));
    let mut ctx = JitContext {
        slots: frame.0.as_mut_ptr(),
        eval_breaker: breaker,
        tid: strand_heap::current_thread_id().map_or(0, |t| t.as_usize()),
        exit_buf: buf,
        iterations: 0,
    };
    // SAFETY: the code is a compiled trace; the context points at a frame of the
    // slots it uses.
    let f: EntryFn = unsafe { std::mem::transmute(code.entry()) };
    // SAFETY: as above.
    unsafe { f(&mut ctx) }
}

/// `while i < n: total += i; i += 1` with `n`, `i`, `total` in slots 0, 1, 2.
const SUM: &str = "trace anchor=0 locals=3 depth=0
  v0:obj = slot_get [0]
  guard_small_int v0 -> exit0
  v2:i64 = unbox_int v0
  v3:obj = slot_get [1]
  guard_small_int v3 -> exit0
  v5:i64 = unbox_int v3
  v6:bool = icmp v5, v2 [0]
  guard_true v6 -> exit1
  v8:i64 = const_i64 [1]
  v9:i64 = iadd v5, v8 -> exit0
  v10:obj = box_int v9
  slot_set v10 [1]
  v12:obj = slot_get [2]
  guard_float v12 -> exit0
  v14:f64 = unbox_float v12
  v15:f64 = int_to_float v5
  v16:f64 = fadd v14, v15
  v17:obj = box_float v16
  slot_set v17 [2]
  jump -> exit0
exit0: pc=0 stack=[]
exit1: pc=99 stack=[]
";

#[test]
fn a_counting_loop_runs_to_its_exit() {
    let _ts = strand_heap::ThreadState::attach_new();
    strand_objects::init();
    let breaker = AtomicUsize::new(0);
    let mut frame = Frame::new(
        vec![
            Some(int::from_i64(1000)),
            Some(int::from_i64(0)),
            Some(float::from_f64(0.0)),
        ],
        0,
    );
    assert_eq!(run(SUM, &mut frame, &breaker), 1);
    assert_eq!(int::as_i64(&frame.get(1)), Some(1000));
    assert_eq!(float::value(&frame.get(2)), 499_500.0);
}

#[test]
fn a_guard_on_entry_exits_before_anything_happens() {
    let _ts = strand_heap::ThreadState::attach_new();
    strand_objects::init();
    let breaker = AtomicUsize::new(0);
    // `total` is an int, not a float: the entry guard fails.
    let mut frame = Frame::new(
        vec![
            Some(int::from_i64(10)),
            Some(int::from_i64(0)),
            Some(int::from_i64(7)),
        ],
        0,
    );
    let exit = run(SUM, &mut frame, &breaker);
    let t = {
        let mut t = parse(SUM).unwrap();
        optimize(&mut t);
        t
    };
    assert_eq!(t.exits[exit as usize].pc, 0, "{t}");
    assert_eq!(int::as_i64(&frame.get(1)), Some(0));
    assert_eq!(int::as_i64(&frame.get(2)), Some(7));
}

#[test]
fn the_eval_breaker_stops_the_loop_at_its_back_edge() {
    let _ts = strand_heap::ThreadState::attach_new();
    strand_objects::init();
    let breaker = AtomicUsize::new(1);
    let mut frame = Frame::new(
        vec![
            Some(int::from_i64(1000)),
            Some(int::from_i64(0)),
            Some(float::from_f64(0.5)),
        ],
        0,
    );
    let exit = run(SUM, &mut frame, &breaker);
    let mut t = parse(SUM).unwrap();
    optimize(&mut t);
    assert_eq!(t.exits[exit as usize].pc, 0);
    // One iteration ran, and its results are in the frame.
    assert_eq!(int::as_i64(&frame.get(1)), Some(1));
    assert_eq!(float::value(&frame.get(2)), 0.5);
}

#[test]
fn overflow_leaves_the_trace_with_the_state_before_the_addition() {
    let _ts = strand_heap::ThreadState::attach_new();
    strand_objects::init();
    let breaker = AtomicUsize::new(0);
    // `while True: i += step` with i, step in slots 0, 1.
    let text = "trace anchor=0 locals=2 depth=0
  v0:obj = slot_get [0]
  guard_small_int v0 -> exit0
  v2:i64 = unbox_int v0
  v3:obj = slot_get [1]
  guard_small_int v3 -> exit0
  v5:i64 = unbox_int v3
  v6:i64 = iadd v2, v5 -> exit0
  v7:obj = box_int v6
  slot_set v7 [0]
  jump -> exit0
exit0: pc=0 stack=[]
";
    let mut frame = Frame::new(
        vec![Some(int::from_i64(i64::MAX - 3)), Some(int::from_i64(2))],
        0,
    );
    let exit = run(text, &mut frame, &breaker);
    let mut t = parse(text).unwrap();
    optimize(&mut t);
    assert_eq!(t.exits[exit as usize].pc, 0);
    assert_eq!(int::as_i64(&frame.get(0)), Some(i64::MAX - 1));
}

#[test]
fn exits_push_values_onto_the_interpreter_stack() {
    let _ts = strand_heap::ThreadState::attach_new();
    strand_objects::init();
    let breaker = AtomicUsize::new(0);
    // The loop leaves with `x * 2.0` (unboxed in the trace) on the stack.
    let text = "trace anchor=0 locals=1 depth=1
  v0:obj = slot_get [0]
  guard_float v0 -> exit0
  v2:f64 = unbox_float v0
  v3:f64 = const_f64 [4611686018427387904]
  v4:f64 = fmul v2, v3
  v5:obj = box_float v4
  v6:bool = fcmp v4, v3 [0]
  guard_true v6 -> exit1
  decref v5
  jump -> exit0
exit0: pc=0 stack=[]
exit1: pc=7 stack=[v5, v0]
";
    let mut frame = Frame::new(vec![Some(float::from_f64(3.0))], 4);
    let exit = run(text, &mut frame, &breaker);
    let mut t = parse(text).unwrap();
    optimize(&mut t);
    assert_eq!(t.exits[exit as usize].pc, 7, "{t}");
    // Slot 1 is the stack's bottom (depth 1 at the loop header): the exit writes
    // above it, at slots 2 and 3.
    assert_eq!(frame.0[1], 0);
    assert_eq!(float::value(&frame.get(2)), 6.0);
    assert_eq!(float::value(&frame.get(3)), 3.0);
}

/// `q = a // b; r = a % b` with `a`, `b`, `q`, `r` in slots 0 to 3, then a side
/// trace's final exit.
const DIVMOD: &str = "trace anchor=0 locals=4 depth=0
  v0:obj = slot_get [0]
  guard_small_int v0 -> exit0
  v2:i64 = unbox_int v0
  v3:obj = slot_get [1]
  guard_small_int v3 -> exit0
  v5:i64 = unbox_int v3
  v6:i64 = ifloordiv v2, v5 -> exit0
  v7:obj = box_int v6
  slot_set v7 [2]
  v9:i64 = imod v2, v5 -> exit0
  v10:obj = box_int v9
  slot_set v10 [3]
  exit -> exit1
exit0: pc=0 stack=[]
exit1: pc=9 stack=[]
";

#[test]
fn floor_division_and_modulo_round_as_python_does() {
    let _ts = strand_heap::ThreadState::attach_new();
    strand_objects::init();
    let breaker = AtomicUsize::new(0);
    for (a, b, q, r) in [
        (7, 2, 3, 1),
        (-7, 2, -4, 1),
        (7, -2, -4, -1),
        (-7, -2, 3, -1),
        (6, 3, 2, 0),
        (-6, 3, -2, 0),
        (0, -5, 0, 0),
        (i64::MIN, 1, i64::MIN, 0),
        (i64::MIN + 1, -1, i64::MAX, 0),
    ] {
        let mut frame = Frame::new(vec![Some(int::from_i64(a)), Some(int::from_i64(b))], 2);
        assert_eq!(run(DIVMOD, &mut frame, &breaker), 1, "{a} // {b}");
        assert_eq!(int::as_i64(&frame.get(2)), Some(q), "{a} // {b}");
        assert_eq!(int::as_i64(&frame.get(3)), Some(r), "{a} % {b}");
    }
}

#[test]
fn floor_division_by_zero_and_its_overflow_exit_before_storing() {
    let _ts = strand_heap::ThreadState::attach_new();
    strand_objects::init();
    let breaker = AtomicUsize::new(0);
    for (a, b) in [(5, 0), (0, 0), (i64::MIN, -1)] {
        let mut frame = Frame::new(vec![Some(int::from_i64(a)), Some(int::from_i64(b))], 2);
        assert_eq!(run(DIVMOD, &mut frame, &breaker), 0, "{a} // {b}");
        assert_eq!(frame.0[2], 0, "{a} // {b} stored nothing");
        assert_eq!(frame.0[3], 0, "{a} % {b} stored nothing");
    }
}

/// `y = math.<f>(x)` with `x`, `y` in slots 0 and 1, for `fmath`'s immediate `f`.
fn fmath_trace(f: i64) -> String {
    format!(
        "trace anchor=0 locals=2 depth=0
  v0:obj = slot_get [0]
  guard_float v0 -> exit0
  v2:f64 = unbox_float v0
  v3:f64 = fmath v2 [{f}] -> exit0
  v4:obj = box_float v3
  slot_set v4 [1]
  exit -> exit1
exit0: pc=0 stack=[]
exit1: pc=9 stack=[]
"
    )
}

#[test]
fn math_functions_agree_with_the_math_module_and_exit_where_it_raises() {
    use strand_jit::ir::MathFn;
    let _ts = strand_heap::ThreadState::attach_new();
    strand_objects::init();
    let breaker = AtomicUsize::new(0);
    let inf = f64::INFINITY;
    for f in MathFn::ALL {
        let text = fmath_trace(f.imm());
        assert!(parse(&text).unwrap().to_string().contains("fmath"));
        for x in [
            0.0,
            -0.0,
            0.5,
            1.0,
            2.0,
            -3.25,
            1e-300,
            710.0,
            -1e308,
            inf,
            -inf,
            f64::NAN,
        ] {
            let y = f.eval(x);
            // What `math.<f>(x)` does: a NaN from a number and an infinity from a
            // finite number are ValueError/OverflowError.
            let raises = (y.is_nan() && !x.is_nan()) || (y.is_infinite() && x.is_finite());
            let mut frame = Frame::new(vec![Some(float::from_f64(x))], 1);
            let exit = run(&text, &mut frame, &breaker);
            if raises {
                assert_eq!(exit, 0, "{f:?}({x}) should leave the trace");
                assert_eq!(frame.0[1], 0, "{f:?}({x}) stored nothing");
            } else {
                assert_eq!(exit, 1, "{f:?}({x})");
                let got = float::value(&frame.get(1));
                assert!(
                    got.to_bits() == y.to_bits() || (got.is_nan() && y.is_nan()),
                    "{f:?}({x}) = {got}, not {y}"
                );
            }
        }
    }
}

/// A side trace of an exit inside an inlined call: it takes the inlined frame's
/// values (`a`, `b`) from the exit buffer, stores `a + b` into slot 0 and ends; when
/// `b` is not a small int it leaves with both on the interpreter's stack.
const BUF_SIDE: &str = "trace anchor=0 locals=1 depth=0
  v0:obj = buf_take [0]
  v1:obj = buf_take [1]
  guard_small_int v0 -> exit0
  v3:i64 = unbox_int v0
  guard_small_int v1 -> exit0
  v5:i64 = unbox_int v1
  v6:i64 = iadd v3, v5 -> exit0
  v7:obj = box_int v6
  decref v0
  decref v1
  slot_set v7 [0]
  exit -> exit1
exit0: pc=3 stack=[v0, v1]
exit1: pc=0 stack=[]
";

#[test]
fn a_side_trace_takes_inlined_frames_values_from_the_exit_buffer() {
    let _ts = strand_heap::ThreadState::attach_new();
    strand_objects::init();
    let breaker = AtomicUsize::new(0);
    let mut t = parse(BUF_SIDE).unwrap();
    optimize(&mut t);

    let mut buf = [
        int::from_i64(40).into_ptr().as_ptr() as usize,
        int::from_i64(2).into_ptr().as_ptr() as usize,
    ];
    let mut frame = Frame::new(vec![Some(int::from_i64(0))], 2);
    let exit = run_with_buffer(BUF_SIDE, &mut frame, &breaker, buf.as_mut_ptr());
    assert_eq!(t.exits[exit as usize].pc, 0, "{t}");
    assert_eq!(int::as_i64(&frame.get(0)), Some(42));
    assert_eq!((frame.0[1], frame.0[2]), (0, 0));

    // A float where the trace wants an int: both values move to the stack.
    let half = float::from_f64(0.5);
    buf = [
        int::from_i64(40).into_ptr().as_ptr() as usize,
        half.clone().into_ptr().as_ptr() as usize,
    ];
    let mut frame = Frame::new(vec![Some(int::from_i64(0))], 2);
    let exit = run_with_buffer(BUF_SIDE, &mut frame, &breaker, buf.as_mut_ptr());
    assert_eq!(t.exits[exit as usize].pc, 3, "{t}");
    assert_eq!(int::as_i64(&frame.get(0)), Some(0));
    assert_eq!(int::as_i64(&frame.get(1)), Some(40));
    assert!(frame.get(2).is(&half));
}

/// Guards of slots 0..n (all small ints), each exiting through exit `exit_of(k)`,
/// whose snapshot pushes slot 0's value three times.
fn many_guards(n: usize, exit_of: impl Fn(usize) -> usize) -> String {
    let mut text = format!("trace anchor=0 locals={n} depth=0\n");
    for k in 0..n {
        text += &format!("  v{}:obj = slot_get [{k}]\n", 2 * k);
        text += &format!("  guard_small_int v{} -> exit{}\n", 2 * k, exit_of(k));
    }
    let exits = (0..n).map(&exit_of).max().unwrap_or(0) + 1;
    text += &format!("  exit -> exit{exits}\n");
    for e in 0..exits {
        text += &format!("exit{e}: pc={} stack=[v0, v0, v0]\n", 10 + e);
    }
    text += &format!("exit{exits}: pc=99 stack=[]\n");
    text
}

#[test]
fn guards_of_one_exit_share_its_stub() {
    let _ts = strand_heap::ThreadState::attach_new();
    strand_objects::init();
    let breaker = AtomicUsize::new(0);
    let shared = many_guards(8, |_| 0);
    let distinct = many_guards(8, |k| k);
    let size = |text: &str| {
        let mut t = parse(text).unwrap();
        optimize(&mut t);
        compile(&t).unwrap().len()
    };
    assert!(
        size(&shared) * 2 < size(&distinct),
        "{} vs {}",
        size(&shared),
        size(&distinct)
    );
    // The shared stub serves every guard: the last one fails here and its exit pushes
    // slot 0's value (a new reference each) above the locals.
    let mut objs: Vec<Option<PyObj>> = (0..7).map(|k| Some(int::from_i64(k))).collect();
    objs.push(Some(float::from_f64(1.5)));
    let mut frame = Frame::new(objs, 3);
    let exit = run(&shared, &mut frame, &breaker);
    assert_eq!(exit, 0);
    for k in 8..11 {
        assert!(frame.get(k).is(&frame.get(0)));
    }
    // And the first one.
    let mut objs: Vec<Option<PyObj>> = (0..8).map(|k| Some(int::from_i64(k))).collect();
    objs[0] = Some(float::from_f64(2.5));
    let mut frame = Frame::new(objs, 3);
    assert_eq!(run(&shared, &mut frame, &breaker), 0);
    assert_eq!(float::value(&frame.get(10)), 2.5);
}

/// The reference count of `o` (less the one `o` itself holds).
fn refs(o: &PyObj) -> isize {
    // SAFETY: `o` is alive.
    unsafe { strand_heap::refcount::refcount(o.as_ptr()) - 1 }
}

/// Compiles `t` as it is (the optimizer would drop the box the test needs) and runs
/// it on `frame`.
fn run_unoptimized(t: &strand_jit::ir::Trace, frame: &mut Frame, breaker: &AtomicUsize) -> u32 {
    let code = compile(t).unwrap_or_else(|e| panic!("{e}\n{t}"));
    let mut ctx = JitContext {
        slots: frame.0.as_mut_ptr(),
        eval_breaker: breaker,
        tid: strand_heap::current_thread_id().map_or(0, |t| t.as_usize()),
        exit_buf: std::ptr::null_mut(),
        iterations: 0,
    };
    // SAFETY: the code is a compiled trace; the context points at a frame of the
    // slots it uses.
    let f: EntryFn = unsafe { std::mem::transmute(code.entry()) };
    // SAFETY: as above.
    unsafe { f(&mut ctx) }
}

#[test]
fn exit_stubs_count_the_references_they_hand_out_and_drop() {
    let _ts = strand_heap::ThreadState::attach_new();
    strand_objects::init();
    let breaker = AtomicUsize::new(0);
    // Exit 1 pushes slot 0's object three times (three new references) and slot 1's
    // once, and drops the owned sum, which nothing consumed yet: one helper call over
    // all five. Exit 2 pushes one value and drops nothing: one reference.
    let text = "trace anchor=0 locals=2 depth=0
  loop
  v1:obj = slot_get [0]
  v2:obj = slot_get [1]
  guard_float v1 -> exit0
  v4:f64 = unbox_float v1
  v5:f64 = fadd v4, v4
  v6:obj = box_float v5
  v7:bool = fcmp v5, v4 [0]
  guard_true v7 -> exit1
  decref v6
  guard_small_int v2 -> exit2
  jump -> exit0
exit0: pc=0 stack=[]
exit1: pc=5 stack=[v1, v2, v1, v1]
exit2: pc=9 stack=[v2]
";
    let x = float::from_f64(3.0);
    let y = float::from_f64(0.25);
    let mut frame = Frame::new(vec![Some(x.clone()), Some(y.clone())], 4);
    let (bx, by) = (refs(&x), refs(&y));
    let t = parse(text).unwrap();
    let exit = run_unoptimized(&t, &mut frame, &breaker);
    assert_eq!(t.exits[exit as usize].pc, 5, "{t}");
    assert_eq!(refs(&x), bx + 3);
    assert_eq!(refs(&y), by + 1);
    for k in [2, 4, 5] {
        assert!(frame.get(k).is(&x));
    }
    assert!(frame.get(3).is(&y));

    // A negative float passes the comparison (its double is below it); the float in
    // slot 1 then fails exit 2's int guard.
    let x = float::from_f64(-1.0);
    let mut frame = Frame::new(vec![Some(x.clone()), Some(y.clone())], 4);
    let (bx, by) = (refs(&x), refs(&y));
    let exit = run_unoptimized(&t, &mut frame, &breaker);
    assert_eq!(t.exits[exit as usize].pc, 9, "{t}");
    assert_eq!(refs(&x), bx);
    assert_eq!(refs(&y), by + 1);
    assert!(frame.get(2).is(&y));
}

#[test]
fn type_version_guards_read_the_version_inline() {
    let _ts = strand_heap::ThreadState::attach_new();
    strand_objects::init();
    let breaker = AtomicUsize::new(0);
    let version = float::FLOAT_TYPE.version_tag();
    assert_ne!(version, 0);
    let text = |v: u32| {
        format!(
            "trace anchor=0 locals=1 depth=0
  v0:obj = slot_get [0]
  guard_type_version v0 [{v}] -> exit1
  exit -> exit0
exit0: pc=4 stack=[]
exit1: pc=2 stack=[]
"
        )
    };
    // The float's type has `version`: the guard passes; any other fails.
    for (v, pc) in [(version, 4), (version + 1, 2), (version ^ 0x8000_0000, 2)] {
        let mut t = parse(&text(v)).unwrap();
        optimize(&mut t);
        let mut frame = Frame::new(vec![Some(float::from_f64(1.0))], 1);
        let exit = run(&text(v), &mut frame, &breaker);
        assert_eq!(t.exits[exit as usize].pc, pc, "{t}");
    }
    // An int's type is another type, whose version differs.
    let mut frame = Frame::new(vec![Some(int::from_i64(1))], 1);
    let mut t = parse(&text(version)).unwrap();
    optimize(&mut t);
    assert_eq!(
        t.exits[run(&text(version), &mut frame, &breaker) as usize].pc,
        2
    );
}

#[test]
fn list_unpack_copies_every_item_or_none() {
    let _ts = strand_heap::ThreadState::attach_new();
    strand_objects::init();
    let breaker = AtomicUsize::new(0);
    // `a, b, c = l` with `l` in slot 0 and a, b, c stored to slots 1..4; exit 1
    // (the unpacking's own) keeps `l` on the stack for the interpreter.
    let text = "trace anchor=0 locals=4 depth=0
  v0:obj = slot_get [0]
  v1:i64 = list_unpack v0 [3] -> exit1
  v2:obj = unpack_item v1 [0]
  v3:obj = unpack_item v1 [1]
  v4:obj = unpack_item v1 [2]
  slot_set v4 [3]
  slot_set v3 [2]
  slot_set v2 [1]
  exit -> exit0
exit0: pc=8 stack=[]
exit1: pc=4 stack=[v0]
";
    let t = parse(text).unwrap();
    let items: Vec<PyObj> = (0..3).map(|k| float::from_f64(k as f64 + 0.5)).collect();
    let before: Vec<isize> = items.iter().map(refs).collect();
    let l = strand_objects::list::new(items.clone());
    let mut frame = Frame::new(vec![Some(l.clone())], 3);
    assert_eq!(t.exits[run(text, &mut frame, &breaker) as usize].pc, 8);
    for (k, item) in items.iter().enumerate() {
        assert!(frame.get(k + 1).is(item));
        // One reference in the list, one more in the frame's slot.
        assert_eq!(refs(item), before[k] + 2);
    }
    drop(frame);

    // A list of another length: the guard exits and nothing is taken.
    let short = strand_objects::list::new(items[..2].to_vec());
    let mut frame = Frame::new(vec![Some(short.clone())], 4);
    let exit = run(text, &mut frame, &breaker);
    assert_eq!(t.exits[exit as usize].pc, 4);
    assert!(frame.get(4).is(&short));
    for (k, item) in items.iter().enumerate() {
        let in_lists = if k < 2 { 2 } else { 1 };
        assert_eq!(refs(item), before[k] + in_lists);
    }
}

/// `z = x ** y` on floats in slots 0 and 1, `z` in slot 2.
const POW: &str = "trace anchor=0 locals=3 depth=0
  v0:obj = slot_get [0]
  guard_float v0 -> exit0
  v2:f64 = unbox_float v0
  v3:obj = slot_get [1]
  guard_float v3 -> exit0
  v5:f64 = unbox_float v3
  v6:f64 = fpow v2, v5 -> exit0
  v7:obj = box_float v6
  slot_set v7 [2]
  exit -> exit1
exit0: pc=0 stack=[]
exit1: pc=6 stack=[]
";

#[test]
fn fpow_is_pow_where_float_pow_is_and_exits_elsewhere() {
    let _ts = strand_heap::ThreadState::attach_new();
    strand_objects::init();
    let breaker = AtomicUsize::new(0);
    for (a, b) in [
        (2.0, -1.5),
        (9.0, 0.5),
        (1.5, 3.0),
        (1e-300, 2.0),
        (7.0, 0.0),
    ] {
        let mut frame = Frame::new(vec![Some(float::from_f64(a)), Some(float::from_f64(b))], 1);
        assert_eq!(run(POW, &mut frame, &breaker), 1, "{a} ** {b}");
        assert_eq!(float::value(&frame.get(2)), a.powf(b), "{a} ** {b}");
    }
    // A negative base (complex result), zero to a negative power (ZeroDivisionError),
    // overflow (OverflowError), infinities and NaNs: CPython's own cases, left to the
    // interpreter.
    for (a, b) in [
        (-8.0, 0.5),
        (-2.0, 2.0),
        (0.0, -1.0),
        (0.0, 2.0),
        (1e300, 2.0),
        (f64::INFINITY, 1.0),
        (2.0, f64::NEG_INFINITY),
        (f64::NAN, 1.0),
        (1.0, f64::NAN),
    ] {
        let mut frame = Frame::new(vec![Some(float::from_f64(a)), Some(float::from_f64(b))], 1);
        assert_eq!(run(POW, &mut frame, &breaker), 0, "{a} ** {b}");
        assert_eq!(frame.0[2], 0, "{a} ** {b} stored nothing");
    }
}

#[test]
fn tuple_items_are_read_inline_with_python_indices() {
    let _ts = strand_heap::ThreadState::attach_new();
    strand_objects::init();
    let breaker = AtomicUsize::new(0);
    // `y = t[i]` with `t`, `i` in slots 0 and 1, `y` in slot 2, and the tuple's
    // length in slot 3.
    let text = "trace anchor=0 locals=4 depth=0
  v0:obj = slot_get [0]
  v1:obj = slot_get [1]
  guard_small_int v1 -> exit0
  v3:i64 = unbox_int v1
  v4:obj = tuple_get v0, v3 -> exit0
  v5:obj = incref v4
  slot_set v5 [2]
  v7:i64 = tuple_len v0
  v8:obj = box_int v7
  slot_set v8 [3]
  exit -> exit1
exit0: pc=0 stack=[]
exit1: pc=9 stack=[]
";
    let items: Vec<PyObj> = (0..3).map(|k| int::from_i64(10 * k)).collect();
    let t = strand_objects::tuple::from_vec(items);
    for (i, want) in [
        (0, Some(0)),
        (2, Some(20)),
        (-1, Some(20)),
        (-3, Some(0)),
        (3, None),
        (-4, None),
    ] {
        let mut frame = Frame::new(vec![Some(t.clone()), Some(int::from_i64(i))], 2);
        let exit = run(text, &mut frame, &breaker);
        match want {
            Some(v) => {
                assert_eq!(exit, 1, "t[{i}]");
                assert_eq!(int::as_i64(&frame.get(2)), Some(v), "t[{i}]");
                assert_eq!(int::as_i64(&frame.get(3)), Some(3));
            }
            None => {
                assert_eq!(exit, 0, "t[{i}] is out of range");
                assert_eq!(frame.0[2], 0);
            }
        }
    }
}
