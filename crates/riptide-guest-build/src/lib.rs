//! Build the Riptide guest component for `wasm32-wasip2`, and pre-initialize it ([`preinit`]).
//!
//! The guest is compiled by a nested `cargo build --release --target wasm32-wasip2` into its
//! own target directory (`target/guest` of the workspace), so it never contends for the lock
//! of the build that calls it. Variables that cargo sets for build scripts (and that would
//! leak into the nested build, such as clippy's rustc wrapper) are removed.
//!
//! ```no_run
//! use riptide_guest_build::GuestBuild;
//! let built = GuestBuild::from_workspace_root(".").unwrap().build().unwrap();
//! assert!(built.wasm.ends_with("riptide_guest.wasm"));
//! ```

use std::path::{Path, PathBuf};
use std::process::Command;

use riptide_wit_check::ExpectedWorld;

pub mod preinit;
pub mod stamp;

/// The Rust target the guest is built for.
pub const TARGET: &str = "wasm32-wasip2";

/// The package name of the guest crate.
pub const GUEST_PACKAGE: &str = "riptide-guest";

/// Why the guest could not be built.
#[derive(Debug, thiserror::Error)]
pub enum GuestBuildError {
    /// The directory is not the Riptide workspace.
    #[error(
        "{0} is not the Riptide workspace (no crates/riptide-guest/Cargo.toml there); \
         build from a checkout of the repository (the published `riptide` crate ships its component \
         in `riptide-component`)"
    )]
    NotAWorkspace(PathBuf),
    /// `cargo` could not be started.
    #[error("could not run cargo ({0}); is the Rust toolchain installed?")]
    Spawn(std::io::Error),
    /// The nested build failed.
    #[error(
        "building the guest component failed (exit status {status}); run `cargo xtask build-guest` \
         to see the errors; is the target installed (`rustup target add {TARGET}`)?"
    )]
    Failed {
        /// The exit status of cargo.
        status: std::process::ExitStatus,
    },
    /// The build succeeded but the component is not where it should be.
    #[error("the guest build finished but {0} does not exist")]
    Missing(PathBuf),
    /// The built component could not be read.
    #[error("could not read the built component {path}: {source}")]
    Read {
        /// The component.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// The built component could not be pre-initialized.
    #[error("could not pre-initialize {path}: {source}")]
    Preinit {
        /// The component.
        path: PathBuf,
        /// Why.
        #[source]
        source: preinit::PreinitError,
    },
    /// The workspace's WIT world could not be loaded.
    #[error("could not load the WIT world of {path}: {source}")]
    Wit {
        /// The WIT directory.
        path: PathBuf,
        /// Why.
        #[source]
        source: riptide_wit_check::WitCheckError,
    },
    /// Recording the world in the component failed.
    #[error("could not record the WIT world in {path}: {source}")]
    Stamp {
        /// The component.
        path: PathBuf,
        /// Why.
        #[source]
        source: stamp::StampError,
    },
    /// The finished component could not be written.
    #[error("could not write the component {path}: {source}")]
    Write {
        /// The component.
        path: PathBuf,
        /// Why.
        #[source]
        source: std::io::Error,
    },
}

/// A configured build of the guest component.
#[derive(Debug, Clone)]
pub struct GuestBuild {
    workspace: PathBuf,
    target_dir: PathBuf,
    package: String,
    quiet: bool,
    stamp: bool,
    preinit: bool,
    envs: Vec<(String, String)>,
}

/// The result of a successful build.
#[derive(Debug, Clone)]
pub struct BuiltGuest {
    /// The path of the component (`.wasm`).
    pub wasm: PathBuf,
}

impl BuiltGuest {
    /// The component's bytes.
    ///
    /// # Errors
    /// [`GuestBuildError::Read`] when the file cannot be read.
    pub fn read(&self) -> Result<Vec<u8>, GuestBuildError> {
        std::fs::read(&self.wasm).map_err(|source| GuestBuildError::Read {
            path: self.wasm.clone(),
            source,
        })
    }
}

/// The bytes of `package`'s component (the guest, or another component crate of the
/// workspace that holds `crate_dir`), built and read once per process and then shared: for
/// test and benchmark binaries whose many cases use the same component. A failed build is
/// not remembered; the next call tries again.
///
/// ```no_run
/// let bytes = riptide_guest_build::shared_component(".", riptide_guest_build::GUEST_PACKAGE)
///     .expect("the guest builds");
/// assert!(bytes.starts_with(b"\0asm"));
/// ```
///
/// # Errors
/// As [`GuestBuild::from_crate_dir`], [`GuestBuild::build`] and [`BuiltGuest::read`].
pub fn shared_component(
    crate_dir: impl AsRef<Path>,
    package: &str,
) -> Result<&'static [u8], GuestBuildError> {
    type Built = std::collections::HashMap<(PathBuf, String), &'static [u8]>;
    static BUILT: std::sync::Mutex<Option<Built>> = std::sync::Mutex::new(None);
    let key = (crate_dir.as_ref().to_path_buf(), package.to_string());
    // A panic elsewhere while the lock was held leaves the map usable.
    let mut built = BUILT
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    if let Some(bytes) = built.as_ref().and_then(|b| b.get(&key)) {
        return Ok(bytes);
    }
    let bytes = GuestBuild::from_crate_dir(crate_dir)?
        .package(package)
        .build()?
        .read()?;
    let bytes: &'static [u8] = Box::leak(bytes.into_boxed_slice());
    built
        .get_or_insert_with(Default::default)
        .insert(key, bytes);
    Ok(bytes)
}

