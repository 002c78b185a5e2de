//! The `/` query line: a text field, and the parse error of the last attempt, pointing at the
//! offending word. Nothing is sent until the line parses; then the query goes back to the
//! runs list.

use tui_input::{Input, InputRequest};

use super::form::FormPane;
use super::pane::{Component, Ctx, Outcome, Reply};
use super::{Action, Mode, Pane, layout};
use crate::query::{QueryError, RunQuery, parse};

#[derive(Debug, Clone, Default)]
pub struct FilterPane {
    pub input: Input,
    pub error: Option<QueryError>,
    /// The list's query when the line was opened (what the form starts from when the line
    /// does not parse).
    original: RunQuery,
}

impl FilterPane {
    pub(crate) fn open(query: &RunQuery) -> FilterPane {
        FilterPane { input: Input::new(query.to_line()), error: None, original: query.clone() }
    }

    pub fn text(&self) -> &str {
        self.input.value()
    }
}

impl Component for FilterPane {
    fn mode(&self) -> Mode {
        Mode::Filter
    }

    fn handle(&mut self, a: Action, _cx: &mut Ctx) -> Outcome {
        match a {
            Action::Back => Outcome::Pop,
            Action::Submit => match parse(self.input.value()) {
                Ok(q) => Outcome::Return(Reply::Query(Box::new(q))),
                Err(e) => {
                    self.error = Some(e);
                    Outcome::Stay
                }
            },
            // The form starts from what is typed when it parses.
            Action::Form => {
                let q = parse(self.text()).unwrap_or_else(|_| self.original.clone());
                Outcome::Replace(Pane::Form(Box::new(FormPane::from_query(&q))))
            }
            _ => Outcome::Stay,
        }
    }

    fn typed(&mut self, req: InputRequest, _cx: &mut Ctx) {
        self.input.handle(req);
        self.error = None;
    }

    fn bar_rows(&self) -> u16 {
        layout::BAR
    }
}
