//! `:export FILE`: the runs list as filtered and sorted (the rows loaded), or the open run, to
//! CSV or JSON by the file's extension. The text is made here; the file is written off the
//! event loop, atomically, and never over an existing file unless the user says yes.

use serde_json::{Value, json};

use crate::analysis::limits_from_validators;
use crate::api::time::from_ms;
use crate::api::{RunDetail, WireEnum};
use crate::model::RunRow;

/// What became of an export's file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Written {
    Done,
    /// The file exists and was left alone.
    Exists,
    Failed(String),
}

/// An export on its way to a file, kept by the pane that made it until the file is written (to
/// ask about overwriting and then write it over).
#[derive(Debug, Clone, PartialEq)]
pub struct Pending {
    pub path: String,
    pub content: String,
    /// What it holds, for the footer ("42 runs").
    pub what: String,
    /// Said after the path once written (" · 2 first failures could not be read …").
    pub note: String,
}

impl Pending {
    /// An export of `what` (nothing said after the path).
    pub(crate) fn new(path: String, content: String, what: String) -> Pending {
        Pending { path, content, what, note: String::new() }
    }

    /// Sends it to be written.
    pub(crate) fn send(&self, overwrite: bool, cx: &mut super::Ctx) {
        cx.effect(super::Effect::Export {
            path: self.path.clone(),
            content: self.content.clone(),
            overwrite,
        });
    }

    /// The answer about `path`, if it is this export's: what to say, and whether to ask about
    /// overwriting. `None` when it is another's.
    pub(crate) fn answered(
        pending: &mut Option<Pending>,
        path: &str,
        written: &Written,
        cx: &mut super::Ctx,
    ) -> Option<super::Outcome> {
        let p = pending.as_ref().filter(|p| p.path == path)?;
        match written {
            Written::Done => {
                cx.flash(format!("exported {} to {path}{}", p.what, p.note));
                *pending = None;
            }
            Written::Failed(e) => {
                cx.flash(format!("not exported: {e}"));
                *pending = None;
            }
            Written::Exists => {
                let ask = super::ask::AskPane::new(super::ask::Ask::Overwrite(path.to_string()));
                return Some(super::Outcome::Push(super::Pane::Ask(Box::new(ask))));
            }
        }
        Some(super::Outcome::Stay)
    }
}

/// `~/…` in a path typed by the user: the home folder.
pub(crate) fn expand(path: &str) -> String {
    match (path.strip_prefix("~/"), dirs::home_dir()) {
        (Some(rest), Some(home)) => home.join(rest).display().to_string(),
        _ => path.to_string(),
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Csv,
    Json,
}

/// The format a path asks for, by its extension.
pub(crate) fn format_of(path: &str) -> Result<Format, String> {
    let ext = std::path::Path::new(path)
        .extension()
        .map(|e| e.to_string_lossy().to_lowercase())
        .unwrap_or_default();
    match ext.as_str() {
        "csv" => Ok(Format::Csv),
        "json" => Ok(Format::Json),
        _ if path.trim().is_empty() => Err("export FILE.csv or FILE.json".into()),
        _ => Err(format!("`{path}`: the file must end in .csv or .json")),
    }
}

/// One CSV field: quoted when it holds a comma, quote or line break; a text that a
/// spreadsheet would run as a formula (`=`, `+`, `-`, `@` first) is kept as text with a `'`.
fn field(s: &str) -> String {
    let s = match s.chars().next() {
        Some('=' | '+' | '-' | '@') if s.parse::<f64>().is_err() => format!("'{s}"),
        _ => s.to_string(),
    };
    if s.contains([',', '"', '\n', '\r']) { format!("\"{}\"", s.replace('"', "\"\"")) } else { s }
}

fn line(cells: &[String]) -> String {
    let mut l = cells.iter().map(|c| field(c)).collect::<Vec<_>>().join(",");
    l.push_str("\r\n");
    l
}

const RUN_COLUMNS: [&str; 12] = [
    "id",
    "outcome",
    "started_at",
    "duration_s",
    "serial_number",
    "part_number",
    "revision",
    "procedure",
    "version",
    "station",
    "operator",
    "batch",
];

fn row_cells(r: &RunRow) -> [String; 12] {
    let s = |x: &Option<std::sync::Arc<str>>| x.as_deref().unwrap_or("").to_string();
    [
        r.id.to_string(),
        r.outcome.as_ref().map(|o| o.as_str().to_string()).unwrap_or_default(),
        r.started_ms.map(|t| from_ms(t).to_rfc3339()).unwrap_or_default(),
        r.duration_ms.map(|d| format!("{:.3}", d as f64 / 1000.0)).unwrap_or_default(),
        r.serial.to_string(),
        s(&r.part),
        s(&r.revision),
        s(&r.procedure),
        s(&r.version),
        s(&r.station),
        s(&r.operator),
        s(&r.batch),
    ]
}

/// The first failure of a failing run that could not be read (deleted meanwhile, the server
/// away): never a blank, which would read as "did not fail".
pub const NOT_READ: &str = "(not read)";

/// What an export writes beside each run's own fields.
pub(crate) struct Extra<'a> {
    /// The `[triage] key`: its value is the run's disposition.
    pub key: &'a str,
    /// The run's first failure (`None`: the run did not fail; [`NOT_READ`]: it could not be
    /// read).
    pub failure: &'a dyn Fn(&RunRow) -> Option<String>,
}

