//! The trace IR: a linear SSA list of micro-operations ("uops") recorded from one
//! iteration of a hot loop, with side exits that carry snapshots of the interpreter
//! state, and a textual form that prints and parses (for the optimizer's and code
//! generator's tests, after Cranelift's filetests).
//!
//! **Values.** Every instruction defines at most one value, named by its index
//! ([`Value`]). A value has a machine representation ([`Ty`]): an object pointer
//! (`obj`, untagged), a machine integer (`i64`), a double (`f64`) or a truth value
//! (`bool`).
//!
//! **Ownership.** An `obj` value is either *borrowed* (a frame slot, a constant or a
//! tuple keeps the object alive) or *owned* (the trace holds one reference).
//! [`Opcode::owns_result`] says which instructions produce owned values (`incref v`
//! is one: an owned alias of `v`); [`Opcode::consumes`] which take one over (`slot_set`,
//! `list_set`, `decref`). Every owned value is consumed exactly once on every path
//! through an iteration. At an exit, the values the exit pushes onto the interpreter's
//! stack get a new reference each, and the owned values not consumed yet are dropped,
//! so an owned value on the exit stack moves there. The recorder emits `incref` and
//! `decref` where the interpreter's reference counting happens; the optimizer removes
//! the pairs that cancel.
//!
//! **Frame slots.** `slot_get n` reads locals-plus slot `n` of the frame the trace
//! runs in (borrowed: the slot owns it); `slot_set n v` stores an owned value there
//! and drops what the slot held. A slot whose values the optimizer proves to be all
//! floats (or all small ints) at the loop header lives unboxed in a machine register
//! while the loop runs (`slot_get_f64`, `slot_set_f64`, ...); its boxed value is
//! written back to the frame at every exit.
//!
//! **Shape.** The instructions before `loop` run once on entry (the preamble: slot
//! reads and the guards on their types); those after it form the loop body, which
//! ends with `jump` back to `loop`, or with `exit`. A guard names the exit taken when
//! it fails.
//!
//! **Exits.** An exit says where the interpreter resumes (`pc`, an opaque offset the
//! interpreter gave), what the trace pushes onto the interpreter's value stack first
//! (above the stack depth the loop header had), and whether an exception is pending
//! (a helper call failed: the interpreter raises it at `pc`).

use std::fmt;

/// A value: the index of the instruction that defines it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Value(pub u32);

/// An exit: an index into [`Trace::exits`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct ExitId(pub u32);

/// A value's machine representation.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Ty {
    /// No value.
    Void,
    /// An object pointer (untagged).
    Obj,
    /// A 64-bit integer.
    I64,
    /// A double.
    F64,
    /// A truth value.
    Bool,
}

impl Ty {
    fn name(self) -> &'static str {
        match self {
            Ty::Void => "void",
            Ty::Obj => "obj",
            Ty::I64 => "i64",
            Ty::F64 => "f64",
            Ty::Bool => "bool",
        }
    }

    fn parse(s: &str) -> Option<Ty> {
        Some(match s {
            "void" => Ty::Void,
            "obj" => Ty::Obj,
            "i64" => Ty::I64,
            "f64" => Ty::F64,
            "bool" => Ty::Bool,
            _ => return None,
        })
    }
}

/// A function of the `math` module from floats to floats, which `fmath` computes
/// (its immediate operand is the function's index in [`MathFn::ALL`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum MathFn {
    /// `math.sqrt`
    Sqrt,
    /// `math.exp`
    Exp,
    /// `math.sin`
    Sin,
    /// `math.cos`
    Cos,
    /// `math.tan`
    Tan,
    /// `math.atan`
    Atan,
}

impl MathFn {
    /// All of them, in immediate-operand order.
    pub const ALL: [MathFn; 6] = [
        MathFn::Sqrt,
        MathFn::Exp,
        MathFn::Sin,
        MathFn::Cos,
        MathFn::Tan,
        MathFn::Atan,
    ];

    /// The function with immediate operand `i`.
    pub fn from_imm(i: i64) -> Option<MathFn> {
        MathFn::ALL.get(usize::try_from(i).ok()?).copied()
    }

    /// Its immediate operand.
    pub fn imm(self) -> i64 {
        MathFn::ALL.iter().position(|f| *f == self).unwrap_or(0) as i64
    }

    /// The function `math.<name>` is, if it is one of these.
    pub fn from_name(name: &str) -> Option<MathFn> {
        Some(match name {
            "sqrt" => MathFn::Sqrt,
            "exp" => MathFn::Exp,
            "sin" => MathFn::Sin,
            "cos" => MathFn::Cos,
            "tan" => MathFn::Tan,
            "atan" => MathFn::Atan,
            _ => return None,
        })
    }

