//! The unit view: a two-line header, the unit's runs (newest first, with the first failing
//! phase of each failing run) and its assembly tree — beside the runs on wide screens, under
//! them on narrow ones — and the status line.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::Areas;
use super::format::{absolute_short, duration, relative, spinner};
use super::text::{fit, pad, width};
use super::theme::{Theme, outcome_label};
use crate::api::WireEnum;
use crate::api::time::to_ms;
use crate::app::unit::{UnitFocus, UnitLoad, UnitPane};
use crate::app::{App, layout};
use crate::model::{RunRow, UnitData};

pub(crate) fn render(app: &App, p: &UnitPane, frame: &mut Frame, areas: &Areas, theme: &Theme) {
    body(app, p, frame, areas.body, theme);
    status(app, p, frame, areas.status, theme);
}

fn body(app: &App, p: &UnitPane, frame: &mut Frame, area: Rect, theme: &Theme) {
    let now = app.shared().now_ms();
    let d = match &p.load {
        UnitLoad::Ready(d) => d,
        UnitLoad::Loading => {
            let mut lines = vec![Line::from(fit(
                &format!(" {} Loading unit {}…", spinner(now), p.serial),
                area.width as usize,
            ))];
            if let Some(r) = &p.retry {
                lines.push(Line::styled(fit(&format!(" {r}"), area.width as usize), theme.warn()));
            }
            frame.render_widget(Paragraph::new(lines), area);
            return;
        }
        UnitLoad::Failed(e) => {
            let w = area.width as usize;
            let lines = vec![
                Line::styled(fit(&format!(" Could not load unit {}", p.serial), w), theme.error()),
                Line::from(fit(&format!(" {e}"), w)),
                Line::styled(
                    fit(" r retries · U goes to another serial · esc goes back", w),
                    theme.dim(),
                ),
            ];
            frame.render_widget(Paragraph::new(lines), area);
            return;
        }
        UnitLoad::Missing(close) => return missing(p, close, frame, area, theme),
    };
    let [head, rest] =
        Layout::vertical([Constraint::Length(layout::UNIT_HEADER), Constraint::Fill(1)])
            .areas(area);
    header(app, d, frame, head, theme);
    let (_, tree_rows, side) =
        layout::unit_split(app.shared().size().0, app.shared().size().1, p.panel_len());
    let (runs_area, tree_area) = if side {
        let [a, b] =
            Layout::horizontal([Constraint::Fill(3), Constraint::Fill(1)]).spacing(1).areas(rest);
        (a, b)
    } else {
        let [a, b] =
            Layout::vertical([Constraint::Fill(1), Constraint::Length(tree_rows as u16 + 1)])
                .areas(rest);
        (a, b)
    };
    runs(app, p, d, frame, runs_area, theme);
    panel(p, d, frame, tree_area, theme);
}

fn header(app: &App, d: &UnitData, frame: &mut Frame, area: Rect, theme: &Theme) {
    let u = &d.unit;
    let w = area.width as usize;
    let sample = u.sample.as_ref().map(|s| format!(" [{}]", s.as_str())).unwrap_or_default();
    let batch = u.batch.as_ref().map(|b| format!(" · batch {}", b.number)).unwrap_or_default();
    let part = format!("  {}/{} {}{batch}", u.part.number, u.part.revision.number, u.part.name);
    let serial = format!(" {}{sample}", u.serial_number);
    // The serial is never cut: the rest gives way.
    let room = w.saturating_sub(serial.chars().count());
    let l1 = Line::from(vec![Span::styled(serial, theme.header()), Span::raw(fit(&part, room))]);
    let by = u
        .created_by_user
        .as_ref()
        .or(u.created_by_station.as_ref())
        .and_then(|x| x.name.clone())
        .map(|n| format!(" by {n}"))
        .unwrap_or_default();
    let created = u
        .created_at
        .as_ref()
        .map(|t| format!(" created {}{by}", relative(to_ms(t), app.shared().now_ms())))
        .unwrap_or_default();
    let parent =
        u.parent.as_ref().map(|x| format!(" · in {}", x.serial_number)).unwrap_or_default();
    let children = match u.children.len() {
        0 => String::new(),
        1 => " · 1 sub-unit".into(),
        n => format!(" · {n} sub-units"),
    };
    let procs = d.procedures().len();
    let more = if d.more_runs { "+" } else { "" };
    // What the view is for first: how much testing the unit saw.
    let runs = match d.runs.len() {
        0 => " no runs yet ·".to_string(),
        n => format!(
            " {n}{more} run{} in {procs} procedure{} ·",
            if n == 1 { "" } else { "s" },
            if procs == 1 { "" } else { "s" }
        ),
    };
    let l2 = Line::styled(fit(&format!("{runs}{created}{parent}{children}"), w), theme.dim());
    frame.render_widget(Paragraph::new(vec![l1, l2]), area);
}

