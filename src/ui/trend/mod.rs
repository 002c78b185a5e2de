//! The measurement trend pane, a screen of its own: the measurement and the filter with the
//! load's progress, two lines of statistics; then the values over time (one marker per group,
//! colour as well, failing values `✗`, limits `─`, mean `╌`, ±3σ `┈`; ASCII `* + o # % @`,
//! `X`, `=`, `-`, `.`), a legend under it, and beside it the histogram with the limits' bins
//! marked. The y axis ticks on a 1-2-5 step, in a gutter of their own; the legend has its own
//! row, so no label sits on a line or a point. The drift is on the status line.

mod series;

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Color, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::Areas;
use super::format::{count, spinner};
use super::text::fit;
use super::theme::Theme;
use series::TABLE_FROM_WIDTH;
use crate::analysis::{Capability, Ticks, format_sig, format_tick, time_ticks};
use crate::app::App;
use crate::app::trend::TrendPane;

const MARKS: [char; 6] = ['•', '+', 'o', '◆', '△', '□'];
const MARKS_ASCII: [char; 6] = ['*', '+', 'o', '#', '%', '@'];
/// Colours that read on 16-colour terminals.
const COLOURS: [Color; 6] =
    [Color::Cyan, Color::Yellow, Color::Magenta, Color::Green, Color::Blue, Color::White];

/// The characters the chart draws with: (failing, limit, mean, ±3σ).
fn lines(theme: &Theme) -> (char, char, char, char) {
    if theme.ascii { ('X', '=', '-', '.') } else { ('✗', '─', '╌', '┈') }
}

fn mark(theme: &Theme, i: usize) -> char {
    if theme.ascii { MARKS_ASCII[i % 6] } else { MARKS[i % 6] }
}

fn colour(theme: &Theme, i: usize) -> Style {
    if theme.color { Style::new().fg(COLOURS[i % 6]) } else { Style::new() }
}

fn num(v: Option<f64>) -> String {
    v.map_or("—".into(), |v| format_sig(v, 4))
}

pub(crate) fn render(app: &App, p: &TrendPane, frame: &mut Frame, areas: &Areas, theme: &Theme) {
    let [head, body] =
        Layout::vertical([Constraint::Length(3), Constraint::Fill(1)]).areas(areas.body);
    header(app, p, frame, head, theme);
    status(app, p, frame, areas.status, theme);
    let s = &p.stats;
    let w = body.width as usize;
    let note = if let Some(e) = &p.load.error {
        Some((format!(" could not load: {e}"), theme.error()))
    } else if s.n == 0 && s.non_numeric > 0 {
        let text = format!(
            " {} is not numeric ({} values, {} failed): a trend needs numbers",
            p.target.measurement,
            count(s.non_numeric as usize),
            count(s.failures as usize)
        );
        Some((text, theme.warn()))
    } else if s.n == 0 {
        let text = if p.loading() { " loading…" } else { " no values of it in these runs" };
        Some((text.to_string(), theme.dim()))
    } else {
        None
    };
    if let Some((text, style)) = note {
        frame.render_widget(Paragraph::new(Line::styled(fit(&text, w), style)), body);
        return;
    }
    let hist_w = (body.width / 4).clamp(18, 40);
    // A chart too narrow for the series table under its legend: the table across the whole
    // width, under chart and histogram, where the chart keeps ten rows.
    let rows = p.groups.len() as u16 + 1;
    let narrow = body.width.saturating_sub(hist_w + 1) < TABLE_FROM_WIDTH;
    let body = if narrow && body.height >= rows + 10 {
        let [top, table] =
            Layout::vertical([Constraint::Fill(1), Constraint::Length(rows)]).areas(body);
        let marks = |i: usize| (mark(theme, i), colour(theme, i));
        let lines = series::table(p, theme, table.width, rows as usize, marks);
        frame.render_widget(Paragraph::new(lines), table);
        top
    } else {
        body
    };
    let [chart, _, hist] = Layout::horizontal([
        Constraint::Fill(1),
        Constraint::Length(1),
        Constraint::Length(hist_w),
    ])
    .areas(body);
    plot(p, frame, chart, theme);
    histogram(p, frame, hist, theme);
}

