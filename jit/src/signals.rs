//! Turning faults in JIT code into traps.
//!
//! Compiled code registers its address range and its trap sites (code offset
//! → trap code) here. Handlers for SIGSEGV, SIGBUS, SIGILL and SIGFPE,
//! installed once on an alternate signal stack, look the faulting PC up: a
//! fault at a trap site resumes at the running activation's landing pad (see
//! [`crate::trampoline`]) with the trap code as its result; any other fault is
//! passed to the handler that was installed before ours.
//!
//! The handler takes no locks and allocates nothing: the registry is a fixed
//! array of atomic pointers to immutable records, and a reader count keeps a
//! record alive while a handler may be reading it.

use crate::code_memory::CodeMemory;
use std::cell::Cell;
use std::mem::MaybeUninit;
use std::ptr;
use std::sync::atomic::{AtomicPtr, AtomicUsize, Ordering};
use std::sync::Once;

/// A trapping instruction: its offset in the code and the code it reports.
#[derive(Copy, Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct TrapSite {
    /// Offset of the instruction's first byte from the start of the code.
    pub offset: u32,
    /// The non-zero code the activation returns when this instruction faults.
    pub code: u32,
}

/// The trap code of a site whose real code is in eax when it faults.
pub const DYNAMIC_TRAP: u32 = u32::MAX;

/// An immutable record of one registered code range.
struct CodeInfo {
    start: usize,
    end: usize,
    /// Sorted by offset.
    sites: Box<[TrapSite]>,
}

const MAX_RANGES: usize = 1 << 16;

#[allow(clippy::declare_interior_mutable_const)]
const EMPTY: AtomicPtr<CodeInfo> = AtomicPtr::new(ptr::null_mut());
static RANGES: [AtomicPtr<CodeInfo>; MAX_RANGES] = [EMPTY; MAX_RANGES];
/// Handlers currently reading `RANGES`.
static READERS: AtomicUsize = AtomicUsize::new(0);

/// Keeps a code range registered; unregisters it when dropped.
#[derive(Debug)]
pub struct Registration {
    slot: usize,
}

/// Registers `code` and its trap sites so faults in it become traps.
/// Fails when the registry is full.
pub fn register(code: &CodeMemory, mut sites: Vec<TrapSite>) -> Result<Registration, String> {
    install_handlers();
    sites.sort_unstable();
    let start = code.as_ptr() as usize;
    let info = Box::into_raw(Box::new(CodeInfo {
        start,
        end: start + code.len(),
        sites: sites.into_boxed_slice(),
    }));
    for (slot, entry) in RANGES.iter().enumerate() {
        if entry
            .compare_exchange(ptr::null_mut(), info, Ordering::AcqRel, Ordering::Relaxed)
            .is_ok()
        {
            return Ok(Registration { slot });
        }
    }
    // SAFETY: `info` came from Box::into_raw above and was never shared.
    drop(unsafe { Box::from_raw(info) });
    Err(format!(
        "more than {MAX_RANGES} compiled code ranges are live"
    ))
}

impl Drop for Registration {
    fn drop(&mut self) {
        let info = RANGES[self.slot].swap(ptr::null_mut(), Ordering::AcqRel);
        // A handler that loaded the pointer before the swap may still read it.
        while READERS.load(Ordering::Acquire) != 0 {
            std::thread::yield_now();
        }
        if !info.is_null() {
            // SAFETY: the record came from Box::into_raw in `register`, is no
            // longer reachable from RANGES, and no handler is reading it.
            drop(unsafe { Box::from_raw(info) });
        }
    }
}

/// The trap code registered for an instruction at `pc`, if any.
fn lookup(pc: usize) -> Option<u32> {
    READERS.fetch_add(1, Ordering::AcqRel);
    let mut found = None;
    for entry in RANGES.iter() {
        let info = entry.load(Ordering::Acquire);
        if info.is_null() {
            continue;
        }
        // SAFETY: non-null entries point to live records while READERS > 0.
        let info = unsafe { &*info };
        if pc >= info.start && pc < info.end {
            let offset = (pc - info.start) as u32;
            if let Ok(i) = info.sites.binary_search_by_key(&offset, |s| s.offset) {
                found = Some(info.sites[i].code);
            }
            break;
        }
    }
    READERS.fetch_sub(1, Ordering::AcqRel);
    found
}

/// Return addresses recorded for a trap, innermost first.
pub const TRACE_MAX: usize = 100;

/// Bytes compiled code keeps on the machine stack per frame: its return
/// address and one alignment slot. The trap handler walks frames by it.
pub const FRAME_BYTES: usize = 16;

/// Where a trapping activation resumes: written by the entry trampoline.
#[repr(C)]
#[derive(Debug)]
pub struct Activation {
    /// Stack pointer to restore: the trampoline's frame after its pushes.
    pub saved_sp: usize,
    /// Address of the trampoline's landing pad.
    pub landing: usize,
    /// The enclosing activation on this thread.
    pub prev: *const Activation,
    /// The faulting PC, then the return addresses of the compiled frames
    /// below it, as the handler found them.
    pub trace: [usize; TRACE_MAX],
    /// Entries of `trace` in use.
    pub trace_len: usize,
}

