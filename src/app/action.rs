//! The one vocabulary between input and state: every key binding names one of these, and
//! `update` is the only place they change anything.

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Action {
    /// Leave tofui.
    Quit,
    /// Move the selection one row up.
    Up,
    /// Move the selection one row down.
    Down,
    /// Move one screen up.
    PageUp,
    /// Move one screen down.
    PageDown,
    /// Go to the first row.
    Top,
    /// Go to the last loaded row (more load as you get there).
    Bottom,
    /// Open the selected run.
    Open,
    /// Close what is open; go back.
    Back,
    /// Type a filter query.
    Filter,
    /// Edit the filter as a form.
    Form,
    /// Next sort column.
    CycleSort,
    /// Flip the sort order.
    FlipOrder,
    /// Load the list again.
    Refresh,
    /// Poll for new runs.
    ToggleLive,
    /// Copy the run id (OSC 52).
    CopyId,
    /// Copy the run's web link (OSC 52).
    CopyLink,
    /// Show every key of this view.
    Help,
    /// Apply what was typed.
    Submit,
    /// Next field.
    NextField,
    /// Previous field.
    PrevField,
    /// Clear the filter.
    ClearFilter,
    /// Put the view's saved filter and sort back.
    RestoreView,
    /// Show the run view's tab with this index.
    Tab(u8),
    /// Open or close the row.
    Toggle,
    /// Open every row.
    ExpandAll,
    /// Close every row.
    CollapseAll,
    /// Go to the first failure.
    FirstFailure,
    /// Go to the next failure.
    NextFailure,
    /// Go to the previous failure.
    PrevFailure,
    /// Logs within the selected phase's time.
    PhaseLogs,
    /// Every log line (drop the phase window).
    AllLogs,
    /// Show or hide a log level (index into DEBUG, INFO, WARNING, ERROR, CRITICAL).
    ToggleLevel(u8),
    /// Next search match.
    NextMatch,
    /// Previous search match.
    PrevMatch,
    /// Mark or unmark the run for a bulk change.
    Mark,
    /// Unmark every marked run.
    ClearMarks,
    /// Edit the run's (or the marked runs') metadata.
    EditMetadata,
    /// Delete the run (or the marked runs).
    Delete,
    /// Upload a file to the run.
    Upload,
    /// A run made by hand: the create-run form.
    NewRun,
    /// The create-run form, from the selected (or open) run as a template with new times.
    NewRunLike,
    /// Add a metadata key.
    Add,
    /// Mark the key for deletion (or unmark it).
    ToggleDelete,
    /// Review and save the edits.
    Save,
    /// Complete the path.
    Complete,
    /// Answer yes.
    Yes,
    /// Answer no.
    No,
    /// Show the view (tab) with this index.
    View(u8),
    /// Next view.
    NextView,
    /// Previous view.
    PrevView,
    /// Move this view one place left.
    MoveViewLeft,
    /// Move this view one place right.
    MoveViewRight,
    /// The column to the left or right (the two-way table's cell cursor).
    ColumnLeft,
    ColumnRight,
    /// The insight panes' time window: the last this many days (0: the filter's own).
    Window(u16),
    /// Type a command (`:w NAME`, `:rename`, `:delete`, `:move N`).
    Command,
    /// Go to a serial (the unit view); from a run, its unit.
    Unit,
    /// A retest side by side.
    Compare,
    /// The next or previous run of the list the run view came from.
    NextRun,
    PrevRun,
    /// The unit view's metadata editor and upload (their own actions: a key may change runs
    /// and not units).
    EditUnit,
    UploadUnit,
    /// The run's page in the web browser.
    OpenBrowser,
    /// The yield pane for the view's filter.
    Yield,
    /// The failure Pareto pane for the view's filter.
    Pareto,
    /// The Pareto's two-way table (failure × station or the bars' dimension), or back.
    TwoWay,
    /// Explain the failure mode under the cursor by every dimension.
    Explain,
    /// The trend of the measurement under the cursor over the list's filter.
    Trend,
    /// Count failed attempts that a retry passed (the Pareto), or final attempts only.
    Retries,
    /// Count ABORTED runs as failures (the Pareto), or not.
    Aborted,
    /// Split the insight pane by the next dimension.
    Split,
    /// Split it by the previous dimension.
    SplitBack,
    /// Triage the view's undisposed failing runs one after the other.
    Triage,
    /// Record the triage preset with this index as the run's disposition.
    Dispose(u8),
    /// Type a disposition.
    DisposeText,
    /// Undo the last metadata change of the session.
    Undo,
}

