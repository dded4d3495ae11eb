//! 128-bit vector operations on NEON.

use super::Aarch64Assembler;
use crate::masm::*;

impl Aarch64Assembler {
    pub(super) fn neon_vload(&mut self, _dst: Fpr, _mem: Mem) -> u32 {
        unimplemented!()
    }
    pub(super) fn neon_vstore(&mut self, _mem: Mem, _src: Fpr) -> u32 {
        unimplemented!()
    }
    pub(super) fn neon_vbin(&mut self, _op: VBinOp, _dst: Fpr, _src: Fpr) {
        unimplemented!()
    }
    pub(super) fn neon_vun(&mut self, _op: VUnOp, _dst: Fpr, _src: Fpr) {
        unimplemented!()
    }
    pub(super) fn neon_vsplat(&mut self, _lanes: VLanes, _dst: Fpr, _src: Gpr) {
        unimplemented!()
    }
    pub(super) fn neon_vshift(&mut self, _op: VShiftOp, _dst: Fpr, _count: Fpr) {
        unimplemented!()
    }
    pub(super) fn neon_vload_kind(&mut self, _kind: VLoadKind, _dst: Fpr, _mem: Mem) -> u32 {
        unimplemented!()
    }
    pub(super) fn neon_vtest(&mut self, _op: VTestOp, _dst: Gpr, _src: Fpr) {
        unimplemented!()
    }
    pub(super) fn neon_vshuffle(&mut self, _dst: Fpr, _other: Fpr, _lanes: [u8; 16]) {
        unimplemented!()
    }
    pub(super) fn neon_vbitselect(&mut self, _dst: Fpr, _other: Fpr, _mask: Mem) {
        unimplemented!()
    }
    pub(super) fn neon_vswizzle(&mut self, _dst: Fpr, _index: Fpr) {
        unimplemented!()
    }
    pub(super) fn neon_vextract(&mut self, _lanes: VLanes, _dst: Gpr, _src: Fpr, _lane: u8) {
        unimplemented!()
    }
    pub(super) fn neon_vinsert(&mut self, _lanes: VLanes, _dst: Fpr, _src: Gpr, _lane: u8) {
        unimplemented!()
    }
}
