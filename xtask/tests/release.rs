//! The published crates work out of the box: `cargo xtask release-check --quick` as a test.
//!
//! It packages every publishable crate (`cargo package --workspace`, without the verification
//! builds, which `cargo xtask release-check` runs), unpacks the packages into a directory
//! outside the workspace, builds the `riptide` CLI and the README's library example from those
//! packages alone (the `riptide-*` dependencies patched to the unpacked packages), moves the
//! unpacked sources away and then extracts a real page with both. `riptide info` must report
//! the SHA-256 of the component inside the packaged `riptide-component`: the bundled bytes are
//! the package's, not a file found on disk.
//!
//! The builds share the workspace's build directory (intermediate artifacts) and profiles, so
//! on CI the cost is the 27 crates whose features differ outside the workspace (wasmtime,
//! cranelift-codegen, the wasm-tools crates: an estimated 5 minutes on 2 cores; 15 s once
//! built); docs, the MSRV check, the guest
//! rebuild and the release `cargo install` are left to `cargo xtask release-check` (see
//! `docs/releasing.md`). Nothing is skipped: a missing tool or network failure fails the test.

use std::path::Path;
use std::process::Command;

#[test]
fn the_cli_built_from_the_packages_extracts_a_page_with_the_packaged_component() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask lives in the workspace");
    let out = Command::new(env!("CARGO_BIN_EXE_xtask"))
        .current_dir(root)
        .args(["release-check", "--quick"])
        .output()
        .expect("the xtask binary runs");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "xtask release-check --quick failed ({}):\n--- stdout\n{stdout}\n--- stderr\n{}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    // Each part ran (a step that did not run would leave its line out).
    for step in [
        "cargo package --workspace --no-verify: ok",
        "CLI built from the packages (dev profile): ok",
        "README library example built from the packages: ok",
        "the CLI extracts a page with the package's component: ok",
        "the README example extracts the page: ok",
    ] {
        assert!(stdout.contains(step), "no `{step}` in:\n{stdout}");
    }
    assert!(
        stdout.contains(&format!(
            "riptide info: component sha256 {}",
            riptide::bundled_component_sha256()
        )),
        "the CLI did not report the shipped component:\n{stdout}"
    );
}
