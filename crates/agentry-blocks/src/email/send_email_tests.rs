//! SendEmailBlock against a small SMTP sink the test starts on 127.0.0.1 (EHLO, AUTH PLAIN,
//! MAIL, RCPT, DATA, QUIT), checking what the server received.

use std::sync::Arc;

use agentry_core::Resources;
use agentry_core::testing::{Recorder, run_block_with};
use base64::Engine as _;
use serde_json::{Value, json};
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpListener;
use tokio::sync::Mutex;

use super::*;
use crate::email::smtp::{RelayAccount, SmtpTls};
use crate::http::{HttpSettings, OutboundHttp};

/// What the sink saw in one session.
#[derive(Debug, Default, Clone)]
struct Session {
    commands: Vec<String>,
    /// `user:password` from AUTH PLAIN.
    login: Option<String>,
    data: String,
}

/// Serves SMTP sessions on 127.0.0.1; passwords other than `secret` fail, recipients
/// starting with `nobody` are refused.
async fn sink() -> (u16, Arc<Mutex<Vec<Session>>>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let sessions: Arc<Mutex<Vec<Session>>> = Arc::default();
    let all = sessions.clone();
    tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            let all = all.clone();
            tokio::spawn(async move {
                let (read, mut write) = stream.into_split();
                let mut lines = BufReader::new(read).lines();
                let mut session = Session::default();
                write.write_all(b"220 sink ESMTP ready\r\n").await.unwrap();
                while let Ok(Some(line)) = lines.next_line().await {
                    session.commands.push(line.clone());
                    let verb = line.split(' ').next().unwrap_or("").to_uppercase();
                    let reply: &[u8] = match verb.as_str() {
                        "EHLO" => b"250-sink\r\n250 AUTH PLAIN LOGIN\r\n",
                        "AUTH" => {
                            let b64 = line.split(' ').nth(2).unwrap_or("");
                            let raw = base64::engine::general_purpose::STANDARD
                                .decode(b64)
                                .unwrap_or_default();
                            let parts: Vec<String> = raw
                                .split(|b| *b == 0)
                                .map(|p| String::from_utf8_lossy(p).into_owned())
                                .collect();
                            let login = parts[1..].join(":");
                            let ok = login.ends_with(":secret");
                            session.login = Some(login);
                            if ok {
                                b"235 2.7.0 ok\r\n"
                            } else {
                                b"535 5.7.8 bad credentials\r\n"
                            }
                        }
                        "MAIL" => b"250 ok\r\n",
                        "RCPT" if line.to_lowercase().contains("<nobody") => {
                            b"550 5.1.1 no such user\r\n"
                        }
                        "RCPT" => b"250 ok\r\n",
                        "DATA" => {
                            write.write_all(b"354 go on\r\n").await.unwrap();
                            while let Ok(Some(data)) = lines.next_line().await {
                                if data == "." {
                                    break;
                                }
                                session.data.push_str(&data);
                                session.data.push('\n');
                            }
                            b"250 queued\r\n"
                        }
                        "QUIT" => {
                            let _ = write.write_all(b"221 bye\r\n").await;
                            break;
                        }
                        _ => b"250 ok\r\n",
                    };
                    if write.write_all(reply).await.is_err() {
                        break;
                    }
                }
                all.lock().await.push(session);
            });
        }
    });
    (port, sessions)
}

fn recorder(settings: SmtpSettings) -> Recorder {
    let http = OutboundHttp::new(HttpSettings {
        allow_private_networks: true,
        ..HttpSettings::default()
    })
    .unwrap();
    Recorder {
        resources: Resources::new().with(http).with(settings),
        ..Recorder::default()
    }
}

fn plain() -> SmtpSettings {
    SmtpSettings {
        tls: SmtpTls::None,
        ..SmtpSettings::default()
    }
}

fn input(port: u16, to: &str, password: &str) -> Value {
    json!({
        "to_email": to,
        "subject": "Test Email",
        "body": "This is a test email.\nSecond line.",
        "config": {"smtp_server": "127.0.0.1", "smtp_port": port},
        "credentials": {"provider": "smtp", "type": "user_password",
                        "username": "agent@example.com", "password": password}
    })
}

