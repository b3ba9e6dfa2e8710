//! Where the time of one extraction goes: parse, score, emit, metadata, language.

use std::time::{Duration, Instant};

/// The time one extraction spent in each stage; part of [`crate::Stats`].
///
/// A stage a mode does not run stays at zero: metadata mode neither scores nor emits, full
/// and custom modes do not score. What the stages leave out (checking the URL and the mode,
/// copying the result) is a few microseconds. The clock is read at stage boundaries only, so
/// work the allocator defers can land in a later stage: after a stage frees many blocks, the
/// system allocator may sort them on the next stage's first allocation (on a page of 100,000
/// links, language detection shows a few milliseconds, a tenth of a millisecond of it
/// whatlang's own).
///
/// ```
/// use std::time::{Duration, Instant};
/// use riptide_extract::{Mode, extract_with_stats};
///
/// let html = "<html lang=en><title>Tides</title><article><p>The tide rises twice a day, \
///             pulled by the Moon and the Sun.</p></article></html>";
/// let started = Instant::now();
/// let (_, stats) = extract_with_stats(html, "https://example.com/", &Mode::Metadata).unwrap();
/// let stages = stats.stages;
/// assert!(stages.total() <= started.elapsed());
/// assert_eq!((stages.score, stages.emit), (Duration::ZERO, Duration::ZERO));
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct StageTimes {
    /// Checking the input, parsing the HTML and building the engine's arena (which gathers
    /// the metadata facts on the way); with [`crate::Engine::Native`], also parsing the
    /// content a page ships as script data, when the engine looks there.
    pub parse: Duration,
    /// Scoring the arena and selecting the main content (article mode); with
    /// [`crate::Engine::Trafilatura`], the whole rs-trafilatura call (it parses, scores and
    /// writes in one).
    pub score: Duration,
    /// Writing text and markdown, links and media from the selection (full and custom modes:
    /// from the document), and counting words.
    pub emit: Duration,
    /// Reading the metadata from the arena and filling the result's metadata fields.
    pub metadata: Duration,
    /// Detecting the language, when the page declares none (see
    /// [`crate::LANGUAGE_SAMPLE_BYTES`]).
    pub language: Duration,
}

impl StageTimes {
    /// The sum of the stages.
    ///
    /// ```
    /// use std::time::Duration;
    /// let stages = riptide_extract::StageTimes {
    ///     parse: Duration::from_millis(2),
    ///     emit: Duration::from_millis(1),
    ///     ..Default::default()
    /// };
    /// assert_eq!(stages.total(), Duration::from_millis(3));
    /// ```
    pub fn total(&self) -> Duration {
        self.parse + self.score + self.emit + self.metadata + self.language
    }
}

/// A stage of [`StageTimes`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Stage {
    Parse,
    Score,
    Emit,
    Metadata,
    Language,
}

/// A stopwatch that charges the time since its last lap to a stage: one clock reading per
/// stage boundary.
#[derive(Debug)]
pub(crate) struct Laps {
    last: Instant,
    pub(crate) times: StageTimes,
}

impl Laps {
    /// Start timing now.
    pub(crate) fn start() -> Laps {
        Laps {
            last: Instant::now(),
            times: StageTimes::default(),
        }
    }

    /// Charge the time since the last lap (or the start) to `stage`.
    pub(crate) fn lap(&mut self, stage: Stage) {
        let now = Instant::now();
        let spent = now.saturating_duration_since(self.last);
        self.last = now;
        let slot = match stage {
            Stage::Parse => &mut self.times.parse,
            Stage::Score => &mut self.times.score,
            Stage::Emit => &mut self.times.emit,
            Stage::Metadata => &mut self.times.metadata,
            Stage::Language => &mut self.times.language,
        };
        *slot += spent;
    }
}
