//! Test and benchmark support of the Riptide workspace, never published: the components that
//! the tests of `riptide-wit-check`, `riptide-pool`, `riptide-cli` and `xtask wit-fixtures`
//! check ([`fixtures`]).
//!
//! It is a dev-dependency everywhere but in `xtask`; production crates do not depend on it.

#![warn(missing_docs)]

pub mod fixtures;
