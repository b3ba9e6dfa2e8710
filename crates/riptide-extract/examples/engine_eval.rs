//! Compare the main-content engines natively on the evaluation corpus (quality and speed):
//!
//! ```text
//! cargo run --release -p riptide-extract --features trafilatura --example engine_eval -- [CORPUS_DIR]
//!     [--engine native|trafilatura|both] [--limit N] [--pages FILE]
//! ```
//!
//! `CORPUS_DIR` defaults to `../shared/corpus` (see its README for the scoring). Readability
//! pages are extracted with the URL `http://fakehost/test/page.html` and scored against the
//! text of `expected.html`; WCXB pages against `ground_truth.main_content`. Word F1: `\w+`
//! tokens of the lower-cased text, multiset overlap, mean over pages. `--pages FILE` writes
//! one line per page and engine (corpus, id, type, F1, milliseconds) for error analysis;
//! `--show ID` prints the reference and each engine's text for one page. Without the
//! `trafilatura` feature only the native engine runs.

use std::collections::{BTreeMap, HashMap};
use std::error::Error;
use std::fs;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::time::Instant;

use riptide_extract::{Engine, Mode, extract, extract_with_engine};

const READABILITY_URL: &str = "http://fakehost/test/page.html";

/// One corpus page with its reference text.
struct Page {
    corpus: &'static str,
    id: String,
    page_type: String,
    url: String,
    html: String,
    reference: String,
}

/// One engine's results.
struct Run {
    engine: Engine,
    seconds: f64,
    slowest: (f64, String),
    f1: Vec<f64>,
    millis: Vec<f64>,
    /// Pages whose markdown breaks a rule (see [`markdown_problem`]).
    bad_markdown: Vec<String>,
}

fn main() -> Result<(), Box<dyn Error>> {
    let mut args = std::env::args().skip(1);
    let mut dir = PathBuf::from("../shared/corpus");
    let mut engines = vec![Engine::Native, Engine::Trafilatura];
    let mut limit = usize::MAX;
    let mut pages_out = None;
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
            "--show" => show = args.next(),
            _ => dir = PathBuf::from(arg),
        }
    }
    engines.retain(|e| e.is_available());

    let mut pages = load(&dir, limit)?;
    if let Some(id) = show {
        pages.retain(|p| p.id == id);
        for page in &pages {
            println!(
                "== reference ({}/{}, {})\n{}\n",
                page.corpus, page.id, page.page_type, page.reference
            );
            for &engine in &engines {
                let text = extract_with_engine(&page.html, &page.url, &Mode::Article, engine)
                    .map(|doc| doc.text)
                    .unwrap_or_else(|e| e.to_string());
                println!(
                    "== {} (F1 {:.3})\n{}\n",
                    engine.name(),
                    word_f1(&text, &page.reference),
                    text
                );
            }
        }
        return Ok(());
    }
    println!("{} pages from {}", pages.len(), dir.display());
    let runs = run_all(&engines, &pages);
    report(&pages, &runs);
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
        })
        .collect();
    for page in pages {
        for r in &mut runs {
            let t = Instant::now();
            let (text, markdown) =
                extract_with_engine(&page.html, &page.url, &Mode::Article, r.engine)
                    .map(|doc| (doc.text, doc.markdown))
                    .unwrap_or_default();
            let elapsed = t.elapsed().as_secs_f64();
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

/// The first break of the markdown rules: an empty heading, or a line indented by four
/// spaces outside a fenced code block (source indentation read as code).
fn markdown_problem(md: &str) -> Option<String> {
    let mut fenced = false;
    for line in md.lines() {
        // Block quote marks come first; what follows them is the line proper.
        let mut line = line;
        while let Some(rest) = line.strip_prefix("> ") {
            line = rest;
        }
        if line.trim_start().starts_with("```") {
            fenced = !fenced;
            continue;
        }
        if fenced {
            continue;
        }
        if line.starts_with("    ") {
            return Some(format!("indented line {line:?}"));
        }
        let hashes = line.len() - line.trim_start_matches('#').len();
        if (1..=6).contains(&hashes) && line[hashes..].trim().is_empty() {
            return Some(format!("empty heading {line:?}"));
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

fn load(dir: &Path, limit: usize) -> Result<Vec<Page>, Box<dyn Error>> {
    let mut pages = Vec::new();
    let readability = dir.join("readability");
    let mut names: Vec<PathBuf> = fs::read_dir(&readability)?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.join("source.html").is_file() && p.join("expected.html").is_file())
        .collect();
    names.sort();
    for path in names.into_iter().take(limit) {
        let expected = fs::read_to_string(path.join("expected.html"))?;
        let reference = extract(&expected, READABILITY_URL, &Mode::Full)
            .map(|d| d.text)
            .unwrap_or_default();
        pages.push(Page {
            corpus: "readability",
            id: file_name(&path),
            page_type: "readability".into(),
            url: READABILITY_URL.into(),
            html: fs::read_to_string(path.join("source.html"))?,
            reference,
        });
    }
    let wcxb = dir.join("wcxb-dev");
    let mut ids: Vec<String> = fs::read_dir(wcxb.join("ground-truth"))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter_map(|p| {
            p.file_name()?
                .to_str()?
                .strip_suffix(".json")
                .map(str::to_string)
        })
        .collect();
    ids.sort();
    for id in ids.into_iter().take(limit) {
        let truth: serde_json::Value = serde_json::from_str(&fs::read_to_string(
            wcxb.join("ground-truth").join(format!("{id}.json")),
        )?)?;
        let mut gz = flate2::read::GzDecoder::new(fs::File::open(
            wcxb.join("html").join(format!("{id}.html.gz")),
        )?);
        let mut bytes = Vec::new();
        gz.read_to_end(&mut bytes)?;
        pages.push(Page {
            corpus: "wcxb",
            page_type: truth["_internal"]["page_type"]["primary"]
                .as_str()
                .unwrap_or("unknown")
                .to_string(),
            url: truth["url"]
                .as_str()
                .map_or_else(|| format!("https://wcxb.invalid/{id}"), str::to_string),
            html: String::from_utf8_lossy(&bytes).into_owned(),
            reference: truth["ground_truth"]["main_content"]
                .as_str()
                .unwrap_or("")
                .to_string(),
            id,
        });
    }
    Ok(pages)
}

fn file_name(path: &Path) -> String {
    path.file_name()
        .and_then(|n| n.to_str())
        .unwrap_or("")
        .to_string()
}
