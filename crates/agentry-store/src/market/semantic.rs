//! Hybrid store search: full-text rank (`search_listings`) fused with cosine similarity between
//! the query's embedding and each published listing's (its active version's, stored at
//! approval) by reciprocal rank fusion. Vectors are little-endian `f32` blobs (`BLOB` on
//! SQLite, `bytea` on PostgreSQL) compared here over the candidate set, so neither database
//! needs a vector extension.

use chrono::Utc;
use sea_orm::sea_query::{OnConflict, Query};
use sea_orm::{ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter, QuerySelect};

use super::entity::{embedding, listing, version};
use crate::{Error, Result, Store};

/// The query's side of a hybrid search.
#[derive(Debug, Clone, PartialEq)]
pub struct Semantic {
    /// The query text's embedding.
    pub vector: Vec<f32>,
    /// The model that made it: only listings embedded by the same model are compared.
    pub model: String,
    /// Listings less similar than this (cosine) are not semantic matches.
    pub min_similarity: f32,
}

/// Reciprocal rank fusion's constant: how much a first place outweighs later ones.
const RRF_K: f64 = 60.0;

/// The most published listings compared by embedding in one search.
const MAX_CANDIDATES: u64 = 20_000;

/// A vector as stored.
pub fn encode(vector: &[f32]) -> Vec<u8> {
    vector.iter().flat_map(|x| x.to_le_bytes()).collect()
}

/// A stored vector; `None` when the bytes are not whole `f32`s.
pub fn decode(bytes: &[u8]) -> Option<Vec<f32>> {
    if !bytes.len().is_multiple_of(4) {
        return None;
    }
    Some(
        bytes
            .chunks_exact(4)
            .map(|c| f32::from_le_bytes([c[0], c[1], c[2], c[3]]))
            .collect(),
    )
}

/// Cosine similarity; 0 for vectors of differing widths or no length.
pub fn cosine(a: &[f32], b: &[f32]) -> f32 {
    if a.len() != b.len() || a.is_empty() {
        return 0.0;
    }
    let (mut dot, mut na, mut nb) = (0f32, 0f32, 0f32);
    for (x, y) in a.iter().zip(b) {
        dot += x * y;
        na += x * x;
        nb += y * y;
    }
    if na == 0.0 || nb == 0.0 {
        return 0.0;
    }
    dot / (na.sqrt() * nb.sqrt())
}

/// Fuses rankings (each best first) into one by reciprocal rank fusion; ties by id.
pub fn fuse(rankings: &[Vec<String>]) -> Vec<String> {
    let mut scores: std::collections::HashMap<&str, f64> = std::collections::HashMap::new();
    for ranking in rankings {
        for (i, id) in ranking.iter().enumerate() {
            *scores.entry(id.as_str()).or_default() += 1.0 / (RRF_K + i as f64 + 1.0);
        }
    }
    let mut fused: Vec<(&str, f64)> = scores.into_iter().collect();
    fused.sort_by(|a, b| b.1.total_cmp(&a.1).then_with(|| a.0.cmp(b.0)));
    fused.into_iter().map(|(id, _)| id.to_string()).collect()
}

impl Store {
    /// Keeps the embedding of an approved listing version (replacing an older one).
    pub async fn put_listing_embedding(
        &self,
        v: &version::Model,
        model: &str,
        vector: &[f32],
    ) -> Result<()> {
        let dimensions = i32::try_from(vector.len())
            .map_err(|_| Error::Unsupported("an embedding wider than i32::MAX".into()))?;
        embedding::Entity::insert(embedding::ActiveModel {
            version_id: Set(v.id.clone()),
            listing_id: Set(v.listing_id.clone()),
            user_id: Set(v.user_id.clone()),
            model: Set(model.to_string()),
            dimensions: Set(dimensions),
            embedding: Set(encode(vector)),
            created_at: Set(Utc::now()),
        })
        .on_conflict(
            OnConflict::column(embedding::Column::VersionId)
                .update_columns([
                    embedding::Column::Model,
                    embedding::Column::Dimensions,
                    embedding::Column::Embedding,
                    embedding::Column::CreatedAt,
                ])
                .to_owned(),
        )
        .exec(&self.db)
        .await?;
        Ok(())
    }

