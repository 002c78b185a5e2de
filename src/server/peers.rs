//! Connections held per peer address, so one host cannot take every connection slot.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::{Arc, Mutex, PoisonError};

/// Counts open connections by peer address, up to `max` each.
#[derive(Debug, Clone)]
pub struct PeerSlots {
    open: Arc<Mutex<HashMap<IpAddr, usize>>>,
    max: usize,
}

/// One connection's place in its peer's count, given back on drop.
#[derive(Debug)]
pub struct PeerSlot {
    open: Arc<Mutex<HashMap<IpAddr, usize>>>,
    ip: IpAddr,
}

impl PeerSlots {
    pub fn new(max: usize) -> Self {
        PeerSlots { open: Arc::default(), max }
    }

    /// A place for one more connection from `ip`, or none when it holds `max` already.
    pub fn take(&self, ip: IpAddr) -> Option<PeerSlot> {
        let mut open = self.open.lock().unwrap_or_else(PoisonError::into_inner);
        let n = open.entry(canonical(ip)).or_insert(0);
        if *n >= self.max {
            return None;
        }
        *n += 1;
        Some(PeerSlot { open: self.open.clone(), ip: canonical(ip) })
    }
}

/// An IPv4 peer on a dual-stack socket arrives as `::ffff:a.b.c.d`: count it as itself.
fn canonical(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(ip, IpAddr::V4),
        v4 => v4,
    }
}

impl Drop for PeerSlot {
    fn drop(&mut self) {
        let mut open = self.open.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(n) = open.get_mut(&self.ip) {
            *n -= 1;
            if *n == 0 {
                open.remove(&self.ip);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_peer_has_its_own_count_given_back_on_drop() {
        let slots = PeerSlots::new(2);
        let a: IpAddr = "127.0.0.2".parse().expect("ip");
        let b: IpAddr = "127.0.0.1".parse().expect("ip");
        let first = slots.take(a).expect("first");
        let _second = slots.take(a).expect("second");
        assert!(slots.take(a).is_none(), "a third from the same peer");
        assert!(slots.take(b).is_some(), "another peer is not affected");
        let mapped: IpAddr = "::ffff:127.0.0.2".parse().expect("ip");
        assert!(slots.take(mapped).is_none(), "the same peer over IPv6");
        drop(first);
        assert!(slots.take(a).is_some(), "a place given back");
    }
}
