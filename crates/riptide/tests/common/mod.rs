//! What the facade's integration tests share.

#![allow(dead_code, reason = "each test binary uses a part of it")]

use std::sync::OnceLock;

use riptide::{Extractor, PoolConfig};

/// The artifact cache of the facade's tests.
pub(crate) const CACHE_DIR: &str = concat!(env!("CARGO_TARGET_TMPDIR"), "/riptide-cache");

/// An extractor of the bundled component with this pool configuration.
pub(crate) async fn build(config: PoolConfig) -> Extractor {
    Extractor::builder()
        .pool_config(config)
        .build()
        .await
        .expect("bundled extractor")
}

/// One extractor per test binary: the bundled component is compiled once (or loaded from the
/// artifact cache in the target directory). Built on a thread of its own, because the tests
/// already run inside a runtime.
pub(crate) fn extractor(max_instances: usize) -> Extractor {
    static EXTRACTOR: OnceLock<Extractor> = OnceLock::new();
    EXTRACTOR
        .get_or_init(|| {
            std::thread::spawn(move || {
                let runtime = tokio::runtime::Runtime::new().expect("runtime");
                runtime.block_on(build(
                    PoolConfig::builder()
                        .max_instances(max_instances)
                        .cache_dir(CACHE_DIR)
                        .build()
                        .expect("config"),
                ))
            })
            .join()
            .expect("the extractor builds")
        })
        .clone()
}
