//! Smoke runs of `cargo xtask bench --quick` and `cargo xtask soak --quick`, so that the
//! benchmark harness and the soak cannot rot and the soak's checks (every healthy result equal
//! to the page run alone, every hostile request failing as it should, no leak) run with the
//! test suite.
//!
//! They run the `xtask` binary that `cargo test --workspace` builds beside this test, in the
//! dev profile: the benchmark figures are meaningless here and are not asserted (numbers
//! come from `cargo xtask bench`, see `docs/benchmarks.md`). Without the evaluation corpus
//! (`../shared/corpus`) both run on the pages committed in `fixtures/`.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Mutex;

/// One smoke run at a time: both load the machine, and the soak checks deadlines.
static ONE_AT_A_TIME: Mutex<()> = Mutex::new(());

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask lives in the workspace")
        .to_path_buf()
}

/// `xtask <args>` in the workspace, with the corpus or the committed fixtures; its output
/// is shown when it fails.
fn xtask(args: &[&str], envs: &[(&str, &str)]) {
    let _one = ONE_AT_A_TIME
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    let root = workspace();
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_xtask"));
    cmd.current_dir(&root).args(args).envs(envs.iter().copied());
    if !root.join("..").join("shared").join("corpus").is_dir() {
        cmd.env("RIPTIDE_CORPUS", &root)
            .env("RIPTIDE_BENCH_PAGES", "benches/pages-fixtures.txt");
    }
    let out = cmd.output().expect("the xtask binary runs");
    assert!(
        out.status.success(),
        "xtask {} failed ({}):\n--- stdout\n{}\n--- stderr\n{}",
        args.join(" "),
        out.status,
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn bench_quick_runs_every_part_and_writes_its_report() {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("bench-smoke");
    std::fs::create_dir_all(&dir).unwrap();
    let json = dir.join("report.json");
    let docs = dir.join("benchmarks.md");
    let _ = std::fs::remove_file(&json);
    xtask(
        &[
            "bench",
            "--quick",
            "--skip-criterion",
            "--json",
            json.to_str().unwrap(),
            "--docs",
            docs.to_str().unwrap(),
        ],
        &[("RIPTIDE_BENCH_DEBUG", "1")],
    );
    let report: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&json).unwrap()).unwrap();
    assert_eq!(report["quick"], true);
    for field in [
        "hot_acquire_p50_ns",
        "warm_acquire_p50_us",
        "wit_validation_ms",
    ] {
        let value = report[field].as_f64().unwrap_or(-1.0);
        assert!(value > 0.0, "{field} = {value}: not measured");
    }
    // Every strategy measured, tiering off among them.
    for strategy in [
        "naive",
        "pooled-fresh",
        "pooled-reuse",
        "pooled-untiered",
        "native",
    ] {
        let p50 = report["strategies"][strategy]["p50_us"]
            .as_f64()
            .unwrap_or(-1.0);
        assert!(p50 > 0.0, "{strategy}: p50 {p50}");
    }
    let startup = &report["startup_ms"];
    for field in ["compile", "cached", "cached_filled"] {
        let value = startup[field].as_f64().unwrap_or(-1.0);
        assert!(value > 0.0, "startup_ms.{field} = {value}: not measured");
    }
    for field in ["hot_hit_rate", "hot_hit_rate_tiny"] {
        let rate = report[field].as_f64().unwrap_or(-1.0);
        assert!((0.0..=1.0).contains(&rate), "{field} = {rate}");
    }
    let text = std::fs::read_to_string(&docs).unwrap();
    assert!(text.contains("RIPTIDE_BENCH_DEBUG=1 cargo xtask bench --quick"));
    assert!(text.contains("| pooled-untiered |"), "{text}");
}

#[test]
fn soak_quick_loses_no_healthy_request_and_leaks_nothing() {
    // The soak exits with an error listing every broken expectation; its figures go to the
    // file given (a quick run writes no doc of its own).
    let docs = Path::new(env!("CARGO_TARGET_TMPDIR")).join("soak-smoke.md");
    let _ = std::fs::remove_file(&docs);
    xtask(&["soak", "--quick", "--docs", docs.to_str().unwrap()], &[]);
    let text = std::fs::read_to_string(&docs).unwrap();
    assert!(text.contains("<!-- soak:results:begin -->"), "{text}");
    assert!(
        text.contains("- command: `cargo xtask soak --quick`"),
        "{text}"
    );
    assert!(
        text.contains("- verdict: **passed**, every check below met"),
        "{text}"
    );
    assert!(
        text.contains("| requests | 1,000 at concurrency 16"),
        "{text}"
    );
}
