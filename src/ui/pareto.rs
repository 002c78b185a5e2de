//! The failure Pareto pane, a screen of its own: the filter and the load's progress, the
//! failures in the counted runs, then one bar per group, the largest first, with count, share,
//! cumulative share and a bar scaled to the largest; "other" sums the groups past the top 20.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::Line;
use ratatui::widgets::Paragraph;

use super::Areas;
use super::format::count;
use super::insight::title_line;
use super::text::{fit, pad};
use super::theme::Theme;
use crate::app::pareto::ParetoPane;
use crate::app::{App, layout};

pub(crate) fn render(app: &App, p: &ParetoPane, frame: &mut Frame, areas: &Areas, theme: &Theme) {
    let [head, table_head, rows] = Layout::vertical([
        Constraint::Length(layout::INSIGHT_HEADER),
        Constraint::Length(layout::TAB_HEADER),
        Constraint::Fill(1),
    ])
    .areas(areas.body);
    let w = head.width as usize;
    let r = &p.report;
    let rate = if r.counted_runs > 0 {
        format!(" ({:.1}%)", f64::from(r.events) * 100.0 / f64::from(r.counted_runs))
    } else {
        String::new()
    };
    let attempts = if p.failures.include_retries {
        format!("retries included ({} recovered, a)", count(r.recovered_runs as usize))
    } else {
        "final attempts (a: retries)".to_string()
    };
    let aborted = if p.failures.include_aborted {
        format!(" · {} ABORTED included (A)", count(r.aborted_runs as usize))
    } else {
        String::new()
    };
    let l2 = Line::from(fit(
        &format!(
            " {} failures in {} counted runs{rate} · {attempts}{aborted}",
            count(r.events as usize),
            count(r.counted_runs as usize)
        ),
        w,
    ));
    let l3 = match (&p.load.error, &p.load.retry) {
        (Some(e), _) => Line::styled(fit(&format!(" could not load: {e}"), w), theme.error()),
        (None, Some(retry)) => Line::styled(fit(&format!(" {retry}"), w), theme.warn()),
        (None, None) if p.load.per_run.is_some() => {
            let why = p.load.per_run.as_ref().map_or("", |r| r.why.as_str());
            Line::styled(fit(&format!(" {why}: failing runs read one by one"), w), theme.warn())
        }
        (None, None) if p.load.reached_loading() => Line::styled(
            fit(" reading which runs ran each failing phase (w and e then count only those)", w),
            theme.dim(),
        ),
        (None, None) => match &p.two_way {
            Some(t) => Line::styled(
                fit(
                    &format!(
                        " failures × {} · *: concentrated beyond chance · h/l: columns · w: bars",
                        p.load.facts.dim_name(t.dim)
                    ),
                    w,
                ),
                theme.dim(),
            ),
            None => Line::styled(
                fit(&format!(" bars by {} (s) · 1 7 3 9 0: window", p.by_name()), w),
                theme.dim(),
            ),
        },
    };
    let l1 = title_line(app, "Failure Pareto", &p.load, w, theme);
    frame.render_widget(Paragraph::new(vec![l1, l2, l3]), head);
    table(p, frame, table_head, rows, theme);
    status(app, p, frame, areas.status, theme);
}

/// Width of the label column; the bar takes what is left after the numbers.
fn label_width(w: usize) -> usize {
    (w / 2).clamp(16, 56)
}

const NUMBERS: usize = 7 + 8 + 8;
/// The failure-rate column, shown when the bars are values of a dimension.
const RATE: usize = 16;

fn table(p: &ParetoPane, frame: &mut Frame, head: Rect, area: Rect, theme: &Theme) {
    if let Some(t) = &p.two_way {
        return super::two_way::render(p, t, frame, head, area, theme);
    }
    let w = head.width as usize;
    let rated = p.dim().is_some();
    let rate_w = if rated { RATE } else { 0 };
    let label_w = label_width(w).saturating_sub(rate_w).max(16);
    let bar_w = w.saturating_sub(1 + label_w + NUMBERS + rate_w + 2);
    let mut title =
        format!(" {}{:>7}{:>8}{:>8}", pad(&p.by_name(), label_w), "count", "share", "cum.");
    if rated {
        title.push_str(&format!("{:>RATE$}", "of runs"));
    }
    frame.render_widget(Paragraph::new(Line::styled(fit(&title, w), theme.header())), head);
    let r = &p.report;
    if r.bars.is_empty() {
        let text = if p.loading() { " loading…" } else { " no failures for this filter" };
        frame.render_widget(Paragraph::new(Line::styled(fit(text, w), theme.dim())), area);
        return;
    }
    let max = r.bars.iter().map(|b| b.count).max().unwrap_or(1).max(1);
    let mut lines: Vec<Line> = r
        .bars
        .iter()
        .enumerate()
        .skip(p.rows.offset)
        .take(area.height as usize)
        .map(|(i, b)| {
            let n = (b.count as usize * bar_w).div_ceil(max as usize);
            // Failures per counted run with the value: the failure rate, its base beside it.
            let rate = match b.tested.filter(|_| rated) {
                Some(t) if t > 0 => format!(
                    "{:>RATE$}",
                    format!(
                        "{:.1}% of {}",
                        f64::from(b.count) * 100.0 / f64::from(t),
                        count(t as usize)
                    )
                ),
                Some(_) => format!("{:>RATE$}", "—"),
                None => String::new(),
            };
            let text = format!(
                " {}{:>7}{:>8}{:>8}{rate}  {}",
                pad(&b.label, label_w),
                count(b.count as usize),
                format!("{:.1}%", b.share * 100.0),
                format!("{:.1}%", b.cumulative * 100.0),
                "█".repeat(n)
            );
            let text = pad(&text, w);
            if i == p.rows.cursor { Line::styled(text, theme.selected()) } else { Line::raw(text) }
        })
        .collect();
    if let Some(o) = &r.other
        && lines.len() < area.height as usize
        && p.rows.offset + lines.len() == r.bars.len()
    {
        let text = format!(
            " {}{:>7}{:>8}",
            pad(&format!("other ({} groups)", o.groups), label_w),
            count(o.count as usize),
            format!("{:.1}%", o.share * 100.0)
        );
        lines.push(Line::styled(fit(&text, w), theme.dim()));
    }
    frame.render_widget(Paragraph::new(lines), area);
}

fn status(app: &App, p: &ParetoPane, frame: &mut Frame, area: Rect, theme: &Theme) {
    let w = area.width as usize;
    if let Some(text) = app.flash() {
        let line = Line::styled(fit(&format!(" {text}"), w), theme.accent());
        frame.render_widget(Paragraph::new(line), area);
        return;
    }
    let text = match (&p.two_way, p.report.bars.len()) {
        (Some(t), _) if !t.rows.is_empty() => super::two_way::status(p, t),
        (_, 0) => String::new(),
        (_, n) => format!(" bar {}/{n} · largest first, top 20", p.rows.cursor + 1),
    };
    frame.render_widget(Paragraph::new(Line::styled(fit(&text, w), theme.dim())), area);
}
