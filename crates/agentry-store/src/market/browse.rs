//! Browsing and search of published listings (those with an active approved version):
//! featured, by creator, by category, sorted by rating, runs, recency or name, paginated; and
//! ranked full-text search behind one function, `search_listings`: SQLite's FTS5 (`bm25`,
//! name weighted above sub-heading and categories, above description) or PostgreSQL's weighted
//! `tsvector` (`ts_rank`). The search row of a listing is written when a version is published.
//! With the query's embedding, the ranking is hybrid (`semantic.rs`).

use sea_orm::sea_query::{Expr, ExprTrait, Query};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseTransaction, EntityTrait, PaginatorTrait, QueryFilter,
    QueryOrder, QuerySelect, Statement,
};

use super::entity::{listing, version};
use crate::{Backend, Error, Result, Store};

/// How a page of listings is ordered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ListingSort {
    /// Best search match first (without a search: newest first).
    #[default]
    Relevance,
    Rating,
    Runs,
    Recent,
    Name,
}

/// What to list.
#[derive(Debug, Clone, Default)]
pub struct ListingQuery {
    pub featured: bool,
    /// The creator's user id.
    pub creator: Option<String>,
    pub category: Option<String>,
    pub search: Option<String>,
    /// The search's embedding, for hybrid search (`semantic.rs`).
    pub semantic: Option<super::Semantic>,
    pub sort: ListingSort,
    pub page: u64,
    pub page_size: u64,
}

/// A published listing with its active version.
#[derive(Debug, Clone)]
pub struct ListingRow {
    pub listing: listing::Model,
    pub version: version::Model,
}

/// The most search results ranked (then filtered and paged).
const MAX_SEARCH_HITS: u64 = 500;

impl Store {
    /// Listing ids matching `text`, best first, at most `limit`. Words must all match (after
    /// stemming); the query's own syntax is never interpreted.
    pub async fn search_listings(&self, text: &str, limit: u64) -> Result<Vec<String>> {
        let words: Vec<String> = text
            .split(|c: char| !c.is_alphanumeric())
            .filter(|w| !w.is_empty())
            .take(32)
            .map(str::to_lowercase)
            .collect();
        if words.is_empty() {
            return Ok(Vec::new());
        }
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        let statement = match self.backend {
            Backend::Sqlite => {
                // Each word quoted: an FTS5 string, never an operator or column filter.
                let query = words
                    .iter()
                    .map(|w| format!("\"{w}\""))
                    .collect::<Vec<_>>()
                    .join(" ");
                Statement::from_sql_and_values(
                    sea_orm::DbBackend::Sqlite,
                    "SELECT listing_id FROM store_search WHERE store_search MATCH ? \
                     ORDER BY bm25(store_search, 0.0, 10.0, 4.0, 1.0, 4.0), listing_id LIMIT ?",
                    [query.into(), limit.into()],
                )
            }
            Backend::Postgres => Statement::from_sql_and_values(
                sea_orm::DbBackend::Postgres,
                "SELECT listing_id FROM store_search, plainto_tsquery('english', $1) q \
                 WHERE document @@ q ORDER BY ts_rank(document, q) DESC, listing_id LIMIT $2",
                [words.join(" ").into(), limit.into()],
            ),
        };
        let rows = self.db.query_all_raw(statement).await?;
        rows.iter()
            .map(|r| {
                r.try_get::<String>("", "listing_id")
                    .map_err(|e| Error::Corrupt(format!("store_search: {e}")))
            })
            .collect()
    }

    /// One page of published listings; with the total.
    pub async fn browse_listings(&self, q: &ListingQuery) -> Result<(Vec<ListingRow>, u64)> {
        let mut find =
            listing::Entity::find().filter(listing::Column::ActiveVersionId.is_not_null());
        if q.featured {
            find = find.filter(listing::Column::IsFeatured.eq(true));
        }
        if let Some(creator) = &q.creator {
            find = find.filter(listing::Column::UserId.eq(creator));
        }
        if let Some(category) = &q.category {
            // Categories are a JSON array of plain words (checked on submission), so the
            // quoted word inside its text is an exact match.
            let pattern = format!("%\"{}\"%", category.replace(['%', '_', '"', '\\'], ""));
            let mut sub = Query::select();
            sub.column(version::Column::Id)
                .from(version::Entity)
                .and_where(Expr::cust("CAST(categories AS TEXT)").like(pattern));
            find = find.filter(listing::Column::ActiveVersionId.in_subquery(sub));
        }
        let ranked = match q.search.as_deref().map(str::trim) {
            Some(text) if !text.is_empty() => {
                let ids = self
                    .search_listings_hybrid(text, q.semantic.as_ref(), MAX_SEARCH_HITS)
                    .await?;
                find = find.filter(listing::Column::Id.is_in(ids.clone()));
                Some(ids)
            }
            _ => None,
        };
        let total = find.clone().count(&self.db).await?;
        let Some(offset) = super::skip(q.page, q.page_size, total) else {
            return Ok((Vec::new(), total));
        };
        let listings = match (&ranked, q.sort) {
            (Some(ids), ListingSort::Relevance) => {
                // The rank is the search's order: page in memory over at most MAX_SEARCH_HITS.
                let mut all = find.all(&self.db).await?;
                all.sort_by_key(|l| ids.iter().position(|id| *id == l.id));
                all.into_iter()
                    .skip(offset as usize)
                    .take(q.page_size as usize)
                    .collect()
            }
            _ => {
                find = match q.sort {
                    ListingSort::Rating => find
                        .order_by_desc(listing::Column::RatingAvg)
                        .order_by_desc(listing::Column::RatingCount),
                    ListingSort::Runs => find.order_by_desc(listing::Column::RunCount),
                    ListingSort::Name => find.order_by_asc(listing::Column::Slug),
                    ListingSort::Recent | ListingSort::Relevance => {
                        find.order_by_desc(listing::Column::UpdatedAt)
                    }
                };
                find.order_by_asc(listing::Column::Id)
                    .offset(offset)
                    .limit(q.page_size)
                    .all(&self.db)
                    .await?
            }
        };
        let rows = self.with_active_versions(listings).await?;
        Ok((rows, total))
    }

