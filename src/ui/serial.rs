//! The go-to-serial prompt and, under it, its hint or error.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::text::fit;
use super::Areas;
use super::theme::Theme;
use crate::app::App;
use crate::app::serial::SerialPane;

const PROMPT: &str = "Serial: ";

pub(crate) fn render(_: &App, bar: &SerialPane, frame: &mut Frame, areas: &Areas, theme: &Theme) {
    let area = areas.bar;
    let line = Line::from(vec![
        Span::styled(PROMPT, theme.key()),
        Span::raw(bar.input.value().to_string()),
    ]);
    frame.render_widget(Paragraph::new(line), Rect { height: 1, ..area });
    frame.set_cursor_position((
        (area.x + PROMPT.len() as u16 + bar.input.visual_cursor() as u16)
            .min(area.right().saturating_sub(1)),
        area.y,
    ));
    let second = Rect { y: area.y + 1, height: 1, ..area };
    let w = area.width as usize;
    let help = match &bar.error {
        Some(e) => Line::styled(fit(&format!(" {e}"), w), theme.error()),
        None => Line::styled(
            fit(" type or scan a serial (any case), enter opens the unit · esc cancels", w),
            theme.dim(),
        ),
    };
    frame.render_widget(Paragraph::new(help), second);
}
