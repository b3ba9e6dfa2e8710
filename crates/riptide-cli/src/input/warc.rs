//! WARC files (plain or gzip-compressed, one member per record or one for the whole file),
//! read as a stream.
//!
//! Each record's header block is parsed by the `warc` crate; the framing (finding records,
//! reading `Content-Length` bytes, checking the `\r\n\r\n` that ends a record) is done here so
//! that a truncated or corrupt record becomes an error line and reading goes on at the next
//! record. `response` records carry an HTTP response (status, headers, payload, possibly
//! chunked or gzip-encoded); `resource` records carry the payload itself. Payloads that are
//! HTML become pages; the rest is counted and skipped.

use std::borrow::Cow;
use std::fs::File;
use std::io::{self, BufRead, BufReader, Cursor, Read};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use riptide::ExtractionMode;
use serde_json::Value;
use warc::{RawRecordHeader, WarcHeader};

use super::{Counters, Item, ItemError, Page, Request};

/// The longest header block read (a longer one is corrupt).
const MAX_HEADER_BYTES: usize = 1024 * 1024;
/// The largest record whose block is read into memory; larger ones are skipped with an error
/// line (the input checks refuse pages over 10 MB anyway).
const MAX_RECORD_BYTES: u64 = 64 * 1024 * 1024;

/// Why a WARC file could not be read on.
#[derive(Debug, thiserror::Error)]
pub(crate) enum WarcError {
    /// The file could not be opened.
    #[error("could not open the WARC file {}; check the path and its permissions", path.display())]
    Open {
        path: PathBuf,
        #[source]
        source: io::Error,
    },
    /// Reading failed (an I/O error, or a gzip stream that is corrupt): the rest of the file
    /// cannot be read.
    #[error("could not read {} after record {record}, the rest of the file is skipped (a damaged .gz cannot be read past the damage; records before it were read)", path.display())]
    Read {
        path: PathBuf,
        record: u64,
        #[source]
        source: io::Error,
    },
}

/// Counts the bytes read from the file (for progress).
struct Counting<R> {
    inner: R,
    counters: Arc<Counters>,
}

impl<R: Read> Read for Counting<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        Counters::add(&self.counters.bytes_read, n as u64);
        Ok(n)
    }
}

type Stream = Box<dyn BufRead + Send>;

/// Open a WARC file, gunzipping it when it starts with the gzip magic bytes.
fn open(path: &Path, counters: &Arc<Counters>) -> Result<Stream, WarcError> {
    let file = File::open(path).map_err(|source| WarcError::Open {
        path: path.to_path_buf(),
        source,
    })?;
    let mut reader = BufReader::with_capacity(
        256 * 1024,
        Counting {
            inner: file,
            counters: Arc::clone(counters),
        },
    );
    let gzip = reader
        .fill_buf()
        .map_err(|source| WarcError::Open {
            path: path.to_path_buf(),
            source,
        })?
        .starts_with(&[0x1f, 0x8b]);
    Ok(if gzip {
        Box::new(BufReader::with_capacity(
            256 * 1024,
            flate2::bufread::MultiGzDecoder::new(reader),
        ))
    } else {
        Box::new(reader)
    })
}

/// Read a line (up to and with its `\n`), at most `cap` bytes of it.
fn read_line(reader: &mut dyn BufRead, out: &mut Vec<u8>, cap: usize) -> io::Result<usize> {
    let start = out.len();
    loop {
        let buf = reader.fill_buf()?;
        if buf.is_empty() {
            break;
        }
        let room = cap - (out.len() - start);
        let window = &buf[..buf.len().min(room)];
        if let Some(i) = window.iter().position(|&b| b == b'\n') {
            out.extend_from_slice(&window[..=i]);
            reader.consume(i + 1);
            break;
        }
        let n = window.len();
        out.extend_from_slice(window);
        reader.consume(n);
        if out.len() - start >= cap {
            break;
        }
    }
    Ok(out.len() - start)
}

fn is_blank(line: &[u8]) -> bool {
    line == b"\r\n" || line == b"\n"
}

/// Reads the records of one file and turns them into items.
struct Reader<'a> {
    path: &'a Path,
    stream: Stream,
    mode: &'a ExtractionMode,
    counters: &'a Counters,
    /// Records started so far (for ids of records that have none).
    records: u64,
}

/// What reading a record gave.
enum Next {
    /// An item to send (a page or an error line).
    Item(Item),
    /// A record that is not a page (counted).
    Skipped,
    /// The end of the file.
    End,
}

