//! `agentry user create EMAIL [--admin]`: makes an account directly in the store, the way
//! to create the first admin of a server that listens beyond loopback. The password comes
//! from standard input (one line), or from a prompt without echo on a terminal.

use std::io::{BufRead, IsTerminal, Write};
use std::process::ExitCode;

use agentry_server::auth::Role;
use agentry_server::auth::enrol;
use agentry_store::Store;

use crate::config::Config;

pub async fn create(config: Config, email: &str, admin: bool) -> anyhow::Result<ExitCode> {
    let store = Store::open(&config.database_url()).await?;
    let first = enrol::no_account_yet(&store)
        .await
        .map_err(|e| anyhow::anyhow!("{}", e.message))?;
    let password = read_password()?;
    let role = if admin { Role::Admin } else { Role::User };
    let user = enrol::create_account(&store, email, password, role)
        .await
        .map_err(|e| anyhow::anyhow!("{}", e.message))?;
    store.close().await?;
    println!("created {} ({}, id {})", user.email, user.role, user.id);
    if first && !admin {
        println!("it is the server's first account, so it is an administrator");
    }
    Ok(ExitCode::SUCCESS)
}

/// One line of standard input, without its line ending; on a terminal, asked for with echo
/// off so the password is not shown.
fn read_password() -> anyhow::Result<String> {
    let stdin = std::io::stdin();
    let mut line = String::new();
    if stdin.is_terminal() {
        eprint!("Password: ");
        std::io::stderr().flush()?;
        let before = rustix::termios::tcgetattr(&stdin)?;
        let mut quiet = before.clone();
        quiet.local_modes.remove(rustix::termios::LocalModes::ECHO);
        rustix::termios::tcsetattr(&stdin, rustix::termios::OptionalActions::Now, &quiet)?;
        let read = stdin.lock().read_line(&mut line);
        rustix::termios::tcsetattr(&stdin, rustix::termios::OptionalActions::Now, &before)?;
        eprintln!();
        read?;
    } else {
        stdin.lock().read_line(&mut line)?;
    }
    let password = line.trim_end_matches(['\r', '\n']).to_string();
    anyhow::ensure!(!password.is_empty(), "no password given on standard input");
    Ok(password)
}
