//! Which stages each mode and engine charges time to (which stages run, not how long they
//! take: timings are not asserted on a shared machine).

use std::time::{Duration, Instant};

use riptide_extract::{Engine, Mode, StageTimes, extract_with_engine_stats};

const URL: &str = "https://example.com/tides";
const PAGE: &str = "<html><head><title>Tides</title></head><body><nav><a href=/>Home</a></nav>\
    <article><h1>Tides</h1><p>The tide rises twice a day, pulled by the Moon and, to a lesser \
    degree, by the Sun, and coastal towns plan their harbours around it.</p></article></body>\
    </html>";

/// The stages of one extraction, checked against the wall time around the call.
fn stages(mode: &Mode, engine: Engine) -> StageTimes {
    let started = Instant::now();
    let (_, stats) = extract_with_engine_stats(PAGE, URL, mode, engine).expect("an extraction");
    let wall = started.elapsed();
    assert!(
        stats.stages.total() <= wall,
        "{:?} > {wall:?}",
        stats.stages
    );
    stats.stages
}

#[test]
fn article_mode_runs_every_stage() {
    let s = stages(&Mode::Article, Engine::Native);
    for (name, spent) in [
        ("parse", s.parse),
        ("score", s.score),
        ("emit", s.emit),
        ("metadata", s.metadata),
        ("language", s.language),
    ] {
        assert!(spent > Duration::ZERO, "{name}: {s:?}");
    }
}

#[test]
fn full_and_custom_modes_do_not_score() {
    for mode in [Mode::Full, Mode::Custom(vec!["article p".into()])] {
        let s = stages(&mode, Engine::Native);
        assert_eq!(s.score, Duration::ZERO, "{mode:?}");
        assert!(s.emit > Duration::ZERO, "{mode:?}: {s:?}");
    }
}

#[test]
fn metadata_mode_neither_scores_nor_emits() {
    let s = stages(&Mode::Metadata, Engine::Native);
    assert_eq!((s.score, s.emit), (Duration::ZERO, Duration::ZERO));
    assert!(
        s.parse > Duration::ZERO && s.metadata > Duration::ZERO,
        "{s:?}"
    );
}

#[cfg(feature = "trafilatura")]
#[test]
fn the_trafilatura_call_counts_as_scoring() {
    let s = stages(&Mode::Article, Engine::Trafilatura);
    assert!(s.score > Duration::ZERO, "{s:?}");
}
