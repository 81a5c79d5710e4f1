//! An update names the version of the object it was read at (`version`); when
//! someone changed the object since, the daemon refuses it as "update out of
//! sequence". Where the table says an operation is such an update
//! (`Operation::sequenced`), that refusal becomes [`Error::OutOfSequence`], naming
//! the version the update gave and the one the object is at now (read back with
//! the table's inspect operation).

use serde_json::{json, Map, Value};

use super::plan::{CallOptions, Planned};
use crate::api::{self, Operation};
use crate::client::Docker;
use crate::error::Error;
use crate::transport::Mode;
use crate::version::ApiVersion;

/// The daemon's words for a stale version (swarmkit's `errSequence`).
const OUT_OF_SEQUENCE: &str = "update out of sequence";

/// Whether `error` is the daemon refusing a stale version.
pub(crate) fn refused(error: &Error) -> bool {
    error
        .daemon_message()
        .is_some_and(|m| m.contains(OUT_OF_SEQUENCE))
}

/// The refusal of `op` (given `params`) as [`Error::OutOfSequence`].
pub(crate) async fn explain(
    docker: &Docker,
    op: &Operation,
    params: &Map<String, Value>,
    refusal: Error,
    version: Option<ApiVersion>,
    mode: Mode,
) -> Error {
    let Some((inspect, param)) = op.sequenced else {
        return refusal;
    };
    let message = refusal.daemon_message().unwrap_or_default().to_string();
    let given = params.get("version").and_then(Value::as_u64).unwrap_or(0);
    let id = param.and_then(|p| params.get(p)).and_then(Value::as_str);
    let kind = op.category.as_str().to_lowercase();
    let object = match id {
        Some(id) => format!("{kind} {id}"),
        None => format!("the {kind}"),
    };
    let current = current_version(docker, inspect, param.zip(id), version, mode).await;
    Error::OutOfSequence {
        object,
        given,
        current,
        message,
    }
}

/// The object's version now, if it can be read.
async fn current_version(
    docker: &Docker,
    inspect: &str,
    named: Option<(&str, &str)>,
    version: Option<ApiVersion>,
    mode: Mode,
) -> Option<u64> {
    let params = match named {
        Some((param, id)) => json!({ param: id }),
        None => json!({}),
    };
    let call = Planned::operation(
        docker.clone(),
        api::find(inspect).ok()?,
        params,
        None,
        CallOptions::default(),
    )
    .ok()?;
    let info: Value = call
        .prepare(version, false)
        .ok()?
        .exchange(mode)
        .await
        .ok()?
        .into_typed()
        .ok()?;
    ["/Version/Index", "/ClusterVolume/Version/Index"]
        .iter()
        .find_map(|p| info.pointer(p).and_then(Value::as_u64))
}
