//! The form from another run: `C` on the list's selected run, `N` with exactly one run marked,
//! `C` in the run view. The run comes from the cache when it is there, else it is fetched; the
//! form is usable meanwhile, and a form typed into before it arrives keeps what was typed.

use tui_input::Input;

use super::{CreatePane, body};
use crate::api::RunDetail;
use crate::app::pane::{Ctx, Outcome};
use crate::app::{Action, ListState, Pane};
use crate::worker::{ClientError, Fetch, Slot};

/// `N` (blank, or like the one marked run) or `C` (like the selected run) in the runs list.
pub(crate) fn from_list(a: Action, list: &ListState, cx: &mut Ctx) -> Outcome {
    let like = match (a, list.marked.len()) {
        (Action::NewRunLike, _) => match list.selected_row().filter(|r| !r.id.is_empty()) {
            Some(row) => Some(row.id.to_string()),
            None => {
                cx.flash("no run selected to start from");
                return Outcome::Stay;
            }
        },
        (_, 0) => None,
        (_, 1) => list.marked.iter().next().map(|m| m.to_string()),
        (_, n) => {
            cx.flash(format!(
                "{n} runs are marked: N starts from one marked run (M clears the marks, C starts from the selected run)"
            ));
            return Outcome::Stay;
        }
    };
    let form = match like {
        Some(id) => CreatePane::open_like(&id, cx),
        None => CreatePane::open(None, cx),
    };
    Outcome::Push(Pane::Create(Box::new(form)))
}

impl CreatePane {
    /// The form like run `run_id`, with new times: at once from the cache, else once fetched.
    pub(crate) fn open_like(run_id: &str, cx: &mut Ctx) -> CreatePane {
        if let Some(cached) = cx.run_cache().peek(run_id).map(|c| c.run.clone()) {
            return CreatePane::open(Some(&cached), cx);
        }
        let mut form = CreatePane::open(None, cx);
        let id = cx.fetch(Slot::Template, Fetch::Run { run_id: run_id.to_string() });
        form.template = Some((id, run_id.to_string()));
        // As a template opens: on the serial, where the next unit is scanned.
        form.focus = 1;
        form.unit_note = Some(format!("reading run {run_id} to start from…"));
        form
    }

    /// The template run arrived (or did not): its values fill a form nothing was typed into.
    pub(super) fn template_arrived(
        &mut self,
        run: Result<Box<RunDetail>, ClientError>,
        cx: &mut Ctx,
    ) {
        let Some((_, run_id)) = self.template.take() else { return };
        self.unit_note = None;
        match run {
            Ok(run) if self.touched.iter().all(|t| !t) => {
                let values = body::from_run(&run);
                self.inputs = values.iter().map(|v| Input::new(v.clone())).collect();
                self.focus = 1;
                cx.flash(format!("a new run like {run_id}: check it, then ctrl-s"));
            }
            Ok(_) => cx.flash(format!(
                "run {run_id} arrived after typing began: the form keeps what was typed"
            )),
            Err(e) => {
                cx.flash(format!("cannot read run {run_id} to start from ({e}): the form is blank"))
            }
        }
    }
}
