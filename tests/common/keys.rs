//! Keys as the tests type them: one mapping of characters to keys for every headless test.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use tofui::app::{App, Effect, Msg};

use super::rows::NOW;

/// `c` as the key a terminal sends: `\n` enter, `\t` tab, `\x1b` esc, `\x13` ctrl-s, `\x15`
/// ctrl-u; any other character is itself.
pub fn key_event(c: char) -> KeyEvent {
    let (code, mods) = match c {
        '\n' => (KeyCode::Enter, KeyModifiers::NONE),
        '\t' => (KeyCode::Tab, KeyModifiers::NONE),
        '\x1b' => (KeyCode::Esc, KeyModifiers::NONE),
        '\x13' => (KeyCode::Char('s'), KeyModifiers::CONTROL),
        '\x15' => (KeyCode::Char('u'), KeyModifiers::CONTROL),
        c => (KeyCode::Char(c), KeyModifiers::NONE),
    };
    KeyEvent::new(code, mods)
}

/// Each character of `keys` pressed in `app` at [`NOW`] (see [`key_event`]); the effects.
pub fn press(app: &mut App, keys: &str) -> Vec<Effect> {
    keys.chars().flat_map(|c| app.update(Msg::Key(key_event(c)), NOW)).collect()
}
