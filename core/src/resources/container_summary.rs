//! One entry of `ContainerList`, typed all the way down: a list is decoded in one
//! pass with no intermediate JSON values (those cost 3× the decode of the rest).
//! Fields follow API 1.55; fields a later daemon adds are skipped, not kept.

use std::collections::HashMap;

use super::null_default::null_default;
use serde::{Deserialize, Serialize};

/// One entry of `ContainerList`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ContainerSummary {
    #[serde(rename = "Id")]
    pub id: String,
    /// Each with its leading `/`.
    #[serde(default, deserialize_with = "null_default")]
    pub names: Vec<String>,
    #[serde(default)]
    pub image: String,
    #[serde(rename = "ImageID", default)]
    pub image_id: String,
    /// The manifest the container was created from (API 1.48+).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub image_manifest_descriptor: Option<OciDescriptor>,
    #[serde(default)]
    pub command: String,
    /// Unix seconds.
    #[serde(default)]
    pub created: i64,
    #[serde(default, deserialize_with = "null_default")]
    pub ports: Vec<PortSummary>,
    /// Only when listed with `size`.
    #[serde(default)]
    pub size_rw: Option<i64>,
    /// Only when listed with `size`.
    #[serde(default)]
    pub size_root_fs: Option<i64>,
    #[serde(default, deserialize_with = "null_default")]
    pub labels: HashMap<String, String>,
    /// `created`, `running`, `exited`, …
    #[serde(default)]
    pub state: String,
    /// e.g. `Up 2 minutes`.
    #[serde(default)]
    pub status: String,
    #[serde(default, deserialize_with = "null_default")]
    pub host_config: SummaryHostConfig,
    #[serde(default, deserialize_with = "null_default")]
    pub network_settings: SummaryNetworkSettings,
    #[serde(default, deserialize_with = "null_default")]
    pub mounts: Vec<MountPoint>,
    /// API 1.52+.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub health: Option<SummaryHealth>,
}

/// A port of a listed container, published or only exposed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct PortSummary {
    /// The host address it is published on.
    #[serde(rename = "IP", default, skip_serializing_if = "Option::is_none")]
    pub ip: Option<String>,
    #[serde(default)]
    pub private_port: u16,
    /// The host port, when published.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub public_port: Option<u16>,
    /// `tcp`, `udp` or `sctp`.
    #[serde(rename = "Type", default)]
    pub protocol: String,
}

/// The part of a listed container's host config the list reports.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct SummaryHostConfig {
    /// `default`, `host`, `none`, `container:<id>` or the primary network's name.
    #[serde(default)]
    pub network_mode: String,
    /// API 1.46+.
    #[serde(default, deserialize_with = "null_default")]
    pub annotations: HashMap<String, String>,
}

/// The networks a listed container is attached to.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct SummaryNetworkSettings {
    /// By network name.
    #[serde(default, deserialize_with = "null_default")]
    pub networks: HashMap<String, EndpointSettings>,
}

/// How a container is attached to one network.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct EndpointSettings {
    #[serde(rename = "IPAMConfig", default)]
    pub ipam_config: Option<EndpointIpamConfig>,
    #[serde(default, deserialize_with = "null_default")]
    pub links: Vec<String>,
    #[serde(default, deserialize_with = "null_default")]
    pub aliases: Vec<String>,
    #[serde(default)]
    pub mac_address: String,
    #[serde(default, deserialize_with = "null_default")]
    pub driver_opts: HashMap<String, String>,
    /// API 1.48+: which endpoint's gateway is the default route.
    #[serde(default)]
    pub gw_priority: i64,
    #[serde(rename = "NetworkID", default)]
    pub network_id: String,
    #[serde(rename = "EndpointID", default)]
    pub endpoint_id: String,
    #[serde(default)]
    pub gateway: String,
    #[serde(rename = "IPAddress", default)]
    pub ip_address: String,
    #[serde(rename = "IPPrefixLen", default)]
    pub ip_prefix_len: i64,
    #[serde(rename = "IPv6Gateway", default)]
    pub ipv6_gateway: String,
    #[serde(rename = "GlobalIPv6Address", default)]
    pub global_ipv6_address: String,
    #[serde(rename = "GlobalIPv6PrefixLen", default)]
    pub global_ipv6_prefix_len: i64,
    /// API 1.44+.
    #[serde(rename = "DNSNames", default, deserialize_with = "null_default")]
    pub dns_names: Vec<String>,
}

