//! Chooses the interpreter's dispatch: threaded where the build optimises
//! fully (opt-level 2 or 3), portable elsewhere, or when the
//! `portable-dispatch` feature asks for it. Threaded dispatch needs every
//! handler's call in tail position to become a jump, which LLVM does only
//! when the handler has no local whose address escapes; at opt-level 1
//! (or `s`/`z`) the SIMD handlers' lane code is not all inlined, its
//! temporaries escape into the calls left, and the native stack would grow
//! by a frame per instruction.

fn main() {
    println!("cargo::rustc-check-cfg=cfg(strata_threaded)");
    println!("cargo::rerun-if-env-changed=OPT_LEVEL");
    let opt = std::env::var("OPT_LEVEL").unwrap_or_default();
    let portable = std::env::var_os("CARGO_FEATURE_PORTABLE_DISPATCH").is_some();
    if matches!(opt.as_str(), "2" | "3") && !portable {
        println!("cargo::rustc-cfg=strata_threaded");
    }
}