    /// What it computes: the same Rust functions the `math` module calls, so results
    /// agree to the bit with the interpreter's.
    pub fn eval(self, x: f64) -> f64 {
        match self {
            MathFn::Sqrt => x.sqrt(),
            MathFn::Exp => x.exp(),
            MathFn::Sin => x.sin(),
            MathFn::Cos => x.cos(),
            MathFn::Tan => x.tan(),
            MathFn::Atan => x.atan(),
        }
    }
}

/// A comparison.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Cond {
    /// `<`
    Lt,
    /// `<=`
    Le,
    /// `==`
    Eq,
    /// `!=`
    Ne,
    /// `>`
    Gt,
    /// `>=`
    Ge,
}

impl Cond {
    /// All conditions, in their immediate-operand order.
    pub const ALL: [Cond; 6] = [Cond::Lt, Cond::Le, Cond::Eq, Cond::Ne, Cond::Gt, Cond::Ge];

    /// The condition with immediate operand `i`.
    pub fn from_imm(i: i64) -> Option<Cond> {
        Cond::ALL.get(usize::try_from(i).ok()?).copied()
    }

    /// Its immediate operand.
    pub fn imm(self) -> i64 {
        Cond::ALL.iter().position(|c| *c == self).unwrap_or(0) as i64
    }

    /// The condition that holds exactly when this one does not (for integers; for
    /// floats only `Eq`/`Ne` invert this way, because of NaN).
    pub fn negate(self) -> Cond {
        match self {
            Cond::Lt => Cond::Ge,
            Cond::Le => Cond::Gt,
            Cond::Eq => Cond::Ne,
            Cond::Ne => Cond::Eq,
            Cond::Gt => Cond::Le,
            Cond::Ge => Cond::Lt,
        }
    }
}

/// The most items `list_unpack` copies (the size of its buffer, in pointers); the
/// recorder ends the trace at a longer list unpacking.
pub const MAX_UNPACK: usize = 16;