    /// A published listing by its creator and slug (AutoGPT's `/agents/{username}/{slug}`).
    pub async fn published_listing(&self, creator_id: &str, slug: &str) -> Result<ListingRow> {
        let l = listing::Entity::find()
            .filter(listing::Column::UserId.eq(creator_id))
            .filter(listing::Column::Slug.eq(slug))
            .filter(listing::Column::ActiveVersionId.is_not_null())
            .one(&self.db)
            .await?
            .ok_or_else(|| Error::NotFound(format!("store agent {slug}")))?;
        self.with_active_versions(vec![l])
            .await?
            .pop()
            .ok_or_else(|| Error::NotFound(format!("store agent {slug}")))
    }

    /// A published (APPROVED) listing version by id, with its listing: what anyone may read,
    /// add to a library or download.
    pub async fn approved_version(&self, version_id: &str) -> Result<ListingRow> {
        let v = version::Entity::find_by_id(version_id.to_string())
            .filter(version::Column::Status.eq(super::status::APPROVED))
            .one(&self.db)
            .await?
            .ok_or_else(|| Error::NotFound(format!("store listing version {version_id}")))?;
        let l = listing::Entity::find_by_id(v.listing_id.clone())
            .one(&self.db)
            .await?
            .ok_or_else(|| Error::NotFound(format!("store listing version {version_id}")))?;
        Ok(ListingRow {
            listing: l,
            version: v,
        })
    }

    /// A listing by id with its active version, if it is published.
    pub async fn published_listing_by_id(&self, listing_id: &str) -> Result<Option<ListingRow>> {
        let Some(l) = listing::Entity::find_by_id(listing_id.to_string())
            .filter(listing::Column::ActiveVersionId.is_not_null())
            .one(&self.db)
            .await?
        else {
            return Ok(None);
        };
        Ok(self.with_active_versions(vec![l]).await?.pop())
    }

    /// The APPROVED versions of a listing, newest first.
    pub async fn approved_versions(&self, listing_id: &str) -> Result<Vec<version::Model>> {
        Ok(version::Entity::find()
            .filter(version::Column::ListingId.eq(listing_id))
            .filter(version::Column::Status.eq(super::status::APPROVED))
            .order_by_desc(version::Column::Version)
            .all(&self.db)
            .await?)
    }

    async fn with_active_versions(&self, listings: Vec<listing::Model>) -> Result<Vec<ListingRow>> {
        let ids: Vec<String> = listings
            .iter()
            .filter_map(|l| l.active_version_id.clone())
            .collect();
        let versions = version::Entity::find()
            .filter(version::Column::Id.is_in(ids))
            .all(&self.db)
            .await?;
        Ok(listings
            .into_iter()
            .filter_map(|l| {
                let v = versions
                    .iter()
                    .find(|v| Some(&v.id) == l.active_version_id.as_ref())?
                    .clone();
                Some(ListingRow {
                    listing: l,
                    version: v,
                })
            })
            .collect())
    }
}

/// Writes the listing's search row from the version being published.
pub(crate) async fn index(
    txn: &DatabaseTransaction,
    backend: Backend,
    v: &version::Model,
) -> Result<()> {
    unindex(txn, backend, &v.listing_id).await?;
    let categories = v
        .categories
        .as_array()
        .map(|c| {
            c.iter()
                .filter_map(|v| v.as_str())
                .collect::<Vec<_>>()
                .join(" ")
        })
        .unwrap_or_default();
    let sql = match backend {
        Backend::Sqlite => {
            "INSERT INTO store_search (listing_id, name, sub_heading, description, categories) \
             VALUES (?, ?, ?, ?, ?)"
        }
        Backend::Postgres => {
            "INSERT INTO store_search (listing_id, name, sub_heading, description, categories) \
             VALUES ($1, $2, $3, $4, $5)"
        }
    };
    txn.execute_raw(Statement::from_sql_and_values(
        db_backend(backend),
        sql,
        [
            v.listing_id.clone().into(),
            v.name.clone().into(),
            v.sub_heading.clone().into(),
            v.description.clone().into(),
            categories.into(),
        ],
    ))
    .await?;
    Ok(())
}

/// Removes the listing's search row.
pub(crate) async fn unindex(
    txn: &DatabaseTransaction,
    backend: Backend,
    listing_id: &str,
) -> Result<()> {
    let sql = match backend {
        Backend::Sqlite => "DELETE FROM store_search WHERE listing_id = ?",
        Backend::Postgres => "DELETE FROM store_search WHERE listing_id = $1",
    };
    txn.execute_raw(Statement::from_sql_and_values(
        db_backend(backend),
        sql,
        [listing_id.into()],
    ))
    .await?;
    Ok(())
}

fn db_backend(backend: Backend) -> sea_orm::DbBackend {
    match backend {
        Backend::Sqlite => sea_orm::DbBackend::Sqlite,
        Backend::Postgres => sea_orm::DbBackend::Postgres,
    }
}
