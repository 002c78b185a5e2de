//! The filter form: one field per filter, the focused one with its hint, errors in place,
//! and the query line it makes.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Paragraph};

use super::text::{fit, width};
use super::Areas;
use super::theme::Theme;
use crate::app::App;
use crate::app::form::FormPane;

const LABEL: usize = 15;

pub(crate) fn render(_: &App, form: &FormPane, frame: &mut Frame, areas: &Areas, theme: &Theme) {
    let area = areas.over;
    frame.render_widget(Clear, area);
    let block = Block::bordered().title(" Filter form — enter applies, esc cancels ");
    let inner = block.inner(area);
    frame.render_widget(block, area);
    if inner.height < 4 || inner.width < 20 {
        return;
    }
    // Lines below the fields: hint or error, blank, the query line.
    let fields_h = inner.height.saturating_sub(3) as usize;
    let top = if form.focus >= fields_h { form.focus + 1 - fields_h } else { 0 };
    let value_w = (inner.width as usize).saturating_sub(LABEL + 2);
    for (row, (i, (field, input))) in
        form.fields.iter().enumerate().skip(top).take(fields_h).enumerate()
    {
        let focused = i == form.focus;
        let y = inner.y + row as u16;
        let scroll = if focused { input.visual_scroll(value_w) } else { 0 };
        let value: String = input.value().chars().skip(scroll).take(value_w).collect();
        let label = format!("{:>LABEL$} ", fit(field.label(), LABEL));
        let marker = if focused { "▸" } else { " " };
        let style = if focused { theme.key() } else { theme.dim() };
        let line = Line::from(vec![
            Span::styled(marker, theme.key()),
            Span::styled(label, style),
            Span::raw(value),
        ]);
        frame.render_widget(Paragraph::new(line), Rect { y, height: 1, ..inner });
        if focused {
            let x = inner.x
                + 1
                + LABEL as u16
                + 1
                + input.visual_cursor().saturating_sub(scroll) as u16;
            frame.set_cursor_position((x.min(inner.right().saturating_sub(1)), y));
        }
    }
    let hint_y = inner.y + fields_h as u16;
    let (field, _) = &form.fields[form.focus];
    let matches = form.matches();
    let hint = match &form.error {
        Some((i, e)) if *i == form.focus => Line::styled(
            fit(&format!("  {}: {}", field.label(), e.message), inner.width as usize),
            theme.error(),
        ),
        _ if !matches.is_empty() => completions(form, &matches, inner.width as usize, theme),
        _ => Line::styled(
            fit(&format!("  e.g. {}", field.hint()), inner.width as usize),
            theme.dim(),
        ),
    };
    frame.render_widget(Paragraph::new(hint), Rect { y: hint_y, height: 1, ..inner });
    let line = form.line();
    let q = Line::from(vec![
        Span::styled("  / ", theme.key()),
        Span::raw(fit(
            if line.is_empty() { "(all runs)" } else { &line },
            inner.width as usize - 4,
        )),
    ]);
    frame.render_widget(Paragraph::new(q), Rect { y: hint_y + 2, height: 1, ..inner });
}

/// `tab: A · B · C … (2 of 14)`: the values `tab` cycles through, the one shown first.
fn completions(form: &FormPane, matches: &[&str], w: usize, theme: &Theme) -> Line<'static> {
    let at = form.cycle.as_ref().filter(|c| c.field == form.focus).map_or(0, |c| c.at);
    let count = if form.cycle.is_some() {
        format!(" ({} of {})", at + 1, matches.len())
    } else {
        format!(" ({})", matches.len())
    };
    let mut spans = vec![Span::styled("  tab: ", theme.key())];
    let mut used = 7 + width(&count);
    // From the one shown, round.
    let order = matches.iter().cycle().skip(at).take(matches.len());
    for (k, m) in order.enumerate() {
        let sep = if k == 0 { "" } else { " · " };
        let need = sep.chars().count() + width(m);
        if used + need + 2 > w {
            spans.push(Span::styled(" …", theme.dim()));
            break;
        }
        used += need;
        spans.push(Span::styled(sep, theme.dim()));
        let style = if k == 0 && form.cycle.is_some() { theme.key() } else { theme.dim() };
        spans.push(Span::styled(m.to_string(), style));
    }
    spans.push(Span::styled(count, theme.dim()));
    Line::from(spans)
}
