//! The create-run form's fields and the `POST /v2/runs` body they make. Each check's message
//! belongs to one field, so the form shows it under that field.

use serde_json::{Map, Value, json};

use crate::api::time::from_ms;
use crate::api::{RunDetail, RunOutcome, WireEnum};
pub(crate) use crate::app::editor::edits::parse_value;
use crate::model::Zone;
use crate::query::TimeSpec;

/// The server's limit on metadata keys (`server::store::create::MAX_METADATA_KEYS`).
pub(crate) const MAX_METADATA_KEYS: usize = 50;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum F {
    Procedure,
    Serial,
    Part,
    Revision,
    Batch,
    Outcome,
    Started,
    Ended,
    Operator,
    Version,
    Metadata,
    UnitMetadata,
    SubUnits,
    Docstring,
    Phases,
    Attachments,
}

/// How many fields the form has.
pub(crate) const N: usize = 16;

pub(crate) const FIELDS: [F; N] = [
    F::Procedure,
    F::Serial,
    F::Part,
    F::Revision,
    F::Batch,
    F::Outcome,
    F::Started,
    F::Ended,
    F::Operator,
    F::Version,
    F::Metadata,
    F::UnitMetadata,
    F::SubUnits,
    F::Docstring,
    F::Phases,
    F::Attachments,
];

impl F {
    pub fn label(self) -> &'static str {
        match self {
            F::Procedure => "procedure",
            F::Serial => "serial",
            F::Part => "part",
            F::Revision => "revision",
            F::Batch => "batch",
            F::Outcome => "outcome",
            F::Started => "started",
            F::Ended => "ended",
            F::Operator => "operator",
            F::Version => "proc. version",
            F::Metadata => "metadata",
            F::UnitMetadata => "unit metadata",
            F::SubUnits => "sub-units",
            F::Docstring => "docstring",
            F::Phases => "phases",
            F::Attachments => "attachments",
        }
    }

    pub fn hint(self) -> &'static str {
        match self {
            F::Procedure => "type to narrow the server's procedures",
            F::Serial => "scan or type; a known unit fills part, revision and batch",
            F::Part | F::Revision | F::Batch => "needed for a unit seen for the first time",
            F::Outcome => "PASS FAIL ERROR TIMEOUT ABORTED",
            F::Started => "now, 10m (ago), 2026-12-05 14:30",
            F::Ended => "now, +4m (a duration after started), 2026-12-05 14:34",
            F::Operator => "a name or an email",
            F::Version => "e.g. v2.1",
            F::Metadata | F::UnitMetadata => {
                "key=value, key=value: 23.4 a number, true/false, \"23.4\" text"
            }
            F::SubUnits => "serials, separated by spaces or commas",
            F::Docstring => "free text",
            F::Phases => "Name: meas=3.3 V 3.2..3.4, bridges=0 <=0 | Next phase: …",
            F::Attachments => {
                "files by path, space-separated (\"…\" around a space): sent once the run exists"
            }
        }
    }

    /// The body's field this form field fills (where a 400 naming it lands).
    pub fn wire(self) -> &'static [&'static str] {
        match self {
            F::Procedure => &["procedure_id"],
            F::Serial => &["serial_number"],
            F::Part => &["part_number"],
            F::Revision => &["revision_number"],
            F::Batch => &["batch_number"],
            F::Outcome => &["outcome"],
            F::Started => &["started_at"],
            F::Ended => &["ended_at"],
            F::Operator => &["operated_by"],
            F::Version => &["procedure_version"],
            F::Metadata => &["metadata"],
            F::UnitMetadata => &["unit_metadata"],
            F::SubUnits => &["sub_units"],
            F::Docstring => &["docstring"],
            F::Phases => &["phases"],
            F::Attachments => &[],
        }
    }
}

/// The form's values by field, as typed.
pub type Values = [String; N];

pub(crate) fn get(v: &Values, f: F) -> &str {
    v[FIELDS.iter().position(|x| *x == f).unwrap_or(0)].trim()
}

/// A new run's values: outcome PASS, started and ended now.
pub(crate) fn blank() -> Values {
    let mut v: Values = Default::default();
    set(&mut v, F::Outcome, "PASS");
    set(&mut v, F::Started, "now");
    set(&mut v, F::Ended, "now");
    v
}

pub(crate) fn set(v: &mut Values, f: F, text: &str) {
    if let Some(i) = FIELDS.iter().position(|x| *x == f) {
        v[i] = text.to_string();
    }
}

