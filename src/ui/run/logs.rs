//! The logs tab: a line saying which filters apply, then the visible lines with matches
//! highlighted. Only the lines on screen are built.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use crate::api::time::to_ms;
use crate::api::{LogLevel, LogLine, WireEnum};
use crate::app::run::logs::{LEVELS, LogsState, contains_ci};
use crate::ui::text::{chunks, fit, fit_line, width};
use crate::ui::theme::Theme;

fn level_style(l: Option<&LogLevel>, theme: &Theme) -> Style {
    match l {
        Some(LogLevel::Debug) => theme.dim(),
        Some(LogLevel::Warning) => theme.warn(),
        Some(LogLevel::Error | LogLevel::Critical) => theme.error(),
        _ => Style::new(),
    }
}

/// `+12.345s` from the run's start; long runs as durations (`+16m40.5s`, `+27h46m39s`,
/// `+12d03h`), so the column keeps its 10 cells.
fn offset(t: i64, start: Option<i64>) -> String {
    match start {
        Some(s) => {
            let d = t - s;
            let sign = if d < 0 { "-" } else { "+" };
            let ms = d.abs();
            let (h, m, sec) = (ms / 3_600_000, ms / 60_000 % 60, ms / 1000 % 60);
            match ms {
                0..1_000_000 => format!("{sign}{}.{:03}s", ms / 1000, ms % 1000),
                1_000_000..3_600_000 => {
                    format!("{sign}{}m{sec:02}.{}s", ms / 60_000, ms % 1000 / 100)
                }
                3_600_000..360_000_000 => format!("{sign}{h}h{m:02}m{sec:02}s"),
                _ => format!("{sign}{}d{:02}h", h / 24, h % 24),
            }
        }
        None => crate::api::time::from_ms(t).format("%H:%M:%S%.3f").to_string(),
    }
}

/// The message split into plain and highlighted parts around each match.
fn highlight<'a>(msg: &'a str, needle: Option<&str>, theme: &Theme) -> Vec<Span<'a>> {
    let Some(n) = needle.filter(|n| !n.is_empty() && n.is_ascii()) else {
        return vec![Span::raw(msg)];
    };
    let (hay, pat) = (msg.as_bytes(), n.as_bytes());
    let mut spans = Vec::new();
    let (mut last, mut i) = (0, 0);
    while i + pat.len() <= hay.len() {
        if hay[i..i + pat.len()].eq_ignore_ascii_case(pat)
            && msg.is_char_boundary(i)
            && msg.is_char_boundary(i + pat.len())
        {
            spans.push(Span::raw(&msg[last..i]));
            spans.push(Span::styled(&msg[i..i + pat.len()], theme.highlight()));
            i += pat.len();
            last = i;
        } else {
            i += 1;
        }
    }
    spans.push(Span::raw(&msg[last..]));
    spans
}

