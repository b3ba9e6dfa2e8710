//! `cargo xtask eval`: measure extraction quality on the evaluation corpus.
//!
//! Every page runs through the real component in its sandbox (the `riptide` facade) and
//! through the same library natively (`riptide_extract::extract`); both are scored against
//! the reference (word F1, shingle F1, metadata) and timed. Other extraction crates can be
//! added with `--engines` for a native comparison. See `docs/quality.md` for the results.

pub(crate) mod corpus;
mod engines;
mod markdown;
mod report;
mod score;

use std::path::{Path, PathBuf};
use std::time::Instant;

use corpus::{Corpus, PageRef};
use engines::{Engine, Runner};

/// `cargo xtask eval`: runs the extractor over the evaluation corpus (sandboxed through the
/// facade, and natively), scores it against the references, prints the tables and writes
/// docs/quality.md.
#[derive(Debug, clap::Args)]
#[command(
    after_help = "A debug build re-runs itself as a release build (`cargo run --release -p xtask`) \
so that the native timings are representative; set RIPTIDE_EVAL_DEBUG=1 to stay in the debug build."
)]
pub(crate) struct EvalArgs {
    /// Which corpus.
    #[arg(long, value_enum, default_value_t = CorpusChoice::All)]
    corpus: CorpusChoice,
    /// At most N pages of each corpus (no docs/quality.md update).
    #[arg(long, value_name = "N")]
    limit: Option<usize>,
    /// Only these page ids (no docs/quality.md update).
    #[arg(long, value_name = "ID[,ID...]", value_delimiter = ',')]
    only: Option<Vec<String>>,
    /// Write every figure, per page too, as JSON to OUT.
    #[arg(long, value_name = "OUT")]
    json: Option<PathBuf>,
    /// The corpus (default: ../shared/corpus from the workspace root).
    #[arg(long, value_name = "DIR")]
    corpus_dir: Option<PathBuf>,
    /// Comma-separated, from sandboxed, native, trafilatura, dom_smoothie.
    #[arg(
        long,
        value_name = "LIST",
        value_delimiter = ',',
        value_parser = parse_engine,
        default_value = "sandboxed,native"
    )]
    engines: Vec<Engine>,
    /// The Markdown report to update (default: docs/quality.md).
    #[arg(long, value_name = "PATH")]
    doc: Option<PathBuf>,
    /// Do not update the Markdown report.
    #[arg(long)]
    no_doc: bool,
    /// Write each page's text and reference (first engine) to DIR.
    #[arg(long, value_name = "DIR")]
    dump: Option<PathBuf>,
}

/// The `--corpus` choice.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum CorpusChoice {
    /// `readability/`.
    Readability,
    /// `wcxb-dev/`.
    #[value(name = "wcxb-dev", alias = "wcxb")]
    Wcxb,
    /// Both.
    All,
}

impl CorpusChoice {
    fn corpora(self) -> Vec<Corpus> {
        match self {
            CorpusChoice::Readability => vec![Corpus::Readability],
            CorpusChoice::Wcxb => vec![Corpus::Wcxb],
            CorpusChoice::All => vec![Corpus::Readability, Corpus::Wcxb],
        }
    }
}

fn parse_engine(name: &str) -> Result<Engine, String> {
    Engine::parse(name.trim()).ok_or_else(|| {
        format!(
            "unknown engine {name:?}; use {}",
            Engine::ALL.map(Engine::name).join(", ")
        )
    })
}

/// The workspace root: the parent of the xtask crate.
fn workspace_root() -> PathBuf {
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    manifest.parent().unwrap_or(manifest).to_path_buf()
}

/// Re-run the task as a release build with the same arguments; `None` when this already is
/// one (or it is disabled).
fn rerun_in_release(args: &[String]) -> Option<Result<(), String>> {
    if !cfg!(debug_assertions) || std::env::var_os("RIPTIDE_EVAL_DEBUG").is_some() {
        return None;
    }
    eprintln!(
        "eval: re-running as a release build for representative timings \
         (set RIPTIDE_EVAL_DEBUG=1 to skip)"
    );
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let status = std::process::Command::new(cargo)
        .current_dir(workspace_root())
        .args([
            "run",
            "--quiet",
            "--release",
            "--package",
            "xtask",
            "--",
            "eval",
        ])
        .args(args)
        .env("RIPTIDE_EVAL_COMMAND", command_line(args))
        .status();
    Some(match status {
        Ok(s) if s.success() => Ok(()),
        Ok(s) => Err(format!("the release build of the eval failed ({s})")),
        Err(e) => Err(format!("could not run cargo for the release build: {e}")),
    })
}

fn command_line(args: &[String]) -> String {
    let mut cmd = "cargo xtask eval".to_string();
    for a in args {
        cmd.push(' ');
        if a.contains(' ') {
            cmd.push_str(&format!("'{a}'"));
        } else {
            cmd.push_str(a);
        }
    }
    cmd
}

