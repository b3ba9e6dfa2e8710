//! Main-content and metadata extraction from HTML pages.
//!
//! This is the extraction logic of Riptide WASM as a plain Rust library. The guest component
//! (`riptide-guest`) exports it through the `riptide:extractor@0.3.0` world; the same code can
//! be called natively, which is how it is tested and benchmarked without a sandbox.
//!
//! ```
//! use riptide_extract::{extract, Mode};
//!
//! let html = r#"<html lang="en"><head><title>Tides explained | Ocean Notes</title>
//!   <meta property="og:site_name" content="Ocean Notes"></head>
//!   <body><nav><a href="/">Home</a></nav>
//!   <article><h1>Tides explained</h1>
//!   <p>Tides are the rise and fall of sea levels caused by the Moon and the Sun.
//!   They follow a rhythm of roughly twelve hours and twenty-five minutes.</p>
//!   <p>Read the <a href="/moon">Moon page</a> for more.</p></article></body></html>"#;
//! let doc = extract(html, "https://ocean.example/tides", &Mode::Article).unwrap();
//! assert_eq!(doc.title.as_deref(), Some("Tides explained"));
//! assert_eq!(doc.site_name.as_deref(), Some("Ocean Notes"));
//! assert!(doc.text.contains("rise and fall of sea levels"));
//! assert_eq!(doc.language.as_deref(), Some("en"));
//! ```

mod authors;
mod content;
mod dates;
mod depth;
mod dom;
mod engine;
mod entities;
mod lang;
mod meta;
mod mojibake;
mod stages;
#[cfg_attr(not(feature = "trafilatura"), path = "trafilatura_off.rs")]
mod trafilatura;
mod words;

use stages::{Laps, Stage};

use dom_query::{Document, Matcher};
use url::Url;

pub use depth::{MAX_NESTING, estimate_depth};
pub use stages::StageTimes;
pub use words::{WORDS_PER_MINUTE, reading_time_minutes, word_count};

/// The version of this library, reported by the guest's `health-check` and `get-info`.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");

/// The name of the content-extraction engine used for `article` mode by default.
pub const ENGINE: &str = Engine::DEFAULT.describe();

/// The main-content engines of `article` mode.
///
/// ```
/// use riptide_extract::{Engine, Mode, extract_with_engine};
/// let html = "<article><h1>Tides</h1><p>Tides are the rise and fall of sea levels, caused by \
///             the Moon and the Sun, twice a day.</p></article>";
/// let doc = extract_with_engine(html, "https://ocean.example/", &Mode::Article, Engine::Native)
///     .unwrap();
/// assert!(doc.text.contains("rise and fall"));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Engine {
    /// This crate's own single-parse engine.
    Native,
    /// The `rs-trafilatura` crate; available with the `trafilatura` cargo feature.
    Trafilatura,
}

impl Engine {
    /// The engine [`extract`] uses.
    pub const DEFAULT: Engine = Engine::Native;

    /// A short name for reports and command lines.
    pub const fn name(self) -> &'static str {
        match self {
            Engine::Native => "native",
            Engine::Trafilatura => "trafilatura",
        }
    }

    /// The engine's name (with the version, for the external engine).
    pub const fn describe(self) -> &'static str {
        match self {
            Engine::Native => "riptide native engine",
            Engine::Trafilatura => "rs-trafilatura 0.2",
        }
    }

    /// Whether this build of the library includes the engine.
    pub const fn is_available(self) -> bool {
        match self {
            Engine::Native => true,
            Engine::Trafilatura => cfg!(feature = "trafilatura"),
        }
    }
}

impl Default for Engine {
    fn default() -> Self {
        Engine::DEFAULT
    }
}

