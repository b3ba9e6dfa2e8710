//! A folder of saved pages: `*.html`, `*.htm`, `*.html.gz`, `*.htm.gz`, recursively, in
//! file-name order. The id of each page is its path; its URL is the base URL joined with the
//! path below the folder.

use std::path::{Path, PathBuf};

use riptide::ExtractionMode;
use serde_json::Value;

use super::{Item, ItemError, Page, Request};

/// A file of the folder, or an entry that could not be read.
#[derive(Debug)]
pub(crate) enum Entry {
    Page(PathBuf),
    Unreadable { path: PathBuf, message: String },
}

/// Whether the file name is one of a saved page.
fn is_page(path: &Path) -> bool {
    let Some(name) = path.file_name().and_then(|n| n.to_str()) else {
        return false;
    };
    let name = name.to_ascii_lowercase();
    [".html", ".htm", ".html.gz", ".htm.gz"]
        .iter()
        .any(|ext| name.ends_with(ext) && name.len() > ext.len())
}

/// The pages below `root`, in file-name order (listed first, so that progress knows the
/// total).
pub(crate) fn list(root: &Path) -> Vec<Entry> {
    walkdir::WalkDir::new(root)
        .follow_links(true)
        .sort_by_file_name()
        .into_iter()
        .filter_map(|entry| match entry {
            Ok(entry) => (entry.file_type().is_file() && is_page(entry.path()))
                .then(|| Entry::Page(entry.into_path())),
            Err(e) => Some(Entry::Unreadable {
                path: e.path().unwrap_or(root).to_path_buf(),
                message: format!(
                    "could not read {}: {}",
                    e.path().unwrap_or(root).display(),
                    e.io_error()
                        .map_or_else(|| e.to_string(), ToString::to_string)
                ),
            }),
        })
        .collect()
}

/// The URL of the page at `path` below `root`: `base` joined with the path's segments
/// (percent-encoded).
pub(crate) fn page_url(base: &url::Url, root: &Path, path: &Path) -> String {
    let relative = path.strip_prefix(root).unwrap_or(path);
    let mut url = base.clone();
    if let Ok(mut segments) = url.path_segments_mut() {
        segments.pop_if_empty();
        for part in relative.components() {
            segments.push(&part.as_os_str().to_string_lossy());
        }
    }
    url.to_string()
}

/// Send the entries as items until they end or `emit` returns false.
pub(crate) fn read(
    root: &Path,
    entries: Vec<Entry>,
    base: &url::Url,
    mode: &ExtractionMode,
    emit: &mut dyn FnMut(Item) -> bool,
) {
    for entry in entries {
        let item = match entry {
            Entry::Unreadable { path, message } => Item {
                id: Value::String(path.display().to_string()),
                fields: Vec::new(),
                request: Err(ItemError::new("io", message)),
            },
            Entry::Page(path) => {
                let url = page_url(base, root, &path);
                let request = super::read_page_file(&path)
                    .map(|bytes| Request {
                        url: url.clone(),
                        page: Page::Bytes {
                            bytes,
                            content_type: None,
                        },
                        mode: mode.clone(),
                    })
                    .map_err(|e| {
                        ItemError::new("io", format!("could not read {}: {e}", path.display()))
                    });
                Item {
                    id: Value::String(path.display().to_string()),
                    fields: vec![("url", Value::String(url))],
                    request,
                }
            }
        };
        if !emit(item) {
            return;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn page_names_and_urls() {
        assert!(is_page(Path::new("a/b.HTML")));
        assert!(is_page(Path::new("b.htm.gz")));
        assert!(!is_page(Path::new("b.txt")));
        assert!(!is_page(Path::new(".html")));
        let base = url::Url::parse("https://example.com/saved/").unwrap();
        assert_eq!(
            page_url(&base, Path::new("dump"), Path::new("dump/news/a b#1.html")),
            "https://example.com/saved/news/a%20b%231.html"
        );
    }
}
