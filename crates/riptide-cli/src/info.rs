//! `riptide info`: the component's info, health and modes.

use std::path::PathBuf;

use crate::{Failure, extractor};

/// Print the info, health and modes of the bundled component or `component`.
pub(crate) async fn run(component: Option<PathBuf>) -> Result<(), Failure> {
    let extractor = extractor(component.as_deref(), Some(1), crate::PoolArgs::default()).await?;
    let info = extractor.info().await?;
    let health = extractor.health().await?;
    let modes = extractor.modes().await?;
    // Which bytes ran: the bundled component's shipped digest, or the file's own.
    let component_sha256 = match &component {
        None => riptide::bundled_component_sha256().to_string(),
        Some(path) => {
            use sha2::Digest;
            let bytes = std::fs::read(path)
                .map_err(|e| Failure::usage(format!("could not read {}: {e}", path.display())))?;
            hex::encode(sha2::Sha256::digest(&bytes))
        }
    };
    let value = serde_json::json!({
        "component": {
            "bundled": component.is_none(),
            "sha256": component_sha256,
        },
        "info": info,
        "health": health,
        "modes": modes,
    });
    let text = serde_json::to_string_pretty(&value).map_err(|e| Failure::usage(e.to_string()))?;
    println!("{text}");
    Ok(())
}
