//! `linli`: one binary for the server and every operator task.

use anyhow::Context;
use clap::{Parser, Subcommand};
use linli_domain::authz::Role;
use linli_domain::{Lang, place::Path};
use linli_store::Store;
use linli_store::demo::{DEMO_PASSWORD, DemoSummary};
use std::time::Instant;

mod roster_cli;

#[derive(Parser)]
#[command(name = "linli", version, about = "邻里 linli: self-governance of old residential compounds")]
struct Cli {
    /// sqlite://FILE (default, a file in the working directory) or postgres://USER@HOST/DB.
    #[arg(long, env = "LINLI_DATABASE_URL", default_value = "sqlite://linli.db", global = true)]
    database_url: String,
    /// Where uploaded files (photos, evidence, attachments) keep their bytes. Default: beside
    /// a SQLite file, named after it (linli.db → linli-files/); for PostgreSQL `linli-files/`
    /// in the working directory. Every server of one database must share this directory.
    #[arg(long, env = "LINLI_FILES_DIR", global = true)]
    files_dir: Option<std::path::PathBuf>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Serve the pages and the API.
    Serve {
        #[arg(long, env = "LINLI_BIND", default_value = "127.0.0.1:8080")]
        bind: String,
        /// Load the demo world first if the database is empty, and print the demo logins.
        #[arg(long)]
        demo: bool,
        #[arg(long, default_value_t = 1)]
        demo_scale: u32,
        /// Mark cookies Secure (when served behind HTTPS).
        #[arg(long, env = "LINLI_SECURE_COOKIES")]
        secure_cookies: bool,
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
    Backup { file: std::path::PathBuf },
    /// Check that every uploaded file is on disk with the hash its record names.
    VerifyFiles,
    /// Check every audit hash chain and report the first broken link.
    VerifyAudit,
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

#[derive(Subcommand)]
enum ImportWhat {
    Roster {
        file: std::path::PathBuf,
        #[arg(long)]
        compound: i64,
        /// Check the file and show what would change, without writing.
        #[arg(long)]
        dry_run: bool,
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
        println!("demo data: {} compounds, {} units, {} households, {} people", s.compounds, s.units, s.households, s.persons);
        println!("demo logins (password {DEMO_PASSWORD}):");
        for l in &s.logins {
            println!("  {:<13} {:<20} {}", l.username, l.role.label(Lang::En), l.place);
        }
    } else {
        println!("demo logins (password {DEMO_PASSWORD}): city street worker committee buildinghead unithead grid volunteer owner resident");
    }
    println!("open {url}");
}

async fn load_demo(store: &Store, scale: u32) -> anyhow::Result<DemoSummary> {
    let started = Instant::now();
    eprintln!("loading demo data (scale {scale}) …");
    let s = store.load_demo(scale).await?;
    eprintln!("loaded in {:.1} s", started.elapsed().as_secs_f64());
    Ok(s)
}

/// Every minute: overdue service requests escalate to the community, resolved ones the
/// reporter left unconfirmed close. A failed pass is logged and tried again a minute later.
async fn request_clock(store: Store) {
    let mut tick = tokio::time::interval(std::time::Duration::from_secs(60));
    loop {
        tick.tick().await;
        match store.run_request_clock(linli_store::now()).await {
            Ok(r) if r.escalated + r.closed > 0 => tracing::info!(escalated = r.escalated, closed = r.closed, "request clock"),
            Ok(_) => {}
            Err(e) => tracing::error!(error = %e, "request clock"),
        }
    }
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::try_from_env("RUST_LOG").unwrap_or_else(|_| "info".into()))
        .with_writer(std::io::stderr)
        .init();
    let cli = Cli::parse();
    let url = cli.database_url.as_str();
    let files_dir = cli.files_dir.clone();
    let open = |url: &str| {
        let url = url.to_string();
        let files_dir = files_dir.clone();
        async move {
            let store = Store::open(&url).await?;
            anyhow::Ok(match files_dir {
                Some(dir) => store.with_files_dir(dir),
                None => store,
            })
        }
    };
    match cli.command {
        Command::Export { what: ExportWhat::Openapi } => {
            println!("{}", linli_web::openapi_json());
            return Ok(());
        }
        Command::Serve { bind, demo, demo_scale, secure_cookies, notify } => {
            let started = Instant::now();
            // A bad sender setting stops the start, naming the setting.
            let senders = notify.parse().map_err(|e| anyhow::anyhow!("--{e}"))?;
            let store = open(url).await?;
            let summary = if demo && store.is_empty().await? { Some(load_demo(&store, demo_scale).await?) } else { None };
            let listener = tokio::net::TcpListener::bind(&bind).await.with_context(|| format!("binding {bind}"))?;
            let addr = listener.local_addr()?;
            if demo {
                print_demo(summary.as_ref(), &format!("http://{addr}/"));
            }
            tracing::info!(%addr, database = %linli_store::db::redact(url), files = %store.files_dir().display(), ready_ms = started.elapsed().as_millis() as u64, "serving");
            tokio::spawn(request_clock(store.clone()));
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
                    tracing::info!("no notification sender configured (--smtp-url, --webhook-url): the outbox is kept, not sent");
                    None
                }
            };
            axum::serve(listener, linli_web::app(store, secure_cookies))
                .with_graceful_shutdown(async {
                    let _ = tokio::signal::ctrl_c().await;
                })
                .await?;
            // Let the sender finish the message in hand and give up its lease.
            let _ = stop_tx.send(true);
            if let Some(s) = sender {
                let _ = tokio::time::timeout(std::time::Duration::from_secs(30), s).await;
            }
        }
        Command::Migrate => {
            open(url).await?;
            println!("database is up to date");
        }
        Command::Demo { scale } => {
            let store = open(url).await?;
            let s = load_demo(&store, scale).await?;
            print_demo(Some(&s), "(start the server with `linli serve`)");
        }
        Command::Import { what: ImportWhat::Roster { file, compound, dry_run } } => {
            let store = open(url).await?;
            roster_cli::import(&store, &file, compound, dry_run).await?;
        }
        Command::Export { what: ExportWhat::Roster { compound, out, format } } => {
            let store = open(url).await?;
            roster_cli::export(&store, compound, out.as_deref(), format.as_deref()).await?;
        }
        Command::Export { what: ExportWhat::RosterTemplate { out } } => roster_cli::template(&out)?,
        Command::Export { what: ExportWhat::OpenData { region, out } } => {
            let store = Store::open(url).await?;
            let d = store.open_data(region).await.map_err(|e| anyhow::anyhow!("{}", e.message(Lang::Zh)))?;
            std::fs::create_dir_all(&out).with_context(|| format!("creating {}", out.display()))?;
            let csv = linli_store::sheet::csv_table(&d.headers, &d.rows).map_err(|e| anyhow::anyhow!("{e}"))?;
            std::fs::write(out.join("compounds.csv"), csv).context("writing compounds.csv")?;
            std::fs::write(out.join("compounds.schema.json"), serde_json::to_vec_pretty(&d.schema)?).context("writing compounds.schema.json")?;
            println!("{} compounds written to {}", d.rows.len(), out.display());
        }
        Command::Backup { file } => {
            let store = open(url).await?;
            let report = linli_store::exchange::backup(&store, url, &file).await?;
            println!("backup written to {} and {} ({} files)", file.display(), report.files_dir.display(), report.files);
        }
        Command::VerifyFiles => {
            let store = open(url).await?;
            let check = store.verify_files().await?;
            if check.bad.is_empty() {
                println!("files intact: {} files in {}", check.files, store.files_dir().display());
            } else {
                println!("files MISSING or DAMAGED in {}: attachments {:?}", store.files_dir().display(), check.bad);
                std::process::exit(1);
            }
        }
        Command::VerifyAudit => {
            let store = open(url).await?;
            let report = store.verify_audit().await?;
            match report.broken {
                None => println!("audit trail intact: {} records in {} chains", report.records, report.chains),
                Some(broken) => {
                    println!("audit trail BROKEN: {broken}");
                    std::process::exit(1);
                }
            }
        }
        Command::AddUser { username, name, password, role, at } => {
            let store = open(url).await?;
            let role = Role::parse(&role).with_context(|| format!("unknown role {role}"))?;
            let at: Path = at.parse().map_err(|_| anyhow::anyhow!("--at must look like city:1/district:2"))?;
            let id = store.create_account(&username, None, &name, &password).await.map_err(|e| anyhow::anyhow!("{}", e.message(Lang::En)))?;
            store.grant_role(None, id, role, &at).await.map_err(|e| anyhow::anyhow!("{}", e.message(Lang::En)))?;
            println!("account {username} created");
        }
    }
    Ok(())
}