fn header(app: &App, p: &TrendPane, frame: &mut Frame, area: Rect, theme: &Theme) {
    let w = area.width as usize;
    let s = &p.stats;
    let l = &p.load;
    let progress = if let Some(r) = &l.per_run {
        // No measurements list on this server: every run read whole.
        let (read, of) = (count(r.read), count(r.of));
        match l.loading() {
            true => {
                format!("{} reading runs one by one: {read} of {of}…", spinner(app.shared().now_ms()))
            }
            false => format!(
                "{} values of {of} runs, each read whole (no measurements list)",
                count(p.values)
            ),
        }
    } else if l.loading() && l.runs_done {
        format!(
            "{} {} runs, {} values…",
            spinner(app.shared().now_ms()),
            count(l.loaded),
            count(p.values)
        )
    } else if l.loading() {
        format!("{} {} runs loaded…", spinner(app.shared().now_ms()), count(l.loaded))
    } else if l.capped {
        format!("{} values of the newest {} runs (more match)", count(p.values), count(l.loaded))
    } else {
        format!("{} values of {} runs", count(p.values), count(l.loaded))
    };
    let right = format!(" {}{progress} ", super::insight::offline_mark(app, l));
    let filter = l.heading();
    let units = p.series.units.as_deref().map(|u| format!(" ({u})")).unwrap_or_default();
    let left = fit(
        &format!(" Trend {} › {}{units} · {filter}", p.target.phase, p.target.measurement),
        w.saturating_sub(right.chars().count()),
    );
    let gap = w.saturating_sub(left.chars().count() + right.chars().count());
    let l1 = Line::from(vec![
        Span::styled(left, theme.header()),
        Span::raw(" ".repeat(gap)),
        Span::styled(right, super::insight::progress_style(l, theme)),
    ]);
    let cap = match s.capability {
        Capability::NoLimits => " · no limits: no Cp/Cpk".to_string(),
        Capability::TooFewValues => " · too few values for Cp/Cpk".to_string(),
        Capability::NoSpread => " · no spread: no Cp/Cpk".to_string(),
        _ => format!(" · Cp {} · Cpk {}", num(s.cp), num(s.cpk)),
    };
    let l2 = format!(
        " n {} · mean {} · {} {} · min {} · max {}{cap}",
        count(s.n as usize),
        num(s.mean),
        if theme.ascii { "sd" } else { "σ" },
        num(s.std_dev),
        num(s.min),
        num(s.max)
    );
    let limits = match (s.limits.lower, s.limits.upper) {
        (None, None) => "no limits".to_string(),
        (lo, hi) => format!("limits {} – {}", num(lo), num(hi)),
    };
    let near = s.near_limit.map_or(String::new(), |n| format!(" · {n} within 10 % of a limit"));
    let vary = if s.limits.is_empty() || !s.limits_vary { "" } else { " (newest; they varied)" };
    let l3 = format!(
        " {limits}{vary} · {} failed{near} · points by {} (s)",
        count(s.failures as usize),
        p.split_name()
    );
    let lines = vec![l1, Line::from(fit(&l2, w)), Line::styled(fit(&l3, w), theme.dim())];
    frame.render_widget(Paragraph::new(lines), area);
}

/// The value range on the y axis: the values, the limits and the mean, a little padded.
fn y_range(p: &TrendPane) -> (f64, f64) {
    let s = &p.stats;
    let xs = [s.min, s.max, s.limits.lower, s.limits.upper, s.mean];
    let lo = xs.iter().flatten().copied().fold(f64::INFINITY, f64::min);
    let hi = xs.iter().flatten().copied().fold(f64::NEG_INFINITY, f64::max);
    let pad = ((hi - lo) * 0.05).max(hi.abs().max(1e-9) * 1e-6);
    (lo - pad, hi + pad)
}

