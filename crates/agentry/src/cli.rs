//! The command line (clap).

use std::path::PathBuf;

use clap::{Parser, Subcommand};

#[derive(Debug, Parser)]
#[command(name = "agentry", version, about = "Build, run and share AI agents.")]
pub struct Cli {
    /// Configuration file (default: ./agentry.toml when present).
    #[arg(long, global = true, env = "AGENTRY_CONFIG")]
    pub config: Option<PathBuf>,
    /// Database URL: sqlite://FILE (default ./agentry.db) or postgres://…
    #[arg(long, global = true)]
    pub database_url: Option<String>,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Serve the API (every role in one process).
    Serve {
        /// Address to listen on (default 127.0.0.1).
        #[arg(long)]
        host: Option<String>,
        /// Port to listen on (default 8006; 0 picks a free one).
        #[arg(long)]
        port: Option<u16>,
        /// Which parts to run (default: all): `api`, `worker`, `scheduler`, comma-separated.
        #[arg(long, value_delimiter = ',')]
        role: Vec<crate::config::Role>,
        /// Serve without sign-in: every request is the local user. Loopback addresses only.
        #[arg(long)]
        no_auth: bool,
    },
    /// Manage accounts.
    User {
        #[command(subcommand)]
        command: UserCommand,
    },
    /// Import an agent file and run it, printing each graph output as it arrives. Exits 0 when
    /// the run completed, 1 when it failed or was stopped, 3 when it waits for a human review.
    Run {
        /// An AutoGPT agent export (JSON).
        file: PathBuf,
        /// A graph input, `name=value`; the value is read as JSON when it parses, else as text.
        #[arg(short, long = "input", value_name = "NAME=VALUE")]
        inputs: Vec<String>,
        /// Print machine-readable JSON lines.
        #[arg(long)]
        json: bool,
    },
    /// Import an agent file (AutoGPT's export format) into the store.
    Import { file: PathBuf },
    /// Export a graph in AutoGPT's format.
    Export {
        graph_id: String,
        /// A version (default: the active one).
        #[arg(long)]
        version: Option<i32>,
        /// Write to this file instead of standard output.
        #[arg(short, long)]
        output: Option<PathBuf>,
    },
    /// Manage the keys that encrypt users' credentials.
    Keys {
        #[command(subcommand)]
        action: KeysAction,
    },
    /// Write the API's OpenAPI document (the UI's typed client is generated from it).
    Openapi {
        /// Write to this file instead of standard output (the UI keeps it in ui/openapi.json).
        #[arg(long, short)]
        output: Option<PathBuf>,
    },
    /// Apply the database migrations and exit (before the processes of a new version start).
    Migrate,
    /// Check the configuration, database, Redis, encryption key, code sandbox and LLM
    /// providers, and say what to fix.
    Doctor,
    /// Write a consistent backup of the database while the server runs: a SQLite file
    /// (`VACUUM INTO`) or a PostgreSQL custom-format dump (`pg_dump`).
    Backup { file: PathBuf },
    /// Restore a backup into an empty database (the configured one, or --database-url).
    Restore { file: PathBuf },
    /// Write every user's graphs (every version) as AutoGPT JSON files under DIR/USER_ID/.
    ExportAll { dir: PathBuf },
    /// List the blocks this build has.
    Blocks {
        /// Print the full catalogue as JSON.
        #[arg(long)]
        json: bool,
        /// Print the block reference in Markdown (docs/blocks.md).
        #[arg(long, conflicts_with = "json")]
        markdown: bool,
    },
}

#[derive(Debug, Subcommand)]
pub enum UserCommand {
    /// Create an account. The password is read from standard input (one line), or asked for
    /// without echo when standard input is a terminal.
    Create {
        email: String,
        /// Make the account an administrator (the server's first account always is).
        #[arg(long)]
        admin: bool,
    },
}

#[derive(Debug, Subcommand)]
pub enum KeysAction {
    /// Print a new random key as `KEY_ID:BASE64`, for AGENTRY_ENCRYPTION_KEY.
    Generate {
        /// The key's id, stored with every value it seals.
        #[arg(long, default_value = "k1")]
        id: String,
    },
    /// Re-encrypt every credential under the first configured key (old keys listed after it).
    Rotate,
}
