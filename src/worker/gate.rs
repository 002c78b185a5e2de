//! How many requests a client has on their way at once (issue 26: back off on 429 and 503).
//! The loads ask for many pages at once; a server (or the proxy in front of it) that answers
//! 429 or 503 halves what this client sends at once, down to one; each run of answers without
//! one lets one more through again, up to [`MAX`]. Shared by the clones of a client.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use tokio::sync::Notify;

/// The most requests on their way at once (the loads' own bound is lower on loopback).
pub(super) const MAX: usize = 16;
/// Answers without a 429/503 before one more request may go at once.
const GROW_AFTER: usize = 8;

#[derive(Debug, Clone)]
pub(super) struct Gate(Arc<Inner>);

#[derive(Debug)]
struct Inner {
    limit: AtomicUsize,
    on_way: AtomicUsize,
    good: AtomicUsize,
    freed: Notify,
}

/// A request on its way; leaving it lets the next one go.
pub(super) struct Permit(Arc<Inner>);

impl Drop for Permit {
    fn drop(&mut self) {
        self.0.on_way.fetch_sub(1, Ordering::SeqCst);
        self.0.freed.notify_waiters();
    }
}

impl Default for Gate {
    fn default() -> Self {
        Gate(Arc::new(Inner {
            limit: AtomicUsize::new(MAX),
            on_way: AtomicUsize::new(0),
            good: AtomicUsize::new(0),
            freed: Notify::new(),
        }))
    }
}

impl Gate {
    /// Waits until fewer requests than the limit are on their way.
    pub(super) async fn enter(&self) -> Permit {
        loop {
            let freed = self.0.freed.notified();
            let n = self.0.on_way.load(Ordering::SeqCst);
            if n < self.0.limit.load(Ordering::SeqCst)
                && self
                    .0
                    .on_way
                    .compare_exchange(n, n + 1, Ordering::SeqCst, Ordering::SeqCst)
                    .is_ok()
            {
                return Permit(self.0.clone());
            }
            freed.await;
        }
    }

    /// A 429 or 503: half as many at once from now on (at least one).
    pub(super) fn back_off(&self) {
        self.0.good.store(0, Ordering::SeqCst);
        let _ =
            self.0.limit.fetch_update(Ordering::SeqCst, Ordering::SeqCst, |l| Some((l / 2).max(1)));
    }

    /// An answer: after a run of them, one more at once.
    pub(super) fn answered(&self) {
        if self.0.good.fetch_add(1, Ordering::SeqCst) + 1 >= GROW_AFTER {
            self.0.good.store(0, Ordering::SeqCst);
            let _ = self
                .0
                .limit
                .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |l| (l < MAX).then_some(l + 1));
            self.0.freed.notify_waiters();
        }
    }
}
