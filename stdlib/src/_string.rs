//! The `_string` module (CPython's Objects/stringlib/unicode_format.h, the parts
//! `string.Formatter` uses): `formatter_parser(str)`, an iterator of
//! `(literal_text, field_name, format_spec, conversion)`, and
//! `formatter_field_name_split(field_name)`, `(first, iterator of (is_attr,
//! key))`.
//!
//! Both parse eagerly into plain data and hand out items through the iterator
//! types `formatteriterator` and `fieldnameiterator`; a syntax error is kept and
//! raised when iteration reaches it, as CPython's lazy parsers raise it.

use std::sync::atomic::{AtomicUsize, Ordering::Relaxed};

use strand_heap::{HeapKind, ObjPtr, ObjectHeader};
use strand_objects::args::Args;
use strand_objects::exceptions::{type_error, value_error};
use strand_objects::typeobj::{PyType, Slots, TypeFlags};
use strand_objects::{int, module, singletons, str as pystr, tuple, PyObj, PyResult};

use strand_interp::native_module::add_functions;

/// First code points of the Unicode 14.0.0 decimal digit runs (each `0`..`9`).
const DECIMAL_ZEROS: &[u32] = &[
    0x30, 0x660, 0x6f0, 0x7c0, 0x966, 0x9e6, 0xa66, 0xae6, 0xb66, 0xbe6, 0xc66, 0xce6, 0xd66,
    0xde6, 0xe50, 0xed0, 0xf20, 0x1040, 0x1090, 0x17e0, 0x1810, 0x1946, 0x19d0, 0x1a80, 0x1a90,
    0x1b50, 0x1bb0, 0x1c40, 0x1c50, 0xa620, 0xa8d0, 0xa900, 0xa9d0, 0xa9f0, 0xaa50, 0xabf0, 0xff10,
    0x104a0, 0x10d30, 0x11066, 0x110f0, 0x11136, 0x111d0, 0x112f0, 0x11450, 0x114d0, 0x11650,
    0x116c0, 0x11730, 0x118e0, 0x11950, 0x11c50, 0x11d50, 0x11da0, 0x16a60, 0x16ac0, 0x16b50,
    0x1d7ce, 0x1d7d8, 0x1d7e2, 0x1d7ec, 0x1d7f6, 0x1e140, 0x1e2f0, 0x1e950, 0x1fbf0,
];

/// The decimal value of a Unicode decimal digit (`Py_UNICODE_TODECIMAL`).
pub fn decimal_value(c: char) -> Option<u32> {
    let c = u32::from(c);
    let i = DECIMAL_ZEROS.partition_point(|&z| z <= c);
    let zero = *DECIMAL_ZEROS.get(i.checked_sub(1)?)?;
    (c - zero < 10).then_some(c - zero)
}

// ---------------------------------------------------------------------------------
// The iterators
// ---------------------------------------------------------------------------------

/// The layout of both iterator types: the items, then the error that ends them.
#[repr(C)]
pub struct PyParsedIter {
    header: ObjectHeader,
    items: Vec<PyObj>,
    error: Option<String>,
    pos: AtomicUsize,
}

unsafe fn parsed_dealloc(obj: ObjPtr) {
    // SAFETY: count zero, exclusive; the fields were initialised by `new_iter`.
    unsafe {
        let p = obj.as_ptr() as *mut PyParsedIter;
        std::ptr::drop_in_place(std::ptr::addr_of_mut!((*p).items));
        std::ptr::drop_in_place(std::ptr::addr_of_mut!((*p).error));
        strand_objects::heaptype::dealloc_instance_memory(obj);
    }
}

fn parsed_next(o: &PyObj) -> PyResult<Option<PyObj>> {
    // SAFETY: installed on the two iterator types of this module only.
    let it = unsafe { o.payload_unchecked::<PyParsedIter>() };
    let i = it.pos.fetch_add(1, Relaxed);
    if let Some(x) = it.items.get(i) {
        return Ok(Some(x.clone()));
    }
    it.pos.store(it.items.len() + 1, Relaxed);
    match &it.error {
        Some(msg) if i == it.items.len() => Err(value_error(msg)),
        _ => Ok(None),
    }
}

