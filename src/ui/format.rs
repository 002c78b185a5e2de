//! Times, durations and counts as the screen writes them.

use chrono::{FixedOffset, TimeZone};

/// `now`, `12s ago`, `5m ago`, `3h ago`, `2d ago`; `in 5m` for clocks ahead of ours.
pub(crate) fn relative(ms: i64, now_ms: i64) -> String {
    let d = now_ms - ms;
    let (future, d) = (d < 0, d.abs() / 1000);
    let v = match d {
        0..=4 => return "now".into(),
        5..=59 => format!("{d}s"),
        60..=3599 => format!("{}m", d / 60),
        3600..=86_399 => format!("{}h", d / 3600),
        _ => format!("{}d", d / 86_400),
    };
    if future { format!("in {v}") } else { format!("{v} ago") }
}

/// `11-26 13:45:12` this year, `2025-11-26 13:45` otherwise, in the user's zone.
pub(crate) fn absolute_short(ms: i64, now_ms: i64, tz: FixedOffset) -> String {
    let (Some(t), Some(now)) =
        (tz.timestamp_millis_opt(ms).single(), tz.timestamp_millis_opt(now_ms).single())
    else {
        return "?".into();
    };
    if t.format("%Y").to_string() == now.format("%Y").to_string() {
        t.format("%m-%d %H:%M:%S").to_string()
    } else {
        t.format("%Y-%m-%d %H:%M").to_string()
    }
}

/// `2026-11-26 13:45:12 +01:00`.
pub(crate) fn absolute(ms: i64, tz: FixedOffset) -> String {
    tz.timestamp_millis_opt(ms)
        .single()
        .map(|t| t.format("%Y-%m-%d %H:%M:%S %:z").to_string())
        .unwrap_or_else(|| "?".into())
}

/// `850ms`, `12.3s`, `4m05s`, `2h13m`, `3d04h`.
pub fn duration(ms: i64) -> String {
    if ms < 0 {
        return "?".into();
    }
    let s = ms / 1000;
    match ms {
        0..=999 => format!("{ms}ms"),
        1000..=59_999 => format!("{:.1}s", ms as f64 / 1000.0),
        60_000..=3_599_999 => format!("{}m{:02}s", s / 60, s % 60),
        3_600_000..=86_399_999 => format!("{}h{:02}m", s / 3600, (s % 3600) / 60),
        _ => format!("{}d{:02}h", s / 86_400, (s % 86_400) / 3600),
    }
}

/// `1,234,567`.
pub fn count(n: usize) -> String {
    let s = n.to_string();
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

const SPINNER: [&str; 10] = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"];

pub(crate) fn spinner(now_ms: i64) -> &'static str {
    SPINNER[(now_ms / 100).rem_euclid(10) as usize]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats() {
        assert_eq!(relative(0, 3_000), "now");
        assert_eq!(relative(0, 40_000), "40s ago");
        assert_eq!(relative(0, 7_200_000), "2h ago");
        assert_eq!(relative(60_000, 0), "in 1m");
        assert_eq!(duration(65_000), "1m05s");
        assert_eq!(duration(12_345), "12.3s");
        assert_eq!(count(1_234_567), "1,234,567");
        assert_eq!(count(12), "12");
    }
}
