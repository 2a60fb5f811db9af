//! Docs of builtin types.

/// The internal doc of the type `tp_name`.
pub(super) fn type_doc(tp_name: &str) -> Option<&'static str> {
    let _ = tp_name;
    None
}
