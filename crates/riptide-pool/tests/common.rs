//! Shared by the pool's integration tests: the real guest component, built once.

#![allow(dead_code)]

use riptide_pool::bindings::{
    ComponentInfo, ExtractedContent, ExtractionError, ExtractionMode, HealthStatus,
};
use riptide_pool::{PoolConfig, PoolError};

/// The guest component's bytes, built by `riptide-guest-build` (a no-op when up to date).
pub(crate) fn component() -> &'static [u8] {
    riptide_guest_build::shared_component(
        env!("CARGO_MANIFEST_DIR"),
        riptide_guest_build::GUEST_PACKAGE,
    )
    .expect("the guest builds")
}

/// A small config whose artifact cache lives in the target directory.
pub(crate) fn config() -> riptide_pool::PoolConfigBuilder {
    PoolConfig::builder()
        .max_instances(4)
        .hot_size(2, 4)
        .cache_dir(concat!(env!("CARGO_TARGET_TMPDIR"), "/pool-cache"))
}

pub(crate) const PAGE: &str =
    "<html><head><title>T</title></head><body><p>Hello <a href='/x'>pool</a>.</p></body></html>";

/// Wait until every request place is free again (instances are dropped after the answer).
pub(crate) async fn settle(pool: &riptide_pool::Pool) {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    while pool.status().available < pool.config().max_instances {
        assert!(
            std::time::Instant::now() < deadline,
            "the pool did not settle: {:?}",
            pool.metrics()
        );
        tokio::time::sleep(std::time::Duration::from_millis(1)).await;
    }
}

/// The guest's exports as one request each (`get` + `call`), as the facade makes them.
#[allow(async_fn_in_trait)]
pub(crate) trait GuestCalls {
    /// The guest's `extract`.
    async fn extract(
        &self,
        html: String,
        url: String,
        mode: ExtractionMode,
    ) -> Result<Result<ExtractedContent, ExtractionError>, PoolError>;
    /// The guest's `health-check`.
    async fn health_check(&self) -> Result<HealthStatus, PoolError>;
    /// The guest's `get-modes`.
    async fn get_modes(&self) -> Result<Vec<String>, PoolError>;
    /// The guest's `get-info`.
    async fn get_info(&self) -> Result<ComponentInfo, PoolError>;
}

impl GuestCalls for riptide_pool::Pool {
    async fn extract(
        &self,
        html: String,
        url: String,
        mode: ExtractionMode,
    ) -> Result<Result<ExtractedContent, ExtractionError>, PoolError> {
        self.get()
            .await?
            .call(move |guest, store| guest.call_extract(store, &html, &url, &mode))
            .await
    }
    async fn health_check(&self) -> Result<HealthStatus, PoolError> {
        self.get()
            .await?
            .call(|guest, store| guest.call_health_check(store))
            .await
    }
    async fn get_modes(&self) -> Result<Vec<String>, PoolError> {
        self.get()
            .await?
            .call(|guest, store| guest.call_get_modes(store))
            .await
    }
    async fn get_info(&self) -> Result<ComponentInfo, PoolError> {
        self.get()
            .await?
            .call(|guest, store| guest.call_get_info(store))
            .await
    }
}
