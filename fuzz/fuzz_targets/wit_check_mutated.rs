//! The WIT validator on mutated *valid* components: bit flips, overwritten ranges and
//! truncations of the fixture components of `riptide_test_support::fixtures` (valid ones, one
//! with imports, one with many mismatches, a WIT package), so that the fuzzer starts deep
//! inside the component format instead of at its header.

#![no_main]

use std::sync::OnceLock;

use arbitrary::Arbitrary;
use libfuzzer_sys::fuzz_target;
use riptide_test_support::fixtures;
use riptide_wit_check::{ExpectedWorld, Validator};

fn validator() -> &'static Validator {
    static V: OnceLock<Validator> = OnceLock::new();
    V.get_or_init(|| Validator::new(ExpectedWorld::bundled()))
}

fn seeds() -> &'static [Vec<u8>] {
    static S: OnceLock<Vec<Vec<u8>>> = OnceLock::new();
    S.get_or_init(|| {
        fixtures::catalogue()
            .into_iter()
            .filter(|f| {
                [
                    "valid",
                    "valid-unstamped",
                    "import-unknown-interface",
                    "many-mismatches",
                    "wit-package",
                ]
                .contains(&f.name)
            })
            .map(|f| f.bytes)
            .collect()
    })
}

#[derive(Debug, Arbitrary)]
enum Edit {
    /// Flip bit `bit % 8` of byte `at % len`.
    Flip { at: usize, bit: u8 },
    /// Overwrite bytes from `at % len` on.
    Overwrite { at: usize, bytes: Vec<u8> },
    /// Cut the component at `at % len`.
    Truncate { at: usize },
}

#[derive(Debug, Arbitrary)]
struct Mutation {
    seed: u8,
    edits: Vec<Edit>,
}

fuzz_target!(|mutation: Mutation| {
    let seeds = seeds();
    if seeds.is_empty() {
        return;
    }
    let mut bytes = seeds[usize::from(mutation.seed) % seeds.len()].clone();
    for edit in mutation.edits.into_iter().take(16) {
        if bytes.is_empty() {
            break;
        }
        let len = bytes.len();
        match edit {
            Edit::Flip { at, bit } => bytes[at % len] ^= 1 << (bit % 8),
            Edit::Overwrite { at, bytes: noise } => {
                let start = at % len;
                for (slot, b) in bytes[start..].iter_mut().zip(noise) {
                    *slot = b;
                }
            }
            Edit::Truncate { at } => bytes.truncate(at % len),
        }
    }
    validator().clear_cache();
    let report = validator().validate(&bytes);
    assert_eq!(report.is_valid(), report.errors().next().is_none());
    assert_eq!(
        report.to_string().lines().count(),
        report.issues().len() + 1
    );
});
