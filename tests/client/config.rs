//! The configuration file: every kind of mistake names its file and line and leaves the rest
//! working; views saved from the app keep the file's comments; a broken file is never
//! rewritten.

use tofui::config::{ViewConfig, ViewEntry, load, parse, save_views};

/// (file text, line of the problem, part of its message)
const BAD: &[(&str, usize, &str)] = &[
    ("theme = \"dark\"\n", 1, "theme = \"dark\" is not one of"),
    ("live_seconds = 10\ncache = \"off\"\n", 2, "cache must be true or false"),
    ("cache_max_mb = 1\n", 1, "cache_max_mb must be a whole number from 10"),
    ("live_seconds = 10\ncolour = \"red\"\n", 2, "unknown key `colour`"),
    (
        "[[views]]\nname = \"Broken\"\nquery = \"outcome:maybe\"\n",
        3,
        "view `Broken`: query `outcome:maybe`",
    ),
    (
        "[[views]]\nname = \"S\"\nquery = \"\"\nsort = \"name\"\n",
        4,
        "sort = \"name\" is not one of",
    ),
    ("[[views]]\nquery = \"since:24h\"\n", 1, "a view needs a name"),
    ("[[views]]\nname = \"A\"\n\n[[views]]\nname = \"A\"\n", 4, "two views are named `A`"),
    ("live_seconds = 0\n", 1, "live_seconds must be"),
    ("live_seconds = \"ten\"\n", 1, "live_seconds must be"),
    ("[colors]\npass = \"greenish\"\n", 2, "colors.pass"),
    ("[keys.list]\nopen = 5\n", 2, "keys.list.open must be"),
    ("default_profile = \"lab\"\n", 1, "names no [[profiles]]"),
    (
        "[[profiles]]\nname = \"cloud\"\nkey = \"tp_secret\"\n",
        3,
        "the key itself never goes in the config",
    ),
    (
        "[[profiles]]\nname = \"cloud\"\n\n[[profiles.views]]\nname = \"X\"\nquery = \"since:yesterday\"\n",
        6,
        "profile `cloud`: view `X`",
    ),
    ("theme = \"default\"\n[oops\n", 2, "not valid TOML"),
    ("download_dir = 7\n", 1, "download_dir must be a string"),
    ("live_seconds = 5\nsymbols = \"fancy\"\n", 2, "not one of: auto, unicode, ascii"),
    ("run_url = \"https://tp.example.com/runs/\"\n", 1, "with {id} where the run's id goes"),
    (
        "[[profiles]]\nname = \"cloud\"\nrun_url = \"tp.example.com/{id}\"\n",
        3,
        "profile `cloud`: run_url",
    ),
];

#[test]
fn run_url_is_read_at_the_top_and_per_profile() {
    let text = "run_url = \"https://tp.example.com/acme/runs/{id}\"\n[[profiles]]\nname = \"lab\"\nrun_url = \"http://lab:3000/r/{id}?tab=phases\"\n";
    let (s, problems, _) = parse(text);
    assert!(problems.is_empty(), "{problems:?}");
    assert_eq!(s.run_url.as_deref(), Some("https://tp.example.com/acme/runs/{id}"));
    assert_eq!(s.profiles[0].run_url.as_deref(), Some("http://lab:3000/r/{id}?tab=phases"));
}

#[test]
fn every_mistake_names_its_line_and_the_rest_still_loads() {
    for (text, line, msg) in BAD {
        let (_, problems, _) = parse(text);
        assert_eq!(problems.len(), 1, "{text:?}: {problems:?}");
        assert_eq!(problems[0].line, *line, "{text:?}: {problems:?}");
        assert!(problems[0].message.contains(msg), "{text:?}: {}", problems[0].message);
    }
    // Good parts survive next to bad ones.
    let (s, problems, writable) = parse(
        "theme = \"light\"\nlive_seconds = 99999\n[[views]]\nname = \"Fails\"\nquery = \"outcome:fail\"\n",
    );
    assert_eq!(
        (s.theme.as_deref(), s.views.len(), problems.len(), writable),
        (Some("light"), 1, 1, true)
    );
}

