//! `linli`: one binary for the server and every operator task.

use anyhow::Context;
use clap::{Parser, Subcommand};
use linli_demo_load::{DEMO_PASSWORD, DemoSummary};
use linli_domain::authz::Role;
use linli_domain::{Lang, place::Path};
use linli_store::Store;
use std::time::Instant;

mod backup;
mod config;
mod logging;
mod metrics;
mod notify_config;
mod roster_cli;
mod shutdown;

use config::{Flags, LogFormat, Settings};

/// mimalloc rather than the system allocator: rows read on one thread and freed on another
/// (a roster import's reader and checker) cost glibc's malloc more than the reading itself.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[derive(Parser)]
#[command(
    name = "linli",
    version,
    about = "邻里 linli: self-governance of old residential compounds"
)]
struct Cli {
    /// The settings file (TOML). Default: /etc/linli/linli.toml when it exists. Flags beat
    /// LINLI_* environment variables, which beat the file; `linli config` shows the result.
    #[arg(long, env = "LINLI_CONFIG", global = true)]
    config: Option<std::path::PathBuf>,
    /// sqlite://FILE (default sqlite://linli.db, in the working directory) or
    /// postgres://USER@HOST/DB. [env: LINLI_DATABASE_URL]
    #[arg(long, global = true)]
    database_url: Option<String>,
    /// The most connections to each PostgreSQL server (the primary, each replica). Default:
    /// twice the cores, from 4 to 16. [env: LINLI_DATABASE_CONNECTIONS]
    #[arg(long, global = true)]
    database_connections: Option<u32>,
    /// Where uploaded files (photos, evidence, attachments) keep their bytes. Default: beside
    /// a SQLite file, named after it (linli.db → linli-files/); for PostgreSQL `linli-files/`
    /// in the working directory. Every server of one database must share this directory.
    /// [env: LINLI_FILES_DIR]
    #[arg(long, global = true)]
    files_dir: Option<std::path::PathBuf>,
    /// plain or json. [env: LINLI_LOG_FORMAT]
    #[arg(long, global = true, value_enum)]
    log_format: Option<LogFormat>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
#[expect(
    clippy::large_enum_variant,
    reason = "parsed once at start-up; boxing would only obscure clap's derive"
)]
enum Command {
    /// Serve the pages and the API.
    Serve {
        /// The address to listen on (default 127.0.0.1:8080). [env: LINLI_BIND]
        #[arg(long)]
        bind: Option<String>,
        /// The address people reach the site by, for links and QR codes. [env: LINLI_PUBLIC_URL]
        #[arg(long)]
        public_url: Option<String>,
        /// Serve Prometheus metrics at http://ADDR/metrics (off by default). [env: LINLI_METRICS_BIND]
        #[arg(long)]
        metrics_bind: Option<String>,
        /// A PostgreSQL streaming replica for dashboards, lists and exports; give it once per
        /// replica. [env: LINLI_READ_DATABASE_URLS, as a list: [url1, url2]]
        #[arg(long = "read-database-url")]
        read_database_url: Vec<String>,
        /// Load the demo world first if the database is empty, and print the demo logins.
        #[arg(long)]
        demo: bool,
        #[arg(long, default_value_t = 1)]
        demo_scale: u32,
        /// Households per compound of the demo city: `sample` (about 42, loads in seconds) or
        /// `real` (about 150, as in the prefecture's figures).
        #[arg(long, value_enum, default_value_t = DemoDensity::Sample)]
        demo_density: DemoDensity,
        /// Mark cookies Secure and send HSTS (when served behind HTTPS). [env: LINLI_SECURE_COOKIES]
        #[arg(long)]
        secure_cookies: bool,
        #[command(flatten)]
        limits: LimitArgs,
        /// Seconds a connection may take to send a request head (new or idle between requests).
        #[arg(long, env = "LINLI_HEADER_TIMEOUT", default_value_t = 20)]
        header_timeout: u64,
        /// The most connections open at once; more wait until one closes.
        #[arg(long, env = "LINLI_MAX_CONNECTIONS", default_value_t = 512)]
        max_connections: usize,
        /// The largest photo accepted, in megapixels (width × height), checked before decoding.
        #[arg(long, env = "LINLI_MAX_PHOTO_MEGAPIXELS", default_value_t = 40)]
        max_photo_megapixels: u32,
        /// How many uploaded photos are decoded at the same time.
        #[arg(long, env = "LINLI_PHOTO_DECODERS", default_value_t = 1)]
        photo_decoders: usize,
        #[command(flatten)]
        notify: linli_notify::NotifySettings,
    },
    /// Bring the database schema up to date.
    Migrate,
    /// Load the demo world (the four places of the articles) into an empty database.
    Demo {
        /// Multiply the Suining-scale city, for benchmarks.
        #[arg(long, default_value_t = 1)]
        scale: u32,
        /// Households per compound: `real` (about 150, as in the prefecture's figures: 300,000
        /// households at scale 1, 3 million at scale 10) or `sample` (about 42, as
        /// `serve --demo` loads).
        #[arg(long, value_enum, default_value_t = DemoDensity::Real)]
        density: DemoDensity,
    },
    /// Import a household roster (.xlsx, .xls or .csv) into a compound: all rows or none.
    Import {
        #[command(subcommand)]
        what: ImportWhat,
    },
    /// Export a compound's roster as CSV, or the OpenAPI document.
    Export {
        #[command(subcommand)]
        what: ExportWhat,
    },
    /// Write a consistent backup copy of the database to a new file, and the uploaded files
    /// (each checked against its hash) into a directory beside it (backup.db → backup-files/).
    /// Without FILE: a dated, verified backup into --to-dir (or `[backup] dir`), keeping the
    /// newest --keep (or `[backup] keep`, default 7).
    Backup {
        file: Option<std::path::PathBuf>,
        #[arg(long, conflicts_with = "file")]
        to_dir: Option<std::path::PathBuf>,
        #[arg(long, conflicts_with = "file")]
        keep: Option<u32>,
    },
    /// Print the effective settings (file, environment and flags together) with secrets hidden.
    Config,
    /// Check that every uploaded file is on disk with the hash its record names.
    VerifyFiles,
    /// Check every audit hash chain and report the first broken link.
    VerifyAudit,
    /// Recompute the dashboards' per-compound and per-project summaries from scratch (they are
    /// kept up to date by every write; this is for rows changed outside linli).
    RebuildSummaries,
    /// Create an account with a role over a place (to set up a real installation).
    AddUser {
        #[arg(long)]
        username: String,
        #[arg(long)]
        name: String,
        #[arg(long, env = "LINLI_NEW_PASSWORD")]
        password: String,
        /// city_admin, subdistrict_officer, community_worker, committee_member, …
        #[arg(long)]
        role: String,
        /// The place, as a path: city:1 or city:1/district:2/subdistrict:3/community:4
        #[arg(long)]
        at: String,
    },
}