/// Language detection reads at most this many bytes of the main text (cut back to a
/// character boundary), or of the page's visible text when the main text is empty: whatlang's
/// cost grows with its input. On the evaluation corpus, 4 KiB is the smallest sample tried
/// that gives the whole text's answer on 99 % of pages or more (99.2 %; on the other pages one
/// of the two answers is "no reliable guess", never another language), at a sixth of the
/// whole text's cost on the largest pages (`examples/language_sample.rs`).
///
/// ```
/// use riptide_extract::{LANGUAGE_SAMPLE_BYTES, Mode, extract};
/// let french = "Les marées montent et descendent deux fois par jour, tirées par la Lune. ";
/// let html = format!("<article><p>{}</p></article>", french.repeat(200));
/// assert!(html.len() > LANGUAGE_SAMPLE_BYTES);
/// let doc = extract(&html, "https://example.com/", &Mode::Article).unwrap();
/// assert_eq!(doc.language.as_deref(), Some("fr"));
/// ```
pub const LANGUAGE_SAMPLE_BYTES: usize = 4096;

/// The largest HTML document the library accepts, in bytes (32 MiB).
///
/// The host validates requests against its own (smaller, configurable) limit first; this one
/// protects the library when it is called directly.
pub const MAX_HTML_BYTES: usize = 32 * 1024 * 1024;

/// In article mode with [`Engine::Trafilatura`], documents nested deeper than this (measured on
/// the parsed tree) skip the main-content scorer, whose cost grows with depth × nodes (a chain of 1,000 nested `div`s
/// takes a second natively), and get the visible text of the body with a quality score of 10.
/// Real pages rarely nest more than a hundred levels.
pub const ARTICLE_MAX_DEPTH: usize = 400;

/// [`ExtractError::ResourceLimit`] when the estimated nesting passes [`MAX_NESTING`].
fn check_nesting(html: &str) -> Result<(), ExtractError> {
    let depth = estimate_depth(html);
    if depth > MAX_NESTING {
        return Err(ExtractError::ResourceLimit(format!(
            "the document nests elements about {depth} levels deep; this extractor accepts at \
             most {MAX_NESTING} (browsers flatten past 512): fix the page's unclosed tags"
        )));
    }
    Ok(())
}

/// The names of the supported modes, in the order `get-modes` reports them.
pub const MODES: [&str; 4] = ["article", "full", "metadata", "custom"];

/// What to extract from a page.
///
/// ```
/// use riptide_extract::Mode;
/// let mode = Mode::Custom(vec!["h1".into(), "p.lead".into()]);
/// assert_eq!(mode.name(), "custom");
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Mode {
    /// The main content only: no navigation, headers, footers, comments or ads.
    Article,
    /// All visible text of the page, in reading order.
    Full,
    /// Only the metadata fields; `text` and `markdown` stay empty.
    Metadata,
    /// The text of the elements matched by these CSS selectors, in document order.
    Custom(Vec<String>),
}

impl Mode {
    /// The mode's name as the WIT world spells it.
    pub fn name(&self) -> &'static str {
        match self {
            Mode::Article => "article",
            Mode::Full => "full",
            Mode::Metadata => "metadata",
            Mode::Custom(_) => "custom",
        }
    }
}

/// The result of one extraction; mirrors the WIT record `extracted-content`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Extracted {
    /// The page URL, normalised by the URL parser.
    pub url: String,
    /// The article's title, without the site-name suffix.
    pub title: Option<String>,
    /// Author name(s), comma separated, without a "By " prefix.
    pub byline: Option<String>,
    /// Each author [`byline`](Self::byline) names, in its order, with their own credentials
    /// ("Jane Doe, MD"); empty when there is no byline.
    pub authors: Vec<String>,
    /// Publication date, ISO 8601.
    pub published_iso: Option<String>,
    /// The content as CommonMark.
    pub markdown: String,
    /// The content as plain text, paragraphs separated by a blank line.
    pub text: String,
    /// Absolute, de-duplicated link URLs, in document order.
    pub links: Vec<String>,
    /// Absolute, de-duplicated media URLs, in document order.
    pub media: Vec<String>,
    /// BCP 47 language tag.
    pub language: Option<String>,
    /// Reading time in minutes at [`WORDS_PER_MINUTE`], rounded up.
    pub reading_time: Option<u32>,
    /// 0–100: confidence that `text` is the page's main content.
    pub quality_score: Option<u8>,
    /// Words in `text` (each CJK character counts as one).
    pub word_count: Option<u32>,
    /// Sections, tags and keywords the page declares.
    pub categories: Vec<String>,
    /// The site's name.
    pub site_name: Option<String>,
    /// The page's own summary.
    pub description: Option<String>,
}

