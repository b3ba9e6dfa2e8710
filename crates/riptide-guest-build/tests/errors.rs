//! What goes wrong in a guest build is an error that says which step failed and what to do:
//! a nested build that fails, a component that is missing, bytes that are not a component, a
//! component without the init export or without the export to remove.

use std::path::PathBuf;

use riptide_guest_build::preinit::{self, INIT_EXPORT, PreinitError};
use riptide_guest_build::stamp::{StampError, stamp};
use riptide_guest_build::{BuiltGuest, GUEST_PACKAGE, GuestBuild, GuestBuildError};
use riptide_wit_check::ExpectedWorld;

/// The shipped, pre-initialized guest: its init export was removed after the snapshot.
fn preinitialized() -> &'static [u8] {
    riptide_guest_build::shared_component(env!("CARGO_MANIFEST_DIR"), GUEST_PACKAGE)
        .expect("the guest builds")
}

#[test]
fn a_failed_nested_build_is_an_error_that_says_how_to_see_why() {
    let target = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("guest-build-failed");
    let err = GuestBuild::from_crate_dir(env!("CARGO_MANIFEST_DIR"))
        .unwrap()
        .package("no-such-package")
        .target_dir(&target)
        .verbose(false)
        .stamp(false)
        .env("RIPTIDE_GUEST_BUILD_TEST", "1")
        .build()
        .unwrap_err();
    assert!(matches!(err, GuestBuildError::Failed { .. }), "{err}");
    assert!(
        err.to_string().contains("run `cargo xtask build-guest`"),
        "{err}"
    );
}

#[test]
fn a_component_that_is_not_there_cannot_be_read() {
    let missing = BuiltGuest {
        wasm: PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("no-such-component.wasm"),
    };
    let err = missing.read().unwrap_err();
    assert!(matches!(err, GuestBuildError::Read { .. }), "{err}");
    assert!(err.to_string().contains("no-such-component.wasm"), "{err}");
}

#[test]
fn a_world_is_recorded_in_components_only() {
    let err = stamp(b"\0asm\x01\0\0\0", &ExpectedWorld::bundled()).unwrap_err();
    assert!(matches!(err, StampError::NotAComponent), "{err}");
    assert!(
        err.to_string().contains("not a WebAssembly component"),
        "{err}"
    );
}

#[test]
fn a_component_without_the_init_export_cannot_be_preinitialized() {
    let err = preinit::snapshot(preinitialized(), INIT_EXPORT).unwrap_err();
    assert!(
        matches!(err, PreinitError::NoInitExport { ref name } if name == INIT_EXPORT),
        "{err}"
    );
    assert!(
        err.to_string()
            .contains("is it built from crates/riptide-guest"),
        "{err}"
    );
}

#[test]
fn a_crate_outside_the_workspace_is_refused() {
    let err = GuestBuild::from_crate_dir(std::env::temp_dir()).unwrap_err();
    assert!(matches!(err, GuestBuildError::NotAWorkspace(_)), "{err}");
}
