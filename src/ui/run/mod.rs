//! The run view: a two-line header, the tab bar, the tab's body, and the status line.

mod chart;
mod info;
mod legend;
pub(super) mod logs;
mod tables;
pub(super) mod tree;
pub(crate) mod values;

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::Areas;
use super::format::{absolute_short, duration, relative, spinner};
use super::text::{fit, fit_line, width};
use super::theme::{Theme, outcome_label};
use crate::api::time::{parse_duration_ms, to_ms};
use crate::api::{RunDetail, WireEnum};
use crate::app::run::tree::NodeKind;
use crate::app::run::{Load, Loaded, RunPane, TABS, Tab};
use crate::app::{App, layout};

pub(super) fn header(app: &App, d: &RunDetail, frame: &mut Frame, area: Rect, theme: &Theme) {
    let s = &d.summary;
    let u = &s.unit;
    let sample = u.sample.as_ref().map(|x| format!(" [{}]", x.as_str())).unwrap_or_default();
    let batch = u.batch.as_ref().map(|b| format!("  batch {}", b.number)).unwrap_or_default();
    let l1 = Line::from(vec![
        Span::styled(
            format!(" {} ", outcome_label(s.outcome.as_ref())),
            theme.outcome(s.outcome.as_ref()),
        ),
        Span::styled(format!(" {}{sample}", u.serial_number), theme.header()),
        Span::raw(format!("  {}/{} {}{batch}", u.part.number, u.part.revision.number, u.part.name)),
    ]);
    let version = s.procedure.version.as_ref().map(|v| format!(" {}", v.tag)).unwrap_or_default();
    let station =
        s.created_by_station.as_ref().and_then(|st| st.name.clone()).unwrap_or_else(|| "—".into());
    let op = s
        .operated_by
        .as_ref()
        .and_then(|o| o.name.clone().or(o.email.clone()))
        .map(|o| format!(" · op. {o}"))
        .unwrap_or_default();
    let started = s
        .started_at
        .as_ref()
        .map(|t| {
            format!(
                " · {} ({})",
                absolute_short(to_ms(t), app.shared().now_ms(), app.shared().tz()),
                relative(to_ms(t), app.shared().now_ms())
            )
        })
        .unwrap_or_default();
    let dur = s
        .duration
        .as_deref()
        .and_then(|x| parse_duration_ms(x).ok())
        .map(|m| format!(" · {}", duration(m)))
        .unwrap_or_default();
    let l2 = Line::from(vec![
        Span::styled(marks(app, &s.id), theme.warn()),
        Span::styled(
            format!(" {}{version} · {station}{op}{started}{dur}", s.procedure.name),
            theme.dim(),
        ),
    ]);
    let w = area.width as usize;
    frame.render_widget(Paragraph::new(vec![fit_line(l1, w), fit_line(l2, w)]), area);
}

/// What the header says first (issue 26): the run is the local cache's (how old, and whether
/// the server could not be reached), and changes to it wait in the outbox.
fn marks(app: &App, run_id: &str) -> String {
    let now = app.shared().now_ms();
    let mut out = String::new();
    if let Some(k) = app.shared().run_cache().kept_mark(run_id) {
        let age = relative(k.fetched_ms, now);
        out += &match &k.problem {
            None => format!(" cached {age} · refreshing ·"),
            Some(e) if e.is_offline() => format!(" OFFLINE · cached {age} ·"),
            Some(_) => format!(" cached {age} · not refreshed ·"),
        };
    }
    let pending = app.shared().outbox().pending_for(run_id).len();
    if pending > 0 {
        let s = if pending == 1 { "" } else { "s" };
        out += &format!(" {pending} change{s} pending in the outbox ·");
    }
    out
}

fn tab_bar(l: &Loaded, tab: Tab, frame: &mut Frame, area: Rect, theme: &Theme) {
    let r = &l.run;
    let counts = [
        // Failing phases: the tab lists phases.
        if l.tree.failing.0 == 0 { String::new() } else { format!(" {}✗", l.tree.failing.0) },
        if l.logs_pending { " …".into() } else { format!(" {}", l.log_lines().len()) },
        format!(" {}", r.attachments.as_ref().map_or(0, Vec::len)),
        format!(" {}", r.sub_units.as_ref().map_or(0, Vec::len)),
        format!(" {}", r.summary.metadata.as_ref().map_or(0, |m| m.len())),
        String::new(),
    ];
    let narrow = area.width < 100;
    let mut spans = Vec::new();
    for (i, (t, c)) in TABS.iter().zip(counts).enumerate() {
        let title = if narrow { t.short() } else { t.title() };
        let text = format!(" {} {title}{c} ", i + 1);
        spans.push(Span::styled(text, if *t == tab { theme.title() } else { theme.dim() }));
        spans.push(Span::raw("│"));
    }
    spans.pop();
    frame.render_widget(Paragraph::new(fit_line(Line::from(spans), area.width as usize)), area);
}

