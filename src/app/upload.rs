//! `u` in the attachments tab: a local file path, with completion (listed by the event loop),
//! then the upload with its progress. A failure says at which step and stays to try again.

use tui_input::{Input, InputRequest};

use super::pane::{Component, Ctx, News, Outcome};
use super::{Action, Effect, Mode};
use crate::worker::{ClientError, Fetch, RequestId, WorkerEvent};

#[derive(Debug, Clone)]
pub struct UploadPane {
    pub run_id: String,
    pub input: Input,
    /// Candidates for the last completion, shown under the field.
    pub candidates: Vec<String>,
    pub pending: Option<RequestId>,
    pub sent: u64,
    pub total: Option<u64>,
    pub error: Option<String>,
}

/// The longest common prefix of the candidates (what `tab` can fill in).
fn common_prefix(items: &[String]) -> String {
    let Some(first) = items.first() else { return String::new() };
    let mut end = first.len();
    for s in &items[1..] {
        end = end.min(first.bytes().zip(s.bytes()).take_while(|(a, b)| a == b).count());
    }
    while !first.is_char_boundary(end) {
        end -= 1;
    }
    first[..end].to_string()
}

impl UploadPane {
    pub(crate) fn new(run_id: String, start: String) -> UploadPane {
        UploadPane {
            run_id,
            input: Input::new(start),
            candidates: Vec::new(),
            pending: None,
            sent: 0,
            total: None,
            error: None,
        }
    }

    fn failed(&mut self, step: &str, error: ClientError, cx: &mut Ctx) {
        let msg = match &error {
            ClientError::Forbidden(m) => cx.forbidden(Action::Upload, m),
            e => format!("failed while {step}: {e}; enter tries again"),
        };
        self.pending = None;
        self.error = Some(msg);
    }

    /// Candidates for the path arrived.
    fn completions(&mut self, text: &str, candidates: &[String]) {
        if self.input.value() != text {
            return;
        }
        match candidates {
            [] => self.candidates.clear(),
            [one] => {
                self.input = Input::new(one.clone());
                self.candidates.clear();
            }
            _ => {
                let prefix = common_prefix(candidates);
                if prefix.len() > text.len() {
                    self.input = Input::new(prefix);
                }
                self.candidates = candidates.to_vec();
            }
        }
    }
}

impl Component for UploadPane {
    fn mode(&self) -> Mode {
        Mode::UploadPrompt
    }

    fn handle(&mut self, a: Action, cx: &mut Ctx) -> Outcome {
        match a {
            Action::Back if self.pending.is_none() => return Outcome::Pop,
            Action::Complete => cx.effect(Effect::ListDir(self.input.value().to_string())),
            Action::Submit if self.pending.is_none() => {
                let path = std::path::PathBuf::from(self.input.value().trim());
                let run_id = self.run_id.clone();
                self.pending = Some(cx.mutate(Fetch::Upload { run_id, path }));
                self.error = None;
                self.sent = 0;
                self.total = None;
            }
            _ => {}
        }
        Outcome::Stay
    }

    fn typed(&mut self, req: InputRequest, _cx: &mut Ctx) {
        if self.pending.is_none() {
            self.input.handle(req);
            self.candidates.clear();
        }
    }

    fn on_answer(
        &mut self,
        id: RequestId,
        event: WorkerEvent,
        cx: &mut Ctx,
    ) -> Result<Outcome, WorkerEvent> {
        if self.pending != Some(id) {
            return Err(event);
        }
        match event {
            WorkerEvent::Progress { received, total } => {
                self.sent = received;
                self.total = total;
            }
            WorkerEvent::Done(Ok(_)) => {
                let name = self.input.value().rsplit('/').next().unwrap_or("").to_string();
                cx.flash(format!("uploaded {name}"));
                cx.changed(&self.run_id);
                return Ok(Outcome::Pop);
            }
            WorkerEvent::Done(Err(error)) => self.failed("uploading", error, cx),
            WorkerEvent::UploadFailed { step, error } => self.failed(step, error, cx),
            _ => {}
        }
        Ok(Outcome::Stay)
    }

    fn on_news(&mut self, news: &News, _cx: &mut Ctx) -> Outcome {
        if let News::Completions { text, candidates } = news {
            self.completions(text, candidates);
        }
        Outcome::Stay
    }
}
