//! Reading the file with `toml_edit`'s spans, so every problem names its line. Unknown keys,
//! wrong types, bad queries and unknown values are problems; what they affect falls back to
//! the defaults.

mod triage;

use toml_edit::{Document, Item, TableLike};

use super::{FileSettings, KeyOverride, Problem, Profile, ViewConfig, expand_home};
use crate::api::{SortBy, SortOrder, WireEnum};

struct Reader<'a> {
    text: &'a str,
    problems: Vec<Problem>,
}

impl Reader<'_> {
    fn line(&self, offset: Option<usize>) -> usize {
        offset.map(|o| self.text[..o.min(self.text.len())].matches('\n').count() + 1).unwrap_or(0)
    }

    fn problem(&mut self, offset: Option<usize>, message: impl Into<String>) {
        let line = self.line(offset);
        self.problems.push(Problem { line, message: message.into() });
    }

    /// Where a key of `t` is written (its line), for messages.
    fn at(&self, t: &dyn TableLike, key: &str) -> Option<usize> {
        t.get_key_value(key).and_then(|(k, item)| k.span().or_else(|| item.span())).map(|s| s.start)
    }

    fn string(&mut self, t: &dyn TableLike, key: &str, ctx: &str) -> Option<String> {
        let item = t.get(key)?;
        match item.as_str() {
            Some(s) => Some(s.to_string()),
            None => {
                let at = self.at(t, key);
                self.problem(at, format!("{ctx}{key} must be a string, e.g. {key} = \"…\""));
                None
            }
        }
    }

    /// `run_url`: the web app's address of a run, `{id}` where the run's id goes.
    fn run_url(&mut self, t: &dyn TableLike, ctx: &str) -> Option<String> {
        let v = self.string(t, "run_url", ctx)?;
        let web = v.starts_with("https://") || v.starts_with("http://");
        if web && v.contains("{id}") {
            return Some(v);
        }
        let at = self.at(t, "run_url");
        self.problem(
            at,
            format!(
                "{ctx}run_url = \"{v}\" needs to be a web address with {{id}} where the run's id goes, e.g. run_url = \"https://tofupilot.example.com/runs/{{id}}\""
            ),
        );
        None
    }

    fn unknown_keys(&mut self, t: &dyn TableLike, known: &[&str], ctx: &str) {
        let keys: Vec<String> = t.iter().map(|(k, _)| k.to_string()).collect();
        for k in keys {
            if !known.contains(&k.as_str()) {
                let at = self.at(t, &k);
                self.problem(
                    at,
                    format!(
                        "unknown key `{k}`{}; known: {}",
                        if ctx.is_empty() { String::new() } else { format!(" in {ctx}") },
                        known.join(", ")
                    ),
                );
            }
        }
    }

    fn one_of(
        &mut self,
        t: &dyn TableLike,
        key: &str,
        allowed: &[&str],
        ctx: &str,
    ) -> Option<String> {
        let v = self.string(t, key, ctx)?;
        if allowed.contains(&v.as_str()) {
            Some(v)
        } else {
            let at = self.at(t, key);
            self.problem(at, format!("{ctx}{key} = \"{v}\" is not one of: {}", allowed.join(", ")));
            None
        }
    }

    fn views(&mut self, item: &Item, ctx: &str) -> Vec<ViewConfig> {
        let before = self.problems.len();
        let out = self.views_inner(item, ctx);
        for p in &mut self.problems[before..] {
            if !p.message.starts_with(ctx) {
                p.message = format!("{ctx}{}", p.message);
            }
        }
        out
    }

    fn views_inner(&mut self, item: &Item, ctx: &str) -> Vec<ViewConfig> {
        let Some(tables) = item.as_array_of_tables() else {
            self.problem(
                item.span().map(|s| s.start),
                format!("{ctx}views must be tables: [[views]] (or [[profiles.views]])"),
            );
            return vec![];
        };
        let mut out: Vec<ViewConfig> = Vec::new();
        for t in tables.iter() {
            let at = t.span().map(|s| s.start);
            self.unknown_keys(t, &["name", "query", "sort", "order", "columns"], "a view");
            let Some(name) = self.string(t, "name", "a view's ").filter(|n| !n.trim().is_empty())
            else {
                self.problem(at, "a view needs a name: name = \"Failures\"");
                continue;
            };
            if out.iter().any(|v| v.name == name) {
                self.problem(at, format!("two views are named `{name}`; the second is left out"));
                continue;
            }
            let query = self.string(t, "query", "a view's ").unwrap_or_default();
            if let Err(e) = crate::query::parse(&query) {
                let qat = self.at(t, "query");
                self.problem(
                    qat,
                    format!(
                        "view `{name}`: query `{query}`: {} (at `{}`)",
                        e.message,
                        &query[e.start..e.end]
                    ),
                );
                continue;
            }
            let sort = self.string(t, "sort", "a view's ");
            let sort = match sort {
                Some(s) if SortBy::parse_known(&s).is_none() => {
                    let sat = self.at(t, "sort");
                    self.problem(
                        sat,
                        format!(
                            "view `{name}`: sort = \"{s}\" is not one of: {}",
                            SortBy::expected()
                        ),
                    );
                    None
                }
                s => s,
            };
            let order = self.string(t, "order", "a view's ");
            let order = match order {
                Some(o) if SortOrder::parse_known(&o).is_none() => {
                    let oat = self.at(t, "order");
                    self.problem(oat, format!("view `{name}`: order = \"{o}\" is not asc or desc"));
                    None
                }
                o => o,
            };
            let columns = match t.get("columns") {
                None => None,
                Some(c) => match c.as_array() {
                    Some(a)
                        if a.iter()
                            .all(|v| v.as_str().is_some_and(|n| super::COLUMNS.contains(&n))) =>
                    {
                        Some(a.iter().filter_map(|v| v.as_str().map(str::to_string)).collect())
                    }
                    _ => {
                        let cat = self.at(t, "columns");
                        self.problem(
                            cat,
                            format!(
                                "view `{name}`: columns must be a list of: {}",
                                super::COLUMNS.join(", ")
                            ),
                        );
                        None
                    }
                },
            };
            out.push(ViewConfig { name, query, sort, order, columns });
        }
        out
    }
}

