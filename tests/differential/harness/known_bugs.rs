//! Open Strata bugs, recognized in a module's code so that a fuzzing run can
//! note them and keep searching. The CI test never uses this: its cases fail
//! until fixed, listed in `known-failures.txt`.

use wasmparser::{Operator, Parser, Payload};

/// An open Strata bug the module's shape matches, by its one-line
/// description.
///
/// Compiled code loses a local when the function's first instruction that
/// emits IR is one the JIT lowers to a call (`memory.size`, `table.size`,
/// `data.drop`, a call, ...): local live intervals start at position 0, the
/// call's own read position, so the register allocator does not see the call
/// as crossed and keeps the local in a caller-saved register.
pub fn strata_bug_in(wasm: &[u8]) -> Option<&'static str> {
    for payload in Parser::new(0).parse_all(wasm) {
        let Ok(Payload::CodeSectionEntry(body)) = payload else {
            continue;
        };
        let Ok(reader) = body.get_operators_reader() else {
            continue;
        };
        for op in reader.into_iter().flatten() {
            match op {
                // Operands only: no IR of their own.
                Operator::I32Const { .. }
                | Operator::I64Const { .. }
                | Operator::F32Const { .. }
                | Operator::F64Const { .. }
                | Operator::RefNull { .. }
                | Operator::LocalGet { .. }
                | Operator::Nop => continue,
                op if lowered_to_call(&op) => return Some(CALL_AT_ENTRY),
                _ => break,
            }
        }
    }
    None
}

/// See [`strata_bug_in`].
pub const CALL_AT_ENTRY: &str =
    "JIT: a local is clobbered when the function's first IR instruction is lowered to a call";

fn lowered_to_call(op: &Operator<'_>) -> bool {
    matches!(
        op,
        Operator::Call { .. }
            | Operator::CallIndirect { .. }
            | Operator::MemorySize { .. }
            | Operator::MemoryGrow { .. }
            | Operator::MemoryFill { .. }
            | Operator::MemoryCopy { .. }
            | Operator::MemoryInit { .. }
            | Operator::DataDrop { .. }
            | Operator::TableGet { .. }
            | Operator::TableSet { .. }
            | Operator::TableSize { .. }
            | Operator::TableGrow { .. }
            | Operator::TableFill { .. }
            | Operator::TableCopy { .. }
            | Operator::TableInit { .. }
            | Operator::ElemDrop { .. }
            | Operator::RefFunc { .. }
    )
}
