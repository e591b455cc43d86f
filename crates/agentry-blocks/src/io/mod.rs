//! Graph input and output blocks (AgentInputBlock and its typed variants, AgentOutputBlock).

use agentry_core::Registry;

pub mod date;
pub mod dropdown;
pub mod file;
pub mod input;
pub mod long_text;
pub mod number;
pub mod output;
pub mod short_text;
pub mod table;
pub mod time;
pub mod toggle;

/// Registers this category's blocks.
pub fn register(r: &mut Registry) {
    r.register(input::AgentInput);
    r.register(output::AgentOutput);
    r.register(short_text::AgentShortTextInput);
    r.register(long_text::AgentLongTextInput);
    r.register(number::AgentNumberInput);
    r.register(dropdown::AgentDropdownInput);
    r.register(toggle::AgentToggleInput);
    r.register(date::AgentDateInput);
    r.register(time::AgentTimeInput);
    r.register(file::AgentFileInput);
    r.register(table::AgentTableInput);
}

#[cfg(test)]
mod tests {
    use agentry_core::BlockType;

    /// Pins, required marks and value formats as AutoGPT's io.py declares them.
    #[test]
    fn schemas_match_autogpt() {
        let mut r = agentry_core::Registry::new();
        super::register(&mut r);
        assert_eq!(r.len(), 11);
        for block in r.iter() {
            let info = &block.info;
            let required: Vec<&str> = info.required_inputs().collect();
            assert_eq!(required, ["name"], "{}", info.name);
            assert!(info.static_output, "{}", info.name);
            let props = info.input_schema["properties"].as_object().unwrap();
            for pin in [
                "name",
                "value",
                "title",
                "description",
                "advanced",
                "secret",
            ] {
                assert!(props.contains_key(pin), "{} lacks {pin}", info.name);
            }
            if info.block_type == BlockType::Input {
                assert!(props.contains_key("placeholder_values"), "{}", info.name);
                assert!(info.has_output_pin("result"), "{}", info.name);
            } else {
                assert_eq!(info.block_type, BlockType::Output);
                assert!(info.has_output_pin("output") && info.has_output_pin("name"));
            }
        }
        let format =
            |id: &str| r.info(id).unwrap().input_schema["properties"]["value"]["format"].clone();
        assert_eq!(format("7fcd3bcb-8e1b-4e69-903d-32d3d4a92158"), "short-text");
        assert_eq!(format("90a56ffb-7024-4b2b-ab50-e26c5e5ab8ba"), "long-text");
        assert_eq!(format("7e198b09-4994-47db-8b4d-952d98241817"), "date");
        assert_eq!(format("2a1c757e-86cf-4c7e-aacf-060dc382e434"), "time");
        assert_eq!(format("95ead23f-8283-4654-aef3-10c053b74a31"), "file");
    }
}
