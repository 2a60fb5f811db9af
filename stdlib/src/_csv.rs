//! The `_csv` module (CPython 3.11's Modules/_csv.c), the engine under `csv.py`:
//! the `Dialect` type (the validated formatting parameters), `reader` and `writer`
//! with their `_csv.reader`/`_csv.writer` objects, the dialect registry
//! (`register_dialect`, `unregister_dialect`, `get_dialect`, `list_dialects`,
//! `_dialects`), `field_size_limit`, `Error`, the `QUOTE_*` constants and
//! `__version__`.
//!
//! A dialect is plain data once made ([`DialectData`]), copied into each reader and
//! writer; the reader parses with CPython's state machine, one character at a time
//! with an end-of-line event after each input string, so a quoted field may span
//! strings and a string may hold several line ends. Only what CPython 3.11 checks
//! is checked (3.12's extra dialect validations are not there).
//!
//! The registry and the field size limit are per process, as the module state of
//! CPython's single interpreter is.

use std::sync::atomic::{AtomicI64, AtomicU64, Ordering};

use strand_heap::{HeapKind, ObjPtr, ObjectHeader};
use strand_objects::abstract_ as ab;
use strand_objects::args::Args;
use strand_objects::descr::{GetSetDef, MethodDef};
use strand_objects::exceptions::{self as exc, type_error};
use strand_objects::typeobj::{PyType, Slots, TypeFlags};
use strand_objects::{dict, int, list, module, singletons, str as pystr, PyErr, PyObj, PyResult};

use crate::modsupport::{self, Fields, Leaked};
use strand_interp::native_module::add_functions;

/// `QUOTE_MINIMAL`: quote fields holding special characters only.
const QUOTE_MINIMAL: i32 = 0;
/// `QUOTE_ALL`: quote every field.
const QUOTE_ALL: i32 = 1;
/// `QUOTE_NONNUMERIC`: quote every non-number (the reader makes unquoted fields
/// floats).
const QUOTE_NONNUMERIC: i32 = 2;
/// `QUOTE_NONE`: never quote; escape instead.
const QUOTE_NONE: i32 = 3;

/// The default `field_size_limit` (CPython's `128 * 1024`).
const DEFAULT_FIELD_LIMIT: i64 = 128 * 1024;

static FIELD_LIMIT: AtomicI64 = AtomicI64::new(DEFAULT_FIELD_LIMIT);
static ERROR: Leaked = Leaked::new();
static DIALECTS: Leaked = Leaked::new();

/// `_csv.Error`.
fn error_class() -> PyObj {
    ERROR.get_or_init(|| {
        modsupport::new_exception_class("_csv", "Error", &[exc::EXCEPTION_TYPE.to_obj()])
    })
}

/// A `_csv.Error(msg)` to raise.
fn csv_error(msg: impl AsRef<str>) -> PyErr {
    modsupport::raise(&error_class(), msg)
}

/// The registry of named dialects (`_csv._dialects`).
fn dialects() -> PyObj {
    DIALECTS.get_or_init(dict::new)
}

// ---------------------------------------------------------------------------------
// Dialect
// ---------------------------------------------------------------------------------

/// The parameters of a dialect, validated. `None` stands for CPython's `NOT_SET`
/// (the attribute reads as `None`).
#[derive(Clone, Debug, PartialEq)]
pub struct DialectData {
    /// Separates fields (always set).
    pub delimiter: char,
    /// Opens and closes quoted fields.
    pub quotechar: Option<char>,
    /// Escapes the next character.
    pub escapechar: Option<char>,
    /// A quote inside a quoted field is written (and read) doubled.
    pub doublequote: bool,
    /// Spaces after a delimiter are skipped by the reader.
    pub skipinitialspace: bool,
    /// Malformed input raises `Error` instead of being read leniently.
    pub strict: bool,
    /// One of the `QUOTE_*` styles.
    pub quoting: i32,
    /// Ends each written record (the reader ignores it).
    pub lineterminator: String,
}

/// The layout of `_csv.Dialect` (and of subclasses, which extend it).
#[repr(C)]
pub struct PyDialect {
    header: ObjectHeader,
    data: DialectData,
}

unsafe fn dialect_dealloc(obj: ObjPtr) {
    // SAFETY: count zero, exclusive; the field was initialised by `new_dialect`.
    unsafe {
        let p = obj.as_ptr() as *mut PyDialect;
        std::ptr::drop_in_place(std::ptr::addr_of_mut!((*p).data));
        strand_objects::heaptype::dealloc_instance_memory(obj);
    }
}

strand_objects::builtin_type! {
    /// `_csv.Dialect`: holds only plain data, so it is not tracked.
    pub static DIALECT_TYPE = {
        name: "_csv.Dialect",
        layout: PyDialect,
        itemsize: 0,
        kind: HeapKind::NonGc,
        flags: TypeFlags::BASETYPE,
        traverse: None,
        clear: None,
        dealloc: dialect_dealloc,
        size: None,
        slots: Slots {
            new: Some(dialect_new),
            ..Slots::EMPTY
        },
    }
}