macro_rules! opcodes {
    ($( $(#[$m:meta])* $name:ident = $text:literal, args $n:literal, $ty:ident, owns $owns:literal, guard $guard:literal; )*) => {
        /// A uop.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        pub enum Opcode {
            $( $(#[$m])* $name, )*
        }

        impl Opcode {
            /// Every uop.
            pub const ALL: &'static [Opcode] = &[$( Opcode::$name, )*];

            /// Its name in the textual form.
            pub fn name(self) -> &'static str {
                match self { $( Opcode::$name => $text, )* }
            }

            /// How many value operands it takes.
            pub fn arity(self) -> usize {
                match self { $( Opcode::$name => $n, )* }
            }

            /// The representation of its result.
            pub fn result(self) -> Ty {
                match self { $( Opcode::$name => Ty::$ty, )* }
            }

            /// Whether its `obj` result is owned (a reference the trace must give
            /// away or drop).
            pub fn owns_result(self) -> bool {
                match self { $( Opcode::$name => $owns, )* }
            }

            /// Whether it may leave the trace through its exit.
            pub fn is_guard(self) -> bool {
                match self { $( Opcode::$name => $guard, )* }
            }

            fn parse(s: &str) -> Option<Opcode> {
                match s { $( $text => Some(Opcode::$name), )* _ => None }
            }
        }
    };
}

opcodes! {
    /// The value of frame slot `imm`, borrowed.
    SlotGet = "slot_get", args 0, Obj, owns false, guard false;
    /// Stores owned `a` into frame slot `imm` (dropping what the slot held).
    SlotSet = "slot_set", args 1, Void, owns false, guard false;
    /// An unboxed float slot's value (see the module docs).
    SlotGetF64 = "slot_get_f64", args 0, F64, owns false, guard false;
    /// Sets an unboxed float slot.
    SlotSetF64 = "slot_set_f64", args 1, Void, owns false, guard false;
    /// An unboxed small-int slot's value.
    SlotGetI64 = "slot_get_i64", args 0, I64, owns false, guard false;
    /// Sets an unboxed small-int slot.
    SlotSetI64 = "slot_set_i64", args 1, Void, owns false, guard false;
    /// Value-stack entry `imm` (0 = bottom) of the interpreter at the loop header,
    /// borrowed (the frame's stack keeps it).
    StackGet = "stack_get", args 0, Obj, owns false, guard false;
    /// Value-stack entry `imm` of the interpreter at a side trace's entry, above the
    /// loop header's depth: the trace takes over the frame's reference (that part of
    /// the frame's stack counts as empty while the trace runs; exits write it anew).
    StackTake = "stack_take", args 0, Obj, owns true, guard false;
    /// Word `imm` of the thread's exit buffer at a side trace's entry: a counted
    /// reference an exit of the parent trace left there for an inlined frame (a
    /// local, a stack entry, an `__init__`'s instance), which the trace takes over.
    /// Only a side trace of an exit inside inlined calls reads it, before anything
    /// that could write the buffer again (an exit, a helper running other code).
    BufTake = "buf_take", args 0, Obj, owns true, guard false;
    /// The object at address `imm` (immortal, or kept alive by the executor).
    ConstObj = "const_obj", args 0, Obj, owns false, guard false;
    /// The integer `imm`.
    ConstI64 = "const_i64", args 0, I64, owns false, guard false;
    /// The double whose bits are `imm`.
    ConstF64 = "const_f64", args 0, F64, owns false, guard false;
    /// Exits unless `a` is not null (an unbound local).
    GuardNotNull = "guard_not_null", args 1, Void, owns false, guard true;
    /// Exits unless `a`'s type vtable is at address `imm`.
    GuardType = "guard_type", args 1, Void, owns false, guard true;
    /// Exits unless `a` is an exact int that fits an `i64`.
    GuardSmallInt = "guard_small_int", args 1, Void, owns false, guard true;
    /// Exits unless `a` is an exact float.
    GuardFloat = "guard_float", args 1, Void, owns false, guard true;
    /// Exits unless `a` is the object at address `imm`.
    GuardIs = "guard_is", args 1, Void, owns false, guard true;
    /// Exits if `a` is the object at address `imm`.
    GuardIsNot = "guard_is_not", args 1, Void, owns false, guard true;
    /// Exits unless `a` is true.
    GuardTrue = "guard_true", args 1, Void, owns false, guard true;
    /// Exits unless `a` is false.
    GuardFalse = "guard_false", args 1, Void, owns false, guard true;
    /// Exits unless the type of object `a` has version tag `imm`.
    GuardTypeVersion = "guard_type_version", args 1, Void, owns false, guard true;
    /// Exits unless dict `a`'s keys have version `imm`.
    GuardDictKeys = "guard_dict_keys", args 1, Void, owns false, guard true;
    /// Exits unless function `a` has version `imm` (its code, defaults and
    /// annotations unchanged since the trace was recorded).
    GuardFuncVersion = "guard_func_version", args 1, Void, owns false, guard true;
    /// The value of a small int (after `guard_small_int`).
    UnboxInt = "unbox_int", args 1, I64, owns false, guard false;
    /// The value of a float (after `guard_float`).
    UnboxFloat = "unbox_float", args 1, F64, owns false, guard false;
    /// A new int object.
    BoxInt = "box_int", args 1, Obj, owns true, guard false;
    /// A new float object.
    BoxFloat = "box_float", args 1, Obj, owns true, guard false;
    /// `True` or `False` (immortal).
    BoxBool = "box_bool", args 1, Obj, owns false, guard false;
    /// The double nearest an integer (exact for |a| <= 2**53).
    IntToFloat = "int_to_float", args 1, F64, owns false, guard false;
    /// `a + b`; exits on overflow.
    IAdd = "iadd", args 2, I64, owns false, guard true;
    /// `a - b`; exits on overflow.
    ISub = "isub", args 2, I64, owns false, guard true;
    /// `a * b`; exits on overflow.
    IMul = "imul", args 2, I64, owns false, guard true;
    /// `a // b`, rounded toward negative infinity (Python's `//`); exits when `b`
    /// is zero (Python raises) or the quotient overflows (`i64::MIN // -1`).
    IFloorDiv = "ifloordiv", args 2, I64, owns false, guard true;
    /// `a % b` with the sign of `b` (Python's `%`); exits when `b` is zero or `a`
    /// is `i64::MIN` and `b` is -1 (the machine remainder's overflow).
    IMod = "imod", args 2, I64, owns false, guard true;
    /// `a & b`.
    IAnd = "iand", args 2, I64, owns false, guard false;
    /// `a | b`.
    IOr = "ior", args 2, I64, owns false, guard false;
    /// `a ^ b`.
    IXor = "ixor", args 2, I64, owns false, guard false;
    /// `math` function `imm` (a [`MathFn`]) of `a`; exits where the `math` module
    /// raises instead (a NaN from a number, an infinity from a finite number:
    /// CPython's `math_1` in Modules/mathmodule.c).
    FMath = "fmath", args 1, F64, owns false, guard true;
    /// `a + b`.
    FAdd = "fadd", args 2, F64, owns false, guard false;
    /// `a - b`.
    FSub = "fsub", args 2, F64, owns false, guard false;
    /// `a * b`.
    FMul = "fmul", args 2, F64, owns false, guard false;
    /// `a / b`; exits when `b` is zero (Python raises).
    FDiv = "fdiv", args 2, F64, owns false, guard true;
    /// `a ** b` (C's `pow`); exits unless `a` is positive and finite, `b` finite and
    /// the result finite: the cases where CPython's `float_pow` (Objects/floatobject.c)
    /// is `pow` itself rather than a special case, a complex result or an
    /// OverflowError.
    FPow = "fpow", args 2, F64, owns false, guard true;
    /// Integer comparison `imm` (a [`Cond`]).
    ICmp = "icmp", args 2, Bool, owns false, guard false;
    /// Float comparison `imm` (false for NaN but for `!=`).
    FCmp = "fcmp", args 2, Bool, owns false, guard false;
    /// Whether `a` is the object at address `imm`.
    IsObj = "is_obj", args 1, Bool, owns false, guard false;
    /// `not a`.
    Not = "not", args 1, Bool, owns false, guard false;
    /// The length of list `a` (read once; exact lists only).
    ListLen = "list_len", args 1, I64, owns false, guard false;
    /// Item `b` of list `a`, owned; exits when `b` is out of range.
    ListGet = "list_get", args 2, Obj, owns true, guard true;
    /// Stores owned `c` at index `b` of list `a`; exits (dropping nothing) when
    /// out of range.
    ListSet = "list_set", args 3, Void, owns false, guard true;
    /// Copies the `imm` items of exact list `a` into a buffer as owned references,
    /// all under one hold of the list's critical section, so that the items are a
    /// snapshot of one moment (`a, b = shared` must not see half of a concurrent
    /// `shared[:] = ...`); exits, taking nothing, when the list's length is not
    /// `imm`. The value is the buffer's address (at most [`MAX_UNPACK`] items),
    /// read by `unpack_item` right after.
    ListUnpack = "list_unpack", args 1, I64, owns false, guard true;
    /// Item `imm` of the buffer `a` that `list_unpack` filled, owned. Each item is
    /// read exactly once (the recorder emits one per item), so it never goes
    /// unread: an unread item would be a lost reference.
    UnpackItem = "unpack_item", args 1, Obj, owns true, guard false;
    /// The length of tuple `a`.
    TupleLen = "tuple_len", args 1, I64, owns false, guard false;
    /// Item `b` of tuple `a`, borrowed; exits when out of range.
    TupleGet = "tuple_get", args 2, Obj, owns false, guard true;
    /// The next index of range iterator `a`; exits when it is exhausted.
    RangeNext = "range_next", args 1, I64, owns false, guard true;
    /// The next item of list iterator `a`, owned; exits when it is exhausted.
    ListIterNext = "list_iter_next", args 1, Obj, owns true, guard true;
    /// The value at entry `imm & 0xffff` of dict `a` whose keys have version
    /// `imm >> 16`, owned; exits when the keys changed or the entry is empty.
    DictEntry = "dict_entry", args 1, Obj, owns true, guard true;
    /// The instance dict of `a` (its managed `__dict__`), borrowed; exits when it
    /// has none.
    InstanceDict = "instance_dict", args 1, Obj, owns false, guard true;
    /// Replaces entry `imm & 0xffff` of dict `a` (keys version `imm >> 16`) by owned
    /// `b`; exits (keeping `b`) when the keys changed.
    DictStore = "dict_store", args 2, Void, owns false, guard true;
    /// A new reference to `a`: the same object, as an owned value.
    Incref = "incref", args 1, Obj, owns true, guard false;
    /// Drops a reference to `a`.
    Decref = "decref", args 1, Void, owns false, guard false;
    /// Calls runtime helper `imm` with the operands; owned result; exits with the
    /// helper's exception pending when it fails.
    Call1 = "call1", args 1, Obj, owns true, guard true;
    /// As `call1`, two operands.
    Call2 = "call2", args 2, Obj, owns true, guard true;
    /// As `call1`, three operands.
    Call3 = "call3", args 3, Obj, owns true, guard true;
    /// The loop header: the body follows.
    Loop = "loop", args 0, Void, owns false, guard false;
    /// Back to the loop header (polls the eval breaker: exits there when set).
    Jump = "jump", args 0, Void, owns false, guard true;
    /// Leaves the trace.
    Exit = "exit", args 0, Void, owns false, guard true;
}

impl Opcode {
    /// Which operand, if any, the instruction consumes: an owned value whose
    /// reference it takes over (stores, drops).
    pub fn consumes(self) -> Option<usize> {
        match self {
            Opcode::SlotSet | Opcode::Decref => Some(0),
            Opcode::DictStore => Some(1),
            Opcode::ListSet => Some(2),
            _ => None,
        }
    }
}

/// One instruction.
#[derive(Clone, Debug, PartialEq)]
pub struct Inst {
    /// The uop.
    pub op: Opcode,
    /// Value operands (`op.arity()` of them).
    pub args: [Value; 3],
    /// The immediate (slot index, constant, address, condition, version).
    pub imm: i64,
    /// Where a guard exits.
    pub exit: Option<ExitId>,
}

impl Inst {
    /// The value operands in use.
    pub fn operands(&self) -> &[Value] {
        &self.args[..self.op.arity()]
    }
}

/// What a side exit gives back to the interpreter.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct Exit {
    /// Where the interpreter resumes (opaque to the JIT).
    pub pc: u32,
    /// Values pushed onto the interpreter's stack, bottom first, above the loop
    /// header's stack depth (each gets a new reference; `i64`/`f64`/`bool` values are
    /// boxed).
    pub stack: Vec<Value>,
    /// A helper's exception is pending: the interpreter raises it at `pc`.
    pub error: bool,
    /// Frames of functions the trace inlined that are active at this exit, outermost
    /// first: the interpreter rebuilds them above the trace's frame and resumes in the
    /// innermost. With frames, `pc` and `stack` describe the trace's own frame,
    /// suspended in the call of the outermost one.
    pub frames: Vec<InlinedFrame>,
}

/// A frame of an inlined call, as an exit rebuilds it.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct InlinedFrame {
    /// The function it runs (an address; the executor keeps the function alive).
    pub func: usize,
    /// Where it resumes (opaque to the JIT, as `Exit::pc`).
    pub pc: u32,
    /// Its locals-plus slots (`None`: empty).
    pub locals: Vec<Option<Value>>,
    /// Its value stack, bottom first.
    pub stack: Vec<Value>,
    /// For the `__init__` of an instance creation the trace inlined: the instance
    /// (a reference of its own), which the call gives its caller when `__init__`
    /// returns None. Printed as `init=v3` after the stack.
    pub init: Option<Value>,
}

