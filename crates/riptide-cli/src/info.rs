//! `riptide info`: the component's info, health and modes.

use std::path::{Path, PathBuf};

use riptide::Extractor;
use serde_json::Value;

use crate::{Failure, extractor};

/// Print the info, health and modes of the bundled component or `component`.
pub(crate) async fn run(component: Option<PathBuf>) -> Result<(), Failure> {
    let extractor = extractor(component.as_deref(), Some(1), crate::PoolArgs::default()).await?;
    let value = describe(&extractor, component_value(component.as_deref())?).await?;
    let text = serde_json::to_string_pretty(&value).map_err(|e| Failure::usage(e.to_string()))?;
    println!("{text}");
    Ok(())
}

/// Which bytes run: the digest of the bytes compiled into this binary (the component of the
/// riptide-component package it was built from), or of the file `component`.
pub(crate) fn component_value(component: Option<&Path>) -> Result<Value, Failure> {
    let sha256 = match component {
        None => sha256_hex(riptide::bundled_component()),
        Some(path) => {
            let bytes = std::fs::read(path)
                .map_err(|e| Failure::usage(format!("could not read {}: {e}", path.display())))?;
            sha256_hex(&bytes)
        }
    };
    Ok(serde_json::json!({
        "bundled": component.is_none(),
        "sha256": sha256,
        // The digest the component's package ships beside the bytes (the same, or the
        // package is broken).
        "shipped_sha256": component.is_none().then(riptide::bundled_component_sha256),
    }))
}

/// `{"component", "info", "health", "modes"}`: `component` as [`component_value`] gives it,
/// the rest asked of the guest now.
pub(crate) async fn describe(
    extractor: &Extractor,
    component: Value,
) -> Result<Value, riptide::Error> {
    let info = extractor.info().await?;
    let health = extractor.health().await?;
    let modes = extractor.modes().await?;
    Ok(serde_json::json!({
        "component": component,
        "info": info,
        "health": health,
        "modes": modes,
    }))
}

fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::Digest;
    hex::encode(sha2::Sha256::digest(bytes))
}
