//! The `:` command line and, under it, its hint or error.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::text::fit;
use super::Areas;
use super::theme::Theme;
use crate::app::App;
use crate::app::command::CommandPane;

/// The `:` command line and its error.
pub(crate) fn render(_: &App, bar: &CommandPane, frame: &mut Frame, areas: &Areas, theme: &Theme) {
    let area = areas.bar;
    // The text typed scrolls to keep the cursor on screen.
    let room = area.width.saturating_sub(2) as usize;
    let scroll = bar.input.visual_scroll(room);
    frame.render_widget(Paragraph::new(Span::styled(":", theme.key())), Rect { height: 1, ..area });
    let typed = Rect { x: area.x + 1, width: area.width.saturating_sub(1), height: 1, ..area };
    frame.render_widget(Paragraph::new(bar.input.value()).scroll((0, scroll as u16)), typed);
    frame.set_cursor_position((
        (typed.x + (bar.input.visual_cursor() - scroll) as u16).min(area.right().saturating_sub(1)),
        area.y,
    ));
    let second = Rect { y: area.y + 1, height: 1, ..area };
    let cols = area.width as usize;
    let help = match &bar.error {
        Some(e) => Line::styled(fit(&format!(" {e}"), cols), theme.error()),
        None => Line::styled(
            fit(
                " w NAME saves the view · export FILE.csv|.json · rename NAME · delete · move N",
                cols,
            ),
            theme.dim(),
        ),
    };
    frame.render_widget(Paragraph::new(help), second);
}
