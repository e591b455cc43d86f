//! The peak of live bytes while something runs, by jemalloc's statistics: shared by the
//! engine's sharing test, the server's peak test and the bench's W9 (each includes this file
//! by path; each runs on jemalloc with its `stats` feature).

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

/// Bytes live in the whole process now, by jemalloc's statistics (refreshed first).
pub fn live_bytes() -> usize {
    tikv_jemalloc_ctl::epoch::advance().expect("jemalloc's epoch");
    tikv_jemalloc_ctl::stats::allocated::read().expect("jemalloc's stats.allocated")
}

/// The most bytes live at once while it ran, over what was live when it started, as read by a
/// thread that looks every half millisecond (jemalloc keeps no peak; a tree of a large list
/// takes tens of milliseconds to build, so none passes unseen).
pub struct Peak {
    stop: Arc<AtomicBool>,
    sampler: std::thread::JoinHandle<usize>,
    start: usize,
}

impl Peak {
    pub fn start() -> Peak {
        let stop = Arc::new(AtomicBool::new(false));
        let start = live_bytes();
        let flag = stop.clone();
        let sampler = std::thread::spawn(move || {
            let mut peak = 0;
            while !flag.load(Ordering::Relaxed) {
                peak = peak.max(live_bytes());
                std::thread::sleep(Duration::from_micros(500));
            }
            peak.max(live_bytes())
        });
        Peak {
            stop,
            sampler,
            start,
        }
    }

    /// The peak over the start, in bytes.
    pub fn end(self) -> usize {
        self.stop.store(true, Ordering::Relaxed);
        let peak = self.sampler.join().expect("the sampler ends");
        peak.saturating_sub(self.start)
    }
}
