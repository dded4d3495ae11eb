//! Turning faults in JIT code into traps.
//!
//! Compiled code registers its address range and its trap sites (code offset
//! → trap code) here. Handlers for SIGSEGV, SIGBUS, SIGILL and SIGFPE,
//! installed once on an alternate signal stack, look the faulting PC up: a
//! fault at a trap site resumes at the running activation's landing pad (see
//! [`crate::trampoline`]) with the trap code as its result; any other fault is
//! passed to the handler that was installed before ours. Explicit traps do
//! not fault: compiled code calls [`raise`], which records the backtrace
//! the same way, and jumps to the landing pad itself.
//!
//! The handler takes no locks and allocates nothing. The registry is an
//! immutable snapshot: the live ranges sorted by start address, behind one
//! atomic pointer, which the handler binary-searches. Registering and
//! unregistering (on ordinary threads, serialized by a mutex) build a new
//! snapshot, swap it in, and free the old snapshot (and an unregistered
//! record) only once no handler is reading: handlers count themselves in
//! `READERS` before loading the snapshot pointer.

use crate::code_memory::CodeMemory;
use std::cell::Cell;
use std::mem::MaybeUninit;
use std::ptr;
use std::sync::atomic::{AtomicPtr, AtomicUsize, Ordering};
use std::sync::{Mutex, MutexGuard, Once, PoisonError};

/// A trapping instruction: its offset in the code and the code it reports.
#[derive(Copy, Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct TrapSite {
    /// Offset of the instruction's first byte from the start of the code.
    pub offset: u32,
    /// The non-zero code the activation returns when this instruction faults.
    pub code: u32,
}

/// The trap code of a site whose real code is in a register when it
/// faults: eax on x86_64, x16 on AArch64 (`aarch64::DYNAMIC_TRAP_CODE`).
pub const DYNAMIC_TRAP: u32 = u32::MAX;

/// A call whose caller catches what its callee raises with [`CATCHABLE`]:
/// the offset of the call's return address, and where the caller resumes.
#[derive(Copy, Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct LandingSite {
    /// Offset of the return address (the instruction after the call).
    pub ret: u32,
    /// Offset of the code the caller resumes at.
    pub landing: u32,
}

/// The raise code that may be caught: [`raise`] with it resumes at the
/// landing site of the innermost call (of the running activation's
/// compiled frames, the raising one excluded) that has one, with the stack
/// pointer of that call's frame and, in rdx, how many function frames were
/// left; only without one does it unwind the activation.
pub const CATCHABLE: u32 = 0x1001;

/// An immutable record of one registered code range, owned by its
/// [`Registration`].
struct CodeInfo {
    start: usize,
    end: usize,
    /// Sorted by offset.
    sites: Box<[TrapSite]>,
    /// Sorted by return address.
    landings: Box<[LandingSite]>,
    /// Whether the code's frames are thunks between functions (entry
    /// stubs), which [`raise`] does not count as function frames.
    thunks: bool,
}

/// One live range in a snapshot. The bounds are copied out of the record so
/// the binary search touches only the snapshot.
#[derive(Copy, Clone)]
struct Entry {
    start: usize,
    end: usize,
    info: *const CodeInfo,
}

/// The live, non-empty ranges, sorted by start. Never changed once published.
struct Snapshot {
    entries: Box<[Entry]>,
}

/// The current snapshot; null while no range is registered.
static SNAPSHOT: AtomicPtr<Snapshot> = AtomicPtr::new(ptr::null_mut());
/// Handlers that may be reading a snapshot or a record.
///
/// Every access to `READERS` and `SNAPSHOT` is `SeqCst`: a handler bumps
/// `READERS` and then loads `SNAPSHOT`, a writer swaps `SNAPSHOT` and then
/// loads `READERS`, and only a single total order over the four operations
/// rules out both sides missing each other's write.
static READERS: AtomicUsize = AtomicUsize::new(0);
/// Serializes the threads that replace the snapshot.
static WRITERS: Mutex<()> = Mutex::new(());

