//! The real binary in a pseudo-terminal against the embedded server over HTTP: first frame,
//! scrolling past a page boundary, a filter, the help overlay, quitting (and SIGHUP) with the
//! terminal restored.

use crate::common;

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use common::pty::Tui;
use common::*;

/// The selected-row position and the count of loaded rows from the status line ("12/200").
fn position(screen: &str) -> Option<(usize, usize)> {
    let status = screen.lines().rev().nth(1)?;
    let word = status
        .split_whitespace()
        .find(|w| w.contains('/') && w.chars().next().is_some_and(|c| c.is_ascii_digit()))?;
    let (a, b) = word.split_once('/')?;
    Some((a.replace(',', "").parse().ok()?, b.replace(',', "").parse().ok()?))
}

/// The screen once its first line, the filter, shows `query`.
fn wait_for_filter(t: &Tui, query: &str) -> String {
    t.wait_for(&format!("the filter {query}"), |s| {
        s.lines().next().is_some_and(|l| l.contains(query))
    })
}

async fn server(runs: usize) -> TestServer {
    TestServer::seeded_at(runs, 11, this_hour()).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn first_frame_scroll_filter_and_quit() {
    let s = server(320).await;
    let url = s.running.url.clone();
    let handle = tokio::task::spawn_blocking(move || {
        let mut t = Tui::start(&url, &[]);
        let first =
            t.wait_for("the first page", |s| s.contains("SN-") && position(s) == Some((1, 100)));
        assert!(first.contains("Outcome") && first.contains("all runs"), "{first}");
        assert!(!first.contains(USER_KEY), "the key is never drawn");

        // Past the page boundary: G goes to the last loaded row; the next page is already there
        // or comes; again, and the third page arrives.
        t.send("G");
        t.wait_for("the second page", |s| position(s).is_some_and(|(_, n)| n >= 200));
        t.send("G");
        let s2 = t.wait_for("row 200 selected", |s| {
            position(s).is_some_and(|(sel, n)| sel >= 200 && n >= 300)
        });
        assert!(s2.contains("SN-"));
        t.send("g");
        t.wait_for("back at the top", |s| position(s).is_some_and(|(sel, _)| sel == 1));

        // A filter: every visible row is a failure.
        t.send("/");
        t.wait_for("the filter line", |s| s.lines().any(|l| l.starts_with("/ ")));
        t.send("outcome:fail,error");
        t.send("\r");
        let filtered = t.wait_for("the filtered list", |s| {
            s.contains("outcome:FAIL,ERROR") && position(s).is_some()
        });
        let rows: Vec<&str> = filtered
            .lines()
            .skip(2)
            .take(20)
            .filter(|l| l.contains("SN-") || l.contains("PSU-") || l.contains("RF-"))
            .collect();
        assert!(!rows.is_empty(), "{filtered}");
        assert!(rows.iter().all(|l| l.contains("FAIL") || l.contains("ERROR")), "{filtered}");

        // A bad filter is explained and changes nothing.
        t.send("/");
        t.send(" since:tomorrow");
        t.send("\r");
        let bad = t.wait_for("the error", |s| s.contains("not a time"));
        assert!(bad.contains("^^^^^^^^"), "caret under the word: {bad}");
        t.send("\x1b");
        t.send("?");
        t.wait_for("the help overlay", |s| {
            s.contains("Keys: runs list") && s.contains("copy link")
        });
        t.send("\x1b");

        t.send("q");
        let status = t.wait_exit();
        assert!(status.success(), "exit status {status:?}");
        t.assert_restored();
        let log = std::fs::read_to_string(&t.log).expect("the log is written");
        assert!(log.contains("connecting") && log.contains(&url), "a log to look in: {log}");
        assert!(!log.contains(USER_KEY), "the key is never logged");
        // An http:// instance needs no CA roots: none are loaded (the system's take ~8 ms).
        assert!(!log.contains("CA root"), "no CA roots loaded for http: {log}");
        let raw = t.raw.lock().expect("raw").clone();
        assert!(!String::from_utf8_lossy(&raw).contains(USER_KEY));
    });
    handle.await.expect("tui test");
}

// SIGHUP is Unix's; Windows has no such signal to send.
#[cfg(unix)]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sighup_restores_the_terminal() {
    let s = server(20).await;
    let url = s.running.url.clone();
    tokio::task::spawn_blocking(move || {
        let mut t = Tui::start(&url, &["--live", "2"]);
        t.wait_for("rows", |s| s.contains("SN-") && s.contains("LIVE 2s"));
        t.signal("-HUP");
        t.wait_exit();
        t.assert_restored();
    })
    .await
    .expect("tui test");
}

