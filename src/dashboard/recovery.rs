//! The recovery file: where a signal writes unsaved metadata edits, next to the log file, one
//! file per instance (`edits-<digest of the URL>.json`), written whole or not at all and
//! readable only by the user.

use std::io::Write;
use std::path::{Path, PathBuf};

use crate::app::outbox::OutboxFile;
use crate::app::recovery::Recovery;

/// The recovery file for `instance`, in `dir`.
pub(super) fn path(dir: &Path, instance: &str) -> PathBuf {
    let digest = ring::digest::digest(&ring::digest::SHA256, instance.as_bytes());
    let hex: String = digest.as_ref()[..8].iter().map(|b| format!("{b:02x}")).collect();
    dir.join(format!("edits-{hex}.json"))
}

/// Writes `r` to `path` atomically (a temporary file moved into place), mode 0600.
pub(super) fn write(path: &Path, r: &Recovery) -> std::io::Result<()> {
    write_json(path, r)
}

/// The outbox file for `instance`, in `dir`.
pub(super) fn outbox_path(dir: &Path, instance: &str) -> PathBuf {
    path(dir, instance).with_file_name(
        path(dir, instance)
            .file_name()
            .map_or("outbox.json".into(), |n| n.to_string_lossy().replacen("edits-", "outbox-", 1)),
    )
}

/// Writes the outbox as the recovery file is written; an empty one removes the file.
pub(super) fn write_outbox(path: &Path, o: &OutboxFile) -> std::io::Result<()> {
    if o.entries.is_empty() {
        return match std::fs::remove_file(path) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(e),
            _ => Ok(()),
        };
    }
    write_json(path, o)
}

/// The outbox kept for `instance`, if any. A file that cannot be read is left alone (and said).
pub(super) fn read_outbox(path: &Path, instance: &str) -> Option<OutboxFile> {
    let text = std::fs::read_to_string(path).ok()?;
    match serde_json::from_str::<OutboxFile>(&text) {
        Ok(o) if o.instance == instance => Some(o),
        Ok(_) => None,
        Err(e) => {
            tracing::warn!(path = %path.display(), "the outbox cannot be read: {e}");
            None
        }
    }
}

fn write_json<T: serde::Serialize>(path: &Path, r: &T) -> std::io::Result<()> {
    let dir = path.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir)?;
    // tempfile creates it 0600.
    let mut tmp = tempfile::Builder::new().prefix(".edits-").suffix(".tmp").tempfile_in(dir)?;
    serde_json::to_writer_pretty(&mut tmp, r)?;
    tmp.flush()?;
    tmp.as_file().sync_all()?;
    tmp.persist(path).map_err(|e| e.error)?;
    Ok(())
}

/// The edits saved for `instance`, if any. A file that cannot be read is left alone.
pub(super) fn read(path: &Path, instance: &str) -> Option<Recovery> {
    let text = std::fs::read_to_string(path).ok()?;
    match serde_json::from_str::<Recovery>(&text) {
        Ok(r) if r.instance == instance && (!r.changes.is_empty() || r.new_run.is_some()) => {
            Some(r)
        }
        Ok(_) => None,
        Err(e) => {
            tracing::warn!(path = %path.display(), "the saved edits cannot be read: {e}");
            None
        }
    }
}

#[cfg(all(test, unix))]
mod tests {
    use std::os::unix::fs::PermissionsExt;

    use crate::app::recovery::Recovery;

    /// Unlike an export (which follows the umask), the edits stay readable by the user only.
    #[test]
    fn the_recovery_file_stays_0600() {
        let dir = tempfile::tempdir().expect("dir");
        let path = super::path(dir.path(), "demo");
        let mut changes = serde_json::Map::new();
        changes.insert("k".into(), "v".into());
        let r = Recovery { instance: "demo".into(), targets: vec![], changes, new_run: None };
        super::write(&path, &r).expect("written");
        let mode = std::fs::metadata(&path).expect("meta").permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
    }
}
