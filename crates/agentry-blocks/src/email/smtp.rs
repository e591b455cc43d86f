//! SMTP delivery for SendEmailBlock: the operator's `SmtpSettings` (a `Resources` entry), the
//! address guard (the server a graph names is resolved once and must pass the same network
//! policy as outbound HTTP), and lettre errors mapped to AutoGPT's messages.

use std::net::{IpAddr, SocketAddr};
use std::time::Duration;

use agentry_core::BlockError;
use lettre::transport::smtp::authentication::Credentials;
use lettre::transport::smtp::client::{Tls, TlsParameters};
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};

use crate::http::guard::AddressPolicy;

/// How the connection is secured.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum SmtpTls {
    /// STARTTLS, refusing servers without it (AutoGPT always calls `starttls()`); port 465
    /// gets TLS from the first byte instead.
    #[default]
    Required,
    /// STARTTLS when the server offers it, plain otherwise.
    Opportunistic,
    /// Plain text: only for a trusted relay (and tests).
    None,
}

/// An account the operator lends to every user for one relay host.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RelayAccount {
    /// The only `smtp_server` these credentials are sent to.
    pub server: String,
    pub username: String,
    pub password: String,
}

/// The operator's SMTP settings; without them the defaults apply (TLS required, 30 s).
#[derive(Debug, Clone, Default)]
pub struct SmtpSettings {
    pub tls: SmtpTls,
    /// Per SMTP command; 30 s when unset, as AutoGPT's `smtplib.SMTP(..., timeout=30)`.
    pub timeout: Option<Duration>,
    /// The `From` address; the login user name when unset, as AutoGPT does.
    pub from_address: Option<String>,
    /// Used when a block's `credentials` carry no user name and password.
    pub relay: Option<RelayAccount>,
}

/// One message to send.
pub struct Outgoing<'a> {
    pub server: &'a str,
    pub port: u16,
    pub username: &'a str,
    pub password: &'a str,
    pub message: Message,
}

/// Resolves `server` and keeps the first address the policy allows.
pub async fn resolve(
    server: &str,
    port: u16,
    policy: &AddressPolicy,
) -> Result<SocketAddr, BlockError> {
    let cannot = || {
        BlockError::Input(format!(
            "Cannot connect to SMTP server '{server}'. Please verify the server address is correct."
        ))
    };
    let host = server.trim().trim_start_matches('[').trim_end_matches(']');
    let found: Vec<SocketAddr> = match host.parse::<IpAddr>() {
        Ok(ip) => vec![SocketAddr::new(ip, port)],
        Err(_) => tokio::net::lookup_host((host, port))
            .await
            .map_err(|_| cannot())?
            .collect(),
    };
    if found.is_empty() {
        return Err(cannot());
    }
    found
        .into_iter()
        .find(|a| policy.permits(a.ip()))
        .ok_or_else(|| {
            BlockError::Input(format!(
                "SMTP server '{server}' is a private or reserved address, which this server may not reach"
            ))
        })
}

/// Sends `out` to `addr` (already checked), verifying TLS against the server's name.
pub async fn send(
    out: Outgoing<'_>,
    addr: SocketAddr,
    settings: &SmtpSettings,
) -> Result<(), BlockError> {
    let name = out.server.trim().to_string();
    let tls_params = || {
        TlsParameters::new(name.clone())
            .map_err(|e| BlockError::System(format!("cannot set up TLS for '{name}': {e}")))
    };
    let tls = match settings.tls {
        SmtpTls::None => Tls::None,
        _ if out.port == 465 => Tls::Wrapper(tls_params()?),
        SmtpTls::Required => Tls::Required(tls_params()?),
        SmtpTls::Opportunistic => Tls::Opportunistic(tls_params()?),
    };
    let transport = AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(addr.ip().to_string())
        .port(addr.port())
        .tls(tls)
        .timeout(Some(settings.timeout.unwrap_or(Duration::from_secs(30))))
        .credentials(Credentials::new(
            out.username.to_string(),
            out.password.to_string(),
        ))
        .build();
    transport
        .send(out.message)
        .await
        .map(|_| ())
        .map_err(|e| explain(&e, out.server, out.port))
}

/// AutoGPT's messages for what went wrong. Refusals of the server are the input's fault (the
/// `error` pin, as AutoGPT yields them); timeouts and temporary failures may pass on a retry.
fn explain(e: &lettre::transport::smtp::Error, server: &str, port: u16) -> BlockError {
    let code = e.status().map(u16::from);
    if e.is_timeout() {
        return BlockError::System(format!(
            "Connection timeout to '{server}' on port {port}. The server may be down or unreachable."
        ));
    }
    if e.is_tls() {
        return BlockError::Input(format!(
            "SSL/TLS error when connecting to '{server}': {e}. The server may require a different security protocol."
        ));
    }
    match code {
        Some(535 | 534 | 530) => BlockError::Input(
            "Authentication failed. Please verify your username and password are correct.".into(),
        ),
        Some(code) if e.is_transient() => {
            BlockError::System(format!("SMTP server '{server}' answered {code}: {e}"))
        }
        Some(_) => BlockError::Input(format!("Email data rejected by server: {e}")),
        None => {
            let text = e.to_string();
            if text.contains("STARTTLS") || text.contains("TLS") {
                BlockError::Input(format!(
                    "STARTTLS not supported by server '{server}'. Try using port 465 for SSL or port 25 for unencrypted connection."
                ))
            } else if text.to_lowercase().contains("refused") {
                BlockError::Input(format!(
                    "Connection refused to '{server}' on port {port}. Common SMTP ports are: 587 (TLS), 465 (SSL), 25 (plain). Please verify the port is correct."
                ))
            } else {
                BlockError::System(format!("sending the email through '{server}' failed: {e}"))
            }
        }
    }
}
