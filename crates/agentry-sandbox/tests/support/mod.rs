//! Test helpers: a sandbox on the freshly built runner with small limits.

use std::time::Duration;

use agentry_sandbox::{CodeSandbox, Language, Limits, Outcome};

pub fn sandbox() -> CodeSandbox {
    let mut sandbox = CodeSandbox::new(
        env!("CARGO_BIN_EXE_agentry-sandbox-runner"),
        CodeSandbox::default_python(),
    );
    sandbox.limits = Limits {
        memory_bytes: 256 * 1024 * 1024,
        cpu_seconds: 2,
        wall_clock: Duration::from_secs(20),
        output_bytes: 64 * 1024,
    };
    sandbox
}

#[allow(dead_code)]
pub async fn python(code: &str) -> Outcome {
    sandbox().run(Language::Python, code, None).await.unwrap()
}

#[allow(dead_code)]
pub async fn js(code: &str) -> Outcome {
    sandbox()
        .run(Language::Javascript, code, None)
        .await
        .unwrap()
}
