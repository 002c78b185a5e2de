//! Rendering: a pure function of the app state. Nothing here changes state or does I/O.

pub mod chrome;
pub mod detail;
mod dialogs;
mod filter;
mod form;
pub mod format;
pub mod list;
mod overlay;
pub mod theme;

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};

use crate::app::{App, Mode};
use theme::Theme;

pub fn render(app: &App, frame: &mut Frame) {
    let theme = Theme::with_palette(app.no_color, app.palette);
    let area = frame.area();
    if let Some(why) = &app.session.blocked {
        overlay::blocked(app, why, frame, area, &theme);
        return;
    }
    let filter_h = if app.filter.is_some() || app.command.is_some() { 2 } else { 0 };
    let tabs_h = if app.detail.is_none() { 1 } else { 0 };
    let [title, tabs, body, filter_area, status, keys] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Length(tabs_h),
        Constraint::Fill(1),
        Constraint::Length(filter_h),
        Constraint::Length(1),
        Constraint::Length(1),
    ])
    .areas(area);
    chrome::title(app, frame, title, &theme);
    if tabs_h > 0 {
        chrome::views(app, frame, tabs, &theme);
    }
    let mode = app.mode();
    let under = if mode == Mode::Help {
        if app.editor.is_some() {
            Mode::Editor
        } else {
            app.detail.as_ref().map_or(Mode::List, |d| app.run_mode_of(d))
        }
    } else {
        mode
    };
    match &app.detail {
        Some(d) => detail::render(app, d, frame, body, &theme),
        None => list::render(app, frame, body, &theme),
    }
    if let Some(bar) = &app.filter {
        filter::render(bar, frame, filter_area, &theme);
    }
    if let Some(bar) = &app.command {
        filter::command(bar, frame, filter_area, &theme);
    }
    if let Some(form) = &app.form {
        let r = Rect { y: body.y, height: body.height + filter_h, ..body };
        form::render(form, frame, r, &theme);
    }
    match &app.detail {
        Some(d) => detail::status(app, d, frame, status, &theme),
        None => chrome::status(app, frame, status, &theme),
    }
    chrome::keys(app, under, frame, keys, &theme);
    let over = Rect { y: body.y, height: body.height + filter_h, ..body };
    if let Some(ed) = &app.editor {
        dialogs::editor(ed, frame, over, &theme);
    }
    if let Some(u) = &app.upload {
        dialogs::upload(u, frame, over, &theme);
    }
    if let Some(d) = &app.delete {
        dialogs::delete(d, frame, over, &theme);
    }
    if let Some(q) = app.ask {
        dialogs::ask(app, q, frame, over, &theme);
    }
    if mode == Mode::Help {
        overlay::help(app, under, frame, area, &theme);
    }
}
