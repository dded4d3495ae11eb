//! Size of the register IR over every module the scripts compile: the
//! average IR bytes per wasm operator, printed with each version's summary.

use std::sync::atomic::{AtomicU64, Ordering};
use strata::Module;

static MODULES: AtomicU64 = AtomicU64::new(0);
static WASM_OPS: AtomicU64 = AtomicU64::new(0);
static IR_BYTES: AtomicU64 = AtomicU64::new(0);

/// Adds a compiled module's sizes.
pub fn record(module: &Module) {
    let stats = module.stats();
    MODULES.fetch_add(1, Ordering::Relaxed);
    WASM_OPS.fetch_add(stats.wasm_ops as u64, Ordering::Relaxed);
    IR_BYTES.fetch_add(stats.ir_bytes as u64, Ordering::Relaxed);
}

/// Prints and resets the totals.
pub fn report(version: &str) {
    let modules = MODULES.swap(0, Ordering::Relaxed);
    let ops = WASM_OPS.swap(0, Ordering::Relaxed);
    let bytes = IR_BYTES.swap(0, Ordering::Relaxed);
    if ops > 0 {
        println!(
            "ir {version}: {modules} module compilations, {ops} wasm operators -> {bytes} IR bytes ({:.2} bytes per operator)",
            bytes as f64 / ops as f64
        );
    }
}
