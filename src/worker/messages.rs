//! What the event loop and the fetch worker say to each other. Every request carries an id;
//! the pane that sent it remembers the id and drops answers with any other.

use std::time::Duration;

use crate::model::Zone;

use super::client::ClientError;
/// A procedure or station as the create form lists it (id and name).
pub use super::decode::Named;
use crate::api::{LogLine, RunDetail, SortBy, SortOrder};
use crate::model::{RunsPage, UnitAnswer};
use crate::query::RunQuery;

pub type RequestId = u64;

/// Requests in one slot supersede each other: a new one cancels the older one in flight.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Slot {
    /// A view's runs list (first page, next pages, refresh), by the view's id.
    List(u32),
    /// Live mode's poll for newer runs of a view.
    Live(u32),
    /// The opened run.
    Run,
    /// The run under the list's selection, fetched ahead so `enter` is instant.
    Prefetch,
    /// One attachment download (each its own, so they do not cancel each other).
    Download(RequestId),
    /// One change sent to the server (never cancelled by another).
    Mutation(RequestId),
    /// The metadata editor's copy of the run.
    Editor,
    /// The unit view's unit (a newer one cancels it).
    Unit,
    /// The two runs of a retest comparison.
    Retest,
    /// Every run of a filter, page after page ([`Fetch::Population`]): what an insight pane
    /// computes from, or the triage queue's check of the failing runs.
    Population,
    /// Explain's drift prediction: the values of the failing measurement (beside the Pareto's
    /// load, which may still be reading which runs ran each phase).
    Drift,
    /// The first failures of the failing runs on the list's screen (one batch at a time).
    FirstFailures,
    /// `:export!`: every run the list's filter matches.
    Export,
    /// The outbox's changes, sent in order.
    Outbox,
    /// The values the filter form completes from.
    FieldValues,
    /// The procedures a form picks from.
    Catalog,
    /// The create-run form's look-up of the serial's unit.
    CreateUnit,
    /// The run the create-run form starts from (`N` on a marked run, `C` in the list).
    Template,
}

/// The values the filter form completes from, as the server lists them.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct FieldValues {
    pub procedures: Vec<String>,
    pub stations: Vec<String>,
    /// The members' names (or emails): operators are named by them.
    pub operators: Vec<String>,
    pub parts: Vec<String>,
    pub batches: Vec<String>,
}

