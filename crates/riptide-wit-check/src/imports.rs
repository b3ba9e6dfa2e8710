//! What the host provides, and the check that every import of the component is among it.

use semver::Version;
use wit_parser::{Type, TypeDefKind, WorldId, WorldItem};

use crate::compare::{Checker, best_match, deref};
use crate::error::WitCheckError;
use crate::package::{ItemName, VersionMatch, item_name, track};
use crate::render;
use crate::report::Severity;

/// The WASI 0.2 interfaces wasmtime-wasi 48's p2 synchronous linker provides: the imports a
/// component may have by default (see
/// [`Validator::allow_import`](crate::Validator::allow_import) for more).
///
/// ```
/// assert!(riptide_wit_check::DEFAULT_WASI_IMPORTS.contains(&"wasi:io/poll"));
/// ```
pub const DEFAULT_WASI_IMPORTS: &[&str] = &[
    "wasi:cli/environment",
    "wasi:cli/exit",
    "wasi:cli/stdin",
    "wasi:cli/stdout",
    "wasi:cli/stderr",
    "wasi:cli/terminal-input",
    "wasi:cli/terminal-output",
    "wasi:cli/terminal-stdin",
    "wasi:cli/terminal-stdout",
    "wasi:cli/terminal-stderr",
    "wasi:clocks/monotonic-clock",
    "wasi:clocks/wall-clock",
    "wasi:filesystem/types",
    "wasi:filesystem/preopens",
    "wasi:io/error",
    "wasi:io/poll",
    "wasi:io/streams",
    "wasi:random/random",
    "wasi:random/insecure",
    "wasi:random/insecure-seed",
    "wasi:sockets/network",
    "wasi:sockets/instance-network",
    "wasi:sockets/udp",
    "wasi:sockets/udp-create-socket",
    "wasi:sockets/tcp",
    "wasi:sockets/tcp-create-socket",
    "wasi:sockets/ip-name-lookup",
];

/// The WASI version the default imports are listed at; every `0.2.x` is accepted.
pub(crate) const DEFAULT_WASI_VERSION: &str = "0.2.0";

/// One import the host provides.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct AllowedImport {
    name: ItemName,
    /// `false`: the name was given without `@version`, any version is accepted.
    versioned: bool,
}

impl AllowedImport {
    /// Parses `ns:pkg/iface@1.2.3`, `ns:pkg/iface` (any version) or a plain kebab name.
    pub(crate) fn parse(s: &str) -> Result<Self, WitCheckError> {
        let invalid = || WitCheckError::InvalidImportName {
            name: s.to_string(),
        };
        let Some((ns, rest)) = s.split_once(':') else {
            if !is_kebab(s) {
                return Err(invalid());
            }
            return Ok(AllowedImport {
                name: ItemName::Plain(s.to_string()),
                versioned: false,
            });
        };
        let (path, version) = match rest.split_once('@') {
            Some((p, v)) => (p, Some(Version::parse(v).map_err(|_| invalid())?)),
            None => (rest, None),
        };
        let (pkg, iface) = path.split_once('/').ok_or_else(invalid)?;
        if ![ns, pkg, iface].into_iter().all(is_kebab) {
            return Err(invalid());
        }
        Ok(AllowedImport {
            versioned: version.is_some(),
            name: ItemName::Interface {
                namespace: ns.to_string(),
                package: pkg.to_string(),
                interface: iface.to_string(),
                version,
            },
        })
    }

    /// The default allow-list: WASI 0.2.x as linked by wasmtime-wasi's p2 linker.
    pub(crate) fn wasi_defaults() -> Vec<AllowedImport> {
        DEFAULT_WASI_IMPORTS
            .iter()
            .filter_map(|n| AllowedImport::parse(&format!("{n}@{DEFAULT_WASI_VERSION}")).ok())
            .collect()
    }

    fn accepts(&self, found: &ItemName) -> Option<VersionMatch> {
        let m = self.name.matches(found)?;
        Some(if self.versioned {
            m
        } else {
            VersionMatch::Exact
        })
    }

    /// `wasi:io/poll@0.2.x`, as shown in messages.
    fn describe(&self) -> String {
        match &self.name {
            ItemName::Interface {
                version: Some(v), ..
            } => format!("{}@{}.x", self.name.unversioned(), track(v)),
            other => other.unversioned(),
        }
    }
}

