//! Logic and arithmetic blocks: calculator, conditions, counting.

use agentry_core::Registry;

pub mod calculator;
pub mod condition;
pub mod count_items;
pub mod if_input_matches;

/// Registers this category's blocks.
pub fn register(r: &mut Registry) {
    r.register(calculator::Calculator);
    r.register(condition::Condition);
    r.register(count_items::CountItems);
    r.register(if_input_matches::IfInputMatches);
}

#[cfg(test)]
mod tests {
    use crate::data::tests::assert_pins;

    #[test]
    fn pins_match_autogpt() {
        let mut r = agentry_core::Registry::new();
        super::register(&mut r);
        assert_pins(
            &r,
            "715696a0-e1da-45c8-b209-c2fa9c3b0be6",
            &["value1", "operator", "value2"],
            &["result", "yes_output", "no_output", "error"],
        );
        assert_pins(
            &r,
            "3c9c2f42-b0c3-435f-ba35-05f7a25c772a",
            &["collection"],
            &["count", "error"],
        );
        assert_pins(
            &r,
            "6dbbc4b3-ca6c-42b6-b508-da52d23e13f2",
            &["input", "value"],
            &["result", "yes_output", "no_output", "error"],
        );
        let op = &r
            .info("715696a0-e1da-45c8-b209-c2fa9c3b0be6")
            .unwrap()
            .input_schema["properties"]["operator"];
        assert_eq!(
            op["enum"],
            serde_json::json!(["==", "!=", ">", "<", ">=", "<="])
        );
    }
}
