//! `tofui runs ls|get|create`: the API for scripts, with the dashboard's key, profiles,
//! config, URL rules and filter language. No terminal needed, never a prompt. Exit codes: 0
//! done, 1 the server or the network failed (the message says which), 2 bad usage or input.

mod create;
mod get;
mod ls;
mod table;

use std::time::Duration;

use color_eyre::eyre::eyre;

use crate::cli::{Cli, RunsCommand};
use crate::config;
use crate::dashboard::connect;
use crate::worker::{ApiClient, ClientError};

/// Why a command stopped, and so its exit code.
#[derive(Debug)]
pub enum Failure {
    /// Bad usage or bad input (exit 2): nothing was sent, or the server named the input.
    Usage(String),
    /// The server or the network failed (exit 1).
    Remote(String),
    /// stdout was closed (`| head`): the reader has what it wanted (exit 0).
    Closed,
}

impl Failure {
    pub fn code(&self) -> i32 {
        match self {
            Failure::Usage(_) => 2,
            Failure::Remote(_) => 1,
            Failure::Closed => 0,
        }
    }
}

impl From<std::io::Error> for Failure {
    fn from(e: std::io::Error) -> Self {
        if e.kind() == std::io::ErrorKind::BrokenPipe {
            Failure::Closed
        } else {
            Failure::Remote(format!("cannot write the output: {e}"))
        }
    }
}

/// A client error in words that say whether the server or the network failed.
pub(crate) fn remote(url: &str, e: ClientError) -> Failure {
    match e {
        ClientError::NoMatch(m) => Failure::Usage(m),
        ClientError::Config(m) => Failure::Usage(m),
        ClientError::Unreachable(m) => {
            Failure::Remote(format!("the network failed: cannot reach {url}: {m}"))
        }
        ClientError::Timeout(s) => {
            Failure::Remote(format!("the network failed: {url} did not answer within {s} s"))
        }
        // A 400 names the input (a field, a value): the request was wrong, not the server.
        ClientError::Status { status: 400 | 422, message } => {
            Failure::Usage(format!("the server refused the request: {message}"))
        }
        e => Failure::Remote(format!("the server failed: {e}")),
    }
}

/// Runs `tofui runs …` and says what became of it; the exit code to end with.
pub async fn command(cli: &Cli, action: &RunsCommand) -> i32 {
    match run(cli, action).await {
        Ok(()) | Err(Failure::Closed) => 0,
        Err(f) => {
            if let Failure::Usage(m) | Failure::Remote(m) = &f {
                eprintln!("tofui: {m}");
            }
            f.code()
        }
    }
}

async fn run(cli: &Cli, action: &RunsCommand) -> Result<(), Failure> {
    if cli.readonly && matches!(action, RunsCommand::Create { .. }) {
        return Err(Failure::Usage("--readonly: runs create changes the server; refused".into()));
    }
    let cfg = config::load(&config::path(cli.config.as_deref()));
    // Bad input is found before anything is sent (and before the key is needed).
    let job = match action {
        RunsCommand::Ls(args) => {
            let key = cfg.settings.triage_key.clone();
            let key = key.unwrap_or_else(|| crate::app::triage::DEFAULT_KEY.to_string());
            Job::Ls(Box::new(ls::Plan::new(args, key)?))
        }
        RunsCommand::Get { id, json } => Job::Get(id.clone(), *json),
        RunsCommand::Create { json, reference } => {
            Job::Create(create::read(json, reference.as_deref())?)
        }
    };
    let (client, url, _server) = client(cli, &cfg).await?;
    match job {
        Job::Ls(plan) => plan.run(&client, &url).await,
        Job::Get(id, json) => get::run(&client, &url, &id, json).await,
        Job::Create(body) => create::send(&client, &url, body).await,
    }
}

enum Job {
    Ls(Box<ls::Plan>),
    Get(String, bool),
    Create(serde_json::Value),
}

/// The client for the instance and key the dashboard would use (and the demo server, kept
/// running while it is in use, with `--demo`).
async fn client(
    cli: &Cli,
    cfg: &config::Config,
) -> Result<(ApiClient, String, Option<crate::server::Running>), Failure> {
    let profile = cfg.profile(cli.profile.as_deref()).map_err(Failure::Usage)?.cloned();
    let conn =
        connect(cli, profile.as_ref()).await.map_err(|e| Failure::Usage(format!("{e:#}")))?;
    let mut c = conn.config.ok_or_else(|| {
        Failure::Usage(
            eyre!(
                "no API key: set TOFUPILOT_API_KEY, --api-key-file or a profile's key_env/key_file"
            )
            .to_string(),
        )
    })?;
    // A script waits longer for a slow page than the dashboard does.
    c.timeout = Duration::from_secs(60);
    let client = ApiClient::new(&c).map_err(|e| Failure::Usage(e.to_string()))?;
    Ok((client, conn.session.url, conn.server))
}

/// Tries `f` again when the connection failed (a blip in a long `--all`), up to 3 times;
/// the client itself retries 429 and 5xx answers.
pub(crate) async fn retried<T, F, Fut>(f: F) -> Result<T, ClientError>
where
    F: Fn() -> Fut,
    Fut: std::future::Future<Output = Result<T, ClientError>>,
{
    let mut n = 0;
    loop {
        match f().await {
            Err(e) if e.is_offline() && n < 3 => {
                n += 1;
                tracing::info!(%e, n, "retrying");
                tokio::time::sleep(crate::worker::client::backoff(n)).await;
            }
            other => return other,
        }
    }
}
