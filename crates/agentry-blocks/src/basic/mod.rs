//! Basic blocks: store a value, print to the console, notes, type conversion, human review.

use agentry_core::Registry;

pub mod file_store;
pub mod human_in_the_loop;
pub mod note;
pub mod print_to_console;
pub mod store_value;
pub mod type_converter;

/// Registers this category's blocks.
pub fn register(r: &mut Registry) {
    r.register(store_value::StoreValue);
    r.register(print_to_console::PrintToConsole);
    r.register(note::Note);
    r.register(type_converter::UniversalTypeConverter);
    r.register(file_store::FileStore);
    r.register(human_in_the_loop::HumanInTheLoop);
}

#[cfg(test)]
mod tests {
    /// Required pins exactly as AutoGPT's `(req)` marks.
    #[test]
    fn required_pins_match_autogpt() {
        let mut r = agentry_core::Registry::new();
        super::register(&mut r);
        let expect: &[(&str, &[&str])] = &[
            ("StoreValueBlock", &["input"]),
            ("PrintToConsoleBlock", &["text"]),
            ("NoteBlock", &["text"]),
            ("FileStoreBlock", &["file_in"]),
            ("UniversalTypeConverterBlock", &["value", "type"]),
            ("HumanInTheLoopBlock", &["data", "name"]),
        ];
        for block in r.iter() {
            let info = &block.info;
            let (_, want) = expect.iter().find(|(n, _)| *n == info.name).unwrap();
            let got: Vec<&str> = info.required_inputs().collect();
            assert_eq!(&got, want, "{}", info.name);
        }
        let converter = r.info("95d1b990-ce13-4d88-9737-ba5c2070c97b").unwrap();
        assert_eq!(
            converter.input_schema["properties"]["type"]["enum"],
            serde_json::json!(["string", "number", "boolean", "list", "dictionary"])
        );
    }
}
