//! Recording the WIT world in a component, so that `riptide-wit-check` can check its package
//! and version.
//!
//! rustc's component linker (and `wit-component`) keep only a component's imports and exports:
//! the package of a world whose exports are plain functions, such as `riptide:extractor@0.3.0`,
//! appears nowhere in the binary. [`stamp`] appends it as a `component-type` custom section,
//! the format wit-bindgen embeds in core modules (`wit_component::metadata::encode`), which
//! the validator reads back.
//!
//! ```
//! use riptide_guest_build::stamp::stamp;
//! use riptide_wit_check::ExpectedWorld;
//!
//! let err = stamp(b"\0asm\x01\0\0\0", &ExpectedWorld::bundled()).unwrap_err();
//! assert!(err.to_string().contains("not a WebAssembly component"), "{err}");
//! ```

use riptide_wit_check::ExpectedWorld;
use wasm_encoder::{CustomSection, Encode as _, Section as _};
use wit_component::StringEncoding;

/// Why a world could not be recorded in a component.
#[derive(Debug, thiserror::Error)]
pub enum StampError {
    /// The bytes are not a WebAssembly component.
    #[error(
        "cannot record the world in these bytes: they are not a WebAssembly component; pass \
         the component produced by the guest build"
    )]
    NotAComponent,
    /// The world could not be encoded.
    #[error("cannot encode the world {world}: {source:#}")]
    Encode {
        /// The world, `namespace:package/world@version`.
        world: String,
        /// The encoder's error.
        #[source]
        source: anyhow::Error,
    },
}

/// Returns `component` with `world` recorded in a `component-type` custom section appended at
/// its end.
///
/// The section is named `component-type:riptide-wit-check:<world id>`: the name it had when
/// this function lived in `riptide-wit-check`, kept so that the shipped component's bytes
/// stay what the sources build.
///
/// # Errors
/// [`StampError::NotAComponent`] for bytes that are not a component,
/// [`StampError::Encode`] when the world cannot be encoded.
pub fn stamp(component: &[u8], world: &ExpectedWorld) -> Result<Vec<u8>, StampError> {
    if !wasmparser::Parser::is_component(component) {
        return Err(StampError::NotAComponent);
    }
    let data = wit_component::metadata::encode(
        world.resolve(),
        world.world(),
        StringEncoding::UTF8,
        None,
        false,
    )
    .map_err(|source| StampError::Encode {
        world: world.id(),
        source,
    })?;
    let section = CustomSection {
        name: format!("component-type:riptide-wit-check:{}", world.id()).into(),
        data: data.into(),
    };
    let mut out = component.to_vec();
    out.push(section.id());
    section.encode(&mut out);
    Ok(out)
}
