//! Docs of slot wrappers.

/// The internal doc of slot wrapper `name`.
pub(super) fn slot_doc(name: &str) -> Option<&'static str> {
    let _ = name;
    None
}
