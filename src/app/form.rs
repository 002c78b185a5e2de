//! `F`: every filter as a field of a form. The form is built from the current query and
//! applying it writes the query line back, so the two never disagree.

use tui_input::{Input, InputRequest};

use super::form_values::{Choices, Cycle, split_item, with_item};
use super::pane::{Answered, Component, Ctx, Outcome, Reply};
use super::{Action, Mode};
use crate::model::RunRow;
use crate::query::{FIELDS, Field, QueryError, RunQuery, parse};
use crate::worker::{Fetch, RequestId, Slot, WorkerEvent};

#[derive(Debug, Clone)]
pub struct FormPane {
    pub fields: Vec<(Field, Input)>,
    pub focus: usize,
    /// The field and the error of the last apply.
    pub error: Option<(usize, QueryError)>,
    /// First field on screen.
    pub scroll: usize,
    /// What `tab` completes from (see [`super::form_values`]).
    pub choices: Choices,
    pub cycle: Option<Cycle>,
    /// The server's values, asked for when the form opened.
    pending: Option<RequestId>,
}

impl FormPane {
    pub fn from_query(q: &RunQuery) -> FormPane {
        FormPane {
            fields: FIELDS.iter().map(|f| (f, Input::new(f.form_value(q)))).collect(),
            focus: 0,
            error: None,
            scroll: 0,
            choices: Choices::default(),
            cycle: None,
            pending: None,
        }
    }

    /// The form over `q`, completing from the loaded `rows` and the values the server lists
    /// (asked for now).
    pub(crate) fn open(q: &RunQuery, rows: &[RunRow], cx: &mut Ctx) -> FormPane {
        let mut form = FormPane::from_query(q);
        form.choices = Choices::of_rows(rows);
        form.pending = Some(cx.fetch(Slot::FieldValues, Fetch::FieldValues));
        form
    }

    /// The values of the focused field that complete the item being typed: none while it is
    /// empty or already one of them (`tab` then goes to the next field).
    pub fn matches(&self) -> Vec<&str> {
        let (field, input) = &self.fields[self.focus];
        let typed = match &self.cycle {
            Some(c) if c.field == self.focus => c.typed.as_str(),
            _ => split_item(field, input.value()).1.trim(),
        };
        let matches = self.choices.matching(field, typed);
        let cycling = self.cycle.as_ref().is_some_and(|c| c.field == self.focus);
        if !cycling && (typed.is_empty() || matches.contains(&typed)) {
            return Vec::new();
        }
        matches
    }

    /// `tab`: the next value completing the item being typed; false when none does.
    fn complete(&mut self) -> bool {
        let field = self.fields[self.focus].0;
        let matches = self.matches();
        if matches.is_empty() {
            return false;
        }
        let (at, typed) = match &self.cycle {
            Some(c) if c.field == self.focus => ((c.at + 1) % matches.len(), c.typed.clone()),
            _ => (0, split_item(field, self.fields[self.focus].1.value()).1.trim().to_string()),
        };
        let value = matches[at].to_string();
        let text = self.fields[self.focus].1.value().to_string();
        let (head, _) = split_item(field, &text);
        self.fields[self.focus].1 = Input::new(with_item(field, head, &value));
        self.cycle = Some(Cycle { field: self.focus, typed, at });
        true
    }

    pub(crate) fn focused(&mut self) -> &mut Input {
        &mut self.fields[self.focus].1
    }

    pub(crate) fn move_focus(&mut self, delta: isize) {
        self.cycle = None;
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
                // Point into the field's own text, past the prefix the form adds; where the
                // form quoted the text for the line, at the whole text.
                let text = input.value();
                let lead = text.len() - text.trim_start().len();
                match clause.strip_suffix(text.trim()) {
                    Some(prefix) => {
                        let shift = prefix.len();
                        e.start = (e.start.saturating_sub(shift) + lead).min(text.len());
                        e.end = (e.end.saturating_sub(shift) + lead).min(text.len());
                    }
                    None => (e.start, e.end) = (lead, text.trim_end().len()),
                }
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
            Action::Complete if !self.complete() => self.move_focus(1),
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
        self.cycle = None;
    }

    fn on_answer(&mut self, id: RequestId, event: WorkerEvent, _cx: &mut Ctx) -> Answered {
        match event {
            WorkerEvent::FieldValues(v) if self.pending == Some(id) => {
                self.pending = None;
                self.choices.learn(*v);
                Ok(Outcome::Stay)
            }
            // Retries while the server is away: the rows' values serve meanwhile.
            WorkerEvent::Retrying { .. } if self.pending == Some(id) => Ok(Outcome::Stay),
            event => Err(event),
        }
    }
}

impl super::RunsPane {
    /// `F` (or `tab` on the `/` line): the form over `q`, completing from the loaded rows.
    pub(crate) fn open_form(&mut self, q: &RunQuery, cx: &mut Ctx) -> Outcome {
        let form = FormPane::open(q, &self.list.rows, cx);
        Outcome::Push(super::Pane::Form(Box::new(form)))
    }
}