pub(crate) fn render(
    logs: &[LogLine],
    state: &LogsState,
    start: Option<i64>,
    frame: &mut Frame,
    area: Rect,
    theme: &Theme,
) {
    // The filter line.
    let mut info: Vec<Span> = vec![Span::styled(" levels ", theme.dim())];
    for (lv, on) in LEVELS.iter().zip(state.levels) {
        let letter = &lv.as_str()[..1];
        info.push(Span::styled(letter.to_string(), if on { theme.key() } else { theme.dim() }));
    }
    if let Some(w) = &state.window {
        info.push(Span::styled(" · phase ", theme.dim()));
        info.push(Span::styled(fit(&w.label, 30), theme.accent()));
        info.push(Span::styled(" (› after it · a: all)", theme.dim()));
    }
    if let (Some(s), Some(status)) = (&state.search, state.search_status()) {
        info.push(Span::styled(format!(" · \"{}\" {status}", fit(s, 20)), theme.accent()));
    }
    info.push(Span::styled(
        format!(" · {}/{} lines", state.visible.len(), logs.len()),
        theme.dim(),
    ));
    let cols = area.width as usize;
    frame.render_widget(
        Paragraph::new(fit_line(Line::from(info), cols)),
        Rect { height: 1, ..area },
    );
    let body = Rect { y: area.y + 1, height: area.height.saturating_sub(1), ..area };
    if let Some(input) = &state.typing {
        // The search being typed takes the filter line.
        let line = Line::from(vec![
            Span::styled(" / ", theme.key()),
            Span::raw(input.value().to_string()),
        ]);
        frame.render_widget(ratatui::widgets::Clear, Rect { height: 1, ..area });
        frame.render_widget(Paragraph::new(line), Rect { height: 1, ..area });
        frame.set_cursor_position((area.x + 3 + input.visual_cursor() as u16, area.y));
    }
    if state.visible.is_empty() {
        let why = if logs.is_empty() {
            "  This run has no logs."
        } else {
            "  No log line passes the filters (d i w e c toggle levels, a drops the phase window)."
        };
        frame.render_widget(Paragraph::new(Line::styled(why, theme.dim())), body);
        return;
    }
    let needle = state.search.as_deref().map(str::to_lowercase);
    // The selected line is wrapped under itself (indented), so a long message can be read;
    // the lines after it give way, and the window moves down when it would not fit.
    let height = body.height as usize;
    let pieces = wrapped(logs, state, cols, height);
    let rest = pieces.get(1..).unwrap_or_default();
    let rows_for_lines = height - rest.len();
    let mut first = state.view.offset;
    if state.view.cursor >= first + rows_for_lines {
        first = state.view.cursor + 1 - rows_for_lines;
    }
    let end = (first + rows_for_lines).min(state.visible.len());
    let mut row = 0;
    for pos in first..end {
        let l = &logs[state.visible[pos] as usize];
        let level = l.level.as_ref().map(|x| x.as_str().to_string()).unwrap_or_else(|| "?".into());
        let t = l.timestamp.as_ref().map(|t| offset(to_ms(t), start)).unwrap_or_default();
        let src = fit(&format!("{}:{}", l.source_file, l.line_number), 22);
        let is_match = needle.as_deref().is_some_and(|n| contains_ci(&l.message, n));
        // `›`: logged after the phase ended, before the next one began.
        let after =
            state.window.as_ref().zip(l.timestamp.as_ref()).is_some_and(|(w, t)| w.after(to_ms(t)));
        let mut spans = vec![
            Span::styled(if after { "›" } else { " " }, theme.accent()),
            Span::styled(format!("{level:<8}"), level_style(l.level.as_ref(), theme)),
            Span::styled(format!("{t:>10} "), theme.dim()),
            Span::styled(format!("{src:<22} "), theme.dim()),
        ];
        let selected = pos == state.view.cursor;
        let msg = match pieces.first() {
            Some(first) if selected => first.as_str(),
            _ => l.message.as_str(),
        };
        spans.extend(highlight(msg, if is_match { needle.as_deref() } else { None }, theme));
        let line = fit_line(Line::from(spans), cols);
        let line = if selected { line.style(theme.selected()) } else { line };
        frame.render_widget(
            Paragraph::new(line),
            Rect { y: body.y + row as u16, height: 1, ..body },
        );
        row += 1;
        for more in rest.iter().filter(|_| selected) {
            let line = Line::styled(format!("{:WRAP_INDENT$}{more}", ""), theme.selected());
            frame.render_widget(
                Paragraph::new(fit_line(line, cols)),
                Rect { y: body.y + row as u16, height: 1, ..body },
            );
            row += 1;
        }
    }
}

/// Where a wrapped message's further rows start.
const WRAP_INDENT: usize = 4;
/// The columns before a message: the `›` mark, level, time, source.
const MESSAGE_AT: usize = 1 + 8 + 11 + 23;

/// The selected line's message in rows when it does not fit its own (none when it does): the
/// first for its own row, then at most a screen less one under it.
fn wrapped(logs: &[LogLine], state: &LogsState, cols: usize, height: usize) -> Vec<String> {
    let Some(l) = state.visible.get(state.view.cursor).map(|&i| &logs[i as usize]) else {
        return Vec::new();
    };
    let first = cols.saturating_sub(MESSAGE_AT);
    if first == 0 || width(&l.message) <= first {
        return Vec::new();
    }
    let mut pieces = chunks(&l.message, first, cols.saturating_sub(WRAP_INDENT + 1));
    pieces.truncate(height.max(1));
    pieces
}

#[cfg(test)]
mod tests {
    use super::offset;

    #[test]
    fn offsets_keep_their_column_on_long_runs() {
        let cases = [
            (12_345, "+12.345s"),
            (999_999, "+999.999s"),
            (99_999_000, "+27h46m39s"),
            (1_000_000, "+16m40.0s"),
            (-1_500, "-1.500s"),
            (1_000_000_000, "+11d13h"),
        ];
        for (d, want) in cases {
            assert_eq!(offset(d, Some(0)), want);
        }
        for d in (0..40).map(|i| 7_i64.pow(i / 3) * (1 + i as i64 % 3)) {
            assert!(offset(d, Some(0)).chars().count() <= 10, "{d}: {}", offset(d, Some(0)));
        }
    }
}
