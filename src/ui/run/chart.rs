//! A multi-dimensional measurement as a braille chart: the first data series is x, each
//! other one a line, with its numeric limits as horizontal lines and units on the axes.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Color, Style};
use ratatui::symbols::Marker;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Axis, Block, Chart, Dataset, GraphType, Paragraph};

use super::legend;
use super::values::number;
use crate::api::{Measurement, Validator};
use crate::ui::text::fit;
use crate::ui::theme::Theme;

const COLORS: [Color; 5] = [Color::Cyan, Color::Yellow, Color::Magenta, Color::Green, Color::Blue];

/// The numeric limits a validator draws: `x <= 3.4` → 3.4; `range [1, 2]` → 1 and 2.
pub(crate) fn limit_values(v: &Validator) -> Vec<f64> {
    match (v.operator.as_deref(), v.expected_value.as_ref()) {
        (Some(">" | ">=" | "<" | "<=" | "=="), Some(e)) => e.as_f64().into_iter().collect(),
        (Some("range"), Some(serde_json::Value::Array(a))) => {
            a.iter().filter_map(|x| x.as_f64()).collect()
        }
        _ => vec![],
    }
}

fn axis_title(name: Option<&str>, units: Option<&str>, fallback: &str) -> String {
    match (name.filter(|n| !n.is_empty()), units.filter(|u| !u.is_empty())) {
        (Some(n), Some(u)) => format!("{n} ({u})"),
        (Some(n), None) => n.to_string(),
        (None, Some(u)) => format!("{fallback} ({u})"),
        (None, None) => fallback.to_string(),
    }
}

fn bounds(values: impl Iterator<Item = f64>) -> [f64; 2] {
    let (mut lo, mut hi) = (f64::INFINITY, f64::NEG_INFINITY);
    for v in values.filter(|v| v.is_finite()) {
        lo = lo.min(v);
        hi = hi.max(v);
    }
    if !lo.is_finite() {
        return [0.0, 1.0];
    }
    let pad = if hi > lo { (hi - lo) * 0.05 } else { lo.abs().max(1.0) * 0.05 };
    [lo - pad, hi + pad]
}

/// Axis bounds widened to round numbers and their three labels (ends and middle): the ends
/// are multiples of the smallest 1-2-5 step that spans the data in at most ten, so ticks read
/// `17.6 17.8 18.0`, not `17.6105`, and little of the plot is wasted.
fn nice_axis(b: [f64; 2]) -> ([f64; 2], [String; 3]) {
    let range = (b[1] - b[0]).abs();
    let range = if range < 1e-9 * b[0].abs().max(1.0) { b[0].abs().max(1.0) * 0.1 } else { range };
    let mag = 10f64.powf((range / 10.0).log10().floor());
    let mut i = 0;
    loop {
        let step = [1.0, 2.0, 5.0, 10.0][i % 4] * mag * 10f64.powi((i / 4) as i32);
        let lo = (b[0] / step).floor() * step;
        let mut n = ((b[1] - lo) / step).ceil().max(1.0);
        if n % 2.0 == 1.0 {
            n += 1.0;
        }
        if n <= 10.0 || i > 12 {
            let hi = lo + n * step;
            let decimals = (-step.log10().floor()).max(0.0) as usize;
            let f = |v: f64| {
                let v = if v.abs() < step / 2.0 { 0.0 } else { v };
                format!("{v:.decimals$}")
            };
            return ([lo, hi], [f(lo), f(lo + n / 2.0 * step), f(hi)]);
        }
        i += 1;
    }
}

