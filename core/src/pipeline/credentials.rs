//! Registry credentials a call takes from the docker CLI's configuration when the
//! caller gives none, as the operation table says (`api::Credentials`): the
//! registry of the image being pulled, pushed or inspected, of a service's image,
//! or every registry for a build. Credentials from the client's own logins come
//! first (`config/logins.rs`). Reading `config.json` and running
//! `docker-credential-*` helpers happens off the async threads.

use serde_json::{Map, Value};

use crate::api::{Credentials as Rule, Operation};
use crate::client::Docker;
use crate::config::credential_store::{registry_config_header, registry_of};
use crate::config::{CredentialStore, Credentials};
use crate::error::Error;
use crate::transport::Mode;

/// The credential header `op` takes, looked up, unless `given` has it already.
pub(crate) async fn header_for(
    docker: &Docker,
    op: &Operation,
    params: &Map<String, Value>,
    given: &[(String, String)],
    mode: Mode,
) -> Result<Option<(String, String)>, Error> {
    let name = match op.credentials {
        Rule::None | Rule::InBody => return Ok(None),
        Rule::ImageNamedBy(_) | Rule::ServiceImage => "X-Registry-Auth",
        Rule::AllRegistries => "X-Registry-Config",
    };
    if given.iter().any(|(n, _)| n.eq_ignore_ascii_case(name)) {
        return Ok(None);
    }
    let value = match op.credentials {
        Rule::ImageNamedBy(param) => {
            let Some(image) = params.get(param).and_then(Value::as_str) else {
                return Ok(None);
            };
            let found = remembered_or_stored(docker, mode, registry_of(image)).await?;
            // `{}` when none: the daemon wants the header on a push, as the CLI sends it.
            Some(found.unwrap_or_default().header_value())
        }
        Rule::ServiceImage => {
            let body = params.get(op.body.name).or_else(|| params.get("body"));
            let Some(image) = body
                .and_then(|b| b.pointer("/TaskTemplate/ContainerSpec/Image"))
                .and_then(Value::as_str)
            else {
                return Ok(None);
            };
            let found = remembered_or_stored(docker, mode, registry_of(image)).await?;
            found.map(|c| c.header_value())
        }
        Rule::AllRegistries => {
            let mut all = lookup(docker, mode, |store| store.all()).await?;
            all.extend(docker.inner.logins.all());
            (!all.is_empty()).then(|| registry_config_header(&all))
        }
        Rule::None | Rule::InBody => None,
    };
    Ok(value.map(|v| (name.to_string(), v)))
}

/// A registry's credentials: from the client's logins, else the CLI's configuration.
async fn remembered_or_stored(
    docker: &Docker,
    mode: Mode,
    registry: String,
) -> Result<Option<Credentials>, Error> {
    if let Some(found) = docker.inner.logins.get(&registry) {
        return Ok(Some(found));
    }
    lookup(docker, mode, move |store| store.get(&registry)).await
}

/// Runs `lookup` on the CLI's credential configuration: on a blocking thread for
/// an async call, right here for a blocking one.
async fn lookup<T, F>(docker: &Docker, mode: Mode, lookup: F) -> Result<T, Error>
where
    F: FnOnce(CredentialStore) -> Result<T, Error> + Send + 'static,
    T: Send + 'static,
{
    let env = docker.inner.env.clone();
    match mode {
        Mode::Blocking => lookup(CredentialStore::load(&env)?),
        Mode::Async | Mode::Driven => {
            tokio::task::spawn_blocking(move || lookup(CredentialStore::load(&env)?))
                .await
                .map_err(|e| Error::Config(format!("the credential lookup failed: {e}")))?
        }
    }
}
