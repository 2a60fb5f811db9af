//! `_pickle.Unpickler` and the module's `load` and `loads` (CPython 3.11's
//! `load` and its `load_*` opcode handlers in Modules/_pickle.c).
//!
//! An unpickler keeps its settings (the file's `read`, `readline` and
//! `readinto`, `encoding`, `errors`, `fix_imports`, `persistent_load`, the
//! iterator of out-of-band `buffers`) and its memo in its object. One `load`
//! runs in a `Loader`, which takes the memo out for its time and puts it back.
//!
//! Input comes from a buffer (`loads`, and a protocol 4 frame read whole from a
//! file) or straight from the file, a read per opcode argument, so that a load
//! from a file stops right after the pickle's `STOP`. Running out of input at an
//! opcode is `EOFError: Ran out of input`; inside one, `UnpicklingError: pickle
//! data was truncated`.

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

use super::memo::{self, UnpicklerMemo};
use super::pickler::op;
use crate::modsupport;

/// The settings and memo of an unpickler.
#[derive(Default)]
pub struct UnpicklerState {
    /// The file's `read`; `None` until `__init__` ran.
    read: Option<PyObj>,
    readline: Option<PyObj>,
    readinto: Option<PyObj>,
    encoding: String,
    errors: String,
    fix_imports: bool,
    proto: i32,
    pers_func: Option<PyObj>,
    buffers: Option<PyObj>,
    memo: UnpicklerMemo,
}

impl UnpicklerState {
    fn visit_refs(&self, visit: &mut dyn FnMut(ObjPtr)) {
        for o in [
            &self.read,
            &self.readline,
            &self.readinto,
            &self.pers_func,
            &self.buffers,
        ]
        .into_iter()
        .flatten()
        {
            visit(o.as_ptr());
        }
        self.memo.visit_refs(visit);
    }
}

/// The layout of `_pickle.Unpickler` (subclasses extend it).
#[repr(C)]
pub struct PyUnpickler {
    header: ObjectHeader,
    state: Mutex<UnpicklerState>,
}

unsafe fn unpickler_traverse(obj: ObjPtr, visit: &mut dyn FnMut(ObjPtr)) {
    // SAFETY: installed on Unpickler layouts; the world is stopped.
    let p = unsafe { &*(obj.as_ptr() as *const PyUnpickler) };
    if let Ok(g) = p.state.try_lock() {
        g.visit_refs(visit);
    }
}

unsafe fn unpickler_clear(obj: ObjPtr) {
    // SAFETY: installed on Unpickler layouts; the collector keeps it alive.
    let p = unsafe { &*(obj.as_ptr() as *const PyUnpickler) };
    let taken = std::mem::take(&mut *modsupport::lock(&p.state));
    drop(taken);
}

unsafe fn unpickler_dealloc(obj: ObjPtr) {
    // SAFETY: count zero and exclusive; the state was written by `unpickler_new`.
    unsafe {
        let p = obj.as_ptr() as *mut PyUnpickler;
        std::ptr::drop_in_place(std::ptr::addr_of_mut!((*p).state));
        strand_objects::heaptype::dealloc_instance_memory(obj);
    }
}

strand_objects::builtin_type! {
    /// `_pickle.Unpickler`.
    pub static UNPICKLER_TYPE = {
        name: "_pickle.Unpickler",
        layout: PyUnpickler,
        itemsize: 0,
        kind: HeapKind::Gc,
        flags: TypeFlags::BASETYPE,
        traverse: Some(unpickler_traverse),
        clear: Some(unpickler_clear),
        dealloc: unpickler_dealloc,
        size: None,
        slots: Slots {
            new: Some(unpickler_new),
            init: Some(unpickler_init),
            ..Slots::EMPTY
        },
    }
}

fn unpickler_new(cls: &PyObj, _a: &[PyObj], _k: Option<&PyObj>) -> PyResult<PyObj> {
    let ty: &PyType = strand_objects::typeobj::expect_type(cls, "Unpickler.__new__(X)")?;
    let obj = strand_objects::alloc::alloc_instance(ty, ty.basicsize());
    // SAFETY: a fresh allocation of a (sub)type of Unpickler; the base layout is
    // written and the subclass's slots initialised before the object is finished.
    unsafe {
        let p = obj.as_ptr().as_ptr() as *mut PyUnpickler;
        std::ptr::addr_of_mut!((*p).state).write(Mutex::new(UnpicklerState::default()));
        strand_objects::heaptype::init_slots_region(ty, &obj);
        strand_objects::alloc::finish_instance(ty, &obj);
    }
    Ok(obj)
}

fn state_of(o: &PyObj) -> PyResult<&Mutex<UnpicklerState>> {
    if !o.is_instance_of(&UNPICKLER_TYPE) {
        return Err(type_error(format!(
            "descriptor requires a '_pickle.Unpickler' object but received a '{}'",
            o.ty().name()
        )));
    }
    // SAFETY: checked: the object has the Unpickler layout (subclasses extend it).
    Ok(&unsafe { o.payload_unchecked::<PyUnpickler>() }.state)
}

/// Runs `f` on the memo of the unpickler `o` (a memo proxy's owner).
pub fn with_memo<R>(o: &PyObj, f: impl FnOnce(&mut UnpicklerMemo) -> R) -> R {
    match state_of(o) {
        Ok(s) => f(&mut modsupport::lock(s).memo),
        Err(_) => f(&mut UnpicklerMemo::default()),
    }
}

/// The file methods an unpickler reads with (`read`, `readline`, `readinto`).
type FileMethods = (PyObj, PyObj, Option<PyObj>);

/// CPython's `_Unpickler_SetInputStream`.
fn file_methods(file: &PyObj) -> PyResult<FileMethods> {
    let readinto = ab::getattr_opt(file, &pystr::intern("readinto"))?;
    let read = ab::getattr_opt(file, &pystr::intern("read"))?;
    let readline = ab::getattr_opt(file, &pystr::intern("readline"))?;
    match (read, readline) {
        (Some(r), Some(l)) => Ok((r, l, readinto)),
        _ => Err(type_error(
            "file must have 'read' and 'readline' attributes",
        )),
    }
}

