//! `_pickle.Pickler` and the module's `dump` and `dumps` (CPython 3.11's
//! `save` and its helpers in Modules/_pickle.c).
//!
//! A pickler keeps its settings (protocol, the file's `write`, `persistent_id`,
//! `dispatch_table`, `buffer_callback`, `fast`, `bin`) and its memo in its
//! object. One `dump` runs in a `Dumper`: it copies the settings, takes the
//! memo out of the object for the time of the dump (and puts it back after,
//! whatever the outcome), and writes into a buffer that is flushed to the file
//! when a frame of protocol 4+ grows past 64 KiB and at the end.
//!
//! Each object is saved as the C pickler saves it: atoms (`None`, bools, ints,
//! floats) directly, then the memo, then bytes, str, dict, set, frozenset,
//! list, tuple, bytearray and PickleBuffer by type; then `reducer_override`;
//! then classes and functions as globals; then the reduction from the pickler's
//! `dispatch_table` (or `copyreg.dispatch_table`), `__reduce_ex__(proto)` or
//! `__reduce__()`, written with `REDUCE`/`NEWOBJ`/`NEWOBJ_EX`, `APPENDS`,
//! `SETITEMS` and `BUILD`.

use std::collections::HashSet;
use std::sync::Mutex;

use strand_heap::{HeapKind, ObjPtr, ObjectHeader};
use strand_objects::abstract_ as ab;
use strand_objects::args::Args;
use strand_objects::descr::{GetSetDef, MethodDef};
use strand_objects::exceptions::{self as exc, type_error, value_error};
use strand_objects::typeobj::{PyType, Slots, TypeFlags};
use strand_objects::{
    bytearray, bytes, dict, float, int, list, set, singletons, str as pystr, tuple, PyErr, PyObj,
    PyResult,
};

use super::memo::{self, PicklerMemo};
use super::picklebuffer;
use crate::modsupport;

/// Items per `APPENDS`/`SETITEMS`/`ADDITEMS` batch.
const BATCHSIZE: usize = 1000;
/// Nesting depth from which fast mode watches for cycles.
const FAST_NESTING_LIMIT: i32 = 50;
/// A frame shorter than this is written without its header.
const FRAME_SIZE_MIN: usize = 4;
/// A frame is closed once it reaches this size; larger payloads bypass frames.
const FRAME_SIZE_TARGET: usize = 64 * 1024;
/// `FRAME` and its 8-byte length.
const FRAME_HEADER_SIZE: usize = 9;

/// The settings and memo of a pickler.
#[derive(Default)]
pub struct PicklerState {
    /// The file's bound `write`; `None` until `__init__` ran.
    write: Option<PyObj>,
    proto: i32,
    bin: i32,
    fast: i32,
    fix_imports: bool,
    pers_func: Option<PyObj>,
    dispatch_table: Option<PyObj>,
    buffer_callback: Option<PyObj>,
    memo: PicklerMemo,
}

impl PicklerState {
    fn visit_refs(&self, visit: &mut dyn FnMut(ObjPtr)) {
        for o in [
            &self.write,
            &self.pers_func,
            &self.dispatch_table,
            &self.buffer_callback,
        ]
        .into_iter()
        .flatten()
        {
            visit(o.as_ptr());
        }
        self.memo.visit_refs(visit);
    }
}

/// The layout of `_pickle.Pickler` (subclasses extend it).
#[repr(C)]
pub struct PyPickler {
    header: ObjectHeader,
    state: Mutex<PicklerState>,
}

unsafe fn pickler_traverse(obj: ObjPtr, visit: &mut dyn FnMut(ObjPtr)) {
    // SAFETY: installed on Pickler layouts; the world is stopped.
    let p = unsafe { &*(obj.as_ptr() as *const PyPickler) };
    if let Ok(g) = p.state.try_lock() {
        g.visit_refs(visit);
    }
}

unsafe fn pickler_clear(obj: ObjPtr) {
    // SAFETY: installed on Pickler layouts; the collector keeps it alive.
    let p = unsafe { &*(obj.as_ptr() as *const PyPickler) };
    let taken = std::mem::take(&mut *modsupport::lock(&p.state));
    drop(taken);
}

unsafe fn pickler_dealloc(obj: ObjPtr) {
    // SAFETY: count zero and exclusive; the state was written by `pickler_new`.
    unsafe {
        let p = obj.as_ptr() as *mut PyPickler;
        std::ptr::drop_in_place(std::ptr::addr_of_mut!((*p).state));
        strand_objects::heaptype::dealloc_instance_memory(obj);
    }
}

strand_objects::builtin_type! {
    /// `_pickle.Pickler`.
    pub static PICKLER_TYPE = {
        name: "_pickle.Pickler",
        layout: PyPickler,
        itemsize: 0,
        kind: HeapKind::Gc,
        flags: TypeFlags::BASETYPE,
        traverse: Some(pickler_traverse),
        clear: Some(pickler_clear),
        dealloc: pickler_dealloc,
        size: None,
        slots: Slots {
            new: Some(pickler_new),
            init: Some(pickler_init),
            ..Slots::EMPTY
        },
    }
}

fn pickler_new(cls: &PyObj, _a: &[PyObj], _k: Option<&PyObj>) -> PyResult<PyObj> {
    let ty: &PyType = strand_objects::typeobj::expect_type(cls, "Pickler.__new__(X)")?;
    let obj = strand_objects::alloc::alloc_instance(ty, ty.basicsize());
    // SAFETY: a fresh allocation of a (sub)type of Pickler; the base layout is
    // written and the subclass's slots initialised before the object is finished.
    unsafe {
        let p = obj.as_ptr().as_ptr() as *mut PyPickler;
        std::ptr::addr_of_mut!((*p).state).write(Mutex::new(PicklerState::default()));
        strand_objects::heaptype::init_slots_region(ty, &obj);
        strand_objects::alloc::finish_instance(ty, &obj);
    }
    Ok(obj)
}

fn state_of(o: &PyObj) -> PyResult<&Mutex<PicklerState>> {
    if !o.is_instance_of(&PICKLER_TYPE) {
        return Err(type_error(format!(
            "descriptor requires a '_pickle.Pickler' object but received a '{}'",
            o.ty().name()
        )));
    }
    // SAFETY: checked: the object has the Pickler layout (subclasses extend it).
    Ok(&unsafe { o.payload_unchecked::<PyPickler>() }.state)
}

/// Runs `f` on the memo of the pickler `o` (a memo proxy's owner).
pub fn with_memo<R>(o: &PyObj, f: impl FnOnce(&mut PicklerMemo) -> R) -> R {
    match state_of(o) {
        Ok(s) => f(&mut modsupport::lock(s).memo),
        Err(_) => f(&mut PicklerMemo::default()),
    }
}

/// The protocol argument (CPython's `_Pickler_SetProtocol`): `None` is the
/// default, a negative number the highest.
fn protocol_arg(p: Option<&PyObj>) -> PyResult<i32> {
    match p {
        None => Ok(super::DEFAULT_PROTOCOL),
        Some(p) if singletons::is_none(p) => Ok(super::DEFAULT_PROTOCOL),
        Some(p) => {
            let v = int::to_bigint(&ab::index(p)?);
            if v.sign() == num_bigint::Sign::Minus {
                return Ok(super::HIGHEST_PROTOCOL);
            }
            match i64::try_from(&v) {
                Ok(v) if v <= super::HIGHEST_PROTOCOL as i64 => Ok(v as i32),
                Ok(_) => Err(value_error(format!(
                    "pickle protocol must be <= {}",
                    super::HIGHEST_PROTOCOL
                ))),
                Err(_) => Err(exc::overflow_error(
                    "Python int too large to convert to C long",
                )),
            }
        }
    }
}

/// A buffer callback argument (`None` means none); protocol 5 is needed.
fn buffer_callback_arg(cb: Option<&PyObj>, proto: i32) -> PyResult<Option<PyObj>> {
    match cb {
        Some(cb) if !singletons::is_none(cb) => {
            if proto < 5 {
                return Err(value_error("buffer_callback needs protocol >= 5"));
            }
            Ok(Some(cb.clone()))
        }
        _ => Ok(None),
    }
}

