//! `tofui runs create --json FILE|- [--ref REF]`: the API's run-create JSON, checked here by
//! the embedded server's own rules (each error names the field's path), then sent as it was
//! written. With a ref the create is idempotent, so a dropped answer is simply tried again.

use std::io::Read;

use reqwest::Method;
use serde_json::Value;

use super::{Failure, remote, retried};
use crate::api::create::RunCreate;
use crate::server::body::parse_json;
use crate::server::store::create::prepare;
use crate::server::store::ids::IdSource;
use crate::server::store::rows::Counters;
use crate::worker::ApiClient;

/// The body to send, read from `source` (`-`: stdin) and checked; `reference` becomes its
/// `client_run_ref`.
pub(super) fn read(source: &str, reference: Option<&str>) -> Result<Value, Failure> {
    let (name, bytes) = if source == "-" {
        let mut b = Vec::new();
        std::io::stdin()
            .read_to_end(&mut b)
            .map_err(|e| Failure::Usage(format!("cannot read stdin: {e}")))?;
        ("stdin".to_string(), b)
    } else {
        let b = std::fs::read(source)
            .map_err(|e| Failure::Usage(format!("cannot read {source}: {e}")))?;
        (source.to_string(), b)
    };
    check(&name, &bytes, reference)
}

/// `bytes` as a run create, or what is wrong with it (`NAME: Invalid phases[0].outcome: …`).
pub(super) fn check(name: &str, bytes: &[u8], reference: Option<&str>) -> Result<Value, Failure> {
    let bad = |m: String| Failure::Usage(format!("{name}: {m}"));
    let mut value: Value = parse_json(bytes).map_err(|e| bad(e.body.message))?;
    if let Some(r) = reference {
        if r.trim().is_empty() {
            return Err(Failure::Usage("--ref: the ref is empty".into()));
        }
        match value.as_object_mut() {
            Some(o) => o.insert("client_run_ref".into(), Value::String(r.to_string())),
            None => None,
        };
    }
    let text = value.to_string();
    let req: RunCreate = parse_json(text.as_bytes()).map_err(|e| bad(e.body.message))?;
    let mut counters = Counters { phase: 0, measurement: 0, log: 0 };
    prepare(&req, &mut IdSource::Random, &mut counters).map_err(|e| bad(e.body.message))?;
    Ok(value)
}

pub(super) async fn send(client: &ApiClient, url: &str, body: Value) -> Result<(), Failure> {
    let idempotent = body.get("client_run_ref").and_then(Value::as_str).is_some();
    let post = || client.send_json(Method::POST, &["runs"], &[], Some(&body));
    let answer = if idempotent { retried(post).await } else { post().await };
    let answer = answer.map_err(|e| match remote(url, e) {
        Failure::Remote(m) if !idempotent && m.starts_with("the network") => Failure::Remote(
            format!("{m} (the run may have been made: send it with --ref REF to retry safely)"),
        ),
        f => f,
    })?;
    let id = serde_json::from_slice::<Value>(&answer)
        .ok()
        .and_then(|v| v.get("id").and_then(Value::as_str).map(str::to_string))
        .ok_or_else(|| Failure::Remote("the server failed: its answer holds no run id".into()))?;
    println!("{id}");
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn message(r: Result<Value, Failure>) -> String {
        match r {
            Err(Failure::Usage(m)) => m,
            other => panic!("expected bad input, got {other:?}"),
        }
    }

    const GOOD: &str = r#"{"outcome":"PASS","procedure_id":"p1","serial_number":"SN-1",
        "started_at":"2026-01-01T10:00:00Z","ended_at":"2026-01-01T10:01:00Z",
        "phases":[{"name":"a","outcome":"PASS","started_at":"2026-01-01T10:00:00Z",
        "ended_at":"2026-01-01T10:00:10Z","measurements":[{"name":"v","outcome":"PASS"}]}]}"#;

    #[test]
    fn a_bad_field_is_named_by_its_path() {
        assert!(check("run.json", GOOD.as_bytes(), None).is_ok());
        let bad =
            GOOD.replace(r#"{"name":"v","outcome":"PASS"}"#, r#"{"name":"v","outcome":"PAS"}"#);
        let m = message(check("run.json", bad.as_bytes(), None));
        assert!(
            m.starts_with(
                "run.json: Invalid phases[0].measurements[0].outcome: unknown value `PAS`"
            ),
            "{m}"
        );
        let m = message(check("run.json", GOOD.replace("SN-1", " ").as_bytes(), None));
        assert!(m.contains("serial_number: must not be empty"), "{m}");
        let m = message(check("run.json", b"{\"outcome\": ", None));
        assert!(m.contains("Malformed JSON"), "{m}");
    }

    #[test]
    fn the_ref_goes_into_the_body() {
        let v = check("run.json", GOOD.as_bytes(), Some("station-7/0042")).expect("good");
        assert_eq!(v["client_run_ref"], "station-7/0042");
    }
}
