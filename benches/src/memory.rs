//! Memory used to compile and hold a module, measured in a fresh child
//! process from the kernel's resident-set counters, so that every engine's
//! allocations count (heap and mapped code alike) and no engine inherits
//! another's freed pages.

use crate::engines::EngineId;
use std::process::Command;

/// The argument that makes the `compare` binary act as a probe.
pub const PROBE_FLAG: &str = "--memory-probe";

/// Compiled and run once before measuring.
const WARMUP: &str = r#"(module (memory 1) (table 1 funcref)
    (func (export "run") (param i32) (result i64) (i64.extend_i32_u (local.get 0))))"#;

/// Resident memory attributable to one compiled module, in bytes.
#[derive(Copy, Clone, Debug, Default, PartialEq, Eq)]
pub struct Footprint {
    /// Peak resident growth while compiling.
    pub compile_peak: u64,
    /// Resident growth kept while the compiled module is alive.
    pub module: u64,
    /// Further growth from instantiating it once (`None` for a module that
    /// needs imports).
    pub instance: Option<u64>,
}

/// Resident set and its high-water mark, from `/proc/self/status`.
fn resident() -> Result<(u64, u64), String> {
    let status = std::fs::read_to_string("/proc/self/status").map_err(|e| e.to_string())?;
    let field = |name: &str| {
        status
            .lines()
            .find_map(|l| l.strip_prefix(name))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
            .map(|kb| kb * 1024)
            .ok_or_else(|| format!("/proc/self/status has no {name}"))
    };
    Ok((field("VmRSS:")?, field("VmHWM:")?))
}

/// Returns freed heap pages to the kernel, so that what is resident
/// afterwards is what is still in use.
fn trim_heap() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: malloc_trim only releases free memory of the C allocator.
    unsafe {
        libc::malloc_trim(0);
    }
}

/// Measures `engine` on `wasm` in this process; the probe child's work.
pub fn measure_here(engine: EngineId, wasm: &[u8]) -> Result<Footprint, String> {
    let runtime = engine.create().map_err(|e| e.to_string())?;
    // Engines set up global state and page in their compiler's code on first
    // use; a throwaway module keeps that one-time cost out of the figures.
    let warmup = wat::parse_str(WARMUP).map_err(|e| e.to_string())?;
    runtime.compile(&warmup)?.instantiate()?.run(0)?;
    trim_heap();
    let (base, _) = resident()?;
    // Writing 5 resets the high-water mark to the current resident size.
    std::fs::write("/proc/self/clear_refs", "5").map_err(|e| format!("clear_refs: {e}"))?;
    let module = runtime.compile(wasm)?;
    let (_, peak) = resident()?;
    trim_heap();
    let (with_module, _) = resident()?;
    let instance = match module.instantiate() {
        Ok(instance) => {
            trim_heap();
            let (with_instance, _) = resident()?;
            drop(instance);
            Some(with_instance.saturating_sub(with_module))
        }
        Err(_) => None,
    };
    drop(module);
    Ok(Footprint {
        compile_peak: peak.saturating_sub(base),
        module: with_module.saturating_sub(base),
        instance,
    })
}

/// The line a probe prints for its parent.
pub fn encode(f: &Footprint) -> String {
    let instance = f.instance.map_or("-".to_string(), |b| b.to_string());
    format!("footprint {} {} {instance}", f.compile_peak, f.module)
}

/// Runs a probe child (`exe --memory-probe ENGINE INPUT`) and reads its answer.
pub fn measure_in_child(
    exe: &std::path::Path,
    engine: EngineId,
    input: &str,
) -> Result<Footprint, String> {
    let out = Command::new(exe)
        .args([PROBE_FLAG, engine.key(), input])
        .output()
        .map_err(|e| format!("cannot start probe: {e}"))?;
    let stdout = String::from_utf8_lossy(&out.stdout);
    let line = stdout
        .lines()
        .find_map(|l| l.strip_prefix("footprint "))
        .ok_or_else(|| {
            let err = String::from_utf8_lossy(&out.stderr);
            format!("probe failed: {}", err.trim())
        })?;
    let fields: Vec<&str> = line.split_whitespace().collect();
    let parse = |s: &str| s.parse::<u64>().ok();
    match fields[..] {
        [peak, module, instance] => Ok(Footprint {
            compile_peak: parse(peak).ok_or_else(|| format!("probe printed {line:?}"))?,
            module: parse(module).ok_or_else(|| format!("probe printed {line:?}"))?,
            instance: parse(instance),
        }),
        _ => Err(format!("probe printed {line:?}")),
    }
}
