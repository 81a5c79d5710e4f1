//! Builds with the daemon's classic builder: directory contexts with .dockerignore,
//! build args, failing steps, Dockerfiles outside the context, in-memory contexts.

use std::fs;

use docker_testsupport::{
    auth_registry, docker, docker_with_cli_config, ensure_test_image, unique, AuthRegistry,
    TEST_IMAGE, TEST_LABEL,
};
use libdocker::{BuildContext, BuildOptions, Credentials, Dockerfile, Error, PushOptions};

fn options(tag: &str) -> BuildOptions {
    let mut o = BuildOptions::tagged(tag);
    o.labels.insert(TEST_LABEL.into(), "1".into());
    o
}

#[tokio::test]
async fn a_directory_context_honours_dockerignore_and_build_args() {
    let d = docker();
    ensure_test_image(&d).await.unwrap();
    let ctx = tempfile::tempdir().unwrap();
    let root = ctx.path();
    fs::write(
        root.join("Dockerfile"),
        format!("FROM {TEST_IMAGE}\nARG GREETING\nCOPY . /ctx/\nRUN echo \"$GREETING\" > /greeting\nCMD [\"sh\"]\n"),
    )
    .unwrap();
    fs::write(
        root.join(".dockerignore"),
        "# comments are ignored\nsecret.txt\nlogs\n!logs/keep.log\n*.md\n!README.md\n**/*.tmp\n/Dockerfile\n",
    )
    .unwrap();
    fs::write(root.join("secret.txt"), "do not send").unwrap();
    fs::write(root.join("notes.md"), "ignored").unwrap();
    fs::write(root.join("README.md"), "kept by exception").unwrap();
    fs::create_dir_all(root.join("logs")).unwrap();
    fs::write(root.join("logs/app.log"), "ignored").unwrap();
    fs::write(root.join("logs/keep.log"), "kept").unwrap();
    fs::create_dir_all(root.join("src/deep")).unwrap();
    fs::write(root.join("src/main.sh"), "echo main").unwrap();
    fs::write(root.join("src/deep/cache.tmp"), "ignored").unwrap();
    fs::write(
        root.join("src/docs.md"),
        "kept: *.md matches the top level only",
    )
    .unwrap();
    std::os::unix::fs::symlink("src/main.sh", root.join("link.sh")).unwrap();

    let tag_a = format!("libdocker-test/built:{}", unique("a"));
    let tag_b = format!("libdocker-test/built:{}", unique("b"));
    let mut opts = options(&tag_a);
    opts.tags.push(tag_b.clone());
    opts.build_args
        .insert("GREETING".into(), "hello from a build arg".into());
    let built = d
        .images()
        .build_image(BuildContext::dir(root), opts)
        .await
        .unwrap();
    let id = built.image_id.clone().unwrap();
    assert!(built.output.contains("Step 1/"), "{}", built.output);

    let image = d.images().inspect(&tag_b).await.unwrap();
    assert_eq!(image.id, id);
    assert!(image.repo_tags.contains(&tag_a) && image.repo_tags.contains(&tag_b));
    assert_eq!(image.config["Labels"][TEST_LABEL], "1");

    let listing = d
        .run(
            &id,
            [
                "sh",
                "-c",
                "cd /ctx && find . | sort; cat /greeting; readlink link.sh",
            ],
            Default::default(),
        )
        .await
        .unwrap();
    let text = String::from_utf8(listing.stdout).unwrap();
    for present in [
        "./README.md",
        "./logs/keep.log",
        "./src/main.sh",
        "./src/docs.md",
        "./.dockerignore",
        "./link.sh",
    ] {
        assert!(
            text.lines().any(|l| l == present),
            "{present} is in the image:\n{text}"
        );
    }
    // The Dockerfile was sent (the build ran) though ignored; the daemon then drops it.
    for absent in [
        "./secret.txt",
        "./notes.md",
        "./logs/app.log",
        "./src/deep/cache.tmp",
        "./Dockerfile",
    ] {
        assert!(
            !text.lines().any(|l| l == absent),
            "{absent} was ignored:\n{text}"
        );
    }
    assert!(text.contains("hello from a build arg\n"), "{text}");
    assert!(
        text.ends_with("src/main.sh\n"),
        "the symlink stays a symlink: {text}"
    );
    d.images().remove(&tag_a, false, false).await.unwrap();
    d.images().remove(&tag_b, true, false).await.unwrap();
}

