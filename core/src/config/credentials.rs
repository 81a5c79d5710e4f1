//! Registry credentials: what `X-Registry-Auth` and `/auth` carry. Secrets never
//! appear in `Debug` output or in error messages.

use std::fmt;

use serde::{Deserialize, Serialize};

/// Credentials for one registry.
#[derive(Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Credentials {
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub username: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub password: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub email: Option<String>,
    /// The registry, e.g. `registry.example.com:5000` (Docker Hub when empty).
    #[serde(
        rename = "serveraddress",
        skip_serializing_if = "Option::is_none",
        default
    )]
    pub server_address: Option<String>,
    /// A token from an earlier login, used instead of the password.
    #[serde(
        rename = "identitytoken",
        skip_serializing_if = "Option::is_none",
        default
    )]
    pub identity_token: Option<String>,
    /// A bearer token for the registry itself.
    #[serde(
        rename = "registrytoken",
        skip_serializing_if = "Option::is_none",
        default
    )]
    pub registry_token: Option<String>,
}

impl Credentials {
    /// Username and password for `server`.
    pub fn basic(
        server: impl Into<String>,
        username: impl Into<String>,
        password: impl Into<String>,
    ) -> Self {
        Credentials {
            username: Some(username.into()),
            password: Some(password.into()),
            server_address: Some(server.into()),
            ..Default::default()
        }
    }

    /// An identity token for `server`.
    pub fn token(server: impl Into<String>, identity_token: impl Into<String>) -> Self {
        Credentials {
            identity_token: Some(identity_token.into()),
            server_address: Some(server.into()),
            ..Default::default()
        }
    }

    /// The JSON the daemon expects.
    pub fn to_json(&self) -> serde_json::Value {
        serde_json::to_value(self).unwrap_or_default()
    }

    /// The `X-Registry-Auth` header value (base64url JSON).
    pub fn header_value(&self) -> String {
        encode_auth(&self.to_json())
    }
}

/// Base64url (with padding, as the docker CLI writes it) of a JSON value: how
/// `X-Registry-Auth` and `X-Registry-Config` carry credentials.
pub(crate) fn encode_auth(value: &serde_json::Value) -> String {
    use base64::Engine as _;
    base64::engine::general_purpose::URL_SAFE.encode(value.to_string())
}

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let hidden = |v: &Option<String>| v.as_ref().map(|_| "<redacted>");
        f.debug_struct("Credentials")
            .field("username", &self.username)
            .field("password", &hidden(&self.password))
            .field("email", &self.email)
            .field("server_address", &self.server_address)
            .field("identity_token", &hidden(&self.identity_token))
            .field("registry_token", &hidden(&self.registry_token))
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_hides_secrets() {
        let c = Credentials::basic("localhost:5001", "alice", "s3cret-pw");
        let shown = format!("{c:?}");
        assert!(
            shown.contains("alice") && !shown.contains("s3cret-pw"),
            "{shown}"
        );
    }
}
