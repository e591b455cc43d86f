//! FileStoreBlock: stores a file (data URI, URL or run-relative path) in the run's folder and
//! yields its relative path, or its content as a data URI when `base_64`.

use agentry_core::{Block, BlockError, BlockMeta, Category, Cx};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::files::media;

pub struct FileStore;

#[derive(Deserialize, JsonSchema)]
pub struct Input {
    /// The file to store in the temporary directory, it can be a URL, data URI, or local path.
    #[schemars(extend("format" = "file"))]
    pub file_in: String,
    /// Whether produce an output in base64 format (not recommended, you can pass the string
    /// path just fine accross blocks).
    #[serde(default)]
    #[schemars(title = "Produce Base64 Output")]
    pub base_64: bool,
}

#[derive(Serialize, JsonSchema)]
#[serde(tag = "pin", content = "value", rename_all = "snake_case")]
pub enum Output {
    /// The relative path to the stored file in the temporary directory.
    FileOut(String),
}

impl Block for FileStore {
    const META: BlockMeta = BlockMeta {
        static_output: true,
        ..BlockMeta::standard(
            "cbb50872-625b-42f0-8203-a2ae78242d8a",
            "FileStoreBlock",
            "Stores the input file in the temporary directory.",
            &[Category::Basic, Category::Multimedia],
        )
    };
    type Input = Input;
    type Output = Output;

    async fn run(&self, input: Input, cx: &mut Cx<'_, Output>) -> Result<(), BlockError> {
        let stored = media::store(cx, &input.file_in).await?;
        let out = if input.base_64 {
            stored.data_uri().await?
        } else {
            stored.relative
        };
        cx.emit(Output::FileOut(out));
        Ok(())
    }
}

#[cfg(test)]
#[path = "file_store_tests.rs"]
mod tests;
