//! Saving an attachment: a safe file name, a name that is free (`report (1).pdf` when
//! `report.pdf` exists), written to a temporary file first and moved into place only when
//! complete and only onto a name nobody has taken (`persist_noclobber`), so an existing file
//! is never overwritten. The temporary file goes away with its handle: a broken or aborted
//! download (the task dropped) leaves nothing.

use std::path::{Path, PathBuf};

use tokio::io::AsyncWriteExt;

use super::client::{ApiClient, ClientError};

/// The attachment's name as a plain file name: no directories, no leading dots.
pub(crate) fn safe_name(name: &str) -> String {
    let base = name.rsplit(['/', '\\']).next().unwrap_or("");
    let cleaned: String =
        base.chars().map(|c| if c.is_control() || c == ':' { '_' } else { c }).collect();
    let cleaned = cleaned.trim().trim_start_matches('.').to_string();
    if cleaned.is_empty() { "attachment".into() } else { cleaned }
}

/// `name`, then `stem (1).ext`, `stem (2).ext`, … for the n-th try.
pub(crate) fn variant(name: &str, n: u32) -> String {
    if n == 0 {
        return name.to_string();
    }
    match name.rsplit_once('.') {
        Some((stem, ext)) if !stem.is_empty() => format!("{stem} ({n}).{ext}"),
        _ => format!("{name} ({n})"),
    }
}

/// Moves the finished temporary file to the first free name; never replaces a file.
fn place(mut tmp: tempfile::TempPath, dir: &Path, name: &str) -> std::io::Result<PathBuf> {
    for n in 0..1000 {
        let dest = dir.join(variant(name, n));
        match tmp.persist_noclobber(&dest) {
            Ok(()) => return Ok(dest),
            Err(e) if e.error.kind() == std::io::ErrorKind::AlreadyExists => tmp = e.path,
            Err(e) => return Err(e.error),
        }
    }
    Err(std::io::Error::other("no free file name"))
}

/// Downloads `url` into `dir`, calling `progress(received, total)` as bytes arrive.
pub async fn save(
    client: &ApiClient,
    url: &str,
    dir: &Path,
    name: &str,
    progress: impl Fn(u64, Option<u64>),
) -> Result<PathBuf, String> {
    let name = safe_name(name);
    let mut resp = client.open_download(url).await.map_err(|e: ClientError| e.to_string())?;
    let total = resp.content_length();
    let prefix = format!(".{name}.");
    let mut part = tempfile::Builder::new();
    part.prefix(&prefix).suffix(".tofui-part");
    // The saved file gets the usual permissions (the umask's), not a temporary file's 0600.
    #[cfg(unix)]
    part.permissions(std::os::unix::fs::PermissionsExt::from_mode(0o666));
    let (file, tmp) = part
        .tempfile_in(dir)
        .map_err(|e| format!("cannot write in {}: {e}", dir.display()))?
        .into_parts();
    let mut file = tokio::fs::File::from_std(file);
    let result = async {
        let mut received = 0u64;
        progress(0, total);
        while let Some(chunk) =
            resp.chunk().await.map_err(|e| format!("the download broke off: {e}"))?
        {
            file.write_all(&chunk)
                .await
                .map_err(|e| format!("cannot write {}: {e}", tmp.display()))?;
            received += chunk.len() as u64;
            progress(received, total);
        }
        file.flush().await.map_err(|e| e.to_string())?;
        file.sync_all().await.map_err(|e| e.to_string())?;
        if let Some(t) = total
            && t != received
        {
            return Err(format!("the download stopped at {received} of {t} bytes"));
        }
        Ok(())
    }
    .await;
    drop(file);
    // On failure `tmp` is dropped here, and with it the partial file.
    result?;
    place(tmp, dir, &name).map_err(|e| format!("cannot save into {}: {e}", dir.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_safe_and_never_reused() {
        assert_eq!(safe_name("../../etc/passwd"), "passwd");
        assert_eq!(safe_name("C:\\temp\\photo.jpg"), "photo.jpg");
        assert_eq!(safe_name(".."), "attachment");
        assert_eq!(safe_name(".hidden"), "hidden");
        assert_eq!(variant("board.jpg", 2), "board (2).jpg");
        assert_eq!(variant("README", 1), "README (1)");
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("a.txt"), "old").unwrap();
        let tmp = tempfile::NamedTempFile::new_in(dir.path()).unwrap();
        std::fs::write(tmp.path(), "new").unwrap();
        let got = place(tmp.into_temp_path(), dir.path(), "a.txt").unwrap();
        assert_eq!(got.file_name().unwrap(), "a (1).txt");
        assert_eq!(std::fs::read_to_string(dir.path().join("a.txt")).unwrap(), "old");
        assert_eq!(std::fs::read_to_string(&got).unwrap(), "new");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 2, "the temporary file moved");
    }
}
