//! Around the runs table: the views' tab bar and the status line under the list.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::format::{count, relative, spinner};
use super::text::{fit, fit_line, width};
use super::theme::Theme;
use crate::app::runs::export_all::Stage;
use crate::app::{Action, App, Mode, RunsPane};

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
        // `*`: the view shows another filter or sort than its saved one.
        let edited = if runs.modified(i) { "*" } else { "" };
        spans.push(Span::styled(format!(" {} {}{edited}{count}", i + 1, v.name), style));
        if v.new_failures {
            spans.push(Span::styled(" ", style));
            spans.push(Span::styled("!", theme.error()));
        }
        spans.push(Span::styled(" ", style));
        spans.push(Span::styled("│", theme.dim()));
    }
    spans.pop();
    frame.render_widget(Paragraph::new(fit_line(Line::from(spans), area.width as usize)), area);
}

/// ` 3 marked (M clears) ·` when runs are marked, with the key that clears them.
fn marked(app: &App) -> String {
    let n = app.list().marked.len();
    if n == 0 {
        return String::new();
    }
    let keys = app.shared().keymap().table(Mode::List);
    match keys.iter().find(|b| b.action == Action::ClearMarks) {
        Some(b) => format!(" {n} marked ({} clears) ·", b.key.label()),
        None => format!(" {n} marked ·"),
    }
}

/// The list's status line: where the selection is, how fresh the rows are, what went wrong.
pub(crate) fn status(app: &App, frame: &mut Frame, area: Rect, theme: &Theme) {
    let list = app.list();
    let (now, problems) = (app.shared().now_ms(), &app.shared().settings().config_problems);
    // The marks first, whatever else the line says: a bulk change acts on them.
    let marked = marked(app);
    // `:export!` on its way: how far, and how to stop it.
    if let Some(e) = &app.runs.exporting {
        let text = match e.stage {
            Stage::Rows => format!(
                " {} exporting every match to {}: {} runs so far · esc cancels",
                spinner(now),
                e.path,
                count(e.rows.len())
            ),
            Stage::Failures { read, of } => format!(
                " {} exporting to {}: reading first failures, {} of {} runs · esc cancels",
                spinner(now),
                e.path,
                count(read),
                count(of)
            ),
        };
        let text = fit(&text, (area.width as usize).saturating_sub(width(&marked)));
        let line =
            Line::from(vec![Span::styled(marked, theme.key()), Span::styled(text, theme.accent())]);
        frame.render_widget(Paragraph::new(line), area);
        return;
    }
    if let Some(text) = app.flash() {
        let text = fit(&format!(" {text}"), (area.width as usize).saturating_sub(width(&marked)));
        let line =
            Line::from(vec![Span::styled(marked, theme.key()), Span::styled(text, theme.accent())]);
        frame.render_widget(Paragraph::new(line), area);
        return;
    }
    let mut spans: Vec<Span> = vec![Span::styled(marked, theme.key())];
    let n = list.rows.len();
    // Rows from the local cache: how old, and whether the server's are coming or cannot.
    match (list.cached_ms, list.stale) {
        (Some(t), true) => spans
            .push(Span::styled(format!(" OFFLINE · cached {} ·", relative(t, now)), theme.warn())),
        (Some(t), false) => spans.push(Span::styled(
            format!(" cached {} · refreshing ·", relative(t, now)),
            theme.dim(),
        )),
        (None, true) => spans.push(Span::styled(" STALE", theme.warn())),
        (None, false) => {}
    }
    // Changes saved offline, waiting for the server (`:outbox`).
    let outbox = app.shared().outbox().entries().len();
    if outbox > 0 {
        spans.push(Span::styled(format!(" outbox {outbox} ·"), theme.warn()));
    }
    if n > 0 {
        spans.push(Span::raw(format!(" {}/{}", count(list.selected + 1), count(n))));
        let tail = match (list.has_more, list.trimmed) {
            (true, _) => " more…",
            (false, true) => " newest (r reloads older)",
            (false, false) => " all",
        };
        spans.push(Span::styled(tail, theme.dim()));
    } else {
        spans.push(Span::raw(" 0 runs"));
    }
    if let Some(what) = app.drilled() {
        spans.push(Span::styled(format!(" · {what} · esc goes back"), theme.accent()));
    }
    if list.fresh_count > 0 {
        spans.push(Span::styled(format!(" · {} new", list.fresh_count), theme.accent()));
    }
    if list.is_loading() || list.live_pending.is_some() {
        spans.push(Span::raw(format!(" · {}", spinner(now))));
    }
    if let Some(t) = list.updated_ms.filter(|_| list.cached_ms.is_none()) {
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
        frame.render_widget(Paragraph::new(fit_line(Line::from(spans), area.width as usize)), area);
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
    frame.render_widget(Paragraph::new(fit_line(Line::from(spans), area.width as usize)), area);
}
