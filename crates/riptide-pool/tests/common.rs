//! Shared by the pool's integration tests: the real guest component, built once.

#![allow(dead_code)]

use riptide_pool::PoolConfig;

/// The guest component's bytes, built by `riptide-guest-build` (a no-op when up to date).
pub fn component() -> &'static [u8] {
    riptide_guest_build::shared_component(
        env!("CARGO_MANIFEST_DIR"),
        riptide_guest_build::GUEST_PACKAGE,
    )
    .expect("the guest builds")
}

/// A small config whose artifact cache lives in the target directory.
pub fn config() -> riptide_pool::PoolConfigBuilder {
    PoolConfig::builder()
        .max_instances(4)
        .hot_size(2, 4)
        .cache_dir(concat!(env!("CARGO_TARGET_TMPDIR"), "/pool-cache"))
}

pub const PAGE: &str =
    "<html><head><title>T</title></head><body><p>Hello <a href='/x'>pool</a>.</p></body></html>";

/// Wait until every request place is free again (instances are dropped after the answer).
pub async fn settle(pool: &riptide_pool::Pool) {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    while pool.available_permits() < pool.config().max_instances {
        assert!(
            std::time::Instant::now() < deadline,
            "the pool did not settle: {:?}",
            pool.metrics()
        );
        tokio::time::sleep(std::time::Duration::from_millis(1)).await;
    }
}
