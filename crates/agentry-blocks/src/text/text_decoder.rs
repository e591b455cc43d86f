//! TextDecoderBlock: turns escape sequences (`\n`, `\"`, `\u00e9`) into the characters they name.

use agentry_core::{Block, BlockError, BlockMeta, Category, Cx, Effect};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

pub struct TextDecoder;

#[derive(Deserialize, JsonSchema)]
pub struct Input {
    /// A string containing escaped characters to be decoded
    pub text: String,
}

#[derive(Serialize, JsonSchema)]
#[serde(tag = "pin", content = "value", rename_all = "snake_case")]
pub enum Output {
    /// The decoded text with escape sequences processed
    DecodedText(String),
}

/// Reads exactly `len` hex digits as a code point; Python's message when they are missing.
fn hex_escape(
    chars: &mut std::iter::Peekable<std::str::Chars<'_>>,
    len: usize,
    name: &str,
) -> Result<char, String> {
    let mut code = 0u32;
    for _ in 0..len {
        let digit = chars
            .next_if(char::is_ascii_hexdigit)
            .and_then(|c| c.to_digit(16))
            .ok_or_else(|| format!("truncated {name} escape"))?;
        code = code * 16 + digit;
    }
    // Python keeps lone surrogates in a str; Rust strings cannot hold them.
    char::from_u32(code).map_or_else(
        || {
            if code > 0x10FFFF {
                Err("illegal Unicode character".to_string())
            } else {
                Ok('\u{FFFD}')
            }
        },
        Ok,
    )
}

/// Python's `unicode_escape` decoding, except that non-ASCII characters pass through unchanged
/// (Python re-reads their UTF-8 bytes as Latin-1, which garbles them).
pub fn decode(text: &str) -> Result<String, String> {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        let Some(e) = chars.next() else {
            return Err("\\ at end of string".into());
        };
        match e {
            '\n' => {}
            '\\' | '\'' | '"' => out.push(e),
            'a' => out.push('\x07'),
            'b' => out.push('\x08'),
            'f' => out.push('\x0c'),
            'n' => out.push('\n'),
            'r' => out.push('\r'),
            't' => out.push('\t'),
            'v' => out.push('\x0b'),
            '0'..='7' => {
                let mut code = e.to_digit(8).unwrap_or(0);
                for _ in 0..2 {
                    match chars.next_if(|c| ('0'..='7').contains(c)) {
                        Some(d) => code = code * 8 + d.to_digit(8).unwrap_or(0),
                        None => break,
                    }
                }
                out.push(char::from_u32(code).unwrap_or('\u{FFFD}'));
            }
            'x' => out.push(hex_escape(&mut chars, 2, "\\xXX")?),
            'u' => out.push(hex_escape(&mut chars, 4, "\\uXXXX")?),
            'U' => out.push(hex_escape(&mut chars, 8, "\\UXXXXXXXX")?),
            // Unknown escapes stay as they are, as in Python.
            other => {
                out.push('\\');
                out.push(other);
            }
        }
    }
    Ok(out)
}

impl Block for TextDecoder {
    const META: BlockMeta = BlockMeta {
        effect: Effect::Pure,
        ..BlockMeta::standard(
            "2570e8fe-8447-43ed-84c7-70d657923231",
            "TextDecoderBlock",
            "Decodes a string containing escape sequences into actual text",
            &[Category::Text],
        )
    };
    type Input = Input;
    type Output = Output;

    async fn run(&self, input: Input, cx: &mut Cx<'_, Output>) -> Result<(), BlockError> {
        let decoded = decode(&input.text)
            .map_err(|e| BlockError::Input(format!("'unicodeescape' codec can't decode: {e}")))?;
        cx.emit(Output::DecodedText(decoded));
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
            TextDecoder,
            json!({"text": r#"Hello\nWorld!\nThis is a \"quoted\" string."#}),
        )
        .await;
        assert_eq!(
            out,
            vec![(
                "decoded_text".into(),
                json!("Hello\nWorld!\nThis is a \"quoted\" string.")
            )]
        );
    }

    #[test]
    fn escapes_as_python() {
        assert_eq!(
            decode(r"a\tb\\c\x41\u00e9\U0001F600\101\q").unwrap(),
            "a\tb\\cAé😀A\\q"
        );
        assert_eq!(decode("line\\\nnext").unwrap(), "linenext");
        assert_eq!(decode("café").unwrap(), "café");
        assert!(decode(r"bad \x4").unwrap_err().contains("truncated"));
        assert!(decode("ends with \\").is_err());
    }
}
