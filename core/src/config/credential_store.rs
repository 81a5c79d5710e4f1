//! Registry credentials resolved the way the docker CLI does: from `config.json`
//! (`credHelpers`, then `credsStore`, then `auths`) and `docker-credential-*` helpers,
//! so that pulls, pushes and builds authenticate as `docker` itself would.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::ffi::OsString;
use std::fmt;
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::Duration;

use base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};
use base64::Engine;
use serde::Deserialize;

use super::credentials::Credentials;
use crate::config::Environment;
use crate::error::Error;

/// Docker Hub's key in `config.json` `auths` and its `serveraddress` for the daemon.
pub const DOCKER_HUB_KEY: &str = "https://index.docker.io/v1/";

/// Host names that all mean Docker Hub.
const DOCKER_HUB_HOSTS: [&str; 3] = ["docker.io", "index.docker.io", "registry-1.docker.io"];

/// What helpers print when they hold nothing for a server.
const NOT_FOUND: &str = "credentials not found in native keychain";

/// What a helper's Username is when its Secret is an identity token.
const TOKEN_USERNAME: &str = "<token>";

/// The registry an image reference lives on, as its `config.json` key (Docker Hub: [`DOCKER_HUB_KEY`]).
pub fn registry_of(image: &str) -> String {
    let image = image.trim();
    match image.split_once('/') {
        Some((first, _))
            if first.contains(['.', ':'])
                || first == "localhost"
                || first.chars().any(|c| c.is_ascii_uppercase()) =>
        {
            normalize_registry(first)
        }
        _ => DOCKER_HUB_KEY.to_string(),
    }
}

/// Any form of a registry (`https://host:port/v2/`, `docker.io`, ...) as its `config.json` key.
pub fn normalize_registry(server: &str) -> String {
    let host = hostname(server);
    if host.is_empty() || is_docker_hub(host) {
        DOCKER_HUB_KEY.to_string()
    } else {
        host.to_string()
    }
}

/// `https://host:port/path` → `host:port`, as the CLI's `ConvertToHostname`.
fn hostname(server: &str) -> &str {
    let s = server.trim();
    let s = strip_prefix_ignore_case(s, "https://")
        .or_else(|| strip_prefix_ignore_case(s, "http://"))
        .unwrap_or(s);
    s.split('/').next().unwrap_or_default()
}

fn strip_prefix_ignore_case<'a>(s: &'a str, prefix: &str) -> Option<&'a str> {
    let head = s.get(..prefix.len())?;
    head.eq_ignore_ascii_case(prefix)
        .then(|| &s[prefix.len()..])
}

fn is_docker_hub(host: &str) -> bool {
    DOCKER_HUB_HOSTS
        .iter()
        .any(|h| h.eq_ignore_ascii_case(host))
}

/// Whether two `config.json` keys name the same registry.
fn same_registry(a: &str, b: &str) -> bool {
    normalize_registry(a).eq_ignore_ascii_case(&normalize_registry(b))
}

/// The `X-Registry-Config` header value (base64url JSON keyed by registry) for builds.
pub fn registry_config_header(creds: &HashMap<String, Credentials>) -> String {
    let map: serde_json::Map<String, serde_json::Value> = creds
        .iter()
        .map(|(registry, c)| (registry.clone(), c.to_json()))
        .collect();
    super::credentials::encode_auth(&serde_json::Value::Object(map))
}

#[derive(Deserialize, Default)]
struct ConfigFile {
    #[serde(default)]
    auths: Option<BTreeMap<String, Option<RawAuth>>>,
    #[serde(rename = "credsStore", default)]
    creds_store: Option<String>,
    #[serde(rename = "credHelpers", default)]
    cred_helpers: Option<BTreeMap<String, String>>,
}

#[derive(Deserialize, Default)]
struct RawAuth {
    #[serde(default)]
    auth: Option<String>,
    #[serde(default)]
    username: Option<String>,
    #[serde(default)]
    password: Option<String>,
    #[serde(default)]
    email: Option<String>,
    #[serde(default)]
    identitytoken: Option<String>,
    #[serde(default)]
    registrytoken: Option<String>,
}

