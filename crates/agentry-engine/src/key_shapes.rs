//! Known secret shapes found anywhere inside a text: a key pasted into a template
//! ("Hello {{v}}, key sk-…"), a header value or a list item is as published as a whole-value
//! key. Each shape is a provider's documented token format, anchored so that it must start a
//! word (ordinary words such as "task-…" or "AKIA is a prefix" do not match) and long enough
//! that prose does not look like it. Only the shape's name is reported, never the match, so
//! callers cannot echo the secret by accident.

use std::sync::LazyLock;

use regex::Regex;

/// A token starts at the text's start or after a character no key contains.
const START: &str = r"(?:^|[^A-Za-z0-9_\-])";

/// (name, pattern) of every known key shape.
const SHAPES: [(&str, &str); 10] = [
    ("Anthropic key", r"sk-ant-[A-Za-z0-9_\-]{20,}"),
    (
        "OpenAI key",
        r"sk-(?:proj-|svcacct-|admin-)?[A-Za-z0-9_\-]{20,}",
    ),
    ("Stripe key", r"[sr]k_live_[A-Za-z0-9]{16,}"),
    (
        "GitHub token",
        r"(?:gh[pousr]_[A-Za-z0-9]{30,}|github_pat_[A-Za-z0-9_]{22,})",
    ),
    ("Google API key", r"AIza[0-9A-Za-z_\-]{35}"),
    ("Slack token", r"xox[abposr]-[0-9A-Za-z\-]{10,}"),
    (
        "AWS access key",
        r"(?:AKIA|ASIA)[0-9A-Z]{16}(?:$|[^A-Za-z0-9])",
    ),
    (
        "JSON Web Token",
        r"eyJ[A-Za-z0-9_\-]{8,}\.eyJ[A-Za-z0-9_\-]{8,}\.[A-Za-z0-9_\-]{8,}",
    ),
    ("bearer token", r"(?i:bearer)\s+[A-Za-z0-9._~+/\-]{20,}=*"),
    (
        "private key",
        r"-----BEGIN (?:RSA |EC |DSA |OPENSSH |ENCRYPTED |PGP )?PRIVATE KEY(?: BLOCK)?-----",
    ),
];

static COMPILED: LazyLock<Vec<(&'static str, Regex)>> = LazyLock::new(|| {
    SHAPES
        .iter()
        .map(|(name, pattern)| {
            let anchored = format!("{START}{pattern}");
            (*name, Regex::new(&anchored).expect("a valid key shape"))
        })
        .collect()
});

/// The name of the first known key shape inside `text`, if any.
pub(crate) fn key_shape_in(text: &str) -> Option<&'static str> {
    COMPILED
        .iter()
        .find(|(_, shape)| shape.is_match(text))
        .map(|(name, _)| *name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_found_inside_text() {
        for (text, shape) in [
            ("Hello {{v}}, key sk-abcdefghijklmnopqrstuvwx", "OpenAI key"),
            ("sk-proj-Ab12Cd34Ef56Gh78Ij90Kl12Mn34", "OpenAI key"),
            (
                "use sk-ant-api03-AbCdEfGhIjKlMnOpQrStUv now",
                "Anthropic key",
            ),
            (
                "token=ghp_abcdefghijklmnopqrstuvwxyz0123456789",
                "GitHub token",
            ),
            (
                "github_pat_11ABCDEFG0123456789_abcdefghijklmnop",
                "GitHub token",
            ),
            (
                "key: AIzaSyA1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q",
                "Google API key",
            ),
            ("slack xoxb-1234567890-abcdefghij", "Slack token"),
            ("aws AKIAIOSFODNN7EXAMPLE here", "AWS access key"),
            ("AKIAIOSFODNN7EXAMPLE", "AWS access key"),
            (
                "jwt eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N",
                "JSON Web Token",
            ),
            (
                "Authorization: Bearer abcdefghijklmnopqrstuvwxyz",
                "bearer token",
            ),
            ("x\n-----BEGIN PRIVATE KEY-----\nMIIE", "private key"),
            ("-----BEGIN OPENSSH PRIVATE KEY-----", "private key"),
        ] {
            assert_eq!(key_shape_in(text), Some(shape), "{text}");
        }
    }

    #[test]
    fn ordinary_text_is_not_a_key() {
        for text in [
            "tell me about tokens",
            "Ask-questions-about-the-weather-and-more please",
            "https://example.com/task-abcdefghijklmnopqrstuvwxyz",
            "OpenAI keys start with sk- and Anthropic keys with sk-ant-",
            "AKIA is the prefix of an AWS access key id",
            "AKIAIOSFODNN7EXAMPLELONGERWORD",
            "Bearer tokens are described in RFC 6750",
            "Authorization: Bearer {{token}}",
            "-----BEGIN CERTIFICATE-----",
            "c0a8e994-ebf1-4a9c-a4d8-89d09c86741b",
            "the desk-lamp-with-an-adjustable-arm is on sale",
            "eyJ alone is not a token",
        ] {
            assert_eq!(key_shape_in(text), None, "{text}");
        }
    }
}