/// The parameters of a `Dialect` instance (of the type or a subclass).
fn dialect_data(o: &PyObj) -> PyResult<&DialectData> {
    if !o.is_instance_of(&DIALECT_TYPE) {
        return Err(type_error(format!(
            "descriptor requires a '_csv.Dialect' object but received a '{}'",
            o.ty().name()
        )));
    }
    // SAFETY: checked to be a Dialect (or a subclass, which extends the layout).
    Ok(unsafe { &o.payload_unchecked::<PyDialect>().data })
}

fn new_dialect(ty: &PyType, data: DialectData) -> PyObj {
    let obj = strand_objects::alloc::alloc_instance(ty, ty.basicsize());
    // SAFETY: a fresh allocation with the PyDialect layout; the field is written and
    // the slots region zeroed before the object is finished.
    unsafe {
        let p = obj.as_ptr().as_ptr() as *mut PyDialect;
        std::ptr::addr_of_mut!((*p).data).write(data);
        strand_objects::heaptype::init_slots_region(ty, &obj);
        strand_objects::alloc::finish_instance(ty, &obj);
    }
    obj
}

/// The parameter names of `Dialect(...)`, in positional order.
const DIALECT_KWS: [&str; 9] = [
    "dialect",
    "delimiter",
    "doublequote",
    "escapechar",
    "lineterminator",
    "quotechar",
    "quoting",
    "skipinitialspace",
    "strict",
];

