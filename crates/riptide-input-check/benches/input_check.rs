//! Cost of validating a request, and throughput of the HTML scans.
//!
//! `cargo bench -p riptide-input-check -- --warm-up-time 1 --measurement-time 3`

#![allow(
    missing_docs,
    reason = "criterion_group! generates an undocumented function"
)]

use std::hint::black_box;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use riptide_input_check::{InputValidator, Limits, Mode};

/// About `bytes` of ordinary article HTML.
fn page(bytes: usize) -> String {
    let mut html = String::from(
        "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
         <title>A page</title></head>\n<body><main><article>\n",
    );
    let paragraph = "<p class=\"body\">Riptide extracts the readable content of a page in a \
                     sandbox; this paragraph stands for the <a href=\"/x\">text</a> of an \
                     ordinary article, with some <em>inline</em> markup.</p>\n";
    while html.len() + paragraph.len() < bytes {
        html.push_str(paragraph);
    }
    html.push_str("</article></main></body></html>\n");
    html
}

fn requests(c: &mut Criterion) {
    let validator = InputValidator::default();
    let html = page(100 * 1024);
    let url = "https://www.example.com/news/2024/05/some-article-title?utm_source=feed";
    let selectors = vec![
        "article p".to_string(),
        "h1.title, header h1".to_string(),
        "div#content > .byline a[href]".to_string(),
    ];

    let mut group = c.benchmark_group("request_100KB");
    group.throughput(Throughput::Bytes(html.len() as u64));
    group.bench_function("article", |b| {
        b.iter(|| validator.check_request(black_box(&html), black_box(url), Mode::Article))
    });
    group.bench_function("custom_3_selectors", |b| {
        b.iter(|| {
            validator.check_request(black_box(&html), black_box(url), Mode::Custom(&selectors))
        })
    });
    group.finish();

    // The request checks without the HTML scans: what a request costs besides them.
    let mut group = c.benchmark_group("request_without_scans");
    group.bench_function("url", |b| b.iter(|| validator.check_url(black_box(url))));
    group.bench_function("mode_article", |b| {
        b.iter(|| validator.check_mode(black_box(Mode::Article)))
    });
    group.bench_function("mode_custom_3_selectors", |b| {
        b.iter(|| validator.check_mode(black_box(Mode::Custom(&selectors))))
    });
    group.bench_function("html_tiny", |b| {
        b.iter(|| validator.check_html(black_box("<p>Hello</p>")))
    });
    group.finish();
}

fn scans(c: &mut Criterion) {
    let validator = InputValidator::default();
    let html = page(10 * 1024 * 1024 - 1024);
    let mut group = c.benchmark_group("scan_10MB");
    group.throughput(Throughput::Bytes(html.len() as u64));
    group.sample_size(20);
    group.bench_function("check_html", |b| {
        b.iter(|| validator.check_html(black_box(&html)))
    });
    group.finish();

    // 64 MB does not fit in the caches (32 MiB of L3 on the reference machine): the scan
    // then runs at the speed memory delivers the bytes.
    let html = page(64 * 1024 * 1024);
    let validator = InputValidator::new(Limits {
        max_html_bytes: usize::MAX,
        ..Limits::default()
    });
    let mut group = c.benchmark_group("scan_64MB_uncached");
    group.throughput(Throughput::Bytes(html.len() as u64));
    group.sample_size(10);
    group.bench_function("check_html", |b| {
        b.iter(|| validator.check_html(black_box(&html)))
    });
    group.finish();
}

criterion_group!(benches, requests, scans);
criterion_main!(benches);
