//! The `/` query line and, under it, the error pointing at the offending word.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::text::{fit, width};
use super::Areas;
use super::theme::Theme;
use crate::app::App;
use crate::app::filter::FilterPane;

/// Display column of byte offset `b` in `s`.
fn col(s: &str, b: usize) -> usize {
    s.get(..b.min(s.len())).map(width).unwrap_or(0)
}

pub(crate) fn render(_: &App, bar: &FilterPane, frame: &mut Frame, areas: &Areas, theme: &Theme) {
    let area = areas.bar;
    let prompt = "/ ";
    let width = area.width.saturating_sub(prompt.len() as u16 + 1) as usize;
    let scroll = bar.input.visual_scroll(width);
    let text: String = bar.text().chars().skip(scroll).take(width).collect();
    let line = Line::from(vec![Span::styled(prompt, theme.key()), Span::raw(text)]);
    frame.render_widget(Paragraph::new(line), Rect { height: 1, ..area });
    let cursor_x =
        area.x + prompt.len() as u16 + (bar.input.visual_cursor().saturating_sub(scroll)) as u16;
    frame.set_cursor_position((cursor_x.min(area.right().saturating_sub(1)), area.y));

    let second = Rect { y: area.y + 1, height: 1, ..area };
    let help = match &bar.error {
        Some(e) => {
            let start = col(bar.text(), e.start).saturating_sub(scroll);
            let len = (col(bar.text(), e.end).saturating_sub(scroll)).saturating_sub(start).max(1);
            let lead = " ".repeat(prompt.len() + start);
            let room = (area.width as usize).saturating_sub(lead.len());
            Line::from(vec![
                Span::raw(lead),
                Span::styled(
                    fit(&format!("{} {}", "^".repeat(len), e.message), room),
                    theme.error(),
                ),
            ])
        }
        None if bar.text().trim().is_empty() => Line::styled(
            fit(
                "  e.g. outcome:fail since:24h proc:\"PCB Functional\" meta.shift=A · tab: form",
                area.width as usize,
            ),
            theme.dim(),
        ),
        None => Line::styled(
            fit(
                "  typing adds a clause (all must match) · ctrl-u clears · tab: form",
                area.width as usize,
            ),
            theme.dim(),
        ),
    };
    frame.render_widget(Paragraph::new(help), second);
}
