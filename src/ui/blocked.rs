//! The screen shown when there is no usable API key: what to do about it.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::{Block, Paragraph, Wrap};

use super::text::centered;
use super::theme::Theme;
use crate::app::Blocked;

pub(crate) fn render(url: &str, why: &Blocked, frame: &mut Frame, area: Rect, theme: &Theme) {
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