impl Exit {
    /// Every value the exit hands to the interpreter: the stack, then each inlined
    /// frame's locals and stack.
    pub fn values(&self) -> impl Iterator<Item = Value> + '_ {
        self.stack
            .iter()
            .copied()
            .chain(self.frames.iter().flat_map(|f| {
                f.locals
                    .iter()
                    .flatten()
                    .copied()
                    .chain(f.stack.iter().copied())
                    .chain(f.init)
            }))
    }

    /// The same values, to rewrite in place.
    pub fn values_mut(&mut self) -> impl Iterator<Item = &mut Value> + '_ {
        self.stack
            .iter_mut()
            .chain(self.frames.iter_mut().flat_map(|f| {
                f.locals
                    .iter_mut()
                    .flatten()
                    .chain(f.stack.iter_mut())
                    .chain(f.init.iter_mut())
            }))
    }
}

/// A dependency: the trace is valid only while it holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Dep {
    /// The type object at this address keeps this version tag.
    TypeVersion(usize, u32),
    /// The function object at this address keeps this version.
    FunctionVersion(usize, u32),
}

/// A recorded (and, after the optimizer, transformed) trace.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct Trace {
    /// The loop header's offset in its code (opaque to the JIT).
    pub anchor: u32,
    /// The frame's locals-plus slots (the value stack starts after them).
    pub locals: u32,
    /// The interpreter's value-stack depth at the loop header.
    pub stack_depth: u32,
    /// The instructions.
    pub insts: Vec<Inst>,
    /// The exits guards and `exit` name.
    pub exits: Vec<Exit>,
    /// What the trace depends on.
    pub deps: Vec<Dep>,
}