/// Rate limits and token lifetime; README "Accounts and limits" explains them.
#[derive(clap::Args)]
struct LimitArgs {
    /// Wrong passwords on one account within 15 minutes before it is locked (then one try per
    /// minute from each address, so the owner still gets in).
    #[arg(long, env = "LINLI_LOGIN_FAILURES", default_value_t = 10, value_parser = clap::value_parser!(i32).range(1..))]
    login_failures: i32,
    /// Sign-in attempts from one client address within 15 minutes, over all accounts.
    #[arg(long, env = "LINLI_ADDRESS_ATTEMPTS", default_value_t = 100, value_parser = clap::value_parser!(i32).range(1..))]
    address_attempts: i32,
    /// Invite codes one client address (or account) may try within 15 minutes.
    #[arg(long, env = "LINLI_INVITE_TRIES", default_value_t = 10, value_parser = clap::value_parser!(i32).range(1..))]
    invite_tries: i32,
    /// Days a new API token lasts.
    #[arg(long, env = "LINLI_TOKEN_DAYS", default_value_t = 90, value_parser = clap::value_parser!(i64).range(1..=3650))]
    token_days: i64,
    /// Behind a reverse proxy: the header it sets to the client's address (e.g. X-Real-IP or
    /// X-Forwarded-For, whose last entry is taken). Without it every visitor would share the
    /// proxy's address, and its limit.
    #[arg(long, env = "LINLI_CLIENT_IP_HEADER")]
    client_ip_header: Option<axum::http::HeaderName>,
}

impl LimitArgs {
    fn limits(&self) -> linli_store::limits::Limits {
        linli_store::limits::Limits {
            account_failures: self.login_failures,
            address_attempts: self.address_attempts,
            invite_tries: self.invite_tries,
            token_days: self.token_days,
            ..Default::default()
        }
    }
}

#[derive(Subcommand)]
enum ImportWhat {
    Roster {
        file: std::path::PathBuf,
        #[arg(long)]
        compound: i64,
        /// Check the file and show what would change, without writing.
        #[arg(long)]
        dry_run: bool,
        /// The language of messages: zh or en (default: from LANG).
        #[arg(long)]
        lang: Option<String>,
    },
}

