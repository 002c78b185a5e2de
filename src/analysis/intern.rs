//! String dictionaries for the facts. Every distinct string (a run id, a serial, a station) is
//! stored once, end to end in one arena, and rows hold its `u32` code: 50,000 run ids cost
//! their bytes plus about 24 bytes of index each, not a `String` per row.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

/// The table's keys already are 64-bit hashes of the strings: hashing them again would only
/// cost time.
#[derive(Default)]
struct PassThrough(u64);

impl Hasher for PassThrough {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for b in bytes {
            self.0 = self.0.rotate_left(8) ^ u64::from(*b);
        }
    }
    fn write_u64(&mut self, n: u64) {
        self.0 = n;
    }
}

fn hash(s: &str) -> u64 {
    // FNV-1a, then a final mix so that ids differing only in their last bytes spread over the
    // table's high bits too. Deterministic, so codes do not depend on the process.
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in s.as_bytes() {
        h ^= u64::from(*b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    h ^= h >> 33;
    h = h.wrapping_mul(0xff51_afd7_ed55_8ccd);
    h ^ (h >> 33)
}

/// Strings to dense codes `0..len()`, in the order they were first seen.
#[derive(Default, Clone)]
pub struct Interner {
    text: String,
    ends: Vec<u32>,
    by_hash: HashMap<u64, u32, BuildHasherDefault<PassThrough>>,
    /// Strings whose hash another string took first: rare, kept so lookups stay exact.
    collided: HashMap<Box<str>, u32>,
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

    pub fn get(&self, s: &str) -> Option<u32> {
        let code = *self.by_hash.get(&hash(s))?;
        if self.resolve(code) == s { Some(code) } else { self.collided.get(s).copied() }
    }

    /// The code of `s`, adding it when new.
    pub fn intern(&mut self, s: &str) -> u32 {
        if let Some(code) = self.get(s) {
            return code;
        }
        let code = self.ends.len() as u32;
        self.text.push_str(s);
        self.ends.push(self.text.len() as u32);
        match self.by_hash.entry(hash(s)) {
            std::collections::hash_map::Entry::Occupied(_) => {
                self.collided.insert(s.into(), code);
            }
            std::collections::hash_map::Entry::Vacant(e) => {
                e.insert(code);
            }
        }
        code
    }

    /// The string of a code; empty for a code this interner never gave.
    pub fn resolve(&self, code: u32) -> &str {
        let i = code as usize;
        let Some(&end) = self.ends.get(i) else { return "" };
        let start = if i == 0 { 0 } else { self.ends[i - 1] };
        &self.text[start as usize..end as usize]
    }

    pub fn iter(&self) -> impl Iterator<Item = (u32, &str)> {
        (0..self.ends.len() as u32).map(|c| (c, self.resolve(c)))
    }

    /// Heap bytes held, for the memory budget (allocated capacity, not just what is used).
    pub fn heap_bytes(&self) -> usize {
        self.text.capacity()
            + self.ends.capacity() * 4
            // A hashbrown slot is the entry plus one control byte.
            + self.by_hash.capacity() * (16 + 1)
            + self.collided.keys().map(|k| k.len() + 24).sum::<usize>()
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
    fn a_hash_collision_stays_exact() {
        let mut i = Interner::new();
        let a = i.intern("first");
        // Pretend "second" hashes like "first": its slot in the table is taken.
        i.by_hash.insert(hash("second"), a);
        assert_eq!(i.get("second"), None);
        let code = i.intern("second");
        assert_eq!(code, 1);
        assert_eq!(i.collided.get("second"), Some(&code));
        assert_eq!(i.get("first"), Some(a));
        assert_eq!(i.get("second"), Some(code));
        assert_eq!(i.intern("second"), code);
        assert_eq!((i.len(), i.resolve(code)), (2, "second"));
    }
}
