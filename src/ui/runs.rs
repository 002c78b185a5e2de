//! The runs list: the views' tab bar, the runs table and the status line. Only the rows on
//! screen are built; columns drop by priority when the terminal is narrow (batch first, then
//! station/operator, part, duration).

use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::style::Style;

use ratatui::text::{Line, Span};
use ratatui::widgets::{Cell, Paragraph, Row, Table, Wrap};

use super::format::{absolute_short, count, duration, relative, spinner};
use super::text::{fit, width};
use super::theme::{Theme, outcome_label};
use crate::api::{SortBy, SortOrder};
use crate::app::{App, RunsPane};
use crate::model::RunRow;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Col {
    Mark,
    Outcome,
    Started,
    Duration,
    Serial,
    Part,
    Procedure,
    Station,
    Batch,
}

impl Col {
    fn width(self) -> u16 {
        match self {
            Col::Mark => 1,
            Col::Outcome => 9,
            Col::Started => 14,
            Col::Duration => 9,
            Col::Serial => 10,
            Col::Part => 11,
            Col::Procedure => 18,
            Col::Station => 14,
            Col::Batch => 5,
        }
    }

    fn title(self) -> &'static str {
        match self {
            Col::Mark => "",
            Col::Outcome => "Outcome",
            Col::Started => "Started",
            Col::Duration => "Duration",
            Col::Serial => "Serial",
            Col::Part => "Part/Rev",
            Col::Procedure => "Procedure",
            Col::Station => "Station/Op.",
            Col::Batch => "Batch",
        }
    }

    fn sorted_by(self, s: &SortBy) -> bool {
        matches!(
            (self, s),
            (Col::Outcome, SortBy::Outcome)
                | (Col::Started, SortBy::StartedAt)
                | (Col::Duration, SortBy::Duration)
                | (Col::Serial, SortBy::SerialNumber)
                | (Col::Part, SortBy::PartNumber | SortBy::RevisionNumber)
        )
    }
}

impl Col {
    fn by_name(name: &str) -> Option<Col> {
        Some(match name {
            "outcome" => Col::Outcome,
            "started" => Col::Started,
            "duration" => Col::Duration,
            "serial" => Col::Serial,
            "part" => Col::Part,
            "procedure" => Col::Procedure,
            "station" => Col::Station,
            "batch" => Col::Batch,
            _ => return None,
        })
    }
}

/// A view's own column set, in its order (the procedure column is always kept).
fn view_columns(names: &[String]) -> Vec<Col> {
    let mut cols = vec![Col::Mark];
    cols.extend(names.iter().filter_map(|n| Col::by_name(n)));
    if !cols.contains(&Col::Procedure) {
        cols.push(Col::Procedure);
    }
    cols
}

/// Columns in screen order that fit `width`; the procedure column takes what is left.
fn columns(width: u16) -> Vec<Col> {
    // Dropped in this order when space runs out.
    let optional = [Col::Duration, Col::Part, Col::Station, Col::Batch];
    let must = [Col::Mark, Col::Outcome, Col::Started, Col::Serial, Col::Procedure];
    let used = |cols: &[Col]| cols.iter().map(|c| c.width() + 1).sum::<u16>();
    let mut chosen: Vec<Col> = must.to_vec();
    for c in optional {
        let mut with = chosen.clone();
        with.push(c);
        if used(&with) <= width {
            chosen = with;
        }
    }
    let order = [
        Col::Mark,
        Col::Outcome,
        Col::Started,
        Col::Duration,
        Col::Serial,
        Col::Part,
        Col::Procedure,
        Col::Station,
        Col::Batch,
    ];
    order.into_iter().filter(|c| chosen.contains(c)).collect()
}

fn text(s: Option<&str>) -> &str {
    s.unwrap_or("—")
}

