//! The client for API v2 beyond runs: units, stations, parts, batches, procedures, versions,
//! and the cross-run lists. Every list decodes its rows one by one (a row it cannot read is
//! counted and described, never fails the page); the cross-run lists say distinctly when the
//! server has no such endpoint (an older self-hosted TofuPilot), so a view can fall back.

use reqwest::Method;
use serde::de::DeserializeOwned;
use serde_json::{Map, Value};

use super::client::{ApiClient, ClientError, Report};
use crate::api::RawPage;
use crate::api::catalog::{
    Batch, Part, ProcedureDetail, Revision, Station, UnitDetail, UnitListRequest, UnitSummary,
    Version,
};
use crate::api::crossrun::{
    LogListRequest, LogRow, MeasurementDetail, MeasurementListRequest, MeasurementRow, PhaseDetail,
    PhaseListRequest, PhaseRow,
};

/// One page of a list.
#[derive(Debug, Clone, PartialEq)]
pub struct Page<T> {
    pub rows: Vec<T>,
    /// Rows that could not be read, each with why.
    pub bad_rows: Vec<String>,
    pub has_more: bool,
    pub next_cursor: Option<i64>,
}

/// Reads a `{data, meta}` page row by row.
pub fn decode_rows<T: DeserializeOwned>(body: &[u8]) -> Result<Page<T>, ClientError> {
    let page: RawPage =
        serde_json::from_slice(body).map_err(|e| ClientError::Decode(e.to_string()))?;
    let mut rows = Vec::with_capacity(page.data.len());
    let mut bad_rows = Vec::new();
    for raw in &page.data {
        match serde_json::from_str::<T>(raw.get()) {
            Ok(r) => rows.push(r),
            Err(e) => bad_rows.push(e.to_string()),
        }
    }
    Ok(Page { rows, bad_rows, has_more: page.meta.has_more, next_cursor: page.meta.next_cursor })
}

fn decode<T: DeserializeOwned>(body: &[u8]) -> Result<T, ClientError> {
    serde_json::from_slice(body).map_err(|e| ClientError::Decode(e.to_string()))
}

/// A 404 from a list endpoint means the endpoint itself is missing.
fn list_missing(e: ClientError, what: &str) -> ClientError {
    match e {
        ClientError::NotFound(_) => ClientError::NotSupported(format!(
            "this TofuPilot server has no {what} list (GET /v2/{what} answered 404)"
        )),
        other => other,
    }
}

impl ApiClient {
    async fn page<T: DeserializeOwned>(
        &self,
        path: &[&str],
        params: &[(&str, String)],
        report: &Report,
    ) -> Result<Page<T>, ClientError> {
        let body = self.call(Method::GET, path, params, report).await?;
        decode_rows(&body)
    }

    async fn one<T: DeserializeOwned>(
        &self,
        path: &[&str],
        report: &Report,
    ) -> Result<T, ClientError> {
        decode(&self.call(Method::GET, path, &[], report).await?)
    }

    pub async fn list_measurements(
        &self,
        req: &MeasurementListRequest,
        report: &Report,
    ) -> Result<Page<MeasurementRow>, ClientError> {
        self.page(&["measurements"], &req.params(), report)
            .await
            .map_err(|e| list_missing(e, "measurements"))
    }

    pub async fn get_measurement(
        &self,
        id: &str,
        report: &Report,
    ) -> Result<MeasurementDetail, ClientError> {
        self.one(&["measurements", id], report).await
    }

    pub async fn list_phases(
        &self,
        req: &PhaseListRequest,
        report: &Report,
    ) -> Result<Page<PhaseRow>, ClientError> {
        self.page(&["phases"], &req.params(), report).await.map_err(|e| list_missing(e, "phases"))
    }

    pub async fn get_phase(&self, id: &str, report: &Report) -> Result<PhaseDetail, ClientError> {
        self.one(&["phases", id], report).await
    }

