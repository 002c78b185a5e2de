//! The default tables: one per mode.

use crossterm::event::KeyCode;

use super::{Binding, KeySpec, Keymap, Mode};
use crate::app::action::Action;

pub(super) fn b(key: KeySpec, action: Action, label: &'static str, footer: bool) -> Binding {
    Binding { key, action, label, footer }
}

pub(super) fn ch(c: char) -> KeySpec {
    KeySpec::plain(KeyCode::Char(c))
}

use KeyCode as K;

/// The insight panes' time window: `1` `7` `3` `9` days (1, 7, 30, 90), `0` the filter's own.
/// `footer`: `7` shows in the footer (the Pareto's and the trend's have no room for it at 80
/// columns without dropping `? help`; the Pareto says the keys on its header instead).
fn windows(footer: bool) -> Vec<Binding> {
    vec![
        b(ch('1'), Action::Window(1), "last day", false),
        b(ch('7'), Action::Window(7), "last 7 days", footer),
        b(ch('3'), Action::Window(30), "last 30 days", false),
        b(ch('9'), Action::Window(90), "last 90 days", false),
        b(ch('0'), Action::Window(0), "the filter's window", false),
    ]
}

/// Moving in any list: j/k, arrows, pages, first and last.
pub(super) fn movement(footer: bool) -> Vec<Binding> {
    vec![
        b(ch('j'), Action::Down, "down", footer),
        b(KeySpec::plain(K::Down), Action::Down, "down", false),
        b(ch('k'), Action::Up, "up", footer),
        b(KeySpec::plain(K::Up), Action::Up, "up", false),
        b(ch('g'), Action::Top, "first", false),
        b(KeySpec::plain(K::Home), Action::Top, "first", false),
        b(ch('G'), Action::Bottom, "last", false),
        b(KeySpec::plain(K::End), Action::Bottom, "last", false),
        b(KeySpec::plain(K::PageDown), Action::PageDown, "page down", false),
        b(KeySpec::ctrl('d'), Action::PageDown, "page down", false),
        b(KeySpec::plain(K::PageUp), Action::PageUp, "page up", false),
        b(KeySpec::ctrl('u'), Action::PageUp, "page up", false),
    ]
}

/// `Q` (and `:q`) quits from anywhere, asking first when edits would be lost; `q` goes back one
/// level, as in k9s and lazygit, and quits only from the runs list.
pub(super) fn quit() -> Vec<Binding> {
    vec![b(ch('Q'), Action::Quit, "quit", true), b(KeySpec::ctrl('c'), Action::Quit, "quit", false)]
}

/// `q` and `esc`: back one level.
fn back(label: &'static str) -> Vec<Binding> {
    vec![
        b(KeySpec::plain(K::Esc), Action::Back, label, true),
        b(ch('q'), Action::Back, label, false),
    ]
}

/// What every tab of the run view has: tabs by number, back, copy, reload, help, quit.
fn run_common() -> Vec<Binding> {
    let mut v = vec![
        b(ch('1'), Action::Tab(0), "phases", false),
        b(ch('2'), Action::Tab(1), "logs", false),
        b(ch('3'), Action::Tab(2), "attachments", false),
        b(ch('4'), Action::Tab(3), "sub-units", false),
        b(ch('5'), Action::Tab(4), "metadata", false),
        b(ch('6'), Action::Tab(5), "info", false),
        b(KeySpec::plain(K::Esc), Action::Back, "back", true),
        b(ch('q'), Action::Back, "back", false),
        b(KeySpec::plain(K::Backspace), Action::Back, "back", false),
        b(ch('y'), Action::CopyId, "copy id", false),
        b(ch('Y'), Action::CopyLink, "copy link", false),
        b(ch('o'), Action::OpenBrowser, "open in browser", false),
        b(ch('r'), Action::Refresh, "reload", false),
        b(ch('m'), Action::EditMetadata, "metadata", false),
        b(ch('D'), Action::Delete, "delete", false),
        b(ch('C'), Action::NewRunLike, "new run like this one (a form)", false),
        b(ch('z'), Action::Undo, "undo the last metadata change", false),
        b(ch('U'), Action::Unit, "unit", true),
        b(ch(']'), Action::NextRun, "next run", true),
        b(ch('['), Action::PrevRun, "previous run", false),
        b(ch(':'), Action::Command, "command (:export FILE, :q quits)", false),
        b(ch('?'), Action::Help, "help", true),
    ];
    v.extend(quit());
    v
}

