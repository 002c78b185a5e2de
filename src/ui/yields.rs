//! The yield pane, a screen of its own: the filter and the load's progress, the totals on two
//! lines, then the split as a table (costliest first) with a sparkline of first-pass yield
//! per bucket (day, or hour for short windows; the newest on the right), and the status line.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::Line;
use ratatui::widgets::Paragraph;

use super::Areas;
use super::format::count;
use super::insight::title_line;
use super::text::{fit, pad};
use super::theme::Theme;
use crate::analysis::{BucketSize, YieldCount, YieldRow};
use crate::app::yields::YieldPane;
use crate::app::{App, layout};

/// Eight levels of a sparkline, low to high.
const BARS: [char; 8] = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];

pub(crate) fn render(app: &App, p: &YieldPane, frame: &mut Frame, areas: &Areas, theme: &Theme) {
    let [head, table_head, rows] = Layout::vertical([
        Constraint::Length(layout::INSIGHT_HEADER),
        Constraint::Length(layout::TAB_HEADER),
        Constraint::Fill(1),
    ])
    .areas(areas.body);
    header(app, p, frame, head, theme);
    table(p, frame, table_head, rows, theme);
    status(app, p, frame, areas.status, theme);
}

pub(super) fn pct(x: Option<f64>) -> String {
    x.map_or("—".into(), |v| format!("{:.1}%", v * 100.0))
}

fn header(app: &App, p: &YieldPane, frame: &mut Frame, area: Rect, theme: &Theme) {
    let w = area.width as usize;
    let r = &p.report;
    let c = &r.total.count;
    let l1 = title_line(app, "Yield", &p.load, w, theme);
    let l2 = Line::from(fit(
        &format!(
            " {} units · {} runs · first-pass {} · final {} · {} runs/unit",
            count(c.units as usize),
            count(c.runs as usize),
            pct(c.first_pass_yield()),
            pct(c.final_yield()),
            c.retest_load().map_or("—".into(), |x| format!("{x:.2}")),
        ),
        w,
    ));
    let nc = &r.not_counted;
    let mut out = Vec::new();
    for (n, what) in
        [(nc.aborted, "aborted"), (nc.samples, "sample-unit"), (nc.no_outcome, "no-outcome")]
    {
        if n > 0 {
            out.push(format!("{} {what}", count(n as usize)));
        }
    }
    let left_out =
        if out.is_empty() { String::new() } else { format!(" · not counted: {}", out.join(", ")) };
    let l3 = Line::styled(
        fit(&format!(" {:.1} units/day{left_out}", r.units_per_day()), w),
        theme.dim(),
    );
    let mut lines = vec![l1, l2, l3];
    if let Some(e) = &p.load.error {
        lines[2] = Line::styled(fit(&format!(" could not load the runs: {e}"), w), theme.error());
    } else if let Some(retry) = &p.load.retry {
        lines[2] = Line::styled(fit(&format!(" {retry}"), w), theme.warn());
    }
    frame.render_widget(Paragraph::new(lines), area);
}

/// Column widths: label, then units, runs, first-pass, final, retest; the sparkline takes the
/// rest (none on a screen too narrow for 8 buckets).
fn columns(w: usize) -> (usize, usize) {
    let numbers = 7 + 7 + 9 + 9 + 7;
    let label = (w / 4).clamp(10, 24);
    let spark = w.saturating_sub(1 + label + numbers + 2);
    (label, if spark >= 8 { spark } else { 0 })
}

fn numbers(c: &YieldCount) -> String {
    format!(
        "{:>7}{:>7}{:>9}{:>9}{:>7}",
        count(c.units as usize),
        count(c.runs as usize),
        pct(c.first_pass_yield()),
        pct(c.final_yield()),
        c.retest_load().map_or("—".into(), |x| format!("{x:.2}")),
    )
}

/// First-pass yield per bucket, the newest `width` buckets: a bar per bucket, `·` where no
/// unit was first tested.
fn sparkline(row: &YieldRow, width: usize) -> String {
    let s = row.first_pass_series();
    s[s.len().saturating_sub(width)..]
        .iter()
        .map(|y| match y {
            Some(v) => BARS[((v * 7.0).round() as usize).min(7)],
            None => '·',
        })
        .collect()
}

fn table(p: &YieldPane, frame: &mut Frame, head: Rect, area: Rect, theme: &Theme) {
    let w = head.width as usize;
    let (label_w, spark_w) = columns(w);
    let bucket = match p.report.buckets.size {
        BucketSize::Hour => "hour",
        BucketSize::Day => "day",
        BucketSize::Week => "week",
    };
    let spark_title = if spark_w > 0 { format!("  first-pass by {bucket}") } else { String::new() };
    let title = format!(
        " {}{:>7}{:>7}{:>9}{:>9}{:>7}{spark_title}",
        pad(&p.split_name(), label_w),
        "units",
        "runs",
        "1st-pass",
        "final",
        "retest"
    );
    frame.render_widget(Paragraph::new(Line::styled(fit(&title, w), theme.header())), head);
    let rows = &p.report.rows;
    if p.split.is_none() || rows.is_empty() {
        let text = if p.split.is_none() {
            " not split: s splits by station, metadata keys, operator, batch, …"
        } else if p.loading() {
            " loading…"
        } else {
            " no counted runs for this filter"
        };
        frame.render_widget(Paragraph::new(Line::styled(fit(text, w), theme.dim())), area);
        return;
    }
    let lines: Vec<Line> = rows
        .iter()
        .enumerate()
        .skip(p.rows.offset)
        .take(area.height as usize)
        .map(|(i, r)| {
            let mut text = format!(" {}{}", pad(&r.label, label_w), numbers(&r.count));
            if spark_w > 0 {
                text.push_str("  ");
                text.push_str(&sparkline(r, spark_w));
            }
            let text = pad(&text, w);
            if i == p.rows.cursor { Line::styled(text, theme.selected()) } else { Line::raw(text) }
        })
        .collect();
    frame.render_widget(Paragraph::new(lines), area);
}

fn status(app: &App, p: &YieldPane, frame: &mut Frame, area: Rect, theme: &Theme) {
    let w = area.width as usize;
    if let Some(text) = app.flash() {
        let line = Line::styled(fit(&format!(" {text}"), w), theme.accent());
        frame.render_widget(Paragraph::new(line), area);
        return;
    }
    let mut text = match p.report.rows.len() {
        0 => String::new(),
        n => format!(" {} {}/{n} · costliest first", p.split_name(), p.rows.cursor + 1),
    };
    if p.load.unreadable > 0 {
        text.push_str(&format!(" · {} unreadable runs left out", count(p.load.unreadable)));
    }
    frame.render_widget(Paragraph::new(Line::styled(fit(&text, w), theme.dim())), area);
}