/// Binds `Dialect`'s arguments as CPython's `PyArg_ParseTupleAndKeywords("|OOOOOOOOO")`
/// does (its messages name no function).
fn bind_dialect_args<'a>(
    positional: &[&'a PyObj],
    kwargs: &[(&str, &'a PyObj)],
) -> PyResult<[Option<&'a PyObj>; 9]> {
    let mut out: [Option<&PyObj>; 9] = [None; 9];
    if positional.len() > out.len() {
        return Err(type_error(format!(
            "function takes at most 9 arguments ({} given)",
            positional.len() + kwargs.len()
        )));
    }
    for (slot, v) in out.iter_mut().zip(positional) {
        *slot = Some(v);
    }
    for &(k, v) in kwargs {
        let Some(i) = DIALECT_KWS.iter().position(|n| *n == k) else {
            return Err(type_error(format!(
                "'{k}' is an invalid keyword argument for this function"
            )));
        };
        if out[i].is_some() {
            return Err(type_error(format!(
                "argument for function given by name ('{k}') and position ({})",
                i + 1
            )));
        }
        out[i] = Some(v);
    }
    Ok(out)
}

/// CPython's `_set_char`: a required one-character string.
fn set_char(name: &str, src: Option<&PyObj>, dflt: char) -> PyResult<char> {
    let Some(src) = src else { return Ok(dflt) };
    if !pystr::is_str(src) {
        return Err(type_error(format!(
            "\"{name}\" must be string, not {}",
            src.ty().name()
        )));
    }
    one_char(name, pystr::as_str(src))
}

fn one_char(name: &str, s: &str) -> PyResult<char> {
    let mut it = s.chars();
    match (it.next(), it.next()) {
        (Some(c), None) => Ok(c),
        _ => Err(type_error(format!(
            "\"{name}\" must be a 1-character string"
        ))),
    }
}

/// CPython's `_set_char_or_none`: a one-character string or `None` (not set).
fn set_char_or_none(name: &str, src: Option<&PyObj>, dflt: Option<char>) -> PyResult<Option<char>> {
    let Some(src) = src else { return Ok(dflt) };
    if singletons::is_none(src) {
        return Ok(None);
    }
    if !pystr::is_str(src) {
        return Err(type_error(format!(
            "\"{name}\" must be string or None, not {}",
            src.ty().name()
        )));
    }
    one_char(name, pystr::as_str(src)).map(Some)
}

fn set_bool(src: Option<&PyObj>, dflt: bool) -> PyResult<bool> {
    match src {
        None => Ok(dflt),
        Some(v) => ab::is_true(v),
    }
}

/// CPython's `_set_int`: an exact int that fits a C `int`.
fn set_int(name: &str, src: Option<&PyObj>, dflt: i32) -> PyResult<i32> {
    let Some(src) = src else { return Ok(dflt) };
    if !int::is_exact_int(src) {
        return Err(type_error(format!("\"{name}\" must be an integer")));
    }
    int::as_i64(src)
        .and_then(|v| i32::try_from(v).ok())
        .ok_or_else(|| exc::overflow_error("Python int too large to convert to C int"))
}

/// `Dialect(dialect=None, **params)` with the arguments bound (CPython's
/// `dialect_new`): a named dialect is looked up, a `Dialect` given alone is
/// returned as it is, and each parameter not given is read from the dialect
/// (any object: a missing attribute means the default).
fn make_dialect(ty: &PyType, args: [Option<&PyObj>; 9]) -> PyResult<PyObj> {
    let mut args: [Option<PyObj>; 9] = args.map(|a| a.cloned());
    if let Some(d) = args[0].take() {
        let d = if pystr::is_str(&d) {
            get_dialect_from_registry(&d)?
        } else {
            d
        };
        if d.is_instance_of(&DIALECT_TYPE) && args[1..].iter().all(Option::is_none) {
            return Ok(d);
        }
        for (slot, name) in args.iter_mut().zip(DIALECT_KWS).skip(1) {
            if slot.is_none() {
                *slot = ab::getattr_str(&d, name).ok();
            }
        }
    }
    let [_, delimiter, doublequote, escapechar, lineterminator, quotechar, quoting, skipinitialspace, strict] =
        &args;
    let delimiter = set_char("delimiter", delimiter.as_ref(), ',')?;
    let doublequote = set_bool(doublequote.as_ref(), true)?;
    let escapechar = set_char_or_none("escapechar", escapechar.as_ref(), None)?;
    let lineterminator = match lineterminator {
        None => Some("\r\n".to_string()),
        Some(v) if singletons::is_none(v) => None,
        Some(v) if pystr::is_str(v) => Some(pystr::as_str(v).to_string()),
        Some(_) => return Err(type_error("\"lineterminator\" must be a string")),
    };
    let quotechar_given_none = quotechar.as_ref().is_some_and(singletons::is_none);
    let quotechar = set_char_or_none("quotechar", quotechar.as_ref(), Some('"'))?;
    let quoting_given = quoting.is_some();
    let mut quoting = set_int("quoting", quoting.as_ref(), QUOTE_MINIMAL)?;
    let skipinitialspace = set_bool(skipinitialspace.as_ref(), false)?;
    let strict = set_bool(strict.as_ref(), false)?;

    if !(QUOTE_MINIMAL..=QUOTE_NONE).contains(&quoting) {
        return Err(type_error("bad \"quoting\" value"));
    }
    if quotechar_given_none && !quoting_given {
        quoting = QUOTE_NONE;
    }
    if quoting != QUOTE_NONE && quotechar.is_none() {
        return Err(type_error("quotechar must be set if quoting enabled"));
    }
    let Some(lineterminator) = lineterminator else {
        return Err(type_error("lineterminator must be set"));
    };
    Ok(new_dialect(
        ty,
        DialectData {
            delimiter,
            quotechar,
            escapechar,
            doublequote,
            skipinitialspace,
            strict,
            quoting,
            lineterminator,
        },
    ))
}

fn dialect_new(cls: &PyObj, a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    let ty: &PyType = strand_objects::typeobj::expect_type(cls, "Dialect.__new__(X)")?;
    let args = Args::new(a, k);
    let positional: Vec<&PyObj> = args.positionals().iter().collect();
    let kwargs: Vec<(&str, &PyObj)> = args.kwargs().collect();
    make_dialect(ty, bind_dialect_args(&positional, &kwargs)?)
}

/// CPython's `_call_dialect`: `Dialect(dialect, **kwargs)` for `reader`,
/// `writer` and `register_dialect`.
fn call_dialect(dialect: Option<&PyObj>, kwargs: &[(&str, &PyObj)]) -> PyResult<PyObj> {
    let positional: Vec<&PyObj> = dialect.into_iter().collect();
    make_dialect(&DIALECT_TYPE, bind_dialect_args(&positional, kwargs)?)
}

fn get_dialect_from_registry(name: &PyObj) -> PyResult<PyObj> {
    dict::get_item(&dialects(), name)?.ok_or_else(|| csv_error("unknown dialect"))
}

fn char_or_none(c: Option<char>) -> PyObj {
    match c {
        Some(c) => pystr::from_string(c.to_string()),
        None => singletons::none(),
    }
}

fn readonly(_: &PyObj, _: Option<&PyObj>) -> PyResult<()> {
    Err(exc::attribute_error("readonly attribute"))
}

fn dialect_getsets() -> Vec<GetSetDef> {
    vec![
        GetSetDef::new(
            "delimiter",
            |o| Ok(pystr::from_string(dialect_data(o)?.delimiter.to_string())),
            None,
        ),
        GetSetDef::new(
            "escapechar",
            |o| Ok(char_or_none(dialect_data(o)?.escapechar)),
            None,
        ),
        GetSetDef::new(
            "quotechar",
            |o| Ok(char_or_none(dialect_data(o)?.quotechar)),
            None,
        ),
        GetSetDef::new(
            "lineterminator",
            |o| Ok(pystr::new(&dialect_data(o)?.lineterminator)),
            None,
        ),
        GetSetDef::new(
            "quoting",
            |o| Ok(int::from_i64(i64::from(dialect_data(o)?.quoting))),
            None,
        ),
        GetSetDef::new(
            "doublequote",
            |o| Ok(int::bool_obj(dialect_data(o)?.doublequote)),
            Some(readonly),
        ),
        GetSetDef::new(
            "skipinitialspace",
            |o| Ok(int::bool_obj(dialect_data(o)?.skipinitialspace)),
            Some(readonly),
        ),
        GetSetDef::new(
            "strict",
            |o| Ok(int::bool_obj(dialect_data(o)?.strict)),
            Some(readonly),
        ),
    ]
}

/// `Dialect.__reduce__`/`__reduce_ex__`: dialects do not pickle.
fn dialect_reduce(a: &[PyObj], _k: Option<&PyObj>) -> PyResult<PyObj> {
    let name = a.first().map(|o| o.ty().name()).unwrap_or("Dialect");
    let short = name.rsplit('.').next().unwrap_or(name);
    Err(type_error(format!("cannot pickle '{short}' instances")))
}

// ---------------------------------------------------------------------------------
// reader
// ---------------------------------------------------------------------------------

/// What a reader and a writer reference: the dialect object (their `dialect`
/// attribute) and the input iterator or the output's `write`.
pub struct IoRefs {
    dialect: PyObj,
    io: PyObj,
}

/// The layout of `_csv.reader`.
#[repr(C)]
pub struct PyReader {
    header: ObjectHeader,
    refs: Fields<IoRefs>,
    dialect: DialectData,
    line_num: AtomicU64,
}

/// The layout of `_csv.writer`.
#[repr(C)]
pub struct PyWriter {
    header: ObjectHeader,
    refs: Fields<IoRefs>,
    dialect: DialectData,
}

/// The collector's view of both layouts: they begin alike (header, then refs).
unsafe fn io_traverse(obj: ObjPtr, visit: &mut dyn FnMut(ObjPtr)) {
    // SAFETY: installed on PyReader and PyWriter, whose `refs` field sits at the
    // same offset (both are repr(C) and start with the header); world stopped.
    let r = unsafe { &*(obj.as_ptr() as *const PyWriter) };
    if let Some(f) = r.refs.get() {
        visit(f.dialect.as_ptr());
        visit(f.io.as_ptr());
    }
}

unsafe fn io_clear(obj: ObjPtr) {
    // SAFETY: as in `io_traverse`; the collector clears unreachable objects only.
    let r = unsafe { &*(obj.as_ptr() as *const PyWriter) };
    // SAFETY: as above: no other thread can reach the object.
    drop(unsafe { r.refs.take() });
}

unsafe fn reader_dealloc(obj: ObjPtr) {
    // SAFETY: count zero, exclusive; the fields were initialised by `reader`.
    unsafe {
        let p = obj.as_ptr() as *mut PyReader;
        std::ptr::drop_in_place(std::ptr::addr_of_mut!((*p).refs));
        std::ptr::drop_in_place(std::ptr::addr_of_mut!((*p).dialect));
        strand_objects::heaptype::dealloc_instance_memory(obj);
    }
}

unsafe fn writer_dealloc(obj: ObjPtr) {
    // SAFETY: count zero, exclusive; the fields were initialised by `writer`.
    unsafe {
        let p = obj.as_ptr() as *mut PyWriter;
        std::ptr::drop_in_place(std::ptr::addr_of_mut!((*p).refs));
        std::ptr::drop_in_place(std::ptr::addr_of_mut!((*p).dialect));
        strand_objects::heaptype::dealloc_instance_memory(obj);
    }
}

strand_objects::builtin_type! {
    /// `_csv.reader` (`_csv.Reader`): made by `reader()` only.
    pub static READER_TYPE = {
        name: "_csv.reader",
        layout: PyReader,
        itemsize: 0,
        kind: HeapKind::Gc,
        flags: TypeFlags::empty(),
        traverse: Some(io_traverse),
        clear: Some(io_clear),
        dealloc: reader_dealloc,
        size: None,
        slots: Slots {
            new: Some(|_, _, _| Err(type_error("cannot create '_csv.reader' instances"))),
            iter: Some(|o| Ok(o.clone())),
            iternext: Some(reader_next),
            ..Slots::EMPTY
        },
    }
}

strand_objects::builtin_type! {
    /// `_csv.writer` (`_csv.Writer`): made by `writer()` only.
    pub static WRITER_TYPE = {
        name: "_csv.writer",
        layout: PyWriter,
        itemsize: 0,
        kind: HeapKind::Gc,
        flags: TypeFlags::empty(),
        traverse: Some(io_traverse),
        clear: Some(io_clear),
        dealloc: writer_dealloc,
        size: None,
        slots: Slots {
            new: Some(|_, _, _| Err(type_error("cannot create '_csv.writer' instances"))),
            ..Slots::EMPTY
        },
    }
}

fn reader_payload(o: &PyObj) -> PyResult<&PyReader> {
    if !o.is_exact(&READER_TYPE) {
        return Err(type_error(format!(
            "descriptor requires a '_csv.reader' object but received a '{}'",
            o.ty().name()
        )));
    }
    // SAFETY: checked to be a reader (the type has no subclasses).
    Ok(unsafe { o.payload_unchecked::<PyReader>() })
}

fn writer_payload(o: &PyObj) -> PyResult<&PyWriter> {
    if !o.is_exact(&WRITER_TYPE) {
        return Err(type_error(format!(
            "descriptor requires a '_csv.writer' object but received a '{}'",
            o.ty().name()
        )));
    }
    // SAFETY: checked to be a writer (the type has no subclasses).
    Ok(unsafe { o.payload_unchecked::<PyWriter>() })
}

fn refs_of(f: &Fields<IoRefs>) -> PyResult<&IoRefs> {
    f.get()
        .ok_or_else(|| exc::runtime_error("csv object used after it was cleared"))
}

/// The states of CPython's reader (`ParserState`).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum State {
    StartRecord,
    StartField,
    EscapedChar,
    InField,
    InQuotedField,
    EscapeInQuotedField,
    QuoteInQuotedField,
    EatCrnl,
    AfterEscapedCrnl,
}

/// One record being parsed: the fields so far and the field being read.
struct Parser<'d> {
    d: &'d DialectData,
    limit: i64,
    state: State,
    fields: Vec<PyObj>,
    field: String,
    field_len: i64,
    numeric: bool,
}

