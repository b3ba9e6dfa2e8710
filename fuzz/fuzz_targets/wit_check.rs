//! The WIT validator on arbitrary bytes: never panics, and the report is coherent (valid
//! exactly when it has no error, one line per issue plus the summary, JSON that parses).

#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use riptide_wit_check::{ExpectedWorld, Validator};

fn validator() -> &'static Validator {
    static V: OnceLock<Validator> = OnceLock::new();
    V.get_or_init(|| Validator::new(ExpectedWorld::bundled()))
}

fuzz_target!(|bytes: &[u8]| {
    // The report cache would grow with every input and hide repeated work.
    validator().clear_cache();
    let report = validator().validate(bytes);
    assert_eq!(report.is_valid(), report.errors().next().is_none());
    assert_eq!(
        report.to_string().lines().count(),
        report.issues().len() + 1
    );
    assert!(serde_json::from_str::<serde_json::Value>(&report.to_json()).is_ok());
});
