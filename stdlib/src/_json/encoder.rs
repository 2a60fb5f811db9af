//! `_json.make_encoder` (`_json.Encoder`, CPython 3.11's `encoder_listencode_obj`
//! and its helpers in Modules/_json.c): made from the settings of a `JSONEncoder`
//! (`markers, default, encoder, indent, key_separator, item_separator, sort_keys,
//! skipkeys, allow_nan`), called as `encoder(obj, _current_indent_level)` it returns
//! a list holding the whole JSON text of `obj` as one str.
//!
//! `None`, bools, strs, ints, floats, lists, tuples and dicts (subclasses included)
//! are encoded directly; anything else goes through `default`. With a `markers`
//! dict, each container and each object handed to `default` is entered under its
//! `id` while it is being encoded, and meeting it again is `ValueError: Circular
//! reference detected`. As in CPython, `indent` is kept but not applied (`json`
//! uses this encoder only without indentation).

use strand_heap::{HeapKind, ObjPtr};
use strand_objects::abstract_ as ab;
use strand_objects::args::Args;
use strand_objects::descr::GetSetDef;
use strand_objects::exceptions::{self as exc, type_error, value_error};
use strand_objects::typeobj::{PyType, Slots, TypeFlags};
use strand_objects::{
    dict, float, int, list, singletons, str as pystr, tuple, PyErr, PyObj, PyResult,
};

use crate::modsupport::{fields_clear, fields_dealloc, fields_traverse, FieldRefs, FieldsObject};

/// What an encoder was made with.
pub struct EncoderFields {
    /// The dict of the ids of the objects being encoded, or `None`.
    markers: PyObj,
    default: PyObj,
    encoder: PyObj,
    indent: PyObj,
    key_separator: PyObj,
    item_separator: PyObj,
    sort_keys: bool,
    skipkeys: bool,
    allow_nan: bool,
    /// `encoder` is this module's `encode_basestring_ascii` (`Some(true)`) or
    /// `encode_basestring` (`Some(false)`): strings are escaped in place.
    fast_escape: Option<bool>,
}

impl FieldRefs for EncoderFields {
    fn visit_refs(&self, visit: &mut dyn FnMut(ObjPtr)) {
        for o in [
            &self.markers,
            &self.default,
            &self.encoder,
            &self.indent,
            &self.key_separator,
            &self.item_separator,
        ] {
            visit(o.as_ptr());
        }
    }
}

/// The layout of `_json.Encoder`.
pub type PyEncoder = FieldsObject<EncoderFields>;

strand_objects::builtin_type! {
    /// `_json.Encoder` (the module's `make_encoder`): not subclassable, as in
    /// CPython.
    pub static ENCODER_TYPE = {
        name: "_json.Encoder",
        layout: PyEncoder,
        itemsize: 0,
        kind: HeapKind::Gc,
        flags: TypeFlags::empty(),
        traverse: Some(fields_traverse::<EncoderFields>),
        clear: Some(fields_clear::<EncoderFields>),
        dealloc: fields_dealloc::<EncoderFields>,
        size: None,
        slots: Slots {
            new: Some(encoder_new),
            call: Some(encoder_call),
            ..Slots::EMPTY
        },
    }
}

/// The argument names of `make_encoder`, in order.
const ENCODER_ARGS: [&str; 9] = [
    "markers",
    "default",
    "encoder",
    "indent",
    "key_separator",
    "item_separator",
    "sort_keys",
    "skipkeys",
    "allow_nan",
];

