//! `LlmProviders`: configuration from the environment, model routing, retry waits.
use super::*;

fn vars(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
    let map: HashMap<String, String> = pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    move |name| map.get(name).cloned()
}

#[test]
fn the_environment_names_every_provider() {
    let b = LlmProviders::builder_from(vars(&[
        ("OPENAI_API_KEY", "sk-1"),
        ("ANTHROPIC_BASE_URL", "http://claude.internal"),
        ("OLLAMA_HOST", "gpu-box:11434"),
        ("GROQ_API_KEY", "gsk-1"),
        ("OPENROUTER_API_KEY", "or-1"),
    ]));
    let get = |name: &str| {
        b.configs
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, c)| c.clone())
            .unwrap()
    };
    let openai = get("openai");
    assert_eq!(openai.base_url, "https://api.openai.com/v1");
    assert_eq!(openai.api_key.as_deref(), Some("sk-1"));
    assert!(matches!(
        openai.wire,
        Wire::OpenAi {
            max_tokens_field: "max_completion_tokens",
            ..
        }
    ));
    assert_eq!(get("anthropic").base_url, "http://claude.internal");
    assert_eq!(get("anthropic").api_key, None);
    assert_eq!(get("ollama").base_url, "http://gpu-box:11434/v1");
    assert_eq!(get("groq").base_url, "https://api.groq.com/openai/v1");
    assert_eq!(
        get("open_router").headers,
        [("X-Title".to_string(), "Agentry".to_string())]
    );
    // A local OpenAI-compatible server gets the classic field name.
    let b = LlmProviders::builder_from(vars(&[("OPENAI_BASE_URL", "http://127.0.0.1:8080/v1")]));
    // Hosted providers with neither key nor base URL serve users' own keys only; Ollama
    // needs neither.
    let platform: Vec<&str> = b
        .configs
        .iter()
        .map(|(n, _)| n.as_str())
        .filter(|n| !b.user_keys_only.contains(*n))
        .collect();
    assert_eq!(platform, ["ollama", "openai"]);
    assert!(b.user_keys_only.contains("anthropic"));
    let (_, c) = b.configs.iter().find(|(n, _)| n == "openai").unwrap();
    assert!(matches!(
        c.wire,
        Wire::OpenAi {
            max_tokens_field: "max_tokens",
            ..
        }
    ));
    assert!(b.build().is_ok());
}

#[test]
fn models_route_to_their_provider_and_unknown_ones_to_the_default() {
    let p = LlmProviders::builder_from(vars(&[
        ("OPENAI_API_KEY", "k"),
        ("ANTHROPIC_API_KEY", "k"),
        ("GROQ_API_KEY", "k"),
        ("OPENROUTER_API_KEY", "k"),
    ]))
    .build()
    .unwrap();
    let route = |m: &str| p.resolve(m).map(|r| (r.name, r.wire_model)).unwrap();
    assert_eq!(route("gpt-4o"), ("openai".into(), "gpt-4o".into()));
    assert_eq!(route("claude-sonnet-4-20250514").0, "anthropic");
    assert_eq!(route("llama-3.3-70b-versatile").0, "groq");
    assert_eq!(route("perplexity/sonar-deep-research").0, "open_router");
    assert_eq!(route("llama3.3").0, "ollama");
    assert_eq!(
        route("qwen2.5:0.5b"),
        ("openai".into(), "qwen2.5:0.5b".into())
    );
    let only_local = LlmProviders::builder()
        .provider(
            "local",
            ProviderConfig::openai_compatible("http://127.0.0.1:1/v1", None, JsonStyle::JsonObject),
        )
        .default_provider("local")
        .build()
        .unwrap();
    assert_eq!(only_local.resolve("anything").unwrap().name, "local");
    let err = only_local.resolve("gpt-4o").unwrap_err();
    assert!(
        matches!(&err, BlockError::Input(m) if m.contains("\"openai\"") && m.contains("OPENAI_API_KEY")),
        "{err:?}"
    );
}

#[test]
fn backoff_doubles_and_retry_after_is_capped() {
    let p = RetryPolicy {
        max_attempts: 5,
        base_backoff: Duration::from_millis(100),
        max_backoff: Duration::from_millis(350),
        retry_after_cap: Duration::from_secs(2),
    };
    let server = CallError::Server {
        status: 500,
        message: String::new(),
    };
    assert_eq!(p.wait(1, &server), Duration::from_millis(100));
    assert_eq!(p.wait(2, &server), Duration::from_millis(200));
    assert_eq!(p.wait(3, &server), Duration::from_millis(350));
    let limited = |s| CallError::RateLimited {
        retry_after: Some(Duration::from_secs(s)),
        message: String::new(),
    };
    assert_eq!(p.wait(1, &limited(1)), Duration::from_secs(1));
    assert_eq!(p.wait(1, &limited(90)), Duration::from_secs(2));
    let no_header = CallError::RateLimited {
        retry_after: None,
        message: String::new(),
    };
    assert_eq!(p.wait(2, &no_header), Duration::from_millis(200));
}

#[test]
fn a_provider_without_the_operators_key_serves_users_keys_only() {
    let p = LlmProviders::builder_from(vars(&[])).build().unwrap();
    let err = p.resolve("claude-sonnet-4-20250514").unwrap_err();
    assert!(
        matches!(&err, BlockError::Input(m) if m.contains("ANTHROPIC_API_KEY") && m.contains("your own")),
        "{err:?}"
    );
    let route = p.route("claude-sonnet-4-20250514", true).unwrap();
    assert_eq!(route.name, "anthropic");
    // Ollama is local: the platform serves it without any key.
    assert_eq!(p.resolve("llama3.3").unwrap().name, "ollama");
}

#[test]
fn a_refused_users_key_is_redacted_from_the_error() {
    let refused = CallError::Client {
        status: 401,
        message: "Incorrect API key provided: sk-user-secret-123".into(),
    };
    let text = refused.redacted("sk-user-secret-123").to_string();
    assert!(!text.contains("sk-user-secret-123"), "{text}");
    assert!(text.contains("<redacted>"), "{text}");
}
