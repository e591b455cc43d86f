//! Submissions: a creator offers one of their graph versions to the store. The first
//! submission of a graph makes its listing; each later one is the listing's next version. Only
//! a PENDING version may be edited or withdrawn, and a listing has at most one at a time.

use chrono::Utc;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, IntoActiveModel, PaginatorTrait,
    QueryFilter, QueryOrder, QuerySelect, TransactionTrait,
};
use serde_json::Value;

use super::entity::{listing, version};
use super::status;
use crate::{Backend, Error, Result, Store};

/// A submission, its graph already checked by the caller, its permissions computed.
#[derive(Debug, Clone)]
pub struct NewSubmission {
    pub user_id: String,
    pub graph_id: String,
    pub graph_version: i32,
    pub slug: String,
    pub name: String,
    pub sub_heading: String,
    pub description: String,
    pub instructions: String,
    pub output_example: String,
    pub categories: Vec<String>,
    pub image_urls: Vec<String>,
    pub video_url: Option<String>,
    pub changes_summary: String,
    pub permissions: Value,
    pub asks_more: bool,
}

/// Changes to a pending submission; `None` keeps the stored value.
#[derive(Debug, Clone, Default)]
pub struct SubmissionChange {
    pub name: Option<String>,
    pub sub_heading: Option<String>,
    pub description: Option<String>,
    pub instructions: Option<String>,
    pub output_example: Option<String>,
    pub categories: Option<Vec<String>>,
    pub image_urls: Option<Vec<String>>,
    pub video_url: Option<Option<String>>,
    pub changes_summary: Option<String>,
}

impl Store {
    /// Records a submission as a PENDING listing version (version 1 of a new listing, or the
    /// next version of the graph's listing).
    pub async fn create_submission(&self, new: NewSubmission) -> Result<version::Model> {
        let now = Utc::now();
        let txn = self.db.begin().await?;
        if self.backend == Backend::Sqlite {
            // Take the write lock first (see `insert_graph_version`).
            txn.execute_unprepared("UPDATE store_listings SET id = id WHERE 0 = 1")
                .await?;
        }
        let existing = listing::Entity::find()
            .filter(listing::Column::GraphId.eq(&new.graph_id))
            .filter(listing::Column::UserId.eq(&new.user_id))
            .one(&txn)
            .await?;
        let listing_id = match existing {
            Some(l) => {
                let pending = version::Entity::find()
                    .filter(version::Column::ListingId.eq(&l.id))
                    .filter(version::Column::Status.eq(status::PENDING))
                    .count(&txn)
                    .await?;
                if pending > 0 {
                    return Err(Error::Conflict(
                        "this agent already has a pending submission: edit or withdraw it".into(),
                    ));
                }
                l.id
            }
            None => {
                let id = uuid::Uuid::now_v7().to_string();
                listing::Entity::insert(listing::ActiveModel {
                    id: Set(id.clone()),
                    user_id: Set(new.user_id.clone()),
                    graph_id: Set(new.graph_id.clone()),
                    slug: Set(new.slug.clone()),
                    active_version_id: Set(None),
                    is_featured: Set(false),
                    rating_sum: Set(0),
                    rating_count: Set(0),
                    rating_avg: Set(0.0),
                    run_count: Set(0),
                    published_at: Set(None),
                    created_at: Set(now),
                    updated_at: Set(now),
                })
                .exec(&txn)
                .await
                .map_err(super::conflict_on_unique("a listing with this slug"))?;
                id
            }
        };
        let last = version::Entity::find()
            .filter(version::Column::ListingId.eq(&listing_id))
            .order_by_desc(version::Column::Version)
            .one(&txn)
            .await?;
        let model = version::ActiveModel {
            id: Set(uuid::Uuid::now_v7().to_string()),
            listing_id: Set(listing_id),
            user_id: Set(new.user_id),
            version: Set(last.map_or(1, |v| v.version + 1)),
            graph_id: Set(new.graph_id),
            graph_version: Set(new.graph_version),
            name: Set(new.name),
            sub_heading: Set(new.sub_heading),
            description: Set(new.description),
            instructions: Set(new.instructions),
            output_example: Set(new.output_example),
            categories: Set(Value::from(new.categories)),
            image_urls: Set(Value::from(new.image_urls)),
            video_url: Set(new.video_url),
            changes_summary: Set(new.changes_summary),
            status: Set(status::PENDING.to_string()),
            permissions: Set(new.permissions),
            asks_more: Set(new.asks_more),
            submitted_at: Set(now),
            reviewer_id: Set(None),
            review_comments: Set(None),
            internal_comments: Set(None),
            reviewed_at: Set(None),
            takedown_reason: Set(None),
            rating_sum: Set(0),
            rating_count: Set(0),
            updated_at: Set(now),
        };
        let saved = version::Entity::insert(model)
            .exec_with_returning(&txn)
            .await
            .map_err(super::conflict_on_unique("this listing version"))?;
        txn.commit().await?;
        Ok(saved)
    }

