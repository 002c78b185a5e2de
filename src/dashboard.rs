//! The dashboard: connect (or start the demo server), then one event loop that selects over
//! terminal events, worker answers and a tick; drains what is pending, updates, and renders
//! once.

use std::path::PathBuf;
use std::time::Duration;

use chrono::{FixedOffset, Local, Offset, Utc};
use color_eyre::eyre::{Result, WrapErr, eyre};
use crossterm::event::{Event, EventStream};
use futures::StreamExt;
use tokio::sync::mpsc::{UnboundedReceiver, unbounded_channel};

use crate::app::{App, Blocked, Effect, Msg, Session};
use crate::cli::Cli;
use crate::config::{self, Profile};
use crate::server::Running;
use crate::terminal;
use crate::ui;
use crate::ui::theme::Palette;
use crate::worker::{self, ApiClient, ClientConfig, WorkerResponse, client::DEFAULT_URL};

/// Where views are written back.
pub struct Saving {
    pub path: PathBuf,
    pub profile: Option<String>,
}

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

pub fn now_ms() -> i64 {
    Utc::now().timestamp_millis()
}

/// Runs the dashboard until the user quits or a signal arrives.
pub async fn run(cli: Cli) -> Result<()> {
    let config_path = config::path(cli.config.as_deref());
    let config = config::load(&config_path);
    for p in config.problem_lines() {
        tracing::warn!("config: {p}");
    }
    let profile = config.profile(cli.profile.as_deref()).map_err(|e| eyre!(e))?.cloned();
    let conn = connect(&cli, profile.as_ref()).await?;
    // Building the client checks the URL and --ca-cert before the screen changes.
    let client = match &conn.config {
        Some(c) => Some(ApiClient::new(c).map_err(|e| eyre!("{e}"))?),
        None => None,
    };
    let tz = Local::now().offset().fix();
    let size = crossterm::terminal::size().unwrap_or((80, 24));
    let settings = &config.settings;
    let tz = if settings.time_zone.as_deref() == Some("utc") {
        FixedOffset::east_opt(0).unwrap_or(tz)
    } else {
        tz
    };
    let mut app = App::new(conn.session.clone(), now_ms(), tz, size);
    app.no_color = cli.no_color
        || std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty())
        || settings.theme.as_deref() == Some("none");
    app.palette = Palette::from_config(settings.theme.as_deref(), &settings.colors);
    app.absolute_dates = settings.date_format.as_deref() == Some("absolute");
    let views = match profile
        .as_ref()
        .map(|p| p.views.clone())
        .filter(|v| !v.is_empty())
        .or_else(|| Some(settings.views.clone()).filter(|v| !v.is_empty()))
    {
        Some(v) => v,
        None => config::default_views(),
    };
    app.set_views(&views);
    let mut problems = config.problem_lines();
    for (line, msg) in app.keymap.apply_overrides(&settings.keys) {
        let p = format!("{}:{line}: {msg}", config.path.display());
        tracing::warn!("config: {p}");
        problems.push(p);
    }
    app.config_problems = problems;
    if let Some(dir) = settings.download_dir.clone().filter(|d| d.is_dir()) {
        app.download_dir = dir;
    }
    if let Some(s) = settings.live_seconds {
        app.live_every_ms = s as i64 * 1000;
    }
    let saving =
        Saving { path: config.path.clone(), profile: profile.as_ref().map(|p| p.name.clone()) };
    if cli.readonly {
        app.set_readonly();
    }
    if let Some(dir) = &cli.download_dir {
        if !dir.is_dir() {
            return Err(eyre!("--download-dir {} is not a directory", dir.display()));
        }
        app.download_dir = dir.clone();
    }
    if let Some(s) = cli.live {
        app.set_live(Some(s as i64 * 1000));
    }
    let (resp_tx, resp_rx) = unbounded_channel();
    let worker_tx = client.map(|c| worker::spawn(c, resp_tx));

    let mut term = terminal::setup().wrap_err("cannot set up the terminal")?;
    let _guard = terminal::Guard;
    let result = event_loop(&mut term, &mut app, worker_tx, resp_rx, &saving).await;
    drop(_guard);
    if let Some(server) = conn.server {
        server.stop().await;
    }
    result
}

