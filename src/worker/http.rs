//! The HTTP clients behind [`ApiClient`](super::ApiClient), built on first use: an https
//! instance's CA roots are loaded off the first frame's path, an http one's never.

use std::time::Duration;

use super::ClientError;

/// What the HTTP client is built from.
#[derive(Clone)]
struct Plan {
    loopback: bool,
    https: bool,
    certs: Vec<reqwest::Certificate>,
    /// Ask for compression on loopback too.
    compress_loopback: bool,
}

impl Plan {
    /// `https`: with the CA roots (the system's and `--ca-cert`'s); without, none are loaded.
    fn build(&self, https: bool) -> Result<reqwest::Client, String> {
        let mut b = reqwest::Client::builder()
            .user_agent(concat!("tofui/", env!("CARGO_PKG_VERSION")))
            .connect_timeout(Duration::from_secs(10))
            .pool_idle_timeout(Duration::from_secs(60));
        if self.loopback {
            // A proxy set for the outside world must not capture the local demo server.
            b = b.no_proxy();
        }
        if self.loopback && !self.compress_loopback {
            // No link to save on loopback: compressing would only cost both ends' CPU (the
            // huge run opened in 218 ms compressed, 113 ms plain).
            b = b.no_zstd().no_brotli().no_gzip();
        }
        b = if https {
            b.tls_certs_merge(self.certs.iter().cloned())
        } else {
            // Plain HTTP: no CA roots to load (the system's are ~150 certificates, ~8 ms).
            b.tls_certs_only(self.certs.iter().cloned())
        };
        b.build().map_err(|e| format!("cannot set up HTTPS: {e}"))
    }
}

/// `TOFUI_COMPRESS=always`: ask for compression on loopback too, as over a real network (the
/// benches that put the link simulator, a loopback proxy, between the binary and a server).
fn compress_on_loopback() -> bool {
    std::env::var("TOFUI_COMPRESS").is_ok_and(|v| v == "always")
}

type Cell = std::sync::Arc<std::sync::OnceLock<Result<reqwest::Client, String>>>;

/// The HTTP clients, each built once on first use. An https instance needs the system's CA
/// roots, which the first frame does not wait for: a thread starts building that client as
/// soon as the configuration is known, and the first request takes it when it is ready. An
/// http instance (the embedded server, a lab instance) loads none, unless a link it gives
/// (a download, an upload) is https.
#[derive(Clone)]
pub(super) struct LazyHttp {
    plain: Cell,
    tls: Cell,
    plan: std::sync::Arc<Plan>,
}

impl LazyHttp {
    pub(super) fn new(loopback: bool, https: bool, certs: Vec<reqwest::Certificate>) -> LazyHttp {
        let compress_loopback = compress_on_loopback();
        LazyHttp::with(Plan { loopback, https, certs, compress_loopback })
    }

    /// The same clients, asking for compression on loopback too.
    pub(super) fn compressing(&self) -> LazyHttp {
        LazyHttp::with(Plan { compress_loopback: true, ..(*self.plan).clone() })
    }

    fn with(plan: Plan) -> LazyHttp {
        let lazy = LazyHttp {
            plain: Default::default(),
            tls: Default::default(),
            plan: std::sync::Arc::new(plan),
        };
        if lazy.plan.https {
            let early = lazy.clone();
            std::thread::spawn(move || {
                let _ = early.get();
            });
        }
        lazy
    }

    /// The client for the API.
    pub(super) fn get(&self) -> Result<&reqwest::Client, ClientError> {
        self.for_scheme(self.plan.https)
    }

    /// The client for a link the API gave.
    pub(super) fn for_url(&self, url: &str) -> Result<&reqwest::Client, ClientError> {
        self.for_scheme(self.plan.https || url.starts_with("https:"))
    }

    fn for_scheme(&self, https: bool) -> Result<&reqwest::Client, ClientError> {
        let cell = if https { &self.tls } else { &self.plain };
        cell.get_or_init(|| self.plan.build(https))
            .as_ref()
            .map_err(|e| ClientError::Config(e.clone()))
    }
}
