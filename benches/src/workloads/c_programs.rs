//! The C programs, built by `workloads/build.sh` into `workloads/built/`
//! together with `expected.txt`, which holds each one's argument and the
//! checksum a native build of the same source returned.

use super::{CompileInput, Workload};
use std::path::PathBuf;

fn built_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("workloads/built")
}

fn read(name: &str) -> Result<Vec<u8>, String> {
    let path = built_dir().join(name);
    std::fs::read(&path).map_err(|e| format!("{}: {e}", path.display()))
}

/// The C workloads listed in `expected.txt`, in its order.
pub(super) fn all() -> Result<Vec<Workload>, String> {
    let manifest = String::from_utf8(read("expected.txt")?).map_err(|e| e.to_string())?;
    manifest
        .lines()
        .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
        .map(|line| {
            let bad = || format!("expected.txt: malformed line {line:?}");
            let mut fields = line.split_whitespace();
            let name = fields.next().ok_or_else(bad)?;
            let arg: u32 = fields.next().and_then(|f| f.parse().ok()).ok_or_else(bad)?;
            // The native driver prints the checksum as unsigned.
            let sum: u64 = fields.next().and_then(|f| f.parse().ok()).ok_or_else(bad)?;
            Ok(Workload {
                name: format!("c/{name}"),
                wasm: read(&format!("{name}.wasm"))?.into(),
                arg: arg as i32,
                expected: sum as i64,
            })
        })
        .collect()
}

/// The built C modules that only serve as compile inputs, and the largest
/// of the execution workloads.
pub(super) fn compile_inputs() -> Result<Vec<CompileInput>, String> {
    let mut inputs = vec![CompileInput {
        name: "c/libc_program".into(),
        wasm: read("libc_program.wasm")?.into(),
        instantiable: false,
    }];
    if let Some(largest) = all()?.into_iter().max_by_key(|w| w.wasm.len()) {
        inputs.push(CompileInput {
            name: largest.name,
            wasm: largest.wasm,
            instantiable: true,
        });
    }
    Ok(inputs)
}