/// Parses the text: the settings that could be read, the problems, and whether the TOML
/// itself parsed (only then may the file be rewritten).
pub fn parse(text: &str) -> (FileSettings, Vec<super::Problem>, bool) {
    let doc = match Document::parse(text) {
        Ok(d) => d,
        Err(e) => {
            let mut r = Reader { text, problems: Vec::new() };
            let msg = e.message().trim().to_string();
            r.problem(e.span().map(|s| s.start), format!("not valid TOML: {msg}"));
            return (FileSettings::default(), r.problems, false);
        }
    };
    let mut r = Reader { text, problems: Vec::new() };
    let root = doc.as_table();
    let mut s = FileSettings::default();
    r.unknown_keys(
        root,
        &[
            "default_profile",
            "profiles",
            "views",
            "theme",
            "colors",
            "keys",
            "download_dir",
            "live_seconds",
            "date_format",
            "time_zone",
            "symbols",
            "triage",
            "alert",
            "run_url",
            "cache",
            "cache_max_mb",
        ],
        "",
    );
    triage::read(&mut r, root, &mut s);
    s.default_profile = r.string(root, "default_profile", "");
    s.theme = r.one_of(root, "theme", &["default", "light", "none"], "");
    s.date_format = r.one_of(root, "date_format", &["relative", "absolute"], "");
    s.time_zone = r.one_of(root, "time_zone", &["local", "utc"], "");
    s.symbols = r.one_of(root, "symbols", &["auto", "unicode", "ascii"], "");
    s.alert = r.one_of(root, "alert", &["bell", "flash", "none"], "");
    s.run_url = r.run_url(root, "");
    s.download_dir = r.string(root, "download_dir", "").map(|d| expand_home(&d));
    if let Some(item) = root.get("live_seconds") {
        match item.as_integer() {
            Some(n) if (1..=3600).contains(&n) => s.live_seconds = Some(n as u64),
            _ => {
                let at = r.at(root, "live_seconds");
                r.problem(at, "live_seconds must be a whole number from 1 to 3600");
            }
        }
    }
    if let Some(item) = root.get("cache") {
        match item.as_bool() {
            Some(b) => s.cache = Some(b),
            None => {
                let at = r.at(root, "cache");
                r.problem(at, "cache must be true or false");
            }
        }
    }
    if let Some(item) = root.get("cache_max_mb") {
        match item.as_integer() {
            Some(n) if (10..=100_000).contains(&n) => s.cache_max_mb = Some(n as u64),
            _ => {
                let at = r.at(root, "cache_max_mb");
                r.problem(at, "cache_max_mb must be a whole number from 10 to 100000");
            }
        }
    }
    if let Some(item) = root.get("views") {
        s.views = r.views(item, "");
    }
    if let Some(item) = root.get("colors") {
        match item.as_table_like() {
            Some(t) => {
                for (k, v) in t.iter() {
                    if !super::COLOR_ROLES.contains(&k) {
                        let at = r.at(t, k);
                        r.problem(
                            at,
                            format!(
                                "colors.{k}: unknown role; roles: {}",
                                super::COLOR_ROLES.join(", ")
                            ),
                        );
                        continue;
                    }
                    // Whatever ratatui reads as a colour is one: the UI parses it the same way.
                    match v.as_str() {
                        Some(c) if c.parse::<ratatui::style::Color>().is_ok() => {
                            s.colors.push((k.to_string(), c.to_string()))
                        }
                        _ => {
                            let at = r.at(t, k);
                            r.problem(at, format!("colors.{k}: use a colour name (red, light-blue, dark-gray…) or #rrggbb"));
                        }
                    }
                }
            }
            None => {
                let at = r.at(root, "colors");
                r.problem(at, "colors must be a table: [colors] with role = \"colour\"");
            }
        }
    }
    if let Some(item) = root.get("keys") {
        match item.as_table_like() {
            Some(modes) => {
                for (mode, actions) in modes.iter() {
                    let Some(actions) = actions.as_table_like() else {
                        let at = r.at(modes, mode);
                        r.problem(
                            at,
                            format!(
                                "keys.{mode} must be a table: [keys.{mode}] with action = \"key\""
                            ),
                        );
                        continue;
                    };
                    for (action, keys) in actions.iter() {
                        let line = r.line(r.at(actions, action));
                        let list: Option<Vec<String>> = match keys.as_str() {
                            Some(k) => Some(vec![k.to_string()]),
                            None => keys.as_array().and_then(|a| {
                                a.iter().map(|v| v.as_str().map(str::to_string)).collect()
                            }),
                        };
                        match list {
                            Some(k) if !k.is_empty() => s.keys.push(KeyOverride { mode: mode.to_string(), action: action.to_string(), keys: k, line }),
                            _ => r.problems.push(Problem { line, message: format!("keys.{mode}.{action} must be a key such as \"l\" or \"ctrl-o\", or a list of them") }),
                        }
                    }
                }
            }
            None => {
                let at = r.at(root, "keys");
                r.problem(at, "keys must be a table: [keys.list] with action = \"key\"");
            }
        }
    }
    if let Some(item) = root.get("profiles") {
        match item.as_array_of_tables() {
            Some(tables) => {
                for t in tables.iter() {
                    let at = t.span().map(|s| s.start);
                    r.unknown_keys(
                        t,
                        &["name", "url", "key", "key_env", "key_file", "views", "run_url"],
                        "a profile",
                    );
                    let Some(name) = r.string(t, "name", "a profile's ").filter(|n| !n.is_empty())
                    else {
                        r.problem(at, "a profile needs a name: name = \"cloud\"");
                        continue;
                    };
                    if t.get("key").is_some() {
                        let kat = r.at(t, "key");
                        r.problem(kat, format!("profile `{name}`: the key itself never goes in the config; use key_env or key_file"));
                    }
                    let ctx = format!("profile `{name}`: ");
                    let views = t.get("views").map(|v| r.views(v, &ctx)).unwrap_or_default();
                    let p = Profile {
                        url: r.string(t, "url", &ctx),
                        key_env: r.string(t, "key_env", &ctx),
                        key_file: r.string(t, "key_file", &ctx).map(|f| expand_home(&f)),
                        run_url: r.run_url(t, &ctx),
                        views,
                        name,
                    };
                    s.profiles.push(p);
                }
            }
            None => {
                let at = r.at(root, "profiles");
                r.problem(at, "profiles must be tables: [[profiles]]");
            }
        }
    }
    if let Some(dp) = &s.default_profile
        && !s.profiles.iter().any(|p| &p.name == dp)
    {
        let at = r.at(root, "default_profile");
        r.problem(at, format!("default_profile = \"{dp}\" names no [[profiles]] entry"));
        s.default_profile = None;
    }
    (s, r.problems, true)
}
