//! `riptide`: extract the main content of web pages with a sandboxed WebAssembly extractor.
//!
//! Exit codes: 0 success, 1 extraction or validation failure, 2 usage error (bad arguments,
//! unreadable input file).

mod batch;

use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};
use riptide::{ExtractionMode, Extractor};

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
    Extract(ExtractArgs),
    /// Extract many pages: JSON lines on stdin, one JSON line per input on stdout.
    Batch(batch::BatchArgs),
    /// Check a component against the riptide:extractor WIT world (exit 0 valid, 1 invalid).
    Validate(ValidateArgs),
    /// Show the component's info, health and modes.
    Info {
        /// A component to use instead of the bundled one.
        #[arg(long, value_name = "PATH")]
        component: Option<PathBuf>,
    },
}

#[derive(Debug, clap::Args)]
struct ValidateArgs {
    /// The component (.wasm) to check.
    #[arg(value_name = "COMPONENT")]
    component: PathBuf,
    /// A WIT directory holding the expected world (default: the bundled riptide:extractor world).
    #[arg(long, value_name = "DIR")]
    wit: Option<PathBuf>,
    /// The world to expect in --wit (default: the only world there).
    #[arg(long, value_name = "NAME", requires = "wit")]
    world: Option<String>,
    /// Output format of the report.
    #[arg(long, value_enum, default_value = "text")]
    format: ReportFormat,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum ReportFormat {
    Text,
    Json,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum ModeArg {
    Article,
    Full,
    Metadata,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum Format {
    Json,
    Markdown,
    Text,
}

#[derive(Debug, clap::Args)]
struct ExtractArgs {
    /// The page's URL, for resolving links (default: http://localhost/).
    #[arg(long)]
    url: Option<String>,
    /// What to extract.
    #[arg(
        long,
        value_enum,
        default_value = "article",
        conflicts_with = "selector"
    )]
    mode: ModeArg,
    /// A CSS selector (repeatable); implies custom mode.
    #[arg(long = "selector", value_name = "CSS")]
    selector: Vec<String>,
    /// Output format.
    #[arg(long, value_enum, default_value = "json")]
    format: Format,
    /// Include the guest's figures (time, memory, nodes) in the JSON output.
    #[arg(long)]
    stats: bool,
    /// A component to use instead of the bundled one.
    #[arg(long, value_name = "PATH")]
    component: Option<PathBuf>,
    /// The HTML file, or `-` for standard input.
    #[arg(value_name = "FILE|-")]
    input: PathBuf,
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
            message: e.to_string(),
        }
    }
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
            Command::Extract(args) => extract(args).await,
            Command::Batch(args) => batch::run(args).await,
            Command::Validate(args) => validate(&args),
            Command::Info { component } => info(component).await,
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

/// Build an extractor with the bundled component or `component`.
pub(crate) async fn extractor(
    component: Option<&Path>,
    max_instances: Option<usize>,
) -> Result<Extractor, Failure> {
    let mut builder = Extractor::builder();
    if let Some(path) = component {
        builder = builder.component_path(path);
    }
    if let Some(n) = max_instances {
        let config = riptide::PoolConfig::builder()
            .max_instances(n.max(1))
            .build()
            .map_err(|e| Failure::usage(e.to_string()))?;
        builder = builder.pool_config(config);
    }
    Ok(builder.build().await?)
}

/// Read a page from a file or stdin; bytes that are not UTF-8 are replaced (binary input is
/// then refused by the input checks with a clear message).
fn read_input(path: &Path) -> Result<String, Failure> {
    let mut bytes = Vec::new();
    if path.as_os_str() == "-" {
        std::io::stdin()
            .read_to_end(&mut bytes)
            .map_err(|e| Failure::usage(format!("could not read standard input: {e}")))?;
    } else {
        bytes = std::fs::read(path)
            .map_err(|e| Failure::usage(format!("could not read {}: {e}", path.display())))?;
    }
    Ok(match String::from_utf8(bytes) {
        Ok(s) => s,
        Err(e) => String::from_utf8_lossy(e.as_bytes()).into_owned(),
    })
}

