//! The upload prompt: the path with its completions, then the progress or the failure.

use ratatui::Frame;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Paragraph, Wrap};

use super::gauge::gauge;
use super::text::{centered, fit};
use super::Areas;
use super::theme::Theme;
use crate::app::App;
use crate::app::upload::UploadPane;

pub(crate) fn render(_: &App, u: &UploadPane, frame: &mut Frame, areas: &Areas, theme: &Theme) {
    let area = areas.over;
    let mut lines = vec![Line::from(vec![
        Span::styled(" file: ", theme.key()),
        Span::raw(u.input.value().to_string()),
    ])];
    for c in u.candidates.iter().take(6) {
        lines.push(Line::styled(format!("   {c}"), theme.dim()));
    }
    if u.candidates.len() > 6 {
        lines.push(Line::styled(format!("   … {} more", u.candidates.len() - 6), theme.dim()));
    }
    if u.pending.is_some() {
        let more = match u.queue.len() {
            0 => String::new(),
            n => format!("  ({n} more after it)"),
        };
        lines.push(Line::styled(format!(" {}{more}", gauge(u.sent, u.total, 20)), theme.accent()));
    } else if let Some(e) = &u.error {
        lines.push(Line::styled(format!(" {e}"), theme.error()));
    } else {
        lines.push(Line::styled(" tab completes · enter uploads · esc cancels", theme.dim()));
    }
    let r = centered(area, area.width.saturating_sub(6).min(90), lines.len() as u16 + 2);
    frame.render_widget(Clear, r);
    let x = r.x + 1 + 7 + u.input.visual_cursor() as u16;
    frame.render_widget(
        Paragraph::new(lines).wrap(Wrap { trim: false }).block(Block::bordered().title(fit(
            &match &u.unit {
                Some(serial) => format!(" Upload a file to unit {serial} "),
                None => " Upload an attachment ".to_string(),
            },
            r.width.saturating_sub(2) as usize,
        ))),
        r,
    );
    if u.pending.is_none() {
        frame.set_cursor_position((x.min(r.right().saturating_sub(2)), r.y + 1));
    }
}
