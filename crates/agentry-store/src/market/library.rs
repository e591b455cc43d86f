//! The library: graphs a user keeps, each a reference to a store agent's graph (pinned to a
//! version or following the listing's newest approved one) or a graph of their own (a fork);
//! favourites, folders and archive. Every query filters by the library's user.

use chrono::Utc;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, EntityTrait, IntoActiveModel, PaginatorTrait,
    QueryFilter, QueryOrder, QuerySelect,
};

use super::entity::{folder, library_agent};
use crate::{Error, Result, Store};

/// A graph to put in a library.
#[derive(Debug, Clone)]
pub struct NewLibraryAgent {
    pub user_id: String,
    pub graph_id: String,
    pub graph_version: i32,
    pub graph_owner_id: String,
    pub listing_id: Option<String>,
    pub follow_updates: bool,
    pub is_created_by_user: bool,
}

/// Which library agents to list.
#[derive(Debug, Clone, Default)]
pub struct LibraryQuery {
    pub favorites_only: bool,
    pub folder_id: Option<String>,
    pub include_archived: bool,
    pub page: u64,
    pub page_size: u64,
}

/// Changes to a library agent; `None` keeps the stored value.
#[derive(Debug, Clone, Default)]
pub struct LibraryChange {
    pub is_favorite: Option<bool>,
    pub is_archived: Option<bool>,
    /// `Some(None)` takes the agent out of its folder.
    pub folder_id: Option<Option<String>>,
    pub follow_updates: Option<bool>,
    /// Pins this graph version (checked by the caller).
    pub graph_version: Option<i32>,
}

impl Store {
    /// The users who keep a store listing in their library (not archived, not their own
    /// fork): who hears of its new versions. Across users on purpose: the notifier's question.
    pub async fn library_users_of_listing(&self, listing_id: &str) -> Result<Vec<String>> {
        use library_agent::Column as C;
        Ok(library_agent::Entity::find()
            .select_only()
            .column(C::UserId)
            .distinct()
            .filter(C::ListingId.eq(listing_id))
            .filter(C::IsArchived.eq(false))
            .filter(C::IsCreatedByUser.eq(false))
            .into_tuple()
            .all(&self.db)
            .await?)
    }

    /// Adds a graph to the user's library; one already there is a conflict.
    pub async fn add_library_agent(&self, new: NewLibraryAgent) -> Result<library_agent::Model> {
        let now = Utc::now();
        library_agent::Entity::insert(library_agent::ActiveModel {
            id: Set(uuid::Uuid::now_v7().to_string()),
            user_id: Set(new.user_id),
            graph_id: Set(new.graph_id),
            graph_version: Set(new.graph_version),
            graph_owner_id: Set(new.graph_owner_id),
            listing_id: Set(new.listing_id),
            follow_updates: Set(new.follow_updates),
            is_favorite: Set(false),
            is_archived: Set(false),
            folder_id: Set(None),
            is_created_by_user: Set(new.is_created_by_user),
            created_at: Set(now),
            updated_at: Set(now),
        })
        .exec_with_returning(&self.db)
        .await
        .map_err(super::conflict_on_unique("this agent in your library"))
    }

    /// One page of the user's library, newest change first; with the total.
    pub async fn library_agents(
        &self,
        user_id: &str,
        q: &LibraryQuery,
    ) -> Result<(Vec<library_agent::Model>, u64)> {
        use library_agent::Column as C;
        let mut find = library_agent::Entity::find().filter(C::UserId.eq(user_id));
        if q.favorites_only {
            find = find.filter(C::IsFavorite.eq(true));
        }
        if let Some(folder) = &q.folder_id {
            find = find.filter(C::FolderId.eq(folder));
        }
        if !q.include_archived {
            find = find.filter(C::IsArchived.eq(false));
        }
        let total = find.clone().count(&self.db).await?;
        let Some(offset) = super::skip(q.page, q.page_size, total) else {
            return Ok((Vec::new(), total));
        };
        let rows = find
            .order_by_desc(C::UpdatedAt)
            .order_by_desc(C::Id)
            .offset(offset)
            .limit(q.page_size)
            .all(&self.db)
            .await?;
        Ok((rows, total))
    }