impl Reader<'_> {
    fn error(&self, id: Value, kind: &'static str, message: String) -> Item {
        Item {
            id,
            fields: vec![("warc", Value::String(self.path.display().to_string()))],
            request: Err(ItemError::new(kind, message)),
        }
    }

    fn record_key(&self) -> Value {
        Value::String(format!("{}#{}", self.path.display(), self.records))
    }

    /// Put `bytes` back in front of the stream (to resynchronise on a record that begins
    /// inside the bytes read for a corrupt one).
    fn unread(&mut self, bytes: Vec<u8>) {
        let rest = std::mem::replace(&mut self.stream, Box::new(io::empty()));
        self.stream = Box::new(Cursor::new(bytes).chain(rest));
    }

    fn next(&mut self) -> io::Result<Next> {
        // Find the version line of the next record, skipping anything else.
        let mut line = Vec::new();
        let mut skipped = 0usize;
        loop {
            line.clear();
            if read_line(&mut self.stream, &mut line, MAX_HEADER_BYTES)? == 0 {
                if skipped > 0 {
                    self.records += 1;
                    return Ok(Next::Item(self.error(
                        self.record_key(),
                        "warc_corrupt",
                        format!("{skipped} bytes at the end of the file are not a WARC record"),
                    )));
                }
                return Ok(Next::End);
            }
            if line.starts_with(b"WARC/") {
                break;
            }
            if !is_blank(&line) {
                skipped += line.len();
            }
        }
        if skipped > 0 {
            // Report the junk, then read this record on the next call.
            self.unread(line);
            return Ok(Next::Item(self.error(
                Value::String(format!("{}#{}", self.path.display(), self.records + 1)),
                "warc_corrupt",
                format!(
                    "{skipped} bytes before record {} are not a WARC record; they were skipped",
                    self.records + 1
                ),
            )));
        }
        self.records += 1;
        let mut block = std::mem::take(&mut line);
        loop {
            line.clear();
            let n = read_line(&mut self.stream, &mut line, MAX_HEADER_BYTES)?;
            if n == 0 {
                return Ok(Next::Item(self.error(
                    self.record_key(),
                    "warc_truncated",
                    format!(
                        "record {} is truncated: the file ends inside its header",
                        self.records
                    ),
                )));
            }
            block.extend_from_slice(&line);
            if is_blank(&line) {
                break;
            }
            if block.len() > MAX_HEADER_BYTES {
                return Ok(Next::Item(self.error(
                    self.record_key(),
                    "warc_corrupt",
                    format!(
                        "record {} has a header block over {MAX_HEADER_BYTES} bytes; skipped",
                        self.records
                    ),
                )));
            }
        }
        let (header, length) = match warc::parser::headers(&block) {
            Ok((_, (version, fields, length))) => (
                RawRecordHeader {
                    version: version.to_string(),
                    headers: fields
                        .into_iter()
                        .map(|(name, value)| (WarcHeader::from(name), value.to_vec()))
                        .collect(),
                },
                length as u64,
            ),
            Err(e) => {
                return Ok(Next::Item(self.error(
                    self.record_key(),
                    "warc_corrupt",
                    format!(
                        "record {} has a header block that does not parse ({e:?}); skipped",
                        self.records
                    ),
                )));
            }
        };
        let text = |name: WarcHeader| {
            header
                .headers
                .get(&name)
                .map(|v| String::from_utf8_lossy(v).trim().to_string())
        };
        let id = text(WarcHeader::RecordID).map_or_else(|| self.record_key(), Value::String);
        if length > MAX_RECORD_BYTES {
            let skipped = io::copy(&mut (&mut self.stream).take(length), &mut io::sink())?;
            let message = if skipped < length {
                format!(
                    "the record is truncated: the file ends after {skipped} of its {length} bytes"
                )
            } else {
                format!("the record has {length} bytes, over the {MAX_RECORD_BYTES} read; skipped")
            };
            return Ok(Next::Item(self.error(id, "warc_too_large", message)));
        }
        let mut body = Vec::with_capacity(usize::try_from(length).unwrap_or(0));
        (&mut self.stream).take(length).read_to_end(&mut body)?;
        if (body.len() as u64) < length {
            return Ok(Next::Item(self.error(
                id,
                "warc_truncated",
                format!(
                    "the record is truncated: the file ends after {} of its {length} bytes (Content-Length)",
                    body.len()
                ),
            )));
        }
        let mut end = Vec::with_capacity(4);
        (&mut self.stream).take(4).read_to_end(&mut end)?;
        if end != b"\r\n\r\n" {
            // The Content-Length does not fit: the record is corrupt. Read on from the next
            // record that starts inside what was read, if any.
            let mut read = body;
            read.extend_from_slice(&end);
            let next = read
                .windows(10)
                .enumerate()
                .skip(1)
                .find(|(_, w)| {
                    w.starts_with(b"WARC/1.") && w[7].is_ascii_digit() && &w[8..] == b"\r\n"
                })
                .map(|(i, _)| i);
            if let Some(start) = next {
                self.unread(read.split_off(start));
            }
            return Ok(Next::Item(self.error(
                id,
                "warc_corrupt",
                "the record does not end where its Content-Length says (no \\r\\n\\r\\n after the block); skipped".into(),
            )));
        }
        let record_type = text(WarcHeader::WarcType).unwrap_or_default();
        let is_response = record_type.eq_ignore_ascii_case("response");
        if !is_response && !record_type.eq_ignore_ascii_case("resource") {
            Counters::add(&self.counters.other_records, 1);
            return Ok(Next::Skipped);
        }
        let mut fields = vec![
            (
                "url",
                text(WarcHeader::TargetURI).map_or(Value::Null, Value::String),
            ),
            (
                "date",
                text(WarcHeader::Date).map_or(Value::Null, Value::String),
            ),
            ("warc", Value::String(self.path.display().to_string())),
        ];
        let payload = if is_response {
            match http_payload(&body) {
                Ok(http) => {
                    if !(200..300).contains(&http.status) {
                        Counters::add(&self.counters.not_2xx, 1);
                        return Ok(Next::Skipped);
                    }
                    http
                }
                Err(message) => {
                    return Ok(Next::Item(Item {
                        id,
                        fields,
                        request: Err(ItemError::new("warc_http", message)),
                    }));
                }
            }
        } else {
            Http {
                status: 200,
                content_type: text(WarcHeader::ContentType),
                body: Cow::Borrowed(&body),
            }
        };
        let html = match payload
            .content_type
            .as_deref()
            .filter(|t| !t.trim().is_empty())
        {
            Some(content_type) => super::is_html_type(content_type),
            None => match text(WarcHeader::IdentifiedPayloadType) {
                Some(identified) => super::is_html_type(&identified),
                None => super::looks_like_html(&payload.body),
            },
        };
        if !html {
            Counters::add(&self.counters.not_html, 1);
            return Ok(Next::Skipped);
        }
        let Some(url) = text(WarcHeader::TargetURI) else {
            return Ok(Next::Item(Item {
                id,
                fields,
                request: Err(ItemError::new(
                    "warc_corrupt",
                    "the record has no WARC-Target-URI",
                )),
            }));
        };
        if let Some(content_type) = &payload.content_type {
            fields.push(("content_type", Value::String(content_type.clone())));
        }
        Ok(Next::Item(Item {
            id,
            fields,
            request: Ok(Request {
                url,
                page: Page::Bytes {
                    bytes: payload.body.into_owned(),
                    content_type: payload.content_type,
                },
                mode: self.mode.clone(),
            }),
        }))
    }
}