fn lock_writers() -> MutexGuard<'static, ()> {
    WRITERS.lock().unwrap_or_else(PoisonError::into_inner)
}

/// The entries of the current snapshot, for a writer.
///
/// The returned slice stays valid while `_writers` is held: only writers
/// replace and free snapshots.
fn current_entries<'a>(_writers: &'a MutexGuard<'static, ()>) -> &'a [Entry] {
    let snapshot = SNAPSHOT.load(Ordering::SeqCst);
    if snapshot.is_null() {
        return &[];
    }
    // SAFETY: a published snapshot is freed only by a writer that replaced
    // it, and writers are excluded while the caller holds the lock.
    unsafe { &(*snapshot).entries }
}

/// Publishes `entries` (sorted by start) as the current snapshot, then frees
/// the previous one once no handler can still be reading it. On return no
/// handler can hold a pointer to any record missing from `entries`.
fn publish(_writers: &MutexGuard<'static, ()>, entries: Vec<Entry>) {
    let new = if entries.is_empty() {
        ptr::null_mut()
    } else {
        Box::into_raw(Box::new(Snapshot {
            entries: entries.into_boxed_slice(),
        }))
    };
    let old = SNAPSHOT.swap(new, Ordering::SeqCst);
    wait_for_readers();
    if !old.is_null() {
        // SAFETY: `old` came from Box::into_raw in an earlier `publish`; it
        // is unreachable from SNAPSHOT since the swap, and every handler that
        // loaded it before the swap has finished (READERS was zero after it).
        drop(unsafe { Box::from_raw(old) });
    }
}

/// Waits until no handler is inside a [`ReadGuard`]. A handler entering
/// after the caller's swap of `SNAPSHOT` sees the new snapshot.
fn wait_for_readers() {
    while READERS.load(Ordering::SeqCst) != 0 {
        std::thread::yield_now();
    }
}

/// Keeps a code range registered; unregisters it when dropped.
///
/// Drop it before the [`CodeMemory`] it registers: a stale range over
/// unmapped (and possibly remapped) addresses would shadow the new owner's.
#[derive(Debug)]
pub struct Registration {
    /// Address of the `CodeInfo` record this registration owns.
    info: usize,
}

/// What a code range registers besides its bounds.
#[derive(Clone, Debug, Default)]
pub struct CodeSites {
    /// Trapping instructions.
    pub traps: Vec<TrapSite>,
    /// Calls that catch [`CATCHABLE`] raises.
    pub landings: Vec<LandingSite>,
    /// Whether the code's frames are thunks (see [`raise`]).
    pub thunks: bool,
}

impl From<Vec<TrapSite>> for CodeSites {
    /// Trap sites alone: function code without landing sites.
    fn from(traps: Vec<TrapSite>) -> CodeSites {
        CodeSites {
            traps,
            ..CodeSites::default()
        }
    }
}

/// Registers `code` and its sites so faults in it become traps and
/// catchable raises find its landing sites.
///
/// Costs a copy of the registry (linear in the live ranges); lookups from the
/// signal handler are logarithmic. Never fails today: the `Result` leaves
/// room for a registry with limits.
pub fn register(code: &CodeMemory, sites: impl Into<CodeSites>) -> Result<Registration, String> {
    install_handlers();
    let sites = sites.into();
    let CodeSites {
        traps: mut sites,
        mut landings,
        thunks,
    } = sites;
    sites.sort_unstable();
    landings.sort_unstable();
    let start = code.as_ptr() as usize;
    let end = start + code.len();
    let info = Box::into_raw(Box::new(CodeInfo {
        start,
        end,
        sites: sites.into_boxed_slice(),
        landings: landings.into_boxed_slice(),
        thunks,
    }));
    // An empty range contains no PC: it is never published.
    if start != end {
        let writers = lock_writers();
        let old = current_entries(&writers);
        // After any range with the same start, so a range registered later
        // wins a tie.
        let at = old.partition_point(|e| e.start <= start);
        let mut entries = Vec::with_capacity(old.len() + 1);
        entries.extend_from_slice(&old[..at]);
        entries.push(Entry { start, end, info });
        entries.extend_from_slice(&old[at..]);
        publish(&writers, entries);
    }
    Ok(Registration {
        info: info as usize,
    })
}

