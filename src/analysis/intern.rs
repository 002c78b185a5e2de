//! String dictionaries for the facts. Every distinct string (a run id, a serial, a station) is
//! stored once, end to end in one byte arena, and rows hold its `u32` code. The index is
//! hashbrown's `HashTable` of codes (4 bytes and a control byte a slot, compared against the
//! arena on a match of the hash's tag), so 50,000 run ids cost their bytes plus about 12 bytes
//! each, where a `HashMap<String, u32>` would cost some 80.
//!
//! This is `string-interner`'s design (its `StringBackend` over a hashbrown table), kept here
//! because run ids are bytes, not text: a UUID is kept as 17 bytes instead of 36 ([`RunIds`]),
//! which `string-interner` (text only) cannot hold: as text, 200,000 run ids take 9.1 MB there
//! against 5.4 MB here (8 ms to intern them there, 14 ms here with the UUIDs parsed), and the
//! facts' budget of 95 bytes a run would not hold. `cargo bench --bench analysis` ingests
//! 50,000 runs in 24.6–25.7 ms (34.9–36.4 ms with the hand-written table this replaced).

use std::hash::BuildHasher;

use hashbrown::HashTable;
use hashbrown::hash_table::Entry;

/// The hash of a key: foldhash with a fixed seed, so nothing depends on the process.
fn hash(bytes: &[u8]) -> u64 {
    foldhash::fast::FixedState::with_seed(0x7f4a_1d2c).hash_one(bytes)
}

/// The bytes of `code` in an arena of `ends`.
fn slice<'a>(bytes: &'a [u8], ends: &[u32], code: u32) -> &'a [u8] {
    let i = code as usize;
    let Some(&end) = ends.get(i) else { return &[] };
    let start = if i == 0 { 0 } else { ends[i - 1] };
    &bytes[start as usize..end as usize]
}

/// Byte strings to dense codes `0..len()`, in the order they were first seen.
#[derive(Default, Clone)]
pub struct Interner {
    bytes: Vec<u8>,
    ends: Vec<u32>,
    /// Codes, by the hash of their bytes.
    table: HashTable<u32>,
}

impl std::fmt::Debug for Interner {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list().entries(self.iter().map(|(_, s)| s)).finish()
    }
}

impl Interner {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn len(&self) -> usize {
        self.ends.len()
    }

    pub fn is_empty(&self) -> bool {
        self.ends.is_empty()
    }

    /// Room for `n` more entries of about `bytes_each` bytes without growing.
    pub fn reserve(&mut self, n: usize, bytes_each: usize) {
        self.bytes.reserve(n * bytes_each);
        self.ends.reserve(n);
        let (bytes, ends) = (&self.bytes, &self.ends);
        self.table.reserve(n, |&c| hash(slice(bytes, ends, c)));
    }

    pub(crate) fn bytes_of(&self, code: u32) -> &[u8] {
        slice(&self.bytes, &self.ends, code)
    }

    pub(crate) fn get_bytes(&self, key: &[u8]) -> Option<u32> {
        self.table.find(hash(key), |&c| self.bytes_of(c) == key).copied()
    }

    pub(crate) fn intern_bytes(&mut self, key: &[u8]) -> u32 {
        let (bytes, ends) = (&self.bytes, &self.ends);
        let same = |c: &u32| slice(bytes, ends, *c) == key;
        match self.table.entry(hash(key), same, |&c| hash(slice(bytes, ends, c))) {
            Entry::Occupied(found) => *found.get(),
            Entry::Vacant(slot) => {
                let code = self.ends.len() as u32;
                slot.insert(code);
                self.bytes.extend_from_slice(key);
                self.ends.push(self.bytes.len() as u32);
                code
            }
        }
    }

    pub fn get(&self, s: &str) -> Option<u32> {
        self.get_bytes(s.as_bytes())
    }

    /// The code of `s`, adding it when new.
    pub fn intern(&mut self, s: &str) -> u32 {
        self.intern_bytes(s.as_bytes())
    }

    /// The string of a code; empty for a code this interner never gave (or one that holds
    /// bytes of another kind, see [`RunIds`]).
    pub fn resolve(&self, code: u32) -> &str {
        std::str::from_utf8(self.bytes_of(code)).unwrap_or("")
    }

    pub fn iter(&self) -> impl Iterator<Item = (u32, &str)> {
        (0..self.ends.len() as u32).map(|c| (c, self.resolve(c)))
    }