/// The common keyword arguments of `Unpickler`, `load` and `loads`.
struct LoadOptions {
    fix_imports: bool,
    encoding: String,
    errors: String,
    buffers: Option<PyObj>,
}

fn load_options(b: &[Option<&PyObj>], fname: &str, first: usize) -> PyResult<LoadOptions> {
    let fix_imports = super::flag(b[first], true)?;
    let encoding = super::str_arg(b[first + 1], fname, first + 2, "ASCII")?;
    let errors = super::str_arg(b[first + 2], fname, first + 3, "strict")?;
    let buffers = match b[first + 3] {
        Some(o) if !singletons::is_none(o) => Some(ab::iter(o)?),
        _ => None,
    };
    Ok(LoadOptions {
        fix_imports,
        encoding,
        errors,
        buffers,
    })
}

const LOAD_NAMES: [&str; 5] = ["file", "fix_imports", "encoding", "errors", "buffers"];

/// `Unpickler(file, *, fix_imports=True, encoding='ASCII', errors='strict',
/// buffers=())`.
fn unpickler_init(o: &PyObj, a: &[PyObj], k: Option<&PyObj>) -> PyResult<()> {
    let b = super::bind_kwonly(a, k, "Unpickler", &LOAD_NAMES, 1, 1)?;
    let (read, readline, readinto) = file_methods(b[0].expect("required"))?;
    let opts = load_options(&b, "Unpickler", 1)?;
    let pers = ab::getattr_opt(o, &pystr::intern("persistent_load"))?;
    let st = state_of(o)?;
    let old = std::mem::replace(
        &mut *modsupport::lock(st),
        UnpicklerState {
            read: Some(read),
            readline: Some(readline),
            readinto,
            encoding: opts.encoding,
            errors: opts.errors,
            fix_imports: opts.fix_imports,
            proto: 0,
            pers_func: pers,
            buffers: opts.buffers,
            memo: UnpicklerMemo::default(),
        },
    );
    drop(old);
    Ok(())
}

// ---------------------------------------------------------------------------------
// Input
// ---------------------------------------------------------------------------------

fn unpickling_error(msg: impl AsRef<str>) -> PyErr {
    modsupport::raise(&super::unpickling_error(), msg)
}

fn truncated() -> PyErr {
    unpickling_error("pickle data was truncated")
}

/// Where the bytes come from: a buffer, and behind it (for `load`) a file.
struct Input {
    buf: Vec<u8>,
    pos: usize,
    read: Option<PyObj>,
    readline: Option<PyObj>,
}

impl Input {
    /// The bytes a file method returned, as CPython's `PyBUF_CONTIG_RO` accepts.
    fn data_of(o: &PyObj) -> PyResult<Vec<u8>> {
        crate::buffer::bytes_like(o)
    }

    /// The next `n` bytes.
    fn read(&mut self, n: usize) -> PyResult<Vec<u8>> {
        let avail = self.buf.len() - self.pos;
        if n <= avail {
            let out = self.buf[self.pos..self.pos + n].to_vec();
            self.pos += n;
            return Ok(out);
        }
        let Some(read) = &self.read else {
            self.pos = self.buf.len();
            return Err(truncated());
        };
        let mut out = self.buf[self.pos..].to_vec();
        self.buf.clear();
        self.pos = 0;
        let want = n - out.len();
        let got = Self::data_of(&ab::call1(read, int::from_usize(want))?)?;
        if got.len() < want {
            return Err(truncated());
        }
        out.extend_from_slice(&got[..want]);
        Ok(out)
    }

