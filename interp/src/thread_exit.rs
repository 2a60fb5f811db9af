//! Per-thread state released when a Python thread ends (the parts of CPython's
//! `PyThreadState_Clear` that live outside the thread state here: the async
//! generator hooks, the current `contextvars` context, ...).
//!
//! A module that keeps Python objects in a Rust `thread_local!` registers a clearing
//! function with [`register`]; the code that ends a thread (`_thread`'s thread body)
//! calls [`run`] while the thread is still attached, so that the references are
//! dropped (and any object they free deallocated) with a thread state, not by the
//! thread-local destructors after it has gone.

use std::sync::Mutex;

static HOOKS: Mutex<Vec<fn()>> = Mutex::new(Vec::new());

/// Adds `hook` to what [`run`] calls (once per function: a second registration of
/// the same function is ignored). `hook` runs on the exiting thread, attached; it may
/// run Python code (finalizers of what it drops).
pub fn register(hook: fn()) {
    let mut hooks = HOOKS.lock().unwrap_or_else(|e| e.into_inner());
    if !hooks.iter().any(|h| std::ptr::fn_addr_eq(*h, hook)) {
        hooks.push(hook);
    }
}

/// Clears the calling thread's per-thread state: calls every registered hook, in
/// registration order. Call it on an attached thread that runs no more Python code.
pub fn run() {
    let hooks = HOOKS.lock().unwrap_or_else(|e| e.into_inner()).clone();
    crate::asyncgen::clear_thread_hooks();
    for hook in hooks {
        hook();
    }
}
