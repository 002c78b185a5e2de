//! What the dashboard shows, as plain data: the rows of the runs list and a page of them.
//! The worker builds these from the API's answers and the app keeps them; neither the UI nor
//! the network layer owns them, so `ui` never needs `worker` and `worker` never needs `app`.

mod failure;
mod rows;
mod unit;
mod zone;

pub use failure::FirstFailure;
pub use rows::{NamePool, RunRow};
pub use unit::{TreeUnit, UnitAnswer, UnitData};
pub use zone::Zone;

/// One page of `GET /v2/runs`.
#[derive(Debug, Clone, Default)]
pub struct RunsPage {
    pub rows: Vec<RunRow>,
    pub has_more: bool,
    pub next_cursor: Option<i64>,
}
