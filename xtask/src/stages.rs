//! `cargo xtask stages`: where the native engine's time goes, stage by stage (parse, score,
//! emit, metadata, language), on the corpus and on the pathological pages → a generated
//! section of `docs/benchmarks.md`.
//!
//! The measuring is done by `riptide-extract`'s example `stages` (release build, one thread);
//! this task runs it, reads its JSON (schema `riptide-extract-stages/1`, documented in the
//! example) and writes the table.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

use crate::bench::util;

/// `cargo xtask stages`.
#[derive(Debug, clap::Args)]
pub(crate) struct StagesArgs {
    /// The corpus (default: ../shared/corpus from the workspace root).
    #[arg(long, value_name = "DIR")]
    corpus_dir: Option<PathBuf>,
    /// Extract every corpus page this many times.
    #[arg(long, default_value_t = 1)]
    rounds: u32,
    /// Write into this file instead of docs/benchmarks.md.
    #[arg(long, value_name = "PATH")]
    docs: Option<PathBuf>,
    /// Print the table only.
    #[arg(long, conflicts_with = "docs")]
    no_docs: bool,
}

/// The stages, in the order the engine runs them.
const STAGES: [&str; 5] = ["parse", "score", "emit", "metadata", "language"];

/// Run the example and write the section.
pub(crate) fn run(args: &StagesArgs) -> Result<(), String> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .ok_or("xtask has no parent directory")?
        .to_path_buf();
    let corpus = args
        .corpus_dir
        .clone()
        .unwrap_or_else(|| root.join("../shared/corpus"));
    if !corpus.is_dir() {
        return Err(format!(
            "no corpus at {}: pass --corpus-dir",
            corpus.display()
        ));
    }
    let json_path = root.join("target/bench/stages.json");
    if let Some(dir) = json_path.parent() {
        std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    }
    let started = util::now_utc();
    let load = util::load_average().unwrap_or_else(|| "unknown".into());
    let status = Command::new(env!("CARGO"))
        .current_dir(&root)
        .args([
            "run",
            "--release",
            "-q",
            "-p",
            "riptide-extract",
            "--example",
            "stages",
            "--",
        ])
        .arg(&corpus)
        .arg("--rounds")
        .arg(args.rounds.to_string())
        .arg("--json")
        .arg(&json_path)
        .status()
        .map_err(|e| format!("could not run the stages example: {e}"))?;
    if !status.success() {
        return Err(format!("the stages example failed ({status})"));
    }
    let text =
        std::fs::read_to_string(&json_path).map_err(|e| format!("{}: {e}", json_path.display()))?;
    let report: Value =
        serde_json::from_str(&text).map_err(|e| format!("{}: {e}", json_path.display()))?;
    let body = markdown(&report, &started, &load)?;
    println!("{body}");
    if !args.no_docs {
        let path = args
            .docs
            .clone()
            .unwrap_or_else(|| root.join("docs/benchmarks.md"));
        crate::docs::splice_file(&path, "stages", "breakdown", HEADING, &body)?;
        println!("wrote the breakdown into {}", path.display());
    }
    Ok(())
}

/// The table of the example's JSON report.
fn markdown(report: &Value, started: &str, load: &str) -> Result<String, String> {
    let schema = report["schema"].as_str().unwrap_or("");
    if schema != "riptide-extract-stages/1" {
        return Err(format!(
            "the stages example wrote schema {schema:?}, this task reads riptide-extract-stages/1"
        ));
    }
    let groups = report["groups"]
        .as_array()
        .ok_or("the stages report has no groups")?;
    let mut out = format!(
        "Median milliseconds per stage of the default engine (`{}`), article mode, natively, one \
         thread, {} round(s) over the corpus and {} extraction(s) of each pathological page; the \
         share is the stage's part of the summed time. Run {started} on {}, load average \
         {load}.\n\n\
         | group | pages | pages/s | parse | score | emit | metadata | language | total | \
         largest share |\n\
         |---|--:|--:|--:|--:|--:|--:|--:|--:|---|\n",
        report["engine"].as_str().unwrap_or("?"),
        report["rounds"].as_u64().unwrap_or(0),
        report["repeat"].as_u64().unwrap_or(0),
        util::machine()
    );
    for group in groups {
        let ms = |stage: &str| group["median_ms"][stage].as_f64().unwrap_or(f64::NAN);
        let (top, share) = STAGES
            .iter()
            .map(|s| (*s, group["share"][*s].as_f64().unwrap_or(0.0)))
            .fold(("", -1.0), |best, x| if x.1 > best.1 { x } else { best });
        let _ = write!(
            out,
            "| {}{} | {} | {:.0} |",
            group["name"].as_str().unwrap_or("?"),
            if group["kind"] == "pathological" {
                " (pathological)"
            } else {
                ""
            },
            group["pages"].as_u64().unwrap_or(0),
            group["pages_per_s"].as_f64().unwrap_or(f64::NAN),
        );
        for stage in STAGES {
            let _ = write!(out, " {:.2} |", ms(stage));
        }
        let _ = writeln!(out, " {:.2} | {top} {:.0} % |", ms("total"), share * 100.0);
    }
    Ok(out)
}

/// The heading of the breakdown's section in `docs/benchmarks.md`.
pub(crate) const HEADING: &str = "Where the engine's time goes";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_group_becomes_a_row_with_its_largest_stage() {
        let report = serde_json::json!({
            "schema": "riptide-extract-stages/1",
            "engine": "riptide native engine",
            "rounds": 1,
            "repeat": 5,
            "groups": [{
                "name": "deep nesting", "kind": "pathological", "pages": 1, "samples": 5,
                "pages_per_s": 40.0,
                "median_ms": {"parse": 20.0, "score": 2.0, "emit": 1.0, "metadata": 0.5,
                              "language": 0.25, "total": 24.0},
                "share": {"parse": 0.8, "score": 0.1, "emit": 0.05, "metadata": 0.03,
                          "language": 0.02}
            }]
        });
        let text = markdown(&report, "2026-01-01 00:00 UTC", "0.1").unwrap();
        assert!(
            text.contains(
                "| deep nesting (pathological) | 1 | 40 | 20.00 | 2.00 | 1.00 | 0.50 | 0.25 | 24.00 | parse 80 % |"
            ),
            "{text}"
        );
        let wrong = serde_json::json!({"schema": "other/2", "groups": []});
        assert!(markdown(&wrong, "", "").is_err());
    }
}
