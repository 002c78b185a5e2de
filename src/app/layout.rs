//! The screen's fixed rows, defined once: the renderer lays the screen out with these, and
//! the panes page by the rows that are left.

/// The title bar.
pub const TITLE: u16 = 1;
/// The views' tab bar (the runs list only).
pub const VIEW_TABS: u16 = 1;
/// The list's column header.
pub const LIST_HEADER: u16 = 1;
/// The status line.
pub const STATUS: u16 = 1;
/// The keys footer.
pub const KEYS: u16 = 1;
/// The `/` or `:` line with its hint or error under it.
pub const BAR: u16 = 2;
/// The run view's header.
pub const RUN_HEADER: u16 = 2;
/// The run view's tab bar.
pub const RUN_TABS: u16 = 1;
/// What a run tab shows above its rows: a table's column header, the logs' filter line.
pub const TAB_HEADER: u16 = 1;

/// Rows of runs on a screen `height` rows high, with `bar` rows of `/` or `:` line open.
pub fn list_rows(height: u16, bar: u16) -> usize {
    height.saturating_sub(TITLE + VIEW_TABS + LIST_HEADER + STATUS + KEYS + bar) as usize
}

/// Rows of a run tab's body (its header included) on a screen `height` rows high.
pub fn run_rows(height: u16) -> usize {
    height.saturating_sub(TITLE + RUN_HEADER + RUN_TABS + STATUS + KEYS) as usize
}