/// The file's `write` (CPython's `_Pickler_SetOutputStream`).
fn write_of(file: &PyObj) -> PyResult<PyObj> {
    ab::getattr_opt(file, &pystr::intern("write"))?
        .ok_or_else(|| type_error("file must have a 'write' attribute"))
}

/// `Pickler(file, protocol=None, fix_imports=True, buffer_callback=None)`.
fn pickler_init(o: &PyObj, a: &[PyObj], k: Option<&PyObj>) -> PyResult<()> {
    let b = Args::new(a, k).bind(
        "Pickler",
        0,
        &["file", "protocol", "fix_imports", "buffer_callback"],
        1,
    )?;
    let proto = protocol_arg(b[1])?;
    let fix_imports = super::flag(b[2], true)?;
    let write = write_of(b[0].expect("required"))?;
    let buffer_callback = buffer_callback_arg(b[3], proto)?;
    let st = state_of(o)?;
    {
        let mut g = modsupport::lock(st);
        let old_table = g.dispatch_table.take();
        let old = std::mem::take(&mut *g);
        *g = PicklerState {
            write: Some(write),
            proto,
            bin: i32::from(proto > 0),
            fast: 0,
            fix_imports: fix_imports && proto < 3,
            pers_func: None,
            // A re-initialised pickler keeps its table, as in CPython.
            dispatch_table: if old.write.is_some() { None } else { old_table },
            buffer_callback,
            memo: PicklerMemo::default(),
        };
        drop(g);
        drop(old);
    }
    let pers = ab::getattr_opt(o, &pystr::intern("persistent_id"))?;
    let has_table = modsupport::lock(st).dispatch_table.is_some();
    let table = if has_table {
        None
    } else {
        ab::getattr_opt(o, &pystr::intern("dispatch_table"))?
    };
    let mut g = modsupport::lock(st);
    g.pers_func = pers;
    if !has_table {
        g.dispatch_table = table;
    }
    Ok(())
}

// ---------------------------------------------------------------------------------
// The output
// ---------------------------------------------------------------------------------

/// One dump: the settings it runs with, its memo and its output.
struct Dumper {
    proto: i32,
    bin: bool,
    fast: bool,
    fix_imports: bool,
    pers_func: Option<PyObj>,
    dispatch_table: Option<PyObj>,
    reducer_override: Option<PyObj>,
    buffer_callback: Option<PyObj>,
    write: Option<PyObj>,
    memo: PicklerMemo,
    out: Vec<u8>,
    framing: bool,
    frame_start: Option<usize>,
    fast_nesting: i32,
    fast_memo: HashSet<usize>,
}

fn pickling_error(msg: impl AsRef<str>) -> PyErr {
    modsupport::raise(&super::pickling_error(), msg)
}

fn repr_of(o: &PyObj) -> PyResult<String> {
    ab::repr_string(o)
}

impl Dumper {
    fn new(proto: i32, fix_imports: bool, buffer_callback: Option<PyObj>) -> Dumper {
        Dumper {
            proto,
            bin: proto > 0,
            fast: false,
            fix_imports: fix_imports && proto < 3,
            pers_func: None,
            dispatch_table: None,
            reducer_override: None,
            buffer_callback,
            write: None,
            memo: PicklerMemo::default(),
            out: Vec::with_capacity(256),
            framing: false,
            frame_start: None,
            fast_nesting: 0,
            fast_memo: HashSet::new(),
        }
    }

    /// Appends `data`, opening a frame first when framing and none is open.
    fn write(&mut self, data: &[u8]) {
        if self.framing && self.frame_start.is_none() {
            self.frame_start = Some(self.out.len());
            self.out.extend_from_slice(&[0xFE; FRAME_HEADER_SIZE]);
        }
        self.out.extend_from_slice(data);
    }

    fn op(&mut self, op: u8) {
        self.write(&[op]);
    }

    /// Closes the open frame: its header is filled in, or removed if the frame
    /// is too short to be worth one.
    fn commit_frame(&mut self) {
        if !self.framing {
            return;
        }
        let Some(start) = self.frame_start.take() else {
            return;
        };
        let len = self.out.len() - start - FRAME_HEADER_SIZE;
        if len >= FRAME_SIZE_MIN {
            self.out[start] = op::FRAME;
            self.out[start + 1..start + 9].copy_from_slice(&(len as u64).to_le_bytes());
        } else {
            self.out.drain(start..start + FRAME_HEADER_SIZE);
        }
    }

    /// Writes the buffer to the file (committing the frame first).
    fn flush_to_file(&mut self) -> PyResult<()> {
        self.commit_frame();
        if let Some(w) = &self.write {
            let data = bytes::new(&self.out);
            self.out.clear();
            ab::call1(w, data)?;
        }
        Ok(())
    }

    /// Closes a frame that reached its target size, and sends it to the file.
    fn opcode_boundary(&mut self) -> PyResult<()> {
        let Some(start) = self.frame_start else {
            return Ok(());
        };
        if !self.framing {
            return Ok(());
        }
        if self.out.len() - start - FRAME_HEADER_SIZE >= FRAME_SIZE_TARGET {
            self.commit_frame();
            if self.write.is_some() {
                self.flush_to_file()?;
            }
        }
        Ok(())
    }

    /// Writes a header and a payload; a payload of 64 KiB or more goes outside
    /// any frame, straight to the file when there is one.
    fn write_bytes(&mut self, header: &[u8], data: &[u8], payload: Option<&PyObj>) -> PyResult<()> {
        let bypass = data.len() >= FRAME_SIZE_TARGET;
        let framing = self.framing;
        if bypass {
            self.commit_frame();
            self.framing = false;
        }
        self.write(header);
        if bypass && self.write.is_some() {
            self.flush_to_file()?;
            let w = self.write.clone().expect("checked");
            let p = match payload {
                Some(p) => p.clone(),
                None => bytes::new(data),
            };
            ab::call1(&w, p)?;
        } else {
            self.write(data);
        }
        self.framing = framing;
        Ok(())
    }

    // -----------------------------------------------------------------------------
    // The memo
    // -----------------------------------------------------------------------------

    fn memo_get(&mut self, obj: &PyObj) -> PyResult<()> {
        let Some(i) = self.memo.get(obj) else {
            return Err(exc::key_error(obj.clone()));
        };
        if !self.bin {
            self.write(format!("g{i}\n").as_bytes());
        } else if i < 256 {
            self.write(&[op::BINGET, i as u8]);
        } else if i <= 0xffff_ffff {
            let mut d = vec![op::LONG_BINGET];
            d.extend_from_slice(&(i as u32).to_le_bytes());
            self.write(&d);
        } else {
            return Err(pickling_error("memo id too large for LONG_BINGET"));
        }
        Ok(())
    }

    fn memo_put(&mut self, obj: &PyObj) -> PyResult<()> {
        if self.fast {
            return Ok(());
        }
        let i = self.memo.len();
        self.memo.set(obj, i);
        if self.proto >= 4 {
            self.op(op::MEMOIZE);
        } else if !self.bin {
            self.write(format!("p{i}\n").as_bytes());
        } else if i < 256 {
            self.write(&[op::BINPUT, i as u8]);
        } else if i <= 0xffff_ffff {
            let mut d = vec![op::LONG_BINPUT];
            d.extend_from_slice(&(i as u32).to_le_bytes());
            self.write(&d);
        } else {
            return Err(pickling_error("memo id too large for LONG_BINPUT"));
        }
        Ok(())
    }

    fn in_memo(&self, obj: &PyObj) -> bool {
        self.memo.get(obj).is_some()
    }

    /// Fast mode's cycle check on entering a container (`fast_save_enter`).
    fn fast_enter(&mut self, obj: &PyObj) -> PyResult<()> {
        self.fast_nesting += 1;
        if self.fast_nesting >= FAST_NESTING_LIMIT && !self.fast_memo.insert(obj.addr()) {
            return Err(value_error(format!(
                "fast mode: can't pickle cyclic objects including object type {} at {:#x}",
                obj.ty().name(),
                obj.addr()
            )));
        }
        Ok(())
    }

    fn fast_leave(&mut self, obj: &PyObj) {
        if self.fast_nesting >= FAST_NESTING_LIMIT {
            self.fast_memo.remove(&obj.addr());
        }
        self.fast_nesting -= 1;
    }

    // -----------------------------------------------------------------------------
    // save
    // -----------------------------------------------------------------------------