/// `o` hands the run's link to the desktop's opener as one argument, `&` and all: no shell
/// re-parses it (issue 30; `dist/build-windows` checks the same of tofui.exe under Wine).
#[cfg(unix)]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn o_hands_a_link_with_an_ampersand_to_the_opener_whole() {
    use std::os::unix::fs::PermissionsExt;
    let s = server(5).await;
    let url = s.running.url.clone();
    tokio::task::spawn_blocking(move || {
        let dir = tempfile::tempdir().expect("dir");
        let opened = dir.path().join("opened");
        // A stand-in for the desktop's xdg-open: one line per argument it was given.
        let opener = dir.path().join("xdg-open");
        let script = format!("#!/bin/sh\nprintf '%s\\n' \"$@\" >>'{}'\n", opened.display());
        std::fs::write(&opener, script).expect("opener");
        std::fs::set_permissions(&opener, std::fs::Permissions::from_mode(0o755)).expect("chmod");
        let config = dir.path().join("config.toml");
        std::fs::write(
            &config,
            "run_url = \"https://tp.example/runs/{id}?tab=phases&from=tofui\"\n",
        )
        .expect("config");
        let path =
            format!("{}:{}", dir.path().display(), std::env::var("PATH").unwrap_or_default());
        let config = config.to_string_lossy().to_string();
        let env = [("PATH", path.as_str()), ("DISPLAY", ":99"), ("TOFUI_CONFIG", config.as_str())];
        let mut t = Tui::start_env(&url, USER_KEY, &[], &env);
        t.wait_for("rows", |s| s.contains("SN-") && position(s).is_some());
        t.send("o");
        let t0 = Instant::now();
        while !std::fs::read_to_string(&opened).is_ok_and(|o| !o.is_empty()) {
            assert!(t0.elapsed() < Duration::from_secs(10), "the opener was not started");
            std::thread::sleep(Duration::from_millis(20));
        }
        let got = std::fs::read_to_string(&opened).expect("opened");
        let lines: Vec<&str> = got.lines().collect();
        assert_eq!(lines.len(), 1, "one argument: {got:?}");
        let id = lines[0]
            .strip_prefix("https://tp.example/runs/")
            .and_then(|rest| rest.strip_suffix("?tab=phases&from=tofui"))
            .unwrap_or_else(|| panic!("the link cut or changed: {got:?}"));
        assert!(!id.is_empty() && !id.contains(['/', '?', '&']), "{got:?}");
        t.quit();
    })
    .await
    .expect("tui test");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_rejected_key_is_explained_not_a_stack_trace() {
    let s = server(5).await;
    let url = s.running.url.clone();
    tokio::task::spawn_blocking(move || {
        let mut t = Tui::start_with_key(&url, "wrong-key", &[]);
        let screen = t.wait_for("the explanation", |s| s.contains("The API key was rejected"));
        assert!(screen.contains("TOFUPILOT_API_KEY") && !screen.contains("wrong-key"), "{screen}");
        t.quit();
        t.assert_restored();
    })
    .await
    .expect("tui test");
}

