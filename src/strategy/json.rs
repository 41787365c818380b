//! Any JSON value, and JSON values tagged with the name of their type.

use super::any_text;
use proptest::collection::vec;
use proptest::num::f64::{NEGATIVE, NORMAL, POSITIVE, SUBNORMAL, ZERO};
use proptest::prelude::*;
use serde_json::{Map, Value};

/// Any JSON value: scalars, and arrays and objects nested up to three deep.
pub(super) fn json_value() -> impl Strategy<Value = Value> {
    prop_oneof![number_boolean_or_null(), string()].prop_map(|(value, _)| value).prop_recursive(3, 24, 4, |inner| {
        prop_oneof![
            vec(inner.clone(), 0..=4).prop_map(Value::Array),
            vec((any_text(8), inner), 0..=4).prop_map(|fields| Value::Object(Map::from_iter(fields))),
        ]
    })
}

/// A JSON value that is not an object, with its type's name.
pub(super) fn non_object() -> impl Strategy<Value = (Value, &'static str)> {
    prop_oneof![number_boolean_or_null(), string(), array()]
}

/// A JSON value that is not a string, with its type's name.
pub(super) fn non_string() -> impl Strategy<Value = (Value, &'static str)> {
    let object =
        vec((any_text(8), json_value()), 0..=4).prop_map(|fields| (Value::Object(Map::from_iter(fields)), "object"));
    prop_oneof![number_boolean_or_null(), array(), object]
}

/// `null`, a boolean, an integer or another number, with its type named as
/// [`Shape::type_name`](crate::shape::Shape::type_name) names it.
fn number_boolean_or_null() -> impl Strategy<Value = (Value, &'static str)> {
    prop_oneof![
        Just((Value::Null, "null")),
        any::<bool>().prop_map(|value| (Value::Bool(value), "boolean")),
        any::<i64>().prop_map(|value| (Value::from(value), "integer")),
        any::<u64>().prop_map(|value| (Value::from(value), "integer")),
        // Finite only: JSON has no NaN or infinity. Written with a fraction or an exponent, a
        // float reads back as a float, so its type stays "number".
        (POSITIVE | NEGATIVE | NORMAL | SUBNORMAL | ZERO).prop_map(|value| (Value::from(value), "number")),
    ]
}

fn string() -> impl Strategy<Value = (Value, &'static str)> {
    any_text(12).prop_map(|value| (Value::String(value), "string"))
}

fn array() -> impl Strategy<Value = (Value, &'static str)> {
    vec(json_value(), 0..=4).prop_map(|items| (Value::Array(items), "array"))
}
