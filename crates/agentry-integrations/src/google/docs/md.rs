//! Markdown to Docs v1 `batchUpdate` requests (what AutoGPT's gravitas-md2gdocs `to_requests`
//! does): one `insertText` of the whole text, then `updateParagraphStyle` for headings and
//! quotes, `updateTextStyle` for bold, italic, strikethrough, code and links, and last
//! `createParagraphBullets` for lists. Indexes count UTF-16 code units, as Docs does.

use pulldown_cmark::{Event, HeadingLevel, Options, Parser, Tag, TagEnd};
use serde_json::{Value, json};

/// A character style over `[start, end)`.
#[derive(Clone, Copy, PartialEq)]
enum Style {
    Bold,
    Italic,
    Strike,
}

/// What a finished paragraph is, for its paragraph style or bullet.
#[derive(Clone, Copy)]
enum Kind {
    Plain,
    Heading(u8),
    Quote,
    /// A list item: whether its top-level list is numbered, and its nesting depth.
    Item(bool, usize),
}

#[derive(Default)]
struct Builder {
    text: String,
    /// Position of the end of `text`, in UTF-16 units from the insertion point.
    pos: i64,
    open: Option<i64>,
    heading: Option<u8>,
    quote: usize,
    /// Open lists: numbered or not.
    lists: Vec<bool>,
    styles: Vec<(Style, i64)>,
    links: Vec<(String, i64)>,
    in_code_block: bool,
    /// Finished paragraphs: start, end (after the newline), kind.
    paragraphs: Vec<(i64, i64, Kind)>,
    /// Finished character styles and links.
    spans: Vec<(i64, i64, Value, &'static str)>,
}

impl Builder {
    fn push(&mut self, s: &str) {
        if s.is_empty() {
            return;
        }
        if self.open.is_none() {
            self.open = Some(self.pos);
            // Docs nests a bullet by the tabs that start its paragraph.
            if !self.lists.is_empty() {
                let tabs = "\t".repeat(self.lists.len() - 1);
                self.raw(&tabs);
            }
        }
        self.raw(s);
    }

    fn raw(&mut self, s: &str) {
        self.text.push_str(s);
        self.pos += s.encode_utf16().count() as i64;
    }

    fn end_paragraph(&mut self) {
        let Some(start) = self.open.take() else {
            return;
        };
        self.raw("\n");
        let kind = if let Some(level) = self.heading {
            Kind::Heading(level)
        } else if let Some(&numbered) = self.lists.first() {
            Kind::Item(numbered, self.lists.len() - 1)
        } else if self.quote > 0 {
            Kind::Quote
        } else {
            Kind::Plain
        };
        self.paragraphs.push((start, self.pos, kind));
    }

    fn close_style(&mut self, style: Style) {
        if let Some(i) = self.styles.iter().rposition(|(s, _)| *s == style) {
            let (_, start) = self.styles.remove(i);
            let (text_style, fields) = match style {
                Style::Bold => (json!({"bold": true}), "bold"),
                Style::Italic => (json!({"italic": true}), "italic"),
                Style::Strike => (json!({"strikethrough": true}), "strikethrough"),
            };
            self.span(start, text_style, fields);
        }
    }

    fn span(&mut self, start: i64, style: Value, fields: &'static str) {
        if self.pos > start {
            self.spans.push((start, self.pos, style, fields));
        }
    }

    fn event(&mut self, event: Event<'_>) {
        match event {
            Event::Start(tag) => self.start(tag),
            Event::End(tag) => self.end(tag),
            Event::Text(t) if self.in_code_block => {
                // Each line of a code block is a paragraph of its own, in a monospace font.
                for (i, line) in t.trim_end_matches('\n').split('\n').enumerate() {
                    if i > 0 {
                        self.end_paragraph();
                    }
                    let start = self.pos;
                    self.push(if line.is_empty() { " " } else { line });
                    self.span(start, code_font(), "weightedFontFamily");
                }
                if t.ends_with('\n') {
                    self.end_paragraph();
                }
            }
            Event::Text(t) | Event::Html(t) | Event::InlineHtml(t) => self.push(&t),
            Event::Code(t) => {
                self.push("");
                let start = self.pos;
                self.push(&t);
                self.span(start, code_font(), "weightedFontFamily");
            }
            Event::SoftBreak => self.push(" "),
            // A line break inside a paragraph: Docs' vertical tab.
            Event::HardBreak => self.push("\u{b}"),
            Event::Rule => {
                self.end_paragraph();
                self.push("\u{2500}".repeat(20).as_str());
                self.end_paragraph();
            }
            Event::TaskListMarker(done) => self.push(if done { "\u{2611} " } else { "\u{2610} " }),
            _ => {}
        }
    }

