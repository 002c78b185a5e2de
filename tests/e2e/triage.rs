//! The real binary in a pseudo-terminal against the embedded server: `T` triages five demo
//! failures (three presets from the config, one more preset, one typed), `z` undoes the last,
//! and the runs are checked through the API, not through tofui.

use crate::common;

use common::pty::Tui;
use common::*;

const CONFIG: &str = "[triage]\nkey = \"disposition\"\npresets = [\"fixture\", \"retest\", \"real failure\", \"software\", \"cable\"]\n";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn triage_five_demo_failures_undo_one_and_check_through_the_api() {
    let s = TestServer::seeded_at(100, 11, this_hour()).await;
    // The failing runs in list order (newest first), as the API has them.
    let (_, page) = s.get("/runs?limit=100&include_metadata=true").await;
    let rows = page["data"].as_array().expect("rows");
    assert_eq!(rows.len(), 100);
    let failing: Vec<(String, String)> = rows
        .iter()
        .filter(|r| ["FAIL", "ERROR", "TIMEOUT"].contains(&r["outcome"].as_str().unwrap_or("")))
        .filter(|r| r["metadata"].get("disposition").is_none())
        .map(|r| {
            let serial = r["unit"]["serial_number"].as_str().expect("serial").to_string();
            (r["id"].as_str().expect("id").to_string(), serial)
        })
        .collect();
    assert!(failing.len() >= 6, "the demo has failures to triage: {}", failing.len());
    let n = failing.len();
    let dir = tempfile::tempdir().expect("dir");
    let config = dir.path().join("config.toml");
    std::fs::write(&config, CONFIG).expect("config");
    let url = s.running.url.clone();
    let expect = failing.clone();
    tokio::task::spawn_blocking(move || {
        let config = config.to_string_lossy();
        let mut t = Tui::start_env(&url, USER_KEY, &[], &[("TOFUI_CONFIG", &config)]);
        t.wait_for("the list", |s| s.contains("All runs 100"));
        t.send("T");
        for (k, key) in ["1", "2", "3", "5", "t"].iter().enumerate() {
            let (_, serial) = &expect[k];
            let at = format!("Triage {} of {n}", k + 1);
            t.wait_for(&at, |s| {
                s.contains(&at) && s.contains(serial.as_str()) && s.contains("5 cable")
            });
            if *key == "t" {
                t.send("t");
                t.wait_for("the prompt", |s| s.contains("disposition:"));
                t.send("operator error");
                t.send("\r");
            } else {
                t.send(key);
            }
        }
        let at = format!("Triage 6 of {n}");
        t.wait_for(&at, |s| s.contains(&at) && s.contains("5 recorded"));
        t.send("\x1b");
        t.wait_for("the list", |s| s.contains(&format!("5 of {n} recorded")));
        t.send("z");
        t.wait_for("the undo preview", |s| {
            s.contains("Undo the triage of") && s.contains("disposition (was operator error)")
        });
        t.send("\r");
        t.wait_for("the undo", |s| s.contains("undone:"));
        t.send("Q");
        t.wait_exit();
        t.assert_restored();
    })
    .await
    .expect("tui test");
    // Checked through the API.
    let want = ["fixture", "retest", "real failure", "cable"];
    for ((id, _), d) in failing.iter().zip(want) {
        let (_, run) = s.get(&format!("/runs/{id}")).await;
        assert_eq!(run["metadata"]["disposition"], d, "{id}");
    }
    let (_, undone) = s.get(&format!("/runs/{}", failing[4].0)).await;
    assert!(undone["metadata"].get("disposition").is_none(), "undone: {}", undone["metadata"]);
    for (id, _) in &failing[5..] {
        let (_, run) = s.get(&format!("/runs/{id}")).await;
        assert!(run["metadata"].get("disposition").is_none(), "{id} untouched");
    }
}
