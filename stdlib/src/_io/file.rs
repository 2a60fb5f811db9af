//! The file objects `open()` returns: `FileIO` (raw, unbuffered), `BufferedReader`,
//! `BufferedWriter`, `BufferedRandom` (binary, buffered) and `TextIOWrapper` (text).
//!
//! All five share one layout, [`PyFile`]: a counted pointer to the [`FileCore`] of the
//! open file, plus the immutable attributes of the layer (name, mode, the wrapped
//! layer, the text encoding and newline mode). A text file's `.buffer` and a buffered
//! file's `.raw` are separate objects over the same core, so mixing layers sees one
//! position and one set of pending bytes.
//!
//! Text is encoded and decoded directly against the core's byte buffers (UTF-8,
//! ASCII or Latin-1), which keeps `tell()` an exact byte offset with no decoder
//! snapshot.

use std::sync::Arc;

use strand_heap::{HeapKind, ObjPtr, ObjectHeader};
use strand_objects::abstract_ as ab;
use strand_objects::args::Args;
use strand_objects::descr::{GetSetDef, MethodDef};
use strand_objects::exceptions::{self as exc, type_error, value_error};
use strand_objects::typeobj::{Slots, TypeFlags};
use strand_objects::{bytes, int, list, singletons, str as pystr, PyErr, PyObj, PyResult};

use super::core::{FileCore, FileState, IoFail, Newline};

/// A text encoding the file layer implements.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Enc {
    /// UTF-8.
    Utf8,
    /// ASCII (7-bit).
    Ascii,
    /// Latin-1 (each byte one code point).
    Latin1,
}

impl Enc {
    /// The encoding for a Python encoding name, or `None` if strand does not
    /// implement it.
    pub fn lookup(name: &str) -> Option<Enc> {
        match name.to_ascii_lowercase().replace(['-', ' '], "_").as_str() {
            "utf_8" | "utf8" | "u8" | "utf" | "cp65001" => Some(Enc::Utf8),
            "ascii" | "us_ascii" | "646" => Some(Enc::Ascii),
            "latin_1" | "latin1" | "iso_8859_1" | "iso8859_1" | "l1" | "8859" | "cp819" => {
                Some(Enc::Latin1)
            }
            _ => None,
        }
    }

    fn codec_name(self) -> &'static str {
        match self {
            Enc::Utf8 => "utf-8",
            Enc::Ascii => "ascii",
            Enc::Latin1 => "latin-1",
        }
    }
}

/// The text layer's configuration (immutable after creation).
pub struct TextCfg {
    /// The codec.
    pub enc: Enc,
    /// `encoding` as given (or the default's spelling).
    pub encoding: PyObj,
    /// `errors` (a str).
    pub errors: PyObj,
    /// `newline`.
    pub newline: Newline,
}

/// Which layer a file object is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Layer {
    /// `FileIO`.
    Raw,
    /// `BufferedReader`/`Writer`/`Random`.
    Buffered,
    /// `TextIOWrapper`.
    Text,
}

/// What `__init__` set a native file object up as (fixed until the next `__init__`).
pub struct Setup {
    core: Arc<FileCore>,
    name: PyObj,
    mode: PyObj,
    /// Text: the buffered layer; buffered: the raw layer; raw: `None`.
    inner: Option<PyObj>,
    text: Option<TextCfg>,
}

impl Setup {
    fn cfg(&self) -> &TextCfg {
        self.text
            .as_ref()
            .expect("text files have a text configuration")
    }
}

/// The state of a file object: empty from `__new__` until `__init__` runs (CPython's
/// `ok`/`detached` flags), then strand's own file layer over a [`FileCore`], or the
/// generic layer over any Python stream object.
#[derive(Clone)]
pub enum State {
    /// Made by `__new__`, not yet set up.
    Uninit,
    /// After `detach()`.
    Detached,
    /// Strand's own layer over an open file.
    Native(Arc<Setup>),
    /// The generic layer: an instance of the same class of CPython's pure-Python
    /// implementation (`_pyio`), which reaches the wrapped object only through its
    /// Python methods; every method and attribute is forwarded to it.
    Generic(PyObj),
}

/// The layout of the file objects (see the module docs).
#[repr(C)]
pub struct PyFile {
    header: ObjectHeader,
    state: std::sync::RwLock<State>,
}

/// Visits the instance dict (CPython's file objects have one). The wrapped layer
/// and the generic layer's `_pyio` object are not visited: a cycle through them is
/// left to reference counting (the collector never frees what it was not shown).
unsafe fn file_traverse(obj: ObjPtr, visit: &mut dyn FnMut(ObjPtr)) {
    // SAFETY: the file types have a pre-header.
    unsafe { strand_objects::managed::traverse(obj, visit) };
}

unsafe fn file_clear(obj: ObjPtr) {
    // SAFETY: the collector holds a reference; the file types have a pre-header.
    unsafe { strand_objects::managed::clear(obj) };
}

unsafe fn file_dealloc(obj: ObjPtr) {
    // SAFETY: count zero, exclusive access; every field was initialised.
    unsafe {
        strand_objects::weakref::clear_weakrefs_on_dealloc(obj);
        strand_objects::managed::clear(obj);
        let p = obj.as_ptr() as *mut PyFile;
        let st = std::mem::replace(
            (*p).state.get_mut().unwrap_or_else(|e| e.into_inner()),
            State::Uninit,
        );
        if let State::Native(s) = &st {
            s.core.close_on_dealloc();
        }
        drop(st);
        std::ptr::drop_in_place(std::ptr::addr_of_mut!((*p).state));
        strand_objects::heaptype::dealloc_instance_memory(obj);
    }
}