/// Columns of the runs table for a width: outcome, started, duration, procedure, station,
/// operator, first failure. Operator, then station, give way first; the failure takes the
/// rest (at least 12 columns) and procedure shrinks before it goes.
fn widths(w: usize) -> [usize; 7] {
    let (outcome, started, dur) = (9, 16, 8);
    let fixed = outcome + started + dur + 7;
    let (station, operator) = match w {
        w if w >= 130 => (16, 14),
        w if w >= 80 => (12, 0),
        _ => (0, 0),
    };
    let left = w.saturating_sub(fixed + station + operator);
    let procedure = (left * 11 / 20).clamp(10, 30).min(left);
    let failure = left.saturating_sub(procedure);
    [outcome, started, dur, procedure, station, operator, failure]
}

fn runs(app: &App, p: &UnitPane, d: &UnitData, frame: &mut Frame, area: Rect, theme: &Theme) {
    let w = area.width as usize;
    let focused = p.focus == UnitFocus::Runs;
    let cols = widths(w);
    let heads =
        ["Outcome", "Started", "Duration", "Procedure", "Station", "Operator", "First failure"];
    let mut head = String::from(" ");
    for (h, c) in heads.iter().zip(cols) {
        if c > 0 {
            head.push_str(&pad(h, c));
            head.push(' ');
        }
    }
    // The column heads are the table's title: bright while the cursor keys move the runs.
    let style = if focused { theme.title() } else { theme.header() };
    let mut lines = vec![Line::styled(pad(&head, w), style)];
    let rows = (area.height as usize).saturating_sub(1);
    if d.runs.is_empty() {
        lines.push(Line::styled(" no runs of this unit", theme.dim()));
    }
    for (i, r) in d.runs.iter().enumerate().skip(p.runs.offset).take(rows) {
        let selected = focused && i == p.runs.cursor;
        lines.push(run_line(app, d, r, &cols, selected, theme, w));
    }
    frame.render_widget(Paragraph::new(lines), area);
}

fn run_line<'a>(
    app: &App,
    d: &UnitData,
    r: &RunRow,
    cols: &[usize; 7],
    selected: bool,
    theme: &Theme,
    w: usize,
) -> Line<'a> {
    let now = app.shared().now_ms();
    // Absolute: a unit's runs are often minutes apart, and "3d ago" on each says nothing.
    let started =
        r.started_ms.map(|t| absolute_short(t, now, app.shared().tz())).unwrap_or_else(|| "—".into());
    let proc = match (&r.procedure, &r.version) {
        (Some(p), Some(v)) => with_version(p, v, cols[3]),
        (Some(p), None) => p.to_string(),
        _ => "—".into(),
    };
    let failure = d.first_failure.get(&*r.id).cloned().unwrap_or_default();
    let cells = [
        outcome_label(r.outcome.as_ref()),
        started,
        r.duration_ms.map(duration).unwrap_or_default(),
        proc,
        r.station.as_deref().unwrap_or("—").to_string(),
        r.operator.as_deref().unwrap_or("").to_string(),
        failure,
    ];
    let base = if selected { theme.selected() } else { Style::default() };
    let mut spans = vec![Span::raw(" ")];
    let mut used = 1;
    for (i, (text, c)) in cells.iter().zip(cols).enumerate() {
        if *c == 0 || used >= w {
            continue;
        }
        let c = (*c).min(w - used);
        let style = match i {
            0 => base.patch(theme.outcome(r.outcome.as_ref())),
            6 => base.patch(theme.error()),
            _ => base,
        };
        spans.push(Span::styled(pad(text, c), style));
        used += c;
        if used < w {
            spans.push(Span::styled(" ", base));
            used += 1;
        }
    }
    Line::from(spans)
}

