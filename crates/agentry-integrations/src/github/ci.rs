//! GithubGetCIResultsBlock: a commit's (or a pull request head's) check runs, every page of
//! `GET /repos/{o}/{r}/commits/{sha}/check-runs`, their annotations, an overall verdict, and the
//! log lines that match a pattern, as AutoGPT's `ci.py` computes them.

use agentry_core::{Block, BlockError, BlockMeta, Category, Cx, Registry};
use regex::Regex;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::{repo_api, text};

pub fn register(r: &mut Registry) {
    r.register(GithubGetCIResults);
}

/// Check runs asked per page (GitHub's maximum); a shorter page is the last.
const PER_PAGE: usize = 100;

/// A commit SHA or a pull request number.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(untagged)]
pub enum Target {
    Number(i64),
    Text(String),
}

github_input!(
    "repo",
    pub struct Input {
        /// GitHub repository
        pub repo: String,
        /// Commit SHA or PR number to get CI results for
        pub target: Target,
        /// Optional regex pattern to search for in CI logs (e.g., error messages, file names)
        #[serde(default)]
        pub search_pattern: Option<String>,
        /// Optional filter for specific check names (supports wildcards)
        #[serde(default)]
        pub check_name_filter: Option<String>,
    }
);

/// AutoGPT's `CheckRunItem`.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct CheckRunItem {
    pub id: i64,
    pub name: String,
    pub status: String,
    pub conclusion: Option<String>,
    pub started_at: Option<String>,
    pub completed_at: Option<String>,
    pub html_url: String,
    pub details_url: Option<String>,
    pub output_title: Option<String>,
    pub output_summary: Option<String>,
    pub output_text: Option<String>,
    pub annotations: Vec<Value>,
}

/// AutoGPT's `MatchedLine`: a matching log line with two lines of context each side.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct MatchedLine {
    pub check_name: String,
    pub line_number: i64,
    pub line: String,
    pub context: Vec<String>,
}

#[derive(Serialize, JsonSchema)]
#[serde(tag = "pin", content = "value", rename_all = "snake_case")]
pub enum Output {
    /// Individual CI check run with details
    #[schemars(title = "Check Run")]
    CheckRun(CheckRunItem),
    /// List of all CI check runs
    CheckRuns(Vec<CheckRunItem>),
    /// Line matching the search pattern with context
    #[schemars(title = "Matched Line")]
    MatchedLine(MatchedLine),
    /// All lines matching the search pattern across all checks
    MatchedLines(Vec<MatchedLine>),
    /// Overall CI status (pending, success, failure)
    OverallStatus(String),
    /// Overall CI conclusion if completed
    OverallConclusion(String),
    /// Total number of CI checks
    TotalChecks(i64),
    /// Number of passed checks
    PassedChecks(i64),
    /// Number of failed checks
    FailedChecks(i64),
}

/// Python's `fnmatch` pattern (`*`, `?`, `[seq]`, `[!seq]`) as an anchored regex.
pub fn wildcard(pattern: &str) -> Result<Regex, BlockError> {
    let mut out = String::from("^");
    let mut chars = pattern.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '*' => out.push_str(".*"),
            '?' => out.push('.'),
            '[' => {
                let class: String = chars.by_ref().take_while(|&c| c != ']').collect();
                let class = class
                    .strip_prefix('!')
                    .map_or(class.clone(), |rest| format!("^{rest}"));
                out.push_str(&format!("[{}]", class.replace('\\', "\\\\")));
            }
            other => out.push_str(&regex::escape(&other.to_string())),
        }
    }
    out.push('$');
    Regex::new(&out).map_err(|e| BlockError::Input(format!("Invalid check name filter: {e}")))
}

fn optional(v: &Value) -> Option<String> {
    v.as_str().map(str::to_string)
}

/// AutoGPT's `search_in_logs`: every output line the pattern (case-insensitive) finds.
pub fn search(runs: &[CheckRunItem], pattern: &str) -> Result<Vec<MatchedLine>, BlockError> {
    let regex = Regex::new(&format!("(?im){pattern}"))
        .map_err(|e| BlockError::Input(format!("Invalid search pattern: {e}")))?;
    let mut found = Vec::new();
    for run in runs {
        let Some(output) = run.output_text.as_deref().filter(|t| !t.is_empty()) else {
            continue;
        };
        let lines: Vec<&str> = output.split('\n').collect();
        for (i, line) in lines.iter().enumerate() {
            if regex.is_match(line) {
                let context = lines[i.saturating_sub(2)..(i + 3).min(lines.len())]
                    .iter()
                    .map(|l| l.to_string())
                    .collect();
                found.push(MatchedLine {
                    check_name: run.name.clone(),
                    line_number: i as i64 + 1,
                    line: line.to_string(),
                    context,
                });
            }
        }
    }
    Ok(found)
}

