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
