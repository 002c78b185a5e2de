//! The app's side of changes written back to the server: the metadata editor, deleting runs,
//! uploading attachments, `--readonly`, 403s, and not quitting over unsaved edits.

use std::collections::HashSet;

use super::dialogs::{Ask, DeleteState, UploadState, common_prefix};
use super::editor::{EditorState, Step, Target};
use super::{Action, App, Effect};
use crate::worker::{ClientError, Fetch, RequestId, Slot, WorkerEvent, WorkerRequest};

/// What a mutation is called in messages.
fn what(a: Action) -> &'static str {
    match a {
        Action::EditMetadata => "edit metadata",
        Action::Delete => "delete runs",
        Action::Upload => "upload attachments",
        _ => "change runs",
    }
}

impl App {
    fn send_mutation(&mut self, fetch: Fetch) -> (RequestId, Effect) {
        let id = self.id();
        (id, Effect::Send(WorkerRequest::Fetch { id, slot: Slot::Mutation(id), fetch }))
    }

    /// The runs a mutation acts on: the marked ones, else the open run, else the selected row.
    fn targets(&self) -> Vec<Target> {
        if self.detail.is_none() && !self.list.marked.is_empty() {
            return self
                .list
                .rows
                .iter()
                .filter(|r| self.list.marked.contains(&r.id))
                .map(|r| Target { run_id: r.id.to_string(), serial: r.serial.to_string() })
                .collect();
        }
        if let Some(d) = &self.detail {
            let serial =
                d.loaded().map(|l| l.run.summary.unit.serial_number.clone()).unwrap_or_default();
            return vec![Target { run_id: d.run_id.clone(), serial }];
        }
        self.list
            .selected_row()
            .filter(|r| !r.id.is_empty())
            .map(|r| vec![Target { run_id: r.id.to_string(), serial: r.serial.to_string() }])
            .unwrap_or_default()
    }

    /// Refuses a mutation in read-only mode; says so.
    fn refused(&mut self, a: Action) -> bool {
        if self.readonly {
            self.flash(format!("read-only (--readonly): tofui does not {}", what(a)));
            return true;
        }
        false
    }

    /// A 403: explain, and stop offering the action for the session.
    fn forbidden(&mut self, a: Action, msg: &str) -> String {
        self.keymap.remove_action(|x| x == a);
        format!(
            "this API key may not {} (HTTP 403: {msg}); tofui will not offer it again this session",
            what(a)
        )
    }

    pub(crate) fn mutation_action(&mut self, a: Action, fx: &mut Vec<Effect>) {
        if self.refused(a) {
            return;
        }
        match a {
            Action::Mark => {
                if let Some(row) = self.list.selected_row().filter(|r| !r.id.is_empty()) {
                    let id = row.id.clone();
                    if !self.list.marked.remove(&id) {
                        self.list.marked.insert(id);
                    }
                    self.list.move_by(1);
                }
            }
            Action::EditMetadata => {
                let targets = self.targets();
                if targets.is_empty() {
                    return;
                }
                let mut ed = EditorState::new(targets.clone(), None);
                if targets.len() == 1 {
                    let run_id = &targets[0].run_id;
                    let meta = self
                        .detail
                        .as_ref()
                        .filter(|d| d.run_id == *run_id)
                        .and_then(|d| d.loaded())
                        .map(|l| l.run.summary.metadata.clone());
                    let meta = meta.or_else(|| {
                        self.cache.peek(run_id).map(|c| c.run.summary.metadata.clone())
                    });
                    match meta {
                        Some(m) => ed.set_metadata(m.as_ref()),
                        None => {
                            let id = self.id();
                            ed.loading = Some(id);
                            fx.push(Effect::Send(WorkerRequest::Fetch {
                                id,
                                slot: Slot::Editor,
                                fetch: Fetch::Run { run_id: run_id.clone() },
                            }));
                        }
                    }
                }
                self.editor = Some(ed);
            }
            Action::Delete => {
                let targets = self.targets();
                if !targets.is_empty() {
                    self.delete = Some(DeleteState::new(
                        targets.iter().map(|t| t.run_id.clone()).collect(),
                        targets.iter().map(|t| t.serial.clone()).collect(),
                    ));
                }
            }
            Action::Upload => {
                if let Some(d) = &self.detail {
                    let start = std::env::current_dir()
                        .map(|p| format!("{}/", p.display()))
                        .unwrap_or_default();
                    self.upload = Some(UploadState::new(d.run_id.clone(), start));
                }
            }
            _ => {}
        }
    }

