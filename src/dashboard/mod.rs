//! The dashboard: connect (or start the demo server), then one event loop that selects over
//! terminal events, worker answers, file answers and a tick; drains what is pending,
//! updates, and renders once. The loop itself does no I/O but the terminal's: the network is
//! the worker's, files are the file worker's.

mod browser;
pub mod cache;
mod connect;
#[cfg(windows)]
mod endsession;
mod files;
mod recovery;
mod signals;

use std::path::Path;
use std::time::Duration;

use chrono::Utc;
use color_eyre::eyre::{Result, WrapErr, eyre};
use crossterm::event::{Event, EventStream};
use futures::StreamExt;
use tokio::sync::mpsc::{UnboundedReceiver, UnboundedSender, unbounded_channel};

pub use connect::{Connection, connect};
pub use files::SessionFiles;

use crate::app::alert::{AlertKind, Alerter};
use crate::app::{App, Effect, Glyphs, Msg, ThemeChoice, glyphs};
use crate::cli::Cli;
use crate::config;
use crate::model::Zone;
use crate::terminal;
use crate::ui;
use crate::worker::{self, ApiClient, WorkerRequest, WorkerResponse};
use files::Job;
use signals::Signals;

pub fn now_ms() -> i64 {
    Utc::now().timestamp_millis()
}

/// Runs the dashboard until the user quits or a signal arrives.
pub async fn run(cli: Cli) -> Result<()> {
    run_with(cli, |_| {}).await
}

