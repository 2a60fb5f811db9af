//! The `_sre` module (CPython's Modules/_sre/sre.c): the regular expression engine
//! under CPython's `re` package. `sre_compile` turns a pattern into SRE code and
//! calls `_sre.compile(pattern, flags, code, groups, groupindex, indexgroup)`; this
//! module runs that code with the `rustpython-sre_engine` crate (whose opcodes are
//! CPython 3.11's) and provides the `re.Pattern`, `re.Match` and scanner types:
//! `match`, `fullmatch`, `search`, `findall`, `finditer`, `split`, `sub`, `subn`,
//! `scanner`, and the match accessors (`group`, `groups`, `groupdict`, `start`,
//! `end`, `span`, `regs`, `lastindex`, `lastgroup`, `expand`, ...), plus
//! `MAGIC`, `CODESIZE`, `MAXREPEAT`, `MAXGROUPS`, `getcodesize` and the case
//! helpers `ascii_iscased`, `unicode_iscased`, `ascii_tolower`, `unicode_tolower`.
//!
//! Subjects are `str`, `bytes` or another bytes-like object. Positions are
//! character indices, as in CPython; a `str` subject that is not ASCII is matched
//! through the engine's UTF-8 drive, and positions map to byte offsets through a
//! table built once per call. As in CPython, a replacement template containing a
//! backslash is handed to `re._subx`, and `Match.expand` to `re._expand`.

use std::sync::Mutex;

use rustpython_sre_engine::{Request, SearchIter, State, StrDrive};
use rustpython_wtf8::{CodePoint, Wtf8, Wtf8Buf};
use strand_heap::{HeapKind, ObjPtr, ObjectHeader};
use strand_objects::abstract_ as ab;
use strand_objects::args::Args;
use strand_objects::descr::{GetSetDef, MethodDef};
use strand_objects::exceptions::{self as exc, index_error, type_error};
use strand_objects::typeobj::{CompareOp, Slots, TypeFlags};
use strand_objects::{
    bytes, dict, int, list, module, singletons, str as pystr, tuple, PyObj, PyResult,
};

use crate::modsupport;

mod validate;
use strand_interp::native_module::add_functions;

/// CPython 3.11's `sre_constants.MAGIC`: `sre_compile` refuses any other.
pub const MAGIC: i64 = 20220615;
/// `_sre.MAXREPEAT` with 4-byte codes.
pub const MAXREPEAT: i64 = (1 << 32) - 1;
/// `_sre.MAXGROUPS` with 4-byte codes.
pub const MAXGROUPS: i64 = (1 << 30) - 1;

const SRE_FLAG_TEMPLATE: i64 = 1;
const SRE_FLAG_IGNORECASE: i64 = 2;
const SRE_FLAG_LOCALE: i64 = 4;
const SRE_FLAG_MULTILINE: i64 = 8;
const SRE_FLAG_DOTALL: i64 = 16;
const SRE_FLAG_UNICODE: i64 = 32;
const SRE_FLAG_VERBOSE: i64 = 64;
const SRE_FLAG_DEBUG: i64 = 128;
const SRE_FLAG_ASCII: i64 = 256;

// ---------------------------------------------------------------------------------
// Subjects
// ---------------------------------------------------------------------------------

/// A subject string, its text borrowed for one operation.
enum Subject<'a> {
    /// An ASCII `str` (one byte per character) or a bytes-like object.
    Bytes(&'a [u8], bool),
    /// A `str` with non-ASCII characters, and each character's byte offset
    /// (plus the total length).
    Text(&'a str, Vec<usize>),
    /// A `str` holding lone surrogates: as `Text`, plus the text in WTF-8, where
    /// each surrogate is its own code point (strand's strings hold a private-use
    /// stand-in for it, which a pattern's literal surrogate would not match).
    Surrogates(&'a str, Vec<usize>, Wtf8Buf),
}

impl Subject<'_> {
    fn len(&self) -> usize {
        match self {
            Subject::Bytes(b, _) => b.len(),
            Subject::Text(_, offs) | Subject::Surrogates(_, offs, _) => offs.len() - 1,
        }
    }

    fn is_bytes(&self) -> bool {
        matches!(self, Subject::Bytes(_, true))
    }

    /// The object for characters `b..e`.
    fn slice(&self, b: usize, e: usize) -> PyObj {
        match self {
            Subject::Bytes(s, true) => bytes::new(&s[b..e]),
            Subject::Bytes(s, false) => pystr::new(
                std::str::from_utf8(&s[b..e]).expect("an ASCII str slices on characters"),
            ),
            Subject::Text(s, offs) | Subject::Surrogates(s, offs, _) => {
                pystr::new(&s[offs[b]..offs[e]])
            }
        }
    }

    fn empty(&self) -> PyObj {
        if self.is_bytes() {
            bytes::new(&[])
        } else {
            pystr::new("")
        }
    }
}

/// The subject's text: a str (its UTF-8 bytes), or a copy of a bytes-like object's
/// bytes with the buffer export taken for it. As CPython's `state_init` holds the
/// subject's buffer until `state_fini`, the export lasts as long as this value: a
/// `bytearray` cannot be resized meanwhile (`BufferError`), not by a `sub()`
/// replacement function nor, for a scanner (`finditer`), between its steps.
enum Owned {
    Str(PyObj),
    Bytes(Vec<u8>, Option<strand_objects::buffer::PyBuffer>),
}

fn subject_of(o: &PyObj, pattern_is_bytes: bool) -> PyResult<Owned> {
    if pystr::is_str(o) {
        if pattern_is_bytes {
            return Err(type_error(
                "cannot use a bytes pattern on a string-like object",
            ));
        }
        return Ok(Owned::Str(o.clone()));
    }
    let not_subject = |_| {
        type_error(format!(
            "expected string or bytes-like object, got '{}'",
            o.ty().name()
        ))
    };
    let (b, export) = match bytes::as_bytes_opt(o) {
        Some(b) => (b.to_vec(), None),
        None => {
            let buf = strand_objects::buffer::get_buffer(
                o,
                strand_objects::buffer::BufferRequest::SIMPLE,
            )
            .map_err(not_subject)?;
            (buf.to_vec(), Some(buf))
        }
    };
    if !pattern_is_bytes {
        return Err(type_error(
            "cannot use a string pattern on a bytes-like object",
        ));
    }
    Ok(Owned::Bytes(b, export))
}

impl Owned {
    fn view(&self) -> Subject<'_> {
        match self {
            Owned::Bytes(b, _) => Subject::Bytes(b, true),
            Owned::Str(o) => {
                let s = pystr::as_str(o);
                if s.is_ascii() {
                    Subject::Bytes(s.as_bytes(), false)
                } else {
                    let mut offs: Vec<usize> = s.char_indices().map(|(i, _)| i).collect();
                    offs.push(s.len());
                    if strand_literal::str::has_surrogates(s) {
                        let w: Wtf8Buf = s
                            .chars()
                            .map(|c| {
                                CodePoint::from_u32(strand_literal::str::code_point(c))
                                    .unwrap_or(CodePoint::from_char(c))
                            })
                            .collect();
                        return Subject::Surrogates(s, offs, w);
                    }
                    Subject::Text(s, offs)
                }
            }
        }
    }
}

