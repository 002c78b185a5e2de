//! A yes/no question over everything.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::{Block, Clear, Paragraph, Wrap};

use super::text::centered;
use super::theme::Theme;
use crate::app::App;
use crate::app::ask::{Ask, AskPane};

pub(crate) fn render(app: &App, q: &AskPane, frame: &mut Frame, area: Rect, theme: &Theme) {
    let text = match q.question {
        Ask::QuitWithEdits => {
            let saving = app.editor().is_some_and(|e| !e.pending.is_empty());
            if saving {
                " A metadata save is not acknowledged yet. Quit anyway?"
            } else {
                " Your metadata edits are not saved. Quit anyway?"
            }
        }
        Ask::DiscardEdits => " Close the editor and lose your edits?",
    };
    let lines = vec![Line::styled(text, theme.warn()), Line::from(""), Line::from(" y yes · n no")];
    let r = centered(area, 60, 5);
    frame.render_widget(Clear, r);
    frame.render_widget(
        Paragraph::new(lines).wrap(Wrap { trim: false }).block(Block::bordered()),
        r,
    );
}