    /// One byte (the next opcode), `None` at the end of the input.
    fn opcode(&mut self) -> PyResult<Option<u8>> {
        if self.pos < self.buf.len() {
            self.pos += 1;
            return Ok(Some(self.buf[self.pos - 1]));
        }
        match self.read(1) {
            Ok(b) => Ok(Some(b[0])),
            Err(e) if e.is_instance_of_obj(&super::unpickling_error()) => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// The next line, its `\n` included.
    fn readline(&mut self) -> PyResult<Vec<u8>> {
        if let Some(i) = self.buf[self.pos..].iter().position(|&b| b == b'\n') {
            let out = self.buf[self.pos..self.pos + i + 1].to_vec();
            self.pos += i + 1;
            return Ok(out);
        }
        let Some(readline) = &self.readline else {
            self.pos = self.buf.len();
            return Err(truncated());
        };
        let mut out = self.buf[self.pos..].to_vec();
        self.buf.clear();
        self.pos = 0;
        let got = Self::data_of(&ab::call0(readline)?)?;
        out.extend_from_slice(&got);
        if out.last() != Some(&b'\n') {
            return Err(truncated());
        }
        Ok(out)
    }

    /// Makes the next `n` bytes of the file the buffer (a protocol 4 frame).
    fn load_frame(&mut self, n: usize) -> PyResult<()> {
        let avail = self.buf.len() - self.pos;
        if n <= avail {
            return Ok(());
        }
        let data = self.read(n)?;
        self.buf = data;
        self.pos = 0;
        Ok(())
    }
}

trait ErrExt {
    fn is_instance_of_obj(&self, cls: &PyObj) -> bool;
}

impl ErrExt for PyErr {
    fn is_instance_of_obj(&self, cls: &PyObj) -> bool {
        ab::isinstance(self.value(), cls).unwrap_or(false)
    }
}

// ---------------------------------------------------------------------------------
// The loader
// ---------------------------------------------------------------------------------

/// One load.
struct Loader {
    /// The Unpickler whose `find_class` is called (a subclass may override it);
    /// `None` for the module functions, which use the native one.
    me: Option<PyObj>,
    input: Input,
    stack: Vec<PyObj>,
    marks: Vec<usize>,
    memo: UnpicklerMemo,
    proto: i32,
    fix_imports: bool,
    encoding: String,
    errors: String,
    pers_func: Option<PyObj>,
    buffers: Option<PyObj>,
}

fn le_usize(b: &[u8]) -> u64 {
    let mut a = [0u8; 8];
    a[..b.len()].copy_from_slice(b);
    u64::from_le_bytes(a)
}

fn ascii_line(line: &[u8]) -> String {
    line.iter().map(|&b| b as char).collect()
}

impl Loader {
    fn fence(&self) -> usize {
        self.marks.last().copied().unwrap_or(0)
    }

    fn underflow(&self) -> PyErr {
        unpickling_error(if self.marks.is_empty() {
            "unpickling stack underflow"
        } else {
            "unexpected MARK found"
        })
    }

    fn pop(&mut self) -> PyResult<PyObj> {
        if self.stack.len() <= self.fence() {
            return Err(self.underflow());
        }
        Ok(self.stack.pop().expect("checked"))
    }

    fn top(&self) -> PyResult<PyObj> {
        if self.stack.len() <= self.fence() {
            return Err(self.underflow());
        }
        Ok(self.stack.last().expect("checked").clone())
    }

    fn push(&mut self, o: PyObj) {
        self.stack.push(o);
    }

    /// Pops the top mark; its position.
    fn marker(&mut self) -> PyResult<usize> {
        self.marks
            .pop()
            .ok_or_else(|| unpickling_error("could not find MARK"))
    }

    /// The items above the top mark, popped (the mark too).
    fn pop_mark(&mut self) -> PyResult<Vec<PyObj>> {
        let m = self.marker()?;
        if m > self.stack.len() {
            return Err(self.underflow());
        }
        Ok(self.stack.split_off(m))
    }

    fn read(&mut self, n: usize) -> PyResult<Vec<u8>> {
        self.input.read(n)
    }

    fn read_u8(&mut self) -> PyResult<usize> {
        Ok(self.read(1)?[0] as usize)
    }

    fn read_u16(&mut self) -> PyResult<usize> {
        Ok(le_usize(&self.read(2)?) as usize)
    }

    fn read_u32(&mut self) -> PyResult<usize> {
        Ok(le_usize(&self.read(4)?) as usize)
    }

    fn read_size8(&mut self, what: &str) -> PyResult<usize> {
        let n = le_usize(&self.read(8)?);
        if n > isize::MAX as u64 {
            return Err(exc::overflow_error(format!(
                "{what} exceeds system's maximum size of {} bytes",
                isize::MAX
            )));
        }
        Ok(n as usize)
    }

    fn readline(&mut self) -> PyResult<Vec<u8>> {
        self.input.readline()
    }

    /// Runs opcodes until `STOP`; the object on top of the stack then.
    fn load(&mut self) -> PyResult<PyObj> {
        loop {
            let Some(code) = self.input.opcode()? else {
                return Err(exc::eof_error("Ran out of input"));
            };
            if code == op::STOP {
                return self.pop();
            }
            self.dispatch(code)?;
        }
    }

    fn dispatch(&mut self, code: u8) -> PyResult<()> {
        match code {
            op::NONE => self.push(singletons::none()),
            op::NEWFALSE => self.push(singletons::false_()),
            op::NEWTRUE => self.push(singletons::true_()),
            op::INT => self.load_int()?,
            op::BININT => {
                let b = self.read(4)?;
                let v = i32::from_le_bytes([b[0], b[1], b[2], b[3]]);
                self.push(int::from_i64(v as i64));
            }
            op::BININT1 => {
                let v = self.read_u8()?;
                self.push(int::from_usize(v));
            }
            op::BININT2 => {
                let v = self.read_u16()?;
                self.push(int::from_usize(v));
            }
            op::LONG => self.load_long()?,
            op::LONG1 => {
                let n = self.read_u8()?;
                let data = self.read(n)?;
                self.push(decode_long(&data));
            }
            op::LONG4 => {
                let b = self.read(4)?;
                let n = i32::from_le_bytes([b[0], b[1], b[2], b[3]]);
                if n < 0 {
                    return Err(unpickling_error("LONG pickle has negative byte count"));
                }
                let data = self.read(n as usize)?;
                self.push(decode_long(&data));
            }
            op::FLOAT => self.load_float()?,
            op::BINFLOAT => {
                let b = self.read(8)?;
                let v = f64::from_be_bytes(b.try_into().expect("eight bytes"));
                self.push(float::from_f64(v));
            }
            op::STRING => self.load_string()?,
            op::BINSTRING => {
                let n = self.read_u32()?;
                let data = self.read(n)?;
                let v = self.decode_string(&data)?;
                self.push(v);
            }
            op::SHORT_BINSTRING => {
                let n = self.read_u8()?;
                let data = self.read(n)?;
                let v = self.decode_string(&data)?;
                self.push(v);
            }
            op::BINBYTES => {
                let n = self.read_u32()?;
                let d = self.read(n)?;
                self.push(bytes::new(&d));
            }
            op::SHORT_BINBYTES => {
                let n = self.read_u8()?;
                let d = self.read(n)?;
                self.push(bytes::new(&d));
            }
            op::BINBYTES8 => {
                let n = self.read_size8("BINBYTES")?;
                let d = self.read(n)?;
                self.push(bytes::new(&d));
            }
            op::BYTEARRAY8 => {
                let n = self.read_size8("BYTEARRAY8")?;
                let d = self.read(n)?;
                self.push(bytearray::new(&d));
            }
            op::NEXT_BUFFER => {
                let Some(it) = self.buffers.clone() else {
                    return Err(unpickling_error(
                        "pickle stream refers to out-of-band data but no *buffers* argument was given",
                    ));
                };
                match ab::next(&it)? {
                    Some(b) => self.push(b),
                    None => return Err(unpickling_error("not enough out-of-band buffers")),
                }
            }
            op::READONLY_BUFFER => {
                let top = self.top()?;
                let view = strand_objects::memoryview::from_object(&top)?;
                let ro = ab::getattr_str(&view, "readonly")?;
                if !ab::is_true(&ro)? {
                    let r = ab::call_method(&view, "toreadonly", &[])?;
                    *self.stack.last_mut().expect("top checked") = r;
                }
            }
            op::UNICODE => {
                let line = self.readline()?;
                let body = &line[..line.len() - 1];
                let s = bytes::decode(&bytes::new(body), body, "raw-unicode-escape", "strict")?;
                self.push(pystr::from_string(s));
            }
            op::BINUNICODE => {
                let n = self.read_u32()?;
                let d = self.read(n)?;
                self.push(utf8_str(&d)?);
            }
            op::SHORT_BINUNICODE => {
                let n = self.read_u8()?;
                let d = self.read(n)?;
                self.push(utf8_str(&d)?);
            }
            op::BINUNICODE8 => {
                let n = self.read_size8("BINUNICODE")?;
                let d = self.read(n)?;
                self.push(utf8_str(&d)?);
            }
            op::EMPTY_TUPLE => self.push(tuple::empty()),
            op::TUPLE => {
                let items = self.pop_mark()?;
                self.push(tuple::from_vec(items));
            }
            op::TUPLE1 | op::TUPLE2 | op::TUPLE3 => {
                let n = (code - op::TUPLE1 + 1) as usize;
                if self.stack.len() < self.fence() + n {
                    return Err(self.underflow());
                }
                let items = self.stack.split_off(self.stack.len() - n);
                self.push(tuple::from_vec(items));
            }
            op::EMPTY_LIST => self.push(list::new(Vec::new())),
            op::LIST => {
                let items = self.pop_mark()?;
                self.push(list::new(items));
            }
            op::EMPTY_DICT => self.push(dict::new()),
            op::DICT => {
                let items = self.pop_mark()?;
                if !items.len().is_multiple_of(2) {
                    return Err(unpickling_error("odd number of items for DICT"));
                }
                let d = dict::new();
                for kv in items.chunks(2) {
                    dict::set_item(&d, kv[0].clone(), kv[1].clone())?;
                }
                self.push(d);
            }
            op::EMPTY_SET => self.push(set::new_set()),
            op::FROZENSET => {
                let items = self.pop_mark()?;
                self.push(set::new_frozenset(items)?);
            }
            op::ADDITEMS => self.load_additems()?,
            op::APPEND => {
                let x = self.stack.len().saturating_sub(1);
                self.do_append(x)?;
            }
            op::APPENDS => {
                let x = self.marker()?;
                self.do_append(x)?;
            }
            op::SETITEM => {
                let x = self.stack.len().saturating_sub(2);
                self.do_setitems(x)?;
            }
            op::SETITEMS => {
                let x = self.marker()?;
                self.do_setitems(x)?;
            }
            op::MARK => self.marks.push(self.stack.len()),
            op::POP => {
                if self.marks.last() == Some(&self.stack.len()) {
                    self.marks.pop();
                } else {
                    self.pop()?;
                }
            }
            op::POP_MARK => {
                self.pop_mark()?;
            }
            op::DUP => {
                let t = self.top()?;
                self.push(t);
            }
            op::GET => {
                let line = self.readline()?;
                let key = parse_int_line(&line, 10)?;
                let i = int::to_isize(&key).unwrap_or(-1);
                self.memo_get(i, key)?;
            }
            op::BINGET => {
                let i = self.read_u8()?;
                self.memo_get(i as isize, int::from_usize(i))?;
            }
            op::LONG_BINGET => {
                let i = self.read_u32()?;
                self.memo_get(i as isize, int::from_usize(i))?;
            }
            op::PUT => {
                let line = self.readline()?;
                self.top()?;
                let key = parse_int_line(&line, 10)?;
                let i = int::to_isize(&key)?;
                if i < 0 {
                    return Err(value_error("negative PUT argument"));
                }
                self.memo_put(i as usize)?;
            }
            op::BINPUT => {
                let i = self.read_u8()?;
                self.memo_put(i)?;
            }
            op::LONG_BINPUT => {
                let i = self.read_u32()?;
                self.memo_put(i)?;
            }
            op::MEMOIZE => {
                let i = self.memo.len();
                self.memo_put(i)?;
            }
            op::GLOBAL => {
                let m = self.readline()?;
                let n = self.readline()?;
                let module = utf8_strict(&m[..m.len() - 1])?;
                let name = utf8_strict(&n[..n.len() - 1])?;
                let cls = self.find_class(module, name)?;
                self.push(cls);
            }
            op::STACK_GLOBAL => {
                let name = self.pop()?;
                let module = self.pop()?;
                if !pystr::is_exact_str(&name) || !pystr::is_exact_str(&module) {
                    return Err(unpickling_error("STACK_GLOBAL requires str"));
                }
                let cls = self.find_class(module, name)?;
                self.push(cls);
            }
            op::EXT1 => {
                let c = self.read_u8()?;
                self.load_extension(c as i64)?;
            }
            op::EXT2 => {
                let c = self.read_u16()?;
                self.load_extension(c as i64)?;
            }
            op::EXT4 => {
                let b = self.read(4)?;
                let c = i32::from_le_bytes([b[0], b[1], b[2], b[3]]);
                self.load_extension(c as i64)?;
            }
            op::REDUCE => {
                let args = self.pop()?;
                let callable = self.pop()?;
                if !tuple::is_tuple(&args) {
                    return Err(type_error("argument list must be a tuple"));
                }
                let v = ab::call(&callable, tuple::items(&args), None)?;
                self.push(v);
            }
            op::NEWOBJ => self.load_newobj("NEWOBJ", false)?,
            op::NEWOBJ_EX => self.load_newobj("NEWOBJ_EX", true)?,
            op::INST => {
                let m = self.readline()?;
                let n = self.readline()?;
                let module = utf8_strict(&m[..m.len() - 1])?;
                let name = utf8_strict(&n[..n.len() - 1])?;
                let args = self.pop_mark()?;
                let cls = self.find_class(module, name)?;
                let v = instantiate(&cls, &args)?;
                self.push(v);
            }
            op::OBJ => {
                let mut args = self.pop_mark()?;
                if args.is_empty() {
                    return Err(self.underflow());
                }
                let cls = args.remove(0);
                let v = instantiate(&cls, &args)?;
                self.push(v);
            }
            op::BUILD => self.load_build()?,
            op::PERSID => {
                self.check_persistent_load()?;
                let line = self.readline()?;
                let body = &line[..line.len() - 1];
                if !body.is_ascii() {
                    return Err(unpickling_error(
                        "persistent IDs in protocol 0 must be ASCII strings",
                    ));
                }
                let pid = pystr::from_string(ascii_line(body));
                let v = self.persistent_load(pid)?;
                self.push(v);
            }
            op::BINPERSID => {
                self.check_persistent_load()?;
                let pid = self.pop()?;
                let v = self.persistent_load(pid)?;
                self.push(v);
            }
            op::PROTO => {
                let p = self.read_u8()?;
                if p as i32 > super::HIGHEST_PROTOCOL {
                    return Err(value_error(format!("unsupported pickle protocol: {p}")));
                }
                self.proto = p as i32;
                // A subclass's find_class may call the base one, which reads
                // the protocol from the object.
                if let Some(me) = &self.me {
                    modsupport::lock(state_of(me)?).proto = self.proto;
                }
            }
            op::FRAME => {
                let n = le_usize(&self.read(8)?);
                if n > isize::MAX as u64 {
                    return Err(value_error(format!(
                        "FRAME length exceeds system's maximum of {} bytes",
                        isize::MAX
                    )));
                }
                let n = n as usize;
                self.input.load_frame(n)?;
            }
            c => {
                return Err(unpickling_error(
                    if (0x20..=0x7e).contains(&c) && c != b'\'' && c != b'\\' {
                        format!("invalid load key, '{}'.", c as char)
                    } else {
                        format!("invalid load key, '\\x{c:02x}'.")
                    },
                ))
            }
        }
        Ok(())
    }

    fn load_int(&mut self) -> PyResult<()> {
        let line = self.readline()?;
        let v = match line.as_slice() {
            b"00\n" => singletons::false_(),
            b"01\n" => singletons::true_(),
            _ => parse_int_line(&line, 0)
                .map_err(|_| value_error("could not convert string to int"))?,
        };
        self.push(v);
        Ok(())
    }

    fn load_long(&mut self) -> PyResult<()> {
        let line = self.readline()?;
        let mut body = &line[..line.len() - 1];
        if body.last() == Some(&b'L') {
            body = &body[..body.len() - 1];
        }
        let v = ab::call(
            &int::INT_TYPE.to_obj(),
            &[pystr::from_string(ascii_line(body)), int::from_i64(0)],
            None,
        )?;
        self.push(v);
        Ok(())
    }

    fn load_float(&mut self) -> PyResult<()> {
        let line = self.readline()?;
        let text = ascii_line(&line[..line.len() - 1]);
        let v = match ab::call1(
            &float::FLOAT_TYPE.to_obj(),
            pystr::from_string(text.clone()),
        ) {
            Ok(v) => v,
            // A number followed by junk is refused without the text, as
            // CPython's check of where `PyOS_string_to_double` stopped does.
            Err(_) if has_float_prefix(&text) => {
                return Err(value_error("could not convert string to float"))
            }
            Err(_) => {
                return Err(value_error(format!(
                    "could not convert string to float: {}",
                    ab::repr_string(&pystr::from_string(ascii_line(&line)))?
                )))
            }
        };
        self.push(v);
        Ok(())
    }

    fn load_string(&mut self) -> PyResult<()> {
        let line = self.readline()?;
        let body = &line[..line.len() - 1];
        let quoted = body.len() >= 2
            && body[0] == body[body.len() - 1]
            && (body[0] == b'\'' || body[0] == b'"');
        if !quoted {
            return Err(unpickling_error(
                "the STRING opcode argument must be quoted",
            ));
        }
        let inner = bytes::new(&body[1..body.len() - 1]);
        let codecs = strand_interp::import::import_by_name("codecs")?;
        let dec = ab::call_method(&codecs, "escape_decode", &[inner])?;
        let raw = tuple::items(&dec)[0].clone();
        let v = self.decode_string(bytes::as_bytes(&raw))?;
        self.push(v);
        Ok(())
    }

    /// A Python 2 str: bytes for `encoding="bytes"`, else decoded.
    fn decode_string(&self, data: &[u8]) -> PyResult<PyObj> {
        if self.encoding == "bytes" {
            return Ok(bytes::new(data));
        }
        let b = bytes::new(data);
        ab::call_method(
            &b,
            "decode",
            &[pystr::new(&self.encoding), pystr::new(&self.errors)],
        )
    }

    fn memo_get(&mut self, i: isize, key: PyObj) -> PyResult<()> {
        let v = if i >= 0 {
            self.memo.get(i as usize).cloned()
        } else {
            None
        };
        match v {
            Some(v) => {
                self.push(v);
                Ok(())
            }
            None => Err(unpickling_error(format!(
                "Memo value not found at index {}",
                ab::repr_string(&key)?
            ))),
        }
    }

    fn memo_put(&mut self, i: usize) -> PyResult<()> {
        let t = self.top()?;
        self.memo.put(i, t);
        Ok(())
    }

    /// Appends the items from `x` up to the top to the object below `x`.
    fn do_append(&mut self, x: usize) -> PyResult<()> {
        let len = self.stack.len();
        if x > len || x <= self.fence() {
            return Err(self.underflow());
        }
        if x == len {
            return Ok(());
        }
        let items = self.stack.split_off(x);
        let target = self.stack[x - 1].clone();
        if target.is_exact(&list::LIST_TYPE) {
            for it in items {
                list::append(&target, it)?;
            }
            return Ok(());
        }
        if let Some(extend) = ab::getattr_opt(&target, &pystr::intern("extend"))? {
            ab::call1(&extend, list::new(items))?;
        } else {
            let append = ab::getattr_str(&target, "append")?;
            for it in items {
                ab::call1(&append, it)?;
            }
        }
        Ok(())
    }

    fn do_setitems(&mut self, x: usize) -> PyResult<()> {
        let len = self.stack.len();
        if x > len || x <= self.fence() {
            return Err(self.underflow());
        }
        if x == len {
            return Ok(());
        }
        if !(len - x).is_multiple_of(2) {
            return Err(unpickling_error("odd number of items for SETITEMS"));
        }
        let items = self.stack.split_off(x);
        let target = self.stack[x - 1].clone();
        for kv in items.chunks(2) {
            ab::setitem(&target, &kv[0], &kv[1])?;
        }
        Ok(())
    }

    fn load_additems(&mut self) -> PyResult<()> {
        let m = self.marker()?;
        let len = self.stack.len();
        if m > len || m <= self.fence() {
            return Err(self.underflow());
        }
        if m == len {
            return Ok(());
        }
        let items = self.stack.split_off(m);
        let target = self.stack[m - 1].clone();
        if set::is_set(&target) {
            for it in items {
                set::add(&target, it)?;
            }
        } else {
            let add = ab::getattr_str(&target, "add")?;
            for it in items {
                ab::call1(&add, it)?;
            }
        }
        Ok(())
    }

    fn load_build(&mut self) -> PyResult<()> {
        let state = self.pop()?;
        let inst = self.top()?;
        if let Some(setstate) = ab::getattr_opt(&inst, &pystr::intern("__setstate__"))? {
            ab::call1(&setstate, state)?;
            return Ok(());
        }
        let (state, slotstate) = if tuple::is_tuple(&state) && tuple::items(&state).len() == 2 {
            let t = tuple::items(&state);
            (t[0].clone(), Some(t[1].clone()))
        } else {
            (state, None)
        };
        if !singletons::is_none(&state) {
            if !dict::is_dict(&state) {
                return Err(unpickling_error("state is not a dictionary"));
            }
            let d = ab::getattr_str(&inst, "__dict__")?;
            for (k, v) in dict::items(&state) {
                let k = if pystr::is_exact_str(&k) {
                    pystr::intern_obj(&k)
                } else {
                    k
                };
                ab::setitem(&d, &k, &v)?;
            }
        }
        if let Some(ss) = slotstate {
            if !singletons::is_none(&ss) {
                if !dict::is_dict(&ss) {
                    return Err(unpickling_error("slot state is not a dictionary"));
                }
                for (k, v) in dict::items(&ss) {
                    ab::setattr(&inst, &k, &v)?;
                }
            }
        }
        Ok(())
    }

    fn check_persistent_load(&self) -> PyResult<()> {
        if self.pers_func.is_none() {
            return Err(unpickling_error(
                "A load persistent id instruction was encountered,\nbut no persistent_load function was specified.",
            ));
        }
        Ok(())
    }

    fn persistent_load(&mut self, pid: PyObj) -> PyResult<PyObj> {
        self.check_persistent_load()?;
        ab::call1(self.pers_func.as_ref().expect("checked"), pid)
    }

    /// `NEWOBJ` (`cls.__new__(cls, *args)`) and `NEWOBJ_EX` (with keywords):
    /// the arguments are popped, then checked from the top down.
    fn load_newobj(&mut self, name: &str, with_kwargs: bool) -> PyResult<()> {
        let kwargs = if with_kwargs { Some(self.pop()?) } else { None };
        let args = self.pop()?;
        let cls = self.pop()?;
        if let Some(k) = &kwargs {
            if !dict::is_dict(k) {
                return Err(unpickling_error(format!(
                    "{name} kwargs argument must be a dict, not {}",
                    k.ty().name()
                )));
            }
        }
        if !tuple::is_tuple(&args) {
            return Err(unpickling_error(format!(
                "{name} args argument must be a tuple, not {}",
                args.ty().name()
            )));
        }
        if !strand_objects::typeobj::is_type(&cls) {
            return Err(unpickling_error(format!(
                "{name} class argument must be a type, not {}",
                cls.ty().name()
            )));
        }
        let mut a = vec![cls.clone()];
        a.extend(tuple::items(&args).iter().cloned());
        let new = ab::getattr_str(&cls, "__new__")?;
        let v = ab::call_with_dict(&new, &a, kwargs.as_ref())?;
        self.push(v);
        Ok(())
    }

    fn find_class(&mut self, module: PyObj, name: PyObj) -> PyResult<PyObj> {
        match &self.me {
            Some(me) => ab::call_method(me, "find_class", &[module, name]),
            None => find_class_impl(self.proto, self.fix_imports, &module, &name),
        }
    }

    fn load_extension(&mut self, code: i64) -> PyResult<()> {
        let t = super::tables()?;
        let key = int::from_i64(code);
        if let Some(v) = dict::get_item(&t.extension_cache, &key)? {
            self.push(v);
            return Ok(());
        }
        let Some(pair) = dict::get_item(&t.inverted_registry, &key)? else {
            if code <= 0 {
                return Err(unpickling_error("EXT specifies code <= 0"));
            }
            return Err(value_error(format!("unregistered extension code {code}")));
        };
        let ok = tuple::is_tuple(&pair)
            && tuple::items(&pair).len() == 2
            && tuple::items(&pair).iter().all(pystr::is_str);
        if !ok {
            return Err(value_error(format!(
                "_inverted_registry[{code}] isn't a 2-tuple of strings"
            )));
        }
        let (m, n) = (
            tuple::items(&pair)[0].clone(),
            tuple::items(&pair)[1].clone(),
        );
        let obj = self.find_class(m, n)?;
        dict::set_item(&t.extension_cache, key, obj.clone())?;
        self.push(obj);
        Ok(())
    }
}

/// Whether `text` starts with a float literal that something other than
/// whitespace follows.
fn has_float_prefix(text: &str) -> bool {
    let t = text.trim_start();
    let t = t.strip_prefix(['+', '-']).unwrap_or(t);
    let lower = t.to_ascii_lowercase();
    if lower.starts_with("inf") || lower.starts_with("nan") {
        return true;
    }
    let b = t.as_bytes();
    let digits = b.iter().take_while(|c| c.is_ascii_digit()).count();
    let after_dot = if b.get(digits) == Some(&b'.') {
        b[digits + 1..]
            .iter()
            .take_while(|c| c.is_ascii_digit())
            .count()
    } else {
        0
    };
    digits + after_dot > 0
}

/// `int(line, base)` for a text opcode's argument (a plain decimal that fits in
/// 64 bits is read directly; anything else goes through `int`).
fn parse_int_line(line: &[u8], base: i64) -> PyResult<PyObj> {
    let body = line.strip_suffix(b"\n").unwrap_or(line);
    let digits = body.strip_prefix(b"-").unwrap_or(body);
    let plain = !digits.is_empty()
        && digits.len() <= 18
        && digits.iter().all(u8::is_ascii_digit)
        && (digits[0] != b'0' || digits.len() == 1);
    if plain {
        let text = std::str::from_utf8(body).expect("ASCII digits");
        if let Ok(v) = text.parse::<i64>() {
            return Ok(int::from_i64(v));
        }
    }
    ab::call(
        &int::INT_TYPE.to_obj(),
        &[pystr::from_string(ascii_line(line)), int::from_i64(base)],
        None,
    )
}

/// The int whose two's-complement little-endian bytes are `data`.
pub fn decode_long(data: &[u8]) -> PyObj {
    if data.is_empty() {
        return int::from_i64(0);
    }
    int::from_bigint(num_bigint::BigInt::from_signed_bytes_le(data))
}

fn utf8_str(data: &[u8]) -> PyResult<PyObj> {
    if let Ok(s) = std::str::from_utf8(data) {
        return Ok(pystr::new(s));
    }
    let s = bytes::decode(&bytes::new(data), data, "utf-8", "surrogatepass")?;
    Ok(pystr::from_string(s))
}

fn utf8_strict(data: &[u8]) -> PyResult<PyObj> {
    let s = bytes::decode(&bytes::new(data), data, "utf-8", "strict")?;
    Ok(pystr::from_string(s))
}

/// `INST`/`OBJ`: `cls.__new__(cls)` for a class without `__getinitargs__` and
/// no arguments, else `cls(*args)`.
fn instantiate(cls: &PyObj, args: &[PyObj]) -> PyResult<PyObj> {
    if args.is_empty() && strand_objects::typeobj::is_type(cls) {
        let f = ab::getattr_opt(cls, &pystr::intern("__getinitargs__"))?;
        if f.is_none() {
            return ab::call_method(cls, "__new__", std::slice::from_ref(cls));
        }
    }
    ab::call(cls, args, None)
}

/// The object `module.name` names, after the 2.x-to-3.x renames of
/// `_compat_pickle` (protocols 0 to 2 with `fix_imports`); dotted names are
/// followed from protocol 4.
fn find_class_impl(proto: i32, fix_imports: bool, module: &PyObj, name: &PyObj) -> PyResult<PyObj> {
    let sys = strand_interp::state::sys_module();
    ab::call_method(
        &sys,
        "audit",
        &[
            pystr::intern("pickle.find_class"),
            module.clone(),
            name.clone(),
        ],
    )?;
    let (mut module, mut name) = (module.clone(), name.clone());
    if proto < 3 && fix_imports {
        let t = super::tables()?;
        let key = tuple::pair(module.clone(), name.clone());
        if let Some(item) = dict::get_item(&t.name_mapping_2to3, &key)? {
            if !tuple::is_tuple(&item) || tuple::items(&item).len() != 2 {
                return Err(exc::runtime_error(format!(
                    "_compat_pickle.NAME_MAPPING values should be 2-tuples, not {}",
                    item.ty().name()
                )));
            }
            let (m, n) = (&tuple::items(&item)[0], &tuple::items(&item)[1]);
            if !pystr::is_str(m) || !pystr::is_str(n) {
                return Err(exc::runtime_error(format!(
                    "_compat_pickle.NAME_MAPPING values should be pairs of str, not ({}, {})",
                    m.ty().name(),
                    n.ty().name()
                )));
            }
            module = m.clone();
            name = n.clone();
        } else if let Some(item) = dict::get_item(&t.import_mapping_2to3, &module)? {
            if !pystr::is_str(&item) {
                return Err(exc::runtime_error(format!(
                    "_compat_pickle.IMPORT_MAPPING values should be strings, not {}",
                    item.ty().name()
                )));
            }
            module = item;
        }
    }
    let m = super::pickler::import_module(&module)?;
    getattribute(&m, &name, proto >= 4)
}

/// `getattr(obj, name)`, following dots when `allow_qualname`.
fn getattribute(obj: &PyObj, name: &PyObj, allow_qualname: bool) -> PyResult<PyObj> {
    let not_found = || -> PyResult<PyErr> {
        Ok(exc::attribute_error(format!(
            "Can't get attribute {} on {}",
            ab::repr_string(name)?,
            ab::repr_string(obj)?
        )))
    };
    if !allow_qualname {
        return match ab::getattr_opt(obj, name)? {
            Some(v) => Ok(v),
            None => Err(not_found()?),
        };
    }
    let text = ab::str_string(name)?;
    let mut cur = obj.clone();
    for part in text.split('.') {
        if part == "<locals>" {
            return Err(exc::attribute_error(format!(
                "Can't get local attribute {} on {}",
                ab::repr_string(name)?,
                ab::repr_string(obj)?
            )));
        }
        match ab::getattr_opt(&cur, &pystr::new(part))? {
            Some(v) => cur = v,
            None => return Err(not_found()?),
        }
    }
    Ok(cur)
}

// ---------------------------------------------------------------------------------
// Methods and attributes
// ---------------------------------------------------------------------------------

/// `Unpickler.load()`.
fn unpickler_load(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    Args::new(a, k).exact("load", 1)?;
    let me = &a[0];
    let st = state_of(me)?;
    let mut l = {
        let mut g = modsupport::lock(st);
        let Some(read) = g.read.clone() else {
            drop(g);
            return Err(unpickling_error(format!(
                "Unpickler.__init__() was not called by {}.__init__()",
                me.ty().name()
            )));
        };
        Loader {
            me: Some(me.clone()),
            input: Input {
                buf: Vec::new(),
                pos: 0,
                read: Some(read),
                readline: g.readline.clone(),
            },
            stack: Vec::new(),
            marks: Vec::new(),
            memo: std::mem::take(&mut g.memo),
            proto: 0,
            fix_imports: g.fix_imports,
            encoding: g.encoding.clone(),
            errors: g.errors.clone(),
            pers_func: g.pers_func.clone(),
            buffers: g.buffers.clone(),
        }
    };
    let r = l.load();
    let memo = std::mem::take(&mut l.memo);
    let proto = l.proto;
    drop(l);
    {
        let mut g = modsupport::lock(st);
        let during = std::mem::replace(&mut g.memo, memo);
        g.proto = proto;
        drop(g);
        drop(during);
    }
    r
}

/// `Unpickler.find_class(module_name, global_name)`.
fn unpickler_find_class(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    Args::new(a, k).exact("find_class", 3)?;
    let st = state_of(&a[0])?;
    let (proto, fix) = {
        let g = modsupport::lock(st);
        (g.proto, g.fix_imports)
    };
    find_class_impl(proto, fix, &a[1], &a[2])
}

/// `Unpickler.__sizeof__()`.
fn unpickler_sizeof(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    Args::new(a, k).exact("__sizeof__", 1)?;
    let st = state_of(&a[0])?;
    let n = modsupport::lock(st).memo.len();
    let base = a[0].ty().basicsize();
    Ok(int::from_usize(base + n * std::mem::size_of::<usize>()))
}

fn get_memo(o: &PyObj) -> PyResult<PyObj> {
    state_of(o)?;
    Ok(memo::unpickler_proxy(o))
}

fn set_memo(o: &PyObj, v: Option<&PyObj>) -> PyResult<()> {
    let st = state_of(o)?;
    let Some(v) = v else {
        return Err(type_error("attribute deletion is not supported"));
    };
    let new = if let Some(u) = memo::proxy_owner(v, &memo::UNPICKLER_MEMO_PROXY_TYPE) {
        with_memo(&u, |m| m.clone())
    } else if dict::is_dict(v) {
        let mut m = UnpicklerMemo::default();
        for (key, value) in dict::items(v) {
            if !int::is_int(&key) {
                return Err(type_error("memo key must be integers"));
            }
            let i = int::to_isize(&key)?;
            if i < 0 {
                return Err(value_error("memo key must be positive integers."));
            }
            m.put(i as usize, value);
        }
        m
    } else {
        return Err(type_error(format!(
            "'memo' attribute must be an UnpicklerMemoProxy object or dict, not {}",
            v.ty().name()
        )));
    };
    let old = std::mem::replace(&mut modsupport::lock(st).memo, new);
    drop(old);
    Ok(())
}

fn get_persload(o: &PyObj) -> PyResult<PyObj> {
    modsupport::lock(state_of(o)?)
        .pers_func
        .clone()
        .ok_or_else(|| exc::attribute_error("persistent_load"))
}

fn set_persload(o: &PyObj, v: Option<&PyObj>) -> PyResult<()> {
    let st = state_of(o)?;
    let Some(v) = v else {
        return Err(type_error("attribute deletion is not supported"));
    };
    if !super::is_callable(v) {
        return Err(type_error(
            "persistent_load must be a callable taking one argument",
        ));
    }
    let old = modsupport::lock(st).pers_func.replace(v.clone());
    drop(old);
    Ok(())
}

/// Readies the type.
pub(super) fn ready() {
    static READY: std::sync::Once = std::sync::Once::new();
    READY.call_once(|| {
        UNPICKLER_TYPE.ready_static(
            Some(&strand_objects::baseobject::OBJECT_TYPE),
            &[
                MethodDef::new("load", unpickler_load),
                MethodDef::new("find_class", unpickler_find_class),
                MethodDef::new("__sizeof__", unpickler_sizeof),
            ],
            &[
                GetSetDef::new("memo", get_memo, Some(set_memo)),
                GetSetDef::new("persistent_load", get_persload, Some(set_persload)),
            ],
        );
        dict::set_item_str(
            UNPICKLER_TYPE.dict(),
            "__doc__",
            pystr::new("This takes a binary file for reading a pickle data stream."),
        );
    });
}

// ---------------------------------------------------------------------------------
// load, loads
// ---------------------------------------------------------------------------------

fn module_loader(input: Input, opts: LoadOptions) -> Loader {
    Loader {
        me: None,
        input,
        stack: Vec::new(),
        marks: Vec::new(),
        memo: UnpicklerMemo::default(),
        proto: 0,
        fix_imports: opts.fix_imports,
        encoding: opts.encoding,
        errors: opts.errors,
        pers_func: None,
        buffers: opts.buffers,
    }
}

/// `load(file, *, fix_imports=True, encoding='ASCII', errors='strict',
/// buffers=())`.
pub(super) fn load_fn(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    let b = super::bind_kwonly(a, k, "load", &LOAD_NAMES, 1, 1)?;
    let (read, readline, _) = file_methods(b[0].expect("required"))?;
    let opts = load_options(&b, "load", 1)?;
    let input = Input {
        buf: Vec::new(),
        pos: 0,
        read: Some(read),
        readline: Some(readline),
    };
    module_loader(input, opts).load()
}

/// `loads(data, /, *, fix_imports=True, encoding='ASCII', errors='strict',
/// buffers=())`.
pub(super) fn loads_fn(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    let b = super::bind_kwonly(a, k, "loads", &LOAD_NAMES, 1, 1)?;
    let data = b[0].expect("required");
    if Args::new(a, k).kw("file").is_some() {
        return Err(type_error(
            "loads() got some positional-only arguments passed as keyword arguments: 'data'",
        ));
    }
    if pystr::is_str(data) {
        return Err(type_error("a bytes-like object is required, not 'str'"));
    }
    let buf = crate::buffer::bytes_like(data)?;
    let opts = load_options(&b, "loads", 1)?;
    let input = Input {
        buf,
        pos: 0,
        read: None,
        readline: None,
    };
    module_loader(input, opts).load()
}

#[cfg(test)]
mod tests {
    use super::le_usize;

    #[test]
    fn sizes_are_little_endian() {
        assert_eq!(le_usize(&[1, 0, 0, 0]), 1);
        assert_eq!(le_usize(&[0, 1]), 256);
        assert_eq!(le_usize(&[0, 0, 0, 0, 0, 0, 0, 1]), 1 << 56);
    }
}