/// A failing demo run with a binary attachment uploaded through the API's own flow.
async fn failing_run_with_attachment(s: &TestServer, bytes: &[u8]) -> (String, String) {
    let (_, page) = s.get("/runs?outcomes=FAIL&limit=20").await;
    // One whose first failure is inside a phase with logs: any failing demo run has both.
    let run = page["data"][0]["id"].as_str().expect("a failing demo run").to_string();
    let (status, att) = s
        .call(
            reqwest::Method::POST,
            &format!("/runs/{run}/attachments"),
            Some(r#"{"name":"board photo.bin"}"#),
        )
        .await;
    assert_eq!(status, 200, "{att}");
    let url = att["upload_url"].as_str().expect("upload url");
    let put = s.http.put(url).body(bytes.to_vec()).send().await.expect("upload");
    assert!(put.status().is_success());
    let (status, _) = s
        .call(
            reqwest::Method::POST,
            &format!("/attachments/{}/finalize", att["id"].as_str().expect("id")),
            None,
        )
        .await;
    assert_eq!(status, 200);
    let serial = page["data"][0]["unit"]["serial_number"].as_str().expect("serial").to_string();
    (run, serial)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn open_a_failing_run_jump_to_the_failure_read_its_logs_and_download() {
    let s = server(120).await;
    let bytes: Vec<u8> =
        (0..70_000u32).map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8).collect();
    let (run, serial) = failing_run_with_attachment(&s, &bytes).await;
    let url = s.running.url.clone();
    let downloads = tempfile::tempdir().expect("dir");
    let dir = downloads.path().to_path_buf();
    // A file of the same name already there must survive.
    std::fs::write(dir.join("board photo.bin"), b"keep me").expect("write");
    let expected = bytes.clone();
    tokio::task::spawn_blocking(move || {
        let dir_arg = dir.to_string_lossy().to_string();
        let mut t = Tui::start(&url, &["--download-dir", &dir_arg]);
        t.wait_for("rows", |s| s.contains("SN-") || s.contains("PSU-") || s.contains("RF-"));
        t.send("/");
        t.send(&format!("id:{run}"));
        t.send("\r");
        t.wait_for("the one run", |s| s.contains(&serial) && position(s) == Some((1, 1)));
        t.send("\r");
        let opened = t.wait_for("the run view", |s| s.contains("1 Phases") && s.contains("✗ FAIL"));
        assert!(opened.contains(&serial));
        t.send("f");
        let at = t.wait_for("the first failure", |s| s.contains("failure 1 of"));
        let row = at
            .lines()
            .find(|l| l.trim_start().starts_with("▾ ✗") || l.trim_start().starts_with("✗"))
            .unwrap_or_default()
            .to_string();
        assert!(
            row.contains("FAIL") || row.contains("ERROR"),
            "the cursor's row is a failure: {at}"
        );
        t.send("l");
        let logs =
            t.wait_for("the phase's logs", |s| s.contains("· phase ") && s.contains("lines"));
        assert!(logs.contains("a: all)"), "{logs}");
        t.send("3");
        t.wait_for("the attachments", |s| s.contains("board photo.bin"));
        t.send("\r");
        let saved = t.wait_for("the download", |s| s.contains("saved "));
        assert!(saved.contains("board photo (1).bin"), "a free name was chosen: {saved}");
        t.send("Q");
        assert!(t.wait_exit().success());
        t.assert_restored();
        let got = std::fs::read(dir.join("board photo (1).bin")).expect("downloaded file");
        assert_eq!(got.len(), expected.len());
        assert!(got == expected, "byte-identical");
        assert_eq!(std::fs::read(dir.join("board photo.bin")).expect("old file"), b"keep me");
        let leftovers: Vec<_> = std::fs::read_dir(&dir)
            .expect("dir")
            .filter_map(|e| e.ok())
            .map(|e| e.file_name())
            .filter(|n| n.to_string_lossy().contains("tofui-part"))
            .collect();
        assert!(leftovers.is_empty(), "no partial files: {leftovers:?}");
    })
    .await
    .expect("tui test");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tag_a_run_delete_another_and_upload_a_file_through_the_ui() {
    let s = server(40).await;
    let (_, page) = s.get("/runs?limit=3").await;
    let ids = row_ids(&page);
    let serials: Vec<String> = page["data"]
        .as_array()
        .expect("rows")
        .iter()
        .map(|r| r["unit"]["serial_number"].as_str().expect("serial").to_string())
        .collect();
    let files = tempfile::tempdir().expect("dir");
    let upload = files.path().join("board-photo.bin");
    let bytes: Vec<u8> =
        (0..120_000u32).map(|i| (i.wrapping_mul(2_654_435_761) >> 9) as u8).collect();
    std::fs::write(&upload, &bytes).expect("write");
    let downloads = tempfile::tempdir().expect("dir");
    let (url, dl_dir, up_path) =
        (s.running.url.clone(), downloads.path().to_path_buf(), upload.clone());
    let (first, second) = (serials[0].clone(), serials[1].clone());
    tokio::task::spawn_blocking(move || {
        let dl = dl_dir.to_string_lossy().to_string();
        let mut t = Tui::start(&url, &["--download-dir", &dl]);
        t.wait_for("rows", |s| s.contains(&first) && position(s) == Some((1, 40)));
        // Tag the first run: m, a, key, tab, value, enter, ctrl-s, enter.
        t.send("m");
        t.wait_for("the editor", |s| s.contains("Metadata of") && s.contains("shift"));
        t.send("a");
        t.send("triage");
        t.send("\t");
        t.send("bad solder joint");
        t.send("\r");
        t.send("\x13");
        t.wait_for("the review", |s| {
            s.contains("Save these changes?") && s.contains("+ triage = bad solder joint")
        });
        t.send("\r");
        t.wait_for("the acknowledgement", |s| s.contains("saved 1 change to 1 run"));
        // Delete the second run: j, D, enter.
        t.send("j");
        t.send("D");
        t.wait_for("the confirmation", |s| s.contains("Delete 1 run?") && s.contains(&second));
        t.send("\r");
        // Serials repeat (a unit's runs follow each other), so the count tells the row is gone;
        // which run went is checked through the API below.
        t.wait_for("the deletion", |s| s.contains("deleted 1 run") && s.contains("All runs 39"));
        // Upload to the first run, then download it back.
        t.send("g");
        t.send("\r");
        t.wait_for("the run view", |s| s.contains("1 Phases"));
        t.send("3");
        t.send("u");
        t.wait_for("the upload prompt", |s| s.contains("Upload an attachment"));
        t.send("\x15"); // ctrl-u clears the field
        t.send(&up_path.to_string_lossy().replace("board-photo.bin", "board-ph"));
        t.send("\t");
        t.wait_for("the completed path", |s| s.contains("board-photo.bin"));
        t.send("\r");
        t.wait_for("the upload", |s| s.contains("uploaded board-photo.bin"));
        t.wait_for("the new attachment", |s| {
            s.contains("board-photo.bin") && s.contains("Download (enter)")
        });
        // Its row: the last one.
        t.send("G");
        t.send("\r");
        t.wait_for("the download", |s| s.contains("saved "));
        t.send("Q");
        assert!(t.wait_exit().success());
        t.assert_restored();
    })
    .await
    .expect("tui test");
    // Checked through the API, not through tofui.
    let (_, run) = s.get(&format!("/runs/{}", ids[0])).await;
    assert_eq!(run["metadata"]["triage"], "bad solder joint");
    assert!(run["metadata"]["shift"].is_string(), "other keys kept");
    assert_eq!(s.get(&format!("/runs/{}", ids[1])).await.0, 404);
    assert_eq!(s.get(&format!("/runs/{}", ids[2])).await.0, 200);
    let got = std::fs::read(downloads.path().join("board-photo.bin")).expect("downloaded");
    assert!(got == bytes, "byte-identical round trip");
}

const TWO_VIEWS: &str = r#"# Line 2 triage — keep this comment
[[views]]
name = "Failures"
query = "outcome:fail,error"

# golden units, newest first
[[views]]
name = "Golden"
query = "sample:golden"
"#;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn views_from_the_config_switch_save_and_come_back_after_a_restart() {
    let s = server(200).await;
    let dir = tempfile::tempdir().expect("dir");
    let cfg = dir.path().join("config.toml");
    std::fs::write(&cfg, TWO_VIEWS).expect("config");
    let (url, cfg_s) = (s.running.url.clone(), cfg.to_string_lossy().to_string());
    tokio::task::spawn_blocking(move || {
        let mut t = Tui::start_env(&url, USER_KEY, &[], &[("TOFUI_CONFIG", &cfg_s)]);
        let first = t.wait_for("the two views", |s| {
            s.contains("1 Failures") && s.contains("2 Golden") && s.contains("outcome:FAIL,ERROR")
        });
        assert!(!first.contains("All runs"), "the config's views replace the defaults: {first}");
        t.send("2");
        t.wait_for("the second view", |s| {
            s.contains("sample:GOLDEN") || s.contains("sample:golden")
        });
        t.send("1");
        wait_for_filter(&t, "outcome:FAIL,ERROR");
        t.send("/");
        t.send("\x15outcome:pass");
        t.send("\r");
        wait_for_filter(&t, "outcome:PASS");
        t.send(":");
        t.send("w Passing");
        t.send("\r");
        t.wait_for("the saved view", |s| s.contains("3 Passing") && s.contains("views saved to"));
        t.quit();
        t.assert_restored();
        let text = std::fs::read_to_string(&cfg_s).expect("config");
        assert!(
            text.contains("# Line 2 triage — keep this comment")
                && text.contains("# golden units, newest first"),
            "{text}"
        );
        assert!(
            text.contains("name = \"Passing\"") && text.contains("query = \"outcome:PASS\""),
            "{text}"
        );
        assert!(
            text.contains("query = \"outcome:fail,error\""),
            "the first view keeps its filter: {text}"
        );
        // Restart: the third tab is there.
        let mut t = Tui::start_env(&url, USER_KEY, &[], &[("TOFUI_CONFIG", &cfg_s)]);
        t.wait_for("three views", |s| {
            s.contains("1 Failures") && s.contains("2 Golden") && s.contains("3 Passing")
        });
        t.send("3");
        wait_for_filter(&t, "outcome:PASS");
        t.quit();
    })
    .await
    .expect("tui test");
}

/// Issue 24 items 1–2: `:w NAME` writes that view only (another view's temporary filter stays
/// temporary and out of the file), and `:move`, `<`, `>` change the file's order, which a
/// restart then shows.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn saving_a_view_keeps_the_others_and_moves_reach_the_file() {
    let s = server(200).await;
    let dir = tempfile::tempdir().expect("dir");
    let cfg = dir.path().join("fresh").join("config.toml");
    let (url, cfg_s) = (s.running.url.clone(), cfg.to_string_lossy().to_string());
    tokio::task::spawn_blocking(move || {
        let names = |text: &str| -> Vec<String> {
            let doc: toml_edit::DocumentMut = text.parse().expect("the file is TOML");
            doc["views"]
                .as_array_of_tables()
                .expect("views")
                .iter()
                .map(|t| {
                    format!("{}={}", t["name"].as_str().unwrap(), t["query"].as_str().unwrap())
                })
                .collect()
        };
        let mut t = Tui::start_env(&url, USER_KEY, &[], &[("TOFUI_CONFIG", &cfg_s)]);
        t.wait_for("the default views", |s| s.contains("2 Failures") && s.contains("3 Last 24 h"));
        t.send("2");
        t.send("/");
        t.send("\x15since:7d\r");
        t.wait_for("the temporary filter", |s| s.contains("2 Failures*"));
        t.send("1");
        t.send("/");
        t.send("\x15station:\"line 1\"\r");
        t.wait_for("the second temporary filter", |s| s.contains("1 All runs*"));
        t.send(":");
        t.send("w Line1\r");
        t.wait_for("the new view saved", |s| s.contains("4 Line1") && s.contains("views saved"));
        let text = std::fs::read_to_string(&cfg_s).expect("config written");
        assert_eq!(
            names(&text),
            [
                "All runs=",
                "Failures=outcome:fail,error,timeout",
                "Last 24 h=since:24h",
                "Line1=station:\"line 1\""
            ],
            "only Line1 took a typed filter: {text}"
        );
        let screen = t.screen();
        assert!(screen.contains("2 Failures*"), "Failures' filter is still temporary: {screen}");
        assert!(!screen.contains("1 All runs*"), "All runs shows its saved filter: {screen}");
        t.send(":");
        t.send("move 1\r");
        t.wait_for("Line1 first", |s| s.contains("1 Line1") && s.contains("views saved"));
        let text = std::fs::read_to_string(&cfg_s).expect("config");
        assert_eq!(names(&text)[0], "Line1=station:\"line 1\"", "{text}");
        t.send(">");
        t.wait_for("Line1 second", |s| s.contains("2 Line1"));
        // The write is asynchronous: wait for the file rather than the footer.
        let t0 = Instant::now();
        let order = loop {
            let order = names(&std::fs::read_to_string(&cfg_s).expect("config"));
            if order[1].starts_with("Line1") || t0.elapsed() > Duration::from_secs(10) {
                break order;
            }
            std::thread::sleep(Duration::from_millis(20));
        };
        assert_eq!(
            order,
            [
                "All runs=",
                "Line1=station:\"line 1\"",
                "Failures=outcome:fail,error,timeout",
                "Last 24 h=since:24h"
            ]
        );
        t.quit();
        // Restart: the order and the filters from the file.
        let mut t = Tui::start_env(&url, USER_KEY, &[], &[("TOFUI_CONFIG", &cfg_s)]);
        let first = t.wait_for("the saved order", |s| {
            s.contains("1 All runs") && s.contains("2 Line1") && s.contains("3 Failures")
        });
        let tabs = first.lines().find(|l| l.contains("2 Line1")).expect("the tab bar");
        assert!(!tabs.contains('*'), "every view shows its saved filter: {first}");
        t.send("3");
        wait_for_filter(&t, "outcome:FAIL,ERROR,TIMEOUT");
        t.quit();
    })
    .await
    .expect("tui test");
}

