//! `riptide extract`: extract one page.

use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use clap::ValueEnum;
use riptide::ExtractionMode;

use crate::{DEFAULT_URL, Failure, extractor};

/// The modes without selectors.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub(crate) enum ModeArg {
    Article,
    Full,
    Metadata,
}

impl ModeArg {
    pub(crate) fn mode(self) -> ExtractionMode {
        match self {
            ModeArg::Article => ExtractionMode::Article,
            ModeArg::Full => ExtractionMode::Full,
            ModeArg::Metadata => ExtractionMode::Metadata,
        }
    }
}

/// What is printed.
#[derive(Debug, Clone, Copy, ValueEnum)]
enum Format {
    Json,
    Markdown,
    Text,
}

#[derive(Debug, clap::Args)]
pub(crate) struct ExtractArgs {
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
    /// The HTTP Content-Type the page was served with (its charset decodes the page, e.g.
    /// "text/html; charset=Shift_JIS"); without it, a BOM, a <meta charset>, or sniffing.
    #[arg(long, value_name = "TYPE")]
    content_type: Option<String>,
    /// A component to use instead of the bundled one.
    #[arg(long, value_name = "PATH")]
    component: Option<PathBuf>,
    #[command(flatten)]
    pool: crate::PoolArgs,
    /// The HTML file, or `-` for standard input.
    #[arg(value_name = "FILE|-")]
    input: PathBuf,
}

/// Read a page from a file (gunzipped when its name ends in `.gz`) or stdin, decoded as a
/// browser would (BOM, `<meta charset>`, else sniffing; see `riptide::decode_html`). Bytes
/// malformed in that encoding are replaced (binary input is then refused by the input checks
/// with a clear message).
pub(crate) fn read_input(path: &Path, content_type: Option<&str>) -> Result<String, Failure> {
    let mut bytes = Vec::new();
    if path.as_os_str() == "-" {
        std::io::stdin()
            .read_to_end(&mut bytes)
            .map_err(|e| Failure::usage(format!("could not read standard input: {e}")))?;
    } else {
        bytes = crate::input::read_page_file(path)
            .map_err(|e| Failure::usage(format!("could not read {}: {e}", path.display())))?;
    }
    Ok(riptide::decode_html(&bytes, content_type).text)
}

/// Extract the page `args.input` and print it in `args.format`.
pub(crate) async fn run(args: ExtractArgs) -> Result<(), Failure> {
    let mode = if args.selector.is_empty() {
        args.mode.mode()
    } else {
        ExtractionMode::Custom(args.selector)
    };
    let url = args.url.unwrap_or_else(|| {
        eprintln!("riptide: note: no --url given; relative links resolve against {DEFAULT_URL}");
        DEFAULT_URL.to_string()
    });
    let html = read_input(&args.input, args.content_type.as_deref())?;
    let extractor = extractor(args.component.as_deref(), Some(2), args.pool).await?;
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
