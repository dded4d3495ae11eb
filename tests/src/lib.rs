//! Shared helpers for strata-tests.

#[cfg(feature = "aarch64-emulation")]
pub mod aarch64_emu;
#[cfg(feature = "aarch64-emulation")]
pub mod aarch64_runtime;
