//! Time the extraction of pathological inputs natively, per mode and size:
//! `cargo run --release -p riptide-extract --example pathological`.

use std::time::Instant;

use riptide_extract::{Mode, extract};

fn nested(depth: usize) -> String {
    let mut html = String::from("<html><head><title>Deep</title></head><body>");
    html.push_str(&"<div>".repeat(depth));
    html.push_str("<p>The innermost paragraph of a very deep document.</p>");
    html.push_str(&"</div>".repeat(depth));
    html.push_str("</body></html>");
    html
}

fn big(bytes: usize) -> String {
    let paragraph = "<p>Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod \
                     tempor incididunt ut labore et dolore magna aliqua.</p>\n";
    let mut html = String::from("<html><head><title>Huge</title></head><body><article>");
    while html.len() + paragraph.len() < bytes {
        html.push_str(paragraph);
    }
    html.push_str("</article></body></html>");
    html
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
