//! Code generation: an optimized [`Trace`] to Cranelift IR to machine code in a
//! [`memory::CodeBlock`].
//!
//! **Entry.** A compiled trace is an `extern "C" fn(*mut JitContext) -> u32`: it
//! runs the loop until a guard fails or the eval breaker is set, writes the
//! interpreter state the exit describes into the frame, and returns the exit's
//! index. The context ([`JitContext`], `#[repr(C)]`) carries everything
//! thread-specific: the frame's slots and the thread's eval-breaker word, so one
//! executor serves every thread.
//!
//! **Values.** `obj` values are pointers (`i64`), `i64` and `f64` themselves, `bool`
//! an `i8`. Unboxed slots are Cranelift variables, which gives the loop header its
//! phis. Every guard branches to a cold block of its own (its *stub*), where the
//! values it needs are available: the stub boxes the unboxed slots back into the
//! frame (dropping what the frame held), pushes the exit's stack (a new reference
//! each), drops the owned values not consumed yet, and returns the exit index.
//!
//! **Calls.** Runtime helpers ([`crate::helpers`]) are called through their address
//! as a constant (`call_indirect`), so the code needs no relocations.

pub mod memory;

use std::collections::{HashMap, HashSet};
use std::sync::atomic::AtomicUsize;
use std::sync::OnceLock;

use cranelift_codegen::control::ControlPlane;
use cranelift_codegen::ir::condcodes::{FloatCC, IntCC};
use cranelift_codegen::ir::{
    types, AbiParam, Block, InstBuilder, MemFlagsData, Signature, StackSlotData, StackSlotKind,
};
use cranelift_codegen::isa::{CallConv, OwnedTargetIsa};
use cranelift_codegen::settings::{self, Configurable};
use cranelift_frontend::{FunctionBuilder, FunctionBuilderContext, Variable};

use crate::helpers;
use crate::ir::{Cond, ExitId, Opcode, Trace, Ty, Value};
use strand_heap::header::offsets;
use strand_heap::refcount::IMMORTAL_LOCAL;

/// Header offsets the inline reference counting uses.
const OB_REF_LOCAL: i32 = offsets::OB_REF_LOCAL as i32;
const OB_TID: i32 = offsets::OB_TID as i32;

/// What generated code needs from the thread that runs it.
#[repr(C)]
#[derive(Debug)]
pub struct JitContext {
    /// The frame's first slot (locals-plus, then the value stack): tagged stack
    /// references (the low bit marks an uncounted one).
    pub slots: *mut usize,
    /// The thread's eval-breaker word: nonzero makes the loop leave at its next
    /// back-edge.
    pub eval_breaker: *const AtomicUsize,
    /// The running thread's id as `ob_tid` holds it (strand-heap's
    /// `ThreadId::as_usize`): reference counts of objects this thread owns are
    /// changed inline, others through the helpers (biased reference counting).
    pub tid: usize,
    /// Where exits leave the values of inlined frames (counted references, null for
    /// an empty local): [`EXIT_BUFFER_WORDS`] words, of which an exit uses at most
    /// its executor's `exit_buffer_len`.
    pub exit_buf: *mut usize,
    /// Back-edges taken (iterations completed), counted by the generated code; the
    /// caller zeroes it before a run to learn whether the run got anywhere.
    pub iterations: usize,
}

/// `JitContext::iterations`' offset.
const ITERATIONS: i32 = std::mem::offset_of!(JitContext, iterations) as i32;

/// The most words of exit buffer a trace may need (values of inlined frames at one
/// exit); code generation refuses traces that need more.
pub const EXIT_BUFFER_WORDS: usize = 4096;

/// The machine code's signature.
pub type EntryFn = unsafe extern "C" fn(*mut JitContext) -> u32;

/// The host ISA, made once.
fn isa() -> Result<&'static OwnedTargetIsa, String> {
    static ISA: OnceLock<Result<OwnedTargetIsa, String>> = OnceLock::new();
    ISA.get_or_init(|| {
        let mut flags = settings::builder();
        // Cranelift's optimization level (`STRAND_JIT_OPT_LEVEL`: none, speed,
        // speed_and_size; default none). Traces reach Cranelift already optimized
        // (guards, unboxing, reference counts, the peeled loop's invariants in its
        // preamble), so "speed"'s e-graph pass finds next to nothing left: under
        // callgrind it made bank_sim's and raytrace's compiled code run no fewer
        // instructions while costing a fifth of their compile time.
        let level = std::env::var("STRAND_JIT_OPT_LEVEL").unwrap_or_else(|_| "none".into());
        flags.set("opt_level", &level).map_err(|e| e.to_string())?;
        // The register allocator (`STRAND_JIT_REGALLOC`: backtracking, single_pass;
        // default backtracking).
        let regalloc =
            std::env::var("STRAND_JIT_REGALLOC").unwrap_or_else(|_| "backtracking".into());
        flags
            .set("regalloc_algorithm", &regalloc)
            .map_err(|e| e.to_string())?;
        flags.set("is_pic", "false").map_err(|e| e.to_string())?;
        // The IR verifier costs a fifth of compile time; debug builds keep it.
        let verify = if cfg!(debug_assertions) {
            "true"
        } else {
            "false"
        };
        flags
            .set("enable_verifier", verify)
            .map_err(|e| e.to_string())?;
        let builder = cranelift_native::builder().map_err(|e| e.to_string())?;
        builder
            .finish(settings::Flags::new(flags))
            .map_err(|e| e.to_string())
    })
    .as_ref()
    .map_err(Clone::clone)
}

