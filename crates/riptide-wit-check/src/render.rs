//! Writes types, functions and world keys in WIT syntax for the messages of a report.

use wit_parser::{
    Function, FunctionKind, Handle, Interface, PackageName, Resolve, Type, TypeDefKind, TypeId,
    WorldItem, WorldKey,
};

/// How deep type rendering goes before it writes `…` (WIT types cannot be recursive, but a
/// malformed resolve must not make rendering loop or blow the stack).
const MAX_DEPTH: usize = 32;

/// A type as it would be written in WIT: `option<string>`, `result<_, extraction-error>`,
/// `extracted-content`.
pub(crate) fn ty(resolve: &Resolve, t: Type) -> String {
    let mut out = String::new();
    write_ty(resolve, t, &mut out, 0);
    out
}

fn write_ty(resolve: &Resolve, t: Type, out: &mut String, depth: usize) {
    let prim = match t {
        Type::Bool => "bool",
        Type::U8 => "u8",
        Type::U16 => "u16",
        Type::U32 => "u32",
        Type::U64 => "u64",
        Type::S8 => "s8",
        Type::S16 => "s16",
        Type::S32 => "s32",
        Type::S64 => "s64",
        Type::F32 => "f32",
        Type::F64 => "f64",
        Type::Char => "char",
        Type::String => "string",
        Type::ErrorContext => "error-context",
        Type::Id(id) => return write_def(resolve, id, out, depth),
    };
    out.push_str(prim);
}

fn write_def(resolve: &Resolve, id: TypeId, out: &mut String, depth: usize) {
    let Some(def) = resolve.types.get(id) else {
        out.push_str("<unknown type>");
        return;
    };
    if depth > MAX_DEPTH {
        out.push('…');
        return;
    }
    let d = depth + 1;
    match &def.kind {
        // Handles are anonymous: `own<r>` is written `r`.
        TypeDefKind::Handle(Handle::Own(r)) => write_def(resolve, *r, out, d),
        TypeDefKind::Handle(Handle::Borrow(r)) => {
            out.push_str("borrow<");
            write_def(resolve, *r, out, d);
            out.push('>');
        }
        _ if def.name.is_some() => out.push_str(def.name.as_deref().unwrap_or_default()),
        TypeDefKind::Option(t) => generic(resolve, out, "option", &[Some(*t)], d),
        TypeDefKind::List(t) => generic(resolve, out, "list", &[Some(*t)], d),
        TypeDefKind::FixedLengthList(t, n) => {
            out.push_str("list<");
            write_ty(resolve, *t, out, d);
            out.push_str(&format!(", {n}>"));
        }
        TypeDefKind::Map(k, v) => generic(resolve, out, "map", &[Some(*k), Some(*v)], d),
        TypeDefKind::Tuple(t) => {
            let items: Vec<_> = t.types.iter().copied().map(Some).collect();
            generic(resolve, out, "tuple", &items, d);
        }
        TypeDefKind::Result(r) => match (r.ok, r.err) {
            (None, None) => out.push_str("result"),
            (Some(ok), None) => generic(resolve, out, "result", &[Some(ok)], d),
            (ok, Some(err)) => generic(resolve, out, "result", &[ok, Some(err)], d),
        },
        TypeDefKind::Future(None) => out.push_str("future"),
        TypeDefKind::Future(Some(t)) => generic(resolve, out, "future", &[Some(*t)], d),
        TypeDefKind::Stream(None) => out.push_str("stream"),
        TypeDefKind::Stream(Some(t)) => generic(resolve, out, "stream", &[Some(*t)], d),
        TypeDefKind::Type(t) => write_ty(resolve, *t, out, d),
        // Anonymous records, variants, … do not exist in WIT; name the kind.
        other => out.push_str(other.as_str()),
    }
}

/// `name<a, b>`; `None` is written `_` (the missing `ok` of `result<_, e>`).
fn generic(resolve: &Resolve, out: &mut String, name: &str, args: &[Option<Type>], d: usize) {
    out.push_str(name);
    out.push('<');
    for (i, arg) in args.iter().enumerate() {
        if i > 0 {
            out.push_str(", ");
        }
        match arg {
            Some(t) => write_ty(resolve, *t, out, d),
            None => out.push('_'),
        }
    }
    out.push('>');
}

/// A function's signature: `func(html: string) -> result<bool, extraction-error>`.
pub(crate) fn func_sig(resolve: &Resolve, f: &Function) -> String {
    let mut out = String::new();
    if f.kind.is_async() {
        out.push_str("async ");
    }
    out.push_str("func(");
    for (i, p) in f.params.iter().enumerate() {
        if i > 0 {
            out.push_str(", ");
        }
        out.push_str(&p.name);
        out.push_str(": ");
        out.push_str(&ty(resolve, p.ty));
    }
    out.push(')');
    if let Some(r) = f.result {
        out.push_str(" -> ");
        out.push_str(&ty(resolve, r));
    }
    out
}

/// How a function is named in a path: `extract`, `method blob.read`, `constructor blob`.
pub(crate) fn func_label(f: &Function) -> String {
    let resource = f
        .name
        .strip_prefix('[')
        .and_then(|rest| rest.split_once(']'))
        .map(|(_, rest)| rest.split('.').next().unwrap_or(rest));
    match (&f.kind, resource) {
        (FunctionKind::Constructor(_), Some(r)) => format!("constructor {r}"),
        (FunctionKind::Method(_) | FunctionKind::AsyncMethod(_), _) => {
            format!("method {}", strip_brackets(&f.name))
        }
        (FunctionKind::Static(_) | FunctionKind::AsyncStatic(_), _) => {
            format!("static {}", strip_brackets(&f.name))
        }
        _ => f.name.clone(),
    }
}

fn strip_brackets(name: &str) -> &str {
    name.split_once(']').map_or(name, |(_, rest)| rest)
}

/// The name a world item is imported or exported under: `extract`, `wasi:io/poll@0.2.6`.
pub(crate) fn world_key(resolve: &Resolve, key: &WorldKey) -> String {
    match key {
        WorldKey::Name(n) => n.clone(),
        WorldKey::Interface(id) => interface_id(resolve, *id),
    }
}

/// `ns:pkg/iface@1.2.3`, or a placeholder for an anonymous interface.
pub(crate) fn interface_id(resolve: &Resolve, id: wit_parser::InterfaceId) -> String {
    let Some(iface) = resolve.interfaces.get(id) else {
        return "<unknown interface>".into();
    };
    match (iface_package(resolve, iface), &iface.name) {
        (Some(pkg), Some(name)) => pkg.interface_id(name),
        (None, Some(name)) => name.clone(),
        _ => "<anonymous interface>".into(),
    }
}

pub(crate) fn iface_package<'r>(
    resolve: &'r Resolve,
    iface: &Interface,
) -> Option<&'r PackageName> {
    iface
        .package
        .and_then(|p| resolve.packages.get(p))
        .map(|p| &p.name)
}

/// `function`, `interface`, `resource`, `type`: what kind of world item this is.
pub(crate) fn item_kind(resolve: &Resolve, item: &WorldItem) -> &'static str {
    match item {
        WorldItem::Function(_) => "a function",
        WorldItem::Interface { .. } => "an interface",
        WorldItem::Type { id, .. } => match resolve.types.get(*id).map(|d| &d.kind) {
            Some(TypeDefKind::Resource) => "a resource",
            _ => "a type",
        },
    }
}
