//! Every filter of the language in one table. A row says everything about one filter: the
//! words that name it in a line, how it prints in the canonical line, its field in the form
//! (label and hint) and the `GET /v2/runs` parameter it becomes. The parser, the printer, the
//! form and the request parameters all read this table, so adding a filter is one row here
//! (and the field of [`RunQuery`] that holds its values).

use super::lex::Value;
use super::params::NameKind;
use super::parse::enum_values;
use super::{Bounds, QueryError, RunQuery, TimeSpec};
use crate::api::{RunOutcome, SampleFilter, WireEnum};

/// Which end of a range a bound is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Side {
    Min,
    Max,
}

type List = fn(&RunQuery) -> &Vec<String>;
type ListMut = fn(&mut RunQuery) -> &mut Vec<String>;
type Times = fn(&RunQuery) -> &Bounds<TimeSpec>;
type TimesMut = fn(&mut RunQuery) -> &mut Bounds<TimeSpec>;

/// What kind of values a filter holds, and so how it parses, prints and is sent.
pub(crate) enum Kind {
    /// Values as typed (`part:A,B`), one parameter per value.
    Strings { get: List, get_mut: ListMut, param: &'static str },
    /// Names the worker resolves to ids before a request; the ids are sent as `param`.
    /// `unmatched`: the parameter for names that matched nothing, sent as typed.
    Names {
        get: List,
        get_mut: ListMut,
        kind: NameKind,
        param: &'static str,
        unmatched: Option<&'static str>,
    },
    /// Documented API values (outcomes, sample classes), checked as they are typed.
    Enum {
        values: fn(&RunQuery) -> Vec<String>,
        parse: fn(&mut RunQuery, &[Value]) -> Result<(), QueryError>,
        param: &'static str,
    },
    /// One end of a time range: named by `names` (`since:24h`) or by a comparison with one of
    /// `compare` (`started>24h`).
    Time {
        get: Times,
        get_mut: TimesMut,
        side: Side,
        compare: &'static [&'static str],
        param: &'static str,
    },
    /// One end of the duration range, by comparison (`duration>2m`).
    Duration { side: Side, compare: &'static [&'static str], param: &'static str },
    /// `serial:SN-1,SN-2`, or one prefix pattern `serial:SN-00*`.
    Serial,
    /// `meta.KEY…` clauses.
    Meta,
    /// Free words.
    Search,
}

/// One filter: a row of [`FIELDS`].
pub struct Filter {
    pub(crate) label: &'static str,
    pub(crate) hint: &'static str,
    /// What precedes the value in the canonical line; empty where the form field holds
    /// whole clauses (metadata, free words).
    pub(crate) prefix: &'static str,
    /// Words that name it before `:` (the first is how the table of keys lists it).
    pub(crate) names: &'static [&'static str],
    pub(crate) kind: Kind,
}

impl std::fmt::Debug for Filter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_tuple("Filter").field(&self.label).finish()
    }
}

/// A field of the form: a row of the table.
pub type Field = &'static Filter;

const fn strings_of(
    label: &'static str,
    hint: &'static str,
    prefix: &'static str,
    names: &'static [&'static str],
    get: List,
    get_mut: ListMut,
    param: &'static str,
) -> Filter {
    Filter { label, hint, prefix, names, kind: Kind::Strings { get, get_mut, param } }
}

const fn names_of(
    label: &'static str,
    hint: &'static str,
    prefix: &'static str,
    names: &'static [&'static str],
    (get, get_mut): (List, ListMut),
    kind: NameKind,
    param: &'static str,
) -> Filter {
    let kind = Kind::Names { get, get_mut, kind, param, unmatched: None };
    Filter { label, hint, prefix, names, kind }
}

const fn time_of(
    label: &'static str,
    prefix: &'static str,
    names: &'static [&'static str],
    (get, get_mut): (Times, TimesMut),
    side: Side,
    compare: &'static [&'static str],
    param: &'static str,
) -> Filter {
    let hint = match side {
        Side::Min => "24h, 7d, 2026-11-01",
        Side::Max => "2026-11-01T08:00",
    };
    Filter { label, hint, prefix, names, kind: Kind::Time { get, get_mut, side, compare, param } }
}

const STARTED: (Times, TimesMut) = (|q| &q.started, |q| &mut q.started);
const ENDED: (Times, TimesMut) = (|q| &q.ended, |q| &mut q.ended);
const CREATED: (Times, TimesMut) = (|q| &q.created, |q| &mut q.created);
const IDS: &str = "ids, comma separated";
const DURATION: &[&str] = &["duration", "dur"];