macro_rules! file_type {
    ($(#[$m:meta])* $ident:ident, $name:literal, $new:expr) => {
        strand_objects::builtin_type! {
            $(#[$m])*
            pub static $ident = {
                name: $name,
                layout: PyFile,
                itemsize: 0,
                kind: HeapKind::GcPreheader,
                flags: TypeFlags::BASETYPE
                    .union(TypeFlags::MANAGED_WEAKREF)
                    .union(TypeFlags::MANAGED_DICT)
                    .union(TypeFlags::PREHEADER),
                traverse: Some(file_traverse),
                clear: Some(file_clear),
                dealloc: file_dealloc,
                size: None,
                slots: Slots {
                    repr: Some(file_repr),
                    iter: Some(file_iter),
                    iternext: Some(file_iternext),
                    new: Some(file_new),
                    init: Some($new),
                    ..Slots::EMPTY
                },
            }
        }
    };
}

file_type!(
    /// `_io.FileIO`.
    FILEIO_TYPE,
    "_io.FileIO",
    fileio_init
);
file_type!(
    /// `_io.BufferedReader`.
    BUFFERED_READER_TYPE,
    "_io.BufferedReader",
    buffered_init
);
file_type!(
    /// `_io.BufferedWriter`.
    BUFFERED_WRITER_TYPE,
    "_io.BufferedWriter",
    buffered_init
);
file_type!(
    /// `_io.BufferedRandom`.
    BUFFERED_RANDOM_TYPE,
    "_io.BufferedRandom",
    buffered_init
);
file_type!(
    /// `_io.TextIOWrapper`.
    TEXTIO_TYPE,
    "_io.TextIOWrapper",
    textio_init
);

/// `true` for instances of the file types (and their subclasses).
pub fn is_file(o: &PyObj) -> bool {
    [
        &FILEIO_TYPE,
        &BUFFERED_READER_TYPE,
        &BUFFERED_WRITER_TYPE,
        &BUFFERED_RANDOM_TYPE,
        &TEXTIO_TYPE,
    ]
    .iter()
    .any(|t| o.is_instance_of(t))
}

fn raw_payload(o: &PyObj) -> &PyFile {
    debug_assert!(is_file(o));
    // SAFETY: the methods and slots of this module are installed on the file types
    // only, whose instances (and subclasses' instances) start with PyFile.
    unsafe { o.payload_unchecked::<PyFile>() }
}

/// The state of a file object.
pub fn state_of(o: &PyObj) -> State {
    raw_payload(o)
        .state
        .read()
        .unwrap_or_else(|e| e.into_inner())
        .clone()
}

fn set_state(o: &PyObj, st: State) {
    let old = std::mem::replace(
        &mut *raw_payload(o)
            .state
            .write()
            .unwrap_or_else(|e| e.into_inner()),
        st,
    );
    drop(old);
}

/// The `_pyio` object a generic file object forwards to.
pub fn generic_of(o: &PyObj) -> Option<PyObj> {
    match &*raw_payload(o)
        .state
        .read()
        .unwrap_or_else(|e| e.into_inner())
    {
        State::Generic(d) => Some(d.clone()),
        _ => None,
    }
}

/// CPython's `ValueError` for a file object used before `__init__` (or after
/// `detach()`).
fn uninit_error(o: &PyObj) -> PyErr {
    if layer(o) == Layer::Raw {
        value_error("I/O operation on closed file")
    } else {
        value_error("I/O operation on uninitialized object")
    }
}

/// The native setup of a file object (`ValueError` if it was never set up).
fn payload(o: &PyObj) -> PyResult<Arc<Setup>> {
    match state_of(o) {
        State::Native(s) => Ok(s),
        State::Detached if layer(o) == Layer::Text => {
            Err(value_error("underlying buffer has been detached"))
        }
        State::Detached => Err(value_error("raw stream has been detached")),
        _ => Err(uninit_error(o)),
    }
}

fn layer(o: &PyObj) -> Layer {
    if o.is_instance_of(&TEXTIO_TYPE) {
        Layer::Text
    } else if o.is_instance_of(&FILEIO_TYPE) {
        Layer::Raw
    } else {
        Layer::Buffered
    }
}

/// Creates a file object of type `ty` (a file type or a subclass) over `core`.
pub fn new_file(
    ty: &strand_objects::PyType,
    core: Arc<FileCore>,
    name: PyObj,
    mode: &str,
    inner: Option<PyObj>,
    text: Option<TextCfg>,
) -> PyObj {
    let obj = alloc_file(ty);
    set_state(
        &obj,
        State::Native(Arc::new(Setup {
            core,
            name,
            mode: pystr::new(mode),
            inner,
            text,
        })),
    );
    obj
}

/// A fresh, not yet set up file object of type `ty`.
fn alloc_file(ty: &strand_objects::PyType) -> PyObj {
    let obj = strand_objects::alloc::alloc_instance(ty, ty.basicsize());
    // SAFETY: a fresh allocation with the PyFile layout; the one field is written
    // before the object is finished.
    unsafe {
        let p = obj.as_ptr().as_ptr() as *mut PyFile;
        std::ptr::addr_of_mut!((*p).state).write(std::sync::RwLock::new(State::Uninit));
        strand_objects::heaptype::init_slots_region(ty, &obj);
        strand_objects::alloc::finish_instance(ty, &obj);
    }
    obj
}

/// `__new__` of the file types (CPython's generic `tp_new`): an empty object that
/// `__init__` sets up, so subclasses may define `__init__` with any signature.
fn file_new(cls: &PyObj, _args: &[PyObj], _kw: Option<&PyObj>) -> PyResult<PyObj> {
    let ty = strand_objects::typeobj::expect_type(cls, "FileIO.__new__(X)")?;
    Ok(alloc_file(ty))
}

/// `FileIO.__init__(file, mode='r', closefd=True, opener=None)`: sets `o` up as
/// `open(file, mode + 'b', buffering=0, ...)`.
fn fileio_init(o: &PyObj, args: &[PyObj], kw: Option<&PyObj>) -> PyResult<()> {
    let a = Args::new(args, kw);
    let b = a.bind("FileIO", 0, &["file", "mode", "closefd", "opener"], 1)?;
    let mode = match b[1] {
        None => "r".to_string(),
        Some(m) if pystr::is_str(m) => pystr::as_str(m).to_string(),
        Some(m) => {
            return Err(type_error(format!(
                "FileIO() argument 'mode' must be str, not {}",
                m.ty().name()
            )))
        }
    };
    if mode.contains('t') || mode.chars().filter(|&c| c == 'b').count() > 1 {
        return Err(value_error(format!("invalid mode: {mode}")));
    }
    let bmode = format!("{}b", mode.replace('b', ""));
    let mut oargs = vec![
        b[0].expect("required").clone(),
        pystr::new(&bmode),
        int::from_i64(0),
    ];
    let mut names = Vec::new();
    if let Some(c) = b[2] {
        oargs.push(c.clone());
        names.push(pystr::intern("closefd"));
    }
    if let Some(op) = b[3] {
        oargs.push(op.clone());
        names.push(pystr::intern("opener"));
    }
    let kn = (!names.is_empty()).then(|| strand_objects::tuple::from_vec(names));
    // Re-initialising closes what the object had open (as CPython's FileIO does).
    if let State::Native(old) = state_of(o) {
        let _ = blocking_close(&old.core);
    }
    let raw = super::open(&oargs, kn.as_ref())?;
    // `o` takes a setup of its own over the temporary object's core, so the core
    // stays open when the temporary dies (`close_on_dealloc` counts core owners).
    let p = payload(&raw)?;
    set_state(
        o,
        State::Native(Arc::new(Setup {
            core: p.core.clone(),
            name: p.name.clone(),
            mode: p.mode.clone(),
            inner: None,
            text: None,
        })),
    );
    if !o.is_exact(&FILEIO_TYPE) {
        // CPython sets `name` through the object's `__setattr__`; if a subclass's
        // refuses, the object is left unusable and a descriptor it did not open
        // stays open.
        if let Err(e) = ab::setattr(o, &pystr::intern("name"), &p.name) {
            if int::is_int(&p.name) {
                p.core.lock().closefd = false;
            } else {
                let _ = blocking_close(&p.core);
            }
            set_state(o, State::Uninit);
            return Err(e);
        }
    }
    Ok(())
}

/// The file type `o` is an instance of (its own or a subclass's base).
fn base_type(o: &PyObj) -> &'static strand_objects::PyType {
    [
        &BUFFERED_RANDOM_TYPE,
        &BUFFERED_WRITER_TYPE,
        &BUFFERED_READER_TYPE,
        &TEXTIO_TYPE,
    ]
    .into_iter()
    .find(|t| o.is_instance_of(t))
    .unwrap_or(&FILEIO_TYPE)
}

/// The name of `o`'s class as CPython spells it in messages (`BufferedReader`).
fn short_name(o: &PyObj) -> String {
    let ty = if o.is_instance_of(&BUFFERED_RANDOM_TYPE) {
        "BufferedRandom"
    } else if o.is_instance_of(&BUFFERED_WRITER_TYPE) {
        "BufferedWriter"
    } else if o.is_instance_of(&BUFFERED_READER_TYPE) {
        "BufferedReader"
    } else if o.is_instance_of(&TEXTIO_TYPE) {
        "TextIOWrapper"
    } else {
        "FileIO"
    };
    ty.to_string()
}

/// An instance of `_pyio.<class>(*args, **kw)`: the generic layer (see [`State`]).
fn pyio_instance(class: &str, args: &[PyObj], kw: Option<&PyObj>) -> PyResult<PyObj> {
    let m = strand_interp::import::import(
        &pystr::new("_pyio"),
        &strand_objects::dict::new(),
        &strand_objects::tuple::from_vec(Vec::new()),
        &int::from_i64(0),
    )?;
    let cls = ab::getattr_str(&m, class)?;
    ab::call(&cls, args, kw)
}

/// `true` if `o` is one of strand's own file objects of layer `l` over an open
/// file (not a generic one).
fn is_native(o: &PyObj, l: Layer) -> bool {
    is_file(o) && layer(o) == l && matches!(state_of(o), State::Native(_))
}

/// `BufferedReader.__init__(raw, buffer_size=DEFAULT_BUFFER_SIZE)` (and Writer,
/// Random): strand's buffered layer over one of its `FileIO` objects, or the
/// generic one over any raw stream (`SocketIO`, `BytesIO`, a Python class with
/// `readinto`...).
fn buffered_init(o: &PyObj, args: &[PyObj], kw: Option<&PyObj>) -> PyResult<()> {
    let short = short_name(o);
    let a = Args::new(args, kw);
    let b = a.bind(&short, 0, &["raw", "buffer_size"], 1)?;
    let raw = b[0].expect("required");
    let size = match b[1] {
        Some(v) => int::to_isize(&ab::index(v)?)?,
        None => super::core::DEFAULT_BUFFER_SIZE as isize,
    };
    if !is_native(raw, Layer::Raw) {
        let mut pargs = vec![raw.clone()];
        if let Some(v) = b[1] {
            pargs.push(v.clone());
        }
        let d = pyio_instance(&short, &pargs, None)?;
        set_state(o, State::Generic(d));
        return Ok(());
    }
    if size <= 0 {
        return Err(value_error("buffer size must be strictly positive"));
    }
    let p = payload(raw)?;
    let check = |what: &str, msg: &str| -> PyResult<()> {
        if ab::is_true(&ab::call_method(raw, what, &[])?)? {
            Ok(())
        } else {
            Err(super::unsupported(msg))
        }
    };
    if short != "BufferedWriter" {
        check("readable", "File or stream is not readable.")?;
    }
    if short != "BufferedReader" {
        check("writable", "File or stream is not writable.")?;
    }
    if short == "BufferedRandom" {
        check("seekable", "File or stream is not seekable.")?;
    }
    p.core.lock().buf_size = size as usize;
    set_state(
        o,
        State::Native(Arc::new(Setup {
            core: p.core.clone(),
            name: p.name.clone(),
            mode: p.mode.clone(),
            inner: Some(raw.clone()),
            text: None,
        })),
    );
    Ok(())
}

/// `TextIOWrapper.__init__(buffer, encoding=None, errors=None, newline=None,
/// line_buffering=False, write_through=False)`: strand's text layer over one of its
/// buffered files in an encoding it implements, or the generic one over any
/// binary stream (any codec of the registry).
fn textio_init(o: &PyObj, args: &[PyObj], kw: Option<&PyObj>) -> PyResult<()> {
    let a = Args::new(args, kw);
    let b = a.bind(
        "TextIOWrapper",
        0,
        &[
            "buffer",
            "encoding",
            "errors",
            "newline",
            "line_buffering",
            "write_through",
        ],
        1,
    )?;
    let buffer = b[0].expect("required");
    let opt = |v: Option<&PyObj>, what: &str| -> PyResult<Option<PyObj>> {
        match v {
            None => Ok(None),
            Some(v) if singletons::is_none(v) => Ok(None),
            Some(v) if pystr::is_str(v) => Ok(Some(v.clone())),
            Some(v) => Err(type_error(format!(
                "TextIOWrapper() argument '{what}' must be str or None, not {}",
                v.ty().name()
            ))),
        }
    };
    let encoding = opt(b[1], "encoding")?;
    let errors = opt(b[2], "errors")?;
    let newline = opt(b[3], "newline")?;
    let flag = |v: Option<&PyObj>| v.map_or(Ok(false), ab::is_true);
    let (lb, wt) = (flag(b[4])?, flag(b[5])?);
    let known = encoding
        .as_ref()
        .is_none_or(|e| pystr::as_str(e) == "locale" || Enc::lookup(pystr::as_str(e)).is_some());
    if !is_native(buffer, Layer::Buffered) || !known {
        // "locale" (PEP 597) is UTF-8 for strand.
        let enc = encoding
            .filter(|e| pystr::as_str(e) != "locale")
            .unwrap_or_else(|| pystr::new("utf-8"));
        let opt_obj = |v: Option<PyObj>| v.unwrap_or_else(singletons::none);
        let d = pyio_instance(
            "TextIOWrapper",
            &[
                buffer.clone(),
                enc,
                opt_obj(errors),
                opt_obj(newline),
                int::bool_obj(lb),
                int::bool_obj(wt),
            ],
            None,
        )?;
        // The C implementation's chunk size (`_pyio`'s is 2048).
        ab::setattr(
            &d,
            &pystr::intern("_CHUNK_SIZE"),
            &int::from_usize(super::core::DEFAULT_BUFFER_SIZE),
        )?;
        set_state(o, State::Generic(d));
        return Ok(());
    }
    let cfg = super::text_config(encoding, errors, newline, "UTF-8", "strict")?;
    let p = payload(buffer)?;
    {
        let mut st = p.core.lock();
        st.line_buffering = lb;
        st.write_through = wt;
    }
    set_state(
        o,
        State::Native(Arc::new(Setup {
            core: p.core.clone(),
            name: p.name.clone(),
            mode: p.mode.clone(),
            inner: Some(buffer.clone()),
            text: Some(cfg),
        })),
    );
    Ok(())
}

/// The core of a file object (for the fast paths of `print` and `input`).
pub fn core_of(o: &PyObj) -> Option<Arc<FileCore>> {
    is_file(o)
        .then(|| payload(o).ok().map(|p| p.core.clone()))
        .flatten()
}

// ---------------------------------------------------------------------------------
// Errors
// ---------------------------------------------------------------------------------

/// The operation a failure came from, for CPython's message on a closed file.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Op {
    Read,
    Readinto,
    Readline,
    Seek,
    Flush,
    /// The generic `IOBase` checks (`readlines`, `__enter__`, iteration).
    Generic,
    /// What a text file hands to its buffer (`fileno`, `seekable`...).
    Delegated,
    Other,
}

