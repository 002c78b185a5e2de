//! The runs list: the views' tab bar, the runs table and the status line. Only the rows on
//! screen are built; columns drop by priority when the terminal is narrow (batch first, then
//! station/operator, part, duration).

use ratatui::Frame;
use ratatui::layout::{Constraint, Flex, Layout, Rect};
use ratatui::style::Style;

use ratatui::text::{Line, Span};
use ratatui::widgets::{Cell, Paragraph, Row, Table, Wrap};

use super::format::{absolute_short, duration, relative, spinner};
use super::list_columns::{Col, columns, serial_width, view_columns};
use super::text::{fit, width};
use super::theme::{Theme, outcome_label};
use crate::api::SortOrder;
use crate::app::App;
use crate::app::runs::FailureCell;
use crate::model::{FirstFailure, RunRow};

/// The widest `name version` among `rows`.
fn widest_procedure(rows: &[RunRow]) -> u16 {
    let text = |r: &RunRow| {
        r.problem.as_deref().map_or_else(
            || width(&format!("{} {}", text(r.procedure.as_deref()), text(r.version.as_deref()))),
            width,
        )
    };
    rows.iter().map(text).max().unwrap_or(0) as u16
}

/// `name version` in `w` columns; when cut, the name gives way so the version stays.
fn procedure_text(name: &str, version: &str, w: usize) -> String {
    let full = format!("{name} {version}");
    let vw = width(version);
    if width(&full) <= w || w < vw + 4 {
        return fit(&full, w);
    }
    format!("{} {version}", fit(name, w - vw - 1))
}

/// `Phase › measurement  3.12 < 3.14` in `w` columns: the value and limit only when all of
/// it fits.
fn failure_text(f: &FirstFailure, w: usize) -> String {
    let what = match &f.measurement {
        Some(m) => format!("{} › {m}", f.phase),
        None => f.phase.clone(),
    };
    match &f.against {
        Some(a) if width(&what) + 2 + width(a) <= w => format!("{what}  {a}"),
        _ => fit(&what, w),
    }
}

fn failure_cell(app: &App, row: &RunRow, w: usize, theme: &Theme) -> Cell<'static> {
    match app.runs.failures.cell(row) {
        None => Cell::from(""),
        Some(FailureCell::Loading) => Cell::from(Span::styled("…", theme.dim())),
        Some(FailureCell::Failed) => Cell::from(Span::styled(fit("(not read)", w), theme.dim())),
        Some(FailureCell::Ready(None)) => {
            Cell::from(Span::styled(fit("no failing step", w), theme.dim()))
        }
        Some(FailureCell::Ready(Some(f))) => Cell::from(failure_text(f, w)),
    }
}

fn text(s: Option<&str>) -> &str {
    s.unwrap_or("—")
}

/// A cell's text cut to its column with `…`: the table itself would cut it without a mark.
fn cell(app: &App, row: &RunRow, col: Col, w: u16, selected: bool, theme: &Theme) -> Cell<'static> {
    let w = w as usize;
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
                return Cell::from(Span::styled(fit("⚠ BAD ROW", w), theme.warn()));
            }
            Cell::from(Span::styled(
                fit(&outcome_label(row.outcome.as_ref()), w),
                theme.outcome(row.outcome.as_ref()),
            ))
        }
        Col::Started => Cell::from(fit(
            &match row.started_ms {
                Some(t) if selected || app.shared().settings().absolute_dates => {
                    absolute_short(t, app.shared().now_ms(), app.shared().tz())
                }
                Some(t) => relative(t, app.shared().now_ms()),
                None => "—".into(),
            },
            w,
        )),
        Col::Duration => {
            Cell::from(fit(&row.duration_ms.map(duration).unwrap_or_else(|| "—".into()), w))
        }
        Col::Serial => Cell::from(fit(if row.serial.is_empty() { "—" } else { &row.serial }, w)),
        Col::Part => Cell::from(fit(
            &match (&row.part, &row.revision) {
                (Some(p), Some(r)) => format!("{p}/{r}"),
                (p, _) => text(p.as_deref()).to_string(),
            },
            w,
        )),
        Col::Procedure => {
            if let Some(p) = &row.problem {
                return Cell::from(Span::styled(fit(p, w), theme.warn()));
            }
            Cell::from(match (&row.procedure, &row.version) {
                (Some(p), Some(v)) => procedure_text(p, v, w),
                (p, _) => fit(text(p.as_deref()), w),
            })
        }
        Col::Station => {
            Cell::from(fit(text(row.station.as_deref().or(row.operator.as_deref())), w))
        }
        Col::Batch => Cell::from(fit(text(row.batch.as_deref()), w)),
        Col::Disposition => match row.meta(&app.shared().settings().triage.key) {
            Some(v) => Cell::from(fit(&value_text(v), w)),
            // A failing run still to be triaged.
            None if row.outcome.as_ref().is_some_and(|o| o.failing_or_aborted()) => {
                Cell::from(Span::styled("—", theme.dim()))
            }
            None => Cell::from(""),
        },
        Col::Failure => failure_cell(app, row, w, theme),
    }
}

