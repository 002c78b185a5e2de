//! Dimensions a report can split or explain by: the run's own fields, every metadata key seen,
//! and the hour of day. One code per run per dimension, read straight from the facts.

use std::borrow::Cow;

use super::facts::*;

/// What a report splits by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Dim {
    Station,
    /// The metadata key with this index (see [`Facts::metadata_dim`]).
    Meta(u16),
    Operator,
    Batch,
    Revision,
    ProcedureVersion,
    Procedure,
    /// Local hour the run started (0–23), in the facts' UTC offset.
    HourOfDay,
}

impl Facts {
    /// Every dimension the data has: the fixed ones, then each metadata key in the order seen.
    pub fn dims(&self) -> Vec<Dim> {
        let mut out = vec![Dim::Station];
        out.extend((0..self.meta.len() as u16).map(Dim::Meta));
        out.extend([
            Dim::Operator,
            Dim::Batch,
            Dim::Revision,
            Dim::ProcedureVersion,
            Dim::Procedure,
            Dim::HourOfDay,
        ]);
        out
    }

    /// The dimension of metadata key `key`, once a run carried it.
    pub fn metadata_dim(&self, key: &str) -> Option<Dim> {
        self.meta_keys.get(key).map(|k| Dim::Meta(k as u16))
    }

    pub fn metadata_keys(&self) -> impl Iterator<Item = &str> {
        self.meta_keys.iter().map(|(_, k)| k)
    }

    pub fn dim_name(&self, dim: Dim) -> Cow<'_, str> {
        match dim {
            Dim::Station => "station".into(),
            Dim::Meta(k) => self.meta_keys.resolve(u32::from(k)).into(),
            Dim::Operator => "operator".into(),
            Dim::Batch => "batch".into(),
            Dim::Revision => "revision".into(),
            Dim::ProcedureVersion => "procedure version".into(),
            Dim::Procedure => "procedure".into(),
            Dim::HourOfDay => "hour of day".into(),
        }
    }

    /// Codes of `dim` run from 0 to below this. Code 0 is "none" except for the hour of day.
    pub fn dim_size(&self, dim: Dim) -> usize {
        match dim {
            Dim::HourOfDay => 24,
            Dim::Meta(k) => self.meta.get(k as usize).map_or(1, |c| match &c.bins {
                Some(b) => b.labels.len() + 1,
                None => c.values.keys.len(),
            }),
            Dim::Batch => self.dicts[BATCH].keys.len(),
            // Two-byte codes: past MANY the values share it.
            other => self.dicts[fixed(other)].keys.len().min(usize::from(MANY) + 1),
        }
    }

    /// The value of `dim` for a run.
    pub fn code(&self, run: RunIdx, dim: Dim) -> u32 {
        let f = &self.runs[run as usize];
        match dim {
            Dim::Station => u32::from(f.station),
            Dim::Meta(k) => self.meta.get(k as usize).map_or(0, |c| {
                let v = c.codes[run as usize];
                c.bins.as_ref().map_or(v, |b| b.of_value[v as usize])
            }),
            Dim::Operator => u32::from(f.operator),
            Dim::Batch => f.batch,
            Dim::Revision => u32::from(f.revision),
            Dim::ProcedureVersion => u32::from(f.version),
            Dim::Procedure => u32::from(f.procedure),
            Dim::HourOfDay => self.hour_of_day(f.started_ms),
        }
    }

    pub(crate) fn hour_of_day(&self, ms: i64) -> u32 {
        if ms == NO_TIME {
            return 0;
        }
        ((ms.saturating_add(self.utc_offset_ms)).rem_euclid(DAY_MS) / HOUR_MS) as u32
    }

    /// What a value is shown as: a station's name, an operator's name or email, `08h`.
    pub fn value_label(&self, dim: Dim, code: u32) -> Cow<'_, str> {
        match dim {
            Dim::HourOfDay => format!("{code:02}h").into(),
            Dim::Station if code == 0 => "user".into(),
            _ if code == 0 => "(none)".into(),
            Dim::Batch | Dim::Meta(_) => self.plain_label(dim, code),
            _ if code == u32::from(MANY) => "(more values)".into(),
            _ => self.plain_label(dim, code),
        }
    }

    fn plain_label(&self, dim: Dim, code: u32) -> Cow<'_, str> {
        match dim {
            Dim::Meta(k) => self.meta.get(k as usize).map_or("(none)".into(), |c| match &c.bins {
                Some(b) => b.labels.get(code as usize - 1).map_or("(none)", |l| l).into(),
                None => c.values.label(code).into(),
            }),
            other => self.dicts[fixed(other)].label(code).into(),
        }
    }

    /// What a value is filtered by: a station's or operator's id, a batch number, the
    /// metadata value (a binned key's: its label). Empty for "none".
    pub fn value_key(&self, dim: Dim, code: u32) -> Cow<'_, str> {
        match dim {
            Dim::HourOfDay => code.to_string().into(),
            Dim::Meta(_) if self.meta_range(dim, code).is_some() => self.value_label(dim, code),
            Dim::Meta(k) => {
                self.meta.get(k as usize).map_or("", |c| c.values.keys.resolve(code)).into()
            }
            other => self.dicts[fixed(other)].keys.resolve(code).into(),
        }
    }

    /// A revision's part number (empty when the run had none) and revision.
    pub fn part_revision(&self, code: u32) -> (&str, &str) {
        let key = self.dicts[REVISION].keys.resolve(code);
        key.split_once(PART_REV).unwrap_or(("", key))
    }
}

fn fixed(dim: Dim) -> usize {
    match dim {
        Dim::Procedure => PROCEDURE,
        Dim::ProcedureVersion => VERSION,
        Dim::Station => STATION,
        Dim::Operator => OPERATOR,
        Dim::Revision => REVISION,
        Dim::Batch => BATCH,
        Dim::Meta(_) | Dim::HourOfDay => unreachable!("not a fixed dimension"),
    }
}