fn closed_message(l: Layer, op: Op) -> &'static str {
    match (l, op) {
        (_, Op::Generic) => "I/O operation on closed file.",
        (_, Op::Delegated) => "I/O operation on closed file",
        (Layer::Text, _) => "I/O operation on closed file.",
        (Layer::Buffered, Op::Read) => "read of closed file",
        (Layer::Buffered, Op::Readinto) => "readinto of closed file",
        (Layer::Buffered, Op::Readline) => "readline of closed file",
        (Layer::Buffered, Op::Seek) => "seek of closed file",
        (Layer::Buffered, Op::Flush) => "I/O operation on closed file.",
        _ => "I/O operation on closed file",
    }
}

fn fail(e: IoFail, l: Layer, op: Op) -> PyErr {
    match e {
        IoFail::Os(e) => exc::from_io_error(&e, None),
        IoFail::Closed => value_error(closed_message(l, op)),
        IoFail::Unsupported(m) => super::unsupported(m),
        IoFail::Value(m) => value_error(m),
        IoFail::OsMsg(m) => PyErr::new(&exc::OS_ERROR_TYPE, m),
        IoFail::Interrupted => strand_interp::signals::check_interrupt()
            .err()
            .unwrap_or_else(|| PyErr::new(&exc::KEYBOARD_INTERRUPT_TYPE, "")),
        IoFail::Decode(chunk) => {
            let obj = bytes::new(&chunk);
            match bytes::decode(&obj, &chunk, "utf-8", "strict") {
                Err(e) => e,
                Ok(_) => value_error("undecodable text"),
            }
        }
    }
}

/// Runs `f` on the locked state of `o`'s core, turning failures into exceptions.
fn with_state<R>(
    o: &PyObj,
    op: Op,
    f: impl FnOnce(&mut FileState) -> Result<R, IoFail>,
) -> PyResult<R> {
    let p = payload(o)?;
    let r = {
        let mut st = p.core.lock();
        f(&mut st)
    };
    r.map_err(|e| fail(e, layer(o), op))
}

// ---------------------------------------------------------------------------------
// Argument helpers
// ---------------------------------------------------------------------------------

