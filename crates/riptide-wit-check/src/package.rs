//! Names of world items, semver compatibility (the rule wasmtime uses when linking) and the
//! package check.

use semver::Version;
use wit_parser::{PackageName, Resolve, WorldKey};

use crate::render;
use crate::report::{Issue, Severity};

/// The name of an import or export: a plain kebab name or a versioned interface.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum ItemName {
    /// `extract`, `fetch`.
    Plain(String),
    /// `wasi:io/poll@0.2.6`.
    Interface {
        namespace: String,
        package: String,
        interface: String,
        version: Option<Version>,
    },
}

/// How well two versions of the same interface or package match.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum VersionMatch {
    /// Same version (or both unversioned).
    Exact,
    /// Different versions on the same semver track (0.2.0 / 0.2.6, 1.2.0 / 1.5.0).
    Compatible,
    /// Different tracks, or one side unversioned.
    Incompatible,
}

impl ItemName {
    /// How `self` matches `other`, or `None` when they name different items.
    pub(crate) fn matches(&self, other: &ItemName) -> Option<VersionMatch> {
        match (self, other) {
            (ItemName::Plain(a), ItemName::Plain(b)) => (a == b).then_some(VersionMatch::Exact),
            (
                ItemName::Interface {
                    namespace: an,
                    package: ap,
                    interface: ai,
                    version: av,
                },
                ItemName::Interface {
                    namespace: bn,
                    package: bp,
                    interface: bi,
                    version: bv,
                },
            ) if an == bn && ap == bp && ai == bi => Some(version_match(av.as_ref(), bv.as_ref())),
            _ => None,
        }
    }

    /// `wasi:io/poll` without the version, or the plain name.
    pub(crate) fn unversioned(&self) -> String {
        match self {
            ItemName::Plain(n) => n.clone(),
            ItemName::Interface {
                namespace,
                package,
                interface,
                ..
            } => format!("{namespace}:{package}/{interface}"),
        }
    }
}

/// The name under which `key` is imported or exported in `resolve`'s world.
pub(crate) fn item_name(resolve: &Resolve, key: &WorldKey) -> ItemName {
    match key {
        WorldKey::Name(n) => ItemName::Plain(n.clone()),
        WorldKey::Interface(id) => {
            let iface = resolve.interfaces.get(*id);
            let pkg = iface.and_then(|i| render::iface_package(resolve, i));
            match (pkg, iface.and_then(|i| i.name.clone())) {
                (Some(pkg), Some(interface)) => ItemName::Interface {
                    namespace: pkg.namespace.clone(),
                    package: pkg.name.clone(),
                    interface,
                    version: pkg.version.clone(),
                },
                _ => ItemName::Plain(render::world_key(resolve, key)),
            }
        }
    }
}

/// Compares two optional versions with [`compatible`].
pub(crate) fn version_match(a: Option<&Version>, b: Option<&Version>) -> VersionMatch {
    match (a, b) {
        (None, None) => VersionMatch::Exact,
        (Some(a), Some(b)) if a == b => VersionMatch::Exact,
        (Some(a), Some(b)) if compatible(a, b) => VersionMatch::Compatible,
        _ => VersionMatch::Incompatible,
    }
}

/// The semver rule wasmtime applies when it links imports to host definitions: two versions
/// are compatible when they are on the same track — same major for `≥ 1.0.0`, same major and
/// minor for `0.x.y` (x ≥ 1), the exact version for `0.0.z` and for pre-releases.
pub(crate) fn compatible(a: &Version, b: &Version) -> bool {
    track(a) == track(b)
}

/// The track a version is on, written like wasmtime's alternate lookup key (`1`, `0.2`, …).
pub(crate) fn track(v: &Version) -> String {
    if !v.pre.is_empty() {
        format!("{}.{}.{}-{}", v.major, v.minor, v.patch, v.pre)
    } else if v.major != 0 {
        format!("{}", v.major)
    } else if v.minor != 0 {
        format!("0.{}", v.minor)
    } else {
        format!("0.0.{}", v.patch)
    }
}

