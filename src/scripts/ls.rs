//! `tofui runs ls [FILTER…]`: pages streamed to stdout as they arrive, one page in memory at
//! a time, whatever `--all` covers.

use std::io::{IsTerminal, Write};

use super::table::{Columns, Format, Writer};
use super::{Failure, remote, retried};
use crate::api::{RawPage, SortBy, SortOrder, WireEnum};
use crate::cli::RunsLs;
use crate::model::{NamePool, RunRow, Zone};
use crate::query::{QueryError, RunQuery, parse, to_params};
use crate::worker::{ApiClient, client};

/// Rows when neither `--limit` nor `--all` is given.
const DEFAULT_LIMIT: u64 = 50;
/// The API's largest page.
const PAGE: u64 = 100;

/// What `ls` will ask for, checked before anything is sent.
pub(super) struct Plan {
    query: RunQuery,
    sort_by: SortBy,
    order: SortOrder,
    /// `None`: every run (`--all`).
    limit: Option<u64>,
    format: Format,
    columns: Columns,
}

/// The words as one filter line. The shell took the quotes off `station:"Line 2"`: a word
/// with a space gets them back around its value (a word that kept its quotes is left alone).
pub(super) fn filter_line(words: &[String]) -> String {
    let one = |w: &String| {
        if w.contains('"') || !w.contains(char::is_whitespace) {
            return w.clone();
        }
        let quote = |s: &str| format!("\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\""));
        // key:value, meta.key=value, duration>2m …: the key and operator stay outside.
        let key_end = w.find(|c: char| !(c.is_alphanumeric() || matches!(c, '.' | '_' | '-')));
        match key_end {
            Some(i) if i > 0 => {
                let rest = &w[i..];
                let op_len = ["<=", ">=", "!=", ":", "=", "<", ">", "~"]
                    .iter()
                    .find(|op| rest.starts_with(**op))
                    .map_or(0, |op| op.len());
                if op_len == 0 {
                    quote(w)
                } else {
                    format!("{}{}", &w[..i + op_len], quote(&rest[op_len..]))
                }
            }
            _ => quote(w),
        }
    };
    words.iter().map(one).collect::<Vec<_>>().join(" ")
}

/// The line with the bad word underlined, then what to do, as the dashboard shows it.
pub(super) fn underlined(line: &str, e: &QueryError) -> String {
    use unicode_width::UnicodeWidthStr;
    let start = line.get(..e.start.min(line.len())).map_or(0, UnicodeWidthStr::width);
    let word = line.get(e.start.min(line.len())..e.end.min(line.len())).unwrap_or("");
    let carets = "^".repeat(word.width().max(1));
    format!("bad filter: {}\n  {line}\n  {}{carets}", e.message, " ".repeat(start))
}

fn sort(s: Option<&str>) -> Result<(SortBy, SortOrder), Failure> {
    let Some(s) = s else { return Ok((SortBy::StartedAt, SortOrder::Desc)) };
    let (field, order) = match s.rsplit_once(':') {
        Some((f, o)) => (f, Some(o)),
        None => (s, None),
    };
    let by = match field.trim().to_lowercase().as_str() {
        "started" | "start" | "started_at" => SortBy::StartedAt,
        "created" | "created_at" => SortBy::CreatedAt,
        "duration" => SortBy::Duration,
        "outcome" => SortBy::Outcome,
        "serial" | "serial_number" => SortBy::SerialNumber,
        "part" | "part_number" => SortBy::PartNumber,
        "revision" | "rev" | "revision_number" => SortBy::RevisionNumber,
        other => {
            return Err(Failure::Usage(format!(
                "--sort `{other}`: use started, created, duration, outcome, serial, part or revision, with :asc or :desc after it"
            )));
        }
    };
    let order = match order.map(|o| o.trim().to_lowercase()) {
        None => SortOrder::Desc,
        Some(o) => SortOrder::parse_known(&o).ok_or_else(|| {
            Failure::Usage(format!("--sort `{s}`: the order is :asc or :desc, not :{o}"))
        })?,
    };
    Ok((by, order))
}

impl Plan {
    pub(super) fn new(args: &RunsLs, triage_key: String) -> Result<Plan, Failure> {
        let line = filter_line(&args.filter);
        let query = parse(&line).map_err(|e| Failure::Usage(underlined(&line, &e)))?;
        let (sort_by, order) = sort(args.sort.as_deref())?;
        let format = if args.json {
            Format::Json
        } else if args.jsonl {
            Format::Jsonl
        } else if args.csv {
            Format::Csv
        } else if std::io::stdout().is_terminal() {
            let width = crossterm::terminal::size().map_or(100, |(w, _)| w);
            Format::Table { width }
        } else {
            Format::Tsv
        };
        let limit = if args.all { None } else { Some(args.limit.unwrap_or(DEFAULT_LIMIT)) };
        let keys = args
            .metadata
            .as_ref()
            .map(|k| k.iter().map(|k| k.trim().to_string()).filter(|k| !k.is_empty()).collect());
        let columns = Columns { triage_key, keys };
        Ok(Plan { query, sort_by, order, limit, format, columns })
    }

