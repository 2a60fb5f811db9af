//! The two `_io` classes that hold other objects: `IncrementalNewlineDecoder`
//! (newline translation over any incremental decoder, CPython's textio.c) and
//! `BufferedRWPair` (a reader and a writer as one stream, bufferedio.c).
//!
//! Both keep the objects they were made with in [`Fields`] (unchanged until the
//! collector clears them); the decoder's own state (a pending `\r` and the kinds of
//! newline seen) is behind a mutex held only while no Python code runs.
//!
//! Left out: `BufferedRWPair` hands each call straight to its reader or writer
//! (CPython wraps them in a `BufferedReader` and a `BufferedWriter` first, which only
//! changes how many calls the raw streams see), and neither class can be subclassed.

use std::sync::Mutex;

use strand_heap::{HeapKind, ObjPtr, ObjectHeader};
use strand_objects::abstract_ as ab;
use strand_objects::args::Args;
use strand_objects::descr::{GetSetDef, MethodDef};
use strand_objects::exceptions::{self as exc, type_error};
use strand_objects::typeobj::{Slots, TypeFlags};
use strand_objects::{bytes, int, singletons, str as pystr, tuple, PyObj, PyResult};

use crate::modsupport::{lock, Fields};

// ---------------------------------------------------------------------------------
// IncrementalNewlineDecoder
// ---------------------------------------------------------------------------------

const SEEN_LF: u8 = 1;
const SEEN_CR: u8 = 2;
const SEEN_CRLF: u8 = 4;

struct NlState {
    pendingcr: bool,
    seennl: u8,
}

/// The layout of `_io.IncrementalNewlineDecoder`.
#[repr(C)]
pub struct PyNewlineDecoder {
    header: ObjectHeader,
    /// The wrapped decoder (`None` when the input is already `str`).
    decoder: Fields<PyObj>,
    translate: bool,
    state: Mutex<NlState>,
}

unsafe fn nl_traverse(obj: ObjPtr, visit: &mut dyn FnMut(ObjPtr)) {
    // SAFETY: installed on PyNewlineDecoder; world stopped.
    let d = unsafe { &*(obj.as_ptr() as *const PyNewlineDecoder) };
    if let Some(o) = d.decoder.get() {
        visit(o.as_ptr());
    }
}

unsafe fn nl_clear(obj: ObjPtr) {
    // SAFETY: installed on PyNewlineDecoder; unreachable when the collector clears it.
    let d = unsafe { &*(obj.as_ptr() as *const PyNewlineDecoder) };
    // SAFETY: as above.
    drop(unsafe { d.decoder.take() });
}

unsafe fn nl_dealloc(obj: ObjPtr) {
    // SAFETY: count zero, exclusive.
    unsafe {
        let p = obj.as_ptr() as *mut PyNewlineDecoder;
        std::ptr::drop_in_place(std::ptr::addr_of_mut!((*p).decoder));
        std::ptr::drop_in_place(std::ptr::addr_of_mut!((*p).state));
        strand_objects::heaptype::dealloc_instance_memory(obj);
    }
}

strand_objects::builtin_type! {
    /// `_io.IncrementalNewlineDecoder`.
    pub static NEWLINE_DECODER_TYPE = {
        name: "_io.IncrementalNewlineDecoder",
        layout: PyNewlineDecoder,
        itemsize: 0,
        kind: HeapKind::Gc,
        flags: TypeFlags::empty(),
        traverse: Some(nl_traverse),
        clear: Some(nl_clear),
        dealloc: nl_dealloc,
        size: None,
        slots: Slots { new: Some(nl_new), ..Slots::EMPTY },
    }
}

