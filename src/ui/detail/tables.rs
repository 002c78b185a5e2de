//! The attachments, sub-units, metadata and info tabs.

use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Cell, Paragraph, Row, Table};

use super::values::value;
use crate::api::time::{parse_duration_ms, to_ms};
use crate::api::{RunDetail, WireEnum};
use crate::app::App;
use crate::app::detail::Loaded;
use crate::app::scroll::Scroll;
use crate::ui::format::{absolute, duration, relative};
use crate::ui::theme::{Theme, outcome_label};

fn empty(frame: &mut Frame, area: Rect, text: &str, theme: &Theme) {
    frame.render_widget(Paragraph::new(Line::styled(format!("  {text}"), theme.dim())), area);
}

/// A table of `rows` with a header, only the rows on screen built, the cursor's reversed.
fn table(
    frame: &mut Frame,
    area: Rect,
    header: Vec<&'static str>,
    widths: Vec<Constraint>,
    rows: Vec<Vec<String>>,
    view: &Scroll,
    theme: &Theme,
) {
    let h = area.height.saturating_sub(1) as usize;
    let end = (view.offset + h).min(rows.len());
    let body: Vec<Row> = (view.offset..end)
        .map(|i| {
            let r = Row::new(rows[i].iter().map(|c| Cell::from(c.clone())));
            if i == view.cursor { r.style(theme.selected()) } else { r }
        })
        .collect();
    frame.render_widget(
        Table::new(body, widths).header(Row::new(header).style(theme.header())).column_spacing(2),
        area,
    );
}

/// `1.2 MB`, `340 kB`, `12 B`.
pub fn size(bytes: f64) -> String {
    match bytes {
        b if b >= 1e9 => format!("{:.1} GB", b / 1e9),
        b if b >= 1e6 => format!("{:.1} MB", b / 1e6),
        b if b >= 1e3 => format!("{:.0} kB", b / 1e3),
        b => format!("{b:.0} B"),
    }
}

fn bar(received: u64, total: Option<u64>) -> String {
    match total.filter(|t| *t > 0) {
        Some(t) => {
            let frac = (received as f64 / t as f64).clamp(0.0, 1.0);
            let filled = (frac * 10.0).round() as usize;
            format!("{}{} {:>3.0}%", "█".repeat(filled), "░".repeat(10 - filled), frac * 100.0)
        }
        None => format!("{} received", size(received as f64)),
    }
}

pub fn attachments(app: &App, l: &Loaded, frame: &mut Frame, area: Rect, theme: &Theme) {
    let atts = l.run.attachments.as_deref().unwrap_or_default();
    if atts.is_empty() {
        return empty(frame, area, "This run has no attachments.", theme);
    }
    let rows = atts
        .iter()
        .map(|a| {
            let dl = app.downloads.iter().rev().find(|d| d.attachment_id == a.id);
            let status = match dl {
                None => String::new(),
                Some(d) => match &d.result {
                    None => bar(d.received, d.total),
                    Some(Ok(p)) => format!("saved {}", p.display()),
                    Some(Err(e)) => format!("failed: {e}"),
                },
            };
            vec![
                a.name.clone(),
                a.size.map(size).unwrap_or_else(|| "—".into()),
                a.content_type.clone().unwrap_or_else(|| "—".into()),
                if a.is_report { "report".into() } else { String::new() },
                status,
            ]
        })
        .collect();
    let widths = vec![
        Constraint::Fill(2),
        Constraint::Length(8),
        Constraint::Length(16),
        Constraint::Length(6),
        Constraint::Fill(2),
    ];
    table(
        frame,
        area,
        vec!["Name", "Size", "Type", "", "Download (enter)"],
        widths,
        rows,
        &l.attachments,
        theme,
    );
}

pub fn sub_units(l: &Loaded, frame: &mut Frame, area: Rect, theme: &Theme) {
    let subs = l.run.sub_units.as_deref().unwrap_or_default();
    if subs.is_empty() {
        return empty(frame, area, "This unit has no sub-units.", theme);
    }
    let rows = subs
        .iter()
        .map(|s| {
            vec![
                s.serial_number.clone(),
                s.part_number.clone(),
                s.part_name.clone().unwrap_or_default(),
            ]
        })
        .collect();
    table(
        frame,
        area,
        vec!["Serial", "Part", "Part name"],
        vec![Constraint::Length(20), Constraint::Length(16), Constraint::Fill(1)],
        rows,
        &l.sub_units,
        theme,
    );
}