pub struct GithubGetCIResults;

impl Block for GithubGetCIResults {
    const META: BlockMeta = BlockMeta::standard(
        "8ad9e103-78f2-4fdb-ba12-3571f2c95e98",
        "GithubGetCIResultsBlock",
        "This block gets CI results for a commit or PR, with optional search for specific \
         errors/warnings in logs.",
        &[Category::DeveloperTools],
    );
    type Input = Input;
    type Output = Output;

    async fn run(&self, input: Input, cx: &mut Cx<'_, Output>) -> Result<(), BlockError> {
        let repo = repo_api(&input.repo)?;
        let filter = input
            .check_name_filter
            .as_deref()
            .filter(|f| !f.is_empty())
            .map(|f| wildcard(&f.to_lowercase()))
            .transpose()?;
        // As AutoGPT: a target that reads as an integer is a pull request number.
        let number = match &input.target {
            Target::Number(n) => Some(*n),
            Target::Text(t) => t.trim().parse::<i64>().ok(),
        };
        let client = super::client(cx, &input.credentials).await?;
        let sha = match (number, &input.target) {
            (Some(n), _) => {
                let pr = client
                    .get_json(cx, &format!("{repo}/pulls/{n}"), &[])
                    .await?;
                text(&pr["head"], "sha")
            }
            (None, Target::Text(t))
                if t.len() >= 6 && t.len() <= 40 && t.bytes().all(|b| b.is_ascii_hexdigit()) =>
            {
                t.clone()
            }
            _ => {
                return Err(BlockError::Input(
                    "Target must be a commit SHA or PR URL".into(),
                ));
            }
        };
        let path = format!("{repo}/commits/{sha}/check-runs");
        let mut all = Vec::new();
        for page in 1.. {
            let query = [
                ("per_page", PER_PAGE.to_string()),
                ("page", page.to_string()),
            ];
            let answer = client.get_json(cx, &path, &query).await?;
            let runs = answer["check_runs"].as_array().cloned().unwrap_or_default();
            let last = runs.len() < PER_PAGE;
            all.extend(runs);
            if last {
                break;
            }
        }
        let mut runs = Vec::new();
        for run in all {
            if let Some(filter) = &filter
                && !filter.is_match(&text(&run, "name").to_lowercase())
            {
                continue;
            }
            let output = &run["output"];
            let mut item = CheckRunItem {
                id: run["id"].as_i64().unwrap_or_default(),
                name: text(&run, "name"),
                status: text(&run, "status"),
                conclusion: optional(&run["conclusion"]),
                started_at: optional(&run["started_at"]),
                completed_at: optional(&run["completed_at"]),
                html_url: text(&run, "html_url"),
                details_url: optional(&run["details_url"]),
                output_title: optional(&output["title"]),
                output_summary: optional(&output["summary"]),
                output_text: optional(&output["text"]).filter(|t| !t.is_empty()),
                annotations: Vec::new(),
            };
            if output["annotations_count"].as_i64().unwrap_or_default() > 0 {
                let at = format!("{repo}/check-runs/{}/annotations", item.id);
                // As AutoGPT: annotations are a bonus; failing to read them is not an error.
                if let Ok(Value::Array(notes)) = client.get_json(cx, &at, &[]).await {
                    item.annotations = notes;
                }
            }
            runs.push(item);
        }
        let (status, conclusion) = if runs.is_empty() {
            ("no_checks", "no_checks")
        } else if runs.iter().all(|r| r.status == "completed") {
            let failed = runs.iter().any(|r| {
                matches!(
                    r.conclusion.as_deref(),
                    Some("failure" | "timed_out" | "action_required")
                )
            });
            ("completed", if failed { "failure" } else { "success" })
        } else {
            ("pending", "pending")
        };
        cx.emit(Output::OverallStatus(status.into()));
        cx.emit(Output::OverallConclusion(conclusion.into()));
        let count = |f: &dyn Fn(Option<&str>) -> bool| {
            runs.iter().filter(|r| f(r.conclusion.as_deref())).count() as i64
        };
        cx.emit(Output::TotalChecks(runs.len() as i64));
        cx.emit(Output::PassedChecks(count(&|c| c == Some("success"))));
        cx.emit(Output::FailedChecks(count(&|c| {
            matches!(c, Some("failure" | "timed_out"))
        })));
        let matched = match input.search_pattern.as_deref().filter(|p| !p.is_empty()) {
            Some(pattern) => search(&runs, pattern)?,
            None => Vec::new(),
        };
        cx.emit(Output::CheckRuns(runs));
        if !matched.is_empty() {
            cx.emit(Output::MatchedLines(matched));
        }
        Ok(())
    }
}
