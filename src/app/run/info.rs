//! The info tab's content: every header field, the config and the secrets' names, as plain
//! lines built once when the run arrives. Their number is what the tab scrolls over; the UI
//! draws them (times with the clock and zone at the moment of drawing).

use crate::api::time::{parse_duration_ms, to_ms};
use crate::api::{RunDetail, WireEnum};

#[derive(Debug, Clone, PartialEq)]
pub enum InfoValue {
    Text(String),
    /// An instant (ms), shown absolute and relative.
    Time(Option<i64>),
    /// A duration (ms).
    Duration(Option<i64>),
    /// A config value, and where it came from (`  (source)` or nothing).
    Json(serde_json::Value, String),
}

#[derive(Debug, Clone, PartialEq)]
pub enum InfoLine {
    /// The run's outcome, in its colour.
    Outcome,
    Field(String, InfoValue),
    Blank,
    Heading(&'static str),
}

fn or_dash(s: Option<&str>) -> String {
    s.filter(|s| !s.is_empty()).unwrap_or("—").to_string()
}

fn text(name: &str, value: String) -> InfoLine {
    InfoLine::Field(name.to_string(), InfoValue::Text(value))
}

pub(crate) fn info_lines(d: &RunDetail) -> Vec<InfoLine> {
    let s = &d.summary;
    let unit = &s.unit;
    let sample = unit.sample.as_ref().map(|x| format!("  [{}]", x.as_str())).unwrap_or_default();
    let version = s.procedure.version.as_ref().map(|v| format!(" {}", v.tag)).unwrap_or_default();
    let operator = s.operated_by.as_ref().and_then(|o| o.name.clone().or(o.email.clone()));
    let by = s
        .created_by_user
        .as_ref()
        .and_then(|u| u.name.clone().or(u.email.clone()))
        .or_else(|| s.created_by_station.as_ref().and_then(|st| st.name.clone()));
    let dur = s.duration.as_deref().and_then(|d| parse_duration_ms(d).ok());
    let mut lines = vec![
        InfoLine::Outcome,
        text("Serial", format!("{}{sample}", or_dash(Some(&unit.serial_number)))),
        text("Part", format!("{}  {}", or_dash(Some(&unit.part.number)), unit.part.name)),
        text("Revision", or_dash(Some(&unit.part.revision.number))),
        text("Batch", or_dash(unit.batch.as_ref().map(|b| b.number.as_str()))),
        text("Procedure", format!("{}{version}", or_dash(Some(&s.procedure.name)))),
        text("Station", or_dash(s.created_by_station.as_ref().and_then(|st| st.name.as_deref()))),
        text("Operator", or_dash(operator.as_deref())),
        text("Created by", or_dash(by.as_deref())),
        InfoLine::Field("Started".into(), InfoValue::Time(s.started_at.as_ref().map(to_ms))),
        InfoLine::Field("Ended".into(), InfoValue::Time(s.ended_at.as_ref().map(to_ms))),
        InfoLine::Field("Duration".into(), InfoValue::Duration(dur)),
    ];
    if s.execution_id.is_some() || s.slot_name.is_some() || s.slot_key.is_some() {
        lines.push(text(
            "Slot",
            format!(
                "{} ({})",
                or_dash(s.slot_name.as_deref().or(s.slot_key.as_deref())),
                or_dash(s.execution_id.as_deref())
            ),
        ));
    }
    lines.push(text("Run id", s.id.clone()));
    lines.push(text("Docstring", or_dash(s.docstring.as_deref())));
    if !d.config.is_empty() {
        lines.push(InfoLine::Blank);
        lines.push(InfoLine::Heading("  Config"));
        for c in &d.config {
            let src = c.source.as_ref().map(|s| format!("  ({})", s.as_str())).unwrap_or_default();
            lines.push(InfoLine::Field(c.key.clone(), InfoValue::Json(c.value.clone(), src)));
        }
    }
    if !d.secrets.is_empty() {
        lines.push(InfoLine::Blank);
        lines.push(InfoLine::Heading("  Secrets (values are never sent)"));
        for sec in &d.secrets {
            lines.push(text(&sec.key, "••••".into()));
        }
    }
    lines
}
