//! A value as the engine holds it: the JSON text it arrived as, or the tree a block built.
//!
//! A parsed `serde_json::Value` of small numbers costs tens of times its text (32 bytes a value
//! in a list, more with `preserve_order` maps), so a value that arrives as text (a run input, a
//! pass-through block's input) stays text until something must look inside it; rows, events and
//! answers write it out as it is. A datum is shared (`Arc`): routing it along links, keeping it
//! as a static, storing it and telling it in events never copies it.

use std::borrow::Cow;
use std::fmt;
use std::sync::Arc;

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::Value;
use serde_json::value::RawValue;

/// One value, as a tree or as compact JSON text; cheap to clone (shared).
#[derive(Clone)]
pub struct Datum(Arc<Held>);

enum Held {
    Tree(Value),
    Text(Box<RawValue>),
}

impl Datum {
    /// A value held as text. The text is kept as it is: give it compact (a `RawValue` read
    /// from compact JSON, as the engine's stored inputs are), since its length is what caps
    /// count.
    pub fn from_text(text: Box<RawValue>) -> Datum {
        Datum(Arc::new(Held::Text(text)))
    }

    pub fn null() -> Datum {
        Datum::from(Value::Null)
    }

    /// JSON `null` ("not given" for a graph input).
    pub fn is_null(&self) -> bool {
        match &*self.0 {
            Held::Tree(v) => v.is_null(),
            Held::Text(t) => t.get() == "null",
        }
    }

    /// The tree, when the value is held as one (no parse).
    pub fn as_tree(&self) -> Option<&Value> {
        match &*self.0 {
            Held::Tree(v) => Some(v),
            Held::Text(_) => None,
        }
    }

    /// The text, when the value is held as text.
    pub fn as_text(&self) -> Option<&str> {
        match &*self.0 {
            Held::Tree(_) => None,
            Held::Text(t) => Some(t.get()),
        }
    }

    /// The value as a tree: borrowed when held as one, parsed from the text otherwise (a new
    /// tree, tens of times the text: only where something must look inside).
    pub fn tree(&self) -> Cow<'_, Value> {
        match &*self.0 {
            Held::Tree(v) => Cow::Borrowed(v),
            Held::Text(t) => Cow::Owned(parse(t)),
        }
    }

    /// The value as an owned tree: moved out when this is its last holder, else copied or
    /// parsed.
    pub fn into_tree(self) -> Value {
        match Arc::try_unwrap(self.0) {
            Ok(Held::Tree(v)) => v,
            Ok(Held::Text(t)) => parse(&t),
            Err(shared) => match &*shared {
                Held::Tree(v) => v.clone(),
                Held::Text(t) => parse(t),
            },
        }
    }

    /// The compact JSON text: borrowed when held as text, written from the tree otherwise.
    pub fn text(&self) -> Cow<'_, str> {
        match &*self.0 {
            Held::Tree(v) => Cow::Owned(v.to_string()),
            Held::Text(t) => Cow::Borrowed(t.get()),
        }
    }

    /// Bytes of the value as compact JSON, what size caps count: the text's length, or the
    /// tree written to a counter (nothing is allocated).
    pub fn bytes(&self) -> u64 {
        match &*self.0 {
            Held::Tree(v) => {
                let mut count = ByteCount(0);
                // Writing to a counter cannot fail, and a `Value` always serializes.
                let _ = serde_json::to_writer(&mut count, v);
                count.0
            }
            Held::Text(t) => t.get().len() as u64,
        }
    }

    /// Whether both hold the same allocation (the value was shared, not copied).
    pub fn ptr_eq(&self, other: &Datum) -> bool {
        Arc::ptr_eq(&self.0, &other.0)
    }
}

/// Valid JSON always parses (a `RawValue` holds valid JSON); past serde_json's nesting limit
/// it would not, and such a value is read as null rather than failing a reader.
fn parse(text: &RawValue) -> Value {
    serde_json::from_str(text.get()).unwrap_or(Value::Null)
}

impl From<Value> for Datum {
    fn from(value: Value) -> Datum {
        Datum(Arc::new(Held::Tree(value)))
    }
}