/// Issue 26: a second start with the server down shows each view's rows from the local cache,
/// marked OFFLINE with their age; when the server is back, its rows replace them.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_offline_start_shows_the_cached_views() {
    let s = server(150).await;
    let cache = tempfile::tempdir().expect("dir");
    let url = s.running.url.clone();
    let cache_s = cache.path().to_string_lossy().to_string();
    let (u, c) = (url.clone(), cache_s.clone());
    let first = tokio::task::spawn_blocking(move || {
        let mut t = Tui::start_env(&u, USER_KEY, &[], &[("TOFUI_CACHE_DIR", &c)]);
        let first = t.wait_for("rows and the other views' counts", |s| {
            s.contains("SN-") && s.contains("2 Failures") && !s.contains("2 Failures …")
        });
        // The first run opened once: kept too.
        t.send("\r");
        let run = t.wait_for("the run view", |s| s.contains("1 Phases"));
        t.send("q");
        t.wait_for("back on the list", |s| s.contains("2 Failures"));
        t.quit();
        (first, run)
    })
    .await
    .expect("first start");
    let serial = |screen: &str| -> Vec<String> {
        screen
            .lines()
            .filter_map(|l| l.split_whitespace().find(|w| w.starts_with("SN-")).map(String::from))
            .collect()
    };
    let (first, run_online) = first;
    let online = serial(&first);
    assert!(online.len() > 5, "{first}");
    // The server goes away; its port refuses connections.
    let TestServer { running, .. } = s;
    running.stop().await;
    let offline = tokio::task::spawn_blocking(move || {
        let mut t = Tui::start_env(&url, USER_KEY, &[], &[("TOFUI_CACHE_DIR", &cache_s)]);
        // The other tabs have their cached counts too, though the server never answers.
        let counted = |s: &str| {
            s.split("2 Failures ")
                .nth(1)
                .is_some_and(|r| r.starts_with(|c: char| c.is_ascii_digit()))
        };
        let screen = t.wait_for("the cached rows and counts, offline", |s| {
            s.contains("OFFLINE · cached") && counted(s)
        });
        t.send("\r");
        let run = t.wait_for("the cached run, offline", |s| s.contains("1 Phases"));
        t.send("q");
        t.wait_for("back on the list", |s| s.contains("OFFLINE · cached"));
        t.send("2");
        let failures = t.wait_for("the second view from the cache", |s| {
            s.contains("OFFLINE · cached") && (s.contains("FAIL") || s.contains("ERROR"))
        });
        t.quit();
        t.assert_restored();
        let log = std::fs::read_to_string(&t.log).expect("log");
        assert!(!log.contains(USER_KEY), "the key is never logged");
        (screen, failures, run)
    })
    .await
    .expect("offline start");
    assert_eq!(serial(&offline.0), online, "the same rows as last seen:\n{}", offline.0);
    // The run's header line (outcome, serial, part, batch) as it was online.
    let head = |s: &str| s.lines().nth(1).unwrap_or_default().trim_end().to_string();
    assert_eq!(head(&offline.2), head(&run_online), "the run as kept");
    // The key is in no cache file, in any form it was given.
    for entry in std::fs::read_dir(cache.path()).expect("cache folder") {
        let path = entry.expect("entry").path();
        let bytes = std::fs::read(&path).expect("read");
        assert!(
            !bytes.windows(USER_KEY.len()).any(|w| w == USER_KEY.as_bytes()),
            "{} holds the key",
            path.display()
        );
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).expect("meta").permissions().mode() & 0o777;
            assert_eq!(mode, 0o600, "{} is private", path.display());
        }
    }
}

