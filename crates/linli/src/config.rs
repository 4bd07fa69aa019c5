//! The settings of a linli installation: defaults, then a TOML file, then `LINLI_*`
//! environment variables, then command-line flags — each later source wins, key by key.
//!
//! The file is `--config FILE` (or `LINLI_CONFIG`), else `/etc/linli/linli.toml` when it
//! exists. Every setting has the same name everywhere: `bind` in the file is `LINLI_BIND` in
//! the environment and `--bind` on the command line; a key of a table joins with a double
//! underscore (`[backup] keep` is `LINLI_BACKUP__KEEP`). An unknown key or a value of the
//! wrong kind stops the program before it does anything, naming the key and where it came
//! from (the file and line, the environment variable, or the flag): a typo in a file that is
//! read once a year must not be silently ignored.

use figment::providers::{Env, Format, Serialized, Toml};
use figment::value::{Dict, Map};
use figment::{Figment, Metadata, Profile, Provider};
use serde::{Deserialize, Serialize};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};

/// The file read when neither `--config` nor `LINLI_CONFIG` names one (and it exists).
pub const DEFAULT_FILE: &str = "/etc/linli/linli.toml";

/// Everything an installation can set. `Debug` and [`Settings::redacted`] hide secrets.
#[derive(Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Settings {
    /// `sqlite://FILE` or `postgres://USER:PASSWORD@HOST/DB`.
    pub database_url: DatabaseUrl,
    /// PostgreSQL streaming replicas (`postgres://…`) that answer dashboards, long lists and
    /// exports, taken in turn; writes, and the reads of anyone who just wrote, stay on
    /// `database_url`. None by default.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub read_database_urls: Vec<DatabaseUrl>,
    /// The most connections linli opens to each PostgreSQL server (the primary, each
    /// replica); default twice the cores linli may use, from 4 to 16. Not used by SQLite.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub database_connections: Option<DatabaseConnections>,
    /// Where uploaded files keep their bytes; default beside a SQLite file (`linli.db` →
    /// `linli-files/`), for PostgreSQL `linli-files/` in the working directory.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub files_dir: Option<PathBuf>,
    /// The address `serve` listens on.
    pub bind: SocketAddr,
    /// The address people reach the site by, for links in messages and on printed QR codes.
    pub public_url: PublicUrl,
    /// Mark cookies `Secure` (when served behind HTTPS).
    #[serde(deserialize_with = "figment::util::bool_from_str_or_int")]
    pub secure_cookies: bool,
    /// `plain` (one readable line per event) or `json` (one JSON object per line).
    pub log_format: LogFormat,
    /// Where Prometheus metrics are served (an admin address, not the public one); off when
    /// unset.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub metrics_bind: Option<SocketAddr>,
    /// How long requests in flight may finish after SIGTERM or SIGINT before the server
    /// stops anyway.
    pub shutdown_grace_secs: u64,
    pub backup: BackupSettings,
    /// The senders that reach people (e-mail, the SMS/WeChat gateway).
    pub notify: crate::notify_config::NotifySettings,
}

/// Scheduled backups: where, how many to keep, and (for `serve`) how often.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields, default)]
pub struct BackupSettings {
    /// The directory of dated backups; `linli backup` without arguments writes there.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub dir: Option<PathBuf>,
    /// How many backups to keep (the newest); older ones are removed after a verified backup.
    pub keep: u32,
    /// When set (with `dir`), `serve` itself makes a backup every this many hours; leave it
    /// unset when the systemd timer of the package does it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub every_hours: Option<u32>,
}

impl Default for BackupSettings {
    fn default() -> Self {
        BackupSettings {
            dir: None,
            keep: 7,
            every_hours: None,
        }
    }
}

#[derive(Clone, Copy, Debug, Default, Serialize, Deserialize, PartialEq, Eq, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum LogFormat {
    #[default]
    Plain,
    Json,
}

/// How many connections a database pool may open: at least one.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "u32", into = "u32")]
pub struct DatabaseConnections(u32);

