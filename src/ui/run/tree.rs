//! The phases tree: only the rows on screen are built.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::values::{limits_sep, number, outcome, validator, value, with_units};
use crate::api::RunDetail;
use crate::api::time::parse_duration_ms;
use crate::app::run::tree::{NodeKind, Tree};
use crate::ui::format::duration;
use crate::ui::text::{fit, pad, width as columns};
use crate::ui::theme::Theme;

fn style_for(sym: &str, theme: &Theme) -> Style {
    match sym {
        "✗" | "!" => theme.error(),
        "✓" => theme.pass(),
        "~" => theme.warn(),
        _ => theme.dim(),
    }
}

/// The row of node `i`: (outcome symbol, outcome text, name, value, details).
fn parts(
    run: &RunDetail,
    tree: &Tree,
    i: u32,
    ascii: bool,
) -> (&'static str, String, String, String, String) {
    let limit = |v: &crate::api::Validator| validator(v, ascii);
    let phases = run.phases.as_deref().unwrap_or_default();
    match tree.nodes[i as usize].kind {
        NodeKind::Sequence(s) => {
            let seq = &run.summary.sequences.as_deref().unwrap_or_default()[s];
            let (sym, text) = outcome(seq.outcome.as_ref());
            let d = seq
                .duration
                .as_deref()
                .and_then(|d| parse_duration_ms(d).ok())
                .map(duration)
                .unwrap_or_default();
            (sym, text, format!("[{}]", seq.name), d, seq.path.clone())
        }
        NodeKind::Phase(p) => {
            let ph = &phases[p];
            let (sym, text) = outcome(ph.outcome.as_ref());
            let d = ph
                .duration
                .as_deref()
                .and_then(|d| parse_duration_ms(d).ok())
                .map(duration)
                .unwrap_or_default();
            let retry = if ph.retry_count > 0 {
                format!("retry {}", ph.retry_count)
            } else {
                String::new()
            };
            let n = ph.measurements.len();
            let failed = ph
                .measurements
                .iter()
                .filter(|m| matches!(m.outcome, Some(crate::api::Outcome::Fail)))
                .count();
            let count = match (failed, n) {
                (0, 1) => "1 measurement".to_string(),
                (0, n) => format!("{n} measurements"),
                (f, n) => format!("{f}/{n} failed"),
            };
            (sym, text, ph.name.clone(), d, format!("{count}  {retry}").trim().to_string())
        }
        NodeKind::Measurement { phase, m } => {
            let meas = &phases[phase].measurements[m];
            let (sym, text) = outcome(meas.outcome.as_ref());
            let val = match meas.data_series.as_deref() {
                Some(series) if series.len() >= 2 => {
                    format!("▤ {}×{} pts", series.len() - 1, series[0].data.len())
                }
                _ => with_units(value(meas.measured_value.as_ref()), meas.units.as_deref()),
            };
            let limits: Vec<String> =
                meas.validators.as_deref().unwrap_or_default().iter().map(limit).collect();
            (sym, text, meas.name.clone(), val, limits.join(limits_sep(ascii)))
        }
        NodeKind::Validator { phase, m, v } => {
            let val = &phases[phase].measurements[m].validators.as_deref().unwrap_or_default()[v];
            let (sym, text) = outcome(val.outcome.as_ref());
            let kind = if val.is_decisive == Some(false) { "marginal" } else { "decisive" };
            (
                sym,
                text,
                format!(
                    "limit {}",
                    if val.expression.is_empty() { limit(val) } else { val.expression.clone() }
                ),
                String::new(),
                kind.into(),
            )
        }
        NodeKind::Aggregation { phase, m, a } => {
            let meas = &phases[phase].measurements[m];
            let agg = &meas.aggregations.as_deref().unwrap_or_default()[a];
            let (sym, text) = outcome(agg.outcome.as_ref());
            let v = match agg.value.as_ref().and_then(|v| v.as_f64()) {
                Some(n) => number(n),
                None => value(agg.value.as_ref()),
            };
            let limits: Vec<String> =
                agg.validators.as_deref().unwrap_or_default().iter().map(limit).collect();
            (
                sym,
                text,
                agg.kind.clone(),
                with_units(v, agg.unit.as_deref().or(meas.units.as_deref())),
                limits.join(limits_sep(ascii)),
            )
        }
    }
}

pub(crate) fn render(run: &RunDetail, tree: &Tree, frame: &mut Frame, area: Rect, theme: &Theme) {
    if tree.visible.is_empty() {
        frame.render_widget(
            Paragraph::new(Line::styled("  This run has no phases.", theme.dim())),
            area,
        );
        return;
    }
    let width = area.width as usize;
    let end = (tree.view.offset + area.height as usize).min(tree.visible.len());
    for (row, pos) in (tree.view.offset..end).enumerate() {
        let i = tree.visible[pos];
        let node = &tree.nodes[i as usize];
        let (sym, text, name, val, details) = parts(run, tree, i, theme.ascii);
        let indent = "  ".repeat(node.depth as usize);
        let toggle = if node.has_children(i) {
            if tree.expanded[i as usize] { "▾ " } else { "▸ " }
        } else {
            "  "
        };
        let lead = format!("{indent}{toggle}");
        let name_w = (width.saturating_sub(columns(&lead) + 9) * 2 / 5).clamp(12, 40);
        let val_w = (width / 5).clamp(16, 40);
        let selected = pos == tree.view.cursor;
        let oc = style_for(sym, theme);
        // The details (limits, paths) take what is left, cut with `…`.
        let used = columns(&lead) + 8 + 1 + name_w + 1 + val_w + 1;
        let details = fit(&details, width.saturating_sub(used));
        let mut spans = vec![
            Span::raw(lead),
            Span::styled(pad(&format!("{sym} {text}"), 8), oc),
            Span::raw(" "),
            Span::styled(
                pad(&name, name_w),
                if node.failed { theme.error() } else { Style::new() },
            ),
            Span::raw(" "),
            Span::raw(pad(&val, val_w)),
            Span::raw(" "),
            Span::styled(details, theme.dim()),
        ];
        if selected {
            spans = spans.into_iter().map(|s| s.patch_style(theme.selected())).collect();
        }
        let y = area.y + row as u16;
        let line = Line::from(spans);
        let line = if selected { line.style(theme.selected()) } else { line };
        frame.render_widget(Paragraph::new(line), Rect { y, height: 1, ..area });
    }
}