    fn start(&mut self, tag: Tag<'_>) {
        match tag {
            Tag::Heading { level, .. } => {
                self.end_paragraph();
                self.heading = Some(heading_number(level));
            }
            Tag::Paragraph => {}
            Tag::BlockQuote(_) => {
                self.end_paragraph();
                self.quote += 1;
            }
            Tag::CodeBlock(_) => {
                self.end_paragraph();
                self.in_code_block = true;
            }
            Tag::List(first) => {
                self.end_paragraph();
                self.lists.push(first.is_some());
            }
            Tag::Item => self.end_paragraph(),
            Tag::Strong => self.styles.push((Style::Bold, self.pos)),
            Tag::Emphasis => self.styles.push((Style::Italic, self.pos)),
            Tag::Strikethrough => self.styles.push((Style::Strike, self.pos)),
            Tag::Link { dest_url, .. } | Tag::Image { dest_url, .. } => {
                self.links.push((dest_url.to_string(), self.pos));
            }
            _ => {}
        }
    }

    fn end(&mut self, tag: TagEnd) {
        match tag {
            TagEnd::Heading(_) => {
                self.end_paragraph();
                self.heading = None;
            }
            TagEnd::Paragraph | TagEnd::Item => self.end_paragraph(),
            TagEnd::BlockQuote(_) => {
                self.end_paragraph();
                self.quote -= 1;
            }
            TagEnd::CodeBlock => {
                self.end_paragraph();
                self.in_code_block = false;
            }
            TagEnd::List(_) => {
                self.end_paragraph();
                self.lists.pop();
            }
            TagEnd::Strong => self.close_style(Style::Bold),
            TagEnd::Emphasis => self.close_style(Style::Italic),
            TagEnd::Strikethrough => self.close_style(Style::Strike),
            TagEnd::Link | TagEnd::Image => {
                if let Some((url, start)) = self.links.pop() {
                    self.span(start, json!({"link": {"url": url}}), "link");
                }
            }
            _ => {}
        }
    }
}

fn code_font() -> Value {
    json!({"weightedFontFamily": {"fontFamily": "Courier New"}})
}

fn heading_number(level: HeadingLevel) -> u8 {
    match level {
        HeadingLevel::H1 => 1,
        HeadingLevel::H2 => 2,
        HeadingLevel::H3 => 3,
        HeadingLevel::H4 => 4,
        HeadingLevel::H5 => 5,
        HeadingLevel::H6 => 6,
    }
}

fn range(start: i64, end: i64) -> Value {
    json!({"startIndex": start, "endIndex": end})
}

/// The requests that insert `markdown`, formatted, at document index `start`; none for
/// Markdown with no text.
pub fn to_requests(markdown: &str, start: i64) -> Vec<Value> {
    let mut b = Builder::default();
    let options = Options::ENABLE_STRIKETHROUGH | Options::ENABLE_TASKLISTS;
    for event in Parser::new_ext(markdown, options) {
        b.event(event);
    }
    b.end_paragraph();
    if b.text.is_empty() {
        return Vec::new();
    }
    let mut requests = vec![json!({"insertText": {"location": {"index": start}, "text": b.text}})];
    for &(from, to, kind) in &b.paragraphs {
        let style = match kind {
            Kind::Heading(level) => json!({"namedStyleType": format!("HEADING_{level}")}),
            Kind::Quote => json!({"indentStart": {"magnitude": 36, "unit": "PT"}}),
            Kind::Plain | Kind::Item(..) => continue,
        };
        let fields = if matches!(kind, Kind::Quote) {
            "indentStart"
        } else {
            "namedStyleType"
        };
        requests.push(json!({"updateParagraphStyle": {
            "range": range(start + from, start + to), "paragraphStyle": style, "fields": fields,
        }}));
    }
    for (from, to, style, fields) in &b.spans {
        requests.push(json!({"updateTextStyle": {
            "range": range(start + from, start + to), "textStyle": style, "fields": fields,
        }}));
    }
    // One bullet request per top-level list, covering its nested items (their leading tabs
    // set the level). Docs removes those tabs, moving everything after them, so the lists go
    // last and from the end of the text back.
    let mut lists: Vec<(i64, i64, bool)> = Vec::new();
    for &(from, to, kind) in &b.paragraphs {
        if let Kind::Item(numbered, depth) = kind {
            match lists.last_mut() {
                Some(last) if last.1 == from && (depth > 0 || last.2 == numbered) => last.1 = to,
                _ => lists.push((from, to, numbered)),
            }
        }
    }
    for (from, to, numbered) in lists.into_iter().rev() {
        let preset = if numbered {
            "NUMBERED_DECIMAL_ALPHA_ROMAN"
        } else {
            "BULLET_DISC_CIRCLE_SQUARE"
        };
        requests.push(json!({"createParagraphBullets": {
            "range": range(start + from, start + to), "bulletPreset": preset,
        }}));
    }
    requests
}

#[cfg(test)]
#[path = "md_tests.rs"]
mod tests;