/// Figures about one extraction that only the library can know.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Stats {
    /// Nodes (elements, text, comments) in the parsed document.
    pub nodes_processed: u32,
    /// Entries in [`Extracted::links`].
    pub links_found: u32,
    /// Entries in [`Extracted::media`].
    pub images_found: u32,
    /// The time spent in each stage.
    pub stages: StageTimes,
}

/// Why an extraction failed; mirrors the WIT variant `extraction-error`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ExtractError {
    /// The input is not HTML the extractor can use.
    #[error("invalid HTML: {0}")]
    InvalidHtml(String),
    /// The HTML or the URL could not be parsed.
    #[error("parse error: {0}")]
    Parse(String),
    /// The input exceeds a limit of the library.
    #[error("resource limit: {0}")]
    ResourceLimit(String),
    /// The extraction algorithm failed on this page.
    #[error("extractor error: {0}")]
    Extractor(String),
    /// The mode is not supported, or one of its selectors is invalid.
    #[error("unsupported mode: {0}")]
    UnsupportedMode(String),
}

/// Extract content and metadata from `html`, whose address is `url`.
///
/// ```
/// use riptide_extract::{extract, Mode};
/// let html = "<html><head><title>Hi</title><meta name=description content='A greeting'></head>\
///             <body><p>Hello world.</p></body></html>";
/// let doc = extract(html, "https://example.com/", &Mode::Metadata).unwrap();
/// assert_eq!(doc.description.as_deref(), Some("A greeting"));
/// assert!(doc.text.is_empty());
/// ```
///
/// # Errors
/// [`ExtractError::Parse`] for a URL that is not absolute, [`ExtractError::ResourceLimit`] for a
/// document over [`MAX_HTML_BYTES`] or nested deeper than [`MAX_NESTING`],
/// [`ExtractError::UnsupportedMode`] for a custom mode
/// without selectors or with an invalid one.
pub fn extract(html: &str, url: &str, mode: &Mode) -> Result<Extracted, ExtractError> {
    extract_with_stats(html, url, mode).map(|(doc, _)| doc)
}

/// Like [`extract`], and also report [`Stats`] about the extraction.
///
/// ```
/// use riptide_extract::{extract_with_stats, Mode};
/// let html = "<p>See <a href='/a'>a</a> and <img src='b.png'>.</p>";
/// let (doc, stats) = extract_with_stats(html, "https://example.com/x/", &Mode::Full).unwrap();
/// assert_eq!(doc.links, ["https://example.com/a"]);
/// assert_eq!(doc.media, ["https://example.com/x/b.png"]);
/// assert_eq!((stats.links_found, stats.images_found), (1, 1));
/// assert!(stats.nodes_processed > 5);
/// assert_eq!(stats.stages.score, std::time::Duration::ZERO); // full mode does not score
/// ```
///
/// # Errors
/// As for [`extract`].
pub fn extract_with_stats(
    html: &str,
    url: &str,
    mode: &Mode,
) -> Result<(Extracted, Stats), ExtractError> {
    extract_with_engine_stats(html, url, mode, Engine::DEFAULT)
}

/// Like [`extract`], with the main-content engine of `article` mode chosen by the caller (for
/// comparisons; the other modes do not depend on it).
///
/// # Errors
/// As for [`extract`], and [`ExtractError::UnsupportedMode`] for an engine this build does not
/// include (see [`Engine::is_available`]).
pub fn extract_with_engine(
    html: &str,
    url: &str,
    mode: &Mode,
    engine: Engine,
) -> Result<Extracted, ExtractError> {
    extract_with_engine_stats(html, url, mode, engine).map(|(doc, _)| doc)
}

