//! Registry credentials: what `X-Registry-Auth` and `/auth` carry. Secrets never
//! appear in `Debug` output or in error messages.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::error::Error;

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
        crate::api::params::encode_auth(&self.to_json())
    }
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

/// Registry failures reach us as 500s or as in-stream errors whose text says what
/// happened; a refused login becomes [`Error::Unauthorized`], an unknown image
/// [`Error::NotFound`], so callers can match on them.
pub(crate) fn classify(e: Error) -> Error {
    let message = match &e {
        Error::ServerError { message }
        | Error::Status { message, .. }
        | Error::Progress { message, .. } => message.clone(),
        _ => return e,
    };
    let lower = message.to_ascii_lowercase();
    const REFUSED: [&str; 6] = [
        "no basic auth credentials",
        "unauthorized",
        "401 unauthorized",
        "authentication required",
        "incorrect username or password",
        "denied: requested access",
    ];
    if REFUSED.iter().any(|p| lower.contains(p)) {
        return Error::Unauthorized { message };
    }
    if lower.contains("manifest unknown") || lower.contains("not found: manifest") {
        return Error::NotFound { message };
    }
    e
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn registry_refusals_become_unauthorized() {
        let e = classify(Error::ServerError {
            message: "Head \"http://127.0.0.1:5001/v2/x/manifests/1\": no basic auth credentials"
                .into(),
        });
        assert!(matches!(e, Error::Unauthorized { .. }));
        let e = classify(Error::Progress {
            operation: "push".into(),
            message: "disk full".into(),
        });
        assert!(matches!(e, Error::Progress { .. }));
        let e = classify(Error::ServerError {
            message: "manifest for a:1 not found: manifest unknown".into(),
        });
        assert!(matches!(e, Error::NotFound { .. }));
    }

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
