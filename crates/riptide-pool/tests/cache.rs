//! The artifact cache refuses what it did not write: entries are authenticated with a
//! per-user secret, untrusted directories are not used, links are not followed.

mod common;

use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::path::{Path, PathBuf};

use riptide_pool::{Pool, PoolConfig, StartupInfo};

/// The small hostile guest: quick to compile, and any component will do here.
fn component() -> &'static [u8] {
    riptide_guest_build::shared_component(env!("CARGO_MANIFEST_DIR"), "riptide-hostile-guest")
        .expect("the hostile guest builds")
}

/// A fresh cache directory for one test (missing: the pool creates it).
fn fresh_dir(name: &str) -> PathBuf {
    let dir = PathBuf::from(concat!(env!("CARGO_TARGET_TMPDIR"), "/cache-tests")).join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.parent().unwrap()).unwrap();
    dir
}

fn start(dir: &Path) -> StartupInfo {
    let config = PoolConfig::builder()
        .max_instances(1)
        .hot_size(0, 1)
        .cache_dir(dir)
        .build()
        .unwrap();
    Pool::builder(component())
        .config(config)
        .build()
        .expect("the pool starts")
        .startup()
}

fn files(dir: &Path, extension: &str) -> Vec<PathBuf> {
    let mut found: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|entries| {
            entries
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| p.extension().is_some_and(|x| x == extension))
                .collect()
        })
        .unwrap_or_default();
    found.sort();
    found
}

#[test]
fn an_entry_is_written_private_and_loaded_back() {
    let dir = fresh_dir("round-trip");
    let first = start(&dir);
    assert!(!first.from_cache, "{first:?}");
    let second = start(&dir);
    assert!(second.from_cache, "{second:?}");
    assert_eq!(std::fs::metadata(&dir).unwrap().mode() & 0o777, 0o700);
    let secret = std::fs::metadata(dir.join("secret.key")).unwrap();
    assert_eq!(secret.mode() & 0o777, 0o600);
    assert_eq!(files(&dir, "cwasm").len(), 1);
    assert_eq!(files(&dir, "mac").len(), 1);
    assert!(files(&dir, "tmp").is_empty(), "no temporary file is left");
}

/// Someone who may write the files but not read the secret replaces the artifact and writes
/// a hash that matches it: the entry is refused and recompiled, never loaded.
#[test]
fn a_tampered_but_consistent_entry_is_recompiled() {
    let dir = fresh_dir("tampered");
    start(&dir);
    let artifact = files(&dir, "cwasm").remove(0);
    let mac = files(&dir, "mac").remove(0);
    let mut bytes = std::fs::read(&artifact).unwrap();
    let middle = bytes.len() / 2;
    bytes[middle] ^= 0x55;
    std::fs::write(&artifact, &bytes).unwrap();
    // A keyed hash under a key of the attacker's choosing, and an unkeyed one.
    for forged in [
        blake3::keyed_hash(&[7u8; 32], &bytes).to_hex().to_string(),
        blake3::hash(&bytes).to_hex().to_string(),
    ] {
        std::fs::write(&mac, format!("{forged}\n")).unwrap();
        std::fs::write(&artifact, &bytes).unwrap();
        let info = start(&dir);
        assert!(!info.from_cache, "{info:?}");
        let note = info.note.unwrap_or_default();
        assert!(note.contains("not authenticated"), "{note}");
    }
    // The recompiled entry is good again.
    assert!(start(&dir).from_cache);
}

#[test]
fn a_directory_writable_by_others_is_not_used() {
    let dir = fresh_dir("world-writable");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o777)).unwrap();
    for _ in 0..2 {
        let info = start(&dir);
        assert!(!info.from_cache, "{info:?}");
        let note = info.note.unwrap_or_default();
        assert!(note.contains("writable by others"), "{note}");
        assert!(note.contains("compiled in memory"), "{note}");
    }
    assert_eq!(
        std::fs::read_dir(&dir).unwrap().count(),
        0,
        "nothing is written into an untrusted directory"
    );
}

#[test]
fn a_linked_cache_directory_is_not_used() {
    let dir = fresh_dir("linked");
    let real = fresh_dir("linked-target");
    std::fs::create_dir_all(&real).unwrap();
    std::fs::set_permissions(&real, std::fs::Permissions::from_mode(0o700)).unwrap();
    std::os::unix::fs::symlink(&real, &dir).unwrap();
    let info = start(&dir);
    assert!(!info.from_cache);
    assert!(
        info.note.unwrap_or_default().contains("symbolic link"),
        "a link may point anywhere"
    );
    assert_eq!(std::fs::read_dir(&real).unwrap().count(), 0);
}

/// An entry's file replaced by a link to another file: not followed for reading, and the
/// rewrite replaces the link, never writes through it.
#[test]
fn a_linked_entry_is_not_followed() {
    let dir = fresh_dir("linked-entry");
    start(&dir);
    let artifact = files(&dir, "cwasm").remove(0);
    let elsewhere = fresh_dir("linked-entry-target");
    std::fs::create_dir_all(&elsewhere).unwrap();
    let victim = elsewhere.join("victim");
    std::fs::write(&victim, b"do not touch").unwrap();
    std::fs::remove_file(&artifact).unwrap();
    std::os::unix::fs::symlink(&victim, &artifact).unwrap();
    let info = start(&dir);
    assert!(!info.from_cache, "{info:?}");
    assert_eq!(std::fs::read(&victim).unwrap(), b"do not touch");
    let meta = std::fs::symlink_metadata(&artifact).unwrap();
    assert!(
        meta.file_type().is_file(),
        "the link was replaced by the entry"
    );
    assert!(start(&dir).from_cache);
}
