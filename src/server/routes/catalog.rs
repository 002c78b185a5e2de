//! Procedures, parts, revisions, stations, users and `whoami`.

use axum::extract::{Path, RawQuery, State};
use axum::{Extension, Json};
use serde::Deserialize;
use serde_json::{Map, Value, json};

use super::{read, write};
use crate::server::AppState;
use crate::server::auth::Caller;
use crate::server::body::JsonBody;
use crate::server::error::{ApiError, ApiResult};
use crate::server::store::catalog::{self, ORG, Page};
use crate::server::store::filter::{parse_int, parse_time};
use crate::server::store::ids::IdSource;
use crate::server::store::now_ms;

struct Common {
    page: Page,
    search: Option<String>,
    created_after: Option<i64>,
    created_before: Option<i64>,
    procedure_ids: Vec<String>,
}

fn common(raw: Option<String>) -> Result<Common, ApiError> {
    let mut c = Common {
        page: Page { limit: 50, cursor: 0 },
        search: None,
        created_after: None,
        created_before: None,
        procedure_ids: vec![],
    };
    for (k, v) in form_urlencoded::parse(raw.as_deref().unwrap_or("").as_bytes()) {
        match k.as_ref() {
            "limit" => c.page.limit = parse_int("limit", &v, 1, 100)?,
            "cursor" => c.page.cursor = parse_int("cursor", &v, 0, i64::MAX)?,
            "search_query" => c.search = Some(v.into_owned()).filter(|s| !s.is_empty()),
            "created_after" => c.created_after = Some(parse_time("created_after", &v)?),
            "created_before" => c.created_before = Some(parse_time("created_before", &v)?),
            "procedure_ids" => c.procedure_ids.push(v.into_owned()),
            _ => {}
        }
    }
    Ok(c)
}

pub async fn list_procedures(
    State(st): State<AppState>,
    RawQuery(q): RawQuery,
) -> ApiResult<Json<Value>> {
    let c = common(q)?;
    Ok(Json(
        read(&st.store, move |conn| {
            Ok(catalog::list_procedures(
                conn,
                &c.page,
                c.search.as_deref(),
                c.created_after,
                c.created_before,
            )?)
        })
        .await?,
    ))
}

#[derive(Deserialize)]
pub struct NameBody {
    name: String,
}

pub async fn create_procedure(
    State(st): State<AppState>,
    Extension(caller): Extension<Caller>,
    JsonBody(b): JsonBody<NameBody>,
) -> ApiResult<Json<Value>> {
    caller.require_user("create procedures")?;
    let id = write(&st.store, move |c| {
        catalog::create_procedure(
            c,
            b.name.trim(),
            caller.user_id(),
            now_ms(),
            &mut IdSource::Random,
        )
    })
    .await?;
    Ok(Json(json!({ "id": id })))
}

pub async fn get_procedure(
    State(st): State<AppState>,
    Path(id): Path<String>,
) -> ApiResult<Json<Value>> {
    Ok(Json(read(&st.store, move |c| catalog::get_procedure(c, &id)).await?))
}

#[derive(Deserialize)]
pub struct PartBody {
    number: String,
    #[serde(default)]
    name: Option<String>,
    #[serde(default)]
    revision_number: Option<String>,
    #[serde(default)]
    metadata: Option<Map<String, Value>>,
}

pub async fn create_part(
    State(st): State<AppState>,
    JsonBody(b): JsonBody<PartBody>,
) -> ApiResult<Json<Value>> {
    let number = b.number.trim().to_string();
    if number.is_empty() {
        return Err(ApiError::field(&crate::path!["number"], "must not be empty"));
    }
    crate::server::store::create::check_metadata(b.metadata.as_ref(), "metadata")?;
    let id = write(&st.store, move |c| {
        if catalog::find_part(c, &number)?.is_some() {
            return Err(ApiError::conflict(format!("A part numbered `{number}` already exists")));
        }
        let meta = Value::Object(b.metadata.unwrap_or_default());
        let rev = b.revision_number.as_deref().map(str::trim).filter(|r| !r.is_empty());
        Ok(catalog::insert_part(c, &number, b.name.as_deref(), rev, &meta, &mut IdSource::Random)?
            .id)
    })
    .await?;
    Ok(Json(json!({ "id": id })))
}

#[derive(Deserialize)]
pub struct RevisionBody {
    number: String,
}

pub async fn create_revision(
    State(st): State<AppState>,
    Path(part): Path<String>,
    JsonBody(b): JsonBody<RevisionBody>,
) -> ApiResult<Json<Value>> {
    let id = write(&st.store, move |c| {
        catalog::create_revision(c, &part, b.number.trim(), &mut IdSource::Random)
    })
    .await?;
    Ok(Json(json!({ "id": id })))
}

pub async fn list_stations(
    State(st): State<AppState>,
    RawQuery(q): RawQuery,
) -> ApiResult<Json<Value>> {
    let c = common(q)?;
    Ok(Json(
        read(&st.store, move |conn| {
            Ok(catalog::list_stations(conn, &c.page, c.search.as_deref(), &c.procedure_ids)?)
        })
        .await?,
    ))
}

pub async fn list_users(State(st): State<AppState>) -> ApiResult<Json<Value>> {
    Ok(Json(read(&st.store, |c| Ok(catalog::list_users(c)?)).await?))
}

pub async fn current_user(
    State(st): State<AppState>,
    Extension(caller): Extension<Caller>,
) -> ApiResult<Json<Value>> {
    let Some(id) = caller.user_id().map(str::to_string) else {
        return Err(ApiError::forbidden("A station key has no user; use GET /v2/stations/current"));
    };
    let (email, name) = read(&st.store, {
        let id = id.clone();
        move |c| catalog::user(c, &id)?.ok_or_else(|| ApiError::not_found("User not found"))
    })
    .await?;
    Ok(Json(json!({"id": id, "email": email, "name": name, "image": null, "banned": false})))
}

pub async fn whoami(
    State(st): State<AppState>,
    Extension(caller): Extension<Caller>,
) -> ApiResult<Json<Value>> {
    let org = json!({"id": ORG.0, "slug": ORG.1, "name": ORG.2});
    let body = read(&st.store, move |c| {
        Ok(match &caller {
            Caller::User { user_id } => {
                let (email, name) = catalog::user(c, user_id)?.ok_or_else(|| ApiError::not_found("User not found"))?;
                json!({"type": "user", "user": {"id": user_id, "email": email, "name": name}, "organization": org})
            }
            Caller::Station { station_id } => {
                let name = catalog::station_name(c, station_id)?.unwrap_or_default();
                json!({"type": "station", "station": {"id": station_id, "name": name}, "organization": org})
            }
        })
    })
    .await?;
    Ok(Json(body))
}
