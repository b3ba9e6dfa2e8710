//! `cargo xtask release-check`: what a release needs, checked from the packages alone.
//!
//! 1. the shipped guest is what the sources build (`build-guest --check`);
//! 2. every publishable crate is packaged and verified together (`cargo package --workspace`,
//!    which verifies each package against a temporary registry of the others); each `.crate`
//!    is measured against crates.io's 10 MiB limit;
//! 3. the packages are unpacked into a scratch directory outside the workspace, and every
//!    build below sees nothing but them (the `riptide-*` dependencies are `[patch]`ed to the
//!    unpacked directories; everything else comes from crates.io);
//! 4. the docs of each package build as docs.rs builds them: its `[package.metadata.docs.rs]`
//!    features, `--offline`, no wasm target, warnings denied;
//! 5. each package checks with the toolchain of its `rust-version` (the MSRV);
//! 6. `cargo install --path <unpacked riptide-cli>` as a user installs it (release profile);
//! 7. the README's library example (`cargo add riptide`) is built from the packages and run;
//! 8. with the unpacked sources moved away, the installed `riptide` extracts a real page, and
//!    `riptide info` reports the digest of the component inside the `riptide-component`
//!    package: the bundled bytes are the package's, not a file found on disk.
//!
//! `--quick` is the test suite's version (`xtask/tests/release.rs`): steps 2 without
//! verification, 3, 7 and 8 with a dev build of the CLI; no guest rebuild (a test of
//! `riptide-component` does it), no docs, no MSRV, no release install.
//!
//! The builds of the packages share the workspace's build directory (`build.build-dir`, the
//! intermediate artifacts) with the workspace's own profiles, so that registry crates built
//! with the same features are not compiled again; their final artifacts go to the scratch
//! directory, never over the workspace's `target/debug/riptide`.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use serde::Deserialize;

/// crates.io's upload limit for one `.crate` file.
const CRATES_IO_LIMIT: u64 = 10 * 1024 * 1024;

/// The page the installed CLI extracts, and the title it must find there.
const PAGE: &str = "fixtures/readability-nytimes-1.html";
const PAGE_URL: &str = "http://fakehost/test/page.html";
const PAGE_TITLE: &str = "United States to Lift Sudan Sanctions";

/// `cargo xtask release-check`.
#[derive(Debug, clap::Args)]
pub(crate) struct ReleaseCheckArgs {
    /// The test suite's check: package without verification, build the CLI from the packages
    /// in the dev profile and extract a page; no guest rebuild, docs, MSRV or release install.
    #[arg(long)]
    quick: bool,
    /// Package a tree with uncommitted changes (a release is made from a committed tree).
    #[arg(long)]
    allow_dirty: bool,
    /// Keep the scratch directory (unpacked packages, builds) and print its path.
    #[arg(long)]
    keep: bool,
}

/// The part of `cargo metadata` read here.
#[derive(Debug, Deserialize)]
struct Metadata {
    packages: Vec<Package>,
    workspace_members: Vec<String>,
    target_directory: PathBuf,
}

#[derive(Debug, Deserialize)]
struct Package {
    id: String,
    name: String,
    version: String,
    /// `None`: any registry; `Some([])`: `publish = false`.
    publish: Option<Vec<String>>,
    rust_version: Option<String>,
    #[serde(default)]
    metadata: Option<serde_json::Value>,
}

impl Package {
    fn dir_name(&self) -> String {
        format!("{}-{}", self.name, self.version)
    }

    /// The `cargo doc` feature flags of its `[package.metadata.docs.rs]`.
    fn docs_rs_flags(&self) -> Vec<String> {
        let Some(docs) = self
            .metadata
            .as_ref()
            .and_then(|m| m.get("docs").and_then(|d| d.get("rs")))
        else {
            return Vec::new();
        };
        let mut flags = Vec::new();
        if docs
            .get("all-features")
            .and_then(serde_json::Value::as_bool)
            == Some(true)
        {
            flags.push("--all-features".to_string());
        }
        if let Some(features) = docs.get("features").and_then(serde_json::Value::as_array) {
            let list: Vec<&str> = features
                .iter()
                .filter_map(serde_json::Value::as_str)
                .collect();
            if !list.is_empty() {
                flags.push(format!("--features={}", list.join(",")));
            }
        }
        if docs
            .get("no-default-features")
            .and_then(serde_json::Value::as_bool)
            == Some(true)
        {
            flags.push("--no-default-features".to_string());
        }
        flags
    }
}