/// Compiles an optimized trace whose frame slots start at the context's `slots`.
///
/// # Errors
/// A description of what could not be compiled (a uop this code generator does not
/// handle, a Cranelift error); the interpreter then keeps interpreting the loop.
pub fn compile(t: &Trace) -> Result<memory::CodeBlock, String> {
    t.verify()?;
    for e in &t.exits {
        let words: usize = e
            .frames
            .iter()
            .map(|f| f.locals.len() + f.stack.len() + usize::from(f.init.is_some()))
            .sum();
        if words > EXIT_BUFFER_WORDS {
            return Err(format!("an exit needs {words} words of exit buffer"));
        }
    }
    let isa = isa()?;
    let ptr = isa.pointer_type();
    let mut func = cranelift_codegen::ir::Function::new();
    let mut sig = Signature::new(isa.default_call_conv());
    sig.params.push(AbiParam::new(ptr));
    sig.returns.push(AbiParam::new(types::I32));
    func.signature = sig;
    let mut fctx = FunctionBuilderContext::new();
    let mut b = FunctionBuilder::new(&mut func, &mut fctx);
    let entry = b.create_block();
    b.append_block_params_for_function_params(entry);
    b.switch_to_block(entry);
    let ctx = b.block_params(entry)[0];
    let mut g = Gen {
        t,
        b,
        ptr,
        call_conv: isa.default_call_conv(),
        slots: cranelift_codegen::ir::Value::from_u32(0),
        breaker: cranelift_codegen::ir::Value::from_u32(0),
        tid: cranelift_codegen::ir::Value::from_u32(0),
        exit_buf: cranelift_codegen::ir::Value::from_u32(0),
        ctx,
        vals: vec![None; t.insts.len()],
        slot_vars: HashMap::new(),
        defined_slots: HashSet::new(),
        header: None,
        owned: owned_lifetimes(t),
        writebacks: Vec::new(),
        stubs: HashMap::new(),
        loop_at: t.loop_index(),
        scratch: None,
    };
    let flags = MemFlagsData::trusted();
    g.slots = g.b.ins().load(ptr, flags, ctx, 0);
    g.breaker = g.b.ins().load(ptr, flags, ctx, 8);
    g.tid = g.b.ins().load(ptr, flags, ctx, 16);
    g.exit_buf = g.b.ins().load(ptr, flags, ctx, 24);
    for i in 0..t.insts.len() {
        g.lower(i)?;
    }
    g.emit_writebacks();
    g.b.seal_all_blocks();
    g.b.finalize(isa.frontend_config());
    let mut cctx = cranelift_codegen::Context::for_function(func);
    let compiled = cctx
        .compile(&**isa, &mut ControlPlane::default())
        .map_err(|e| format!("cranelift: {:?}", e.inner))?;
    if !compiled.buffer.relocs().is_empty() {
        return Err("the machine code needs relocations".into());
    }
    memory::CodeBlock::new(compiled.code_buffer()).map_err(|e| e.to_string())
}

/// For every owned value: `(defining index, consuming index)` (the latter
/// `usize::MAX` if nothing consumes it).
fn owned_lifetimes(t: &Trace) -> Vec<(usize, usize, Value)> {
    let mut out = Vec::new();
    for (d, inst) in t.insts.iter().enumerate() {
        if inst.op.owns_result() {
            let v = Value(d as u32);
            let c = t.insts[d + 1..]
                .iter()
                .position(|u| u.op.consumes().is_some_and(|k| u.args[k] == v))
                .map_or(usize::MAX, |k| d + 1 + k);
            out.push((d, c, v));
        }
    }
    out
}

/// An exit stub's key: exit index, in the loop body, owned values live, unboxed slots
/// defined.
type StubKey = (u32, bool, Vec<Value>, Vec<i64>);

struct Gen<'a, 'f> {
    t: &'a Trace,
    b: FunctionBuilder<'f>,
    ptr: cranelift_codegen::ir::Type,
    call_conv: CallConv,
    slots: cranelift_codegen::ir::Value,
    breaker: cranelift_codegen::ir::Value,
    tid: cranelift_codegen::ir::Value,
    exit_buf: cranelift_codegen::ir::Value,
    /// The context pointer (the entry's parameter).
    ctx: cranelift_codegen::ir::Value,
    vals: Vec<Option<cranelift_codegen::ir::Value>>,
    /// Unboxed slots: their variable and representation.
    slot_vars: HashMap<i64, (Variable, Ty)>,
    /// Unboxed slots given a value so far (in instruction order).
    defined_slots: HashSet<i64>,
    header: Option<Block>,
    owned: Vec<(usize, usize, Value)>,
    /// Exit stubs made so far, by what their code depends on: the exit, whether the
    /// guard is in the loop body, the owned values live there and the unboxed slots
    /// defined there. Guards with the same key branch to one stub (an instruction's
    /// guards share their exit; a stub per guard made traces' code and compile time
    /// grow with every guard).
    stubs: HashMap<StubKey, Block>,
    /// The index of the trace's `loop` instruction, if any.
    loop_at: Option<usize>,
    /// Exit write-back blocks, by the unboxed slots they write back.
    writebacks: Vec<(Vec<i64>, Block)>,
    /// The stack slot exit stubs spill the values whose counts they change to
    /// (`exit_refs`), sized for the stub with the most.
    scratch: Option<cranelift_codegen::ir::StackSlot>,
}

fn clif_ty(ty: Ty) -> cranelift_codegen::ir::Type {
    match ty {
        Ty::F64 => types::F64,
        Ty::Bool => types::I8,
        _ => types::I64,
    }
}

fn int_cc(c: Cond) -> IntCC {
    match c {
        Cond::Lt => IntCC::SignedLessThan,
        Cond::Le => IntCC::SignedLessThanOrEqual,
        Cond::Eq => IntCC::Equal,
        Cond::Ne => IntCC::NotEqual,
        Cond::Gt => IntCC::SignedGreaterThan,
        Cond::Ge => IntCC::SignedGreaterThanOrEqual,
    }
}

fn float_cc(c: Cond) -> FloatCC {
    match c {
        Cond::Lt => FloatCC::LessThan,
        Cond::Le => FloatCC::LessThanOrEqual,
        Cond::Eq => FloatCC::Equal,
        // Python: NaN != x is true.
        Cond::Ne => FloatCC::NotEqual,
        Cond::Gt => FloatCC::GreaterThan,
        Cond::Ge => FloatCC::GreaterThanOrEqual,
    }
}

impl Gen<'_, '_> {
    fn val(&self, v: Value) -> cranelift_codegen::ir::Value {
        self.vals[v.0 as usize].expect("operands are lowered before use")
    }

