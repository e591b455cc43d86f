//! CodeExtractionBlock: pulls fenced code blocks out of text, one output per language.

use std::sync::LazyLock;

use agentry_core::{Block, BlockError, BlockMeta, Category, Cx, Effect};
use regex::Regex;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

pub struct CodeExtraction;

#[derive(Deserialize, JsonSchema)]
pub struct Input {
    /// Text containing code blocks to extract (e.g., AI response)
    pub text: String,
}

#[derive(Serialize, JsonSchema)]
#[serde(tag = "pin", content = "value", rename_all = "snake_case")]
pub enum Output {
    /// Extracted HTML code
    Html(String),
    /// Extracted CSS code
    Css(String),
    /// Extracted JavaScript code
    Javascript(String),
    /// Extracted Python code
    Python(String),
    /// Extracted SQL code
    Sql(String),
    /// Extracted Java code
    Java(String),
    /// Extracted C++ code
    Cpp(String),
    /// Extracted C# code
    Csharp(String),
    /// Extracted JSON code
    JsonCode(String),
    /// Extracted Bash code
    Bash(String),
    /// Extracted PHP code
    Php(String),
    /// Extracted Ruby code
    Ruby(String),
    /// Extracted YAML code
    Yaml(String),
    /// Extracted Markdown code
    Markdown(String),
    /// Extracted TypeScript code
    Typescript(String),
    /// Extracted XML code
    Xml(String),
    /// Remaining text after code extraction
    RemainingText(String),
}

/// Output pins in AutoGPT's order, each with the fence tags that count as that language.
const LANGUAGES: &[(&str, &[&str])] = &[
    ("html", &["html", "htm"]),
    ("css", &["css"]),
    ("javascript", &["javascript", "js"]),
    ("python", &["python", "py"]),
    ("sql", &["sql"]),
    ("java", &["java"]),
    ("cpp", &["cpp", "c++"]),
    ("csharp", &["csharp", "c#", "cs"]),
    ("json_code", &["json"]),
    ("bash", &["bash", "shell", "sh"]),
    ("php", &["php"]),
    ("ruby", &["ruby", "rb"]),
    ("yaml", &["yaml", "yml"]),
    ("markdown", &["markdown", "md"]),
    ("typescript", &["typescript", "ts"]),
    ("xml", &["xml"]),
];

/// One case-insensitive pattern per fence tag, in `LANGUAGES` order.
static FENCES: LazyLock<Vec<Vec<Regex>>> = LazyLock::new(|| {
    LANGUAGES
        .iter()
        .map(|(_, aliases)| {
            aliases
                .iter()
                .map(|alias| {
                    let pattern = format!(r"(?si)```{}[ \t]*\n(.*?)\n```", regex::escape(alias));
                    Regex::new(&pattern).expect("valid fence pattern")
                })
                .collect()
        })
        .collect()
});

/// Every known fence, matched case-sensitively as AutoGPT does when it removes them.
static ANY_FENCE: LazyLock<Regex> = LazyLock::new(|| {
    let aliases: Vec<String> = LANGUAGES
        .iter()
        .flat_map(|(_, aliases)| aliases.iter().map(|a| regex::escape(a)))
        .collect();
    Regex::new(&format!(r"```(?:{})[ \t]*\n[\s\S]*?```", aliases.join("|")))
        .expect("valid fence pattern")
});

static BLANK_LINES: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\n\s*\n").expect("valid pattern"));

/// The code of each language that has any, in `LANGUAGES` order, and the text left over.
pub fn extract(text: &str) -> (Vec<(&'static str, String)>, String) {
    let mut found = Vec::new();
    for ((pin, _), patterns) in LANGUAGES.iter().zip(FENCES.iter()) {
        let code = group_join(patterns, text);
        if !code.is_empty() {
            found.push((*pin, code));
        }
    }
    let remaining = ANY_FENCE.replace_all(text, "");
    let remaining = BLANK_LINES.replace_all(remaining.trim(), "\n").into_owned();
    (found, remaining)
}

/// Joins blocks as AutoGPT does: blocks of one alias with a blank line, then the non-empty
/// alias groups with a blank line.
fn group_join(patterns: &[Regex], text: &str) -> String {
    let mut code = String::new();
    for re in patterns {
        let parts: Vec<&str> = re
            .captures_iter(text)
            .filter_map(|c| c.get(1).map(|m| m.as_str().trim()))
            .collect();
        let joined = parts.join("\n\n");
        if joined.is_empty() {
            continue;
        }
        if !code.is_empty() {
            code.push_str("\n\n");
        }
        code.push_str(&joined);
    }
    code
}

fn pin_output(pin: &str, code: String) -> Option<Output> {
    Some(match pin {
        "html" => Output::Html(code),
        "css" => Output::Css(code),
        "javascript" => Output::Javascript(code),
        "python" => Output::Python(code),
        "sql" => Output::Sql(code),
        "java" => Output::Java(code),
        "cpp" => Output::Cpp(code),
        "csharp" => Output::Csharp(code),
        "json_code" => Output::JsonCode(code),
        "bash" => Output::Bash(code),
        "php" => Output::Php(code),
        "ruby" => Output::Ruby(code),
        "yaml" => Output::Yaml(code),
        "markdown" => Output::Markdown(code),
        "typescript" => Output::Typescript(code),
        "xml" => Output::Xml(code),
        _ => return None,
    })
}

impl Block for CodeExtraction {
    const META: BlockMeta = BlockMeta {
        effect: Effect::Pure,
        ..BlockMeta::standard(
            "d3a7d896-3b78-4f44-8b4b-48fbf4f0bcd8",
            "CodeExtractionBlock",
            "Extracts code blocks from text and identifies their programming languages",
            &[Category::Text],
        )
    };
    type Input = Input;
    type Output = Output;

    async fn run(&self, input: Input, cx: &mut Cx<'_, Output>) -> Result<(), BlockError> {
        let (found, remaining) = extract(&input.text);
        for (pin, code) in found {
            if let Some(output) = pin_output(pin, code) {
                cx.emit(output);
            }
        }
        if !remaining.is_empty() {
            cx.emit(Output::RemainingText(remaining));
        }
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
        let text = "Here's a Python example:\n```python\nprint('Hello World')\n```\nAnd some HTML:\n```html\n<h1>Title</h1>\n```";
        let out = run_block(CodeExtraction, json!({"text": text})).await;
        assert_eq!(
            out,
            vec![
                ("html".into(), json!("<h1>Title</h1>")),
                ("python".into(), json!("print('Hello World')")),
                (
                    "remaining_text".into(),
                    json!("Here's a Python example:\nAnd some HTML:")
                ),
            ]
        );
    }

    #[test]
    fn aliases_merge_and_similar_tags_stay_apart() {
        let text = "```js\na()\n```\n```JavaScript\nb()\n```\n```java\nclass A {}\n```\n```css\np {}\n```\nbye";
        let (found, remaining) = extract(text);
        assert_eq!(
            found,
            vec![
                ("css", "p {}".to_string()),
                ("javascript", "b()\n\na()".to_string()),
                ("java", "class A {}".to_string()),
            ]
        );
        // Removal is case-sensitive in AutoGPT, so the `JavaScript` fence stays in the text.
        assert_eq!(remaining, "```JavaScript\nb()\n```\nbye");
        let (found, remaining) = extract("no code here");
        assert!(found.is_empty());
        assert_eq!(remaining, "no code here");
    }
}
