//! The command line's small jobs: where the config is, writing the example, completions,
//! the version with its commit, and config problems reported with file and line.

use std::process::Command;

fn tofui(args: &[&str], env: &[(&str, &str)]) -> (bool, String, String) {
    let mut c = Command::new(env!("CARGO_BIN_EXE_tofui"));
    c.args(args).env_remove("TOFUI_CONFIG");
    for (k, v) in env {
        c.env(k, v);
    }
    let out = c.output().expect("run tofui");
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).to_string(),
        String::from_utf8_lossy(&out.stderr).to_string(),
    )
}

#[test]
fn config_path_follows_flag_then_environment() {
    let (ok, out, _) = tofui(&["config", "path"], &[("TOFUI_CONFIG", "/tmp/from-env.toml")]);
    assert!(ok && out.trim() == "/tmp/from-env.toml", "{out}");
    let (ok, out, _) = tofui(
        &["--config", "/tmp/from-flag.toml", "config", "path"],
        &[("TOFUI_CONFIG", "/tmp/from-env.toml")],
    );
    assert!(ok && out.trim() == "/tmp/from-flag.toml", "{out}");
    let (ok, out, _) = tofui(&["config", "path"], &[("XDG_CONFIG_HOME", "/tmp/xdg")]);
    assert!(ok && out.trim() == "/tmp/xdg/tofui/config.toml", "{out}");
}

#[test]
fn config_init_writes_the_example_once() {
    let dir = tempfile::tempdir().expect("dir");
    let path = dir.path().join("sub").join("config.toml");
    let p = path.to_string_lossy().to_string();
    let (ok, _, err) = tofui(&["--config", &p, "config", "init"], &[]);
    assert!(ok, "{err}");
    assert_eq!(std::fs::read_to_string(&path).expect("written"), tofui::config::EXAMPLE);
    std::fs::write(&path, "# mine\n").expect("write");
    let (ok, _, err) = tofui(&["--config", &p, "config", "init"], &[]);
    assert!(!ok && err.contains("exists already"), "{err}");
    assert_eq!(std::fs::read_to_string(&path).expect("read"), "# mine\n");
}

#[test]
fn completions_and_version() {
    for shell in ["bash", "zsh", "fish"] {
        let (ok, out, _) = tofui(&["completions", shell], &[]);
        assert!(ok && out.contains("tofui") && out.contains("serve"), "{shell}");
    }
    let (ok, out, _) = tofui(&["--version"], &[]);
    assert!(ok && out.starts_with(&format!("tofui {} (", env!("CARGO_PKG_VERSION"))), "{out}");
}

#[test]
fn an_unknown_profile_is_refused_before_the_screen_changes() {
    let dir = tempfile::tempdir().expect("dir");
    let cfg = dir.path().join("config.toml");
    std::fs::write(&cfg, "[[profiles]]\nname = \"lab\"\nurl = \"http://127.0.0.1:9\"\n")
        .expect("write");
    let (ok, _, err) = tofui(&["--config", &cfg.to_string_lossy(), "--profile", "line"], &[]);
    assert!(!ok && err.contains("no profile `line`") && err.contains("lab"), "{err}");
}

/// `--demo --print-server` gives a newcomer what the SDK or curl needs: the demo server's URL
/// and a key it accepts.
#[test]
fn the_demo_prints_its_server_url_and_a_key_that_works() {
    use std::io::{BufRead, BufReader};
    let data = tempfile::tempdir().expect("dir");
    let mut child = Command::new(env!("CARGO_BIN_EXE_tofui"))
        .args(["--demo", "--print-server"])
        .env("XDG_DATA_HOME", data.path())
        .env_remove("TOFUI_CONFIG")
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("run tofui");
    let mut out = String::new();
    for line in BufReader::new(child.stdout.take().expect("stdout")).lines() {
        let line = line.expect("line");
        out.push_str(&line);
        out.push('\n');
        if line.contains("Ctrl-C") {
            break;
        }
    }
    let url =
        out.split_whitespace().find(|w| w.starts_with("http://127.0.0.1:")).map(str::to_string);
    let key = out.split_whitespace().find(|w| w.starts_with("tp_demo_")).map(str::to_string);
    let answer = url.clone().zip(key.clone()).map(|(url, key)| {
        Command::new("curl")
            .args(["-s", "-o", "/dev/null", "-w", "%{http_code}", "-H"])
            .arg(format!("Authorization: Bearer {key}"))
            .arg(format!("{url}/api/v2/runs?limit=1"))
            .output()
            .map(|o| String::from_utf8_lossy(&o.stdout).to_string())
    });
    child.kill().expect("stop");
    let _ = child.wait();
    assert!(url.is_some() && key.as_ref().is_some_and(|k| !k.contains('…')), "{out}");
    assert_eq!(answer.and_then(Result::ok).as_deref(), Some("200"), "{out}");
}

/// `tofui cache path|stats|clear`: the file of this instance and key, what it holds, gone.
#[test]
fn cache_commands_find_describe_and_clear_this_keys_cache() {
    let dir = tempfile::tempdir().expect("dir");
    let d = dir.path().to_string_lossy().to_string();
    let env = |key: &'static str| {
        [
            ("TOFUI_CACHE_DIR", d.clone()),
            ("TOFUPILOT_API_KEY", key.to_string()),
            ("TOFUPILOT_URL", "https://tp.example".to_string()),
            ("TOFUI_CONFIG", "/nonexistent/config.toml".to_string()),
        ]
    };
    let run = |args: &[&str], key: &'static str| {
        let e = env(key);
        let e: Vec<(&str, &str)> = e.iter().map(|(k, v)| (*k, v.as_str())).collect();
        tofui(args, &e)
    };
    let (ok, path, err) = run(&["cache", "path"], "key-a");
    assert!(ok, "{err}");
    let path = path.trim().to_string();
    assert!(path.starts_with(&d) && path.ends_with(".sqlite3"), "{path}");
    assert!(!path.contains("key-a"));
    let (_, other, _) = run(&["cache", "path"], "key-b");
    assert_ne!(other.trim(), path, "another key, another file");
    let (ok, out, _) = run(&["cache", "stats"], "key-a");
    assert!(ok && out.contains("no cache yet"), "{out}");
    let cache = tofui::cache::Cache::open(std::path::Path::new(&path), 1 << 30).expect("cache");
    cache.put_run("r1", b"{}", 1);
    drop(cache);
    let (ok, out, _) = run(&["cache", "stats"], "key-a");
    assert!(ok && out.contains("runs       1") && out.contains("of 500 MB"), "{out}");
    let (ok, _, err) = run(&["cache", "clear"], "key-a");
    assert!(ok, "{err}");
    assert!(!std::path::Path::new(&path).exists(), "cleared");
    // --all: every cache file of the folder, and nothing else in it.
    let other = other.trim().to_string();
    tofui::cache::Cache::open(std::path::Path::new(&other), 1 << 30).expect("cache");
    let mine = dir.path().join("notes.sqlite3");
    std::fs::write(&mine, b"keep").expect("write");
    let (ok, out, err) = run(&["cache", "clear", "--all"], "key-a");
    assert!(ok, "{err}");
    assert!(!std::path::Path::new(&other).exists(), "{out}");
    assert!(mine.exists(), "a file that is not tofui's stays");
    let (ok, _, err) = tofui(&["cache", "path"], &[("TOFUPILOT_API_KEY", "")]);
    assert!(!ok && err.contains("no API key"), "{err}");
}
