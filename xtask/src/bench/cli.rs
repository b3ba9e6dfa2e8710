//! The `riptide` binary as a user runs it: `riptide batch --jobs 1` over real article pages,
//! whole process, against `riptide_extract` natively in this (release) process on the same
//! pages; the same batch read from a WARC file (`--warc`) against JSON lines; and `riptide
//! extract` of one article of about 115 KB, wall time with a warm artifact cache.

use std::io::Write as _;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};

use super::util::median;
use crate::eval::corpus::{self, Corpus, Page};

/// What was measured.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub(super) struct CliFigures {
    /// Pages in the batch.
    pub pages: usize,
    /// `riptide batch --jobs 1`, whole process (median of the timed runs), pages per second.
    pub batch_pages_per_s: f64,
    /// `riptide_extract::extract` (article mode) on the same pages in one thread, pages per
    /// second (median of the timed runs).
    pub native_pages_per_s: f64,
    /// batch ÷ native.
    pub batch_over_native: f64,
    /// `riptide batch --jobs 1 --warc FILE` on the same pages as WARC `response` records,
    /// whole process (median of the timed runs), pages per second.
    #[serde(default)]
    pub warc_pages_per_s: f64,
    /// WARC ÷ JSON lines pages/s.
    #[serde(default)]
    pub warc_over_jsonl: f64,
    /// `riptide extract FILE` of the page nearest 115 KB, wall time, median.
    pub extract_wall_ms: f64,
    /// The size of that page in bytes.
    pub extract_page_bytes: usize,
    /// Timed runs of each measure.
    pub runs: usize,
}

/// The first `n` WCXB dev pages whose page type is `article`, by id (the eval's loader).
fn article_pages(corpus: &Path, n: usize) -> Result<Vec<Page>, String> {
    let mut pages = Vec::new();
    for page in corpus::list(corpus, Corpus::Wcxb)? {
        if pages.len() >= n {
            break;
        }
        let page = page.load()?;
        if page.page_type == "article" {
            pages.push(page);
        }
    }
    if pages.is_empty() {
        return Err(format!("no WCXB article pages in {}", corpus.display()));
    }
    Ok(pages)
}

/// The pages as a WARC file of `response` records (HTTP 200, `text/html; charset=utf-8`),
/// written as the WARC 1.1 standard lays records out.
fn write_warc(path: &Path, pages: &[Page]) -> Result<(), String> {
    let mut out = std::io::BufWriter::new(
        std::fs::File::create(path).map_err(|e| format!("{}: {e}", path.display()))?,
    );
    for (i, page) in pages.iter().enumerate() {
        let http = format!(
            "HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: {}\r\n\r\n{}",
            page.html.len(),
            page.html
        );
        write!(
            out,
            "WARC/1.1\r\nWARC-Type: response\r\nWARC-Record-ID: <urn:uuid:00000000-0000-4000-8000-{i:012}>\r\n\
             WARC-Date: 2024-01-01T00:00:00Z\r\nWARC-Target-URI: {}\r\n\
             Content-Type: application/http; msgtype=response\r\nContent-Length: {}\r\n\r\n{http}\r\n\r\n",
            page.url,
            http.len()
        )
        .map_err(|e| format!("{}: {e}", path.display()))?;
    }
    out.flush().map_err(|e| format!("{}: {e}", path.display()))
}

fn run(cmd: &mut Command, stdin: Option<&Path>) -> Result<Duration, String> {
    if let Some(path) = stdin {
        let file = std::fs::File::open(path).map_err(|e| format!("{}: {e}", path.display()))?;
        cmd.stdin(file);
    }
    let started = Instant::now();
    let out = cmd
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .output()
        .map_err(|e| format!("could not run {cmd:?}: {e}"))?;
    let elapsed = started.elapsed();
    if !out.status.success() {
        return Err(format!(
            "{cmd:?} failed ({}): {}",
            out.status,
            String::from_utf8_lossy(&out.stderr).trim()
        ));
    }
    Ok(elapsed)
}