/// The run view in the body, and its status line.
pub(crate) fn render(app: &App, d: &RunPane, frame: &mut Frame, areas: &Areas, theme: &Theme) {
    body(app, d, frame, areas.body, theme);
    status(app, d, frame, areas.status, theme);
}

fn body(app: &App, d: &RunPane, frame: &mut Frame, area: Rect, theme: &Theme) {
    let now = app.shared().now_ms();
    let l = match &d.load {
        Load::Ready(l) => l,
        Load::Loading => {
            let mut lines =
                vec![Line::from(format!(" {} Loading run {}…", spinner(now), d.run_id))];
            if let Some(r) = &d.retry {
                lines.push(Line::styled(format!(" {r}"), theme.warn()));
            }
            frame.render_widget(Paragraph::new(lines), area);
            return;
        }
        Load::Failed(e) => {
            let lines = vec![
                Line::styled(" Could not load this run", theme.error()),
                Line::from(format!(" {e}")),
                Line::styled(" r retries · esc goes back", theme.dim()),
            ];
            // The error whole, over as many rows as it takes.
            let wrap = ratatui::widgets::Wrap { trim: false };
            frame.render_widget(Paragraph::new(lines).wrap(wrap), area);
            return;
        }
    };
    let [head, tabs, body] = Layout::vertical([
        Constraint::Length(layout::RUN_HEADER),
        Constraint::Length(layout::RUN_TABS),
        Constraint::Fill(1),
    ])
    .areas(area);
    header(app, &l.run, frame, head, theme);
    tab_bar(l, d.tab, frame, tabs, theme);
    if let Some((p, m)) = l.chart {
        if let Some(meas) =
            l.run.phases.as_deref().and_then(|ph| ph.get(p)).and_then(|ph| ph.measurements.get(m))
        {
            chart::render(meas, frame, body, theme);
        }
        return;
    }
    match d.tab {
        Tab::Phases => tree::render(&l.run, &l.tree, frame, body, theme),
        Tab::Logs if l.logs_pending => frame.render_widget(
            Paragraph::new(Line::from(format!(" {} Reading the logs…", spinner(now)))),
            body,
        ),
        Tab::Logs => logs::render(l.log_lines(), &l.logs, l.run_start_ms, frame, body, theme),
        Tab::Attachments => tables::attachments(app.downloads(), l, frame, body, theme),
        Tab::SubUnits => tables::sub_units(l, frame, body, theme),
        Tab::Metadata => {
            let pending = app.shared().outbox().pending_for(&d.run_id);
            tables::metadata(l, &pending, frame, body, theme)
        }
        Tab::Info => info::render(app.shared(), l, frame, body, theme),
    }
}

/// The run view's status line: where the cursor is, or the last message.
fn status(app: &App, d: &RunPane, frame: &mut Frame, area: Rect, theme: &Theme) {
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
    let Some(l) = d.loaded() else { return };
    let text = match d.tab {
        Tab::Phases => {
            let at = l.tree.current();
            let what = at.map(|i| match l.tree.nodes[i as usize].kind {
                NodeKind::Sequence(_) => "sequence",
                NodeKind::Phase(_) => "phase",
                NodeKind::Measurement { .. } => "measurement",
                NodeKind::Validator { .. } => "limit",
                NodeKind::Aggregation { .. } => "aggregation",
            });
            let fail = at
                .and_then(|i| l.tree.failures.iter().position(|&f| f == i))
                .map(|k| format!(" · failure {}/{}", k + 1, l.tree.failures.len()))
                .unwrap_or_default();
            if l.tree.visible.is_empty() {
                return frame.render_widget(
                    Paragraph::new(Line::styled(" this run has no phases", theme.dim())),
                    area,
                );
            }
            format!(
                " {}/{} {}{fail} · {}",
                l.tree.view.cursor + 1,
                l.tree.visible.len(),
                what.unwrap_or(""),
                l.tree.failing_text()
            )
        }
        Tab::Logs => {
            // The selected line's whole message, as far as the screen allows: rows cut it.
            let msg = l
                .logs
                .visible
                .get(l.logs.view.cursor)
                .and_then(|&i| l.log_lines().get(i as usize))
                .map(|x| x.message.as_str())
                .unwrap_or("");
            let head = format!(
                " {}/{} ",
                (l.logs.view.cursor + 1).min(l.logs.visible.len()),
                l.logs.visible.len()
            );
            let room = (area.width as usize).saturating_sub(width(&head));
            format!("{head}{}", fit(msg, room))
        }
        _ => String::new(),
    };
    frame.render_widget(
        Paragraph::new(Line::styled(fit(&text, area.width as usize), theme.dim())),
        area,
    );
}
