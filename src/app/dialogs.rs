//! Small dialogs: confirming a delete, the upload prompt, and "quit with unsaved edits?".

use tui_input::Input;

use crate::worker::RequestId;

/// `d`: which runs, and (for more than one) the count typed to confirm.
#[derive(Debug, Clone)]
pub struct DeleteState {
    pub ids: Vec<String>,
    pub serials: Vec<String>,
    pub typed: Input,
    pub pending: Option<RequestId>,
    pub error: Option<String>,
}

impl DeleteState {
    pub fn new(ids: Vec<String>, serials: Vec<String>) -> DeleteState {
        DeleteState { ids, serials, typed: Input::default(), pending: None, error: None }
    }

    /// More than one run: the count must be typed.
    pub fn needs_count(&self) -> bool {
        self.ids.len() > 1
    }

    pub fn confirmed(&self) -> bool {
        !self.needs_count() || self.typed.value().trim() == self.ids.len().to_string()
    }
}

/// `u` in the attachments tab: a local file path, with completion, then the upload.
#[derive(Debug, Clone)]
pub struct UploadState {
    pub run_id: String,
    pub input: Input,
    /// Candidates for the last completion, shown under the field.
    pub candidates: Vec<String>,
    pub pending: Option<RequestId>,
    pub sent: u64,
    pub total: Option<u64>,
    pub error: Option<String>,
}

impl UploadState {
    pub fn new(run_id: String, start: String) -> UploadState {
        UploadState {
            run_id,
            input: Input::new(start),
            candidates: Vec::new(),
            pending: None,
            sent: 0,
            total: None,
            error: None,
        }
    }
}

/// The longest common prefix of the candidates (what `tab` can fill in).
pub fn common_prefix(items: &[String]) -> String {
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

/// What a yes/no question is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ask {
    /// Quit with unsaved or unacknowledged metadata edits.
    QuitWithEdits,
    /// Close the editor and lose its edits.
    DiscardEdits,
}
