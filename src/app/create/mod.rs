//! `N`: a run made by hand (a visual inspection, a rework record, a bench retest). A form of
//! fields; `ctrl-s` shows the request as it will be sent, `enter` sends it with a
//! `client_run_ref`, so sending the same request again after a timeout never makes a second
//! run; the new run then opens. What is typed stays on any failure.

mod attach;
pub mod body;
mod phases;
mod template;

use serde_json::Value;
use tui_input::{Input, InputRequest};

use super::pane::{Answered, Component, Ctx, Outcome};
use super::{Action, Mode, Pane};
use crate::api::RunDetail;
use crate::model::UnitAnswer;
use crate::worker::Named;
use crate::worker::{ClientError, Fetch, RequestId, Slot, WorkerEvent};
pub use body::F;
use body::{FIELDS, Values};
pub(crate) use template::from_list;

pub struct CreatePane {
    pub inputs: Vec<Input>,
    pub focus: usize,
    /// A problem and the field it is about (a check, or the server's 400 naming it).
    pub error: Option<(F, String)>,
    /// The server's procedures (`None` while they load).
    pub procedures: Option<Vec<Named>>,
    /// What the serial's unit is, once looked up ("PCB-MAIN C · batch B12", "new unit").
    pub unit_note: Option<String>,
    /// The request as it will be sent, frozen at `ctrl-s` (times resolved, ref set): sending
    /// it again sends the same bytes, so the server answers with the same run.
    pub preview: Option<Value>,
    /// The attachments' files, checked at `ctrl-s`: uploaded once the run exists.
    pub files: Vec<String>,
    /// The request and the attachments' files while the files are looked at.
    checking: Option<(Value, Vec<String>)>,
    /// Whether the request is on its way.
    pub sending: bool,
    /// What the last send came to, when it failed.
    pub failed: Option<String>,
    reference: String,
    /// Fields typed in: the first character typed into an untouched outcome, started or
    /// ended replaces its default (`PASS`, `now`) instead of joining it.
    touched: [bool; body::N],
    waiting: Option<RequestId>,
    procs_id: Option<RequestId>,
    unit_id: Option<(RequestId, String)>,
    /// The run the form starts from, on its way (request, run id).
    template: Option<(RequestId, String)>,
}

impl CreatePane {
    /// A new run, or one like `template` with new times.
    pub(crate) fn open(template: Option<&RunDetail>, cx: &mut Ctx) -> CreatePane {
        let values = template.map_or_else(body::blank, body::from_run);
        let procs_id = cx.fetch(Slot::Catalog, Fetch::Procedures);
        CreatePane {
            inputs: values.iter().map(|v| Input::new(v.clone())).collect(),
            focus: if template.is_some() { 1 } else { 0 },
            error: None,
            procedures: None,
            unit_note: None,
            preview: None,
            files: Vec::new(),
            checking: None,
            sending: false,
            failed: None,
            reference: uuid::Uuid::new_v4().to_string(),
            touched: [false; body::N],
            waiting: None,
            procs_id: Some(procs_id),
            unit_id: None,
            template: None,
        }
    }

    /// A form written down by a signal, back as it was typed, under its ref: a request that
    /// did land is not made twice (the server answers its run, or says the ref was used).
    pub(crate) fn restore(mut fields: Vec<String>, cx: &mut Ctx) -> CreatePane {
        let mut p = CreatePane::open(None, cx);
        // The fields then the ref; a file from before the attachments field has one field
        // less (the last, attachments, is then empty).
        if fields.len() >= FIELDS.len() {
            p.reference = fields.pop().unwrap_or(p.reference);
        }
        for (input, v) in p.inputs.iter_mut().zip(fields) {
            *input = Input::new(v);
        }
        p.touched = [true; body::N];
        p
    }

    /// What a signal must not lose: the fields (then the ref), when anything was typed.
    pub fn unsent(&self) -> Option<Vec<String>> {
        let v = self.values();
        (v != body::blank()).then(|| {
            let mut all = v.to_vec();
            all.push(self.reference.clone());
            all
        })
    }

    pub fn field(&self) -> F {
        FIELDS[self.focus]
    }

    pub(crate) fn values(&self) -> Values {
        std::array::from_fn(|i| self.inputs[i].value().to_string())
    }

    /// A field's text as typed.
    pub fn value(&self, f: F) -> String {
        body::get(&self.values(), f).to_string()
    }

    fn set(&mut self, f: F, text: &str) {
        if let Some(i) = FIELDS.iter().position(|x| *x == f) {
            self.inputs[i] = Input::new(text.to_string());
        }
    }