#[derive(Subcommand)]
enum ExportWhat {
    Roster {
        #[arg(long)]
        compound: i64,
        /// Write to this file instead of standard output.
        #[arg(long)]
        out: Option<std::path::PathBuf>,
        /// xlsx or csv; by default from the extension of --out, else csv.
        #[arg(long)]
        format: Option<String>,
    },
    /// The empty roster template with a sheet of notes on each column.
    RosterTemplate {
        #[arg(long)]
        out: std::path::PathBuf,
    },
    Openapi,
    /// A region's compounds as anonymised open data: compounds.csv and its JSON Table Schema.
    OpenData {
        /// The region (city, district, subdistrict or community) id.
        #[arg(long)]
        region: i64,
        /// The directory to write compounds.csv and compounds.schema.json into.
        #[arg(long)]
        out: std::path::PathBuf,
    },
}

fn print_demo(summary: Option<&DemoSummary>, url: &str) {
    if let Some(s) = summary {
        println!(
            "demo data: {} compounds, {} units, {} households, {} people",
            s.compounds, s.units, s.households, s.persons
        );
        println!("demo logins (password {DEMO_PASSWORD}):");
        for l in &s.logins {
            println!(
                "  {:<13} {:<20} {}",
                l.username,
                l.role.label(Lang::En),
                l.place
            );
        }
    } else {
        println!(
            "demo logins (password {DEMO_PASSWORD}): city street worker committee buildinghead unithead grid volunteer owner resident"
        );
    }
    println!("open {url}");
}

/// The demo city's households per compound, as the command line names it.
#[derive(Clone, Copy, Debug, clap::ValueEnum)]
enum DemoDensity {
    Sample,
    Real,
}

async fn load_demo(store: &Store, scale: u32, density: DemoDensity) -> anyhow::Result<DemoSummary> {
    let started = Instant::now();
    eprintln!("loading demo data (scale {scale}, {density:?} density) …");
    let density = match density {
        DemoDensity::Sample => linli_demo_load::Density::Sample,
        DemoDensity::Real => linli_demo_load::Density::Real,
    };
    let s = linli_demo_load::load_demo(store, scale, density).await?;
    eprintln!("loaded in {:.1} s", started.elapsed().as_secs_f64());
    Ok(s)
}

/// Every minute: overdue service requests escalate to the community, resolved ones the
/// reporter left unconfirmed close. A failed pass is logged and tried again a minute later.
async fn request_clock(store: Store) {
    let mut tick = tokio::time::interval(std::time::Duration::from_secs(60));
    loop {
        tick.tick().await;
        match store.run_request_clock(store.now()).await {
            Ok(r) if r.escalated + r.closed > 0 => {
                tracing::info!(escalated = r.escalated, closed = r.closed, "request clock")
            }
            Ok(_) => {}
            Err(e) => tracing::error!(error = %e, "request clock"),
        }
    }
}

/// At start and every six hours: the planner's statistics of tables that changed a lot since
/// they were taken (SQLite; PostgreSQL's autovacuum keeps its own). A failure is logged.
async fn statistics_upkeep(store: Store) {
    let mut tick = tokio::time::interval(std::time::Duration::from_secs(6 * 3600));
    loop {
        tick.tick().await;
        if let Err(e) = store.refresh_statistics().await {
            tracing::error!(error = %e, "refreshing the planner's statistics");
        }
    }
}

