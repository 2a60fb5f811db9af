//! Documentation of native callables and builtin types: `__doc__` and
//! `__text_signature__`.
//!
//! Each documented native object has an *internal doc*, a `&'static str` in
//! CPython's layout: `"name(signature)\n--\n\nbody"`, where the first part is the
//! text signature that `inspect.signature` parses (`$self`, `$type` and `$module`
//! name the bound first parameter) and the body is what `__doc__` returns. An
//! internal doc without that prefix (`"getattr(object, name[, default]) -> value\n\n…"`)
//! has no text signature and is `__doc__` whole. [`doc_body`] and [`text_signature`]
//! split it exactly as CPython's `_PyType_GetDocFromInternalDoc` and
//! `_PyType_GetTextSignatureFromInternalDoc` do (Objects/typeobject.c).
//!
//! The docs live in static tables keyed by the owner's name (a type's `tp_name`, a
//! module's name, or a slot's dunder name) and are looked up only when an object's
//! `__doc__`/`__text_signature__` is read, except for a builtin type's own doc,
//! which [`crate::typeobj::PyType::ready_static`] stores in the type's dict as
//! CPython's `type_ready` does. Signatures are CPython 3.11's (they are API);
//! the bodies are strand's own wording.

mod builtins;
mod exceptions;
mod getsets;
mod methods;
mod modules;
mod slots;
mod stdlib;
mod types;

/// The marker that ends a text signature: its closing parenthesis, then a line
/// holding `--` and an empty line (CPython's `SIGNATURE_END_MARKER`).
const SIGNATURE_END_MARKER: &str = ")\n--\n\n";

/// Where the signature of `doc` starts (at its `(`), if `doc` begins with `name`
/// (its last dotted component) directly followed by `(` (CPython's `find_signature`).
fn find_signature<'a>(name: &str, doc: &'a str) -> Option<&'a str> {
    let name = name.rsplit('.').next().unwrap_or(name);
    let rest = doc.strip_prefix(name)?;
    rest.starts_with('(').then_some(rest)
}

/// The byte offset just past the end marker in `sig` (which starts at the `(`), or
/// `None` if an empty line or the end of the text comes first (CPython's
/// `skip_signature`).
fn skip_signature(sig: &str) -> Option<usize> {
    let bytes = sig.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i..].starts_with(SIGNATURE_END_MARKER.as_bytes()) {
            return Some(i + SIGNATURE_END_MARKER.len());
        }
        if bytes[i] == b'\n' && bytes.get(i + 1) == Some(&b'\n') {
            return None;
        }
        i += 1;
    }
    None
}

/// The text of `__doc__` for an object named `name` with internal doc `doc`: what
/// follows a valid signature, or all of `doc` when it has none; `None` when that
/// is empty.
pub fn doc_body<'a>(name: &str, doc: &'a str) -> Option<&'a str> {
    let body = find_signature(name, doc)
        .and_then(|sig| skip_signature(sig).map(|end| &sig[end..]))
        .unwrap_or(doc);
    (!body.is_empty()).then_some(body)
}

/// The `__text_signature__` for an object named `name` with internal doc `doc`:
/// the parenthesized signature, or `None` when `doc` does not begin with a valid one.
pub fn text_signature<'a>(name: &str, doc: &'a str) -> Option<&'a str> {
    let sig = find_signature(name, doc)?;
    let end = skip_signature(sig)?;
    // Keep the closing parenthesis, drop "\n--\n\n".
    Some(&sig[..end - (SIGNATURE_END_MARKER.len() - 1)])
}

/// `doc_body` as a Python object (`None` when there is none).
pub fn doc_object(name: &str, doc: Option<&str>) -> crate::object::PyObj {
    match doc.and_then(|d| doc_body(name, d)) {
        Some(body) => crate::str::new(body),
        None => crate::singletons::none(),
    }
}

/// `text_signature` as a Python object (`None` when there is none).
pub fn text_signature_object(name: &str, doc: Option<&str>) -> crate::object::PyObj {
    match doc.and_then(|d| text_signature(name, d)) {
        Some(sig) => crate::str::new(sig),
        None => crate::singletons::none(),
    }
}

