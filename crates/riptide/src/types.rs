//! Rust mirrors of the WIT types of `riptide:extractor@0.2.0`, serializable as JSON with the
//! WIT names in snake_case.

use serde::{Deserialize, Serialize};

use riptide_pool::bindings as wit;

/// What to extract.
///
/// ```
/// use riptide::ExtractionMode;
/// let mode: ExtractionMode = "metadata".parse().unwrap();
/// assert_eq!(mode, ExtractionMode::Metadata);
/// assert_eq!(ExtractionMode::Custom(vec!["h1".into()]).name(), "custom");
/// assert!("summary".parse::<ExtractionMode>().is_err());
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum ExtractionMode {
    /// The main content only: no navigation, headers, footers, comments or ads.
    #[default]
    Article,
    /// All visible text of the page, in reading order.
    Full,
    /// Only the metadata; `text` and `markdown` are empty.
    Metadata,
    /// The text of the elements matched by these CSS selectors, in document order.
    Custom(Vec<String>),
}

impl ExtractionMode {
    /// The mode's name (`article`, `full`, `metadata`, `custom`).
    pub fn name(&self) -> &'static str {
        match self {
            ExtractionMode::Article => "article",
            ExtractionMode::Full => "full",
            ExtractionMode::Metadata => "metadata",
            ExtractionMode::Custom(_) => "custom",
        }
    }

    pub(crate) fn as_input(&self) -> riptide_input_check::Mode<'_> {
        match self {
            ExtractionMode::Article => riptide_input_check::Mode::Article,
            ExtractionMode::Full => riptide_input_check::Mode::Full,
            ExtractionMode::Metadata => riptide_input_check::Mode::Metadata,
            ExtractionMode::Custom(s) => riptide_input_check::Mode::Custom(s),
        }
    }

    pub(crate) fn into_wit(self) -> wit::ExtractionMode {
        match self {
            ExtractionMode::Article => wit::ExtractionMode::Article,
            ExtractionMode::Full => wit::ExtractionMode::Full,
            ExtractionMode::Metadata => wit::ExtractionMode::Metadata,
            ExtractionMode::Custom(s) => wit::ExtractionMode::Custom(s),
        }
    }
}

impl std::str::FromStr for ExtractionMode {
    type Err = crate::Error;

    /// Parse `article`, `full` or `metadata` (case-insensitive). `custom` needs selectors,
    /// so it is built with [`ExtractionMode::Custom`] directly.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match riptide_input_check::parse_mode_name(s)? {
            riptide_input_check::ModeName::Article => Ok(ExtractionMode::Article),
            riptide_input_check::ModeName::Full => Ok(ExtractionMode::Full),
            riptide_input_check::ModeName::Metadata => Ok(ExtractionMode::Metadata),
            riptide_input_check::ModeName::Custom => Ok(ExtractionMode::Custom(Vec::new())),
        }
    }
}

/// The result of one extraction.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExtractedContent {
    /// The page URL (normalised).
    pub url: String,
    /// The article's title, without the site-name suffix.
    pub title: Option<String>,
    /// Author name(s), comma separated, without a "By " prefix.
    pub byline: Option<String>,
    /// Publication date, ISO 8601.
    pub published_iso: Option<String>,
    /// The content as CommonMark.
    pub markdown: String,
    /// The content as plain text, paragraphs separated by a blank line.
    pub text: String,
    /// Absolute, de-duplicated link URLs, in document order.
    pub links: Vec<String>,
    /// Absolute, de-duplicated media URLs (images, video, audio), in document order.
    pub media: Vec<String>,
    /// BCP 47 language tag.
    pub language: Option<String>,
    /// Reading time in minutes at 200 words per minute, rounded up.
    pub reading_time: Option<u32>,
    /// 0–100: the extractor's confidence that `text` is the page's main content.
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

impl From<wit::ExtractedContent> for ExtractedContent {
    fn from(c: wit::ExtractedContent) -> Self {
        ExtractedContent {
            url: c.url,
            title: c.title,
            byline: c.byline,
            published_iso: c.published_iso,
            markdown: c.markdown,
            text: c.text,
            links: c.links,
            media: c.media,
            language: c.language,
            reading_time: c.reading_time,
            quality_score: c.quality_score,
            word_count: c.word_count,
            categories: c.categories,
            site_name: c.site_name,
            description: c.description,
        }
    }
}

