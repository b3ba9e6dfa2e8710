//! Checks a WebAssembly component against the Riptide extractor WIT world **before** it is
//! instantiated, and reports every mismatch — not only the first — with its path and the
//! expected and found types in WIT syntax.
//!
//! The world embedded in the component is decoded with `wit-component` and compared
//! structurally with the expected world (by default the bundled `wit/extractor.wit`):
//! exports, parameters, results, records, variants, enums, flags, options, results, lists,
//! tuples, aliases and resources; the package and its version (semver rule of wasmtime);
//! and imports, which must be ones the host provides (WASI 0.2.x by default).
//!
//! ```
//! use riptide_wit_check::{ExpectedWorld, Validator};
//!
//! let validator = Validator::new(ExpectedWorld::bundled());
//! // A component whose `title` field is `string` instead of `option<string>` (built by the
//! // workspace's dev-only `riptide-test-support` crate).
//! let broken = riptide_test_support::fixtures::fixture("field-type-changed");
//! let report = validator.validate(&broken.bytes);
//! assert!(!report.is_valid());
//! assert_eq!(
//!     report.errors().next().unwrap().to_string(),
//!     "error: export extract › result › ok › record extracted-content › field title: \
//!      expected option<string>, found string"
//! );
//! ```

#![warn(missing_docs)]

mod align;
mod binary;
mod cache;
mod compare;
mod digest;
mod error;
mod expected;
mod imports;
mod package;
mod render;
mod report;
mod validator;

/// The README's example, compiled and run as a doctest.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctest;

pub use digest::ComponentDigest;
pub use error::WitCheckError;
pub use expected::{BUNDLED_WIT, BUNDLED_WORLD, ExpectedWorld};
pub use imports::DEFAULT_WASI_IMPORTS;
pub use report::{Issue, Severity, ValidationReport};
pub use validator::Validator;
