//! An opened run: its header. The phases, logs and attachments views come with the detail
//! view.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph, Wrap};

use super::format::{absolute, duration, relative, spinner};
use super::theme::{Theme, outcome_label};
use crate::api::RunDetail;
use crate::api::WireEnum;
use crate::api::time::{parse_duration_ms, to_ms};
use crate::app::App;
use crate::app::run_view::Load;

fn field(name: &str, value: String, theme: &Theme) -> Line<'static> {
    Line::from(vec![Span::styled(format!("{name:>12}  "), theme.dim()), Span::raw(value)])
}

fn or_dash(s: Option<&str>) -> String {
    s.filter(|s| !s.is_empty()).unwrap_or("—").to_string()
}

fn header(app: &App, d: &RunDetail, theme: &Theme) -> Vec<Line<'static>> {
    let s = &d.summary;
    let when = |t: Option<chrono::DateTime<chrono::Utc>>| t.map(|t| format!("{}  ({})", absolute(to_ms(&t), app.tz), relative(to_ms(&t), app.now_ms))).unwrap_or_else(|| "—".into());
    let unit = &s.unit;
    let sample = unit.sample.as_ref().map(|x| format!("  [{}]", x.as_str())).unwrap_or_default();
    let version = s.procedure.version.as_ref().map(|v| format!(" {}", v.tag)).unwrap_or_default();
    let operator = s.operated_by.as_ref().and_then(|o| o.name.clone().or(o.email.clone()));
    let by = s.created_by_user.as_ref().and_then(|u| u.name.clone().or(u.email.clone())).or_else(|| s.created_by_station.as_ref().and_then(|st| st.name.clone()));
    let dur = s.duration.as_deref().and_then(|d| parse_duration_ms(d).ok()).map(duration);
    let mut lines = vec![
        Line::from(vec![Span::styled(format!("{:>12}  ", "Outcome"), theme.dim()), Span::styled(outcome_label(s.outcome.as_ref()), theme.outcome(s.outcome.as_ref()))]),
        field("Serial", format!("{}{sample}", or_dash(Some(&unit.serial_number))), theme),
        field("Part", format!("{}  {}", or_dash(Some(&unit.part.number)), unit.part.name), theme),
        field("Revision", or_dash(Some(&unit.part.revision.number)), theme),
        field("Batch", or_dash(unit.batch.as_ref().map(|b| b.number.as_str())), theme),
        field("Procedure", format!("{}{version}", or_dash(Some(&s.procedure.name))), theme),
        field("Station", or_dash(s.created_by_station.as_ref().and_then(|st| st.name.as_deref())), theme),
        field("Operator", or_dash(operator.as_deref()), theme),
        field("Created by", or_dash(by.as_deref()), theme),
        field("Started", when(s.started_at), theme),
        field("Ended", when(s.ended_at), theme),
        field("Duration", dur.unwrap_or_else(|| "—".into()), theme),
    ];
    if s.execution_id.is_some() || s.slot_name.is_some() {
        lines.push(field("Slot", format!("{} {}", or_dash(s.slot_name.as_deref()), or_dash(s.execution_id.as_deref())), theme));
    }
    lines.push(field("Run id", s.id.clone(), theme));
    if let Some(doc) = s.docstring.as_deref().filter(|d| !d.is_empty()) {
        lines.push(field("Docstring", doc.to_string(), theme));
    }
    lines.push(Line::from(""));
    lines.push(Line::styled(
        format!("  {} phases · {} log lines · {} attachments · {} sub-units — the detail view is coming", d.phases.as_ref().map_or(0, Vec::len), d.logs.as_ref().map_or(0, Vec::len), d.attachments.as_ref().map_or(0, Vec::len), d.sub_units.as_ref().map_or(0, Vec::len)),
        theme.dim(),
    ));
    lines
}

pub fn render(app: &App, frame: &mut Frame, area: Rect, theme: &Theme) {
    let Some(run) = &app.run else { return };
    let lines = match &run.detail {
        Load::Loading { .. } => {
            let mut l = vec![Line::from(format!("  {} Loading run {}…", spinner(app.now_ms), run.run_id))];
            if let Some(r) = &run.retry {
                l.push(Line::styled(format!("  {r}"), theme.warn()));
            }
            l
        }
        Load::Failed(e) => vec![Line::styled("  Could not load this run", theme.error()), Line::from(format!("  {e}")), Line::styled("  r retries · esc goes back", theme.dim())],
        Load::Ready(d) => header(app, d, theme),
    };
    frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }).block(Block::bordered().title(" Run ")), area);
}
