//! The shipped bytes: their digest, their world, and that the sources rebuild them exactly.

use riptide_wit_check::{ExpectedWorld, Validator};
use sha2::{Digest, Sha256};

#[test]
fn the_digest_is_the_digest_of_the_bytes() {
    assert_eq!(
        hex::encode(Sha256::digest(riptide_component::WASM)),
        riptide_component::SHA256
    );
}

#[test]
fn the_snapshot_matches_the_world_exactly() {
    let report = Validator::new(ExpectedWorld::bundled()).validate(riptide_component::WASM);
    assert!(report.is_valid(), "{report}");
    // The build-time init export is gone: no extra export, no other warning either.
    assert_eq!(report.warnings().count(), 0, "{report}");
}

/// `cargo xtask build-guest --check` as a test: the guest built and pre-initialized from this
/// checkout's sources is byte for byte the shipped component.
#[test]
fn the_sources_rebuild_the_shipped_bytes() {
    let rustc = std::process::Command::new("rustc")
        .arg("--version")
        .output()
        .expect("rustc runs");
    let rustc = String::from_utf8_lossy(&rustc.stdout).trim().to_string();
    assert_eq!(
        rustc,
        riptide_component::RUSTC,
        "the shipped component was built with another compiler; run `cargo xtask build-guest` \
         and commit crates/riptide-component/component/"
    );
    let bytes = riptide_guest_build::shared_component(
        env!("CARGO_MANIFEST_DIR"),
        riptide_guest_build::GUEST_PACKAGE,
    )
    .expect("the guest builds and pre-initializes");
    assert_eq!(
        hex::encode(Sha256::digest(bytes)),
        riptide_component::SHA256,
        "the shipped component is not what the sources build; run `cargo xtask build-guest` \
         and commit crates/riptide-component/component/"
    );
}
