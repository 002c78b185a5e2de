//! Reading a range by time slices gives exactly what reading it by offset gives: the newest
//! `max` runs less those at the last one's instant (ties across the cut), every run of a
//! range without a cap, also from a server whose time bounds exclude their instant; and no page
//! is asked for deep into the list. Against a small server of runs held in memory.

use std::collections::{BTreeSet, HashMap};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::extract::{Query, State};
use serde_json::{Value, json};

use crate::worker::population::{Ask, Params};
use crate::worker::{ApiClient, ClientConfig, Shared, Task};

/// Runs (id, start ms), newest first; whether `started_*` exclude their instant; the deepest
/// cursor asked for.
struct Runs {
    all: Vec<(String, i64)>,
    exclusive: bool,
    deepest: Mutex<usize>,
}

fn at(ms: i64) -> String {
    chrono::DateTime::from_timestamp_millis(ms).expect("ms").to_rfc3339()
}

async fn list(State(runs): State<Arc<Runs>>, Query(q): Query<Vec<(String, String)>>) -> String {
    let get = |k: &str| q.iter().find(|(key, _)| key == k).map(|(_, v)| v.clone());
    let ms = |k: &str| {
        get(k)
            .and_then(|v| chrono::DateTime::parse_from_rfc3339(&v).ok())
            .map(|t| t.timestamp_millis())
    };
    let (after, before) = (ms("started_after"), ms("started_before"));
    let mut rows: Vec<&(String, i64)> =
        runs.all.iter().filter(|(_, t)| runs.within(*t, after, before)).collect();
    if get("sort_order").as_deref() == Some("asc") {
        rows.reverse();
    }
    let limit: usize = get("limit").and_then(|v| v.parse().ok()).unwrap_or(50);
    let cursor: usize = get("cursor").and_then(|v| v.parse().ok()).unwrap_or(0);
    let mut deepest = runs.deepest.lock().expect("lock");
    *deepest = (*deepest).max(cursor);
    let page: Vec<Value> = rows
        .iter()
        .skip(cursor)
        .take(limit)
        .map(|(id, t)| json!({"id": id, "started_at": at(*t), "procedure": {"id": "p"}}))
        .collect();
    let more = rows.len() > cursor + limit;
    json!({"data": page, "meta": {"has_more": more, "next_cursor": more.then_some(cursor + limit)}})
        .to_string()
}

impl Runs {
    /// Whether a run started at `t` is in `after..before` as this server reads the bounds.
    fn within(&self, t: i64, after: Option<i64>, before: Option<i64>) -> bool {
        let ex = self.exclusive;
        after.is_none_or(|a| if ex { t > a } else { t >= a })
            && before.is_none_or(|b| if ex { t < b } else { t <= b })
    }
}

/// 1,000 runs a minute apart, five of them sharing the 300th newest's instant.
fn runs(exclusive: bool) -> Runs {
    let t0 = 1_790_000_000_000;
    let mut all: Vec<(String, i64)> =
        (0..1_000i64).map(|i| (format!("run-{i:04}"), t0 - i * 60_000)).collect();
    for (_, t) in &mut all[300..305] {
        *t = t0 - 300 * 60_000;
    }
    Runs { all, exclusive, deepest: Mutex::new(0) }
}

async fn task(runs: Arc<Runs>) -> Task {
    let app = axum::Router::new().route("/api/v2/runs", axum::routing::get(list)).with_state(runs);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let url = format!("http://{}", listener.local_addr().expect("addr"));
    tokio::spawn(async move { axum::serve(listener, app).await });
    let client = ApiClient::new(&ClientConfig {
        url,
        api_key: "k".into(),
        ca_cert: None,
        timeout: Duration::from_secs(10),
    })
    .expect("client");
    let (out, _) = tokio::sync::mpsc::unbounded_channel();
    Task { id: 1, client, out, shared: Arc::new(Shared::default()), failing: Default::default() }
}

/// What `fetch_range` reads of `range` up to `max`: the ids kept (by the returned bound) and
/// the bound; each id given once.
async fn read(t: &Task, range: (i64, i64), max: usize) -> (BTreeSet<String>, Option<i64>) {
    let mut got: HashMap<String, i64> = HashMap::new();
    let params: Params = Vec::new();
    let from = t
        .fetch_range(Ask::Once, &params, range, max, |rows, bad| {
            assert_eq!(bad, 0);
            for r in rows {
                assert!(
                    got.insert(r.kept.id.clone(), r.kept.started_ms).is_none(),
                    "{}",
                    r.kept.id
                );
            }
        })
        .await
        .expect("read");
    let kept = got.into_iter().filter(|(_, t)| from.is_none_or(|f| *t >= f)).map(|(id, _)| id);
    (kept.collect(), from)
}

#[tokio::test]
async fn slices_read_what_offsets_read() {
    for exclusive in [false, true] {
        let runs = Arc::new(runs(exclusive));
        let t = task(runs.clone()).await;
        let all = &runs.all;
        // The newest 302: the 302nd shares its instant with the two before it and two older
        // runs, so the cut leaves all five out and says the span read starts just after them.
        let (ids, from) = read(&t, (i64::MIN, i64::MAX), 302).await;
        let want: BTreeSet<String> = all[..300].iter().map(|(id, _)| id.clone()).collect();
        assert_eq!(from, Some(all[300].1 + 1), "exclusive bounds: {exclusive}");
        assert_eq!(ids, want, "exclusive bounds: {exclusive}");
        // Without a cap, a window: every run the server holds in it.
        let (lo, hi) = (all[900].1, all[50].1);
        let (ids, from) = read(&t, (lo, hi), usize::MAX).await;
        let inside = all.iter().filter(|(_, t)| runs.within(*t, Some(lo), Some(hi)));
        let want: BTreeSet<String> = inside.map(|(id, _)| id.clone()).collect();
        assert!(want.len() >= 849, "{}", want.len());
        assert_eq!((ids, from), (want, None), "exclusive bounds: {exclusive}");
        // Every run, no bound at all.
        let (ids, _) = read(&t, (i64::MIN, i64::MAX), usize::MAX).await;
        assert_eq!(ids.len(), all.len());
        // No page deeper than a slice holds: 1,000 runs by offset go to 900.
        let deepest = *runs.deepest.lock().expect("lock");
        assert!(deepest < 500, "deepest cursor {deepest}");
    }
}
