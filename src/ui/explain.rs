//! The explain pane, a screen of its own: the failure mode and the filter, the failures and
//! runs it was computed from, the likely cause (or why there is none) in words; then one row per
//! dimension, the strongest lead first — its most concentrated value, that value's share of the
//! failures and of the runs tested, the lift, and whether the numbers mean anything — and, under
//! the table, the row under the cursor spelled out.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};

use super::Areas;
use super::format::count;
use super::text::{fit, pad, width};
use super::theme::Theme;
use crate::analysis::{Caveat, DimExplain, Evidence, Explanation, ValueStat, format_sig};
use crate::app::explain::{EXPLAIN_SENTENCE, ExplainPane};
use crate::app::{App, layout};

pub(crate) fn render(app: &App, p: &ExplainPane, frame: &mut Frame, areas: &Areas, theme: &Theme) {
    let [head, table_head, rows, sentence] = Layout::vertical([
        Constraint::Length(layout::INSIGHT_HEADER),
        Constraint::Length(layout::TAB_HEADER),
        Constraint::Fill(1),
        Constraint::Length(EXPLAIN_SENTENCE),
    ])
    .areas(areas.body);
    header(p, frame, head, theme);
    // The dimensions, then (where there is room) every value of the one under the cursor.
    let shown = (p.report.dims.len() as u16).min(rows.height.saturating_sub(p.drift_rows()));
    let [rows, _, values] =
        Layout::vertical([Constraint::Length(shown), Constraint::Length(1), Constraint::Fill(1)])
            .areas(rows);
    table(p, frame, table_head, rows, theme);
    values_of(p, frame, values, theme);
    if let Some(s) = p.selected_sentence() {
        let text = Paragraph::new(Line::raw(format!(" {s}"))).wrap(Wrap { trim: false });
        frame.render_widget(text, sentence);
    }
    status(app, p, frame, areas.status, theme);
}

fn header(p: &ExplainPane, frame: &mut Frame, area: Rect, theme: &Theme) {
    let w = area.width as usize;
    let r = &p.report;
    let filter = if p.filter.is_empty() { "all runs".to_string() } else { p.filter.clone() };
    let right = if p.partial {
        format!(" {} runs loaded so far ", count(p.runs))
    } else {
        format!(" {} runs ", count(p.runs))
    };
    let left =
        fit(&format!(" Explain {} · {filter}", r.label), w.saturating_sub(right.chars().count()));
    let gap = w.saturating_sub(left.chars().count() + right.chars().count());
    let l1 = Line::from(vec![
        Span::styled(left, theme.header()),
        Span::raw(" ".repeat(gap)),
        Span::styled(right, if p.partial { theme.warn() } else { theme.dim() }),
    ]);
    let of = match &r.reached {
        Some(phase) => format!("runs that ran {phase}"),
        None if p.phases_loading => "runs of its procedures (those that ran it: loading)".into(),
        None => "runs of its procedures".to_string(),
    };
    let l2 = Line::from(fit(
        &format!(
            " {} failures in {} {of} · each dimension's most concentrated value",
            count(r.failures as usize),
            count(r.tested as usize)
        ),
        w,
    ));
    let lead = r.dims.first().and_then(|d| Some((d, d.best()?)));
    let l3 = match lead {
        _ if r.failures == 0 => Line::styled(fit(" no such failures here", w), theme.dim()),
        _ if r.too_few_failures => Line::styled(
            fit(&format!(" only {} failures: too few to tell where they come from", r.failures), w),
            theme.warn(),
        ),
        Some((d, v)) if v.evidence == Evidence::Strong => Line::styled(
            fit(&format!(" likely cause: {} {} ({:.1}× its share)", d.name, v.label, v.lift), w),
            theme.accent(),
        ),
        _ => Line::styled(fit(" no dimension stands out beyond chance", w), theme.dim()),
    };
    frame.render_widget(Paragraph::new(vec![l1, l2, l3]), area);
}

/// Column widths: dimension, value, failures, tested, lift; what the numbers mean takes the rest.
fn widths(w: usize) -> [usize; 5] {
    if w >= 120 { [22, 20, 16, 16, 8] } else { [15, 11, 14, 14, 7] }
}

/// One value's line: its share of the failures and of the runs tested, with the counts, its
/// lift, and `last` (what the numbers mean, or the value's failure rate).
fn row(name: &str, v: &ValueStat, failures: u32, w: usize, last: &str) -> String {
    let [dw, vw, fw, tw, lw] = widths(w);
    let text = format!(
        " {}{}{:>fw$}{:>tw$}{:>lw$}  {last}",
        pad(&fit(name, dw - 1), dw),
        pad(&fit(&v.label, vw - 1), vw),
        format!("{:>4.0}% {:>7}", v.failure_share * 100.0, format!("{}/{failures}", v.failures)),
        format!("{:>4.0}% {:>7}", v.tested_share * 100.0, count(v.tested as usize)),
        format!("{:.1}×", v.lift),
    );
    fit(&text, w)
}

/// What a value's numbers mean, as the last column says it.
fn meaning(r: &Explanation, d: &DimExplain) -> String {
    let Some(v) = d.best() else { return "no failures".into() };
    if let Some(first) = d.same_as.and_then(|j| r.dims.get(j)).and_then(|f| Some((f, f.best()?))) {
        return format!("follows {}", first.1.label);
    }
    match (v.evidence, v.caveat) {
        (Evidence::None, _) => "no more than its share",
        (Evidence::Strong, _) => "likely cause",
        (_, Some(Caveat::TooFewFailures)) => "too few failures",
        (_, Some(Caveat::TooFewRuns)) => "too few runs",
        _ => "could be chance",
    }
    .into()
}

