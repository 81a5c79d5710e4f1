//! The labels Compose puts on what it makes, so that `docker compose ps` sees
//! our containers and we see its: project, service, container number, one-off,
//! config hash; and the names Compose gives containers.

use sha2::{Digest, Sha256};

pub const PROJECT: &str = "com.docker.compose.project";
pub const SERVICE: &str = "com.docker.compose.service";
pub const NUMBER: &str = "com.docker.compose.container-number";
pub const ONEOFF: &str = "com.docker.compose.oneoff";
pub const CONFIG_HASH: &str = "com.docker.compose.config-hash";
pub const WORKING_DIR: &str = "com.docker.compose.project.working_dir";
pub const CONFIG_FILES: &str = "com.docker.compose.project.config_files";
pub const VERSION: &str = "com.docker.compose.version";
pub const NETWORK: &str = "com.docker.compose.network";
pub const VOLUME: &str = "com.docker.compose.volume";
/// Ours: the client (daemon) name a container was placed by.
pub const CLIENT: &str = "dev.libdocker.map.client";

/// The Compose version our labels follow (1.29's `ps` reads them as its own).
pub const COMPOSE_VERSION: &str = "1.29.2";

/// A container's name: `<project>_<service>_<n>`, as Compose 1 names them.
pub fn container_name(project: &str, service: &str, number: u32) -> String {
    format!("{project}_{service}_{number}")
}

/// The hash of a container configuration: changes exactly when a container made
/// from it must be made again.
pub fn config_hash(body: &serde_json::Value) -> String {
    let mut text = String::new();
    canonical(body, &mut text);
    let mut hasher = Sha256::new();
    hasher.update(text.as_bytes());
    let digest = hasher.finalize();
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

/// JSON with every object's keys sorted, whatever order the map keeps them in
/// (serde_json's `preserve_order` may be on in some builds), so that each
/// binding computes the same hash for the same configuration.
fn canonical(value: &serde_json::Value, out: &mut String) {
    match value {
        serde_json::Value::Object(map) => {
            let mut keys: Vec<&String> = map.keys().collect();
            keys.sort();
            out.push('{');
            for (i, k) in keys.into_iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                out.push_str(&serde_json::Value::String(k.clone()).to_string());
                out.push(':');
                canonical(&map[k], out);
            }
            out.push('}');
        }
        serde_json::Value::Array(items) => {
            out.push('[');
            for (i, v) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                canonical(v, out);
            }
            out.push(']');
        }
        other => out.push_str(&other.to_string()),
    }
}
