//! The Riptide extractor as a WebAssembly component.
//!
//! A thin adapter: each export of the `riptide:extractor@0.3.0` world converts its arguments,
//! calls [`riptide_extract`] and converts the result back. Build it for `wasm32-wasip2`
//! (`cargo xtask build-guest`); the host side lives in `riptide-pool`.

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Instant;

use riptide_extract as lib;

mod preinit;

wit_bindgen::generate!({
    world: "extractor-preinit",
    path: "wit",
});

#[global_allocator]
static ALLOCATOR: preinit::PreinitAlloc = preinit::PreinitAlloc;

/// The world this component implements.
pub const WORLD: &str = "riptide:extractor@0.3.0";

/// Extractions served by this instance since it started or was reset.
static EXTRACTIONS: AtomicU64 = AtomicU64::new(0);

/// Size of the guest's linear memory in bytes (0 when not running as WebAssembly).
fn memory_bytes() -> u64 {
    #[cfg(target_arch = "wasm32")]
    {
        (core::arch::wasm32::memory_size(0) as u64) * 65_536
    }
    #[cfg(not(target_arch = "wasm32"))]
    {
        0
    }
}

fn to_lib_mode(mode: ExtractionMode) -> lib::Mode {
    match mode {
        ExtractionMode::Article => lib::Mode::Article,
        ExtractionMode::Full => lib::Mode::Full,
        ExtractionMode::Metadata => lib::Mode::Metadata,
        ExtractionMode::Custom(selectors) => lib::Mode::Custom(selectors),
    }
}

fn to_wit_error(error: lib::ExtractError) -> ExtractionError {
    match error {
        lib::ExtractError::InvalidHtml(m) => ExtractionError::InvalidHtml(m),
        lib::ExtractError::Parse(m) => ExtractionError::ParseError(m),
        lib::ExtractError::ResourceLimit(m) => ExtractionError::ResourceLimit(m),
        lib::ExtractError::Extractor(m) => ExtractionError::ExtractorError(m),
        lib::ExtractError::UnsupportedMode(m) => ExtractionError::UnsupportedMode(m),
    }
}

fn to_wit_content(doc: lib::Extracted) -> ExtractedContent {
    ExtractedContent {
        url: doc.url,
        title: doc.title,
        byline: doc.byline,
        authors: doc.authors,
        published_iso: doc.published_iso,
        markdown: doc.markdown,
        text: doc.text,
        links: doc.links,
        media: doc.media,
        language: doc.language,
        reading_time: doc.reading_time,
        quality_score: doc.quality_score,
        word_count: doc.word_count,
        categories: doc.categories,
        site_name: doc.site_name,
        description: doc.description,
    }
}

fn run(
    html: &str,
    url: &str,
    mode: ExtractionMode,
) -> Result<(ExtractedContent, ExtractionStats), ExtractionError> {
    let started = Instant::now();
    let (doc, stats) =
        lib::extract_with_stats(html, url, &to_lib_mode(mode)).map_err(to_wit_error)?;
    EXTRACTIONS.fetch_add(1, Ordering::Relaxed);
    let stats = ExtractionStats {
        processing_time_ms: u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX),
        memory_used: memory_bytes(),
        nodes_processed: Some(stats.nodes_processed),
        links_found: stats.links_found,
        images_found: stats.images_found,
    };
    Ok((to_wit_content(doc), stats))
}

const FEATURES: [&str; 6] = [
    "article",
    "markdown",
    "metadata",
    "css-selectors",
    "language-detection",
    "media",
];

struct Component;

impl Guest for Component {
    fn extract(
        html: String,
        url: String,
        mode: ExtractionMode,
    ) -> Result<ExtractedContent, ExtractionError> {
        run(&html, &url, mode).map(|(doc, _)| doc)
    }

    fn extract_with_stats(
        html: String,
        url: String,
        mode: ExtractionMode,
    ) -> Result<(ExtractedContent, ExtractionStats), ExtractionError> {
        run(&html, &url, mode)
    }

    fn validate_html(html: String) -> Result<bool, ExtractionError> {
        lib::validate_html(&html).map_err(to_wit_error)
    }

    fn health_check() -> HealthStatus {
        HealthStatus {
            status: "healthy".into(),
            version: env!("CARGO_PKG_VERSION").into(),
            extractor_version: format!("riptide-extract {} ({})", lib::VERSION, lib::ENGINE),
            capabilities: FEATURES.iter().map(|s| (*s).to_string()).collect(),
            memory_usage: Some(memory_bytes()),
            extraction_count: Some(EXTRACTIONS.load(Ordering::Relaxed)),
        }
    }

    fn get_info() -> ComponentInfo {
        ComponentInfo {
            name: env!("CARGO_PKG_NAME").into(),
            version: env!("CARGO_PKG_VERSION").into(),
            component_model_version: WORLD.into(),
            features: FEATURES.iter().map(|s| (*s).to_string()).collect(),
            supported_modes: Self::get_modes(),
            build_timestamp: option_env!("RIPTIDE_BUILD_TIMESTAMP").map(str::to_string),
            git_commit: option_env!("RIPTIDE_GIT_COMMIT").map(str::to_string),
        }
    }

    fn reset_state() -> Result<String, ExtractionError> {
        let previous = EXTRACTIONS.swap(0, Ordering::Relaxed);
        Ok(format!("extraction counter reset (was {previous})"))
    }

    fn get_modes() -> Vec<String> {
        lib::MODES.iter().map(|s| (*s).to_string()).collect()
    }

    fn riptide_preinit() {
        preinit::run();
        // The warm-up pages are not requests: a fresh instance has served none.
        EXTRACTIONS.store(0, Ordering::Relaxed);
    }
}

export!(Component);
