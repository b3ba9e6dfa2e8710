//! Many tokio tasks on a multi-thread runtime against one pool with the real component: every
//! result equals the result of the same page run alone, every request gets an instance nobody
//! used before (`PerRequest`), no instance or place is lost, and `PoolExhausted` appears only
//! when the configured wait is tiny — never a hang.

mod common;

use std::sync::Arc;
use std::time::{Duration, Instant};

use common::{PAGE, component, config, settle};
use riptide_pool::bindings::{ExtractedContent, ExtractionError, ExtractionMode};
use riptide_pool::{DiscardReason, Isolation, MetricsSnapshot, OutputSize, Pool, PoolError};

const URL: &str = "http://fakehost/test/page.html";

/// The guest's extraction counter before the call, and the extraction.
struct Probe {
    served_before: Option<u64>,
    doc: Result<ExtractedContent, ExtractionError>,
}

impl OutputSize for Probe {
    fn output_size(&self) -> usize {
        self.doc.output_size()
    }
}

#[derive(Clone)]
struct Job {
    name: String,
    html: Arc<str>,
    mode: ExtractionMode,
}

/// Every fixture page and a tiny one, in three modes.
fn jobs() -> Vec<Job> {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../../fixtures");
    let mut pages: Vec<(String, String)> = std::fs::read_dir(dir)
        .expect("fixtures/")
        .map(|e| e.expect("a directory entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "html"))
        .map(|p| {
            let name = p.file_name().unwrap().to_string_lossy().into_owned();
            (name, std::fs::read_to_string(&p).expect("a fixture page"))
        })
        .collect();
    pages.sort();
    assert!(pages.len() >= 3, "the fixture pages are there: {pages:?}");
    pages.push(("tiny".into(), PAGE.into()));
    let mut jobs = Vec::new();
    for (name, html) in pages {
        let html: Arc<str> = html.into();
        for mode in [
            ExtractionMode::Article,
            ExtractionMode::Full,
            ExtractionMode::Metadata,
        ] {
            jobs.push(Job {
                name: format!("{name} {mode:?}"),
                html: Arc::clone(&html),
                mode,
            });
        }
    }
    jobs
}

/// Run one job; the rendering of the result is compared between runs.
async fn run(pool: &Pool, job: &Job) -> Result<(Option<u64>, String), PoolError> {
    let html = Arc::clone(&job.html);
    let mode = job.mode.clone();
    let probe = pool
        .get()
        .await?
        .call(move |b, s| {
            let served_before = b.call_health_check(&mut *s)?.extraction_count;
            let doc = b.call_extract(s, &html, URL, &mode)?;
            Ok(Probe { served_before, doc })
        })
        .await?;
    Ok((probe.served_before, format!("{:?}", probe.doc)))
}

/// Each job run alone, one after another.
async fn baseline(pool: &Pool, jobs: &[Job]) -> Vec<String> {
    let mut out = Vec::new();
    for job in jobs {
        let (served_before, rendered) = run(pool, job).await.expect("a call alone succeeds");
        assert_eq!(served_before, Some(0));
        assert!(rendered.starts_with("Ok("), "{}: {rendered:.300}", job.name);
        out.push(rendered);
    }
    out
}

fn multi_thread() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(4)
        .enable_all()
        .build()
        .unwrap()
}

/// Wait until every place is free and every live instance is back in a queue.
async fn quiesce(pool: &Pool) -> MetricsSnapshot {
    settle(pool).await;
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let m = pool.metrics();
        if m.status.in_use == 0
            && m.status.live_instances == m.status.hot_depth + m.status.reuse_depth
        {
            return m;
        }
        assert!(Instant::now() < deadline, "the pool did not quiesce: {m:?}");
        tokio::time::sleep(Duration::from_millis(1)).await;
    }
}

fn total_discards(m: &MetricsSnapshot) -> u64 {
    m.discards.iter().map(|(_, n)| n).sum()
}

fn total_hits(m: &MetricsSnapshot) -> u64 {
    m.hits.hot + m.hits.warm + m.hits.cold
}

