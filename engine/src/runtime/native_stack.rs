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
    /// This thread's stack as `(lowest, end)` addresses, once looked up.
    static STACK: Cell<Option<(usize, usize)>> = const { Cell::new(None) };
}

/// The current stack pointer, approximately (the address of a local).
#[inline(always)]
pub(crate) fn stack_pointer() -> usize {
    let marker = 0u8;
    std::hint::black_box(&marker) as *const u8 as usize
}

/// The running thread's stack as `(lowest, end)` addresses, if the OS says.
fn thread_stack() -> Option<(usize, usize)> {
    if let Some(bounds) = STACK.with(|c| c.get()) {
        return Some(bounds);
    }
    let bounds = query_stack()?;
    STACK.with(|c| c.set(Some(bounds)));
    Some(bounds)
}

#[cfg(any(target_os = "linux", target_os = "android"))]
fn query_stack() -> Option<(usize, usize)> {
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
        (rc == 0 && !addr.is_null()).then_some((addr as usize, addr as usize + size))
    }
}

#[cfg(target_os = "macos")]
fn query_stack() -> Option<(usize, usize)> {
    // SAFETY: both calls only read the running thread's attributes.
    unsafe {
        let thread = libc::pthread_self();
        let top = libc::pthread_get_stackaddr_np(thread) as usize;
        let size = libc::pthread_get_stacksize_np(thread);
        Some((top.checked_sub(size)?, top))
    }
}

#[cfg(not(any(target_os = "linux", target_os = "android", target_os = "macos")))]
fn query_stack() -> Option<(usize, usize)> {
    None
}

/// The limit for a call from the embedder starting at stack pointer `sp`.
///
/// When `sp` is not on the thread's own stack (the embedder runs us on a
/// stack of its own, as coroutine and green-thread libraries do), only
/// `max_wasm_stack` bounds the limit: that stack's size is the embedder's
/// to know, and the setting is how it tells.
pub(crate) fn limit_for(sp: usize, max_wasm_stack: usize) -> usize {
    let by_config = sp.saturating_sub(max_wasm_stack);
    match thread_stack() {
        Some((low, end)) if (low..end).contains(&sp) => by_config.max(low.saturating_add(RESERVE)),
        _ => by_config,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_limit_stays_inside_this_thread_s_stack() {
        let sp = stack_pointer();
        let Some((low, end)) = thread_stack() else {
            return;
        };
        assert!((low..end).contains(&sp));
        // A budget larger than the stack is cut to the stack and the reserve.
        assert_eq!(limit_for(sp, usize::MAX / 2), low + RESERVE);
        // A small budget is the binding one.
        assert_eq!(
            limit_for(sp, 64 * 1024),
            (sp - 64 * 1024).max(low + RESERVE)
        );
    }

    #[test]
    fn a_stack_of_the_embedder_s_own_is_bounded_by_the_setting_alone() {
        let Some((low, end)) = thread_stack() else {
            return;
        };
        // An address well away from this thread's stack, as a coroutine's
        // stack allocated elsewhere would be.
        let elsewhere = if low > (64 << 20) {
            low - (32 << 20)
        } else {
            end + (32 << 20)
        };
        assert_eq!(limit_for(elsewhere, 1 << 20), elsewhere - (1 << 20));
    }
}
