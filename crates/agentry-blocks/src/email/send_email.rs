//! SendEmailBlock: sends a plain-text email over SMTP with a user name and password, as
//! AutoGPT's `email_block.py` (STARTTLS, login, `From` = the login user name).

use agentry_core::{Block, BlockError, BlockMeta, Category, Cx};
use lettre::Message;
use lettre::message::header::ContentType;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::smtp::{self, Outgoing, SmtpSettings};
use crate::http::OutboundHttp;
use crate::http::guard::AddressPolicy;

pub struct SendEmail;

fn default_port() -> i64 {
    25
}

/// AutoGPT's `SMTPConfig`.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[schemars(title = "SMTP Config")]
pub struct SmtpConfig {
    /// SMTP server address
    pub smtp_server: String,
    /// SMTP port number
    #[serde(default = "default_port")]
    pub smtp_port: i64,
}

#[derive(Deserialize, JsonSchema)]
pub struct Input {
    /// Recipient email address
    pub to_email: String,
    /// Subject of the email
    pub subject: String,
    /// Body of the email
    pub body: String,
    /// SMTP Config
    pub config: SmtpConfig,
    /// The SMTP integration requires a username and password: the user's stored `smtp`
    /// user_password credentials this names by `id`; else (older graphs) `username` and
    /// `password` given here; else the operator's relay account, for its own server only.
    #[serde(default)]
    #[schemars(extend("credentials_provider" = ["smtp"], "credentials_types" = ["user_password"]))]
    pub credentials: Option<Value>,
}

#[derive(Serialize, JsonSchema)]
#[serde(tag = "pin", content = "value", rename_all = "snake_case")]
pub enum Output {
    /// Status of the email sending operation
    Status(String),
}

/// The user's stored SMTP login the `credentials` input names by id, when it names one.
async fn stored_login(
    input: &Input,
    cx: &mut Cx<'_, Output>,
) -> Result<Option<(String, String)>, BlockError> {
    let Some(meta) = input
        .credentials
        .clone()
        .and_then(|c| serde_json::from_value::<agentry_core::CredentialsMeta>(c).ok())
        .filter(|m| m.id.as_deref().is_some_and(|id| !id.is_empty()))
    else {
        return Ok(None);
    };
    let meta = agentry_core::CredentialsMeta {
        provider: Some(meta.provider.clone().unwrap_or_else(|| "smtp".into())),
        kind: Some("user_password".into()),
        ..meta
    };
    // The future alone crosses the await, not a borrow of the (non-`Sync`) context.
    let pending = cx.credential(&meta);
    match pending.await?.secret {
        agentry_core::CredentialSecret::UserPassword { username, password } => {
            Ok(Some((username, password.expose().to_string())))
        }
        _ => Err(BlockError::input(
            "The SMTP integration requires user_password credentials.",
        )),
    }
}

/// The user name and password to log in with.
fn login(input: &Input, settings: &SmtpSettings) -> Result<(String, String), BlockError> {
    let given = |field: &str| {
        input
            .credentials
            .as_ref()
            .and_then(|c| c.get(field))
            .and_then(Value::as_str)
            .filter(|s| !s.is_empty())
            .map(str::to_string)
    };
    if let (Some(user), Some(password)) = (given("username"), given("password")) {
        return Ok((user, password));
    }
    match &settings.relay {
        Some(relay)
            if relay
                .server
                .eq_ignore_ascii_case(input.config.smtp_server.trim()) =>
        {
            Ok((relay.username.clone(), relay.password.clone()))
        }
        _ => Err(BlockError::input(
            "The SMTP integration requires a username and password.",
        )),
    }
}

impl Block for SendEmail {
    const META: BlockMeta = BlockMeta::standard(
        "4335878a-394e-4e67-adf2-919877ff49ae",
        "SendEmailBlock",
        "This block sends an email using the provided SMTP credentials.",
        &[Category::Output],
    );
    type Input = Input;
    type Output = Output;

    async fn run(&self, input: Input, cx: &mut Cx<'_, Output>) -> Result<(), BlockError> {
        let settings = cx.resource::<SmtpSettings>().cloned().unwrap_or_default();
        let server = input.config.smtp_server.trim().to_string();
        let port = u16::try_from(input.config.smtp_port)
            .ok()
            .filter(|p| *p > 0)
            .ok_or_else(|| {
                BlockError::Input(format!("{} is not a port number", input.config.smtp_port))
            })?;
        if server.is_empty() {
            return Err(BlockError::input("the SMTP server address is empty"));
        }
        let (username, password) = match stored_login(&input, cx).await? {
            Some(stored) => stored,
            None => login(&input, &settings)?,
        };
        let from = settings
            .from_address
            .clone()
            .unwrap_or_else(|| username.clone());
        let from = from.parse().map_err(|_| {
            BlockError::Input(
                "Sender email address defined in the credentials that where used was rejected \
                 by the server. Please verify your account is authorized to send emails."
                    .into(),
            )
        })?;
        let to = input.to_email.trim().parse().map_err(|_| {
            BlockError::Input(format!(
                "Recipient email address '{}' was rejected by the server. Please verify the email address is valid.",
                input.to_email
            ))
        })?;
        let message = Message::builder()
            .from(from)
            .to(to)
            .subject(input.subject)
            .header(ContentType::TEXT_PLAIN)
            .body(input.body)
            .map_err(|e| BlockError::Input(format!("cannot build the email: {e}")))?;
        let http = OutboundHttp::from_cx(cx);
        let policy = AddressPolicy {
            allow_private_networks: http.settings().allow_private_networks,
            allowed_networks: http.settings().allowed_networks.clone(),
        };
        let addr = smtp::resolve(&server, port, &policy).await?;
        let out = Outgoing {
            server: &server,
            port,
            username: &username,
            password: &password,
            message,
        };
        smtp::send(out, addr, &settings).await?;
        cx.emit(Output::Status("Email sent successfully".into()));
        Ok(())
    }
}

#[cfg(test)]
#[path = "send_email_tests.rs"]
mod tests;
