//! Text that must fit: cutting to a width with `…`, and boxes centred in an area.

use ratatui::layout::{Constraint, Flex, Layout, Rect};

/// `s` cut to `width` characters, ending in `…` when cut.
pub(crate) fn fit(s: &str, width: usize) -> String {
    if s.chars().count() <= width {
        return s.to_string();
    }
    let mut out: String = s.chars().take(width.saturating_sub(1)).collect();
    if width > 0 {
        out.push('…');
    }
    out
}

/// A `w`×`h` box in the middle of `area`.
pub(crate) fn centered(area: Rect, w: u16, h: u16) -> Rect {
    let [v] =
        Layout::vertical([Constraint::Length(h.min(area.height))]).flex(Flex::Center).areas(area);
    let [r] =
        Layout::horizontal([Constraint::Length(w.min(area.width))]).flex(Flex::Center).areas(v);
    r
}
