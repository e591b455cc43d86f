//! Notion blocks to Markdown (AutoGPT's `block_to_markdown` and `blocks_to_markdown`, the same
//! output for the same blocks) and Markdown lines to Notion blocks (`_markdown_to_blocks` of
//! its create page block).

use serde_json::{Value, json};

use super::plain_text;

/// AutoGPT's `rich_text_to_markdown`: code, bold, italic, strikethrough, underline, links.
pub fn rich_text(rich: &Value) -> String {
    let mut out = String::new();
    for t in rich.as_array().into_iter().flatten() {
        let mut text = t["plain_text"].as_str().unwrap_or_default().to_string();
        let a = &t["annotations"];
        let on = |k: &str| a[k].as_bool().unwrap_or(false);
        if on("code") {
            text = format!("`{text}`");
        } else {
            if on("bold") {
                text = format!("**{text}**");
            }
            if on("italic") {
                text = format!("*{text}*");
            }
            if on("strikethrough") {
                text = format!("~~{text}~~");
            }
            if on("underline") {
                text = format!("<u>{text}</u>");
            }
        }
        if let Some(href) = t["href"].as_str().filter(|h| !h.is_empty()) {
            text = format!("[{text}]({href})");
        }
        out.push_str(&text);
    }
    out
}

/// An image's, video's or file's URL: external, else hosted by Notion.
fn media_url(media: &Value) -> String {
    media["external"]["url"]
        .as_str()
        .filter(|u| !u.is_empty())
        .or_else(|| media["file"]["url"].as_str())
        .unwrap_or_default()
        .to_string()
}

/// Appends each child's Markdown at `level`.
fn children(block: &Value, level: usize, lines: &mut Vec<String>) {
    for child in block["children"].as_array().into_iter().flatten() {
        let md = block_markdown(child, level);
        if !md.is_empty() {
            lines.push(md);
        }
    }
}

/// One block (and its fetched `children`) as Markdown, indented two spaces per level.
pub fn block_markdown(block: &Value, level: usize) -> String {
    let kind = block["type"].as_str().unwrap_or_default();
    let indent = "  ".repeat(level);
    let body = &block[kind];
    let rich = || rich_text(&body["rich_text"]);
    let plain = || plain_text(&body["rich_text"]);
    let mut lines: Vec<String> = Vec::new();
    match kind {
        "paragraph" => {
            let text = rich();
            if !text.is_empty() {
                lines.push(format!("{indent}{text}"));
            }
        }
        "heading_1" => lines.push(format!("{indent}# {}", plain())),
        "heading_2" => lines.push(format!("{indent}## {}", plain())),
        "heading_3" => lines.push(format!("{indent}### {}", plain())),
        "bulleted_list_item" => lines.push(format!("{indent}- {}", rich())),
        "numbered_list_item" => lines.push(format!("{indent}1. {}", rich())),
        "to_do" => {
            let checked = if body["checked"].as_bool().unwrap_or(false) {
                "x"
            } else {
                " "
            };
            lines.push(format!("{indent}- [{checked}] {}", rich()));
        }
        "toggle" => {
            lines.push(format!("{indent}<details>"));
            lines.push(format!("{indent}<summary>{}</summary>", rich()));
            lines.push(indent.clone());
            children(block, level + 1, &mut lines);
            lines.push(format!("{indent}</details>"));
        }
        "code" => {
            let language = body["language"].as_str().unwrap_or_default();
            lines.push(format!("{indent}```{language}"));
            lines.push(format!("{indent}{}", plain()));
            lines.push(format!("{indent}```"));
        }
        "quote" => lines.push(format!("{indent}> {}", rich())),
        "divider" => lines.push(format!("{indent}---")),
        "image" | "video" | "file" => {
            let url = media_url(body);
            let caption = plain_text(&body["caption"]);
            match kind {
                "image" => {
                    let alt = if caption.is_empty() {
                        "Image"
                    } else {
                        caption.as_str()
                    };
                    lines.push(format!("{indent}![{alt}]({url})"));
                }
                "video" => lines.push(format!("{indent}[Video]({url})")),
                _ => {
                    let name = if caption.is_empty() {
                        "File"
                    } else {
                        caption.as_str()
                    };
                    lines.push(format!("{indent}[{name}]({url})"));
                }
            }
            if kind != "file" && !caption.is_empty() {
                lines.push(format!("{indent}*{caption}*"));
            }
        }
        "bookmark" => {
            let url = body["url"].as_str().unwrap_or_default();
            let caption = plain_text(&body["caption"]);
            let label = if caption.is_empty() {
                url
            } else {
                caption.as_str()
            };
            lines.push(format!("{indent}[{label}]({url})"));
        }
        "equation" => {
            let expression = body["expression"].as_str().unwrap_or_default();
            lines.push(format!("{indent}$${expression}$$"));
        }
        "callout" => {
            let icon = body["icon"]["emoji"].as_str().unwrap_or("ℹ️");
            lines.push(format!("{indent}> {icon} {}", rich()));
        }
        "child_page" => {
            let title = body["title"].as_str().unwrap_or("Untitled");
            let id = block["id"].as_str().unwrap_or_default();
            lines.push(format!("{indent}📄 [{title}](notion://page/{id})"));
        }
        "child_database" => {
            let title = body["title"].as_str().unwrap_or("Untitled Database");
            let id = block["id"].as_str().unwrap_or_default();
            lines.push(format!("{indent}🗂️ [{title}](notion://database/{id})"));
        }
        "table" => {
            let width = body["table_width"].as_i64().unwrap_or_default();
            lines.push(format!("{indent}[Table with {width} columns]"));
        }
        "column_list" => {
            if block["children"].as_array().is_some_and(|c| !c.is_empty()) {
                lines.push(format!("{indent}<div style='display: flex'>"));
                for column in block["children"].as_array().into_iter().flatten() {
                    lines.push(format!("{indent}<div style='flex: 1'>"));
                    children(column, level + 1, &mut lines);
                    lines.push(format!("{indent}</div>"));
                }
                lines.push(format!("{indent}</div>"));
            }
        }
        // Other blocks show only their children, at the same depth.
        _ => children(block, level, &mut lines),
    }
    lines.join("\n")
}