impl GuestBuild {
    /// A build of the guest of the workspace at `root` into `root/target/guest`.
    ///
    /// # Errors
    /// [`GuestBuildError::NotAWorkspace`] when `root` has no guest crate.
    pub fn from_workspace_root(root: impl AsRef<Path>) -> Result<Self, GuestBuildError> {
        let workspace = root.as_ref().to_path_buf();
        if !workspace.join("crates/riptide-guest/Cargo.toml").is_file() {
            return Err(GuestBuildError::NotAWorkspace(workspace));
        }
        Ok(GuestBuild {
            target_dir: workspace.join("target").join("guest"),
            workspace,
            package: GUEST_PACKAGE.to_string(),
            quiet: true,
            stamp: true,
            preinit: true,
            envs: Vec::new(),
        })
    }

    /// Find the workspace root from a crate directory inside it (e.g. `CARGO_MANIFEST_DIR`).
    ///
    /// # Errors
    /// [`GuestBuildError::NotAWorkspace`] when no ancestor holds the guest crate.
    pub fn from_crate_dir(dir: impl AsRef<Path>) -> Result<Self, GuestBuildError> {
        let dir = dir.as_ref();
        dir.ancestors()
            .find(|d| d.join("crates/riptide-guest/Cargo.toml").is_file())
            .map_or_else(
                || Err(GuestBuildError::NotAWorkspace(dir.to_path_buf())),
                Self::from_workspace_root,
            )
    }

    /// Build another package of the workspace as a component (e.g. a test guest). Only the
    /// extractor guest is pre-initialized by default.
    pub fn package(mut self, package: impl Into<String>) -> Self {
        self.package = package.into();
        self.preinit = self.package == GUEST_PACKAGE;
        self
    }

    /// Pre-initialize the component (default: on for the extractor guest): run its build-time
    /// export [`preinit::INIT_EXPORT`] and ship the snapshot (see [`preinit`]). Off, the
    /// extractor guest lands in `riptide_guest-raw.wasm`, so that both can sit side by side.
    pub fn preinit(mut self, preinit: bool) -> Self {
        self.preinit = preinit;
        self
    }

    /// Use another target directory.
    pub fn target_dir(mut self, dir: impl Into<PathBuf>) -> Self {
        self.target_dir = dir.into();
        self
    }

    /// Show cargo's progress output (default: quiet).
    pub fn verbose(mut self, verbose: bool) -> Self {
        self.quiet = !verbose;
        self
    }

    /// Record the workspace's WIT world (package and version) in the component with
    /// [`stamp::stamp`], so that `riptide-wit-check` can check them (default: on; rustc's
    /// component linker does not keep them).
    pub fn stamp(mut self, stamp: bool) -> Self {
        self.stamp = stamp;
        self
    }

    /// Set an environment variable for the guest's compilation (e.g. a build stamp).
    pub fn env(mut self, key: impl Into<String>, value: impl Into<String>) -> Self {
        self.envs.push((key.into(), value.into()));
        self
    }

    /// The workspace root.
    pub fn workspace(&self) -> &Path {
        &self.workspace
    }

    /// Source directories whose changes require a rebuild (for `cargo:rerun-if-changed`).
    ///
    /// For another [`package`](Self::package) living in `crates/<package>`, its sources are
    /// listed too.
    pub fn source_paths(&self) -> Vec<PathBuf> {
        let mut paths: Vec<PathBuf> = [
            "wit",
            "crates/riptide-guest/src",
            "crates/riptide-guest/Cargo.toml",
            "crates/riptide-extract/src",
            "crates/riptide-extract/Cargo.toml",
            "Cargo.lock",
        ]
        .iter()
        .map(|p| self.workspace.join(p))
        .collect();
        if self.package != GUEST_PACKAGE {
            let dir = self.workspace.join("crates").join(&self.package);
            if dir.is_dir() {
                paths.push(dir.join("src"));
                paths.push(dir.join("Cargo.toml"));
            }
        }
        paths
    }

    /// Where cargo writes the component of `package`.
    pub fn cargo_output_path(&self) -> PathBuf {
        self.target_dir
            .join(TARGET)
            .join("release")
            .join(format!("{}.wasm", self.package.replace('-', "_")))
    }

    /// Where the finished component lands: the pre-initialized or stamped copy, or cargo's
    /// output when both are off.
    pub fn output_path(&self) -> PathBuf {
        if !self.stamp && !self.preinit {
            return self.cargo_output_path();
        }
        let raw = if !self.preinit && self.package == GUEST_PACKAGE {
            "-raw"
        } else {
            ""
        };
        self.target_dir
            .join(format!("{}{raw}.wasm", self.package.replace('-', "_")))
    }

