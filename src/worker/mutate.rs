//! The run mutations (metadata, delete) and the attachment calls (create, upload, finalize,
//! download): sent once, never retried — the user retries, and nothing typed is lost.

use std::time::Duration;

use reqwest::Method;

use super::client::{ApiClient, ClientError, status_error, transport};

impl ApiClient {
    /// `PATCH /v2/runs/{id}/metadata` with just the changes (`null` deletes a key).
    pub async fn update_metadata(
        &self,
        run_id: &str,
        changes: &serde_json::Map<String, serde_json::Value>,
    ) -> Result<(), ClientError> {
        let body = serde_json::json!({ "metadata": changes });
        self.send_json(Method::PATCH, &["runs", run_id, "metadata"], &[], Some(&body))
            .await
            .map(|_| ())
    }

    /// `POST /v2/runs`: the new run's id. The body carries a `client_run_ref`, so a dropped
    /// answer is sent again (up to 3 times): the server answers the run it made, never a
    /// second one.
    pub async fn create_run(&self, body: &serde_json::Value) -> Result<String, ClientError> {
        let mut n = 0;
        let answer = loop {
            match self.send_json(Method::POST, &["runs"], &[], Some(body)).await {
                Err(e) if (e.is_offline() || e.is_transient()) && n < 3 => {
                    n += 1;
                    tokio::time::sleep(super::client::backoff(n)).await;
                }
                other => break other?,
            }
        };
        serde_json::from_slice::<serde_json::Value>(&answer)
            .ok()
            .and_then(|v| v.get("id").and_then(serde_json::Value::as_str).map(str::to_string))
            .ok_or_else(|| ClientError::Decode("the answer holds no run id".into()))
    }

    /// `DELETE /v2/runs?ids=…`, a hundred ids a request: the ids the server deleted. A
    /// request none of whose runs exist (404) is not an error unless none of any request
    /// did; any other error stops there, with what was deleted before it (`Partly`).
    pub async fn delete_runs(&self, ids: &[String]) -> Result<Vec<String>, ClientError> {
        let (mut deleted, mut gone) = (Vec::new(), None);
        for chunk in ids.chunks(super::IDS_PER_REQUEST) {
            match self.delete_chunk(chunk).await {
                Ok(d) => deleted.extend(d),
                Err(ClientError::NotFound(m)) => gone = Some(m),
                Err(e) if deleted.is_empty() => return Err(e),
                Err(e) => return Err(ClientError::Partly { done: deleted, error: Box::new(e) }),
            }
        }
        match gone {
            Some(m) if deleted.is_empty() => Err(ClientError::NotFound(m)),
            _ => Ok(deleted),
        }
    }

    async fn delete_chunk(&self, ids: &[String]) -> Result<Vec<String>, ClientError> {
        let query: Vec<(&str, String)> = ids.iter().map(|i| ("ids", i.clone())).collect();
        let body = self.send_json(Method::DELETE, &["runs"], &query, None).await?;
        #[derive(serde::Deserialize)]
        struct Deleted {
            #[serde(default)]
            id: Vec<String>,
        }
        serde_json::from_slice::<Deleted>(&body)
            .map(|d| d.id)
            .map_err(|e| ClientError::Decode(e.to_string()))
    }

    /// Creates an attachment on a run: its id and the link to PUT the bytes to.
    pub async fn create_attachment(
        &self,
        run_id: &str,
        name: &str,
    ) -> Result<(String, String), ClientError> {
        let body = self
            .send_json(
                Method::POST,
                &["runs", run_id, "attachments"],
                &[],
                Some(&serde_json::json!({ "name": name })),
            )
            .await?;
        #[derive(serde::Deserialize)]
        struct Created {
            id: String,
            upload_url: String,
        }
        serde_json::from_slice::<Created>(&body)
            .map(|c| (c.id, c.upload_url))
            .map_err(|e| ClientError::Decode(e.to_string()))
    }

    /// PUTs bytes to an upload link (no API key: the link authorises itself).
    pub async fn put_upload(
        &self,
        url: &str,
        body: reqwest::Body,
        content_type: &str,
    ) -> Result<(), ClientError> {
        let resp = self
            .http
            .for_url(url)?
            .put(url)
            .header(reqwest::header::CONTENT_TYPE, content_type)
            .body(body)
            .timeout(Duration::from_secs(3600))
            .send()
            .await
            .map_err(|e| transport(&e, self.timeout))?;
        let status = resp.status();
        if status.is_success() {
            return Ok(());
        }
        let bytes = resp.bytes().await.unwrap_or_default();
        Err(status_error(status, &bytes))
    }

    pub async fn finalize_attachment(&self, id: &str) -> Result<(), ClientError> {
        self.send_json(Method::POST, &["attachments", id, "finalize"], &[], None).await.map(|_| ())
    }

    /// Starts a download of an absolute link. No API key is sent: the link authorises itself
    /// (and a storage service would reject a second credential).
    pub async fn open_download(&self, url: &str) -> Result<reqwest::Response, ClientError> {
        let resp = self
            .http
            .for_url(url)?
            .get(url)
            .timeout(Duration::from_secs(3600))
            .send()
            .await
            .map_err(|e| transport(&e, self.timeout))?;
        if !resp.status().is_success() {
            let status = resp.status();
            let body = resp.bytes().await.unwrap_or_default();
            return Err(status_error(status, &body));
        }
        Ok(resp)
    }
}
