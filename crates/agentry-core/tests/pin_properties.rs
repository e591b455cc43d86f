//! Properties of nested pin names (`_#_` key, `_$_` index, `_@_` attribute): whatever the
//! name, parsing never panics; a value written through a nested sink name is read back
//! through the same name as a source selector; the base name is what precedes the first
//! delimiter.

use agentry_core::pin::{
    DICT_SPLIT, LIST_SPLIT, OBJC_SPLIT, base_name, is_nested, merge_nested_inputs, select_output,
};
use proptest::prelude::*;
use serde_json::{Map, Value, json};

/// One step of a nested name.
#[derive(Debug, Clone)]
enum Step {
    Key(String),
    Attr(String),
    Index(usize),
}

/// A name part without any delimiter (it may hold `_`, `#`, `$`, `@` and any character).
fn ident() -> impl Strategy<Value = String> {
    "[a-zA-Z0-9 _#$@.é☃-]{1,12}".prop_filter("no delimiter inside", |s| {
        ![DICT_SPLIT, LIST_SPLIT, OBJC_SPLIT, "_^_"]
            .iter()
            .any(|d| s.contains(d))
            // A part ending in `_` or `_#` (…) followed by a delimiter would hold one itself.
            && !["_", "_#", "_$", "_@", "_^"].iter().any(|end| s.ends_with(end))
    })
}

fn step() -> impl Strategy<Value = Step> {
    prop_oneof![
        ident().prop_map(Step::Key),
        ident().prop_map(Step::Attr),
        (0usize..8).prop_map(Step::Index),
    ]
}

fn name(base: &str, steps: &[Step]) -> String {
    let mut name = base.to_string();
    for step in steps {
        match step {
            Step::Key(k) => name += &format!("{DICT_SPLIT}{k}"),
            Step::Attr(a) => name += &format!("{OBJC_SPLIT}{a}"),
            Step::Index(i) => name += &format!("{LIST_SPLIT}{i}"),
        }
    }
    name
}

/// Any JSON value, a few levels deep.
fn json_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(|n| json!(n)),
        ".{0,8}".prop_map(Value::String),
    ];
    leaf.prop_recursive(3, 24, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            prop::collection::btree_map(".{0,6}", inner, 0..4)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

/// Any string, with delimiters much more likely than chance would make them.
fn hostile_name() -> impl Strategy<Value = String> {
    prop::collection::vec(
        prop_oneof![
            Just("_#_".to_string()),
            Just("_$_".to_string()),
            Just("_@_".to_string()),
            Just("_^_".to_string()),
            Just("_~_".to_string()),
            Just("_".to_string()),
            "[0-9]{1,25}",
            ".{0,4}",
        ],
        0..8,
    )
    .prop_map(|parts| parts.concat())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn written_through_a_nested_name_it_reads_back_through_it(
        base in ident(),
        steps in prop::collection::vec(step(), 1..5),
        value in json_value(),
    ) {
        let full = name(&base, &steps);
        prop_assert_eq!(base_name(&full), base.as_str());
        prop_assert!(is_nested(&full));
        let mut data = Map::new();
        data.insert(full.clone(), value.clone());
        merge_nested_inputs(&mut data).unwrap();
        let built = data.get(&base).expect("the base pin is built");
        prop_assert_eq!(select_output(&base, built, &full), Some(&value));
        // The whole pin is selected by its own name.
        prop_assert_eq!(select_output(&base, built, &base), Some(built));
    }

    #[test]
    fn a_plain_name_is_its_own_base(base in ident()) {
        prop_assert_eq!(base_name(&base), base.as_str());
        prop_assert!(!is_nested(&base));
    }

    #[test]
    fn parsing_any_name_never_panics(
        pin in hostile_name(),
        selector in hostile_name(),
        keys in prop::collection::vec(hostile_name(), 0..4),
        value in json_value(),
    ) {
        let base = base_name(&selector);
        prop_assert!(selector.starts_with(base));
        let _ = is_nested(&selector);
        let _ = select_output(&pin, &value, &selector);
        let _ = select_output(&pin, &value, &format!("{pin}{selector}"));
        let mut data: Map<String, Value> =
            keys.into_iter().map(|k| (k, value.clone())).collect();
        let _ = merge_nested_inputs(&mut data);
    }
}