impl Drop for Registration {
    fn drop(&mut self) {
        let info = self.info as *mut CodeInfo;
        // SAFETY: the record came from Box::into_raw in `register` and is
        // freed only below; its fields are never written after publication.
        let (start, end) = unsafe { ((*info).start, (*info).end) };
        if start != end {
            let writers = lock_writers();
            let entries = current_entries(&writers)
                .iter()
                .filter(|e| !ptr::eq(e.info, info))
                .copied()
                .collect();
            // Returns once no handler can still be reading the record.
            publish(&writers, entries);
        }
        // SAFETY: the record came from Box::into_raw in `register`, is in no
        // published snapshot any more (an empty range never was), and no
        // handler is reading it.
        drop(unsafe { Box::from_raw(info) });
    }
}

/// A handler's hold on the current snapshot: while it lives, the snapshot
/// and every record it points to stay allocated. Entering and leaving are
/// one atomic add each, so a handler may take it.
struct ReadGuard {
    snapshot: *const Snapshot,
}

impl ReadGuard {
    fn enter() -> ReadGuard {
        READERS.fetch_add(1, Ordering::SeqCst);
        ReadGuard {
            snapshot: SNAPSHOT.load(Ordering::SeqCst),
        }
    }

    fn entries(&self) -> &[Entry] {
        if self.snapshot.is_null() {
            return &[];
        }
        // SAFETY: the snapshot was current after READERS counted this guard,
        // so writers free it only after the guard is dropped.
        unsafe { &(*self.snapshot).entries }
    }

    /// The registered range containing `pc`: the last one starting at or
    /// before it, if it also ends after it. Ranges of live code memory never
    /// overlap.
    fn range(&self, pc: usize) -> Option<&Entry> {
        let entries = self.entries();
        let after = entries.partition_point(|e| e.start <= pc);
        let entry = entries.get(after.checked_sub(1)?)?;
        (pc < entry.end).then_some(entry)
    }

    /// Whether `pc` is inside registered code.
    fn in_code(&self, pc: usize) -> bool {
        self.range(pc).is_some()
    }

    /// The landing site of the call returning to `ret`, as an address.
    fn landing(&self, ret: usize) -> Option<usize> {
        let entry = self.range(ret)?;
        // SAFETY: records in a snapshot outlive it (see `entries`).
        let info = unsafe { &*entry.info };
        let offset = u32::try_from(ret - entry.start).ok()?;
        let i = info
            .landings
            .binary_search_by_key(&offset, |s| s.ret)
            .ok()?;
        Some(entry.start + info.landings[i].landing as usize)
    }

    /// Whether `pc` is in code whose frames are thunks.
    fn in_thunk(&self, pc: usize) -> bool {
        // SAFETY: records in a snapshot outlive it (see `entries`).
        self.range(pc).is_some_and(|e| unsafe { (*e.info).thunks })
    }

    /// The trap code registered for an instruction at `pc`, if any.
    fn trap_code(&self, pc: usize) -> Option<u32> {
        let entry = self.range(pc)?;
        // SAFETY: records in a snapshot outlive it (see `entries`).
        let info = unsafe { &*entry.info };
        let offset = u32::try_from(pc - entry.start).ok()?;
        let i = info
            .sites
            .binary_search_by_key(&offset, |s| s.offset)
            .ok()?;
        Some(info.sites[i].code)
    }
}

impl Drop for ReadGuard {
    fn drop(&mut self) {
        READERS.fetch_sub(1, Ordering::SeqCst);
    }
}