impl Default for Keymap {
    fn default() -> Self {
        let mut list = movement(true);
        list.extend([
            b(KeySpec::plain(K::Enter), Action::Open, "open", true),
            b(ch('/'), Action::Filter, "filter", true),
            b(ch('F'), Action::Form, "form", true),
            b(ch('x'), Action::ClearFilter, "clear filter", false),
            b(ch('X'), Action::RestoreView, "restore the view's saved filter", false),
            b(ch('s'), Action::CycleSort, "sort", true),
            b(ch('S'), Action::FlipOrder, "order", false),
            b(ch('r'), Action::Refresh, "refresh", false),
            b(ch('L'), Action::ToggleLive, "live", true),
            b(ch('y'), Action::CopyId, "copy id", false),
            b(ch('Y'), Action::CopyLink, "copy link", false),
            b(ch('o'), Action::OpenBrowser, "open in browser", false),
            b(ch(' '), Action::Mark, "mark", false),
            b(ch('M'), Action::ClearMarks, "clear all marks", false),
            b(ch('m'), Action::EditMetadata, "metadata", false),
            b(ch('D'), Action::Delete, "delete", false),
            b(KeySpec::plain(K::Tab), Action::NextView, "next view", false),
            b(KeySpec::plain(K::BackTab), Action::PrevView, "previous view", false),
            b(ch(':'), Action::Command, "command (:w NAME, :export FILE, :q quits)", false),
            b(
                KeySpec::plain(K::Esc),
                Action::Back,
                "back from a drill-down; stops :export!",
                false,
            ),
            b(ch('<'), Action::MoveViewLeft, "move view left", false),
            b(ch('>'), Action::MoveViewRight, "move view right", false),
            b(ch('U'), Action::Unit, "go to serial", false),
            b(ch('%'), Action::Yield, "yield", true),
            b(ch('P'), Action::Pareto, "failure Pareto", true),
            b(ch('T'), Action::Triage, "triage the failing runs", false),
            b(ch('N'), Action::NewRun, "new run (a form; like the one marked run)", false),
            b(ch('C'), Action::NewRunLike, "new run like the selected one (a form)", false),
            b(ch('z'), Action::Undo, "undo the last metadata change", false),
            // Last before quit: the footer keeps the last two when it must drop keys.
            b(ch('?'), Action::Help, "help", true),
        ]);
        for n in 1..=9u8 {
            list.push(b(ch((b'0' + n) as char), Action::View(n - 1), "view", false));
        }
        // The top level: `q` goes back from a drill-down, else quits (still asking first).
        list.extend([
            b(ch('q'), Action::BackOrQuit, "quit", true),
            b(ch('Q'), Action::Quit, "quit", false),
            b(KeySpec::ctrl('c'), Action::Quit, "quit", false),
        ]);
        let filter = vec![
            b(KeySpec::plain(K::Enter), Action::Submit, "apply", true),
            b(KeySpec::plain(K::Esc), Action::Back, "cancel", true),
            b(KeySpec::plain(K::Tab), Action::Form, "form", true),
            b(KeySpec::ctrl('c'), Action::Quit, "quit", false),
        ];
        let form = vec![
            b(KeySpec::plain(K::Enter), Action::Submit, "apply", true),
            b(KeySpec::plain(K::Esc), Action::Back, "cancel", true),
            b(KeySpec::plain(K::Tab), Action::Complete, "complete/next field", true),
            b(KeySpec::plain(K::Down), Action::NextField, "next field", false),
            b(KeySpec::plain(K::BackTab), Action::PrevField, "previous field", true),
            b(KeySpec::plain(K::Up), Action::PrevField, "previous field", false),
            b(KeySpec::ctrl('c'), Action::Quit, "quit", false),
        ];
        let create = vec![
            b(KeySpec::plain(K::Tab), Action::NextField, "next field", true),
            b(KeySpec::plain(K::Enter), Action::Submit, "next field", false),
            b(KeySpec::plain(K::Down), Action::NextField, "next field", false),
            b(KeySpec::plain(K::BackTab), Action::PrevField, "previous field", true),
            b(KeySpec::plain(K::Up), Action::PrevField, "previous field", false),
            b(KeySpec::ctrl('s'), Action::Save, "review and send", true),
            b(KeySpec::plain(K::Esc), Action::Back, "cancel", true),
            b(KeySpec::ctrl('c'), Action::Quit, "quit", false),
        ];
        let create_review = vec![
            b(KeySpec::plain(K::Enter), Action::Submit, "send", true),
            b(KeySpec::plain(K::Esc), Action::Back, "back to the form", true),
            b(KeySpec::ctrl('c'), Action::Quit, "quit", false),
        ];
        let mut tree = vec![
            b(ch('f'), Action::FirstFailure, "first fail", true),
            b(ch('n'), Action::NextFailure, "next fail", true),
            b(ch('N'), Action::PrevFailure, "previous failure", false),
            b(KeySpec::plain(K::Enter), Action::Open, "open", true),
            b(ch(' '), Action::Toggle, "open/close", false),
            b(ch('+'), Action::ExpandAll, "open all", false),
            b(ch('-'), Action::CollapseAll, "close all", false),
            b(ch('l'), Action::PhaseLogs, "logs", true),
            b(ch('t'), Action::Trend, "trend", false),
            b(ch('e'), Action::Explain, "explain its failures", false),
            b(ch('L'), Action::PhaseLogs, "logs", false),
        ];
        tree.extend(movement(false));
        tree.extend(run_common());
        let mut logs = vec![
            b(ch('/'), Action::Filter, "search", true),
            b(ch('n'), Action::NextMatch, "next match", true),
            b(ch('N'), Action::PrevMatch, "previous match", false),
            b(ch('d'), Action::ToggleLevel(0), "debug", false),
            b(ch('i'), Action::ToggleLevel(1), "info", false),
            b(ch('w'), Action::ToggleLevel(2), "warning", false),
            b(ch('e'), Action::ToggleLevel(3), "error", false),
            b(ch('c'), Action::ToggleLevel(4), "critical", false),
            b(ch('a'), Action::AllLogs, "all logs", true),
        ];
        logs.extend(movement(false));
        logs.extend(run_common());
        let log_search = vec![
            b(KeySpec::plain(K::Enter), Action::Submit, "search", true),
            b(KeySpec::plain(K::Esc), Action::Back, "cancel", true),
            b(KeySpec::ctrl('c'), Action::Quit, "quit", false),
        ];
        let mut attachments = vec![
            b(KeySpec::plain(K::Enter), Action::Open, "download", true),
            b(ch('u'), Action::Upload, "upload", true),
        ];
        attachments.extend(movement(false));
        attachments.extend(run_common());
        let mut other = movement(false);
        other.push(b(KeySpec::plain(K::Enter), Action::Open, "open sub-unit", false));
        other.extend(run_common());
        let mut chart = back("close chart");
        chart.push(b(ch('?'), Action::Help, "help", true));
        chart.extend(quit());
        let mut editor = vec![
            b(ch('a'), Action::Add, "add", true),
            b(KeySpec::plain(K::Enter), Action::Open, "edit", true),
            b(ch('x'), Action::ToggleDelete, "delete key", true),
            b(KeySpec::ctrl('s'), Action::Save, "save", true),
            b(KeySpec::plain(K::Esc), Action::Back, "close", true),
            b(ch('q'), Action::Back, "close", false),
            b(ch('j'), Action::Down, "down", false),
            b(KeySpec::plain(K::Down), Action::Down, "down", false),
            b(ch('k'), Action::Up, "up", false),
            b(KeySpec::plain(K::Up), Action::Up, "up", false),
            b(ch('?'), Action::Help, "help", false),
        ];
        editor.extend(quit());
        let editor_text = vec![
            b(KeySpec::plain(K::Enter), Action::Submit, "ok", true),
            b(KeySpec::plain(K::Tab), Action::NextField, "to value", true),
            b(KeySpec::plain(K::Esc), Action::Back, "cancel", true),
            b(KeySpec::ctrl('c'), Action::Quit, "quit", false),
        ];
        let review = vec![
            b(KeySpec::plain(K::Enter), Action::Submit, "save", true),
            b(ch('y'), Action::Submit, "save", false),
            b(KeySpec::plain(K::Esc), Action::Back, "back to editing", true),
            b(ch('n'), Action::Back, "back to editing", false),
            b(KeySpec::ctrl('c'), Action::Quit, "quit", false),
        ];
        let undo_review = vec![
            b(KeySpec::plain(K::Enter), Action::Submit, "undo", true),
            b(ch('y'), Action::Submit, "undo", false),
            b(KeySpec::plain(K::Esc), Action::Back, "cancel", true),
            b(ch('n'), Action::Back, "cancel", false),
            b(KeySpec::ctrl('c'), Action::Quit, "quit", false),
        ];
        let confirm_delete = vec![
            b(KeySpec::plain(K::Enter), Action::Submit, "delete", true),
            b(KeySpec::plain(K::Esc), Action::Back, "cancel", true),
            b(KeySpec::ctrl('c'), Action::Quit, "quit", false),
        ];
        let upload = vec![
            b(KeySpec::plain(K::Enter), Action::Submit, "upload", true),
            b(KeySpec::plain(K::Tab), Action::Complete, "complete", true),
            b(KeySpec::plain(K::Esc), Action::Back, "cancel", true),
            b(KeySpec::ctrl('c'), Action::Quit, "quit", false),
        ];
        let command = vec![
            b(KeySpec::plain(K::Enter), Action::Submit, "run", true),
            b(KeySpec::plain(K::Esc), Action::Back, "cancel", true),
            b(KeySpec::ctrl('c'), Action::Quit, "quit", false),
        ];
        let ask = vec![
            b(ch('y'), Action::Yes, "yes", true),
            b(ch('n'), Action::No, "no", true),
            b(KeySpec::plain(K::Esc), Action::No, "no", false),
        ];
        let mut help = vec![
            b(KeySpec::plain(K::Esc), Action::Back, "close", true),
            b(ch('?'), Action::Back, "close", false),
            b(ch('q'), Action::Back, "close", false),
            b(KeySpec::ctrl('c'), Action::Quit, "quit", false),
        ];
        help.extend(movement(true));
        let mut blocked = quit();
        blocked.push(b(ch('q'), Action::Quit, "quit", false));
        let mut unit = vec![
            b(KeySpec::plain(K::Enter), Action::Open, "open", true),
            b(KeySpec::plain(K::Tab), Action::NextField, "next section", true),
            b(KeySpec::plain(K::BackTab), Action::PrevField, "previous section", false),
            b(KeySpec::plain(K::Backspace), Action::Back, "back", false),
            b(ch('c'), Action::Compare, "compare retest", false),
            b(ch('m'), Action::EditUnit, "metadata", false),
            b(ch('u'), Action::UploadUnit, "upload file", false),
            b(ch('U'), Action::Unit, "go to serial", false),
            b(ch('r'), Action::Refresh, "reload", false),
            b(ch('y'), Action::CopyId, "copy serial", false),
            b(ch('?'), Action::Help, "help", true),
        ];
        unit.extend(back("back"));
        unit.extend(movement(false));
        unit.extend(quit());
        let mut yields = vec![
            b(ch('s'), Action::Split, "split by", true),
            b(KeySpec::plain(K::Enter), Action::Open, "runs", true),
            b(ch('S'), Action::SplitBack, "previous split", false),
            b(KeySpec::plain(K::Esc), Action::Back, "back", true),
            b(ch('q'), Action::Back, "back", false),
            b(KeySpec::plain(K::Backspace), Action::Back, "back", false),
            b(ch('r'), Action::Refresh, "reload", false),
            b(ch('?'), Action::Help, "help", true),
        ];
        yields.extend(movement(false));
        yields.extend(windows(true));
        yields.extend(quit());
        let mut paretos = vec![
            b(ch('s'), Action::Split, "bars by", true),
            b(ch('w'), Action::TwoWay, "failure × station", true),
            b(ch('h'), Action::ColumnLeft, "column left (w)", false),
            b(KeySpec::plain(K::Left), Action::ColumnLeft, "column left (w)", false),
            b(ch('l'), Action::ColumnRight, "column right (w)", false),
            b(KeySpec::plain(K::Right), Action::ColumnRight, "column right (w)", false),
            b(ch('e'), Action::Explain, "explain", true),
            b(KeySpec::plain(K::Enter), Action::Open, "runs", true),
            b(ch('a'), Action::Retries, "with retries", false),
            b(ch('A'), Action::Aborted, "with ABORTED", false),
            b(ch('S'), Action::SplitBack, "bars by (back)", false),
            b(KeySpec::plain(K::Esc), Action::Back, "back", true),
            b(ch('q'), Action::Back, "back", false),
            b(KeySpec::plain(K::Backspace), Action::Back, "back", false),
            b(ch('r'), Action::Refresh, "reload", false),
            b(ch('?'), Action::Help, "help", true),
        ];
        paretos.extend(movement(false));
        paretos.extend(windows(false));
        paretos.extend(quit());
        let mut explains = vec![
            b(KeySpec::plain(K::Enter), Action::Open, "runs", true),
            b(KeySpec::plain(K::Esc), Action::Back, "back", true),
            b(ch('q'), Action::Back, "back", false),
            b(KeySpec::plain(K::Backspace), Action::Back, "back", false),
            b(ch('?'), Action::Help, "help", true),
        ];
        explains.extend(movement(false));
        explains.extend(quit());
        let mut trends = vec![
            b(ch('s'), Action::Split, "points by", true),
            b(ch('S'), Action::SplitBack, "points by (back)", false),
            b(KeySpec::plain(K::Enter), Action::Open, "runs of the failed values", true),
            b(KeySpec::plain(K::Esc), Action::Back, "back", true),
            b(ch('q'), Action::Back, "back", false),
            b(KeySpec::plain(K::Backspace), Action::Back, "back", false),
            b(ch('r'), Action::Refresh, "reload", false),
            b(ch('?'), Action::Help, "help", true),
        ];
        trends.extend(windows(false));
        trends.extend(quit());
        let serial = vec![
            b(KeySpec::plain(K::Enter), Action::Submit, "go", true),
            b(KeySpec::plain(K::Esc), Action::Back, "cancel", true),
            b(KeySpec::ctrl('c'), Action::Quit, "quit", false),
        ];
        let mut retest = back("back");
        retest.push(b(KeySpec::plain(K::Backspace), Action::Back, "back", false));
        retest.push(b(ch('?'), Action::Help, "help", true));
        retest.extend(movement(false));
        retest.extend(quit());
        let (triage, triage_text) = super::triage_keys::triage();
        Keymap {
            tables: vec![
                (Mode::List, list),
                (Mode::Filter, filter),
                (Mode::Form, form),
                (Mode::CreateRun, create),
                (Mode::CreateReview, create_review),
                (Mode::Tree, tree),
                (Mode::Logs, logs),
                (Mode::LogSearch, log_search),
                (Mode::Attachments, attachments),
                (Mode::RunOther, other),
                (Mode::Chart, chart),
                (Mode::Editor, editor),
                (Mode::EditorText, editor_text),
                (Mode::EditorReview, review),
                (Mode::ConfirmDelete, confirm_delete),
                (Mode::UploadPrompt, upload),
                (Mode::Ask, ask),
                (Mode::Command, command),
                (Mode::Help, help),
                (Mode::Unit, unit),
                (Mode::Yield, yields),
                (Mode::Pareto, paretos),
                (Mode::Explain, explains),
                (Mode::Trend, trends),
                (Mode::Serial, serial),
                (Mode::Retest, retest),
                (Mode::Blocked, blocked),
                (Mode::Triage, triage),
                (Mode::TriageText, triage_text),
                (Mode::UndoReview, undo_review),
            ],
            withdrawn: Vec::new(),
        }
    }
}
