//! Turns a create request's phases, sequences and logs into the shapes `GET /v2/runs/{id}`
//! returns: ids assigned, legacy limits turned into validators, validator expressions and
//! missing outcomes computed, phases ordered, log fields normalised. Pure: no database.

use serde_json::Value;

use crate::api::create::*;
use crate::api::time::format_duration_ms;
use crate::api::*;
use crate::path;
use crate::server::error::ApiError;

use super::ids::IdSource;
pub use super::validators::{build_validator, build_validators};

const MAX_LOG_MESSAGE: usize = 10_000;
const MAX_SOURCE_FILE: usize = 200;

type Path = Vec<Value>;

pub(super) fn at(base: &[Value], seg: impl Into<Value>) -> Path {
    let mut p = base.to_vec();
    p.push(seg.into());
    p
}

fn build_aggregations(
    list: &[AggregationCreate],
    base: &[Value],
    ids: &mut IdSource,
) -> Result<Vec<Aggregation>, ApiError> {
    let mut out = Vec::with_capacity(list.len());
    for (i, a) in list.iter().enumerate() {
        let p = at(base, i);
        if a.kind.trim().is_empty() {
            return Err(ApiError::field(&at(&p, "type"), "must not be empty"));
        }
        let values: Vec<&Value> = a.value.iter().collect();
        let validators = build_validators(
            a.validators.as_deref().unwrap_or(&[]),
            &values,
            &at(&p, "validators"),
        )?;
        out.push(Aggregation {
            id: ids.next_id(),
            kind: a.kind.clone(),
            outcome: a.outcome.as_ref().map(|o| o.0.clone()),
            value: a.value.clone(),
            unit: a.unit.clone(),
            validators: Some(validators),
        });
    }
    Ok(out)
}

fn build_series(
    axis: &AxisCreate,
    p: &[Value],
    ids: &mut IdSource,
) -> Result<DataSeries, ApiError> {
    let points: Vec<Value> = axis.data.iter().map(|d| Value::from(*d)).collect();
    let refs: Vec<&Value> = points.iter().collect();
    Ok(DataSeries {
        data: axis.data.clone(),
        units: axis.units.clone(),
        name: axis.name.clone(),
        description: axis.description.clone(),
        validators: Some(build_validators(
            axis.validators.as_deref().unwrap_or(&[]),
            &refs,
            &at(p, "validators"),
        )?),
        aggregations: Some(build_aggregations(
            axis.aggregations.as_deref().unwrap_or(&[]),
            &at(p, "aggregations"),
            ids,
        )?),
    })
}

fn units_text(units: &Option<Value>) -> Option<String> {
    match units.as_ref()? {
        Value::Null => None,
        Value::String(s) => Some(s.clone()),
        Value::Array(items) => Some(
            items
                .iter()
                .map(|i| i.as_str().map(str::to_string).unwrap_or_else(|| i.to_string()))
                .collect::<Vec<_>>()
                .join(", "),
        ),
        other => Some(other.to_string()),
    }
}

pub fn build_measurement(
    m: &MeasurementCreate,
    p: &[Value],
    ids: &mut IdSource,
) -> Result<Measurement, ApiError> {
    if m.name.trim().is_empty() {
        return Err(ApiError::field(&at(p, "name"), "must not be empty"));
    }
    let mut specs: Vec<ValidatorCreate> = Vec::new();
    if let Some(lo) = m.lower_limit {
        specs.push(ValidatorCreate {
            operator: Some(">=".into()),
            expected_value: Some(Value::from(lo)),
            ..Default::default()
        });
    }
    if let Some(hi) = m.upper_limit {
        specs.push(ValidatorCreate {
            operator: Some("<=".into()),
            expected_value: Some(Value::from(hi)),
            ..Default::default()
        });
    }
    let legacy = specs.len();
    specs.extend(m.validators.iter().flatten().cloned());
    let values: Vec<&Value> = m.measured_value.iter().filter(|v| !v.is_null()).collect();
    let mut validators = Vec::with_capacity(specs.len());
    for (i, spec) in specs.iter().enumerate() {
        // Legacy limits come first but have no path of their own in the request.
        let vp = if i < legacy {
            at(
                p,
                if spec.operator.as_deref() == Some(">=") { "lower_limit" } else { "upper_limit" },
            )
        } else {
            at(&at(p, "validators"), i - legacy)
        };
        validators.push(build_validator(spec, &values, &vp)?);
    }
    let mut series = Vec::new();
    if let Some(x) = &m.x_axis {
        series.push(build_series(x, &at(p, "x_axis"), ids)?);
    }
    for (i, y) in m.y_axis.iter().flatten().enumerate() {
        series.push(build_series(y, &at(&at(p, "y_axis"), i), ids)?);
    }
    Ok(Measurement {
        id: ids.next_id(),
        name: m.name.clone(),
        outcome: Some(m.outcome.0.clone()),
        units: units_text(&m.units),
        validators: Some(validators),
        aggregations: Some(build_aggregations(
            m.aggregations.as_deref().unwrap_or(&[]),
            &at(p, "aggregations"),
            ids,
        )?),
        measured_value: m.measured_value.clone(),
        data_series: if series.is_empty() { None } else { Some(series) },
        docstring: m.docstring.clone(),
    })
}

