//! Docs of the methods of builtin types.

/// The internal doc of method `name` of the type `tp_name`.
pub(super) fn method_doc(tp_name: &str, name: &str) -> Option<&'static str> {
    let _ = (tp_name, name);
    None
}