impl Parser<'_> {
    fn save_field(&mut self) -> PyResult<()> {
        let text = pystr::from_string(std::mem::take(&mut self.field));
        self.field_len = 0;
        let value = if self.numeric {
            self.numeric = false;
            ab::call1(&strand_objects::float::FLOAT_TYPE.to_obj(), text)?
        } else {
            text
        };
        self.fields.push(value);
        Ok(())
    }

    fn add_char(&mut self, c: char) -> PyResult<()> {
        if self.field_len >= self.limit {
            return Err(csv_error(format!(
                "field larger than field limit ({})",
                self.limit
            )));
        }
        self.field.push(c);
        self.field_len += 1;
        Ok(())
    }

    /// Feeds one character, or the end of an input string (`None`).
    fn process(&mut self, c: Option<char>) -> PyResult<()> {
        let d = self.d;
        let is_crlf = |c: Option<char>| matches!(c, Some('\n' | '\r'));
        let line_end = |c: Option<char>| {
            if c.is_none() {
                State::StartRecord
            } else {
                State::EatCrnl
            }
        };
        let mut state = self.state;
        if state == State::StartRecord {
            if c.is_none() {
                return Ok(());
            }
            if is_crlf(c) {
                self.state = State::EatCrnl;
                return Ok(());
            }
            state = State::StartField;
        }
        if state == State::AfterEscapedCrnl {
            if c.is_none() {
                return Ok(());
            }
            state = State::InField;
        }
        match state {
            State::StartField => match c {
                None | Some('\n' | '\r') => {
                    self.save_field()?;
                    self.state = line_end(c);
                }
                Some(ch) if Some(ch) == d.quotechar && d.quoting != QUOTE_NONE => {
                    self.state = State::InQuotedField;
                }
                Some(ch) if Some(ch) == d.escapechar => self.state = State::EscapedChar,
                Some(' ') if d.skipinitialspace => self.state = State::StartField,
                Some(ch) if ch == d.delimiter => {
                    self.save_field()?;
                    self.state = State::StartField;
                }
                Some(ch) => {
                    if d.quoting == QUOTE_NONNUMERIC {
                        self.numeric = true;
                    }
                    self.add_char(ch)?;
                    self.state = State::InField;
                }
            },
            State::EscapedChar => match c {
                Some(ch @ ('\n' | '\r')) => {
                    self.add_char(ch)?;
                    self.state = State::AfterEscapedCrnl;
                }
                _ => {
                    self.add_char(c.unwrap_or('\n'))?;
                    self.state = State::InField;
                }
            },
            State::InField => match c {
                None | Some('\n' | '\r') => {
                    self.save_field()?;
                    self.state = line_end(c);
                }
                Some(ch) if Some(ch) == d.escapechar => self.state = State::EscapedChar,
                Some(ch) if ch == d.delimiter => {
                    self.save_field()?;
                    self.state = State::StartField;
                }
                Some(ch) => {
                    self.add_char(ch)?;
                    self.state = State::InField;
                }
            },
            State::InQuotedField => match c {
                None => {}
                Some(ch) if Some(ch) == d.escapechar => {
                    self.state = State::EscapeInQuotedField;
                }
                Some(ch) if Some(ch) == d.quotechar && d.quoting != QUOTE_NONE => {
                    self.state = if d.doublequote {
                        State::QuoteInQuotedField
                    } else {
                        State::InField
                    };
                }
                Some(ch) => self.add_char(ch)?,
            },
            State::EscapeInQuotedField => {
                self.add_char(c.unwrap_or('\n'))?;
                self.state = State::InQuotedField;
            }
            State::QuoteInQuotedField => match c {
                Some(ch) if d.quoting != QUOTE_NONE && Some(ch) == d.quotechar => {
                    self.add_char(ch)?;
                    self.state = State::InQuotedField;
                }
                Some(ch) if ch == d.delimiter => {
                    self.save_field()?;
                    self.state = State::StartField;
                }
                None | Some('\n' | '\r') => {
                    self.save_field()?;
                    self.state = line_end(c);
                }
                Some(ch) if !d.strict => {
                    self.add_char(ch)?;
                    self.state = State::InField;
                }
                Some(_) => {
                    return Err(csv_error(format!(
                        "'{}' expected after '{}'",
                        d.delimiter,
                        d.quotechar.unwrap_or('"')
                    )));
                }
            },
            State::EatCrnl => {
                if is_crlf(c) {
                } else if c.is_none() {
                    self.state = State::StartRecord;
                } else {
                    return Err(csv_error(
                        "new-line character seen in unquoted field - do you need to open the file in universal-newline mode?",
                    ));
                }
            }
            State::StartRecord | State::AfterEscapedCrnl => {
                unreachable!("handled before the match")
            }
        }
        Ok(())
    }
}

