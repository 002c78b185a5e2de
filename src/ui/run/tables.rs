//! The attachments, sub-units and metadata tabs.

use ratatui::Frame;
use ratatui::layout::{Constraint, Flex, Layout, Rect};
use ratatui::text::Line;
use ratatui::widgets::{Cell, Paragraph, Row, Table};

use super::values::value;
use crate::app::Download;
use crate::app::outbox::OutboxEntry;
use crate::app::run::Loaded;
use crate::app::scroll::Scroll;
use crate::ui::gauge::gauge;
use crate::ui::text::fit;
use crate::ui::theme::Theme;

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
    // The columns as the table lays them out, so a cell too long is cut with `…`, not
    // silently at the column's edge.
    let cols: Vec<usize> = Layout::horizontal(widths.clone())
        .flex(Flex::Start)
        .spacing(2)
        .split(Rect::new(0, 0, area.width, 1))
        .iter()
        .map(|r| r.width as usize)
        .collect();
    let cell = |k: usize, c: &str| Cell::from(fit(c, cols.get(k).copied().unwrap_or(0)));
    let body: Vec<Row> = (view.offset..end)
        .map(|i| {
            let r = Row::new(rows[i].iter().enumerate().map(|(k, c)| cell(k, c)));
            if i == view.cursor { r.style(theme.selected()) } else { r }
        })
        .collect();
    frame.render_widget(
        Table::new(body, widths).header(Row::new(header).style(theme.header())).column_spacing(2),
        area,
    );
}

/// `1.2 MB`, `340 kB`, `12 B`.
pub(super) fn size(bytes: f64) -> String {
    match bytes {
        b if b >= 1e9 => format!("{:.1} GB", b / 1e9),
        b if b >= 1e6 => format!("{:.1} MB", b / 1e6),
        b if b >= 1e3 => format!("{:.0} kB", b / 1e3),
        b => format!("{b:.0} B"),
    }
}

fn bar(received: u64, total: Option<u64>) -> String {
    match total.filter(|t| *t > 0) {
        Some(t) => gauge(received, Some(t), 10),
        None => format!("{} received", size(received as f64)),
    }
}

pub(super) fn attachments(
    downloads: &[Download],
    l: &Loaded,
    frame: &mut Frame,
    area: Rect,
    theme: &Theme,
) {
    let atts = l.run.attachments.as_deref().unwrap_or_default();
    if atts.is_empty() {
        return empty(frame, area, "This run has no attachments.", theme);
    }
    let rows: Vec<Vec<String>> = atts
        .iter()
        .map(|a| {
            let dl = downloads.iter().rev().find(|d| d.attachment_id == a.id);
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
    let mut header = vec!["Name", "Size", "Type", "", "Download (enter)"];
    let mut widths = vec![
        Constraint::Fill(2),
        Constraint::Length(8),
        Constraint::Length(16),
        Constraint::Length(6),
        Constraint::Fill(2),
    ];
    let mut rows = rows;
    // Narrow: the name and the download matter, the type and the report mark go.
    if area.width < 60 {
        for r in rows.iter_mut() {
            r.drain(2..4);
        }
        header.drain(2..4);
        widths.drain(2..4);
        header[2] = "Download";
    }
    table(frame, area, header, widths, rows, &l.attachments, theme);
}

pub(super) fn sub_units(l: &Loaded, frame: &mut Frame, area: Rect, theme: &Theme) {
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

/// The run's metadata, and under it the changes to it that wait in the outbox (issue 26).
pub(super) fn metadata(
    l: &Loaded,
    pending: &[&OutboxEntry],
    frame: &mut Frame,
    area: Rect,
    theme: &Theme,
) {
    let shown = pending.len().min(area.height as usize / 3) as u16;
    let [area, below] =
        Layout::vertical([Constraint::Fill(1), Constraint::Length(shown)]).areas(area);
    let w = below.width as usize;
    let lines: Vec<Line> = pending
        .iter()
        .take(shown as usize)
        .map(|e| {
            let what: Vec<String> = e
                .changes
                .iter()
                .map(|(k, v)| if v.is_null() { format!("{k} deleted") } else { format!("{k}={v}") })
                .collect();
            let why = e.problem.as_deref().map(|p| format!(" (refused: {p})")).unwrap_or_default();
            let text = format!(" pending in the outbox: {}{why}", what.join(", "));
            Line::styled(fit(&text, w), theme.warn())
        })
        .collect();
    frame.render_widget(Paragraph::new(lines), below);
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
        // Narrow: the keys give the values room.
        vec![
            Constraint::Length((area.width / 3).clamp(8, 24)),
            Constraint::Length(8),
            Constraint::Fill(1),
        ],
        rows,
        &l.metadata,
        theme,
    );
}
