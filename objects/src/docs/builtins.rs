//! Docs of the `builtins` module's functions.

/// The internal doc of `builtins.<name>`.
pub(super) fn function_doc(name: &str) -> Option<&'static str> {
    let _ = name;
    None
}
