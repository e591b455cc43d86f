//! The words of every notification, as minijinja templates (plain text, no escaping): a title
//! and a body per event kind, the email that wraps one, and the digest that gathers several.
//! The context is the notification's `data` plus `app_url`; nothing secret is ever in it.

use minijinja::Environment;
use serde_json::Value;

use super::kinds::NotificationKind;

/// (kind, title, body) of each event.
const EVENTS: [(NotificationKind, &str, &str); 9] = [
    (
        NotificationKind::RunFinished,
        "Your agent {{ graph_name }} finished",
        "The run {{ graph_exec_id }} of {{ graph_name }} (version {{ graph_version }}) completed.",
    ),
    (
        NotificationKind::RunFailed,
        "Your agent {{ graph_name }} failed",
        "The run {{ graph_exec_id }} of {{ graph_name }} (version {{ graph_version }}) failed\
         {% if error %}: {{ error }}{% endif %}.",
    ),
    (
        NotificationKind::SubmissionApproved,
        "{{ name }} is in the store",
        "Your submission {{ name }} (version {{ version }}) was approved and is published.\
         {% if comment %}\nThe reviewer wrote: {{ comment }}{% endif %}",
    ),
    (
        NotificationKind::SubmissionRejected,
        "{{ name }} was not approved",
        "Your submission {{ name }} (version {{ version }}) was not approved.\
         {% if comment %}\nThe reviewer wrote: {{ comment }}{% endif %}",
    ),
    (
        NotificationKind::AgentTakenDown,
        "{{ name }} was taken down",
        "Version {{ version }} of {{ name }} was taken out of the store: {{ reason }}",
    ),
    (
        NotificationKind::AgentNewVersion,
        "A new version of {{ name }}",
        "{{ name }}, an agent in your library, has a new version ({{ version }}).\
         {% if changes %}\nWhat changed: {{ changes }}{% endif %}\
         {% if asks_more %}\nIt asks for more permissions than before: check them before you run it.{% endif %}",
    ),
    (
        NotificationKind::LowBalance,
        "Your credits are running low",
        "Your balance is {{ balance }} credits, under {{ threshold }}. Top up so that your agents keep running.",
    ),
    (
        NotificationKind::ZeroBalance,
        "You are out of credits",
        "Your balance is {{ balance }} credits: your agents cannot run until you top up.",
    ),
    (
        NotificationKind::ScheduleFailing,
        "A schedule keeps failing",
        "The last {{ failures }} runs of the schedule {{ schedule_id }} ({{ graph_name }}) failed. \
         The newest error: {{ error or 'none recorded' }}",
    ),
];

const EMAIL: &str = "{{ body }}\n\n{% if app_url %}Open Agentry: {{ app_url }}\n{% endif %}\
You get this email because of your notification settings; change them in Agentry's settings.\n";

const DIGEST_SUBJECT: &str =
    "Your Agentry digest: {{ items | length }} notification{{ 's' if items | length != 1 }}";

const DIGEST_BODY: &str = "Since your last digest:\n\
{% for item in items %}\n- {{ item.title }}\n  {{ item.body | indent(2) }}\n{% endfor %}\n\
{% if app_url %}Open Agentry: {{ app_url }}\n{% endif %}\
You get this email because of your notification settings; change them in Agentry's settings.\n";

/// The compiled templates.
pub struct Templates {
    env: Environment<'static>,
}

/// A rendered notification: the title (an email's subject) and body.
#[derive(Debug, Clone)]
pub struct Rendered {
    pub title: String,
    pub body: String,
}

impl Templates {
    pub fn new() -> Templates {
        let mut env = Environment::new();
        env.set_auto_escape_callback(|_| minijinja::AutoEscape::None);
        for (kind, title, body) in EVENTS {
            env.add_template(title_name(kind), title)
                .expect("a title template compiles");
            env.add_template(body_name(kind), body)
                .expect("a body template compiles");
        }
        env.add_template("email", EMAIL).expect("compiles");
        env.add_template("digest.subject", DIGEST_SUBJECT)
            .expect("compiles");
        env.add_template("digest.body", DIGEST_BODY)
            .expect("compiles");
        Templates { env }
    }

