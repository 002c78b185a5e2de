//! What the insight panes' screens share (the yield and the Pareto): the first line, with the
//! pane's name, the population's filter and the load's progress on the right.

use ratatui::text::{Line, Span};

use super::format::{count, relative, spinner};
use super::text::fit;
use super::theme::Theme;
use crate::app::App;
use crate::app::insight::InsightLoad;

fn progress(app: &App, l: &InsightLoad) -> String {
    format!("{}{}", offline_mark(app, l), counts(app, l))
}

/// What an insight pane's progress starts with when its runs are the local cache's (the
/// server could not be reached): `OFFLINE · cached 3h ago · `.
pub(super) fn offline_mark(app: &App, l: &InsightLoad) -> String {
    let age = |t| relative(t, app.shared().now_ms());
    l.offline_since.map(|t| format!("OFFLINE · cached {} · ", age(t))).unwrap_or_default()
}

/// The progress's style: a warning when more runs match than were loaded, or when they are
/// the local cache's.
pub(super) fn progress_style(l: &InsightLoad, theme: &Theme) -> ratatui::style::Style {
    if l.capped || l.offline_since.is_some() { theme.warn() } else { theme.dim() }
}

fn counts(app: &App, l: &InsightLoad) -> String {
    let n = count(l.loaded);
    if let Some(p) = l.per_run.as_ref().filter(|_| l.loading()) {
        let (read, of) = (count(p.read), count(p.of));
        format!(
            "{} {n} runs, reading failing runs one by one: {read} of {of}…",
            spinner(app.shared().now_ms())
        )
    } else if l.loading() && l.runs_done {
        format!("{} {n} runs, loading failing steps…", spinner(app.shared().now_ms()))
    } else if l.loading() {
        format!("{} {n} runs loaded…", spinner(app.shared().now_ms()))
    } else if l.capped {
        format!("the newest {n} runs (more match)")
    } else {
        format!("{n} runs")
    }
}

/// An insight pane's first line: its name and the filter, the load's progress on the right.
pub(super) fn title_line(
    app: &App,
    name: &str,
    l: &InsightLoad,
    w: usize,
    theme: &Theme,
) -> Line<'static> {
    let filter = l.heading();
    let right = format!(" {} ", progress(app, l));
    let left = fit(&format!(" {name} · {filter}"), w.saturating_sub(right.chars().count()));
    let gap = w.saturating_sub(left.chars().count() + right.chars().count());
    Line::from(vec![
        Span::styled(left, theme.header()),
        Span::raw(" ".repeat(gap)),
        Span::styled(right, progress_style(l, theme)),
    ])
}
