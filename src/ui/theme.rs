//! Colours and symbols. Only the 16 ANSI colours, so a line PC's terminal shows them; with
//! `NO_COLOR` every style is plain and outcomes stay readable by their text and symbol.

use ratatui::style::{Color, Modifier, Style};

use crate::api::RunOutcome;

#[derive(Debug, Clone, Copy)]
pub struct Theme {
    pub color: bool,
}

impl Theme {
    pub fn new(no_color: bool) -> Theme {
        Theme { color: !no_color }
    }

    fn fg(&self, c: Color) -> Style {
        if self.color { Style::new().fg(c) } else { Style::new() }
    }

    pub fn outcome(&self, o: Option<&RunOutcome>) -> Style {
        match o {
            Some(RunOutcome::Pass) => self.fg(Color::Green),
            Some(RunOutcome::Fail) => self.fg(Color::Red).add_modifier(Modifier::BOLD),
            Some(RunOutcome::Error) => self.fg(Color::Magenta).add_modifier(Modifier::BOLD),
            Some(RunOutcome::Timeout) => self.fg(Color::Yellow),
            Some(RunOutcome::Aborted) => self.fg(Color::DarkGray),
            _ => self.fg(Color::Cyan),
        }
    }

    pub fn title(&self) -> Style {
        if self.color { Style::new().fg(Color::Black).bg(Color::Cyan) } else { Style::new().add_modifier(Modifier::REVERSED) }
    }

    pub fn header(&self) -> Style {
        Style::new().add_modifier(Modifier::BOLD | Modifier::UNDERLINED)
    }

    /// The selected row: reversed, so it shows without colour too.
    pub fn selected(&self) -> Style {
        Style::new().add_modifier(Modifier::REVERSED)
    }

    pub fn dim(&self) -> Style {
        if self.color { Style::new().fg(Color::DarkGray) } else { Style::new() }
    }

    pub fn error(&self) -> Style {
        self.fg(Color::Red).add_modifier(Modifier::BOLD)
    }

    pub fn warn(&self) -> Style {
        self.fg(Color::Yellow).add_modifier(Modifier::BOLD)
    }

    pub fn key(&self) -> Style {
        self.fg(Color::Cyan).add_modifier(Modifier::BOLD)
    }

    pub fn pass(&self) -> Style {
        self.fg(Color::Green)
    }

    /// A search match: readable without colour too.
    pub fn highlight(&self) -> Style {
        if self.color { Style::new().fg(Color::Black).bg(Color::Yellow) } else { Style::new().add_modifier(Modifier::UNDERLINED | Modifier::BOLD) }
    }

    pub fn accent(&self) -> Style {
        self.fg(Color::Cyan)
    }
}

/// Outcome as symbol and text, e.g. `✗ FAIL`; unknown values show as given.
pub fn outcome_label(o: Option<&RunOutcome>) -> String {
    match o {
        Some(RunOutcome::Pass) => "✓ PASS".into(),
        Some(RunOutcome::Fail) => "✗ FAIL".into(),
        Some(RunOutcome::Error) => "! ERROR".into(),
        Some(RunOutcome::Timeout) => "~ TIMEOUT".into(),
        Some(RunOutcome::Aborted) => "- ABORTED".into(),
        Some(RunOutcome::Unknown(s)) => format!("? {s}"),
        None => "?".into(),
    }
}