    /// Keys in the editor.
    pub(crate) fn editor_action(&mut self, a: Action, fx: &mut Vec<Effect>) {
        let Some(ed) = &mut self.editor else { return };
        match (&ed.step, a) {
            (Step::Browse, Action::Down) => ed.move_by(1),
            (Step::Browse, Action::Up) => ed.move_by(-1),
            (Step::Browse, Action::Add) => {
                ed.step = Step::AddKey(tui_input::Input::default());
                ed.invalid = None;
            }
            (Step::Browse, Action::Open) => ed.start_edit(),
            (Step::Browse, Action::ToggleDelete) => ed.toggle_delete(),
            (Step::Browse, Action::Save) => {
                if ed.loading.is_some() {
                    self.flash("the run's metadata is still loading");
                } else if ed.dirty() {
                    ed.step = Step::Review;
                } else {
                    self.flash("nothing to save");
                }
            }
            (Step::Browse, Action::Back) => {
                if ed.holds_edits() {
                    self.ask = Some(Ask::DiscardEdits);
                } else {
                    self.editor = None;
                }
            }
            (Step::AddKey(_) | Step::AddValue { .. } | Step::EditValue(_), Action::Submit) => {
                ed.submit_text()
            }
            (Step::AddKey(_), Action::NextField) => ed.tab(),
            (Step::AddKey(_) | Step::AddValue { .. } | Step::EditValue(_), Action::Back) => {
                ed.step = Step::Browse;
                ed.invalid = None;
            }
            (Step::Review, Action::Back) => ed.step = Step::Browse,
            (Step::Review, Action::Submit) => self.save_edits(fx),
            _ => {}
        }
    }

    fn save_edits(&mut self, fx: &mut Vec<Effect>) {
        let Some(ed) = &self.editor else { return };
        let changes = ed.changes();
        let targets = ed.targets.clone();
        let mut pending = Vec::new();
        for t in targets {
            let (id, effect) = self.send_mutation(Fetch::UpdateMetadata {
                run_id: t.run_id.clone(),
                changes: changes.clone(),
            });
            pending.push((id, t.run_id));
            fx.push(effect);
        }
        if let Some(ed) = &mut self.editor {
            ed.pending = pending;
            ed.saved.clear();
            ed.error = None;
            ed.step = Step::Saving;
        }
    }

    pub(crate) fn delete_action(&mut self, a: Action, fx: &mut Vec<Effect>) {
        let Some(d) = &mut self.delete else { return };
        match a {
            Action::Back if d.pending.is_none() => self.delete = None,
            Action::Submit if d.pending.is_none() => {
                if !d.confirmed() {
                    d.error = Some(format!("type {} to delete {} runs", d.ids.len(), d.ids.len()));
                    return;
                }
                let ids = d.ids.clone();
                let (id, effect) = self.send_mutation(Fetch::DeleteRuns { ids });
                if let Some(d) = &mut self.delete {
                    d.pending = Some(id);
                    d.error = None;
                }
                fx.push(effect);
            }
            _ => {}
        }
    }

    pub(crate) fn upload_action(&mut self, a: Action, fx: &mut Vec<Effect>) {
        let Some(u) = &mut self.upload else { return };
        match a {
            Action::Back if u.pending.is_none() => self.upload = None,
            Action::Complete => fx.push(Effect::ListDir(u.input.value().to_string())),
            Action::Submit if u.pending.is_none() => {
                let path = std::path::PathBuf::from(u.input.value().trim());
                let run_id = u.run_id.clone();
                let (id, effect) = self.send_mutation(Fetch::Upload { run_id, path });
                if let Some(u) = &mut self.upload {
                    u.pending = Some(id);
                    u.error = None;
                    u.sent = 0;
                    u.total = None;
                }
                fx.push(effect);
            }
            _ => {}
        }
    }