    /// The whole pickle of `obj`: `PROTO`, the object, `STOP`.
    fn dump(&mut self, obj: &PyObj) -> PyResult<()> {
        if self.proto >= 2 {
            self.write(&[op::PROTO, self.proto as u8]);
            if self.proto >= 4 {
                self.framing = true;
            }
        }
        let r = self.save(obj, false);
        let r = r.map(|()| {
            self.op(op::STOP);
            self.commit_frame();
        });
        self.framing = false;
        r
    }

    fn save(&mut self, obj: &PyObj, pers_save: bool) -> PyResult<()> {
        self.opcode_boundary()?;
        if !pers_save && self.pers_func.is_some() && self.save_pers(obj)? {
            return Ok(());
        }
        if singletons::is_none(obj) {
            self.op(op::NONE);
            return Ok(());
        }
        if obj.is_exact(&int::BOOL_TYPE) {
            self.save_bool(singletons::is_true_obj(obj));
            return Ok(());
        }
        if obj.is_exact(&int::INT_TYPE) {
            return self.save_long(obj);
        }
        if obj.is_exact(&float::FLOAT_TYPE) {
            self.save_float(float::value(obj));
            return Ok(());
        }
        if self.in_memo(obj) {
            return self.memo_get(obj);
        }
        if obj.is_exact(&bytes::BYTES_TYPE) {
            return self.save_bytes(obj);
        }
        if obj.is_exact(&pystr::STR_TYPE) {
            return self.save_str(obj);
        }
        let _guard = ab::enter_recursive_call(" while pickling an object")?;
        if obj.is_exact(&dict::DICT_TYPE) {
            return self.save_dict(obj);
        }
        if obj.is_exact(&set::SET_TYPE) {
            return self.save_set(obj);
        }
        if obj.is_exact(&set::FROZENSET_TYPE) {
            return self.save_frozenset(obj);
        }
        if obj.is_exact(&list::LIST_TYPE) {
            return self.save_list(obj);
        }
        if obj.is_exact(&tuple::TUPLE_TYPE) {
            return self.save_tuple(obj);
        }
        if obj.is_exact(&bytearray::BYTEARRAY_TYPE) {
            return self.save_bytearray(obj);
        }
        if picklebuffer::is_pickle_buffer(obj) {
            return self.save_picklebuffer(obj);
        }
        if let Some(ro) = self.reducer_override.clone() {
            let rv = ab::call1(&ro, obj.clone())?;
            if !singletons::is_not_implemented(&rv) {
                return self.save_reduce_value(obj, rv);
            }
        }
        let ty_obj = obj.ty().to_obj();
        if obj.is_exact(&strand_objects::typetype::TYPE_TYPE) {
            return self.save_type(obj);
        }
        if obj.is_exact(&strand_objects::function::FUNCTION_TYPE) {
            return self.save_global(obj, None);
        }
        let reduce_func = match &self.dispatch_table {
            None => dict::get_item(&super::tables()?.dispatch_table, &ty_obj)?,
            Some(t) => match ab::getitem(t, &ty_obj) {
                Ok(v) => Some(v),
                Err(e) if e.is_instance(&exc::KEY_ERROR_TYPE) => None,
                Err(e) => return Err(e),
            },
        };
        let rv = if let Some(f) = reduce_func {
            ab::call1(&f, obj.clone())?
        } else if obj.ty().is_subtype(&strand_objects::typetype::TYPE_TYPE) {
            return self.save_global(obj, None);
        } else if let Some(f) = ab::getattr_opt(obj, &pystr::intern("__reduce_ex__"))? {
            ab::call1(&f, int::from_i64(self.proto as i64))?
        } else if let Some(f) = ab::getattr_opt(obj, &pystr::intern("__reduce__"))? {
            ab::call0(&f)?
        } else {
            return Err(pickling_error(format!(
                "can't pickle '{}' object: {}",
                obj.ty().name(),
                repr_of(obj)?
            )));
        };
        self.save_reduce_value(obj, rv)
    }

    /// What a reduction returned: a str names a global, a tuple is a reduction.
    fn save_reduce_value(&mut self, obj: &PyObj, rv: PyObj) -> PyResult<()> {
        if pystr::is_str(&rv) {
            return self.save_global(obj, Some(&rv));
        }
        if !tuple::is_tuple(&rv) {
            return Err(pickling_error("__reduce__ must return a string or tuple"));
        }
        self.save_reduce(&rv, Some(obj))
    }

    /// Calls `persistent_id(obj)`; `true` if it gave an id, which was written.
    fn save_pers(&mut self, obj: &PyObj) -> PyResult<bool> {
        let f = self.pers_func.clone().expect("checked by the caller");
        let pid = ab::call1(&f, obj.clone())?;
        if singletons::is_none(&pid) {
            return Ok(false);
        }
        if self.bin {
            self.save(&pid, true)?;
            self.op(op::BINPERSID);
        } else {
            let s = ab::str_(&pid)?;
            let s = pystr::as_str(&s);
            if !s.is_ascii() {
                return Err(pickling_error(
                    "persistent IDs in protocol 0 must be ASCII strings",
                ));
            }
            self.op(op::PERSID);
            self.write(s.as_bytes());
            self.write(b"\n");
        }
        Ok(true)
    }

    fn save_bool(&mut self, v: bool) {
        if self.proto >= 2 {
            self.op(if v { op::NEWTRUE } else { op::NEWFALSE });
        } else {
            self.write(if v { b"I01\n" } else { b"I00\n" });
        }
    }

    fn save_long(&mut self, obj: &PyObj) -> PyResult<()> {
        let v = int::to_bigint(obj);
        if let Ok(small) = i32::try_from(&v) {
            if self.bin {
                let b = small.to_le_bytes();
                if b[3] != 0 || b[2] != 0 {
                    self.write(&[op::BININT, b[0], b[1], b[2], b[3]]);
                } else if b[1] != 0 {
                    self.write(&[op::BININT2, b[0], b[1]]);
                } else {
                    self.write(&[op::BININT1, b[0]]);
                }
            } else {
                self.write(format!("I{small}\n").as_bytes());
            }
            return Ok(());
        }
        if self.proto >= 2 {
            let data = encode_long(&v);
            if data.len() > 0x7fff_ffff {
                return Err(exc::overflow_error("int too large to pickle"));
            }
            if data.len() < 256 {
                self.write(&[op::LONG1, data.len() as u8]);
            } else {
                let mut h = vec![op::LONG4];
                h.extend_from_slice(&(data.len() as u32).to_le_bytes());
                self.write(&h);
            }
            self.write(&data);
        } else {
            self.op(op::LONG);
            self.write(v.to_string().as_bytes());
            self.write(b"L\n");
        }
        Ok(())
    }

    fn save_float(&mut self, x: f64) {
        if self.bin {
            let mut d = vec![op::BINFLOAT];
            d.extend_from_slice(&x.to_be_bytes());
            self.write(&d);
        } else {
            let r = ab::repr_string(&float::from_f64(x)).unwrap_or_default();
            self.op(op::FLOAT);
            self.write(r.as_bytes());
            self.write(b"\n");
        }
    }

    fn save_bytes_data(&mut self, obj: &PyObj, data: &[u8]) -> PyResult<()> {
        let n = data.len();
        let header = if n <= 0xff {
            vec![op::SHORT_BINBYTES, n as u8]
        } else if n <= 0xffff_ffff {
            let mut h = vec![op::BINBYTES];
            h.extend_from_slice(&(n as u32).to_le_bytes());
            h
        } else if self.proto >= 4 {
            let mut h = vec![op::BINBYTES8];
            h.extend_from_slice(&(n as u64).to_le_bytes());
            h
        } else {
            return Err(exc::overflow_error(
                "serializing a bytes object larger than 4 GiB requires pickle protocol 4 or higher",
            ));
        };
        let payload = obj.is_exact(&bytes::BYTES_TYPE).then(|| obj.clone());
        self.write_bytes(&header, data, payload.as_ref())?;
        self.memo_put(obj)
    }

