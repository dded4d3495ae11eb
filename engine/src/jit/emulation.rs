//! Compiled code for an ISA this machine does not run, run by an emulator
//! the embedder supplies: how the AArch64 backend is tested on an x86_64
//! machine. With [`Config::emulate_aarch64`](crate::Config::emulate_aarch64)
//! the JIT compiles for AArch64 and enters its code through the emulator
//! instead of the entry trampoline; everything else (helpers, hooks, the
//! interpreter, the store) stays native and is shared with the emulated
//! code, which reaches it at the same addresses.

use std::sync::Arc;

/// Runs AArch64 code compiled by Strata. The contract is the entry
/// trampoline's: `x28` holds the context and `x27` the frame pointer at
/// `entry`, which returns through `x30`. The helpers the code calls are
/// native functions (System V) whose addresses [`call`](Emulator::call)
/// is given; each takes up to five arguments (`x0`..`x4`) and returns one
/// (`x0`). Every other address the code touches is this process's own
/// memory at the same address; a load or store of a page that is not
/// readable there is a fault.
#[doc(hidden)]
pub trait Emulator:
    Send + Sync + std::panic::RefUnwindSafe + std::panic::UnwindSafe + 'static
{
    /// Runs the code at `entry`. A `brk` or a fault ends it with the trap
    /// code registered for the PC (`strata_jit::signals::trap_code_at`;
    /// for a dynamic trap site, the code in `x16`).
    fn call(&self, call: EmulatedCall<'_>) -> Result<(), EmulatedTrap>;

    /// The lowest stack address emulated code may reach (compiled code
    /// traps with a stack overflow below it).
    fn stack_limit(&self) -> usize;
}

/// One entry into emulated code.
#[doc(hidden)]
pub struct EmulatedCall<'a> {
    /// The code's address.
    pub entry: usize,
    /// The instance context (`x28`).
    pub ctx: usize,
    /// The frame pointer (`x27`).
    pub fp: usize,
    /// Native helpers the code may call.
    pub helpers: &'a [usize],
}

/// How emulated code trapped.
#[doc(hidden)]
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EmulatedTrap {
    /// The trap code.
    pub code: u32,
    /// The fuel register (`x25`) when it trapped.
    pub fuel: u64,
}

/// An emulator in a [`Config`](crate::Config), which must stay `Clone` and
/// `Debug`.
#[derive(Clone)]
pub(crate) struct EmulatorHandle(pub Arc<dyn Emulator>);

impl std::fmt::Debug for EmulatorHandle {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Emulator")
    }
}
