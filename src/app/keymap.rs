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
    /// An opened run.
    Run,
    /// The `?` overlay.
    Help,
    /// The "set your API key" screen.
    Blocked,
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
    pub list: Vec<Binding>,
    pub filter: Vec<Binding>,
    pub form: Vec<Binding>,
    pub run: Vec<Binding>,
    pub help: Vec<Binding>,
    pub blocked: Vec<Binding>,
}

fn b(key: KeySpec, action: Action, label: &'static str, footer: bool) -> Binding {
    Binding { key, action, label, footer }
}

fn ch(c: char) -> KeySpec {
    KeySpec::plain(KeyCode::Char(c))
}

use KeyCode as K;

impl Default for Keymap {
    fn default() -> Self {
        let quit = [b(ch('q'), Action::Quit, "quit", true), b(KeySpec::ctrl('c'), Action::Quit, "quit", false)];
        let mut list = vec![
            b(ch('j'), Action::Down, "down", true),
            b(KeySpec::plain(K::Down), Action::Down, "down", false),
            b(ch('k'), Action::Up, "up", true),
            b(KeySpec::plain(K::Up), Action::Up, "up", false),
            b(ch('g'), Action::Top, "first", false),
            b(KeySpec::plain(K::Home), Action::Top, "first", false),
            b(ch('G'), Action::Bottom, "last", false),
            b(KeySpec::plain(K::End), Action::Bottom, "last", false),
            b(KeySpec::plain(K::PageDown), Action::PageDown, "page down", false),
            b(KeySpec::ctrl('d'), Action::PageDown, "page down", false),
            b(KeySpec::plain(K::PageUp), Action::PageUp, "page up", false),
            b(KeySpec::ctrl('u'), Action::PageUp, "page up", false),
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
            b(ch('?'), Action::Help, "help", true),
        ];
        list.extend(quit.clone());
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
        let mut run = vec![
            b(KeySpec::plain(K::Esc), Action::Back, "back", true),
            b(KeySpec::plain(K::Backspace), Action::Back, "back", false),
            b(ch('y'), Action::CopyId, "copy id", true),
            b(ch('Y'), Action::CopyLink, "copy link", true),
            b(ch('r'), Action::Refresh, "reload", false),
            b(ch('?'), Action::Help, "help", true),
        ];
        run.extend(quit.clone());
        let help = vec![
            b(KeySpec::plain(K::Esc), Action::Back, "close", true),
            b(ch('?'), Action::Back, "close", false),
            b(ch('q'), Action::Back, "close", false),
            b(KeySpec::ctrl('c'), Action::Quit, "quit", false),
        ];
        let blocked = quit.to_vec();
        Keymap { list, filter, form, run, help, blocked }
    }
}

impl Keymap {
    pub fn table(&self, mode: Mode) -> &[Binding] {
        match mode {
            Mode::List => &self.list,
            Mode::Filter => &self.filter,
            Mode::Form => &self.form,
            Mode::Run => &self.run,
            Mode::Help => &self.help,
            Mode::Blocked => &self.blocked,
        }
    }

    pub fn action(&self, mode: Mode, ev: &KeyEvent) -> Option<Action> {
        self.table(mode).iter().find(|b| b.key.matches(ev)).map(|b| b.action)
    }

    /// `(keys, label)` per action in table order, keys joined with `/`: what `?` lists.
    pub fn describe(&self, mode: Mode, footer_only: bool) -> Vec<(String, &'static str)> {
        let mut out: Vec<(Action, String, &'static str)> = Vec::new();
        for bind in self.table(mode).iter().filter(|b| !footer_only || b.footer) {
            match out.iter_mut().find(|(a, _, _)| *a == bind.action) {
                Some((_, keys, _)) => {
                    keys.push('/');
                    keys.push_str(&bind.key.label());
                }
                None => out.push((bind.action, bind.key.label(), bind.label)),
            }
        }
        out.into_iter().map(|(_, k, l)| (k, l)).collect()
    }
}
