//! `riptide`: extract the main content of web pages with a sandboxed WebAssembly extractor.
//!
//! Exit codes: 0 success, 1 extraction or validation failure, 2 usage error (bad arguments,
//! unreadable input file).

mod batch;
mod extract;
mod info;
mod input;
mod output;
mod progress;
mod serve;
mod validate;

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use riptide::Extractor;

/// Extract the main content of web pages (title, byline, date, text, markdown, links, media,
/// language) inside a WebAssembly sandbox.
#[derive(Debug, Parser)]
#[command(name = "riptide", version, about, long_about = None)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Extract one page (a file, or `-` for standard input).
    Extract(extract::ExtractArgs),
    /// Extract many pages (JSON lines on stdin, WARC files or a folder), one JSON result per
    /// page (stdout, a file or a folder).
    Batch(batch::BatchArgs),
    /// Check a component against the riptide:extractor WIT world (exit 0 valid, 1 invalid).
    Validate(validate::ValidateArgs),
    /// Serve extraction over HTTP (POST /v1/extract, /v1/batch; GET /v1/info, /healthz,
    /// /readyz, /metrics) until SIGTERM or Ctrl-C.
    Serve(serve::ServeArgs),
    /// Show the component's info, health and modes.
    Info {
        /// A component to use instead of the bundled one.
        #[arg(long, value_name = "PATH")]
        component: Option<PathBuf>,
    },
}

/// A failure, with its exit code.
pub(crate) struct Failure {
    code: u8,
    message: String,
}

impl Failure {
    pub(crate) fn usage(message: impl Into<String>) -> Self {
        Failure {
            code: 2,
            message: message.into(),
        }
    }
}

impl From<riptide::Error> for Failure {
    fn from(e: riptide::Error) -> Self {
        Failure {
            code: 1,
            message: report(&e),
        }
    }
}

/// An error and its causes on one line, as `error: cause: root cause`.
pub(crate) fn report(error: &dyn std::error::Error) -> String {
    let mut line = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        line.push_str(": ");
        line.push_str(&cause.to_string());
        source = cause.source();
    }
    line
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("riptide: could not start the async runtime: {e}");
            return ExitCode::from(1);
        }
    };
    let result = runtime.block_on(async move {
        match cli.command {
            Command::Extract(args) => extract::run(args).await,
            Command::Batch(args) => batch::run(args).await,
            Command::Validate(args) => validate::run(&args),
            Command::Info { component } => info::run(component).await,
            Command::Serve(args) => serve::run(args).await,
        }
    });
    // Every result is written by now. Do not wait for blocking tasks: after Ctrl-C, tokio's
    // reader of an open stdin sits in a blocking read() that only the next line or EOF ends,
    // and dropping the runtime would wait for it.
    runtime.shutdown_background();
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(failure) => {
            // One readable line: no debug dump, no panic.
            let line = failure.message.lines().collect::<Vec<_>>().join(" ");
            eprintln!("riptide: {line}");
            ExitCode::from(failure.code)
        }
    }
}

/// Switches of the pool shared by `extract` and `batch`, for debugging.
#[derive(Debug, Clone, Copy, Default, clap::Args)]
pub(crate) struct PoolArgs {
    /// Instantiate a fresh instance per request: no hot tier, no refill thread, no idle
    /// instance kept (for debugging, and hosts where idle instances are unwelcome).
    #[arg(long)]
    no_tiering: bool,
    /// DEBUGGING ONLY: skip the start-up check of the component against the
    /// riptide:extractor WIT world. A warning is printed and recorded in the metrics.
    #[arg(long)]
    skip_wit_check: bool,
}

/// Build an extractor with the bundled component or `component`; print the warnings of its
/// start (a skipped WIT check) on stderr.
pub(crate) async fn extractor(
    component: Option<&Path>,
    max_instances: Option<usize>,
    switches: PoolArgs,
) -> Result<Extractor, Failure> {
    let mut builder = Extractor::builder();
    if let Some(path) = component {
        builder = builder.component_path(path);
    }
    if max_instances.is_some() || switches.no_tiering {
        let mut config = riptide::PoolConfig::builder().tiering(!switches.no_tiering);
        if let Some(n) = max_instances {
            config = config.max_instances(n.max(1));
        }
        let config = config.build().map_err(|e| Failure::usage(e.to_string()))?;
        builder = builder.pool_config(config);
    }
    if switches.skip_wit_check {
        builder = builder.skip_wit_check();
    }
    let extractor = builder.build().await?;
    for warning in extractor.warnings() {
        eprintln!("riptide: warning: {warning}");
    }
    Ok(extractor)
}

pub(crate) const DEFAULT_URL: &str = "http://localhost/";