/// What one successful match found: the span and the group marks (character
/// indices; `None` for groups that did not take part).
#[derive(Clone, Debug)]
struct Found {
    /// `(start, end)` of group 0..=groups.
    regs: Vec<Option<(usize, usize)>>,
    lastindex: isize,
}

fn found_from(state: &State, groups: usize) -> Found {
    let mut regs = Vec::with_capacity(groups + 1);
    regs.push(Some((state.start, state.cursor.position)));
    for g in 0..groups {
        let (a, b) = state.marks.get(g);
        regs.push(match (a.into_option(), b.into_option()) {
            (Some(a), Some(b)) if a <= b => Some((a, b)),
            (Some(a), Some(b)) => Some((b, a)),
            _ => None,
        });
    }
    Found {
        regs,
        lastindex: state.marks.last_index(),
    }
}

/// Runs `f` with a drive over the subject.
macro_rules! with_drive {
    ($subject:expr, |$s:ident| $body:expr) => {
        match $subject {
            Subject::Bytes(b, _) => {
                let $s: &[u8] = b;
                $body
            }
            Subject::Text(t, _) => {
                let $s: &str = t;
                $body
            }
            Subject::Surrogates(_, _, w) => {
                let $s: &Wtf8 = w;
                $body
            }
        }
    };
}

/// One match attempt at `pos` (anchored) or search from it.
fn run<S: StrDrive>(
    s: S,
    code: &[u32],
    pos: usize,
    end: usize,
    mode: Mode,
    must_advance: bool,
    groups: usize,
) -> Option<Found> {
    let mut req = Request::new(s, pos, end, code, mode == Mode::Full);
    req.must_advance = must_advance;
    let mut state = State::default();
    let ok = match mode {
        Mode::Search => state.search(req),
        Mode::Match | Mode::Full => state.py_match(&req),
    };
    ok.then(|| found_from(&state, groups))
}

/// Every successive non-overlapping match from `pos` to `end` (CPython's search
/// loop: an empty match must be followed by an advance).
fn run_all<S: StrDrive>(
    s: S,
    code: &[u32],
    pos: usize,
    end: usize,
    groups: usize,
    limit: usize,
    out: &mut Vec<Found>,
) {
    let req = Request::new(s, pos, end, code, false);
    let mut it = SearchIter {
        req,
        state: State::default(),
    };
    while limit == 0 || out.len() < limit {
        if it.next().is_none() {
            break;
        }
        out.push(found_from(&it.state, groups));
    }
}

thread_local! {
    /// Set while this thread runs the engine, so the panic hook stays quiet.
    static IN_ENGINE: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Runs the engine, turning a panic (which only malformed code can cause: code that
/// `sre_compile` did not produce) into CPython's `RuntimeError: invalid SRE code`.
fn guarded<R>(f: impl FnOnce() -> R) -> PyResult<R> {
    static HOOK: std::sync::Once = std::sync::Once::new();
    HOOK.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if !IN_ENGINE.with(|f| f.get()) {
                previous(info);
            }
        }));
    });
    IN_ENGINE.with(|f| f.set(true));
    let r = std::panic::catch_unwind(std::panic::AssertUnwindSafe(f));
    IN_ENGINE.with(|f| f.set(false));
    r.map_err(|_| exc::runtime_error("invalid SRE code"))
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Mode {
    Match,
    Full,
    Search,
}

// ---------------------------------------------------------------------------------
// Pattern
// ---------------------------------------------------------------------------------

/// What a compiled pattern holds.
struct PatternData {
    pattern: PyObj,
    flags: i64,
    code: Vec<u32>,
    /// The number of capturing groups.
    groups: usize,
    groupindex: PyObj,
    indexgroup: PyObj,
    is_bytes: bool,
}