/// Addresses asked for when the container was attached.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct EndpointIpamConfig {
    #[serde(rename = "IPv4Address", default)]
    pub ipv4_address: String,
    #[serde(rename = "IPv6Address", default)]
    pub ipv6_address: String,
    #[serde(rename = "LinkLocalIPs", default, deserialize_with = "null_default")]
    pub link_local_ips: Vec<String>,
}

/// A mount of a listed container.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct MountPoint {
    /// `bind`, `volume`, `tmpfs`, `image`, `npipe` or `cluster`.
    #[serde(rename = "Type", default)]
    pub kind: String,
    /// The volume's name.
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub source: String,
    #[serde(default)]
    pub destination: String,
    #[serde(default)]
    pub driver: String,
    #[serde(default)]
    pub mode: String,
    #[serde(rename = "RW", default)]
    pub rw: bool,
    #[serde(default)]
    pub propagation: String,
}

/// A listed container's health check state (API 1.52+).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct SummaryHealth {
    /// `none`, `starting`, `healthy` or `unhealthy`.
    #[serde(default)]
    pub status: String,
    #[serde(default)]
    pub failing_streak: i64,
}

/// An OCI content descriptor (a manifest, an index, …).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct OciDescriptor {
    #[serde(default)]
    pub media_type: String,
    #[serde(default)]
    pub digest: String,
    #[serde(default)]
    pub size: i64,
    #[serde(
        default,
        deserialize_with = "null_default",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub urls: Vec<String>,
    #[serde(
        default,
        deserialize_with = "null_default",
        skip_serializing_if = "HashMap::is_empty"
    )]
    pub annotations: HashMap<String, String>,
    /// The content itself, base64, when embedded.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub data: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub platform: Option<OciPlatform>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub artifact_type: Option<String>,
}