/// A page's blocks as one document: blank lines between blocks, none inside a list.
pub fn blocks_markdown(blocks: &[Value]) -> String {
    const LISTS: [&str; 3] = ["bulleted_list_item", "numbered_list_item", "to_do"];
    let mut parts: Vec<String> = Vec::new();
    for (i, block) in blocks.iter().enumerate() {
        let md = block_markdown(block, 0);
        if md.is_empty() {
            continue;
        }
        parts.push(md);
        if let Some(next) = blocks.get(i + 1) {
            let in_list = |b: &Value| LISTS.contains(&b["type"].as_str().unwrap_or_default());
            if !(in_list(block) && in_list(next)) {
                parts.push(String::new());
            }
        }
    }
    parts.join("\n")
}

fn text_block(kind: &str, content: &str) -> Value {
    json!({"type": kind, kind: {"rich_text": [{"type": "text", "text": {"content": content}}]}})
}

/// AutoGPT's `_markdown_to_blocks`: headings, lists, fenced code, quotes, dividers,
/// paragraphs; blank lines dropped.
pub fn to_blocks(content: &str) -> Vec<Value> {
    let lines: Vec<&str> = content.split('\n').collect();
    let mut blocks = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        let line = lines[i];
        let trimmed = line.trim();
        if trimmed.is_empty() {
            i += 1;
            continue;
        }
        if let Some(rest) = line.strip_prefix("### ") {
            blocks.push(text_block("heading_3", rest.trim()));
        } else if let Some(rest) = line.strip_prefix("## ") {
            blocks.push(text_block("heading_2", rest.trim()));
        } else if let Some(rest) = line.strip_prefix("# ") {
            blocks.push(text_block("heading_1", rest.trim()));
        } else if let Some(rest) = trimmed.strip_prefix("- ") {
            blocks.push(text_block("bulleted_list_item", rest.trim()));
        } else if trimmed.starts_with(|c: char| c.is_ascii_digit()) && line.contains(". ") {
            let start = line.find(". ").map_or(0, |at| at + 2);
            blocks.push(text_block("numbered_list_item", line[start..].trim()));
        } else if trimmed.starts_with("```") {
            let language = line.trim_start().get(3..).unwrap_or_default().trim();
            let language = if language.is_empty() {
                "plain text"
            } else {
                language
            };
            let mut code = Vec::new();
            i += 1;
            while i < lines.len() && !lines[i].trim().starts_with("```") {
                code.push(lines[i]);
                i += 1;
            }
            let mut block = text_block("code", &code.join("\n"));
            block["code"]["language"] = json!(language);
            blocks.push(block);
        } else if let Some(rest) = trimmed.strip_prefix("> ") {
            blocks.push(text_block("quote", rest.trim()));
        } else if ["---", "***", "___"].contains(&trimmed) {
            blocks.push(json!({"type": "divider", "divider": {}}));
        } else {
            blocks.push(text_block("paragraph", trimmed));
        }
        i += 1;
    }
    blocks
}