impl DatabaseConnections {
    pub fn get(self) -> u32 {
        self.0
    }
}

impl TryFrom<u32> for DatabaseConnections {
    type Error = String;
    fn try_from(n: u32) -> Result<Self, String> {
        if (1..=1000).contains(&n) {
            Ok(DatabaseConnections(n))
        } else {
            Err(format!(
                "{n} is not a number of database connections (give 1 to 1000)"
            ))
        }
    }
}

impl From<DatabaseConnections> for u32 {
    fn from(n: DatabaseConnections) -> u32 {
        n.0
    }
}

/// A database URL of a kind linli speaks: `sqlite:` or `postgres:`/`postgresql:`.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct DatabaseUrl(String);

impl DatabaseUrl {
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for DatabaseUrl {
    type Error = String;
    fn try_from(s: String) -> Result<Self, String> {
        if ["sqlite:", "postgres:", "postgresql:"]
            .iter()
            .any(|p| s.starts_with(p))
        {
            Ok(DatabaseUrl(s))
        } else {
            Err(format!(
                "`{}` is not a database URL (use sqlite://FILE or postgres://USER@HOST/DB)",
                linli_store::db::redact(&s)
            ))
        }
    }
}

impl From<DatabaseUrl> for String {
    fn from(u: DatabaseUrl) -> String {
        u.0
    }
}

/// The site's public base address, `http(s)://host[:port][/path]`, kept without a trailing
/// slash so that `format!("{base}/proposals/7")` is always right.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct PublicUrl(String);

impl PublicUrl {
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for PublicUrl {
    type Error = String;
    fn try_from(s: String) -> Result<Self, String> {
        let rest = s
            .strip_prefix("https://")
            .or_else(|| s.strip_prefix("http://"));
        let host = rest.map(|r| r.split('/').next().unwrap_or(""));
        match host {
            Some(h)
                if !h.is_empty() && !h.contains(char::is_whitespace) && !s.contains(['?', '#']) =>
            {
                Ok(PublicUrl(s.trim_end_matches('/').to_string()))
            }
            _ => Err(format!(
                "`{s}` is not a public address (use https://host or http://host:port, without ? or #)"
            )),
        }
    }
}

impl From<PublicUrl> for String {
    fn from(u: PublicUrl) -> String {
        u.0
    }
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            database_url: DatabaseUrl("sqlite://linli.db".into()),
            read_database_urls: Vec::new(),
            database_connections: None,
            files_dir: None,
            bind: SocketAddr::from(([127, 0, 0, 1], 8080)),
            public_url: PublicUrl("http://127.0.0.1:8080".into()),
            secure_cookies: false,
            log_format: LogFormat::Plain,
            metrics_bind: None,
            shutdown_grace_secs: 10,
            backup: BackupSettings::default(),
            notify: Default::default(),
        }
    }
}

impl std::fmt::Debug for Settings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.redacted().to_toml())
    }
}

/// The top-level keys, which are also the names `LINLI_*` variables may take: other
/// `LINLI_` variables (`LINLI_CONFIG`, a test's `LINLI_TEST_PG_URL`) are not settings.
const KEYS: &[&str] = &[
    "database_url",
    "read_database_urls",
    "database_connections",
    "files_dir",
    "bind",
    "public_url",
    "secure_cookies",
    "log_format",
    "metrics_bind",
    "shutdown_grace_secs",
    "backup",
    "notify",
];

impl Settings {
    /// A copy fit to print or log: the database password and every sender secret replaced.
    pub fn redacted(&self) -> Settings {
        let mut s = self.clone();
        s.database_url = DatabaseUrl(linli_store::db::redact(self.database_url.as_str()));
        for u in &mut s.read_database_urls {
            *u = DatabaseUrl(linli_store::db::redact(u.as_str()));
        }
        s.notify = self.notify.redacted();
        s
    }

    /// As a TOML file (what `linli config` prints; it reads back as the same settings).
    pub fn to_toml(&self) -> String {
        toml::to_string(self).unwrap_or_else(|e| format!("# cannot show the settings: {e}\n"))
    }

