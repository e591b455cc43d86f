//! Who a request acts as. The `authenticate` layer (`middleware.rs`) resolves the request's
//! credentials (a bearer access token, an API key, the session cookie, or nothing in local
//! mode) into a [`Principal`] and puts it in the request's extensions; handlers take it as an
//! extractor, and every store call is made with its `user_id`. Layers added inside
//! `authenticate` (perimeter: rate limits, audit) read it with
//! `request.extensions().get::<Principal>()`.
//!
//! A request without credentials carries no principal: public routes (health, sign-in, webhook
//! ingress) do not ask for one, every other handler's `Principal` extractor answers 401. An API
//! key is also checked against the permission its route needs (`permission.rs`) when the
//! extractor runs, so a handler cannot forget it.

pub mod accounts;
pub mod enrol;
pub mod middleware;
pub mod permission;
pub mod secret;

use axum::extract::{FromRequestParts, MatchedPath};
use axum::http::request::Parts;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

pub use self::accounts::{Accounts, AuthSettings};
pub use self::permission::Permission;
use crate::error::{ApiError, Code};

/// A user's role. The first account is an admin; admins manage users.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    User,
    Admin,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::User => "user",
            Role::Admin => "admin",
        }
    }

    pub fn parse(text: &str) -> Option<Role> {
        match text {
            "user" => Some(Role::User),
            "admin" => Some(Role::Admin),
            _ => None,
        }
    }
}

/// How a request authenticated.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Via {
    /// `--no-auth` on loopback: every request is the local user.
    Local,
    /// A signed access token, from the `Authorization` header or the session cookie.
    Session { cookie: bool },
    /// An API key: its id (never the key) and what it may do.
    ApiKey {
        key_id: String,
        permissions: Vec<Permission>,
    },
}

/// The signed-in user a request acts as.
#[derive(Clone, Debug)]
pub struct Principal {
    pub user_id: String,
    pub role: Role,
    pub via: Via,
}

impl Principal {
    /// The single local user of `--no-auth` mode, an admin of its own install.
    pub fn local() -> Principal {
        Principal {
            user_id: agentry_store::DEFAULT_USER_ID.to_string(),
            role: Role::Admin,
            via: Via::Local,
        }
    }

    pub fn is_admin(&self) -> bool {
        self.role == Role::Admin
    }

    /// The id of the API key the request used, if any (for audit records).
    pub fn api_key_id(&self) -> Option<&str> {
        match &self.via {
            Via::ApiKey { key_id, .. } => Some(key_id),
            _ => None,
        }
    }

    /// Refuses an API key that lacks `permission`; sessions and the local user may do anything
    /// their role allows.
    pub fn require(&self, permission: Permission) -> Result<(), ApiError> {
        match &self.via {
            Via::ApiKey { permissions, .. } if !permissions.contains(&permission) => {
                Err(ApiError::new(
                    Code::PermissionDenied,
                    format!("this API key lacks the {} permission", permission.as_str()),
                )
                .with_details(serde_json::json!({"permission": permission.as_str()})))
            }
            _ => Ok(()),
        }
    }
}

pub(crate) fn unauthenticated() -> ApiError {
    ApiError::new(
        Code::Unauthenticated,
        "sign in first: send `Authorization: Bearer <access token or API key>`",
    )
}

/// Takes the request's principal and checks an API key against its route's permission.
impl<S: Send + Sync> FromRequestParts<S> for Principal {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        let principal = parts
            .extensions
            .get::<Principal>()
            .cloned()
            .ok_or_else(unauthenticated)?;
        if let Via::ApiKey { .. } = principal.via {
            let path = parts
                .extensions
                .get::<MatchedPath>()
                .map(MatchedPath::as_str)
                .unwrap_or_default();
            match permission::for_route(&parts.method, path) {
                permission::Need::Permission(p) => principal.require(p)?,
                permission::Need::Session => {
                    return Err(ApiError::new(
                        Code::SessionRequired,
                        "this route takes a signed-in session, not an API key",
                    ));
                }
            }
        }
        Ok(principal)
    }
}

/// A principal that is an admin; anyone else gets 403 `admin_required`.
pub struct Admin(pub Principal);

impl<S: Send + Sync> FromRequestParts<S> for Admin {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let principal = Principal::from_request_parts(parts, state).await?;
        if !principal.is_admin() {
            return Err(ApiError::new(
                Code::AdminRequired,
                "this route is for administrators",
            ));
        }
        Ok(Admin(principal))
    }
}
