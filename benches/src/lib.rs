//! The fixed benchmark workload of Riptide WASM, shared by the criterion benches of this crate
//! and by the load harness of `cargo xtask bench`.
//!
//! The pages are listed in `benches/pages.txt` (class, path inside the corpus, document URL,
//! and why they were chosen) and read from `../shared/corpus` relative to the workspace root
//! (`RIPTIDE_CORPUS` overrides the directory). A missing corpus or page is a clear error,
//! never a silently smaller workload.
//!
//! ```no_run
//! let workload = riptide_benches::Workload::load_default().unwrap();
//! for page in workload.class(riptide_benches::Class::Median) {
//!     println!("{} ({} bytes)", page.source, page.html.len());
//! }
//! ```

use std::fmt;
use std::io::Read as _;
use std::path::{Path, PathBuf};

/// The committed page list.
pub const PAGES_TXT: &str = include_str!("../pages.txt");

/// A tiny synthetic page: the extraction costs next to nothing, so a request on it measures
/// the overhead of the sandbox and the pool.
pub const TINY_HTML: &str = "<!doctype html><html lang=\"en\"><head><title>Tiny</title></head>\
    <body><article><h1>Tiny</h1><p>A tiny page: extracting it costs next to nothing, so \
    a request on it measures the overhead of the sandbox.</p></article></body></html>";

/// The document URL of the tiny page.
pub const TINY_URL: &str = "https://example.com/tiny";

/// Environment variable naming another page list (relative to the workspace root), such as
/// `benches/pages-fixtures.txt`: the committed fixtures, for a smoke run without the corpus
/// (with `RIPTIDE_CORPUS` set to the workspace root).
pub const PAGES_ENV: &str = "RIPTIDE_BENCH_PAGES";

/// Environment variable naming another corpus directory.
pub const CORPUS_ENV: &str = "RIPTIDE_CORPUS";

/// A page class, by size.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Class {
    /// The synthetic tiny page (pool overhead).
    Tiny,
    /// About the 5th-10th percentile of page sizes.
    Small,
    /// About the median page size.
    Median,
    /// About the 90th percentile.
    Large,
}

impl Class {
    /// Every class, smallest first.
    pub const ALL: [Class; 4] = [Class::Tiny, Class::Small, Class::Median, Class::Large];

    /// The name used in `pages.txt`, reports and bench ids.
    pub fn as_str(self) -> &'static str {
        match self {
            Class::Tiny => "tiny",
            Class::Small => "small",
            Class::Median => "median",
            Class::Large => "large",
        }
    }

    /// The class named `name`.
    pub fn parse(name: &str) -> Option<Class> {
        Class::ALL.into_iter().find(|c| c.as_str() == name)
    }
}

impl fmt::Display for Class {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One page of the workload.
#[derive(Debug, Clone)]
pub struct Page {
    /// Its class.
    pub class: Class,
    /// Its path inside the corpus (`tiny` for the synthetic page).
    pub source: String,
    /// The document URL passed with it.
    pub url: String,
    /// The HTML, decompressed.
    pub html: String,
}

/// One line of `pages.txt`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// Its class.
    pub class: Class,
    /// The path inside the corpus.
    pub path: String,
    /// The document URL.
    pub url: String,
}

/// Parse a page list in the format of `pages.txt`.
///
/// ```
/// let entries = riptide_benches::parse_list("# comment\nsmall a/b.html https://x.test/\n").unwrap();
/// assert_eq!(entries[0].class, riptide_benches::Class::Small);
/// assert!(riptide_benches::parse_list("huge a.html https://x.test/").is_err());
/// ```
///
/// # Errors
/// A message naming the line that is not `<class> <path> <url>`.
pub fn parse_list(text: &str) -> Result<Vec<Entry>, String> {
    let mut entries = Vec::new();
    for (n, line) in text.lines().enumerate() {
        let line = line.split('#').next().unwrap_or("").trim();
        if line.is_empty() {
            continue;
        }
        let fields: Vec<&str> = line.split_whitespace().collect();
        let [class, path, url] = fields[..] else {
            return Err(format!(
                "pages.txt line {}: expected `<class> <path> <url>`, found `{line}`",
                n + 1
            ));
        };
        let class = Class::parse(class)
            .filter(|c| *c != Class::Tiny)
            .ok_or_else(|| {
                format!(
                    "pages.txt line {}: unknown class `{class}` (small, median or large)",
                    n + 1
                )
            })?;
        entries.push(Entry {
            class,
            path: path.to_string(),
            url: url.to_string(),
        });
    }
    Ok(entries)
}