/// Like [`extract_with_stats`], with the engine chosen by the caller.
///
/// # Errors
/// As for [`extract_with_engine`].
pub fn extract_with_engine_stats(
    html: &str,
    url: &str,
    mode: &Mode,
    engine: Engine,
) -> Result<(Extracted, Stats), ExtractError> {
    let mut laps = Laps::start();
    if !engine.is_available() {
        return Err(ExtractError::UnsupportedMode(format!(
            "the {} engine is not part of this build (cargo feature `trafilatura`)",
            engine.name()
        )));
    }
    if html.len() > MAX_HTML_BYTES {
        return Err(ExtractError::ResourceLimit(format!(
            "the HTML is {} bytes; this extractor accepts at most {MAX_HTML_BYTES} bytes",
            html.len()
        )));
    }
    let page_url = Url::parse(url)
        .map_err(|e| ExtractError::Parse(format!("the page URL {url:?} is not valid: {e}")))?;
    let matchers = match mode {
        Mode::Custom(selectors) => Some(compile_selectors(selectors)?),
        _ => None,
    };

    check_nesting(html)?;

    // UTF-8 read as Windows-1252 before it reached us ("donâ€™t") is put back first, so
    // that every field reads as the page meant.
    let repaired = mojibake::repair(html);
    let html: &str = &repaired;
    let document = Document::from(html);
    let marks = matchers.as_ref().map(|m| dom::matched_ids(&document, m));
    let (tree, marked) = engine::tree::Tree::build_marked(&document, marks.as_ref());
    let nodes_processed = u32::try_from(tree.dom_nodes).unwrap_or(u32::MAX);
    laps.lap(Stage::Parse);
    let base = meta::base_url(&tree, &page_url);
    let metadata = meta::Metadata::from_tree(&tree, &page_url);
    laps.lap(Stage::Metadata);

    let mut out = Extracted {
        url: page_url.to_string(),
        ..Extracted::default()
    };
    let mut fallback_meta = None;
    match mode {
        Mode::Article if engine == Engine::Native => {
            let content = engine::extract(&tree, &base, metadata.title(), &mut laps);
            fill_content(&mut out, content, &mut fallback_meta);
        }
        Mode::Article if tree.depth > ARTICLE_MAX_DEPTH => {
            // The article scorer's cost grows with depth × nodes; past this depth the
            // visible text of the body is the answer, with a low confidence.
            let body = document.body().unwrap_or_else(|| document.root());
            fill_all(&tree, &base, &[(tree.body(), body)], &mut out);
            out.quality_score = Some(if out.text.is_empty() { 0 } else { 10 });
        }
        Mode::Article => {
            let content = trafilatura::article(html, &page_url, &base)?;
            laps.lap(Stage::Score);
            fill_content(&mut out, content, &mut fallback_meta);
        }
        Mode::Full => {
            let body = document.body().unwrap_or_else(|| document.root());
            fill_all(&tree, &base, &[(tree.body(), body)], &mut out);
        }
        Mode::Metadata => {}
        Mode::Custom(_) => {
            // An element inside one already matched is part of its ancestor's text.
            let mut roots: Vec<(usize, dom_query::NodeRef)> = Vec::new();
            for &(i, id) in &marked {
                let i = i as usize;
                if roots
                    .last()
                    .is_none_or(|&(r, _)| i >= tree.nodes[r].end as usize)
                    && let Some(node) = document.tree.get(&id)
                {
                    roots.push((i, node));
                }
            }
            fill_all(&tree, &base, &roots, &mut out);
        }
    }

    if !matches!(mode, Mode::Metadata) {
        let words = word_count(&out.text);
        out.word_count = Some(words);
        out.reading_time = Some(reading_time_minutes(words));
        laps.lap(Stage::Emit);
    }
    metadata.fill(&mut out, fallback_meta.as_ref());
    laps.lap(Stage::Metadata);
    if out.language.is_none() {
        out.language = if out.text.is_empty() {
            lang::detect(&tree.visible_sample(LANGUAGE_SAMPLE_BYTES))
        } else {
            lang::detect(&out.text)
        };
    }
    laps.lap(Stage::Language);

    let stats = Stats {
        nodes_processed,
        links_found: u32::try_from(out.links.len()).unwrap_or(u32::MAX),
        images_found: u32::try_from(out.media.len()).unwrap_or(u32::MAX),
        stages: laps.times,
    };
    Ok((out, stats))
}

