//! The values the filter form completes from: the procedures, stations, members (operators),
//! part numbers and batch numbers the server lists (the first 100 of each, asked for at once).
//! A list the key may not read (a station key and the members, 403) or that fails is left
//! empty: completion is a help, never a reason to stop.

use super::{FieldValues, Task, WorkerEvent};

impl Task {
    pub(super) async fn field_values(&self) {
        let names = |v: Vec<super::client::Named>| -> Vec<String> {
            v.into_iter().filter_map(|n| n.name.or(n.email)).collect()
        };
        let (procedures, stations, users, parts, batches) = tokio::join!(
            self.retrying(|c, r| async move { c.procedures("", &r).await }),
            self.retrying(|c, r| async move { c.stations("", &r).await }),
            self.retrying(|c, r| async move { c.users(&r).await }),
            self.retrying(|c, r| async move { c.list_parts(&r).await }),
            self.retrying(|c, r| async move { c.list_batches(&r).await }),
        );
        let values = FieldValues {
            procedures: procedures.map(names).unwrap_or_default(),
            stations: stations.map(names).unwrap_or_default(),
            operators: users.map(names).unwrap_or_default(),
            parts: parts
                .map(|p| p.rows.into_iter().map(|p| p.number).collect())
                .unwrap_or_default(),
            batches: batches
                .map(|p| p.rows.into_iter().map(|b| b.number).collect())
                .unwrap_or_default(),
        };
        self.send(WorkerEvent::FieldValues(Box::new(values)));
    }
}