/// Waits for the sink to record `n` sessions.
async fn sessions(all: &Arc<Mutex<Vec<Session>>>, n: usize) -> Vec<Session> {
    for _ in 0..200 {
        let got = all.lock().await.clone();
        if got.len() >= n {
            return got;
        }
        tokio::time::sleep(std::time::Duration::from_millis(10)).await;
    }
    panic!("the sink saw fewer than {n} sessions");
}

#[tokio::test]
async fn sends_a_plain_text_email_with_login() {
    let (port, all) = sink().await;
    let out = run_block_with(
        SendEmail,
        input(port, "recipient@example.com", "secret"),
        recorder(plain()),
    )
    .await;
    assert_eq!(
        out,
        vec![("status".into(), json!("Email sent successfully"))]
    );
    let got = sessions(&all, 1).await;
    let s = &got[0];
    assert_eq!(s.login.as_deref(), Some("agent@example.com:secret"));
    assert!(
        s.commands
            .iter()
            .any(|c| c == "MAIL FROM:<agent@example.com>"),
        "{s:?}"
    );
    assert!(
        s.commands
            .iter()
            .any(|c| c == "RCPT TO:<recipient@example.com>"),
        "{s:?}"
    );
    assert!(s.data.contains("Subject: Test Email"), "{}", s.data);
    assert!(s.data.contains("To: recipient@example.com"), "{}", s.data);
    assert!(s.data.contains("From: agent@example.com"), "{}", s.data);
    assert!(s.data.contains("Content-Type: text/plain"), "{}", s.data);
    assert!(
        s.data.contains("This is a test email.\nSecond line."),
        "{}",
        s.data
    );
}

#[tokio::test]
async fn refusals_are_autogpt_errors() {
    let (port, _all) = sink().await;
    let out = run_block_with(
        SendEmail,
        input(port, "recipient@example.com", "wrong"),
        recorder(plain()),
    )
    .await;
    assert_eq!(
        out,
        vec![(
            "error".into(),
            json!("Authentication failed. Please verify your username and password are correct.")
        )]
    );
    let out = run_block_with(
        SendEmail,
        input(port, "nobody@example.com", "secret"),
        recorder(plain()),
    )
    .await;
    assert_eq!(out[0].0, "error");
    assert!(out[0].1.as_str().unwrap().contains("rejected"), "{out:?}");
    let out = run_block_with(
        SendEmail,
        input(port, "not an address", "secret"),
        recorder(plain()),
    )
    .await;
    assert_eq!(out[0].0, "error");
}

#[tokio::test]
async fn tls_is_required_by_default() {
    // The sink offers no STARTTLS: the default settings refuse to send in plain text.
    let (port, all) = sink().await;
    let out = run_block_with(
        SendEmail,
        input(port, "recipient@example.com", "secret"),
        recorder(SmtpSettings::default()),
    )
    .await;
    assert_eq!(out[0].0, "error", "{out:?}");
    let got = all.lock().await.clone();
    assert!(
        got.iter().all(|s| s.login.is_none() && s.data.is_empty()),
        "{got:?}"
    );
}

#[tokio::test]
async fn private_servers_are_refused_by_default_and_relay_credentials_stay_home() {
    let (port, _all) = sink().await;
    let out = run_block_with(
        SendEmail,
        input(port, "recipient@example.com", "secret"),
        Recorder {
            resources: Resources::new().with(plain()),
            ..Recorder::default()
        },
    )
    .await;
    assert_eq!(out[0].0, "error");
    assert!(out[0].1.as_str().unwrap().contains("private"), "{out:?}");

    // The operator's relay account is used for its own server only.
    let settings = SmtpSettings {
        relay: Some(RelayAccount {
            server: "127.0.0.1".into(),
            username: "relay@example.com".into(),
            password: "secret".into(),
        }),
        ..plain()
    };
    let mut bare = input(port, "recipient@example.com", "");
    bare.as_object_mut().unwrap().remove("credentials");
    let out = run_block_with(SendEmail, bare.clone(), recorder(settings.clone())).await;
    assert_eq!(
        out,
        vec![("status".into(), json!("Email sent successfully"))]
    );
    bare["config"]["smtp_server"] = json!("localhost");
    let out = run_block_with(SendEmail, bare, recorder(settings)).await;
    assert_eq!(
        out,
        vec![(
            "error".into(),
            json!("The SMTP integration requires a username and password.")
        )]
    );
}
