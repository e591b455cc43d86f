//! Text blocks: templates, joining, splitting, replacing and regex matching.

use agentry_core::Registry;

pub mod code_extraction;
pub mod combine_texts;
pub mod extract_text_information;
pub mod file_read;
pub mod fill_template;
pub mod match_text_pattern;
pub mod pattern;
pub mod printf;
pub mod template;
pub mod text_decoder;
pub mod text_replace;
pub mod text_split;
pub mod word_character_count;

/// Registers this category's blocks.
pub fn register(r: &mut Registry) {
    r.register(combine_texts::CombineTexts);
    r.register(extract_text_information::ExtractTextInformation);
    r.register(fill_template::FillTextTemplate);
    r.register(match_text_pattern::MatchTextPattern);
    r.register(text_replace::TextReplace);
    r.register(text_split::TextSplit);
    r.register(code_extraction::CodeExtraction);
    r.register(text_decoder::TextDecoder);
    r.register(word_character_count::WordCharacterCount);
    r.register(file_read::FileRead);
}

#[cfg(test)]
mod tests {
    /// Required pins and defaults exactly as AutoGPT's `(req)` marks.
    #[test]
    fn required_pins_match_autogpt() {
        let mut r = agentry_core::Registry::new();
        super::register(&mut r);
        let expect: &[(&str, &[&str])] = &[
            ("FillTextTemplateBlock", &["values", "format"]),
            ("CombineTextsBlock", &["input"]),
            ("FileReadBlock", &["file_input"]),
            ("TextReplaceBlock", &["text", "old", "new"]),
            ("TextSplitBlock", &["text", "delimiter"]),
            ("MatchTextPatternBlock", &["text", "match", "data"]),
            ("ExtractTextInformationBlock", &["text", "pattern"]),
            ("CodeExtractionBlock", &["text"]),
            ("TextDecoderBlock", &["text"]),
            ("WordCharacterCountBlock", &["text"]),
        ];
        for block in r.iter() {
            let info = &block.info;
            let (_, want) = expect.iter().find(|(n, _)| *n == info.name).unwrap();
            let got: Vec<&str> = info.required_inputs().collect();
            assert_eq!(&got, want, "{}", info.name);
        }
    }
}
