//! Open Strata bugs, recognized in a module so that a fuzzing run can note
//! them and keep searching instead of stopping at the first hit. The CI test
//! never uses this: its cases fail until fixed, listed in
//! `known-failures.txt`.
//!
//! No bug is open. When one is filed, recognize its shape here (from the wasm
//! or from `Module::emit_ir`) and return its description; delete the check
//! with the fix, so a fuzzing run catches the bug coming back.

/// An open Strata bug the module matches, by its one-line description.
pub fn strata_bug_in(_wasm: &[u8]) -> Option<&'static str> {
    None
}