async fn event_loop(
    term: &mut terminal::Term,
    app: &mut App,
    worker_tx: Option<tokio::sync::mpsc::UnboundedSender<crate::worker::WorkerRequest>>,
    mut resp_rx: UnboundedReceiver<WorkerResponse>,
    saving: &Saving,
) -> Result<()> {
    let mut events = EventStream::new();
    let mut signals = Signals::new();
    let mut pending: Vec<Msg> = Vec::new();
    let mut effects = app.start();
    // A test seam: `TOFUI_TEST_PANIC_AFTER_MS` makes the loop panic after that long, so the
    // end-to-end tests can prove a panic leaves the terminal usable.
    let panic_at = std::env::var("TOFUI_TEST_PANIC_AFTER_MS")
        .ok()
        .and_then(|v| v.parse::<u64>().ok())
        .map(|ms| std::time::Instant::now() + Duration::from_millis(ms));
    loop {
        if panic_at.is_some_and(|t| std::time::Instant::now() >= t) {
            panic!("TOFUI_TEST_PANIC_AFTER_MS: a deliberate panic");
        }
        // Carry out effects; quit ends the loop.
        for fx in effects.drain(..) {
            match fx {
                Effect::Quit => return Ok(()),
                Effect::Send(req) => {
                    if let Some(tx) = &worker_tx {
                        let _ = tx.send(req);
                    }
                }
                Effect::Copy(text) => {
                    let _ = terminal::copy(&text);
                }
                Effect::SaveViews(entries) => {
                    let r = config::save_views(&saving.path, saving.profile.as_deref(), &entries)
                        .map(|_| saving.path.display().to_string());
                    pending.push(Msg::ViewsSaved(r));
                }
                Effect::ListDir(text) => {
                    let candidates = complete_path(&text);
                    pending.push(Msg::Completions { text, candidates });
                }
            }
        }
        // A synchronized update: the terminal shows the frame whole, never half-drawn, even
        // over a slow link.
        crossterm::queue!(term.backend_mut(), crossterm::terminal::BeginSynchronizedUpdate)?;
        term.draw(|f| ui::render(app, f))?;
        crossterm::execute!(term.backend_mut(), crossterm::terminal::EndSynchronizedUpdate)?;

        let tick = if app.wants_fast_tick() { 100 } else { 1000 };
        // Messages the effects produced (path completions) are handled without waiting.
        if pending.is_empty() {
            tokio::select! {
            ev = events.next() => match ev {
                Some(Ok(ev)) => pending.push(to_msg(ev)),
                Some(Err(e)) => return Err(e.into()),
                None => return Ok(()),
            },
            Some(resp) = resp_rx.recv() => pending.push(Msg::Worker(resp)),
            _ = tokio::time::sleep(Duration::from_millis(tick)) => pending.push(Msg::Tick),
            _ = signals.recv() => return Ok(()),
            }
        }
        // Drain whatever else is already waiting, then render once.
        while let Ok(resp) = resp_rx.try_recv() {
            pending.push(Msg::Worker(resp));
        }
        // Polled with this task's waker (not `now_or_never`), so a later event still wakes us.
        while let std::task::Poll::Ready(Some(Ok(ev))) = futures::poll!(events.next()) {
            pending.push(to_msg(ev));
        }
        let now = now_ms();
        for msg in pending.drain(..) {
            effects.extend(app.update(msg, now));
        }
    }
}

/// Paths that start with `text`: entries of its directory whose names start with the part
/// after the last `/`; directories end in `/`. Hidden entries only when asked for with a dot.
pub fn complete_path(text: &str) -> Vec<String> {
    let (dir, prefix) = match text.rfind('/') {
        Some(i) => (&text[..=i], &text[i + 1..]),
        None => ("", text),
    };
    let read = if dir.is_empty() { std::fs::read_dir(".") } else { std::fs::read_dir(dir) };
    let Ok(entries) = read else { return Vec::new() };
    let mut out: Vec<String> = entries
        .filter_map(|e| e.ok())
        .filter_map(|e| {
            let name = e.file_name().to_string_lossy().to_string();
            if !name.starts_with(prefix) || (name.starts_with('.') && !prefix.starts_with('.')) {
                return None;
            }
            let slash = if e.file_type().is_ok_and(|t| t.is_dir()) { "/" } else { "" };
            Some(format!("{dir}{name}{slash}"))
        })
        .collect();
    out.sort();
    out.truncate(200);
    out
}

fn to_msg(ev: Event) -> Msg {
    match ev {
        Event::Key(k) => Msg::Key(k),
        Event::Mouse(m) => Msg::Mouse(m),
        Event::Resize(w, h) => Msg::Resize(w, h),
        _ => Msg::Tick,
    }
}

/// SIGHUP and SIGTERM end the dashboard the normal way, restoring the terminal.
struct Signals {
    #[cfg(unix)]
    hup: Option<tokio::signal::unix::Signal>,
    #[cfg(unix)]
    term: Option<tokio::signal::unix::Signal>,
}

impl Signals {
    fn new() -> Signals {
        #[cfg(unix)]
        {
            use tokio::signal::unix::{SignalKind, signal};
            Signals {
                hup: signal(SignalKind::hangup()).ok(),
                term: signal(SignalKind::terminate()).ok(),
            }
        }
        #[cfg(not(unix))]
        Signals {}
    }

    async fn recv(&mut self) {
        #[cfg(unix)]
        {
            let hup = async {
                match self.hup.as_mut() {
                    Some(s) => {
                        s.recv().await;
                    }
                    None => std::future::pending().await,
                }
            };
            let term = async {
                match self.term.as_mut() {
                    Some(s) => {
                        s.recv().await;
                    }
                    None => std::future::pending().await,
                }
            };
            tokio::select! { _ = hup => {}, _ = term => {} }
        }
        #[cfg(not(unix))]
        std::future::pending::<()>().await
    }
}

#[cfg(test)]
mod tests {
    use super::complete_path;

    #[test]
    fn paths_complete_from_their_directory() {
        let dir = tempfile::tempdir().expect("dir");
        for f in ["board-photo.jpg", "board-scan.pdf", "notes.txt", ".hidden"] {
            std::fs::write(dir.path().join(f), b"x").expect("write");
        }
        std::fs::create_dir(dir.path().join("boards")).expect("dir");
        let base = format!("{}/", dir.path().display());
        let got = complete_path(&format!("{base}board"));
        assert_eq!(
            got,
            vec![
                format!("{base}board-photo.jpg"),
                format!("{base}board-scan.pdf"),
                format!("{base}boards/")
            ]
        );
        assert_eq!(complete_path(&base).len(), 4, "hidden files only when asked for");
        assert_eq!(complete_path(&format!("{base}.h")), vec![format!("{base}.hidden")]);
        assert!(complete_path("/nonexistent-dir/x").is_empty());
    }
}