fn plot(p: &TrendPane, frame: &mut Frame, area: Rect, theme: &Theme) {
    if area.height < 5 || area.width < 20 {
        return;
    }
    let mut legend = legend(p, theme, area.width as usize);
    // The per-series table when it fits and leaves the chart ten rows.
    let room = (area.height as usize).saturating_sub(1 + legend.len() + 10);
    let marks = |i: usize| (mark(theme, i), colour(theme, i));
    if area.width >= TABLE_FROM_WIDTH {
        legend.extend(series::table(p, theme, area.width, room, marks));
    }
    let ph = area.height as usize - 1 - legend.len();
    let (lo, hi) = y_range(p);
    let ticks = Ticks::covering(lo, hi, (ph / 3).max(2));
    let (lo, hi) = match (ticks.values.first(), ticks.values.last()) {
        (Some(a), Some(b)) if b > a => (*a, *b),
        _ => (lo, hi),
    };
    let labels: Vec<String> = ticks.values.iter().map(|v| format_tick(*v, ticks.step)).collect();
    let gutter = labels.iter().map(|l| l.chars().count()).max().unwrap_or(1) + 1;
    let pw = (area.width as usize).saturating_sub(gutter + 1).max(1);
    let row_of = |v: f64| -> Option<usize> {
        let r = ((hi - v) / (hi - lo) * (ph - 1) as f64).round();
        (r >= 0.0 && r <= (ph - 1) as f64).then_some(r as usize)
    };
    let (t0, t1) = p
        .groups
        .iter()
        .flat_map(|g| g.points.iter().map(|q| q.0))
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), t| (a.min(t), b.max(t)));
    let col_of = |t: f64| -> usize {
        if t1 > t0 { ((t - t0) / (t1 - t0) * (pw - 1) as f64).round() as usize } else { pw / 2 }
    };
    let mut grid: Vec<Vec<(char, Style)>> = vec![vec![(' ', Style::new()); pw]; ph];
    let (fail, limit, mean, sigma) = lines(theme);
    let hline = |v: Option<f64>, c: char, style: Style, grid: &mut Vec<Vec<(char, Style)>>| {
        if let Some(r) = v.and_then(row_of) {
            grid[r].iter_mut().for_each(|cell| *cell = (c, style));
        }
    };
    if let Some([m3, _, p3]) = p.stats.sigma_lines() {
        hline(Some(m3), sigma, theme.dim(), &mut grid);
        hline(Some(p3), sigma, theme.dim(), &mut grid);
    }
    hline(p.stats.mean, mean, theme.accent(), &mut grid);
    hline(p.stats.limits.lower, limit, theme.error(), &mut grid);
    hline(p.stats.limits.upper, limit, theme.error(), &mut grid);
    for (i, g) in p.groups.iter().enumerate() {
        for &(t, v) in &g.points {
            if let Some(r) = row_of(v) {
                grid[r][col_of(t)] = (mark(theme, i), colour(theme, i));
            }
        }
    }
    for g in &p.groups {
        for &(t, v) in &g.failing {
            if let Some(r) = row_of(v) {
                grid[r][col_of(t)] = (fail, theme.error());
            }
        }
    }
    let mut out: Vec<Line> = Vec::with_capacity(ph + 2);
    let tick_rows: Vec<(usize, &String)> =
        ticks.values.iter().zip(&labels).filter_map(|(v, l)| Some((row_of(*v)?, l))).collect();
    for (r, row) in grid.into_iter().enumerate() {
        let label = tick_rows.iter().find(|(tr, _)| *tr == r).map_or("", |(_, l)| l.as_str());
        let axis = if theme.ascii { '|' } else { '│' };
        let mut spans = vec![Span::styled(format!("{label:>w$}{axis}", w = gutter), theme.dim())];
        spans.extend(row.into_iter().map(|(c, s)| Span::styled(c.to_string(), s)));
        out.push(Line::from(spans));
    }
    out.push(Line::styled(time_axis(p, t0, t1, gutter, pw), theme.dim()));
    out.extend(legend);
    frame.render_widget(Paragraph::new(out), area);
}

/// Time labels under the plot, each at its tick, none overlapping the next.
fn time_axis(p: &TrendPane, t0: f64, t1: f64, gutter: usize, pw: usize) -> String {
    let mut line: Vec<char> = vec![' '; gutter + 1 + pw];
    if !t0.is_finite() || !t1.is_finite() || t1 < t0 {
        return String::new();
    }
    let offset = p.load.facts.utc_offset_ms();
    let mut free = 0usize;
    for (t, label) in time_ticks(t0 as i64, t1 as i64, (pw / 8).max(2), offset) {
        let col = gutter
            + 1
            + if t1 > t0 { ((t as f64 - t0) / (t1 - t0) * (pw - 1) as f64) as usize } else { 0 };
        let start = col.saturating_sub(label.chars().count() / 2).max(free);
        if start + label.chars().count() > line.len() {
            break;
        }
        for (k, c) in label.chars().enumerate() {
            line[start + k] = c;
        }
        free = start + label.chars().count() + 1;
    }
    line.into_iter().collect()
}

