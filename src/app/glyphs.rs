//! Which characters the terminal can show: box drawing, braille charts and symbols
//! (`✓ ✗ … ↑ ▸ ·`), or ASCII only. Chosen once at start from `--ascii`, the config's
//! `symbols` and `TERM`; the renderer reads it from [`Shared`](super::Shared).

/// The characters the screen is drawn with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Glyphs {
    /// Box drawing, braille and symbols: terminal emulators, tmux, screen, Windows Terminal.
    #[default]
    Unicode,
    /// `+-|` borders, `*` chart points and ASCII symbols: the Linux console (its fonts have
    /// no braille and few symbols), VT100/VT220 and their emulations, dumb terminals.
    Ascii,
}

impl Glyphs {
    /// `--ascii` wins; then the config's `symbols` (`ascii`, `unicode`, `auto`); then `TERM`.
    pub fn choose(ascii_flag: bool, symbols: Option<&str>, term: Option<&str>) -> Glyphs {
        match symbols {
            _ if ascii_flag => Glyphs::Ascii,
            Some("ascii") => Glyphs::Ascii,
            Some("unicode") => Glyphs::Unicode,
            _ => Glyphs::for_term(term),
        }
    }

    /// What a terminal of this `TERM` most likely shows. An unset or empty `TERM` (Windows
    /// consoles set none) and anything not known to be limited get Unicode.
    pub fn for_term(term: Option<&str>) -> Glyphs {
        if term_is_limited(term) { Glyphs::Ascii } else { Glyphs::Unicode }
    }

    pub fn is_ascii(self) -> bool {
        self == Glyphs::Ascii
    }
}

/// The Linux console and other consoles with a 256/512-glyph font, the DEC VTs (real or
/// emulated; `vt100`, `vt102`, `vt220`, `vt320`, …), and dumb or plain `ansi` terminals.
fn term_is_limited(term: Option<&str>) -> bool {
    let Some(base) = base_name(term) else { return false };
    matches!(base.as_str(), "linux" | "dumb" | "ansi" | "cons25" | "pcansi" | "sun") || is_vt(&base)
}

/// `TERM` up to its first `-` or `+` (`vt100-am` → `vt100`), in lower case; none when unset.
fn base_name(term: Option<&str>) -> Option<String> {
    let term = term.map(str::trim).filter(|t| !t.is_empty())?;
    Some(term.split(['-', '+']).next().unwrap_or(term).to_ascii_lowercase())
}

/// A DEC VT: `vt` and digits (`vt52`, `vt100`, `vt220`), not `vte`.
fn is_vt(base: &str) -> bool {
    base.strip_prefix("vt").is_some_and(|n| !n.is_empty() && n.chars().all(|c| c.is_ascii_digit()))
}

/// Terminals without colour: the DEC VTs and dumb terminals. (The Linux console has its 8/16
/// colours, which are all the default theme uses.)
pub fn term_is_monochrome(term: Option<&str>) -> bool {
    let colour = term.is_some_and(|t| t.to_ascii_lowercase().contains("color"));
    base_name(term).is_some_and(|b| b == "dumb" || (is_vt(&b) && !colour))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limited_terminals_get_ascii_and_the_rest_unicode() {
        for t in ["linux", "linux-16color", "vt100", "vt102", "vt220", "VT220", "vt100-am", "dumb"]
        {
            assert_eq!(Glyphs::for_term(Some(t)), Glyphs::Ascii, "{t}");
        }
        for t in [
            "xterm",
            "xterm-256color",
            "screen",
            "screen-256color",
            "tmux-256color",
            "rxvt-unicode",
            "vte",
            "",
        ] {
            assert_eq!(Glyphs::for_term(Some(t)), Glyphs::Unicode, "{t}");
        }
        assert_eq!(Glyphs::for_term(None), Glyphs::Unicode, "no TERM (a Windows console)");
    }

    #[test]
    fn the_flag_beats_the_config_which_beats_term() {
        assert_eq!(Glyphs::choose(true, Some("unicode"), Some("xterm")), Glyphs::Ascii);
        assert_eq!(Glyphs::choose(false, Some("ascii"), Some("xterm")), Glyphs::Ascii);
        assert_eq!(Glyphs::choose(false, Some("unicode"), Some("linux")), Glyphs::Unicode);
        assert_eq!(Glyphs::choose(false, Some("auto"), Some("linux")), Glyphs::Ascii);
        assert_eq!(Glyphs::choose(false, None, Some("xterm-256color")), Glyphs::Unicode);
    }

    #[test]
    fn vts_and_dumb_terminals_have_no_colour_the_linux_console_has() {
        for t in ["vt100", "vt220", "dumb"] {
            assert!(term_is_monochrome(Some(t)), "{t}");
        }
        for t in ["linux", "xterm", "screen", "vte", "vt100-color"] {
            assert!(!term_is_monochrome(Some(t)), "{t}");
        }
    }
}
