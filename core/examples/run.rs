//! Runs a command in a new container and prints its output, like `docker run --rm`.
//!
//! `cargo run --example run -- [IMAGE] [COMMAND...]`
//! (defaults: the test image, `sh -c 'echo hello from a container; uname -a'`)

use libdocker::{Docker, Error};

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let mut args: Vec<String> = std::env::args().skip(1).collect();
    let image = if args.is_empty() {
        docker_testsupport::TEST_IMAGE.to_string()
    } else {
        args.remove(0)
    };
    if args.is_empty() {
        args = vec![
            "sh".into(),
            "-c".into(),
            "echo hello from a container; uname -a".into(),
        ];
    }
    let docker = match Docker::connect() {
        Ok(d) => d,
        Err(e) => {
            eprintln!("{e}");
            std::process::exit(1);
        }
    };
    if image == docker_testsupport::TEST_IMAGE {
        if let Err(e) = docker_testsupport::ensure_test_image(&docker).await {
            eprintln!("cannot prepare {image}: {e}");
            std::process::exit(1);
        }
    }
    match docker.run(&image, args, Default::default()).await {
        Ok(out) => {
            print!("{}", String::from_utf8_lossy(&out.stdout));
            eprint!("{}", String::from_utf8_lossy(&out.stderr));
        }
        Err(Error::ContainerFailed { exit_code, stderr }) => {
            eprint!("{stderr}");
            eprintln!("exit code {exit_code}");
            std::process::exit(exit_code.clamp(1, 255) as i32);
        }
        Err(e) => {
            eprintln!("error: {e}");
            std::process::exit(1);
        }
    }
}