/// One measured package.
struct Packaged {
    name: String,
    crate_bytes: u64,
    unpacked_bytes: u64,
    files: usize,
}

/// Where the check runs.
struct Check {
    root: PathBuf,
    /// The workspace's build directory, shared for intermediate artifacts.
    build_dir: PathBuf,
    /// Outside the workspace: unpacked packages, final artifacts, the installed CLI.
    scratch: PathBuf,
    /// `--config` files: the workspace's profiles and the `[patch]` to the unpacked packages.
    configs: Vec<PathBuf>,
    steps: Vec<(String, f64)>,
}

impl Check {
    fn src(&self) -> PathBuf {
        self.scratch.join("src")
    }

    fn out(&self) -> PathBuf {
        self.scratch.join("target")
    }

    /// `cargo <args>` in `dir` with the workspace's profiles, the patch once written, the
    /// shared build directory and the scratch target directory; none of the caller's
    /// `RIPTIDE_*` settings.
    fn cargo(&self, dir: &Path, toolchain: Option<&str>) -> Command {
        let mut cmd = Command::new("cargo");
        if let Some(toolchain) = toolchain {
            cmd.arg(format!("+{toolchain}"));
        }
        for config in &self.configs {
            cmd.arg("--config").arg(config);
        }
        cmd.current_dir(dir)
            .env("CARGO_TARGET_DIR", self.out())
            .env("CARGO_BUILD_BUILD_DIR", &self.build_dir)
            .env("XDG_CACHE_HOME", self.scratch.join("cache"));
        for (key, _) in std::env::vars_os() {
            if key.to_string_lossy().starts_with("RIPTIDE_") {
                cmd.env_remove(key);
            }
        }
        cmd
    }

    /// Run a step, timing it.
    fn step(
        &mut self,
        name: &str,
        run: impl FnOnce(&mut Self) -> Result<(), String>,
    ) -> Result<(), String> {
        println!("== release-check: {name}");
        let started = Instant::now();
        run(self).map_err(|e| format!("{name}: {e}"))?;
        let seconds = started.elapsed().as_secs_f64();
        println!("   {name}: ok in {seconds:.1} s");
        self.steps.push((name.to_string(), seconds));
        Ok(())
    }
}

/// Run `cmd`; its output is shown (it is long-running and the user is waiting), and a failure
/// names the command.
fn run(cmd: &mut Command) -> Result<(), String> {
    let status = cmd
        .status()
        .map_err(|e| format!("could not run {cmd:?}: {e}"))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("{cmd:?} failed ({status})"))
    }
}

/// Run `cmd` and return its standard output; a failure shows both streams.
fn output(cmd: &mut Command) -> Result<String, String> {
    let out = cmd
        .output()
        .map_err(|e| format!("could not run {cmd:?}: {e}"))?;
    if !out.status.success() {
        return Err(format!(
            "{cmd:?} failed ({}):\n--- stdout\n{}\n--- stderr\n{}",
            out.status,
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        ));
    }
    String::from_utf8(out.stdout).map_err(|e| format!("{cmd:?} printed non-UTF-8: {e}"))
}

fn metadata(root: &Path) -> Result<Metadata, String> {
    let json = output(Command::new("cargo").current_dir(root).args([
        "metadata",
        "--no-deps",
        "--format-version",
        "1",
    ]))?;
    serde_json::from_str(&json).map_err(|e| format!("cargo metadata: {e}"))
}

/// The `[profile.*]` tables of the workspace manifest, as a cargo config file: builds of the
/// packages (each its own workspace) get the same profiles, so they reuse the workspace's
/// compiled dependencies and optimise cranelift as the workspace does.
fn profiles(manifest: &str) -> String {
    let mut out = String::new();
    let mut keep = false;
    for line in manifest.lines() {
        let trimmed = line.trim_start();
        if trimmed.starts_with('[') {
            keep = trimmed.starts_with("[profile.");
        }
        if keep && !trimmed.starts_with('#') {
            out.push_str(line);
            out.push('\n');
        }
    }
    out
}

fn sha256_file(path: &Path) -> Result<String, String> {
    let bytes = std::fs::read(path).map_err(|e| format!("{}: {e}", path.display()))?;
    Ok(crate::sha256_hex(&bytes))
}