/// `run`, calling `before_frame` with the state each frame is about to show. A seam for the
/// tests (see `examples/panic_restore.rs`); the dashboard itself passes nothing.
#[doc(hidden)]
pub async fn run_with(cli: Cli, before_frame: impl FnMut(&App)) -> Result<()> {
    let config_path = config::path(cli.config.as_deref());
    let config = config::load(&config_path);
    for p in config.problem_lines() {
        tracing::warn!("config: {p}");
    }
    let profile = config.profile(cli.profile.as_deref()).map_err(|e| eyre!(e))?.cloned();
    let conn = connect(&cli, profile.as_ref()).await?;
    tracing::info!(url = %conn.session.url, demo = conn.session.demo, "connecting");
    // Building the client checks the URL and --ca-cert before the screen changes.
    let client = match &conn.config {
        Some(c) => Some(ApiClient::new(c).map_err(|e| eyre!("{e}"))?),
        None => None,
    };
    let size = crossterm::terminal::size().unwrap_or((80, 24));
    let settings = &config.settings;
    // The local zone's rules per instant (TZ is honoured), or UTC when asked.
    let tz = if settings.time_zone.as_deref() == Some("utc") { Zone::utc() } else { Zone::Local };
    let mut app = App::new(conn.session.clone(), now_ms(), tz, size);
    let term = std::env::var("TERM").ok();
    let set = app.settings_mut();
    set.glyphs = Glyphs::choose(cli.ascii, settings.symbols.as_deref(), term.as_deref());
    set.no_color = cli.no_color
        || std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty())
        || settings.theme.as_deref() == Some("none")
        || glyphs::term_is_monochrome(term.as_deref());
    set.theme = ThemeChoice { name: settings.theme.clone(), colors: settings.colors.clone() };
    set.absolute_dates = settings.date_format.as_deref() == Some("absolute");
    set.start_dir = std::env::current_dir().map(|p| p.display().to_string()).unwrap_or_default();
    app.set_alerter(Alerter::new(AlertKind::from_config(settings.alert.as_deref())));
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
    for (line, msg) in app.remap_keys(&settings.keys) {
        let p = format!("{}:{line}: {msg}", config.path.display());
        tracing::warn!("config: {p}");
        problems.push(p);
    }
    app.settings_mut().config_problems = problems;
    if let Some(dir) = settings.download_dir.clone().filter(|d| d.is_dir()) {
        app.settings_mut().download_dir = dir;
    }
    if let Some(s) = settings.live_seconds {
        app.settings_mut().live_every_ms = s as i64 * 1000;
    }
    app.settings_mut().run_url =
        profile.as_ref().and_then(|p| p.run_url.clone()).or_else(|| settings.run_url.clone());
    if let Some(k) = settings.triage_key.clone() {
        app.settings_mut().triage.key = k;
    }
    if let Some(p) = settings.triage_presets.clone() {
        app.settings_mut().triage.presets = p;
    }
    // Edits a signal saved last time, for this instance, are offered back.
    let instance = if conn.session.demo { "demo".to_string() } else { conn.session.url.clone() };
    let log = crate::logfile::path(cli.log_file.as_deref());
    let recovery_path = recovery::path(log.parent().unwrap_or(Path::new(".")), &instance);
    if let Some(r) = recovery::read(&recovery_path, &instance) {
        app.offer_recovery(r);
    }
    // Changes saved offline last time, for this instance, wait to be sent.
    let outbox_path = recovery::outbox_path(log.parent().unwrap_or(Path::new(".")), &instance);
    if let Some(file) = recovery::read_outbox(&outbox_path, &instance) {
        app.restore_outbox(crate::app::outbox::Outbox::new(file.entries));
    }
    let session_files = SessionFiles {
        path: config.path.clone(),
        profile: profile.as_ref().map(|p| p.name.clone()),
        recovery: recovery_path.clone(),
        outbox: outbox_path,
        instance: instance.clone(),
    };
    if cli.readonly {
        app.set_readonly();
    }
    if let Some(dir) = &cli.download_dir {
        if !dir.is_dir() {
            return Err(eyre!("--download-dir {} is not a directory", dir.display()));
        }
        app.settings_mut().download_dir = dir.clone();
    }
    if let Some(s) = cli.live {
        app.set_live(Some(s as i64 * 1000));
    }
    app.open_at_start(cli.serial.clone());
    app.settings_mut().can_open_browser = browser::available();
    app.settings_mut().can_copy = terminal::can_copy();
    let (resp_tx, resp_rx) = unbounded_channel();
    let cache = cache::open(&cli, settings, &conn);
    let kept = cache.clone();
    let worker_tx = client.map(|c| worker::spawn_with_cache(c, cache, resp_tx));
    let (files_tx, files_rx) = unbounded_channel();
    let files = files::spawn(session_files, files_tx);

    let mut term = terminal::setup().wrap_err("cannot set up the terminal")?;
    let _guard = terminal::Guard;
    let channels = Channels { worker: worker_tx, answers: resp_rx, files, filed: files_rx };
    let result = event_loop(&mut term, &mut app, channels, before_frame).await;
    // Whatever ended the loop but `q` keeps unsaved edits: a signal, the end of the terminal's
    // input, an error (such as a terminal that went away).
    let ended_by = match &result {
        Ok(Ended::Quit) => None,
        Ok(Ended::Signal(what)) => Some(*what),
        Err(_) => Some("an error"),
    };
    if let Some(what) = ended_by {
        match app.recovery(&instance).map(|r| (recovery::write(&recovery_path, &r), r)) {
            None => tracing::info!("{what} ended tofui (no unsaved edits)"),
            Some((Ok(()), r)) => tracing::info!(
                "{what} ended tofui with unsaved edits ({}); kept in {}",
                r.describe(),
                recovery_path.display()
            ),
            Some((Err(e), _)) => {
                tracing::error!("{what} ended tofui with unsaved edits that could not be kept: {e}")
            }
        }
    }
    drop(_guard);
    // What the worker was keeping is written before the program ends (a second at most).
    if let Some(c) = kept {
        let _ =
            tokio::task::spawn_blocking(move || c.flush(std::time::Duration::from_secs(1))).await;
    }
    if let Some(server) = conn.server {
        server.stop().await;
    }
    result.map(|_| ())
}

