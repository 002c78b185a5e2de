//! The triage queue, a screen of its own: the run's two-line header, the queue line (where
//! in the queue, what was recorded), the phases tree at the first failure with that phase's
//! logs beside it (from 120 columns) or under it, the presets line and the message line.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::Areas;
use super::format::spinner;
use super::text::fit;
use super::theme::Theme;
use crate::app::run::{Load, Loaded};
use crate::app::triage::{Stage, TriagePane, text_of};
use crate::app::{App, layout};

pub(crate) fn render(app: &App, t: &TriagePane, frame: &mut Frame, areas: &Areas, theme: &Theme) {
    body(app, t, frame, areas.body, theme);
    status(app, t, frame, areas.status, theme);
}

fn lines(frame: &mut Frame, area: Rect, lines: Vec<Line>) {
    frame.render_widget(Paragraph::new(lines), area);
}

fn body(app: &App, t: &TriagePane, frame: &mut Frame, area: Rect, theme: &Theme) {
    let w = area.width as usize;
    let now = app.shared().now_ms();
    match &t.stage {
        Stage::Checking(c) => {
            let text = format!(
                " {} Triage: reading which failing runs have a `{}` disposition… {} runs read",
                spinner(now),
                t.settings.key,
                c.read
            );
            return lines(frame, area, vec![Line::from(fit(&text, w))]);
        }
        Stage::Failed(e) => {
            return lines(frame, area, vec![Line::styled(fit(&format!(" {e}"), w), theme.error())]);
        }
        Stage::Ready => {}
    }
    let [head, queue, main, presets, message] = Layout::vertical([
        Constraint::Length(layout::RUN_HEADER),
        Constraint::Length(layout::TRIAGE_HEAD - layout::RUN_HEADER),
        Constraint::Fill(1),
        Constraint::Length(1),
        Constraint::Length(layout::TRIAGE_FOOT - 1),
    ])
    .areas(area);
    queue_line(t, frame, queue, theme);
    presets_line(t, frame, presets, theme);
    message_line(t, frame, message, theme);
    let run = t.run.as_ref();
    match run.map(|r| &r.load) {
        Some(Load::Ready(l)) => {
            super::run::header(app, &l.run, frame, head, theme);
            run_body(l, frame, main, theme, now);
        }
        Some(Load::Failed(e)) => lines(
            frame,
            main,
            vec![
                Line::styled(" Could not load this run", theme.error()),
                Line::from(fit(&format!(" {e}"), w)),
                Line::styled(" s skips it · b goes back · esc leaves", theme.dim()),
            ],
        ),
        _ => {
            let id = t.current().map_or("", |i| i.serial.as_str());
            lines(frame, head, vec![Line::from(format!(" {} Loading {id}…", spinner(now)))]);
        }
    }
}

/// `Triage 3 of 12 · 1 recorded · key triage · filter …`
fn queue_line(t: &TriagePane, frame: &mut Frame, area: Rect, theme: &Theme) {
    let n = t.items.len();
    let mut spans = vec![
        Span::styled(format!(" Triage {} of {n} ", (t.pos + 1).min(n)), theme.title()),
        Span::styled(format!(" {} recorded", t.recorded()), theme.accent()),
        Span::styled(format!(" · key {}", t.settings.key), theme.dim()),
    ];
    if !t.filter.is_empty() {
        spans.push(Span::styled(format!(" · {}", t.filter), theme.dim()));
    }
    let text: String = spans.iter().map(|s| s.content.as_ref()).collect();
    if super::text::width(&text) > area.width as usize {
        // The filter goes first, then the key: the position always shows.
        spans.truncate(2);
    }
    lines(frame, area, vec![Line::from(spans)]);
}

