//! The monitor's picture of a daemon's containers: re-read from a list after
//! each (re)connect, then kept current from the container events.

use std::collections::HashMap;

use crate::resources::container_summary::ContainerSummary;
use crate::resources::system::Event;

/// A container as the monitor last saw it (as JSON for the bindings:
/// `{"id", "name", "image", "state", "labels"}`).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct WatchedContainer {
    pub id: String,
    /// Without the leading `/`.
    pub name: String,
    pub image: String,
    /// `created`, `running`, `paused`, `restarting`, `exited`, `dead`.
    pub state: String,
    pub labels: HashMap<String, String>,
}

impl From<&ContainerSummary> for WatchedContainer {
    fn from(c: &ContainerSummary) -> Self {
        WatchedContainer {
            id: c.id.clone(),
            name: c
                .names
                .first()
                .map(|n| n.trim_start_matches('/').to_string())
                .unwrap_or_default(),
            image: c.image.clone(),
            state: c.state.clone(),
            labels: c.labels.clone(),
        }
    }
}

/// Applies a container event to `containers`.
pub(crate) fn apply(containers: &mut HashMap<String, WatchedContainer>, event: &Event) {
    if event.kind != "container" {
        return;
    }
    let id = &event.actor.id;
    let attrs = &event.actor.attributes;
    let set = |containers: &mut HashMap<String, WatchedContainer>, state: &str| {
        if let Some(c) = containers.get_mut(id) {
            c.state = state.to_string();
        }
    };
    match event.action.as_str() {
        "create" => {
            let labels = attrs
                .iter()
                .filter(|(k, _)| !matches!(k.as_str(), "name" | "image"))
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect();
            containers.insert(
                id.clone(),
                WatchedContainer {
                    id: id.clone(),
                    name: attrs.get("name").cloned().unwrap_or_default(),
                    image: attrs.get("image").cloned().unwrap_or_default(),
                    state: "created".into(),
                    labels,
                },
            );
        }
        "start" | "unpause" | "restart" => set(containers, "running"),
        "pause" => set(containers, "paused"),
        "die" => set(containers, "exited"),
        "destroy" => {
            containers.remove(id);
        }
        "rename" => {
            if let (Some(c), Some(name)) = (containers.get_mut(id), attrs.get("name")) {
                c.name = name.trim_start_matches('/').to_string();
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::resources::system::Actor;

    fn event(action: &str, attrs: &[(&str, &str)]) -> Event {
        Event {
            kind: "container".into(),
            action: action.into(),
            actor: Actor {
                id: "c1".into(),
                attributes: attrs
                    .iter()
                    .map(|(k, v)| (k.to_string(), v.to_string()))
                    .collect(),
            },
            scope: None,
            time: 0,
            time_nano: 0,
            extra: Default::default(),
        }
    }

    #[test]
    fn a_containers_life_in_events() {
        let mut cs = HashMap::new();
        apply(
            &mut cs,
            &event(
                "create",
                &[("name", "web"), ("image", "busybox"), ("app", "x")],
            ),
        );
        assert_eq!(cs["c1"].state, "created");
        assert_eq!(cs["c1"].labels.get("app").map(String::as_str), Some("x"));
        apply(&mut cs, &event("start", &[]));
        assert_eq!(cs["c1"].state, "running");
        apply(&mut cs, &event("pause", &[]));
        assert_eq!(cs["c1"].state, "paused");
        apply(&mut cs, &event("unpause", &[]));
        apply(&mut cs, &event("rename", &[("name", "/db")]));
        assert_eq!(
            (cs["c1"].state.as_str(), cs["c1"].name.as_str()),
            ("running", "db")
        );
        apply(&mut cs, &event("die", &[]));
        assert_eq!(cs["c1"].state, "exited");
        apply(&mut cs, &event("destroy", &[]));
        assert!(cs.is_empty());
    }
}
