//! Metadata as columns: one code per run per key (up to [`MAX_METADATA_KEYS`] keys), each key's
//! values interned once, with the runs per value the bins are made from.

use serde_json::Value;

use super::facts::{Dict, Facts, MAX_METADATA_KEYS, RunIdx};

/// A metadata key's values, one code per run (0: the run has no such key).
#[derive(Debug, Clone)]
pub(crate) struct MetaColumn {
    pub values: Dict,
    pub codes: Vec<u32>,
    /// Runs carrying each value code (code 0: none).
    pub runs_per_value: Vec<u32>,
    /// A numeric key with many values: its bins ([`super::bins`]).
    pub bins: Option<super::bins::Bins>,
}

fn meta_text(v: &Value) -> Option<std::borrow::Cow<'_, str>> {
    match v {
        Value::Null => None,
        Value::String(s) => Some(s.as_str().into()),
        other => Some(other.to_string().into()),
    }
}

impl Facts {
    pub(super) fn set_metadata(
        &mut self,
        idx: RunIdx,
        meta: Option<&serde_json::Map<String, Value>>,
    ) {
        for col in &mut self.meta {
            let old = std::mem::take(&mut col.codes[idx as usize]);
            col.runs_per_value[old as usize] -= 1;
            col.runs_per_value[0] += 1;
        }
        let Some(meta) = meta else { return };
        for (key, value) in meta {
            let Some(text) = meta_text(value) else { continue };
            let k = match self.meta_keys.get(key) {
                Some(k) => k as usize,
                None if self.meta.len() < MAX_METADATA_KEYS => {
                    self.meta_keys.intern(key);
                    let mut codes = Vec::with_capacity(self.runs.capacity());
                    codes.resize(self.runs.len(), 0);
                    let runs_per_value = vec![self.runs.len() as u32];
                    let values = Dict::new();
                    self.meta.push(MetaColumn { values, codes, runs_per_value, bins: None });
                    self.meta.len() - 1
                }
                None => {
                    if self.dropped_keys.len() < 16 && !self.dropped_keys.contains(key) {
                        self.dropped_keys.push(key.clone());
                    }
                    continue;
                }
            };
            let col = &mut self.meta[k];
            let code = col.values.code(&text, None);
            col.codes[idx as usize] = code;
            if code as usize >= col.runs_per_value.len() {
                col.runs_per_value.resize(code as usize + 1, 0);
            }
            col.runs_per_value[0] -= 1;
            col.runs_per_value[code as usize] += 1;
        }
    }
}