macro_rules! parsed_type {
    ($(#[$m:meta])* $ident:ident, $name:literal) => {
        strand_objects::builtin_type! {
            $(#[$m])*
            pub static $ident = {
                name: $name,
                layout: PyParsedIter,
                itemsize: 0,
                kind: HeapKind::NonGc,
                flags: TypeFlags::empty(),
                traverse: None,
                clear: None,
                dealloc: parsed_dealloc,
                size: None,
                slots: Slots {
                    iter: Some(|o| Ok(o.clone())),
                    iternext: Some(parsed_next),
                    ..Slots::EMPTY
                },
            }
        }
    };
}

parsed_type!(
    /// `formatteriterator`.
    FORMATTER_ITER_TYPE,
    "formatteriterator"
);
parsed_type!(
    /// `fieldnameiterator`.
    FIELDNAME_ITER_TYPE,
    "fieldnameiterator"
);

/// An iterator over items that holds only strs, ints, bools, None and tuples of
/// them (no cycles can pass through it, so it is not tracked by the collector).
fn new_iter(ty: &'static PyType, items: Vec<PyObj>, error: Option<String>) -> PyObj {
    let obj = strand_objects::alloc::alloc_instance(ty, ty.basicsize());
    // SAFETY: a fresh allocation with the PyParsedIter layout; every field is written
    // before the object is finished.
    unsafe {
        let p = obj.as_ptr().as_ptr() as *mut PyParsedIter;
        std::ptr::addr_of_mut!((*p).items).write(items);
        std::ptr::addr_of_mut!((*p).error).write(error);
        std::ptr::addr_of_mut!((*p).pos).write(AtomicUsize::new(0));
        strand_objects::alloc::finish_instance(ty, &obj);
    }
    obj
}

// ---------------------------------------------------------------------------------
// formatter_parser
// ---------------------------------------------------------------------------------

/// One item of `formatter_parser`: literal text and, if a field follows, its name,
/// spec and conversion.
#[derive(Debug, PartialEq)]
pub struct Markup {
    /// The literal text before the field.
    pub literal: String,
    /// `(field_name, format_spec, conversion)` if a field follows.
    pub field: Option<(String, String, Option<char>)>,
}

/// Parses a field after its `{` (CPython's `parse_field`), from `chars[*i..]`.
fn parse_field(
    chars: &[char],
    i: &mut usize,
) -> Result<(String, String, Option<char>), &'static str> {
    let start = *i;
    let mut c = '\0';
    let mut stopped = false;
    while *i < chars.len() {
        c = chars[*i];
        *i += 1;
        match c {
            '{' => return Err("unexpected '{' in field name"),
            '[' => {
                while *i < chars.len() && chars[*i] != ']' {
                    *i += 1;
                }
            }
            '}' | ':' | '!' => {
                stopped = true;
                break;
            }
            _ => {}
        }
    }
    let name_end = if stopped { *i - 1 } else { *i };
    let name: String = chars[start..name_end].iter().collect();
    if stopped && (c == '!' || c == ':') {
        let mut conversion = None;
        if c == '!' {
            if *i >= chars.len() {
                return Err("end of string while looking for conversion specifier");
            }
            conversion = Some(chars[*i]);
            *i += 1;
            if *i < chars.len() {
                let d = chars[*i];
                *i += 1;
                if d == '}' {
                    return Ok((name, String::new(), conversion));
                }
                if d != ':' {
                    return Err("expected ':' after conversion specifier");
                }
            }
        }
        let spec_start = *i;
        let mut count = 1;
        while *i < chars.len() {
            let d = chars[*i];
            *i += 1;
            match d {
                '{' => count += 1,
                '}' => {
                    count -= 1;
                    if count == 0 {
                        let spec = chars[spec_start..*i - 1].iter().collect();
                        return Ok((name, spec, conversion));
                    }
                }
                _ => {}
            }
        }
        return Err("unmatched '{' in format spec");
    }
    if !(stopped && c == '}') {
        return Err("expected '}' before end of string");
    }
    Ok((name, String::new(), None))
}

/// Parses a format string into its items, up to the first error (CPython's
/// `MarkupIterator_next`).
pub fn parse_markup(s: &str) -> (Vec<Markup>, Option<&'static str>) {
    let chars: Vec<char> = s.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let start = i;
        let mut c = '\0';
        let mut markup = false;
        while i < chars.len() {
            c = chars[i];
            i += 1;
            if c == '{' || c == '}' {
                markup = true;
                break;
            }
        }
        let at_end = i >= chars.len();
        let mut len = i - start;
        if c == '}' && markup && (at_end || chars[i] != '}') {
            return (out, Some("Single '}' encountered in format string"));
        }
        if at_end && c == '{' && markup {
            return (out, Some("Single '{' encountered in format string"));
        }
        if !at_end && markup {
            if chars[i] == c {
                // A doubled brace: literal text, no field.
                i += 1;
                markup = false;
            } else {
                len -= 1;
            }
        }
        let literal: String = chars[start..start + len].iter().collect();
        if !markup {
            out.push(Markup {
                literal,
                field: None,
            });
            continue;
        }
        match parse_field(&chars, &mut i) {
            Ok(field) => out.push(Markup {
                literal,
                field: Some(field),
            }),
            Err(e) => return (out, Some(e)),
        }
    }
    (out, None)
}

fn str_arg<'a>(a: &'a [PyObj], k: Option<&PyObj>, fname: &str) -> PyResult<&'a str> {
    Args::new(a, k).no_kwargs(fname)?;
    if a.len() != 1 {
        return Err(type_error(format!(
            "{fname}() takes exactly one argument ({} given)",
            a.len()
        )));
    }
    if !pystr::is_str(&a[0]) {
        return Err(type_error(format!(
            "expected str, got {}",
            a[0].ty().name()
        )));
    }
    Ok(pystr::as_str(&a[0]))
}

