//! What the facade's integration tests share.

use std::sync::OnceLock;

use riptide::{Extractor, PoolConfig};

/// One extractor per test binary: the bundled component is compiled once (or loaded from the
/// artifact cache in the target directory). Built on a thread of its own, because the tests
/// already run inside a runtime.
pub fn extractor(max_instances: usize) -> Extractor {
    static EXTRACTOR: OnceLock<Extractor> = OnceLock::new();
    EXTRACTOR
        .get_or_init(|| {
            std::thread::spawn(move || {
                let runtime = tokio::runtime::Runtime::new().expect("runtime");
                runtime.block_on(async {
                    let config = PoolConfig::builder()
                        .max_instances(max_instances)
                        .cache_dir(concat!(env!("CARGO_TARGET_TMPDIR"), "/riptide-cache"))
                        .build()
                        .expect("config");
                    Extractor::builder()
                        .pool_config(config)
                        .build()
                        .await
                        .expect("bundled extractor")
                })
            })
            .join()
            .expect("the extractor builds")
        })
        .clone()
}
