//! A hostile implementation of the `riptide:extractor@0.3.0` world, for fault-isolation tests
//! and the soak (`cargo xtask soak`). **Never ship it.**
//!
//! It is *one* component with many behaviours, selected per request by the host of the page
//! URL given to `extract` / `extract-with-stats` (so that one compiled component exercises
//! every fault, and the hostile requests of a soak can be mixed freely):
//!
//! | URL | behaviour | what the host should report |
//! |---|---|---|
//! | `http://loop/` | spins forever | `Timeout` |
//! | `http://alloc/` | allocates 1 MiB chunks until allocation fails | `MemoryLimit` |
//! | `http://recurse/` | unbounded recursion until the stack is exhausted | `Trap` |
//! | `http://unreachable/` | executes the `unreachable` instruction | `Trap` |
//! | `http://panic/` | panics with [`PANIC_MESSAGE`] | `Trap` carrying the message |
//! | `http://huge/?mb=N` | returns N MiB of text (default 100) | `OutputTooLarge` |
//! | `http://slow/?ms=N` | busy-works for N ms (default 1000), then answers normally | `Timeout` past the deadline, a result before it |
//! | `http://sleep/?ms=N` | sleeps N ms (default one hour) in the host's `wasi:io/poll` | `Timeout` at the deadline |
//! | `http://many-empty/?n=N` | returns N empty strings in `links` (default 2,000,000) | `OutputTooLarge`, stopped during the copy |
//! | `http://leak/` | returns the HTML of the *previous* `extract` call on this instance (kept in a static) | under per-request isolation: nothing |
//! | anything else | a small, valid, deterministic result | success |
//!
//! Every `extract` call, whatever its behaviour, stores its HTML in a static: that is the
//! state a careless (or malicious) guest could leak to the next request served by the same
//! instance.

use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

wit_bindgen::generate!({
    world: "extractor",
    path: "wit",
});

/// The world this component implements.
pub const WORLD: &str = "riptide:extractor@0.3.0";

/// What `http://panic/` panics with.
pub const PANIC_MESSAGE: &str = "riptide-hostile-guest panicked on purpose";

/// The default size of `http://huge/` in MiB.
pub const DEFAULT_HUGE_MIB: usize = 100;

/// The default busy time of `http://slow/` in milliseconds.
pub const DEFAULT_SLOW_MS: u64 = 1000;

/// The default sleep of `http://sleep/` in milliseconds: an hour.
pub const DEFAULT_SLEEP_MS: u64 = 3_600_000;

/// The default number of empty strings of `http://many-empty/`: as many as fit in a 64 MiB
/// guest (the soak's cap); the tests ask for five million in a larger guest.
pub const DEFAULT_MANY_EMPTY: usize = 2_000_000;

/// What a request asks the guest to do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Behaviour {
    /// Spin forever.
    Loop,
    /// Allocate until allocation fails.
    Alloc,
    /// Recurse until the stack is exhausted.
    Recurse,
    /// Execute `unreachable`.
    Unreachable,
    /// Panic with [`PANIC_MESSAGE`].
    Panic,
    /// Return this many MiB of text.
    Huge {
        /// Size of the text in MiB.
        mib: usize,
    },
    /// Busy-work for this many milliseconds, then answer normally.
    Slow {
        /// Busy time in milliseconds.
        ms: u64,
    },
    /// Sleep this many milliseconds (blocked in a host call), then answer normally.
    Sleep {
        /// Sleep time in milliseconds.
        ms: u64,
    },
    /// Return this many empty strings in `links`.
    ManyEmpty {
        /// How many.
        n: usize,
    },
    /// Return the HTML of the previous request.
    Leak,
    /// A small valid result.
    Normal,
}

/// The host of an `http(s)` URL, lower-cased (`""` when there is none).
fn host(url: &str) -> String {
    let rest = url
        .split_once("://")
        .map_or(url, |(_, rest)| rest)
        .split(['/', '?', '#'])
        .next()
        .unwrap_or("");
    let rest = rest.rsplit_once('@').map_or(rest, |(_, host)| host);
    rest.split(':').next().unwrap_or("").to_ascii_lowercase()
}

/// The value of query parameter `key`, parsed.
fn param<T: std::str::FromStr>(url: &str, key: &str) -> Option<T> {
    let query = url.split_once('?')?.1;
    let query = query.split('#').next().unwrap_or("");
    query
        .split('&')
        .filter_map(|pair| pair.split_once('='))
        .find(|(k, _)| *k == key)
        .and_then(|(_, v)| v.parse().ok())
}