/// Whether `pc` is inside registered code.
fn in_code(pc: usize) -> bool {
    READERS.fetch_add(1, Ordering::AcqRel);
    let found = RANGES.iter().any(|entry| {
        let info = entry.load(Ordering::Acquire);
        // SAFETY: non-null entries point to live records while READERS > 0.
        !info.is_null() && unsafe { pc >= (*info).start && pc < (*info).end }
    });
    READERS.fetch_sub(1, Ordering::AcqRel);
    found
}

/// Records the faulting PC and the return addresses of the compiled frames
/// below it. Compiled code's frames are `FRAME_BYTES` each, with the return
/// address at the top; the walk ends at the first address outside compiled
/// code (the trampoline's).
///
/// # Safety
/// `sp` must be the faulting stack pointer of compiled code following that layout.
unsafe fn record_trace(act: &mut Activation, pc: usize, mut sp: usize) {
    act.trace[0] = pc;
    act.trace_len = 1;
    while act.trace_len < TRACE_MAX && sp < act.saved_sp {
        // SAFETY: between the faulting frame and the trampoline's frame the
        // stack holds compiled frames, so this reads the thread's own stack.
        let ret = unsafe { *((sp + FRAME_BYTES / 2) as *const usize) };
        if !in_code(ret) {
            break;
        }
        act.trace[act.trace_len] = ret;
        act.trace_len += 1;
        sp += FRAME_BYTES;
    }
}

thread_local! {
    // A const-initialized thread local without a destructor: reading it
    // from a signal handler touches no lazy initialization.
    static CURRENT: Cell<*const Activation> = const { Cell::new(ptr::null()) };
}

/// The innermost activation on this thread.
pub(crate) fn current() -> *const Activation {
    CURRENT.with(|c| c.get())
}

/// Makes `act` the innermost activation on this thread.
pub(crate) fn set_current(act: *const Activation) {
    CURRENT.with(|c| c.set(act));
}

const SIGNALS: [libc::c_int; 4] = [libc::SIGSEGV, libc::SIGBUS, libc::SIGILL, libc::SIGFPE];

struct PrevActions([std::cell::UnsafeCell<MaybeUninit<libc::sigaction>>; 4]);
// SAFETY: written once inside `INSTALL` before any handler of ours can run,
// read-only afterwards.
unsafe impl Sync for PrevActions {}

static PREV: PrevActions = PrevActions([
    std::cell::UnsafeCell::new(MaybeUninit::uninit()),
    std::cell::UnsafeCell::new(MaybeUninit::uninit()),
    std::cell::UnsafeCell::new(MaybeUninit::uninit()),
    std::cell::UnsafeCell::new(MaybeUninit::uninit()),
]);
static INSTALL: Once = Once::new();

/// Installs the trap handlers once per process, remembering the previous ones.
pub fn install_handlers() {
    INSTALL.call_once(|| {
        for (i, &sig) in SIGNALS.iter().enumerate() {
            // SAFETY: a zeroed sigaction is a valid starting value; the
            // handler has the SA_SIGINFO signature; PREV[i] is written here
            // only, before the new handler is live.
            unsafe {
                let mut action: libc::sigaction = std::mem::zeroed();
                action.sa_sigaction = handler as *const () as usize;
                action.sa_flags = libc::SA_SIGINFO | libc::SA_ONSTACK | libc::SA_NODEFER;
                libc::sigemptyset(&mut action.sa_mask);
                let prev = (*PREV.0[i].get()).as_mut_ptr();
                if libc::sigaction(sig, &action, prev) != 0 {
                    // Keep the old disposition recorded as default.
                    ptr::write(prev, std::mem::zeroed());
                }
            }
        }
    });
    ensure_alt_stack();
}

/// Size of the alternate signal stack given to threads that run JIT code.
const ALT_STACK_SIZE: usize = 64 * 1024;

struct AltStack {
    base: *mut libc::c_void,
    size: usize,
}

impl Drop for AltStack {
    fn drop(&mut self) {
        // SAFETY: disable the alternate stack before unmapping it.
        unsafe {
            let disable = libc::stack_t {
                ss_sp: ptr::null_mut(),
                ss_flags: libc::SS_DISABLE,
                ss_size: ALT_STACK_SIZE,
            };
            libc::sigaltstack(&disable, ptr::null_mut());
            libc::munmap(self.base, self.size);
        }
    }
}

thread_local! {
    static ALT_STACK: std::cell::RefCell<Option<AltStack>> = const { std::cell::RefCell::new(None) };
}

