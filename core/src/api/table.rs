//! Every operation of Engine API v1.55, as data: the one table `invoke` drives.
//!
//! Written from the facts of the published specs (method, path, parameter names and
//! types, body and response kinds, the version each operation and parameter appeared
//! in), and with each operation's behaviour beyond them: which stream items are
//! failures, which registry credentials it takes, where its TTY setting comes from,
//! which flag changes its answer, which parameters an older daemon does without.
//! `doc` and `cargo run --example ops` print it.

use super::operation::Category::*;
use super::operation::Credentials::{AllRegistries, ImageNamedBy, InBody, ServiceImage};
use super::operation::Flag::{BodyField, Param};
use super::operation::Method::*;
use super::operation::Need::*;
use super::operation::ParamType::*;
use super::operation::ResponseKind::*;
use super::operation::StreamErrors::{Build, Progress};
use super::operation::{header, op, path, query, Operation, Tty};

/// All 108 operations, grouped by category in the spec's order.
#[rustfmt::skip]
pub static OPERATIONS: &[Operation] = &[
    // Container
    op("ContainerList", Container, Get, "/containers/json", Json)
        .params(&[query("all", Bool), query("limit", Int), query("size", Bool), query("filters", Filters)]),
    op("ContainerCreate", Container, Post, "/containers/create", Json).json_body("body", Required)
        .params(&[query("name", Str), query("platform", Str).since(41)]),
    op("ContainerInspect", Container, Get, "/containers/{id}/json", Json)
        .params(&[path("id"), query("size", Bool)]),
    op("ContainerTop", Container, Get, "/containers/{id}/top", Json)
        .params(&[path("id"), query("ps_args", Str)]),
    op("ContainerLogs", Container, Get, "/containers/{id}/logs", Multiplexed).tty(Tty::Container("id"))
        .params(&[path("id"), query("follow", Bool), query("stdout", Bool), query("stderr", Bool), query("since", Timestamp), query("until", Timestamp).since(35), query("timestamps", Bool), query("tail", Str)]),
    op("ContainerChanges", Container, Get, "/containers/{id}/changes", Json)
        .params(&[path("id")]),
    op("ContainerExport", Container, Get, "/containers/{id}/export", Bytes)
        .params(&[path("id")]),
    op("ContainerStats", Container, Get, "/containers/{id}/stats", JsonStream).answers_if(Param("stream", false), Json)
        .params(&[path("id"), query("stream", Bool), query("one-shot", Bool).since(41).default("0")]),
    op("ContainerResize", Container, Post, "/containers/{id}/resize", Empty)
        .params(&[path("id"), query("h", Int).required(), query("w", Int).required()]),
    op("ContainerStart", Container, Post, "/containers/{id}/start", Empty)
        .params(&[path("id"), query("detachKeys", Str)]),
    op("ContainerStop", Container, Post, "/containers/{id}/stop", Empty).slow()
        .params(&[path("id"), query("signal", Str).since(42), query("t", Int)]),
    op("ContainerRestart", Container, Post, "/containers/{id}/restart", Empty).slow()
        .params(&[path("id"), query("signal", Str).since(42), query("t", Int)]),
    op("ContainerKill", Container, Post, "/containers/{id}/kill", Empty)
        .params(&[path("id"), query("signal", Str)]),
    op("ContainerUpdate", Container, Post, "/containers/{id}/update", Json).json_body("update", Required)
        .params(&[path("id")]),
    op("ContainerRename", Container, Post, "/containers/{id}/rename", Empty)
        .params(&[path("id"), query("name", Str).required()]),
    op("ContainerPause", Container, Post, "/containers/{id}/pause", Empty)
        .params(&[path("id")]),
    op("ContainerUnpause", Container, Post, "/containers/{id}/unpause", Empty)
        .params(&[path("id")]),
    op("ContainerAttach", Container, Post, "/containers/{id}/attach", Upgrade).tty(Tty::Container("id"))
        .params(&[path("id"), query("detachKeys", Str), query("logs", Bool), query("stream", Bool), query("stdin", Bool), query("stdout", Bool), query("stderr", Bool)]),
    op("ContainerAttachWebsocket", Container, Get, "/containers/{id}/attach/ws", Upgrade).upgrade_to("websocket")
        .params(&[path("id"), query("detachKeys", Str), query("logs", Bool), query("stream", Bool), query("stdin", Bool).since(42), query("stdout", Bool).since(42), query("stderr", Bool).since(42)]),
    op("ContainerWait", Container, Post, "/containers/{id}/wait", Json).slow()
        .params(&[path("id"), query("condition", Str).since(30).default("not-running")]),
    op("ContainerDelete", Container, Delete, "/containers/{id}", Empty).slow()
        .params(&[path("id"), query("v", Bool), query("force", Bool), query("link", Bool)]),
    op("ContainerArchiveInfo", Container, Head, "/containers/{id}/archive", PathStat)
        .params(&[path("id"), query("path", Str).required()]),
    op("ContainerArchive", Container, Get, "/containers/{id}/archive", Tar)
        .params(&[path("id"), query("path", Str).required()]),
    op("PutContainerArchive", Container, Put, "/containers/{id}/archive", Empty).slow().tar_body("inputStream", Required)
        .params(&[path("id"), query("path", Str).required(), query("noOverwriteDirNonDir", Str), query("copyUIDGID", Str).since(30)]),
    op("ContainerPrune", Container, Post, "/containers/prune", Json).slow()
        .params(&[query("filters", Filters)]),
    // Image
    op("ImageList", Image, Get, "/images/json", Json)
        .params(&[query("all", Bool), query("filters", Filters), query("shared-size", Bool).since(42), query("digests", Bool), query("manifests", Bool).since(47), query("identity", Bool).since(54)]),
    op("ImageBuild", Image, Post, "/build", JsonStream).slow().tar_body("inputStream", Optional)
        .stream_errors(Build).credentials(AllRegistries)
        .params(&[query("dockerfile", Str), query("t", StrList), query("extrahosts", Str).since(28), query("remote", Str), query("q", Bool), query("nocache", Bool), query("cachefrom", Encoded), query("pull", Str), query("rm", Bool), query("forcerm", Bool), query("memory", Int), query("memswap", Int), query("cpushares", Int), query("cpusetcpus", Str), query("cpuperiod", Int), query("cpuquota", Int), query("buildargs", Encoded), query("shmsize", Int), query("squash", Bool), query("labels", Encoded), query("networkmode", Str), header("Content-type", Str), header("X-Registry-Config", Auth), query("platform", Str).since(32), query("target", Str).since(37), query("outputs", Encoded).since(40), query("version", Str).since(38).default("1")]),
    op("BuildPrune", Image, Post, "/build/prune", Json).slow().since(31)
        .params(&[query("reserved-space", Int).since(48), query("max-used-space", Int).since(48), query("min-free-space", Int).since(48), query("all", Bool).since(39), query("filters", Filters).since(39)]),
    op("ImageCreate", Image, Post, "/images/create", JsonStream).slow().bytes_body("inputImage", Optional)
        .stream_errors(Progress("pull")).credentials(ImageNamedBy("fromImage"))
        .params(&[query("fromImage", Str), query("fromSrc", Str), query("repo", Str), query("tag", Str), query("message", Str).since(39), header("X-Registry-Auth", Auth), query("changes", StrList).since(40), query("platform", Str).since(32)]),
    op("ImageInspect", Image, Get, "/images/{name}/json", Json)
        .params(&[path("name"), query("manifests", Bool).since(48), query("platform", Encoded).since(49)]),
    op("ImageAttestations", Image, Get, "/images/{name}/attestations", Json).since(55)
        .params(&[path("name"), query("platform", EncodedList), query("type", StrList), query("statement", Bool)]),
    op("ImageHistory", Image, Get, "/images/{name}/history", Json)
        .params(&[path("name"), query("platform", Encoded).since(48)]),
    op("ImagePush", Image, Post, "/images/{name}/push", JsonStream).slow()
        .stream_errors(Progress("push")).credentials(ImageNamedBy("name"))
        .params(&[path("name"), query("tag", Str), query("platform", Encoded).since(46), header("X-Registry-Auth", Auth)]),
    op("ImageTag", Image, Post, "/images/{name}/tag", Empty)
        .params(&[path("name"), query("repo", Str), query("tag", Str)]),
    op("ImageDelete", Image, Delete, "/images/{name}", Json).slow()
        .params(&[path("name"), query("force", Bool), query("noprune", Bool), query("platforms", EncodedList).since(50)]),
    // The daemon reads X-Registry-Auth here too, though the spec does not list it.
    op("ImageSearch", Image, Get, "/images/search", Json).credentials(ImageNamedBy("term"))
        .params(&[query("term", Str).required(), query("limit", Int), query("filters", Filters), header("X-Registry-Auth", Auth)]),
    op("ImagePrune", Image, Post, "/images/prune", Json).slow()
        .params(&[query("filters", Filters)]),
    // System
    op("SystemAuth", System, Post, "/auth", Json).json_body("authConfig", Optional).credentials(InBody),
    op("SystemInfo", System, Get, "/info", Json),
    op("SystemVersion", System, Get, "/version", Json),
    op("SystemPing", System, Get, "/_ping", Text).unversioned(),
    op("SystemPingHead", System, Head, "/_ping", Empty).since(40).unversioned(),
    // Image
    op("ImageCommit", Image, Post, "/commit", Json).slow().json_body("containerConfig", Optional)
        .params(&[query("container", Str), query("repo", Str), query("tag", Str), query("comment", Str), query("author", Str), query("pause", Bool), query("changes", Str)]),
    // System
    op("SystemEvents", System, Get, "/events", JsonStream)
        .params(&[query("since", Timestamp), query("until", Timestamp), query("filters", Filters)]),
    op("SystemDataUsage", System, Get, "/system/df", Json).slow()
        .params(&[query("type", StrList).since(42), query("verbose", Bool).since(52)]),
    // Image
    op("ImageGet", Image, Get, "/images/{name}/get", Tar).slow()
        .params(&[path("name"), query("platform", EncodedList).since(48)]),
    op("ImageGetAll", Image, Get, "/images/get", Tar).slow()
        .params(&[query("names", StrList), query("platform", EncodedList).since(48)]),
    op("ImageLoad", Image, Post, "/images/load", JsonStream).slow().tar_body("imagesTarball", Optional)
        .stream_errors(Progress("load"))
        .params(&[query("quiet", Bool), query("platform", EncodedList).since(48)]),
    // Exec
    op("ContainerExec", Exec, Post, "/containers/{id}/exec", Json).json_body("execConfig", Required)
        .params(&[path("id")]),
    op("ExecStart", Exec, Post, "/exec/{id}/start", Upgrade).json_body("execStartConfig", Optional)
        .tty(Tty::ExecBody).answers_if(BodyField("Detach", true), Empty)
        .params(&[path("id")]),
    op("ExecResize", Exec, Post, "/exec/{id}/resize", Empty)
        .params(&[path("id"), query("h", Int).required(), query("w", Int).required()]),
    op("ExecInspect", Exec, Get, "/exec/{id}/json", Json)
        .params(&[path("id")]),
    // Volume
    op("VolumeList", Volume, Get, "/volumes", Json)
        .params(&[query("filters", Filters)]),
    op("VolumeCreate", Volume, Post, "/volumes/create", Json).json_body("volumeConfig", Required),
    op("VolumeInspect", Volume, Get, "/volumes/{name}", Json)
        .params(&[path("name")]),
    op("VolumeUpdate", Volume, Put, "/volumes/{name}", Empty).since(42).json_body("body", Optional).sequenced("VolumeInspect", Some("name"))
        .params(&[path("name"), query("version", Int).required()]),
    op("VolumeDelete", Volume, Delete, "/volumes/{name}", Empty)
        .params(&[path("name"), query("force", Bool)]),
    op("VolumePrune", Volume, Post, "/volumes/prune", Json).slow()
        .params(&[query("filters", Filters)]),
    // Network
    op("NetworkList", Network, Get, "/networks", Json)
        .params(&[query("filters", Filters)]),
    op("NetworkInspect", Network, Get, "/networks/{id}", Json)
        .params(&[path("id"), query("verbose", Bool).since(28), query("scope", Str).since(31)]),
    op("NetworkDelete", Network, Delete, "/networks/{id}", Empty)
        .params(&[path("id")]),
    op("NetworkCreate", Network, Post, "/networks/create", Json).json_body("networkConfig", Required),
    op("NetworkConnect", Network, Post, "/networks/{id}/connect", Empty).json_body("container", Required)
        .params(&[path("id")]),
    op("NetworkDisconnect", Network, Post, "/networks/{id}/disconnect", Empty).json_body("container", Required)
        .params(&[path("id")]),
    op("NetworkPrune", Network, Post, "/networks/prune", Json).slow()
        .params(&[query("filters", Filters)]),
    // Plugin
    op("PluginList", Plugin, Get, "/plugins", Json)
        .params(&[query("filters", Filters).since(28)]),
    op("GetPluginPrivileges", Plugin, Get, "/plugins/privileges", Json)
        .params(&[query("remote", Str).required().since(27)]),
    op("PluginPull", Plugin, Post, "/plugins/pull", JsonStream).slow().json_body("body", Optional)
        .stream_errors(Progress("plugin pull")).credentials(ImageNamedBy("remote"))
        .params(&[query("remote", Str).required(), query("name", Str), header("X-Registry-Auth", Auth)]),
    op("PluginInspect", Plugin, Get, "/plugins/{name}/json", Json)
        .params(&[path("name")]),
    op("PluginDelete", Plugin, Delete, "/plugins/{name}", Json)
        .params(&[path("name"), query("force", Bool)]),
    op("PluginEnable", Plugin, Post, "/plugins/{name}/enable", Empty)
        .params(&[path("name"), query("timeout", Int)]),
    op("PluginDisable", Plugin, Post, "/plugins/{name}/disable", Empty)
        .params(&[path("name"), query("force", Bool).since(28)]),
    op("PluginUpgrade", Plugin, Post, "/plugins/{name}/upgrade", JsonStream).slow().since(26).json_body("body", Optional)
        .stream_errors(Progress("plugin upgrade")).credentials(ImageNamedBy("remote"))
        .params(&[path("name"), query("remote", Str).required(), header("X-Registry-Auth", Auth)]),
    op("PluginCreate", Plugin, Post, "/plugins/create", Empty).slow().tar_body("tarContext", Optional)
        .params(&[query("name", Str).required()]),
    op("PluginPush", Plugin, Post, "/plugins/{name}/push", Empty).slow()
        .params(&[path("name")]),
    op("PluginSet", Plugin, Post, "/plugins/{name}/set", Empty).json_body("body", Optional)
        .params(&[path("name")]),
    // Node
    op("NodeList", Node, Get, "/nodes", Json)
        .params(&[query("filters", Filters)]),
    op("NodeInspect", Node, Get, "/nodes/{id}", Json)
        .params(&[path("id")]),
    op("NodeDelete", Node, Delete, "/nodes/{id}", Empty)
        .params(&[path("id"), query("force", Bool)]),
    op("NodeUpdate", Node, Post, "/nodes/{id}/update", Empty).json_body("body", Optional).sequenced("NodeInspect", Some("id"))
        .params(&[path("id"), query("version", Int).required()]),
    // Swarm
    op("SwarmInspect", Swarm, Get, "/swarm", Json),
    op("SwarmInit", Swarm, Post, "/swarm/init", Json).slow().json_body("body", Required),
    op("SwarmJoin", Swarm, Post, "/swarm/join", Empty).slow().json_body("body", Required),
    op("SwarmLeave", Swarm, Post, "/swarm/leave", Empty).slow()
        .params(&[query("force", Bool)]),
    op("SwarmUpdate", Swarm, Post, "/swarm/update", Empty).json_body("body", Required).sequenced("SwarmInspect", None)
        .params(&[query("version", Int).required(), query("rotateWorkerToken", Bool), query("rotateManagerToken", Bool), query("rotateManagerUnlockKey", Bool)]),
    op("SwarmUnlockkey", Swarm, Get, "/swarm/unlockkey", Json),
    op("SwarmUnlock", Swarm, Post, "/swarm/unlock", Empty).json_body("body", Required),
    // Service
    op("ServiceList", Service, Get, "/services", Json)
        .params(&[query("filters", Filters), query("status", Bool).since(41)]),
    op("ServiceCreate", Service, Post, "/services/create", Json).json_body("body", Required).credentials(ServiceImage)
        .params(&[header("X-Registry-Auth", Auth)]),
    op("ServiceInspect", Service, Get, "/services/{id}", Json)
        .params(&[path("id"), query("insertDefaults", Bool).since(29)]),
    op("ServiceDelete", Service, Delete, "/services/{id}", Empty)
        .params(&[path("id")]),
    op("ServiceUpdate", Service, Post, "/services/{id}/update", Json).json_body("body", Required).credentials(ServiceImage).sequenced("ServiceInspect", Some("id"))
        .params(&[path("id"), query("version", Int).required(), query("registryAuthFrom", Str), query("rollback", Str).since(28), header("X-Registry-Auth", Auth)]),
    op("ServiceLogs", Service, Get, "/services/{id}/logs", Multiplexed).tty(Tty::Service("id"))
        .params(&[path("id"), query("details", Bool), query("follow", Bool), query("stdout", Bool), query("stderr", Bool), query("since", Timestamp), query("timestamps", Bool), query("tail", Str)]),
    // Task
    op("TaskList", Task, Get, "/tasks", Json)
        .params(&[query("filters", Filters)]),
    op("TaskInspect", Task, Get, "/tasks/{id}", Json)
        .params(&[path("id")]),
    op("TaskLogs", Task, Get, "/tasks/{id}/logs", Multiplexed).since(29).tty(Tty::Task("id"))
        .params(&[path("id"), query("details", Bool), query("follow", Bool), query("stdout", Bool), query("stderr", Bool), query("since", Timestamp), query("timestamps", Bool), query("tail", Str)]),
    // Secret
    op("SecretList", Secret, Get, "/secrets", Json)
        .params(&[query("filters", Filters)]),
    op("SecretCreate", Secret, Post, "/secrets/create", Json).json_body("body", Optional),
    op("SecretInspect", Secret, Get, "/secrets/{id}", Json)
        .params(&[path("id")]),
    op("SecretDelete", Secret, Delete, "/secrets/{id}", Empty)
        .params(&[path("id")]),
    op("SecretUpdate", Secret, Post, "/secrets/{id}/update", Empty).json_body("body", Optional).sequenced("SecretInspect", Some("id"))
        .params(&[path("id"), query("version", Int).required()]),
    // Config
    op("ConfigList", Config, Get, "/configs", Json).since(30)
        .params(&[query("filters", Filters)]),
    op("ConfigCreate", Config, Post, "/configs/create", Json).since(30).json_body("body", Optional),
    op("ConfigInspect", Config, Get, "/configs/{id}", Json).since(30)
        .params(&[path("id")]),
    op("ConfigDelete", Config, Delete, "/configs/{id}", Empty).since(30)
        .params(&[path("id")]),
    op("ConfigUpdate", Config, Post, "/configs/{id}/update", Empty).since(30).json_body("body", Optional).sequenced("ConfigInspect", Some("id"))
        .params(&[path("id"), query("version", Int).required()]),
    // Distribution
    // The daemon reads X-Registry-Auth here too, though the spec does not list it.
    op("DistributionInspect", Distribution, Get, "/distribution/{name}/json", Json).since(30)
        .credentials(ImageNamedBy("name"))
        .params(&[path("name"), header("X-Registry-Auth", Auth)]),
    // Session
    op("Session", Session, Post, "/session", Upgrade).upgrade_to("h2c").since(31),
];
