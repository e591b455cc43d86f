//! Per-user shares of this worker's slots: one user's top-level runs may hold at most
//! `share` slots at once, so at least one slot is always left for somebody else and another
//! user's run starts at once whatever one user does. A run's sub-agents live on its own slot
//! (`child.rs`), so a whole tree counts once: that is the per-root-run share.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

/// Slots held per user in this process.
pub(crate) struct UserShares {
    share: usize,
    held: Mutex<HashMap<String, usize>>,
}

/// A worker slot held by a run: the pool's permit and its user's share, both given back
/// when the run ends.
pub(crate) struct Slot {
    _permit: tokio::sync::OwnedSemaphorePermit,
    _share: ShareGuard,
}

impl Slot {
    pub fn new(permit: tokio::sync::OwnedSemaphorePermit, share: ShareGuard) -> Slot {
        Slot {
            _permit: permit,
            _share: share,
        }
    }
}

/// One slot held by one user; gives it back when dropped (the run ended).
pub(crate) struct ShareGuard {
    shares: Arc<UserShares>,
    user_id: String,
}

impl UserShares {
    /// `share` slots per user; 0 picks the default for `slots`: all but a tenth of them (at
    /// least one left for others, when there are two slots or more).
    pub fn new(share: usize, slots: usize) -> Arc<UserShares> {
        let share = match share {
            0 => slots.saturating_sub((slots / 10).max(1)).max(1),
            n => n,
        };
        Arc::new(UserShares {
            share,
            held: Mutex::new(HashMap::new()),
        })
    }

    /// A slot for `user_id` if the user is below its share.
    pub fn try_take(self: &Arc<Self>, user_id: &str) -> Option<ShareGuard> {
        let mut held = self.held.lock().expect("shares lock");
        let count = held.entry(user_id.to_string()).or_default();
        if *count >= self.share {
            return None;
        }
        *count += 1;
        Some(ShareGuard {
            shares: self.clone(),
            user_id: user_id.to_string(),
        })
    }

    /// The users holding their whole share now: the claim passes over their queued runs.
    pub fn full(&self) -> Vec<String> {
        let held = self.held.lock().expect("shares lock");
        held.iter()
            .filter(|(_, count)| **count >= self.share)
            .map(|(user, _)| user.clone())
            .collect()
    }
}

impl Drop for ShareGuard {
    fn drop(&mut self) {
        let mut held = self.shares.held.lock().expect("shares lock");
        if let Some(count) = held.get_mut(&self.user_id) {
            *count = count.saturating_sub(1);
            if *count == 0 {
                held.remove(&self.user_id);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_user_at_its_share_leaves_slots_to_others() {
        let shares = UserShares::new(0, 10);
        let held: Vec<_> = (0..9).filter_map(|_| shares.try_take("a")).collect();
        assert_eq!(held.len(), 9, "all but a tenth");
        assert!(shares.try_take("a").is_none());
        assert_eq!(shares.full(), vec!["a".to_string()]);
        assert!(shares.try_take("b").is_some());
        drop(held);
        assert!(shares.full().is_empty());
        assert!(shares.try_take("a").is_some());
    }

    #[test]
    fn one_slot_is_one_users_whole_share() {
        let shares = UserShares::new(0, 1);
        assert!(shares.try_take("a").is_some());
        assert_eq!(UserShares::new(0, 2).share, 1);
        assert_eq!(UserShares::new(5, 100).share, 5);
    }
}
