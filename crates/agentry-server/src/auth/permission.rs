//! API key permissions (AutoGPT's `APIKeyPermission` names, plus our `WRITE_GRAPH`) and the one
//! table that says which a route needs. A route missing from the table takes a session only,
//! so a new route is closed to API keys until it is listed here.

use axum::http::Method;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// What an API key may do. AutoGPT's names; `WRITE_GRAPH` (save, change or delete graphs,
/// presets, schedules; decide reviews) is ours: AutoGPT's keys reach only its external API.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Permission {
    Identity,
    ExecuteGraph,
    ReadGraph,
    WriteGraph,
    ExecuteBlock,
    ReadBlock,
    ReadStore,
    UseTools,
    ManageIntegrations,
    ReadIntegrations,
    DeleteIntegrations,
}

impl Permission {
    pub const ALL: [Permission; 11] = [
        Permission::Identity,
        Permission::ExecuteGraph,
        Permission::ReadGraph,
        Permission::WriteGraph,
        Permission::ExecuteBlock,
        Permission::ReadBlock,
        Permission::ReadStore,
        Permission::UseTools,
        Permission::ManageIntegrations,
        Permission::ReadIntegrations,
        Permission::DeleteIntegrations,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Permission::Identity => "IDENTITY",
            Permission::ExecuteGraph => "EXECUTE_GRAPH",
            Permission::ReadGraph => "READ_GRAPH",
            Permission::WriteGraph => "WRITE_GRAPH",
            Permission::ExecuteBlock => "EXECUTE_BLOCK",
            Permission::ReadBlock => "READ_BLOCK",
            Permission::ReadStore => "READ_STORE",
            Permission::UseTools => "USE_TOOLS",
            Permission::ManageIntegrations => "MANAGE_INTEGRATIONS",
            Permission::ReadIntegrations => "READ_INTEGRATIONS",
            Permission::DeleteIntegrations => "DELETE_INTEGRATIONS",
        }
    }

    pub fn parse(text: &str) -> Option<Permission> {
        Permission::ALL.into_iter().find(|p| p.as_str() == text)
    }
}

/// What a route asks of an API key.
#[derive(Debug, PartialEq, Eq)]
pub enum Need {
    Permission(Permission),
    /// Accounts, keys and administration: a signed-in session (or the local user) only.
    Session,
}

/// The permission an API key needs for `method` on the matched route `path`.
pub fn for_route(method: &Method, path: &str) -> Need {
    use Permission as P;
    let read = *method == Method::GET || *method == Method::HEAD;
    let need = |p| Need::Permission(p);
    let path = path
        .strip_prefix("/external-api/v1")
        .map_or(path, |rest| rest);
    if path == "/me" {
        return need(P::Identity);
    }
    if path.starts_with("/api/auth") || path.starts_with("/api/api-keys") {
        return Need::Session;
    }
    if path.starts_with("/api/admin") {
        return Need::Session;
    }
    if path == "/ws" {
        return need(P::ReadGraph);
    }
    let rest = path.strip_prefix("/api").unwrap_or(path);
    if rest.starts_with("/blocks") {
        return if read {
            need(P::ReadBlock)
        } else {
            need(P::ExecuteBlock)
        };
    }
    if rest.starts_with("/integrations") {
        // Starting an OAuth2 login is a GET that leads to new credentials: managing, as
        // AutoGPT's external `oauth/initiate`.
        let oauth = rest.ends_with("/login") || rest.ends_with("/callback");
        return if read && !oauth {
            need(P::ReadIntegrations)
        } else if *method == Method::DELETE {
            need(P::DeleteIntegrations)
        } else {
            need(P::ManageIntegrations)
        };
    }
    if rest.starts_with("/store") {
        return need(P::ReadStore);
    }
    if rest.starts_with("/tools") {
        return need(P::UseTools);
    }
    let graph_area = [
        "/graphs",
        "/executions",
        "/schedules",
        "/library",
        "/review",
    ]
    .iter()
    .any(|area| rest.starts_with(area));
    if !graph_area {
        return Need::Session;
    }
    if read {
        need(P::ReadGraph)
    } else if rest.contains("/execute") || rest.ends_with("/stop") {
        need(P::ExecuteGraph)
    } else {
        need(P::WriteGraph)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn routes_map_to_autogpt_permissions() {
        let cases = [
            (
                Method::GET,
                "/api/graphs",
                Need::Permission(Permission::ReadGraph),
            ),
            (
                Method::POST,
                "/api/graphs/{graph_id}/execute/{version}",
                Need::Permission(Permission::ExecuteGraph),
            ),
            (
                Method::POST,
                "/api/graphs/{graph_id}/executions/{exec_id}/stop",
                Need::Permission(Permission::ExecuteGraph),
            ),
            (
                Method::POST,
                "/api/graphs",
                Need::Permission(Permission::WriteGraph),
            ),
            (
                Method::GET,
                "/api/blocks",
                Need::Permission(Permission::ReadBlock),
            ),
            (
                Method::POST,
                "/api/blocks/{block_id}/execute",
                Need::Permission(Permission::ExecuteBlock),
            ),
            (
                Method::GET,
                "/external-api/v1/me",
                Need::Permission(Permission::Identity),
            ),
            (
                Method::POST,
                "/external-api/v1/graphs/{graph_id}/execute/{version}",
                Need::Permission(Permission::ExecuteGraph),
            ),
            (
                Method::GET,
                "/api/integrations/credentials",
                Need::Permission(Permission::ReadIntegrations),
            ),
            (
                Method::POST,
                "/api/integrations/{provider}/credentials",
                Need::Permission(Permission::ManageIntegrations),
            ),
            (
                Method::GET,
                "/api/integrations/{provider}/login",
                Need::Permission(Permission::ManageIntegrations),
            ),
            (
                Method::POST,
                "/api/integrations/{provider}/callback",
                Need::Permission(Permission::ManageIntegrations),
            ),
            (
                Method::DELETE,
                "/api/integrations/{provider}/credentials/{cred_id}",
                Need::Permission(Permission::DeleteIntegrations),
            ),
            (Method::POST, "/api/api-keys", Need::Session),
            (Method::GET, "/api/admin/users", Need::Session),
            (Method::POST, "/api/auth/logout", Need::Session),
            (Method::GET, "/api/something-new", Need::Session),
        ];
        for (method, path, want) in cases {
            assert_eq!(for_route(&method, path), want, "{method} {path}");
        }
    }

    #[test]
    fn names_round_trip() {
        for p in Permission::ALL {
            assert_eq!(Permission::parse(p.as_str()), Some(p));
            assert_eq!(serde_json::to_value(p).unwrap(), p.as_str());
        }
        assert_eq!(Permission::parse("READ_EVERYTHING"), None);
    }
}
