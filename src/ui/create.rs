//! The create-run form: a field a line, the focused one's hint (the procedures it narrows to,
//! the serial's unit) or its error under it; then, at `ctrl-s`, the request as it will be sent.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Paragraph};

use super::text::fit;
use super::Areas;
use super::theme::Theme;
use crate::app::App;
use crate::app::create::body::FIELDS;
use crate::app::create::{CreatePane, F};

const LABEL: usize = 14;

pub(crate) fn render(_: &App, p: &CreatePane, frame: &mut Frame, areas: &Areas, theme: &Theme) {
    let area = areas.over;
    frame.render_widget(Clear, area);
    let title = if p.preview.is_some() {
        " New run — the request: enter sends, esc goes back "
    } else {
        " New run — tab next field, ctrl-s reviews, esc cancels "
    };
    let block = Block::bordered().title(fit(title, area.width.saturating_sub(2) as usize));
    let inner = block.inner(area);
    frame.render_widget(block, area);
    if inner.height < 4 || inner.width < 24 {
        return;
    }
    let w = inner.width as usize;
    let lines = match &p.preview {
        Some(body) => review(p, body, w, theme),
        None => fields(p, w, inner.height as usize, theme, frame, inner),
    };
    frame.render_widget(Paragraph::new(lines), inner);
}

fn review<'a>(p: &CreatePane, body: &serde_json::Value, w: usize, theme: &Theme) -> Vec<Line<'a>> {
    let text = serde_json::to_string_pretty(body).unwrap_or_default();
    let mut lines: Vec<Line> = text.lines().map(|l| Line::raw(fit(l, w))).collect();
    let status = match (&p.failed, p.sending) {
        (_, true) => Line::styled("sending…", theme.dim()),
        (Some(f), _) => Line::styled(fit(f, w), theme.error()),
        (None, _) => Line::styled(
            fit("POST /v2/runs · enter sends (its client_run_ref makes a resend safe)", w),
            theme.key(),
        ),
    };
    lines.insert(0, status);
    lines.insert(1, Line::raw(""));
    if !p.files.is_empty() {
        let names: Vec<&str> =
            p.files.iter().map(|f| f.rsplit(['/', '\\']).next().unwrap_or(f)).collect();
        let n = match names.len() {
            1 => "1 file".to_string(),
            n => format!("{n} files"),
        };
        let text = format!("then uploads {n} to the new run: {}", names.join(", "));
        lines.insert(1, Line::styled(fit(&text, w), theme.dim()));
    }
    lines
}

fn fields<'a>(
    p: &CreatePane,
    w: usize,
    height: usize,
    theme: &Theme,
    frame: &mut Frame,
    inner: Rect,
) -> Vec<Line<'a>> {
    // Every field a line, the focused one's note under it.
    let value_w = w.saturating_sub(LABEL + 3);
    let mut lines: Vec<Line> = Vec::new();
    let (mut cursor_line, mut cursor_x) = (0, 0);
    for (i, (f, input)) in FIELDS.iter().zip(&p.inputs).enumerate() {
        let focused = i == p.focus;
        let scroll = if focused { input.visual_scroll(value_w) } else { 0 };
        let value: String = input.value().chars().skip(scroll).take(value_w).collect();
        let style = if focused { theme.key() } else { theme.dim() };
        let error = p.error.as_ref().filter(|(e, _)| e == f).map(|(_, m)| m.clone());
        if focused {
            cursor_line = lines.len();
        }
        lines.push(Line::from(vec![
            Span::styled(if focused { "▸" } else { " " }, theme.key()),
            Span::styled(format!("{:>LABEL$} ", fit(f.label(), LABEL)), style),
            Span::raw(value),
        ]));
        let note = match (&error, focused, f) {
            (Some(e), _, _) => {
                Some(Line::styled(fit(&format!("{:LABEL$}  ✗ {e}", ""), w), theme.error()))
            }
            (None, _, F::Serial) if p.unit_note.is_some() => Some(Line::styled(
                fit(&format!("{:LABEL$}  {}", "", p.unit_note.clone().unwrap_or_default()), w),
                theme.dim(),
            )),
            (None, true, F::Procedure) => Some(Line::styled(fit(&procedures(p), w), theme.dim())),
            (None, true, f) => {
                Some(Line::styled(fit(&format!("{:LABEL$}  {}", "", f.hint()), w), theme.dim()))
            }
            _ => None,
        };
        lines.extend(note);
        if focused {
            cursor_x =
                inner.x + LABEL as u16 + 2 + input.visual_cursor().saturating_sub(scroll) as u16;
        }
    }
    // A window that keeps the focused field (and its note) on screen.
    let top = (cursor_line + 2).saturating_sub(height);
    let y = inner.y + (cursor_line - top) as u16;
    frame.set_cursor_position((cursor_x.min(inner.right().saturating_sub(1)), y));
    lines.into_iter().skip(top).take(height).collect()
}

fn procedures(p: &CreatePane) -> String {
    let pad = format!("{:LABEL$}  ", "");
    match &p.procedures {
        None => format!("{pad}loading the procedures…"),
        Some(_) => {
            let m = p.matching();
            let names: Vec<String> =
                m.iter().take(4).map(|n| n.name.clone().unwrap_or_default()).collect();
            match m.len() {
                0 => format!("{pad}no procedure matches"),
                1 => format!("{pad}✓ {}", names[0]),
                n if n <= 4 => format!("{pad}{}", names.join(" · ")),
                n => format!("{pad}{} · … ({n} match: type to narrow)", names.join(" · ")),
            }
        }
    }
}
