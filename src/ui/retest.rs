//! A retest side by side: which two runs, what the failing values say, then every numeric
//! measurement with its limits, its value in both runs and how far each sits from the nearer
//! limit (a share of the window: negative is outside).

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::Areas;
use super::format::{absolute_short, spinner};
use super::text::{fit, pad};
use super::theme::{Theme, outcome_label};
use crate::analysis::retest::{Diagnosis, JUST_PAST, RetestRow};
use crate::api::RunDetail;
use crate::app::retest::{RetestLoad, RetestPane};
use crate::app::{App, layout};
use crate::model::RunRow;

pub(crate) fn render(app: &App, p: &RetestPane, frame: &mut Frame, areas: &Areas, theme: &Theme) {
    let area = areas.body;
    let w = area.width as usize;
    let (rows, diagnosis, details) = match &p.load {
        RetestLoad::Ready { rows, diagnosis, before, after } => (rows, *diagnosis, [before, after]),
        RetestLoad::Loading => {
            let text = format!(" {} Loading the two runs…", spinner(app.shared().now_ms()));
            frame.render_widget(Paragraph::new(fit(&text, w)), area);
            return;
        }
        RetestLoad::Failed(e) => {
            let lines = vec![
                Line::styled(fit(" Could not load the two runs", w), theme.error()),
                Line::from(fit(&format!(" {e}"), w)),
                Line::styled(fit(" esc goes back", w), theme.dim()),
            ];
            frame.render_widget(Paragraph::new(lines), area);
            return;
        }
    };
    let [head, table] =
        Layout::vertical([Constraint::Length(layout::RETEST_HEADER), Constraint::Fill(1)])
            .areas(area);
    let proc = p.before.procedure.as_deref().unwrap_or("—");
    // Each side's station and fixture: a pass on another one is the first thing to ask about.
    let fixture = |d: &RunDetail| {
        let v = d.summary.metadata.as_ref().and_then(|m| m.get("fixture")).cloned();
        v.map(|v| v.as_str().map_or_else(|| v.to_string(), str::to_string))
    };
    let fixtures = details.map(|d| fixture(d));
    let run = |r: &RunRow, fixture: &Option<String>| {
        let at = r
            .started_ms
            .map(|t| absolute_short(t, app.shared().now_ms(), app.shared().tz()))
            .unwrap_or_default();
        let station = r.station.as_deref().unwrap_or("no station");
        let fixture = fixture.as_deref().map(|f| format!(" · fixture {f}")).unwrap_or_default();
        format!("{} {at} · {station}{fixture}", outcome_label(r.outcome.as_ref()))
    };
    let mut moved = Vec::new();
    if p.before.station != p.after.station {
        moved.push("another station");
    }
    if fixtures[0] != fixtures[1] {
        moved.push("another fixture");
    }
    let moved = if moved.is_empty() { String::new() } else { format!(" · {}", moved.join(", ")) };
    let (said, style) = match diagnosis {
        Diagnosis::JustPast => (
            format!(
                "failing values were within {:.0} % of their window past a limit, then passed: a false failure?",
                JUST_PAST * 100.0
            ),
            theme.warn(),
        ),
        Diagnosis::Repaired => {
            ("a failing value was far outside, then inside: repaired".to_string(), theme.pass())
        }
        Diagnosis::StillFailing => ("it still fails after the retest".to_string(), theme.error()),
        Diagnosis::Unknown => {
            ("no failing value with two limits to judge by".to_string(), theme.dim())
        }
    };
    let lines = vec![
        Line::styled(fit(&format!(" Retest of {} · {proc}", p.serial), w), theme.header()),
        Line::from(fit(&format!(" before {}", run(&p.before, &fixtures[0])), w)),
        Line::from(vec![
            Span::raw(fit(
                &format!(" after  {}", run(&p.after, &fixtures[1])),
                w.saturating_sub(moved.chars().count()),
            )),
            Span::styled(moved, theme.warn()),
        ]),
        Line::styled(fit(&format!(" {said}"), w), style),
    ];
    frame.render_widget(Paragraph::new(lines), head);
    render_table(rows, p, frame, table, theme);
    let status = if rows.is_empty() {
        " no numeric measurements in these runs".to_string()
    } else {
        format!(
            " {}/{} measurements · margin: distance to the nearer limit, share of the window",
            p.view.cursor + 1,
            rows.len()
        )
    };
    let line = match app.flash() {
        Some(f) => Line::styled(fit(&format!(" {f}"), w), theme.accent()),
        None => Line::styled(fit(&status, w), theme.dim()),
    };
    frame.render_widget(Paragraph::new(line), areas.status);
}

/// A value with up to 4 significant digits.
fn num(v: Option<f64>) -> String {
    match v {
        None => "—".into(),
        Some(x) if x != 0.0 && (x.abs() >= 1e5 || x.abs() < 1e-3) => format!("{x:.3e}"),
        Some(x) => {
            let digits = (3 - x.abs().log10().floor() as i32).clamp(0, 6) as usize;
            format!("{x:.digits$}")
        }
    }
}

fn margin(m: Option<f64>) -> String {
    m.map(|m| format!("{:+.0}%", m * 100.0)).unwrap_or_default()
}

fn render_table(rows: &[RetestRow], p: &RetestPane, frame: &mut Frame, area: Rect, theme: &Theme) {
    let w = area.width as usize;
    // Measurement | Limits | Before, margin | After, margin: the name takes what is left.
    let (lim, val, mar) = (17, 10, 6);
    let name_w = w.saturating_sub(1 + lim + 2 * (val + mar) + 5).max(8);
    let head = format!(
        " {} {} {} {} {} {}",
        pad("Measurement", name_w),
        pad("Limits", lim),
        pad("Before", val),
        pad("", mar),
        pad("After", val),
        pad("", mar)
    );
    let mut lines = vec![Line::styled(fit(&head, w), theme.header())];
    let n = (area.height as usize).saturating_sub(1);
    for (i, r) in rows.iter().enumerate().skip(p.view.offset).take(n) {
        let base = if i == p.view.cursor { theme.selected() } else { Style::default() };
        let units = r.units.as_deref().map(|u| format!(" {u}")).unwrap_or_default();
        let limits = match (r.limits.lower, r.limits.upper) {
            (Some(lo), Some(hi)) => format!("{}…{}{units}", num(Some(lo)), num(Some(hi))),
            (Some(lo), None) => format!("≥ {}{units}", num(Some(lo))),
            (None, Some(hi)) => format!("≤ {}{units}", num(Some(hi))),
            (None, None) => "—".into(),
        };
        let cell = |v: Option<f64>, failed: bool| {
            let s = if failed { base.patch(theme.error()) } else { base };
            (Span::styled(pad(&num(v), val), s), Span::styled(pad(&margin(r.margin(v)), mar), s))
        };
        let (b, bm) = cell(r.before, r.before_failed);
        let (a, am) = cell(r.after, r.after_failed);
        let sp = || Span::styled(" ", base);
        let mut spans = vec![
            sp(),
            Span::styled(pad(&format!("{} › {}", r.phase, r.name), name_w), base),
            sp(),
            Span::styled(pad(&limits, lim), base),
            sp(),
            b,
            sp(),
            bm,
            sp(),
            a,
            sp(),
            am,
        ];
        // Cut at the screen's edge, never wrapped.
        let mut used = 0;
        spans.retain(|s| {
            used += s.content.chars().count();
            used <= w
        });
        lines.push(Line::from(spans));
    }
    frame.render_widget(Paragraph::new(lines), area);
}
