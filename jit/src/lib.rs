//! Machine code for Strata, knowing nothing of WebAssembly.
//!
//! - [`masm`]: the [`MacroAssembler`](masm::MacroAssembler) trait lowering
//!   code is written against, with one implementation per ISA
//!   ([`x64`], and [`aarch64`], which is compiled on every host);
//! - [`target`]: what lowering needs of an ISA besides its instructions;
//! - [`code_memory`]: executable memory under W^X;
//! - [`signals`]: the registry of code ranges and trap sites, and the
//!   SIGSEGV/SIGBUS/SIGILL/SIGFPE handlers that turn faults into traps;
//! - [`trampoline`]: entry from Rust into compiled code and back.

#![warn(missing_docs)]

pub mod aarch64;
pub mod code_memory;
pub mod masm;
pub mod signals;
pub mod target;
pub mod trampoline;
#[cfg(target_arch = "x86_64")]
pub mod x64;

pub use code_memory::CodeMemory;
pub use signals::{register, CodeSites, LandingSite, Registration, TrapSite, CATCHABLE};