/// `IncrementalNewlineDecoder(decoder, translate, errors='strict')`.
fn nl_new(_cls: &PyObj, a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    let b = Args::new(a, k).bind(
        "IncrementalNewlineDecoder",
        0,
        &["decoder", "translate", "errors"],
        2,
    )?;
    let decoder = b[0].expect("required").clone();
    let translate = ab::is_true(b[1].expect("required"))?;
    let ty = &NEWLINE_DECODER_TYPE;
    let obj = strand_objects::alloc::alloc_instance(ty, ty.basicsize());
    // SAFETY: fresh allocation with the decoder's layout; every field written once.
    unsafe {
        let p = obj.as_ptr().as_ptr() as *mut PyNewlineDecoder;
        std::ptr::addr_of_mut!((*p).decoder).write(Fields::new(decoder));
        std::ptr::addr_of_mut!((*p).translate).write(translate);
        std::ptr::addr_of_mut!((*p).state).write(Mutex::new(NlState {
            pendingcr: false,
            seennl: 0,
        }));
        strand_objects::alloc::finish_instance(ty, &obj);
    }
    Ok(obj)
}

fn nl(o: &PyObj) -> PyResult<(&PyNewlineDecoder, Option<PyObj>)> {
    if !o.is_exact(&NEWLINE_DECODER_TYPE) {
        return Err(type_error(format!(
            "descriptor requires a '_io.IncrementalNewlineDecoder' object but received a '{}'",
            o.ty().name()
        )));
    }
    // SAFETY: checked to be an IncrementalNewlineDecoder just above.
    let d = unsafe { o.payload_unchecked::<PyNewlineDecoder>() };
    let dec = d.decoder.get().filter(|x| !singletons::is_none(x)).cloned();
    Ok((d, dec))
}

fn nl_decode(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    let b = Args::new(a, k).bind("decode", 1, &["input", "final"], 1)?;
    let (d, dec) = nl(&a[0])?;
    let input = b[0].expect("required");
    let final_ = b[1].map_or(Ok(false), ab::is_true)?;
    let output = match &dec {
        None => input.clone(),
        Some(dec) => {
            let kw = strand_objects::dict::new();
            strand_objects::dict::set_item_str(&kw, "final", int::bool_obj(final_));
            ab::call_with_dict(
                &ab::getattr_str(dec, "decode")?,
                std::slice::from_ref(input),
                Some(&kw),
            )?
        }
    };
    if !pystr::is_str(&output) {
        return Err(type_error(format!(
            "decoder should return a string result, not '{}'",
            output.ty().name()
        )));
    }
    let mut text = pystr::as_str(&output).to_string();
    let mut st = lock(&d.state);
    if st.pendingcr && (!text.is_empty() || final_) {
        text.insert(0, '\r');
        st.pendingcr = false;
    }
    if text.ends_with('\r') && !final_ {
        text.pop();
        st.pendingcr = true;
    }
    let crlf = text.matches("\r\n").count();
    let cr = text.matches('\r').count() - crlf;
    let lf = text.matches('\n').count() - crlf;
    if lf > 0 {
        st.seennl |= SEEN_LF;
    }
    if cr > 0 {
        st.seennl |= SEEN_CR;
    }
    if crlf > 0 {
        st.seennl |= SEEN_CRLF;
    }
    drop(st);
    if d.translate {
        if crlf > 0 {
            text = text.replace("\r\n", "\n");
        }
        if cr > 0 {
            text = text.replace('\r', "\n");
        }
    }
    Ok(pystr::from_string(text))
}

