//! # libdocker
//!
//! An async client of the Docker Engine API (1.25 to 1.55): every operation
//! reachable by name through one data-driven path ([`Docker::invoke`]), typed methods
//! over it, version negotiation, typed errors, and real streaming (demultiplexed
//! stdout/stderr, JSON progress and events, tar in and out, hijacked connections).
//!
//! ```no_run
//! # async fn demo() -> Result<(), libdocker::Error> {
//! let docker = libdocker::Docker::connect()?;          // as the docker CLI would
//! let ping = docker.ping().await?;
//! println!("daemon API {:?}", ping.api_version);
//! let containers = docker
//!     .invoke("ContainerList", serde_json::json!({"all": true}))
//!     .await?
//!     .into_json()?;
//! # Ok(()) }
//! ```
//!
//! Map of the crate, from the bottom layer up (each imports only from below):
//! `error` and `version`; [`config`] (endpoints, environment, CLI contexts, TLS,
//! registry credentials); [`body`] (request bodies: tar, build contexts,
//! `.dockerignore`, Dockerfiles); [`api`] (the table of operations and their
//! behaviour, `doc`, parameter encoding); `transport` (the connection pool and
//! HTTP/1 exchange); [`stream`] (response decoders); `client` (the [`Docker`]
//! handle); `pipeline` (the one path every call takes: plan, send, reply);
//! [`resources`] (typed methods); [`monitor`] and [`maps`] (many daemons at once);
//! [`blocking`] (the blocking client).

pub mod api;
pub mod blocking;
pub mod body;
mod client;
pub mod config;
mod error;
mod filters;
pub mod maps;
pub mod monitor;
mod pipeline;
mod random;
pub mod resources;
pub mod stream;
mod transport;
mod version;

pub use body::{Body, BuildContext, Dockerfile};
pub use client::{Docker, DockerBuilder, DEFAULT_CONNECT_TIMEOUT, DEFAULT_REQUEST_TIMEOUT};
pub use config::{CredentialStore, Credentials, Endpoint, Environment, TlsOptions};
pub use error::{Error, ErrorKind, Result};
pub use filters::Filters;
pub use http;
pub use monitor::{
    ContainerStats as MonitorStats, Monitor, MonitorEvent, MonitorOptions, Subscription,
    WatchedContainer,
};
pub use pipeline::{CallOptions, Delivery, Invoke, Output, Ping, RawRequest};
pub use resources::archive::PutArchiveOptions;
pub use resources::build::BuildOptions;
pub use resources::container_config::ContainerConfig;
pub use resources::container_models::{
    Change, ContainerInspect, ContainerState, Created, PathStat, PruneReport, Top, WaitResult,
};
pub use resources::container_summary::{
    ContainerSummary, EndpointIpamConfig, EndpointSettings, MountPoint, OciDescriptor, OciPlatform,
    PortSummary, SummaryHealth, SummaryHostConfig, SummaryNetworkSettings,
};
pub use resources::containers::{
    AttachOptions, Containers, ListOptions, LogsOptions, RemoveOptions, StopOptions, WaitCondition,
};
pub use resources::convergence::{ConvergeOptions, ConvergeStream, Convergence, TaskProgress};
pub use resources::exec::{ExecConfig, ExecInspect, ExecOutput, ExecSession, Execs};
pub use resources::images::{
    CommitOptions, HistoryItem, ImageInspect, ImageSummary, Images, ImportOptions,
    ListImagesOptions, PullOptions, PushOptions, RemovedImage, SearchResult,
};
pub use resources::networks::{ConnectOptions, NetworkConfig, Networks};
pub use resources::nodes::{Availability, Nodes};
pub use resources::run::{RunOptions, RunOutput};
pub use resources::service_spec::{FileRef, ServiceSpec, UpdatePolicy};
pub use resources::services::Services;
pub use resources::swarm::{Swarm, SwarmInit, SwarmJoin, SwarmRotate};
pub use resources::swarm_data::{Configs, Secrets, SwarmData};
pub use resources::swarm_models::{
    Config, JoinTokens, Node, ObjectVersion, Secret, Service, SwarmInfo, SwarmObject, Task,
    TaskContainer, TaskStatus,
};
pub use resources::system::{
    Actor, AuthStatus, DiskUsage, Event, EventStream, EventsOptions, Info, Version,
};
pub use resources::tasks::Tasks;
pub use resources::volumes::{Volume, VolumeConfig, Volumes};
pub use stream::{
    AttachInput, Attached, ByteStream, JsonStream, LineStream, LogChunk, LogStream, Progress,
    ProgressStream, ProgressSummary, StdStream,
};
pub use transport::foreign_loop;
pub use transport::Upgraded;
pub use transport::{interruptible, Cancel, CHECK_EVERY, DEFAULT_MAX_CONNECTIONS};
pub use version::{ApiVersion, InvalidApiVersion};

/// The README's examples, compiled as doctests.
#[doc = include_str!("../../README.md")]
#[cfg(doctest)]
pub struct ReadmeDoctests;
