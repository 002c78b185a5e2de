//! How `tofui runs ls` writes rows, one at a time: the API's rows as a JSON array or JSON
//! lines, the `:export` columns as CSV (or tab-separated when piped without a format), or a
//! table sized to the terminal.

use std::io::Write;

use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

use crate::api::WireEnum;
use crate::app::export;
use crate::model::RunRow;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Format {
    Json,
    Jsonl,
    Csv,
    /// The `:export` columns, tab-separated, with a header: stdout is not a terminal and no
    /// format was asked for.
    Tsv,
    Table {
        width: u16,
    },
}

/// The columns beyond the run's own of the CSV (and tab-separated) output.
#[derive(Debug, Clone, Default)]
pub(super) struct Columns {
    /// The `[triage] key`: its value is the `disposition` column.
    pub triage_key: String,
    /// The `metadata.KEY` columns: `--metadata KEY,KEY`, else (`None`) the keys of the first
    /// page, fixed once its header is written.
    pub keys: Option<Vec<String>>,
}

pub(super) struct Writer<W: Write> {
    format: Format,
    out: W,
    rows: u64,
    started: bool,
    columns: Columns,
}

impl<W: Write> Writer<W> {
    pub(super) fn new(format: Format, columns: Columns, out: W) -> Self {
        Writer { format, out, rows: 0, started: false, columns }
    }

    fn keys(&self) -> &[String] {
        self.columns.keys.as_deref().unwrap_or(&[])
    }

    fn cells(&self, row: &RunRow) -> Vec<String> {
        export::stream_cells(row, &self.columns.triage_key, self.keys())
    }

    /// Whether anything was written (the header, the array's `[`).
    pub(super) fn started(&self) -> bool {
        self.started
    }

    /// The header (or the array's `[`): written with the first page, so a request that fails
    /// at once leaves stdout empty; the first page's metadata keys are its `metadata.KEY`
    /// columns unless `--metadata` named them.
    pub(super) fn start<'a>(
        &mut self,
        first: impl Iterator<Item = &'a RunRow>,
    ) -> std::io::Result<()> {
        if std::mem::replace(&mut self.started, true) {
            return Ok(());
        }
        if self.columns.keys.is_none() {
            self.columns.keys = Some(export::keys_of(first));
        }
        let head = export::stream_columns(self.keys());
        match self.format {
            Format::Json => self.out.write_all(b"["),
            Format::Jsonl => Ok(()),
            Format::Csv => self.out.write_all(export::csv_line(&head).as_bytes()),
            Format::Tsv => writeln!(self.out, "{}", head.join("\t")),
            Format::Table { width } => {
                let head = ["", "STARTED", "DURATION", "SERIAL", "PROCEDURE", "STATION", "ID"];
                writeln!(self.out, "{}", table_line(width, &head.map(String::from)))
            }
        }
    }

    /// One row: `raw` as the API gave it, `row` as the dashboard reads it.
    pub(super) fn row(&mut self, raw: &str, row: &RunRow) -> std::io::Result<()> {
        self.rows += 1;
        match self.format {
            Format::Json => {
                let sep: &[u8] = if self.rows == 1 { b"\n" } else { b",\n" };
                self.out.write_all(sep)?;
                self.out.write_all(one_line(raw).as_bytes())
            }
            Format::Jsonl => writeln!(self.out, "{}", one_line(raw)),
            Format::Csv => {
                let line = export::csv_line(&self.cells(row));
                self.out.write_all(line.as_bytes())
            }
            Format::Tsv => {
                let cells: Vec<String> =
                    self.cells(row).iter().map(|c| c.replace(['\t', '\n', '\r'], " ")).collect();
                writeln!(self.out, "{}", cells.join("\t"))
            }
            Format::Table { width } => {
                let outcome = row.outcome.as_ref().map(|o| o.as_str().to_string());
                let started = row.started_ms.map(|t| {
                    crate::api::time::from_ms(t)
                        .with_timezone(&chrono::Local)
                        .format("%Y-%m-%d %H:%M")
                        .to_string()
                });
                let duration = row.duration_ms.map(|d| {
                    let s = d / 1000;
                    if s >= 3600 {
                        format!("{}h{:02}m", s / 3600, s % 3600 / 60)
                    } else {
                        format!("{}m{:02}s", s / 60, s % 60)
                    }
                });
                let s = |x: &Option<std::sync::Arc<str>>| x.as_deref().unwrap_or("").to_string();
                let cells = [
                    outcome.unwrap_or_default(),
                    started.unwrap_or_default(),
                    duration.unwrap_or_default(),
                    row.serial.to_string(),
                    s(&row.procedure),
                    s(&row.station),
                    row.id.to_string(),
                ];
                writeln!(self.out, "{}", table_line(width, &cells))
            }
        }
    }

    pub(super) fn flush(&mut self) -> std::io::Result<()> {
        self.out.flush()
    }

    /// Closes the document (the JSON array) and flushes.
    pub(super) fn finish(&mut self) -> std::io::Result<()> {
        self.start(std::iter::empty())?;
        if self.format == Format::Json {
            let end: &[u8] = if self.rows == 0 { b"]\n" } else { b"\n]\n" };
            self.out.write_all(end)?;
        }
        self.out.flush()
    }
}

