//! libdocker for Swift and Kotlin (and any UniFFI language), generated from
//! proc-macros: a `Docker` object over the core's pipeline, typed methods for
//! what users reach for first, `invoke` for every operation, streams as pull
//! objects (`next()`) or as listeners with a `TaskHandle`, and one error enum
//! taken from the core's list of error kinds.
//!
//! Layers, bottom first: `export` (the one place `async_runtime` is set),
//! `error`, `runtime` (the one tokio runtime; `jvm` attaches its threads to a
//! JVM once), `first_poll` (a call polled first on its caller's thread),
//! `docker_loop` (calls driven by a Kotlin `DockerLoop`'s own thread),
//! `task_handle`, `cancel_handle`, `streams`, then the `Docker` object's methods by
//! subject: `client`, `containers`, `exec`, `images`, `networks`; `monitor`
//! (many daemons' events as one stream); `maps` (container maps: Compose
//! projects over several daemons); and, on top, `jni_calls`: Kotlin's entry
//! into the hottest of those methods through JNI, beside UniFFI's JNA calls.

uniffi::setup_scaffolding!();

#[macro_use]
mod export;
mod cancel_handle;
mod client;
mod containers;
mod docker_loop;
mod error;
mod exec;
mod first_poll;
mod images;
mod jni_calls;
mod jvm;
mod maps;
mod monitor;
mod networks;
mod runtime;
mod streams;
mod swarm;
mod task_handle;

pub use cancel_handle::CancelHandle;
pub use client::{Docker, DockerOptions, VersionInfo};
pub use error::DockerError;
pub use streams::{EventListener, LogListener, ProgressListener};
pub use task_handle::TaskHandle;
