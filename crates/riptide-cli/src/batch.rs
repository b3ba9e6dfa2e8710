//! `riptide batch`: JSON lines in, one JSON line per input out, in input order.

use std::collections::VecDeque;
use std::io::Write;
use std::path::PathBuf;
use std::time::Instant;

use riptide::{ExtractionMode, Extractor};
use serde::Deserialize;
use serde_json::{Value, json};
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::task::JoinHandle;

use crate::Failure;

#[derive(Debug, clap::Args)]
pub(crate) struct BatchArgs {
    /// Extractions run at once (default: the number of cores).
    #[arg(long, value_name = "N")]
    jobs: Option<usize>,
    /// A component to use instead of the bundled one.
    #[arg(long, value_name = "PATH")]
    component: Option<PathBuf>,
    /// Write the pool's metrics (Prometheus text format) to this file at the end.
    #[arg(long, value_name = "FILE")]
    metrics: Option<PathBuf>,
}

/// One input line.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Line {
    /// Read from the raw value (so that even a malformed line keeps its id).
    #[serde(default, rename = "id")]
    _id: Value,
    url: Option<String>,
    path: Option<PathBuf>,
    html: Option<String>,
    mode: Option<String>,
    selectors: Option<Vec<String>>,
}

fn error_line(id: &Value, kind: &str, message: &str) -> Value {
    json!({ "id": id, "error": { "kind": kind, "message": message } })
}

/// Turn one input line into a request, or the error line that answers it.
fn parse_line(raw: &str) -> Result<(Value, String, String, ExtractionMode), Value> {
    let value: Value = serde_json::from_str(raw).map_err(|e| {
        error_line(
            &Value::Null,
            "invalid_json",
            &format!("the line is not JSON: {e}"),
        )
    })?;
    let id = value.get("id").cloned().unwrap_or(Value::Null);
    let line: Line = serde_json::from_value(value).map_err(|e| {
        error_line(
            &id,
            "invalid_line",
            &format!("the line does not fit the batch format: {e}"),
        )
    })?;
    let url = line
        .url
        .ok_or_else(|| error_line(&id, "invalid_line", "the line has no \"url\""))?;
    let html = match (line.path, line.html) {
        (Some(_), Some(_)) => {
            return Err(error_line(
                &id,
                "invalid_line",
                "give either \"path\" or \"html\", not both",
            ));
        }
        (None, None) => {
            return Err(error_line(
                &id,
                "invalid_line",
                "the line has neither \"path\" nor \"html\"",
            ));
        }
        (None, Some(html)) => html,
        (Some(path), None) => {
            let bytes = std::fs::read(&path).map_err(|e| {
                error_line(
                    &id,
                    "io",
                    &format!("could not read {}: {e}", path.display()),
                )
            })?;
            match String::from_utf8(bytes) {
                Ok(s) => s,
                Err(e) => String::from_utf8_lossy(e.as_bytes()).into_owned(),
            }
        }
    };
    let mode = match (line.mode.as_deref(), line.selectors) {
        (None, Some(selectors)) => ExtractionMode::Custom(selectors),
        (Some(name), selectors) => match riptide::mode(name, Vec::new()) {
            Ok(ExtractionMode::Custom(_)) => ExtractionMode::Custom(selectors.unwrap_or_default()),
            Ok(mode) => {
                if selectors.is_some() {
                    return Err(error_line(
                        &id,
                        "invalid_line",
                        &format!("\"selectors\" only go with mode \"custom\", not \"{name}\""),
                    ));
                }
                mode
            }
            Err(e) => return Err(error_line(&id, e.kind(), &crate::report(&e))),
        },
        (None, None) => ExtractionMode::Article,
    };
    Ok((id, url, html, mode))
}

async fn answer(extractor: Extractor, raw: String) -> (Value, bool) {
    let (id, url, html, mode) = match parse_line(&raw) {
        Ok(request) => request,
        Err(line) => return (line, false),
    };
    match extractor.extract(html, &url, mode).await {
        Ok(doc) => (json!({ "id": id, "ok": doc }), true),
        Err(e) => (error_line(&id, e.kind(), &crate::report(&e)), false),
    }
}

fn emit(out: &mut dyn Write, line: &Value) -> Result<(), Failure> {
    writeln!(out, "{line}")
        .and_then(|()| out.flush())
        .map_err(|e| Failure {
            code: 1,
            message: format!("could not write to standard output: {e}"),
        })
}

pub(crate) async fn run(args: BatchArgs) -> Result<(), Failure> {
    let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
    let jobs = args.jobs.unwrap_or(cores);
    if jobs == 0 {
        return Err(Failure::usage("--jobs must be at least 1"));
    }
    let extractor = crate::extractor(args.component.as_deref(), Some(jobs)).await?;
    let started = Instant::now();
    let mut lines = BufReader::new(tokio::io::stdin()).lines();
    let mut pending: VecDeque<JoinHandle<(Value, bool)>> = VecDeque::new();
    let mut out = std::io::stdout().lock();
    let (mut pages, mut errors) = (0u64, 0u64);
    let mut interrupted = false;
    let ctrl_c = tokio::signal::ctrl_c();
    tokio::pin!(ctrl_c);

    let mut finish_one = |result: Result<(Value, bool), tokio::task::JoinError>,
                          out: &mut dyn Write| {
        let (line, ok) = result.unwrap_or_else(|e| {
            (
                error_line(
                    &Value::Null,
                    "internal",
                    &format!("the extraction task failed: {e}"),
                ),
                false,
            )
        });
        pages += 1;
        if !ok {
            errors += 1;
        }
        emit(out, &line)
    };

    loop {
        let next = tokio::select! {
            line = lines.next_line() => line,
            _ = &mut ctrl_c => {
                interrupted = true;
                break;
            }
        };
        let raw = match next {
            Ok(Some(raw)) => raw,
            Ok(None) => break,
            Err(e) => {
                eprintln!("riptide: stopped reading standard input: {e}");
                break;
            }
        };
        if raw.trim().is_empty() {
            continue;
        }
        pending.push_back(tokio::spawn(answer(extractor.clone(), raw)));
        while pending.len() >= jobs {
            if let Some(handle) = pending.pop_front() {
                finish_one(handle.await, &mut out)?;
            }
        }
    }
    // Every request read so far gets its line, also after Ctrl-C.
    while let Some(handle) = pending.pop_front() {
        finish_one(handle.await, &mut out)?;
    }
    drop(out);
    let elapsed = started.elapsed().as_secs_f64();
    #[allow(clippy::cast_precision_loss)]
    let rate = if elapsed > 0.0 {
        pages as f64 / elapsed
    } else {
        0.0
    };
    eprintln!(
        "riptide batch: {pages} pages, {errors} errors, {elapsed:.2} s, {rate:.1} pages/s{}",
        if interrupted { " (interrupted)" } else { "" }
    );
    if let Some(path) = args.metrics {
        std::fs::write(&path, extractor.metrics().to_prometheus()).map_err(|e| Failure {
            code: 1,
            message: format!("could not write the metrics to {}: {e}", path.display()),
        })?;
    }
    extractor.shutdown().await;
    Ok(())
}