    /// Candidates for the upload path arrived (read by the event loop).
    pub(crate) fn completions(&mut self, text: String, candidates: Vec<String>) {
        let Some(u) = self.upload.as_mut().filter(|u| u.input.value() == text) else { return };
        match candidates.len() {
            0 => u.candidates.clear(),
            1 => {
                u.input = tui_input::Input::new(candidates[0].clone());
                u.candidates.clear();
            }
            _ => {
                let prefix = common_prefix(&candidates);
                if prefix.len() > text.len() {
                    u.input = tui_input::Input::new(prefix);
                }
                u.candidates = candidates;
            }
        }
    }

    pub(crate) fn answer(&mut self, a: Action, fx: &mut Vec<Effect>) {
        let Some(q) = self.ask.take() else { return };
        if a != Action::Yes {
            return;
        }
        match q {
            Ask::QuitWithEdits => fx.push(Effect::Quit),
            Ask::DiscardEdits => self.editor = None,
        }
    }

    /// `q`: asks first when edits would be lost.
    pub(crate) fn quit(&mut self, fx: &mut Vec<Effect>) {
        if self.editor.as_ref().is_some_and(EditorState::holds_edits) {
            self.ask = Some(Ask::QuitWithEdits);
        } else {
            fx.push(Effect::Quit);
        }
    }

    /// The worker's answers for mutations (and the editor's metadata load).
    pub(crate) fn mutation_event(
        &mut self,
        id: RequestId,
        event: WorkerEvent,
    ) -> Option<WorkerEvent> {
        if let Some(ed) = self.editor.as_mut().filter(|e| e.loading == Some(id)) {
            if let WorkerEvent::Run { run, .. } = event {
                match run {
                    Ok(r) => ed.set_metadata(r.summary.metadata.as_ref()),
                    Err(e) => {
                        ed.loading = None;
                        ed.error = Some(format!("could not read the run's metadata: {e}"));
                    }
                }
                return None;
            }
            return None;
        }
        if self.editor.as_ref().is_some_and(|e| e.pending.iter().any(|(p, _)| *p == id)) {
            if let WorkerEvent::Done(result) = event {
                self.metadata_saved(id, result);
            }
            return None;
        }
        if self.delete.as_ref().is_some_and(|d| d.pending == Some(id)) {
            if let WorkerEvent::Done(result) = event {
                self.deleted(result);
            }
            return None;
        }
        if self.upload.as_ref().is_some_and(|u| u.pending == Some(id)) {
            match event {
                WorkerEvent::Progress { received, total } => {
                    if let Some(u) = &mut self.upload {
                        u.sent = received;
                        u.total = total;
                    }
                }
                WorkerEvent::Done(Ok(_)) => {
                    let name = self
                        .upload
                        .take()
                        .map(|u| u.input.value().rsplit('/').next().unwrap_or("").to_string())
                        .unwrap_or_default();
                    self.flash(format!("uploaded {name}"));
                    self.after_change(None);
                }
                WorkerEvent::Done(Err(error)) => self.upload_failed("uploading", error),
                WorkerEvent::UploadFailed { step, error } => self.upload_failed(step, error),
                _ => {}
            }
            return None;
        }
        Some(event)
    }

    fn upload_failed(&mut self, step: &str, error: ClientError) {
        let msg = match &error {
            ClientError::Forbidden(m) => self.forbidden(Action::Upload, m),
            e => format!("failed while {step}: {e}; enter tries again"),
        };
        if let Some(u) = &mut self.upload {
            u.pending = None;
            u.error = Some(msg);
        }
    }