/// One page of the runs list.
#[derive(Debug, Clone, PartialEq)]
pub struct ListRequest {
    pub query: RunQuery,
    pub sort_by: SortBy,
    pub sort_order: SortOrder,
    pub cursor: Option<i64>,
    pub limit: u32,
    /// The clock and zone relative times in the query resolve against.
    pub now_ms: i64,
    pub tz: Zone,
    /// Only runs created at or after this instant (live mode's poll).
    pub created_after_ms: Option<i64>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Fetch {
    Runs(Box<ListRequest>),
    /// The server's procedures.
    Procedures,
    /// `POST /v2/runs` with this body (it carries its `client_run_ref`); answers `Done` with
    /// the new run's id.
    CreateRun {
        body: serde_json::Value,
    },
    Run {
        run_id: String,
    },
    /// Save the file at `url` (an absolute, self-authorising link) into `dir` as `name`, or a
    /// free variant of it: never over an existing file.
    Download {
        url: String,
        dir: std::path::PathBuf,
        name: String,
    },
    /// `PATCH` a run's metadata with these changes (`null` deletes).
    UpdateMetadata {
        run_id: String,
        changes: serde_json::Map<String, serde_json::Value>,
    },
    DeleteRuns {
        ids: Vec<String>,
    },
    /// Initialise, upload, finalise a local file as an attachment of the run.
    Upload {
        run_id: String,
        path: std::path::PathBuf,
    },
    /// A unit by serial (any case): its runs, first failures and assembly tree.
    Unit {
        serial: String,
    },
    /// `PATCH` a unit's metadata with these changes (`null` deletes).
    UpdateUnitMetadata {
        serial: String,
        changes: serde_json::Map<String, serde_json::Value>,
    },
    /// Initialise, upload, finalise a local file as an attachment of the unit.
    UploadToUnit {
        serial: String,
        path: std::path::PathBuf,
    },
    /// Two runs at once, without their logs (a retest side by side).
    RunPair {
        before: String,
        after: String,
    },
    /// Every run the filter matches, newest first, with metadata, up to [`POPULATION_CAP`]:
    /// answered page by page with [`WorkerEvent::PopulationRuns`]. With `failures`, then the
    /// failing phases and measurements of those runs' procedures over their time span
    /// (every attempt), page by page with [`WorkerEvent::PopulationFailures`]. The insight
    /// panes ask for it; the triage queue and undo (the runs it changes, as they are now)
    /// without failures.
    Population {
        req: Box<ListRequest>,
        failures: bool,
    },
    /// Each run's first failure (a GET of the run without its logs, a few at once), answered
    /// run by run with [`WorkerEvent::FirstFailure`] as each arrives.
    FirstFailures {
        run_ids: Vec<String>,
    },
    /// Every run the request's filter matches, in its order, from its cursor on: answered
    /// page by page with [`WorkerEvent::Runs`], the last with `has_more` false.
    ExportRows(Box<ListRequest>),
    /// The outbox's changes, in order: each answered with [`WorkerEvent::OutboxSent`] (a run
    /// already holding the change is not sent it again); then [`WorkerEvent::OutboxDone`], also
    /// when the server could not be reached (the rest wait).
    SendOutbox(Vec<OutboxChange>),
    /// The procedures, stations, members, parts and batches the server lists, answered with
    /// [`WorkerEvent::FieldValues`].
    FieldValues,
    /// Every run the filter matches, as `Population` without failures, then every value of one
    /// measurement over the runs' time span, page by page with [`WorkerEvent::TrendValues`].
    Trend {
        req: Box<ListRequest>,
        target: Box<TrendTarget>,
    },
}

/// The measurement a trend follows: by procedure, phase and name.
#[derive(Debug, Clone, PartialEq)]
pub struct TrendTarget {
    pub procedure_id: String,
    pub phase: String,
    pub measurement: String,
}

/// Runs an insight pane loads at most (the newest; the pane says so when there were more).
pub const POPULATION_CAP: usize = 50_000;

#[derive(Debug, Clone, PartialEq)]
pub enum WorkerRequest {
    Fetch {
        id: RequestId,
        slot: Slot,
        fetch: Fetch,
    },
    /// Stop whatever the slot is doing.
    Cancel {
        slot: Slot,
    },
}

#[derive(Debug, Clone)]
pub enum WorkerEvent {
    Runs(Result<RunsPage, ClientError>),
    /// What the filter form completes from.
    FieldValues(Box<FieldValues>),
    /// A run shown from the local cache, as the server has it now (its metadata and
    /// attachments may have changed; the rest cannot).
    RunFresh(Box<RunDetail>),
    /// The run just sent came from the local cache, as fetched at `fetched_ms`; `problem`:
    /// why it could not be refreshed (`None`: the server's copy is on its way as `RunFresh`).
    RunKept {
        run_id: String,
        fetched_ms: i64,
        problem: Option<ClientError>,
    },
    /// A first page as the local cache had it (fetched from the server at `fetched_ms`), sent
    /// before the server's answer (`Runs`, same id), which replaces it.
    CachedRuns {
        page: RunsPage,
        fetched_ms: i64,
    },
    /// A run. When `logs_follow`, its logs were left out to show it sooner and come next as
    /// `RunLogs` with the same id.
    Run {
        run: Result<Box<RunDetail>, ClientError>,
        logs_follow: bool,
    },
    RunLogs(Result<Vec<LogLine>, ClientError>),
    Unit(Result<UnitAnswer, ClientError>),
    /// The two runs of `Fetch::RunPair`, in that order.
    RunPair(Result<Box<(RunDetail, RunDetail)>, ClientError>),
    /// Some runs for an insight pane; `done`: the last of them; `capped`: the filter matches
    /// more than [`POPULATION_CAP`] runs, the newest of which were sent.
    PopulationRuns {
        /// Shared with the worker's held population (not copied for each pane).
        rows: Result<Vec<std::sync::Arc<crate::api::RunSummary>>, ClientError>,
        /// Rows of these pages that could not be read (left out).
        unreadable: usize,
        done: bool,
        capped: bool,
    },
    /// One outbox change: `Ok(true)` the run already had it, `Ok(false)` sent now.
    OutboxSent {
        seq: u64,
        result: Result<bool, ClientError>,
    },
    OutboxDone,
    /// The server could not be reached: the insight pane's runs that follow are the local
    /// cache's, as of `synced_ms`.
    PopulationCached {
        synced_ms: i64,
    },
    /// The runs sent so far for this load are not the population after all (runs were
    /// deleted meanwhile): forget them; the population follows, whole.
    PopulationReset,
    /// Failing phase and measurement rows for an insight pane (Pareto); `done`: the last (the
    /// pane is loaded; with `reached_follow`, [`WorkerEvent::PopulationReached`] comes next).
    PopulationFailures {
        rows: Result<PopulationFailureRows, ClientError>,
        done: bool,
    },
    /// After the failing rows, the runs that ran each failing phase (any outcome but SKIP, one
    /// row per run and phase); `done`: the last, with `complete`: every failing phase's were
    /// read (else the phases' populations are not known).
    PopulationReached {
        rows: Vec<crate::api::crossrun::PhaseRow>,
        done: bool,
        complete: bool,
    },
    /// A run's first failure (`None`: no phase failed).
    FirstFailure {
        run_id: String,
        failure: Result<Option<crate::model::FirstFailure>, ClientError>,
    },
    /// Values of a trend's measurement (every attempt); `done`: the last.
    TrendValues {
        rows: Result<Vec<crate::api::crossrun::MeasurementRow>, ClientError>,
        done: bool,
    },
    /// Bytes of a download so far.
    Progress {
        received: u64,
        total: Option<u64>,
    },
    /// A download finished: where the file is, or what went wrong.
    Saved(Result<std::path::PathBuf, String>),
    /// The server's procedures (`Fetch::Procedures`).
    Procedures(Result<Vec<Named>, ClientError>),
    /// A mutation was acknowledged (for a delete: the ids deleted).
    Done(Result<Vec<String>, ClientError>),
    /// An upload failed at one step: which, and why.
    UploadFailed {
        step: &'static str,
        error: ClientError,
    },
    /// An attempt failed; the worker tries again after `delay`.
    Retrying {
        attempt: u32,
        delay: Duration,
        error: ClientError,
    },
}

/// Failing phases and failing measurements, as `/v2/phases` and `/v2/measurements` list them;
/// or, from a server without those lists, whole failing runs read one by one.
#[derive(Debug, Clone, Default)]
pub struct PopulationFailureRows {
    pub phases: Vec<crate::api::crossrun::PhaseRow>,
    pub measurements: Vec<crate::api::crossrun::MeasurementRow>,
    /// Whole failing runs (without their logs), where the cross-run lists are missing.
    pub runs: Vec<RunDetail>,
    /// Set while failures are read run by run: why, and how far it is.
    pub per_run: Option<Box<PerRun>>,
    /// Rows of which runs ran which phase, as kept by a load through the cache (never sent:
    /// they go in [`WorkerEvent::PopulationReached`]).
    pub reached: Vec<crate::api::crossrun::PhaseRow>,
    /// On the last answer: which runs ran each failing phase follows, in
    /// [`WorkerEvent::PopulationReached`] answers to the same request.
    pub reached_follow: bool,
}

/// Failures read run by run: the server lacks a cross-run list (`why`); `read` of `of`
/// failing runs are in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PerRun {
    pub why: String,
    pub read: usize,
    pub of: usize,
}

#[derive(Debug, Clone)]
pub struct WorkerResponse {
    pub id: RequestId,
    pub event: WorkerEvent,
}

/// A change of the outbox, as sent: to a run, or to a unit by its serial.
#[derive(Debug, Clone, PartialEq)]
pub struct OutboxChange {
    pub seq: u64,
    pub run_id: String,
    pub unit_serial: Option<String>,
    pub changes: serde_json::Map<String, serde_json::Value>,
}
