//! Jinja templates as AutoGPT's `TextFormatter` renders them, shared by FillTextTemplateBlock and
//! AgentOutputBlock: minijinja with its default filters less those AutoGPT removes (`pprint`,
//! `tojson`; `urlize` and `xmlattr` do not exist here), AutoGPT's numeric `format` filter, a fuel
//! budget, undefined names rendering empty, and values printed as Python prints them.

use std::collections::HashMap;
use std::sync::{Arc, LazyLock};

use minijinja::value::{Enumerator, Object, ObjectRepr, Value, ValueKind};
use minijinja::{AutoEscape, Environment, Error, ErrorKind, State};
use serde_json::{Map, Value as Json};

use super::printf;
use crate::python;

/// Work one render may do: about one fuel per instruction and per 64 bytes of data, so this
/// bounds both time and memory of a template such as an endless or huge loop.
pub const FUEL: u64 = 1_000_000;

static PLAIN: LazyLock<Environment<'static>> = LazyLock::new(|| environment(false));
static HTML: LazyLock<Environment<'static>> = LazyLock::new(|| environment(true));

fn environment(escape_html: bool) -> Environment<'static> {
    let mut env = Environment::new();
    // Short error messages: the template text is the user's own, no need to echo it back.
    env.set_debug(false);
    env.set_fuel(Some(FUEL));
    for unsafe_filter in ["pprint", "tojson", "urlize", "xmlattr"] {
        env.remove_filter(unsafe_filter);
    }
    // `debug()` would dump the whole context; Jinja2 has no such global.
    env.remove_global("debug");
    env.add_filter("format", format_filter);
    env.set_unknown_method_callback(python_method);
    let mode = if escape_html {
        AutoEscape::Html
    } else {
        AutoEscape::None
    };
    env.set_auto_escape_callback(move |_| mode.clone());
    env.set_formatter(|out, state, value| {
        if value.is_undefined() {
            return Ok(());
        }
        let text = python::str_of(value);
        if matches!(state.auto_escape(), AutoEscape::Html) && !value.is_safe() {
            out.write_str(&html_escape(&text))?;
        } else {
            out.write_str(&text)?;
        }
        Ok(())
    });
    env
}

/// Renders `template` with each key of `values` as a variable.
pub fn render(
    template: &str,
    values: &Map<String, Json>,
    escape_html: bool,
) -> Result<String, String> {
    let env = if escape_html { &*HTML } else { &*PLAIN };
    let context = Value::from_object(OrderedMap::new(values));
    env.render_str(template, context).map_err(|e| {
        if e.kind() == ErrorKind::OutOfFuel {
            format!("template does too much work (over {FUEL} fuel): {e}")
        } else {
            e.to_string()
        }
    })
}

/// Python's `str()` of a JSON value, as AutoGPT's f-strings print it.
pub fn python_str(value: &Json) -> String {
    python::str_of(&to_value(value))
}

/// HTML escaping as markupsafe does it (Jinja2's autoescape).
pub fn html_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&#34;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// Converts JSON to a template value, keeping object keys in their original order.
pub fn to_value(json: &Json) -> Value {
    match json {
        Json::Null => Value::from(()),
        Json::Bool(b) => Value::from(*b),
        Json::Number(n) => match (n.as_i64(), n.as_u64(), n.as_f64()) {
            (Some(i), _, _) => Value::from(i),
            (_, Some(u), _) => Value::from(u),
            (_, _, f) => Value::from(f.unwrap_or(f64::NAN)),
        },
        Json::String(s) => Value::from(s.as_str()),
        Json::Array(items) => items.iter().map(to_value).collect(),
        Json::Object(map) => Value::from_object(OrderedMap::new(map)),
    }
}

/// A mapping that iterates in insertion order, as a Python dict does.
#[derive(Debug)]
struct OrderedMap {
    keys: Vec<Value>,
    values: HashMap<String, Value>,
}

impl OrderedMap {
    fn new(map: &Map<String, Json>) -> Self {
        OrderedMap {
            keys: map.keys().map(|k| Value::from(k.as_str())).collect(),
            values: map.iter().map(|(k, v)| (k.clone(), to_value(v))).collect(),
        }
    }
}

impl Object for OrderedMap {
    fn repr(self: &Arc<Self>) -> ObjectRepr {
        ObjectRepr::Map
    }

    fn get_value(self: &Arc<Self>, key: &Value) -> Option<Value> {
        self.values.get(key.as_str()?).cloned()
    }

    fn enumerate(self: &Arc<Self>) -> Enumerator {
        Enumerator::Values(self.keys.clone())
    }

    fn enumerator_len(self: &Arc<Self>) -> Option<usize> {
        Some(self.keys.len())
    }
}

/// AutoGPT's `format` filter: `value | format("%.2f")` is Python's `"%.2f" % float(value)`;
/// without a pattern the value passes through.
fn format_filter(value: Value, pattern: Option<String>) -> Result<Value, Error> {
    let Some(pattern) = pattern.filter(|p| !p.is_empty()) else {
        return Ok(value);
    };
    let number = match value.kind() {
        ValueKind::Number | ValueKind::Bool => f64::try_from(value.clone()).ok(),
        ValueKind::String => value.as_str().and_then(|s| s.trim().parse::<f64>().ok()),
        _ => None,
    };
    let number = number.ok_or_else(|| {
        Error::new(
            ErrorKind::InvalidOperation,
            format!("could not convert to float: {}", python::repr_of(&value)),
        )
    })?;
    printf::format_float(&pattern, number)
        .map(Value::from)
        .map_err(|e| Error::new(ErrorKind::InvalidOperation, e))
}

