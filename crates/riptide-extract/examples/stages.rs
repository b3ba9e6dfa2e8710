//! Where the default engine's time goes, stage by stage (parse, score, emit, metadata,
//! language: see `riptide_extract::StageTimes`), on the evaluation corpus and on the
//! pathological pages of `tests/pathological.rs`:
//!
//! ```text
//! cargo run --release -p riptide-extract --example stages -- [CORPUS_DIR] [--limit N]
//!     [--rounds R] [--repeat K] [--no-corpus] [--json PATH]
//! ```
//!
//! Article mode, default engine, one thread, natively. The corpus pages are loaded as
//! `engine_eval` loads them (`CORPUS_DIR` defaults to `../shared/corpus`; `--limit N` takes
//! the first N pages of each corpus) and extracted once per round (`--rounds`, default 1),
//! in order; each pathological page is extracted `--repeat` times (default 5). Groups: all
//! corpus pages, the Readability pages, the WCXB pages, each WCXB page type, and each
//! pathological page on its own. Per group it prints the median and 95th percentile
//! milliseconds of every stage and of the whole call (`total`: wall time around
//! `extract_with_stats`, so it includes the few microseconds no stage is charged with), the
//! share of the time each stage takes (sum of the stage over the sum of `total`), and
//! pages/s (extractions over the sum of `total`).
//!
//! `--json PATH` writes the same figures for `cargo xtask bench` and other tools:
//!
//! ```json
//! {
//!   "schema": "riptide-extract-stages/1",
//!   "engine": "riptide native engine",
//!   "mode": "article",
//!   "rounds": 1,
//!   "repeat": 5,
//!   "stages": ["parse", "score", "emit", "metadata", "language", "total"],
//!   "groups": [
//!     {
//!       "name": "wcxb article",
//!       "kind": "corpus",
//!       "pages": 793,
//!       "samples": 793,
//!       "html_bytes_median": 151000,
//!       "pages_per_s": 210.5,
//!       "median_ms": {"parse": 1.9, "score": 0.6, "emit": 0.4, "metadata": 0.05, "language": 0.2, "total": 3.3},
//!       "p95_ms": {"parse": 5.1, "...": 0.0},
//!       "share": {"parse": 0.55, "...": 0.0}
//!     }
//!   ]
//! }
//! ```
//!
//! `kind` is `corpus` or `pathological`; `pages` counts distinct pages, `samples` timed
//! extractions (pages × rounds, or × repeat). `median_ms`, `p95_ms` and `share` have one
//! key per entry of `stages` (`share` has no `total`: it is the stage's part of the summed
//! `total`, 0 to 1). The 95th percentile is the nearest-rank value. Pages that fail to extract
//! are counted under `errors` of their group (a key present only when not zero) and left out
//! of the figures.

#[path = "common/corpus.rs"]
#[allow(dead_code, reason = "the reference answers are not used here")]
mod corpus;
#[path = "common/pathological.rs"]
#[allow(dead_code, reason = "only the page list is used here")]
mod pathological;

use std::collections::BTreeMap;
use std::error::Error;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use riptide_extract::{ENGINE, Mode, StageTimes, extract_with_stats};
use serde_json::{Value, json};

/// The columns: the five stages and the whole call.
const STAGES: [&str; 6] = ["parse", "score", "emit", "metadata", "language", "total"];

/// One timed extraction: the five stages, then the wall time of the call.
type Sample = [Duration; 6];

/// A group of pages and its samples.
struct Group {
    name: String,
    kind: &'static str,
    pages: usize,
    html_bytes: Vec<usize>,
    samples: Vec<Sample>,
    errors: usize,
}

impl Group {
    fn new(name: impl Into<String>, kind: &'static str) -> Group {
        Group {
            name: name.into(),
            kind,
            pages: 0,
            html_bytes: Vec::new(),
            samples: Vec::new(),
            errors: 0,
        }
    }
}

/// Extract `html` once in article mode and time it.
fn sample(html: &str, url: &str) -> Option<Sample> {
    let started = Instant::now();
    let (_, stats) = extract_with_stats(html, url, &Mode::Article).ok()?;
    let wall = started.elapsed();
    let StageTimes {
        parse,
        score,
        emit,
        metadata,
        language,
    } = stats.stages;
    Some([parse, score, emit, metadata, language, wall])
}

/// Milliseconds of the `q` quantile (nearest rank) of column `column`.
fn quantile_ms(samples: &[Sample], column: usize, q: f64) -> f64 {
    let mut values: Vec<Duration> = samples.iter().map(|s| s[column]).collect();
    values.sort();
    if values.is_empty() {
        return 0.0;
    }
    let rank = ((values.len() as f64 * q).ceil() as usize).clamp(1, values.len());
    values[rank - 1].as_secs_f64() * 1e3
}