/// The layout of `re.Pattern`.
#[repr(C)]
pub struct PyPattern {
    header: ObjectHeader,
    data: PatternData,
}

unsafe fn pattern_dealloc(obj: ObjPtr) {
    // SAFETY: count zero, exclusive; the data was initialised by `compile`.
    unsafe {
        strand_objects::weakref::clear_weakrefs_on_dealloc(obj);
        let p = obj.as_ptr() as *mut PyPattern;
        std::ptr::drop_in_place(std::ptr::addr_of_mut!((*p).data));
        strand_objects::heaptype::dealloc_instance_memory(obj);
    }
}

strand_objects::builtin_type! {
    /// `re.Pattern`.
    pub static PATTERN_TYPE = {
        name: "re.Pattern",
        layout: PyPattern,
        itemsize: 0,
        kind: HeapKind::NonGc,
        flags: TypeFlags::MANAGED_WEAKREF,
        traverse: None,
        clear: None,
        dealloc: pattern_dealloc,
        size: None,
        slots: Slots {
            repr: Some(pattern_repr),
            richcompare: Some(pattern_richcompare),
            hash: Some(pattern_hash),
            new: Some(|_, _, _| Err(type_error("cannot create 're.Pattern' instances"))),
            ..Slots::EMPTY
        },
    }
}

fn pat(o: &PyObj) -> PyResult<&PatternData> {
    if !o.is_exact(&PATTERN_TYPE) {
        return Err(type_error(format!(
            "descriptor requires a 're.Pattern' object but received a '{}'",
            o.ty().name()
        )));
    }
    // SAFETY: checked to be a Pattern.
    Ok(&unsafe { o.payload_unchecked::<PyPattern>() }.data)
}

fn compile(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    let b = Args::new(a, k).bind(
        "compile",
        0,
        &[
            "pattern",
            "flags",
            "code",
            "groups",
            "groupindex",
            "indexgroup",
        ],
        6,
    )?;
    let pattern = b[0].expect("required").clone();
    let flags = int::to_isize(&ab::index(b[1].expect("required"))?)? as i64;
    let code_obj = b[2].expect("required");
    if !list::is_list(code_obj) {
        return Err(type_error(format!(
            "compile() argument 'code' must be list, not {}",
            code_obj.ty().name()
        )));
    }
    let mut code = Vec::with_capacity(list::len(code_obj));
    for c in list::to_vec(code_obj) {
        let v = int::to_bigint(&ab::index(&c)?);
        let v = u32::try_from(&v)
            .map_err(|_| exc::overflow_error("regular expression code size limit exceeded"))?;
        code.push(v);
    }
    let groups = int::to_isize(&ab::index(b[3].expect("required"))?)?.max(0) as usize;
    let groupindex = b[4].expect("required");
    if !dict::is_dict(groupindex) {
        return Err(type_error(format!(
            "compile() argument 'groupindex' must be dict, not {}",
            groupindex.ty().name()
        )));
    }
    let indexgroup = b[5].expect("required");
    if !tuple::is_tuple(indexgroup) {
        return Err(type_error(format!(
            "compile() argument 'indexgroup' must be tuple, not {}",
            indexgroup.ty().name()
        )));
    }
    let is_bytes = !singletons::is_none(&pattern) && !pystr::is_str(&pattern);
    if !validate::is_valid(&code, groups) {
        return Err(exc::runtime_error("invalid SRE code"));
    }
    let data = PatternData {
        pattern,
        flags,
        code,
        groups,
        groupindex: dict::copy(groupindex),
        indexgroup: indexgroup.clone(),
        is_bytes,
    };
    let ty = &PATTERN_TYPE;
    let obj = strand_objects::alloc::alloc_instance(ty, ty.basicsize());
    // SAFETY: a fresh allocation with the PyPattern layout, written before it is
    // finished.
    unsafe {
        let p = obj.as_ptr().as_ptr() as *mut PyPattern;
        std::ptr::addr_of_mut!((*p).data).write(data);
        strand_objects::alloc::finish_instance(ty, &obj);
    }
    Ok(obj)
}

/// `pos`/`endpos` clamped to the subject, as CPython's `state_init` does.
/// The span `pos..endpos` clamped to a subject of `len` characters.
fn bounds(pos: isize, endpos: isize, len: usize) -> (usize, usize) {
    let clamp = |x: isize| x.clamp(0, len as isize) as usize;
    (clamp(pos), clamp(endpos))
}

/// The `(string, pos, endpos)` arguments of the match methods. The positions are
/// converted to C `ssize_t`s first, as CPython's argument clinic does before the
/// string is looked at (`OverflowError` for one out of range, whatever the string).
fn string_args<'a>(
    a: &'a [PyObj],
    k: Option<&'a PyObj>,
    fname: &str,
) -> PyResult<(&'a PyObj, isize, isize)> {
    let b = Args::new(a, k).bind(fname, 1, &["string", "pos", "endpos"], 1)?;
    let ssize = |v: Option<&PyObj>, default: isize| match v {
        None => Ok(default),
        Some(v) => int::to_isize(&ab::index(v)?),
    };
    Ok((
        b[0].expect("required"),
        ssize(b[1], 0)?,
        ssize(b[2], isize::MAX)?,
    ))
}

