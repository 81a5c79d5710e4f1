//! The C ABI of libdocker: `libdocker.so` / `libdocker.a` with `include/docker.h`.
//!
//! Built on the blocking client (`libdocker::blocking`): a call blocks its
//! thread, and a `docker_client` may be used from many threads at once; a call
//! can also be driven by the caller's own event loop without blocking
//! (`pending.rs`). Conventions, as in rustls-ffi: every name starts with
//! `docker_`; objects are opaque, made by `_new`/`_build` and released by
//! `_free`; every entry point checks its pointers and catches panics
//! (`panic.rs`, `ffi.rs`); failures are stable numbered `docker_result` codes
//! with a message (`error.rs`).
//!
//! Map: `client.rs` (builder, client, whole answers), `call.rs` (calls with
//! every option: raw requests, streamed bodies, time limits, headers),
//! `pending.rs` (calls driven by the caller's own event loop), `stream.rs`
//! (streams to callbacks), `attach.rs` (hijacked attach/exec connections),
//! `monitor.rs` (many daemons' events to a callback), `maps.rs` (container
//! maps: a document in, events out), `operations.rs` (the operation table as
//! JSON), `string.rs` (strings we hand out).

#![allow(non_camel_case_types)]
// Entry points take raw pointers from C, checked for null by the macros of `ffi.rs`:
// marking them `unsafe fn` would change nothing for C callers.
#![allow(clippy::not_unsafe_ptr_arg_deref)]

#[macro_use]
mod ffi;
#[macro_use]
mod panic;
mod attach;
mod call;
mod cancel;
mod client;
mod error;
mod login;
mod maps;
mod monitor;
mod operations;
mod pending;
mod stream;
mod string;

pub use attach::*;
pub use call::*;
pub use cancel::*;
pub use client::*;
pub use error::*;
pub use monitor::*;
pub use operations::*;
pub use pending::*;
pub use stream::*;
pub use string::*;
