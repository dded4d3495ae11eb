//! A SIGSEGV handler installed before Strata's still receives faults that
//! do not come from compiled code. Its own test binary: the handlers are
//! process-wide and installed once.

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

static PAGE: AtomicUsize = AtomicUsize::new(0);
static SEEN: AtomicBool = AtomicBool::new(false);

extern "C" fn earlier_handler(
    _sig: libc::c_int,
    _info: *mut libc::siginfo_t,
    _ctx: *mut libc::c_void,
) {
    SEEN.store(true, Ordering::SeqCst);
    // Make the page accessible so the faulting load succeeds when retried.
    // SAFETY: the page was mapped by the test and is still mapped.
    unsafe {
        libc::mprotect(
            PAGE.load(Ordering::SeqCst) as *mut libc::c_void,
            4096,
            libc::PROT_READ | libc::PROT_WRITE,
        );
    }
}

#[test]
fn a_fault_outside_compiled_code_reaches_the_earlier_handler() {
    // SAFETY: a fresh mapping with no access, and a handler with the
    // SA_SIGINFO signature installed before Strata's.
    unsafe {
        let page = libc::mmap(
            std::ptr::null_mut(),
            4096,
            libc::PROT_NONE,
            libc::MAP_PRIVATE | libc::MAP_ANONYMOUS,
            -1,
            0,
        );
        assert_ne!(page, libc::MAP_FAILED);
        PAGE.store(page as usize, Ordering::SeqCst);
        let mut action: libc::sigaction = std::mem::zeroed();
        action.sa_sigaction = earlier_handler as *const () as usize;
        action.sa_flags = libc::SA_SIGINFO;
        libc::sigemptyset(&mut action.sa_mask);
        assert_eq!(
            libc::sigaction(libc::SIGSEGV, &action, std::ptr::null_mut()),
            0
        );
    }
    strata_jit::signals::install_handlers();
    let page = PAGE.load(Ordering::SeqCst) as *const u32;
    // SAFETY: the read faults once; the earlier handler then makes it valid.
    let value = unsafe { std::ptr::read_volatile(page) };
    assert_eq!(value, 0);
    assert!(
        SEEN.load(Ordering::SeqCst),
        "the earlier handler saw the fault"
    );
}