    fn save_bytes(&mut self, obj: &PyObj) -> PyResult<()> {
        if self.proto < 3 {
            let data = bytes::as_bytes(obj);
            let rv = if data.is_empty() {
                tuple::pair(bytes::BYTES_TYPE.to_obj(), tuple::empty())
            } else {
                let latin1: String = data.iter().map(|&b| b as char).collect();
                tuple::pair(
                    super::tables()?.codecs_encode.clone(),
                    tuple::pair(pystr::from_string(latin1), pystr::intern("latin1")),
                )
            };
            return self.save_reduce(&rv, Some(obj));
        }
        self.save_bytes_data(obj, bytes::as_bytes(obj))
    }

    fn save_bytearray_data(&mut self, obj: &PyObj, data: &[u8]) -> PyResult<()> {
        let mut h = vec![op::BYTEARRAY8];
        h.extend_from_slice(&(data.len() as u64).to_le_bytes());
        self.write_bytes(&h, data, None)?;
        self.memo_put(obj)
    }

    fn save_bytearray(&mut self, obj: &PyObj) -> PyResult<()> {
        if self.proto < 5 {
            let data = bytearray::to_vec(obj);
            let args = if data.is_empty() {
                tuple::empty()
            } else {
                tuple::from_vec(vec![bytes::new(&data)])
            };
            let rv = tuple::pair(bytearray::BYTEARRAY_TYPE.to_obj(), args);
            return self.save_reduce(&rv, Some(obj));
        }
        let data = bytearray::to_vec(obj);
        self.save_bytearray_data(obj, &data)
    }

    fn save_picklebuffer(&mut self, obj: &PyObj) -> PyResult<()> {
        if self.proto < 5 {
            return Err(pickling_error(
                "PickleBuffer can only pickled with protocol >= 5",
            ));
        }
        let (contiguous, readonly) = picklebuffer::with_view(obj, |v| {
            (picklebuffer::is_contiguous(v.layout()), v.readonly())
        })?;
        if !contiguous {
            return Err(pickling_error(
                "PickleBuffer can not be pickled when pointing to a non-contiguous buffer",
            ));
        }
        let in_band = match self.buffer_callback.clone() {
            Some(cb) => ab::is_true(&ab::call1(&cb, obj.clone())?)?,
            None => true,
        };
        if in_band {
            let data = picklebuffer::with_view(obj, |v| v.to_vec())?;
            if readonly {
                self.save_bytes_data(obj, &data)
            } else {
                self.save_bytearray_data(obj, &data)
            }
        } else {
            self.op(op::NEXT_BUFFER);
            if readonly {
                self.op(op::READONLY_BUFFER);
            }
            Ok(())
        }
    }

    fn save_str(&mut self, obj: &PyObj) -> PyResult<()> {
        if self.bin {
            let text = pystr::as_str(obj);
            let encoded;
            let data: &[u8] = if strand_literal::str::has_surrogates(text) {
                encoded = bytes::encode(obj, "utf-8", "surrogatepass")?;
                &encoded
            } else {
                text.as_bytes()
            };
            let n = data.len();
            let header = if n <= 0xff && self.proto >= 4 {
                vec![op::SHORT_BINUNICODE, n as u8]
            } else if n <= 0xffff_ffff {
                let mut h = vec![op::BINUNICODE];
                h.extend_from_slice(&(n as u32).to_le_bytes());
                h
            } else if self.proto >= 4 {
                let mut h = vec![op::BINUNICODE8];
                h.extend_from_slice(&(n as u64).to_le_bytes());
                h
            } else {
                return Err(exc::overflow_error(
                    "serializing a string larger than 4 GiB requires pickle protocol 4 or higher",
                ));
            };
            self.write_bytes(&header, data, None)?;
        } else {
            let escaped = raw_unicode_escape(pystr::as_str(obj));
            self.op(op::UNICODE);
            self.write(&escaped);
            self.write(b"\n");
        }
        self.memo_put(obj)
    }

    fn save_tuple(&mut self, obj: &PyObj) -> PyResult<()> {
        let items = tuple::items(obj).to_vec();
        let n = items.len();
        if n == 0 {
            if self.proto > 0 {
                self.op(op::EMPTY_TUPLE);
            } else {
                self.write(&[op::MARK, op::TUPLE]);
            }
            return Ok(());
        }
        if n <= 3 && self.proto >= 2 {
            for it in &items {
                self.save(it, false)?;
            }
            if self.in_memo(obj) {
                for _ in 0..n {
                    self.op(op::POP);
                }
                return self.memo_get(obj);
            }
            self.op([op::TUPLE1, op::TUPLE2, op::TUPLE3][n - 1]);
            return self.memo_put(obj);
        }
        self.op(op::MARK);
        for it in &items {
            self.save(it, false)?;
        }
        if self.in_memo(obj) {
            if self.bin {
                self.op(op::POP_MARK);
            } else {
                for _ in 0..=n {
                    self.op(op::POP);
                }
            }
            return self.memo_get(obj);
        }
        self.op(op::TUPLE);
        self.memo_put(obj)
    }

    /// `MARK item ... APPENDS` batches from an iterator (APPEND one at a time in
    /// protocol 0, and for a batch of one).
    fn batch_list(&mut self, it: &PyObj) -> PyResult<()> {
        if self.proto == 0 {
            while let Some(x) = ab::next(it)? {
                self.save(&x, false)?;
                self.op(op::APPEND);
            }
            return Ok(());
        }
        loop {
            let Some(first) = ab::next(it)? else {
                return Ok(());
            };
            let Some(mut x) = ab::next(it)? else {
                self.save(&first, false)?;
                self.op(op::APPEND);
                return Ok(());
            };
            self.op(op::MARK);
            self.save(&first, false)?;
            let mut n = 1;
            loop {
                self.save(&x, false)?;
                n += 1;
                if n == BATCHSIZE {
                    break;
                }
                match ab::next(it)? {
                    Some(y) => x = y,
                    None => break,
                }
            }
            self.op(op::APPENDS);
            if n != BATCHSIZE {
                return Ok(());
            }
        }
    }

    /// `batch_list` for an exact list (protocol 1+), reading it by index so that
    /// a list changed while it is saved is read as it is at each step.
    fn batch_list_exact(&mut self, obj: &PyObj) -> PyResult<()> {
        if list::len(obj) == 1 {
            let x = list::get(obj, 0).expect("length checked");
            self.save(&x, false)?;
            self.op(op::APPEND);
            return Ok(());
        }
        let mut total = 0;
        loop {
            let mut this_batch = 0;
            self.op(op::MARK);
            while let Some(x) = list::get(obj, total) {
                self.save(&x, false)?;
                total += 1;
                this_batch += 1;
                if this_batch == BATCHSIZE {
                    break;
                }
            }
            self.op(op::APPENDS);
            if total >= list::len(obj) {
                return Ok(());
            }
        }
    }

    fn save_list(&mut self, obj: &PyObj) -> PyResult<()> {
        if self.fast {
            self.fast_enter(obj)?;
        }
        let r = self.save_list_body(obj);
        if self.fast {
            self.fast_leave(obj);
        }
        r
    }

    fn save_list_body(&mut self, obj: &PyObj) -> PyResult<()> {
        if self.bin {
            self.op(op::EMPTY_LIST);
        } else {
            self.write(&[op::MARK, op::LIST]);
        }
        self.memo_put(obj)?;
        if list::len(obj) == 0 {
            return Ok(());
        }
        let _guard = ab::enter_recursive_call(" while pickling an object")?;
        if self.proto > 0 {
            self.batch_list_exact(obj)
        } else {
            let it = ab::iter(obj)?;
            self.batch_list(&it)
        }
    }

    /// `MARK key value ... SETITEMS` batches from an iterator of pairs.
    fn batch_dict(&mut self, it: &PyObj) -> PyResult<()> {
        let pair = |o: &PyObj| -> PyResult<(PyObj, PyObj)> {
            if !tuple::is_tuple(o) || tuple::items(o).len() != 2 {
                return Err(type_error("dict items iterator must return 2-tuples"));
            }
            let t = tuple::items(o);
            Ok((t[0].clone(), t[1].clone()))
        };
        if self.proto == 0 {
            while let Some(x) = ab::next(it)? {
                let (k, v) = pair(&x)?;
                self.save(&k, false)?;
                self.save(&v, false)?;
                self.op(op::SETITEM);
            }
            return Ok(());
        }
        loop {
            let Some(first) = ab::next(it)? else {
                return Ok(());
            };
            let (k0, v0) = pair(&first)?;
            let Some(mut x) = ab::next(it)? else {
                self.save(&k0, false)?;
                self.save(&v0, false)?;
                self.op(op::SETITEM);
                return Ok(());
            };
            self.op(op::MARK);
            self.save(&k0, false)?;
            self.save(&v0, false)?;
            let mut n = 1;
            loop {
                let (k, v) = pair(&x)?;
                self.save(&k, false)?;
                self.save(&v, false)?;
                n += 1;
                if n == BATCHSIZE {
                    break;
                }
                match ab::next(it)? {
                    Some(y) => x = y,
                    None => break,
                }
            }
            self.op(op::SETITEMS);
            if n != BATCHSIZE {
                return Ok(());
            }
        }
    }

