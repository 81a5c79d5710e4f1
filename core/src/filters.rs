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