/// A size argument: `None`/absent/negative mean "all" (`None` returned).
fn size_arg(a: Option<&PyObj>, allow_none: bool) -> PyResult<Option<usize>> {
    match a {
        None => Ok(None),
        Some(v) if singletons::is_none(v) && allow_none => Ok(None),
        Some(v) => {
            if !int::is_int(v) && v.ty().slots().number.index.is_none() {
                return Err(type_error(format!(
                    "argument should be integer or None, not '{}'",
                    v.ty().name()
                )));
            }
            let n = int::to_isize(&ab::index(v)?)?;
            Ok(if n < 0 { None } else { Some(n as usize) })
        }
    }
}

/// A `readline` limit for text files (an integer; `None` is a TypeError).
fn text_limit(a: Option<&PyObj>) -> PyResult<Option<usize>> {
    match a {
        None => Ok(None),
        Some(v) => {
            let n = int::to_isize(&ab::index(v)?)?;
            Ok(if n < 0 { None } else { Some(n as usize) })
        }
    }
}

// ---------------------------------------------------------------------------------
// Text decoding and encoding
// ---------------------------------------------------------------------------------

fn decode_all(cfg: &TextCfg, data: &[u8]) -> PyResult<String> {
    match (cfg.enc, std::str::from_utf8(data)) {
        (Enc::Utf8, Ok(s)) => Ok(s.to_string()),
        (Enc::Ascii, Ok(s)) if s.is_ascii() => Ok(s.to_string()),
        _ => {
            let obj = bytes::new(data);
            bytes::decode(&obj, data, cfg.enc.codec_name(), pystr::as_str(&cfg.errors))
        }
    }
}

/// Universal-newline translation of decoded text (`\r\n` and `\r` to `\n`).
fn translate_newlines(s: String) -> String {
    if !s.contains('\r') {
        return s;
    }
    s.replace("\r\n", "\n").replace('\r', "\n")
}

/// Reads up to `n` characters of text.
fn read_chars(
    st: &mut FileState,
    cfg: &TextCfg,
    n: usize,
) -> Result<Result<String, PyErr>, IoFail> {
    let translate = cfg.newline == Newline::Universal;
    let mut out = String::new();
    let mut count = 0;
    while count < n {
        if st.avail() == 0 && !st.fill()? {
            break;
        }
        let win = st.window();
        let (valid, bad) = match cfg.enc {
            Enc::Utf8 => match std::str::from_utf8(win) {
                Ok(_) => (win.len(), None),
                Err(e) => (e.valid_up_to(), Some(e.error_len())),
            },
            Enc::Latin1 => (win.len(), None),
            Enc::Ascii => match win.iter().position(|&b| b >= 0x80) {
                None => (win.len(), None),
                Some(i) => (i, Some(Some(1))),
            },
        };
        if valid == 0 {
            match bad {
                Some(None) => {
                    // A character cut by the buffer's end: read more.
                    let before = st.avail();
                    if st.fill()? && st.avail() > before {
                        continue;
                    }
                    // The file ends inside a character.
                    let w = st.window().to_vec();
                    if let Err(e) = decode_piece(cfg, &w, &mut out) {
                        return Ok(Err(e));
                    }
                    st.consume(w.len());
                    count += 1;
                    continue;
                }
                Some(Some(k)) => {
                    let w = st.window()[..k].to_vec();
                    if let Err(e) = decode_piece(cfg, &w, &mut out) {
                        return Ok(Err(e));
                    }
                    st.consume(k);
                    count += 1;
                    continue;
                }
                // A non-empty window always has a valid prefix or an error.
                None => break,
            }
        }
        // Take characters from the valid prefix.
        let mut used = 0;
        let mut need_more = false;
        {
            let text: std::borrow::Cow<'_, str> = match cfg.enc {
                // SAFETY: from_utf8 validated win[..valid] above (ASCII is UTF-8).
                Enc::Utf8 | Enc::Ascii => std::borrow::Cow::Borrowed(unsafe {
                    std::str::from_utf8_unchecked(&win[..valid])
                }),
                Enc::Latin1 => {
                    std::borrow::Cow::Owned(win[..valid].iter().map(|&b| b as char).collect())
                }
            };
            for c in text.chars() {
                if count == n {
                    break;
                }
                if c == '\r' && translate {
                    let next = win.get(used + 1).copied();
                    match next {
                        Some(b'\n') => {
                            out.push('\n');
                            used += 2;
                            count += 1;
                            continue;
                        }
                        Some(_) => {
                            out.push('\n');
                            used += 1;
                            count += 1;
                            continue;
                        }
                        None => {
                            need_more = true;
                            break;
                        }
                    }
                }
                out.push(c);
                used += if cfg.enc == Enc::Latin1 {
                    1
                } else {
                    c.len_utf8()
                };
                count += 1;
            }
        }
        st.consume(used);
        if need_more {
            // A `\r` at the end of what was read: is it the start of `\r\n`?
            if !st.fill()? || st.avail() < 2 {
                out.push('\n');
                st.consume(1);
                count += 1;
            }
        }
    }
    Ok(Ok(out))
}

/// Decodes an undecodable piece under the error handler: the replacement text, or
/// the `UnicodeDecodeError`.
fn decode_piece(cfg: &TextCfg, bad: &[u8], out: &mut String) -> PyResult<()> {
    let obj = bytes::new(bad);
    let s = bytes::decode(&obj, bad, cfg.enc.codec_name(), pystr::as_str(&cfg.errors))?;
    out.push_str(&s);
    Ok(())
}

fn encode_text<'a>(cfg: &TextCfg, s: &'a PyObj) -> PyResult<std::borrow::Cow<'a, [u8]>> {
    use std::borrow::Cow;
    let text = pystr::as_str(s);
    let text: Cow<'a, str> = match cfg.newline {
        Newline::Cr if text.contains('\n') => text.replace('\n', "\r").into(),
        Newline::CrLf if text.contains('\n') => text.replace('\n', "\r\n").into(),
        _ => text.into(),
    };
    let surrogates = strand_literal::str::has_surrogates(&text);
    if (cfg.enc == Enc::Utf8 && !surrogates) || text.is_ascii() {
        return Ok(match text {
            Cow::Borrowed(t) => Cow::Borrowed(t.as_bytes()),
            Cow::Owned(t) => Cow::Owned(t.into_bytes()),
        });
    }
    let obj = pystr::new(&text);
    bytes::encode(&obj, cfg.enc.codec_name(), pystr::as_str(&cfg.errors)).map(Cow::Owned)
}

/// Writes `s` (a str) to a text file; returns the number of characters.
pub fn text_write_str(o: &PyObj, s: &PyObj) -> PyResult<usize> {
    let setup = payload(o)?;
    let cfg = setup.cfg();
    let data = encode_text(cfg, s)?;
    let nl = data.iter().any(|&b| b == b'\n' || b == b'\r');
    with_state(o, Op::Other, |st| {
        if st.is_closed() {
            return Err(IoFail::Closed);
        }
        if !st.writable {
            return Err(IoFail::Unsupported("not writable"));
        }
        st.prepare_write("not writable")?;
        st.write(&data, nl)
    })?;
    Ok(pystr::payload(s).char_len())
}

/// Writes UTF-8 text to a text file whose encoding is UTF-8 with no newline
/// translation on output, without making a str object (`print`'s fast path); other
/// files go through [`text_write_str`].
pub fn text_write_utf8(o: &PyObj, s: &str) -> PyResult<()> {
    let setup = payload(o)?;
    let cfg = setup.cfg();
    if cfg.enc != Enc::Utf8
        || matches!(cfg.newline, Newline::Cr | Newline::CrLf)
        || strand_literal::str::has_surrogates(s)
    {
        text_write_str(o, &pystr::new(s))?;
        return Ok(());
    }
    let nl = s.bytes().any(|b| b == b'\n' || b == b'\r');
    with_state(o, Op::Other, |st| {
        if st.is_closed() {
            return Err(IoFail::Closed);
        }
        if !st.writable {
            return Err(IoFail::Unsupported("not writable"));
        }
        st.prepare_write("not writable")?;
        st.write(s.as_bytes(), nl)
    })
}

