//! Writes behind: what the worker keeps is written on one thread of the cache's own, in the
//! order it was given, so that a later write is never undone by an earlier one still on its
//! way (a disposition saved while the population it belongs to is being written).

use std::sync::Arc;
use std::sync::mpsc::{Sender, channel};
use std::time::Duration;

use super::Cache;

/// A write waiting its turn.
pub(super) type Job = Box<dyn FnOnce() + Send>;

impl Cache {
    /// Writes with `f` after every write given before, off the caller's thread.
    pub fn write_behind(self: &Arc<Cache>, f: impl FnOnce(&Cache) + Send + 'static) {
        let me = self.clone();
        let job: Job = Box::new(move || f(&me));
        let mut writes = self.writes.lock().unwrap_or_else(|p| p.into_inner());
        let tx = writes.get_or_insert_with(|| {
            let (tx, rx) = channel::<Job>();
            let spawned = std::thread::Builder::new()
                .name("tofui-cache".into())
                .spawn(move || rx.into_iter().for_each(|job| job()));
            if let Err(e) = spawned {
                tracing::warn!("cache: no thread to write behind ({e}); writing in place");
            }
            tx
        });
        // No thread to take it (it could not start): written here.
        if let Err(e) = tx.send(job) {
            *writes = None;
            drop(writes);
            (e.0)();
        }
    }

    /// Waits (up to `wait`) until the writes given so far are written: before the program
    /// ends, so that none is lost.
    pub fn flush(self: &Arc<Cache>, wait: Duration) -> bool {
        let (tx, rx) = channel::<()>();
        self.write_behind(move |_| {
            let _ = tx.send(());
        });
        rx.recv_timeout(wait).is_ok()
    }
}

/// The sender of a cache's write thread, made with the first write.
pub(super) type Writes = std::sync::Mutex<Option<Sender<Job>>>;
