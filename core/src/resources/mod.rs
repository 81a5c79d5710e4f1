//! Typed methods over the operation table, one module per kind of object. Each
//! method builds parameters and shapes the result; the request itself is `invoke`'s.

pub mod archive;
pub mod build;
pub mod container_config;
pub mod container_models;
pub mod container_summary;
pub mod containers;
pub mod convergence;
pub mod exec;
pub mod images;
pub mod networks;
pub mod nodes;
mod null_default;
pub mod run;
pub mod service_spec;
pub mod services;
pub mod swarm;
pub mod swarm_data;
pub mod swarm_models;
pub mod system;
pub mod tasks;
pub mod volumes;
mod warnings;