/// The trap code registered for an instruction at `pc`, as the signal
/// handler finds it: how tests of the registry, and emulators of code this
/// machine does not run, find a trap's code.
pub fn trap_code_at(pc: usize) -> Option<u32> {
    ReadGuard::enter().trap_code(pc)
}

/// The registered range `start..end` containing `pc`, as the signal handler
/// finds it. For tests of the registry.
#[doc(hidden)]
pub fn range_for_tests(pc: usize) -> Option<(usize, usize)> {
    ReadGuard::enter().range(pc).map(|e| (e.start, e.end))
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
    // Compiled code's raise routine reads the first two fields at offsets
    // 0 and 8, and the trampoline's landing pad writes `r13` at 16.
    /// Stack pointer to restore: the trampoline's frame after its pushes.
    pub saved_sp: usize,
    /// Address of the trampoline's landing pad.
    pub landing: usize,
    /// r13 as the activation's code left it (written by the landing pad on
    /// return and on a trap): compiled code may keep a value there that the
    /// runtime wants back, such as a fuel counter.
    pub r13: usize,
    /// The enclosing activation on this thread.
    pub prev: *const Activation,
    /// The faulting PC, then the return addresses of the compiled frames
    /// below it, as the handler found them.
    pub trace: [usize; TRACE_MAX],
    /// Entries of `trace` in use.
    pub trace_len: usize,
    /// Where a [`CATCHABLE`] raise resumes (0: unwind the activation),
    /// with the stack pointer and the count of function frames left,
    /// which compiled code's raise routine reads.
    pub resume_pc: usize,
    /// See `resume_pc`.
    pub resume_sp: usize,
    /// See `resume_pc`.
    pub resume_frames: usize,
}

/// Byte offsets of [`Activation`]'s resume fields, for the raise routine.
pub const RESUME_PC: i32 = std::mem::offset_of!(Activation, resume_pc) as i32;
/// See [`RESUME_PC`].
pub const RESUME_SP: i32 = std::mem::offset_of!(Activation, resume_sp) as i32;
/// See [`RESUME_PC`].
pub const RESUME_FRAMES: i32 = std::mem::offset_of!(Activation, resume_frames) as i32;

/// Finds where a [`CATCHABLE`] raise from the frame at `sp` (running the
/// code at `pc`) resumes: the first caller whose call has a landing site.
/// Frames are `FRAME_BYTES` each, as in [`record_trace`].
fn find_landing(registry: &ReadGuard, act: &mut Activation, pc: usize, sp: usize) {
    act.resume_pc = 0;
    // SAFETY: as the caller guarantees.
    if let Some((pc, sp, frames)) = unsafe { landing_in(registry, pc, sp, act.saved_sp) } {
        act.resume_pc = pc;
        act.resume_sp = sp;
        act.resume_frames = frames;
    }
}

/// The landing site a catchable raise at `pc` with stack pointer `sp`
/// resumes at: the first call, in the compiled frames between `sp` and
/// `limit`, made inside a `try_table`. Gives where to resume, the stack
/// pointer to resume with and the number of function frames left.
///
/// # Safety
/// The stack between `sp` and `limit` holds compiled frames (`FRAME_BYTES`
/// each, the return address in the upper half), readable by this thread.
unsafe fn landing_in(
    registry: &ReadGuard,
    pc: usize,
    mut sp: usize,
    limit: usize,
) -> Option<(usize, usize, usize)> {
    let mut frames = usize::from(!registry.in_thunk(pc));
    while sp < limit {
        // SAFETY: as the caller guarantees.
        let ret = unsafe { *((sp + FRAME_BYTES / 2) as *const usize) };
        if !registry.in_code(ret) {
            return None;
        }
        sp += FRAME_BYTES;
        if let Some(landing) = registry.landing(ret) {
            return Some((landing, sp, frames));
        }
        frames += 1;
    }
    None
}

