//! A yes/no question over everything.

use ratatui::Frame;
use ratatui::text::Line;
use ratatui::widgets::{Block, Clear, Paragraph, Wrap};

use super::text::{centered, clean};
use super::Areas;
use super::theme::Theme;
use crate::app::App;
use crate::app::ask::{Ask, AskPane};

pub(crate) fn render(app: &App, q: &AskPane, frame: &mut Frame, areas: &Areas, theme: &Theme) {
    let area = areas.over;
    let text = match &q.question {
        Ask::QuitWithEdits => {
            let saving = app.editor().is_some_and(|e| !e.pending.is_empty());
            if saving {
                " A metadata save is not acknowledged yet. Quit anyway?".to_string()
            } else {
                " Your metadata edits are not saved. Quit anyway?".to_string()
            }
        }
        Ask::DiscardEdits => " Close the editor and lose your edits?".to_string(),
        Ask::Overwrite(path) => format!(" {path} exists. Write over it?"),
        Ask::RestoreEdits if q.recovery.as_ref().is_some_and(|r| r.new_run.is_some()) => {
            let what = q.recovery.as_ref().map(|r| r.describe()).unwrap_or_default();
            format!(" Not sent last time: {}. Restore it?", clean(&what))
        }
        Ask::RestoreEdits => {
            let what = q.recovery.as_ref().map(|r| r.describe()).unwrap_or_default();
            format!(" Unsaved metadata edits from last time: {}. Restore them?", clean(&what))
        }
    };
    let keys = match &q.question {
        Ask::RestoreEdits if q.recovery.as_ref().is_some_and(|r| r.new_run.is_some()) => {
            " y restores it in the form · n deletes it"
        }
        Ask::RestoreEdits => " y restores them in the editor · n deletes them",
        _ => " y yes · n no",
    };
    let lines = vec![Line::styled(text, theme.warn()), Line::from(""), Line::from(keys)];
    let r = centered(area, 60, 6);
    frame.render_widget(Clear, r);
    frame.render_widget(
        Paragraph::new(lines).wrap(Wrap { trim: false }).block(Block::bordered()),
        r,
    );
}
