//! Validation cost: full and cached validation of the real guest component and of a small
//! fixture, compared with `wit_component::targets` on the same bytes.
//!
//! `cargo bench -p riptide-wit-check -- --warm-up-time 1 --measurement-time 3`
//!
//! The real guest is `$RIPTIDE_BENCH_WASM` when set (`cargo xtask bench` sets it to the guest
//! it built; the bench fails when that file cannot be read), else the shipped component
//! (`riptide_component::WASM`).

#![allow(
    missing_docs,
    reason = "criterion_group! generates an undocumented function"
)]

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use riptide_test_support::fixtures;
use riptide_wit_check::{ComponentDigest, ExpectedWorld, Validator};

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
    let bytes = match std::env::var_os("RIPTIDE_BENCH_WASM") {
        Some(path) => std::fs::read(&path).unwrap_or_else(|e| {
            panic!(
                "RIPTIDE_BENCH_WASM={}: cannot read the guest component to benchmark: {e}",
                path.display()
            )
        }),
        None => riptide_component::WASM.to_vec(),
    };
    bench_component(c, "real guest (riptide_guest.wasm)", &bytes);
    let valid = fixtures::fixture("valid");
    bench_component(c, "fixture valid (dummy component)", &valid.bytes);
}

criterion_group! {
    name = wit_check;
    config = Criterion::default().sample_size(30);
    targets = benches
}
criterion_main!(wit_check);