pub(crate) fn render(m: &Measurement, frame: &mut Frame, area: Rect, theme: &Theme) {
    let series = m.data_series.as_deref().unwrap_or_default();
    let cols = area.width.saturating_sub(2) as usize;
    let block = Block::bordered().title(fit(&format!(" {} — esc closes ", m.name), cols));
    if series.len() < 2 {
        frame.render_widget(Paragraph::new("No data series to draw.").block(block), area);
        return;
    }
    let x = &series[0];
    let lines: Vec<Vec<(f64, f64)>> = series[1..]
        .iter()
        .map(|y| {
            x.data
                .iter()
                .copied()
                .zip(y.data.iter().copied())
                .filter(|(a, b)| a.is_finite() && b.is_finite())
                .collect()
        })
        .collect();
    let xb = bounds(x.data.iter().copied());
    let limits = limits(m);
    let limit_lines: Vec<Vec<(f64, f64)>> =
        limits.iter().map(|(_, v, _)| vec![(xb[0], *v), (xb[1], *v)]).collect();
    let yb = bounds(lines.iter().flatten().map(|p| p.1).chain(limits.iter().map(|l| l.1)));
    let colour = |i: usize| {
        if theme.color { Style::new().fg(COLORS[i % COLORS.len()]) } else { Style::new() }
    };
    // ASCII: data points `*` (a dot each) and limit lines `_` (a bar), told apart without colour.
    let (points, limit_marker) =
        if theme.ascii { (Marker::Dot, Marker::Bar) } else { (Marker::Braille, Marker::Braille) };
    let (series_sample, limit_sample) =
        if theme.ascii { ("**", "__") } else { ("──", "┄┄") };
    let mut names: Vec<(&str, String, Style)> = Vec::new();
    let mut datasets: Vec<Dataset> = Vec::new();
    for (i, (y, pts)) in series[1..].iter().zip(&lines).enumerate() {
        let name = axis_title(y.name.as_deref(), y.units.as_deref(), &format!("series {}", i + 1));
        names.push((series_sample, name, colour(i)));
        datasets.push(
            Dataset::default()
                .marker(points)
                .graph_type(GraphType::Line)
                .style(colour(i))
                .data(pts),
        );
    }
    for ((label, _, failed), pts) in limits.iter().zip(&limit_lines) {
        let style = if *failed { theme.error() } else { theme.warn() };
        names.push((limit_sample, label.clone(), style));
        datasets.push(
            Dataset::default()
                .marker(limit_marker)
                .graph_type(GraphType::Line)
                .style(style)
                .data(pts),
        );
    }
    // The axes' titles go in the frame's bottom edge and the legend above the plot: nothing
    // written over the data or the limit lines.
    let y_units = series[1].units.as_deref().or(m.units.as_deref()).filter(|u| !u.is_empty());
    let axes = format!(
        " y: {} · x: {} ",
        y_units.unwrap_or("value"),
        axis_title(x.name.as_deref(), x.units.as_deref(), "x")
    );
    let block = block.title_bottom(Line::from(fit(&axes, cols)).right_aligned());
    let inner = block.inner(area);
    frame.render_widget(block, area);
    // The legend takes at most a quarter of the rows (at least one when the plot keeps 4).
    let max_legend = if inner.height >= 5 { (inner.height as usize / 4).max(1) } else { 0 };
    let legend = if max_legend > 0 { legend::lines(&names, cols, max_legend) } else { vec![] };
    let legend_h = legend.len() as u16;
    frame.render_widget(Paragraph::new(legend), Rect { height: legend_h, ..inner });
    let plot = Rect { y: inner.y + legend_h, height: inner.height - legend_h, ..inner };
    let (xb, x_labels) = nice_axis(xb);
    let (yb, y_labels) = nice_axis(yb);
    let labels = |l: [String; 3]| l.into_iter().map(Span::raw).collect::<Vec<_>>();
    let chart = Chart::new(datasets)
        .x_axis(Axis::default().bounds(xb).labels(labels(x_labels)).style(theme.dim()))
        .y_axis(Axis::default().bounds(yb).labels(labels(y_labels)).style(theme.dim()))
        .legend_position(None);
    frame.render_widget(chart, plot);
}

/// The limits drawn: each y series' own validators, else the measurement's; (label, value,
/// failed), each once.
fn limits(m: &Measurement) -> Vec<(String, f64, bool)> {
    let series = m.data_series.as_deref().unwrap_or_default();
    let mut limits: Vec<(String, f64, bool)> = Vec::new();
    for y in series.iter().skip(1) {
        for v in y.validators.as_deref().unwrap_or_default().iter().chain(
            if y.validators.as_ref().is_none_or(Vec::is_empty) {
                m.validators.as_deref().unwrap_or_default()
            } else {
                &[]
            },
        ) {
            let values = limit_values(v);
            let range = values.len() > 1;
            for (k, val) in values.into_iter().enumerate() {
                let label = match (range, k) {
                    (true, 0) => format!("min {}", number(val)),
                    (true, _) => format!("max {}", number(val)),
                    _ if v.expression.is_empty() => format!("limit {}", number(val)),
                    _ => v.expression.clone(),
                };
                if !limits.iter().any(|(l, x, _)| *l == label && *x == val) {
                    limits.push((label, val, matches!(v.outcome, Some(crate::api::Outcome::Fail))));
                }
            }
        }
    }
    limits
}

#[cfg(test)]
mod tests {
    use super::nice_axis;

    #[test]
    fn ticks_are_round_on_a_1_2_5_step() {
        assert_eq!(nice_axis([17.6105, 17.9]).1, ["17.60", "17.75", "17.90"]);
        assert_eq!(nice_axis([0.0, 2396.15]).1, ["0", "1500", "3000"]);
        assert_eq!(nice_axis([2395.6, 2484.4]).1, ["2390", "2440", "2490"]);
        for b in [[3.19, 3.41], [16.5, 17.5], [1e-3, 7e-3], [120.0, 980.0], [5.0, 5.0]] {
            let (nb, labels) = nice_axis(b);
            assert!(nb[0] <= b[0] && nb[1] >= b[1], "{b:?} within {nb:?}");
            for l in &labels {
                let digits = l.trim_start_matches('-').replace('.', "");
                let significant = digits.trim_start_matches('0').trim_end_matches('0');
                assert!(significant.len() <= 3, "{b:?}: {l} is not round ({labels:?})");
            }
        }
    }
}
