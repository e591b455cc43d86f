//! Users' notification preferences as this process last read them, so that a run's end can
//! be told on its row without a statement (`agentry_engine::notices`). A change made here
//! drops the user's entry at once; one made by another process is seen once the entry is
//! older than `FRESH`. Until then, or when a user's entry is missing, the run is told as
//! before by the watcher, which reads the preferences (and fills the entry).

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use hashlink::LruCache;

use super::NotificationPreferences;

/// Users whose preferences are kept (the least recently used go first).
const CAPACITY: usize = 4096;
/// How long a read serves: another process's change of preferences takes effect here within it.
const FRESH: Duration = Duration::from_secs(10);

pub(super) struct PreferenceCache {
    entries: Mutex<LruCache<String, (Arc<NotificationPreferences>, Instant)>>,
    /// Bumped by every change: a read that started before one does not fill its entry.
    generation: AtomicU64,
}

impl PreferenceCache {
    pub(super) fn new() -> PreferenceCache {
        PreferenceCache {
            entries: Mutex::new(LruCache::new(CAPACITY)),
            generation: AtomicU64::new(0),
        }
    }

    /// The user's preferences when read here less than `FRESH` ago.
    pub(super) fn get(&self, user_id: &str) -> Option<Arc<NotificationPreferences>> {
        let mut entries = self.entries.lock().expect("preferences lock");
        match entries.get(user_id) {
            Some((prefs, at)) if at.elapsed() < FRESH => Some(prefs.clone()),
            _ => None,
        }
    }

    /// Taken before reading the preferences, handed to `put` with what was read.
    pub(super) fn generation(&self) -> u64 {
        self.generation.load(Ordering::Acquire)
    }

    /// Keeps what was read, unless preferences changed since the read began.
    pub(super) fn put(&self, user_id: &str, prefs: NotificationPreferences, read_at: u64) {
        let mut entries = self.entries.lock().expect("preferences lock");
        if self.generation.load(Ordering::Acquire) == read_at {
            entries.insert(user_id.to_string(), (Arc::new(prefs), Instant::now()));
        }
    }

    /// The user's preferences changed (here): their entry goes, and no read in flight fills it.
    pub(super) fn forget(&self, user_id: &str) {
        let mut entries = self.entries.lock().expect("preferences lock");
        self.generation.fetch_add(1, Ordering::AcqRel);
        entries.remove(user_id);
    }
}