/// A metadata value as the list shows it: text without its quotes.
fn value_text(v: &serde_json::Value) -> String {
    match v {
        serde_json::Value::String(s) => s.clone(),
        v => v.to_string(),
    }
}

/// A column's title: the disposition column is named by the key it shows.
fn title_of(app: &App, c: Col) -> String {
    match c {
        Col::Disposition => {
            let key = &app.shared().settings().triage.key;
            let mut t = key.chars();
            t.next().map(|f| f.to_uppercase().chain(t).collect()).unwrap_or_default()
        }
        c => c.title().to_string(),
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
    let end = (list.offset + area.height.saturating_sub(1) as usize).min(list.rows.len());
    let on_screen = &list.rows[list.offset.min(end)..end];
    let serial_w = serial_width(on_screen, area.width);
    // The station is as wide as the widest on screen (up to 24) where the screen has room.
    let station_w = if area.width >= 120 {
        let widest = on_screen
            .iter()
            .map(|r| width(text(r.station.as_deref().or(r.operator.as_deref()))))
            .max()
            .unwrap_or(0) as u16;
        widest.clamp(Col::Station.width(), 24)
    } else {
        Col::Station.width()
    };
    // The disposition as wide as its title or the widest on screen (up to 16): the procedure
    // keeps the rest.
    let key = &app.shared().settings().triage.key;
    let disposition_w = on_screen
        .iter()
        .filter_map(|r| r.meta(key).map(|v| width(&value_text(v))))
        .fold(width(&title_of(app, Col::Disposition)), usize::max)
        .clamp(6, 16) as u16;
    let own_w = |c: Col| match c {
        Col::Station => station_w,
        Col::Disposition => disposition_w,
        c => c.width_with(serial_w),
    };
    let cols = match runs.views.get(runs.active).and_then(|v| v.columns.as_ref()) {
        Some(names) => view_columns(names, area.width),
        None => columns(area.width, serial_w),
    };
    // The procedure takes what is left, up to 44 columns; wider screens leave the rest blank
    // rather than push station and batch far from the row's start.
    let fixed: u16 = cols
        .iter()
        .filter(|c| !matches!(c, Col::Procedure | Col::Failure))
        .map(|c| own_w(*c) + 1)
        .sum();
    let left = area.width.saturating_sub(fixed);
    let with_failure = cols.contains(&Col::Failure);
    // With the failure column, the procedure is only as wide as the widest on screen, and
    // keeps that only while the failure still gets 30.
    let room =
        if with_failure { left.saturating_sub(31).min(widest_procedure(on_screen)) } else { left };
    let mut proc_w = room.clamp(Col::Procedure.width(), 44);
    let fail_w = left.saturating_sub(proc_w + 1).max(Col::Failure.width());
    // Too narrow for all (40 columns): the procedure (down to 5), then the start (down to 7,
    // `31m ago`) give way before the outcome and the serial are cut.
    let need = fixed + proc_w + 1 + if with_failure { fail_w + 1 } else { 0 };
    let mut over = need.saturating_sub(area.width + 1);
    let give = over.min(proc_w.saturating_sub(5));
    (proc_w, over) = (proc_w - give, over - give);
    let started_w = Col::Started.width() - over.min(Col::Started.width() - 7);
    let wanted = |c: Col| match c {
        Col::Procedure => proc_w,
        Col::Failure => fail_w,
        Col::Started => started_w,
        c => own_w(c),
    };
    let widths: Vec<Constraint> = cols.iter().map(|c| Constraint::Length(wanted(*c))).collect();
    // What the table really gives each column (a view's own columns may not all fit), so
    // every cut is ours and marked.
    let given: Vec<u16> = Layout::horizontal(widths.clone())
        .flex(Flex::Start)
        .spacing(1)
        .split(area)
        .iter()
        .map(|r| r.width)
        .collect();
    let col_w =
        |c: Col| cols.iter().position(|x| *x == c).and_then(|i| given.get(i).copied()).unwrap_or(0);
    let header = Row::new(cols.iter().map(|c| {
        let mut t = title_of(app, *c);
        if c.sorted_by(&list.sort_by) {
            t.push_str(if list.sort_order == SortOrder::Desc { "↓" } else { "↑" });
        }
        Cell::from(fit(&t, col_w(*c) as usize))
    }))
    .style(theme.header());

    let body = Rect { y: area.y + 1, height: area.height.saturating_sub(1), ..area };
    if list.rows.is_empty() {
        frame.render_widget(Table::new(Vec::<Row>::new(), widths).header(header), area);
        let lines = if list.is_loading() {
            vec![Line::from(format!("{} Loading runs…", spinner(app.shared().now_ms())))]
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

    let rows: Vec<Row> = on_screen
        .iter()
        .enumerate()
        .map(|(i, row)| {
            let selected = list.offset + i == list.selected;
            let r = Row::new(cols.iter().map(|c| cell(app, row, *c, col_w(*c), selected, theme)));
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