impl Trace {
    /// An empty trace for the loop at `anchor` in a frame of `locals` locals-plus
    /// slots whose value stack holds `stack_depth` values at the loop header.
    pub fn new(anchor: u32, locals: u32, stack_depth: u32) -> Trace {
        Trace {
            anchor,
            locals,
            stack_depth,
            ..Trace::default()
        }
    }

    /// The slot index where an exit's stack values go.
    pub fn stack_base(&self) -> u32 {
        self.locals + self.stack_depth
    }

    /// Appends an instruction; returns its value.
    pub fn push(&mut self, op: Opcode, args: &[Value], imm: i64, exit: Option<ExitId>) -> Value {
        debug_assert_eq!(
            args.len(),
            op.arity(),
            "{} takes {} operands",
            op.name(),
            op.arity()
        );
        let mut a = [Value(u32::MAX); 3];
        a[..args.len()].copy_from_slice(args);
        self.insts.push(Inst {
            op,
            args: a,
            imm,
            exit,
        });
        Value(self.insts.len() as u32 - 1)
    }

    /// Adds an exit.
    pub fn add_exit(&mut self, exit: Exit) -> ExitId {
        self.exits.push(exit);
        ExitId(self.exits.len() as u32 - 1)
    }

    /// The type of value `v`.
    pub fn ty(&self, v: Value) -> Ty {
        self.insts[v.0 as usize].op.result()
    }

    /// The instruction defining `v`.
    pub fn def(&self, v: Value) -> &Inst {
        &self.insts[v.0 as usize]
    }

    /// The index of the `loop` instruction, if any.
    pub fn loop_index(&self) -> Option<usize> {
        self.insts.iter().position(|i| i.op == Opcode::Loop)
    }

