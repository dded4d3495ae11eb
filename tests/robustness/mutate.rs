//! Ways of damaging a valid module, each aimed at a different decoder path.

use crate::prng::XorShift;

/// One kind of damage.
#[derive(Clone, Copy, Debug)]
pub enum Mutation {
    /// Cut the module short: every section and LEB reader must notice EOF.
    Truncate,
    /// Flip a few bits: mostly still well-formed, so validation gets tested.
    BitFlip,
    /// Insert a few random bytes: shifts every later size and index.
    Insert,
    /// Delete a few bytes.
    Delete,
    /// Overwrite bytes with LEB and type-code edge values.
    Overwrite,
    /// A valid header followed by random sections.
    RandomSections,
    /// Pure random bytes of random length.
    Random,
}

/// Bytes that sit on boundaries of the encoding: LEB continuation bits,
/// sign bits, value-type codes and opcode-space edges.
const INTERESTING: [u8; 12] = [
    0x00, 0x01, 0x40, 0x7f, 0x80, 0xff, 0x7b, 0x70, 0x6f, 0xfc, 0xfd, 0x0b,
];

/// Applies `mutation` to a copy of `seed`.
pub fn apply(mutation: Mutation, seed: &[u8], rng: &mut XorShift) -> Vec<u8> {
    let mut bytes = seed.to_vec();
    match mutation {
        Mutation::Truncate => bytes.truncate(rng.below(seed.len())),
        Mutation::BitFlip => {
            for _ in 0..1 + rng.below(3) {
                let at = rng.below(bytes.len());
                bytes[at] ^= 1 << rng.below(8);
            }
        }
        Mutation::Insert => {
            for _ in 0..1 + rng.below(4) {
                let at = rng.below(bytes.len() + 1);
                bytes.insert(at, rng.byte());
            }
        }
        Mutation::Delete => {
            for _ in 0..1 + rng.below(4) {
                if bytes.len() > 8 {
                    // Keep the header so the damage lands in the sections.
                    let at = 8 + rng.below(bytes.len() - 8);
                    bytes.remove(at);
                }
            }
        }
        Mutation::Overwrite => {
            for _ in 0..1 + rng.below(2) {
                let at = rng.below(bytes.len());
                bytes[at] = INTERESTING[rng.below(INTERESTING.len())];
            }
        }
        Mutation::RandomSections => {
            bytes.truncate(8);
            for _ in 0..1 + rng.below(4) {
                let len = rng.below(48);
                bytes.push(rng.below(14) as u8);
                bytes.push(len as u8);
                bytes.extend(rng.bytes(len));
            }
        }
        Mutation::Random => {
            let len = rng.below(256);
            bytes = rng.bytes(len);
        }
    }
    bytes
}
