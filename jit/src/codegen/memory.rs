//! Executable memory for compiled traces, one block per trace, freed with it.
//!
//! A block is mapped writable, filled, then made read+execute before anyone may run
//! it (W^X: no page is ever writable and executable at once). Blocks are whole pages,
//! so making one block executable never changes the protection of code another
//! thread is running; unmapping a block on free likewise touches no other trace.
//! (Cranelift's JIT module can only free all of its code at once, which does not fit
//! executors that the collector frees one by one.)

use std::ptr::NonNull;

/// A block of executable memory holding one trace's machine code.
pub struct CodeBlock {
    ptr: NonNull<u8>,
    /// Mapped bytes (whole pages).
    mapped: usize,
    /// Bytes of code.
    len: usize,
}

// SAFETY: the block is immutable once made executable; unmapping happens in `drop`,
// when no thread can run it any more (its executor is being freed).
unsafe impl Send for CodeBlock {}
// SAFETY: as above: shared references only read or execute it.
unsafe impl Sync for CodeBlock {}

fn page_size() -> usize {
    // SAFETY: sysconf has no preconditions.
    let p = unsafe { libc::sysconf(libc::_SC_PAGESIZE) };
    usize::try_from(p).unwrap_or(4096).max(4096)
}

impl CodeBlock {
    /// Copies `code` into fresh executable memory.
    ///
    /// # Errors
    /// The OS error when mapping or protecting the memory fails.
    pub fn new(code: &[u8]) -> std::io::Result<CodeBlock> {
        let page = page_size();
        let mapped = code.len().max(1).next_multiple_of(page);
        // SAFETY: an anonymous private mapping with no address hint; checked below.
        let p = unsafe {
            libc::mmap(
                std::ptr::null_mut(),
                mapped,
                libc::PROT_READ | libc::PROT_WRITE,
                libc::MAP_PRIVATE | libc::MAP_ANONYMOUS,
                -1,
                0,
            )
        };
        if p == libc::MAP_FAILED {
            return Err(std::io::Error::last_os_error());
        }
        let ptr = NonNull::new(p.cast::<u8>()).ok_or_else(std::io::Error::last_os_error)?;
        // SAFETY: the mapping is `mapped >= code.len()` bytes, writable, and fresh.
        unsafe { std::ptr::copy_nonoverlapping(code.as_ptr(), ptr.as_ptr(), code.len()) };
        // SAFETY: the whole mapping; no one can run it before this returns.
        let r = unsafe { libc::mprotect(p, mapped, libc::PROT_READ | libc::PROT_EXEC) };
        if r != 0 {
            let e = std::io::Error::last_os_error();
            // SAFETY: our own mapping.
            unsafe { libc::munmap(p, mapped) };
            return Err(e);
        }
        Ok(CodeBlock {
            ptr,
            mapped,
            len: code.len(),
        })
    }

    /// The address of the first instruction.
    pub fn entry(&self) -> *const u8 {
        self.ptr.as_ptr()
    }

    /// Bytes of machine code.
    pub fn len(&self) -> usize {
        self.len
    }

    /// Whether the block holds no code.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Bytes of memory the block takes (whole pages).
    pub fn mapped(&self) -> usize {
        self.mapped
    }
}

impl Drop for CodeBlock {
    fn drop(&mut self) {
        // SAFETY: our own mapping, which no one runs any more (see `Send`).
        unsafe { libc::munmap(self.ptr.as_ptr().cast(), self.mapped) };
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    #[cfg(target_arch = "x86_64")]
    fn copied_code_runs() {
        // mov eax, 42; ret
        let block = CodeBlock::new(&[0xb8, 42, 0, 0, 0, 0xc3]).expect("mapped");
        // SAFETY: the block holds a complete function of that signature.
        let f: extern "C" fn() -> u32 = unsafe { std::mem::transmute(block.entry()) };
        assert_eq!(f(), 42);
        assert_eq!(block.len(), 6);
        assert!(block.mapped() >= 4096);
    }
}