#[tokio::test]
async fn a_failing_run_is_build_failed_with_that_steps_output() {
    let d = docker();
    ensure_test_image(&d).await.unwrap();
    let dockerfile = Dockerfile::from(TEST_IMAGE)
        .run("echo first step ok")
        .run("echo about to fail; echo on stderr >&2; exit 3");
    let err = d
        .images()
        .build_image(
            BuildContext::memory().dockerfile(&dockerfile),
            options(&format!("libdocker-test/fail:{}", unique("f"))),
        )
        .await
        .unwrap_err();
    match err {
        Error::BuildFailed { message, output } => {
            assert!(message.contains("non-zero code: 3"), "{message}");
            assert!(output.contains("about to fail"), "{output}");
            assert!(output.contains("on stderr"), "{output}");
            assert!(
                !output.contains("first step ok"),
                "only the failing step: {output}"
            );
        }
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn the_in_memory_dockerfile_builder_builds_an_image_that_runs() {
    let d = docker();
    ensure_test_image(&d).await.unwrap();
    let dockerfile = Dockerfile::from(TEST_IMAGE)
        .label("built-by", "libdocker test")
        .env("MODE", "memory build")
        .workdir("/app")
        .copy(&["app.sh"], "/app/")
        .run("chmod 755 /app/app.sh")
        .user("nobody")
        .expose(8080)
        .volume("/data")
        .entrypoint(["/app/app.sh"])
        .cmd(["default-arg"]);
    let context = BuildContext::memory().dockerfile(&dockerfile).file(
        "app.sh",
        0o644,
        "#!/bin/sh\necho \"$MODE: $1 as $(id -u) in $(pwd)\"\n",
    );
    let tag = format!("libdocker-test/memory:{}", unique("m"));
    let built = d
        .images()
        .build_image(context, options(&tag))
        .await
        .unwrap();
    // No command: the image's ENTRYPOINT and CMD apply.
    let out = d
        .run(&tag, Vec::<String>::new(), Default::default())
        .await
        .unwrap();
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        "memory build: default-arg as 65534 in /app\n"
    );
    let image = d.images().inspect(&tag).await.unwrap();
    assert_eq!(
        image.config["ExposedPorts"],
        serde_json::json!({"8080/tcp": {}})
    );
    assert_eq!(image.config["Labels"]["built-by"], "libdocker test");
    assert_eq!(built.image_id.as_deref(), Some(image.id.as_str()));
    d.images().remove(&tag, true, false).await.unwrap();
}

#[tokio::test]
async fn a_dockerfile_outside_the_context() {
    let d = docker();
    ensure_test_image(&d).await.unwrap();
    let ctx = tempfile::tempdir().unwrap();
    fs::write(ctx.path().join("data.txt"), "from the context").unwrap();
    let elsewhere = tempfile::tempdir().unwrap();
    let dockerfile = elsewhere.path().join("Custom.Dockerfile");
    fs::write(
        &dockerfile,
        format!("FROM {TEST_IMAGE}\nCOPY data.txt /data.txt\n"),
    )
    .unwrap();
    let tag = format!("libdocker-test/outside:{}", unique("o"));
    let mut opts = options(&tag);
    opts.dockerfile = Some(dockerfile.display().to_string());
    d.images()
        .build_image(BuildContext::dir(ctx.path()), opts)
        .await
        .unwrap();
    let out = d
        .run(&tag, ["cat", "/data.txt"], Default::default())
        .await
        .unwrap();
    assert_eq!(out.stdout, b"from the context");
    d.images().remove(&tag, true, false).await.unwrap();
}

#[tokio::test]
async fn target_extra_hosts_and_network_mode() {
    let d = docker();
    ensure_test_image(&d).await.unwrap();
    let dockerfile = Dockerfile::from_as(TEST_IMAGE, "first")
        .run("grep -q 'buildhost' /etc/hosts && echo host-ok > /hosts-check")
        .run("ip route | grep -q default && echo net > /net || echo no-net > /net")
        .then_from(TEST_IMAGE)
        .run("echo second stage > /second");
    let tag = format!("libdocker-test/target:{}", unique("t"));
    let mut opts = options(&tag);
    opts.target = Some("first".into());
    opts.extra_hosts = vec!["buildhost:10.1.2.3".into()];
    opts.network_mode = Some("none".into());
    opts.no_cache = true;
    d.images()
        .build_image(BuildContext::memory().dockerfile(&dockerfile), opts)
        .await
        .unwrap();
    let out = d
        .run(
            &tag,
            [
                "sh",
                "-c",
                "cat /hosts-check /net; test -e /second && echo has-second || true",
            ],
            Default::default(),
        )
        .await
        .unwrap();
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        "host-ok\nno-net\n",
        "stopped at the target stage"
    );
    d.images().remove(&tag, true, false).await.unwrap();
}

#[tokio::test]
async fn a_private_base_image_is_pulled_with_the_cli_configs_credentials() {
    let d = docker();
    ensure_test_image(&d).await.unwrap();
    let AuthRegistry {
        host: registry,
        user,
        password,
    } = auth_registry();
    let base = format!("{registry}/libdocker-test/base:{}", unique("b"));
    let (repo, tag) = base.rsplit_once(':').unwrap();
    d.images().tag(TEST_IMAGE, repo, Some(tag)).await.unwrap();
    let creds = Credentials::basic(&registry, &user, &password);
    d.images()
        .push(
            &base,
            PushOptions {
                credentials: Some(creds),
                ..Default::default()
            },
        )
        .await
        .unwrap()
        .finish()
        .await
        .unwrap();

    let dockerfile = Dockerfile::from(&base).run("echo from private base > /proof");
    let built_tag = format!("libdocker-test/private-built:{}", unique("p"));
    let mut opts = options(&built_tag);
    opts.pull = true; // always ask the registry, so credentials are needed

    // No credentials: the registry refuses the pull inside the build.
    let (anonymous, _config) = docker_with_cli_config(&serde_json::json!({}), None);
    let err = anonymous
        .images()
        .build_image(BuildContext::memory().dockerfile(&dockerfile), opts.clone())
        .await
        .unwrap_err();
    assert!(matches!(err, Error::BuildFailed { .. }), "{err:?}");
    assert!(
        err.to_string().contains("no basic auth credentials"),
        "{err}"
    );

    // The same build with an `auths` entry: X-Registry-Config carries it.
    use base64::Engine as _;
    let auth = base64::engine::general_purpose::STANDARD.encode(format!("{user}:{password}"));
    let (configured, _config) = docker_with_cli_config(
        &serde_json::json!({"auths": {registry.clone(): {"auth": auth}}}),
        None,
    );
    configured
        .images()
        .build_image(BuildContext::memory().dockerfile(&dockerfile), opts)
        .await
        .unwrap();
    let out = d
        .run(&built_tag, ["cat", "/proof"], Default::default())
        .await
        .unwrap();
    assert_eq!(out.stdout, b"from private base\n");
    d.images().remove(&built_tag, true, false).await.unwrap();
    d.images().remove(&base, false, false).await.unwrap();
}
