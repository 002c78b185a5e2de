//! The `?` overlay: every key of the pane underneath, from the keymap.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Paragraph};

use super::text::{centered, width};
use super::theme::Theme;
use crate::app::{App, Mode};

pub(crate) fn render(app: &App, under: Mode, frame: &mut Frame, area: Rect, theme: &Theme) {
    let keys = app.shared.keymap.describe(under, false);
    let kw = keys.iter().map(|(k, _)| width(k)).max().unwrap_or(0);
    let lw = keys.iter().map(|(_, l)| width(l)).max().unwrap_or(0);
    let entry = |(k, l): &(String, &'static str)| {
        vec![Span::styled(format!(" {k:>kw$}  "), theme.key()), Span::raw(format!("{l:<lw$}"))]
    };
    // Two columns when one does not fit the screen's height.
    let room = area.height.saturating_sub(4) as usize;
    let cols = if keys.len() > room { 2 } else { 1 };
    let per = keys.len().div_ceil(cols);
    let mut lines: Vec<Line> = (0..per)
        .map(|i| {
            let mut spans = entry(&keys[i]);
            if cols == 2
                && let Some(k) = keys.get(i + per)
            {
                spans.push(Span::raw("  "));
                spans.extend(entry(k));
            }
            Line::from(spans)
        })
        .collect();
    lines.push(Line::styled(" mouse wheel scrolls · esc closes", theme.dim()));
    let w = lines.iter().map(|l| l.width() as u16).max().unwrap_or(20) + 4;
    let r = centered(area, w.max(30), lines.len() as u16 + 2);
    frame.render_widget(Clear, r);
    let title = match under {
        Mode::Tree => " Keys: run phases ",
        Mode::Logs => " Keys: run logs ",
        Mode::Attachments => " Keys: attachments ",
        Mode::Chart => " Keys: chart ",
        Mode::Editor => " Keys: metadata editor ",
        Mode::Unit => " Keys: unit ",
        Mode::Yield => " Keys: yield ",
        Mode::Pareto => " Keys: failure Pareto ",
        m if m.in_run() => " Keys: run ",
        _ => " Keys: runs list ",
    };
    frame.render_widget(Paragraph::new(lines).block(Block::bordered().title(title)), r);
}