/// The legend: a mark per group, then what the lines and `✗` are; on two rows when one
/// does not hold it, each cut at the width with `…`.
fn legend(p: &TrendPane, theme: &Theme, w: usize) -> Vec<Line<'static>> {
    let (fail, limit, mean, sigma) = lines(theme);
    let mut groups = vec![Span::raw(" ")];
    for (i, g) in p.groups.iter().enumerate() {
        let text = format!("{} {} ({}) ", mark(theme, i), g.label, g.n);
        groups.push(Span::styled(text, colour(theme, i)));
    }
    let band = if theme.ascii { "+-3sd" } else { "±3σ" };
    let keys = vec![
        Span::styled(format!("{fail} failed "), theme.error()),
        Span::styled(format!("{limit} limit "), theme.error()),
        Span::styled(format!("{mean} mean "), theme.accent()),
        Span::styled(format!("{sigma} {band}"), theme.dim()),
    ];
    let width = |v: &[Span]| v.iter().map(|s| s.content.chars().count()).sum::<usize>();
    if width(&groups) + width(&keys) <= w {
        groups.extend(keys);
        return vec![Line::from(groups)];
    }
    let mut second = vec![Span::raw(" ")];
    second.extend(keys);
    vec![cut(groups, w), cut(second, w)]
}

/// Spans cut at `w` columns, the cut marked.
fn cut(spans: Vec<Span<'static>>, w: usize) -> Line<'static> {
    let mut used = 0usize;
    let mut out = Vec::new();
    for s in spans {
        let n = s.content.chars().count();
        if used + n > w {
            out.push(Span::styled(fit(&s.content, w - used), s.style));
            break;
        }
        used += n;
        out.push(s);
    }
    Line::from(out)
}

/// Bins high to low (the chart's way up), a bar per bin, the bins holding a limit marked.
fn histogram(p: &TrendPane, frame: &mut Frame, area: Rect, theme: &Theme) {
    let rows = (area.height as usize).saturating_sub(3);
    let Some(h) = p.series.histogram(&p.opts, rows.max(2)) else { return };
    let w = area.width as usize;
    let step = h.width;
    let label_w = h
        .counts
        .iter()
        .enumerate()
        .map(|(i, _)| format_tick(h.start + i as f64 * step, step).chars().count())
        .max()
        .unwrap_or(1);
    let max = h.counts.iter().copied().max().unwrap_or(1).max(1) as usize;
    let bar_w = w.saturating_sub(label_w + 1 + 6 + 4).max(1);
    let bar = if theme.ascii { '#' } else { '█' };
    let mut lines = vec![Line::styled(fit(" histogram (◂ limit)", w), theme.dim())];
    let (lower, upper) = (h.limit_bin(h.limits.lower), h.limit_bin(h.limits.upper));
    let marker = |i: usize| {
        if lower == Some(i) || upper == Some(i) {
            if theme.ascii { " <" } else { " ◂" }
        } else {
            ""
        }
    };
    for i in (0..h.counts.len()).rev() {
        let n = h.counts[i] as usize;
        let label = format_tick(h.start + i as f64 * step, step);
        let len = (n * bar_w).div_ceil(max);
        let mut spans = vec![Span::styled(format!("{label:>label_w$} "), theme.dim())];
        let failing = h.failing.get(i).copied().unwrap_or(0) as usize;
        let fail_len = (failing * bar_w).div_ceil(max).min(len);
        spans.push(Span::styled(bar.to_string().repeat(fail_len), theme.error()));
        spans.push(Span::raw(bar.to_string().repeat(len - fail_len)));
        spans.push(Span::raw(format!(" {n}")));
        spans.push(Span::styled(marker(i).to_string(), theme.error()));
        lines.push(Line::from(spans));
    }
    frame.render_widget(Paragraph::new(lines), area);
}

fn status(app: &App, p: &TrendPane, frame: &mut Frame, area: Rect, theme: &Theme) {
    let w = area.width as usize;
    let text = match app.flash() {
        Some(t) => t.to_string(),
        None => {
            let units = p.series.units.as_deref().unwrap_or("");
            let drift = p
                .slope_per_day
                .map_or(String::new(), |s| format!("drift {} {units}/day", format_sig(s, 3)));
            let halves = p.halves.map_or(String::new(), |(a, b)| {
                format!(
                    " · mean of the older half {} → newer half {}",
                    format_sig(a, 4),
                    format_sig(b, 4)
                )
            });
            let reach = p.drift.and_then(|d| Some((d, d.reaches(&p.stats.limits)?)));
            let reach = reach.map_or(String::new(), |(d, r)| {
                format!(
                    " · reaches {} {units} in ~{} days (slope 95 % CI {} to {} {units}/day)",
                    format_sig(r.limit, 4),
                    format_sig(r.days, 2),
                    format_sig(d.interval.0, 2),
                    format_sig(d.interval.1, 2)
                )
            });
            format!("{drift}{halves}{reach}")
        }
    };
    frame.render_widget(
        Paragraph::new(Line::styled(fit(&format!(" {text}"), w), theme.dim())),
        area,
    );
}
