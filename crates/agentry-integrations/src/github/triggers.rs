//! GitHub's webhook trigger blocks (AutoGPT's `triggers.py`): pull request, star, release,
//! issues and discussion events of one repository. Each is a `Webhook` block: the platform
//! registers a repository hook for the events the node subscribes to (`webhooks.rs`) and
//! starts a run with the delivery's JSON as the node's hidden `payload`; the block picks the
//! event's parts out of it, as AutoGPT's do.

use agentry_core::{Block, BlockError, BlockMeta, BlockType, Category, Cx, Registry};
use schemars::JsonSchema;
use serde::Serialize;
use serde_json::{Map, Value};

pub fn register(r: &mut Registry) {
    r.register(GithubPullRequestTrigger);
    r.register(GithubStarTrigger);
    r.register(GithubReleaseTrigger);
    r.register(GithubIssuesTrigger);
    r.register(GithubDiscussionTrigger);
}

/// An `EventsFilter`: one flag per action of a GitHub event, all off by default, and the
/// actions switched on.
macro_rules! events_filter {
    ($(#[$m:meta])* $name:ident { $($action:ident),* $(,)? }) => {
        $(#[$m])*
        #[derive(Debug, Clone, Default, serde::Deserialize, schemars::JsonSchema)]
        #[serde(default)]
        pub struct $name {
            $(pub $action: bool,)*
        }

        impl $name {
            /// The actions subscribed to, by GitHub's names.
            pub fn chosen(&self) -> Vec<&'static str> {
                let mut on = Vec::new();
                $(if self.$action { on.push(stringify!($action)); })*
                on
            }
        }
    };
}

/// A trigger block's `Input`: credentials, repository, its events filter, and the payload
/// the platform fills in.
macro_rules! trigger_input {
    ($name:ident, $events:ident, $events_doc:literal) => {
        github_input!(
            "repo",
            pub struct $name {
                /// Repository to subscribe to.
                ///
                /// **Note:** Make sure your GitHub credentials have permissions to create
                /// webhooks on this repo.
                pub repo: String,
                #[doc = $events_doc]
                #[serde(default)]
                #[schemars(title = "Events")]
                pub events: $events,
                /// The webhook payload; filled in by the platform when GitHub delivers an event.
                #[serde(default)]
                #[schemars(extend("hidden" = true))]
                pub payload: Map<String, Value>,
            }
        );
    };
}

events_filter!(
    /// https://docs.github.com/en/webhooks/webhook-events-and-payloads#pull_request
    PullRequestEvents { opened, edited, closed, reopened, synchronize, assigned, unassigned,
        labeled, unlabeled, converted_to_draft, locked, unlocked, enqueued, dequeued, milestoned,
        demilestoned, ready_for_review, review_requested, review_request_removed,
        auto_merge_enabled, auto_merge_disabled }
);
events_filter!(
    /// https://docs.github.com/en/webhooks/webhook-events-and-payloads#star
    StarEvents { created, deleted }
);
events_filter!(
    /// https://docs.github.com/en/webhooks/webhook-events-and-payloads#release
    ReleaseEvents { published, unpublished, created, edited, deleted, prereleased, released }
);
events_filter!(
    /// https://docs.github.com/en/webhooks/webhook-events-and-payloads#issues
    IssuesEvents { opened, edited, deleted, closed, reopened, assigned, unassigned, labeled,
        unlabeled, locked, unlocked, transferred, milestoned, demilestoned, pinned, unpinned }
);
events_filter!(
    /// https://docs.github.com/en/webhooks/webhook-events-and-payloads#discussion
    DiscussionEvents { created, edited, deleted, answered, unanswered, labeled, unlabeled, locked,
        unlocked, category_changed, transferred, pinned, unpinned }
);

trigger_input!(
    PullRequestInput,
    PullRequestEvents,
    "The events to subscribe to"
);
trigger_input!(StarInput, StarEvents, "The star events to subscribe to");
trigger_input!(
    ReleaseInput,
    ReleaseEvents,
    "The release events to subscribe to"
);
trigger_input!(
    IssuesInput,
    IssuesEvents,
    "The issue events to subscribe to"
);
trigger_input!(
    DiscussionInput,
    DiscussionEvents,
    "The discussion events to subscribe to"
);

/// `key` of `object`, an input error naming it when the delivery lacks it.
fn part(object: &Value, key: &str) -> Result<Value, BlockError> {
    object
        .get(key)
        .cloned()
        .ok_or_else(|| BlockError::Input(format!("The GitHub payload has no `{key}`")))
}

fn map(v: Value) -> Map<String, Value> {
    match v {
        Value::Object(m) => m,
        _ => Map::new(),
    }
}

fn text(v: Value) -> String {
    v.as_str().unwrap_or_default().to_string()
}

/// What every GitHub trigger yields first: the payload and who caused the event.
fn base<O: Serialize>(
    cx: &mut Cx<'_, O>,
    payload: &Map<String, Value>,
    as_payload: fn(Map<String, Value>) -> O,
    as_sender: fn(Map<String, Value>) -> O,
) -> Result<Value, BlockError> {
    let payload = Value::Object(payload.clone());
    let sender = part(&payload, "sender")?;
    cx.emit(as_payload(map(payload.clone())));
    cx.emit(as_sender(map(sender)));
    Ok(payload)
}

const CATEGORIES: &[Category] = &[Category::DeveloperTools, Category::Input];

const fn trigger_meta(
    id: &'static str,
    name: &'static str,
    description: &'static str,
) -> BlockMeta {
    BlockMeta {
        block_type: BlockType::Webhook,
        ..BlockMeta::standard(id, name, description, CATEGORIES)
    }
}

/// The payload and sender pins every GitHub trigger has, then its own.
macro_rules! trigger_output {
    ($name:ident { $($body:tt)* }) => {
        #[derive(Serialize, JsonSchema)]
        #[serde(tag = "pin", content = "value", rename_all = "snake_case")]
        pub enum $name {
            /// The complete webhook payload that was received from GitHub. Includes information
            /// about the affected resource (e.g. pull request), the event, and the user who
            /// triggered the event.
            Payload(Map<String, Value>),
            /// Object representing the GitHub user who triggered the event
            TriggeredByUser(Map<String, Value>),
            $($body)*
        }
    };
}

trigger_output!(PullRequestOutput {
    /// The PR event that triggered the webhook (e.g. 'opened')
    Event(String),
    /// The number of the affected pull request
    Number(i64),
    /// Object representing the affected pull request
    PullRequest(Map<String, Value>),
    /// The URL of the affected pull request
    PullRequestUrl(String),
});

pub struct GithubPullRequestTrigger;

impl Block for GithubPullRequestTrigger {
    const META: BlockMeta = trigger_meta(
        "6c60ec01-8128-419e-988f-96a063ee2fea",
        "GithubPullRequestTriggerBlock",
        "This block triggers on pull request events and outputs the event type and payload.",
    );
    type Input = PullRequestInput;
    type Output = PullRequestOutput;

    async fn run(
        &self,
        input: PullRequestInput,
        cx: &mut Cx<'_, PullRequestOutput>,
    ) -> Result<(), BlockError> {
        use PullRequestOutput as O;
        let payload = base(cx, &input.payload, O::Payload, O::TriggeredByUser)?;
        let pr = part(&payload, "pull_request")?;
        cx.emit(O::Event(text(part(&payload, "action")?)));
        cx.emit(O::Number(
            part(&payload, "number")?.as_i64().unwrap_or_default(),
        ));
        cx.emit(O::PullRequest(map(pr.clone())));
        cx.emit(O::PullRequestUrl(text(part(&pr, "html_url")?)));
        Ok(())
    }
}

trigger_output!(StarOutput {
    /// The star event that triggered the webhook ('created' or 'deleted')
    Event(String),
    /// ISO timestamp when the repo was starred (empty if deleted)
    StarredAt(String),
    /// Current number of stars on the repository
    StargazersCount(i64),
    /// Full name of the repository (owner/repo)
    RepositoryName(String),
    /// URL to the repository
    RepositoryUrl(String),
});

pub struct GithubStarTrigger;

impl Block for GithubStarTrigger {
    const META: BlockMeta = trigger_meta(
        "551e0a35-100b-49b7-89b8-3031322239b6",
        "GithubStarTriggerBlock",
        "This block triggers on GitHub star events. Useful for celebrating milestones (e.g., 1k, \
         10k stars) or tracking engagement.",
    );
    type Input = StarInput;
    type Output = StarOutput;

    async fn run(&self, input: StarInput, cx: &mut Cx<'_, StarOutput>) -> Result<(), BlockError> {
        use StarOutput as O;
        let payload = base(cx, &input.payload, O::Payload, O::TriggeredByUser)?;
        let repo = part(&payload, "repository")?;
        cx.emit(O::Event(text(part(&payload, "action")?)));
        cx.emit(O::StarredAt(text(payload["starred_at"].clone())));
        cx.emit(O::StargazersCount(
            part(&repo, "stargazers_count")?
                .as_i64()
                .unwrap_or_default(),
        ));
        cx.emit(O::RepositoryName(text(part(&repo, "full_name")?)));
        cx.emit(O::RepositoryUrl(text(part(&repo, "html_url")?)));
        Ok(())
    }
}

trigger_output!(ReleaseOutput {
    /// The release event that triggered the webhook (e.g., 'published')
    Event(String),
    /// The full release object
    Release(Map<String, Value>),
    /// URL to the release page
    ReleaseUrl(String),
    /// The release tag name (e.g., 'v1.0.0')
    TagName(String),
    /// Human-readable release name
    ReleaseName(String),
    /// Release notes/description
    Body(String),
    /// Whether this is a prerelease
    Prerelease(bool),
    /// Whether this is a draft release
    Draft(bool),
    /// List of release assets/files
    Assets(Vec<Value>),
});

pub struct GithubReleaseTrigger;

impl Block for GithubReleaseTrigger {
    const META: BlockMeta = trigger_meta(
        "2052dd1b-74e1-46ac-9c87-c7a0e057b60b",
        "GithubReleaseTriggerBlock",
        "This block triggers on GitHub release events. Perfect for automating announcements to \
         Discord, Twitter, or other platforms.",
    );
    type Input = ReleaseInput;
    type Output = ReleaseOutput;

    async fn run(
        &self,
        input: ReleaseInput,
        cx: &mut Cx<'_, ReleaseOutput>,
    ) -> Result<(), BlockError> {
        use ReleaseOutput as O;
        let payload = base(cx, &input.payload, O::Payload, O::TriggeredByUser)?;
        let release = part(&payload, "release")?;
        cx.emit(O::Event(text(part(&payload, "action")?)));
        cx.emit(O::Release(map(release.clone())));
        cx.emit(O::ReleaseUrl(text(part(&release, "html_url")?)));
        cx.emit(O::TagName(text(part(&release, "tag_name")?)));
        cx.emit(O::ReleaseName(text(release["name"].clone())));
        cx.emit(O::Body(text(release["body"].clone())));
        cx.emit(O::Prerelease(
            part(&release, "prerelease")?.as_bool().unwrap_or(false),
        ));
        cx.emit(O::Draft(
            part(&release, "draft")?.as_bool().unwrap_or(false),
        ));
        cx.emit(O::Assets(
            part(&release, "assets")?
                .as_array()
                .cloned()
                .unwrap_or_default(),
        ));
        Ok(())
    }
}

trigger_output!(IssuesOutput {
    /// The issue event that triggered the webhook (e.g., 'opened')
    Event(String),
    /// The issue number
    Number(i64),
    /// The full issue object
    Issue(Map<String, Value>),
    /// URL to the issue
    IssueUrl(String),
    /// The issue title
    IssueTitle(String),
    /// The issue body/description
    IssueBody(String),
    /// List of labels on the issue
    Labels(Vec<Value>),
    /// List of assignees
    Assignees(Vec<Value>),
    /// Issue state ('open' or 'closed')
    State(String),
});

pub struct GithubIssuesTrigger;

impl Block for GithubIssuesTrigger {
    const META: BlockMeta = trigger_meta(
        "b2605464-e486-4bf4-aad3-d8a213c8a48a",
        "GithubIssuesTriggerBlock",
        "This block triggers on GitHub issues events. Useful for automated triage, \
         notifications, and welcoming first-time contributors.",
    );
    type Input = IssuesInput;
    type Output = IssuesOutput;

    async fn run(
        &self,
        input: IssuesInput,
        cx: &mut Cx<'_, IssuesOutput>,
    ) -> Result<(), BlockError> {
        use IssuesOutput as O;
        let payload = base(cx, &input.payload, O::Payload, O::TriggeredByUser)?;
        let issue = part(&payload, "issue")?;
        let list = |key| part(&issue, key).map(|v| v.as_array().cloned().unwrap_or_default());
        cx.emit(O::Event(text(part(&payload, "action")?)));
        cx.emit(O::Number(
            part(&issue, "number")?.as_i64().unwrap_or_default(),
        ));
        cx.emit(O::Issue(map(issue.clone())));
        cx.emit(O::IssueUrl(text(part(&issue, "html_url")?)));
        cx.emit(O::IssueTitle(text(part(&issue, "title")?)));
        cx.emit(O::IssueBody(text(issue["body"].clone())));
        cx.emit(O::Labels(list("labels")?));
        cx.emit(O::Assignees(list("assignees")?));
        cx.emit(O::State(text(part(&issue, "state")?)));
        Ok(())
    }
}

trigger_output!(DiscussionOutput {
    /// The discussion event that triggered the webhook
    Event(String),
    /// The discussion number
    Number(i64),
    /// The full discussion object
    Discussion(Map<String, Value>),
    /// URL to the discussion
    DiscussionUrl(String),
    /// The discussion title
    Title(String),
    /// The discussion body
    Body(String),
    /// The discussion category object
    Category(Map<String, Value>),
    /// Name of the category
    CategoryName(String),
    /// Discussion state
    State(String),
});

pub struct GithubDiscussionTrigger;

impl Block for GithubDiscussionTrigger {
    const META: BlockMeta = trigger_meta(
        "87f847b3-d81a-424e-8e89-acadb5c9d52b",
        "GithubDiscussionTriggerBlock",
        "This block triggers on GitHub Discussions events. Great for syncing Q&A to Discord or \
         auto-responding to common questions. Note: Discussions must be enabled on the \
         repository.",
    );
    type Input = DiscussionInput;
    type Output = DiscussionOutput;

    async fn run(
        &self,
        input: DiscussionInput,
        cx: &mut Cx<'_, DiscussionOutput>,
    ) -> Result<(), BlockError> {
        use DiscussionOutput as O;
        let payload = base(cx, &input.payload, O::Payload, O::TriggeredByUser)?;
        let discussion = part(&payload, "discussion")?;
        let category = part(&discussion, "category")?;
        cx.emit(O::Event(text(part(&payload, "action")?)));
        cx.emit(O::Number(
            part(&discussion, "number")?.as_i64().unwrap_or_default(),
        ));
        cx.emit(O::Discussion(map(discussion.clone())));
        cx.emit(O::DiscussionUrl(text(part(&discussion, "html_url")?)));
        cx.emit(O::Title(text(part(&discussion, "title")?)));
        cx.emit(O::Body(text(discussion["body"].clone())));
        cx.emit(O::Category(map(category.clone())));
        cx.emit(O::CategoryName(text(part(&category, "name")?)));
        cx.emit(O::State(text(part(&discussion, "state")?)));
        Ok(())
    }
}
