//! Drift prediction: a series' least-squares line with the 95 % confidence interval of its
//! slope, and, only when that interval excludes 0 (the slope cannot be chance) and the line
//! heads for a limit, when its fitted mean reaches the nearer limit at that rate. Never for a
//! slope that could be zero.

use super::facts::DAY_MS;
use super::limits::Limits;

/// A least-squares line of value over time.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Drift {
    /// Value units per day.
    pub slope_per_day: f64,
    /// The slope's 95 % confidence interval (Student's t, n − 2 degrees of freedom).
    pub interval: (f64, f64),
    /// The line's value at the newest point, and that point's time (ms).
    pub level: f64,
    pub at_ms: f64,
}

/// When a drift reaches a limit.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Reach {
    pub limit: f64,
    /// Days after the newest point.
    pub days: f64,
}

/// Student's t at 97.5 % for `df` degrees of freedom (1.96 past 120).
fn t975(df: usize) -> f64 {
    const T: [f64; 30] = [
        12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.160,
        2.145, 2.131, 2.120, 2.110, 2.101, 2.093, 2.086, 2.080, 2.074, 2.069, 2.064, 2.060, 2.056,
        2.052, 2.048, 2.045, 2.042,
    ];
    match df {
        0 => f64::INFINITY,
        1..=30 => T[df - 1],
        31..=60 => 2.000 + (2.042 - 2.000) * (60 - df) as f64 / 30.0,
        61..=120 => 1.980 + (2.000 - 1.980) * (120 - df) as f64 / 60.0,
        _ => 1.960,
    }
}

impl Drift {
    /// The line through `points` ((ms, value), any order); `None` under three points or
    /// without two distinct times.
    pub fn fit(points: &[(f64, f64)]) -> Option<Drift> {
        let n = points.len();
        if n < 3 {
            return None;
        }
        let nf = n as f64;
        let (mx, my) = points.iter().fold((0.0, 0.0), |(a, b), p| (a + p.0 / nf, b + p.1 / nf));
        let (sxy, sxx) = points.iter().fold((0.0, 0.0), |(sxy, sxx), p| {
            let dx = p.0 - mx;
            (sxy + dx * (p.1 - my), sxx + dx * dx)
        });
        if sxx <= 0.0 {
            return None;
        }
        let b = sxy / sxx;
        let rss: f64 = points.iter().map(|p| (p.1 - my - b * (p.0 - mx)).powi(2)).sum();
        let se = (rss / (nf - 2.0) / sxx).sqrt();
        let half = t975(n - 2) * se;
        let day = DAY_MS as f64;
        let at_ms = points.iter().map(|p| p.0).fold(f64::NEG_INFINITY, f64::max);
        Some(Drift {
            slope_per_day: b * day,
            interval: ((b - half) * day, (b + half) * day),
            level: my + b * (at_ms - mx),
            at_ms,
        })
    }

    /// Whether the slope's interval excludes 0.
    pub fn significant(&self) -> bool {
        self.interval.0 > 0.0 || self.interval.1 < 0.0
    }

    /// When the line reaches the limit it heads for, if the slope is significant and the
    /// line is still inside that limit.
    pub fn reaches(&self, limits: &Limits) -> Option<Reach> {
        if !self.significant() {
            return None;
        }
        let limit = if self.slope_per_day < 0.0 { limits.lower? } else { limits.upper? };
        let days = (limit - self.level) / self.slope_per_day;
        (days >= 0.0).then_some(Reach { limit, days })
    }
}
