//! World items: exports, interfaces and functions.

use wit_parser::{Function, InterfaceId, Type, WorldId, WorldItem};

use super::{Checker, best_match};
use crate::align::{Aligned, align, closest};
use crate::package::{ItemName, VersionMatch, item_name};
use crate::render;
use crate::report::Severity;

impl Checker<'_> {
    /// Compares the exports of two worlds: every expected export must be present and match;
    /// extra exports are warnings.
    pub(crate) fn exports(&mut self, exp_world: WorldId, found_world: WorldId) {
        let (Some(ew), Some(fw)) = (
            self.exp.worlds.get(exp_world),
            self.found.worlds.get(found_world),
        ) else {
            return;
        };
        let found: Vec<(ItemName, String, &WorldItem)> = fw
            .exports
            .iter()
            .map(|(k, item)| {
                (
                    item_name(self.found, k),
                    render::world_key(self.found, k),
                    item,
                )
            })
            .collect();
        let mut matched = vec![false; found.len()];
        let mut missing = Vec::new();

        for (key, item) in &ew.exports {
            let name = item_name(self.exp, key);
            let label = render::world_key(self.exp, key);
            match best_match(&name, found.iter().map(|(n, _, _)| n), &matched) {
                Some((j, m)) => {
                    matched[j] = true;
                    let (_, found_label, found_item) = &found[j];
                    self.at(format!("export {label}"), |c| {
                        match m {
                            VersionMatch::Exact => {}
                            VersionMatch::Compatible => c.warn(format!(
                                "the component exports {found_label}, a different but \
                                 semver-compatible version"
                            )),
                            VersionMatch::Incompatible => {
                                c.error(format!(
                                    "the component exports {found_label}, an incompatible version"
                                ));
                                return;
                            }
                        }
                        c.item(item, found_item);
                    });
                }
                None => missing.push((label, item)),
            }
        }

        let extras: Vec<&str> = found
            .iter()
            .zip(&matched)
            .filter(|(_, m)| !**m)
            .map(|((_, label, _), _)| label.as_str())
            .collect();
        let missing_labels: Vec<&str> = missing.iter().map(|(l, _)| l.as_str()).collect();
        for (label, item) in &missing {
            let expected = self.describe(label, item);
            let suggestion = closest(label, extras.iter().copied())
                .map(|e| format!("the component exports {e}; did you mean {label}?"));
            self.at(format!("export {label}"), |c| {
                c.report(
                    Severity::Error,
                    format!("not exported by the component; expected {expected}"),
                    suggestion,
                );
            });
        }
        for (j, (_, label, item)) in found.iter().enumerate() {
            if matched[j] {
                continue;
            }
            let suggestion = closest(label, missing_labels.iter().copied())
                .map(|m| format!("did you mean {m}? the expected world exports {m}"));
            let kind = render::item_kind(self.found, item);
            self.at(format!("export {label}"), |c| {
                c.report(
                    Severity::Warning,
                    format!("{kind} the expected world does not export; the host ignores it"),
                    suggestion,
                );
            });
        }
    }

    /// `extract: func(…) -> …` or `interface ns:pkg/iface`.
    pub(crate) fn describe(&self, label: &str, item: &WorldItem) -> String {
        match item {
            WorldItem::Function(f) => format!("{label}: {}", render::func_sig(self.exp, f)),
            WorldItem::Interface { .. } => format!("interface {label}"),
            WorldItem::Type { id, .. } => format!("type {}", render::ty(self.exp, Type::Id(*id))),
        }
    }

    /// Compares one world item (function, interface or type) found under the same name.
    pub(crate) fn item(&mut self, e: &WorldItem, f: &WorldItem) {
        match (e, f) {
            (WorldItem::Function(ef), WorldItem::Function(ff)) => self.function(ef, ff),
            (WorldItem::Interface { id: ei, .. }, WorldItem::Interface { id: fi, .. }) => {
                self.interface(*ei, *fi)
            }
            (WorldItem::Type { id: ei, .. }, WorldItem::Type { id: fi, .. }) => {
                self.ty(Type::Id(*ei), Type::Id(*fi))
            }
            _ => {
                let msg = format!(
                    "expected {}, found {}",
                    render::item_kind(self.exp, e),
                    render::item_kind(self.found, f)
                );
                self.error(msg);
            }
        }
    }

    // ---------------------------------------------------------------- interfaces

    fn interface(&mut self, e: InterfaceId, f: InterfaceId) {
        let (Some(ei), Some(fi)) = (self.exp.interfaces.get(e), self.found.interfaces.get(f))
        else {
            return;
        };
        for (name, &et) in &ei.types {
            match fi.types.get(name) {
                Some(&ft) => self.ty(Type::Id(et), Type::Id(ft)),
                None => {
                    let what = render::ty(self.exp, Type::Id(et));
                    self.at(format!("type {name}"), |c| {
                        c.error(format!(
                            "not defined by the component's interface; expected type {what}"
                        ))
                    });
                }
            }
        }
        for name in fi.types.keys().filter(|n| !ei.types.contains_key(*n)) {
            self.at(format!("type {name}"), |c| {
                c.warn("a type the expected interface does not define".into())
            });
        }

        let extra_names: Vec<&str> = fi
            .functions
            .keys()
            .filter(|n| !ei.functions.contains_key(*n))
            .map(String::as_str)
            .collect();
        for (name, ef) in &ei.functions {
            let label = render::func_label(ef);
            match fi.functions.get(name) {
                Some(ff) => self.at(format!("func {label}"), |c| c.function(ef, ff)),
                None => {
                    let sig = render::func_sig(self.exp, ef);
                    let suggestion = closest(name, extra_names.iter().copied())
                        .map(|x| format!("the interface has {x}; did you mean {name}?"));
                    self.at(format!("func {label}"), |c| {
                        c.report(
                            Severity::Error,
                            format!(
                                "not defined by the component's interface; expected {name}: {sig}"
                            ),
                            suggestion,
                        )
                    });
                }
            }
        }
        for ff in fi
            .functions
            .iter()
            .filter(|(n, _)| !ei.functions.contains_key(*n))
            .map(|(_, f)| f)
        {
            let label = render::func_label(ff);
            self.at(format!("func {label}"), |c| {
                c.warn(
                    "a function the expected interface does not define; the host ignores it".into(),
                )
            });
        }
    }

    // ---------------------------------------------------------------- functions

    pub(crate) fn function(&mut self, e: &Function, f: &Function) {
        if e.kind.is_async() != f.kind.is_async() {
            let (ea, fa) = (asyncness(e), asyncness(f));
            self.error(format!("expected {ea} function, found {fa} function"));
        }
        if std::mem::discriminant(&e.kind) != std::mem::discriminant(&f.kind)
            && e.kind.is_async() == f.kind.is_async()
        {
            let msg = format!("expected {}, found {}", kind_name(e), kind_name(f));
            self.error(msg);
        }

        let en: Vec<&str> = e.params.iter().map(|p| p.name.as_str()).collect();
        let fname: Vec<&str> = f.params.iter().map(|p| p.name.as_str()).collect();
        for a in align(&en, &fname) {
            match a {
                Aligned::Same(i, j) => {
                    let (ep, fp) = (&e.params[i], &f.params[j]);
                    self.at(format!("param {}", ep.name), |c| c.ty(ep.ty, fp.ty));
                }
                Aligned::Moved(i, j) => {
                    let (ep, fp) = (&e.params[i], &f.params[j]);
                    self.at(format!("param {}", ep.name), |c| {
                        c.error(format!(
                            "expected as parameter {}, found as parameter {}",
                            i + 1,
                            j + 1
                        ));
                        c.ty(ep.ty, fp.ty);
                    });
                }
                Aligned::Renamed(i, j) => {
                    let (ep, fp) = (&e.params[i], &f.params[j]);
                    self.at(format!("param {}", ep.name), |c| {
                        c.error(format!(
                            "parameter {} is named {}; expected {}",
                            i + 1,
                            fp.name,
                            ep.name
                        ));
                        c.ty(ep.ty, fp.ty);
                    });
                }
                Aligned::Missing(i) => {
                    let ep = &e.params[i];
                    let t = self.exp_ty(ep.ty);
                    self.at(format!("param {}", ep.name), |c| {
                        c.error(format!("missing parameter {}: {t}", ep.name))
                    });
                }
                Aligned::Extra(j) => {
                    let fp = &f.params[j];
                    let t = self.found_ty(fp.ty);
                    self.at(format!("param {}", fp.name), |c| {
                        c.error(format!("unexpected extra parameter {}: {t}", fp.name))
                    });
                }
            }
        }

        match (e.result, f.result) {
            (None, None) => {}
            (Some(er), Some(fr)) => self.at("result", |c| c.ty(er, fr)),
            (Some(er), None) => {
                let t = self.exp_ty(er);
                self.at("result", |c| {
                    c.error(format!("expected {t}, found no result"))
                });
            }
            (None, Some(fr)) => {
                let t = self.found_ty(fr);
                self.at("result", |c| {
                    c.error(format!("expected no result, found {t}"))
                });
            }
        }
    }
}

fn asyncness(f: &Function) -> &'static str {
    if f.kind.is_async() {
        "an async"
    } else {
        "a synchronous"
    }
}

fn kind_name(f: &Function) -> &'static str {
    use wit_parser::FunctionKind as K;
    match f.kind {
        K::Freestanding | K::AsyncFreestanding => "a freestanding function",
        K::Getter | K::Setter => "a property accessor",
        K::Method(_) | K::AsyncMethod(_) | K::MethodGetter(_) | K::MethodSetter(_) => "a method",
        K::Static(_) | K::AsyncStatic(_) | K::StaticGetter(_) | K::StaticSetter(_) => {
            "a static function"
        }
        K::Constructor(_) => "a constructor",
    }
}
