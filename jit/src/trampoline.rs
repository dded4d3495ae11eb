//! Entry from Rust into JIT code, and the landing pad traps resume at.
//!
//! The trampoline is generated once per process. Its contract (System V):
//! `tramp(ctx, fp, entry, activation) -> u32` saves the callee-saved
//! registers, records its stack pointer and landing pad in `activation`
//! (and, at the landing pad, the r13 the code left),
//! loads `ctx` into r15 and `fp` into r14 (the registers compiled code keeps
//! them in), and calls `entry`. A normal return yields 0; a trap makes the
//! signal handler resume at the landing pad with the trap code in rax,
//! which unwinds straight back here.

use crate::code_memory::CodeMemory;
use crate::signals::{self, Activation};
use std::sync::OnceLock;

type Tramp = unsafe extern "sysv64" fn(*mut u8, *mut u64, *const u8, *mut Activation) -> u32;

#[cfg(target_arch = "x86_64")]
fn build() -> CodeMemory {
    use dynasmrt::{dynasm, DynasmApi, DynasmLabelApi};
    let mut ops = dynasmrt::VecAssembler::<dynasmrt::x64::X64Relocation>::new(0);
    dynasm!(ops
        ; .arch x64
        ; push rbp
        ; mov rbp, rsp
        ; push rbx
        ; push r12
        ; push r13
        ; push r14
        ; push r15
        ; sub rsp, 8
        ; mov [rsp], rcx
        ; mov [rcx], rsp
        ; lea rax, [->landing]
        ; mov [rcx + 8], rax
        ; mov r15, rdi
        ; mov r14, rsi
        ; call rdx
        ; xor eax, eax
        ; ->landing:
        ; mov rcx, [rsp]
        ; mov [rcx + 16], r13
        ; add rsp, 8
        ; pop r15
        ; pop r14
        ; pop r13
        ; pop r12
        ; pop rbx
        ; pop rbp
        ; ret
    );
    let code = ops.finalize().expect("the trampoline assembles");
    CodeMemory::publish(&code).expect("mapping the entry trampoline")
}

fn trampoline() -> Tramp {
    static CODE: OnceLock<CodeMemory> = OnceLock::new();
    let code = CODE.get_or_init(build);
    // SAFETY: the code is the trampoline assembled above with this signature.
    unsafe { std::mem::transmute::<*const u8, Tramp>(code.as_ptr()) }
}

/// A trap that ended a call into compiled code.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Trapped {
    /// The trap site's code (or the code raised in a register).
    pub code: u32,
    /// The faulting PC, then return addresses of the compiled frames below
    /// it, innermost first.
    pub pcs: Vec<usize>,
    /// r13 when the code trapped (see [`Activation::r13`]).
    pub r13: usize,
}

/// Calls compiled code at `entry` with `ctx` in r15 and `fp` in r14.
/// Returns `Err` when the code trapped at a registered trap site.
///
/// # Safety
/// `entry` must be code that follows the compiled-code conventions (keeps
/// r14/r15, returns with `ret`, keeps the stack aligned), and `ctx`/`fp` must
/// be what that code expects.
pub unsafe fn call(entry: *const u8, ctx: *mut u8, fp: *mut u64) -> Result<(), Trapped> {
    signals::install_handlers();
    let tramp = trampoline();
    let mut act = Activation {
        saved_sp: 0,
        landing: 0,
        r13: 0,
        prev: signals::current(),
        trace: [0; signals::TRACE_MAX],
        trace_len: 0,
        resume_pc: 0,
        resume_sp: 0,
        resume_frames: 0,
    };
    let act_ptr: *mut Activation = &mut act;
    signals::set_current(act_ptr);
    // SAFETY: forwarded from the caller; `act` outlives the call, and the
    // trampoline and the signal handler write it only through `act_ptr`.
    let rc = unsafe { tramp(ctx, fp, entry, act_ptr) };
    signals::set_current(act.prev);
    if rc == 0 {
        Ok(())
    } else {
        Err(Trapped {
            code: rc,
            pcs: act.trace[..act.trace_len].to_vec(),
            r13: act.r13,
        })
    }
}