impl Behaviour {
    /// The behaviour a page URL selects.
    ///
    /// ```
    /// use riptide_hostile_guest::Behaviour;
    /// assert_eq!(Behaviour::from_url("http://loop/"), Behaviour::Loop);
    /// assert_eq!(Behaviour::from_url("http://slow/?ms=250"), Behaviour::Slow { ms: 250 });
    /// assert_eq!(Behaviour::from_url("https://example.com/a"), Behaviour::Normal);
    /// ```
    pub fn from_url(url: &str) -> Behaviour {
        match host(url).as_str() {
            "loop" => Behaviour::Loop,
            "alloc" => Behaviour::Alloc,
            "recurse" => Behaviour::Recurse,
            "unreachable" => Behaviour::Unreachable,
            "panic" => Behaviour::Panic,
            "huge" => Behaviour::Huge {
                mib: param(url, "mb").unwrap_or(DEFAULT_HUGE_MIB),
            },
            "slow" => Behaviour::Slow {
                ms: param(url, "ms").unwrap_or(DEFAULT_SLOW_MS),
            },
            "sleep" => Behaviour::Sleep {
                ms: param(url, "ms").unwrap_or(DEFAULT_SLEEP_MS),
            },
            "many-empty" => Behaviour::ManyEmpty {
                n: param(url, "n").unwrap_or(DEFAULT_MANY_EMPTY),
            },
            "leak" => Behaviour::Leak,
            _ => Behaviour::Normal,
        }
    }
}

/// The HTML of the previous `extract` call served by this instance.
static LAST_HTML: Mutex<Option<String>> = Mutex::new(None);

/// Extractions served by this instance.
static EXTRACTIONS: AtomicU64 = AtomicU64::new(0);

fn spin_forever() -> ! {
    let mut i: u64 = 0;
    loop {
        i = std::hint::black_box(i.wrapping_add(1));
    }
}

fn allocate_forever() -> ! {
    let mut hoard: Vec<Vec<u8>> = Vec::new();
    loop {
        let mut chunk = vec![0u8; 1 << 20];
        // Touch every page so the memory is really used.
        for page in chunk.chunks_mut(4096) {
            page[0] = 1;
        }
        hoard.push(std::hint::black_box(chunk));
    }
}

#[inline(never)]
fn recurse(n: u64) -> u64 {
    let x = std::hint::black_box(n);
    if x == u64::MAX {
        return 0;
    }
    recurse(x + 1).wrapping_mul(31).wrapping_add(x)
}

fn trap_unreachable() -> ! {
    #[cfg(target_arch = "wasm32")]
    {
        core::arch::wasm32::unreachable()
    }
    #[cfg(not(target_arch = "wasm32"))]
    {
        std::process::abort()
    }
}

/// Busy-work (no sleeping: the CPU is used all along) for `ms` milliseconds.
fn busy(ms: u64) -> u64 {
    let started = Instant::now();
    let mut x: u64 = 1;
    while started.elapsed() < Duration::from_millis(ms) {
        for _ in 0..10_000 {
            x = std::hint::black_box(x.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1));
        }
    }
    x
}

fn content(url: &str, title: &str, text: String, description: Option<String>) -> ExtractedContent {
    let words = u32::try_from(text.split_whitespace().count()).unwrap_or(u32::MAX);
    ExtractedContent {
        url: url.to_string(),
        title: Some(title.to_string()),
        byline: None,
        authors: Vec::new(),
        published_iso: None,
        markdown: text.clone(),
        text,
        links: Vec::new(),
        media: Vec::new(),
        language: None,
        reading_time: Some(words.div_ceil(200)),
        quality_score: Some(0),
        word_count: Some(words),
        categories: Vec::new(),
        site_name: Some("riptide-hostile-guest".into()),
        description,
    }
}

fn run(html: String, url: &str) -> Result<ExtractedContent, ExtractionError> {
    // Whatever happens next, keep this request's HTML for the next one (the state leak).
    let previous = LAST_HTML
        .lock()
        .map_err(|_| ExtractionError::InternalError("poisoned".into()))?
        .replace(html.clone());
    EXTRACTIONS.fetch_add(1, Ordering::Relaxed);
    match Behaviour::from_url(url) {
        Behaviour::Loop => spin_forever(),
        Behaviour::Alloc => allocate_forever(),
        Behaviour::Recurse => {
            let r = recurse(0);
            Ok(content(url, "recurse", r.to_string(), None))
        }
        Behaviour::Unreachable => trap_unreachable(),
        Behaviour::Panic => panic!("{PANIC_MESSAGE}"),
        Behaviour::Huge { mib } => {
            // The text only (markdown stays empty), so the result is `mib` MiB and no more.
            let mut doc = content(url, "huge", String::new(), None);
            doc.text = "x".repeat(mib << 20);
            Ok(doc)
        }
        Behaviour::Slow { ms } => {
            let x = busy(ms);
            Ok(content(
                url,
                "slow",
                format!("busy for {ms} ms"),
                Some(format!("{}", x & 1)),
            ))
        }
        Behaviour::Sleep { ms } => {
            std::thread::sleep(Duration::from_millis(ms));
            Ok(content(url, "sleep", format!("slept {ms} ms"), None))
        }
        Behaviour::ManyEmpty { n } => {
            let mut doc = content(url, "many-empty", String::new(), None);
            doc.links = vec![String::new(); n];
            Ok(doc)
        }
        Behaviour::Leak => {
            let description = if previous.is_some() {
                "the html of the previous request on this instance"
            } else {
                "no previous request on this instance"
            };
            Ok(content(
                url,
                "leak",
                previous.unwrap_or_default(),
                Some(description.into()),
            ))
        }
        Behaviour::Normal => Ok(content(
            url,
            "hostile guest",
            format!("{} bytes of html", html.len()),
            None,
        )),
    }
}

