//! docker CLI contexts: `DOCKER_CONTEXT` or `currentContext` in `config.json`, read
//! from `contexts/meta/<sha256 of name>/meta.json` with TLS files under
//! `contexts/tls/<sha256 of name>/docker/`.

use std::path::{Path, PathBuf};

use serde::Deserialize;
use sha2::{Digest, Sha256};

use super::env::Environment;
use crate::error::Error;

/// The docker endpoint of a context.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContextEndpoint {
    pub name: String,
    pub host: String,
    pub skip_tls_verify: bool,
    /// `ca.pem`, `cert.pem`, `key.pem` of the context, where present.
    pub ca: Option<PathBuf>,
    pub cert: Option<PathBuf>,
    pub key: Option<PathBuf>,
}

#[derive(Deserialize)]
struct ConfigFile {
    #[serde(rename = "currentContext", default)]
    current_context: Option<String>,
}

#[derive(Deserialize)]
struct Meta {
    #[serde(rename = "Name", default)]
    name: String,
    #[serde(rename = "Endpoints", default)]
    endpoints: std::collections::HashMap<String, MetaEndpoint>,
}

#[derive(Deserialize)]
struct MetaEndpoint {
    #[serde(rename = "Host", default)]
    host: Option<String>,
    #[serde(rename = "SkipTLSVerify", default)]
    skip_tls_verify: bool,
}

/// The context's name the CLI would use: `DOCKER_CONTEXT`, else `currentContext`.
/// `None` (or `default`) means no context.
pub fn selected_context(env: &Environment) -> Result<Option<(String, &'static str)>, Error> {
    if let Some(name) = env.get("DOCKER_CONTEXT") {
        return Ok(Some((name, "DOCKER_CONTEXT")));
    }
    let Some(dir) = env.config_dir() else {
        return Ok(None);
    };
    let path = dir.join("config.json");
    let text = match std::fs::read_to_string(&path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => {
            return Err(Error::Config(format!(
                "cannot read {}: {e}",
                path.display()
            )))
        }
    };
    let file: ConfigFile = serde_json::from_str(&text)
        .map_err(|e| Error::Config(format!("{} is not valid JSON: {e}", path.display())))?;
    Ok(file
        .current_context
        .filter(|c| !c.is_empty())
        .map(|c| (c, "currentContext in config.json")))
}

/// The directory name the CLI stores a context under.
pub fn context_id(name: &str) -> String {
    let digest = Sha256::digest(name.as_bytes());
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

/// Loads the docker endpoint of context `name` from the CLI's context store.
pub fn load(env: &Environment, name: &str) -> Result<ContextEndpoint, Error> {
    let dir = env.config_dir().ok_or_else(|| {
        Error::Config(format!(
            "context `{name}` is selected but neither DOCKER_CONFIG nor HOME is set to find it"
        ))
    })?;
    load_from(&dir, name)
}

fn load_from(config_dir: &Path, name: &str) -> Result<ContextEndpoint, Error> {
    let id = context_id(name);
    let meta_path = config_dir
        .join("contexts")
        .join("meta")
        .join(&id)
        .join("meta.json");
    let text = std::fs::read_to_string(&meta_path).map_err(|e| {
        Error::Config(format!(
            "context `{name}` not found: cannot read {}: {e}",
            meta_path.display()
        ))
    })?;
    let meta: Meta = serde_json::from_str(&text)
        .map_err(|e| Error::Config(format!("{} is not valid JSON: {e}", meta_path.display())))?;
    let docker = meta.endpoints.get("docker").ok_or_else(|| {
        Error::Config(format!(
            "context `{name}` has no docker endpoint ({})",
            meta_path.display()
        ))
    })?;
    let host = docker
        .host
        .clone()
        .filter(|h| !h.is_empty())
        .ok_or_else(|| {
            Error::Config(format!(
                "context `{name}` has no docker Host ({})",
                meta_path.display()
            ))
        })?;
    let tls_dir = config_dir
        .join("contexts")
        .join("tls")
        .join(&id)
        .join("docker");
    let file = |f: &str| {
        let p = tls_dir.join(f);
        p.is_file().then_some(p)
    };
    Ok(ContextEndpoint {
        name: if meta.name.is_empty() {
            name.to_string()
        } else {
            meta.name
        },
        host,
        skip_tls_verify: docker.skip_tls_verify,
        ca: file("ca.pem"),
        cert: file("cert.pem"),
        key: file("key.pem"),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn context_ids_are_sha256_of_the_name() {
        // sha256("default")
        assert_eq!(
            context_id("default"),
            "37a8eec1ce19687d132fe29051dca629d164e2c4958ba141d5f4133a33f0688f"
        );
    }
}