/// An example program built next to the tests (plain `cargo test` builds the examples; when
/// running one test target alone, `cargo build --examples` first).
fn example(name: &str) -> PathBuf {
    let exe = std::env::current_exe().expect("the test binary");
    let target = exe.parent().and_then(Path::parent).expect("the target directory");
    let path = target.join("examples").join(name);
    assert!(
        path.exists(),
        "{} is missing: `cargo test` builds it, or `cargo build --example {name}`",
        path.display()
    );
    path
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_background_panic_leaves_the_dashboard_and_a_ui_panic_restores_the_terminal() {
    let s = server(10).await;
    let url = s.running.url.clone();
    tokio::task::spawn_blocking(move || {
        // The dashboard with a seam: a background thread panics as the first rows are drawn,
        // the UI panics when the selection moves.
        let program = example("panic_restore");
        let mut t = Tui::start_program(&program, &url, USER_KEY, &[], &[("RUST_BACKTRACE", "0")]);
        let first =
            t.wait_for("rows", |s| s.contains("SN-") || s.contains("PSU-") || s.contains("RF-"));
        {
            let p = t.parser.lock().expect("parser");
            assert!(p.screen().alternate_screen(), "still the dashboard's screen");
            assert!(p.screen().hide_cursor(), "still the dashboard's cursor");
        }
        assert!(!first.contains("background panic"), "not printed over the dashboard: {first}");
        assert!(t.child.try_wait().expect("wait").is_none(), "still running");
        let log = std::fs::read_to_string(&t.log).expect("the log is written");
        assert!(log.contains("a background panic"), "the panic went to the log: {log}");
        t.send("j");
        let status = t.wait_exit();
        assert!(!status.success());
        t.assert_restored();
        let screen = t.screen();
        assert!(
            screen.contains("a deliberate panic"),
            "the message is on the normal screen: {screen}"
        );
    })
    .await
    .expect("tui test");
}

/// The line of the genealogy that marks the unit on view.
fn unit_here(screen: &str) -> Option<String> {
    screen.lines().find(|l| l.contains("◂ this unit")).map(str::to_string)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn scan_a_serial_walk_its_family_open_a_run_and_come_back() {
    let s = server(120).await;
    // A board inside a gateway, with its RF module: three levels.
    let (_, page) = s.get("/units?search_query=SYS-&limit=100").await;
    let mut pick = None;
    'find: for sys in page["data"].as_array().expect("units") {
        let (_, top) = s.get(&format!("/units/{}", sys["serial_number"].as_str().unwrap())).await;
        for child in top["children"].as_array().into_iter().flatten() {
            let serial = child["serial_number"].as_str().unwrap().to_string();
            let (_, c) = s.get(&format!("/units/{serial}")).await;
            if let Some(k) = c["children"].as_array().and_then(|k| k.first()) {
                pick = Some((serial, k["serial_number"].as_str().unwrap().to_string()));
                break 'find;
            }
        }
    }
    let (board, module) = pick.expect("a three-level assembly in the demo data");
    let url = s.running.url.clone();
    tokio::task::spawn_blocking(move || {
        let mut t = Tui::start(&url, &[]);
        t.wait_for("rows", |s| position(s).is_some());
        t.send("U");
        t.wait_for("the serial prompt", |s| s.contains("Serial:"));
        // Scanned in lower case, a character a millisecond: nothing lost, nothing reordered.
        t.scan(&board.to_lowercase());
        t.wait_for("the unit", |s| {
            s.contains("Genealogy") && unit_here(s).is_some_and(|l| l.contains(&board))
        });
        // To the sub-unit in the tree (just under this unit), and back.
        t.send("\t");
        t.send("j");
        t.send("\r");
        t.wait_for("the sub-unit", |s| unit_here(s).is_some_and(|l| l.contains(&module)));
        t.send("\x1b");
        t.wait_for("the board again", |s| unit_here(s).is_some_and(|l| l.contains(&board)));
        // Its newest run (shift-tab: back from the genealogy to the runs), and back.
        t.send("\x1b[Z");
        t.send("\r");
        t.wait_for("the run view", |s| s.contains("Phases") && s.contains(&board));
        // From the run, its unit is one key away.
        t.send("U");
        t.wait_for("the run's unit", |s| unit_here(s).is_some_and(|l| l.contains(&board)));
        t.send("\x1b");
        t.wait_for("the run view again", |s| s.contains("Phases") && unit_here(s).is_none());
        t.send("\x1b");
        t.wait_for("the unit again", |s| s.contains("Genealogy") && s.contains("First failure"));
        t.send("\x1b");
        t.wait_for("the list", |s| position(s).is_some());
        t.quit();
        t.assert_restored();
    })
    .await
    .expect("tui test");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_linux_console_and_vt100_get_ascii_and_vt100_no_colour() {
    let s = server(30).await;
    let url = s.running.url.clone();
    tokio::task::spawn_blocking(move || {
        // TERM, flags, whether colours are expected.
        for (term, args, colour) in [
            ("linux", &[][..], true),
            ("vt100", &[][..], false),
            ("xterm-256color", &["--ascii"][..], true),
        ] {
            let mut t = Tui::start_env(&url, USER_KEY, args, &[("TERM", term)]);
            t.wait_for("rows", |s| s.contains("SN-") && position(s).is_some());
            t.send("?");
            let help = t.wait_for("the help", |s| s.contains("Keys: runs list"));
            let odd: String = help.chars().filter(|c| !c.is_ascii()).collect();
            assert!(odd.is_empty(), "TERM={term} {args:?}: not ASCII {odd:?}\n{help}");
            assert!(help.contains("+ Keys: runs list -") && help.contains("j/Down"), "{help}");
            let coloured = {
                let p = t.parser.lock().expect("parser");
                let sc = p.screen();
                (0..24u16).any(|r| {
                    (0..80u16).any(|c| {
                        sc.cell(r, c).is_some_and(|x| x.fgcolor() != vt100::Color::Default)
                    })
                })
            };
            assert_eq!(coloured, colour, "TERM={term} {args:?}: colours");
            t.send("\x1b");
            t.send("q");
            assert!(t.wait_exit().success(), "TERM={term}");
            t.assert_restored();
        }
    })
    .await
    .expect("tui test");
}

// SIGHUP and file modes are Unix's.
#[cfg(unix)]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sighup_mid_edit_keeps_the_edits_and_the_next_start_offers_them_back() {
    let s = server(20).await;
    let url = s.running.url.clone();
    tokio::task::spawn_blocking(move || {
        let state = tempfile::tempdir().expect("dir");
        let log = state.path().join("tofui.log").to_string_lossy().to_string();
        let recovery_files = || -> Vec<PathBuf> {
            std::fs::read_dir(state.path())
                .expect("list")
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| {
                    p.file_name().is_some_and(|n| n.to_string_lossy().starts_with("edits-"))
                })
                .collect()
        };
        let mut t = Tui::start(&url, &["--log-file", &log]);
        t.wait_for("rows", |s| s.contains("SN-") && position(s).is_some());
        t.send("m");
        let ed = t.wait_for("the editor", |s| s.contains("Metadata of") && s.contains("shift"));
        let serial = ed
            .split("Metadata of ")
            .nth(1)
            .and_then(|rest| rest.split_whitespace().next())
            .expect("the serial in the title")
            .to_string();
        // One edit entered, one still being typed.
        t.send("a");
        t.send("triage");
        t.send("\t");
        t.send("bad solder joint");
        t.send("\r");
        t.send("a");
        t.send("rework");
        t.send("\t");
        t.send("true");
        t.wait_for("the value being typed", |s| s.contains("rework = true"));
        t.signal("-HUP");
        t.wait_exit();
        t.assert_restored();

        let files = recovery_files();
        assert_eq!(files.len(), 1, "one recovery file next to the log: {files:?}");
        let meta = std::fs::metadata(&files[0]).expect("recovery file");
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(meta.permissions().mode() & 0o777, 0o600, "only the user reads it");
        let text = std::fs::read_to_string(&files[0]).expect("read");
        let saved: serde_json::Value = serde_json::from_str(&text).expect("json");
        assert_eq!(saved["changes"]["triage"], "bad solder joint", "{text}");
        assert_eq!(saved["changes"]["rework"], true, "the line being typed too: {text}");
        assert_eq!(saved["instance"], url.as_str());
        assert_eq!(saved["targets"][0]["serial"], serial.as_str());
        assert!(!text.contains(USER_KEY), "never the key");

        // The next start offers them back; n would delete them, y restores them.
        let mut t = Tui::start(&url, &["--log-file", &log]);
        t.wait_for("the offer", |s| {
            s.contains("Unsaved metadata edits from last time")
                && s.contains("2 changes to")
                && s.contains(&format!("{serial}. Restore them?"))
        });
        t.send("x"); // a stray key neither restores nor deletes
        assert_eq!(recovery_files().len(), 1);
        t.send("y");
        let ed = t.wait_for("the edits restored in the editor", |s| {
            s.contains(&format!("Metadata of {serial}"))
                && s.contains("bad solder joint")
                && s.contains("rework")
                && s.contains("shift")
                && s.contains("2 unsaved change(s)")
        });
        assert!(!ed.contains("Unsaved metadata edits from last time"), "{ed}");
        let t0 = Instant::now();
        while !recovery_files().is_empty() {
            assert!(t0.elapsed() < Duration::from_secs(10), "the file is deleted once restored");
            std::thread::sleep(Duration::from_millis(20));
        }
        t.send("\x13");
        t.wait_for("the review", |s| s.contains("+ triage = bad solder joint"));
        t.send("\r");
        t.wait_for("saved", |s| s.contains("saved 2 changes to 1 run"));
        t.quit();

        // Declined: the file goes and nothing is offered again.
        let r = serde_json::json!({
            "instance": url, "targets": [{"run_id": "x", "serial": "SN-X"}],
            "changes": {"a": 1}
        });
        std::fs::write(&files[0], r.to_string()).expect("write");
        let mut t = Tui::start(&url, &["--log-file", &log]);
        t.wait_for("the offer", |s| s.contains("1 change to SN-X"));
        t.send("n");
        t.wait_for("declined", |s| s.contains("the saved edits were deleted"));
        t.quit();
        assert!(recovery_files().is_empty(), "declined edits are deleted");
    })
    .await
    .expect("tui test");
}

