//! Users and `whoami`; the shared shapes of the catalog routes (one store call per request,
//! in a read or a write transaction).

use axum::extract::State;
use axum::{Extension, Json};
use serde_json::{Map, Value, json};

use super::read;
use crate::server::AppState;
use crate::server::auth::Caller;
use crate::server::error::{ApiError, ApiResult};
use crate::server::store::catalog::{self, ORG};

/// A JSON object body (the catalog's bodies are small and partly free-form).
pub type Body = crate::server::body::JsonBody<Map<String, Value>>;

/// `{"id": id}`.
pub fn id(id: String) -> Json<Value> {
    Json(json!({ "id": id }))
}

pub async fn list_users(
    State(st): State<AppState>,
    Extension(caller): Extension<Caller>,
) -> ApiResult<Json<Value>> {
    caller.require_user("list the organization's users")?;
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
                let (email, name) = catalog::user(c, user_id)?
                    .ok_or_else(|| ApiError::not_found("User not found"))?;
                json!({"type": "user", "user": {"id": user_id, "email": email, "name": name}, "station": null, "organization": org})
            }
            Caller::Station { station_id } => {
                let name = catalog::station_name(c, station_id)?.unwrap_or_default();
                json!({"type": "station", "user": null, "station": {"id": station_id, "name": name}, "organization": org})
            }
        })
    })
    .await?;
    Ok(Json(body))
}
