//! The `?` overlay (every key of the view underneath, from the keymap) and the screen shown
//! when there is no usable API key.

use ratatui::Frame;
use ratatui::layout::{Constraint, Flex, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Paragraph, Wrap};

use super::theme::Theme;
use crate::app::{App, Blocked, Mode};

/// A `w`×`h` box in the middle of `area`.
pub(crate) fn centered(area: Rect, w: u16, h: u16) -> Rect {
    let [v] =
        Layout::vertical([Constraint::Length(h.min(area.height))]).flex(Flex::Center).areas(area);
    let [r] =
        Layout::horizontal([Constraint::Length(w.min(area.width))]).flex(Flex::Center).areas(v);
    r
}

pub fn help(app: &App, under: Mode, frame: &mut Frame, area: Rect, theme: &Theme) {
    let keys = app.keymap.describe(under, false);
    let kw = keys.iter().map(|(k, _)| k.chars().count()).max().unwrap_or(0);
    let lw = keys.iter().map(|(_, l)| l.chars().count()).max().unwrap_or(0);
    let entry = |(k, l): &(String, &'static str)| {
        vec![Span::styled(format!(" {k:>kw$}  "), theme.key()), Span::raw(format!("{l:<lw$}"))]
    };
    // Two columns when one does not fit the screen's height.
    let room = area.height.saturating_sub(4) as usize;
    let cols = if keys.len() > room { 2 } else { 1 };
    let per = keys.len().div_ceil(cols);
    let mut lines: Vec<Line> = (0..per)
        .map(|i| {
            let mut spans = entry(&keys[i]);
            if cols == 2
                && let Some(k) = keys.get(i + per)
            {
                spans.push(Span::raw("  "));
                spans.extend(entry(k));
            }
            Line::from(spans)
        })
        .collect();
    lines.push(Line::styled(" mouse wheel scrolls · esc closes", theme.dim()));
    let w = lines.iter().map(|l| l.width() as u16).max().unwrap_or(20) + 4;
    let r = centered(area, w.max(30), lines.len() as u16 + 2);
    frame.render_widget(Clear, r);
    let title = match under {
        Mode::Tree => " Keys: run phases ",
        Mode::Logs => " Keys: run logs ",
        Mode::Attachments => " Keys: attachments ",
        Mode::Chart => " Keys: chart ",
        Mode::Editor => " Keys: metadata editor ",
        m if m.in_run() => " Keys: run ",
        _ => " Keys: runs list ",
    };
    frame.render_widget(Paragraph::new(lines).block(Block::bordered().title(title)), r);
}

pub fn blocked(app: &App, why: &Blocked, frame: &mut Frame, area: Rect, theme: &Theme) {
    let url = &app.session.url;
    let mut lines = match why {
        Blocked::NoKey => vec![
            Line::styled("No TofuPilot API key", theme.error()),
            Line::from(""),
            Line::from(format!("tofui needs an API key to read runs from {url}.")),
            Line::from(""),
            Line::from("Set it in the environment:  export TOFUPILOT_API_KEY=…"),
            Line::from("or keep it in a file:       tofui --api-key-file ~/.config/tofui/key"),
            Line::from("(keys are made in TofuPilot under Settings → API keys)"),
        ],
        Blocked::Rejected(msg) => vec![
            Line::styled("The API key was rejected", theme.error()),
            Line::from(""),
            Line::from(format!("{url} answered 401: {msg}")),
            Line::from(""),
            Line::from("Check TOFUPILOT_API_KEY (or the file given to --api-key-file),"),
            Line::from("and that --url / TOFUPILOT_URL is the instance the key belongs to."),
        ],
    };
    lines.push(Line::from(""));
    lines.push(Line::from("To try tofui without an account:  tofui --demo"));
    lines.push(Line::from(""));
    lines.push(Line::styled("q quits", theme.dim()));
    let r = centered(area, 76, lines.len() as u16 + 2);
    frame.render_widget(
        Paragraph::new(lines).wrap(Wrap { trim: false }).block(Block::bordered()),
        r,
    );
}
