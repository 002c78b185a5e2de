//! `tofui runs ls|get|create` (issue 29, part 2): the real binary against the real embedded
//! server. Counts are checked against the server's raw answers, not against tofui's parsing.

use crate::common;

use std::collections::BTreeSet;

use common::{TestServer, USER_KEY};
use serde_json::Value;

struct Out {
    code: i32,
    stdout: String,
    stderr: String,
}

/// Runs `tofui ARGS` against `url` with `key`, stdin from `input`, away from the user's files.
async fn tofui(url: &str, key: &str, args: &[&str], input: Option<&str>) -> Out {
    tofui_configured(url, key, args, input, None).await
}

/// As [`tofui`], with this config file's text.
async fn tofui_configured(
    url: &str,
    key: &str,
    args: &[&str],
    input: Option<&str>,
    config: Option<&str>,
) -> Out {
    use tokio::io::AsyncWriteExt;
    let home = tempfile::tempdir().expect("home");
    if let Some(text) = config {
        std::fs::write(home.path().join("config.toml"), text).expect("config written");
    }
    let mut c = tokio::process::Command::new(env!("CARGO_BIN_EXE_tofui"));
    c.args(args)
        .env("TOFUPILOT_URL", url)
        .env("TOFUPILOT_API_KEY", key)
        .env("TOFUI_CONFIG", home.path().join("config.toml"))
        .env("TOFUI_LOG_FILE", home.path().join("tofui.log"))
        .env("TOFUI_CACHE_DIR", home.path().join("cache"))
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped());
    let mut child = c.spawn().expect("tofui starts");
    let mut stdin = child.stdin.take().expect("stdin");
    if let Some(i) = input {
        // A command may stop before it reads its input (`--readonly` refuses first): its
        // exit and output are what the tests check, so a closed pipe is not a failure.
        match stdin.write_all(i.as_bytes()).await {
            Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => {}
            other => other.expect("stdin written"),
        }
    }
    drop(stdin);
    let out = child.wait_with_output().await.expect("tofui ends");
    Out {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

async fn seeded(runs: usize) -> TestServer {
    TestServer::seeded_at(runs, 29, chrono::Utc::now()).await
}

/// Every run id the server lists for this query string, page by page (its raw answers).
async fn server_ids(s: &TestServer, query: &str) -> Vec<String> {
    let rows = server_rows(s, query).await;
    rows.iter().map(|r| r["id"].as_str().expect("id").to_string()).collect()
}

/// Every run the server lists for this query string, as its raw rows.
async fn server_rows(s: &TestServer, query: &str) -> Vec<Value> {
    let mut rows = Vec::new();
    let mut cursor: Option<i64> = None;
    loop {
        let c = cursor.map(|c| format!("&cursor={c}")).unwrap_or_default();
        let (status, page) = s.get(&format!("/runs?limit=100{query}{c}")).await;
        assert_eq!(status, 200, "{page}");
        rows.extend(page["data"].as_array().expect("rows").iter().cloned());
        match page["meta"]["next_cursor"].as_i64() {
            Some(n) if page["meta"]["has_more"] == true => cursor = Some(n),
            _ => return rows,
        }
    }
}

/// A CSV file's records (RFC 4180: quoted fields may hold commas, quotes and line breaks).
fn csv_records(text: &str) -> Vec<Vec<String>> {
    let (mut records, mut record, mut field) = (Vec::new(), Vec::new(), String::new());
    let mut chars = text.chars().peekable();
    let mut quoted = false;
    while let Some(c) = chars.next() {
        match (quoted, c) {
            (true, '"') if chars.peek() == Some(&'"') => {
                chars.next();
                field.push('"');
            }
            (true, '"') => quoted = false,
            (true, c) => field.push(c),
            (false, '"') => quoted = true,
            (false, ',') => record.push(std::mem::take(&mut field)),
            (false, '\r') => {}
            (false, '\n') => {
                record.push(std::mem::take(&mut field));
                records.push(std::mem::take(&mut record));
            }
            (false, c) => field.push(c),
        }
    }
    assert!(field.is_empty() && record.is_empty(), "the CSV ends with a line break");
    records
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ls_prints_json_jsonl_and_csv_that_parse_and_hold_every_matching_run() {
    let s = seeded(260).await;
    let url = &s.running.url;
    let everything: BTreeSet<String> = server_ids(&s, "").await.into_iter().collect();
    assert_eq!(everything.len() as i64, s.run_count().await);

    let json = tofui(url, USER_KEY, &["runs", "ls", "--all", "--json"], None).await;
    assert_eq!(json.code, 0, "{}", json.stderr);
    let rows: Vec<Value> = serde_json::from_str(&json.stdout).expect("one JSON array");
    let ids: BTreeSet<String> = rows.iter().map(|r| r["id"].as_str().expect("id").into()).collect();
    assert_eq!((rows.len(), &ids), (everything.len(), &everything), "each run once");
    // The API's rows as the API gives them: the same fields as its own first row.
    let (_, page) = s.get("/runs?limit=1").await;
    assert_eq!(rows[0], page["data"][0], "a row is the API's row");

    let jsonl = tofui(url, USER_KEY, &["runs", "ls", "--all", "--jsonl"], None).await;
    assert_eq!(jsonl.code, 0, "{}", jsonl.stderr);
    let lines: Vec<Value> = jsonl
        .stdout
        .lines()
        .map(|l| serde_json::from_str(l).expect("each line is one JSON object"))
        .collect();
    assert_eq!(lines, rows, "the same rows a line each");

    // A filter in the dashboard's language, a word with a space as the shell passes it.
    let fails = server_ids(&s, "&outcomes=FAIL").await;
    let (_, stations) = s.get("/stations?limit=100").await;
    let line2 = stations["data"]
        .as_array()
        .expect("stations")
        .iter()
        .find(|st| st["name"] == "Line 2 FCT")
        .map(|st| st["id"].as_str().expect("id").to_string())
        .expect("the demo has Line 2 FCT");
    let fails_line2 =
        server_ids(&s, &format!("&outcomes=FAIL&created_by_station_ids={line2}")).await;
    assert!(!fails_line2.is_empty() && fails_line2.len() < fails.len());
    let args = ["runs", "ls", "--all", "--csv", "outcome:fail", "station:Line 2 FCT"];
    let csv = tofui(url, USER_KEY, &args, None).await;
    assert_eq!(csv.code, 0, "{}", csv.stderr);
    let records = csv_records(&csv.stdout);
    let header: Vec<&str> = records[0].iter().map(String::as_str).collect();
    assert_eq!(header[12], "disposition");
    assert!(header[13..].iter().all(|h| h.starts_with("metadata.")), "{header:?}");
    assert_eq!(
        header[..12].join(","),
        concat!(
            "id,outcome,started_at,duration_s,serial_number,part_number,",
            "revision,procedure,version,station,operator,batch"
        ),
        "the columns of :export"
    );
    let got: Vec<String> = records[1..].iter().map(|r| r[0].clone()).collect();
    assert_eq!(got, fails_line2, "the server's failing runs of Line 2 FCT, newest first");
    assert!(records[1..].iter().all(|r| r[1] == "FAIL" && r[9] == "Line 2 FCT"));

    // --limit and --sort.
    let args = ["runs", "ls", "--limit", "7", "--sort", "duration:asc", "--csv"];
    let few = tofui(url, USER_KEY, &args, None).await;
    let records = csv_records(&few.stdout);
    assert_eq!(records.len(), 8, "a header and 7 runs: {}", few.stdout);
    let durations: Vec<f64> = records[1..].iter().map(|r| r[3].parse().expect("s")).collect();
    assert!(durations.windows(2).all(|w| w[0] <= w[1]), "{durations:?}");
    let (_, shortest) = s.get("/runs?limit=7&sort_by=duration&sort_order=asc").await;
    let want: Vec<&str> = shortest["data"]
        .as_array()
        .expect("rows")
        .iter()
        .map(|r| r["id"].as_str().expect("id"))
        .collect();
    let ids: Vec<&str> = records[1..].iter().map(|r| r[0].as_str()).collect();
    assert_eq!(ids, want);

    // Nothing matches: still a whole document.
    let none = tofui(url, USER_KEY, &["runs", "ls", "serial:NO-SUCH-*", "--json"], None).await;
    assert_eq!(
        (none.code, serde_json::from_str::<Value>(&none.stdout).ok()),
        (0, Some(Value::Array(vec![])))
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn csv_has_the_disposition_under_the_triage_key_and_the_metadata_columns() {
    let s = seeded(60).await;
    let url = &s.running.url;
    let fails = server_ids(&s, "&outcomes=FAIL").await;
    assert!(fails.len() >= 3, "the seed has failures: {}", fails.len());
    for (id, verdict) in [(&fails[0], "fixture"), (&fails[2], "real failure")] {
        let body = serde_json::json!({ "metadata": { "verdict": verdict } }).to_string();
        let path = format!("/runs/{id}/metadata");
        let (status, answer) = s.call(reqwest::Method::PATCH, &path, Some(&body)).await;
        assert_eq!(status, 200, "{answer}");
    }
    let config = Some("[triage]\nkey = \"verdict\"\n");
    let args = ["runs", "ls", "--all", "--csv", "outcome:fail"];
    let out = tofui_configured(url, USER_KEY, &args, None, config).await;
    assert_eq!(out.code, 0, "{}", out.stderr);
    let records = csv_records(&out.stdout);
    // The server's own rows (one page: the keys of the first page are every key).
    let rows = server_rows(&s, "&outcomes=FAIL&include_metadata=true").await;
    assert!(rows.len() <= 100 && rows.len() == records.len() - 1);
    let mut keys: Vec<String> = rows
        .iter()
        .flat_map(|r| r["metadata"].as_object().into_iter().flatten().map(|(k, _)| k.clone()))
        .collect();
    keys.sort();
    keys.dedup();
    assert!(keys.contains(&"fixture".to_string()) && keys.contains(&"verdict".to_string()));
    let mut want = vec!["disposition".to_string()];
    want.extend(keys.iter().map(|k| format!("metadata.{k}")));
    assert_eq!(records[0][12..], want[..], "disposition, then a column per metadata key");
    let cell = |v: &Value| match v {
        Value::Null => String::new(),
        Value::String(s) => s.clone(),
        v => v.to_string(),
    };
    for (record, row) in records[1..].iter().zip(&rows) {
        assert_eq!(record[0], row["id"].as_str().expect("id"));
        assert_eq!(record[12], cell(&row["metadata"]["verdict"]), "the disposition");
        for (i, k) in keys.iter().enumerate() {
            assert_eq!(record[13 + i], cell(&row["metadata"][k]), "metadata.{k} of {}", record[0]);
        }
    }
    let dispositions: Vec<&str> = records[1..].iter().map(|r| r[12].as_str()).collect();
    assert_eq!(dispositions.iter().filter(|d| !d.is_empty()).count(), 2, "{dispositions:?}");

    // --metadata names the columns: these keys, in this order.
    let args = ["runs", "ls", "--csv", "--metadata", "verdict,fixture", "outcome:fail"];
    let out = tofui_configured(url, USER_KEY, &args, None, config).await;
    assert_eq!(out.code, 0, "{}", out.stderr);
    let records = csv_records(&out.stdout);
    assert_eq!(records[0][12..], ["disposition", "metadata.verdict", "metadata.fixture"]);
    assert_eq!(records[1][12], records[1][13], "the disposition is the verdict");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn exit_codes_say_whether_the_server_the_network_or_the_input_failed() {
    let s = seeded(20).await;
    let url = &s.running.url;
    let bad_key = tofui(url, "not-a-key", &["runs", "ls", "--json"], None).await;
    assert_eq!(bad_key.code, 1, "{}", bad_key.stderr);
    assert!(bad_key.stderr.contains("the server failed") && bad_key.stderr.contains("401"));
    assert!(bad_key.stdout.is_empty(), "no half document: {}", bad_key.stdout);
    assert!(!bad_key.stderr.contains("not-a-key"), "the key is never printed");

    // A server that takes the connection and drops it without an answer.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let dropped = format!("http://{}", listener.local_addr().expect("addr"));
    let accepted = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let n = accepted.clone();
    std::thread::spawn(move || {
        for c in listener.incoming() {
            n.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            drop(c);
        }
    });
    let gone = tofui(&dropped, USER_KEY, &["runs", "ls"], None).await;
    assert_eq!(gone.code, 1, "{}", gone.stderr);
    assert!(gone.stderr.contains("the network failed"), "{}", gone.stderr);
    let tried = accepted.load(std::sync::atomic::Ordering::SeqCst);
    assert!(tried >= 1, "it did try");

    // A bad filter word: underlined, exit 2, nothing sent.
    let bad = tofui(&dropped, USER_KEY, &["runs", "ls", "outcome:fial", "since:24h"], None).await;
    assert_eq!(bad.code, 2, "{}", bad.stderr);
    let lines: Vec<&str> = bad.stderr.lines().collect();
    assert!(lines[0].contains("`fial` is not a run outcome"), "{}", bad.stderr);
    assert_eq!(&lines[1..3], ["  outcome:fial since:24h", "          ^^^^"]);
    assert_eq!(accepted.load(std::sync::atomic::Ordering::SeqCst), tried, "nothing was sent");

    // Bad usage: clap's own exit 2; a name that matches nothing is bad input too.
    let usage = tofui(url, USER_KEY, &["runs", "ls", "--limit", "0"], None).await;
    assert_eq!(usage.code, 2, "{}", usage.stderr);
    let sort = tofui(url, USER_KEY, &["runs", "ls", "--sort", "colour"], None).await;
    assert_eq!(sort.code, 2, "{}", sort.stderr);
    let nobody = tofui(url, USER_KEY, &["runs", "ls", "station:Nowhere"], None).await;
    assert_eq!((nobody.code, nobody.stderr.trim()), (2, "tofui: no station matches `Nowhere`"));
    let missing = tofui(url, USER_KEY, &["runs", "get", "no-such-run"], None).await;
    assert_eq!(missing.code, 1, "{}", missing.stderr);
    assert!(missing.stderr.contains("404"), "{}", missing.stderr);
}

fn create_body(procedure_id: &str, serial: &str) -> String {
    serde_json::json!({
        "outcome": "FAIL",
        "procedure_id": procedure_id,
        "serial_number": serial,
        "part_number": "PCB-REWORK",
        "revision_number": "B",
        "started_at": "2026-12-01T10:00:00Z",
        "ended_at": "2026-12-01T10:02:00Z",
        "operated_by": "bench operator",
        "metadata": {"rework": true, "bench": "B-3"},
        "phases": [{
            "name": "Visual inspection",
            "outcome": "FAIL",
            "started_at": "2026-12-01T10:00:00Z",
            "ended_at": "2026-12-01T10:02:00Z",
            "measurements": [{
                "name": "solder_bridges", "outcome": "FAIL", "measured_value": 2,
                "units": "count", "validators": [{"operator": "<=", "expected_value": 0}]
            }]
        }]
    })
    .to_string()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn create_checks_the_json_names_the_bad_field_and_a_ref_makes_one_run() {
    let s = seeded(10).await;
    let url = &s.running.url;
    let (_, procs) = s.get("/procedures?limit=1").await;
    let proc_id = procs["data"][0]["id"].as_str().expect("a procedure").to_string();
    let before = s.run_count().await;

    let body: Value = serde_json::from_str(&create_body(&proc_id, "SN-CLI-1")).expect("json");
    let mut wrong = body.clone();
    wrong["phases"][0]["measurements"][0]["outcome"] = "FALE".into();
    let out =
        tofui(url, USER_KEY, &["runs", "create", "--json", "-"], Some(&wrong.to_string())).await;
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(
        out.stderr
            .contains("stdin: Invalid phases[0].measurements[0].outcome: unknown value `FALE`"),
        "{}",
        out.stderr
    );
    let mut late = body.clone();
    late["ended_at"] = "2026-12-01T09:00:00Z".into();
    let dir = tempfile::tempdir().expect("dir");
    let file = dir.path().join("run.json");
    std::fs::write(&file, late.to_string()).expect("write");
    let path = file.to_string_lossy().to_string();
    let out = tofui(url, USER_KEY, &["runs", "create", "--json", &path], None).await;
    assert_eq!(out.code, 2);
    assert!(
        out.stderr.contains("run.json: Invalid ended_at: is before started_at"),
        "{}",
        out.stderr
    );
    let out =
        tofui(url, USER_KEY, &["runs", "create", "--json", "-"], Some("{\"outcome\": [")).await;
    assert_eq!(out.code, 2);
    assert!(out.stderr.contains("Malformed JSON"), "{}", out.stderr);
    assert_eq!(s.run_count().await, before, "nothing bad was made");

    // A good one, twice under one ref (a retry after a lost answer): one run.
    let text = body.to_string();
    let args = ["runs", "create", "--json", "-", "--ref", "bench-3/0001"];
    let first = tofui(url, USER_KEY, &args, Some(&text)).await;
    assert_eq!(first.code, 0, "{}", first.stderr);
    let again = tofui(url, USER_KEY, &args, Some(&text)).await;
    assert_eq!((again.code, again.stdout.trim()), (0, first.stdout.trim()));
    assert_eq!(s.run_count().await, before + 1);
    let id = first.stdout.trim();

    // What the official SDK reads for it is what was sent.
    let run = s.sdk.runs().get().id(id).send().await.expect("the SDK reads the run");
    assert_eq!(run.unit.serial_number, "SN-CLI-1");
    assert_eq!(run.phases.as_ref().map(Vec::len), Some(1));
    let got = tofui(url, USER_KEY, &["runs", "get", id, "--json"], None).await;
    let v: Value = serde_json::from_str(&got.stdout).expect("the run's JSON");
    assert_eq!(v["metadata"]["bench"], "B-3");
    assert_eq!(v["phases"][0]["measurements"][0]["measured_value"], 2.0);
    let text = tofui(url, USER_KEY, &["runs", "get", id], None).await;
    assert!(
        text.stdout.contains("SN-CLI-1") && text.stdout.contains("solder_bridges"),
        "{}",
        text.stdout
    );

    // Readonly refuses it before sending.
    let ro =
        tofui(url, USER_KEY, &["runs", "create", "--json", "-", "--readonly"], Some(&text.stdout))
            .await;
    assert_eq!(ro.code, 2, "{}", ro.stderr);
    assert_eq!(s.run_count().await, before + 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn completions_cover_the_runs_commands() {
    for shell in ["bash", "zsh", "fish"] {
        let out = tofui("http://127.0.0.1:9", "k", &["completions", shell], None).await;
        assert_eq!(out.code, 0);
        for word in ["runs", "ls", "get", "create"] {
            assert!(out.stdout.contains(word), "{shell} completes {word}");
        }
        for flag in ["jsonl", "csv", "all", "limit", "sort", "ref"] {
            let spelled = if shell == "fish" { format!("-l {flag}") } else { format!("--{flag}") };
            assert!(out.stdout.contains(&spelled), "{shell} completes --{flag}");
        }
    }
}

/// The peak resident memory of `tofui ARGS` (Linux: `VmHWM`, read while it runs), in KiB,
/// and how many lines it printed.
#[cfg(target_os = "linux")]
async fn peak_rss_kib(url: &str, args: &[&str]) -> (u64, usize) {
    use tokio::io::AsyncBufReadExt;
    let home = tempfile::tempdir().expect("home");
    let mut child = tokio::process::Command::new(env!("CARGO_BIN_EXE_tofui"))
        .args(args)
        .env("TOFUPILOT_URL", url)
        .env("TOFUPILOT_API_KEY", USER_KEY)
        .env("TOFUI_CONFIG", home.path().join("none.toml"))
        .env("TOFUI_LOG_FILE", home.path().join("tofui.log"))
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("tofui starts");
    let status = format!("/proc/{}/status", child.id().expect("pid"));
    let mut lines = tokio::io::BufReader::new(child.stdout.take().expect("stdout")).lines();
    let (mut peak, mut n) = (0, 0);
    let mut tick = tokio::time::interval(std::time::Duration::from_millis(5));
    loop {
        tokio::select! {
            line = lines.next_line() => match line.expect("read") {
                Some(_) => n += 1,
                None => break,
            },
            _ = tick.tick() => {}
        }
        let hwm = std::fs::read_to_string(&status).ok().and_then(|s| {
            let l = s.lines().find(|l| l.starts_with("VmHWM:"))?.to_string();
            l.split_whitespace().nth(1)?.parse::<u64>().ok()
        });
        peak = peak.max(hwm.unwrap_or(0));
    }
    assert!(child.wait().await.expect("ends").success());
    (peak, n)
}

/// `--all` streams: listing 20,000 runs peaks no higher than listing 2,000 (one page is held
/// at a time). Holding the rows would add their ~20 MB of JSON.
#[cfg(target_os = "linux")]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn all_over_20000_runs_holds_memory_flat() {
    let s = seeded(20_000).await;
    let url = &s.running.url;
    let (few, n_few) = peak_rss_kib(url, &["runs", "ls", "--limit", "2000", "--jsonl"]).await;
    let (all, n_all) = peak_rss_kib(url, &["runs", "ls", "--all", "--jsonl"]).await;
    assert_eq!((n_few, n_all as i64), (2000, s.run_count().await));
    println!("peak RSS: 2,000 runs {few} KiB, 20,000 runs {all} KiB");
    assert!(few > 0 && all > 0, "VmHWM was read");
    assert!(all < few + 4 * 1024, "2,000 runs peak at {few} KiB, 20,000 at {all} KiB");
}