    /// Heap bytes held, for the memory budget (allocated capacity, not just what is used).
    pub fn heap_bytes(&self) -> usize {
        // hashbrown holds a power of two of slots, at most 7/8 full: 4 bytes and a control
        // byte each.
        let slots = match self.table.capacity() {
            0 => 0,
            c => (c * 8 / 7).next_power_of_two(),
        };
        self.bytes.capacity() + self.ends.capacity() * 4 + slots * 5
    }
}

/// Run ids. A canonical UUID (what TofuPilot gives) is kept as its 16 bytes behind a 0xFF tag,
/// 17 bytes instead of 36; no UTF-8 string holds a 0xFF byte, so it cannot clash with an id
/// kept as text.
#[derive(Debug, Default, Clone)]
pub(crate) struct RunIds(Interner);

const UUID_TAG: u8 = 0xFF;

fn compact(id: &str) -> Option<[u8; 17]> {
    if id.len() != 36 {
        return None;
    }
    let u = uuid::Uuid::try_parse(id).ok()?;
    let mut text = [0u8; 36];
    // Only the form that prints back the same: an upper-case id stays text.
    if u.hyphenated().encode_lower(&mut text) != id {
        return None;
    }
    let mut out = [UUID_TAG; 17];
    out[1..].copy_from_slice(u.as_bytes());
    Some(out)
}

impl RunIds {
    pub(crate) fn reserve(&mut self, n: usize) {
        self.0.reserve(n, 17);
    }

    pub(crate) fn intern(&mut self, id: &str) -> u32 {
        match compact(id) {
            Some(b) => self.0.intern_bytes(&b),
            None => self.0.intern(id),
        }
    }

    pub(crate) fn get(&self, id: &str) -> Option<u32> {
        match compact(id) {
            Some(b) => self.0.get_bytes(&b),
            None => self.0.get(id),
        }
    }

    pub(crate) fn resolve(&self, code: u32) -> std::borrow::Cow<'_, str> {
        let b = self.0.bytes_of(code);
        match b.split_first() {
            Some((&UUID_TAG, rest)) => uuid::Uuid::from_slice(rest)
                .map_or_else(|_| "".into(), |u| u.hyphenated().to_string().into()),
            _ => std::str::from_utf8(b).unwrap_or("").into(),
        }
    }

    pub(crate) fn heap_bytes(&self) -> usize {
        self.0.heap_bytes()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_dense_and_stable() {
        let mut i = Interner::new();
        assert_eq!(i.intern("a"), 0);
        assert_eq!(i.intern(""), 1);
        assert_eq!(i.intern("bc"), 2);
        assert_eq!(i.intern("a"), 0);
        assert_eq!(i.get("bc"), Some(2));
        assert_eq!(i.get("b"), None);
        assert_eq!((i.resolve(0), i.resolve(1), i.resolve(2), i.resolve(9)), ("a", "", "bc", ""));
    }

    #[test]
    fn many_keys_survive_growth_and_collisions() {
        let mut i = Interner::new();
        for k in 0..10_000 {
            assert_eq!(i.intern(&format!("key-{k}")), k);
        }
        for k in (0..10_000).rev() {
            assert_eq!(i.get(&format!("key-{k}")), Some(k));
            assert_eq!(i.resolve(k), format!("key-{k}"));
        }
        assert_eq!(i.get("key-10000"), None);
        assert!(i.table.capacity() >= i.len());
        // Reserving rehashes without losing anything.
        i.reserve(100_000, 9);
        assert_eq!(i.get("key-4242"), Some(4242));
    }

    #[test]
    fn run_ids_keep_uuids_in_16_bytes_and_give_them_back() {
        let mut ids = RunIds::default();
        let u = "0191d3a2-7c4e-7b1a-9f00-1234567890ab";
        let upper = "0191D3A2-7C4E-7B1A-9F00-1234567890AB";
        let (a, b, c) = (ids.intern(u), ids.intern("run-7"), ids.intern(upper));
        assert_eq!((a, b, c), (0, 1, 2));
        assert_eq!(ids.0.bytes_of(a).len(), 17);
        assert_eq!(ids.0.bytes_of(c).len(), 36);
        assert_eq!(
            (ids.resolve(a), ids.resolve(b), ids.resolve(c)),
            (u.into(), "run-7".into(), upper.into())
        );
        assert_eq!((ids.get(u), ids.get(upper), ids.get("run-8")), (Some(0), Some(2), None));
        assert_eq!(ids.intern(u), 0);
    }
}
