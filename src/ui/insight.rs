//! What the insight panes' screens share (the yield and the Pareto): the first line, with the
//! pane's name, the population's filter and the load's progress on the right.

use ratatui::text::{Line, Span};

use super::format::{count, relative, spinner};
use super::text::fit;
use super::theme::Theme;
use crate::app::App;
use crate::app::insight::InsightLoad;

fn progress(app: &App, l: &InsightLoad) -> String {
    match l.offline_since {
        Some(t) => {
            format!("OFFLINE · cached {} · {}", relative(t, app.shared.now_ms), counts(app, l))
        }
        None => counts(app, l),
    }
}

fn counts(app: &App, l: &InsightLoad) -> String {
    let n = count(l.loaded);
    if let Some(p) = l.per_run.as_ref().filter(|_| l.loading()) {
        let (read, of) = (count(p.read), count(p.of));
        format!(
            "{} {n} runs, reading failing runs one by one: {read} of {of}…",
            spinner(app.shared.now_ms)
        )
    } else if l.loading() && l.runs_done {
        format!("{} {n} runs, loading failing steps…", spinner(app.shared.now_ms))
    } else if l.loading() {
        format!("{} {n} runs loaded…", spinner(app.shared.now_ms))
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
        Span::styled(
            right,
            if l.capped || l.offline_since.is_some() { theme.warn() } else { theme.dim() },
        ),
    ])
}
