//! The `:` command line and, under it, its hint or error.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::theme::Theme;
use crate::app::command::CommandPane;

/// The `:` command line and its error.
pub(crate) fn render(bar: &CommandPane, frame: &mut Frame, area: Rect, theme: &Theme) {
    let line =
        Line::from(vec![Span::styled(":", theme.key()), Span::raw(bar.input.value().to_string())]);
    frame.render_widget(Paragraph::new(line), Rect { height: 1, ..area });
    frame.set_cursor_position((
        (area.x + 1 + bar.input.visual_cursor() as u16).min(area.right().saturating_sub(1)),
        area.y,
    ));
    let second = Rect { y: area.y + 1, height: 1, ..area };
    let help = match &bar.error {
        Some(e) => Line::styled(format!(" {e}"), theme.error()),
        None => Line::styled(
            " w NAME saves the filter as a view · rename NAME · delete · move N · left · right",
            theme.dim(),
        ),
    };
    frame.render_widget(Paragraph::new(help), second);
}
