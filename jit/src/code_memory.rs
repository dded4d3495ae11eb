//! Executable memory under W^X: code is written while the pages are
//! read-write, then published read+execute. No page is ever writable and
//! executable at once.

use std::io;
use std::ptr::NonNull;

/// A published, immutable block of machine code.
pub struct CodeMemory {
    ptr: NonNull<u8>,
    len: usize,
    mapped: usize,
}

// SAFETY: the mapping is immutable (read+execute) once published, so sharing
// it across threads is sharing read-only memory.
unsafe impl Send for CodeMemory {}
// SAFETY: as above.
unsafe impl Sync for CodeMemory {}

fn page_size() -> usize {
    // SAFETY: sysconf has no preconditions.
    let size = unsafe { libc::sysconf(libc::_SC_PAGESIZE) };
    if size <= 0 {
        4096
    } else {
        size as usize
    }
}

impl CodeMemory {
    /// Maps fresh pages read-write, copies `code` in, and flips them to
    /// read+execute.
    pub fn publish(code: &[u8]) -> io::Result<CodeMemory> {
        let page = page_size();
        let mapped = code.len().max(1).div_ceil(page) * page;
        // SAFETY: a fresh private anonymous mapping; the kernel picks the address.
        let ptr = unsafe {
            libc::mmap(
                std::ptr::null_mut(),
                mapped,
                libc::PROT_READ | libc::PROT_WRITE,
                libc::MAP_PRIVATE | libc::MAP_ANONYMOUS,
                -1,
                0,
            )
        };
        if ptr == libc::MAP_FAILED {
            return Err(io::Error::last_os_error());
        }
        let ptr = ptr.cast::<u8>();
        // SAFETY: the mapping is `mapped >= code.len()` bytes and writable.
        unsafe { std::ptr::copy_nonoverlapping(code.as_ptr(), ptr, code.len()) };
        // SAFETY: the pages were mapped above; from now on they are never writable.
        let rc = unsafe { libc::mprotect(ptr.cast(), mapped, libc::PROT_READ | libc::PROT_EXEC) };
        if rc != 0 {
            let err = io::Error::last_os_error();
            // SAFETY: unmapping the mapping made above.
            unsafe { libc::munmap(ptr.cast(), mapped) };
            return Err(err);
        }
        flush_icache(ptr, code.len());
        Ok(CodeMemory {
            // SAFETY: mmap never returns null on success.
            ptr: unsafe { NonNull::new_unchecked(ptr) },
            len: code.len(),
            mapped,
        })
    }

    /// Address of the first byte.
    pub fn as_ptr(&self) -> *const u8 {
        self.ptr.as_ptr()
    }

    /// Length of the code in bytes.
    pub fn len(&self) -> usize {
        self.len
    }

    /// Whether the block holds no code.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Whether `pc` points into this code.
    pub fn contains(&self, pc: usize) -> bool {
        let start = self.ptr.as_ptr() as usize;
        pc >= start && pc < start + self.len
    }
}

impl Drop for CodeMemory {
    fn drop(&mut self) {
        // SAFETY: unmapping exactly the mapping made in `publish`.
        unsafe {
            libc::munmap(self.ptr.as_ptr().cast(), self.mapped);
        }
    }
}

impl std::fmt::Debug for CodeMemory {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CodeMemory")
            .field("ptr", &self.ptr)
            .field("len", &self.len)
            .finish()
    }
}

/// x86_64 keeps instruction fetch coherent with data writes; aarch64 does not.
#[cfg(target_arch = "aarch64")]
fn flush_icache(ptr: *mut u8, len: usize) {
    // SAFETY: the range was just written and is mapped.
    unsafe {
        extern "C" {
            fn __clear_cache(start: *mut libc::c_char, end: *mut libc::c_char);
        }
        __clear_cache(ptr.cast(), ptr.add(len).cast());
    }
}

#[cfg(not(target_arch = "aarch64"))]
fn flush_icache(_ptr: *mut u8, _len: usize) {}