fn p_match_mode(a: &[PyObj], k: Option<&PyObj>, mode: Mode, fname: &str) -> PyResult<PyObj> {
    let p = pat(&a[0])?;
    let (string, pos, endpos) = string_args(a, k, fname)?;
    let owned = subject_of(string, p.is_bytes)?;
    let subj = owned.view();
    let (start, end) = bounds(pos, endpos, subj.len());
    let found = guarded(|| {
        with_drive!(&subj, |s| run(
            s, &p.code, start, end, mode, false, p.groups
        ))
    })?;
    Ok(match found {
        Some(f) => new_match(&a[0], string, start, end, f),
        None => singletons::none(),
    })
}

fn all_matches(
    p: &PatternData,
    subj: &Subject,
    start: usize,
    end: usize,
    limit: usize,
) -> PyResult<Vec<Found>> {
    let mut out = Vec::new();
    guarded(|| {
        with_drive!(subj, |s| run_all(
            s, &p.code, start, end, p.groups, limit, &mut out
        ))
    })?;
    Ok(out)
}

fn p_findall(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    let p = pat(&a[0])?;
    let (string, pos, endpos) = string_args(a, k, "findall")?;
    let owned = subject_of(string, p.is_bytes)?;
    let subj = owned.view();
    let (start, end) = bounds(pos, endpos, subj.len());
    let group = |f: &Found, g: usize| match f.regs[g] {
        Some((b, e)) => subj.slice(b, e),
        None => subj.empty(),
    };
    let items = all_matches(p, &subj, start, end, 0)?
        .iter()
        .map(|f| match p.groups {
            0 => group(f, 0),
            1 => group(f, 1),
            n => tuple::from_vec((1..=n).map(|g| group(f, g)).collect()),
        })
        .collect();
    Ok(list::new(items))
}

fn p_split(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    let p = pat(&a[0])?;
    let b = Args::new(a, k).bind("split", 1, &["string", "maxsplit"], 1)?;
    let string = b[0].expect("required");
    let maxsplit = match b[1] {
        Some(m) => int::to_isize(&ab::index(m)?)?,
        None => 0,
    };
    let owned = subject_of(string, p.is_bytes)?;
    let subj = owned.view();
    let mut out = Vec::new();
    let mut last = 0;
    if maxsplit >= 0 {
        for f in all_matches(p, &subj, 0, subj.len(), maxsplit as usize)? {
            let (s, e) = f.regs[0].expect("group 0 matched");
            out.push(subj.slice(last, s));
            for g in 1..=p.groups {
                out.push(match f.regs[g] {
                    Some((b, e)) => subj.slice(b, e),
                    None => singletons::none(),
                });
            }
            last = e;
        }
    }
    out.push(subj.slice(last, subj.len()));
    Ok(list::new(out))
}

/// Imports `re` and calls `re.NAME(args...)` (CPython's `call(SRE_PY_MODULE, ...)`).
fn call_re(name: &str, args: &[PyObj]) -> PyResult<PyObj> {
    let re = strand_interp::import::import(
        &pystr::new("re"),
        &dict::new(),
        &tuple::empty(),
        &int::from_i64(0),
    )?;
    let f = ab::getattr_str(&re, name)?;
    ab::call(&f, args, None)
}

fn subx(a: &[PyObj], k: Option<&PyObj>, fname: &str, with_count: bool) -> PyResult<PyObj> {
    let p = pat(&a[0])?;
    let b = Args::new(a, k).bind(fname, 1, &["repl", "string", "count"], 2)?;
    let (repl, string) = (b[0].expect("required"), b[1].expect("required"));
    let count = match b[2] {
        Some(c) => int::to_isize(&ab::index(c)?)?.max(0) as usize,
        None => 0,
    };
    let (filter, callable) = if repl.ty().slots().call.is_some() {
        (repl.clone(), true)
    } else {
        let literal = if pystr::is_str(repl) {
            !pystr::as_str(repl).contains('\\')
        } else {
            match crate::buffer::bytes_like(repl) {
                Ok(b) => !b.contains(&b'\\'),
                Err(_) => false,
            }
        };
        if literal {
            (repl.clone(), false)
        } else {
            let f = call_re("_subx", &[a[0].clone(), repl.clone()])?;
            let c = f.ty().slots().call.is_some();
            (f, c)
        }
    };
    let owned = subject_of(string, p.is_bytes)?;
    let subj = owned.view();
    let matches = all_matches(p, &subj, 0, subj.len(), count)?;
    let n = matches.len();
    let mut parts = Vec::with_capacity(2 * n + 1);
    let mut i = 0;
    for f in matches {
        let (s, e) = f.regs[0].expect("group 0 matched");
        if i < s {
            parts.push(subj.slice(i, s));
        }
        let item = if callable {
            let m = new_match(&a[0], string, 0, subj.len(), f);
            ab::call(&filter, &[m], None)?
        } else {
            filter.clone()
        };
        if !singletons::is_none(&item) {
            parts.push(item);
        }
        i = e;
    }
    if i < subj.len() {
        parts.push(subj.slice(i, subj.len()));
    }
    let joiner = subj.empty();
    let joined = ab::call_method(&joiner, "join", &[list::new(parts)])?;
    Ok(if with_count {
        tuple::pair(joined, int::from_usize(n))
    } else {
        joined
    })
}

fn p_finditer(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    let sc = p_scanner_impl(a, k, "finditer")?;
    let search = ab::getattr_str(&sc, "search")?;
    Ok(strand_objects::iterators::callable_iter(
        search,
        singletons::none(),
    ))
}

