//! Timestamps and ISO 8601 durations as the API writes them.

use chrono::{DateTime, SecondsFormat, TimeZone, Utc};

/// Milliseconds since the Unix epoch.
pub fn to_ms(t: &DateTime<Utc>) -> i64 {
    t.timestamp_millis()
}

pub fn from_ms(ms: i64) -> DateTime<Utc> {
    Utc.timestamp_millis_opt(ms).single().unwrap_or_default()
}

/// The form the SDK sends in query strings: RFC 3339, UTC, exactly 3 fractional digits.
pub fn query_timestamp(t: &DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Millis, true)
}

/// `PT2M30S` style, zero units left out, `PT0S` for zero, milliseconds as a fraction of the
/// seconds (`PT1.25S`). Days are written as hours, as the service does for test runs.
pub fn format_duration_ms(ms: i64) -> String {
    if ms <= 0 {
        return "PT0S".to_string();
    }
    let (h, rest) = (ms / 3_600_000, ms % 3_600_000);
    let (m, rest) = (rest / 60_000, rest % 60_000);
    let (s, frac) = (rest / 1000, rest % 1000);
    let mut out = String::from("PT");
    if h > 0 {
        out.push_str(&format!("{h}H"));
    }
    if m > 0 {
        out.push_str(&format!("{m}M"));
    }
    if s > 0 || frac > 0 {
        if frac > 0 {
            let f = format!("{frac:03}");
            out.push_str(&format!("{s}.{}S", f.trim_end_matches('0')));
        } else {
            out.push_str(&format!("{s}S"));
        }
    }
    out
}

/// Parses an ISO 8601 duration (`PnW`, or `PnYnMnD` with `T nH nM n[.,n]S`) into
/// milliseconds. Years count 365 days and months 30, which only matters for filters.
pub fn parse_duration_ms(s: &str) -> Result<i64, String> {
    let bad =
        |why: &str| format!("`{s}` is not an ISO 8601 duration ({why}); e.g. PT1M30S, PT2H, P1D");
    let rest = s
        .strip_prefix('P')
        .or_else(|| s.strip_prefix('p'))
        .ok_or_else(|| bad("it must start with P"))?;
    if rest.is_empty() {
        return Err(bad("no amount after P"));
    }
    let mut total: f64 = 0.0;
    let mut in_time = false;
    let mut num = String::new();
    let mut any = false;
    let mut last_rank = 0u8;
    for c in rest.chars() {
        match c {
            'T' | 't' => {
                if in_time || !num.is_empty() {
                    return Err(bad("misplaced T"));
                }
                in_time = true;
            }
            '0'..='9' | '.' | ',' => num.push(if c == ',' { '.' } else { c }),
            _ => {
                let unit = c.to_ascii_uppercase();
                let (rank, factor) = match (in_time, unit) {
                    (false, 'Y') => (1, 365.0 * 86_400_000.0),
                    (false, 'M') => (2, 30.0 * 86_400_000.0),
                    (false, 'W') => (3, 7.0 * 86_400_000.0),
                    (false, 'D') => (4, 86_400_000.0),
                    (true, 'H') => (5, 3_600_000.0),
                    (true, 'M') => (6, 60_000.0),
                    (true, 'S') => (7, 1000.0),
                    _ => return Err(bad(&format!("unexpected `{c}`"))),
                };
                if rank <= last_rank {
                    return Err(bad("units out of order or repeated"));
                }
                last_rank = rank;
                if num.is_empty() {
                    return Err(bad(&format!("no number before `{c}`")));
                }
                let n: f64 = num.parse().map_err(|_| bad(&format!("`{num}` is not a number")))?;
                total += n * factor;
                num.clear();
                any = true;
            }
        }
    }
    if !num.is_empty() {
        return Err(bad("a number has no unit"));
    }
    if !any {
        return Err(bad("no amount"));
    }
    if total > 1e15 {
        return Err(bad("too long"));
    }
    Ok(total.round() as i64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_durations_like_the_service() {
        assert_eq!(format_duration_ms(150_000), "PT2M30S");
        assert_eq!(format_duration_ms(0), "PT0S");
        assert_eq!(format_duration_ms(3_600_000), "PT1H");
        assert_eq!(format_duration_ms(1_250), "PT1.25S");
        assert_eq!(format_duration_ms(90_061_001), "PT25H1M1.001S");
    }

    #[test]
    fn parses_durations() {
        assert_eq!(parse_duration_ms("PT1M"), Ok(60_000));
        assert_eq!(parse_duration_ms("PT2M30S"), Ok(150_000));
        assert_eq!(parse_duration_ms("PT0.5S"), Ok(500));
        assert_eq!(parse_duration_ms("P1D"), Ok(86_400_000));
        assert_eq!(parse_duration_ms("P1W"), Ok(604_800_000));
        assert_eq!(parse_duration_ms("P1DT1H"), Ok(90_000_000));
        for bad in ["", "P", "PT", "1M", "PT1", "PTM", "PT1S1M", "P1H", "PT1Y", "PTxS", "P1..2D"] {
            assert!(parse_duration_ms(bad).is_err(), "{bad} should fail");
        }
    }

    #[test]
    fn format_then_parse_is_identity() {
        for ms in [0, 1, 999, 1000, 59_999, 61_001, 3_600_000, 86_400_123] {
            assert_eq!(parse_duration_ms(&format_duration_ms(ms)), Ok(ms));
        }
    }
}
