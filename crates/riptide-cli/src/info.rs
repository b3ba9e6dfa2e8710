//! `riptide info`: the component's info, health and modes.

use std::path::PathBuf;

use crate::{Failure, extractor};

/// Print the info, health and modes of the bundled component or `component`.
pub(crate) async fn run(component: Option<PathBuf>) -> Result<(), Failure> {
    let extractor = extractor(component.as_deref(), Some(1)).await?;
    let info = extractor.info().await?;
    let health = extractor.health().await?;
    let modes = extractor.modes().await?;
    // Which bytes ran: the digest of the bytes compiled into this binary (the component of the
    // riptide-component package it was built from), or of the file.
    let component_sha256 = match &component {
        None => sha256_hex(riptide::bundled_component()),
        Some(path) => {
            let bytes = std::fs::read(path)
                .map_err(|e| Failure::usage(format!("could not read {}: {e}", path.display())))?;
            sha256_hex(&bytes)
        }
    };
    let value = serde_json::json!({
        "component": {
            "bundled": component.is_none(),
            "sha256": component_sha256,
            // The digest the component's package ships beside the bytes (the same, or the
            // package is broken).
            "shipped_sha256": component.is_none().then(riptide::bundled_component_sha256),
        },
        "info": info,
        "health": health,
        "modes": modes,
    });
    let text = serde_json::to_string_pretty(&value).map_err(|e| Failure::usage(e.to_string()))?;
    println!("{text}");
    Ok(())
}

fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::Digest;
    hex::encode(sha2::Sha256::digest(bytes))
}