/// [`landing_in`] for an emulator of compiled code, whose frames follow the
/// same layout on the emulated stack (this process's memory).
///
/// # Safety
/// As `landing_in`.
pub unsafe fn landing_for(pc: usize, sp: usize, limit: usize) -> Option<(usize, usize, usize)> {
    // SAFETY: as the caller guarantees.
    unsafe { landing_in(&ReadGuard::enter(), pc, sp, limit) }
}

/// Records the faulting PC and the return addresses of the compiled frames
/// below it. Compiled code's frames are `FRAME_BYTES` each, with the return
/// address at the top; the walk ends at the first address outside compiled
/// code (the trampoline's).
///
/// # Safety
/// `sp` must be the faulting stack pointer of compiled code following that layout.
unsafe fn record_trace(registry: &ReadGuard, act: &mut Activation, pc: usize, mut sp: usize) {
    act.trace[0] = pc;
    act.trace_len = 1;
    while act.trace_len < TRACE_MAX && sp < act.saved_sp {
        // SAFETY: between the faulting frame and the trampoline's frame the
        // stack holds compiled frames, so this reads the thread's own stack.
        let ret = unsafe { *((sp + FRAME_BYTES / 2) as *const usize) };
        if !registry.in_code(ret) {
            break;
        }
        act.trace[act.trace_len] = ret;
        act.trace_len += 1;
        sp += FRAME_BYTES;
    }
}

/// Where an explicit trap resumes: the activation to unwind to (null when
/// compiled code runs outside any, which the trampoline never allows) and
/// the code to report. Returned in rax:rdx.
#[repr(C)]
#[derive(Debug)]
pub struct Raised {
    /// The innermost activation, whose `saved_sp` and `landing` to jump to.
    pub act: *const Activation,
    /// The trap code, as given.
    pub code: u64,
}

/// Raises trap `code` from compiled code without a signal: records the
/// backtrace from `sp` (the trapping frame's stack pointer) and `pc` (an
/// address inside the trapping function) exactly as the signal handler
/// does, and returns where to resume. Compiled code then sets its stack
/// pointer to `saved_sp` and jumps to `landing` with the code in eax; or,
/// when a [`CATCHABLE`] raise found a landing site (`resume_pc` set), to
/// `resume_sp` and `resume_pc` with `resume_frames` in rdx.
///
/// # Safety
/// Called only by compiled code (see `X64Assembler`'s raise routine), with
/// `sp` the stack pointer of a compiled frame of the running activation.
pub unsafe extern "sysv64" fn raise(code: u32, sp: usize, pc: usize) -> Raised {
    let act = current().cast_mut();
    if !act.is_null() {
        let registry = ReadGuard::enter();
        // SAFETY: the activation lives on the stack of the trampoline's
        // caller, below the trapping frames, and only this thread uses it;
        // the caller guarantees `sp` is a compiled frame of it.
        unsafe {
            record_trace(&registry, &mut *act, pc, sp);
            match code {
                CATCHABLE => find_landing(&registry, &mut *act, pc, sp),
                _ => (*act).resume_pc = 0,
            }
        }
    }
    Raised {
        act,
        code: code as u64,
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
    let handled = {
        let registry = ReadGuard::enter();
        let act = current().cast_mut();
        match registry.trap_code(pc) {
            Some(code) if !act.is_null() => {
                // SAFETY: the activation lives on the stack of the
                // trampoline's caller, which is below the faulting frame on
                // this thread, and nothing else touches it while the handler
                // runs.
                unsafe {
                    record_trace(&registry, &mut *act, pc, fault_sp(ctx));
                    redirect(ctx, &*act, code);
                }
                true
            }
            _ => false,
        }
        // The guard is dropped here: a chained handler may never return.
    };
    if !handled {
        // SAFETY: not ours: hand the signal to whoever handled it before.
        unsafe { chain(sig, info, ctx) }
    }
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