    fn batch_dict_exact(&mut self, obj: &PyObj) -> PyResult<()> {
        let items = dict::items(obj);
        let size = items.len();
        if size == 1 {
            let (k, v) = &items[0];
            self.save(k, false)?;
            self.save(v, false)?;
            self.op(op::SETITEM);
            return Ok(());
        }
        for chunk in items.chunks(BATCHSIZE) {
            self.op(op::MARK);
            for (k, v) in chunk {
                self.save(k, false)?;
                self.save(v, false)?;
            }
            self.op(op::SETITEMS);
            if dict::len(obj) != size {
                return Err(exc::runtime_error(
                    "dictionary changed size during iteration",
                ));
            }
        }
        Ok(())
    }

    fn save_dict(&mut self, obj: &PyObj) -> PyResult<()> {
        if self.fast {
            self.fast_enter(obj)?;
        }
        let r = self.save_dict_body(obj);
        if self.fast {
            self.fast_leave(obj);
        }
        r
    }

    fn save_dict_body(&mut self, obj: &PyObj) -> PyResult<()> {
        if self.bin {
            self.op(op::EMPTY_DICT);
        } else {
            self.write(&[op::MARK, op::DICT]);
        }
        self.memo_put(obj)?;
        if dict::len(obj) == 0 {
            return Ok(());
        }
        if obj.is_exact(&dict::DICT_TYPE) && self.proto > 0 {
            let _guard = ab::enter_recursive_call(" while pickling an object")?;
            self.batch_dict_exact(obj)
        } else {
            let items = ab::call_method(obj, "items", &[])?;
            let it = ab::iter(&items)?;
            let _guard = ab::enter_recursive_call(" while pickling an object")?;
            self.batch_dict(&it)
        }
    }

    fn save_set(&mut self, obj: &PyObj) -> PyResult<()> {
        if self.proto < 4 {
            let items = list::new(ab::collect_iter(obj)?);
            let rv = tuple::pair(set::SET_TYPE.to_obj(), tuple::from_vec(vec![items]));
            return self.save_reduce(&rv, Some(obj));
        }
        self.op(op::EMPTY_SET);
        self.memo_put(obj)?;
        let items = set::items(obj);
        let size = items.len();
        for chunk in items.chunks(BATCHSIZE) {
            self.op(op::MARK);
            for x in chunk {
                self.save(x, false)?;
            }
            self.op(op::ADDITEMS);
            if set::len(obj) != size {
                return Err(exc::runtime_error("set changed size during iteration"));
            }
        }
        Ok(())
    }

    fn save_frozenset(&mut self, obj: &PyObj) -> PyResult<()> {
        if self.fast {
            self.fast_enter(obj)?;
        }
        let r = self.save_frozenset_body(obj);
        if self.fast {
            self.fast_leave(obj);
        }
        r
    }

    fn save_frozenset_body(&mut self, obj: &PyObj) -> PyResult<()> {
        if self.proto < 4 {
            let items = list::new(ab::collect_iter(obj)?);
            let rv = tuple::pair(set::FROZENSET_TYPE.to_obj(), tuple::from_vec(vec![items]));
            return self.save_reduce(&rv, Some(obj));
        }
        self.op(op::MARK);
        for x in set::items(obj) {
            self.save(&x, false)?;
        }
        if self.in_memo(obj) {
            self.op(op::POP_MARK);
            return self.memo_get(obj);
        }
        self.op(op::FROZENSET);
        self.memo_put(obj)
    }

    fn save_type(&mut self, obj: &PyObj) -> PyResult<()> {
        let singleton = if obj.is(&singletons::NONE_TYPE.to_obj()) {
            Some(singletons::none())
        } else if obj.is(&singletons::ELLIPSIS_TYPE.to_obj()) {
            Some(singletons::ellipsis())
        } else if obj.is(&singletons::NOT_IMPLEMENTED_TYPE.to_obj()) {
            Some(singletons::not_implemented())
        } else {
            None
        };
        match singleton {
            Some(s) => {
                let rv = tuple::pair(
                    strand_objects::typetype::TYPE_TYPE.to_obj(),
                    tuple::from_vec(vec![s]),
                );
                self.save_reduce(&rv, Some(obj))
            }
            None => self.save_global(obj, None),
        }
    }

    /// Writes `obj` as a reference to a module attribute (`GLOBAL`,
    /// `STACK_GLOBAL`, an `EXT` code, or `getattr(parent, name)` for nested
    /// names below protocol 4).
    fn save_global(&mut self, obj: &PyObj, name: Option<&PyObj>) -> PyResult<()> {
        let t = super::tables()?;
        let mut global_name = match name {
            Some(n) => n.clone(),
            None => match ab::getattr_opt(obj, &pystr::intern("__qualname__"))? {
                Some(q) => q,
                None => ab::getattr_str(obj, "__name__")?,
            },
        };
        let dotted = dotted_path(None, &global_name)?;
        let mut module_name = whichmodule(obj, &dotted)?;
        let module = match import_module(&module_name) {
            Ok(m) => m,
            Err(_) => {
                return Err(pickling_error(format!(
                    "Can't pickle {}: import of module {} failed",
                    repr_of(obj)?,
                    repr_of(&module_name)?
                )))
            }
        };
        let lastname = pystr::new(dotted.last().expect("non-empty path"));
        let found = deep_attribute(&module, &dotted)?;
        let Some((cls, parent)) = found else {
            return Err(pickling_error(format!(
                "Can't pickle {}: attribute lookup {} on {} failed",
                repr_of(obj)?,
                ab::str_string(&global_name)?,
                ab::str_string(&module_name)?
            )));
        };
        if !cls.is(obj) {
            return Err(pickling_error(format!(
                "Can't pickle {}: it's not the same object as {}.{}",
                repr_of(obj)?,
                ab::str_string(&module_name)?,
                ab::str_string(&global_name)?
            )));
        }
        if self.proto >= 2 {
            let key = tuple::pair(module_name.clone(), global_name.clone());
            if let Some(code_obj) = dict::get_item(&t.extension_registry, &key)? {
                if !int::is_int(&code_obj) {
                    return Err(pickling_error(format!(
                        "Can't pickle {}: extension code {} isn't an integer",
                        repr_of(obj)?,
                        repr_of(&code_obj)?
                    )));
                }
                let code = int::as_i64(&code_obj).unwrap_or(-1);
                if code <= 0 || code > 0x7fff_ffff {
                    return Err(pickling_error(format!(
                        "Can't pickle {}: extension code {} is out of range",
                        repr_of(obj)?,
                        code
                    )));
                }
                let c = (code as u32).to_le_bytes();
                if code <= 0xff {
                    self.write(&[op::EXT1, c[0]]);
                } else if code <= 0xffff {
                    self.write(&[op::EXT2, c[0], c[1]]);
                } else {
                    self.write(&[op::EXT4, c[0], c[1], c[2], c[3]]);
                }
                return Ok(());
            }
        }
        let parent_is_module = parent.is(&module);
        if parent_is_module {
            global_name = lastname.clone();
        }
        if self.proto >= 4 {
            self.save(&module_name, false)?;
            self.save(&global_name, false)?;
            self.op(op::STACK_GLOBAL);
        } else if !parent_is_module {
            let rv = tuple::pair(t.getattr.clone(), tuple::pair(parent, lastname));
            self.save_reduce(&rv, None)?;
        } else {
            self.op(op::GLOBAL);
            if self.proto < 3 && self.fix_imports {
                fix_imports(t, &mut module_name, &mut global_name)?;
            }
            for (what, s) in [("module", &module_name), ("global", &global_name)] {
                let text = ab::str_string(s)?;
                if self.proto != 3 && !text.is_ascii() {
                    return Err(pickling_error(format!(
                        "can't pickle {what} identifier '{text}' using pickle protocol {}",
                        self.proto
                    )));
                }
                let data = bytes::encode(s, "utf-8", "strict").map_err(|_| {
                    pickling_error(format!(
                        "can't pickle {what} identifier '{text}' using pickle protocol {}",
                        self.proto
                    ))
                })?;
                self.write(&data);
                self.write(b"\n");
            }
        }
        self.memo_put(obj)
    }