    pub async fn library_agent(&self, user_id: &str, id: &str) -> Result<library_agent::Model> {
        library_agent::Entity::find_by_id(id.to_string())
            .filter(library_agent::Column::UserId.eq(user_id))
            .one(&self.db)
            .await?
            .ok_or_else(|| Error::NotFound(format!("library agent {id}")))
    }

    /// The user's library agent of a graph, if there is one.
    pub async fn library_agent_by_graph(
        &self,
        user_id: &str,
        graph_id: &str,
    ) -> Result<Option<library_agent::Model>> {
        Ok(library_agent::Entity::find()
            .filter(library_agent::Column::UserId.eq(user_id))
            .filter(library_agent::Column::GraphId.eq(graph_id))
            .one(&self.db)
            .await?)
    }

    pub async fn update_library_agent(
        &self,
        user_id: &str,
        id: &str,
        change: LibraryChange,
    ) -> Result<library_agent::Model> {
        let current = self.library_agent(user_id, id).await?;
        if let Some(Some(folder_id)) = &change.folder_id {
            self.folder(user_id, folder_id).await?;
        }
        let mut m = current.into_active_model();
        if let Some(v) = change.is_favorite {
            m.is_favorite = Set(v);
        }
        if let Some(v) = change.is_archived {
            m.is_archived = Set(v);
        }
        if let Some(v) = change.folder_id {
            m.folder_id = Set(v);
        }
        if let Some(v) = change.follow_updates {
            m.follow_updates = Set(v);
        }
        if let Some(v) = change.graph_version {
            m.graph_version = Set(v);
        }
        m.updated_at = Set(Utc::now());
        Ok(m.update(&self.db).await?)
    }

    pub async fn delete_library_agent(&self, user_id: &str, id: &str) -> Result<()> {
        let res = library_agent::Entity::delete_many()
            .filter(library_agent::Column::Id.eq(id))
            .filter(library_agent::Column::UserId.eq(user_id))
            .exec(&self.db)
            .await?;
        if res.rows_affected == 0 {
            return Err(Error::NotFound(format!("library agent {id}")));
        }
        Ok(())
    }

    /// Makes a folder; a name the user already has is a conflict.
    pub async fn create_folder(&self, user_id: &str, name: &str) -> Result<folder::Model> {
        folder::Entity::insert(folder::ActiveModel {
            id: Set(uuid::Uuid::now_v7().to_string()),
            user_id: Set(user_id.to_string()),
            name: Set(name.to_string()),
            created_at: Set(Utc::now()),
        })
        .exec_with_returning(&self.db)
        .await
        .map_err(super::conflict_on_unique("a folder with this name"))
    }

    pub async fn folders(&self, user_id: &str) -> Result<Vec<folder::Model>> {
        Ok(folder::Entity::find()
            .filter(folder::Column::UserId.eq(user_id))
            .order_by_asc(folder::Column::Name)
            .all(&self.db)
            .await?)
    }

    pub async fn folder(&self, user_id: &str, id: &str) -> Result<folder::Model> {
        folder::Entity::find_by_id(id.to_string())
            .filter(folder::Column::UserId.eq(user_id))
            .one(&self.db)
            .await?
            .ok_or_else(|| Error::NotFound(format!("folder {id}")))
    }

    /// Deletes a folder; its agents stay in the library, outside any folder.
    pub async fn delete_folder(&self, user_id: &str, id: &str) -> Result<()> {
        self.folder(user_id, id).await?;
        library_agent::Entity::update_many()
            .col_expr(
                library_agent::Column::FolderId,
                sea_orm::sea_query::Expr::value(Option::<String>::None),
            )
            .filter(library_agent::Column::UserId.eq(user_id))
            .filter(library_agent::Column::FolderId.eq(id))
            .exec(&self.db)
            .await?;
        folder::Entity::delete_many()
            .filter(folder::Column::Id.eq(id))
            .filter(folder::Column::UserId.eq(user_id))
            .exec(&self.db)
            .await?;
        Ok(())
    }
}