fn cell(app: &App, row: &RunRow, col: Col, selected: bool, theme: &Theme) -> Cell<'static> {
    let list = app.list();
    match col {
        Col::Mark => {
            if list.marked.contains(&row.id) {
                Cell::from(Span::styled("●", theme.accent()))
            } else if list.fresh_failures.contains(&row.id) {
                Cell::from(Span::styled("*", theme.warn()))
            } else {
                Cell::from("")
            }
        }
        Col::Outcome => {
            if row.problem.is_some() {
                return Cell::from(Span::styled("⚠ BAD ROW", theme.warn()));
            }
            Cell::from(Span::styled(
                outcome_label(row.outcome.as_ref()),
                theme.outcome(row.outcome.as_ref()),
            ))
        }
        Col::Started => Cell::from(match row.started_ms {
            Some(t) if selected || app.shared.absolute_dates => {
                absolute_short(t, app.shared.now_ms, app.shared.tz)
            }
            Some(t) => relative(t, app.shared.now_ms),
            None => "—".into(),
        }),
        Col::Duration => Cell::from(row.duration_ms.map(duration).unwrap_or_else(|| "—".into())),
        Col::Serial => Cell::from(if row.serial.is_empty() {
            "—".to_string()
        } else {
            row.serial.to_string()
        }),
        Col::Part => Cell::from(match (&row.part, &row.revision) {
            (Some(p), Some(r)) => format!("{p}/{r}"),
            (p, _) => text(p.as_deref()).to_string(),
        }),
        Col::Procedure => {
            if let Some(p) = &row.problem {
                return Cell::from(Span::styled(p.to_string(), theme.warn()));
            }
            Cell::from(match (&row.procedure, &row.version) {
                (Some(p), Some(v)) => format!("{p} {v}"),
                (p, _) => text(p.as_deref()).to_string(),
            })
        }
        Col::Station => {
            Cell::from(text(row.station.as_deref().or(row.operator.as_deref())).to_string())
        }
        Col::Batch => Cell::from(text(row.batch.as_deref()).to_string()),
    }
}

/// A centred message where the rows would be.
fn message(frame: &mut Frame, area: Rect, lines: Vec<Line<'static>>) {
    let top = area.height.saturating_sub(lines.len() as u16) / 2;
    let area =
        Rect { y: area.y + top.min(area.height), height: area.height.saturating_sub(top), ..area };
    frame.render_widget(Paragraph::new(lines).centered().wrap(Wrap { trim: true }), area);
}

pub(crate) fn render(app: &App, frame: &mut Frame, area: Rect, theme: &Theme) {
    let list = app.list();
    let runs = &app.runs;
    let cols = match runs.views.get(runs.active).and_then(|v| v.columns.as_ref()) {
        Some(names) => view_columns(names),
        None => columns(area.width),
    };
    let header = Row::new(cols.iter().map(|c| {
        let mut t = c.title().to_string();
        if c.sorted_by(&list.sort_by) {
            t.push_str(if list.sort_order == SortOrder::Desc { "↓" } else { "↑" });
        }
        Cell::from(t)
    }))
    .style(theme.header());
    // The procedure takes what is left, up to 44 columns; wider screens leave the rest blank
    // rather than push station and batch far from the row's start.
    let fixed: u16 = cols.iter().filter(|c| **c != Col::Procedure).map(|c| c.width() + 1).sum();
    let proc_w = area.width.saturating_sub(fixed).clamp(Col::Procedure.width(), 44);
    let widths: Vec<Constraint> = cols
        .iter()
        .map(|c| Constraint::Length(if *c == Col::Procedure { proc_w } else { c.width() }))
        .collect();

    let body = Rect { y: area.y + 1, height: area.height.saturating_sub(1), ..area };
    if list.rows.is_empty() {
        frame.render_widget(Table::new(Vec::<Row>::new(), widths).header(header), area);
        let lines = if list.is_loading() {
            vec![Line::from(format!("{} Loading runs…", spinner(app.shared.now_ms)))]
        } else if let Some(e) = &list.error {
            vec![
                Line::styled("Could not load runs", theme.error()),
                Line::from(e.clone()),
                Line::from(""),
                Line::styled("r retries · / changes the filter", theme.dim()),
            ]
        } else if !list.query.is_empty() {
            vec![
                Line::from("No runs match this filter."),
                Line::styled("x clears it · / edits it", theme.dim()),
            ]
        } else if list.loaded {
            vec![
                Line::from("No runs yet."),
                Line::styled(
                    "Runs appear here as stations upload them; L turns on live refresh.",
                    theme.dim(),
                ),
            ]
        } else {
            vec![]
        };
        message(frame, body, lines);
        return;
    }

    let end = (list.offset + body.height as usize).min(list.rows.len());
    let rows: Vec<Row> = list.rows[list.offset..end]
        .iter()
        .enumerate()
        .map(|(i, row)| {
            let selected = list.offset + i == list.selected;
            let r = Row::new(cols.iter().map(|c| cell(app, row, *c, selected, theme)));
            if selected {
                r.style(theme.selected())
            } else if list.stale {
                r.style(Style::new().add_modifier(ratatui::style::Modifier::DIM))
            } else {
                r
            }
        })
        .collect();
    frame.render_widget(Table::new(rows, widths).header(header).column_spacing(1), area);
}

