//! Attachments outside a run (`/api/v2/attachments…`) and the upload/download links, which
//! authorise by the token in their URL as the service's pre-signed links do.

use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, header};
use axum::response::{IntoResponse, Response};
use axum::{Extension, Json};
use serde::Deserialize;
use serde_json::{Value, json};

use super::runs::AttachmentBody;
use super::{base_url, read, write};
use crate::server::AppState;
use crate::server::auth::Caller;
use crate::server::body::JsonBody;
use crate::server::error::ApiResult;
use crate::server::store::ids::IdSource;
use crate::server::store::{attachments, mutate, now_ms, render};

/// Largest attachment accepted.
pub const MAX_UPLOAD: usize = 100 * 1024 * 1024;

pub async fn initialize(
    State(st): State<AppState>,
    Extension(caller): Extension<Caller>,
    headers: HeaderMap,
    JsonBody(body): JsonBody<AttachmentBody>,
) -> ApiResult<Json<Value>> {
    let base = base_url(&headers, &st.base_url);
    let a = write(&st.store, move |c| {
        mutate::create_attachment(c, None, &body.name, &caller, now_ms(), &mut IdSource::Random)
    })
    .await?;
    Ok(Json(json!({ "id": a.id, "upload_url": render::download_url(&base, &a.id, &a.token) })))
}

pub async fn finalize(
    State(st): State<AppState>,
    Extension(caller): Extension<Caller>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> ApiResult<Json<Value>> {
    let base = base_url(&headers, &st.base_url);
    let aid = id.clone();
    let token = write(&st.store, move |c| attachments::finalize_as(c, &aid, &caller)).await?;
    Ok(Json(json!({ "url": render::download_url(&base, &id, &token) })))
}

#[derive(Deserialize)]
pub struct Token {
    #[serde(default)]
    token: String,
}

pub async fn upload(
    State(st): State<AppState>,
    Path(id): Path<String>,
    Query(t): Query<Token>,
    body: Bytes,
) -> ApiResult<Json<Value>> {
    let aid = id.clone();
    write(&st.store, move |c| mutate::store_upload(c, &aid, &t.token, &body)).await?;
    Ok(Json(json!({ "id": id })))
}

pub async fn download(
    State(st): State<AppState>,
    Path(id): Path<String>,
    Query(t): Query<Token>,
) -> ApiResult<Response> {
    let d = read(&st.store, move |c| mutate::download(c, &id, &t.token)).await?;
    let disposition = format!("attachment; filename=\"{}\"", d.name.replace(['"', '\\'], "_"));
    Ok((
        [(header::CONTENT_TYPE, d.content_type), (header::CONTENT_DISPOSITION, disposition)],
        d.data,
    )
        .into_response())
}