    /// The settings from the file, the process's environment and the flags.
    pub fn load(file: Option<&Path>, flags: &Flags) -> Result<Settings, ConfigError> {
        let file = match file {
            Some(f) if !f.is_file() => {
                return Err(ConfigError(format!(
                    "the configuration file {} does not exist",
                    f.display()
                )));
            }
            Some(f) => Some(f.to_path_buf()),
            None => Some(PathBuf::from(DEFAULT_FILE)).filter(|f| f.is_file()),
        };
        Self::from_figment(file.as_deref(), Env::prefixed("LINLI_").split("__"), flags)
    }

    fn from_figment(file: Option<&Path>, env: Env, flags: &Flags) -> Result<Settings, ConfigError> {
        let env = env.filter(|k| {
            let top = k
                .as_str()
                .split('.')
                .next()
                .unwrap_or("")
                .to_ascii_lowercase();
            KEYS.contains(&top.as_str())
        });
        let mut figment = Figment::from(Serialized::defaults(Settings::default()));
        if let Some(f) = file {
            figment = figment.merge(Toml::file_exact(f));
        }
        figment
            .merge(env)
            .merge(flags)
            .extract()
            .map_err(|e| ConfigError::from_figment(e, file))
    }
}

/// The settings given as flags (`None`: not given, the other sources decide).
#[derive(Debug, Default, Clone, Serialize)]
pub struct Flags {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub database_url: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub read_database_urls: Option<Vec<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub database_connections: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub files_dir: Option<PathBuf>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub bind: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub public_url: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub secure_cookies: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub log_format: Option<LogFormat>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub metrics_bind: Option<String>,
    #[serde(skip_serializing_if = "Map::is_empty")]
    pub backup: Map<String, figment::value::Value>,
}

impl Provider for Flags {
    fn metadata(&self) -> Metadata {
        Metadata::named("command-line flags")
    }
    fn data(&self) -> Result<Map<Profile, Dict>, figment::Error> {
        Serialized::defaults(self).data()
    }
}

/// Why the settings could not be read: one line per bad key, each naming where it came from.
#[derive(Debug)]
pub struct ConfigError(pub String);

impl std::fmt::Display for ConfigError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for ConfigError {}

impl ConfigError {
    fn from_figment(e: figment::Error, file: Option<&Path>) -> ConfigError {
        let lines: Vec<String> = e.into_iter().map(|e| Self::line(&e, file)).collect();
        ConfigError(format!("bad configuration:\n  {}", lines.join("\n  ")))
    }

    /// "`bind` in /etc/linli/linli.toml line 3: invalid socket address syntax".
    fn line(e: &figment::Error, file: Option<&Path>) -> String {
        // For an unknown key the path already ends with the key itself.
        let path = e.path.clone();
        let key = path.join(".");
        let what = match &e.kind {
            figment::error::Kind::UnknownField(name, _) => format!("unknown key `{name}`"),
            kind => kind.to_string(),
        };
        let source = match &e.metadata {
            Some(md) => match md.source.as_ref().and_then(|s| s.file_path()) {
                Some(p) => match find_line(p, &path) {
                    Some(n) => format!("{} line {n}", p.display()),
                    None => p.display().to_string(),
                },
                None if md.name.contains("environment") => {
                    // An unknown key inside a table has no own metadata; the table's name is
                    // the closest environment variable.
                    let var = path
                        .iter()
                        .map(|p| p.to_uppercase())
                        .collect::<Vec<_>>()
                        .join("__");
                    format!("the environment variable LINLI_{var}")
                }
                None => md.name.to_string(),
            },
            // TOML syntax errors come without metadata: the message carries the line.
            None => file
                .map(|f| f.display().to_string())
                .unwrap_or_else(|| "the settings".into()),
        };
        if key.is_empty() {
            format!("{source}: {what}")
        } else {
            format!("`{key}` in {source}: {what}")
        }
    }
}

