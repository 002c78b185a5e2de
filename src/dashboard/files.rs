//! The file work the app asks for: writing the views to the config and listing paths for
//! the upload prompt. It runs on the blocking pool, one job after another (so two writes of
//! the config never overtake each other), never in the event loop; each answer comes back
//! to the loop as a message.

use std::path::PathBuf;

use tokio::sync::mpsc::{UnboundedSender, unbounded_channel};

use crate::app::Msg;
use crate::config::{self, ViewEntry};

/// Where views are written back.
pub struct Saving {
    pub path: PathBuf,
    pub profile: Option<String>,
}

pub(super) enum Job {
    SaveViews(Vec<ViewEntry>),
    ListDir(String),
}

impl Job {
    fn run(self, saving: &Saving) -> Msg {
        match self {
            Job::SaveViews(entries) => Msg::ViewsSaved(
                config::save_views(&saving.path, saving.profile.as_deref(), &entries)
                    .map(|_| saving.path.display().to_string()),
            ),
            Job::ListDir(text) => Msg::Completions { candidates: complete_path(&text), text },
        }
    }
}

/// Starts the file worker; its answers go to `out`.
pub(super) fn spawn(saving: Saving, out: UnboundedSender<Msg>) -> UnboundedSender<Job> {
    let (tx, mut rx) = unbounded_channel::<Job>();
    let saving = std::sync::Arc::new(saving);
    tokio::spawn(async move {
        while let Some(job) = rx.recv().await {
            let saving = saving.clone();
            let Ok(msg) = tokio::task::spawn_blocking(move || job.run(&saving)).await else {
                continue;
            };
            if out.send(msg).is_err() {
                break;
            }
        }
    });
    tx
}

/// Paths that start with `text`: entries of its directory whose names start with the part
/// after the last `/`; directories end in `/`. Hidden entries only when asked for with a dot.
pub(crate) fn complete_path(text: &str) -> Vec<String> {
    let (dir, prefix) = match text.rfind('/') {
        Some(i) => (&text[..=i], &text[i + 1..]),
        None => ("", text),
    };
    let read = if dir.is_empty() { std::fs::read_dir(".") } else { std::fs::read_dir(dir) };
    let Ok(entries) = read else { return Vec::new() };
    let mut out: Vec<String> = entries
        .filter_map(|e| e.ok())
        .filter_map(|e| {
            let name = e.file_name().to_string_lossy().to_string();
            if !name.starts_with(prefix) || (name.starts_with('.') && !prefix.starts_with('.')) {
                return None;
            }
            let slash = if e.file_type().is_ok_and(|t| t.is_dir()) { "/" } else { "" };
            Some(format!("{dir}{name}{slash}"))
        })
        .collect();
    out.sort();
    out.truncate(200);
    out
}

#[cfg(test)]
mod tests {
    use super::complete_path;

    #[test]
    fn paths_complete_from_their_directory() {
        let dir = tempfile::tempdir().expect("dir");
        for f in ["board-photo.jpg", "board-scan.pdf", "notes.txt", ".hidden"] {
            std::fs::write(dir.path().join(f), b"x").expect("write");
        }
        std::fs::create_dir(dir.path().join("boards")).expect("dir");
        let base = format!("{}/", dir.path().display());
        let got = complete_path(&format!("{base}board"));
        assert_eq!(
            got,
            vec![
                format!("{base}board-photo.jpg"),
                format!("{base}board-scan.pdf"),
                format!("{base}boards/")
            ]
        );
        assert_eq!(complete_path(&base).len(), 4, "hidden files only when asked for");
        assert_eq!(complete_path(&format!("{base}.h")), vec![format!("{base}.hidden")]);
        assert!(complete_path("/nonexistent-dir/x").is_empty());
    }
}