/// Flushes a file object's core.
pub fn flush_file(o: &PyObj) -> PyResult<()> {
    with_state(o, Op::Flush, |st| {
        st.check_open()?;
        st.flush()
    })
}

/// Reads one line from a text file (the line, `''` at end of file).
pub fn text_readline(o: &PyObj, limit: Option<usize>) -> PyResult<PyObj> {
    let setup = payload(o)?;
    let cfg = setup.cfg();
    if limit.is_none() && cfg.enc == Enc::Utf8 {
        // The common case: decode straight from the read buffer into the str.
        let strict = pystr::as_str(&cfg.errors) == "strict";
        let translate = cfg.newline == Newline::Universal;
        let r = with_state(o, Op::Readline, |st| {
            st.prepare_read("not readable")?;
            st.check_utf8 = strict;
            let end = st.line_end(None, cfg.newline.term());
            st.check_utf8 = false;
            let end = end?;
            let line = &st.window()[..end];
            let Ok(text) = std::str::from_utf8(line) else {
                return Ok(None);
            };
            let obj = match text.strip_suffix('\r') {
                Some(t) if translate => pystr::from_string(format!("{t}\n")),
                _ => match text.strip_suffix("\r\n") {
                    Some(t) if translate => pystr::from_string(format!("{t}\n")),
                    _ => pystr::new(text),
                },
            };
            st.consume(end);
            Ok(Some(obj))
        })?;
        if let Some(obj) = r {
            return Ok(obj);
        }
    }
    text_readline_slow(o, cfg, limit)
}

/// `readline` with a limit, another codec, or undecodable bytes.
fn text_readline_slow(o: &PyObj, cfg: &TextCfg, limit: Option<usize>) -> PyResult<PyObj> {
    let term = cfg.newline.term();
    let strict = cfg.enc == Enc::Utf8 && pystr::as_str(&cfg.errors) == "strict";
    let line = with_state(o, Op::Readline, |st| {
        st.prepare_read("not readable")?;
        st.check_utf8 = strict;
        let r = st.read_line(None, term);
        st.check_utf8 = false;
        r
    })?;
    let mut s = decode_all(cfg, &line)?;
    if cfg.newline == Newline::Universal {
        s = translate_newlines(s);
    }
    if let Some(l) = limit {
        let chars = s.chars().count();
        if chars > l {
            // Give back what is past the limit (it is still in the read buffer).
            let cut = s.char_indices().nth(l).map_or(s.len(), |(i, _)| i);
            // Translation only touches the line's end, so the first `l` characters
            // are untranslated source text.
            let rest_bytes = match cfg.enc {
                Enc::Utf8 => line.len() - line_prefix_len(&line, l),
                _ => line.len() - l,
            };
            let p = payload(o)?;
            p.core.lock().unconsume(rest_bytes);
            s.truncate(cut);
        }
    }
    Ok(pystr::from_string(s))
}

/// The byte length of the first `chars` characters of `line` (decoded as UTF-8).
fn line_prefix_len(line: &[u8], chars: usize) -> usize {
    match std::str::from_utf8(line) {
        Ok(s) => s.char_indices().nth(chars).map_or(s.len(), |(i, _)| i),
        Err(_) => line.len(),
    }
}

// ---------------------------------------------------------------------------------
// Methods
// ---------------------------------------------------------------------------------

fn none() -> PyObj {
    singletons::none()
}

fn m_read(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    let args = Args::new(a, k);
    let b = args.bind("read", 1, &["size"], 0)?;
    let o = &a[0];
    match layer(o) {
        Layer::Text => {
            let n = size_arg(b[0], true)?;
            let setup = payload(o)?;
            let cfg = setup.cfg();
            match n {
                None => {
                    let data = with_state(o, Op::Read, |st| {
                        st.prepare_read("not readable")?;
                        let d = st.read_all()?;
                        st.telling = true;
                        Ok(d)
                    })?;
                    let mut s = decode_all(cfg, &data)?;
                    if cfg.newline == Newline::Universal {
                        s = translate_newlines(s);
                    }
                    Ok(pystr::from_string(s))
                }
                Some(n) => {
                    let strict = cfg.enc == Enc::Utf8 && pystr::as_str(&cfg.errors) == "strict";
                    let r = with_state(o, Op::Read, |st| {
                        st.prepare_read("not readable")?;
                        st.check_utf8 = strict;
                        let r = read_chars(st, cfg, n);
                        st.check_utf8 = false;
                        r
                    })?;
                    Ok(pystr::from_string(r?))
                }
            }
        }
        l => {
            let n = match b[0] {
                Some(v) if !singletons::is_none(v) => {
                    let n = int::to_isize(&ab::index(v).map_err(|_| {
                        type_error(format!(
                            "argument should be integer or None, not '{}'",
                            v.ty().name()
                        ))
                    })?)?;
                    if n < -1 {
                        return Err(value_error("read length must be non-negative or -1"));
                    }
                    if n < 0 {
                        None
                    } else {
                        Some(n as usize)
                    }
                }
                _ => None,
            };
            let data = with_state(o, Op::Read, |st| {
                st.prepare_read("read")?;
                match (n, l) {
                    (None, _) => st.read_all(),
                    (Some(n), Layer::Raw) => st.read_once(n),
                    (Some(n), _) => st.read_n(n),
                }
            })?;
            Ok(bytes::new(&data))
        }
    }
}

fn m_read1(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    let args = Args::new(a, k);
    let b = args.bind("read1", 1, &["size"], 0)?;
    let n = size_arg(b[0], true)?.unwrap_or(super::core::DEFAULT_BUFFER_SIZE);
    let data = with_state(&a[0], Op::Read, |st| {
        st.prepare_read("read")?;
        st.read_once(n)
    })?;
    Ok(bytes::new(&data))
}

/// `readinto(b)` (`readinto1` with `once`): reads into a writable buffer as many
/// bytes as it holds (a raw file, or `once`: one system call) and returns the count.
/// The read happens before the buffer is locked; the copy into it, after.
fn readinto(a: &[PyObj], k: Option<&PyObj>, name: &str, once: bool) -> PyResult<PyObj> {
    Args::new(a, k).exact(name, 2)?;
    let dest = strand_objects::buffer::writable_buffer(&a[1], Some(name))?;
    let n = dest.len();
    let o = &a[0];
    let l = layer(o);
    if o.is_instance_of(&BUFFERED_WRITER_TYPE) {
        // BufferedIOBase.readinto calls read, which a writer does not have, open or
        // closed.
        return Err(super::unsupported("read"));
    }
    let data = with_state(o, Op::Readinto, |st| {
        st.prepare_read(if l == Layer::Raw {
            "File not open for reading"
        } else {
            "read"
        })?;
        if l == Layer::Raw || once {
            st.read_once(n)
        } else {
            st.read_n(n)
        }
    })?;
    dest.with_bytes_mut(|b| b[..data.len()].copy_from_slice(&data));
    Ok(int::from_usize(data.len()))
}

fn m_readall(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    Args::new(a, k).exact("readall", 1)?;
    let data = with_state(&a[0], Op::Read, |st| {
        st.prepare_read("read")?;
        st.read_all()
    })?;
    Ok(bytes::new(&data))
}

fn m_readline(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    let args = Args::new(a, k);
    let b = args.bind("readline", 1, &["size"], 0)?;
    let o = &a[0];
    match layer(o) {
        Layer::Text => text_readline(o, text_limit(b[0])?),
        _ => {
            let limit = size_arg(b[0], true)?;
            let line = with_state(o, Op::Readline, |st| {
                st.prepare_read("read")?;
                st.read_line(limit, super::core::Term::Lf)
            })?;
            Ok(bytes::new(&line))
        }
    }
}

fn readline_any(o: &PyObj) -> PyResult<PyObj> {
    match layer(o) {
        Layer::Text => text_readline(o, None),
        _ => {
            let line = with_state(o, Op::Readline, |st| {
                st.prepare_read("read")?;
                st.read_line(None, super::core::Term::Lf)
            })?;
            Ok(bytes::new(&line))
        }
    }
}

