//! The run view's chart (issue 14 item 11): the legend and the axes' titles are outside the
//! plot — nothing is written over the data or the limit lines — at 80×24 and 160×48.

use crate::common;

use crate::common::render::text;
use common::keys::press;
use common::rows::*;
use common::run_fixture;

/// The fixture run opened at `w`×`h` with its `power_sweep` chart shown.
fn chart(w: u16, h: u16) -> String {
    let mut app = opened_with(w, h, run_fixture::run());
    press(&mut app, "fn\n");
    text(&app)
}

fn braille(c: char) -> bool {
    ('\u{2800}'..='\u{28ff}').contains(&c)
}

fn check(screen: &str) {
    let lines: Vec<&str> = screen.lines().collect();
    let top = lines.iter().position(|l| l.contains("power_sweep — esc closes")).expect("chart");
    // The plot: from the first row with a y tick label to the x axis; right of the y axis.
    let plot: Vec<&str> = lines[top + 1..]
        .iter()
        .take_while(|l| !l.contains('└') || l.starts_with("\"│"))
        .copied()
        .collect();
    let axis = plot.iter().position(|l| l.contains("│    └")).expect("x axis");
    let first = plot.iter().position(|l| l.contains("│17.6│")).expect("y ticks");
    // Above the plot: the legend, each series and limit by name, no data under it.
    let legend = plot[..first].join("\n");
    for name in ["output power (dBm)", "min 16.5", "max 17.5"] {
        assert!(legend.contains(name), "{name} in the legend:\n{screen}");
    }
    assert!(!legend.chars().any(braille), "the legend is not over the plot:\n{screen}");
    let mut limit_rows = 0;
    for row in &plot[first..axis] {
        let inside: String = row.split('│').nth(2).unwrap_or_default().to_string();
        let words: String = inside.chars().filter(|c| !braille(*c) && *c != ' ').collect();
        assert!(words.is_empty(), "only data in the plot, found {words:?}:\n{screen}");
        // A limit line runs across the plot.
        let dots = inside.chars().filter(|c| braille(*c)).count();
        limit_rows += usize::from(dots * 10 >= inside.chars().count() * 8);
    }
    assert_eq!(limit_rows, 2, "both limit lines drawn whole:\n{screen}");
    // The axes' titles in the frame's bottom edge.
    let bottom = lines[top + 1..].iter().find(|l| l.starts_with("\"└")).expect("frame bottom");
    assert!(bottom.contains("y: dBm · x: frequency (MHz)"), "{bottom}");
}

#[test]
fn the_chart_legend_and_axis_titles_stay_off_the_plot_80x24() {
    let s = chart(80, 24);
    check(&s);
    insta::assert_snapshot!(s);
}

#[test]
fn the_chart_legend_and_axis_titles_stay_off_the_plot_160x48() {
    let s = chart(160, 48);
    check(&s);
    insta::assert_snapshot!(s);
}