    fn metadata_saved(&mut self, id: RequestId, result: Result<Vec<String>, ClientError>) {
        let Some(ed) = &mut self.editor else { return };
        let Some(k) = ed.pending.iter().position(|(p, _)| *p == id) else { return };
        let (_, run_id) = ed.pending.remove(k);
        let serial = ed
            .targets
            .iter()
            .find(|t| t.run_id == run_id)
            .map(|t| t.serial.clone())
            .unwrap_or_default();
        let mut denied = None;
        match result {
            Ok(_) => ed.saved.push(run_id.clone()),
            Err(e) => {
                let msg = match &e {
                    ClientError::Forbidden(m) => {
                        denied = Some(m.clone());
                        format!("HTTP 403: {m}")
                    }
                    ClientError::NotFound(_) => {
                        "the run no longer exists (deleted meanwhile?)".into()
                    }
                    other => other.to_string(),
                };
                let line = if ed.bulk() { format!("{serial}: {msg}") } else { msg };
                ed.error = Some(match ed.error.take() {
                    Some(prev) => format!("{prev}; {line}"),
                    None => line,
                });
            }
        }
        if !ed.pending.is_empty() {
            return;
        }
        // Every answer is in.
        let saved: HashSet<String> = ed.saved.iter().cloned().collect();
        let total = ed.targets.len();
        if saved.len() == total {
            let n = ed.changes().len();
            self.editor = None;
            self.flash(format!(
                "saved {n} change{} to {total} run{}",
                if n == 1 { "" } else { "s" },
                if total == 1 { "" } else { "s" }
            ));
            for r in saved {
                self.after_change(Some(&r));
            }
            return;
        }
        // Keep the edits and the runs that failed, to try again.
        ed.targets.retain(|t| !saved.contains(&t.run_id));
        ed.step = Step::Browse;
        let failed = ed.targets.len();
        if let Some(err) = ed.error.take() {
            ed.error = Some(if total > 1 {
                format!(
                    "saved on {} of {total} runs; {failed} failed: {err} — ctrl-s retries them",
                    total - failed
                )
            } else {
                format!("not saved: {err} — your edits are kept; ctrl-s retries")
            });
        }
        for r in saved {
            self.after_change(Some(&r));
        }
        if let Some(m) = denied {
            let msg = self.forbidden(Action::EditMetadata, &m);
            if let Some(ed) = &mut self.editor {
                ed.error = Some(msg);
            }
        }
    }

    fn deleted(&mut self, result: Result<Vec<String>, ClientError>) {
        let Some(d) = self.delete.take() else { return };
        let gone: Vec<String> = match result {
            Ok(ids) => {
                let missing = d.ids.len() - ids.len();
                self.flash(if missing == 0 {
                    format!("deleted {} run{}", ids.len(), if ids.len() == 1 { "" } else { "s" })
                } else {
                    format!("deleted {}; {missing} did not exist any more", ids.len())
                });
                // The ones the server did not know are gone too.
                d.ids.clone()
            }
            Err(ClientError::NotFound(_)) => {
                self.flash(
                    "these runs did not exist any more (deleted meanwhile?); removed from the list",
                );
                d.ids.clone()
            }
            Err(ClientError::Forbidden(m)) => {
                let msg = self.forbidden(Action::Delete, &m);
                self.flash(msg);
                return;
            }
            Err(e) => {
                // Nothing is removed from view; the dialog stays to try again.
                self.delete = Some(DeleteState {
                    pending: None,
                    error: Some(format!("not deleted: {e}; enter tries again")),
                    ..d
                });
                return;
            }
        };
        let gone: HashSet<&str> = gone.iter().map(String::as_str).collect();
        let selected = self.list.selected_row().map(|r| r.id.clone());
        self.list.rows.retain(|r| !gone.contains(&*r.id));
        self.list.marked.retain(|m| !gone.contains(&**m));
        self.list.selected = selected
            .and_then(|s| self.list.rows.iter().position(|r| r.id == s))
            .unwrap_or(self.list.selected)
            .min(self.list.rows.len().saturating_sub(1));
        self.list.scroll_to_selection();
        if self.detail.as_ref().is_some_and(|d| gone.contains(d.run_id.as_str())) {
            self.detail = None;
        }
    }

    /// A run changed on the server: forget its cached copy; reload it if it is open.
    fn after_change(&mut self, run_id: Option<&str>) {
        let open = self.detail.as_ref().map(|d| d.run_id.clone());
        let id = run_id.map(str::to_string).or(open.clone());
        if let Some(id) = &id {
            self.cache.remove(id);
        }
        if open.is_some() && open == id {
            let mut fx = Vec::new();
            self.run_action(Action::Refresh, &mut fx);
            self.deferred.extend(fx);
        }
    }
}