fn line_len(l: &PyObj) -> usize {
    if pystr::is_str(l) {
        pystr::payload(l).char_len()
    } else {
        bytes::as_bytes_opt(l).map_or(0, <[u8]>::len)
    }
}

fn m_readlines(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    let args = Args::new(a, k);
    let b = args.bind("readlines", 1, &["hint"], 0)?;
    let o = &a[0];
    let hint = size_arg(b[0], true)?.filter(|&h| h > 0);
    with_state(o, Op::Generic, |st| st.check_open())?;
    let mut out = Vec::new();
    let mut total = 0;
    set_telling(o, false);
    loop {
        let line = readline_any(o)?;
        if line_len(&line) == 0 {
            set_telling(o, true);
            break;
        }
        total += line_len(&line);
        out.push(line);
        if hint.is_some_and(|h| total >= h) {
            break;
        }
    }
    Ok(list::new(out))
}

fn set_telling(o: &PyObj, on: bool) {
    if layer(o) == Layer::Text {
        if let Ok(p) = payload(o) {
            let mut st = p.core.lock();
            st.telling = on && st.seekable().unwrap_or(false);
        }
    }
}

fn m_write(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    Args::new(a, k).exact("write", 2)?;
    let o = &a[0];
    match layer(o) {
        Layer::Text => {
            if !pystr::is_str(&a[1]) {
                return Err(type_error(format!(
                    "write() argument must be str, not {}",
                    a[1].ty().name()
                )));
            }
            Ok(int::from_usize(text_write_str(o, &a[1])?))
        }
        l => {
            let writable = with_state(o, Op::Other, |st| {
                if l == Layer::Raw {
                    st.check_open()?;
                }
                Ok(st.writable)
            })?;
            if !writable {
                return Err(super::unsupported("write"));
            }
            let data = crate::buffer::bytes_like(&a[1])?;
            let n = with_state(o, Op::Other, |st| {
                st.prepare_write("write")?;
                if l == Layer::Raw {
                    st.write_once(&data)
                } else {
                    st.write(&data, false).map(|_| data.len())
                }
            })?;
            Ok(int::from_usize(n))
        }
    }
}

fn m_writelines(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    Args::new(a, k).exact("writelines", 2)?;
    let o = &a[0];
    with_state(o, Op::Other, |st| st.check_open())?;
    let it = ab::iter(&a[1])?;
    while let Some(line) = ab::next(&it)? {
        m_write(&[o.clone(), line], None)?;
    }
    Ok(none())
}

fn m_flush(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    Args::new(a, k).exact("flush", 1)?;
    flush_file(&a[0])?;
    Ok(none())
}

fn m_close(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    Args::new(a, k).exact("close", 1)?;
    let o = &a[0];
    let p = payload(o)?;
    // CPython's close flushes through `self.flush()`: a subclass's or an instance's
    // own `flush` runs (and its error is raised once the file is closed).
    let own_flush = !o.is_exact(base_type(o))
        || strand_objects::managed::get_dict(o)
            .is_some_and(|d| strand_objects::dict::get_item_str(&d, "flush").is_some());
    let flushed = if own_flush && !p.core.lock().is_closed() {
        ab::call_method(o, "flush", &[]).map(drop)
    } else {
        Ok(())
    };
    let r = blocking_close(&p.core);
    flushed?;
    r.map_err(|e| fail(e, layer(o), Op::Other))?;
    Ok(none())
}

fn blocking_close(core: &FileCore) -> Result<(), IoFail> {
    core.lock().close()
}

fn m_fileno(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    Args::new(a, k).exact("fileno", 1)?;
    let fd = with_state(&a[0], Op::Delegated, |st| {
        st.check_open()?;
        Ok(st.fd)
    })?;
    Ok(int::from_i64(i64::from(fd)))
}

fn m_isatty(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    Args::new(a, k).exact("isatty", 1)?;
    let t = with_state(&a[0], Op::Delegated, |st| st.isatty())?;
    Ok(int::bool_obj(t))
}

fn m_readable(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    Args::new(a, k).exact("readable", 1)?;
    if a[0].is_instance_of(&BUFFERED_WRITER_TYPE) {
        return Ok(int::bool_obj(false));
    }
    let r = with_state(&a[0], Op::Delegated, |st| {
        st.check_open()?;
        Ok(st.readable)
    })?;
    Ok(int::bool_obj(r))
}

fn m_writable(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    Args::new(a, k).exact("writable", 1)?;
    if a[0].is_instance_of(&BUFFERED_READER_TYPE) {
        return Ok(int::bool_obj(false));
    }
    let r = with_state(&a[0], Op::Delegated, |st| {
        st.check_open()?;
        Ok(st.writable)
    })?;
    Ok(int::bool_obj(r))
}

fn m_seekable(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    Args::new(a, k).exact("seekable", 1)?;
    let r = with_state(&a[0], Op::Delegated, |st| {
        st.check_open()?;
        st.seekable()
    })?;
    Ok(int::bool_obj(r))
}

fn m_tell(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    Args::new(a, k).exact("tell", 1)?;
    let o = &a[0];
    let text = layer(o) == Layer::Text;
    let pos = with_state(o, Op::Other, |st| {
        st.check_open()?;
        if text && !st.telling {
            return Err(IoFail::OsMsg("telling position disabled by next() call"));
        }
        if text {
            st.flush()?;
        }
        st.tell()
    })?;
    Ok(int::from_i128(i128::from(pos)))
}

fn m_seek(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    let args = Args::new(a, k);
    args.no_kwargs("seek")?;
    args.range("seek", 2, 3)?;
    let o = &a[0];
    let l = layer(o);
    let pos_obj = &a[1];
    if !int::is_int(pos_obj) && pos_obj.ty().slots().number.index.is_none() {
        return Err(type_error(format!(
            "'{}' object cannot be interpreted as an integer",
            pos_obj.ty().name()
        )));
    }
    let pos = int::as_i64(&ab::index(pos_obj)?)
        .ok_or_else(|| exc::overflow_error("Python int too large to convert to C long"))?;
    let whence = match a.get(2) {
        Some(w) => int::to_isize(&ab::index(w)?)?,
        None => 0,
    };
    if !(0..=2).contains(&whence) {
        return Err(value_error(match l {
            Layer::Text => format!("invalid whence ({whence}, should be 0, 1 or 2)"),
            Layer::Buffered => format!("whence value {whence} unsupported"),
            Layer::Raw => "invalid whence value".to_string(),
        }));
    }
    let r = with_state(o, Op::Seek, |st| {
        st.check_open()?;
        if l == Layer::Text {
            match whence {
                1 if pos != 0 => {
                    return Err(IoFail::Unsupported("can't do nonzero cur-relative seeks"))
                }
                2 if pos != 0 => {
                    return Err(IoFail::Unsupported("can't do nonzero end-relative seeks"))
                }
                0 if pos < 0 => return Err(IoFail::Value(format!("negative seek position {pos}"))),
                _ => {}
            }
            if !st.seekable()? {
                return Err(IoFail::Unsupported("underlying stream is not seekable"));
            }
            st.flush()?;
            let r = if whence == 1 {
                st.tell()?
            } else {
                st.seek(pos, whence as i32)?
            };
            if whence == 1 {
                st.seek(r as i64, 0)?;
            }
            st.telling = true;
            Ok(r)
        } else {
            st.seek(pos, whence as i32)
        }
    })?;
    Ok(int::from_i128(i128::from(r)))
}

fn m_truncate(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    let args = Args::new(a, k);
    let b = args.bind("truncate", 1, &["size"], 0)?;
    let o = &a[0];
    let size = match b[0] {
        Some(v) if !singletons::is_none(v) => {
            let n = int::to_isize(&ab::index(v)?)?;
            if n < 0 {
                return Err(exc::os_error_for(22, "Invalid argument", None));
            }
            Some(n as u64)
        }
        _ => None,
    };
    let r = with_state(o, Op::Other, |st| {
        st.check_open()?;
        if !st.writable {
            return Err(IoFail::Unsupported("truncate"));
        }
        st.prepare_write("truncate")?;
        st.truncate(size)
    })?;
    Ok(int::from_i128(i128::from(r)))
}

