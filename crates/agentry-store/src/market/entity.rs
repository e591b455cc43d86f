//! SeaORM entities of the store, the library and shared runs (migration `m0014_store`). Every
//! row carries the `user_id` of its owner: the creator, the rater, the library's user, the
//! reviewer who decided, the user who shared.

/// `store_profiles`: a creator's public profile, one per user.
pub mod profile {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
    #[sea_orm(table_name = "store_profiles")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub user_id: String,
        pub username: String,
        pub name: String,
        pub description: String,
        pub links: Json,
        pub avatar_url: Option<String>,
        pub is_featured: bool,
        pub created_at: DateTimeUtc,
        pub updated_at: DateTimeUtc,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// `store_listings`: one per submitted graph, with its running rating and run totals.
pub mod listing {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
    #[sea_orm(table_name = "store_listings")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: String,
        pub user_id: String,
        pub graph_id: String,
        pub slug: String,
        pub active_version_id: Option<String>,
        pub is_featured: bool,
        pub rating_sum: i64,
        pub rating_count: i64,
        pub rating_avg: f64,
        pub run_count: i64,
        pub published_at: Option<DateTimeUtc>,
        pub created_at: DateTimeUtc,
        pub updated_at: DateTimeUtc,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// `store_listing_versions`: a submission of one graph version, and its review.
pub mod version {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
    #[sea_orm(table_name = "store_listing_versions")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: String,
        pub listing_id: String,
        pub user_id: String,
        pub version: i32,
        pub graph_id: String,
        pub graph_version: i32,
        pub name: String,
        pub sub_heading: String,
        pub description: String,
        pub instructions: String,
        pub output_example: String,
        pub categories: Json,
        pub image_urls: Json,
        pub video_url: Option<String>,
        pub changes_summary: String,
        pub status: String,
        pub permissions: Json,
        pub asks_more: bool,
        pub submitted_at: DateTimeUtc,
        pub reviewer_id: Option<String>,
        pub review_comments: Option<String>,
        pub internal_comments: Option<String>,
        pub reviewed_at: Option<DateTimeUtc>,
        pub takedown_reason: Option<String>,
        pub rating_sum: i64,
        pub rating_count: i64,
        pub updated_at: DateTimeUtc,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// `store_decisions`: every review decision, with the reviewer (`user_id`) and time.
pub mod decision {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
    #[sea_orm(table_name = "store_decisions")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: String,
        pub version_id: String,
        pub user_id: String,
        pub action: String,
        pub comment: Option<String>,
        pub internal_note: Option<String>,
        pub created_at: DateTimeUtc,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// `store_ratings`: one rating per user per listing version.
pub mod rating {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
    #[sea_orm(table_name = "store_ratings")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: String,
        pub version_id: String,
        pub listing_id: String,
        pub user_id: String,
        pub score: i32,
        pub comments: Option<String>,
        pub created_at: DateTimeUtc,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// `library_folders`: a user's folders of library agents.
pub mod folder {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
    #[sea_orm(table_name = "library_folders")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: String,
        pub user_id: String,
        pub name: String,
        pub created_at: DateTimeUtc,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// `library_agents`: a graph in a user's library, referenced (a store agent) or owned (a fork).
pub mod library_agent {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
    #[sea_orm(table_name = "library_agents")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: String,
        pub user_id: String,
        pub graph_id: String,
        pub graph_version: i32,
        pub graph_owner_id: String,
        pub listing_id: Option<String>,
        pub follow_updates: bool,
        pub is_favorite: bool,
        pub is_archived: bool,
        pub folder_id: Option<String>,
        pub is_created_by_user: bool,
        pub created_at: DateTimeUtc,
        pub updated_at: DateTimeUtc,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// `run_shares`: a run's outputs readable by whoever holds the token.
pub mod run_share {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
    #[sea_orm(table_name = "run_shares")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: String,
        pub user_id: String,
        pub graph_exec_id: String,
        pub token_hash: String,
        pub show_inputs: bool,
        pub created_at: DateTimeUtc,
        pub revoked_at: Option<DateTimeUtc>,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// `store_embeddings`: an approved listing version's embedding (little-endian `f32`s), owned
/// by its creator.
pub mod embedding {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
    #[sea_orm(table_name = "store_embeddings")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub version_id: String,
        pub listing_id: String,
        pub user_id: String,
        pub model: String,
        pub dimensions: i32,
        pub embedding: Vec<u8>,
        pub created_at: DateTimeUtc,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}