fn is_kebab(s: &str) -> bool {
    !s.is_empty()
        && !s.starts_with('-')
        && !s.ends_with('-')
        && !s.contains("--")
        && s.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
}

/// Checks every import of the component: the ones the expected world declares are compared
/// structurally; the others must be provided by the host (`allowed`).
///
/// Non-resource type imports are type definitions, not something the host provides.
pub(crate) fn check(
    c: &mut Checker<'_>,
    exp_world: WorldId,
    found_world: WorldId,
    allowed: &[AllowedImport],
) {
    let (exp, found) = (c.exp, c.found);
    let (Some(ew), Some(fw)) = (exp.worlds.get(exp_world), found.worlds.get(found_world)) else {
        return;
    };
    let exp_names: Vec<ItemName> = ew.imports.keys().map(|k| item_name(exp, k)).collect();
    let exp_items: Vec<&WorldItem> = ew.imports.values().collect();

    for (key, item) in &fw.imports {
        if let WorldItem::Type { id, .. } = item {
            let is_resource = matches!(
                deref(found, Type::Id(*id)),
                Type::Id(r) if matches!(found.types.get(r).map(|d| &d.kind), Some(TypeDefKind::Resource))
            );
            if !is_resource {
                continue;
            }
        }
        let name = item_name(found, key);
        let label = render::world_key(found, key);

        // Declared by the expected world: compare it.
        if let Some((i, m)) = best_match(&name, exp_names.iter(), &[])
            && m != VersionMatch::Incompatible
        {
            c.at(format!("import {label}"), |c| c.item(exp_items[i], item));
            continue;
        }
        // Provided by the host.
        let best = allowed
            .iter()
            .filter_map(|a| a.accepts(&name).map(|m| (m, a)))
            .min_by_key(|(m, _)| *m);
        match best {
            Some((VersionMatch::Exact | VersionMatch::Compatible, _)) => {}
            Some((VersionMatch::Incompatible, a)) => {
                let provided = a.describe();
                c.at(format!("import {label}"), |c| {
                    c.report(
                        Severity::Error,
                        format!("the host provides {provided}, not this version"),
                        Some(format!(
                            "build the guest against {provided} (for WASI: target wasm32-wasip2 \
                             with a WASI 0.2 toolchain)"
                        )),
                    )
                });
            }
            None => {
                let what = match item {
                    WorldItem::Function(f) => {
                        format!("function {label}: {}", render::func_sig(found, f))
                    }
                    WorldItem::Interface { .. } => format!("interface {label}"),
                    WorldItem::Type { .. } => format!("resource {label}"),
                };
                c.at(format!("import {label}"), |c| {
                    c.report(
                        Severity::Error,
                        format!("the component imports {what}, which the host does not provide"),
                        Some(format!(
                            "the host provides WASI 0.2 only (wasi:cli, wasi:clocks, \
                             wasi:filesystem, wasi:io, wasi:random, wasi:sockets); remove the \
                             import from the guest, or provide it in the host and allow it with \
                             Validator::allow_import(\"{}\")",
                            name.unversioned()
                        )),
                    )
                });
            }
        }
    }
}

/// Imports of a kind that has no WIT form (core modules, components, values): the host
/// never provides them.
pub(crate) fn non_wit(c: &mut Checker<'_>, imports: &[(String, &'static str)]) {
    for (name, kind) in imports {
        c.at(format!("import {name}"), |c| {
            c.report(
                Severity::Error,
                format!("the component imports {kind}, which the host never provides"),
                Some("the host links WIT interfaces and functions only; remove this import".into()),
            )
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_names() {
        assert!(AllowedImport::parse("wasi:http/outgoing-handler@0.2.0").is_ok());
        assert!(AllowedImport::parse("wasi:http/types").is_ok());
        assert!(AllowedImport::parse("fetch").is_ok());
        for bad in [
            "",
            "wasi:http",
            "wasi:/x",
            "a:b/c@zero",
            "Has Space",
            "-x",
            "a:b/c/d",
        ] {
            assert!(AllowedImport::parse(bad).is_err(), "{bad}");
        }
        assert_eq!(
            AllowedImport::wasi_defaults().len(),
            DEFAULT_WASI_IMPORTS.len()
        );
    }
}