/// Counts that hold whenever the pool is idle.
fn assert_conserved(m: &MetricsSnapshot) {
    let created = m.instantiations.hot + m.instantiations.warm + m.instantiations.cold;
    assert_eq!(
        created - total_discards(m),
        m.status.live_instances as u64,
        "created − discarded = alive: {m:?}"
    );
    assert_eq!(m.status.in_use, 0, "{m:?}");
    assert_eq!(
        m.status.live_instances,
        m.status.hot_depth + m.status.reuse_depth,
        "{m:?}"
    );
    assert_eq!(
        m.hits.warm + m.hits.cold,
        m.instantiations.warm + m.instantiations.cold,
        "{m:?}"
    );
}

/// `tasks` tasks at once, job `i % jobs.len()` each; returns (job index, outcome) per task.
async fn storm(
    pool: &Pool,
    jobs: &Arc<Vec<Job>>,
    tasks: usize,
) -> Vec<(usize, Result<(Option<u64>, String), PoolError>)> {
    let start = Arc::new(tokio::sync::Barrier::new(tasks));
    let handles: Vec<_> = (0..tasks)
        .map(|i| {
            let pool = pool.clone();
            let jobs = Arc::clone(jobs);
            let start = Arc::clone(&start);
            tokio::spawn(async move {
                let job = i % jobs.len();
                start.wait().await;
                (job, run(&pool, &jobs[job]).await)
            })
        })
        .collect();
    let mut out = Vec::new();
    for handle in handles {
        out.push(handle.await.expect("no task panicked"));
    }
    out
}

#[test]
fn many_tasks_get_the_results_of_each_page_run_alone() {
    multi_thread().block_on(async {
        tokio::time::timeout(Duration::from_secs(900), async {
            let config = config()
                .max_instances(4)
                .hot_size(2, 4)
                .acquire_timeout(Duration::from_secs(300))
                .build()
                .unwrap();
            let pool = Pool::builder(component())
                .config(config)
                .build_filled()
                .unwrap();
            let jobs = Arc::new(jobs());
            let alone = baseline(&pool, &jobs).await;
            let before = quiesce(&pool).await;

            let tasks = 200;
            let results = storm(&pool, &jobs, tasks).await;
            for (job, result) in &results {
                let (served_before, rendered) = result.as_ref().unwrap_or_else(|e| {
                    panic!("{}: {e} (a generous wait never gives up)", jobs[*job].name)
                });
                assert_eq!(
                    *served_before,
                    Some(0),
                    "{}: per-request isolation hands out only unused instances",
                    jobs[*job].name
                );
                assert_eq!(rendered, &alone[*job], "{}", jobs[*job].name);
            }

            let after = quiesce(&pool).await;
            assert_conserved(&after);
            let tasks = tasks as u64;
            assert_eq!(pool.status().available, 4, "every place is free again");
            assert_eq!(after.exhausted, 0);
            assert_eq!(after.calls_failed, 0);
            assert_eq!(after.calls_ok - before.calls_ok, tasks);
            assert_eq!(total_hits(&after) - total_hits(&before), tasks);
            assert_eq!(
                after.discarded(DiscardReason::Served) - before.discarded(DiscardReason::Served),
                tasks,
                "each instance served exactly one request"
            );
            // The refill thread brings the hot tier back to its target after the storm.
            let deadline = Instant::now() + Duration::from_secs(30);
            loop {
                let status = pool.status();
                if status.hot_depth == status.hot_target && status.hot_target > 0 {
                    break;
                }
                assert!(
                    Instant::now() < deadline,
                    "the hot tier is not refilled: {status:?}"
                );
                tokio::time::sleep(Duration::from_millis(1)).await;
            }
            pool.shutdown().await;
            assert_eq!(pool.metrics().status.live_instances, 0);
        })
        .await
        .expect("the storm does not hang");
    });
}