/// The line (1-based) of `key` in a TOML file: the `key =` line inside its `[table]`, or the
/// table's header when the key is the table itself. Best effort: `None` if not found.
fn find_line(file: &Path, path: &[String]) -> Option<usize> {
    let text = std::fs::read_to_string(file).ok()?;
    let (tables, key) = path.split_at(path.len().checked_sub(1)?);
    let want_table = tables.join(".");
    let mut table = String::new();
    for (i, raw) in text.lines().enumerate() {
        let line = raw.trim();
        if let Some(name) = line.strip_prefix('[').and_then(|l| l.split(']').next()) {
            table = name.trim().to_string();
            if tables.is_empty() && table == key[0] {
                return Some(i + 1);
            }
            continue;
        }
        let Some((k, _)) = line.split_once('=') else {
            continue;
        };
        let k = k.trim().trim_matches('"');
        let full = if table.is_empty() {
            k.to_string()
        } else {
            format!("{table}.{k}")
        };
        let target = if want_table.is_empty() {
            key[0].clone()
        } else {
            format!("{want_table}.{}", key[0])
        };
        if full == target {
            return Some(i + 1);
        }
    }
    None
}

#[cfg(test)]
mod tests {
    // figment's Jail returns its own (large) error type.
    #![allow(
        clippy::unwrap_used,
        clippy::expect_used,
        clippy::panic,
        clippy::result_large_err
    )]
    use super::*;
    use figment::Jail;

    fn load(jail: &Jail, file: Option<&str>, flags: &Flags) -> Result<Settings, ConfigError> {
        let path = file.map(|f| jail.directory().join(f));
        Settings::from_figment(path.as_deref(), Env::prefixed("LINLI_").split("__"), flags)
    }

    /// The message of settings that must be refused.
    fn refused(jail: &Jail, file: Option<&str>, flags: &Flags) -> String {
        match load(jail, file, flags) {
            Ok(s) => panic!("the settings were taken: {s:?}"),
            Err(e) => e.0,
        }
    }

    #[test]
    fn flags_beat_environment_beat_file_beat_defaults() {
        Jail::expect_with(|jail| {
            jail.create_file(
                "linli.toml",
                "bind = \"0.0.0.0:9000\"\npublic_url = \"https://linli.example.cn/\"\nshutdown_grace_secs = 3\n\
                 [backup]\ndir = \"/var/backups/linli\"\nkeep = 3\n",
            )?;
            jail.set_env("LINLI_BIND", "127.0.0.1:9100");
            jail.set_env("LINLI_BACKUP__KEEP", "5");
            jail.set_env("LINLI_SECURE_COOKIES", "1");
            // Not settings: other tools' variables share the prefix.
            jail.set_env("LINLI_TEST_PG_URL", "postgres://x@y/z");
            jail.set_env("LINLI_CONFIG", "/nowhere.toml");
            let s = load(jail, Some("linli.toml"), &Flags::default()).unwrap();
            assert_eq!(
                s.bind.to_string(),
                "127.0.0.1:9100",
                "environment over file"
            );
            assert_eq!(s.backup.keep, 5, "environment over file, inside a table");
            assert_eq!(
                s.backup.dir,
                Some(PathBuf::from("/var/backups/linli")),
                "file over default"
            );
            assert_eq!(
                s.public_url.as_str(),
                "https://linli.example.cn",
                "trailing slash dropped"
            );
            assert_eq!(s.shutdown_grace_secs, 3);
            assert!(s.secure_cookies, "1 is true");
            assert_eq!(s.database_url.as_str(), "sqlite://linli.db", "default");
            assert_eq!(s.log_format, LogFormat::Plain);

            let mut flags = Flags {
                bind: Some("127.0.0.1:9200".into()),
                log_format: Some(LogFormat::Json),
                ..Flags::default()
            };
            flags.backup.insert("keep".into(), 9.into());
            let s = load(jail, Some("linli.toml"), &flags).unwrap();
            assert_eq!(
                s.bind.to_string(),
                "127.0.0.1:9200",
                "flag over environment"
            );
            assert_eq!(s.backup.keep, 9);
            assert_eq!(
                s.backup.dir,
                Some(PathBuf::from("/var/backups/linli")),
                "a flag in a table keeps the file's other keys"
            );
            assert_eq!(s.log_format, LogFormat::Json);
            Ok(())
        });
    }

    #[test]
    fn a_bad_value_in_the_file_names_key_file_and_line() {
        Jail::expect_with(|jail| {
            jail.create_file(
                "linli.toml",
                "# linli\npublic_url = \"https://a.cn\"\nbind = \"localhost\"\n",
            )?;
            let e = refused(jail, Some("linli.toml"), &Flags::default());
            let file = jail.directory().join("linli.toml");
            assert!(
                e.contains(&format!("`bind` in {} line 3: ", file.display())),
                "{e}"
            );
            assert!(e.contains("socket address"), "{e}");
            Ok(())
        });
    }

    #[test]
    fn an_unknown_key_is_refused_with_its_line() {
        Jail::expect_with(|jail| {
            jail.create_file(
                "linli.toml",
                "bind = \"127.0.0.1:1\"\n\n[backup]\nkeep = 2\nkep = 3\n",
            )?;
            let e = refused(jail, Some("linli.toml"), &Flags::default());
            let file = jail.directory().join("linli.toml");
            assert!(
                e.contains(&format!(
                    "`backup.kep` in {} line 5: unknown key `kep`",
                    file.display()
                )),
                "{e}"
            );

            jail.create_file("top.toml", "databse_url = \"sqlite://x.db\"\n")?;
            let e = refused(jail, Some("top.toml"), &Flags::default());
            assert!(
                e.contains("`databse_url` in ")
                    && e.contains("top.toml line 1: unknown key `databse_url`"),
                "{e}"
            );
            Ok(())
        });
    }

    #[test]
    fn wrong_types_name_their_source() {
        Jail::expect_with(|jail| {
            jail.create_file("linli.toml", "[backup]\nkeep = \"many\"\n")?;
            let e = refused(jail, Some("linli.toml"), &Flags::default());
            assert!(
                e.contains("`backup.keep` in ") && e.contains("linli.toml line 2: invalid type"),
                "{e}"
            );

            jail.create_file("ok.toml", "")?;
            jail.set_env("LINLI_SHUTDOWN_GRACE_SECS", "soon");
            let e = refused(jail, Some("ok.toml"), &Flags::default());
            assert!(
                e.contains("`shutdown_grace_secs` in ") && e.contains("LINLI_SHUTDOWN_GRACE_SECS"),
                "{e}"
            );
            Ok(())
        });
        Jail::expect_with(|jail| {
            let flags = Flags {
                database_url: Some("mysql://x".into()),
                ..Flags::default()
            };
            let e = refused(jail, None, &flags);
            assert!(
                e.contains(
                    "`database_url` in command-line flags: `mysql://x` is not a database URL"
                ),
                "{e}"
            );
            let flags = Flags {
                public_url: Some("linli.example.cn".into()),
                ..Flags::default()
            };
            let e = refused(jail, None, &flags);
            assert!(
                e.contains(
                    "`public_url` in command-line flags: `linli.example.cn` is not a public address"
                ),
                "{e}"
            );
            Ok(())
        });
    }

    #[test]
    fn a_toml_syntax_error_names_the_file() {
        Jail::expect_with(|jail| {
            jail.create_file("linli.toml", "bind = \"127.0.0.1:1\"\nkeep = \n")?;
            let e = refused(jail, Some("linli.toml"), &Flags::default());
            assert!(e.contains("linli.toml") && e.contains("line 2"), "{e}");
            Ok(())
        });
    }

    #[test]
    fn read_replicas_come_from_the_file_or_the_environment_and_hide_their_passwords() {
        Jail::expect_with(|jail| {
            jail.create_file(
                "linli.toml",
                "database_url = \"postgres://linli@db/linli\"\nread_database_urls = [\"postgres://ro:s3cret@replica1/linli\"]\n",
            )?;
            let s = load(jail, Some("linli.toml"), &Flags::default()).unwrap();
            assert_eq!(s.read_database_urls.len(), 1);
            let shown = s.redacted().to_toml();
            assert!(
                shown.contains("postgres://ro:***@replica1/linli") && !shown.contains("s3cret"),
                "{shown}"
            );
            jail.set_env(
                "LINLI_READ_DATABASE_URLS",
                "[postgres://ro@replica1/linli, postgres://ro@replica2/linli]",
            );
            let s = load(jail, Some("linli.toml"), &Flags::default()).unwrap();
            assert_eq!(
                s.read_database_urls.len(),
                2,
                "the environment wins over the file"
            );
            jail.set_env("LINLI_READ_DATABASE_URLS", "[mysql://x]");
            let e = refused(jail, Some("linli.toml"), &Flags::default());
            assert!(
                e.contains("read_database_urls") && e.contains("LINLI_READ_DATABASE_URLS"),
                "{e}"
            );
            Ok(())
        });
    }

    #[test]
    fn database_connections_come_from_any_source_and_zero_is_refused() {
        Jail::expect_with(|jail| {
            let s = load(jail, None, &Flags::default()).unwrap();
            assert_eq!(s.database_connections, None, "unset: linli's default");
            jail.create_file("linli.toml", "database_connections = 6\n")?;
            let s = load(jail, Some("linli.toml"), &Flags::default()).unwrap();
            assert_eq!(s.database_connections.map(|n| n.get()), Some(6));
            jail.set_env("LINLI_DATABASE_CONNECTIONS", "8");
            let flags = Flags {
                database_connections: Some(3),
                ..Flags::default()
            };
            let s = load(jail, Some("linli.toml"), &Flags::default()).unwrap();
            assert_eq!(s.database_connections.map(|n| n.get()), Some(8));
            let s = load(jail, Some("linli.toml"), &flags).unwrap();
            assert_eq!(s.database_connections.map(|n| n.get()), Some(3));
            jail.set_env("LINLI_DATABASE_CONNECTIONS", "0");
            let e = refused(jail, Some("linli.toml"), &Flags::default());
            assert!(
                e.contains("database_connections")
                    && e.contains("LINLI_DATABASE_CONNECTIONS")
                    && e.contains("1 to 1000"),
                "{e}"
            );
            Ok(())
        });
    }

    #[test]
    fn printed_settings_hide_the_password_and_read_back() {
        Jail::expect_with(|jail| {
            let flags = Flags {
                database_url: Some("postgres://linli:s3cret@db/linli".into()),
                ..Flags::default()
            };
            let s = load(jail, None, &flags).unwrap();
            let shown = s.redacted().to_toml();
            assert!(!shown.contains("s3cret"), "{shown}");
            assert!(
                shown.contains("database_url = \"postgres://linli:***@db/linli\""),
                "{shown}"
            );
            assert!(!format!("{s:?}").contains("s3cret"));
            jail.create_file("back.toml", &shown)?;
            let again = load(jail, Some("back.toml"), &Flags::default()).unwrap();
            assert_eq!(
                again.to_toml(),
                shown,
                "what `linli config` prints is a valid file"
            );
            Ok(())
        });
    }

    #[test]
    fn every_key_is_listed_for_the_environment() {
        let s = Settings {
            files_dir: Some("/x".into()),
            read_database_urls: vec![DatabaseUrl("postgres://ro@replica/linli".into())],
            metrics_bind: Some(SocketAddr::from(([127, 0, 0, 1], 9))),
            database_connections: Some(DatabaseConnections(4)),
            ..Settings::default()
        };
        let table: toml::Table = toml::from_str(&s.to_toml()).unwrap();
        let mut keys: Vec<&str> = table.keys().map(String::as_str).collect();
        keys.sort_unstable();
        let mut listed = KEYS.to_vec();
        listed.sort_unstable();
        assert_eq!(keys, listed);
    }
}
