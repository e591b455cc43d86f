//! airtable blocks.

use agentry_core::Registry;

pub fn register(_r: &mut Registry) {}
