//! `Filters`: the `map[string][]string` that list, prune and event operations take.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// Filters such as `{"label": ["env=prod"], "status": ["running"]}`.
///
/// ```
/// let f = libdocker::Filters::new().add("label", "env=prod").add("status", "running");
/// assert_eq!(f.to_json(), serde_json::json!({"label": ["env=prod"], "status": ["running"]}));
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Filters(BTreeMap<String, Vec<String>>);

impl Filters {
    pub fn new() -> Self {
        Filters::default()
    }

    /// Adds a value for `key` (values of one key are alternatives).
    pub fn add(mut self, key: impl Into<String>, value: impl Into<String>) -> Self {
        self.0.entry(key.into()).or_default().push(value.into());
        self
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The filters of `key` only.
    pub fn only(&self, key: &str) -> Filters {
        Filters(
            self.0
                .iter()
                .filter(|(k, _)| k.as_str() == key)
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect(),
        )
    }

    /// Filters from their JSON form (`{"label": ["app=web"]}`, as the Engine
    /// takes them; null for none). Anything else is `InvalidParams` naming what.
    pub fn from_json(value: &serde_json::Value) -> Result<Filters, crate::Error> {
        let invalid = |message: String| crate::Error::InvalidParams {
            message,
            valid: Vec::new(),
        };
        let map = match value {
            serde_json::Value::Null => return Ok(Filters::new()),
            serde_json::Value::Object(map) => map,
            _ => {
                return Err(invalid(
                    "filters must be an object such as {\"label\": [\"app=web\"]}".into(),
                ))
            }
        };
        let mut f = Filters::new();
        for (key, values) in map {
            let list = || invalid(format!("filters: `{key}` must be a list of strings"));
            for v in values.as_array().ok_or_else(list)? {
                f = f.add(key.clone(), v.as_str().ok_or_else(list)?);
            }
        }
        Ok(f)
    }

    /// The JSON form sent to the daemon.
    pub fn to_json(&self) -> serde_json::Value {
        serde_json::to_value(&self.0).unwrap_or_default()
    }
}

impl<K: Into<String>, V: Into<String>> FromIterator<(K, V)> for Filters {
    fn from_iter<I: IntoIterator<Item = (K, V)>>(iter: I) -> Self {
        iter.into_iter()
            .fold(Filters::new(), |f, (k, v)| f.add(k, v))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn from_json_takes_lists_of_strings_and_names_what_is_wrong() {
        let f = Filters::from_json(&json!({"label": ["a=b", "c"], "type": ["container"]})).unwrap();
        assert_eq!(
            f.to_json(),
            json!({"label": ["a=b", "c"], "type": ["container"]})
        );
        assert!(Filters::from_json(&json!(null)).unwrap().is_empty());
        for bad in [json!({"label": "a"}), json!({"label": [1]})] {
            let e = Filters::from_json(&bad).unwrap_err();
            assert!(
                matches!(&e, crate::Error::InvalidParams { message, .. } if message.contains("`label`")),
                "{e}"
            );
        }
        assert!(Filters::from_json(&json!(["label"])).is_err());
    }
}
