//! An opened run. Until the detail view lands, it shows the run's header.

use crate::api::RunDetail;
use crate::worker::{ClientError, RequestId};

#[derive(Debug, Clone)]
pub enum Load<T> {
    Loading { since_ms: i64 },
    Ready(T),
    Failed(String),
}

#[derive(Debug, Clone)]
pub struct RunView {
    pub run_id: String,
    pub pending: Option<RequestId>,
    pub detail: Load<Box<RunDetail>>,
    pub retry: Option<String>,
}

impl RunView {
    pub fn apply(&mut self, result: Result<Box<RunDetail>, ClientError>) {
        self.pending = None;
        self.retry = None;
        self.detail = match result {
            Ok(d) => Load::Ready(d),
            Err(e) => Load::Failed(e.to_string()),
        };
    }
}