fn m_enter(a: &[PyObj], _k: Option<&PyObj>) -> PyResult<PyObj> {
    let o = &a[0];
    if let Some(d) = generic_of(o) {
        // The `_pyio` object checks it is open, and returns itself: give `o`.
        ab::call_method(&d, "__enter__", &[])?;
        return Ok(o.clone());
    }
    with_state(o, Op::Generic, |st| st.check_open())?;
    Ok(o.clone())
}

fn m_exit(a: &[PyObj], _k: Option<&PyObj>) -> PyResult<PyObj> {
    ab::call_method(&a[0], "close", &[])?;
    Ok(none())
}

fn m_reconfigure(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    let args = Args::new(a, k);
    if args.nargs() > 1 {
        return Err(type_error("reconfigure() takes no positional arguments"));
    }
    let o = &a[0];
    let mut line_buffering = None;
    let mut write_through = None;
    for (name, v) in args.kwargs() {
        match name {
            "line_buffering" if !singletons::is_none(v) => line_buffering = Some(ab::is_true(v)?),
            "write_through" if !singletons::is_none(v) => write_through = Some(ab::is_true(v)?),
            "line_buffering" | "write_through" => {}
            "encoding" | "errors" | "newline" => {
                return Err(super::unsupported(
                    "strand cannot change the encoding or newline mode of an open file",
                ))
            }
            other => {
                return Err(type_error(format!(
                    "'{other}' is an invalid keyword argument for reconfigure()"
                )))
            }
        }
    }
    with_state(o, Op::Other, |st| {
        st.check_open()?;
        st.flush()?;
        if let Some(lb) = line_buffering {
            st.line_buffering = lb;
        }
        if let Some(wt) = write_through {
            st.write_through = wt;
        }
        Ok(())
    })?;
    Ok(none())
}

fn file_iter(o: &PyObj) -> PyResult<PyObj> {
    if let Some(d) = generic_of(o) {
        ab::iter(&d)?;
        return Ok(o.clone());
    }
    with_state(o, Op::Generic, |st| st.check_open())?;
    Ok(o.clone())
}

fn file_iternext(o: &PyObj) -> PyResult<Option<PyObj>> {
    if let Some(d) = generic_of(o) {
        return ab::next(&d);
    }
    let text = layer(o) == Layer::Text;
    if text {
        payload(o)?.core.lock().telling = false;
    }
    let line = readline_any(o)?;
    if line_len(&line) == 0 {
        if text {
            set_telling(o, true);
        }
        return Ok(None);
    }
    Ok(Some(line))
}

fn file_repr(o: &PyObj) -> PyResult<PyObj> {
    // CPython spells the text layer's class literally, the others by their type.
    let tyname = if layer(o) == Layer::Text {
        "_io.TextIOWrapper".to_string()
    } else {
        o.ty().name().to_string()
    };
    if let Some(d) = generic_of(o) {
        // CPython's form: the name and mode where the stream has them.
        let mut s = format!("<{tyname}");
        for attr in ["name", "mode"] {
            match ab::getattr_str(&d, attr) {
                Ok(v) => s.push_str(&format!(" {attr}={}", ab::repr_string(&v)?)),
                Err(e)
                    if e.is_instance(&exc::ATTRIBUTE_ERROR_TYPE)
                        || e.is_instance(&exc::VALUE_ERROR_TYPE) => {}
                Err(e) => return Err(e),
            }
            if layer(o) != Layer::Text {
                break;
            }
        }
        if layer(o) == Layer::Text {
            let enc = ab::getattr_str(&d, "encoding")?;
            s.push_str(&format!(" encoding={}", ab::repr_string(&enc)?));
        }
        s.push('>');
        return Ok(pystr::from_string(s));
    }
    let p = payload(o)?;
    // ` name=...`, or nothing where the name was deleted.
    let name = match g_name(o) {
        Ok(n) => format!(" name={}", ab::repr_string(&n)?),
        Err(e) if e.is_instance(&exc::ATTRIBUTE_ERROR_TYPE) => String::new(),
        Err(e) => return Err(e),
    };
    let s = match layer(o) {
        Layer::Text => format!(
            "<{tyname}{name} mode={} encoding={}>",
            ab::repr_string(&g_mode(o)?)?,
            ab::repr_string(&p.cfg().encoding)?
        ),
        Layer::Buffered => format!("<{tyname}{name}>"),
        Layer::Raw => {
            let (closed, closefd, fd) = {
                let st = p.core.lock();
                (st.is_closed(), st.closefd, st.fd)
            };
            let name = if name.is_empty() {
                format!(" fd={fd}")
            } else {
                name
            };
            if closed {
                format!("<{tyname} [closed]>")
            } else {
                format!(
                    "<{tyname}{name} mode={} closefd={}>",
                    ab::repr_string(&p.mode)?,
                    if closefd { "True" } else { "False" }
                )
            }
        }
    };
    Ok(pystr::from_string(s))
}

fn g_closed(o: &PyObj) -> PyResult<PyObj> {
    Ok(int::bool_obj(payload(o)?.core.lock().is_closed()))
}

fn g_name(o: &PyObj) -> PyResult<PyObj> {
    let p = payload(o)?;
    if p.core.name_deleted() {
        return Err(exc::attribute_error(format!(
            "'{}' object has no attribute 'name'",
            o.ty().name()
        )));
    }
    Ok(p.core.renamed().unwrap_or_else(|| p.name.clone()))
}

/// `name` is assignable on the raw layer only (an attribute of CPython's FileIO);
/// every layer over the same file then reports the new name.
fn s_name(o: &PyObj, v: Option<&PyObj>) -> PyResult<()> {
    if layer(o) != Layer::Raw {
        return Err(exc::attribute_error(format!(
            "attribute 'name' of '{}' objects is not writable",
            o.ty().name()
        )));
    }
    let p = payload(o)?;
    match v {
        Some(v) => drop(p.core.rename(v.clone())),
        None if p.core.name_deleted() => return Err(exc::attribute_error("name")),
        None => drop(p.core.delete_name()),
    }
    Ok(())
}

fn g_mode(o: &PyObj) -> PyResult<PyObj> {
    let p = payload(o)?;
    if layer(o) == Layer::Text {
        if let Some(m) = p.core.text_mode() {
            return Ok(m);
        }
    }
    Ok(p.mode.clone())
}

/// `mode` is assignable on the text layer (an instance attribute of CPython's
/// TextIOWrapper, which `open()` and `tokenize.open` set).
fn s_mode(o: &PyObj, v: Option<&PyObj>) -> PyResult<()> {
    if layer(o) != Layer::Text {
        return Err(exc::attribute_error(format!(
            "attribute 'mode' of '{}' objects is not writable",
            o.ty().name()
        )));
    }
    let Some(v) = v else {
        return Err(exc::attribute_error("mode"));
    };
    drop(payload(o)?.core.set_text_mode(v.clone()));
    Ok(())
}

fn g_inner(o: &PyObj) -> PyResult<PyObj> {
    Ok(payload(o)?.inner.clone().unwrap_or_else(none))
}

fn g_encoding(o: &PyObj) -> PyResult<PyObj> {
    Ok(payload(o)?.cfg().encoding.clone())
}

fn g_errors(o: &PyObj) -> PyResult<PyObj> {
    Ok(payload(o)?.cfg().errors.clone())
}

fn g_line_buffering(o: &PyObj) -> PyResult<PyObj> {
    Ok(int::bool_obj(payload(o)?.core.lock().line_buffering))
}

fn g_write_through(o: &PyObj) -> PyResult<PyObj> {
    Ok(int::bool_obj(payload(o)?.core.lock().write_through))
}

