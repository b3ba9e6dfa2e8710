//! The soak's figures: what it checked against which bound, and what it measured, as the
//! Markdown section it writes into `docs/reliability.md`.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::time::Duration;

use riptide::{MetricsSnapshot, PoolConfig};

use super::Capacity;
use crate::bench::util;

/// How one pool was set up.
#[derive(Debug, Clone)]
pub(super) struct PoolSetup {
    /// `real` or `hostile`.
    pub name: &'static str,
    /// The configuration, in words.
    pub summary: String,
}

impl PoolSetup {
    /// The figures of `config` that the soak depends on.
    pub(super) fn of(name: &'static str, config: &PoolConfig) -> PoolSetup {
        let hot = &config.hot;
        let summary = format!(
            "{} places, hot tier {}–{} starting at {} ({}), deadline {}, memory cap {} MiB, \
             output cap {} MiB, {} pooling slots keeping up to {} MiB resident each, circuit \
             breaker {}",
            config.max_instances,
            hot.min,
            hot.max,
            hot.initial,
            if hot.auto_tune { "auto-tuned" } else { "fixed" },
            duration(config.call_timeout),
            config.memory_limit_bytes >> 20,
            config.max_output_bytes >> 20,
            config.slots(),
            config.keep_resident_bytes >> 20,
            if config.circuit.enabled { "on" } else { "off" },
        );
        PoolSetup { name, summary }
    }
}

/// Everything one soak run measured.
#[derive(Debug)]
pub(super) struct SoakReport {
    /// The command, as typed.
    pub command: String,
    /// `release` or `debug`.
    pub profile: &'static str,
    /// When it ran (UTC).
    pub date: String,
    /// Where it ran.
    pub machine: String,
    /// The machine's load averages when the run started.
    pub load: Option<String>,
    /// Requests of the measured run.
    pub requests: usize,
    /// Requests in flight at once.
    pub concurrency: usize,
    /// Requests of the warm-up before it.
    pub warmup: usize,
    /// Wall time of the measured run.
    pub seconds: f64,
    /// Every page of the healthy mix (`fixtures/…`, `readability/…`, `wcxb-dev/…`).
    pub pages: Vec<String>,
    /// Pages that failed when run alone (left out of the mix), with their error.
    pub excluded: Vec<String>,
    /// Healthy requests sent.
    pub healthy_total: usize,
    /// Healthy requests whose result equalled the page's result alone.
    pub healthy_ok: usize,
    /// Healthy requests on excluded pages (not sent).
    pub healthy_skipped: usize,
    /// Healthy requests that differed or failed.
    pub healthy_mismatch: Vec<String>,
    /// Healthy requests that failed, by error kind.
    pub healthy_errors: BTreeMap<String, usize>,
    /// Latency of each healthy request, ms.
    pub healthy_ms: Vec<f64>,
    /// Hostile requests sent.
    pub hostile_total: usize,
    /// Each hostile behaviour: name, URL, expected outcome.
    pub behaviours: Vec<(&'static str, String, String)>,
    /// What each behaviour did.
    pub hostile: BTreeMap<&'static str, super::Behaviour>,
    /// Hostile requests that did not fail as expected.
    pub hostile_unexpected: Vec<String>,
    /// Requests that took longer than `hang_limit`.
    pub hangs: usize,
    /// The longest a request may take.
    pub hang_limit: Duration,
    /// The two pools' configurations.
    pub pools: [PoolSetup; 2],
    /// Capacity of both pools before the measured run (after the warm-up).
    pub before: [Capacity; 2],
    /// Capacity of both pools after it.
    pub after: [Capacity; 2],
    /// Both pools' metrics after the run.
    pub metrics: [MetricsSnapshot; 2],
    /// RSS before the run, bytes.
    pub rss_before: u64,
    /// RSS after the run, bytes.
    pub rss_after: u64,
    /// What the pools' released slots may keep resident, bytes.
    pub retained_bytes: u64,
    /// Allowed RSS growth beyond `retained_bytes`.
    pub rss_margin: u64,
}

impl SoakReport {
    /// The allowed RSS growth.
    fn rss_bound(&self) -> u64 {
        self.retained_bytes + self.rss_margin
    }

    fn leaked(&self) -> usize {
        self.after.iter().map(|c| c.leaked).sum()
    }

    fn healthy_sent(&self) -> usize {
        self.healthy_total - self.healthy_skipped
    }

    fn hostile_expected(&self) -> usize {
        self.hostile.values().map(|b| b.expected).sum()
    }