    pub async fn list_logs(
        &self,
        req: &LogListRequest,
        report: &Report,
    ) -> Result<Page<LogRow>, ClientError> {
        self.page(&["logs"], &req.params(), report).await.map_err(|e| list_missing(e, "logs"))
    }

    pub async fn get_log(&self, id: &str, report: &Report) -> Result<LogRow, ClientError> {
        self.one(&["logs", id], report).await
    }

    pub async fn list_units(
        &self,
        req: &UnitListRequest,
        report: &Report,
    ) -> Result<Page<UnitSummary>, ClientError> {
        self.page(&["units"], &req.params(), report).await
    }

    pub async fn get_unit(&self, serial: &str, report: &Report) -> Result<UnitDetail, ClientError> {
        self.one(&["units", serial], report).await
    }

    /// `PATCH /v2/units/{serial}` with these fields (`metadata` merges; `null` deletes a key).
    pub async fn update_unit(
        &self,
        serial: &str,
        body: &Map<String, Value>,
    ) -> Result<(), ClientError> {
        self.send_json(Method::PATCH, &["units", serial], &[], Some(&Value::Object(body.clone())))
            .await
            .map(|_| ())
    }

    /// Makes `child` a sub-unit of `parent`.
    pub async fn add_child(&self, parent: &str, child: &str) -> Result<(), ClientError> {
        let body = serde_json::json!({ "child_serial_number": child });
        self.send_json(Method::PUT, &["units", parent, "children"], &[], Some(&body))
            .await
            .map(|_| ())
    }

    pub async fn remove_child(&self, parent: &str, child: &str) -> Result<(), ClientError> {
        let q = [("child_serial_number", child.to_string())];
        self.send_json(Method::DELETE, &["units", parent, "children"], &q, None).await.map(|_| ())
    }

    /// An attachment on a unit: its id and the link to PUT the bytes to.
    pub async fn create_unit_attachment(
        &self,
        serial: &str,
        name: &str,
    ) -> Result<(String, String), ClientError> {
        let body = serde_json::json!({ "name": name });
        let answer = self
            .send_json(Method::POST, &["units", serial, "attachments"], &[], Some(&body))
            .await?;
        #[derive(serde::Deserialize)]
        struct Created {
            id: String,
            upload_url: String,
        }
        decode::<Created>(&answer).map(|c| (c.id, c.upload_url))
    }

    pub async fn list_stations(&self, report: &Report) -> Result<Page<Station>, ClientError> {
        self.page(&["stations"], &[("limit", "100".into())], report).await
    }

    pub async fn get_station(&self, id: &str, report: &Report) -> Result<Station, ClientError> {
        self.one(&["stations", id], report).await
    }

    /// The station a station key belongs to (a user key gets 403).
    pub async fn current_station(&self, report: &Report) -> Result<Station, ClientError> {
        self.one(&["stations", "current"], report).await
    }

    pub async fn list_parts(&self, report: &Report) -> Result<Page<Part>, ClientError> {
        self.page(&["parts"], &[("limit", "100".into())], report).await
    }

    pub async fn get_part(&self, number: &str, report: &Report) -> Result<Part, ClientError> {
        self.one(&["parts", number], report).await
    }

    pub async fn get_revision(
        &self,
        part: &str,
        number: &str,
        report: &Report,
    ) -> Result<Revision, ClientError> {
        self.one(&["parts", part, "revisions", number], report).await
    }

    pub async fn list_batches(&self, report: &Report) -> Result<Page<Batch>, ClientError> {
        self.page(&["batches"], &[("limit", "100".into())], report).await
    }

    pub async fn get_batch(&self, number: &str, report: &Report) -> Result<Batch, ClientError> {
        self.one(&["batches", number], report).await
    }

    pub async fn get_procedure(
        &self,
        id: &str,
        report: &Report,
    ) -> Result<ProcedureDetail, ClientError> {
        self.one(&["procedures", id], report).await
    }

    pub async fn get_version(
        &self,
        procedure: &str,
        tag: &str,
        report: &Report,
    ) -> Result<Version, ClientError> {
        self.one(&["procedures", procedure, "versions", tag], report).await
    }
}
