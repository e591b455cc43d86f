//! HumanInTheLoopBlock: pauses its node until a person approves or rejects the data (and may
//! edit it); the engine's `Reviews` capability records the request and gives the decision.

use agentry_core::{Block, BlockError, BlockMeta, BlockType, Category, Cx, ReviewRequest};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::Value;

pub struct HumanInTheLoop;

fn yes() -> bool {
    true
}

#[derive(Deserialize, JsonSchema)]
pub struct Input {
    /// The data to be reviewed by a human user
    pub data: Value,
    /// A descriptive name for what this data represents
    pub name: String,
    /// Whether the human reviewer can edit the data
    #[serde(default = "yes")]
    pub editable: bool,
}

#[derive(Serialize, JsonSchema)]
#[serde(tag = "pin", content = "value", rename_all = "snake_case")]
pub enum Output {
    /// The data when approved (may be modified by reviewer)
    ApprovedData(Value),
    /// The data when rejected (may be modified by reviewer)
    RejectedData(Value),
    /// Any message provided by the reviewer
    ReviewMessage(String),
}

impl Block for HumanInTheLoop {
    const META: BlockMeta = BlockMeta {
        block_type: BlockType::HumanInTheLoop,
        ..BlockMeta::standard(
            "8b2a7b3c-6e9d-4a5f-8c1b-2e3f4a5b6c7d",
            "HumanInTheLoopBlock",
            "Pause execution and wait for human approval or modification of data",
            &[Category::Basic],
        )
    };
    type Input = Input;
    type Output = Output;

    async fn run(&self, input: Input, cx: &mut Cx<'_, Output>) -> Result<(), BlockError> {
        let Some(reviews) = cx.reviews() else {
            return Err(BlockError::input(
                "human review is only available inside a graph run",
            ));
        };
        let request = ReviewRequest {
            data: input.data,
            name: input.name,
            editable: input.editable,
        };
        // No decision yet: nothing is yielded and the engine pauses the node in REVIEW.
        let Some(decision) = reviews.decision(request).await? else {
            return Ok(());
        };
        cx.emit(if decision.approved {
            Output::ApprovedData(decision.data)
        } else {
            Output::RejectedData(decision.data)
        });
        if let Some(message) = decision.message.filter(|m| !m.is_empty()) {
            cx.emit(Output::ReviewMessage(message));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Mutex;

    use agentry_core::testing::{Recorder, run_block};
    use agentry_core::{Context, ExecutionInfo, Registry, ReviewDecision, Reviews};
    use serde_json::json;

    use super::*;

    /// A review desk with a fixed answer that remembers what it was asked.
    struct Desk {
        answer: Option<ReviewDecision>,
        asked: Mutex<Vec<ReviewRequest>>,
    }

    impl Reviews for Desk {
        fn decision(
            &self,
            request: ReviewRequest,
        ) -> std::pin::Pin<
            Box<
                dyn std::future::Future<Output = Result<Option<ReviewDecision>, BlockError>>
                    + Send
                    + '_,
            >,
        > {
            self.asked.lock().unwrap().push(request);
            let answer = self.answer.clone();
            Box::pin(async move { Ok(answer) })
        }
    }

    struct WithDesk {
        recorder: Recorder,
        desk: Desk,
    }

    impl Context for WithDesk {
        fn emit(&mut self, pin: &str, value: Value) {
            self.recorder.emit(pin, value);
        }
        fn info(&self) -> &ExecutionInfo {
            self.recorder.info()
        }
        fn reviews(&self) -> Option<&dyn Reviews> {
            Some(&self.desk)
        }
    }

    async fn run_with(
        answer: Option<ReviewDecision>,
        input: Value,
    ) -> (Vec<(String, Value)>, Vec<ReviewRequest>) {
        let mut registry = Registry::new();
        registry.register(HumanInTheLoop);
        let block = registry.get(HumanInTheLoop::META.id).unwrap().clone();
        let mut cx = WithDesk {
            recorder: Recorder::default(),
            desk: Desk {
                answer,
                asked: Mutex::default(),
            },
        };
        block.run(input, &mut cx).await.unwrap();
        let asked = cx.desk.asked.into_inner().unwrap();
        (cx.recorder.outputs, asked)
    }

    fn profile() -> Value {
        json!({"data": {"name": "John Doe", "age": 30}, "name": "User profile data", "editable": true})
    }

    #[tokio::test]
    async fn autogpt_example_approved_data() {
        let approved = ReviewDecision {
            approved: true,
            data: json!({"name": "John Doe", "age": 30}),
            message: Some(String::new()),
        };
        let (out, _) = run_with(Some(approved), profile()).await;
        assert_eq!(
            out,
            vec![(
                "approved_data".into(),
                json!({"name": "John Doe", "age": 30})
            )]
        );
    }

    #[tokio::test]
    async fn no_decision_yet_yields_nothing_and_asks_with_the_defaults() {
        let (out, asked) =
            run_with(None, json!({"data": [1, 2], "name": "Numbers to check"})).await;
        assert!(out.is_empty(), "a waiting node yields nothing: {out:?}");
        assert_eq!(
            asked,
            vec![ReviewRequest {
                data: json!([1, 2]),
                name: "Numbers to check".into(),
                editable: true,
            }]
        );
    }

    #[tokio::test]
    async fn a_rejection_yields_rejected_data_and_the_message() {
        let rejected = ReviewDecision {
            approved: false,
            data: json!("draft"),
            message: Some("not this one".into()),
        };
        let (out, _) = run_with(Some(rejected), json!({"data": "draft", "name": "Draft"})).await;
        assert_eq!(
            out,
            vec![
                ("rejected_data".into(), json!("draft")),
                ("review_message".into(), json!("not this one")),
            ]
        );
    }

    #[tokio::test]
    async fn outside_a_run_it_fails_on_the_error_pin() {
        let out = run_block(HumanInTheLoop, profile()).await;
        assert_eq!(out.len(), 1);
        assert_eq!(out[0].0, "error");
    }

    #[test]
    fn pins_and_type_are_autogpts() {
        let mut r = Registry::new();
        r.register(HumanInTheLoop);
        let info = r.info("8b2a7b3c-6e9d-4a5f-8c1b-2e3f4a5b6c7d").unwrap();
        assert_eq!(info.block_type, BlockType::HumanInTheLoop);
        let required: Vec<&str> = info.required_inputs().collect();
        assert_eq!(required, ["data", "name"]);
        assert_eq!(
            info.input_schema["properties"]["editable"]["default"],
            json!(true)
        );
        let outputs: Vec<&String> = info.output_schema["properties"]
            .as_object()
            .unwrap()
            .keys()
            .collect();
        for pin in ["approved_data", "rejected_data", "review_message", "error"] {
            assert!(outputs.iter().any(|p| *p == pin), "{pin} in {outputs:?}");
        }
    }
}
