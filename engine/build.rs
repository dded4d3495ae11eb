//! Chooses the interpreter's dispatch: threaded where the build optimises
//! (LLVM turns the handlers' calls in tail position into jumps from
//! opt-level 1 up), portable where it does not, or when the
//! `portable-dispatch` feature asks for it.

fn main() {
    println!("cargo::rustc-check-cfg=cfg(strata_threaded)");
    println!("cargo::rerun-if-env-changed=OPT_LEVEL");
    let opt = std::env::var("OPT_LEVEL").unwrap_or_default();
    let portable = std::env::var_os("CARGO_FEATURE_PORTABLE_DISPATCH").is_some();
    if opt != "0" && !portable {
        println!("cargo::rustc-cfg=strata_threaded");
    }
}
