//! The `DOCKER_*` environment variables, read from the process or from a map
//! (so that resolution can be tested, or driven by a binding, without touching
//! the process environment).

use std::collections::HashMap;
use std::path::PathBuf;

/// The variables the CLI consults, in the order it does.
pub const VARIABLES: [&str; 7] = [
    "DOCKER_HOST",
    "DOCKER_TLS_VERIFY",
    "DOCKER_TLS",
    "DOCKER_CERT_PATH",
    "DOCKER_API_VERSION",
    "DOCKER_CONTEXT",
    "DOCKER_CONFIG",
];

/// Where `DOCKER_*` variables and `HOME` come from.
#[derive(Debug, Clone, Default)]
pub enum Environment {
    /// The process environment.
    #[default]
    Process,
    /// A fixed set of variables (anything absent is unset).
    Map(HashMap<String, String>),
}

impl Environment {
    /// An environment holding only these variables.
    pub fn from_pairs<K: Into<String>, V: Into<String>>(
        pairs: impl IntoIterator<Item = (K, V)>,
    ) -> Self {
        Environment::Map(
            pairs
                .into_iter()
                .map(|(k, v)| (k.into(), v.into()))
                .collect(),
        )
    }

    /// A variable's value; an empty value counts as unset, as in the CLI.
    pub fn get(&self, name: &str) -> Option<String> {
        let v = match self {
            Environment::Process => std::env::var(name).ok(),
            Environment::Map(m) => m.get(name).cloned(),
        };
        v.filter(|v| !v.is_empty())
    }

    /// The user's home directory.
    pub fn home(&self) -> Option<PathBuf> {
        self.get("HOME").map(PathBuf::from)
    }

    /// The CLI's configuration directory: `DOCKER_CONFIG`, else `~/.docker`.
    pub fn config_dir(&self) -> Option<PathBuf> {
        self.get("DOCKER_CONFIG")
            .map(PathBuf::from)
            .or_else(|| self.home().map(|h| h.join(".docker")))
    }

    /// Which of the CLI's variables are set, for error messages.
    pub fn describe(&self) -> String {
        let set: Vec<String> = VARIABLES
            .iter()
            .filter_map(|v| self.get(v).map(|val| format!("{v}={val}")))
            .collect();
        if set.is_empty() {
            format!("none of {} is set", VARIABLES.join(", "))
        } else {
            set.join(", ")
        }
    }
}