/// The HTTP response of a `response` record.
struct Http<'a> {
    status: u16,
    content_type: Option<String>,
    body: Cow<'a, [u8]>,
}

/// Parse the HTTP response in a record block: status, `Content-Type`, and the payload
/// de-chunked and decompressed as its headers say.
fn http_payload(block: &[u8]) -> Result<Http<'_>, String> {
    let mut headers = vec![httparse::EMPTY_HEADER; 256];
    let mut response = httparse::Response::new(&mut headers);
    let parsed = httparse::ParserConfig::default()
        .allow_spaces_after_header_name_in_responses(true)
        .allow_obsolete_multiline_headers_in_responses(true)
        .allow_multiple_spaces_in_response_status_delimiters(true)
        .ignore_invalid_headers_in_responses(true)
        .parse_response(&mut response, block)
        .map_err(|e| format!("the record's HTTP response does not parse: {e}"))?;
    let httparse::Status::Complete(head) = parsed else {
        return Err("the record's HTTP response ends inside its headers".into());
    };
    let header = |name: &str| {
        response
            .headers
            .iter()
            .find(|h| h.name.eq_ignore_ascii_case(name))
            .map(|h| String::from_utf8_lossy(h.value).trim().to_string())
    };
    let mut body = Cow::Borrowed(&block[head..]);
    if header("transfer-encoding").is_some_and(|t| t.to_ascii_lowercase().contains("chunked")) {
        // Some crawlers store the payload de-chunked and keep the header: use the bytes as
        // they are when they are not chunked.
        if let Some(dechunked) = dechunk(&body) {
            body = Cow::Owned(dechunked);
        }
    }
    if let Some(encoding) = header("content-encoding") {
        body = Cow::Owned(decompress(&encoding.to_ascii_lowercase(), &body)?.into_owned());
    }
    Ok(Http {
        status: response.code.unwrap_or(0),
        content_type: header("content-type"),
        body,
    })
}