    /// Run the build.
    ///
    /// # Errors
    /// [`GuestBuildError::Spawn`] when cargo cannot be started, [`GuestBuildError::Failed`]
    /// when the build fails, [`GuestBuildError::Missing`] when no component was produced.
    pub fn build(&self) -> Result<BuiltGuest, GuestBuildError> {
        let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
        let mut cmd = Command::new(cargo);
        cmd.current_dir(&self.workspace)
            .args(["build", "--release", "--target", TARGET, "-p"])
            .arg(&self.package)
            .arg("--target-dir")
            .arg(&self.target_dir);
        if self.quiet {
            cmd.arg("--quiet");
        }
        // Variables cargo sets for build scripts and wrappers (clippy's among them) must not
        // leak into the nested build.
        for (key, _) in std::env::vars_os() {
            let Some(key) = key.to_str() else { continue };
            if key.starts_with("CARGO_")
                && key != "CARGO_HOME"
                && key != "CARGO_NET_OFFLINE"
                && !key.starts_with("CARGO_REGISTRIES_")
                && !key.starts_with("CARGO_HTTP_")
            {
                cmd.env_remove(key);
            }
        }
        for key in [
            "RUSTC_WRAPPER",
            "RUSTC_WORKSPACE_WRAPPER",
            "RUSTFLAGS",
            "RUSTDOCFLAGS",
            "TARGET",
            "HOST",
            "OUT_DIR",
            "OPT_LEVEL",
            "PROFILE",
            "DEBUG",
            "NUM_JOBS",
        ] {
            cmd.env_remove(key);
        }
        // The same sources give the same bytes wherever the checkout and the cargo home are
        // (panic locations name source paths). No commit or time is recorded for that reason.
        let mut rustflags = format!("--remap-path-prefix={}=/riptide", self.workspace.display());
        if let Some(home) = cargo_home() {
            rustflags.push_str(&format!(" --remap-path-prefix={}=/cargo", home.display()));
        }
        cmd.env("RUSTFLAGS", rustflags);
        for (key, value) in &self.envs {
            cmd.env(key, value);
        }
        let status = cmd.status().map_err(GuestBuildError::Spawn)?;
        if !status.success() {
            return Err(GuestBuildError::Failed { status });
        }
        let built = self.cargo_output_path();
        if !built.is_file() {
            return Err(GuestBuildError::Missing(built));
        }
        let wasm = self.output_path();
        if wasm == built {
            return Ok(BuiltGuest { wasm });
        }
        let mut bytes = std::fs::read(&built).map_err(|source| GuestBuildError::Read {
            path: built.clone(),
            source,
        })?;
        if self.preinit {
            bytes = preinit::snapshot(&bytes, preinit::INIT_EXPORT).map_err(|source| {
                GuestBuildError::Preinit {
                    path: built.clone(),
                    source,
                }
            })?;
        }
        if self.stamp {
            let wit = self.workspace.join("wit");
            let world = ExpectedWorld::from_dir(&wit, Some("extractor"))
                .map_err(|source| GuestBuildError::Wit { path: wit, source })?;
            bytes = stamp::stamp(&bytes, &world).map_err(|source| GuestBuildError::Stamp {
                path: built.clone(),
                source,
            })?;
        }
        std::fs::write(&wasm, bytes).map_err(|source| GuestBuildError::Write {
            path: wasm.clone(),
            source,
        })?;
        Ok(BuiltGuest { wasm })
    }
}

/// Cargo's home directory (`CARGO_HOME`, or `~/.cargo`), whose registry sources the guest
/// compiles.
fn cargo_home() -> Option<PathBuf> {
    std::env::var_os("CARGO_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cargo")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_directory_without_the_guest_is_refused() {
        let err = GuestBuild::from_workspace_root("/").unwrap_err();
        assert!(err.to_string().contains("is not the Riptide workspace"));
    }

    #[test]
    fn the_workspace_is_found_from_a_crate_dir() {
        let build = GuestBuild::from_crate_dir(env!("CARGO_MANIFEST_DIR")).unwrap();
        assert!(build.workspace().join("Cargo.toml").is_file());
        assert!(
            build
                .output_path()
                .ends_with("target/guest/riptide_guest.wasm")
        );
        assert!(
            build
                .cargo_output_path()
                .ends_with("wasm32-wasip2/release/riptide_guest.wasm")
        );
    }

    #[test]
    fn another_package_is_built_under_its_own_name() {
        let build = GuestBuild::from_crate_dir(env!("CARGO_MANIFEST_DIR"))
            .unwrap()
            .package("riptide-hostile-guest");
        assert!(
            build
                .output_path()
                .ends_with("target/guest/riptide_hostile_guest.wasm")
        );
        assert!(
            build
                .source_paths()
                .iter()
                .any(|p| p.ends_with("crates/riptide-hostile-guest/src"))
        );
    }
}