#[derive(Deserialize)]
struct HelperReply {
    #[serde(rename = "Username", default)]
    username: Option<String>,
    #[serde(rename = "Secret", default)]
    secret: Option<String>,
}

/// The CLI's credential configuration (`<config dir>/config.json`) plus the `PATH` to find helpers on.
#[derive(Clone, Default)]
pub struct CredentialStore {
    /// `config.json`, for error messages (`None` when there is no config directory).
    path: Option<PathBuf>,
    /// `auths`, with `auth` already decoded; `server_address` is filled in on lookup.
    auths: BTreeMap<String, Credentials>,
    creds_store: Option<String>,
    cred_helpers: BTreeMap<String, String>,
    /// Where `docker-credential-*` programs are looked for.
    search_path: Option<OsString>,
}

impl CredentialStore {
    /// Reads `config.json` from `env`'s config directory (absent → empty); helpers are found on `env`'s `PATH`.
    pub fn load(env: &Environment) -> Result<CredentialStore, Error> {
        let search_path = env.get("PATH").map(OsString::from);
        let Some(dir) = env.config_dir() else {
            return Ok(CredentialStore {
                search_path,
                ..Default::default()
            });
        };
        let path = dir.join("config.json");
        let text = match std::fs::read(&path) {
            Ok(t) => t,
            Err(e) if e.kind() == io::ErrorKind::NotFound => {
                return Ok(CredentialStore {
                    path: Some(path),
                    search_path,
                    ..Default::default()
                })
            }
            Err(e) => {
                return Err(Error::Config(format!(
                    "cannot read {}: {e}",
                    path.display()
                )))
            }
        };
        // serde's messages can quote values from the file (secrets among them): report positions only.
        let file: ConfigFile = serde_json::from_slice(&text).map_err(|e| {
            Error::Config(format!(
                "{} is not a valid docker config file ({})",
                path.display(),
                json_error_position(&e)
            ))
        })?;
        let mut auths = BTreeMap::new();
        for (key, raw) in file.auths.unwrap_or_default() {
            let raw = raw.unwrap_or_default();
            let mut c = Credentials {
                username: raw.username.filter(|s| !s.is_empty()),
                password: raw.password.filter(|s| !s.is_empty()),
                email: raw.email.filter(|s| !s.is_empty()),
                identity_token: raw.identitytoken.filter(|s| !s.is_empty()),
                registry_token: raw.registrytoken.filter(|s| !s.is_empty()),
                server_address: None,
            };
            if let Some(auth) = raw.auth.as_deref().map(str::trim).filter(|a| !a.is_empty()) {
                let (user, password) = decode_auth(auth).ok_or_else(|| {
                    Error::Config(format!(
                        "{}: the `auth` of `{key}` is not base64 of `user:password`",
                        path.display()
                    ))
                })?;
                c.username = Some(user).filter(|s| !s.is_empty());
                c.password = Some(password).filter(|s| !s.is_empty());
            }
            if c.identity_token.is_some() {
                c.password = None;
            }
            auths.insert(key, c);
        }
        Ok(CredentialStore {
            path: Some(path),
            auths,
            creds_store: file.creds_store.filter(|s| !s.is_empty()),
            cred_helpers: file
                .cred_helpers
                .unwrap_or_default()
                .into_iter()
                .filter(|(_, helper)| !helper.is_empty())
                .collect(),
            search_path,
        })
    }

    /// Credentials for `registry` (any form: `host:port`, a URL, `docker.io`); may run a helper, which blocks briefly.
    pub fn get(&self, registry: &str) -> Result<Option<Credentials>, Error> {
        let key = normalize_registry(registry);
        if let Some(helper) = self.cred_helper(&key) {
            return self.helper_get(helper, &key, &key);
        }
        if let Some(store) = &self.creds_store {
            return self.helper_get(store, &key, &key);
        }
        Ok(self.file_entry(&key))
    }

    /// Credentials for the registry `image` lives on (see [`registry_of`]).
    pub fn get_for_image(&self, image: &str) -> Result<Option<Credentials>, Error> {
        self.get(&registry_of(image))
    }