    /// Checks the structural invariants: operands defined before use with the
    /// right types, guards with exits in range, at most one `loop`, the last
    /// instruction a `jump` or `exit`.
    ///
    /// # Errors
    /// A description of the first violation.
    pub fn verify(&self) -> Result<(), String> {
        let mut loops = 0;
        for (i, inst) in self.insts.iter().enumerate() {
            for &a in inst.operands() {
                if a.0 as usize >= i {
                    return Err(format!("v{i}: operand v{} is not defined before", a.0));
                }
                if self.ty(a) == Ty::Void {
                    return Err(format!("v{i}: operand v{} has no value", a.0));
                }
            }
            if inst.op.is_guard() {
                match inst.exit {
                    Some(e) if (e.0 as usize) < self.exits.len() => {}
                    _ => return Err(format!("v{i}: {} needs an exit", inst.op.name())),
                }
            }
            if inst.op == Opcode::Loop {
                loops += 1;
            }
        }
        if loops > 1 {
            return Err("more than one loop".into());
        }
        match self.insts.last().map(|i| i.op) {
            Some(Opcode::Jump) | Some(Opcode::Exit) => {}
            _ => return Err("a trace ends with jump or exit".into()),
        }
        for (k, e) in self.exits.iter().enumerate() {
            for v in e.values() {
                if v.0 as usize >= self.insts.len() || self.ty(v) == Ty::Void {
                    return Err(format!("exit{k}: stack value v{} is no value", v.0));
                }
            }
        }
        Ok(())
    }
}

/// The textual form: `v3 = fadd v1, v2` for instructions with a value,
/// `guard_float v0 -> exit1` for guards, an immediate as `[12]`, then the exits:
/// `exit1: pc=20 stack=[v0, v3] error`, each inlined frame after a `|`:
/// `| func=0x5000 pc=8 locals=[v1, -, v4] stack=[v7]`.
impl fmt::Display for Trace {
    fn fmt(&self, out: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            out,
            "trace anchor={} locals={} depth={}",
            self.anchor, self.locals, self.stack_depth
        )?;
        for d in &self.deps {
            match d {
                Dep::TypeVersion(a, v) => writeln!(out, "  dep type {a:#x} {v}")?,
                Dep::FunctionVersion(a, v) => writeln!(out, "  dep function {a:#x} {v}")?,
            }
        }
        for (i, inst) in self.insts.iter().enumerate() {
            out.write_str("  ")?;
            if inst.op.result() != Ty::Void {
                write!(out, "v{i}:{} = ", inst.op.result().name())?;
            }
            out.write_str(inst.op.name())?;
            let ops: Vec<String> = inst
                .operands()
                .iter()
                .map(|v| format!("v{}", v.0))
                .collect();
            if !ops.is_empty() {
                write!(out, " {}", ops.join(", "))?;
            }
            if has_imm(inst.op) {
                write!(out, " [{}]", inst.imm)?;
            }
            if let Some(e) = inst.exit {
                write!(out, " -> exit{}", e.0)?;
            }
            writeln!(out)?;
        }
        for (k, e) in self.exits.iter().enumerate() {
            let stack: Vec<String> = e.stack.iter().map(|v| format!("v{}", v.0)).collect();
            write!(out, "exit{k}: pc={} stack=[{}]", e.pc, stack.join(", "))?;
            if e.error {
                out.write_str(" error")?;
            }
            let names = |vs: &mut dyn Iterator<Item = Option<Value>>| {
                vs.map(|v| v.map_or("-".to_string(), |v| format!("v{}", v.0)))
                    .collect::<Vec<_>>()
                    .join(", ")
            };
            for f in &e.frames {
                write!(
                    out,
                    " | func={:#x} pc={} locals=[{}] stack=[{}]",
                    f.func,
                    f.pc,
                    names(&mut f.locals.iter().copied()),
                    names(&mut f.stack.iter().map(|v| Some(*v)))
                )?;
                if let Some(v) = f.init {
                    write!(out, " init=v{}", v.0)?;
                }
            }
            writeln!(out)?;
        }
        Ok(())
    }
}

/// Whether `op` uses its immediate.
fn has_imm(op: Opcode) -> bool {
    use Opcode::*;
    matches!(
        op,
        SlotGet
            | SlotSet
            | SlotGetF64
            | SlotSetF64
            | SlotGetI64
            | SlotSetI64
            | StackGet
            | StackTake
            | BufTake
            | ConstObj
            | ConstI64
            | ConstF64
            | GuardType
            | GuardIs
            | GuardIsNot
            | GuardTypeVersion
            | GuardDictKeys
            | GuardFuncVersion
            | ICmp
            | FMath
            | FCmp
            | IsObj
            | DictEntry
            | DictStore
            | ListUnpack
            | UnpackItem
            | Call1
            | Call2
            | Call3
    )
}

