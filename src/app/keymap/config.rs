//! Keys from the config: `[keys.MODE] action = "key"` (or a list of keys) replaces the
//! action's default keys in that mode.

use crossterm::event::{KeyCode, KeyModifiers};

use super::{Binding, KeySpec, Keymap, Mode};
use crate::app::action::Action;

use KeyCode as K;

/// A key as the config writes it: `l`, `L`, `ctrl-o`, `enter`, `esc`, `tab`, `shift-tab`,
/// `space`, arrows (`up`…), `pgup`, `pgdn`, `home`, `end`, `backspace`, `delete`, `f1`–`f12`.
pub(crate) fn parse_key(s: &str) -> Option<KeySpec> {
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
            let template = table.iter().find(|b| b.action.kin() == action).cloned();
            let label = template
                .as_ref()
                .map(|b| b.label)
                .unwrap_or_else(|| Action::name(action).unwrap_or("action"));
            let footer = template.as_ref().is_some_and(|b| b.footer);
            let mut pos =
                table.iter().position(|b| b.action.kin() == action).unwrap_or(table.len());
            // A key kept from the defaults keeps its own action (the list's `q` stays `back`
            // on a drill-down when `quit` is remapped to keys that include it).
            let defaults: Vec<(KeySpec, Action)> = table
                .iter()
                .filter(|b| b.action.kin() == action)
                .map(|b| (b.key, b.action))
                .collect();
            table.retain(|b| b.action.kin() != action);
            for spec in keys {
                let action = defaults.iter().find(|(k, _)| *k == spec).map_or(action, |(_, a)| *a);
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
}
