//! XMLParserBlock: XML to a dictionary, with the rules of AutoGPT's gravitasml parser.
//!
//! gravitasml is a small markup reader, not a full XML parser: tag names are lower-cased with
//! inner whitespace turned into `_` (so attributes become part of the name), text is trimmed,
//! a tag with one child or unique child names becomes a dictionary, repeated child names
//! become a list, and a leaf is its text. Declarations (`<?xml`, `<!DOCTYPE`) are refused.

use agentry_core::{Block, BlockError, BlockMeta, Category, Cx, Effect};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

pub struct XmlParser;

const MAX_XML_SIZE: usize = 10 * 1024 * 1024;
const MAX_XML_TAG_LENGTH: usize = 4_096;
const MAX_XML_DEPTH: usize = 256;

#[derive(Deserialize, JsonSchema)]
pub struct Input {
    /// input xml to be parsed
    pub input_xml: String,
}

#[derive(Serialize, JsonSchema)]
#[serde(tag = "pin", content = "value", rename_all = "snake_case")]
pub enum Output {
    /// output parsed xml to dict
    ParsedXml(Value),
}

#[derive(Debug, PartialEq)]
enum Token {
    Open(String),
    Close(String),
    Text(String),
    Escape,
}

/// One linear pass that refuses what would make the tokenizer misbehave.
fn check_markup(xml: &str) -> Result<(), String> {
    let mut position = 0;
    let mut depth = 0usize;
    while let Some(found) = xml[position..].find('<') {
        let start = position + found;
        if xml[start..].starts_with("<!--") {
            let end = xml[start + 4..]
                .find("-->")
                .ok_or("Unclosed XML comment.")?;
            position = start + 4 + end + 3;
            continue;
        }
        let end = start
            + 1
            + xml[start + 1..]
                .find('>')
                .ok_or("Unclosed tag delimiter in XML input.")?;
        if xml[start + 1..end].contains('<') {
            return Err("Nested '<' delimiter in XML tag.".into());
        }
        let tag = xml[start + 1..end].trim();
        if tag.is_empty() {
            return Err("Empty XML tag.".into());
        }
        if tag.chars().count() > MAX_XML_TAG_LENGTH {
            return Err(format!(
                "XML tag exceeds the {MAX_XML_TAG_LENGTH} character limit."
            ));
        }
        if tag.starts_with(['!', '?']) {
            return Err("XML declarations and directives are not supported.".into());
        }
        if tag.starts_with('/') {
            depth = depth
                .checked_sub(1)
                .ok_or("Unexpected closing tag in XML input.")?;
        } else if !tag.ends_with('/') {
            depth += 1;
            if depth > MAX_XML_DEPTH {
                return Err(format!(
                    "XML nesting exceeds the maximum depth of {MAX_XML_DEPTH}."
                ));
            }
        }
        position = end + 1;
    }
    Ok(())
}

/// A tag's name as gravitasml keeps it: before any `|` filter, trimmed, whitespace runs as
/// `_`, lower case.
fn tag_name(inner: &str) -> String {
    let name = inner.split('|').next().unwrap_or_default();
    name.split_whitespace()
        .collect::<Vec<_>>()
        .join("_")
        .to_lowercase()
}

