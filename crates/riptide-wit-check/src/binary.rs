//! Reading the component binary: what kind of file it is, what it records about its world,
//! imports that have no WIT form, and decoding its world (never panicking).

use std::panic::catch_unwind;

use wasmparser::{Chunk, ComponentTypeRef, Parser, Payload};
use wit_component::DecodedWasm;

use crate::package::RecordedWorld;

/// What the first eight bytes say.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    Empty,
    NotWasm,
    /// Shorter than the 8-byte header.
    TruncatedHeader,
    CoreModule,
    Component,
    UnknownVersion(u16, u16),
}

const MAGIC: &[u8; 4] = b"\0asm";

pub(crate) fn classify(bytes: &[u8]) -> Kind {
    if bytes.is_empty() {
        return Kind::Empty;
    }
    if !bytes.starts_with(MAGIC) && !MAGIC.starts_with(bytes) {
        return Kind::NotWasm;
    }
    if bytes.len() < 8 {
        return Kind::TruncatedHeader;
    }
    let version = u16::from_le_bytes([bytes[4], bytes[5]]);
    let layer = u16::from_le_bytes([bytes[6], bytes[7]]);
    match (version, layer) {
        (1, 0) => Kind::CoreModule,
        (0x0d, 1) => Kind::Component,
        (v, l) => Kind::UnknownVersion(v, l),
    }
}

/// What a pass over the section framing finds.
#[derive(Debug, Default)]
pub(crate) struct Scan {
    /// The first framing error: a section, nested module or function body that claims more
    /// bytes than there are, an unknown section, … (wasmparser's message).
    pub(crate) framing_error: Option<String>,
    /// From the first `component-type*` custom section (top level preferred).
    pub(crate) recorded: Option<RecordedWorld>,
    /// Top-level imports with no WIT form: (name, "a core module" / "a component" / "a value").
    pub(crate) non_wit_imports: Vec<(String, &'static str)>,
}

/// Walks every section, nested module and function body once, without validating them.
///
/// This is also a gate for decoding: wit-parser decodes through wasmparser's streaming
/// parser, which pre-allocates whatever size a section or function body claims (up to
/// 4 GiB for a few bytes of garbage). Decoding only runs once this pass has checked, on the
/// complete bytes, that every claimed size fits in the file.
pub(crate) fn scan(bytes: &[u8]) -> Scan {
    let mut out = Scan::default();
    let mut nested_recorded = None;
    let mut parser = Parser::new(0);
    let mut stack: Vec<Parser> = Vec::new();
    let mut offset = 0usize;
    loop {
        let rest = bytes.get(offset..).unwrap_or_default();
        let (consumed, payload) = match parser.parse(rest, true) {
            Ok(Chunk::Parsed { consumed, payload }) => (consumed, payload),
            Ok(Chunk::NeedMoreData(_)) => {
                out.framing_error = Some(format!("unexpected end-of-file (at offset {offset:#x})"));
                break;
            }
            Err(e) => {
                out.framing_error = Some(e.to_string());
                break;
            }
        };
        offset += consumed;
        let depth = stack.len();
        match payload {
            Payload::ModuleSection { parser: inner, .. }
            | Payload::ComponentSection { parser: inner, .. } => {
                stack.push(std::mem::replace(&mut parser, inner));
            }
            Payload::End(_) => match stack.pop() {
                Some(p) => parser = p,
                None => break,
            },
            Payload::ComponentImportSection(reader) if depth == 0 => {
                for import in reader.into_iter().flatten() {
                    let kind = match import.ty {
                        ComponentTypeRef::Module(_) => "a core module",
                        ComponentTypeRef::Component(_) => "a component",
                        ComponentTypeRef::Value(_) => "a value",
                        _ => continue,
                    };
                    out.non_wit_imports
                        .push((import.name.name.to_string(), kind));
                }
            }
            Payload::CustomSection(section) if section.name().starts_with("component-type") => {
                let recorded = recorded_world(section.data());
                if depth == 0 && out.recorded.is_none() {
                    out.recorded = recorded;
                } else if nested_recorded.is_none() {
                    nested_recorded = recorded;
                }
            }
            _ => {}
        }
    }
    if out.recorded.is_none() {
        out.recorded = nested_recorded;
    }
    out
}

/// Decodes the world of a `component-type` section (the format of wit-component's
/// `metadata::encode`, also embedded by wit-bindgen).
fn recorded_world(data: &[u8]) -> Option<RecordedWorld> {
    let decoded = catch_unwind(|| wit_parser::decoding::decode_world(data))
        .ok()?
        .ok()?;
    let (resolve, world) = decoded;
    let world = resolve.worlds.get(world)?;
    let package = resolve.packages.get(world.package?)?;
    Some(RecordedWorld {
        package: package.name.clone(),
        world: world.name.clone(),
    })
}

/// Why decoding did not produce a world.
#[derive(Debug)]
pub(crate) enum DecodeError {
    /// wasmparser or wit-parser refused the bytes.
    Invalid(String),
    /// A bug in the decoder: it panicked.
    Panicked(String),
}

/// `wit_component::decode`, turning panics into errors. Call it only on bytes that
/// [`scan`] found well framed.
pub(crate) fn decode(bytes: &[u8]) -> Result<DecodedWasm, DecodeError> {
    match catch_unwind(|| wit_component::decode(bytes)) {
        Ok(Ok(decoded)) => Ok(decoded),
        Ok(Err(e)) => Err(DecodeError::Invalid(format!("{e:#}"))),
        Err(panic) => {
            let msg = panic
                .downcast_ref::<String>()
                .cloned()
                .or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string()))
                .unwrap_or_else(|| "unknown panic".into());
            Err(DecodeError::Panicked(msg))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds() {
        assert_eq!(classify(b""), Kind::Empty);
        assert_eq!(classify(b"\0as"), Kind::TruncatedHeader);
        assert_eq!(classify(b"\0asm\x01\0"), Kind::TruncatedHeader);
        assert_eq!(classify(b"hello world"), Kind::NotWasm);
        assert_eq!(classify(b"\0asm\x01\0\0\0"), Kind::CoreModule);
        assert_eq!(classify(b"\0asm\x0d\0\x01\0"), Kind::Component);
        assert_eq!(
            classify(b"\0asm\x0e\0\x01\0"),
            Kind::UnknownVersion(0x0e, 1)
        );
    }
}