    /// Writes a reduction `(callable, args[, state[, listitems[, dictitems[,
    /// state_setter]]]])` of `obj` (`None`: not to be memoized).
    fn save_reduce(&mut self, rv: &PyObj, obj: Option<&PyObj>) -> PyResult<()> {
        let items = tuple::items(rv).to_vec();
        if !(2..=6).contains(&items.len()) {
            return Err(pickling_error(
                "tuple returned by __reduce__ must contain 2 through 6 elements",
            ));
        }
        let callable = &items[0];
        let argtup = &items[1];
        let state = items.get(2).filter(|s| !singletons::is_none(s)).cloned();
        let listitems = items.get(3).filter(|s| !singletons::is_none(s)).cloned();
        let dictitems = items.get(4).filter(|s| !singletons::is_none(s)).cloned();
        let state_setter = items.get(5).filter(|s| !singletons::is_none(s)).cloned();
        if !super::is_callable(callable) {
            return Err(pickling_error(
                "first item of the tuple returned by __reduce__ must be callable",
            ));
        }
        if !tuple::is_tuple(argtup) {
            return Err(pickling_error(
                "second item of the tuple returned by __reduce__ must be a tuple",
            ));
        }
        let is_iter = |o: &PyObj| o.ty().slots().iternext.is_some();
        if let Some(l) = &listitems {
            if !is_iter(l) {
                return Err(pickling_error(format!(
                    "fourth element of the tuple returned by __reduce__ must be an iterator, not {}",
                    l.ty().name()
                )));
            }
        }
        if let Some(d) = &dictitems {
            if !is_iter(d) {
                return Err(pickling_error(format!(
                    "fifth element of the tuple returned by __reduce__ must be an iterator, not {}",
                    d.ty().name()
                )));
            }
        }
        if let Some(s) = &state_setter {
            if !super::is_callable(s) {
                return Err(pickling_error(format!(
                    "sixth element of the tuple returned by __reduce__ must be a function, not {}",
                    s.ty().name()
                )));
            }
        }
        let (mut use_newobj, mut use_newobj_ex) = (false, false);
        if self.proto >= 2 {
            if let Some(name) = ab::getattr_opt(callable, &pystr::intern("__name__"))? {
                if pystr::is_str(&name) {
                    let n = pystr::as_str(&name);
                    use_newobj_ex = n == "__newobj_ex__";
                    use_newobj = n == "__newobj__";
                }
            }
        }
        let args = tuple::items(argtup).to_vec();
        if use_newobj_ex {
            if args.len() != 3 {
                return Err(pickling_error(format!(
                    "length of the NEWOBJ_EX argument tuple must be exactly 3, not {}",
                    args.len()
                )));
            }
            let (cls, a, kw) = (&args[0], &args[1], &args[2]);
            if !strand_objects::typeobj::is_type(cls) {
                return Err(pickling_error(format!(
                    "first item from NEWOBJ_EX argument tuple must be a class, not {}",
                    cls.ty().name()
                )));
            }
            if !tuple::is_tuple(a) {
                return Err(pickling_error(format!(
                    "second item from NEWOBJ_EX argument tuple must be a tuple, not {}",
                    a.ty().name()
                )));
            }
            if !dict::is_dict(kw) {
                return Err(pickling_error(format!(
                    "third item from NEWOBJ_EX argument tuple must be a dict, not {}",
                    kw.ty().name()
                )));
            }
            if self.proto >= 4 {
                self.save(cls, false)?;
                self.save(a, false)?;
                self.save(kw, false)?;
                self.op(op::NEWOBJ_EX);
            } else {
                let mut newargs = vec![ab::getattr_str(cls, "__new__")?, cls.clone()];
                newargs.extend(tuple::items(a).iter().cloned());
                let partial = ab::call_with_dict(&super::tables()?.partial, &newargs, Some(kw))?;
                self.save(&partial, false)?;
                self.save(&tuple::empty(), false)?;
                self.op(op::REDUCE);
            }
        } else if use_newobj {
            let Some(cls) = args.first() else {
                return Err(pickling_error("__newobj__ arglist is empty"));
            };
            if !strand_objects::typeobj::is_type(cls) {
                return Err(pickling_error("args[0] from __newobj__ args is not a type"));
            }
            if let Some(o) = obj {
                let obj_class = match ab::getattr_opt(o, &pystr::intern("__class__"))? {
                    Some(c) => c,
                    None => o.ty().to_obj(),
                };
                if !obj_class.is(cls) {
                    return Err(pickling_error(
                        "args[0] from __newobj__ args has the wrong class",
                    ));
                }
            }
            self.save(cls, false)?;
            self.save(&tuple::from_slice(&args[1..]), false)?;
            self.op(op::NEWOBJ);
        } else {
            self.save(callable, false)?;
            self.save(argtup, false)?;
            self.op(op::REDUCE);
        }
        if let Some(o) = obj {
            if self.in_memo(o) {
                self.op(op::POP);
                return self.memo_get(o);
            }
            self.memo_put(o)?;
        }
        if let Some(l) = &listitems {
            self.batch_list(l)?;
        }
        if let Some(d) = &dictitems {
            self.batch_dict(d)?;
        }
        if let Some(s) = &state {
            match &state_setter {
                None => {
                    self.save(s, false)?;
                    self.op(op::BUILD);
                }
                Some(setter) => {
                    self.save(setter, false)?;
                    self.save(obj.expect("a reduction with state has an object"), false)?;
                    self.save(s, false)?;
                    self.write(&[op::TUPLE2, op::REDUCE, op::POP]);
                }
            }
        }
        Ok(())
    }
}

/// The two's-complement little-endian bytes of `v` in as few bytes as hold its
/// sign (`LONG1`/`LONG4` payloads; zero is empty).
pub fn encode_long(v: &num_bigint::BigInt) -> Vec<u8> {
    if v.sign() == num_bigint::Sign::NoSign {
        return Vec::new();
    }
    v.to_signed_bytes_le()
}

/// Protocol 0's str escape: `\uXXXX` for code points from 256 and for `\`,
/// NUL, `\n`, `\r` and `\x1a`, `\UXXXXXXXX` past the BMP, Latin-1 otherwise.
pub fn raw_unicode_escape(s: &str) -> Vec<u8> {
    let mut out = Vec::with_capacity(s.len());
    for c in s.chars() {
        let ch = match strand_literal::str::as_surrogate(c) {
            Some(u) => u,
            None => u32::from(c),
        };
        if ch >= 0x10000 {
            out.extend_from_slice(format!("\\U{ch:08x}").as_bytes());
        } else if ch >= 256 || matches!(ch, 0x5c | 0 | 0x0a | 0x0d | 0x1a) {
            out.extend_from_slice(format!("\\u{ch:04x}").as_bytes());
        } else {
            out.push(ch as u8);
        }
    }
    out
}

/// `name` split at its dots; a `<locals>` part cannot be pickled.
fn dotted_path(obj: Option<&PyObj>, name: &PyObj) -> PyResult<Vec<String>> {
    let text = ab::str_string(name)?;
    let parts: Vec<String> = text.split('.').map(str::to_string).collect();
    if parts.iter().any(|p| p == "<locals>") {
        return Err(match obj {
            None => exc::attribute_error(format!("Can't pickle local object {}", repr_of(name)?)),
            Some(o) => exc::attribute_error(format!(
                "Can't pickle local attribute {} on {}",
                repr_of(name)?,
                repr_of(o)?
            )),
        });
    }
    Ok(parts)
}

