//! DataSamplingBlock: picks a sample of records by one of eight methods.
//!
//! A `random_seed` picks what AutoGPT picks for that seed: the draws go through a port of
//! CPython's `random` (`python::random`), call for call as AutoGPT makes them. `accumulate`
//! keeps data per run and node (AutoGPT keeps it on the block object, shared by every graph in
//! the process).

use std::collections::HashMap;
use std::sync::{LazyLock, Mutex};

use agentry_core::{Block, BlockError, BlockMeta, Category, Cx, Effect};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::python::random::PyRandom;
use crate::python::{json_repr, json_str, numeric, parse_float};

pub struct DataSampling;

#[derive(Debug, Clone, Copy, Default, PartialEq, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum SamplingMethod {
    #[default]
    Random,
    Systematic,
    Top,
    Bottom,
    Stratified,
    Weighted,
    Reservoir,
    Cluster,
}

fn ten() -> i64 {
    10
}

#[derive(Deserialize, JsonSchema)]
pub struct Input {
    /// The dataset to sample from. Can be a single dictionary, a list of dictionaries, or a list of lists.
    pub data: Value,
    /// The number of samples to take from the dataset.
    #[serde(default = "ten")]
    pub sample_size: i64,
    /// The method to use for sampling.
    #[serde(default)]
    pub sampling_method: SamplingMethod,
    /// Whether to accumulate data before sampling.
    #[serde(default)]
    pub accumulate: bool,
    /// Seed for random number generator (optional).
    #[serde(default)]
    pub random_seed: Option<i64>,
    /// Key to use for stratified sampling (required for stratified sampling).
    #[serde(default)]
    pub stratify_key: Option<String>,
    /// Key to use for weighted sampling (required for weighted sampling).
    #[serde(default)]
    pub weight_key: Option<String>,
    /// Key to use for cluster sampling (required for cluster sampling).
    #[serde(default)]
    pub cluster_key: Option<String>,
}

#[derive(Serialize, JsonSchema)]
#[serde(tag = "pin", content = "value", rename_all = "snake_case")]
pub enum Output {
    /// The sampled subset of the input data.
    SampledData(Vec<Value>),
    /// The indices of the sampled data in the original dataset.
    SampleIndices(Vec<usize>),
}

/// Data gathered by `accumulate`, per run and node.
static ACCUMULATED: LazyLock<Mutex<HashMap<String, Vec<Value>>>> = LazyLock::new(Default::default);

/// `item[key]` for dictionaries; AutoGPT's message when the item has no such field.
fn field<'a>(item: &'a Value, key: &str, what: &str) -> Result<&'a Value, BlockError> {
    match item {
        Value::Object(map) => Ok(map.get(key).unwrap_or(&Value::Null)),
        _ => Err(BlockError::Input(format!(
            "{what} key '{key}' not found in item {}",
            json_repr(item)
        ))),
    }
}

fn require<'a>(key: &'a Option<String>, what: &str) -> Result<&'a str, BlockError> {
    key.as_deref().filter(|k| !k.is_empty()).ok_or_else(|| {
        BlockError::Input(format!(
            "{what} key must be provided for {} sampling.",
            what.to_lowercase()
        ))
    })
}

/// Groups indices by the string form of `key`'s value, in first-seen order.
fn groups(
    data: &[Value],
    key: &str,
    what: &str,
    refuse_none: bool,
) -> Result<Vec<(String, Vec<usize>)>, BlockError> {
    let mut out: Vec<(String, Vec<usize>)> = Vec::new();
    for (i, item) in data.iter().enumerate() {
        let value = field(item, key, what)?;
        if refuse_none && value.is_null() {
            return Err(BlockError::Input(format!(
                "{what} value for key '{key}' is None"
            )));
        }
        let name = json_str(value);
        match out.iter_mut().find(|(n, _)| *n == name) {
            Some((_, members)) => members.push(i),
            None => out.push((name, vec![i])),
        }
    }
    Ok(out)
}