fn dir_size(dir: &Path) -> Result<(u64, usize), String> {
    let mut bytes = 0;
    let mut files = 0;
    let entries = std::fs::read_dir(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    for entry in entries {
        let entry = entry.map_err(|e| format!("{}: {e}", dir.display()))?;
        let kind = entry.file_type().map_err(|e| e.to_string())?;
        if kind.is_dir() {
            let (b, f) = dir_size(&entry.path())?;
            bytes += b;
            files += f;
        } else {
            bytes += entry.metadata().map_err(|e| e.to_string())?.len();
            files += 1;
        }
    }
    Ok((bytes, files))
}

/// The scratch directory: under the system's temporary directory (so no workspace above it),
/// one per workspace checkout, emptied at the start.
fn scratch_dir(root: &Path) -> PathBuf {
    let tag = &crate::sha256_hex(root.as_os_str().as_encoded_bytes())[..12];
    std::env::temp_dir().join(format!("riptide-release-check-{tag}"))
}

/// The README's library example: the first `rust` block after the `cargo add riptide` line.
fn readme_library_example(readme: &str) -> Result<String, String> {
    let after = readme
        .split_once("cargo add riptide")
        .ok_or("README.md does not show `cargo add riptide`")?
        .1;
    let start = after
        .find("```rust")
        .ok_or("README.md has no rust block after `cargo add riptide`")?;
    let body = &after[start..];
    let body = &body[body.find('\n').ok_or("unterminated block")? + 1..];
    let end = body
        .find("```")
        .ok_or("unterminated rust block in README.md")?;
    Ok(body[..end].to_string())
}

fn mib(bytes: u64) -> String {
    #[allow(clippy::cast_precision_loss)]
    let value = bytes as f64 / (1024.0 * 1024.0);
    format!("{value:.2} MiB")
}

/// `cargo xtask release-check [--quick]`.
pub(crate) fn run_check(args: &ReleaseCheckArgs) -> Result<(), String> {
    let started = Instant::now();
    let build = crate::workspace()?;
    let root = build.workspace().to_path_buf();
    let meta = metadata(&root)?;
    let members: Vec<&Package> = meta
        .packages
        .iter()
        .filter(|p| meta.workspace_members.contains(&p.id))
        .collect();
    let (publishable, unpublished): (Vec<&Package>, Vec<&Package>) = members
        .iter()
        .partition(|p| p.publish.as_ref().is_none_or(|r| !r.is_empty()));
    if publishable.is_empty() {
        return Err("no publishable package in the workspace".into());
    }
    let scratch = scratch_dir(&root);
    if scratch.exists() {
        std::fs::remove_dir_all(&scratch).map_err(|e| format!("{}: {e}", scratch.display()))?;
    }
    std::fs::create_dir_all(scratch.join("src"))
        .map_err(|e| format!("{}: {e}", scratch.display()))?;
    let manifest = std::fs::read_to_string(root.join("Cargo.toml"))
        .map_err(|e| format!("{}/Cargo.toml: {e}", root.display()))?;
    let profiles_toml = scratch.join("profiles.toml");
    std::fs::write(&profiles_toml, profiles(&manifest)).map_err(|e| e.to_string())?;
    let mut check = Check {
        root: root.clone(),
        build_dir: meta.target_directory.clone(),
        scratch: scratch.clone(),
        configs: vec![profiles_toml],
        steps: Vec::new(),
    };
    println!(
        "release-check{}: {} publishable crates ({}), scratch {}",
        if args.quick { " --quick" } else { "" },
        publishable.len(),
        publishable
            .iter()
            .map(|p| p.name.as_str())
            .collect::<Vec<_>>()
            .join(", "),
        scratch.display()
    );

    if !args.quick {
        check.step("guest reproducible (build-guest --check)", |_| {
            crate::build_guest(&crate::BuildGuestArgs { check: true })
        })?;
    }

    let packaged = package(&mut check, args, &publishable, &unpublished)?;

    let component_sha256 = check_component(&check, &publishable)?;

    // Every build from here on sees the packages only.
    let mut patch = String::from("[patch.crates-io]\n");
    for p in &publishable {
        let dir = check.src().join(p.dir_name());
        let _ = writeln!(
            patch,
            "{} = {{ path = {:?} }}",
            p.name,
            dir.display().to_string()
        );
    }
    let patch_toml = scratch.join("patch.toml");
    std::fs::write(&patch_toml, patch).map_err(|e| e.to_string())?;
    check.configs.push(patch_toml);

    if !args.quick {
        check.step("docs from the packages (offline, docs.rs features)", |c| {
            for p in &publishable {
                let dir = c.src().join(p.dir_name());
                run(c
                    .cargo(&dir, None)
                    .args(["doc", "--no-deps", "--offline"])
                    .args(p.docs_rs_flags())
                    .env("RUSTDOCFLAGS", "-D warnings")
                    .env("DOCS_RS", "1"))?;
            }
            Ok(())
        })?;
        let msrv = msrv(&publishable)?;
        check.step(&format!("MSRV: cargo +{msrv} check of every package"), |c| {
            let probe = Command::new("rustup")
                .args(["run", &msrv, "rustc", "--version"])
                .output();
            if !probe.is_ok_and(|o| o.status.success()) {
                return Err(format!(
                    "the MSRV toolchain {msrv} is not installed: `rustup toolchain install {msrv} \
                     --profile minimal`, then run the check again"
                ));
            }
            for p in &publishable {
                let dir = c.src().join(p.dir_name());
                run(c.cargo(&dir, Some(&msrv)).args(["check", "--offline"]))?;
            }
            Ok(())
        })?;
    }

    let cli_dir = check.src().join(
        publishable
            .iter()
            .find(|p| p.name == "riptide-cli")
            .ok_or("riptide-cli is not publishable")?
            .dir_name(),
    );
    let riptide = if args.quick {
        check.step("CLI built from the packages (dev profile)", |c| {
            run(c.cargo(&cli_dir, None).args(["build", "--bin", "riptide"]))
        })?;
        check.out().join("debug").join("riptide")
    } else {
        let install_root = scratch.join("root");
        check.step("cargo install --path <unpacked riptide-cli>", |c| {
            run(c
                .cargo(&cli_dir, None)
                .args(["install", "--path", "."])
                .arg("--root")
                .arg(&install_root))
        })?;
        install_root.join("bin").join("riptide")
    };

    let demo = check.step_value("README library example built from the packages", |c| {
        library_example(c, &cli_dir)
    })?;

    // Nothing of the packages' sources left where they were built from.
    let moved = scratch.join("src.moved");
    std::fs::rename(check.src(), &moved).map_err(|e| format!("{}: {e}", moved.display()))?;
    check.step(
        "the CLI extracts a page with the package's component",
        |c| run_cli(c, &riptide, &component_sha256),
    )?;
    check.step("the README example extracts the page", |c| {
        let out = output(Command::new(&demo).current_dir(&c.scratch))?;
        if out.contains(PAGE_TITLE) {
            Ok(())
        } else {
            Err(format!(
                "the README example did not print the title {PAGE_TITLE:?}:\n{out}"
            ))
        }
    })?;

    report(&check, args, &packaged, &component_sha256, started)?;
    if args.keep {
        std::fs::rename(&moved, check.src()).map_err(|e| e.to_string())?;
        println!("kept {}", scratch.display());
    } else {
        std::fs::remove_dir_all(&scratch).map_err(|e| format!("{}: {e}", scratch.display()))?;
    }
    Ok(())
}

impl Check {
    /// [`Check::step`] for a step that makes something.
    fn step_value<T>(
        &mut self,
        name: &str,
        run: impl FnOnce(&mut Self) -> Result<T, String>,
    ) -> Result<T, String> {
        let mut value = None;
        self.step(name, |c| {
            value = Some(run(c)?);
            Ok(())
        })?;
        value.ok_or_else(|| format!("{name}: no result"))
    }
}

/// The toolchain of the packages' `rust-version` (one for all), as rustup names it.
fn msrv(publishable: &[&Package]) -> Result<String, String> {
    let versions: std::collections::BTreeSet<&str> = publishable
        .iter()
        .map(|p| {
            p.rust_version
                .as_deref()
                .ok_or(format!("{} states no rust-version", p.name))
        })
        .collect::<Result<_, _>>()?;
    let [version] = versions.into_iter().collect::<Vec<_>>()[..] else {
        return Err(
            "the crates state different rust-versions; state one in [workspace.package]".into(),
        );
    };
    Ok(if version.matches('.').count() == 1 {
        format!("{version}.0")
    } else {
        version.to_string()
    })
}

/// Package every publishable crate (verified unless `--quick`), unpack them outside the
/// workspace and measure them.
fn package(
    check: &mut Check,
    args: &ReleaseCheckArgs,
    publishable: &[&Package],
    unpublished: &[&Package],
) -> Result<Vec<Packaged>, String> {
    let name = if args.quick {
        "cargo package --workspace --no-verify"
    } else {
        "cargo package --workspace (verified against each other)"
    };
    check.step(name, |c| {
        let mut cmd = c.cargo(&c.root, None);
        cmd.args(["package", "--workspace"]);
        for p in unpublished {
            cmd.args(["--exclude", &p.name]);
        }
        if args.quick {
            cmd.arg("--no-verify");
        }
        if args.allow_dirty || args.quick {
            cmd.arg("--allow-dirty");
        }
        run(&mut cmd)
    })?;
    let mut packaged = Vec::new();
    for p in publishable {
        let file = check
            .out()
            .join("package")
            .join(format!("{}.crate", p.dir_name()));
        let crate_bytes = std::fs::metadata(&file)
            .map_err(|e| format!("{}: {e}", file.display()))?
            .len();
        // `--touch`: packages carry a fixed, decades-old mtime (cargo packs reproducibly), so
        // files unpacked with it look unchanged to cargo's fingerprints and a build in the same
        // scratch directory would keep the previous package's compiled crate (its embedded
        // component included).
        run(Command::new("tar")
            .arg("xzf")
            .arg(&file)
            .arg("--touch")
            .arg("-C")
            .arg(check.src()))?;
        let (unpacked_bytes, files) = dir_size(&check.src().join(p.dir_name()))?;
        if crate_bytes > CRATES_IO_LIMIT {
            return Err(format!(
                "{} is {} compressed, over crates.io's {} limit: ship its large files \
                 compressed (see docs/releasing.md)",
                file.display(),
                mib(crate_bytes),
                mib(CRATES_IO_LIMIT)
            ));
        }
        packaged.push(Packaged {
            name: p.name.clone(),
            crate_bytes,
            unpacked_bytes,
            files,
        });
    }
    Ok(packaged)
}

/// The component inside the `riptide-component` package: its digest, checked against the
/// digest file beside it and the workspace's shipped bytes.
fn check_component(check: &Check, publishable: &[&Package]) -> Result<String, String> {
    let p = publishable
        .iter()
        .find(|p| p.name == "riptide-component")
        .ok_or("riptide-component is not publishable")?;
    let dir = check.src().join(p.dir_name()).join("component");
    let digest = sha256_file(&dir.join("riptide_guest.wasm"))?;
    let stated = std::fs::read_to_string(dir.join("riptide_guest.wasm.sha256"))
        .map_err(|e| format!("{}: {e}", dir.display()))?;
    let shipped = sha256_file(
        &check
            .root
            .join("crates/riptide-component/component/riptide_guest.wasm"),
    )?;
    if digest != stated.trim() || digest != shipped {
        return Err(format!(
            "the packaged component's digest {digest} is not the one it states ({}) or the \
             workspace's ({shipped}): package again from a clean tree",
            stated.trim()
        ));
    }
    println!("   the riptide-component package holds the component sha256 {digest}");
    Ok(digest)
}

/// Build the README's library example as a new crate depending on `riptide` (and tokio) as
/// `cargo add` writes them; returns its binary.
fn library_example(check: &Check, cli_dir: &Path) -> Result<PathBuf, String> {
    let readme = std::fs::read_to_string(check.root.join("README.md"))
        .map_err(|e| format!("README.md: {e}"))?;
    let code = readme_library_example(&readme)?;
    let version = env!("CARGO_PKG_VERSION");
    let demo = check.scratch.join("demo");
    std::fs::create_dir_all(demo.join("src")).map_err(|e| e.to_string())?;
    std::fs::write(
        demo.join("Cargo.toml"),
        format!(
            "[package]\nname = \"riptide-readme-demo\"\nversion = \"0.0.0\"\nedition = \"2024\"\n\
             publish = false\n\n[dependencies]\nriptide = \"{version}\"\n\
             tokio = {{ version = \"1\", features = [\"macros\", \"rt-multi-thread\"] }}\n"
        ),
    )
    .map_err(|e| e.to_string())?;
    std::fs::write(demo.join("src").join("main.rs"), code).map_err(|e| e.to_string())?;
    // The versions the CLI's package was tested with, so the dependencies built for it serve.
    std::fs::copy(cli_dir.join("Cargo.lock"), demo.join("Cargo.lock"))
        .map_err(|e| format!("{}: {e}", cli_dir.join("Cargo.lock").display()))?;
    std::fs::copy(check.root.join(PAGE), check.scratch.join("page.html"))
        .map_err(|e| format!("{PAGE}: {e}"))?;
    run(check.cargo(&demo, None).args(["build"]))?;
    // Out of the scratch target directory, so that it survives the sources being moved.
    let bin = check.scratch.join("riptide-readme-demo");
    std::fs::copy(check.out().join("debug").join("riptide-readme-demo"), &bin)
        .map_err(|e| e.to_string())?;
    Ok(bin)
}

/// `riptide info` and `riptide extract` with the installed binary, in the scratch directory.
fn run_cli(check: &Check, riptide: &Path, component_sha256: &str) -> Result<(), String> {
    let cli = |args: &[&str]| {
        let mut cmd = Command::new(riptide);
        cmd.current_dir(&check.scratch)
            .args(args)
            .env("XDG_CACHE_HOME", check.scratch.join("cache"));
        for (key, _) in std::env::vars_os() {
            if key.to_string_lossy().starts_with("RIPTIDE_") {
                cmd.env_remove(key);
            }
        }
        output(&mut cmd)
    };
    let info: serde_json::Value =
        serde_json::from_str(&cli(&["info"])?).map_err(|e| format!("riptide info: {e}"))?;
    let ran = info["component"]["sha256"].as_str().unwrap_or_default();
    if ran != component_sha256 || info["component"]["bundled"] != true {
        return Err(format!(
            "riptide info reports the component {ran}, not the riptide-component package's \
             {component_sha256}:\n{info:#}"
        ));
    }
    let doc: serde_json::Value =
        serde_json::from_str(&cli(&["extract", "page.html", "--url", PAGE_URL])?)
            .map_err(|e| format!("riptide extract: {e}"))?;
    let title = doc["title"].as_str().unwrap_or_default();
    let text = doc["text"].as_str().unwrap_or_default();
    if title != PAGE_TITLE || text.len() < 1000 {
        return Err(format!(
            "riptide extract {PAGE}: title {title:?} (expected {PAGE_TITLE:?}), {} bytes of text",
            text.len()
        ));
    }
    println!(
        "   riptide info: component sha256 {ran}; extract: {title:?}, {} bytes of text",
        text.len()
    );
    Ok(())
}

/// Print the measurements, and write them into docs/releasing.md after a full run.
fn report(
    check: &Check,
    args: &ReleaseCheckArgs,
    packaged: &[Packaged],
    component_sha256: &str,
    started: Instant,
) -> Result<(), String> {
    let mut body =
        String::from("| crate | `.crate` (compressed) | unpacked | files |\n|---|--:|--:|--:|\n");
    for p in packaged {
        let _ = writeln!(
            body,
            "| `{}` | {} ({} bytes) | {} | {} |",
            p.name,
            mib(p.crate_bytes),
            p.crate_bytes,
            mib(p.unpacked_bytes),
            p.files
        );
    }
    let largest = packaged.iter().map(|p| p.crate_bytes).max().unwrap_or(0);
    let _ = write!(
        body,
        "\nLargest package: {} of crates.io's {} limit ({:.0} %). Component in \
         `riptide-component`: sha256 `{component_sha256}`.\n\n| step | seconds |\n|---|--:|\n",
        mib(largest),
        mib(CRATES_IO_LIMIT),
        {
            #[allow(clippy::cast_precision_loss)]
            let share = largest as f64 / CRATES_IO_LIMIT as f64 * 100.0;
            share
        }
    );
    for (name, seconds) in &check.steps {
        let _ = writeln!(body, "| {name} | {seconds:.1} |");
    }
    let _ = writeln!(body, "| total | {:.1} |", started.elapsed().as_secs_f64());
    println!("\n{body}");
    if !args.quick {
        crate::docs::splice_file(
            &check.root.join("docs").join("releasing.md"),
            "release-check",
            "packages",
            "Measured packages",
            &body,
        )?;
        println!("written to docs/releasing.md");
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_profiles_are_taken_from_the_manifest_and_nothing_else() {
        let manifest = "[workspace]\nmembers = []\n\n# note\n[profile.dev]\ndebug = 1\n\
                        [profile.dev.package.\"*\"]\ndebug = false\n[workspace.lints.rust]\nx = 1\n";
        assert_eq!(
            profiles(manifest),
            "[profile.dev]\ndebug = 1\n[profile.dev.package.\"*\"]\ndebug = false\n"
        );
    }

    #[test]
    fn the_readme_example_is_the_rust_block_after_cargo_add() {
        let readme =
            "x\n```rust\nnot this\n```\ncargo add riptide\n```rust,no_run\nfn main() {}\n```\n";
        assert_eq!(readme_library_example(readme).unwrap(), "fn main() {}\n");
    }
}
