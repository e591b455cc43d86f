//! The Markdown converter's requests, index by index.

use serde_json::{Value, json};

use super::to_requests;

fn inserted(requests: &[Value]) -> &str {
    requests[0]["insertText"]["text"].as_str().unwrap()
}

fn of<'a>(requests: &'a [Value], kind: &str) -> Vec<&'a Value> {
    requests.iter().filter_map(|r| r.get(kind)).collect()
}

#[test]
fn headings_and_paragraphs() {
    let r = to_requests("# Title\n\nBody text\n\n### Small", 1);
    assert_eq!(r[0]["insertText"]["location"]["index"], 1);
    assert_eq!(inserted(&r), "Title\nBody text\nSmall\n");
    let styles = of(&r, "updateParagraphStyle");
    assert_eq!(styles.len(), 2);
    assert_eq!(styles[0]["range"], json!({"startIndex": 1, "endIndex": 7}));
    assert_eq!(styles[0]["paragraphStyle"]["namedStyleType"], "HEADING_1");
    assert_eq!(styles[0]["fields"], "namedStyleType");
    assert_eq!(
        styles[1]["range"],
        json!({"startIndex": 17, "endIndex": 23})
    );
    assert_eq!(styles[1]["paragraphStyle"]["namedStyleType"], "HEADING_3");
}

#[test]
fn emphasis_links_and_code_from_an_offset() {
    let r = to_requests("a **bold** *it* ~~gone~~ `x()` [site](https://e.com)", 10);
    assert_eq!(inserted(&r), "a bold it gone x() site\n");
    let spans = of(&r, "updateTextStyle");
    let got: Vec<(i64, i64, &str)> = spans
        .iter()
        .map(|s| {
            let range = &s["range"];
            let from = range["startIndex"].as_i64().unwrap();
            (
                from,
                range["endIndex"].as_i64().unwrap(),
                s["fields"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        got,
        vec![
            (12, 16, "bold"),
            (17, 19, "italic"),
            (20, 24, "strikethrough"),
            (25, 28, "weightedFontFamily"),
            (29, 33, "link"),
        ]
    );
    assert_eq!(spans[0]["textStyle"], json!({"bold": true}));
    assert_eq!(
        spans[3]["textStyle"]["weightedFontFamily"]["fontFamily"],
        "Courier New"
    );
    assert_eq!(spans[4]["textStyle"]["link"]["url"], "https://e.com");
}

#[test]
fn nested_emphasis_gives_both_styles() {
    let r = to_requests("***both***", 1);
    assert_eq!(inserted(&r), "both\n");
    let fields: Vec<&str> = of(&r, "updateTextStyle")
        .iter()
        .map(|s| s["fields"].as_str().unwrap())
        .collect();
    assert_eq!(fields.len(), 2);
    assert!(fields.contains(&"bold") && fields.contains(&"italic"));
}

#[test]
fn lists_are_bulleted_last_from_the_end_back() {
    let r = to_requests(
        "- one\n- two\n  - deep\n\ntext\n\n1. first\n2. **second**",
        1,
    );
    assert_eq!(inserted(&r), "one\ntwo\n\tdeep\ntext\nfirst\nsecond\n");
    let bullets = of(&r, "createParagraphBullets");
    assert_eq!(bullets.len(), 2);
    // The numbered list comes first: it is later in the text.
    assert_eq!(
        bullets[0]["range"],
        json!({"startIndex": 20, "endIndex": 33})
    );
    assert_eq!(bullets[0]["bulletPreset"], "NUMBERED_DECIMAL_ALPHA_ROMAN");
    assert_eq!(
        bullets[1]["range"],
        json!({"startIndex": 1, "endIndex": 15})
    );
    assert_eq!(bullets[1]["bulletPreset"], "BULLET_DISC_CIRCLE_SQUARE");
    // Text styles come before any bullet (the tab removal would move them).
    let last_style = r
        .iter()
        .rposition(|q| q.get("updateTextStyle").is_some())
        .unwrap();
    let first_bullet = r
        .iter()
        .position(|q| q.get("createParagraphBullets").is_some())
        .unwrap();
    assert!(last_style < first_bullet);
}

#[test]
fn code_blocks_are_monospace_lines() {
    let r = to_requests("```rust\nfn main() {}\n\nlet x = 1;\n```\n", 1);
    assert_eq!(inserted(&r), "fn main() {}\n \nlet x = 1;\n");
    let spans = of(&r, "updateTextStyle");
    assert_eq!(spans.len(), 3);
    assert_eq!(spans[2]["range"], json!({"startIndex": 16, "endIndex": 26}));
}

#[test]
fn indexes_count_utf16_units() {
    // "é" is one unit, "😀" two: the bold word after them starts at 1 + 1 + 2 + 1.
    let r = to_requests("é😀 **ok** — naïve", 1);
    assert_eq!(inserted(&r), "é😀 ok — naïve\n");
    let spans = of(&r, "updateTextStyle");
    assert_eq!(spans[0]["range"], json!({"startIndex": 5, "endIndex": 7}));
}

#[test]
fn quotes_are_indented_and_empty_markdown_asks_nothing() {
    let r = to_requests("> quoted", 1);
    let styles = of(&r, "updateParagraphStyle");
    assert_eq!(styles[0]["fields"], "indentStart");
    assert_eq!(styles[0]["range"], json!({"startIndex": 1, "endIndex": 8}));
    assert!(to_requests("", 1).is_empty());
    assert!(to_requests("   \n\n", 1).is_empty());
}
