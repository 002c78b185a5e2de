//! Colours and symbols. Only the 16 ANSI colours, so a line PC's terminal shows them; with
//! `NO_COLOR` every style is plain and outcomes stay readable by their text and symbol.

use ratatui::style::{Color, Modifier, Style};

use crate::api::{RunOutcome, WireEnum};
use crate::app::Shared;

/// The colours of each role. Only the 16 ANSI colours by default.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Palette {
    pub pass: Color,
    pub fail: Color,
    pub error: Color,
    pub warn: Color,
    pub accent: Color,
    pub dim: Color,
    pub key: Color,
    pub title_fg: Color,
    pub title_bg: Color,
    pub highlight: Color,
}

impl Palette {
    pub(crate) const DEFAULT: Palette = Palette {
        pass: Color::Green,
        fail: Color::Red,
        error: Color::Magenta,
        warn: Color::Yellow,
        accent: Color::Cyan,
        dim: Color::DarkGray,
        key: Color::Cyan,
        title_fg: Color::Black,
        title_bg: Color::Cyan,
        highlight: Color::Yellow,
    };

    /// For light terminal backgrounds: darker hues, no yellow text.
    pub(crate) const LIGHT: Palette = Palette {
        pass: Color::Green,
        fail: Color::Red,
        error: Color::Magenta,
        warn: Color::Blue,
        accent: Color::Blue,
        dim: Color::Gray,
        key: Color::Blue,
        title_fg: Color::White,
        title_bg: Color::Blue,
        highlight: Color::LightYellow,
    };

    /// `theme` (default, light) with `[colors]` overrides applied (the roles of
    /// `config::COLOR_ROLES`); unknown roles are ignored (the config reader reports them).
    pub(crate) fn from_config(theme: Option<&str>, colors: &[(String, String)]) -> Palette {
        let mut p = if theme == Some("light") { Palette::LIGHT } else { Palette::DEFAULT };
        for (role, c) in colors {
            let Ok(c) = c.parse::<Color>() else { continue };
            match role.as_str() {
                "pass" => p.pass = c,
                "fail" => p.fail = c,
                "error" => p.error = c,
                "warn" => p.warn = c,
                "accent" => p.accent = c,
                "dim" => p.dim = c,
                "key" => p.key = c,
                "title_fg" => p.title_fg = c,
                "title_bg" => p.title_bg = c,
                "highlight" => p.highlight = c,
                _ => {}
            }
        }
        p
    }
}

#[derive(Debug, Clone, Copy)]
pub(crate) struct Theme {
    pub color: bool,
    /// ASCII only: widgets that pick symbols pick ASCII-friendly ones (see `ui::ascii`).
    pub ascii: bool,
    pub p: Palette,
}

impl Theme {
    /// The colours the config chose, or none.
    pub(crate) fn for_app(shared: &Shared) -> Theme {
        let p = Palette::from_config(
            shared.settings().theme.name.as_deref(),
            &shared.settings().theme.colors,
        );
        Theme {
            ascii: shared.settings().glyphs.is_ascii(),
            ..Theme::with_palette(shared.settings().no_color, p)
        }
    }

    pub(crate) fn with_palette(no_color: bool, p: Palette) -> Theme {
        Theme { color: !no_color, ascii: false, p }
    }

    fn fg(&self, c: Color) -> Style {
        if self.color { Style::new().fg(c) } else { Style::new() }
    }

    pub(crate) fn outcome(&self, o: Option<&RunOutcome>) -> Style {
        match o {
            Some(RunOutcome::Pass) => self.fg(self.p.pass),
            Some(RunOutcome::Fail) => self.fg(self.p.fail).add_modifier(Modifier::BOLD),
            Some(RunOutcome::Error) => self.fg(self.p.error).add_modifier(Modifier::BOLD),
            Some(RunOutcome::Timeout) => self.fg(self.p.warn),
            Some(RunOutcome::Aborted) => self.fg(self.p.dim),
            _ => self.fg(self.p.accent),
        }
    }

    pub(crate) fn title(&self) -> Style {
        if self.color {
            Style::new().fg(self.p.title_fg).bg(self.p.title_bg)
        } else {
            Style::new().add_modifier(Modifier::REVERSED)
        }
    }

    pub(crate) fn header(&self) -> Style {
        Style::new().add_modifier(Modifier::BOLD | Modifier::UNDERLINED)
    }

    /// The selected row: reversed, so it shows without colour too.
    pub(crate) fn selected(&self) -> Style {
        Style::new().add_modifier(Modifier::REVERSED)
    }

    pub(crate) fn dim(&self) -> Style {
        self.fg(self.p.dim)
    }

    pub(crate) fn error(&self) -> Style {
        self.fg(self.p.fail).add_modifier(Modifier::BOLD)
    }

    pub(crate) fn warn(&self) -> Style {
        self.fg(self.p.warn).add_modifier(Modifier::BOLD)
    }

    pub(crate) fn key(&self) -> Style {
        self.fg(self.p.key).add_modifier(Modifier::BOLD)
    }

    pub(crate) fn pass(&self) -> Style {
        self.fg(self.p.pass)
    }

    /// A search match: readable without colour too.
    pub(crate) fn highlight(&self) -> Style {
        if self.color {
            Style::new().fg(Color::Black).bg(self.p.highlight)
        } else {
            Style::new().add_modifier(Modifier::UNDERLINED | Modifier::BOLD)
        }
    }

    pub(crate) fn accent(&self) -> Style {
        self.fg(self.p.accent)
    }
}

/// Any outcome (run, phase, measurement, sequence) as a symbol and its text, readable
/// without colour: `✓ PASS`, `✗ FAIL`, `! ERROR`, `~ TIMEOUT`, `- ABORTED`/`SKIP`,
/// `· UNSET`; an unknown value shows as given after `?`.
pub(crate) fn outcome_parts<T: WireEnum>(o: Option<&T>) -> (&'static str, String) {
    let Some(o) = o else { return ("·", "—".into()) };
    let sym = match (o.is_known(), o.as_str()) {
        (false, _) => "?",
        (true, "PASS") => "✓",
        (true, "FAIL") => "✗",
        (true, "ERROR") => "!",
        (true, "TIMEOUT") => "~",
        (true, "ABORTED" | "SKIP") => "-",
        _ => "·",
    };
    (sym, o.as_str().to_string())
}

/// Outcome as symbol and text, e.g. `✗ FAIL`; unknown values show as given.
pub(crate) fn outcome_label(o: Option<&RunOutcome>) -> String {
    match o {
        Some(o) => {
            let (sym, text) = outcome_parts(Some(o));
            format!("{sym} {text}")
        }
        None => "?".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn light_theme_and_overrides() {
        let p = Palette::from_config(
            Some("light"),
            &[
                ("fail".into(), "#ff5555".into()),
                ("accent".into(), "light-magenta".into()),
                ("nope".into(), "red".into()),
            ],
        );
        assert_eq!(p.fail, Color::Rgb(255, 85, 85));
        assert_eq!(p.accent, Color::LightMagenta);
        assert_eq!(p.title_bg, Color::Blue, "light keeps its own where not overridden");
        let t = Theme::with_palette(false, p);
        assert_eq!(t.outcome(Some(&RunOutcome::Fail)).fg, Some(Color::Rgb(255, 85, 85)));
        assert_eq!(
            Theme::with_palette(true, p).outcome(Some(&RunOutcome::Fail)).fg,
            None,
            "no colour wins over the palette"
        );
    }
}
