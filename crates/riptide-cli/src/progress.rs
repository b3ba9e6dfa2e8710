//! Progress of `riptide batch` on stderr: pages done, pages/s, errors and, when the total is
//! known, a bar and the time left. Shown only when stderr is a terminal; otherwise nothing
//! (the summary line at the end is printed either way).

use std::io::IsTerminal;
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

/// What the total of a run is counted in.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Total {
    /// Unknown (JSON lines on stdin).
    Unknown,
    /// Pages (the files of a folder).
    Pages(u64),
    /// Bytes of the input files (WARC files; read as the run goes).
    Bytes(u64),
}

/// The progress display (a no-op when stderr is not a terminal).
pub(crate) struct Progress {
    bar: Option<ProgressBar>,
    total: Total,
    started: Instant,
}

impl Progress {
    pub(crate) fn new(total: Total) -> Self {
        let bar = std::io::stderr().is_terminal().then(|| {
            let (bar, template) = match total {
                Total::Unknown => (
                    ProgressBar::new_spinner(),
                    "{spinner} {elapsed_precise} {msg}",
                ),
                Total::Pages(n) | Total::Bytes(n) => (
                    ProgressBar::new(n),
                    "{bar:30} {percent:>3}% {elapsed_precise} {msg}, ETA {eta}",
                ),
            };
            bar.set_draw_target(ProgressDrawTarget::stderr_with_hz(4));
            if let Ok(style) = ProgressStyle::with_template(template) {
                bar.set_style(style);
            }
            bar.enable_steady_tick(Duration::from_millis(250));
            bar
        });
        Progress {
            bar,
            total,
            started: Instant::now(),
        }
    }

    /// After each result: `pages` done, `errors` among them, and the position in the total
    /// (pages handled, skipped ones included, or bytes of input read).
    pub(crate) fn update(&self, pages: u64, errors: u64, position: u64) {
        let Some(bar) = &self.bar else { return };
        let elapsed = self.started.elapsed().as_secs_f64();
        #[allow(clippy::cast_precision_loss)]
        let rate = if elapsed > 0.0 {
            pages as f64 / elapsed
        } else {
            0.0
        };
        if !matches!(self.total, Total::Unknown) {
            bar.set_position(position);
        }
        bar.set_message(format!("{pages} pages, {rate:.1} pages/s, {errors} errors"));
    }

    /// Clear the display (before the summary line).
    pub(crate) fn finish(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}
