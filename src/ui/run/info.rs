//! The info tab: the run's lines (built by the app when it arrived) from the first one on
//! screen, times shown with the clock and zone of this frame.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::values::value;
use crate::app::Shared;
use crate::app::run::Loaded;
use crate::app::run::info::{InfoLine, InfoValue};
use crate::ui::format::{absolute, duration, relative};
use crate::ui::text::fit_line;
use crate::ui::theme::{Theme, outcome_label};

fn field(name: &str, value: String, theme: &Theme) -> Line<'static> {
    Line::from(vec![Span::styled(format!("{name:>12}  "), theme.dim()), Span::raw(value)])
}

fn line(shared: &Shared, l: &Loaded, info: &InfoLine, theme: &Theme) -> Line<'static> {
    let outcome = l.run.summary.outcome.as_ref();
    match info {
        InfoLine::Outcome => Line::from(vec![
            Span::styled(format!("{:>12}  ", "Outcome"), theme.dim()),
            Span::styled(outcome_label(outcome), theme.outcome(outcome)),
        ]),
        InfoLine::Field(name, v) => {
            let text = match v {
                InfoValue::Text(t) => t.clone(),
                InfoValue::Time(Some(t)) => {
                    format!("{}  ({})", absolute(*t, shared.tz()), relative(*t, shared.now_ms()))
                }
                InfoValue::Duration(Some(d)) => duration(*d),
                InfoValue::Time(None) | InfoValue::Duration(None) => "—".into(),
                InfoValue::Json(v, note) => format!("{}{note}", value(Some(v))),
            };
            field(name, text, theme)
        }
        InfoLine::Blank => Line::from(""),
        InfoLine::Heading(h) => Line::styled(*h, theme.header()),
    }
}

pub(super) fn render(shared: &Shared, l: &Loaded, frame: &mut Frame, area: Rect, theme: &Theme) {
    let end = (l.info_top + area.height as usize).min(l.info.len());
    let lines: Vec<Line> = l.info[l.info_top.min(end)..end]
        .iter()
        .map(|i| fit_line(line(shared, l, i, theme), area.width as usize))
        .collect();
    frame.render_widget(Paragraph::new(lines), area);
}