/// The workspace root (the parent of this crate).
pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map_or_else(|| PathBuf::from("."), Path::to_path_buf)
}

/// The corpus directory: `$RIPTIDE_CORPUS`, or `../shared/corpus` relative to `root`.
pub fn corpus_dir(root: &Path) -> PathBuf {
    match std::env::var_os(CORPUS_ENV) {
        Some(dir) if !dir.is_empty() => PathBuf::from(dir),
        _ => root.join("..").join("shared").join("corpus"),
    }
}

/// The pages of a benchmark run.
#[derive(Debug, Clone)]
pub struct Workload {
    /// The corpus directory the pages were read from.
    pub corpus: PathBuf,
    /// The tiny page first, then the listed pages in list order.
    pub pages: Vec<Page>,
}

impl Workload {
    /// Read the committed list from the corpus of this workspace.
    ///
    /// # Errors
    /// As for [`Workload::load`].
    pub fn load_default() -> Result<Workload, String> {
        let root = workspace_root();
        match std::env::var_os(PAGES_ENV) {
            Some(list) if !list.is_empty() => {
                let path = root.join(list);
                let text = std::fs::read_to_string(&path)
                    .map_err(|e| format!("the page list {} ({PAGES_ENV}): {e}", path.display()))?;
                Workload::load(&corpus_dir(&root), &text)
            }
            _ => Workload::load(&corpus_dir(&root), PAGES_TXT),
        }
    }

    /// Read the pages of `list` from `corpus`.
    ///
    /// # Errors
    /// A message saying which file is missing or unreadable, and where it was looked for.
    pub fn load(corpus: &Path, list: &str) -> Result<Workload, String> {
        if !corpus.is_dir() {
            return Err(format!(
                "the benchmark corpus is missing: {} is not a directory. The pages of \
                 benches/pages.txt are read from ../shared/corpus relative to the workspace \
                 root; put the corpus there or set {CORPUS_ENV} to its directory",
                corpus.display()
            ));
        }
        let mut pages = vec![Page {
            class: Class::Tiny,
            source: "tiny (synthetic)".into(),
            url: TINY_URL.into(),
            html: TINY_HTML.into(),
        }];
        for entry in parse_list(list)? {
            let path = corpus.join(&entry.path);
            let html = read_page(&path).map_err(|e| {
                format!(
                    "benchmark page {} (listed in benches/pages.txt) could not be read: {e}",
                    path.display()
                )
            })?;
            pages.push(Page {
                class: entry.class,
                source: entry.path,
                url: entry.url,
                html,
            });
        }
        for class in Class::ALL {
            if !pages.iter().any(|p| p.class == class) {
                return Err(format!("benches/pages.txt lists no `{class}` page"));
            }
        }
        Ok(Workload {
            corpus: corpus.to_path_buf(),
            pages,
        })
    }

    /// The pages of one class.
    pub fn class(&self, class: Class) -> impl Iterator<Item = &Page> {
        self.pages.iter().filter(move |p| p.class == class)
    }

    /// The total HTML bytes of a class.
    pub fn class_bytes(&self, class: Class) -> usize {
        self.class(class).map(|p| p.html.len()).sum()
    }
}

/// Read one page, gunzipping `.gz` files; invalid UTF-8 is replaced.
fn read_page(path: &Path) -> Result<String, String> {
    let raw = std::fs::read(path).map_err(|e| e.to_string())?;
    let bytes = if path.extension().is_some_and(|e| e == "gz") {
        let mut out = Vec::with_capacity(raw.len() * 6);
        flate2::read::GzDecoder::new(&raw[..])
            .read_to_end(&mut out)
            .map_err(|e| format!("not a valid gzip file ({e})"))?;
        out
    } else {
        raw
    };
    Ok(match String::from_utf8(bytes) {
        Ok(s) => s,
        Err(e) => String::from_utf8_lossy(e.as_bytes()).into_owned(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_committed_list_parses_and_covers_every_class() {
        let entries = parse_list(PAGES_TXT).unwrap();
        assert_eq!(entries.len(), 9);
        for class in [Class::Small, Class::Median, Class::Large] {
            assert_eq!(entries.iter().filter(|e| e.class == class).count(), 3);
        }
    }

    #[test]
    fn a_missing_corpus_is_a_clear_error() {
        let err = Workload::load(Path::new("/nonexistent/corpus"), PAGES_TXT).unwrap_err();
        assert!(err.contains("../shared/corpus"), "{err}");
    }

    #[test]
    fn bad_lines_are_named() {
        let err = parse_list("small only-two-fields\n").unwrap_err();
        assert!(err.contains("line 1"), "{err}");
    }
}
