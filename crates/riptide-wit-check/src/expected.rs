//! The world a component is expected to implement, loaded from WIT.

use std::path::Path;

use sha2::{Digest, Sha256};
use wit_parser::{PackageId, PackageName, Resolve, WorldId};

use crate::error::WitCheckError;
use crate::package;

/// The WIT of the Riptide extractor world (`wit/extractor.wit`), embedded at build time.
///
/// ```
/// assert!(riptide_wit_check::BUNDLED_WIT.contains("package riptide:extractor@0.3.0;"));
/// ```
pub const BUNDLED_WIT: &str = include_str!("../wit/extractor.wit");

/// The name of the bundled world.
///
/// ```
/// use riptide_wit_check::{BUNDLED_WORLD, ExpectedWorld};
/// assert_eq!(ExpectedWorld::bundled().world_name(), BUNDLED_WORLD);
/// ```
pub const BUNDLED_WORLD: &str = "extractor";

/// A resolved WIT world that components are checked against.
///
/// ```
/// use riptide_wit_check::ExpectedWorld;
///
/// let world = ExpectedWorld::bundled();
/// assert_eq!(world.id(), "riptide:extractor/extractor@0.3.0");
/// ```
#[derive(Debug, Clone)]
pub struct ExpectedWorld {
    resolve: Resolve,
    world: WorldId,
    source_name: String,
    fingerprint: [u8; 32],
}

impl ExpectedWorld {
    /// The Riptide extractor world bundled in this crate (`riptide:extractor/extractor@0.3.0`).
    ///
    /// ```
    /// # use riptide_wit_check::ExpectedWorld;
    /// let world = ExpectedWorld::bundled();
    /// assert_eq!(world.world_name(), "extractor");
    /// assert_eq!(world.package().to_string(), "riptide:extractor@0.3.0");
    /// ```
    pub fn bundled() -> Self {
        // The bundled WIT is parsed by this crate's tests; failing here is a build defect.
        Self::load("wit/extractor.wit", Some(BUNDLED_WORLD), |r| {
            r.push_str("extractor.wit", BUNDLED_WIT)
                .map_err(|e| r.render_error(&e))
        })
        .unwrap_or_else(|e| panic!("the bundled wit/extractor.wit must parse: {e}"))
    }

    /// Loads the WIT package in `dir` (with its `deps/` folder, as `wasm-tools` does) and
    /// selects `world` (`None`: the package's only world).
    ///
    /// ```
    /// # use riptide_wit_check::ExpectedWorld;
    /// let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/wit");
    /// let world = ExpectedWorld::from_dir(dir, Some("extractor"))?;
    /// assert_eq!(world.id(), ExpectedWorld::bundled().id());
    /// assert!(ExpectedWorld::from_dir("/no/such/dir", None).is_err());
    /// # Ok::<(), riptide_wit_check::WitCheckError>(())
    /// ```
    pub fn from_dir(dir: impl AsRef<Path>, world: Option<&str>) -> Result<Self, WitCheckError> {
        let dir = dir.as_ref();
        if !dir.is_dir() {
            return Err(WitCheckError::NotADirectory {
                path: dir.to_path_buf(),
            });
        }
        Self::load(&dir.display().to_string(), world, |r| {
            r.push_dir(dir)
                .map(|(pkg, _)| pkg)
                .map_err(|e| r.render_error(&e))
        })
    }

    /// Parses WIT text (one package, possibly with nested `package … { }` blocks) and
    /// selects `world` (`None`: the package's only world).
    ///
    /// ```
    /// # use riptide_wit_check::ExpectedWorld;
    /// let world = ExpectedWorld::from_str(
    ///     "package demo:greeter@1.0.0; world greeter { export greet: func(name: string) -> string; }",
    ///     None,
    /// )?;
    /// assert_eq!(world.id(), "demo:greeter/greeter@1.0.0");
    /// assert!(ExpectedWorld::from_str("package broken", None).is_err());
    /// # Ok::<(), riptide_wit_check::WitCheckError>(())
    /// ```
    #[allow(clippy::should_implement_trait)] // takes the world name too
    pub fn from_str(wit: &str, world: Option<&str>) -> Result<Self, WitCheckError> {
        Self::load("<wit text>", world, |r| {
            r.push_str("input.wit", wit).map_err(|e| r.render_error(&e))
        })
    }

