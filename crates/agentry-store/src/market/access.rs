//! Which graph versions a user may run: their own, or a store agent's version that is approved
//! and whose listing is in their library (AutoGPT's library agents reference store graphs, they
//! are not copied). A sub-agent node, a library run and a worker taking a run over all ask here.

use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QuerySelect};

use super::entity::{library_agent, version};
use super::status;
use crate::{Error, GraphRecord, Result, Store};

/// Why a user may not run a graph version they do not own.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    /// Neither theirs nor a version of a store agent in their library.
    NoAccess { graph_id: String, version: i32 },
    /// The store agent's version was taken down.
    TakenDown { version: i32, reason: String },
    /// The version was submitted but is not approved (pending or rejected).
    NotApproved { version: i32, status: String },
}

impl std::fmt::Display for Refusal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Refusal::NoAccess { graph_id, version } => write!(
                f,
                "graph {graph_id} version {version} is neither yours nor a store agent in your library"
            ),
            Refusal::TakenDown { version, reason } => write!(
                f,
                "version {version} of this store agent was taken down ({reason}) and can no longer run"
            ),
            Refusal::NotApproved { version, status } => write!(
                f,
                "version {version} of this store agent is not approved (it is {status}) and cannot run"
            ),
        }
    }
}

impl Store {
    /// A graph version `user_id` may run: their own, or an approved version of a store listing
    /// in their library (then owned by its creator). `Ok(Err(_))` says why not.
    pub async fn runnable_graph(
        &self,
        user_id: &str,
        graph_id: &str,
        version: i32,
    ) -> Result<std::result::Result<GraphRecord, Refusal>> {
        match self.get_graph(user_id, graph_id, Some(version)).await {
            Ok(record) => return Ok(Ok(record)),
            Err(Error::NotFound(_)) => {}
            Err(e) => return Err(e),
        }
        match self.store_graph_owner(user_id, graph_id, version).await? {
            Ok(owner) => Ok(Ok(self.get_graph(&owner, graph_id, Some(version)).await?)),
            Err(refusal) => Ok(Err(refusal)),
        }
    }

    /// The creator of a store agent's graph version the user has in their library, when that
    /// version is approved; otherwise why it cannot run.
    pub async fn store_graph_owner(
        &self,
        user_id: &str,
        graph_id: &str,
        graph_version: i32,
    ) -> Result<std::result::Result<String, Refusal>> {
        // Listing versions are read across creators on purpose: the library row below is the
        // user's, and only what it references counts.
        let versions = version::Entity::find()
            .filter(version::Column::GraphId.eq(graph_id))
            .filter(version::Column::GraphVersion.eq(graph_version))
            .all(&self.db)
            .await?;
        let listing_ids: Vec<String> = versions.iter().map(|v| v.listing_id.clone()).collect();
        let in_library: Vec<String> = if listing_ids.is_empty() {
            Vec::new()
        } else {
            library_agent::Entity::find()
                .select_only()
                .column(library_agent::Column::ListingId)
                .filter(library_agent::Column::UserId.eq(user_id))
                .filter(library_agent::Column::ListingId.is_in(listing_ids))
                .into_tuple::<Option<String>>()
                .all(&self.db)
                .await?
                .into_iter()
                .flatten()
                .collect()
        };
        let mine: Vec<&version::Model> = versions
            .iter()
            .filter(|v| in_library.contains(&v.listing_id))
            .collect();
        if let Some(approved) = mine.iter().find(|v| v.status == status::APPROVED) {
            return Ok(Ok(approved.user_id.clone()));
        }
        if let Some(reason) = mine.iter().find_map(|v| v.takedown_reason.clone()) {
            return Ok(Err(Refusal::TakenDown {
                version: graph_version,
                reason,
            }));
        }
        Ok(Err(match mine.first() {
            Some(v) => Refusal::NotApproved {
                version: graph_version,
                status: v.status.clone(),
            },
            None => Refusal::NoAccess {
                graph_id: graph_id.to_string(),
                version: graph_version,
            },
        }))
    }
}