pub fn build_sequences(
    list: &[SequenceCreate],
    ids: &mut IdSource,
) -> Result<Vec<Sequence>, ApiError> {
    let paths: std::collections::HashSet<&str> = list.iter().map(|s| s.path.as_str()).collect();
    if paths.len() != list.len() {
        let dup =
            list.iter().enumerate().find(|(i, s)| list[..*i].iter().any(|o| o.path == s.path));
        let (i, s) = dup.expect("a duplicate exists when the set is smaller");
        return Err(ApiError::field(
            &path!["sequences", i, "path"],
            format!("`{}` appears twice", s.path),
        ));
    }
    let mut out = Vec::with_capacity(list.len());
    for (i, s) in list.iter().enumerate() {
        if s.path.is_empty() || s.path.split('/').any(str::is_empty) {
            return Err(ApiError::field(
                &path!["sequences", i, "path"],
                "must be non-empty keys joined by `/`",
            ));
        }
        let (parent, key) = match s.path.rsplit_once('/') {
            Some((parent, key)) => (Some(parent.to_string()), key.to_string()),
            None => (None, s.path.clone()),
        };
        if let Some(parent) = &parent
            && !paths.contains(parent.as_str())
        {
            return Err(ApiError::field(
                &path!["sequences", i, "path"],
                format!("parent sequence `{parent}` is not in `sequences`"),
            ));
        }
        let duration = match (s.started_at, s.ended_at) {
            (Some(a), Some(b)) => Some(format_duration_ms((b - a).num_milliseconds())),
            _ => None,
        };
        out.push(Sequence {
            id: ids.next_id(),
            path: s.path.clone(),
            key,
            parent_path: parent,
            name: s.name.clone(),
            source: s.source.clone(),
            outcome: Some(s.outcome.0.clone()),
            started_at: s.started_at,
            ended_at: s.ended_at,
            duration,
        });
    }
    Ok(out)
}

pub fn build_phases(
    list: &[PhaseCreate],
    sequences: &[Sequence],
    ids: &mut IdSource,
) -> Result<Vec<Phase>, ApiError> {
    let mut out = Vec::with_capacity(list.len());
    for (i, ph) in list.iter().enumerate() {
        let p = path!["phases", i];
        if ph.name.trim().is_empty() {
            return Err(ApiError::field(&at(&p, "name"), "must not be empty"));
        }
        if ph.ended_at < ph.started_at {
            return Err(ApiError::field(&at(&p, "ended_at"), "is before started_at"));
        }
        if let Some(sp) = &ph.sequence_path
            && !sequences.iter().any(|s| &s.path == sp)
        {
            return Err(ApiError::field(
                &at(&p, "sequence_path"),
                format!("`{sp}` is not the path of an entry of `sequences`"),
            ));
        }
        let retry_count = ph.retry_count.unwrap_or(0);
        if retry_count < 0 {
            return Err(ApiError::field(&at(&p, "retry_count"), "must be 0 or more"));
        }
        let mut measurements = Vec::new();
        for (j, m) in ph.measurements.iter().flatten().enumerate() {
            measurements.push(build_measurement(m, &at(&at(&p, "measurements"), j), ids)?);
        }
        out.push(Phase {
            id: ids.next_id(),
            name: ph.name.clone(),
            outcome: Some(ph.outcome.0.clone()),
            started_at: Some(ph.started_at),
            ended_at: Some(ph.ended_at),
            duration: Some(format_duration_ms((ph.ended_at - ph.started_at).num_milliseconds())),
            retry_count,
            sequence_path: ph.sequence_path.clone(),
            docstring: ph.docstring.clone(),
            measurements,
        });
    }
    // The service orders phases by start, then name, then attempt.
    out.sort_by(|a, b| {
        (a.started_at, &a.name, a.retry_count).cmp(&(b.started_at, &b.name, b.retry_count))
    });
    Ok(out)
}

fn keep_last_chars(s: &str, n: usize) -> String {
    let count = s.chars().count();
    if count <= n { s.to_string() } else { s.chars().skip(count - n).collect() }
}

pub fn build_logs(list: &[LogCreate], ids: &mut IdSource) -> Vec<LogLine> {
    let mut out: Vec<LogLine> = list
        .iter()
        .map(|l| LogLine {
            id: ids.next_id(),
            level: Some(l.level.0.clone()),
            timestamp: Some(l.timestamp),
            message: if l.message.is_empty() {
                "(empty)".to_string()
            } else if l.message.chars().count() > MAX_LOG_MESSAGE {
                l.message.chars().take(MAX_LOG_MESSAGE).collect()
            } else {
                l.message.clone()
            },
            source_file: if l.source_file.is_empty() {
                "unknown".to_string()
            } else {
                keep_last_chars(&l.source_file, MAX_SOURCE_FILE)
            },
            line_number: l.line_number,
        })
        .collect();
    out.sort_by_key(|l| l.timestamp);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn logs_are_normalised() {
        let t = chrono::Utc::now();
        let long_path = "a/".repeat(150);
        let logs = build_logs(
            &[LogCreate {
                level: Strict(LogLevel::Info),
                timestamp: t,
                message: String::new(),
                source_file: long_path,
                line_number: 3,
            }],
            &mut IdSource::Random,
        );
        assert_eq!(logs[0].message, "(empty)");
        assert_eq!(logs[0].source_file.chars().count(), 200);
    }
}