#[test]
fn problems_name_the_file_too() {
    let dir = tempfile::tempdir().expect("dir");
    let path = dir.path().join("config.toml");
    std::fs::write(&path, "live_seconds = 10\nthme = \"light\"\n").expect("write");
    let c = load(&path);
    assert_eq!(
        c.problem_lines(),
        vec![format!(
            "{}:2: unknown key `thme`; known: default_profile, profiles, views, theme, colors, keys, download_dir, live_seconds, date_format, time_zone, symbols, triage, alert, run_url, cache, cache_max_mb",
            path.display()
        )]
    );
    assert_eq!(c.settings.live_seconds, Some(10));
    // A missing file is an empty config, and can be written.
    let c = load(&dir.path().join("none.toml"));
    assert!(c.problems.is_empty() && c.writable);
}

const WITH_COMMENTS: &str = r#"# My tofui setup — keep this comment
default_profile = "line"

[[profiles]]
name = "line"   # the line PC
url = "http://127.0.0.1:3000"
key_env = "LINE_KEY"

# Failures first, always.
[[profiles.views]]
name = "Failures"
query = "outcome:fail,error"   # no timeouts here

[[profiles.views]]
name = "Golden"
query = "sample:golden"
"#;

#[test]
fn saving_views_keeps_comments_and_layout() {
    let dir = tempfile::tempdir().expect("dir");
    let path = dir.path().join("config.toml");
    std::fs::write(&path, WITH_COMMENTS).expect("write");
    let v = ViewConfig::new;
    // Rename Golden, keep Failures, add a third with a sort.
    let entries = vec![
        ViewEntry { origin: Some("Failures".into()), view: v("Failures", "outcome:fail,error") },
        ViewEntry { origin: Some("Golden".into()), view: v("Golden units", "sample:golden") },
        ViewEntry {
            origin: None,
            view: ViewConfig {
                sort: Some("duration".into()),
                order: Some("asc".into()),
                ..v("Slow B12", "batch:B12 duration>10m")
            },
        },
    ];
    save_views(&path, Some("line"), &entries).expect("saved");
    let text = std::fs::read_to_string(&path).expect("read");
    for kept in [
        "# My tofui setup — keep this comment",
        "# the line PC",
        "# Failures first, always.",
        "# no timeouts here",
    ] {
        assert!(text.contains(kept), "lost {kept:?}:\n{text}");
    }
    let c = load(&path);
    assert!(c.problems.is_empty(), "{:?}", c.problems);
    let names: Vec<&str> = c.settings.profiles[0].views.iter().map(|v| v.name.as_str()).collect();
    assert_eq!(names, ["Failures", "Golden units", "Slow B12"]);
    assert_eq!(c.settings.profiles[0].views[2].sort.as_deref(), Some("duration"));
    // No temporary file is left beside it.
    let others: Vec<_> = std::fs::read_dir(dir.path())
        .expect("dir")
        .filter_map(|e| e.ok())
        .map(|e| e.file_name())
        .filter(|n| n != "config.toml")
        .collect();
    assert!(others.is_empty(), "{others:?}");
}

#[test]
fn a_file_that_does_not_parse_is_never_rewritten() {
    let dir = tempfile::tempdir().expect("dir");
    let path = dir.path().join("config.toml");
    let broken = "# mine\n[[views]\nname = \"x\"\n";
    std::fs::write(&path, broken).expect("write");
    let c = load(&path);
    assert!(!c.writable);
    let err = save_views(&path, None, &[]).expect_err("refused");
    assert!(err.contains("not valid TOML") && err.contains("left as it is"), "{err}");
    assert_eq!(std::fs::read_to_string(&path).expect("read"), broken);
}

#[test]
fn the_shipped_example_is_valid() {
    let (s, problems, _) = parse(tofui::config::EXAMPLE);
    assert!(problems.is_empty(), "{problems:?}");
    assert_eq!(s.profiles[0].views.len(), 3);
}
