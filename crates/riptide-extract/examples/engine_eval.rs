//! Compare the main-content engines natively on the evaluation corpus (quality and speed):
//!
//! ```text
//! cargo run --release -p riptide-extract --features trafilatura --example engine_eval -- [CORPUS_DIR]
//!     [--engine native|trafilatura|both] [--limit N] [--pages FILE] [--meta FILE] [--show ID]
//! ```
//!
//! `CORPUS_DIR` defaults to `../shared/corpus` (see its README for the scoring). Readability
//! pages are extracted with the URL `http://fakehost/test/page.html` and scored against the
//! text of `expected.html`; WCXB pages against `ground_truth.main_content`. Word F1: `\w+`
//! tokens of the lower-cased text, multiset overlap, mean over pages. `--pages FILE` writes
//! one line per page and engine (corpus, id, type, F1, milliseconds) for error analysis;
//! `--show ID` prints the reference and each engine's text and markdown for one page. Without the
//! `trafilatura` feature only the native engine runs.
//!
//! Metadata is scored as `cargo xtask eval` scores it (`xtask/src/eval/score.rs`): title and
//! byline (WCXB: author) exact after collapsing white space, dates on the same calendar day
//! (a month-only reference matches any day of its month), language on the primary subtag.
//! `--meta FILE` writes every metadata field each engine returned, one JSON object per page
//! and engine, so that two builds can be compared page by page (`diff`).

#[path = "common/corpus.rs"]
mod corpus;

use std::collections::{BTreeMap, HashMap};
use std::error::Error;
use std::fs;
use std::path::PathBuf;
use std::time::Instant;

use corpus::Page;
use riptide_extract::{Engine, Extracted, Mode, extract_with_engine};

/// One engine's results.
struct Run {
    engine: Engine,
    seconds: f64,
    slowest: (f64, String),
    f1: Vec<f64>,
    millis: Vec<f64>,
    /// Pages whose markdown breaks a rule (see [`markdown_problem`]).
    bad_markdown: Vec<String>,
    /// Each page's result without its text, markdown, links and media (`None`: an error).
    meta: Vec<Option<Extracted>>,
}

fn main() -> Result<(), Box<dyn Error>> {
    let mut args = std::env::args().skip(1);
    let mut dir = PathBuf::from("../shared/corpus");
    let mut engines = vec![Engine::Native, Engine::Trafilatura];
    let mut limit = usize::MAX;
    let mut pages_out = None;
    let mut meta_out = None;
    let mut show = None;
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--engine" => {
                engines = match args.next().as_deref() {
                    Some("native") => vec![Engine::Native],
                    Some("trafilatura") => vec![Engine::Trafilatura],
                    _ => vec![Engine::Native, Engine::Trafilatura],
                }
            }
            "--limit" => limit = args.next().and_then(|n| n.parse().ok()).unwrap_or(limit),
            "--pages" => pages_out = args.next().map(PathBuf::from),
            "--meta" => meta_out = args.next().map(PathBuf::from),
            "--show" => show = args.next(),
            _ => dir = PathBuf::from(arg),
        }
    }
    engines.retain(|e| e.is_available());

    let mut pages = corpus::load(&dir, limit)?;
    if let Some(id) = show {
        pages.retain(|p| p.id == id);
        for page in &pages {
            println!(
                "== reference ({}/{}, {})\n{}\n",
                page.corpus, page.id, page.page_type, page.reference
            );
            for &engine in &engines {
                let (text, markdown) =
                    match extract_with_engine(&page.html, &page.url, &Mode::Article, engine) {
                        Ok(doc) => (doc.text, doc.markdown),
                        Err(e) => (e.to_string(), String::new()),
                    };
                println!(
                    "== {} (F1 {:.3})\n{}\n\n== {} markdown\n{}\n",
                    engine.name(),
                    word_f1(&text, &page.reference),
                    text,
                    engine.name(),
                    markdown
                );
            }
        }
        return Ok(());
    }
    println!("{} pages from {}", pages.len(), dir.display());
    let runs = run_all(&engines, &pages);
    report(&pages, &runs);
    report_metadata(&pages, &runs);
    if let Some(path) = meta_out {
        fs::write(path, metadata_lines(&pages, &runs))?;
    }
    if let Some(path) = pages_out {
        let mut out = String::new();
        for r in &runs {
            for (k, p) in pages.iter().enumerate() {
                out.push_str(&format!(
                    "{}\t{}\t{}\t{}\t{:.4}\t{:.2}\n",
                    r.engine.name(),
                    p.corpus,
                    p.id,
                    p.page_type,
                    r.f1[k],
                    r.millis[k]
                ));
            }
        }
        fs::write(path, out)?;
    }
    Ok(())
}

