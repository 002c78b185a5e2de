//! Text that must fit: widths in terminal columns (a CJK character takes two, a combining
//! mark none), cutting to a width with `…`, padding, and boxes centred in an area.

use ratatui::layout::{Constraint, Flex, Layout, Rect};
use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

/// Columns `s` takes on screen.
pub(crate) fn width(s: &str) -> usize {
    s.width()
}

/// `s` cut to `width` columns, ending in `…` when cut.
pub(crate) fn fit(s: &str, width: usize) -> String {
    if s.width() <= width {
        return s.to_string();
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
}
