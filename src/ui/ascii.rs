//! The frame in ASCII for terminals whose fonts lack box drawing, braille and symbols (the
//! Linux console, VT100/VT220): after the panes have drawn, every such character the UI or
//! ratatui's widgets put on screen is swapped for an ASCII one of the same width — borders
//! and chart axes `+-|`, chart points `*` and limit lines `_`, `…` as `~`, arrows `^v<>`, outcome marks `+ x`.
//! One pass over the finished frame, so no widget can be missed. What the data itself holds
//! (a unit `°C`, a name in any script) is left as it is.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;

/// The loading spinner's braille frames as `|/-\`, so it still turns. The chart draws with
/// `*` in ASCII (see `run::chart`), so braille on screen is the spinner's.
const SPINNER: [(char, char); 10] = [
    ('⠋', '|'),
    ('⠙', '/'),
    ('⠹', '-'),
    ('⠸', '\\'),
    ('⠼', '|'),
    ('⠴', '/'),
    ('⠦', '-'),
    ('⠧', '\\'),
    ('⠇', '|'),
    ('⠏', '/'),
];

/// Key names for the footer and help: in ASCII the arrow keys are named (`j/Down`), since a
/// `v` or `^` would read as a key of its own.
pub(crate) fn key_names<L>(keys: Vec<(String, L)>, ascii: bool) -> Vec<(String, L)> {
    if !ascii {
        return keys;
    }
    let named = |k: String| {
        k.replace('↑', "Up").replace('↓', "Down").replace('←', "Left").replace('→', "Right")
    };
    keys.into_iter().map(|(k, l)| (named(k), l)).collect()
}

/// Swaps every symbol in `area` for its ASCII stand-in.
pub(crate) fn downgrade(buf: &mut Buffer, area: Rect) {
    let area = area.intersection(buf.area);
    for y in area.top()..area.bottom() {
        for x in area.left()..area.right() {
            let Some(cell) = buf.cell_mut((x, y)) else { continue };
            let mut chars = cell.symbol().chars();
            if let (Some(c), None) = (chars.next(), chars.next())
                && let Some(a) = ascii_for(c)
            {
                cell.set_char(a);
            }
        }
    }
}

/// The ASCII stand-in of a symbol, or none for ASCII and for what is not a symbol.
pub(crate) fn ascii_for(c: char) -> Option<char> {
    if c.is_ascii() {
        return None;
    }
    let a = match c {
        // Box drawing: lines, then corners, tees and crosses.
        '─' | '━' | '┄' | '┅' | '┈' | '┉' | '╌' | '╍' | '═' | '╴' | '╶' | '╸' | '╺' | '╼' | '╾' => {
            '-'
        }
        '│' | '┃' | '┆' | '┇' | '┊' | '┋' | '╎' | '╏' | '║' | '╵' | '╷' | '╹' | '╻' | '╽' | '╿' => {
            '|'
        }
        '╱' => '/',
        '╲' => '\\',
        '╳' => 'X',
        '\u{2500}'..='\u{257f}' => '+',
        // Blocks: progress bars and bar charts.
        '░' => '.',
        '▒' => ':',
        '▄' => '_',
        '\u{2580}'..='\u{259f}' => '#',
        // Braille: the spinner, else a chart point.
        '\u{2800}' => ' ',
        '\u{2801}'..='\u{28ff}' => SPINNER.iter().find(|(b, _)| *b == c).map_or('*', |(_, a)| *a),
        '…' => '~',
        '·' => '-',
        '•' | '∙' => '*',
        '—' | '–' | '‒' | '−' => '-',
        '▤' | '▦' | '▥' => '#',
        '●' | '◆' | '■' | '★' => '*',
        '○' | '◇' | '□' | '☆' => 'o',
        '✓' | '✔' => '+',
        '✗' | '✘' | '×' => 'x',
        '↑' | '▲' | '▴' | '△' => '^',
        '↓' | '▼' | '▾' | '▽' => 'v',
        '←' | '◀' | '◂' | '◄' => '<',
        '→' | '▶' | '▸' | '►' | '⇒' | '›' => '>',
        '‹' => '<',
        '↵' | '⏎' => '/',
        '≤' => '<',
        '≥' => '>',
        '≈' => '~',
        '“' | '”' | '„' => '"',
        '‘' | '’' => '\'',
        _ => return None,
    };
    Some(a)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn borders_chart_points_and_symbols_become_ascii_of_the_same_width() {
        let mut buf = Buffer::with_lines(["┌─┤x├┐", "│⣿⠋…✓│", "└▸↑·█┘"]);
        let area = buf.area;
        downgrade(&mut buf, area);
        assert_eq!(buf, Buffer::with_lines(["+-+x++", "|*|~+|", "+>^-#+"]));
    }

    #[test]
    fn data_outside_the_symbol_set_is_left_alone() {
        let mut buf = Buffer::with_lines(["25 °C µA Ω 日本"]);
        let before = buf.clone();
        let area = buf.area;
        downgrade(&mut buf, area);
        assert_eq!(buf, before);
    }
}
