//! The C library's user and group databases, as `pwd` and `grp` read them: one
//! record by a reentrant lookup (`getpwuid_r`, `getgrnam_r`, ...) with a buffer that
//! grows on `ERANGE`, or every record by a walk (`setpwent`/`getpwent`/`endpwent`),
//! which is not reentrant and so runs under one process-wide lock. Both run detached:
//! lookups may reach name services over the network.

use std::sync::Mutex;

use crate::modsupport;

/// A C record type the lookups fill.
///
/// # Safety
/// All-zero bytes are a valid value of the type (plain old data).
pub(crate) unsafe trait Record: Sized {}

// SAFETY: C structs of pointers and integers.
unsafe impl Record for libc::passwd {}
// SAFETY: as above.
unsafe impl Record for libc::group {}

/// The largest buffer a lookup grows to.
const MAX_BUFFER: usize = 1 << 24;

/// Runs the reentrant lookup `call(record, buffer, result)` (a `get*_r` function),
/// growing the buffer while it answers `ERANGE`, and converts the record it found
/// with `convert` (while the buffer its strings point into is alive). `None` when
/// there is no such record or the lookup failed.
pub(crate) fn lookup<T: Record, E>(
    call: impl Fn(&mut T, &mut [libc::c_char], &mut *mut T) -> libc::c_int,
    convert: impl Fn(&T) -> E,
) -> Option<E> {
    strand_heap::with_detached(|| {
        let mut size = 1024usize;
        loop {
            let mut buf = vec![0 as libc::c_char; size];
            // SAFETY: `T: Record`: all zero is a valid value before the call fills it.
            let mut rec: T = unsafe { std::mem::zeroed() };
            let mut result: *mut T = std::ptr::null_mut();
            let rc = call(&mut rec, &mut buf, &mut result);
            if rc == libc::ERANGE && size < MAX_BUFFER {
                size *= 2;
                continue;
            }
            return (rc == 0 && !result.is_null()).then(|| convert(&rec));
        }
    })
}

/// Serializes the walks (the `*ent` functions keep one cursor per process).
static WALK_LOCK: Mutex<()> = Mutex::new(());

/// Every record of a database, converted with `convert`: `set` rewinds, `next`
/// returns the next record (null at the end; valid until the next call), `end`
/// closes.
pub(crate) fn walk<T, E>(
    set: unsafe extern "C" fn(),
    next: unsafe extern "C" fn() -> *mut T,
    end: unsafe extern "C" fn(),
    convert: impl Fn(&T) -> E,
) -> Vec<E> {
    let _g = modsupport::lock(&WALK_LOCK);
    strand_heap::with_detached(|| {
        let mut v = Vec::new();
        // SAFETY: the `*ent` functions are serialized by WALK_LOCK; each record is
        // converted before the next call overwrites it.
        unsafe {
            set();
            loop {
                let p = next();
                if p.is_null() {
                    break;
                }
                v.push(convert(&*p));
            }
            end();
        }
        v
    })
}
