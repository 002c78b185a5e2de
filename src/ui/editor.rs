//! The metadata editor, drawn over whatever is underneath: the keys with type and value and
//! their edits marked, the line being typed, the review of the change set, the save.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Paragraph, Wrap};

use super::run::values::value;
use super::text::{centered, clean, fit, pad, width};
use super::Areas;
use super::theme::Theme;
use crate::app::App;
use crate::app::editor::{EditorPane, MetaRow, Step};

fn kind(v: &serde_json::Value) -> &'static str {
    match v {
        serde_json::Value::String(_) => "string",
        serde_json::Value::Number(_) => "number",
        serde_json::Value::Bool(_) => "boolean",
        _ => "json",
    }
}

fn row_line(
    r: &MetaRow,
    selected: bool,
    key_w: usize,
    cols: usize,
    theme: &Theme,
) -> Line<'static> {
    let (mark, shown, style) = match (&r.edit, &r.original) {
        (Some(None), _) => ("-", r.original.clone(), theme.error()),
        (Some(Some(v)), None) => ("+", Some(v.clone()), theme.pass()),
        (Some(Some(v)), Some(o)) if v != o => ("~", Some(v.clone()), theme.warn()),
        _ => (" ", r.original.clone(), ratatui::style::Style::new()),
    };
    let v = shown.as_ref();
    // A bulk edit's key: on how many of the marked runs, and their value or how many.
    let (on, differ) = match r.held {
        Some(h) => {
            (format!("on {:>width$} of {} ", h.on, h.of, width = digits(h.of)), h.values > 1)
        }
        None => (String::new(), false),
    };
    let (kind, shown) = match (differ && r.edit.as_ref().is_none_or(Option::is_none), r.held) {
        (true, Some(h)) => ("", format!("{} values", h.values)),
        _ => (v.map(kind).unwrap_or(""), v.map(|v| value(Some(v))).unwrap_or_default()),
    };
    let text = format!("{mark} {} {on}{kind:<8} {shown}", pad(&r.key, key_w));
    let line = Line::styled(fit(&text, cols), style);
    if selected { line.style(theme.selected()) } else { line }
}

fn digits(n: usize) -> usize {
    n.to_string().len()
}

/// What a bulk review adds to a line: on how many runs; "" for one run.
fn runs(r: &MetaRow, removed: bool, of: usize) -> String {
    match r.held {
        Some(h) if removed => format!(" from {} of {} runs", h.on, h.of),
        _ if of > 1 => format!(" on all {of} runs"),
        _ => String::new(),
    }
}

/// The value a row had: its own, or how many when the marked runs differ.
fn was(r: &MetaRow) -> String {
    match r.held {
        Some(h) if h.values > 1 => format!("{} values", h.values),
        _ => r.original.as_ref().map(|v| value(Some(v))).unwrap_or_default(),
    }
}

