//! Text that must fit: widths in terminal columns (a CJK character takes two, a combining
//! mark none), cutting to a width with `…`, padding, and boxes centred in an area. Also what
//! keeps server data from steering the terminal: control and invisible formatting characters
//! are made visible or dropped before a width is measured, and `scrub` takes whatever is left
//! out of the finished frame.

use std::borrow::Cow;

use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Flex, Layout, Rect};
use ratatui::text::{Line, Span};
use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

/// What a character from server data becomes on screen.
enum Shown {
    Keep,
    Drop,
    As(char),
}

fn shown(c: char) -> Shown {
    match c {
        // C0 controls as their control pictures (`␉`, `␛`), DEL as `␡`: one column each,
        // so a key with a tab in it still lines up.
        '\0'..='\x1f' => Shown::As(char::from_u32(0x2400 + c as u32).unwrap_or('\u{fffd}')),
        '\x7f' => Shown::As('\u{2421}'),
        // C1 controls, and the bidi embeddings, overrides, isolates and marks, which would
        // reorder what follows them: shown as `�` so the trick is visible.
        '\u{80}'..='\u{9f}'
        | '\u{61c}'
        | '\u{200e}'
        | '\u{200f}'
        | '\u{202a}'..='\u{202e}'
        | '\u{2066}'..='\u{2069}' => Shown::As('\u{fffd}'),
        // Other invisible formatting (zero-width space, word joiner, invisible operators,
        // BOM, interlinear annotations): dropped. ZWJ and ZWNJ stay, scripts and emoji need them.
        '\u{ad}'
        | '\u{180e}'
        | '\u{200b}'
        | '\u{2060}'..='\u{2064}'
        | '\u{206a}'..='\u{206f}'
        | '\u{feff}'
        | '\u{fff9}'..='\u{fffb}' => Shown::Drop,
        _ => Shown::Keep,
    }
}

/// `s` as it may reach the terminal: see `shown`.
pub(crate) fn clean(s: &str) -> Cow<'_, str> {
    if s.chars().all(|c| matches!(shown(c), Shown::Keep)) {
        return Cow::Borrowed(s);
    }
    Cow::Owned(
        s.chars()
            .filter_map(|c| match shown(c) {
                Shown::Keep => Some(c),
                Shown::Drop => None,
                Shown::As(r) => Some(r),
            })
            .collect(),
    )
}

/// The last guard, run on every finished frame: a cell whose text still holds a character
/// that is not to be drawn (a zero-width one rides along with the cell before it) loses it.
pub(crate) fn scrub(buf: &mut Buffer) {
    for cell in buf.content.iter_mut() {
        if cell.symbol().chars().any(|c| !matches!(shown(c), Shown::Keep)) {
            let kept: String =
                cell.symbol().chars().filter(|c| matches!(shown(*c), Shown::Keep)).collect();
            cell.set_symbol(if kept.is_empty() { " " } else { &kept });
        }
    }
}

/// Columns `s` takes on screen.
pub(crate) fn width(s: &str) -> usize {
    clean(s).width()
}

/// `s` cut to `width` columns, ending in `…` when cut; cleaned (see `clean`).
pub(crate) fn fit(s: &str, width: usize) -> String {
    let s = clean(s);
    if s.width() <= width {
        return s.into_owned();
    }
    let room = width.saturating_sub(1);
    let mut out = String::new();
    let mut used = 0;
    for c in s.chars() {
        let w = c.width().unwrap_or(0);
        if used + w > room {
            break;
        }
        used += w;
        out.push(c);
    }
    if width > 0 {
        out.push('…');
    }
    out
}