fn formatter_parser(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    let s = str_arg(a, k, "formatter_parser")?;
    let (items, err) = parse_markup(s);
    let none = singletons::none;
    let items = items
        .into_iter()
        .map(|m| {
            let (name, spec, conv) = match m.field {
                Some((n, s, c)) => (
                    pystr::from_string(n),
                    pystr::from_string(s),
                    c.map_or_else(none, |c| pystr::from_string(c.to_string())),
                ),
                None => (none(), none(), none()),
            };
            tuple::from_vec(vec![pystr::from_string(m.literal), name, spec, conv])
        })
        .collect();
    Ok(new_iter(
        &FORMATTER_ITER_TYPE,
        items,
        err.map(str::to_string),
    ))
}

// ---------------------------------------------------------------------------------
// formatter_field_name_split
// ---------------------------------------------------------------------------------

/// A field name part as an index (`get_integer`): `Ok(None)` if not all decimal.
fn get_integer(s: &[char]) -> Result<Option<usize>, &'static str> {
    let mut acc: usize = 0;
    for &c in s {
        let Some(d) = decimal_value(c) else {
            return Ok(None);
        };
        if acc > (isize::MAX as usize - d as usize) / 10 {
            return Err("Too many decimal digits in format string");
        }
        acc = acc * 10 + d as usize;
    }
    Ok(Some(acc))
}

fn name_obj(part: &[char]) -> Result<PyObj, &'static str> {
    Ok(match get_integer(part)? {
        Some(n) => int::from_usize(n),
        None => pystr::from_string(part.iter().collect()),
    })
}

fn formatter_field_name_split(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    let s = str_arg(a, k, "formatter_field_name_split")?;
    let chars: Vec<char> = s.chars().collect();
    let first_end = chars
        .iter()
        .position(|&c| c == '.' || c == '[')
        .unwrap_or(chars.len());
    let first_part = &chars[..first_end];
    // An empty first part stays a str, as CPython's field_name_split leaves it.
    let first = if first_part.is_empty() {
        pystr::new("")
    } else {
        name_obj(first_part).map_err(value_error)?
    };
    let mut items = Vec::new();
    let mut error = None;
    let mut i = first_end;
    while i < chars.len() {
        let c = chars[i];
        i += 1;
        let (is_attr, part) = match c {
            '.' => {
                let start = i;
                while i < chars.len() && chars[i] != '.' && chars[i] != '[' {
                    i += 1;
                }
                (true, &chars[start..i])
            }
            '[' => {
                let start = i;
                while i < chars.len() && chars[i] != ']' {
                    i += 1;
                }
                if i >= chars.len() {
                    error = Some("Missing ']' in format string");
                    break;
                }
                i += 1;
                (false, &chars[start..i - 1])
            }
            _ => {
                error = Some("Only '.' or '[' may follow ']' in format field specifier");
                break;
            }
        };
        let key = if is_attr {
            Ok(pystr::from_string(part.iter().collect()))
        } else {
            name_obj(part)
        };
        let key = match key {
            Ok(k) => k,
            Err(e) => {
                error = Some(e);
                break;
            }
        };
        if part.is_empty() {
            error = Some("Empty attribute in format string");
            break;
        }
        items.push(tuple::pair(int::bool_obj(is_attr), key));
    }
    let rest = new_iter(&FIELDNAME_ITER_TYPE, items, error.map(str::to_string));
    Ok(tuple::pair(first, rest))
}

/// The `_string` module.
pub fn make_module() -> PyObj {
    static READY: std::sync::Once = std::sync::Once::new();
    READY.call_once(|| {
        let object = &strand_objects::baseobject::OBJECT_TYPE;
        FORMATTER_ITER_TYPE.ready_static(Some(object), &[], &[]);
        FIELDNAME_ITER_TYPE.ready_static(Some(object), &[], &[]);
    });
    let m = module::new_native_module("_string");
    add_functions(
        &m,
        "_string",
        &[
            ("formatter_parser", formatter_parser),
            ("formatter_field_name_split", formatter_field_name_split),
        ],
    );
    m
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decimal_digits_of_other_scripts() {
        assert_eq!(decimal_value('7'), Some(7));
        assert_eq!(decimal_value('\u{663}'), Some(3));
        assert_eq!(decimal_value('a'), None);
        assert_eq!(decimal_value('\u{1d7d9}'), Some(1));
    }

    #[test]
    fn markup_splits_literals_and_fields() {
        let (items, err) = parse_markup("a{0!r:>5}b{{");
        assert_eq!(err, None);
        assert_eq!(items.len(), 2);
        assert_eq!(items[0].field, Some(("0".into(), ">5".into(), Some('r'))));
        assert_eq!(items[1].literal, "b{");
        assert_eq!(
            parse_markup("{0").1,
            Some("expected '}' before end of string")
        );
    }
}
