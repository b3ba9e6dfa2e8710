//! Where `riptide batch` reads its pages: JSON lines on stdin, WARC files, or a folder of
//! saved pages. Each source runs in a thread of its own and sends [`Item`]s, in input order,
//! into a bounded channel; decoding and extraction happen in the batch's tasks.

pub(crate) mod dir;
pub(crate) mod jsonl;
pub(crate) mod warc;

use std::io::Read;
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};

use riptide::ExtractionMode;
use serde_json::Value;

/// One page to answer, or the error line that answers an input that could not be read.
#[derive(Debug)]
pub(crate) struct Item {
    /// The id of the output line (what `--resume` matches).
    pub(crate) id: Value,
    /// Further fields of the output line (the record's URL and date, the file…).
    pub(crate) fields: Vec<(&'static str, Value)>,
    /// The request, or why there is none.
    pub(crate) request: Result<Request, ItemError>,
}

/// An extraction to run.
#[derive(Debug)]
pub(crate) struct Request {
    pub(crate) url: String,
    pub(crate) page: Page,
    pub(crate) mode: ExtractionMode,
}

/// The page, as text already or as bytes still to decode.
#[derive(Debug)]
pub(crate) enum Page {
    /// Text given inline (a JSON line's `html`).
    Text(String),
    /// Bytes read from a file or a record, with the HTTP `Content-Type` if there was one.
    Bytes {
        bytes: Vec<u8>,
        content_type: Option<String>,
    },
}

/// An input that could not be turned into a request: the `error` of its output line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ItemError {
    pub(crate) kind: &'static str,
    pub(crate) message: String,
}

impl ItemError {
    pub(crate) fn new(kind: &'static str, message: impl Into<String>) -> Self {
        ItemError {
            kind,
            message: message.into(),
        }
    }
}

/// Counts the sources keep while they read (shared with the batch for progress and the
/// summary line).
#[derive(Debug, Default)]
pub(crate) struct Counters {
    /// WARC response/resource records whose payload is not HTML.
    pub(crate) not_html: AtomicU64,
    /// WARC responses with an HTTP status outside 200-299.
    pub(crate) not_2xx: AtomicU64,
    /// WARC records of other types (warcinfo, request, metadata, revisit…).
    pub(crate) other_records: AtomicU64,
    /// Bytes of the input files read so far (compressed size for .warc.gz).
    pub(crate) bytes_read: AtomicU64,
}

impl Counters {
    pub(crate) fn add(counter: &AtomicU64, n: u64) {
        counter.fetch_add(n, Ordering::Relaxed);
    }

    pub(crate) fn get(counter: &AtomicU64) -> u64 {
        counter.load(Ordering::Relaxed)
    }
}

/// Whether a file name ends in `.gz` (any case).
fn is_gz(path: &Path) -> bool {
    path.extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("gz"))
}

/// The bytes of a saved page, gunzipped when the name ends in `.gz`.
///
/// # Errors
/// The I/O error, or the gzip error of a corrupt `.gz` file.
pub(crate) fn read_page_file(path: &Path) -> std::io::Result<Vec<u8>> {
    let bytes = std::fs::read(path)?;
    if !is_gz(path) {
        return Ok(bytes);
    }
    let mut out = Vec::with_capacity(bytes.len() * 4);
    flate2::read::MultiGzDecoder::new(bytes.as_slice()).read_to_end(&mut out)?;
    Ok(out)
}

/// Whether bytes with no declared type look like an HTML document (what is left after
/// whitespace and a BOM starts with a doctype, `<html`, `<head`, `<body` or a comment).
pub(crate) fn looks_like_html(bytes: &[u8]) -> bool {
    let start = bytes
        .strip_prefix(b"\xEF\xBB\xBF".as_slice())
        .unwrap_or(bytes);
    let start = start.trim_ascii_start();
    let head = &start[..start.len().min(14)];
    [
        b"<!doctype html".as_slice(),
        b"<html",
        b"<head",
        b"<body",
        b"<!--",
    ]
    .iter()
    .any(|p| head.len() >= p.len() && head[..p.len()].eq_ignore_ascii_case(p))
}

/// Whether a media type (a `Content-Type` value) is an HTML page.
pub(crate) fn is_html_type(content_type: &str) -> bool {
    let media = content_type.split(';').next().unwrap_or("").trim();
    media.eq_ignore_ascii_case("text/html") || media.eq_ignore_ascii_case("application/xhtml+xml")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn html_is_recognised_by_type_or_by_its_start() {
        assert!(is_html_type("text/html; charset=utf-8"));
        assert!(is_html_type("Application/XHTML+XML"));
        assert!(!is_html_type("image/png"));
        assert!(!is_html_type("text/plain"));
        assert!(looks_like_html(b"\xEF\xBB\xBF\n  <!DOCTYPE html><p>"));
        assert!(looks_like_html(b"<HTML lang=en>"));
        assert!(!looks_like_html(b"\x89PNG\r\n"));
        assert!(!looks_like_html(b"{\"json\": true}"));
    }

    #[test]
    fn gz_pages_are_gunzipped() {
        use std::io::Write;
        let dir = std::env::temp_dir().join(format!("riptide-cli-gz-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("page.html.gz");
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        gz.write_all(b"<p>zipped</p>").unwrap();
        std::fs::write(&path, gz.finish().unwrap()).unwrap();
        assert_eq!(read_page_file(&path).unwrap(), b"<p>zipped</p>");
        std::fs::write(&path, b"not gzip").unwrap();
        assert!(read_page_file(&path).is_err());
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