/// `next(reader)`: reads input strings until a record is complete.
fn reader_next(o: &PyObj) -> PyResult<Option<PyObj>> {
    let r = reader_payload(o)?;
    let input = refs_of(&r.refs)?.io.clone();
    let mut p = Parser {
        d: &r.dialect,
        limit: FIELD_LIMIT.load(Ordering::Relaxed),
        state: State::StartRecord,
        fields: Vec::new(),
        field: String::new(),
        field_len: 0,
        numeric: false,
    };
    loop {
        let Some(line) = ab::next(&input)? else {
            if p.field_len != 0 || p.state == State::InQuotedField {
                if p.d.strict {
                    return Err(csv_error("unexpected end of data"));
                }
                p.save_field()?;
                break;
            }
            return Ok(None);
        };
        if !pystr::is_str(&line) {
            return Err(csv_error(format!(
                "iterator should return strings, not {} (the file should be opened in text mode)",
                line.ty().name()
            )));
        }
        r.line_num.fetch_add(1, Ordering::Relaxed);
        for c in pystr::as_str(&line).chars() {
            p.process(Some(c))?;
        }
        p.process(None)?;
        if p.state == State::StartRecord {
            break;
        }
    }
    Ok(Some(list::new(p.fields)))
}

/// The `dialect` argument and keyword parameters of `reader`/`writer`/
/// `register_dialect`: `(first, dialect=None, **kwargs)`.
/// The first argument, the dialect argument and the keyword parameters.
type SplitArgs<'a> = (&'a PyObj, Option<&'a PyObj>, Vec<(&'a str, &'a PyObj)>);

