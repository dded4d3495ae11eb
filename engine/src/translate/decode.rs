//! Decoding each operator once: the reader calls one visitor method per
//! operator, which hands its immediates to the function validator's method
//! of the same name and then to the translator as an [`Operator`].
//!
//! Reading an `Operator` first and validating it after (`FuncValidator::op`)
//! decodes nothing twice, but dispatches on the operator three times and
//! moves it through `Result`s; visiting dispatches once, in the reader.

use crate::error::{Error, Result};
use wasmparser::{
    BinaryReader, FuncValidator, Operator, OperatorsReader, ValidatorResources, VisitOperator,
};

/// Visits every operator of the body that `reader` is at once: `validator`
/// (when the body still needs validating) checks it at its offset, then
/// `sink` gets it. `err` turns wasmparser's errors into the function's.
pub(crate) fn visit_body<'a>(
    reader: BinaryReader<'a>,
    validator: Option<&mut FuncValidator<ValidatorResources>>,
    err: impl Fn(wasmparser::BinaryReaderError) -> Error,
    sink: impl FnMut(&Operator<'a>) -> Result<()>,
) -> Result<()> {
    let mut visitor = OneDecode {
        validator,
        offset: 0,
        sink,
        err: &err,
    };
    let mut ops = OperatorsReader::new(reader);
    while !ops.eof() {
        visitor.offset = ops.original_position();
        ops.visit_operator(&mut visitor).map_err(&err)??;
    }
    ops.finish().map_err(&err)
}

/// The visitor of [`visit_body`].
struct OneDecode<'v, 'e, F, E> {
    validator: Option<&'v mut FuncValidator<ValidatorResources>>,
    /// The operator's offset in the module, for the validator's errors.
    offset: u64,
    sink: F,
    err: &'e E,
}

/// One visitor method per operator: validate through the validator's
/// visitor `$visitor` (the immediates are `Copy` but for `br_table` and
/// `try_table`, cloned cheaply), then translate.
macro_rules! visit_with {
    ($visitor:ident; $(@$proposal:ident $op:ident $({ $($arg:ident: $argty:ty),* })? => $visit:ident ($($ann:tt)*))*) => {
        $(
            #[allow(clippy::clone_on_copy)]
            fn $visit(&mut self $($(, $arg: $argty)*)?) -> Result<()> {
                if let Some(validator) = self.validator.as_deref_mut() {
                    validator
                        .$visitor(self.offset)
                        .$visit($($($arg.clone()),*)?)
                        .map_err(self.err)?;
                }
                (self.sink)(&Operator::$op $({ $($arg),* })?)
            }
        )*
    };
}

/// [`visit_with`] for the operators the validator's plain visitor takes.
macro_rules! visit_once {
    ($($ops:tt)*) => { visit_with!(visitor; $($ops)*); };
}

/// [`visit_with`] for SIMD operators, which the validator visits through
/// its SIMD visitor.
macro_rules! visit_simd_once {
    ($($ops:tt)*) => { visit_with!(simd_visitor; $($ops)*); };
}

impl<'a, F, E> VisitOperator<'a> for OneDecode<'_, '_, F, E>
where
    F: FnMut(&Operator<'a>) -> Result<()>,
    E: Fn(wasmparser::BinaryReaderError) -> Error,
{
    type Output = Result<()>;

    fn simd_visitor(
        &mut self,
    ) -> Option<&mut dyn wasmparser::VisitSimdOperator<'a, Output = Self::Output>> {
        Some(self)
    }

    wasmparser::for_each_visit_operator!(visit_once);
}

impl<'a, F, E> wasmparser::VisitSimdOperator<'a> for OneDecode<'_, '_, F, E>
where
    F: FnMut(&Operator<'a>) -> Result<()>,
    E: Fn(wasmparser::BinaryReaderError) -> Error,
{
    wasmparser::for_each_visit_simd_operator!(visit_simd_once);
}
