//! `u` in the attachments tab: a local file path, with completion (listed by the event loop),
//! then the upload with its progress. A failure says at which step and stays to try again.

use tui_input::{Input, InputRequest};

use super::pane::{Answered, Component, Ctx, News, Outcome, awaited};
use super::{Action, Effect, Mode};
use crate::worker::{ClientError, Fetch, RequestId, WorkerEvent};

#[derive(Debug, Clone)]
pub struct UploadPane {
    pub run_id: String,
    /// Uploading to this unit (by serial) rather than to the run.
    pub unit: Option<String>,
    pub input: Input,
    /// Candidates for the last completion, shown under the field.
    pub candidates: Vec<String>,
    pub pending: Option<RequestId>,
    pub sent: u64,
    pub total: Option<u64>,
    pub error: Option<String>,
    /// `$HOME`, for `~`.
    pub home: Option<String>,
    /// Files to upload after this one, sent one after the other (a new run's attachments).
    pub queue: Vec<String>,
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

/// The path the typed text means. The prompt starts with a directory, so typing a whole path
/// after it is common: as in Emacs, a `//` or `/~` starts over (`/tmp/x//tmp/y` is `/tmp/y`),
/// and a leading `~` is the home directory.
pub fn effective_path(text: &str, home: Option<&str>) -> String {
    let t = text.trim();
    let start = [t.rfind("//").map(|i| i + 1), t.rfind("/~").map(|i| i + 1)]
        .into_iter()
        .flatten()
        .max()
        .unwrap_or(0);
    let t = &t[start..];
    match (t.strip_prefix('~'), home) {
        (Some(rest), Some(h)) if rest.is_empty() || rest.starts_with('/') => {
            format!("{}{rest}", h.trim_end_matches('/'))
        }
        _ => t.to_string(),
    }
}

impl UploadPane {
    fn path(&self) -> String {
        effective_path(self.input.value(), self.home.as_deref())
    }

    pub(crate) fn new(run_id: String, start: String) -> UploadPane {
        UploadPane {
            run_id,
            unit: None,
            input: Input::new(start),
            candidates: Vec::new(),
            pending: None,
            sent: 0,
            total: None,
            error: None,
            home: std::env::var("HOME").ok(),
            queue: Vec::new(),
        }
    }

    /// Uploads `files` to the run, one after the other, starting now (the create-run form's
    /// attachments, once the run exists). A failure stops there, as a typed upload does.
    pub(crate) fn queued(run_id: String, mut files: Vec<String>, cx: &mut Ctx) -> UploadPane {
        let first = if files.is_empty() { String::new() } else { files.remove(0) };
        let mut p = UploadPane::new(run_id, first);
        p.queue = files;
        p.submit(cx);
        p
    }

    fn submit(&mut self, cx: &mut Ctx) {
        // The field shows the path that is sent.
        self.input = Input::new(self.path());
        let path = std::path::PathBuf::from(self.path());
        let fetch = match &self.unit {
            Some(serial) => Fetch::UploadToUnit { serial: serial.clone(), path },
            None => Fetch::Upload { run_id: self.run_id.clone(), path },
        };
        self.pending = Some(cx.mutate(fetch));
        self.error = None;
        self.sent = 0;
        self.total = None;
    }

    fn failed(&mut self, step: &str, error: ClientError, cx: &mut Ctx) {
        let msg = match &error {
            ClientError::Forbidden(m) => {
                let action = if self.unit.is_some() { Action::UploadUnit } else { Action::Upload };
                cx.forbidden(action, m)
            }
            e => format!("failed while {step}: {e}; enter tries again"),
        };
        let msg = match self.queue.len() {
            0 => msg,
            n => format!("{msg} ({n} more to upload after it; esc leaves them)"),
        };
        self.pending = None;
        self.error = Some(msg);
    }

    /// Candidates for the path arrived.
    fn completions(&mut self, text: &str, candidates: &[String]) {
        if self.path() != text {
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
            Action::Complete => cx.effect(Effect::ListDir(self.path())),
            Action::Submit if self.pending.is_none() => self.submit(cx),
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

    fn on_answer(&mut self, id: RequestId, event: WorkerEvent, cx: &mut Ctx) -> Answered {
        match awaited(self.pending, id, event)? {
            WorkerEvent::Progress { received, total } => {
                self.sent = received;
                self.total = total;
            }
            WorkerEvent::Done(Ok(_)) => {
                let name = self.input.value().rsplit('/').next().unwrap_or("").to_string();
                cx.flash(format!("uploaded {name}"));
                match &self.unit {
                    Some(serial) => cx.announce(News::UnitChanged(serial.clone())),
                    None => cx.changed(&self.run_id),
                }
                if !self.queue.is_empty() {
                    self.input = Input::new(self.queue.remove(0));
                    self.submit(cx);
                    return Ok(Outcome::Stay);
                }
                return Ok(Outcome::Pop);
            }
            WorkerEvent::Done(Err(error)) => self.failed("uploading", error, cx),
            WorkerEvent::UploadFailed { step, error } => self.failed(step, error, cx),
            _ => {}
        }
        Ok(Outcome::Stay)
    }

    fn on_news(&mut self, news: &News, _cx: &mut Ctx) -> Outcome {
        if let News::Done(super::Done::Completions { text, candidates }) = news {
            self.completions(text, candidates);
        }
        Outcome::Stay
    }
}
