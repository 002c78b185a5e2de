//! Rendering: a pure function of the app state. Nothing here changes state or does I/O. Each
//! pane has its module (`ui/<pane>.rs`, with `render(&App, &YourPane, frame, &Areas, theme)`),
//! declared with the one `match` that draws it by the registry's lines (`app::registry!`), so
//! a pane adds no line here; `render` lays the screen out with the row counts of
//! `app::layout` and draws the runs list or the topmost screen pane, then every pane open over
//! it, bottom to top.

mod ascii;
mod blocked;
mod branches;
mod chrome;
pub mod format;
mod gauge;
mod insight;
mod list_chrome;
mod list_columns;
mod runs;
mod text;
mod theme;
mod two_way;

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};

use crate::app::{App, Mode, Pane, layout, registry};
use theme::Theme;

/// Where panes draw, and what is under them.
pub(crate) struct Areas {
    /// The rows between the title (and the views' tabs) and the `/` line.
    pub body: Rect,
    /// The `/` or `:` line and the line under it.
    pub bar: Rect,
    /// The body and the bar: where overlays go.
    pub over: Rect,
    pub status: Rect,
    pub whole: Rect,
    /// The mode of what is under the pane (the `?` overlay lists its keys).
    pub under: Mode,
}

pub fn render(app: &App, frame: &mut Frame) {
    draw(app, frame);
    text::scrub(frame.buffer_mut());
    if app.shared().settings().glyphs.is_ascii() {
        let area = frame.area();
        ascii::downgrade(frame.buffer_mut(), area);
    }
}

fn draw(app: &App, frame: &mut Frame) {
    let theme = Theme::for_app(app.shared());
    let whole = frame.area();
    if let Some(why) = &app.shared().session().blocked {
        blocked::render(&app.shared().session().url, why, frame, whole, &theme);
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
    // Where the pane at `i` in the stack draws.
    let at = |i| Areas { body, bar, over, status, whole, under: app.mode_under(i) };
    chrome::title(app, frame, title, &theme);
    match screen {
        Some(i) => pane(app, &stack[i], frame, &at(i), &theme),
        None => {
            list_chrome::tabs(&app.runs, frame, tabs, &theme);
            runs::render(app, frame, body, &theme);
            list_chrome::status(app, frame, status, &theme);
        }
    }
    chrome::keys(app, app.footer_mode(), frame, keys, &theme);
    let first = screen.map_or(0, |i| i + 1);
    for (i, p) in stack.iter().enumerate().skip(first) {
        pane(app, p, frame, &at(i), &theme);
    }
}

/// From the registry's lines: each pane's module, and `pane`, the one `match` that draws one.
macro_rules! ui_panes {
    ($($(#[$doc:meta])* $name:ident($m:ident::$ty:ident) $kind:ident $acc:ident,)*) => {
        $(mod $m;)*

        fn pane(app: &App, p: &Pane, frame: &mut Frame, a: &Areas, theme: &Theme) {
            match p {
                $(Pane::$name(x) => $m::render(app, x, frame, a, theme),)*
            }
        }
    };
}

registry!(ui_panes);