fn pattern_repr(o: &PyObj) -> PyResult<PyObj> {
    let p = pat(o)?;
    let mut r = ab::repr_string(&p.pattern)?;
    if r.chars().count() > 200 {
        r = r.chars().take(200).collect();
    }
    let names = [
        (SRE_FLAG_TEMPLATE, "re.TEMPLATE"),
        (SRE_FLAG_IGNORECASE, "re.IGNORECASE"),
        (SRE_FLAG_LOCALE, "re.LOCALE"),
        (SRE_FLAG_MULTILINE, "re.MULTILINE"),
        (SRE_FLAG_DOTALL, "re.DOTALL"),
        (SRE_FLAG_UNICODE, "re.UNICODE"),
        (SRE_FLAG_VERBOSE, "re.VERBOSE"),
        (SRE_FLAG_DEBUG, "re.DEBUG"),
        (SRE_FLAG_ASCII, "re.ASCII"),
    ];
    let mut flags = p.flags;
    if !p.is_bytes
        && flags & (SRE_FLAG_LOCALE | SRE_FLAG_UNICODE | SRE_FLAG_ASCII) == SRE_FLAG_UNICODE
    {
        flags &= !SRE_FLAG_UNICODE;
    }
    if flags == 0 {
        return Ok(pystr::from_string(format!("re.compile({r})")));
    }
    let mut parts = Vec::new();
    for (bit, name) in names {
        if flags & bit != 0 {
            parts.push(name.to_string());
            flags &= !bit;
        }
    }
    if flags != 0 {
        parts.push(format!("0x{flags:x}"));
    }
    Ok(pystr::from_string(format!(
        "re.compile({r}, {})",
        parts.join("|")
    )))
}

fn pattern_richcompare(a: &PyObj, b: &PyObj, op: CompareOp) -> PyResult<PyObj> {
    if !matches!(op, CompareOp::Eq | CompareOp::Ne) || !b.is_exact(&PATTERN_TYPE) {
        return Ok(singletons::not_implemented());
    }
    let eq = if a.is(b) {
        true
    } else {
        let (x, y) = (pat(a)?, pat(b)?);
        x.flags == y.flags
            && x.is_bytes == y.is_bytes
            && x.code == y.code
            && ab::eq(&x.pattern, &y.pattern)?
    };
    Ok(int::bool_obj(eq == (op == CompareOp::Eq)))
}

fn pattern_hash(o: &PyObj) -> PyResult<isize> {
    let p = pat(o)?;
    let h = ab::hash(&p.pattern)?;
    let mut x = h ^ (p.code.len() as isize).wrapping_mul(1_000_003);
    x ^= p.flags as isize;
    if x == -1 {
        x = -2;
    }
    Ok(x)
}

fn pattern_methods() -> Vec<MethodDef> {
    vec![
        MethodDef::new("match", |a, k| p_match_mode(a, k, Mode::Match, "match")),
        MethodDef::new("fullmatch", |a, k| {
            p_match_mode(a, k, Mode::Full, "fullmatch")
        }),
        MethodDef::new("search", |a, k| p_match_mode(a, k, Mode::Search, "search")),
        MethodDef::new("findall", p_findall),
        MethodDef::new("finditer", p_finditer),
        MethodDef::new("split", p_split),
        MethodDef::new("sub", |a, k| subx(a, k, "sub", false)),
        MethodDef::new("subn", |a, k| subx(a, k, "subn", true)),
        MethodDef::new("scanner", |a, k| p_scanner_impl(a, k, "scanner")),
        MethodDef::new("__copy__", |a, _| Ok(a[0].clone())),
        MethodDef::new("__deepcopy__", |a, _| Ok(a[0].clone())),
        class_getitem(),
    ]
}

fn pattern_getsets() -> Vec<GetSetDef> {
    vec![
        GetSetDef::new("pattern", |o| Ok(pat(o)?.pattern.clone()), None),
        GetSetDef::new("flags", |o| Ok(int::from_i64(pat(o)?.flags)), None),
        GetSetDef::new("groups", |o| Ok(int::from_usize(pat(o)?.groups)), None),
        GetSetDef::new(
            "groupindex",
            |o| {
                Ok(strand_objects::typetype::new_mappingproxy(dict::copy(
                    &pat(o)?.groupindex,
                )))
            },
            None,
        ),
    ]
}

fn class_getitem() -> MethodDef {
    MethodDef::class("__class_getitem__", |a, k| {
        Args::new(a, k).exact("__class_getitem__", 2)?;
        Ok(strand_objects::genericalias::new_generic_alias(
            a[0].clone(),
            a[1].clone(),
        ))
    })
}

// ---------------------------------------------------------------------------------
// Match
// ---------------------------------------------------------------------------------

/// The layout of `re.Match`.
#[repr(C)]
pub struct PyMatch {
    header: ObjectHeader,
    pattern: PyObj,
    string: PyObj,
    pos: usize,
    endpos: usize,
    found: Found,
}

unsafe fn match_dealloc(obj: ObjPtr) {
    // SAFETY: count zero, exclusive; the fields were initialised by `new_match`.
    unsafe {
        let p = obj.as_ptr() as *mut PyMatch;
        std::ptr::drop_in_place(std::ptr::addr_of_mut!((*p).pattern));
        std::ptr::drop_in_place(std::ptr::addr_of_mut!((*p).string));
        std::ptr::drop_in_place(std::ptr::addr_of_mut!((*p).found));
        strand_objects::heaptype::dealloc_instance_memory(obj);
    }
}

