//! The validator: runs every check on a component and caches the reports.

use std::fmt;
use std::sync::Arc;

use parking_lot::Mutex;
use sha2::{Digest, Sha256};
use wit_component::DecodedWasm;
use wit_parser::{WorldItem, WorldKey};

use crate::binary::{self, DecodeError, Kind};
use crate::cache::{self, Cache};
use crate::compare::Checker;
use crate::digest::ComponentDigest;
use crate::error::WitCheckError;
use crate::expected::ExpectedWorld;
use crate::imports::{self, AllowedImport};
use crate::package;
use crate::report::{Issue, Severity, ValidationReport};

/// From this size on, a component that is certainly not cached is hashed on a second
/// thread while it is checked (hashing costs about twice as much as checking).
const PARALLEL_THRESHOLD: usize = 256 * 1024;

/// Checks components against an [`ExpectedWorld`] before they are instantiated.
///
/// [`validate`](Self::validate) never panics and never fails: whatever the bytes, it returns
/// a [`ValidationReport`] listing every mismatch. Reports are cached by the SHA-256 of the
/// component bytes together with the expected world and the allowed imports.
///
/// By default the component may import the WASI 0.2.x interfaces that wasmtime-wasi's p2
/// linker provides (`wasi:cli`, `wasi:clocks`, `wasi:filesystem`, `wasi:io`, `wasi:random`,
/// `wasi:sockets`); [`allow_import`](Self::allow_import) adds more.
///
/// ```
/// use riptide_wit_check::{ExpectedWorld, Validator};
///
/// let validator = Validator::new(ExpectedWorld::bundled());
/// // The shipped Riptide guest component.
/// let report = validator.validate(riptide_component::WASM);
/// assert!(report.is_valid(), "{report}");
/// ```
pub struct Validator {
    expected: ExpectedWorld,
    allowed: Vec<AllowedImport>,
    /// SHA-256 of the expected world and the allow-list: mixed into every cache key.
    config_key: [u8; 32],
    cache: Mutex<Cache>,
}

impl fmt::Debug for Validator {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Validator")
            .field("expected", &self.expected.id())
            .field("allowed_imports", &self.allowed.len())
            .field("cached_reports", &self.cache.lock().len())
            .finish()
    }
}

impl Validator {
    /// A validator for `expected` that accepts WASI 0.2.x imports.
    ///
    /// ```
    /// # use riptide_wit_check::{ExpectedWorld, Validator};
    /// let validator = Validator::new(ExpectedWorld::bundled());
    /// assert_eq!(validator.expected().world_name(), "extractor");
    /// ```
    pub fn new(expected: ExpectedWorld) -> Self {
        let mut v = Validator {
            expected,
            allowed: AllowedImport::wasi_defaults(),
            config_key: [0; 32],
            cache: Mutex::new(Cache::default()),
        };
        v.rekey();
        v
    }

    /// Also accepts imports of `name`: `ns:pkg/iface@version` (any semver-compatible
    /// version), `ns:pkg/iface` (any version) or a plain name for a world-level function or
    /// resource.
    ///
    /// ```
    /// # use riptide_wit_check::{ExpectedWorld, Validator};
    /// let validator = Validator::new(ExpectedWorld::bundled())
    ///     .allow_import("wasi:http/outgoing-handler@0.2.0")?
    ///     .allow_import("fetch")?;
    /// assert!(Validator::new(ExpectedWorld::bundled()).allow_import("not a name").is_err());
    /// # Ok::<(), riptide_wit_check::WitCheckError>(())
    /// ```
    pub fn allow_import(mut self, name: &str) -> Result<Self, WitCheckError> {
        self.allowed.push(AllowedImport::parse(name)?);
        self.rekey();
        Ok(self)
    }

    /// Forgets the default WASI allow-list: only imports declared by the expected world or
    /// added with [`allow_import`](Self::allow_import) are accepted.
    ///
    /// ```
    /// # use riptide_wit_check::{ExpectedWorld, Validator};
    /// let strict = Validator::new(ExpectedWorld::bundled()).without_default_imports();
    /// // The shipped guest imports WASI interfaces.
    /// assert!(!strict.validate(riptide_component::WASM).is_valid());
    /// ```
    pub fn without_default_imports(mut self) -> Self {
        self.allowed.clear();
        self.rekey();
        self
    }