    /// The newest APPROVED version of the user's listing of this graph, if any (what a new
    /// submission's permissions are compared with).
    pub async fn approved_version_of_graph(
        &self,
        user_id: &str,
        graph_id: &str,
    ) -> Result<Option<version::Model>> {
        Ok(version::Entity::find()
            .filter(version::Column::UserId.eq(user_id))
            .filter(version::Column::GraphId.eq(graph_id))
            .filter(version::Column::Status.eq(status::APPROVED))
            .order_by_desc(version::Column::Version)
            .one(&self.db)
            .await?)
    }

    /// One page of the user's submissions, newest first; with the total.
    pub async fn my_submissions(
        &self,
        user_id: &str,
        page: u64,
        page_size: u64,
    ) -> Result<(Vec<version::Model>, u64)> {
        let q = version::Entity::find().filter(version::Column::UserId.eq(user_id));
        let total = q.clone().count(&self.db).await?;
        let Some(offset) = super::skip(page, page_size, total) else {
            return Ok((Vec::new(), total));
        };
        let rows = q
            .order_by_desc(version::Column::SubmittedAt)
            .order_by_desc(version::Column::Id)
            .offset(offset)
            .limit(page_size)
            .all(&self.db)
            .await?;
        Ok((rows, total))
    }

    /// One of the user's submissions.
    pub async fn submission(&self, user_id: &str, id: &str) -> Result<version::Model> {
        version::Entity::find_by_id(id.to_string())
            .filter(version::Column::UserId.eq(user_id))
            .one(&self.db)
            .await?
            .ok_or_else(|| Error::NotFound(format!("submission {id}")))
    }

    /// Edits a PENDING submission of the user's; a decided one is a conflict.
    pub async fn update_submission(
        &self,
        user_id: &str,
        id: &str,
        change: SubmissionChange,
    ) -> Result<version::Model> {
        let current = self.submission(user_id, id).await?;
        if current.status != status::PENDING {
            return Err(Error::Conflict(format!(
                "submission {id} is {} and can no longer be edited",
                current.status
            )));
        }
        let mut m = current.into_active_model();
        if let Some(v) = change.name {
            m.name = Set(v);
        }
        if let Some(v) = change.sub_heading {
            m.sub_heading = Set(v);
        }
        if let Some(v) = change.description {
            m.description = Set(v);
        }
        if let Some(v) = change.instructions {
            m.instructions = Set(v);
        }
        if let Some(v) = change.output_example {
            m.output_example = Set(v);
        }
        if let Some(v) = change.categories {
            m.categories = Set(Value::from(v));
        }
        if let Some(v) = change.image_urls {
            m.image_urls = Set(Value::from(v));
        }
        if let Some(v) = change.video_url {
            m.video_url = Set(v);
        }
        if let Some(v) = change.changes_summary {
            m.changes_summary = Set(v);
        }
        m.updated_at = Set(Utc::now());
        // Only while still PENDING: a reviewer's decision in between wins.
        let updated = version::Entity::update_many()
            .set(m)
            .filter(version::Column::Id.eq(id))
            .filter(version::Column::UserId.eq(user_id))
            .filter(version::Column::Status.eq(status::PENDING))
            .exec_with_returning(&self.db)
            .await?;
        updated
            .into_iter()
            .next()
            .ok_or_else(|| Error::Conflict(format!("submission {id} was decided meanwhile")))
    }

    /// Withdraws a PENDING submission of the user's; a listing left without versions goes too.
    pub async fn withdraw_submission(&self, user_id: &str, id: &str) -> Result<()> {
        let current = self.submission(user_id, id).await?;
        if current.status != status::PENDING {
            return Err(Error::Conflict(format!(
                "submission {id} is {} and can no longer be withdrawn",
                current.status
            )));
        }
        let txn = self.db.begin().await?;
        let deleted = version::Entity::delete_many()
            .filter(version::Column::Id.eq(id))
            .filter(version::Column::UserId.eq(user_id))
            .filter(version::Column::Status.eq(status::PENDING))
            .exec(&txn)
            .await?;
        if deleted.rows_affected == 0 {
            return Err(Error::Conflict(format!(
                "submission {id} was decided meanwhile"
            )));
        }
        let left = version::Entity::find()
            .filter(version::Column::ListingId.eq(&current.listing_id))
            .count(&txn)
            .await?;
        if left == 0 {
            listing::Entity::delete_many()
                .filter(listing::Column::Id.eq(&current.listing_id))
                .filter(listing::Column::UserId.eq(user_id))
                .exec(&txn)
                .await?;
        }
        txn.commit().await?;
        Ok(())
    }
}
