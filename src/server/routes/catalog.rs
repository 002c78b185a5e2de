//! Users and `whoami`; the shared shapes of the catalog routes (one store call per request,
//! in a read or a write transaction).

use axum::Json;
use serde_json::{Map, Value};

use super::{Call, read};
use crate::server::error::ApiResult;
use crate::server::store::people;
use crate::server::store::wire::Id;

/// A JSON object body (the catalog's bodies are small and partly free-form).
pub type Body = crate::server::body::JsonBody<Map<String, Value>>;

/// `{"id": id}`.
pub fn id(id: String) -> Json<Id> {
    Json(Id { id })
}

pub async fn list_users(Call(st, caller): Call) -> ApiResult<Json<Vec<people::User>>> {
    Ok(Json(read(&st.store, move |c| people::list_users(c, &caller)).await?))
}

pub async fn current_user(Call(st, caller): Call) -> ApiResult<Json<people::User>> {
    Ok(Json(read(&st.store, move |c| people::current_user(c, &caller)).await?))
}

pub async fn whoami(Call(st, caller): Call) -> ApiResult<Json<people::WhoAmI>> {
    Ok(Json(read(&st.store, move |c| people::whoami(c, &caller)).await?))
}
