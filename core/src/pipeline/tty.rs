//! Whether a process's output is a TTY's (raw) or framed stdout/stderr, where
//! the operation table says it comes from (`api::Tty`): an exec's start body, or
//! the container's, service's or task's configuration, looked up before API 1.42
//! (from 1.42 the daemon says so in the answer's content type).

use serde_json::{json, Map, Value};

use super::plan::{CallOptions, Planned};
use crate::api::{self, Operation, ResponseKind, Tty};
use crate::client::Docker;
use crate::error::Error;
use crate::transport::Mode;
use crate::version::ApiVersion;

/// Whether `op`'s answer of `kind` is a process's output framed by a TTY setting
/// that may need looking up.
pub(crate) fn asks(op: &Operation, kind: Option<ResponseKind>) -> bool {
    op.tty != Tty::None
        && matches!(
            kind,
            Some(ResponseKind::Multiplexed | ResponseKind::Upgrade)
        )
}

/// The TTY setting for `op`'s output (see [`asks`]).
pub(crate) async fn lookup(
    docker: &Docker,
    op: &Operation,
    params: &Map<String, Value>,
    version: ApiVersion,
    mode: Mode,
) -> Result<bool, Error> {
    let (inspect, param, pointer) = match op.tty {
        Tty::None => return Ok(false),
        Tty::ExecBody => {
            let body = params.get(op.body.name).or_else(|| params.get("body"));
            return Ok(body
                .and_then(|b| b.get("Tty"))
                .and_then(Value::as_bool)
                .unwrap_or(false));
        }
        _ if version >= ApiVersion::v1(42) => return Ok(false),
        Tty::Container(param) => ("ContainerInspect", param, "/Config/Tty"),
        Tty::Service(param) => (
            "ServiceInspect",
            param,
            "/Spec/TaskTemplate/ContainerSpec/TTY",
        ),
        Tty::Task(param) => ("TaskInspect", param, "/Spec/ContainerSpec/TTY"),
    };
    let Some(id) = params.get(param).and_then(Value::as_str) else {
        return Ok(false);
    };
    let call = Planned::operation(
        docker.clone(),
        api::find(inspect)?,
        json!({ "id": id }),
        None,
        CallOptions::default(),
    )?;
    // Prepared with what is known: a look-up looks nothing up itself.
    let info: Value = call
        .prepare(Some(version), false)?
        .exchange(mode)
        .await?
        .into_typed()?;
    Ok(info
        .pointer(pointer)
        .and_then(Value::as_bool)
        .unwrap_or(false))
}
