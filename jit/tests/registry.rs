//! The registry of code ranges the trap handler searches: thousands of live
//! ranges resolve to their own trap sites, dropped registrations disappear,
//! and registering and dropping on several threads at once never shows a
//! reader a wrong site nor breaks a trap in flight.

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;
use strata_jit::signals::{range_for_tests, trap_code_at};
use strata_jit::{register, CodeMemory, Registration, TrapSite};

/// A small deterministic generator, so failures reproduce.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        // xorshift64*
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    fn shuffle<T>(&mut self, items: &mut [T]) {
        for i in (1..items.len()).rev() {
            items.swap(i, self.below(i + 1));
        }
    }
}

/// Code that is only looked up, never run, with its trap sites.
struct Block {
    code: CodeMemory,
    sites: Vec<TrapSite>,
    /// An offset inside the code that is no trap site.
    plain: u32,
}

/// Block `i`: `32 + i % 97` bytes, sites at every 7th offset from `i % 5`,
/// each reporting a code that names the block and the site.
fn block(i: usize) -> Block {
    let len = 32 + i % 97;
    let code = CodeMemory::publish(&vec![0xcc; len]).expect("maps");
    let sites: Vec<TrapSite> = (i % 5..len)
        .step_by(7)
        .map(|off| TrapSite {
            offset: off as u32,
            code: ((i as u32) << 8) | (off as u32 + 1),
        })
        .collect();
    let plain = sites[0].offset + 1;
    Block { code, sites, plain }
}

fn start(b: &Block) -> usize {
    b.code.as_ptr() as usize
}

/// Checks that every site and a non-site of `b` resolve as registered.
fn assert_registered(b: &Block) {
    let start = start(b);
    let end = start + b.code.len();
    for s in &b.sites {
        let pc = start + s.offset as usize;
        assert_eq!(trap_code_at(pc), Some(s.code), "site at {pc:#x}");
        assert_eq!(range_for_tests(pc), Some((start, end)));
    }
    let plain = start + b.plain as usize;
    assert_eq!(trap_code_at(plain), None, "non-site at {plain:#x}");
    assert_eq!(range_for_tests(plain), Some((start, end)));
    assert_eq!(range_for_tests(end - 1), Some((start, end)));
    // The rest of the page is mapped by this block alone and is not code.
    assert_eq!(range_for_tests(end), None);
}

/// Checks that nothing of `b` resolves. Only valid while `b.code` is still
/// mapped, so that no other live code can occupy its addresses.
fn assert_unregistered(b: &Block) {
    let start = start(b);
    for s in &b.sites {
        assert_eq!(trap_code_at(start + s.offset as usize), None);
    }
    assert_eq!(range_for_tests(start), None);
    assert_eq!(range_for_tests(start + b.code.len() - 1), None);
}

#[test]
fn thousands_of_ranges_resolve_to_their_own_sites() {
    const N: usize = 5000;
    let blocks: Vec<Block> = (0..N).map(block).collect();
    let mut rng = Rng(0x5eed_0001);
    let mut order: Vec<usize> = (0..N).collect();
    rng.shuffle(&mut order);
    let mut regs: Vec<Option<Registration>> = (0..N).map(|_| None).collect();
    for &i in &order {
        let b = &blocks[i];
        regs[i] = Some(register(&b.code, b.sites.clone()).expect("registers"));
    }
    for b in &blocks {
        assert_registered(b);
    }

    // Unregister a random half; the other half is untouched.
    rng.shuffle(&mut order);
    let (dropped, kept) = order.split_at(N / 2);
    for &i in dropped {
        regs[i] = None;
    }
    for &i in dropped {
        assert_unregistered(&blocks[i]);
    }
    for &i in kept {
        assert_registered(&blocks[i]);
    }

    // Re-register the dropped half with other codes, then drop everything.
    for &i in dropped {
        let b = &blocks[i];
        let sites: Vec<TrapSite> = b
            .sites
            .iter()
            .map(|s| TrapSite {
                offset: s.offset,
                code: s.code | 1 << 30,
            })
            .collect();
        regs[i] = Some(register(&b.code, sites).expect("registers"));
        for s in &b.sites {
            let pc = start(b) + s.offset as usize;
            assert_eq!(trap_code_at(pc), Some(s.code | 1 << 30));
        }
    }
    regs.clear();
    for b in &blocks {
        assert_unregistered(b);
    }
}

#[test]
fn unsorted_sites_and_empty_code_are_handled() {
    let code = CodeMemory::publish(&[0xcc; 64]).expect("maps");
    let sites = vec![
        TrapSite {
            offset: 40,
            code: 3,
        },
        TrapSite { offset: 2, code: 1 },
        TrapSite {
            offset: 17,
            code: 2,
        },
    ];
    let reg = register(&code, sites).expect("registers");
    let at = code.as_ptr() as usize;
    assert_eq!(trap_code_at(at + 2), Some(1));
    assert_eq!(trap_code_at(at + 17), Some(2));
    assert_eq!(trap_code_at(at + 40), Some(3));
    assert_eq!(trap_code_at(at + 3), None);

    // Empty code contains no PC, registered or not.
    let empty = CodeMemory::publish(&[]).expect("maps");
    let empty_reg = register(&empty, Vec::new()).expect("registers");
    assert_eq!(range_for_tests(empty.as_ptr() as usize), None);
    drop(empty_reg);
    drop(reg);
    assert_eq!(trap_code_at(at + 2), None);
}

