//! Turns the names typed in a filter (procedure, station, operator, user) into the ids the API
//! filters on. A name matches every entry whose name (or email) contains it, ignoring case, or
//! whose id equals it. Answers are kept for the session.

use std::collections::HashMap;
use std::sync::Mutex;

use super::client::{ApiClient, ClientError, Named, Report};
use crate::query::{NameKind, Resolved};

#[derive(Default)]
pub(crate) struct Names {
    known: HashMap<(NameKind, String), Vec<String>>,
    users: Option<Vec<Named>>,
}

fn matches(n: &Named, typed: &str) -> bool {
    let t = typed.to_lowercase();
    n.id == typed
        || n.name.as_deref().is_some_and(|s| s.to_lowercase().contains(&t))
        || n.email.as_deref().is_some_and(|s| s.to_lowercase().contains(&t))
}

fn looks_like_id(s: &str) -> bool {
    s.len() >= 20 && s.chars().all(|c| c.is_ascii_hexdigit() || c == '-')
}

fn what(kind: NameKind) -> &'static str {
    match kind {
        NameKind::Procedure => "procedure",
        NameKind::Station => "station",
        NameKind::Operator => "operator",
        NameKind::User => "user",
    }
}

pub(crate) async fn resolve(
    client: &ApiClient,
    names: &Mutex<Names>,
    wanted: &[(NameKind, String)],
    report: &Report,
) -> Result<Resolved, ClientError> {
    let mut out = Resolved::default();
    for (kind, typed) in wanted {
        let key = (*kind, typed.clone());
        let cached = names.lock().unwrap_or_else(|p| p.into_inner()).known.get(&key).cloned();
        let ids = match cached {
            Some(ids) => ids,
            None => {
                let candidates = match kind {
                    NameKind::Procedure => client.procedures(typed, report).await?,
                    NameKind::Station => client.stations(typed, report).await?,
                    NameKind::Operator | NameKind::User => {
                        let cached_users =
                            names.lock().unwrap_or_else(|p| p.into_inner()).users.clone();
                        match cached_users {
                            Some(u) => u,
                            None => {
                                let u = client.users(report).await?;
                                names.lock().unwrap_or_else(|p| p.into_inner()).users =
                                    Some(u.clone());
                                u
                            }
                        }
                    }
                };
                let mut ids: Vec<String> =
                    candidates.iter().filter(|n| matches(n, typed)).map(|n| n.id.clone()).collect();
                if ids.is_empty() && looks_like_id(typed) {
                    ids.push(typed.clone());
                }
                if ids.is_empty() && *kind != NameKind::Operator {
                    return Err(ClientError::NoMatch(format!(
                        "no {} matches `{typed}`",
                        what(*kind)
                    )));
                }
                names
                    .lock()
                    .unwrap_or_else(|p| p.into_inner())
                    .known
                    .insert(key.clone(), ids.clone());
                ids
            }
        };
        out.ids.insert(key, ids);
    }
    Ok(out)
}