/// A procedure and its version in `w` columns: the name gives way, the version stays.
fn with_version(name: &str, version: &str, w: usize) -> String {
    let whole = format!("{name} {version}");
    if width(&whole) <= w || width(version) + 4 > w {
        return whole;
    }
    format!("{} {version}", fit(name, w - width(version) - 1))
}

/// The panel's title: its three sections, the one shown bright while the cursor is in it.
/// The one shown is never the one cut: when all do not fit, the others shrink to their
/// counts (`G 4`), then leave.
fn sections(p: &UnitPane, d: &UnitData, w: usize, theme: &Theme) -> Line<'static> {
    let n_meta = d.unit.metadata.as_ref().map_or(0, |m| m.len());
    let cut = if d.tree_cut { ", cut" } else { "" };
    let names = [
        (
            UnitFocus::Tree,
            format!("Genealogy ({}{cut})", d.tree.len()),
            format!("G {}", d.tree.len()),
        ),
        (UnitFocus::Metadata, format!("Metadata ({n_meta})"), format!("M {n_meta}")),
        (
            UnitFocus::Attachments,
            format!("Files ({})", d.unit.attachments.len()),
            format!("F {}", d.unit.attachments.len()),
        ),
    ];
    let style = |f: UnitFocus| match (p.panel == f, p.focus == f) {
        (true, true) => theme.title(),
        (true, false) => theme.header(),
        _ => theme.dim(),
    };
    let line = |short: bool, others: bool| {
        let shown = names.iter().filter(move |(f, ..)| others || p.panel == *f);
        shown.map(move |(f, long, brief)| (*f, if short && p.panel != *f { brief } else { long }))
    };
    let room = w.saturating_sub(1);
    let fits = |short, others| {
        let parts: Vec<_> = line(short, others).collect();
        parts.iter().map(|(_, t)| width(t)).sum::<usize>() + 3 * (parts.len() - 1) <= room
    };
    let (short, others) = [(false, true), (true, true)]
        .into_iter()
        .find(|&(s, o)| fits(s, o))
        .unwrap_or((true, false));
    let mut spans = vec![Span::raw(" ")];
    for (i, (f, text)) in line(short, others).enumerate() {
        if i > 0 {
            spans.push(Span::styled(" · ", theme.dim()));
        }
        spans.push(Span::styled(fit(text, room), style(f)));
    }
    Line::from(spans)
}

fn panel(p: &UnitPane, d: &UnitData, frame: &mut Frame, area: Rect, theme: &Theme) {
    let w = area.width as usize;
    let mut lines = vec![sections(p, d, w, theme)];
    let rows = (area.height as usize).saturating_sub(1);
    let focused = p.focus == p.panel;
    let style_at = |i: usize, cursor: usize, base: Style| {
        if focused && i == cursor { base.patch(theme.selected()) } else { base }
    };
    match p.panel {
        UnitFocus::Metadata => {
            let meta: Vec<(&String, &serde_json::Value)> =
                d.unit.metadata.iter().flat_map(|m| m.iter()).collect();
            if meta.is_empty() {
                lines.push(Line::styled(fit(" no metadata", w), theme.dim()));
            }
            let kw = meta.iter().map(|(k, _)| width(k)).max().unwrap_or(0).min(w / 2);
            for (i, (k, v)) in meta.iter().enumerate().skip(p.metadata.offset).take(rows) {
                let v = match v {
                    serde_json::Value::String(s) => s.clone(),
                    v => v.to_string(),
                };
                let text = format!(" {} {v}", pad(k, kw));
                lines.push(Line::styled(
                    pad(&text, w),
                    style_at(i, p.metadata.cursor, Style::default()),
                ));
            }
        }
        UnitFocus::Attachments => {
            let atts = &d.unit.attachments;
            if atts.is_empty() {
                lines.push(Line::styled(fit(" no files", w), theme.dim()));
            }
            for (i, a) in atts.iter().enumerate().skip(p.attachments.offset).take(rows) {
                let size = a.size.map(|s| format!("  {}", bytes(s))).unwrap_or_default();
                let text = format!(" {}{size}", a.name);
                lines.push(Line::styled(
                    pad(&text, w),
                    style_at(i, p.attachments.cursor, Style::default()),
                ));
            }
        }
        _ => {
            let depths: Vec<usize> = d.tree.iter().map(|t| t.depth.min(8)).collect();
            let branches = super::branches::prefixes(&depths, theme.ascii);
            for (i, t) in d.tree.iter().enumerate().skip(p.tree.offset).take(rows) {
                let here = if t.here { " ◂ this unit" } else { "" };
                let part = t.part.as_deref().map(|x| format!("  {x}")).unwrap_or_default();
                let text = format!(" {}{}{part}{here}", branches[i], t.serial);
                let base = if t.here { theme.header() } else { Style::default() };
                lines.push(Line::styled(pad(&text, w), style_at(i, p.tree.cursor, base)));
            }
        }
    }
    frame.render_widget(Paragraph::new(lines), area);
}