    fn arg(&self, i: usize, k: usize) -> cranelift_codegen::ir::Value {
        self.val(self.t.insts[i].args[k])
    }

    /// Calls a helper at `addr`.
    fn call(
        &mut self,
        addr: usize,
        params: &[cranelift_codegen::ir::Type],
        ret: Option<cranelift_codegen::ir::Type>,
        args: &[cranelift_codegen::ir::Value],
    ) -> Option<cranelift_codegen::ir::Value> {
        let mut sig = Signature::new(self.call_conv);
        sig.params.extend(params.iter().map(|t| AbiParam::new(*t)));
        sig.returns.extend(ret.map(AbiParam::new));
        let sigref = self.b.import_signature(sig);
        let callee = self.b.ins().iconst(self.ptr, addr as i64);
        let inst = self.b.ins().call_indirect(sigref, callee, args);
        self.b.inst_results(inst).first().copied()
    }

    /// Drops a reference to object `v`: inline when this thread owns the object and
    /// the count stays above zero (strand-heap's `decref_core` fast path), else
    /// through the helper (shared counts, the last reference).
    fn decref(&mut self, v: cranelift_codegen::ir::Value) {
        let flags = MemFlagsData::trusted();
        let local = self.b.ins().load(types::I32, flags, v, OB_REF_LOCAL);
        let immortal =
            self.b
                .ins()
                .icmp_imm_s(IntCC::Equal, local, i64::from(IMMORTAL_LOCAL as i32));
        let check = self.b.create_block();
        let fast = self.b.create_block();
        let slow = self.b.create_block();
        let join = self.b.create_block();
        self.b.set_cold_block(slow);
        self.b.ins().brif(immortal, join, &[], check, &[]);
        self.b.switch_to_block(check);
        let owner = self.b.ins().load(self.ptr, flags, v, OB_TID);
        let mine = self.b.ins().icmp(IntCC::Equal, owner, self.tid);
        let above_one = self
            .b
            .ins()
            .icmp_imm_s(IntCC::UnsignedGreaterThan, local, 1);
        let both = self.b.ins().band(mine, above_one);
        self.b.ins().brif(both, fast, &[], slow, &[]);
        self.b.switch_to_block(fast);
        let new = self.b.ins().iadd_imm_s(local, -1);
        self.b.ins().store(flags, new, v, OB_REF_LOCAL);
        self.b.ins().jump(join, &[]);
        self.b.switch_to_block(slow);
        self.call(
            helpers::decref as *const () as usize,
            &[self.ptr],
            None,
            &[v],
        );
        self.b.ins().jump(join, &[]);
        self.b.switch_to_block(join);
    }

    /// Adds a reference to object `v`: inline when this thread owns it (or it is
    /// immortal), else through the helper.
    fn incref(&mut self, v: cranelift_codegen::ir::Value) {
        let flags = MemFlagsData::trusted();
        let local = self.b.ins().load(types::I32, flags, v, OB_REF_LOCAL);
        let new = self.b.ins().iadd_imm_s(local, 1);
        let immortal = self.b.ins().icmp_imm_s(IntCC::Equal, new, 0);
        let check = self.b.create_block();
        let fast = self.b.create_block();
        let slow = self.b.create_block();
        let join = self.b.create_block();
        self.b.set_cold_block(slow);
        self.b.ins().brif(immortal, join, &[], check, &[]);
        self.b.switch_to_block(check);
        let owner = self.b.ins().load(self.ptr, flags, v, OB_TID);
        let mine = self.b.ins().icmp(IntCC::Equal, owner, self.tid);
        self.b.ins().brif(mine, fast, &[], slow, &[]);
        self.b.switch_to_block(fast);
        self.b.ins().store(flags, new, v, OB_REF_LOCAL);
        self.b.ins().jump(join, &[]);
        self.b.switch_to_block(slow);
        self.call(
            helpers::incref as *const () as usize,
            &[self.ptr],
            None,
            &[v],
        );
        self.b.ins().jump(join, &[]);
        self.b.switch_to_block(join);
    }

    /// Drops a tagged stack reference (counted, non-null ones only).
    fn drop_stackref(&mut self, old: cranelift_codegen::ir::Value) {
        let low = self.b.ins().band_imm_s(old, 1);
        let counted = self.b.ins().icmp_imm_s(IntCC::Equal, low, 0);
        let nonnull = self.b.ins().icmp_imm_s(IntCC::NotEqual, old, 0);
        let both = self.b.ins().band(counted, nonnull);
        let dec = self.b.create_block();
        let join = self.b.create_block();
        self.b.set_cold_block(dec);
        self.b.ins().brif(both, dec, &[], join, &[]);
        self.b.switch_to_block(dec);
        self.decref(old);
        self.b.ins().jump(join, &[]);
        self.b.switch_to_block(join);
    }

    fn slot_addr_offset(&self, slot: i64) -> i32 {
        (slot * 8) as i32
    }

    /// Branches to a stub for instruction `i`'s exit unless `pass` is true.
    fn guard(&mut self, i: usize, pass: cranelift_codegen::ir::Value) -> Result<(), String> {
        let exit = self.t.insts[i].exit.ok_or("a guard without an exit")?;
        let cont = self.b.create_block();
        let key = self.stub_key(i, exit);
        if let Some(&stub) = self.stubs.get(&key) {
            // The stub's code is what this guard's would be: what it writes was
            // computed before the first guard that made it, which precedes this one
            // on the trace's only path.
            self.b.ins().brif(pass, cont, &[], stub, &[]);
            self.b.switch_to_block(cont);
            return Ok(());
        }
        let stub = self.b.create_block();
        self.b.set_cold_block(stub);
        self.b.ins().brif(pass, cont, &[], stub, &[]);
        self.b.switch_to_block(stub);
        self.emit_exit(i, exit);
        self.b.switch_to_block(cont);
        self.stubs.insert(key, stub);
        Ok(())
    }