/// Gives this thread an alternate signal stack unless it already has one.
pub fn ensure_alt_stack() {
    ALT_STACK.with(|slot| {
        if slot.borrow().is_some() {
            return;
        }
        // SAFETY: querying the current alternate stack.
        let mut old: libc::stack_t = unsafe { std::mem::zeroed() };
        unsafe { libc::sigaltstack(ptr::null(), &mut old) };
        if old.ss_flags & libc::SS_DISABLE == 0 && old.ss_size >= ALT_STACK_SIZE / 4 {
            return;
        }
        // SAFETY: a fresh anonymous mapping used as the signal stack.
        let base = unsafe {
            libc::mmap(
                ptr::null_mut(),
                ALT_STACK_SIZE,
                libc::PROT_READ | libc::PROT_WRITE,
                libc::MAP_PRIVATE | libc::MAP_ANONYMOUS,
                -1,
                0,
            )
        };
        if base == libc::MAP_FAILED {
            return;
        }
        let stack = libc::stack_t {
            ss_sp: base,
            ss_flags: 0,
            ss_size: ALT_STACK_SIZE,
        };
        // SAFETY: the mapping outlives its use: it is unmapped when the thread exits.
        if unsafe { libc::sigaltstack(&stack, ptr::null_mut()) } == 0 {
            *slot.borrow_mut() = Some(AltStack {
                base,
                size: ALT_STACK_SIZE,
            });
        } else {
            // SAFETY: unmapping the unused mapping.
            unsafe { libc::munmap(base, ALT_STACK_SIZE) };
        }
    });
}

#[cfg(target_arch = "x86_64")]
unsafe fn redirect(ctx: *mut libc::c_void, act: &Activation, code: u32) {
    let uc = ctx.cast::<libc::ucontext_t>();
    // SAFETY: the kernel passes a valid ucontext for SA_SIGINFO handlers.
    let gregs = unsafe { &mut (*uc).uc_mcontext.gregs };
    let code = if code == DYNAMIC_TRAP {
        gregs[libc::REG_RAX as usize] as u32
    } else {
        code
    };
    gregs[libc::REG_RSP as usize] = act.saved_sp as i64;
    gregs[libc::REG_RIP as usize] = act.landing as i64;
    gregs[libc::REG_RAX as usize] = code as i64;
}

#[cfg(target_arch = "x86_64")]
unsafe fn fault_sp(ctx: *mut libc::c_void) -> usize {
    let uc = ctx.cast::<libc::ucontext_t>();
    // SAFETY: as in `redirect`.
    unsafe { (*uc).uc_mcontext.gregs[libc::REG_RSP as usize] as usize }
}

#[cfg(target_arch = "x86_64")]
unsafe fn fault_pc(ctx: *mut libc::c_void) -> usize {
    let uc = ctx.cast::<libc::ucontext_t>();
    // SAFETY: as in `redirect`.
    unsafe { (*uc).uc_mcontext.gregs[libc::REG_RIP as usize] as usize }
}

extern "C" fn handler(sig: libc::c_int, info: *mut libc::siginfo_t, ctx: *mut libc::c_void) {
    // SAFETY: `ctx` is the kernel's ucontext for this signal.
    let pc = unsafe { fault_pc(ctx) };
    if let Some(code) = lookup(pc) {
        let act = current().cast_mut();
        if !act.is_null() {
            // SAFETY: the activation lives on the stack of the trampoline's
            // caller, which is below the faulting frame on this thread, and
            // nothing else touches it while the handler runs.
            unsafe {
                record_trace(&mut *act, pc, fault_sp(ctx));
                redirect(ctx, &*act, code);
            }
            return;
        }
    }
    // SAFETY: not ours: hand the signal to whoever handled it before.
    unsafe { chain(sig, info, ctx) }
}

unsafe fn chain(sig: libc::c_int, info: *mut libc::siginfo_t, ctx: *mut libc::c_void) {
    let Some(i) = SIGNALS.iter().position(|&s| s == sig) else {
        return;
    };
    // SAFETY: PREV was initialized before our handler was installed.
    let prev = unsafe { &*(*PREV.0[i].get()).as_ptr() };
    if prev.sa_sigaction == libc::SIG_DFL || prev.sa_sigaction == libc::SIG_IGN {
        // Restore the old disposition; returning re-executes the faulting
        // instruction, which then gets the default action.
        // SAFETY: reinstalling a disposition the process had before.
        unsafe { libc::sigaction(sig, prev, ptr::null_mut()) };
        return;
    }
    if prev.sa_flags & libc::SA_SIGINFO != 0 {
        // SAFETY: the previous handler was installed with this signature.
        let f: extern "C" fn(libc::c_int, *mut libc::siginfo_t, *mut libc::c_void) =
            unsafe { std::mem::transmute(prev.sa_sigaction) };
        f(sig, info, ctx);
    } else {
        // SAFETY: the previous handler was installed with this signature.
        let f: extern "C" fn(libc::c_int) = unsafe { std::mem::transmute(prev.sa_sigaction) };
        f(sig);
    }
}
