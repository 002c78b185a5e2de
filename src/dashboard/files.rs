//! The file work the app asks for: writing the views to the config and listing paths for
//! the upload prompt. It runs on the blocking pool, one job after another (so two writes of
//! the config never overtake each other), never in the event loop; each answer comes back
//! to the loop as a message.

use std::path::PathBuf;

use tokio::sync::mpsc::{UnboundedSender, unbounded_channel};

use crate::app::export::Written;
use crate::app::{Done, Msg};
use crate::config::{self, ViewEntry};

/// The files this session writes: the config (views are written back to it), the recovery
/// file and the outbox.
pub struct SessionFiles {
    /// The config file, and the profile within it.
    pub path: PathBuf,
    pub profile: Option<String>,
    /// The recovery file of this instance (see `recovery`).
    pub recovery: PathBuf,
    /// The outbox file of this instance, and the instance.
    pub outbox: PathBuf,
    pub instance: String,
}

pub(super) enum Job {
    SaveViews(Vec<ViewEntry>),
    ListDir(String),
    CheckFiles(Vec<String>),
    Export {
        path: String,
        content: String,
        overwrite: bool,
    },
    /// Delete the recovery file.
    ForgetEdits,
    /// Write the outbox (removed when empty).
    WriteOutbox(Vec<crate::app::outbox::OutboxEntry>),
}

impl Job {
    fn run(self, files: &SessionFiles) -> Option<Msg> {
        Some(match self {
            Job::SaveViews(entries) => Msg::Done(Done::ViewsSaved(
                config::save_views(&files.path, files.profile.as_deref(), &entries)
                    .map(|_| files.path.display().to_string()),
            )),
            Job::ListDir(text) => {
                Msg::Done(Done::Completions { candidates: complete_path(&text), text })
            }
            Job::CheckFiles(paths) => {
                let problem = paths.iter().find_map(|p| match std::fs::metadata(p) {
                    Ok(m) if m.is_file() => None,
                    Ok(_) => Some(format!("{p} is not a file")),
                    Err(e) => Some(format!("{p}: {e}")),
                });
                Msg::Done(Done::FilesChecked { paths, problem })
            }
            Job::Export { path, content, overwrite } => {
                let written = export(&path, &content, overwrite);
                Msg::Done(Done::Exported { path, written })
            }
            Job::WriteOutbox(entries) => {
                let file =
                    crate::app::outbox::OutboxFile { instance: files.instance.clone(), entries };
                if let Err(e) = super::recovery::write_outbox(&files.outbox, &file) {
                    tracing::error!(
                        "the outbox could not be written to {}: {e}",
                        files.outbox.display()
                    );
                    return Some(Msg::OutboxNotWritten(e.to_string()));
                }
                return None;
            }
            Job::ForgetEdits => {
                if let Err(e) = std::fs::remove_file(&files.recovery)
                    && e.kind() != std::io::ErrorKind::NotFound
                {
                    tracing::warn!("cannot delete {}: {e}", files.recovery.display());
                }
                return None;
            }
        })
    }
}

/// Starts the file worker; its answers go to `out`.
pub(super) fn spawn(files: SessionFiles, out: UnboundedSender<Msg>) -> UnboundedSender<Job> {
    let (tx, mut rx) = unbounded_channel::<Job>();
    let files = std::sync::Arc::new(files);
    tokio::spawn(async move {
        while let Some(job) = rx.recv().await {
            let files = files.clone();
            let Ok(Some(msg)) = tokio::task::spawn_blocking(move || job.run(&files)).await else {
                continue;
            };
            if out.send(msg).is_err() {
                break;
            }
        }
    });
    tx
}

/// Writes an export: to a temporary file beside `path`, then moved into place, so a crash
/// never leaves half a file; an existing file is kept unless `overwrite`.
pub(crate) fn export(path: &str, content: &str, overwrite: bool) -> Written {
    use std::io::Write;
    let target = std::path::Path::new(path);
    let dir = match target.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let write = || -> std::io::Result<Written> {
        // Like any file the user writes, an export follows their umask, not a temporary
        // file's 0600 (the recovery file, which holds edits, keeps 0600: see `recovery`).
        #[cfg_attr(not(unix), allow(unused_mut))]
        let mut b = tempfile::Builder::new();
        #[cfg(unix)]
        b.permissions(std::os::unix::fs::PermissionsExt::from_mode(0o666));
        let mut tmp = b.tempfile_in(&dir)?;
        tmp.write_all(content.as_bytes())?;
        tmp.as_file().sync_all()?;
        if overwrite {
            tmp.persist(target).map_err(|e| e.error)?;
            return Ok(Written::Done);
        }
        match tmp.persist_noclobber(target) {
            Ok(_) => Ok(Written::Done),
            Err(e) if e.error.kind() == std::io::ErrorKind::AlreadyExists => Ok(Written::Exists),
            Err(e) => Err(e.error),
        }
    };
    write().unwrap_or_else(|e| Written::Failed(format!("{path}: {e}")))
}

/// Paths that start with `text`: entries of its directory whose names start with the part
/// after the last separator (`/`; on Windows `\\` too); directories end in the platform's
/// separator. Hidden entries only when asked for with a dot.
pub(crate) fn complete_path(text: &str) -> Vec<String> {
    let (dir, prefix) = match text.rfind(std::path::is_separator) {
        // Separators are ASCII, so `i + 1` is a character boundary.
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
            let mut path = format!("{dir}{name}");
            if e.file_type().is_ok_and(|t| t.is_dir()) {
                path.push(std::path::MAIN_SEPARATOR);
            }
            Some(path)
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

#[cfg(test)]
mod export_tests {
    use super::{Written, export};

    #[test]
    fn an_export_never_writes_over_a_file_unless_told_to() {
        let dir = tempfile::tempdir().expect("dir");
        let path = dir.path().join("runs.csv").display().to_string();
        assert_eq!(export(&path, "first\n", false), Written::Done);
        assert_eq!(export(&path, "second\n", false), Written::Exists);
        assert_eq!(std::fs::read_to_string(&path).expect("read"), "first\n", "kept");
        assert_eq!(export(&path, "third\n", true), Written::Done);
        assert_eq!(std::fs::read_to_string(&path).expect("read"), "third\n");
        // Nothing else is left in the folder (no temporary files).
        assert_eq!(std::fs::read_dir(dir.path()).expect("ls").count(), 1);
        let missing = dir.path().join("no/such/dir/x.csv").display().to_string();
        assert!(matches!(export(&missing, "x", false), Written::Failed(_)));
    }

    /// Issue 24 item 16: an export's mode is what the umask gives any new file (0600 before).
    #[cfg(unix)]
    #[test]
    fn an_export_follows_the_umask_like_any_file_written() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().expect("dir");
        let mode =
            |p: &std::path::Path| std::fs::metadata(p).expect("meta").permissions().mode() & 0o777;
        let plain = dir.path().join("plain.txt");
        std::fs::write(&plain, "x").expect("write");
        let path = dir.path().join("runs.csv");
        assert_eq!(export(&path.display().to_string(), "a\n", false), Written::Done);
        assert_eq!(mode(&path), mode(&plain), "as a file the user writes");
        assert_eq!(export(&path.display().to_string(), "b\n", true), Written::Done);
        assert_eq!(mode(&path), mode(&plain), "written over: the same");
    }
}
