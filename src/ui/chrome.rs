//! The title bar, the status line and the keys line: what is shown, how fresh it is, and
//! what can be pressed now (from the keymap, so it cannot drift).

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::format::{count, relative, spinner};
use super::theme::Theme;
use crate::api::{SortBy, SortOrder, WireEnum};
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

pub fn title(app: &App, frame: &mut Frame, area: Rect, theme: &Theme) {
    let list = &app.list;
    let filter = if list.query.is_empty() { "all runs".to_string() } else { list.query.to_line() };
    let arrow = if list.sort_order == SortOrder::Desc { "↓" } else { "↑" };
    let mut right = format!(" sort: {} {arrow} ", sort_name(&list.sort_by));
    if let Some(ms) = list.live_ms {
        right.push_str(&format!("│ LIVE {}s ", ms / 1000));
    }
    let where_ = if app.session.demo {
        "demo".to_string()
    } else {
        app.session.url.trim_start_matches("https://").trim_end_matches('/').to_string()
    };
    let left = format!(" tofui │ {where_} │ {filter}");
    let width = area.width as usize;
    let room = width.saturating_sub(right.chars().count());
    let left = fit(&left, room);
    let pad = width.saturating_sub(left.chars().count() + right.chars().count());
    let line = Line::from(vec![Span::raw(left), Span::raw(" ".repeat(pad)), Span::raw(right)])
        .style(theme.title());
    frame.render_widget(Paragraph::new(line), area);
}

/// The views as tabs: number, name, runs loaded (`+` when more exist), `!` when live mode
/// found new failures there.
pub fn views(app: &App, frame: &mut Frame, area: Rect, theme: &Theme) {
    let mut spans = Vec::new();
    for (i, v) in app.views.iter().enumerate() {
        let l = if i == app.active { Some(&app.list) } else { v.saved.as_ref() };
        let count = match l {
            Some(l) if l.loaded => {
                format!(" {}{}", count(l.rows.len()), if l.has_more { "+" } else { "" })
            }
            Some(l) if l.is_loading() => " …".into(),
            _ => String::new(),
        };
        let text = format!(" {} {}{count} ", i + 1, v.name);
        spans.push(Span::styled(text, if i == app.active { theme.title() } else { theme.dim() }));
        if v.new_failures {
            spans.push(Span::styled("!", theme.error()));
        }
        spans.push(Span::styled("│", theme.dim()));
    }
    spans.pop();
    frame.render_widget(Paragraph::new(Line::from(spans)), area);
}

pub fn status(app: &App, frame: &mut Frame, area: Rect, theme: &Theme) {
    let list = &app.list;
    if let Some((text, _)) = &app.flash {
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
        spans.push(Span::raw(format!(" · {}", spinner(app.now_ms))));
    }
    if let Some(t) = list.updated_ms {
        spans.push(Span::styled(format!(" · updated {}", relative(t, app.now_ms)), theme.dim()));
    }
    // The problem goes last and is cut to what fits, keeping when the next try comes.
    let used: usize = spans.iter().map(|s| s.content.chars().count()).sum();
    let room = (area.width as usize).saturating_sub(used + 3);
    if let Some(first) = app.config_problems.first() {
        let more = if app.config_problems.len() > 1 {
            format!(" (+{} more in the log)", app.config_problems.len() - 1)
        } else {
            String::new()
        };
        let used: usize = spans.iter().map(|s| s.content.chars().count()).sum();
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
        let left = ((r.at_ms + r.delay_ms - app.now_ms).max(0) + 999) / 1000;
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

/// The footer's keys, as many as fit; the last ones (help, quit) are kept first.
pub fn keys(app: &App, mode: Mode, frame: &mut Frame, area: Rect, theme: &Theme) {
    let all = app.keymap.describe(mode, true);
    let width = |items: &[(String, &str)]| {
        items.iter().map(|(k, l)| k.chars().count() + 1 + l.chars().count() + 3).sum::<usize>()
    };
    let mut shown: Vec<(String, &str)> = all.clone();
    // Drop from the middle (less used keys) until it fits, keeping the first and last two.
    while width(&shown) > area.width as usize + 3 && shown.len() > 3 {
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
    frame.render_widget(Paragraph::new(Line::from(spans)), area);
}

/// `s` cut to `width` characters, ending in `…` when cut.
pub fn fit(s: &str, width: usize) -> String {
    if s.chars().count() <= width {
        return s.to_string();
    }
    let mut out: String = s.chars().take(width.saturating_sub(1)).collect();
    if width > 0 {
        out.push('…');
    }
    out
}
