//! Times and durations as people type them: `24h`, `7d`, `1h30m`, `2026-11-01`,
//! `2026-11-01T08:00`, RFC 3339, or an ISO 8601 duration such as `PT2M`.

use chrono::{DateTime, FixedOffset, NaiveDate, NaiveDateTime, TimeZone};

use crate::api::time::parse_duration_ms;

/// A point in time in a filter. Relative times are resolved when a request is built, so a
/// refreshed `since:24h` slides with the clock.
#[derive(Debug, Clone, PartialEq)]
pub enum TimeSpec {
    /// This long before now (ms).
    Ago(i64),
    /// A wall-clock time in the user's time zone.
    Local(NaiveDateTime),
    /// An exact instant (ms since the epoch), typed with an offset.
    Exact(i64),
}

impl TimeSpec {
    pub(crate) fn resolve(&self, now_ms: i64, tz: FixedOffset) -> i64 {
        match self {
            TimeSpec::Ago(ms) => now_ms - ms,
            TimeSpec::Local(t) => tz
                .from_local_datetime(t)
                .single()
                .map(|t| t.timestamp_millis())
                .unwrap_or_else(|| t.and_utc().timestamp_millis()),
            TimeSpec::Exact(ms) => *ms,
        }
    }

    pub fn parse(s: &str) -> Result<TimeSpec, String> {
        if let Ok(ms) = parse_span(s) {
            return Ok(TimeSpec::Ago(ms));
        }
        if let Ok(t) = DateTime::parse_from_rfc3339(s) {
            return Ok(TimeSpec::Exact(t.timestamp_millis()));
        }
        if let Ok(d) = NaiveDate::parse_from_str(s, "%Y-%m-%d") {
            return Ok(TimeSpec::Local(d.and_hms_opt(0, 0, 0).unwrap_or_default()));
        }
        for f in ["%Y-%m-%dT%H:%M:%S", "%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"] {
            if let Ok(t) = NaiveDateTime::parse_from_str(s, f) {
                return Ok(TimeSpec::Local(t));
            }
        }
        Err(format!("`{s}` is not a time; use e.g. 24h, 7d, 2026-11-01 or 2026-11-01T08:00"))
    }
}

impl std::fmt::Display for TimeSpec {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            TimeSpec::Ago(ms) => f.write_str(&format_span(*ms)),
            TimeSpec::Local(t) if t.time() == chrono::NaiveTime::MIN => {
                write!(f, "{}", t.format("%Y-%m-%d"))
            }
            TimeSpec::Local(t) => write!(f, "{}", t.format("%Y-%m-%dT%H:%M:%S")),
            TimeSpec::Exact(ms) => write!(
                f,
                "{}",
                crate::api::time::from_ms(*ms).to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
            ),
        }
    }
}

const UNITS: [(char, i64); 5] =
    [('w', 604_800_000), ('d', 86_400_000), ('h', 3_600_000), ('m', 60_000), ('s', 1_000)];

/// `1h30m`, `90s`, `2w`, `500ms` or ISO 8601 (`PT2M`), to milliseconds.
pub(crate) fn parse_span(s: &str) -> Result<i64, String> {
    let err = || format!("`{s}` is not a duration; use e.g. 90s, 2m, 1h30m, 7d or PT2M");
    if s.starts_with('P') {
        return parse_duration_ms(s).map_err(|_| err());
    }
    if s.is_empty() {
        return Err(err());
    }
    let mut total: i64 = 0;
    let mut rest = s;
    while !rest.is_empty() {
        let digits = rest.find(|c: char| !(c.is_ascii_digit() || c == '.')).ok_or_else(err)?;
        if digits == 0 {
            return Err(err());
        }
        let n: f64 = rest[..digits].parse().map_err(|_| err())?;
        rest = &rest[digits..];
        let (unit_ms, len) = if rest.starts_with("ms") {
            (1, 2)
        } else {
            let c = rest.chars().next().ok_or_else(err)?;
            (UNITS.iter().find(|(u, _)| *u == c).ok_or_else(err)?.1, 1)
        };
        rest = &rest[len..];
        let add = n * unit_ms as f64;
        if !add.is_finite() || add > 1e15 {
            return Err(format!("`{s}` is too long a duration"));
        }
        total = total.saturating_add(add.round() as i64);
    }
    Ok(total)
}

/// The shortest form `parse_span` reads back to the same value.
pub(crate) fn format_span(ms: i64) -> String {
    if ms == 0 {
        return "0s".into();
    }
    let mut out = String::new();
    let mut rest = ms;
    // People say 24h and 36h, 7d and 14d: days only from 3 days up, weeks never.
    const DAY: i64 = 86_400_000;
    if rest >= 3 * DAY {
        out.push_str(&format!("{}d", rest / DAY));
        rest %= DAY;
    }
    for (u, len) in UNITS.into_iter().filter(|(u, _)| !matches!(u, 'w' | 'd')) {
        if rest >= len {
            out.push_str(&format!("{}{u}", rest / len));
            rest %= len;
        }
    }
    if rest > 0 {
        out.push_str(&format!("{rest}ms"));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spans_read_and_print() {
        assert_eq!(parse_span("1h30m"), Ok(5_400_000));
        assert_eq!(parse_span("90s"), Ok(90_000));
        assert_eq!(parse_span("PT2M"), Ok(120_000));
        assert_eq!(parse_span("1.5h"), Ok(5_400_000));
        assert_eq!(format_span(5_400_000), "1h30m");
        assert_eq!(format_span(86_400_000), "24h");
        assert_eq!(format_span(7 * 86_400_000), "7d");
        assert_eq!(parse_span("2w"), Ok(14 * 86_400_000));
        assert_eq!(format_span(1_500), "1s500ms");
        for bad in ["", "h", "5", "5x", "-5m", "5m3"] {
            assert!(parse_span(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn times_resolve_in_the_users_zone() {
        let tz = FixedOffset::east_opt(3600).unwrap();
        let t = TimeSpec::parse("2026-11-01").unwrap();
        assert_eq!(t.resolve(0, tz), 1_793_487_600_000); // 2026-10-31T23:00Z
        assert_eq!(
            TimeSpec::parse("24h").unwrap().resolve(100_000_000, tz),
            100_000_000 - 86_400_000
        );
        assert!(TimeSpec::parse("yesterday-ish").is_err());
    }
}
