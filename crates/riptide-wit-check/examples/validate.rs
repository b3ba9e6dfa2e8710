//! Validates component files against the bundled extractor world and prints the reports.
//!
//! `cargo run -p riptide-wit-check --example validate -- [--json] FILE...`

use std::process::ExitCode;

use riptide_wit_check::{ExpectedWorld, Validator};

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let json = args.iter().any(|a| a == "--json");
    let validator = Validator::new(ExpectedWorld::bundled());
    let mut ok = true;
    for path in args.iter().filter(|a| *a != "--json") {
        let bytes = match std::fs::read(path) {
            Ok(b) => b,
            Err(e) => {
                eprintln!("{path}: cannot read: {e}");
                ok = false;
                continue;
            }
        };
        let started = std::time::Instant::now();
        let report = validator.validate(&bytes);
        let elapsed = started.elapsed();
        if json {
            println!("{}", report.to_json());
        } else {
            println!(
                "{path} ({} bytes, validated in {elapsed:.2?}):\n{report}",
                bytes.len()
            );
        }
        ok &= report.is_valid();
    }
    if ok {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}