/// A size in bytes, KiB, MiB.
fn bytes(n: f64) -> String {
    match n {
        n if n >= 1_048_576.0 => format!("{:.1} MiB", n / 1_048_576.0),
        n if n >= 1024.0 => format!("{:.1} KiB", n / 1024.0),
        n => format!("{n:.0} B"),
    }
}

fn missing(p: &UnitPane, close: &[String], frame: &mut Frame, area: Rect, theme: &Theme) {
    let w = area.width as usize;
    let mut lines = vec![Line::styled(fit(&format!(" No unit {}", p.serial), w), theme.error())];
    if close.is_empty() {
        lines.push(Line::from(fit(" Nothing looks like it either.", w)));
        lines.push(Line::styled(
            fit(" (A station API key sees only the units its procedures tested.)", w),
            theme.dim(),
        ));
    } else {
        lines.push(Line::from(fit(" Serials like it (enter opens one):", w)));
        for (i, s) in close.iter().enumerate() {
            let style = if i == p.tree.cursor { theme.selected() } else { Style::default() };
            lines.push(Line::styled(pad(&format!("   {s}"), w), style));
        }
    }
    lines.push(Line::styled(fit(" U goes to another serial · esc goes back", w), theme.dim()));
    frame.render_widget(Paragraph::new(lines), area);
}

fn status(app: &App, p: &UnitPane, frame: &mut Frame, area: Rect, theme: &Theme) {
    let w = area.width as usize;
    if let Some(text) = app.flash() {
        let line = Line::styled(fit(&format!(" {text}"), w), theme.accent());
        frame.render_widget(Paragraph::new(line), area);
        return;
    }
    let Some(d) = p.data() else { return };
    let at = |what: &str, cursor: usize, n: usize| {
        if n == 0 { format!(" no {what}") } else { format!(" {what} {}/{n}", cursor + 1) }
    };
    let text = match p.focus {
        UnitFocus::Runs => {
            let failed = d.runs.get(p.runs.cursor).is_some_and(|r| {
                matches!(
                    r.outcome,
                    Some(crate::api::RunOutcome::Fail | crate::api::RunOutcome::Error)
                )
            });
            let hint = if failed { " · c: this retest side by side" } else { "" };
            at("run", p.runs.cursor, d.runs.len()) + hint
        }
        UnitFocus::Tree => match d.tree.get(p.tree.cursor) {
            Some(t) => format!(" {} · unit {}/{}", t.serial, p.tree.cursor + 1, d.tree.len()),
            None => String::new(),
        },
        UnitFocus::Metadata => at("metadata", p.metadata.cursor, p.panel_len()),
        UnitFocus::Attachments => {
            at("files", p.attachments.cursor, p.panel_len()) + " · enter downloads"
        }
    };
    let text = format!("{text} · tab: next section");
    frame.render_widget(Paragraph::new(Line::styled(fit(&text, w), theme.dim())), area);
}
