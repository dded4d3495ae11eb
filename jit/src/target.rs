//! What lowering needs of an ISA besides its instructions: the registers
//! it gives each role, and how a compiled function's frame starts and ends.
//! One implementation per [`MacroAssembler`]; lowering is written once,
//! generic over this trait, and names no ISA.

use crate::masm::{Fpr, Gpr, MacroAssembler};
use dynasmrt::DynamicLabel;

/// An ISA lowering can target.
pub trait Target: MacroAssembler<Label = DynamicLabel> + Sized {
    /// GPRs the allocator's integer registers map to, in order: their
    /// number is the allocation's integer budget. With fuel on, the last
    /// one is [`FUEL`](Self::FUEL) and never allocated.
    const INT_ALLOC: &'static [Gpr];
    /// How many of `INT_ALLOC`'s first registers a call clobbers (the
    /// others are callee-saved in the platform's convention).
    const INT_ALLOC_CALLER_SAVED: usize;
    /// Vector registers the allocator's float registers map to, in order
    /// (their number is the float budget); all are clobbered by calls.
    const FLOAT_ALLOC: &'static [Fpr];
    /// Lowering's first integer scratch register.
    const S1: Gpr;
    /// Lowering's second integer scratch register.
    const S2: Gpr;
    /// Lowering's first vector scratch register.
    const FS1: Fpr;
    /// Lowering's second vector scratch register.
    const FS2: Fpr;
    /// The frame pointer: the running function's first cell.
    const FP: Gpr;
    /// The instance context.
    const CTX: Gpr;
    /// The base of memory 0.
    const HEAP: Gpr;
    /// The fuel counter, when fuel is on: `INT_ALLOC`'s last.
    const FUEL: Gpr;
    /// Where calls leave their result; also a temporary between
    /// instructions, where call targets and context arrays are loaded.
    const RET: Gpr;
    /// A temporary between instructions.
    const T1: Gpr;
    /// Another temporary between instructions.
    const T2: Gpr;
    /// Argument registers of runtime helpers, the context first.
    const ARGS: [Gpr; 5];
    /// The stack pointer, as a memory operand's base or a compared value.
    const SP: Gpr;
    /// Bytes [`MacroAssembler::push`] moves the stack pointer by.
    const PUSH_BYTES: i32;
    /// The register a landing site's stub finds the number of function
    /// frames a catchable raise left in.
    const RESUME_FRAMES: Gpr;

    /// A fresh assembler.
    fn assembler() -> Self;

    /// A fresh assembler whose branches reach across any function, for
    /// one that [`assembler`](Self::assembler)'s could not assemble; `None`
    /// where every branch reaches already.
    fn far_assembler() -> Option<Self> {
        None
    }

    /// A function's first instructions: saves `fp` at `[sp]`, where a
    /// landing site's stub reads it back, and whatever else the ISA needs
    /// to return (the link register), keeping `sp` 16-byte aligned.
    fn enter_frame(&mut self, fp: Gpr);

    /// Undoes [`enter_frame`](Self::enter_frame), short of the return:
    /// what a tail call does before it jumps. Leaves [`RET`](Self::RET) as
    /// it was.
    fn leave_frame(&mut self);
}
