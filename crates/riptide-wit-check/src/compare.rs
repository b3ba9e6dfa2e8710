//! Structural comparison of the expected world with the world decoded from a component.
//!
//! Everything is compared by name and position: functions (parameter names and types,
//! result), records (fields), variants (cases and payloads), enums, flags, options, results,
//! lists, tuples, maps, futures, streams, aliases (followed) and resources (by name).
//! A named type used in several places is compared — and reported — once, at its first use.

use std::collections::HashSet;

use wit_parser::{
    Function, Handle, InterfaceId, Resolve, Type, TypeDefKind, TypeId, WorldId, WorldItem,
};

use crate::align::{Aligned, align, closest};
use crate::package::{ItemName, VersionMatch, item_name};
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
    pub(crate) fn at<R>(&mut self, segment: impl Into<String>, f: impl FnOnce(&mut Self) -> R) -> R {
        self.path.push(segment.into());
        let r = f(self);
        self.path.pop();
        r
    }

    pub(crate) fn report(&mut self, severity: Severity, message: String, suggestion: Option<String>) {
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

    fn warn(&mut self, message: String) {
        self.report(Severity::Warning, message, None);
    }

    fn exp_ty(&self, t: Type) -> String {
        render::ty(self.exp, t)
    }

    fn found_ty(&self, t: Type) -> String {
        render::ty(self.found, t)
    }

    fn mismatch(&mut self, e: Type, f: Type) {
        let msg = format!("expected {}, found {}", self.exp_ty(e), self.found_ty(f));
        self.error(msg);
    }

    // ---------------------------------------------------------------- world exports

    /// Compares the exports of two worlds: every expected export must be present and match;
    /// extra exports are warnings.
    pub(crate) fn exports(&mut self, exp_world: WorldId, found_world: WorldId) {
        let (Some(ew), Some(fw)) = (self.exp.worlds.get(exp_world), self.found.worlds.get(found_world)) else {
            return;
        };
        let found: Vec<(ItemName, String, &WorldItem)> = fw
            .exports
            .iter()
            .map(|(k, item)| (item_name(self.found, k), render::world_key(self.found, k), item))
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
        let (Some(ei), Some(fi)) = (self.exp.interfaces.get(e), self.found.interfaces.get(f)) else {
            return;
        };
        for (name, &et) in &ei.types {
            match fi.types.get(name) {
                Some(&ft) => self.ty(Type::Id(et), Type::Id(ft)),
                None => {
                    let what = render::ty(self.exp, Type::Id(et));
                    self.at(format!("type {name}"), |c| {
                        c.error(format!("not defined by the component's interface; expected type {what}"))
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
                            format!("not defined by the component's interface; expected {name}: {sig}"),
                            suggestion,
                        )
                    });
                }
            }
        }
        for (name, ff) in fi.functions.iter().filter(|(n, _)| !ei.functions.contains_key(*n)) {
            let label = render::func_label(ff);
            let _ = name;
            self.at(format!("func {label}"), |c| {
                c.warn("a function the expected interface does not define; the host ignores it".into())
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
                self.at("result", |c| c.error(format!("expected {t}, found no result")));
            }
            (None, Some(fr)) => {
                let t = self.found_ty(fr);
                self.at("result", |c| c.error(format!("expected no result, found {t}")));
            }
        }
    }

    // ---------------------------------------------------------------- types

    /// Compares two types structurally, following aliases.
    pub(crate) fn ty(&mut self, e: Type, f: Type) {
        let e = deref(self.exp, e);
        let f = deref(self.found, f);
        match (e, f) {
            (Type::Id(ei), Type::Id(fi)) => self.def(ei, fi),
            (Type::Id(_), _) | (_, Type::Id(_)) => self.mismatch(e, f),
            (a, b) if a == b => {}
            _ => self.mismatch(e, f),
        }
    }

    fn def(&mut self, ei: TypeId, fi: TypeId) {
        let (Some(ed), Some(fd)) = (self.exp.types.get(ei), self.found.types.get(fi)) else {
            return;
        };
        let named = ed.name.is_some();
        if named && !self.seen.insert((ei, fi)) {
            return; // already compared (and reported) at its first use
        }
        let label = |kind: &str| match &ed.name {
            Some(n) => format!("{kind} {n}"),
            None => kind.to_string(),
        };
        match (&ed.kind, &fd.kind) {
            (TypeDefKind::Record(er), TypeDefKind::Record(fr)) => self.at(label("record"), |c| {
                c.type_name(ed.name.as_deref(), fd.name.as_deref(), "record");
                let en: Vec<&str> = er.fields.iter().map(|x| x.name.as_str()).collect();
                let fnames: Vec<&str> = fr.fields.iter().map(|x| x.name.as_str()).collect();
                c.members("field", &en, &fnames, |c, i, j| c.ty(er.fields[i].ty, fr.fields[j].ty), |c, i| {
                    Some(c.exp_ty(er.fields[i].ty))
                }, |c, j| Some(c.found_ty(fr.fields[j].ty)));
            }),
            (TypeDefKind::Variant(ev), TypeDefKind::Variant(fv)) => self.at(label("variant"), |c| {
                c.type_name(ed.name.as_deref(), fd.name.as_deref(), "variant");
                let en: Vec<&str> = ev.cases.iter().map(|x| x.name.as_str()).collect();
                let fnames: Vec<&str> = fv.cases.iter().map(|x| x.name.as_str()).collect();
                c.members(
                    "case",
                    &en,
                    &fnames,
                    |c, i, j| c.payload(ev.cases[i].ty, fv.cases[j].ty),
                    |c, i| ev.cases[i].ty.map(|t| c.exp_ty(t)),
                    |c, j| fv.cases[j].ty.map(|t| c.found_ty(t)),
                );
            }),
            (TypeDefKind::Enum(ee), TypeDefKind::Enum(fe)) => self.at(label("enum"), |c| {
                c.type_name(ed.name.as_deref(), fd.name.as_deref(), "enum");
                let en: Vec<&str> = ee.cases.iter().map(|x| x.name.as_str()).collect();
                let fnames: Vec<&str> = fe.cases.iter().map(|x| x.name.as_str()).collect();
                c.members("case", &en, &fnames, |_, _, _| {}, |_, _| None, |_, _| None);
            }),
            (TypeDefKind::Flags(ef), TypeDefKind::Flags(ff)) => self.at(label("flags"), |c| {
                c.type_name(ed.name.as_deref(), fd.name.as_deref(), "flags");
                let en: Vec<&str> = ef.flags.iter().map(|x| x.name.as_str()).collect();
                let fnames: Vec<&str> = ff.flags.iter().map(|x| x.name.as_str()).collect();
                c.members("flag", &en, &fnames, |_, _, _| {}, |_, _| None, |_, _| None);
            }),
            (TypeDefKind::Resource, TypeDefKind::Resource) => {
                if ed.name != fd.name {
                    let (en, fname) = (ed.name.as_deref().unwrap_or("_"), fd.name.as_deref().unwrap_or("_"));
                    self.error(format!("expected resource {en}, found resource {fname}"));
                }
            }
            (TypeDefKind::Handle(eh), TypeDefKind::Handle(fh)) => match (eh, fh) {
                (Handle::Own(er), Handle::Own(fr)) | (Handle::Borrow(er), Handle::Borrow(fr)) => {
                    self.ty(Type::Id(*er), Type::Id(*fr))
                }
                _ => self.mismatch(Type::Id(ei), Type::Id(fi)),
            },
            (TypeDefKind::Option(et), TypeDefKind::Option(ft)) => self.at("some", |c| c.ty(*et, *ft)),
            (TypeDefKind::List(et), TypeDefKind::List(ft)) => self.at("element", |c| c.ty(*et, *ft)),
            (TypeDefKind::FixedLengthList(et, en), TypeDefKind::FixedLengthList(ft, fnum)) => {
                if en != fnum {
                    self.mismatch(Type::Id(ei), Type::Id(fi));
                } else {
                    self.at("element", |c| c.ty(*et, *ft));
                }
            }
            (TypeDefKind::Map(ek, ev), TypeDefKind::Map(fk, fv)) => {
                self.at("key", |c| c.ty(*ek, *fk));
                self.at("value", |c| c.ty(*ev, *fv));
            }
            (TypeDefKind::Tuple(et), TypeDefKind::Tuple(ft)) => {
                if et.types.len() != ft.types.len() {
                    self.mismatch(Type::Id(ei), Type::Id(fi));
                } else {
                    for (k, (a, b)) in et.types.iter().zip(&ft.types).enumerate() {
                        self.at(format!("element {k}"), |c| c.ty(*a, *b));
                    }
                }
            }
            (TypeDefKind::Result(er), TypeDefKind::Result(fr)) => {
                if er.ok.is_some() != fr.ok.is_some() || er.err.is_some() != fr.err.is_some() {
                    self.mismatch(Type::Id(ei), Type::Id(fi));
                    return;
                }
                if let (Some(a), Some(b)) = (er.ok, fr.ok) {
                    self.at("ok", |c| c.ty(a, b));
                }
                if let (Some(a), Some(b)) = (er.err, fr.err) {
                    self.at("err", |c| c.ty(a, b));
                }
            }
            (TypeDefKind::Future(ep), TypeDefKind::Future(fp))
            | (TypeDefKind::Stream(ep), TypeDefKind::Stream(fp)) => match (ep, fp) {
                (Some(a), Some(b)) => self.at("payload", |c| c.ty(*a, *b)),
                (None, None) => {}
                _ => self.mismatch(Type::Id(ei), Type::Id(fi)),
            },
            _ => self.mismatch(Type::Id(ei), Type::Id(fi)),
        }
    }

    /// Variant case payloads: both absent, or both present and equal.
    fn payload(&mut self, e: Option<Type>, f: Option<Type>) {
        match (e, f) {
            (None, None) => {}
            (Some(a), Some(b)) => self.ty(a, b),
            (Some(a), None) => {
                let t = self.exp_ty(a);
                self.error(format!("expected payload {t}, found no payload"));
            }
            (None, Some(b)) => {
                let t = self.found_ty(b);
                self.error(format!("expected no payload, found payload {t}"));
            }
        }
    }

    /// Names of non-resource types do not affect linking, but a renamed type is worth a note.
    fn type_name(&mut self, e: Option<&str>, f: Option<&str>, kind: &str) {
        if let (Some(e), Some(f)) = (e, f)
            && e != f
        {
            self.warn(format!(
                "the component names this {kind} {f}; expected {e} (the structure is compared)"
            ));
        }
    }

    /// Aligns the members of a record, variant, enum or flags by name and position.
    ///
    /// `inner` compares two paired members; `exp_desc` / `found_desc` describe a member's type
    /// for the missing/extra messages (`None`: the member has no type).
    fn members(
        &mut self,
        what: &str,
        expected: &[&str],
        found: &[&str],
        inner: impl Fn(&mut Self, usize, usize),
        exp_desc: impl Fn(&Self, usize) -> Option<String>,
        found_desc: impl Fn(&Self, usize) -> Option<String>,
    ) {
        let with_ty = |name: &str, t: Option<String>, case: bool| match (t, case) {
            (Some(t), true) => format!("{name}({t})"),
            (Some(t), false) => format!("{name}: {t}"),
            (None, _) => name.to_string(),
        };
        let case = what == "case";
        for a in align(expected, found) {
            match a {
                Aligned::Same(i, j) => self.at(format!("{what} {}", expected[i]), |c| inner(c, i, j)),
                Aligned::Moved(i, j) => self.at(format!("{what} {}", expected[i]), |c| {
                    c.error(format!(
                        "expected at position {}, found at position {} (the order is part of the type)",
                        i + 1,
                        j + 1
                    ));
                    inner(c, i, j);
                }),
                Aligned::Renamed(i, j) => self.at(format!("{what} {}", expected[i]), |c| {
                    c.error(format!(
                        "{what} {} is named {}; expected {}",
                        i + 1,
                        found[j],
                        expected[i]
                    ));
                    inner(c, i, j);
                }),
                Aligned::Missing(i) => {
                    let d = with_ty(expected[i], exp_desc(self, i), case);
                    self.at(format!("{what} {}", expected[i]), |c| c.error(format!("missing {what} {d}")));
                }
                Aligned::Extra(j) => {
                    let d = with_ty(found[j], found_desc(self, j), case);
                    self.at(format!("{what} {}", found[j]), |c| {
                        c.error(format!("unexpected extra {what} {d}"))
                    });
                }
            }
        }
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

fn asyncness(f: &Function) -> &'static str {
    if f.kind.is_async() { "an async" } else { "a synchronous" }
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
