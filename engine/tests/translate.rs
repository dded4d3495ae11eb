//! The translator's output shape, read through the IR disassembly.

use strata::{Engine, Module};

fn ir(wat: &str) -> String {
    let module = Module::new(&Engine::default(), wat).expect("module compiles");
    module.emit_ir()
}

fn instrs(ir: &str) -> Vec<String> {
    ir.lines()
        .filter(|l| l.starts_with("  ") && !l.trim_start().starts_with(';'))
        .map(|l| {
            l.split_once(": ")
                .map(|(_, i)| i.to_string())
                .unwrap_or_default()
        })
        .collect()
}

#[test]
fn local_get_and_constants_emit_no_instructions() {
    let code = instrs(&ir(
        "(module (func (param i32) (result i32) local.get 0 i32.const 5 i32.add))",
    ));
    assert_eq!(code.len(), 2, "{code:?}");
    assert!(code[0].starts_with("i32.add r2 <- r0, r1"), "{code:?}");
    assert!(code[1].starts_with("return"), "{code:?}");
}

#[test]
fn local_set_retargets_the_producing_instruction() {
    let code = instrs(&ir("(module (func (param i32) (local i32)
        (local.set 1 (i32.mul (local.get 0) (local.get 0)))))"));
    assert!(!code.iter().any(|i| i.starts_with("copy")), "{code:?}");
    assert!(code[0].starts_with("i32.mul"), "{code:?}");
}

#[test]
fn compare_feeding_br_if_fuses_into_one_branch() {
    let code = instrs(&ir("(module (func (param i32) (local i32)
        (loop $l
          (local.set 1 (i32.add (local.get 1) (i32.const 1)))
          (br_if $l (i32.lt_u (local.get 1) (local.get 0))))))"));
    assert!(
        code.iter().any(|i| i.starts_with("br_if.i32.lt_u")),
        "{code:?}"
    );
    assert!(!code.iter().any(|i| i.starts_with("i32.lt_u")), "{code:?}");
    let back = code.iter().find(|i| i.starts_with("br_if")).unwrap();
    assert!(
        back.contains("offset=-"),
        "back-edge offset resolved: {back}"
    );
}

#[test]
fn if_condition_fuses_into_a_negated_branch() {
    let code = instrs(&ir("(module (func (param i32 i32) (result i32)
        (if (result i32) (i32.lt_s (local.get 0) (local.get 1))
          (then (i32.const 1)) (else (i32.const 2)))))"));
    assert!(code[0].starts_with("br_if.i32.ge_s r0, r1"), "{code:?}");
}

#[test]
fn allocation_reuses_cells_of_dead_temporaries() {
    // Forty independent products: each temp dies at the next store, so a
    // compact frame needs only a few cells beyond params and constants.
    let mut body = String::new();
    for i in 0..40 {
        body.push_str(&format!(
            "(i32.store (i32.const {}) (i32.mul (local.get 0) (i32.const {})))",
            i * 4,
            i + 3
        ));
    }
    let text = ir(&format!("(module (memory 1) (func (param i32) {body}))"));
    let header = text.lines().nth(1).unwrap();
    let frame: u32 = header
        .split_whitespace()
        .find_map(|w| w.strip_prefix("frame="))
        .unwrap()
        .parse()
        .unwrap();
    let consts: u32 = header
        .split_whitespace()
        .find_map(|w| w.strip_prefix("consts="))
        .unwrap()
        .parse()
        .unwrap();
    assert!(
        frame <= 1 + consts + 2,
        "frame {frame} with {consts} consts:\n{text}"
    );
}

#[test]
fn simd_bodies_translate() {
    Module::new(
        &Engine::default(),
        "(module (func (result v128) v128.const i64x2 0 0))",
    )
    .unwrap();
}

#[test]
fn invalid_module_error_names_the_function() {
    let err = Module::new(
        &Engine::default(),
        "(module (func $f (export \"f\") (result i32) i64.const 1))",
    )
    .unwrap_err();
    let msg = err.to_string();
    assert!(matches!(err.kind(), strata::ErrorKind::Compile(_)), "{msg}");
    assert!(msg.contains("function 0"), "{msg}");
    assert!(msg.contains("type mismatch"), "{msg}");
}
