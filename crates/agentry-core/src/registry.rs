//! The registry: every block by id, with its schemas generated on first use and an erased runner.

use std::collections::{HashMap, HashSet};
use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, OnceLock};

use schemars::JsonSchema;
use schemars::generate::SchemaSettings;
use serde::Serialize;
use serde_json::{Map, Value, json};

use crate::block::{Block, BlockError, BlockType, Category, Context, Cx};
use crate::coerce::InputCoercion;
pub use crate::lazy_schema::LazySchema;

type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// A block's input object, as the engine holds it (JSON text) or as a caller built it.
pub enum BlockInput {
    /// Compact JSON text of the object: the block's typed input is read straight from it,
    /// with no `Value` tree built on the way (issue 11, finding 3).
    Json(Arc<str>),
    Value(Value),
}

/// A block with its input and output types erased to JSON.
trait ErasedBlock: Send + Sync {
    fn run<'a>(
        &'a self,
        input: BlockInput,
        cx: &'a mut dyn Context,
    ) -> BoxFuture<'a, Result<(), BlockError>>;
}

struct Erased<B>(B);

impl<B: Block> ErasedBlock for Erased<B> {
    fn run<'a>(
        &'a self,
        input: BlockInput,
        cx: &'a mut dyn Context,
    ) -> BoxFuture<'a, Result<(), BlockError>> {
        Box::pin(async move {
            let input: B::Input = match input {
                BlockInput::Json(text) => serde_json::from_str(&text),
                BlockInput::Value(value) => serde_json::from_value(value),
            }
            .map_err(|e| BlockError::Input(format!("invalid input: {e}")))?;
            let mut cx = Cx::<B::Output>::new(cx);
            self.0.run(input, &mut cx).await
        })
    }
}

/// What the API and validation need to know about a block, schemas included.
#[derive(Debug, Clone, Serialize)]
pub struct BlockInfo {
    pub id: &'static str,
    pub name: &'static str,
    pub description: &'static str,
    pub categories: &'static [Category],
    pub block_type: BlockType,
    pub static_output: bool,
    /// Not part of the API: how the engine orders the node's start against commits.
    #[serde(skip)]
    pub effect: crate::block::Effect,
    /// JSON Schema (draft 2020-12, references inlined) of the input pins, generated on first use.
    pub input_schema: LazySchema,
    /// `{"type":"object","properties":{pin: schema}}`, the `error` pin included where AutoGPT
    /// has it; generated on first use.
    pub output_schema: LazySchema,
    /// What coercion reads of `input_schema`, worked out on the first node start.
    #[serde(skip)]
    pub(crate) input_coercion: OnceLock<InputCoercion>,
}

impl BlockInfo {
    pub fn input_pin(&self, name: &str) -> Option<&Value> {
        self.input_schema.get("properties")?.get(name)
    }
    pub fn has_output_pin(&self, name: &str) -> bool {
        self.output_schema
            .get("properties")
            .and_then(|p| p.get(name))
            .is_some()
    }
    /// How values reaching the input pins are coerced (`coerce`), worked out once.
    pub fn input_coercion(&self) -> &InputCoercion {
        self.input_coercion
            .get_or_init(|| InputCoercion::of(&self.input_schema))
    }
    /// Input pins the schema marks required (no default).
    pub fn required_inputs(&self) -> impl Iterator<Item = &str> {
        self.input_schema
            .get("required")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
    }
}

/// One registered block: its facts and its runner.
#[derive(Clone)]
pub struct RegisteredBlock {
    pub info: Arc<BlockInfo>,
    runner: Arc<dyn ErasedBlock>,
}

impl RegisteredBlock {
    /// Runs the block on an already merged and coerced input object.
    pub async fn run(&self, input: Value, cx: &mut dyn Context) -> Result<(), BlockError> {
        self.runner.run(BlockInput::Value(input), cx).await
    }

    /// Runs the block on an input object held as compact JSON text (how the engine keeps it):
    /// the typed input is deserialized from the text, so no second tree of it is held.
    pub async fn run_json(&self, input: Arc<str>, cx: &mut dyn Context) -> Result<(), BlockError> {
        self.runner.run(BlockInput::Json(input), cx).await
    }
}

/// Every block the process knows, by AutoGPT id.
#[derive(Clone, Default)]
pub struct Registry {
    blocks: HashMap<&'static str, RegisteredBlock>,
    order: Vec<&'static str>,
    names: HashSet<&'static str>,
}

impl Registry {
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a block. Panics on a duplicate id or name: that is a programming error.
    pub fn register<B: Block>(&mut self, block: B) {
        let meta = B::META;
        assert!(
            !self.blocks.contains_key(meta.id),
            "duplicate block id {}",
            meta.id
        );
        assert!(
            self.names.insert(meta.name),
            "duplicate block name {}",
            meta.name
        );
        let info = BlockInfo {
            id: meta.id,
            name: meta.name,
            description: meta.description,
            categories: meta.categories,
            block_type: meta.block_type,
            static_output: meta.static_output,
            effect: meta.effect,
            input_schema: LazySchema::new(input_schema::<B::Input>),
            output_schema: LazySchema::new(output_schema::<B>),
            input_coercion: OnceLock::new(),
        };
        self.order.push(meta.id);
        self.blocks.insert(
            meta.id,
            RegisteredBlock {
                info: Arc::new(info),
                runner: Arc::new(Erased(block)),
            },
        );
    }

    pub fn get(&self, id: &str) -> Option<&RegisteredBlock> {
        self.blocks.get(id)
    }

    pub fn info(&self, id: &str) -> Option<&BlockInfo> {
        self.blocks.get(id).map(|b| &*b.info)
    }

    /// Blocks in registration order.
    pub fn iter(&self) -> impl Iterator<Item = &RegisteredBlock> {
        self.order.iter().map(|id| &self.blocks[id])
    }

    pub fn len(&self) -> usize {
        self.blocks.len()
    }

    pub fn is_empty(&self) -> bool {
        self.blocks.is_empty()
    }
}

fn generator() -> schemars::SchemaGenerator {
    SchemaSettings::draft2020_12()
        .with(|s| s.inline_subschemas = true)
        .into_generator()
}

fn input_schema<I: JsonSchema>() -> Value {
    let mut schema = generator().into_root_schema_for::<I>().to_value();
    if let Value::Object(map) = &mut schema {
        map.remove("$schema");
        map.entry("properties").or_insert_with(|| json!({}));
    }
    schema
}

/// Turns the adjacently tagged output enum's schema into one property per pin.
fn output_schema<B: Block>() -> Value {
    let schema = generator().into_root_schema_for::<B::Output>().to_value();
    let mut pins = Map::new();
    let variants = schema
        .get("oneOf")
        .or_else(|| schema.get("anyOf"))
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_else(|| vec![schema.clone()]);
    for variant in variants {
        let Some(props) = variant.get("properties") else {
            continue;
        };
        let pin = props.get("pin").and_then(|p| {
            p.get("const")
                .or_else(|| p.get("enum").and_then(|e| e.get(0)))
                .and_then(Value::as_str)
        });
        if let Some(pin) = pin {
            let mut value_schema = props.get("value").cloned().unwrap_or(json!({}));
            if let (Value::Object(m), Some(desc)) = (&mut value_schema, variant.get("description"))
            {
                m.entry("description").or_insert(desc.clone());
            }
            pins.insert(pin.to_string(), value_schema);
        }
    }
    if B::META.block_type.has_error_pin() {
        pins.insert(
            "error".into(),
            json!({"type": "string", "description": "Error message if the block failed"}),
        );
    }
    json!({"type": "object", "properties": pins})
}