/// Every metadata key of `rows`, sorted (one CSV column each).
fn metadata_keys<'a>(rows: impl Iterator<Item = &'a RunRow>) -> Vec<&'a str> {
    let mut keys: Vec<&str> = rows.flat_map(|r| r.metadata.iter().map(|(k, _)| &**k)).collect();
    keys.sort_unstable();
    keys.dedup();
    keys
}

/// A metadata value in a CSV cell: text as is, the rest as JSON.
fn value_cell(v: Option<&Value>) -> String {
    match v {
        None | Some(Value::Null) => String::new(),
        Some(Value::String(s)) => s.clone(),
        Some(v) => v.to_string(),
    }
}

/// The columns of a streamed list (`tofui runs ls --csv`): `:export`'s, less `first_failure`
/// (no run's phases are read), with these `metadata.KEY` columns.
pub(crate) fn stream_columns(keys: &[String]) -> Vec<String> {
    let mut head: Vec<String> = RUN_COLUMNS.iter().map(|c| c.to_string()).collect();
    head.push("disposition".to_string());
    head.extend(keys.iter().map(|k| format!("metadata.{k}")));
    head
}

/// One run's cells in [`stream_columns`]: `triage_key` holds its disposition.
pub(crate) fn stream_cells(r: &RunRow, triage_key: &str, keys: &[String]) -> Vec<String> {
    let mut cells: Vec<String> = row_cells(r).into();
    cells.push(value_cell(r.meta(triage_key)));
    cells.extend(keys.iter().map(|k| value_cell(r.meta(k))));
    cells
}

/// Every metadata key of `rows`, sorted, owned (a streamed list's columns).
pub(crate) fn keys_of<'a>(rows: impl Iterator<Item = &'a RunRow>) -> Vec<String> {
    metadata_keys(rows).into_iter().map(String::from).collect()
}

/// Cells as one CSV line (CRLF-ended).
pub(crate) fn csv_line(cells: &[String]) -> String {
    line(cells)
}

