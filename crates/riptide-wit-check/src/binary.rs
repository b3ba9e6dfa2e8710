//! Reading the component binary: what kind of file it is, what it records about its world,
//! imports that have no WIT form, and decoding its world (abortable, never panicking).

use std::io::{self, Read};
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::atomic::{AtomicBool, Ordering};

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

/// What a quick pass over the sections finds (code sections are skipped).
#[derive(Debug, Default)]
pub(crate) struct Scan {
    /// From the first `component-type*` custom section (top level preferred).
    pub(crate) recorded: Option<RecordedWorld>,
    /// Top-level imports with no WIT form: (name, "a core module" / "a component" / "a value").
    pub(crate) non_wit_imports: Vec<(String, &'static str)>,
}

/// Walks the sections once; stops quietly at the first parse error (decoding reports it).
pub(crate) fn scan(bytes: &[u8]) -> Scan {
    let mut out = Scan::default();
    let mut nested_recorded = None;
    let mut parser = Parser::new(0);
    let mut stack: Vec<Parser> = Vec::new();
    let mut offset = 0usize;
    loop {
        let Some(rest) = bytes.get(offset..) else { break };
        let (consumed, payload) = match parser.parse(rest, true) {
            Ok(Chunk::Parsed { consumed, payload }) => (consumed, payload),
            Ok(Chunk::NeedMoreData(_)) | Err(_) => break,
        };
        offset += consumed;
        let depth = stack.len();
        match payload {
            Payload::CodeSectionStart { size, .. } => {
                parser.skip_section();
                offset += size as usize;
            }
            Payload::ModuleSection { parser: inner, .. } | Payload::ComponentSection { parser: inner, .. } => {
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
                    out.non_wit_imports.push((import.name.name.to_string(), kind));
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
    let decoded = catch_unwind(|| wit_parser::decoding::decode_world(data)).ok()?.ok()?;
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
    /// Another thread found the answer in the cache.
    Aborted,
    /// wasmparser or wit-parser refused the bytes.
    Invalid(String),
    /// A bug in the decoder: it panicked.
    Panicked(String),
}

/// `wit_component::decode`, stopping early when `abort` is set and turning panics into errors.
pub(crate) fn decode(bytes: &[u8], abort: &AtomicBool) -> Result<DecodedWasm, DecodeError> {
    let reader = AbortableReader { bytes, abort };
    match catch_unwind(AssertUnwindSafe(|| wit_component::decode_reader(reader))) {
        Ok(Ok(decoded)) => Ok(decoded),
        Ok(Err(_)) if abort.load(Ordering::Relaxed) => Err(DecodeError::Aborted),
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

/// A slice reader that fails as soon as `abort` is set.
struct AbortableReader<'a> {
    bytes: &'a [u8],
    abort: &'a AtomicBool,
}

impl Read for AbortableReader<'_> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if self.abort.load(Ordering::Relaxed) {
            return Err(io::Error::other("validation aborted: the result was cached"));
        }
        self.bytes.read(buf)
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
        assert_eq!(classify(b"\0asm\x0e\0\x01\0"), Kind::UnknownVersion(0x0e, 1));
    }
}
