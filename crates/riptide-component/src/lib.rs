//! The Riptide extractor component, pre-initialized and ready to run.
//!
//! These are the bytes of `crates/riptide-guest` compiled for `wasm32-wasip2` and
//! pre-initialized by `cargo xtask build-guest` (every lazy table of the extractor built, then
//! snapshotted with wasmtime-wizer; see `riptide_guest_build::preinit`). The `riptide` crate
//! runs them by default, so that neither a user of the library nor of the CLI builds a guest.
//!
//! The bytes are reproducible: `cargo xtask build-guest --check` (and this crate's test)
//! rebuild the guest from the workspace's sources and compare the result with [`SHA256`].
//!
//! ```
//! let wasm = riptide_component::WASM;
//! assert!(wasm.starts_with(b"\0asm"));
//! assert_eq!(riptide_component::SHA256.len(), 64);
//! ```

/// The component (`riptide:extractor@0.3.0`).
pub const WASM: &[u8] = include_bytes!("../component/riptide_guest.wasm");

/// The SHA-256 of [`WASM`], lower-case hex.
pub const SHA256: &str = include_str!("../component/riptide_guest.wasm.sha256").trim_ascii();

/// The rustc that compiled the shipped bytes (`rustc --version`): a rebuild reproduces them
/// with the same compiler.
pub const RUSTC: &str = include_str!("../component/rustc-version.txt").trim_ascii();
