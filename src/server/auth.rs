//! Bearer-key authentication. A user key sees and changes everything; a station key sees only
//! runs of the procedures linked to its station and cannot delete.

use std::collections::HashMap;
use std::sync::{Arc, PoisonError, RwLock};

use axum::extract::{Request, State};
use axum::http::{StatusCode, header};
use axum::middleware::Next;
use axum::response::Response;

use super::error::ApiError;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Caller {
    User { user_id: String },
    Station { station_id: String },
}

impl Caller {
    pub fn station_id(&self) -> Option<&str> {
        match self {
            Caller::Station { station_id } => Some(station_id),
            Caller::User { .. } => None,
        }
    }

    pub fn user_id(&self) -> Option<&str> {
        match self {
            Caller::User { user_id } => Some(user_id),
            Caller::Station { .. } => None,
        }
    }
}

/// Keys known to the server, by hash: loaded at start, and a key revoked while it runs
/// (its station removed) is dropped at once, so it fails from the next request on. Only this
/// server writes the keys of its database while it runs.
#[derive(Debug, Default)]
pub struct KeyRing {
    by_hash: RwLock<HashMap<String, Caller>>,
}

pub type KeyTable = Arc<KeyRing>;

impl KeyRing {
    pub fn new(by_hash: HashMap<String, Caller>) -> KeyTable {
        Arc::new(KeyRing { by_hash: RwLock::new(by_hash) })
    }

    /// Who the key of hash `hash` belongs to.
    pub fn caller(&self, hash: &str) -> Option<Caller> {
        self.by_hash.read().unwrap_or_else(PoisonError::into_inner).get(hash).cloned()
    }

    /// Forgets the keys of station `id`.
    pub fn revoke_station(&self, id: &str) {
        self.by_hash
            .write()
            .unwrap_or_else(PoisonError::into_inner)
            .retain(|_, c| c.station_id() != Some(id));
    }
}

/// How a key is stored and looked up: never in the clear.
pub fn hash(key: &str) -> String {
    let d = ring::digest::digest(&ring::digest::SHA256, key.as_bytes());
    let hex: String = d.as_ref().iter().map(|b| format!("{b:02x}")).collect();
    format!("sha256:{hex}")
}

/// The first characters of a key, to tell keys apart on the console of the server it was
/// given to (never the key, never stored or answered: see [`fingerprint`]).
pub fn prefix(key: &str) -> String {
    let head: String = key.chars().take(12).collect();
    format!("{head}…")
}

/// What the API shows of a key: the start of its hash (`sha256:1a2b3c4d…`), which tells keys
/// apart and says nothing of the key, however short.
pub fn fingerprint(hash: &str) -> String {
    let head: String = hash.chars().take("sha256:".len() + 8).collect();
    format!("{head}…")
}

pub async fn require_key(
    State(keys): State<KeyTable>,
    mut req: Request,
    next: Next,
) -> Result<Response, ApiError> {
    let header = req.headers().get(header::AUTHORIZATION).and_then(|v| v.to_str().ok());
    let Some(header) = header else {
        return Err(ApiError::new(
            StatusCode::UNAUTHORIZED,
            "Missing API key: send `Authorization: Bearer <key>`",
        ));
    };
    let key = header
        .strip_prefix("Bearer ")
        .or_else(|| header.strip_prefix("bearer "))
        .unwrap_or("")
        .trim();
    let Some(caller) = keys.caller(&hash(key)) else {
        // Never echo the key: it may be a real secret pasted into the wrong place.
        return Err(ApiError::new(StatusCode::UNAUTHORIZED, "Invalid API key"));
    };
    req.extensions_mut().insert(caller);
    Ok(next.run(req).await)
}