/// Follows `path` from `obj`: the object found and its parent, or `None` when
/// an attribute is missing.
fn deep_attribute(obj: &PyObj, path: &[String]) -> PyResult<Option<(PyObj, PyObj)>> {
    let mut parent = obj.clone();
    let mut cur = obj.clone();
    for name in path {
        parent = cur;
        match ab::getattr_opt(&parent, &pystr::new(name))? {
            Some(v) => cur = v,
            None => return Ok(None),
        }
    }
    Ok(Some((cur, parent)))
}

/// The module of a global: its `__module__`, or the first module of
/// `sys.modules` that holds it under its name, or `__main__`.
fn whichmodule(global: &PyObj, path: &[String]) -> PyResult<PyObj> {
    if let Some(m) = ab::getattr_opt(global, &pystr::intern("__module__"))? {
        if !singletons::is_none(&m) {
            return Ok(m);
        }
    }
    let modules = strand_interp::state::sys_modules();
    let entries: Vec<(PyObj, PyObj)> = if dict::is_dict(&modules) {
        dict::items(&modules)
    } else {
        let mut v = Vec::new();
        for k in ab::collect_iter(&modules)? {
            let m = ab::getitem(&modules, &k)?;
            v.push((k, m));
        }
        v
    };
    for (name, module) in entries {
        if singletons::is_none(&module) {
            continue;
        }
        if pystr::is_str(&name) && pystr::as_str(&name) == "__main__" {
            continue;
        }
        if let Ok(Some((c, _))) = deep_attribute(&module, path) {
            if c.is(global) {
                return Ok(name);
            }
        }
    }
    Ok(pystr::intern("__main__"))
}

/// `PyImport_Import(name)`: the module `name` names (its leaf).
pub(crate) fn import_module(name: &PyObj) -> PyResult<PyObj> {
    if !pystr::is_str(name) {
        return Err(type_error(format!(
            "module name must be str, not {}",
            name.ty().name()
        )));
    }
    strand_interp::import::import_by_name(pystr::as_str(name))
}

/// Maps a 3.x module and name to their 2.x spellings (protocols 0 to 2 with
/// `fix_imports`).
fn fix_imports(t: &super::Tables, module: &mut PyObj, name: &mut PyObj) -> PyResult<()> {
    let key = tuple::pair(module.clone(), name.clone());
    if let Some(item) = dict::get_item(&t.name_mapping_3to2, &key)? {
        if !tuple::is_tuple(&item) || tuple::items(&item).len() != 2 {
            return Err(exc::runtime_error(format!(
                "_compat_pickle.REVERSE_NAME_MAPPING values should be 2-tuples, not {}",
                item.ty().name()
            )));
        }
        let (m, n) = (&tuple::items(&item)[0], &tuple::items(&item)[1]);
        if !pystr::is_str(m) || !pystr::is_str(n) {
            return Err(exc::runtime_error(format!(
                "_compat_pickle.REVERSE_NAME_MAPPING values should be pairs of str, not ({}, {})",
                m.ty().name(),
                n.ty().name()
            )));
        }
        *module = m.clone();
        *name = n.clone();
        return Ok(());
    }
    if let Some(item) = dict::get_item(&t.import_mapping_3to2, module)? {
        if !pystr::is_str(&item) {
            return Err(exc::runtime_error(format!(
                "_compat_pickle.REVERSE_IMPORT_MAPPING values should be strings, not {}",
                item.ty().name()
            )));
        }
        *module = item;
    }
    Ok(())
}

// ---------------------------------------------------------------------------------
// Methods and attributes
// ---------------------------------------------------------------------------------

fn self_state<'a>(a: &'a [PyObj], name: &str) -> PyResult<&'a Mutex<PicklerState>> {
    let Some(o) = a.first() else {
        return Err(type_error(format!(
            "descriptor '{name}' of '_pickle.Pickler' object needs an argument"
        )));
    };
    state_of(o)
}

/// `Pickler.dump(obj)`.
fn pickler_dump(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    Args::new(a, k).exact("dump", 2)?;
    let me = &a[0];
    let st = self_state(a, "dump")?;
    let reducer_override = ab::getattr_opt(me, &pystr::intern("reducer_override"))?;
    let mut d = {
        let mut g = modsupport::lock(st);
        let Some(write) = g.write.clone() else {
            drop(g);
            return Err(pickling_error(format!(
                "Pickler.__init__() was not called by {}.__init__()",
                me.ty().name()
            )));
        };
        let mut d = Dumper::new(g.proto, false, g.buffer_callback.clone());
        d.fix_imports = g.fix_imports;
        d.bin = g.bin != 0;
        d.fast = g.fast != 0;
        d.pers_func = g.pers_func.clone();
        d.dispatch_table = g.dispatch_table.clone();
        d.write = Some(write);
        d.memo = std::mem::take(&mut g.memo);
        d
    };
    d.reducer_override = reducer_override;
    let r = d.dump(&a[1]).and_then(|()| d.flush_to_file());
    let memo = std::mem::take(&mut d.memo);
    drop(d);
    // The memo comes back whatever the outcome (a memo set through the proxy
    // during the dump is replaced, as the dump's own memo is the newer).
    let during = std::mem::replace(&mut modsupport::lock(st).memo, memo);
    drop(during);
    r.map(|()| singletons::none())
}

/// `Pickler.clear_memo()`.
fn pickler_clear_memo(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    Args::new(a, k).exact("clear_memo", 1)?;
    let st = self_state(a, "clear_memo")?;
    let old = std::mem::take(&mut modsupport::lock(st).memo);
    drop(old);
    Ok(singletons::none())
}

/// `Pickler.__sizeof__()`.
fn pickler_sizeof(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    Args::new(a, k).exact("__sizeof__", 1)?;
    let st = self_state(a, "__sizeof__")?;
    let n = modsupport::lock(st).memo.len();
    let base = a[0].ty().basicsize();
    Ok(int::from_usize(base + n * 2 * std::mem::size_of::<usize>()))
}

fn get_memo(o: &PyObj) -> PyResult<PyObj> {
    state_of(o)?;
    Ok(memo::pickler_proxy(o))
}

fn set_memo(o: &PyObj, v: Option<&PyObj>) -> PyResult<()> {
    let st = state_of(o)?;
    let Some(v) = v else {
        return Err(type_error("attribute deletion is not supported"));
    };
    let new = if let Some(p) = memo::proxy_owner(v, &memo::PICKLER_MEMO_PROXY_TYPE) {
        with_memo(&p, |m| m.clone())
    } else if dict::is_dict(v) {
        let mut m = PicklerMemo::default();
        for (_, value) in dict::items(v) {
            if !tuple::is_tuple(&value) || tuple::items(&value).len() != 2 {
                return Err(type_error("'memo' values must be 2-item tuples"));
            }
            let t = tuple::items(&value);
            let idx = int::to_isize(&ab::index(&t[0])?)?;
            m.set(&t[1], idx as usize);
        }
        m
    } else {
        return Err(type_error(format!(
            "'memo' attribute must be a PicklerMemoProxy object or dict, not {}",
            v.ty().name()
        )));
    };
    let old = std::mem::replace(&mut modsupport::lock(st).memo, new);
    drop(old);
    Ok(())
}

fn get_persid(o: &PyObj) -> PyResult<PyObj> {
    modsupport::lock(state_of(o)?)
        .pers_func
        .clone()
        .ok_or_else(|| exc::attribute_error("persistent_id"))
}

fn set_persid(o: &PyObj, v: Option<&PyObj>) -> PyResult<()> {
    let st = state_of(o)?;
    let Some(v) = v else {
        return Err(type_error("attribute deletion is not supported"));
    };
    if !super::is_callable(v) {
        return Err(type_error(
            "persistent_id must be a callable taking one argument",
        ));
    }
    let old = modsupport::lock(st).pers_func.replace(v.clone());
    drop(old);
    Ok(())
}

fn get_table(o: &PyObj) -> PyResult<PyObj> {
    modsupport::lock(state_of(o)?)
        .dispatch_table
        .clone()
        .ok_or_else(|| {
            exc::attribute_error("'_pickle.Pickler' object has no attribute 'dispatch_table'")
        })
}