    /// The owned values an exit taken at instruction `i` must release or hand over:
    /// defined before `i` and still in use at it.
    fn owned_live_at(&self, i: usize) -> Vec<Value> {
        self.owned
            .iter()
            .filter(|(d, c, _)| *d < i && i <= *c)
            .map(|x| x.2)
            .collect()
    }

    /// What the stub of exit `exit` taken at instruction `i` depends on (see `stubs`).
    fn stub_key(&self, i: usize, exit: ExitId) -> StubKey {
        let in_body = self.loop_at.is_some_and(|lp| i > lp);
        let live = self.owned_live_at(i);
        let mut slots: Vec<i64> = self
            .slot_vars
            .keys()
            .filter(|s| self.defined_slots.contains(*s))
            .copied()
            .collect();
        slots.sort_unstable();
        (exit.0, in_body, live, slots)
    }

    /// The code of an exit taken at instruction `i` (see the module docs).
    fn emit_exit(&mut self, i: usize, exit: ExitId) {
        let flags = MemFlagsData::trusted();
        // The stack the interpreter resumes with.
        let e = &self.t.exits[exit.0 as usize];
        let base = i64::from(self.t.stack_base());
        let live = self.owned_live_at(i);
        let mut moved: HashSet<Value> = HashSet::new();
        // Values the exit hands out a new reference to.
        let mut inc = Vec::new();
        // Where each value goes: the frame's stack, then the exit buffer (inlined
        // frames' locals and stacks, in `ExitInfo` order; empty locals stay null).
        let mut dests: Vec<(cranelift_codegen::ir::Value, i32, Option<Value>)> = e
            .stack
            .iter()
            .enumerate()
            .map(|(k, &v)| (self.slots, self.slot_addr_offset(base + k as i64), Some(v)))
            .collect();
        if !e.frames.is_empty() {
            let buf = self.exit_buf;
            let mut k = 0i32;
            for f in &e.frames {
                for v in f
                    .locals
                    .iter()
                    .copied()
                    .chain(f.stack.iter().map(|v| Some(*v)))
                    .chain(f.init.map(Some))
                {
                    dests.push((buf, k * 8, v));
                    k += 1;
                }
            }
        }
        for (base, off, v) in dests {
            let Some(v) = v else {
                let zero = self.b.ins().iconst(types::I64, 0);
                self.b.ins().store(flags, zero, base, off);
                continue;
            };
            let x = self.val(v);
            let ty = self.t.ty(v);
            let def = self.t.def(v);
            let null = def.op == Opcode::ConstObj && def.imm == 0;
            let obj = if ty == Ty::Obj {
                if null {
                    // A NULL entry (below a callable): nothing to count.
                } else if live.contains(&v) && moved.insert(v) {
                    // An owned value moves to the interpreter.
                } else {
                    inc.push(x);
                }
                x
            } else {
                self.box_value(x, ty)
            };
            self.b.ins().store(flags, obj, base, off);
        }
        let dec: Vec<_> = live
            .iter()
            .filter(|v| !moved.contains(v))
            .map(|&v| self.val(v))
            .collect();
        self.exit_refs(&inc, &dec);
        let r = self.b.ins().iconst(types::I32, i64::from(exit.0));
        // Then the unboxed slots back into the frame: code shared by every exit that
        // has the same unboxed slots defined (all of the body's exits).
        let mut unboxed: Vec<i64> = self
            .slot_vars
            .keys()
            .filter(|s| self.defined_slots.contains(*s))
            .copied()
            .collect();
        if unboxed.is_empty() {
            self.b.ins().return_(&[r]);
            return;
        }
        unboxed.sort_unstable();
        let block = match self.writebacks.iter().find(|(set, _)| *set == unboxed) {
            Some((_, b)) => *b,
            None => {
                let b = self.b.create_block();
                self.b.append_block_param(b, types::I32);
                self.b.set_cold_block(b);
                self.writebacks.push((unboxed, b));
                b
            }
        };
        self.b.ins().jump(block, &[r.into()]);
    }

    /// An exit stub's reference counting: a new reference to each of `inc`, then one
    /// dropped of each of `dec`. Stubs are cold and numerous, so this is
    /// straight-line code calling helpers (one for a single change, else one call
    /// over the values spilled to the shared scratch slot) rather than the inline
    /// fast paths, whose four blocks per value made the stubs most of a trace's
    /// code and compile time.
    fn exit_refs(
        &mut self,
        inc: &[cranelift_codegen::ir::Value],
        dec: &[cranelift_codegen::ir::Value],
    ) {
        match (inc, dec) {
            ([], []) => {}
            ([x], []) => {
                self.call(
                    helpers::incref as *const () as usize,
                    &[self.ptr],
                    None,
                    &[*x],
                );
            }
            ([], [x]) => {
                self.call(
                    helpers::decref as *const () as usize,
                    &[self.ptr],
                    None,
                    &[*x],
                );
            }
            _ => {
                let n = inc.len() + dec.len();
                let slot = match self.scratch {
                    Some(s) => s,
                    None => {
                        let s = self.b.create_sized_stack_slot(StackSlotData::new(
                            StackSlotKind::ExplicitSlot,
                            0,
                            3,
                        ));
                        self.scratch = Some(s);
                        s
                    }
                };
                let size = &mut self.b.func.sized_stack_slots[slot].size;
                *size = (*size).max((n * 8) as u32);
                let p = self.b.ins().stack_addr(self.ptr, slot, 0);
                let flags = MemFlagsData::trusted();
                for (k, &x) in inc.iter().chain(dec).enumerate() {
                    self.b.ins().store(flags, x, p, (k * 8) as i32);
                }
                let ni = self.b.ins().iconst(types::I64, inc.len() as i64);
                let nd = self.b.ins().iconst(types::I64, dec.len() as i64);
                self.call(
                    helpers::exit_refs as *const () as usize,
                    &[self.ptr, types::I64, types::I64],
                    None,
                    &[p, ni, nd],
                );
            }
        }
    }