fn presets_line(t: &TriagePane, frame: &mut Frame, area: Rect, theme: &Theme) {
    let mut spans = vec![Span::raw(" ")];
    for (i, p) in t.settings.presets.iter().enumerate() {
        spans.push(Span::styled(format!("{}", i + 1), theme.key()));
        spans.push(Span::raw(format!(" {p}  ")));
    }
    spans.push(Span::styled("t", theme.key()));
    spans.push(Span::raw(" type one"));
    let text: String = spans.iter().map(|s| s.content.as_ref()).collect();
    if super::text::width(&text) > area.width as usize {
        // Too long for the screen: the presets as one fitted line, keys unstyled.
        return lines(frame, area, vec![Line::from(fit(&text, area.width as usize))]);
    }
    lines(frame, area, vec![Line::from(spans)]);
}

/// The prompt, the write in flight, its failure, or what this run has.
fn message_line(t: &TriagePane, frame: &mut Frame, area: Rect, theme: &Theme) {
    let w = area.width as usize;
    let line = if let Some(input) = &t.typing {
        // The end of a long text, where the cursor is, marked as cut.
        let room = w.saturating_sub(16);
        let value = input.value();
        let n = value.chars().count();
        let shown = if super::text::width(value) > room {
            let tail: String =
                value.chars().skip(n.saturating_sub(room.saturating_sub(1))).collect();
            format!("…{tail}")
        } else {
            value.to_string()
        };
        let mut spans = vec![
            Span::styled(" disposition: ", theme.accent()),
            Span::raw(shown),
            Span::styled("█", theme.key()),
        ];
        if let Some(why) = &t.invalid {
            let used: usize = spans.iter().map(|s| super::text::width(&s.content)).sum();
            spans.push(Span::styled(
                fit(&format!("  {why}"), w.saturating_sub(used)),
                theme.error(),
            ));
        }
        Line::from(spans)
    } else if let Some(s) = &t.saving {
        Line::styled(fit(&format!(" recording “{}”…", text_of(&s.value)), w), theme.warn())
    } else if let Some(e) = &t.error {
        Line::styled(fit(&format!(" {e}"), w), theme.error())
    } else if let Some(v) = t.current().and_then(|i| i.recorded.as_ref()) {
        Line::styled(
            fit(&format!(" recorded “{}” · a key records another", text_of(v)), w),
            theme.pass(),
        )
    } else {
        Line::styled(
            fit(" s skips · b goes back · esc leaves (what is recorded stays)", w),
            theme.dim(),
        )
    };
    lines(frame, area, vec![line]);
}

/// The tree beside (or above) the logs of the phase under its cursor.
fn run_body(l: &Loaded, frame: &mut Frame, area: Rect, theme: &Theme, now: i64) {
    let (tree_rows, _, side) = layout::triage_split(frame.area().width, frame.area().height);
    let [tree, logs] = if side {
        Layout::horizontal([Constraint::Percentage(45), Constraint::Fill(1)]).areas(area)
    } else {
        Layout::vertical([Constraint::Length(tree_rows as u16), Constraint::Fill(1)]).areas(area)
    };
    super::run::tree::render(&l.run, &l.tree, frame, tree, theme);
    if l.logs_pending {
        let text = format!(" {} Reading the logs…", spinner(now));
        return lines(frame, logs, vec![Line::from(text)]);
    }
    super::run::logs::render(l.log_lines(), &l.logs, l.run_start_ms, frame, logs, theme);
}

/// The flash, else where the cursor is among the run's failures.
fn status(app: &App, t: &TriagePane, frame: &mut Frame, area: Rect, theme: &Theme) {
    let w = area.width as usize;
    if let Some(text) = app.flash() {
        let line = Line::styled(fit(&format!(" {text}"), w), theme.accent());
        return lines(frame, area, vec![line]);
    }
    let Some(l) = t.run.as_ref().and_then(|r| r.loaded()) else { return };
    let at = l.tree.current();
    let fail = at
        .and_then(|i| l.tree.failures.iter().position(|&f| f == i))
        .map(|k| format!("failure {}/{} · ", k + 1, l.tree.failures.len()))
        .unwrap_or_default();
    let phase =
        l.logs.window.as_ref().map(|w| format!(" · logs of {}", w.label)).unwrap_or_default();
    let text = format!(" {fail}{}{phase}", l.tree.failing_text());
    lines(frame, area, vec![Line::styled(fit(&text, w), theme.dim())]);
}