    /// The world components are checked against.
    ///
    /// ```
    /// # use riptide_wit_check::{ExpectedWorld, Validator};
    /// let v = Validator::new(ExpectedWorld::bundled());
    /// assert_eq!(v.expected().id(), "riptide:extractor/extractor@0.3.0");
    /// ```
    pub fn expected(&self) -> &ExpectedWorld {
        &self.expected
    }

    fn rekey(&mut self) {
        let mut h = Sha256::new();
        h.update(self.expected.fingerprint());
        for a in &self.allowed {
            h.update(format!("{a:?}\0").as_bytes());
        }
        self.config_key = h.finalize().into();
        self.cache.get_mut().clear();
    }

    fn key(&self, digest: &ComponentDigest) -> [u8; 32] {
        let mut h = Sha256::new();
        h.update(self.config_key);
        h.update(digest.0);
        h.finalize().into()
    }

    /// The cached report for a component whose digest is known, without hashing it again
    /// (a lookup, well under a microsecond). `None` when that component was not validated yet.
    ///
    /// ```
    /// # use riptide_wit_check::{ComponentDigest, ExpectedWorld, Validator};
    /// let v = Validator::new(ExpectedWorld::bundled());
    /// let bytes = b"\0asm\x01\0\0\0";
    /// assert!(v.cached(&ComponentDigest::of(bytes)).is_none());
    /// let report = v.validate(bytes);
    /// assert!(std::sync::Arc::ptr_eq(&report, &v.cached(&ComponentDigest::of(bytes)).unwrap()));
    /// ```
    pub fn cached(&self, digest: &ComponentDigest) -> Option<Arc<ValidationReport>> {
        self.cache.lock().get(&self.key(digest))
    }

    /// Empties the report cache.
    ///
    /// ```
    /// # use riptide_wit_check::{ComponentDigest, ExpectedWorld, Validator};
    /// let v = Validator::new(ExpectedWorld::bundled());
    /// v.validate(b"");
    /// v.clear_cache();
    /// assert!(v.cached(&ComponentDigest::of(b"")).is_none());
    /// ```
    pub fn clear_cache(&self) {
        self.cache.lock().clear();
    }

    /// Checks `component` and returns the report (cached: validating the same bytes again
    /// costs one SHA-256 of them, about 3 ms for 5 MB; keep the [`ComponentDigest`] and use
    /// [`cached`](Self::cached) to skip even that). Never panics.
    ///
    /// ```
    /// # use riptide_wit_check::{ExpectedWorld, Validator};
    /// let v = Validator::new(ExpectedWorld::bundled());
    /// let report = v.validate(b"\0asm\x01\0\0\0");
    /// assert!(!report.is_valid());
    /// assert!(report.to_string().contains("core WebAssembly module"));
    /// assert!(std::sync::Arc::ptr_eq(&report, &v.validate(b"\0asm\x01\0\0\0")));
    /// ```
    pub fn validate(&self, component: &[u8]) -> Arc<ValidationReport> {
        let glimpse = (component.len() >= PARALLEL_THRESHOLD).then(|| cache::glimpse(component));
        if let Some(g) = &glimpse
            && !self.cache.lock().may_contain(g)
            && let Some((digest, findings)) = self.check_while_hashing(component)
        {
            return self.store(&digest, glimpse, findings);
        }
        let digest = ComponentDigest::of(component);
        if let Some(hit) = self.cached(&digest) {
            return hit;
        }
        let findings = self.check(component);
        self.store(&digest, glimpse, findings)
    }

    /// For a component known not to be cached: hashes it on a scoped second thread while
    /// checking it on this one. `None` if the thread cannot be started.
    fn check_while_hashing(&self, component: &[u8]) -> Option<(ComponentDigest, Findings)> {
        std::thread::scope(|s| {
            let hasher = std::thread::Builder::new()
                .name("riptide-wit-check-sha256".into())
                .spawn_scoped(s, || ComponentDigest::of(component))
                .ok()?;
            let findings = self.check(component);
            Some((hasher.join().ok()?, findings))
        })
    }

    fn store(
        &self,
        digest: &ComponentDigest,
        glimpse: Option<[u8; 32]>,
        findings: Findings,
    ) -> Arc<ValidationReport> {
        let report = Arc::new(ValidationReport::new(
            self.expected.id(),
            findings.component_world,
            digest.to_hex(),
            findings.issues,
        ));
        self.cache
            .lock()
            .insert(self.key(digest), glimpse, Arc::clone(&report));
        report
    }