const MODES: [&str; 4] = ["article", "full", "metadata", "custom"];

struct Component;

impl Guest for Component {
    fn extract(
        html: String,
        url: String,
        _mode: ExtractionMode,
    ) -> Result<ExtractedContent, ExtractionError> {
        run(html, &url)
    }

    fn extract_with_stats(
        html: String,
        url: String,
        _mode: ExtractionMode,
    ) -> Result<(ExtractedContent, ExtractionStats), ExtractionError> {
        let started = Instant::now();
        let doc = run(html, &url)?;
        let stats = ExtractionStats {
            processing_time_ms: u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX),
            memory_used: 0,
            nodes_processed: None,
            links_found: 0,
            images_found: 0,
        };
        Ok((doc, stats))
    }

    fn validate_html(html: String) -> Result<bool, ExtractionError> {
        Ok(!html.trim().is_empty())
    }

    fn health_check() -> HealthStatus {
        HealthStatus {
            status: "healthy".into(),
            version: env!("CARGO_PKG_VERSION").into(),
            extractor_version: "riptide-hostile-guest (no extraction engine)".into(),
            capabilities: vec!["hostile".into()],
            memory_usage: None,
            extraction_count: Some(EXTRACTIONS.load(Ordering::Relaxed)),
        }
    }

    fn get_info() -> ComponentInfo {
        ComponentInfo {
            name: env!("CARGO_PKG_NAME").into(),
            version: env!("CARGO_PKG_VERSION").into(),
            component_model_version: WORLD.into(),
            features: vec!["hostile".into()],
            supported_modes: Self::get_modes(),
            build_timestamp: None,
            git_commit: option_env!("RIPTIDE_GIT_COMMIT").map(str::to_string),
        }
    }

    fn reset_state() -> Result<String, ExtractionError> {
        let previous = EXTRACTIONS.swap(0, Ordering::Relaxed);
        // Deliberately *not* clearing LAST_HTML: resetting counters is all the world promises.
        Ok(format!("extraction counter reset (was {previous})"))
    }

    fn get_modes() -> Vec<String> {
        MODES.iter().map(|s| (*s).to_string()).collect()
    }
}

export!(Component);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_select_behaviours() {
        let cases = [
            ("http://loop/", Behaviour::Loop),
            ("https://ALLOC/x?y=1", Behaviour::Alloc),
            ("http://recurse", Behaviour::Recurse),
            ("http://unreachable:8080/", Behaviour::Unreachable),
            ("http://user@panic/", Behaviour::Panic),
            ("http://huge/", Behaviour::Huge { mib: 100 }),
            ("http://huge/?mb=3", Behaviour::Huge { mib: 3 }),
            ("http://slow/?a=b&ms=250#f", Behaviour::Slow { ms: 250 }),
            ("http://slow/?ms=oops", Behaviour::Slow { ms: 1000 }),
            ("http://leak/", Behaviour::Leak),
            ("http://sleep/", Behaviour::Sleep { ms: 3_600_000 }),
            ("http://sleep/?ms=5", Behaviour::Sleep { ms: 5 }),
            ("http://many-empty/", Behaviour::ManyEmpty { n: 2_000_000 }),
            ("http://many-empty/?n=7", Behaviour::ManyEmpty { n: 7 }),
            ("http://fakehost/test/page.html", Behaviour::Normal),
            ("not a url", Behaviour::Normal),
        ];
        for (url, expected) in cases {
            assert_eq!(Behaviour::from_url(url), expected, "{url}");
        }
    }

    #[test]
    fn normal_and_leak_results_are_deterministic() {
        let doc = run("<p>one</p>".into(), "http://a.example/").unwrap();
        assert_eq!(doc.text, "10 bytes of html");
        let leaked = run("<p>two</p>".into(), "http://leak/").unwrap();
        assert_eq!(leaked.text, "<p>one</p>");
    }
}
