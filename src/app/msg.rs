//! What reaches `update` ([`Msg`]) and what it asks the event loop to do ([`Effect`]).

use crossterm::event::{KeyEvent, MouseEvent};

use super::export;
use crate::worker::{WorkerRequest, WorkerResponse};

/// What reaches `update`.
#[derive(Debug, Clone)]
pub enum Msg {
    Key(KeyEvent),
    Mouse(MouseEvent),
    Resize(u16, u16),
    Worker(WorkerResponse),
    /// Time passed (animations, live polling, "updated N s ago").
    Tick,
    /// The outbox file could not be written (why).
    OutboxNotWritten(String),
    /// The event loop did what an [`Effect`] asked, and this is the answer.
    Done(Done),
}

/// The event loop's answer to an [`Effect`] it carried out; every pane hears it as
/// [`News::Done`](super::News::Done).
#[derive(Debug, Clone)]
pub enum Done {
    /// Paths that complete `text` (listed by the event loop for the upload prompt).
    Completions { text: String, candidates: Vec<String> },
    /// The config file was written with the views (its path), or why not.
    ViewsSaved(Result<String, String>),
    /// The files of `paths` were looked at: `problem` names the first that is not a readable
    /// file (answers `Effect::CheckFiles`).
    FilesChecked { paths: Vec<String>, problem: Option<String> },
    /// An export was written to `path`, or not.
    Exported { path: String, written: export::Written },
}

/// What `update` asks the event loop to do.
#[derive(Debug, Clone, PartialEq)]
pub enum Effect {
    Send(WorkerRequest),
    /// Put this text on the clipboard (OSC 52).
    Copy(String),
    /// Open this link in the web browser.
    Open(String),
    /// Write `content` to `path` atomically; over an existing file only when `overwrite`
    /// (answered with `Done::Exported`).
    Export {
        path: String,
        content: String,
        overwrite: bool,
    },
    /// A new failure arrived in live mode: ring the bell or flash the screen.
    Alert(super::alert::AlertKind),
    /// List the paths that complete this text (answered with `Done::Completions`).
    ListDir(String),
    /// Check that these paths are files (answered with `Done::FilesChecked`).
    CheckFiles(Vec<String>),
    /// Write the views to the config file (answered with `Done::ViewsSaved`).
    SaveViews(Vec<crate::config::ViewEntry>),
    /// Delete the edits a signal saved (they were restored or declined).
    ForgetEdits,
    /// Write the outbox (changes waiting for the server) to its file, whole.
    WriteOutbox(Vec<super::outbox::OutboxEntry>),
    Quit,
}