/// gravitasml's tokenizer: at each position try escape, comment, opening tag, closing tag,
/// then text; a position where none matches is skipped.
fn tokenize(xml: &str) -> Vec<Token> {
    let mut tokens = Vec::new();
    let mut i = 0;
    while i < xml.len() {
        let rest = &xml[i..];
        let first = rest.chars().next().unwrap_or_default();
        if first == '\\' && rest.len() > 1 {
            tokens.push(Token::Escape);
            i += 1 + rest[1..].chars().next().map_or(0, char::len_utf8);
        } else if let Some(end) = rest.strip_prefix("<!--").and_then(|r| r.find("-->")) {
            i += 4 + end + 3;
        } else if let Some(inner) = open_tag(rest) {
            let name = tag_name(inner);
            i += inner.len() + 2;
            if !name.is_empty() {
                tokens.push(Token::Open(name));
            }
        } else if let Some(inner) = close_tag(rest) {
            let name = tag_name(inner);
            i += inner.len() + 3;
            if !name.is_empty() {
                tokens.push(Token::Close(name));
            }
        } else if first != '<' {
            let len = rest.find('<').unwrap_or(rest.len());
            let text = rest[..len].trim();
            if !text.is_empty() {
                tokens.push(Token::Text(text.to_string()));
            }
            i += len;
        } else {
            i += 1;
        }
    }
    tokens
}

/// `<name>` where the name has no `>` or `/`: the text between the brackets.
fn open_tag(rest: &str) -> Option<&str> {
    let body = rest.strip_prefix('<')?;
    let end = body.find(['>', '/'])?;
    (end > 0 && body[end..].starts_with('>')).then(|| &body[..end])
}

/// `</name>`: the text between `</` and `>`.
fn close_tag(rest: &str) -> Option<&str> {
    let body = rest.strip_prefix("</")?;
    let end = body.find('>')?;
    (end > 0).then(|| &body[..end])
}

fn check_tokens(tokens: &[Token]) -> Result<(), String> {
    if tokens.is_empty() {
        return Err("XML input is empty.".into());
    }
    let mut depth = 0i64;
    let mut root_seen = false;
    for token in tokens {
        match token {
            Token::Open(_) => {
                if depth == 0 && root_seen {
                    return Err("XML must have a single root element.".into());
                }
                depth += 1;
                root_seen = true;
            }
            Token::Close(_) => {
                depth -= 1;
                if depth < 0 {
                    return Err("Unexpected closing tag in XML input.".into());
                }
            }
            Token::Text(_) | Token::Escape if depth == 0 => {
                return Err("XML contains text outside the root element; wrap content in a single root tag.".into());
            }
            _ => {}
        }
    }
    if depth != 0 {
        return Err("Unclosed tag detected in XML input.".into());
    }
    if !root_seen {
        return Err("XML must include a root element.".into());
    }
    Ok(())
}

struct Node {
    tag: String,
    value: String,
    children: Vec<Node>,
}

impl Node {
    fn to_value(&self) -> Value {
        Value::Object(Map::from_iter([(self.tag.clone(), self.inner())]))
    }

    fn inner(&self) -> Value {
        match self.children.as_slice() {
            [] => Value::String(self.value.clone()),
            [only] => only.to_value(),
            many => {
                let mut unique = Map::new();
                for child in many {
                    if unique.contains_key(&child.tag) {
                        return Value::Array(many.iter().map(Node::to_value).collect());
                    }
                    unique.insert(child.tag.clone(), child.inner());
                }
                Value::Object(unique)
            }
        }
    }
}

/// Builds the tree; the checks above guarantee one root and balanced depth.
fn parse(tokens: Vec<Token>) -> Result<Value, String> {
    let mut stack: Vec<Node> = Vec::new();
    let mut root = None;
    for token in tokens {
        match token {
            Token::Open(tag) => stack.push(Node {
                tag,
                value: String::new(),
                children: Vec::new(),
            }),
            Token::Text(text) => {
                if let Some(node) = stack.last_mut() {
                    node.value.push_str(&text);
                }
            }
            Token::Escape => {}
            Token::Close(tag) => {
                let node = stack.pop().ok_or("Unmatched closing tag")?;
                if node.tag != tag {
                    return Err(format!("Mismatched tags: {} and {tag}", node.tag));
                }
                match stack.last_mut() {
                    Some(parent) => parent.children.push(node),
                    None => root = Some(node),
                }
            }
        }
    }
    root.map(|r| r.to_value())
        .ok_or_else(|| "Unclosed tag".into())
}