/// `s` (cleaned) in pieces: the first `first` columns wide, the others `rest` wide; a piece
/// breaks after a space when one is in its second half.
pub(crate) fn chunks(s: &str, first: usize, rest: usize) -> Vec<String> {
    let s = clean(s);
    let mut out = Vec::new();
    let (mut cur, mut used, mut room) = (String::new(), 0, first.max(1));
    for c in s.chars() {
        let w = c.width().unwrap_or(0);
        if used + w > room && !cur.is_empty() {
            // Back to the last space, when that keeps at least half the piece.
            let keep = cur.rfind(' ').filter(|&i| width(&cur[..i]) >= room / 2);
            let carry = keep.map(|i| cur.split_off(i + 1)).unwrap_or_default();
            out.push(std::mem::take(&mut cur));
            used = width(&carry);
            cur = carry;
            room = rest.max(1);
        }
        cur.push(c);
        used += w;
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    out
}

/// `line` cut to `width` columns, its last span ending in `…` when cut; spans keep their style.
/// The spans are measured as drawn (clean them first where that matters, e.g. with `fit`).
pub(crate) fn fit_line(line: Line<'_>, width: usize) -> Line<'_> {
    if line.width() <= width {
        return line;
    }
    let mut out = Line { spans: Vec::new(), ..line.clone() };
    let room = width.saturating_sub(1);
    let mut used = 0;
    for span in line.spans {
        // Measured as drawn (spans are drawn as they are; `scrub` cleans the frame after).
        let w = span.content.width();
        if used + w <= room {
            used += w;
            out.spans.push(span);
            continue;
        }
        // What fits of this span, then the mark (the rest of the line is dropped).
        let mut cut = String::new();
        for c in span.content.chars() {
            let w = c.width().unwrap_or(0);
            if used + w > room {
                break;
            }
            used += w;
            cut.push(c);
        }
        cut.push('…');
        out.spans.push(Span::styled(cut, span.style));
        break;
    }
    out
}

/// `s` cut or padded with spaces to exactly `width` columns.
pub(crate) fn pad(s: &str, width: usize) -> String {
    let f = fit(s, width);
    let n = f.width();
    format!("{f}{}", " ".repeat(width.saturating_sub(n)))
}

/// A `w`×`h` box in the middle of `area`.
pub(crate) fn centered(area: Rect, w: u16, h: u16) -> Rect {
    let [v] =
        Layout::vertical([Constraint::Length(h.min(area.height))]).flex(Flex::Center).areas(area);
    let [r] =
        Layout::horizontal([Constraint::Length(w.min(area.width))]).flex(Flex::Center).areas(v);
    r
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_cut_by_columns_with_an_ellipsis() {
        assert_eq!(fit("abcdef", 6), "abcdef");
        assert_eq!(fit("abcdef", 4), "abc…");
        assert_eq!(fit("日本語テキスト", 7), "日本語…", "two columns each");
        assert_eq!(width(&fit("日本語テキスト", 6)), 5, "never past the width");
        assert_eq!(fit("e\u{301}te\u{301}", 3), "e\u{301}te\u{301}", "marks take no column");
        assert_eq!(pad("日本", 6), "日本  ");
        assert_eq!(fit("abc", 0), "");
    }

    #[test]
    fn a_line_of_spans_is_cut_with_an_ellipsis_in_its_last_span() {
        let text = |l: Line| l.spans.iter().map(|s| s.content.to_string()).collect::<String>();
        let l = || Line::from(vec![Span::raw("ab"), Span::raw("cd"), Span::raw("日本")]);
        assert_eq!(text(fit_line(l(), 8)), "abcd日本");
        assert_eq!(text(fit_line(l(), 7)), "abcd日…");
        assert_eq!(text(fit_line(l(), 5)), "abcd…", "a span that fits exactly still gets the mark");
        assert_eq!(text(fit_line(l(), 4)), "abc…");
        assert_eq!(text(fit_line(l(), 6)), "abcd…", "a wide character is not split");
    }

    #[test]
    fn control_and_bidi_characters_are_shown_or_dropped_and_measured_as_shown() {
        assert_eq!(clean("ab\u{202e}cd"), "ab\u{fffd}cd");
        assert_eq!(clean("\u{2066}x\u{2069}"), "\u{fffd}x\u{fffd}");
        assert_eq!(clean("sh\tift\x1b[31m"), "sh\u{2409}ift\u{241b}[31m");
        assert_eq!(clean("zero\u{200b}width\u{feff}"), "zerowidth");
        assert_eq!(clean("👩\u{200d}🔬 café"), "👩\u{200d}🔬 café", "ZWJ and accents stay");
        assert_eq!(width("sh\tift"), 6);
        assert_eq!(pad("a\tb", 5), "a\u{2409}b  ");
    }
}
