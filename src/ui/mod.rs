//! Rendering: a pure function of the app state. Nothing here changes state or does I/O. Each
//! pane has its module (`ui/<pane>.rs`); `render` lays the screen out with the row counts
//! of `app::layout` and draws the runs list or the topmost screen pane, then every pane open
//! over it, bottom to top.

mod ascii;
mod ask;
mod blocked;
mod branches;
mod chrome;
mod command;
mod create;
mod delete;
mod editor;
mod explain;
mod filter;
mod form;
pub mod format;
mod gauge;
mod help;
mod insight;
mod list_chrome;
mod list_columns;
mod pareto;
mod retest;
mod run;
mod runs;
mod serial;
mod text;
mod theme;
mod trend;
mod trend_series;
mod triage;
mod two_way;
mod unit;
mod upload;
mod yields;

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};

use crate::app::{App, Pane, layout};
use theme::Theme;

/// Where panes draw.
pub(crate) struct Areas {
    /// The rows between the title (and the views' tabs) and the `/` line.
    pub body: Rect,
    /// The `/` or `:` line and the line under it.
    pub bar: Rect,
    /// The body and the bar: where overlays go.
    pub over: Rect,
    pub status: Rect,
    pub whole: Rect,
}

pub fn render(app: &App, frame: &mut Frame) {
    draw(app, frame);
    text::scrub(frame.buffer_mut());
    if app.shared.glyphs.is_ascii() {
        let area = frame.area();
        ascii::downgrade(frame.buffer_mut(), area);
    }
}

fn draw(app: &App, frame: &mut Frame) {
    let theme = Theme::for_app(&app.shared);
    let whole = frame.area();
    if let Some(why) = &app.shared.session.blocked {
        blocked::render(&app.shared.session.url, why, frame, whole, &theme);
        return;
    }
    let stack = app.stack();
    // The topmost pane that is a screen of its own; what is above it is drawn over it.
    let screen = stack.iter().rposition(Pane::is_screen);
    let tabs_h = if screen.is_none() { layout::VIEW_TABS } else { 0 };
    let [title, tabs, body, bar, status, keys] = Layout::vertical([
        Constraint::Length(layout::TITLE),
        Constraint::Length(tabs_h),
        Constraint::Fill(1),
        Constraint::Length(app.bar_rows()),
        Constraint::Length(layout::STATUS),
        Constraint::Length(layout::KEYS),
    ])
    .areas(whole);
    let over = Rect { height: body.height + bar.height, ..body };
    let areas = Areas { body, bar, over, status, whole };
    chrome::title(app, frame, title, &theme);
    match screen.map(|i| &stack[i]) {
        Some(p) => pane(app, p, frame, &areas, &theme),
        None => {
            list_chrome::tabs(&app.runs, frame, tabs, &theme);
            runs::render(app, frame, body, &theme);
            list_chrome::status(app, frame, status, &theme);
        }
    }
    chrome::keys(app, app.footer_mode(), frame, keys, &theme);
    let first = screen.map_or(0, |i| i + 1);
    for (i, p) in stack.iter().enumerate().skip(first) {
        match p {
            Pane::Help(h) => help::render(app, h, app.mode_under(i), frame, whole, &theme),
            p => pane(app, p, frame, &areas, &theme),
        }
    }
}

/// Draws one pane: the one `match` over the panes.
fn pane(app: &App, p: &Pane, frame: &mut Frame, a: &Areas, theme: &Theme) {
    match p {
        Pane::Run(r) => run::render(app, r, frame, a, theme),
        Pane::Filter(f) => filter::render(f, frame, a.bar, theme),
        Pane::Command(c) => command::render(c, frame, a.bar, theme),
        Pane::Form(f) => form::render(f, frame, a.over, theme),
        Pane::Create(c) => create::render(c, frame, a.over, theme),
        Pane::Editor(e) => editor::render(e, frame, a.over, theme),
        Pane::Delete(d) => delete::render(app, d, frame, a.over, theme),
        Pane::Upload(u) => upload::render(u, frame, a.over, theme),
        Pane::Ask(q) => ask::render(app, q, frame, a.over, theme),
        Pane::Help(h) => help::render(app, h, app.footer_mode(), frame, a.whole, theme),
        Pane::Serial(s) => serial::render(s, frame, a.bar, theme),
        Pane::Unit(u) => unit::render(app, u, frame, a, theme),
        Pane::Retest(r) => retest::render(app, r, frame, a, theme),
        Pane::Yield(y) => yields::render(app, y, frame, a, theme),
        Pane::Pareto(x) => pareto::render(app, x, frame, a, theme),
        Pane::Triage(t) => triage::render(app, t, frame, a, theme),
        Pane::Explain(x) => explain::render(app, x, frame, a, theme),
        Pane::Trend(x) => trend::render(app, x, frame, a, theme),
    }
}
