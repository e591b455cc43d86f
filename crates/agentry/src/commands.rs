//! What each subcommand does, built from the library crates.

use std::path::Path;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use agentry_core::{ExecutionStatus, Graph};
use agentry_engine::{Engine, EventKind, ExecuteRequest, graphs};
use agentry_store::{DEFAULT_USER_ID, Store};
use anyhow::Context as _;
use serde_json::{Map, Value, json};

use crate::cli::{Cli, Command, KeysAction, UserCommand};
use crate::config::{Config, Overrides};

pub async fn dispatch(cli: Cli) -> anyhow::Result<ExitCode> {
    let mut overrides = Overrides {
        database_url: cli.database_url.clone(),
        ..Overrides::default()
    };
    if let Command::Serve {
        host, port, role, ..
    } = &cli.command
    {
        overrides.host = host.clone();
        overrides.port = *port;
        overrides.roles = (!role.is_empty()).then(|| role.clone());
    }
    let config = Config::load(cli.config.as_deref(), &overrides)?;
    let quiet = !matches!(cli.command, Command::Serve { .. });
    let traces = crate::logging::init(&config, quiet);
    match cli.command {
        Command::Serve { no_auth, .. } => {
            let code = serve(config, no_auth).await;
            if let Some(traces) = &traces {
                traces.flush();
            }
            code
        }
        Command::Migrate => migrate(&config).await,
        Command::Doctor => {
            let file = cli.config.clone().or_else(|| {
                Some("agentry.toml".into()).filter(|p: &std::path::PathBuf| p.exists())
            });
            Ok(crate::doctor::doctor(&config, file.as_deref()).await)
        }
        Command::Backup { file } => crate::backup::backup(&config, &file).await,
        Command::Restore { file } => crate::backup::restore(&config, &file).await,
        Command::ExportAll { dir } => crate::backup::export_all(&config, &dir).await,
        Command::User {
            command: UserCommand::Create { email, admin },
        } => crate::users::create(config, &email, admin).await,
        Command::Run { file, inputs, json } => run(config, &file, &inputs, json).await,
        Command::Import { file } => import(config, &file).await,
        Command::Export {
            graph_id,
            version,
            output,
        } => export(config, &graph_id, version, output.as_deref()).await,
        Command::Blocks { json, markdown } => blocks(json, markdown),
        Command::Keys {
            action: KeysAction::Generate { id },
        } => {
            println!(
                "{}",
                agentry_engine::integrations::Keyring::generate_spec(&id)
            );
            Ok(ExitCode::SUCCESS)
        }
        Command::Keys {
            action: KeysAction::Rotate,
        } => rotate_keys(config).await,
        Command::Openapi { output } => openapi(output.as_deref()),
    }
}

/// Reseals every credential under the first configured key.
async fn rotate_keys(config: Config) -> anyhow::Result<ExitCode> {
    anyhow::ensure!(
        config.keyring()?.is_some(),
        "no encryption key is configured: set AGENTRY_ENCRYPTION_KEY to the new key, then a \
         comma, then the old key(s) (`agentry keys generate` makes one)"
    );
    let engine = open_with_workers(&config, 0).await?;
    let done = engine
        .vault()
        .rotate()
        .await
        .context("key rotation stopped (is every old key still configured?)")?;
    eprintln!(
        "resealed {} credentials ({} changed meanwhile, already under the new key); \
         dropped {} unfinished OAuth2 logins. The old keys may now be removed.",
        done.resealed, done.changed_meanwhile, done.dropped_logins
    );
    Ok(ExitCode::SUCCESS)
}

async fn open(config: &Config) -> anyhow::Result<Engine> {
    open_with_workers(config, config.worker_concurrency).await
}

