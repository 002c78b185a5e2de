//! Users and `whoami`; the shared shapes of the catalog routes (one store call per request,
//! in a read or a write transaction).

use axum::Json;
use serde_json::{Map, Value, json};

use super::{Call, read};
use crate::server::auth::Caller;
use crate::server::error::{ApiError, ApiResult};
use crate::server::store::catalog::{self, ORG};
use crate::server::store::people;

/// A JSON object body (the catalog's bodies are small and partly free-form).
pub type Body = crate::server::body::JsonBody<Map<String, Value>>;

/// `{"id": id}`.
pub fn id(id: String) -> Json<Value> {
    Json(json!({ "id": id }))
}

pub async fn list_users(Call(st, caller): Call) -> ApiResult<Json<Value>> {
    Ok(Json(read(&st.store, move |c| people::list_users(c, &caller)).await?))
}

pub async fn current_user(Call(st, caller): Call) -> ApiResult<Json<Value>> {
    Ok(Json(read(&st.store, move |c| people::current_user(c, &caller)).await?))
}

pub async fn whoami(Call(st, caller): Call) -> ApiResult<Json<Value>> {
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