fn split_args<'a>(a: &'a [PyObj], k: Option<&'a PyObj>) -> PyResult<SplitArgs<'a>> {
    let args = Args::new(a, k);
    let pos = args.positionals();
    if pos.is_empty() || pos.len() > 2 {
        let (bound, n) = if pos.is_empty() {
            ("least", 1)
        } else {
            ("most", 2)
        };
        return Err(type_error(format!(
            " expected at {bound} {n} argument{}, got {}",
            if n == 1 { "" } else { "s" },
            pos.len()
        )));
    }
    Ok((&pos[0], pos.get(1), args.kwargs().collect()))
}

/// `reader(iterable, dialect='excel', **fmtparams)`.
fn reader(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    let (iterable, dialect, kwargs) = split_args(a, k)?;
    let input = ab::iter(iterable)?;
    let dialect = call_dialect(dialect, &kwargs)?;
    let data = dialect_data(&dialect)?.clone();
    let ty = &READER_TYPE;
    let obj = strand_objects::alloc::alloc_instance(ty, ty.basicsize());
    // SAFETY: a fresh allocation with the PyReader layout; every field is written
    // before the object is finished (and tracked).
    unsafe {
        let p = obj.as_ptr().as_ptr() as *mut PyReader;
        std::ptr::addr_of_mut!((*p).refs).write(Fields::new(IoRefs { dialect, io: input }));
        std::ptr::addr_of_mut!((*p).dialect).write(data);
        std::ptr::addr_of_mut!((*p).line_num).write(AtomicU64::new(0));
        strand_objects::alloc::finish_instance(ty, &obj);
    }
    Ok(obj)
}

fn reader_getsets() -> Vec<GetSetDef> {
    vec![
        GetSetDef::new(
            "dialect",
            |o| Ok(refs_of(&reader_payload(o)?.refs)?.dialect.clone()),
            Some(readonly),
        ),
        GetSetDef::new(
            "line_num",
            |o| {
                let n = reader_payload(o)?.line_num.load(Ordering::Relaxed);
                Ok(int::from_i64(n as i64))
            },
            Some(readonly),
        ),
    ]
}

// ---------------------------------------------------------------------------------
// writer
// ---------------------------------------------------------------------------------

/// Appends one field to the record (CPython's `join_append`): escapes what needs
/// escaping, doubles quotes, and quotes the field if asked or if it holds a
/// special character.
fn join_field(
    d: &DialectData,
    rec: &mut String,
    num_fields: &mut usize,
    field: Option<&str>,
    mut quoted: bool,
) -> PyResult<()> {
    let mut body = String::new();
    for c in field.unwrap_or("").chars() {
        let special = c == d.delimiter
            || Some(c) == d.escapechar
            || Some(c) == d.quotechar
            || d.lineterminator.contains(c);
        if special {
            let mut want_escape = false;
            if d.quoting == QUOTE_NONE {
                want_escape = true;
            } else {
                if Some(c) == d.quotechar {
                    if d.doublequote {
                        body.push(c);
                    } else {
                        want_escape = true;
                    }
                } else if Some(c) == d.escapechar {
                    want_escape = true;
                }
                if !want_escape {
                    quoted = true;
                }
            }
            if want_escape {
                let Some(e) = d.escapechar else {
                    return Err(csv_error("need to escape, but no escapechar set"));
                };
                body.push(e);
            }
        }
        body.push(c);
    }
    if *num_fields > 0 {
        rec.push(d.delimiter);
    }
    let q = if quoted { d.quotechar } else { None };
    rec.extend(q);
    rec.push_str(&body);
    rec.extend(q);
    *num_fields += 1;
    Ok(())
}

