//! Confirming a delete: the runs named, the count to type for more than one, the answer.

use ratatui::Frame;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Paragraph, Wrap};

use super::format::absolute_short;
use super::text::{centered, fit};
use super::Areas;
use super::theme::Theme;
use crate::app::App;
use crate::app::delete::DeletePane;

/// Runs named one a line (serial, procedure, start: a unit has several runs) when they fit
/// beside the question, the warning and the prompt; more, or a short screen, lists serials.
const NAMED: usize = 8;

pub(crate) fn render(app: &App, d: &DeletePane, frame: &mut Frame, areas: &Areas, theme: &Theme) {
    let area = areas.over;
    let n = d.ids.len();
    let inner_w = area.width.min(64).saturating_sub(2) as usize;
    let status = if d.pending.is_some() {
        Some(Line::styled(" deleting…", theme.warn()))
    } else {
        d.error.as_ref().map(|e| Line::styled(format!(" {e}"), theme.error()))
    };
    let prompt = if d.needs_count() {
        Line::from(vec![
            Span::raw(format!(" Type {n} to confirm: ")),
            Span::styled(d.typed.value().to_string(), theme.key()),
        ])
    } else {
        Line::from(" enter deletes · esc cancels")
    };
    let fixed = 3 + usize::from(status.is_some());
    let room = (area.height.saturating_sub(2) as usize).saturating_sub(fixed).max(1);
    let (now, tz) = (app.shared().now_ms(), app.shared().tz());
    let mut lines = vec![Line::styled(
        format!(" Delete {n} run{}?", if n == 1 { "" } else { "s" }),
        theme.error(),
    )];
    if n <= room.min(NAMED) {
        for (i, serial) in d.serials.iter().enumerate() {
            let named = d.named.get(i).cloned().unwrap_or_default();
            let mut text = format!(" {serial}");
            if let Some(p) = &named.procedure {
                text.push_str(&format!(" · {p}"));
            }
            if let Some(ms) = named.started_ms {
                text.push_str(&format!(" · started {}", absolute_short(ms, now, tz)));
            }
            lines.push(Line::from(fit(&text, inner_w)));
        }
    } else {
        // Too many to name one a line: the serials, as many as fit.
        let mut serials: Vec<String> = d.serials.iter().take(8).cloned().collect();
        if n > 8 {
            serials.push(format!("and {} more", n - 8));
        }
        lines.push(Line::from(format!(" {}", serials.join(", "))));
    }
    lines.push(Line::styled(" Deletes cannot be undone.", theme.dim()));
    if lines.len() + fixed - 1 <= area.height.saturating_sub(2) as usize {
        lines.push(Line::from(""));
    }
    lines.push(prompt);
    lines.extend(status);
    let r = centered(area, 64, lines.len() as u16 + 2);
    frame.render_widget(Clear, r);
    frame.render_widget(
        Paragraph::new(lines).wrap(Wrap { trim: false }).block(Block::bordered().title(" Delete ")),
        r,
    );
}