    /// Published versions (each listing's active one) with no embedding by `model`: approved
    /// before embeddings were configured, or embedded by another model. At most `limit`.
    pub async fn versions_missing_embedding(
        &self,
        model: &str,
        limit: u64,
    ) -> Result<Vec<version::Model>> {
        let mut active = Query::select();
        active
            .column(listing::Column::ActiveVersionId)
            .from(listing::Entity)
            .and_where(listing::Column::ActiveVersionId.is_not_null());
        let mut embedded = Query::select();
        embedded
            .column(embedding::Column::VersionId)
            .from(embedding::Entity)
            .and_where(embedding::Column::Model.eq(model));
        Ok(version::Entity::find()
            .filter(version::Column::Id.in_subquery(active))
            .filter(version::Column::Id.not_in_subquery(embedded))
            .limit(limit)
            .all(&self.db)
            .await?)
    }

    /// Listing ids matching `text`, best first, at most `limit`: full-text alone, or with
    /// `semantic` fused with the published listings most similar to the query's embedding.
    /// SQLite and PostgreSQL alike.
    pub async fn search_listings_hybrid(
        &self,
        text: &str,
        semantic: Option<&Semantic>,
        limit: u64,
    ) -> Result<Vec<String>> {
        let full_text = self.search_listings(text, limit).await?;
        let Some(semantic) = semantic else {
            return Ok(full_text);
        };
        let similar = self.similar_listings(semantic, limit).await?;
        let mut fused = fuse(&[full_text, similar]);
        fused.truncate(usize::try_from(limit).unwrap_or(usize::MAX));
        Ok(fused)
    }

    /// Published listings at least `min_similarity` alike the query, most similar first.
    async fn similar_listings(&self, semantic: &Semantic, limit: u64) -> Result<Vec<String>> {
        let mut active = Query::select();
        active
            .column(listing::Column::ActiveVersionId)
            .from(listing::Entity)
            .and_where(listing::Column::ActiveVersionId.is_not_null());
        let width = i32::try_from(semantic.vector.len()).unwrap_or(-1);
        let rows: Vec<(String, Vec<u8>)> = embedding::Entity::find()
            .select_only()
            .column(embedding::Column::ListingId)
            .column(embedding::Column::Embedding)
            .filter(embedding::Column::Model.eq(&semantic.model))
            .filter(embedding::Column::Dimensions.eq(width))
            .filter(embedding::Column::VersionId.in_subquery(active))
            .limit(MAX_CANDIDATES)
            .into_tuple()
            .all(&self.db)
            .await?;
        let mut scored: Vec<(String, f32)> = rows
            .into_iter()
            .filter_map(|(id, bytes)| {
                let similarity = cosine(&semantic.vector, &decode(&bytes)?);
                (similarity >= semantic.min_similarity).then_some((id, similarity))
            })
            .collect();
        scored.sort_by(|a, b| b.1.total_cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        scored.truncate(usize::try_from(limit).unwrap_or(usize::MAX));
        Ok(scored.into_iter().map(|(id, _)| id).collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn vectors_round_trip_and_compare() {
        let v = vec![0.25f32, -1.5, 3.0];
        assert_eq!(decode(&encode(&v)).unwrap(), v);
        assert_eq!(decode(&[0, 0, 0]), None);
        assert!((cosine(&[1.0, 0.0], &[2.0, 0.0]) - 1.0).abs() < 1e-6);
        assert_eq!(cosine(&[1.0, 0.0], &[0.0, 1.0]), 0.0);
        assert_eq!(cosine(&[1.0], &[1.0, 0.0]), 0.0, "differing widths");
        assert_eq!(cosine(&[0.0, 0.0], &[1.0, 0.0]), 0.0, "no length");
    }

    #[test]
    fn fusion_rewards_agreement() {
        let ids = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        // b is second in both lists: it beats a and c, each first in only one.
        let fused = fuse(&[ids(&["a", "b"]), ids(&["c", "b"])]);
        assert_eq!(fused, ids(&["b", "a", "c"]));
        assert_eq!(fuse(&[ids(&["x"]), vec![]]), ids(&["x"]));
    }
}