/// `FileIO._blksize`: the file's preferred I/O size (`st_blksize`, else
/// `DEFAULT_BUFFER_SIZE`), as CPython's FileIO records it at opening.
fn g_blksize(o: &PyObj) -> PyResult<PyObj> {
    let fd = payload(o)?.core.lock().fd;
    // SAFETY: an all-zero `stat` is a valid value; fstat only writes into it.
    let mut st: libc::stat = unsafe { std::mem::zeroed() };
    // SAFETY: `st` is a valid, writable stat buffer.
    let size = if unsafe { libc::fstat(fd, &mut st) } == 0 && st.st_blksize > 1 {
        st.st_blksize as usize
    } else {
        super::core::DEFAULT_BUFFER_SIZE
    };
    Ok(int::from_usize(size))
}

/// `TextIOWrapper._CHUNK_SIZE`: strand's text layer reads whole buffers of its
/// file, so the value is only kept (in the instance dict) to be read back.
fn g_chunk_size(o: &PyObj) -> PyResult<PyObj> {
    payload(o)?;
    let d = strand_objects::managed::ensure_dict(o);
    Ok(strand_objects::dict::get_item_str(&d, "_CHUNK_SIZE")
        .unwrap_or_else(|| int::from_usize(super::core::DEFAULT_BUFFER_SIZE)))
}

fn s_chunk_size(o: &PyObj, v: Option<&PyObj>) -> PyResult<()> {
    payload(o)?;
    let Some(v) = v else {
        return Err(exc::attribute_error("cannot delete attribute"));
    };
    let n = int::to_isize(&ab::index(v)?)?;
    if n <= 0 {
        return Err(value_error("a strictly positive integer is required"));
    }
    let d = strand_objects::managed::ensure_dict(o);
    strand_objects::dict::set_item_str(&d, "_CHUNK_SIZE", v.clone());
    Ok(())
}

fn g_closefd(o: &PyObj) -> PyResult<PyObj> {
    Ok(int::bool_obj(payload(o)?.core.lock().closefd))
}

/// Forwards a method call to the `_pyio` object of a generic file object.
fn forward(d: &PyObj, name: &str, a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    let m = ab::getattr_str(d, name)?;
    ab::call(&m, a, k)
}

/// A method of the file types: `$f` for strand's own files, the `_pyio` object's
/// method of the same name for generic ones.
macro_rules! fwd {
    ($name:literal, $f:expr) => {
        MethodDef::new($name, |a, k| {
            if let Some(d) = a.first().filter(|o| is_file(o)).and_then(generic_of) {
                return forward(&d, $name, &a[1..], k);
            }
            ($f)(a, k)
        })
    };
}

/// A read-only attribute, forwarded as [`fwd`] forwards methods.
macro_rules! gfwd {
    ($name:literal, $g:expr) => {
        GetSetDef::new(
            $name,
            |o| match generic_of(o) {
                Some(d) => ab::getattr_str(&d, $name),
                None => ($g)(o),
            },
            None,
        )
    };
    ($name:literal, $g:expr, $s:expr) => {
        GetSetDef::new(
            $name,
            |o| match generic_of(o) {
                Some(d) => ab::getattr_str(&d, $name),
                None => ($g)(o),
            },
            Some(|o, v| match generic_of(o) {
                Some(d) => match v {
                    Some(v) => ab::setattr(&d, &pystr::intern($name), v),
                    None => Err(exc::attribute_error($name)),
                },
                None => ($s)(o, v),
            }),
        )
    };
}

/// `detach()`: flushes, hands back the wrapped layer, and leaves the object
/// unusable (CPython's `buffered_detach`/`textiowrapper_detach`).
fn m_detach(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    Args::new(a, k).exact("detach", 1)?;
    let o = &a[0];
    if let Some(d) = generic_of(o) {
        let inner = ab::call_method(&d, "detach", &[])?;
        set_state(o, State::Detached);
        return Ok(inner);
    }
    let p = payload(o)?;
    flush_file(o)?;
    let inner = p.inner.clone().unwrap_or_else(none);
    set_state(o, State::Detached);
    Ok(inner)
}

/// `BufferedReader.peek(size=0)`: the buffered bytes (at least one unless at end of
/// file), without moving the position.
fn m_peek(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    Args::new(a, k).bind("peek", 1, &["size"], 0)?;
    let data = with_state(&a[0], Op::Read, |st| {
        st.prepare_read("read")?;
        if st.avail() == 0 {
            st.fill()?;
        }
        Ok(st.window().to_vec())
    })?;
    Ok(bytes::new(&data))
}

fn common_methods() -> Vec<MethodDef> {
    vec![
        fwd!("read", m_read),
        fwd!("readline", m_readline),
        fwd!("readlines", m_readlines),
        fwd!("write", m_write),
        fwd!("writelines", m_writelines),
        fwd!("flush", m_flush),
        fwd!("close", m_close),
        fwd!("fileno", m_fileno),
        fwd!("isatty", m_isatty),
        fwd!("readable", m_readable),
        fwd!("writable", m_writable),
        fwd!("seekable", m_seekable),
        fwd!("tell", m_tell),
        fwd!("seek", m_seek),
        fwd!("truncate", m_truncate),
        MethodDef::new("__enter__", m_enter),
        fwd!("__exit__", m_exit),
    ]
}

fn common_getsets() -> Vec<GetSetDef> {
    vec![
        gfwd!("closed", g_closed),
        GetSetDef::new(
            "__dict__",
            |o| Ok(strand_objects::managed::expose_dict(o)),
            None,
        ),
        gfwd!("name", g_name, s_name),
        gfwd!("mode", g_mode, s_mode),
    ]
}

/// Readies the file types (bases first).
pub fn ready_types() {
    let mut raw = common_methods();
    raw.push(MethodDef::new("readall", m_readall));
    raw.push(MethodDef::new("readinto", |a, k| {
        readinto(a, k, "readinto", false)
    }));
    let mut raw_gs = common_getsets();
    raw_gs.push(GetSetDef::new("closefd", g_closefd, None));
    raw_gs.push(GetSetDef::new("_blksize", g_blksize, None));
    FILEIO_TYPE.ready_static(Some(&super::RAWIOBASE_TYPE), &raw, &raw_gs);
    let mut buffered = common_methods();
    buffered.push(fwd!("read1", m_read1));
    buffered.push(fwd!("readinto", |a, k| readinto(a, k, "readinto", false)));
    buffered.push(fwd!("readinto1", |a, k| readinto(a, k, "readinto1", true)));
    buffered.push(MethodDef::new("detach", m_detach));
    buffered.push(fwd!("peek", m_peek));
    let mut buffered_gs = common_getsets();
    buffered_gs.push(gfwd!("raw", g_inner));
    for t in [
        &BUFFERED_READER_TYPE,
        &BUFFERED_WRITER_TYPE,
        &BUFFERED_RANDOM_TYPE,
    ] {
        t.ready_static(Some(&super::BUFFEREDIOBASE_TYPE), &buffered, &buffered_gs);
    }
    let mut text = common_methods();
    text.push(fwd!("reconfigure", m_reconfigure));
    text.push(MethodDef::new("detach", m_detach));
    let mut text_gs = common_getsets();
    text_gs.extend([
        gfwd!("buffer", g_inner),
        gfwd!("encoding", g_encoding),
        gfwd!("errors", g_errors),
        GetSetDef::new(
            "newlines",
            |o| match generic_of(o) {
                // None where the decoder has no `newlines` (CPython's C getter;
                // `_pyio`'s raises AttributeError there).
                Some(d) => match ab::getattr_str(&d, "newlines") {
                    Err(e) if e.is_instance(&exc::ATTRIBUTE_ERROR_TYPE) => Ok(none()),
                    r => r,
                },
                None => Ok(none()),
            },
            None,
        ),
        gfwd!("line_buffering", g_line_buffering),
        gfwd!("write_through", g_write_through),
        gfwd!("_CHUNK_SIZE", g_chunk_size, s_chunk_size),
    ]);
    TEXTIO_TYPE.ready_static(Some(&super::TEXTIOBASE_TYPE), &text, &text_gs);
}
