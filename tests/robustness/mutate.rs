//! Ways of damaging a valid module, each aimed at a different decoder path.

use crate::prng::XorShift;

/// One kind of damage.
#[derive(Clone, Copy, Debug)]
pub enum Mutation {
    /// Cut the module short: every section and LEB reader must notice EOF.
    Truncate,
    /// Flip a few bits: mostly still well-formed, so validation gets tested.
    BitFlip,
    /// Insert a few random bytes, dropping as many a little further on.
    Insert,
    /// Delete a few bytes, inserting as many random ones a little further on.
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
            let (at, n, gap) = splice_site(bytes.len(), rng);
            let inserted = rng.bytes(n);
            bytes.splice(at..at, inserted);
            bytes.drain(at + n + gap..at + 2 * n + gap);
        }
        Mutation::Delete => {
            let (at, n, gap) = splice_site(bytes.len(), rng);
            bytes.drain(at..at + n);
            let inserted = rng.bytes(n);
            bytes.splice(at + gap..at + gap, inserted);
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

/// Picks where `Insert` and `Delete` work: `n` bytes at `at`, compensated
/// `gap` bytes later.
///
/// Plain insertion or deletion changes the length of the enclosing section
/// and function body, which the decoder rejects at once; compensating
/// nearby usually keeps both lengths intact, so the changed bytes reach the
/// instruction decoder and validator instead.
fn splice_site(len: usize, rng: &mut XorShift) -> (usize, usize, usize) {
    // Keep the 8-byte header so the damage lands in the sections.
    let n = 1 + rng.below(3);
    let gap = rng.below(8);
    let room = len.saturating_sub(8 + 2 * n + gap).max(1);
    (
        8 + rng.below(room).min(len.saturating_sub(8 + n + gap)),
        n,
        gap,
    )
}