/// A row on one line: the API answers compact JSON, but a pretty-printed row would break
/// JSON lines.
fn one_line(raw: &str) -> std::borrow::Cow<'_, str> {
    if raw.contains(['\n', '\r']) {
        match serde_json::from_str::<serde_json::Value>(raw) {
            Ok(v) => v.to_string().into(),
            Err(_) => raw.replace(['\n', '\r'], " ").into(),
        }
    } else {
        raw.into()
    }
}

/// Outcome, started, duration and the id are never cut; serial, procedure and station share
/// what is left (serial first), cut with `…`.
fn table_line(width: u16, cells: &[String; 7]) -> String {
    let fixed = [7usize, 16, 8];
    let id = cells[6].width().max(2);
    let gaps = 6 * 2;
    let rest = (width as usize).saturating_sub(fixed.iter().sum::<usize>() + id + gaps).max(30);
    let serial = 16.min(rest / 3).max(8);
    let station = 14.min((rest - serial) / 3).max(6);
    let procedure = rest - serial - station;
    let widths = [fixed[0], fixed[1], fixed[2], serial, procedure, station];
    let mut line = String::new();
    for (cell, w) in cells.iter().zip(widths) {
        line.push_str(&fit(cell, w));
        line.push_str("  ");
    }
    line.push_str(&cells[6]);
    line
}

/// `s` cut to `w` columns (`…` where it was cut) and padded to them.
fn fit(s: &str, w: usize) -> String {
    if s.width() <= w {
        return format!("{s}{}", " ".repeat(w - s.width()));
    }
    let mut out = String::new();
    let mut used = 0;
    for c in s.chars() {
        let cw = c.width().unwrap_or(0);
        if used + cw + 1 > w {
            break;
        }
        out.push(c);
        used += cw;
    }
    out.push('…');
    format!("{out}{}", " ".repeat(w.saturating_sub(used + 1)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cut_cells_end_in_an_ellipsis_and_keep_their_width() {
        assert_eq!(fit("Final Test Bench", 8), "Final T…");
        assert_eq!(fit("RF", 4), "RF  ");
        let cells = [
            "PASS",
            "2026-12-05 10:00",
            "1m02s",
            "SN-0001",
            "PCB Functional Test",
            "Line 1 FCT",
            "r1",
        ]
        .map(String::from);
        let line = table_line(80, &cells);
        assert!(line.width() <= 80, "{line}");
        assert!(line.ends_with("  r1"));
    }
}