async fn open_with_workers(config: &Config, worker_concurrency: usize) -> anyhow::Result<Engine> {
    let url = config.database_url();
    let store = Store::open(&url)
        .await
        .with_context(|| format!("cannot open the database {url}"))?;
    let registry = Arc::new(crate::registry());
    let engine_config = agentry_engine::Config {
        run_timeout: config.run_timeout(),
        limits: config.limits,
        worker_concurrency,
        user_share: config.user_share,
        lease: Duration::from_millis(config.lease_ms.max(100)),
        take_over_on_host: config.take_over_on_host,
        poll_interval: Duration::from_millis(config.poll_interval_ms.max(10)),
        claim_limits: agentry_store::ClaimLimits {
            per_user: config.max_running_per_user,
            per_graph: config.max_running_per_graph,
        },
        max_queued_per_user: config.max_queued_per_user,
        reaper: agentry_engine::reaper::ReaperPolicy {
            every: Duration::from_secs(config.reaper_interval_secs.max(1)),
            grace: Duration::from_secs(config.reaper_grace_secs),
            max_attempts: config.reaper_max_attempts.max(1),
            max_queued: (config.max_queued_secs > 0)
                .then(|| Duration::from_secs(config.max_queued_secs)),
        },
        resources: Arc::new(crate::resources::build(config)?),
        redact_graphs: Arc::new(config.redact_graphs.iter().cloned().collect()),
        retention: agentry_engine::RetentionPolicy {
            after: (config.retention_days > 0)
                .then(|| Duration::from_secs(config.retention_days.saturating_mul(86_400))),
            keep_outputs: config.retention_keep_outputs,
            ..agentry_engine::RetentionPolicy::default()
        },
        credentials: agentry_engine::integrations::CredentialSettings {
            keyring: config.keyring()?,
            oauth: agentry_engine::integrations::OauthProviders::new(
                config.oauth_providers.iter().cloned(),
            ),
        },
        credits: config.credits.policy(),
        ..agentry_engine::Config::default()
    };
    Ok(Engine::new(store, registry, engine_config))
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! { _ = ctrl_c => {}, _ = term => {} }
}

