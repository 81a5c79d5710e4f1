//! Credentials a client remembers from its successful logins, by registry (the
//! `config.json` key form). The pipeline looks here before the CLI's
//! configuration, so a pull or push after `login` needs nothing else, as with
//! docker-map's `login`. Shared by every clone of a client; never written to disk.

use std::collections::HashMap;
use std::sync::RwLock;

use super::credential_store::normalize_registry;
use super::Credentials;

#[derive(Default)]
pub(crate) struct Logins {
    by_registry: RwLock<HashMap<String, Credentials>>,
}

impl Logins {
    /// Remembers `credentials` for their registry (Docker Hub when none is named).
    pub fn remember(&self, credentials: Credentials) {
        let key = normalize_registry(credentials.server_address.as_deref().unwrap_or(""));
        self.write().insert(key, credentials);
    }

    /// Forgets a registry's credentials; whether there were any.
    pub fn forget(&self, registry: &str) -> bool {
        self.write().remove(&normalize_registry(registry)).is_some()
    }

    /// The credentials remembered for `registry` (already in key form).
    pub fn get(&self, registry: &str) -> Option<Credentials> {
        self.read().get(&normalize_registry(registry)).cloned()
    }

    /// Every remembered registry's credentials.
    pub fn all(&self) -> HashMap<String, Credentials> {
        self.read().clone()
    }

    // A panic while holding the lock leaves a map that is still whole.
    fn read(&self) -> std::sync::RwLockReadGuard<'_, HashMap<String, Credentials>> {
        self.by_registry.read().unwrap_or_else(|e| e.into_inner())
    }

    fn write(&self) -> std::sync::RwLockWriteGuard<'_, HashMap<String, Credentials>> {
        self.by_registry.write().unwrap_or_else(|e| e.into_inner())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn remembered_by_registry_in_any_spelling() {
        let logins = Logins::default();
        logins.remember(Credentials::basic("https://localhost:5001/v2/", "u", "p"));
        assert_eq!(
            logins.get("localhost:5001").unwrap().username.as_deref(),
            Some("u")
        );
        assert!(logins.get("localhost:5000").is_none());
        logins.remember(Credentials {
            username: Some("hub".into()),
            ..Default::default()
        });
        assert!(logins.get("docker.io").is_some());
        assert!(logins.forget("localhost:5001"));
        assert!(!logins.forget("localhost:5001"));
        assert_eq!(logins.all().len(), 1);
    }
}
