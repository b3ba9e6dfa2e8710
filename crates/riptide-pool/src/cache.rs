//! The on-disk artifact cache of compiled components, authenticated.
//!
//! wasmtime runs the native code of a deserialized artifact as it is, so a cache entry must
//! be something this user's pool wrote, not merely a file with the right name. Each entry is
//! `KEY.cwasm` (wasmtime's serialization) and `KEY.mac`, a BLAKE3 keyed hash of the artifact
//! under a per-user secret (`secret.key`, 32 random bytes, mode 0600) kept in the cache
//! directory. Someone who can write files there but cannot read the secret cannot forge an
//! entry.
//!
//! - The directory is used only if it belongs to this user and nobody else may write to it
//!   (and it is not a symbolic link); otherwise the pool compiles in memory and says why.
//! - Files are opened without following symbolic links; new files get unique names and are
//!   created exclusively, then renamed into place.
//! - The artifact is read once into memory, authenticated, and those very bytes are
//!   deserialized (no second read or mapping of a file that could have changed).

use std::io::{Read as _, Write as _};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

use wasmtime::Engine;
use wasmtime::component::Component;

/// The secret that authenticates entries: created on first use, 0600.
const SECRET_FILE: &str = "secret.key";
const SECRET_LEN: usize = 32;

/// Open `path` for reading without following a symbolic link.
fn open_nofollow(path: &Path) -> std::io::Result<std::fs::File> {
    let mut options = std::fs::OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.custom_flags(libc::O_NOFOLLOW);
    }
    options.open(path)
}

fn read_nofollow(path: &Path) -> std::io::Result<Vec<u8>> {
    let mut data = Vec::new();
    open_nofollow(path)?.read_to_end(&mut data)?;
    Ok(data)
}

/// The owner of `meta` when it is not this user (always `None` off Unix).
fn foreign_owner(meta: &std::fs::Metadata) -> Option<u32> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        // SAFETY: geteuid has no preconditions and cannot fail.
        let me = unsafe { libc::geteuid() };
        (meta.uid() != me).then_some(meta.uid())
    }
    #[cfg(not(unix))]
    {
        let _ = meta;
        None
    }
}

/// The permission bits of `meta` (0 off Unix).
fn mode(meta: &std::fs::Metadata) -> u32 {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        meta.mode() & 0o777
    }
    #[cfg(not(unix))]
    {
        let _ = meta;
        0
    }
}

/// Check that `dir` (created 0700 when missing) belongs to this user and is writable by no
/// one else.
///
/// # Errors
/// A sentence saying what is wrong with it.
fn trusted_dir(dir: &Path) -> Result<(), String> {
    if !dir.exists() {
        create_private_dir(dir).map_err(|e| {
            format!(
                "could not create the cache directory {}: {e}",
                dir.display()
            )
        })?;
    }
    let meta = std::fs::symlink_metadata(dir)
        .map_err(|e| format!("cache directory {}: {e}", dir.display()))?;
    if meta.file_type().is_symlink() {
        return Err(format!(
            "the cache directory {} is a symbolic link",
            dir.display()
        ));
    }
    if !meta.is_dir() {
        return Err(format!("{} is not a directory", dir.display()));
    }
    if let Some(owner) = foreign_owner(&meta) {
        return Err(format!(
            "the cache directory {} belongs to user {owner}, not to this user",
            dir.display()
        ));
    }
    if mode(&meta) & 0o022 != 0 {
        return Err(format!(
            "the cache directory {} is writable by others (mode {:o}); make it 0700",
            dir.display(),
            mode(&meta)
        ));
    }
    Ok(())
}

fn create_private_dir(dir: &Path) -> std::io::Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        std::fs::DirBuilder::new()
            .recursive(true)
            .mode(0o700)
            .create(dir)
    }
    #[cfg(not(unix))]
    {
        std::fs::create_dir_all(dir)
    }
}

/// A name for a temporary file in `dir` no other writer uses.
fn temp_name(dir: &Path, what: &str) -> PathBuf {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let mut nonce = [0u8; 8];
    let _ = getrandom::fill(&mut nonce);
    dir.join(format!(
        ".{what}.{}.{}.{:016x}.tmp",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::Relaxed),
        u64::from_le_bytes(nonce)
    ))
}

