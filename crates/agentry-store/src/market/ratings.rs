//! Ratings: one per user per listing version (a second is a conflict). Each rating adds to the
//! version's and the listing's running sum and count and refreshes the listing's average in
//! the same transaction, and each run of a store agent adds one to its listing's run count, so
//! browsing sorts by rating or runs without scanning anything.

use chrono::Utc;
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter};

use super::entity::{listing, rating, version};
use crate::{Error, Result, Store};

impl Store {
    /// Rates an APPROVED listing version (score 1 to 5, checked by the caller).
    pub async fn rate_version(
        &self,
        user_id: &str,
        version_id: &str,
        score: i32,
        comments: Option<String>,
    ) -> Result<rating::Model> {
        let txn = self.write_txn().await?;
        let v = version::Entity::find_by_id(version_id.to_string())
            .filter(version::Column::Status.eq(super::status::APPROVED))
            .one(&txn)
            .await?
            .ok_or_else(|| Error::NotFound(format!("store listing version {version_id}")))?;
        let already = rating::Entity::find()
            .filter(rating::Column::VersionId.eq(version_id))
            .filter(rating::Column::UserId.eq(user_id))
            .one(&txn)
            .await?;
        if already.is_some() {
            return Err(Error::Conflict(
                "you already reviewed this version of the agent".into(),
            ));
        }
        let saved = rating::Entity::insert(rating::ActiveModel {
            id: Set(uuid::Uuid::now_v7().to_string()),
            version_id: Set(version_id.to_string()),
            listing_id: Set(v.listing_id.clone()),
            user_id: Set(user_id.to_string()),
            score: Set(score),
            comments: Set(comments),
            created_at: Set(Utc::now()),
        })
        .exec_with_returning(&txn)
        .await
        .map_err(super::conflict_on_unique("a review of this version by you"))?;
        let score = i64::from(score);
        version::Entity::update_many()
            .col_expr(
                version::Column::RatingSum,
                Expr::col(version::Column::RatingSum).add(score),
            )
            .col_expr(
                version::Column::RatingCount,
                Expr::col(version::Column::RatingCount).add(1),
            )
            .filter(version::Column::Id.eq(version_id))
            .exec(&txn)
            .await?;
        listing::Entity::update_many()
            .col_expr(
                listing::Column::RatingSum,
                Expr::col(listing::Column::RatingSum).add(score),
            )
            .col_expr(
                listing::Column::RatingCount,
                Expr::col(listing::Column::RatingCount).add(1),
            )
            .filter(listing::Column::Id.eq(&v.listing_id))
            .exec(&txn)
            .await?;
        // The row is locked by the update above, so the average reads the sum just written.
        listing::Entity::update_many()
            .col_expr(
                listing::Column::RatingAvg,
                Expr::cust("CAST(rating_sum AS DOUBLE PRECISION) / rating_count"),
            )
            .filter(listing::Column::Id.eq(&v.listing_id))
            .exec(&txn)
            .await?;
        txn.commit().await?;
        Ok(saved)
    }

    /// The ratings of a listing version, newest first.
    pub async fn ratings_of_version(&self, version_id: &str) -> Result<Vec<rating::Model>> {
        use sea_orm::QueryOrder;
        Ok(rating::Entity::find()
            .filter(rating::Column::VersionId.eq(version_id))
            .order_by_desc(rating::Column::CreatedAt)
            .all(&self.db)
            .await?)
    }

    /// Counts one run of a store agent.
    pub async fn count_listing_run(&self, listing_id: &str) -> Result<()> {
        listing::Entity::update_many()
            .col_expr(
                listing::Column::RunCount,
                Expr::col(listing::Column::RunCount).add(1),
            )
            .filter(listing::Column::Id.eq(listing_id))
            .exec(&self.db)
            .await?;
        Ok(())
    }
}