/// A run as a template: what it was (procedure, unit, operator, metadata, sub-units…), with new
/// times (started now, ended after the same duration).
pub(crate) fn from_run(run: &RunDetail) -> Values {
    let s = &run.summary;
    let mut v = blank();
    set(&mut v, F::Procedure, &s.procedure.name);
    set(&mut v, F::Serial, &s.unit.serial_number);
    set(&mut v, F::Part, &s.unit.part.number);
    set(&mut v, F::Revision, &s.unit.part.revision.number);
    set(&mut v, F::Batch, s.unit.batch.as_ref().map_or("", |b| b.number.as_str()));
    set(&mut v, F::Outcome, s.outcome.as_ref().map_or("PASS", |o| o.as_str()));
    if let (Some(a), Some(b)) = (s.started_at, s.ended_at) {
        let secs = (b - a).num_seconds().max(0);
        set(&mut v, F::Ended, &format!("+{secs}s"));
    }
    let op = s.operated_by.as_ref().and_then(|o| o.name.clone().or(o.email.clone()));
    set(&mut v, F::Operator, &op.unwrap_or_default());
    set(&mut v, F::Version, s.procedure.version.as_ref().map_or("", |x| x.tag.as_str()));
    set(&mut v, F::Metadata, &meta_text(s.metadata.as_ref()));
    let subs: Vec<&str> =
        run.sub_units.iter().flatten().map(|u| u.serial_number.as_str()).collect();
    set(&mut v, F::SubUnits, &subs.join(" "));
    set(&mut v, F::Docstring, s.docstring.as_deref().unwrap_or(""));
    v
}

