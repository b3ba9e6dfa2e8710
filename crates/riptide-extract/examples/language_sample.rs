//! How much of the main text language detection needs: detect the language of every corpus
//! page's article text whole and from its first N bytes, and print, per N, how often the
//! answer agrees with the whole text's and what detection costs.
//!
//! ```text
//! cargo run --release -p riptide-extract --example language_sample -- [CORPUS_DIR] [--limit N]
//! ```
//!
//! Detection follows the library's rules (`src/lang.rs`): `whatlang` on the sample, no answer
//! under five words or when whatlang says its guess is unreliable. A sample is cut at the
//! last character boundary at or before N bytes; the library uses
//! [`riptide_extract::LANGUAGE_SAMPLE_BYTES`]. "changed" counts the pages whose answer differs
//! from the whole text's, "other language" those where both answers name a language and the
//! languages differ (the rest are a language against no reliable answer). Times are the fastest of three runs per page
//! and sample. The pages are the corpus pages as `engine_eval` loads them; their text is what
//! `extract` returns in article mode.

#[path = "common/corpus.rs"]
#[allow(dead_code, reason = "the reference answers are not used here")]
mod corpus;

use std::error::Error;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use riptide_extract::{LANGUAGE_SAMPLE_BYTES, Mode, extract, word_count};

/// The sample sizes tried, in bytes; `usize::MAX` is the whole text.
const SIZES: [usize; 9] = [512, 1024, 1536, 2048, 3072, 4096, 8192, 16384, usize::MAX];

/// How many of the longest texts the "largest pages" column covers.
const LARGEST: usize = 20;

/// The detected language (ISO 639-3) by the library's rules.
fn detect(sample: &str) -> Option<&'static str> {
    if word_count(sample) < 5 {
        return None;
    }
    let info = whatlang::detect(sample)?;
    info.is_reliable().then(|| info.lang().code())
}

/// The answer for `text` cut at `max` bytes, and the fastest of three detections.
fn timed(text: &str, max: usize) -> (Option<&'static str>, Duration) {
    let mut best = Duration::MAX;
    let mut answer = None;
    for _ in 0..3 {
        let started = Instant::now();
        answer = detect(&text[..text.floor_char_boundary(max)]);
        best = best.min(started.elapsed());
    }
    (answer, best)
}

fn main() -> Result<(), Box<dyn Error>> {
    let mut args = std::env::args().skip(1);
    let mut dir = PathBuf::from("../shared/corpus");
    let mut limit = usize::MAX;
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--limit" => limit = args.next().and_then(|n| n.parse().ok()).unwrap_or(limit),
            _ => dir = PathBuf::from(arg),
        }
    }
    let pages = corpus::load(&dir, limit)?;
    let texts: Vec<String> = pages
        .iter()
        .map(|p| {
            extract(&p.html, &p.url, &Mode::Article)
                .map(|d| d.text)
                .unwrap_or_default()
        })
        .collect();
    let mut by_length: Vec<usize> = (0..texts.len()).collect();
    by_length.sort_by_key(|&k| std::cmp::Reverse(texts[k].len()));
    let largest = &by_length[..LARGEST.min(by_length.len())];
    println!(
        "{} pages, {} with text; article text: median {} bytes, largest {} bytes; the {} largest \
         from {} bytes",
        texts.len(),
        texts.iter().filter(|t| !t.is_empty()).count(),
        by_length
            .get(by_length.len() / 2)
            .map_or(0, |&k| texts[k].len()),
        largest.first().map_or(0, |&k| texts[k].len()),
        largest.len(),
        largest.last().map_or(0, |&k| texts[k].len()),
    );

    let runs: Vec<Vec<(Option<&str>, Duration)>> = SIZES
        .iter()
        .map(|&max| texts.iter().map(|t| timed(t, max)).collect())
        .collect();
    let whole = &runs[SIZES.len() - 1];
    println!(
        "{:>16} {:>9} {:>8} {:>15} {:>10} {:>16}",
        "sample", "agrees", "changed", "other language", "total ms", "largest µs/page"
    );
    for (max, run) in SIZES.iter().zip(&runs) {
        let agree = run.iter().zip(whole).filter(|(a, b)| a.0 == b.0).count();
        let other = run
            .iter()
            .zip(whole)
            .filter(|(a, b)| a.0.is_some() && b.0.is_some() && a.0 != b.0)
            .count();
        let total: Duration = run.iter().map(|r| r.1).sum();
        let big: Duration = largest.iter().map(|&k| run[k].1).sum();
        let name = match *max {
            usize::MAX => "whole".to_string(),
            LANGUAGE_SAMPLE_BYTES => format!("{max} B (lib)"),
            _ => format!("{max} B"),
        };
        println!(
            "{name:>16} {:>8.2}% {:>8} {other:>15} {:>10.1} {:>16.1}",
            100.0 * agree as f64 / run.len().max(1) as f64,
            run.len() - agree,
            total.as_secs_f64() * 1e3,
            big.as_secs_f64() * 1e6 / largest.len().max(1) as f64,
        );
    }
    Ok(())
}
