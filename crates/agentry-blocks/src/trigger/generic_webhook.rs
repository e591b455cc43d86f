//! GenericWebhookTriggerBlock: AutoGPT's manual webhook trigger. A graph holding it gets an
//! ingress URL; each POST to it starts a run whose trigger node receives the JSON body as
//! `payload` and yields it, with the node's `constants`.

use agentry_core::{Block, BlockError, BlockMeta, BlockType, Category, Cx};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

pub struct GenericWebhookTrigger;

#[derive(Deserialize, JsonSchema)]
pub struct Input {
    /// The webhook payload; filled in by the platform when a request arrives.
    #[serde(default)]
    pub payload: Map<String, Value>,
    /// The constants to be set when the block is put on the graph
    #[serde(default)]
    pub constants: Map<String, Value>,
    /// Optional. If set, the platform only accepts incoming webhook requests that carry this
    /// exact value in the 'X-Webhook-Secret' header, or an HMAC-SHA256 of the body keyed with it
    /// in 'X-Webhook-Signature'. Leave empty for unauthenticated webhooks (the URL itself is
    /// the only credential).
    #[serde(default)]
    pub secret_token: Option<String>,
}

#[derive(Serialize, JsonSchema)]
#[serde(tag = "pin", content = "value", rename_all = "snake_case")]
pub enum Output {
    /// The complete webhook payload that was received from the generic webhook.
    Payload(Map<String, Value>),
    /// The constants to be set when the block is put on the graph
    Constants(Map<String, Value>),
}

impl Block for GenericWebhookTrigger {
    const META: BlockMeta = BlockMeta {
        block_type: BlockType::WebhookManual,
        ..BlockMeta::standard(
            "8fa8c167-2002-47ce-aba8-97572fc5d387",
            "GenericWebhookTriggerBlock",
            "This block will output the contents of the generic input for the webhook.",
            &[Category::Input],
        )
    };
    type Input = Input;
    type Output = Output;

    async fn run(&self, input: Input, cx: &mut Cx<'_, Output>) -> Result<(), BlockError> {
        cx.emit(Output::Constants(input.constants));
        cx.emit(Output::Payload(input.payload));
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use agentry_core::testing::run_block;
    use serde_json::json;

    #[tokio::test]
    async fn autogpt_example() {
        let out = run_block(
            GenericWebhookTrigger,
            json!({"constants": {"key": "value"}, "payload": {"message": "Hello, World!"}}),
        )
        .await;
        assert_eq!(
            out,
            vec![
                ("constants".into(), json!({"key": "value"})),
                ("payload".into(), json!({"message": "Hello, World!"})),
            ]
        );
    }

    #[test]
    fn is_a_manual_webhook_block() {
        let mut r = agentry_core::Registry::new();
        super::super::register(&mut r);
        let info = r.info("8fa8c167-2002-47ce-aba8-97572fc5d387").unwrap();
        assert_eq!(info.block_type, BlockType::WebhookManual);
        assert_eq!(info.required_inputs().count(), 0);
    }
}
