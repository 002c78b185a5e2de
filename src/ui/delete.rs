//! Confirming a delete: the runs named, the count to type for more than one, the answer.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Paragraph, Wrap};

use super::text::centered;
use super::theme::Theme;
use crate::app::delete::DeletePane;

pub(crate) fn render(d: &DeletePane, frame: &mut Frame, area: Rect, theme: &Theme) {
    let n = d.ids.len();
    let mut serials: Vec<String> = d.serials.iter().take(8).cloned().collect();
    if n > 8 {
        serials.push(format!("and {} more", n - 8));
    }
    let mut lines = vec![
        Line::styled(format!(" Delete {n} run{}?", if n == 1 { "" } else { "s" }), theme.error()),
        Line::from(format!(" {}", serials.join(", "))),
        Line::styled(" Deletes cannot be undone.", theme.dim()),
        Line::from(""),
    ];
    if d.needs_count() {
        lines.push(Line::from(vec![
            Span::raw(format!(" Type {n} to confirm: ")),
            Span::styled(d.typed.value().to_string(), theme.key()),
        ]));
    } else {
        lines.push(Line::from(" enter deletes · esc cancels"));
    }
    if d.pending.is_some() {
        lines.push(Line::styled(" deleting…", theme.warn()));
    } else if let Some(e) = &d.error {
        lines.push(Line::styled(format!(" {e}"), theme.error()));
    }
    let r = centered(area, 64, lines.len() as u16 + 2);
    frame.render_widget(Clear, r);
    frame.render_widget(
        Paragraph::new(lines).wrap(Wrap { trim: false }).block(Block::bordered().title(" Delete ")),
        r,
    );
}