impl Block for XmlParser {
    const META: BlockMeta = BlockMeta {
        effect: Effect::Pure,
        ..BlockMeta::standard(
            "286380af-9529-4b55-8be0-1d7c854abdb5",
            "XMLParserBlock",
            "Parses XML using gravitasml to tokenize and coverts it to dict",
            &[Category::Basic],
        )
    };
    type Input = Input;
    type Output = Output;

    async fn run(&self, input: Input, cx: &mut Cx<'_, Output>) -> Result<(), BlockError> {
        let xml = input.input_xml;
        if xml.chars().count() > MAX_XML_SIZE {
            return Err(BlockError::Input(format!(
                "XML too large: {} bytes > {MAX_XML_SIZE} bytes",
                xml.chars().count()
            )));
        }
        let invalid = |e: String| BlockError::Input(format!("Validation error for dict:{e}"));
        check_markup(&xml).map_err(invalid)?;
        let tokens = tokenize(&xml);
        check_tokens(&tokens).map_err(invalid)?;
        let parsed = parse(tokens)
            .map_err(|e| BlockError::Input(format!("Error in input xml syntax: {e}")))?;
        cx.emit(Output::ParsedXml(parsed));
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use agentry_core::testing::run_block;
    use serde_json::json;

    async fn parsed(xml: &str) -> Value {
        let out = run_block(XmlParser, json!({"input_xml": xml})).await;
        assert_eq!(out.len(), 1, "{out:?}");
        out[0].1.clone()
    }

    #[tokio::test]
    async fn autogpt_example_and_tree_shapes() {
        assert_eq!(
            parsed("<tag1><tag2>content</tag2></tag1>").await,
            json!({"tag1": {"tag2": "content"}})
        );
        assert_eq!(
            parsed("<Root>\n  <A> one </A>\n  <b>two</b>\n</Root>").await,
            json!({"root": {"a": "one", "b": "two"}})
        );
        // Repeated names make a list of single-key dictionaries.
        assert_eq!(
            parsed("<list><item>1</item><item>2</item><other/></list>").await,
            json!({"list": [{"item": "1"}, {"item": "2"}]})
        );
        assert_eq!(
            parsed("<a><!-- note --><b>x</b></a>").await,
            json!({"a": {"b": "x"}})
        );
        assert_eq!(parsed("<a>  </a>").await, json!({"a": ""}));
    }

    #[tokio::test]
    async fn refusals_carry_autogpt_messages() {
        let cases = [
            ("", "Validation error for dict:XML input is empty."),
            (
                "<a></a><b></b>",
                "Validation error for dict:XML must have a single root element.",
            ),
            (
                "text <a></a>",
                "Validation error for dict:XML contains text outside the root element; wrap content in a single root tag.",
            ),
            (
                "<a><b></a>",
                "Validation error for dict:Unclosed tag detected in XML input.",
            ),
            (
                "<a>",
                "Validation error for dict:Unclosed tag detected in XML input.",
            ),
            (
                "<?xml version=\"1.0\"?><a/>",
                "Validation error for dict:XML declarations and directives are not supported.",
            ),
            (
                "<a><b>",
                "Validation error for dict:Unclosed tag detected in XML input.",
            ),
            (
                "<a x",
                "Validation error for dict:Unclosed tag delimiter in XML input.",
            ),
            (
                "<a></b>",
                "Error in input xml syntax: Mismatched tags: a and b",
            ),
        ];
        for (xml, want) in cases {
            let out = run_block(XmlParser, json!({"input_xml": xml})).await;
            assert_eq!(out, vec![("error".into(), json!(want))], "{xml}");
        }
        let deep = "<a>".repeat(300) + &"</a>".repeat(300);
        let out = run_block(XmlParser, json!({"input_xml": deep})).await;
        assert!(out[0].1.as_str().unwrap().contains("maximum depth of 256"));
    }
}
