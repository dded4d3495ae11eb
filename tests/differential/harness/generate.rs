//! Random modules: wasm-smith configured for what Strata executes.

use arbitrary::Unstructured;

/// Largest memory a generated module may declare or grow to, in bytes: small,
/// so that hashing every memory after every call stays cheap.
pub const MAX_MEMORY_BYTES: u64 = 4 * 65536;

/// Largest table a generated module may declare or grow to.
pub const MAX_TABLE_ELEMENTS: u64 = 64;

/// A wasm-smith configuration for Wasm 2.0 (SIMD included), plus extended
/// constant expressions, tail calls, multiple memories, 64-bit memories
/// and tables and exception handling, without imports or unbounded memories and tables. `module`
/// turns on garbage collection for some modules, the only way wasm-smith
/// generates typed function references.
pub fn config() -> wasm_smith::Config {
    wasm_smith::Config {
        simd_enabled: true,
        // Relaxed SIMD (Wasm 3.0); `module` turns it on for some modules.
        relaxed_simd_enabled: false,
        bulk_memory_enabled: true,
        reference_types_enabled: true,
        multi_value_enabled: true,
        saturating_float_to_int_enabled: true,
        sign_extension_ops_enabled: true,
        // Exception handling (Wasm 3.0): tags, throw, throw_ref, try_table;
        // `module` turns it on for some modules.
        exceptions_enabled: false,
        gc_enabled: false,
        tail_call_enabled: true,
        threads_enabled: false,
        // 64-bit memories and tables (Wasm 3.0).
        memory64_enabled: true,
        wide_arithmetic_enabled: false,
        extended_const_enabled: true,
        custom_page_sizes_enabled: false,
        compact_imports_enabled: false,
        // More than one enables multiple memories (Wasm 3.0).
        max_memories: 3,
        max_tables: 2,
        max_imports: 0,
        max_memory32_bytes: MAX_MEMORY_BYTES,
        max_memory64_bytes: MAX_MEMORY_BYTES as u128,
        memory_max_size_required: true,
        max_table_elements: MAX_TABLE_ELEMENTS,
        table_max_size_required: true,
        max_funcs: 24,
        max_instructions: 256,
        max_data_segments: 8,
        max_element_segments: 8,
        max_elements: 32,
        // Every function, global, memory and table is observable.
        export_everything: true,
        // Payloads of NaNs produced by arithmetic are nondeterministic by the
        // specification; canonicalizing them in the code makes memory
        // contents and reinterpreted bits comparable.
        canonicalize_nans: true,
        ..wasm_smith::Config::default()
    }
}

/// A module generated from `u`. Most modules get fuel counters injected so
/// every loop and call chain ends (by an `unreachable` trap when the fuel
/// runs out); those counters open every function and loop with the same
/// check, so a quarter of the modules are straight-line code instead (no
/// control instructions, hence no calls or loops, and no counters), where a
/// function may begin with any instruction.
pub fn module(u: &mut Unstructured<'_>) -> arbitrary::Result<Vec<u8>> {
    let mut config = config();
    // Trap-free mode reaches deeper code (no early traps) but guards
    // divisions with `select`; both shapes are worth running.
    config.disallow_traps = u.ratio(1, 2)?;
    let straight_line = u.ratio(1, 4)?;
    if straight_line {
        use wasm_smith::InstructionKind as K;
        config.allowed_instructions = wasm_smith::InstructionKinds::new(&[
            K::Numeric,
            K::Reference,
            K::Parametric,
            K::Variable,
            K::Table,
            K::Memory,
        ]);
    }
    // Garbage collection's types and instructions make a module unsupported;
    // the modules without them exercise typed function references.
    config.gc_enabled = u.ratio(1, 4)?;
    // wasmi lacks exception handling: modules with it are compared among
    // the strategies only, so the others keep wasmi's judgement.
    config.exceptions_enabled = u.ratio(1, 3)?;
    // wasmi is not asked about relaxed SIMD, whose results engines may
    // choose (Strata's are the specification's deterministic profile in
    // every strategy): those modules compare the strategies.
    config.relaxed_simd_enabled = u.ratio(1, 4)?;
    let fuel = u.int_in_range(64..=5000)?;
    let mut module = wasm_smith::Module::new(config, u)?;
    if !straight_line {
        module
            .ensure_termination(fuel)
            .expect("wasm-smith generated every function body itself");
    }
    Ok(module.to_bytes())
}
