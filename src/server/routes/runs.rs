//! `/api/v2/runs…`

use axum::Json;
use axum::extract::Path;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use serde_json::{Map, Value};

use super::Query;
use super::{Call, read, write};
use crate::api::RunSummary;
use crate::api::create::RunCreate;
use crate::server::body::JsonBody;
use crate::server::error::{ApiError, ApiResult};
use crate::server::query::ListQuery;
use crate::server::query::catalog::Ids;
use crate::server::store::create::{CreateCtx, create_run};
use crate::server::store::ids::IdSource;
use crate::server::store::wire::{Id, Listed, Upload};
use crate::server::store::{list, mutate, now_ms, render};

pub async fn list_runs(
    Call(st, caller): Call,
    Query(query): Query<ListQuery>,
) -> ApiResult<Json<Listed<RunSummary>>> {
    Ok(Json(read(&st.store, move |c| Ok(list::list_runs(c, &query, &caller)?)).await?))
}

pub async fn get_run(Call(st, caller): Call, Path(id): Path<String>) -> ApiResult<Response> {
    let (base, store) = (st.base_url.clone(), st.store.clone());
    // Checked and measured first (an error is a plain error answer), then sent as it is read.
    let (ready, checked) = tokio::sync::oneshot::channel();
    let (chunks, body) = tokio::sync::mpsc::unbounded_channel();
    tokio::task::spawn_blocking(move || {
        let conn = store.reader();
        let run = match render::run_detail(&conn, &id, &caller, &base) {
            Ok(run) => run,
            Err(e) => return drop(ready.send(Err(e))),
        };
        if ready.send(Ok(run.content_length())).is_ok() {
            let sent = run.write_chunks(|c| chunks.send(Ok(bytes::Bytes::from(c))).is_ok());
            if let Err(e) = sent {
                tracing::warn!("reading a run's body failed while sending it: {e}");
                let _ = chunks.send(Err(std::io::Error::other(e.to_string())));
            }
        }
    });
    let len =
        checked.await.map_err(|_| ApiError::internal("The request failed inside the server"))??;
    // Fused: the compression layer polls its body once more after its end.
    let body = futures::StreamExt::fuse(futures::stream::unfold(body, |mut rx| async move {
        rx.recv().await.map(|c| (c, rx))
    }));
    let headers = [
        (header::CONTENT_TYPE, "application/json".to_string()),
        (header::CONTENT_LENGTH, len.to_string()),
    ];
    Ok((headers, axum::body::Body::from_stream(body)).into_response())
}

pub async fn create(
    Call(st, caller): Call,
    JsonBody(req): JsonBody<RunCreate>,
) -> ApiResult<Json<Id>> {
    let id = write(&st.store, move |c| {
        let mut ids = IdSource::Random;
        create_run(
            c,
            &req,
            &mut CreateCtx { caller: &caller, now_ms: now_ms(), ids: &mut ids, as_server: false },
        )
    })
    .await?;
    Ok(Json(Id { id }))
}

pub async fn delete(
    Call(st, caller): Call,
    Query(Ids { ids }): Query<Ids>,
) -> ApiResult<Json<Id<Vec<String>>>> {
    let deleted = write(&st.store, move |c| mutate::delete_runs(c, &ids, &caller)).await?;
    Ok(Json(Id { id: deleted }))
}

#[derive(Deserialize)]
pub struct UpdateBody {
    #[serde(default)]
    attachments: Option<Vec<String>>,
}

pub async fn update(
    Call(st, caller): Call,
    Path(id): Path<String>,
    JsonBody(body): JsonBody<UpdateBody>,
) -> ApiResult<Json<Id>> {
    let run_id = id.clone();
    write(&st.store, move |c| match body.attachments {
        Some(list) => mutate::link_attachments(c, &run_id, &list, &caller),
        None => render::find_run(c, &run_id, &caller).map(|_| ()),
    })
    .await?;
    Ok(Json(Id { id }))
}

#[derive(Deserialize)]
pub struct MetadataBody {
    #[serde(default)]
    metadata: Option<Map<String, Value>>,
}

pub async fn update_metadata(
    Call(st, caller): Call,
    Path(id): Path<String>,
    JsonBody(body): JsonBody<MetadataBody>,
) -> ApiResult<Json<Id>> {
    let run_id = id.clone();
    write(&st.store, move |c| match body.metadata {
        Some(patch) => mutate::update_metadata(c, &run_id, &patch, &caller),
        None => render::find_run(c, &run_id, &caller).map(|_| ()),
    })
    .await?;
    Ok(Json(Id { id }))
}

#[derive(Deserialize)]
pub struct AttachmentBody {
    pub name: String,
}

pub async fn create_attachment(
    Call(st, caller): Call,
    Path(id): Path<String>,
    JsonBody(body): JsonBody<AttachmentBody>,
) -> ApiResult<Json<Upload>> {
    let base = st.base_url.clone();
    let a = write(&st.store, move |c| {
        mutate::create_attachment(
            c,
            Some(&id),
            &body.name,
            &caller,
            now_ms(),
            &mut IdSource::Random,
        )
    })
    .await?;
    let upload_url = render::download_url(&base, &a.id, &a.token);
    Ok(Json(Upload { id: a.id, upload_url }))
}
