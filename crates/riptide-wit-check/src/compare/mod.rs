//! Structural comparison of the expected world with the world decoded from a component.
//!
//! Everything is compared by name and position: functions (parameter names and types,
//! result), records (fields), variants (cases and payloads), enums, flags, options, results,
//! lists, tuples, maps, futures, streams, aliases (followed) and resources (by name).
//! A named type used in several places is compared — and reported — once, at its first use.

mod items;
mod types;

use std::collections::HashSet;

use wit_parser::{Resolve, Type, TypeDefKind, TypeId};

use crate::package::{ItemName, VersionMatch};
use crate::render;
use crate::report::{Issue, Severity};

/// How many alias hops are followed before giving up (a malformed resolve must not loop).
const MAX_ALIAS_HOPS: usize = 64;

/// Walks two resolves side by side and collects issues under a path.
pub(crate) struct Checker<'a> {
    pub(crate) exp: &'a Resolve,
    pub(crate) found: &'a Resolve,
    path: Vec<String>,
    pub(crate) issues: Vec<Issue>,
    seen: HashSet<(TypeId, TypeId)>,
}

impl<'a> Checker<'a> {
    pub(crate) fn new(exp: &'a Resolve, found: &'a Resolve) -> Self {
        Checker {
            exp,
            found,
            path: Vec::new(),
            issues: Vec::new(),
            seen: HashSet::new(),
        }
    }

    /// Runs `f` with `segment` appended to the path.
    pub(crate) fn at<R>(
        &mut self,
        segment: impl Into<String>,
        f: impl FnOnce(&mut Self) -> R,
    ) -> R {
        self.path.push(segment.into());
        let r = f(self);
        self.path.pop();
        r
    }

    pub(crate) fn report(
        &mut self,
        severity: Severity,
        message: String,
        suggestion: Option<String>,
    ) {
        self.issues.push(Issue {
            severity,
            path: self.path.join(" › "),
            message,
            suggestion,
        });
    }

    pub(crate) fn error(&mut self, message: String) {
        self.report(Severity::Error, message, None);
    }

    pub(crate) fn warn(&mut self, message: String) {
        self.report(Severity::Warning, message, None);
    }

    pub(crate) fn exp_ty(&self, t: Type) -> String {
        render::ty(self.exp, t)
    }

    pub(crate) fn found_ty(&self, t: Type) -> String {
        render::ty(self.found, t)
    }

    pub(crate) fn mismatch(&mut self, e: Type, f: Type) {
        let msg = format!("expected {}, found {}", self.exp_ty(e), self.found_ty(f));
        self.error(msg);
    }
}

/// Follows `type a = b` aliases down to the aliased type.
pub(crate) fn deref(resolve: &Resolve, mut t: Type) -> Type {
    for _ in 0..MAX_ALIAS_HOPS {
        match t {
            Type::Id(id) => match resolve.types.get(id).map(|d| &d.kind) {
                Some(TypeDefKind::Type(inner)) => t = *inner,
                _ => return t,
            },
            _ => return t,
        }
    }
    t
}

/// Picks the found item that best matches `name`: exact, then semver-compatible, then the same
/// interface at an incompatible version.
pub(crate) fn best_match<'n>(
    name: &ItemName,
    found: impl Iterator<Item = &'n ItemName>,
    taken: &[bool],
) -> Option<(usize, VersionMatch)> {
    found
        .enumerate()
        .filter(|(j, _)| !taken.get(*j).copied().unwrap_or(false))
        .filter_map(|(j, f)| name.matches(f).map(|m| (m, j)))
        .min()
        .map(|(m, j)| (j, m))
}
