//! The time zone dates are shown and typed in. The local zone's rules are applied per
//! instant (`TZ`, else `/etc/localtime`), so a date in the other half of the year gets its
//! own daylight-saving offset, not today's.

use chrono::{DateTime, FixedOffset, Local, NaiveDateTime, Offset, TimeDelta, TimeZone, Utc};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Zone {
    /// The machine's zone, with its rules.
    Local,
    /// One offset all year (UTC with `time_zone = "utc"`).
    Fixed(FixedOffset),
}

impl From<FixedOffset> for Zone {
    fn from(o: FixedOffset) -> Zone {
        Zone::Fixed(o)
    }
}

impl Zone {
    pub fn utc() -> Zone {
        Zone::Fixed(Utc.fix())
    }

    /// The instant `ms` on this zone's clock.
    pub fn at(self, ms: i64) -> Option<DateTime<FixedOffset>> {
        match self {
            Zone::Fixed(o) => o.timestamp_millis_opt(ms).single(),
            Zone::Local => Local.timestamp_millis_opt(ms).single().map(|t| t.fixed_offset()),
        }
    }

    /// The instant a wall-clock time names. Twice in the autumn hour: the first; in the
    /// spring gap: the time an hour later (what a clock put forward shows).
    pub fn from_local(self, t: NaiveDateTime) -> Option<DateTime<FixedOffset>> {
        match self {
            Zone::Fixed(o) => o.from_local_datetime(&t).earliest(),
            Zone::Local => Local
                .from_local_datetime(&t)
                .earliest()
                .or_else(|| Local.from_local_datetime(&(t + TimeDelta::hours(1))).earliest())
                .map(|t| t.fixed_offset()),
        }
    }
}