/// Run every engine on every page, the engines taking turns page by page so that a change
/// in the machine's load during the run affects them alike. Seconds count extraction only.
fn run_all(engines: &[Engine], pages: &[Page]) -> Vec<Run> {
    let mut runs: Vec<Run> = engines
        .iter()
        .map(|&engine| Run {
            engine,
            seconds: 0.0,
            slowest: (0.0, String::new()),
            f1: Vec::with_capacity(pages.len()),
            millis: Vec::with_capacity(pages.len()),
            bad_markdown: Vec::new(),
            meta: Vec::with_capacity(pages.len()),
        })
        .collect();
    for page in pages {
        for r in &mut runs {
            let t = Instant::now();
            let result = extract_with_engine(&page.html, &page.url, &Mode::Article, r.engine);
            let elapsed = t.elapsed().as_secs_f64();
            let (text, markdown, meta) = match result {
                Ok(mut doc) => {
                    let text = std::mem::take(&mut doc.text);
                    let markdown = std::mem::take(&mut doc.markdown);
                    doc.links.clear();
                    doc.media.clear();
                    (text, markdown, Some(doc))
                }
                Err(_) => (String::new(), String::new(), None),
            };
            r.meta.push(meta);
            if let Some(problem) = markdown_problem(&markdown) {
                r.bad_markdown
                    .push(format!("{}/{}: {problem}", page.corpus, page.id));
            }
            let ms = elapsed * 1e3;
            r.seconds += elapsed;
            if ms > r.slowest.0 {
                r.slowest = (ms, format!("{}/{}", page.corpus, page.id));
            }
            r.millis.push(ms);
            r.f1.push(word_f1(&text, &page.reference));
        }
    }
    runs
}

/// The first break of the markdown rules, read as CommonMark (pulldown-cmark, the reader
/// `cargo xtask eval` uses): an empty heading, or an indented code block (source indentation
/// read as code).
fn markdown_problem(md: &str) -> Option<String> {
    use pulldown_cmark::{CodeBlockKind, Event, Parser, Tag, TagEnd};
    let mut heading: Option<(usize, bool)> = None;
    for (event, range) in Parser::new(md).into_offset_iter() {
        match event {
            Event::Start(Tag::CodeBlock(CodeBlockKind::Indented)) => {
                let line = md[range].lines().next().unwrap_or_default().to_string();
                return Some(format!("indented code {line:?}"));
            }
            Event::Start(Tag::Heading { .. }) => heading = Some((range.start, false)),
            Event::End(TagEnd::Heading(_)) => {
                if let Some((at, false)) = heading.take() {
                    let line = md[at..].lines().next().unwrap_or_default().to_string();
                    return Some(format!("empty heading {line:?}"));
                }
            }
            Event::Text(_) | Event::Code(_) | Event::InlineHtml(_) => {
                if let Some((_, seen)) = heading.as_mut() {
                    *seen = true;
                }
            }
            _ => {}
        }
    }
    None
}

fn mean(values: impl Iterator<Item = f64>) -> (f64, usize) {
    let (sum, n) = values.fold((0.0, 0usize), |(s, n), v| (s + v, n + 1));
    (if n == 0 { 0.0 } else { sum / n as f64 }, n)
}

fn report(pages: &[Page], runs: &[Run]) {
    let mut groups: BTreeMap<String, Vec<usize>> = BTreeMap::new();
    for (k, p) in pages.iter().enumerate() {
        groups.entry(p.corpus.to_string()).or_default().push(k);
        if p.corpus == "wcxb" {
            groups
                .entry(format!("wcxb:{}", p.page_type))
                .or_default()
                .push(k);
        }
    }
    print!("{:<22}", "measure");
    for r in runs {
        print!("{:>14}", r.engine.name());
    }
    println!();
    print!("{:<22}", "pages/s");
    for r in runs {
        print!("{:>14.1}", pages.len() as f64 / r.seconds);
    }
    println!();
    for (name, members) in &groups {
        print!("{:<22}", format!("F1 {name} ({})", members.len()));
        for r in runs {
            print!("{:>14.4}", mean(members.iter().map(|&k| r.f1[k])).0);
        }
        println!();
    }
    for r in runs {
        println!(
            "{}: total {:.1} s, slowest page {:.1} ms ({}), markdown rule broken on {} pages{}",
            r.engine.name(),
            r.seconds,
            r.slowest.0,
            r.slowest.1,
            r.bad_markdown.len(),
            r.bad_markdown
                .iter()
                .map(|b| format!("\n  {b}"))
                .collect::<String>()
        );
    }
}

/// The `\w+` runs of the lower-cased text.
fn tokens(text: &str) -> Vec<String> {
    text.to_lowercase()
        .split(|c: char| !(c.is_alphanumeric() || c == '_'))
        .filter(|t| !t.is_empty())
        .map(str::to_string)
        .collect()
}

/// Word F1 of a prediction against a reference (1 when both are empty).
fn word_f1(predicted: &str, reference: &str) -> f64 {
    let predicted = tokens(predicted);
    let reference = tokens(reference);
    if predicted.is_empty() && reference.is_empty() {
        return 1.0;
    }
    let mut bag: HashMap<&str, i64> = HashMap::new();
    for t in &reference {
        *bag.entry(t).or_default() += 1;
    }
    let mut tp = 0usize;
    for t in &predicted {
        if let Some(n) = bag.get_mut(t.as_str())
            && *n > 0
        {
            *n -= 1;
            tp += 1;
        }
    }
    if tp == 0 {
        return 0.0;
    }
    let p = tp as f64 / predicted.len() as f64;
    let r = tp as f64 / reference.len() as f64;
    2.0 * p * r / (p + r)
}

