//! Native extraction and request validation on the fixed workload (`benches/pages.txt`), one
//! benchmark per page class; an iteration handles every page of the class once.
//!
//! `cargo bench -p riptide-benches -- --warm-up-time 1 --measurement-time 3`
//! (`cargo xtask bench` runs it together with the load harness.)

#![allow(
    missing_docs,
    reason = "criterion_group! generates an undocumented function"
)]

use std::hint::black_box;
use std::time::Duration;

use criterion::{Criterion, SamplingMode, Throughput, criterion_group, criterion_main};
use riptide_benches::{Class, Workload};
use riptide_input_check::{InputValidator, Mode as InputMode};

fn workload() -> Workload {
    Workload::load_default().unwrap_or_else(|e| panic!("{e}"))
}

fn extract(c: &mut Criterion) {
    let workload = workload();
    let mut group = c.benchmark_group("native_extract");
    for class in Class::ALL {
        let pages: Vec<_> = workload.class(class).collect();
        group.throughput(Throughput::Bytes(workload.class_bytes(class) as u64));
        if class == Class::Large {
            // An iteration takes tens of milliseconds: few, flat samples.
            group.sampling_mode(SamplingMode::Flat).sample_size(10);
        } else {
            group.sampling_mode(SamplingMode::Auto).sample_size(20);
        }
        group.bench_function(class.as_str(), |b| {
            b.iter(|| {
                for page in &pages {
                    let doc = riptide_extract::extract(
                        black_box(&page.html),
                        &page.url,
                        &riptide_extract::Mode::Article,
                    );
                    black_box(doc.map(|d| d.text.len()).unwrap_or(0));
                }
            })
        });
    }
    group.finish();
}

fn input_check(c: &mut Criterion) {
    let workload = workload();
    let validator = InputValidator::default();
    let mut group = c.benchmark_group("input_check_request");
    for class in Class::ALL {
        let pages: Vec<_> = workload.class(class).collect();
        group.throughput(Throughput::Bytes(workload.class_bytes(class) as u64));
        group.bench_function(class.as_str(), |b| {
            b.iter(|| {
                for page in &pages {
                    let checked = validator.check_request(
                        black_box(&page.html),
                        &page.url,
                        InputMode::Article,
                    );
                    black_box(checked.is_ok());
                }
            })
        });
    }
    group.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default()
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3));
    targets = extract, input_check
}
criterion_main!(benches);
