//! Agentry's core: the graph model, pins, the block contract, the registry and validation.
//! It does no IO; the engine, store and server build on it.

pub mod block;
pub mod catalog;
pub mod coerce;
pub mod credentials;
pub mod datum;
pub mod export;
pub mod graph;
pub mod io_schema;
pub mod lazy_schema;
pub mod memory;
pub mod pin;
pub mod prepare;
pub mod registry;
pub mod resources;
pub mod review;
pub mod status;
pub mod testing;
pub mod tool_nodes;
pub mod validate;
pub mod webhooks;

pub use block::{
    Block, BlockError, BlockMeta, BlockType, Category, Context, Cx, Effect, ExecutionInfo,
    SubAgents, SubRunRequest, SubRunResult,
};
pub use credentials::{
    Credential, CredentialKind, CredentialSecret, Credentials, CredentialsMeta, SecretString,
};
pub use datum::Datum;
pub use graph::{Graph, Link, Node};
pub use memory::{Memory, VectorEntry, VectorHit};
pub use registry::{BlockInfo, LazySchema, RegisteredBlock, Registry};
pub use resources::Resources;
pub use review::{ReviewDecision, ReviewRequest, ReviewStatus, Reviews};
pub use status::ExecutionStatus;
