//! An app drawn to text: the one render-to-text helper of the tests.

use ratatui::Terminal;
use ratatui::backend::TestBackend;
use tofui::app::App;

/// `app` drawn at its own size, the terminal kept for its buffer (colours, cells).
pub fn draw(app: &App) -> Terminal<TestBackend> {
    let mut t =
        Terminal::new(TestBackend::new(app.shared.size.0, app.shared.size.1)).expect("terminal");
    t.draw(|f| tofui::ui::render(app, f)).expect("draw");
    t
}

/// `app` drawn at its own size, as text: a line a row, each quoted (insta's snapshots).
pub fn text(app: &App) -> String {
    draw(app).backend().to_string()
}