/// One metadata field of one page: (reference given, value returned, the two match).
type Check = (bool, bool, bool);

fn check(ours: Option<&str>, expected: Option<&str>, same: fn(&str, &str) -> bool) -> Check {
    let ours = ours.map(str::trim).filter(|s| !s.is_empty());
    let expected = expected.map(str::trim).filter(|s| !s.is_empty());
    let ok = matches!((ours, expected), (Some(o), Some(e)) if same(o, e));
    (expected.is_some(), ours.is_some(), ok)
}

fn same_text(a: &str, b: &str) -> bool {
    a.split_whitespace().eq(b.split_whitespace())
}

/// Same calendar day as written; a month-only reference (`YYYY-MM`) matches its days.
fn same_day(ours: &str, expected: &str) -> bool {
    let day = |s: &str| -> String {
        let s = s.trim();
        let cut = s
            .char_indices()
            .find(|&(i, c)| i >= 7 && !(c.is_ascii_digit() || c == '-'))
            .map_or(s.len(), |(i, _)| i);
        s.chars().take(cut.min(10)).collect()
    };
    let (o, e) = (day(ours), day(expected));
    if e.len() == 7 {
        o.starts_with(&e)
    } else {
        o == e
    }
}

fn same_language(a: &str, b: &str) -> bool {
    let primary = |s: &str| {
        s.split(['-', '_'])
            .next()
            .unwrap_or("")
            .trim()
            .to_ascii_lowercase()
    };
    primary(a) == primary(b)
}

/// Title, byline, date, site name and language returned.
fn fields(d: &Extracted) -> [Option<&str>; 5] {
    [
        &d.title,
        &d.byline,
        &d.published_iso,
        &d.site_name,
        &d.language,
    ]
    .map(Option::as_deref)
}

/// The references of [`fields`].
fn references(p: &Page) -> [Option<&str>; 5] {
    [&p.title, &p.byline, &p.date, &p.site_name, &p.language].map(Option::as_deref)
}

/// Metadata rates per corpus and engine, as `cargo xtask eval` reports them.
fn report_metadata(pages: &[Page], runs: &[Run]) {
    /// Name, index in [`fields`], comparison, and whether pages without a reference count.
    type Rate = (&'static str, usize, fn(&str, &str) -> bool, bool);
    let rates: [Rate; 7] = [
        ("title exact", 0, same_text, false),
        ("byline/author exact", 1, same_text, false),
        ("byline/author where none expected", 1, same_text, true),
        ("date same day", 2, same_day, false),
        ("date where none expected", 2, same_day, true),
        ("site name exact", 3, same_text, false),
        ("language (primary subtag)", 4, same_language, false),
    ];
    println!("metadata (pages with a reference; \"where none expected\": pages without one)");
    for corpus in ["readability", "wcxb"] {
        for &(name, field, same, spurious) in &rates {
            let mut line = format!("{:<50}", format!("{corpus} {name}"));
            let mut any = false;
            for r in runs {
                let (mut of, mut hits) = (0usize, 0usize);
                for (k, p) in pages.iter().enumerate().filter(|(_, p)| p.corpus == corpus) {
                    let ours = r.meta[k].as_ref().and_then(|d| fields(d)[field]);
                    let (expected, returned, ok) = check(ours, references(p)[field], same);
                    if spurious {
                        of += usize::from(!expected);
                        hits += usize::from(!expected && returned);
                    } else {
                        of += usize::from(expected);
                        hits += usize::from(ok);
                    }
                }
                any |= of > 0;
                let share = 100.0 * hits as f64 / of.max(1) as f64;
                line.push_str(&format!("{:>14}", format!("{share:.1} % {hits}/{of}")));
            }
            if any {
                println!("{line}");
            }
        }
    }
}

/// Every metadata field of every page and engine, one JSON object a line.
fn metadata_lines(pages: &[Page], runs: &[Run]) -> String {
    let mut out = String::new();
    for r in runs {
        for (k, p) in pages.iter().enumerate() {
            let line = match &r.meta[k] {
                Some(d) => serde_json::json!({
                    "engine": r.engine.name(), "page": format!("{}/{}", p.corpus, p.id),
                    "title": d.title, "byline": d.byline, "authors": d.authors,
                    "published": d.published_iso,
                    "site_name": d.site_name, "description": d.description,
                    "categories": d.categories, "language": d.language,
                    "quality": d.quality_score, "words": d.word_count,
                }),
                None => serde_json::json!({
                    "engine": r.engine.name(), "page": format!("{}/{}", p.corpus, p.id),
                    "error": true,
                }),
            };
            out.push_str(&line.to_string());
            out.push('\n');
        }
    }
    out
}