#[cfg(target_arch = "x86_64")]
mod concurrent {
    use super::*;
    use strata_jit::masm::MacroAssembler;
    use strata_jit::trampoline;
    use strata_jit::x64::X64Assembler;

    /// A registered function; the registration drops before the code.
    struct Trapping {
        _reg: Registration,
        code: CodeMemory,
    }

    /// A function that traps with `code`, registered.
    fn trapping(code: u32) -> Trapping {
        let mut masm = X64Assembler::new();
        masm.trap(code);
        masm.ret();
        let asm = masm.finish().expect("assembles");
        let mem = CodeMemory::publish(&asm.code).expect("maps");
        Trapping {
            _reg: register(&mem, asm.trap_sites).expect("registers"),
            code: mem,
        }
    }

    fn run(code: &CodeMemory) -> Result<(), u32> {
        let mut cells = [0u64; 4];
        // SAFETY: the function traps before touching anything.
        unsafe { trampoline::call(code.as_ptr(), std::ptr::null_mut(), cells.as_mut_ptr()) }
            .map_err(|t| t.code)
    }

    #[test]
    fn register_and_drop_race_with_lookups_and_traps() {
        const WRITERS: usize = 4;
        const BLOCKS: usize = 300;
        const ROUNDS: usize = 6;

        // Every writer's blocks stay mapped for the whole test, so their
        // addresses cannot be reused and a lookup can only find their own
        // sites or nothing.
        let pools: Arc<Vec<Vec<Block>>> = Arc::new(
            (0..WRITERS)
                .map(|w| (0..BLOCKS).map(|i| block(w * BLOCKS + i)).collect())
                .collect(),
        );
        // Registered for the whole test: must resolve at every moment.
        let pinned: Vec<Block> = (0..50).map(|i| block(100_000 + i)).collect();
        let _pinned_regs: Vec<Registration> = pinned
            .iter()
            .map(|b| register(&b.code, b.sites.clone()).expect("registers"))
            .collect();
        let trap = trapping(77);

        let done = Arc::new(AtomicBool::new(false));
        let hits = Arc::new(AtomicUsize::new(0));
        std::thread::scope(|scope| {
            let reader = {
                let pools = Arc::clone(&pools);
                let done = Arc::clone(&done);
                let hits = Arc::clone(&hits);
                let pinned = &pinned;
                let trap_code = &trap.code;
                scope.spawn(move || {
                    let mut rng = Rng(0x5eed_0002);
                    let mut loops = 0usize;
                    while !done.load(Ordering::Relaxed) || loops < 100 {
                        loops += 1;
                        for _ in 0..64 {
                            let b = &pools[rng.below(WRITERS)][rng.below(BLOCKS)];
                            let s = &b.sites[rng.below(b.sites.len())];
                            let pc = start(b) + s.offset as usize;
                            match trap_code_at(pc) {
                                None => {}
                                Some(code) => {
                                    assert_eq!(code, s.code, "wrong site at {pc:#x}");
                                    hits.fetch_add(1, Ordering::Relaxed);
                                }
                            }
                        }
                        let b = &pinned[rng.below(pinned.len())];
                        let s = &b.sites[rng.below(b.sites.len())];
                        assert_eq!(trap_code_at(start(b) + s.offset as usize), Some(s.code));
                        // A real fault through the handler while writers
                        // replace snapshots.
                        assert_eq!(run(trap_code), Err(77));
                    }
                })
            };
            let writers: Vec<_> = (0..WRITERS)
                .map(|w| {
                    let pools = Arc::clone(&pools);
                    scope.spawn(move || {
                        let pool = &pools[w];
                        let mut rng = Rng(0x5eed_1000 + w as u64);
                        let mut order: Vec<usize> = (0..BLOCKS).collect();
                        for _ in 0..ROUNDS {
                            rng.shuffle(&mut order);
                            let mut regs: Vec<(usize, Registration)> = order
                                .iter()
                                .map(|&i| {
                                    let b = &pool[i];
                                    (i, register(&b.code, b.sites.clone()).expect("registers"))
                                })
                                .collect();
                            for &i in &order {
                                assert_registered(&pool[i]);
                            }
                            rng.shuffle(&mut regs);
                            while let Some((i, reg)) = regs.pop() {
                                drop(reg);
                                assert_unregistered(&pool[i]);
                            }
                        }
                    })
                })
                .collect();
            for w in writers {
                w.join().expect("writer");
            }
            done.store(true, Ordering::Relaxed);
            reader.join().expect("reader");
        });
        assert!(
            hits.load(Ordering::Relaxed) > 0,
            "the reader saw live ranges"
        );
        for pool in pools.iter() {
            for b in pool {
                assert_unregistered(b);
            }
        }
    }
}