/// The payload of a chunked transfer, or `None` when the bytes are not chunked.
fn dechunk(mut bytes: &[u8]) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(bytes.len());
    loop {
        let line_end = bytes.iter().position(|&b| b == b'\n')?;
        let size_text = std::str::from_utf8(&bytes[..line_end]).ok()?;
        let size_text = size_text.split(';').next()?.trim();
        let size = usize::from_str_radix(size_text, 16).ok()?;
        bytes = &bytes[line_end + 1..];
        if size == 0 {
            return Some(out);
        }
        out.extend_from_slice(bytes.get(..size)?);
        bytes = bytes.get(size..)?;
        bytes = bytes
            .strip_prefix(b"\r\n".as_slice())
            .or_else(|| bytes.strip_prefix(b"\n".as_slice()))?;
    }
}

/// Undo a `Content-Encoding` (gzip, deflate; identity).
fn decompress<'a>(encoding: &str, body: &'a [u8]) -> Result<Cow<'a, [u8]>, String> {
    let mut out = Vec::with_capacity(body.len() * 4);
    let limit = MAX_RECORD_BYTES;
    let result = match encoding {
        "" | "identity" | "none" => return Ok(Cow::Borrowed(body)),
        "gzip" | "x-gzip" => flate2::read::MultiGzDecoder::new(body)
            .take(limit)
            .read_to_end(&mut out),
        "deflate" => {
            let zlib = flate2::read::ZlibDecoder::new(body)
                .take(limit)
                .read_to_end(&mut out);
            if zlib.is_err() {
                out.clear();
                flate2::read::DeflateDecoder::new(body)
                    .take(limit)
                    .read_to_end(&mut out)
            } else {
                zlib
            }
        }
        other => {
            return Err(format!(
                "the payload is compressed with Content-Encoding {other}, which riptide cannot decode (gzip and deflate only)"
            ));
        }
    };
    result
        .map(|_| Cow::Owned(out))
        .map_err(|e| format!("the {encoding}-encoded payload does not decompress: {e}"))
}

/// Read the WARC files in order, sending an item per page or error, until they end or
/// `emit` returns false.
pub(crate) fn read(
    paths: &[PathBuf],
    mode: &ExtractionMode,
    counters: &Arc<Counters>,
    emit: &mut dyn FnMut(Item) -> bool,
) {
    for path in paths {
        let mut reader = match open(path, counters) {
            Ok(stream) => Reader {
                path,
                stream,
                mode,
                counters,
                records: 0,
            },
            Err(e) => {
                let item = Item {
                    id: Value::String(path.display().to_string()),
                    fields: vec![("warc", Value::String(path.display().to_string()))],
                    request: Err(ItemError::new("io", crate::report(&e))),
                };
                if !emit(item) {
                    return;
                }
                continue;
            }
        };
        loop {
            let item = match reader.next() {
                Ok(Next::Item(item)) => item,
                Ok(Next::Skipped) => continue,
                Ok(Next::End) => break,
                Err(source) => {
                    let e = WarcError::Read {
                        path: path.clone(),
                        record: reader.records,
                        source,
                    };
                    let item = reader.error(reader.record_key(), "io", crate::report(&e));
                    if !emit(item) {
                        return;
                    }
                    break;
                }
            };
            if !emit(item) {
                return;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chunked_payloads_are_joined() {
        assert_eq!(
            dechunk(b"5\r\nHello\r\n7;ext=1\r\n, world\r\n0\r\n\r\n").as_deref(),
            Some(b"Hello, world".as_slice())
        );
        assert_eq!(dechunk(b"<html>not chunked</html>"), None);
    }

    #[test]
    fn http_responses_give_status_type_and_payload() {
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        std::io::Write::write_all(&mut gz, b"<p>hi</p>").unwrap();
        let mut block = b"HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=gbk\r\nContent-Encoding: gzip\r\n\r\n".to_vec();
        block.extend_from_slice(&gz.finish().unwrap());
        let http = http_payload(&block).unwrap();
        assert_eq!(http.status, 200);
        assert_eq!(http.content_type.as_deref(), Some("text/html; charset=gbk"));
        assert_eq!(&*http.body, b"<p>hi</p>");
        let err = http_payload(b"HTTP/1.1 200 OK\r\nContent-Encoding: br\r\n\r\nxx")
            .err()
            .unwrap();
        assert!(err.contains("Content-Encoding br"), "{err}");
        assert!(http_payload(b"HTTP/1.1 200 OK\r\nContent-Type: text/ht").is_err());
    }
}