/// `make_encoder(...)`, parsed as CPython's `"OOOOUUppp"`: the separators must be
/// strs, the three flags are converted with `bool()` in order, then `markers` must
/// be a dict or `None`.
fn encoder_new(cls: &PyObj, a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    let ty: &PyType = strand_objects::typeobj::expect_type(cls, "make_encoder.__new__(X)")?;
    let b = Args::new(a, k).bind("make_encoder", 0, &ENCODER_ARGS, 9)?;
    let arg = |i: usize| b[i].expect("required").clone();
    for i in [4, 5] {
        if !pystr::is_str(&arg(i)) {
            return Err(type_error(format!(
                "make_encoder() argument {} must be str, not {}",
                i + 1,
                arg(i).ty().name()
            )));
        }
    }
    let sort_keys = ab::is_true(&arg(6))?;
    let skipkeys = ab::is_true(&arg(7))?;
    let allow_nan = ab::is_true(&arg(8))?;
    let markers = arg(0);
    if !singletons::is_none(&markers) && !dict::is_dict(&markers) {
        return Err(type_error(format!(
            "make_encoder() argument 1 must be dict or None, not {}",
            markers.ty().name()
        )));
    }
    let encoder = arg(2);
    let fields = EncoderFields {
        markers,
        default: arg(1),
        fast_escape: super::fast_escape_kind(&encoder),
        encoder,
        indent: arg(3),
        key_separator: arg(4),
        item_separator: arg(5),
        sort_keys,
        skipkeys,
        allow_nan,
    };
    Ok(FieldsObject::new_instance(ty, fields))
}

fn encoder_fields(o: &PyObj) -> PyResult<&EncoderFields> {
    if !o.is_exact(&ENCODER_TYPE) {
        return Err(type_error(format!(
            "descriptor requires a '_json.Encoder' object but received a '{}'",
            o.ty().name()
        )));
    }
    // SAFETY: checked to be an Encoder (the type has no subclasses).
    let e = unsafe { o.payload_unchecked::<PyEncoder>() };
    e.fields
        .get()
        .ok_or_else(|| exc::runtime_error("encoder used after it was cleared"))
}

/// `encoder(obj, _current_indent_level)` (CPython's `encoder_call`,
/// `"On:_iterencode"`): `[text]`.
fn encoder_call(o: &PyObj, a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    let b = Args::new(a, k).bind("_iterencode", 0, &["obj", "_current_indent_level"], 2)?;
    let obj = b[0].expect("required");
    // The level is checked as CPython's `n` format does; without applied
    // indentation the text does not depend on it.
    int::to_isize(&ab::index(b[1].expect("required"))?)?;
    let f = encoder_fields(o)?;
    let mut enc = Enc {
        f,
        out: String::new(),
        key_sep: pystr::as_str(&f.key_separator),
        item_sep: pystr::as_str(&f.item_separator),
    };
    enc.obj(obj)?;
    Ok(list::new(vec![pystr::from_string(enc.out)]))
}

/// A read-only member of the encoder.
fn member(name: &'static str, get: fn(&PyObj) -> PyResult<PyObj>) -> GetSetDef {
    GetSetDef::new(
        name,
        get,
        Some(|_, _| Err(exc::attribute_error("readonly attribute"))),
    )
}

/// Readies the type (its members and doc).
pub(super) fn ready() {
    static READY: std::sync::Once = std::sync::Once::new();
    READY.call_once(|| {
        ENCODER_TYPE.ready_static(
            Some(&strand_objects::baseobject::OBJECT_TYPE),
            &[],
            &[
                member("markers", |o| Ok(encoder_fields(o)?.markers.clone())),
                member("default", |o| Ok(encoder_fields(o)?.default.clone())),
                member("encoder", |o| Ok(encoder_fields(o)?.encoder.clone())),
                member("indent", |o| Ok(encoder_fields(o)?.indent.clone())),
                member("key_separator", |o| {
                    Ok(encoder_fields(o)?.key_separator.clone())
                }),
                member("item_separator", |o| {
                    Ok(encoder_fields(o)?.item_separator.clone())
                }),
                member("sort_keys", |o| {
                    Ok(singletons::bool_obj(encoder_fields(o)?.sort_keys))
                }),
                member("skipkeys", |o| {
                    Ok(singletons::bool_obj(encoder_fields(o)?.skipkeys))
                }),
            ],
        );
        dict::set_item_str(
            ENCODER_TYPE.dict(),
            "__doc__",
            pystr::new("_iterencode(obj, _current_indent_level) -> iterable"),
        );
    });
}

// ---------------------------------------------------------------------------------
// Encoding
// ---------------------------------------------------------------------------------