    /// Every check that failed, in words; empty when the soak passed.
    pub(super) fn problems(&self) -> Vec<String> {
        let mut problems: Vec<String> = Vec::new();
        problems.extend(self.healthy_mismatch.iter().take(10).cloned());
        problems.extend(self.hostile_unexpected.iter().take(10).cloned());
        if self.hangs > 0 {
            problems.push(format!("{} requests hung", self.hangs));
        }
        if self.leaked() > 0 {
            problems.push(format!(
                "{} permits, instances or slots leaked",
                self.leaked()
            ));
        }
        if self.rss_after > self.rss_before + self.rss_bound() {
            problems.push(format!(
                "RSS grew from {:.1} MiB to {:.1} MiB, more than {:.0} MiB",
                mib(self.rss_before),
                mib(self.rss_after),
                mib(self.rss_bound())
            ));
        }
        problems
    }

    /// The Markdown section.
    pub(super) fn markdown(&self) -> String {
        let mut out = String::new();
        let problems = self.problems();
        let _ = writeln!(
            out,
            "- command: `{}` ({} build of xtask)",
            self.command, self.profile
        );
        let _ = writeln!(out, "- date: {}", self.date);
        let _ = writeln!(out, "- machine: {}", self.machine);
        if let Some(load) = &self.load {
            let _ = writeln!(out, "- load average at the start (1 / 5 / 15 min): {load}");
        }
        if problems.is_empty() {
            let _ = writeln!(out, "- verdict: **passed**, every check below met");
        } else {
            let _ = writeln!(out, "- verdict: **failed**:");
            for p in &problems {
                let _ = writeln!(out, "  - {p}");
            }
        }

        let _ = writeln!(out, "\n| check | bound | measured | |\n|---|---|---|---|");
        let healthy_sent = self.healthy_sent();
        let check = |met: bool| if met { "met" } else { "**not met**" };
        let _ = writeln!(
            out,
            "| healthy requests equal (`==`) to the page's result alone | all {} | {} ({} different or failed) | {} |",
            thousands(healthy_sent),
            thousands(self.healthy_ok),
            self.healthy_mismatch.len(),
            check(self.healthy_ok == healthy_sent),
        );
        let _ = writeln!(
            out,
            "| hostile requests failing with their expected error | all {} | {} ({} unexpected) | {} |",
            thousands(self.hostile_total),
            thousands(self.hostile_expected()),
            self.hostile_unexpected.len(),
            check(self.hostile_expected() == self.hostile_total),
        );
        let _ = writeln!(
            out,
            "| requests longer than {} (hangs) | 0 | {} | {} |",
            duration(self.hang_limit),
            self.hangs,
            check(self.hangs == 0),
        );
        let _ = writeln!(
            out,
            "| permits, in-use requests, instances outside a tier, unknown pooling instances after the run (leaks) | 0 | {} | {} |",
            self.leaked(),
            check(self.leaked() == 0),
        );
        let growth = i128::from(self.rss_after) - i128::from(self.rss_before);
        #[allow(clippy::cast_precision_loss)]
        let growth_mib = growth as f64 / (1024.0 * 1024.0);
        let _ = writeln!(
            out,
            "| RSS growth over the run | ≤ {:.0} MiB (released slots × keep-resident {:.0} MiB + margin {:.0} MiB) | {growth_mib:+.1} MiB ({:.1} → {:.1} MiB) | {} |",
            mib(self.rss_bound()),
            mib(self.retained_bytes),
            mib(self.rss_margin),
            mib(self.rss_before),
            mib(self.rss_after),
            check(self.rss_after <= self.rss_before + self.rss_bound()),
        );

        let _ = writeln!(out, "\n| figure | value |\n|---|---|");
        #[allow(clippy::cast_precision_loss)]
        let rate = self.requests as f64 / self.seconds.max(f64::EPSILON);
        let _ = writeln!(
            out,
            "| requests | {} at concurrency {} in {:.1} s ({rate:.1}/s), after a warm-up of {} |",
            thousands(self.requests),
            self.concurrency,
            self.seconds,
            thousands(self.warmup),
        );
        let _ = writeln!(
            out,
            "| mix | {} healthy (90 %), {} hostile (every tenth request, {} behaviours in turn) |",
            thousands(self.healthy_total),
            thousands(self.hostile_total),
            self.behaviours.len(),
        );
        let _ = writeln!(out, "| pages | {} |", self.page_summary());
        let _ = writeln!(
            out,
            "| healthy latency (request sent to answer, acquire included) | p50 {} · p90 {} · p99 {} · max {} |",
            ms(util::quantile(&self.healthy_ms, 0.5)),
            ms(util::quantile(&self.healthy_ms, 0.9)),
            ms(util::quantile(&self.healthy_ms, 0.99)),
            ms(util::quantile(&self.healthy_ms, 1.0)),
        );
        let _ = writeln!(out, "| errors by kind | {} |", self.errors_by_kind());

        let _ = writeln!(
            out,
            "\n| hostile behaviour | URL | expected | requests | outcomes | p50 | max |\n|---|---|---|--:|---|--:|--:|"
        );
        for (name, url, expected) in &self.behaviours {
            let b = self.hostile.get(name).cloned().unwrap_or_default();
            let outcomes: Vec<String> = b
                .outcomes
                .iter()
                .map(|(kind, n)| format!("{kind} {n}"))
                .collect();
            let _ = writeln!(
                out,
                "| `{name}` | `{url}` | {expected} | {} | {} | {} | {} |",
                b.sent,
                outcomes.join(", "),
                ms(util::quantile(&b.ms, 0.5)),
                ms(util::quantile(&b.ms, 1.0)),
            );
        }

        let _ = writeln!(
            out,
            "\n| pool | configuration | live instances before → after | pooling instances before → after | released-slot memory resident before → after | calls ok / failed / exhausted since start (pages alone and warm-up included) | call p50 / p99 (pool metrics) | discards since start |\n|---|---|---|---|---|---|---|---|"
        );
        for i in 0..2 {
            let (setup, before, after, m) = (
                &self.pools[i],
                &self.before[i],
                &self.after[i],
                &self.metrics[i],
            );
            let discards: Vec<String> = m
                .discards
                .iter()
                .filter(|(_, n)| *n > 0)
                .map(|(reason, n)| format!("{} {n}", reason.as_str()))
                .collect();
            #[allow(clippy::cast_precision_loss)]
            let (p50, p99) = (m.call.p50_ns as f64 / 1e6, m.call.p99_ns as f64 / 1e6);
            let _ = writeln!(
                out,
                "| {} | {} | {} → {} (hot {} of target {}; permits {}/{} free, {} in use after) | {} → {} | {:.1} → {:.1} MiB | {} / {} / {} | {} / {} | {} |",
                setup.name,
                setup.summary,
                before.live,
                after.live,
                after.hot,
                after.hot_target,
                after.free_permits,
                after.places,
                after.in_use,
                before.slots,
                after.slots,
                mib(before.resident_unused_bytes),
                mib(after.resident_unused_bytes),
                thousands(usize::try_from(m.calls_ok).unwrap_or(usize::MAX)),
                thousands(usize::try_from(m.calls_failed).unwrap_or(usize::MAX)),
                m.exhausted,
                ms(p50),
                ms(p99),
                if discards.is_empty() {
                    "none".to_string()
                } else {
                    discards.join(", ")
                },
            );
        }
        out
    }

