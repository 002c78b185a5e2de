//! Keys as data: one table per mode maps keys to actions. The footer and the `?` overlay are
//! generated from the same tables, so they cannot drift, and remapping is a table change.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::action::Action;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Mode {
    List,
    /// Typing a filter query (other keys go to the text field).
    Filter,
    /// The filter form (other keys go to the focused field).
    Form,
    /// The run view's phases tree.
    Tree,
    /// The run view's logs.
    Logs,
    /// Typing a logs search.
    LogSearch,
    /// The run view's attachments.
    Attachments,
    /// The run view's other tabs, or the run while it loads.
    RunOther,
    /// A measurement's chart.
    Chart,
    /// The metadata editor.
    Editor,
    /// Typing a key or value in the editor.
    EditorText,
    /// The editor's change set, before saving.
    EditorReview,
    /// Confirming a delete.
    ConfirmDelete,
    /// Typing the path of a file to upload.
    UploadPrompt,
    /// A yes/no question.
    Ask,
    /// Typing a `:` command.
    Command,
    /// The `?` overlay.
    Help,
    /// The "set your API key" screen.
    Blocked,
}

impl Mode {
    pub fn in_run(self) -> bool {
        matches!(
            self,
            Mode::Tree
                | Mode::Logs
                | Mode::LogSearch
                | Mode::Attachments
                | Mode::RunOther
                | Mode::Chart
        )
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct KeySpec {
    pub code: KeyCode,
    pub mods: KeyModifiers,
}

impl KeySpec {
    pub const fn plain(code: KeyCode) -> KeySpec {
        KeySpec { code, mods: KeyModifiers::NONE }
    }

    pub const fn ctrl(c: char) -> KeySpec {
        KeySpec { code: KeyCode::Char(c), mods: KeyModifiers::CONTROL }
    }

    pub fn matches(&self, ev: &KeyEvent) -> bool {
        if self.code != ev.code {
            return false;
        }
        // Shift is part of the character for letters (`G`), so only ctrl/alt must agree.
        let relevant = KeyModifiers::CONTROL | KeyModifiers::ALT;
        ev.modifiers & relevant == self.mods & relevant
    }

    /// How the key is written in the footer and help.
    pub fn label(&self) -> String {
        let base = match self.code {
            KeyCode::Char(' ') => "space".to_string(),
            KeyCode::Char(c) => c.to_string(),
            KeyCode::Up => "↑".into(),
            KeyCode::Down => "↓".into(),
            KeyCode::Left => "←".into(),
            KeyCode::Right => "→".into(),
            KeyCode::PageUp => "PgUp".into(),
            KeyCode::PageDown => "PgDn".into(),
            KeyCode::Home => "Home".into(),
            KeyCode::End => "End".into(),
            KeyCode::Enter => "enter".into(),
            KeyCode::Esc => "esc".into(),
            KeyCode::Tab => "tab".into(),
            KeyCode::BackTab => "shift-tab".into(),
            KeyCode::Backspace => "backspace".into(),
            KeyCode::F(n) => format!("F{n}"),
            other => format!("{other:?}").to_lowercase(),
        };
        if self.mods.contains(KeyModifiers::CONTROL) { format!("ctrl-{base}") } else { base }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Binding {
    pub key: KeySpec,
    pub action: Action,
    /// What the help and footer call it.
    pub label: &'static str,
    /// Shown in the footer (the rest only in `?`).
    pub footer: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Keymap {
    tables: Vec<(Mode, Vec<Binding>)>,
}

fn b(key: KeySpec, action: Action, label: &'static str, footer: bool) -> Binding {
    Binding { key, action, label, footer }
}

fn ch(c: char) -> KeySpec {
    KeySpec::plain(KeyCode::Char(c))
}

use KeyCode as K;

/// Moving in any list: j/k, arrows, pages, first and last.
fn movement(footer: bool) -> Vec<Binding> {
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

fn quit() -> Vec<Binding> {
    vec![b(ch('q'), Action::Quit, "quit", true), b(KeySpec::ctrl('c'), Action::Quit, "quit", false)]
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
        b(KeySpec::plain(K::Backspace), Action::Back, "back", false),
        b(ch('y'), Action::CopyId, "copy id", false),
        b(ch('Y'), Action::CopyLink, "copy link", false),
        b(ch('r'), Action::Refresh, "reload", false),
        b(ch('m'), Action::EditMetadata, "metadata", false),
        b(ch('D'), Action::Delete, "delete", false),
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
            b(ch('s'), Action::CycleSort, "sort", true),
            b(ch('S'), Action::FlipOrder, "order", false),
            b(ch('r'), Action::Refresh, "refresh", false),
            b(ch('L'), Action::ToggleLive, "live", true),
            b(ch('y'), Action::CopyId, "copy id", false),
            b(ch('Y'), Action::CopyLink, "copy link", false),
            b(ch(' '), Action::Mark, "mark", false),
            b(ch('m'), Action::EditMetadata, "metadata", false),
            b(ch('d'), Action::Delete, "delete", false),
            b(ch('?'), Action::Help, "help", true),
            b(KeySpec::plain(K::Tab), Action::NextView, "next view", false),
            b(KeySpec::plain(K::BackTab), Action::PrevView, "previous view", false),
            b(ch(':'), Action::Command, "command (:w NAME saves the view)", false),
            b(ch('<'), Action::MoveViewLeft, "move view left", false),
            b(ch('>'), Action::MoveViewRight, "move view right", false),
        ]);
        for n in 1..=9u8 {
            list.push(b(ch((b'0' + n) as char), Action::View(n - 1), "view", false));
        }
        list.extend(quit());
        let filter = vec![
            b(KeySpec::plain(K::Enter), Action::Submit, "apply", true),
            b(KeySpec::plain(K::Esc), Action::Back, "cancel", true),
            b(KeySpec::plain(K::Tab), Action::Form, "form", true),
            b(KeySpec::ctrl('c'), Action::Quit, "quit", false),
        ];
        let form = vec![
            b(KeySpec::plain(K::Enter), Action::Submit, "apply", true),
            b(KeySpec::plain(K::Esc), Action::Back, "cancel", true),
            b(KeySpec::plain(K::Tab), Action::NextField, "next field", true),
            b(KeySpec::plain(K::Down), Action::NextField, "next field", false),
            b(KeySpec::plain(K::BackTab), Action::PrevField, "previous field", true),
            b(KeySpec::plain(K::Up), Action::PrevField, "previous field", false),
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
            b(ch('L'), Action::PhaseLogs, "logs", false),
        ];
        tree.extend(movement(false));
        tree.push(b(ch('d'), Action::Delete, "delete", false));
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
        attachments.push(b(ch('d'), Action::Delete, "delete", false));
        attachments.extend(run_common());
        let mut other = movement(false);
        other.push(b(ch('d'), Action::Delete, "delete", false));
        other.extend(run_common());
        let mut chart = vec![
            b(KeySpec::plain(K::Esc), Action::Back, "close chart", true),
            b(ch('?'), Action::Help, "help", true),
        ];
        chart.extend(quit());
        let mut editor = vec![
            b(ch('a'), Action::Add, "add", true),
            b(KeySpec::plain(K::Enter), Action::Open, "edit", true),
            b(ch('x'), Action::ToggleDelete, "delete key", true),
            b(KeySpec::ctrl('s'), Action::Save, "save", true),
            b(KeySpec::plain(K::Esc), Action::Back, "close", true),
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
        let help = vec![
            b(KeySpec::plain(K::Esc), Action::Back, "close", true),
            b(ch('?'), Action::Back, "close", false),
            b(ch('q'), Action::Back, "close", false),
            b(KeySpec::ctrl('c'), Action::Quit, "quit", false),
        ];
        Keymap {
            tables: vec![
                (Mode::List, list),
                (Mode::Filter, filter),
                (Mode::Form, form),
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
                (Mode::Blocked, quit()),
            ],
        }
    }
}

impl Mode {
    /// The name of the mode's table in the config (`[keys.list]`).
    pub fn config_name(self) -> Option<&'static str> {
        Some(match self {
            Mode::List => "list",
            Mode::Filter => "filter",
            Mode::Form => "form",
            Mode::Tree => "tree",
            Mode::Logs => "logs",
            Mode::Attachments => "attachments",
            Mode::RunOther => "run",
            Mode::Chart => "chart",
            Mode::Editor => "editor",
            _ => return None,
        })
    }
}

/// A key as the config writes it: `l`, `L`, `ctrl-o`, `enter`, `esc`, `tab`, `shift-tab`,
/// `space`, arrows (`up`…), `pgup`, `pgdn`, `home`, `end`, `backspace`, `delete`, `f1`–`f12`.
pub fn parse_key(s: &str) -> Option<KeySpec> {
    let (ctrl, rest) = match s.strip_prefix("ctrl-") {
        Some(r) => (true, r),
        None => (false, s),
    };
    let code = match rest {
        "enter" => K::Enter,
        "esc" => K::Esc,
        "tab" => K::Tab,
        "shift-tab" => K::BackTab,
        "space" => K::Char(' '),
        "up" => K::Up,
        "down" => K::Down,
        "left" => K::Left,
        "right" => K::Right,
        "pgup" | "pageup" => K::PageUp,
        "pgdn" | "pagedown" => K::PageDown,
        "home" => K::Home,
        "end" => K::End,
        "backspace" => K::Backspace,
        "delete" | "del" => K::Delete,
        f if f.len() >= 2
            && f.starts_with('f')
            && f[1..].parse::<u8>().is_ok_and(|n| (1..=12).contains(&n)) =>
        {
            K::F(f[1..].parse().unwrap_or(1))
        }
        c if c.chars().count() == 1 => K::Char(c.chars().next().unwrap_or(' ')),
        _ => return None,
    };
    Some(if ctrl { KeySpec { code, mods: KeyModifiers::CONTROL } } else { KeySpec::plain(code) })
}

impl Keymap {
    /// Applies the config's key overrides: each replaces the keys of its action in its mode.
    /// Returns (line, problem) for every override that could not be applied and every key
    /// that ends up bound twice.
    pub fn apply_overrides(
        &mut self,
        overrides: &[crate::config::KeyOverride],
    ) -> Vec<(usize, String)> {
        let mut problems = Vec::new();
        let mut set_by_config: Vec<(Mode, KeySpec, Action, usize)> = Vec::new();
        for o in overrides {
            let Some(mode) = self
                .tables
                .iter()
                .map(|(m, _)| *m)
                .find(|m| m.config_name() == Some(o.mode.as_str()))
            else {
                problems.push((o.line, format!("keys.{}: unknown mode; modes: list, filter, form, tree, logs, attachments, run, chart, editor", o.mode)));
                continue;
            };
            let Some(action) = Action::from_name(&o.action) else {
                problems.push((
                    o.line,
                    format!(
                        "keys.{}.{}: unknown action; e.g. {}",
                        o.mode,
                        o.action,
                        Action::names().take(12).collect::<Vec<_>>().join(", ")
                    ),
                ));
                continue;
            };
            let mut keys = Vec::new();
            for k in &o.keys {
                match parse_key(k) {
                    Some(spec) => keys.push(spec),
                    None => problems.push((o.line, format!("keys.{}.{}: `{k}` is not a key; e.g. \"l\", \"ctrl-o\", \"enter\", \"f5\"", o.mode, o.action))),
                }
            }
            if keys.is_empty() {
                continue;
            }
            let table = self.tables.iter_mut().find(|(m, _)| *m == mode).map(|(_, t)| t);
            let Some(table) = table else { continue };
            let template = table.iter().find(|b| b.action == action).cloned();
            let label = template
                .as_ref()
                .map(|b| b.label)
                .unwrap_or_else(|| Action::name(action).unwrap_or("action"));
            let footer = template.as_ref().is_some_and(|b| b.footer);
            let mut pos = table.iter().position(|b| b.action == action).unwrap_or(table.len());
            table.retain(|b| b.action != action);
            for spec in keys {
                if let Some((_, _, other, line)) = set_by_config
                    .iter()
                    .find(|(m, k, a, _)| *m == mode && *k == spec && *a != action)
                {
                    problems.push((
                        o.line,
                        format!(
                            "keys.{}: `{}` is bound twice: to {} (line {line}) and to {}",
                            o.mode,
                            spec.label(),
                            Action::name(*other).unwrap_or("?"),
                            o.action
                        ),
                    ));
                    continue;
                }
                // The override wins over a default binding of the same key.
                if let Some(i) = table.iter().position(|b| b.key == spec) {
                    table.remove(i);
                    if i < pos {
                        pos -= 1;
                    }
                }
                pos = pos.min(table.len());
                table.insert(pos, Binding { key: spec, action, label, footer });
                pos += 1;
                set_by_config.push((mode, spec, action, o.line));
            }
        }
        problems
    }

    /// Stops offering an action anywhere (read-only mode, or a key refused with 403).
    pub fn remove_action(&mut self, pred: impl Fn(Action) -> bool) {
        for (_, t) in &mut self.tables {
            t.retain(|b| !pred(b.action));
        }
    }

    pub fn table(&self, mode: Mode) -> &[Binding] {
        self.tables.iter().find(|(m, _)| *m == mode).map(|(_, t)| t.as_slice()).unwrap_or_default()
    }

    pub fn action(&self, mode: Mode, ev: &KeyEvent) -> Option<Action> {
        self.table(mode).iter().find(|b| b.key.matches(ev)).map(|b| b.action)
    }

    /// `(keys, label)` per action in table order, keys joined with `/`: what `?` lists.
    /// Actions of one family with one label (the number keys of views and tabs) share a line.
    pub fn describe(&self, mode: Mode, footer_only: bool) -> Vec<(String, &'static str)> {
        let mut out: Vec<(Action, String, &'static str)> = Vec::new();
        for bind in self.table(mode).iter().filter(|b| !footer_only || b.footer) {
            let same = |a: &Action, l: &str| {
                *a == bind.action
                    || (l == bind.label
                        && matches!((a, bind.action), (Action::View(_), Action::View(_))))
            };
            match out.iter_mut().find(|(a, _, l)| same(a, l)) {
                Some((_, keys, _)) => {
                    keys.push('/');
                    keys.push_str(&bind.key.label());
                }
                None => out.push((bind.action, bind.key.label(), bind.label)),
            }
        }
        out.into_iter()
            .map(|(_, k, l)| (if k == "1/2/3/4/5/6/7/8/9" { "1–9".to_string() } else { k }, l))
            .collect()
    }
}