async fn serve(config: Config, no_auth: bool) -> anyhow::Result<ExitCode> {
    use crate::config::Role;
    // First thing the server does: code of the same user (sandboxed or not) must not read its
    // environment (the platform's keys) or heap through /proc.
    agentry_sandbox::make_non_dumpable()
        .map_err(|e| anyhow::anyhow!("cannot make the server non-dumpable: {e}"))?;
    anyhow::ensure!(
        !config.roles.is_empty(),
        "serve needs at least one role: api, worker, scheduler"
    );
    let workers = if config.has_role(Role::Worker) {
        config.worker_concurrency
    } else {
        0
    };
    // Settings are checked before anything starts, so a bad one stops the process at once.
    let perimeter = agentry_server::perimeter::Perimeter::new(
        config.perimeter.clone(),
        config.oidc.clone(),
        config.redis_url.as_deref(),
        &config.redis_channel,
    )?;
    let addr = format!("{}:{}", config.host, config.port);
    if no_auth && config.has_role(Role::Api) && !is_loopback(&config.host) {
        anyhow::bail!(
            "refusing --no-auth on {addr}: without sign-in anyone who can reach that address \
             could run anything as the local user. Listen on 127.0.0.1, or drop --no-auth"
        );
    }
    let engine = open_with_workers(&config, workers).await?;
    attach_relay(&config, &engine)?;
    let ops = Arc::new(agentry_server::ops::Ops::new(
        crate::recorder::install(),
        config.metrics.token.clone(),
    ));
    let stop = tokio_util::sync::CancellationToken::new();
    // A stop signal drains first (`/ready` answers 503 for shutdown_drain_secs), then stops.
    let stopping = tokio_util::sync::CancellationToken::new();
    {
        let (ops, stopping) = (ops.clone(), stopping.clone());
        let drain = Duration::from_secs(config.shutdown_drain_secs);
        tokio::spawn(async move {
            shutdown_signal().await;
            ops.start_draining();
            if !drain.is_zero() {
                tracing::info!("draining for {} s before stopping", drain.as_secs());
                tokio::time::sleep(drain).await;
            }
            stopping.cancel();
        });
    }
    let base_state = agentry_server::AppState::new(engine.clone()).with_ops(ops.clone());
    let ops_listener = match config.metrics.bind.as_deref().filter(|b| !b.is_empty()) {
        Some(bind) => {
            let listener = tokio::net::TcpListener::bind(bind)
                .await
                .with_context(|| format!("cannot listen on metrics.bind {bind}"))?;
            eprintln!("Metrics listening on http://{}", listener.local_addr()?);
            let stopping = stopping.clone();
            Some(tokio::spawn(agentry_server::ops::serve_listener(
                listener,
                base_state.clone(),
                async move { stopping.cancelled().await },
            )))
        }
        None => None,
    };
    if workers > 0 {
        engine.spawn_worker(stop.clone());
        tracing::info!("worker: up to {workers} runs at once");
    }
    if config.has_role(Role::Scheduler) {
        engine.spawn_scheduler(stop.clone());
        engine.spawn_reaper(stop.clone());
        tracing::info!("scheduler: fires cron schedules (and sweeps) while this process leads");
    }
    if config.has_role(Role::Api) {
        let listener = agentry_server::listener::bind(&addr)
            .await
            .with_context(|| format!("cannot listen on {addr}"))?;
        let local = listener.local_addr()?;
        tracing::info!(
            "Agentry is listening on http://{local} (database {})",
            config.database_url
        );
        eprintln!("Agentry listening on http://{local}");
        let state = if no_auth {
            base_state.clone()
        } else {
            let accounts =
                agentry_server::auth::Accounts::new(engine.store().clone(), config.auth.settings())
                    .await?;
            agentry_server::AppState::with_accounts(engine.clone(), accounts).with_ops(ops.clone())
        };
        let mut state = state
            .allowed_hosts(config.allowed_hosts.clone())
            .with_perimeter(perimeter)
            .with_web_app(crate::web_app::embedded());
        if let Some(payments) = &config.payments {
            state = state.with_payments(payments.settings());
        }
        if let Some(url) = &config.platform_base_url {
            state = state.with_platform_url(url);
        }
        let mailer = config.smtp.as_ref().map(|s| s.mailer()).transpose()?;
        state = state
            .with_notifications(config.notifications.settings(), mailer)
            .with_media(config.media.media()?);
        if let Some(embeddings) = config.store_search.embeddings(&config)? {
            embeddings.spawn_backfill(engine.store().clone());
            state = state.with_store_embeddings(embeddings);
        }
        let stopping = stopping.clone();
        agentry_server::serve(listener, state, async move { stopping.cancelled().await }).await?;
    } else {
        eprintln!("Agentry worker {} started", std::process::id());
        stopping.cancelled().await;
    }
    if let Some(task) = ops_listener {
        let _ = task.await;
    }
    stop.cancel();
    tracing::info!("shutting down: letting runs finish for up to 10 s");
    engine.shutdown(Duration::from_secs(10)).await;
    engine.store().clone().close().await?;
    Ok(ExitCode::SUCCESS)
}

/// `agentry migrate`: opening the store applies the pending migrations.
async fn migrate(config: &Config) -> anyhow::Result<ExitCode> {
    let url = config.database_url();
    let store = Store::open(&url)
        .await
        .with_context(|| format!("cannot migrate the database {url}"))?;
    store.close().await?;
    eprintln!("the database schema is current");
    Ok(ExitCode::SUCCESS)
}

/// Whether `host` (an address or `localhost`) is a loopback one.
fn is_loopback(host: &str) -> bool {
    host.eq_ignore_ascii_case("localhost")
        || host
            .trim_matches(['[', ']'])
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}

