//! Applies a Compose file as a container map, printing each container's progress.
//!
//! ```text
//! cargo run --example maps -- up compose.yaml
//! cargo run --example maps -- plan|up|update|down|start|stop|restart|pull|build|ps|logs FILE [--volumes]
//! ```
//!
//! The default client connects as the docker CLI does; clients the file names
//! under `x-libdocker: clients:` connect to their `host` or `context`.

use futures_util::StreamExt;
use libdocker::maps::{Action, ActionOptions, Clients, ContainerMap, Status};
use libdocker::LogsOptions;

#[tokio::main]
async fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (Some(action), Some(file)) = (args.first(), args.get(1)) else {
        eprintln!("usage: maps plan|up|update|down|start|stop|restart|pull|build|ps|logs FILE [--volumes]");
        std::process::exit(2);
    };
    if let Err(e) = run(action, file, args.iter().any(|a| a == "--volumes")).await {
        eprintln!("error: {e}");
        std::process::exit(1);
    }
}

async fn run(action: &str, file: &str, volumes: bool) -> Result<(), libdocker::Error> {
    let map = ContainerMap::load(file)?;
    for warning in &map.warnings {
        eprintln!("warning: {warning}");
    }
    let clients = Clients::from_map(&map)?;
    let options = ActionOptions {
        volumes,
        ..Default::default()
    };
    match action {
        "ps" => {
            for c in map.ps(&clients).await? {
                let client = if c.client.is_empty() {
                    "default"
                } else {
                    &c.client
                };
                println!("{:<10} {:<30} {:<10} {}", client, c.name, c.state, c.status);
            }
        }
        "logs" => {
            let mut logs = map.logs(&clients, LogsOptions::default()).await?;
            while let Some(line) = logs.next().await {
                println!("{}", line?.prefixed(24));
            }
        }
        "plan" => {
            let plan = map.plan(&clients, Action::Up, &options).await?;
            for step in plan.steps {
                let client = if step.client.is_empty() {
                    "default"
                } else {
                    &step.client
                };
                println!(
                    "[{client}] {} {} {}",
                    step.step.as_str(),
                    step.target,
                    step.reason
                );
            }
        }
        name => {
            let Some(action) = Action::parse(name) else {
                return Err(libdocker::Error::InvalidParams {
                    message: format!("unknown action `{name}`"),
                    valid: [
                        "plan", "up", "update", "down", "start", "stop", "restart", "pull",
                        "build", "ps", "logs",
                    ]
                    .map(String::from)
                    .to_vec(),
                });
            };
            let summary = map
                .run(&clients, action, options)
                .for_each(|event| {
                    if event.status != Status::Progress {
                        println!("{}", event.line());
                    }
                })
                .await?;
            println!("{}: {} steps done", action.as_str(), summary.done);
        }
    }
    Ok(())
}