    pub(super) async fn run(&self, client: &ApiClient, url: &str) -> Result<(), Failure> {
        let report = client::silent();
        let names = self.query.names();
        let resolved = retried(|| crate::worker::resolve_names(client, &names, &report))
            .await
            .map_err(|e| remote(url, e))?;
        let now = chrono::Utc::now().timestamp_millis();
        let mut params = to_params(&self.query, &resolved, now, Zone::Local);
        params.push(("sort_by", self.sort_by.as_str().to_string()));
        params.push(("sort_order", self.order.as_str().to_string()));
        // The CSV's disposition and metadata.KEY columns (the JSON stays the API's own rows).
        if matches!(self.format, Format::Csv | Format::Tsv) {
            params.push(("include_metadata", "true".to_string()));
        }
        let stdout = std::io::stdout();
        let mut out =
            Writer::new(self.format, self.columns.clone(), std::io::BufWriter::new(stdout.lock()));
        let progress = std::io::stderr().is_terminal();
        let mut written: u64 = 0;
        let mut cursor: Option<i64> = None;
        loop {
            let want = self.limit.map_or(PAGE, |l| (l - written).min(PAGE));
            let mut p = params.clone();
            p.push(("limit", want.to_string()));
            if let Some(c) = cursor {
                p.push(("cursor", c.to_string()));
            }
            let body = retried(|| client.list_runs_raw(&p, &report)).await;
            let body = match body {
                Ok(b) => b,
                Err(e) => {
                    // What was written stays a whole document (a closed JSON array).
                    if out.started() {
                        let _ = out.finish();
                    }
                    if progress {
                        eprint!("\r\x1b[K");
                    }
                    return Err(remote(url, e));
                }
            };
            let page: RawPage =
                serde_json::from_slice(&body).map_err(|e| remote(url, decode_error(e)))?;
            // Names are interned per page: nothing grows with the number of pages.
            let mut names = NamePool::default();
            let rows: Vec<RunRow> =
                page.data.iter().map(|raw| RunRow::decode(raw.get(), &mut names)).collect();
            let kept = |row: &&RunRow| self.query.keeps_serial(&row.serial);
            out.start(rows.iter().filter(kept))?;
            for (raw, row) in page.data.iter().zip(&rows) {
                if !self.query.keeps_serial(&row.serial) {
                    continue;
                }
                out.row(raw.get(), row)?;
                written += 1;
                if self.limit.is_some_and(|l| written >= l) {
                    break;
                }
            }
            out.flush()?;
            if progress {
                eprint!("\r{written} runs");
            }
            let more = page.meta.has_more && self.limit.is_none_or(|l| written < l);
            match page.meta.next_cursor.filter(|_| more) {
                Some(c) => cursor = Some(c),
                None => break,
            }
        }
        if progress {
            eprint!("\r\x1b[K");
        }
        out.finish()?;
        std::io::stderr().flush().ok();
        Ok(())
    }
}

fn decode_error(e: serde_json::Error) -> crate::worker::ClientError {
    crate::worker::ClientError::Decode(e.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_the_shell_unquoted_are_quoted_again() {
        let w = |s: &[&str]| filter_line(&s.iter().map(|s| s.to_string()).collect::<Vec<_>>());
        assert_eq!(w(&["outcome:fail", "station:Line 2"]), "outcome:fail station:\"Line 2\"");
        assert_eq!(w(&["meta.shift=night A"]), "meta.shift=\"night A\"");
        assert_eq!(w(&["proc:\"PCB Functional\""]), "proc:\"PCB Functional\"");
        assert_eq!(w(&["two words"]), "\"two words\"");
        let q = parse(&w(&["station:Line 2", "since:24h"])).expect("parses");
        assert_eq!(q.stations, vec!["Line 2".to_string()]);
    }

    #[test]
    fn a_bad_word_is_underlined() {
        let line = "outcome:fial since:24h";
        let e = parse(line).expect_err("fial is no outcome");
        let text = underlined(line, &e);
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines[1], "  outcome:fial since:24h");
        assert_eq!(lines[2], "          ^^^^", "{text}");
    }

    #[test]
    fn sort_names_and_orders() {
        assert_eq!(sort(None).ok(), Some((SortBy::StartedAt, SortOrder::Desc)));
        assert_eq!(sort(Some("duration:asc")).ok(), Some((SortBy::Duration, SortOrder::Asc)));
        assert_eq!(sort(Some("serial_number")).ok(), Some((SortBy::SerialNumber, SortOrder::Desc)));
        assert!(matches!(sort(Some("colour")), Err(Failure::Usage(_))));
        assert!(matches!(sort(Some("duration:up")), Err(Failure::Usage(_))));
    }
}