strand_objects::builtin_type! {
    /// `re.Match`.
    pub static MATCH_TYPE = {
        name: "re.Match",
        layout: PyMatch,
        itemsize: 0,
        kind: HeapKind::NonGc,
        flags: TypeFlags::empty(),
        traverse: None,
        clear: None,
        dealloc: match_dealloc,
        size: None,
        slots: Slots {
            repr: Some(match_repr),
            getitem: Some(|o, key| m_group_value(o, key, None)),
            new: Some(|_, _, _| Err(type_error("cannot create 're.Match' instances"))),
            ..Slots::EMPTY
        },
    }
}

fn new_match(pattern: &PyObj, string: &PyObj, pos: usize, endpos: usize, found: Found) -> PyObj {
    let ty = &MATCH_TYPE;
    let obj = strand_objects::alloc::alloc_instance(ty, ty.basicsize());
    // SAFETY: a fresh allocation with the PyMatch layout, written before it is
    // finished.
    unsafe {
        let p = obj.as_ptr().as_ptr() as *mut PyMatch;
        std::ptr::addr_of_mut!((*p).pattern).write(pattern.clone());
        std::ptr::addr_of_mut!((*p).string).write(string.clone());
        std::ptr::addr_of_mut!((*p).pos).write(pos);
        std::ptr::addr_of_mut!((*p).endpos).write(endpos);
        std::ptr::addr_of_mut!((*p).found).write(found);
        strand_objects::alloc::finish_instance(ty, &obj);
    }
    obj
}

fn mat(o: &PyObj) -> PyResult<&PyMatch> {
    if !o.is_exact(&MATCH_TYPE) {
        return Err(type_error(format!(
            "descriptor requires a 're.Match' object but received a '{}'",
            o.ty().name()
        )));
    }
    // SAFETY: checked to be a Match.
    Ok(unsafe { o.payload_unchecked::<PyMatch>() })
}

/// A group number from an int or a group name (`IndexError: no such group`).
fn group_index(m: &PyMatch, key: &PyObj) -> PyResult<usize> {
    let p = pat(&m.pattern)?;
    let n = p.groups + 1;
    let i = if int::is_int(key) || key.ty().slots().number.index.is_some() {
        int::as_i64(&ab::index(key)?).unwrap_or(-1)
    } else {
        match dict::get_item(&p.groupindex, key) {
            Ok(Some(v)) if int::is_int(&v) => int::as_i64(&v).unwrap_or(-1),
            _ => -1,
        }
    };
    if i < 0 || i as usize >= n {
        return Err(index_error("no such group"));
    }
    Ok(i as usize)
}

/// The text of group `g`, or `default` if it did not take part.
fn group_text(m: &PyMatch, g: usize, default: &PyObj) -> PyResult<PyObj> {
    let Some((b, e)) = m.found.regs[g] else {
        return Ok(default.clone());
    };
    // The match keeps the subject object, not its text: a bytearray may have
    // changed size since, and the marks are clamped to what it holds now
    // (CPython's match_getslice_by_index).
    let owned = subject_of(&m.string, pat(&m.pattern)?.is_bytes)?;
    let subj = owned.view();
    let len = subj.len();
    Ok(subj.slice(b.min(len), e.min(len)))
}

fn m_group_value(o: &PyObj, key: &PyObj, default: Option<&PyObj>) -> PyResult<PyObj> {
    let m = mat(o)?;
    let g = group_index(m, key)?;
    group_text(m, g, &default.cloned().unwrap_or_else(singletons::none))
}

fn m_group(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    Args::new(a, k).no_kwargs("group")?;
    let m = mat(&a[0])?;
    let none = singletons::none();
    match &a[1..] {
        [] => group_text(m, 0, &none),
        [one] => group_text(m, group_index(m, one)?, &none),
        many => Ok(tuple::from_vec(
            many.iter()
                .map(|g| group_text(m, group_index(m, g)?, &none))
                .collect::<PyResult<Vec<_>>>()?,
        )),
    }
}

fn m_groups(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    let b = Args::new(a, k).bind("groups", 1, &["default"], 0)?;
    let m = mat(&a[0])?;
    let default = b[0].cloned().unwrap_or_else(singletons::none);
    let n = m.found.regs.len();
    Ok(tuple::from_vec(
        (1..n)
            .map(|g| group_text(m, g, &default))
            .collect::<PyResult<Vec<_>>>()?,
    ))
}

fn m_groupdict(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    let b = Args::new(a, k).bind("groupdict", 1, &["default"], 0)?;
    let m = mat(&a[0])?;
    let default = b[0].cloned().unwrap_or_else(singletons::none);
    let out = dict::new();
    for (name, _) in dict::items(&pat(&m.pattern)?.groupindex) {
        let g = group_index(m, &name)?;
        dict::set_item(&out, name, group_text(m, g, &default)?)?;
    }
    Ok(out)
}

fn span_of(a: &[PyObj], k: Option<&PyObj>, fname: &str) -> PyResult<(isize, isize)> {
    Args::new(a, k).expect(&format!("Match.{fname}"), 1, 2)?;
    let m = mat(&a[0])?;
    let g = match a.get(1) {
        Some(key) => group_index(m, key)?,
        None => 0,
    };
    Ok(match m.found.regs[g] {
        Some((b, e)) => (b as isize, e as isize),
        None => (-1, -1),
    })
}

fn m_start(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    Ok(int::from_i64(span_of(a, k, "start")?.0 as i64))
}

fn m_end(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    Ok(int::from_i64(span_of(a, k, "end")?.1 as i64))
}

fn m_span(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    let (b, e) = span_of(a, k, "span")?;
    Ok(tuple::pair(
        int::from_i64(b as i64),
        int::from_i64(e as i64),
    ))
}