/// The platform an OCI descriptor's content is for.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct OciPlatform {
    #[serde(default)]
    pub architecture: String,
    #[serde(default)]
    pub os: String,
    #[serde(
        rename = "os.version",
        default,
        skip_serializing_if = "String::is_empty"
    )]
    pub os_version: String,
    #[serde(
        rename = "os.features",
        default,
        deserialize_with = "null_default",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub os_features: Vec<String>,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub variant: String,
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::{json, Value};

    /// A list entry as API 1.55 sends it, every part filled.
    fn entry() -> Value {
        json!({
            "Id": "4f3c2b1a",
            "Names": ["/web"],
            "Image": "nginx:1.27",
            "ImageID": "sha256:aa11",
            "ImageManifestDescriptor": {
                "mediaType": "application/vnd.oci.image.manifest.v1+json",
                "digest": "sha256:bb22",
                "size": 1234,
                "platform": {"architecture": "arm64", "os": "linux", "variant": "v8"}
            },
            "Command": "nginx -g 'daemon off;'",
            "Created": 1_700_000_000,
            "Ports": [
                {"IP": "0.0.0.0", "PrivatePort": 80, "PublicPort": 8080, "Type": "tcp"},
                {"PrivatePort": 53, "Type": "udp"}
            ],
            "Labels": {"tier": "front"},
            "State": "running",
            "Status": "Up 2 minutes (healthy)",
            "HostConfig": {"NetworkMode": "appnet", "Annotations": {"a": "b"}},
            "NetworkSettings": {"Networks": {"appnet": {
                "IPAMConfig": {"IPv4Address": "10.1.0.9"},
                "Links": null,
                "Aliases": ["web"],
                "MacAddress": "02:42:0a:01:00:09",
                "DriverOpts": null,
                "GwPriority": 10,
                "NetworkID": "net1",
                "EndpointID": "ep1",
                "Gateway": "10.1.0.1",
                "IPAddress": "10.1.0.9",
                "IPPrefixLen": 24,
                "IPv6Gateway": "",
                "GlobalIPv6Address": "",
                "GlobalIPv6PrefixLen": 0,
                "DNSNames": ["web", "4f3c2b1a"]
            }}},
            "Mounts": [{
                "Type": "volume", "Name": "data", "Source": "/var/lib/docker/volumes/data/_data",
                "Destination": "/data", "Driver": "local", "Mode": "z", "RW": true,
                "Propagation": ""
            }],
            "Health": {"Status": "healthy", "FailingStreak": 0}
        })
    }

    #[test]
    fn every_part_of_an_entry_is_typed() {
        let c: ContainerSummary = serde_json::from_value(entry()).unwrap();
        assert_eq!(c.names, ["/web"]);
        assert_eq!(c.ports.len(), 2);
        assert_eq!(c.ports[0].ip.as_deref(), Some("0.0.0.0"));
        assert_eq!(c.ports[0].public_port, Some(8080));
        assert_eq!(
            (c.ports[1].private_port, c.ports[1].public_port),
            (53, None)
        );
        assert_eq!(c.ports[1].protocol, "udp");
        assert_eq!(c.host_config.network_mode, "appnet");
        assert_eq!(c.host_config.annotations["a"], "b");
        let net = &c.network_settings.networks["appnet"];
        assert_eq!(net.ip_address, "10.1.0.9");
        assert_eq!(net.ip_prefix_len, 24);
        assert_eq!(net.gw_priority, 10);
        assert_eq!(net.dns_names, ["web", "4f3c2b1a"]);
        assert!(net.links.is_empty() && net.driver_opts.is_empty());
        assert_eq!(net.ipam_config.as_ref().unwrap().ipv4_address, "10.1.0.9");
        assert_eq!(c.mounts[0].kind, "volume");
        assert!(c.mounts[0].rw);
        assert_eq!(c.health.as_ref().unwrap().status, "healthy");
        let descriptor = c.image_manifest_descriptor.as_ref().unwrap();
        assert_eq!(descriptor.size, 1234);
        assert_eq!(descriptor.platform.as_ref().unwrap().variant, "v8");
    }

    #[test]
    fn an_entry_written_back_keeps_the_daemons_names() {
        let c: ContainerSummary = serde_json::from_value(entry()).unwrap();
        let back = serde_json::to_value(&c).unwrap();
        let original = entry();
        for key in ["Id", "ImageID", "Ports", "HostConfig", "Mounts", "Health"] {
            assert_eq!(back[key], original[key], "{key}");
        }
        let net = &back["NetworkSettings"]["Networks"]["appnet"];
        for key in [
            "IPAMConfig",
            "NetworkID",
            "IPPrefixLen",
            "IPv6Gateway",
            "DNSNames",
        ] {
            assert!(net.get(key).is_some(), "{key} missing from {net}");
        }
        assert_eq!(
            back["ImageManifestDescriptor"],
            original["ImageManifestDescriptor"]
        );
    }

    #[test]
    fn an_api_1_41_entry_with_nulls_and_without_new_parts_decodes() {
        let old = json!({
            "Id": "9e8d", "Names": null, "Image": "busybox", "ImageID": "sha256:cc33",
            "Command": "true", "Created": 1, "Ports": null, "Labels": null,
            "State": "exited", "Status": "Exited (0)", "HostConfig": {"NetworkMode": "default"},
            "NetworkSettings": {"Networks": null}, "Mounts": null
        });
        let c: ContainerSummary = serde_json::from_value(old).unwrap();
        assert!(c.names.is_empty() && c.ports.is_empty() && c.mounts.is_empty());
        assert!(c.network_settings.networks.is_empty());
        assert!(c.health.is_none() && c.image_manifest_descriptor.is_none());
    }
}
