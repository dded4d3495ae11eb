//! The native stack limit wasm execution stays above.
//!
//! Every entry into wasm compares the real stack pointer with a limit set
//! when the embedder's outermost call begins: `Config::max_wasm_stack` bytes
//! below that point, but never closer to the running thread's stack end than
//! a reserve that the Rust code between two checks (interpreter frames,
//! runtime hooks, host functions, the trap handler's caller) may use.

use std::cell::Cell;

/// Stack kept free below the limit for Rust code that runs between checks.
pub(crate) const RESERVE: usize = 48 * 1024;

thread_local! {
    /// The lowest usable address of this thread's stack, once looked up.
    static STACK_LOW: Cell<Option<usize>> = const { Cell::new(None) };
}

/// The current stack pointer, approximately (the address of a local).
#[inline(always)]
pub(crate) fn stack_pointer() -> usize {
    let marker = 0u8;
    std::hint::black_box(&marker) as *const u8 as usize
}

/// The lowest address of the running thread's stack, if the OS says.
fn thread_stack_low() -> Option<usize> {
    if let Some(low) = STACK_LOW.with(|c| c.get()) {
        return Some(low);
    }
    let low = query_stack_low()?;
    STACK_LOW.with(|c| c.set(Some(low)));
    Some(low)
}

#[cfg(any(target_os = "linux", target_os = "android"))]
fn query_stack_low() -> Option<usize> {
    // SAFETY: `attr` is initialised by pthread_getattr_np before it is read
    // and destroyed once; the out-pointers point at locals.
    unsafe {
        let mut attr: libc::pthread_attr_t = std::mem::zeroed();
        if libc::pthread_getattr_np(libc::pthread_self(), &mut attr) != 0 {
            return None;
        }
        let mut addr: *mut libc::c_void = std::ptr::null_mut();
        let mut size: libc::size_t = 0;
        let rc = libc::pthread_attr_getstack(&attr, &mut addr, &mut size);
        libc::pthread_attr_destroy(&mut attr);
        (rc == 0 && !addr.is_null()).then_some(addr as usize)
    }
}

#[cfg(target_os = "macos")]
fn query_stack_low() -> Option<usize> {
    // SAFETY: both calls only read the running thread's attributes.
    unsafe {
        let thread = libc::pthread_self();
        let top = libc::pthread_get_stackaddr_np(thread) as usize;
        let size = libc::pthread_get_stacksize_np(thread);
        top.checked_sub(size)
    }
}

#[cfg(not(any(target_os = "linux", target_os = "android", target_os = "macos")))]
fn query_stack_low() -> Option<usize> {
    None
}

/// The limit for a call from the embedder starting at stack pointer `sp`.
pub(crate) fn limit_for(sp: usize, max_wasm_stack: usize) -> usize {
    let by_config = sp.saturating_sub(max_wasm_stack);
    match thread_stack_low() {
        Some(low) => by_config.max(low.saturating_add(RESERVE)),
        None => by_config,
    }
}
