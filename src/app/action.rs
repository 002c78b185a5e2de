//! The one vocabulary between input and state: every key binding names one of these, and
//! `update` is the only place they change anything.

/// Declares the actions: per line the variant and its name in the config's `[keys.MODE]`
/// tables (`{ name => argument, … }` for an action with an argument; none: not remappable).
/// The enum and the names come from the same line.
macro_rules! actions {
    ($($(#[$doc:meta])* $name:ident $(($t:ty))? $(= $n:literal)? $({ $($pn:literal => $pv:expr,)* })?,)*) => {
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum Action {
            $($(#[$doc])* $name $(($t))?,)*
        }

        /// Names for the config's `[keys.MODE]` tables.
        const NAMES: &[(&str, Action)] = &[
            $($(($n, Action::$name),)? $($(($pn, Action::$name($pv)),)*)?)*
        ];
    };
}

actions! {
    /// Leave tofui.
    Quit = "quit",
    /// The list's `q`: back to where a drill-down came from; at the top, quit. Shown and
    /// remapped as `quit` (see [`Action::kin`]).
    BackOrQuit,
    /// Move the selection one row down.
    Down = "down",
    /// Move the selection one row up.
    Up = "up",
    /// Move one screen down.
    PageDown = "page_down",
    /// Move one screen up.
    PageUp = "page_up",
    /// Go to the first row.
    Top = "top",
    /// Go to the last loaded row (more load as you get there).
    Bottom = "bottom",
    /// Open the selected run.
    Open = "open",
    /// Close what is open; go back.
    Back = "back",
    /// Type a filter query.
    Filter = "filter",
    /// Edit the filter as a form.
    Form = "form",
    /// Next sort column.
    CycleSort = "sort",
    /// Flip the sort order.
    FlipOrder = "order",
    /// Load the list again.
    Refresh = "refresh",
    /// Poll for new runs.
    ToggleLive = "live",
    /// Copy the run id (OSC 52).
    CopyId = "copy_id",
    /// Copy the run's web link (OSC 52).
    CopyLink = "copy_link",
    /// Show every key of this view.
    Help = "help",
    /// Apply what was typed.
    Submit = "submit",
    /// Next field.
    NextField = "next_field",
    /// Previous field.
    PrevField = "prev_field",
    /// Clear the filter.
    ClearFilter = "clear_filter",
    /// Put the view's saved filter and sort back.
    RestoreView = "restore_view",
    /// Open or close the row.
    Toggle = "toggle",
    /// Open every row.
    ExpandAll = "expand_all",
    /// Close every row.
    CollapseAll = "collapse_all",
    /// Go to the first failure.
    FirstFailure = "first_failure",
    /// Go to the next failure.
    NextFailure = "next_failure",
    /// Go to the previous failure.
    PrevFailure = "prev_failure",
    /// Logs within the selected phase's time.
    PhaseLogs = "phase_logs",
    /// Every log line (drop the phase window).
    AllLogs = "all_logs",
    /// Show or hide a log level (index into DEBUG, INFO, WARNING, ERROR, CRITICAL).
    ToggleLevel(u8) {
        "debug" => 0,
        "info" => 1,
        "warning" => 2,
        "error" => 3,
        "critical" => 4,
    },
    /// Next search match.
    NextMatch = "next_match",
    /// Previous search match.
    PrevMatch = "prev_match",
    /// Mark or unmark the run for a bulk change.
    Mark = "mark",
    /// Unmark every marked run.
    ClearMarks = "clear_marks",
    /// Edit the run's (or the marked runs') metadata.
    EditMetadata = "metadata",
    /// Delete the run (or the marked runs).
    Delete = "delete",
    /// Upload a file to the run.
    Upload = "upload",
    /// A run made by hand: the create-run form.
    NewRun = "new_run",
    /// The create-run form, from the selected (or open) run as a template with new times.
    NewRunLike = "new_run_like",
    /// Add a metadata key.
    Add = "add",
    /// Mark the key for deletion (or unmark it).
    ToggleDelete = "delete_key",
    /// Review and save the edits.
    Save = "save",
    /// Complete the path.
    Complete = "complete",
    /// Answer yes.
    Yes,
    /// Answer no.
    No,
    /// Show the view (tab) with this index.
    View(u8) {},
    /// Next view.
    NextView = "next_view",
    /// Previous view.
    PrevView = "prev_view",
    /// Move this view one place left.
    MoveViewLeft = "move_view_left",
    /// Move this view one place right.
    MoveViewRight = "move_view_right",
    /// The column to the left (the two-way table's cell cursor).
    ColumnLeft = "column_left",
    /// The column to the right.
    ColumnRight = "column_right",
    /// The insight panes' time window: the last this many days (0: the filter's own).
    Window(u16) {
        "window_1d" => 1,
        "window_7d" => 7,
        "window_30d" => 30,
        "window_90d" => 90,
        "window_filter" => 0,
    },
    /// Type a command (`:w NAME`, `:rename`, `:delete`, `:move N`).
    Command = "command",
    /// Go to a serial (the unit view); from a run, its unit.
    Unit = "unit",
    /// A retest side by side.
    Compare = "compare",
    /// The next run of the list the run view came from.
    NextRun = "next_run",
    /// The previous run of the list the run view came from.
    PrevRun = "prev_run",
    /// The unit view's metadata editor and upload (their own actions: a key may change runs
    /// and not units).
    EditUnit = "unit_metadata",
    /// The unit view's upload.
    UploadUnit = "unit_upload",
    /// The run's page in the web browser.
    OpenBrowser = "open_browser",
    /// The yield pane for the view's filter.
    Yield = "yield",
    /// The failure Pareto pane for the view's filter.
    Pareto = "pareto",
    /// The Pareto's two-way table (failure × station or the bars' dimension), or back.
    TwoWay = "two_way",
    /// Explain the failure mode under the cursor by every dimension.
    Explain = "explain",
    /// The trend of the measurement under the cursor over the list's filter.
    Trend = "trend",
    /// Count failed attempts that a retry passed (the Pareto), or final attempts only.
    Retries = "retries",
    /// Count ABORTED runs as failures (the Pareto), or not.
    Aborted = "aborted",
    /// Split the insight pane by the next dimension.
    Split = "split",
    /// Split it by the previous dimension.
    SplitBack = "split_back",
    /// Triage the view's undisposed failing runs one after the other.
    Triage = "triage",
    /// Type a disposition.
    DisposeText = "dispose_text",
    /// Undo the last metadata change of the session.
    Undo = "undo",
    /// Record the triage preset with this index as the run's disposition.
    Dispose(u8) {
        "preset_1" => 0,
        "preset_2" => 1,
        "preset_3" => 2,
        "preset_4" => 3,
        "preset_5" => 4,
        "preset_6" => 5,
        "preset_7" => 6,
        "preset_8" => 7,
        "preset_9" => 8,
    },
    /// Show the run view's tab with this index.
    Tab(u8) {
        "tab_phases" => 0,
        "tab_logs" => 1,
        "tab_attachments" => 2,
        "tab_sub_units" => 3,
        "tab_metadata" => 4,
        "tab_info" => 5,
    },
}

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

    /// The action a binding counts as in `?`, the footer and the config's `[keys.MODE]`: the
    /// list's `q` is a `quit` key (remapping `quit` rebinds it too).
    pub(crate) fn kin(self) -> Action {
        match self {
            Action::BackOrQuit => Action::Quit,
            a => a,
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

    /// Changes something on the server: hidden and refused with `--readonly`.
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
