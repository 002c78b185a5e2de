//! The `?` overlay: every key of the pane underneath, from the keymap, one per line; it
//! scrolls when the terminal is too short to show them all, and says where it is.

use ratatui::Frame;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Paragraph};

use super::text::{centered, fit, width};
use super::Areas;
use super::theme::Theme;
use crate::app::help::{HelpPane, viewport};
use crate::app::App;

pub(crate) fn render(app: &App, pane: &HelpPane, frame: &mut Frame, areas: &Areas, theme: &Theme) {
    let (under, area) = (areas.under, areas.whole);
    let keys = super::ascii::key_names(app.shared().keymap().describe(under, false), theme.ascii);
    let view = viewport(area.height);
    let offset = pane.offset.min(keys.len().saturating_sub(view));
    let end = (offset + view).min(keys.len());
    let inner = area.width.saturating_sub(4) as usize;
    let kw = keys.iter().map(|(k, _)| width(k)).max().unwrap_or(0).min(inner / 2);
    let lw = keys.iter().map(|(_, l)| width(l)).max().unwrap_or(0);
    let room = inner.saturating_sub(kw + 3);
    let mut lines: Vec<Line> = keys[offset..end]
        .iter()
        .map(|(k, l)| {
            let k = fit(k, kw);
            let pad = " ".repeat(kw - width(&k));
            Line::from(vec![
                Span::styled(format!(" {pad}{k}  "), theme.key()),
                Span::raw(fit(l, room.min(lw))),
            ])
        })
        .collect();
    let hint = if keys.len() > view {
        format!(" {}–{end} of {} · j/k scroll · esc closes", offset + 1, keys.len())
    } else {
        " esc closes".to_string()
    };
    lines.push(Line::styled(fit(&hint, inner + 1), theme.dim()));

    // As wide as its widest entry, scrolled or not, so the box keeps its size while scrolling.
    let w = (1 + kw + 2 + lw.min(room)).max(width(&hint).min(inner + 1)) as u16 + 3;
    let r = centered(area, w.max(30), lines.len() as u16 + 2);
    frame.render_widget(Clear, r);
    let title = format!(" Keys: {} ", under.title());
    frame.render_widget(Paragraph::new(lines).block(Block::bordered().title(title)), r);
}