/// Figures about one extraction, measured inside the guest.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExtractionStats {
    /// Time the guest spent, in milliseconds.
    pub processing_time_ms: u64,
    /// The guest's linear memory size after the extraction, in bytes.
    pub memory_used: u64,
    /// DOM nodes of the parsed page.
    pub nodes_processed: Option<u32>,
    /// Entries in `links`.
    pub links_found: u32,
    /// Entries in `media`.
    pub images_found: u32,
}

impl From<wit::ExtractionStats> for ExtractionStats {
    fn from(s: wit::ExtractionStats) -> Self {
        ExtractionStats {
            processing_time_ms: s.processing_time_ms,
            memory_used: s.memory_used,
            nodes_processed: s.nodes_processed,
            links_found: s.links_found,
            images_found: s.images_found,
        }
    }
}

/// The guest's view of its health.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HealthStatus {
    /// `healthy` when the guest works.
    pub status: String,
    /// Version of the guest.
    pub version: String,
    /// Name and version of the extraction engine.
    pub extractor_version: String,
    /// What the guest can do.
    pub capabilities: Vec<String>,
    /// Linear memory size in bytes.
    pub memory_usage: Option<u64>,
    /// Extractions served by the instance that answered.
    pub extraction_count: Option<u64>,
}

impl From<wit::HealthStatus> for HealthStatus {
    fn from(h: wit::HealthStatus) -> Self {
        HealthStatus {
            status: h.status,
            version: h.version,
            extractor_version: h.extractor_version,
            capabilities: h.capabilities,
            memory_usage: h.memory_usage,
            extraction_count: h.extraction_count,
        }
    }
}

/// Static facts about the component.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ComponentInfo {
    /// Package name of the guest.
    pub name: String,
    /// Version of the guest.
    pub version: String,
    /// The world it implements.
    pub component_model_version: String,
    /// Optional features compiled in.
    pub features: Vec<String>,
    /// Supported modes.
    pub supported_modes: Vec<String>,
    /// Build time, if recorded.
    pub build_timestamp: Option<String>,
    /// Git commit, if recorded.
    pub git_commit: Option<String>,
}

impl From<wit::ComponentInfo> for ComponentInfo {
    fn from(i: wit::ComponentInfo) -> Self {
        ComponentInfo {
            name: i.name,
            version: i.version,
            component_model_version: i.component_model_version,
            features: i.features,
            supported_modes: i.supported_modes,
            build_timestamp: i.build_timestamp,
            git_commit: i.git_commit,
        }
    }
}

/// The guest's own verdict on a page it could not extract (the WIT `extraction-error`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[serde(rename_all = "snake_case", tag = "case", content = "message")]
pub enum GuestError {
    /// The input is not HTML the extractor can use.
    #[error("invalid HTML: {0}")]
    InvalidHtml(String),
    /// A network error (the bundled guest never does network I/O).
    #[error("network error: {0}")]
    NetworkError(String),
    /// The HTML or a URL could not be parsed.
    #[error("parse error: {0}")]
    ParseError(String),
    /// A guest-side limit was exceeded.
    #[error("resource limit: {0}")]
    ResourceLimit(String),
    /// The extraction algorithm failed.
    #[error("extractor error: {0}")]
    ExtractorError(String),
    /// A bug in the guest.
    #[error("internal error in the extractor: {0}")]
    InternalError(String),
    /// The mode or its selectors are not supported.
    #[error("unsupported mode: {0}")]
    UnsupportedMode(String),
}

impl GuestError {
    /// The WIT case name in snake_case.
    pub fn case(&self) -> &'static str {
        match self {
            GuestError::InvalidHtml(_) => "invalid_html",
            GuestError::NetworkError(_) => "network_error",
            GuestError::ParseError(_) => "parse_error",
            GuestError::ResourceLimit(_) => "resource_limit",
            GuestError::ExtractorError(_) => "extractor_error",
            GuestError::InternalError(_) => "internal_error",
            GuestError::UnsupportedMode(_) => "unsupported_mode",
        }
    }
}

impl From<wit::ExtractionError> for GuestError {
    fn from(e: wit::ExtractionError) -> Self {
        match e {
            wit::ExtractionError::InvalidHtml(m) => GuestError::InvalidHtml(m),
            wit::ExtractionError::NetworkError(m) => GuestError::NetworkError(m),
            wit::ExtractionError::ParseError(m) => GuestError::ParseError(m),
            wit::ExtractionError::ResourceLimit(m) => GuestError::ResourceLimit(m),
            wit::ExtractionError::ExtractorError(m) => GuestError::ExtractorError(m),
            wit::ExtractionError::InternalError(m) => GuestError::InternalError(m),
            wit::ExtractionError::UnsupportedMode(m) => GuestError::UnsupportedMode(m),
        }
    }
}