    /// Every registry's credentials, keyed by `config.json` key, for `X-Registry-Config`; may run helpers.
    pub fn all(&self) -> Result<HashMap<String, Credentials>, Error> {
        let mut out = HashMap::new();
        let mut keys: BTreeSet<String> = self.auths.keys().map(|k| normalize_registry(k)).collect();
        if let Some(store) = &self.creds_store {
            // As the CLI: list the default store, then get each under the URL it was stored with.
            for server in self.helper_list(store)? {
                let key = normalize_registry(&server);
                if self.cred_helper(&key).is_some() {
                    continue;
                }
                if let Some(c) = self.helper_get(store, &server, &key)? {
                    out.insert(key.clone(), c);
                }
                keys.remove(&key);
            }
        }
        keys.extend(self.cred_helpers.keys().map(|k| normalize_registry(k)));
        for key in keys {
            let found = if let Some(helper) = self.cred_helper(&key) {
                // As the CLI: a broken registry-specific helper does not fail the whole build.
                self.helper_get(helper, &key, &key).unwrap_or(None)
            } else if let Some(store) = &self.creds_store {
                self.helper_get(store, &key, &key)?
            } else {
                self.file_entry(&key)
            };
            if let Some(c) = found {
                out.insert(key, c);
            }
        }
        Ok(out)
    }

    /// The `credHelpers` entry for `key`: exact, else any key naming the same registry.
    fn cred_helper(&self, key: &str) -> Option<&str> {
        self.cred_helpers
            .get(key)
            .or_else(|| {
                self.cred_helpers
                    .iter()
                    .find(|(k, _)| same_registry(k, key))
                    .map(|(_, h)| h)
            })
            .map(String::as_str)
    }

    /// The `auths` entry for `key`: exact, else any key naming the same registry.
    fn file_entry(&self, key: &str) -> Option<Credentials> {
        let exact = self.auths.get(key);
        let others = self
            .auths
            .iter()
            .filter(|(k, _)| k.as_str() != key && same_registry(k, key))
            .map(|(_, c)| c);
        exact
            .into_iter()
            .chain(others)
            .find(|c| {
                c.username.is_some()
                    || c.password.is_some()
                    || c.identity_token.is_some()
                    || c.registry_token.is_some()
            })
            .map(|c| Credentials {
                server_address: Some(key.to_string()),
                ..c.clone()
            })
    }

    /// `docker-credential-<helper> get` for `server_url`; the result is labelled with `key`.
    fn helper_get(
        &self,
        helper: &str,
        server_url: &str,
        key: &str,
    ) -> Result<Option<Credentials>, Error> {
        let out = self.run_helper(helper, "get", &format!("{server_url}\n"))?;
        if !out.status.success() {
            if mentions_not_found(&out) {
                return Ok(None);
            }
            return Err(helper_failed(helper, "get", &out));
        }
        let reply: HelperReply = match serde_json::from_slice(&out.stdout) {
            Ok(r) => r,
            Err(_) if mentions_not_found(&out) => return Ok(None),
            Err(e) => {
                return Err(Error::Config(format!(
                    "docker-credential-{helper} get printed something that is not credentials JSON ({})",
                    json_error_position(&e)
                )))
            }
        };
        let username = reply.username.filter(|s| !s.is_empty());
        let secret = reply.secret.filter(|s| !s.is_empty());
        if username.is_none() && secret.is_none() {
            return Ok(None);
        }
        // Emails live only in the file, as in the CLI's native store.
        let email = self.file_entry(key).and_then(|c| c.email);
        let mut c = Credentials {
            email,
            server_address: Some(key.to_string()),
            ..Default::default()
        };
        if username.as_deref() == Some(TOKEN_USERNAME) {
            c.identity_token = secret;
        } else {
            c.username = username;
            c.password = secret;
        }
        Ok(Some(c))
    }

    /// `docker-credential-<helper> list`: the server URLs it holds credentials for.
    fn helper_list(&self, helper: &str) -> Result<Vec<String>, Error> {
        let out = self.run_helper(helper, "list", "unused")?;
        if !out.status.success() {
            return Err(helper_failed(helper, "list", &out));
        }
        let map: BTreeMap<String, serde_json::Value> = serde_json::from_slice(&out.stdout)
            .map_err(|e| {
                Error::Config(format!(
                    "docker-credential-{helper} list printed something that is not a JSON object ({})",
                    json_error_position(&e)
                ))
            })?;
        Ok(map.into_keys().collect())
    }

