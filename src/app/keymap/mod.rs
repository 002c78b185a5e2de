//! Keys as data: one table per mode maps keys to actions. The footer and the `?` overlay are
//! generated from the same tables, so they cannot drift, and remapping is a table change.

mod config;
mod defaults;
mod triage_keys;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::action::Action;
pub use super::panes::Mode;

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
    /// Bindings taken away for the session (read-only, or refused with 403), with why: the
    /// key then says so instead of doing nothing.
    withdrawn: Vec<(Mode, Binding, String)>,
}

impl Keymap {
    /// Stops offering an action anywhere (read-only mode, or a key refused with 403); its
    /// keys then answer with `why` of the action.
    pub(crate) fn withdraw(
        &mut self,
        pred: impl Fn(Action) -> bool,
        why: impl Fn(Action) -> String,
    ) {
        for (mode, t) in &mut self.tables {
            for b in t.iter().filter(|b| pred(b.action)) {
                self.withdrawn.push((*mode, b.clone(), why(b.action)));
            }
            t.retain(|b| !pred(b.action));
        }
    }

    /// Why the key, no longer bound in `mode`, was taken away (the first reason given),
    /// after the key's name.
    pub(crate) fn why_withdrawn(&self, mode: Mode, ev: &KeyEvent) -> Option<String> {
        let mut hits = self.withdrawn.iter().filter(|(m, b, _)| *m == mode && b.key.matches(ev));
        hits.next().map(|(_, b, why)| format!("{}: {why}", b.key.label()))
    }

    pub(crate) fn table(&self, mode: Mode) -> &[Binding] {
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
                a.kin() == bind.action.kin()
                    || (l == bind.label
                        && matches!(
                            (a, bind.action),
                            (Action::View(_), Action::View(_))
                                | (Action::Dispose(_), Action::Dispose(_))
                        ))
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
