//! Control frames and forward-patched labels of the translator.

use super::Entry;
use crate::types::ValType;

/// The kind of a structured control frame.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub(super) enum ControlKind {
    Block,
    Loop,
    If,
    /// An `if` whose `else` arm is being translated.
    Else,
}

/// A structured control frame on the translator's control stack.
#[derive(Clone, Debug)]
pub(super) struct Control {
    pub kind: ControlKind,
    /// Where branches to this frame go: the end, or for a loop its header.
    pub label: LabelId,
    /// For an `if`: the start of the else arm (or the end when there is none).
    pub else_label: Option<LabelId>,
    pub params: Vec<ValType>,
    pub results: Vec<ValType>,
    /// Operand stack height below the frame's params.
    pub height: usize,
    /// Registers branches write: result registers for blocks (made on the
    /// first branch), parameter registers for loops.
    pub merge: Option<Vec<u32>>,
    /// The operand entries an `if` started with, restored for its else arm.
    pub if_params: Vec<Entry>,
    /// For a loop: its index among the function's loops.
    pub loop_id: u32,
}

/// A label: an instruction position, or the branch sites waiting for it.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub(super) struct LabelId(u32);

#[derive(Default)]
pub(super) struct Labels {
    bound: Vec<Option<u32>>,
    pending: Vec<Vec<u32>>,
    used: Vec<bool>,
}

impl Labels {
    pub fn new_label(&mut self) -> LabelId {
        self.bound.push(None);
        self.pending.push(Vec::new());
        self.used.push(false);
        LabelId(self.bound.len() as u32 - 1)
    }

    /// Binds `label` at `pos`, returning the sites to patch.
    pub fn bind(&mut self, label: LabelId, pos: u32) -> Vec<u32> {
        self.bound[label.0 as usize] = Some(pos);
        std::mem::take(&mut self.pending[label.0 as usize])
    }

    /// Records a branch at `site`; returns the position if already bound.
    pub fn use_label(&mut self, label: LabelId, site: u32) -> Option<u32> {
        self.used[label.0 as usize] = true;
        let pos = self.bound[label.0 as usize];
        if pos.is_none() {
            self.pending[label.0 as usize].push(site);
        }
        pos
    }

    /// Whether any branch targets `label`.
    pub fn is_used(&self, label: LabelId) -> bool {
        self.used[label.0 as usize]
    }
}
