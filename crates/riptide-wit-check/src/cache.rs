//! The report cache of a validator, and the "glimpse" that proves a miss cheaply.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use sha2::{Digest, Sha256};

use crate::report::ValidationReport;

/// Reports kept; the cache is emptied when it would grow past this.
const CAPACITY: usize = 64;

/// Bytes read from each end of a component for its glimpse.
const GLIMPSE_BYTES: usize = 4096;

/// Reports by key (SHA-256 of the configuration and of the component), plus the glimpses of
/// the components they were made for.
#[derive(Default)]
pub(crate) struct Cache {
    reports: HashMap<[u8; 32], Arc<ValidationReport>>,
    glimpses: HashSet<[u8; 32]>,
}

impl Cache {
    pub(crate) fn get(&self, key: &[u8; 32]) -> Option<Arc<ValidationReport>> {
        self.reports.get(key).cloned()
    }

    /// False only when no cached report can be for a component with this glimpse.
    pub(crate) fn may_contain(&self, glimpse: &[u8; 32]) -> bool {
        self.glimpses.contains(glimpse)
    }

    pub(crate) fn insert(
        &mut self,
        key: [u8; 32],
        glimpse: Option<[u8; 32]>,
        report: Arc<ValidationReport>,
    ) {
        if self.reports.len() >= CAPACITY {
            self.clear();
        }
        self.reports.insert(key, report);
        self.glimpses.extend(glimpse);
    }

    pub(crate) fn clear(&mut self) {
        self.reports.clear();
        self.glimpses.clear();
    }

    pub(crate) fn len(&self) -> usize {
        self.reports.len()
    }
}

/// SHA-256 of the length and of the first and last 4 KiB: equal bytes have equal glimpses,
/// so a glimpse that the cache does not hold proves a miss without hashing everything.
pub(crate) fn glimpse(bytes: &[u8]) -> [u8; 32] {
    let mut h = Sha256::new();
    h.update((bytes.len() as u64).to_le_bytes());
    h.update(&bytes[..bytes.len().min(GLIMPSE_BYTES)]);
    h.update(&bytes[bytes.len().saturating_sub(GLIMPSE_BYTES)..]);
    h.finalize().into()
}
