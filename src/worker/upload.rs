//! Uploading a local file to a run or a unit: create the attachment (which links it to the run), PUT
//! the bytes with progress, finalise. Each step's failure says which step it was.

use std::path::Path;

use futures::StreamExt;

use super::client::{ApiClient, ClientError};
use crate::api::content_type_for;

/// What a file is attached to.
#[derive(Debug, Clone, Copy)]
pub enum Owner<'a> {
    Run(&'a str),
    /// A unit, by serial number.
    Unit(&'a str),
}

/// Runs the three steps; `progress(sent, total)` as bytes go out. Returns the attachment id.
pub async fn upload(
    client: &ApiClient,
    owner: Owner<'_>,
    path: &Path,
    progress: impl Fn(u64, Option<u64>) + Send + Sync + 'static,
) -> Result<String, (&'static str, ClientError)> {
    let name =
        path.file_name().map(|n| n.to_string_lossy().to_string()).filter(|n| !n.is_empty()).ok_or(
            ("reading the file", ClientError::Config(format!("{} is not a file", path.display()))),
        )?;
    let file = tokio::fs::File::open(path).await.map_err(|e| {
        ("reading the file", ClientError::Config(format!("cannot open {}: {e}", path.display())))
    })?;
    let meta = file
        .metadata()
        .await
        .map_err(|e| ("reading the file", ClientError::Config(e.to_string())))?;
    if !meta.is_file() {
        return Err((
            "reading the file",
            ClientError::Config(format!("{} is not a file", path.display())),
        ));
    }
    let total = meta.len();
    let created = match owner {
        Owner::Run(run_id) => client.create_attachment(run_id, &name).await,
        Owner::Unit(serial) => client.create_unit_attachment(serial, &name).await,
    };
    let (id, url) = created.map_err(|e| ("creating the attachment", e))?;
    let progress = std::sync::Arc::new(progress);
    let sent = std::sync::Arc::new(std::sync::atomic::AtomicU64::new(0));
    let p = progress.clone();
    let stream = tokio_util::io::ReaderStream::with_capacity(file, 64 * 1024).map(move |chunk| {
        if let Ok(c) = &chunk {
            let n = sent.fetch_add(c.len() as u64, std::sync::atomic::Ordering::Relaxed)
                + c.len() as u64;
            p(n, Some(total));
        }
        chunk
    });
    let body = reqwest::Body::wrap_stream(stream);
    client.put_upload(&url, body, content_type_for(&name)).await.map_err(|e| ("uploading", e))?;
    client.finalize_attachment(&id).await.map_err(|e| ("finalising", e))?;
    progress(total, Some(total));
    Ok(id)
}
