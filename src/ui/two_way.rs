//! The Pareto's two-way table (`w`): failure modes down, the dimension's values across, failures
//! in the cells, a cell where the mode is concentrated beyond chance marked `*` (and coloured).
//! Every column is in the table; the screen shows those from the column cursor's offset that
//! fit, scrolled sideways with `h`/`l`, and says how many are off each side. Headers are cut to
//! the cell so that no two read alike.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::format::count;
use super::text::{fit, pad};
use super::theme::Theme;
use crate::analysis::{CrossTab, Evidence};
use crate::app::layout::{two_way_cell, two_way_cols, two_way_label};
use crate::app::pareto::ParetoPane;

/// `labels` cut to `width` characters each, no two alike where the full labels differ: the
/// start and "…"; where that reads like another, the start, "…" and the end ("Lin…ICT",
/// "Lin…FCT"), as much of the start as keeps them apart; else numbered.
pub(crate) fn headers(labels: &[String], width: usize) -> Vec<String> {
    let n = |s: &str| s.chars().count();
    let head = |s: &str, k: usize| s.chars().take(k).collect::<String>();
    let tail = |s: &str, k: usize| {
        let c: Vec<char> = s.chars().collect();
        c[c.len().saturating_sub(k)..].iter().collect::<String>()
    };
    let cut = |s: &str, k: usize| {
        if n(s) <= width {
            s.to_string()
        } else if k + 1 >= width {
            format!("{}…", head(s, width.saturating_sub(1)))
        } else {
            format!("{}…{}", head(s, k), tail(s, width.saturating_sub(k + 1)))
        }
    };
    let mut out: Vec<String> = labels.iter().map(|l| cut(l, width)).collect();
    let clashes = |out: &[String], i: usize| {
        out.iter().enumerate().any(|(j, o)| j != i && *o == out[i] && labels[j] != labels[i])
    };
    for i in 0..out.len() {
        if !clashes(&out, i) {
            continue;
        }
        let group: Vec<usize> = (0..out.len()).filter(|&j| out[j] == out[i]).collect();
        let fixed = (1..width.saturating_sub(1)).rev().find_map(|k| {
            let mut next = out.clone();
            for &j in &group {
                next[j] = cut(&labels[j], k);
            }
            group.iter().all(|&j| !clashes(&next, j)).then_some(next)
        });
        out = fixed.unwrap_or_else(|| {
            let mut next = out.clone();
            for (m, &j) in group.iter().enumerate() {
                let tag = format!("{}", m + 1);
                next[j] = format!("{}{tag}", head(&out[j], width.saturating_sub(n(&tag))));
            }
            next
        });
    }
    out
}

pub(super) fn render(
    p: &ParetoPane,
    t: &CrossTab,
    frame: &mut Frame,
    head: Rect,
    area: Rect,
    theme: &Theme,
) {
    let w = head.width as usize;
    let label_w = two_way_label(head.width);
    let cw = two_way_cell(head.width);
    let shown = two_way_cols(head.width).max(1);
    let first = p.cols.offset.min(t.cols.len());
    let last = (first + shown).min(t.cols.len());
    let cell = |s: &str| format!("{:>cw$}", fit(s, cw - 1));
    let labels: Vec<String> = t.cols.iter().map(|c| c.label.clone()).collect();
    let names = headers(&labels, cw - 1);
    let left = if first > 0 { format!("◂{first} ") } else { String::new() };
    let mut title =
        vec![Span::raw(format!(" {}{}", pad(&format!("{left}failure"), label_w), cell("all")))];
    for (j, name) in names.iter().enumerate().take(last).skip(first) {
        let style = if j == p.cols.cursor { theme.accent() } else { Style::default() };
        title.push(Span::styled(cell(name), style));
    }
    if last < t.cols.len() {
        title.push(Span::raw(format!(" {}▸", t.cols.len() - last)));
    }
    let title = super::text::fit_line(Line::from(title).style(theme.header()), w);
    frame.render_widget(Paragraph::new(title), head);
    if t.rows.is_empty() {
        let text = if p.loading() { " loading…" } else { " no failures for this filter" };
        frame.render_widget(Paragraph::new(Line::styled(fit(text, w), theme.dim())), area);
        return;
    }
    let lines: Vec<Line> = t
        .rows
        .iter()
        .enumerate()
        .skip(p.rows.offset)
        .take(area.height as usize)
        .map(|(i, r)| {
            let on_row = i == p.rows.cursor;
            let base = if on_row { theme.selected() } else { Style::default() };
            let mut spans = vec![Span::styled(
                format!(" {}{}", pad(&r.label, label_w), cell(&count(r.total as usize))),
                base,
            )];
            for j in first..last {
                let hot = r.hot == Some(j);
                let text = match (r.cells[j], hot) {
                    (0, _) => "·".to_string(),
                    (n, true) => format!("{n}*"),
                    (n, false) => n.to_string(),
                };
                let mut style = if hot { base.patch(theme.warn()) } else { base };
                if on_row && j == p.cols.cursor {
                    style = style.patch(theme.accent());
                }
                spans.push(Span::styled(cell(&text), style));
            }
            // Where the row's hot cell is off screen, say which side.
            match r.hot {
                Some(h) if h < first => spans.push(Span::styled(" ◂*", theme.warn())),
                Some(h) if h >= last => spans.push(Span::styled(" *▸", theme.warn())),
                _ => {}
            }
            Line::from(spans)
        })
        .collect();
    frame.render_widget(Paragraph::new(lines), area);
}

/// The status line: the cell under the cursor, its numbers and verdict (those explain gives
/// that value), and the row's hot cell when it is another.
pub(super) fn status(p: &ParetoPane, t: &CrossTab) -> String {
    let i = p.rows.cursor.min(t.rows.len().saturating_sub(1));
    let (Some(r), Some(c)) = (t.rows.get(i), t.cols.get(p.cols.cursor)) else {
        return String::new();
    };
    let at = format!(" {}/{} · {}/{} · ", i + 1, t.rows.len(), p.cols.cursor + 1, t.cols.len());
    let cell = match t.stat(i, p.cols.cursor) {
        Some(s) => format!(
            "{} of {} on {} ({} of {} runs): {:.1}×{}",
            s.failures,
            r.total,
            c.label,
            count(s.tested as usize),
            count(r.tested as usize),
            s.lift,
            match (s.evidence, s.caveat) {
                (Evidence::Strong, _) => " likely cause",
                (Evidence::None, _) => "",
                (_, Some(crate::analysis::Caveat::CouldBeChance)) => " could be chance",
                _ => " too few to tell",
            }
        ),
        None => format!("none on {}", c.label),
    };
    let hot = match r.hot.filter(|&h| h != p.cols.cursor).and_then(|h| Some((h, t.stat(i, h)?))) {
        Some((h, s)) => format!(" · stands out: {} ({:.1}×)", t.cols[h].label, s.lift),
        None if r.hot.is_none() => " · none stands out".to_string(),
        None => String::new(),
    };
    format!("{at}{cell}{hot}")
}
