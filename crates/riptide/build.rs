//! Builds the guest component and bundles it into the library.
//!
//! In a checkout of the workspace the guest (`crates/riptide-guest`) is compiled for
//! `wasm32-wasip2` in release mode into `target/guest` and copied into `OUT_DIR`. Set
//! `RIPTIDE_GUEST_WASM` to a built component to bundle that instead. Outside the workspace
//! (e.g. `cargo package`'s verification build) no component is bundled: the library then
//! needs `component_path` or `component_bytes`.

use std::path::PathBuf;

use riptide_guest_build::GuestBuild;

fn main() {
    println!("cargo::rustc-check-cfg=cfg(riptide_bundled)");
    println!("cargo:rerun-if-env-changed=RIPTIDE_GUEST_WASM");
    println!("cargo:rerun-if-changed=build.rs");
    let out_dir = PathBuf::from(std::env::var_os("OUT_DIR").expect("cargo sets OUT_DIR"));
    let bundled = out_dir.join("riptide_guest.wasm");

    let source = if let Some(path) = std::env::var_os("RIPTIDE_GUEST_WASM") {
        let path = PathBuf::from(path);
        println!("cargo:rerun-if-changed={}", path.display());
        Some(path)
    } else {
        let manifest_dir =
            std::env::var_os("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR");
        match GuestBuild::from_crate_dir(&manifest_dir) {
            Ok(build) => {
                for path in build.source_paths() {
                    println!("cargo:rerun-if-changed={}", path.display());
                }
                match build.build() {
                    Ok(built) => Some(built.wasm),
                    Err(e) => panic!("{e}"),
                }
            }
            Err(_) => {
                println!(
                    "cargo:warning=riptide: not inside the Riptide workspace, so no extractor component is bundled; \
                     set RIPTIDE_GUEST_WASM to bundle one, or use ExtractorBuilder::component_path"
                );
                None
            }
        }
    };
    match source {
        Some(path) => {
            std::fs::copy(&path, &bundled).unwrap_or_else(|e| {
                panic!("could not copy the guest component {}: {e}", path.display())
            });
            println!("cargo:rustc-cfg=riptide_bundled");
        }
        None => {
            std::fs::write(&bundled, b"").expect("OUT_DIR is writable");
        }
    }
}