fn table(p: &ExplainPane, frame: &mut Frame, head: Rect, area: Rect, theme: &Theme) {
    let w = head.width as usize;
    let [dw, vw, fw, tw, lw] = widths(w);
    let title = format!(
        " {}{}{:>fw$}{:>tw$}{:>lw$}  {}",
        pad("dimension", dw),
        pad("value", vw),
        "of failures",
        "of runs",
        "lift",
        "meaning"
    );
    frame.render_widget(Paragraph::new(Line::styled(fit(&title, w), theme.header())), head);
    let r = &p.report;
    if r.dims.is_empty() {
        let line = Line::styled(fit(" nothing to explain", w), theme.dim());
        frame.render_widget(Paragraph::new(line), area);
        return;
    }
    let lines: Vec<Line> = r
        .dims
        .iter()
        .enumerate()
        .skip(p.rows.offset)
        .take(area.height as usize)
        .map(|(i, d)| {
            let text = match d.best() {
                Some(v) => row(&d.name, v, r.failures, w, &meaning(r, d)),
                None => format!(" {}—", pad(&fit(&d.name, dw - 1), dw)),
            };
            let text = pad(&fit(&text, w), w);
            let strong = d.best().is_some_and(|v| v.evidence == Evidence::Strong);
            if i == p.rows.cursor {
                Line::styled(text, theme.selected())
            } else if strong {
                Line::styled(text, theme.accent())
            } else {
                Line::raw(text)
            }
        })
        .collect();
    frame.render_widget(Paragraph::new(lines), area);
}

/// The selected dimension's values that had a failure, the most concentrated first, in the
/// table's columns.
fn values_of(p: &ExplainPane, frame: &mut Frame, area: Rect, theme: &Theme) {
    let w = area.width as usize;
    let mut lines = Vec::new();
    if let Some((what, rate)) = drift_line(p) {
        // The prediction first; its rate on the same line where it fits, else under it.
        match rate {
            Some(r) if width(&what) + width(&r) + 4 <= w => {
                lines.push(Line::styled(format!("{what} at {r}"), theme.accent()));
            }
            Some(r) => {
                lines.push(Line::styled(fit(&what, w), theme.accent()));
                lines.push(Line::styled(fit(&format!("   at {r}"), w), theme.accent()));
            }
            None => lines.push(Line::styled(fit(&what, w), theme.dim())),
        }
        lines.push(Line::raw(""));
    }
    let room = (area.height as usize).saturating_sub(lines.len());
    let Some(d) = p.report.dims.get(p.rows.cursor).filter(|d| room >= 2 && !d.values.is_empty())
    else {
        frame.render_widget(Paragraph::new(lines), area);
        return;
    };
    let r = &p.report;
    lines.push(Line::styled(
        fit(&format!(" {}: {} values, those with a failure:", d.name, d.distinct_values), w),
        theme.dim(),
    ));
    for v in d.values.iter().take(room - 1) {
        let rate = format!("{:.1}% fail", v.rate * 100.0);
        lines.push(Line::raw(row("", v, r.failures, w, &rate)));
    }
    frame.render_widget(Paragraph::new(lines), area);
}

fn status(app: &App, p: &ExplainPane, frame: &mut Frame, area: Rect, theme: &Theme) {
    let w = area.width as usize;
    let text = match app.flash() {
        Some(t) => t.to_string(),
        None if p.report.dims.is_empty() => String::new(),
        None => {
            let d = &p.report.dims[p.rows.cursor.min(p.report.dims.len() - 1)];
            format!(
                "dimension {}/{} · {} has {} values · strongest lead first",
                p.rows.cursor + 1,
                p.report.dims.len(),
                d.name,
                d.distinct_values
            )
        }
    };
    frame.render_widget(
        Paragraph::new(Line::styled(fit(&format!(" {text}"), w), theme.dim())),
        area,
    );
}

/// A measurement failure's drift: of the series split as the likely cause is (station, or a
/// metadata key such as the fixture), the one whose slope (its 95 % interval excluding 0)
/// reaches a limit soonest, and when; never for a slope that could be zero.
/// The prediction, and the rate it comes from.
fn drift_line(p: &ExplainPane) -> Option<(String, Option<String>)> {
    let t = p.drift.as_deref()?;
    let name = &t.target.measurement;
    if t.loading() {
        let what = format!(" drift: reading every {name} value… {} so far", count(t.values));
        return Some((what, None));
    }
    let units = t.series.units.as_deref().map(|u| format!(" {u}")).unwrap_or_default();
    let limits = &t.stats.limits;
    let soonest = t
        .groups
        .iter()
        .filter_map(|g| Some((g.label.as_str(), g.drift?, g.drift?.reaches(limits)?)))
        .chain(t.drift.and_then(|d| Some(("all", d, d.reaches(limits)?))))
        .min_by(|a, b| a.2.days.total_cmp(&b.2.days));
    Some(match soonest {
        Some((label, d, r)) => (
            format!(
                " drift: {label} {name} reaches {}{units} in ~{} days",
                format_sig(r.limit, 4),
                format_sig(r.days, 2)
            ),
            Some(format!(
                "{}{units}/day (95 % CI {} to {})",
                format_sig(d.slope_per_day, 3),
                format_sig(d.interval.0, 2),
                format_sig(d.interval.1, 2),
            )),
        ),
        None => (
            format!(
                " drift: no {} series of {name} ({} values) drifts toward a limit beyond chance",
                t.split_name(),
                count(t.values)
            ),
            None,
        ),
    })
}
