//! The title bar and the keys line: what is shown, and what can be pressed now (from the
//! keymap, so it cannot drift).

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::text::{fit, fit_line, width as columns};
use super::theme::Theme;
use crate::api::{SortBy, SortOrder, WireEnum};
use crate::app::action::Action;
use crate::app::{App, Mode};

fn sort_name(s: &SortBy) -> &str {
    match s {
        SortBy::StartedAt => "started",
        SortBy::CreatedAt => "created",
        SortBy::Duration => "duration",
        SortBy::Outcome => "outcome",
        SortBy::SerialNumber => "serial",
        SortBy::PartNumber => "part",
        SortBy::RevisionNumber => "revision",
        other => other.as_str(),
    }
}

pub(crate) fn title(app: &App, frame: &mut Frame, area: Rect, theme: &Theme) {
    let list = app.list();
    let filter = if list.query.is_empty() { "all runs".to_string() } else { list.query.to_line() };
    let arrow = if list.sort_order == SortOrder::Desc { "↓" } else { "↑" };
    let mut right = format!(" sort: {} {arrow} ", sort_name(&list.sort_by));
    if let Some(ms) = list.live_ms {
        right.push_str(&format!("│ LIVE {}s ", ms / 1000));
    }
    let session = app.shared().session();
    let where_ = if session.demo {
        "demo".to_string()
    } else {
        session.url.trim_start_matches("https://").trim_end_matches('/').to_string()
    };
    let left = format!(" tofui │ {where_} │ {filter}");
    let width = area.width as usize;
    let room = width.saturating_sub(columns(&right));
    let left = fit(&left, room);
    let pad = width.saturating_sub(columns(&left) + columns(&right));
    let line = Line::from(vec![Span::raw(left), Span::raw(" ".repeat(pad)), Span::raw(right)])
        .style(theme.title());
    frame.render_widget(Paragraph::new(line), area);
}

/// The footer's keys, as many as fit; the last ones (help, quit) are kept first.
pub(crate) fn keys(app: &App, mode: Mode, frame: &mut Frame, area: Rect, theme: &Theme) {
    let mut all = super::ascii::key_names(app.shared().keymap().describe(mode, true), theme.ascii);
    // On a drilled-down list, `q` (its binding as it is, remapped or not) goes back to the pane
    // it came from.
    if mode == Mode::List && app.drilled().is_some() {
        let table = app.shared().keymap().table(Mode::List);
        let back: Vec<String> = table
            .iter()
            .filter(|b| b.action == Action::BackOrQuit)
            .map(|b| b.key.label())
            .collect();
        for (k, label) in &mut all {
            if back.contains(k) {
                *label = "back";
            }
        }
    }
    let width = |items: &[(String, &str)]| {
        items.iter().map(|(k, l)| columns(k) + 1 + columns(l) + 3).sum::<usize>()
    };
    let mut shown: Vec<(String, &str)> = all.clone();
    let fits = |items: &[(String, &str)]| width(items) <= area.width as usize + 3;
    // Moving keys go first (every list has them); a footer that lost keys ends in `? more`.
    let moving = ["down", "up", "first", "last", "page down", "page up"];
    while !fits(&shown) && shown.iter().any(|(_, l)| moving.contains(l)) {
        let at = shown.iter().position(|(_, l)| moving.contains(l)).unwrap_or(0);
        shown.remove(at);
    }
    let help = shown.iter().position(|(_, l)| *l == "help");
    if let Some(at) = help.filter(|_| !fits(&shown) || shown.len() < all.len()) {
        let (k, _) = shown.remove(at);
        shown.push((k, "more"));
    }
    // Then from the middle (less used keys), keeping the first and last two.
    while !fits(&shown) && shown.len() > 3 {
        let at = shown.len() - 3;
        shown.remove(at);
    }
    let mut spans = Vec::new();
    for (i, (k, label)) in shown.into_iter().enumerate() {
        if i > 0 {
            spans.push(Span::styled(" · ", theme.dim()));
        }
        spans.push(Span::styled(k, theme.key()));
        spans.push(Span::raw(format!(" {label}")));
    }
    frame.render_widget(Paragraph::new(fit_line(Line::from(spans), area.width as usize)), area);
}