/// Measure the binary `cli` on `pages` WCXB article pages (`runs` timed runs each, after one
/// untimed run that fills the artifact cache in `cache_home`).
///
/// # Errors
/// When the pages cannot be read or the binary fails.
pub(super) fn measure(
    cli: &Path,
    corpus: &Path,
    work_dir: &Path,
    cache_home: &Path,
    pages: usize,
    runs: usize,
) -> Result<CliFigures, String> {
    let pages = article_pages(corpus, pages)?;
    std::fs::create_dir_all(work_dir).map_err(|e| format!("{}: {e}", work_dir.display()))?;
    let batch_file = work_dir.join("cli-batch.jsonl");
    {
        let mut out = std::io::BufWriter::new(
            std::fs::File::create(&batch_file)
                .map_err(|e| format!("{}: {e}", batch_file.display()))?,
        );
        for (i, page) in pages.iter().enumerate() {
            let line = serde_json::json!({ "id": i, "url": page.url, "html": page.html });
            writeln!(out, "{line}").map_err(|e| e.to_string())?;
        }
        out.flush().map_err(|e| e.to_string())?;
    }
    let warc_file = work_dir.join("cli-batch.warc");
    write_warc(&warc_file, &pages)?;
    let batch = || {
        let mut cmd = Command::new(cli);
        cmd.args(["batch", "--jobs", "1"])
            .env("XDG_CACHE_HOME", cache_home);
        run(&mut cmd, Some(&batch_file))
    };
    let warc = || {
        let mut cmd = Command::new(cli);
        cmd.args(["batch", "--jobs", "1", "--warc"])
            .arg(&warc_file)
            .env("XDG_CACHE_HOME", cache_home);
        run(&mut cmd, None)
    };
    let native = || {
        let started = Instant::now();
        for page in &pages {
            let _ = std::hint::black_box(riptide_extract::extract(
                &page.html,
                &page.url,
                &riptide_extract::Mode::Article,
            ));
        }
        started.elapsed()
    };
    // One untimed run of each: the artifact cache and the page cache are warm afterwards.
    batch()?;
    warc()?;
    native();
    let mut batch_s = Vec::new();
    let mut warc_s = Vec::new();
    let mut native_s = Vec::new();
    for _ in 0..runs {
        batch_s.push(batch()?.as_secs_f64());
        warc_s.push(warc()?.as_secs_f64());
        native_s.push(native().as_secs_f64());
    }
    let n = pages.len() as f64;
    let batch_pages_per_s = n / median(&batch_s);
    let warc_pages_per_s = n / median(&warc_s);
    let native_pages_per_s = n / median(&native_s);

    let target = 115 * 1024;
    let single = pages
        .iter()
        .min_by_key(|p| p.html.len().abs_diff(target))
        .ok_or("no page")?;
    let page_file = work_dir.join("cli-extract.html");
    std::fs::write(&page_file, &single.html)
        .map_err(|e| format!("{}: {e}", page_file.display()))?;
    let extract = || {
        let mut cmd = Command::new(cli);
        cmd.arg("extract")
            .arg(&page_file)
            .args(["--url", &single.url])
            .env("XDG_CACHE_HOME", cache_home);
        run(&mut cmd, None)
    };
    extract()?;
    let mut extract_ms = Vec::new();
    for _ in 0..runs.max(5) {
        extract_ms.push(extract()?.as_secs_f64() * 1e3);
    }
    Ok(CliFigures {
        pages: pages.len(),
        batch_pages_per_s,
        native_pages_per_s,
        batch_over_native: batch_pages_per_s / native_pages_per_s,
        warc_pages_per_s,
        warc_over_jsonl: warc_pages_per_s / batch_pages_per_s,
        extract_wall_ms: median(&extract_ms),
        extract_page_bytes: single.html.len(),
        runs,
    })
}