/// The insight panes from a filtered view of the real binary: `%` and `P` open over the list,
/// fill from the server, `w` shows the two-way table, `esc` comes back to the list as it was.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn yield_and_pareto_from_a_filtered_view_and_back() {
    let s = server(320).await;
    let url = s.running.url.clone();
    tokio::task::spawn_blocking(move || {
        let mut t = Tui::start(&url, &[]);
        t.wait_for("the first page", |s| s.contains("SN-") && position(s).is_some());
        t.send("/");
        t.send("station:\"Line 1\"");
        t.send("\r");
        t.wait_for("the filtered list", |s| {
            s.contains("station:\"Line 1\"") && position(s).is_some()
        });
        t.send("j");
        t.wait_for("row 2", |s| position(s).is_some_and(|(sel, _)| sel == 2));
        t.send("%");
        let y = t.wait_for("the yield pane, loaded", |s| {
            s.contains("Yield · station:\"Line 1\"")
                && s.contains(" runs ")
                && !s.contains("loaded…")
        });
        assert!(y.contains("first-pass") && y.contains("Line 1 ICT"), "{y}");
        assert!(!y.contains("RF Bench"), "only the filter's stations: {y}");
        t.send("\x1b");
        t.wait_for("the list, row 2 still selected", |s| {
            s.contains("station:\"Line 1\"") && position(s).is_some_and(|(sel, _)| sel == 2)
        });
        t.send("P");
        t.wait_for("the Pareto, loaded", |s| {
            s.contains("Failure Pareto") && s.contains("failures in") && !s.contains("loading")
        });
        t.send("w");
        t.wait_for("the two-way table", |s| s.contains("failures × station"));
        t.send("\x1b");
        t.wait_for("the list again", |s| position(s).is_some_and(|(sel, _)| sel == 2));
        t.quit();
        t.assert_restored();
    })
    .await
    .expect("tui test");
}