/// The views as tabs: number, name, runs loaded (`+` when more exist), `!` when live mode
/// found new failures there.
pub(crate) fn tabs(runs: &RunsPane, frame: &mut Frame, area: Rect, theme: &Theme) {
    let mut spans = Vec::new();
    for (i, v) in runs.views.iter().enumerate() {
        let l = if i == runs.active { Some(&runs.list) } else { v.saved.as_ref() };
        let count = match l {
            Some(l) if l.loaded => {
                format!(" {}{}", count(l.rows.len()), if l.has_more { "+" } else { "" })
            }
            Some(l) if l.is_loading() => " …".into(),
            _ => String::new(),
        };
        // The `!` inside the tab's padding, so it never runs into the separator.
        let style = if i == runs.active { theme.title() } else { theme.dim() };
        spans.push(Span::styled(format!(" {} {}{count}", i + 1, v.name), style));
        if v.new_failures {
            spans.push(Span::styled(" ", style));
            spans.push(Span::styled("!", theme.error()));
        }
        spans.push(Span::styled(" ", style));
        spans.push(Span::styled("│", theme.dim()));
    }
    spans.pop();
    frame.render_widget(Paragraph::new(Line::from(spans)), area);
}

/// The list's status line: where the selection is, how fresh the rows are, what went wrong.
pub(crate) fn status(app: &App, frame: &mut Frame, area: Rect, theme: &Theme) {
    let list = app.list();
    let (now, problems) = (app.shared.now_ms, &app.shared.config_problems);
    if let Some(text) = app.flash() {
        frame.render_widget(
            Paragraph::new(Line::styled(
                fit(&format!(" {text}"), area.width as usize),
                theme.accent(),
            )),
            area,
        );
        return;
    }
    let mut spans: Vec<Span> = Vec::new();
    let n = list.rows.len();
    if list.stale {
        spans.push(Span::styled(" STALE", theme.warn()));
    }
    if n > 0 {
        spans.push(Span::raw(format!(" {}/{}", count(list.selected + 1), count(n))));
        spans.push(Span::styled(if list.has_more { " more…" } else { " all" }, theme.dim()));
    } else {
        spans.push(Span::raw(" 0 runs"));
    }
    if list.fresh_count > 0 {
        spans.push(Span::styled(format!(" · {} new", list.fresh_count), theme.accent()));
    }
    if list.is_loading() || list.live_pending.is_some() {
        spans.push(Span::raw(format!(" · {}", spinner(now))));
    }
    if let Some(t) = list.updated_ms {
        spans.push(Span::styled(format!(" · updated {}", relative(t, now)), theme.dim()));
    }
    // The problem goes last and is cut to what fits, keeping when the next try comes.
    let used: usize = spans.iter().map(|s| width(&s.content)).sum();
    let room = (area.width as usize).saturating_sub(used + 3);
    if let Some(first) = problems.first() {
        let more = if problems.len() > 1 {
            format!(" (+{} more in the log)", problems.len() - 1)
        } else {
            String::new()
        };
        let used: usize = spans.iter().map(|s| width(&s.content)).sum();
        spans.push(Span::styled(
            format!(
                " · {}",
                fit(
                    &format!("config: {first}{more}"),
                    (area.width as usize).saturating_sub(used + 3)
                )
            ),
            theme.warn(),
        ));
        frame.render_widget(Paragraph::new(Line::from(spans)), area);
        return;
    }
    if let Some(r) = &list.retry {
        let left = ((r.at_ms + r.delay_ms - now).max(0) + 999) / 1000;
        spans.push(Span::styled(
            format!(" · {}", fit(&format!("retry {} in {left}s: {}", r.attempt, r.message), room)),
            theme.warn(),
        ));
    } else if let Some(e) = &list.error {
        spans
            .push(Span::styled(format!(" · {}", fit(&format!("error: {e}"), room)), theme.error()));
    }
    frame.render_widget(Paragraph::new(Line::from(spans)), area);
}