/// Connects `serve` to the deployment's other processes: Redis pub/sub when `redis_url` is set,
/// else PostgreSQL LISTEN/NOTIFY; one SQLite process needs neither.
fn attach_relay(config: &Config, engine: &Engine) -> anyhow::Result<()> {
    use agentry_engine::relay::{postgres::PostgresRelay, redis::RedisRelay};
    if let Some(url) = config.redis_url.as_deref().filter(|u| !u.is_empty()) {
        let relay = RedisRelay::new(url, &config.redis_channel).map_err(anyhow::Error::msg)?;
        engine.attach_relay(Arc::new(relay));
        tracing::info!("signals between processes: Redis pub/sub");
    } else if engine.store().backend() == agentry_store::Backend::Postgres {
        engine.attach_relay(Arc::new(PostgresRelay::new(engine.store().clone())));
        tracing::info!("signals between processes: PostgreSQL LISTEN/NOTIFY");
    }
    Ok(())
}

fn read_graph(file: &Path) -> anyhow::Result<Graph> {
    let text =
        std::fs::read_to_string(file).with_context(|| format!("cannot read {}", file.display()))?;
    serde_json::from_str(&text).with_context(|| format!("{} is not an agent file", file.display()))
}

/// Parses `name=value`; the value is JSON when it parses, else text.
fn parse_inputs(pairs: &[String]) -> anyhow::Result<Map<String, Value>> {
    let mut inputs = Map::new();
    for pair in pairs {
        let (name, value) = pair
            .split_once('=')
            .with_context(|| format!("input `{pair}` must look like name=value"))?;
        let value =
            serde_json::from_str(value).unwrap_or_else(|_| Value::String(value.to_string()));
        inputs.insert(name.to_string(), value);
    }
    Ok(inputs)
}

