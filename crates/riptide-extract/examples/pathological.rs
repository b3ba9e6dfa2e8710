//! Time the extraction of pathological inputs natively, per mode and size:
//! `cargo run --release -p riptide-extract --example pathological`.

#[path = "common/pathological.rs"]
#[allow(dead_code, reason = "only the generators are used here")]
mod pages;

use std::time::Instant;

use pages::{PARAGRAPH, flat, nested};
use riptide_extract::{Mode, extract};

/// A flat page of about `bytes` bytes.
fn big(bytes: usize) -> String {
    flat(bytes / PARAGRAPH.len())
}

fn main() {
    let modes = [Mode::Article, Mode::Full, Mode::Metadata];
    for (name, html) in [
        ("nested 1k", nested(1_000)),
        ("nested 5k", nested(5_000)),
        ("nested 3k", nested(3_000)),
        ("nested 100k", nested(100_000)),
        ("big 1 MB", big(1 << 20)),
        ("big 3 MB", big(3 << 20)),
        ("big 10 MB", big(10 << 20)),
    ] {
        for mode in &modes {
            let started = Instant::now();
            let result = extract(&html, "https://example.com/", mode);
            println!(
                "{name:<12} {mode:?}: {:>8.1} ms {}",
                started.elapsed().as_secs_f64() * 1e3,
                match result {
                    Ok(doc) => format!("ok, {} words", doc.word_count.unwrap_or(0)),
                    Err(e) => format!("error: {e}"),
                }
            );
        }
    }
}
