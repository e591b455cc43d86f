//! The store (creator profiles, submissions, review, browsing, full-text and hybrid search,
//! ratings, which graphs a user may run through their library),
//! the library (store agents added or forked, favourites, folders, archive) and shared runs.
//! Rows belong to users as everywhere else: a creator's listings and submissions, a rater's
//! ratings, a user's library and share links. What the store publishes (approved listing
//! versions, creators' profiles) is read by everyone; the admin queue is read by admins (the
//! server checks the role).

mod access;
mod browse;
pub mod entity;
mod library;
mod own_library;
mod profiles;
mod ratings;
mod review;
mod semantic;
mod shares;
mod submissions;

pub use access::Refusal;
pub use browse::{ListingQuery, ListingRow, ListingSort};
pub use library::{LibraryChange, LibraryQuery, NewLibraryAgent};
pub use profiles::ProfileInput;
pub use review::Decision;
pub use semantic::Semantic;
pub use submissions::{NewSubmission, SubmissionChange};

/// A listing version's review status (AutoGPT's `SubmissionStatus`).
pub mod status {
    pub const PENDING: &str = "PENDING";
    pub const APPROVED: &str = "APPROVED";
    pub const REJECTED: &str = "REJECTED";
}

/// One page (from 1) of `total` rows: how many to skip, or `None` past the end.
pub(crate) fn skip(page: u64, page_size: u64, total: u64) -> Option<u64> {
    let offset = crate::page_offset(page, page_size);
    (offset < total).then_some(offset)
}

/// Maps a unique-index violation (two requests racing past a check) to a conflict.
pub(crate) fn conflict_on_unique(what: &'static str) -> impl Fn(sea_orm::DbErr) -> crate::Error {
    move |e| match e.sql_err() {
        Some(sea_orm::SqlErr::UniqueConstraintViolation(_)) => {
            crate::Error::Conflict(format!("{what} already exists"))
        }
        _ => crate::Error::Db(e),
    }
}