/// Run the task; `raw` are its arguments as given, for the release re-run and the report.
pub(crate) fn run(a: &EvalArgs, raw: &[String]) -> Result<(), String> {
    if let Some(result) = rerun_in_release(raw) {
        return result;
    }
    let mut engines: Vec<Engine> = Vec::new();
    for &engine in &a.engines {
        if !engines.contains(&engine) {
            engines.push(engine);
        }
    }
    let started = Instant::now();
    let root = workspace_root();
    let corpus_dir = a
        .corpus_dir
        .clone()
        .unwrap_or_else(|| root.join("..").join("shared").join("corpus"));
    if !corpus_dir.is_dir() {
        return Err(format!(
            "the evaluation corpus is not at {}; put it there (readability/ and wcxb-dev/, see \
             its README.md) or pass --corpus-dir DIR",
            corpus_dir.display()
        ));
    }

    let mut refs: Vec<PageRef> = Vec::new();
    for c in a.corpus.corpora() {
        let mut pages = corpus::list(&corpus_dir, c)?;
        if let Some(only) = &a.only {
            pages.retain(|p| only.contains(&p.id));
        }
        if let Some(limit) = a.limit {
            pages.truncate(limit);
        }
        refs.extend(pages);
    }
    if refs.is_empty() {
        return Err("no pages selected".into());
    }

    let engine_names: Vec<&str> = engines.iter().map(|e| e.name()).collect();
    eprintln!(
        "eval: {} pages from {}, engines: {}",
        refs.len(),
        corpus_dir.display(),
        engine_names.join(", ")
    );
    let runner = Runner::new(&engines)?;
    if let Some(dir) = &a.dump {
        std::fs::create_dir_all(dir)
            .map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    }

    let mut scores: Vec<Vec<report::PageScore>> = vec![Vec::new(); engines.len()];
    for (i, page_ref) in refs.iter().enumerate() {
        let page = page_ref.load()?;
        for (k, &engine) in engines.iter().enumerate() {
            let outcome = runner.run(engine, &page.html, &page.url);
            if k == 0
                && let Some(dir) = &a.dump
            {
                let base = dir.join(format!("{}-{}", page.corpus.name(), page.id));
                let _ = std::fs::write(base.with_extension("ours.txt"), &outcome.text);
                let _ = std::fs::write(base.with_extension("ref.txt"), &page.reference);
                if let Some(md) = &outcome.markdown {
                    let _ = std::fs::write(base.with_extension("ours.md"), md);
                    let (text, lines) = markdown::read_back(md, outcome.title.as_deref());
                    let _ = std::fs::write(base.with_extension("readback.txt"), text);
                    let _ = std::fs::write(base.with_extension("lines.txt"), lines.join("\n"));
                }
            }
            scores[k].push(report::score_page(&page, &outcome));
        }
        if (i + 1) % 100 == 0 || i + 1 == refs.len() {
            eprintln!(
                "eval: {}/{} pages ({:.0} s)",
                i + 1,
                refs.len(),
                started.elapsed().as_secs_f64()
            );
        }
    }
    runner.finish();

    let reports: Vec<report::EngineReport> = engines
        .iter()
        .zip(scores)
        .map(|(&e, s)| report::engine_report(e, s))
        .collect();
    let command = std::env::var("RIPTIDE_EVAL_COMMAND").unwrap_or_else(|_| command_line(raw));
    let full = report::Report {
        command,
        date: crate::bench::util::today_utc(),
        machine: report::Machine::detect(),
        profile: if cfg!(debug_assertions) {
            "debug"
        } else {
            "release"
        },
        wall_seconds: started.elapsed().as_secs_f64(),
        targets: report::targets(&reports),
        agreement: report::agreement(&reports),
        engines: reports,
    };
    let md = report::markdown(&full);
    println!("{md}");

    if let Some(path) = &a.json {
        let json = serde_json::to_string_pretty(&full).map_err(|e| e.to_string())?;
        std::fs::write(path, json).map_err(|e| format!("cannot write {}: {e}", path.display()))?;
        eprintln!("eval: wrote {}", path.display());
    }

    let partial = a.limit.is_some() || a.only.is_some();
    let write_doc = !a.no_doc && (a.doc.is_some() || !partial);
    if write_doc {
        let path = a
            .doc
            .clone()
            .unwrap_or_else(|| root.join("docs").join("quality.md"));
        let default_engines = engines == [Engine::Sandboxed, Engine::Native];
        let (key, heading) = if default_engines {
            ("results", "Results")
        } else {
            ("engines", "Engine comparison")
        };
        let existing =
            std::fs::read_to_string(&path).unwrap_or_else(|_| "# Extraction quality\n".to_string());
        let updated = crate::docs::splice(&existing, "eval", key, heading, &md);
        std::fs::write(&path, updated)
            .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
        eprintln!("eval: updated {}", path.display());
    } else if partial && !a.no_doc {
        eprintln!("eval: partial run (--limit/--only), docs/quality.md left alone");
    }
    Ok(())
}