    /// The shared write-back blocks' code: box each unboxed slot's register into the
    /// frame (dropping what the frame held), then return the exit index the block got.
    fn emit_writebacks(&mut self) {
        let flags = MemFlagsData::trusted();
        for (slots, block) in std::mem::take(&mut self.writebacks) {
            self.b.switch_to_block(block);
            let r = self.b.block_params(block)[0];
            for slot in slots {
                let (var, ty) = self.slot_vars[&slot];
                let x = self.b.use_var(var);
                let boxed = self.box_value(x, ty);
                let off = self.slot_addr_offset(slot);
                let old = self.b.ins().load(types::I64, flags, self.slots, off);
                self.b.ins().store(flags, boxed, self.slots, off);
                self.drop_stackref(old);
            }
            self.b.ins().return_(&[r]);
        }
    }

    /// A new reference to a boxed `x` of representation `ty`.
    fn box_value(
        &mut self,
        x: cranelift_codegen::ir::Value,
        ty: Ty,
    ) -> cranelift_codegen::ir::Value {
        match ty {
            Ty::F64 => self
                .call(
                    helpers::box_float as *const () as usize,
                    &[types::F64],
                    Some(self.ptr),
                    &[x],
                )
                .expect("a result"),
            Ty::I64 => self
                .call(
                    helpers::box_int as *const () as usize,
                    &[types::I64],
                    Some(self.ptr),
                    &[x],
                )
                .expect("a result"),
            Ty::Bool => {
                let t = self.b.ins().iconst(self.ptr, true_addr() as i64);
                let f = self.b.ins().iconst(self.ptr, false_addr() as i64);
                self.b.ins().select(x, t, f)
            }
            _ => x,
        }
    }

