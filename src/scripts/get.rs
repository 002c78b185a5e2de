//! `tofui runs get ID [--json]`: the run as the API gives it, or a summary to read.

use std::io::Write;

use super::{Failure, remote, retried};
use crate::api::{RunDetail, WireEnum};
use crate::worker::{ApiClient, client};

pub(super) async fn run(
    client: &ApiClient,
    url: &str,
    id: &str,
    json: bool,
) -> Result<(), Failure> {
    let report = client::silent();
    let body = retried(|| client.get_run_body(id, &report)).await.map_err(|e| remote(url, e))?;
    let mut out = std::io::stdout().lock();
    if json {
        out.write_all(&body)?;
        if !body.ends_with(b"\n") {
            out.write_all(b"\n")?;
        }
        return Ok(out.flush()?);
    }
    let run: RunDetail = client::blocking(move || client::decode_run_head(&body).map(|(r, _)| r))
        .await
        .map_err(|e| remote(url, e))?;
    out.write_all(summary(&run).as_bytes())?;
    Ok(out.flush()?)
}

/// The run in a few lines: who, what, when, and each phase with its failing measurements.
fn summary(run: &RunDetail) -> String {
    let s = &run.summary;
    let mut t = String::new();
    let time = |d: &Option<chrono::DateTime<chrono::Utc>>| {
        d.map(|d| d.with_timezone(&chrono::Local).format("%Y-%m-%d %H:%M:%S %:z").to_string())
            .unwrap_or_default()
    };
    let outcome = s.outcome.as_ref().map(|o| o.as_str().to_string()).unwrap_or_default();
    let part = &s.unit.part;
    let rows = [
        ("id", s.id.clone()),
        ("outcome", outcome),
        ("serial", s.unit.serial_number.clone()),
        ("part", format!("{} {}", part.number, part.revision.number).trim().to_string()),
        ("batch", s.unit.batch.as_ref().map(|b| b.number.clone()).unwrap_or_default()),
        ("procedure", s.procedure.name.clone()),
        ("version", s.procedure.version.as_ref().map(|v| v.tag.clone()).unwrap_or_default()),
        ("station", s.created_by_station.as_ref().and_then(|x| x.name.clone()).unwrap_or_default()),
        (
            "operator",
            s.operated_by
                .as_ref()
                .and_then(|o| o.name.clone().or(o.email.clone()))
                .unwrap_or_default(),
        ),
        ("started", time(&s.started_at)),
        ("ended", time(&s.ended_at)),
        ("duration", s.duration.clone().unwrap_or_default()),
    ];
    for (k, v) in rows.iter().filter(|(_, v)| !v.is_empty()) {
        t.push_str(&format!("{k:<10} {v}\n"));
    }
    for (k, v) in s.metadata.iter().flatten() {
        t.push_str(&format!("{:<10} {k} = {v}\n", "metadata"));
    }
    for p in run.phases.as_deref().unwrap_or_default() {
        let o = p.outcome.as_ref().map(|o| o.as_str()).unwrap_or("");
        t.push_str(&format!("phase      {o:<8} {}\n", p.name));
        for m in p
            .measurements
            .iter()
            .filter(|m| m.outcome.as_ref().is_some_and(|o| o.as_str() == "FAIL"))
        {
            let v = m.measured_value.as_ref().map(|v| v.to_string()).unwrap_or_default();
            let u = m.units.clone().unwrap_or_default();
            t.push_str(&format!("             FAIL     {} = {v} {u}\n", m.name));
        }
    }
    for a in run.attachments.as_deref().unwrap_or_default() {
        t.push_str(&format!("attachment {}\n", a.name));
    }
    t
}