    fn load(
        source_name: &str,
        world: Option<&str>,
        push: impl FnOnce(&mut Resolve) -> Result<PackageId, String>,
    ) -> Result<Self, WitCheckError> {
        let mut resolve = Resolve::default();
        let pkg = push(&mut resolve).map_err(|e| WitCheckError::Parse {
            source_name: source_name.to_string(),
            message: e,
        })?;
        let world_id = resolve.select_world(&[pkg], world).map_err(|_| {
            let available = resolve.packages[pkg]
                .worlds
                .keys()
                .map(String::as_str)
                .collect::<Vec<_>>()
                .join(", ");
            WitCheckError::UnknownWorld {
                source_name: source_name.to_string(),
                requested: world.map(str::to_string),
                available: if available.is_empty() {
                    "(none)".into()
                } else {
                    available
                },
            }
        })?;
        let fingerprint = fingerprint(&resolve, world_id);
        Ok(ExpectedWorld {
            resolve,
            world: world_id,
            source_name: source_name.to_string(),
            fingerprint,
        })
    }

    /// The resolved WIT (all packages loaded).
    ///
    /// ```
    /// # use riptide_wit_check::ExpectedWorld;
    /// let w = ExpectedWorld::bundled();
    /// assert_eq!(w.resolve().worlds[w.world()].exports.len(), 7);
    /// ```
    pub fn resolve(&self) -> &Resolve {
        &self.resolve
    }

    /// The selected world within [`resolve`](Self::resolve).
    ///
    /// ```
    /// # use riptide_wit_check::ExpectedWorld;
    /// let w = ExpectedWorld::bundled();
    /// assert_eq!(w.resolve().worlds[w.world()].name, "extractor");
    /// ```
    pub fn world(&self) -> WorldId {
        self.world
    }

    /// The world's name (`extractor`).
    ///
    /// ```
    /// # use riptide_wit_check::ExpectedWorld;
    /// assert_eq!(ExpectedWorld::bundled().world_name(), "extractor");
    /// ```
    pub fn world_name(&self) -> &str {
        &self.resolve.worlds[self.world].name
    }

    /// The package that defines the world (`riptide:extractor@0.3.0`).
    ///
    /// ```
    /// # use riptide_wit_check::ExpectedWorld;
    /// let pkg = ExpectedWorld::bundled().package().clone();
    /// assert_eq!((pkg.namespace.as_str(), pkg.name.as_str()), ("riptide", "extractor"));
    /// ```
    pub fn package(&self) -> &PackageName {
        let world = &self.resolve.worlds[self.world];
        // `select_world` only returns worlds of a package.
        &self.resolve.packages[world.package.unwrap_or_else(|| unreachable!())].name
    }

    /// `namespace:package/world@version`.
    ///
    /// ```
    /// # use riptide_wit_check::ExpectedWorld;
    /// assert_eq!(ExpectedWorld::bundled().id(), "riptide:extractor/extractor@0.3.0");
    /// ```
    pub fn id(&self) -> String {
        package::world_id(self.package(), self.world_name())
    }

    /// Where the WIT came from (a directory, `wit/extractor.wit` or `<wit text>`).
    ///
    /// ```
    /// # use riptide_wit_check::ExpectedWorld;
    /// assert_eq!(ExpectedWorld::bundled().source_name(), "wit/extractor.wit");
    /// ```
    pub fn source_name(&self) -> &str {
        &self.source_name
    }

    /// SHA-256 of the resolved WIT and the world name: two expected worlds with the same
    /// fingerprint check components identically.
    ///
    /// ```
    /// # use riptide_wit_check::ExpectedWorld;
    /// assert_eq!(ExpectedWorld::bundled().fingerprint(), ExpectedWorld::bundled().fingerprint());
    /// ```
    pub fn fingerprint(&self) -> [u8; 32] {
        self.fingerprint
    }
}

fn fingerprint(resolve: &Resolve, world: WorldId) -> [u8; 32] {
    let mut h = Sha256::new();
    h.update(b"riptide-wit-check expected world v1\0");
    match serde_json::to_vec(resolve) {
        Ok(json) => h.update(&json),
        Err(_) => h.update(format!("{resolve:?}").as_bytes()),
    }
    h.update(resolve.worlds[world].name.as_bytes());
    h.finalize().into()
}
