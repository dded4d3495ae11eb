//! Constant expressions: global initializers and segment offsets and items.

use crate::error::{Error, Result};
use wasmparser::Operator;

/// One step of a constant expression, run on a small value stack.
#[derive(Copy, Clone, Debug)]
enum ConstOp {
    /// Push raw cell bits.
    Bits(u64),
    /// Push a `v128` (`v128.const`).
    V128(u128),
    /// Push a reference to function `idx` of the instance.
    RefFunc(u32),
    /// Push the value of global `idx` of the instance.
    GlobalGet(u32),
    I32Add,
    I32Sub,
    I32Mul,
    I64Add,
    I64Sub,
    I64Mul,
}

/// A validated constant expression.
#[derive(Clone, Debug)]
pub(crate) struct ConstExpr {
    ops: Vec<ConstOp>,
}

impl ConstExpr {
    pub fn parse(expr: &wasmparser::ConstExpr<'_>) -> Result<ConstExpr> {
        let mut ops = Vec::new();
        let mut reader = expr.get_operators_reader();
        while !reader.eof() {
            let op = reader.read().map_err(Error::compile)?;
            ops.push(match op {
                Operator::I32Const { value } => ConstOp::Bits(value as u32 as u64),
                Operator::I64Const { value } => ConstOp::Bits(value as u64),
                Operator::F32Const { value } => ConstOp::Bits(value.bits() as u64),
                Operator::F64Const { value } => ConstOp::Bits(value.bits()),
                Operator::RefNull { .. } => ConstOp::Bits(0),
                Operator::RefFunc { function_index } => ConstOp::RefFunc(function_index),
                Operator::GlobalGet { global_index } => ConstOp::GlobalGet(global_index),
                Operator::I32Add => ConstOp::I32Add,
                Operator::I32Sub => ConstOp::I32Sub,
                Operator::I32Mul => ConstOp::I32Mul,
                Operator::I64Add => ConstOp::I64Add,
                Operator::I64Sub => ConstOp::I64Sub,
                Operator::I64Mul => ConstOp::I64Mul,
                Operator::End => break,
                Operator::V128Const { value } => ConstOp::V128(u128::from_le_bytes(*value.bytes())),
                // The validator has accepted the expression: what is left
                // is garbage collection's (`struct.new`, `ref.i31`, ...).
                other => {
                    return Err(Error::unsupported(format!(
                        "constant expression operator {other:?}"
                    )))
                }
            });
        }
        Ok(ConstExpr { ops })
    }

    /// `ref.func idx`, as element segments of function indices use.
    pub fn ref_func(idx: u32) -> ConstExpr {
        ConstExpr {
            ops: vec![ConstOp::RefFunc(idx)],
        }
    }

    /// Appends the expression's encoding (`ir::wire`).
    pub fn encode(&self, out: &mut Vec<u8>) {
        use crate::ir::wire::Wire;
        (self.ops.len() as u32).put(out);
        for op in &self.ops {
            let (tag, arg) = match *op {
                ConstOp::Bits(b) => (0u8, b),
                ConstOp::RefFunc(f) => (1, f as u64),
                ConstOp::GlobalGet(g) => (2, g as u64),
                ConstOp::I32Add => (3, 0),
                ConstOp::I32Sub => (4, 0),
                ConstOp::I32Mul => (5, 0),
                ConstOp::I64Add => (6, 0),
                ConstOp::I64Sub => (7, 0),
                ConstOp::I64Mul => (8, 0),
                ConstOp::V128(v) => (9, v as u64),
            };
            tag.put(out);
            arg.put(out);
            if let ConstOp::V128(v) = *op {
                ((v >> 64) as u64).put(out);
            }
        }
    }

    /// Takes an expression's encoding from the front of `input`.
    pub fn decode(input: &mut &[u8]) -> Option<ConstExpr> {
        use crate::ir::wire::Wire;
        let n = u32::get(input)? as usize;
        let mut ops = Vec::with_capacity(n.min(input.len() / 9));
        for _ in 0..n {
            let (tag, arg) = (u8::get(input)?, u64::get(input)?);
            ops.push(match tag {
                0 => ConstOp::Bits(arg),
                1 => ConstOp::RefFunc(u32::try_from(arg).ok()?),
                2 => ConstOp::GlobalGet(u32::try_from(arg).ok()?),
                3 => ConstOp::I32Add,
                4 => ConstOp::I32Sub,
                5 => ConstOp::I32Mul,
                6 => ConstOp::I64Add,
                7 => ConstOp::I64Sub,
                8 => ConstOp::I64Mul,
                9 => ConstOp::V128(arg as u128 | (u64::get(input)? as u128) << 64),
                _ => return None,
            });
        }
        Some(ConstExpr { ops })
    }

    /// Evaluates to cell bits ([`Val::to_bits`](crate::Val)): a `v128` in
    /// all 128, anything else in the low 64. Functions and globals are
    /// those of the instance.
    pub fn eval(&self, func_ref: impl Fn(u32) -> u64, global: impl Fn(u32) -> u128) -> u128 {
        let mut stack: Vec<u128> = Vec::with_capacity(2);
        for op in &self.ops {
            let v = match *op {
                ConstOp::Bits(b) => b as u128,
                ConstOp::V128(v) => v,
                ConstOp::RefFunc(f) => func_ref(f) as u128,
                ConstOp::GlobalGet(g) => global(g),
                bin => {
                    // Validation guarantees two operands, both integers.
                    let b = stack.pop().unwrap_or(0) as u64;
                    let a = stack.pop().unwrap_or(0) as u64;
                    (match bin {
                        ConstOp::I32Add => (a as u32).wrapping_add(b as u32) as u64,
                        ConstOp::I32Sub => (a as u32).wrapping_sub(b as u32) as u64,
                        ConstOp::I32Mul => (a as u32).wrapping_mul(b as u32) as u64,
                        ConstOp::I64Add => a.wrapping_add(b),
                        ConstOp::I64Sub => a.wrapping_sub(b),
                        _ => a.wrapping_mul(b),
                    }) as u128
                }
            };
            stack.push(v);
        }
        stack.pop().unwrap_or(0)
    }
}
