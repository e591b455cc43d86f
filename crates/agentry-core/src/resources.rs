//! Shared services a block may use (an HTTP client, LLM providers, platform keys), found by type.
//!
//! The binary builds one `Resources` at start-up and hands it to the engine; a block asks its
//! `Cx` for the type it needs. Core stays free of IO: it only stores and finds the values.

use std::any::{Any, TypeId};
use std::collections::HashMap;
use std::sync::Arc;

/// A map from a type to its one value.
#[derive(Default, Clone)]
pub struct Resources {
    values: HashMap<TypeId, Arc<dyn Any + Send + Sync>>,
}

impl Resources {
    pub fn new() -> Self {
        Self::default()
    }

    /// Stores `value`, replacing any earlier value of the same type.
    pub fn insert<T: Send + Sync + 'static>(&mut self, value: T) -> &mut Self {
        self.values.insert(TypeId::of::<T>(), Arc::new(value));
        self
    }

    /// As `insert`, builder style.
    pub fn with<T: Send + Sync + 'static>(mut self, value: T) -> Self {
        self.insert(value);
        self
    }

    pub fn get<T: Send + Sync + 'static>(&self) -> Option<&T> {
        self.values
            .get(&TypeId::of::<T>())
            .and_then(|v| v.downcast_ref::<T>())
    }
}

impl std::fmt::Debug for Resources {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Resources")
            .field("len", &self.values.len())
            .finish()
    }
}

/// An empty set, for contexts that offer nothing.
pub fn none() -> &'static Resources {
    static EMPTY: std::sync::OnceLock<Resources> = std::sync::OnceLock::new();
    EMPTY.get_or_init(Resources::new)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, PartialEq)]
    struct Key(&'static str);

    #[test]
    fn finds_values_by_type_and_replaces_on_insert() {
        let mut r = Resources::new().with(Key("a")).with(7u32);
        assert_eq!(r.get::<Key>(), Some(&Key("a")));
        assert_eq!(r.get::<u32>(), Some(&7));
        assert_eq!(r.get::<u64>(), None);
        r.insert(Key("b"));
        assert_eq!(r.get::<Key>(), Some(&Key("b")));
        assert!(none().get::<Key>().is_none());
    }
}