/// The package and world a component records about itself (from a `component-type` section).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct RecordedWorld {
    pub(crate) package: PackageName,
    pub(crate) world: String,
}

impl RecordedWorld {
    /// `ns:pkg/world@version`.
    pub(crate) fn id(&self) -> String {
        world_id(&self.package, &self.world)
    }
}

/// `ns:pkg/world@version`.
pub(crate) fn world_id(package: &PackageName, world: &str) -> String {
    package.interface_id(world)
}

/// Checks the package (namespace, name, version) and the world name the component records
/// against the expected ones.
pub(crate) fn check(
    expected: &PackageName,
    expected_world: &str,
    recorded: Option<&RecordedWorld>,
    issues: &mut Vec<Issue>,
) {
    let mut push = |severity, message: String, suggestion: Option<String>| {
        issues.push(Issue {
            severity,
            path: "package".into(),
            message,
            suggestion,
        })
    };
    let Some(rec) = recorded else {
        push(
            Severity::Warning,
            format!(
                "the component does not record the package of its world, so {expected} cannot \
                 be confirmed; its imports and exports were checked"
            ),
            Some(
                "wit-component keeps only the imports and exports in a component; record the \
                 world in a `component-type` custom section (wit_component::metadata::encode, as \
                 the Riptide guest build does) to have the package and its version checked too"
                    .into(),
            ),
        );
        return;
    };
    let found = &rec.package;
    if (&found.namespace, &found.name) != (&expected.namespace, &expected.name) {
        push(
            Severity::Error,
            format!(
                "expected package {}:{}, found {}:{}",
                expected.namespace, expected.name, found.namespace, found.name
            ),
            Some(format!(
                "the component was built for {}; rebuild it from this host's WIT ({})",
                rec.id(),
                world_id(expected, expected_world)
            )),
        );
        return;
    }
    let version = |v: &Option<Version>| v.as_ref().map_or("(none)".to_string(), Version::to_string);
    match version_match(expected.version.as_ref(), found.version.as_ref()) {
        VersionMatch::Exact => {}
        VersionMatch::Compatible => push(
            Severity::Warning,
            format!(
                "expected version {}, found {}: semver-compatible, the host links it",
                version(&expected.version),
                version(&found.version)
            ),
            None,
        ),
        VersionMatch::Incompatible => {
            let track_hint = expected
                .version
                .as_ref()
                .map(|v| format!(" (compatible versions: {}.x)", track(v)))
                .unwrap_or_default();
            push(
                Severity::Error,
                format!(
                    "expected version {}, found {}, which is not semver-compatible{track_hint}",
                    version(&expected.version),
                    version(&found.version)
                ),
                Some(format!(
                    "rebuild the guest against {} or run it with a host built for {}",
                    world_id(expected, expected_world),
                    rec.id()
                )),
            )
        }
    }
    if rec.world != expected_world {
        issues.push(Issue {
            severity: Severity::Warning,
            path: "world".into(),
            message: format!(
                "the component was built for world {}; expected world {expected_world} \
                 (its imports and exports were compared)",
                rec.world
            ),
            suggestion: None,
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(s: &str) -> Version {
        Version::parse(s).unwrap()
    }

    #[test]
    fn wasmtime_semver_rule() {
        assert!(compatible(&v("0.2.0"), &v("0.2.1")));
        assert!(compatible(&v("0.2.6"), &v("0.2.0")));
        assert!(!compatible(&v("0.2.0"), &v("0.3.0")));
        assert!(!compatible(&v("0.2.0"), &v("1.0.0")));
        assert!(compatible(&v("1.0.0"), &v("1.4.2")));
        assert!(!compatible(&v("1.0.0"), &v("2.0.0")));
        assert!(!compatible(&v("0.0.1"), &v("0.0.2")));
        assert!(!compatible(&v("0.2.0-rc-1"), &v("0.2.0")));
        assert_eq!(
            version_match(Some(&v("0.2.0")), None),
            VersionMatch::Incompatible
        );
        assert_eq!(version_match(None, None), VersionMatch::Exact);
    }
}
