//! JSON lines on standard input: `{"id", "url", "html" | "path", "mode", "selectors",
//! "content_type"}`.

use std::io::BufRead;
use std::path::PathBuf;

use riptide::ExtractionMode;
use serde::Deserialize;
use serde_json::Value;

use super::{Item, ItemError, Page, Request};

/// One input line.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Line {
    /// Read from the raw value (so that even a malformed line keeps its id).
    #[serde(default, rename = "id")]
    _id: Value,
    url: Option<String>,
    path: Option<PathBuf>,
    html: Option<String>,
    mode: Option<String>,
    selectors: Option<Vec<String>>,
    /// The HTTP `Content-Type` a `path` page was served with (its charset decodes it).
    content_type: Option<String>,
}

/// Read lines from `input` until it ends, an I/O error, or `emit` returns false.
pub(crate) fn read(
    input: impl BufRead,
    default_mode: &ExtractionMode,
    emit: &mut dyn FnMut(Item) -> bool,
) {
    for raw in input.lines() {
        let raw = match raw {
            Ok(raw) => raw,
            Err(e) => {
                eprintln!("riptide: stopped reading standard input: {e}");
                return;
            }
        };
        if raw.trim().is_empty() {
            continue;
        }
        if !emit(parse_line(&raw, default_mode)) {
            return;
        }
    }
}

fn invalid(id: &Value, message: impl Into<String>) -> Item {
    Item {
        id: id.clone(),
        fields: Vec::new(),
        request: Err(ItemError::new("invalid_line", message)),
    }
}

/// Whether a line may name a file to read (`"path"`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Paths {
    /// Read the file (`riptide batch`: the user's own files).
    Read,
    /// Refuse the line (`riptide serve`: a client names no file on the server).
    Refuse,
}

/// Turn one input line into a request, or the error that answers it.
pub(crate) fn parse_line(raw: &str, default_mode: &ExtractionMode) -> Item {
    parse_bytes(raw.as_bytes(), default_mode, Paths::Read)
}

/// Turn one input line, as bytes, into a request or the error that answers it.
pub(crate) fn parse_bytes(raw: &[u8], default_mode: &ExtractionMode, paths: Paths) -> Item {
    let value: Value = match serde_json::from_slice(raw) {
        Ok(value) => value,
        Err(e) => {
            return Item {
                id: Value::Null,
                fields: Vec::new(),
                request: Err(ItemError::new(
                    "invalid_json",
                    format!("the line is not JSON: {e}"),
                )),
            };
        }
    };
    parse_value(value, default_mode, paths)
}

/// Turn one input line, parsed as JSON already, into a request or the error that answers it.
fn parse_value(value: Value, default_mode: &ExtractionMode, paths: Paths) -> Item {
    let id = value.get("id").cloned().unwrap_or(Value::Null);
    let line: Line = match serde_json::from_value(value) {
        Ok(line) => line,
        Err(e) => {
            return invalid(&id, format!("the line does not fit the batch format: {e}"));
        }
    };
    let Some(url) = line.url else {
        return invalid(&id, "the line has no \"url\"");
    };
    let page = match (line.path, line.html) {
        (Some(_), Some(_)) => return invalid(&id, "give either \"path\" or \"html\", not both"),
        (None, None) => return invalid(&id, "the line has neither \"path\" nor \"html\""),
        (None, Some(html)) => {
            if line.content_type.is_some() {
                return invalid(
                    &id,
                    "\"content_type\" only goes with \"path\" (\"html\" is text already)",
                );
            }
            Page::Text(html)
        }
        (Some(_), None) if paths == Paths::Refuse => {
            return invalid(
                &id,
                "\"path\" names a file on the server, which is not read; send the page inline as \"html\"",
            );
        }
        (Some(path), None) => match super::read_page_file(&path) {
            Ok(bytes) => Page::Bytes {
                bytes,
                content_type: line.content_type,
            },
            Err(e) => {
                return Item {
                    id,
                    fields: Vec::new(),
                    request: Err(ItemError::new(
                        "io",
                        format!("could not read {}: {e}", path.display()),
                    )),
                };
            }
        },
    };
    let mode = match (line.mode.as_deref(), line.selectors) {
        (None, Some(selectors)) => ExtractionMode::Custom(selectors),
        (Some(name), selectors) => match riptide::mode(name, Vec::new()) {
            Ok(ExtractionMode::Custom(_)) => ExtractionMode::Custom(selectors.unwrap_or_default()),
            Ok(mode) => {
                if selectors.is_some() {
                    return invalid(
                        &id,
                        format!("\"selectors\" only go with mode \"custom\", not \"{name}\""),
                    );
                }
                mode
            }
            Err(e) => {
                return Item {
                    id,
                    fields: Vec::new(),
                    request: Err(ItemError::new(e.kind(), crate::report(&e))),
                };
            }
        },
        (None, None) => default_mode.clone(),
    };
    Item {
        id,
        fields: Vec::new(),
        request: Ok(Request { url, page, mode }),
    }
}