fn m_expand(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    let b = Args::new(a, k).bind("expand", 1, &["template"], 1)?;
    let m = mat(&a[0])?;
    call_re(
        "_expand",
        &[
            m.pattern.clone(),
            a[0].clone(),
            b[0].expect("required").clone(),
        ],
    )
}

fn match_repr(o: &PyObj) -> PyResult<PyObj> {
    let m = mat(o)?;
    let (b, e) = m.found.regs[0].expect("group 0 matched");
    let g0 = group_text(m, 0, &singletons::none())?;
    Ok(pystr::from_string(format!(
        "<re.Match object; span=({b}, {e}), match={}>",
        ab::repr_string(&g0)?
    )))
}

fn match_methods() -> Vec<MethodDef> {
    vec![
        MethodDef::new("group", m_group),
        MethodDef::new("groups", m_groups),
        MethodDef::new("groupdict", m_groupdict),
        MethodDef::new("start", m_start),
        MethodDef::new("end", m_end),
        MethodDef::new("span", m_span),
        MethodDef::new("expand", m_expand),
        MethodDef::new("__copy__", |a, _| Ok(a[0].clone())),
        MethodDef::new("__deepcopy__", |a, _| Ok(a[0].clone())),
        class_getitem(),
    ]
}

fn match_getsets() -> Vec<GetSetDef> {
    vec![
        GetSetDef::new("string", |o| Ok(mat(o)?.string.clone()), None),
        GetSetDef::new("re", |o| Ok(mat(o)?.pattern.clone()), None),
        GetSetDef::new("pos", |o| Ok(int::from_usize(mat(o)?.pos)), None),
        GetSetDef::new("endpos", |o| Ok(int::from_usize(mat(o)?.endpos)), None),
        GetSetDef::new(
            "lastindex",
            |o| {
                let li = mat(o)?.found.lastindex;
                Ok(if li >= 0 {
                    int::from_i64(li as i64)
                } else {
                    singletons::none()
                })
            },
            None,
        ),
        GetSetDef::new(
            "lastgroup",
            |o| {
                let m = mat(o)?;
                let li = m.found.lastindex;
                let ig = &pat(&m.pattern)?.indexgroup;
                Ok(if li >= 0 {
                    tuple::items(ig)
                        .get(li as usize)
                        .cloned()
                        .unwrap_or_else(singletons::none)
                } else {
                    singletons::none()
                })
            },
            None,
        ),
        GetSetDef::new(
            "regs",
            |o| {
                let m = mat(o)?;
                Ok(tuple::from_vec(
                    m.found
                        .regs
                        .iter()
                        .map(|r| {
                            let (b, e) = r.map_or((-1, -1), |(b, e)| (b as i64, e as i64));
                            tuple::pair(int::from_i64(b), int::from_i64(e))
                        })
                        .collect(),
                ))
            },
            None,
        ),
    ]
}

// ---------------------------------------------------------------------------------
// Scanner
// ---------------------------------------------------------------------------------

/// Where a scanner is: the next start and whether an empty match there is barred.
struct ScanState {
    start: usize,
    must_advance: bool,
    done: bool,
}

/// The layout of `_sre.SRE_Scanner`.
#[repr(C)]
pub struct PyScanner {
    header: ObjectHeader,
    pattern: PyObj,
    string: PyObj,
    pos: usize,
    end: usize,
    state: Mutex<ScanState>,
    /// The export of a bytes-like subject's buffer, held while the scanner lives (as
    /// CPython's scanner state holds it): the subject keeps its size, so `end` stays
    /// within it.
    export: Option<strand_objects::buffer::PyBuffer>,
}

unsafe fn scanner_dealloc(obj: ObjPtr) {
    // SAFETY: count zero, exclusive; the fields were initialised by `p_scanner_impl`.
    unsafe {
        let p = obj.as_ptr() as *mut PyScanner;
        std::ptr::drop_in_place(std::ptr::addr_of_mut!((*p).pattern));
        std::ptr::drop_in_place(std::ptr::addr_of_mut!((*p).string));
        std::ptr::drop_in_place(std::ptr::addr_of_mut!((*p).state));
        std::ptr::drop_in_place(std::ptr::addr_of_mut!((*p).export));
        strand_objects::heaptype::dealloc_instance_memory(obj);
    }
}

strand_objects::builtin_type! {
    /// `_sre.SRE_Scanner`.
    pub static SCANNER_TYPE = {
        name: "_sre.SRE_Scanner",
        layout: PyScanner,
        itemsize: 0,
        kind: HeapKind::NonGc,
        flags: TypeFlags::empty(),
        traverse: None,
        clear: None,
        dealloc: scanner_dealloc,
        size: None,
        slots: Slots {
            new: Some(|_, _, _| Err(type_error("cannot create '_sre.SRE_Scanner' instances"))),
            ..Slots::EMPTY
        },
    }
}

