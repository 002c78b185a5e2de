//! The screen's fixed rows, defined once: the renderer lays the screen out with these, and
//! the panes page by the rows that are left.

/// The title bar.
pub(crate) const TITLE: u16 = 1;
/// The views' tab bar (the runs list only).
pub(crate) const VIEW_TABS: u16 = 1;
/// The list's column header.
pub(crate) const LIST_HEADER: u16 = 1;
/// The status line.
pub(crate) const STATUS: u16 = 1;
/// The keys footer.
pub(crate) const KEYS: u16 = 1;
/// The `/` or `:` line with its hint or error under it.
pub(crate) const BAR: u16 = 2;
/// The run view's header.
pub(crate) const RUN_HEADER: u16 = 2;
/// The run view's tab bar.
pub(crate) const RUN_TABS: u16 = 1;
/// What a run tab shows above its rows: a table's column header, the logs' filter line.
pub(crate) const TAB_HEADER: u16 = 1;

/// Rows of runs on a screen `height` rows high, with `bar` rows of `/` or `:` line open.
pub(crate) fn list_rows(height: u16, bar: u16) -> usize {
    height.saturating_sub(TITLE + VIEW_TABS + LIST_HEADER + STATUS + KEYS + bar) as usize
}

/// Rows of a run tab's body (its header included) on a screen `height` rows high.
pub(crate) fn run_rows(height: u16) -> usize {
    height.saturating_sub(TITLE + RUN_HEADER + RUN_TABS + STATUS + KEYS) as usize
}

/// Width from which the runs list shows (and fetches) the failure column.
pub(crate) const FAILURE_COLUMN: u16 = 140;

/// Width from which the runs list shows each run's disposition (the `[triage] key`).
pub(crate) const DISPOSITION_COLUMN: u16 = 120;

/// The retest comparison's header.
pub(crate) const RETEST_HEADER: u16 = 4;
/// The unit view's header.
pub(crate) const UNIT_HEADER: u16 = 2;
/// Width from which the unit view puts the genealogy beside the runs, not under them.
pub(crate) const UNIT_SIDE_BY_SIDE: u16 = 120;

/// How the unit view splits its body on a `width`×`height` screen, for a tree of `tree_len`
/// units: rows of runs, rows of the tree (each under its own title row), and whether the
/// tree is beside the runs.
pub(crate) fn unit_split(width: u16, height: u16, tree_len: usize) -> (usize, usize, bool) {
    let body = height.saturating_sub(TITLE + UNIT_HEADER + STATUS + KEYS) as usize;
    if width >= UNIT_SIDE_BY_SIDE {
        let rows = body.saturating_sub(1);
        return (rows, rows, true);
    }
    // Under the runs: as many rows as the tree has, up to a third of the body (at least 2).
    let tree = tree_len.clamp(1, (body / 3).max(2));
    let runs = body.saturating_sub(tree + 2);
    (runs, tree, false)
}

/// An insight pane's header (yield, Pareto): the filter and progress, then two lines of totals.
pub(crate) const INSIGHT_HEADER: u16 = 3;

/// Rows of an insight pane's table (under its column header) on a screen `height` rows high.
pub(crate) fn insight_rows(height: u16) -> usize {
    height.saturating_sub(TITLE + INSIGHT_HEADER + TAB_HEADER + STATUS + KEYS) as usize
}

/// Width of the two-way table's label column on a screen `width` columns wide.
pub(crate) fn two_way_label(width: u16) -> usize {
    (width as usize / 3).clamp(16, 40)
}

/// Width of a two-way table cell (and its total): wider on wide screens, for the labels.
pub(crate) fn two_way_cell(width: u16) -> usize {
    if width >= 120 { 12 } else { 8 }
}

/// Columns of values the two-way table shows on a screen `width` columns wide (after the label
/// and the row total).
pub(crate) fn two_way_cols(width: u16) -> usize {
    let cell = two_way_cell(width);
    (width as usize).saturating_sub(1 + two_way_label(width) + cell) / cell
}

/// The triage queue's rows above the run (its header and the queue line) and under it (the
/// presets and the message or prompt line).
pub(crate) const TRIAGE_HEAD: u16 = RUN_HEADER + 1;
pub(crate) const TRIAGE_FOOT: u16 = 2;
/// Width from which the triage queue puts the phase's logs beside the tree.
pub(crate) const TRIAGE_SIDE_BY_SIDE: u16 = 120;

/// How the triage queue splits its body on a `width`×`height` screen: rows of the tree, rows
/// of log lines (under the logs' filter line), and whether the logs are beside the tree.
pub(crate) fn triage_split(width: u16, height: u16) -> (usize, usize, bool) {
    let body = height.saturating_sub(TITLE + TRIAGE_HEAD + TRIAGE_FOOT + STATUS + KEYS) as usize;
    if width >= TRIAGE_SIDE_BY_SIDE {
        return (body, body.saturating_sub(TAB_HEADER as usize), true);
    }
    let tree = (body * 2 / 5).max(3);
    (tree, body.saturating_sub(tree + TAB_HEADER as usize), false)
}