    fn render(&self, name: &str, context: &Value) -> String {
        match self.env.get_template(name) {
            Ok(t) => t
                .render(minijinja::value::Serde(context))
                .unwrap_or_else(|e| {
                    tracing::error!(template = name, error = %e, "a notification template failed");
                    String::new()
                }),
            Err(_) => String::new(),
        }
    }

    /// The title and body of one event.
    pub fn event(&self, kind: NotificationKind, data: &Value) -> Rendered {
        Rendered {
            title: self.render(title_name(kind), data).trim().to_string(),
            body: self.render(body_name(kind), data).trim().to_string(),
        }
    }

    /// The email of one event.
    pub fn email(&self, body: &str, app_url: Option<&str>) -> String {
        self.render(
            "email",
            &serde_json::json!({"body": body, "app_url": app_url}),
        )
    }

    /// The digest of several events, `(title, body)` each: its subject and body.
    pub fn digest(&self, items: &[(String, String)], app_url: Option<&str>) -> Rendered {
        let items: Vec<Value> = items
            .iter()
            .map(|(title, body)| serde_json::json!({"title": title, "body": body}))
            .collect();
        let context = serde_json::json!({"items": items, "app_url": app_url});
        Rendered {
            title: self.render("digest.subject", &context).trim().to_string(),
            body: self.render("digest.body", &context),
        }
    }
}

impl Default for Templates {
    fn default() -> Self {
        Templates::new()
    }
}

fn title_name(kind: NotificationKind) -> &'static str {
    match kind {
        NotificationKind::RunFinished => "RUN_FINISHED.title",
        NotificationKind::RunFailed => "RUN_FAILED.title",
        NotificationKind::SubmissionApproved => "SUBMISSION_APPROVED.title",
        NotificationKind::SubmissionRejected => "SUBMISSION_REJECTED.title",
        NotificationKind::AgentTakenDown => "AGENT_TAKEN_DOWN.title",
        NotificationKind::AgentNewVersion => "AGENT_NEW_VERSION.title",
        NotificationKind::LowBalance => "LOW_BALANCE.title",
        NotificationKind::ZeroBalance => "ZERO_BALANCE.title",
        NotificationKind::ScheduleFailing => "SCHEDULE_FAILING.title",
    }
}

fn body_name(kind: NotificationKind) -> &'static str {
    match kind {
        NotificationKind::RunFinished => "RUN_FINISHED.body",
        NotificationKind::RunFailed => "RUN_FAILED.body",
        NotificationKind::SubmissionApproved => "SUBMISSION_APPROVED.body",
        NotificationKind::SubmissionRejected => "SUBMISSION_REJECTED.body",
        NotificationKind::AgentTakenDown => "AGENT_TAKEN_DOWN.body",
        NotificationKind::AgentNewVersion => "AGENT_NEW_VERSION.body",
        NotificationKind::LowBalance => "LOW_BALANCE.body",
        NotificationKind::ZeroBalance => "ZERO_BALANCE.body",
        NotificationKind::ScheduleFailing => "SCHEDULE_FAILING.body",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_renders_and_a_missing_field_renders_empty() {
        let templates = Templates::new();
        let data = serde_json::json!({"graph_name": "Summariser", "graph_exec_id": "e1",
            "graph_version": 2, "error": "boom"});
        let failed = templates.event(NotificationKind::RunFailed, &data);
        assert_eq!(failed.title, "Your agent Summariser failed");
        assert_eq!(
            failed.body,
            "The run e1 of Summariser (version 2) failed: boom."
        );
        for kind in NotificationKind::ALL {
            assert!(
                !templates
                    .event(kind, &serde_json::json!({}))
                    .title
                    .is_empty()
            );
        }
        let digest = templates.digest(
            &[("a".into(), "b".into()), ("c".into(), "d\ne".into())],
            Some("http://x"),
        );
        assert_eq!(digest.title, "Your Agentry digest: 2 notifications");
        assert!(digest.body.contains("- c\n  d\n  e"), "{}", digest.body);
    }
}
