//! Networks, volumes and the daemon's events.

use std::collections::HashMap;
use std::sync::Arc;

use serde_json::{json, Value};

use crate::client::{params, Docker};
use crate::error::Result;
use crate::streams::{listen, EventListener, EventStream};
use crate::task_handle::TaskHandle;

/// A network as `list_networks` sees it.
#[derive(Debug, Clone, uniffi::Record)]
pub struct NetworkListing {
    pub id: String,
    pub name: String,
    pub driver: String,
    pub labels: HashMap<String, String>,
}

/// A volume as `list_volumes` sees it.
#[derive(Debug, Clone, uniffi::Record)]
pub struct VolumeListing {
    pub name: String,
    pub driver: String,
    pub mountpoint: String,
    pub labels: HashMap<String, String>,
}

fn labels_of(v: &Value) -> HashMap<String, String> {
    serde_json::from_value(v.get("Labels").cloned().unwrap_or_default()).unwrap_or_default()
}

fn text(v: &Value, key: &str) -> String {
    v.get(key).and_then(Value::as_str).unwrap_or("").to_string()
}

/// `SystemEvents` parameters: times (Unix seconds or the daemon's text) and filters.
fn events_params(
    since: Option<String>,
    until: Option<String>,
    filters_json: &str,
) -> Result<Value> {
    let filters = params(filters_json)?;
    Ok(
        json!({ "since": since, "until": until, "filters": (!filters.is_null()).then_some(filters) }),
    )
}

async fn open_events(
    d: libdocker::Docker,
    p: Value,
) -> std::result::Result<libdocker::EventStream, libdocker::Error> {
    Ok(d.invoke("SystemEvents", p)
        .await?
        .into_json_stream()?
        .typed())
}

export_async! {
    impl Docker {
        /// Creates a network (`driver` null: bridge); its id.
        #[uniffi::method(default(driver = None, labels))]
        pub async fn create_network(&self, name: String, driver: Option<String>, labels: HashMap<String, String>) -> Result<String> {
            let d = self.core();
            self.call(async move {
                let made = d
                    .invoke("NetworkCreate", json!({ "networkConfig": { "Name": name, "Driver": driver, "Labels": labels } }))
                    .await?
                    .into_json()?;
                Ok(text(&made, "Id"))
            })
            .await
        }

        pub async fn remove_network(&self, id: String) -> Result<()> {
            let d = self.core();
            self.call(async move { Ok(d.networks().remove(&id).await?) }).await
        }

        /// Attaches a container to a network, with DNS aliases.
        #[uniffi::method(default(aliases = []))]
        pub async fn connect_network(&self, network: String, container: String, aliases: Vec<String>) -> Result<()> {
            let d = self.core();
            self.call(async move {
                let body = json!({ "Container": container, "EndpointConfig": { "Aliases": aliases } });
                d.invoke("NetworkConnect", json!({ "id": network, "container": body })).await?;
                Ok(())
            })
            .await
        }

        #[uniffi::method(default(force = false))]
        pub async fn disconnect_network(&self, network: String, container: String, force: bool) -> Result<()> {
            let d = self.core();
            self.call(async move {
                let body = json!({ "Container": container, "Force": force });
                d.invoke("NetworkDisconnect", json!({ "id": network, "container": body })).await?;
                Ok(())
            })
            .await
        }

        /// Networks; `filters_json` as the Engine takes them (empty for none).
        #[uniffi::method(default(filters_json = ""))]
        pub async fn list_networks(&self, filters_json: String) -> Result<Vec<NetworkListing>> {
            let filters = params(&filters_json)?;
            let d = self.core();
            self.call(async move {
                let listed = d.invoke("NetworkList", json!({ "filters": (!filters.is_null()).then_some(filters) })).await?.into_json()?;
                Ok(listed
                    .as_array()
                    .map(|a| a.iter().map(|n| NetworkListing { id: text(n, "Id"), name: text(n, "Name"), driver: text(n, "Driver"), labels: labels_of(n) }).collect())
                    .unwrap_or_default())
            })
            .await
        }

        /// Creates a volume (`name` null: a generated one); its name.
        #[uniffi::method(default(name = None, labels))]
        pub async fn create_volume(&self, name: Option<String>, labels: HashMap<String, String>) -> Result<String> {
            let d = self.core();
            self.call(async move {
                let made = d.invoke("VolumeCreate", json!({ "volumeConfig": { "Name": name, "Labels": labels } })).await?.into_json()?;
                Ok(text(&made, "Name"))
            })
            .await
        }

        #[uniffi::method(default(force = false))]
        pub async fn remove_volume(&self, name: String, force: bool) -> Result<()> {
            let d = self.core();
            self.call(async move { Ok(d.volumes().remove(&name, force).await?) }).await
        }

        #[uniffi::method(default(filters_json = ""))]
        pub async fn list_volumes(&self, filters_json: String) -> Result<Vec<VolumeListing>> {
            let filters = params(&filters_json)?;
            let d = self.core();
            self.call(async move {
                let listed = d.invoke("VolumeList", json!({ "filters": (!filters.is_null()).then_some(filters) })).await?.into_json()?;
                Ok(listed
                    .get("Volumes")
                    .and_then(Value::as_array)
                    .map(|a| a.iter().map(|v| VolumeListing { name: text(v, "Name"), driver: text(v, "Driver"), mountpoint: text(v, "Mountpoint"), labels: labels_of(v) }).collect())
                    .unwrap_or_default())
            })
            .await
        }

        /// The daemon's events from `since` (null: from now) to `until` (null:
        /// until closed); `filters_json` e.g. `{"type": ["container"]}`.
        #[uniffi::method(default(since = None, until = None, filters_json = ""))]
        pub async fn events(&self, since: Option<String>, until: Option<String>, filters_json: String) -> Result<Arc<EventStream>> {
            let p = events_params(since, until, &filters_json)?;
            let d = self.core();
            self.call(async move { Ok(EventStream::new(open_events(d, p).await?)) }).await
        }
    }
}

#[uniffi::export]
impl Docker {
    /// The daemon's events heard by `listener` (return true from `on_event` to stop).
    #[uniffi::method(default(since = None, until = None, filters_json = ""))]
    pub fn events_to(
        &self,
        listener: Arc<dyn EventListener>,
        since: Option<String>,
        until: Option<String>,
        filters_json: String,
    ) -> Result<Arc<TaskHandle>> {
        let p = events_params(since, until, &filters_json)?;
        let end = listener.clone();
        Ok(listen(
            open_events(self.core(), p),
            move |e| listener.on_event(e),
            move |e| end.on_end(e),
        ))
    }
}