/// The Python methods templates written for Jinja2 call most: `dict.items()`, `str.upper()`, ….
fn python_method(
    _state: &mut State<'_, '_>,
    value: &Value,
    method: &str,
    args: &[Value],
) -> Result<Value, Error> {
    let arg = |i: usize| args.get(i).and_then(Value::as_str);
    if let Some(s) = value.as_str() {
        let chars: Option<Vec<char>> = arg(0).map(|a| a.chars().collect());
        let trim = |c: char| match &chars {
            Some(set) => set.contains(&c),
            None => c.is_whitespace(),
        };
        return Ok(match method {
            "upper" => Value::from(s.to_uppercase()),
            "lower" => Value::from(s.to_lowercase()),
            "strip" => Value::from(s.trim_matches(trim)),
            "lstrip" => Value::from(s.trim_start_matches(trim)),
            "rstrip" => Value::from(s.trim_end_matches(trim)),
            "startswith" => Value::from(arg(0).is_some_and(|p| s.starts_with(p))),
            "endswith" => Value::from(arg(0).is_some_and(|p| s.ends_with(p))),
            "replace" => match (arg(0), arg(1)) {
                (Some(old), Some(new)) => Value::from(s.replace(old, new)),
                _ => return Err(Error::new(ErrorKind::MissingArgument, "replace(old, new)")),
            },
            "split" => match arg(0) {
                Some("") => return Err(Error::new(ErrorKind::InvalidOperation, "empty separator")),
                Some(sep) => s.split(sep).map(Value::from).collect(),
                None => s.split_whitespace().map(Value::from).collect(),
            },
            _ => return Err(Error::from(ErrorKind::UnknownMethod)),
        });
    }
    if value.kind() == ValueKind::Map {
        let keys = || value.try_iter().into_iter().flatten();
        let item = |k: &Value| value.get_item(k).unwrap_or_default();
        return Ok(match method {
            "keys" => keys().collect(),
            "values" => keys().map(|k| item(&k)).collect(),
            "items" => keys()
                .map(|k| Value::from(vec![k.clone(), item(&k)]))
                .collect(),
            "get" => match args.first().map(|k| value.get_item(k)) {
                Some(Ok(v)) if !v.is_undefined() => v,
                _ => args.get(1).cloned().unwrap_or(Value::from(())),
            },
            _ => return Err(Error::from(ErrorKind::UnknownMethod)),
        });
    }
    Err(Error::from(ErrorKind::UnknownMethod))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn fill(template: &str, values: Json) -> Result<String, String> {
        render(template, values.as_object().unwrap(), false)
    }

    #[test]
    fn renders_variables_loops_and_sets() {
        let v = json!({"name": "Alice", "hello": "Hello", "world": "World!"});
        assert_eq!(
            fill("{{hello}}, {{ world }} {{name}}", v).unwrap(),
            "Hello, World! Alice"
        );
        let v = json!({"list": ["Hello", " World!"]});
        assert_eq!(
            fill("{% for item in list %}{{ item }}{% endfor %}", v).unwrap(),
            "Hello World!"
        );
        assert_eq!(
            fill(
                "{% set name = 'Alice' %}Hello, World! {{ name }}",
                json!({})
            )
            .unwrap(),
            "Hello, World! Alice"
        );
    }

    #[test]
    fn undefined_renders_empty_and_python_braces_stay() {
        assert_eq!(fill("[{{ missing }}]", json!({})).unwrap(), "[]");
        // AutoGPT's current TextFormatter does not rewrite `{name}`; neither do we.
        assert_eq!(fill("{name}", json!({"name": "x"})).unwrap(), "{name}");
    }

    #[test]
    fn values_print_as_python() {
        let v = json!({"b": true, "n": null, "l": ["a", 1, 2.0], "d": {"z": 1, "a": false}});
        assert_eq!(
            fill("{{ b }} {{ n }} {{ l }} {{ d }}", v).unwrap(),
            "True None ['a', 1, 2.0] {'z': 1, 'a': False}"
        );
    }

    #[test]
    fn python_methods_and_filters() {
        let v = json!({"d": {"x": 1, "y": 2}, "s": "  Hi  "});
        assert_eq!(
            fill(
                "{% for k, v in d.items() %}{{k}}={{v}};{% endfor %}{{ s.strip().upper() }}",
                v
            )
            .unwrap(),
            "x=1;y=2;HI"
        );
        let v = json!({"t": "a-b", "x": 1.23456});
        assert_eq!(
            fill("{{ t | replace('-', '+') }} {{ x | format('%.2f') }}", v).unwrap(),
            "a+b 1.23"
        );
        assert!(fill("{{ t | tojson }}", json!({"t": 1})).is_err());
        assert!(fill("{{ t | pprint }}", json!({"t": 1})).is_err());
    }

    #[test]
    fn escape_html_escapes_values_not_the_template() {
        let v = json!({"x": "<b>'&'</b>"});
        let out = render("<p>{{ x }}</p>", v.as_object().unwrap(), true).unwrap();
        assert_eq!(out, "<p>&lt;b&gt;&#39;&amp;&#39;&lt;/b&gt;</p>");
    }

    #[test]
    fn runaway_templates_run_out_of_fuel() {
        let err = fill(
            "{% for i in range(10000) %}{% for j in range(10000) %}x{% endfor %}{% endfor %}",
            json!({}),
        )
        .unwrap_err();
        assert!(err.contains("fuel"), "{err}");
        let err = fill("{{ 'x' * 1000000000 }}", json!({})).unwrap_err();
        assert!(err.contains("fuel"), "{err}");
    }

    #[test]
    fn syntax_errors_are_reported() {
        assert!(fill("{% for %}", json!({})).is_err());
    }
}