    /// The procedures the procedure field's text narrows to (all of them when it is empty).
    pub fn matching(&self) -> Vec<&Named> {
        let typed = self.value(F::Procedure).to_lowercase();
        let all = self.procedures.iter().flatten();
        let name = |n: &Named| n.name.clone().unwrap_or_default().to_lowercase();
        let exact: Vec<&Named> = all.clone().filter(|n| name(n) == typed).collect();
        if !exact.is_empty() {
            return exact;
        }
        all.filter(|n| name(n).contains(&typed) || n.id == typed).collect()
    }

    fn procedure_id(&self) -> Result<String, String> {
        if self.procedures.is_none() {
            return Err("the procedures are still loading".into());
        }
        match self.matching().as_slice() {
            [one] => Ok(one.id.clone()),
            [] => Err(format!("no procedure matches `{}`", self.value(F::Procedure))),
            many => Err(format!("{} procedures match: type more of the name", many.len())),
        }
    }

    fn move_focus(&mut self, delta: isize, cx: &mut Ctx) {
        if self.field() == F::Serial {
            self.look_up_unit(cx);
        }
        // Leaving the procedure field takes the one match's whole name.
        if self.field() == F::Procedure
            && let [one] = self.matching().as_slice()
        {
            let name = one.name.clone().unwrap_or_default();
            self.set(F::Procedure, &name);
        }
        let n = FIELDS.len() as isize;
        self.focus = (self.focus as isize + delta).rem_euclid(n) as usize;
    }

    /// The serial's unit: when it exists its part, revision and batch are filled in.
    fn look_up_unit(&mut self, cx: &mut Ctx) {
        let serial = self.value(F::Serial);
        if serial.is_empty() || self.unit_id.as_ref().is_some_and(|(_, s)| *s == serial) {
            return;
        }
        let id = cx.fetch(Slot::CreateUnit, Fetch::Unit { serial: serial.clone() });
        self.unit_id = Some((id, serial));
        self.unit_note = Some("looking the unit up…".into());
    }

    /// `ctrl-s`: the request, checked and frozen.
    fn review(&mut self, cx: &mut Ctx) {
        let proc = self.procedure_id();
        let built = proc.map_err(|e| (F::Procedure, e)).and_then(|p| {
            let typed = self.touched[FIELDS.iter().position(|f| *f == F::Outcome).unwrap_or(0)];
            body::build(&self.values(), typed, Some(&p), &self.reference, cx.now(), cx.shared().tz())
        });
        match built {
            Ok(b) => {
                let home = std::env::var("HOME").ok();
                let files = attach::paths(&self.value(F::Attachments), home.as_deref());
                self.error = None;
                if files.is_empty() {
                    self.preview = Some(b);
                    self.files = files;
                } else {
                    // The files are looked at off the event loop; the request shows after.
                    cx.effect(super::Effect::CheckFiles(files.clone()));
                    self.checking = Some((b, files));
                }
            }
            Err((f, e)) => {
                self.focus = FIELDS.iter().position(|x| *x == f).unwrap_or(0);
                self.error = Some((f, e));
            }
        }
    }

    fn send(&mut self, cx: &mut Ctx) {
        let Some(body) = self.preview.clone() else { return };
        self.sending = true;
        self.failed = None;
        self.waiting = Some(cx.mutate(Fetch::CreateRun { body }));
    }

    fn sent(&mut self, result: Result<Vec<String>, ClientError>, cx: &mut Ctx) -> Outcome {
        self.sending = false;
        match result {
            Ok(ids) => match ids.into_iter().next() {
                Some(id) => {
                    cx.flash(format!("run {id} created"));
                    cx.announce(super::News::Changed(id.clone()));
                    let run = Pane::Run(Box::new(super::run::RunPane::open(id.clone(), cx)));
                    if self.files.is_empty() {
                        return Outcome::Replace(run);
                    }
                    // Over the new run, as its own uploads are: a failure keeps the run.
                    let files = std::mem::take(&mut self.files);
                    let up = super::upload::UploadPane::queued(id, files, cx);
                    return Outcome::ReplaceMany(vec![run, Pane::Upload(Box::new(up))]);
                }
                None => self.failed = Some("the server answered without a run id".into()),
            },
            Err(ClientError::Forbidden(m)) => {
                let msg = cx.forbidden(Action::NewRun, &m);
                cx.flash(msg.clone());
                self.failed = Some(msg);
            }
            Err(ClientError::Unauthorized(m)) => cx.block(m),
            Err(e) => {
                let text = match &e {
                    ClientError::Status { message, .. } | ClientError::NotFound(message) => {
                        message.clone()
                    }
                    e => e.to_string(),
                };
                // A 4xx naming a field goes under it; the request stays for a retry otherwise
                // (a timeout: the same ref and body, so at most one run).
                let field = match &e {
                    ClientError::Status { status: 400..=499, .. } | ClientError::NotFound(_) => {
                        body::field_of(&text)
                            .or_else(|| text.contains("Procedure").then_some(F::Procedure))
                    }
                    _ => None,
                };
                match field {
                    Some(f) => {
                        self.preview = None;
                        self.focus = FIELDS.iter().position(|x| *x == f).unwrap_or(0);
                        self.error = Some((f, text));
                    }
                    None => self.failed = Some(format!("not created: {e} — enter sends it again")),
                }
            }
        }
        Outcome::Stay
    }

