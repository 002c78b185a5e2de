//! Attachments outside a run (`/api/v2/attachments…`) and the upload/download links, which
//! authorise by the token in their URL as the service's pre-signed links do.

use axum::Json;
use axum::body::Body;
use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};

use super::runs::AttachmentBody;
use super::{Call, read, write};
use crate::server::AppState;
use crate::server::body::JsonBody;
use crate::server::error::{ApiError, ApiResult};
use crate::server::store::ids::IdSource;
use crate::server::store::wire::{Id, Upload, Url};
use crate::server::store::{attachments, mutate, now_ms, render};

/// Largest attachment accepted.
pub const MAX_UPLOAD: usize = 100 * 1024 * 1024;

pub async fn initialize(
    Call(st, caller): Call,
    JsonBody(body): JsonBody<AttachmentBody>,
) -> ApiResult<Json<Upload>> {
    let base = st.base_url.clone();
    let a = write(&st.store, move |c| {
        mutate::create_attachment(c, None, &body.name, &caller, now_ms(), &mut IdSource::Random)
    })
    .await?;
    let upload_url = render::download_url(&base, &a.id, &a.token);
    Ok(Json(Upload { id: a.id, upload_url }))
}

pub async fn finalize(Call(st, caller): Call, Path(id): Path<String>) -> ApiResult<Json<Url>> {
    let base = st.base_url.clone();
    let aid = id.clone();
    let token = write(&st.store, move |c| attachments::finalize_as(c, &aid, &caller)).await?;
    Ok(Json(Url { url: render::download_url(&base, &id, &token) }))
}

/// The `token` of a link's query string (an unreadable query is no token: 403, in JSON).
fn token(raw: Option<&str>) -> String {
    form_urlencoded::parse(raw.unwrap_or("").as_bytes())
        .find(|(k, _)| k == "token")
        .map(|(_, v)| v.into_owned())
        .unwrap_or_default()
}

/// `PUT /files/{id}?token=…`: the link is checked before the body is read; an accepted body
/// streams to a temporary file (never held in memory), then into the store in pieces. Only
/// [`Guards::max_uploads`](crate::server::listen::Guards) are read at once.
pub async fn upload(
    State(st): State<AppState>,
    Path(id): Path<String>,
    RawQuery(q): RawQuery,
    headers: HeaderMap,
    body: Body,
) -> ApiResult<Json<Id>> {
    let t = token(q.as_deref());
    let (aid, tok) = (id.clone(), t.clone());
    read(&st.store, move |c| mutate::check_upload(c, &aid, &tok)).await?;
    let announced = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if announced.is_some_and(|n| n > MAX_UPLOAD as u64) {
        return Err(too_large());
    }
    let Ok(_permit) = st.uploads.clone().try_acquire_owned() else {
        return Err(ApiError::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "Too many uploads at once; try again in a few seconds",
        ));
    };
    let dir = st.store.path().parent().map(std::path::Path::to_path_buf);
    let (file, len) = spool(body, dir).await?;
    let aid = id.clone();
    write(&st.store, move |c| {
        let mut file = std::io::BufReader::new(file);
        mutate::store_upload_from(c, &aid, &t, &mut file, len)
    })
    .await?;
    Ok(Json(Id { id }))
}

fn too_large() -> ApiError {
    ApiError::new(
        StatusCode::PAYLOAD_TOO_LARGE,
        format!("The file is larger than the {} MiB limit", MAX_UPLOAD >> 20),
    )
}

/// Writes `body` to an anonymous temporary file (next to the database when it has a folder)
/// and rewinds it: the file and its length.
async fn spool(body: Body, dir: Option<std::path::PathBuf>) -> ApiResult<(std::fs::File, u64)> {
    use futures::StreamExt;
    use tokio::io::{AsyncSeekExt, AsyncWriteExt};
    let temp = move || match dir.filter(|d| !d.as_os_str().is_empty()) {
        Some(d) => tempfile::tempfile_in(d),
        None => tempfile::tempfile(),
    };
    let io = |e: std::io::Error| ApiError::internal(format!("Could not spool the upload: {e}"));
    let file = tokio::task::spawn_blocking(temp)
        .await
        .map_err(|_| ApiError::internal("Could not spool the upload"))?
        .map_err(io)?;
    let mut out = tokio::io::BufWriter::with_capacity(256 * 1024, tokio::fs::File::from_std(file));
    let mut len = 0u64;
    let mut chunks = body.into_data_stream();
    while let Some(chunk) = chunks.next().await {
        let chunk =
            chunk.map_err(|e| ApiError::bad_request(format!("Could not read the upload: {e}")))?;
        len += chunk.len() as u64;
        if len > MAX_UPLOAD as u64 {
            return Err(too_large());
        }
        out.write_all(&chunk).await.map_err(io)?;
    }
    out.flush().await.map_err(io)?;
    let mut file = out.into_inner();
    file.rewind().await.map_err(io)?;
    let file = file.into_std().await;
    Ok((file, len))
}

/// `Content-Disposition` naming the file: an ASCII fallback, and the name itself percent-encoded
/// (RFC 5987) so a non-ASCII name arrives intact.
pub fn disposition(name: &str) -> String {
    let ascii: String = name
        .chars()
        .map(|c| if c.is_ascii_graphic() && c != '"' && c != '\\' || c == ' ' { c } else { '_' })
        .collect();
    let encoded: String = name
        .bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"!#$&+-.^_`|~".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect();
    format!("attachment; filename=\"{ascii}\"; filename*=UTF-8''{encoded}")
}

pub async fn download(
    State(st): State<AppState>,
    Path(id): Path<String>,
    RawQuery(q): RawQuery,
) -> ApiResult<Response> {
    let t = token(q.as_deref());
    let d = read(&st.store, move |c| mutate::download(c, &id, &t)).await?;
    Ok((
        [
            (header::CONTENT_TYPE, d.content_type),
            (header::CONTENT_DISPOSITION, disposition(&d.name)),
        ],
        d.data,
    )
        .into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dispositions_keep_any_name_and_stay_one_header_line() {
        assert_eq!(
            disposition("scope.csv"),
            "attachment; filename=\"scope.csv\"; filename*=UTF-8''scope.csv"
        );
        let d = disposition("Prüfbericht \"v2\".pdf");
        assert!(d.contains("filename=\"Pr_fbericht _v2_.pdf\""), "{d}");
        assert!(d.contains("filename*=UTF-8''Pr%C3%BCfbericht%20%22v2%22.pdf"), "{d}");
        assert!(axum::http::HeaderValue::from_str(&d).is_ok());
    }
}
