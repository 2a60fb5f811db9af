//! The calling thread's Python traceback written from a fatal-signal handler
//! (`faulthandler.enable`), CPython's `_Py_DumpTraceback` in spirit: only `write(2)`
//! and reads of the thread's own frame chain, no allocation, no locks.
//!
//! This is as safe as CPython's own dump and no safer: a signal that arrives while
//! this thread is linking or unlinking a frame may see the chain mid-change. Other
//! threads' chains are not read (they may be changing under us), so the dump covers
//! the thread the signal was delivered to only. On a thread that never ran Python
//! code, the first touch of the frame-chain thread-local may allocate; the dump is
//! skipped on threads not attached to the runtime to avoid that.

use crate::frame::{with_top, Frame};

/// The most frames written (CPython's `MAX_FRAME_DEPTH`).
const MAX_FRAME_DEPTH: usize = 100;
/// The longest name written (CPython's `MAX_STRING_LENGTH`); longer ones end "...".
const MAX_STRING_LENGTH: usize = 500;

fn write_all(fd: i32, bytes: &[u8]) {
    let mut rest = bytes;
    while !rest.is_empty() {
        // SAFETY: `rest` is a valid buffer of `rest.len()` bytes.
        let n = unsafe { libc::write(fd, rest.as_ptr().cast(), rest.len()) };
        if n <= 0 {
            return;
        }
        rest = &rest[n as usize..];
    }
}

/// `v` in decimal, without allocating.
fn write_decimal(fd: i32, mut v: u64) {
    let mut buf = [0u8; 20];
    let mut i = buf.len();
    loop {
        i -= 1;
        buf[i] = b'0' + (v % 10) as u8;
        v /= 10;
        if v == 0 {
            break;
        }
    }
    write_all(fd, &buf[i..]);
}

/// `s` as CPython's `_Py_DumpASCII` writes it (printable ASCII as is, other
/// characters escaped), cut at 500 characters, without allocating.
fn write_ascii(fd: i32, s: &str) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    for (n, c) in s.chars().enumerate() {
        if n == MAX_STRING_LENGTH {
            write_all(fd, b"...");
            return;
        }
        let v = c as u32;
        if (0x20..0x7f).contains(&v) {
            write_all(fd, &[v as u8]);
            continue;
        }
        let (prefix, digits): (&[u8], u32) = if v < 0x100 {
            (b"\\x", 2)
        } else if v < 0x10000 {
            (b"\\u", 4)
        } else {
            (b"\\U", 8)
        };
        write_all(fd, prefix);
        let mut buf = [0u8; 8];
        for (i, slot) in buf[..digits as usize].iter_mut().enumerate() {
            let shift = 4 * (digits - 1 - i as u32);
            *slot = HEX[((v >> shift) & 0xf) as usize];
        }
        write_all(fd, &buf[..digits as usize]);
    }
}

fn write_frame(fd: i32, frame: &Frame) {
    let code = &frame.data().code;
    write_all(fd, b"  File \"");
    write_ascii(fd, &code.filename);
    write_all(fd, b"\", line ");
    match code.lines.line_of(frame.last_pc()) {
        Some(line) => write_decimal(fd, u64::from(line)),
        None => write_all(fd, b"???"),
    }
    write_all(fd, b" in ");
    write_ascii(fd, &code.name);
    write_all(fd, b"\n");
}

/// Writes the calling thread's frames to `fd`, innermost first, in CPython's
/// faulthandler format (`  File "f.py", line 3 in func`), at most 100 of them (then
/// `  ...`); `  <no Python frame>` when it runs none. For signal handlers: see the
/// module docs for what makes this (only) as safe as CPython's dump.
pub fn write_current_thread(fd: i32) {
    if strand_heap::current_thread_id().is_none() {
        write_all(fd, b"  <no Python frame>\n");
        return;
    }
    let wrote = with_top(|top| {
        let mut f: *const Frame = top;
        let mut depth = 0;
        while !f.is_null() {
            if depth >= MAX_FRAME_DEPTH {
                write_all(fd, b"  ...\n");
                break;
            }
            // SAFETY: linked frames are alive while this thread (interrupted by the
            // signal, so not running them) keeps them linked.
            let frame = unsafe { &*f };
            write_frame(fd, frame);
            depth += 1;
            f = frame.previous();
        }
    });
    if wrote.is_none() {
        write_all(fd, b"  <no Python frame>\n");
    }
}