    fn unit_answer(&mut self, r: Result<UnitAnswer, ClientError>) {
        self.unit_note = Some(match r {
            Ok(UnitAnswer::Found(u)) => {
                let p = &u.unit.part;
                self.set(F::Part, &p.number);
                self.set(F::Revision, &p.revision.number);
                let batch = u.unit.batch.as_ref().map(|b| b.number.clone()).unwrap_or_default();
                self.set(F::Batch, &batch);
                let batch =
                    if batch.is_empty() { String::new() } else { format!(" · batch {batch}") };
                format!("known unit: {} {}{batch}", p.number, p.revision.number)
            }
            Ok(UnitAnswer::Missing { .. }) => "a new unit: give its part and revision".into(),
            Err(e) => format!("the unit could not be looked up: {e}"),
        });
    }
}

impl Component for CreatePane {
    fn mode(&self) -> Mode {
        if self.preview.is_some() { Mode::CreateReview } else { Mode::CreateRun }
    }

    fn handle(&mut self, a: Action, cx: &mut Ctx) -> Outcome {
        if self.preview.is_some() {
            match a {
                Action::Submit if !self.sending => self.send(cx),
                Action::Back if !self.sending => {
                    self.preview = None;
                    self.failed = None;
                }
                _ => {}
            }
            return Outcome::Stay;
        }
        match a {
            Action::Back => return Outcome::Pop,
            Action::NextField | Action::Submit => self.move_focus(1, cx),
            Action::PrevField => self.move_focus(-1, cx),
            Action::Save => self.review(cx),
            _ => {}
        }
        Outcome::Stay
    }

    fn typed(&mut self, req: InputRequest, _cx: &mut Ctx) {
        if self.preview.is_some() {
            return;
        }
        self.checking = None;
        let fresh = !std::mem::replace(&mut self.touched[self.focus], true);
        if fresh
            && matches!(self.field(), F::Outcome | F::Started | F::Ended)
            && matches!(req, InputRequest::InsertChar(_))
        {
            self.inputs[self.focus] = Input::default();
        }
        self.inputs[self.focus].handle(req);
        if self.error.as_ref().is_some_and(|(f, _)| *f == self.field()) {
            self.error = None;
        }
        if self.field() == F::Serial {
            self.unit_note = None;
        }
    }

    fn on_answer(&mut self, id: RequestId, event: WorkerEvent, cx: &mut Ctx) -> Answered {
        match event {
            WorkerEvent::Done(r) if self.waiting == Some(id) => {
                self.waiting = None;
                Ok(self.sent(r, cx))
            }
            WorkerEvent::Procedures(r) if self.procs_id == Some(id) => {
                self.procs_id = None;
                match r {
                    Ok(list) => self.procedures = Some(list),
                    Err(e) => self.error = Some((F::Procedure, format!("cannot list them: {e}"))),
                }
                Ok(Outcome::Stay)
            }
            WorkerEvent::Run { run, .. }
                if self.template.as_ref().is_some_and(|(t, _)| *t == id) =>
            {
                self.template_arrived(run, cx);
                Ok(Outcome::Stay)
            }
            WorkerEvent::Unit(r) if self.unit_id.as_ref().is_some_and(|(u, _)| *u == id) => {
                self.unit_answer(r);
                Ok(Outcome::Stay)
            }
            WorkerEvent::Retrying { .. } | WorkerEvent::RunLogs(_)
                if Some(id) == self.procs_id
                    || self.template.as_ref().is_some_and(|(t, _)| *t == id)
                    || self.unit_id.as_ref().is_some_and(|(u, _)| *u == id) =>
            {
                Ok(Outcome::Stay)
            }
            e => Err(e),
        }
    }

    fn on_news(&mut self, news: &super::News, _cx: &mut Ctx) -> Outcome {
        if let super::News::Done(super::Done::FilesChecked { paths, problem }) = news
            && self.checking.as_ref().is_some_and(|(_, f)| f == paths)
            && let Some((body, files)) = self.checking.take()
        {
            match problem {
                None => {
                    self.preview = Some(body);
                    self.files = files;
                }
                Some(e) => {
                    self.focus = FIELDS.iter().position(|x| *x == F::Attachments).unwrap_or(0);
                    self.error = Some((F::Attachments, e.clone()));
                }
            }
        }
        Outcome::Stay
    }

    fn holds_edits(&self) -> bool {
        true
    }

    fn busy(&self) -> bool {
        self.sending || self.procedures.is_none()
    }
}
