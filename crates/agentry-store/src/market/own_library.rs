//! Library records for the graphs a user made themselves, as AutoGPT keeps a `LibraryAgent`
//! for every graph its user creates: favourites, folders and archive then live on the server
//! for every agent, not in one browser. They are made lazily (one per user and graph, the
//! unique index settles a race) and follow the graph's active version; a record whose own
//! graph was deleted goes with it. Every query filters by the user.

use std::collections::{BTreeMap, BTreeSet};

use chrono::Utc;
use sea_orm::{ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter, QuerySelect};

use super::entity::library_agent;
use crate::entity::graph;
use crate::{Result, Store};

impl Store {
    /// Gives each of the user's own graphs a library record, and drops the records of own
    /// graphs that no longer exist (store agents and their records are left alone).
    pub async fn sync_own_library_agents(&self, user_id: &str) -> Result<()> {
        use library_agent::Column as L;
        let versions: Vec<(String, i32)> = graph::Entity::find()
            .select_only()
            .column(graph::Column::Id)
            .column(graph::Column::Version)
            .filter(graph::Column::UserId.eq(user_id))
            .into_tuple()
            .all(&self.db)
            .await?;
        let mut newest: BTreeMap<String, i32> = BTreeMap::new();
        for (id, version) in versions {
            let entry = newest.entry(id).or_insert(version);
            *entry = (*entry).max(version);
        }
        let kept: Vec<(String, Option<String>, String)> = library_agent::Entity::find()
            .select_only()
            .column(L::GraphId)
            .column(L::ListingId)
            .column(L::GraphOwnerId)
            .filter(L::UserId.eq(user_id))
            .into_tuple()
            .all(&self.db)
            .await?;
        let in_library: BTreeSet<&str> = kept.iter().map(|(g, _, _)| g.as_str()).collect();
        let gone: Vec<&str> = kept
            .iter()
            .filter(|(g, listing, owner)| {
                listing.is_none() && owner == user_id && !newest.contains_key(g)
            })
            .map(|(g, _, _)| g.as_str())
            .collect();
        if !gone.is_empty() {
            library_agent::Entity::delete_many()
                .filter(L::UserId.eq(user_id))
                .filter(L::ListingId.is_null())
                .filter(L::GraphId.is_in(gone))
                .exec(&self.db)
                .await?;
        }
        let now = Utc::now();
        let missing: Vec<library_agent::ActiveModel> = newest
            .iter()
            .filter(|(g, _)| !in_library.contains(g.as_str()))
            .map(|(g, version)| library_agent::ActiveModel {
                id: Set(uuid::Uuid::now_v7().to_string()),
                user_id: Set(user_id.to_string()),
                graph_id: Set(g.clone()),
                graph_version: Set(*version),
                graph_owner_id: Set(user_id.to_string()),
                listing_id: Set(None),
                // An own graph's record runs its active version, whichever that is.
                follow_updates: Set(true),
                is_favorite: Set(false),
                is_archived: Set(false),
                folder_id: Set(None),
                is_created_by_user: Set(true),
                created_at: Set(now),
                updated_at: Set(now),
            })
            .collect();
        if !missing.is_empty() {
            library_agent::Entity::insert_many(missing)
                .on_conflict_do_nothing_on([L::UserId, L::GraphId])
                .exec_without_returning(&self.db)
                .await?;
        }
        Ok(())
    }
}
