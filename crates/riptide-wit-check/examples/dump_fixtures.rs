//! Prints the report of every fixture (used to write docs/validation.md).
//!
//! `cargo run -p riptide-wit-check --example dump_fixtures [--json]`

use riptide_test_support::fixtures;
use riptide_wit_check::{ExpectedWorld, Validator};

fn main() {
    let json = std::env::args().any(|a| a == "--json");
    let validator = Validator::new(ExpectedWorld::bundled());
    for fixture in fixtures::catalogue() {
        let report = validator.validate(&fixture.bytes);
        println!(
            "== {} ({} bytes): {}",
            fixture.name,
            fixture.bytes.len(),
            fixture.description
        );
        if json {
            println!("{}", report.to_json());
        } else {
            println!("{report}");
        }
        println!();
    }
}
