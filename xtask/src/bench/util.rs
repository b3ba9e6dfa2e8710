//! Small helpers of the benchmark task: order statistics, the machine's description, the
//! date, resident memory.

use std::time::Duration;

/// Microseconds of a duration.
pub(crate) fn us(d: Duration) -> f64 {
    d.as_secs_f64() * 1e6
}

/// Milliseconds of a duration.
pub(crate) fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}

/// The `q` quantile (0..=1, nearest rank) of `values`; 0 when empty.
pub(crate) fn quantile(values: &[f64], q: f64) -> f64 {
    if values.is_empty() {
        return 0.0;
    }
    let mut sorted = values.to_vec();
    sorted.sort_by(f64::total_cmp);
    #[allow(
        clippy::cast_possible_truncation,
        clippy::cast_sign_loss,
        clippy::cast_precision_loss
    )]
    let rank = ((q.clamp(0.0, 1.0) * sorted.len() as f64).ceil() as usize).max(1);
    sorted[rank.min(sorted.len()) - 1]
}

/// The median of `values`; 0 when empty.
pub(crate) fn median(values: &[f64]) -> f64 {
    if values.is_empty() {
        return 0.0;
    }
    let mut sorted = values.to_vec();
    sorted.sort_by(f64::total_cmp);
    let n = sorted.len();
    if n % 2 == 1 {
        sorted[n / 2]
    } else {
        (sorted[n / 2 - 1] + sorted[n / 2]) / 2.0
    }
}

/// The arithmetic mean; 0 when empty.
pub(crate) fn mean(values: &[f64]) -> f64 {
    if values.is_empty() {
        0.0
    } else {
        #[allow(clippy::cast_precision_loss)]
        let n = values.len() as f64;
        values.iter().sum::<f64>() / n
    }
}

/// Cores this process may use.
pub(crate) fn cores() -> usize {
    std::thread::available_parallelism().map_or(1, std::num::NonZeroUsize::get)
}

/// CPU model, cores, memory and kernel, from `/proc` where available.
pub(crate) fn machine() -> String {
    let cpuinfo = std::fs::read_to_string("/proc/cpuinfo").unwrap_or_default();
    let model = cpuinfo
        .lines()
        .find_map(|l| {
            l.strip_prefix("model name")
                .and_then(|rest| rest.split_once(':'))
                .map(|(_, v)| v.trim().to_string())
        })
        .unwrap_or_else(|| std::env::consts::ARCH.to_string());
    let logical = cpuinfo
        .lines()
        .filter(|l| l.starts_with("processor"))
        .count();
    let mem_gib = std::fs::read_to_string("/proc/meminfo")
        .ok()
        .and_then(|m| {
            m.lines()
                .find_map(|l| l.strip_prefix("MemTotal:").map(str::trim).map(String::from))
        })
        .and_then(|v| v.trim_end_matches("kB").trim().parse::<f64>().ok())
        .map(|kb| kb / (1024.0 * 1024.0));
    let kernel = std::fs::read_to_string("/proc/sys/kernel/osrelease")
        .map(|s| s.trim().to_string())
        .unwrap_or_default();
    let mut out = format!("{model}, nproc {}", cores());
    if logical > 0 {
        out.push_str(&format!(" ({logical} logical CPUs)"));
    }
    if let Some(gib) = mem_gib {
        out.push_str(&format!(", {gib:.0} GiB RAM"));
    }
    out.push_str(&format!(", {} {kernel}", std::env::consts::OS));
    out.trim_end().to_string()
}

/// The current UTC time as `YYYY-MM-DD HH:MM UTC`.
pub(crate) fn now_utc() -> String {
    chrono::Utc::now().format("%Y-%m-%d %H:%M UTC").to_string()
}

/// Today's UTC date as `YYYY-MM-DD`.
pub(crate) fn today_utc() -> String {
    chrono::Utc::now().format("%Y-%m-%d").to_string()
}

/// The machine's load averages over 1, 5 and 15 minutes (`/proc/loadavg`), as written
/// there; `None` where the file does not exist. The machine may be shared: a figure measured
/// under load says so.
pub(crate) fn load_average() -> Option<String> {
    let text = std::fs::read_to_string("/proc/loadavg").ok()?;
    let fields: Vec<&str> = text.split_whitespace().take(3).collect();
    (fields.len() == 3).then(|| fields.join(" / "))
}

/// A field of `/proc/self/status` in MiB (`VmHWM`, `VmRSS`).
pub(crate) fn proc_status_mib(field: &str) -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with(field))?;
    let kb: f64 = line
        .split_once(':')?
        .1
        .trim()
        .trim_end_matches("kB")
        .trim()
        .parse()
        .ok()?;
    Some(kb / 1024.0)
}

/// Run `cargo xtask <task> <args>` as a release build of xtask (`cargo run --release -p
/// xtask`), for a task whose figures must be those of optimised code.
///
/// # Errors
/// When cargo cannot be started or the release run fails.
pub(crate) fn run_in_release(
    root: &std::path::Path,
    task: &str,
    args: &[String],
) -> Result<(), String> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let status = std::process::Command::new(cargo)
        .current_dir(root)
        .args(["run", "--release", "--quiet", "-p", "xtask", "--", task])
        .args(args)
        .status()
        .map_err(|e| format!("could not run cargo run --release -p xtask: {e}"))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("the release run of `{task}` failed ({status})"))
    }
}

/// `RIPTIDE_BENCH_DEBUG` is set: a smoke run in the dev profile (CI), figures meaningless.
pub(crate) fn debug_profile() -> bool {
    std::env::var_os("RIPTIDE_BENCH_DEBUG").is_some_and(|v| !v.is_empty() && v != "0")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quantiles_and_medians() {
        let v: Vec<f64> = (1..=100).map(f64::from).collect();
        assert!((quantile(&v, 0.5) - 50.0).abs() < f64::EPSILON);
        assert!((quantile(&v, 0.99) - 99.0).abs() < f64::EPSILON);
        assert!((median(&[3.0, 1.0, 2.0, 10.0]) - 2.5).abs() < f64::EPSILON);
        assert!(quantile(&[], 0.5).abs() < f64::EPSILON);
    }

    #[test]
    fn the_date_is_well_formed() {
        let d = now_utc();
        assert!(
            chrono::NaiveDateTime::parse_from_str(&d, "%Y-%m-%d %H:%M UTC").is_ok(),
            "{d}"
        );
        let day = today_utc();
        assert!(
            chrono::NaiveDate::parse_from_str(&day, "%Y-%m-%d").is_ok(),
            "{day}"
        );
    }
}
