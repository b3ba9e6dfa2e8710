//! Validation cost: full and cached validation of the real guest component (if built) and of
//! a small fixture, compared with `wit_component::targets` on the same bytes.
//!
//! `cargo bench -p riptide-wit-check -- --warm-up-time 1 --measurement-time 3`
//!
//! The real guest is `$RIPTIDE_BENCH_WASM` (set by `cargo xtask bench`), or the component
//! `cargo xtask build-guest` leaves in `target/guest/`.

use std::hint::black_box;
use std::path::PathBuf;

use criterion::{Criterion, criterion_group, criterion_main};
use riptide_test_support::fixtures;
use riptide_wit_check::{ComponentDigest, ExpectedWorld, Validator};

/// The shipped guest component (committed in `crates/riptide-component`).
const SHIPPED_GUEST: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../riptide-component/component/riptide_guest.wasm"
);

fn bench_component(c: &mut Criterion, label: &str, bytes: &[u8]) {
    let expected = ExpectedWorld::bundled();
    let validator = Validator::new(expected.clone());
    assert!(
        validator.validate(bytes).is_valid(),
        "{label} must be valid"
    );
    let mut group = c.benchmark_group(label);

    group.bench_function("validate (full: sha-256 + decode + compare)", |b| {
        b.iter(|| {
            validator.clear_cache();
            black_box(validator.validate(black_box(bytes)))
        })
    });
    group.bench_function("validate (cached: sha-256 + lookup)", |b| {
        validator.validate(bytes);
        b.iter(|| black_box(validator.validate(black_box(bytes))))
    });
    let digest = ComponentDigest::of(bytes);
    group.bench_function("cached(&digest) lookup", |b| {
        validator.validate(bytes);
        b.iter(|| black_box(validator.cached(black_box(&digest))))
    });
    group.bench_function("sha-256 only", |b| {
        b.iter(|| black_box(ComponentDigest::of(black_box(bytes))))
    });
    group.bench_function("wit_component::decode only", |b| {
        b.iter(|| black_box(wit_component::decode(black_box(bytes)).is_ok()))
    });
    for semver in [false, true] {
        group.bench_function(
            format!("wit_component::targets(semver_compatible={semver})"),
            |b| {
                b.iter(|| {
                    let r =
                        wit_component::targets(expected.resolve(), expected.world(), bytes, semver);
                    black_box(r.is_ok())
                })
            },
        );
    }
    group.finish();
}

fn benches(c: &mut Criterion) {
    let real_guest = std::env::var_os("RIPTIDE_BENCH_WASM")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(SHIPPED_GUEST));
    let bytes = std::fs::read(&real_guest)
        .unwrap_or_else(|e| panic!("the real guest {}: {e}", real_guest.display()));
    bench_component(c, "real guest (riptide_guest.wasm)", &bytes);
    let valid = fixtures::catalogue()
        .into_iter()
        .find(|f| f.name == "valid")
        .map(|f| f.bytes)
        .unwrap_or_default();
    bench_component(c, "fixture valid (dummy component)", &valid);
}

criterion_group! {
    name = wit_check;
    config = Criterion::default().sample_size(30);
    targets = benches
}
criterion_main!(wit_check);