    /// How many pages of each source, and the ones left out.
    fn page_summary(&self) -> String {
        let mut by_source: BTreeMap<&str, usize> = BTreeMap::new();
        for page in &self.pages {
            let source = page.split_once('/').map_or(page.as_str(), |(s, _)| s);
            *by_source.entry(source).or_default() += 1;
        }
        let sources: Vec<String> = by_source
            .iter()
            .map(|(source, n)| format!("{n} `{source}`"))
            .collect();
        let mut text = format!("{} ({})", self.pages.len(), sources.join(", "));
        if self.excluded.is_empty() {
            text.push_str("; every page succeeds alone");
        } else {
            let _ = write!(
                text,
                "; {} fail alone and are left out of the healthy mix: {}",
                self.excluded.len(),
                self.excluded.join("; ").replace('|', "\\|")
            );
        }
        text
    }

    /// Every error the run saw, by kind, healthy and hostile together.
    fn errors_by_kind(&self) -> String {
        let mut kinds: BTreeMap<&str, (usize, usize)> = BTreeMap::new();
        for (kind, n) in &self.healthy_errors {
            kinds.entry(kind).or_default().0 += n;
        }
        for b in self.hostile.values() {
            for (kind, n) in &b.outcomes {
                if kind != "result" {
                    kinds.entry(kind).or_default().1 += n;
                }
            }
        }
        if kinds.is_empty() {
            return "none".to_string();
        }
        kinds
            .iter()
            .map(|(kind, (healthy, hostile))| {
                format!(
                    "`{kind}` {} ({healthy} healthy, {hostile} hostile)",
                    healthy + hostile
                )
            })
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// Bytes in MiB.
#[allow(clippy::cast_precision_loss)]
pub(super) fn mib(bytes: u64) -> f64 {
    bytes as f64 / (1024.0 * 1024.0)
}

/// A latency in ms, with a precision that suits its size.
fn ms(value: f64) -> String {
    if value >= 100.0 {
        format!("{value:.0} ms")
    } else {
        format!("{value:.1} ms")
    }
}

/// `10000` as `10,000`.
fn thousands(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// A configured duration in words (`60 s`, `300 ms`).
fn duration(d: Duration) -> String {
    if d.subsec_millis() == 0 && d.as_secs() > 0 {
        format!("{} s", d.as_secs())
    } else {
        format!("{} ms", d.as_millis())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thousands_and_durations_read_as_in_the_doc() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(10_000), "10,000");
        assert_eq!(thousands(1_234_567), "1,234,567");
        assert_eq!(duration(Duration::from_secs(60)), "60 s");
        assert_eq!(duration(Duration::from_millis(300)), "300 ms");
        assert_eq!(ms(1234.4), "1234 ms");
        assert_eq!(ms(2.04), "2.0 ms");
    }
}
