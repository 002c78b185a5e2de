//! An app drawn to text: the one render-to-text helper of the tests.

use ratatui::Terminal;
use ratatui::backend::TestBackend;
use tofui::app::App;

/// `app` drawn at its own size, the terminal kept for its buffer (colours, cells).
pub fn draw(app: &App) -> Terminal<TestBackend> {
    let (w, h) = app.shared().size();
    draw_at(app, w, h)
}

/// `app` drawn on a `w`×`h` terminal, whatever size the app was told it has.
pub fn draw_at(app: &App, w: u16, h: u16) -> Terminal<TestBackend> {
    let mut t = Terminal::new(TestBackend::new(w, h)).expect("terminal");
    t.draw(|f| tofui::ui::render(app, f)).expect("draw");
    t
}

/// `app` drawn at its own size, as text: a line a row, each quoted (insta's snapshots).
pub fn text(app: &App) -> String {
    draw(app).backend().to_string()
}

/// `app` drawn on a `w`×`h` terminal, as text.
pub fn text_at(app: &App, w: u16, h: u16) -> String {
    draw_at(app, w, h).backend().to_string()
}

/// Under NO_COLOR nothing on `app`'s screen is coloured (marks are `*` and words instead).
pub fn assert_no_colour(app: &mut App) {
    app.settings_mut().no_color = true;
    let t = draw(app);
    let buf = t.backend().buffer();
    for y in 0..app.shared().size().1 {
        for x in 0..app.shared().size().0 {
            let c = &buf[(x, y)];
            assert!(
                c.fg == ratatui::style::Color::Reset && c.bg == ratatui::style::Color::Reset,
                "colour at {x},{y}"
            );
        }
    }
}