pub(crate) fn render(_: &App, ed: &EditorPane, frame: &mut Frame, areas: &Areas, theme: &Theme) {
    let area = areas.over;
    // Small terminals: the whole area, the keys need every row.
    let w = if area.width >= 60 { area.width.saturating_sub(4).min(100) } else { area.width };
    let h = if area.height >= 12 { area.height.saturating_sub(2) } else { area.height };
    let r = centered(area, w, h);
    frame.render_widget(Clear, r);
    let title = if ed.bulk() {
        format!(" Metadata of {} marked runs — changes apply to all ", ed.targets.len())
    } else {
        let of = if ed.is_unit() { "unit " } else { "" };
        format!(" Metadata of {of}{} ", ed.targets.first().map(|t| t.serial.as_str()).unwrap_or(""))
    };
    let block = Block::bordered().title(fit(&title, r.width.saturating_sub(2) as usize));
    let inner = block.inner(r);
    frame.render_widget(block, r);
    let key_w = (inner.width as usize / 3).clamp(8, 30);
    let mut lines: Vec<Line> = Vec::new();
    if matches!(ed.step, Step::Review) {
        let (added, changed, removed) = ed.change_set();
        match &ed.undo {
            Some(u) => {
                let left = match u.left {
                    0 => "the last change to undo".to_string(),
                    1 => "1 more to undo after it".to_string(),
                    n => format!("{n} more to undo after it"),
                };
                let q = format!(
                    " Undo the {} ({left})? Writes back the values from before it:",
                    u.what
                );
                lines.push(Line::styled(q, theme.header()));
            }
            None => lines.push(Line::styled(" Save these changes?", theme.header())),
        }
        for (label, rows, style) in [
            ("added", added, theme.pass()),
            ("changed", changed, theme.warn()),
            ("removed", removed, theme.error()),
        ] {
            for row in rows {
                let new = row
                    .change()
                    .filter(|v| !v.is_null())
                    .map(|v| value(Some(&v)))
                    .unwrap_or_default();
                let (old, n) = (was(row), ed.targets.len());
                let text = match label {
                    "added" => format!(" + {} = {new}{}", row.key, runs(row, false, n)),
                    "changed" => format!(" ~ {}: {old} → {new}{}", row.key, runs(row, false, n)),
                    _ => format!(" - {}{} (was {old})", row.key, runs(row, true, n)),
                };
                lines.push(Line::styled(text, style));
            }
        }
        if ed.undo.as_ref().is_some_and(|u| u.varies) {
            let note =
                " The runs had different values: each gets its own back (shown: the first's).";
            lines.push(Line::styled(note, theme.warn()));
        }
        lines.push(Line::from(""));
        let keys = if ed.undo.is_some() {
            "enter undoes · esc cancels"
        } else {
            "enter saves · esc goes back"
        };
        lines.push(Line::styled(format!(" {} {keys}", ed.sends_text()), theme.dim()));
        frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }), inner);
        return;
    }
    if ed.loading.is_some() {
        lines.push(Line::styled(" Reading the run's metadata…", theme.dim()));
    } else if ed.current.loading() {
        let text = format!(" Reading the {} marked runs' metadata…", ed.targets.len());
        lines.push(Line::styled(text, theme.dim()));
    } else if ed.rows.is_empty() {
        lines.push(Line::styled(
            if ed.bulk() {
                " None of the marked runs has metadata. a adds a key to all of them."
            } else {
                " No metadata yet. a adds a key."
            },
            theme.dim(),
        ));
    }
    // The line being typed, its problem, and the state of the save, under the keys; the
    // keys get what the foot leaves (at least one row, or the terminal is too small).
    let mut foot: Vec<Line> = Vec::new();
    let prompt = match &ed.step {
        Step::AddKey(i) => Some(("new key: ".to_string(), i)),
        Step::AddValue { key, input } => Some((format!("{key} = "), input)),
        Step::EditValue(i) => Some((
            format!("{} = ", ed.rows.get(ed.cursor).map(|r| r.key.as_str()).unwrap_or("")),
            i,
        )),
        _ => None,
    };
    if let Some((label, input)) = &prompt {
        foot.push(Line::from(vec![
            Span::styled(format!(" {}", clean(label)), theme.key()),
            Span::raw(input.value().to_string()),
        ]));
    } else {
        foot.push(Line::styled(
            if inner.width >= 60 {
                " 23.4 number · true/false boolean · anything else text · \"23.4\" forces text"
            } else {
                " 23.4 number · true/false · \"1\" text"
            },
            theme.dim(),
        ));
    }
    if let Some(why) = &ed.invalid {
        foot.push(Line::styled(format!(" {why}"), theme.error()));
    } else if matches!(ed.step, Step::Saving) {
        foot.push(Line::styled(
            format!(
                " saving… ({} of {} answered)",
                ed.targets.len() - ed.pending.len(),
                ed.targets.len()
            ),
            theme.warn(),
        ));
    } else if let Some(e) = &ed.error {
        foot.push(Line::styled(format!(" {e}"), theme.error()));
    } else if ed.dirty() {
        foot.push(Line::styled(
            format!(" {} unsaved change(s) · ctrl-s reviews and saves", ed.changes().len()),
            theme.warn(),
        ));
    }
    let cols = inner.width.max(1) as usize;
    let foot_h: u16 = foot.iter().map(|l| l.width().max(1).div_ceil(cols) as u16).sum();
    if inner.height < foot_h.min(2) + 1 || inner.width < 20 {
        let msg = Line::styled(" terminal too small", theme.warn());
        frame.render_widget(Paragraph::new(msg), inner);
        return;
    }
    let foot_h = foot_h.min(inner.height - 1);
    let list_area = Rect { height: inner.height - foot_h, ..inner };
    let list_h = list_area.height as usize;
    let top = ed.cursor.saturating_sub(list_h.saturating_sub(1));
    let status_rows = lines.len();
    for (i, row) in ed.rows.iter().enumerate().skip(top).take(list_h.saturating_sub(status_rows)) {
        lines.push(row_line(
            row,
            i == ed.cursor && matches!(ed.step, Step::Browse | Step::EditValue(_)),
            key_w,
            list_area.width as usize,
            theme,
        ));
    }
    frame.render_widget(Paragraph::new(lines), list_area);
    let bottom = Rect { y: list_area.bottom(), height: foot_h, ..inner };
    if let Some((label, input)) = &prompt {
        let x = bottom.x + 1 + width(label) as u16 + input.visual_cursor() as u16;
        frame.set_cursor_position((x.min(bottom.right().saturating_sub(1)), bottom.y));
    }
    frame.render_widget(Paragraph::new(foot).wrap(Wrap { trim: false }), bottom);
}
