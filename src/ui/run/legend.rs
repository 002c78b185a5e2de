//! A chart's legend as lines of text above the plot: each series and limit with a sample of
//! its line in its colour, laid out left to right and wrapped, never over the data.

use ratatui::style::Style;
use ratatui::text::{Line, Span};

use crate::ui::text::{fit, width};

/// `items` (sample, name, style) on at most `max_lines` lines of `cols` columns; a name too
/// long is cut with `…`, and what does not fit ends the last line as `+N more`.
pub(crate) fn lines(
    items: &[(&str, String, Style)],
    cols: usize,
    max_lines: usize,
) -> Vec<Line<'static>> {
    let mut out: Vec<(Vec<Span<'static>>, usize)> = vec![(Vec::new(), 0)];
    for (i, (sample, name, style)) in items.iter().enumerate() {
        let text = format!("{sample} {name}");
        let (spans, used) = out.last_mut().map(|(s, u)| (s.len(), *u)).unwrap_or_default();
        let sep = if spans == 0 { 1 } else { 2 };
        if used + sep + width(&text) > cols && spans > 0 {
            if out.len() == max_lines.max(1) {
                more(&mut out, items.len() - i, cols);
                break;
            }
            out.push((Vec::new(), 0));
        }
        let Some((spans, used)) = out.last_mut() else { break };
        let sep = if spans.is_empty() { 1 } else { 2 };
        let text = fit(&text, cols.saturating_sub(*used + sep));
        *used += sep + width(&text);
        spans.push(Span::raw(" ".repeat(sep)));
        spans.push(Span::styled(text, *style));
    }
    out.into_iter().filter(|(s, _)| !s.is_empty()).map(|(s, _)| Line::from(s)).collect()
}

/// Ends the last line with `+N more`, dropping items from its end until it fits.
fn more(out: &mut [(Vec<Span<'static>>, usize)], n: usize, cols: usize) {
    let Some((spans, used)) = out.last_mut() else { return };
    let tail = format!("  +{n} more");
    while *used + width(&tail) > cols && spans.len() >= 2 {
        for _ in 0..2 {
            if let Some(s) = spans.pop() {
                *used -= width(&s.content);
            }
        }
    }
    spans.push(Span::raw(fit(&tail, cols.saturating_sub(*used))));
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(l: &[Line]) -> Vec<String> {
        l.iter().map(|l| l.spans.iter().map(|s| s.content.to_string()).collect()).collect()
    }

    #[test]
    fn wraps_and_counts_what_does_not_fit() {
        let items: Vec<(&str, String, Style)> =
            (0..6).map(|i| ("──", format!("series {i}"), Style::new())).collect();
        let one = text(&lines(&items, 200, 2));
        assert_eq!(one.len(), 1);
        assert!(one[0].contains("── series 0") && one[0].contains("── series 5"), "{one:?}");
        let two = text(&lines(&items, 30, 2));
        assert_eq!(two.len(), 2, "{two:?}");
        assert!(two[1].ends_with("more"), "{two:?}");
        for l in &two {
            assert!(width(l) <= 30, "{l:?}");
        }
        let long = [("──", "x".repeat(100), Style::new())];
        let cut = text(&lines(&long, 30, 2));
        assert!(cut[0].ends_with('…') && width(&cut[0]) <= 30, "{cut:?}");
    }
}
