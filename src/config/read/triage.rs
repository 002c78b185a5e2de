//! The `[triage]` table: the metadata key dispositions are written under and the presets the
//! number keys pick. A bad value is a problem and leaves that setting at its default.

use toml_edit::{Item, TableLike};

use super::Reader;
use crate::config::FileSettings;

/// Longest key or preset (the metadata editor's limits for a key).
const MAX: usize = 100;

fn bad_text(s: &str) -> Option<String> {
    if s.trim().is_empty() {
        Some("must not be empty".into())
    } else if s.chars().count() > MAX {
        Some(format!("must be at most {MAX} characters"))
    } else if s.chars().any(char::is_control) {
        Some("must have no control characters".into())
    } else {
        None
    }
}

pub(super) fn read(r: &mut Reader, root: &dyn TableLike, s: &mut FileSettings) {
    let Some(item) = root.get("triage") else { return };
    let Some(t) = item.as_table_like() else {
        let at = r.at(root, "triage");
        r.problem(at, "triage must be a table: [triage] with key = \"…\" and presets = [\"…\"]");
        return;
    };
    r.unknown_keys(t, &["key", "presets"], "[triage]");
    if let Some(key) = r.string(t, "key", "triage.") {
        match bad_text(&key) {
            Some(why) => {
                let at = r.at(t, "key");
                r.problem(at, format!("triage.key {why}; using \"triage\""));
            }
            None => s.triage_key = Some(key.trim().to_string()),
        }
    }
    let Some(presets) = t.get("presets") else { return };
    let at = r.at(t, "presets");
    let list: Option<Vec<String>> = match presets {
        Item::Value(v) => {
            v.as_array().and_then(|a| a.iter().map(|v| v.as_str().map(str::to_string)).collect())
        }
        _ => None,
    };
    let Some(list) = list else {
        r.problem(at, "triage.presets must be a list of strings: [\"fixture\", \"retest\"]");
        return;
    };
    let why = if list.is_empty() || list.len() > 9 {
        Some(format!("has {} entries; the keys 1 to 9 pick from 1 to 9 of them", list.len()))
    } else if let Some((p, why)) = list.iter().find_map(|p| bad_text(p).map(|w| (p, w))) {
        Some(format!("entry \"{p}\" {why}"))
    } else {
        list.iter()
            .enumerate()
            .find(|(i, p)| list[..*i].contains(p))
            .map(|(_, p)| format!("lists \"{p}\" twice"))
    };
    match why {
        Some(why) => r.problem(at, format!("triage.presets {why}; using the defaults")),
        None => s.triage_presets = Some(list),
    }
}

#[cfg(test)]
mod tests {
    use crate::config::parse;

    #[test]
    fn triage_settings_are_read_and_bad_ones_named() {
        let (s, problems, _) =
            parse("[triage]\nkey = \"disposition\"\npresets = [\"cable\", \"retest\"]\n");
        assert!(problems.is_empty(), "{problems:?}");
        assert_eq!(s.triage_key.as_deref(), Some("disposition"));
        assert_eq!(s.triage_presets, Some(vec!["cable".to_string(), "retest".to_string()]));
        for (text, says) in [
            ("[triage]\nkey = \"\"\n", "triage.key must not be empty"),
            ("[triage]\npresets = \"x\"\n", "must be a list of strings"),
            ("[triage]\npresets = []\n", "has 0 entries"),
            ("[triage]\npresets = [\"a\", \"a\"]\n", "lists \"a\" twice"),
            ("[triage]\ncolour = 1\n", "unknown key `colour`"),
            ("triage = 3\n", "triage must be a table"),
        ] {
            let (s, problems, _) = parse(text);
            assert_eq!(problems.len(), 1, "{text}: {problems:?}");
            assert!(problems[0].message.contains(says), "{text}: {}", problems[0].message);
            assert_eq!(problems[0].line, if text.starts_with("triage") { 1 } else { 2 }, "{text}");
            assert!(s.triage_key.is_none() && s.triage_presets.is_none(), "{text}");
        }
    }
}
