//! The body of `ContainerCreate`, built field by field or given whole: the builder
//! writes into the same JSON the daemon reads, so anything it does not cover can be
//! set with [`ContainerConfig::set`] or by starting [`from_json`](ContainerConfig::from_json).

use serde_json::{json, Map, Value};

/// What a container is created from.
///
/// ```
/// use libdocker::resources::container_config::ContainerConfig;
/// let config = ContainerConfig::new("busybox")
///     .cmd(["sh", "-c", "echo hi"])
///     .env("MODE", "test")
///     .label("team", "infra")
///     .publish("80/tcp", "127.0.0.1", 8080)
///     .memory(64 << 20);
/// assert_eq!(config.to_json()["HostConfig"]["PortBindings"]["80/tcp"][0]["HostPort"], "8080");
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct ContainerConfig {
    body: Map<String, Value>,
}

impl ContainerConfig {
    /// A container of `image`.
    pub fn new(image: impl Into<String>) -> Self {
        let mut body = Map::new();
        body.insert("Image".into(), Value::String(image.into()));
        ContainerConfig { body }
    }

    /// The full create body as the daemon takes it (e.g. from a file or another tool).
    pub fn from_json(body: Value) -> Result<Self, crate::error::Error> {
        match body {
            Value::Object(body) => Ok(ContainerConfig { body }),
            other => Err(crate::error::Error::invalid(format!(
                "a container configuration must be a JSON object, got {other}"
            ))),
        }
    }

    /// The body sent to the daemon.
    pub fn to_json(&self) -> Value {
        Value::Object(self.body.clone())
    }

    /// Sets any field by JSON pointer (RFC 6901: `~1` for `/` in a key), e.g.
    /// `set("/HostConfig/Privileged", true)`; missing objects on the way are created.
    pub fn set(self, pointer: &str, value: impl Into<Value>) -> Self {
        let keys: Vec<String> = pointer
            .trim_start_matches('/')
            .split('/')
            .map(|k| k.replace("~1", "/").replace("~0", "~"))
            .collect();
        let keys: Vec<&str> = keys.iter().map(String::as_str).collect();
        self.set_path(&keys, value.into())
    }

    fn set_path(mut self, keys: &[&str], value: Value) -> Self {
        let Some((last, parents)) = keys.split_last() else {
            return self;
        };
        let mut cur = &mut self.body;
        for key in parents {
            let entry = cur
                .entry(key.to_string())
                .or_insert_with(|| Value::Object(Map::new()));
            if !entry.is_object() {
                *entry = Value::Object(Map::new());
            }
            cur = entry.as_object_mut().expect("just made an object");
        }
        cur.insert(last.to_string(), value);
        self
    }

    fn get_path(&self, keys: &[&str]) -> Option<&Value> {
        let (first, rest) = keys.split_first()?;
        rest.iter()
            .try_fold(self.body.get(*first)?, |v, k| v.get(*k))
    }

    /// Appends to the list at `keys`.
    fn push(self, keys: &[&str], item: Value) -> Self {
        let mut list = self
            .get_path(keys)
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default();
        list.push(item);
        self.set_path(keys, Value::Array(list))
    }

    fn host(self, key: &str, value: impl Into<Value>) -> Self {
        self.set_path(&["HostConfig", key], value.into())
    }

    /// The command (`Cmd`).
    pub fn cmd<I, S>(self, cmd: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.set_path(&["Cmd"], strings(cmd))
    }

    /// The entrypoint.
    pub fn entrypoint<I, S>(self, entrypoint: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.set_path(&["Entrypoint"], strings(entrypoint))
    }

    /// Adds an environment variable.
    pub fn env(self, key: &str, value: &str) -> Self {
        self.push(&["Env"], Value::String(format!("{key}={value}")))
    }

    /// Adds a label.
    pub fn label(self, key: &str, value: &str) -> Self {
        self.set_path(&["Labels", key], value.into())
    }

    pub fn working_dir(self, dir: &str) -> Self {
        self.set_path(&["WorkingDir"], dir.into())
    }

    /// `user`, `user:group`, `uid` or `uid:gid`.
    pub fn user(self, user: &str) -> Self {
        self.set_path(&["User"], user.into())
    }

    pub fn hostname(self, name: &str) -> Self {
        self.set_path(&["Hostname"], name.into())
    }

    /// Allocates a TTY: output is then one unframed stream.
    pub fn tty(self, tty: bool) -> Self {
        self.set_path(&["Tty"], tty.into())
    }

    /// Keeps stdin open for attach; `once` closes it after the first attach ends.
    pub fn stdin(self, open: bool, once: bool) -> Self {
        self.set_path(&["OpenStdin"], open.into())
            .set_path(&["StdinOnce"], once.into())
            .set_path(&["AttachStdin"], open.into())
    }

    /// Exposes a port, e.g. `80/tcp`.
    pub fn expose(self, port: &str) -> Self {
        self.set_path(&["ExposedPorts", port], json!({}))
    }

