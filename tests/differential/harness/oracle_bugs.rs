//! Known bugs of the reference engine, recognized in a module's code so that
//! a disagreement they explain is not reported as Strata's.

use wasmparser::{Operator, Parser, Payload};

/// A known wasmi bug the module could trigger, by its one-line description.
///
/// wasmi 2.0.0 picks the wrong `select` operand when the condition is
/// `i32.eqz x` or `i32.ne x 0` and `x` is non-zero. wasm-smith's trap-free
/// mode guards divisors with exactly that shape. The check is syntactic: the
/// condition's producer is the operator right before `select`.
pub fn wasmi_bug_in(wasm: &[u8]) -> Option<&'static str> {
    let mut found = false;
    for payload in Parser::new(0).parse_all(wasm) {
        let Ok(Payload::CodeSectionEntry(body)) = payload else {
            continue;
        };
        let Ok(reader) = body.get_operators_reader() else {
            continue;
        };
        let mut last: [Option<Operator<'_>>; 3] = [None, None, None];
        for op in reader.into_iter().flatten() {
            if matches!(op, Operator::Select | Operator::TypedSelect { .. }) {
                found |= matches!(
                    (&last[0], &last[1], &last[2]),
                    (Some(Operator::I32Eqz), _, _)
                        | (
                            Some(Operator::I32Ne),
                            Some(Operator::I32Const { value: 0 }),
                            _
                        )
                        | (
                            Some(Operator::I32Ne),
                            _,
                            Some(Operator::I32Const { value: 0 })
                        )
                );
            }
            last = [Some(op), last[0].take(), last[1].take()];
        }
    }
    found.then_some("wasmi 2.0.0: `select` on `i32.eqz`/`i32.ne 0` picks the wrong operand")
}
