//! Deliberately broken (and a few valid) components, built in-process from small edits of
//! the bundled WIT — no Rust is compiled: each world gets a dummy core module
//! (`wit_component::dummy_module`) turned into a component by `wit_component::ComponentEncoder`.
//!
//! `cargo xtask wit-fixtures` writes [`catalogue`] to disk for `riptide validate`; the tests
//! of `riptide-wit-check` assert the exact report of each fixture.
//!
//! ```
//! use riptide_test_support::fixtures;
//! use riptide_wit_check::{ExpectedWorld, Validator};
//!
//! let validator = Validator::new(ExpectedWorld::bundled());
//! for fixture in fixtures::catalogue() {
//!     let report = validator.validate(&fixture.bytes);
//!     assert_eq!(report.is_valid(), fixture.expect_valid, "{}: {report}", fixture.name);
//! }
//! ```

use riptide_guest_build::stamp::{StampError, stamp};
use riptide_wit_check::{BUNDLED_WIT, ExpectedWorld, WitCheckError};
use wit_component::{ComponentEncoder, StringEncoding};
use wit_parser::{ManglingAndAbi, Resolve, WorldId};

/// Why a test component could not be built.
#[derive(Debug, thiserror::Error)]
pub enum FixtureError {
    /// The WIT text could not be loaded.
    #[error(transparent)]
    Wit(#[from] WitCheckError),
    /// The world could not be turned into a component.
    #[error("cannot encode the world {world} as a component: {source:#}")]
    Encode {
        /// The world's name.
        world: String,
        /// wit-component's error.
        #[source]
        source: anyhow::Error,
    },
    /// The world could not be recorded in the component.
    #[error(transparent)]
    Stamp(#[from] StampError),
}

/// One test component.
///
/// ```
/// let empty = riptide_test_support::fixtures::fixture("empty");
/// assert!(empty.bytes.is_empty() && !empty.expect_valid);
/// ```
#[derive(Debug, Clone)]
pub struct Fixture {
    /// A file-name friendly name: `renamed-export`, `core-module`, …
    pub name: &'static str,
    /// What was changed, in one sentence.
    pub description: &'static str,
    /// The component (or non-component) bytes.
    pub bytes: Vec<u8>,
    /// Whether `Validator::new(ExpectedWorld::bundled())` accepts it (no errors; warnings
    /// allowed).
    pub expect_valid: bool,
}

/// A component implementing `world` with a dummy core module (every function traps).
///
/// ```
/// # use riptide_test_support::fixtures;
/// # use riptide_wit_check::ExpectedWorld;
/// let world = ExpectedWorld::bundled();
/// let bytes = fixtures::component_for(world.resolve(), world.world())?;
/// assert_eq!(&bytes[..8], b"\0asm\x0d\0\x01\0");
/// # Ok::<(), fixtures::FixtureError>(())
/// ```
///
/// # Errors
/// [`FixtureError::Encode`] when wit-component cannot encode the world.
pub fn component_for(resolve: &Resolve, world: WorldId) -> Result<Vec<u8>, FixtureError> {
    let encode_err = |source: anyhow::Error| FixtureError::Encode {
        world: resolve.worlds[world].name.clone(),
        source,
    };
    let mut module = wit_component::dummy_module(resolve, world, ManglingAndAbi::Standard32);
    wit_component::embed_component_metadata(
        &mut module,
        resolve,
        world,
        StringEncoding::UTF8,
        false,
    )
    .map_err(encode_err)?;
    ComponentEncoder::default()
        .module(&module)
        .map_err(encode_err)?
        .validate(true)
        .encode()
        .map_err(encode_err)
}

/// A component built from WIT text; with `stamped`, the world is also recorded in a
/// `component-type` section (as the guest build does, `riptide_guest_build::stamp`) so that
/// its package is checked.
///
/// ```
/// # use riptide_test_support::fixtures;
/// let bytes = fixtures::component_from_wit("package a:b@1.0.0; world w { export f: func(); }", true)?;
/// assert!(bytes.len() > 8);
/// # Ok::<(), fixtures::FixtureError>(())
/// ```
///
/// # Errors
/// [`FixtureError::Wit`] for WIT text that does not parse, else as [`component_for`] and
/// [`stamp`].
pub fn component_from_wit(wit: &str, stamped: bool) -> Result<Vec<u8>, FixtureError> {
    let world = ExpectedWorld::from_str(wit, None)?;
    let bytes = component_for(world.resolve(), world.world())?;
    if stamped {
        Ok(stamp(&bytes, &world)?)
    } else {
        Ok(bytes)
    }
}

/// A WIT package referenced by the import fixtures.
const EVIL_NET: &str = "
package evil:net {
    interface socket {
        connect: func(host: string, port: u16) -> result<u32, string>;
    }
}
";

const WASI_CLOCKS_023: &str = "
package wasi:clocks@0.2.3 {
    interface monotonic-clock {
        type instant = u64;
        now: func() -> instant;
    }
}
";

const WASI_CLOCKS_030: &str = "
package wasi:clocks@0.3.0 {
    interface monotonic-clock {
        type instant = u64;
        now: func() -> instant;
    }
}
";

/// An edit of the bundled WIT: replace the first occurrence of `.0` by `.1`.
type Edit = (&'static str, &'static str);

const WORLD_OPEN: &str = "world extractor {\n";

struct Spec {
    name: &'static str,
    description: &'static str,
    edits: &'static [Edit],
    /// WIT appended after the edited text (nested packages).
    append: &'static str,
    stamp: bool,
    expect_valid: bool,
}

const SPECS: &[Spec] = &[
    Spec {
        name: "valid",
        description: "the unmodified world, with its package recorded",
        edits: &[],
        append: "",
        stamp: true,
        expect_valid: true,
    },
    Spec {
        name: "valid-unstamped",
        description: "the unmodified world as wit-component makes it: the package is not recorded (warning)",
        edits: &[],
        append: "",
        stamp: false,
        expect_valid: true,
    },
    Spec {
        name: "valid-wasi-import",
        description: "imports wasi:clocks/monotonic-clock@0.2.3, which the host provides (0.2.x)",
        edits: &[(
            WORLD_OPEN,
            "world extractor {\n    import wasi:clocks/monotonic-clock@0.2.3;\n",
        )],
        append: WASI_CLOCKS_023,
        stamp: true,
        expect_valid: true,
    },
    Spec {
        name: "missing-export",
        description: "get-modes is not exported",
        edits: &[("export get-modes: func() -> list<string>;", "")],
        append: "",
        stamp: true,
        expect_valid: false,
    },
    Spec {
        name: "renamed-export",
        description: "extract is exported as extract-article",
        edits: &[("export extract: func(", "export extract-article: func(")],
        append: "",
        stamp: true,
        expect_valid: false,
    },
    Spec {
        name: "renamed-param",
        description: "validate-html's parameter html is named document",
        edits: &[(
            "export validate-html: func(html: string)",
            "export validate-html: func(document: string)",
        )],
        append: "",
        stamp: true,
        expect_valid: false,
    },
    Spec {
        name: "param-type-changed",
        description: "validate-html takes list<u8> instead of string",
        edits: &[(
            "export validate-html: func(html: string)",
            "export validate-html: func(html: list<u8>)",
        )],
        append: "",
        stamp: true,
        expect_valid: false,
    },
    Spec {
        name: "extra-param",
        description: "get-modes takes an extra parameter verbose: bool",
        edits: &[(
            "export get-modes: func()",
            "export get-modes: func(verbose: bool)",
        )],
        append: "",
        stamp: true,
        expect_valid: false,
    },
    Spec {
        name: "field-removed",
        description: "extracted-content has no byline field",
        edits: &[("        byline: option<string>,\n", "")],
        append: "",
        stamp: true,
        expect_valid: false,
    },
    Spec {
        name: "field-type-changed",
        description: "extracted-content.title is string instead of option<string>",
        edits: &[("title: option<string>,", "title: string,")],
        append: "",
        stamp: true,
        expect_valid: false,
    },
    Spec {
        name: "field-added",
        description: "extraction-stats has an extra field videos-found: u32",
        edits: &[(
            "images-found: u32,\n",
            "images-found: u32,\n        videos-found: u32,\n",
        )],
        append: "",
        stamp: true,
        expect_valid: false,
    },
    Spec {
        name: "variant-case-added",
        description: "extraction-error has an extra case timeout(u32)",
        edits: &[(
            "unsupported-mode(string),\n",
            "unsupported-mode(string),\n        timeout(u32),\n",
        )],
        append: "",
        stamp: true,
        expect_valid: false,
    },
    Spec {
        name: "variant-case-removed",
        description: "extraction-error has no network-error case",
        edits: &[("        network-error(string),\n", "")],
        append: "",
        stamp: true,
        expect_valid: false,
    },
    Spec {
        name: "result-error-type-changed",
        description: "reset-state returns result<string, string> instead of result<string, extraction-error>",
        edits: &[(
            "export reset-state: func() -> result<string, extraction-error>;",
            "export reset-state: func() -> result<string, string>;",
        )],
        append: "",
        stamp: true,
        expect_valid: false,
    },
    Spec {
        name: "package-renamed",
        description: "the world is in package acme:extractor@0.3.0",
        edits: &[(
            "package riptide:extractor@0.3.0;",
            "package acme:extractor@0.3.0;",
        )],
        append: "",
        stamp: true,
        expect_valid: false,
    },
    Spec {
        name: "version-0.3.1",
        description: "package version 0.3.1: semver-compatible with 0.3.0 (warning only)",
        edits: &[(
            "package riptide:extractor@0.3.0;",
            "package riptide:extractor@0.3.1;",
        )],
        append: "",
        stamp: true,
        expect_valid: true,
    },
    Spec {
        name: "version-0.2.0",
        description: "package version 0.2.0, the previous track: incompatible with 0.3.0",
        edits: &[(
            "package riptide:extractor@0.3.0;",
            "package riptide:extractor@0.2.0;",
        )],
        append: "",
        stamp: true,
        expect_valid: false,
    },
    Spec {
        name: "version-1.0.0",
        description: "package version 1.0.0: incompatible with 0.3.0",
        edits: &[(
            "package riptide:extractor@0.3.0;",
            "package riptide:extractor@1.0.0;",
        )],
        append: "",
        stamp: true,
        expect_valid: false,
    },
    Spec {
        name: "import-unknown-interface",
        description: "imports evil:net/socket, which the host does not provide",
        edits: &[(
            WORLD_OPEN,
            "world extractor {\n    import evil:net/socket;\n",
        )],
        append: EVIL_NET,
        stamp: true,
        expect_valid: false,
    },
    Spec {
        name: "import-function",
        description: "imports a world-level function fetch, which the host does not provide",
        edits: &[(
            WORLD_OPEN,
            "world extractor {\n    import fetch: func(url: string) -> result<string, string>;\n",
        )],
        append: "",
        stamp: true,
        expect_valid: false,
    },
    Spec {
        name: "import-wasi-0.3",
        description: "imports wasi:clocks/monotonic-clock@0.3.0; the host provides 0.2.x",
        edits: &[(
            WORLD_OPEN,
            "world extractor {\n    import wasi:clocks/monotonic-clock@0.3.0;\n",
        )],
        append: WASI_CLOCKS_030,
        stamp: true,
        expect_valid: false,
    },
    Spec {
        name: "many-mismatches",
        description: "five changes at once: every one is reported",
        edits: &[
            ("export get-modes: func() -> list<string>;", ""),
            (
                "export validate-html: func(html: string)",
                "export validate-html: func(document: string)",
            ),
            ("title: option<string>,", "title: string,"),
            (
                "unsupported-mode(string),\n",
                "unsupported-mode(string),\n        timeout(u32),\n",
            ),
            (
                WORLD_OPEN,
                "world extractor {\n    import fetch: func(url: string) -> result<string, string>;\n",
            ),
        ],
        append: "",
        stamp: true,
        expect_valid: false,
    },
];

/// Applies a spec's edits to the bundled WIT.
fn edited_wit(spec: &Spec) -> String {
    let mut wit = BUNDLED_WIT.to_string();
    for (from, to) in spec.edits {
        assert!(
            wit.contains(from),
            "fixture {}: the bundled WIT no longer contains {from:?}; update the fixture",
            spec.name
        );
        assert_ne!(
            from, to,
            "fixture {}: an edit that changes nothing; update the fixture",
            spec.name
        );
        wit = wit.replacen(from, to, 1);
    }
    wit.push_str(spec.append);
    wit
}

/// Every fixture: components built from edited WIT, then non-components (a core module, a
/// truncated component, empty and random bytes, a WIT package encoded as wasm).
///
/// Panics only if the bundled WIT changed so much that an edit no longer applies (a test
/// of this crate catches that).
///
/// ```
/// let all = riptide_test_support::fixtures::catalogue();
/// assert!(all.iter().any(|f| f.name == "renamed-export"));
/// assert!(all.iter().filter(|f| f.expect_valid).count() >= 3);
/// ```
pub fn catalogue() -> Vec<Fixture> {
    let mut out: Vec<Fixture> = SPECS
        .iter()
        .map(|spec| Fixture {
            name: spec.name,
            description: spec.description,
            bytes: component_from_wit(&edited_wit(spec), spec.stamp)
                .unwrap_or_else(|e| panic!("fixture {}: {e}", spec.name)),
            expect_valid: spec.expect_valid,
        })
        .collect();

    let valid = out.first().map(|f| f.bytes.clone()).unwrap_or_default();
    out.push(Fixture {
        name: "core-module",
        description: "a minimal core WebAssembly module (\\0asm, version 1), not a component",
        bytes: b"\0asm\x01\0\0\0".to_vec(),
        expect_valid: false,
    });
    out.push(Fixture {
        name: "truncated",
        description: "the first half of the valid component",
        bytes: valid[..valid.len() / 2].to_vec(),
        expect_valid: false,
    });
    out.push(Fixture {
        name: "empty",
        description: "zero bytes",
        bytes: Vec::new(),
        expect_valid: false,
    });
    out.push(Fixture {
        name: "random-bytes",
        description: "4 KiB of pseudo-random bytes (fixed seed)",
        bytes: pseudo_random(4096, 0x5eed),
        expect_valid: false,
    });
    out.push(Fixture {
        name: "wit-package",
        description: "the riptide:extractor WIT package encoded as wasm (wit_component::encode)",
        bytes: wit_package_bytes().unwrap_or_else(|e| panic!("fixture wit-package: {e}")),
        expect_valid: false,
    });
    out
}

/// The fixture named `name`.
///
/// Panics when there is none, naming the fixtures there are (a test helper: the names are
/// the test's own).
///
/// ```
/// let fixture = riptide_test_support::fixtures::fixture("renamed-export");
/// assert!(!fixture.expect_valid);
/// ```
pub fn fixture(name: &str) -> Fixture {
    let all = catalogue();
    let names: Vec<&str> = all.iter().map(|f| f.name).collect();
    let names = names.join(", ");
    all.into_iter()
        .find(|f| f.name == name)
        .unwrap_or_else(|| panic!("no fixture named {name:?}; there are: {names}"))
}

fn wit_package_bytes() -> Result<Vec<u8>, FixtureError> {
    let world = ExpectedWorld::bundled();
    let resolve = world.resolve();
    let pkg = resolve.worlds[world.world()]
        .package
        .ok_or_else(|| FixtureError::Encode {
            world: world.id(),
            source: anyhow::anyhow!("the world has no package"),
        })?;
    wit_component::encode(resolve, pkg, false).map_err(|source| FixtureError::Encode {
        world: world.id(),
        source,
    })
}

/// xorshift64*: deterministic bytes without a dependency.
fn pseudo_random(len: usize, seed: u64) -> Vec<u8> {
    let mut x = seed.max(1);
    (0..len)
        .map(|_| {
            x ^= x >> 12;
            x ^= x << 25;
            x ^= x >> 27;
            (x.wrapping_mul(0x2545_f491_4f6c_dd1d) >> 56) as u8
        })
        .collect()
}