fn sample(input: &Input, data: &[Value], rng: &mut PyRandom) -> Result<Vec<usize>, BlockError> {
    let n = data.len();
    let k = usize::try_from(input.sample_size)
        .map_err(|_| BlockError::input("sample_size must not be negative"))?;
    if k > n {
        return Err(BlockError::Input(format!(
            "Sample size ({k}) cannot be larger than the dataset size ({n})."
        )));
    }
    Ok(match input.sampling_method {
        SamplingMethod::Random => {
            let population: Vec<usize> = (0..n).collect();
            rng.sample(&population, k).unwrap_or_default()
        }
        SamplingMethod::Systematic => {
            let step = n.checked_div(k).filter(|s| *s > 0).ok_or_else(|| {
                BlockError::input(
                    "systematic sampling needs a sample size between 1 and the dataset size",
                )
            })?;
            let start = rng.randint(0, step - 1);
            (start..n).step_by(step).take(k).collect()
        }
        SamplingMethod::Top => (0..k).collect(),
        SamplingMethod::Bottom => (n - k..n).collect(),
        SamplingMethod::Stratified => {
            let key = require(&input.stratify_key, "Stratify")?;
            let strata = groups(data, key, "Stratify", true)?;
            // Each stratum's share, at least one, then adjusted on the largest until the sum fits.
            let mut sizes: Vec<usize> = strata
                .iter()
                .map(|(_, m)| ((m.len() as f64 / n as f64 * k as f64) as usize).max(1))
                .collect();
            loop {
                let total: usize = sizes.iter().sum();
                if total == k {
                    break;
                }
                let largest = (0..sizes.len())
                    .fold(0, |best, i| if sizes[i] > sizes[best] { i } else { best });
                if total < k {
                    sizes[largest] += 1;
                } else if sizes[largest] > 0 {
                    sizes[largest] -= 1;
                }
            }
            let mut picked = Vec::new();
            for ((_, members), size) in strata.iter().zip(sizes) {
                picked.extend(rng.sample(members, size).ok_or_else(|| {
                    BlockError::input("Sample larger than population or is negative")
                })?);
            }
            picked
        }
        SamplingMethod::Weighted => {
            let key = require(&input.weight_key, "Weight")?;
            let mut weights = Vec::with_capacity(n);
            for item in data {
                let w = field(item, key, "Weight")?;
                if w.is_null() {
                    return Err(BlockError::Input(format!(
                        "Weight value for key '{key}' is None"
                    )));
                }
                let weight = numeric(w)
                    .or_else(|| w.as_str().and_then(parse_float))
                    .filter(|w| *w >= 0.0)
                    .ok_or_else(|| {
                        BlockError::Input(format!(
                            "Weight value '{}' cannot be converted to a number",
                            json_str(w)
                        ))
                    })?;
                weights.push(weight);
            }
            let total: f64 = weights.iter().sum();
            if total <= 0.0 {
                return Err(BlockError::input(
                    "Total of weights must be greater than zero",
                ));
            }
            // With replacement, as Python's `random.choices`.
            rng.choices(&weights, k)
        }
        SamplingMethod::Reservoir => {
            let mut reservoir: Vec<usize> = (0..k).collect();
            for i in k..n {
                let j = rng.randint(0, i);
                if j < k {
                    reservoir[j] = i;
                }
            }
            reservoir
        }
        SamplingMethod::Cluster => {
            let key = require(&input.cluster_key, "Cluster")?;
            // The clusters not yet chosen stay in first-seen order, as AutoGPT lists them.
            let mut clusters = groups(data, key, "Cluster", false)?;
            let mut picked = Vec::new();
            while picked.len() < k && !clusters.is_empty() {
                let at = rng.choice(clusters.len());
                picked.extend(clusters.remove(at).1);
            }
            if picked.len() > k {
                picked = rng.sample(&picked, k).unwrap_or_default();
            }
            picked
        }
    })
}

impl Block for DataSampling {
    const META: BlockMeta = BlockMeta {
        effect: Effect::Pure,
        ..BlockMeta::standard(
            "4a448883-71fa-49cf-91cf-70d793bd7d87",
            "DataSamplingBlock",
            "This block samples data from a given dataset using various sampling methods.",
            &[Category::Logic],
        )
    };
    type Input = Input;
    type Output = Output;

    async fn run(&self, input: Input, cx: &mut Cx<'_, Output>) -> Result<(), BlockError> {
        let incoming = match &input.data {
            Value::Array(items) => items.clone(),
            Value::Object(_) => vec![input.data.clone()],
            other => {
                return Err(BlockError::Input(format!(
                    "Unsupported data type: {}",
                    crate::python::type_name(other)
                )));
            }
        };
        let data = if input.accumulate {
            let info = cx.info();
            let slot = format!("{}/{}", info.graph_exec_id, info.node_id);
            let mut store = ACCUMULATED.lock().unwrap_or_else(|e| e.into_inner());
            let gathered = store.entry(slot.clone()).or_default();
            gathered.extend(incoming);
            if (gathered.len() as i64) < input.sample_size {
                return Ok(());
            }
            store.remove(&slot).unwrap_or_default()
        } else {
            incoming
        };
        let mut rng = match input.random_seed {
            Some(seed) => PyRandom::seeded(seed),
            None => PyRandom::from_os(),
        };
        let indices = sample(&input, &data, &mut rng)?;
        let sampled = indices.iter().map(|&i| data[i].clone()).collect();
        cx.emit(Output::SampledData(sampled));
        cx.emit(Output::SampleIndices(indices));
        Ok(())
    }
}

#[cfg(test)]
#[path = "data_sampling_tests.rs"]
mod tests;