#[test]
fn reused_instances_give_the_same_results_under_load() {
    multi_thread().block_on(async {
        tokio::time::timeout(Duration::from_secs(900), async {
            let max_uses = 6;
            let config = config()
                .max_instances(3)
                .hot_size(1, 3)
                .isolation(Isolation::Reuse {
                    max_uses,
                    max_age: Duration::from_secs(3600),
                })
                .acquire_timeout(Duration::from_secs(300))
                .build()
                .unwrap();
            let pool = Pool::builder(component())
                .config(config)
                .build_filled()
                .unwrap();
            let jobs = Arc::new(jobs());
            // Alone means on a fresh pool: the same instance serves the baseline jobs in turn.
            let alone = baseline(
                &Pool::builder(component())
                    .config(common::config().build().unwrap())
                    .build_filled()
                    .unwrap(),
                &jobs,
            )
            .await;
            let before = quiesce(&pool).await;

            let tasks = 96;
            let results = storm(&pool, &jobs, tasks).await;
            let mut reused = 0;
            for (job, result) in &results {
                let (served_before, rendered) = result
                    .as_ref()
                    .unwrap_or_else(|e| panic!("{}: {e}", jobs[*job].name));
                let served_before = served_before.expect("the guest counts its extractions");
                assert!(
                    served_before < u64::from(max_uses),
                    "an instance served more than max_uses requests"
                );
                if served_before > 0 {
                    reused += 1;
                }
                assert_eq!(
                    rendered, &alone[*job],
                    "{}: a reused instance answers as a fresh one",
                    jobs[*job].name
                );
            }
            assert!(reused > 0, "some requests were served by reused instances");

            let after = quiesce(&pool).await;
            assert_conserved(&after);
            let tasks = tasks as u64;
            assert_eq!(pool.status().available, 3);
            assert_eq!(after.calls_ok - before.calls_ok, tasks);
            assert_eq!(after.calls_failed, 0);
            assert_eq!(after.exhausted, 0);
            assert_eq!(after.discarded(DiscardReason::Served), 0);
            // An instance is dropped for max_uses only after serving max_uses requests.
            let worn_out =
                after.discarded(DiscardReason::MaxUses) - before.discarded(DiscardReason::MaxUses);
            assert!(worn_out * u64::from(max_uses) <= tasks, "{after:?}");
            // No instance served more than max_uses requests: the instances that could serve
            // during the storm (alive before it or created in it) bound the requests.
            let created = |m: &MetricsSnapshot| {
                m.instantiations.hot + m.instantiations.warm + m.instantiations.cold
            };
            let servers = created(&after) - created(&before) + before.status.live_instances as u64;
            assert!(tasks <= servers * u64::from(max_uses), "{after:?}");
        })
        .await
        .expect("the storm does not hang");
    });
}

#[test]
fn a_tiny_wait_with_more_tasks_than_instances_gives_pool_exhausted_and_never_hangs() {
    multi_thread().block_on(async {
        tokio::time::timeout(Duration::from_secs(600), async {
            let max_instances = 2;
            let config = config()
                .max_instances(max_instances)
                .hot_size(1, 2)
                .acquire_timeout(Duration::from_millis(1))
                .build()
                .unwrap();
            let pool = Pool::builder(component())
                .config(config)
                .build_filled()
                .unwrap();
            // The largest page, in full: each call holds its place much longer than the wait.
            let jobs: Vec<Job> = jobs()
                .into_iter()
                .filter(|j| j.name.starts_with("readability-nytimes-1") && j.name.ends_with("Full"))
                .collect();
            assert_eq!(jobs.len(), 1);
            let alone = baseline(&pool, &jobs).await;
            let jobs = Arc::new(jobs);
            let before = quiesce(&pool).await;

            let tasks = 64;
            let results = storm(&pool, &jobs, tasks).await;
            let (mut ok, mut exhausted) = (0u64, 0u64);
            for (job, result) in results {
                match result {
                    Ok((served_before, rendered)) => {
                        assert_eq!(served_before, Some(0));
                        assert_eq!(rendered, alone[job]);
                        ok += 1;
                    }
                    Err(PoolError::PoolExhausted {
                        max_instances: m, ..
                    }) => {
                        assert_eq!(m, max_instances);
                        exhausted += 1;
                    }
                    Err(e) => panic!("only PoolExhausted may refuse a request: {e}"),
                }
            }
            assert!(ok >= 1, "the first requests find free places");
            assert!(
                exhausted >= 1,
                "{tasks} requests at once for {max_instances} places and a 1 ms wait"
            );

            let after = quiesce(&pool).await;
            assert_conserved(&after);
            assert_eq!(pool.status().available, max_instances);
            assert_eq!(after.exhausted - before.exhausted, exhausted);
            assert_eq!(after.calls_ok - before.calls_ok, ok);
            assert_eq!(
                total_hits(&after) - total_hits(&before),
                ok,
                "a refused request took no instance"
            );
            // The pool still serves after the storm.
            let (_, rendered) = run(&pool, &jobs[0]).await.unwrap();
            assert_eq!(rendered, alone[0]);
        })
        .await
        .expect("a tiny wait never hangs");
    });
}