/// Issue 26: a metadata change saved while the server cannot be reached goes to the outbox
/// file at once; a SIGKILL loses nothing; the next start sends it when the server answers
/// (checked through the API), and a change to a run deleted meanwhile is reported and kept.
#[cfg(unix)]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_edit_saved_offline_survives_sigkill_and_is_sent_when_the_server_returns() {
    use common::netsim::{Link, LinkSim};
    let s = server(20).await;
    let link = LinkSim::start(&s.running.url, Link::LOOPBACK).await;
    let (_, page) = s.get("/runs?limit=2").await;
    let ids = row_ids(&page);
    let state = tempfile::tempdir().expect("dir");
    let log = state.path().join("tofui.log").to_string_lossy().to_string();
    let outbox = || -> Option<serde_json::Value> {
        let file = std::fs::read_dir(state.path())
            .ok()?
            .filter_map(|e| e.ok())
            .find(|e| e.file_name().to_string_lossy().starts_with("outbox-"))?;
        serde_json::from_str(&std::fs::read_to_string(file.path()).ok()?).ok()
    };
    let url = link.url();
    let link = std::sync::Arc::new(link);
    let l = link.clone();
    let (u, lg) = (url.clone(), log.clone());
    tokio::task::spawn_blocking(move || {
        let mut t = Tui::start(&u, &["--log-file", &lg]);
        t.wait_for("rows", |s| s.contains("SN-") && position(s) == Some((1, 20)));
        for (i, value) in ["seen offline", "on a deleted run"].iter().enumerate() {
            if i == 1 {
                t.send("j");
                t.wait_for("the second row", |s| position(s) == Some((2, 20)));
            }
            t.send("m");
            t.wait_for("the editor", |s| s.contains("Metadata of") && s.contains("shift"));
            l.set_down(true);
            t.send("a");
            t.send("triage");
            t.send("\t");
            t.send(value);
            t.send("\r");
            t.send("\x13");
            t.wait_for("the review", |s| s.contains("Save these changes?"));
            t.send("\r");
            t.wait_for("kept in the outbox", |s| s.contains("kept in the outbox"));
            t.wait_for("the list again", |s| s.contains("outbox") && !s.contains("Metadata of"));
            l.set_down(false);
        }
        // Offline again, and killed without warning.
        l.set_down(true);
        t.signal("-9");
        let _ = t.wait_exit();
    })
    .await
    .expect("first start");
    let kept = outbox().expect("the outbox file, written before the kill");
    let run_of = |e: &serde_json::Value| e["target"]["run_id"].as_str().unwrap_or("").to_string();
    assert_eq!(kept["entries"].as_array().map(Vec::len), Some(2), "{kept}");
    assert_eq!(run_of(&kept["entries"][0]), ids[0]);
    // The second run is deleted meanwhile; the server comes back.
    let (status, _) = s.call(reqwest::Method::DELETE, &format!("/runs?ids={}", ids[1]), None).await;
    assert_eq!(status, 200);
    link.set_down(false);
    assert!(outbox().is_some(), "nothing lost to the kill");
    let (u, lg) = (url.clone(), log.clone());
    let screen = tokio::task::spawn_blocking(move || {
        let mut t = Tui::start(&u, &["--log-file", &lg]);
        t.wait_for("rows", |s| s.contains("SN-"));
        // The deleted run's change stays, refused: `:outbox` says so.
        t.wait_for("one change left", |s| s.contains("outbox 1"));
        t.send(":outbox\r");
        let screen = t.wait_for("the outbox listed", |s| s.contains("refused"));
        t.quit();
        t.assert_restored();
        screen
    })
    .await
    .expect("second start");
    assert!(screen.contains("no longer exists"), "{screen}");
    let (_, run) = s.get(&format!("/runs/{}", ids[0])).await;
    assert_eq!(run["metadata"]["triage"], "seen offline", "sent: {}", run["metadata"]);
    let left = outbox().expect("the refused change kept");
    let entries = left["entries"].as_array().expect("entries");
    assert_eq!(entries.len(), 1);
    assert_eq!(run_of(&entries[0]), ids[1]);
    assert!(entries[0]["problem"].as_str().is_some_and(|p| p.contains("no longer exists")));
}