/// Say whether `html` parses into a document whose body has content (text or media).
///
/// ```
/// assert!(riptide_extract::validate_html("<p>Hello</p>").unwrap());
/// assert!(!riptide_extract::validate_html("<html><head><title>t</title></head></html>").unwrap());
/// ```
///
/// # Errors
/// [`ExtractError::ResourceLimit`] for a document over [`MAX_HTML_BYTES`] or nested deeper
/// than [`MAX_NESTING`].
pub fn validate_html(html: &str) -> Result<bool, ExtractError> {
    if html.len() > MAX_HTML_BYTES {
        return Err(ExtractError::ResourceLimit(format!(
            "the HTML is {} bytes; this extractor accepts at most {MAX_HTML_BYTES} bytes",
            html.len()
        )));
    }
    check_nesting(html)?;
    let document = Document::from(html);
    Ok(document.body().is_some_and(|body| dom::has_content(&body)))
}

/// Parse CSS selectors with the parser the extractor uses, so that errors surface before
/// extraction.
///
/// ```
/// assert!(riptide_extract::compile_selectors(&["article > p".to_string()]).is_ok());
/// let err = riptide_extract::compile_selectors(&["p[".to_string()]).unwrap_err();
/// assert!(err.to_string().contains("p["));
/// ```
///
/// # Errors
/// [`ExtractError::UnsupportedMode`] when the list is empty or a selector does not parse.
pub fn compile_selectors(selectors: &[String]) -> Result<Vec<Matcher>, ExtractError> {
    if selectors.is_empty() {
        return Err(ExtractError::UnsupportedMode(
            "custom mode needs at least one CSS selector".into(),
        ));
    }
    selectors
        .iter()
        .map(|s| {
            if s.trim().is_empty() {
                return Err(ExtractError::UnsupportedMode(
                    "a CSS selector of custom mode is empty".into(),
                ));
            }
            Matcher::new(s).map_err(|e| {
                ExtractError::UnsupportedMode(format!(
                    "the CSS selector {s:?} is not valid (at line {}, column {}): {:?}",
                    e.location.line + 1,
                    e.location.column,
                    e.kind
                ))
            })
        })
        .collect()
}

/// Copy an engine's result into `out`, keeping its metadata as the fallback.
fn fill_content(
    out: &mut Extracted,
    content: content::Content,
    fallback: &mut Option<meta::Fallback>,
) {
    out.text = content.text;
    out.markdown = content.markdown;
    out.links = content.links;
    out.media = content.media;
    out.quality_score = Some(content.quality);
    *fallback = content.metadata;
}

/// Text, markdown, links and media of everything visible below `roots` (arena index and
/// the same element in the document): `full` and `custom` modes, and pages too deep for the
/// article scorer. Media come from the document (`<picture>` sources, video, audio and
/// posters too, which the arena does not keep).
fn fill_all(
    tree: &engine::tree::Tree,
    base: &Url,
    roots: &[(usize, dom_query::NodeRef)],
    out: &mut Extracted,
) {
    let arena: Vec<usize> = roots.iter().map(|&(i, _)| i).collect();
    let content = engine::write_all(tree, base, &arena);
    out.text = content.text;
    out.markdown = content.markdown;
    out.links = content.links;
    let mut seen = std::collections::HashSet::new();
    out.media = roots
        .iter()
        .flat_map(|(_, node)| dom::media(node, base))
        .filter(|m| seen.insert(m.clone()))
        .collect();
}
