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
