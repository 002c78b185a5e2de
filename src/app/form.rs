//! `F`: every filter as a field of a form. The form is built from the current query and
//! applying it writes the query line back, so the two never disagree.

use tui_input::{Input, InputRequest};

use super::pane::{Component, Ctx, Outcome, Reply};
use super::{Action, Mode};
use crate::query::{FIELDS, Field, QueryError, RunQuery, parse};

#[derive(Debug, Clone)]
pub struct FormPane {
    pub fields: Vec<(Field, Input)>,
    pub focus: usize,
    /// The field and the error of the last apply.
    pub error: Option<(usize, QueryError)>,
    /// First field on screen.
    pub scroll: usize,
}

impl FormPane {
    pub(crate) fn from_query(q: &RunQuery) -> FormPane {
        FormPane {
            fields: FIELDS.iter().map(|f| (f, Input::new(f.value(q)))).collect(),
            focus: 0,
            error: None,
            scroll: 0,
        }
    }

    pub(crate) fn focused(&mut self) -> &mut Input {
        &mut self.fields[self.focus].1
    }

    pub(crate) fn move_focus(&mut self, delta: isize) {
        let n = self.fields.len() as isize;
        self.focus = ((self.focus as isize + delta).rem_euclid(n)) as usize;
    }

    /// The query line the form stands for.
    pub fn line(&self) -> String {
        self.fields
            .iter()
            .map(|(f, i)| f.clause_from_text(i.value()))
            .filter(|c| !c.is_empty())
            .collect::<Vec<_>>()
            .join(" ")
    }

    /// Checks every field on its own first, so an error lands on its field; then the whole.
    pub(crate) fn submit(&mut self) -> Option<(RunQuery, String)> {
        for (i, (f, input)) in self.fields.iter().enumerate() {
            let clause = f.clause_from_text(input.value());
            if let Err(mut e) = parse(&clause) {
                // Point into the field's own text, past the prefix the form adds.
                let shift = clause.len() - input.value().trim().len();
                let lead = input.value().len() - input.value().trim_start().len();
                e.start = (e.start.saturating_sub(shift) + lead).min(input.value().len());
                e.end = (e.end.saturating_sub(shift) + lead).min(input.value().len());
                self.error = Some((i, e));
                self.focus = i;
                return None;
            }
        }
        let line = self.line();
        match parse(&line) {
            Ok(q) => Some((q, line)),
            Err(e) => {
                self.error = Some((self.focus, e));
                None
            }
        }
    }
}

impl Component for FormPane {
    fn mode(&self) -> Mode {
        Mode::Form
    }

    fn handle(&mut self, a: Action, _cx: &mut Ctx) -> Outcome {
        match a {
            Action::Back => return Outcome::Pop,
            Action::NextField => self.move_focus(1),
            Action::PrevField => self.move_focus(-1),
            Action::Submit => {
                if let Some((q, _line)) = self.submit() {
                    return Outcome::Return(Reply::Query(Box::new(q)));
                }
            }
            _ => {}
        }
        Outcome::Stay
    }

    fn typed(&mut self, req: InputRequest, _cx: &mut Ctx) {
        self.focused().handle(req);
        self.error = None;
    }
}