/// Parses one inlined frame of an exit: `func=0x5000 pc=8 locals=[v1, -] stack=[v7]`.
fn parse_frame(text: &str, _line: usize) -> Result<InlinedFrame, String> {
    let list = |s: &str| -> Result<Vec<Option<Value>>, String> {
        s.split(',')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(|s| match s {
                "-" => Ok(None),
                s => s
                    .strip_prefix('v')
                    .and_then(|d| d.parse().ok())
                    .map(|d| Some(Value(d)))
                    .ok_or_else(|| format!("bad value `{s}`")),
            })
            .collect()
    };
    let field = |name: &str| -> Result<&str, String> {
        let start = text
            .find(&format!("{name}="))
            .ok_or_else(|| format!("expected {name}="))?
            + name.len()
            + 1;
        let rest = &text[start..];
        Ok(match rest.strip_prefix('[') {
            Some(r) => r.split(']').next().unwrap_or(""),
            None => rest.split_whitespace().next().unwrap_or(""),
        })
    };
    let func = field("func")?;
    let func = usize::from_str_radix(func.trim_start_matches("0x"), 16)
        .map_err(|_| "bad func".to_string())?;
    let pc = field("pc")?.parse().map_err(|_| "bad pc".to_string())?;
    let locals = list(field("locals")?)?;
    let stack = list(field("stack")?)?
        .into_iter()
        .map(|v| v.ok_or_else(|| "an empty stack entry".to_string()))
        .collect::<Result<_, _>>()?;
    let init = match text.find(" init=") {
        Some(_) => match list(field("init")?)?.as_slice() {
            [Some(v)] => Some(*v),
            _ => return Err("bad init".to_string()),
        },
        None => None,
    };
    Ok(InlinedFrame {
        func,
        pc,
        locals,
        stack,
        init,
    })
}

