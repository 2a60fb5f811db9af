//! Per-thread freelists: bounded stacks of recently freed object blocks per heap kind
//! and size class, so that allocation-heavy loops (floats, small tuples) rarely
//! reach the allocator.
//!
//! A freelisted block stays allocated from mimalloc's point of view; its `ob_type` is
//! null, which is how a heap walk tells it from a live object. The list is intrusive:
//! the link lives in the block's first word (where `ob_tid` was). Objects published to
//! lock-free readers ([`crate::ObFlags::SHARED`]) never enter a freelist: their memory
//! waits out a QSBR grace period instead.

use crate::header::HeapKind;
use crate::stats::{FREELIST_CLASSES, FREELIST_KINDS};

/// Width of a size class in bytes.
pub const FREELIST_CLASS_BYTES: usize = 16;
/// Largest object size (bytes, header included) served by freelists.
pub const FREELIST_MAX_SIZE: usize = FREELIST_CLASSES * FREELIST_CLASS_BYTES;
/// Blocks kept per (kind, class) list unless changed with
/// [`crate::ThreadState::set_freelist_limit`].
pub const DEFAULT_FREELIST_LIMIT: u32 = 256;

/// The size class of an allocation of `size` bytes, if freelists serve it.
#[inline]
pub(crate) fn size_class(size: usize) -> Option<usize> {
    if size == 0 || size > FREELIST_MAX_SIZE {
        None
    } else {
        Some((size - 1) / FREELIST_CLASS_BYTES)
    }
}

/// The block size allocated for class `class` (so that any size in it fits).
#[inline]
pub(crate) fn class_size(class: usize) -> usize {
    (class + 1) * FREELIST_CLASS_BYTES
}

struct FreeList {
    head: *mut u8,
    len: u32,
    limit: u32,
}

impl Default for FreeList {
    fn default() -> Self {
        FreeList {
            head: std::ptr::null_mut(),
            len: 0,
            limit: DEFAULT_FREELIST_LIMIT,
        }
    }
}

/// One thread's freelists.
#[derive(Default)]
pub(crate) struct FreeLists {
    lists: [[FreeList; FREELIST_CLASSES]; FREELIST_KINDS],
}

impl FreeLists {
    /// Pops a block of class `class` for `kind`.
    #[inline]
    pub(crate) fn pop(&mut self, kind: HeapKind, class: usize) -> Option<*mut u8> {
        let list = &mut self.lists[kind as usize][class];
        let block = list.head;
        if block.is_null() {
            return None;
        }
        // SAFETY: every block on the list is a live mimalloc block of at least
        // class_size(class) bytes whose first word holds the next link (push wrote it).
        list.head = unsafe { *(block as *mut *mut u8) };
        list.len -= 1;
        Some(block)
    }

    /// Pushes `block` (of class `class`); `false` if the list is full.
    #[inline]
    pub(crate) fn push(&mut self, kind: HeapKind, class: usize, block: *mut u8) -> bool {
        let list = &mut self.lists[kind as usize][class];
        if list.len >= list.limit {
            return false;
        }
        // SAFETY: the caller gives up `block`, an allocated block of at least one word
        // that no one else references, so its first word is ours to overwrite.
        unsafe { *(block as *mut *mut u8) = list.head };
        list.head = block;
        list.len += 1;
        true
    }

    /// Sets every list's bound, releasing blocks above it.
    pub(crate) fn set_limit(&mut self, limit: u32) {
        for kind in 0..FREELIST_KINDS {
            for class in 0..FREELIST_CLASSES {
                self.lists[kind][class].limit = limit;
                while self.lists[kind][class].len > limit {
                    let block = self.pop(HeapKind::ALL[kind], class).expect("len > 0");
                    // SAFETY: the block came from mimalloc and is referenced by no one.
                    unsafe { libmimalloc_sys::mi_free(block.cast()) };
                }
            }
        }
    }

    /// Blocks currently held, per kind.
    pub(crate) fn held(&self, kind: HeapKind) -> usize {
        self.lists[kind as usize]
            .iter()
            .map(|l| l.len as usize)
            .sum()
    }

    /// Returns every block to mimalloc (thread exit).
    pub(crate) fn release_all(&mut self) {
        self.set_limit(0);
    }
}
