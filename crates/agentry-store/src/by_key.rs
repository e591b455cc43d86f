//! Reading the one row a unique key names without `LIMIT ?`.
//!
//! SeaORM's `.one()` renders `LIMIT ?` and binds 1. SQLite lets a bound LIMIT steer its plan,
//! so it marks such a statement for re-preparation whenever that parameter is bound again
//! (`sqlite3VdbeSetVarmask` unless SQLITE_DBCONFIG_ENABLE_QPSG): every use of the pool's cached
//! statement re-parsed and re-planned its SQL. A profile of W3 found that re-preparing was a
//! quarter of the CPU of sqlx's SQLite threads (docs/benchmarks.md, "Where a run's CPU goes").
//! A filter on a primary or unique key matches at most one row, so reading all matches is the
//! same answer with no LIMIT, and the cached statement is reused as prepared.

use sea_orm::{ConnectionTrait, DbErr, EntityTrait, Select};

/// The row `select` finds by a unique key (at most one matches), or `None`.
pub(crate) async fn one<E: EntityTrait>(
    select: Select<E>,
    db: &impl ConnectionTrait,
) -> Result<Option<E::Model>, DbErr> {
    Ok(select.all(db).await?.into_iter().next())
}
