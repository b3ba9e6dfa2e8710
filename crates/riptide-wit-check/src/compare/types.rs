//! Types: records, variants, enums, flags, resources and the anonymous type constructors.

use wit_parser::{Handle, Type, TypeDefKind, TypeId};

use super::{Checker, deref};
use crate::align::{Aligned, align};

impl Checker<'_> {
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
                c.members(
                    "field",
                    &en,
                    &fnames,
                    |c, i, j| c.ty(er.fields[i].ty, fr.fields[j].ty),
                    |c, i| Some(c.exp_ty(er.fields[i].ty)),
                    |c, j| Some(c.found_ty(fr.fields[j].ty)),
                );
            }),
            (TypeDefKind::Variant(ev), TypeDefKind::Variant(fv)) => {
                self.at(label("variant"), |c| {
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
                })
            }
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
                    let (en, fname) = (
                        ed.name.as_deref().unwrap_or("_"),
                        fd.name.as_deref().unwrap_or("_"),
                    );
                    self.error(format!("expected resource {en}, found resource {fname}"));
                }
            }
            (TypeDefKind::Handle(eh), TypeDefKind::Handle(fh)) => match (eh, fh) {
                (Handle::Own(er), Handle::Own(fr)) | (Handle::Borrow(er), Handle::Borrow(fr)) => {
                    self.ty(Type::Id(*er), Type::Id(*fr))
                }
                _ => self.mismatch(Type::Id(ei), Type::Id(fi)),
            },
            (TypeDefKind::Option(et), TypeDefKind::Option(ft)) => {
                self.at("some", |c| c.ty(*et, *ft))
            }
            (TypeDefKind::List(et), TypeDefKind::List(ft)) => {
                self.at("element", |c| c.ty(*et, *ft))
            }
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