/// Metadata as the form types it back (`key=value, …`; strings that would read as something
/// else are quoted).
pub(crate) fn meta_text(m: Option<&Map<String, Value>>) -> String {
    m.into_iter()
        .flatten()
        .map(|(k, v)| {
            let text = match v {
                Value::String(s) if parse_value(s).ok() == Some(Value::String(s.clone())) => {
                    if s.contains(',') { format!("\"{s}\"") } else { s.clone() }
                }
                Value::String(s) => format!("\"{s}\""),
                v => v.to_string(),
            };
            format!("{k}={text}")
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// `key=value, key=value` with the editor's typing rules.
pub(crate) fn parse_meta(text: &str) -> Result<Option<Map<String, Value>>, String> {
    let mut m = Map::new();
    let mut rest = text.trim();
    while !rest.is_empty() {
        let (key, after) = rest.split_once('=').ok_or_else(|| {
            format!("`{}`: write key=value", rest.split(',').next().unwrap_or(rest).trim())
        })?;
        let key = key.trim();
        if key.is_empty() {
            return Err("a key is empty: write key=value".into());
        }
        let after = after.trim_start();
        // A quoted value may hold commas.
        let (raw, next) = if let Some(q) = after.strip_prefix('"') {
            match q.find('"') {
                Some(end) => (&after[..end + 2], q[end + 1..].trim_start()),
                None => return Err(format!("`{key}`: the quote is not closed")),
            }
        } else {
            match after.find(',') {
                Some(i) => (&after[..i], &after[i..]),
                None => (after, ""),
            }
        };
        let value = parse_value(raw).map_err(|e| format!("`{key}`: {e}"))?;
        m.insert(key.to_string(), value);
        rest = next.trim_start().strip_prefix(',').unwrap_or(next).trim_start();
    }
    if m.len() > MAX_METADATA_KEYS {
        return Err(format!("{} keys: at most {MAX_METADATA_KEYS}", m.len()));
    }
    Ok((!m.is_empty()).then_some(m))
}

/// The request body, or the first problem, with its field. `procedure_id` is resolved by the
/// form; times resolve against `now`.
pub(crate) fn build(
    v: &Values,
    outcome_typed: bool,
    procedure_id: Option<&str>,
    reference: &str,
    now_ms: i64,
    tz: Zone,
) -> Result<Value, (F, String)> {
    let procedure_id = procedure_id.ok_or((F::Procedure, "pick a procedure".to_string()))?;
    let serial = get(v, F::Serial);
    if serial.is_empty() {
        return Err((F::Serial, "the serial is empty".into()));
    }
    let outcome = RunOutcome::parse_known(get(v, F::Outcome))
        .ok_or((F::Outcome, format!("use one of {}", RunOutcome::expected())))?;
    let started = time(get(v, F::Started), now_ms, tz).map_err(|e| (F::Started, e))?;
    let ended_text = get(v, F::Ended);
    let ended = match ended_text.strip_prefix('+') {
        Some(d) => crate::query::time::parse_span(d.trim())
            .map(|ms| started + ms)
            .map_err(|e| (F::Ended, e))?,
        None => time(ended_text, now_ms, tz).map_err(|e| (F::Ended, e))?,
    };
    if ended < started {
        return Err((F::Ended, "ended before started".into()));
    }
    let metadata = parse_meta(get(v, F::Metadata)).map_err(|e| (F::Metadata, e))?;
    let (phases, failed) =
        super::phases::parse(get(v, F::Phases), started, ended).map_err(|e| (F::Phases, e))?;
    // The outcome follows the limits unless it was typed.
    let outcome = match (failed, get(v, F::Outcome)) {
        (true, "PASS") if !outcome_typed => RunOutcome::Fail,
        _ => outcome,
    };
    let unit_metadata = parse_meta(get(v, F::UnitMetadata)).map_err(|e| (F::UnitMetadata, e))?;
    let mut body = json!({
        "outcome": outcome.as_str(),
        "procedure_id": procedure_id,
        "serial_number": serial,
        "started_at": from_ms(started).to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
        "ended_at": from_ms(ended).to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
        "client_run_ref": reference,
    });
    let o = body.as_object_mut().ok_or((F::Procedure, "internal".to_string()))?;
    for (f, key) in [
        (F::Part, "part_number"),
        (F::Revision, "revision_number"),
        (F::Batch, "batch_number"),
        (F::Operator, "operated_by"),
        (F::Version, "procedure_version"),
        (F::Docstring, "docstring"),
    ] {
        if !get(v, f).is_empty() {
            o.insert(key.into(), get(v, f).into());
        }
    }
    let subs: Vec<&str> =
        get(v, F::SubUnits).split([',', ' ']).filter(|s| !s.trim().is_empty()).collect();
    if !subs.is_empty() {
        o.insert("sub_units".into(), json!(subs));
    }
    if let Some(m) = metadata {
        o.insert("metadata".into(), Value::Object(m));
    }
    if let Some(m) = unit_metadata {
        o.insert("unit_metadata".into(), Value::Object(m));
    }
    if !phases.is_empty() {
        o.insert("phases".into(), Value::Array(phases));
    }
    Ok(body)
}

fn time(text: &str, now_ms: i64, tz: Zone) -> Result<i64, String> {
    if text.is_empty() || text.eq_ignore_ascii_case("now") {
        return Ok(now_ms);
    }
    TimeSpec::parse(text).map(|t| t.resolve(now_ms, tz))
}

/// The field a server's 400 message names (`Invalid serial_number: …`), if any.
pub(crate) fn field_of(message: &str) -> Option<F> {
    let named = message.strip_prefix("Invalid ")?.split([':', '.', '[']).next()?;
    FIELDS.iter().copied().find(|f| f.wire().contains(&named))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn values(pairs: &[(F, &str)]) -> Values {
        let mut v = blank();
        for (f, t) in pairs {
            set(&mut v, *f, t);
        }
        v
    }

    #[test]
    fn each_check_lands_on_its_field() {
        let now = 1_764_900_000_000;
        let b = |v: &Values| build(v, false, Some("p"), "ref-1", now, Zone::utc());
        assert_eq!(b(&values(&[])).map_err(|e| e.0), Err(F::Serial));
        let ok = values(&[
            (F::Serial, "SN-1"),
            (F::Ended, "+4m"),
            (F::Metadata, "rework=true, temp=23.5, fixture=\"12\""),
        ]);
        let body = b(&ok).expect("builds");
        assert_eq!(body["metadata"], json!({"rework": true, "temp": 23.5, "fixture": "12"}));
        assert_eq!(body["client_run_ref"], "ref-1");
        assert_eq!(body["ended_at"], "2025-12-05T02:04:00.000Z");
        let late = values(&[(F::Serial, "SN-1"), (F::Started, "now"), (F::Ended, "10m")]);
        assert_eq!(b(&late), Err((F::Ended, "ended before started".into())));
        let many: Vec<String> = (0..51).map(|i| format!("k{i}={i}")).collect();
        let too_many = values(&[(F::Serial, "SN-1"), (F::Metadata, &many.join(","))]);
        assert_eq!(b(&too_many), Err((F::Metadata, "51 keys: at most 50".into())));
        assert_eq!(
            build(&ok, false, None, "r", now, Zone::utc()).map_err(|e| e.0),
            Err(F::Procedure)
        );
    }

    #[test]
    fn a_template_keeps_the_run_and_takes_new_times() {
        let run: RunDetail =
            serde_json::from_str(include_str!("../../../tests/fixtures/run.json")).expect("run");
        let v = from_run(&run);
        let now = 1_764_900_000_000;
        let body = build(&v, false, Some("proc-id"), "ref-2", now, Zone::utc()).expect("builds");
        assert_eq!(body["serial_number"], "SN-00042");
        assert_eq!(body["procedure_id"], "proc-id");
        assert_eq!(get(&v, F::Procedure), "PCB Functional Test");
        assert_eq!(body["operated_by"], "Alice Martin");
        assert_eq!(
            body["metadata"],
            run.summary.metadata.clone().map(Value::Object).expect("meta")
        );
        assert_eq!(body["sub_units"], json!(["PSU-00012"]));
        assert_eq!(body["part_number"], run.summary.unit.part.number.as_str());
        // New times: started now, ended after the template's 30 s.
        assert_eq!(body["started_at"], "2025-12-05T02:00:00.000Z");
        assert_eq!(body["ended_at"], "2025-12-05T02:00:30.000Z");
        assert_ne!(body["started_at"], json!(run.summary.started_at));
    }

    #[test]
    fn a_servers_field_message_finds_its_field() {
        assert_eq!(field_of("Invalid part_number: is required for a unit"), Some(F::Part));
        assert_eq!(field_of("Invalid metadata.x: too long"), Some(F::Metadata));
        assert_eq!(field_of("Procedure `x` not found"), None);
    }
}