/// Names for the config's `[keys.MODE]` tables.
const NAMES: &[(&str, Action)] = &[
    ("quit", Action::Quit),
    ("down", Action::Down),
    ("up", Action::Up),
    ("page_down", Action::PageDown),
    ("page_up", Action::PageUp),
    ("top", Action::Top),
    ("bottom", Action::Bottom),
    ("open", Action::Open),
    ("back", Action::Back),
    ("filter", Action::Filter),
    ("form", Action::Form),
    ("sort", Action::CycleSort),
    ("order", Action::FlipOrder),
    ("refresh", Action::Refresh),
    ("live", Action::ToggleLive),
    ("copy_id", Action::CopyId),
    ("copy_link", Action::CopyLink),
    ("help", Action::Help),
    ("submit", Action::Submit),
    ("next_field", Action::NextField),
    ("prev_field", Action::PrevField),
    ("clear_filter", Action::ClearFilter),
    ("restore_view", Action::RestoreView),
    ("toggle", Action::Toggle),
    ("expand_all", Action::ExpandAll),
    ("collapse_all", Action::CollapseAll),
    ("first_failure", Action::FirstFailure),
    ("next_failure", Action::NextFailure),
    ("prev_failure", Action::PrevFailure),
    ("phase_logs", Action::PhaseLogs),
    ("all_logs", Action::AllLogs),
    ("debug", Action::ToggleLevel(0)),
    ("info", Action::ToggleLevel(1)),
    ("warning", Action::ToggleLevel(2)),
    ("error", Action::ToggleLevel(3)),
    ("critical", Action::ToggleLevel(4)),
    ("next_match", Action::NextMatch),
    ("prev_match", Action::PrevMatch),
    ("mark", Action::Mark),
    ("clear_marks", Action::ClearMarks),
    ("metadata", Action::EditMetadata),
    ("delete", Action::Delete),
    ("upload", Action::Upload),
    ("new_run", Action::NewRun),
    ("new_run_like", Action::NewRunLike),
    ("add", Action::Add),
    ("delete_key", Action::ToggleDelete),
    ("save", Action::Save),
    ("complete", Action::Complete),
    ("next_view", Action::NextView),
    ("prev_view", Action::PrevView),
    ("move_view_left", Action::MoveViewLeft),
    ("move_view_right", Action::MoveViewRight),
    ("column_left", Action::ColumnLeft),
    ("column_right", Action::ColumnRight),
    ("window_1d", Action::Window(1)),
    ("window_7d", Action::Window(7)),
    ("window_30d", Action::Window(30)),
    ("window_90d", Action::Window(90)),
    ("window_filter", Action::Window(0)),
    ("command", Action::Command),
    ("unit", Action::Unit),
    ("compare", Action::Compare),
    ("next_run", Action::NextRun),
    ("prev_run", Action::PrevRun),
    ("unit_metadata", Action::EditUnit),
    ("unit_upload", Action::UploadUnit),
    ("open_browser", Action::OpenBrowser),
    ("yield", Action::Yield),
    ("pareto", Action::Pareto),
    ("two_way", Action::TwoWay),
    ("explain", Action::Explain),
    ("trend", Action::Trend),
    ("retries", Action::Retries),
    ("aborted", Action::Aborted),
    ("split", Action::Split),
    ("split_back", Action::SplitBack),
    ("triage", Action::Triage),
    ("dispose_text", Action::DisposeText),
    ("undo", Action::Undo),
    ("preset_1", Action::Dispose(0)),
    ("preset_2", Action::Dispose(1)),
    ("preset_3", Action::Dispose(2)),
    ("preset_4", Action::Dispose(3)),
    ("preset_5", Action::Dispose(4)),
    ("preset_6", Action::Dispose(5)),
    ("preset_7", Action::Dispose(6)),
    ("preset_8", Action::Dispose(7)),
    ("preset_9", Action::Dispose(8)),
    ("tab_phases", Action::Tab(0)),
    ("tab_logs", Action::Tab(1)),
    ("tab_attachments", Action::Tab(2)),
    ("tab_sub_units", Action::Tab(3)),
    ("tab_metadata", Action::Tab(4)),
    ("tab_info", Action::Tab(5)),
];

impl Action {
    pub(crate) fn from_name(name: &str) -> Option<Action> {
        NAMES.iter().find(|(n, _)| *n == name).map(|(_, a)| *a)
    }

    pub fn name(self) -> Option<&'static str> {
        NAMES.iter().find(|(_, a)| *a == self).map(|(n, _)| *n)
    }

    pub fn names() -> impl Iterator<Item = &'static str> {
        NAMES.iter().map(|(n, _)| *n)
    }

    /// Changes something on the server: hidden and refused with `--readonly`.
    /// The rows a movement key moves a cursor by, with `page` rows to a screen (first and last
    /// as far as it goes); `None` for any other action.
    pub(crate) fn step(self, page: isize) -> Option<isize> {
        match self {
            Action::Down => Some(1),
            Action::Up => Some(-1),
            Action::PageDown => Some(page),
            Action::PageUp => Some(-page),
            Action::Top => Some(isize::MIN / 2),
            Action::Bottom => Some(isize::MAX / 2),
            _ => None,
        }
    }

    /// What a mutation is called in messages ("tofui does not …").
    pub(crate) fn what(self) -> &'static str {
        match self {
            Action::EditMetadata => "edit metadata",
            Action::Delete => "delete runs",
            Action::Upload => "upload attachments",
            Action::NewRun | Action::NewRunLike => "create runs",
            Action::EditUnit => "edit unit metadata",
            Action::UploadUnit => "upload unit files",
            Action::Mark => "mark runs for a change",
            Action::Triage | Action::Dispose(_) | Action::DisposeText => "record dispositions",
            Action::Undo => "undo metadata changes",
            _ => "change runs",
        }
    }

    pub(crate) fn mutates(self) -> bool {
        matches!(
            self,
            Action::EditMetadata
                | Action::Delete
                | Action::Upload
                | Action::NewRun
                | Action::NewRunLike
                | Action::Mark
                | Action::EditUnit
                | Action::UploadUnit
                | Action::Triage
                | Action::Undo
        )
    }
}
