//! Data blocks: lists, dictionaries, iteration, sampling, CSV and XML.

use agentry_core::Registry;

pub mod add_to_dictionary;
pub mod add_to_list;
pub mod concatenate_lists;
pub mod create_dictionary;
pub mod create_list;
pub mod data_sampling;
pub mod dictionary_is_empty;
pub mod find_in_dictionary;
pub mod find_in_list;
pub mod get_list_item;
pub mod list_is_empty;
pub mod read_spreadsheet;
pub mod remove_from_dictionary;
pub mod remove_from_list;
pub mod replace_dictionary_value;
pub mod replace_list_item;
pub mod reverse_list_order;
pub mod step_through_items;
pub mod xml_parser;

/// Registers this category's blocks.
pub fn register(r: &mut Registry) {
    r.register(add_to_dictionary::AddToDictionary);
    r.register(add_to_list::AddToList);
    r.register(create_dictionary::CreateDictionary);
    r.register(create_list::CreateList);
    r.register(find_in_dictionary::FindInDictionary);
    r.register(find_in_list::FindInList);
    r.register(get_list_item::GetListItem);
    r.register(list_is_empty::ListIsEmpty);
    r.register(remove_from_list::RemoveFromList);
    r.register(step_through_items::StepThroughItems);
    r.register(concatenate_lists::ConcatenateLists);
    r.register(data_sampling::DataSampling);
    r.register(dictionary_is_empty::DictionaryIsEmpty);
    r.register(read_spreadsheet::ReadSpreadsheet);
    r.register(remove_from_dictionary::RemoveFromDictionary);
    r.register(replace_dictionary_value::ReplaceDictionaryValue);
    r.register(replace_list_item::ReplaceListItem);
    r.register(reverse_list_order::ReverseListOrder);
    r.register(xml_parser::XmlParser);
}

#[cfg(test)]
pub(crate) mod tests {
    use agentry_core::Registry;

    /// Asserts a block's required inputs and output pins, in order.
    pub(crate) fn assert_pins(r: &Registry, id: &str, required: &[&str], outputs: &[&str]) {
        let info = r.info(id).unwrap();
        let got: Vec<&str> = info.required_inputs().collect();
        assert_eq!(got, required, "{} required inputs", info.name);
        let pins: Vec<&str> = info.output_schema["properties"]
            .as_object()
            .unwrap()
            .keys()
            .map(String::as_str)
            .collect();
        assert_eq!(pins, outputs, "{} outputs", info.name);
    }

    #[test]
    fn pins_match_autogpt() {
        let mut r = Registry::new();
        super::register(&mut r);
        let cases: &[(&str, &[&str], &[&str])] = &[
            (
                "31d1064e-7446-4693-a7d4-65e5ca1180d1",
                &[],
                &["updated_dictionary", "error"],
            ),
            (
                "aeb08fc1-2fc1-4141-bc8e-f758f183a822",
                &[],
                &["updated_list", "error"],
            ),
            (
                "b924ddf4-de4f-4b56-9a85-358930dcbc91",
                &["values"],
                &["dictionary", "error"],
            ),
            (
                "a912d5c7-6e00-4542-b2a9-8034136930e4",
                &["values"],
                &["list", "error"],
            ),
            (
                "0e50422c-6dee-4145-83d6-3a5a392f65de",
                &["input", "key"],
                &["output", "missing", "error"],
            ),
            (
                "5e2c6d0a-1e37-489f-b1d0-8e1812b23333",
                &["list", "value"],
                &["index", "found", "not_found_value", "error"],
            ),
            (
                "262ca24c-1025-43cf-a578-534e23234e97",
                &["list", "index"],
                &["item", "error"],
            ),
            (
                "896ed73b-27d0-41be-813c-c1c1dc856c03",
                &["list"],
                &["is_empty", "error"],
            ),
            (
                "d93c5a93-ac7e-41c1-ae5c-ef67e6e9b826",
                &["list"],
                &["updated_list", "removed_item", "error"],
            ),
            (
                "f66a3543-28d3-4ab5-8945-9b336371e2ce",
                &[],
                &["item", "key", "error"],
            ),
            (
                "3cf9298b-5817-4141-9d80-7c2cc5199c8e",
                &["lists"],
                &["concatenated_list", "length", "error"],
            ),
            (
                "4a448883-71fa-49cf-91cf-70d793bd7d87",
                &["data"],
                &["sampled_data", "sample_indices", "error"],
            ),
            (
                "a3cf3f64-6bb9-4cc6-9900-608a0b3359b0",
                &["dictionary"],
                &["is_empty", "error"],
            ),
            (
                "acf7625e-d2cb-4941-bfeb-2819fc6fc015",
                &[],
                &["row", "rows", "error"],
            ),
            (
                "46afe2ea-c613-43f8-95ff-6692c3ef6876",
                &["dictionary", "key"],
                &["updated_dictionary", "removed_value", "error"],
            ),
            (
                "27e31876-18b6-44f3-ab97-f6226d8b3889",
                &["dictionary", "key", "value"],
                &["updated_dictionary", "old_value", "error"],
            ),
            (
                "fbf62922-bea1-4a3d-8bac-23587f810b38",
                &["list", "index", "value"],
                &["updated_list", "old_item", "error"],
            ),
            (
                "422cb708-3109-4277-bfe3-bc2ae5812777",
                &["input_list"],
                &["reversed_list", "error"],
            ),
            (
                "286380af-9529-4b55-8be0-1d7c854abdb5",
                &["input_xml"],
                &["parsed_xml", "error"],
            ),
        ];
        for (id, required, outputs) in cases {
            assert_pins(&r, id, required, outputs);
        }
    }
}
