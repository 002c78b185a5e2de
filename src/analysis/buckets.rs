//! Time buckets for sparklines and series: hours for a window under two days, days up to half
//! a year, weeks beyond, aligned to local midnight (the facts' UTC offset), weeks to Monday.

use super::facts::{DAY_MS, HOUR_MS, NO_TIME};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BucketSize {
    Hour,
    Day,
    Week,
}

impl BucketSize {
    pub fn ms(self) -> i64 {
        match self {
            BucketSize::Hour => HOUR_MS,
            BucketSize::Day => DAY_MS,
            BucketSize::Week => 7 * DAY_MS,
        }
    }

    /// Hours up to 48 h, days up to 180 days, weeks beyond.
    pub fn for_span(span_ms: i64) -> Self {
        if span_ms <= 48 * HOUR_MS {
            BucketSize::Hour
        } else if span_ms <= 180 * DAY_MS {
            BucketSize::Day
        } else {
            BucketSize::Week
        }
    }
}

/// A run of equal buckets covering a window.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Buckets {
    pub size: BucketSize,
    /// UTC ms where the first bucket starts (a local hour, midnight or Monday).
    pub start_ms: i64,
    pub count: usize,
}

impl Buckets {
    /// Buckets covering `[from_ms, to_ms]`, sized by the span unless `size` is given.
    pub fn covering(
        from_ms: i64,
        to_ms: i64,
        size: Option<BucketSize>,
        utc_offset_ms: i64,
    ) -> Self {
        let to_ms = to_ms.max(from_ms);
        let size = size.unwrap_or_else(|| BucketSize::for_span(to_ms - from_ms));
        let len = size.ms();
        // 1970-01-01 was a Thursday: weeks start three days later in the epoch's count.
        let phase = if size == BucketSize::Week { 4 * DAY_MS } else { 0 };
        let local = from_ms + utc_offset_ms - phase;
        let start_ms = local.div_euclid(len) * len - utc_offset_ms + phase;
        let count = ((to_ms - start_ms) / len + 1) as usize;
        Buckets { size, start_ms, count }
    }

    /// The bucket of a time; times outside the window go to the nearest end bucket, and a run
    /// with no time to none.
    pub fn index(&self, t_ms: i64) -> Option<usize> {
        if t_ms == NO_TIME || self.count == 0 {
            return None;
        }
        let i = (t_ms - self.start_ms).div_euclid(self.size.ms());
        Some(i.clamp(0, self.count as i64 - 1) as usize)
    }

    pub fn bucket_start(&self, i: usize) -> i64 {
        self.start_ms + i as i64 * self.size.ms()
    }
}
