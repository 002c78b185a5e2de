//! Live mode's alert when a new failure arrives (config `alert = "bell" | "flash" | "none"`):
//! a terminal bell or a visible flash, at most once per [`ALERT_EVERY_MS`]. The limiter runs
//! on the app's clock (the `now` every `update` is given), so tests set the time.

use super::Effect;
use super::pane::Ctx;

/// The shortest time between two alerts.
pub const ALERT_EVERY_MS: i64 = 10_000;

/// How a new failure is announced.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AlertKind {
    /// The terminal's bell (BEL).
    Bell,
    /// The screen flashes (reverse video for a moment) and the status line says why.
    Flash,
}

impl AlertKind {
    /// From the config's value (`none` or absent: no alert).
    pub fn from_config(v: Option<&str>) -> Option<AlertKind> {
        match v {
            Some("bell") => Some(AlertKind::Bell),
            Some("flash") => Some(AlertKind::Flash),
            _ => None,
        }
    }
}

/// Which alert is on, and when the last one went off.
#[derive(Debug, Clone, Default)]
pub struct Alerter {
    kind: Option<AlertKind>,
    last_ms: Option<i64>,
}

impl Alerter {
    pub fn new(kind: Option<AlertKind>) -> Self {
        Alerter { kind, last_ms: None }
    }

    /// The alert to give at `now_ms`, if one is on and the last was long enough ago.
    fn fire(&mut self, now_ms: i64) -> Option<AlertKind> {
        let kind = self.kind?;
        if self.last_ms.is_some_and(|t| now_ms - t < ALERT_EVERY_MS) {
            return None;
        }
        self.last_ms = Some(now_ms);
        Some(kind)
    }
}

/// New failures arrived in live mode (`n` of them).
pub(crate) fn new_failures(n: usize, cx: &mut Ctx) {
    let now = cx.now();
    let Some(kind) = cx.alerter().fire(now) else { return };
    if kind == AlertKind::Flash {
        let s = if n == 1 { "" } else { "s" };
        cx.flash(format!("✗ {n} new failure{s} (live)"));
    }
    cx.effect(Effect::Alert(kind));
}