pub(crate) const DEFAULT_URL: &str = "http://localhost/";

async fn extract(args: ExtractArgs) -> Result<(), Failure> {
    let mode = if args.selector.is_empty() {
        match args.mode {
            ModeArg::Article => ExtractionMode::Article,
            ModeArg::Full => ExtractionMode::Full,
            ModeArg::Metadata => ExtractionMode::Metadata,
        }
    } else {
        ExtractionMode::Custom(args.selector)
    };
    let url = args.url.unwrap_or_else(|| {
        eprintln!("riptide: note: no --url given; relative links resolve against {DEFAULT_URL}");
        DEFAULT_URL.to_string()
    });
    let html = read_input(&args.input)?;
    let extractor = extractor(args.component.as_deref(), Some(2)).await?;
    let mut stdout = std::io::stdout().lock();
    let written = if args.stats {
        let (doc, stats) = extractor.extract_with_stats(html, &url, mode).await?;
        match args.format {
            Format::Json => {
                let mut value =
                    serde_json::to_value(&doc).map_err(|e| Failure::usage(e.to_string()))?;
                if let Some(map) = value.as_object_mut() {
                    map.insert(
                        "stats".into(),
                        serde_json::to_value(stats).map_err(|e| Failure::usage(e.to_string()))?,
                    );
                }
                writeln!(stdout, "{value}")
            }
            Format::Markdown => writeln!(stdout, "{}", doc.markdown),
            Format::Text => writeln!(stdout, "{}", doc.text),
        }
    } else {
        let doc = extractor.extract(html, &url, mode).await?;
        match args.format {
            Format::Json => {
                let json = serde_json::to_string_pretty(&doc)
                    .map_err(|e| Failure::usage(e.to_string()))?;
                writeln!(stdout, "{json}")
            }
            Format::Markdown => writeln!(stdout, "{}", doc.markdown),
            Format::Text => writeln!(stdout, "{}", doc.text),
        }
    };
    written.map_err(|e| Failure {
        code: 1,
        message: format!("could not write the output: {e}"),
    })
}

async fn info(component: Option<PathBuf>) -> Result<(), Failure> {
    let extractor = extractor(component.as_deref(), Some(1)).await?;
    let info = extractor.info().await?;
    let health = extractor.health().await?;
    let modes = extractor.modes().await?;
    // Which bytes ran: the bundled component's shipped digest, or the file's own.
    let component_sha256 = match &component {
        None => riptide::bundled_component_sha256().to_string(),
        Some(path) => {
            use sha2::Digest;
            let bytes = std::fs::read(path)
                .map_err(|e| Failure::usage(format!("could not read {}: {e}", path.display())))?;
            sha2::Sha256::digest(&bytes)
                .iter()
                .map(|b| format!("{b:02x}"))
                .collect()
        }
    };
    let value = serde_json::json!({
        "component": {
            "bundled": component.is_none(),
            "sha256": component_sha256,
        },
        "info": info,
        "health": health,
        "modes": modes,
    });
    let text = serde_json::to_string_pretty(&value).map_err(|e| Failure::usage(e.to_string()))?;
    println!("{text}");
    Ok(())
}

fn validate(args: &ValidateArgs) -> Result<(), Failure> {
    use riptide::validation::{ExpectedWorld, Validator};
    let bytes = std::fs::read(&args.component)
        .map_err(|e| Failure::usage(format!("could not read {}: {e}", args.component.display())))?;
    let expected = match &args.wit {
        Some(dir) => ExpectedWorld::from_dir(dir, args.world.as_deref())
            .map_err(|e| Failure::usage(e.to_string()))?,
        None => ExpectedWorld::bundled(),
    };
    let report = Validator::new(expected).validate(&bytes);
    match args.format {
        ReportFormat::Text => println!("{report}"),
        ReportFormat::Json => println!("{}", report.to_json()),
    }
    if report.is_valid() {
        Ok(())
    } else {
        Err(Failure {
            code: 1,
            message: format!(
                "{} does not match the expected world",
                args.component.display()
            ),
        })
    }
}