fn show(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// The exit code of `agentry run` when the run paused for a human review: neither success
/// nor failure, the run goes on once the review is decided.
pub const EXIT_WAITS_FOR_REVIEW: u8 = 3;

/// Tells how to decide the reviews a paused run waits for.
async fn report_review(
    engine: &Engine,
    exec_id: &str,
    record: &agentry_store::GraphRecord,
    json: bool,
) -> anyhow::Result<ExitCode> {
    let reviews = engine
        .store()
        .waiting_reviews_of_run(DEFAULT_USER_ID, exec_id)
        .await?;
    if json {
        let ids: Vec<&str> = reviews.iter().map(|r| r.node_exec_id.as_str()).collect();
        println!(
            "{}",
            json!({"graph_exec_id": exec_id, "graph_id": record.id, "graph_version": record.version, "status": ExecutionStatus::Review, "reviews": ids})
        );
    } else {
        eprintln!("run {exec_id}: waits for review");
        for review in &reviews {
            eprintln!(
                "review {} (node {}): {}",
                review.node_exec_id,
                review.node_id,
                review.instructions.as_deref().unwrap_or("no instructions")
            );
        }
        eprintln!(
            "decide it with `agentry serve` running: POST /api/review/action with \
             {{\"reviews\": [{{\"node_exec_id\": \"<review id>\", \"approved\": true}}]}} \
             (or in the web app's review page); the run then resumes on a worker"
        );
    }
    Ok(ExitCode::from(EXIT_WAITS_FOR_REVIEW))
}

async fn run(
    config: Config,
    file: &Path,
    pairs: &[String],
    json: bool,
) -> anyhow::Result<ExitCode> {
    let graph = read_graph(file)?;
    let inputs = parse_inputs(pairs)?;
    let engine = open(&config).await?;
    let (record, _) =
        graphs::import(engine.store(), engine.registry(), DEFAULT_USER_ID, graph).await?;
    let mut events = engine.events().subscribe();
    let request = ExecuteRequest::new(DEFAULT_USER_ID, &record.id, record.version, inputs);
    let exec_id = engine.execute(request).await?.row.id;
    let interrupted = shutdown_signal();
    tokio::pin!(interrupted);
    let (status, error) = loop {
        let event = tokio::select! {
            _ = &mut interrupted => {
                eprintln!("stopping run {exec_id}");
                engine.stop(DEFAULT_USER_ID, &exec_id).await?;
                break (ExecutionStatus::Terminated, None);
            }
            event = events.recv() => event,
        };
        let event = match event {
            Ok(e) if e.graph_exec_id == exec_id => e,
            Ok(_) => continue,
            Err(tokio::sync::broadcast::error::RecvError::Lagged(n)) => {
                eprintln!("warning: {n} events were dropped; the stored run is complete");
                continue;
            }
            Err(_) => anyhow::bail!("the engine stopped"),
        };
        match event.kind {
            EventKind::GraphOutput { name, value } => {
                if json {
                    println!("{}", json!({"output": name, "value": value}));
                } else {
                    println!("{name}: {}", show(&value.tree()));
                }
            }
            // A run paused for human review goes on only after a decision: stop waiting.
            EventKind::RunStatus { status, error, .. }
                if status.is_final() || status == ExecutionStatus::Review =>
            {
                break (status, error);
            }
            _ => {}
        }
    };
    if status == ExecutionStatus::Review {
        let code = report_review(&engine, &exec_id, &record, json).await;
        engine.store().clone().close().await?;
        return code;
    }
    let _ = engine.wait(&exec_id, Duration::from_secs(5)).await;
    if json {
        println!(
            "{}",
            json!({"graph_exec_id": exec_id, "graph_id": record.id, "graph_version": record.version, "status": status, "error": error})
        );
    } else {
        eprintln!("run {exec_id}: {status}");
        if let Some(e) = &error {
            eprintln!("error: {e}");
        }
    }
    engine.store().clone().close().await?;
    Ok(if status == ExecutionStatus::Completed {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}

async fn import(config: Config, file: &Path) -> anyhow::Result<ExitCode> {
    let graph = read_graph(file)?;
    let engine = open(&config).await?;
    let (record, created) =
        graphs::import(engine.store(), engine.registry(), DEFAULT_USER_ID, graph).await?;
    if created {
        println!("imported graph {} version {}", record.id, record.version);
    } else {
        println!(
            "graph {} version {} already has this content",
            record.id, record.version
        );
    }
    engine.store().clone().close().await?;
    Ok(ExitCode::SUCCESS)
}

async fn export(
    config: Config,
    graph_id: &str,
    version: Option<i32>,
    output: Option<&Path>,
) -> anyhow::Result<ExitCode> {
    let engine = open(&config).await?;
    let record = engine
        .store()
        .get_graph(DEFAULT_USER_ID, graph_id, version)
        .await?;
    let value = agentry_core::export::export(&record.graph, engine.registry());
    let text = serde_json::to_string_pretty(&value)?;
    match output {
        Some(path) => std::fs::write(path, text + "\n")
            .with_context(|| format!("cannot write {}", path.display()))?,
        None => println!("{text}"),
    }
    engine.store().clone().close().await?;
    Ok(ExitCode::SUCCESS)
}

/// Writes the OpenAPI document; needs no database and no server.
fn openapi(output: Option<&Path>) -> anyhow::Result<ExitCode> {
    let text = agentry_server::openapi_json();
    match output {
        Some(path) => std::fs::write(path, text)
            .with_context(|| format!("cannot write {}", path.display()))?,
        None => print!("{text}"),
    }
    Ok(ExitCode::SUCCESS)
}

fn blocks(json: bool, markdown: bool) -> anyhow::Result<ExitCode> {
    let registry = crate::registry();
    if markdown {
        print!("{}", agentry_blocks::reference::markdown(&registry));
    } else if json {
        let all: Vec<_> = registry
            .iter()
            .map(|b| agentry_server::routes::blocks::BlockModel::new(&b.info))
            .collect();
        println!("{}", serde_json::to_string_pretty(&all)?);
    } else {
        for b in registry.iter() {
            println!("{}  {}", b.info.id, b.info.name);
        }
    }
    Ok(ExitCode::SUCCESS)
}
