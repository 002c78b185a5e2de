//! The runs list's columns: their widths and titles, and which fit a width (by priority:
//! outcome and serial never cut, then station, batch, duration, part; the procedure takes
//! what is left; the disposition from 120 columns, the first failure from 140).

use super::text::width;
use crate::api::SortBy;
use crate::app::layout::{DISPOSITION_COLUMN, FAILURE_COLUMN};
use crate::model::RunRow;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Col {
    Mark,
    Outcome,
    Started,
    Duration,
    Serial,
    Part,
    Procedure,
    Station,
    Batch,
    /// The run's disposition: its `[triage] key` (from 120 columns).
    Disposition,
    /// The first failing phase › measurement (wide screens).
    Failure,
}

impl Col {
    pub(super) fn width(self) -> u16 {
        match self {
            Col::Mark => 1,
            Col::Outcome => 9,
            Col::Started => 14,
            Col::Duration => 9,
            Col::Serial => 10,
            Col::Part => 11,
            Col::Procedure => 18,
            Col::Station => 14,
            Col::Batch => 5,
            Col::Disposition => 6,
            Col::Failure => 24,
        }
    }

    pub(super) fn title(self) -> &'static str {
        match self {
            Col::Mark => "",
            Col::Outcome => "Outcome",
            Col::Started => "Started",
            Col::Duration => "Duration",
            Col::Serial => "Serial",
            Col::Part => "Part/Rev",
            Col::Procedure => "Procedure",
            Col::Station => "Station/Op.",
            Col::Batch => "Batch",
            // The title is the key's name (see `title_of`).
            Col::Disposition => "",
            Col::Failure => "First failure",
        }
    }

    pub(super) fn sorted_by(self, s: &SortBy) -> bool {
        matches!(
            (self, s),
            (Col::Outcome, SortBy::Outcome)
                | (Col::Started, SortBy::StartedAt)
                | (Col::Duration, SortBy::Duration)
                | (Col::Serial, SortBy::SerialNumber)
                | (Col::Part, SortBy::PartNumber | SortBy::RevisionNumber)
        )
    }
}

impl Col {
    pub(super) fn width_with(self, serial_w: u16) -> u16 {
        if self == Col::Serial { serial_w } else { self.width() }
    }

    fn by_name(name: &str) -> Option<Col> {
        Some(match name {
            "outcome" => Col::Outcome,
            "started" => Col::Started,
            "duration" => Col::Duration,
            "serial" => Col::Serial,
            "part" => Col::Part,
            "procedure" => Col::Procedure,
            "station" => Col::Station,
            "batch" => Col::Batch,
            _ => return None,
        })
    }
}

/// A view's own column set, in its order (the procedure column is always kept).
pub(super) fn view_columns(names: &[String], width: u16) -> Vec<Col> {
    let mut cols = vec![Col::Mark];
    cols.extend(names.iter().filter_map(|n| Col::by_name(n)));
    if !cols.contains(&Col::Procedure) {
        cols.push(Col::Procedure);
    }
    if width >= DISPOSITION_COLUMN {
        cols.push(Col::Disposition);
    }
    if width >= FAILURE_COLUMN {
        cols.push(Col::Failure);
    }
    cols
}

/// Columns in screen order that fit `width` with the serial column `serial_w` wide; the
/// procedure column takes what is left.
pub(super) fn columns(width: u16, serial_w: u16) -> Vec<Col> {
    // Taken in this order while they fit: where a run ran first (a station is the first thing
    // a failure is asked about), then its batch, duration and part.
    let optional = [Col::Station, Col::Batch, Col::Duration, Col::Part];
    let must = [Col::Mark, Col::Outcome, Col::Started, Col::Serial, Col::Procedure];
    let used = |cols: &[Col]| cols.iter().map(|c| c.width_with(serial_w) + 1).sum::<u16>();
    let mut chosen: Vec<Col> = must.to_vec();
    for c in optional {
        let mut with = chosen.clone();
        with.push(c);
        if used(&with) <= width {
            chosen = with;
        }
    }
    let order = [
        Col::Mark,
        Col::Outcome,
        Col::Started,
        Col::Duration,
        Col::Serial,
        Col::Part,
        Col::Procedure,
        Col::Station,
        Col::Batch,
    ];
    let mut cols: Vec<Col> = order.into_iter().filter(|c| chosen.contains(c)).collect();
    if width >= DISPOSITION_COLUMN {
        cols.push(Col::Disposition);
    }
    // Wide screens give the failure column the room the procedure leaves (after the rest).
    if width >= FAILURE_COLUMN {
        cols.push(Col::Failure);
    }
    cols
}

/// The serial column is as wide as the widest serial on screen: a cut serial reads as another
/// unit, so other columns drop or narrow first.
pub(super) fn serial_width(rows: &[RunRow], area_width: u16) -> u16 {
    let widest = rows.iter().map(|r| width(&r.serial)).max().unwrap_or(0) as u16;
    widest.max(Col::Serial.width()).min(area_width.saturating_sub(26).max(Col::Serial.width()))
}