/// The line `writerow(row)` writes, without calling `write`.
fn format_row(d: &DialectData, row: &PyObj) -> PyResult<String> {
    let it = match ab::iter(row) {
        Ok(it) => it,
        Err(e) if e.value().is_instance_of(&exc::TYPE_ERROR_TYPE) => {
            return Err(csv_error(format!(
                "iterable expected, not {}",
                row.ty().name()
            )))
        }
        Err(e) => return Err(e),
    };
    let mut rec = String::new();
    let mut num_fields = 0;
    while let Some(field) = ab::next(&it)? {
        let quoted = match d.quoting {
            QUOTE_NONNUMERIC => !is_number(&field),
            QUOTE_ALL => true,
            _ => false,
        };
        if pystr::is_str(&field) {
            join_field(
                d,
                &mut rec,
                &mut num_fields,
                Some(pystr::as_str(&field)),
                quoted,
            )?;
        } else if singletons::is_none(&field) {
            join_field(d, &mut rec, &mut num_fields, None, quoted)?;
        } else {
            let s = ab::str_string(&field)?;
            join_field(d, &mut rec, &mut num_fields, Some(&s), quoted)?;
        }
    }
    if num_fields > 0 && rec.is_empty() {
        if d.quoting == QUOTE_NONE {
            return Err(csv_error("single empty field record must be quoted"));
        }
        num_fields -= 1;
        join_field(d, &mut rec, &mut num_fields, None, true)?;
    }
    rec.push_str(&d.lineterminator);
    Ok(rec)
}

/// CPython's `PyNumber_Check`.
fn is_number(o: &PyObj) -> bool {
    let n = &o.ty().slots().number;
    n.index.is_some()
        || n.int.is_some()
        || n.float.is_some()
        || int::is_int(o)
        || o.is_instance_of(&strand_objects::complex::COMPLEX_TYPE)
}

fn writerow_one(w: &PyWriter, row: &PyObj) -> PyResult<PyObj> {
    let line = format_row(&w.dialect, row)?;
    let write = refs_of(&w.refs)?.io.clone();
    ab::call1(&write, pystr::from_string(line))
}

fn writerow(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    Args::new(a, k).exact("writer.writerow", 2)?;
    writerow_one(writer_payload(&a[0])?, &a[1])
}

fn writerows(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    Args::new(a, k).exact("writer.writerows", 2)?;
    let w = writer_payload(&a[0])?;
    let rows = ab::iter(&a[1])?;
    while let Some(row) = ab::next(&rows)? {
        writerow_one(w, &row)?;
    }
    Ok(singletons::none())
}

/// `writer(fileobj, dialect='excel', **fmtparams)`.
fn writer(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    let (file, dialect, kwargs) = split_args(a, k)?;
    let write = ab::getattr_opt(file, &pystr::intern("write"))?
        .filter(|w| w.ty().slots().call.is_some())
        .ok_or_else(|| type_error("argument 1 must have a \"write\" method"))?;
    let dialect = call_dialect(dialect, &kwargs)?;
    let data = dialect_data(&dialect)?.clone();
    let ty = &WRITER_TYPE;
    let obj = strand_objects::alloc::alloc_instance(ty, ty.basicsize());
    // SAFETY: a fresh allocation with the PyWriter layout; every field is written
    // before the object is finished (and tracked).
    unsafe {
        let p = obj.as_ptr().as_ptr() as *mut PyWriter;
        std::ptr::addr_of_mut!((*p).refs).write(Fields::new(IoRefs { dialect, io: write }));
        std::ptr::addr_of_mut!((*p).dialect).write(data);
        strand_objects::alloc::finish_instance(ty, &obj);
    }
    Ok(obj)
}

fn writer_getsets() -> Vec<GetSetDef> {
    vec![GetSetDef::new(
        "dialect",
        |o| Ok(refs_of(&writer_payload(o)?.refs)?.dialect.clone()),
        Some(readonly),
    )]
}

// ---------------------------------------------------------------------------------
// Module functions
// ---------------------------------------------------------------------------------

/// The one argument of a `METH_O` function.
fn only<'a>(a: &'a [PyObj], k: Option<&PyObj>, fname: &str) -> PyResult<&'a PyObj> {
    Args::new(a, k).no_kwargs(fname)?;
    if a.len() != 1 {
        return Err(type_error(format!(
            "{fname}() takes exactly one argument ({} given)",
            a.len()
        )));
    }
    Ok(&a[0])
}

fn register_dialect(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    let (name, dialect, kwargs) = split_args(a, k)?;
    if !pystr::is_str(name) {
        return Err(type_error("dialect name must be a string"));
    }
    let d = call_dialect(dialect, &kwargs)?;
    dict::set_item(&dialects(), name.clone(), d)?;
    Ok(singletons::none())
}

fn unregister_dialect(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    let name = only(a, k, "_csv.unregister_dialect")?;
    match dict::del_item(&dialects(), name) {
        Ok(true) => Ok(singletons::none()),
        Ok(false) => Err(csv_error("unknown dialect")),
        Err(e) if e.value().is_instance_of(&exc::KEY_ERROR_TYPE) => {
            Err(csv_error("unknown dialect"))
        }
        Err(e) => Err(e),
    }
}

