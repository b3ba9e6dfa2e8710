//! Running the criterion benches of the crates and reading their estimates back.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::SystemTime;

use super::report::CriterionFigure;

/// The packages whose criterion benches `cargo xtask bench` runs.
pub(super) const PACKAGES: [&str; 4] = [
    "riptide-pool",
    "riptide-input-check",
    "riptide-wit-check",
    "riptide-benches",
];

/// Criterion's options: shortened under `--quick`.
pub(super) fn criterion_args(quick: bool) -> Vec<&'static str> {
    if quick {
        vec!["--warm-up-time", "0.5", "--measurement-time", "1"]
    } else {
        vec!["--warm-up-time", "2", "--measurement-time", "4"]
    }
}

/// The `cargo bench` command. `--bench '*'` selects the bench targets only: the libraries'
/// unit-test harnesses would reject criterion's options.
pub(super) fn command(cargo: &str, root: &Path, quick: bool) -> Command {
    let mut cmd = Command::new(cargo);
    cmd.current_dir(root).arg("bench");
    if super::util::debug_profile() {
        cmd.args(["--profile", "dev"]);
    }
    for p in PACKAGES {
        cmd.args(["-p", p]);
    }
    cmd.args(["--bench", "*", "--"]);
    cmd.args(criterion_args(quick));
    cmd
}

/// The command as a user would type it.
pub(super) fn command_line(quick: bool) -> String {
    let mut line = "cargo bench".to_string();
    for p in PACKAGES {
        line.push_str(" -p ");
        line.push_str(p);
    }
    line.push_str(" --bench '*' --");
    for a in criterion_args(quick) {
        line.push(' ');
        line.push_str(a);
    }
    line
}

/// Read `<home>/**/new/{benchmark,estimates}.json` written since `since`.
pub(super) fn read_estimates(home: &Path, since: SystemTime) -> BTreeMap<String, CriterionFigure> {
    let mut out = BTreeMap::new();
    let mut stack: Vec<PathBuf> = vec![home.to_path_buf()];
    while let Some(dir) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                if path.file_name().is_some_and(|n| n == "new") {
                    if let Some((id, figure)) = read_one(&path, since) {
                        out.insert(id, figure);
                    }
                } else {
                    stack.push(path);
                }
            }
        }
    }
    out
}

fn read_one(dir: &Path, since: SystemTime) -> Option<(String, CriterionFigure)> {
    let estimates_path = dir.join("estimates.json");
    let modified = std::fs::metadata(&estimates_path).ok()?.modified().ok()?;
    if modified < since {
        return None;
    }
    let benchmark: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("benchmark.json")).ok()?).ok()?;
    let estimates: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(estimates_path).ok()?).ok()?;
    let id = benchmark.get("full_id")?.as_str()?.to_string();
    let point = |k: &str| {
        estimates
            .get(k)
            .and_then(|e| e.get("point_estimate"))
            .and_then(serde_json::Value::as_f64)
    };
    Some((
        id,
        CriterionFigure {
            median_ns: point("median")?,
            mean_ns: point("mean")?,
        },
    ))
}