fn nl_methods() -> Vec<MethodDef> {
    vec![
        MethodDef::new("decode", nl_decode),
        MethodDef::new("getstate", |a, k| {
            Args::new(a, k).exact("getstate", 1)?;
            let (d, dec) = nl(&a[0])?;
            let (buf, flag) = match dec {
                None => (bytes::new(b""), 0i64),
                Some(dec) => {
                    let s = ab::call_method(&dec, "getstate", &[])?;
                    if !tuple::is_tuple(&s) || tuple::items(&s).len() != 2 {
                        return Err(type_error("illegal decoder state"));
                    }
                    let it = tuple::items(&s);
                    let flag = int::as_i64(&ab::index(&it[1])?)
                        .ok_or_else(|| exc::overflow_error("decoder state flag too large"))?;
                    (it[0].clone(), flag)
                }
            };
            let flag = (flag << 1) | i64::from(lock(&d.state).pendingcr);
            Ok(tuple::from_vec(vec![buf, int::from_i64(flag)]))
        }),
        MethodDef::new("setstate", |a, k| {
            Args::new(a, k).exact("setstate", 2)?;
            let (d, dec) = nl(&a[0])?;
            let s = &a[1];
            if !tuple::is_tuple(s) || tuple::items(s).len() != 2 {
                return Err(type_error("state argument must be a tuple"));
            }
            let it = tuple::items(s);
            let flag = int::as_i64(&ab::index(&it[1])?)
                .ok_or_else(|| exc::overflow_error("decoder state flag too large"))?;
            lock(&d.state).pendingcr = flag & 1 != 0;
            if let Some(dec) = dec {
                let inner = tuple::from_vec(vec![it[0].clone(), int::from_i64(flag >> 1)]);
                ab::call_method(&dec, "setstate", &[inner])?;
            }
            Ok(singletons::none())
        }),
        MethodDef::new("reset", |a, k| {
            Args::new(a, k).exact("reset", 1)?;
            let (d, dec) = nl(&a[0])?;
            {
                let mut st = lock(&d.state);
                st.seennl = 0;
                st.pendingcr = false;
            }
            if let Some(dec) = dec {
                ab::call_method(&dec, "reset", &[])?;
            }
            Ok(singletons::none())
        }),
    ]
}

fn nl_getsets() -> Vec<GetSetDef> {
    vec![GetSetDef::new(
        "newlines",
        |o| {
            let (d, _) = nl(o)?;
            let seen = lock(&d.state).seennl;
            let s = |x: &str| pystr::new(x);
            Ok(match seen {
                0 => singletons::none(),
                1 => s("\n"),
                2 => s("\r"),
                3 => tuple::from_vec(vec![s("\r"), s("\n")]),
                4 => s("\r\n"),
                5 => tuple::from_vec(vec![s("\n"), s("\r\n")]),
                6 => tuple::from_vec(vec![s("\r"), s("\r\n")]),
                _ => tuple::from_vec(vec![s("\r"), s("\n"), s("\r\n")]),
            })
        },
        None,
    )]
}

// ---------------------------------------------------------------------------------
// BufferedRWPair
// ---------------------------------------------------------------------------------

/// The layout of `_io.BufferedRWPair`: the reader and the writer.
#[repr(C)]
pub struct PyRWPair {
    header: ObjectHeader,
    fields: Fields<(PyObj, PyObj)>,
}

unsafe fn pair_traverse(obj: ObjPtr, visit: &mut dyn FnMut(ObjPtr)) {
    // SAFETY: installed on PyRWPair; world stopped.
    let p = unsafe { &*(obj.as_ptr() as *const PyRWPair) };
    if let Some((r, w)) = p.fields.get() {
        visit(r.as_ptr());
        visit(w.as_ptr());
    }
}

unsafe fn pair_clear(obj: ObjPtr) {
    // SAFETY: installed on PyRWPair; unreachable when the collector clears it.
    let p = unsafe { &*(obj.as_ptr() as *const PyRWPair) };
    // SAFETY: as above.
    drop(unsafe { p.fields.take() });
}

unsafe fn pair_dealloc(obj: ObjPtr) {
    // SAFETY: count zero, exclusive.
    unsafe {
        let p = obj.as_ptr() as *mut PyRWPair;
        std::ptr::drop_in_place(std::ptr::addr_of_mut!((*p).fields));
        strand_objects::heaptype::dealloc_instance_memory(obj);
    }
}

strand_objects::builtin_type! {
    /// `_io.BufferedRWPair`.
    pub static RWPAIR_TYPE = {
        name: "_io.BufferedRWPair",
        layout: PyRWPair,
        itemsize: 0,
        kind: HeapKind::Gc,
        flags: TypeFlags::empty(),
        traverse: Some(pair_traverse),
        clear: Some(pair_clear),
        dealloc: pair_dealloc,
        size: None,
        slots: Slots { new: Some(pair_new), ..Slots::EMPTY },
    }
}