fn get_dialect(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    get_dialect_from_registry(only(a, k, "_csv.get_dialect")?)
}

fn list_dialects(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    Args::new(a, k).no_kwargs("_csv.list_dialects")?;
    if !a.is_empty() {
        return Err(type_error(format!(
            "_csv.list_dialects() takes no arguments ({} given)",
            a.len()
        )));
    }
    Ok(list::new(dict::keys(&dialects())))
}

fn field_size_limit(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    let b = Args::new(a, k).bind("field_size_limit", 0, &["new_limit"], 0)?;
    let old = FIELD_LIMIT.load(Ordering::Relaxed);
    if let Some(new) = b[0] {
        if !int::is_exact_int(new) {
            return Err(type_error("limit must be an integer"));
        }
        let v = int::as_i64(new)
            .ok_or_else(|| exc::overflow_error("Python int too large to convert to C long"))?;
        FIELD_LIMIT.store(v, Ordering::Relaxed);
    }
    Ok(int::from_i64(old))
}

/// The module's docstring (`csv.__doc__` is this text).
const DOC: &str = "CSV parsing and writing.

This module reads and writes tabular data in comma-separated-values form and its
relatives. The csv module builds on it; use that module rather than this one.

reader(iterable, dialect='excel', **fmtparams) returns an iterator of lists of
fields; writer(fileobj, dialect='excel', **fmtparams) returns an object whose
writerow() and writerows() format sequences as records. A dialect names the
formatting parameters: delimiter, quotechar, escapechar, doublequote,
skipinitialspace, lineterminator, quoting and strict.
";

/// The `_csv` module.
pub fn make_module() -> PyObj {
    static READY: std::sync::Once = std::sync::Once::new();
    READY.call_once(|| {
        let object = &strand_objects::baseobject::OBJECT_TYPE;
        DIALECT_TYPE.ready_static(
            Some(object),
            &[
                MethodDef::new("__reduce__", dialect_reduce),
                MethodDef::new("__reduce_ex__", dialect_reduce),
            ],
            &dialect_getsets(),
        );
        READER_TYPE.ready_static(Some(object), &[], &reader_getsets());
        WRITER_TYPE.ready_static(
            Some(object),
            &[
                MethodDef::new("writerow", writerow),
                MethodDef::new("writerows", writerows),
            ],
            &writer_getsets(),
        );
    });
    let m = module::new_native_module("_csv");
    add_functions(
        &m,
        "_csv",
        &[
            ("reader", reader),
            ("writer", writer),
            ("register_dialect", register_dialect),
            ("unregister_dialect", unregister_dialect),
            ("get_dialect", get_dialect),
            ("list_dialects", list_dialects),
            ("field_size_limit", field_size_limit),
        ],
    );
    let d = module::module_dict(&m);
    modsupport::add_str(&d, "__version__", "1.0");
    modsupport::add_str(&d, "__doc__", DOC);
    modsupport::add_int(&d, "QUOTE_MINIMAL", QUOTE_MINIMAL.into());
    modsupport::add_int(&d, "QUOTE_ALL", QUOTE_ALL.into());
    modsupport::add_int(&d, "QUOTE_NONNUMERIC", QUOTE_NONNUMERIC.into());
    modsupport::add_int(&d, "QUOTE_NONE", QUOTE_NONE.into());
    dict::set_item_str(&d, "Dialect", DIALECT_TYPE.to_obj());
    dict::set_item_str(&d, "Reader", READER_TYPE.to_obj());
    dict::set_item_str(&d, "Writer", WRITER_TYPE.to_obj());
    dict::set_item_str(&d, "Error", error_class());
    dict::set_item_str(&d, "_dialects", dialects());
    m
}

#[cfg(test)]
mod tests {
    use super::*;

    fn excel() -> DialectData {
        DialectData {
            delimiter: ',',
            quotechar: Some('"'),
            escapechar: None,
            doublequote: true,
            skipinitialspace: false,
            strict: false,
            quoting: QUOTE_MINIMAL,
            lineterminator: "\r\n".into(),
        }
    }

    fn join(d: &DialectData, fields: &[&str]) -> PyResult<String> {
        let mut rec = String::new();
        let mut n = 0;
        for f in fields {
            join_field(d, &mut rec, &mut n, Some(f), d.quoting == QUOTE_ALL)?;
        }
        Ok(rec)
    }

    #[test]
    fn writer_quotes_only_fields_with_special_characters() {
        let d = excel();
        assert_eq!(
            join(&d, &["a", "b,c", "d\"e", "f\ng", "h\ri"])
                .ok()
                .unwrap(),
            "a,\"b,c\",\"d\"\"e\",\"f\ng\",\"h\ri\""
        );
    }

    #[test]
    fn writer_escapes_when_quoting_is_off() {
        let mut d = excel();
        d.quoting = QUOTE_NONE;
        d.escapechar = Some('\\');
        assert_eq!(join(&d, &["a,b", "c\\d"]).ok().unwrap(), "a\\,b,c\\\\d");
    }
}
