//! `riptide batch`: many pages in (JSON lines on stdin, WARC files, a folder), one JSON result
//! per page out, in input order.

use std::collections::VecDeque;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Instant;

use riptide::Extractor;
use serde_json::{Map, Value, json};
use tokio::task::JoinHandle;

use crate::extract::ModeArg;
use crate::input::{self, Counters, Item, Page};
use crate::output::Sink;
use crate::progress::{Progress, Total};
use crate::{DEFAULT_URL, Failure};

#[derive(Debug, clap::Args)]
#[command(after_help = "input (one of):
  (default)           JSON lines on stdin: {\"id\", \"url\", \"html\" | \"path\", \"mode\", \"selectors\", \"content_type\"}
  --warc FILE...      WARC files (.warc or .warc.gz): every response/resource record with an HTML
                      payload; id = WARC-Record-ID, with the record's url, date and warc file
  --input-dir DIR     *.html, *.htm, *.html.gz below DIR; id = the file's path

Pages given as bytes (\"path\", WARC, folders) are decoded as browsers do: BOM, HTTP charset,
<meta charset>, else sniffing; the result line tells which (\"encoding\").

output: JSON lines on stdout, or --output FILE (JSON lines), or --output-dir DIR (one JSON file
per page). Each result is flushed when written; after an interruption, --resume skips the ids the
output already holds. Progress is shown on stderr when it is a terminal.")]
pub(crate) struct BatchArgs {
    /// Extractions run at once (default: the number of cores).
    #[arg(long, value_name = "N")]
    jobs: Option<usize>,
    /// A component to use instead of the bundled one.
    #[arg(long, value_name = "PATH")]
    component: Option<PathBuf>,
    /// Write the metrics (Prometheus text format: the pool's, per tier too, and the
    /// validation's) to this file at the end.
    #[arg(long, value_name = "FILE")]
    metrics: Option<PathBuf>,
    #[command(flatten)]
    pool: crate::PoolArgs,
    /// Read the pages of these WARC files (plain or .gz) instead of JSON lines on stdin.
    #[arg(long, value_name = "FILE", num_args = 1.., conflicts_with = "input_dir")]
    warc: Vec<PathBuf>,
    /// Read the pages saved below this folder (*.html, *.htm, *.html.gz, *.htm.gz).
    #[arg(long, value_name = "DIR")]
    input_dir: Option<PathBuf>,
    /// With --input-dir: the URL the folder stands for; a page's URL is this joined with its
    /// path below the folder (default: http://localhost/).
    #[arg(long, value_name = "URL", requires = "input_dir")]
    base_url: Option<String>,
    /// What to extract from WARC and folder pages, and from JSON lines without a "mode".
    #[arg(long, value_enum, default_value = "article")]
    mode: ModeArg,
    /// Write the results as JSON lines to this file instead of standard output.
    #[arg(long, value_name = "FILE", conflicts_with = "output_dir")]
    output: Option<PathBuf>,
    /// Write one JSON file per page into this folder instead of JSON lines.
    #[arg(long, value_name = "DIR")]
    output_dir: Option<PathBuf>,
    /// Skip the pages whose ids the output (--output or --output-dir) already holds, and add
    /// the others: continues an interrupted run.
    #[arg(long)]
    resume: bool,
}

/// Where the pages come from.
enum Source {
    Stdin,
    Warc(Vec<PathBuf>),
    Dir {
        root: PathBuf,
        entries: Vec<input::dir::Entry>,
        base: url::Url,
    },
}

impl Source {
    fn from_args(args: &BatchArgs) -> Result<(Source, Total), Failure> {
        if !args.warc.is_empty() {
            let bytes = args
                .warc
                .iter()
                .filter_map(|p| std::fs::metadata(p).ok())
                .map(|m| m.len())
                .sum();
            return Ok((Source::Warc(args.warc.clone()), Total::Bytes(bytes)));
        }
        let Some(root) = &args.input_dir else {
            return Ok((Source::Stdin, Total::Unknown));
        };
        if !root.is_dir() {
            return Err(Failure::usage(format!(
                "--input-dir {}: not a folder (give the folder that holds the saved pages)",
                root.display()
            )));
        }
        let base_text = args.base_url.as_deref().unwrap_or(DEFAULT_URL);
        let mut base = url::Url::parse(base_text).map_err(|e| {
            Failure::usage(format!(
                "--base-url {base_text}: not a URL ({e}); give one like https://example.com/"
            ))
        })?;
        if !base.path().ends_with('/') {
            let path = format!("{}/", base.path());
            base.set_path(&path);
        }
        let entries = input::dir::list(root);
        let total = Total::Pages(entries.len() as u64);
        Ok((
            Source::Dir {
                root: root.clone(),
                entries,
                base,
            },
            total,
        ))
    }

    /// Read the source in a thread of its own, sending items into `tx` until it ends or the
    /// batch stops taking them.
    fn spawn(
        self,
        mode: riptide::ExtractionMode,
        counters: Arc<Counters>,
        tx: tokio::sync::mpsc::Sender<Item>,
    ) {
        std::thread::spawn(move || {
            let mut emit = |item: Item| tx.blocking_send(item).is_ok();
            match self {
                Source::Stdin => {
                    input::jsonl::read(std::io::stdin().lock(), &mode, &mut emit);
                }
                Source::Warc(paths) => input::warc::read(&paths, &mode, &counters, &mut emit),
                Source::Dir {
                    root,
                    entries,
                    base,
                } => input::dir::read(&root, entries, &base, &mode, &mut emit),
            }
        });
    }
}

fn error_value(kind: &str, message: &str) -> Value {
    json!({ "kind": kind, "message": message })
}

/// Answer one item: its output line, and whether it is a success.
pub(crate) async fn answer(extractor: Extractor, item: Item) -> (Value, bool) {
    let Item {
        id,
        fields,
        request,
    } = item;
    let mut line = Map::new();
    line.insert("id".into(), id);
    for (name, value) in fields {
        line.insert(name.into(), value);
    }
    let request = match request {
        Ok(request) => request,
        Err(e) => {
            line.insert("error".into(), error_value(e.kind, &e.message));
            return (Value::Object(line), false);
        }
    };
    let html = match request.page {
        Page::Text(text) => text,
        Page::Bytes {
            bytes,
            content_type,
        } => {
            let decoded = riptide::decode_html(&bytes, content_type.as_deref());
            line.insert(
                "encoding".into(),
                json!({ "charset": decoded.encoding.name(), "from": decoded.source.as_str() }),
            );
            decoded.text
        }
    };
    let ok = match extractor.extract(html, &request.url, request.mode).await {
        Ok(doc) => match serde_json::to_value(doc) {
            Ok(doc) => {
                line.insert("ok".into(), doc);
                true
            }
            Err(e) => {
                line.insert(
                    "error".into(),
                    error_value("internal", &format!("the result does not serialise: {e}")),
                );
                false
            }
        },
        Err(e) => {
            line.insert("error".into(), error_value(e.kind(), &crate::report(&e)));
            false
        }
    };
    (Value::Object(line), ok)
}

/// What the run counted, for progress and the summary line.
#[derive(Default)]
struct Tally {
    pages: u64,
    errors: u64,
    resumed: u64,
}

pub(crate) async fn run(args: BatchArgs) -> Result<(), Failure> {
    let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
    let jobs = args.jobs.unwrap_or(cores);
    if jobs == 0 {
        return Err(Failure::usage("--jobs must be at least 1"));
    }
    let mut sink = Sink::open(
        args.output.as_deref(),
        args.output_dir.as_deref(),
        args.resume,
    )
    .map_err(|e| Failure::usage(crate::report(&e)))?;
    if args.resume {
        eprintln!(
            "riptide batch: resuming; the output holds {} results, their pages are skipped",
            sink.held()
        );
    }
    let (source, total) = Source::from_args(&args)?;
    let extractor = crate::extractor(args.component.as_deref(), Some(jobs), args.pool).await?;
    let started = Instant::now();
    let counters = Arc::new(Counters::default());
    let (tx, mut rx) = tokio::sync::mpsc::channel::<Item>(jobs * 2 + 16);
    source.spawn(args.mode.mode(), Arc::clone(&counters), tx);
    let progress = Progress::new(total);
    let mut pending: VecDeque<JoinHandle<(Value, bool)>> = VecDeque::new();
    let mut tally = Tally::default();
    let mut interrupted = false;
    let ctrl_c = tokio::signal::ctrl_c();
    tokio::pin!(ctrl_c);

    let finish_one = |result: Result<(Value, bool), tokio::task::JoinError>,
                      sink: &mut Sink,
                      tally: &mut Tally| {
        let (line, ok) = result.unwrap_or_else(|e| {
            (
                json!({ "id": Value::Null, "error": error_value("internal", &format!("the extraction task failed: {e}")) }),
                false,
            )
        });
        tally.pages += 1;
        if !ok {
            tally.errors += 1;
        }
        let position = match total {
            Total::Bytes(_) => Counters::get(&counters.bytes_read),
            _ => tally.pages + tally.resumed,
        };
        progress.update(tally.pages, tally.errors, position);
        sink.write(&line).map_err(|e| Failure {
            code: 1,
            message: crate::report(&e),
        })
    };

    loop {
        let next = tokio::select! {
            item = rx.recv() => item,
            _ = &mut ctrl_c => {
                interrupted = true;
                break;
            }
        };
        let Some(item) = next else { break };
        if sink.holds(&item.id) {
            tally.resumed += 1;
            continue;
        }
        pending.push_back(tokio::spawn(answer(extractor.clone(), item)));
        while pending.len() >= jobs {
            if let Some(handle) = pending.pop_front() {
                finish_one(handle.await, &mut sink, &mut tally)?;
            }
        }
    }
    // Every request taken so far gets its result, also after Ctrl-C.
    while let Some(handle) = pending.pop_front() {
        finish_one(handle.await, &mut sink, &mut tally)?;
    }
    drop(rx);
    progress.finish();
    eprintln!("{}", summary(&tally, &counters, started, interrupted));
    if let Some(path) = args.metrics {
        std::fs::write(&path, extractor.metrics().to_prometheus()).map_err(|e| Failure {
            code: 1,
            message: format!("could not write the metrics to {}: {e}", path.display()),
        })?;
    }
    extractor.shutdown().await;
    Ok(())
}

/// `riptide batch: N pages, N errors, S s, R pages/s`, then what was skipped, if anything.
fn summary(tally: &Tally, counters: &Counters, started: Instant, interrupted: bool) -> String {
    let elapsed = started.elapsed().as_secs_f64();
    #[allow(clippy::cast_precision_loss)]
    let rate = if elapsed > 0.0 {
        tally.pages as f64 / elapsed
    } else {
        0.0
    };
    let mut line = format!(
        "riptide batch: {} pages, {} errors, {elapsed:.2} s, {rate:.1} pages/s",
        tally.pages, tally.errors
    );
    let skipped: Vec<String> = [
        (tally.resumed, "already in the output"),
        (Counters::get(&counters.not_html), "not HTML"),
        (Counters::get(&counters.not_2xx), "HTTP status not 2xx"),
        (Counters::get(&counters.other_records), "other WARC records"),
    ]
    .into_iter()
    .filter(|(n, _)| *n > 0)
    .map(|(n, what)| format!("{n} {what}"))
    .collect();
    if !skipped.is_empty() {
        line.push_str("; skipped: ");
        line.push_str(&skipped.join(", "));
    }
    if interrupted {
        line.push_str(" (interrupted)");
    }
    line
}
