//! `Validator::validate` never panics: arbitrary bytes, component headers followed by noise,
//! and bit-flipped, truncated or overwritten versions of valid components.

use std::sync::OnceLock;

use proptest::prelude::*;
use riptide_test_support::fixtures;
use riptide_wit_check::{ExpectedWorld, ValidationReport, Validator};

fn validator() -> &'static Validator {
    static V: OnceLock<Validator> = OnceLock::new();
    V.get_or_init(|| Validator::new(ExpectedWorld::bundled()))
}

/// Components to mutate: valid ones, one with imports, one with many mismatches, a WIT package.
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

/// Validates and checks the report is coherent (a fresh validation, not a cached one).
fn validate(bytes: &[u8]) -> std::sync::Arc<ValidationReport> {
    validator().clear_cache();
    let report = validator().validate(bytes);
    assert_eq!(report.is_valid(), report.errors().next().is_none());
    assert!(report.to_string().lines().count() == report.issues().len() + 1);
    assert!(serde_json::from_str::<serde_json::Value>(&report.to_json()).is_ok());
    report
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, .. ProptestConfig::default() })]

    #[test]
    fn arbitrary_bytes(bytes in proptest::collection::vec(any::<u8>(), 0..4096)) {
        // Noise implements no world: always an error, never a panic.
        let report = validate(&bytes);
        prop_assert!(!report.is_valid(), "{report}");
    }

    #[test]
    fn component_header_then_noise(tail in proptest::collection::vec(any::<u8>(), 0..4096)) {
        let mut bytes = b"\0asm\x0d\0\x01\0".to_vec();
        bytes.extend(tail);
        // A bare header is an empty component (every export missing), noise after it is
        // malformed: either way an error.
        let report = validate(&bytes);
        prop_assert!(!report.is_valid(), "{report}");
    }

    #[test]
    fn bit_flips(seed in 0usize..5, flips in proptest::collection::vec((any::<usize>(), 0u8..8), 1..8)) {
        let mut bytes = seeds()[seed % seeds().len()].clone();
        let len = bytes.len();
        for (pos, bit) in flips {
            bytes[pos % len] ^= 1 << bit;
        }
        validate(&bytes);
    }

    #[test]
    fn truncations(seed in 0usize..5, cut in any::<usize>()) {
        let bytes = &seeds()[seed % seeds().len()];
        // A cut at a section boundary can leave a valid component (e.g. without the trailing
        // `component-type` or `producers` section): only the absence of panics is asserted.
        validate(&bytes[..cut % bytes.len()]);
    }

    #[test]
    fn overwritten_ranges(seed in 0usize..5, at in any::<usize>(), noise in proptest::collection::vec(any::<u8>(), 1..64)) {
        let mut bytes = seeds()[seed % seeds().len()].clone();
        let start = at % bytes.len();
        for (i, b) in noise.into_iter().enumerate() {
            if let Some(slot) = bytes.get_mut(start + i) {
                *slot = b;
            }
        }
        validate(&bytes);
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 16, .. ProptestConfig::default() })]

    #[test]
    fn real_component_bit_flipped_and_truncated(
        flips in proptest::collection::vec((any::<usize>(), 0u8..8), 0..8),
        cut in proptest::option::of(any::<usize>()),
    ) {
        // The real guest component (made by rustc, `wit-component` and the pre-initializer),
        // as shipped in `crates/riptide-component`.
        let mut bytes = riptide_component::WASM.to_vec();
        let len = bytes.len();
        for (pos, bit) in flips {
            bytes[pos % len] ^= 1 << bit;
        }
        if let Some(cut) = cut {
            bytes.truncate(cut % len);
        }
        validate(&bytes);
    }
}

/// A function body that claims 4 GiB: wasmparser's streaming parser (used by wit-parser's
/// decoder) would allocate that much before noticing the file is 60 bytes long. The framing
/// pass must reject it first, quickly.
#[test]
fn huge_claimed_sizes_are_rejected_without_allocating_them() {
    let module: Vec<u8> = [
        &b"\0asm\x01\0\0\0"[..],
        &[0x01, 0x04, 0x01, 0x60, 0x00, 0x00], // type section: func()
        &[0x03, 0x02, 0x01, 0x00],             // function section: one function of type 0
        &[0x0a, 0x08, 0x01, 0xf0, 0xff, 0xff, 0xff, 0x0f, 0x00, 0x0b], // body of 0xfffffff0 bytes
    ]
    .concat();
    let mut component = b"\0asm\x0d\0\x01\0".to_vec();
    component.push(0x01); // core module section
    component.push(module.len() as u8);
    component.extend_from_slice(&module);

    let mut section_too_big = b"\0asm\x0d\0\x01\0".to_vec();
    section_too_big.extend_from_slice(&[0x07, 0xf0, 0xff, 0xff, 0xff, 0x0f, 0x00]);

    for bytes in [component, section_too_big] {
        let started = std::time::Instant::now();
        let report = validate(&bytes);
        assert!(
            started.elapsed() < std::time::Duration::from_secs(1),
            "{:?}",
            started.elapsed()
        );
        let message = &report.issues()[0].message;
        assert!(
            message.starts_with("the component cannot be decoded: "),
            "{message}"
        );
    }
}