/// The figures of one group, as written to the JSON file.
fn figures(group: &Group) -> Value {
    let n = group.samples.len();
    let sum =
        |column: usize| -> f64 { group.samples.iter().map(|s| s[column].as_secs_f64()).sum() };
    let total = sum(STAGES.len() - 1);
    let per_stage = |f: &dyn Fn(usize) -> f64, with_total: bool| -> Value {
        let columns = if with_total {
            STAGES.len()
        } else {
            STAGES.len() - 1
        };
        Value::Object(
            (0..columns)
                .map(|c| (STAGES[c].to_string(), json!(round(f(c)))))
                .collect(),
        )
    };
    let mut bytes = group.html_bytes.clone();
    bytes.sort_unstable();
    let mut out = json!({
        "name": group.name,
        "kind": group.kind,
        "pages": group.pages,
        "samples": n,
        "html_bytes_median": bytes.get(bytes.len() / 2).copied().unwrap_or(0),
        "pages_per_s": round(if total > 0.0 { n as f64 / total } else { 0.0 }),
        "median_ms": per_stage(&|c| quantile_ms(&group.samples, c, 0.5), true),
        "p95_ms": per_stage(&|c| quantile_ms(&group.samples, c, 0.95), true),
        "share": per_stage(&|c| if total > 0.0 { sum(c) / total } else { 0.0 }, false),
    });
    if group.errors > 0 {
        out["errors"] = json!(group.errors);
    }
    out
}

/// Four significant decimals are plenty for milliseconds and shares.
fn round(x: f64) -> f64 {
    (x * 1e4).round() / 1e4
}

fn print_table(groups: &[Value]) {
    print!("{:<24}{:>8}{:>9}", "group", "samples", "pages/s");
    for stage in STAGES {
        print!("{:>17}", format!("{stage} p50/p95"));
    }
    println!();
    for g in groups {
        print!(
            "{:<24}{:>8}{:>9.1}",
            g["name"].as_str().unwrap_or(""),
            g["samples"],
            g["pages_per_s"].as_f64().unwrap_or(0.0)
        );
        for stage in STAGES {
            print!(
                "{:>17}",
                format!(
                    "{:.2}/{:.2}",
                    g["median_ms"][stage].as_f64().unwrap_or(0.0),
                    g["p95_ms"][stage].as_f64().unwrap_or(0.0)
                )
            );
        }
        println!();
    }
    println!("\nshare of the time per stage (sum over the group)");
    print!("{:<24}", "group");
    for stage in &STAGES[..STAGES.len() - 1] {
        print!("{stage:>10}");
    }
    println!();
    for g in groups {
        print!("{:<24}", g["name"].as_str().unwrap_or(""));
        for stage in &STAGES[..STAGES.len() - 1] {
            print!(
                "{:>9.1}%",
                100.0 * g["share"][stage].as_f64().unwrap_or(0.0)
            );
        }
        println!();
    }
}

fn main() -> Result<(), Box<dyn Error>> {
    let mut args = std::env::args().skip(1);
    let mut dir = PathBuf::from("../shared/corpus");
    let mut limit = usize::MAX;
    let mut rounds = 1usize;
    let mut repeat = 5usize;
    let mut with_corpus = true;
    let mut json_out = None;
    while let Some(arg) = args.next() {
        let mut number =
            |default: usize| args.next().and_then(|n| n.parse().ok()).unwrap_or(default);
        match arg.as_str() {
            "--limit" => limit = number(limit),
            "--rounds" => rounds = number(rounds).max(1),
            "--repeat" => repeat = number(repeat).max(1),
            "--no-corpus" => with_corpus = false,
            "--json" => json_out = args.next().map(PathBuf::from),
            _ => dir = PathBuf::from(arg),
        }
    }

    let mut groups: Vec<Group> = Vec::new();
    if with_corpus {
        let pages = corpus::load(&dir, limit)?;
        println!(
            "{} corpus pages from {}, {rounds} round(s)",
            pages.len(),
            dir.display()
        );
        // Group index by name.
        let mut by_name: BTreeMap<String, usize> = BTreeMap::new();
        let mut group_of = |name: String, groups: &mut Vec<Group>| -> usize {
            *by_name.entry(name.clone()).or_insert_with(|| {
                groups.push(Group::new(name, "corpus"));
                groups.len() - 1
            })
        };
        let all = group_of("all corpus pages".into(), &mut groups);
        let mut memberships = Vec::with_capacity(pages.len());
        for page in &pages {
            let mut of = vec![all, group_of(page.corpus.into(), &mut groups)];
            if page.corpus == "wcxb" {
                of.push(group_of(format!("wcxb {}", page.page_type), &mut groups));
            }
            for &g in &of {
                groups[g].pages += 1;
                groups[g].html_bytes.push(page.html.len());
            }
            memberships.push(of);
        }
        for _ in 0..rounds {
            for (page, of) in pages.iter().zip(&memberships) {
                let result = sample(&page.html, &page.url);
                for &g in of {
                    match result {
                        Some(s) => groups[g].samples.push(s),
                        None => groups[g].errors += 1,
                    }
                }
            }
        }
        // "all corpus pages" first, then by name: readability, wcxb, wcxb <type>.
        groups[1..].sort_by(|a, b| a.name.cmp(&b.name));
    }
    for (name, html) in pathological::pages() {
        let mut group = Group::new(name, "pathological");
        group.pages = 1;
        group.html_bytes.push(html.len());
        for _ in 0..repeat {
            match sample(&html, "https://example.com/dir/page.html") {
                Some(s) => group.samples.push(s),
                None => group.errors += 1,
            }
        }
        groups.push(group);
    }

    let figures: Vec<Value> = groups.iter().map(figures).collect();
    print_table(&figures);
    if let Some(path) = json_out {
        let report = json!({
            "schema": "riptide-extract-stages/1",
            "engine": ENGINE,
            "mode": "article",
            "rounds": rounds,
            "repeat": repeat,
            "stages": STAGES,
            "groups": figures,
        });
        std::fs::write(&path, serde_json::to_string_pretty(&report)? + "\n")?;
        println!("\nwrote {}", path.display());
    }
    Ok(())
}