/// How the event loop ended.
enum Ended {
    /// `q`.
    Quit,
    /// SIGHUP or SIGTERM; on Windows the console window closed, logoff or shutdown; or the
    /// terminal's input ended (named for the log).
    Signal(&'static str),
}

/// What the loop talks to: the fetch worker and the file worker, each both ways.
struct Channels {
    worker: Option<UnboundedSender<WorkerRequest>>,
    answers: UnboundedReceiver<WorkerResponse>,
    files: UnboundedSender<Job>,
    filed: UnboundedReceiver<Msg>,
}

async fn event_loop(
    term: &mut terminal::Term,
    app: &mut App,
    mut ch: Channels,
    mut before_frame: impl FnMut(&App),
) -> Result<Ended> {
    let mut events = EventStream::new();
    let mut signals = Signals::new();
    let mut pending: Vec<Msg> = Vec::new();
    let mut effects = app.start();
    // A flash's reverse video goes off at this instant.
    let mut unflash: Option<tokio::time::Instant> = None;
    loop {
        // Carry out effects; quit ends the loop.
        for fx in effects.drain(..) {
            match fx {
                Effect::Quit => return Ok(Ended::Quit),
                Effect::WriteOutbox(entries) => {
                    let _ = ch.files.send(Job::WriteOutbox(entries));
                }
                Effect::ForgetEdits => {
                    let _ = ch.files.send(Job::ForgetEdits);
                }
                Effect::Send(req) => {
                    if let Some(tx) = &ch.worker {
                        let _ = tx.send(req);
                    }
                }
                Effect::Copy(text) => {
                    let _ = terminal::copy(&text);
                }
                Effect::Open(url) => browser::open(url),
                Effect::SaveViews(entries) => {
                    let _ = ch.files.send(Job::SaveViews(entries));
                }
                Effect::ListDir(text) => {
                    let _ = ch.files.send(Job::ListDir(text));
                }
                Effect::CheckFiles(paths) => {
                    let _ = ch.files.send(Job::CheckFiles(paths));
                }
                Effect::Export { path, content, overwrite } => {
                    let _ = ch.files.send(Job::Export { path, content, overwrite });
                }
                Effect::Alert(kind) => {
                    let _ = terminal::alert(kind == AlertKind::Bell, true);
                    if kind == AlertKind::Flash {
                        unflash = Some(tokio::time::Instant::now() + Duration::from_millis(150));
                    }
                }
            }
        }
        before_frame(app);
        // A synchronized update: the terminal shows the frame whole, never half-drawn, even
        // over a slow link.
        crossterm::queue!(term.backend_mut(), crossterm::terminal::BeginSynchronizedUpdate)?;
        term.draw(|f| ui::render(app, f))?;
        crossterm::execute!(term.backend_mut(), crossterm::terminal::EndSynchronizedUpdate)?;

        let tick = if app.wants_fast_tick() { 100 } else { 1000 };
        tokio::select! {
            ev = events.next() => match ev {
                Some(Ok(ev)) => pending.push(to_msg(ev)),
                Some(Err(e)) => return Err(e.into()),
                None => return Ok(Ended::Signal("the terminal's end of input")),
            },
            Some(resp) = ch.answers.recv() => pending.push(Msg::Worker(resp)),
            Some(msg) = ch.filed.recv() => pending.push(msg),
            _ = tokio::time::sleep(Duration::from_millis(tick)) => pending.push(Msg::Tick),
            what = signals.recv() => return Ok(Ended::Signal(what)),
            _ = tokio::time::sleep_until(unflash.unwrap_or_else(tokio::time::Instant::now)),
                if unflash.is_some() =>
            {
                unflash = None;
                let _ = terminal::alert(false, false);
            }
        }
        // Drain whatever else is already waiting, then render once.
        while let Ok(resp) = ch.answers.try_recv() {
            pending.push(Msg::Worker(resp));
        }
        while let Ok(msg) = ch.filed.try_recv() {
            pending.push(msg);
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

fn to_msg(ev: Event) -> Msg {
    match ev {
        Event::Key(k) => Msg::Key(k),
        Event::Mouse(m) => Msg::Mouse(m),
        Event::Resize(w, h) => Msg::Resize(w, h),
        _ => Msg::Tick,
    }
}
