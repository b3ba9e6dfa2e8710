//! The evaluation corpus: Mozilla Readability test pages and the WCXB development split.

use std::io::Read;
use std::path::{Path, PathBuf};

use dom_query::{Document, NodeRef};
use serde_json::Value;

/// The document URL the Readability pages were captured with.
pub(crate) const READABILITY_URL: &str = "http://fakehost/test/page.html";

/// Which corpus a page belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(crate) enum Corpus {
    /// `readability/`.
    Readability,
    /// `wcxb-dev/`.
    Wcxb,
}

impl Corpus {
    /// The folder name, also used in reports.
    pub(crate) fn name(self) -> &'static str {
        match self {
            Corpus::Readability => "readability",
            Corpus::Wcxb => "wcxb-dev",
        }
    }
}

/// Where one page lives, before it is read.
#[derive(Debug, Clone)]
pub(crate) struct PageRef {
    /// The corpus.
    pub corpus: Corpus,
    /// Folder name (Readability) or file number (WCXB).
    pub id: String,
    dir: PathBuf,
}

/// A page with its reference answers.
#[derive(Debug, Clone)]
pub(crate) struct Page {
    /// The corpus.
    pub corpus: Corpus,
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
    /// Reference title.
    pub title: Option<String>,
    /// Reference byline / author.
    pub byline: Option<String>,
    /// Reference publication date.
    pub date: Option<String>,
    /// Reference site name (Readability only).
    pub site_name: Option<String>,
    /// Reference language (Readability only).
    pub language: Option<String>,
    /// Snippets that must appear (WCXB).
    pub with: Vec<String>,
    /// Snippets that must not appear (WCXB).
    pub without: Vec<String>,
}

/// List the pages of `corpus` under `root`, sorted by id.
///
/// # Errors
/// A message naming the missing folder.
pub(crate) fn list(root: &Path, corpus: Corpus) -> Result<Vec<PageRef>, String> {
    let mut pages = Vec::new();
    match corpus {
        Corpus::Readability => {
            let dir = root.join("readability");
            for entry in read_dir(&dir)? {
                if entry.join("source.html").is_file() && entry.join("expected.html").is_file() {
                    let id = file_name(&entry);
                    pages.push(PageRef {
                        corpus,
                        id,
                        dir: entry,
                    });
                }
            }
        }
        Corpus::Wcxb => {
            let dir = root.join("wcxb-dev");
            let truth = dir.join("ground-truth");
            for entry in read_dir(&truth)? {
                let name = file_name(&entry);
                if let Some(id) = name.strip_suffix(".json")
                    && dir.join("html").join(format!("{id}.html.gz")).is_file()
                {
                    pages.push(PageRef {
                        corpus,
                        id: id.to_string(),
                        dir: dir.clone(),
                    });
                }
            }
        }
    }
    pages.sort_by(|a, b| a.id.cmp(&b.id));
    if pages.is_empty() {
        return Err(format!(
            "no {} pages found under {}",
            corpus.name(),
            root.display()
        ));
    }
    Ok(pages)
}

fn read_dir(dir: &Path) -> Result<Vec<PathBuf>, String> {
    let entries =
        std::fs::read_dir(dir).map_err(|e| format!("cannot read {}: {e}", dir.display()))?;
    Ok(entries.filter_map(|e| e.ok().map(|e| e.path())).collect())
}

