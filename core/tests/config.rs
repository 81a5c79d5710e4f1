//! Configuration resolved the way the docker CLI does, with a fake `~/.docker` in a
//! temporary directory, connecting to the real daemons.

use std::fs;
use std::path::Path;

use docker_testsupport::env;
use libdocker::config::context::context_id;
use libdocker::{Docker, Endpoint, Environment, Error};

fn write_context(config_dir: &Path, name: &str, host: &str, tls_from: Option<&Path>) {
    let id = context_id(name);
    let meta = config_dir.join("contexts/meta").join(&id);
    fs::create_dir_all(&meta).unwrap();
    let doc = serde_json::json!({
        "Name": name,
        "Metadata": {"Description": "libdocker test"},
        "Endpoints": {"docker": {"Host": host, "SkipTLSVerify": false}}
    });
    fs::write(meta.join("meta.json"), doc.to_string()).unwrap();
    if let Some(certs) = tls_from {
        let tls = config_dir.join("contexts/tls").join(&id).join("docker");
        fs::create_dir_all(&tls).unwrap();
        for f in ["ca.pem", "cert.pem", "key.pem"] {
            fs::copy(certs.join(f), tls.join(f)).unwrap();
        }
    }
}

#[tokio::test]
async fn current_context_in_config_json_with_its_tls_files() {
    let home = tempfile::tempdir().unwrap();
    let dot = home.path().join(".docker");
    let certs = Path::new(&env("LIBDOCKER_TEST_CERTS")).to_path_buf();
    write_context(
        &dot,
        "secure",
        &env("LIBDOCKER_TEST_TLS_HOST"),
        Some(&certs),
    );
    fs::write(dot.join("config.json"), r#"{"currentContext": "secure"}"#).unwrap();

    let d = Docker::builder()
        .environment(Environment::from_pairs([(
            "HOME",
            home.path().to_str().unwrap(),
        )]))
        .build()
        .unwrap();
    assert_eq!(
        d.endpoint(),
        &Endpoint::Tcp {
            host: "127.0.0.1".into(),
            port: 2376,
            tls: true
        }
    );
    // The tlsverify daemon only answers clients presenting the context's certificate.
    assert_eq!(d.ping().await.unwrap().status, "OK");
}

#[tokio::test]
async fn docker_context_overrides_current_context_and_docker_config_moves_the_directory() {
    let dir = tempfile::tempdir().unwrap();
    write_context(dir.path(), "plain", &env("LIBDOCKER_TEST_TCP_HOST"), None);
    write_context(dir.path(), "broken", "unix:///nonexistent.sock", None);
    fs::write(
        dir.path().join("config.json"),
        r#"{"currentContext": "broken"}"#,
    )
    .unwrap();

    let d = Docker::builder()
        .environment(Environment::from_pairs([
            ("DOCKER_CONFIG", dir.path().to_str().unwrap()),
            ("DOCKER_CONTEXT", "plain"),
        ]))
        .build()
        .unwrap();
    assert_eq!(d.endpoint().to_string(), env("LIBDOCKER_TEST_TCP_HOST"));
    d.ping().await.unwrap();
}

#[tokio::test]
async fn docker_host_wins_over_the_context() {
    let dir = tempfile::tempdir().unwrap();
    write_context(dir.path(), "broken", "unix:///nonexistent.sock", None);
    fs::write(
        dir.path().join("config.json"),
        r#"{"currentContext": "broken"}"#,
    )
    .unwrap();
    let d = Docker::builder()
        .environment(Environment::from_pairs([
            ("DOCKER_CONFIG", dir.path().to_str().unwrap()),
            ("DOCKER_HOST", env("LIBDOCKER_TEST_MAIN_HOST").as_str()),
        ]))
        .build()
        .unwrap();
    d.ping().await.unwrap();
}

#[tokio::test]
async fn docker_tls_verify_and_docker_cert_path() {
    let certs = env("LIBDOCKER_TEST_CERTS");
    let d = Docker::builder()
        .environment(Environment::from_pairs([
            ("DOCKER_HOST", env("LIBDOCKER_TEST_TLS_HOST").as_str()),
            ("DOCKER_TLS_VERIFY", "1"),
            ("DOCKER_CERT_PATH", certs.as_str()),
            ("DOCKER_API_VERSION", "1.40"),
        ]))
        .build()
        .unwrap();
    assert_eq!(d.pinned_api_version(), Some("1.40".parse().unwrap()));
    assert!(!d.version().await.unwrap().version.is_empty());
}

#[tokio::test]
async fn cert_path_defaults_to_the_config_directory() {
    // DOCKER_TLS_VERIFY without DOCKER_CERT_PATH: ca/cert/key come from ~/.docker.
    let home = tempfile::tempdir().unwrap();
    let dot = home.path().join(".docker");
    fs::create_dir_all(&dot).unwrap();
    let certs = Path::new(&env("LIBDOCKER_TEST_CERTS")).to_path_buf();
    for f in ["ca.pem", "cert.pem", "key.pem"] {
        fs::copy(certs.join(f), dot.join(f)).unwrap();
    }
    let d = Docker::builder()
        .environment(Environment::from_pairs([
            ("HOME", home.path().to_str().unwrap()),
            ("DOCKER_HOST", env("LIBDOCKER_TEST_TLS_HOST").as_str()),
            ("DOCKER_TLS_VERIFY", "1"),
        ]))
        .build()
        .unwrap();
    d.ping().await.unwrap();
}

#[tokio::test]
async fn a_missing_context_is_named() {
    let dir = tempfile::tempdir().unwrap();
    let err = Docker::builder()
        .environment(Environment::from_pairs([
            ("DOCKER_CONFIG", dir.path().to_str().unwrap()),
            ("DOCKER_CONTEXT", "nowhere"),
        ]))
        .build()
        .unwrap_err();
    assert!(matches!(err, Error::Config(_)));
    assert!(
        err.to_string().contains("context `nowhere` not found"),
        "{err}"
    );
}

#[tokio::test]
async fn the_default_address_is_the_docker_socket_and_errors_say_what_was_consulted() {
    let home = tempfile::tempdir().unwrap();
    let d = Docker::builder()
        .environment(Environment::from_pairs([(
            "HOME",
            home.path().to_str().unwrap(),
        )]))
        .build()
        .unwrap();
    assert_eq!(d.endpoint(), &Endpoint::Unix("/var/run/docker.sock".into()));
    let wrong = Docker::builder()
        .environment(Environment::from_pairs([(
            "HOME",
            home.path().to_str().unwrap(),
        )]))
        .host("unix:///nonexistent/d.sock")
        .build()
        .unwrap();
    let text = wrong.ping().await.unwrap_err().to_string();
    assert!(
        text.contains("the host option") && text.contains("DOCKER_HOST"),
        "{text}"
    );
}