    /// Publishes a container port on the host (and exposes it).
    pub fn publish(self, port: &str, host_ip: &str, host_port: u16) -> Self {
        self.expose(port).push(
            &["HostConfig", "PortBindings", port],
            json!({"HostIp": host_ip, "HostPort": host_port.to_string()}),
        )
    }

    /// A bind mount, `host:container[:ro]`.
    pub fn bind(self, spec: &str) -> Self {
        self.push(&["HostConfig", "Binds"], Value::String(spec.to_string()))
    }

    /// A mount as the daemon describes it, e.g. `{"Type": "volume", "Source": "v", "Target": "/data"}`.
    pub fn mount(self, mount: Value) -> Self {
        self.push(&["HostConfig", "Mounts"], mount)
    }

    /// `bridge`, `host`, `none`, `container:<id>` or a network's name.
    pub fn network_mode(self, mode: &str) -> Self {
        self.host("NetworkMode", mode)
    }

    /// `no`, `always`, `unless-stopped` or `on-failure` (with a retry limit).
    pub fn restart_policy(self, name: &str, max_retries: i64) -> Self {
        self.host(
            "RestartPolicy",
            json!({"Name": name, "MaximumRetryCount": max_retries}),
        )
    }

    /// Memory limit in bytes.
    pub fn memory(self, bytes: i64) -> Self {
        self.host("Memory", bytes)
    }

    /// CPU limit in billionths of a CPU.
    pub fn nano_cpus(self, nano: i64) -> Self {
        self.host("NanoCpus", nano)
    }

    /// Removes the container when it exits.
    pub fn auto_remove(self, on: bool) -> Self {
        self.host("AutoRemove", on)
    }

    /// The signal `stop` sends (e.g. `SIGINT`).
    pub fn stop_signal(self, signal: &str) -> Self {
        self.set_path(&["StopSignal"], signal.into())
    }

    /// The image, as set.
    pub fn image(&self) -> Option<&str> {
        self.body.get("Image").and_then(Value::as_str)
    }

    /// Whether the configuration asks for a TTY.
    pub fn is_tty(&self) -> bool {
        self.body
            .get("Tty")
            .and_then(Value::as_bool)
            .unwrap_or(false)
    }
}

fn strings<I, S>(items: I) -> Value
where
    I: IntoIterator<Item = S>,
    S: Into<String>,
{
    Value::Array(items.into_iter().map(|s| Value::String(s.into())).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builder_fields_land_where_the_daemon_reads_them() {
        let c = ContainerConfig::new("img")
            .cmd(["a", "b"])
            .entrypoint(["/bin/sh"])
            .env("A", "1")
            .env("B", "2")
            .label("k", "v")
            .working_dir("/w")
            .user("nobody")
            .tty(true)
            .stdin(true, true)
            .publish("80/tcp", "127.0.0.1", 8080)
            .publish("80/tcp", "127.0.0.1", 8081)
            .bind("/h:/c:ro")
            .mount(json!({"Type": "tmpfs", "Target": "/t"}))
            .network_mode("none")
            .restart_policy("on-failure", 3)
            .memory(1 << 26)
            .nano_cpus(500_000_000)
            .auto_remove(true)
            .set("/HostConfig/Privileged", false)
            .set("/Healthcheck/Test", json!(["NONE"]))
            .set("/ExposedPorts/53~1udp", json!({}));
        let v = c.to_json();
        assert_eq!(v["Image"], "img");
        assert_eq!(v["Cmd"], json!(["a", "b"]));
        assert_eq!(v["Env"], json!(["A=1", "B=2"]));
        assert_eq!(v["Labels"], json!({"k": "v"}));
        assert_eq!(v["ExposedPorts"], json!({"80/tcp": {}, "53/udp": {}}));
        assert_eq!(v["Healthcheck"]["Test"], json!(["NONE"]));
        assert_eq!(
            v["HostConfig"]["PortBindings"]["80/tcp"]
                .as_array()
                .unwrap()
                .len(),
            2
        );
        assert_eq!(v["HostConfig"]["Binds"], json!(["/h:/c:ro"]));
        assert_eq!(v["HostConfig"]["RestartPolicy"]["MaximumRetryCount"], 3);
        assert_eq!(v["HostConfig"]["Memory"], 1 << 26);
        assert_eq!(v["HostConfig"]["AutoRemove"], true);
        assert_eq!(v["HostConfig"]["Privileged"], false);
        assert_eq!(v["OpenStdin"], true);
        assert!(c.is_tty());
    }

    #[test]
    fn a_full_body_passes_through() {
        let body = json!({"Image": "x", "HostConfig": {"CapAdd": ["NET_ADMIN"]}, "Healthcheck": {"Test": ["NONE"]}});
        let c = ContainerConfig::from_json(body.clone())
            .unwrap()
            .label("a", "b");
        let mut expected = body;
        expected["Labels"] = json!({"a": "b"});
        assert_eq!(c.to_json(), expected);
        assert!(ContainerConfig::from_json(json!([1])).is_err());
    }
}