fn file_name(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

fn read(path: &Path) -> Result<String, String> {
    let bytes = std::fs::read(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    Ok(String::from_utf8_lossy(&bytes).into_owned())
}

fn read_gz(path: &Path) -> Result<String, String> {
    let file =
        std::fs::File::open(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    let mut bytes = Vec::new();
    flate2::read::GzDecoder::new(file)
        .read_to_end(&mut bytes)
        .map_err(|e| format!("cannot decompress {}: {e}", path.display()))?;
    Ok(String::from_utf8_lossy(&bytes).into_owned())
}

fn json(path: &Path) -> Result<Value, String> {
    serde_json::from_str(&read(path)?).map_err(|e| format!("{}: {e}", path.display()))
}

fn string(v: &Value) -> Option<String> {
    v.as_str()
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
}

fn strings(v: &Value) -> Vec<String> {
    v.as_array()
        .map(|items| items.iter().filter_map(string).collect())
        .unwrap_or_default()
}

impl PageRef {
    /// Read the page and its reference.
    ///
    /// # Errors
    /// A message naming the unreadable file.
    pub(crate) fn load(&self) -> Result<Page, String> {
        match self.corpus {
            Corpus::Readability => {
                let meta = json(&self.dir.join("expected-metadata.json"))?;
                let expected = read(&self.dir.join("expected.html"))?;
                Ok(Page {
                    corpus: self.corpus,
                    id: self.id.clone(),
                    page_type: "readability".into(),
                    url: READABILITY_URL.into(),
                    html: read(&self.dir.join("source.html"))?,
                    reference: html_text(&expected),
                    title: string(&meta["title"]),
                    byline: string(&meta["byline"]),
                    date: string(&meta["publishedTime"]),
                    site_name: string(&meta["siteName"]),
                    language: string(&meta["lang"]),
                    with: Vec::new(),
                    without: Vec::new(),
                })
            }
            Corpus::Wcxb => {
                let truth = json(
                    &self
                        .dir
                        .join("ground-truth")
                        .join(format!("{}.json", self.id)),
                )?;
                let gt = &truth["ground_truth"];
                Ok(Page {
                    corpus: self.corpus,
                    id: self.id.clone(),
                    page_type: string(&truth["_internal"]["page_type"]["primary"])
                        .unwrap_or_else(|| "unknown".into()),
                    url: string(&truth["url"])
                        .unwrap_or_else(|| format!("https://wcxb.invalid/{}", self.id)),
                    html: read_gz(&self.dir.join("html").join(format!("{}.html.gz", self.id)))?,
                    reference: gt["main_content"].as_str().unwrap_or("").to_string(),
                    title: string(&gt["title"]),
                    byline: string(&gt["author"]),
                    date: string(&gt["publish_date"]),
                    site_name: None,
                    language: None,
                    with: strings(&gt["with"]),
                    without: strings(&gt["without"]),
                })
            }
        }
    }
}

/// Elements that start a new paragraph in the reference text.
const BLOCKS: &[&str] = &[
    "address",
    "article",
    "aside",
    "blockquote",
    "body",
    "br",
    "caption",
    "dd",
    "div",
    "dl",
    "dt",
    "figcaption",
    "figure",
    "footer",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "header",
    "hr",
    "li",
    "main",
    "ol",
    "p",
    "pre",
    "section",
    "table",
    "td",
    "th",
    "tr",
    "ul",
];

/// The text of an HTML fragment: tags stripped, block elements separated by blank lines,
/// scripts and styles dropped. Iterative, so any depth is fine.
pub(crate) fn html_text(html: &str) -> String {
    let document = Document::from(html);
    let mut out = String::new();
    let root = document.root();
    let mut stack: Vec<(NodeRef, bool)> = vec![(root, true)];
    let name = |n: &NodeRef| {
        n.node_name()
            .map(|s| s.to_ascii_lowercase())
            .unwrap_or_default()
    };
    while let Some((node, entering)) = stack.pop() {
        if node.is_text() {
            let text = node.text();
            let mut last_space = out.is_empty() || out.ends_with(char::is_whitespace);
            for c in text.chars() {
                if c.is_whitespace() {
                    if !last_space {
                        out.push(' ');
                        last_space = true;
                    }
                } else {
                    out.push(c);
                    last_space = false;
                }
            }
            continue;
        }
        if !node.is_element() && !node.is_document() {
            continue;
        }
        let n = name(&node);
        if matches!(
            n.as_str(),
            "script" | "style" | "noscript" | "template" | "head"
        ) {
            continue;
        }
        let block = BLOCKS.contains(&n.as_str());
        if !entering {
            if block {
                out.push_str("\n\n");
            }
            continue;
        }
        if block {
            out.push_str("\n\n");
        }
        stack.push((node, false));
        let mut children = node.children();
        children.reverse();
        stack.extend(children.into_iter().map(|c| (c, true)));
    }
    let mut text = String::new();
    for para in out.split("\n\n") {
        let para = para.trim();
        if !para.is_empty() {
            if !text.is_empty() {
                text.push_str("\n\n");
            }
            text.push_str(para);
        }
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reference_text_keeps_paragraphs_and_inline_words() {
        let text = html_text(
            "<div><h2>Head</h2><p>One <b>bo</b>ld<br>two</p><script>x()</script><p>Three</p></div>",
        );
        assert_eq!(text, "Head\n\nOne bold\n\ntwo\n\nThree");
    }
}