fn p_scanner_impl(a: &[PyObj], k: Option<&PyObj>, fname: &str) -> PyResult<PyObj> {
    let p = pat(&a[0])?;
    let (string, pos, endpos) = string_args(a, k, fname)?;
    let owned = subject_of(string, p.is_bytes)?;
    let (start, end) = bounds(pos, endpos, owned.view().len());
    let export = match owned {
        Owned::Bytes(_, export) => export,
        Owned::Str(_) => None,
    };
    let ty = &SCANNER_TYPE;
    let obj = strand_objects::alloc::alloc_instance(ty, ty.basicsize());
    // SAFETY: a fresh allocation with the PyScanner layout, written before it is
    // finished.
    unsafe {
        let q = obj.as_ptr().as_ptr() as *mut PyScanner;
        std::ptr::addr_of_mut!((*q).pattern).write(a[0].clone());
        std::ptr::addr_of_mut!((*q).string).write(string.clone());
        std::ptr::addr_of_mut!((*q).pos).write(start);
        std::ptr::addr_of_mut!((*q).end).write(end);
        std::ptr::addr_of_mut!((*q).state).write(Mutex::new(ScanState {
            start,
            must_advance: false,
            done: false,
        }));
        std::ptr::addr_of_mut!((*q).export).write(export);
        strand_objects::alloc::finish_instance(ty, &obj);
    }
    Ok(obj)
}

fn scanner_pattern(o: &PyObj) -> PyResult<PyObj> {
    // SAFETY: installed on SCANNER_TYPE only (not subclassable).
    Ok(unsafe { o.payload_unchecked::<PyScanner>() }
        .pattern
        .clone())
}

fn scanner_step(a: &[PyObj], k: Option<&PyObj>, mode: Mode, fname: &str) -> PyResult<PyObj> {
    Args::new(a, k).exact(fname, 1)?;
    // SAFETY: the methods are installed on SCANNER_TYPE only (not subclassable).
    let sc = unsafe { a[0].payload_unchecked::<PyScanner>() };
    let p = pat(&sc.pattern)?;
    let owned = subject_of(&sc.string, p.is_bytes)?;
    let subj = owned.view();
    let mut st = modsupport::lock(&sc.state);
    if st.done || st.start > sc.end {
        st.done = true;
        return Ok(singletons::none());
    }
    let (from, must_advance) = (st.start, st.must_advance);
    let found = guarded(|| {
        with_drive!(&subj, |s| run(
            s,
            &p.code,
            from,
            sc.end,
            mode,
            must_advance,
            p.groups
        ))
    })?;
    match found {
        Some(f) => {
            let (b, e) = f.regs[0].expect("group 0 matched");
            st.must_advance = e == b;
            st.start = e;
            drop(st);
            Ok(new_match(&sc.pattern, &sc.string, sc.pos, sc.end, f))
        }
        None => {
            st.done = true;
            Ok(singletons::none())
        }
    }
}

// ---------------------------------------------------------------------------------
// Module functions
// ---------------------------------------------------------------------------------

fn char_arg(a: &[PyObj], k: Option<&PyObj>, fname: &str) -> PyResult<u32> {
    Args::new(a, k).expect_fn(fname, 1, 1)?;
    let v = int::to_isize(&ab::index(&a[0])?)?;
    Ok(v as u32)
}

/// The `_sre` module.
pub fn make_module() -> PyObj {
    static READY: std::sync::Once = std::sync::Once::new();
    READY.call_once(|| {
        let object = &strand_objects::baseobject::OBJECT_TYPE;
        PATTERN_TYPE.ready_static(Some(object), &pattern_methods(), &pattern_getsets());
        MATCH_TYPE.ready_static(Some(object), &match_methods(), &match_getsets());
        SCANNER_TYPE.ready_static(
            Some(object),
            &[
                MethodDef::new("match", |a, k| scanner_step(a, k, Mode::Match, "match")),
                MethodDef::new("search", |a, k| scanner_step(a, k, Mode::Search, "search")),
            ],
            &[GetSetDef::new("pattern", scanner_pattern, None)],
        );
    });
    let m = module::new_native_module("_sre");
    add_functions(
        &m,
        "_sre",
        &[
            ("compile", compile),
            ("getcodesize", |a, k| {
                Args::new(a, k).expect_fn("getcodesize", 0, 0)?;
                Ok(int::from_i64(4))
            }),
            ("ascii_iscased", |a, k| {
                let c = char_arg(a, k, "ascii_iscased")?;
                Ok(int::bool_obj(c < 128 && (c as u8).is_ascii_alphabetic()))
            }),
            ("unicode_iscased", |a, k| {
                // CPython's `sre_upper_unicode` is `_PyUnicode_ToUppercase`, which
                // gives the first character of a full (SpecialCasing) mapping:
                // U+FB05 'ﬅ' is cased because it uppercases to "ST".
                let c = char_arg(a, k, "unicode_iscased")?;
                let upper = char::from_u32(c)
                    .and_then(|ch| ch.to_uppercase().next())
                    .map_or(c, u32::from);
                Ok(int::bool_obj(
                    c != rustpython_sre_engine::string::lower_unicode(c) || c != upper,
                ))
            }),
            ("ascii_tolower", |a, k| {
                let c = char_arg(a, k, "ascii_tolower")?;
                Ok(int::from_i64(i64::from(
                    rustpython_sre_engine::string::lower_ascii(c),
                )))
            }),
            ("unicode_tolower", |a, k| {
                let c = char_arg(a, k, "unicode_tolower")?;
                Ok(int::from_i64(i64::from(
                    rustpython_sre_engine::string::lower_unicode(c),
                )))
            }),
        ],
    );
    let d = module::module_dict(&m);
    modsupport::add_int(&d, "MAGIC", MAGIC);
    modsupport::add_int(&d, "CODESIZE", 4);
    modsupport::add_int(&d, "MAXREPEAT", MAXREPEAT);
    modsupport::add_int(&d, "MAXGROUPS", MAXGROUPS);
    modsupport::add_str(
        &d,
        "copyright",
        " SRE 2.2.2 Copyright (c) 1997-2002 by Secret Labs AB ",
    );
    m
}