/// Every filter, in the order of the canonical line and of the form.
pub(crate) static FIELDS: &[Filter] = &[
    Filter {
        label: "Outcome",
        hint: "fail,error (PASS FAIL ERROR TIMEOUT ABORTED)",
        prefix: "outcome:",
        names: &["outcome", "outcomes", "o"],
        kind: Kind::Enum {
            values: |q| q.outcomes.iter().map(|o| o.as_str().to_string()).collect(),
            parse: |q, v| enum_values::<RunOutcome>("run outcome", v, &mut q.outcomes),
            param: "outcomes",
        },
    },
    Filter {
        label: "Serial",
        hint: "SN-00012 or SN-00*",
        prefix: "serial:",
        names: &["serial", "sn", "serial_number", "unit"],
        kind: Kind::Serial,
    },
    strings_of(
        "Part",
        "PCB-MAIN",
        "part:",
        &["part", "pn", "part_number"],
        |q| &q.parts,
        |q| &mut q.parts,
        "part_numbers",
    ),
    strings_of(
        "Revision",
        "A",
        "rev:",
        &["rev", "revision"],
        |q| &q.revisions,
        |q| &mut q.revisions,
        "revision_numbers",
    ),
    strings_of(
        "Batch",
        "B12",
        "batch:",
        &["batch"],
        |q| &q.batches,
        |q| &mut q.batches,
        "batch_numbers",
    ),
    names_of(
        "Procedure",
        "\"PCB Functional\" (name or id)",
        "proc:",
        &["proc", "procedure"],
        (|q| &q.procedures, |q| &mut q.procedures),
        NameKind::Procedure,
        "procedure_ids",
    ),
    strings_of(
        "Proc. version",
        "v2.1",
        "version:",
        &["version", "ver"],
        |q| &q.versions,
        |q| &mut q.versions,
        "procedure_versions",
    ),
    names_of(
        "Station",
        "\"Line 1 FCT\" (name or id)",
        "station:",
        &["station"],
        (|q| &q.stations, |q| &mut q.stations),
        NameKind::Station,
        "created_by_station_ids",
    ),
    Filter {
        label: "Operator",
        hint: "alice (name or email)",
        prefix: "operator:",
        names: &["operator", "op"],
        // An operator who is no member is sent by name: the API keeps free-text operators.
        kind: Kind::Names {
            get: |q| &q.operators,
            get_mut: |q| &mut q.operators,
            kind: NameKind::Operator,
            param: "operated_by_ids",
            unmatched: Some("operated_by_names"),
        },
    },
    names_of(
        "Created by",
        "alice (name or email)",
        "user:",
        &["user", "by"],
        (|q| &q.users, |q| &mut q.users),
        NameKind::User,
        "created_by_user_ids",
    ),
    Filter {
        label: "Sample",
        hint: "production,golden,failing,ignored",
        prefix: "sample:",
        names: &["sample", "samples"],
        kind: Kind::Enum {
            values: |q| q.samples.iter().map(|s| s.as_str().to_string()).collect(),
            parse: |q, v| enum_values::<SampleFilter>("sample class", v, &mut q.samples),
            param: "samples",
        },
    },
    time_of(
        "Started after",
        "since:",
        &["since", "after"],
        STARTED,
        Side::Min,
        &["started"],
        "started_after",
    ),
    time_of(
        "Started before",
        "until:",
        &["until", "before"],
        STARTED,
        Side::Max,
        &["started"],
        "started_before",
    ),
    time_of("Ended after", "ended>=", &[], ENDED, Side::Min, &["ended"], "ended_after"),
    time_of("Ended before", "ended<=", &[], ENDED, Side::Max, &["ended"], "ended_before"),
    time_of("Created after", "created>=", &[], CREATED, Side::Min, &["created"], "created_after"),
    time_of("Created before", "created<=", &[], CREATED, Side::Max, &["created"], "created_before"),
    Filter {
        label: "Duration ≥",
        hint: "90s, 2m, 1h30m",
        prefix: "duration>=",
        names: &[],
        kind: Kind::Duration { side: Side::Min, compare: DURATION, param: "duration_min" },
    },
    Filter {
        label: "Duration ≤",
        hint: "90s, 2m, 1h30m",
        prefix: "duration<=",
        names: &[],
        kind: Kind::Duration { side: Side::Max, compare: DURATION, param: "duration_max" },
    },
    Filter {
        label: "Metadata",
        hint: "meta.shift=A meta.temp>=20",
        prefix: "",
        names: &[],
        kind: Kind::Meta,
    },
    strings_of(
        "Run ids",
        "run ids, comma separated",
        "id:",
        &["id", "ids"],
        |q| &q.ids,
        |q| &mut q.ids,
        "ids",
    ),
    strings_of(
        "Environment",
        "production,preview,development",
        "env:",
        &["env", "environment"],
        |q| &q.environments,
        |q| &mut q.environments,
        "environments",
    ),
    strings_of(
        "Deployment",
        IDS,
        "deployment:",
        &["deployment"],
        |q| &q.deployments,
        |q| &mut q.deployments,
        "deployment_ids",
    ),
    strings_of(
        "Execution",
        IDS,
        "execution:",
        &["execution"],
        |q| &q.executions,
        |q| &mut q.executions,
        "execution_ids",
    ),
    strings_of(
        "Slot key",
        IDS,
        "slot:",
        &["slot", "slot_key"],
        |q| &q.slot_keys,
        |q| &mut q.slot_keys,
        "slot_keys",
    ),
    strings_of(
        "Slot name",
        IDS,
        "slot_name:",
        &["slot_name", "slotname"],
        |q| &q.slot_names,
        |q| &mut q.slot_names,
        "slot_names",
    ),
    Filter {
        label: "Search",
        hint: "free text: run id or serial",
        prefix: "",
        names: &[],
        kind: Kind::Search,
    },
];

#[cfg(test)]
mod tests {
    use super::super::print::key_list;

    #[test]
    fn the_key_list_names_every_filter_once_in_table_order() {
        assert_eq!(
            key_list(),
            "outcome serial part rev batch proc version station operator user sample since until \
             started ended created duration meta.KEY id env deployment execution slot slot_name"
        );
    }
}