    fn lower(&mut self, i: usize) -> Result<(), String> {
        use Opcode::*;
        let flags = MemFlagsData::trusted();
        let inst = self.t.insts[i].clone();
        let imm = inst.imm;
        let ptr = self.ptr;
        let result: Option<cranelift_codegen::ir::Value> = match inst.op {
            SlotGet | StackGet => {
                let off = self.slot_addr_offset(imm);
                let v = self.b.ins().load(types::I64, flags, self.slots, off);
                Some(self.b.ins().band_imm_s(v, !1i64))
            }
            StackTake => {
                // The slot's reference becomes the trace's; an uncounted one (a
                // deferred or borrowed object) gets the count it lacks.
                let off = self.slot_addr_offset(imm);
                let w = self.b.ins().load(types::I64, flags, self.slots, off);
                let x = self.b.ins().band_imm_s(w, !1i64);
                let low = self.b.ins().band_imm_s(w, 1);
                let inc = self.b.create_block();
                let join = self.b.create_block();
                self.b.set_cold_block(inc);
                self.b.ins().brif(low, inc, &[], join, &[]);
                self.b.switch_to_block(inc);
                self.incref(x);
                self.b.ins().jump(join, &[]);
                self.b.switch_to_block(join);
                Some(x)
            }
            BufTake => {
                // An exit stored a counted reference (untagged) there.
                if !(0..EXIT_BUFFER_WORDS as i64).contains(&imm) {
                    return Err(format!("buf_take [{imm}] is outside the exit buffer"));
                }
                let off = (imm * 8) as i32;
                Some(self.b.ins().load(types::I64, flags, self.exit_buf, off))
            }
            SlotSet => {
                let v = self.arg(i, 0);
                let off = self.slot_addr_offset(imm);
                let old = self.b.ins().load(types::I64, flags, self.slots, off);
                self.b.ins().store(flags, v, self.slots, off);
                self.drop_stackref(old);
                None
            }
            SlotGetF64 | SlotGetI64 => {
                let (var, _) = *self
                    .slot_vars
                    .get(&imm)
                    .ok_or("an unboxed slot read before it is set")?;
                Some(self.b.use_var(var))
            }
            SlotSetF64 | SlotSetI64 => {
                let ty = if inst.op == SlotSetF64 {
                    Ty::F64
                } else {
                    Ty::I64
                };
                let var = match self.slot_vars.get(&imm) {
                    Some((v, _)) => *v,
                    None => {
                        let v = self.b.declare_var(clif_ty(ty));
                        self.slot_vars.insert(imm, (v, ty));
                        v
                    }
                };
                let x = self.arg(i, 0);
                self.b.def_var(var, x);
                self.defined_slots.insert(imm);
                None
            }
            ConstObj | ConstI64 => Some(self.b.ins().iconst(types::I64, imm)),
            ConstF64 => Some(self.b.ins().f64const(f64::from_bits(imm as u64))),
            GuardNotNull => {
                let a = self.arg(i, 0);
                let pass = self.b.ins().icmp_imm_s(IntCC::NotEqual, a, 0);
                self.guard(i, pass)?;
                None
            }
            GuardType | GuardFloat | GuardSmallInt => {
                let a = self.arg(i, 0);
                let vt = match inst.op {
                    GuardType => imm,
                    GuardFloat => float_vtable() as i64,
                    _ => int_vtable() as i64,
                };
                let t =
                    self.b
                        .ins()
                        .load(ptr, flags, a, strand_heap::header::offsets::OB_TYPE as i32);
                let pass = self.b.ins().icmp_imm_s(IntCC::Equal, t, vt);
                self.guard(i, pass)?;
                if inst.op == GuardSmallInt {
                    let big =
                        self.b
                            .ins()
                            .load(ptr, flags, a, strand_objects::int::BIG_OFFSET as i32);
                    let pass = self.b.ins().icmp_imm_s(IntCC::Equal, big, 0);
                    self.guard(i, pass)?;
                }
                None
            }
            GuardIs | GuardIsNot => {
                let a = self.arg(i, 0);
                let cc = if inst.op == GuardIs {
                    IntCC::Equal
                } else {
                    IntCC::NotEqual
                };
                let pass = self.b.ins().icmp_imm_s(cc, a, imm);
                self.guard(i, pass)?;
                None
            }
            GuardTrue => {
                let a = self.arg(i, 0);
                self.guard(i, a)?;
                None
            }
            GuardFalse => {
                let a = self.arg(i, 0);
                let pass = self.b.ins().icmp_imm_s(IntCC::Equal, a, 0);
                self.guard(i, pass)?;
                None
            }
            GuardTypeVersion => {
                // Inline (helpers::type_version's read): the version tag of the type
                // whose vtable `ob_type` points at.
                let a = self.arg(i, 0);
                let vt =
                    self.b
                        .ins()
                        .load(ptr, flags, a, strand_heap::header::offsets::OB_TYPE as i32);
                let off = strand_objects::typeobj::VERSION_OFFSET as i64
                    - strand_objects::typeobj::VTABLE_OFFSET as i64;
                let v = self.b.ins().load(types::I32, flags, vt, off as i32);
                let pass = self.b.ins().icmp_imm_s(IntCC::Equal, v, imm & 0xffff_ffff);
                self.guard(i, pass)?;
                None
            }
            GuardFuncVersion => {
                // Inline (helpers::function_version's read); the recorder guards the
                // callable's identity first, so `a` is a function.
                let a = self.arg(i, 0);
                let off = strand_objects::function::VERSION_OFFSET as i32;
                let v = self.b.ins().load(types::I32, flags, a, off);
                let pass = self.b.ins().icmp_imm_s(IntCC::Equal, v, imm & 0xffff_ffff);
                self.guard(i, pass)?;
                None
            }
            GuardDictKeys => {
                let a = self.arg(i, 0);
                let f = helpers::dict_keys_version as *const () as usize;
                let v = self
                    .call(f, &[ptr], Some(types::I32), &[a])
                    .expect("a result");
                let pass = self.b.ins().icmp_imm_s(IntCC::Equal, v, imm & 0xffff_ffff);
                self.guard(i, pass)?;
                None
            }
            UnboxInt => {
                let a = self.arg(i, 0);
                Some(self.b.ins().load(
                    types::I64,
                    flags,
                    a,
                    strand_objects::int::VALUE_OFFSET as i32,
                ))
            }
            UnboxFloat => {
                let a = self.arg(i, 0);
                Some(self.b.ins().load(
                    types::F64,
                    flags,
                    a,
                    strand_objects::float::VALUE_OFFSET as i32,
                ))
            }
            BoxInt => {
                let a = self.arg(i, 0);
                Some(self.box_value(a, Ty::I64))
            }
            BoxFloat => {
                let a = self.arg(i, 0);
                Some(self.box_value(a, Ty::F64))
            }
            BoxBool => {
                let a = self.arg(i, 0);
                Some(self.box_value(a, Ty::Bool))
            }
            IntToFloat => {
                let a = self.arg(i, 0);
                Some(self.b.ins().fcvt_from_sint(types::F64, a))
            }
            IAdd | ISub | IMul => {
                let (a, c) = (self.arg(i, 0), self.arg(i, 1));
                let (r, of) = match inst.op {
                    IAdd => self.b.ins().sadd_overflow(a, c),
                    ISub => self.b.ins().ssub_overflow(a, c),
                    _ => self.b.ins().smul_overflow(a, c),
                };
                let pass = self.b.ins().icmp_imm_s(IntCC::Equal, of, 0);
                self.guard(i, pass)?;
                Some(r)
            }
            IFloorDiv | IMod => {
                // Python's floor division and modulo from the machine's truncating
                // ones (CPython's `i_divmod` in Objects/longobject.c): when the
                // remainder is nonzero and its sign differs from the divisor's, the
                // quotient goes one down and the remainder one divisor up.
                let (a, c) = (self.arg(i, 0), self.arg(i, 1));
                let nonzero = self.b.ins().icmp_imm_s(IntCC::NotEqual, c, 0);
                let a_min = self.b.ins().icmp_imm_s(IntCC::Equal, a, i64::MIN);
                let c_m1 = self.b.ins().icmp_imm_s(IntCC::Equal, c, -1);
                let overflow = self.b.ins().band(a_min, c_m1);
                let no_overflow = self.b.ins().bxor_imm_u(overflow, 1);
                let pass = self.b.ins().band(nonzero, no_overflow);
                self.guard(i, pass)?;
                let q = self.b.ins().sdiv(a, c);
                let r = self.b.ins().srem(a, c);
                let r_nonzero = self.b.ins().icmp_imm_s(IntCC::NotEqual, r, 0);
                let signs = self.b.ins().bxor(r, c);
                let differ = self.b.ins().icmp_imm_s(IntCC::SignedLessThan, signs, 0);
                let adjust = self.b.ins().band(r_nonzero, differ);
                Some(if inst.op == IFloorDiv {
                    let one = self.b.ins().uextend(types::I64, adjust);
                    self.b.ins().isub(q, one)
                } else {
                    let zero = self.b.ins().iconst(types::I64, 0);
                    let add = self.b.ins().select(adjust, c, zero);
                    self.b.ins().iadd(r, add)
                })
            }
            IAnd | IOr | IXor => {
                let (a, c) = (self.arg(i, 0), self.arg(i, 1));
                Some(match inst.op {
                    IAnd => self.b.ins().band(a, c),
                    IOr => self.b.ins().bor(a, c),
                    _ => self.b.ins().bxor(a, c),
                })
            }
            FAdd | FSub | FMul => {
                let (a, c) = (self.arg(i, 0), self.arg(i, 1));
                Some(match inst.op {
                    FAdd => self.b.ins().fadd(a, c),
                    FSub => self.b.ins().fsub(a, c),
                    _ => self.b.ins().fmul(a, c),
                })
            }
            FMath => {
                let a = self.arg(i, 0);
                let f = crate::ir::MathFn::from_imm(imm).ok_or("bad math function")?;
                let r = if f == crate::ir::MathFn::Sqrt {
                    self.b.ins().sqrt(a)
                } else {
                    let which = self.b.ins().iconst(types::I64, imm);
                    self.call(
                        helpers::math_fn as *const () as usize,
                        &[types::F64, types::I64],
                        Some(types::F64),
                        &[a, which],
                    )
                    .ok_or("no result")?
                };
                // The `math` module raises for a NaN from a number and for an
                // infinity from a finite number.
                let r_nan = self.b.ins().fcmp(FloatCC::Unordered, r, r);
                let a_num = self.b.ins().fcmp(FloatCC::Ordered, a, a);
                let bad_nan = self.b.ins().band(r_nan, a_num);
                let inf = self.b.ins().f64const(f64::INFINITY);
                let r_abs = self.b.ins().fabs(r);
                let r_inf = self.b.ins().fcmp(FloatCC::Equal, r_abs, inf);
                let a_abs = self.b.ins().fabs(a);
                let a_finite = self.b.ins().fcmp(FloatCC::LessThan, a_abs, inf);
                let bad_inf = self.b.ins().band(r_inf, a_finite);
                let bad = self.b.ins().bor(bad_nan, bad_inf);
                let pass = self.b.ins().bxor_imm_u(bad, 1);
                self.guard(i, pass)?;
                Some(r)
            }
            FPow => {
                let (a, c) = (self.arg(i, 0), self.arg(i, 1));
                let r = self
                    .call(
                        helpers::fpow as *const () as usize,
                        &[types::F64, types::F64],
                        Some(types::F64),
                        &[a, c],
                    )
                    .ok_or("no result")?;
                // 0 < a < inf, |b| < inf and |r| < inf (all false for a NaN).
                let zero = self.b.ins().f64const(0.0);
                let inf = self.b.ins().f64const(f64::INFINITY);
                let a_pos = self.b.ins().fcmp(FloatCC::GreaterThan, a, zero);
                let a_fin = self.b.ins().fcmp(FloatCC::LessThan, a, inf);
                let c_abs = self.b.ins().fabs(c);
                let c_fin = self.b.ins().fcmp(FloatCC::LessThan, c_abs, inf);
                let r_abs = self.b.ins().fabs(r);
                let r_fin = self.b.ins().fcmp(FloatCC::LessThan, r_abs, inf);
                let ok = self.b.ins().band(a_pos, a_fin);
                let ok = self.b.ins().band(ok, c_fin);
                let pass = self.b.ins().band(ok, r_fin);
                self.guard(i, pass)?;
                Some(r)
            }
            FDiv => {
                let (a, c) = (self.arg(i, 0), self.arg(i, 1));
                let zero = self.b.ins().f64const(0.0);
                let pass = self.b.ins().fcmp(FloatCC::NotEqual, c, zero);
                self.guard(i, pass)?;
                Some(self.b.ins().fdiv(a, c))
            }
            ICmp => {
                let (a, c) = (self.arg(i, 0), self.arg(i, 1));
                let cc = Cond::from_imm(imm).ok_or("bad condition")?;
                Some(self.b.ins().icmp(int_cc(cc), a, c))
            }
            FCmp => {
                let (a, c) = (self.arg(i, 0), self.arg(i, 1));
                let cc = Cond::from_imm(imm).ok_or("bad condition")?;
                Some(self.b.ins().fcmp(float_cc(cc), a, c))
            }
            IsObj => {
                let a = self.arg(i, 0);
                Some(self.b.ins().icmp_imm_s(IntCC::Equal, a, imm))
            }
            Not => {
                let a = self.arg(i, 0);
                Some(self.b.ins().icmp_imm_s(IntCC::Equal, a, 0))
            }
            ListLen => {
                let a = self.arg(i, 0);
                let f = helpers::list_len as *const () as usize;
                self.call(f, &[ptr], Some(types::I64), &[a])
            }
            // A tuple never changes: its length and items are read inline.
            TupleLen => {
                let a = self.arg(i, 0);
                let flags = MemFlagsData::trusted();
                Some(self.b.ins().load(
                    types::I64,
                    flags,
                    a,
                    strand_objects::tuple::LEN_OFFSET as i32,
                ))
            }
            TupleGet => {
                let (a, c) = (self.arg(i, 0), self.arg(i, 1));
                let flags = MemFlagsData::trusted();
                let n = self.b.ins().load(
                    types::I64,
                    flags,
                    a,
                    strand_objects::tuple::LEN_OFFSET as i32,
                );
                // A negative index counts from the end; one unsigned comparison then
                // rejects both ends.
                let from_end = self.b.ins().iadd(c, n);
                let negative = self.b.ins().icmp_imm_s(IntCC::SignedLessThan, c, 0);
                let k = self.b.ins().select(negative, from_end, c);
                let pass = self.b.ins().icmp(IntCC::UnsignedLessThan, k, n);
                self.guard(i, pass)?;
                let offset = self.b.ins().ishl_imm_u(k, 3);
                let at = self.b.ins().iadd(a, offset);
                Some(
                    self.b
                        .ins()
                        .load(ptr, flags, at, strand_objects::tuple::ITEMS_OFFSET as i32),
                )
            }
            ListGet => {
                let (a, c) = (self.arg(i, 0), self.arg(i, 1));
                let f = helpers::list_get as *const () as usize;
                let r = self
                    .call(f, &[ptr, types::I64], Some(ptr), &[a, c])
                    .expect("a result");
                let pass = self.b.ins().icmp_imm_s(IntCC::NotEqual, r, 0);
                self.guard(i, pass)?;
                Some(r)
            }
            ListSet => {
                let (a, c, d) = (self.arg(i, 0), self.arg(i, 1), self.arg(i, 2));
                let r = self
                    .call(
                        helpers::list_set as *const () as usize,
                        &[ptr, types::I64, ptr],
                        Some(types::I8),
                        &[a, c, d],
                    )
                    .expect("a result");
                let pass = self.b.ins().icmp_imm_s(IntCC::NotEqual, r, 0);
                self.guard(i, pass)?;
                None
            }
            RangeNext => {
                let a = self.arg(i, 0);
                let slot = self.b.create_sized_stack_slot(StackSlotData::new(
                    StackSlotKind::ExplicitSlot,
                    8,
                    3,
                ));
                let out = self.b.ins().stack_addr(ptr, slot, 0);
                let r = self
                    .call(
                        helpers::range_next as *const () as usize,
                        &[ptr, ptr],
                        Some(types::I8),
                        &[a, out],
                    )
                    .expect("a result");
                let pass = self.b.ins().icmp_imm_s(IntCC::Equal, r, 1);
                self.guard(i, pass)?;
                Some(self.b.ins().stack_load(ptr, types::I64, slot, 0))
            }
            ListUnpack => {
                let a = self.arg(i, 0);
                let n = u32::try_from(imm)
                    .ok()
                    .filter(|&n| n as usize <= crate::ir::MAX_UNPACK)
                    .ok_or("list_unpack of too many items")?;
                let slot = self.b.create_sized_stack_slot(StackSlotData::new(
                    StackSlotKind::ExplicitSlot,
                    8 * n.max(1),
                    3,
                ));
                let out = self.b.ins().stack_addr(ptr, slot, 0);
                let count = self.b.ins().iconst(types::I64, imm);
                let r = self
                    .call(
                        helpers::list_unpack as *const () as usize,
                        &[ptr, types::I64, ptr],
                        Some(types::I8),
                        &[a, count, out],
                    )
                    .expect("a result");
                let pass = self.b.ins().icmp_imm_s(IntCC::Equal, r, 1);
                self.guard(i, pass)?;
                Some(out)
            }
            UnpackItem => {
                let a = self.arg(i, 0);
                let offset = i32::try_from(imm * 8).map_err(|_| "unpack_item index")?;
                Some(self.b.ins().load(ptr, MemFlagsData::trusted(), a, offset))
            }
            ListIterNext => {
                let a = self.arg(i, 0);
                let r = self
                    .call(
                        helpers::list_iter_next as *const () as usize,
                        &[ptr],
                        Some(ptr),
                        &[a],
                    )
                    .expect("a result");
                let pass = self.b.ins().icmp_imm_s(IntCC::NotEqual, r, 0);
                self.guard(i, pass)?;
                Some(r)
            }
            DictEntry => {
                let a = self.arg(i, 0);
                let version = self.b.ins().iconst(types::I32, (imm >> 16) & 0xffff_ffff);
                let index = self.b.ins().iconst(types::I32, imm & 0xffff);
                let r = self
                    .call(
                        helpers::dict_entry as *const () as usize,
                        &[ptr, types::I32, types::I32],
                        Some(ptr),
                        &[a, version, index],
                    )
                    .expect("a result");
                let pass = self.b.ins().icmp_imm_s(IntCC::NotEqual, r, 0);
                self.guard(i, pass)?;
                Some(r)
            }
            InstanceDict => {
                let a = self.arg(i, 0);
                let r = self
                    .call(
                        helpers::instance_dict as *const () as usize,
                        &[ptr],
                        Some(ptr),
                        &[a],
                    )
                    .expect("a result");
                let pass = self.b.ins().icmp_imm_s(IntCC::NotEqual, r, 0);
                self.guard(i, pass)?;
                Some(r)
            }
            DictStore => {
                let (a, c) = (self.arg(i, 0), self.arg(i, 1));
                let version = self.b.ins().iconst(types::I32, (imm >> 16) & 0xffff_ffff);
                let index = self.b.ins().iconst(types::I32, imm & 0xffff);
                let r = self
                    .call(
                        helpers::dict_store as *const () as usize,
                        &[ptr, types::I32, types::I32, ptr],
                        Some(types::I8),
                        &[a, version, index, c],
                    )
                    .expect("a result");
                let pass = self.b.ins().icmp_imm_s(IntCC::NotEqual, r, 0);
                self.guard(i, pass)?;
                None
            }
            Incref => {
                let a = self.arg(i, 0);
                self.incref(a);
                Some(a)
            }
            Decref => {
                let a = self.arg(i, 0);
                self.decref(a);
                None
            }
            Call1 | Call2 | Call3 => {
                let h = helpers::registered(imm).ok_or("an unregistered helper")?;
                let n = inst.op.arity();
                let mut args: Vec<_> = (0..n).map(|k| self.arg(i, k)).collect();
                while args.len() < 3 {
                    args.push(self.b.ins().iconst(ptr, 0));
                }
                let r = self
                    .call(h as usize, &[ptr, ptr, ptr], Some(ptr), &args)
                    .expect("a result");
                let pass = self.b.ins().icmp_imm_s(IntCC::NotEqual, r, 0);
                self.guard(i, pass)?;
                Some(r)
            }
            Loop => {
                let header = self.b.create_block();
                self.b.ins().jump(header, &[]);
                self.b.switch_to_block(header);
                self.header = Some(header);
                None
            }
            Jump => {
                let header = self.header.ok_or("jump without a loop")?;
                let bits = self.b.ins().load(types::I64, flags, self.breaker, 0);
                let pass = self.b.ins().icmp_imm_s(IntCC::Equal, bits, 0);
                self.guard(i, pass)?;
                let n = self.b.ins().load(types::I64, flags, self.ctx, ITERATIONS);
                let n = self.b.ins().iadd_imm_s(n, 1);
                self.b.ins().store(flags, n, self.ctx, ITERATIONS);
                self.b.ins().jump(header, &[]);
                // Anything after (nothing in a valid trace) would be unreachable.
                let dead = self.b.create_block();
                self.b.switch_to_block(dead);
                None
            }
            Exit => {
                let exit = inst.exit.ok_or("exit without an exit")?;
                self.emit_exit(i, exit);
                let dead = self.b.create_block();
                self.b.switch_to_block(dead);
                None
            }
        };
        if let Some(r) = result {
            self.vals[i] = Some(r);
        }
        // The block after the last instruction is unreachable; close it.
        if i + 1 == self.t.insts.len() {
            let r = self.b.ins().iconst(types::I32, i64::from(u32::MAX));
            self.b.ins().return_(&[r]);
        }
        Ok(())
    }
}

/// The vtable address of exact ints.
fn int_vtable() -> usize {
    &strand_objects::int::INT_TYPE.vtable as *const _ as usize
}

/// The vtable address of exact floats.
fn float_vtable() -> usize {
    &strand_objects::float::FLOAT_TYPE.vtable as *const _ as usize
}

fn true_addr() -> usize {
    strand_objects::int::bool_obj(true).addr()
}

fn false_addr() -> usize {
    strand_objects::int::bool_obj(false).addr()
}