/// The internal doc of the function `name` of the native module `module`.
pub fn module_function_doc(module: &str, name: &str) -> Option<&'static str> {
    match module {
        "builtins" => builtins::function_doc(name),
        // `builtins.open` is `io.open`, whose `__module__` is "io".
        "io" | "_io" if name == "open" => builtins::function_doc(name),
        _ => stdlib::function_doc(module, name),
    }
}

/// The doc of the native module `name` (no signature: it is `__doc__` whole).
pub fn module_doc(name: &str) -> Option<&'static str> {
    modules::module_doc(name)
}

/// The internal doc of the builtin type whose `tp_name` is `tp_name`.
pub fn type_doc(tp_name: &str) -> Option<&'static str> {
    types::type_doc(tp_name)
        .or_else(|| exceptions::exception_doc(tp_name))
        .or_else(|| stdlib::type_doc(tp_name))
}

/// The internal doc of method `name` defined natively by the type `tp_name`.
///
/// A dunder method with no entry of its own that implements a slot (strand
/// defines some as plain methods where CPython has slot wrappers: `int.__index__`,
/// `property.__get__`) has the slot's doc.
pub fn method_doc(tp_name: &str, name: &str) -> Option<&'static str> {
    methods::method_doc(tp_name, name)
        .or_else(|| stdlib::method_doc(tp_name, name))
        .or_else(|| {
            if name.starts_with("__") && name != "__new__" {
                slots::slot_doc(name)
            } else {
                None
            }
        })
}

/// The doc of the data descriptor `name` (a `getset_descriptor`) that the type
/// `tp_name` defines. `heap` says whether that type is a class made by a class
/// statement or `type()`: its `__dict__` and `__weakref__` descriptors have the
/// docs CPython gives every such class; the other descriptors are looked up in a
/// table of builtin and standard library types.
pub fn getset_doc(tp_name: &str, name: &str, heap: bool) -> Option<&'static str> {
    match name {
        "__dict__" if heap => Some(getsets::INSTANCE_DICT),
        "__weakref__" if heap => Some(getsets::INSTANCE_WEAKREF),
        _ => getsets::getset_doc(tp_name, name),
    }
}

/// The internal doc of the slot wrapper `name` (`__add__`, `__init__`, `__new__`),
/// the same for every type that has one, as CPython's `slotdefs` table gives it.
pub fn slot_doc(name: &str) -> Option<&'static str> {
    slots::slot_doc(name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_a_signature_and_body() {
        let d = "len($module, obj, /)\n--\n\nHow many items obj holds.";
        assert_eq!(text_signature("len", d), Some("($module, obj, /)"));
        assert_eq!(doc_body("len", d), Some("How many items obj holds."));
    }

    #[test]
    fn dotted_type_names_use_their_last_part() {
        let d = "TextIOWrapper(buffer)\n--\n\nText over a buffer.";
        assert_eq!(text_signature("_io.TextIOWrapper", d), Some("(buffer)"));
    }

    #[test]
    fn no_signature_without_the_name_or_marker() {
        let d = "getattr(object, name[, default]) -> value\n\nFetch an attribute.";
        assert_eq!(text_signature("getattr", d), None);
        assert_eq!(doc_body("getattr", d), Some(d));
        // Another name: the whole text is the doc.
        let d2 = "len($module, obj, /)\n--\n\nx";
        assert_eq!(text_signature("size", d2), None);
        assert_eq!(doc_body("size", d2), Some(d2));
        // An empty line before the marker ends the search.
        let d3 = "f(a,\n\nb)\n--\n\nbody";
        assert_eq!(text_signature("f", d3), None);
        assert_eq!(doc_body("f", d3), Some(d3));
    }

    #[test]
    fn an_empty_body_is_no_doc() {
        let d = "__getnewargs__($self, /)\n--\n\n";
        assert_eq!(text_signature("__getnewargs__", d), Some("($self, /)"));
        assert_eq!(doc_body("__getnewargs__", d), None);
    }

    #[test]
    fn multi_line_signatures_are_kept_whole() {
        let d = "open($module, /, file,\n     mode='r')\n--\n\nOpen a file.";
        assert_eq!(
            text_signature("open", d),
            Some("($module, /, file,\n     mode='r')")
        );
    }
}
