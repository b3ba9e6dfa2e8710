//! The evaluation corpus (`../shared/corpus`, see its README) as the examples load it: the
//! Readability pages with the document URL `http://fakehost/test/page.html`, then the WCXB
//! development pages, each sorted by id. Shared by `engine_eval` and `stages` through
//! `#[path]`, so that both read the same pages the same way.

use std::error::Error;
use std::fs;
use std::io::Read;
use std::path::{Path, PathBuf};

use riptide_extract::{Mode, extract};

/// The document URL of the Readability pages.
pub(crate) const READABILITY_URL: &str = "http://fakehost/test/page.html";

/// One corpus page with its reference answers.
pub(crate) struct Page {
    /// `readability` or `wcxb`.
    pub corpus: &'static str,
    /// Folder name or file number.
    pub id: String,
    /// WCXB primary page type, or `readability`.
    pub page_type: String,
    /// The document URL.
    pub url: String,
    /// The page.
    pub html: String,
    /// The reference main content as plain text.
    pub reference: String,
    /// Reference title, byline (WCXB: author) and publication date.
    pub title: Option<String>,
    pub byline: Option<String>,
    pub date: Option<String>,
    /// Reference site name and language (Readability only).
    pub site_name: Option<String>,
    pub language: Option<String>,
}

/// A trimmed, non-empty JSON string.
fn string(value: &serde_json::Value) -> Option<String> {
    value
        .as_str()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
}

fn json(path: &Path) -> Result<serde_json::Value, Box<dyn Error>> {
    let text = fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    Ok(serde_json::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))?)
}

/// Load at most `limit` pages of each corpus under `dir`.
///
/// # Errors
/// A message naming the file that could not be read.
pub(crate) fn load(dir: &Path, limit: usize) -> Result<Vec<Page>, Box<dyn Error>> {
    let mut pages = Vec::new();
    let readability = dir.join("readability");
    let mut names: Vec<PathBuf> = fs::read_dir(&readability)
        .map_err(|e| format!("{}: {e}", readability.display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.join("source.html").is_file() && p.join("expected.html").is_file())
        .collect();
    names.sort();
    for path in names.into_iter().take(limit) {
        let expected = fs::read_to_string(path.join("expected.html"))?;
        let reference = extract(&expected, READABILITY_URL, &Mode::Full)
            .map(|d| d.text)
            .unwrap_or_default();
        let meta = json(&path.join("expected-metadata.json")).unwrap_or(serde_json::Value::Null);
        pages.push(Page {
            corpus: "readability",
            id: file_name(&path),
            page_type: "readability".into(),
            url: READABILITY_URL.into(),
            html: fs::read_to_string(path.join("source.html"))?,
            reference,
            title: string(&meta["title"]),
            byline: string(&meta["byline"]),
            date: string(&meta["publishedTime"]),
            site_name: string(&meta["siteName"]),
            language: string(&meta["lang"]),
        });
    }
    let wcxb = dir.join("wcxb-dev");
    let truths = wcxb.join("ground-truth");
    let mut ids: Vec<String> = fs::read_dir(&truths)
        .map_err(|e| format!("{}: {e}", truths.display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter_map(|p| {
            p.file_name()?
                .to_str()?
                .strip_suffix(".json")
                .map(str::to_string)
        })
        .collect();
    ids.sort();
    for id in ids.into_iter().take(limit) {
        let truth = json(&truths.join(format!("{id}.json")))?;
        let gz = wcxb.join("html").join(format!("{id}.html.gz"));
        let mut bytes = Vec::new();
        flate2::read::GzDecoder::new(
            fs::File::open(&gz).map_err(|e| format!("{}: {e}", gz.display()))?,
        )
        .read_to_end(&mut bytes)?;
        let gt = &truth["ground_truth"];
        pages.push(Page {
            corpus: "wcxb",
            page_type: string(&truth["_internal"]["page_type"]["primary"])
                .unwrap_or_else(|| "unknown".into()),
            url: string(&truth["url"]).unwrap_or_else(|| format!("https://wcxb.invalid/{id}")),
            html: String::from_utf8_lossy(&bytes).into_owned(),
            reference: gt["main_content"].as_str().unwrap_or("").to_string(),
            title: string(&gt["title"]),
            byline: string(&gt["author"]),
            date: string(&gt["publish_date"]),
            site_name: None,
            language: None,
            id,
        });
    }
    Ok(pages)
}

fn file_name(path: &Path) -> String {
    path.file_name()
        .and_then(|n| n.to_str())
        .unwrap_or("")
        .to_string()
}
