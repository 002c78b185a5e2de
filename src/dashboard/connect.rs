//! Where the dashboard connects: flags, then the environment, then the config's profile; or
//! the embedded demo server.

use std::path::PathBuf;
use std::time::Duration;

use color_eyre::eyre::{Result, WrapErr, eyre};

use crate::app::{Blocked, Session};
use crate::cli::Cli;
use crate::config::Profile;
use crate::server::Running;
use crate::worker::ClientConfig;
use crate::worker::client::DEFAULT_URL;

/// What the dashboard connects to.
pub struct Connection {
    pub config: Option<ClientConfig>,
    pub session: Session,
    /// The embedded server of `--demo`, stopped when the dashboard ends.
    pub server: Option<Running>,
}

fn read_key_file(path: &PathBuf) -> Result<String> {
    let key = std::fs::read_to_string(path)
        .wrap_err_with(|| format!("cannot read the API key file {}", path.display()))?;
    let key = key.trim().to_string();
    if key.is_empty() {
        return Err(eyre!("the API key file {} is empty", path.display()));
    }
    Ok(key)
}

/// Works out the URL and key: flags, then the environment, then the config's profile; with
/// `--demo`, starts the embedded server on a free loopback port.
pub async fn connect(cli: &Cli, profile: Option<&Profile>) -> Result<Connection> {
    let timeout = Duration::from_secs(20);
    if cli.demo {
        let server = crate::serve::start_demo(&mut |m| tracing::info!("{m}"))
            .await
            .wrap_err("cannot start the demo server")?;
        let config = ClientConfig {
            url: server.url.clone(),
            api_key: server.keys.user_key().unwrap_or_default().to_string(),
            ca_cert: None,
            timeout,
        };
        let session = Session { url: server.url.clone(), demo: true, blocked: None };
        return Ok(Connection { config: Some(config), session, server: Some(server) });
    }
    let url = cli
        .url
        .clone()
        .filter(|u| !u.trim().is_empty())
        .or_else(|| profile.and_then(|p| p.url.clone()))
        .unwrap_or_else(|| DEFAULT_URL.to_string());
    let from_env =
        |var: &str| std::env::var(var).ok().map(|k| k.trim().to_string()).filter(|k| !k.is_empty());
    let key = match (&cli.api_key_file, from_env("TOFUPILOT_API_KEY"), profile) {
        (Some(p), _, _) => Some(read_key_file(p)?),
        (None, Some(k), _) => Some(k),
        (None, None, Some(p)) => match (&p.key_file, &p.key_env) {
            (Some(f), _) => Some(read_key_file(f)?),
            (None, Some(var)) => from_env(var),
            (None, None) => None,
        },
        (None, None, None) => None,
    };
    let session = Session {
        url: url.clone(),
        demo: false,
        blocked: if key.is_none() { Some(Blocked::NoKey) } else { None },
    };
    let config =
        key.map(|api_key| ClientConfig { url, api_key, ca_cert: cli.ca_cert.clone(), timeout });
    Ok(Connection { config, session, server: None })
}
