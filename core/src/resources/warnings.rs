//! The warnings an answer carries (`Warnings`: `null` or a list of text), as
//! updates of containers and services give them.

use serde_json::Value;

/// The warnings of `answer`; none when it has no list.
pub(crate) fn warnings(answer: &Value) -> Vec<String> {
    answer
        .get("Warnings")
        .and_then(Value::as_array)
        .map(|w| {
            w.iter()
                .filter_map(Value::as_str)
                .map(str::to_string)
                .collect()
        })
        .unwrap_or_default()
}
