//! The trend's per-series table, under the legend when the chart is wide enough (80 columns
//! and up, a screen of about 110) and tall enough: each series (station, fixture, …) with its n, mean, σ, Cpk against
//! the current limits, failures and drift per day, so "FX-12 Cpk 0.43, FX-21 1.4" is read,
//! not computed by hand.

use ratatui::text::{Line, Span};

use crate::analysis::{capability, format_sig};
use crate::app::trend::TrendPane;
use crate::ui::text::{fit, pad, width};
use crate::ui::theme::Theme;

/// A chart narrower than this (a screen under about 110 columns) has the table across the
/// whole width under the chart and histogram instead of under its legend.
pub(crate) const TABLE_FROM_WIDTH: u16 = 80;
/// Narrower than this, no table: the legend gives the counts.
const NARROWEST: u16 = 60;

fn num(v: Option<f64>) -> String {
    v.map_or("—".into(), |v| format_sig(v, 4))
}

/// The table's lines (a header, then a row per series), or none when it does not fit in `w`
/// columns and `room` rows.
pub(crate) fn table(
    p: &TrendPane,
    theme: &Theme,
    w: u16,
    room: usize,
    mark: impl Fn(usize) -> (char, ratatui::style::Style),
) -> Vec<Line<'static>> {
    if w < NARROWEST || p.groups.is_empty() || room < p.groups.len() + 1 {
        return Vec::new();
    }
    let w = w as usize;
    let units = p.series.units.as_deref().unwrap_or("");
    // Narrow (the whole width of an 80-column screen): tighter columns, so the prediction
    // still shows.
    let wide = w >= 100;
    let [nw, mw, sw, cw, fw, dw] = if wide { [7, 11, 11, 8, 8, 14] } else { [6, 9, 9, 6, 7, 12] };
    let most = if wide { 24 } else { 14 };
    let label_w = p.groups.iter().map(|g| width(&g.label)).max().unwrap_or(6).clamp(6, most);
    let sigma = if theme.ascii { "sd" } else { "σ" };
    let head = format!(
        "   {}{:>nw$}{:>mw$}{:>sw$}{:>cw$}{:>fw$}  {:<dw$}{}",
        pad("series", label_w),
        "n",
        "mean",
        sigma,
        "Cpk",
        "failed",
        "drift/day",
        if wide { "reaches a limit" } else { "reaches" }
    );
    let mut out = vec![Line::styled(fit(&head, w), theme.dim())];
    for (i, g) in p.groups.iter().enumerate() {
        let (m, style) = mark(i);
        let (_, cpk, _) = match (g.mean, g.std_dev) {
            (Some(mean), Some(sd)) => capability(g.n, mean, sd, &p.stats.limits),
            _ => (None, None, crate::analysis::Capability::TooFewValues),
        };
        let drift = g.slope_per_day.map_or("—".to_string(), |s| {
            format!("{} {units}", format_sig(s, 3)).trim_end().to_string()
        });
        // Only for a slope whose 95 % interval excludes 0.
        let reach = g.drift.and_then(|d| d.reaches(&p.stats.limits)).map_or("—".into(), |r| {
            format!("{} in ~{} d", format_sig(r.limit, 4), format_sig(r.days, 2))
        });
        let row = format!(
            "{}{:>nw$}{:>mw$}{:>sw$}{:>cw$}{:>fw$}  {drift:<dw$}{reach}",
            pad(&fit(&g.label, label_w), label_w),
            g.n,
            num(g.mean),
            num(g.std_dev),
            cpk.map_or("—".into(), |c| format!("{c:.2}")),
            g.failures,
        );
        out.push(Line::from(vec![
            Span::styled(format!(" {m} "), style),
            Span::raw(fit(&row, w.saturating_sub(3))),
        ]));
    }
    out
}