/// Write `contents` to a new file (exclusively created, mode `mode`), then rename it to
/// `path`.
fn write_new(dir: &Path, path: &Path, contents: &[u8], mode: u32) -> std::io::Result<()> {
    let tmp = temp_name(dir, "entry");
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(mode).custom_flags(libc::O_NOFOLLOW);
    }
    #[cfg(not(unix))]
    let _ = mode;
    let result = (|| {
        let mut file = options.open(&tmp)?;
        file.write_all(contents)?;
        file.sync_all()?;
        std::fs::rename(&tmp, path)
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result
}

/// The per-user secret of `dir`, created when missing.
fn secret(dir: &Path) -> Result<[u8; SECRET_LEN], String> {
    let path = dir.join(SECRET_FILE);
    match open_nofollow(&path) {
        Ok(mut file) => {
            let meta = file
                .metadata()
                .map_err(|e| format!("{}: {e}", path.display()))?;
            if foreign_owner(&meta).is_some() || mode(&meta) & 0o077 != 0 {
                return Err(format!(
                    "the cache secret {} must belong to this user with mode 0600",
                    path.display()
                ));
            }
            let mut key = [0u8; SECRET_LEN];
            file.read_exact(&mut key)
                .map_err(|e| format!("the cache secret {}: {e}", path.display()))?;
            Ok(key)
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            let mut key = [0u8; SECRET_LEN];
            getrandom::fill(&mut key)
                .map_err(|e| format!("no randomness for the cache secret: {e}"))?;
            write_new(dir, &path, &key, 0o600)
                .map_err(|e| format!("could not write the cache secret {}: {e}", path.display()))?;
            // Another process may have written its own first: use what is on disk.
            let on_disk = read_nofollow(&path)
                .map_err(|e| format!("the cache secret {}: {e}", path.display()))?;
            on_disk.try_into().map_err(|_| {
                format!(
                    "the cache secret {} is not {SECRET_LEN} bytes",
                    path.display()
                )
            })
        }
        Err(e) => Err(format!("the cache secret {}: {e}", path.display())),
    }
}

fn mac(key: &[u8; SECRET_LEN], data: &[u8]) -> blake3::Hash {
    blake3::keyed_hash(key, data)
}

/// An entry of a trusted cache directory, with the directory's secret.
pub(crate) struct Entry {
    pub(crate) artifact: PathBuf,
    mac: PathBuf,
    dir: PathBuf,
    key: [u8; SECRET_LEN],
}

impl Entry {
    /// The entry named `key` in `dir`, once `dir` is checked (created when missing) and its
    /// secret read (created when missing).
    ///
    /// # Errors
    /// Why the directory may not be trusted: the pool then compiles in memory.
    pub(crate) fn open(dir: &Path, key: &str) -> Result<Entry, String> {
        trusted_dir(dir)?;
        Ok(Entry {
            artifact: dir.join(format!("{key}.cwasm")),
            mac: dir.join(format!("{key}.mac")),
            key: secret(dir)?,
            dir: dir.to_path_buf(),
        })
    }

    /// Load the entry: read, authenticate, deserialize those bytes.
    ///
    /// # Errors
    /// Why there is no usable entry (missing, not authenticated, rejected): compile and
    /// [`store`](Self::store).
    pub(crate) fn load(&self, engine: &Engine) -> Result<Component, String> {
        let Ok(expected) = read_nofollow(&self.mac) else {
            return Err("no cache entry yet; compiled".into());
        };
        let data = read_nofollow(&self.artifact)
            .map_err(|e| format!("cache entry unreadable ({e}); recompiled"))?;
        let expected = std::str::from_utf8(&expected)
            .ok()
            .and_then(|hex| blake3::Hash::from_hex(hex.trim()).ok());
        // blake3::Hash compares in constant time.
        if expected != Some(mac(&self.key, &data)) {
            return Err(
                "cache entry not authenticated (written by someone else, or corrupt); recompiled"
                    .into(),
            );
        }
        // SAFETY: these bytes are exactly what this user's pool serialized for this engine
        // configuration (the entry's name covers it): their keyed hash matches, under a
        // secret only this user can read. They are deserialized from memory, so no later
        // change of the file can reach them.
        unsafe { Component::deserialize(engine, &data) }
            .map_err(|e| format!("cache entry rejected by wasmtime ({e}); recompiled"))
    }

    /// Store `component` as this entry.
    ///
    /// # Errors
    /// What failed while writing.
    pub(crate) fn store(&self, component: &Component) -> Result<(), String> {
        let data = component.serialize().map_err(|e| e.to_string())?;
        // The artifact first: a crash in between leaves an entry that fails authentication.
        write_new(&self.dir, &self.artifact, &data, 0o600).map_err(|e| e.to_string())?;
        write_new(
            &self.dir,
            &self.mac,
            format!("{}\n", mac(&self.key, &data).to_hex()).as_bytes(),
            0o600,
        )
        .map_err(|e| e.to_string())
    }
}
