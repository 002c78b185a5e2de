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
    /// Edit the run's (or the marked runs') metadata.
    EditMetadata,
    /// Delete the run (or the marked runs).
    Delete,
    /// Upload a file to the run.
    Upload,
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
}

impl Action {
    /// Changes something on the server: hidden and refused with `--readonly`.
    pub fn mutates(self) -> bool {
        matches!(self, Action::EditMetadata | Action::Delete | Action::Upload | Action::Mark)
    }
}