    fn run_helper(&self, helper: &str, action: &str, input: &str) -> Result<Output, Error> {
        let program = self.find_helper(helper)?;
        let mut command = Command::new(&program);
        command
            .arg(action)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        let mut child = spawn(&mut command)
            .map_err(|e| Error::Config(format!("cannot run {}: {e}", program.display())))?;
        if let Some(mut stdin) = child.stdin.take() {
            // A helper may exit without reading; its answer tells what went wrong.
            let _ = stdin.write_all(input.as_bytes());
        }
        child
            .wait_with_output()
            .map_err(|e| Error::Config(format!("cannot run {}: {e}", program.display())))
    }

    /// `docker-credential-<helper>` on the search path (absolute directories only, as Go's `LookPath`).
    fn find_helper(&self, helper: &str) -> Result<PathBuf, Error> {
        let name = format!("docker-credential-{helper}");
        if let Some(search) = &self.search_path {
            for dir in std::env::split_paths(search).filter(|d| d.is_absolute()) {
                if let Some(found) = candidates(&dir, &name)
                    .into_iter()
                    .find(|p| is_executable(p))
                {
                    return Ok(found);
                }
            }
        }
        let source = match &self.path {
            Some(p) => p.display().to_string(),
            None => "config.json".to_string(),
        };
        Err(Error::Config(format!(
            "{name} was not found on PATH (credential helper `{helper}` is configured in {source})"
        )))
    }
}

impl fmt::Debug for CredentialStore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CredentialStore")
            .field("path", &self.path)
            .field("auths", &self.auths.keys().collect::<Vec<_>>())
            .field("creds_store", &self.creds_store)
            .field("cred_helpers", &self.cred_helpers)
            .finish_non_exhaustive()
    }
}

/// base64 (padded or not) of `user:password` → the two halves; the password loses trailing NULs as in the CLI.
fn decode_auth(auth: &str) -> Option<(String, String)> {
    const LENIENT: GeneralPurpose = GeneralPurpose::new(
        &base64::alphabet::STANDARD,
        GeneralPurposeConfig::new().with_decode_padding_mode(DecodePaddingMode::Indifferent),
    );
    let bytes = LENIENT.decode(auth).ok()?;
    let text = String::from_utf8(bytes).ok()?;
    let (user, password) = text.split_once(':')?;
    Some((user.to_string(), password.trim_matches('\0').to_string()))
}

/// Where a JSON error is, without serde's message (which can quote the offending value).
fn json_error_position(e: &serde_json::Error) -> String {
    use serde_json::error::Category;
    let what = match e.classify() {
        Category::Io => "read error",
        Category::Syntax => "syntax error",
        Category::Data => "unexpected value",
        Category::Eof => "unexpected end",
    };
    format!("{what} at line {} column {}", e.line(), e.column())
}

fn mentions_not_found(out: &Output) -> bool {
    String::from_utf8_lossy(&out.stdout).contains(NOT_FOUND)
        || String::from_utf8_lossy(&out.stderr).contains(NOT_FOUND)
}

/// A helper's failure: its exit status and what it said (helpers print errors to stdout or stderr).
fn helper_failed(helper: &str, action: &str, out: &Output) -> Error {
    let stderr = String::from_utf8_lossy(&out.stderr);
    let stdout = String::from_utf8_lossy(&out.stdout);
    let said = if stderr.trim().is_empty() {
        stdout.trim()
    } else {
        stderr.trim()
    };
    let mut said: String = said.chars().take(300).collect();
    if !said.is_empty() {
        said.insert_str(0, ": ");
    }
    Error::Config(format!(
        "docker-credential-{helper} {action} failed ({}){said}",
        out.status
    ))
}

fn candidates(dir: &Path, name: &str) -> Vec<PathBuf> {
    if cfg!(windows) {
        vec![dir.join(format!("{name}.exe")), dir.join(name)]
    } else {
        vec![dir.join(name)]
    }
}

#[cfg(unix)]
fn is_executable(path: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path).is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
}