pub fn metadata(l: &Loaded, frame: &mut Frame, area: Rect, theme: &Theme) {
    let Some(meta) = l.run.summary.metadata.as_ref().filter(|m| !m.is_empty()) else {
        return empty(frame, area, "This run has no metadata.", theme);
    };
    let kind = |v: &serde_json::Value| match v {
        serde_json::Value::String(_) => "string",
        serde_json::Value::Number(_) => "number",
        serde_json::Value::Bool(_) => "boolean",
        serde_json::Value::Null => "null",
        _ => "json",
    };
    let rows = meta.iter().map(|(k, v)| vec![k.clone(), kind(v).into(), value(Some(v))]).collect();
    table(
        frame,
        area,
        vec!["Key", "Type", "Value"],
        vec![Constraint::Length(24), Constraint::Length(8), Constraint::Fill(1)],
        rows,
        &l.metadata,
        theme,
    );
}

fn field(name: &str, value: String, theme: &Theme) -> Line<'static> {
    Line::from(vec![Span::styled(format!("{name:>12}  "), theme.dim()), Span::raw(value)])
}

fn or_dash(s: Option<&str>) -> String {
    s.filter(|s| !s.is_empty()).unwrap_or("—").to_string()
}

/// Every header field, config and secrets (keys only).
pub fn info_lines(app: &App, d: &RunDetail, theme: &Theme) -> Vec<Line<'static>> {
    let s = &d.summary;
    let when = |t: Option<chrono::DateTime<chrono::Utc>>| {
        t.map(|t| format!("{}  ({})", absolute(to_ms(&t), app.tz), relative(to_ms(&t), app.now_ms)))
            .unwrap_or_else(|| "—".into())
    };
    let unit = &s.unit;
    let sample = unit.sample.as_ref().map(|x| format!("  [{}]", x.as_str())).unwrap_or_default();
    let version = s.procedure.version.as_ref().map(|v| format!(" {}", v.tag)).unwrap_or_default();
    let operator = s.operated_by.as_ref().and_then(|o| o.name.clone().or(o.email.clone()));
    let by = s
        .created_by_user
        .as_ref()
        .and_then(|u| u.name.clone().or(u.email.clone()))
        .or_else(|| s.created_by_station.as_ref().and_then(|st| st.name.clone()));
    let dur = s.duration.as_deref().and_then(|d| parse_duration_ms(d).ok()).map(duration);
    let mut lines = vec![
        Line::from(vec![
            Span::styled(format!("{:>12}  ", "Outcome"), theme.dim()),
            Span::styled(outcome_label(s.outcome.as_ref()), theme.outcome(s.outcome.as_ref())),
        ]),
        field("Serial", format!("{}{sample}", or_dash(Some(&unit.serial_number))), theme),
        field("Part", format!("{}  {}", or_dash(Some(&unit.part.number)), unit.part.name), theme),
        field("Revision", or_dash(Some(&unit.part.revision.number)), theme),
        field("Batch", or_dash(unit.batch.as_ref().map(|b| b.number.as_str())), theme),
        field("Procedure", format!("{}{version}", or_dash(Some(&s.procedure.name))), theme),
        field(
            "Station",
            or_dash(s.created_by_station.as_ref().and_then(|st| st.name.as_deref())),
            theme,
        ),
        field("Operator", or_dash(operator.as_deref()), theme),
        field("Created by", or_dash(by.as_deref()), theme),
        field("Started", when(s.started_at), theme),
        field("Ended", when(s.ended_at), theme),
        field("Duration", dur.unwrap_or_else(|| "—".into()), theme),
    ];
    if s.execution_id.is_some() || s.slot_name.is_some() || s.slot_key.is_some() {
        lines.push(field(
            "Slot",
            format!(
                "{} ({})",
                or_dash(s.slot_name.as_deref().or(s.slot_key.as_deref())),
                or_dash(s.execution_id.as_deref())
            ),
            theme,
        ));
    }
    lines.push(field("Run id", s.id.clone(), theme));
    lines.push(field("Docstring", or_dash(s.docstring.as_deref()), theme));
    if !d.config.is_empty() {
        lines.push(Line::from(""));
        lines.push(Line::styled("  Config", theme.header()));
        for c in &d.config {
            let src = c.source.as_ref().map(|s| format!("  ({})", s.as_str())).unwrap_or_default();
            lines.push(field(&c.key, format!("{}{src}", value(Some(&c.value))), theme));
        }
    }
    if !d.secrets.is_empty() {
        lines.push(Line::from(""));
        lines.push(Line::styled("  Secrets (values are never sent)", theme.header()));
        for sec in &d.secrets {
            lines.push(field(&sec.key, "••••".into(), theme));
        }
    }
    lines
}

pub fn info(app: &App, l: &Loaded, frame: &mut Frame, area: Rect, theme: &Theme) {
    let lines = info_lines(app, &l.run, theme);
    let skip = l.info.cursor.min(lines.len().saturating_sub(1));
    frame.render_widget(Paragraph::new(lines.into_iter().skip(skip).collect::<Vec<_>>()), area);
}