    /// Every check.
    fn check(&self, bytes: &[u8]) -> Findings {
        if let Some(issue) = not_a_component(bytes) {
            return Findings::one(issue);
        }
        let scan = binary::scan(bytes);
        if let Some(msg) = scan.framing_error {
            return Findings::one(undecodable(msg));
        }
        let (resolve, world) = match binary::decode(bytes) {
            Ok(DecodedWasm::Component(resolve, world)) => (resolve, world),
            Ok(DecodedWasm::WitPackage(resolve, pkg)) => {
                let name = resolve
                    .packages
                    .get(pkg)
                    .map_or_else(|| "a package".to_string(), |p| p.name.to_string());
                return Findings::one(component_error(
                    format!(
                        "this is the WIT package {name} encoded as WebAssembly, not a component: \
                         it describes interfaces and worlds but implements none"
                    ),
                    Some("validate the guest component built from this WIT instead"),
                ));
            }
            Err(DecodeError::Invalid(msg)) => return Findings::one(undecodable(msg)),
            Err(DecodeError::Panicked(msg)) => {
                return Findings::one(component_error(
                    format!("the WIT decoder crashed on this file ({msg}); the file is malformed"),
                    Some(
                        "rebuild the guest component; report this if a standard toolchain made it",
                    ),
                ));
            }
        };

        let exp = &self.expected;
        let mut issues = Vec::new();
        if scan.recorded.is_some() || !records_package_in_names(exp) {
            package::check(
                exp.package(),
                exp.world_name(),
                scan.recorded.as_ref(),
                &mut issues,
            );
        }
        let mut checker = Checker::new(exp.resolve(), &resolve);
        imports::non_wit(&mut checker, &scan.non_wit_imports);
        imports::check(&mut checker, exp.world(), world, &self.allowed);
        checker.exports(exp.world(), world);
        issues.append(&mut checker.issues);
        Findings {
            issues,
            component_world: scan.recorded.map(|r| r.id()),
        }
    }
}

/// Issues and facts found in one component.
struct Findings {
    issues: Vec<Issue>,
    component_world: Option<String>,
}

impl Findings {
    fn one(issue: Issue) -> Self {
        Findings {
            issues: vec![issue],
            component_world: None,
        }
    }
}

fn component_error(message: String, suggestion: Option<&str>) -> Issue {
    Issue {
        severity: Severity::Error,
        path: "component".into(),
        message,
        suggestion: suggestion.map(str::to_string),
    }
}

fn undecodable(msg: String) -> Issue {
    component_error(
        format!("the component cannot be decoded: {msg}"),
        Some("the file is malformed or truncated; rebuild the guest component"),
    )
}

/// The issue for bytes that are not a component at all, from the 8-byte header.
fn not_a_component(bytes: &[u8]) -> Option<Issue> {
    let build =
        "pass the .wasm component built for wasm32-wasip2 (target/wasm32-wasip2/release/*.wasm)";
    Some(match binary::classify(bytes) {
        Kind::Component => return None,
        Kind::Empty => component_error(
            "the file is empty; expected a WebAssembly component".into(),
            Some(build),
        ),
        Kind::NotWasm => component_error(
            "not a WebAssembly binary: it does not start with the bytes \\0asm".into(),
            Some(build),
        ),
        Kind::TruncatedHeader => component_error(
            format!(
                "the file is truncated: {} bytes, shorter than the 8-byte WebAssembly header",
                bytes.len()
            ),
            Some(build),
        ),
        Kind::CoreModule => component_error(
            "this is a core WebAssembly module, not a component".into(),
            Some(
                "build the guest for wasm32-wasip2, or wrap the module with \
                 `wasm-tools component new` (with the WASI adapter for wasip1 modules)",
            ),
        ),
        Kind::UnknownVersion(version, layer) => component_error(
            format!(
                "unsupported WebAssembly binary (version {version:#x}, layer {layer}); \
                 expected a component (version 0xd, layer 1)"
            ),
            Some(build),
        ),
    })
}

/// True when the expected world imports or exports interfaces of its own package: their
/// names carry the package and version, which the import/export checks compare.
fn records_package_in_names(exp: &ExpectedWorld) -> bool {
    let resolve = exp.resolve();
    let world = &resolve.worlds[exp.world()];
    let own = world.package;
    world
        .imports
        .iter()
        .chain(&world.exports)
        .any(|(key, item)| match (key, item) {
            (WorldKey::Interface(id), WorldItem::Interface { .. }) => {
                resolve.interfaces.get(*id).and_then(|i| i.package) == own
            }
            _ => false,
        })
}