#[cfg(not(unix))]
fn is_executable(path: &Path) -> bool {
    path.is_file()
}

/// Spawns, retrying briefly on "text file busy" (a helper being written while another thread forks).
fn spawn(command: &mut Command) -> io::Result<Child> {
    let mut attempt = 0u64;
    loop {
        match command.spawn() {
            Err(e) if e.kind() == io::ErrorKind::ExecutableFileBusy && attempt < 10 => {
                attempt += 1;
                std::thread::sleep(Duration::from_millis(10 * attempt));
            }
            other => return other,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const B64: base64::engine::GeneralPurpose = base64::engine::general_purpose::STANDARD;

    /// A temp config dir holding `config.json` (if given) and a `bin` dir for helpers.
    struct Fixture {
        dir: tempfile::TempDir,
    }

    impl Fixture {
        fn new(config: Option<&str>) -> Fixture {
            let dir = tempfile::tempdir().unwrap();
            std::fs::create_dir(dir.path().join("bin")).unwrap();
            if let Some(text) = config {
                std::fs::write(dir.path().join("config.json"), text).unwrap();
            }
            Fixture { dir }
        }

        fn with_json(config: serde_json::Value) -> Fixture {
            Fixture::new(Some(&config.to_string()))
        }

        /// Writes `bin/docker-credential-<name>` running `body` under `/bin/sh`.
        #[cfg(unix)]
        fn helper(&self, name: &str, body: &str) {
            use std::os::unix::fs::PermissionsExt;
            let path = self
                .dir
                .path()
                .join("bin")
                .join(format!("docker-credential-{name}"));
            std::fs::write(&path, format!("#!/bin/sh\n{body}\n")).unwrap();
            std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
        }

        fn env(&self) -> Environment {
            Environment::from_pairs([
                ("DOCKER_CONFIG", self.dir.path().to_str().unwrap()),
                ("PATH", self.dir.path().join("bin").to_str().unwrap()),
            ])
        }

        fn store(&self) -> CredentialStore {
            CredentialStore::load(&self.env()).unwrap()
        }
    }

    fn auth(user: &str, password: &str) -> String {
        B64.encode(format!("{user}:{password}"))
    }

    #[test]
    fn registry_of_follows_reference_rules() {
        let hub = DOCKER_HUB_KEY;
        let cases = [
            ("busybox", hub),
            ("busybox:latest", hub),
            ("busybox@sha256:0123456789abcdef", hub),
            ("library/busybox:1.36", hub),
            ("user/app", hub),
            ("docker.io/library/busybox", hub),
            ("docker.io/busybox:1", hub),
            ("index.docker.io/library/busybox", hub),
            ("registry-1.docker.io/library/busybox", hub),
            ("localhost/app", "localhost"),
            ("localhost:5000/a/b:tag", "localhost:5000"),
            ("localhost:5000/a@sha256:abc", "localhost:5000"),
            ("registry.example.com/team/app:v1", "registry.example.com"),
            ("registry.example.com:443/app", "registry.example.com:443"),
            ("ghcr.io/owner/image@sha256:abc", "ghcr.io"),
            ("127.0.0.1:5001/x", "127.0.0.1:5001"),
            ("[::1]:5000/x", "[::1]:5000"),
            ("myhost:5000/x", "myhost:5000"),
            ("Upper/app", "Upper"),
            ("  busybox  ", hub),
        ];
        for (image, want) in cases {
            assert_eq!(registry_of(image), want, "{image}");
        }
    }

    #[test]
    fn normalize_accepts_the_forms_the_cli_writes() {
        for hub in [
            "docker.io",
            "index.docker.io",
            "registry-1.docker.io",
            "https://index.docker.io/v1/",
            "HTTPS://Index.Docker.IO/v1/",
            "http://docker.io",
            "",
        ] {
            assert_eq!(normalize_registry(hub), DOCKER_HUB_KEY, "{hub}");
        }
        assert_eq!(
            normalize_registry("http://localhost:5000"),
            "localhost:5000"
        );
        assert_eq!(
            normalize_registry("https://reg.example.com/v2/"),
            "reg.example.com"
        );
        assert_eq!(
            normalize_registry("reg.example.com:5000"),
            "reg.example.com:5000"
        );
    }

    #[test]
    fn auths_with_base64_auth() {
        let f = Fixture::with_json(serde_json::json!({
            "auths": {
                "localhost:5001": {"auth": auth("alice", "pa:ss"), "email": "a@example.com"},
                "plain.example.com": {"username": "bob", "password": "bobpw"},
                "empty.example.com": {},
            }
        }));
        let s = f.store();
        let c = s.get("localhost:5001").unwrap().unwrap();
        assert_eq!(c.username.as_deref(), Some("alice"));
        assert_eq!(c.password.as_deref(), Some("pa:ss"));
        assert_eq!(c.email.as_deref(), Some("a@example.com"));
        assert_eq!(c.server_address.as_deref(), Some("localhost:5001"));
        let c = s.get_for_image("plain.example.com/x/y:1").unwrap().unwrap();
        assert_eq!(
            (c.username.as_deref(), c.password.as_deref()),
            (Some("bob"), Some("bobpw"))
        );
        assert_eq!(s.get("empty.example.com").unwrap(), None);
        assert_eq!(s.get("other.example.com").unwrap(), None);
        assert_eq!(s.get("busybox").unwrap(), None);
    }

    #[test]
    fn unpadded_auth_and_bad_auth() {
        let unpadded = auth("u", "p").trim_end_matches('=').to_string();
        let f = Fixture::with_json(serde_json::json!({"auths": {"r.io": {"auth": unpadded}}}));
        let c = f.store().get("r.io").unwrap().unwrap();
        assert_eq!(c.password.as_deref(), Some("p"));

        let f = Fixture::with_json(serde_json::json!({
            "auths": {"r.io": {"auth": B64.encode("no-colon-topsecret")}}
        }));
        let err = CredentialStore::load(&f.env()).unwrap_err().to_string();
        assert!(err.contains("r.io") && err.contains("config.json"), "{err}");
        assert!(!err.contains("topsecret"), "{err}");
    }

    #[test]
    fn key_variants_with_scheme_and_path() {
        let f = Fixture::with_json(serde_json::json!({
            "auths": {
                "http://localhost:5000": {"auth": auth("l", "lpw")},
                "https://reg.example.com/v2/": {"auth": auth("r", "rpw")},
            }
        }));
        let s = f.store();
        let c = s.get("localhost:5000").unwrap().unwrap();
        assert_eq!(c.username.as_deref(), Some("l"));
        assert_eq!(c.server_address.as_deref(), Some("localhost:5000"));
        let c = s.get_for_image("reg.example.com/app").unwrap().unwrap();
        assert_eq!(c.username.as_deref(), Some("r"));
        assert_eq!(c.server_address.as_deref(), Some("reg.example.com"));
        let c = s.get("https://reg.example.com").unwrap().unwrap();
        assert_eq!(c.password.as_deref(), Some("rpw"));
        assert_eq!(s.get("localhost:5001").unwrap(), None);
    }

    #[test]
    fn docker_hub_keys_are_one_registry() {
        for key in [
            "https://index.docker.io/v1/",
            "docker.io",
            "index.docker.io",
            "registry-1.docker.io",
        ] {
            let f = Fixture::with_json(serde_json::json!({
                "auths": {key: {"auth": auth("hubuser", "hubpw")}}
            }));
            let s = f.store();
            for asked in [
                "busybox",
                "docker.io/library/busybox",
                "index.docker.io/x/y",
            ] {
                let c = s.get_for_image(asked).unwrap().unwrap();
                assert_eq!(c.username.as_deref(), Some("hubuser"), "{key} {asked}");
                assert_eq!(c.server_address.as_deref(), Some(DOCKER_HUB_KEY));
            }
            assert!(s.get("docker.io").unwrap().is_some(), "{key}");
            let all = s.all().unwrap();
            assert_eq!(
                all.keys().collect::<Vec<_>>(),
                vec![DOCKER_HUB_KEY],
                "{key}"
            );
        }
    }

    #[test]
    fn identity_token_replaces_the_password() {
        let f = Fixture::with_json(serde_json::json!({
            "auths": {"reg.example.com": {
                "auth": auth("tokuser", "ignoredpw"),
                "identitytoken": "idtok-123",
            }}
        }));
        let c = f.store().get("reg.example.com").unwrap().unwrap();
        assert_eq!(c.identity_token.as_deref(), Some("idtok-123"));
        assert_eq!(c.password, None);
        assert_eq!(c.username.as_deref(), Some("tokuser"));
    }

    #[test]
    fn missing_and_malformed_config() {
        let f = Fixture::new(None);
        let s = f.store();
        assert_eq!(s.get("busybox").unwrap(), None);
        assert!(s.all().unwrap().is_empty());

        let s = CredentialStore::load(&Environment::from_pairs([("X", "y")])).unwrap();
        assert_eq!(s.get("localhost:5000").unwrap(), None);

        let f = Fixture::new(Some(r#"{"auths": {"r.io": {"auth": "c2VjcmV0cGFzcw=="#));
        let err = CredentialStore::load(&f.env()).unwrap_err();
        assert!(matches!(err, Error::Config(_)));
        let err = err.to_string();
        assert!(
            err.contains(&f.dir.path().join("config.json").display().to_string()),
            "{err}"
        );

        // A wrongly typed secret must not be quoted back.
        let f = Fixture::new(Some(r#"{"auths": {"r.io": "hunter2-password"}}"#));
        let err = CredentialStore::load(&f.env()).unwrap_err().to_string();
        assert!(
            err.contains("config.json") && !err.contains("hunter2"),
            "{err}"
        );
    }

    #[cfg(unix)]
    #[test]
    fn cred_helpers_run_the_helper() {
        let f = Fixture::with_json(serde_json::json!({
            "auths": {"localhost:5001": {"auth": auth("fileuser", "filepw"), "email": "e@x"}},
            "credHelpers": {"localhost:5001": "fake", "tok.example.com": "fake"},
        }));
        // Answers per server URL read from stdin.
        f.helper(
            "fake",
            r#"[ "$1" = get ] || exit 3
read url
case "$url" in
  localhost:5001) echo '{"ServerURL":"localhost:5001","Username":"helperuser","Secret":"helper-s3cret"}' ;;
  tok.example.com) echo '{"ServerURL":"tok.example.com","Username":"<token>","Secret":"helper-idtok"}' ;;
  *) echo "credentials not found in native keychain"; exit 1 ;;
esac"#,
        );
        let s = f.store();
        let c = s.get_for_image("localhost:5001/app:1").unwrap().unwrap();
        assert_eq!(c.username.as_deref(), Some("helperuser"));
        assert_eq!(c.password.as_deref(), Some("helper-s3cret"));
        assert_eq!(c.email.as_deref(), Some("e@x"));
        assert_eq!(c.server_address.as_deref(), Some("localhost:5001"));
        assert!(!format!("{c:?}").contains("helper-s3cret"));

        let c = s.get("https://tok.example.com/v2/").unwrap().unwrap();
        assert_eq!(c.identity_token.as_deref(), Some("helper-idtok"));
        assert_eq!((c.username, c.password), (None, None));

        // Neither a helper nor a file entry for this one.
        assert_eq!(s.get("elsewhere.io").unwrap(), None);

        let all = s.all().unwrap();
        assert_eq!(all.len(), 2);
        assert_eq!(
            all["localhost:5001"].username.as_deref(),
            Some("helperuser")
        );
        assert!(all["tok.example.com"].identity_token.is_some());
        let header = registry_config_header(&all);
        let decoded: serde_json::Value = serde_json::from_slice(
            &base64::engine::general_purpose::URL_SAFE
                .decode(header)
                .unwrap(),
        )
        .unwrap();
        assert_eq!(decoded["localhost:5001"]["password"], "helper-s3cret");
        assert_eq!(decoded["localhost:5001"]["serveraddress"], "localhost:5001");
        assert_eq!(decoded["tok.example.com"]["identitytoken"], "helper-idtok");
    }

    #[cfg(unix)]
    #[test]
    fn creds_store_get_list_and_not_found() {
        let f = Fixture::with_json(serde_json::json!({
            "auths": {"https://index.docker.io/v1/": {}, "ghost.example.com": {}},
            "credsStore": "desk",
        }));
        f.helper(
            "desk",
            r#"case "$1" in
  list) echo '{"https://index.docker.io/v1/":"hubber","http://reg.example.com:5000":"r"}' ;;
  get)
    read url
    case "$url" in
      https://index.docker.io/v1/) echo '{"Username":"hubber","Secret":"hub-s3cret"}' ;;
      http://reg.example.com:5000) echo '{"Username":"r","Secret":"reg-s3cret"}' ;;
      *) echo "credentials not found in native keychain" >&2; exit 1 ;;
    esac ;;
  *) exit 2 ;;
esac"#,
        );
        let s = f.store();
        let c = s.get_for_image("busybox").unwrap().unwrap();
        assert_eq!(c.username.as_deref(), Some("hubber"));
        assert_eq!(c.server_address.as_deref(), Some(DOCKER_HUB_KEY));
        assert_eq!(s.get("ghost.example.com").unwrap(), None);

        let all = s.all().unwrap();
        let mut keys: Vec<_> = all.keys().cloned().collect();
        keys.sort();
        assert_eq!(keys, vec![DOCKER_HUB_KEY, "reg.example.com:5000"]);
        assert_eq!(
            all["reg.example.com:5000"].password.as_deref(),
            Some("reg-s3cret")
        );
    }

    #[cfg(unix)]
    #[test]
    fn helper_failures_are_named_without_secrets() {
        let f = Fixture::with_json(serde_json::json!({
            "credHelpers": {
                "broken.io": "broken",
                "garbled.io": "garbled",
                "absent.io": "absent",
            }
        }));
        f.helper("broken", "echo 'keychain locked' >&2; exit 7");
        f.helper("garbled", r#"echo '{"Username":"u","Secret":42424242}'"#);
        let s = f.store();

        let err = s.get("broken.io").unwrap_err();
        assert!(matches!(err, Error::Config(_)));
        let err = err.to_string();
        assert!(
            err.contains("docker-credential-broken")
                && err.contains('7')
                && err.contains("keychain locked"),
            "{err}"
        );

        let err = s.get("garbled.io").unwrap_err().to_string();
        assert!(
            err.contains("docker-credential-garbled") && !err.contains("42424242"),
            "{err}"
        );

        let err = s.get("absent.io").unwrap_err().to_string();
        assert!(
            err.contains("docker-credential-absent") && err.contains("not found"),
            "{err}"
        );

        // A broken registry-specific helper does not fail `all`, as in the CLI.
        assert!(s.all().unwrap().is_empty());
    }

    #[cfg(unix)]
    #[test]
    fn missing_creds_store_is_an_error() {
        let f = Fixture::with_json(serde_json::json!({"credsStore": "nowhere"}));
        let s = f.store();
        let err = s.get("busybox").unwrap_err().to_string();
        assert!(err.contains("docker-credential-nowhere"), "{err}");
        assert!(s.all().is_err());
    }

    #[test]
    fn debug_and_errors_hide_passwords() {
        let f = Fixture::with_json(serde_json::json!({
            "auths": {
                "r.io": {"auth": auth("dbguser", "dbg-password-1")},
                "t.io": {"identitytoken": "dbg-token-2"},
            },
            "credsStore": "",
        }));
        let s = f.store();
        let shown = format!("{s:?} {:?} {:?}", s.get("r.io").unwrap(), s.all().unwrap());
        assert!(shown.contains("r.io"), "{shown}");
        assert!(
            !shown.contains("dbg-password-1") && !shown.contains("dbg-token-2"),
            "{shown}"
        );
    }

    #[test]
    fn header_is_base64url_json_by_registry() {
        let mut creds = HashMap::new();
        creds.insert(
            "localhost:5001".to_string(),
            Credentials::basic("localhost:5001", "u", "p?>"),
        );
        let header = registry_config_header(&creds);
        let bytes = base64::engine::general_purpose::URL_SAFE
            .decode(&header)
            .unwrap();
        let v: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
        assert_eq!(
            v,
            serde_json::json!({"localhost:5001": {
                "username": "u", "password": "p?>", "serveraddress": "localhost:5001"
            }})
        );
        assert_eq!(registry_config_header(&HashMap::new()), "e30=");
    }
}
