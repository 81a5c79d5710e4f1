//! Typed methods over the operation table, one module per kind of object. Each
//! method builds parameters and shapes the result; the request itself is `invoke`'s.

pub mod registry_auth;
pub mod system;