fn set_table(o: &PyObj, v: Option<&PyObj>) -> PyResult<()> {
    let st = state_of(o)?;
    let old = {
        let mut g = modsupport::lock(st);
        match v {
            Some(v) => g.dispatch_table.replace(v.clone()),
            None => match g.dispatch_table.take() {
                Some(t) => Some(t),
                None => {
                    drop(g);
                    return Err(exc::attribute_error("dispatch_table"));
                }
            },
        }
    };
    drop(old);
    Ok(())
}

fn int_member(
    o: &PyObj,
    v: Option<&PyObj>,
    field: fn(&mut PicklerState) -> &mut i32,
) -> PyResult<()> {
    let st = state_of(o)?;
    let Some(v) = v else {
        return Err(type_error("can't delete numeric/char attribute"));
    };
    if !int::is_int(v) {
        return Err(type_error("an integer is required"));
    }
    let n = modsupport::c_int(v)?;
    *field(&mut modsupport::lock(st)) = n;
    Ok(())
}

fn getsets() -> Vec<GetSetDef> {
    vec![
        GetSetDef::new("memo", get_memo, Some(set_memo)),
        GetSetDef::new("persistent_id", get_persid, Some(set_persid)),
        GetSetDef::new("dispatch_table", get_table, Some(set_table)),
        GetSetDef::new(
            "bin",
            |o| Ok(int::from_i64(modsupport::lock(state_of(o)?).bin as i64)),
            Some(|o, v| int_member(o, v, |s| &mut s.bin)),
        ),
        GetSetDef::new(
            "fast",
            |o| Ok(int::from_i64(modsupport::lock(state_of(o)?).fast as i64)),
            Some(|o, v| int_member(o, v, |s| &mut s.fast)),
        ),
    ]
}

/// Readies the type.
pub(super) fn ready() {
    static READY: std::sync::Once = std::sync::Once::new();
    READY.call_once(|| {
        PICKLER_TYPE.ready_static(
            Some(&strand_objects::baseobject::OBJECT_TYPE),
            &[
                MethodDef::new("dump", pickler_dump),
                MethodDef::new("clear_memo", pickler_clear_memo),
                MethodDef::new("__sizeof__", pickler_sizeof),
            ],
            &getsets(),
        );
        dict::set_item_str(
            PICKLER_TYPE.dict(),
            "__doc__",
            pystr::new("This takes a binary file for writing a pickle data stream."),
        );
    });
}

// ---------------------------------------------------------------------------------
// dump, dumps
// ---------------------------------------------------------------------------------

/// `dump(obj, file, protocol=None, *, fix_imports=True, buffer_callback=None)`.
pub(super) fn dump_fn(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    let b = super::bind_kwonly(
        a,
        k,
        "dump",
        &["obj", "file", "protocol", "fix_imports", "buffer_callback"],
        3,
        2,
    )?;
    let proto = protocol_arg(b[2])?;
    let fix = super::flag(b[3], true)?;
    let write = write_of(b[1].expect("required"))?;
    let cb = buffer_callback_arg(b[4], proto)?;
    let mut d = Dumper::new(proto, fix, cb);
    d.write = Some(write);
    d.dump(b[0].expect("required"))?;
    d.flush_to_file()?;
    Ok(singletons::none())
}

/// `dumps(obj, protocol=None, *, fix_imports=True, buffer_callback=None)`.
pub(super) fn dumps_fn(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    let b = super::bind_kwonly(
        a,
        k,
        "dumps",
        &["obj", "protocol", "fix_imports", "buffer_callback"],
        2,
        1,
    )?;
    let proto = protocol_arg(b[1])?;
    let fix = super::flag(b[2], true)?;
    let cb = buffer_callback_arg(b[3], proto)?;
    let mut d = Dumper::new(proto, fix, cb);
    d.dump(b[0].expect("required"))?;
    Ok(bytes::new(&d.out))
}

/// The opcodes (pickletools' names).
pub mod op {
    #![allow(missing_docs)]
    pub const MARK: u8 = b'(';
    pub const STOP: u8 = b'.';
    pub const POP: u8 = b'0';
    pub const POP_MARK: u8 = b'1';
    pub const DUP: u8 = b'2';
    pub const FLOAT: u8 = b'F';
    pub const INT: u8 = b'I';
    pub const BININT: u8 = b'J';
    pub const BININT1: u8 = b'K';
    pub const LONG: u8 = b'L';
    pub const BININT2: u8 = b'M';
    pub const NONE: u8 = b'N';
    pub const PERSID: u8 = b'P';
    pub const BINPERSID: u8 = b'Q';
    pub const REDUCE: u8 = b'R';
    pub const STRING: u8 = b'S';
    pub const BINSTRING: u8 = b'T';
    pub const SHORT_BINSTRING: u8 = b'U';
    pub const UNICODE: u8 = b'V';
    pub const BINUNICODE: u8 = b'X';
    pub const APPEND: u8 = b'a';
    pub const BUILD: u8 = b'b';
    pub const GLOBAL: u8 = b'c';
    pub const DICT: u8 = b'd';
    pub const EMPTY_DICT: u8 = b'}';
    pub const APPENDS: u8 = b'e';
    pub const GET: u8 = b'g';
    pub const BINGET: u8 = b'h';
    pub const INST: u8 = b'i';
    pub const LONG_BINGET: u8 = b'j';
    pub const LIST: u8 = b'l';
    pub const EMPTY_LIST: u8 = b']';
    pub const OBJ: u8 = b'o';
    pub const PUT: u8 = b'p';
    pub const BINPUT: u8 = b'q';
    pub const LONG_BINPUT: u8 = b'r';
    pub const SETITEM: u8 = b's';
    pub const TUPLE: u8 = b't';
    pub const EMPTY_TUPLE: u8 = b')';
    pub const SETITEMS: u8 = b'u';
    pub const BINFLOAT: u8 = b'G';
    pub const PROTO: u8 = 0x80;
    pub const NEWOBJ: u8 = 0x81;
    pub const EXT1: u8 = 0x82;
    pub const EXT2: u8 = 0x83;
    pub const EXT4: u8 = 0x84;
    pub const TUPLE1: u8 = 0x85;
    pub const TUPLE2: u8 = 0x86;
    pub const TUPLE3: u8 = 0x87;
    pub const NEWTRUE: u8 = 0x88;
    pub const NEWFALSE: u8 = 0x89;
    pub const LONG1: u8 = 0x8a;
    pub const LONG4: u8 = 0x8b;
    pub const BINBYTES: u8 = b'B';
    pub const SHORT_BINBYTES: u8 = b'C';
    pub const SHORT_BINUNICODE: u8 = 0x8c;
    pub const BINUNICODE8: u8 = 0x8d;
    pub const BINBYTES8: u8 = 0x8e;
    pub const EMPTY_SET: u8 = 0x8f;
    pub const ADDITEMS: u8 = 0x90;
    pub const FROZENSET: u8 = 0x91;
    pub const NEWOBJ_EX: u8 = 0x92;
    pub const STACK_GLOBAL: u8 = 0x93;
    pub const MEMOIZE: u8 = 0x94;
    pub const FRAME: u8 = 0x95;
    pub const BYTEARRAY8: u8 = 0x96;
    pub const NEXT_BUFFER: u8 = 0x97;
    pub const READONLY_BUFFER: u8 = 0x98;
}

#[cfg(test)]
mod tests {
    use super::{encode_long, raw_unicode_escape};
    use num_bigint::BigInt;

    #[test]
    fn long_bytes_are_minimal_twos_complement() {
        assert_eq!(encode_long(&BigInt::from(0)), Vec::<u8>::new());
        assert_eq!(encode_long(&BigInt::from(255)), vec![0xff, 0x00]);
        assert_eq!(encode_long(&BigInt::from(-128)), vec![0x80]);
        assert_eq!(encode_long(&BigInt::from(-129)), vec![0x7f, 0xff]);
        assert_eq!(
            encode_long(&BigInt::from(1u64 << 31)),
            vec![0, 0, 0, 0x80, 0]
        );
    }

    #[test]
    fn protocol_0_escapes() {
        assert_eq!(raw_unicode_escape("a\\b\n"), b"a\\u005cb\\u000a".to_vec());
        assert_eq!(
            raw_unicode_escape("\u{e9}\u{20ac}"),
            b"\xe9\\u20ac".to_vec()
        );
        assert_eq!(raw_unicode_escape("\u{1f600}"), b"\\U0001f600".to_vec());
    }
}
