//! `riptide validate`: check a component against the riptide:extractor WIT world.

use std::path::PathBuf;

use clap::ValueEnum;

use crate::Failure;

#[derive(Debug, clap::Args)]
pub(crate) struct ValidateArgs {
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

/// How the report is printed.
#[derive(Debug, Clone, Copy, ValueEnum)]
enum ReportFormat {
    Text,
    Json,
}

/// Validate `args.component`; exit code 1 when it does not match.
pub(crate) fn run(args: &ValidateArgs) -> Result<(), Failure> {
    use riptide::validation::{ExpectedWorld, Validator};
    let bytes = std::fs::read(&args.component)
        .map_err(|e| Failure::usage(format!("could not read {}: {e}", args.component.display())))?;
    let expected = match &args.wit {
        Some(dir) => ExpectedWorld::from_dir(dir, args.world.as_deref())
            .map_err(|e| Failure::usage(e.to_string()))?,
        None => ExpectedWorld::bundled(),
    };
    let validator = Validator::new(expected);
    let started = std::time::Instant::now();
    let report = validator.validate(&bytes);
    let elapsed = started.elapsed();
    match args.format {
        ReportFormat::Text => println!("{report}"),
        ReportFormat::Json => println!("{}", with_metrics(&report, elapsed)),
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

/// The report's JSON with the check's figures, as a pool records them at start-up
/// (`riptide_validation_startup_*` in the metrics): `"metrics": { "duration_us", "errors",
/// "warnings" }`.
fn with_metrics(
    report: &riptide::validation::ValidationReport,
    elapsed: std::time::Duration,
) -> String {
    let mut json: serde_json::Value =
        serde_json::from_str(&report.to_json()).unwrap_or_else(|_| serde_json::json!({}));
    if let Some(map) = json.as_object_mut() {
        map.insert(
            "metrics".into(),
            serde_json::json!({
                "duration_us": elapsed.as_secs_f64() * 1e6,
                "errors": report.errors().count(),
                "warnings": report.warnings().count(),
            }),
        );
    }
    serde_json::to_string_pretty(&json).unwrap_or_else(|_| report.to_json())
}
