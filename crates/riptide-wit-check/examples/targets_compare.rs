//! Runs `wit_component::targets` on the real guest and on a few fixtures, to compare its
//! answers with this crate's reports (see docs/validation.md).
//!
//! `cargo run -p riptide-wit-check --example targets_compare [-- FILE]`

use riptide_test_support::fixtures;
use riptide_wit_check::ExpectedWorld;

fn main() {
    let world = ExpectedWorld::bundled();
    let mut inputs: Vec<(String, Vec<u8>)> = std::env::args()
        .skip(1)
        .filter_map(|p| std::fs::read(&p).ok().map(|b| (p, b)))
        .collect();
    for f in fixtures::catalogue() {
        if [
            "valid",
            "field-type-changed",
            "renamed-export",
            "many-mismatches",
            "valid-wasi-import",
        ]
        .contains(&f.name)
        {
            inputs.push((f.name.to_string(), f.bytes));
        }
    }
    for (name, bytes) in inputs {
        for semver in [false, true] {
            let r = wit_component::targets(world.resolve(), world.world(), &bytes, semver);
            let outcome = match r {
                Ok(()) => "ok".to_string(),
                Err(e) => format!("error: {e:#}"),
            };
            println!("{name} (semver_compatible={semver}): {outcome}");
        }
    }
}
