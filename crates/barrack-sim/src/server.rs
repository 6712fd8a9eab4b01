//! Starting and stopping a server: `spawn`, `spawn_on` and the handle.

use std::fmt;
use std::io;
use std::net::{Ipv4Addr, SocketAddr};
use std::sync::atomic::AtomicU64;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::middleware::from_fn_with_state;
use axum::Router;
use barrack_wire::wire::AccountState;
use tokio::net::TcpListener;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

use crate::account::SeedError;
use crate::admin::{self, ADMIN_PREFIX};
use crate::api::{self, API_PREFIX};
use crate::config::SimConfig;
use crate::conn::{Conn, KillableListener};
use crate::counters::Counters;
use crate::faults::Faults;
use crate::gate::api_gate;
use crate::hostile::{self, HostileCell};
use crate::log::request_log;
use crate::persist::{self, Persister};
use crate::ratelimit::RateLimiter;
use crate::shared::Shared;
use crate::sim::{Offer, Sim};

/// A running emulator. Dropping it stops the server (gracefully, in the background).
pub struct SimHandle {
    addr: SocketAddr,
    api_key: String,
    shutdown: Option<oneshot::Sender<()>>,
    task: Option<JoinHandle<()>>,
    shared: Arc<Shared>,
}

impl SimHandle {
    /// The address the server listens on.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The API's base URL, e.g. `http://127.0.0.1:PORT/v1`.
    pub fn base_url(&self) -> String {
        format!("http://{}{API_PREFIX}", self.addr)
    }

    /// The admin surface's URL, e.g. `http://127.0.0.1:PORT/_sim`.
    pub fn admin_url(&self) -> String {
        format!("http://{}{ADMIN_PREFIX}", self.addr)
    }

    /// The API key the server accepts.
    pub fn api_key(&self) -> &str {
        &self.api_key
    }

    /// Replaces the account with `account` (what `PUT /_sim/state` does): every object with
    /// its id, status, attachments, firewall membership and rules; stock and balance.
    pub fn seed(&self, account: AccountState) -> Result<(), SeedError> {
        let mut sim = crate::shared::lock(&self.shared.sim);
        sim.seed_account(account)
    }

    /// The whole account now (what `GET /_sim/state` returns).
    pub fn state(&self) -> AccountState {
        crate::account::dump(&mut crate::shared::lock(&self.shared.sim))
    }

    /// API requests served so far, by `METHOD route` (what `GET /_sim/counters` shows).
    pub fn request_counts(&self) -> std::collections::BTreeMap<String, u64> {
        crate::shared::lock(&self.shared.counters).routes.clone()
    }

    /// Stops accepting, lets in-flight requests finish, and waits for the server to end.
    pub async fn shutdown(mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        if let Some(task) = self.task.take() {
            let _ = task.await;
        }
    }
}

impl Drop for SimHandle {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
    }
}

impl fmt::Debug for SimHandle {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SimHandle")
            .field("addr", &self.addr)
            .field("api_key", &"(redacted)")
            .finish_non_exhaustive()
    }
}

/// Starts an emulator on `127.0.0.1` on a free port.
pub async fn spawn(config: SimConfig) -> io::Result<SimHandle> {
    spawn_on(SocketAddr::from((Ipv4Addr::LOCALHOST, 0)), config).await
}

/// Starts an emulator on `addr`. Fails if the address cannot be bound, the configuration
/// is invalid, or the state file cannot be read.
pub async fn spawn_on(addr: SocketAddr, config: SimConfig) -> io::Result<SimHandle> {
    let invalid = |what: String| io::Error::new(io::ErrorKind::InvalidInput, what);
    if !config.time_scale.is_finite() || config.time_scale < 0.0 {
        return Err(invalid(format!(
            "time_scale must be a non-negative number, got {}",
            config.time_scale
        )));
    }
    if config.api_key.is_empty() {
        return Err(invalid("api_key must not be empty".to_owned()));
    }
    let world = match &config.state_file {
        Some(path) => persist::load(path)?,
        None => None,
    };
    let offer = || Offer {
        catalog: config.catalog.clone(),
        limits: config.limits.clone(),
    };
    let sim = match world {
        Some(world) => Sim::new(world, config.time_scale, config.seed, offer()),
        None => Sim::fresh(config.time_scale, config.seed, offer()),
    };
    let listener = TcpListener::bind(addr).await?;
    let local = listener.local_addr()?;
    let shared = Arc::new(Shared {
        sim: Mutex::new(sim),
        faults: Mutex::new(Faults::new(config.faults.clone(), config.seed)),
        counters: Mutex::new(Counters::default()),
        limiter: Mutex::new(RateLimiter::new(
            config.rate_limit_per_minute.filter(|n| *n > 0),
            config.rate_limit_window,
        )),
        api_key: config.api_key.clone(),
        latency: Duration::from_millis(config.latency_ms),
        persister: config.state_file.clone().map(Persister::new),
        next_request: AtomicU64::new(1),
    });
    let last = shared.clone();
    let handle_shared = shared.clone();
    let hostile: HostileCell = Arc::new(Mutex::new(config.hostile.clone()));
    let app = router(shared, hostile).into_make_service_with_connect_info::<Conn>();
    let (tx, rx) = oneshot::channel::<()>();
    let task = tokio::spawn(async move {
        let serve = axum::serve(KillableListener(listener), app).with_graceful_shutdown(async {
            let _ = rx.await;
        });
        if let Err(error) = serve.await {
            tracing::error!(%error, "server stopped");
        }
        // A last save records the clock at shutdown, so transitions that completed while
        // the server ran are still complete when it starts again from the state file.
        crate::shared::lock(&last.sim).dirty = true;
        last.persist().await;
    });
    Ok(SimHandle {
        addr: local,
        api_key: config.api_key,
        shutdown: Some(tx),
        task: Some(task),
        shared: handle_shared,
    })
}

/// `/v1` (the table's routes behind the gate, and the hostile layer outside it) and `/_sim`,
/// both with request ids and logs.
fn router(shared: Arc<Shared>, hostile: HostileCell) -> Router {
    let api_routes = api::router()
        .route_layer(from_fn_with_state(shared.clone(), api_gate))
        .fallback(api::no_route)
        .method_not_allowed_fallback(api::wrong_method)
        .layer(from_fn_with_state(hostile.clone(), hostile::layer));
    let admin_routes = admin::router().merge(hostile::admin_router(hostile));
    Router::new()
        .nest(API_PREFIX, api_routes)
        .nest(ADMIN_PREFIX, admin_routes)
        .fallback(api::no_route)
        .layer(from_fn_with_state(shared.clone(), request_log))
        .with_state(shared)
}