impl From<Box<RawValue>> for Datum {
    fn from(text: Box<RawValue>) -> Datum {
        Datum::from_text(text)
    }
}

/// Written either way as the same JSON: the text as it is (no tree is built), or the tree.
impl Serialize for Datum {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match &*self.0 {
            Held::Tree(v) => v.serialize(s),
            Held::Text(t) => t.serialize(s),
        }
    }
}

/// Read as a tree: a datum read back (an event relayed or derived from the rows) may sit in a
/// flattened or buffered place, where serde offers no text.
impl<'de> Deserialize<'de> for Datum {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Datum, D::Error> {
        Value::deserialize(d).map(Datum::from)
    }
}

/// Equal when they are the same JSON value, however each is held.
impl PartialEq for Datum {
    fn eq(&self, other: &Datum) -> bool {
        match (&*self.0, &*other.0) {
            (Held::Text(a), Held::Text(b)) if a.get() == b.get() => true,
            _ => *self.tree() == *other.tree(),
        }
    }
}

impl PartialEq<Value> for Datum {
    fn eq(&self, other: &Value) -> bool {
        *self.tree() == *other
    }
}

impl fmt::Debug for Datum {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &*self.0 {
            Held::Tree(v) => write!(f, "{v}"),
            Held::Text(t) => f.write_str(t.get()),
        }
    }
}

impl fmt::Display for Datum {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self, f)
    }
}

/// Counts the bytes written to it.
struct ByteCount(u64);

impl std::io::Write for ByteCount {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0 += buf.len() as u64;
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn text(json: &str) -> Datum {
        Datum::from_text(RawValue::from_string(json.into()).unwrap())
    }

    #[test]
    fn text_and_tree_serialize_the_same() {
        let tree = Datum::from(json!({"b": [1, 2.5, "é\"x"], "a": null}));
        let held = text(r#"{"b":[1,2.5,"é\"x"],"a":null}"#);
        let written = serde_json::to_string(&held).unwrap();
        assert_eq!(written, serde_json::to_string(&tree).unwrap());
        assert_eq!(written, tree.text());
        // Inside another value too, as events and answers write it.
        let outer = serde_json::to_string(&json!({"v": "x"})).unwrap();
        let wrapped =
            serde_json::to_string(&std::collections::BTreeMap::from([("v", text("\"x\""))]));
        assert_eq!(wrapped.unwrap(), outer);
        assert_eq!(held, tree);
        assert!(held != text("[1]"));
    }

    #[test]
    fn bytes_are_the_compact_json() {
        let value = json!({"a": [1, 2.5, "é"], "b": null});
        let expected = value.to_string().len() as u64;
        assert_eq!(Datum::from(value.clone()).bytes(), expected);
        assert_eq!(text(&value.to_string()).bytes(), expected);
    }

    #[test]
    fn a_tree_is_made_only_on_demand() {
        let held = text("[1,2,3]");
        assert!(held.as_tree().is_none());
        assert_eq!(held.as_text(), Some("[1,2,3]"));
        assert!(matches!(held.tree(), Cow::Owned(_)));
        assert_eq!(*held.tree(), json!([1, 2, 3]));
        assert_eq!(held.clone().into_tree(), json!([1, 2, 3]));
        let tree = Datum::from(json!([1]));
        assert!(matches!(tree.tree(), Cow::Borrowed(_)));
        assert!(tree.as_text().is_none());
        // The last holder's tree is moved out, a shared one copied.
        let shared = tree.clone();
        assert_eq!(tree.into_tree(), json!([1]));
        assert_eq!(shared.into_tree(), json!([1]));
    }

    #[test]
    fn null_either_way() {
        assert!(text("null").is_null());
        assert!(Datum::null().is_null());
        assert!(!text("\"null\"").is_null());
        assert!(!Datum::from(json!(0)).is_null());
    }

    #[test]
    fn clones_share_and_read_back_as_trees() {
        let held = text("[1]");
        assert!(held.ptr_eq(&held.clone()));
        assert!(!held.ptr_eq(&text("[1]")));
        let read: Datum = serde_json::from_str("[1, 2]").unwrap();
        assert_eq!(read.as_tree(), Some(&json!([1, 2])));
    }
}