/// The settings given as flags, for [`Settings::load`] (absent flags leave the others' say).
fn flags(cli: &Cli) -> Flags {
    let mut f = Flags {
        database_url: cli.database_url.clone(),
        database_connections: cli.database_connections,
        files_dir: cli.files_dir.clone(),
        log_format: cli.log_format,
        ..Flags::default()
    };
    match &cli.command {
        Command::Serve {
            bind,
            public_url,
            metrics_bind,
            secure_cookies,
            read_database_url,
            ..
        } => {
            f.read_database_urls =
                (!read_database_url.is_empty()).then(|| read_database_url.clone());
            f.bind = bind.clone();
            f.public_url = public_url.clone();
            f.metrics_bind = metrics_bind.clone();
            f.secure_cookies = secure_cookies.then_some(true);
        }
        Command::Backup { to_dir, keep, .. } => {
            if let Some(dir) = to_dir {
                f.backup
                    .insert("dir".into(), dir.display().to_string().into());
            }
            if let Some(keep) = keep {
                f.backup.insert("keep".into(), (*keep).into());
            }
        }
        _ => {}
    }
    f
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    let settings = Settings::load(cli.config.as_deref(), &flags(&cli))?;
    logging::init(settings.log_format);
    let url = settings.database_url.as_str();
    let files_dir = settings.files_dir.clone();
    let connections = settings.database_connections.map(|n| n.get());
    let open = |url: &str| {
        let url = url.to_string();
        let files_dir = files_dir.clone();
        async move {
            let store = Store::open_with(&url, connections).await?;
            anyhow::Ok(match files_dir {
                Some(dir) => store.with_files_dir(dir),
                None => store,
            })
        }
    };
    match cli.command {
        Command::Export {
            what: ExportWhat::Openapi,
        } => {
            println!("{}", linli_web::openapi_json());
            return Ok(());
        }
        Command::Config => print!("{}", settings.redacted().to_toml()),
        Command::Serve {
            demo,
            demo_scale,
            demo_density,
            limits,
            header_timeout,
            max_connections,
            max_photo_megapixels,
            photo_decoders,
            mut notify,
            ..
        } => {
            let started = Instant::now();
            // Links in messages point at the public address unless told otherwise.
            if notify.base_url.is_none() {
                notify.base_url = Some(settings.public_url.as_str().to_string());
            }
            // A bad sender setting stops the start, naming the setting.
            let senders = notify.parse().map_err(|e| anyhow::anyhow!("--{e}"))?;
            let stop = shutdown::Stop::listen()?;
            let photos = linli_store::files::PhotoLimits {
                max_megapixels: max_photo_megapixels,
                decoders: photo_decoders,
            };
            let replicas: Vec<String> = settings
                .read_database_urls
                .iter()
                .map(|u| u.as_str().to_string())
                .collect();
            let store = open(url)
                .await?
                .with_limits(limits.limits())
                .with_photo_limits(photos)
                .with_replicas(&replicas)
                .await?;
            let summary = if demo && store.is_empty().await? {
                Some(load_demo(&store, demo_scale, demo_density).await?)
            } else {
                None
            };
            let bind = settings.bind;
            let listener = tokio::net::TcpListener::bind(bind)
                .await
                .with_context(|| format!("binding {bind}"))?;
            let addr = listener.local_addr()?;
            if demo {
                print_demo(summary.as_ref(), &format!("http://{addr}/"));
            }
            tracing::info!(%addr, database = %linli_store::db::redact(url), files = %store.files_dir().display(), ready_ms = started.elapsed().as_millis() as u64, "serving");
            if let Some(metrics_bind) = settings.metrics_bind {
                let addr = metrics::serve(metrics_bind, store.clone()).await?;
                tracing::info!(%addr, "metrics at /metrics");
            }
            tokio::spawn(request_clock(store.clone()));
            tokio::spawn(statistics_upkeep(store.clone()));
            backup::spawn_schedule(store.clone(), url.to_string(), &settings.backup);
            let (stop_tx, stop_rx) = tokio::sync::watch::channel(false);
            let sender = match senders {
                Some(config) => {
                    tracing::info!(email = config.smtp.is_some(), webhook = config.webhook.is_some(), quiet_hours = %config.quiet_hours, "notification senders");
                    let outbox = linli_notify::Outbox::new(store.clone(), config)?;
                    let mut rx = stop_rx.clone();
                    Some(tokio::spawn(linli_notify::run(outbox, async move {
                        let _ = rx.wait_for(|s| *s).await;
                    })))
                }
                None => {
                    tracing::info!(
                        "no notification sender configured (--smtp-url, --webhook-url): the outbox is kept, not sent"
                    );
                    None
                }
            };
            let options = linli_web::Options {
                secure_cookies: settings.secure_cookies,
                public_url: settings.public_url.as_str().to_string(),
                client_ip_header: limits.client_ip_header,
            };
            let server_limits = linli_web::server::ServerLimits {
                header_timeout: std::time::Duration::from_secs(header_timeout),
                max_connections,
            };
            let server = linli_web::server::serve(
                listener,
                linli_web::app_with(store.clone(), options),
                server_limits,
                stop.requested(),
            );
            tokio::select! {
                served = server => served?,
                () = stop.deadline(std::time::Duration::from_secs(settings.shutdown_grace_secs)) => {}
            }
            // Let the sender finish the message in hand and give up its lease.
            let _ = stop_tx.send(true);
            if let Some(s) = sender {
                let _ = tokio::time::timeout(std::time::Duration::from_secs(30), s).await;
            }
            store.close().await?;
            tracing::info!("stopped");
        }
        Command::Migrate => {
            open(url).await?;
            println!("database is up to date");
        }
        Command::Demo { scale, density } => {
            let store = open(url).await?;
            let s = load_demo(&store, scale, density).await?;
            print_demo(Some(&s), "(start the server with `linli serve`)");
        }
        Command::Import {
            what:
                ImportWhat::Roster {
                    file,
                    compound,
                    dry_run,
                    lang,
                },
        } => {
            let lang = roster_cli::lang(lang.as_deref())?;
            let store = open(url).await?;
            if !roster_cli::import(&store, &file, compound, dry_run, lang).await? {
                // A problem in the file: the table says it all; no error trace after it.
                std::process::exit(1);
            }
        }
        Command::Export {
            what:
                ExportWhat::Roster {
                    compound,
                    out,
                    format,
                },
        } => {
            let store = open(url).await?;
            roster_cli::export(&store, compound, out.as_deref(), format.as_deref()).await?;
        }
        Command::Export {
            what: ExportWhat::RosterTemplate { out },
        } => roster_cli::template(&out)?,
        Command::Export {
            what: ExportWhat::OpenData { region, out },
        } => {
            let store = Store::open_with(url, connections).await?;
            let d = store
                .open_data(region)
                .await
                .map_err(|e| anyhow::anyhow!("{}", e.message(Lang::Zh)))?;
            std::fs::create_dir_all(&out).with_context(|| format!("creating {}", out.display()))?;
            let csv =
                linli_sheet::csv_table(&d.headers, &d.rows).map_err(|e| anyhow::anyhow!("{e}"))?;
            std::fs::write(out.join("compounds.csv"), csv).context("writing compounds.csv")?;
            std::fs::write(
                out.join("compounds.schema.json"),
                serde_json::to_vec_pretty(&d.schema)?,
            )
            .context("writing compounds.schema.json")?;
            println!("{} compounds written to {}", d.rows.len(), out.display());
        }
        Command::Backup {
            file: Some(file), ..
        } => {
            let store = open(url).await?;
            let report = linli_store::exchange::backup(&store, url, &file).await?;
            println!(
                "backup written to {} and {} ({} files)",
                file.display(),
                report.files_dir.display(),
                report.files
            );
        }
        Command::Backup { file: None, .. } => {
            let dir = settings.backup.dir.clone().context(
                "say where: linli backup FILE, --to-dir DIR, or `[backup] dir` in the settings",
            )?;
            let store = open(url).await?;
            let r = backup::rotate(&store, url, &dir, settings.backup.keep).await?;
            println!(
                "backup written to {} ({} files), verified; {} old backup(s) removed",
                r.file.display(),
                r.files,
                r.removed.len()
            );
        }
        Command::VerifyFiles => {
            let store = open(url).await?;
            let check = store.verify_files().await?;
            if check.bad.is_empty() {
                println!(
                    "files intact: {} files in {}",
                    check.files,
                    store.files_dir().display()
                );
            } else {
                println!(
                    "files MISSING or DAMAGED in {}: attachments {:?}",
                    store.files_dir().display(),
                    check.bad
                );
                std::process::exit(1);
            }
        }
        Command::RebuildSummaries => {
            let store = open(url).await?;
            let n = store.rebuild_summaries().await?;
            println!("summaries rebuilt: {n} compounds");
        }
        Command::VerifyAudit => {
            let store = open(url).await?;
            let report = store.verify_audit().await?;
            if let Some(broken) = &report.broken {
                println!("audit trail BROKEN: {broken}");
                std::process::exit(1);
            }
            for d in &report.drifted {
                println!("state CHANGED outside linli: {d}");
            }
            // The heads, to publish: a trail later rewound to an earlier head shows against them.
            for h in &report.heads {
                println!("head of chain {}: record {} {}", h.chain, h.seq, h.hash);
            }
            if report.drifted.is_empty() {
                println!(
                    "audit trail intact: {} records in {} chains, every kept row matches its latest record",
                    report.records, report.chains
                );
            } else {
                println!(
                    "audit trail BROKEN: {} rows differ from their latest audit record",
                    report.drifted.len()
                );
                std::process::exit(1);
            }
        }
        Command::AddUser {
            username,
            name,
            password,
            role,
            at,
        } => {
            let store = open(url).await?;
            let role = Role::parse(&role)
                .ok()
                .with_context(|| format!("unknown role {role}"))?;
            let at: Path = at
                .parse()
                .map_err(|_| anyhow::anyhow!("--at must look like city:1/district:2"))?;
            let id = store
                .create_account(&username, None, &name, &password)
                .await
                .map_err(|e| anyhow::anyhow!("{}", e.message(Lang::En)))?;
            store
                .grant_role(None, id, role, &at)
                .await
                .map_err(|e| anyhow::anyhow!("{}", e.message(Lang::En)))?;
            println!("account {username} created");
        }
    }
    Ok(())
}