/// `BufferedRWPair(reader, writer, buffer_size=DEFAULT_BUFFER_SIZE)`.
fn pair_new(_cls: &PyObj, a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    let args = Args::new(a, k);
    args.no_kwargs("BufferedRWPair")?;
    args.range("BufferedRWPair", 2, 3)?;
    let (reader, writer) = (a[0].clone(), a[1].clone());
    if let Some(size) = a.get(2) {
        let n = int::to_isize(&ab::index(size)?)?;
        if n <= 0 {
            return Err(exc::value_error("buffer size must be strictly positive"));
        }
    }
    if !ab::is_true(&ab::call_method(&reader, "readable", &[])?)? {
        return Err(super::unsupported("\"reader\" argument must be readable."));
    }
    if !ab::is_true(&ab::call_method(&writer, "writable", &[])?)? {
        return Err(super::unsupported("\"writer\" argument must be writable."));
    }
    let ty = &RWPAIR_TYPE;
    let obj = strand_objects::alloc::alloc_instance(ty, ty.basicsize());
    // SAFETY: fresh allocation with the pair's layout, written before it is finished.
    unsafe {
        let p = obj.as_ptr().as_ptr() as *mut PyRWPair;
        std::ptr::addr_of_mut!((*p).fields).write(Fields::new((reader, writer)));
        strand_objects::alloc::finish_instance(ty, &obj);
    }
    Ok(obj)
}

fn pair(o: &PyObj) -> PyResult<(PyObj, PyObj)> {
    if !o.is_exact(&RWPAIR_TYPE) {
        return Err(type_error(format!(
            "descriptor requires a '_io.BufferedRWPair' object but received a '{}'",
            o.ty().name()
        )));
    }
    // SAFETY: checked to be a BufferedRWPair just above.
    let p = unsafe { o.payload_unchecked::<PyRWPair>() };
    p.fields
        .get()
        .cloned()
        .ok_or_else(|| exc::value_error("I/O operation on uninitialized object"))
}

/// A method handed to the reader (`$writer` false) or the writer.
macro_rules! delegate {
    ($name:literal, $writer:literal) => {
        MethodDef::new($name, |a, _k| {
            let (reader, writer) = pair(&a[0])?;
            let side = if $writer { writer } else { reader };
            ab::call_method(&side, $name, &a[1..])
        })
    };
}

fn pair_methods() -> Vec<MethodDef> {
    vec![
        delegate!("read", false),
        delegate!("peek", false),
        delegate!("read1", false),
        delegate!("readinto", false),
        delegate!("readinto1", false),
        delegate!("readable", false),
        delegate!("write", true),
        delegate!("flush", true),
        delegate!("writable", true),
        MethodDef::new("isatty", |a, k| {
            Args::new(a, k).exact("isatty", 1)?;
            let (reader, writer) = pair(&a[0])?;
            if ab::is_true(&ab::call_method(&writer, "isatty", &[])?)? {
                return Ok(int::bool_obj(true));
            }
            ab::call_method(&reader, "isatty", &[])
        }),
        MethodDef::new("close", |a, k| {
            Args::new(a, k).exact("close", 1)?;
            let (reader, writer) = pair(&a[0])?;
            let w = ab::call_method(&writer, "close", &[]);
            let r = ab::call_method(&reader, "close", &[]);
            w?;
            r
        }),
    ]
}

fn pair_getsets() -> Vec<GetSetDef> {
    vec![GetSetDef::new(
        "closed",
        |o| {
            let (_, writer) = pair(o)?;
            ab::getattr_str(&writer, "closed")
        },
        None,
    )]
}

/// Readies the two types (from `_io`'s `ready`).
pub fn ready_types() {
    NEWLINE_DECODER_TYPE.ready_static(
        Some(&strand_objects::baseobject::OBJECT_TYPE),
        &nl_methods(),
        &nl_getsets(),
    );
    RWPAIR_TYPE.ready_static(
        Some(&super::BUFFEREDIOBASE_TYPE),
        &pair_methods(),
        &pair_getsets(),
    );
}