/// One call's state: the settings and the text written so far.
struct Enc<'a> {
    f: &'a EncoderFields,
    out: String,
    key_sep: &'a str,
    item_sep: &'a str,
}

/// Where the recursion check of containers and `default` results names the work.
const RECURSION_WHERE: &str = " while encoding a JSON object";

/// `ValueError: Circular reference detected`.
fn circular() -> PyErr {
    value_error("Circular reference detected")
}

impl Enc<'_> {
    /// Enters `o` in the markers (if there are markers): its id, for
    /// [`Enc::leave`], or the circular-reference error.
    fn enter(&self, o: &PyObj) -> PyResult<Option<PyObj>> {
        if singletons::is_none(&self.f.markers) {
            return Ok(None);
        }
        let ident = int::from_usize(o.addr());
        if dict::get_item(&self.f.markers, &ident)?.is_some() {
            return Err(circular());
        }
        dict::set_item(&self.f.markers, ident.clone(), o.clone())?;
        Ok(Some(ident))
    }

    /// Removes the marker [`Enc::enter`] made (a `KeyError` if the program removed
    /// it meanwhile, as CPython's `PyDict_DelItem`).
    fn leave(&self, ident: Option<PyObj>) -> PyResult<()> {
        if let Some(ident) = ident {
            if !dict::del_item(&self.f.markers, &ident)? {
                return Err(exc::key_error(ident));
            }
        }
        Ok(())
    }

    /// Appends the JSON string of str `s` (CPython's `encoder_encode_string`).
    fn string(&mut self, s: &PyObj) -> PyResult<()> {
        if let Some(ascii) = self.f.fast_escape {
            super::escape_into(&mut self.out, pystr::as_str(s), ascii);
            return Ok(());
        }
        let encoded = ab::call1(&self.f.encoder, s.clone())?;
        if !pystr::is_str(&encoded) {
            return Err(type_error(format!(
                "encoder() must return a string, not {}",
                encoded.ty().name()
            )));
        }
        self.out.push_str(pystr::as_str(&encoded));
        Ok(())
    }

    /// The JSON text of a float (CPython's `encoder_encode_float`).
    fn float_text(&self, o: &PyObj) -> PyResult<String> {
        let x = float::value(o);
        if x.is_finite() {
            return Ok(strand_literal::float::repr_f64(x));
        }
        if !self.f.allow_nan {
            return Err(value_error(
                "Out of range float values are not JSON compliant",
            ));
        }
        Ok(if x > 0.0 {
            "Infinity"
        } else if x < 0.0 {
            "-Infinity"
        } else {
            "NaN"
        }
        .to_string())
    }

    /// CPython's `encoder_listencode_obj`.
    fn obj(&mut self, o: &PyObj) -> PyResult<()> {
        if singletons::is_none(o) {
            self.out.push_str("null");
        } else if singletons::is_true_obj(o) {
            self.out.push_str("true");
        } else if singletons::is_false_obj(o) {
            self.out.push_str("false");
        } else if pystr::is_str(o) {
            self.string(o)?;
        } else if int::is_int(o) {
            let text = int::to_decimal_string(o)?;
            self.out.push_str(&text);
        } else if float::is_float(o) {
            let text = self.float_text(o)?;
            self.out.push_str(&text);
        } else if list::is_list(o) || tuple::is_tuple(o) {
            let _g = ab::enter_recursive_call(RECURSION_WHERE)?;
            self.list(o)?;
        } else if dict::is_dict(o) {
            let _g = ab::enter_recursive_call(RECURSION_WHERE)?;
            self.dict(o)?;
        } else {
            let ident = self.enter(o)?;
            let new = ab::call1(&self.f.default, o.clone())?;
            {
                let _g = ab::enter_recursive_call(RECURSION_WHERE)?;
                self.obj(&new)?;
            }
            self.leave(ident)?;
        }
        Ok(())
    }

    /// CPython's `encoder_listencode_list` (for lists and tuples). A list is read
    /// by index as it is encoded, so changes that `default` makes are seen.
    fn list(&mut self, seq: &PyObj) -> PyResult<()> {
        let is_list = list::is_list(seq);
        let len = |s: &PyObj| {
            if is_list {
                list::len(s)
            } else {
                tuple::items(s).len()
            }
        };
        if len(seq) == 0 {
            self.out.push_str("[]");
            return Ok(());
        }
        let ident = self.enter(seq)?;
        self.out.push('[');
        let mut i = 0;
        while i < len(seq) {
            let item = if is_list {
                match list::get(seq, i) {
                    Some(item) => item,
                    None => break,
                }
            } else {
                tuple::items(seq)[i].clone()
            };
            if i > 0 {
                self.out.push_str(self.item_sep);
            }
            self.obj(&item)?;
            i += 1;
        }
        self.leave(ident)?;
        self.out.push(']');
        Ok(())
    }

    /// `PyMapping_Items(d)` for a dict subclass: what its `items()` gives, as a
    /// list.
    fn mapping_items(d: &PyObj) -> PyResult<Vec<PyObj>> {
        let got = ab::call_method(d, "items", &[])?;
        let it = ab::iter(&got).map_err(|e| {
            if e.is_instance(&exc::TYPE_ERROR_TYPE) {
                type_error(format!(
                    "{}.items() returned a non-iterable (type {})",
                    d.ty().name(),
                    got.ty().name()
                ))
            } else {
                e
            }
        })?;
        let mut out = Vec::new();
        while let Some(x) = ab::next(&it)? {
            out.push(x);
        }
        Ok(out)
    }

    /// One `key: value` of a dict (CPython 3.11's loop body in
    /// `encoder_listencode_dict`): the key as a str (floats, bools, `None` and ints
    /// converted; others skipped with `skipkeys`, else a `TypeError`), the item
    /// separator before all but the first item written.
    fn item(&mut self, key: &PyObj, value: &PyObj, first: &mut bool) -> PyResult<()> {
        let keystr = if pystr::is_str(key) {
            key.clone()
        } else if float::is_float(key) {
            pystr::from_string(self.float_text(key)?)
        } else if singletons::is_true_obj(key) {
            pystr::intern("true")
        } else if singletons::is_false_obj(key) {
            pystr::intern("false")
        } else if singletons::is_none(key) {
            pystr::intern("null")
        } else if int::is_int(key) {
            pystr::from_string(int::to_decimal_string(key)?)
        } else if self.f.skipkeys {
            return Ok(());
        } else {
            return Err(type_error(format!(
                "keys must be str, int, float, bool or None, not {}",
                key.ty().name()
            )));
        };
        if !*first {
            self.out.push_str(self.item_sep);
        }
        *first = false;
        self.string(&keystr)?;
        self.out.push_str(self.key_sep);
        self.obj(value)
    }

    /// CPython's `encoder_listencode_dict`.
    fn dict(&mut self, d: &PyObj) -> PyResult<()> {
        if dict::len(d) == 0 {
            self.out.push_str("{}");
            return Ok(());
        }
        let ident = self.enter(d)?;
        self.out.push('{');
        let mut first = true;
        if d.is_exact(&dict::DICT_TYPE) && !self.f.sort_keys {
            // A plain dict's items as pairs (no item tuples to make or check).
            for (key, value) in dict::items(d) {
                self.item(&key, &value, &mut first)?;
            }
        } else {
            let mut items = if d.is_exact(&dict::DICT_TYPE) {
                dict::items(d)
                    .into_iter()
                    .map(|(k, v)| tuple::pair(k, v))
                    .collect()
            } else {
                Self::mapping_items(d)?
            };
            if self.f.sort_keys {
                let l = list::new(items);
                list::sort(&l, None, false)?;
                items = list::to_vec(&l);
            }
            for item in &items {
                match tuple::is_tuple(item).then(|| tuple::items(item)) {
                    Some([key, value]) => self.item(key, value, &mut first)?,
                    _ => return Err(value_error("items must return 2-tuples")),
                }
            }
        }
        self.leave(ident)?;
        self.out.push('}');
        Ok(())
    }
}
