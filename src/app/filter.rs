//! The `/` query line: a text field, and the parse error of the last attempt, pointing at the
//! offending word. Nothing is sent until the line parses; then the query goes back to the
//! runs list.

use tui_input::{Input, InputRequest};

use super::pane::{Component, Ctx, Outcome, Reply};
use super::{Action, Mode};
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
    /// Opens with the current filter and a space after it, so what is typed is one more
    /// clause (ANDed) rather than glued onto the last; `ctrl-u` clears the line to start over.
    pub(crate) fn open(query: &RunQuery) -> FilterPane {
        let mut line = query.to_line();
        if !line.is_empty() {
            line.push(' ');
        }
        FilterPane { input: Input::new(line), error: None, original: query.clone() }
    }

    pub fn text(&self) -> &str {
        self.input.value()
    }
}

impl Component for FilterPane {
    fn mode(&self) -> Mode {
        Mode::Filter
    }

    fn handle(&mut self, a: Action, cx: &mut Ctx) -> Outcome {
        match a {
            Action::Back => Outcome::Pop,
            Action::Submit => match parse(self.input.value()) {
                Ok(q) => {
                    // Not silently: the API has no exclusive bounds (see `widened`).
                    let notes: Vec<String> = crate::query::widened(self.input.value())
                        .into_iter()
                        .map(|(typed, sent)| format!("{typed} is applied as {sent}"))
                        .collect();
                    if !notes.is_empty() {
                        cx.flash(format!(
                            "{}: the API's time and duration bounds include their ends",
                            notes.join(", ")
                        ));
                    }
                    Outcome::Return(Reply::Query(Box::new(q)))
                }
                Err(e) => {
                    self.error = Some(e);
                    Outcome::Stay
                }
            },
            // The form starts from what is typed when it parses.
            Action::Form => {
                let q = parse(self.text()).unwrap_or_else(|_| self.original.clone());
                Outcome::Return(Reply::Form(Box::new(q)))
            }
            _ => Outcome::Stay,
        }
    }

    fn typed(&mut self, req: InputRequest, _cx: &mut Ctx) {
        self.input.handle(req);
        self.error = None;
    }
}