/// The rows as a file's text: each run's fields, its first failure, its disposition and its
/// metadata (CSV: one `metadata.KEY` column per key of any row; JSON: an object).
pub(crate) fn rows(rows: &[RunRow], format: Format, extra: &Extra) -> String {
    let ok = || rows.iter().filter(|r| !r.id.is_empty() && r.problem.is_none());
    match format {
        Format::Csv => {
            let keys = metadata_keys(ok());
            let mut head: Vec<String> = RUN_COLUMNS.iter().map(|c| c.to_string()).collect();
            head.extend(["first_failure".to_string(), "disposition".to_string()]);
            head.extend(keys.iter().map(|k| format!("metadata.{k}")));
            let mut out = line(&head);
            for r in ok() {
                let mut cells: Vec<String> = row_cells(r).into();
                cells.push((extra.failure)(r).unwrap_or_default());
                cells.push(value_cell(r.meta(extra.key)));
                cells.extend(keys.iter().map(|k| value_cell(r.meta(k))));
                out.push_str(&line(&cells));
            }
            out
        }
        Format::Json => {
            let list: Vec<Value> = ok()
                .map(|r| {
                    let cells = row_cells(r);
                    let mut o = serde_json::Map::new();
                    for (k, v) in RUN_COLUMNS.iter().zip(cells) {
                        let v = match (*k, v.is_empty()) {
                            (_, true) => Value::Null,
                            ("duration_s", _) => v.parse::<f64>().map_or(Value::Null, |x| json!(x)),
                            _ => Value::String(v),
                        };
                        o.insert(k.to_string(), v);
                    }
                    o.insert("first_failure".into(), json!((extra.failure)(r)));
                    o.insert("disposition".into(), r.meta(extra.key).cloned().unwrap_or_default());
                    let meta = r.metadata.iter().map(|(k, v)| (k.to_string(), v.clone()));
                    o.insert("metadata".into(), Value::Object(meta.collect()));
                    Value::Object(o)
                })
                .collect();
            let mut s = serde_json::to_string_pretty(&list).unwrap_or_default();
            s.push('\n');
            s
        }
    }
}

/// The open run as a file's text: JSON is the run as the API gave it; CSV is one line per
/// measurement (phase, name, outcome, value, units, limits).
pub(crate) fn run(run: &RunDetail, format: Format) -> String {
    match format {
        Format::Json => {
            let mut s = serde_json::to_string_pretty(run).unwrap_or_default();
            s.push('\n');
            s
        }
        Format::Csv => {
            let head = [
                "run_id",
                "serial_number",
                "phase",
                "phase_outcome",
                "measurement",
                "outcome",
                "value",
                "units",
                "lower_limit",
                "upper_limit",
            ];
            let mut out = line(&head.map(String::from));
            for p in run.phases.as_deref().unwrap_or_default() {
                for m in &p.measurements {
                    let limits =
                        limits_from_validators(m.validators.as_deref().unwrap_or_default()).limits;
                    let value = match &m.measured_value {
                        Some(Value::String(s)) => s.clone(),
                        Some(Value::Null) | None => String::new(),
                        Some(v) => v.to_string(),
                    };
                    out.push_str(&line(&[
                        run.summary.id.clone(),
                        run.summary.unit.serial_number.clone(),
                        p.name.clone(),
                        p.outcome.as_ref().map(|o| o.as_str().to_string()).unwrap_or_default(),
                        m.name.clone(),
                        m.outcome.as_ref().map(|o| o.as_str().to_string()).unwrap_or_default(),
                        value,
                        m.units.clone().unwrap_or_default(),
                        limits.lower.map(|x| x.to_string()).unwrap_or_default(),
                        limits.upper.map(|x| x.to_string()).unwrap_or_default(),
                    ]));
                }
            }
            out
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_are_quoted_and_formulas_kept_as_text() {
        assert_eq!(field("plain"), "plain");
        assert_eq!(field("a,b"), "\"a,b\"");
        assert_eq!(field("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(field("=HYPERLINK(\"x\")"), "\"'=HYPERLINK(\"\"x\"\")\"");
        assert_eq!(field("-3.5"), "-3.5", "a number stays a number");
        assert_eq!(field("two\nlines"), "\"two\nlines\"");
    }
}