/// Parses the textual form ([`Trace`]'s `Display`).
///
/// # Errors
/// The line and what is wrong with it.
pub fn parse(text: &str) -> Result<Trace, String> {
    let mut lines = text
        .lines()
        .map(|l| l.split(';').next().unwrap_or("").trim())
        .enumerate()
        .filter(|(_, l)| !l.is_empty());
    let (n, head) = lines.next().ok_or("empty trace")?;
    let err = |n: usize, m: &str| format!("line {}: {m}", n + 1);
    let mut t = Trace::default();
    for field in head
        .strip_prefix("trace")
        .ok_or_else(|| err(n, "expected `trace`"))?
        .split_whitespace()
    {
        let (k, v) = field
            .split_once('=')
            .ok_or_else(|| err(n, "expected key=value"))?;
        let v: u32 = v.parse().map_err(|_| err(n, "bad number"))?;
        match k {
            "anchor" => t.anchor = v,
            "locals" => t.locals = v,
            "depth" => t.stack_depth = v,
            _ => return Err(err(n, "unknown field")),
        }
    }
    let value = |s: &str, n: usize| -> Result<Value, String> {
        s.strip_prefix('v')
            .and_then(|d| d.parse().ok())
            .map(Value)
            .ok_or_else(|| err(n, &format!("bad value `{s}`")))
    };
    let number = |s: &str, n: usize| -> Result<i64, String> {
        let s = s.trim();
        if let Some(h) = s.strip_prefix("0x") {
            return i64::from_str_radix(h, 16).map_err(|_| err(n, "bad number"));
        }
        s.parse().map_err(|_| err(n, "bad number"))
    };
    for (n, line) in lines {
        if let Some(rest) = line.strip_prefix("dep ") {
            let parts: Vec<&str> = rest.split_whitespace().collect();
            if parts.len() != 3 {
                return Err(err(n, "dep KIND ADDRESS VERSION"));
            }
            let addr = number(parts[1], n)? as usize;
            let ver = number(parts[2], n)? as u32;
            t.deps.push(match parts[0] {
                "type" => Dep::TypeVersion(addr, ver),
                "function" => Dep::FunctionVersion(addr, ver),
                _ => return Err(err(n, "unknown dep")),
            });
            continue;
        }
        if let Some(rest) = line.strip_prefix("exit") {
            if let Some((k, rest)) = rest.split_once(':') {
                let k: usize = k.parse().map_err(|_| err(n, "bad exit number"))?;
                if k != t.exits.len() {
                    return Err(err(n, "exits are numbered in order"));
                }
                let mut e = Exit::default();
                let mut parts = rest.split(" | ");
                let rest = parts.next().unwrap_or("").trim();
                for part in parts {
                    e.frames.push(parse_frame(part, n).map_err(|m| err(n, &m))?);
                }
                let (pc, rest) = rest
                    .strip_prefix("pc=")
                    .and_then(|r| r.split_once(' '))
                    .ok_or_else(|| err(n, "expected pc=N"))?;
                e.pc = number(pc, n)? as u32;
                let rest = rest.trim();
                let inner = rest
                    .strip_prefix("stack=[")
                    .and_then(|r| r.split_once(']'))
                    .ok_or_else(|| err(n, "expected stack=[...]"))?;
                for s in inner.0.split(',').map(str::trim).filter(|s| !s.is_empty()) {
                    e.stack.push(value(s, n)?);
                }
                match inner.1.trim() {
                    "" => {}
                    "error" => e.error = true,
                    _ => return Err(err(n, "unexpected text after the stack")),
                }
                t.exits.push(e);
                continue;
            }
        }
        // [vN:ty = ] op [operands] [[imm]] [-> exitK]
        let (def, rest) = match line.split_once(" = ") {
            Some((d, r)) => (Some(d), r),
            None => (None, line),
        };
        let (rest, exit) = match rest.split_once("->") {
            Some((r, e)) => {
                let e = e.trim().strip_prefix("exit").and_then(|k| k.parse().ok());
                (r.trim(), Some(ExitId(e.ok_or_else(|| err(n, "bad exit"))?)))
            }
            None => (rest.trim(), None),
        };
        let (rest, imm) = match rest.split_once('[') {
            Some((r, i)) => {
                let i = i.strip_suffix(']').ok_or_else(|| err(n, "unclosed ["))?;
                (r.trim(), Some(number(i, n)?))
            }
            None => (rest, None),
        };
        let (name, ops) = match rest.split_once(' ') {
            Some((a, b)) => (a, b),
            None => (rest, ""),
        };
        let op = Opcode::parse(name).ok_or_else(|| err(n, &format!("unknown uop `{name}`")))?;
        let args: Vec<Value> = ops
            .split(',')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(|s| value(s, n))
            .collect::<Result<_, _>>()?;
        if args.len() != op.arity() {
            return Err(err(
                n,
                &format!("{} takes {} operands", op.name(), op.arity()),
            ));
        }
        if has_imm(op) != imm.is_some() {
            return Err(err(n, "immediate missing or not expected"));
        }
        let index = t.insts.len();
        match def {
            Some(d) => {
                let (v, ty) = d
                    .split_once(':')
                    .ok_or_else(|| err(n, "expected vN:type"))?;
                if value(v, n)?.0 as usize != index {
                    return Err(err(n, "values are numbered in order"));
                }
                if Ty::parse(ty) != Some(op.result()) {
                    return Err(err(
                        n,
                        &format!("{} gives {}", op.name(), op.result().name()),
                    ));
                }
            }
            None if op.result() != Ty::Void => {
                return Err(err(n, &format!("{} gives a value: name it", op.name())));
            }
            None => {}
        }
        t.push(op, &args, imm.unwrap_or(0), exit);
    }
    t.verify()?;
    Ok(t)
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEXT: &str = "trace anchor=12 locals=3 depth=1
  dep type 0x1000 7
  v0:obj = slot_get [2]
  guard_float v0 -> exit0
  v2:f64 = unbox_float v0
  loop
  v4:f64 = fadd v2, v2
  v5:obj = box_float v4
  v6:obj = incref v0
  slot_set v5 [2]
  v8:bool = fcmp v4, v2 [0]
  guard_true v8 -> exit1
  decref v6
  jump -> exit0
exit0: pc=12 stack=[]
exit1: pc=40 stack=[v6] error | func=0x5000 pc=8 locals=[v0, -, v6] stack=[v0] | func=0x6000 pc=2 locals=[v6] stack=[] init=v0
";

    #[test]
    fn prints_what_it_parses() {
        let t = parse(TEXT).expect("parses");
        assert_eq!(t.to_string(), TEXT);
        assert_eq!(t.insts.len(), 12);
        assert_eq!(t.loop_index(), Some(3));
        assert_eq!(t.exits[1].stack, vec![Value(6)]);
        assert!(t.exits[1].error);
        assert_eq!(
            t.exits[1].frames,
            vec![
                InlinedFrame {
                    func: 0x5000,
                    pc: 8,
                    locals: vec![Some(Value(0)), None, Some(Value(6))],
                    stack: vec![Value(0)],
                    init: None,
                },
                InlinedFrame {
                    func: 0x6000,
                    pc: 2,
                    locals: vec![Some(Value(6))],
                    stack: vec![],
                    init: Some(Value(0)),
                }
            ]
        );
        assert_eq!(
            t.exits[1].values().collect::<Vec<_>>(),
            [6, 0, 6, 0, 6, 0].map(Value)
        );
        assert_eq!(t.deps, vec![Dep::TypeVersion(0x1000, 7)]);
    }

    #[test]
    fn rejects_malformed_traces() {
        let bad = [
            ("trace anchor=0 locals=1 depth=0\n  v0:f64 = fadd v1, v2\n  exit -> exit0\nexit0: pc=0 stack=[]\n", "not defined"),
            ("trace anchor=0 locals=1 depth=0\n  v0:i64 = slot_get [1]\n  exit -> exit0\nexit0: pc=0 stack=[]\n", "gives obj"),
            ("trace anchor=0 locals=1 depth=0\n  v0:obj = slot_get [1]\n  guard_float v0\n  exit -> exit0\nexit0: pc=0 stack=[]\n", "needs an exit"),
            ("trace anchor=0 locals=1 depth=0\n  v0:obj = slot_get [1]\n", "ends with"),
            ("trace anchor=0 locals=1 depth=0\n  v0:obj = frobnicate\n", "unknown uop"),
        ];
        for (text, why) in bad {
            let e = parse(text).expect_err(text);
            assert!(e.contains(why), "{e} (wanted {why})");
        }
    }

    #[test]
    fn every_uop_round_trips() {
        for &op in Opcode::ALL {
            assert_eq!(Opcode::parse(op.name()), Some(op));
        }
    }
}
