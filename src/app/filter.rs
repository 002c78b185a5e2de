//! The `/` query line: a text field, and the parse error of the last attempt, pointing at the
//! offending word. Nothing is sent until the line parses.

use tui_input::Input;

use crate::query::{QueryError, RunQuery, parse};

#[derive(Debug, Clone, Default)]
pub struct FilterBar {
    pub input: Input,
    pub error: Option<QueryError>,
}

impl FilterBar {
    pub fn open(line: &str) -> FilterBar {
        FilterBar { input: Input::new(line.to_string()), error: None }
    }

    pub fn text(&self) -> &str {
        self.input.value()
    }

    /// Parses the line; on error keeps it (and the text) for the user to fix.
    pub fn submit(&mut self) -> Option<RunQuery> {
        match parse(self.input.value()) {
            Ok(q) => {
                self.error = None;
                Some(q)
            }
            Err(e) => {
                self.error = Some(e);
                None
            }
        }
    }
}
