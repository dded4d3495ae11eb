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
    /// For a `try_table`: its body's first instruction, and its catch
    /// clauses.
    pub try_table: Option<(u32, Vec<wasmparser::Catch>)>,
}

/// A label: an instruction position, or the branch sites waiting for it.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub(super) struct LabelId(u32);

/// Every label of a function. The branch sites waiting for a label are a
/// chain through one array (newest first), so labels allocate nothing of
/// their own.
#[derive(Default)]
pub(super) struct Labels {
    bound: Vec<Option<u32>>,
    /// Per label, the newest waiting site's link, or [`NO_LINK`].
    pending: Vec<u32>,
    /// Waiting sites: the branch instruction, and the next older link.
    links: Vec<(u32, u32)>,
    used: Vec<bool>,
}

/// The end of a chain of waiting sites.
const NO_LINK: u32 = u32::MAX;

/// The branch sites that waited for a label, from [`Labels::bind`].
pub(super) struct Waiting(u32);

impl Labels {
    pub fn new_label(&mut self) -> LabelId {
        self.bound.push(None);
        self.pending.push(NO_LINK);
        self.used.push(false);
        LabelId(self.bound.len() as u32 - 1)
    }

    /// Binds `label` at `pos`, giving the sites to patch ([`Labels::next`]).
    pub fn bind(&mut self, label: LabelId, pos: u32) -> Waiting {
        self.bound[label.0 as usize] = Some(pos);
        Waiting(std::mem::replace(
            &mut self.pending[label.0 as usize],
            NO_LINK,
        ))
    }

    /// The next site to patch of `waiting`.
    pub fn next(&self, waiting: &mut Waiting) -> Option<u32> {
        let &(site, older) = self.links.get(waiting.0 as usize)?;
        waiting.0 = older;
        Some(site)
    }

    /// Records a branch at `site`; returns the position if already bound.
    pub fn use_label(&mut self, label: LabelId, site: u32) -> Option<u32> {
        self.used[label.0 as usize] = true;
        let pos = self.bound[label.0 as usize];
        if pos.is_none() {
            let head = &mut self.pending[label.0 as usize];
            self.links.push((site, *head));
            *head = self.links.len() as u32 - 1;
        }
        pos
    }

    /// Whether any branch targets `label`.
    pub fn is_used(&self, label: LabelId) -> bool {
        self.used[label.0 as usize]
    }

    /// Forgets every label, keeping the buffers.
    pub fn clear(&mut self) {
        self.bound.clear();
        self.pending.clear();
        self.links.clear();
        self.used.clear();
    }
}
